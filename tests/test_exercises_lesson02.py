"""Lesson 02's exercises: the expected answers agree with Keras models and tf.nn.conv2d (never
with a second copy of our code), the questions separate the mistakes they name (each mistake
gives an answer of its own, so each message can show), and LEARNER_ANSWERS lists what a learner
may type into each exercise cell with the message each must print (run in the notebook's own
kernel by tests/kernel_checks.py).
"""

from __future__ import annotations

import functools
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import conv2d
from course_utils.exercises import NOT_ANSWERED, ____, exercises_in
from course_utils.exercises import lesson02 as lesson
from tests.reference import keras_output_shape, tf_conv2d

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
layers = keras.layers

# --- what a learner types ----------------------------------------------------------------------

_LOOPS = """\
def conv_layer(x, kernel, bias):
    f, c_out = kernel.shape[0], kernel.shape[3]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, c_out))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for k in range(c_out):
                for c in range(x.shape[2]):
                    out[i, j, k] += np.sum(x[i:i + f, j:j + f, c] * kernel[:, :, c, k])
                out[i, j, k] += bias[k]
    return out"""

_EINSUM = """\
def conv_layer(x, kernel, bias):
    windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape[:3])[:, :, 0]
    return np.einsum("ijabc,abck->ijk", windows, kernel) + bias"""


def _loop_variant(body: str) -> str:
    """A loop answer whose innermost statement is ``body`` (one of the predictable mistakes)."""
    return ("def conv_layer(x, kernel, bias):\n"
            "    f, c_out = kernel.shape[0], kernel.shape[3]\n"
            "    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, c_out))\n"
            "    for i in range(out.shape[0]):\n"
            "        for j in range(out.shape[1]):\n"
            "            for k in range(c_out):\n"
            f"                {body}\n"
            "    return out")


_FIRST_CHANNEL = _loop_variant(
    "out[i, j, k] = np.sum(x[i:i + f, j:j + f, 0] * kernel[:, :, 0, k]) + bias[k]")
_BIAS_PER_CHANNEL = _loop_variant(
    "out[i, j, k] = sum(np.sum(x[i:i + f, j:j + f, c] * kernel[:, :, c, k]) + bias[k] "
    "for c in range(x.shape[2]))")
_NO_BIAS = _loop_variant("out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * kernel[:, :, :, k])")
_FLIPPED = _loop_variant(
    "out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * np.flip(kernel[:, :, :, k], (0, 1))) "
    "+ bias[k]")
_TRANSPOSED = _loop_variant(
    "out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * kernel[:, :, :, k].transpose(1, 0, 2)) "
    "+ bias[k]")
_FIRST_BIAS = _loop_variant(
    "out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * kernel[:, :, :, k]) + bias[0]")
# the lesson's main misconception: one output channel per (filter, input channel) pair
_PER_CHANNEL_STACKED = """\
def conv_layer(x, kernel, bias):
    f, c_in, c_out = kernel.shape[0], kernel.shape[2], kernel.shape[3]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, c_in * c_out))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for k in range(c_out):
                for c in range(c_in):
                    out[i, j, k * c_in + c] = np.sum(x[i:i + f, j:j + f, c] * kernel[:, :, c, k])
    return out"""
_PER_INPUT_CHANNEL = """\
def conv_layer(x, kernel, bias):
    f, c_in = kernel.shape[0], kernel.shape[2]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, c_in))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for c in range(c_in):
                out[i, j, c] = np.sum(x[i:i + f, j:j + f, c, None] * kernel[:, :, c, :])
    return out"""
_PER_CHANNEL_4D = """\
def conv_layer(x, kernel, bias):
    f, c_in, c_out = kernel.shape[0], kernel.shape[2], kernel.shape[3]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, c_in, c_out))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for c in range(c_in):
                for k in range(c_out):
                    out[i, j, c, k] = np.sum(x[i:i + f, j:j + f, c] * kernel[:, :, c, k])
    return out + bias"""
_AXES_SWAPPED = _loop_variant(
    "out[i, j, k] = sum(np.sum(x[i:i + f, j:j + f, c] * kernel[:, :, k, c]) "
    "for c in range(x.shape[2])) + bias[k]")

_INTEGER_OUTPUT = _loop_variant(
    "out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * kernel[:, :, :, k]) + bias[k]").replace(
    "c_out))", "c_out), dtype=int)")

# The worked loop of section 2 copied with one size for both sides (o = x.shape[0] - f + 1)
_SQUARE_LAYER = """\
def conv_layer(x, kernel, bias):
    f, c_out = kernel.shape[0], kernel.shape[3]
    o = x.shape[0] - f + 1
    out = np.zeros((o, o, c_out))
    for k in range(c_out):
        for i in range(o):
            for j in range(o):
                out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * kernel[:, :, :, k]) + bias[k]
    return out"""

