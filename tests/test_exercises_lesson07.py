"""Lesson 07 exercises: the expected answers agree with what Keras and TensorFlow compute (the
reference is the library, not the exercise module), the questions separate the mistakes they
name (each mistake gives an answer of its own), and LEARNER_ANSWERS lists what a learner may
type into each exercise cell with the message each must print (run in the notebook's kernel
by tests/kernel_checks.py)."""

from __future__ import annotations

import contextlib
import inspect
import io
import itertools
import math
import os
import textwrap

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from course_utils.architectures import layer_counts, predict_model  # noqa: E402
from course_utils.exercises import exercises_in  # noqa: E402
from course_utils.exercises import lesson07 as lesson  # noqa: E402
from tests.new_kernel import printed, read_lesson  # noqa: E402

EXERCISES = exercises_in(lesson)

# q8 computed from the text alone: five groups (convolutions, filters); pooling halves the map
_VGG_FROM_TEXT = """answer, size, c_in = 0, 224, 3
for n_convs, filters in [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]:
    for _ in range(n_convs):
        answer += conv_mults((size, size, c_in), 3, filters, padding='same')
        c_in = filters
    size //= 2"""

_RF_RIGHT = '''def my_receptive_field(layers):
    field, step = 1, 1
    for kernel_size, stride, dilation in layers:
        footprint = kernel_size + (kernel_size - 1) * (dilation - 1)
        field += (footprint - 1) * step
        step *= stride
    return field'''

_RF_BACKWARDS = '''def my_receptive_field(layers):
    r = 1
    for f, s, d in reversed(layers):
        r = s * (r - 1) + f + (f - 1) * (d - 1)
    return r'''


def _rf(body: str) -> str:
    """A my_receptive_field with the loop body a learner may write (field and step start at 1)."""
    return ("def my_receptive_field(layers):\n    field, step = 1, 1\n"
            "    for f, s, d in layers:\n" + body + "\n    return field")


_SHAPE_RIGHT = '''def my_output_shape(height, width, kernel_size, strides, dilation_rate):
    shape = []
    for n, f, s, d in zip((height, width), kernel_size, strides, dilation_rate):
        footprint = f + (f - 1) * (d - 1)
        shape.append((n - footprint) // s + 1)
    return tuple(shape)'''


def _shape(rows: str) -> str:
    """A my_output_shape whose rows are ``rows`` and columns the same with index 1."""
    columns = rows.replace("height", "width").replace("[0]", "[1]")
    return ("def my_output_shape(height, width, kernel_size, strides, dilation_rate):\n"
            f"    return ({rows}, {columns})")


_F_EFF = "(kernel_size[0] + (kernel_size[0] - 1) * (dilation_rate[0] - 1))"

_SEPARABLE = '''def is_separable(kernel):
    f_h, f_w, channels, filters = kernel.shape
    for c in range(channels):
        if np.linalg.matrix_rank(kernel[:, :, c, :].reshape(f_h * f_w, filters)) > 1:
            return False
    return True'''


_OVERWRITTEN = '''def is_separable(kernel):
    f_h, f_w, channels, filters = kernel.shape
    ok = True
    for c in range(channels):
        ok = np.linalg.matrix_rank(kernel[:, :, c, :].reshape(f_h * f_w, filters)) <= 1
    return ok'''


# q5 by pairs of filters: ``pairs`` lists the (j, k) a learner compares on each channel; all
# pairs is right, filter 0 with each, neighbours, or filters 0 and 1 only are not
_PAIRWISE = '''def is_separable(kernel):
    f_h, f_w, channels, filters = kernel.shape
    for c in range(channels):
        slice_ = kernel[:, :, c, :].reshape(f_h * f_w, filters)
        for j, k in PAIRS:
            if np.linalg.matrix_rank(slice_[:, [j, k]]) > 1:
                return False
    return True'''

# q5 right by scaling: compare every filter with the channel's first filter that is not zeros
_FIRST_NONZERO = '''def is_separable(kernel):
    f_h, f_w, channels, filters = kernel.shape
    for c in range(channels):
        slice_ = kernel[:, :, c, :].reshape(f_h * f_w, filters)
        nonzero = [k for k in range(filters) if np.any(slice_[:, k] != 0)]
        for k in nonzero[1:]:
            pair = np.stack([slice_[:, nonzero[0]], slice_[:, k]], axis=1)
            if np.linalg.matrix_rank(pair) > 1:
                return False
    return True'''

# q5 wrong: each filter a multiple of filter 0, a channel skipped when filter 0 is zeros
_FILTER_0_SKIPPED = '''def is_separable(kernel):
    f_h, f_w, channels, filters = kernel.shape
    for c in range(channels):
        slice_ = kernel[:, :, c, :].reshape(f_h * f_w, filters)
        if not np.any(slice_[:, 0]):
            continue
        for k in range(1, filters):
            ratio = slice_[:, k] @ slice_[:, 0] / (slice_[:, 0] @ slice_[:, 0])
            if not np.allclose(slice_[:, k], ratio * slice_[:, 0]):
                return False
    return True'''


def _pairs(pairs: str) -> str:
    """_PAIRWISE comparing the pairs ``pairs`` (an expression of ``filters``)."""
    return _PAIRWISE.replace("PAIRS", pairs)


def _separable(test: str) -> str:
    """An is_separable that returns ``test`` (an expression of the kernel)."""
    return f"def is_separable(kernel):\n    return {test}"


_COUNTS_RIGHT = '''def my_layer_counts(kind, config, input_shape):
    if kind == "Dense":
        units = config["units"]
        weights = input_shape[0] * units
        return weights + units * config["use_bias"], weights
    n_h, n_w, channels = input_shape
    f_h, f_w = config["kernel_size"]
    o_h, o_w = (conv_output_size(n, f, s, config["padding"], dilation=d)
                for n, f, s, d in zip((n_h, n_w), config["kernel_size"], config["strides"],
                                      config["dilation_rate"]))
    if kind == "DepthwiseConv2D":
        c_out = channels * config["depth_multiplier"]
        weights = f_h * f_w * channels * config["depth_multiplier"]
    else:
        c_out = config["filters"]
        weights = f_h * f_w * (channels // config["groups"]) * c_out
    params = weights + (c_out if config["use_bias"] else 0)
    return params, o_h * o_w * weights'''

# q7 right with NumPy: both axes at once, NumPy integers returned in an array
_COUNTS_NUMPY = '''def my_layer_counts(kind, config, input_shape):
    shape = np.array(input_shape)
    if kind == "Dense":
        weights = shape[-1] * config["units"]
        return np.array([weights + config["units"] * int(config["use_bias"]), weights])
    size, kernel = shape[:2], np.array(config["kernel_size"])
    strides, dilation = np.array(config["strides"]), np.array(config["dilation_rate"])
    footprint = kernel + (kernel - 1) * (dilation - 1)
    if config["padding"] == "same":
        out = -(-size // strides)
    else:
        out = (size - footprint) // strides + 1
    if kind == "DepthwiseConv2D":
        c_out = shape[2] * config["depth_multiplier"]
        weights = kernel.prod() * c_out
    else:
        c_out = config["filters"]
        weights = kernel.prod() * (shape[2] // config["groups"]) * c_out
    return np.array([weights + c_out * int(config["use_bias"]), out.prod() * weights])'''

