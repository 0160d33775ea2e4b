"""Lesson 01's exercises: the expected answers agree with TensorFlow/Keras (never with a second
copy of our code), the questions separate the mistakes they name (each mistake gives an answer
of its own, so each message can show), and LEARNER_ANSWERS lists what a learner may type into
each exercise cell with the message each must print (run in the notebook's own kernel by
tests/kernel_checks.py).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from course_utils import ops
from course_utils.data import (
    DIGIT_FOUR,
    FLIP_DEMO_X,
    HORIZONTAL_LINE_KERNEL,
    LESSON01_KERNEL,
    LESSON01_X,
    VERTICAL_LINE_KERNEL,
)
from course_utils.exercises import NOT_ANSWERED, ____, exercises_in
from course_utils.exercises import lesson01 as lesson
from tests.reference import keras_output_size
from tests.reference import tf_conv2d_2d as tf_corr2d

tf = pytest.importorskip("tensorflow")

# --- what a learner types ----------------------------------------------------------------------

_LOOPS = """\
def strided_corr2d(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_w) // stride + 1
    out = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            out[i, j] = (x[i * stride:i * stride + f_h, j * stride:j * stride + f_w]
                         * kernel).sum()
    return out"""

_VECTORISED = """\
def strided_corr2d(x, kernel, stride):
    windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape)[::stride, ::stride]
    return (windows * kernel).sum(axis=(-2, -1))"""

_WINDOWS_NOT_STRIDED = """\
def strided_corr2d(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_w) // stride + 1
    out = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            out[i, j] = np.sum(x[i:i + f_h, j:j + f_w] * kernel)
    return out"""

_NO_PLUS_ONE = """\
def strided_corr2d(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride, (x.shape[1] - f_w) // stride
    out = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            out[i, j] = np.sum(x[i * stride:i * stride + f_h, j * stride:j * stride + f_w]
                               * kernel)
    return out"""

_SQUARE_ONLY = """\
def strided_corr2d(x, kernel, stride):
    f = kernel.shape[0]
    o_h, o_w = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1
    out = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            out[i, j] = np.sum(x[i * stride:i * stride + f, j * stride:j * stride + f] * kernel)
    return out"""

def _loops(size: str = "(x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_w) // stride + 1",
           zeros: str = "np.zeros((o_h, o_w))", store: str = "out[i, j]",
           window: str = "x[i * stride:i * stride + f_h, j * stride:j * stride + f_w] * kernel",
           ) -> str:
    """A loop answer to q4 with one part changed: one of the mistakes the lesson predicts."""
    return ("def strided_corr2d(x, kernel, stride):\n"
            "    f_h, f_w = kernel.shape\n"
            f"    o_h, o_w = {size}\n"
            f"    out = {zeros}\n"
            "    for i in range(o_h):\n"
            "        for j in range(o_w):\n"
            f"            {store} = np.sum({window})\n"
            "    return out")


_TRANSPOSED_OUTPUT = _loops(zeros="np.zeros((o_w, o_h))", store="out[j, i]")
_FLOAT_SIZES = _loops(size="(x.shape[0] - f_h) / stride + 1, (x.shape[1] - f_w) / stride + 1")
_INTEGER_OUTPUT = _loops(zeros="np.zeros((o_h, o_w), dtype=int)")
_KERNEL_TRANSPOSED = _loops(
    window="x[i * stride:i * stride + f_h, j * stride:j * stride + f_w] * kernel.T")
_WIDTH_FROM_F_H = _loops(size="(x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_h) // stride + 1")
_SIZES_SWAPPED = _loops(
    window="x[i * stride:i * stride + f_w, j * stride:j * stride + f_h] * kernel")
_PLUS_ONE_INSIDE = _loops(size="(x.shape[0] - f_h + 1) // stride, "
                               "(x.shape[1] - f_w + 1) // stride")
_ROUNDED_UP = _loops(size="-(-(x.shape[0] - f_h) // stride) + 1, "
                          "-(-(x.shape[1] - f_w) // stride) + 1")
_ONE_TOO_MANY = _loops(size="(x.shape[0] - f_h) // stride + 2, "
                             "(x.shape[1] - f_w) // stride + 2").replace(
    "    out = ", "    x = np.pad(x, ((0, f_h + stride), (0, f_w + stride)))\n    out = ")
_STRIDE_ONE_SIZE = _loops(size="x.shape[0] - f_h + 1, x.shape[1] - f_w + 1")
_STRIDE_ONE_GUARDED = _STRIDE_ONE_SIZE.replace(
    "            out[i, j] = np.sum(",
    "            if x[i * stride:i * stride + f_h, j * stride:j * stride + f_w].shape == "
    "kernel.shape:\n                out[i, j] = np.sum(")
_STRIDE_ON_ROWS_ONLY = _loops(window="x[i * stride:i * stride + f_h, j:j + f_w] * kernel")
_WINDOW_STARTS = """\
def strided_corr2d(x, kernel, stride):
    f_h, f_w = kernel.shape
    out = np.zeros(((x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_w) // stride + 1))
    for i in range(0, x.shape[0] - f_h + 1, stride):
        for j in range(0, x.shape[1] - f_w + 1, stride):
            out[i, j] = np.sum(x[i:i + f_h, j:j + f_w] * kernel)
    return out"""


def _layer(pad: str = "np.pad(x, padding)",
           size: str = "(xp.shape[0] - f_h) // s + 1, (xp.shape[1] - f_w) // s + 1",
           zeros: str = "np.zeros((o_h, o_w))", step: str = "stride",
           window: str = "xp[i * s:i * s + f_h, j * s:j * s + f_w] * kernel",
           bias: str = " + bias") -> str:
    """A loop answer to q8 with one part changed: one of the mistakes the lesson predicts."""
    return ("def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    f_h, f_w = kernel.shape\n"
            f"    xp = {pad}\n"
            f"    s = {step}\n"
            f"    o_h, o_w = {size}\n"
            f"    out = {zeros}\n"
            "    for i in range(o_h):\n"
            "        for j in range(o_w):\n"
            f"            out[i, j] = np.sum({window}){bias}\n"
            "    return out")


_LAYER_LOOPS = _layer()
# The output array one row and one column too small: an IndexError on the first case (stride 1,
# a square output), which can show neither window starts nor swapped sizes.
_OUTPUT_TOO_SMALL = _loops(zeros="np.zeros((o_h - 1, o_w - 1))")


def written_out(function_):
    """``function_`` called through a lambda, whose code names no helper: the lesson's wrong
    functions use conv2d, which q4 and q8 reject in a learner's function before running it."""
    return lambda *args: function_(*args)
# The sizes with the padding, the windows cut from x itself: the last windows run off its edge.
_UNPADDED_WINDOWS = """\
def conv_one_filter(x, kernel, bias, stride, padding):
    f_h, f_w = kernel.shape
    o_h = (x.shape[0] - f_h + 2 * padding) // stride + 1
    o_w = (x.shape[1] - f_w + 2 * padding) // stride + 1
    out = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            window = x[i * stride:i * stride + f_h, j * stride:j * stride + f_w]
            out[i, j] = np.sum(window * kernel) + bias
    return out"""

# What a learner types into each exercise cell (source text) -> a fragment of the message it
# must print. "right" answers print "Correct!". Each wrong answer is a mistake the lesson
# predicts, and gets the message that names it.
LEARNER_ANSWERS = {
    "q1": {
        "right": ["conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL))",
                  "corr2d(FLIP_DEMO_X, Q1_KERNEL[::-1, ::-1])",
                  "conv2d(FLIP_DEMO_X, np.rot90(Q1_KERNEL, 2))",
                  "[[6, 5, 4], [1, -2, 0], [1, 9, 8]]",
                  "np.array([[6.0, 5.0, 4.0], [1.0, -2.0, 0.0], [1.0, 9.0, 8.0]])"],
        "wrong": {
            "conv2d(FLIP_DEMO_X, Q1_KERNEL)": "the kernel was not flipped",
            "conv2d(FLIP_DEMO_X, Q1_KERNEL.T)": "you transposed the kernel",
            "conv2d(FLIP_DEMO_X, np.rot90(Q1_KERNEL))": "a quarter turn (np.rot90",
            "conv2d(FLIP_DEMO_X, np.rot90(Q1_KERNEL, -1))": "a quarter turn clockwise",
            "conv2d(FLIP_DEMO_X, Q1_KERNEL[::-1])": "upside down only",
            "conv2d(FLIP_DEMO_X, np.fliplr(Q1_KERNEL))": "left to right only",
            "conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL.T))": "its other diagonal",
            "np.flip(conv2d(FLIP_DEMO_X, Q1_KERNEL))": "flipped the result",
            "conv2d(np.flip(FLIP_DEMO_X), Q1_KERNEL)": "what flipping the input",
            "np.flip(conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL)))": "turned by 180 degrees",
            "conv2d(LESSON01_X, np.flip(Q1_KERNEL))": "this question uses FLIP_DEMO_X",
            "[[15, 16], [6, 15]]": "the expected shape is (3, 3)",
            "corr2d(x_demo, np.flip(kernel))": "you flipped the lesson's 3x3 kernel",
            "corr2d(FLIP_DEMO_X, kernel)": "with the lesson's 3x3 kernel, not flipped",
            "corr2d(x_demo, flipped)": "you flipped section 3's 3x3 demo_kernel",
            "corr2d(x_demo, -Q1_KERNEL)": "changed the kernel's signs",
            "-conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL))": "changed its signs too",
            "conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL), padding=1)": "the 'full' convolution",
            "conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL), padding=((1, 0), (1, 0)))":
                "a padded convolution, as big as the input",
        },
    },
    "q2": {
        "right": ["[[-1, 0, 1]] * 3", "np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])",
                  "[[-1, 1, 0]] * 3", "np.fliplr([[1, 0, -1]] * 3)",
                  "-np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])",
                  "np.array([[-0.5, 0, 0.5]] * 3)", "[[-2, 1, 1]] * 3",
                  "[[0, 0, 0], [-1, 0, 1], [0, 0, 0]]", "np.array([[-1, 0, 1]] * 3) * 1e-9",
                  # an edge in the top row is judged as one in the bottom row
                  "[[-1, 0, 1], [0, 0, 0], [0, 0, 0]]", "[[-1, 1, 0], [0, 0, 0], [0, 0, 0]]",
                  "[[0, 0, 0], [0, 0, 0], [-1, 0, 1]]"],
        "wrong": {
            "LINE_KERNELS['vertical']": "the same mirrored left to right",
            "HORIZONTAL_LINE_KERNEL": "each column of your kernel sums to 0",
            "[[1, 0, -1]] * 3": "it finds RIGHT edges",
            "[[2, -1, -1]] * 3": "it finds RIGHT edges",
            "np.ones((3, 3))": "sum to 9",
            "[[-1, 0, 1], [-1, 0, 1], [-1, 0, 2]]": "sum to 1",
            "[[-1, 0, 1]]": "should be a 3x3 array",
            "[[0, 0, 0], [-1, 0, 0], [0, 0, 1]]": "answers a top edge at least as strongly",
            "[[-1, -1, 0], [-1, 0, 1], [0, 1, 1]]": "answers a top edge at least as strongly",
            "[[0, 0, 0], [0, 0, 1], [-1, 0, 0]]": "answers a bottom edge at least as strongly",
            # the reviewers' diagonal-edge kernel: a left and a bottom edge alike (2 and 2)
            "[[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]": "more than on Q2_STEP: it finds DIAGONAL",
            "[[-1, 0, 1], [1, -1, 0], [0, 0, 0]]": "2 of the 7 are not: output (0, 1)",
            "[[-1, 0, 0], [0, 1, 1], [-1, 0, 0]]": "1 of the 4 is not: output (3, 2)",
            "[[-1, -1, -1], [0, 0, 0], [1, 1, 1]]": "it finds TOP edges",
            "np.array([[-1, 0, 1]] * 3).T": "it finds TOP edges",
            "[[1, 1, 1], [-1, -1, -1], [0, 0, 0]]": "it finds BOTTOM edges",
            "[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]": "it finds BOTTOM edges",
            "[[1, -2, 0], [0, 0, 2], [-1, 0, 0]]": "that window is not centred on a vertical",
            "[[-1, 0, 0], [1, 0, 0], [0, 0, 0]]": "it finds TOP edges",
            "[[-1, -1, 1], [1, -1, 0], [1, 0, 0]]": "on the mirrored step 1 (criterion b)",
            "[[0, -1, 1], [0, 1, -1], [0, 0, 0]]": "each column of your kernel sums to 0",
            "np.zeros((3, 3))": "all zeros",
        },
    },
    "q3": {
        "right": ["(26, 803600)", "[26, 803_600]", "np.array([26, 803600])",
                  "(5 * 5 + 1, 32 * 32 * 28 * 28 + 28 * 28)",
                  "(conv_params(5, 1, 1), 1024 * 784 + 784)",
                  "(np.int64(26), np.float32(803600))"],
        "wrong": {
            "(25, 803600)": "the kernel's weights alone",
            "(10, 803600)": "a 3x3 kernel's count",
            "(784, 803600)": "the number of outputs",
            "(26 * 784, 803600)": "once per output position",
            "(26, 1024 * 784)": "is the weights alone",
            "(26, 1024 * 784 + 1)": "one bias in all",
            "(26, 803840)": "one bias per input pixel?",
            "(26, 784 * 784 + 784)": "takes 784 inputs",
            "(26, 530660)": "section 1's count",
            "(26, 1024 * 27 * 27 + 27 * 27)": "to a 27x27 map",
            "(26, 1024 * 32 * 32 + 32 * 32)": "to a 32x32 map",
            "(26, 1024 * 24 * 24 + 24 * 24)": "to a 24x24 map",
            "(26, 1024 * 26 * 26 + 26 * 26)": "to a 26x26 map",
            "(803600, 26)": "in the other order",
            "803600": "is the Dense count, and it is right",
            "(26, 803,600)": "with a comma is 2 numbers to Python: write 803600",
            "803,600": "803,600 with a comma is 2 numbers to Python: write 803600",
            "[26, 803,600]": "with a comma is 2 numbers to Python",
            "(26, 802,816)": "802,816 with a comma is 2 numbers to Python",
            "(26, 800000)": "is the expected count rounded to",
            "(6, 803600)": "Conv2D: your answer 6 is not the expected value. Dense: 803,600 is "
                           "right.",
        },
    },
    "q4": {
        "right": [
            _LOOPS,
            _VECTORISED,
            "def strided_corr2d(x, kernel, stride):\n"
            "    return corr2d(x, kernel)[::stride, ::stride]",
        ],
        "wrong": {
            # integer only where x is: the float case passes, the kernel of halves does not
            "def strided_corr2d(x, kernel, stride):\n"
            "    out = np.zeros_like(x)[:(x.shape[0] - kernel.shape[0]) // stride + 1,\n"
            "                           :(x.shape[1] - kernel.shape[1]) // stride + 1]\n"
            "    for i in range(out.shape[0]):\n"
            "        for j in range(out.shape[1]):\n"
            "            window = x[i * stride:i * stride + kernel.shape[0],\n"
            "                       j * stride:j * stride + kernel.shape[1]]\n"
            "            out[i, j] = np.sum(window * kernel)\n"
            "    return out": "so the halves of the last case, DIGIT_FOUR with 0.5",
            "def strided_corr2d(x, kernel, stride):\n"
            "    out = np.zeros(x.shape)\n"
            "    for i in range((x.shape[0] - kernel.shape[0]) // stride + 1):\n"
            "        for j in range((x.shape[1] - kernel.shape[1]) // stride + 1):\n"
            "            window = x[i * stride:i * stride + kernel.shape[0],\n"
            "                       j * stride:j * stride + kernel.shape[1]]\n"
            "            out[i, j] = np.sum(window * kernel)\n"
            "    return out": "Your output has the input's shape",
            "def strided_corr2d(x, kernel, stride):\n    return corr2d(x, kernel)":
                "ignores the stride",
            "def strided_corr2d(x, kernel, stride):\n"
            "    return conv2d(x, kernel, stride=stride)": "your function calls conv2d, which",
            "def strided_corr2d(x, kernel, stride):\n"
            "    from course_utils.ops import conv2d_im2col\n"
            "    return conv2d_im2col(x, kernel, stride=stride)":
                "your function calls conv2d_im2col, which already does",
            "def strided_corr2d(x, kernel, stride):\n"
            "    x4 = np.asarray(x, 'float32')[None, :, :, None]\n"
            "    k4 = np.asarray(kernel, 'float32')[:, :, None, None]\n"
            "    return tf.nn.conv2d(x4, k4, stride, 'VALID').numpy()[0, :, :, 0]":
                "your function calls tf.nn.conv2d, which already does",
            _WINDOWS_NOT_STRIDED: "starts at row i * S and column j * S",
            _NO_PLUS_ONE: "count the first position too",
            "def strided_corr2d(x, kernel, stride):\n"
            "    f_h, f_w = kernel.shape\n"
            "    rows = []\n"
            "    for top in range(0, x.shape[0] - f_h, stride):\n"
            "        rows.append([np.sum(x[top:top + f_h, left:left + f_w] * kernel)\n"
            "                     for left in range(0, x.shape[1] - f_w, stride)])\n"
            "    return np.array(rows, dtype=float)": "leaves out the last start, H - F_h",
            "def strided_corr2d(x, kernel, stride):\n"
            "    return corr2d(x, np.flip(kernel))[::stride, ::stride]": "you flipped the kernel",
            _SQUARE_ONLY: "kernel is not square",
            "def strided_corr2d(x, kernel, stride):\n"
            "    out = corr2d(x, kernel)[::stride, ::stride]": "`return` statement",
            _TRANSPOSED_OUTPUT: "your output is transposed",
            "def strided_corr2d(x, kernel, stride):\n"
            "    out = corr2d(x, kernel)[::stride, ::stride]\n"
            "    return out.T if out.shape[0] == out.shape[1] else out":
                "transposed, which on this case is also the array flipped",
            _FLOAT_SIZES: "A size computed with / is a float",
            _WINDOW_STARTS: "where the windows START",
            _OUTPUT_TOO_SMALL: "your function raised IndexError",
            _loops(zeros="np.zeros((o_w, o_h))"): "This case's output is 3x4, not square",
            _INTEGER_OUTPUT: "holds whole numbers only",
            _WIDTH_FROM_F_H: "your output's width is (W - f_h) // S + 1",
            _KERNEL_TRANSPOSED: "the kernel transposed (kernel.T",
            _SIZES_SWAPPED: "the sizes are swapped in the window or in the kernel",
            _PLUS_ONE_INSIDE: "the + 1 belongs AFTER the division",
            _ROUNDED_UP: "Your output size rounds UP",
            # + 2 also gives 4x5 on the 6x8 probe; it is not a rounding up (a review found it
            # told "rounds UP", false at stride 1)
            _ONE_TOO_MANY: "one row and one column too many",
            _STRIDE_ONE_SIZE: "Your output has the stride-1 size",
            _STRIDE_ONE_GUARDED: "Your output has the stride-1 size",
            _STRIDE_ON_ROWS_ONLY: "on strided_corr2d(DIGIT_FOUR, HORIZONTAL_LINE_KERNEL, 2)",
        },
    },
    "q5": {
        "right": ["45", "45.0", "81 - 36", "np.int64(45)",
                  "(usage_counts((9, 9), 3, stride=4) == 0).sum()"],
        "wrong": {
            "36": "ARE used",
            "0": "jumps over a row and a column",
            "27": "unused COLUMNS",
            "54": "crossings counted twice), or 6 used rows x 9",
            "9": "crosses an unused column",
            "2": "windows per axis",
            "4": "number of windows",
            "9 + 9 - 1": "counts one row and one column as unused",
            "81 - 8 * 8": "counts one row and one column as unused",
            "3": "the pixels in them",
            "81 - 7 * 7": "row 3 (and column 3) lies between the windows",
            "13": "section 6's figure",
        },
    },
    "q6": {
        "right": ["8", "8.0", "np.int64(8)", "(20 - 9 + 2 * 2) // 2 + 1",
                  "conv_output_size(20, 9, stride=2, padding=2)", "math.floor(15 / 2) + 1"],
        "wrong": {
            "6": "WITHOUT padding",
            "(20 - 9) // 2 + 1": "the size WITHOUT padding",
            # note 1's misprint with the padding kept: its own value, named as the misprint
            "(20 - 9 + 2 * 2) / (2 + 1)": "(N - F + 2P) / (S + 1) = (20 - 9 + 4) / (2 + 1), "
                                          "the misprint of note 1",
            "7": "on one side only",
            "(20 - 9) / (2 + 1)": "without the padding, and the misprint of note 1",
            "3.67": "without the padding, and the misprint of note 1",
            "(20 - 9) // (2 + 1)": "3 is (N - F) // (S + 1), without the padding",
            "8.5": "round it DOWN",
            "(20 - 9 + 4) / 2": "without the floor and without the + 1",
            "9": "rounded UP, plus 1",
            # Python rounds 7.5 to 8 (to even): the numbers make round() give a wrong answer
            "round((20 - 9 + 2 * 2) / 2) + 1": "Python's round(7.5) gives 8 too",
            "-(-20 // 2)": "the \"same\" formula of section 7",
            "20 - 9 + 1": "the size for stride 1 without padding",
            "16": "the size with stride 1",
            "(20 - 9 + 2 * 2) // 2": "leaving out the final + 1",
            "(20 - 9 - 2 * 2) // 2 + 1": "the padding subtracted",
            "20 - 9 + 2 * 2": "the room the window has to move in",
        },
    },
    "q7": {
        "right": ["14", "14.0", "-(-27 // 2)", "int(np.ceil(27 / 2))",
                  "conv_output_size(27, 5, stride=2, padding='same')",
                  "layers.Conv2D(1, 5, strides=2, padding='same', name='probe')"
                  ".compute_output_shape((None, 27, 27, 1))[1]"],
        "wrong": {
            "12": 'padding="valid"',
            "13": "one zero of padding per side",
            "27 // 2": "round 27 / 2 UP",
            "(14, 14)": "Yours is right: give it alone.",
            "[13, 13]": "is a (height, width) pair",
            "27 / 2": "a size is whole",
            "27": "only when the stride is 1",
            "11": "the \"valid\" size, (27 - 5) // 2 + 1, without its + 1",
            "(27 - 5 - 2*2) // 2 + 1": "the padding of a 5x5 kernel (2 per side) subtracted",
            "27 - 5 + 1": '"valid" with stride 1',
            "math.ceil(27 / 2) + 1": "already the number of windows",
            "(27 + 2 * 2) // 2": "15 is ceil(27 / 2) + 1. With \"same\"",
            "layers.Conv2D(1, 5, strides=2, padding='same', name='probe')"
            ".compute_output_shape((None, 27, 27, 1))": "take the height, shape[1]",
        },
    },
    "q8": {
        "right": [
            _LAYER_LOOPS,
            "def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    return corr2d(np.pad(x, padding), kernel)[::stride, ::stride] + bias",
            "def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, padding),\n"
            "                                                       kernel.shape)\n"
            "    return (windows[::stride, ::stride] * kernel).sum(axis=(-2, -1)) + bias",
        ],
        "wrong": {
            "def conv_one_filter(x, kernel, stride, padding, bias):\n"   # arguments reordered
            "    xp = np.pad(x, padding)\n"
            "    o_h = (xp.shape[0] - kernel.shape[0]) // stride + 1\n"
            "    o_w = (xp.shape[1] - kernel.shape[1]) // stride + 1\n"
            "    out = np.zeros((o_h, o_w))\n"
            "    for i in range(o_h):\n"
            "        for j in range(o_w):\n"
            "            window = xp[i * stride:i * stride + kernel.shape[0],\n"
            "                        j * stride:j * stride + kernel.shape[1]]\n"
            "            out[i, j] = np.sum(window * kernel) + bias\n"
            "    return out": "Check the order of the arguments",
            _layer(bias=""): "off by exactly the bias",
            _layer().replace("bias, stride, padding", "bias, padding, stride"):
                "stride and padding the other way round",
            _layer(step="1"): "ignores the stride",
            _layer(pad="x"): "the size WITHOUT padding",
            _layer(pad="np.pad(x, ((0, padding), (0, padding)))"): "bottom and right only",
            _layer(pad="np.pad(x, ((padding, 0), (padding, 0)))"): "top and left only",
            _layer(pad="np.pad(x, ((0, 2 * padding), (0, 2 * padding)))"):
                "all 2P zeros at the bottom and right",
            _layer(size="(x.shape[0] - f_h) // s + 1, (x.shape[1] - f_w) // s + 1"):
                "compute O from the padded array",
            _layer(size="(x.shape[0] - f_h + padding) // s + 1, "
                        "(x.shape[1] - f_w + padding) // s + 1"): "+ P where it needs + 2P",
            _layer(pad="np.pad(x, 2 * padding)"): "you padded 2P zeros on each side",
            _layer(size="(xp.shape[0] - f_h) // s, (xp.shape[1] - f_w) // s"):
                "one row and one column too few",
            _layer(window="xp[i * s:i * s + f_h, j * s:j * s + f_w] * np.flip(kernel)"):
                "you flipped the kernel",
            _layer(window="xp[i:i + f_h, j:j + f_w] * kernel"): "starts at row i * S",
            _layer(size="(xp.shape[0] - f_h) / s + 1, (xp.shape[1] - f_w) / s + 1"):
                "(H - F_h + 2P) // S + 1",
            _layer(zeros="np.zeros((o_h, o_w), dtype=int)"): "holds whole numbers only",
            "def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    return corr2d(np.pad(x, padding), kernel)[::stride, ::stride]":
                "off by exactly the bias",
            "def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    return corr2d(np.pad(x, padding), kernel) + bias": "ignores the stride",
            _layer(size="(xp.shape[0] - kernel.shape[0]) // s + 1, "
                        "(xp.shape[1] - kernel.shape[0]) // s + 1",
                   window="xp[i * s:i * s + f_h, j * s:j * s + f_h] * kernel"):
                "take both sizes from the kernel",
            "def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding)":
                "your function calls conv2d, which already does",
            "def conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    x4 = np.asarray(x, 'float32').reshape(1, *x.shape, 1)\n"
            "    k4 = np.asarray(kernel, 'float32').reshape(*kernel.shape, 1, 1)\n"
            "    p = [[0, 0], [padding, padding], [padding, padding], [0, 0]]\n"
            "    return tf.nn.conv2d(x4, k4, stride, p).numpy()[0, :, :, 0] + bias":
                "your function calls tf.nn.conv2d, which already does",
            _layer(bias=" - bias"): "MINUS the bias",
            _layer(window="xp[i * s:i * s + f_h, j * s:j * s + f_w] * kernel + bias", bias=""):
                "once per product",
            _layer(window="xp[i * s:i * s + f_h, j * s:j * s + f_w] * (kernel + bias)", bias=""):
                "added to every weight",
            _layer(pad="np.pad(x, padding, constant_values=1)"): "your border holds ones",
            _layer(pad="np.pad(x, padding, mode='edge')"): "repeats the edge pixels",
            _layer(zeros="np.zeros_like(xp)[:o_h, :o_w]"): "holds whole numbers only",
            _UNPADDED_WINDOWS: "Cut every window from the padded array",
            # last: it redefines strided_corr2d, as q4's integer answer, in the kernel
            _INTEGER_OUTPUT + "\n\n\ndef conv_one_filter(x, kernel, bias, stride, padding):\n"
            "    return strided_corr2d(np.pad(x, padding), kernel, stride) + bias":
                "Your q4 function strided_corr2d returns an integer array",
        },
    },
}


def test_the_lesson_has_eight_exercises():
    assert [q.name for q in exercises_in(lesson)] == [f"q{i}" for i in range(1, 9)]
    assert set(LEARNER_ANSWERS) == {q.name for q in exercises_in(lesson)}


def test_placeholder_inside_a_function_body_is_not_answered(capsys):
    def strided_corr2d(x, kernel, stride):
        return ____

    lesson.q4.check(strided_corr2d)
    assert capsys.readouterr().out.strip() == NOT_ANSWERED


# --- the expected answers, computed by Keras / TensorFlow --------------------------------------


def test_q3_counts_are_the_ones_keras_gives():
    """Conv2D(1, 5) on a 32x32x1 image, and a Dense layer from its 1,024 pixels to as many
    outputs as that layer's feature map has: Keras counts both."""
    conv = tf.keras.layers.Conv2D(1, 5, name="probe_q3_conv")
    conv.build((None, 32, 32, 1))
    _, height, width, _ = conv.compute_output_shape((None, 32, 32, 1))
    dense = tf.keras.layers.Dense(height * width, name="probe_q3_dense")
    dense.build((None, 32 * 32))
    keras_counts = (conv.count_params(), dense.count_params())
    assert lesson.q3.is_correct(keras_counts), lesson.q3.feedback(keras_counts)
    assert lesson.q3.solution_answer == keras_counts
    # the mistakes each name a layer Keras counts too
    no_bias = tf.keras.layers.Dense(height * width, use_bias=False, name="probe_q3_no_bias")
    no_bias.build((None, 32 * 32))
    assert "weights alone" in lesson.q3.feedback((keras_counts[0], no_bias.count_params()))
    wrong_map = tf.keras.layers.Dense(32 * 32, name="probe_q3_32")
    wrong_map.build((None, 32 * 32))
    assert "to a 32x32 map" in lesson.q3.feedback((keras_counts[0], wrong_map.count_params()))


def test_q3_mistakes_differ_and_each_message_shows_beside_a_right_count():
    for mistakes, right_conv in ((lesson.Q3_CONV_MISTAKES, False),
                                 (lesson.Q3_DENSE_MISTAKES, True)):
        values = [value for value, _ in mistakes]
        assert len(set(values)) == len(values), values
        for value, message in mistakes:
            conv, dense = lesson.q3.solution_answer
            answer = (conv, value) if right_conv else (value, dense)
            assert not lesson.q3.is_correct(answer), answer
            feedback = lesson.q3.feedback(answer)
            assert message[1:] in feedback and "is right" in feedback, (answer, feedback)


def test_q7_size_agrees_with_keras():
    assert lesson.q7.is_correct(keras_output_size(27, 5, 2, "same"))
    # 13 is also "same" with one zero per side, what a 3x3 kernel would get
    one_zero = keras_output_size(27 + 2, 5, 2, "valid")
    assert "one zero of padding per side" in lesson.q7.feedback(one_zero)


def test_q7_valid_same_and_floor_give_different_sizes_in_keras():
    """The mix-ups q7 names are told apart: "valid", "same" and stride 1 each give their own
    size on 27x27, and "same" rounds up where floor(27 / 2) would not."""
    same = keras_output_size(27, 5, 2, "same")
    valid = keras_output_size(27, 5, 2, "valid")
    stride_one = keras_output_size(27, 5, 1, "same")
    assert len({same, valid, stride_one, 27 // 2}) == 4
    for wrong in (valid, stride_one, 27 // 2, 27 / 2):
        assert not lesson.q7.is_correct(wrong)
    assert 'padding="valid"' in lesson.q7.feedback(valid)
    assert '"valid" with stride 1' in lesson.q7.feedback(keras_output_size(27, 5))


def test_q7_a_whole_keras_shape_is_told_to_take_its_height():
    layer = tf.keras.layers.Conv2D(1, 5, strides=2, padding="same", name="probe_q7")
    keras_shape = layer.compute_output_shape((None, 27, 27, 1))
    assert "take the height, shape[1]" in lesson.q7.feedback(keras_shape)
    assert "take the height, shape[0]" in lesson.q7.feedback(tuple(keras_shape[1:]))
    assert lesson.q7.is_correct(keras_shape[1])


def test_q6_answer_agrees_with_tensorflow_on_an_explicitly_padded_input():
    n, f, s, p = lesson._Q6_N, lesson._Q6_F, lesson._Q6_S, lesson._Q6_P
    x, kernel = np.ones((n, n)), np.ones((f, f))
    out = tf_corr2d(x, kernel, stride=s, padding=p)            # P = 2 on every side
    assert lesson.q6.is_correct(out.shape[0])
    same = tf_corr2d(x, kernel, stride=s, padding="same")
    assert not lesson.q6.is_correct(same.shape[0])             # q7's formula is wrong here
    assert '"same" formula' in lesson.q6.feedback(same.shape[0])
    unpadded = tf_corr2d(x, kernel, stride=s)
    assert unpadded.shape[0] != out.shape[0]                   # padding changes the answer
    assert "WITHOUT padding" in lesson.q6.feedback(unpadded.shape[0])
    one_side = tf_corr2d(x, kernel, stride=s, padding=((p, 0), (p, 0)))
    assert "one side only" in lesson.q6.feedback(one_side.shape[0])


def test_q6_rounding_to_nearest_and_note_1s_misprint_are_wrong_and_named_as_such():
    """(N - F + 2P) / S is an odd number and a half, so Python's round (to even) goes up and
    misses the floor TensorFlow takes; note 1's misprint with the padding kept gives a value
    of its own, told as the misprint and not as the size without padding."""
    n, f, s, p = lesson._Q6_N, lesson._Q6_F, lesson._Q6_S, lesson._Q6_P
    right = tf_corr2d(np.ones((n, n)), np.ones((f, f)), stride=s, padding=p).shape[0]
    rounded = round((n - f + 2 * p) / s) + 1
    assert rounded != right and not lesson.q6.is_correct(rounded)
    assert "rounded UP" in lesson.q6.feedback(rounded)
    misprint = (n - f + 2 * p) / (s + 1)
    assert misprint not in (right, tf_corr2d(np.ones((n, n)), np.ones((f, f)), stride=s).shape[0])
    feedback = lesson.q6.feedback(misprint)
    assert "the misprint of note 1" in feedback and "WITHOUT padding" not in feedback


@pytest.mark.parametrize("name", ["Q6_MISTAKES", "Q7_MISTAKES", "Q5_MISTAKES"])
def test_number_mistakes_differ_and_each_message_shows(name):
    """No two mistakes give the same value (a dict with the key 3 twice once hid a message),
    none is the right answer, and each value prints its own message."""
    exercise = getattr(lesson, f"q{name[1]}")
    mistakes = getattr(lesson, name)
    values = [round(float(value), 6) for value, _ in mistakes]
    assert len(set(values)) == len(values), values
    for value, message in mistakes:
        assert not exercise.is_correct(value), value
        assert message in exercise.feedback(value), (value, exercise.feedback(value))


def test_q4_solution_matches_tensorflow_with_strides():
    rng = np.random.default_rng(0)
    cases = [(LESSON01_X, LESSON01_KERNEL, 1), (DIGIT_FOUR, HORIZONTAL_LINE_KERNEL, 2),
             (rng.normal(size=(7, 9)), rng.normal(size=(2, 3)), 2),
             (rng.normal(size=(8, 8)), rng.normal(size=(3, 3)), 3)]
    for x, kernel, stride in cases:
        mine = lesson.strided_corr2d(np.array(x), np.array(kernel), stride)
        np.testing.assert_allclose(mine, tf_corr2d(x, kernel, stride=stride), atol=1e-5)
    # and the lesson's headline numbers
    np.testing.assert_array_equal(tf_corr2d(LESSON01_X, LESSON01_KERNEL), [[15, 16], [6, 15]])


def test_q4_accepts_tensorflow_itself_and_names_each_mistake():
    def tensorflow_answer(x, kernel, stride):
        return tf_corr2d(x, kernel, stride=stride)

    assert lesson.q4.is_correct(tensorflow_answer), lesson.q4.feedback(tensorflow_answer)

    def ignores_stride(x, kernel, stride):
        return tf_corr2d(x, kernel)

    def flipped(x, kernel, stride):
        return tf_corr2d(x, np.flip(kernel), stride=stride)

    assert "ignores the stride" in lesson.q4.feedback(ignores_stride)
    assert "Pass the function itself" in lesson.q4.feedback(
        tensorflow_answer(LESSON01_X, LESSON01_KERNEL, 1))
    assert "flipped the kernel" in lesson.q4.feedback(flipped)


# q4's predictable mistakes, each written with TensorFlow doing the sliding, and the words the
# message naming it must contain
Q4_TF_MISTAKES = [
    (lambda x, k, s: tf_corr2d(x, k, stride=s).T, "your output is transposed"),
    (lambda x, k, s: tf_corr2d(x, k, stride=s).astype(int), "holds whole numbers only"),
    (lambda x, k, s: tf_corr2d(x, np.asarray(k).T, stride=s), "the kernel transposed"),
    (lambda x, k, s: tf_corr2d(x, k, stride=s)[:(x.shape[0] - k.shape[0] + 1) // s,
                                               :(x.shape[1] - k.shape[1] + 1) // s],
     "the + 1 belongs AFTER the division"),
    # sizes rounded up: the last window runs past the edge, over zeros
    (lambda x, k, s: tf_corr2d(np.pad(x, ((0, k.shape[0]), (0, k.shape[1]))), k, stride=s)[
        :-(-(x.shape[0] - k.shape[0]) // s) + 1, :-(-(x.shape[1] - k.shape[1]) // s) + 1],
     "your output size rounds UP"),
]


@pytest.mark.parametrize("wrong, words", Q4_TF_MISTAKES,
                         ids=["transposed output", "integer output", "kernel.T", "+ 1 inside",
                              "rounded up"])
def test_q4_names_each_mistake_computed_by_tensorflow(wrong, words):
    assert not lesson.q4.is_correct(wrong)
    assert words in lesson.q4.feedback(wrong), lesson.q4.feedback(wrong)


def test_q2_criteria_measured_by_tensorflow_accept_edge_kernels_and_reject_a_line_kernel():
    """q2 accepts exactly what meets the three criteria its prompt states, each measured here
    with TensorFlow: (a) the weights sum to 0, (b) the step Q2_STEP is answered more strongly
    than its mirror image and than its transpose (a top edge), (c) every window of the
    strongest response on DIGIT_FOUR is centred on a vertical stroke or just left of one, or
    one row above or below a stroke's end. (b) also asks more than on a bottom edge,
    np.flipud(Q2_STEP.T): a diagonal-edge kernel answers Q2_STEP and it alike."""
    def meets_the_prompt(kernel):
        kernel = np.asarray(kernel, dtype=float)
        step = tf_corr2d(lesson.Q2_STEP, kernel).max()
        mirror = tf_corr2d(np.fliplr(lesson.Q2_STEP), kernel).max()
        top = tf_corr2d(lesson.Q2_STEP.T, kernel).max()
        bottom = tf_corr2d(np.flipud(lesson.Q2_STEP.T), kernel).max()
        feature_map = tf_corr2d(DIGIT_FOUR, kernel)
        peaks = np.argwhere(np.isclose(feature_map, feature_map.max()))
        on_the_edge = all(any(DIGIT_FOUR[row, c + 1] == 1 and c + 1 in (1, 5)
                              or DIGIT_FOUR[row, c + 2] == 1 and c + 2 in (1, 5)
                              for row in (r, r + 1, r + 2))     # the centre row, or one beyond
                          for r, c in peaks)
        return np.isclose(kernel.sum(), 0) and step > max(mirror, top, bottom) and on_the_edge

    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    accepted = [sobel, lesson.q2.solution_answer, np.array([[-1, 1, 0]] * 3),
                np.array([[-1, -1, 2]] * 3), np.array([[0, 0, 0], [0, -1, 1], [0, 0, 0]]),
                np.array([[-1, 0, 1], [0, 0, 0], [0, 0, 0]]),      # an edge in the top row
                np.array([[0, 0, 0], [0, 0, 0], [-1, 0, 1]])]      # and in the bottom row
    rejected = [VERTICAL_LINE_KERNEL, HORIZONTAL_LINE_KERNEL, -sobel, np.ones((3, 3)),
                np.array([[2, -1, -1]] * 3), np.array([[0, 0, 0], [-1, 0, 0], [0, 0, 1]]),
                np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
                np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]]),   # a diagonal edge: top = left
                np.array([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]),   # the other: bottom = left
                np.array([[-1, 0, 1]] * 3).T]                      # a top edge
    for kernel in accepted:
        assert meets_the_prompt(kernel), kernel
        assert lesson.q2.is_correct(kernel), lesson.q2.feedback(kernel)
    for kernel in rejected:
        assert not meets_the_prompt(kernel), kernel
        assert not lesson.q2.is_correct(kernel), kernel


def test_q2_names_a_top_edge_kernel_only_when_its_transpose_passes():
    top_edge = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    assert "it finds TOP edges" in lesson.q2.feedback(top_edge)
    assert lesson.q2.is_correct(top_edge.T)
    diagonal = np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]])     # top edge as strong as left
    assert tf_corr2d(lesson.Q2_STEP.T, diagonal).max() == tf_corr2d(lesson.Q2_STEP, diagonal).max()
    assert not lesson.q2.is_correct(diagonal.T)
    assert "it finds TOP edges" not in lesson.q2.feedback(diagonal)


def test_q2_names_a_bottom_edge_kernel_only_when_its_quarter_turn_passes():
    bottom_edge = np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    assert "it finds BOTTOM edges" in lesson.q2.feedback(bottom_edge)
    assert lesson.q2.is_correct(np.rot90(bottom_edge, -1))
    diagonal = np.array([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]])     # bottom edge as strong as left
    bottom_step = np.flipud(lesson.Q2_STEP.T)
    assert tf_corr2d(bottom_step, diagonal).max() == tf_corr2d(lesson.Q2_STEP, diagonal).max()
    assert not lesson.q2.is_correct(np.rot90(diagonal, -1))
    feedback = lesson.q2.feedback(diagonal)
    assert "BOTTOM" not in feedback and "a bottom edge at least as strongly" in feedback


def test_q2_names_diagonal_edges_only_when_a_diagonal_step_gets_more_than_q2_step():
    """Measured by TensorFlow: both diagonal kernels answer their diagonal step (3) more than
    Q2_STEP (2); a kernel that ties a bottom edge without preferring a diagonal is not told
    'diagonal'."""
    for kernel, step in [([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]], np.triu(np.ones((6, 6)))),
                         ([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]],
                          np.flipud(np.triu(np.ones((6, 6)))))]:
        kernel = np.array(kernel)
        assert tf_corr2d(step, kernel).max() > tf_corr2d(lesson.Q2_STEP, kernel).max()
        assert "it finds DIAGONAL edges" in lesson.q2.feedback(kernel)
    plain = np.array([[0, 0, 0], [0, 0, 1], [-1, 0, 0]])
    assert (tf_corr2d(np.triu(np.ones((6, 6))), plain).max()
            <= tf_corr2d(lesson.Q2_STEP, plain).max())
    feedback = lesson.q2.feedback(plain)
    assert "a bottom edge at least as strongly" in feedback and "DIAGONAL" not in feedback


