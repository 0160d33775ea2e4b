"""Check yourself, lesson 06: how a Conv2D layer learns (the backward pass).

In the notebook::

    from course_utils.exercises.lesson06 import Q1_X, Q1_GRAD, q1, q2, ...

    answer = ____
    q1.check(answer)

The questions are numbered in reading order and follow the lesson's sections: dL/dK by hand
(q1, section 2), dL/dX at stride 2 by hand (q2, 3), a whole backward pass (q3, 2-4), a gradient
check (q4, 5), reading one (q5, 6), the loss's gradient (q6, 7) and the CNN's pooling and ReLU
steps (q7, 7); q8, optional, in Going further A, asks for the largest step size for a 1x3 kernel.
Each expected answer is computed here from the question's own numbers with the course's
helpers; tests/test_exercises_lesson06.py checks them against TensorFlow's gradients and Keras.
"""

from __future__ import annotations

import copy
import inspect
import re

import numpy as np

from ..arithmetic import conv_output_size
from ..backward import conv2d_backward, numerical_gradient, pool2d_backward, relative_error
from ..data import LESSON01_KERNEL, LESSON01_X
from ..ops import conv2d, pool2d
from ..validation import describe
from . import Exercise, array, bind_exercises, function, number


def _read_only(values) -> np.ndarray:
    array_ = np.array(values)
    array_.setflags(write=False)
    return array_


# --- q1: dL/dK by hand --------------------------------------------------------------------------

#: The 3x3 input of question 1.
Q1_X = _read_only([[1, 3, 0], [1, 0, 1], [3, 0, 1]])
#: The 2x2 upstream gradient dL/dY of question 1.
Q1_GRAD = _read_only([[0, 2], [-1, 1]])
#: The 2x2 kernel of question 1 (it does not appear in dL/dK).
Q1_KERNEL = _read_only([[3, -1], [0, 2]])

_Q1 = conv2d_backward(Q1_X, Q1_KERNEL, Q1_GRAD)[1]

_Q1_CHECKER = array(_Q1, mistakes=[
        (conv2d(Q1_X, np.flip(Q1_GRAD)),
         "you flipped dL/dY; dL/dK is a cross-correlation: slide Q1_GRAD as it is over Q1_X."),
        (conv2d(Q1_X, Q1_GRAD.T),
         "you transposed dL/dY; slide Q1_GRAD as it is over Q1_X."),
        (_Q1.T, "rows and columns are swapped: dL/dK[u, v] sums dL/dY[i, j] * x[i + u, j + v]."),
        (conv2d(Q1_X, Q1_KERNEL),
         "that is the forward output Y; dL/dK slides dL/dY (Q1_GRAD), not the kernel, over x."),
        (Q1_GRAD * Q1_KERNEL,
         "dL/dK does not involve the kernel's values: each entry is a sum of "
         "dL/dY[i, j] * x[i + u, j + v]."),
        (conv2d_backward(Q1_X, Q1_KERNEL, Q1_GRAD)[0],
         "that is dL/dX, the gradient for the layer below: it has the input's shape (3x3). "
         "dL/dK has the kernel's shape (2x2): slide Q1_GRAD over Q1_X."),
        (np.flip(_Q1),
         "that is dL/dK turned by 180 degrees; nothing is flipped for dL/dK (only dL/dX uses "
         "the flipped kernel): slide Q1_GRAD as it is over Q1_X."),
        (_Q1 / Q1_GRAD.size,
         "dL/dK adds up the contributions of the output positions; it does not average them."),
        (-_Q1,
         "the sign is off: that is -dL/dK, the direction a gradient-descent step moves the "
         "kernel (K <- K - eta * dL/dK). dL/dK itself is + the sum of dL/dY[i, j] * "
         "x[i + u, j + v]."),
        (Q1_KERNEL - _Q1,
         "that is the kernel after one gradient-descent step with eta = 1, K - dL/dK; the "
         "question asks for dL/dK itself."),
    ])


def _check_q1(answer) -> str | None:
    """Section 2's conv_backward_loops returns (dL/dX, dL/dK, dL/db): its whole tuple is told
    so; any other answer goes to the array checker."""
    if (isinstance(answer, tuple | list) and len(answer) == 3
            and np.shape(answer[0]) == Q1_X.shape and np.shape(answer[1]) == _Q1.shape):
        return ("that is a tuple of three gradients, (dL/dX, dL/dK, dL/db), as section 2's "
                "conv_backward_loops returns them: q1 asks for dL/dK alone, the middle one "
                "(index [1]).")
    return _Q1_CHECKER(answer)


q1 = Exercise(
    "By hand: a Conv2D with the 2x2 kernel Q1_KERNEL (stride 1, 'valid') read the 3x3 input "
    "Q1_X and got back dL/dY = Q1_GRAD. What is dL/dK? Answer with a 2x2 list of lists.",
    checker=_check_q1,
    hint=["dL/dK[u, v] = sum over output positions (i, j) of dL/dY[i, j] * x[i + u, j + v].",
          "That is the cross-correlation of x with dL/dY: slide the 2x2 Q1_GRAD over the 3x3 "
          "Q1_X, multiply and sum."],
    solution=f"""\
dK[0, 0] = 0*x[0,0] + 2*x[0,1] - 1*x[1,0] + 1*x[1,1], and so on: conv2d(Q1_X, Q1_GRAD)
answer = {_Q1.astype(int).tolist()}""",
    solution_answer=_Q1.astype(int).tolist(),
)


# --- q2: dL/dX at stride 2 by hand --------------------------------------------------------------

#: The 3x3 kernel of question 2; it read a 4x6 input with stride 2.
Q2_KERNEL = _read_only([[1, -2, 0], [3, 1, -1], [2, 0, 4]])  # np.flip(K) differs from K.T
#: The 1x2 upstream gradient dL/dY of question 2: two windows, which overlap in column 2.
Q2_GRAD = _read_only([[2, -1]])
_Q2_INPUT_SHAPE = (4, 6)


def _stamps(kernel, grad, step, shape=_Q2_INPUT_SHAPE, add=True, reverse=False) -> np.ndarray:
    """Every grad[i, j] * kernel put onto a grid of ``shape`` at (step * i, step * j): added
    (``add``), or each stamp overwriting the cells it covers, in row-major order (the last
    stamp's values left where two overlap) or, ``reverse``, the other way round (the first's)."""
    out = np.zeros(shape)
    f = len(kernel)
    positions = list(np.ndindex(np.shape(grad)))
    for i, j in reversed(positions) if reverse else positions:
        stamp = grad[i][j] * np.asarray(kernel)
        if add:
            out[step * i:step * i + f, step * j:step * j + f] += stamp
        else:
            out[step * i:step * i + f, step * j:step * j + f] = stamp
    return out


_Q2X = conv2d_backward(np.zeros(_Q2_INPUT_SHAPE), Q2_KERNEL, Q2_GRAD, stride=2)[0]
_Q2_OVERWRITTEN = ("where the two windows overlap, column 2, you kept one stamp: overlapping "
                   "stamps add, so column 2 gets 2 * K[:, 2] + (-1) * K[:, 0] (K = Q2_KERNEL), "
                   "as the loops' += does.")

