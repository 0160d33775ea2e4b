"""Lesson 04 exercises: the expected answers agree with what Keras computes (the reference is
Keras, not the exercise module), the questions separate the mistakes they name (each mistake
gives an answer of its own), and LEARNER_ANSWERS lists what a learner may type into each
exercise cell with the message each must print (run in the notebook's kernel by
tests/kernel_checks.py)."""

from __future__ import annotations

import inspect
import itertools
import textwrap

import numpy as np
import pytest

from course_utils.exercises import exercises_in
from course_utils.exercises import lesson04 as lesson
from tests.new_kernel import heading_index, printed, read_lesson, run_cells
from tests.reference import keras_output_shape, tf_conv2d, tf_conv2d_2d

keras = pytest.importorskip("keras")
layers = keras.layers

EXERCISES = exercises_in(lesson)

# the stored solutions, as a learner would type them; the wrong answers change one thing in them
_PATCH_LOOPS = textwrap.dedent(inspect.getsource(lesson.patch_matrix))

# one window short a side: // S without the + 1
_ONE_SHORT = _PATCH_LOOPS.replace(
    "o_h = (x.shape[0] - f) // stride + 1", "o_h = (x.shape[0] - f) // stride"
).replace("o_w = (x.shape[1] - f) // stride + 1", "o_w = (x.shape[1] - f) // stride")

# the window count rounded UP: right wherever (H + 2P - F) / S is whole; where it is not, the
# last window runs past the edge and np.array(rows) raises on the short rows
_ROUNDED_UP = _PATCH_LOOPS.replace(
    "o_h = (x.shape[0] - f) // stride + 1", "o_h = int(np.ceil((x.shape[0] - f) / stride)) + 1"
).replace(
    "o_w = (x.shape[1] - f) // stride + 1", "o_w = int(np.ceil((x.shape[1] - f) / stride)) + 1")

# the window starts from range(0, n - f, s): one window short wherever (n - f) / s is whole
_RANGE_STOPS_EARLY = """\
def patch_matrix(x, f, stride=1, padding=0):
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    rows = []
    for i in range(0, x.shape[0] - f, stride):
        for j in range(0, x.shape[1] - f, stride):
            rows.append(x[i:i + f, j:j + f, :].ravel())
    return np.array(rows)"""

# another right answer: every window at once, through NumPy's sliding_window_view
_PATCH_VIEW = """\
def patch_matrix(x, f, stride=1, padding=0):
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(x, (f, f), axis=(0, 1))[::stride, ::stride]
    return windows.transpose(0, 1, 3, 4, 2).reshape(-1, f * f * x.shape[2])"""

_STAMPS = textwrap.dedent(inspect.getsource(lesson.conv_transpose))
# a slip after square examples: the full result's width computed from H
_H_FOR_BOTH = _STAMPS.replace("(w - 1) * stride + f, c_out))", "(h - 1) * stride + f, c_out))")
assert _H_FOR_BOTH != _STAMPS

# q7: the stored stamp counts, and another right answer that counts one axis and multiplies
_COUNTS_LOOPS = textwrap.dedent(inspect.getsource(lesson.stamp_counts))
_COUNTS_PER_AXIS = """\
def stamp_counts(n, f, s):
    rows = np.zeros((n - 1) * s + f, dtype=int)
    for i in range(n):
        rows[i * s:i * s + f] += 1          # the rows input row i's stamps cover
    return np.outer(rows, rows)"""



def _q7_cell(function_source, even_f="[3, 6]", check="q7.check(stamp_counts, even_f)"):
    """q7's exercise cell as a learner runs it: the function, the list of F, the check."""
    return f"{function_source.rstrip()}\n\n\neven_f = {even_f}\n{check}"


# another right answer: section 7's zero insertion, with the lesson's conv2d
_ZERO_INSERTION = """\
def conv_transpose(x, kernel, stride=1, padding=0):
    h, w, c_in = x.shape
    f = kernel.shape[0]
    spread = np.zeros(((h - 1) * stride + 1, (w - 1) * stride + 1, c_in))
    spread[::stride, ::stride] = x
    edge = f - 1 - padding
    padded = np.pad(spread, ((edge, edge), (edge, edge), (0, 0)))
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)   # rotated, (F, F, C_in, C_out)
    return conv2d(padded, flipped)"""

