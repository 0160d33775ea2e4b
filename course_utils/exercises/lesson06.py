"""Check yourself, lesson 06: how a Conv2D layer learns (the backward pass).

In the notebook::

    from course_utils.exercises.lesson06 import Q3_X, Q3_GRAD, Q5_X, Q5_GRAD, q1, q2, ...

    answer = ____
    q1.check(answer)

Each expected answer is computed here from the question's own numbers with the course's
helpers; tests/test_exercises_lesson06.py checks them against TensorFlow's gradients.
"""

from __future__ import annotations

import copy

import numpy as np

from ..arithmetic import conv_mults, conv_output_size, conv_transpose_output_size
from ..backward import conv2d_backward, numerical_gradient, pool2d_backward, relative_error
from ..data import LESSON01_KERNEL, LESSON01_X
from ..ops import conv2d, pool2d
from ..validation import describe
from . import KERNEL_AXES, Exercise, array, bind_exercises, function, number, shape


def _read_only(values) -> np.ndarray:
    array_ = np.array(values)
    array_.setflags(write=False)
    return array_


# --- q1: the shape of dL/dK ---------------------------------------------------------------------

_BATCH, _SIZE, _C_IN, _FILTERS, _F = 32, 28, 3, 16, 5
_Q1 = (_F, _F, _C_IN, _FILTERS)
_O1 = conv_output_size(_SIZE, _F)
_Q1_INPUT = ("that is the input's shape, the shape of dL/dX (the gradient the layer passes "
             "down); dL/dK has the kernel's shape.")

q1 = Exercise(
    f"A Conv2D({_FILTERS}, {_F}) layer is trained on a batch of shape "
    f"({_BATCH}, {_SIZE}, {_SIZE}, {_C_IN}). What is the shape of dL/dK, the gradient of the "
    "loss with respect to its kernel?",
    checker=shape(_Q1, axes=KERNEL_AXES, batch=False, mistakes={
        (_BATCH, *_Q1): "one kernel, one gradient: dL/dK adds up the contributions of all "
                        f"{_BATCH} images, so it has no batch axis.",
        (_FILTERS, _F, _F, _C_IN): "that is PyTorch's layout; Keras keeps a Conv2D kernel as "
                                   "(kh, kw, in, out), and dL/dK has the kernel's shape.",
        (_FILTERS, _C_IN, _F, _F): "that is PyTorch's layout; Keras keeps a Conv2D kernel as "
                                   "(kh, kw, in, out), and dL/dK has the kernel's shape.",
        (_F, _F, _FILTERS, _C_IN): "in and out are swapped: (kh, kw, out, in) is "
                                   "Conv2DTranspose's layout, not Conv2D's.",
        (_O1, _O1, _FILTERS): "that is the output's shape, the shape of dL/dY; dL/dK has "
                              "the kernel's shape.",
        (_BATCH, _O1, _O1, _FILTERS): "that is the output's shape, the shape of dL/dY; dL/dK "
                                      "has the kernel's shape.",
        (_BATCH, _SIZE, _SIZE, _C_IN): _Q1_INPUT,
        (_SIZE, _SIZE, _C_IN): _Q1_INPUT,
        (_F, _F, _FILTERS): "a channel axis is missing: each filter has one F x F slice per "
                            "input channel, so the kernel and dL/dK have four axes "
                            "(kh, kw, in, out).",
        (_F, _F, _C_IN): f"that is one filter's weights (kh, kw, in); the kernel holds all "
                         f"{_FILTERS} filters, a fourth axis: (kh, kw, in, out).",
        (_F * _F * _C_IN, _FILTERS): "that is the kernel as lesson 04's matrix K2 "
                                     "(F * F * C_in, C_out), the shape of P.T @ G2; dL/dK is "
                                     "reshaped back to the kernel's own shape (kh, kw, in, out).",
        (_F, _F, _C_IN, _FILTERS * _BATCH): "one gradient per filter, not per image and filter: "
                                            f"the {_BATCH} images' contributions are added.",
    }),
    hint=["A gradient always has the shape of what it is the gradient of.",
          "The kernel of Conv2D(filters, F) on C_in channels is (F, F, C_in, filters)."],
    solution=f"dL/dK has the kernel's shape (kh, kw, in, out) = {_Q1}; the batch is summed.",
    solution_answer=_Q1,
)


