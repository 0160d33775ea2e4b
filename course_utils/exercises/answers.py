"""Reading what a learner passed as a number, an array or a shape.

Each reader returns the value, or raises :class:`UnreadableAnswer` whose message is the
feedback to show ("expected a number, got a string '6': remove the quotes ..."). Checkers
(``checkers``) call them; :class:`~course_utils.exercises.Exercise` turns the exception into
feedback, so a learner never sees a traceback.
"""

from __future__ import annotations

import ast
import numbers
import re
from typing import Any

import numpy as np

from ..validation import describe, is_keras_model, is_tensor

__all__ = ["UnreadableAnswer", "ordinal", "entry_place", "as_printed", "read_number",
           "read_array", "read_shape", "typed_with_commas", "comma_readings"]


class UnreadableAnswer(Exception):
    """The answer cannot be read as the kind of value the exercise asks for; the message is
    the feedback. Raised by the readers in this module (every lesson's checkers use them).

    Behind the feedback of every exercise in lessons 01-07.
    """


def ordinal(n: int) -> str:
    """A learner's count (1-based) as an ordinal in digits: for figures and decimals.

    Used by the number and array feedback of every lesson (lessons 01-07).

    >>> ordinal(1), ordinal(3), ordinal(11), ordinal(22)
    ('1st', '3rd', '11th', '22nd')
    """
    if n < 1:
        raise ValueError(f"ordinal: n must be 1 or more (a count), got {n!r}")
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def entry_place(index: int) -> str:
    """A 0-based index as a learner counts it, for messages about entries and figures.

    Used by every lesson's shape questions (lessons 02-07) and number feedback.

    >>> entry_place(0), entry_place(2), entry_place(5), entry_place(20)
    ('first', 'third', '6th', '21st')
    """
    if index < 5:
        return ("first", "second", "third", "fourth", "fifth")[index]
    return ordinal(index + 1)


def as_printed(values: Any) -> np.ndarray:
    """``values`` in float64, a float32 (or float16) value read as the shortest decimal it
    prints as: float32 stores -0.17 as -0.1700000018, so a tape's gradient (float32) rounded
    to 3 decimals is read as the -0.17 the learner sees, and a message shows it so. A Python
    float that is such a float32 value (``.tolist()`` of a float32 array gives
    -0.17000000178813934) is read the same way; whole numbers are left as they are.

    Number and array answers of lessons 01-07 are read through it (lesson 06's tapes).

    >>> as_printed(np.array([-0.17, 0.1237], np.float32)).tolist()
    [-0.17, 0.1237]
    >>> as_printed(np.float32(0.049)).tolist(), as_printed(np.array([3])).tolist()
    (0.049, [3.0])
    >>> as_printed(np.float32([-0.17, 0.121]).tolist()).tolist()
    [-0.17, 0.121]
    >>> as_printed([0.048819, 15346630656.0, 0.1 + 0.2, 0.25 ** 9]).tolist()
    [0.048819, 15346630656.0, 0.30000000000000004, 3.814697265625e-06]
    """
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.floating) and np.finfo(values.dtype).bits < 64:
        return values.astype(str).astype(float)
    values = values.astype(float)
    with np.errstate(over="ignore", invalid="ignore"):
        single = values.astype(np.float32)
        noisy = (single.astype(float) == values) & np.isfinite(values) \
            & (values != np.round(values))
    if not noisy.any():
        return values
    # a float32 value read as a float prints 16-17 digits; 0.25 ** 9 (13 digits) stays as is
    long = np.vectorize(lambda v: len(repr(float(v)).split("e")[0].strip("-0.").replace(".", ""))
                        >= 15)(values)
    return np.where(noisy & long, single.astype(str).astype(float), values)