q2 = Exercise(
    "By hand: a Conv2D with the 3x3 kernel Q2_KERNEL (stride 2, 'valid') read a 4x6 input and "
    "got back dL/dY = Q2_GRAD (1x2). What is dL/dX? Answer with a 4x6 list of lists.",
    checker=array(_Q2X, mistakes=[
        (_stamps(Q2_KERNEL, Q2_GRAD, 1),
         "your stamps sit 1 pixel apart: with stride 2, window (i, j) starts at (2i, 2j), so "
         "G[0, 1] * K lands on columns 2-4 (or, if you slid the flipped kernel over G padded by "
         "2, as in section 2: you left out the S - 1 = 1 zero between G's values)."),
        (_stamps(Q2_KERNEL, Q2_GRAD, 1, shape=(3, 4)),
         "that is dL/dX at stride 1 (a 3x4 input): with stride 2 the input is 4x6 and window "
         "(i, j) starts at (2i, 2j)."),
        (_stamps(Q2_KERNEL, Q2_GRAD, 2, add=False), _Q2_OVERWRITTEN),
        (_stamps(Q2_KERNEL, Q2_GRAD, 2, add=False, reverse=True), _Q2_OVERWRITTEN),
        (_stamps(np.flip(Q2_KERNEL), Q2_GRAD, 2),
         "you stamped the kernel flipped, or, in the full-convolution view, slid the kernel "
         "without flipping it: each G[i, j] stamps G[i, j] * K as it is onto its window, and "
         "the full convolution slides np.flip(K)."),
        (_stamps(np.transpose(Q2_KERNEL), Q2_GRAD, 2),
         "you stamped the kernel transposed (its rows as columns): each G[i, j] stamps "
         "G[i, j] * K with K as printed, row 0 = Q2_KERNEL[0]."),
        (_stamps(Q2_KERNEL, np.ones((1, 2)), 2),
         "each window got the kernel itself; its stamp is G[i, j] * K, the kernel times that "
         "window's dL/dY."),
        (_stamps(Q2_KERNEL, np.asarray(Q2_GRAD)[:, ::-1], 2),
         "the two stamps are swapped: G[0, 0] = 2 belongs to the window at columns 0-2, "
         "G[0, 1] = -1 to the one at columns 2-4."),
        (_Q2X[:3, :5],
         "dL/dX has the input's shape, 4x6: row 3 and column 5, which no window read, get 0."),
        (-_Q2X,
         "the sign is off: each stamp is +G[i, j] * K."),
    ]),
    hint=["Each G[0, j] (G = Q2_GRAD) stamps G[0, j] * K (K = Q2_KERNEL) onto the window it "
          "came from; with stride 2, window j starts at column 2j, so the two 3x3 windows "
          "share column 2. Pixels no window read get 0.",
          "Columns 0-2 of rows 0-2 get 2 * K; columns 2-4 get -1 * K, added to what column 2 "
          "already holds. Row 3 and column 5 stay 0."],
    solution=f"""\
# 2 * K onto columns 0-2, -1 * K added onto columns 2-4 (K = Q2_KERNEL); row 3, column 5: 0
answer = {_Q2X.astype(int).tolist()}""",
    solution_answer=_Q2X.astype(int).tolist(),
)


# --- q3: a convolution's whole backward pass, CS231n's conv_backward_naive ----------------------


def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    """dL/dX, dL/dK and dL/db of a convolution, with loops: every output position stamps
    dL/dY times the kernel back onto its window, and adds dL/dY times the window to dL/dK."""
    f_h, f_w, _, filters = kernel.shape
    batch, o_h, o_w, _ = grad_output.shape
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    grad_x_pad = np.zeros(x_pad.shape)
    grad_kernel = np.zeros(kernel.shape)
    for b in range(batch):
        for i in range(o_h):
            for j in range(o_w):
                rows = slice(i * stride, i * stride + f_h)
                cols = slice(j * stride, j * stride + f_w)
                for k in range(filters):
                    g = grad_output[b, i, j, k]
                    grad_kernel[:, :, :, k] += g * x_pad[b, rows, cols, :]
                    grad_x_pad[b, rows, cols, :] += g * kernel[:, :, :, k]
    grad_x = grad_x_pad[:, padding:padding + x.shape[1], padding:padding + x.shape[2], :]
    return grad_x, grad_kernel, grad_output.sum(axis=(0, 1, 2))


