"""Checker builders: what a "Check yourself" question compares the learner's answer with.

A checker is any function ``checker(answer) -> str | None``: None means correct, a string is
the feedback for a wrong answer. The builders make the usual ones (:func:`number`,
:func:`array`, :func:`shape`, :func:`function`); each known mistake can carry its own
message. Checkers may raise :class:`~course_utils.exercises.answers.UnreadableAnswer` (or
anything else): :class:`~course_utils.exercises.Exercise` turns it into feedback.
"""

from __future__ import annotations

import copy
import dis
import functools
import inspect
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..validation import describe, is_keras_model, short_repr
from .answers import (
    SHAPE_EXAMPLE,
    UnreadableAnswer,
    as_printed,
    entry_place,
    ordinal,
    read_array,
    read_number,
    read_shape,
)
from .placeholder import ____

#: What a function that returns, or trips on, the ``____`` placeholder is told.
_PLACEHOLDER_MET = ("an unanswered placeholder: is an earlier question's function still "
                    "unwritten?")

__all__ = ["Checker", "number", "array", "shape", "function", "CalledOnce", "called_once",
           "IMAGE_AXES", "KERNEL_AXES"]

Checker = Callable[[Any], "str | None"]


#: The failing case of the last function check whose feedback elided an argument.
_FAILED_CASE: dict = {"case": None}


