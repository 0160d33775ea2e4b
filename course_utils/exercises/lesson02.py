"""Lesson 02 "Check yourself": three-channel convolution.

Eight exercises, in the order the notebook asks them:

* ``q1``-``q3`` the three shape questions of the source post (7x7x3 with five 5x5x3
  filters, stride 1; with three filters, stride 2; 9x9x3 through two layers of four 3x3
  filters, stride 1 then 2);
* ``q4`` the parameters of a Conv2D layer on a 6-channel input;
* ``q5`` the shape Keras stores for a kernel;
* ``q6`` the multiplications of the source's second convolution layer;
* ``q7`` write the convolution of a multi-channel input with one filter;
* ``q8`` design a colour filter that finds yellow.

>>> q1.is_correct((3, 3, 5)), q1.is_correct((3, 3, 3))
(True, False)
"""

from __future__ import annotations

import numpy as np

from . import Exercise, bind_exercises, function, number, read_array, shape

# ---------------------------------------------------------------------------------------------
# q1-q3: shapes
# ---------------------------------------------------------------------------------------------

q1 = Exercise(
    "A 7x7x3 input goes through five 5x5x3 filters with stride 1 and no padding. "
    "What is the shape (height, width, channels) of the output?",
    checker=shape((3, 3, 5), mistakes={
        (3, 3, 3): "The output has one channel per FILTER (five), not per input channel.",
        (5, 5, 3): "That is the per-channel intermediate of a 3x3 kernel; here the kernel "
                   "is 5x5 and there are five filters.",
        (3, 3, 15): "Each filter sums its three per-channel results into ONE map: five "
                    "filters, five channels.",
        (5, 3, 3): "Keras is channels-last: (height, width, channels).",
    }),
    hint=["Height and width: (N - F) / S + 1 = (7 - 5) / 1 + 1.",
          "Channels of the output = number of filters."],
    solution="(3, 3, 5): (7 - 5) // 1 + 1 = 3, and one feature map per filter.",
    solution_answer=(3, 3, 5),
)

q2 = Exercise(
    "A 7x7x3 input goes through three 5x5x3 filters with stride 2 and no padding. "
    "What is the output shape?",
    checker=shape((2, 2, 3), mistakes={
        (3, 3, 3): "That is stride 1; with stride 2 the window moves two pixels at a time.",
        (1, 1, 3): "(7 - 5) / 2 + 1 = 2: the + 1 comes after the division.",
    }),
    hint="(7 - 5) / 2 + 1 per axis; three filters give three channels.",
    solution="(2, 2, 3): (7 - 5) // 2 + 1 = 2, three filters.",
    solution_answer=(2, 2, 3),
)

q3 = Exercise(
    "A 9x9x3 input goes through two convolution layers, each with four 3x3 filters (each "
    "filter has as many channels as its input) and no padding: stride 1 in the first layer, "
    "stride 2 in the second. What is the shape after the second layer?",
    checker=shape((3, 3, 4), mistakes={
        (7, 7, 4): "That is the shape after the FIRST layer; apply the second one to it.",
        (4, 4, 4): "The second layer sees 7x7, not 9x9: (7 - 3) // 2 + 1.",
        (3, 3, 3): "The second layer has four filters, so four channels.",
        (2, 2, 4): "(7 - 3) / 2 + 1 = 3.",
    }),
    hint=["First layer: (9 - 3) / 1 + 1 = 7, so 7x7x4.",
          "Second layer on 7x7x4: (7 - 3) / 2 + 1."],
    solution="9x9x3 -> (9 - 3) // 1 + 1 = 7 -> 7x7x4 -> (7 - 3) // 2 + 1 = 3 -> (3, 3, 4)",
    solution_answer=(3, 3, 4),
)

# ---------------------------------------------------------------------------------------------
# q4-q6: what a layer stores and costs
# ---------------------------------------------------------------------------------------------

q4 = Exercise(
    "How many parameters (weights and biases) does Conv2D(16, 3) have on a 6-channel input?",
    checker=number(880, mistakes={
        864: "Those are the weights only; each of the 16 filters also has one bias.",
        160: "Each filter has a 3x3 kernel for EACH of the 6 input channels.",
        150: "Each filter has 3 * 3 * 6 weights and ONE bias, and there are 16 filters.",
        55: "That is one filter; the layer has 16.",
        870: "One bias per filter, not per input channel: (3 * 3 * 6 + 1) * 16.",
    }),
    hint="(F * F * C_in + 1) * C_out.",
    solution="(3 * 3 * 6 + 1) * 16 = 880",
    solution_answer=880,
)

q5 = Exercise(
    "Conv2D(8, 5) is applied to an RGB image. What is the shape of layer.kernel, as Keras "
    "stores it?",
    checker=shape((5, 5, 3, 8), mistakes={
        (8, 3, 5, 5): "That is PyTorch's layout (out, in, kh, kw); Keras stores "
                      "(kh, kw, in, out).",
        (3, 5, 5, 8): "The source post pictures filters as (3, 5, 5, ?); Keras stores the "
                      "spatial size first: (kh, kw, in, out).",
        (5, 5, 8, 3): "In and out are swapped: a Conv2D kernel is (kh, kw, in, out).",
        (5, 5, 8): "The kernel has four axes: one of them is the input channels.",
        (5, 5, 3): "That is ONE filter; the layer stacks eight of them on a last axis.",
    }),
    hint="Keras stores (kernel height, kernel width, input channels, output channels).",
    solution="(5, 5, 3, 8)",
    solution_answer=(5, 5, 3, 8),
)

