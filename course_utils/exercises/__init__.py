"""Self-checking "Check yourself" exercises, in the spirit of Kaggle's learntools.

No tracking, no network, no reading of the notebook's globals. Each lesson module
(``course_utils.exercises.lesson01`` ...) defines exercises like this::

    from course_utils.exercises import Exercise, array

    q1 = Exercise(
        "q1",
        "Compute the 2x2 output of LESSON01_X with LESSON01_KERNEL (stride 1, no padding).",
        check=array(SOLUTION_ARRAY),
        hint="Slide the 3x3 window to each of the 4 positions; multiply element-wise, sum.",
        solution="feature_map = conv2d(LESSON01_X, LESSON01_KERNEL)",
        solution_answer=SOLUTION_ARRAY,
    )

and the notebook cell reads::

    answer = ____          # the learner replaces ____
    q1.check(answer)

* ``q1.check(answer)`` prints "Correct!" or "Not quite: <what is off>"; it never raises,
  whatever it is given, and returns None (so a cell ending in it shows only the message).
  On the placeholder ``____`` it prints :data:`NOT_ANSWERED`, always the same line.
* ``q1.hint()`` prints the next hint; ``q1.solution()`` prints the solution (only then).
* ``q1.is_correct(answer)`` -> bool and ``q1.feedback(answer)`` -> str are for tests.

A checker is any function ``checker(answer) -> str | None``: None means correct, a string is
the feedback for a wrong answer. The builders below make the usual ones: :func:`number`,
:func:`array`, :func:`shape`, :func:`function`, :func:`choice`; :func:`all_of` combines
them; :func:`read_array` reads an answer as an array inside a custom checker. Checkers may
raise on odd answers: :class:`Exercise` catches everything and turns it into feedback.
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "____",
    "NOT_ANSWERED",
    "Exercise",
    "Checker",
    "number",
    "array",
    "shape",
    "function",
    "choice",
    "all_of",
    "describe",
    "read_array",
    "exercises_in",
]

Checker = Callable[[Any], "str | None"]


class _Placeholder:
    """The blank a stored notebook leaves for the learner to replace."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


#: The placeholder for an answer not written yet: ``answer = ____``.
____ = _Placeholder()

#: What ``check()`` prints for the placeholder (fixed, so stored notebooks stay stable).
NOT_ANSWERED = "Not answered yet: replace ____ with your answer, then run this cell again."

_MISSING = object()
_MAX_REPR = 60


# ---------------------------------------------------------------------------------------------
# Describing what a learner passed
# ---------------------------------------------------------------------------------------------


def _short(value: Any, limit: int = _MAX_REPR) -> str:
    try:
        with np.printoptions(threshold=8, edgeitems=2):
            text = repr(value)
    except Exception:  # a repr that fails is still something we must describe
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_module(value: Any) -> str:
    return type(value).__module__ or ""


def _is_keras_model(value: Any) -> bool:
    return _type_module(value).startswith(("keras", "tf_keras")) and hasattr(value, "layers")


def _is_tensor(value: Any) -> bool:
    return _type_module(value).startswith("tensorflow") and hasattr(value, "shape")


def describe(value: Any) -> str:
    """A short phrase for what ``value`` is, for feedback messages; never raises.

    >>> describe(None)
    'None'
    >>> describe([1, 2, 3])
    'a list of 3 items'
    >>> describe(np.zeros((2, 3)))
    'a NumPy array of shape (2, 3) (dtype float64)'
    >>> describe("15")
    "a string '15'"
    """
    try:
        if value is None:
            return "None"
        if value is ____:
            return "the placeholder ____"
        if isinstance(value, bool) or isinstance(value, np.bool_):
            return f"the boolean {value}"
        if isinstance(value, str):
            return f"a string {_short(value)}"
        if isinstance(value, numbers.Number):
            return f"the number {_short(value)}"
        if isinstance(value, np.ndarray):
            return f"a NumPy array of shape {value.shape} (dtype {value.dtype})"
        if _is_keras_model(value):
            return f"a Keras model ({type(value).__name__} named {getattr(value, 'name', '?')!r})"
        if _is_tensor(value):
            return f"a TensorFlow tensor of shape {tuple(value.shape)}"
        if _type_module(value).startswith("keras"):
            return f"a Keras object ({type(value).__name__})"
        if isinstance(value, (list, tuple, set, dict)):
            kind = type(value).__name__
            article = "an" if kind[0] in "aeiou" else "a"
            return f"{article} {kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
        if inspect.isclass(value):
            return f"the class {value.__name__}"
        if callable(value):
            return f"the function {getattr(value, '__name__', _short(value))}"
        return f"a {type(value).__name__} object"
    except Exception:
        return f"a {type(value).__name__} object"


