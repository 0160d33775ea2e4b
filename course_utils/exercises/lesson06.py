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
from ..backward import conv2d_backward, pool2d_backward
from ..ops import conv2d, conv2d_transpose, pool2d
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


def _recipe(kernel, grad_output, stride=1, *, turn=np.flip, turn_grad=None, gap=None,
            trailing=False, pad=None, conv_stride=1):
    """my_grad_x as a learner may write it: the lesson's recipe with one step changed.

    turn: what is done to the kernel (np.flip is right); turn_grad: to grad_output (nothing
    is right); gap: how far apart grad_output's values are put (S is right); trailing: zeros
    after the last value too (O * S long); pad: (rows, columns) of zeros all round, from the
    kernel's shape (F - 1 per axis is right); conv_stride: conv2d's stride (1 is right).
    """
    kernel, grad = np.asarray(kernel, float), np.asarray(grad_output, float)
    grad = grad if turn_grad is None else turn_grad(grad)
    gap = stride if gap is None else gap
    (f_h, f_w), (o_h, o_w) = kernel.shape, grad.shape
    extra = gap - 1 if trailing else 0
    dilated = np.zeros(((o_h - 1) * gap + 1 + extra, (o_w - 1) * gap + 1 + extra))
    dilated[::gap, ::gap] = grad
    p_h, p_w = (f_h - 1, f_w - 1) if pad is None else pad(f_h, f_w)
    padded = np.pad(dilated, ((p_h, p_h), (p_w, p_w)))
    return conv2d(padded, turn(kernel), stride=conv_stride)


def _not_flipped(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, turn=np.asarray)


def _gradient_flipped(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, turn=np.asarray, turn_grad=np.flip)


def _kernel_transposed(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, turn=np.transpose)


def _rows_flipped(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, turn=lambda k: k[::-1])


def _columns_flipped(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, turn=lambda k: k[:, ::-1])


def _no_zeros_between(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, gap=1)


def _stride_zeros_between(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, gap=stride + 1)


def _zeros_after_the_last(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, trailing=True)


def _strided_conv2d(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, gap=1, conv_stride=stride)


