"""Lesson 02 "Check yourself": three-channel convolution.

Eight exercises, in the order the notebook asks them, each at the end of the section it
practises (the two functions to write make section 5):

* ``q1`` (section 2) design a colour filter that finds yellow;
* ``q2`` (section 3) one output value of a layer like section 3's (padding 1, stride 2, two
  filters);
* ``q3`` (section 3) a 10x13x3 input (not square) through five 3x3x3 filters, stride 2 (the
  floor matters);
* ``q4`` (section 4) two layers in a row: both output shapes and the second layer's parameters
  (its filters are as deep as the first layer has filters);
* ``q5`` (section 4) the input channels of a 1x1 layer, from its parameter count (the inverse
  problem; the bias must come off first);
* ``q6`` (section 4) the multiplications of the MNIST model's second convolution layer;
* ``q7`` write a whole layer (several filters, each over every channel, a bias per filter);
* ``q8`` write the same layer with a stride and zero padding (CS231n's ``conv_forward``).

The lesson works one output value and a shape as examples (section 3, with Keras's answers), so
q2 and q3 ask the same kinds of question with other numbers.

Every expected answer and every known wrong answer is computed from the question's own numbers
with the course's helpers (conv_output_size, conv_params, conv_mults, conv2d), never typed in.
Every mistake table is a list of (wrong answer, message) pairs, so that two mistakes giving
the same value cannot silently hide one of the messages (tests check that they all differ).

>>> q3.is_correct((4, 6, 5)), q3.is_correct((6, 4, 5))
(True, False)
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from ..arithmetic import conv_mults, conv_output_size, conv_params
from ..ops import conv2d
from . import (
    Exercise,
    OneImageShape,
    bind_exercises,
    function,
    number,
    read_array,
    shape,
    uses_placeholder,
)

# ---------------------------------------------------------------------------------------------
# q1: a yellow detector
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


def show_colour_patches():
    """Draw :func:`colour_patches` with each patch's name on it; returns the figure.

    Lesson 02, exercise q1: the test image the yellow detector is scored on.

    >>> fig = show_colour_patches()
    >>> len(fig.axes[0].texts)
    8
    """
    image, names = colour_patches()
    fig, ax = plt.subplots(figsize=(5, 2.9), layout="constrained")
    ax.imshow(image, interpolation="nearest")
    for index, name in enumerate(names):
        row, col = divmod(index, 4)
        brightness = image[3 * row, 3 * col] @ [0.299, 0.587, 0.114]  # luminance: text colour
        ax.text(3 * col + 1, 3 * row + 1, name, ha="center", va="center", fontsize=9,
                color="black" if brightness > 0.5 else "white")
    ax.set_title("q1's test image, one colour per patch")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def _patch_responses(weights) -> dict[str, float]:
    """The response of a 1x1 filter with these (red, green, blue) weights on each patch of
    colour_patches(), patch name -> value."""
    image, names = colour_patches()
    return {name: float(image[3 * (i // 4), 3 * (i % 4)] @ weights)
            for i, name in enumerate(names)}


def _weights_or_message(weights) -> tuple[np.ndarray | None, str | None]:
    """Three finite weights as floats, or why they are not."""
    values = read_array(weights).astype(float).reshape(-1)
    if values.size != 3:
        return None, (f"give three weights, one per channel (red, green, blue); yours has "
                      f"{values.size} value{'s' if values.size != 1 else ''}.")
    if not np.all(np.isfinite(values)):
        return None, "the weights contain NaN or infinite values."
    return values, None


def try_weights(weights) -> None:
    """Print the response of a 1x1 filter with these (red, green, blue) weights on each patch
    of :func:`colour_patches`, or one line saying what the weights lack.

    Lesson 02, exercise q1 (a yellow detector): try weights before checking them.

    >>> try_weights([1, -0.5, -0.5])  # doctest: +ELLIPSIS
    red +1.00, green -0.50, blue -0.50, white +0.00, yellow +0.50, magenta +0.50, ...
    >>> try_weights([1, 1])
    give three weights, one per channel (red, green, blue); yours has 2 values.
    """
    if uses_placeholder(weights):
        print("replace ____ with three weights (red, green, blue) first, e.g. "
              "try_weights([1, 0, 0]).")
        return
    try:
        values, problem = _weights_or_message(weights)
    except Exception as error:                 # an answer that is not numbers at all
        print(f"give three numbers (red, green, blue), such as [1, 0, 0]: {error}")
        return
    if problem:
        print(problem)
        return
    print(", ".join(f"{name} {value:+.2f}" for name, value in _patch_responses(values).items()))


def _names(patches: list[str]) -> str:
    return patches[0] if len(patches) == 1 else ", ".join(patches[:-1]) + " and " + patches[-1]


#: q1: every other patch may answer at most this share of yellow's response (a clear margin).
_Q1_SHARE = 0.75


def _check_yellow_detector(answer):
    weights, problem = _weights_or_message(answer)
    if problem:
        return problem
    responses = _patch_responses(weights)
    yellow = responses["yellow"]
    ties = [n for n, v in responses.items() if n != "yellow" and np.isclose(v, yellow)]
    beats = [n for n, v in responses.items() if v > yellow and not np.isclose(v, yellow)]
    if not ties and not beats:
        close = [n for n, v in responses.items() if n != "yellow" and v > _Q1_SHARE * yellow
                 and not np.isclose(v, _Q1_SHARE * yellow)]
        if not close:
            return None
        shown = ", ".join(f"{name} {value:g}" for name, value in responses.items())
        return (f"yellow answers most ({yellow:g}), but {_names(close)} "
                f"answer{'s' if len(close) == 1 else ''} more than 3/4 of that (responses: "
                f"{shown}): almost as much as on yellow, so it would not single yellow out. "
                f"Make yellow stand out: at most {_Q1_SHARE * yellow:g} on every other patch.")
    found = []
    if beats:
        found.append(f"{_names(beats)} answer{'s' if len(beats) == 1 else ''} more strongly "
                     "than yellow")
    if ties:
        found.append(f"{_names(ties)} answer{'s' if len(ties) == 1 else ''} as strongly as "
                     "yellow")
    shown = ", ".join(f"{name} {value:g}" for name, value in responses.items())
    head = f"{'; '.join(found)} (responses: {shown})."
    red, green, blue = weights
    weak = [name for name, weight in (("red", red), ("green", green)) if weight <= 0]
    if weak:                  # what the weights prove: yellow gets only red + green
        return (f"{head} Yellow is red PLUS green, so its response is the red weight plus the "
                f"green weight; your {_names(weak)} weight{'s are' if len(weak) > 1 else ' is'} "
                f"not above 0. Give both a positive weight first: then yellow beats red alone "
                "and green alone.")
    # red and green are positive here, so every patch that ties or beats yellow has blue
    return (f"{head} Your blue weight, {blue:g}, is not below 0, and every patch that ties "
            "or beats yellow here has blue, which yellow lacks. Make blue count against: a "
            "negative blue weight.")


q1 = Exercise(
    "Yellow light is red plus green. Choose the three weights (red, green, blue) of a 1x1 "
    "filter (F = 1: one pixel, all three channels) so that, on the test image "
    "show_colour_patches() draws, its highest (most positive) response is on the yellow "
    "patch, with every other patch at most 3/4 of it (not white either, which contains red "
    "and green too).",
    checker=_check_yellow_detector,
    answer_name="yellow_weights",  # the exercise cell is `yellow_weights = ____`
    hint=["Positive weights on red and green alone fire just as much on white.",
          "White also has blue; yellow has none. Give blue a negative weight, as the red "
          "detector (1, -0.5, -0.5) of the lesson does for green and blue."],
    solution="np.array([0.5, 0.5, -1.0])  # yellow 1, white 0, red 0.5",
    solution_answer=np.array([0.5, 0.5, -1.0]),
)


# ---------------------------------------------------------------------------------------------
# q2: one output value of a three-channel layer, by the steps of section 3
# ---------------------------------------------------------------------------------------------

_rng = np.random.default_rng(659)
#: q2's layer, like section 3's but with other numbers: a 5x5x3 input (H, W, C_in), two 3x3x3
#: filters in Keras's layout (F, F, C_in, C_out) and one bias per filter; padding 1, stride 2.
Q2_X = _rng.integers(0, 4, size=(5, 5, 3))
Q2_KERNEL = _rng.integers(-2, 3, size=(3, 3, 3, 2))
Q2_BIAS = np.array([1, -2])
for _array in (Q2_X, Q2_KERNEL, Q2_BIAS):
    _array.setflags(write=False)
_Q2_STRIDE, _Q2_PADDING, _Q2_ROW, _Q2_COL, _Q2_FILTER = 2, 1, 0, 1, 1
_Q2 = int(conv2d(Q2_X, Q2_KERNEL, bias=Q2_BIAS, stride=_Q2_STRIDE,
                 padding=_Q2_PADDING)[_Q2_ROW, _Q2_COL, _Q2_FILTER])


def _q2_value(bias="own", filter_index=_Q2_FILTER, stride=_Q2_STRIDE, padding=_Q2_PADDING,
              channels=3, only=None, flip=False, swap=False) -> int:
    """Output (0, 1) of a filter of q2's layer, worked by hand: right with the defaults, and
    with one slip for each argument changed (``channels``: the first ones only; ``only``: that
    one channel alone)."""
    padded = np.pad(Q2_X, ((padding, padding), (padding, padding), (0, 0)))
    row, col = (_Q2_COL, _Q2_ROW) if swap else (_Q2_ROW, _Q2_COL)
    kept = slice(only, only + 1) if only is not None else slice(0, channels)
    window = padded[row * stride:row * stride + 3, col * stride:col * stride + 3, kept]
    kernel = Q2_KERNEL[:, :, kept, filter_index]
    kernel = kernel[::-1, ::-1] if flip else kernel
    own = int(Q2_BIAS[filter_index])
    added = {"own": own, "none": 0, "other": int(Q2_BIAS[1 - filter_index]),
             "per channel": 3 * own, "subtracted": -own}[bias]
    return int(np.sum(window * kernel)) + added


#: Filter 1's sum for each input channel at output (0, 1), before the bias.
_Q2_SUMS = [_q2_value(bias="none", channels=c + 1) - _q2_value(bias="none", channels=c)
            for c in range(3)]

#: q2: output (0, 1) of filter 1. Each value is one slip's (tests check they all differ).
Q2_MISTAKES = [
    (_q2_value(bias="none"), "that is filter 1's sum of products without its bias: add "
                             f"Q2_BIAS[1] = {Q2_BIAS[1]}, once."),
    (_q2_value(bias="other"), "that is filter 1's products plus filter 0's bias, "
                              f"Q2_BIAS[0] = {Q2_BIAS[0]}; filter 1 adds its own, "
                              f"Q2_BIAS[1] = {Q2_BIAS[1]}."),
    (_q2_value(bias="subtracted"), f"that is filter 1's sum of products, "
                                   f"{_q2_value(bias='none')}, minus its bias; the bias is "
                                   f"added: {_q2_value(bias='none')} + ({Q2_BIAS[1]})."),
    (_q2_value(bias="per channel"), f"that adds the bias once per input channel (3 x "
                                    f"{Q2_BIAS[1]}); a filter adds its one bias once, after "
                                    "summing the products of all its channels."),
    (_q2_value(bias="none") + 27 * int(Q2_BIAS[1]),
     f"that adds the bias to each of the 27 products (27 x {Q2_BIAS[1]}), as np.sum(window * "
     "kernel + bias) does; add it once, after the sum: np.sum(window * kernel) + bias."),
    # filter 0's output, filter 1's one stride too far right and filter 1's third channel
    # alone all give it: a number cannot tell which, so the message lists them as examples
    (_q2_value(filter_index=0), "several slips give that value, among them: filter 0's output "
                                "at (0, 1) (Q2_KERNEL[:, :, :, 0] with Q2_BIAS[0]), filter 1's "
                                "output at (0, 2), its window one stride too far right, or "
                                "filter 1's third channel alone plus its bias. Output (0, 1) of "
                                "filter 1 uses Q2_KERNEL[:, :, :, 1] and Q2_BIAS[1] on the "
                                "window at row 0, column 2 of the padded input, all three "
                                "channels."),
    (_q2_value(bias="none", filter_index=0),
     "two slips give that value: filter 1's output at (0, 0), its window at column 0 instead of "
     "1 * 2 = 2, or filter 0's products on the right window with no bias. Output (0, 1) of "
     "filter 1 uses Q2_KERNEL[:, :, :, 1] and Q2_BIAS[1] on the window at row 0, column 2 of "
     "the padded input."),
    (_q2_value(stride=1), "that window starts at column 1 of the padded input, as it would "
                          "with stride 1; with stride 2, output column 1 starts at column "
                          "1 * 2 = 2."),
    (_q2_value(padding=0), "three slips give that value: Q2_X not padded (its window at rows "
                           "0-2, columns 2-4), the padded window started one row and one "
                           "column too far (row 1, column 3), or each kernel transposed (rows "
                           "for columns). Pad one row and column of zeros on every side; "
                           "output (0, 1)'s window starts at row 0 * 2 = 0, column 1 * 2 = 2 "
                           "of the padded input, and each kernel is used as stored."),
    (_q2_value(channels=1), "that is the first channel's products alone, plus the bias; the "
                            "filter sums the products of all three channels."),
    (_q2_value(only=1), "that is the second channel's products alone, plus the bias; the "
                        "filter sums the products of all three channels."),
    (_q2_value(flip=True), "those are the kernels flipped (a true convolution); Conv2D uses "
                           "them as they are (cross-correlation, lesson 01)."),
    (-_Q2, f"{-_Q2} is the expected value with the opposite sign: a dropped minus sign, or "
           "every weight and the bias negated, gives it."),
    (_q2_value(swap=True), "that is output (1, 0), rows and columns swapped: output (0, 1) is "
                           "row 0, column 1, whose window starts at row 0, column 2 of the "
                           "padded input."),
]

_q2_number = number(_Q2, mistakes=Q2_MISTAKES)


def _check_one_value(answer):
    """q2's checker: the three per-channel sums, given instead of their total, are named (the
    'one map per channel' slip of section 2, for one value), and so are both filters' outputs
    given instead of filter 1's."""
    try:
        values = read_array(answer).astype(float).reshape(-1)
    except Exception:
        values = None
    if values is not None and values.size == 3 and any(
            np.allclose(values, np.add(_Q2_SUMS, extra)) for extra in (0, Q2_BIAS[1])):
        return ("those are three numbers, one per input channel: filter 1's sums channel by "
                "channel. The filter adds them into ONE number, then adds its bias once.")
    if values is not None and values.size == 2 and np.allclose(values, [_q2_value(filter_index=0),
                                                                        _Q2]):
        return ("those are both filters' outputs at (0, 1); the question asks for filter 1's "
                "alone, the second of them: take [1].")
    return _q2_number(answer)


