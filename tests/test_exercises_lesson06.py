"""Lesson 06 exercises: the expected answers agree with TensorFlow's gradients and with Keras
(the reference is the real library, not the exercise module), the arrays of the questions tell
the predictable mistakes apart, and LEARNER_ANSWERS lists what a learner types.

LEARNER_ANSWERS is run in the notebook's own kernel after the notebook (tests/kernel_checks.py):
each "right" entry must print "Correct!", each "wrong" entry "Not quite:" and the fragment
given, which names that mistake.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import course_utils as lesson_helpers
from course_utils import conv2d
from course_utils.exercises import exercises_in
from course_utils.exercises import lesson06 as lesson
from tests.new_kernel import heading_index, printed, read_lesson, run_cells
from tests.reference import tf_conv2d_gradients

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
layers = keras.layers

EXERCISES = exercises_in(lesson)

_CONV_LOOPS = '''def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    f, _, _, filters = kernel.shape
    batch, o_h, o_w, _ = grad_output.shape
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    dx = np.zeros(x_pad.shape)
    dk = np.zeros(kernel.shape)
    for b in range(batch):
        for i in range(o_h):
            for j in range(o_w):
                r, c = i * stride, j * stride
                for k in range(filters):
                    g = grad_output[b, i, j, k]
                    dk[..., k] += g * x_pad[b, r:r + f, c:c + f, :]
                    dx[b, r:r + f, c:c + f, :] += g * kernel[..., k]
    h, w = x.shape[1:3]
    dx = dx[:, padding:padding + h, padding:padding + w, :]
    return dx, dk, grad_output.sum(axis=(0, 1, 2))'''


def _conv(**replace) -> str:
    """my_conv_backward in loops as a learner writes it, with one step changed."""
    source = _CONV_LOOPS
    for old, new in replace.items():
        assert old in source, old
        source = source.replace(old, new)
    return source


_CONV_TAPE = '''def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    x_var, kernel_var = tf.Variable(x), tf.Variable(kernel)
    pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(grad_output * tf.nn.conv2d(x_var, kernel_var, stride, pads))
    grad_x, grad_kernel = tape.gradient(loss, [x_var, kernel_var])
    return grad_x.numpy(), grad_kernel.numpy(), grad_output.sum(axis=(0, 1, 2))'''

_CONV_HELPER = ("def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):\n"
                "    return conv2d_backward(x, kernel, grad_output, stride, padding)")

# the same sums, one kernel tap (u, v) at a time: every window's pixel (u, v) at once
_CONV_TAPS = '''def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    f = kernel.shape[0]
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    o_h, o_w = grad_output.shape[1:3]
    dk = np.zeros(kernel.shape)
    dx = np.zeros(x_pad.shape)
    for u in range(f):
        for v in range(f):
            rows = slice(u, u + stride * (o_h - 1) + 1, stride)
            cols = slice(v, v + stride * (o_w - 1) + 1, stride)
            dk[u, v] = np.einsum("bijc,bijk->ck", x_pad[:, rows, cols], grad_output)
            dx[:, rows, cols] += np.einsum("bijk,ck->bijc", grad_output, kernel[u, v])
    h, w = x.shape[1:3]
    return dx[:, padding:padding + h, padding:padding + w], dk, grad_output.sum(axis=(0, 1, 2))'''

# section 4's two matrix products, not the loops q3 asks for
_CONV_MATRICES = '''def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    f, _, _, filters = kernel.shape
    x_col = im2col(x, f, stride=stride, padding=padding)
    k2, g2 = kernel.reshape(-1, filters), grad_output.reshape(-1, filters)
    grad_x = col2im(g2 @ k2.T, x.shape, f, stride=stride, padding=padding)
    return grad_x, (x_col.T @ g2).reshape(kernel.shape), grad_output.sum(axis=(0, 1, 2))'''
# H and W mixed up: only a case whose output (or padded input) is not square tells
_CONV_WIDTH_FROM_HEIGHT = _conv(**{"batch, o_h, o_w, _ = grad_output.shape":
                                   "batch, o_h, _, _ = grad_output.shape\n    o_w = o_h"})
_CONV_CROP_HEIGHT_TWICE = _conv(**{"dx = dx[:, padding:padding + h, padding:padding + w, :]":
                                   "dx = dx[:, padding:padding + h, padding:padding + h, :]"})

_CHECK = '''def gradient_check(forward, backward, x, grad_output):
    def loss():
        return np.sum(grad_output * forward(x))
    a = backward(x, grad_output)
    n = numerical_gradient(loss, x)
    return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))'''


def _check(**replace) -> str:
    source = _CHECK
    for old, new in replace.items():
        assert old in source, old
        source = source.replace(old, new)
    return source


_ONE_SIDED = '''def gradient_check(forward, backward, x, grad_output):
    def loss():
        return np.sum(grad_output * forward(x))
    a = backward(x, grad_output)
    base = loss()
    n = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + 1e-6
        n[index] = (loss() - base) / 1e-6
        x[index] = saved
    return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))'''

_CENTRED_BY_HAND = _ONE_SIDED.replace(
    "    base = loss()\n", "").replace(
    "        n[index] = (loss() - base) / 1e-6\n",
    "        up = loss()\n        x[index] = saved - 1e-5\n"
    "        n[index] = (up - loss()) / 2e-5\n").replace("saved + 1e-6", "saved + 1e-5")

_FLOAT32_BY_HAND = '''def gradient_check(forward, backward, x, grad_output):
    x32 = x.astype(np.float32)
    n = np.zeros_like(x32)
    for index in np.ndindex(x32.shape):
        saved = x32[index]
        x32[index] = saved + 1e-6
        up = np.sum(grad_output * forward(x32))
        x32[index] = saved - 1e-6
        down = np.sum(grad_output * forward(x32))
        x32[index] = saved
        n[index] = (up - down) / (2 * 1e-6)
    a = backward(x, grad_output)
    return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))'''

_WINDOWS_1X3 = ("X = np.stack([image[:, 0:6].ravel(), image[:, 1:7].ravel(), "
                "image[:, 2:8].ravel()], axis=1)\n")
_SOFTMAX = "np.exp(Q6_SCORES) / np.exp(Q6_SCORES).sum(axis=1, keepdims=True)"

_POOL_RELU_LOOPS = '''def my_pool_relu_backward(a, grad_pooled):
    batch, height, width, channels = a.shape
    grad_a = np.zeros(a.shape)
    for i in range(height // 2):
        for j in range(width // 2):
            window = a[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2, :].reshape(batch, 4, channels)
            first = window.argmax(axis=1)
            for b in range(batch):
                for c in range(channels):
                    u, v = divmod(first[b, c], 2)
                    grad_a[b, 2 * i + u, 2 * j + v, c] = grad_pooled[b, i, j, c]
    return grad_a * (a > 0)'''
# the loops over rows and columns swapped: right on a square batch only
_POOL_RELU_SWAPPED = _POOL_RELU_LOOPS.replace(
    "for i in range(height // 2):", "for i in range(width // 2):").replace(
    "for j in range(width // 2):", "for j in range(height // 2):")
# a mask of the cells equal to their window's maximum: at a tie every tied cell gets the gradient
_POOL_RELU_TIED_MASK = '''def my_pool_relu_backward(a, grad_pooled):
    pooled_up = np.repeat(np.repeat(pool2d(a), 2, axis=1), 2, axis=2)
    spread = np.repeat(np.repeat(grad_pooled, 2, axis=1), 2, axis=2)
    return spread * (a == pooled_up) * (a > 0)'''
# `>=` keeps the last of equal values: at a tie the gradient goes to the window's last maximum
_POOL_RELU_LAST = '''def my_pool_relu_backward(a, grad_pooled):
    grad_a = np.zeros(a.shape)
    for b, i, j, c in np.ndindex(grad_pooled.shape):
        best, where = -np.inf, None
        for u in range(2):
            for v in range(2):
                if a[b, 2 * i + u, 2 * j + v, c] >= best:
                    best, where = a[b, 2 * i + u, 2 * j + v, c], (u, v)
        grad_a[b, 2 * i + where[0], 2 * j + where[1], c] = grad_pooled[b, i, j, c]
    return grad_a * (a > 0)'''
# the loops over columns first: at a tie the gradient goes to the first maximum in column order
_POOL_RELU_COLUMNS = _POOL_RELU_LOOPS.replace(
    "window = a[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2, :].reshape(batch, 4, channels)",
    "window = a[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2, :].transpose(0, 2, 1, 3)"
    ".reshape(batch, 4, channels)").replace("u, v = divmod(first[b, c], 2)",
                                            "v, u = divmod(first[b, c], 2)")
# each window's gradient split evenly among its tied maxima
_POOL_RELU_SHARED = '''def my_pool_relu_backward(a, grad_pooled):
    b, h, w, c = a.shape
    mask = (a == np.repeat(np.repeat(pool2d(a), 2, axis=1), 2, axis=2)).astype(float)
    counts = mask.reshape(b, h // 2, 2, w // 2, 2, c).sum(axis=(2, 4))
    share = np.repeat(np.repeat(grad_pooled / counts, 2, axis=1), 2, axis=2)
    return share * mask * (a > 0)'''
# without loops: each window's four cells on a last axis, argmax (the first maximum) one-hot
_POOL_RELU_ONE_HOT = '''def my_pool_relu_backward(a, grad_pooled):
    b, h, w, c = a.shape
    windows = a.reshape(b, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4)
    first = windows.reshape(b, h // 2, w // 2, c, 4).argmax(axis=-1)
    routed = np.eye(4)[first] * grad_pooled[..., None]
    grad_a = routed.reshape(b, h // 2, w // 2, c, 2, 2).transpose(0, 1, 4, 2, 5, 3)
    return grad_a.reshape(a.shape) * (a > 0)'''


LEARNER_ANSWERS = {
    "q1": {
        "right": ["[[5, 1], [-3, 3]]", "np.array([[5.0, 1.0], [-3.0, 3.0]])",
                  "conv2d(Q1_X, Q1_GRAD)"],
        "wrong": {
            "conv2d(Q1_X, np.flip(Q1_GRAD))": "you flipped dL/dY",
            "conv2d(Q1_X, Q1_GRAD.T)": "you transposed dL/dY",
            "[[5, -3], [1, 3]]": "rows and columns are swapped",
            "conv2d(Q1_X, Q1_KERNEL)": "forward output",
            "Q1_GRAD * Q1_KERNEL": "does not involve the kernel",
            "[[3, -3], [1, 5]]": "turned by 180 degrees",
            "[[0, 6, -2], [-3, 4, 3], [0, -2, 2]]": "that is dL/dX",
            "[[1.25, 0.25], [-0.75, 0.75]]": "does not average",
            "[[-5, -1], [3, -3]]": "the sign is off",
            "-conv2d(Q1_X, Q1_GRAD)": "the sign is off",
            "Q1_KERNEL - conv2d(Q1_X, Q1_GRAD)": "one gradient-descent step",
            "'[[5, 1], [-3, 3]]'": "remove the quotes",
            "[[-2, -2], [3, -1]]": "one gradient-descent step",
            # section 2's loops return all three gradients; q1 asks for the middle one
            "conv_backward_loops(Q1_X, Q1_KERNEL, Q1_GRAD)": "q1 asks for dL/dK alone",
            "conv2d_backward(Q1_X, Q1_KERNEL, Q1_GRAD)": "q1 asks for dL/dK alone",
        },
    },
    "q2": {
        "right": ["[[2, -4, -1, 2, 0, 0], [6, 2, -5, -1, 1, 0], [4, 0, 6, 0, -4, 0], "
                  "[0, 0, 0, 0, 0, 0]]",
                  "conv2d_backward(np.zeros((4, 6)), Q2_KERNEL, Q2_GRAD, stride=2)[0]",
                  "conv2d_transpose(Q2_GRAD, Q2_KERNEL, stride=2, output_padding=1)",
                  # section 3's full-convolution route: G dilated, padded by 2, under the
                  # flipped kernel, then the unread row and column added
                  "np.pad(conv2d(np.pad([[2, 0, -1]], 2), np.flip(Q2_KERNEL)), ((0, 1), (0, 1)))"],
        "wrong": {
            "conv2d_backward(np.zeros((3, 4)), Q2_KERNEL, Q2_GRAD)[0]": "dL/dX at stride 1",
            "[[2, -5, 2, 0, 0, 0], [6, -1, -3, 1, 0, 0], [4, -2, 8, -4, 0, 0], "
            "[0, 0, 0, 0, 0, 0]]": "your stamps sit 1 pixel apart",
            # the overlap overwritten: the second stamp's column 2, or the first's
            "[[2, -4, -1, 2, 0, 0], [6, 2, -3, -1, 1, 0], [4, 0, -2, 0, -4, 0], "
            "[0, 0, 0, 0, 0, 0]]": "overlapping stamps add",
            "[[2, -4, 0, 2, 0, 0], [6, 2, -2, -1, 1, 0], [4, 0, 8, 0, -4, 0], "
            "[0, 0, 0, 0, 0, 0]]": "overlapping stamps add",
            "conv2d_backward(np.zeros((4, 6)), Q2_KERNEL.T, Q2_GRAD, stride=2)[0]":
                "you stamped the kernel transposed",
            "conv2d_backward(np.zeros((4, 6)), np.flip(Q2_KERNEL), Q2_GRAD, stride=2)[0]":
                "the kernel flipped",
            "conv2d_backward(np.zeros((4, 6)), Q2_KERNEL, np.ones((1, 2)), stride=2)[0]":
                "the kernel itself",
            "conv2d_backward(np.zeros((4, 6)), Q2_KERNEL, Q2_GRAD[:, ::-1], stride=2)[0]":
                "the two stamps are swapped",
            "conv2d_transpose(Q2_GRAD, Q2_KERNEL, stride=2)": "the input's shape, 4x6",
            "-conv2d_backward(np.zeros((4, 6)), Q2_KERNEL, Q2_GRAD, stride=2)[0]":
                "the sign is off",
            # the full-convolution route without the zero between G's values
            "np.pad(conv2d(np.pad(Q2_GRAD, 2), np.flip(Q2_KERNEL)), ((0, 1), (0, 2)))":
                "you left out the S - 1 = 1 zero between G's values",
            # the same route with the zero, but the kernel not flipped
            "np.pad(conv2d(np.pad([[2, 0, -1]], 2), Q2_KERNEL), ((0, 1), (0, 1)))":
                "slid the kernel without flipping it",
        },
    },
    "q3": {
        "right": [_CONV_LOOPS, _CONV_TAPS],
        "wrong": {
            _CONV_HELPER: "the course's own backward pass",
            _CONV_TAPE: "calls TensorFlow's GradientTape",
            _CONV_MATRICES: "section 4's fast version",
            _CONV_HELPER.replace("conv2d_backward(", "conv2d_backward_im2col("):
                "calls conv2d_backward_im2col, the course's own backward pass",
            _CONV_WIDTH_FROM_HEIGHT: "your function raised IndexError",
            _CONV_CROP_HEIGHT_TWICE: "the crop is off on a rectangular input",
            _conv(**{"    dx = dx[:, padding:padding + h, padding:padding + w, :]\n": ""}):
                "it has the padded input's shape",
            _conv(**{"dx = dx[:, padding:padding + h, padding:padding + w, :]":
                     "dx = dx[:, :h, :w, :]"}): "the crop is off",
            _conv(**{"return dx, dk, ": "return dk, dx, "}): "that is the kernel's shape",
            _conv(**{"r, c = i * stride, j * stride": "r, c = i, j"}):
                "the windows start S pixels apart",
            _conv(**{"g * kernel[..., k]": "g * kernel[::-1, ::-1, :, k]"}):
                "stamped with the kernel flipped",
            _conv(**{"g = grad_output[b, i, j, k]": "g = grad_output[0, i, j, k]"}):
                "every image used image 0's dL/dY",
            _conv(**{"for b in range(batch)": "for b in range(1)"}):
                "only image 0 got a gradient",
            _conv(**{"+= g * kernel[..., k]": "+= g * kernel[..., 0]"}):
                "every filter stamped filter 0's weights",
            _conv(**{"dk[..., k] += g": "dk[..., k] = g"}): "keeps only the last window",
            _conv(**{"dx[b, r:r + f, c:c + f, :] += g": "dx[b, r:r + f, c:c + f, :] = g"}):
                "overlapping windows must add, use +=",
            _conv(**{"                    dk[..., k] += g": "                    if b == 0:\n"
                     "                        dk[..., k] += g"}): "image 0's contributions only",
            _conv(**{"return dx, dk, ": "return dx, dk.transpose(1, 0, 2, 3), "}):
                "its rows and columns (u and v) are swapped",
            _conv(**{"return dx, dk, ": "return dx, dk / batch, "}):
                "divided by the number of images B",
            _conv(**{"g * x_pad[b, r:r + f": "g * x_pad[0, r:r + f"}):
                "multiplied image 0's windows",
            _conv(**{"grad_output.sum(axis=(0, 1, 2))": "grad_output.sum(axis=(1, 2))"}):
                "sum dL/dY over the images too",
            _conv(**{"grad_output.sum(axis=(0, 1, 2))": "grad_output.sum()"}):
                "not over the filters too",
            _conv(**{"grad_output.sum(axis=(0, 1, 2))": "grad_output[0].sum(axis=(0, 1))"}):
                "it is image 0's sum alone",
            _conv(**{"grad_output.sum(axis=(0, 1, 2))": "grad_output.mean(axis=(0, 1, 2))"}):
                "it is the mean of dL/dY, not its sum",
            _conv(**{", dk, grad_output.sum(axis=(0, 1, 2))": ""}):
                "must return the three gradients",
            _conv(**{"    return dx, dk, grad_output.sum(axis=(0, 1, 2))": "    pass"}):
                "your function returned None",
            _conv(**{"g * x_pad[b, r:r + f, c:c + f, :]": "g * xpad[b, r:r + f, c:c + f, :]"}):
                "your function raised NameError",
            _conv(**{"g * x_pad[b, r:r + f, c:c + f, :]": "g * x[b, r:r + f, c:c + f, :]"}):
                "on every case without padding",
            _conv(**{"x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))":
                     "x_pad = x"}): "on every case without padding",
            # the classic crop: -0 is 0, so padding:-padding keeps nothing when P = 0
            _conv(**{"dx = dx[:, padding:padding + h, padding:padding + w, :]":
                     "dx = dx[:, padding:-padding, padding:-padding, :]"}):
                "P:-P is 0:0. Crop with P:P + H",
            _conv(**{"dx[b, r:r + f, c:c + f, :] += g": "dx[b, r:r + f, c:c + f, :] += 2 * g"}):
                "(in dL/dX, the first array returned).\nTo rerun that case: args, kwargs = "
                "q3.failing_case",
        },
    },
    "q4": {
        "right": [_CHECK, _CENTRED_BY_HAND,
                  "def gradient_check(forward, backward, x, grad_output):\n"
                  "    n = numerical_gradient(lambda: np.sum(grad_output * forward(x)), x)\n"
                  "    return relative_error(backward(x, grad_output), n)",
                  # the prompt says any h from 1e-7 to 1e-4 meets the 1e-8 tolerance
                  _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x, h=1e-4)"}),
                  _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x, h=1e-7)"})],
        "wrong": {
            _check(**{"np.sum(grad_output * forward(x))": "np.sum(forward(x))"}):
                "your loss leaves out grad_output",
            _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x.copy())"}):
                "every relative error is 1",
            _check(**{" / (np.linalg.norm(a) + np.linalg.norm(n))": ""}):
                "divide ||a - n|| by ||a|| + ||n||",
            _check(**{"return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))":
                      "return np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))"}):
                "an element-wise relative error, as in CS231n",
            _check(**{"return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))":
                      "return np.max(np.abs(a - n))"}):
                "the largest absolute difference",
            _check(**{"return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))":
                      "return np.max(np.abs(a - n) / np.maximum(1e-8, np.maximum(np.abs(a), "
                      "np.abs(n))))"}):
                "CS231n's element-wise relative error",
            _check(**{"return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))":
                      "return np.max(np.abs(a - n) / np.maximum(np.abs(a), np.abs(n)))"}):
                "(NaN where a and n are both 0); this question asks for",
            _ONE_SIDED: "a one-sided difference",
            _ONE_SIDED.replace("1e-6", "1e-8"): "with h = 1e-8",
            _ONE_SIDED.replace("1e-6", "1e-5"): "a one-sided difference, (L(w + h) - L(w)) / h "
                                                "(h = 1e-5)",
            _CENTRED_BY_HAND.replace("/ 2e-5", "/ 1e-5"): "twice the true one",
            _check(**{"numerical_gradient(loss, x)":
                      "numerical_gradient(loss, x.astype('float32'))"}):
                "must hold float64",
            _check(**{"/ (np.linalg.norm(a) + np.linalg.norm(n))":
                      "/ max(np.linalg.norm(a), np.linalg.norm(n))"}): "max(||a||, ||n||)",
            _check(**{"/ (np.linalg.norm(a) + np.linalg.norm(n))": "/ np.linalg.norm(a)"}):
                "by ||a|| alone",
            _check(**{"/ (np.linalg.norm(a) + np.linalg.norm(n))": "/ np.linalg.norm(n)"}):
                "by ||n|| alone",
            _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x, h=1e-3)"}):
                "a centred difference with h = 1e-3",
            _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x, 1e-2)"}):
                "a centred difference with h = 1e-2",
            _check(**{"np.sum(grad_output * forward(x))": "np.mean(grad_output * forward(x))"}):
                "your loss is the mean",
            _FLOAT32_BY_HAND: "computed in float32",
            # float32 with another h, and h outside 1e-7 to 1e-4: named from what forward saw
            _FLOAT32_BY_HAND.replace("1e-6", "1e-3"): "ran the layers on float32 numbers",
            _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x, h=1e-8)"}):
                "by h = 1e-08, too small",
            _CENTRED_BY_HAND.replace("1e-5", "1e-10").replace("2e-5", "2e-10"):
                "by h = 1e-10, too small",
            _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x, h=3e-4)"}):
                "by h = 3e-04, too large",
        },
    },
    "q5": {
        "right": ['["kink", "fine", "bug", "kink", "bug"]',
                  "('Kink', 'fine', 'bug', 'kink', 'BUG')",
                  "'kink, fine, bug, kink, bug'",
                  "{'A': 'kink', 'B': 'fine', 'C': 'bug', 'D': 'kink', 'E': 'bug'}"],
        "wrong": {
            # every large error read as a bug: the kinks of A and D taken for bugs
            '["bug", "fine", "bug", "bug", "bug"]': "A kink, not a bug",
            # only the rounded column read: every large error there a kink
            '["kink", "fine", "kink", "kink", "kink"]': "no kink explains an error above 1e-2",
            # only the column without ties or zeros read: the kinks called fine
            '["fine", "fine", "bug", "fine", "bug"]': "right code, and the check met a kink",
            '["kink", "kink", "bug", "kink", "bug"]': "a convolution has no kink",
            '["kink", "fine", "bug"]': "give 5 verdicts",
            '["kink", "fine", "bug", "kink", "wrong pooling"]': "one of 'fine', 'kink' or 'bug'",
        },
    },
    "q6": {
        "right": [f"{_SOFTMAX} - np.eye(3)[Q6_LABELS]",
                  "[[-0.202, 0.024, 0.178], [0.026, 0.858, -0.884]]",   # rounded
                  "[[-0.2021, 0.0241, 0.1780], [0.0259, 0.8580, -0.8839]]",   # cut
                  "tf.nn.softmax(Q6_SCORES).numpy() - np.eye(3)[Q6_LABELS]",
                  # float32, as a tape gives it, rounded
                  "np.float32([[-0.202, 0.024, 0.178], [0.026, 0.858, -0.884]])",
                  f"({_SOFTMAX} - np.eye(3)[Q6_LABELS]).round(4).astype('float32')"],
        "wrong": {
            # -0.2021 is -0.202 to 3 decimals: -0.203 is one off
            "[[-0.203, 0.024, 0.178], [0.026, 0.858, -0.884]]": "one off in its 3rd decimal",
            # section 7's line copied: the mean's 1/B
            f"({_SOFTMAX} - np.eye(3)[Q6_LABELS]) / len(Q6_LABELS)":
                "Keras's default loss, the mean",
            "[[-0.101, 0.012, 0.089], [0.013, 0.429, -0.442]]": "nothing is divided",
            f"({_SOFTMAX} - np.eye(3)[Q6_LABELS]) * 2": "times B = 2",
            _SOFTMAX: "those are the softmax probabilities p",
            f"np.eye(3)[Q6_LABELS] - {_SOFTMAX}": "the sign is off",
            "Q6_SCORES - np.eye(3)[Q6_LABELS]": "from the scores themselves",
            "np.exp(Q6_SCORES) / np.exp(Q6_SCORES).sum(axis=0) - np.eye(3)[Q6_LABELS]":
                "down the columns",
            f"-np.eye(3)[Q6_LABELS] / ({_SOFTMAX})": "that is dL/dp",
            "[[0.026, 0.858, -0.884], [-0.202, 0.024, 0.178]]": "the two rows are swapped",
            "[[-0.2, 0.02, 0.18], [0.03, 0.86, -0.88]]":
                "every value is the expected one rounded to 2 decimal places: give at least 3",
        },
    },
    "q7": {
        "right": [_POOL_RELU_LOOPS, _POOL_RELU_ONE_HOT],
        "wrong": {
            _POOL_RELU_TIED_MASK: "the gradient went to every tied maximum",
            _POOL_RELU_SWAPPED: "your function raised ValueError",
            _POOL_RELU_LAST: "the last maximum of the window",
            _POOL_RELU_SHARED: "shared among the tied maxima",
            _POOL_RELU_COLUMNS: "the first maximum in column order",
            _POOL_RELU_LOOPS.replace("= grad_pooled[b, i, j, c]",
                                     "= max(grad_pooled[b, i, j, c], 0)   # blocked like ReLU"):
                "routes the gradient whatever its sign",
            _POOL_RELU_LOOPS.replace("return grad_a * (a > 0)", "return grad_a * (grad_a > 0)"):
                "only ReLU's mask blocks",
            _POOL_RELU_LOOPS.replace("return grad_a * (a > 0)", "return grad_a"):
                "the ReLU step is missing",
            _POOL_RELU_LOOPS.replace("(a > 0)", "(a >= 0)"): "use a > 0, not a >= 0",
            # the same mask in a helper: the source of my_pool_relu_backward does not show it
            "def relu_mask(a):\n    return a >= 0\n\n\n"
            + _POOL_RELU_LOOPS.replace("(a > 0)", "relu_mask(a)"):
                "If you wrote a mask as a >= 0, it blocks nothing",
            "def my_pool_relu_backward(a, grad_pooled):\n"
            "    spread = np.repeat(np.repeat(grad_pooled, 2, axis=1), 2, axis=2)\n"
            "    return spread / 4 * (a > 0)": "average pooling's rule",
            "def my_pool_relu_backward(a, grad_pooled):\n"
            "    return pool2d_backward(a, grad_pooled) * (a > 0)":
                "calls pool2d_backward",
            "def my_pool_relu_backward(a, grad_pooled):\n"
            "    spread = np.repeat(np.repeat(grad_pooled, 2, axis=1), 2, axis=2)\n"
            "    return spread * (a > 0)": "only the maximum",
        },
    },
    "q8": {
        "right": ["0.0488", "4.88e-2", "2 / 40.97", "0.04882",
                  _WINDOWS_1X3 + "answer = 2 / np.linalg.eigvalsh(2 * X.T @ X).max()"],
        "wrong": {
            "0.0244": "1/lambda",
            _WINDOWS_1X3 + "answer = 1 / np.linalg.eigvalsh(2 * X.T @ X).max()": "1/lambda",
            "0.285": "the smallest eigenvalue",
            "0.0833": "check that X has three columns",
            _WINDOWS_1X3 + "answer = 2 / np.diag(2 * X.T @ X).max()": "one weight alone",
            "X = np.stack([image[:, 0:6].ravel(), image[:, 2:8].ravel()], axis=1)\n"
            "answer = 2 / np.linalg.eigvalsh(2 * X.T @ X).max()": "missing its middle column",
            _WINDOWS_1X3 + "answer = 2 / np.linalg.eigvalsh(X.T @ X).max()": "X^T X",
            "0.0333": "Going further A's bound",
            "1 / 30": "Going further A's bound",
            "40.97": "lambda itself",
            "0.049": "give at least 3",
            "0.04": "is not the expected value",   # a cut, not 0.0488 rounded (main's number())
            "0.048": "is not the expected value",  # cut after 2 figures: no longer called right
            "0.05": "too few to tell",
            "0.0489": "misrounded",
            "0.06": "is not the expected value",
        },
    },
}


def test_every_exercise_has_learner_answers_with_two_wrong_ones():
    assert set(LEARNER_ANSWERS) == {exercise.name for exercise in EXERCISES}
    for name, answers in LEARNER_ANSWERS.items():
        assert answers["right"], name
        assert len(answers["wrong"]) >= 3, name


# --- the expected answers, from TensorFlow and Keras -------------------------------------------


def test_q1_is_the_kernel_gradient_tensorflow_computes():
    grads = tf_conv2d_gradients(lesson.Q1_X[None, :, :, None], lesson.Q1_KERNEL[:, :, None, None],
                                lesson.Q1_GRAD[None, :, :, None])
    assert lesson.q1.is_correct(grads[1][:, :, 0, 0])


def test_q2_is_the_input_gradient_tensorflow_computes_at_stride_2():
    x = np.random.default_rng(2).standard_normal((1, 4, 6, 1))
    grads = tf_conv2d_gradients(x, lesson.Q2_KERNEL[:, :, None, None].astype(float),
                                lesson.Q2_GRAD[None, :, :, None].astype(float), stride=2)
    assert lesson.q2.is_correct(grads[0][0, :, :, 0])
    np.testing.assert_array_equal(grads[0][0, 3, :, 0], 0)      # row 3: no window read it
    np.testing.assert_array_equal(grads[0][0, :, 5, 0], 0)      # column 5 neither


def test_q2_stamps_overlap_and_its_mistakes_are_their_own():
    """The two 3x3 windows share column 2, so the answer needs the two stamps added there (it
    differs from either stamp alone); each named mistake is another array, and each is told
    its own message."""
    kernel, grad, answer = lesson.Q2_KERNEL, lesson.Q2_GRAD, lesson._Q2X
    overlap = grad[0, 0] * kernel[:, 2] + grad[0, 1] * kernel[:, 0]
    np.testing.assert_array_equal(answer[:3, 2], overlap)
    assert not np.array_equal(overlap, grad[0, 0] * kernel[:, 2])
    assert not np.array_equal(overlap, grad[0, 1] * kernel[:, 0])
    assert not np.array_equal(np.flip(kernel), kernel.T)
    arrays = [np.asarray(answer, float)] + [np.asarray(wrong, float) for wrong in (
        lesson._stamps(kernel, grad, 1), lesson._stamps(kernel, grad, 2, add=False),
        lesson._stamps(kernel, grad, 2, add=False, reverse=True),
        lesson._stamps(np.flip(kernel), grad, 2), lesson._stamps(kernel.T, grad, 2),
        lesson._stamps(kernel, np.ones((1, 2)), 2), lesson._stamps(kernel, grad[:, ::-1], 2),
        -answer)]
    for first, second in itertools.combinations(arrays, 2):
        assert not np.allclose(first, second)


def test_q1_mistakes_give_different_answers():
    """Flip, transpose, swapped axes, the forward output: each mistake is a different array."""
    x, grad, kernel = lesson.Q1_X, lesson.Q1_GRAD, lesson.Q1_KERNEL
    right = conv2d(x, grad)
    candidates = [right, conv2d(x, np.flip(grad)), conv2d(x, grad.T), right.T, np.flip(right),
                  conv2d(x, kernel), grad * kernel]
    for i, first in enumerate(candidates):
        for second in candidates[i + 1:]:
            assert not np.allclose(first, second)


def test_q3_reference_is_the_gradients_tensorflow_computes():
    """The expected answers of every case are tf.GradientTape's, and the cases cover strides
    1 to 3, padding, batches, channels, filters and a rectangular input, with a batch and
    several filters among the cases without padding (so that a batch or filter mistake is not
    taken for a padding one)."""
    for x, kernel, grad, stride, padding in lesson._Q3_CASES:
        expected = tf_conv2d_gradients(x, kernel, grad, stride, padding)
        expected[2] = np.asarray(expected[2])
        for ours, theirs in zip(lesson.my_conv_backward(x, kernel, grad, stride, padding),
                                expected, strict=True):
            np.testing.assert_allclose(ours, theirs, atol=1e-12)
    assert lesson.q3.is_correct(lesson.my_conv_backward)
    cases = lesson._Q3_CASES
    assert {case[3] for case in cases} == {1, 2, 3} and {case[4] for case in cases} == {0, 1}
    unpadded = [case for case in cases if case[4] == 0]
    assert {case[3] for case in unpadded} == {1, 2, 3}
    assert any(case[0].shape[0] > 1 and case[1].shape[3] > 1 and case[0].shape[3] > 1
               for case in unpadded)
    assert any(case[0].shape[0] == 1 and case[1].shape[3] == 1 for case in cases if case[4])
    assert any(case[0].shape[1] != case[0].shape[2] for case in cases)


def test_q3_each_named_mistake_is_wrong_and_its_own():
    """Every wrong backward pass q3 names gives another gradient than TensorFlow's on some
    case, no two named mistakes of one gradient agree on every case, and each gets its
    message."""
    for name, (index, mistakes) in lesson._Q3_PARTS.items():
        results = []
        for wrong, message in mistakes:
            outputs = [np.asarray(wrong(*case)[index]) for case in lesson._Q3_CASES]
            expected = [np.asarray(tf_conv2d_gradients(*case)[index]) for case in lesson._Q3_CASES]
            assert not all(o.shape == e.shape and np.allclose(o, e)
                           for o, e in zip(outputs, expected, strict=True)), message
            assert lesson.q3.feedback(wrong) == (
                f"Not quite: {name} is off: {message}\nCall q3.hint() for a hint, or "
                "q3.solution() to see the answer.")
            results.append(outputs)
        for first, second in itertools.combinations(results, 2):
            assert not all(a.shape == b.shape and np.allclose(a, b)
                           for a, b in zip(first, second, strict=True))


def test_q3_names_padding_only_for_a_function_right_on_every_unpadded_case():
    """A batch or filter mistake is never told about padding; a function that raises or
    returns None is told so, not that a gradient is off."""
    for wrong, _ in lesson._Q3_PARTS["dL/dX"][1][3:] + lesson._Q3_PARTS["dL/dK"][1][1:]:
        assert "without padding" not in lesson.q3.feedback(wrong)

    def unpadded(x, kernel, grad_output, stride=1, padding=0):
        return lesson.my_conv_backward(x, kernel, grad_output, stride, 0)

    def halved_batch(x, kernel, grad_output, stride=1, padding=0):
        grad_x, grad_kernel, grad_bias = lesson.my_conv_backward(x, kernel, grad_output, stride,
                                                                 padding)
        return grad_x, grad_kernel * (1 if len(x) == 1 else 0.5), grad_bias

    def raises(x, kernel, grad_output, stride=1, padding=0):
        return undefined_name  # noqa: F821 (the learner's typo)

    def forgets_return(x, kernel, grad_output, stride=1, padding=0):
        lesson.my_conv_backward(x, kernel, grad_output, stride, padding)

    assert "every case without padding" in lesson.q3.feedback(unpadded)
    assert "without padding" not in lesson.q3.feedback(halved_batch)
    assert lesson.q3.feedback(raises).startswith("Not quite: on raises(")
    assert "your function raised NameError" in lesson.q3.feedback(raises)
    assert lesson.q3.feedback(forgets_return).startswith("Not quite: your function returned None")


def test_q3_offers_the_failing_case_when_no_mistake_is_named():
    """A gradient off for no named cause keeps the case first ("on f(...)"), says which
    gradient, and hands the case over to rerun, as q6 does."""
    def doubled_bias(x, kernel, grad_output, stride=1, padding=0):
        grad_x, grad_kernel, grad_bias = lesson.my_conv_backward(x, kernel, grad_output,
                                                                 stride, padding)
        return grad_x, grad_kernel, 2 * grad_bias

    feedback = lesson.q3.feedback(doubled_bias)
    assert feedback.startswith("Not quite: on doubled_bias(")
    assert "(in dL/db, the third array returned)" in feedback
    assert "args, kwargs = q3.failing_case, then doubled_bias(*args, **kwargs)" in feedback


def test_q3_refuses_the_course_helper_and_wants_three_gradients():
    from course_utils import conv2d_backward

    def wrapper(x, kernel, grad_output, stride=1, padding=0):
        return conv2d_backward(x, kernel, grad_output, stride, padding)

    def only_grad_x(x, kernel, grad_output, stride=1, padding=0):
        return lesson.my_conv_backward(x, kernel, grad_output, stride, padding)[0]

    assert "the course's own backward pass" in lesson.q3.feedback(wrapper)
    assert "must return the three gradients" in lesson.q3.feedback(only_grad_x)
    namespace = {"np": np, "im2col": lesson_helpers.im2col, "col2im": lesson_helpers.col2im}
    exec(_CONV_MATRICES, namespace)
    matrices = namespace["my_conv_backward"]
    assert all(np.allclose(ours, theirs) for case in lesson._Q3_CASES   # right, but not loops
               for ours, theirs in zip(matrices(*case), lesson.my_conv_backward(*case),
                                       strict=True))
    assert "section 4's fast version" in lesson.q3.feedback(matrices)


def _defined(source: str, name: str):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


def test_q3_and_q7_refuse_height_and_width_mixed_up():
    """Cases whose output (q3) or batch (q7) is not square refuse an answer that takes the
    width from the height: q3's output width set to its height, q3's crop with the height's
    range for the columns (named), q7's loops over rows and columns swapped. Each is right on
    every square case, so only the rectangular ones tell."""
    conv_answers = [_defined(_CONV_WIDTH_FROM_HEIGHT, "my_conv_backward"),
                    _defined(_CONV_CROP_HEIGHT_TWICE, "my_conv_backward")]
    square = [case for case in lesson._Q3_CASES
              if case[0].shape[1] == case[0].shape[2] and case[2].shape[1] == case[2].shape[2]]
    assert 0 < len(square) < len(lesson._Q3_CASES)
    for answer in conv_answers:
        for case in square:
            for ours, theirs in zip(answer(*case), lesson.my_conv_backward(*case), strict=True):
                np.testing.assert_allclose(ours, theirs)
    assert lesson.q3.feedback(conv_answers[0]).startswith("Not quite: ")
    assert "your function raised IndexError" in lesson.q3.feedback(conv_answers[0])
    assert "the crop is off on a rectangular input" in lesson.q3.feedback(conv_answers[1])
    assert any(case[2].shape[1] != case[2].shape[2] for case in lesson._Q3_CASES if not case[4])
    assert any(case[0].shape[1] != case[0].shape[2] for case in lesson._Q3_CASES if case[4])

    swapped = _defined(_POOL_RELU_SWAPPED, "my_pool_relu_backward")
    for a, grad_pooled in lesson._Q7_CASES:
        if a.shape[1] == a.shape[2]:
            np.testing.assert_array_equal(swapped(a, grad_pooled),
                                          lesson.my_pool_relu_backward(a, grad_pooled))
    assert any(a.shape[1] != a.shape[2] for a, _ in lesson._Q7_CASES)
    assert "your function raised ValueError" in lesson.q7.feedback(swapped)


def _tf_layer_gradient(name, x, grad_output):
    """dL/dx of L = sum(G * layer(x)) for q4's layers, by tf.GradientTape."""
    x_var = tf.Variable(x)
    with tf.GradientTape() as tape:
        if name == "conv":
            y = tf.nn.conv2d(x_var[None, :, :, None], lesson._Q4_KERNEL[:, :, None, None], 1,
                             "VALID")[0, :, :, 0]
        elif name == "relu":
            y = tf.nn.relu(x_var)
        elif name == "pool":
            y = tf.nn.max_pool2d(x_var[None, :, :, None], 2, 2, "VALID")[0, :, :, 0]
        elif name == "tanh":
            y = tf.math.tanh(x_var)
        else:
            y = tf.math.sigmoid(x_var)
        loss = tf.reduce_sum(grad_output * y)
    return tape.gradient(loss, x_var).numpy()


