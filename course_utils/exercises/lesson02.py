"""Lesson 02 "Check yourself": three-channel convolution.

Eight exercises, in the order the notebook asks them. The lesson works the source post's
three shape questions as examples (and prints Keras's answers), so q1-q3 ask the same kinds of
question with other numbers:

* ``q1`` a 10x12x3 input (not square) through six 3x3x3 filters, stride 1;
* ``q2`` a 12x12x3 input through four 3x3x3 filters, stride 2 (the floor matters);
* ``q3`` a 15x15x3 input through Conv2D(8, 3) then Conv2D(16, 3, strides=2);
* ``q4`` the parameters of a Conv2D layer on a 6-channel input;
* ``q5`` the shape Keras stores for a kernel;
* ``q6`` the multiplications of the source's second convolution layer;
* ``q7`` write a whole layer (several filters, each over every channel) with loops;
* ``q8`` design a colour filter that finds yellow.

Every mistake table is a list of (wrong answer, message) pairs, so that two mistakes giving
the same value cannot silently hide one of the messages (tests check that they all differ).

>>> q1.is_correct((8, 10, 6)), q1.is_correct((10, 8, 6))
(True, False)
"""

from __future__ import annotations

import numpy as np

from ..ops import conv2d
from . import KERNEL_AXES, Exercise, bind_exercises, function, number, read_array, shape

# ---------------------------------------------------------------------------------------------
# q1-q3: shapes
# ---------------------------------------------------------------------------------------------

#: q1: 10 rows, 12 columns, 3 channels; six 3x3x3 filters, stride 1 -> (8, 10, 6).
Q1_MISTAKES = [
    ((8, 10, 3), "The output has one channel per FILTER (six), not per input channel."),
    ((10, 8, 6), "Height and width are swapped: the input is 10 rows high and 12 columns "
                 "wide, so the output is (10 - 3 + 1) rows by (12 - 3 + 1) columns."),
    ((8, 8, 6), "The input is not square: it is 12 columns wide, so 12 - 3 + 1 = 10 "
                "columns."),
    ((10, 12, 6), "Without padding the output shrinks by F - 1 = 2 rows and columns."),
    ((8, 10, 18), "Each filter sums its three per-channel results into ONE map: six filters, "
                  "six channels."),
    ((8, 10, 1), "That is one filter's feature map; six filters stack six maps."),
    ((7, 9, 6), "N - F = 7 rows: count the first position too, N - F + 1."),
    ((6, 8, 10), "Keras is channels-last: (height, width, channels)."),
]

q1 = Exercise(
    "An input of 10 rows, 12 columns and 3 channels goes through six 3x3x3 filters with "
    "stride 1 and no padding. What is the shape (height, width, channels) of the output?",
    checker=shape((8, 10, 6), mistakes=Q1_MISTAKES),
    hint=["Height and width each follow (N - F) / S + 1, with their own N: 10 and 12.",
          "Channels of the output = number of filters."],
    solution="(10 - 3 + 1, 12 - 3 + 1, 6)  # = (8, 10, 6): one feature map per filter",
    solution_answer=(8, 10, 6),
)

#: q2: 12x12x3, four 3x3x3 filters, stride 2, no padding -> floor(9 / 2) + 1 = 5.
Q2_MISTAKES = [
    ((6, 6, 4), 'That is what padding="same" gives, ceil(12 / 2). Without padding the last '
                "window must fit: floor((12 - 3) / 2) + 1 = 5."),
    ((10, 10, 4), "That is stride 1; with stride 2 the window moves two pixels at a time."),
    ((4, 4, 4), "(12 - 3) // 2 = 4 windows after the first: add 1 for the first position."),
    ((3, 3, 4), "That is (N - F) / (S + 1), the source post's misprint; the + 1 comes after "
                "the division: (N - F) // S + 1."),
    ((5, 5, 3), "Four filters make four channels; the input's 3 channels are summed inside "
                "each filter."),
    ((4, 5, 5), "Keras is channels-last: (height, width, channels)."),
]

