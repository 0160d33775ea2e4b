"""Lesson 02 "Check yourself": three-channel convolution.

Eight exercises, in the order the notebook asks them. The lesson works a shape question as an
example (section 3, with Keras's answer) and one output value of a three-channel layer
(section 3), so q1 and q2 ask the same kinds of question with other numbers:

* ``q1`` a 10x13x3 input (not square) through five 3x3x3 filters, stride 2 (the floor matters);
* ``q2`` one output value of a layer like section 3's (padding 1, stride 2, two filters);
* ``q3`` the input channels of a layer, from its parameter count (the inverse problem);
* ``q4`` the parameters of a Conv2D layer on a 6-channel input;
* ``q5`` the multiplications of the MNIST model's second convolution layer;
* ``q6`` write a whole layer (several filters, each over every channel, a bias per filter);
* ``q7`` write the same layer with a stride and zero padding (CS231n's ``conv_forward``);
* ``q8`` design a colour filter that finds yellow.

Every expected answer and every known wrong answer is computed from the question's own numbers
with the course's helpers (conv_output_size, conv_params, conv_mults, conv2d), never typed in.
Every mistake table is a list of (wrong answer, message) pairs, so that two mistakes giving
the same value cannot silently hide one of the messages (tests check that they all differ).

>>> q1.is_correct((4, 6, 5)), q1.is_correct((6, 4, 5))
(True, False)
"""

from __future__ import annotations

import copy
import re

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
# q1: a shape. The expected answer and each known mistake are computed from the question's
# own numbers (conv_output_size is THE formula), never typed in.
# ---------------------------------------------------------------------------------------------

_Q1_H, _Q1_W, _Q1_C, _Q1_FILTERS, _Q1_F, _Q1_S = 10, 13, 3, 5, 3, 2
_Q1_OH, _Q1_OW = (conv_output_size(_Q1_H, _Q1_F, _Q1_S),
                  conv_output_size(_Q1_W, _Q1_F, _Q1_S))                  # 4, 6
_Q1 = (_Q1_OH, _Q1_OW, _Q1_FILTERS)


def _q1_sides(size) -> tuple[int, int, int]:
    """(rows, columns, filters) with each side computed by ``size(n)``."""
    return size(_Q1_H), size(_Q1_W), _Q1_FILTERS