def test_q4_expected_errors_are_those_of_each_backward_pass_against_tensorflow():
    """Each case's expected relative error is its backward pass's distance from TensorFlow's
    gradient: about 0 for the right ones, far from it for the wrong ones."""
    right = {lesson.conv_backward, lesson.relu_backward, lesson.pool_backward,
             lesson.sigmoid_backward, lesson.tanh_backward}
    for forward, backward, x, grad in lesson._Q4_CASES:
        name = forward.__name__.split("_")[0]
        against_tf = lesson.relative_error(backward(x, grad), _tf_layer_gradient(name, x, grad))
        expected = lesson.gradient_check(forward, backward, x, grad)
        assert abs(expected - against_tf) < 1e-8, (backward.__name__, expected, against_tf)
        assert (expected < 1e-8) == (backward in right), backward.__name__
    # the inputs have no ties within a window and no value near 0 (ReLU's kink)
    x = lesson._X4
    assert np.abs(x).min() >= 0.05 and len(set(x.ravel())) == x.size


def test_q4_tells_a_one_sided_difference_from_a_centred_one():
    """On the smooth layers a one-sided difference moves the errors by far more than the
    tolerance, another centred difference by far less."""
    one_sided = lesson._check_variant(difference="one-sided")
    smooth = [case for case in lesson._Q4_CASES if case[0].__name__ in ("sigmoid_forward",
                                                                         "tanh_forward")]
    for case in smooth:
        shift = abs(one_sided(*case) - lesson.gradient_check(*case))
        assert shift > 10 * lesson._Q4_TOLERANCE, (case[1].__name__, shift)
    assert not lesson.q4.is_correct(one_sided)