# ---------------------------------------------------------------------------------------------
# Reading answers as numbers and arrays
# ---------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The answer cannot be read as the kind of value the exercise asks for."""


def _as_number(answer: Any) -> float:
    if isinstance(answer, (bool, np.bool_)):
        raise _Unreadable(f"expected a number, got {describe(answer)}")
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            raise _Unreadable(f"expected a number, got {describe(answer)}") from None
        raise _Unreadable(
            f"expected a number, got {describe(answer)}: remove the quotes, so Python "
            "sees a number rather than text"
        )
    if isinstance(answer, numbers.Real):
        return float(answer)
    if _is_keras_model(answer) or answer is None or callable(answer):
        raise _Unreadable(f"expected a number, got {describe(answer)}")
    try:
        values = np.asarray(answer)
    except Exception:
        raise _Unreadable(f"expected a number, got {describe(answer)}") from None
    if values.dtype.kind not in "iuf" or values.size != 1:
        what = describe(answer)
        if values.dtype.kind in "iuf" and values.size > 1:
            what += " (one number is asked for, not several)"
        raise _Unreadable(f"expected a single number, got {what}")
    return float(values.reshape(()))


def _as_array(answer: Any) -> np.ndarray:
    if answer is None or isinstance(answer, str) or _is_keras_model(answer) or callable(answer):
        raise _Unreadable(f"expected an array of numbers, got {describe(answer)}")
    if isinstance(answer, (bool, np.bool_)):
        raise _Unreadable(f"expected an array of numbers, got {describe(answer)}")
    try:
        values = np.asarray(answer)
    except Exception:
        raise _Unreadable(
            f"expected an array of numbers, got {describe(answer)} that NumPy cannot turn "
            "into a rectangular array (rows of different lengths?)"
        ) from None
    if values.dtype.kind == "b":
        values = values.astype(np.int64)
    if values.dtype.kind not in "iuf":
        raise _Unreadable(
            f"expected an array of numbers, got {describe(answer)} whose entries are not "
            "all numbers (rows of different lengths, or text?)"
        )
    return values


def _feedback_for_any_answer(check: Checker) -> Checker:
    """Turn "cannot read this answer" into feedback text instead of an exception."""

    def safe(answer):
        try:
            return check(answer)
        except _Unreadable as error:
            return str(error).rstrip(".") + "."

    return safe


def read_array(answer: Any) -> np.ndarray:
    """Read an answer as a NumPy array of numbers, for custom checkers.

    Lists, arrays and TensorFlow tensors are read; anything else (None, text, a Keras model, a
    ragged list) raises an error whose message :class:`Exercise` shows as the feedback.

    >>> read_array([[1, 2], [3, 4]]).shape
    (2, 2)
    >>> Exercise("q1", "?", check=lambda a: None if read_array(a).sum() == 10 else "no.",
    ...          solution_answer=[1, 2, 3, 4]).check("1234")
    Not quite: expected an array of numbers, got a string '1234'.
    Call q1.hint() for a hint, or q1.solution() to see the answer.
    """
    return _as_array(answer)


