"""Lesson 01 "Check yourself": one-channel convolution.

Seven exercises, in the order the notebook asks them. Each uses other numbers than the
lesson's worked examples, so the answer is computed, not copied:

* ``q1`` output size of a 5x5 kernel on a 32x32 image (no padding);
* ``q2`` the output-size formula with stride and padding (N = 12, F = 5, S = 2, P = 2);
* ``q3`` the output size Keras gives for ``padding="same"`` with stride 2 on an odd size;
* ``q4`` write the loop convolution (cross-correlation) WITH a stride, checked on test cases
  (the lesson writes it out for stride 1 only);
* ``q5`` design a vertical-stroke kernel, checked by where its strongest response lands on
  the digit "4";
* ``q6`` true (flipped) convolution of ``FLIP_DEMO_X`` with a 2x2 kernel; on that input
  flipping, transposing, turning and mirroring the kernel all give different answers, and
  each mistake has its own message;
* ``q7`` how many input pixels a stride larger than the kernel never uses.

Every mistake table is a list of (wrong answer, message) pairs, so that two mistakes giving
the same value cannot silently hide one of the messages (tests check that they all differ).

>>> q1.is_correct(q1.solution_answer), q1.is_correct(27)
(True, False)
"""

from __future__ import annotations

import numpy as np

from ..data import (
    DIGIT_FOUR,
    FLIP_DEMO_X,
    HORIZONTAL_LINE_KERNEL,
    LESSON01_KERNEL,
    LESSON01_X,
)
from ..ops import conv2d
from . import Exercise, array, bind_exercises, function, number, read_array

# ---------------------------------------------------------------------------------------------
# q1-q3: output sizes
# ---------------------------------------------------------------------------------------------

#: q1's known mistakes: (wrong size, message). N = 32, F = 5.
Q1_MISTAKES = [
    (27, "That is N - F = 32 - 5. The window fits N - F + 1 times: count the first "
         "position too."),
    (32, "Without padding the output shrinks: a 5x5 window cannot be centred on the two "
         "outermost rows and columns."),
    (29, "That is N - F + 2; the window fits N - F + 1 times."),
    (30, "That trims F // 2 = 2 pixels on one side only; without padding the output loses "
         "F // 2 on EACH side, F - 1 = 4 in all."),
    (24, "That is the lesson's MNIST case, 28 - 5 + 1; here the input is 32x32."),
]

q1 = Exercise(
    "A 32x32 image (the size of a CIFAR-10 photo) goes through a 5x5 kernel with stride 1 "
    "and no padding. What is the output size O (one number: the output is O x O)?",
    checker=number(28, mistakes=Q1_MISTAKES),
    hint=["The window starts at column 0 and its last column must stay inside the image.",
          "O = (N - F) / S + 1 with N = 32, F = 5, S = 1."],
    solution="(32 - 5) // 1 + 1  # = 28",
    solution_answer=28,
    explanation="A 5x5 kernel trims F - 1 = 4 pixels: 32 -> 28.",
)

#: q2's known mistakes. N = 12, F = 5, S = 2, P = 2: the right answer is 6.
Q2_MISTAKES = [
    (4, "(12 - 5) // 2 + 1 = 4 is the size WITHOUT padding: the formula adds 2P inside the "
        "bracket."),
    (5, "5 comes from counting the padding on one side only (+ P instead of + 2P), or from "
        "leaving out the final + 1. O = floor((N - F + 2P) / S) + 1."),
    ((12 - 5 + 4) / (2 + 1), "That is (N - F + 2P) / (S + 1), the misprint of the source "
                             "post. The + 1 comes after the division: (N - F + 2P) / S + 1."),
    (3.67, "That is (N - F + 2P) / (S + 1), the misprint of the source post. The + 1 comes "
           "after the division: (N - F + 2P) / S + 1."),
    ((12 - 5) / (2 + 1), "That is the source post's misprint (N - F) / (S + 1), without the "
                         "padding too; the formula is floor((N - F + 2P) / S) + 1."),
    (2.33, "That is the source post's misprint (N - F) / (S + 1), without the padding too; "
           "the formula is floor((N - F + 2P) / S) + 1."),
    (6.5, "(12 - 5 + 4) / 2 = 5.5 is not whole: round it DOWN (floor) before adding 1. The "
          "last window must fit inside the padded input."),
    (5.5, "That is (N - F + 2P) / S without the floor and without the + 1: round 5.5 down, "
          "then add 1 for the first position."),
    (7, "You rounded (12 - 5 + 4) / 2 = 5.5 up. Round it down: a window that would stick out "
        "of the padded input is never used."),
    (12, "12 is the size with stride 1 (P = 2 keeps a 5x5 kernel's output at N). With "
         "S = 2 the window moves two pixels at a time: divide by S."),
]