def test_q1_names_the_loops_whole_tuple_and_nothing_else():
    """Section 2's conv_backward_loops returns (dL/dX, dL/dK, dL/db): that tuple is told to take
    the middle one; a tuple of other shapes gets the array checker's message."""
    whole = lesson_helpers.conv2d_backward(lesson.Q1_X, lesson.Q1_KERNEL, lesson.Q1_GRAD)
    assert "q1 asks for dL/dK alone" in lesson._check_q1(whole)
    assert lesson._check_q1(whole[1]) is None
    assert "q1 asks" not in lesson._check_q1((1, 2, 3))


def test_q4_names_float32_and_h_only_from_what_forward_was_given():
    """q4 tells a refused answer "float32" or "h = ... too small / large" only when the layers'
    forward functions were given float32 numbers, or x nudged by that h, while it ran; a
    float64 answer with h = 1e-6 and another slip gets neither, also right after a float32
    one (the notes start afresh at each check)."""
    def checker(dtype="float64", h=1e-6, scale=1.0):
        def gradient_check(forward, backward, x, grad_output):
            nudged = x.astype(dtype)
            numerical = np.zeros(x.shape)
            for index in np.ndindex(x.shape):
                saved = nudged[index]
                nudged[index] = saved + h
                up = np.sum(grad_output * forward(nudged))
                nudged[index] = saved - h
                down = np.sum(grad_output * forward(nudged))
                nudged[index] = saved
                numerical[index] = (up - down) / (2 * h)
            return scale * lesson.relative_error(backward(x, grad_output), numerical)
        return gradient_check

    assert lesson.q4.is_correct(checker())
    assert "ran the layers on float32 numbers" in lesson.q4.feedback(checker("float32", 1e-3))
    assert "by h = 1e-10, too small" in lesson.q4.feedback(checker(h=1e-10))
    assert "by h = 5e-04, too large" in lesson.q4.feedback(checker(h=5e-4))
    for feedback in [lesson.q4.feedback(checker(scale=1.5)),
                     lesson.q4.feedback(checker(h=1e-5, scale=1.5))]:
        assert "float32" not in feedback and "nudged" not in feedback, feedback
    assert not lesson._SEEN["recording"]