def _same_padding(kernel, grad_output, stride=1):
    return _recipe(kernel, grad_output, stride, pad=lambda f_h, f_w: (f_h // 2, f_w // 2))


def _transpose_without_output_padding(kernel, grad_output, stride=1):
    kernel, grad_output = np.asarray(kernel, float), np.asarray(grad_output, float)
    return conv2d_transpose(grad_output, kernel, stride=stride)


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
#: The cases whose kernel and gradient are both square: a function right on these only was
#: written for square arrays (one F and one O for both axes).
_Q4_SQUARE_CASES = [case for case in _Q4_CASES
                    if all(a.shape[0] == a.shape[1] for a in case[:2])]

_Q4_NOT_FLIPPED = (
    "the kernel was not flipped: dL/dX slides the kernel turned by 180 degrees "
    "(np.flip(kernel)) over the padded gradient. If you used a true convolution (lesson 01: "
    "scipy.signal.convolve2d flips the kernel itself), np.flip on top flipped it back: use "
    "one flip, not two."
)
_Q4_MISTAKES = [
    (_not_flipped, _Q4_NOT_FLIPPED),
    (_gradient_flipped,
     "you flipped grad_output instead of the kernel: the result is the right dL/dX turned by "
     "180 degrees. Leave grad_output as it is and slide np.flip(kernel) over it."),
    (_kernel_transposed,
     "kernel.T swaps rows and columns (a transpose); the flip turns the kernel by 180 degrees: "
     "np.flip(kernel), i.e. kernel[::-1, ::-1] (lesson 01 tells the two apart)."),
    (_rows_flipped,
     "you flipped the rows only (kernel[::-1] or np.flip(kernel, axis=0)); the flip turns the "
     "kernel by 180 degrees, both axes: np.flip(kernel) without an axis."),
    (_columns_flipped,
     "you flipped the columns only (kernel[:, ::-1] or np.flip(kernel, axis=1)); the flip "
     "turns the kernel by 180 degrees, both axes: np.flip(kernel) without an axis."),
    (_no_zeros_between,
     "with stride S, put S - 1 zeros between neighbouring values of grad_output before "
     "padding (the windows were S apart)."),
    (_stride_zeros_between,
     "that puts S zeros between neighbouring values of grad_output; the windows were S apart, "
     "so there are S - 1 zeros between them: g[::stride, ::stride] = grad_output on an array "
     "of (O - 1) * S + 1 rows."),
    (_zeros_after_the_last,
     "the dilated gradient has (O - 1) * S + 1 rows: S - 1 zeros between values and none "
     "after the last one (an array of O * S rows adds S - 1 rows to dL/dX)."),
    (_strided_conv2d,
     "the stride goes into grad_output as zeros between its values (the transposed "
     "convolution is 'fractionally strided'); conv2d itself slides with stride 1. A stride in "
     "conv2d skips positions and shrinks dL/dX."),
    (_same_padding,
     "pad with F - 1 zeros all round (the 'full' convolution: every position where kernel and "
     "gradient overlap), not F // 2 ('same' padding)."),
    (_transpose_without_output_padding,
     "conv2d_transpose without output_padding follows Keras: when F < S it returns O * S rows "
     "(the gradient of a larger input, whose extra rows no window read). This input had "
     "(O - 1) * S + F rows: pass output_padding=0."),
]
_q4_function = function(_Q4_CASES, reference=_grad_x_reference, mistakes=_Q4_MISTAKES)


def _right_on(answer, cases) -> bool:
    """True when the function ``answer`` gives the reference's array on every case."""
    for case in cases:
        try:
            got = np.asarray(answer(*copy.deepcopy(case)), dtype=float)
            expected = _grad_x_reference(*case)
            if got.shape != expected.shape or not np.allclose(got, expected, atol=1e-6):
                return False
        except Exception:
            return False
    return True


def _check_q4(answer) -> str | None:
    """The function check, plus one mistake it cannot see: a function for square arrays only
    (it raises or gives the wrong shape on a rectangular case, so no wrong function matches)."""
    message = _q4_function(answer)
    if message is None or not callable(answer) or not _right_on(answer, _Q4_SQUARE_CASES):
        return message
    return (
        "your function is right for square kernels and gradients but not for rectangular "
        f"ones ({message.rstrip('.')}). Take every size per axis: f_h, f_w = kernel.shape and "
        "o_h, o_w = grad_output.shape, and pad each axis with its own F - 1: "
        "np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))."
    )


q4 = Exercise(
    "Write my_grad_x(kernel, grad_output, stride=1): dL/dX of a one-channel 'valid' "
    "convolution whose input had (O - 1) * S + F rows and (O - 1) * S + F columns, each axis "
    "with its own O and F (kernels and gradients may be rectangular). Use the "
    "full-convolution view: put S - 1 zeros between neighbouring values of grad_output (none "
    "after the last), pad with F - 1 zeros all round (F_h - 1 rows above and below, F_w - 1 "
    "columns left and right), and slide the flipped kernel with conv2d. The check runs it on "
    "five cases (strides 1, 2 and 3, square and rectangular kernels).",
    checker=_check_q4,
    hint=["Inside my_grad_x, take every size from the arrays, one per axis (the check has "
          "rectangular kernels and gradients): f_h, f_w = kernel.shape and "
          "o_h, o_w = grad_output.shape.",
          "Next lines of my_grad_x, dilate: "
          "g = np.zeros(((o_h - 1) * stride + 1, (o_w - 1) * stride + 1)), then "
          "g[::stride, ::stride] = grad_output puts S - 1 zeros between neighbouring values "
          "and none after the last.",
          "Last line of my_grad_x, pad and slide: "
          "return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), "
          "np.flip(kernel)). np.flip without an axis turns the kernel by 180 degrees "
          "(kernel[::-1, ::-1]); kernel.T is a transpose, not a flip."],
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

_N6, _F6, _S6, _P6 = 11, 3, 4, 1
_O6 = conv_output_size(_N6, _F6, _S6, _P6)
_WITHOUT6 = conv_transpose_output_size(_O6, _F6, _S6, _P6, 0)  # (O - 1) * S + F - 2P
_Q6 = _N6 - _WITHOUT6  # the rows output_padding adds back
assert _Q6 == (_N6 + 2 * _P6 - _F6) % _S6  # the rows left over after the last window
assert conv_transpose_output_size(_O6, _F6, _S6, _P6, _Q6) == _N6
# each wrong rule below gives its own number here, none the answer
assert len({_Q6, 0, _S6 - 1, (_N6 + _P6 - _F6) % _S6, _S6, _N6 + 2 * _P6 - _F6, _WITHOUT6,
            _N6, -_Q6}) == 9
assert (_N6 - _F6) % _S6 == 0

q6 = Exercise(
    f"A Conv2D with a {_F6}x{_F6} kernel, stride {_S6} and padding {_P6} reads a "
    f"{_N6}x{_N6} input. conv2d_transpose(grad_output, kernel, stride={_S6}, padding={_P6}, "
    f"output_padding=?) gives its dL/dX. Which output_padding makes dL/dX {_N6}x{_N6}?",
    checker=number(_Q6, mistakes={
        0: f"with output_padding 0, dL/dX has (O - 1) * S + F - 2P rows, fewer than "
           f"{_N6}: the {_O6} windows, {_S6} apart, never read the last rows of the padded "
           "input, and output_padding adds them back. (If you computed (N - F) mod S: the "
           "windows slide over the padded input, N + 2P rows.)",
        _S6 - 1: "output_padding is not always S - 1: it is the number of rows left over after "
                 "the last window, (N + 2P - F) mod S, which is S - 1 only by chance (as in "
                 "section 3).",
        (_N6 + _P6 - _F6) % _S6: f"padding {_P6} adds {_P6} row at the top AND {_P6} at the "
                                 "bottom: the padded input has N + 2P rows, so the rows left "
                                 "over are (N + 2P - F) mod S.",
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
    solution=f"({_N6} + 2 * {_P6} - {_F6}) mod {_S6} = {_Q6}: "
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

__all__ = ["Q3_X", "Q3_GRAD", "Q3_KERNEL", "Q5_X", "Q5_GRAD", *bind_exercises(globals())]