_FORWARD_FROM_STRIDE_ONE = """\
def conv_forward(x, kernel, bias, stride, padding):
    padded = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    f = kernel.shape[0]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (f, f), axis=(0, 1))
    every_position = np.einsum("ijcab,abck->ijk", windows, kernel) + bias   # stride 1
    return every_position[::stride, ::stride]"""


def _forward_variant(pad="np.pad(x, ((padding, padding), (padding, padding), (0, 0)))",
                     step="stride", top="{n} * stride", size="xp.shape[{axis}] - f",
                     bias=" + bias[k]", dtype="") -> str:
    """A loop answer to q7; each argument replaced gives one predictable mistake."""
    return ("def conv_forward(x, kernel, bias, stride, padding):\n"
            "    f, c_out = kernel.shape[0], kernel.shape[3]\n"
            f"    xp = {pad}\n"
            f"    o_h = ({size.format(axis=0)}) // {step} + 1\n"
            f"    o_w = ({size.format(axis=1)}) // {step} + 1\n"
            f"    out = np.zeros((o_h, o_w, c_out){dtype})\n"
            "    for i in range(o_h):\n"
            "        for j in range(o_w):\n"
            "            for k in range(c_out):\n"
            f"                window = xp[{top.format(n='i')}:{top.format(n='i')} + f, "
            f"{top.format(n='j')}:{top.format(n='j')} + f, :]\n"
            f"                out[i, j, k] = np.sum(window * kernel[:, :, :, k]){bias}\n"
            "    return out")


_FORWARD_LOOPS = _forward_variant()