# q7 right with a loop over the axes, math.ceil for 'same', a list returned
_COUNTS_LIST = '''import math


def my_layer_counts(kind, config, input_shape):
    bias = 1 if config["use_bias"] else 0
    if kind == "Dense":
        return [(input_shape[0] + bias) * config["units"], input_shape[0] * config["units"]]
    positions = 1
    for axis in range(2):
        n, f = input_shape[axis], config["kernel_size"][axis]
        s, d = config["strides"][axis], config["dilation_rate"][axis]
        if config["padding"] == "same":
            positions *= math.ceil(n / s)
        else:
            positions *= (n - (d * (f - 1) + 1)) // s + 1
    taps = config["kernel_size"][0] * config["kernel_size"][1]
    if kind == "Conv2D":
        per_filter = taps * input_shape[2] / config["groups"]
        filters = config["filters"]
    else:
        per_filter = taps
        filters = input_shape[2] * config["depth_multiplier"]
    return [per_filter * filters + bias * filters, positions * per_filter * filters]'''


def _counts(*replacements: tuple[str, str]) -> str:
    """_COUNTS_RIGHT with each (old, new) replaced: one mistake a learner may make."""
    source = _COUNTS_RIGHT
    for old, new in replacements:
        assert old in source, old
        source = source.replace(old, new)
    return source


_BIAS = 'params = weights + (c_out if config["use_bias"] else 0)'
_DENSE_BIAS = 'return weights + units * config["use_bias"], weights'
_OUT = 'conv_output_size(n, f, s, config["padding"], dilation=d)'
_DEPTHWISE = 'weights = f_h * f_w * channels * config["depth_multiplier"]'