def test_q5_reports_are_the_check_on_right_and_wrong_backward_passes():
    """Q5_ERRORS is q4's check on each row's backward pass; a row is 'bug' exactly when its
    backward pass disagrees with TensorFlow's gradient on the input without ties or zeros;
    the rounded input holds ties in max pooling's windows and zeros; each verdict follows
    section 5's bands with a margin of 100 or more."""
    rounded = lesson._X5_KINKED
    windows = rounded.reshape(3, 2, 3, 2).transpose(0, 2, 1, 3).reshape(9, 4)
    assert ((windows == windows.max(axis=1, keepdims=True)).sum(axis=1) > 1).sum() >= 2
    assert (rounded == 0).sum() >= 5 and not np.signbit(rounded[rounded == 0]).any()
    for (row, _, forward, backward, grad), verdict in zip(lesson._Q5_ROWS, lesson._Q5,
                                                              strict=True):
        name = forward.__name__.split("_")[0]
        agrees = np.allclose(backward(lesson._X4, grad),
                             _tf_layer_gradient(name, lesson._X4, grad))
        assert agrees == (verdict != "bug"), row
        _, smooth, kinked = lesson.Q5_ERRORS[row]
        assert smooth == lesson.gradient_check(forward, backward, lesson._X4.copy(), grad)
        assert (smooth < 1e-9) if verdict != "bug" else (smooth > 1e-1), row
        assert (kinked < 1e-9) if verdict == "fine" else (kinked > 1e-1), row
    assert sorted(lesson._Q5) == ["bug", "bug", "fine", "kink", "kink"]


