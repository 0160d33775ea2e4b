"""The generic input checks every course function shares, and how to describe a value.

A learner with nobody to ask needs an error that says what went wrong in their own terms, so
every check raises a ``ValueError`` or ``TypeError`` whose message names the argument, shows
the value it received and states the rule, before any computation starts::

    stride must be an int >= 1, got 0; S = 0 would never move the window

This module is the bottom of the package: it imports nothing from ``course_utils``.
``arithmetic`` and ``prepare`` build the convolution-specific checks on these.

Notation: N input size, F kernel (window) size, S stride, P padding, O output size.
"""

from __future__ import annotations

import inspect
import numbers
from typing import Any

import numpy as np

__all__ = [
    "describe",
    "short_repr",
    "is_keras_model",
    "is_tensor",
    "check_array",
    "check_int",
    "check_pair",
    "check_choice",
    "check_padding",
    "check_images",
    "check_input_shape",
    "IMAGE_LAYOUTS",
    "PADDING_RULE",
]

IMAGE_LAYOUTS = "(H, W) for one channel, (H, W, C) for one image, (B, H, W, C) for a batch"
PADDING_RULE = (
    "padding is 'valid' (no zeros), 'same' (TensorFlow's rule: O = ceil(N / S)), "
    "an int P >= 0 (P zeros on every side), a pair (P_h, P_w), "
    "or ((top, bottom), (left, right))"
)
_MAX_REPR = 60


def short_repr(value: Any, limit: int = _MAX_REPR) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters; never raises.

    Error messages and exercise feedback (lessons 00-07) quote values with it. A NumPy scalar
    shows as the number it holds: a learner's sum of an int array "returned 16", not
    "returned np.int64(16)".

    >>> short_repr(list(range(30)), 20)
    '[0, 1, 2, 3, 4, 5...'
    >>> short_repr(np.int64(16)), short_repr(np.float32(0.5))
    ('16', '0.5')
    """
    if isinstance(value, np.generic) and not isinstance(value, (np.str_, np.bytes_, np.void)):
        value = value.item()
    try:
        with np.printoptions(threshold=8, edgeitems=2):
            text = repr(value)
    except Exception:  # a repr that fails is still something we must describe
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_module(value: Any) -> str:
    return type(value).__module__ or ""


def is_keras_model(value: Any) -> bool:
    """True for a Keras model (or layer stack) object, without importing Keras.

    Taught in lesson 05 (exercise q7 receives models and functions that build them).

    >>> is_keras_model([1, 2])
    False
    """
    return _type_module(value).startswith(("keras", "tf_keras")) and hasattr(value, "layers")


def is_tensor(value: Any) -> bool:
    """True for a TensorFlow tensor or variable, without importing TensorFlow.

    Used wherever a lesson lets the learner pass ``tf.nn.conv2d``'s result (lessons 01-07).

    >>> is_tensor(np.zeros(3))
    False
    """
    return _type_module(value).startswith("tensorflow") and hasattr(value, "shape")


def describe(value: Any) -> str:
    """A short phrase for what ``value`` is, for error and feedback messages; never raises.

    Used by every error message of the course and by the exercises' feedback (lesson 01 on).

    >>> describe(None)
    'None'
    >>> describe([1, 2, 3])
    'a list of 3 items [1, 2, 3]'
    >>> describe(np.zeros((2, 3)))
    'a NumPy array of shape (2, 3) (dtype float64)'
    >>> describe("15")
    "a string '15'"
    >>> describe(1.5)
    'the number 1.5'
    """
    try:
        if value is None:
            return "None"
        if isinstance(value, bool | np.bool_):
            return f"the boolean {value}"
        if isinstance(value, str):
            return f"a string {short_repr(value)}"
        if isinstance(value, numbers.Number):  # NumPy scalars as plain numbers: 2.5, not
            plain = value.item() if isinstance(value, np.generic) else value  # np.float32(2.5)
            return f"the number {short_repr(plain)}"
        if isinstance(value, np.ndarray):
            return f"a NumPy array of shape {value.shape} (dtype {value.dtype})"
        if is_keras_model(value):
            return f"a Keras model ({type(value).__name__} named {getattr(value, 'name', '?')!r})"
        if is_tensor(value):
            return f"a TensorFlow tensor of shape {tuple(value.shape)}"
        if _type_module(value).startswith("keras"):
            return f"a Keras object ({type(value).__name__})"
        if isinstance(value, list | tuple | set | dict):
            text = (_a_kind(type(value).__name__)
                    + f" of {len(value)} item{'s' if len(value) != 1 else ''}")
            shown = short_repr(value)
            return f"{text} {shown}" if len(shown) <= 30 else text
        if inspect.isclass(value):
            return f"the class {value.__name__}"
        if callable(value):
            return f"the function {getattr(value, '__name__', short_repr(value))}"
        return _a_kind(type(value).__name__) + " object"
    except Exception:
        return _a_kind(type(value).__name__) + " object"


def _a_kind(kind: str) -> str:
    """'an Exercise', 'a dict': the article a type's name takes."""
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


