"""Lesson 00 "How the exercises work": two practice questions.

Lesson 00 checks the setup; its section 5 shows how every later lesson's "Check yourself"
questions work, on two small questions about its section 2. q1 asks for a number: the kernel of
that section transposed (``kernel.T``) on one 3x3 window of the 5x5 input. q2 asks for a
function, as most later questions do: ``window_value(x, kernel, row, col)``, one window's sum of
products. The notebook types a wrong answer to each on purpose, so that the learner sees what
feedback looks like (for q2, how to rerun a failing case) before lesson 01.

``WINDOW`` is that window of section 2's input (``np.random.default_rng(seed=0).integers(0,
10, size=(5, 5))``, rows 0-2 and columns 1-3; tests/test_exercises_lesson00.py checks it
against the same draw), and ``SECTION2_KERNEL`` is section 2's kernel. The window is chosen so
that the answer is printed nowhere in the lesson (tests/test_exercises_lesson00.py checks the
lesson's feature map). The expected answer and every known wrong answer are computed from them.

>>> q1.is_correct(q1.solution_answer), q1.is_correct(6)
(True, False)
"""

from __future__ import annotations

import numpy as np

from . import Exercise, bind_exercises, function, number

#: Where q1's window starts in section 2's 5x5 input: x[0:3, 1:4].
WINDOW_ROW, WINDOW_COL = 0, 1

#: The 3x3 window of lesson 00's 5x5 input (section 2) at row 0, column 1.
WINDOW = np.array([[6, 5, 2],
                   [0, 0, 1],
                   [9, 5, 6]])
WINDOW.setflags(write=False)

#: The top-left window, x[0:3, 0:3], which a learner may take by mistake.
TOP_LEFT_WINDOW = np.array([[8, 6, 5],
                            [0, 0, 0],
                            [6, 9, 5]])
TOP_LEFT_WINDOW.setflags(write=False)

#: The window that section 2's last cell takes apart and section 4's figure outlines, x[1:4, 2:5],
#: and the one above it, x[0:3, 2:5]: both start at column 2, one right of q1's window.
OUTLINED_WINDOW = np.array([[0, 1, 8],
                            [5, 6, 9],
                            [5, 5, 9]])
OUTLINED_WINDOW.setflags(write=False)
ABOVE_OUTLINED_WINDOW = np.array([[5, 2, 3],
                                  [0, 1, 8],
                                  [5, 6, 9]])
ABOVE_OUTLINED_WINDOW.setflags(write=False)

#: Section 2's kernel, which responds to left-to-right changes; q1 transposes it.
SECTION2_KERNEL = np.array([[1, 0, -1],
                            [1, 0, -1],
                            [1, 0, -1]])
SECTION2_KERNEL.setflags(write=False)

_TRANSPOSED = SECTION2_KERNEL.T                   # [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]
_Q1 = int(np.sum(WINDOW * _TRANSPOSED))
_TOP, _BOTTOM = int(WINDOW[0].sum()), int(WINDOW[2].sum())
_TOP_SUM = " + ".join(map(str, WINDOW[0].tolist()))           # "6 + 5 + 2"
_BOTTOM_SUM = " + ".join(map(str, WINDOW[2].tolist()))
_SLICE = f"x[{WINDOW_ROW}:{WINDOW_ROW + 3}, {WINDOW_COL}:{WINDOW_COL + 3}]"   # "x[0:3, 1:4]"

# kernel.T on the outlined window, and kernel or kernel.T on the one above it, all give one value
_COLUMN_2 = {int(np.sum(OUTLINED_WINDOW * _TRANSPOSED)),
             int(np.sum(ABOVE_OUTLINED_WINDOW * SECTION2_KERNEL)),
             int(np.sum(ABOVE_OUTLINED_WINDOW * _TRANSPOSED))}
assert len(_COLUMN_2) == 1
_MATRIX_PRODUCT = int(np.sum(_TRANSPOSED @ WINDOW))        # @ instead of *: 0 on any window
_WINDOW_MATRIX_PRODUCT = int(np.sum(WINDOW @ _TRANSPOSED))  # the other order: 18 here

