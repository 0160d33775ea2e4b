"""Lesson 03 exercises: the expected answers agree with what Keras computes (the reference is
Keras, not the exercise module), the questions separate the mistakes they name (each mistake
gives an answer of its own), and LEARNER_ANSWERS lists what a learner may type into each
exercise cell with the message each must print (run in the notebook's kernel by
tests/kernel_checks.py)."""

from __future__ import annotations

import functools
import inspect
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from course_utils import pool2d
from course_utils.exercises import exercises_in
from course_utils.exercises import lesson03 as lesson
from tests.reference import keras_output_shape
from tests.reference import keras_pool_2d as keras_pool

keras = pytest.importorskip("keras")
layers = keras.layers

EXERCISES = exercises_in(lesson)
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_pooling.ipynb"

_ZERO_START = """\
def max_pool(x, size):
    rows, cols = x.shape[0] // size, x.shape[1] // size
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for value in x[i * size:(i + 1) * size, j * size:(j + 1) * size].ravel():
                out[i, j] = max(out[i, j], value)
    return out"""

_PARTIAL_WINDOWS = """\
def max_pool(x, size):
    rows, cols = -(-x.shape[0] // size), -(-x.shape[1] // size)
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = x[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out"""

_STRIDE_ONE = """\
def max_pool(x, size):
    rows, cols = x.shape[0] - size + 1, x.shape[1] - size + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = x[i:i + size, j:j + size].max()
    return out"""

_ROWS_FOR_BOTH = """\
def max_pool(x, size):
    n = x.shape[0] // size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = x[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out"""

_ONE_SHORT = """\
def max_pool(x, size):
    rows = []
    for i in range(0, x.shape[0] - size, size):
        row = []
        for j in range(0, x.shape[1] - size, size):
            row.append(x[i:i + size, j:j + size].max())
        rows.append(row)
    return np.array(rows)"""

_ONE_SHORT_ZEROS = """\
def max_pool(x, size):
    out = np.zeros((x.shape[0] // size, x.shape[1] // size))
    for i in range(0, x.shape[0] - size, size):
        for j in range(0, x.shape[1] - size, size):
            out[i // size, j // size] = x[i:i + size, j:j + size].max()
    return out"""

_INTEGER_ARRAY = """\
def max_pool(x, size):
    rows, cols = x.shape[0] // size, x.shape[1] // size
    out = np.zeros((rows, cols), dtype=int)
    for i in range(rows):
        for j in range(cols):
            out[i, j] = x[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out"""

_LOOPS = _INTEGER_ARRAY.replace(", dtype=int", "")

_VECTORISED = """\
def max_pool(x, size):
    x = np.asarray(x)
    rows, cols = x.shape[0] // size, x.shape[1] // size
    windows = x[:rows * size, :cols * size].reshape(rows, size, cols, size)
    return windows.max(axis=(1, 3))"""

_FIELD_LOOP = """\
def field_size(stack):
    field, step = 1, 1
    for f, s in stack:
        field += (f - 1) * step
        step *= s
    return field"""

_FIELD_BACKWARDS = """\
def field_size(stack):
    field = 1                       # from the last layer's one value back to the input
    for f, s in reversed(stack):
        field = (field - 1) * s + f
    return field"""

_FIELD_OWN_STRIDE = """\
def field_size(stack):
    field, step = 1, 1
    for f, s in stack:
        step *= s
        field += (f - 1) * step
    return field"""

_FIELD_OWN_STRIDE_ONLY = """\
def field_size(stack):
    field = 1
    for f, s in stack:
        field += (f - 1) * s
    return field"""

_WINDOWS_ONE_APART = _LOOPS.replace("x[i * size:(i + 1) * size, j * size:(j + 1) * size]",
                                    "x[i:i + size, j:j + size]")

# q7 and q8 forbid Keras and TensorFlow under every name (round 27's review passed these)
_KERAS_ALIAS = """\
def max_pool(x, size):
    batch = x[None, :, :, None].astype("float32")
    return keras.layers.MaxPool2D(size)(batch).numpy()[0, :, :, 0]"""

_OPS_MAX_POOL = """\
def max_pool(x, size):
    batch = x[None, :, :, None].astype("float32")
    return keras.ops.convert_to_numpy(keras.ops.max_pool(batch, size))[0, :, :, 0]"""

_TF_MAX_POOL = """\
def max_pool(x, size):
    import tensorflow as tf
    batch = x[None, :, :, None].astype("float32")
    return tf.nn.max_pool(batch, size, size, "VALID").numpy()[0, :, :, 0]"""

_FIELD_WHOLE_KERNELS = """\
def field_size(stack):
    field, step = 0, 1
    for f, s in stack:
        field += f * step
        step *= s
    return field"""