def check_array(value, name: str, ndims=None, layout: str = "") -> np.ndarray:
    """``value`` as a NumPy array of finite real numbers, with a rank in ``ndims``.

    Behind every array argument of the helpers of lessons 01-07.

    Lists and integer arrays are accepted (they are not copied unless needed); strings,
    objects, complex numbers, NaN and infinity are refused. Used by every lesson's helpers.

    >>> check_array([[1, 2], [3, 4]], "x").shape
    (2, 2)
    >>> check_array([1.0, float("nan")], "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: x contains NaN or infinity (first at index (1,)); every value must be a finite ...
    """
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(
            f"{name} could not be read as an array ({error}); "
            f"{name} must be a rectangular array of numbers"
        ) from None
    if array.dtype.kind not in "biuf":
        kind = {"U": "strings", "S": "bytes", "O": "Python objects", "c": "complex numbers"}
        raise TypeError(
            f"{name} must hold real numbers, got {describe(value) if array.ndim else repr(value)}"
            f" ({kind.get(array.dtype.kind, 'dtype ' + str(array.dtype))}); "
            f"convert it first, e.g. np.asarray({name}, dtype=float)"
        )
    if ndims is not None and array.ndim not in ndims:
        expected = layout or " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(
            f"{name} must be {expected}; got a {array.ndim}-D array of shape {array.shape}"
        )
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        first = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{name} contains NaN or infinity (first at index {first}); "
            "every value must be a finite number"
        )
    return array


def check_int(value, name: str, minimum: int = 1, rule: str = "") -> int:
    """``value`` as a Python int that is at least ``minimum``.

    Used for every size, stride and count the lessons pass (lesson 01 on).

    >>> check_int(2, "stride")
    2
    >>> check_int(0, "stride", rule="S = 0 would never move the window")
    Traceback (most recent call last):
    ValueError: stride must be an int >= 1, got 0; S = 0 would never move the window
    """
    if type(value) is not int and (  # the common case first: checks run on every call
        isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral)
    ):
        raise TypeError(f"{name} must be an int >= {minimum}, got {describe(value)}")
    if value < minimum:
        raise ValueError(
            f"{name} must be an int >= {minimum}, got {value}" + (f"; {rule}" if rule else "")
        )
    return int(value)


def check_pair(value, name: str, minimum: int = 1, rule: str = "") -> tuple[int, int]:
    """``value`` (an int, or a pair for height and width) as a pair of ints >= ``minimum``.

    Keras accepts ``kernel_size=3`` and ``kernel_size=(3, 5)``; so does the course (lesson 01).

    >>> check_pair(3, "kernel_size")
    (3, 3)
    >>> check_pair((1, 2), "stride")
    (1, 2)
    """
    if isinstance(value, tuple | list | np.ndarray):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a pair (height, width) of ints >= {minimum}, "
                f"got {describe(value)}"
            )
        return tuple(check_int(v, name, minimum, rule) for v in value)
    number = check_int(value, name, minimum, rule)
    return number, number


