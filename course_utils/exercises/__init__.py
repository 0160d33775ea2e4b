"""Self-checking "Check yourself" exercises, in the spirit of Kaggle's learntools.

No tracking, no network, no reading of the notebook's globals. The package is split by
concern:

* ``placeholder``: ``____``, the blank a stored notebook leaves, and the "not answered" line;
* ``answers``: reading an answer as a number, an array or a shape (or saying why it cannot be);
* ``checkers``: the checker builders :func:`number`, :func:`array`, :func:`shape`,
  :func:`function`, each with its own message per known mistake;
* ``exercise``: the :class:`Exercise` object (``check``, ``hint``, ``solution``) and
  :func:`bind_exercises`, which names a lesson's questions after their variables;
* ``lessonNN``: one module per lesson with its questions, ``q1``, ``q2``, ...

A lesson's notebook imports its questions by name and checks an answer in one line::

    from course_utils.exercises.lesson01 import q1, q2

    answer = ____          # the learner replaces ____
    q1.check(answer)       # "Correct!" or "Not quite: <what is off>"; never raises
    q1.hint()              # the next hint
    q1.solution()          # the solution, only when asked for
"""

from __future__ import annotations

from .answers import (
    UnreadableAnswer,
    comma_readings,
    read_array,
    read_number,
    read_shape,
    typed_with_commas,
)
from .checkers import (
    KERNEL_AXES,
    CalledOnce,
    Checker,
    array,
    called_once,
    function,
    number,
    shape,
)
from .exercise import Exercise, OneImageShape, bind_exercises, exercises_in
from .placeholder import NOT_ANSWERED, ____, uses_placeholder

__all__ = [
    "____",
    "NOT_ANSWERED",
    "uses_placeholder",
    "UnreadableAnswer",
    "read_number",
    "read_array",
    "read_shape",
    "typed_with_commas",
    "comma_readings",
    "Checker",
    "number",
    "array",
    "shape",
    "function",
    "CalledOnce",
    "called_once",
    "KERNEL_AXES",
    "Exercise",
    "OneImageShape",
    "bind_exercises",
    "exercises_in",
]