_FIELD_WHOLE_KERNELS_FROM_ONE = _FIELD_WHOLE_KERNELS.replace("field, step = 0, 1",
                                                             "field, step = 1, 1")

_FIELD_STRIDE_ONE_ONLY = """\
def field_size(stack):
    field, step = 1, 1
    for f, s in stack:
        if s == 1:
            field += (f - 1) * step
        step *= s
    return field"""

_RESHAPE_IN_READING_ORDER = """\
def max_pool(x, size):
    rows, cols = x.shape[0] // size, x.shape[1] // size
    windows = x[:rows * size, :cols * size].reshape(rows, cols, size, size)
    return windows.max(axis=(2, 3))"""

# A right max_pool that names its own output or helper `pool`, read inside a comprehension:
# the notebook's global `pool` (a MaxPooling2D layer, section 3) is not what it calls.
_OWN_POOL_ARRAY = """\
def max_pool(x, size):
    rows, cols = x.shape[0] // size, x.shape[1] // size
    pool = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            pool[i, j] = x[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return [[pool[i, j] for j in range(cols)] for i in range(rows)]"""

_OWN_POOL_HELPER = """\
def max_pool(x, size):
    def pool(window):
        return window.max()

    rows, cols = x.shape[0] // size, x.shape[1] // size
    return np.array([[pool(x[i * size:(i + 1) * size, j * size:(j + 1) * size])
                      for j in range(cols)] for i in range(rows)])"""

