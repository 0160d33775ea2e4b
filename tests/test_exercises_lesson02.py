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

# The output array made like x: whole numbers on an integer image
_X_DTYPE_OUTPUT = _INTEGER_OUTPUT.replace("dtype=int)", "dtype=x.dtype)")
_ZEROS_LIKE_X = _INTEGER_OUTPUT.replace("np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1, c_out), "
                                        "dtype=int)",
                                        "np.zeros_like(x, shape=(x.shape[0] - f + 1, "
                                        "x.shape[1] - f + 1, c_out))")
# the bias inside the sum: added to every product of the window (q2 names it for one value)
_BIAS_PER_PRODUCT = _loop_variant(
    "out[i, j, k] = np.sum(x[i:i + f, j:j + f, :] * kernel[:, :, :, k] + bias[k])")
# three channels typed in: right on RGB inputs, an IndexError on the 2-channel case
_THREE_CHANNELS = _LOOPS.replace("for c in range(x.shape[2])", "for c in range(3)")

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
                "several slips give that value, among them: filter 0's output at (0, 1)",
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
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, 2] "
            "* Q2_KERNEL[:, :, 2, 1]) + Q2_BIAS[1]": "or filter 1's third channel alone plus "
                                                     "its bias",
            "np.sum(np.pad(Q2_X, ((1, 1), (1, 1), (0, 0)))[0:3, 2:5, 1] "
            "* Q2_KERNEL[:, :, 1, 1]) + Q2_BIAS[1]": "the second channel's products alone",
            "-12": "rows and columns swapped",
            "5": "the kernels flipped",
            "[-9, -16, -2]": "one per input channel: filter 1's sums channel by channel",
            "-31": "is not the expected value",                  # no rule proves a cause
        },
    },
    "q3": {
        "right": ["(4, 6, 5)", "[4, 6, 5]", "np.array([4, 6, 5])", "(None, 4, 6, 5)",
                  "((10 - 3) // 2 + 1, (13 - 3) // 2 + 1, 5)", "(4.0, 6.0, 5.0)", "(1, 4, 6, 5)",
                  "layers.Conv2D(5, 3, strides=2, name='probe').compute_output_shape("
                  "(None, 10, 13, 3))",
                  "q3.check(4, 6, 5)"],                   # several arguments: one tuple
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
    "q4": {
        "right": ["(7, 7, 4), (3, 3, 4), 148", "[(7, 7, 4), (3, 3, 4), 148]",
                  "(9 - 3 + 1, 9 - 3 + 1, 4), ((7 - 3) // 2 + 1, (7 - 3) // 2 + 1, 4), "
                  "(3 * 3 * 4 + 1) * 4",
                  "((None, 7, 7, 4), (None, 3, 3, 4), 148)",
                  "(layers.Conv2D(4, 3, name='probe_1').compute_output_shape((None, 9, 9, 3)), "
                  "layers.Conv2D(4, 3, strides=2, name='probe_2').compute_output_shape("
                  "(None, 7, 7, 4)), conv_params(3, 4, 4))",
                  "q4.check((7, 7, 4), (3, 3, 4), 148)"],      # several arguments: one tuple
        "wrong": {
            # the slip the question is for: layer 2's filters taken as deep as the image
            "(7, 7, 4), (3, 3, 4), (3 * 3 * 3 + 1) * 4":
                "a Conv2D(4, 3) on 3 channels: the first layer's count",
            "(7, 7, 4), (3, 3, 4), 144": "those are the weights only",
            # layer 1 off by one, layer 2 worked out right from it: only layer 1 is named
            "(6, 6, 4), (2, 2, 4), 148": "right for your layer 1 output (6, 6, 4)",
            "(7, 7, 12), (3, 3, 4), 436": "is right for your layer 1's 12 channels",
            "(7, 7, 4), (3, 3, 4), 112 + 148": "that is both layers together",
            "(7, 7, 4), (3, 3, 4), 40": "counts one 3x3 kernel per filter",
            "(7, 7, 4), (3, 3, 4), 37": "that is one filter; the layer has 4",
            "(7, 7, 4), (3, 3, 4), 160": "every 3x3 kernel its own bias",
            "(7, 7, 4), (3, 3, 4), 9 * 148": "one set of filters per output position",
            "(7, 7, 4), (3, 3, 4), 3 * 3 * 4 * 3 * 3 * 4": "the second layer's multiplications",
            "(7, 7, 4), (5, 5, 4), 148": "Layer 2's output shape: that is stride 1",
            "(7, 7, 4), (4, 4, 4), 148": "the second layer applied to the 9x9 image instead",
            "(7, 7, 4), (3, 3, 3), 148": "the second layer has 4 filters, so 4 channels",
            "(7, 7, 4), (3, 3, 16), 148": "into ONE map: 4 filters, 4 channels",
            "(7, 7, 3), (3, 3, 3), 112": "Layer 1's output shape: a Conv2D's output has one "
                                         "channel per filter",
            "(9, 9, 4), (4, 4, 4), 148": "as padding='same' would",
            "(4, 4, 4), (3, 3, 4), 148": "that is stride 2; the first layer",
            "(7, 7, 4), (3, 3, 4), 149": "is not the expected value. (layer 1's output shape "
                                         "and layer 2's output shape: right.)",
            "(7, 7, 4), (3, 3, 4), '148'": "remove the quotes",
            "(3, 3, 4)": "that is one shape (layer 2's output shape, which is right)",
            "(7, 7, 4), (3, 3, 4)": "yours has 2",
            "148": "give three things, in this order",
        },
    },
    "q5": {
        "right": ["128", "128.0", "np.int64(128)", "8256 / 64 - 1", "(8256 - 64) / 64",
                  "8256 // 64 - 1"],
        "wrong": {
            # the bias step: forgetting it gives a whole number, so it cannot round away
            "129": "is one filter's parameters: its 1 x 1 x C_in weights AND its one bias",
            "8256 / 64": "Subtract the bias",
            "8256 // 64": "Subtract the bias",
            "8256 - 64": "the layer's weights (the 64 biases taken off)",
            "8256 - 64 / 64": "Python computed 64 / 64 first",
            "(8256 / 64 - 1) / 9": "you divided by 9, the weights of a 3x3 kernel",
            "8256 / 64 / 9": "and left the bias in",
            "64": "the number of filters, C_out",
            "127": "is not the expected value",
            "'128'": "remove the quotes",
        },
    },
    "q6": {
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
            "q6.check(180,000)": "If you typed one number with commas, 180,000",
        },
    },
    "q7": {
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
            _X_DTYPE_OUTPUT: "your output array takes x's dtype",
            _ZEROS_LIKE_X: "right where x is float, and cut to whole numbers on the integer "
                           "input whose weights have decimals (the fifth case)",
            _BIAS_PER_PRODUCT: "adds the bias to each of the F * F * C_in products",
            _THREE_CHANNELS: "This case has x.shape[2] = 2 input channels, and your function "
                             "is right on every case with 3",
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
    "q8": {
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
            _forward_variant(dtype=", dtype=xp.dtype"): "your output array takes x's dtype",
            _forward_variant(bias=" + 0").replace(
                "np.sum(window * kernel[:, :, :, k]) + 0",
                "np.sum(window * kernel[:, :, :, k] + bias[k])"):
                "adds the bias to each of the F * F * C_in products",
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
    exercise = lesson.q3
    answer = keras_shape((10, 13, 3), (5, 3, 2))
    assert exercise.is_correct(answer)
    assert exercise.is_correct(tf.TensorShape(answer))           # a TensorShape passes too
    assert exercise.is_correct((None, *answer))                  # and Keras's batch axis


@pytest.mark.parametrize("name, input_shape, convs", [
    ("q3", (10, 13, 3), [(5, 3, 2, "same")]),        # valid vs same differ: 4x6 vs 5x7
    ("q3", (10, 13, 3), [(5, 3, 1)]),                # stride 1
])
def test_each_shape_mistake_is_another_keras_model_and_gets_its_message(name, input_shape,
                                                                        convs):
    """The mistakes q3 names are the shapes of other Keras models (computed, not typed), so
    valid vs same, stride 1 vs 2, and first vs second layer give different answers."""
    exercise = getattr(lesson, name)
    wrong = keras_shape(input_shape, *convs)
    assert not exercise.is_correct(wrong)
    messages = dict(getattr(lesson, f"Q{name[1]}_MISTAKES"))
    assert wrong in messages, wrong
    assert messages[wrong] in exercise.feedback(wrong)


@pytest.mark.parametrize("name", ["Q2_MISTAKES", "Q3_MISTAKES", "Q5_MISTAKES", "Q6_MISTAKES"])
def test_mistakes_differ_and_each_message_shows(name):
    exercise = getattr(lesson, f"q{name[1]}")
    mistakes = getattr(lesson, name)
    values = [value for value, _ in mistakes]
    assert len(set(values)) == len(values), values
    for value, message in mistakes:
        assert not exercise.is_correct(value), value
        assert message in exercise.feedback(value), (value, exercise.feedback(value))


def chain_model(c_in_2=None, stride_2=2):
    """Section 4's chain as Keras builds it: a 9x9x3 image, Conv2D(4, 3), Conv2D(4, 3,
    strides=2); ``c_in_2`` builds the second layer alone on that many channels instead."""
    first = layers.Conv2D(4, 3, name="chain_1")
    second = layers.Conv2D(4, 3, strides=stride_2, name="chain_2")
    if c_in_2 is not None:
        second.build((None, 7, 7, c_in_2))
        return second
    return keras.Sequential([keras.Input((9, 9, 3)), first, second], name="chain")


def test_q4_chain_agrees_with_a_two_layer_keras_model():
    """q4's three parts are what Keras builds; the slips it names are other Keras layers: the
    second layer on the image's 3 channels (112, the first layer's count), its weights without
    biases, both layers' count, stride 1."""
    model = chain_model()
    first, second = model.get_layer("chain_1"), model.get_layer("chain_2")
    answer = (first.output.shape[1:], second.output.shape[1:], second.count_params())
    assert answer == ((7, 7, 4), (3, 3, 4), 148)
    assert lesson.q4.is_correct(answer)
    assert lesson.q4.is_correct((first.output.shape, second.output.shape, 148))   # with None
    on_rgb = chain_model(c_in_2=3).count_params()
    assert on_rgb == first.count_params() == 112
    message = lesson.q4.feedback((answer[0], answer[1], on_rgb))
    assert "the first layer's count" in message and "C_in = 4, not the image's 3" in message
    no_bias = layers.Conv2D(4, 3, use_bias=False, name="chain_no_bias")
    no_bias.build((None, 7, 7, 4))
    assert "weights only" in lesson.q4.feedback((answer[0], answer[1], no_bias.count_params()))
    assert "both layers together" in lesson.q4.feedback((answer[0], answer[1],
                                                         model.count_params()))
    stride_1 = chain_model(stride_2=1)
    assert "that is stride 1" in lesson.q4.feedback(
        (answer[0], stride_1.output_shape[1:], 148))
    on_image = keras_shape((9, 9, 3), (4, 3, 2))               # layer 2 on the image itself
    assert "applied to the 9x9 image" in lesson.q4.feedback((answer[0], on_image, 148))


@pytest.mark.parametrize("name, part", [("Q4_LAYER1_MISTAKES", 0), ("Q4_LAYER2_MISTAKES", 1),
                                        ("Q4_PARAMS_MISTAKES", 2)])
def test_q4_each_part_mistake_differs_and_its_message_shows(name, part):
    right = (lesson._Q4_SHAPE1, lesson._Q4_SHAPE2, lesson._Q4_PARAMS)
    mistakes = getattr(lesson, name)
    values = [value for value, _ in mistakes]
    assert len(set(values)) == len(values) and right[part] not in values, values
    for value, message in mistakes:
        answer = tuple(value if index == part else right[index] for index in range(3))
        assert not lesson.q4.is_correct(answer), answer
        assert message in lesson.q4.feedback(answer), (answer, lesson.q4.feedback(answer))


def test_q4_answer_is_handed_over_nowhere():
    """q4's answer is a dict of three parts (shapes and a count), which the general check of
    tests/test_handed_over.py cannot render as one value: each part is checked here."""
    from scripts.paths import notebook_paths
    from tests.test_handed_over import _found, printed_text, renderings, written_text

    path = next(path for path in notebook_paths() if path.name.startswith("02_"))
    printed, written = printed_text(path), written_text(path)
    parts = list(lesson.q4.solution_answer.values())
    assert parts == [(7, 7, 4), (3, 3, 4), 148]
    for part in parts:
        forms = renderings(part)
        assert forms, part
        shown = [form for form in forms if _found(form, printed) or _found(form, written)]
        assert not shown, (part, shown)


def test_q5_inverts_a_built_layers_parameter_count():
    for c_in in (64, 127, 128, 129):
        layer = layers.Conv2D(64, 1, name=f"conv_{c_in}")
        layer.build((None, 10, 10, c_in))
        assert lesson.q5.is_correct(c_in) == (layer.count_params() == 8256)
    # the bias step decides the answer: with it left in, a whole number that is one too many
    layer = layers.Conv2D(64, 1, name="conv_asked")
    layer.build((None, 10, 10, 128))
    per_filter = layer.count_params() / 64
    assert per_filter == 129 and "Subtract the bias" in lesson.q5.feedback(per_filter)
    no_bias = layers.Conv2D(64, 1, use_bias=False, name="conv_no_bias")
    no_bias.build((None, 10, 10, 128))
    assert "the layer's weights" in lesson.q5.feedback(no_bias.count_params())


def keras_mults(input_shape, filters, kernel_size):
    """Multiplications of one Conv2D layer, read from Keras: output values x weights per
    filter."""
    layer = layers.Conv2D(filters, kernel_size, name="conv_count")
    layer.build((None, *input_shape))
    out_h, out_w, c_out = layer.compute_output_shape((None, *input_shape))[1:]
    return out_h * out_w * c_out * int(np.prod(layer.kernel.shape[:3]))


def test_q6_counts_one_product_per_weight_per_output_value():
    assert lesson.q6.is_correct(keras_mults((24, 24, 3), 6, 5))
    # the first layer's count, printed in section 4, is named as that
    assert "FIRST layer's count" in lesson.q6.feedback(keras_mults((28, 28, 1), 3, 5))
    # twice the count: the additions counted too, or C_in = 6 read from Conv2D(6, 5); both
    # give 360,000, and the message names both
    doubled = 2 * keras_mults((24, 24, 3), 6, 5)
    assert doubled == keras_mults((24, 24, 6), 6, 5)
    message = lesson.q6.feedback(doubled)
    assert "counted the additions too" in message and "C_in = 6 from Conv2D(6, 5)" in message
    assert "a string" not in lesson.q6.feedback("180,000")


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
        "the second channel's products alone": keras_forward(
            x[:, :, 1:2], kernel[:, :, 1:2], bias, 2, 1)[0, 1, 1],
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
    # and so does filter 1's third channel alone, plus its bias: the message lists it too,
    # as one of several
    third_alone = keras_forward(x[:, :, 2:], kernel[:, :, 2:], bias, 2, 1)[0, 1, 1]
    assert np.isclose(third_alone, out[0, 1, 0])
    message = lesson.q2.feedback(third_alone)
    assert "several slips give that value, among them" in message
    assert "filter 1's third channel alone" in message
    per_channel = [keras_forward(x[:, :, c:c + 1], kernel[:, :, c:c + 1], [0, 0], 2,
                                      1)[0, 1, 1] for c in range(3)]
    assert "one per input channel" in lesson.q2.feedback(per_channel)
    assert "take [1]" in lesson.q2.feedback(out[0, 1, :])


def test_q7_solution_matches_tensorflow():
    rng = np.random.default_rng(0)
    x, kernel, bias = rng.normal(size=(7, 6, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(
        size=4)
    np.testing.assert_allclose(lesson.conv_layer(x, kernel, bias), tf_layer(x, kernel, bias),
                               atol=1e-5)
    assert lesson.q7.is_correct(tf_layer)  # TensorFlow itself passes the checker

    def no_bias(x, kernel, bias):
        return tf_layer(x, kernel, np.zeros_like(bias))

    assert "leaves out the bias" in lesson.q7.feedback(no_bias)


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
    (lambda x, k, b: np.asarray(tf_layer(x, k, b)).astype(np.asarray(x).dtype),
     "your output array takes x's dtype"),
    (lambda x, k, b: tf_layer(x, k, np.asarray(b) * np.asarray(k)[:, :, :, 0].size),
     "adds the bias to each of the F * F * C_in products"),
], ids=["flipped", "transposed", "bias[0] for all", "per-channel maps", "per-channel maps 4-D",
        "integers", "x's dtype", "bias per product"])
def test_q7_names_each_mistake_computed_by_tensorflow(wrong, words):
    assert not lesson.q7.is_correct(wrong)
    assert words in lesson.q7.feedback(wrong), lesson.q7.feedback(wrong)


@pytest.mark.parametrize("cases", ["_LAYER_CASES", "_FORWARD_CASES"])
def test_q7_q8_have_an_integer_image_with_decimal_weights(cases):
    """An output array that takes x's dtype is exact on a float x and on integer weights:
    only an integer x with decimal weights shows it, so each function question has one."""
    found = [case for case in getattr(lesson, cases)
             if np.asarray(case[0]).dtype.kind == "i"
             and not np.all(np.asarray(case[1]) == np.round(case[1]))]
    assert found
    for case in found:
        output = tf_layer(*case[:3]) if len(case) == 3 else keras_forward(*case)
        assert not np.allclose(output, np.round(output))


def test_q7_a_fixed_channel_count_is_named_only_when_the_results_prove_it():
    """range(3) over the channels: right on every 3-channel case, an IndexError on the
    channel axis on the others; a function raising that error on every case is not named."""
    def three_channels(x, kernel, bias):
        if np.shape(x)[2] < 3:
            raise IndexError(f"index {np.shape(x)[2]} is out of bounds for axis 2 with size "
                             f"{np.shape(x)[2]}")
        return tf_layer(x, kernel, bias)

    message = lesson.q7.feedback(three_channels)
    assert "x.shape[2] = 2 input channels" in message and "not a fixed number" in message

    def always(x, kernel, bias):
        raise IndexError("index 3 is out of bounds for axis 2 with size 3")

    assert "fixed" not in lesson.q7.feedback(always)


def test_q7_placeholder_in_function_body(capsys):
    def conv_layer(x, kernel, bias):
        return ____

    lesson.q7.check(conv_layer)
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
def test_q8_cases_and_solution_match_keras(case):
    x, kernel, bias, stride, padding = lesson._FORWARD_CASES[case]
    expected = keras_forward(x, kernel, bias, stride, padding)
    np.testing.assert_allclose(lesson.conv_forward(x, kernel, bias, stride, padding), expected,
                               atol=1e-5)
    np.testing.assert_allclose(lesson._forward_reference(x, kernel, bias, stride, padding),
                               expected, atol=1e-5)


def test_q8_keras_itself_passes_and_each_mistake_is_wrong_and_told_apart():
    assert lesson.q8.is_correct(functools.partial(keras_forward))   # hides Conv2D from forbidden
    results = {}
    mistakes = [lesson._ignores_padding, lesson._ignores_stride, lesson._windows_not_strided,
                lesson._size_without_padding, lesson._forward_no_bias, lesson._integer_forward,
                lesson._forward_bias_per_channel, lesson._forward_dtype_of_x,
                lesson._forward_bias_per_product]
    for wrong in mistakes:
        outputs = [np.asarray(wrong(*case), dtype=float) for case in lesson._FORWARD_CASES]
        expected = [keras_forward(*case) for case in lesson._FORWARD_CASES]
        assert any(o.shape != e.shape or not np.allclose(o, e, atol=1e-5)
                   for o, e in zip(outputs, expected, strict=True)), wrong.__name__
        assert not lesson.q8.is_correct(wrong)
        results[wrong.__name__] = outputs
    for (first, a), (second, b) in itertools.combinations(results.items(), 2):
        assert any(p.shape != q.shape or not np.allclose(p, q)
                   for p, q in zip(a, b, strict=True)), (first, second)


def test_q8_padding_the_channels_is_named_only_when_it_is_what_the_function_does():
    """np.pad(x, P) pads the channels too: a loop then raises (LEARNER_ANSWERS has it), and
    sliding windows quietly give wrong values; both are named. A function that raises for
    another reason is not."""
    def windows(x, kernel, bias, stride, padding):
        x = np.pad(x, padding)                                   # every axis, channels too
        view = np.lib.stride_tricks.sliding_window_view(x, np.shape(kernel)[:3])
        return np.einsum("ijabc,abck->ijk", view[::stride, ::stride, 0], kernel) + bias

    assert "pads the channel axis too" in lesson.q8.feedback(windows)

    def raises(x, kernel, bias, stride, padding):
        raise ValueError("operands could not be broadcast together")

    assert "pads the channel axis" not in lesson.q8.feedback(raises)


def test_q1_colour_patches_and_a_keras_1x1_filter_agree():
    image, names = lesson.colour_patches()
    layer = layers.Conv2D(1, 1, name="yellow_detector")
    layer.build((None, 6, 12, 3))
    layer.set_weights([lesson.q1.solution_answer.reshape(1, 1, 3, 1), np.zeros(1)])
    response = layer(image[None].astype("float32")).numpy()[0, :, :, 0]
    best = np.argwhere(np.isclose(response, response.max()))
    assert {names[(row // 3) * 4 + col // 3] for row, col in best} == {"yellow"}
    assert lesson.q1.is_correct(lesson.q1.solution_answer)


def test_q1_try_weights_prints_a_keras_1x1_filters_responses(capsys):
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


def test_q7_q8_size_diagnoses_name_only_what_the_results_show():
    """An output sized from the rows alone, or rounded up, is named only when the function
    behaves so on every case; a broadcast error alone gets only what it shows."""
    def square(x, kernel, bias):                    # Keras's output, but as many columns as rows
        out = tf_layer(x, kernel, bias)
        side = out.shape[0]
        if side <= out.shape[1]:
            return out[:, :side]
        raise ValueError("operands could not be broadcast together with shapes (2,1,3) (2,2,3)")

    assert "as many columns as rows" in lesson.q7.feedback(square)

    def always_short(x, kernel, bias):
        raise ValueError("operands could not be broadcast together with shapes (3,2,3) (3,3,3)")

    message = lesson.q7.feedback(always_short)
    assert "A window came out smaller than the filter ((3, 2, 3) against (3, 3, 3))" in message
    assert "as many columns" not in message and "rounds UP" not in message

    def rounded_up(x, kernel, bias, stride, padding):    # Keras where rounding up is right
        f = np.shape(kernel)[0]
        if any((n + 2 * padding - f) % stride for n in np.shape(x)[:2]):   # one window more
            raise ValueError("operands could not be broadcast together with shapes (3,2,2) "
                             "(3,3,2)")
        return right(x, kernel, bias, stride, padding)   # a helper calling Keras is refused

    right = lesson.conv_forward                          # the solution's loops
    assert "rounds UP" in lesson.q8.feedback(rounded_up)


def test_q3_accepts_a_batch_axis_of_none_or_one_and_says_it_is_not_part_of_the_answer():
    for with_batch in [(None, 4, 6, 5), (1, 4, 6, 5)]:
        message = lesson.q3.feedback(with_batch)
        assert message.startswith("Correct!") and "batch axis is not part of the answer" in message
    assert lesson.q3.feedback((4, 6, 5)) == "Correct!"
    assert "without it" in lesson.q3.feedback((2, 4, 6, 5))


def test_q7_forbids_the_course_helper_and_keras():
    assert "calls conv2d" in lesson.q7.feedback(
        lambda x, kernel, bias: conv2d(x, kernel, bias=bias))


def test_q1_show_colour_patches_names_every_patch_on_its_colour():
    image, names = lesson.colour_patches()
    fig = lesson.show_colour_patches()
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), image)
    assert [text.get_text() for text in ax.texts] == names
    plt.close(fig)


def test_q4_a_layer_2_worked_out_from_a_wrong_layer_1_is_not_called_a_layer_2_slip():
    """(6, 6, 4) then (2, 2, 4): layer 2 is (6 - 3) // 2 + 1, right for the learner's own layer 1;
    telling it 'add 1 for the first position' named a slip not made (cold learner, round 28)."""
    message = lesson.q4.feedback(((6, 6, 4), (2, 2, 4), 148))
    assert message.count("add 1 for the first position") == 1, message   # layer 1's only
    assert "right for your layer 1 output (6, 6, 4)" in message, message
    message = lesson.q4.feedback(((7, 7, 12), (3, 3, 4), 436))
    assert "(3 * 3 * 12 + 1) * 4 is right for your layer 1's 12 channels" in message, message
    # a layer 2 that is wrong for any layer 1 keeps its own message
    message = lesson.q4.feedback(((6, 6, 4), (4, 4, 4), 148))
    assert "right for your layer 1" not in message, message
