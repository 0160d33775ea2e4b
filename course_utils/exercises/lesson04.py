"""Check yourself, lesson 04: 1x1 and transposed convolution.

In the notebook::

    from course_utils.exercises.lesson04 import q1, q2, q3, q4, q5, q6, q7

    answer = ____
    q1.check(answer)

Each exercise's expected answer, and each known wrong answer, is computed here from the
question's own numbers (never typed in); tests/test_exercises_lesson04.py checks the expected
answers against Keras, checks that the wrong answers differ, and lists what a learner may
type (LEARNER_ANSWERS) with the message each must get. The questions use other numbers than
the lesson's worked examples, so no answer is printed in the lesson.
"""

from __future__ import annotations

import numpy as np

from ..arithmetic import (
    conv_mults,
    conv_output_size,
    conv_params,
    conv_transpose_output_size,
)
from ..data import TRANSPOSED_EXAMPLE_X
from ..ops import conv2d, conv2d_transpose
from . import Exercise, array, bind_exercises, number, shape

# --- q1: parameters of a 1x1 convolution -------------------------------------------------------

_Q1 = conv_params(1, 256, 64)

q1 = Exercise(
    "How many parameters (weights and biases) does Conv2D(64, 1) have on a 14x14x256 input?",
    checker=number(_Q1, mistakes={
        conv_params(1, 256, 64, bias=False): "add the 64 biases, one per filter.",
        conv_params(1, 256, 64, bias=False) + 1: "each of the 64 filters has its own bias: "
                                                 "64 biases, not one for the layer.",
        conv_params(1, 256, 64, bias=False) + 256: "the biases belong to the filters (64 of "
                                                   "them), not to the input channels.",
        conv_params(1, 256, 1): "that is one filter; Conv2D(64, 1) has 64 of them.",
        14 * 14 * 256 * 64: "that counts multiplications; parameters do not depend on 14x14.",
        conv_params(1, 256, 64) * 14 * 14: "parameters are shared by all pixels: do not multiply "
                                           "by 14 * 14.",
    }),
    hint="(F * F * C_in + 1) * C_out with F = 1: a 256 -> 64 Dense layer applied at each pixel.",
    solution=f"(1 * 1 * 256 + 1) * 64  # = {_Q1:,}",
    solution_answer=_Q1,
)


# --- q2, q3: another bottleneck width ----------------------------------------------------------

_N, _C_IN, _WIDTH, _C_OUT, _F = 28, 192, 32, 32, 5
_ONE_BY_ONE = conv_mults((_N, _N, _C_IN), 1, _WIDTH, padding="same")  # 28x28x192 -> 32
_FIVE_BY_FIVE = conv_mults((_N, _N, _WIDTH), _F, _C_OUT, padding="same")  # 28x28x32 -> 32
_Q2 = _ONE_BY_ONE + _FIVE_BY_FIVE
_Q2_VALID = _ONE_BY_ONE + conv_mults((_N, _N, _WIDTH), _F, _C_OUT)
_Q3 = conv_params(1, _C_IN, _WIDTH) + conv_params(_F, _WIDTH, _C_OUT)

_SECTION_2_BOTTLENECK = (conv_mults((_N, _N, _C_IN), 1, 16, padding="same")
                         + conv_mults((_N, _N, 16), _F, _C_OUT, padding="same"))