q2 = Exercise(
    "A layer like section 3's, with other numbers: the 5x5x3 input Q2_X gets one pixel of zero "
    "padding and goes through two 3x3x3 filters, Q2_KERNEL (Keras's layout (F, F, C_in, "
    "C_out)) with biases Q2_BIAS, stride 2. Compute output (0, 1) of filter 1: one number.",
    checker=_check_one_value,
    hint=["Output (0, 1) comes from the window that starts at row 0 * 2 and column 1 * 2 of "
          "the PADDED input, and it is as deep as the input: all three channels.",
          "Filter 1 is Q2_KERNEL[:, :, :, 1], the same (3, 3, 3) shape as the window. Multiply "
          "them, sum all 27 products, then add the filter's bias once."],
    solution=f"""\
padded = np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))          # zeros around height and width only
window = padded[0:3, 2:5, :]                             # output (0, 1): row 0, column 1 * 2
answer = np.sum(window * Q2_KERNEL[:, :, :, 1]) + Q2_BIAS[1]   # = {_Q2}""",
    solution_answer=_Q2,
)

# ---------------------------------------------------------------------------------------------
# q3: a shape. The expected answer and each known mistake are computed from the question's
# own numbers (conv_output_size is THE formula), never typed in.
# ---------------------------------------------------------------------------------------------

_Q3_H, _Q3_W, _Q3_C, _Q3_FILTERS, _Q3_F, _Q3_S = 10, 13, 3, 5, 3, 2
_Q3_OH, _Q3_OW = (conv_output_size(_Q3_H, _Q3_F, _Q3_S),
                  conv_output_size(_Q3_W, _Q3_F, _Q3_S))                  # 4, 6
_Q3 = (_Q3_OH, _Q3_OW, _Q3_FILTERS)