# What a learner types into each exercise cell (source text) -> a fragment of the message it
# must print. "right" answers print "Correct!". Each wrong answer is a mistake the lesson
# predicts, and gets the message that names it.
LEARNER_ANSWERS = {
    "q1": {
        "right": [_SHAPE_RIGHT,
                  _shape(f"(height - {_F_EFF}) // strides[0] + 1"),
                  _shape(f"int((height - {_F_EFF}) / strides[0]) + 1"),
                  _SHAPE_RIGHT.replace("return tuple(shape)", "return shape")],   # a list
        "wrong": {
            _shape("(height - kernel_size[0]) // strides[0] + 1"): "ignores the dilation",
            _shape("(height - kernel_size[0] * dilation_rate[0]) // strides[0] + 1"):
                "F * D is not a dilated kernel's footprint",
            _shape("(height - (kernel_size[0] + (kernel_size[0] - 1) * dilation_rate[0])) "
                   "// strides[0] + 1"): "not D: the footprint is F + (F - 1)(D - 1)",
            _shape("(height - kernel_size[0]) // strides[0] + 1 - (kernel_size[0] - 1) "
                   "* (dilation_rate[0] - 1)"): "pixels after dividing by S",
            _shape(f"(height - {_F_EFF}) / strides[0] + 1"): "floor-divide (//)",
            _shape(f"-(-(height - {_F_EFF}) // strides[0]) + 1"): "round down (//)",   # ceil
            _shape(f"(height - {_F_EFF}) // strides[0]"): "one position too few",
            # kernel_size read (columns, rows); strides and dilations right
            _shape(f"(height - {_F_EFF}) // strides[0] + 1").replace("kernel_size[0]", "K")
            .replace("kernel_size[1]", "kernel_size[0]").replace("K", "kernel_size[1]"):
                "swaps the kernel's axes",
            _SHAPE_RIGHT.replace("return tuple(shape)", "return tuple(shape[::-1])"):
                "returns (columns, rows)",
            _shape(f"(height - {_F_EFF}) // (strides[0] + 1)"): "the README's error 1",
            _shape("(height - kernel_size[0]) // (strides[0] + 1)"):
                "error 1), and it ignores the dilation",
            _shape(f"(height - {_F_EFF}) // strides[0] + 1").replace("[0]", "[9]")
            .replace("[1]", "[0]").replace("[9]", "[1]"):
                "the pairs are (rows, columns)",
            "def my_output_shape(height, width, kernel_size, strides, dilation_rate):\n"
            "    return layers.Conv2D(1, kernel_size, strides=strides, dilation_rate="
            "dilation_rate).compute_output_shape((None, height, width, 1))[1:3]":
                "your function calls compute_output_shape",
            "def my_output_shape(height, width, kernel_size, strides, dilation_rate):\n"
            "    return tuple(conv_output_size(n, f, s, dilation=d) for n, f, s, d in "
            "zip((height, width), kernel_size, strides, dilation_rate))":
                "your function calls conv_output_size",
            _shape(f"(height - {_F_EFF}) // strides[0] + 1").replace("    return", "    (")
            + ")": "`return` statement",
            "def my_output_shape(height, width, kernel_size, strides, dilation_rate):\n"
            "    return (height, width)":                 # as if padding were 'same', stride 1
                "it returned (28, 28); the expected value is (14, 24).",
        },
    },
    "q3": {
        "right": ["5840", "5_840", "3 * 3 * (64 // 8) * 80 + 80", "3 * 3 * 64 / 8 * 80 + 80",
                  "conv_params(3, 64, 80, groups=8)"],
        "wrong": {
            "5760": "add the biases: one per filter, 80",
            "46160": "the count with groups=1",
            "conv_params(3, 64, 80)": "the count with groups=1",
            "46080": "groups=1's weights",
            "800": "or 3 * 3 * 1 * 80 + 80 (each filter reading one channel)",
            "3 * 3 * 1 * 80 + 80": "3 * 3 * 8 * 10 + 80 (one group's 10 filters)",
            "730": "that counts one group",
            "5768": "a bias per filter (80), not per group (8)",
            "5770": "5770 is groups=1's count divided by 8, 46,160 / 8, or the weights plus",
            "conv_params(3, 64, 80) / 8": "G groups divide the weights by G, not the biases",
            "5800": "rounded to 2 significant figures",
        },
    },
    "q5": {
        "right": [_SEPARABLE,
                  _separable("all(np.linalg.matrix_rank(kernel[:, :, c].reshape(-1, "
                             "kernel.shape[3])) < 2 for c in range(kernel.shape[2]))"),
                  _separable("np.all([np.linalg.svd(kernel[:, :, c].reshape(-1, "
                             "kernel.shape[3]), compute_uv=False)[1:].sum() < 1e-9 "
                             "for c in range(kernel.shape[2])])"),
                  # the SVD ratio typed as the exact-test message suggests it,
                  # np.all(s[1:] <= 1e-6 * s[0]) (a 1-column slice has one singular value)
                  _separable("all(np.all(s[1:] <= 1e-6 * s[0]) for s in "
                             "(np.linalg.svd(kernel[:, :, c].reshape(-1, kernel.shape[3]), "
                             "compute_uv=False) for c in range(kernel.shape[2])))"),
                  # the same ratio with max(initial=0)
                  _separable("all(s[1:].max(initial=0) <= 1e-6 * s[0] for s in "
                             "(np.linalg.svd(kernel[:, :, c].reshape(-1, kernel.shape[3]), "
                             "compute_uv=False) for c in range(kernel.shape[2])))"),
                  # one batched matrix_rank over the channels (moveaxis)
                  _separable("bool(np.all(np.linalg.matrix_rank(np.moveaxis(kernel, 2, 0)"
                             ".reshape(kernel.shape[2], -1, kernel.shape[3])) <= 1))"),
                  # pairwise proportionality done right: every pair of filters, or each
                  # filter against the channel's first filter that is not all zeros
                  _pairs("itertools.combinations(range(filters), 2)")
                  .replace("def is_separable", "import itertools\n\n\ndef is_separable"),
                  _FIRST_NONZERO,
                  ],
        "wrong": {
            _separable("np.linalg.matrix_rank(kernel.reshape(-1, kernel.shape[3])) <= 1"):
                "tests the whole kernel as one matrix",
            _separable("all(np.linalg.matrix_rank(kernel[:, :, c, k]) <= 1 "
                       "for c in range(kernel.shape[2]) for k in range(kernel.shape[3]))"):
                "section 2's spatial separability",
            _SEPARABLE.replace("> 1:", "!= 1:"): "Test rank <= 1, not rank == 1",
            _separable("all(np.linalg.matrix_rank(kernel[:, :, :, k].reshape(-1, "
                       "kernel.shape[2])) <= 1 for k in range(kernel.shape[3]))"):
                "groups the slices by filter",
            _SEPARABLE.replace("return False", "return 0").replace("return True", "return False")
            .replace("return 0", "return True"): "answers the opposite on every kernel",
            _separable("True"): "it returned True, which is not the expected value",
            _separable("[np.linalg.matrix_rank(kernel[:, :, c].reshape(-1, kernel.shape[3])) <= 1 "
                       "for c in range(kernel.shape[2])]"): "one answer per input channel",
            _SEPARABLE.replace("    return True", ""): "`return` statement",
            # the loop bugs: a return inside the loop (channel 0 decides), channel 0 alone,
            # a result overwritten on each pass (the last channel decides), any channel
            _SEPARABLE.replace("        if np.linalg.matrix_rank(", "        return np.linalg."
                               "matrix_rank(").replace(") > 1:\n            return False", ") <= 1")
            .replace("\n    return True", ""): "decides on channel 0 alone",
            _separable("np.linalg.matrix_rank(kernel[:, :, 0, :].reshape(-1, kernel.shape[3])) "
                       "<= 1"): "decides on channel 0 alone",
            _OVERWRITTEN: "decides on the last channel alone",
            _SEPARABLE.replace("> 1:", "<= 1:").replace("return False", "return 1")
            .replace("return True", "return False").replace("return 1", "return True"):
                "returns True as soon as one channel passes",
            # matrix_rank on the channel's (F, F, C_out) block, not reshaped: one rank per row
            _separable("np.all([np.linalg.matrix_rank(kernel[:, :, c, :]) <= 1 "
                       "for c in range(kernel.shape[2])])"): "as it is, 3-D",
            _SEPARABLE.replace(".reshape(f_h * f_w, filters)", ""):
                "returns one rank per F x C_out matrix of the stack",
            # an exact rank test: round-off makes a rank-1 product rank 2
            _SEPARABLE.replace("filters)) > 1", "filters), tol=0) > 1"):
                "those of an exact rank test",
            # filters compared in pairs, not all at once: filter 0 with each (a zero filter 0
            # passes its channel), neighbouring filters, or filters 0 and 1 only
            _FILTER_0_SKIPPED: "compares each filter with filter 0",
            _pairs("[(0, k) for k in range(1, filters)]"): "compares each filter with filter 0",
            _pairs("[(k, k + 1) for k in range(filters - 1)]"):
                "tests neighbouring filters in pairs",
            _pairs("[(0, 1)] if filters > 1 else []"): "reads filters 0 and 1 only",
            _separable("all(np.linalg.matrix_rank(kernel[:, :, c, :2].reshape(-1, "
                       "min(2, kernel.shape[3]))) <= 1 for c in range(kernel.shape[2]))"):
                "reads filters 0 and 1 only",
            # one row per filter by reshape: memory order mixes taps and filters
            _SEPARABLE.replace("reshape(f_h * f_w, filters)", "reshape(filters, -1)"):
                "that reshape does not give one filter per row",
            _separable("all(np.linalg.matrix_rank(kernel[:, :, c, :].reshape(kernel.shape[3], "
                       "-1)) <= 1 for c in range(kernel.shape[2]))"):
                "that reshape does not give one filter per row",
        },
    },
    "q2": {
        "right": [_RF_RIGHT, _RF_BACKWARDS],
        "wrong": {
            "def my_receptive_field(layers):\n    return receptive_field(layers)":
                "your function calls receptive_field, which already does what this question asks",
            # section 3's trace, read at its last row
            "def my_receptive_field(layers):\n"
            "    return int(receptive_field_steps(layers)['r'].iloc[-1])":
                "your function calls receptive_field_steps",
            _rf("        field += (f - 1) * step\n        step *= s"): "ignores the dilations",
            _RF_RIGHT.replace("return field", "return [field]"):
                "return the number itself, not a list",
            _rf("        field += (f + (f - 1) * (d - 1) - 1) * step\n        step += s - 1"):
                "on my_receptive_field([(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)])",
            "def my_receptive_field(stack):\n    field, step = 1, 1\n    for f, s in stack:\n"
            "        field += (f - 1) * step\n        step *= s\n    return field":
                "Each layer is now an (F, S, D) triple",   # lesson 03's field_size, pasted
            _rf("        field += (f + (f - 1) * (d - 1) - 1)"): "ignores the strides",
            _rf("        field += (f + (f - 1) * (d - 1) - 1) * step\n        step *= s * d"):
                "multiplies the step by the dilation too",
            _rf("        field += (f + (f - 1) * (d - 1) - 1) * s"):
                "multiplies each footprint by its own layer's stride",
            _rf("        step *= s\n        field += (f + (f - 1) * (d - 1) - 1) * step"):
                "counts for the layers AFTER it",
            _rf("        field += (f * d - 1) * step\n        step *= s"):
                "F * D is not a dilated kernel's footprint",
            _rf("        field += (f + (f - 1) * d - 1) * step\n        step *= s"):
                "not D: the footprint is F + (F - 1)(D - 1)",
            _rf("        field += (f + (f - 1) * (d - 1) - 1) * step\n        step *= s")
            .replace("field, step = 1, 1", "field, step = 0, 1"): "one pixel too few",
            _rf("        field += (f + (f - 1) * (d - 1) - 1) * step\n        step *= s")
            .replace("return field", "return field - 1"): "one pixel too few",
            "def my_receptive_field(layers):\n    r = 1\n    for f, s, d in reversed(layers):\n"
            "        r = s * r + f + (f - 1) * (d - 1) - 1\n    return r":
                "their windows overlap",
            _rf("        field += (f + (f - 1) * (d - 1) - 1) * step\n        step *= s")
            .replace("    return field", ""): "`return` statement",
        },
    },
    "q6": {
        "right": ["25740288", "25_740_288", "25740288.0",
                  "56 * 56 * (24 * 144 + 3 * 3 * 144 + 144 * 24)",
                  # the course's formulas, one per convolution (section 7's rule)
                  "conv_mults((56, 56, 24), 1, 144) + depthwise_mults((56, 56, 144), 3, "
                  "padding='same') + conv_mults((56, 56, 144), 1, 24)"],
        "wrong": {
            # the depthwise step as a full 3x3 convolution 144 -> 144
            "56 * 56 * (24 * 144 + 3 * 3 * 144 * 144 + 144 * 24)":
                "the depthwise step as a full 3x3 convolution",
            "606928896": "the depthwise step as a full 3x3 convolution",
            "56 * 56 * (3 * 3 * 24 * 144 + 3 * 3 * 144 + 144 * 24)":
                "counts block_2_expand as a 3x3 convolution",
            "56 * 56 * (24 * 144 + 144 * 24)": "add the depthwise step",
            # the depthwise step on the block's 24 input channels, not the 144 expanded ones
            "56 * 56 * (24 * 144 + 3 * 3 * 24 + 144 * 24)": "on the block's 24 input channels",
            "22353408": "on the 144 channels the expansion made",
            # the projection left out
            "56 * 56 * (24 * 144 + 3 * 3 * 144)": "add block_2_project",
            "14902272": "narrows the 144 channels back to 24",
            # one position only, or the kernel weights given instead: both 8,208
            "24 * 144 + 3 * 3 * 144 + 144 * 24": "for ONE output position",
            "8208": "multiply by 56 * 56",
            "112 * 112 * (24 * 144 + 3 * 3 * 144 + 144 * 24)": "block_1's input",
            "56 * 56 * 24 * 144 + 28 * 28 * (3 * 3 * 144 + 144 * 24)":
                "applies a stride of 2 in the depthwise step",
            "28 * 28 * (24 * 144 + 3 * 3 * 144 + 144 * 24)": "that counts 28x28 positions",
            "224 * 224 * (24 * 144 + 3 * 3 * 144 + 144 * 24)": "the image's",
            # the parameters given instead (batch normalization's 4 per channel included)
            "sum(layer.count_params() for layer in block_2)": "the block's parameter count",
            "9456": "the question asks for multiplications",
            # batch normalization counted: its parameters at every position, or its scale
            "56 * 56 * sum(layer.count_params() for layer in block_2)":
                "batch normalization's too",
            "56 * 56 * (24 * 144 + 3 * 3 * 144 + 144 * 24 + 144 + 144 + 24)":
                "batch normalization counts 0",
            "2 * 56 * 56 * (24 * 144 + 3 * 3 * 144 + 144 * 24)":
                "counts an addition with every multiplication",
            "25740000": "rounded to 4 significant figures: give it exactly",
            "25.74e6": "rounded to 4 significant figures: give it exactly",
            "25740289": "not the expected value",
        },
    },
    "q7": {
        "right": [_COUNTS_RIGHT, _COUNTS_NUMPY, _COUNTS_LIST],
        "wrong": {
            _counts(('(channels // config["groups"])', "channels")): "ignores groups",
            _counts((_BIAS, "params = weights"),
                    (_DENSE_BIAS, "return weights, weights")): "leaves out the biases",
            _counts((_BIAS, "params = weights + c_out"),
                    (_DENSE_BIAS, "return weights + units, weights")):
                "counts biases where use_bias is False",
            _counts(("return params, o_h * o_w * weights",
                     "return params, o_h * o_w * (weights + params - weights)"),
                    (_DENSE_BIAS, 'return weights + units * config["use_bias"], '
                                  'weights + units * config["use_bias"]')):
                "counts each bias addition as a multiplication",
            _counts((_DENSE_BIAS, 'return weights + units * config["use_bias"], '
                                  'weights + units * config["use_bias"]')):
                "counts Dense's bias in its multiplications",
            _counts((_OUT, 'conv_output_size(n, f, s, "valid", dilation=d)')):
                "uses 'valid' for every layer",
            _counts((_OUT, 'conv_output_size(n, f, 1, config["padding"], dilation=d)')):
                "ignores the strides in the output size",
            _counts((_OUT, 'n // s if config["padding"] == "same" else '
                           'conv_output_size(n, f, s, "valid", dilation=d)')):
                "gives padding='same' N // S positions",
            _counts((_OUT, 'conv_output_size(n, f, s, config["padding"])')):
                "ignores the dilation in the output size",
            _counts((_DEPTHWISE, "weights = f_h * f_w * channels * c_out")):
                "counts DepthwiseConv2D as a full Conv2D",
            _counts(('c_out = channels * config["depth_multiplier"]', "c_out = channels"),
                    (_DEPTHWISE, "weights = f_h * f_w * channels")):
                "ignores depth_multiplier",
            _counts(('f_h, f_w = config["kernel_size"]',
                     'f_h, f_w = (f + (f - 1) * (d - 1) for f, d in '
                     'zip(config["kernel_size"], config["dilation_rate"]))')):
                "counts the dilated footprint",
            _counts(("return params, o_h * o_w * weights", "return params"),
                    (_DENSE_BIAS, 'return weights + units * config["use_bias"]')):
                "expected (params, mults), a tuple of 2 whole numbers",
            "def my_layer_counts(kind, config, input_shape):\n"
            "    return layer_counts(kind, config, (None, *input_shape))[1:]":
                "your function calls layer_counts",
            _counts((_BIAS, 'params = conv_params(config["kernel_size"], channels, c_out, '
                            'config["use_bias"], groups=config.get("groups", 1))')):
                "your function calls conv_params",
            _counts(("        weights = f_h * f_w * (channels // config[\"groups\"]) * c_out",
                     "        weights = f_h * f_w * channels * c_out // 2")):
                "on my_layer_counts('Conv2D', {'filters': 16",
        },
    },
    "q8": {
        "right": ["15346630656", "15_346_630_656",
                  "sum(conv_mults(layer.input.shape[1:], layer.kernel_size, layer.filters, "
                  "padding=layer.padding) for layer in vgg16_convs)",
                  "sum(int(np.prod(layer.output.shape[1:3])) * int(np.prod(layer.kernel.shape)) "
                  "for layer in vgg16_convs)",
                  "sum(conv_mults(tuple(layer.input.shape[1:]), 3, layer.filters, "
                  "padding='same') for layer in vgg16_convs)",
                  # from the text: each group's size and filters; C_in from the layer before
                  _VGG_FROM_TEXT],
        "wrong": {
            "15470264320": "that adds the three Dense layers",
            "30693261312": "that counts an addition with every multiplication",
            "sum(conv_mults(layer.input.shape[1:], layer.kernel_size, layer.filters) "
            "for layer in vgg16_convs)": "padding='valid' (conv_mults's default)",
            "sum(conv_mults(layer.output.shape[1:], layer.kernel_size, layer.filters, "
            "padding='same') for layer in vgg16_convs)": "takes C_in = C_out for every layer",
            "14710464": "that is the number of kernel weights",
            "sum(layer.count_params() for layer in vgg16_convs)":
                "that is the convolutions' parameter count",
            "738112241664": "that counts every layer at 224x224",
            "15.346630656": "that is the count in billions: give the count itself",
            "15.3": "that is the count in billions: give the count itself",
            "15346.6": "that is the answer in millions: give the count itself",
            "15.35e9": "rounded to 4 significant figures: give it exactly",
            "sum(conv_mults(layer.input.shape[1:], layer.kernel_size, layer.filters, "
            "padding=layer.padding) for layer in vgg16_convs[1:])": "add all 13",
            "sum(layer.count_params() * int(np.prod(layer.output.shape[1:3])) "
            "for layer in vgg16_convs)": "one operation per bias at every output position",
            "15.3e9": "that is the papers' figure, 15,300 million",
            "15259926528": "that leaves out the first convolution",
            "conv_mults(vgg16_convs[0].input.shape[1:], 3, 64, padding='same')":
                "block1_conv1, alone: add all 13",
            _VGG_FROM_TEXT.replace("(size, size, c_in)", "(size, size, filters)"):
                "takes C_in = C_out",
            _VGG_FROM_TEXT.replace("        c_in = filters\n", "").replace(
                "    size //= 2", "    size //= 2\n    c_in = filters"):
                "gives every convolution of a group the group's input channels",
            _VGG_FROM_TEXT.replace("0, 224, 3", "0, 112, 3"):
                "halves the map before the first group",
            _VGG_FROM_TEXT.replace("    size //= 2", "    pass"): "counts every layer at 224x224",
            _VGG_FROM_TEXT.replace("padding='same'", "padding='valid'"):
                "padding='valid' (conv_mults's default)",
            # 'valid' followed through: each convolution trims 2 pixels
            "10058201856": "with padding='valid': each one trims 2",
            "17109614592": "block1_conv1, 64 input channels",
            _VGG_FROM_TEXT.replace("padding='same')", "padding='valid')\n        size -= 2"):
                "with padding='valid': each one trims 2",
        },
    },
    "q4": {
        "right": ["1 / 3", "576 * 2 / (576 + 1152) / 2", "0.3333", "0.333",
                  "np.float64(1 / 3)", "3 * 3 * 64 * 2 / (3 * 3 * 64 + 3 * 3 * 128) / 2",
                  # F * F cancels, so the channel counts alone give the same factor
                  "64 * 2 / (64 + 128) / 2"],
        "wrong": {
            # the ReLU left out, or fan_out in fan_in's place: both give 2/3
            "576 * 2 / (576 + 1152)": "the convolution's factor alone",
            "1152 * 2 / (576 + 1152) / 2": "with fan_out in fan_in's place",
            "0.67": "the convolution's factor alone",
            # fan_out * Var(w) without the ReLU, or fan_in's factor doubled for the ReLU:
            # both give 4/3, and the message names both routes
            "1152 * 2 / (576 + 1152)": "with the wrong fan and no ReLU",
            "576 * 2 / 1728 * 2": "multiplied by 2 for the ReLU",
            "0.5": "the ReLU's 1/2 alone: as if Glorot kept the mean square",
            "576 * 2 / (576 + 576) / 2": "or as if fan_in = fan_out",
            "1": "what He's Var(w) = 2 / fan_in gives",
            # the likeliest route to 1: Glorot's factor taken as 1 (a square stack), no ReLU
            "576 * 2 / (576 + 576)": "as if Glorot kept the mean square (it does only when",
            "1.0": "and the ReLU were left out",
            "2": "with He's Var(w) = 2 / fan_in",
            # glorot's limit**2 taken as Var(w), the /3 of a uniform forgotten: 1, and 2
            # without the ReLU; the messages name this route as well as He's
            "576 * (6 / (576 + 1152)) / 2":
                "limit**2 = 6 / (fan_in + fan_out) gives taken as Var(w)",
            "576 * np.sqrt(6 / (576 + 1152)) ** 2": "with limit**2 = 6 / (fan_in + fan_out) taken",
            "np.sqrt(1 / 3)": "that is the standard deviation's factor",
            "0.58": "that is the standard deviation's factor",
            "1 / 9": "not the expected value",
            "0.6": "not the expected value",
        },
    },
}


