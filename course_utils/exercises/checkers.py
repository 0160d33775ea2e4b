"""Checker builders: what a "Check yourself" question compares the learner's answer with.

A checker is any function ``checker(answer) -> str | None``: None means correct, a string is
the feedback for a wrong answer. The builders make the usual ones (:func:`number`,
:func:`array`, :func:`shape`, :func:`function`); each known mistake can carry its own
message. Checkers may raise :class:`~course_utils.exercises.answers.UnreadableAnswer` (or
anything else): :class:`~course_utils.exercises.Exercise` turns it into feedback.
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..validation import describe, is_keras_model, short_repr
from .answers import UnreadableAnswer, read_array, read_number, read_shape

__all__ = ["Checker", "number", "array", "shape", "function", "IMAGE_AXES", "KERNEL_AXES"]

Checker = Callable[[Any], "str | None"]


def _feedback_for_any_answer(check: Checker) -> Checker:
    """Turn "cannot read this answer" into feedback text instead of an exception."""

    def safe(answer):
        try:
            return check(answer)
        except UnreadableAnswer as error:
            return str(error).rstrip(".") + "."

    return safe


def _mistake_message(answer: Any, mistakes, matches: Callable[[Any, Any], bool]) -> str | None:
    """The message of the first known mistake ``answer`` matches, if any."""
    items = mistakes.items() if isinstance(mistakes, Mapping) else mistakes
    for wrong, message in items:
        try:
            if matches(answer, wrong):
                return message
        except Exception:
            continue
    return None


def _leading_figures(x: float, figures: int, rounding: float) -> tuple[int, int, int]:
    """(sign, exponent, first ``figures`` digits) of x: cut after them (``rounding`` 0) or
    rounded half up (``rounding`` 0.5)."""
    exponent = math.floor(math.log10(abs(x)))
    digits = math.floor(abs(x) / 10.0 ** (exponent - figures + 1) + rounding + 1e-9)
    if digits == 10 ** figures:  # 0.0999 rounded to 1 figure reads 0.1
        exponent, digits = exponent + 1, 10 ** (figures - 1)
    return (1 if x > 0 else -1), exponent, digits


def _typed_figures(value: float) -> int:
    """How many significant figures a number was given with: 3.67 has 3, 11 / 3 has 17."""
    mantissa = repr(abs(float(value))).split("e")[0].replace(".", "").lstrip("0")
    return max(len(mantissa.rstrip("0")) if "." in repr(float(value)) else len(mantissa), 1)


def _significant_figures(value: float, expected: float) -> int:
    """How many significant figures of ``expected`` ``value`` gets right (0 to 15).

    ``value`` has k figures right when, written with k significant figures, it reads as
    ``expected`` does, rounded (either way at a half) or cut after k figures: 9.54e-07 and
    9.53e-07 both have 3 of 9.5367e-07 right, 12 and 13 both have 2 of 12.5, 4e-04 has 1 of
    3.91e-04 (it rounds to 4e-04). The count is the largest such k, not the first k that
    fails: 0.0775, sqrt(6 / 1000) = 0.077459... rounded to 3 figures, has 3 right although
    0.0775 rounded again to 2 figures reads 0.078.

    >>> _significant_figures(9.54e-07, 0.25 ** 10), _significant_figures(9.5e-07, 0.25 ** 10)
    (3, 2)
    >>> _significant_figures(9.53e-07, 0.25 ** 10), _significant_figures(4e-04, 3.91e-04)
    (3, 1)
    >>> _significant_figures(12, 12.5), _significant_figures(13, 12.5)
    (2, 2)
    >>> _significant_figures(8.0, 12.5), _significant_figures(1.0, 0.25 ** 10)
    (0, 0)
    >>> _significant_figures(0.0775, 0.0774597), _significant_figures(0.055, 0.0547723)
    (3, 2)
    >>> _significant_figures(0.1, 0.0999), _significant_figures(0.0775, 0.0791)
    (2, 1)
    """
    if value == expected:
        return 15
    if expected == 0 or value == 0 or not math.isfinite(value):
        return 0
    return max((k for k in range(1, 16)
                if _leading_figures(value, k, 0.5) in (_leading_figures(expected, k, 0.0),
                                                       _leading_figures(expected, k, 0.5))),
               default=0)


def number(expected: float, tol: float | None = None, mistakes: Mapping | Sequence = (),
           digits: int = 3) -> Checker:
    """Checker for one number.

    Number questions in lessons 01-07.

    A whole ``expected`` (a count, a size) must be matched exactly (to 1e-6); any other
    value is matched when the answer gets ``digits`` significant figures right, so an answer
    rounded to 3 figures passes, and one a figure short is told that the digits are the
    issue. ``tol`` (absolute) replaces both rules. ``mistakes`` maps known wrong answers to
    a message that names the mistake, e.g. ``{23: "O = N - F + 1, not N - F"}``; a
    non-whole mistake is recognised however the learner rounded it (to 2 figures or more).
    A count given rounded (within 1%) is told to give it exactly.
    Every lesson's number questions use it.

    >>> check = number(6)
    >>> check(6) is None, check(6.0) is None, check(np.int64(6)) is None
    (True, True, True)
    >>> check(7)
    'your answer 7 is not the expected value.'
    >>> print(check("6"))
    expected a number, got a string '6': remove the quotes, so Python sees a number
    rather than text.
    >>> number(0.25 ** 10)(9.54e-07) is None
    True
    >>> print(number(0.25 ** 10)(9.5e-07))
    your answer 9.5e-07 is close: it gets 2 significant figures right; give at least 3
    (the digits are the issue, not the method).
    """
    expected = float(expected)
    whole = expected.is_integer()
    known = list(mistakes.items() if isinstance(mistakes, Mapping) else mistakes)

    def close(value: float, target: float, figures: int) -> bool:
        if tol is not None:
            return abs(value - target) <= tol
        if float(target).is_integer():
            return abs(value - target) <= 1e-6
        return _significant_figures(value, target) >= figures

    def matches(answer, wrong):  # a known mistake, however far the learner rounded it
        value = read_number(answer)  # (to 2 figures or more, but every figure typed is right)
        return close(value, float(wrong), max(2, min(_typed_figures(value), digits)))

    def check(answer):
        value = read_number(answer)
        if close(value, expected, digits):
            return None
        if not math.isfinite(value):
            return f"your answer {value} is not a finite number."
        # the mistake the answer is closest to: 25 is O * O itself before it is 24.5 rounded
        ranked = sorted(known, key=lambda item: -_significant_figures(value, float(item[0])))
        tailored = _mistake_message(answer, ranked, matches)
        if tailored:
            return tailored
        shown = int(value) if value.is_integer() and abs(value) < 1e15 else value
        if tol is None and whole and expected and abs(value - expected) <= 0.01 * abs(expected):
            return (f"your answer {shown} is within 1% of the expected count: give it exactly, "
                    "as a whole number (the rounding is the issue, not the method).")
        if tol is None and not whole:
            figures = _significant_figures(value, expected)
            if figures >= digits - 1:  # one figure short: the method is right
                return (f"your answer {shown} is close: it gets {figures} significant "
                        f"figure{'s' if figures > 1 else ''} right; give at least {digits} "
                        "(the digits are the issue, not the method).")
        return f"your answer {shown} is not the expected value."

    return _feedback_for_any_answer(check)


def _format_index(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ")" if len(index) != 1 else f"[{index[0]}]"


def _compare_arrays(answer: Any, expected: np.ndarray, atol: float = 1e-6, rtol: float = 0.0,
                   what: str = "Your array") -> str | None:
    """None when ``answer`` equals ``expected`` (within the tolerances), else what is off:
    the shape, or how many values differ and where the first is; a transposed or flipped
    answer is said to be one.

    >>> _compare_arrays([[1, 2], [3, 4]], np.array([[1, 3], [2, 4]]))  # doctest: +ELLIPSIS
    'the shape (2, 2) is right, but 2 of 4 values are off; ... It is the expected array transposed.'
    """
    values = read_array(answer)
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
        f"{_format_index(first)}, where you have {short_repr(values[first].item())}."
    )
    if values.ndim == 2 and values.shape[0] == values.shape[1]:
        if np.allclose(values.T, expected, atol=atol, rtol=rtol):
            message += " It is the expected array transposed."
    if values.size > 1 and np.allclose(values[tuple(slice(None, None, -1) for _ in
                                                    values.shape)], expected, atol=atol,
                                       rtol=rtol):
        message += " It is the expected array flipped (rotated 180 degrees)."
    return message


def array(expected: Any, atol: float = 1e-6, rtol: float = 0.0,
          mistakes: Sequence = ()) -> Checker:
    """Checker for an array of numbers (lists, NumPy arrays and TensorFlow tensors are read).

    Array questions in lessons 01-07.

    Wrong answers are told which part is off: the kind of value, the shape, or how many
    values differ and where the first one is. ``mistakes`` is a list of
    ``(wrong_array, message)`` pairs for known mistakes. Every lesson's array questions use
    it.

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