def test_q2_names_a_right_edge_kernel_only_when_its_mirror_image_passes():
    assert "it finds RIGHT edges" in lesson.q2.feedback(np.array([[2, -1, -1]] * 3))
    assert lesson.q2.is_correct(np.fliplr(np.array([[2, -1, -1]] * 3)))
    # a line kernel and the Laplacian are symmetric left to right: told so, not "right edges"
    for kernel in (VERTICAL_LINE_KERNEL, np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])):
        assert "the same mirrored left to right" in lesson.q2.feedback(kernel)


def test_left_edge_zone_holds_the_strokes_and_the_column_left_of_them():
    zone = lesson.left_edge_zone()
    assert zone.shape == (6, 6)
    assert not zone[3, 2]              # window centred on (4, 3), the middle of the bar
    assert zone[1, 0] and zone[1, 4]   # centred on the two strokes
    assert zone[1, 3]                  # centred just left of the right stroke
    assert zone[4, 0]                  # one row below the left stroke: the window holds its end
    assert not zone[1, 5]              # just right of the right stroke
    assert not zone[5, 0]              # bottom-left: empty


# The kernels a learner may slide instead of the flipped one: each is a different mistake.
Q1_VARIANTS = {
    "flipped (the answer)": np.flip(lesson.Q1_KERNEL),
    "not flipped": lesson.Q1_KERNEL,
    "transposed": lesson.Q1_KERNEL.T,
    "turned 90 degrees left": np.rot90(lesson.Q1_KERNEL),
    "turned 90 degrees right": np.rot90(lesson.Q1_KERNEL, -1),
    "upside down only": lesson.Q1_KERNEL[::-1],
    "left to right only": lesson.Q1_KERNEL[:, ::-1],
    "mirrored across the other diagonal": np.flip(lesson.Q1_KERNEL).T,
}


