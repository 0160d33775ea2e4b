"""Check yourself, lesson 06: how a Conv2D layer learns (the backward pass).

In the notebook::

    from course_utils.exercises.lesson06 import Q3_X, Q3_GRAD, Q5_X, Q5_GRAD, q1, q2, ...

    answer = ____
    q1.check(answer)

Each expected answer is computed here from the question's own numbers with the course's
helpers; tests/test_exercises_lesson06.py checks them against TensorFlow's gradients.
"""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_mults, conv_output_size, conv_transpose_output_size
from ..backward import conv2d_backward, pool2d_backward
from ..ops import conv2d, conv2d_transpose
from . import KERNEL_AXES, Exercise, array, bind_exercises, function, number, shape


def _read_only(values) -> np.ndarray:
    array_ = np.array(values)
    array_.setflags(write=False)
    return array_


# --- q1: the shape of dL/dK ---------------------------------------------------------------------

_BATCH, _SIZE, _C_IN, _FILTERS, _F = 32, 28, 3, 16, 5
_Q1 = (_F, _F, _C_IN, _FILTERS)
_O1 = conv_output_size(_SIZE, _F)

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
    }),
    hint=["A gradient always has the shape of what it is the gradient of.",
          "The kernel of Conv2D(filters, F) on C_in channels is (F, F, C_in, filters)."],
    solution=f"dL/dK has the kernel's shape (kh, kw, in, out) = {_Q1}; the batch is summed.",
    solution_answer=_Q1,
)


# --- q2: dL/db ----------------------------------------------------------------------------------

_N2, _F2, _G2 = 7, 3, 0.5
_O2 = conv_output_size(_N2, _F2)
_Q2 = float(conv2d_backward(np.zeros((_N2, _N2)), np.zeros((_F2, _F2)),
                            np.full((_O2, _O2), _G2))[2][0])

q2 = Exercise(
    f"A Conv2D(1, {_F2}) layer ('valid', stride 1) gets a {_N2}x{_N2} input, and every value "
    f"of dL/dY is {_G2}. What is dL/db, the gradient of its bias?",
    checker=number(_Q2, mistakes={
        _G2: f"the bias is added to every output value, so each of the {_O2 * _O2} outputs "
             "passes its dL/dY to it: add them up.",
        _N2 * _N2 * _G2: f"you counted the {_N2 * _N2} input pixels; the bias is added to the "
                         f"outputs, and there are {_O2}x{_O2} of them.",
        _F2 * _F2 * _G2: "that counts the kernel's weights; the bias is added once per output "
                         "value.",
        _O2 * _O2: "add up the values of dL/dY, not how many there are.",
        _O2 * _G2: f"that is one row of outputs; there are {_O2} rows.",
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
    ]),
    hint=["dL/dK[a, b] = sum over output positions (i, j) of dL/dY[i, j] * x[i + a, j + b].",
          "That is the cross-correlation of x with dL/dY: slide the 2x2 Q3_GRAD over the 3x3 "
          "Q3_X, multiply and sum."],
    solution=f"""\
dK[0, 0] = 0*x[0,0] + 2*x[0,1] - 1*x[1,0] + 1*x[1,1], and so on: conv2d(Q3_X, Q3_GRAD)
answer = {_Q3.astype(int).tolist()}""",
    solution_answer=_Q3.astype(int).tolist(),
)


# --- q4: dL/dX as a full convolution ------------------------------------------------------------


def _grad_x_reference(kernel, grad_output, stride=1):
    """dL/dX of a 'valid' convolution whose input was (O - 1) * S + F on each side."""
    kernel, grad_output = np.asarray(kernel, float), np.asarray(grad_output, float)
    return conv2d_transpose(grad_output, kernel, stride=stride, output_padding=0)


def _full_convolution(kernel, grad_output, stride=1, flip=True, zeros_between=True):
    """What a learner's my_grad_x computes, with or without the flip and the dilation."""
    kernel, grad_output = np.asarray(kernel, float), np.asarray(grad_output, float)
    (f_h, f_w), (o_h, o_w) = kernel.shape, grad_output.shape
    step = stride if zeros_between else 1
    dilated = np.zeros(((o_h - 1) * step + 1, (o_w - 1) * step + 1))
    dilated[::step, ::step] = grad_output
    padded = np.pad(dilated, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))
    return conv2d(padded, np.flip(kernel) if flip else kernel)


def _not_flipped(kernel, grad_output, stride=1):
    return _full_convolution(kernel, grad_output, stride, flip=False)


def _no_zeros_between(kernel, grad_output, stride=1):
    return _full_convolution(kernel, grad_output, stride, zeros_between=False)


def my_grad_x(kernel, grad_output, stride=1):
    kernel, grad_output = np.asarray(kernel, float), np.asarray(grad_output, float)
    (f_h, f_w), (o_h, o_w) = kernel.shape, grad_output.shape
    dilated = np.zeros(((o_h - 1) * stride + 1, (o_w - 1) * stride + 1))
    dilated[::stride, ::stride] = grad_output  # S - 1 zeros between the values
    padded = np.pad(dilated, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))  # F - 1 zeros around
    return conv2d(padded, np.flip(kernel))  # slide the flipped kernel