def last_failing_case(forget: bool = False) -> tuple[tuple, dict] | None:
    """``(args, kwargs)`` of the test case the last :func:`function` check failed on, when
    its feedback showed an argument only as ``<7x7x3 array>``; None if there is none.
    ``forget=True`` clears it (an exercise does so before each check).

    Lesson 02's q6 and q7 and every later function question hand it to the learner.
    """
    case = _FAILED_CASE["case"]
    if forget:
        _FAILED_CASE["case"] = None
    return case


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

    ``value`` has k figures right when, rounded to k significant figures, it reads as
    ``expected`` rounded to k figures (either way at a half: 12 and 13 both have 2 of 12.5), or
    when it lies within half a unit of the k-th figure of ``expected`` at the same order of
    magnitude (0.05565 has 3 of 0.055625 right, as 0.0556 does). A value cut instead of rounded
    is one off in its last figure, as a value rounded up too far is, and is counted alike:
    9.54e-07 has 3 of 9.5367e-07 right, 9.53e-07 and 9.55e-07 have 2; 0.0655 has 3 of
    0.065465, 0.0654 and 0.0656 have 2; 4e-04 has 1 of 3.91e-04 (it rounds to 4e-04). The count
    is the largest such k, not the first k that fails: 0.0775, sqrt(6 / 1000) = 0.077459...
    rounded to 3 figures, has 3 right although 0.0775 rounded again to 2 figures reads 0.078.

    >>> _significant_figures(9.54e-07, 0.25 ** 10), _significant_figures(9.5e-07, 0.25 ** 10)
    (3, 2)
    >>> _significant_figures(9.53e-07, 0.25 ** 10), _significant_figures(4e-04, 3.91e-04)
    (2, 1)
    >>> [_significant_figures(v, 0.065465) for v in (0.0655, 0.0654, 0.0656, 0.06545)]
    [3, 2, 2, 3]
    >>> _significant_figures(0.048, 2 / 40.97), _significant_figures(0.049, 2 / 40.97)
    (1, 2)
    >>> _significant_figures(12, 12.5), _significant_figures(13, 12.5)
    (2, 2)
    >>> _significant_figures(8.0, 12.5), _significant_figures(1.0, 0.25 ** 10)
    (0, 0)
    >>> _significant_figures(0.0775, 0.0774597), _significant_figures(0.055, 0.0547723)
    (3, 2)
    >>> _significant_figures(0.1, 0.0999), _significant_figures(0.0775, 0.0791)
    (2, 1)
    >>> _significant_figures(0.05565, 0.055625), _significant_figures(0.0557, 0.055625)
    (3, 2)
    """
    if value == expected:
        return 15
    if expected == 0 or value == 0 or not math.isfinite(value):
        return 0
    def right(k: int) -> bool:
        targets = (_leading_figures(expected, k, 0.5), _leading_figures(expected, k, 0.5 - 1e-6))
        if _leading_figures(value, k, 0.5) in targets:
            return True
        exponent = math.floor(math.log10(abs(expected)))
        return (math.floor(math.log10(abs(value))) == exponent and (value > 0) == (expected > 0)
                and abs(value - expected) <= 0.5 * 10.0 ** (exponent - k + 1) * (1 + 1e-9))

    return max((k for k in range(1, 16) if right(k)), default=0)


def _rounded_form(value: float, expected: float) -> str | None:
    """How ``value`` is the whole number ``expected`` rounded or cut, or None if it is not.

    A rounding of a count of 100 or more is the count written with fewer significant figures:
    776300, 776000 and 780000 are 776326 rounded (half up) or cut after 4, 3 and 2 figures.
    Nothing else is, however close: 776208 (the biases left out) is not, and a count below 100
    has no rounding (nobody rounds a size of 14 to 10, or 45 to 40: a slip gives them). One
    figure proves nothing either: 800 for 880 is as likely 50 * 16 as 880 cut.

    >>> _rounded_form(776_300, 776_326), _rounded_form(780_000, 776_326)
    ('rounded to 4 significant figures', 'rounded to 2 significant figures')
    >>> _rounded_form(24_800_000, 24_887_296), _rounded_form(776_208, 776_326) is None
    ('cut after 3 significant figures', True)
    >>> _rounded_form(10, 14) is None, _rounded_form(900, 880), _rounded_form(800, 880)
    (True, None, None)
    >>> _rounded_form(880, 883)
    'rounded to 2 significant figures'
    """
    if value == expected or value == 0 or not math.isfinite(value) \
            or (value > 0) != (expected > 0) or not float(value).is_integer():
        return None
    size = len(str(int(abs(expected))))   # the count's figures: 6 for 776326
    if abs(expected) < 100:
        return None
    for figures in range(2, size):  # the fewest figures (2 or more) that give the answer
        place = 10 ** (size - figures)
        cut = math.floor(abs(expected) / place) * place
        rounded = math.floor(abs(expected) / place + 0.5) * place
        if abs(value) == rounded:
            return f"rounded to {figures} significant figures"
        if abs(value) == cut:
            return f"cut after {figures} significant figures"
    return None


def _misrounded(value: float, expected: float, figures: int) -> bool:
    """True when ``value``, given with ``figures`` significant figures, is ``expected``
    correctly rounded (half up) to that many figures but for its last figure, which is one too
    high or too low: 0.0557 or 0.0555 for 0.055625 (0.0556); 0.0654 (the value cut) or 0.0656
    for 0.065465 (0.0655). 0.0653 is two from 0.0655, so it is not called misrounded."""
    if value == 0 or expected == 0 or not math.isfinite(value):
        return False
    sign, exponent, digits = _leading_figures(value, figures, 0.5)
    right_sign, right_exponent, right_digits = _leading_figures(expected, figures, 0.5)
    return (sign, exponent) == (right_sign, right_exponent) and abs(digits - right_digits) == 1


def number(expected: float, tol: float | None = None, mistakes: Mapping | Sequence = (),
           digits: int = 3) -> Checker:
    """Checker for one number.

    Number questions in lessons 01-07.

    A whole ``expected`` (a count, a size) must be matched exactly (to 1e-6); any other
    value is matched when the answer gets ``digits`` significant figures right, so an answer
    rounded to 3 figures passes. ``tol`` (absolute) replaces both rules. ``mistakes`` maps
    known wrong answers to a message that names the mistake, e.g.
    ``{23: "O = N - F + 1, not N - F"}``; a non-whole mistake is recognised however the
    learner rounded it (to 2 figures or more).

    Beyond the known mistakes, a message names a cause only when the answer proves it: a
    count given rounded or cut (776300 or 776000 for 776326) is told to give it exactly; an
    answer typed with fewer than ``digits`` figures, all of them right, is told to give more;
    one typed with enough figures but its last one off by one is told so (misrounded, or
    computed a little off: the answer cannot tell which).
    Anything else, however close, is "not the expected value" (776208 for 776326 is a
    method error, the biases left out, not a rounding). Every lesson's number questions use
    it.

    >>> check = number(6)
    >>> check(6) is None, check(6.0) is None, check(np.int64(6)) is None
    (True, True, True)
    >>> check(7)
    'your answer 7 is not the expected value.'
    >>> print(check("6"))
    expected a number, got a string '6': remove the quotes, so Python sees a number
    rather than text.
    >>> print(number(776_326)(776_300))
    your answer 776300 is the expected count rounded to 4 significant figures: give it
    exactly, as a whole number.
    >>> number(0.25 ** 10)(9.54e-07) is None
    True
    >>> print(number(0.25 ** 10)(9.5e-07))
    your answer 9.5e-07 has 2 significant figures, and they are right: give at least 3.
    (Python drops trailing zeros: if you typed 9.50e-07, its 3rd figure is off.)
    >>> print(number(1 / 64 + 1 / 25)(0.0557))
    your answer 0.0557 is one off in its 3rd significant figure (the first 2 are right):
    misrounded, or computed a little off. Compute the exact value and round it to 3 figures.
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
        if (isinstance(answer, tuple) and len(answer) == 2 and not whole
                and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                        for v in answer)
                and close(float(f"{answer[0]}.{answer[1]}"), expected, digits)):
            return (f"Python read {answer[0]},{answer[1]} as two numbers, {answer}: write the "
                    f"decimal with a point, {answer[0]}.{answer[1]}.")
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
        if tol is None and whole:
            rounding = _rounded_form(value, expected)
            if rounding:
                return (f"your answer {shown} is the expected count {rounding}: give it "
                        "exactly, as a whole number.")
            if not value.is_integer():  # a fact about the answer asked for, not a cause
                return f"your answer {shown} is not the expected value, which is a whole number."
        if tol is None and not whole:
            typed = _typed_figures(value)
            right = _significant_figures(value, expected)
            if typed == 1 and right >= 1:   # one figure cannot tell a right method
                return (f"your answer {shown} has 1 significant figure, too few to tell: give "
                        f"at least {digits}. (Python drops trailing zeros: if you typed "
                        f"{value:#.{digits}g}, it is not the expected value.)")
            if typed < digits and right >= typed:
                figures = f"{typed} significant figure" + ("s, and they are" if typed > 1
                                                             else ", and it is")
                # Python keeps no trailing zero: 0.0490 typed arrives as 0.049 (and is wrong)
                padded = f"{value:#.{digits}g}"
                return (f"your answer {shown} has {figures} right: give at least {digits}. "
                        f"(Python drops trailing zeros: if you typed {padded}, its "
                        f"{ordinal(digits)} figure is off.)")
            if typed == digits and _misrounded(value, expected, typed):
                return (f"your answer {shown} is one off in its {ordinal(typed)} significant "
                        f"figure (the first {typed - 1} {'are' if typed > 2 else 'is'} right): "
                        "misrounded, or computed a little off. Compute the exact value and "
                        f"round it to {digits} figures.")
        return f"your answer {shown} is not the expected value."

    return _feedback_for_any_answer(check)