def test_q1_flip_transpose_turns_and_mirrors_give_pairwise_different_answers():
    """On FLIP_DEMO_X (computed by TensorFlow) every way of turning or mirroring Q1_KERNEL
    gives its own feature map, and so do flipping the result or the input: a learner who
    transposes, or turns by 90 degrees, cannot be told "Correct!" by accident."""
    answers = {name: tf_corr2d(FLIP_DEMO_X, kernel) for name, kernel in Q1_VARIANTS.items()}
    answers["result flipped"] = np.flip(tf_corr2d(FLIP_DEMO_X, lesson.Q1_KERNEL))
    answers["input flipped"] = tf_corr2d(np.flip(FLIP_DEMO_X), lesson.Q1_KERNEL)
    answers["LESSON01_X"] = tf_corr2d(LESSON01_X, np.flip(lesson.Q1_KERNEL))
    answers["negated"] = tf_corr2d(FLIP_DEMO_X, -lesson.Q1_KERNEL)
    answers["flipped and negated"] = -answers["flipped (the answer)"]
    # scipy.signal.convolve2d's modes: 'full' pads F - 1 zeros on every side, 'same' keeps
    # the input's size with the extra zero before (scipy's rule for an even kernel)
    answers["full"] = tf_corr2d(FLIP_DEMO_X, np.flip(lesson.Q1_KERNEL), padding=1)
    answers["scipy same"] = tf_corr2d(FLIP_DEMO_X, np.flip(lesson.Q1_KERNEL),
                                      padding=((1, 0), (1, 0)))
    answers["lesson kernel flipped"] = tf_corr2d(FLIP_DEMO_X, np.flip(LESSON01_KERNEL))
    answers["lesson kernel"] = tf_corr2d(FLIP_DEMO_X, LESSON01_KERNEL)
    answers["demo kernel flipped"] = tf_corr2d(FLIP_DEMO_X, np.flip(np.arange(1, 10).reshape(3, 3)))
    for (a, x), (b, y) in itertools.combinations(answers.items(), 2):
        assert not np.array_equal(x, y), f"{a} and {b} give the same answer"
    assert lesson.q1.is_correct(answers.pop("flipped (the answer)"))
    # each wrong answer gets the message of its own mistake, and the module names them alike
    messages = {name: message for name, _, message in lesson.Q1_MISTAKES}
    assert set(messages) == set(answers)
    for name, wrong in answers.items():
        assert not lesson.q1.is_correct(wrong), name
        assert messages[name] in lesson.q1.feedback(wrong), (name, lesson.q1.feedback(wrong))