# --- the expected answers, computed by Keras and TensorFlow -------------------------------------


@pytest.fixture(scope="module")
def block_2():
    """The layers of MobileNetV2's block_2, as Keras builds them (random weights)."""
    model = keras.applications.MobileNetV2(weights=None)
    yield [layer for layer in model.layers if layer.name.startswith("block_2_")]
    keras.backend.clear_session()


def test_q6_is_what_keras_builds_in_mobilenetv2s_block_2(block_2):
    """lesson.q6: one multiplication per kernel weight and output position, read off the three
    convolutions Keras builds in block_2 (batch normalization, ReLU6 and Add count 0); the
    block's count_params() is the named mistake 'parameters given instead'."""
    assert [type(layer).__name__ for layer in block_2] == [
        "Conv2D", "BatchNormalization", "ReLU", "DepthwiseConv2D", "BatchNormalization", "ReLU",
        "Conv2D", "BatchNormalization", "Add"]
    assert tuple(block_2[0].input.shape) == (None, 56, 56, 24)
    convolutions = [layer for layer in block_2
                    if isinstance(layer, (layers.Conv2D, layers.DepthwiseConv2D))]
    mults = sum(int(np.prod(layer.output.shape[1:3])) * int(np.prod(layer.kernel.shape))
                for layer in convolutions)
    assert lesson.q6.is_correct(mults) and mults == 56 * 56 * 8208
    assert "the block's parameter count" in lesson.q6.feedback(
        sum(layer.count_params() for layer in block_2))
    # the depthwise step run on the block's 24 input channels, and the projection left out
    # (round 40, learner): each named, and neither another mistake's answer
    narrow, unprojected = mults - 56 * 56 * 9 * (144 - 24), mults - 56 * 56 * 144 * 24
    assert (narrow, unprojected) == (22_353_408, 14_902_272)
    assert "on the block's 24 input channels" in lesson.q6.feedback(narrow)
    assert "add block_2_project" in lesson.q6.feedback(unprojected)