# --- q2: dL/db ----------------------------------------------------------------------------------

_N2, _F2, _G2, _B2 = 7, 3, 0.5, 32  # _B2: q1's batch, which a learner may carry over
_O2 = conv_output_size(_N2, _F2)
_Q2 = float(conv2d_backward(np.zeros((_N2, _N2)), np.zeros((_F2, _F2)),
                            np.full((_O2, _O2), _G2))[2][0])


def _outputs_per_side(size: int, why: str = "") -> str:
    """The message for counting size x size outputs instead of O x O."""
    return (f"that counts {size}x{size} outputs; a {_F2}x{_F2} kernel fits "
            f"O = N - F + 1 = {_O2} times along each side of a {_N2}x{_N2} input{why}.")


_ROUNDED2 = ("close, but dL/db is not a whole number here (a sum of an odd number of "
             f"{_G2}s): give it exactly, with its decimal.")


q2 = Exercise(
    f"A Conv2D(1, {_F2}) layer ('valid', stride 1) gets a {_N2}x{_N2} input, and every value "
    f"of dL/dY is {_G2}. What is dL/db, the gradient of its bias? (Give it exactly.)",
    checker=number(_Q2, mistakes={
        _G2: f"the bias is added to every output value, so each of the {_O2 * _O2} outputs "
             "passes its dL/dY to it: add them up.",
        _N2 * _N2 * _G2: f"you counted the {_N2 * _N2} input pixels; the bias is added to the "
                         f"outputs, and there are {_O2}x{_O2} of them.",
        _F2 * _F2 * _G2: "that counts the kernel's weights; the bias is added once per output "
                         "value.",
        _O2 * _O2: "add up the values of dL/dY, not how many there are.",
        _O2 * _G2: f"that is one row of outputs; there are {_O2} rows.",
        (_N2 - _F2) ** 2 * _G2: _outputs_per_side(_N2 - _F2, " (count the first position too)"),
        np.floor(_Q2): _ROUNDED2,
        np.ceil(_Q2): _ROUNDED2,
        (_N2 - 1) ** 2 * _G2: _outputs_per_side(_N2 - 1),
        _Q2 * _G2: f"each dL/dY value counts once (dY/db = 1): you multiplied by {_G2} twice "
                   "(or halved the sum).",
        _Q2 * _F2 * _F2: f"dY/db = 1: the bias is one number added once to each output, so the "
                         f"kernel's {_F2 * _F2} weights do not enter dL/db.",
        _Q2 / _B2: f"dL/db is a sum over the outputs, not divided by anything; and this layer "
                   f"sees one input, not q1's batch of {_B2}.",
    }),
    hint=["dY/db = 1 for every output value Y, so dL/db = the sum of dL/dY.",
          f"The output is {_O2}x{_O2}: O = N - F + 1."],
    solution=f"{_O2} * {_O2} outputs, each with dL/dY = {_G2}: dL/db = {_O2 * _O2} * {_G2} = "
             f"{_Q2}",
    solution_answer=_Q2,
)


# --- q3: dL/dK by hand --------------------------------------------------------------------------

#: The 3x3 input of question 3.
Q3_X = _read_only([[1, 3, 0], [1, 0, 1], [3, 0, 1]])
#: The 2x2 upstream gradient dL/dY of question 3.
Q3_GRAD = _read_only([[0, 2], [-1, 1]])
#: The 2x2 kernel of question 3 (it does not appear in dL/dK).
Q3_KERNEL = _read_only([[3, -1], [0, 2]])

_Q3 = conv2d_backward(Q3_X, Q3_KERNEL, Q3_GRAD)[1]