def test_q1_scipy_modes_are_the_padded_convolutions_named():
    signal = pytest.importorskip("scipy.signal")
    answers = {name: wrong for name, wrong, _ in lesson.Q1_MISTAKES}
    np.testing.assert_array_equal(signal.convolve2d(FLIP_DEMO_X, lesson.Q1_KERNEL),
                                  answers["full"])
    np.testing.assert_array_equal(signal.convolve2d(FLIP_DEMO_X, lesson.Q1_KERNEL, mode="same"),
                                  answers["scipy same"])
    assert lesson.q1.is_correct(signal.convolve2d(FLIP_DEMO_X, lesson.Q1_KERNEL, mode="valid"))


def test_on_lesson01_x_a_flip_and_a_transpose_agree_which_is_why_q1_does_not_use_it():
    same = tf_corr2d(LESSON01_X, np.flip(lesson.Q1_KERNEL))
    assert np.array_equal(same, tf_corr2d(LESSON01_X, lesson.Q1_KERNEL.T))


def test_flip_demo_x_separates_flip_from_transpose_for_the_lesson_kernel():
    """The lesson's section 3 demo: cross-correlation, true convolution and the transposed
    kernel give three different maps on FLIP_DEMO_X (TensorFlow computes them)."""
    maps = [tf_corr2d(FLIP_DEMO_X, k) for k in (LESSON01_KERNEL, np.flip(LESSON01_KERNEL),
                                                np.array(LESSON01_KERNEL).T)]
    for a, b in itertools.combinations(maps, 2):
        assert not np.array_equal(a, b)
    assert not FLIP_DEMO_X.flags.writeable