def _q3_sides(size) -> tuple[int, int, int]:
    """(rows, columns, filters) with each side computed by ``size(n)``."""
    return size(_Q3_H), size(_Q3_W), _Q3_FILTERS


#: q3: 10 rows, 13 columns, 3 channels; five 3x3x3 filters, stride 2, no padding.
Q3_MISTAKES = [
    (_q3_sides(lambda n: conv_output_size(n, _Q3_F, _Q3_S, "same")),
     'that is what padding="same" gives, ceil(N / S): ceil(10 / 2) and ceil(13 / 2). Without '
     "padding the last window must fit: (N - F) // S + 1 per side."),
    (_q3_sides(lambda n: conv_output_size(n, _Q3_F)),
     "that is stride 1; with stride 2 the window moves two pixels at a time."),
    (_q3_sides(lambda n: (n - _Q3_F) // _Q3_S),
     "(N - F) // S counts the steps after the first window: add 1 for the first position."),
    (_q3_sides(lambda n: (n - _Q3_F) // (_Q3_S + 1)),
     "that is (N - F) // (S + 1), the misprinted formula lesson 01 corrects; the + 1 comes "
     "after the division: (N - F) // S + 1."),
    ((_Q3_OH, _Q3_OW, _Q3_C), "the output has one channel per FILTER (five), not per input "
                              "channel."),
    ((_Q3_OH, _Q3_OW, _Q3_FILTERS * _Q3_C), "each filter sums its three per-channel results "
                                            "into ONE map: five filters, five channels."),
    ((_Q3_OH, _Q3_OW, 1), "that is one filter's feature map; five filters stack five maps."),
    ((_Q3_OW, _Q3_OH, _Q3_FILTERS), "height and width are swapped: the input is 10 rows high "
                                    "and 13 columns wide, so the output has "
                                    "(10 - 3) // 2 + 1 rows and (13 - 3) // 2 + 1 columns."),
    ((_Q3_OH, _Q3_OH, _Q3_FILTERS), "the input is not square: its 13 columns give "
                                    f"(13 - 3) // 2 + 1 = {_Q3_OW} columns."),
    ((_Q3_OW, _Q3_OW, _Q3_FILTERS), "the input is not square: its 10 rows give "
                                    f"(10 - 3) // 2 + 1 = {_Q3_OH} rows."),
    ((_Q3_FILTERS, _Q3_OH, _Q3_OW), "Keras is channels-last: (height, width, channels)."),
    # ceil((N - F) / S) + 1 and N // S both give 5 rows and 6 columns: name both
    (_q3_sides(lambda n: -(-(n - _Q3_F) // _Q3_S) + 1),
     "your 6 columns are right; the rows are off (5, not 4). 5 rows come from rounding "
     "(10 - 3) / 2 = 3.5 UP to 4, plus 1, or from 10 // 2, N // S without the kernel. Without "
     "padding the last window must fit: (N - F) // S + 1, rounded down, gives 4 rows."),
]

q3 = OneImageShape(
    "An input of 10 rows, 13 columns and 3 channels goes through five 3x3x3 filters with "
    "stride 2 and no padding. What is the shape (height, width, channels) of the output?",
    checker=shape(_Q3, mistakes=Q3_MISTAKES),
    hint=["Height and width each follow (N - F) // S + 1, each with its own N: 10 rows, 13 "
          "columns. Where (N - F) / S is not whole, round it down: the last window must fit.",
          "Channels of the output = number of filters."],
    solution=f"((10 - 3) // 2 + 1, (13 - 3) // 2 + 1, 5)  # = {_Q3}: one feature map per filter",
    solution_answer=_Q3,
)

# ---------------------------------------------------------------------------------------------
# q4: two layers in a row. Layer 2's filters are as deep as layer 1 has filters: its C_in is
# layer 1's C_out, not the image's 3 channels. Shapes and count from the question's numbers.
# ---------------------------------------------------------------------------------------------

_Q4_N, _Q4_C = 9, 3                                  # a 9x9x3 image
_Q4_FILTERS, _Q4_F, _Q4_S = 4, 3, 2                  # Conv2D(4, 3), then Conv2D(4, 3, strides=2)
_Q4_O1 = conv_output_size(_Q4_N, _Q4_F)                              # 7
_Q4_O2 = conv_output_size(_Q4_O1, _Q4_F, _Q4_S)                      # 3
_Q4_SHAPE1 = (_Q4_O1, _Q4_O1, _Q4_FILTERS)
_Q4_SHAPE2 = (_Q4_O2, _Q4_O2, _Q4_FILTERS)
_Q4_PARAMS = conv_params(_Q4_F, _Q4_FILTERS, _Q4_FILTERS)            # 148: C_in = 4
_Q4_WEIGHTS = conv_params(_Q4_F, _Q4_FILTERS, _Q4_FILTERS, bias=False)
_Q4_LAYER1 = conv_params(_Q4_F, _Q4_C, _Q4_FILTERS)                  # 112: C_in = 3
#: q4's answer: its three parts, named (a dict reads as the table the question fills in; a
#: tuple of the three, in this order, is what the exercise cell asks for).
_Q4 = {"layer 1 output": _Q4_SHAPE1, "layer 2 output": _Q4_SHAPE2,
       "layer 2 parameters": _Q4_PARAMS}

#: q4: layer 1's output shape, from a 9x9x3 image through Conv2D(4, 3).
Q4_LAYER1_MISTAKES = [
    ((_Q4_O1, _Q4_O1, _Q4_C), "a Conv2D's output has one channel per filter: Conv2D(4, 3) "
                              "makes 4 maps, whatever the image's 3 channels."),
    ((_Q4_O1, _Q4_O1, _Q4_FILTERS * _Q4_C), "each filter sums its three per-channel results "
                                             "into ONE map: 4 filters, 4 channels."),
    ((_Q4_O1 - 1, _Q4_O1 - 1, _Q4_FILTERS), "9 - 3 counts the steps after the first window: "
                                             "add 1 for the first position."),
    ((_Q4_N, _Q4_N, _Q4_FILTERS), "that keeps the image's size, as padding='same' would; with "
                                  "no padding a 3-wide window fits N - F + 1 times."),
    ((conv_output_size(_Q4_N, _Q4_F, _Q4_S),) * 2 + (_Q4_FILTERS,),
     "that is stride 2; the first layer, Conv2D(4, 3), has stride 1 (the stride 2 is the "
     "second layer's)."),
]

#: q4: layer 2's output shape: Conv2D(4, 3, strides=2) on layer 1's output.
Q4_LAYER2_MISTAKES = [
    ((conv_output_size(_Q4_O1, _Q4_F),) * 2 + (_Q4_FILTERS,),
     "that is stride 1; the second layer moves its window 2 pixels at a time: (N - F) // 2 + 1."),
    # (9 - 3) // 2 + 1 and ceil(7 / 2) both give 4: name both
    ((conv_output_size(_Q4_N, _Q4_F, _Q4_S),) * 2 + (_Q4_FILTERS,),
     "two slips give that size: the second layer applied to the 9x9 image instead of the first "
     "layer's output, (9 - 3) // 2 + 1, or padding='same', ceil(N / 2). The second layer reads "
     "the first layer's output, with no padding: (N - F) // 2 + 1 with N its size."),
    ((_Q4_O2 - 1, _Q4_O2 - 1, _Q4_FILTERS), "(N - F) // S counts the steps after the first "
                                             "window: add 1 for the first position."),
    ((_Q4_O2, _Q4_O2, _Q4_C), "a Conv2D's output has one channel per filter: the second layer "
                              "has 4 filters, so 4 channels (the image's 3 are long gone)."),
    ((_Q4_O2, _Q4_O2, _Q4_FILTERS * _Q4_FILTERS), "each filter sums its per-channel results "
                                                   "into ONE map: 4 filters, 4 channels."),
]

#: q4: layer 2's parameters; its input has C_in = 4 channels, layer 1's four maps.
Q4_PARAMS_MISTAKES = [
    (_Q4_LAYER1, f"that is (3 * 3 * 3 + 1) * 4, a Conv2D(4, 3) on 3 channels: the first "
                 f"layer's count. The second layer's input is the first layer's output, one "
                 f"channel per filter of the first layer, so its filters are 3x3x"
                 f"{_Q4_FILTERS}: C_in = {_Q4_FILTERS}, not the image's 3."),
    (_Q4_WEIGHTS, "those are the weights only; each of the 4 filters also has one bias."),
    (_Q4_LAYER1 + _Q4_PARAMS, "that is both layers together; the question asks for the second "
                              "layer's parameters alone."),
    (conv_params(_Q4_F, 1, _Q4_FILTERS), "(3 * 3 + 1) * 4 counts one 3x3 kernel per filter; "
                                         "each filter has a 3x3 kernel for EACH of its input "
                                         "channels."),
    (conv_params(_Q4_F, _Q4_FILTERS, 1), "that is one filter; the layer has 4."),
    (_Q4_WEIGHTS + _Q4_FILTERS * _Q4_FILTERS,
     "you gave every 3x3 kernel its own bias; a filter has ONE bias for all its kernels."),
    (_Q4_WEIGHTS + 1, "you gave the whole layer one bias; each of the 4 filters has its own."),
    (_Q4_PARAMS * _Q4_O2 * _Q4_O2,
     f"that counts one set of filters per output position ({_Q4_O2} x {_Q4_O2}); a Conv2D "
     "shares its filters over every position, so its count does not depend on the output's "
     "size or the stride."),
    (conv_mults((_Q4_O1, _Q4_O1, _Q4_FILTERS), _Q4_F, _Q4_FILTERS, stride=_Q4_S),
     "that is the second layer's multiplications (output values x products per value); the "
     "question asks for its parameters, what it stores."),
]

_Q4_PARTS = ("layer 1's output shape", "layer 2's output shape", "layer 2's parameters")
_q4_checkers = (shape(_Q4_SHAPE1, mistakes=Q4_LAYER1_MISTAKES),
                shape(_Q4_SHAPE2, mistakes=Q4_LAYER2_MISTAKES),
                number(_Q4_PARAMS, mistakes=Q4_PARAMS_MISTAKES))


def _is_scalar(value) -> bool:
    return np.ndim(value) == 0 and not isinstance(value, str)


def _ints(value) -> tuple[int, ...] | None:
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError):
        return None


def _carried_from_layer1(answer) -> dict[str, str]:
    """Layer 2's parts worked out right from a WRONG layer 1 shape: the slip is layer 1's only,
    and the message says so instead of naming a layer-2 mistake the learner did not make (a
    cold reviewer's (6, 6, 4), (2, 2, 4) was told to 'add 1 for the first position')."""
    layer1 = _ints(answer[0])
    if layer1 is None or len(layer1) != 3 or layer1 == _Q4_SHAPE1:
        return {}
    h1, w1, c1 = layer1
    carried = {}
    if min(h1, w1) >= _Q4_F and _ints(answer[1]) == (conv_output_size(h1, _Q4_F, _Q4_S),
                                                     conv_output_size(w1, _Q4_F, _Q4_S),
                                                     _Q4_FILTERS) != _Q4_SHAPE2:
        carried[_Q4_PARTS[1]] = (f"right for your layer 1 output {layer1}: (N - 3) // 2 + 1 "
                                 "with your N. It follows once layer 1's shape is right.")
    try:
        params = float(answer[2])
    except (TypeError, ValueError):
        params = None
    if params == conv_params(_Q4_F, c1, _Q4_FILTERS) != _Q4_PARAMS:
        carried[_Q4_PARTS[2]] = (f"(3 * 3 * {c1} + 1) * 4 is right for your layer 1's {c1} "
                                 "channels: the second layer's filters are as deep as its input. "
                                 "It follows once layer 1's shape is right.")
    return carried


def _check_chain(answer):
    """q4's checker: three parts, (layer 1's output shape, layer 2's output shape, layer 2's
    parameters), each checked with its own mistakes; a dict of the three passes too (its
    values read in order). The message names each part that is off and says which are right."""
    if isinstance(answer, Mapping):
        answer = tuple(answer.values())
    if isinstance(answer, str) or not isinstance(answer, tuple | list):
        return ("give three things, in this order: layer 1's output shape, layer 2's output "
                "shape and layer 2's parameters, such as ((1, 2, 3), (1, 2, 3), 100).")
    if len(answer) == 3 and all(_is_scalar(part) for part in answer):
        which = {_Q4_SHAPE1: " (layer 1's output shape, which is right)",
                 _Q4_SHAPE2: " (layer 2's output shape, which is right)"}
        try:
            named = which.get(tuple(int(part) for part in answer), "")
        except (TypeError, ValueError):
            named = ""
        return (f"that is one shape{named}; the question asks for three things: layer 1's "
                "output shape, layer 2's output shape and layer 2's parameters, such as "
                "((1, 2, 3), (1, 2, 3), 100).")
    if len(answer) != 3:
        return (f"give three things, in this order: layer 1's output shape, layer 2's output "
                f"shape and layer 2's parameters; yours has {len(answer)}.")
    off = [(part, checker(value)) for part, checker, value
           in zip(_Q4_PARTS, _q4_checkers, answer, strict=True)]
    carried = _carried_from_layer1(answer)
    off = [(part, carried.get(part, message)) for part, message in off if message]
    if not off:
        return None
    right = [part for part in _Q4_PARTS if part not in dict(off)]
    told = " ".join(f"{part[0].upper()}{part[1:]}: {message}" for part, message in off)
    return told + (f" ({' and '.join(right)}: right.)" if right else "")


q4 = Exercise(
    "A 9x9x3 image goes through Conv2D(4, 3), then Conv2D(4, 3, strides=2), no padding. Give "
    "layer 1's output shape, layer 2's output shape (height, width, channels) and layer 2's "
    "parameters, as a tuple of the three.",
    checker=_check_chain,
    hint=["Each side: (N - F) // S + 1, with N the size of the layer's OWN input; channels = "
          "that layer's number of filters.",
          "Layer 2's input is layer 1's output: its filters are as deep as layer 1 has "
          "filters. Parameters = (F * F * C_in + 1) * C_out with that C_in."],
    solution="""\
# layer 1: 9 - 3 + 1 per side, one channel per filter; layer 2 reads that output, 4 deep
answer = ((9 - 3 + 1, 9 - 3 + 1, 4), ((7 - 3) // 2 + 1, (7 - 3) // 2 + 1, 4),
          (3 * 3 * 4 + 1) * 4)""",
    solution_answer=_Q4,
)

# ---------------------------------------------------------------------------------------------
# q5: a layer's input channels from its parameters. A 1x1 layer, so that the bias step decides
# the answer: forgetting it gives 129, a whole number (with a 3x3 kernel, rounding hid it).
# ---------------------------------------------------------------------------------------------

_Q5_FILTERS, _Q5_F, _Q5_C_IN = 64, 1, 128
_Q5_PARAMS = conv_params(_Q5_F, _Q5_C_IN, _Q5_FILTERS)          # 8,256, what the layer reports
_Q5 = _Q5_C_IN
_Q5_PER_FILTER = _Q5_PARAMS // _Q5_FILTERS                      # 129: weights and bias

#: q5: Conv2D(64, 1) reports 8,256 parameters; the input channels follow.
Q5_MISTAKES = [
    (_Q5_PER_FILTER,
     f"{_Q5_PARAMS:,} / {_Q5_FILTERS} = {_Q5_PER_FILTER} is one filter's parameters: its "
     "1 x 1 x C_in weights AND its one bias. Subtract the bias: C_in is the weights alone."),
    (_Q5_PARAMS - _Q5_FILTERS,
     f"{_Q5_PARAMS - _Q5_FILTERS:,} is the layer's weights (the {_Q5_FILTERS} biases taken "
     f"off), C_in * C_out: divide by the {_Q5_FILTERS} filters too."),
    (_Q5_PARAMS - _Q5_FILTERS / _Q5_FILTERS,
     f"Python computed {_Q5_FILTERS} / {_Q5_FILTERS} first: {_Q5_PARAMS} - {_Q5_FILTERS} / "
     f"{_Q5_FILTERS}. Put the subtraction in brackets: ({_Q5_PARAMS} - {_Q5_FILTERS}) / "
     f"{_Q5_FILTERS}."),
    ((_Q5_PER_FILTER - 1) / 9,
     "you divided by 9, the weights of a 3x3 kernel; Conv2D(64, 1) has 1x1 kernels (its "
     "second argument is the kernel size), so each input channel adds ONE weight per filter."),
    (_Q5_PER_FILTER / 9,
     "you divided by 9, the weights of a 3x3 kernel, and left the bias in; Conv2D(64, 1) has "
     "1x1 kernels: one weight per input channel per filter, plus one bias per filter."),
    (_Q5_FILTERS, f"{_Q5_FILTERS} is the number of filters, C_out, the first argument of "
                  "Conv2D(64, 1); the question asks for the input's channels, C_in."),
]

q5 = Exercise(
    f"A Conv2D(64, 1) layer reports {_Q5_PARAMS:,} parameters (count_params()). How many "
    "channels does its input have?",
    checker=number(_Q5, mistakes=Q5_MISTAKES),
    hint=[f"What does each filter hold, and how many filters are there? Find one filter's "
          f"share of the {_Q5_PARAMS:,} first.",
          "Parameters = (F * F * C_in + 1) * C_out with F = 1: divide by C_out = 64, then "
          "subtract the filter's bias."],
    solution=f"{_Q5_PARAMS} / {_Q5_FILTERS} - 1  # = {_Q5}: each filter holds C_in weights "
             "and one bias",
    solution_answer=_Q5,
)


def _count_typed_as_text(answer) -> str | None:
    """A count typed in quotes with separators between its digits ('880', '180,000', '8,80'),
    told how Python writes it; None for any other answer. Digits grouped in threes (or the
    Indian way, 3,60,000) are read as grouped; one comma before one, two or four-plus digits
    ('8,80') may be a misplaced separator or a decimal comma: the text cannot tell, so the
    message gives both readings. q6 uses it.

    >>> print(_count_typed_as_text("8,80"))
    expected a number, got the text '8,80': remove the quotes. Python reads no comma inside
    a number: write 880 if the comma separates digits, or 8.80 if it is a decimal comma (the
    count asked for is a whole number).
    >>> print(_count_typed_as_text("180,000"))
    expected a number, got the text '180,000': write it without quotes, and group its
    digits with _ rather than commas: 180_000 (or 180000).
    """
    if not isinstance(answer, str):
        return None
    text = answer.strip()
    if not re.fullmatch(r"\d+(?:[, ]\d+)+", text):
        return None
    groups = re.split("[, ]", text)
    digits = "".join(groups)
    if (len(groups[0]) <= 3 and len(groups[-1]) == 3
            and all(len(group) in (2, 3) for group in groups[1:-1])):
        return (f"expected a number, got the text {answer!r}: write it without quotes, "
                f"and group its digits with _ rather than commas: {int(digits):_} "
                f"(or {digits}).")
    if len(groups) == 2 and "," in text:
        return (f"expected a number, got the text {answer!r}: remove the quotes. Python reads "
                f"no comma inside a number: write {digits} if the comma separates digits, or "
                f"{groups[0]}.{groups[1]} if it is a decimal comma (the count asked for is a "
                "whole number).")
    return (f"expected a number, got the text {answer!r}: remove the quotes and the "
            "separators, so that Python sees one number.")


# ---------------------------------------------------------------------------------------------
# q6: what a layer does per image: its multiplications
# ---------------------------------------------------------------------------------------------

_Q6_INPUT, _Q6_F, _Q6_FILTERS = (24, 24, 3), 5, 6
_Q6 = conv_mults(_Q6_INPUT, _Q6_F, _Q6_FILTERS)
_Q6_O = conv_output_size(_Q6_INPUT[0], _Q6_F)                  # 20
_Q6_PRODUCTS = _Q6_F * _Q6_F * _Q6_INPUT[2]                      # per output value: 75
_Q6_PARAMS = conv_params(_Q6_F, _Q6_INPUT[2], _Q6_FILTERS)       # 456

#: q6: Conv2D(6, 5) on 24x24x3, stride 1, no padding.
Q6_MISTAKES = [
    (conv_mults((28, 28, 3), _Q6_F, _Q6_FILTERS),
     "that counts 24x24 positions, as for a 28x28 input. Here the "
     f"input is 24x24, so the output is {_Q6_O}x{_Q6_O}."),
    (conv_mults(_Q6_INPUT[:2] + (1,), _Q6_F, _Q6_FILTERS),
     "each output value needs F * F * C_in products: C_in = 3."),
    (_Q6_PARAMS, "that is the number of parameters (what the layer stores), not of "
                 "multiplications (what it does)."),
    (conv_mults(_Q6_INPUT, _Q6_F, 1), "that is one filter; the layer has six."),
    (_Q6_PRODUCTS * _Q6_FILTERS,
     f"that is F * F * C_in * C_out, one output position's multiplications for all six "
     f"filters: times the {_Q6_O}x{_Q6_O} positions."),
    (_Q6_PARAMS * _Q6_O * _Q6_O, f"that counts the biases as multiplications ({_Q6_PARAMS} x "
                                 f"{_Q6_O * _Q6_O}, or the products plus "
                                 f"{_Q6_FILTERS * _Q6_O * _Q6_O:,} bias additions): "
                                 "adding a bias is not a multiplication."),
    (_Q6_O * _Q6_O * _Q6_FILTERS, f"that is the number of output values; each needs "
                                  f"F * F * C_in = {_Q6_PRODUCTS} products."),
    (conv_mults((28, 28, 1), 5, 3), "that is the FIRST layer's count (section 4: 28x28x1 in, "
                                    "three filters); the question asks about the second, "
                                    "Conv2D(6, 5) on 24x24x3."),
    # 20 * 20 * 6 * 5 * 5 * 6, C_in = 6 read from Conv2D(6, 5), is the same 360,000
    (2 * _Q6, "that is twice the count: either you counted the additions too (a multiply-add "
              "as two operations), or you took C_in = 6 from Conv2D(6, 5), whose 6 is the "
              "number of filters (C_out). Count multiplications only, with the input's "
              "C_in = 3 channels."),
    ((_Q6_O - 1) ** 2 * _Q6_FILTERS * _Q6_PRODUCTS,
     f"that counts {_Q6_O - 1}x{_Q6_O - 1} positions, 24 - 5 per side: the + 1 is missing. A "
     f"5-wide window fits 24 - 5 + 1 = {_Q6_O} times."),
    (28 * 28 * _Q6_FILTERS * _Q6_PRODUCTS,
     "that counts 28x28 positions, the size of the digit; this layer gets the first layer's "
     f"24x24x3 output, and its own output is {_Q6_O}x{_Q6_O}."),
]

_q6_number = number(_Q6, mistakes=Q6_MISTAKES)


def _check_mults(answer):
    """q6's checker: a count typed in quotes with commas is told how Python writes it."""
    return _count_typed_as_text(answer) or _q6_number(answer)


q6 = Exercise(
    "The MNIST model's second layer (section 4), Conv2D(6, 5), gets a 24x24x3 input (stride "
    "1, no padding). How many multiplications does it perform for one image?",
    checker=_check_mults,
    hint=["How many output values does the layer make, and how many products does each one "
          "need (one per weight of its filter)?",
          "Multiplications = H_out * W_out * C_out * F * F * C_in, with H_out = W_out = "
          f"24 - 5 + 1 = {_Q6_O}."],
    solution=f"20 * 20 * 6 * 5 * 5 * 3  # = {_Q6:_}",
    solution_answer=_Q6,
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


def _flipped(x, kernel, bias):
    return conv2d(x, np.flip(np.asarray(kernel), axis=(0, 1)), bias=bias)


def _transposed(x, kernel, bias):
    return conv2d(x, np.swapaxes(np.asarray(kernel), 0, 1), bias=bias)


def _first_bias_for_all(x, kernel, bias):
    return conv2d(x, kernel) + np.asarray(bias, dtype=float)[0]


def _first_filter_for_all(x, kernel, bias):
    kernel = np.asarray(kernel)
    return conv2d(x, np.repeat(kernel[:, :, :, :1], kernel.shape[3], axis=3), bias=bias)


def _integer_layer(x, kernel, bias):
    """What an output array made with dtype=int keeps: each value cut to a whole number."""
    return conv2d(x, kernel, bias=bias).astype(int)


def _dtype_of_x(x, kernel, bias):
    """What an output array made like x keeps (np.zeros(..., dtype=x.dtype), np.zeros_like(x,
    ...)): on an integer x each value cut to a whole number, on a float x all of it."""
    return conv2d(x, kernel, bias=bias).astype(np.asarray(x).dtype)


def _bias_per_product(x, kernel, bias):
    """np.sum(window * kernel[:, :, :, k] + bias[k]): the bias added to each of the F * F *
    C_in products of a window instead of once to their sum."""
    kernel = np.asarray(kernel)
    return conv2d(x, kernel) + np.asarray(bias, dtype=float) * kernel[:, :, :, 0].size


#: The message for an output array that holds whole numbers only (q7 and q8): which cases have
#: non-whole results is filled in.
_INTEGER_OUTPUT = ("your output array holds whole numbers only, so the results of the cases "
                   "with decimals ({case}) were cut. Make it float: np.zeros((rows, columns, "
                   "filters)) is; one made with dtype=int, or with np.zeros_like of an integer "
                   "array, is not.")

#: The message for an output array that takes x's dtype (q7 and q8): right on the float
#: inputs, cut to whole numbers on the integer ones; the integer case with decimal weights is
#: filled in.
_X_DTYPE_OUTPUT = ("your output array takes x's dtype (np.zeros(..., dtype=x.dtype), or "
                   "np.zeros_like(x, ...)), so on an integer x it holds whole numbers only: "
                   "your results are right where x is float, and cut to whole numbers on the "
                   "integer input whose weights have decimals ({case}). Images are often "
                   "stored as integers (section 1's photo is uint8): make the output float, "
                   "np.zeros((rows, columns, filters)), whatever x's dtype.")

#: The message for the bias added inside the sum, to every product (q7 and q8).
_BIAS_PER_PRODUCT = ("your function adds the bias to each of the F * F * C_in products of a "
                     "window, as np.sum(window * kernel[:, :, :, k] + bias[k]) does; add it "
                     "once, after the sum: np.sum(window * kernel[:, :, :, k]) + bias[k].")


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
    (_rng.integers(0, 4, size=(4, 5, 3)), _rng.integers(-4, 5, size=(3, 3, 3, 2)) / 4,
     np.array([0.5, -0.25])),                    # integer pixels, decimal weights (an image)
]

#: What q7 and q8 ask the learner to write: the course's and Keras's convolutions.
_CONVOLUTION_HELPERS = ["conv2d", "Conv2D", "convolution"]

_check_cases = function(_LAYER_CASES, reference=_reference,
                        forbidden=_CONVOLUTION_HELPERS, mistakes=[
    (_first_channel_only, "your function uses the first input channel only: each filter "
                          "multiplies EVERY channel by its own kernel and sums them all."),
    (_bias_per_channel, "your function adds the bias once per input channel; a filter adds "
                        "its ONE bias once, after summing the channels."),
    (_no_bias, "your function leaves out the bias: add bias[k] to every value of filter k's "
               "map."),
    (_channels_first, "your function returns (C_out, H_out, W_out): Keras is channels-last, "
                      "(H_out, W_out, C_out)."),
    (_flipped, "you flipped each kernel (a true convolution); Conv2D slides the kernels as "
               "they are (cross-correlation, lesson 01)."),
    (_transposed, "you transposed each kernel (rows for columns): kernel[r, s, c, k] "
                  "multiplies x[i + r, j + s, c], row offset first."),
    (_first_bias_for_all, "every filter adds bias[0]; filter k adds its own bias, bias[k]."),
    (_first_filter_for_all, "every filter uses filter 0's weights, kernel[:, :, :, 0], with "
                            "its own bias: filter k multiplies the window by kernel[:, :, :, k]."),
    (_integer_layer, _INTEGER_OUTPUT.format(case="the third and the fifth")),
    (_dtype_of_x, _X_DTYPE_OUTPUT.format(case="the fifth case")),
    (_bias_per_product, _BIAS_PER_PRODUCT),
])

_PER_CHANNEL = ("you kept each channel's result as its own output channel ({maps} maps for "
                "{c_in} channels x {c_out} filters). A filter SUMS its per-channel results "
                "into ONE map, so the layer has C_out = {c_out} channels (the '5x5x3 output' "
                "that section 2 corrects).")


def _per_channel_maps(answer) -> str | None:
    """The message for a layer that returns one map per (input channel, filter) pair, in
    any order or layout, with or without the biases: the lesson's main misconception."""
    for x, kernel, bias in _LAYER_CASES:
        c_in, c_out = kernel.shape[2], kernel.shape[3]
        if c_in == 1:
            continue
        try:
            result = np.asarray(answer(x.copy(), kernel.copy(), bias.copy()))
        except Exception:
            return None
        o_h, o_w = conv2d(x, kernel).shape[:2]
        stacked = {(o_h, o_w, c_in * c_out), (o_h, o_w, c_in, c_out), (o_h, o_w, c_out, c_in)}
        if result.shape in stacked:
            return _PER_CHANNEL.format(maps=c_in * c_out, c_in=c_in, c_out=c_out)
        break
    if _one_map_per_input_channel(answer):
        return _PER_INPUT_CHANNEL
    return None


_PER_INPUT_CHANNEL = ("your output has one channel per INPUT channel on every case where C_in "
                      "and C_out differ: the '5x5x3 output' that section 2 corrects. A filter "
                      "SUMS its per-channel results into ONE map, so the output has one channel "
                      "per filter, C_out.")


def _one_map_per_input_channel(answer) -> bool:
    """Whether ``answer`` returns (H_out, W_out, C_in) on every case where C_in != C_out."""
    for x, kernel, bias in _LAYER_CASES:
        c_in, c_out = kernel.shape[2], kernel.shape[3]
        if c_in == c_out:
            continue
        try:
            result = np.asarray(answer(x.copy(), kernel.copy(), bias.copy()))
        except Exception:
            return False
        if result.shape != conv2d(x, kernel).shape[:2] + (c_in,):
            return False
    return True


def _outcome(answer, case):
    """What the learner's function does on one case: ("returned", array) or ("raised", the
    error's text)."""
    try:
        return "returned", np.asarray(answer(*copy.deepcopy(case)), dtype=float)
    except Exception as error:                    # the learner's code: read its error
        return "raised", f"{type(error).__name__}: {error}"


def _follows_sizes(answer, cases, reference, sizes) -> bool:
    """Whether ``answer`` behaves on every case as a right loop whose output size is
    ``sizes(*case)`` (rows, columns) instead of the right one: an output of those sizes whose
    positions that fit hold the right values, or, where the sizes are too large, NumPy's
    broadcast error for a window cut short at the edge. At least one case must differ, so
    the sizes are what the answer proves."""
    differs = False
    for case in cases:
        expected = reference(*copy.deepcopy(case))
        size, right = tuple(sizes(*case)), expected.shape[:2]
        differs = differs or size != right
        kind, value = _outcome(answer, case)
        if kind == "raised":
            if size[0] <= right[0] and size[1] <= right[1] \
                    or "could not be broadcast" not in value:
                return False
            continue
        rows, cols = min(size[0], right[0]), min(size[1], right[1])
        if value.shape != (*size, expected.shape[2]) \
                or not np.allclose(value[:rows, :cols], expected[:rows, :cols]):
            return False
    return differs


_SHAPES = re.compile(r"shapes \(([\d,]+)\) \(([\d,]+)\)")


def _window_shapes(message: str, cases) -> tuple | None:
    """(window, filter) shapes when NumPy's broadcast error in ``message`` pairs a window of x
    with a filter (F, F, C_in), or its (F, F) kernel for one channel, of one of ``cases``, else
    None. NumPy names the operands in the order written: the filter is the second one (window *
    filter), or the first one when the other is larger than it (a kernel slice is never larger
    than a filter, so that is a window); any other pairing (such as a kernel sliced on the
    wrong axis, whose shape can equal a cut window's) is left unnamed.

    >>> _window_shapes("shapes (4,4,3) (3,3,3)", [(np.zeros((7, 7, 3)), np.zeros((3, 3, 3, 2)))])
    ((4, 4, 3), (3, 3, 3))
    >>> _window_shapes("shapes (3,3,3) (2,3,3)", [(np.zeros((7, 7, 3)), np.zeros((3, 3, 3, 2)))])
    """
    found = _SHAPES.search(message)
    if found is None:
        return None
    a, b = (tuple(int(v) for v in group.split(",") if v) for group in found.groups())
    filters = {tuple(case[1].shape[:axes]) for case in cases for axes in (2, 3)}
    if len(a) != len(b) or len(a) not in (2, 3) or a[2:] != b[2:] or a == b:
        return None
    if b in filters and (all(w <= f for w, f in zip(a[:2], b[:2], strict=True))
                         or all(w >= f for w, f in zip(a[:2], b[:2], strict=True))):
        return a, b
    if a in filters and all(w >= f for w, f in zip(b[:2], a[:2], strict=True)):
        return b, a
    return None


#: The message for a window that runs past the edge: the two shapes and the rule per side.
_CUT_SHORT = (" A window came out smaller than the filter ({window} against {kernel}): it "
              "runs past the edge of the input, so your output has more rows or columns than "
              "there are windows that fit. {rule}")


#: The message for a window larger than the filter: the two shapes.
_TOO_LARGE = (" A window came out larger than this case's filter ({window} against {kernel}): "
              "a window has the filter's F rows and columns. Take F from kernel.shape[0], not a "
              "fixed number, and slice x[i:i + F], which already takes the F rows i to i + F - 1 "
              "(a slice leaves out its end; the same for the columns).")


def _window_message(message: str, cases, rule: str) -> str | None:
    """``message`` with what a broadcast error between a window and a filter proves added."""
    shapes = _window_shapes(message, cases)
    if shapes is None:
        return None
    window, kernel = shapes
    text = _CUT_SHORT if window[0] <= kernel[0] and window[1] <= kernel[1] else _TOO_LARGE
    return message.rstrip(" .") + "." + text.format(window=window, kernel=kernel, rule=rule)


#: The message for an output sized from the rows alone (q7 and q8), with the rule per side.
_SQUARE = ("your output has as many columns as rows, both counted from the rows (x.shape[0]), "
           "so on the inputs that are not square the columns come out wrong: too few, or too "
           "many, whose windows run past the edge. Size each side from its own length: "
           "{rule}.")


#: The message for an output one row and one column short on every case, its values right.
_ONE_SHORT = ("your output is (H - F, W - F) on every case, and the values it has are right: "
              "it misses the last row and column. Each side has N - F + 1 windows, the first at "
              "0 and the last at N - F, so loop over range(H - F + 1) and range(W - F + 1).")


def _one_short_layer(x, kernel, bias):
    return x.shape[0] - kernel.shape[0], x.shape[1] - kernel.shape[0]


def _square_layer(x, kernel, bias):
    side = x.shape[0] - kernel.shape[0] + 1           # the rows' count, used for both sides
    return side, side


def _fixed_channel_count(answer) -> int | None:
    """The number of input channels ``answer`` loops over whatever x has (a range(3) over the
    channels), when its results prove it: right on every case with that many channels (the
    first that many, with more), an IndexError on the channel axis on every case with fewer,
    and at least one case with fewer. None otherwise.

    >>> _fixed_channel_count(lambda x, kernel, bias: conv_layer(x[:, :, [0, 1, 2]],
    ...                                                         kernel[:, :, [0, 1, 2]], bias))
    3
    >>> _fixed_channel_count(conv_layer) is None
    True
    """
    for fixed in sorted({x.shape[2] for x, _, _ in _LAYER_CASES}, reverse=True):
        fewer = False
        for case in _LAYER_CASES:
            x, kernel, bias = case
            kind, value = _outcome(answer, case)
            if x.shape[2] < fixed:
                if kind != "raised" or not value.startswith("IndexError") \
                        or f"axis 2 with size {x.shape[2]}" not in value:
                    break
                fewer = True
                continue
            expected = conv2d(x[:, :, :fixed], kernel[:, :, :fixed], bias=bias)
            if kind != "returned" or value.shape != expected.shape \
                    or not np.allclose(value, expected):
                break
        else:
            if fewer:
                return fixed
    return None


def _check_layer(answer):
    message = _check_cases(answer)
    if not message or not message.startswith("on "):   # right, or a known mistake's message
        return message
    if _follows_sizes(answer, _LAYER_CASES, _reference, _square_layer):
        return _SQUARE.format(rule="H - F + 1 rows from x.shape[0], W - F + 1 columns "
                                   "from x.shape[1]")
    if _follows_sizes(answer, _LAYER_CASES, _reference, _one_short_layer):
        return _ONE_SHORT
    message = _per_channel_maps(answer) or message
    window = _window_message(
        message, _LAYER_CASES,
        "Each side has N - F + 1 windows, from its own N: H rows, W columns.")
    if window:
        return window
    fixed = _fixed_channel_count(answer) if "out of bounds" in message else None
    if fixed:
        fewer = next(x.shape[2] for x, _, _ in _LAYER_CASES if x.shape[2] < fixed)
        return message.rstrip(" .") + (
            f". This case has x.shape[2] = {fewer} input channel{'s' if fewer > 1 else ''}, "
            f"and your function is right on every case with {fixed}: it loops over a fixed "
            f"{fixed} channels. Take C_in from x.shape[2] (or kernel.shape[2]), not a fixed "
            f"number.")
    if "out of bounds" in message or "could not be broadcast" in message:
        message = message.rstrip(" .") + (
            ". Keras's kernel layout is (F, F, C_in, C_out): filter k is kernel[:, :, :, k], "
            "and its kernel for input channel c is kernel[:, :, c, k].")
    return message


q7 = Exercise(
    "Write conv_layer(x, kernel, bias): x is (H, W, C_in), kernel is Keras's (F, F, C_in, "
    "C_out), bias is (C_out,). Return the layer's output (H - F + 1, W - F + 1, C_out), "
    "stride 1, no padding: filter k sums the products over all channels, adds bias[k] once, "
    "and makes channel k of the output. Write it with your own loops, without the course's "
    "conv2d or Keras.",
    checker=_check_layer,
    hint=["Loop over the filters k; filter k is kernel[:, :, :, k], shape (F, F, C_in).",
          "The window at (i, j) is x[i:i + F, j:j + F, :], the same shape as one filter; "
          "np.sum(window * kernel[:, :, :, k]) adds the products of all channels at once. "
          "Add bias[k] once, after the sum."],
    solution_answer=conv_layer,
)

# ---------------------------------------------------------------------------------------------
# q8: the same layer with a stride and zero padding (CS231n's conv_forward_naive)
# ---------------------------------------------------------------------------------------------


def conv_forward(x, kernel, bias, stride, padding):
    f, _, _, c_out = kernel.shape
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))   # height and width only
    o_h, o_w = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1
    out = np.zeros((o_h, o_w, c_out))
    for k in range(c_out):
        for i in range(o_h):
            for j in range(o_w):
                top, left = i * stride, j * stride             # the window moves S pixels
                window = x[top:top + f, left:left + f, :]
                out[i, j, k] = np.sum(window * kernel[:, :, :, k]) + bias[k]
    return out


def _forward_reference(x, kernel, bias, stride, padding):
    """The course's conv2d (the tests prove it equal to Keras's ZeroPadding2D + Conv2D)."""
    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding)