# What a learner types into each exercise cell (source text) -> a fragment of the message it
# must print. "right" answers print "Correct!". Each wrong answer is a mistake the lesson
# predicts, and gets the message that names it.
LEARNER_ANSWERS = {
    "q1": {
        "right": ["[[6, 5], [3, 4]]", "np.array([[6, 5], [3, 4]])", "[[6.0, 5.0], [3.0, 4.0]]",
                  "((6, 5), (3, 4))"],
        "wrong": {
            "[[6, 5, 5], [6, 7, 4], [3, 3, 4]]":
                "A 3x3 result has nine windows, the number stride 1",
            "[[3.5, 2.0], [1.5, 2.5]]": "averages of the windows",
            "[[1, 2], [3, 1]]": "top-left values",
            "[[1, 0], [0, 1]]": "smallest values",
            "[[14, 8], [6, 10]]": "sums of the windows",
            "[[6, 6, 5], [6, 6, 5], [3, 4, 4]]": "stride 1",
            "[6, 5, 3, 4]": "different arrangement",
            "6": "one number, 6; 4 values are expected",
            "[[6, 8], [3, 4]]": "maxima of section 2's map x",
        },
    },
    "q2": {
        "right": ["[[3.5, 2.0], [1.5, 2.5]]", "np.array([[3.5, 2], [1.5, 2.5]])",
                  "[[7 / 2, 2], [3 / 2, 5 / 2]]"],
        "wrong": {
            "[[6, 5], [3, 4]]": "those are the maxima",
            "[[14, 8], [6, 10]]": "divide by the 4 values",
            "[[3, 2], [1, 2]]": "rounded down",
            "[[3.5, 4, 2], [3.5, 3.25, 2], [1.5, 2, 2.5]]": "stride 1",
            "[[3,5, 2.0], [1,5, 2.5]]": "a decimal comma? Python reads 3,5 as two numbers",
            "[[3,5, 2], [1,5, 2,5]]": "a decimal comma? Python reads 3,5 as two numbers",
            "[[3,5, 2,0], [1,5, 2,5]]": "a decimal comma? Python reads 3,5 as two numbers",
            "[[4, 2], [2, 2]]": "rounded to whole numbers",     # a half to even (NumPy)
            "[[4, 2], [2, 3]]": "rounded to whole numbers",     # a half up (by hand)
            "[[7, 4], [3, 5]]": "divide by 4",
            "[[3.25, 5.25], [2, 2]]": "means of section 2's map x",
        },
    },
    "q3": {
        "right": ["(12, 12, 32)", "[12, 12, 32]", "np.array([12, 12, 32])", "(None, 12, 12, 32)",
                  "keras.Input((12, 12, 32)).shape"],
        "wrong": {
            "(10, 10, 32)": "first Conv2D was taken as 'valid'",
            "(16, 16, 32)": "the second Conv2D has the default padding='valid'",
            "(14, 14, 32)": "or the 'valid' 5x5 removed 2 instead of 4",
            "(2, 12, 12, 32)": "stands where a batch axis would",
            "(11, 11, 32)": "count the first position",
            "(13, 13, 32)": "the last row fills no window and is dropped",
            "(29, 29, 32)": "MaxPooling2D(2) halves",
            "(28, 28, 32)": "strides default to the pool size",
            "(12, 12, 3)": "not from the image",
            "(12, 12, 16)": "32 filters make 32 channels",
            "(32, 12, 12)": "Channels come last",
            "'(12, 12, 32)'": "the text '(12, 12, 32)': write the shape as a tuple of numbers, "
                              "without quotes: (12, 12, 32).",
            "'13x13x32'": "without quotes: (13, 13, 32).",
        },
    },
    "q4": {
        "right": ["[0, 2]", "(0, 2)", "[2, 0]", "{0, 2}", "np.array([0, 2])", "[0.0, 2.0]",
                  "q4.solution_answer"],
        "wrong": {
            "[1]": "from column 1 the pooled map CHANGES",
            "[0, 1, 2]": "not for column 1",
            "[]": "either you pooled with stride 1",
            "[0]": "column 2 too",
            "[2]": "column 0 too",
            "[0, 1]": "is not the list of columns",                 # no rule proves a cause
            "2": "your answer is one number, 2",
            "[0, 3]": "3 is not one of them",
            "[0, 2, 2]": "names column 2 more than once: list each starting column once",
            "[0.5, 2]": "whole numbers",
            "[True, False, True]": "holds True/False values",
            "[1, 3]": "the columns the pixel moves TO, or you counted from 1",
        },
    },
    "q5": {
        "right": ["(20490, 1290)", "[20490, 1290]", "np.array([20490, 1290])",
                  "((4 * 4 * 128 + 1) * 10, (128 + 1) * 10)"],
        "wrong": {
            "(20480, 1280)": "add 10 to both",
            "(20481, 1281)": "one bias per unit",
            "(1290, 20490)": "swapped",
            "(2049, 129)": "Dense(10) has 10 units",
            "(20490, 170)": "one number per CHANNEL",
            "20490": "one number, 20490; 2 values are expected",
            "(2048, 128)": "lengths of the vectors",
            "(20480, 1290)": "the Flatten count lacks its 10 biases",
            "(20490, 1280)": "the global-average-pooling count lacks its 10 biases",
            "(31370, 650)": "section 7's numbers",
            "(20490, 650)": "650 is section 7's global-average-pooling count",
            "(31370, 1290)": "31370 is section 7's Flatten count",
            "('20,490', '1,290')": "remove the quotes and the thousands commas, (20490, 1290)",
            "('20490', '1290')": "remove the quotes",
            "(170, 1290)": "the Flatten count uses 4 * 4 = 16 inputs",
            "(20490, 20490)": "both numbers are the Flatten count",
            "(20,490, 1,290)": "If you typed numbers with thousands commas (20,490, 1,290)",
            "q5.check(20,490, 1,290)": "write (20490, 1290)",
        },
    },
    "q6": {
        "right": [_FIELD_LOOP, _FIELD_BACKWARDS],
        "wrong": {
            "def field_size(stack):\n    return receptive_field(stack)":
                "your function calls receptive_field, which already does what this question "
                "asks",
            "def field_size(stack):\n    return 1 + sum(f - 1 for f, s in stack)":
                "it ignores the strides",
            _FIELD_OWN_STRIDE: "by its own stride too",
            _FIELD_OWN_STRIDE_ONLY: "by that layer's own stride",
            _FIELD_LOOP.replace("field, step = 1, 1", "field, step = 0, 1"):
                "one pixel short on every stack",
            "def field_size(stack):\n    return int(np.prod([f for f, s in stack]))":
                "either it multiplies the kernel sizes, or its step grows by F",
            _FIELD_LOOP.replace("step *= s", "step *= f"):
                "either it multiplies the kernel sizes, or its step grows by F",
            _FIELD_WHOLE_KERNELS: "adds each layer's whole F",
            _FIELD_WHOLE_KERNELS_FROM_ONE: "one of its F values is the field already counted",
            _FIELD_STRIDE_ONE_ONLY: "it adds nothing for a layer with a stride above 1",
            "def field_size(stack):\n    return sum(f for f, s in stack)":
                "; the expected value is",
            "def field_size(stack):\n    field = 1\n    for f, s in stack:\n"
            "        field += f - 1": "`return` statement",
        },
    },
    "q7": {
        "right": [_VECTORISED, _LOOPS, _LOOPS.replace("np.zeros((rows, cols))",
                                                      "np.zeros_like(x, shape=(rows, cols))"),
                  # the learner's own helper named like the lesson's layer (round 21's review)
                  "def pool(window):\n    return window.max()\n\n\n"
                  "def max_pool(x, size):\n"
                  "    rows, cols = x.shape[0] // size, x.shape[1] // size\n"
                  "    return np.array([[pool(x[i * size:(i + 1) * size, j * size:(j + 1) * size])"
                  "\n                      for j in range(cols)] for i in range(rows)])",
                  # the same names read inside a comprehension (round 28's review)
                  _OWN_POOL_ARRAY, _OWN_POOL_HELPER],
        "wrong": {
            "def max_pool(x, size):\n    return x[::size, ::size]": "top-left value",
            "def max_pool(x, size):\n    return pool2d(x, size)":
                "your function calls pool2d, which already does what this question asks",
            "def max_pool(x, size):\n    rows, cols = x.shape[0] // size, x.shape[1] // size\n"
            "    return x[:rows * size, :cols * size].reshape(rows, size, cols, size)"
            ".mean(axis=(1, 3))": "averages each window",
            _ZERO_START: "its maxima are never below 0",
            "def max_pool(x, size):\n    rows, cols = x.shape[0] // size, x.shape[1] // size\n"
            "    x = np.maximum(x, 0)\n"
            "    return x[:rows * size, :cols * size].reshape(rows, size, cols, size)"
            ".max(axis=(1, 3))": "clips negative values",
            _PARTIAL_WINDOWS: "keeps the partial windows",
            _STRIDE_ONE: "moves the window by 1",
            _ROWS_FOR_BOTH: "uses the number of rows for the columns",
            "def max_pool(x, size):\n    out = x[::size, ::size].copy()": "`return` statement",
            _ONE_SHORT: "stops one window early",
            "def max_pool(x, size):\n    rows, cols = x.shape[0] // size, x.shape[1] // size\n"
            "    return x.reshape(rows, size, cols, size).max(axis=(1, 3))":
                "needs sides that are multiples of size: crop first",
            _ONE_SHORT_ZEROS: "keeps its starting 0s when x's number of rows",
            _RESHAPE_IN_READING_ORDER: "reshapes into (rows, cols, size, size)",
            _INTEGER_ARRAY: "lose their decimals on the case with decimals (the last one), cut "
                            "toward 0",
            _LOOPS.replace(" = x[", " = int(x[").replace(".max()", ".max())"):
                "lose their decimals",
            _LOOPS.replace(" = x[", " = np.floor(x[").replace(".max()", ".max())"):
                "rounded down to whole numbers",
            _WINDOWS_ONE_APART: "its windows start at (i, j), one pixel apart",
            _KERAS_ALIAS: "your function calls keras.layers.MaxPool2D, which already does",
            _OPS_MAX_POOL: "your function calls keras.ops.max_pool, which already does",
            _TF_MAX_POOL: "your function calls tf.nn.max_pool, which already does",
        },
    },
    "q8": {
        "right": ["def global_average_pool(x):\n    return x.mean(axis=(0, 1))",
                  "def global_average_pool(x):\n"
                  "    return np.array([x[:, :, c].mean() for c in range(x.shape[2])])",
                  "def global_average_pool(x):\n"
                  "    return x.sum(axis=(0, 1)) / (x.shape[0] * x.shape[1])"],
        "wrong": {
            "def global_average_pool(x):\n    return x.mean()": "one mean per CHANNEL",
            "def global_average_pool(x):\n"
            "    return keras.layers.GlobalAveragePooling2D()(x[None]).numpy()[0]":
                "your function calls keras.layers.GlobalAveragePooling2D, which already does",
            "def global_average_pool(x):\n"
            "    return keras.layers.GlobalAvgPool2D()(x[None]).numpy()[0]":
                "your function calls keras.layers.GlobalAvgPool2D, which already does",
            "def global_average_pool(x):\n"
            "    return keras.ops.average_pool(x[None], x.shape[:2]).numpy()[0, 0, 0]":
                # the framework names it bare: average_pool( also ends global_average_pool(
                "average_pool, which already does what this question asks",
            "def global_average_pool(x):\n    return x.mean(axis=-1)":
                "averages over the channels",
            "def global_average_pool(x):\n    return x.mean(axis=0)": "over the rows (axis 0)",
            "def global_average_pool(x):\n    return x.sum(axis=(0, 1))": "it sums each channel",
            "def global_average_pool(x):\n    return x.sum(axis=(0, 1)) / x.size":
                "divides each channel's sum by H * W * C",
            "def global_average_pool(x):\n    return x.mean(axis=(0, 1)).round(3)":
                "rounds or cuts the means",
            "def global_average_pool(x):\n    return x.astype(np.float16).mean(axis=(0, 1))":
                "as float16 (dtype float16)",
            "def global_average_pool(x):\n"
            "    return x.astype('float16').mean(axis=(0, 1)).astype(float)":
                "is a float16 number",
            "def global_average_pool(x):\n    return x.mean(axis=(0, 1)).round(4)":
                "rounds or cuts the means",
            "def global_average_pool(x):\n"
            "    return np.array([float(f'{m:.3g}') for m in x.mean(axis=(0, 1))])":
                "rounds or cuts the means",
            "def global_average_pool(x):\n"
            "    return x.sum(axis=(0, 1)) // (x.shape[0] * x.shape[1])":
                "rounds or cuts the means",
            "def global_average_pool(x):\n    return np.median(x, axis=(0, 1))":
                "where you have 4.0 and the expected value is 4.1875.",
            "def global_average_pool(x):\n    return x.max(axis=(0, 1))": "global MAX pooling",
            "def global_average_pool(x):\n    return x.sum(axis=(0, 1)) / x.shape[0] ** 2":
                "as if the map were square",
            "def global_average_pool(x):\n    return x.mean(axis=(0, 1), keepdims=True)":
                "keeps the two averaged axes",
            "def global_average_pool(x):\n    return x.mean(axis=(1, 2))":
                "the height and width of a BATCH",
            "def global_average_pool(x):\n"
            "    return np.array([x[c].mean() for c in range(x.shape[0])])":
                "or of a channels-first stack (C, H, W), PyTorch's layout",
            "def global_average_pool(x):\n    return np.mean(x, axis=(0, 2))":
                "the returned array has shape",
        },
    },
}