def test_q5_counts_pixels_no_strided_window_touches():
    x = tf.Variable(tf.ones((1, 9, 9, 1)))
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(x, tf.ones((3, 3, 1, 1)), strides=4, padding="VALID")
    used = tape.gradient(y, x).numpy()[0, :, :, 0]  # how many windows read each pixel
    assert lesson.q5.is_correct(int((used == 0).sum()))
    assert "ARE used" in lesson.q5.feedback(int((used > 0).sum()))


# --- q8: the one-filter layer, checked against Keras -------------------------------------------


def keras_layer(x, kernel, bias, stride, padding):
    """ZeroPadding2D(P) then Conv2D(1, kernel.shape, strides=S) with the kernel and the bias."""
    x = np.asarray(x, dtype="float32")[None, :, :, None]
    kernel = np.asarray(kernel, dtype="float32")
    pad = tf.keras.layers.ZeroPadding2D(padding, name="probe_padding")
    conv = tf.keras.layers.Conv2D(1, kernel.shape, strides=stride, name="probe_conv")
    conv.build((None, x.shape[1] + 2 * padding, x.shape[2] + 2 * padding, 1))
    conv.set_weights([kernel[:, :, None, None], np.array([bias], dtype="float32")])
    return np.asarray(conv(pad(x)))[0, :, :, 0]


