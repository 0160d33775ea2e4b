"""Check yourself, lesson 04: 1x1 and transposed convolution.

In the notebook::

    from course_utils.exercises.lesson04 import q1, q2, q3, q4, q5, q6, q7

    answer = ____
    q1.check(answer)

Each exercise's expected answer is computed here from the question's own numbers (never
typed in); tests/test_exercises_lesson04.py checks these against Keras.
"""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_mults, conv_params
from ..data import TRANSPOSED_EXAMPLE_X
from ..ops import conv2d_transpose
from . import Exercise, array, bind_exercises, number, shape

# --- q1: parameters of a 1x1 convolution -------------------------------------------------------

_Q1 = conv_params(1, 256, 64)

q1 = Exercise(
    "How many parameters (weights and biases) does Conv2D(64, 1) have on a 14x14x256 input?",
    checker=number(_Q1, mistakes={
        conv_params(1, 256, 64, bias=False): "add the 64 biases, one per filter.",
        14 * 14 * 256 * 64: "that counts multiplications; parameters do not depend on 14x14.",
        conv_params(1, 256, 64) * 14 * 14: "parameters are shared by all pixels: do not multiply "
                                       "by 14 * 14.",
    }),
    hint="(F * F * C_in + 1) * C_out with F = 1: a 256 -> 64 Dense layer applied at each pixel.",
    solution=f"(1 * 1 * 256 + 1) * 64 = {_Q1}",
    solution_answer=_Q1,
)


# --- q2, q3: another bottleneck width ----------------------------------------------------------

_N, _C_IN, _WIDTH, _C_OUT, _F = 28, 192, 32, 32, 5
_ONE_BY_ONE = conv_mults((_N, _N, _C_IN), 1, _WIDTH, padding="same")  # 28x28x192 -> 32
_FIVE_BY_FIVE = conv_mults((_N, _N, _WIDTH), _F, _C_OUT, padding="same")  # 28x28x32 -> 32
_Q2 = _ONE_BY_ONE + _FIVE_BY_FIVE
_Q2_VALID = _ONE_BY_ONE + conv_mults((_N, _N, _WIDTH), _F, _C_OUT)
_Q3 = conv_params(1, _C_IN, _WIDTH) + conv_params(_F, _WIDTH, _C_OUT)

q2 = Exercise(
    "Lesson 04's bottleneck with 32 channels instead of 16: 28x28x192 -> Conv2D(32, 1) -> "
    "Conv2D(32, 5, padding='same'). How many multiplications in total?",
    checker=number(_Q2, mistakes={
        _Q2_VALID: "you used a 24x24 output for the 5x5 layer; padding='same' keeps 28x28.",
        conv_mults((_N, _N, _C_IN), _F, _C_OUT, padding="same"):
            "that is the 5x5 convolution without the bottleneck.",
        _ONE_BY_ONE: "that is the 1x1 layer only: add the 5x5 layer's count.",
        _FIVE_BY_FIVE: "that is the 5x5 layer only: add the 1x1 layer's count.",
    }),
    hint=["Each layer costs O * O * C_out * F * F * C_in; add the two layers.",
          "1x1 layer: 28 * 28 * 32 * 1 * 1 * 192. 5x5 layer: 28 * 28 * 32 * 5 * 5 * 32."],
    solution=f"""\
28 * 28 * 32 * 192 + 28 * 28 * 32 * 5 * 5 * 32
= {_ONE_BY_ONE:,} + {_FIVE_BY_FIVE:,} = {_Q2:,}""",
    solution_answer=_Q2,
)

q3 = Exercise(
    "How many parameters (weights and biases) do the two layers of q2 have together?",
    checker=number(_Q3, mistakes={
        conv_params(1, _C_IN, _WIDTH, False) + conv_params(_F, _WIDTH, _C_OUT, False):
            "add the biases: 32 for each layer.",
        _Q2: "that is the multiplications of q2; parameters do not depend on the 28x28 size.",
    }),
    hint="(1 * 1 * 192 + 1) * 32 for the 1x1 layer, (5 * 5 * 32 + 1) * 32 for the 5x5 layer.",
    solution=f"""\
(192 + 1) * 32 + (5 * 5 * 32 + 1) * 32 = {conv_params(1, _C_IN, _WIDTH):,} + \
{conv_params(_F, _WIDTH, _C_OUT):,} = {_Q3:,}""",
    solution_answer=_Q3,
)


# --- q4: im2col shapes -------------------------------------------------------------------------

_O4 = 28 - 5 + 1
_Q4 = (_O4 * _O4, 5 * 5 * 3)

