"""The input checks every course function shares.

A learner with nobody to ask needs an error that says what went wrong in their own terms, so
every check raises a ``ValueError`` or ``TypeError`` whose message names the argument, shows
the value it received and states the rule, before any computation starts::

    kernel has 3 input channels but x has 1; a Conv2D kernel is (kh, kw, in, out)

Building blocks (usable by any module): :func:`check_array`, :func:`check_int`,
:func:`check_pair`, :func:`check_choice`, :func:`check_padding`, :func:`check_images`.
One call per operation in ``ops`` checks and prepares all of its arguments:
:func:`check_conv2d_inputs`, :func:`check_conv2d_transpose_inputs`,
:func:`check_pool2d_inputs`, :func:`check_window_inputs`.

Notation: N input size, F kernel (window) size, S stride, P padding, O output size.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = [
    "check_array",
    "check_int",
    "check_pair",
    "check_choice",
    "check_padding",
    "check_images",
    "check_window_inputs",
    "check_conv2d_inputs",
    "check_conv2d_transpose_inputs",
    "check_pool2d_inputs",
    "check_conv_matrix_inputs",
    "WindowInputs",
    "ConvInputs",
    "ConvTransposeInputs",
]

IMAGE_LAYOUTS = "(H, W) for one channel, (H, W, C) for one image, (N, H, W, C) for a batch"
PADDING_RULE = (
    "padding is 'valid' (no zeros), 'same' (TensorFlow's rule: O = ceil(N / S)), "
    "an int P >= 0 (P zeros on every side), a pair (P_h, P_w), "
    "or ((top, bottom), (left, right))"
)
CONV2D_KERNEL = "a Conv2D kernel is (kh, kw, in, out), as layer.get_weights()[0] holds it"
TRANSPOSE_KERNEL = (
    "a Conv2DTranspose kernel is (kh, kw, out, in), as layer.get_weights()[0] holds it"
)


def _describe(value) -> str:
    """A short text for a received value: arrays by shape and dtype, other values by repr."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_array(value, name: str, ndims=None, layout: str = "") -> np.ndarray:
    """``value`` as a NumPy array of finite real numbers, with a rank in ``ndims``.

    Lists and integer arrays are accepted (they are not copied unless needed); strings,
    objects, complex numbers, NaN and infinity are refused.

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
            f"{name} must hold real numbers, got {_describe(value) if array.ndim else repr(value)}"
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

    >>> check_int(2, "stride")
    2
    >>> check_int(0, "stride", rule="S = 0 would never move the window")
    Traceback (most recent call last):
    ValueError: stride must be an int >= 1, got 0; S = 0 would never move the window
    """
    if type(value) is not int and (  # the common case first: checks run on every call
        isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral)
    ):
        raise TypeError(f"{name} must be an int >= {minimum}, got {_describe(value)}")
    if value < minimum:
        raise ValueError(
            f"{name} must be an int >= {minimum}, got {value}" + (f"; {rule}" if rule else "")
        )
    return int(value)


def check_pair(value, name: str, minimum: int = 1, rule: str = "") -> tuple[int, int]:
    """``value`` (an int, or a pair for height and width) as a pair of ints >= ``minimum``.

    >>> check_pair(3, "kernel_size")
    (3, 3)
    >>> check_pair((1, 2), "stride")
    (1, 2)
    """
    if isinstance(value, tuple | list | np.ndarray):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a pair (height, width) of ints >= {minimum}, "
                f"got {_describe(value)}"
            )
        return tuple(check_int(v, name, minimum, rule) for v in value)
    number = check_int(value, name, minimum, rule)
    return number, number


def check_choice(value, name: str, choices) -> str:
    """``value`` as one of the strings ``choices`` (case-insensitive, returned in lower case).

    >>> check_choice("MAX", "mode", ("max", "average"))
    'max'
    """
    if isinstance(value, str) and value.lower() in choices:
        return value.lower()
    listed = ", ".join(repr(c) for c in choices)
    raise ValueError(f"{name} must be one of {listed}; got {_describe(value)}")


def check_padding(padding, name: str = "padding", numeric: bool = True):
    """``padding`` as ``'valid'``, ``'same'`` or explicit ``((top, bottom), (left, right))``.

    The numeric forms follow ``keras.layers.ZeroPadding2D``: an int P, a pair (P_h, P_w), or
    ((top, bottom), (left, right)). ``numeric=False`` allows only the two strings (pooling).

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
            f"padding); got {_describe(padding)}"
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
    raise ValueError(f"{name}: got {_describe(padding)}; {PADDING_RULE}")


def check_images(x, name: str = "x") -> tuple[np.ndarray, int]:
    """``x`` as a batch (N, H, W, C), and the rank it came with (2, 3 or 4).

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