LEARNER_ANSWERS = {
    "q1": {
        "right": ["(4, 6, 5)", "[4, 6, 5]", "np.array([4, 6, 5])", "(None, 4, 6, 5)",
                  "((10 - 3) // 2 + 1, (13 - 3) // 2 + 1, 5)", "(4.0, 6.0, 5.0)", "(1, 4, 6, 5)",
                  "layers.Conv2D(5, 3, strides=2, name='probe').compute_output_shape("
                  "(None, 10, 13, 3))",
                  "q1.check(4, 6, 5)"],                   # several arguments: one tuple
        "wrong": {
            "(5, 7, 5)": 'padding="same"',
            "(8, 11, 5)": "that is stride 1",
            "(3, 5, 5)": "add 1 for the first position",
            "(2, 3, 5)": "misprinted formula",
            "(4, 6, 3)": "one channel per FILTER",
            "(4, 6, 15)": "into ONE map",
            "(4, 6, 1)": "one filter's feature map",
            "(6, 4, 5)": "height and width are swapped",
            "(4, 4, 5)": "its 13 columns",
            "(6, 6, 5)": "its 10 rows",
            "(5, 4, 6)": "channels-last",
            "((10 - 3) / 2 + 1, (13 - 3) / 2 + 1, 5)": "divide with // and add 1",
            "(5, 6, 5)": "your 6 columns are right; the rows are off (5, not 4)",
            "(10 // 2, 13 // 2, 5)": "N // S without the kernel",
            "(3, 6, 5)": "the height (the first entry) is off",            # no rule proves a cause
            "(2, 4, 6, 5)": "stands where a batch axis would",
        },
    },
    "q2": {
        "right": ["-29", "-29.0", "np.int64(-29)",
                  "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, :] "
                  "* Q2_KERNEL[:, :, :, 1]) + Q2_BIAS[1]",
                  "conv2d(Q2_X, Q2_KERNEL, bias=Q2_BIAS, stride=2, padding=1)[0, 1, 1]",
                  "q2.solution_answer"],
        "wrong": {
            "-81": "adds the bias to each of the 27 products",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, :] "
            "* Q2_KERNEL[:, :, :, 1])": "without its bias",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, :] "
            "* Q2_KERNEL[:, :, :, 1]) + Q2_BIAS[0]": "plus filter 0's bias",
            "-33": "once per input channel",
            "conv2d(Q2_X, Q2_KERNEL, bias=Q2_BIAS, stride=2, padding=1)[0, 1, :]": "take [1]",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, :] "
            "* Q2_KERNEL[:, :, :, 1]) - Q2_BIAS[1]": "minus its bias",
            "29": "a dropped minus sign, or every weight and the bias negated",
            "conv2d(Q2_X, Q2_KERNEL, bias=Q2_BIAS, stride=2, padding=1)[0, 0, 1]":
                "filter 1's output at (0, 0), its window at column 0",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, :] "
            "* Q2_KERNEL[:, :, :, 0])": "filter 0's products on the right window with no bias",
            "conv2d(Q2_X, Q2_KERNEL, bias=Q2_BIAS, stride=2, padding=1)[0, 1, 0]":
                "filter 0's output at (0, 1)",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 1:4, :] "
            "* Q2_KERNEL[:, :, :, 1]) + Q2_BIAS[1]": "as it would with stride 1",
            "np.sum(Q2_X[0:3, 2:5, :] * Q2_KERNEL[:, :, :, 1]) + Q2_BIAS[1]":
                "three slips give that value: Q2_X not padded",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[1:4, 3:6, :] "
            "* Q2_KERNEL[:, :, :, 1]) + Q2_BIAS[1]":
                "the padded window started one row and one column too far",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, :] "
            "* Q2_KERNEL[:, :, :, 1].transpose(1, 0, 2)) + Q2_BIAS[1]":
                "or each kernel transposed (rows for columns)",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, 0] "
            "* Q2_KERNEL[:, :, 0, 1]) + Q2_BIAS[1]": "the first channel's products alone",
            "-12": "rows and columns swapped",
            "5": "the kernels flipped",
            "[-9, -16, -2]": "one per input channel: filter 1's sums channel by channel",
            "-31": "is not the expected value",                  # no rule proves a cause
        },
    },
    "q4": {
        "right": ["880", "880.0", "np.int64(880)", "(3 * 3 * 6 + 1) * 16",
                  "conv_params(3, 6, 16)"],
        "wrong": {
            "864": "the weights only",
            "870": "either C_in and C_out are swapped, (3 * 3 * 16 + 1) * 6, or you gave one "
                   "bias per INPUT channel",
            "(3 * 3 * 16 + 1) * 6": "either C_in and C_out are swapped",
            "960": "its own bias",
            "160": "for EACH of the 6 input channels",
            "55": "that is one filter",
            "54": "one filter's weights",
            "144": "leaves out the input channels",
            "'880'": "remove the quotes",
            # a misplaced separator (880) or a decimal comma (8.80): the text cannot tell
            "'8,80'": "write 880 if the comma separates digits, or 8.80 if it is a decimal "
                      "comma",
            "'880,0'": "write 8800 if the comma separates digits, or 880.0 if it is",
            "(3 * 3 * 3 + 1) * 16": "for an RGB input",
            "3 * 3 * 6 * 16 + 1": "the whole layer one bias",
            "(3 * 3 + 6 + 1) * 16": "ADDS the 6 channels",
            "3 * 3 * 6 + 16": "one filter's weights plus all the biases",
            "304": "the kernel size counted once",
            "(5 * 5 * 6 + 1) * 16": "for 5x5 kernels",
            "456": "section 4's conv2 count",
            "879": "is not the expected value",              # no rule proves a cause
        },
    },
    "q3": {
        "right": ["3", "3.0", "(896 / 32 - 1) / 9", "(896 - 32) / (32 * 9)", "(896 // 32 - 1) // 9",
                  "round((896 / 32 - 1) / 9)"],
        "wrong": {
            "28": "subtract the bias, then divide by the 3x3 kernel's 9 weights",
            "27": "one filter's weights, F * F * C_in = 9 * C_in",
            "896 / 32 / 9": "with the bias left in",
            "3.11": "with the bias left in",
            "896 / 32 - 1 / 9": "Python computed 1 / 9 first",
            "896 / 32 / 9 - 1": "you subtracted the bias after dividing by 9",
            "(896 / 32 - 1) / 3": "F taken once",
            "(896 - 32) / 9": "the number of 3x3 kernels in the layer",
            "896 - 32": "the layer's weights (the 32 biases taken off)",
            "896 / 9": "the 32 filters and their 32 biases are still in it",
            "4": "is not the expected value",
            "'3'": "remove the quotes",
        },
    },
    "q5": {
        "right": ["180000", "180_000", "180000.0", "1.8e5", "20 * 20 * 6 * 5 * 5 * 3",
                  "conv_mults((24, 24, 3), 5, 6)"],
        "wrong": {
            "259200": "the output is 20x20",
            "60000": "C_in = 3",
            "456": "the number of parameters",
            "30000": "that is one filter",
            "450": "one output position's multiplications for all six filters",
            "5 * 5 * 3 * 6": "times the 20x20 positions",
            "182400": "biases as multiplications (456 x 400, or the products plus 2,400",
            "180000 + 2400": "counts the biases as multiplications",
            "2400": "the number of output values",
            "43200": "the FIRST layer's count",
            "2 * 20 * 20 * 6 * 5 * 5 * 3": "either you counted the additions too",
            "20 * 20 * 6 * 5 * 5 * 6": "or you took C_in = 6 from Conv2D(6, 5)",
            "28 * 28 * 6 * 5 * 5 * 3": "the size of the digit",
            "19 * 19 * 6 * 5 * 5 * 3": "the + 1 is missing",
            "'180,000'": "group its digits with _ rather than commas",
            "'1,80,000'": "group its digits with _ rather than commas: 180_000",   # Indian
            "'18,0000'": "write 180000 if the comma separates digits, or 18.0000 if",
            "180,000": "If you typed one number with commas, 180,000",   # Python's (180, 0)
            "q5.check(180,000)": "If you typed one number with commas, 180,000",
        },
    },
    "q6": {
        "right": [_LOOPS, _EINSUM],
        "wrong": {
            "def conv_layer(x, kernel, bias):\n    return conv2d(x, kernel, bias=bias)":
                "your function calls conv2d, which already does what this question asks",
            "def conv_layer(x, kernel, bias):\n"
            "    layer = layers.Conv2D(kernel.shape[3], kernel.shape[0])\n"
            "    layer.build((None, *x.shape))\n"
            "    layer.set_weights([kernel.astype('float32'), np.asarray(bias, 'float32')])\n"
            "    return layer(x[None].astype('float32')).numpy()[0]":
                "your function calls layers.Conv2D, which already does what this question asks",
            _FIRST_CHANNEL: "the first input channel only",
            _BIAS_PER_CHANNEL: "once per input channel",
            _NO_BIAS: "leaves out the bias",
            _LOOPS.replace("return out", "return np.moveaxis(out, -1, 0)"): "channels-last",
            _AXES_SWAPPED: "kernel[:, :, c, k]",
            _LOOPS.replace("\n    return out", ""): "`return` statement",
            _PER_CHANNEL_STACKED: "SUMS its per-channel results into ONE map",
            _PER_CHANNEL_4D: "kept each channel's result as its own output channel",
            _PER_INPUT_CHANNEL: "one channel per INPUT channel on every case",
            _FLIPPED: "you flipped each kernel",
            _FIRST_BIAS: "every filter adds bias[0]",
            _LOOPS.replace("kernel[:, :, c, k]", "kernel[:, :, c, 0]"):
                "every filter uses filter 0's weights",
            _TRANSPOSED: "you transposed each kernel",
            _INTEGER_OUTPUT: "holds whole numbers only",
            _SQUARE_LAYER: "as many columns as rows, both counted from the rows",
            _SQUARE_LAYER.replace("o = x.shape[0] - f + 1", "o = x.shape[0] - f + 2"):
                "A window came out smaller than the filter ((3, 2, 3) against (3, 3, 3))",
            _LOOPS.replace("x[i:i + f, j:j + f, c]", "x[i:i + f + 1, j:j + f + 1, c]"):
                "A window came out larger than this case's filter ((4, 4) against (3, 3))",
            _LOOPS.replace("f, c_out = kernel.shape[0]", "f, c_out = 3"):      # F typed in
                "larger than this case's filter ((3, 3) against (2, 2)): a window has the "
                "filter's F rows and columns. Take F from kernel.shape[0]",
            _LOOPS.replace("x.shape[0] - f + 1, x.shape[1] - f + 1",
                           "x.shape[0] - f, x.shape[1] - f"):                   # no + 1
                "your output is (H - F, W - F) on every case, and the values it has are right",
            _LOOPS.replace("kernel[:, :, c, k])", "kernel[:, :, c, k]).T").replace(
                "x[i:i + f, j:j + f, c] * kernel[:, :, c, k]",
                "x[i:i + f, j:j + f, :] * kernel[:, :, k, :].T"):
                "Keras's kernel layout is (F, F, C_in, C_out)",
        },
    },
    "q7": {
        "right": [_FORWARD_LOOPS, _FORWARD_FROM_STRIDE_ONE],
        "wrong": {
            "def conv_forward(x, kernel, bias, stride, padding):\n"
            "    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding)":
                "your function calls conv2d, which already does what this question asks",
            _forward_variant(pad="x"): "ignores the padding",
            _forward_variant(step="1", top="{n}"): "ignores the stride",
            _forward_variant(top="{n}"): "the windows are not",
            _forward_variant(size="x.shape[{axis}] - f"): "leaves out the padding",
            _forward_variant(size="x.shape[{axis}] + padding - f"): "adds P on BOTH sides",
            _forward_variant(bias=""): "leaves out the bias",
            _FORWARD_LOOPS.replace(
                "np.sum(window * kernel[:, :, :, k]) + bias[k]",
                "sum(np.sum(window[:, :, c] * kernel[:, :, c, k]) + bias[k]"
                " for c in range(x.shape[2]))"): "adds the bias once per input channel",
            _FORWARD_LOOPS.replace("kernel[:, :, :, k]", "kernel[::-1, ::-1, :, k]"):
                "you flipped each kernel",
            _forward_variant(pad="np.pad(x, padding)"): "pads the channel axis too",
            _forward_variant(dtype=", dtype=int"): "holds whole numbers only",
            _forward_variant(pad="np.pad(x, ((padding, padding), (padding, padding)))"):
                "one (before, after) pair per axis",
            _forward_variant(step="stride").replace(") // stride + 1", ") / stride + 1"):
                "divide with //",
            _forward_variant(size="xp.shape[0] - f"): "as many columns as rows",
            _forward_variant(size="xp.shape[{axis}] - f + stride - 1"): "rounds UP",
            _forward_variant().replace("(xp.shape[0] - f) // stride", "round((xp.shape[0] - f) "
                                       "/ stride)").replace("(xp.shape[1] - f) // stride",
                                                            "round((xp.shape[1] - f) / stride)"):
                "to the nearest whole number",
            _forward_variant(size="xp.shape[{axis}] - f + 1"):
                "A window came out smaller than the filter",
        },
    },
    "q8": {
        "right": ["[0.5, 0.5, -1]", "np.array([1, 1, -2])", "(1, 1, -1.5)", "[1, 1, -0.5]"],
        "wrong": {
            "[1, 1, -0.1]": "yellow answers most (2), but white answers more than 3/4 of that",
            "[1, 0.2, -1]": "yellow answers most (1.2), but red answers more than 3/4",
            "[0.2, 1, -1]": "but green answers more than 3/4 of that",
            "[1, 1, 0]": "white answers as strongly as yellow (",
            "[1, 1, 1]": "white answers more strongly than yellow; magenta answers as strongly",
            "[1, -0.5, -0.5]": "red answers more strongly than yellow; magenta answers as "
                               "strongly as yellow",
            "[1, 0, 0]": "your green weight is not above 0",
            "[1, 0, -1]": "red answers as strongly as yellow (",
            "[0, 1, 0]": "your red weight is not above 0",
            "[0.5, 0.5]": "give three weights",
            "[-0.5, -0.5, 1]": "your red and green weights are not above 0",
            # green 0: the advice 'make blue count against' alone would still fail
            "[1, 0, 1]": "white and magenta answer more strongly than yellow; red, blue and "
                         "grey answer as strongly",
            "[2, 1, 0.5]": "Your blue weight, 0.5, is not below 0",
        },
    },
}