def test_q8_expected_results_are_keras_layers():
    for case in lesson._LAYER_CASES:
        expected = keras_layer(*case)
        np.testing.assert_allclose(lesson.conv_one_filter(*case), expected, atol=1e-4)
        np.testing.assert_allclose(lesson._layer_reference(*case), expected, atol=1e-4)
    # the lesson's 4x4 example, padded by 1 with a bias of -10: the 2x2 map sits in the middle
    inner = keras_layer(LESSON01_X, LESSON01_KERNEL, -10, 1, 1)[1:3, 1:3]
    np.testing.assert_array_equal(inner, np.array([[15, 16], [6, 15]]) - 10)


def test_q8_accepts_keras_results_and_the_mistakes_give_pairwise_different_results():
    def keras_results(x, kernel, bias, stride, padding):   # forwards to the Keras layers
        return keras_layer(x, kernel, bias, stride, padding)

    assert lesson.q8.is_correct(keras_results), lesson.q8.feedback(keras_results)
    # a function that calls the layer itself is right, but is told the loops are the exercise
    assert "Conv2D, which already does what this question asks" in lesson.q8.feedback(
        keras_layer)
    results = {"right": [keras_layer(*case) for case in lesson._LAYER_CASES]}
    for wrong, message in lesson.Q8_MISTAKES:
        results[message] = [wrong(*case) for case in lesson._LAYER_CASES]
        # as a learner writes it: loops, not a call to the course's conv2d (forbidden)
        assert not lesson.q8.is_correct(written_out(wrong))
        assert message in lesson.q8.feedback(written_out(wrong)), message

    def same(a, b):
        return all(x.shape == y.shape and np.allclose(x, y) for x, y in zip(a, b, strict=True))

    for (a, x), (b, y) in itertools.combinations(results.items(), 2):
        assert not same(x, y), f"{a[:40]!r} and {b[:40]!r} give the same results"