def _ignores_padding(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride)


def _ignores_stride(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, padding=padding)


def _windows_not_strided(x, kernel, bias, stride, padding):
    o_h, o_w = conv2d(x, kernel, stride=stride, padding=padding).shape[:2]
    return conv2d(x, kernel, bias=bias, padding=padding)[:o_h, :o_w]


def _size_without_padding(x, kernel, bias, stride, padding):
    o_h, o_w = conv2d(x, kernel, stride=stride).shape[:2]       # (H - F) // S + 1
    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding)[:o_h, :o_w]


def _forward_no_bias(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, stride=stride, padding=padding)


def _forward_bias_per_channel(x, kernel, bias, stride, padding):
    return (conv2d(x, kernel, stride=stride, padding=padding)
            + np.asarray(bias, dtype=float) * np.asarray(x).shape[2])


def _forward_flipped(x, kernel, bias, stride, padding):
    return conv2d(x, np.flip(np.asarray(kernel), axis=(0, 1)), bias=bias, stride=stride,
                  padding=padding)


def _integer_forward(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding).astype(int)


def _forward_dtype_of_x(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride,
                  padding=padding).astype(np.asarray(x).dtype)


def _forward_bias_per_product(x, kernel, bias, stride, padding):
    kernel = np.asarray(kernel)
    return (conv2d(x, kernel, stride=stride, padding=padding)
            + np.asarray(bias, dtype=float) * kernel[:, :, :, 0].size)