def _is_arithmetic(text: str) -> bool:
    """True when ``text`` is arithmetic on numbers alone, such as '1/3' or '3*3*64 + 80': what
    Python would compute if the quotes were not there ('180,000' is a tuple, so it is not).

    >>> _is_arithmetic("1/3"), _is_arithmetic("-(2**3) * 4.5"), _is_arithmetic("180,000")
    (True, True, False)
    >>> _is_arithmetic("x / 3"), _is_arithmetic("24"), _is_arithmetic("1/")
    (False, False, False)
    """
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    operators = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow, ast.USub,
                 ast.UAdd, ast.Mod)

    def numeric(node) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, int | float) and not isinstance(node.value, bool)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, operators) and numeric(node.operand)
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, operators) and numeric(node.left) and numeric(node.right)
        return False

    return isinstance(tree, ast.BinOp | ast.UnaryOp) and numeric(tree)


def read_number(answer: Any) -> float:
    """Read one number: an int, a float, a NumPy scalar or a one-element array.

    Every number question of lessons 01-07 reads answers with it.

    Used by every lesson's number questions.

    >>> read_number(np.int64(24)), read_number([24.0])
    (24.0, 24.0)
    >>> read_number("24")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    course_utils.exercises.answers.UnreadableAnswer: expected a number, got a string '24': ...
    """
    if isinstance(answer, bool | np.bool_):
        raise UnreadableAnswer(f"expected a number, got {describe(answer)}")
    if isinstance(answer, str):
        text = answer.strip()
        try:
            float(text)
        except ValueError:
            percent = _percentage(text)
            if percent is not None:
                raise UnreadableAnswer(
                    f"expected a number, got {describe(answer)}: remove the quotes and the %, "
                    f"and give the fraction rather than the percentage ({percent:g} % is "
                    f"{percent / 100:g})") from None
            decimal = _decimal_comma(text)
            if decimal is not None:
                raise UnreadableAnswer(
                    f"expected a number, got {describe(answer)}: remove the quotes, and write "
                    f"the decimal with a point, {decimal}, as Python does") from None
            if _is_arithmetic(text):
                raise UnreadableAnswer(
                    f"expected a number, got {describe(answer)}: remove the quotes, so Python "
                    f"computes {text} rather than keeping it as text") from None
            # '180,000' or '180 000': a number written with commas or spaces between its
            # groups of three digits ('180_000' is read by float() and handled below)
            groups = re.fullmatch(r"-?(\d{1,3})((?:[, ]\d{3})+)(\.\d+)?", text)
            if groups is None:
                raise UnreadableAnswer(f"expected a number, got {describe(answer)}") from None
            separators = " and the ".join(name for sign, name in ((",", "commas"), (" ", "spaces"))
                                          if sign in text)
            digits = re.sub("[, ]", "", text)
            raise UnreadableAnswer(
                f"expected a number, got {describe(answer)}: remove the quotes and the "
                f"{separators} ({digits}, or {re.sub('[, ]', '_', text)} with underscores), so "
                "Python sees a number rather than text"
            ) from None
        raise UnreadableAnswer(
            f"expected a number, got {describe(answer)}: remove the quotes, so Python "
            "sees a number rather than text"
        )
    if isinstance(answer, numbers.Real):
        return float(as_printed(answer))
    if isinstance(answer, numbers.Complex):
        raise UnreadableAnswer(f"expected a real number, got the complex number {answer!r}: "
                               "give its real part alone")
    if is_keras_model(answer) or answer is None or callable(answer):
        raise UnreadableAnswer(f"expected a number, got {describe(answer)}")
    if typed_with_commas(answer):
        typed = ",".join([str(answer[0])] + [f"{part:03d}" for part in answer[1:]])
        raise UnreadableAnswer(
            f"expected a single number, got {describe(answer)}. If you typed one number "
            f"with commas, {typed}, Python read it as {len(answer)} numbers: write "
            f"{typed.replace(',', '')} or {typed.replace(',', '_')} (underscores group digits)"
        )
    try:
        values = np.asarray(answer)
    except Exception:
        raise UnreadableAnswer(f"expected a number, got {describe(answer)}") from None
    if values.dtype.kind not in "iuf" or values.size != 1:
        what = describe(answer)
        if values.dtype.kind in "iuf" and values.size > 1:
            what += " (one number is asked for, not several)"
        raise UnreadableAnswer(f"expected a single number, got {what}")
    return float(as_printed(values.reshape(())))