def _q3_case(seed, batch, size, channels, f, filters, stride, padding):
    """(x, kernel, grad_output, stride, padding) with small whole numbers."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (batch, *size, channels)).astype(float)
    kernel = rng.integers(-2, 3, (f, f, channels, filters)).astype(float)
    out = [conv_output_size(n, f, stride, padding) for n in size]
    return x, kernel, rng.integers(-2, 3, (batch, *out, filters)).astype(float), stride, padding


_LESSON01 = (np.array(LESSON01_X, float)[None, :, :, None],
             np.array(LESSON01_KERNEL, float)[:, :, None, None])
_Q3_CASES = [
    (*_LESSON01, np.array([[1.0, 2.0], [-1.0, 3.0]])[None, :, :, None], 1, 0),   # section 2
    (*_LESSON01, np.array([[1.0, 0.0, -1.0, 2.0], [0.0, 1.0, 1.0, 0.0], [2.0, -1.0, 0.0, 1.0],
                           [0.0, 1.0, -2.0, 1.0]])[None, :, :, None], 1, 1),   # section 3: "same"
    _q3_case(1, 1, (6, 6), 1, 3, 1, 2, 0),     # section 3: stride 2
    _q3_case(2, 2, (5, 5), 3, 3, 4, 2, 1),     # section 4: a batch, channels, filters, padding
    _q3_case(3, 1, (5, 5), 2, 3, 2, 1, 1),     # "same" with stride 1, channels and filters
    _q3_case(4, 2, (7, 7), 1, 3, 3, 3, 1),     # stride 3
    _q3_case(5, 2, (8, 5), 2, 2, 2, 3, 0),     # a batch and filters without padding, a
                                               # rectangular input and output (3x2), an even
                                               # kernel
    _q3_case(6, 2, (6, 4), 2, 3, 2, 1, 1),     # "same" on a rectangular input: a crop or an
]                                              # output width taken from the height is refused


def _conv_backward_variant(x, kernel, grad_output, stride=1, padding=0, *, step=None,
                           crop=True, flip=False, accumulate=True, bias_axes=(0, 1, 2),
                           images=None, grad_image=None, window_image=None, stamp_filter=None,
                           kernel_mean=False, kernel_swap=False, kernel_images=None,
                           bias="sum", stamps_add=True):
    """my_conv_backward as a learner may write it, one step changed: step (the windows' spacing:
    stride is right), crop (cut the padding off dL/dX; "start" keeps the first H rows and W columns
    instead of rows P to P + H - 1; "square" keeps columns P to P + H - 1), flip (the kernel stamped
    flipped), accumulate (+= into dL/dK), bias_axes (the axes dL/dY is summed over), images (how
    many images the loop visits), grad_image, window_image and stamp_filter (one image's dL/dY, one
    image's windows or one filter's weights used for all), kernel_mean (dL/dK divided by the number
    of images), kernel_swap (dL/dK with its axes u and v swapped), kernel_images (how many images,
    from image 0, dL/dK adds up), bias ("sum"; "image 0", image 0's dL/dY alone; "mean", the mean
    over images and positions), stamps_add (+= into dL/dX; False: each stamp overwrites its window,
    the last one wins)."""
    step = stride if step is None else step
    height, width = x.shape[1:3]
    f_h, f_w, _, filters = kernel.shape
    batch, o_h, o_w, _ = grad_output.shape
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    grad_x_pad, grad_kernel = np.zeros(x_pad.shape), np.zeros(kernel.shape)
    stamp = kernel[::-1, ::-1] if flip else kernel
    for b in range(batch if images is None else images):
        for i in range(o_h):
            for j in range(o_w):
                rows, cols = slice(i * step, i * step + f_h), slice(j * step, j * step + f_w)
                for k in range(filters):
                    g = grad_output[b if grad_image is None else grad_image, i, j, k]
                    window = x_pad[b if window_image is None else window_image, rows, cols, :]
                    if window.shape[:2] != (f_h, f_w):
                        raise ValueError("the window runs off the padded input")
                    if kernel_images is not None and b >= kernel_images:
                        pass  # this image's windows never reach dL/dK
                    elif accumulate:
                        grad_kernel[:, :, :, k] += g * window
                    else:
                        grad_kernel[:, :, :, k] = g * window
                    weights = stamp[:, :, :, k if stamp_filter is None else stamp_filter]
                    if stamps_add:
                        grad_x_pad[b, rows, cols, :] += g * weights
                    else:
                        grad_x_pad[b, rows, cols, :] = g * weights
    grad_x = grad_x_pad
    if crop == "start":  # the first H rows and W columns, the wrong side of the border
        grad_x = grad_x_pad[:, :height, :width, :]
    elif crop == "square":  # the height H used for the columns too
        grad_x = grad_x_pad[:, padding:padding + height, padding:padding + height, :]
    elif crop:
        grad_x = grad_x_pad[:, padding:padding + height, padding:padding + width, :]
    if kernel_mean:
        grad_kernel = grad_kernel / batch
    if kernel_swap:
        grad_kernel = grad_kernel.transpose(1, 0, 2, 3)
    if bias == "image 0":
        return grad_x, grad_kernel, grad_output[0].sum(axis=(0, 1))
    if bias == "mean":
        return grad_x, grad_kernel, grad_output.mean(axis=(0, 1, 2))
    return grad_x, grad_kernel, grad_output.sum(axis=bias_axes)


def _variant(**change):
    def wrong(x, kernel, grad_output, stride=1, padding=0):
        return _conv_backward_variant(x, kernel, grad_output, stride, padding, **change)
    return wrong


_Q3_PARTS = {  # the gradient, its index in the answer, and the named mistakes that change it
    "dL/dX": (0, [
        (_variant(crop=False),
         "it has the padded input's shape: cut the P-wide border off the padded gradient "
         "(grad_x_pad[:, P:P + H, P:P + W, :]); the padding zeros are constants, not inputs."),
        (_variant(step=1),
         "with stride S the windows start S pixels apart: window (i, j) covers rows i * S to "
         "i * S + F - 1, not i to i + F - 1."),
        (_variant(flip=True),
         "stamped with the kernel flipped: each dL/dY value stamps the kernel onto its window "
         "as it is (kernel[:, :, :, k]); the flip belongs to the full-convolution view, where "
         "the kernel slides over dL/dY."),
        (_variant(grad_image=0),
         "every image used image 0's dL/dY: image b's windows take g = grad_output[b, i, j, k]."),
        (_variant(images=1),
         "only image 0 got a gradient: the loop must visit every image b of the batch."),
        (_variant(stamp_filter=0),
         "every filter stamped filter 0's weights: the value g of filter k stamps that filter's "
         "weights, kernel[:, :, :, k]."),
        (_variant(crop="start"),
         "the crop is off: you kept the first H rows and W columns of the padded gradient "
         "(grad_x_pad[:, :H, :W]), but x sits inside the P-wide border: keep rows P to "
         "P + H - 1 and columns P to P + W - 1, grad_x_pad[:, P:P + H, P:P + W, :]."),
        (_variant(crop="square"),
         "the crop is off on a rectangular input: you kept columns P to P + H - 1, the "
         "height's range; the columns run P to P + W - 1, grad_x_pad[:, P:P + H, P:P + W, :]."),
        (_variant(stamps_add=False),
         "each stamp overwrote its window (=), so where windows overlap only the last stamp "
         "is left: overlapping windows must add, use += into grad_x_pad."),
    ]),
    "dL/dK": (1, [
        (_variant(accumulate=False),
         "grad_kernel keeps only the last window: it must add up (+=) the contributions of "
         "every image, output position and filter."),
        (_variant(kernel_mean=True),
         "it is the images' contributions divided by the number of images B: the layer adds "
         "them up (when the loss is a mean over the batch, its 1/B is already in dL/dY)."),
        (_variant(kernel_images=1),
         "it holds image 0's contributions only: dL/dK adds up those of every image b of the "
         "batch (grad_kernel[:, :, :, k] += g * x_pad[b, rows, cols, :] for every b)."),
        (_variant(window_image=0),
         "every image's dL/dY multiplied image 0's windows: use image b's window, "
         "x_pad[b, rows, cols, :]."),
        (_variant(kernel_swap=True),
         "its rows and columns (u and v) are swapped: dL/dK[u, v] adds G[i, j] times "
         "x_pad[i * S + u, j * S + v], row offset u first."),
    ]),
    "dL/db": (2, [
        (_variant(bias_axes=(1, 2)),
         "one number per filter, shape (C_out,): sum dL/dY over the images too, axes (0, 1, 2)."),
        (_variant(bias_axes=None),
         "one number per filter, shape (C_out,): sum dL/dY over images and positions, not over "
         "the filters too (axis=(0, 1, 2))."),
        (_variant(bias="image 0"),
         "it is image 0's sum alone: dL/db sums dL/dY over every image and position, "
         "grad_output.sum(axis=(0, 1, 2))."),
        (_variant(bias="mean"),
         "it is the mean of dL/dY, not its sum: dL/db sums over every image and position, "
         "grad_output.sum(axis=(0, 1, 2))."),
    ]),
}


def _part(function_, index):
    """The function giving one of the three gradients of ``function_``."""
    def part(*args):
        return function_(*args)[index]
    part.__name__ = getattr(function_, "__name__", "your_function")
    return part


_Q3_CHECKERS = {
    name: function(_Q3_CASES, reference=_part(conv2d_backward, index),
                   mistakes=[(_part(wrong, index), message) for wrong, message in mistakes])
    for name, (index, mistakes) in _Q3_PARTS.items()
}
_Q3_UNPADDED = [case for case in _Q3_CASES if case[4] == 0]
_COURSE_BACKWARD = {"conv2d_backward", "conv2d_backward_im2col"}
_MATRIX_ROUTE = {"im2col", "col2im"}   # section 4's fast version: q3 is the loops
_TF_GRADIENTS = {"GradientTape", "gradients", "gradient"}  # TensorFlow's own


def _names_read(function_) -> set[str]:
    """The global and attribute names the learner's function (and any function defined inside
    it) reads."""
    function_ = getattr(function_, "__wrapped__", function_)
    codes, names = [getattr(function_, "__code__", None)], set()
    while codes:
        code = codes.pop()
        if code is not None:
            names |= set(code.co_names) | set(code.co_freevars)
            codes += [const for const in code.co_consts if hasattr(const, "co_names")]
    return names


def _right_on(answer, cases) -> bool:
    """True when ``answer`` gives TensorFlow's three gradients (the reference's) on ``cases``."""
    for case in cases:
        try:
            results = answer(*copy.deepcopy(case))
            for ours, theirs in zip(results, conv2d_backward(*case), strict=True):
                ours = np.asarray(ours, dtype=float)
                if ours.shape != np.shape(theirs) or not np.allclose(ours, theirs, atol=1e-6):
                    return False
        except Exception:
            return False
    return True


_PADDING_NOTE = (" Your function gives TensorFlow's gradients on every case without padding "
                 "(P = 0), not on those with P = 1: pad x first (np.pad(x, ((0, 0), (P, P), "
                 "(P, P), (0, 0)))), slide the windows over the padded array, and cut the "
                 "border off dL/dX at the end.")


def _empty_when_unpadded(grad_x_shapes) -> bool:
    """True when dL/dX has no rows and columns on every case with P = 0 and x's shape on every
    other: what a crop grad_x_pad[:, P:-P, P:-P] gives."""
    for (x, *_, padding), shape in zip(_Q3_CASES, grad_x_shapes, strict=True):
        expected = (x.shape[0], 0, 0, x.shape[3]) if padding == 0 else x.shape
        if tuple(shape) != expected:
            return False
    return True


def _check_q3(answer) -> str | None:
    """Each gradient checked on every case, dL/dX first; the answer must be the learner's own
    loops and return all three."""
    if not callable(answer):
        return _Q3_CHECKERS["dL/dX"](answer)  # says: expected a function
    used = sorted(_COURSE_BACKWARD & _names_read(answer))
    if used:
        return (f"your function calls {used[0]}, the course's own backward pass: q3 asks you to "
                "write the loops yourself (after the exercises, compare yours with q3.solution()).")
    used = sorted(_MATRIX_ROUTE & _names_read(answer))
    if used:
        return (f"your function calls {used[0]}: that is section 4's fast version, the matrix "
                "products; q3 asks for the loops, one window at a time (after the exercises, "
                "compare yours with q3.solution()).")
    used = sorted(_TF_GRADIENTS & _names_read(answer))
    if used:
        return (f"your function calls TensorFlow's {used[0]}, which computes the gradients for "
                "you: q3 asks you to write the loops yourself (the check compares them with "
                "TensorFlow's).")
    grad_x_shapes = []
    for case in _Q3_CASES:
        try:
            result = answer(*copy.deepcopy(case))
        except Exception:
            break  # the part checks below report the error, with the call
        if result is None:
            return ("your function returned None: is the `return` statement missing? End it "
                    "with `return grad_x, grad_kernel, grad_bias`.")
        if not isinstance(result, tuple | list) or len(result) != 3:
            return ("your function must return the three gradients, `return grad_x, "
                    f"grad_kernel, grad_bias`; it returned {describe(result)}.")
        x, kernel = case[:2]
        if (np.shape(result[0]) == kernel.shape != x.shape
                and np.shape(result[1]) == x.shape):
            return (f"your function's first array has shape {kernel.shape}: that is the "
                    "kernel's shape, so it returned dL/dK first. Return grad_x first: "
                    "`return grad_x, grad_kernel, grad_bias`.")
        grad_x_shapes.append(np.shape(result[0]))
    if len(grad_x_shapes) == len(_Q3_CASES) and _empty_when_unpadded(grad_x_shapes):
        return ("dL/dX is off: it is empty on every case without padding (shape "
                f"{grad_x_shapes[0]} on the first), and has the right shape on those with "
                "P = 1. A crop written grad_x_pad[:, P:-P, P:-P] keeps nothing when P = 0: -0 "
                "is 0, so P:-P is 0:0. Crop with P:P + H and P:P + W.")
    for name, checker in _Q3_CHECKERS.items():
        message = checker(_part(answer, _Q3_PARTS[name][0]))
        if message:
            named = not message.startswith("on ")
            note = _PADDING_NOTE if not named and _right_on(answer, _Q3_UNPADDED) else ""
            if "your function raised" in message:
                return message.rstrip(" .") + "." + note if note else message
            if named:
                return f"{name} is off: {message}"
            # kept starting "on ...(" so the feedback offers q3.failing_case to rerun the case
            order = ["first", "second", "third"][_Q3_PARTS[name][0]]
            return message.rstrip(" .") + f" (in {name}, the {order} array returned)." + note
    return None


q3 = Exercise(
    "Write my_conv_backward(x, kernel, grad_output, stride=1, padding=0), CS231n's "
    "conv_backward_naive in Keras's layout, with your own loops (without conv2d_backward, "
    "im2col, col2im or tf.GradientTape): x is "
    "(B, H, W, C_in), kernel (F, F, C_in, C_out), grad_output = dL/dY (B, O_h, O_w, C_out), "
    "padding P zeros on every side. Return (grad_x, grad_kernel, grad_bias), shaped like x, "
    "like the kernel and (C_out,). The check runs it on eight cases (strides 1 to 3, padding 0 "
    "and 1, several images, channels and filters, rectangular inputs) against TensorFlow's "
    "gradients.",
    checker=_check_q3,
    hint=["Pad x with np.pad(x, ((0, 0), (P, P), (P, P), (0, 0))) and make zero arrays "
          "grad_x_pad (the padded shape) and grad_kernel (the kernel's shape).",
          "Loop over images b, output positions (i, j) and filters k. Window rows i * S to "
          "i * S + F - 1 (columns likewise); with g = grad_output[b, i, j, k]: grad_kernel"
          "[:, :, :, k] += g * window and grad_x_pad[b, rows, cols, :] += g * kernel[:, :, :, k].",
          "At the end cut the border off grad_x_pad (grad_x_pad[:, P:P + H, P:P + W, :]); "
          "grad_bias = grad_output.sum(axis=(0, 1, 2))."],
    solution_answer=my_conv_backward,
)


# --- q4: a gradient check of your own ----------------------------------------------------------


def gradient_check(forward, backward, x, grad_output):
    """Section 5's check for any layer: the relative error between backward's dL/dx and the
    numerical gradient of L = sum(grad_output * forward(x)), whose dL/dY is grad_output."""
    numerical = numerical_gradient(lambda: np.sum(grad_output * forward(x)), x)
    return relative_error(backward(x, grad_output), numerical)


_Q4_KERNEL = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0], [-1.0, 0.5, 2.0]])


def conv_forward(x):
    return conv2d(x, _Q4_KERNEL)


def conv_backward(x, grad_output):
    return conv2d_backward(x, _Q4_KERNEL, grad_output)[0]


def conv_backward_not_flipped(x, grad_output):  # section 5's classic bug
    return conv2d(np.pad(grad_output, 2), _Q4_KERNEL)


def relu_forward(x):
    return np.maximum(x, 0)


def relu_backward(x, grad_output):
    return grad_output * (x > 0)


def relu_backward_where_negative(x, grad_output):  # a wrong backward pass
    return grad_output * (x < 0)


def relu_backward_everywhere(x, grad_output):  # a wrong one: ReLU's kink forgotten
    return grad_output


def pool_forward(x):
    return pool2d(x)


def pool_backward(x, grad_output):
    return pool2d_backward(x, grad_output)


def pool_backward_averaged(x, grad_output):  # average pooling's rule for max pooling
    return pool2d_backward(x, grad_output, mode="average")


def sigmoid_forward(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_backward(x, grad_output):
    return grad_output * sigmoid_forward(x) * (1 - sigmoid_forward(x))


def tanh_forward(x):
    return np.tanh(x)


def tanh_backward(x, grad_output):
    return grad_output * (1 - np.tanh(x) ** 2)


def _q4_inputs(seed):
    """A 6x6 input of distinct values at least 0.1 apart, none near 0 (no ties, no kinks), and
    the upstream gradients of a 4x4 (conv) and a 3x3 (pooling) output."""
    rng = np.random.default_rng(seed)
    x = (rng.permutation(36) - 17.5).reshape(6, 6) / 10
    return x, rng.standard_normal((4, 4)), rng.standard_normal((6, 6)), rng.standard_normal((3, 3))


#: What the layers' forward functions were given while the learner's gradient_check ran (q4's
#: checker turns "recording" on around each call): the dtypes of x, and each nudge of x (the
#: one number moved, by +h or -h) against the case's x.
_SEEN: dict = {"recording": False, "dtypes": set(), "nudges": []}


class _Layer:
    """A layer function shown by its name in feedback (a function's repr holds its address). A
    forward function notes what it is given while the learner's gradient_check runs."""

    def __init__(self, function_):
        self.function, self.__name__ = function_, function_.__name__

    def __call__(self, *args):
        if _SEEN["recording"] and self.__name__.endswith("_forward") and len(args) == 1:
            _note_input(args[0])
        return self.function(*args)

    def __repr__(self) -> str:
        return self.__name__


(conv_forward, conv_backward, conv_backward_not_flipped, relu_forward, relu_backward,
 relu_backward_where_negative, relu_backward_everywhere, pool_forward, pool_backward,
 pool_backward_averaged, sigmoid_forward, sigmoid_backward, tanh_forward,
 tanh_backward) = (_Layer(f) for f in (
    conv_forward, conv_backward, conv_backward_not_flipped, relu_forward, relu_backward,
    relu_backward_where_negative, relu_backward_everywhere, pool_forward, pool_backward,
    pool_backward_averaged, sigmoid_forward, sigmoid_backward, tanh_forward, tanh_backward))
_X4, _G4_CONV, _G4_SAME, _G4_POOL = _q4_inputs(8)
_Q4_CASES = [
    (conv_forward, conv_backward, _X4, _G4_CONV),
    (conv_forward, conv_backward_not_flipped, _X4, _G4_CONV),
    (relu_forward, relu_backward, _X4, _G4_SAME),
    (relu_forward, relu_backward_where_negative, _X4, _G4_SAME),
    (relu_forward, relu_backward_everywhere, _X4, _G4_SAME),
    (pool_forward, pool_backward, _X4, _G4_POOL),
    (pool_forward, pool_backward_averaged, _X4, _G4_POOL),
    (sigmoid_forward, sigmoid_backward, _X4, _G4_SAME),
    (tanh_forward, tanh_backward, _X4, _G4_SAME),
]


def _note_input(x) -> None:
    """Note x's dtype and, when it is q4's input with one number moved, by how much."""
    values = np.asarray(x)
    _SEEN["dtypes"].add(values.dtype.name)
    if values.shape == _X4.shape and values.dtype == np.float64:
        moved = (values - _X4)[values != _X4]
        if moved.size == 1:
            _SEEN["nudges"].append(float(moved[0]))


def _q4_cause() -> str | None:
    """What the notes prove about a gradient check the reference refused: float32 numbers, or
    one h, the same for every nudge, outside 1e-7 to 1e-4 (None when they prove neither)."""
    low = sorted(name for name in _SEEN["dtypes"] if name in ("float32", "float16"))
    if low:
        return (f"your loss ran the layers on {low[0]} numbers (forward(x) received a {low[0]} "
                "array): each loss is then rounded to about 1e-7 * |L| (float32), and the "
                "difference divides that by 2h, so the errors come out far above 1e-10. Keep x "
                "in float64 and nudge it in place, as numerical_gradient does.")
    sizes = np.abs(_SEEN["nudges"])
    if sizes.size == 0 or sizes.max() > 1.5 * sizes.min():
        return None
    h = float(np.median(sizes))
    if h < 0.8e-7:
        return (f"you nudged each number by h = {h:.0e}, too small: each loss is rounded to "
                "about 1e-16 * |L| (float64), and the difference divides that by 2h, so the "
                "errors grow as eps/h and come out far above 1e-10. Use h = 1e-6, "
                "numerical_gradient's default (section 5's plot: the error is smallest for h "
                "between 1e-6 and 1e-5).")
    if h > 1.2e-4:
        return (f"you nudged each number by h = {h:.0e}, too large: a centred difference is "
                "off by about h^2 * L'''/6, so on the smooth layers (sigmoid, tanh) the errors "
                "come out far above 1e-10. Use h = 1e-6, numerical_gradient's default.")
    return None


#: How close a returned error must be to the expected one: far below what a one-sided
#: difference adds on the smooth layers (about 1e-7 with h = 1e-6), far above what another
#: centred difference changes (1e-9 with h = 1e-4).
_Q4_TOLERANCE = 1e-8


def _one_sided_gradient(loss_function, array, h=1e-6):
    """(L(w + h) - L(w)) / h for every number w of ``array``: the one-sided difference."""
    grad, base = np.zeros_like(array), loss_function()
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + h
        grad[index] = (loss_function() - base) / h
        array[index] = saved
    return grad


def _float32_gradient(forward, x, grad_output, h=1e-6):
    """The centred difference written by hand on x.astype("float32")."""
    x32, numerical = x.astype(np.float32), np.zeros(x.shape, np.float32)
    for index in np.ndindex(x.shape):
        saved = x32[index]
        x32[index] = saved + h
        up = np.sum(grad_output * forward(x32))
        x32[index] = saved - h
        down = np.sum(grad_output * forward(x32))
        x32[index] = saved
        numerical[index] = (up - down) / (2 * h)
    return numerical


def _check_variant(loss="weighted", copy_x=False, error="norms", difference="centred", h=1e-6):
    """gradient_check as a learner may write it, one step changed: loss ("weighted"; "plain",
    sum(forward(x)); "mean", np.mean), copy_x (the loss reads another array than the one
    nudged), error (the formula returned), difference ("centred", "one-sided", "over h", the
    centred difference divided by h, or "float32", the centred loop by hand on a float32 copy
    of x) and h."""
    def check(forward, backward, x, grad_output):
        nudged = x.copy() if copy_x else x
        combine = np.mean if loss == "mean" else np.sum
        def loss_function():
            return combine((1 if loss == "plain" else grad_output) * forward(x))
        if difference == "float32":
            numerical = _float32_gradient(forward, x, grad_output, h)
        elif difference == "over h":  # the centred difference divided by h, not 2h
            numerical = 2 * numerical_gradient(loss_function, nudged, h=h)
        elif difference == "centred":
            numerical = numerical_gradient(loss_function, nudged, h=h)
        else:
            numerical = _one_sided_gradient(loss_function, nudged, h=h)
        analytic = backward(x, grad_output)
        if error == "no denominator":
            return float(np.linalg.norm(analytic - numerical))
        if error == "max abs":  # the largest absolute difference, no denominator
            return float(np.max(np.abs(analytic - numerical)))
        if error in ("over a", "over n"):  # one norm alone as the denominator
            return float(np.linalg.norm(analytic - numerical)
                         / np.linalg.norm(analytic if error == "over a" else numerical))
        if error == "max":  # the norms' larger one as the denominator
            return float(np.linalg.norm(analytic - numerical)
                         / max(np.linalg.norm(analytic), np.linalg.norm(numerical)))
        if error == "element-wise":  # CS231n's rel_error: the largest element-wise error
            return float(np.max(np.abs(analytic - numerical)
                                / np.maximum(1e-8, np.abs(analytic) + np.abs(numerical))))
        if error == "notes":  # CS231n's notes: element-wise, over the larger magnitude
            return float(np.max(np.abs(analytic - numerical) / np.maximum(
                1e-8, np.maximum(np.abs(analytic), np.abs(numerical)))))
        if error == "notes, unguarded":  # the same without the guard: NaN where a = n = 0
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.max(np.abs(analytic - numerical)
                                    / np.maximum(np.abs(analytic), np.abs(numerical))))
        return relative_error(analytic, numerical)
    return check