def keras_shape(input_shape, *convs):
    """Output shape (without batch) of Conv2D layers (filters, kernel, stride[, padding])."""
    return keras_output_shape(input_shape, *(
        layers.Conv2D(conv[0], conv[1], strides=conv[2],
                      padding=conv[3] if len(conv) > 3 else "valid", name=f"conv{index + 1}")
        for index, conv in enumerate(convs)))


def tf_layer(x, kernel, bias):
    """A whole layer (F, F, C_in, C_out) with its biases on one image (H, W, C), by
    tf.nn.conv2d."""
    return tf_conv2d(np.asarray(x)[None], kernel)[0] + np.asarray(bias, dtype="float32")


def test_the_lesson_has_eight_exercises():
    assert [q.name for q in exercises_in(lesson)] == [f"q{i}" for i in range(1, 9)]
    assert set(LEARNER_ANSWERS) == {q.name for q in exercises_in(lesson)}


# --- the expected answers, computed by Keras / TensorFlow --------------------------------------


def test_shape_answer_agrees_with_keras():
    exercise = lesson.q1
    answer = keras_shape((10, 13, 3), (5, 3, 2))
    assert exercise.is_correct(answer)
    assert exercise.is_correct(tf.TensorShape(answer))           # a TensorShape passes too
    assert exercise.is_correct((None, *answer))                  # and Keras's batch axis