q2 = Exercise(
    "A 12x12x3 input goes through four 3x3x3 filters with stride 2 and no padding. "
    "What is the output shape?",
    checker=shape((5, 5, 4), mistakes=Q2_MISTAKES),
    hint=["(12 - 3) / 2 + 1 per axis, but (12 - 3) / 2 = 4.5 is not whole: round it down "
          "(the last window must fit), then add 1.",
          "Four filters give four channels."],
    solution="((12 - 3) // 2 + 1, (12 - 3) // 2 + 1, 4)  # = (5, 5, 4)",
    solution_answer=(5, 5, 4),
)

#: q3: 15x15x3 -> Conv2D(8, 3) -> 13x13x8 -> Conv2D(16, 3, strides=2) -> (6, 6, 16).
Q3_MISTAKES = [
    ((13, 13, 8), "That is the shape after the FIRST layer; apply the second one to it."),
    ((7, 7, 16), "(15 - 3) // 2 + 1 = 7 applies the second layer to the 15x15 input; it gets "
                 "the first layer's 13x13 output."),
    ((6, 6, 8), "The second layer has sixteen filters, so sixteen channels."),
    ((5, 5, 16), "(13 - 3) // 2 = 5 windows after the first: add 1."),
    ((11, 11, 16), "The second layer has stride 2: (13 - 3) // 2 + 1."),
    ((6, 6, 3), "The output's channels come from the last layer's filters, not from the "
                "image's 3 channels."),
    ((6, 6, 24), "Channels do not add up across layers: the last layer's sixteen filters "
                 "make sixteen channels."),
]

q3 = Exercise(
    "A 15x15x3 input goes through two convolution layers without padding: Conv2D(8, 3) "
    "(eight 3x3 filters, stride 1), then Conv2D(16, 3, strides=2). Each filter is as deep as "
    "its input. What is the shape after the second layer?",
    checker=shape((6, 6, 16), mistakes=Q3_MISTAKES),
    hint=["First layer: (15 - 3) / 1 + 1 = 13, so 13x13x8.",
          "Second layer on 13x13x8: (13 - 3) / 2 + 1, and sixteen filters."],
    solution="((13 - 3) // 2 + 1, (13 - 3) // 2 + 1, 16)  "
             "# 15x15x3 -> 13x13x8 -> (6, 6, 16)",
    solution_answer=(6, 6, 16),
)

# ---------------------------------------------------------------------------------------------
# q4-q6: what a layer stores and costs
# ---------------------------------------------------------------------------------------------

#: q4: Conv2D(16, 3) on 6 channels: (3 * 3 * 6 + 1) * 16 = 880.
Q4_MISTAKES = [
    (864, "Those are the weights only; each of the 16 filters also has one bias."),
    (870, "(3 * 3 * 16 + 1) * 6 = 870 swaps C_in and C_out. It is 864 weights plus 6 "
          "biases, one per INPUT channel; the biases are one per filter (output channel): "
          "16."),
    (960, "You gave every 3x3 kernel its own bias (16 * 6 = 96 biases). A filter has ONE "
          "bias for all its 6 kernels: 16 biases."),
    (160, "(3 * 3 + 1) * 16 counts one 3x3 kernel per filter; each filter has a 3x3 kernel "
          "for EACH of the 6 input channels."),
    (55, "That is one filter; the layer has 16."),
    (54, "That is one filter's weights (3 * 3 * 6); the layer has 16 filters, each with one "
         "bias."),
    (144, "3 * 3 * 16 leaves out the input channels and the biases."),
]

q4 = Exercise(
    "How many parameters (weights and biases) does Conv2D(16, 3) have on a 6-channel input?",
    checker=number(880, mistakes=Q4_MISTAKES),
    hint=["(F * F * C_in + 1) * C_out.",
          "One bias per filter: the + 1 sits inside the bracket, next to the filter's "
          "F * F * C_in weights."],
    solution="(3 * 3 * 6 + 1) * 16  # = 880",
    solution_answer=880,
)