q6 = Exercise(
    "The source's second layer, Conv2D(6, 5), gets a 24x24x3 input (stride 1, no padding). "
    "How many multiplications does it perform for one image?",
    checker=number(180_000, mistakes={
        24 * 24 * 6 * 5 * 5 * 3: "Count output positions, not input pixels: the output is "
                                 "20x20.",
        20 * 20 * 6 * 5 * 5: "Each output value needs F * F * C_in products: C_in = 3.",
        456: "That is the number of parameters, not of multiplications.",
        20 * 20 * 5 * 5 * 3: "That is one filter; the layer has six.",
    }),
    hint=["Multiplications = H_out * W_out * C_out * F * F * C_in.",
          "H_out = W_out = 24 - 5 + 1 = 20."],
    solution="20 * 20 * 6 * 5 * 5 * 3 = 180,000",
    solution_answer=180_000,
)

# ---------------------------------------------------------------------------------------------
# q7: one filter over several channels
# ---------------------------------------------------------------------------------------------


def _reference_filter(x, kernel, bias):
    """One filter on a multi-channel input, valid, stride 1 (sliding windows, no loops)."""
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape)[:, :, 0]
    return np.einsum("ijklc,klc->ij", windows, kernel) + bias


def _filter_solution(x, kernel, bias):
    f = kernel.shape[0]
    o_h, o_w = x.shape[0] - f + 1, x.shape[1] - f + 1
    feature_map = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            window = x[i:i + f, j:j + f, :]           # (F, F, C_in)
            feature_map[i, j] = np.sum(window * kernel) + bias
    return feature_map


_rng = np.random.default_rng(2)
_FILTER_CASES = [
    (_rng.integers(0, 3, size=(7, 7, 3)), _rng.integers(-1, 2, size=(3, 3, 3)), 1),
    (_rng.integers(0, 5, size=(4, 4, 3)), _rng.integers(-2, 3, size=(3, 3, 3)), 0),
    (_rng.normal(size=(6, 5, 2)).round(2), _rng.normal(size=(2, 2, 2)).round(2), -0.5),
    (_rng.integers(0, 4, size=(5, 5, 1)), _rng.integers(-1, 2, size=(3, 3, 1)), 2),
]

q7 = Exercise(
    "Write one_filter(x, kernel, bias): x is (H, W, C_in), kernel is (F, F, C_in), bias a "
    "number. Return the ONE feature map (H - F + 1, W - F + 1) the filter makes with stride "
    "1 and no padding: at each position, the products over all channels are summed and the "
    "bias is added once.",
    checker=function(_FILTER_CASES, reference=_reference_filter),
    hint=["The window at (i, j) is x[i:i + F, j:j + F, :], the same shape as the kernel.",
          "np.sum(window * kernel) adds the products of all channels at once; add the bias "
          "once, after the sum."],
    solution_answer=_filter_solution,
)

# ---------------------------------------------------------------------------------------------
# q8: a red detector
# ---------------------------------------------------------------------------------------------

_PATCH_COLOURS = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "white": (1.0, 1.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
    "magenta": (1.0, 0.0, 1.0),
    "grey": (0.5, 0.5, 0.5),
    "black": (0.0, 0.0, 0.0),
}


def colour_patches() -> tuple[np.ndarray, list[str]]:
    """A 2x4-patch test image (each patch 3x3 pixels, values 0-1) and the patch names.

    Returns ``image`` of shape (6, 12, 3), channels-last RGB, and ``names``, row by row:
    red, green, blue, white / yellow, magenta, grey, black.

    >>> image, names = colour_patches()
    >>> image.shape, names[:3]
    ((6, 12, 3), ['red', 'green', 'blue'])
    """
    names = list(_PATCH_COLOURS)
    image = np.zeros((6, 12, 3))
    for index, name in enumerate(names):
        row, col = divmod(index, 4)
        image[3 * row:3 * row + 3, 3 * col:3 * col + 3] = _PATCH_COLOURS[name]
    return image, names


def _check_yellow_detector(answer):
    weights = read_array(answer).astype(float).reshape(-1)
    if weights.size != 3:
        return (f"give three weights, one per channel (red, green, blue); yours has "
                f"{weights.size} values.")
    if not np.all(np.isfinite(weights)):
        return "the weights contain NaN or infinite values."
    image, names = colour_patches()
    responses = {name: float(image[3 * (i // 4), 3 * (i % 4)] @ weights)
                 for i, name in enumerate(names)}
    best = max(responses.values())
    winners = [name for name, value in responses.items() if np.isclose(value, best)]
    if winners != ["yellow"]:
        shown = ", ".join(f"{name} {value:g}" for name, value in responses.items())
        return (f"the strongest response should be on the yellow patch alone, but it is on "
                f"{' and '.join(winners)} (responses: {shown}).")
    return None


q8 = Exercise(
    "Yellow light is red plus green. Choose the three weights (red, green, blue) of a 1x1 "
    "filter so that, on the test image colour_patches(), its strongest response is on the "
    "yellow patch and nowhere else (not on white, which contains red and green too).",
    checker=_check_yellow_detector,
    hint=["Positive weights on red and green alone fire just as much on white.",
          "White also has blue; yellow has none. Give blue a negative weight, as the red "
          "detector (1, -0.5, -0.5) of the lesson does for green and blue."],
    solution="yellow_weights = np.array([0.5, 0.5, -1.0])  # yellow 1, white 0, red 0.5",
    solution_answer=np.array([0.5, 0.5, -1.0]),
)

__all__ = ["colour_patches", *bind_exercises(globals())]