_rng = np.random.default_rng(7)
#: CS231n's demo layer, drawn in section 3 (5x5x3, two 3x3x3 filters, stride 2, padding 1).
_DEMO = (_rng.integers(0, 3, size=(5, 5, 3)), _rng.integers(-1, 2, size=(3, 3, 3, 2)),
         np.array([1.0, 0.0]), 2, 1)
_rng = np.random.default_rng(11)
#: Integer pixels with decimal weights and biases, as on an image: an output array that takes
#: x's dtype cuts its results (whole sizes, so no rounding of the sizes shows here). Quarters,
#: so that float32 (Keras) computes them exactly.
_INTEGER_X = (_rng.integers(0, 4, size=(5, 7, 3)), _rng.integers(-4, 5, size=(3, 3, 3, 2)) / 4,
              np.array([0.5, -0.25]), 2, 1)
_rng = np.random.default_rng(5)
_FORWARD_CASES = [
    _DEMO,
    (_rng.integers(0, 4, size=(7, 6, 2)), _rng.integers(-1, 2, size=(3, 3, 2, 3)),
     np.array([0.0, 1.0, -2.0]), 2, 0),          # not square; (7 - 3) / 2 whole, (6 - 3) / 2 not
    (_rng.integers(0, 3, size=(6, 6, 1)), _rng.integers(-2, 3, size=(3, 3, 1, 2)),
     np.array([1.0, -1.0]), 1, 1),               # stride 1, padding 1: the size is kept
    (_rng.normal(size=(5, 4, 3)).round(2), _rng.normal(size=(2, 2, 3, 1)).round(2),
     np.array([0.25]), 3, 2),                    # decimals, stride 3, padding 2
    (_rng.integers(-2, 3, size=(8, 8, 3)), _rng.integers(-1, 2, size=(5, 5, 3, 2)),
     np.array([1.0, -1.0]), 3, 2),               # a 5x5 kernel
    _INTEGER_X,
    (_rng.integers(0, 4, size=(6, 7, 2)), _rng.integers(-1, 2, size=(3, 3, 2, 2)),
     np.array([2.0, 0.0]), 3, 1),                # rows (6 + 2 - 3) / 3 = 1.67: rounding differs
]