@pytest.mark.parametrize("name, input_shape, convs", [
    ("q1", (10, 13, 3), [(5, 3, 2, "same")]),        # valid vs same differ: 4x6 vs 5x7
    ("q1", (10, 13, 3), [(5, 3, 1)]),                # stride 1
])
def test_each_shape_mistake_is_another_keras_model_and_gets_its_message(name, input_shape,
                                                                        convs):
    """The mistakes q1 names are the shapes of other Keras models (computed, not typed), so
    valid vs same, stride 1 vs 2, and first vs second layer give different answers."""
    exercise = getattr(lesson, name)
    wrong = keras_shape(input_shape, *convs)
    assert not exercise.is_correct(wrong)
    messages = dict(getattr(lesson, f"Q{name[1]}_MISTAKES"))
    assert wrong in messages, wrong
    assert messages[wrong] in exercise.feedback(wrong)


@pytest.mark.parametrize("name", ["Q1_MISTAKES", "Q2_MISTAKES", "Q4_MISTAKES", "Q3_MISTAKES",
                                  "Q5_MISTAKES"])
def test_mistakes_differ_and_each_message_shows(name):
    exercise = getattr(lesson, f"q{name[1]}")
    mistakes = getattr(lesson, name)
    values = [value for value, _ in mistakes]
    assert len(set(values)) == len(values), values
    for value, message in mistakes:
        assert not exercise.is_correct(value), value
        assert message in exercise.feedback(value), (value, exercise.feedback(value))