def test_q8_is_what_keras_vgg16s_convolutions_cost():
    """One multiplication per kernel weight and output position, read off the 13 Conv2D layers
    Keras builds; with the Dense layers added it is the named mistake."""
    model = keras.applications.VGG16(weights=None)
    convs = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    assert len(convs) == 13 and len(dense) == 3

    def mults(layer):
        return int(np.prod(layer.output.shape[1:-1])) * int(np.prod(layer.kernel.shape))

    total = sum(mults(layer) for layer in convs)
    assert lesson.q8.is_correct(total)
    assert "adds the three Dense layers" in lesson.q8.feedback(
        total + sum(mults(layer) for layer in dense))
    del model, convs, dense
    keras.backend.clear_session()


def measured_receptive_field(stack) -> int:
    """Width of the input region one output pixel's gradient reaches, through Keras layers."""
    size = 64
    model = keras.Sequential(
        [keras.Input((size, 1, 1))]
        + [layers.Conv2D(1, (f, 1), strides=(s, 1), dilation_rate=(d, 1), use_bias=False,
                         kernel_initializer="ones", name=f"layer{i}")
           for i, (f, s, d) in enumerate(stack)],
        name="stack")
    x = tf.Variable(np.ones((1, size, 1, 1), dtype="float32"))
    with tf.GradientTape() as tape:
        first = model(x)[0, 0, 0, 0]
    used = np.flatnonzero(tape.gradient(first, x).numpy()[0, :, 0, 0])
    return int(used.max() - used.min() + 1)


def test_q2_reference_is_the_measured_receptive_field():
    for (stack,) in lesson._Q4_CASES:
        assert lesson.my_receptive_field(stack) == measured_receptive_field(stack), stack
    assert lesson.q2.is_correct(lesson.my_receptive_field)
    # strides, dilations and a pooling-like stride 2 all appear among the cases
    layers_seen = [layer for (stack,) in lesson._Q4_CASES for layer in stack]
    assert any(s > 1 for _, s, _ in layers_seen) and any(d > 1 for _, _, d in layers_seen)


@pytest.mark.parametrize("cases, mistakes, right_function", [
    (lesson._Q1_CASES, lesson._Q1_MISTAKES, lesson.my_output_shape),
    (lesson._Q4_CASES, lesson._Q4_MISTAKES, lesson.my_receptive_field),
    (lesson._SEPARABLE_KERNELS, lesson._SEPARABLE_MISTAKES, lesson.is_separable),
    (lesson._LAYER_CASES, lesson._LAYER_MISTAKES, lesson.my_layer_counts),
], ids=["q1", "q2", "q5", "q7"])
def test_each_named_mistake_of_a_function_question_is_wrong_and_its_own(cases, mistakes,
                                                                         right_function):
    def answers(function_):   # each case's result as plain Python values (no NumPy scalars)
        return [np.asarray(function_(*case)).tolist() for case in cases]

    results = [answers(wrong) for wrong, _ in mistakes]
    right = answers(right_function)
    for result in results:
        assert result != right
    for first, second in itertools.combinations(results, 2):
        assert first != second