q4 = Exercise(
    "im2col on a 28x28x3 image for a 5x5 kernel (stride 1, 'valid') writes one window per ROW. "
    "What is the shape (rows, columns) of the patch matrix?",
    checker=shape(_Q4, mistakes={
        _Q4[::-1]: "rows and columns are swapped: one row per window, one column per value "
                   "in a window.",
        (28 * 28, 75): "only 24 x 24 windows fit without padding, not 28 x 28.",
        (576, 25): "each window holds 5 x 5 values in each of the 3 channels.",
    }),
    hint=["Rows: how many 5x5 windows fit (O * O). Columns: how many numbers one window holds.",
          "O = 28 - 5 + 1 = 24; a window holds 5 * 5 * 3 numbers."],
    solution=f"({_O4} * {_O4}, 5 * 5 * 3) = {_Q4}",
    solution_answer=_Q4,
)


# --- q5, q6: transposed output sizes -----------------------------------------------------------

_Q5 = (7 - 1) * 2 + 3

q5 = Exercise(
    "Conv2DTranspose with a 3x3 kernel, strides=2, padding='valid' on a 7x7 input: how many "
    "rows does the output have?",
    checker=number(_Q5, mistakes={
        14: "that is N * S, what padding='same' gives; 'valid' keeps the F - S extra rows.",
        13: "that removes 2P = 2 rows, but 'valid' means P = 0.",
        9: "that is stride 1; with stride 2 each input row moves the kernel 2 rows down.",
        3: "that is the convolution's formula; the transposed one goes the other way.",
    }),
    hint="O = (N - 1) * S + F - 2P, with N = 7, S = 2, F = 3, P = 0.",
    solution=f"(7 - 1) * 2 + 3 = {_Q5}",
    solution_answer=_Q5,
)

_Q6 = (7 * 2, 7 * 2, 16)

q6 = Exercise(
    "A decoder applies Conv2DTranspose(16, 3, strides=2, padding='same') to a 7x7x32 map. "
    "What is the output shape (height, width, channels)?",
    checker=shape(_Q6, mistakes={
        (15, 15, 16): "that is padding='valid'; 'same' gives exactly N * S.",
        (14, 14, 32): "the channels of the output are the layer's 16 filters.",
        (4, 4, 16): "that is a convolution with stride 2; the transposed one enlarges.",
    }),
    hint="With padding='same', a transposed convolution gives N * S rows and columns.",
    solution=f"7 * 2 = 14 per side, 16 filters: {_Q6}",
    solution_answer=_Q6,
)


# --- q7: a transposed convolution by hand -------------------------------------------------------

#: The 2x2 input of question 7: the input of lesson 04's transposed-convolution GIF.
TRANSPOSE_X = TRANSPOSED_EXAMPLE_X
#: The 2x2 kernel of question 7.
TRANSPOSE_KERNEL = np.array([[1, 0], [2, 1]])
TRANSPOSE_KERNEL.setflags(write=False)


def _correlate_full(x, kernel):
    """What a learner gets by sliding the (unflipped) kernel over x padded with F - 1 zeros."""
    f = kernel.shape[0]
    padded = np.pad(x, f - 1)
    o = padded.shape[0] - f + 1
    return np.array([[np.sum(padded[i:i + f, j:j + f] * kernel) for j in range(o)]
                     for i in range(o)])


_Q7 = conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL)

q7 = Exercise(
    "By hand: the transposed convolution (stride 1, 'valid') of TRANSPOSE_X = [[1, 2], [3, 4]] "
    "with TRANSPOSE_KERNEL = [[1, 0], [2, 1]]. Answer with a 3x3 list of lists.",
    checker=array(_Q7, mistakes=[
        (_correlate_full(TRANSPOSE_X, TRANSPOSE_KERNEL),
         "you slid the kernel over the zero-padded input without flipping it; instead, let "
         "each input value stamp value * kernel into the output and add the stamps."),
        (conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL.T),
         "you used the kernel transposed; keep it as it is: [[1, 0], [2, 1]]."),
    ]),
    hint=["Start from a 3x3 grid of zeros. Input value 1 (top-left) adds 1 * kernel to the "
          "top-left 2x2 block; value 2 adds 2 * kernel one column to the right; and so on.",
          "Where stamps overlap, add them: the centre gets 1*1 + 2*2 + 3*0 + 4*1."],
    solution=f"""\
out = zeros((3, 3))
out[0:2, 0:2] += 1 * kernel;  out[0:2, 1:3] += 2 * kernel
out[1:3, 0:2] += 3 * kernel;  out[1:3, 1:3] += 4 * kernel
answer = {_Q7.astype(int).tolist()}""",
    solution_answer=_Q7.astype(int).tolist(),
)

__all__ = ["TRANSPOSE_X", "TRANSPOSE_KERNEL", *bind_exercises(globals())]