#: q5: Conv2D(8, 5) on RGB stores its kernel as (kh, kw, in, out) = (5, 5, 3, 8).
Q5_MISTAKES = [
    ((8, 3, 5, 5), "That is PyTorch's layout (out, in, kh, kw); Keras stores "
                   "(kh, kw, in, out)."),
    ((3, 5, 5, 8), "The source post pictures filters as (3, 5, 5, ?); Keras stores the "
                   "spatial size first: (kh, kw, in, out)."),
    ((5, 5, 8, 3), "In and out are swapped: a Conv2D kernel is (kh, kw, in, out)."),
    ((5, 5, 1, 8), "An RGB image has 3 channels, so each filter has 3 kernels: in = 3."),
    ((5, 5, 8), "The kernel has four axes: one of them is the input channels (3 for RGB)."),
    ((5, 5, 3), "That is ONE filter; the layer stacks eight of them on a last axis."),
    ((8,), "That is the bias's shape, (out,); the kernel is (kh, kw, in, out)."),
    ((None, 5, 5, 3, 8), "A kernel has no batch axis: None stands for the batch in an "
                         "input or output shape. layer.kernel.shape is (kh, kw, in, out)."),
]

q5 = Exercise(
    "Conv2D(8, 5) is applied to an RGB image. What is the shape of layer.kernel, as Keras "
    "stores it?",
    checker=shape((5, 5, 3, 8), mistakes=Q5_MISTAKES, axes=KERNEL_AXES, batch=False),
    hint="Keras stores (kernel height, kernel width, input channels, output channels).",
    solution="(5, 5, 3, 8)",
    solution_answer=(5, 5, 3, 8),
)

#: q6: Conv2D(6, 5) on 24x24x3: 20 * 20 * 6 * 5 * 5 * 3 = 180,000.
Q6_MISTAKES = [
    (24 * 24 * 6 * 5 * 5 * 3, "That counts 24x24 positions, as for a 28x28 input (the "
                              "table of section 6). Here the input is 24x24, so the output "
                              "is 20x20."),
    (20 * 20 * 6 * 5 * 5, "Each output value needs F * F * C_in products: C_in = 3."),
    (456, "That is the number of parameters (what the layer stores), not of "
          "multiplications (what it does)."),
    (20 * 20 * 5 * 5 * 3, "That is one filter; the layer has six."),
    (456 * 20 * 20, "That multiplies the parameter count, biases included, by the 400 "
                    "positions; adding a bias is not a multiplication."),
    (20 * 20 * 6, "That is the number of output values; each needs F * F * C_in = 75 "
                  "products."),
]

q6 = Exercise(
    "The source's second layer, Conv2D(6, 5), gets a 24x24x3 input (stride 1, no padding). "
    "How many multiplications does it perform for one image?",
    checker=number(180_000, mistakes=Q6_MISTAKES),
    hint=["Multiplications = H_out * W_out * C_out * F * F * C_in.",
          "H_out = W_out = 24 - 5 + 1 = 20."],
    solution="20 * 20 * 6 * 5 * 5 * 3  # = 180,000",
    solution_answer=180_000,
)

# ---------------------------------------------------------------------------------------------
# q7: a whole layer: several filters, each over every channel
# ---------------------------------------------------------------------------------------------


def conv_layer(x, kernel, bias):
    f, _, _, c_out = kernel.shape
    o_h, o_w = x.shape[0] - f + 1, x.shape[1] - f + 1
    feature_maps = np.zeros((o_h, o_w, c_out))
    for k in range(c_out):                          # one filter at a time
        for i in range(o_h):
            for j in range(o_w):
                window = x[i:i + f, j:j + f, :]     # (F, F, C_in), like the filter
                feature_maps[i, j, k] = np.sum(window * kernel[:, :, :, k]) + bias[k]
    return feature_maps


def _reference(x, kernel, bias):
    """The course's conv2d (the tests prove it equal to tf.nn.conv2d)."""
    return conv2d(x, kernel, bias=bias)


def _first_channel_only(x, kernel, bias):
    return conv2d(np.asarray(x)[:, :, :1], np.asarray(kernel)[:, :, :1, :], bias=bias)


def _bias_per_channel(x, kernel, bias):
    return conv2d(x, kernel) + np.asarray(bias, dtype=float) * np.asarray(x).shape[2]


def _no_bias(x, kernel, bias):
    return conv2d(x, kernel)


def _channels_first(x, kernel, bias):
    return np.moveaxis(conv2d(x, kernel, bias=bias), -1, 0)