def test_q5_names_each_wrong_verdict_and_no_right_one():
    """Each verdict changed alone is named with its row, and only that row."""
    rows = list(lesson.Q5_ERRORS)
    for index, row in enumerate(rows):
        for word in {"fine", "kink", "bug"} - {lesson._Q5[index]}:
            answer = list(lesson._Q5)
            answer[index] = word
            feedback = lesson.q5.feedback(answer)
            assert "1 of 5 verdicts is off" in feedback and f"\n{row} (" in feedback, feedback
            assert not any(f"\n{other} (" in feedback for other in rows if other != row)


def test_q6_is_the_gradient_of_keras_summed_loss():
    scores = tf.Variable(lesson.Q6_SCORES.astype("float64"))
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")(
            lesson.Q6_LABELS, scores)
    expected = tape.gradient(loss, scores).numpy()
    np.testing.assert_allclose(lesson._Q6, expected, atol=1e-6)  # Keras computes in float32
    assert lesson.q6.is_correct(expected) and lesson.q6.is_correct(expected.round(3))
    assert not lesson.q6.is_correct(expected / len(lesson.Q6_LABELS))   # the mean's gradient


def test_q6_answer_lies_away_from_every_rounding_boundary():
    """Each value of q6's answer is more than 3.5e-4 from a half-way point at 3 decimals, so a
    learner who rounds p by hand to 3 decimals before subtracting the one-hot label gives the
    accepted answer (round 21: a value 5e-7 from a half-way point refused a right answer)."""
    thousandths = np.abs(lesson._Q6) * 1000
    assert np.abs(thousandths - np.floor(thousandths) - 0.5).min() > 0.35
    p = np.exp(lesson.Q6_SCORES) / np.exp(lesson.Q6_SCORES).sum(axis=1, keepdims=True)
    assert lesson.q6.is_correct(np.round(p, 3) - np.eye(3)[lesson.Q6_LABELS])