#: q1's known mistakes: (wrong value, message). Each value is what that way of computing gives,
#: and each message says only what the value shows.
Q1_MISTAKES = [
    (int(np.sum(WINDOW * SECTION2_KERNEL)),
     f"{int(np.sum(WINDOW * SECTION2_KERNEL))} is the untransposed kernel's number on this "
     f"window (section 2's feature map, row {WINDOW_ROW}, column {WINDOW_COL}): use kernel.T "
     "= [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]."),
    (int(np.sum(WINDOW * np.flip(SECTION2_KERNEL))),
     f"{int(np.sum(WINDOW * np.flip(SECTION2_KERNEL)))} is section 2's number with its sign "
     "reversed; it is also what the kernel flipped (rotated 180 degrees, np.flip(kernel)) gives "
     "on this window. The question transposes: kernel.T = [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]."),
    (-_Q1, f"{-_Q1} has the sign reversed: it is the bottom row's sum minus the top row's "
           f"({_BOTTOM} - {_TOP}), what kernel.T flipped upside down would give. kernel.T's top "
           "row is +1 and its bottom row -1: the top row's sum minus the bottom row's."),
    (int(WINDOW.sum()), f"{int(WINDOW.sum())} is the sum of the window itself, every weight "
                        "taken as 1. Multiply each number by the weight on it first."),
    (_TOP, f"{_TOP} = {_TOP_SUM} is the top row alone; the bottom row counts too, with weight "
           "-1 each."),
    (-_BOTTOM, f"{-_BOTTOM} is the bottom row alone, with weight -1; the top row counts too, "
               "with weight +1 each."),
    (_BOTTOM, f"{_BOTTOM} = {_BOTTOM_SUM} is the bottom row alone, taken with +1; its "
              "weights are -1, and the top row counts too, with weight +1 each."),
    (-_TOP, f"{-_TOP} is the top row alone, {_TOP_SUM}, with its sign flipped; its weights "
            "are +1, and the bottom row counts too, with weight -1 each."),
    (int(np.sum(TOP_LEFT_WINDOW * _TRANSPOSED)),
     f"if you used the top-left window, x[0:3, 0:3]: kernel.T gives "
     f"{int(np.sum(TOP_LEFT_WINDOW * _TRANSPOSED))} there (section 2's feature map holds a -1 "
     f"too, from another window). "
     f"The question's window starts at row {WINDOW_ROW}, column "
     f"{WINDOW_COL}: {_SLICE}."),
    (-16, "-16 is the number outlined in section 4's figure: section 2's kernel on the window "
          "at row 1, column 2. The question asks for kernel.T on " + _SLICE + "."),
    (*_COLUMN_2, f"{next(iter(_COLUMN_2))} comes from a window that starts at column 2: "
                 "kernel.T gives it on x[1:4, 2:5], the window section 2 takes apart and "
                 "section 4 outlines, and kernel and kernel.T both give it on x[0:3, 2:5]. The "
                 f"question's window starts at row {WINDOW_ROW}, column {WINDOW_COL}: "
                 f"{_SLICE}."),
    (_MATRIX_PRODUCT, f"{_MATRIX_PRODUCT} is what np.sum(kernel.T @ window) gives, on every "
                      "window: @ is a matrix product. If you used it, multiply element-wise "
                      "with * instead, each number by the weight at the same place."),
    (_WINDOW_MATRIX_PRODUCT, f"{_WINDOW_MATRIX_PRODUCT} is what np.sum(window @ kernel.T) "
                             "gives on this window: @ is a matrix product. If you used it, "
                             "multiply element-wise with * instead, each number by the weight "
                             "at the same place."),
    (-18, "-18 is what kernel.T gives on the window at row 1, column 0, x[1:4, 0:3] (row and "
          "column swapped?). The question's window starts at row 0, column 1: " + _SLICE + "."),
]

class _OneNumber(Exercise):
    """A one-number question that says, when a right answer comes as a 1-element array or list,
    that a plain number is enough (the checker accepts it; nothing else changes).

    >>> print(_OneNumber("?", checker=number(-7), solution_answer=-7).feedback([[-7]]))
    Correct! (It holds one number in brackets; the plain number, -7, is enough.)
    """

    def feedback(self, *answer):
        text = super().feedback(*answer)
        try:
            # tuple(): a TensorFlow scalar's TensorShape([]) is truthy, its tuple is not
            shape = tuple(np.shape(answer[0])) if answer and not callable(answer[0]) else ()
        except Exception:  # ragged or odd input: no note
            shape = ()
        if text.startswith("Correct!") and shape and int(np.prod(shape)) == 1:
            value = np.asarray(answer[0]).item()
            text += f" (It holds one number in brackets; the plain number, {value:g}, is enough.)"
        return text