# --- the expected answers, computed by Keras ----------------------------------------------------


def test_q1_q2_match_keras_pooling():
    expected_max = keras_pool(layers.MaxPooling2D(2, name="pool_max"), lesson.POOL_X)
    expected_average = keras_pool(layers.AveragePooling2D(2, name="pool_avg"), lesson.POOL_X)
    assert lesson.q1.is_correct(expected_max)
    assert lesson.q2.is_correct(expected_average)
    # the mistakes q1 and q2 name are told apart: max, mean, min, top-left and sum all differ
    stride_one = keras_pool(layers.MaxPooling2D(2, strides=1, name="pool_s1"), lesson.POOL_X)
    assert stride_one.shape == (3, 3)
    candidates = [expected_max, expected_average, lesson.POOL_X[::2, ::2],
                  -keras_pool(layers.MaxPooling2D(2, name="pool_min"), -lesson.POOL_X),
                  expected_average * 4, np.floor(expected_average)]
    for a, b in itertools.combinations(candidates, 2):
        assert not np.array_equal(a, b), (a, b)


def test_q1_q2_name_pooling_section_2s_map_instead_of_pool_x():
    """The notebook's x (section 2) pooled by Keras: a learner who pools it is told so."""
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(lesson._SECTION_2_X, x)
    most = keras_pool(layers.MaxPooling2D(2, name="pool_x_max"), x)
    mean = keras_pool(layers.AveragePooling2D(2, name="pool_x_avg"), x)
    assert "maxima of section 2's map x" in lesson.q1.feedback(most)
    assert "means of section 2's map x" in lesson.q2.feedback(mean)