q2 = Exercise(
    "Lesson 04's bottleneck with 32 channels instead of 16: 28x28x192 -> Conv2D(32, 1) -> "
    "Conv2D(32, 5, padding='same'). How many multiplications in total?",
    checker=number(_Q2, mistakes={
        _SECTION_2_BOTTLENECK: "that is section 2's total, with 16 channels in the middle; here "
                               "the 1x1 layer makes 32.",
        conv_mults((_N, _N, _C_IN), 1, 16, padding="same") + _FIVE_BY_FIVE:
            "the 1x1 layer now makes 32 channels, not 16: 28 * 28 * 32 * 192.",
        _ONE_BY_ONE + conv_mults((_N, _N, 16), _F, _C_OUT, padding="same"):
            "the 5x5 layer now reads 32 channels, not 16: 28 * 28 * 32 * 5 * 5 * 32.",
        _Q2_VALID: "you used a 24x24 output for the 5x5 layer; padding='same' keeps 28x28.",
        conv_mults((_N, _N, _C_IN), _F, _C_OUT, padding="same"):
            "that is the 5x5 convolution without the bottleneck.",
        _ONE_BY_ONE: "that is the 1x1 layer only: add the 5x5 layer's count.",
        _FIVE_BY_FIVE: "that is the 5x5 layer only: add the 1x1 layer's count.",
        _ONE_BY_ONE + conv_mults((_N, _N, _C_IN), _F, _C_OUT, padding="same"):
            "the 5x5 layer reads the 32 channels the 1x1 layer makes, not the image's 192: "
            "28 * 28 * 32 * 5 * 5 * 32.",
        _Q3: "that counts parameters (q3); multiplications are per output value: "
             "O * O * C_out * F * F * C_in for each layer.",
    }),
    hint=["Each layer costs O * O * C_out * F * F * C_in; add the two layers.",
          "1x1 layer: 28 * 28 * 32 * 1 * 1 * 192. 5x5 layer: 28 * 28 * 32 * 5 * 5 * 32."],
    solution=f"""\
28 * 28 * 32 * 192 + 28 * 28 * 32 * 5 * 5 * 32
# = {_ONE_BY_ONE:,} + {_FIVE_BY_FIVE:,} = {_Q2:,}""",
    solution_answer=_Q2,
)

q3 = Exercise(
    "How many parameters (weights and biases) do the two layers of q2 have together?",
    checker=number(_Q3, mistakes={
        conv_params(1, _C_IN, _WIDTH, False) + conv_params(_F, _WIDTH, _C_OUT, False):
            "add the biases: 32 for each layer.",
        conv_params(1, _C_IN, 16) + conv_params(_F, 16, _C_OUT):
            "that is section 2's bottleneck, with 16 channels in the middle; here there are 32.",
        conv_params(1, _C_IN, _WIDTH): "that is the 1x1 layer only: add the 5x5 layer's.",
        conv_params(_F, _WIDTH, _C_OUT): "that is the 5x5 layer only: add the 1x1 layer's.",
        conv_params(_F, _C_IN, _C_OUT): "that is the 5x5 layer without the bottleneck.",
        _Q2: "that is the multiplications of q2; parameters do not depend on the 28x28 size.",
        conv_params(1, _C_IN, _WIDTH) + conv_params(_F, _C_IN, _C_OUT):
            "the 5x5 layer's filters are 5 x 5 x 32: it reads the 32 channels of the 1x1 "
            "layer, not the image's 192.",
        _Q3 - _C_OUT: "one layer's 32 biases are missing: each of the two layers has one bias "
                      "per filter, 32 + 32.",
    }),
    hint="(1 * 1 * 192 + 1) * 32 for the 1x1 layer, (5 * 5 * 32 + 1) * 32 for the 5x5 layer.",
    solution=f"""\
(192 + 1) * 32 + (5 * 5 * 32 + 1) * 32
# = {conv_params(1, _C_IN, _WIDTH):,} + {conv_params(_F, _WIDTH, _C_OUT):,} = {_Q3:,}""",
    solution_answer=_Q3,
)


# --- q4: im2col shapes -------------------------------------------------------------------------

_O4 = conv_output_size(28, 5)
_Q4 = (_O4 * _O4, 5 * 5 * 3)