_Q4_NOTES = ("that is CS231n's element-wise relative error, the largest |a - n| / max(|a|, |n|)"
             "{nan}; this question asks for ||a - n|| / (||a|| + ||n||) over whole arrays: "
             "np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)).")


_Q4_CHECKER = function(
    _Q4_CASES, reference=gradient_check, atol=_Q4_TOLERANCE, mistakes=[
    (_check_variant(loss="plain"),
     "your loss leaves out grad_output: L = sum(forward(x)) has dL/dY = 1 everywhere, not "
     "grad_output. Use L = sum(grad_output * forward(x)), whose dL/dY is grad_output."),
    (_check_variant(copy_x=True),
     "every relative error is 1: the numerical gradient is all zeros, so your loss does "
     "not read the array numerical_gradient nudges. Give numerical_gradient the very array "
     "your loss function reads (x itself), not a copy."),
    (_check_variant(error="no denominator"),
     "divide ||a - n|| by ||a|| + ||n||: without it the error grows with the gradient's "
     "size instead of saying how far apart the two gradients are."),
    (_check_variant(error="max abs"),
     "you returned the largest absolute difference, max |a - n|: it grows with the "
     "gradient's size. The relative error divides by the sizes and compares whole arrays: "
     "np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))."),
    (_check_variant(error="element-wise"),
     "that is an element-wise relative error, as in CS231n (the largest over the "
     "entries); here the relative error compares whole arrays: np.linalg.norm(a - n) / "
     "(np.linalg.norm(a) + np.linalg.norm(n))."),
    (_check_variant(error="notes"), _Q4_NOTES.format(nan="")),
    (_check_variant(error="notes, unguarded"),
     _Q4_NOTES.format(nan=" (NaN where a and n are both 0)")),
    *[(_check_variant(error=f"over {name}"),
       f"you divided ||a - n|| by ||{name}|| alone; the course's relative error divides by "
       "the sum, ||a|| + ||n|| (about twice as large where a and n are close).")
      for name in "an"],
    (_check_variant(error="max"),
     "you divided ||a - n|| by max(||a||, ||n||), the larger of the two norms; the "
     "course's relative error divides by their sum, ||a|| + ||n||."),
    *[(_check_variant(difference="one-sided", h=float(h)),
       "your errors are those of a one-sided difference, (L(w + h) - L(w)) / h" + at + ": on "
       "the smooth layers (sigmoid, tanh) it is off by about h * L''/2, so the errors come out "
       f"near {size} instead of 1e-10. Take the centred difference (L(w + h) - L(w - h)) / 2h, "
       "as numerical_gradient does.")
      for h, at, size in [("1e-6", "", "1e-7"), ("1e-5", " (h = 1e-5)", "1e-6"),
                          ("1e-4", " (h = 1e-4)", "1e-5")]],
    (_check_variant(difference="one-sided", h=1e-8),
     "your errors are those of a one-sided difference, (L(w + h) - L(w)) / h, with "
     "h = 1e-8: the losses' rounding divided by so small an h leaves errors near 1e-7, even "
     "on the conv layer, which has no curvature. Take the centred difference "
     "(L(w + h) - L(w - h)) / 2h with h = 1e-6, as numerical_gradient does."),
    (_check_variant(difference="over h"),
     "your numerical gradient is twice the true one on every layer: divide the centred "
     "difference L(w + h) - L(w - h) by 2h, not h (or, if you did, check that your loss "
     "is not doubled)."),
    *[(_check_variant(h=float(h)),
       f"those are the errors of a centred difference with h = {h}: {why}, so on the "
       f"smooth layers (sigmoid, tanh) they come out near {size} instead of 1e-10. Use "
       "h = 1e-6, numerical_gradient's default.")
      for h, size, why in [
          ("1e-2", "1e-5", "its error grows as h^2"),
          ("1e-3", "1e-7", "its error grows as h^2"),
          ("1e-9", "1e-7", "the losses' rounding is divided by a tiny h")]],
    (_check_variant(loss="mean"),
     "your loss is the mean of grad_output * forward(x): its gradient is the sum's divided "
     "by the number of outputs, so a and n differ by that factor (16 outputs on the conv "
     "layer: (16 - 1) / (16 + 1) = 0.882). Use L = np.sum(grad_output * forward(x))."),
    (_check_variant(difference="float32"),
     "your numerical gradient was computed in float32: each loss is rounded to about "
     "1e-7 * |L|, and the difference divides that by 2h, so the errors come out near 1e-2 "
     "instead of 1e-10. Keep x in float64, as numerical_gradient does."),
], about_cases="The layers: conv, ReLU and max pooling (kinked, on inputs away from the "
               "kinks), sigmoid and tanh (smooth). The backward passes named *_not_flipped, "
               "*_where_negative, *_everywhere and *_averaged are wrong on purpose: your "
               "check should report a large error for them.")


