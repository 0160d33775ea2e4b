"""Lesson 01 "Check yourself": one-channel convolution.

Seven exercises, in the order the notebook asks them:

* ``q1`` output size of a 5x5 kernel on a 28x28 image (no padding);
* ``q2`` the output-size formula with stride and padding;
* ``q3`` the output size Keras gives for ``padding="same"`` with stride 2;
* ``q4`` write the loop convolution (cross-correlation) yourself, checked on test cases;
* ``q5`` design a vertical-edge kernel, checked by where its strongest response lands on the
  digit "4";
* ``q6`` true (flipped) convolution of the lesson's 4x4 input with a 2x2 kernel;
* ``q7`` how many input pixels a stride larger than the kernel never uses.

>>> q1.is_correct(q1.solution_answer), q1.is_correct(23)
(True, False)
"""

from __future__ import annotations

import numpy as np

from ..data import DIGIT_FOUR, HORIZONTAL_LINE_KERNEL, LESSON01_KERNEL, LESSON01_X
from ..ops import conv2d
from . import Exercise, array, bind_exercises, function, number, read_array


def _cross_correlate(x, kernel):
    """Valid, stride-1 cross-correlation of two 2-D arrays (the checkers' reference): the
    course's conv2d, which the tests prove equal to ``tf.nn.conv2d``."""
    return conv2d(x, kernel)


# ---------------------------------------------------------------------------------------------
# q1-q3: output sizes
# ---------------------------------------------------------------------------------------------

q1 = Exercise(
    "A 28x28 MNIST digit goes through a 5x5 kernel with stride 1 and no padding. "
    "What is the output size O (one number: the output is O x O)?",
    checker=number(24, mistakes={
        23: "O = N - F + 1, not N - F: count the positions, including the first one.",
        28: "Without padding the output shrinks: the 5x5 window cannot centre on border "
            "pixels.",
        25: "That is N - F + 2; the window fits N - F + 1 times.",
    }),
    hint=["The window starts at column 0 and its last column must stay inside the image.",
          "O = (N - F) / S + 1 with N = 28, F = 5, S = 1."],
    solution="(28 - 5) // 1 + 1 = 24",
    solution_answer=24,
    explanation="A 5x5 kernel trims F - 1 = 4 pixels: 28 -> 24.",
)

q2 = Exercise(
    "Input size N = 7, kernel size F = 3, stride S = 2, padding P = 1. "
    "What is the output size O?",
    checker=number(4, mistakes={
        3: "That is the size without padding: the formula has + 2P inside the bracket.",
        (7 - 3 + 2) / (2 + 1): "That is (N - F + 2P) / (S + 1), the misprint of the source "
                               "post. The + 1 comes after the division: (N - F + 2P) / S + 1.",
        (7 - 3 + 1) // 2 + 1: "Padding adds P zeros on BOTH sides: + 2P, not + P.",
        (7 - 3) / (2 + 1): "That is the source post's misprint (N - F) / (S + 1) without "
                           "padding; the formula is (N - F + 2P) / S + 1.",
        5: "Divide by the stride before adding 1: (7 - 3 + 2) / 2 + 1.",
    }),
    hint=["O = floor((N - F + 2P) / S) + 1.",
          "(7 - 3 + 2 * 1) / 2 + 1 = 6 / 2 + 1."],
    solution="(7 - 3 + 2 * 1) // 2 + 1 = 4",
    solution_answer=4,
)

q3 = Exercise(
    'A Keras layer Conv2D(1, 5, strides=2, padding="same") gets a 28x28x1 input. '
    "What is the output size O?",
    checker=number(14, mistakes={
        12: 'That is padding="valid": (28 - 5) // 2 + 1. With "same" Keras pads so that '
            "O = ceil(N / S).",
        28: '"same" keeps the size only when the stride is 1; here the window moves 2 pixels.',
        13: 'For "same", O = ceil(N / S) = ceil(28 / 2).',
    }),
    hint='With padding="same", TensorFlow pads just enough zeros that O = ceil(N / S).',
    solution="math.ceil(28 / 2) = 14",
    solution_answer=14,
)


# ---------------------------------------------------------------------------------------------
# q4: the loop convolution
# ---------------------------------------------------------------------------------------------


def _corr2d_solution(x, kernel):
    f_h, f_w = kernel.shape
    o_h, o_w = x.shape[0] - f_h + 1, x.shape[1] - f_w + 1
    feature_map = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            window = x[i:i + f_h, j:j + f_w]
            feature_map[i, j] = np.sum(window * kernel)
    return feature_map


