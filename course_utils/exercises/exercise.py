"""The "Check yourself" question object, and how a lesson module names its questions.

A lesson module defines its questions as module variables and names them once, from the
variables, with :func:`bind_exercises`::

    q1 = Exercise("A 28x28 digit through a 5x5 kernel: what is O?", checker=number(24), ...)
    ...
    __all__ = ["Q1_KERNEL", *bind_exercises(globals())]

and the notebook imports them by the same names: ``from course_utils.exercises.lesson01
import q1, q2``, then ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from ..validation import describe
from .answers import UnreadableAnswer, read_shape
from .checkers import Checker, called_once, last_failing_case
from .placeholder import NOT_ANSWERED, uses_placeholder

__all__ = ["Exercise", "OneImageShape", "bind_exercises", "exercises_in"]

_MISSING = object()


class Exercise:
    """One "Check yourself" question (every lesson ends with 5-8 of them).

    Every lesson (01-07) ends with its questions; lesson 00 shows how they work.

    Arguments:
        prompt: the question, one or two sentences.
        checker: ``answer -> None`` if right or feedback text if wrong (see
            :func:`~course_utils.exercises.number`, ``array``, ``shape``, ``function``).
        hint: a hint, or a list of hints shown one per ``hint()`` call.
        solution: the solution as text (usually code). If omitted, it is made from
            ``solution_answer`` (its source for a function, its value otherwise).
        solution_answer: the correct answer itself; tests use
            ``q.is_correct(q.solution_answer)``.
        explanation: printed after "Correct!", to say why.
        reproduces_output: None, or why this question deliberately asks for a value the
            lesson prints (the test that no answer is handed over skips it, with this reason).
        answer_name: the variable the notebook's cell assigns the answer to (``answer =
            ____`` by default); a one-expression solution is printed as ``<answer_name> =
            <expression>`` so that it can be pasted over that line.
        name: how the notebook calls it ("q1"); :func:`bind_exercises` sets it from the
            variable the lesson module assigns the question to.

    >>> from course_utils.exercises import ____, number
    >>> q = Exercise("How many windows fit in a 4x4 input for a 3x3 kernel?",
    ...              checker=number(4), hint="(N - F) / S + 1 per side.",
    ...              solution="2 * 2 = 4", solution_answer=4, name="q1")
    >>> q.check(____)
    Not answered yet: replace ____ with your answer, then run this cell again.
    >>> q.check(4)
    Correct!
    >>> q.check(9)
    Not quite: your answer 9 is not the expected value.
    Call q1.hint() for a hint, or q1.solution() to see the answer.
    >>> q.is_correct(4), q.is_correct("four")
    (True, False)
    """

    def __init__(self, prompt: str, checker: Checker, hint: str | Sequence[str] | None = None,
                 solution: str | None = None, solution_answer: Any = _MISSING,
                 explanation: str | None = None, reproduces_output: str | None = None,
                 name: str | None = None, answer_name: str = "answer"):
        if not callable(checker):
            raise TypeError(f"checker must be a checker function; got {describe(checker)}")
        if solution is None and solution_answer is _MISSING:
            raise ValueError(f"exercise {prompt[:40]!r}: give a solution or a solution_answer")
        if name is not None and (not isinstance(name, str) or not name.isidentifier()):
            raise ValueError(f"name must be a Python identifier such as 'q1'; got {name!r}")
        self.name = name
        self.prompt = prompt
        self._checker = checker
        self._failing_case = None   # set by each check of a function (see failing_case)
        self.hints = [hint] if isinstance(hint, str) else list(hint or [])
        self._hints_shown = 0
        self._solution = solution
        self.solution_answer = None if solution_answer is _MISSING else solution_answer
        self.explanation = explanation
        self.reproduces_output = reproduces_output
        if not isinstance(answer_name, str) or not answer_name.isidentifier():
            raise ValueError(f"answer_name must be a Python identifier such as 'answer'; got "
                             f"{answer_name!r}")
        self.answer_name = answer_name

    def __repr__(self) -> str:
        return f"{self.name}: {self.prompt}"

    def feedback(self, answer: Any = _MISSING) -> str:
        """The text ``check(answer)`` prints."""
        if answer is _MISSING:
            return (f"Pass your answer to check: {self.name}.check(your_answer), then run the "
                    "cell again.")
        if uses_placeholder(answer):
            return NOT_ANSWERED
        verdict = self._verdict(answer)
        if verdict is None:
            return "Correct!" + (f" {self.explanation}" if self.explanation else "")
        if self.failing_case is not None and verdict.startswith("on "):
            called = getattr(answer, "__name__", "")   # the learner's function (a lambda: no)
            called = called if called.isidentifier() else "your_function"
            verdict += (f"\nTo rerun that case: args, kwargs = {self.name}.failing_case, "
                        f"then {called}(*args, **kwargs).")
        return (
            f"Not quite: {verdict}\n"
            f"Call {self.name}.hint() for a hint, or {self.name}.solution() to see the answer."
        )

    @property
    def failing_case(self) -> tuple[tuple, dict] | None:
        """The test case your function last failed, as ``(args, kwargs)``, when the feedback
        could not show its arguments in full (``<7x7x3 array>``); None otherwise.

        Lesson 02 (q6, q7) and every later lesson's function questions point to it.
        """
        return self._failing_case

    def _verdict(self, answer: Any) -> str | None:
        answer = called_once(answer)  # a learner's function runs once per test case
        last_failing_case(forget=True)
        try:
            message = self._checker(answer)
        except UnreadableAnswer as error:
            return str(error).rstrip(".") + "."
        except Exception as error:  # never a traceback for the learner
            return (
                f"this answer ({describe(answer)}) could not be checked: "
                f"{type(error).__name__}: {error}"
            )
        finally:
            self._failing_case = last_failing_case(forget=True)
        if message is None or message == "":
            return None
        return str(message)

    def is_correct(self, answer: Any) -> bool:
        """True when ``answer`` passes the check (the placeholder never does)."""
        if uses_placeholder(answer):
            return False
        return self._verdict(answer) is None

    def check(self, *answers: Any, **named: Any) -> None:
        """Print whether the answer is right, and if not, what is off. Never raises.

        Several answers, ``q1.check(16,448)``, are read as the one tuple Python would make of
        ``answer = 16,448``: (16, 448), which a number question explains (a number typed with
        commas) and a shape question reads as a shape. ``check(answer=...)`` is the answer
        too; any other keyword is told to pass the answer alone.
        """
        if "answer" in named and not answers:
            answers = (named.pop("answer"),)
        if named:
            print(f"Not quite: pass your answer alone, {self.name}.check(answer), without a "
                  f"name= (you passed {', '.join(f'{key}=' for key in named)}).")
            return
        answer = _MISSING if not answers else answers[0] if len(answers) == 1 else answers
        try:
            text = self.feedback(answer)
        except Exception as error:  # pragma: no cover - feedback already catches everything
            text = f"Not quite: this answer could not be checked ({type(error).__name__})."
        print(text)

    def hint(self) -> None:
        """Print the next hint; past the last, the last again, saying so and naming
        ``solution()``."""
        if not self.hints:
            print(f"No hint for {self.name}: reread the section above, or call "
                  f"{self.name}.solution().")
            return
        index = min(self._hints_shown, len(self.hints) - 1)
        again = self._hints_shown >= len(self.hints)
        self._hints_shown += 1
        prefix = "Hint" if len(self.hints) == 1 else f"Hint {index + 1} of {len(self.hints)}"
        print(f"{prefix}: {self.hints[index]}")
        if again:  # asked past the last hint: say so rather than repeat it silently
            print(f"(That was the last hint, again. {self.name}.solution() shows the answer.)")

    def solution_text(self) -> str:
        """The solution as text (what :meth:`solution` prints).

        A solution that is one Python expression is shown as the line the learner's cell
        holds, ``answer = <expression>``, so that pasting it over ``answer = ____`` works.
        """
        if self._solution is not None:
            return _as_answer_line(textwrap.dedent(self._solution).strip(), self.answer_name)
        answer = self.solution_answer
        if callable(answer):
            try:
                return textwrap.dedent(inspect.getsource(answer)).strip()
            except (OSError, TypeError):
                return getattr(answer, "__name__", repr(answer))
        if isinstance(answer, np.ndarray):
            return np.array2string(answer, separator=", ")
        return repr(answer)

    def solution(self) -> None:
        """Print the solution."""
        print(f"Solution:\n{self.solution_text()}")


class OneImageShape(Exercise):
    """A question asking for one image's shape (height, width, channels): an answer with
    Keras's batch axis first, None or 1, is accepted (the :func:`shape` checker does), and the
    feedback says the batch axis is not part of the answer. Lessons 02 and 03 ask such shapes.

    >>> from .checkers import shape
    >>> q = OneImageShape("Shape?", checker=shape((4, 6, 5)), solution_answer=(4, 6, 5))
    >>> q.feedback((4, 6, 5))
    'Correct!'
    >>> q.feedback((None, 4, 6, 5))[:48]
    'Correct! (The batch axis is not part of the answ'
    >>> q.feedback((1, 4, 6, 5)).endswith("so (4, 6, 5). It is accepted.)")
    True
    >>> q.feedback((2, 4, 6, 5)).startswith("Not quite")
    True
    """

    def feedback(self, answer: Any = _MISSING) -> str:
        text = super().feedback(answer)
        try:
            got = read_shape(called_once(answer))
        except Exception:
            return text
        if text.startswith("Correct!") and len(got) == 4:
            text += (" (The batch axis is not part of the answer: the question asks for one "
                     f"image's shape, (height, width, channels), so {got[1:]}. It is accepted.)")
        return text


def _as_answer_line(text: str, name: str = "answer") -> str:
    """``<name> = <text>`` when ``text`` is one expression (comments allowed), else ``text``."""
    try:
        compile(text, "<solution>", "eval")
    except SyntaxError:
        return text
    if "\n" in text:
        return f"{name} = (\n{textwrap.indent(text, '    ')}\n)"
    return f"{name} = {text}"


def _natural_key(name: str):
    """Sort q2 before q10: digits compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def bind_exercises(namespace: Mapping[str, Any]) -> list[str]:
    """Name every :class:`Exercise` in ``namespace`` after its variable; return the names.

    Every lesson module of exercises (lessons 01-07) ends with it.

    A lesson module ends with ``__all__ = [..., *bind_exercises(globals())]``, so each
    question's name is written once, as its variable (the notebook imports it by that name).

    >>> q2 = Exercise("?", checker=lambda answer: None, solution="-")
    >>> bind_exercises({"q2": q2}), q2.name
    (['q2'], 'q2')
    """
    names = []
    for variable, value in namespace.items():
        if isinstance(value, Exercise):
            if value.name not in (None, variable):
                raise ValueError(f"the exercise {value.name} is also bound to {variable}; "
                                 "give each exercise one variable")
            value.name = variable
            names.append(variable)
    return sorted(names, key=_natural_key)


def exercises_in(module: ModuleType) -> list[Exercise]:
    """The Exercise objects a lesson module defines, in numeric order (q2 before q10).

    The tests check the questions of lessons 01-07 through it.

    Tests use it to check every lesson's questions the same way.

    >>> import sys
    >>> exercises_in(sys.modules[__name__])
    []
    """
    found = [value for value in vars(module).values() if isinstance(value, Exercise)]
    return sorted(found, key=lambda exercise: _natural_key(exercise.name or ""))