def _check_q4(answer) -> str | None:
    """The cases against the reference and the named mistakes; a refused answer that no named
    mistake explains is told what the layers' forward functions saw it do (float32, h)."""
    if not callable(answer):
        return _Q4_CHECKER(answer)

    def recorded(*args, **kwargs):
        _SEEN["recording"] = True
        try:
            return answer(*args, **kwargs)
        finally:
            _SEEN["recording"] = False

    recorded.__name__ = getattr(answer, "__name__", "gradient_check")
    recorded.__wrapped__ = answer
    _SEEN["dtypes"], _SEEN["nudges"] = set(), []
    message = _Q4_CHECKER(recorded)
    if message and message.startswith("on "):
        return _q4_cause() or message
    return message


q4 = Exercise(
    "Write gradient_check(forward, backward, x, grad_output), section 5's check for any layer: "
    "forward(x) computes the layer's output, backward(x, grad_output) its dL/dx. Build the "
    "loss L = sum(grad_output * forward(x)), whose dL/dY is grad_output; take its numerical "
    "gradient with numerical_gradient(loss_function, x); return the relative error "
    "||a - n|| / (||a|| + ||n||) between backward's answer a and the numerical one n. The "
    "check runs it on nine backward passes of smooth and kinked layers, some of them wrong "
    "(each x is float64, without ties); the value you return must match the course's "
    "relative error (h = 1e-6) to within 1e-8, which any h from 1e-7 to 1e-4 meets.",
    checker=_check_q4,
    hint=["numerical_gradient(loss_function, x) nudges the very array x you pass it, in place, "
          "and calls loss_function() with no argument after each nudge: your loss must read that "
          "same x (not a copy), and weight forward(x) by grad_output so that its dL/dY is "
          "grad_output.",
          "Compare the two gradients as whole arrays: the norm of their difference over the sum "
          "of their norms (section 5), one number."],
    solution_answer=gradient_check,
)