q3 = Exercise(
    "By hand: a Conv2D with the 2x2 kernel Q3_KERNEL (stride 1, 'valid') read the 3x3 input "
    "Q3_X and got back dL/dY = Q3_GRAD. What is dL/dK? Answer with a 2x2 list of lists.",
    checker=array(_Q3, mistakes=[
        (conv2d(Q3_X, np.flip(Q3_GRAD)),
         "you flipped dL/dY; dL/dK is a cross-correlation: slide Q3_GRAD as it is over Q3_X."),
        (conv2d(Q3_X, Q3_GRAD.T),
         "you transposed dL/dY; slide Q3_GRAD as it is over Q3_X."),
        (_Q3.T, "rows and columns are swapped: dL/dK[a, b] sums dL/dY[i, j] * x[i + a, j + b]."),
        (conv2d(Q3_X, Q3_KERNEL),
         "that is the forward output Y; dL/dK slides dL/dY (Q3_GRAD), not the kernel, over x."),
        (Q3_GRAD * Q3_KERNEL,
         "dL/dK does not involve the kernel's values: each entry is a sum of "
         "dL/dY[i, j] * x[i + a, j + b]."),
        (conv2d_backward(Q3_X, Q3_KERNEL, Q3_GRAD)[0],
         "that is dL/dX, the gradient for the layer below: it has the input's shape (3x3). "
         "dL/dK has the kernel's shape (2x2): slide Q3_GRAD over Q3_X."),
        (np.flip(_Q3),
         "that is dL/dK turned by 180 degrees; nothing is flipped for dL/dK (only dL/dX uses "
         "the flipped kernel): slide Q3_GRAD as it is over Q3_X."),
        (_Q3 / Q3_GRAD.size,
         "dL/dK adds up the contributions of the output positions; it does not average them."),
        (-_Q3,
         "the sign is off: that is -dL/dK, the direction a gradient-descent step moves the "
         "kernel (K <- K - eta * dL/dK). dL/dK itself is + the sum of dL/dY[i, j] * "
         "x[i + a, j + b]."),
        (Q3_KERNEL - _Q3,
         "that is the kernel after one gradient-descent step with eta = 1, K - dL/dK; the "
         "question asks for dL/dK itself."),
    ]),
    hint=["dL/dK[a, b] = sum over output positions (i, j) of dL/dY[i, j] * x[i + a, j + b].",
          "That is the cross-correlation of x with dL/dY: slide the 2x2 Q3_GRAD over the 3x3 "
          "Q3_X, multiply and sum."],
    solution=f"""\
dK[0, 0] = 0*x[0,0] + 2*x[0,1] - 1*x[1,0] + 1*x[1,1], and so on: conv2d(Q3_X, Q3_GRAD)
answer = {_Q3.astype(int).tolist()}""",
    solution_answer=_Q3.astype(int).tolist(),
)


# --- q4: a convolution's whole backward pass, CS231n's conv_backward_naive ----------------------


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