#: Names of a shape's entries, by its length, for messages such as "the width (entry 2)".
IMAGE_AXES = {3: ("height", "width", "channels"), 4: ("batch", "height", "width", "channels")}
#: The entries of a Conv2D kernel's shape (kh, kw, in, out), Keras's layout.
KERNEL_AXES = ("kernel height", "kernel width", "input channels", "filters")


def shape(expected: Sequence[int | None], mistakes: Mapping | Sequence = (),
          axes: Sequence[str] | None = None, batch: bool = True) -> Checker:
    """Checker for a shape such as (3, 3, 5). Feedback says which entry is off, not its value.

    Answers may be any sequence of whole numbers: a tuple, a list, a 1-D integer array, a
    ``TensorShape``. ``axes`` names the entries for the feedback (default: height, width,
    channels, with batch first for 4 entries; :data:`KERNEL_AXES` for a kernel). With
    ``batch`` (images), a leading ``None`` (Keras's batch axis) is accepted on either side;
    kernels have no batch axis (``batch=False``). Lessons 02-07 ask for shapes.

    >>> check = shape((3, 3, 5))
    >>> check((3, 3, 5)) is None, check([3, 3, 5]) is None, check((None, 3, 3, 5)) is None
    (True, True, True)
    >>> check((3, 3, 4))
    'the channels (entry 2) is off: you have 4.'
    >>> check((5, 3, 3))
    'the height (entry 0) and the channels (entry 2) are off. Channels come last in Keras.'
    """
    expected = read_shape(expected)
    names = tuple(axes) if axes is not None else IMAGE_AXES.get(len(expected))

    def compare(answer) -> str | None:
        got = read_shape(answer)
        if got == expected:
            return None
        if batch and len(got) == len(expected) + 1 and got[0] in (None, 1) \
                and got[1:] == expected:
            return None  # a Keras shape with its batch axis (None, or a test batch of one)
        if batch and len(expected) == len(got) + 1 and expected[0] is None \
                and expected[1:] == got:
            return None
        if len(got) != len(expected):
            extra = ("" if batch or None not in got else
                     " A kernel has no batch axis: leave out the None.")
            entries = f"{len(got)} entr{'y' if len(got) == 1 else 'ies'}"
            return (f"your shape {got} has {entries}; the expected shape has "
                    f"{len(expected)}.{extra}")
        off = [i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]

        def name(i):
            return f"the {names[i]} (entry {i})" if names else f"entry {i}"

        if len(off) == 1:
            return f"{name(off[0])} is off: you have {got[off[0]]}."
        message = " and ".join(name(i) for i in off) + " are off."
        if axes is None and names and sorted(got, key=str) == sorted(expected, key=str):
            message += " Channels come last in Keras."
        return message

    def matches(answer, wrong):
        return read_shape(answer) == read_shape(wrong)

    def check(answer):
        message = compare(answer)
        if message is None:
            return None
        return _mistake_message(answer, mistakes, matches) or message

    return _feedback_for_any_answer(check)