# What a learner types into each exercise cell (source text) -> a fragment of the message it
# must print. "right" answers print "Correct!". Each wrong answer is a mistake the lesson
# predicts, and gets the message that names it.
LEARNER_ANSWERS = {
    "q1": {
        "right": ["77", "77.0",
                  "int(28 * 28 * 32 * 5 * 5 * 192 / 2 // (28 * 28 * (192 + 5 * 5 * 32)))"],
        "wrong": {
            "78": "round the width down",                       # the bound 77.42 rounded up
            "28 * 28 * 32 * 5 * 5 * 192 / 2 / (28 * 28 * (192 + 5 * 5 * 32))":
                "channels come whole",
            "96": "the 5x5 layer alone costs half",
            "400": "counts the 1x1 layer only",
            "72": "padding='valid'",
            "60211200": "half the direct layer's cost",
            "59885056": "give the width w itself",
        },
    },
    "q2": {
        "right": [
            "dense_kernel.reshape(height, width, channels, -1)",
            "np.reshape(dense_kernel, (height, width, channels, dense_kernel.shape[1]))",
            "def dense_to_conv_kernel(dense_kernel, height, width, channels):\n"
            "    units = dense_kernel.shape[-1]\n"
            "    return dense_kernel.T.reshape(units, height, width, channels)"
            ".transpose(1, 2, 3, 0)",
        ],
        "wrong": {
            "dense_kernel.reshape(channels, height, width, -1).transpose(1, 2, 0, 3)":
                "the channel index varying slowest",
            "dense_kernel.reshape(width, height, channels, -1).transpose(1, 0, 2, 3)":
                "column by column",
            "dense_kernel.reshape(-1, height, width, channels).transpose(1, 2, 3, 0)":
                "PyTorch's Linear layout",
            "dense_kernel.reshape(height, width, channels)": "cannot reshape",
            "dense_kernel": "the expected shape is",
            "dense_kernel.reshape(height, width, channels, -1)[None]":
                "with an added axis of size 1",
        },
    },
    "q3": {
        "right": [
            _PATCH_LOOPS,
            _PATCH_VIEW,
        ],
        "wrong": {
            _PATCH_LOOPS.replace("window.ravel()", "window.transpose(2, 0, 1).ravel()"):
                "channel by channel",
            _PATCH_LOOPS.replace("return np.array(rows)", "return np.array(rows).T"):
                "one window per column",
            _PATCH_LOOPS.replace("for i in range(o_h):\n        for j in range(o_w):",
                                 "for j in range(o_w):\n        for i in range(o_h):"):
                "the windows are in the wrong order",
            _PATCH_LOOPS.replace("x[i * stride:i * stride + f, j * stride:j * stride + f, :]",
                                 "x[i:i + f, j:j + f, :]"):
                "not where they start",
            _PATCH_LOOPS.replace(
                "    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))\n", ""):
                "the padding is missing",
            _PATCH_LOOPS.replace("np.pad(x, ((padding, padding), (padding, padding), (0, 0)))",
                                 "np.pad(x, padding)"):
                "np.pad(x, P) pads every axis, the channels too",
            _ONE_SHORT: "stops one window early",
            _ROUNDED_UP: "Round the window count down, O = (H + 2P - F) // S + 1 = 2",
            _RANGE_STOPS_EARLY: "which leaves out n - f itself",
            "def patch_matrix(x, f, stride=1, padding=0):\n"
            "    return im2col(x, f, stride=stride, padding=padding)":
                "your function calls im2col, which already does what this question asks",
        },
    },
    "q4": {
        "right": ["(16, 16, 8)", "[16, 16, 8]", "np.array([16, 16, 8])", "(None, 16, 16, 8)",
                  "(1, 16, 16, 8)", "tf.TensorShape([None, 16, 16, 8])",
                  "((7 - 1) * 2 + 4, (7 - 1) * 2 + 4, 8)"],
        "wrong": {
            "(14, 14, 8)": "14 is N * S, what padding='same' gives",
            # Keras's shape with its batch axis: the mistake after it is named all the same
            "(None, 14, 14, 8)": "14 is N * S, what padding='same' gives",
            "(None, 16, 16, 32)": "the layer's 8 filters",
            "(18, 18, 8)": "18 is N * S + F",
            "(4, 4, 8)": "a stride-2 'same' convolution's size",
            "(12, 12, 8)": "12 is (N - 1) * S, where the last stamp starts",
            "(14, 14, 32)": "and the output's channels are the layer's 8 filters",
            "(16, 16, 32)": "the layer's 8 filters",
            "(2, 2, 8)": "the transposed one enlarges",
            "(8, 16, 16)": "Channels come last",
            "(7, 7, 8)": "that is the input's size",
            "(10, 10, 8)": "10 is (N - 1) + F, stride 1",
            "(15, 15, 8)": "15 is 1 less than the expected height and width",
            "(17, 17, 8)": "17 is 1 more than the expected height and width",
            "(13, 13, 8)": "13 is 3 less than the expected height and width",
            "(16, 15, 8)": "the width (the second entry) is off",
            "((7 - 4) / 2 + 1, (7 - 4) / 2 + 1, 8)": "is (N - F) / S + 1, the ordinary "
                                                     "convolution's output size",
            "(16, 16, 8.5)": "yours holds 8.5. A transposed convolution's size has no division",
            "(16.5, 16.5, 8)": "yours holds 16.5. A transposed convolution's size has no",
        },
    },
    "q5": {
        "right": ["[[2, 4, 0], [7, 13, 6], [3, 13, 12]]",
                  "np.array([[2, 4, 0], [7, 13, 6], [3, 13, 12]])",
                  "conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL)"],
        "wrong": {
            "[[3, 7, 2], [9, 17, 8], [0, 6, 8]]": "equals stamping the kernel flipped",
            "conv2d(np.pad(TRANSPOSE_X, 1), TRANSPOSE_KERNEL)": "If you slid the kernel over the",
            "[[2, 5, 2], [6, 14, 10], [0, 9, 12]]": "the kernel transposed",
            "[[2, 6, 0], [5, 14, 9], [2, 10, 12]]": "you read the input by columns",
            "[[2, 4, 0], [6, 8, 0], [3, 4, 12]]": "where stamps overlap, add them",
            "conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL, stride=2)": "that is stride 2",
            "[[2, 4, 0], [7, 13, 6], [3, 13, 11]]": "1 of 9 values is off",
            "[[17]]": "an ordinary convolution",
            "conv2d(TRANSPOSE_X, TRANSPOSE_KERNEL)": "an ordinary convolution",
            "17": "an ordinary convolution",
        },
    },
    "q6": {
        "right": [
            _STAMPS,
            _STAMPS.replace("kernel @ x[i, j]", "np.einsum('hwoc,c->hwo', kernel, x[i, j])"),
            _ZERO_INSERTION,
        ],
        "wrong": {
            _STAMPS.replace("] += kernel @ x[i, j]", "] = kernel @ x[i, j]"):
                "add them (+=)",
            _STAMPS.replace("full[i * stride:i * stride + f, j * stride:j * stride + f, :]",
                            "full[i:i + f, j:j + f, :]"):
                "not spaced by the stride",
            _STAMPS.replace("kernel @ x[i, j]", "kernel[::-1, ::-1] @ x[i, j]"):
                "equals stamping the kernel flipped",
            _STAMPS.replace("return full[padding:full.shape[0] - padding, "
                            "padding:full.shape[1] - padding, :]", "return full"):
                "with nothing cropped",
            _STAMPS.replace("f, c_out = kernel.shape[0], kernel.shape[2]",
                            "f, c_out = kernel.shape[0], kernel.shape[3]").replace(
                "kernel @ x[i, j]", "np.einsum('hwco,c->hwo', kernel, x[i, j])"):
                "layout (F, F, C_out, C_in): kernel.shape[2] is C_out",
            _ZERO_INSERTION.replace("kernel[::-1, ::-1].transpose(0, 1, 3, 2)",
                                    "kernel.transpose(0, 1, 3, 2)"):
                "If you slid the kernel over the zero-inserted input",
            _ZERO_INSERTION.replace("edge = f - 1 - padding", "edge = f - 1"):
                "pad the zero-inserted input with F - 1 - P zeros",
            _ZERO_INSERTION.replace("(h - 1) * stride + 1, (w - 1) * stride + 1",
                                    "(h - 1) * (stride + 1) + 1, (w - 1) * (stride + 1) + 1"
                                    ).replace("spread[::stride, ::stride]",
                                              "spread[::stride + 1, ::stride + 1]"):
                "with stride S + 1",
            _ZERO_INSERTION.replace("(h - 1) * stride + 1, (w - 1) * stride + 1",
                                    "h * stride, w * stride"):
                "S - 1 rows and columns too many",
            _ZERO_INSERTION.replace(
                "    spread = np.zeros(((h - 1) * stride + 1, (w - 1) * stride + 1, c_in))\n"
                "    spread[::stride, ::stride] = x\n", "    spread = x\n"):
                "the transposed convolution with stride 1",
            _ZERO_INSERTION.replace("kernel[::-1, ::-1].transpose(0, 1, 3, 2)",
                                    "kernel[::-1, ::-1]"):
                "zero insertion slides it with conv2d, which wants (F, F, C_in, C_out): there, "
                "swap the kernel's last two axes",
            _STAMPS.replace("return full[padding:full.shape[0] - padding, "
                            "padding:full.shape[1] - padding, :]",
                            "return full[:full.shape[0] - 2 * padding, "
                            ":full.shape[1] - 2 * padding, :]"):
                "from EACH side",
            _STAMPS.replace("return full[padding:full.shape[0] - padding, "
                            "padding:full.shape[1] - padding, :]",
                            "return full[padding:-padding, padding:-padding, :]"):
                "-0 is 0",
            _STAMPS.replace("return full[padding:full.shape[0] - padding, "
                            "padding:full.shape[1] - padding, :]",
                            "return full[2 * padding:, 2 * padding:, :]"):
                "not 2P from the top and left",
            _ZERO_INSERTION.replace("kernel[::-1, ::-1].transpose", "np.flip(kernel).transpose"):
                "np.flip without an axis flips all four axes",
            _STAMPS.replace("kernel @ x[i, j]", "kernel[:, :, :, 0] * x[i, j, 0]"):
                "only the first input channel",
            # section 5's 2-D loop with channels: the C_out channels of each stamp added up
            _STAMPS.replace("full = np.zeros(((h - 1) * stride + f, (w - 1) * stride + f, c_out))",
                            "full = np.zeros(((h - 1) * stride + f, (w - 1) * stride + f))")
            .replace("] += kernel @ x[i, j]", "] += (kernel @ x[i, j]).sum(-1)")
            .replace("padding:full.shape[1] - padding, :]", "padding:full.shape[1] - padding]")
            .replace("j * stride:j * stride + f, :]", "j * stride:j * stride + f]"):
                "with its C_out channels added together",
            _STAMPS.replace("] += kernel @ x[i, j]", "] += kernel @ x[i, j] + 1"):
                "32 of 32 values are off",
            # indices swapped, x[j, i]: wrong values, then an IndexError on a 2x3 case; the
            # layout is not the cause, so no note on it (test_q6_adds_the_layout_note_only...)
            _STAMPS.replace("kernel @ x[i, j]", "kernel @ x[j, i]"):
                "25 of 32 values are off",
            # H used for both output sizes: a ValueError on the 2x3 case, whose kernel has
            # C_out != C_in; the swapped kernel raises too, so no layout note (test below)
            _H_FOR_BOTH: "your function raised ValueError",
            # a broadcasting slip that raises on a case with C_out = C_in: no layout note there
            _STAMPS.replace("kernel @ x[i, j]", "kernel * x[i, j]"):
                "your function raised ValueError",
            "def conv_transpose(x, kernel, stride=1, padding=0):\n"
            "    return conv2d_transpose(x, kernel, stride=stride, padding=padding)":
                "your function calls conv2d_transpose, which already does what this question",
        },
    },
    "q7": {
        "right": [
            _q7_cell(_COUNTS_LOOPS),
            _q7_cell(_COUNTS_PER_AXIS, "(6, 3)"),
            _q7_cell(_COUNTS_LOOPS.replace("counts[i * s:i * s + f, j * s:j * s + f] += 1",
                                           "for r in range(i * s, i * s + f):\n"
                                           "                for c in range(j * s, j * s + f):\n"
                                           "                    counts[r, c] += 1"),
                     "[f for f in range(2, 8) if f % 3 == 0]"),
            _q7_cell(_COUNTS_LOOPS, "[3, 6]",
                     "q7.check({'stamp_counts': stamp_counts, 'even_f': even_f})"),
        ],
        "wrong": {
            _q7_cell(_COUNTS_LOOPS.replace("] += 1", "] = 1")): "every covered pixel shows 1",
            _q7_cell(_COUNTS_LOOPS.replace("counts[i * s:i * s + f, j * s:j * s + f]",
                                           "counts[i:i + f, j:j + f]")):
                "the stamps are not spaced by the stride",
            _q7_cell(_COUNTS_LOOPS.replace("counts[i * s:i * s + f, j * s:j * s + f]",
                                           "counts[i * s:i * s + f - 1, j * s:j * s + f - 1]")):
                "each stamp covers F - 1 rows and columns in your count, not F",
            _q7_cell(_COUNTS_LOOPS.replace("size = (n - 1) * s + f", "size = n * s")):
                "your map has n * S rows, the size 'same' keeps",
            _q7_cell(_COUNTS_PER_AXIS.replace("np.outer(rows, rows)",
                                              "rows[:, None] + rows[None, :]")):
                "you added the row's count and the column's",
            _q7_cell(_COUNTS_LOOPS.replace("size = (n - 1) * s + f", "size = n - 1 + f").replace(
                "counts[i * s:i * s + f, j * s:j * s + f]", "counts[i:i + f, j:j + f]")):
                "that is the count for stride 1",
            # one stamp too many along each axis: wrong everywhere, no mistake it proves
            _q7_cell(_COUNTS_LOOPS.replace("for i in range(n):\n        for j in range(n):",
                                           "for i in range(n + 1):\n"
                                           "        for j in range(n + 1):")):
                "values are off",
            _q7_cell("def stamp_counts(n, f, s):\n"
                     "    return conv2d_transpose(np.ones((n, n)), np.ones((f, f)), stride=s)"):
                "your function calls conv2d_transpose, which already does what this question",
            # the second part: section 9's counts[2:-2, 2:-2] leaves F = 6's border in
            _q7_cell(_COUNTS_LOOPS, "[f for f in range(2, 8) if len(np.unique("
                                    "stamp_counts(6, f, 3)[2:-2, 2:-2])) == 1]"):
                "F = 6 covers the interior evenly too",
            # a 4x4 input with [f:-f]: F = 7's interior is 2 rows, both under 2 stamps
            _q7_cell(_COUNTS_LOOPS, "[f for f in range(2, 8) if len(np.unique("
                                    "stamp_counts(4, f, 3)[f:-f, f:-f])) == 1]"):
                "F = 7 does not cover the interior evenly",
            _q7_cell(_COUNTS_LOOPS, "list(range(2, 8))"):
                "F < S leaves rows no stamp covers",
            _q7_cell(_COUNTS_LOOPS, "[3, 5]"): "it holds F = 5 (interior counts 1, 2 and 4) "
                                               "and leaves out F = 6 (interior counts all 4)",
            # both parts wrong: each is named
            _q7_cell(_COUNTS_LOOPS.replace("] += 1", "] = 1"), "[3]"):
                "Your list of F: F = 6 covers the interior evenly too",
            # the function alone: right, and the second part is asked for
            _q7_cell(_COUNTS_LOOPS, "____", "q7.check(stamp_counts)"):
                "The question has a second part too",
            _q7_cell(_COUNTS_LOOPS, "____"): "Now the second part: replace ____ in even_f",
            _q7_cell(_COUNTS_LOOPS, "3"): "even_f should be a list of F, e.g. [3]",
        },
    },
    "q8": {
        "right": [
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(8, 4, strides=2, padding=\"same\",\n"
            "                               activation=\"relu\"),\n"
            "        layers.Conv2DTranspose(3, 4, strides=2, padding=\"same\")])",
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(32, 4, strides=2, padding=\"same\"), layers.ReLU(),\n"
            "        layers.Conv2DTranspose(3, (4, 4), strides=(2, 2), padding=\"same\")])",
        ],
        "wrong": {
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(8, 4, strides=2),\n"
            "        layers.Conv2DTranspose(3, 4, strides=2)])":
                "padding 'valid' keeps the full result",
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(8, 4, strides=2),\n"
            "        layers.Conv2DTranspose(3, 4, strides=2, padding=\"same\")])":
                "(your layers: 5 -> 12 -> 24)",
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(8, 4, strides=2, padding=\"same\"),\n"
            "        layers.Conv2DTranspose(1, 4, strides=2, padding=\"same\")])":
                "its channels are the last layer's filters, and the image has 3",
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(8, 3, strides=2, padding=\"same\"),\n"
            "        layers.Conv2DTranspose(3, 3, strides=2, padding=\"same\")])":
                "the question asks for F = 4 and S = 2",
            # the layer numbers would count the UpSampling2D: the message names the layer's kind
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.UpSampling2D(2), layers.Conv2DTranspose(8, 4, padding=\"same\"),\n"
            "        layers.UpSampling2D(2), layers.Conv2DTranspose(3, 4, padding=\"same\")])":
                "your first Conv2DTranspose has kernel_size (4, 4) and strides (1, 1)",
            "def build_decoder():\n    return keras.Sequential([keras.Input((5, 5, 16)),\n"
            "        layers.Conv2DTranspose(3, 4, strides=4, padding=\"same\")])":
                "the model has 1 Conv2DTranspose layer;",
            "(20, 20, 3)": "it must return a Keras model",
        },
    },
}


# --- the expected answers, computed by Keras ----------------------------------------------------


def bottleneck(width):
    return keras.Sequential(
        [
            keras.Input((28, 28, 192)),
            layers.Conv2D(width, 1, name="reduce"),
            layers.Conv2D(32, 5, padding="same", name="conv5x5"),
        ],
        name="bottleneck",
    )


def keras_mults(model):
    # Each output value of a layer costs F * F * C_in multiplications (its kernel's size).
    total = 0
    for layer in model.layers:
        _, o_h, o_w, _ = layer.output.shape
        total += o_h * o_w * int(np.prod(layer.kernel.shape))
    return total


def direct_layer():
    return keras.Sequential([keras.Input((28, 28, 192)),
                             layers.Conv2D(32, 5, padding="same", name="conv5x5")],
                            name="direct")


def test_q1_is_the_widest_squeeze_at_or_under_half_the_direct_cost_in_keras():
    half = keras_mults(direct_layer()) / 2
    assert keras_mults(bottleneck(77)) <= half < keras_mults(bottleneck(78))
    assert lesson.q1.is_correct(77)
    assert not lesson.q1.is_correct(78)
    assert not lesson.q1.is_correct(16)                 # section 2's width costs far less


def keras_dense_head(dense_kernel, height, width, channels):
    """Flatten + Dense on a (height, width, channels) map, with dense_kernel set by hand."""
    head = keras.Sequential([keras.Input((height, width, channels)), layers.Flatten(name="flat"),
                             layers.Dense(dense_kernel.shape[1], use_bias=False, name="fc")],
                            name="fc_head")
    head.get_layer("fc").set_weights([np.asarray(dense_kernel, dtype="float32")])
    return head


def keras_conv_head(conv_kernel):
    """Conv2D with a kernel as large as the map, set by hand."""
    height, width, channels, units = conv_kernel.shape
    layer = layers.Conv2D(units, (height, width), use_bias=False, name="fc_as_conv")
    layer.build((None, height, width, channels))
    layer.set_weights([np.asarray(conv_kernel, dtype="float32")])
    return layer


@pytest.mark.parametrize("case", range(len(lesson._FC_CASES)))
def test_q2_solution_makes_conv2d_compute_what_flatten_dense_computes(case):
    dense_kernel, height, width, channels = lesson._FC_CASES[case]
    maps = np.random.default_rng(case).normal(size=(2, height, width, channels)).astype("float32")
    expected = keras_dense_head(dense_kernel, height, width, channels)(maps).numpy()
    conv = keras_conv_head(lesson.dense_to_conv_kernel(dense_kernel, height, width, channels))
    np.testing.assert_allclose(conv(maps).numpy().reshape(2, -1), expected, rtol=1e-4, atol=1e-3)
    for wrong, message in lesson.Q2_MISTAKES:   # each named mistake computes something else
        got = keras_conv_head(wrong(dense_kernel, height, width, channels))(maps).numpy()
        if case == 0:
            assert not np.allclose(got.reshape(2, -1), expected, atol=1e-3), message


def tf_patches(x, f, stride=1, padding=0):
    """TensorFlow's patches of one (H, W, C) image, one window per row."""
    tf = pytest.importorskip("tensorflow")
    padded = np.pad(x, ((padding, padding), (padding, padding), (0, 0))).astype("float32")
    patches = tf.image.extract_patches(padded[None], sizes=[1, f, f, 1],
                                       strides=[1, stride, stride, 1], rates=[1, 1, 1, 1],
                                       padding="VALID")
    return patches.numpy().reshape(-1, patches.shape[-1])


@pytest.mark.parametrize("case", range(len(lesson._IM2COL_CASES)))
def test_q3_solution_and_reference_match_tensorflow_patches(case):
    args = lesson._IM2COL_CASES[case]
    expected = tf_patches(*args)
    np.testing.assert_allclose(lesson.patch_matrix(*args), expected)
    assert lesson.q3.is_correct(lesson.patch_matrix)
    # the patch matrix times the kernel is TensorFlow's convolution (the column order matters)
    x, f, *rest = args
    stride, padding = (rest[0] if rest else 1), (rest[1] if len(rest) > 1 else 0)
    kernel = np.random.default_rng(case).normal(size=(f, f, x.shape[2], 3))
    conv = tf_conv2d(np.pad(x, ((padding, padding), (padding, padding), (0, 0)))[None], kernel,
                     stride)
    np.testing.assert_allclose((expected @ kernel.reshape(-1, 3)).reshape(conv.shape), conv,
                               rtol=1e-4, atol=1e-3)


def _typed(source, name="patch_matrix"):
    """The function a learner's source text defines, with NumPy as the notebook has it."""
    from course_utils.exercises import ____

    namespace = {"np": np, "____": ____}      # the notebook's globals: ____ is one of them
    exec(source, namespace)
    return namespace[name]


def test_q3_refuses_a_window_count_rounded_up():
    """A case whose (H + 2P - F) / S is not whole tells a count rounded up from one rounded
    down (TensorFlow's patches round down: test above). The note on rounding comes only when
    the answer proves it: right on every whole case, and on the other one it raised (a window
    past the edge) or returned ceil(...) + 1 windows a side. Stopping one window early, by
    // S without + 1 or by range(0, n - f, s), keeps its own message (the fractional case
    once sent the first of them to the generic shape message)."""
    fractional = [args for args in lesson._IM2COL_CASES
                  if any((side + 2 * (args[3] if len(args) > 3 else 0) - args[1])
                         % (args[2] if len(args) > 2 else 1) for side in args[0].shape[:2])]
    assert fractional, "no case has a window count that rounds"
    note = "Round the window count down, O = (H + 2P - F) // S + 1 = 2"

    rounded_up = _typed(_ROUNDED_UP)
    assert not lesson.q3.is_correct(rounded_up)
    message = lesson.q3.feedback(rounded_up)
    assert "raised ValueError" in message and note in message, message
    assert "the count was rounded up" not in message     # a raise alone does not show the count

    def padded_to_fit(x, f, stride=1, padding=0):     # rounds up, pads zeros so windows fit
        x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
        o_h, o_w = (-(-(side - f) // stride) + 1 for side in x.shape[:2])
        x = np.pad(x, ((0, f), (0, f), (0, 0)))
        return np.array([x[i * stride:i * stride + f, j * stride:j * stride + f].ravel()
                         for i in range(o_h) for j in range(o_w)])

    message = lesson.q3.feedback(padded_to_fit)
    assert "3 windows down and 3 across: the count was rounded up" in message and note in message

    for source, own in [(_ONE_SHORT, "stops one window early"),
                        (_RANGE_STOPS_EARLY, "which leaves out n - f itself")]:
        message = lesson.q3.feedback(_typed(source))
        assert message.startswith(f"Not quite: {own}") or own in message, message
        assert note not in message

    def plus_one(x, f, stride=1, padding=0):          # wrong on the whole cases too
        return lesson.patch_matrix(x, f, stride, padding) + 1

    def always_raises(x, f, stride=1, padding=0):
        raise ValueError("not written yet")

    for unproved in (plus_one, always_raises):
        assert note not in lesson.q3.feedback(unproved)
    assert lesson.q3.is_correct(lesson.patch_matrix) and lesson.q3.is_correct(_typed(_PATCH_VIEW))


def test_each_wrong_function_of_q2_q3_q6_q7_is_wrong_and_told_apart():
    """On each question's cases, every wrong function it names differs from the reference
    somewhere, no two of them give the same results on every case (else one message would
    never show), and each gets its own message."""
    for question, mistakes, cases, reference in [
            (lesson.q2, lesson.Q2_MISTAKES, lesson._FC_CASES, lesson.dense_to_conv_kernel),
            (lesson.q3, lesson.Q3_MISTAKES, lesson._IM2COL_CASES, lesson.patch_matrix),
            (lesson.q6, lesson.Q6_MISTAKES, lesson._TRANSPOSE_CASES, lesson.conv_transpose),
            (lesson.q7, lesson.Q7_MISTAKES, lesson._STAMP_CASES, lesson.stamp_counts)]:
        expected = [np.asarray(reference(*case), dtype=float) for case in cases]
        results = {}
        for wrong, message in mistakes:
            outputs = [np.asarray(wrong(*case), dtype=float) for case in cases]
            assert any(o.shape != e.shape or not np.allclose(o, e)
                       for o, e in zip(outputs, expected, strict=True)), message
            assert question.feedback(wrong).startswith(f"Not quite: {message}")
            results[message] = outputs
        for (first, a), (second, b) in itertools.combinations(results.items(), 2):
            assert any(x.shape != y.shape or not np.allclose(x, y)
                       for x, y in zip(a, b, strict=True)), (first, second)


def test_q4_matches_conv2d_transpose():
    valid_shape = keras_output_shape(
        (7, 7, 32), layers.Conv2DTranspose(8, 4, strides=2, name="up_valid"))
    assert lesson.q4.is_correct(valid_shape)
    same_shape = keras_output_shape(
        (7, 7, 32), layers.Conv2DTranspose(8, 4, strides=2, padding="same", name="up_same"))
    assert same_shape != valid_shape and "what padding='same' gives" in lesson.q4.feedback(
        same_shape)
    one_stride = keras_output_shape((7, 7, 32), layers.Conv2DTranspose(8, 4, name="up_s1"))
    assert "stride 1" in lesson.q4.feedback(one_stride)
    down = keras_output_shape((7, 7, 32), layers.Conv2D(8, 4, strides=2, name="down_s2"))
    assert "that is a convolution with stride 2" in lesson.q4.feedback(down)


def keras_transpose(x, kernel):
    """Conv2DTranspose, stride 1, with a 2-D kernel set by hand, on a 2-D input."""
    kernel = np.asarray(kernel, dtype="float32")
    layer = layers.Conv2DTranspose(1, kernel.shape[0], use_bias=False, name="by_hand")
    x = np.asarray(x, dtype="float32")[None, :, :, None]
    layer.build(x.shape)
    # Conv2DTranspose stores its kernel as (kh, kw, out_channels, in_channels).
    layer.set_weights([kernel[:, :, None, None]])
    return np.asarray(layer(x))[0, :, :, 0]


def test_q5_matches_conv2d_transpose_with_the_kernel_set_by_hand():
    assert lesson.q5.is_correct(keras_transpose(lesson.TRANSPOSE_X, lesson.TRANSPOSE_KERNEL))


def test_q5_separates_flip_transpose_and_the_right_answer():
    """The kernel, its transpose and its flip differ, and so do the answers they give in Keras
    (were flipped and transposed the same array, the "transposed" message could never
    appear). Sliding the kernel over the zero-padded input (TensorFlow's cross-correlation) is
    the flipped kernel's answer, as q5's message says."""
    kernel = np.asarray(lesson.TRANSPOSE_KERNEL)
    kernels = {"as is": kernel, "transposed": kernel.T, "flipped": np.flip(kernel)}
    for (a, first), (b, second) in itertools.combinations(kernels.items(), 2):
        assert not np.array_equal(first, second), (a, b)
    answers = {name: keras_transpose(lesson.TRANSPOSE_X, k) for name, k in kernels.items()}
    answers["input transposed"] = keras_transpose(np.asarray(lesson.TRANSPOSE_X).T, kernel)
    for (a, first), (b, second) in itertools.combinations(answers.items(), 2):
        assert not np.allclose(first, second), (a, b)
    slid = tf_conv2d_2d(np.pad(lesson.TRANSPOSE_X, 1), kernel)
    np.testing.assert_allclose(slid, answers["flipped"])
    for wrong, message in lesson.Q5_MISTAKES:
        assert lesson.q5.feedback(wrong).startswith(f"Not quite: {message}")
    for (first, _), (second, _) in itertools.combinations(lesson.Q5_MISTAKES, 2):
        assert np.shape(first) != np.shape(second) or not np.allclose(first, second)


def test_q1_names_one_layer_counted_alone_as_keras_counts_it():
    """Counting only one of the bottleneck's layers against half the direct cost gives a width
    of its own, named; so does the exact, non-whole bound."""
    half = keras_mults(direct_layer()) / 2
    squeeze = lambda w: keras.Sequential([keras.Input((28, 28, 192)),  # noqa: E731
                                          layers.Conv2D(w, 1, name="reduce")], name="squeeze")
    five = lambda w: keras.Sequential([keras.Input((28, 28, w)),  # noqa: E731
                                       layers.Conv2D(32, 5, padding="same", name="c")], name="f")
    assert keras_mults(five(96)) <= half < keras_mults(five(97))
    assert "the 5x5 layer alone costs half" in lesson.q1.feedback(96)
    assert keras_mults(squeeze(400)) <= half < keras_mults(squeeze(401))
    assert "the 1x1 layer only" in lesson.q1.feedback(400)
    assert "channels come whole" in lesson.q1.feedback(half / (keras_mults(bottleneck(1))))
    assert "round the width down" in lesson.q1.feedback(78)


def test_q7_asks_for_a_list_when_given_a_bare_number():
    message = lesson.q7.feedback((lesson.stamp_counts, 3))
    assert "even_f should be a list of F, e.g. [3]" in message
    assert "If you cut" not in message


def test_q5_names_the_ordinary_convolution_tensorflow_computes():
    ordinary = tf_conv2d_2d(lesson.TRANSPOSE_X, lesson.TRANSPOSE_KERNEL)
    assert ordinary.shape == (1, 1)
    assert "an ordinary convolution" in lesson.q5.feedback(ordinary)
    assert "an ordinary convolution" in lesson.q5.feedback(float(ordinary[0, 0]))


def tf_conv2d_transpose(x, kernel, stride=1, padding=0):
    """TensorFlow's transposed convolution of one (H, W, C_in) image, explicit padding P."""
    tf = pytest.importorskip("tensorflow")
    h, w, _ = x.shape
    f, _, c_out, _ = kernel.shape
    out_shape = [1, (h - 1) * stride + f - 2 * padding, (w - 1) * stride + f - 2 * padding, c_out]
    result = tf.nn.conv2d_transpose(np.asarray(x, "float32")[None], np.asarray(kernel, "float32"),
                                    out_shape, strides=stride,
                                    padding=[[0, 0], [padding, padding], [padding, padding],
                                             [0, 0]])
    return result.numpy()[0]


@pytest.mark.parametrize("case", range(len(lesson._TRANSPOSE_CASES)))
def test_q6_solution_matches_tensorflow(case):
    args = lesson._TRANSPOSE_CASES[case]
    np.testing.assert_allclose(lesson.conv_transpose(*args), tf_conv2d_transpose(*args),
                               rtol=1e-5, atol=1e-4)
    assert lesson.q6.is_correct(lesson.conv_transpose)


def test_q6_valid_cases_match_conv2d_transpose_layer():
    """Where Keras's layer has the same padding (P = 0, F >= S: 'valid'), it agrees too."""
    for x, kernel, *rest in lesson._TRANSPOSE_CASES:
        stride, padding = (rest[0] if rest else 1), (rest[1] if len(rest) > 1 else 0)
        if padding or kernel.shape[0] < stride:
            continue
        layer = layers.Conv2DTranspose(kernel.shape[2], kernel.shape[0], strides=stride,
                                       use_bias=False, name="stamps")
        layer.build((None, *x.shape))
        layer.set_weights([kernel.astype("float32")])
        np.testing.assert_allclose(lesson.conv_transpose(x, kernel, stride),
                                   layer(x[None].astype("float32")).numpy()[0], atol=1e-4)


def keras_stamp_counts(n, f, s):
    """Conv2DTranspose with a kernel of ones on an n x n input of ones: each output value is
    the number of stamps covering it ('valid', F >= S: the full result)."""
    layer = layers.Conv2DTranspose(1, f, strides=s, use_bias=False, kernel_initializer="ones",
                                   name="count_stamps")
    return layer(np.ones((1, n, n, 1), dtype="float32")).numpy()[0, :, :, 0]


@pytest.mark.parametrize("case", range(len(lesson._STAMP_CASES)))
def test_q7_solution_counts_what_conv2d_transpose_of_ones_gives(case):
    n, f, s = lesson._STAMP_CASES[case]
    np.testing.assert_array_equal(lesson.stamp_counts(n, f, s), keras_stamp_counts(n, f, s))
    assert lesson.q7.is_correct((lesson.stamp_counts, [3, 6]))


def test_q7_solution_finds_the_kernel_sizes_that_cover_evenly():
    """The solution's answer to "which F from 2 to 7, with S = 3, cover the interior evenly?":
    the multiples of S, as Keras's counts show (F = 2 < S leaves rows of zeros between the
    stamps, which Keras's N * S output keeps too)."""
    even = []
    for f in range(2, 8):
        full, size = keras_stamp_counts(6, f, 3), (6 - 1) * 3 + f
        assert not full[size:].any() and not full[:, size:].any()   # F < S: zero rows after
        counts = full[:size, :size][f:-f, f:-f]
        np.testing.assert_array_equal(lesson.stamp_counts(6, f, 3)[f:-f, f:-f], counts)
        if len(np.unique(counts)) == 1:
            even.append(f)
    assert even == [3, 6] == lesson._Q7_EVEN
    assert "F = 3 and F = 6, the multiples of S" in lesson.q7.solution_text()
    assert lesson.q7.is_correct(lesson.q7.solution_answer)
    assert repr(lesson.q7.solution_answer) == lesson.q7.solution_text()   # the cell to type


def keras_even_sizes(n, cut):
    """The F from 2 to 7 whose counts (Keras's, S = 3) are all the same once `cut(f)` rows and
    columns are cut from each side of the full result."""
    even = []
    for f in range(2, 8):
        size = (n - 1) * 3 + f
        counts = keras_stamp_counts(n, f, 3)[:size, :size]
        if len(np.unique(counts[cut(f):-cut(f), cut(f):-cut(f)])) == 1:
            even.append(f)
    return even


def test_q7_second_part_names_the_two_slicing_traps():
    """Section 9's counts[2:-2, 2:-2] leaves F = 6's border in (only F = 3 looks even); a 4x4
    input with [f:-f] leaves F = 7 two rows, both under 2 stamps (F = 7 looks even). Keras's
    counts give those two lists, and each gets its own message, which says what the list proves
    (F = 6 left out, F = 7 put in) and how to check it, not which slip made it: [3] is also the
    list of a learner who thinks only F = S avoids overlap. Any other list is told which F it
    holds or leaves out, with their interior counts."""
    assert keras_even_sizes(6, lambda f: 2) == [3] == lesson._Q7_CUT_2
    assert keras_even_sizes(4, lambda f: f) == [3, 6, 7] == lesson._Q7_FOUR_INPUTS
    right = lesson.stamp_counts
    assert "F = 6 covers the interior evenly too" in lesson.q7.feedback((right, [3]))
    assert "stamp_counts(6, f, 3)[f:-f, f:-f]" in lesson.q7.feedback((right, [3]))
    assert "F = 7 does not cover the interior evenly" in lesson.q7.feedback((right, [7, 6, 3]))
    for guessed in ("If you cut", "section 9", "hides it", "4x4"):     # no cause it cannot prove
        assert guessed not in lesson.q7.feedback((right, [3])), guessed
        assert guessed not in lesson.q7.feedback((right, [3, 6, 7])), guessed
    assert "interior counts are 4, 6 and 9" in lesson.q7.feedback((right, [3, 6, 7]))
    other = lesson.q7.feedback((right, [3, 6, 2]))
    assert "it holds F = 2 (interior counts 0 and 1: F < S leaves rows" in other
    assert "hides it" not in other and "section 9" not in other
    for right_list in ([3, 6], (6, 3), {3, 6}, np.array([3, 6]), [3.0, 6.0], range(3, 7, 3)):
        assert lesson.q7.is_correct((right, right_list)), right_list
    assert lesson.q7.is_correct({"stamp_counts": right, "even_f": [3, 6]})
    for odd in ("3, 6", [[3], [6]], [3, 6, 9], [3, 6.5], True):
        assert lesson.q7.feedback((right, odd)).startswith(
            "Not quite: your stamp_counts is right, your list of F is not: "), odd


def test_q7_checks_each_part_and_says_which_is_right():
    """The function alone is checked and asked for the list; a right function with the list
    still ____ is told to fill it in; the stored cell (both ____) is not answered yet; a wrong
    function with the right list gets the function's message, and that the list is right."""
    from course_utils.exercises import NOT_ANSWERED, ____

    unfinished = _typed("def stamp_counts(n, f, s):\n    return ____", "stamp_counts")
    right, wrong = lesson.stamp_counts, lesson._counts_set
    assert lesson.q7.feedback((unfinished, ____)) == NOT_ANSWERED
    assert "The question has a second part too" in lesson.q7.feedback(right)
    assert "Now the second part: replace ____" in lesson.q7.feedback((right, ____))
    assert "stamp_counts still holds ____" in lesson.q7.feedback((unfinished, [3, 6]))
    message = lesson.q7.feedback((wrong, [3, 6]))
    assert message.startswith("Not quite: every covered pixel shows 1")
    assert "(Your list of F is right.)" in message
    assert "Your list of F: F = 6 covers" in lesson.q7.feedback((wrong, [3]))
    assert "give the two parts" in lesson.q7.feedback([3, 6])


def test_q7_runs_the_function_of_a_two_part_answer_once_per_case():
    calls = []

    def stamp_counts(n, f, s):
        calls.append((n, f, s))
        return lesson.stamp_counts(n, f, s) + (f == 5)      # wrong on one case only

    assert not lesson.q7.is_correct((stamp_counts, [3, 6]))
    assert len(calls) == len(set(calls)) == len(lesson._STAMP_CASES)


def test_q7_tells_a_function_that_calls_a_transposed_convolution_to_write_it():
    from course_utils import conv2d_transpose

    def stamp_counts(n, f, s):
        return conv2d_transpose(np.ones((n, n)), np.ones((f, f)), stride=s)

    assert "already does what this question asks" in lesson.q7.feedback(stamp_counts)
    assert lesson.q7.is_correct((_typed(_COUNTS_PER_AXIS, "stamp_counts"), [3, 6]))


def test_q4_says_a_batch_axis_is_not_part_of_the_answer_but_accepts_it():
    for with_batch in [(None, 16, 16, 8), (1, 16, 16, 8)]:
        assert lesson.q4.feedback(with_batch) == (
            "Correct! (The batch axis is not part of the answer: the question asks for one "
            "image's shape, (height, width, channels), so (16, 16, 8). It is accepted.)")
    assert lesson.q4.feedback((16, 16, 8)) == "Correct!"


def test_q3_tells_a_function_that_calls_the_course_im2col_to_write_it():
    from course_utils import conv2d_im2col, im2col

    def patch_matrix(x, f, stride=1, padding=0):
        return im2col(x, f, stride=stride, padding=padding)

    # patch_matrix reaches im2col as a free variable (imported in this function)
    for helper_based in (patch_matrix, im2col, conv2d_im2col):
        assert "already does what this question asks" in lesson.q3.feedback(helper_based)
    assert lesson.q3.is_correct(lesson.patch_matrix)


def test_q6_adds_the_layout_note_only_when_a_layout_swap_fits():
    """A function that reads the kernel as Conv2D's (F, F, C_in, C_out) (a ValueError on a case
    with C_out != C_in, cured by swapping the kernel's last two axes) gets the note on the
    kernel's layout; one raising on a C_out = C_in case, one raising an IndexError (indices
    swapped, x[j, i]), one returning C_in channels that the swap does not cure, or a wrong
    function with the right layout, does not."""
    def plus_one(x, kernel, stride=1, padding=0):
        return lesson.conv_transpose(x, kernel, stride, padding) + 1

    def conv2d_layout(x, kernel, stride=1, padding=0):   # reads (F, F, C_in, C_out)
        return lesson.conv_transpose(x, kernel.transpose(0, 1, 3, 2), stride, padding)

    def conv2d_layout_summed(x, kernel, stride=1, padding=0):   # returns C_in channels
        out = lesson.conv_transpose(x, kernel.transpose(0, 1, 3, 2)
                                    if kernel.shape[2] == kernel.shape[3] else kernel, stride,
                                    padding)
        return out if kernel.shape[2] == kernel.shape[3] else \
            np.repeat(out.sum(-1, keepdims=True), x.shape[2], axis=-1)

    def broadcasts(x, kernel, stride=1, padding=0):   # raises on the first case, C_out = C_in
        full = np.zeros(((x.shape[0] - 1) * stride + kernel.shape[0],
                         (x.shape[1] - 1) * stride + kernel.shape[1], kernel.shape[2]))
        full[:kernel.shape[0], :kernel.shape[1]] += kernel * x[0, 0]
        return full

    note = "kernel.shape[2] is C_out"
    swapped_indices = _typed(_STAMPS.replace("kernel @ x[i, j]", "kernel @ x[j, i]"),
                             "conv_transpose")
    with pytest.raises(IndexError):        # on the 2x3 case: an IndexError, not a layout slip
        swapped_indices(*lesson._TRANSPOSE_CASES[3])
    assert note not in lesson.q6.feedback(swapped_indices)
    assert note not in lesson.q6.feedback(plus_one)
    assert "raised ValueError" in lesson.q6.feedback(broadcasts)
    assert note not in lesson.q6.feedback(broadcasts)     # C_in = C_out: not the layout
    assert note in lesson.q6.feedback(conv2d_layout)
    assert note not in lesson.q6.feedback(conv2d_layout_summed)   # the swap does not cure it


def test_q6_gives_no_layout_note_when_h_is_used_for_both_sizes():
    """H used for both output sizes raises a ValueError on the 2x3 case, whose kernel has
    C_out != C_in, but the layout is not the cause: with the kernel's last two axes swapped
    it still raises, so the message shows the error and no note on the layout."""
    h_for_both = _typed(_H_FOR_BOTH, "conv_transpose")
    with pytest.raises(ValueError):
        h_for_both(*lesson._TRANSPOSE_CASES[3])
    message = lesson.q6.feedback(h_for_both)
    assert "raised ValueError" in message
    assert "kernel.shape[2] is C_out" not in message


def test_q6_names_output_channels_added_together_not_a_missing_axis():
    """A function that adds each stamp's C_out channels together (section 5's 2-D loop with
    kernel @ x[i, j]) returns a 2-D map. The first case has C_out = 2, so its message cannot be
    the shape check's "add an axis of size 1"; it is told what it did, on every case."""
    x, kernel = lesson._TRANSPOSE_CASES[0][:2]
    assert kernel.shape[2] >= 2 and kernel.shape[2] == kernel.shape[3]

    def summed(x, kernel, stride=1, padding=0):
        return lesson.conv_transpose(x, kernel, stride, padding).sum(axis=-1)

    message = lesson.q6.feedback(summed)
    assert "with its C_out channels added together" in message
    assert "axis of size 1" not in message and "reshape" not in message


def test_q6_tells_a_function_that_calls_a_transposed_convolution_to_write_it():
    """q6, like q3, cannot be passed by wrapping what already computes it."""
    import course_utils

    def conv_transpose(x, kernel, stride=1, padding=0):
        return course_utils.conv2d_transpose(x, kernel, stride=stride, padding=padding)

    assert lesson.q6.feedback(conv_transpose).startswith(
        "Not quite: your function calls course_utils.conv2d_transpose, which already does")
    assert lesson.q6.is_correct(lesson.conv_transpose)


def test_q4_a_size_that_is_not_whole_is_not_sent_to_the_ordinary_formula():
    slash = ((7 - 4) / 2 + 1,) * 2 + (8,)
    assert "the ordinary convolution's output size" in lesson.q4.feedback(slash)
    for answer in (slash, (16, 16, 8.5), (16.5, 16.5, 8)):
        assert "divide with //" not in lesson.q4.feedback(answer)
    assert lesson.q4.is_correct((16.0, 16.0, 8.0))


def test_q8_solution_gives_the_asked_shape_and_valid_padding_does_not():
    assert tuple(lesson.q8.solution_answer().output_shape) == (None, 20, 20, 3)
    assert lesson.q8.is_correct(lesson.q8.solution_answer)
    assert keras_output_shape((5, 5, 16), layers.Conv2DTranspose(3, 4, strides=2))[:2] == (12, 12)


def test_part_2_and_going_further_run_after_the_setup_alone_in_a_new_kernel():
    """Cell 0 says: to start Part 2 in a new session, run the two code cells under the
    introduction, then go on from section 5's heading. Run exactly that (Part 1 skipped) in a
    fresh kernel: no cell of Part 2 or Going further needs a name Part 1 defined, and section 8
    prints the stored numbers (x_6x6 and how far off the round trip stays)."""
    path, notebook = read_lesson("04")
    intro = notebook.cells[0].source
    assert "run the two code cells under this introduction (the setup), then\ngo on from the " \
        'heading "5. Transposed convolution"' in intro
    assert [cell.cell_type for cell in notebook.cells[1:3]] == ["code", "code"]
    assert notebook.cells[3].cell_type == "markdown"
    part2 = heading_index(notebook, "## 5. Transposed convolution")
    indices = [1, 2, *range(part2, len(notebook.cells))]
    rerun = run_cells(path, notebook, indices)
    # Part 2 draws from its own seed: the new kernel prints section 8's stored numbers
    stored, again = (next(cell for cell in cells if "matrix_rank(C)" in cell.source)
                     for cells in (notebook.cells, rerun))
    assert "% off" in printed(stored) and printed(again) == printed(stored)
    going_further = heading_index(notebook, "## Going further")
    assert going_further > part2 and "one pass:" in "".join(printed(cell) for cell in rerun)