# --- q5: reading a gradient check ---------------------------------------------------------------

#: q4's input rounded to whole numbers: it has ties in max pooling's windows and zeros, ReLU's
#: kink (-0.0 prints as -0; it is 0).
_X5_KINKED = np.round(_X4) + 0.0
#: The five backward passes q5 reports on: (row, layer, forward, backward, dL/dY), two of them
#: wrong (relu_backward_everywhere, pool_backward_averaged).
_Q5_ROWS = [
    ("A", "max pooling", pool_forward, pool_backward, _G4_POOL),
    ("B", "Conv2D", conv_forward, conv_backward, _G4_CONV),
    ("C", "ReLU", relu_forward, relu_backward_everywhere, _G4_SAME),
    ("D", "ReLU", relu_forward, relu_backward, _G4_SAME),
    ("E", "max pooling", pool_forward, pool_backward_averaged, _G4_POOL),
]
#: Each row's relative errors, section 5's check (q4's gradient_check) on x without ties or
#: zeros and on x rounded to whole numbers.
Q5_ERRORS = {row: (layer, gradient_check(forward, backward, _X4.copy(), grad),
                   gradient_check(forward, backward, _X5_KINKED.copy(), grad))
             for row, layer, forward, backward, grad in _Q5_ROWS}


def _verdict(smooth: float, kinked: float) -> str:
    """CS231n's bands as section 5 reads them: below 1e-7 on both inputs, fine; large only
    where the input has ties or zeros, a kink; large on the input without them, a bug."""
    if smooth < 1e-7:
        return "fine" if kinked < 1e-7 else "kink"
    return "bug"


_Q5 = [_verdict(smooth, kinked) for _, smooth, kinked in Q5_ERRORS.values()]
Q5_REPORTS = ("relative error of section 5's check\n"
              "     backward pass of   x without ties or zeros   x rounded: ties and zeros\n"
              + "\n".join(f"  {row}  {layer:<17}  {smooth:<24.0e}  {kinked:.0e}"
                          for row, (layer, smooth, kinked) in Q5_ERRORS.items()))
_Q5_WORDS = {"fine": "fine", "ok": "fine", "right": "fine", "correct": "fine",
             "kink": "kink", "kinks": "kink", "tie": "kink", "ties": "kink",
             "bug": "bug", "bugs": "bug", "wrong": "bug", "buggy": "bug"}
_KINK_OF = {"max pooling": "ties, where the maximum has no derivative",
            "ReLU": "zeros, where ReLU has no derivative"}


def _q5_reason(row: str, said: str) -> str:
    """Why row ``row`` is not ``said``, from its two errors."""
    layer, smooth, kinked = Q5_ERRORS[row]
    right = _Q5[list(Q5_ERRORS).index(row)]
    if right == "fine":
        return (f"{row} ({layer}): {smooth:.0e} and {kinked:.0e}, both below 1e-7: the check "
                "passes on both inputs, so it is fine" + (" (a convolution has no kink: ties "
                "and zeros change nothing for it)." if said == "kink" else "."))
    if right == "kink":
        if said == "bug":
            return (f"{row} ({layer}): {smooth:.0e} on the input without ties or zeros, below "
                    f"1e-7, so the code is right; its {kinked:.0e} comes from the rounded "
                    f"input's {_KINK_OF[layer]}: the numerical gradient averages the two sides "
                    "there (section 6). A kink, not a bug.")
        return (f"{row} ({layer}): {kinked:.0e} on the rounded input is far above 1e-7, so the "
                f"check does not pass there; the same code gives {smooth:.0e} without ties or "
                "zeros: right code, and the check met a kink.")
    return (f"{row} ({layer}): {smooth:.0e} even on the input without ties or zeros, where "
            f"{layer} has a derivative at every number the check nudges: no kink explains an "
            "error above 1e-2 there. A bug.")


def _check_q5(answer) -> str | None:
    """Five verdicts, one per row A-E, each 'fine', 'kink' or 'bug' (a dict by row, a list, or
    one string with the five words, are read alike)."""
    rows = list(Q5_ERRORS)
    if isinstance(answer, dict):
        by_row = {str(key).strip().upper(): value for key, value in answer.items()}
        missing = [row for row in rows if row not in by_row]
        if missing:
            return (f"your dict has no verdict for row {missing[0]}: give one for each row "
                    f"{rows[0]}-{rows[-1]}, e.g. {{'A': 'fine', ...}}, or a list in row order.")
        answer = [by_row[row] for row in rows]
    elif isinstance(answer, str):
        answer = answer.replace(",", " ").split()
    elif isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, list | tuple):
        return (f"expected a list of {len(rows)} verdicts, one per row {rows[0]}-{rows[-1]}, "
                f"each 'fine', 'kink' or 'bug'; got {describe(answer)}.")
    if len(answer) != len(rows):
        return (f"give {len(rows)} verdicts, one per row {rows[0]}-{rows[-1]} in order; your "
                f"answer has {len(answer)}.")
    said = []
    for row, verdict in zip(rows, answer, strict=True):
        word = _Q5_WORDS.get(verdict.strip().lower()) if isinstance(verdict, str) else None
        if word is None:
            return (f"each verdict is one of 'fine', 'kink' or 'bug' (a string); for row {row} "
                    f"you gave {describe(verdict)}.")
        said.append(word)
    wrong = [(row, word) for row, word, right in zip(rows, said, _Q5, strict=True)
             if word != right]
    if not wrong:
        return None
    head = ("1 of 5 verdicts is off:" if len(wrong) == 1
            else f"{len(wrong)} of {len(rows)} verdicts are off:")
    return head + "\n" + "\n".join(_q5_reason(row, word) for row, word in wrong)


q5 = Exercise(
    "Q5_REPORTS holds the relative errors of section 5's check on five backward passes, each "
    "on two inputs: x without ties or zeros, and x rounded to whole numbers (ties and zeros). "
    "For each row A-E, is the backward pass 'fine', right but meeting a kink ('kink'), or "
    "wrong ('bug')? Answer with a list of five of these words, in row order.",
    checker=_check_q5,
    hint=["Section 5's bands: below 1e-7 the check passes; above 1e-2 something is wrong, "
          "either the code or the check (section 6: at a tie or at 0 the numerical gradient is "
          "the average of two slopes).",
          "Read the input without ties or zeros first: there every layer has a derivative, so "
          "a large error there is a bug. Where only the rounded input gives a large error, the "
          "check met a kink."],
    solution=("# A, D: below 1e-7 without ties or zeros, large only with them; B: below 1e-7 "
              "on both; C, E: large without ties or zeros too\n"
              f"answer = {_Q5!r}"),
    solution_answer=_Q5,
)


# --- q6: the loss's gradient, softmax cross-entropy summed over a batch ------------------------