q2 = Exercise(
    "Input size N = 12, kernel size F = 5, stride S = 2, padding P = 2. "
    "What is the output size O?",
    checker=number(6, mistakes=Q2_MISTAKES),
    hint=["O = floor((N - F + 2P) / S) + 1.",
          "(12 - 5 + 2 * 2) / 2 = 5.5; round down, then add 1."],
    solution="(12 - 5 + 2 * 2) // 2 + 1  # = 5 + 1 = 6",
    solution_answer=6,
)

#: q3's known mistakes. Conv2D(1, 5, strides=2, padding="same") on 27x27: ceil(27 / 2) = 14.
Q3_MISTAKES = [
    (12, 'That is padding="valid": (27 - 5) // 2 + 1. With "same" Keras pads so that '
         "O = ceil(N / S)."),
    (13, 'For "same", O = ceil(N / S): round 27 / 2 UP. The padding lets a last window '
         "cover the last row, so no row is dropped."),
    (13.5, "27 / 2 = 13.5, but a size is whole: Keras rounds UP, O = ceil(N / S)."),
    (27, '"same" keeps the size only when the stride is 1; here the window moves 2 pixels.'),
    (11, 'That is (27 - 5) // 2 without the + 1, and "valid"; with "same", O = ceil(N / S).'),
]

q3 = Exercise(
    'A Keras layer Conv2D(1, 5, strides=2, padding="same") gets a 27x27x1 input. '
    "What is the output size O?",
    checker=number(14, mistakes=Q3_MISTAKES),
    hint=['With padding="same", TensorFlow pads just enough zeros that O = ceil(N / S).',
          "ceil(27 / 2): 27 / 2 = 13.5, rounded up. In Python: -(-27 // 2) or "
          "math.ceil(27 / 2)."],
    solution="-(-27 // 2)  # = ceil(27 / 2) = 14",
    solution_answer=14,
)


# ---------------------------------------------------------------------------------------------
# q4: the loop convolution, with a stride
# ---------------------------------------------------------------------------------------------