_Q4_CASES = [
    (np.array([[2.0, 0.0, 1.0], [0.0, 1.0, 2.0], [1.0, 0.0, 2.0]]),
     np.array([[1.0, -1.0], [0.5, 2.0]])),
    (np.array([[1.0, -2.0], [3.0, 0.5]]), np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]])),
    (np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]]), np.array([[2.0, -1.0], [1.0, 1.0]]), 2),
    (np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 1.0], [1.0, 1.0, 0.0]]),
     np.arange(9.0).reshape(3, 3) - 4, 2),
    (np.array([[1.0, 1.0], [1.0, -1.0]]), np.array([[3.0, -2.0], [1.0, 4.0]]), 3),
]

q4 = Exercise(
    "Write my_grad_x(kernel, grad_output, stride=1): dL/dX of a one-channel 'valid' "
    "convolution whose input had (O - 1) * S + F rows and columns. Use the full-convolution "
    "view: put S - 1 zeros between the values of grad_output, pad with F - 1 zeros all round, "
    "and slide the flipped kernel with conv2d. The check runs it on five cases (strides 1, 2 "
    "and 3, square and rectangular kernels).",
    checker=function(_Q4_CASES, reference=_grad_x_reference, mistakes=[
        (_not_flipped, "the kernel was not flipped: dL/dX slides the kernel turned by 180 "
                       "degrees (np.flip(kernel)) over the padded gradient."),
        (_no_zeros_between, "with stride S, put S - 1 zeros between neighbouring values of "
                            "grad_output before padding (the windows were S apart)."),
    ]),
    hint=["Dilate: g = np.zeros(((O_h - 1) * S + 1, (O_w - 1) * S + 1)); g[::S, ::S] = "
          "grad_output.",
          "Then np.pad(g, ((F_h - 1, F_h - 1), (F_w - 1, F_w - 1))) and "
          "conv2d(padded, np.flip(kernel))."],
    solution_answer=my_grad_x,
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

_N6, _F6, _S6, _P6 = 9, 3, 3, 1
_O6 = conv_output_size(_N6, _F6, _S6, _P6)
_Q6 = (_N6 + 2 * _P6 - _F6) % _S6
assert conv_transpose_output_size(_O6, _F6, _S6, _P6, _Q6) == _N6

q6 = Exercise(
    f"A Conv2D with a {_F6}x{_F6} kernel, stride {_S6} and padding {_P6} reads a "
    f"{_N6}x{_N6} input. conv2d_transpose(grad_output, kernel, stride={_S6}, padding={_P6}, "
    f"output_padding=?) gives its dL/dX. Which output_padding makes dL/dX {_N6}x{_N6}?",
    checker=number(_Q6, mistakes={
        0: f"then dL/dX has (O - 1) * S + F - 2P = {(_O6 - 1) * _S6 + _F6 - 2 * _P6} rows: "
           f"the {_O6} windows, {_S6} apart, never read the last rows of the padded input, "
           "and output_padding adds them back.",
        1: "one row was left over in the lesson's example; count it here: "
           "(N + 2P - F) mod S rows are left over after the last window.",
        _S6: f"output_padding must be smaller than the stride ({_S6}).",
        _N6 + 2 * _P6 - _F6: "take the remainder: (N + 2P - F) mod S rows are left over after "
                             "the last window.",
    }),
    hint=[f"First the forward output size: O = floor((N + 2P - F) / S) + 1 = {_O6}.",
          "The transposed convolution gives (O - 1) * S + F - 2P rows; output_padding is what "
          "is missing to reach N, i.e. (N + 2P - F) mod S."],
    solution=f"({_N6} + 2 * {_P6} - {_F6}) mod {_S6} = {_Q6}: "
             f"({_O6} - 1) * {_S6} + {_F6} - 2 * {_P6} + {_Q6} = {_N6}",
    solution_answer=_Q6,
)


# --- q7: what the backward pass costs -----------------------------------------------------------

_B7, _N7, _C7, _K7, _F7 = 16, 28, 8, 32, 3
_FORWARD7 = _B7 * conv_mults((_N7, _N7, _C7), _F7, _K7, padding="same")
_Q7 = 2 * _FORWARD7

q7 = Exercise(
    f"Conv2D({_K7}, {_F7}, padding='same') on a batch of shape ({_B7}, {_N7}, {_N7}, {_C7}). "
    "How many multiplications does one backward pass take (dL/dK and dL/dX; dL/db needs "
    "none)?",
    checker=number(_Q7, mistakes={
        _FORWARD7: "that is one convolution's worth: the forward pass, or only one of the two "
                   "gradients. The backward pass computes both dL/dK and dL/dX.",
        3 * _FORWARD7: "that is forward plus backward; the question asks for the backward "
                       "pass only.",
        _Q7 // _B7: f"that is one image; the batch has {_B7}.",
        _FORWARD7 // _B7: f"that is one convolution of one image; there are {_B7} images and "
                          "two gradients.",
    }),
    hint=["dL/dK and dL/dX each multiply every kernel weight with every output position, "
          "exactly as many multiplications as the forward pass.",
          f"Forward: B * O * O * C_out * F * F * C_in = {_B7} * {_N7} * {_N7} * {_K7} * "
          f"{_F7} * {_F7} * {_C7}."],
    solution=f"2 * {_B7} * {_N7} * {_N7} * {_K7} * {_F7} * {_F7} * {_C7} = {_Q7:,}",
    solution_answer=_Q7,
)

__all__ = ["Q3_X", "Q3_GRAD", "Q3_KERNEL", "Q5_X", "Q5_GRAD", *bind_exercises(globals())]