_rng = np.random.default_rng(1)
_CORR2D_CASES = [
    (np.array(LESSON01_X), np.array(LESSON01_KERNEL)),
    (np.array(DIGIT_FOUR), np.array(HORIZONTAL_LINE_KERNEL)),
    (_rng.integers(-3, 4, size=(5, 7)), _rng.integers(-2, 3, size=(2, 3))),  # not square
    (_rng.integers(0, 5, size=(3, 3)), _rng.integers(0, 5, size=(3, 3))),    # one window
    (_rng.normal(size=(6, 4)).round(2), _rng.normal(size=(3, 1)).round(2)),  # floats
]

q4 = Exercise(
    "Write corr2d(x, kernel): the stride-1, no-padding convolution (cross-correlation, no "
    "flipping) of a 2-D array x with a 2-D kernel, using two loops. It must work for "
    "kernels that are not square and return an array of shape (H - F_h + 1, W - F_w + 1).",
    checker=function(_CORR2D_CASES, reference=_cross_correlate),
    hint=["Output size per axis: H - F_h + 1 rows and W - F_w + 1 columns.",
          "For output position (i, j) the window is x[i:i + F_h, j:j + F_w]; multiply it "
          "element-wise by the kernel and sum.",
          "Do not flip the kernel: Conv2D computes cross-correlation."],
    solution_answer=_corr2d_solution,
)


# ---------------------------------------------------------------------------------------------
# q5: design a vertical-edge kernel
# ---------------------------------------------------------------------------------------------


def vertical_stroke_zone() -> np.ndarray:
    """Which positions of the 6x6 feature map of DIGIT_FOUR sit on or beside a vertical stroke.

    A 3x3 window at output (i, j) is centred on input pixel (i + 1, j + 1). The zone holds
    the windows whose centre is on one of the digit's two vertical strokes (column 1, rows
    1-4; column 5, rows 1-6) or one column left or right of it: a line detector peaks on
    the stroke, an edge detector next to it. Boolean array of shape (6, 6).

    >>> vertical_stroke_zone().astype(int)
    array([[1, 1, 0, 1, 1, 1],
           [1, 1, 0, 1, 1, 1],
           [1, 1, 0, 1, 1, 1],
           [1, 1, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1]])
    """
    zone = np.zeros((8, 8), dtype=bool)
    zone[1:5, 0:3] = True   # around the left stroke (column 1, rows 1-4)
    zone[1:7, 4:7] = True   # around the right stroke (column 5, rows 1-6)
    return zone[1:7, 1:7]


def _check_vertical_kernel(answer):
    kernel = read_array(answer).astype(float)  # unreadable answers become feedback
    if kernel.shape != (3, 3):
        return f"the kernel should be a 3x3 array; yours has shape {kernel.shape}."
    if not np.all(np.isfinite(kernel)):
        return "the kernel contains NaN or infinite values."
    if not np.isclose(kernel.sum(), 0, atol=1e-6):
        return (f"its weights sum to {kernel.sum():g}, so it also lights up on any flat "
                "bright area. Make them sum to 0, as the horizontal-line kernel's do.")
    feature_map = _cross_correlate(DIGIT_FOUR, kernel)
    strongest = feature_map.max()
    if strongest <= 1e-9:
        return ("on the digit 4 it never gives a positive response; positive weights should "
                "sit where a vertical line is expected.")
    rows, cols = np.nonzero(np.isclose(feature_map, strongest))
    zone = vertical_stroke_zone()
    outside = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if not zone[r, c]]
    if outside:
        r, c = outside[0]
        return (f"its strongest response ({strongest:g}) lands at output ({r}, {c}), centred "
                f"on input pixel ({r + 1}, {c + 1}), which is not on a vertical stroke of the "
                "4 (the horizontal bar, or empty space). Look at how the horizontal-line "
                "kernel is built, and turn it by 90 degrees.")
    on_vertical = _cross_correlate(_VERTICAL_LINE, kernel).max()
    on_horizontal = _cross_correlate(_VERTICAL_LINE.T, kernel).max()
    if on_vertical <= on_horizontal + 1e-9:
        return (f"on a plain vertical line its strongest response is {on_vertical:g}, on a "
                f"plain horizontal line {on_horizontal:g}: a vertical-edge kernel must answer "
                "more strongly to the vertical one.")
    return None