#: The scores (logits) of question 6: a batch of 2 images, 3 classes.
# Chosen so every value of the answer sits within 1.5e-4 of a 3-decimal number (3.5e-4 or more
# from a half-way point): a value typed to 3 decimals by hand is never one off.
Q6_SCORES = _read_only([[1.5, -2.0, 0.0], [-2.0, 1.5, -0.5]])
#: The true classes of question 6's two images.
Q6_LABELS = _read_only([0, 2])


def _softmax(scores, axis=1) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


_P6 = _softmax(Q6_SCORES)
_ONE_HOT6 = np.eye(Q6_SCORES.shape[1])[Q6_LABELS]
_B6 = len(Q6_LABELS)
_Q6 = _P6 - _ONE_HOT6      # reduction="sum": the images' losses add up, nothing divides by B
_DECIMALS6 = 1e-3  # q6 takes 3 decimal places (rounded; cut after 4+); its mistakes stay 2e-3 apart
_ROWS6 = "[" + ", ".join("[" + ", ".join(f"{v:.3f}" for v in row) + "]" for row in _Q6) + "]"
_Q6_MISTAKES = [  # each names what the learner's array is
    (_Q6 / _B6,
     "that is the gradient of Keras's default loss, the mean over the batch, whose 1/B "
     f"divides each image's gradient by B = {_B6}. With reduction='sum' the images' losses "
     "add up, so nothing is divided: each image's gradient is its own p - one-hot."),
    (_Q6 * _B6,
     f"that is p - one-hot times B = {_B6}; a sum over the batch leaves each image's gradient "
     "p - one-hot as it is (the loss of image b depends on image b's scores only)."),
    (_P6,
     "those are the softmax probabilities p; the gradient is p - one-hot."),
    (_ONE_HOT6 - _P6,
     "the sign is off: that is one-hot - p. The loss falls as the true class's score grows, "
     "so dL/ds is negative there: p - one-hot."),
    (Q6_SCORES - _ONE_HOT6,
     "you subtracted the one-hot label from the scores themselves; take the softmax "
     "probabilities first: p = exp(s) / sum(exp(s)), row by row."),
    (_softmax(Q6_SCORES, axis=0) - _ONE_HOT6,
     "your softmax runs down the columns (over the batch); each image's probabilities sum "
     "to 1 over its 3 classes: normalise each row (axis=1)."),
    (_Q6[::-1],
     "the two rows are swapped: row b belongs to image b, so row 0 is the gradient of the "
     "first image (scores Q6_SCORES[0], true class Q6_LABELS[0])."),
    (-_ONE_HOT6 / _P6,
     "that is dL/dp, the gradient with respect to the probabilities; through the softmax "
     "it becomes dL/ds = p - one-hot."),
]


q6 = Exercise(
    "A batch of 2 images gets the scores Q6_SCORES (3 classes); their true classes are "
    "Q6_LABELS. This time the loss adds the images' losses instead of averaging them: "
    "SparseCategoricalCrossentropy(from_logits=True, reduction='sum'). What is dL/dscores? "
    "Answer with a 2x3 list of lists (or an array), each value to at least 3 decimal places.",
    checker=array(_Q6, decimals=3, mistakes=_Q6_MISTAKES),
    hint=["For one image, d(-log p_y)/ds_k = p_k - [k = y]: the softmax probabilities minus "
          "the one-hot label. Section 7's 1/B came from Keras's mean over the batch: what does "
          "a sum change?",
          "p = np.exp(Q6_SCORES) / np.exp(Q6_SCORES).sum(axis=1, keepdims=True); "
          "np.eye(3)[Q6_LABELS] is the one-hot labels."],
    solution=f"""\
p = np.exp(Q6_SCORES) / np.exp(Q6_SCORES).sum(axis=1, keepdims=True)
answer = p - np.eye(3)[Q6_LABELS]   # no / B with reduction='sum': {_ROWS6}""",
    solution_answer=_Q6,
)


# --- q7: the whole CNN's pooling and ReLU steps, backward ---------------------------------------