def test_q5_reference_says_when_a_keras_separable_layer_computes_the_conv2d():
    """For each kernel, the SeparableConv2D closest to it (per input channel, the first term of
    the slice's singular value decomposition: depthwise pattern times pointwise weights) is
    built in Keras beside the Conv2D: their outputs agree exactly when is_separable says so."""
    x = np.random.default_rng(0).standard_normal((1, 9, 9, 4)).astype("float32")
    answers = []
    for (kernel,) in lesson._SEPARABLE_KERNELS:
        f_h, f_w, channels, filters = kernel.shape
        depthwise = np.zeros((f_h, f_w, channels, 1))
        pointwise = np.zeros((1, 1, channels, filters))
        for c in range(channels):
            u, s, vt = np.linalg.svd(kernel[:, :, c].reshape(f_h * f_w, filters))
            depthwise[:, :, c, 0] = (u[:, 0] * s[0]).reshape(f_h, f_w)
            pointwise[0, 0, c] = vt[0]
        separable = layers.SeparableConv2D(filters, (f_h, f_w), use_bias=False, name="separable")
        conv = layers.Conv2D(filters, (f_h, f_w), use_bias=False, name="conv")
        for layer in (separable, conv):
            layer.build((None, 9, 9, channels))
        separable.set_weights([depthwise.astype("float32"), pointwise.astype("float32")])
        conv.set_weights([kernel.astype("float32")])
        same = np.allclose(separable(x[..., :channels]).numpy(), conv(x[..., :channels]).numpy(),
                           atol=1e-4)
        assert same == lesson.is_separable(kernel), kernel.shape
        answers.append(same)
    assert lesson.q5.is_correct(lesson.is_separable)
    assert 3 <= sum(answers) <= len(answers) - 3     # both answers are tested, several times


def keras_mults(layer, input_shape) -> int:
    """Multiplications read off a built Keras layer: per output value, its kernel's size."""
    output = layer(np.zeros((1, *input_shape), dtype="float32"))
    positions = int(np.prod(output.shape[1:3]))
    if isinstance(layer, layers.SeparableConv2D):
        depthwise, pointwise = layer.weights[:2]
        return positions * (int(np.prod(depthwise.shape)) + int(np.prod(pointwise.shape)))
    return positions * int(np.prod(layer.kernel.shape))


def _rank_at_most_1(kernel, channel) -> bool:
    f_h, f_w, _, filters = kernel.shape
    return np.linalg.matrix_rank(kernel[:, :, channel].reshape(f_h * f_w, filters)) <= 1


def _returns_in_the_loop(kernel):        # the novice loop: it returns at channel 0
    for c in range(kernel.shape[2]):
        return _rank_at_most_1(kernel, c)


def _overwritten(kernel):                # the flag overwritten: the last channel decides
    result = True
    for c in range(kernel.shape[2]):
        result = _rank_at_most_1(kernel, c)
    return result


def _not_reshaped(kernel):               # matrix_rank of (F, F, C_out): one rank per row of taps
    return all(bool(np.all(np.linalg.matrix_rank(kernel[:, :, c]) <= 1))
               for c in range(kernel.shape[2]))


def test_q5_kernels_tell_the_loop_bugs_from_the_right_test():
    """lesson.q5 (is_separable): among its kernels, one fails on its middle channel only, one on
    channel 0 only, one on its last channel only, and one (3x3x1x2) passes every row of taps
    while its channel's 9 x 2 slice has rank 2. So a loop that returns at the first channel,
    a flag overwritten on each pass, and matrix_rank without the reshape are each rejected,
    with the message that names that mistake."""
    kernels = [kernel for (kernel,) in lesson._SEPARABLE_KERNELS]
    failing = {tuple(not _rank_at_most_1(kernel, c) for c in range(kernel.shape[2]))
               for kernel in kernels if kernel.shape[2] == 3}
    assert {(False, True, False), (True, False, False), (False, False, True)} <= failing
    counterexample = [kernel for kernel in kernels if kernel.shape == (3, 3, 1, 2)
                      and _not_reshaped(kernel) and not lesson.is_separable(kernel)]
    assert len(counterexample) == 1
    for wrong, named in [(_returns_in_the_loop, "decides on channel 0 alone"),
                         (_overwritten, "decides on the last channel alone"),
                         (_not_reshaped, "as it is, 3-D")]:
        assert not lesson.q5.is_correct(wrong)
        assert named in lesson.q5.feedback(wrong), wrong.__name__
    assert lesson.q5.is_correct(lambda kernel: all(_rank_at_most_1(kernel, c)
                                                   for c in range(kernel.shape[2])))


def test_q8_description_gives_the_inputs_keras_builds():
    """lesson.q8 describes VGG-16 in words (a 224x224x3 image; five groups of 2, 2, 3, 3 and 3
    convolutions with 64 to 512 filters, 'same'; a pooling halves the map after each group):
    the inputs worked out from it are those of keras.applications.VGG16's Conv2D layers."""
    assert "2, 2, 3, 3 and 3 convolutions with 64, 128, 256, 512 and 512 filters" in \
        " ".join(lesson.q8.prompt.split())
    inputs, size, c_in = [], 224, 3
    for n_convs, filters in [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]:
        for _ in range(n_convs):
            inputs.append((size, c_in, filters))
            c_in = filters
        size //= 2
    assert inputs == lesson._VGG16
    model = keras.applications.VGG16(weights=None)
    convs = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
    assert [(layer.input.shape[1], layer.input.shape[3], layer.filters) for layer in convs] == \
        inputs
    assert all(layer.padding == "same" and layer.strides == (1, 1) for layer in convs)
    del model, convs
    keras.backend.clear_session()


def test_q1_reference_is_what_keras_and_tensorflow_compute():
    """Conv2D's output shape where Keras allows the case; tf.nn.conv2d's for every case,
    a stride with a dilation too (Conv2D refuses that one)."""
    for case in lesson._Q1_CASES:
        height, width, kernel_size, strides, dilation_rate = case
        convolved = tf.nn.conv2d(tf.zeros((1, height, width, 1)), tf.ones((*kernel_size, 1, 1)),
                                 list(strides), "VALID", dilations=list(dilation_rate))
        assert lesson.my_output_shape(*case) == tuple(convolved.shape[1:3]), case
        if max(strides) > 1 and max(dilation_rate) > 1:
            continue
        conv = layers.Conv2D(1, kernel_size, strides=strides, dilation_rate=dilation_rate,
                             name="case")
        assert lesson.my_output_shape(*case) == conv.compute_output_shape(
            (None, height, width, 1))[1:3], case
    # a case with a stride and a dilation on one axis, which only that mistake gets wrong
    assert any(s > 1 and d > 1 for case in lesson._Q1_CASES
               for s, d in zip(case[3], case[4], strict=True))
    assert lesson.q1.is_correct(lesson.my_output_shape)
    # the cases hold rectangular kernels, unequal strides and unequal dilations
    kernels, strides, dilations = zip(*[case[2:] for case in lesson._Q1_CASES], strict=True)
    assert all(any(a != b for a, b in pairs) for pairs in (kernels, strides, dilations))