q1 = _OneNumber(
    "Transpose section 2's kernel (swap its rows and columns): kernel.T = [[1, 1, 1], "
    "[0, 0, 0], [-1, -1, -1]] responds to top-to-bottom changes. What number does it give on "
    f"the 3x3 window of x that starts at row {WINDOW_ROW}, column {WINDOW_COL}, {_SLICE} = "
    f"{WINDOW.tolist()}?",
    checker=number(_Q1, mistakes=Q1_MISTAKES),
    hint=["Multiply each number of the window by the weight at the same place, then add the "
          "nine products up.",
          f"The middle row's weights are 0. The top row's weights are +1: {_TOP_SUM} = {_TOP}. "
          "The bottom row's weights are -1: what does the bottom row add up to, and what is "
          "left?"],
    solution=f"np.sum({_SLICE} * kernel.T)  # ({_TOP_SUM}) - ({_BOTTOM_SUM}) = {_Q1}",
    solution_answer=_Q1,
    explanation="Where the top of a window is brighter than its bottom, kernel.T gives a "
                f"positive number; here the bottom is brighter ({_BOTTOM} against {_TOP}).",
)

#: Section 2's 5x5 input, drawn as the notebook draws it.
SECTION2_X = np.random.default_rng(seed=0).integers(0, 10, size=(5, 5))
SECTION2_X.setflags(write=False)

#: q2's last case: an 8x10 input and a 1x2 kernel (too large to print: handed over to rerun).
#: The kernel is not its own negative when flipped (section 2's kernel is): a function that
#: returns minus the answer is then not told that it flips the kernel.
Q2_WIDE_X = np.arange(80.0).reshape(8, 10) % 7
Q2_WIDE_X.setflags(write=False)
Q2_PAIR_KERNEL = np.array([[2.0, -1.0]])
Q2_PAIR_KERNEL.setflags(write=False)


def _window_value(x, kernel, row, col):
    """The sum of products of ``kernel`` with the window of ``x`` at (row, col)."""
    f_h, f_w = np.shape(kernel)
    # .item(): a Python number, an int for int arrays (the message then shows -16, not -16.0)
    return np.sum(np.asarray(x)[row:row + f_h, col:col + f_w] * np.asarray(kernel)).item()


def _flipped(x, kernel, row, col):
    return _window_value(x, np.flip(np.asarray(kernel)), row, col)


def _swapped(x, kernel, row, col):
    return _window_value(x, kernel, col, row)


_Q2_CASES = [(SECTION2_X, SECTION2_KERNEL, 1, 2), (SECTION2_X, SECTION2_KERNEL.T, 0, 1),
             (Q2_WIDE_X, Q2_PAIR_KERNEL, 2, 3)]

q2 = Exercise(
    "Write window_value(x, kernel, row, col): the sum of the products of kernel with the "
    "window of x whose top-left corner is at (row, col), the window as large as the kernel "
    "(any size, not only 3x3). No flipping: multiply each number by the weight at the same "
    "place. The check runs three cases: section 2's window at row 1, column 2; q1's window "
    "with kernel.T; and an 8x10 input with a 1x2 kernel.",
    checker=function(
        _Q2_CASES, reference=_window_value,
        mistakes=[(_flipped, "your function flips the kernel: a convolution layer multiplies "
                             "each number by the weight at the same place (lesson 01 shows "
                             "why it is not flipped)."),
                  (_swapped, "your window starts at (col, row): x[row:row + F_h, col:col + F_w] "
                             "takes rows first, then columns.")],
        labels=[("x", "kernel", None, None), ("x", "kernel.T", None, None), None],
        about_cases="The check's cases: section 2's window, q1's window, and an 8x10 input "
                    "with a 1x2 kernel."),
    hint=["Cut the window with slicing, x[row:row + h, col:col + w], where h, w = "
          "kernel.shape; then multiply it by the kernel element-wise and add up.",
          "np.sum(window * kernel) is the sum of products; window @ kernel is a matrix "
          "product, something else."],
    solution=("def window_value(x, kernel, row, col):\n"
              "    h, w = kernel.shape\n"
              "    return np.sum(x[row:row + h, col:col + w] * kernel)"),
    solution_answer=_window_value,
    explanation="Every later lesson's convolution is this function, run at every (row, col).",
)

__all__ = ["WINDOW", "TOP_LEFT_WINDOW", "OUTLINED_WINDOW", "ABOVE_OUTLINED_WINDOW",
           "SECTION2_KERNEL", "WINDOW_ROW", "WINDOW_COL", "SECTION2_X", "Q2_WIDE_X",
           "Q2_PAIR_KERNEL",
           *bind_exercises(globals())]