def test_q6_named_mistakes_are_apart_from_the_answer_and_each_other():
    """No two of q6's arrays (the answer and its named mistakes) pass for each other, even
    rounded to 3 decimals."""
    arrays = [lesson._Q6] + [np.asarray(wrong, dtype=float) for wrong, _ in lesson._Q6_MISTAKES]
    for first, second in itertools.combinations(arrays, 2):
        assert np.abs(first - second).max() > 2 * lesson._DECIMALS6


def test_q7_reference_is_tensorflows_gradient_through_relu_and_max_pooling():
    """On each case, dL/dz for L = sum(G * max_pool(relu(z))) by tf.GradientTape is the
    reference's; the learner's view (a = ReLU(z) given) loses nothing, as a > 0 where z > 0."""
    for a, grad_pooled in lesson._Q7_CASES:
        z = np.where(a > 0, a, -np.random.default_rng(0).random(a.shape))   # a z with ReLU(z) = a
        z_var = tf.Variable(z)
        with tf.GradientTape() as tape:
            pooled = tf.nn.max_pool2d(tf.nn.relu(z_var), 2, 2, "VALID")
            loss = tf.reduce_sum(grad_pooled * pooled)
        expected = tape.gradient(loss, z_var).numpy()
        np.testing.assert_allclose(lesson.my_pool_relu_backward(a, grad_pooled), expected)
        assert lesson.q7.is_correct(lesson.my_pool_relu_backward)