def numbers_in_messages(exercise) -> dict[float, str]:
    """The wrong answers a number exercise names, as numbers, with their messages' fragments
    (the same number typed two ways is listed once)."""
    return {float(answer): fragment
            for answer, fragment in LEARNER_ANSWERS[exercise.name]["wrong"].items()
            if answer.replace(".", "").replace("e-", "").replace("_", "").isdigit()}


@pytest.mark.parametrize("exercise", [e for e in EXERCISES
                                      if e.name not in ("q1", "q2", "q5", "q7")],
                         ids=lambda e: e.name)
def test_the_named_mistakes_give_different_answers(exercise):
    """Each mistake a number question names is its own answer (whole ones exactly, others
    beyond rounding, unless they are the same mistake rounded two ways), and none is the
    right one."""
    wrong = numbers_in_messages(exercise)
    for first, second in itertools.combinations(wrong, 2):
        if wrong[first] == wrong[second]:
            continue
        if first.is_integer() and second.is_integer():
            assert first != second
        else:
            assert not math.isclose(first, second, rel_tol=1e-3), (first, second)
    for answer in wrong:
        assert not exercise.is_correct(answer), answer


def test_q3_is_what_keras_counts_for_a_grouped_conv2d():
    layer = layers.Conv2D(80, 3, groups=8, name="grouped")
    layer.build((None, 16, 16, 64))
    assert lesson.q3.is_correct(layer.count_params())
    plain = layers.Conv2D(80, 3, name="plain")
    plain.build((None, 16, 16, 64))
    assert "the count with groups=1" in lesson.q3.feedback(plain.count_params())


def test_q5_zero_filter_kernel_tells_the_scrambled_reshape_from_the_exact_test():
    """lesson.q5 (is_separable): the round-32 review found reshape(C_out, -1) told "your rank
    test is exact". On the kernel whose filter 1 is all zeros, the right answer and the exact
    test say True and the scrambled reshape False, so each gets its own message."""
    kernel = np.zeros((3, 3, 1, 2))
    kernel[:, :, 0, 0] = [[1.0, 0, -1], [2, 1, 0], [0, 1, 3]]
    assert any(np.array_equal(kernel, case) for (case,) in lesson._SEPARABLE_KERNELS)

    def scrambled(k):
        return all(np.linalg.matrix_rank(k[:, :, c, :].reshape(k.shape[3], -1)) <= 1
                   for c in range(k.shape[2]))

    def exact(k):
        return all(np.linalg.matrix_rank(k[:, :, c, :].reshape(-1, k.shape[3]), tol=0) <= 1
                   for c in range(k.shape[2]))

    assert lesson.is_separable(kernel) and exact(kernel) and not scrambled(kernel)
    assert "one filter per row" in lesson.q5.feedback(scrambled)
    assert "exact rank test" not in lesson.q5.feedback(scrambled)
    assert "exact rank test" in lesson.q5.feedback(exact)
    assert "one filter per row" not in lesson.q5.feedback(exact)


def test_q5_kernels_refuse_the_filter_pair_tests():
    """lesson.q5 (is_separable): the round-33 review found three tests of filter pairs that
    passed every kernel. Now one kernel has a zero filter 0 beside two unrelated filters, one
    a zero filter between two unrelated ones, and on the one-bad-channel kernels only filter 2
    is unrelated; a zero filter 0 beside scaled copies is separable. Each pair test is refused
    with its own message, and all pairs (or the first filter that is not zeros) is right."""
    kernels = [kernel for (kernel,) in lesson._SEPARABLE_KERNELS]

    def pairs_pass(kernel, pairs):
        return all(np.linalg.matrix_rank(kernel[:, :, c][..., list(p)].reshape(-1, 2)) <= 1
                   for c in range(kernel.shape[2]) for p in pairs(kernel.shape[3]))

    def with_filter_0(kernel):
        return pairs_pass(kernel, lambda n: [(0, k) for k in range(1, n)])

    def neighbours(kernel):
        return pairs_pass(kernel, lambda n: [(k, k + 1) for k in range(n - 1)])

    def filters_0_and_1(kernel):
        return pairs_pass(kernel, lambda n: [(0, 1)] if n > 1 else [])

    def all_pairs(kernel):
        return pairs_pass(kernel, lambda n: list(itertools.combinations(range(n), 2)))

    for wrong, named in [(with_filter_0, "compares each filter with filter 0"),
                         (neighbours, "tests neighbouring filters in pairs"),
                         (filters_0_and_1, "reads filters 0 and 1 only")]:
        refused = [k for k in kernels if wrong(k) != lesson.is_separable(k)]
        assert refused and all(wrong(k) and not lesson.is_separable(k) for k in refused)
        assert not lesson.q5.is_correct(wrong)
        assert named in lesson.q5.feedback(wrong), wrong.__name__
    assert lesson.q5.is_correct(all_pairs)
    zero_first = [k for k in kernels if not k[:, :, 0, 0].any() and k.shape[3] == 3]
    assert sorted(lesson.is_separable(k) for k in zero_first) == [False, True]
    # a message names a mistake only when the answer proves it: a comparison with filter 0
    # that FAILS a zero filter 0 gets the failing case, not the named message
    def zero_filter_0_fails(kernel):
        return with_filter_0(kernel) and all(kernel[:, :, c, 0].any()
                                             for c in range(kernel.shape[2]))
    assert not lesson.q5.is_correct(zero_filter_0_fails)
    assert "compares each filter with filter 0" not in lesson.q5.feedback(zero_filter_0_fails)


def _mean_square_factor(initializer, networks=8, layers_deep=3, channels=64):
    """By what a conv + ReLU layer multiplies the mean square, measured with TensorFlow: the
    ratio of layer l + 1's to layer l's (layer 1's input is not a ReLU output, so it is not
    used), averaged over 8 networks, since one network's ratio drifts (the lesson's section 5)."""
    rng = np.random.default_rng(7)
    ratios = []
    for network in range(networks):
        h = tf.constant(rng.standard_normal((2, 24, 24, channels)).astype("float32"))
        squares = []
        for i in range(layers_deep):
            kernel = initializer(seed=1000 * network + i)((3, 3, channels, channels))
            h = tf.nn.relu(tf.nn.conv2d(h, kernel, 1, "VALID"))
            squares.append(float(tf.reduce_mean(h**2)))
        ratios.append(np.array(squares[1:]) / np.array(squares[:-1]))
    return float(np.mean(ratios))


def _widening_factor(initializer, networks=8, c_in=64, c_out=128):
    """By what one Conv2D(c_out, 3) + ReLU layer on c_in channels multiplies the mean square of
    a ReLU output, measured with TensorFlow and averaged over 8 draws of the kernel."""
    rng = np.random.default_rng(8)
    ratios = []
    for network in range(networks):
        x = tf.nn.relu(tf.constant(rng.standard_normal((2, 24, 24, c_in)).astype("float32")))
        kernel = initializer(seed=network)((3, 3, c_in, c_out))
        y = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "VALID"))
        ratios.append(float(tf.reduce_mean(y**2)) / float(tf.reduce_mean(x**2)))
    return float(np.mean(ratios))