def _format_index(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ")" if len(index) != 1 else f"[{index[0]}]"


def _size_one_axes(shape: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """What differs between two shapes with as many values: only axes of size 1, or more.

    >>> print(_size_one_axes((1, 2, 3), (2, 3)))
    It is the expected shape with an added axis of size 1: remove it (np.squeeze, or
    reshape to (2, 3)).
    >>> print(_size_one_axes((2, 2, 1, 1), (2, 2)))
    It is the expected shape with 2 added axes of size 1: remove them (np.squeeze, or
    reshape to (2, 2)).
    >>> print(_size_one_axes((2, 3), (2, 1, 3)))
    It is the expected shape without its axis of size 1: add it (reshape to (2, 1, 3)).
    >>> _size_one_axes((4,), (2, 2))
    'Same number of values, different arrangement: reshape it?'
    """
    if [d for d in shape if d != 1] != [d for d in expected if d != 1]:
        return "Same number of values, different arrangement: reshape it?"
    extra = len(shape) - len(expected)
    if extra > 1:
        return (f"It is the expected shape with {extra} added axes of size 1: remove them "
                f"(np.squeeze, or reshape to {expected}).")
    if extra == 1:
        return (f"It is the expected shape with an added axis of size 1: remove it (np.squeeze, "
                f"or reshape to {expected}).")
    return (f"It is the expected shape without its axis of size 1: add it (reshape to "
            f"{expected}).")


def _compare_arrays(answer: Any, expected: np.ndarray, atol: float = 1e-6, rtol: float = 0.0,
                   what: str = "your array", passes_at: float | None = None) -> str | None:
    """None when ``answer`` equals ``expected`` (within the tolerances), else what is off:
    the shape, or how many values differ and where the first is; a transposed or flipped
    answer is said to be one.

    >>> _compare_arrays([[1, 2], [3, 4]], np.array([[1, 3], [2, 4]]))  # doctest: +ELLIPSIS
    'the shape (2, 2) is right, but 2 of 4 values are off; ... It is the expected array transposed.'
    """
    values = read_array(answer)
    if values.ndim == 0 and expected.size > 1:
        subject = "your answer" if what == "your array" else what
        return (f"{subject} is one number, {short_repr(values.item())}; {expected.size} values "
                f"are expected, shape {expected.shape}.")
    if values.shape != expected.shape:
        message = f"{what} has shape {values.shape}; the expected shape is {expected.shape}."
        if values.size == expected.size and values.ndim != expected.ndim:
            message += " " + _size_one_axes(values.shape, expected.shape)
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
    # A function's test case is not the question's answer: its expected value can be shown.
    there = (f" and the expected value is {short_repr(expected[first].item())}"
             if what == "the returned array" else "")
    message = (
        f"the shape {values.shape} is right, but {count} of {values.size} "
        f"values {'is' if count == 1 else 'are'} off; the first is at index "
        f"{_format_index(first)}, where you have {short_repr(values[first].item())}{there}."
    )
    transposed = (values.ndim == 2 and values.shape[0] == values.shape[1]
                  and np.allclose(values.T, expected, atol=atol, rtol=rtol))
    flipped = values.size > 1 and np.allclose(
        values[tuple(slice(None, None, -1) for _ in values.shape)], expected, atol=atol,
        rtol=rtol)
    if transposed:
        # On some arrays both hold: say it once, as one fact, not as two rival causes.
        message += (" It is the expected array transposed, which on this case is also the "
                    "array flipped (rotated 180 degrees)." if flipped else
                    " It is the expected array transposed.")
    elif flipped:
        message += (" They are the expected values in reverse order." if values.ndim == 1 else
                    " It is the expected array flipped (rotated 180 degrees).")
    elif values.ndim == 1 and np.allclose(np.sort(values), np.sort(expected), atol=atol,
                                          rtol=rtol):
        message += " They are the expected values, in another order."
    # passes_at: the difference a rounded value may have and pass (when it is not atol)
    return message + _rounded_array_note(values, expected,
                                         atol if passes_at is None else passes_at,
                                         rtol if passes_at is None else 0.0)


def _rounded_array_note(values: np.ndarray, expected: np.ndarray, atol: float,
                        rtol: float) -> str:
    """' Every value is the expected one rounded to 2 decimal places: ...' when ``values`` is
    exactly ``expected`` rounded (or cut) after some number of decimals, which names the fewest
    decimals the check accepts; '' otherwise (nothing proves a rounding). A rounding that turns
    a value into 0 proves nothing (an array of zeros is a likelier mistake), so it is not named.

    >>> _rounded_array_note(np.array([0.12, -0.17]), np.array([0.1234, -0.1666]), 1e-3, 0)
    ' Every value is the expected one rounded to 2 decimal places: give at least 3.'
    >>> _rounded_array_note(np.array([0.12, -0.16]), np.array([0.1234, -0.1666]), 1e-3, 0)
    ' Every value is the expected one cut after 2 decimal places: give at least 3.'
    >>> _rounded_array_note(np.array([0.13, -0.17]), np.array([0.1234, -0.1666]), 1e-3, 0)
    ''
    >>> _rounded_array_note(np.zeros(2), np.array([0.1234, -0.1666]), 1e-3, 0)
    ''
    """
    def accepted(decimals: int) -> bool:
        return bool(np.allclose(np.round(expected, decimals), expected, atol=atol, rtol=rtol))

    needed = next((d for d in range(16) if accepted(d)), None)
    if needed is None:
        return ""
    for decimals in range(needed):
        scale = 10.0 ** decimals
        for how, form in (("rounded to", np.round(expected, decimals)),
                          ("cut after", np.trunc(expected * scale) / scale)):
            if np.count_nonzero(form) == np.count_nonzero(expected) \
                    and np.allclose(values, form, atol=1e-12, rtol=1e-9):
                places = f"{decimals} decimal place{'' if decimals == 1 else 's'}"
                return (f" Every value is the expected one {how} {places}: give at least "
                        f"{needed}.")
    return ""


def _to_decimals(values: np.ndarray, expected: np.ndarray, decimals: int) -> np.ndarray:
    """``values`` with every entry that is its expected value, or that value rounded after
    ``decimals`` decimal places or more, or cut after more than ``decimals``, replaced by the
    expected value itself. A value cut after exactly ``decimals`` places is not: where it
    differs from the rounded one it is one off in its last decimal, as ``number`` says of a
    value cut after its last asked figure (0.126 for 0.12686 is misrounded; 0.1268 passes).

    >>> _to_decimals(np.array([0.127, 0.1268, 0.126]), np.full(3, 0.12686), 3)
    array([0.12686, 0.12686, 0.126  ])
    """
    accepted = np.isclose(values, expected, atol=1e-6, rtol=0.0)   # float32 computations too
    for places in range(decimals, 13):
        scale = 10.0 ** places
        forms = [np.round(expected, places)]
        if places > decimals:
            forms.append(np.trunc(expected * scale) / scale)
        for form in forms:
            accepted |= np.isclose(values, form, atol=1e-12, rtol=1e-9)
    return np.where(accepted, expected, values)


def array(expected: Any, atol: float = 1e-6, rtol: float = 0.0,
          mistakes: Sequence = (), decimals: int | None = None) -> Checker:
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
    'your array has shape (3, 3); the expected shape is (2, 2).'
    >>> print(check([[15, 16], [6, 14]]))
    the shape (2, 2) is right, but 1 of 4 values is off; the first is at index (1, 1),
    where you have 14.

    ``decimals=3`` asks for each value to 3 decimal places or more: a value passes when it is
    the expected one rounded after 3 or more decimals, or cut after 4 or more (not merely near
    it), as ``number`` rules; values one off in their last asked decimal (cut after 3 where
    rounding differs, too) are told so (lesson 06's dL/dscores).

    >>> check = array([0.12122, -0.17049], decimals=3)
    >>> check([0.121, -0.170]) is None, check([0.1212, -0.17049]) is None
    (True, True)
    >>> print(array([0.12122, -0.17049], decimals=3)([0.12, -0.17]))
    the shape (2,) is right, and every value is the expected one rounded to 2 decimal places:
    give at least 3.
    >>> print(check([0.122, -0.170]))
    the shape (2,) is right, but 1 of 2 values is off; the first is at index [0], where you
    have 0.122. Each value that is off is one off in its 3rd decimal: misrounded, or computed
    a little off.
    """
    expected = np.asarray(expected, dtype=float)
    if decimals is not None:   # a known mistake is recognised however the learner rounded it
        atol, rtol = 0.5 * 10.0 ** -decimals + 1e-12, 0.0

    def matches(answer, wrong):
        return _compare_arrays(answer, np.asarray(wrong, dtype=float), atol, rtol) is None

    def compare(answer) -> str | None:
        if decimals is None:
            return _compare_arrays(answer, expected, atol, rtol)
        values = read_array(answer)
        if values.shape != expected.shape or not np.all(np.isfinite(values)):
            return _compare_arrays(answer, expected, atol, rtol)
        values = as_printed(values)
        snapped = _to_decimals(values, expected, decimals)
        message = _compare_arrays(snapped, expected, 1e-12, 1e-9, passes_at=atol)
        if message is None:
            return None
        rounded = _rounded_array_note(values, expected, atol, 0.0)
        if rounded:   # every value right to fewer decimals: say only that
            return f"the shape {values.shape} is right, and e{rounded.strip()[1:]}"
        off = ~np.isclose(snapped, expected, atol=1e-12, rtol=1e-9)
        unit = 10.0 ** -decimals
        near = np.isclose(np.abs(snapped - np.round(expected, decimals)), unit, atol=unit * 1e-6)
        if np.all(near[off]):
            message += (f" Each value that is off is one off in its {ordinal(decimals)} "
                        "decimal: misrounded, or computed a little off.")
        elif np.all(np.abs(snapped - expected)[off] < unit):
            message += (f" Each value that is off is within {unit:g} of the expected one, but "
                        f"is not it rounded to {decimals} decimals: if you rounded along the "
                        "way, keep every digit and round only at the end.")
        return message

    def check(answer):
        message = compare(answer)
        if message is None:
            return None
        tailored = _mistake_message(answer, mistakes, matches)
        if tailored:
            return tailored
        numbers_typed = _numbers_typed_with_commas(answer, expected.size)
        if expected.ndim == 1 and numbers_typed:
            typed = ", ".join(",".join([str(g[0])] + [f"{v:03d}" for v in g[1:]])
                              for g in numbers_typed if len(g) > 1)
            plain = ", ".join(str(int("".join([str(g[0])] + [f"{v:03d}" for v in g[1:]])))
                              for g in numbers_typed)
            return (f"{message} If you typed numbers with thousands commas ({typed}), Python "
                    f"read each group as a number of its own: write ({plain}), or group the "
                    "digits with underscores.")
        return message

    return _feedback_for_any_answer(check)


def _numbers_typed_with_commas(answer: Any, count: int) -> list[tuple[int, ...]] | None:
    """The groups of ``answer`` when it reads as ``count`` numbers typed with thousands commas
    (``(20,490, 1,290)`` is (20, 490, 1, 290) in Python: (20, 490) and (1, 290)), at least one
    of them with a comma; None when no such reading exists. A later group of a comma literal is
    0 or 100-999 (``1,050`` is a SyntaxError), which is what makes a reading possible or not."""
    if not isinstance(answer, tuple | list) or not answer or count < 1 or len(answer) <= count \
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in answer):
        return None

    def readings(start: int, left: int):
        if start == len(answer):
            return [[]] if left == 0 else []
        if left == 0:
            return []
        found = []
        for end in range(start + 1, len(answer) + 1):
            group = tuple(answer[start:end])
            if len(group) > 1 and not (0 < group[0] < 1000 and all(
                    v == 0 or 100 <= v < 1000 for v in group[1:])):
                break
            found += [[group, *rest] for rest in readings(end, left - 1)]
        return found

    return next(iter(readings(0, count)), None)


#: Names of a shape's entries, by its length, for messages such as "the width (the second entry)".
IMAGE_AXES = {3: ("height", "width", "channels"), 4: ("batch", "height", "width", "channels")}
#: The entries of a Conv2D kernel's shape (kh, kw, in, out), Keras's layout.
KERNEL_AXES = ("kernel height", "kernel width", "input channels", "filters")


def _sized_example(error: UnreadableAnswer, entries: int, names=None) -> str:
    """``error``'s text with its example shape, (28, 28, 1), replaced by how many entries the
    expected shape has (and their names), without giving the values away.

    >>> print(_sized_example(UnreadableAnswer(f"expected a shape, {SHAPE_EXAMPLE}"), 2))
    expected a shape, a tuple of 2 whole numbers
    """
    example = f"a tuple of {entries} whole numbers" + (f", ({', '.join(names)})" if names else "")
    return str(error).replace(SHAPE_EXAMPLE, example)


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
    'the channels (the third entry) are off: you have 4.'
    >>> check((5, 3, 3))
    'the height (the first entry) and the channels (the third entry) are off. Channels come last
    in Keras.'
    >>> check((None, 3, 3, 4))
    'leaving out the batch axis (None), the channels (the third entry) are off: you have 4.'
    >>> shape((26, 26))(26)          # the example has the expected number of entries
    'expected a shape, a tuple of 2 whole numbers; got the number 26.'
    """
    expected = read_shape(expected)
    names = tuple(axes) if axes is not None else IMAGE_AXES.get(len(expected))

    def one_image(got):
        """``got`` without a leading batch axis (None, or a test batch of one), when it has one
        more entry than ``expected``: a Keras shape is then read as the one-image shape."""
        if batch and len(got) == len(expected) + 1 and got[0] in (None, 1):
            return got[1:]
        return got

    def compare(answer) -> str | None:
        try:
            given = read_shape(answer)
        except UnreadableAnswer as error:     # the example says how many entries, not which
            raise UnreadableAnswer(_sized_example(error, len(expected), names)) from None
        got = one_image(given)
        if got == expected:
            return None  # also a Keras shape with its batch axis
        if got is not given:  # the rest is judged as a one-image shape, and the message says so
            return f"leaving out the batch axis ({given[0]}), " + compare(got)
        if batch and len(expected) == len(got) + 1 and expected[0] is None \
                and expected[1:] == got:
            return None
        if len(got) != len(expected):
            extra = ("" if batch or None not in got else
                     " A kernel has no batch axis: leave out the None.")
            if batch and len(got) == len(expected) + 1 and got[1:] == expected:
                extra = (f" Its first entry, {got[0]}, stands where a batch axis would: give "
                         "the shape of one image, without it.")
            entries = f"{len(got)} entr{'y' if len(got) == 1 else 'ies'}"
            return (f"your shape {got} has {entries}; the expected shape has "
                    f"{len(expected)}.{extra}")
        off = [i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]

        def name(i):  # counted as a learner counts: the first entry, not entry 0
            place = entry_place(i)
            return f"the {names[i]} (the {place} entry)" if names else f"the {place} entry"

        if len(off) == 1:
            plural = bool(names) and names[off[0]].endswith("s")  # "the filters ... are off"
            return f"{name(off[0])} {'are' if plural else 'is'} off: you have {got[off[0]]}."
        message = " and ".join(name(i) for i in off) + " are off."
        if axes is None and names and sorted(got, key=str) == sorted(expected, key=str):
            message += " Channels come last in Keras."
        return message

    def matches(answer, wrong):
        return one_image(read_shape(answer)) == one_image(read_shape(wrong))

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


def _is_small_table(value) -> bool:
    """A pandas DataFrame (at most 8 x 8) or a 2-D NumPy array (at most 36 values, more than
    4) small enough to show whole in a message: the learner sees the case that failed."""
    if type(value).__module__.startswith("pandas") and type(value).__name__ == "DataFrame":
        return value.shape[0] <= 8 and value.shape[1] <= 8
    return (isinstance(value, np.ndarray) and value.ndim == 2 and 4 < value.size <= 36
            and value.dtype.kind in "biuf")


def _table_text(value) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, separator=", ")
    return value.to_string()


def _parameter_names(function_: Callable, count: int) -> list[str]:
    """The names of the first ``count`` positional parameters of the learner's function."""
    try:
        names = [parameter.name for parameter in inspect.signature(function_).parameters.values()
                 if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    return (names + [f"argument {i + 1}" for i in range(len(names), count)])[:count]


def _format_call(name: str, args: tuple, kwargs: dict,
                 function_: Callable | None = None,
                 labels: Sequence[str | None] = ()) -> tuple[str, str]:
    """(the call as text, the tables it refers to): ``accuracy(matrix)`` and, on lines of
    their own, ``matrix`` as a small table, where an argument is a small DataFrame or 2-D
    array that one line would garble (a larger array stays ``<28x28 array>``). An argument
    with a label (``"DIGIT_FOUR"``, the name the learner can type) is shown as its label.

    >>> _format_call("f", (np.zeros((8, 8)), 2), {}, labels=["DIGIT_FOUR"])
    ('f(DIGIT_FOUR, 2)', '')
    """
    names = _parameter_names(function_, len(args)) if function_ is not None else []
    parts, tables = [], []
    for index, value in enumerate(args):
        label = names[index] if index < len(names) else f"argument {index + 1}"
        if index < len(labels) and labels[index]:
            parts.append(labels[index])
        elif _is_small_table(value):
            parts.append(label)
            tables.append((label, value))
        else:
            parts.append(_argument(value))
    for key, value in kwargs.items():
        if _is_small_table(value):
            parts.append(f"{key}={key}")
            tables.append((key, value))
        else:
            parts.append(f"{key}={_argument(value)}")
    shown = "".join(f"\n{label} was:\n" + textwrap.indent(_table_text(value), "    ")
                    for label, value in tables)
    return f"{name}({', '.join(parts)})", shown


def _compare_results(result: Any, expected: Any, atol: float) -> str | None:
    if result is None and expected is not None:
        return "it returned None: is a `return` statement missing?"
    if result is ____:                       # e.g. it calls an earlier question's blank function
        return f"it returned ____, {_PLACEHOLDER_MET}"
    if isinstance(expected, int | float | np.number) and not isinstance(expected, bool):
        try:
            value = read_number(result)
        except UnreadableAnswer as error:
            return f"it returned something else: {error}."
        if math.isclose(value, float(expected), abs_tol=atol, rel_tol=0):
            return None
        within = "" if float(expected).is_integer() and atol < 0.5 else f" (to within {atol:g})"
        return (f"it returned {short_repr(result)}; the expected value is "
                f"{short_repr(expected)}{within}.")
    if isinstance(expected, tuple) and all(isinstance(e, int | np.integer) for e in expected):
        try:
            got = read_shape(result)
        except UnreadableAnswer as error:
            return f"it returned something else: {_sized_example(error, len(expected))}."
        wanted = tuple(int(e) for e in expected)
        return None if got == wanted else f"it returned {got}; the expected value is {wanted}."
    if isinstance(expected, np.ndarray | list | tuple):
        return _compare_arrays(result, np.asarray(expected, dtype=float), atol, 0.0,
                               what="the returned array")
    if result == expected:
        return None
    return f"it returned {short_repr(result)}, which is not the expected value."


def _fingerprint(value: Any):
    """A hashable stand-in for an argument, equal for equal values (None when unknown), so
    that a learner's function runs once per distinct test case."""
    if value is None or isinstance(value, bool | int | float | str | complex | np.generic):
        return (type(value).__name__, value)
    if isinstance(value, np.ndarray):
        return None if value.dtype.kind == "O" else (
            "ndarray", value.dtype.str, value.shape, value.tobytes())
    if type(value).__module__.startswith("pandas") and hasattr(value, "to_numpy"):
        values = _fingerprint(np.asarray(value.to_numpy()))
        labels = tuple(repr(list(getattr(value, axis))) for axis in ("index", "columns")
                       if hasattr(value, axis))
        return None if values is None else (type(value).__name__, values, labels)
    if isinstance(value, list | tuple):
        items = tuple(_fingerprint(item) for item in value)
        return None if None in items else (type(value).__name__, items)
    if isinstance(value, dict):
        items = tuple(sorted((repr(key), _fingerprint(item)) for key, item in value.items()))
        return None if any(item is None for _, item in items) else ("dict", items)
    return None


class CalledOnce:
    """A learner's function that runs once per distinct set of arguments: a later call with
    equal arguments returns the first call's result (or raises its error) again.

    Every function question of lessons 01-07 runs the learner's function through it
    (:class:`~course_utils.exercises.Exercise` wraps the answer before any checker sees it),
    so a ``print`` inside it shows once per test case, however many known mistakes or
    follow-up checks compare its results. Results are shared, not copied: checkers only read
    them.

    >>> calls = []
    >>> double = CalledOnce(lambda x: calls.append(x) or 2 * x)
    >>> double(np.arange(3)).tolist(), double(np.arange(3)).tolist(), len(calls)
    ([0, 2, 4], [0, 2, 4], 1)
    """

    def __init__(self, function_: Callable):
        self.__wrapped__ = function_
        self.__name__ = getattr(function_, "__name__", "your_function")
        self.__qualname__ = getattr(function_, "__qualname__", self.__name__)
        self.__doc__ = getattr(function_, "__doc__", None)
        self._outcomes: dict = {}

    def __call__(self, *args, **kwargs):
        key = _fingerprint((args, kwargs))
        if key is None:
            return self.__wrapped__(*args, **kwargs)
        if key not in self._outcomes:
            try:
                self._outcomes[key] = (self.__wrapped__(*args, **kwargs), None)
            except (Exception, SystemExit) as error:  # the learner's code: remember it
                self._outcomes[key] = (None, error)
        result, error = self._outcomes[key]
        if error is not None:
            raise error
        return result

    def __getattr__(self, name):
        return getattr(self.__wrapped__, name)

    def __repr__(self) -> str:
        return repr(self.__wrapped__)


def called_once(answer: Any) -> Any:
    """``answer`` wrapped in :class:`CalledOnce` when it is a plain Python function (a
    ``def``, a lambda, a method or a partial); anything else, a Keras layer or model
    included, is returned as it is.

    Every function question of lessons 01-07 reads the learner's function through it.

    >>> called_once(len) is len, type(called_once(lambda x: x)).__name__
    (True, 'CalledOnce')
    """
    if isinstance(answer, CalledOnce):
        return answer
    if inspect.isfunction(answer) or inspect.ismethod(answer) \
            or isinstance(answer, functools.partial):
        return CalledOnce(answer)
    return answer


#: The instructions that read a name after a dot or import it (``keras.ops.max_pool``,
#: ``from tensorflow.nn import max_pool``): such a name is never the learner's own function.
_ATTRIBUTE_READS = frozenset({"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR", "IMPORT_FROM"})

#: The packages whose functions are never the learner's answer (``check(keras.ops.max_pool)``).
_LIBRARIES = frozenset({"builtins", "course_utils", "jax", "keras", "numpy", "scipy",
                        "tensorflow", "tf_keras", "torch"})


def _names_used(code, bound: frozenset = frozenset()) -> tuple[set[str], set[str]]:
    """The names a code object (and the functions inside it) reads: ``(plain, attributes)``.
    ``plain`` holds global and enclosing-scope names (a helper imported inside an outer
    function is a free variable); ``attributes`` the names read after a dot or imported
    from a module. A name the answer binds itself (a local, or a nested helper) is not a
    plain one, also where a comprehension reads it: on Python 3.11 a comprehension is a
    function of its own, and the local ``pool`` it reads is a free variable there (lesson
    03's reviewer was told "your function calls pool").

    >>> def answer(x):
    ...     pool = [max(row) for row in x]
    ...     return [pool[i] for i in range(np.size(pool))]
    >>> [sorted(names) for names in _names_used(answer.__code__)]
    [['max', 'np', 'range'], ['size']]
    """
    own = bound | set(code.co_varnames) | set(code.co_cellvars)
    plain = set(code.co_freevars) - bound
    attributes = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            plain.add(instruction.argval)
        elif instruction.opname in _ATTRIBUTE_READS:
            attributes.add(instruction.argval)
    for constant in code.co_consts:
        if inspect.iscode(constant):
            inner_plain, inner_attributes = _names_used(constant, frozenset(own))
            plain |= inner_plain
            attributes |= inner_attributes
    return plain, attributes


def _forbidden_used(function_: Callable, forbidden) -> list[str]:
    r"""The forbidden names ``function_`` uses, as its source calls them. A plain name bound
    to a function the learner defined beside it (same module: the notebook), the answer
    itself included, is their own: lesson 03's reviewer wrote ``def pool(window)`` and was
    told "your function calls pool" (the lesson's layer of that name), and q7's answer is
    itself called ``max_pool``, a name it may call recursively. A name read after a dot or
    imported (``keras.ops.max_pool``) is never theirs. Helpers are not searched in turn: the
    check reads the answer's own code.

    >>> namespace = {"__name__": "__main__"}
    >>> exec("def pool(w):\n    return max(w)\ndef top(x):\n    return pool(x)", namespace)
    >>> _forbidden_used(namespace["top"], ["pool"])
    []
    >>> namespace["pool"] = max                  # now the name holds someone else's function
    >>> _forbidden_used(namespace["top"], ["pool"])
    ['pool']
    >>> exec("def pool(x):\n    return np.pool(x)", namespace)   # theirs, calling a library's
    >>> _forbidden_used(namespace["pool"], ["pool"])      # (no source here: the bare name)
    ['pool']
    """
    code = getattr(function_, "__code__", None)
    if code is None:
        return []
    scope = dict(getattr(function_, "__globals__", {}))
    closure = getattr(function_, "__closure__", None) or ()
    for name, cell in zip(code.co_freevars, closure, strict=False):
        try:
            scope[name] = cell.cell_contents      # a function defined inside another one
        except ValueError:                        # a cell not filled yet
            pass
    module = getattr(function_, "__module__", None)
    plain, attributes = _names_used(code)
    used = []
    for name in sorted(set(forbidden) & (plain | attributes)):
        bound = scope.get(name)
        if name not in attributes and inspect.isfunction(bound) and bound.__module__ == module:
            continue                       # the learner's own function of that name
        used.append(_as_called(function_, name))
    return used


def _is_library_function(function_: Callable) -> bool:
    r"""True for a function of a library or of this course, which a learner passes when they
    hand in the helper the question asks them to write (``check(keras.ops.max_pool)``); not
    for the solutions in ``course_utils.exercises``.

    >>> learner = {"__name__": "__main__"}
    >>> exec("def mine(x):\n    return x", learner)
    >>> _is_library_function(np.maximum), _is_library_function(learner["mine"])
    (True, False)
    """
    module = getattr(function_, "__module__", None) or type(function_).__module__ or ""
    if module.startswith("course_utils.exercises"):
        return False                       # a question's own solution is an answer
    return inspect.isbuiltin(function_) or module.split(".")[0] in _LIBRARIES


def _as_called(function_: Callable, name: str) -> str:
    """``name`` as the learner's source calls it (``tf.nn.conv2d`` for ``conv2d``), when
    the source can be read; else the bare name. A call through a module is preferred to the
    bare name, which may be the learner's own function (``def max_pool``).

    >>> def max_pool(x, size):
    ...     return keras.ops.max_pool(x, size)
    >>> _as_called(max_pool, "max_pool")
    'keras.ops.max_pool'
    """
    try:
        source = inspect.getsource(function_)
    except (OSError, TypeError):
        return name
    found = (re.search(rf"((?:[A-Za-z_]\w*\.)+{re.escape(name)})\s*\(", source)
             or re.search(rf"((?:[A-Za-z_]\w*\.)*{re.escape(name)})\s*\(", source))
    return found.group(1) if found else name


def _same_result(result: Any, wrong: Any, atol: float) -> bool:
    """True when ``result`` is a known mistake's ``wrong`` result: as ``_compare_results``
    compares them, except that NaN where the mistake gives NaN counts as the same (a formula
    without its guard is NaN where it divides 0 by 0, and NaN never equals NaN).

    >>> _same_result(float("nan"), float("nan"), 1e-6), _same_result(1.0, float("nan"), 1e-6)
    (True, False)
    """
    try:
        a, b = np.asarray(result, dtype=float), np.asarray(wrong, dtype=float)
        if a.shape == b.shape and np.isnan(b).any():
            return bool(np.array_equal(np.isnan(a), np.isnan(b))
                        and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], atol=atol, rtol=0))
    except (TypeError, ValueError):
        pass
    return _compare_results(result, wrong, atol) is None


def function(cases: Iterable, reference: Callable | None = None, atol: float = 1e-6,
             mistakes: Sequence[tuple[Callable, str]] = (), about_cases: str = "",
             forbidden: Sequence[str] = (), labels: Sequence = ()) -> Checker:
    """Checker for a function the learner writes: runs it on test cases.

    ``cases`` is a list of argument tuples (a dict for keyword arguments is allowed as a
    last element). Expected results come from ``reference(*args)`` when a reference is
    given; otherwise each case is a pair ``(args, expected)``. Results are compared as
    numbers, tuples (shapes) or arrays (with ``atol``). The learner's function runs once
    per case (:class:`CalledOnce`); the feedback names the first case it fails, the
    exception if it raised, and shows a small DataFrame argument as a table.
    ``mistakes`` is a list of ``(wrong_function, message)``: when the learner's results are
    a wrong function's results on every case, that mistake's message is given.
    ``about_cases`` is a sentence about the cases added to the feedback on a failing case
    ("The check passes confusion matrices of 2 to 4 classes."). ``forbidden`` names the
    helpers that already do what the question asks (``"receptive_field"``): a function that
    calls one is told to write it without. ``labels``, one entry per case (None, or a text per
    positional argument, None for none), names an argument the learner can rebuild
    (``"DIGIT_FOUR"``) in the feedback, instead of ``<8x8 array>``; when an argument is shown
    so, :func:`last_failing_case` returns that case's ``(args, kwargs)``, which
    :attr:`Exercise.failing_case` hands the learner to rerun. Lesson 01 (q4) and later
    lessons ask for functions.

    >>> def double(x):
    ...     return 2 * x
    >>> check = function([(1,), (np.arange(3),)], reference=double)
    >>> check(double) is None
    True
    >>> check(lambda x: x + x + 1)
    'on <lambda>(1) it returned 3; the expected value is 2.'
    >>> function([(3,)], reference=lambda n: (n, n + 1))(lambda n: (n, n))
    'on <lambda>(3) it returned (3, 3); the expected value is (3, 4).'
    >>> check(lambda x: 1 / 0)
    'on <lambda>(1) your function raised ZeroDivisionError: division by zero'
    >>> print(check(double(3)))
    expected a function, got the number 6. Pass the function itself, without calling it:
    check(my_function), not check(my_function(...)).
    >>> print(function([(4,)], reference=double, forbidden=["sqrt"])(lambda x: np.sqrt(x)))
    your function calls np.sqrt, which already does what this question asks: write it
    without it (compare with it afterwards).
    >>> named = function([(np.ones((8, 8)),)], reference=double, labels=[("ONES",)])
    >>> named(lambda x: x).startswith("on <lambda>(ONES) the shape (8, 8) is right")
    True
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
    wrong_results: dict = {}   # (mistake, case) -> the wrong function's result, or an error

    def wrong_result(index: int, case: int):
        if (index, case) not in wrong_results:
            args, kwargs, _ = prepared[case]
            try:
                wrong_results[index, case] = mistakes[index][0](*copy.deepcopy(args),
                                                                **copy.deepcopy(kwargs))
            except Exception as error:
                wrong_results[index, case] = error
        return wrong_results[index, case]

    def known_mistake(results: list) -> str | None:
        """The message of the wrong function whose results are the learner's on every case."""
        for index, (_, message) in enumerate(mistakes):
            try:
                if all(not isinstance(wrong_result(index, case), Exception)
                       and _same_result(result, wrong_result(index, case), atol)
                       for case, result in enumerate(results)):
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
        unwrapped = inspect.unwrap(answer)
        if getattr(unwrapped, "__name__", None) in forbidden \
                and (unwrapped is reference or _is_library_function(unwrapped)):
            return (f"that is {answer.__name__} itself, which already does what this question "
                    "asks: write your own function (compare with it afterwards).")
        used = _forbidden_used(unwrapped, forbidden)
        if used:
            return (f"your function calls {' and '.join(used)}, which already "
                    f"do{'es' if len(used) == 1 else ''} what this question asks: write it "
                    "without it (compare with it afterwards).")
        answer = called_once(answer)
        name = getattr(answer, "__name__", "your_function")
        results, failure = [], None
        for args, kwargs, expected in prepared:   # each case once, in order
            try:
                result = answer(*copy.deepcopy(args), **copy.deepcopy(kwargs))
            except (Exception, SystemExit) as error:  # the learner's code: report it
                blank = (f": it met ____, {_PLACEHOLDER_MET}" if "_Placeholder" in str(error)
                         else "")
                failure = failure or (len(results), f"your function raised "
                                                    f"{type(error).__name__}: {error}{blank}")
                break
            results.append(result)
            if failure is None:
                try:
                    message = _compare_results(result, expected, atol)
                except Exception as error:
                    message = f"its result {describe(result)} could not be compared ({error})"
                if message:
                    failure = (len(results) - 1, message)
        if failure is None:
            return None
        if len(results) == len(prepared):
            tailored = known_mistake(results)
            if tailored:
                return tailored
        case, message = failure
        args, kwargs, _ = prepared[case]
        case_labels = labels[case] if case < len(labels) and labels[case] else ()
        call, tables = _format_call(name, args, kwargs, getattr(answer, "__wrapped__", answer),
                                    case_labels)
        if "<" in call[len(name):]:   # an argument shown as <7x7x3 array>: hand it over
            _FAILED_CASE["case"] = (copy.deepcopy(args), copy.deepcopy(kwargs))
        note = f"\n{about_cases}" if about_cases else ""
        return f"on {call} {message}{tables}{note}"

    return _feedback_for_any_answer(check)