def _restorer(ndim: int) -> Callable[[np.ndarray], np.ndarray]:
    """A function that gives a (N, H, W, C) result back the rank of the input it came from.

    (H, W) inputs give (H', W') results when there is one output channel, (H', W', C')
    otherwise; (H, W, C) inputs give (H', W', C'); batches stay batches.
    """

    def restore(result: np.ndarray) -> np.ndarray:
        if ndim == 4:
            return result
        if ndim == 2 and result.shape[-1] == 1:
            return result[0, :, :, 0]
        return result[0]

    return restore


_FLOAT32 = np.dtype(np.float32)


def _float_dtype(dtype, *arrays: np.ndarray):
    """The dtype a computation runs in: ``dtype`` if given, else float32 when every input fits
    in float32 (as Keras's float32 weights do), else float64."""
    if dtype is not None:
        return np.dtype(dtype)
    if all(a.dtype == _FLOAT32 for a in arrays):  # Keras's case, and a quick answer
        return _FLOAT32
    return np.result_type(*(a.dtype for a in arrays), np.float32)


def _resolve_padding(padding, size, window, stride):
    """Explicit ((top, bottom), (left, right)) zeros for 'valid', 'same' or explicit padding."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        from .arithmetic import same_padding  # arithmetic imports this module at load time

        return tuple(same_padding(n, f, s) for n, f, s in zip(size, window, stride, strict=True))
    return padding


def _check_fits(size, window, pads, window_name: str, padding) -> None:
    """The window must fit inside the padded input: F <= N + P_before + P_after."""
    (top, bottom), (left, right) = pads
    padded = size[0] + top + bottom, size[1] + left + right
    if window[0] > padded[0] or window[1] > padded[1]:
        raise ValueError(
            f"{window_name} is {window[0]}x{window[1]} but the input is {size[0]}x{size[1]} "
            f"({padded[0]}x{padded[1]} after padding={padding!r}); the window must fit inside "
            f"the padded input: F <= N + 2P, so O = floor((N + 2P - F) / S) + 1 >= 1"
        )


class WindowInputs(NamedTuple):
    """Checked arguments of a sliding-window operation (im2col, pooling)."""

    x: np.ndarray  # (N, H, W, C)
    window: tuple[int, int]  # (F_h, F_w)
    stride: tuple[int, int]  # (S_h, S_w)
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    restore: Callable[[np.ndarray], np.ndarray]  # gives a (N, H', W', C') result x's rank


def _check_windows(images, ndim, window, stride, padding, window_name, numeric_padding, dtype):
    """The shared part of every sliding-window check, on an already checked (N, H, W, C) batch."""
    window = check_pair(window, window_name, 1)
    stride = check_pair(stride, "stride", 1, "S = 0 would never move the window")
    padding_spec = check_padding(padding, numeric=numeric_padding)
    size = images.shape[1:3]
    pads = _resolve_padding(padding_spec, size, window, stride)
    _check_fits(size, window, pads, window_name, padding)
    return WindowInputs(images.astype(dtype, copy=False), window, stride, pads, _restorer(ndim))


def check_window_inputs(x, window, stride=1, padding="valid", *, window_name="kernel_size",
                        numeric_padding=True, dtype=None) -> WindowInputs:
    """Check and prepare the arguments of a sliding-window operation on ``x``.

    ``x`` is (H, W), (H, W, C) or (N, H, W, C) and comes back as a float (N, H, W, C) array
    (``dtype``; default float32 if ``x`` fits in it, else float64).

    >>> checked = check_window_inputs(np.zeros((5, 5)), 3, padding="same")
    >>> checked.x.shape, checked.window, checked.padding
    ((1, 5, 5, 1), (3, 3), ((1, 1), (1, 1)))
    """
    images, ndim = check_images(x)
    return _check_windows(images, ndim, window, stride, padding, window_name, numeric_padding,
                          _float_dtype(dtype, images))


def _check_kernel(kernel, depth: int, layout: str, in_axis: int) -> np.ndarray:
    """A 4-D kernel whose input-channel axis ``in_axis`` matches ``depth``.

    A 2-D (kh, kw) kernel is accepted for a one-channel input and means one filter.
    """
    kernel = check_array(kernel, "kernel", (2, 3, 4), f"(kh, kw) for one channel, or 4-D; "
                         f"{layout}")
    if kernel.ndim == 3:
        fix = "kernel[..., np.newaxis]" if in_axis == 2 else "kernel[:, :, np.newaxis, :]"
        raise ValueError(
            f"kernel has shape {kernel.shape}, which is 3-D; {layout}: for one filter add "
            f"its axis, e.g. {fix}"
        )
    if 0 in kernel.shape:
        raise ValueError(f"kernel is empty (shape {kernel.shape}); every axis needs a length >= 1")
    if kernel.ndim == 2:
        if depth != 1:
            raise ValueError(
                f"kernel is 2-D {kernel.shape}, which fits a one-channel input, but x has "
                f"{depth} channels; {layout}"
            )
        return kernel[:, :, np.newaxis, np.newaxis]
    if kernel.shape[in_axis] != depth:
        raise ValueError(
            f"kernel has {kernel.shape[in_axis]} input channels but x has {depth}; {layout}. "
            f"kernel.shape is {kernel.shape}; x's channels are its last axis (a stack of "
            "one-channel images (N, H, W) needs one added: x[..., np.newaxis])"
        )
    return kernel


def _check_bias(bias, filters: int) -> np.ndarray:
    """``bias`` as a (C_out,) array: None means zeros, a single number is used for every filter."""
    if bias is None:
        return np.zeros(filters)
    bias = check_array(bias, "bias")
    if bias.ndim == 0:
        return np.full(filters, bias, dtype=np.result_type(bias, np.float32))
    if bias.shape != (filters,):
        raise ValueError(
            f"bias has shape {bias.shape} but the kernel has {filters} filters; a bias holds one "
            f"number per filter: shape (C_out,) = ({filters},)"
        )
    return bias


class ConvInputs(NamedTuple):
    """Checked arguments of a convolution (see :func:`check_conv2d_inputs`)."""

    x: np.ndarray  # (N, H, W, C_in)
    kernel: np.ndarray  # (F_h, F_w, C_in, C_out)
    bias: np.ndarray  # (C_out,)
    stride: tuple[int, int]  # (S_h, S_w)
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    restore: Callable[[np.ndarray], np.ndarray]  # gives a (N, O_h, O_w, C_out) result x's rank


def check_conv2d_inputs(x, kernel, bias=None, stride=1, padding="valid", *,
                        dtype=None) -> ConvInputs:
    """Check and prepare the arguments of a convolution, before any computation.

    Returns ``x`` as (N, H, W, C_in), ``kernel`` as (F_h, F_w, C_in, C_out) (a 2-D kernel
    becomes one filter), ``bias`` as (C_out,), ``stride`` as (S_h, S_w), ``padding`` as the
    zeros to add ((top, bottom), (left, right)), and ``restore``. Arrays are converted to
    ``dtype`` (default: float32 if x and kernel fit in it, else float64).

    >>> checked = check_conv2d_inputs(np.ones((4, 4)), np.ones((3, 3)), padding="same")
    >>> checked.x.shape, checked.kernel.shape, checked.padding
    ((1, 4, 4, 1), (3, 3, 1, 1), ((1, 1), (1, 1)))
    >>> check_conv2d_inputs(np.ones((4, 4)), np.ones((3, 3, 3, 8)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: kernel has 3 input channels but x has 1; a Conv2D kernel is (kh, kw, in, out), ...
    """
    images, ndim = check_images(x)
    kernel = _check_kernel(kernel, images.shape[3], CONV2D_KERNEL, in_axis=2)
    bias = _check_bias(bias, kernel.shape[3])
    dtype = _float_dtype(dtype, images, kernel)
    checked = _check_windows(images, ndim, kernel.shape[:2], stride, padding, "kernel", True, dtype)
    return ConvInputs(checked.x, kernel.astype(dtype, copy=False), bias.astype(dtype, copy=False),
                      checked.stride, checked.padding, checked.restore)


class ConvTransposeInputs(NamedTuple):
    """Checked arguments of a transposed convolution (see :func:`check_conv2d_transpose_inputs`)."""

    x: np.ndarray  # (N, H, W, C_in)
    kernel: np.ndarray  # (F_h, F_w, C_out, C_in), Keras's Conv2DTranspose layout
    bias: np.ndarray  # (C_out,)
    stride: tuple[int, int]  # (S_h, S_w)
    crop: tuple[int, int]  # rows cut at the top, columns cut at the left
    output_size: tuple[int, int]  # (O_h, O_w)
    restore: Callable[[np.ndarray], np.ndarray]


def check_conv2d_transpose_inputs(x, kernel, bias=None, stride=1, padding="valid",
                                  output_padding=None, *, dtype=None) -> ConvTransposeInputs:
    """Check and prepare the arguments of a transposed convolution, before any computation.

    ``kernel`` is (F_h, F_w, C_out, C_in), Keras's Conv2DTranspose layout. Returns the
    output size Keras gives and how much of the full scatter result is cut at the top and
    left (see :func:`course_utils.conv_transpose_output_size`).

    >>> checked = check_conv2d_transpose_inputs(np.ones((4, 4)), np.ones((3, 3)))
    >>> checked.output_size, checked.crop
    ((6, 6), (0, 0))
    >>> check_conv2d_transpose_inputs(np.ones((4, 4)), np.ones((3, 3)), stride=2,
    ...                               output_padding=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: output_padding must be smaller than stride, got output_padding=2 with stride 2; ...
    """
    from .arithmetic import conv_transpose_output_size, same_padding

    images, ndim = check_images(x)
    kernel = _check_kernel(kernel, images.shape[3], TRANSPOSE_KERNEL, in_axis=3)
    bias = _check_bias(bias, kernel.shape[2])
    stride = check_pair(stride, "stride", 1, "S = 0 would never move the window")
    padding_spec = check_padding(padding)
    if output_padding is not None:
        output_padding = check_pair(output_padding, "output_padding", 0,
                                    "output_padding adds rows and columns, it cannot remove them")
    sizes, crops = [], []
    for axis in range(2):
        n, f, s = images.shape[1 + axis], kernel.shape[axis], stride[axis]
        op = None if output_padding is None else output_padding[axis]
        pad = padding_spec if isinstance(padding_spec, str) else padding_spec[axis]
        o = conv_transpose_output_size(n, f, s, pad, op)
        if padding_spec == "same":  # the transpose of the 'same' convolution of O pixels
            crops.append(same_padding(o, f, s)[0])
        else:
            crops.append(0 if pad == "valid" else pad[0])
        sizes.append(o)
    dtype = _float_dtype(dtype, images, kernel)
    return ConvTransposeInputs(images.astype(dtype, copy=False), kernel.astype(dtype, copy=False),
                               bias.astype(dtype, copy=False), stride, tuple(crops),
                               tuple(sizes), _restorer(ndim))


def check_pool2d_inputs(x, pool_size=2, stride=None, padding="valid", mode="max", *,
                        dtype=None) -> tuple[WindowInputs, str]:
    """Check and prepare the arguments of pooling; ``stride=None`` means ``pool_size``.

    >>> checked, mode = check_pool2d_inputs(np.ones((4, 4)), 2, mode="average")
    >>> checked.window, checked.stride, mode
    ((2, 2), (2, 2), 'average')
    >>> check_pool2d_inputs(np.ones((4, 4)), 2, mode="min")
    Traceback (most recent call last):
    ValueError: mode must be one of 'max', 'average'; got 'min'
    """
    pool_size = check_pair(pool_size, "pool_size", 1)
    mode = check_choice(mode, "mode", ("max", "average"))
    checked = check_window_inputs(x, pool_size, pool_size if stride is None else stride, padding,
                                  window_name="pool_size", numeric_padding=False, dtype=dtype)
    return checked, mode


# check_conv_matrix_inputs refuses matrices with more entries than this (400 MB of float64).
MAX_MATRIX_ENTRIES = 50_000_000


def check_conv_matrix_inputs(input_shape, kernel, stride=1, padding="valid"):
    """Check the arguments of ``conv_matrix``; refuse a matrix too large to build.

    Returns a zero batch of ``input_shape`` (1, H, W, C_in), the float64 kernel
    (F_h, F_w, C_in, C_out), the stride, the zeros ((top, bottom), (left, right)) and the
    output size (O_h, O_w).

    >>> x, kernel, stride, padding, output_size = check_conv_matrix_inputs((4, 4), np.ones((3, 3)))
    >>> x.shape, kernel.shape, output_size
    ((1, 4, 4, 1), (3, 3, 1, 1), (2, 2))
    """
    if not isinstance(input_shape, tuple | list) or len(input_shape) not in (2, 3):
        raise ValueError(
            f"input_shape must be (H, W) or (H, W, C_in), got {_describe(input_shape)}; "
            "leave out the batch axis"
        )
    sizes = tuple(check_int(size, "input_shape", 1) for size in input_shape)
    checked = check_conv2d_inputs(np.zeros(sizes), kernel, None, stride, padding, dtype=float)
    (_, h, w, c_in), (f_h, f_w, _, c_out) = checked.x.shape, checked.kernel.shape
    (top, bottom), (left, right) = checked.padding
    (s_h, s_w) = checked.stride
    o_h, o_w = (h + top + bottom - f_h) // s_h + 1, (w + left + right - f_w) // s_w + 1
    entries = o_h * o_w * c_out * h * w * c_in
    if entries > MAX_MATRIX_ENTRIES:
        raise ValueError(
            f"conv_matrix for input_shape {sizes} and {c_out} filters would have "
            f"{o_h * o_w * c_out:,} x {h * w * c_in:,} = {entries:,} entries (more than "
            f"{MAX_MATRIX_ENTRIES:,}); it is meant for small examples: use conv2d for large ones"
        )
    return checked.x, checked.kernel, checked.stride, checked.padding, (o_h, o_w)