def test_q4_is_the_factor_tensorflow_measures():
    """lesson.q4: under glorot_uniform, a Conv2D(128, 3) + ReLU layer on 64 channels
    (fan_in = 576, fan_out = 1152) multiplies the mean square by 1/3 (measured within 5%);
    without its ReLU by 2/3, the named mistake; with fan_in = fan_out (a square stack) by 1/2,
    and under He by 1, both named mistakes."""
    glorot = _widening_factor(keras.initializers.GlorotUniform)
    assert lesson.q4.is_correct(1 / 3) and abs(glorot * 3 - 1) < 0.05, glorot
    square = _mean_square_factor(keras.initializers.GlorotUniform)
    assert abs(square / 0.5 - 1) < 0.1, square
    half = lesson.q4.feedback(0.5)   # both routes to 1/2: Glorot taken as 1, or fan_in = fan_out
    assert "as if Glorot kept the mean square" in half and "as if fan_in = fan_out" in half
    assert "is 1 only when fan_in = fan_out" in half and "= 2/3" in half
    he = _mean_square_factor(keras.initializers.HeNormal)
    assert abs(he - 1) < 0.1, he
    one = lesson.q4.feedback(1)   # three routes to 1, the likeliest first: Glorot as 1, no ReLU
    assert "what He's Var(w) = 2 / fan_in gives" in one
    assert "as if Glorot kept the mean square" in one and "the ReLU were left out" in one
    assert "= 2/3" in one
    limit = np.sqrt(6 / (576 + 1152))  # glorot_uniform's limit, whose square is 3 * Var(w)
    assert "has variance limit**2 / 3" in lesson.q4.feedback(576 * limit**2 / 2)
    assert "has variance limit**2 / 3" in lesson.q4.feedback(576 * limit**2)
    assert "He's Var(w) = 2 / fan_in" in lesson.q4.feedback(576 * limit**2)
    assert "the convolution's factor alone" in lesson.q4.feedback(2 / 3)
    doubled = lesson.q4.feedback(576 * 2 / 1728 * 2)   # the ReLU doubling instead of halving
    assert "multiplied by 2 for the ReLU" in doubled and "it does not double it" in doubled
    assert "fan_out * Var(w)" in doubled   # the same 4/3 as the wrong fan, so both are named
    assert "standard deviation's factor" in lesson.q4.feedback(np.sqrt(1 / 3))
    # F * F cancels: the channel counts alone give the factor, and the Correct! message says so
    assert lesson.q4.is_correct(64 * 2 / (64 + 128) / 2)
    assert "F * F cancels" in lesson.q4.feedback(1 / 3)


def test_q5_a_ratio_test_that_divides_by_zero_taps_is_not_told_it_reshaped():
    """A test by ratios to filter 0 fails where filter 0 has a zero tap (0/0); on every kernel
    with zeros it answered as reshape(C_out, -1) does, and was told to fix a reshape it never
    wrote (cold learner r34). A separable kernel without zero taps tells the two apart."""
    def ratios(kernel):
        for c in range(kernel.shape[2]):
            base = kernel[:, :, c, 0]
            for k in range(1, kernel.shape[3]):
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = kernel[:, :, c, k] / base
                if not np.allclose(ratio, ratio.flat[0]):
                    return False
        return True

    message = lesson.q5.feedback(ratios)
    assert "which is not the expected value" in message and "reshape" not in message, message


def _keras_layer(kind, config, input_shape):
    """The Keras layer a q7 case describes, built on its input (batch axis added)."""
    layer = getattr(layers, kind)(**config, name="case")
    layer.build((None, *input_shape))
    return layer


def test_q7_cases_are_what_keras_builds_and_cover_the_rule():
    """lesson.q7 (my_layer_counts): each case's expected (params, mults) comes from the course's
    layer_counts; here Keras builds each layer from its config: count_params() is the params,
    and one multiplication per kernel weight and output position (the output Keras computes)
    is the mults. The cases hold 'same' and 'valid', a stride, a dilation, groups, use_bias
    False, two DepthwiseConv2D (stride 2 'valid' without bias as in MobileNetV2, and
    depth_multiplier 2) and a Dense."""
    for case in lesson._LAYER_CASES:
        kind, config, input_shape = case
        layer = _keras_layer(*case)
        output = layer(np.zeros((1, *input_shape), dtype="float32"))
        positions = int(np.prod(output.shape[1:-1]))       # 1 for Dense
        expected = (layer.count_params(), positions * int(np.prod(layer.kernel.shape)))
        assert lesson._course_rule(*case) == expected, case
        assert lesson.my_layer_counts(*case) == expected, case
    assert lesson.q7.is_correct(lesson.my_layer_counts)
    configs = [(kind, config) for kind, config, _ in lesson._LAYER_CASES]
    convs = [config for kind, config in configs if kind == "Conv2D"]
    assert {config["padding"] for config in convs} == {"same", "valid"}
    assert any(config["strides"] != (1, 1) for config in convs)
    assert any(config["dilation_rate"] != (1, 1) for config in convs)
    assert any(config["groups"] > 1 for config in convs)
    assert any(not config["use_bias"] for config in convs)
    depthwise = [config for kind, config in configs if kind == "DepthwiseConv2D"]
    assert any(config["strides"] == (2, 2) and config["padding"] == "valid"
               and not config["use_bias"] for config in depthwise)
    assert any(config["depth_multiplier"] == 2 for config in depthwise)
    assert any(kind == "Dense" and config["use_bias"] for kind, config in configs)
    keras.backend.clear_session()


def test_q7_cases_use_the_keys_keras_configs_hold():
    """A q7 case's config holds only keys of the real layer's get_config(), with the same value
    types (tuples for kernel_size, strides, dilation_rate): what the capstone cell passes."""
    for case in lesson._LAYER_CASES:
        kind, config, _ = case
        real = _keras_layer(*case).get_config()
        assert set(config) <= set(real), (kind, set(config) - set(real))
        assert all(real[key] == value for key, value in config.items()), (kind, config)
    keras.backend.clear_session()


def test_q7_a_float_array_or_a_single_number_gets_the_questions_words():
    """A (params, mults) NumPy array of floats reads as the pair; a lone number is told that
    the question expects (params, mults), not 'a shape'."""
    def as_floats(kind, config, input_shape):
        return np.array(lesson.my_layer_counts(kind, config, input_shape), dtype=float)

    def params_only(kind, config, input_shape):
        return lesson.my_layer_counts(kind, config, input_shape)[0]

    assert lesson.q7.is_correct(as_floats)
    message = lesson.q7.feedback(params_only)
    assert "expected (params, mults)" in message and "shape" not in message, message


def test_q7_capstone_cell_runs_the_learners_function_once_q7_passes():
    """The cell after q7 runs my_layer_counts over MobileNetV2 once q7 passes, the course's
    layer_counts until then (what the stored notebook ran): with q7's solution typed in, it
    prints the same totals and says it ran "your my_layer_counts"."""
    _, notebook = read_lesson("07")
    (cell,) = [cell for cell in notebook.cells if cell.cell_type == "code"
               and "q7.is_correct(my_layer_counts)" in cell.source]
    stored = printed(cell).splitlines()
    assert stored[0].startswith("run by the course's layer_counts: solve q7")
    model = keras.applications.MobileNetV2(
        weights=None, input_tensor=keras.Input((224, 224, 3), name="image"),
        name="mobilenet_v2")
    namespace = {"__name__": "__main__", "np": np, "mobilenet": model, "q7": lesson.q7,
                 "layer_counts": layer_counts, "predict_model": predict_model}
    exec(textwrap.dedent(inspect.getsource(lesson.my_layer_counts)), namespace)  # typed in
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(cell.source, namespace)
    lines = output.getvalue().splitlines()
    assert lines[0] == "run by your my_layer_counts"
    assert lines[1:] == stored[1:] and "300.8 M multiplications" in lines[1]
    del model
    keras.backend.clear_session()