def _format_index(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ")" if len(index) != 1 else f"[{index[0]}]"


def _compare_arrays(
    answer: Any, expected: np.ndarray, atol: float, rtol: float, what: str = "Your array"
) -> str | None:
    values = _as_array(answer)
    if values.shape != expected.shape:
        message = f"{what} has shape {values.shape}; the expected shape is {expected.shape}."
        if values.size == expected.size and values.ndim != expected.ndim:
            message += " Same number of values, different arrangement: reshape it?"
        elif values.shape == expected.shape[::-1] and values.ndim == 2:
            message += " Rows and columns are swapped?"
        return message
    if not np.all(np.isfinite(values)):
        return f"{what} contains NaN or infinite values."
    wrong = ~np.isclose(values, expected, atol=atol, rtol=rtol)
    count = int(wrong.sum())
    if count == 0:
        return None
    first = tuple(np.argwhere(wrong)[0])
    message = (
        f"the shape {values.shape} is right, but {count} of {values.size} "
        f"values {'is' if count == 1 else 'are'} off; the first is at index "
        f"{_format_index(first)}, where you have {_short(values[first].item())}."
    )
    if values.ndim == 2 and values.shape[0] == values.shape[1]:
        if np.allclose(values.T, expected, atol=atol, rtol=rtol):
            message += " It is the expected array transposed."
    if values.size > 1 and np.allclose(values[tuple(slice(None, None, -1) for _ in
                                                    values.shape)], expected, atol=atol,
                                       rtol=rtol):
        message += " It is the expected array flipped (rotated 180 degrees)."
    return message


def _mistake_message(answer: Any, mistakes, matches: Callable[[Any, Any], bool]) -> str | None:
    items = mistakes.items() if isinstance(mistakes, Mapping) else mistakes
    for wrong, message in items:
        try:
            if matches(answer, wrong):
                return message
        except Exception:
            continue
    return None


# ---------------------------------------------------------------------------------------------
# Checker builders
# ---------------------------------------------------------------------------------------------


def number(
    expected: float, tol: float = 1e-6, mistakes: Mapping | Sequence = ()
) -> Checker:
    """Checker for one number: correct if within ``tol`` (absolute) of ``expected``.

    ``mistakes`` maps known wrong answers to a tailored message, e.g.
    ``{24: "That is the size without padding."}``.

    >>> check = number(6)
    >>> check(6) is None, check(6.0) is None, check(np.int64(6)) is None
    (True, True, True)
    >>> check(7)
    'your answer 7 is not the expected value.'
    >>> print(check("6"))
    expected a number, got a string '6': remove the quotes, so Python sees a number
    rather than text.
    """
    expected = float(expected)

    def matches(answer, wrong):
        return math.isclose(_as_number(answer), float(wrong), abs_tol=tol, rel_tol=0)

    def check(answer):
        value = _as_number(answer)
        if math.isclose(value, expected, abs_tol=tol, rel_tol=0):
            return None
        if not math.isfinite(value):
            return f"your answer {value} is not a finite number."
        tailored = _mistake_message(answer, mistakes, matches)
        if tailored:
            return tailored
        shown = int(value) if value.is_integer() else value
        return f"your answer {shown} is not the expected value."

    return _feedback_for_any_answer(check)


def array(
    expected: Any, atol: float = 1e-6, rtol: float = 0.0, mistakes: Sequence = ()
) -> Checker:
    """Checker for an array of numbers (lists, NumPy arrays and TensorFlow tensors are read).

    Wrong answers are told which part is off: the kind of value, the shape, or how many
    values differ and where the first one is. ``mistakes`` is a list of
    ``(wrong_array, message)`` pairs for known mistakes.

    >>> check = array([[15, 16], [6, 15]])
    >>> check([[15, 16], [6, 15]]) is None
    True
    >>> check(np.zeros((3, 3)))
    'Your array has shape (3, 3); the expected shape is (2, 2).'
    >>> print(check([[15, 16], [6, 14]]))
    the shape (2, 2) is right, but 1 of 4 values is off; the first is at index (1, 1),
    where you have 14.
    """
    expected = np.asarray(expected, dtype=float)

    def matches(answer, wrong):
        return _compare_arrays(answer, np.asarray(wrong, dtype=float), atol, rtol) is None

    def check(answer):
        message = _compare_arrays(answer, expected, atol, rtol)
        if message is None:
            return None
        return _mistake_message(answer, mistakes, matches) or message

    return _feedback_for_any_answer(check)


def _as_shape(answer: Any) -> tuple:
    if answer is None or isinstance(answer, (str, bool, numbers.Number)) or callable(answer):
        raise _Unreadable(
            f"expected a shape, a tuple of whole numbers such as (28, 28, 1); got "
            f"{describe(answer)}"
        )
    if isinstance(answer, np.ndarray) or _is_tensor(answer):
        raise _Unreadable(
            f"expected a shape, a tuple of whole numbers; got {describe(answer)}. "
            "Pass its shape (for example x.shape), not the array itself"
        )
    if _is_keras_model(answer):
        raise _Unreadable(
            f"expected a shape, a tuple of whole numbers; got {describe(answer)}. "
            "Pass a shape such as model.output_shape, not the model"
        )
    try:
        items = tuple(answer)
    except TypeError:
        raise _Unreadable(f"expected a shape, a tuple of whole numbers; got "
                          f"{describe(answer)}") from None
    result = []
    for item in items:
        if item is None:
            result.append(None)
        elif isinstance(item, (numbers.Integral, np.integer)) and not isinstance(item, bool):
            result.append(int(item))
        else:
            raise _Unreadable(
                f"a shape holds whole numbers (or None for the batch), but yours holds "
                f"{describe(item)}"
            )
    return tuple(result)


_AXIS_NAMES = {3: ("height", "width", "channels"), 4: ("batch", "height", "width", "channels")}


def shape(expected: Sequence[int | None], mistakes: Mapping | Sequence = ()) -> Checker:
    """Checker for a shape such as (3, 3, 5). Feedback says which entry is off, not its value.

    A leading ``None`` (Keras's batch dimension) in the answer is accepted when the expected
    shape has none, and vice versa, with a note.

    >>> check = shape((3, 3, 5))
    >>> check((3, 3, 5)) is None, check([3, 3, 5]) is None
    (True, True)
    >>> check((3, 3, 4))
    'the channels (entry 2) is off: you have 4.'
    >>> check((5, 3, 3))
    'the height (entry 0) and the channels (entry 2) are off. Channels come last in Keras.'
    """
    expected = _as_shape(expected)

    def compare(answer) -> str | None:
        got = _as_shape(answer)
        if got == expected:
            return None
        if len(got) == len(expected) + 1 and got[0] is None and got[1:] == expected:
            return None  # a Keras shape with its batch dimension
        if len(expected) == len(got) + 1 and expected[0] is None and expected[1:] == got:
            return None
        if len(got) != len(expected):
            return (
                f"your shape {got} has {len(got)} entries; the expected shape has "
                f"{len(expected)}."
            )
        names = _AXIS_NAMES.get(len(expected))
        off = [i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]

        def name(i):
            return f"the {names[i]} (entry {i})" if names else f"entry {i}"

        if len(off) == 1:
            return f"{name(off[0])} is off: you have {got[off[0]]}."
        message = " and ".join(name(i) for i in off) + " are off."
        if names and sorted(got, key=str) == sorted(expected, key=str):
            message += " Channels come last in Keras."
        return message

    def matches(answer, wrong):
        return _as_shape(answer) == _as_shape(wrong)

    def check(answer):
        message = compare(answer)
        if message is None:
            return None
        return _mistake_message(answer, mistakes, matches) or message

    return _feedback_for_any_answer(check)


def _format_call(name: str, args: tuple, kwargs: dict) -> str:
    parts = [_short(a, 40) for a in args] + [f"{k}={_short(v, 40)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _compare_results(result: Any, expected: Any, atol: float) -> str | None:
    if result is None and expected is not None:
        return "it returned None: is a `return` statement missing?"
    if isinstance(expected, (numbers.Number, np.number)) and not isinstance(expected, bool):
        try:
            value = _as_number(result)
        except _Unreadable as error:
            return f"it returned something else: {error}."
        if math.isclose(value, float(expected), abs_tol=atol, rel_tol=0):
            return None
        return f"it returned {_short(result)}, which is not the expected value."
    if isinstance(expected, tuple) and all(isinstance(e, (int, np.integer)) for e in expected):
        try:
            got = _as_shape(result)
        except _Unreadable as error:
            return f"it returned something else: {error}."
        return None if got == tuple(int(e) for e in expected) else (
            f"it returned {got}, which is not the expected tuple."
        )
    if isinstance(expected, (np.ndarray, list, tuple)):
        return _compare_arrays(result, np.asarray(expected, dtype=float), atol, 0.0,
                               what="The returned array")
    if result == expected:
        return None
    return f"it returned {_short(result)}, which is not the expected value."


def function(
    cases: Iterable,
    reference: Callable | None = None,
    atol: float = 1e-6,
) -> Checker:
    """Checker for a function the learner writes: runs it on test cases.

    ``cases`` is a list of argument tuples (a dict for keyword arguments is allowed as a
    last element). Expected results come from ``reference(*args)`` when a reference is
    given; otherwise each case is a pair ``(args, expected)``. Results are compared as
    numbers, tuples (shapes) or arrays (with ``atol``). When the learner's function raises,
    the feedback names the exception and the call that raised it.

    >>> def double(x):
    ...     return 2 * x
    >>> check = function([(1,), (np.arange(3),)], reference=double)
    >>> check(double) is None
    True
    >>> check(lambda x: x + x + 1)
    'on <lambda>(1) it returned 3, which is not the expected value.'
    >>> check(lambda x: 1 / 0)
    'on <lambda>(1) your function raised ZeroDivisionError: division by zero'
    >>> print(check(double(3)))
    expected a function, got the number 6. Pass the function itself, without calling it:
    check(my_function), not check(my_function(...)).
    """
    prepared = []
    for case in cases:
        if reference is None:
            call, expected = case
        else:
            call, expected = case, None
        call = tuple(call) if isinstance(call, (tuple, list)) else (call,)
        kwargs = call[-1] if call and isinstance(call[-1], dict) else {}
        args = call[:-1] if kwargs else call
        if reference is not None:
            expected = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        prepared.append((args, kwargs, expected))
    if not prepared:
        raise ValueError("cases must hold at least one test case")

    def check(answer):
        if (not callable(answer) or inspect.isclass(answer)
                or _type_module(answer).startswith(("keras", "tf_keras"))):
            return (
                f"expected a function, got {describe(answer)}. Pass the function itself, "
                "without calling it: check(my_function), not check(my_function(...))."
            )
        name = getattr(answer, "__name__", "your_function")
        for args, kwargs, expected in prepared:
            call = _format_call(name, args, kwargs)
            try:
                result = answer(*copy.deepcopy(args), **copy.deepcopy(kwargs))
            except (Exception, SystemExit) as error:  # the learner's code: report it
                return f"on {call} your function raised {type(error).__name__}: {error}"
            try:
                message = _compare_results(result, expected, atol)
            except Exception as error:
                message = f"its result {describe(result)} could not be compared ({error})"
            if message:
                return f"on {call} {message}"
        return None

    return _feedback_for_any_answer(check)


def _normalise_choice(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def choice(correct: Any, options: Sequence) -> Checker:
    """Checker for a multiple-choice answer: one of ``options`` (text compared ignoring case
    and surrounding spaces).

    >>> check = choice("valid", ["valid", "same"])
    >>> check(" Valid ") is None
    True
    >>> check("same")
    "'same' is not the right choice."
    >>> check("full")
    "'full' is not one of the options: 'valid', 'same'."
    """
    options = list(options)
    if correct not in options:
        raise ValueError(f"correct must be one of options {options!r}; got {correct!r}")
    normalised = [_normalise_choice(o) for o in options]

    def check(answer):
        key = _normalise_choice(answer)
        try:
            # An array is never one of the options; `array in list` compares element-wise,
            # which NumPy 2.0 (Colab) warns about and newer NumPy refuses.
            hit = not isinstance(key, np.ndarray) and key in normalised
        except Exception:
            hit = False
        if not hit:
            listed = ", ".join(_short(o) for o in options)
            shown = _short(answer) if isinstance(answer, (str, numbers.Number)) else describe(
                answer)
            return f"{shown} is not one of the options: {listed}."
        if key == _normalise_choice(correct):
            return None
        return f"{_short(answer.strip() if isinstance(answer, str) else answer)} is not the " \
               "right choice."

    return _feedback_for_any_answer(check)


def all_of(*checkers: Checker) -> Checker:
    """A checker that passes when every checker passes; reports the first failure.

    >>> whole = lambda a: None if isinstance(a, int) else "give a whole number."
    >>> check = all_of(number(6), whole)
    >>> check(6) is None, check(6.0), check(5)
    (True, 'give a whole number.', 'your answer 5 is not the expected value.')
    """

    def check(answer):
        for checker in checkers:
            message = checker(answer)
            if message:
                return message
        return None

    return _feedback_for_any_answer(check)


# ---------------------------------------------------------------------------------------------
# The exercise object
# ---------------------------------------------------------------------------------------------


def _uses_placeholder(answer: Any) -> bool:
    """True for ``____`` itself, ``...``, and a function whose body still holds ``____``."""
    if answer is ____ or answer is Ellipsis:
        return True
    try:
        code = getattr(answer, "__code__", None)
        return code is not None and "____" in getattr(code, "co_names", ())
    except Exception:  # an object with a strange __getattr__ is simply not the placeholder
        return False


class Exercise:
    """One "Check yourself" question.

    Arguments:
        name: how the notebook calls it, e.g. "q1" (used in the feedback: "q1.hint()").
        prompt: the question, one or two sentences.
        check: a checker, ``answer -> None`` if right or feedback text if wrong (see
            :func:`number`, :func:`array`, :func:`shape`, :func:`function`, :func:`choice`).
        hint: a hint, or a list of hints shown one per ``hint()`` call.
        solution: the solution as text (usually code). If omitted, it is made from
            ``solution_answer`` (its source for a function, its value otherwise).
        solution_answer: the correct answer itself; tests use
            ``q.is_correct(q.solution_answer)``.
        explanation: printed after "Correct!", to say why.

    >>> q = Exercise("q1", "How many windows fit in a 4x4 input for a 3x3 kernel?",
    ...              check=number(4), hint="(N - F) / S + 1 per side.",
    ...              solution="2 * 2 = 4", solution_answer=4)
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

    def __init__(
        self,
        name: str,
        prompt: str,
        check: Checker,
        hint: str | Sequence[str] | None = None,
        solution: str | None = None,
        solution_answer: Any = _MISSING,
        explanation: str | None = None,
    ):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"name must be a Python identifier such as 'q1'; got {name!r}")
        if not callable(check):
            raise TypeError(f"check must be a checker function; got {describe(check)}")
        if solution is None and solution_answer is _MISSING:
            raise ValueError(f"exercise {name}: give a solution or a solution_answer")
        self.name = name
        self.prompt = prompt
        self._checker = check
        self._hints = [hint] if isinstance(hint, str) else list(hint or [])
        self._hints_shown = 0
        self._solution = solution
        self.solution_answer = None if solution_answer is _MISSING else solution_answer
        self.explanation = explanation

    def __repr__(self) -> str:
        return f"{self.name}: {self.prompt}"

    def feedback(self, answer: Any = _MISSING) -> str:
        """The text ``check(answer)`` prints."""
        if answer is _MISSING:
            return (f"Pass your answer to check: {self.name}.check(your_answer), then run the "
                    "cell again.")
        if _uses_placeholder(answer):
            return NOT_ANSWERED
        verdict = self._verdict(answer)
        if verdict is None:
            return "Correct!" + (f" {self.explanation}" if self.explanation else "")
        return (
            f"Not quite: {verdict}\n"
            f"Call {self.name}.hint() for a hint, or {self.name}.solution() to see the answer."
        )

    def _verdict(self, answer: Any) -> str | None:
        try:
            message = self._checker(answer)
        except _Unreadable as error:
            return str(error).rstrip(".") + "."
        except Exception as error:  # never a traceback for the learner
            return (
                f"this answer ({describe(answer)}) could not be checked: "
                f"{type(error).__name__}: {error}"
            )
        if message is None or message == "":
            return None
        return str(message)

    def is_correct(self, answer: Any) -> bool:
        """True when ``answer`` passes the check (the placeholder never does)."""
        if _uses_placeholder(answer):
            return False
        return self._verdict(answer) is None

    def check(self, answer: Any = _MISSING) -> None:
        """Print whether ``answer`` is right, and if not, what is off. Never raises."""
        try:
            text = self.feedback(answer)
        except Exception as error:  # pragma: no cover - feedback already catches everything
            text = f"Not quite: this answer could not be checked ({type(error).__name__})."
        print(text)

    def hint(self) -> None:
        """Print the next hint (they repeat from the last once all were shown)."""
        if not self._hints:
            print(f"No hint for {self.name}: reread the section above, or call "
                  f"{self.name}.solution().")
            return
        index = min(self._hints_shown, len(self._hints) - 1)
        self._hints_shown += 1
        prefix = "Hint" if len(self._hints) == 1 else f"Hint {index + 1} of {len(self._hints)}"
        print(f"{prefix}: {self._hints[index]}")

    def solution_text(self) -> str:
        """The solution as text (what :meth:`solution` prints)."""
        if self._solution is not None:
            return textwrap.dedent(self._solution).strip()
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


def exercises_in(module: ModuleType) -> list[Exercise]:
    """The Exercise objects a lesson module defines, in name order (for generic tests).

    >>> import sys
    >>> exercises_in(sys.modules[__name__])
    []
    """
    found = [value for value in vars(module).values() if isinstance(value, Exercise)]
    return sorted(found, key=lambda exercise: exercise.name)