#: q1: 10 rows, 13 columns, 3 channels; five 3x3x3 filters, stride 2, no padding.
Q1_MISTAKES = [
    (_q1_sides(lambda n: conv_output_size(n, _Q1_F, _Q1_S, "same")),
     'that is what padding="same" gives, ceil(N / S): ceil(10 / 2) and ceil(13 / 2). Without '
     "padding the last window must fit: (N - F) // S + 1 per side."),
    (_q1_sides(lambda n: conv_output_size(n, _Q1_F)),
     "that is stride 1; with stride 2 the window moves two pixels at a time."),
    (_q1_sides(lambda n: (n - _Q1_F) // _Q1_S),
     "(N - F) // S counts the steps after the first window: add 1 for the first position."),
    (_q1_sides(lambda n: (n - _Q1_F) // (_Q1_S + 1)),
     "that is (N - F) // (S + 1), the misprinted formula lesson 01 corrects; the + 1 comes "
     "after the division: (N - F) // S + 1."),
    ((_Q1_OH, _Q1_OW, _Q1_C), "the output has one channel per FILTER (five), not per input "
                              "channel."),
    ((_Q1_OH, _Q1_OW, _Q1_FILTERS * _Q1_C), "each filter sums its three per-channel results "
                                            "into ONE map: five filters, five channels."),
    ((_Q1_OH, _Q1_OW, 1), "that is one filter's feature map; five filters stack five maps."),
    ((_Q1_OW, _Q1_OH, _Q1_FILTERS), "height and width are swapped: the input is 10 rows high "
                                    "and 13 columns wide, so the output has "
                                    "(10 - 3) // 2 + 1 rows and (13 - 3) // 2 + 1 columns."),
    ((_Q1_OH, _Q1_OH, _Q1_FILTERS), "the input is not square: its 13 columns give "
                                    f"(13 - 3) // 2 + 1 = {_Q1_OW} columns."),
    ((_Q1_OW, _Q1_OW, _Q1_FILTERS), "the input is not square: its 10 rows give "
                                    f"(10 - 3) // 2 + 1 = {_Q1_OH} rows."),
    ((_Q1_FILTERS, _Q1_OH, _Q1_OW), "Keras is channels-last: (height, width, channels)."),
    # ceil((N - F) / S) + 1 and N // S both give 5 rows and 6 columns: name both
    (_q1_sides(lambda n: -(-(n - _Q1_F) // _Q1_S) + 1),
     "your 6 columns are right; the rows are off (5, not 4). 5 rows come from rounding "
     "(10 - 3) / 2 = 3.5 UP to 4, plus 1, or from 10 // 2, N // S without the kernel. Without "
     "padding the last window must fit: (N - F) // S + 1, rounded down, gives 4 rows."),
]

q1 = OneImageShape(
    "An input of 10 rows, 13 columns and 3 channels goes through five 3x3x3 filters with "
    "stride 2 and no padding. What is the shape (height, width, channels) of the output?",
    checker=shape(_Q1, mistakes=Q1_MISTAKES),
    hint=["Height and width each follow (N - F) // S + 1, each with its own N: 10 rows, 13 "
          "columns. Where (N - F) / S is not whole, round it down: the last window must fit.",
          "Channels of the output = number of filters."],
    solution=f"((10 - 3) // 2 + 1, (13 - 3) // 2 + 1, 5)  # = {_Q1}: one feature map per filter",
    solution_answer=_Q1,
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
              channels=3, flip=False, swap=False) -> int:
    """Output (0, 1) of a filter of q2's layer, worked by hand: right with the defaults, and
    with one slip for each argument changed."""
    padded = np.pad(Q2_X, ((padding, padding), (padding, padding), (0, 0)))
    row, col = (_Q2_COL, _Q2_ROW) if swap else (_Q2_ROW, _Q2_COL)
    window = padded[row * stride:row * stride + 3, col * stride:col * stride + 3, :channels]
    kernel = Q2_KERNEL[:, :, :channels, filter_index]
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
    (_q2_value(filter_index=0), "two slips give that value: filter 0's output at (0, 1) "
                                "(Q2_KERNEL[:, :, :, 0] with Q2_BIAS[0]), or filter 1's output "
                                "at (0, 2), its window one stride too far right. Output (0, 1) "
                                "of filter 1 uses Q2_KERNEL[:, :, :, 1] and Q2_BIAS[1] on the "
                                "window at row 0, column 2 of the padded input."),
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
# q3: a layer's input channels from its parameters; q4-q5: what a layer stores and costs
# ---------------------------------------------------------------------------------------------

_Q3_FILTERS, _Q3_F, _Q3_C_IN = 32, 3, 3
_Q3_PARAMS = conv_params(_Q3_F, _Q3_C_IN, _Q3_FILTERS)          # 896, what the layer reports
_Q3 = _Q3_C_IN
_Q3_PER_FILTER = _Q3_PARAMS // _Q3_FILTERS                      # 28: weights and bias
_Q3_KERNEL = _Q3_F * _Q3_F                                      # 9 weights per channel

#: q3: Conv2D(32, 3) reports 896 parameters; the input channels follow.
Q3_MISTAKES = [
    (_Q3_PER_FILTER,
     f"{_Q3_PARAMS} / {_Q3_FILTERS} = {_Q3_PER_FILTER} is one filter's parameters, "
     "F * F * C_in + 1: subtract the bias, then divide by the 3x3 kernel's 9 weights."),
    (_Q3_PER_FILTER - 1,
     f"{_Q3_PER_FILTER - 1} is one filter's weights, F * F * C_in = 9 * C_in: divide by the "
     "3x3 kernel's 9 weights."),
    (_Q3_PER_FILTER / _Q3_KERNEL,
     f"that is {_Q3_PARAMS} / {_Q3_FILTERS} / 9 with the bias left in: each filter's "
     f"{_Q3_PER_FILTER} parameters include one bias; subtract it before dividing by 9."),
    (_Q3_PER_FILTER - 1 / _Q3_KERNEL,
     f"Python computed 1 / 9 first: {_Q3_PARAMS} / {_Q3_FILTERS} - 1 / 9. Put the "
     f"subtraction in brackets: ({_Q3_PARAMS} / {_Q3_FILTERS} - 1) / 9."),
    (_Q3_PER_FILTER / _Q3_KERNEL - 1,
     "you subtracted the bias after dividing by 9; subtract it first: "
     f"({_Q3_PER_FILTER} - 1) / 9."),
    ((_Q3_PER_FILTER - 1) / _Q3_F,
     f"9 is either ({_Q3_PER_FILTER} - 1) / 3, F taken once, or the 3 * 3 weights of one "
     "kernel. A 3x3 kernel has 9 weights per input channel: divide 27 by 9."),
    ((_Q3_PARAMS - _Q3_FILTERS) // _Q3_KERNEL,
     f"({_Q3_PARAMS} - {_Q3_FILTERS}) / 9 = {(_Q3_PARAMS - _Q3_FILTERS) // _Q3_KERNEL} is "
     "C_in * C_out, the number of 3x3 kernels in the layer: divide by the 32 filters too."),
    (_Q3_PARAMS - _Q3_FILTERS,
     f"{_Q3_PARAMS - _Q3_FILTERS} is the layer's weights (the 32 biases taken off); the "
     "question asks how many input channels: divide by the 32 filters and the 9 weights of a "
     "3x3 kernel."),
    (_Q3_PARAMS / _Q3_KERNEL,
     f"that is {_Q3_PARAMS} / 9: the 32 filters and their 32 biases are still in it."),
]

q3 = Exercise(
    f"A Conv2D(32, 3) layer reports {_Q3_PARAMS} parameters (count_params()). How many "
    "channels does its input have?",
    checker=number(_Q3, mistakes=Q3_MISTAKES),
    hint=["What does each filter hold, and how many filters are there? Find one filter's "
          "share of the 896 first.",
          "Parameters = (F * F * C_in + 1) * C_out: divide by C_out = 32, subtract the "
          "bias, divide by F * F = 9."],
    solution=f"({_Q3_PARAMS} / {_Q3_FILTERS} - 1) / 9  # = {_Q3}",
    solution_answer=_Q3,
)


def _count_typed_as_text(answer) -> str | None:
    """A count typed in quotes with separators between its digits ('880', '180,000', '8,80'),
    told how Python writes it; None for any other answer. Digits grouped in threes (or the
    Indian way, 3,60,000) are read as grouped; one comma before one, two or four-plus digits
    ('8,80') may be a misplaced separator or a decimal comma: the text cannot tell, so the
    message gives both readings. q4 and q5 use it.

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


_Q4_F, _Q4_C_IN, _Q4_C_OUT = 3, 6, 16
_Q4 = conv_params(_Q4_F, _Q4_C_IN, _Q4_C_OUT)
_Q4_WEIGHTS = conv_params(_Q4_F, _Q4_C_IN, _Q4_C_OUT, bias=False)

_SECTION4_CONV2 = conv_params(5, 3, 6)      # 456, the lesson's Conv2D(6, 5) on 3 channels

#: q4: Conv2D(16, 3) on 6 channels.
Q4_MISTAKES = [
    (_Q4_WEIGHTS, "those are the weights only; each of the 16 filters also has one bias."),
    # (3 * 3 * 16 + 1) * 6, C_in and C_out swapped, gives the same 870: name both
    (_Q4_WEIGHTS + _Q4_C_IN,
     f"that is the {_Q4_WEIGHTS} weights (3 * 3 * 6 * 16) plus 6 biases: either C_in and "
     "C_out are swapped, (3 * 3 * 16 + 1) * 6, or you gave one bias per INPUT channel. The "
     "input has C_in = 6 channels and the layer C_out = 16 filters, one bias each: "
     "(3 * 3 * 6 + 1) * 16."),
    (_Q4_WEIGHTS + _Q4_C_IN * _Q4_C_OUT,
     f"you gave every 3x3 kernel its own bias (16 * 6 = {_Q4_C_IN * _Q4_C_OUT} biases). A "
     "filter has ONE bias for all its 6 kernels: 16 biases."),
    (conv_params(_Q4_F, 1, _Q4_C_OUT), "(3 * 3 + 1) * 16 counts one 3x3 kernel per filter; "
                                       "each filter has a 3x3 kernel for EACH of the 6 input "
                                       "channels."),
    (conv_params(_Q4_F, _Q4_C_IN, 1), "that is one filter; the layer has 16."),
    (conv_params(_Q4_F, _Q4_C_IN, 1, bias=False), "that is one filter's weights (3 * 3 * 6); "
                                                  "the layer has 16 filters, each with one "
                                                  "bias."),
    (conv_params(_Q4_F, 1, _Q4_C_OUT, bias=False), "3 * 3 * 16 leaves out the input channels "
                                                   "and the biases."),
    (conv_params(_Q4_F, 3, _Q4_C_OUT), "that is (3 * 3 * 3 + 1) * 16, for an RGB input; this "
                                       "layer's input has 6 channels, so C_in = 6."),
    (_Q4_WEIGHTS + 1, "you gave the whole layer one bias; each of the 16 filters has its own: "
                      "+ 16, not + 1."),
    ((_Q4_F * _Q4_F + _Q4_C_IN + 1) * _Q4_C_OUT,
     "(3 * 3 + 6 + 1) * 16 ADDS the 6 channels; a filter has a whole 3x3 kernel for each "
     "channel, so multiply: 3 * 3 * 6 weights per filter."),
    ((_Q4_F * _Q4_C_IN + 1) * _Q4_C_OUT,
     "that is (3 * 6 + 1) * 16, the kernel size counted once; a 3x3 kernel has 3 * 3 = 9 "
     "weights per input channel: (3 * 3 * 6 + 1) * 16."),
    (conv_params(5, _Q4_C_IN, _Q4_C_OUT),
     "that is (5 * 5 * 6 + 1) * 16, for 5x5 kernels; in Conv2D(16, 3) the second argument, 3, "
     "is the kernel size: 3x3."),
    (_SECTION4_CONV2,
     f"{_SECTION4_CONV2} is section 4's conv2 count, (5 * 5 * 3 + 1) * 6; this layer is "
     "Conv2D(16, 3) on 6 channels: F = 3, C_in = 6, C_out = 16."),
    (conv_params(_Q4_F, _Q4_C_IN, 1, bias=False) + _Q4_C_OUT,
     "3 * 3 * 6 + 16 is one filter's weights plus all the biases; each of the 16 filters has "
     "its own 3 * 3 * 6 weights: multiply before adding the biases."),
]

_q4_number = number(_Q4, mistakes=Q4_MISTAKES)


def _check_params(answer):
    """q4's checker: a count typed in quotes with commas is told how Python writes it."""
    return _count_typed_as_text(answer) or _q4_number(answer)


q4 = Exercise(
    "How many parameters (weights and biases) does Conv2D(16, 3) have on a 6-channel input?",
    checker=_check_params,
    hint=["What does one filter hold (a 3x3 kernel for each input channel, and a bias), and "
          "how many filters does the layer have?",
          "(F * F * C_in + 1) * C_out: one bias per filter, so the + 1 sits inside the "
          "bracket, next to the filter's F * F * C_in weights."],
    solution=f"(3 * 3 * 6 + 1) * 16  # = {_Q4}",
    solution_answer=_Q4,
)

_Q5_INPUT, _Q5_F, _Q5_FILTERS = (24, 24, 3), 5, 6
_Q5 = conv_mults(_Q5_INPUT, _Q5_F, _Q5_FILTERS)
_Q5_O = conv_output_size(_Q5_INPUT[0], _Q5_F)                  # 20
_Q5_PRODUCTS = _Q5_F * _Q5_F * _Q5_INPUT[2]                      # per output value: 75
_Q5_PARAMS = conv_params(_Q5_F, _Q5_INPUT[2], _Q5_FILTERS)       # 456

#: q5: Conv2D(6, 5) on 24x24x3, stride 1, no padding.
Q5_MISTAKES = [
    (conv_mults((28, 28, 3), _Q5_F, _Q5_FILTERS),
     "that counts 24x24 positions, as for a 28x28 input. Here the "
     f"input is 24x24, so the output is {_Q5_O}x{_Q5_O}."),
    (conv_mults(_Q5_INPUT[:2] + (1,), _Q5_F, _Q5_FILTERS),
     "each output value needs F * F * C_in products: C_in = 3."),
    (_Q5_PARAMS, "that is the number of parameters (what the layer stores), not of "
                 "multiplications (what it does)."),
    (conv_mults(_Q5_INPUT, _Q5_F, 1), "that is one filter; the layer has six."),
    (_Q5_PRODUCTS * _Q5_FILTERS,
     f"that is F * F * C_in * C_out, one output position's multiplications for all six "
     f"filters: times the {_Q5_O}x{_Q5_O} positions."),
    (_Q5_PARAMS * _Q5_O * _Q5_O, f"that counts the biases as multiplications ({_Q5_PARAMS} x "
                                 f"{_Q5_O * _Q5_O}, or the products plus "
                                 f"{_Q5_FILTERS * _Q5_O * _Q5_O:,} bias additions): "
                                 "adding a bias is not a multiplication."),
    (_Q5_O * _Q5_O * _Q5_FILTERS, f"that is the number of output values; each needs "
                                  f"F * F * C_in = {_Q5_PRODUCTS} products."),
    (conv_mults((28, 28, 1), 5, 3), "that is the FIRST layer's count (section 4: 28x28x1 in, "
                                    "three filters); the question asks about the second, "
                                    "Conv2D(6, 5) on 24x24x3."),
    # 20 * 20 * 6 * 5 * 5 * 6, C_in = 6 read from Conv2D(6, 5), is the same 360,000
    (2 * _Q5, "that is twice the count: either you counted the additions too (a multiply-add "
              "as two operations), or you took C_in = 6 from Conv2D(6, 5), whose 6 is the "
              "number of filters (C_out). Count multiplications only, with the input's "
              "C_in = 3 channels."),
    ((_Q5_O - 1) ** 2 * _Q5_FILTERS * _Q5_PRODUCTS,
     f"that counts {_Q5_O - 1}x{_Q5_O - 1} positions, 24 - 5 per side: the + 1 is missing. A "
     f"5-wide window fits 24 - 5 + 1 = {_Q5_O} times."),
    (28 * 28 * _Q5_FILTERS * _Q5_PRODUCTS,
     "that counts 28x28 positions, the size of the digit; this layer gets the first layer's "
     f"24x24x3 output, and its own output is {_Q5_O}x{_Q5_O}."),
]

_q5_number = number(_Q5, mistakes=Q5_MISTAKES)


def _check_mults(answer):
    """q5's checker: a count typed in quotes with commas is told how Python writes it."""
    return _count_typed_as_text(answer) or _q5_number(answer)


q5 = Exercise(
    "The MNIST model's second layer (section 4), Conv2D(6, 5), gets a 24x24x3 input (stride "
    "1, no padding). How many multiplications does it perform for one image?",
    checker=_check_mults,
    hint=["How many output values does the layer make, and how many products does each one "
          "need (one per weight of its filter)?",
          "Multiplications = H_out * W_out * C_out * F * F * C_in, with H_out = W_out = "
          f"24 - 5 + 1 = {_Q5_O}."],
    solution=f"20 * 20 * 6 * 5 * 5 * 3  # = {_Q5:_}",
    solution_answer=_Q5,
)

# ---------------------------------------------------------------------------------------------
# q6: a whole layer: several filters, each over every channel
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


#: The message for an output array that holds whole numbers only (q6 and q7): which case has
#: non-whole results is filled in.
_INTEGER_OUTPUT = ("your output array holds whole numbers only, so the results of the case "
                   "with decimals ({case}) were cut. Make it float: np.zeros((rows, columns, "
                   "filters)) is; one made with dtype=int, or with np.zeros_like of an integer "
                   "array, is not.")


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

#: What q6 and q7 ask the learner to write: the course's and Keras's convolutions.
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
    (_integer_layer, _INTEGER_OUTPUT.format(case="the third")),
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


#: The message for an output sized from the rows alone (q6 and q7), with the rule per side.
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
    if "out of bounds" in message or "could not be broadcast" in message:
        message = message.rstrip(" .") + (
            ". Keras's kernel layout is (F, F, C_in, C_out): filter k is kernel[:, :, :, k], "
            "and its kernel for input channel c is kernel[:, :, c, k].")
    return message


q6 = Exercise(
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
# q7: the same layer with a stride and zero padding (CS231n's conv_forward_naive)
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


_rng = np.random.default_rng(7)
#: CS231n's demo layer, drawn in section 3 (5x5x3, two 3x3x3 filters, stride 2, padding 1).
_DEMO = (_rng.integers(0, 3, size=(5, 5, 3)), _rng.integers(-1, 2, size=(3, 3, 3, 2)),
         np.array([1.0, 0.0]), 2, 1)
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
    (_integer_forward, _INTEGER_OUTPUT.format(case="the fourth")),
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


q7 = Exercise(
    "Write conv_forward(x, kernel, bias, stride, padding): the layer of q6 with a stride S and "
    "a zero padding P (an int: P rows and columns of zeros on every side). x is (H, W, C_in), "
    "kernel is Keras's (F, F, C_in, C_out), bias is (C_out,). Return the (H_out, W_out, "
    "C_out) output, H_out = (H + 2P - F) // S + 1 (and the same for W). Write it with your own "
    "loops, without the course's conv2d or Keras.",
    checker=_check_forward,
    hint=["Pad first, with np.pad: it takes one (before, after) pair per axis of x, and only "
          "height and width get zeros. Then it is q6's loop on the padded input, with the "
          "output size (H + 2P - F) // S + 1 per side.",
          "Output (i, j) comes from the window that starts at row i * S and column j * S of "
          "the padded input."],
    solution_answer=conv_forward,
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


def show_colour_patches():
    """Draw :func:`colour_patches` with each patch's name on it; returns the figure.

    Lesson 02, exercise q8: the test image the yellow detector is scored on.

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
    ax.set_title("the test image colour_patches(), one colour per patch")
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

    Lesson 02, exercise q8 (a yellow detector): try weights before checking them.

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


#: q8: every other patch may answer at most this share of yellow's response (a clear margin).
_Q8_SHARE = 0.75


def _check_yellow_detector(answer):
    weights, problem = _weights_or_message(answer)
    if problem:
        return problem
    responses = _patch_responses(weights)
    yellow = responses["yellow"]
    ties = [n for n, v in responses.items() if n != "yellow" and np.isclose(v, yellow)]
    beats = [n for n, v in responses.items() if v > yellow and not np.isclose(v, yellow)]
    if not ties and not beats:
        close = [n for n, v in responses.items() if n != "yellow" and v > _Q8_SHARE * yellow
                 and not np.isclose(v, _Q8_SHARE * yellow)]
        if not close:
            return None
        shown = ", ".join(f"{name} {value:g}" for name, value in responses.items())
        return (f"yellow answers most ({yellow:g}), but {_names(close)} "
                f"answer{'s' if len(close) == 1 else ''} more than 3/4 of that (responses: "
                f"{shown}): almost as much as on yellow, so it would not single yellow out. "
                f"Make yellow stand out: at most {_Q8_SHARE * yellow:g} on every other patch.")
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


q8 = Exercise(
    "Yellow light is red plus green. Choose the three weights (red, green, blue) of a 1x1 "
    "filter (F = 1: one pixel, all three channels) so that, on the test image "
    "colour_patches(), its highest (most positive) response is on the yellow patch, with "
    "every other patch at most 3/4 of it (not white either, which contains red and green "
    "too).",
    checker=_check_yellow_detector,
    answer_name="yellow_weights",  # the exercise cell is `yellow_weights = ____`
    hint=["Positive weights on red and green alone fire just as much on white.",
          "White also has blue; yellow has none. Give blue a negative weight, as the red "
          "detector (1, -0.5, -0.5) of the lesson does for green and blue."],
    solution="np.array([0.5, 0.5, -1.0])  # yellow 1, white 0, red 0.5",
    solution_answer=np.array([0.5, 0.5, -1.0]),
)

__all__ = ["colour_patches", "show_colour_patches", "try_weights", *bind_exercises(globals())]