def strided_corr2d(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h = (x.shape[0] - f_h) // stride + 1
    o_w = (x.shape[1] - f_w) // stride + 1
    feature_map = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            top, left = i * stride, j * stride        # where this window starts
            window = x[top:top + f_h, left:left + f_w]
            feature_map[i, j] = np.sum(window * kernel)
    return feature_map


def _reference(x, kernel, stride):
    """The course's conv2d (the tests prove it equal to tf.nn.conv2d)."""
    return conv2d(x, kernel, stride=stride)


def _ignores_stride(x, kernel, stride):
    return conv2d(x, kernel)


def _windows_not_strided(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_w) // stride + 1
    return conv2d(x, kernel)[:o_h, :o_w]


def _no_plus_one(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride, (x.shape[1] - f_w) // stride
    return conv2d(x, kernel, stride=stride)[:o_h, :o_w]


def _flipped(x, kernel, stride):
    return conv2d(x, np.flip(kernel), stride=stride)


_rng = np.random.default_rng(1)
_STRIDED_CASES = [
    (np.array(LESSON01_X), np.array(LESSON01_KERNEL), 1),                   # the 4x4 example
    (np.array(DIGIT_FOUR), np.array(HORIZONTAL_LINE_KERNEL), 2),
    (_rng.integers(-3, 4, size=(7, 9)), _rng.integers(-2, 3, size=(2, 3)), 2),  # not square
    (_rng.integers(0, 5, size=(8, 8)), _rng.integers(-2, 3, size=(3, 3)), 3),   # 5 / 3: floor
    (_rng.normal(size=(6, 5)).round(2), _rng.normal(size=(3, 1)).round(2), 1),  # floats
]

_check_cases = function(_STRIDED_CASES, reference=_reference, mistakes=[
    (_ignores_stride, "your function ignores the stride: it returns the stride-1 feature "
                      "map. With stride S the output has (H - F_h) // S + 1 rows."),
    (_windows_not_strided, "the output size is right, but the windows are not: the window "
                           "for output (i, j) starts at row i * S and column j * S, not at "
                           "(i, j)."),
    (_no_plus_one, "the output has one row and one column too few: O = (H - F_h) // S "
                   "+ 1, count the first position too."),
    (_flipped, "you flipped the kernel: Conv2D slides it as it is (cross-correlation)."),
])


def _check_strided(answer):
    message = _check_cases(answer)
    if message and "could not be broadcast" in message:
        message = message.rstrip(".") + (". That case's kernel is not square: take both "
                                         "sizes from the kernel, f_h, f_w = kernel.shape.")
    return message


q4 = Exercise(
    "Write strided_corr2d(x, kernel, stride): the no-padding convolution (cross-correlation, "
    "no flipping) of a 2-D array x with a 2-D kernel, the window moving `stride` pixels at a "
    "time, using two loops. It must work for kernels that are not square and return an array "
    "of shape ((H - F_h) // S + 1, (W - F_w) // S + 1).",
    checker=_check_strided,
    hint=["Output size per axis: (H - F_h) // S + 1 rows and (W - F_w) // S + 1 columns.",
          "For output position (i, j) the window is x[i * S:i * S + F_h, j * S:j * S + F_w]; "
          "multiply it element-wise by the kernel and sum.",
          "Start from corr2d of section 2: only the output size and where each window starts "
          "change."],
    solution_answer=strided_corr2d,
)


# ---------------------------------------------------------------------------------------------
# q5: design a vertical-stroke kernel
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


#: A 5x5 probe image with a vertical line down the middle (its transpose is horizontal).
_VERTICAL_LINE = np.zeros((5, 5))
_VERTICAL_LINE[:, 2] = 1


def _check_vertical_kernel(answer):
    kernel = read_array(answer).astype(float)  # unreadable answers become feedback
    if kernel.shape != (3, 3):
        return f"the kernel should be a 3x3 array; yours has shape {kernel.shape}."
    if not np.all(np.isfinite(kernel)):
        return "the kernel contains NaN or infinite values."
    if not np.isclose(kernel.sum(), 0, atol=1e-6):
        return (f"its weights sum to {kernel.sum():g}, so it also lights up on any flat "
                "bright area. Make them sum to 0, as the horizontal-line kernel's do.")
    on_the_line = conv2d(_VERTICAL_LINE, kernel)[1, 1]  # the window centred on the line
    if on_the_line < -1e-9:
        return (f"centred on a vertical line its response is {on_the_line:g}, below zero: it "
                "answers a dark line between bright ones (are the signs swapped?). Put the "
                "positive weights where the stroke is.")
    feature_map = conv2d(DIGIT_FOUR, kernel)
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
    on_vertical = conv2d(_VERTICAL_LINE, kernel).max()
    on_horizontal = conv2d(_VERTICAL_LINE.T, kernel).max()
    if on_vertical <= on_horizontal + 1e-9:
        same = (" (a diagonal kernel answers both alike)"
                if np.isclose(on_vertical, on_horizontal) else "")
        return (f"on a plain vertical line its strongest response is {on_vertical:g}, on a "
                f"plain horizontal line {on_horizontal:g}{same}: a vertical-stroke kernel "
                "must answer more strongly to the vertical one.")
    return None


_VERTICAL_SOLUTION = np.array([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]])

q5 = Exercise(
    "Design a 3x3 kernel that finds vertical strokes: its weights sum to 0, its strongest "
    "response on DIGIT_FOUR lands on (or right beside) one of the two vertical strokes, "
    "not on the horizontal bar, and it answers a vertical line more strongly than a "
    "horizontal one.",
    checker=_check_vertical_kernel,
    hint=["HORIZONTAL_LINE_KERNEL has a row of 2s between two rows of -1s.",
          "Put the 2s in a column instead: the transpose of HORIZONTAL_LINE_KERNEL."],
    solution="np.array([[-1, 2, -1],\n"
             "          [-1, 2, -1],\n"
             "          [-1, 2, -1]])  # = HORIZONTAL_LINE_KERNEL.T\n"
             "# A vertical-edge (Sobel) kernel such as [[1, 0, -1], [2, 0, -2], [1, 0, -1]]\n"
             "# passes too: it peaks just beside the stroke.",
    solution_answer=_VERTICAL_SOLUTION,
)


# ---------------------------------------------------------------------------------------------
# q6: true convolution flips the kernel
# ---------------------------------------------------------------------------------------------

#: The 2x2 kernel of q6 (the lesson flips LESSON01_KERNEL; the exercise flips this one). Its
#: four weights differ, so every way of turning or mirroring it gives another kernel.
Q6_KERNEL = np.array([[1, 2], [0, -1]])
Q6_KERNEL.setflags(write=False)

_TRUE_CONVOLUTION = conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL))