def _argument(value) -> str:
    """An argument as a call shows it: arrays by their shape, other values by their repr."""
    if isinstance(value, np.ndarray) and value.size > 4:
        return f"<{'x'.join(map(str, value.shape))} array>"
    return short_repr(value, 40)


def _format_call(name: str, args: tuple, kwargs: dict) -> str:
    parts = [_argument(a) for a in args] + [f"{k}={_argument(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _compare_results(result: Any, expected: Any, atol: float) -> str | None:
    if result is None and expected is not None:
        return "it returned None: is a `return` statement missing?"
    if isinstance(expected, int | float | np.number) and not isinstance(expected, bool):
        try:
            value = read_number(result)
        except UnreadableAnswer as error:
            return f"it returned something else: {error}."
        if math.isclose(value, float(expected), abs_tol=atol, rel_tol=0):
            return None
        return f"it returned {short_repr(result)}, which is not the expected value."
    if isinstance(expected, tuple) and all(isinstance(e, int | np.integer) for e in expected):
        try:
            got = read_shape(result)
        except UnreadableAnswer as error:
            return f"it returned something else: {error}."
        return None if got == tuple(int(e) for e in expected) else (
            f"it returned {got}, which is not the expected tuple."
        )
    if isinstance(expected, np.ndarray | list | tuple):
        return _compare_arrays(result, np.asarray(expected, dtype=float), atol, 0.0,
                               what="the returned array")
    if result == expected:
        return None
    return f"it returned {short_repr(result)}, which is not the expected value."


def function(cases: Iterable, reference: Callable | None = None, atol: float = 1e-6,
             mistakes: Sequence[tuple[Callable, str]] = ()) -> Checker:
    """Checker for a function the learner writes: runs it on test cases.

    ``cases`` is a list of argument tuples (a dict for keyword arguments is allowed as a
    last element). Expected results come from ``reference(*args)`` when a reference is
    given; otherwise each case is a pair ``(args, expected)``. Results are compared as
    numbers, tuples (shapes) or arrays (with ``atol``). When the learner's function raises,
    the feedback names the exception and the call that raised it. ``mistakes`` is a list of
    ``(wrong_function, message)``: when the learner's function gives a wrong function's
    results on every case, that mistake's message is given. Lesson 01 (q4) and later lessons
    ask for functions.

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
        call, expected = (case if reference is None else (case, None))
        call = tuple(call) if isinstance(call, tuple | list) else (call,)
        kwargs = call[-1] if call and isinstance(call[-1], dict) else {}
        args = call[:-1] if kwargs else call
        if reference is not None:
            expected = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        prepared.append((args, kwargs, expected))
    if not prepared:
        raise ValueError("cases must hold at least one test case")

    def known_mistake(answer) -> str | None:
        """The message of the wrong function that gives the learner's result on every case."""
        for wrong, message in mistakes:
            try:
                if all(_compare_results(answer(*copy.deepcopy(args), **copy.deepcopy(kwargs)),
                                        wrong(*copy.deepcopy(args), **copy.deepcopy(kwargs)),
                                        atol) is None
                       for args, kwargs, _ in prepared):
                    return message
            except Exception:
                continue
        return None

    def check(answer):
        if not callable(answer) or inspect.isclass(answer) or is_keras_model(answer) \
                or type(answer).__module__.startswith(("keras", "tf_keras")):
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
                return known_mistake(answer) or f"on {call} {message}"
        return None

    return _feedback_for_any_answer(check)