def _q4_case(seed, batch, size, channels, f, filters, stride, padding):
    """(x, kernel, grad_output, stride, padding) with small whole numbers."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (batch, *size, channels)).astype(float)
    kernel = rng.integers(-2, 3, (f, f, channels, filters)).astype(float)
    out = [conv_output_size(n, f, stride, padding) for n in size]
    return x, kernel, rng.integers(-2, 3, (batch, *out, filters)).astype(float), stride, padding


_Q4_CASES = [
    (np.array(LESSON01_X, float)[None, :, :, None], np.array(LESSON01_KERNEL, float)[:, :, None,
     None], np.array([[1.0, 2.0], [-1.0, 0.0]])[None, :, :, None], 1, 0),   # section 2
    _q4_case(1, 1, (6, 6), 1, 3, 1, 2, 0),     # section 3: stride 2
    _q4_case(2, 2, (5, 5), 3, 3, 4, 2, 1),     # section 4: a batch, channels, filters, padding
    _q4_case(3, 1, (5, 5), 2, 3, 2, 1, 1),     # "same" with stride 1
    _q4_case(4, 2, (7, 7), 1, 3, 3, 3, 1),     # stride 3
    _q4_case(5, 1, (6, 5), 2, 2, 1, 2, 0),     # a rectangular input, an even kernel
]


def _conv_backward_variant(x, kernel, grad_output, stride=1, padding=0, *, step=None,
                           crop=True, flip=False, accumulate=True, bias_axes=(0, 1, 2)):
    """my_conv_backward as a learner may write it, one step changed: step (the window's
    spacing: stride is right), crop (cut the padding off dL/dX), flip (the kernel stamped
    flipped), accumulate (+= into dL/dK), bias_axes (the axes dL/dY is summed over)."""
    step = stride if step is None else step
    f_h, f_w, _, filters = kernel.shape
    batch, o_h, o_w, _ = grad_output.shape
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    grad_x_pad, grad_kernel = np.zeros(x_pad.shape), np.zeros(kernel.shape)
    stamp = kernel[::-1, ::-1] if flip else kernel
    for b in range(batch):
        for i in range(o_h):
            for j in range(o_w):
                rows, cols = slice(i * step, i * step + f_h), slice(j * step, j * step + f_w)
                for k in range(filters):
                    g = grad_output[b, i, j, k]
                    window = x_pad[b, rows, cols, :]
                    if window.shape[:2] != (f_h, f_w):
                        raise ValueError("the window runs off the padded input")
                    if accumulate:
                        grad_kernel[:, :, :, k] += g * window
                    else:
                        grad_kernel[:, :, :, k] = g * window
                    grad_x_pad[b, rows, cols, :] += g * stamp[:, :, :, k]
    grad_x = grad_x_pad
    if crop:
        grad_x = grad_x_pad[:, padding:padding + x.shape[1], padding:padding + x.shape[2], :]
    return grad_x, grad_kernel, grad_output.sum(axis=bias_axes)


def _variant(**change):
    def wrong(x, kernel, grad_output, stride=1, padding=0):
        return _conv_backward_variant(x, kernel, grad_output, stride, padding, **change)
    return wrong


_Q4_PARTS = {  # the gradient, its index in the answer, and the named mistakes that change it
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
    ]),
    "dL/dK": (1, [
        (_variant(accumulate=False),
         "grad_kernel keeps only the last window: it must add up (+=) the contributions of "
         "every image, output position and filter."),
    ]),
    "dL/db": (2, [
        (_variant(bias_axes=(1, 2)),
         "one number per filter, shape (C_out,): sum dL/dY over the images too, axes (0, 1, 2)."),
        (_variant(bias_axes=None),
         "one number per filter, shape (C_out,): sum dL/dY over images and positions, not over "
         "the filters too (axis=(0, 1, 2))."),
    ]),
}


def _part(function_, index):
    """The function giving one of the three gradients of ``function_``."""
    def part(*args):
        return function_(*args)[index]
    part.__name__ = getattr(function_, "__name__", "your_function")
    return part


_Q4_CHECKERS = {
    name: function(_Q4_CASES, reference=_part(conv2d_backward, index),
                   mistakes=[(_part(wrong, index), message) for wrong, message in mistakes])
    for name, (index, mistakes) in _Q4_PARTS.items()
}


_Q4_UNPADDED = [case for case in _Q4_CASES if case[4] == 0]


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


def _check_q4(answer) -> str | None:
    """Each gradient checked on every case, dL/dX first; the answer must return all three."""
    if not callable(answer):
        return _Q4_CHECKERS["dL/dX"](answer)  # says: expected a function
    try:
        result = answer(*copy.deepcopy(_Q4_CASES[0]))
    except Exception:
        result = None  # the part checks below report the error, with the call
    if result is not None and (not isinstance(result, tuple | list) or len(result) != 3):
        return ("your function must return the three gradients, `return grad_x, grad_kernel, "
                f"grad_bias`; it returned {describe(result)}.")
    for name, checker in _Q4_CHECKERS.items():
        message = checker(_part(answer, _Q4_PARTS[name][0]))
        if message:
            if message.startswith("on ") and _right_on(answer, _Q4_UNPADDED):
                message = message.rstrip(" .") + (
                    ". Your function is right on every case without padding: pad x first "
                    "(np.pad(x, ((0, 0), (P, P), (P, P), (0, 0)))), slide the windows over the "
                    "padded array, and cut the border off dL/dX at the end.")
            return f"{name} is off: {message}"
    return None


q4 = Exercise(
    "Write my_conv_backward(x, kernel, grad_output, stride=1, padding=0), CS231n's "
    "conv_backward_naive in Keras's layout: x is (B, H, W, C_in), kernel (F, F, C_in, C_out), "
    "grad_output = dL/dY (B, O_h, O_w, C_out), padding P zeros on every side. Return "
    "(grad_x, grad_kernel, grad_bias), shaped like x, like the kernel and (C_out,). The check "
    "runs it on six cases (strides 1 to 3, padding 0 and 1, several images, channels and "
    "filters) against TensorFlow's gradients.",
    checker=_check_q4,
    hint=["Pad x with np.pad(x, ((0, 0), (P, P), (P, P), (0, 0))) and make zero arrays "
          "grad_x_pad (the padded shape) and grad_kernel (the kernel's shape).",
          "Loop over images b, output positions (i, j) and filters k. Window rows i * S to "
          "i * S + F - 1 (columns likewise); with g = grad_output[b, i, j, k]: grad_kernel"
          "[:, :, :, k] += g * window and grad_x_pad[b, rows, cols, :] += g * kernel[:, :, :, k].",
          "At the end cut the border off grad_x_pad (grad_x_pad[:, P:P + H, P:P + W, :]); "
          "grad_bias = grad_output.sum(axis=(0, 1, 2))."],
    solution_answer=my_conv_backward,
)


# --- q5: max pooling backward by hand -----------------------------------------------------------

#: The 4x4 input of question 5 (no two values of a 2x2 window are equal).
Q5_X = _read_only([[2, 7, 1, 0], [5, 3, 4, 8], [6, 1, 9, 2], [0, 4, 3, 5]])
#: The 2x2 upstream gradient dL/dY of question 5.
Q5_GRAD = _read_only([[2, 1], [-1, 3]])

_Q5 = pool2d_backward(Q5_X, Q5_GRAD)


def _at_position(values, where) -> np.ndarray:
    """Each window's gradient placed at the position ``where(window)`` picks."""
    out = np.zeros((4, 4))
    for i in range(2):
        for j in range(2):
            window = values[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            r, c = np.unravel_index(where(window), (2, 2))
            out[2 * i + r, 2 * j + c] = Q5_GRAD[i, j]
    return out


q5 = Exercise(
    "By hand: MaxPooling2D(2) turned the 4x4 Q5_X into a 2x2 map, and dL/dY = Q5_GRAD came "
    "back. What is dL/dX? Answer with a 4x4 list of lists.",
    checker=array(_Q5, mistakes=[
        (pool2d_backward(Q5_X, Q5_GRAD, mode="average"),
         "that spreads each gradient evenly over its window: average pooling. Max pooling "
         "sends it to the one value that won."),
        (_at_position(Q5_X, np.argmin),
         "you put each gradient where the window's smallest value is; it goes to the maximum."),
        (np.kron(Q5_GRAD, np.ones((2, 2))),
         "only the maximum of each window reached the output, so only it gets a gradient; "
         "the other three get 0."),
        (pool2d_backward(Q5_X, np.ones_like(Q5_GRAD)),
         "those are the switches, the places of the maxima; each gets its window's dL/dY "
         "(from Q5_GRAD), not 1."),
        (_Q5 * Q5_X,
         "the winner passes its window's dL/dY back unchanged (dY/dX = 1 at the maximum): do "
         "not multiply by the winning value."),
        (pool2d_backward(Q5_X, pool2d(Q5_X)),
         "those are the maxima themselves, the forward pass; put each window's dL/dY "
         "(from Q5_GRAD) at its maximum instead."),
        (pool2d_backward(Q5_X, Q5_GRAD.T),
         "the right places, but dL/dY's values went to the wrong windows (Q5_GRAD transposed): "
         "dL/dY[i, j] belongs to the window of rows 2i, 2i + 1 and columns 2j, 2j + 1."),
        (pool2d_backward(np.kron(np.ones((2, 2)), [[1, 0], [0, 0]]), Q5_GRAD),
         "you put each gradient on its window's top-left cell; it goes to the window's maximum "
         "(the switch), wherever that is."),
        (pool2d(Q5_X),
         "that is the forward output, the four maxima (2x2); dL/dX has the input's shape, 4x4, "
         "with each window's dL/dY at its maximum."),
        (pool2d_backward(Q5_X, np.maximum(Q5_GRAD, 0)),
         "the negative dL/dY (-1) goes back too: max pooling passes each window's gradient to "
         "its maximum whatever its sign. Blocking by sign is ReLU's rule, and ReLU looks at "
         "the sign of its input x, not of the gradient."),
    ]),
    hint=["Max pooling passed on one value per window, the maximum (the switch); only that "
          "value changes the output, so only it gets the window's dL/dY.",
          "Windows: rows 0-1 x columns 0-1, 0-1 x 2-3, 2-3 x 0-1, 2-3 x 2-3."],
    solution=f"""\
maxima 7, 8, 6, 9 at (0, 1), (1, 3), (2, 0), (2, 2) get 2, 1, -1, 3; every other cell 0:
answer = {_Q5.astype(int).tolist()}""",
    solution_answer=_Q5.astype(int).tolist(),
)


# --- q6: the output_padding that gives dL/dX back its size --------------------------------------

_N6, _F6, _S6, _P6 = 12, 3, 3, 2
_O6 = conv_output_size(_N6, _F6, _S6, _P6)
_WITHOUT6 = conv_transpose_output_size(_O6, _F6, _S6, _P6, 0)  # (O - 1) * S + F - 2P
_Q6 = _N6 - _WITHOUT6  # the rows output_padding adds back
assert _Q6 == (_N6 + 2 * _P6 - _F6) % _S6  # the rows left over after the last window
assert conv_transpose_output_size(_O6, _F6, _S6, _P6, _Q6) == _N6
# no wrong rule gives the answer: S - 1, F - 1, P, 2P, (N - F) mod S, (N + P - F) mod S, S, F
_RULES6 = {_S6 - 1, _F6 - 1, _P6, 2 * _P6, (_N6 - _F6) % _S6, (_N6 + _P6 - _F6) % _S6, _S6, _F6,
           _N6 + 2 * _P6 - _F6, _WITHOUT6, _N6, -_Q6}
assert _Q6 not in _RULES6
# the rules that share a number here (the messages say so): 2 and 0
assert _S6 - 1 == _F6 - 1 == _P6 == (_N6 + _P6 - _F6) % _S6 and (_N6 - _F6) % _S6 == 0
assert _S6 == _F6

q6 = Exercise(
    f"A Conv2D with a {_F6}x{_F6} kernel, stride {_S6} and padding {_P6} reads a "
    f"{_N6}x{_N6} input. conv2d_transpose(grad_output, kernel, stride={_S6}, padding={_P6}, "
    f"output_padding=?) gives its dL/dX. Which output_padding makes dL/dX {_N6}x{_N6}?",
    checker=number(_Q6, mistakes={
        0: f"with output_padding 0, dL/dX has (O - 1) * S + F - 2P = {_WITHOUT6} rows, fewer "
           f"than {_N6}: the {_O6} windows, {_S6} apart, never read the last row of the padded "
           "input, and output_padding adds it back. (If you computed (N - F) mod S: the "
           "windows slide over the padded input, N + 2P rows.)",
        _P6: f"{_P6} is what several rules give here, S - 1, F - 1, the padding P and "
             "(N + P - F) mod S; none of them is the rule. output_padding is the number of rows "
             "of the padded input left over after the last window: (N + 2P - F) mod S.",
        2 * _P6: "that is 2P, the padding of both sides together; output_padding is the number "
                 "of rows of the padded input (N + 2P rows) left over after the last window: "
                 "(N + 2P - F) mod S.",
        _S6: f"output_padding must be smaller than the stride ({_S6}).",
        _N6 + 2 * _P6 - _F6: "take the remainder: (N + 2P - F) mod S rows are left over after "
                             "the last window.",
        _WITHOUT6: "that is dL/dX's size without output_padding, (O - 1) * S + F - 2P; "
                   f"output_padding is the number of rows missing to reach {_N6}.",
        _N6: f"{_N6} is the size dL/dX must reach; output_padding is only the rows missing "
             "without it.",
        -_Q6: "the sign is off: output_padding adds rows, N - ((O - 1) * S + F - 2P) of them.",
    }),
    hint=[f"First the forward output size: O = floor((N + 2P - F) / S) + 1 = {_O6}.",
          "The transposed convolution gives (O - 1) * S + F - 2P rows; output_padding is what "
          "is missing to reach N, i.e. (N + 2P - F) mod S."],
    solution=f"({_N6} + 2 * {_P6} - {_F6}) % {_S6}  # = {_Q6}: "
             f"({_O6} - 1) * {_S6} + {_F6} - 2 * {_P6} + {_Q6} = {_N6}",
    solution_answer=_Q6,
)


# --- q7: what the backward pass costs -----------------------------------------------------------

_B7, _N7, _C7, _K7, _F7 = 16, 28, 8, 20, 3  # 20 filters: section 8 has 16
_FORWARD7 = _B7 * conv_mults((_N7, _N7, _C7), _F7, _K7, padding="same")
_Q7 = 2 * _FORWARD7
_SECTION8 = _B7 * conv_mults((_N7, _N7, _C7), _F7, 16, padding="same")  # the lesson's layer

q7 = Exercise(
    f"Conv2D({_K7}, {_F7}, padding='same') on a batch of shape ({_B7}, {_N7}, {_N7}, {_C7}). "
    "How many multiplications does one backward pass take (dL/dK and dL/dX; dL/db needs "
    "none)?",
    checker=number(_Q7, mistakes={
        _FORWARD7: "that is one convolution's worth: the forward pass, or only one of the two "
                   "gradients. The backward pass computes both dL/dK and dL/dX.",
        3 * _FORWARD7: "that is forward plus backward; the question asks for the backward "
                       "pass only.",
        4 * _FORWARD7: "that counts the additions too; count the multiplications only (one "
                       "per kernel weight and output position, for each of the two gradients).",
        _Q7 // _B7: f"that is one image; the batch has {_B7}.",
        _FORWARD7 // _B7: f"that is one convolution of one image; there are {_B7} images and "
                          "two gradients.",
        _Q7 // _K7: f"the filters are missing: every one of the {_K7} filters has its own "
                    "F * F * C_in weights at every output position.",
        _Q7 // _C7: f"the input channels are missing: each filter has F * F * C_in = "
                    f"{_F7 * _F7 * _C7} weights.",
        2 * _SECTION8: f"that is section 8's layer, with 16 filters; this one has {_K7}.",
        _SECTION8: f"that is section 8's forward count (16 filters); this layer has {_K7} "
                   "filters, and the backward pass computes two gradients.",
        2 * _B7 * conv_mults((_N7, _N7, _C7), _F7, _K7): "'same' keeps the output "
        f"{_N7}x{_N7}; that count is for 'valid' ({_N7 - _F7 + 1}x{_N7 - _F7 + 1}).",
        2 * _B7 * conv_mults((_N7 + 2, _N7 + 2, _C7), _F7, _K7, padding="same"): "count the "
        f"output positions, {_N7}x{_N7} with 'same', not the padded input's "
        f"{_N7 + 2}x{_N7 + 2}.",
    }),
    hint=["dL/dK and dL/dX each multiply every kernel weight with every output position, "
          "exactly as many multiplications as the forward pass.",
          f"Forward: B * O * O * C_out * F * F * C_in = {_B7} * {_N7} * {_N7} * {_K7} * "
          f"{_F7} * {_F7} * {_C7}."],
    solution=f"backward = 2 x forward = 2 * {_B7} * {_N7} * {_N7} * {_K7} * {_F7} * {_F7} * "
             f"{_C7} = {_Q7:_}",
    solution_answer=_Q7,
)


# --- q8: a gradient check of your own ----------------------------------------------------------


def gradient_check(forward, backward, x, grad_output):
    """Section 5's check for any layer: the relative error between backward's dL/dx and the
    numerical gradient of L = sum(grad_output * forward(x)), whose dL/dY is grad_output."""
    numerical = numerical_gradient(lambda: np.sum(grad_output * forward(x)), x)
    return relative_error(backward(x, grad_output), numerical)


_Q8_KERNEL = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0], [-1.0, 0.5, 2.0]])