_rng = np.random.default_rng(2)
_LAYER_CASES = [
    (_rng.integers(0, 3, size=(7, 7, 3)), _rng.integers(-1, 2, size=(3, 3, 3, 2)),
     np.array([1.0, -1.0])),
    (_rng.integers(0, 5, size=(5, 6, 2)), _rng.integers(-2, 3, size=(3, 3, 2, 3)),
     np.array([0.0, 2.0, -1.0])),                                  # not square, C_in != C_out
    (_rng.normal(size=(6, 5, 3)).round(2), _rng.normal(size=(2, 2, 3, 1)).round(2),
     np.array([-0.5])),
    (_rng.integers(0, 4, size=(5, 5, 1)), _rng.integers(-1, 2, size=(3, 3, 1, 4)),
     np.array([2.0, 0.0, 1.0, -2.0])),                             # one input channel
]

_check_cases = function(_LAYER_CASES, reference=_reference, mistakes=[
    (_first_channel_only, "your function uses the first input channel only: each filter "
                          "multiplies EVERY channel by its own kernel and sums them all."),
    (_bias_per_channel, "your function adds the bias once per input channel; a filter adds "
                        "its ONE bias once, after summing the channels."),
    (_no_bias, "your function leaves out the bias: add bias[k] to every value of filter k's "
               "map."),
    (_channels_first, "your function returns (C_out, H_out, W_out): Keras is channels-last, "
                      "(H_out, W_out, C_out)."),
])


def _check_layer(answer):
    message = _check_cases(answer)
    if message and ("out of bounds" in message or "could not be broadcast" in message):
        message = message.rstrip(".") + (
            ". Keras's kernel layout is (F, F, C_in, C_out): filter k is kernel[:, :, :, k], "
            "and its kernel for input channel c is kernel[:, :, c, k].")
    return message


q7 = Exercise(
    "Write conv_layer(x, kernel, bias): x is (H, W, C_in), kernel is Keras's (F, F, C_in, "
    "C_out), bias is (C_out,). Return the layer's output (H - F + 1, W - F + 1, C_out), "
    "stride 1, no padding: filter k sums the products over all channels, adds bias[k] once, "
    "and makes channel k of the output.",
    checker=_check_layer,
    hint=["Loop over the filters k; filter k is kernel[:, :, :, k], shape (F, F, C_in).",
          "The window at (i, j) is x[i:i + F, j:j + F, :], the same shape as one filter; "
          "np.sum(window * kernel[:, :, :, k]) adds the products of all channels at once. "
          "Add bias[k] once, after the sum."],
    solution_answer=conv_layer,
)

# ---------------------------------------------------------------------------------------------
# q8: a yellow detector
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
    if winners == ["yellow"]:
        return None
    shown = ", ".join(f"{name} {value:g}" for name, value in responses.items())
    if "white" in winners and "yellow" in winners:
        return (f"white answers as strongly as yellow ({shown}): white has red and green "
                "too. What does white have that yellow lacks? Make that channel count "
                "against.")
    if "white" in winners:
        return (f"white answers more strongly than yellow ({shown}): white has red and green "
                "too, and blue on top. Make blue count against.")
    if winners == ["red"]:
        return (f"red answers most ({shown}): yellow is red PLUS green, so green must count "
                "for the detector as much as red does (the lesson's red detector counts it "
                "against).")
    return (f"the strongest response should be on the yellow patch alone, but it is on "
            f"{' and '.join(winners)} (responses: {shown}).")


q8 = Exercise(
    "Yellow light is red plus green. Choose the three weights (red, green, blue) of a 1x1 "
    "filter so that, on the test image colour_patches(), its strongest response is on the "
    "yellow patch and nowhere else (not on white, which contains red and green too).",
    checker=_check_yellow_detector,
    hint=["Positive weights on red and green alone fire just as much on white.",
          "White also has blue; yellow has none. Give blue a negative weight, as the red "
          "detector (1, -0.5, -0.5) of the lesson does for green and blue."],
    solution="np.array([0.5, 0.5, -1.0])  # yellow 1, white 0, red 0.5",
    solution_answer=np.array([0.5, 0.5, -1.0]),
)

__all__ = ["colour_patches", *bind_exercises(globals())]