def my_pool_relu_backward(a, grad_pooled):
    """dL/dz for z -> ReLU -> MaxPooling2D(2): each 2x2 window's gradient goes to its (first)
    maximum, then ReLU keeps it only where a = ReLU(z) > 0. a is (B, H, W, C), H and W even."""
    batch, height, width, channels = a.shape
    grad_a = np.zeros(a.shape)
    for i in range(height // 2):
        for j in range(width // 2):
            window = a[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2, :].reshape(batch, 4, channels)
            winner = window.argmax(axis=1)                       # (B, C): 0-3, row by row
            for b in range(batch):
                for c in range(channels):
                    u, v = divmod(winner[b, c], 2)
                    grad_a[b, 2 * i + u, 2 * j + v, c] = grad_pooled[b, i, j, c]
    return grad_a * (a > 0)


def _q7_case(seed, batch, size, channels):
    """A random batch; ``size`` is (H, W), or one number for a square."""
    height, width = (size, size) if isinstance(size, int) else size
    case_rng = np.random.default_rng(seed)
    a = np.maximum(case_rng.standard_normal((batch, height, width, channels)), 0)   # ReLU(z)
    return _read_only(a), _read_only(case_rng.standard_normal((batch, height // 2, width // 2,
                                                                channels)))


#: One image, 4x4, 2 channels, with tied maxima: the CNN meets them on blank background, where
#: all four cells hold ReLU(b) (Going further C). Positive ties in channel 0's windows (0, 0),
#: (0, 1) and (1, 0), and channel 1's (0, 0), (1, 0) and (1, 1); a tie at 0 in channel 0's (1, 1).
_Q7_TIES = _read_only(np.stack([
    [[0.5, 0.5, 0.2, 0.9],
     [0.1, 0.0, 0.9, 0.0],
     [0.3, 0.3, 0.0, 0.0],
     [0.3, 0.3, 0.0, 0.0]],
    [[0.0, 0.4, 1.2, 0.0],
     [0.4, 0.0, 0.0, 0.8],
     [0.6, 0.0, 0.2, 0.7],
     [0.0, 0.6, 0.7, 0.1]],
], axis=-1)[None])
_Q7_TIES_GRAD = _read_only(np.stack([[[1.5, -2.0], [0.5, 3.0]],
                                     [[-1.0, 2.5], [0.8, -0.4]]], axis=-1)[None])
_Q7_CASES = [_q7_case(70, 1, 4, 1), _q7_case(71, 2, (4, 6), 3), _q7_case(72, 4, 26, 8),
             (_Q7_TIES, _Q7_TIES_GRAD)]


def _spread(grad_pooled, share=1.0) -> np.ndarray:
    """Each window's gradient times ``share`` in all four of its cells."""
    return share * np.repeat(np.repeat(grad_pooled, 2, axis=1), 2, axis=2)


def _maxima(a) -> np.ndarray:
    """1 where a cell holds its 2x2 window's largest value (every one of them at a tie)."""
    return (a == np.repeat(np.repeat(pool2d(a), 2, axis=1), 2, axis=2)).astype(float)


def _last_maximum(a, grad_pooled) -> np.ndarray:
    """dL/da with each window's gradient at its last maximum in row-major order: the first
    maximum of the array read backwards (rows and columns reversed; H and W are even)."""
    return pool2d_backward(a[:, ::-1, ::-1], grad_pooled[:, ::-1, ::-1])[:, ::-1, ::-1]


def _first_in_columns(a, grad_pooled) -> np.ndarray:
    """dL/da with each window's gradient at its first maximum in column-major order (column 0
    top to bottom, then column 1): the first maximum of the array with rows and columns
    swapped."""
    swap = (0, 2, 1, 3)
    return pool2d_backward(a.transpose(swap), grad_pooled.transpose(swap)).transpose(swap)


def _shared(a, grad_pooled) -> np.ndarray:
    """dL/da with each window's gradient split evenly among its tied maxima."""
    maxima, (batch, height, width, channels) = _maxima(a), a.shape
    counts = maxima.reshape(batch, height // 2, 2, width // 2, 2, channels).sum(axis=(2, 4))
    return _spread(grad_pooled / counts) * maxima


_Q7_NO_RELU = ("that is dL/da, the pooling step alone: the ReLU step is missing. ReLU passes "
               "the gradient only where z > 0, that is where a > 0: multiply by (a > 0). If you "
               "wrote a mask as a >= 0, it blocks nothing: a = ReLU(z) is never negative, so "
               "a >= 0 holds everywhere; use a > 0.")
_Q7_SIGN = ("your gradient is 0 wherever the window's gradient is negative, as if it went "
             "through a ReLU. Max pooling routes the gradient whatever its sign; only ReLU's "
             "mask blocks, where its input was <= 0 (z <= 0, that is a = 0): multiply by "
             "(a > 0) and keep the negative values.")
_Q7_CHECKER = function(
    _Q7_CASES, reference=lambda a, g: pool2d_backward(a, g) * (a > 0),
    forbidden=("pool2d_backward",), mistakes=[
        (lambda a, g: pool2d_backward(a, g), _Q7_NO_RELU),
        (lambda a, g: np.maximum(pool2d_backward(a, g), 0) * (a > 0), _Q7_SIGN),
        (lambda a, g: np.maximum(pool2d_backward(a, g), 0), _Q7_SIGN),   # the sign as the mask
        (lambda a, g: _spread(g, 0.25) * (a > 0),
         "that spreads each window's gradient evenly (a quarter to each cell), average "
         "pooling's rule; max pooling gives all of it to the window's maximum."),
        (lambda a, g: _spread(g) * (a > 0),
         "every cell of a window got the window's gradient; only the maximum, the value "
         "max pooling passed on, gets it, the other three get 0."),
        (lambda a, g: _spread(g) * _maxima(a) * (a > 0),
         "the gradient went to every tied maximum: where two or more cells of a window hold its "
         "largest value (the fourth batch has such windows), each got the window's whole "
         "gradient, so it counts twice or more. Max pooling passed on one value: give its "
         "gradient to one cell, the first maximum in row-major order, as TensorFlow does "
         "(argmax returns the first)."),
        (lambda a, g: _shared(a, g) * (a > 0),
         "at a tie your gradient is shared among the tied maxima (each of two gets half): that "
         "is the average a numerical gradient reports at a tie (section 6), not TensorFlow's "
         "rule. Give the whole gradient to the first maximum in row-major order (argmax "
         "returns the first)."),
        (lambda a, g: _last_maximum(a, g) * (a > 0),
         "at a tie your gradient went to the last maximum of the window; TensorFlow, and the "
         "check, give it to the first in row-major order (argmax returns the first)."),
        (lambda a, g: _first_in_columns(a, g) * (a > 0),
         "at a tie your gradient went to the first maximum in column order (down column 0, "
         "then column 1, as a loop over columns first or an argmax of the window transposed "
         "finds it); TensorFlow, and the check, take the first in row-major order: row 0 "
         "before row 1, left to right within a row (argmax of window.reshape(B, 4, C) reads "
         "it so)."),
    ])


def _source(function_) -> str | None:
    """The learner's source text of ``function_``, or None when Python cannot find it."""
    try:
        return inspect.getsource(inspect.unwrap(function_))
    except (OSError, TypeError):
        return None


def _check_q7(answer) -> str | None:
    """The cases against TensorFlow's rule; a result without the ReLU step is told that the
    learner's mask (a >= 0) is the reason when the source shows one, and otherwise what is true
    of either cause (no mask, or a >= 0 written where the source does not show it)."""
    message = _Q7_CHECKER(answer)
    if message != _Q7_NO_RELU:
        return message
    source = _source(answer)
    shows_ge = source is not None and re.search(
        r"(>=|<)\s*0(?![.\d]*[1-9])|greater_equal|less\(", source)
    if shows_ge:
        return ("that is dL/da, the pooling step alone: your ReLU mask keeps every cell. "
                "a = ReLU(z) is never negative, so a >= 0 is True everywhere (and a < 0 "
                "nowhere): the mask changes nothing. ReLU passes the gradient only where z > 0, "
                "that is where a > 0: use a > 0, not a >= 0.")
    return message


q7 = Exercise(
    "Write my_pool_relu_backward(a, grad_pooled), the MaxPooling2D and ReLU lines of section "
    "7's backward(), without pool2d_backward: a = ReLU(z) is (B, H, W, C) with H and W even, "
    "grad_pooled = dL/dpooled is (B, H/2, W/2, C). Return dL/dz, shaped like a. At a tie the "
    "whole gradient goes to the first maximum in row-major order, as in TensorFlow. The check "
    "runs it on three random batches, one 4x6, the last shaped like the CNN's (4, 26, 26, 8), "
    "and one with tied maxima.",
    checker=_check_q7,
    hint=["Loop over the windows (i, j): window = a[:, 2*i:2*i + 2, 2*j:2*j + 2, :]. The "
          "position of its maximum tells where grad_pooled[:, i, j, :] goes; the rest of "
          "dL/da is 0.",
          "window.reshape(B, 4, C).argmax(axis=1) gives each maximum's position, 0-3 row by "
          "row (divmod(position, 2) is its row and column), the first one at a tie. At the end "
          "multiply by (a > 0): ReLU's step."],
    solution_answer=my_pool_relu_backward,
)


# --- q8 (optional, Going further A): the largest learning rate --------------------------------

#: Section 1's image: a 6x8 band of zeros between ones (the learner has it as ``image``).
_IMAGE1 = np.ones((6, 8))
_IMAGE1[:, 2:6] = 0


def _curvatures(width: int) -> np.ndarray:
    """The eigenvalues of 2 X^T X, X holding the 1 x ``width`` windows of section 1's image as
    rows, in increasing order: the curvatures of L = ||X k - y||^2 along its eigenvectors."""
    columns = _IMAGE1.shape[1] - width + 1
    windows = np.stack([_IMAGE1[:, u:u + columns].ravel() for u in range(width)], axis=1)
    return np.linalg.eigvalsh(2 * windows.T @ windows)


_LAMBDAS1 = _curvatures(3)          # about 7.03, 24 and 40.97
_BOUND = 2 / _LAMBDAS1[-1]             # about 0.0488
_SECTION1 = 2 / _curvatures(2)[-1]  # section 1's 1x2 kernel: 2 / 60

q8 = Exercise(
    "Section 1's image now trains a 1x3 kernel, toward the targets conv2d(image, [[1, 1, -1]]), "
    "with the same loss L = sum((y_hat - y) ** 2). What is the bound the learning rate eta "
    "must stay below for gradient descent to settle? Give 3 significant figures.",
    checker=number(_BOUND, mistakes={
        1 / _LAMBDAS1[-1]: "that is 1/lambda, the rate that reaches the optimum along the most "
                           "curved direction in one step (1 - eta * lambda = 0); larger rates "
                           "overshoot but still settle, up to 2/lambda.",
        2 / _LAMBDAS1[0]: "that is 2 divided by the smallest eigenvalue, the flattest direction; "
                          "the most curved direction (the largest eigenvalue) blows up first.",
        2 / _LAMBDAS1[1]: "that is 2/24. 24 is the curvature along one weight alone (each "
                          "diagonal entry of 2 X^T X is 24): the weights are coupled, so the "
                          "bound uses the largest eigenvalue, the most curved direction. 24 is "
                          "also the middle eigenvalue, and both eigenvalues of an X missing "
                          "its middle column: check that X has three columns, image[:, 0:6], "
                          "image[:, 1:7] and image[:, 2:8].",
        4 / _LAMBDAS1[-1]: "that is 2 divided by the largest eigenvalue of X^T X; the loss's "
                           "curvature is 2 X^T X (its gradient is 2 X^T (X k - y)).",
        _SECTION1: "that is Going further A's bound for section 1's 1x2 kernel, 2/60; a 1x3 "
                   "kernel has 3 weights, so X has three columns: image[:, 0:6], image[:, 1:7] "
                   "and image[:, 2:8].",
        _LAMBDAS1[-1]: "that is lambda itself, the largest eigenvalue; the learning rate must "
                       "stay below 2/lambda.",
    }),
    hint=["As in Going further A: X holds one window per row, now three columns (image[:, 0:6], "
          "image[:, 1:7], image[:, 2:8], each .ravel()). The bound depends on X only, not on "
          "the targets.",
          "lambda = np.linalg.eigvalsh(2 * X.T @ X).max(); descent settles for eta < 2/lambda."],
    solution=f"""\
X = np.stack([image[:, 0:6].ravel(), image[:, 1:7].ravel(), image[:, 2:8].ravel()], axis=1)
answer = 2 / np.linalg.eigvalsh(2 * X.T @ X).max()   # 2 / {_LAMBDAS1[-1]:.2f} = {_BOUND:.4f}""",
    solution_answer=_BOUND,
)


__all__ = ["Q1_X", "Q1_GRAD", "Q1_KERNEL", "Q2_KERNEL", "Q2_GRAD",
           "Q5_ERRORS", "Q5_REPORTS", "Q6_SCORES", "Q6_LABELS",
           "my_conv_backward", "gradient_check", "my_pool_relu_backward",
           *bind_exercises(globals())]