#: A 5x5 probe image with a vertical line down the middle (its transpose is horizontal).
_VERTICAL_LINE = np.zeros((5, 5))
_VERTICAL_LINE[:, 2] = 1


_VERTICAL_SOLUTION = np.array([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]])

q5 = Exercise(
    "Design a 3x3 kernel that finds vertical strokes: its weights sum to 0, its strongest "
    "response on DIGIT_FOUR lands on (or right beside) one of the two vertical strokes, "
    "not on the horizontal bar, and it answers a vertical line more strongly than a "
    "horizontal one.",
    checker=_check_vertical_kernel,
    hint=["HORIZONTAL_LINE_KERNEL has a row of 2s between two rows of -1s.",
          "Put the 2s in a column instead: the transpose of HORIZONTAL_LINE_KERNEL."],
    solution="vertical_kernel = np.array([[-1, 2, -1],\n"
             "                            [-1, 2, -1],\n"
             "                            [-1, 2, -1]])  # = HORIZONTAL_LINE_KERNEL.T\n"
             "# A vertical-edge (Sobel) kernel such as [[1, 0, -1], [2, 0, -2], [1, 0, -1]]\n"
             "# passes too: it peaks just beside the stroke.",
    solution_answer=_VERTICAL_SOLUTION,
)


# ---------------------------------------------------------------------------------------------
# q6: true convolution flips the kernel
# ---------------------------------------------------------------------------------------------

#: The 2x2 kernel of q6 (the lesson flips LESSON01_KERNEL; the exercise flips this one).
Q6_KERNEL = np.array([[1, 2], [0, -1]])
Q6_KERNEL.setflags(write=False)
_TRUE_CONVOLUTION = _cross_correlate(LESSON01_X, np.flip(Q6_KERNEL))

q6 = Exercise(
    "Compute the TRUE (mathematical) convolution of LESSON01_X with the 2x2 kernel Q6_KERNEL "
    "= [[1, 2], [0, -1]]: flip the kernel upside down and left to right, then slide it as "
    "Conv2D does. Give the 3x3 result.",
    checker=array(_TRUE_CONVOLUTION, mistakes=[
        (_cross_correlate(LESSON01_X, Q6_KERNEL),
         "That is the cross-correlation Conv2D computes; the kernel was not flipped."),
        (_cross_correlate(LESSON01_X, Q6_KERNEL[::-1]),
         "You flipped the kernel upside down only; flip it left to right as well."),
        (_cross_correlate(LESSON01_X, Q6_KERNEL[:, ::-1]),
         "You flipped the kernel left to right only; flip it upside down as well."),
    ]),
    hint=["np.flip(kernel) reverses both axes (a 180-degree turn): [[-1, 0], [2, 1]].",
          "Then slide the flipped kernel exactly as before: conv2d(LESSON01_X, "
          "np.flip(Q6_KERNEL))."],
    solution="conv2d(LESSON01_X, np.flip(Q6_KERNEL))  # np.flip(Q6_KERNEL) = [[-1, 0], [2, 1]]\n"
             "# = " + str(_TRUE_CONVOLUTION.astype(int).tolist()),
    solution_answer=_TRUE_CONVOLUTION.astype(int),
)


# ---------------------------------------------------------------------------------------------
# q7: a stride larger than the kernel skips pixels
# ---------------------------------------------------------------------------------------------

q7 = Exercise(
    "A 3x3 kernel slides over a 9x9 input with stride S = 4 and no padding. How many of the "
    "81 input pixels are never inside any window?",
    checker=number(45, mistakes={
        36: "36 pixels ARE used (6 rows x 6 columns); the question asks for the unused ones.",
        0: "With S = 4 > F = 3 the window jumps over a row and a column each time.",
        17: "Unused rows and unused columns overlap: count the used pixels (a square) and "
            "subtract from 81.",
    }),
    hint=["O = (9 - 3) // 4 + 1 = 2 windows per axis, starting at rows 0 and 4.",
          "Used rows: 0-2 and 4-6, six in all; the same for columns. "
          "usage_counts((9, 9), 3, stride=4) shows it."],
    solution="81 - 6 * 6 = 45  # (usage_counts((9, 9), 3, stride=4) == 0).sum()",
    solution_answer=45,
)

__all__ = ["Q6_KERNEL", "vertical_stroke_zone", *bind_exercises(globals())]