_check_forward_cases = function(_FORWARD_CASES, reference=_forward_reference,
                                forbidden=_CONVOLUTION_HELPERS, mistakes=[
    (_ignores_padding, "your function ignores the padding: add P rows and columns of zeros on "
                       "every side of x first, np.pad(x, ((P, P), (P, P), (0, 0)))."),
    (_ignores_stride, "your function ignores the stride: it returns the stride-1 output. With "
                      "stride S the output has (H + 2P - F) // S + 1 rows."),
    (_windows_not_strided, "the output size is right, but the windows are not: the window for "
                           "output (i, j) starts at row i * S and column j * S of the padded "
                           "input, not at (i, j)."),
    (_size_without_padding, "your output size leaves out the padding: the padded input has "
                            "H + 2P rows, so the output has (H + 2P - F) // S + 1."),
    (_forward_no_bias, "your function leaves out the bias: add bias[k] to every value of "
                       "filter k's map."),
    (_forward_bias_per_channel, "your function adds the bias once per input channel; a "
                                "filter adds its ONE bias once, after summing the channels."),
    (_forward_flipped, "you flipped each kernel (a true convolution); Conv2D slides the "
                       "kernels as they are (cross-correlation, lesson 01)."),
    (_integer_forward, _INTEGER_OUTPUT.format(case="the fourth and the sixth")),
    (_forward_dtype_of_x, _X_DTYPE_OUTPUT.format(case="the sixth case")),
    (_forward_bias_per_product, _BIAS_PER_PRODUCT),
])