def conv_forward(x):
    return conv2d(x, _Q8_KERNEL)


def conv_backward(x, grad_output):
    return conv2d_backward(x, _Q8_KERNEL, grad_output)[0]


def conv_backward_not_flipped(x, grad_output):  # section 5's classic bug
    return conv2d(np.pad(grad_output, 2), _Q8_KERNEL)


def relu_forward(x):
    return np.maximum(x, 0)


def relu_backward(x, grad_output):
    return grad_output * (x > 0)


def relu_backward_where_negative(x, grad_output):  # a wrong backward pass
    return grad_output * (x < 0)


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


def _q8_inputs(seed):
    """A 6x6 input of distinct values at least 0.1 apart, none near 0 (no ties, no kinks), and
    the upstream gradients of a 4x4 (conv) and a 3x3 (pooling) output."""
    rng = np.random.default_rng(seed)
    x = (rng.permutation(36) - 17.5).reshape(6, 6) / 10
    return x, rng.standard_normal((4, 4)), rng.standard_normal((6, 6)), rng.standard_normal((3, 3))


class _Layer:
    """A layer function shown by its name in feedback (a function's repr holds its address)."""

    def __init__(self, function_):
        self.function, self.__name__ = function_, function_.__name__

    def __call__(self, *args):
        return self.function(*args)

    def __repr__(self) -> str:
        return self.__name__