def test_q8_bias_and_padding_mistakes_computed_by_keras_are_named():
    def no_bias(x, kernel, bias, stride, padding):
        return keras_layer(x, kernel, 0.0, stride, padding)

    def no_padding(x, kernel, bias, stride, padding):
        return keras_layer(x, kernel, bias, stride, 0)

    assert "off by exactly the bias" in lesson.q8.feedback(no_bias)
    assert "WITHOUT padding" in lesson.q8.feedback(no_padding)


def test_q8_tells_a_function_that_calls_an_unwritten_one_to_finish_it_first():
    def strided_corr2d(x, kernel, stride):
        return ____

    def conv_one_filter(x, kernel, bias, stride, padding):
        return strided_corr2d(np.pad(x, padding), kernel, stride) + bias

    assert "Answer q4 first" in lesson.q8.feedback(conv_one_filter)


def test_q4_and_q8_tell_a_function_that_calls_the_library_to_write_the_loops():
    def strided_corr2d(x, kernel, stride):
        x4 = np.asarray(x, "float32")[None, :, :, None]
        k4 = np.asarray(kernel, "float32")[:, :, None, None]
        return tf.nn.conv2d(x4, k4, stride, "VALID").numpy()[0, :, :, 0]

    feedback = lesson.q4.feedback(strided_corr2d)
    assert "your function calls tf.nn.conv2d, which already does" in feedback, feedback
    assert not lesson.q4.is_correct(strided_corr2d)
    # a comment or a name that only contains the word is not a call
    assert lesson.q4.is_correct(lesson.strided_corr2d)


def test_q4_an_output_made_like_an_integer_input_is_told_it_cuts_the_halves():
    """np.zeros_like(x) is integer where x is: on the float case it is right, on DIGIT_FOUR with
    a kernel of halves (what TensorFlow computes, cut) it is not, and the message says so."""
    def zeros_like_input(x, kernel, stride):
        expected = tf_corr2d(x, kernel, stride=stride)
        out = np.zeros_like(x)[:expected.shape[0], :expected.shape[1]]
        out[...] = expected
        return out

    assert not lesson.q4.is_correct(zeros_like_input)
    feedback = lesson.q4.feedback(zeros_like_input)
    assert "holds whole numbers only" in feedback and "the halves of the last case" in feedback
    halves = tf_corr2d(DIGIT_FOUR, 0.5 * np.asarray(HORIZONTAL_LINE_KERNEL))
    assert not np.array_equal(halves, np.trunc(halves))      # the case has values to cut


def test_q8_integer_output_is_named_whatever_made_it_integer():
    """np.zeros_like of an integer input gives an integer array only where the input is
    integer: the float case comes out right, and the message still names the cut values."""
    def zeros_like_input(x, kernel, bias, stride, padding):
        padded = np.pad(x, padding)
        expected = keras_layer(x, kernel, bias, stride, padding)
        out = np.zeros_like(padded)[:expected.shape[0], :expected.shape[1]]
        out[...] = expected
        return out

    assert "holds whole numbers only" in lesson.q8.feedback(zeros_like_input)


def test_q8_a_window_cut_from_the_unpadded_input_is_told_so_not_that_the_kernel_is_square():
    namespace = {"np": np}
    exec(_UNPADDED_WINDOWS, namespace)          # what LEARNER_ANSWERS types into the notebook
    feedback = lesson.q8.feedback(namespace["conv_one_filter"])
    assert "Cut every window from the padded array" in feedback, feedback
    assert "not square" not in feedback


def test_q2_judges_every_tied_maximum_and_any_scale():
    messy = np.array([[-1, 0, 1], [1, -1, 0], [0, 0, 0]])     # meets (a) and (b), not (c)
    feature_map = tf_corr2d(DIGIT_FOUR, messy)
    assert (feature_map == feature_map.max()).sum() == 7      # tied at seven places
    assert "is tied at 7 places" in lesson.q2.feedback(messy)
    assert "2 of the 7 are not: output (0, 1)" in lesson.q2.feedback(messy)
    assert lesson.q2.is_correct(lesson.q2.solution_answer * 1e-9)
    assert lesson.q2.is_correct(lesson.q2.solution_answer * 1e6)