q4 = Exercise(
    "im2col on a 28x28x3 image for a 5x5 kernel (stride 1, 'valid') writes one window per ROW. "
    "What is the shape (rows, columns) of the patch matrix?",
    checker=shape(_Q4, axes=("rows (windows)", "columns (values per window)"), mistakes={
        _Q4[::-1]: "rows and columns are swapped: one row per window, one column per value "
                   "in a window (CS231n's layout has them the other way round).",
        (28 * 28, 75): "only 24 x 24 windows fit without padding, not 28 x 28.",
        (_O4 * _O4, 25): "each window holds 5 x 5 values in each of the 3 channels.",
        (4 * _O4 * _O4, 75): "that is section 4's batch of 4 images; here there is one image.",
        (_O4, _O4, 75): "the patch matrix is 2-D: one row per window, 24 * 24 rows.",
        ((28 - 5) ** 2, 75): "23 x 23 windows: O = N - F + 1, count the first position too.",
    }),
    hint=["Rows: how many 5x5 windows fit (O * O). Columns: how many numbers one window holds.",
          "O = 28 - 5 + 1 = 24; a window holds 5 * 5 * 3 numbers."],
    solution=f"({_O4} * {_O4}, 5 * 5 * 3)  # = {_Q4}",
    solution_answer=_Q4,
)


# --- q5, q6: transposed output sizes -----------------------------------------------------------

_Q5 = conv_transpose_output_size(7, 3, 2, "valid")

q5 = Exercise(
    "Conv2DTranspose with a 3x3 kernel, strides=2, padding='valid' on a 7x7 input: how many "
    "rows does the output have?",
    checker=number(_Q5, mistakes={
        conv_transpose_output_size(7, 3, 2, "same"):
            "that is N * S, what padding='same' gives; 'valid' keeps the F - S extra rows of "
            "the last stamp.",
        conv_transpose_output_size(7, 3, 2, padding=1):
            "that removes 2P = 2 rows, but 'valid' means P = 0: nothing is cropped.",
        conv_transpose_output_size(7, 3, 1, "valid"):
            "that is stride 1; with stride 2 each input row moves the kernel 2 rows down.",
        conv_output_size(7, 3, 2): "that is the convolution's formula; the transposed one "
                                   "enlarges: (N - 1) * S + F.",
        7 * 2 + 3: "the first input row's stamp starts at row 0: (N - 1) * S + F, not N * S + F.",
    }),
    hint="O = (N - 1) * S + F - 2P, with N = 7, S = 2, F = 3, P = 0.",
    solution=f"(7 - 1) * 2 + 3  # = {_Q5}",
    solution_answer=_Q5,
)

_Q6_SIDE = conv_transpose_output_size(7, 3, 2, "same")
_Q6 = (_Q6_SIDE, _Q6_SIDE, 16)

q6 = Exercise(
    "A decoder applies Conv2DTranspose(16, 3, strides=2, padding='same') to a 7x7x32 map. "
    "What is the output shape (height, width, channels)?",
    checker=shape(_Q6, mistakes={
        (_Q5, _Q5, 16): "that is padding='valid'; 'same' gives exactly N * S.",
        (conv_transpose_output_size(7, 3, 2, "same", output_padding=0),) * 2 + (16,):
            "(N - 1) * S + F - 2P with P = 1 is the size with output_padding=0. A stride-2 "
            "'same' convolution brings two sizes back to 7 (section 6 shows 7 and 8 both "
            "going to 4), so the way back is ambiguous; without an output_padding, Keras "
            "picks the larger one, N * S.",
        (7, 7, 16): "that is the input's size; a transposed convolution with strides=2 "
                    "enlarges the map: 'same' gives N * S.",
        (conv_transpose_output_size(7, 3, 1, "valid"),) * 2 + (16,):
            "that is stride 1 with 'valid' padding, (N - 1) + F; here strides=2 and "
            "padding='same' give N * S.",
        (_Q6_SIDE, _Q6_SIDE, 32): "the channels of the output are the layer's 16 filters.",
        (conv_output_size(7, 3, 2, "same"),) * 2 + (16,):
            "that is a convolution with stride 2; the transposed one enlarges.",
    }),
    hint="With padding='same' (and no output_padding), a transposed convolution gives N * S "
         "rows and columns.",
    solution=f"(7 * 2, 7 * 2, 16)  # 'same': N * S = {_Q6_SIDE} per side; 16 filters",
    solution_answer=_Q6,
)


# --- q7: a transposed convolution by hand -------------------------------------------------------