def _stack(first="same", second="valid", pool=True, pool_stride=None, pool_padding="valid"):
    stack = [layers.Conv2D(16, 5, padding=first, name="conv1")]
    if pool:
        stack.append(layers.MaxPooling2D(2, strides=pool_stride, padding=pool_padding,
                                         name="pool1"))
    stack.append(layers.Conv2D(32, 5, padding=second, name="conv2"))
    return keras_output_shape((33, 33, 3), *stack)


def test_q3_matches_a_keras_model():
    model = keras.Sequential(
        [
            keras.Input((33, 33, 3)),
            layers.Conv2D(16, 5, padding="same", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(32, 5, name="conv2"),
        ],
        name="stack",
    )
    assert lesson.q3.is_correct(model.output_shape)
    assert lesson.q3.is_correct(model.output_shape[1:])


def test_q3_padding_mistakes_give_different_sizes_in_keras():
    """Each mix-up q3 names gives its own size, so its message can name it (with a 3x3 first
    layer, taking it as 'valid' and forgetting the + 1 would both give 11 -> 5 after a pool)."""
    keras_sizes = {
        "first layer taken as 'valid'": _stack(first="valid")[0],
        "second layer taken as 'same'": _stack(second="same")[0],
        "paddings swapped": _stack(first="valid", second="same")[0],
        "forgot the pooling": _stack(pool=False)[0],
        "pooling with stride 1": _stack(pool_stride=1)[0],
        "pooling rounded up": _stack(pool_padding="same")[0],
    }
    for mistake, size in keras_sizes.items():
        assert lesson.Q3_MISTAKE_SIZES[mistake] == size, mistake
    right = _stack()[0]
    sizes = [right, *lesson.Q3_MISTAKE_SIZES.values()]
    assert len(set(sizes)) == len(sizes), lesson.Q3_MISTAKE_SIZES


def test_q3_a_size_two_slips_give_names_both():
    """33 is odd, so forgetting the pooling's + 1 changes the size: it gives the size of
    'forgot + 1 in the second layer' (11), and with that + 1 also gone, the size of 'first
    layer taken as valid' (10). Those messages must name the pooling's + 1 too (a review
    found them naming one cause the answer did not prove)."""
    named = set(lesson.Q3_MISTAKE_SIZES.values())
    assert set(lesson.Q3_SAME_SIZE_SLIPS.values()) <= named
    for slip, size in lesson.Q3_SAME_SIZE_SLIPS.items():
        message = lesson.q3.feedback((size, size, 32))
        assert "the pooling's" in message and "either" in message, (slip, message)


def test_q4_columns_are_where_keras_max_pooling_stays_the_same():
    """q4's answer is measured on Keras's MaxPooling2D(2): the starting columns where moving the
    one bright pixel right leaves the pooled map as it was; with stride 1 there are none (the
    answer q4 names with that cause)."""
    def unchanged(pool):
        starts = []
        for col in range(3):
            before, after = np.zeros((4, 4)), np.zeros((4, 4))
            before[1, col], after[1, col + 1] = 1, 1
            if np.array_equal(keras_pool(pool, before), keras_pool(pool, after)):
                starts.append(col)
        return starts

    expected = unchanged(layers.MaxPooling2D(2, name="pool"))
    assert lesson.q4.is_correct(expected)
    stride_one = unchanged(layers.MaxPooling2D(2, strides=1, name="pool_s1"))
    assert stride_one == [] and "pooled with stride 1" in lesson.q4.feedback(stride_one)
    wrongs = [sorted(wrong) for wrong, _ in lesson.Q4_MISTAKES]
    assert sorted(expected) not in wrongs and len({tuple(w) for w in wrongs}) == len(wrongs)
    for wrong, message in lesson.Q4_MISTAKES:
        assert lesson.q4.feedback(wrong).startswith(f"Not quite: {message}")


def test_q5_matches_dense_parameter_counts():
    counts = []
    for head in (layers.Flatten(name="flatten"), layers.GlobalAveragePooling2D(name="gap")):
        model = keras.Sequential(
            [keras.Input((4, 4, 128)), head, layers.Dense(10, name="dense")], name="head")
        counts.append(model.get_layer("dense").count_params())
    assert lesson.q5.is_correct(tuple(counts))
    section_7 = []                                   # the lesson's own 7x7x64 heads
    for head in (layers.Flatten(name="flatten"), layers.GlobalAveragePooling2D(name="gap")):
        model = keras.Sequential(
            [keras.Input((7, 7, 64)), head, layers.Dense(10, name="dense")], name="head")
        section_7.append(model.get_layer("dense").count_params())
    assert "section 7's numbers" in lesson.q5.feedback(tuple(section_7))


def test_q8_forbids_keras_pooling_as_q7_does():
    def with_keras(x):
        return layers.GlobalAveragePooling2D(name="gap_learner")(x[None]).numpy()[0]

    def with_pool2d(x):
        return pool2d(x[:, :, 0], x.shape[0], mode="average")

    for answer, name in [(with_keras, "GlobalAveragePooling2D"), (with_pool2d, "pool2d")]:
        message = lesson.q8.feedback(answer)
        assert "your function calls" in message and name in message, name
        assert "already does" in message


def test_q6_hints_and_lesson_give_the_rule_in_words_not_the_loop():
    """q6 asks the learner to turn section 4's rule into code: neither a hint nor the lesson
    (section 4 printed the two lines of the loop, round 27's review) hands them over."""
    assert lesson.q6.hints[1].endswith("?")
    for hint in lesson.q6.hints:
        assert "step *=" not in hint and "field +=" not in hint, hint
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        text = "".join(cell["source"])
        assert "step *=" not in text and "field +=" not in text, f"cell {index}"


def test_q7_q8_forbid_every_name_of_the_library_pooling():
    """Keras's aliases (MaxPool2D, GlobalAvgPool2D) and the functions of keras.ops and tf.nn
    are refused as MaxPooling2D is; q7's own name, max_pool, only when it is not the learner's
    function: read after a dot, imported, or the library's function handed in itself."""
    batch = lambda x: np.asarray(x, dtype="float32")[None, :, :, None]  # noqa: E731

    def alias(x, size):
        return layers.MaxPool2D(size, name="alias")(batch(x)).numpy()[0, :, :, 0]

    def ops(x, size):
        return keras.ops.convert_to_numpy(keras.ops.max_pool(batch(x), size))[0, :, :, 0]

    def max_pool(x, size):        # the learner's own, recursive: its name is no attribute
        x = np.asarray(x)
        if x.shape[0] >= 2 * size:                # one row of windows, then the rest
            return np.vstack([max_pool(x[:size], size), max_pool(x[size:], size)])
        cols = x.shape[1] // size
        return np.array([[x[:size, j * size:(j + 1) * size].max() for j in range(cols)]])

    for answer, name in [(alias, "layers.MaxPool2D"), (ops, "keras.ops.max_pool")]:
        message = lesson.q7.feedback(answer)
        assert f"your function calls {name}, which already does" in message, message
    assert lesson.q7.is_correct(max_pool)

    def imported(x, size):
        from tensorflow.nn import max_pool
        return max_pool(batch(x), size, size, "VALID").numpy()[0, :, :, 0]

    assert "your function calls max_pool, which" in lesson.q7.feedback(imported)
    assert "that is max_pool itself" in lesson.q7.feedback(keras.ops.max_pool)
    namespace = {"__name__": "__main__", "np": np}     # a notebook's own recursive max_pool
    exec(inspect.getsource(max_pool).replace("\n    ", "\n")[4:], namespace)
    assert lesson.q7.is_correct(namespace["max_pool"])

    def gap_alias(x):
        return layers.GlobalAvgPool2D(name="gap_alias")(np.asarray(x)[None]).numpy()[0]

    def gap_ops(x):
        x = np.asarray(x, dtype="float32")
        return keras.ops.convert_to_numpy(keras.ops.average_pool(x[None], x.shape[:2]))[0, 0, 0]

    for answer, name in [(gap_alias, "GlobalAvgPool2D"), (gap_ops, "average_pool")]:
        message = lesson.q8.feedback(answer)
        assert "your function calls" in message and name in message, message


def test_max_pooling_is_the_stride_one_maximum_sampled():
    """Lesson 03, section 6: 2x2 max pooling = the 2x2 maximum at stride 1, every second value."""
    x = np.random.default_rng(3).normal(size=(4, 10, 10, 2)).astype("float32")
    stride_one = layers.MaxPooling2D(2, strides=1, name="max_stride1")(x).numpy()
    pooled = layers.MaxPooling2D(2, name="max_pool")(x).numpy()
    np.testing.assert_array_equal(stride_one[:, ::2, ::2], pooled)


def keras_field(stack, size=64):
    """The receptive field of the centre value of a Keras stack, measured: light one input pixel
    at a time (all kernels are ones, so nothing cancels) and count the rows that reach it."""
    pieces = [layers.Conv2D(1, f, strides=s, use_bias=False, kernel_initializer="ones",
                            name=f"conv{i}") if (f, s) != (2, 2) else
              layers.MaxPooling2D(2, name=f"pool{i}") for i, (f, s) in enumerate(stack)]
    model = keras.Sequential([keras.Input((size, size, 1)), *pieces], name="stack")
    impulses = np.eye(size * size, dtype="float32").reshape(-1, size, size, 1)
    out = model(impulses).numpy()[:, :, :, 0]
    reach = (out[:, out.shape[1] // 2, out.shape[2] // 2] > 0).reshape(size, size)
    side = int(reach.any(axis=1).sum())
    assert reach.sum() == side * side                      # a full square
    return side


def test_q6_expected_fields_are_measured_in_keras():
    assert lesson.q6.is_correct(keras_field)         # Keras's measured fields pass the check
    for stack in lesson.Q6_CASES:
        assert lesson.field_size(stack) == keras_field(stack), stack


def test_q6_each_wrong_function_is_wrong_and_told_apart_from_the_others():
    measured = [keras_field(stack) for stack in lesson.Q6_CASES]
    results = {}
    for wrong, message in lesson.Q6_MISTAKES:
        outputs = [wrong(stack) for stack in lesson.Q6_CASES]
        assert outputs != measured, message
        # partial: the wrong functions are built on receptive_field, which q6 forbids
        assert lesson.q6.feedback(functools.partial(wrong)).startswith(f"Not quite: {message}")
        results[message] = outputs
    for (first, a), (second, b) in itertools.combinations(results.items(), 2):
        assert a != b, (first, second)


def test_q8_matches_keras_global_average_pooling_and_names_each_mistake():
    gap = layers.GlobalAveragePooling2D(name="gap")
    keras_gap = lambda x: gap(np.asarray(x, dtype="float32")[None]).numpy()[0]  # noqa: E731
    for (x,) in lesson.Q8_CASES:
        np.testing.assert_allclose(lesson.global_average_pool(x), keras_gap(x), rtol=1e-6,
                                   atol=1e-6)
    assert lesson.q8.is_correct(keras_gap)
    maximum = layers.GlobalMaxPooling2D(name="gmp")
    assert "global MAX pooling" in lesson.q8.feedback(
        lambda x: maximum(np.asarray(x, dtype="float32")[None]).numpy()[0])
    kept = layers.GlobalAveragePooling2D(keepdims=True, name="gap_kept")
    assert "keeps the two averaged axes" in lesson.q8.feedback(
        lambda x: kept(np.asarray(x, dtype="float32")[None]).numpy()[0])
    results = {}
    for wrong, message in lesson.Q8_MISTAKES:
        assert lesson.q8.feedback(wrong).startswith(f"Not quite: {message}")
        results[message] = [np.asarray(wrong(x)) for (x,) in lesson.Q8_CASES]
    for (first, a), (second, b) in itertools.combinations(results.items(), 2):
        assert any(p.shape != q.shape or not np.allclose(p, q)
                   for p, q in zip(a, b, strict=True)), (first, second)


@pytest.mark.parametrize("case", range(len(lesson._CASES)))
def test_q7_solution_function_matches_keras(case):
    x, size = lesson._CASES[case]
    expected = keras_pool(layers.MaxPooling2D(size, name="pool"), x)
    np.testing.assert_allclose(lesson.max_pool(x, size), expected)


def test_q7_each_wrong_function_is_wrong_and_told_apart_from_the_others():
    """On q7's cases, every wrong function it names differs from Keras's answer somewhere, and
    no two of them give the same results on every case (else one message would never show)."""
    results = {}
    for wrong, message in lesson.Q7_MISTAKES:
        outputs = [np.asarray(wrong(x.copy(), size), dtype=float) for x, size in lesson._CASES]
        expected = [keras_pool(layers.MaxPooling2D(size, name="pool"), x)
                    for x, size in lesson._CASES]
        assert any(o.shape != e.shape or not np.allclose(o, e)
                   for o, e in zip(outputs, expected, strict=True)), message
        # partial: the wrong functions are built on pool2d, which q7 forbids
        assert lesson.q7.feedback(functools.partial(wrong)).startswith(f"Not quite: {message}")
        results[message] = outputs
    for (first, a), (second, b) in itertools.combinations(results.items(), 2):
        assert any(x.shape != y.shape or not np.allclose(x, y)
                   for x, y in zip(a, b, strict=True)), (first, second)


def test_q4_names_true_false_lists_and_columns_counted_from_one():
    """True == 1 in Python: a list of booleans must not read as column numbers; the right
    columns counted from 1 are named as such."""
    for answer in ([True, False, True], np.array([True, False, True]), (False, True)):
        assert "holds True/False values" in lesson.q4.feedback(answer)
    assert "the columns the pixel moves TO" in lesson.q4.feedback([1, 3])
    assert "either you pooled with stride 1" in lesson.q4.feedback([])


def test_q8_names_rounding_by_decimals_or_significant_figures_with_one_message():
    def rounded(decimals):
        return lambda x: np.asarray(x).mean(axis=(0, 1)).round(decimals)

    def three_figures(x):
        return np.array([float(f"{m:.3g}") for m in np.asarray(x).mean(axis=(0, 1))])

    def floor_divided(x):
        x = np.asarray(x)
        return x.sum(axis=(0, 1)) // (x.shape[0] * x.shape[1])

    def cut(x):
        return np.trunc(np.asarray(x).mean(axis=(0, 1)) * 1e4) / 1e4

    messages = {lesson.q8.feedback(f) for f in (rounded(2), rounded(3), rounded(4), three_figures,
                                                 floor_divided, cut)}
    assert len(messages) == 1 and messages.pop().startswith(
        f"Not quite: {lesson._ROUNDED_MEANS}")
    assert "rounds" not in lesson.q8.feedback(lambda x: np.asarray(x).mean(axis=(0, 1)) + 0.01)
    assert lesson.q8.is_correct(lambda x: np.asarray(x).mean(axis=(0, 1)).astype("float32"))


def test_q8_names_no_rounding_that_only_the_first_stack_shows():
    # On the first (whole-number) stack the medians equal the floored means; on the others not.
    message = lesson.q8.feedback(lambda x: np.median(x, axis=(0, 1)))
    assert "decimal" not in message and "rounds" not in message and "4.1875" in message


def test_q8_names_float16_only_when_the_means_are_float16():
    def as_half(x):
        return np.asarray(x, dtype=np.float16).mean(axis=(0, 1))

    assert lesson.q8.feedback(as_half).startswith(f"Not quite: {lesson._FLOAT16_MEANS}")
    assert lesson.q8.feedback(lambda x: as_half(x).astype(float)).startswith(
        f"Not quite: {lesson._FLOAT16_VALUES}")
    for other in (lambda x: np.asarray(x).mean(axis=(0, 1)) + 0.01,             # off, not float16
                  lambda x: np.asarray(x, dtype=np.float16).mean()):           # wrong axes
        assert "float16" not in lesson.q8.feedback(other)
    assert lesson.q8.is_correct(lambda x: np.asarray(x).mean(axis=(0, 1)).astype("float32"))


def test_q6_correct_reveals_the_prediction_the_prompt_asks_for():
    assert lesson.q6.feedback(lesson.field_size).startswith(
        "Correct! field_size([(3, 1), (3, 2), (3, 1)]) = 9: did you predict it?")