def test_q4_and_its_mistakes_agree_with_built_keras_layers():
    layer = layers.Conv2D(16, 3, name="conv")
    layer.build((None, 10, 10, 6))
    assert lesson.q4.is_correct(layer.count_params())
    no_bias = layers.Conv2D(16, 3, use_bias=False, name="conv_no_bias")
    no_bias.build((None, 10, 10, 6))
    assert "weights only" in lesson.q4.feedback(no_bias.count_params())
    # 870 comes two ways, C_in and C_out swapped or one bias per input channel: the message
    # names both
    swapped = layers.Conv2D(6, 3, name="conv_swapped")
    swapped.build((None, 10, 10, 16))
    assert swapped.count_params() == no_bias.count_params() + 6 == 870
    message = lesson.q4.feedback(swapped.count_params())
    assert "C_in and C_out are swapped" in message and "one bias per INPUT channel" in message
    # a bias per 3x3 kernel: the weights plus one bias for each (input, filter) pair
    per_kernel = no_bias.count_params() + 6 * 16
    assert "its own bias" in lesson.q4.feedback(per_kernel)
    rgb = layers.Conv2D(16, 3, name="conv_rgb")                # C_in = 3 out of RGB habit
    rgb.build((None, 10, 10, 3))
    assert "for an RGB input" in lesson.q4.feedback(rgb.count_params())
    one_bias = no_bias.count_params() + 1                       # one bias for the whole layer
    assert "the whole layer one bias" in lesson.q4.feedback(one_bias)


def test_q3_inverts_a_built_layers_parameter_count():
    for c_in in (1, 3, 6):
        layer = layers.Conv2D(32, 3, name=f"conv_{c_in}")
        layer.build((None, 10, 10, c_in))
        assert lesson.q3.is_correct(c_in) == (layer.count_params() == 896)


def keras_mults(input_shape, filters, kernel_size):
    """Multiplications of one Conv2D layer, read from Keras: output values x weights per
    filter."""
    layer = layers.Conv2D(filters, kernel_size, name="conv_count")
    layer.build((None, *input_shape))
    out_h, out_w, c_out = layer.compute_output_shape((None, *input_shape))[1:]
    return out_h * out_w * c_out * int(np.prod(layer.kernel.shape[:3]))


def test_q5_counts_one_product_per_weight_per_output_value():
    assert lesson.q5.is_correct(keras_mults((24, 24, 3), 6, 5))
    # the first layer's count, printed in section 4, is named as that
    assert "FIRST layer's count" in lesson.q5.feedback(keras_mults((28, 28, 1), 3, 5))
    # twice the count: the additions counted too, or C_in = 6 read from Conv2D(6, 5); both
    # give 360,000, and the message names both
    doubled = 2 * keras_mults((24, 24, 3), 6, 5)
    assert doubled == keras_mults((24, 24, 6), 6, 5)
    message = lesson.q5.feedback(doubled)
    assert "counted the additions too" in message and "C_in = 6 from Conv2D(6, 5)" in message
    assert "a string" not in lesson.q5.feedback("180,000")


def test_q2_value_and_its_slips_are_keras_outputs():
    """q2's answer is Keras's output (0, 1, 1) of its layer; the slips it names are other
    Keras outputs (another filter, stride 1, no padding, flipped kernels, position (1, 0)) or
    that output's bias changed, and they all differ."""
    x, kernel, bias = lesson.Q2_X, lesson.Q2_KERNEL, lesson.Q2_BIAS
    out = keras_forward(x, kernel, bias, 2, 1)
    assert lesson.q2.is_correct(out[0, 1, 1])
    no_bias = keras_forward(x, kernel, [0, 0], 2, 1)[0, 1, 1]
    slips = {
        "without its bias": no_bias,
        "plus filter 0's bias": no_bias + bias[0],
        "once per input channel": no_bias + 3 * bias[1],
        "minus its bias": no_bias - bias[1],
        "filter 0's output at (0, 1)": out[0, 1, 0],
        "as it would with stride 1": keras_forward(x, kernel, bias, 1, 1)[0, 1, 1],
        "Q2_X not padded": keras_forward(x, kernel, bias, 2, 0)[0, 1, 1],
        "the first channel's products alone": keras_forward(
            x[:, :, :1], kernel[:, :, :1], bias, 2, 1)[0, 1, 1],
        "the kernels flipped": keras_forward(
            x, np.flip(kernel, axis=(0, 1)), bias, 2, 1)[0, 1, 1],
        "rows and columns swapped": out[1, 0, 1],
    }
    values = [out[0, 1, 1], *slips.values()]
    assert len(set(np.round(values, 3))) == len(values), slips
    for words, value in slips.items():
        assert words in lesson.q2.feedback(value), (words, lesson.q2.feedback(value))
    # filter 1 one stride too far right gives filter 0's value too: the message names both
    assert np.isclose(out[0, 2, 1], out[0, 1, 0])
    assert "filter 1's output at (0, 2)" in lesson.q2.feedback(out[0, 2, 1])
    per_channel = [keras_forward(x[:, :, c:c + 1], kernel[:, :, c:c + 1], [0, 0], 2,
                                      1)[0, 1, 1] for c in range(3)]
    assert "one per input channel" in lesson.q2.feedback(per_channel)
    assert "take [1]" in lesson.q2.feedback(out[0, 1, :])


