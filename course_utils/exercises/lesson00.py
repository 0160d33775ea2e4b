"""Lesson 00 "How the exercises work": one practice question.

Lesson 00 checks the setup; its section 5 shows how every later lesson's "Check yourself"
questions work, on one small question about its section 2: the kernel of that section transposed
(``kernel.T``) on the top-left window of the 5x5 input. The notebook types a wrong
answer on purpose, so that the learner sees what feedback looks like before lesson 01.

``WINDOW`` is that window of section 2's input (``np.random.default_rng(seed=0).integers(0,
10, size=(5, 5))``, rows and columns 0-2; tests/test_exercises_lesson00.py checks it against
the same draw), and ``SECTION2_KERNEL`` is section 2's kernel. The expected answer and every
known wrong answer are computed from them.

>>> q1.is_correct(q1.solution_answer), q1.is_correct(4)
(True, False)
"""

from __future__ import annotations

import numpy as np

from . import Exercise, bind_exercises, number

#: The top-left 3x3 window of lesson 00's 5x5 input (section 2).
WINDOW = np.array([[8, 6, 5],
                   [0, 0, 0],
                   [6, 9, 5]])
WINDOW.setflags(write=False)

#: Section 2's kernel, which answers left-to-right changes; q1 transposes it.
SECTION2_KERNEL = np.array([[1, 0, -1],
                            [1, 0, -1],
                            [1, 0, -1]])
SECTION2_KERNEL.setflags(write=False)

_TURNED = SECTION2_KERNEL.T                       # [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]
_Q1 = int(np.sum(WINDOW * _TURNED))
_TOP, _BOTTOM = int(WINDOW[0].sum()), int(WINDOW[2].sum())
_TOP_SUM = " + ".join(map(str, WINDOW[0].tolist()))           # "8 + 6 + 5"
_BOTTOM_SUM = " + ".join(map(str, WINDOW[2].tolist()))

#: q1's known mistakes: (wrong value, message). Each value is what that way of computing gives.
Q1_MISTAKES = [
    (int(np.sum(WINDOW * SECTION2_KERNEL)),
     f"{int(np.sum(WINDOW * SECTION2_KERNEL))} is what section 2's kernel gives on this window "
     "(the top-left number of its feature map). The question uses the kernel transposed: "
     "kernel.T = [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]."),
    (-_Q1, f"{-_Q1} is the answer with every sign changed, which the kernel turned a quarter "
           "turn (np.rot90(kernel)) gives. kernel.T's top row is +1 and its bottom row -1: the "
           "top row's sum minus the bottom row's."),
    (int(WINDOW.sum()), f"{int(WINDOW.sum())} is the sum of the window itself, every weight "
                        "taken as 1. Multiply each number by the weight on it first."),
    (_TOP, f"{_TOP} = {_TOP_SUM} is the top row alone; the bottom row counts too, with weight "
           "-1 each."),
    (-_BOTTOM, f"{-_BOTTOM} is the bottom row alone, with weight -1; the top row counts too, "
               "with weight +1 each."),
]

q1 = Exercise(
    "Transpose section 2's kernel (swap its rows and columns): kernel.T = [[1, 1, 1], "
    "[0, 0, 0], [-1, -1, -1]] answers top-to-bottom changes. What number does it give on the "
    f"top-left 3x3 window of x, {WINDOW.tolist()}?",
    checker=number(_Q1, mistakes=Q1_MISTAKES),
    hint=["Multiply each number of the window by the weight at the same place, then add the "
          "nine products up.",
          "The middle row's weights are 0; the top row counts +1 each, the bottom row -1 each. "
          "In code: np.sum(x[0:3, 0:3] * kernel.T)."],
    solution=f"np.sum(x[0:3, 0:3] * kernel.T)  # ({_TOP_SUM}) - ({_BOTTOM_SUM}) = {_Q1}",
    solution_answer=_Q1,
    explanation="Where the top of a window is brighter than its bottom, kernel.T gives a "
                "positive number; here the bottom is a little brighter.",
)

__all__ = ["WINDOW", "SECTION2_KERNEL", *bind_exercises(globals())]