def test_q7_a_tie_goes_to_the_first_maximum_and_only_every_tied_maximum_is_named_so():
    """The tie case has windows whose positive maximum two or more cells share, some of them
    on a diagonal (the first in row order is not the first in column order); TensorFlow gives
    each window's gradient to the first in row-major order (the reference, checked against the
    tape above). An answer that gives it to every tied maximum, shares it, gives it to the
    last, or to the first in column order, is right on the random batches and refused on the
    tie case, each told its own rule, and "the gradient went to every tied maximum" is said
    only to the answer that does that."""
    a, grad_pooled = lesson._Q7_CASES[-1]
    windows = a.reshape(1, 2, 2, 2, 2, 2)
    top = windows.max(axis=(2, 4), keepdims=True)
    tied = ((windows == top).sum(axis=(2, 4)) > 1) & (top[:, :, 0, :, 0] > 0)
    assert tied.sum() >= 5, tied.sum()
    rules = {"every": lambda a, g: lesson._spread(g) * lesson._maxima(a) * (a > 0),
             "shared": lambda a, g: lesson._shared(a, g) * (a > 0),
             "last": lambda a, g: lesson._last_maximum(a, g) * (a > 0),
             "columns": lambda a, g: lesson._first_in_columns(a, g) * (a > 0)}
    named = {"every": "the gradient went to every tied maximum",
             "shared": "shared among the tied maxima", "last": "the last maximum of the window",
             "columns": "the first maximum in column order"}
    for name, rule in rules.items():
        for case in lesson._Q7_CASES[:-1]:   # no positive tie: the rule changes nothing there
            np.testing.assert_array_equal(rule(*case), lesson.my_pool_relu_backward(*case))
        assert not np.allclose(rule(a, grad_pooled), lesson.my_pool_relu_backward(a, grad_pooled))
        feedback = lesson.q7.feedback(rule)
        assert named[name] in feedback, feedback
        assert all(named[other] not in feedback for other in named if other != name), feedback

    def doubled(a, g):   # wrong everywhere, ties or not
        return 2 * lesson.my_pool_relu_backward(a, g)

    assert all(message not in lesson.q7.feedback(doubled) for message in named.values())