(conv_forward, conv_backward, conv_backward_not_flipped, relu_forward, relu_backward,
 relu_backward_where_negative, pool_forward, pool_backward, pool_backward_averaged,
 sigmoid_forward, sigmoid_backward) = (_Layer(f) for f in (
    conv_forward, conv_backward, conv_backward_not_flipped, relu_forward, relu_backward,
    relu_backward_where_negative, pool_forward, pool_backward, pool_backward_averaged,
    sigmoid_forward, sigmoid_backward))
_X8, _G8_CONV, _G8_SAME, _G8_POOL = _q8_inputs(8)
_Q8_CASES = [
    (conv_forward, conv_backward, _X8, _G8_CONV),
    (conv_forward, conv_backward_not_flipped, _X8, _G8_CONV),
    (relu_forward, relu_backward, _X8, _G8_SAME),
    (relu_forward, relu_backward_where_negative, _X8, _G8_SAME),
    (pool_forward, pool_backward, _X8, _G8_POOL),
    (pool_forward, pool_backward_averaged, _X8, _G8_POOL),
    (sigmoid_forward, sigmoid_backward, _X8, _G8_SAME),
]


def _check_variant(loss="weighted", copy_x=False, error="norms"):
    """gradient_check as a learner may write it, one step changed."""
    def check(forward, backward, x, grad_output):
        nudged = x.copy() if copy_x else x
        if loss == "weighted":
            numerical = numerical_gradient(lambda: np.sum(grad_output * forward(x)), nudged)
        else:
            numerical = numerical_gradient(lambda: np.sum(forward(x)), nudged)
        analytic = backward(x, grad_output)
        if error == "no denominator":
            return float(np.linalg.norm(analytic - numerical))
        if error == "element-wise":  # CS231n's rel_error: the largest element-wise error
            return float(np.max(np.abs(analytic - numerical)
                                / np.maximum(1e-8, np.abs(analytic) + np.abs(numerical))))
        return relative_error(analytic, numerical)
    return check