def typed_with_commas(answer: Any) -> bool:
    """True when ``answer`` is a tuple that Python makes from a number typed with commas.

    ``answer = 180,000`` gives (180, 0) and ``answer = 57,802,752`` gives (57, 802, 752): the
    first group is 1 to 999 and every later one is 0 (typed 000) or 100 to 999. Any other
    later group cannot come from a comma literal (``6,006,256`` is a SyntaxError, leading
    zeros), so a shape such as (6, 6, 256) or (20, 20, 8) is not read as one. Every number
    question of lessons 01-07 uses it, through :func:`read_number`, and so does ``check(16,
    448)`` with several arguments.

    >>> typed_with_commas((180, 0)), typed_with_commas((16, 448)), typed_with_commas((6, 6, 256))
    (True, True, False)
    """
    return (isinstance(answer, tuple) and len(answer) >= 2
            and all(isinstance(part, int) and not isinstance(part, bool) for part in answer)
            and 0 < answer[0] < 1000
            and all(part == 0 or 100 <= part < 1000 for part in answer[1:]))


def comma_readings(answer: Any) -> list[tuple[int, int, int]]:
    """Each run ``answer[start:end]`` of two or more adjacent entries of a tuple or list that
    reads as one number typed with thousands commas (:func:`typed_with_commas`), as
    ``(start, end, number)``. ``q1.check(803,600)`` passes (803, 600) and ``(26, 803,600)`` is
    (26, 803, 600): a checker that finds an expected count among the numbers can give the
    comma advice instead of judging 803 and 600 (lesson 01's q3).

    >>> comma_readings((803, 600))
    [(0, 2, 803600)]
    >>> comma_readings((26, 803, 600))     # 26,803 and 26,803,600 and 803,600
    [(0, 2, 26803), (0, 3, 26803600), (1, 3, 803600)]
    >>> comma_readings((20, 20, 8)), comma_readings("803,600")
    ([], [])
    """
    if not isinstance(answer, tuple | list):
        return []
    return [(start, end, int("".join(f"{part:03d}" if n else str(part)
                                     for n, part in enumerate(answer[start:end]))))
            for start in range(len(answer)) for end in range(start + 2, len(answer) + 1)
            if typed_with_commas(tuple(answer[start:end]))]


def _decimal_comma(text: str) -> str | None:
    """'12,5' written with a decimal comma, as '12.5'; None when the comma could group
    thousands ('180,000', '1,500') or the text is no number."""
    whole, comma, fraction = text.partition(",")
    if not comma or "," in fraction or len(fraction) == 3:
        return None
    try:
        float(f"{whole}.{fraction}")
    except ValueError:
        return None
    return f"{whole}.{fraction}" if fraction.isdigit() else None


def _percentage(text: str) -> float | None:
    """The number in '5.56%' (or '5.56 %'), None for text that is not a percentage."""
    if not text.endswith("%"):
        return None
    try:
        return float(text[:-1].strip().replace(",", ""))
    except ValueError:
        return None


def _is_number_list_text(text: str) -> bool:
    """Whether text is a Python list or tuple of numbers (nested or not), e.g. '[[1, 2]]'."""
    try:
        values = np.asarray(ast.literal_eval(text.strip()))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return values.ndim > 0 and values.dtype.kind in "iuf"