#: The 2x2 input of question 7: the input of lesson 04's transposed-convolution GIF.
TRANSPOSE_X = TRANSPOSED_EXAMPLE_X
#: The 2x2 kernel of question 7. Chosen so that the kernel, its transpose and its flip all
#: differ, and so do the answers they give (tests check it).
TRANSPOSE_KERNEL = np.array([[2, 0], [1, 3]])
TRANSPOSE_KERNEL.setflags(write=False)


def _stamps_overwritten(x, kernel):
    """What a learner gets by writing each stamp over the previous ones instead of adding."""
    f = kernel.shape[0]
    out = np.zeros((x.shape[0] + f - 1, x.shape[1] + f - 1))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i:i + f, j:j + f] = x[i, j] * kernel
    return out


_Q7 = conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL)
#: The answers of the mistakes q7 recognises, with their messages (tests check they all differ).
Q7_MISTAKES = [
    (conv2d_transpose(TRANSPOSE_X, np.flip(TRANSPOSE_KERNEL)),
     "that is the kernel flipped (rotated 180 degrees), which is what sliding it over the "
     "zero-padded input gives (a cross-correlation); instead, let each input value stamp "
     "value * kernel, the kernel as it is, into the output and add the stamps."),
    (conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL.T),
     "you used the kernel transposed; keep it as it is: [[2, 0], [1, 3]]."),
    (conv2d_transpose(TRANSPOSE_X.T, TRANSPOSE_KERNEL),
     "you read the input by columns: input value 2 sits at row 0, column 1, so its stamp "
     "goes one column to the right of the first."),
    (_stamps_overwritten(TRANSPOSE_X, TRANSPOSE_KERNEL),
     "where stamps overlap, add them; each stamp must not overwrite the ones before it."),
    (conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL, stride=2),
     "that is stride 2 (stamps side by side); with stride 1 neighbouring stamps are one "
     "position apart and overlap."),
    (conv2d(TRANSPOSE_X, TRANSPOSE_KERNEL),
     "that is an ordinary convolution: the kernel slides over the input and the 2x2 map "
     "shrinks to 1x1. A transposed convolution enlarges it: each input value stamps value * "
     "kernel into a 3x3 output."),
    (conv2d(TRANSPOSE_X, TRANSPOSE_KERNEL).reshape(()),
     "that is an ordinary convolution (one window, one number); a transposed convolution "
     "enlarges the map: each input value stamps value * kernel into a 3x3 output."),
]


def _centre():
    """The centre value's sum, written out for the hint: input value * kernel entry."""
    terms = [f"{TRANSPOSE_X[i, j]}*{TRANSPOSE_KERNEL[1 - i, 1 - j]}"
             for i in range(2) for j in range(2)]
    return " + ".join(terms)


q7 = Exercise(
    "By hand: the transposed convolution (stride 1, 'valid') of TRANSPOSE_X = [[1, 2], [3, 4]] "
    "with TRANSPOSE_KERNEL = [[2, 0], [1, 3]]. Answer with a 3x3 list of lists.",
    checker=array(_Q7, mistakes=Q7_MISTAKES),
    hint=["Start from a 3x3 grid of zeros. Input value 1 (top-left) adds 1 * kernel to the "
          "top-left 2x2 block; value 2 adds 2 * kernel one column to the right; and so on.",
          f"Where stamps overlap, add them: the centre gets {_centre()}."],
    solution=f"""\
stamped = np.zeros((3, 3))
stamped[0:2, 0:2] += 1 * TRANSPOSE_KERNEL   # input value 1 (row 0, column 0)
stamped[0:2, 1:3] += 2 * TRANSPOSE_KERNEL   # input value 2 (row 0, column 1)
stamped[1:3, 0:2] += 3 * TRANSPOSE_KERNEL   # input value 3 (row 1, column 0)
stamped[1:3, 1:3] += 4 * TRANSPOSE_KERNEL   # input value 4 (row 1, column 1)
answer = stamped.astype(int).tolist()       # {_Q7.astype(int).tolist()}
q7.check(answer)""",
    solution_answer=_Q7.astype(int).tolist(),
)

__all__ = ["TRANSPOSE_X", "TRANSPOSE_KERNEL", "Q7_MISTAKES", *bind_exercises(globals())]