def check_choice(value, name: str, choices) -> str:
    """``value`` as one of the strings ``choices`` (case-insensitive, returned in lower case).

    Used for ``padding`` (lesson 01) and pooling's ``mode`` (lesson 03).

    >>> check_choice("MAX", "mode", ("max", "average"))
    'max'
    """
    if isinstance(value, str) and value.lower() in choices:
        return value.lower()
    listed = ", ".join(repr(c) for c in choices)
    raise ValueError(f"{name} must be one of {listed}; got {describe(value)}")


def check_padding(padding, name: str = "padding", numeric: bool = True):
    """``padding`` as ``'valid'``, ``'same'`` or explicit ``((top, bottom), (left, right))``.

    The numeric forms follow ``keras.layers.ZeroPadding2D``: an int P, a pair (P_h, P_w), or
    ((top, bottom), (left, right)). ``numeric=False`` allows only the two strings (pooling).
    Taught in lesson 01, section 7 (what the zeros do: ``arithmetic.explicit_padding``).

    >>> check_padding("SAME")
    'same'
    >>> check_padding(1)
    ((1, 1), (1, 1))
    >>> check_padding(-1)
    Traceback (most recent call last):
    ValueError: padding must be an int >= 0, got -1; padding adds zeros, so it cannot be negative
    """
    if isinstance(padding, str):
        return check_choice(padding, name, ("valid", "same"))
    if not numeric:
        raise ValueError(
            f"{name} must be 'valid' or 'same' (Keras's pooling layers have no numeric "
            f"padding); got {describe(padding)}"
        )
    rule = "padding adds zeros, so it cannot be negative"
    if isinstance(padding, tuple | list) and len(padding) == 2:
        if all(isinstance(p, tuple | list) for p in padding):
            return tuple(check_pair(p, name, 0, rule) for p in padding)
        p_h, p_w = check_pair(padding, name, 0, rule)
        return (p_h, p_h), (p_w, p_w)
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool | np.bool_):
        p = check_int(padding, name, 0, rule)
        return (p, p), (p, p)
    raise ValueError(f"{name}: got {describe(padding)}; {PADDING_RULE}")


def check_images(x, name: str = "x") -> tuple[np.ndarray, int]:
    """``x`` as a batch (B, H, W, C), and the rank it came with (2, 3 or 4).

    Every operation of the course takes one channel, one image or a batch (lessons 01-02).

    >>> batch, ndim = check_images(np.zeros((4, 4)))
    >>> batch.shape, ndim
    ((1, 4, 4, 1), 2)
    """
    array = check_array(x, name, (2, 3, 4), IMAGE_LAYOUTS)
    if 0 in array.shape:
        raise ValueError(f"{name} is empty (shape {array.shape}); every axis needs a length >= 1")
    if array.ndim == 2:
        return array[np.newaxis, :, :, np.newaxis], 2
    if array.ndim == 3:
        return array[np.newaxis], 3
    return array, 4


def check_input_shape(input_shape, name: str = "input_shape") -> tuple[int, int, int]:
    """An (H, W) or (H, W, C) shape, without the batch axis, as (H, W, C).

    Shapes are how lessons 01-07 predict sizes and counts before Keras prints them.

    >>> check_input_shape((28, 28))
    (28, 28, 1)
    >>> check_input_shape((None, 28, 28, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: input_shape must be (H, W) or (H, W, C), got a tuple of 4 items ...
    """
    if not isinstance(input_shape, tuple | list) or len(input_shape) not in (2, 3):
        raise ValueError(
            f"{name} must be (H, W) or (H, W, C), got {describe(input_shape)}; for a batch, "
            "leave out N (x.shape[1:])"
        )
    sizes = tuple(check_int(size, name, 1) for size in input_shape)
    return sizes if len(sizes) == 3 else (*sizes, 1)