q8 = Exercise(
    "Write gradient_check(forward, backward, x, grad_output), section 5's check for any layer: "
    "forward(x) computes the layer's output, backward(x, grad_output) its dL/dx. Build the "
    "loss L = sum(grad_output * forward(x)), whose dL/dY is grad_output; take its numerical "
    "gradient with numerical_gradient(loss_function, x); return the relative error "
    "||a - n|| / (||a|| + ||n||) between backward's answer a and the numerical one n. The "
    "check runs it on seven layers, some with wrong backward passes (each x is float64, "
    "without ties).",
    checker=function(_Q8_CASES, reference=gradient_check, mistakes=[
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
        (_check_variant(error="element-wise"),
         "that is CS231n's element-wise relative error (the largest over the entries); here "
         "the relative error compares whole arrays: np.linalg.norm(a - n) / "
         "(np.linalg.norm(a) + np.linalg.norm(n))."),
    ]),
    hint=["loss_function takes no argument: def loss(): return np.sum(grad_output * "
          "forward(x)). numerical_gradient(loss, x) nudges x in place, so the loss must read "
          "that same x.",
          "a = backward(x, grad_output); n = numerical_gradient(loss, x); return "
          "np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)) (relative_error(a, n) "
          "computes it too)."],
    solution_answer=gradient_check,
)

__all__ = ["Q3_X", "Q3_GRAD", "Q3_KERNEL", "Q5_X", "Q5_GRAD", "my_conv_backward",
           "gradient_check", *bind_exercises(globals())]