def test_q6_solution_matches_tensorflow():
    rng = np.random.default_rng(0)
    x, kernel, bias = rng.normal(size=(7, 6, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(
        size=4)
    np.testing.assert_allclose(lesson.conv_layer(x, kernel, bias), tf_layer(x, kernel, bias),
                               atol=1e-5)
    assert lesson.q6.is_correct(tf_layer)  # TensorFlow itself passes the checker

    def no_bias(x, kernel, bias):
        return tf_layer(x, kernel, np.zeros_like(bias))

    assert "leaves out the bias" in lesson.q6.feedback(no_bias)


def _tf_per_channel_maps(x, kernel, bias):
    """Each input channel through each filter's kernel kept apart: (H', W', C_in * C_out)."""
    x, kernel = np.asarray(x), np.asarray(kernel)
    return np.concatenate([tf_conv2d(x[None, :, :, c:c + 1], kernel[:, :, c:c + 1, :])[0]
                           for c in range(x.shape[2])], axis=-1)


@pytest.mark.parametrize("wrong, words", [
    (lambda x, k, b: tf_layer(x, np.flip(np.asarray(k), axis=(0, 1)), b),
     "you flipped each kernel"),
    (lambda x, k, b: tf_layer(x, np.swapaxes(np.asarray(k), 0, 1), b),
     "you transposed each kernel"),
    (lambda x, k, b: tf_layer(x, k, np.full(len(b), b[0])), "every filter adds bias[0]"),
    (_tf_per_channel_maps, "SUMS its per-channel results into ONE map"),
    (lambda x, k, b: _tf_per_channel_maps(x, k, b).reshape(
        *_tf_per_channel_maps(x, k, b).shape[:2], np.shape(k)[2], np.shape(k)[3]),
     "kept each channel's result as its own output channel"),
    (lambda x, k, b: np.trunc(tf_layer(x, k, b)).astype(int), "holds whole numbers only"),
], ids=["flipped", "transposed", "bias[0] for all", "per-channel maps", "per-channel maps 4-D",
        "integers"])
def test_q6_names_each_mistake_computed_by_tensorflow(wrong, words):
    assert not lesson.q6.is_correct(wrong)
    assert words in lesson.q6.feedback(wrong), lesson.q6.feedback(wrong)


def test_q6_placeholder_in_function_body(capsys):
    def conv_layer(x, kernel, bias):
        return ____

    lesson.q6.check(conv_layer)
    assert capsys.readouterr().out.strip() == NOT_ANSWERED


def keras_forward(x, kernel, bias, stride, padding):
    """Keras's ZeroPadding2D(P) then Conv2D(C_out, F, strides=S), weights set by hand."""
    kernel = np.asarray(kernel, dtype="float32")
    model = keras.Sequential([keras.Input(np.shape(x)),
                              layers.ZeroPadding2D(padding, name="pad"),
                              layers.Conv2D(kernel.shape[3], kernel.shape[0], strides=stride,
                                            name="conv")], name="padded_conv")
    model.get_layer("conv").set_weights([kernel, np.asarray(bias, dtype="float32")])
    return model(np.asarray(x, dtype="float32")[None]).numpy()[0]


@pytest.mark.parametrize("case", range(len(lesson._FORWARD_CASES)))
def test_q7_cases_and_solution_match_keras(case):
    x, kernel, bias, stride, padding = lesson._FORWARD_CASES[case]
    expected = keras_forward(x, kernel, bias, stride, padding)
    np.testing.assert_allclose(lesson.conv_forward(x, kernel, bias, stride, padding), expected,
                               atol=1e-5)
    np.testing.assert_allclose(lesson._forward_reference(x, kernel, bias, stride, padding),
                               expected, atol=1e-5)


def test_q7_keras_itself_passes_and_each_mistake_is_wrong_and_told_apart():
    assert lesson.q7.is_correct(functools.partial(keras_forward))   # hides Conv2D from forbidden
    results = {}
    mistakes = [lesson._ignores_padding, lesson._ignores_stride, lesson._windows_not_strided,
                lesson._size_without_padding, lesson._forward_no_bias, lesson._integer_forward,
                lesson._forward_bias_per_channel]
    for wrong in mistakes:
        outputs = [np.asarray(wrong(*case), dtype=float) for case in lesson._FORWARD_CASES]
        expected = [keras_forward(*case) for case in lesson._FORWARD_CASES]
        assert any(o.shape != e.shape or not np.allclose(o, e, atol=1e-5)
                   for o, e in zip(outputs, expected, strict=True)), wrong.__name__
        assert not lesson.q7.is_correct(wrong)
        results[wrong.__name__] = outputs
    for (first, a), (second, b) in itertools.combinations(results.items(), 2):
        assert any(p.shape != q.shape or not np.allclose(p, q)
                   for p, q in zip(a, b, strict=True)), (first, second)


def test_q7_padding_the_channels_is_named_only_when_it_is_what_the_function_does():
    """np.pad(x, P) pads the channels too: a loop then raises (LEARNER_ANSWERS has it), and
    sliding windows quietly give wrong values; both are named. A function that raises for
    another reason is not."""
    def windows(x, kernel, bias, stride, padding):
        x = np.pad(x, padding)                                   # every axis, channels too
        view = np.lib.stride_tricks.sliding_window_view(x, np.shape(kernel)[:3])
        return np.einsum("ijabc,abck->ijk", view[::stride, ::stride, 0], kernel) + bias

    assert "pads the channel axis too" in lesson.q7.feedback(windows)

    def raises(x, kernel, bias, stride, padding):
        raise ValueError("operands could not be broadcast together")

    assert "pads the channel axis" not in lesson.q7.feedback(raises)


def test_q8_colour_patches_and_a_keras_1x1_filter_agree():
    image, names = lesson.colour_patches()
    layer = layers.Conv2D(1, 1, name="yellow_detector")
    layer.build((None, 6, 12, 3))
    layer.set_weights([lesson.q8.solution_answer.reshape(1, 1, 3, 1), np.zeros(1)])
    response = layer(image[None].astype("float32")).numpy()[0, :, :, 0]
    best = np.argwhere(np.isclose(response, response.max()))
    assert {names[(row // 3) * 4 + col // 3] for row, col in best} == {"yellow"}
    assert lesson.q8.is_correct(lesson.q8.solution_answer)


def test_q8_try_weights_prints_a_keras_1x1_filters_responses(capsys):
    image, names = lesson.colour_patches()
    weights = np.array([1.0, -0.5, -0.5])
    layer = layers.Conv2D(1, 1, use_bias=False, name="red_detector")
    layer.build((None, 6, 12, 3))
    layer.set_weights([weights.reshape(1, 1, 3, 1)])
    response = layer(image[None].astype("float32")).numpy()[0, ::3, ::3, 0].ravel()
    lesson.try_weights(weights)
    printed = capsys.readouterr().out.strip()
    assert printed == ", ".join(f"{name} {value:+.2f}"
                                for name, value in zip(names, response, strict=True))
    lesson.try_weights(____)                       # the cell's placeholder: one line, no error
    lesson.try_weights([1, 1])
    assert capsys.readouterr().out.splitlines() == [
        "replace ____ with three weights (red, green, blue) first, e.g. try_weights([1, 0, 0]).",
        "give three weights, one per channel (red, green, blue); yours has 2 values."]


def test_q6_q7_size_diagnoses_name_only_what_the_results_show():
    """An output sized from the rows alone, or rounded up, is named only when the function
    behaves so on every case; a broadcast error alone gets only what it shows."""
    def square(x, kernel, bias):                    # Keras's output, but as many columns as rows
        out = tf_layer(x, kernel, bias)
        side = out.shape[0]
        if side <= out.shape[1]:
            return out[:, :side]
        raise ValueError("operands could not be broadcast together with shapes (2,1,3) (2,2,3)")

    assert "as many columns as rows" in lesson.q6.feedback(square)

    def always_short(x, kernel, bias):
        raise ValueError("operands could not be broadcast together with shapes (3,2,3) (3,3,3)")

    message = lesson.q6.feedback(always_short)
    assert "A window came out smaller than the filter ((3, 2, 3) against (3, 3, 3))" in message
    assert "as many columns" not in message and "rounds UP" not in message

    def rounded_up(x, kernel, bias, stride, padding):    # Keras where rounding up is right
        f = np.shape(kernel)[0]
        if any((n + 2 * padding - f) % stride for n in np.shape(x)[:2]):   # one window more
            raise ValueError("operands could not be broadcast together with shapes (3,2,2) "
                             "(3,3,2)")
        return right(x, kernel, bias, stride, padding)   # a helper calling Keras is refused

    right = lesson.conv_forward                          # the solution's loops
    assert "rounds UP" in lesson.q7.feedback(rounded_up)


def test_q1_accepts_a_batch_axis_of_none_or_one_and_says_it_is_not_part_of_the_answer():
    for with_batch in [(None, 4, 6, 5), (1, 4, 6, 5)]:
        message = lesson.q1.feedback(with_batch)
        assert message.startswith("Correct!") and "batch axis is not part of the answer" in message
    assert lesson.q1.feedback((4, 6, 5)) == "Correct!"
    assert "without it" in lesson.q1.feedback((2, 4, 6, 5))


def test_q6_forbids_the_course_helper_and_keras():
    assert "calls conv2d" in lesson.q6.feedback(
        lambda x, kernel, bias: conv2d(x, kernel, bias=bias))


def test_q8_show_colour_patches_names_every_patch_on_its_colour():
    image, names = lesson.colour_patches()
    fig = lesson.show_colour_patches()
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), image)
    assert [text.get_text() for text in ax.texts] == names
    plt.close(fig)