def _ge_mask(a):   # a mask a >= 0 out of the answer's own source
    return a >= 0


def test_q7_says_a_greater_or_equal_mask_only_when_the_source_shows_one():
    """A mask (a >= 0) is True everywhere (a = ReLU(z) >= 0), so it gives the result without
    the ReLU step: told "your ReLU mask keeps every cell" when the source writes it; without a
    mask in the source (none, or one in a helper) told "the ReLU step is missing" and "if you
    wrote a mask as a >= 0, it blocks nothing", true of either cause."""
    def with_ge(a, grad_pooled):   # a + 1 > 0 everywhere: the solution's own mask keeps all
        return lesson.my_pool_relu_backward(a + 1.0, grad_pooled) * (a >= 0)

    def without(a, grad_pooled):
        return lesson.my_pool_relu_backward(a + 1.0, grad_pooled)

    def helper_mask(a, grad_pooled):
        return lesson.my_pool_relu_backward(a + 1.0, grad_pooled) * _ge_mask(a)

    either = ["the ReLU step is missing", "If you wrote a mask as a >= 0, it blocks nothing"]
    for answer, said, not_said in [
            (with_ge, ["your ReLU mask keeps every cell", "use a > 0, not a >= 0"], either),
            (without, either, ["your ReLU mask keeps every cell"]),
            (helper_mask, either, ["your ReLU mask keeps every cell"])]:
        feedback = lesson.q7.feedback(answer)
        assert all(s in feedback for s in said), feedback
        assert not any(s in feedback for s in not_said), feedback


def test_q7_names_negative_gradients_blocked_only_when_the_answer_does_that():
    """An answer that zeroes the routed gradient where it is negative (with or without ReLU's
    mask on a) is told that max pooling routes any sign; the right answer, and one wrong
    everywhere, are not."""
    def blocked(a, grad_pooled):
        return np.maximum(lesson.my_pool_relu_backward(a, grad_pooled), 0)

    def sign_mask(a, grad_pooled):   # the gradient's sign instead of a > 0
        routed = lesson.my_pool_relu_backward(a + 1.0, grad_pooled)   # a + 1 > 0: no mask
        return routed * (routed > 0)

    for answer in (blocked, sign_mask):
        assert not lesson.q7.is_correct(answer)
        for case in lesson._Q7_CASES:   # wrong on every case: each has a negative gradient
            assert not np.allclose(answer(*case), lesson.my_pool_relu_backward(*case))
        assert "routes the gradient whatever its sign" in lesson.q7.feedback(answer)
    assert lesson.q7.feedback(blocked) != lesson.q7.feedback(lambda a, g: 2 * blocked(a, g))
    assert "whatever its sign" not in lesson.q7.feedback(
        lambda a, g: -lesson.my_pool_relu_backward(a, g))


def _keras_descent_losses(learning_rate, steps=150, start=0.5):
    """Section 1's training, in Keras, of a 1x3 kernel toward conv2d(image, [[1, 1, -1]]),
    from a kernel of ``start`` values."""
    image = np.ones((6, 8))
    image[:, 2:6] = 0
    x = image.reshape(1, 6, 8, 1).astype("float64")
    y = conv2d(image, np.array([[1.0, 1.0, -1.0]])).reshape(1, 6, 6, 1)
    layer = layers.Conv2D(1, (1, 3), use_bias=False, dtype="float64", name="kernel_q8")
    layer.build(x.shape)
    layer.kernel.assign(np.full((1, 3, 1, 1), start))
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((layer(x) - y) ** 2)
        layer.kernel.assign_sub(learning_rate * tape.gradient(loss, layer.kernel))
        losses.append(float(loss))
    return losses


def test_q8_is_where_keras_gradient_descent_stops_settling():
    bound = lesson.q8.solution_answer
    for start in [0.5, 0.0]:   # from zero too: the target is no eigenvector's blind spot
        below = _keras_descent_losses(0.97 * bound, start=start)
        above = _keras_descent_losses(1.03 * bound, start=start)
        assert below[-1] < 1e-3 * below[0], start   # it settles just below the bound
        assert above[-1] > 10 * above[0], start     # and blows up just above it
    assert lesson.q8.is_correct(round(bound, 4)) and not lesson.q8.is_correct(2 / 60)


def test_q8_one_weight_s_curvature_is_24_as_its_message_says():
    """2/24 is named as one weight's curvature: every diagonal entry of 2 X^T X is 24, and so
    is the middle eigenvalue the same message names."""
    columns = [lesson._IMAGE1[:, u:u + 6].ravel() for u in range(3)]
    windows = np.stack(columns, axis=1)
    np.testing.assert_allclose(np.diag(2 * windows.T @ windows), [24, 24, 24])
    np.testing.assert_allclose(lesson._LAMBDAS1[1], 24)
    assert "one weight alone" in lesson.q8.feedback(2 / 24)


def _typed_numbers(name: str) -> list[float]:
    """The wrong answers a number exercise lists, as numbers (typed with digits only)."""
    return [float(typed) for typed in LEARNER_ANSWERS[name]["wrong"]
            if typed.lstrip("-").replace(".", "").replace("_", "").isdigit()]


@pytest.mark.parametrize("name", ["q8"])
def test_the_named_mistakes_give_different_answers(name):
    """Each mistake a number question names is its own number, none the right one, and each
    gets its own message (two mistakes with one number would share the first's message)."""
    exercise = getattr(lesson, name)
    wrong = _typed_numbers(name)
    assert len(wrong) >= 5
    for first, second in itertools.combinations(wrong, 2):
        assert not math.isclose(first, second, rel_tol=1e-3), (first, second)
    for answer in wrong:
        assert not exercise.is_correct(answer), answer


def test_the_second_sitting_runs_in_a_new_kernel_with_the_same_numbers():
    """The checkpoint says: back in a new kernel, run everything above section 2's heading
    (setup, section 1), then the cell below it. Run exactly that, then every cell after it, in
    a fresh kernel: nothing fails, and section 7 and Going further C print what the full run
    stored."""
    path, notebook = read_lesson("06")
    comeback = heading_index(notebook, "# Back in a new kernel")
    assert notebook.cells[comeback - 1].source.startswith("**Checkpoint.**")
    assert "select section 2's\nheading and run everything above it" in \
        notebook.cells[comeback - 1].source
    section2 = heading_index(notebook, "## 2. ")
    kept = [i for i in range(len(notebook.cells)) if i < section2 or i >= comeback]
    rerun = run_cells(path, notebook, kept)
    compared = [i for new, i in zip(rerun, kept, strict=True)
                if any(word in printed(notebook.cells[i])
                       for word in ("the three that moved most", "changes sign"))
                and printed(new) == printed(notebook.cells[i])]
    assert len(compared) == 2, compared       # section 7's filters, Going further C's ties