def read_array(answer: Any) -> np.ndarray:
    """Read an array of numbers: lists, NumPy arrays and TensorFlow tensors.

    Every array question of lessons 01-07, and the custom checkers of lessons 01 and 02,
    read answers with it.

    Anything else (None, text, a Keras model, a ragged list) raises :class:`UnreadableAnswer`
    with a message that says so. Used by every lesson's array questions and custom checkers.

    >>> read_array([[1, 2], [3, 4]]).shape
    (2, 2)
    >>> read_array("[[1, 2]]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    course_utils.exercises.answers.UnreadableAnswer: expected an array ...: remove the quotes
    """
    if isinstance(answer, str) and _is_number_list_text(answer):
        raise UnreadableAnswer(f"expected an array of numbers, got {describe(answer)}: "
                               "remove the quotes")
    if answer is None or isinstance(answer, str) or is_keras_model(answer) or callable(answer):
        raise UnreadableAnswer(f"expected an array of numbers, got {describe(answer)}")
    if isinstance(answer, set | frozenset):
        raise UnreadableAnswer(f"expected an array of numbers, got {describe(answer)}: a set "
                               "has no order, so write it as a list, e.g. sorted(your_set)")
    if isinstance(answer, bool | np.bool_ | dict):
        raise UnreadableAnswer(f"expected an array of numbers, got {describe(answer)}")
    try:
        values = np.asarray(answer)
    except Exception:
        raise UnreadableAnswer(
            f"expected an array of numbers, got {describe(answer)} that NumPy cannot turn "
            "into a rectangular array (rows of different lengths?)"
        ) from None
    if values.dtype.kind == "b":
        values = values.astype(np.int64)
    if values.dtype.kind not in "iuf":
        if isinstance(answer, tuple | list):
            texts = [i for i, entry in enumerate(answer) if isinstance(entry, str)]
            if texts:
                raise UnreadableAnswer(
                    f"expected an array of numbers, got {describe(answer)} whose "
                    f"{entry_place(texts[0])} entry is text ({answer[texts[0]]!r}): remove the "
                    "quotes")
        raise UnreadableAnswer(
            f"expected an array of numbers, got {describe(answer)} whose entries are not "
            "all numbers (rows of different lengths, or text?)"
        )
    return values


#: The example a shape question gives when the answer is not a shape (its checker may say more).
SHAPE_EXAMPLE = "a tuple of whole numbers such as (28, 28, 1)"


def read_shape(answer: Any) -> tuple:
    """Read a shape: any sequence of whole numbers (a tuple, a list, a 1-D integer array, a
    TensorFlow ``TensorShape``; 8.0 reads as 8); ``None`` entries stand for Keras's batch
    axis.

    Used by every lesson's shape questions (lessons 02-07).

    >>> read_shape([3, 3, 5]), read_shape(np.array([3, 3, 5])), read_shape((None, 28, 28, 1))
    ((3, 3, 5), (3, 3, 5), (None, 28, 28, 1))
    """
    if is_keras_model(answer):
        raise UnreadableAnswer(
            f"expected a shape, {SHAPE_EXAMPLE}; got {describe(answer)}. "
            "Pass a shape such as model.output_shape, not the model"
        )
    if answer is None or isinstance(answer, str | bool | numbers.Number) or callable(answer):
        raise UnreadableAnswer(f"expected a shape, {SHAPE_EXAMPLE}; got {describe(answer)}")
    if isinstance(answer, np.ndarray) or (is_tensor(answer) and hasattr(answer, "numpy")):
        values = np.asarray(answer)
        if values.ndim != 1 or values.dtype.kind not in "iu" or values.size > 6:
            raise UnreadableAnswer(
                f"expected a shape, {SHAPE_EXAMPLE}; got {describe(answer)}. "
                "Pass its shape (for example x.shape), not the array itself"
            )
        return tuple(int(v) for v in values)
    try:
        items = tuple(answer)
    except Exception:
        raise UnreadableAnswer(
            f"expected a shape, {SHAPE_EXAMPLE}; got {describe(answer)}") from None
    result = []
    for item in items:
        if item is None:
            result.append(None)
        elif isinstance(item, numbers.Integral | np.integer) and not isinstance(item, bool):
            result.append(int(item))
        elif isinstance(item, float | np.floating) and float(item).is_integer():
            result.append(int(item))  # 8.0 from a size computed with /: the same size
        else:
            hint = (" (a size from / that is not whole: divide with // and add 1, as the "
                    "output-size formula does)" if isinstance(item, float | np.floating) else "")
            raise UnreadableAnswer(
                f"a shape holds whole numbers (or None for the batch), but yours holds "
                f"{describe(item)}{hint}"
            )
    return tuple(result)