def _pads_the_channels(answer) -> bool:
    """Whether ``answer`` pads the channel axis too (np.pad(x, P)): given each filter with P
    zero kernels before and after its own channels, it then returns the right output."""
    x, kernel, bias, stride, padding = _DEMO
    wide = np.pad(kernel, ((0, 0), (0, 0), (padding, padding), (0, 0)))
    try:
        result = answer(x.copy(), wide, bias.copy(), stride, padding)
        expected = _forward_reference(x, kernel, bias, stride, padding)
        return np.shape(result) == expected.shape and np.allclose(result, expected)
    except Exception:
        return False


def _square_forward(x, kernel, bias, stride, padding):
    side = (x.shape[0] + 2 * padding - kernel.shape[0]) // stride + 1     # from the rows
    return side, side


def _rounded_forward(x, kernel, bias, stride, padding):
    return tuple(round((n + 2 * padding - kernel.shape[0]) / stride) + 1 for n in x.shape[:2])


def _rounded_half_up_forward(x, kernel, bias, stride, padding):
    return tuple(int((n + 2 * padding - kernel.shape[0]) / stride + 0.5) + 1
                 for n in x.shape[:2])


def _one_side_padded_forward(x, kernel, bias, stride, padding):
    return tuple((n + padding - kernel.shape[0]) // stride + 1 for n in x.shape[:2])


def _ceil_forward(x, kernel, bias, stride, padding):
    return tuple(-(-(n + 2 * padding - kernel.shape[0]) // stride) + 1 for n in x.shape[:2])


def _check_forward(answer):
    message = _check_forward_cases(answer)
    if not message or not message.startswith("on "):   # right, or a known mistake's message
        return message
    # rounding first: on the not-square case whose (H + 2P - F) / S is 1.5 it gives the
    # sizes a square assumption gives; the last case (1.67 rows) tells the two apart
    if any(_follows_sizes(answer, _FORWARD_CASES, _forward_reference, sizes)
           for sizes in (_rounded_forward, _rounded_half_up_forward)):
        return ("your output size rounds (N + 2P - F) / S to the nearest whole number, so a "
                "large fraction goes up (the rows of the last case: (6 + 2 - 3) / 3 = 1.67 "
                "becomes 2), and the last window runs past the edge of the padded input. Round "
                "down, (N + 2P - F) // S + 1, so that every window fits.")
    if _follows_sizes(answer, _FORWARD_CASES, _forward_reference, _square_forward):
        return _SQUARE.format(rule="(H + 2P - F) // S + 1 rows from x.shape[0], "
                                   "(W + 2P - F) // S + 1 columns from x.shape[1]")
    if _follows_sizes(answer, _FORWARD_CASES, _forward_reference, _ceil_forward):
        return ("your output size rounds UP: where (N + 2P - F) / S is not whole, the last "
                "window runs past the edge of the padded input and comes out smaller than the "
                "filter. Round down, (N + 2P - F) // S + 1, so that every window fits.")
    if _follows_sizes(answer, _FORWARD_CASES, _forward_reference, _one_side_padded_forward):
        return ("your output size is (N + P - F) // S + 1 per side, the padding counted once. "
                "The padding adds P on BOTH sides, so the padded size is N + 2P: "
                "(N + 2P - F) // S + 1.")
    if _pads_the_channels(answer):
        return ("your function pads the channel axis too: np.pad(x, P) adds P zeros on every "
                "side of EVERY axis, so x gets C_in + 2P channels and no longer matches the "
                "kernel. Pad height and width only: np.pad(x, ((P, P), (P, P), (0, 0))).")
    if "requested shape (3,2)" in message:             # np.pad given two pairs for 3 axes
        return message.rstrip(" .") + (". np.pad needs one (before, after) pair per axis of "
                                      "x, three for (H, W, C): ((P, P), (P, P), (0, 0)).")
    if "'float' object cannot be interpreted as an integer" in message:
        return message.rstrip(" .") + (". A size computed with / is a float (such as 3.0), "
                                      "and np.zeros and range need whole numbers: divide "
                                      "with //, (H + 2P - F) // S + 1.")
    window = _window_message(
        message, _FORWARD_CASES,
        "Each side has (N + 2P - F) // S + 1 windows, rounded down, from its own N.")
    if window:
        return window
    return message


q8 = Exercise(
    "Write conv_forward(x, kernel, bias, stride, padding): the layer of q7 with a stride S and "
    "a zero padding P (an int: P rows and columns of zeros on every side). x is (H, W, C_in), "
    "kernel is Keras's (F, F, C_in, C_out), bias is (C_out,). Return the (H_out, W_out, "
    "C_out) output, H_out = (H + 2P - F) // S + 1 (and the same for W). Write it with your own "
    "loops, without the course's conv2d or Keras.",
    checker=_check_forward,
    hint=["Pad first, with np.pad: it takes one (before, after) pair per axis of x, and only "
          "height and width get zeros. Then it is q7's loop on the padded input, with the "
          "output size (H + 2P - F) // S + 1 per side.",
          "Output (i, j) comes from the window that starts at row i * S and column j * S of "
          "the padded input."],
    solution_answer=conv_forward,
)


__all__ = ["colour_patches", "show_colour_patches", "try_weights", *bind_exercises(globals())]