def test_q4_index_error_offers_only_the_causes_its_failing_case_can_show():
    namespace = {"np": np}
    exec(_OUTPUT_TOO_SMALL, namespace)   # fails on the first case: stride 1, a 2x2 output
    feedback = lesson.q4.feedback(namespace["strided_corr2d"])
    assert "raised IndexError" in feedback, feedback
    assert "START" not in feedback and "swapped" not in feedback, feedback
    exec(_WINDOW_STARTS, namespace)      # fails on the stride-2 digit, a square 3x3 output
    feedback = lesson.q4.feedback(namespace["strided_corr2d"])
    assert "where the windows START" in feedback and "not square" not in feedback, feedback
    exec(_loops(zeros="np.zeros((o_w, o_h))"), namespace)   # fails on the 3x4 output
    assert "output is 3x4, not square" in lesson.q4.feedback(namespace["strided_corr2d"])


def test_q4_and_q8_name_every_helper_that_slides_the_kernel_as_called():
    def strided_corr2d(x, kernel, stride):
        return ops.conv2d_im2col(x, kernel, stride=stride)

    assert "your function calls ops.conv2d_im2col" in lesson.q4.feedback(strided_corr2d)


def test_q8_padding_counted_once_names_both_causes():
    """Top/left-only padding and + P instead of + 2P in the size give the same map."""
    namespace = {"np": np}
    exec(_layer(size="(x.shape[0] - f_h + padding) // s + 1, "
                     "(x.shape[1] - f_w + padding) // s + 1"), namespace)
    plus_p = lesson.q8.feedback(namespace["conv_one_filter"])
    assert plus_p == lesson.q8.feedback(written_out(lesson._layer_padded_before))
    assert "top and left only" in plus_p and "+ P where it needs + 2P" in plus_p, plus_p


def test_q4_q8_case_labels_rebuild_the_case_arrays():
    """The feedback names a case's arrays by an expression the learner can type (DIGIT_FOUR,
    np.random.default_rng(1)...); each expression gives that case's array."""
    from course_utils import data
    names = {"np": np, **{name: getattr(data, name) for name in dir(data) if name.isupper()}}
    for cases, labels in [(lesson._STRIDED_CASES, lesson._STRIDED_LABELS),
                          (lesson._LAYER_CASES, lesson._LAYER_LABELS)]:
        assert len(labels) == len(cases)
        for case, case_labels in zip(cases, labels, strict=True):
            for value, label in zip(case, case_labels or (), strict=False):
                np.testing.assert_array_equal(eval(label, names), value)


def test_q4_q8_failures_write_a_small_kernel_out_not_the_name_kernel():
    """In the learner's session `kernel` is section 2's kernel: a failure's call writes the
    case's kernel out, so pasting the call reproduces the case."""
    namespace = {"np": np}
    exec(_SQUARE_ONLY, namespace)
    feedback = lesson.q4.feedback(namespace["strided_corr2d"])
    assert "np.array([[-2, 0, 1], [0, 1, -1]]), 2)" in feedback, feedback
    assert ", kernel," not in feedback
    for labels in (lesson._STRIDED_LABELS, lesson._LAYER_LABELS):
        assert all(len(case_labels) == 2 for case_labels in labels)


def test_q4_correct_tells_a_list_answer_to_return_an_array_for_q8():
    """Round-9 reviewers: q4 accepts a list of lists, and q8's "reuse your q4 function" then
    raised TypeError (list + bias). q4's Correct! says to return an np.array."""
    def strided_corr2d(x, kernel, stride):
        f_h, f_w = kernel.shape
        return [[float(np.sum(x[i:i + f_h, j:j + f_w] * kernel))
                 for j in range(0, x.shape[1] - f_w + 1, stride)]
                for i in range(0, x.shape[0] - f_h + 1, stride)]

    feedback = lesson.q4.feedback(strided_corr2d)
    assert feedback.startswith("Correct!") and "wrap it in np.array(...)" in feedback, feedback


def test_q2_praise_is_true_of_any_kernel_that_passes():
    """Round-9 reviewers: [[2, 1, 2], [0, -9, 2], [1, 1, 0]] passes but is not "negative on
    one side and positive on the other"; the praise states only what the check proved."""
    odd = np.array([[2, 1, 2], [0, -9, 2], [1, 1, 0]])
    feedback = lesson.q2.feedback(odd)
    if feedback.startswith("Correct!"):
        assert "negative on one side" not in feedback
        assert "0 on flat areas" in feedback and "more strongly" in feedback


def strided_corr2d(x, kernel, stride):
    """A right q4 answer that returns a list of rows (q8's tests call it by this name)."""
    f_h, f_w = kernel.shape
    return [[float(np.sum(x[i:i + f_h, j:j + f_w] * kernel))
             for j in range(0, x.shape[1] - f_w + 1, stride)]
            for i in range(0, x.shape[0] - f_h + 1, stride)]


def test_q4_advises_np_array_only_to_a_function_that_returns_a_list():
    assert lesson.q4.feedback(strided_corr2d).startswith("Correct! Your function returns a list")
    assert lesson.q4.feedback(lesson.strided_corr2d) == "Correct!"


def test_q8_advises_np_array_to_a_right_function_that_returns_a_list():
    def conv_one_filter(x, kernel, bias, stride, padding):
        return lesson.conv_one_filter(x, kernel, bias, stride, padding).tolist()

    feedback = lesson.q8.feedback(conv_one_filter)
    assert feedback.startswith("Correct! Every value is right, but your function returns a list")
    assert "return an np.array" in feedback and "has no .shape" in feedback, feedback
    assert lesson.q8.feedback(lesson.conv_one_filter) == "Correct!"


def test_q8_names_a_list_returning_q4_function_when_that_is_what_raised():
    def conv_one_filter(x, kernel, bias, stride, padding):
        return strided_corr2d(np.pad(x, padding), kernel, stride) + bias

    assert "Your q4 function strided_corr2d returns a list" in lesson.q8.feedback(conv_one_filter)

    def list_plus_bias(x, kernel, bias, stride, padding):
        return [[0.0]] + bias

    feedback = lesson.q8.feedback(list_plus_bias)
    assert "Every value is right" not in feedback and "return an np.array" not in feedback


def test_the_shift_tests_digit_is_blank_where_np_roll_wraps_round():
    """Section 1 shifts digit 2459 of the sample with np.roll by (2, 3): the rows and columns
    that wrap round are blank, so the roll is a true shift (moved here from the lesson's cell)."""
    from course_utils.data import load_mnist

    (x_train, y_train), _ = load_mnist("sample", verbose=False)
    digit = x_train[2459]
    assert y_train[2459] == 4
    assert not digit[-2:].any() and not digit[:, -3:].any()


def test_q8_names_an_unwritten_q4_once():
    """A q8 answer that calls a still-unwritten q4 function is told so once, by name (a review
    found the framework's generic clause and the lesson's sentence both, joined by '?.')."""
    def strided_corr2d(x, kernel, stride):
        return ____

    def conv_one_filter(x, kernel, bias, stride, padding):
        x = np.pad(x, padding)
        return strided_corr2d(x, kernel, stride) + bias

    message = lesson.q8.feedback(conv_one_filter)
    assert "q4's strided_corr2d, not written yet" in message, message
    assert "?." not in message and "an unanswered placeholder" not in message, message


def test_q4_an_input_sized_output_is_not_told_it_mixed_the_kernel_axes():
    """np.zeros(x.shape) filled where the windows are: on the 6x5 input with a 3x1 kernel the
    height taken from the kernel's width is also 6, so the axis mix-up was named (a reviewer's
    answer). The output size is what is off, and the message says so."""
    def input_sized(x, kernel, stride):
        out = np.zeros(x.shape)
        f_h, f_w = kernel.shape
        for i in range((x.shape[0] - f_h) // stride + 1):
            for j in range((x.shape[1] - f_w) // stride + 1):
                out[i, j] = np.sum(x[i * stride:i * stride + f_h, j * stride:j * stride + f_w]
                                   * kernel)
        return out

    message = lesson.q4.feedback(input_sized)
    assert "not square" not in message, message
    assert "Your output has the input's shape, H x W, on every case" in message, message