#: What q6's predictable mistakes compute: (name, the wrong answer, message). On FLIP_DEMO_X
#: all of them, and the right answer, differ pairwise (tests/test_exercises_lesson01.py).
Q6_MISTAKES = [
    ("not flipped", conv2d(FLIP_DEMO_X, Q6_KERNEL),
     "That is the cross-correlation Conv2D computes: the kernel was not flipped."),
    ("transposed", conv2d(FLIP_DEMO_X, Q6_KERNEL.T),
     "You transposed the kernel (mirrored it across its main diagonal). True convolution "
     "turns it by 180 degrees: np.flip(kernel) reverses BOTH axes."),
    ("turned 90 degrees left", conv2d(FLIP_DEMO_X, np.rot90(Q6_KERNEL)),
     "You turned the kernel a quarter turn (np.rot90 turns 90 degrees). True convolution "
     "turns it a half turn: np.flip(kernel), the same as np.rot90(kernel, 2)."),
    ("turned 90 degrees right", conv2d(FLIP_DEMO_X, np.rot90(Q6_KERNEL, -1)),
     "You turned the kernel a quarter turn clockwise. True convolution turns it a half "
     "turn: np.flip(kernel), the same as np.rot90(kernel, 2)."),
    ("upside down only", conv2d(FLIP_DEMO_X, Q6_KERNEL[::-1]),
     "You flipped the kernel upside down only; flip it left to right as well."),
    ("left to right only", conv2d(FLIP_DEMO_X, Q6_KERNEL[:, ::-1]),
     "You flipped the kernel left to right only; flip it upside down as well."),
    ("mirrored across the other diagonal", conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL).T),
     "You flipped AND transposed the kernel, which mirrors it across its other diagonal. "
     "Flipping alone is the 180-degree turn: np.flip(kernel)."),
    ("result flipped", np.flip(conv2d(FLIP_DEMO_X, Q6_KERNEL)),
     "You flipped the result of the cross-correlation; flip the kernel BEFORE sliding it."),
    ("input flipped", conv2d(np.flip(FLIP_DEMO_X), Q6_KERNEL),
     "You flipped the input instead of the kernel; that gives the true convolution turned "
     "by 180 degrees. Flip the kernel, keep the input as it is."),
    ("LESSON01_X", conv2d(LESSON01_X, np.flip(Q6_KERNEL)),
     "That is the true convolution of LESSON01_X; this question uses FLIP_DEMO_X."),
]

q6 = Exercise(
    "Compute the TRUE (mathematical) convolution of FLIP_DEMO_X with the 2x2 kernel Q6_KERNEL "
    "= [[1, 2], [0, -1]]: flip the kernel upside down and left to right, then slide it as "
    "Conv2D does. Give the 3x3 result.",
    checker=array(_TRUE_CONVOLUTION,
                  mistakes=[(wrong, message) for _, wrong, message in Q6_MISTAKES]),
    hint=["np.flip(kernel) reverses both axes (a 180-degree turn): [[-1, 0], [2, 1]]. It is "
          "not the transpose Q6_KERNEL.T = [[1, 0], [2, -1]].",
          "Then slide the flipped kernel exactly as before: conv2d(FLIP_DEMO_X, "
          "np.flip(Q6_KERNEL))."],
    solution="conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL))  # np.flip(Q6_KERNEL) = [[-1, 0], [2, 1]]",
    solution_answer=_TRUE_CONVOLUTION.astype(int),
)


# ---------------------------------------------------------------------------------------------
# q7: a stride larger than the kernel skips pixels
# ---------------------------------------------------------------------------------------------

#: q7's known mistakes. 9x9 input, F = 3, S = 4: windows start at 0 and 4 on each axis, so
#: rows and columns 0-2 and 4-6 are used (6 x 6 = 36 pixels) and 81 - 36 = 45 are not.
Q7_MISTAKES = [
    (36, "36 pixels ARE used (6 rows x 6 columns); the question asks for the unused ones."),
    (0, "With S = 4 > F = 3 the window jumps over a row and a column each time."),
    (27, "27 = 3 unused rows x 9: the unused COLUMNS of the used rows are never read either."),
    (54, "Rows and columns counted separately (27 + 27) count the 9 pixels where an unused "
         "row crosses an unused column twice. Count the used pixels (a square) and subtract "
         "from 81."),
    (9, "9 pixels sit where an unused row crosses an unused column; every other pixel of an "
        "unused row or column is unused too."),
    (2, "2 is the number of windows per axis, (9 - 3) // 4 + 1; the question asks for "
        "pixels."),
    (4, "4 is the number of windows (2 x 2); the question asks for the pixels none of them "
        "covers."),
]

q7 = Exercise(
    "A 3x3 kernel slides over a 9x9 input with stride S = 4 and no padding. How many of the "
    "81 input pixels are never inside any window?",
    checker=number(45, mistakes=Q7_MISTAKES),
    hint=["O = (9 - 3) // 4 + 1 = 2 windows per axis, starting at rows 0 and 4.",
          "Used rows: 0-2 and 4-6, six in all; the same for columns. "
          "usage_counts((9, 9), 3, stride=4) shows it."],
    solution="(usage_counts((9, 9), 3, stride=4) == 0).sum()  # = 81 - 6 * 6 = 45",
    solution_answer=45,
)

__all__ = ["Q6_KERNEL", "vertical_stroke_zone", *bind_exercises(globals())]
