"""Argument preparation for the operations in ``ops``: check every argument, then resolve it.

One call per operation checks all of its arguments before any computation starts (so a
learner's mistake is reported in their terms, never as a NumPy broadcasting traceback) and
hands back what the loops need: the input as a (N, H, W, C) batch, the kernel in its 4-D
Keras layout, the explicit zeros ((top, bottom), (left, right)), the output size, and a
``restore`` function that gives the result the rank the input came with::

    kernel has 3 input channels but x has 1; a Conv2D kernel is (kh, kw, in, out)

Output sizes and padding come from ``arithmetic`` (the course's one formula and one padding
resolver); generic checks from ``validation``. Lessons do not call these functions: they
call the operations in ``ops``, which call these first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .arithmetic import (
    conv_output_size,
    conv_transpose_crop,
    conv_transpose_output_size,
    explicit_padding,
)
from .validation import (
    check_array,
    check_choice,
    check_images,
    check_input_shape,
    check_padding,
    check_pair,
)

__all__ = [
    "WindowArgs",
    "ConvArgs",
    "ConvTransposeArgs",
    "prepare_windows",
    "prepare_conv2d",
    "prepare_conv2d_transpose",
    "prepare_pool2d",
    "prepare_conv_matrix",
    "CONV2D_KERNEL",
    "TRANSPOSE_KERNEL",
    "MAX_MATRIX_ENTRIES",
]

CONV2D_KERNEL = "a Conv2D kernel is (kh, kw, in, out), as layer.get_weights()[0] holds it"
TRANSPOSE_KERNEL = (
    "a Conv2DTranspose kernel is (kh, kw, out, in), as layer.get_weights()[0] holds it"
)
STRIDE_RULE = "S = 0 would never move the window"
# prepare_conv_matrix refuses matrices with more entries than this (400 MB of float64).
MAX_MATRIX_ENTRIES = 50_000_000


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


def _output_size(size, window, stride, pads, window_name: str, padding) -> tuple[int, int]:
    """(O_h, O_w), from arithmetic's formula; said for both axes when the window does not fit."""
    try:
        return tuple(conv_output_size(n, f, s, pad)
                     for n, f, s, pad in zip(size, window, stride, pads, strict=True))
    except ValueError:  # the window is larger than the padded input on one axis
        (top, bottom), (left, right) = pads
        raise ValueError(
            f"{window_name} is {window[0]}x{window[1]} but the input is {size[0]}x{size[1]} "
            f"({size[0] + top + bottom}x{size[1] + left + right} after padding={padding!r}); "
            "the window must fit inside the padded input: F <= N + 2P, so "
            "O = floor((N + 2P - F) / S) + 1 >= 1"
        ) from None


class WindowArgs(NamedTuple):
    """Prepared arguments of a sliding-window operation (im2col, pooling).

    What im2col (lesson 04) and pool2d (lesson 03) work on.
    """

    x: np.ndarray  # (N, H, W, C)
    window: tuple[int, int]  # (F_h, F_w)
    stride: tuple[int, int]  # (S_h, S_w)
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    output_size: tuple[int, int]  # (O_h, O_w)
    restore: Callable[[np.ndarray], np.ndarray]  # gives a (N, O_h, O_w, C) result x's rank


def _windows(images, ndim, window, stride, padding, window_name, numeric_padding, dtype):
    """The shared part of every sliding-window preparation, on a checked (N, H, W, C) batch."""
    window = check_pair(window, window_name, 1)
    stride = check_pair(stride, "stride", 1, STRIDE_RULE)
    check_padding(padding, numeric=numeric_padding)
    size = images.shape[1:3]
    pads = explicit_padding(padding, size, window, stride)
    output_size = _output_size(size, window, stride, pads, window_name, padding)
    return WindowArgs(images.astype(dtype, copy=False), window, stride, pads, output_size,
                      _restorer(ndim))


def prepare_windows(x, window, stride=1, padding="valid", *, window_name="kernel_size",
                    numeric_padding=True, dtype=None) -> WindowArgs:
    """Check and prepare the arguments of a sliding-window operation on ``x``.

    Behind im2col (lesson 04) and pool2d (lesson 03).

    ``x`` is (H, W), (H, W, C) or (N, H, W, C) and comes back as a float (N, H, W, C) array
    (``dtype``; default float32 if ``x`` fits in it, else float64).

    >>> prepared = prepare_windows(np.zeros((5, 5)), 3, padding="same")
    >>> prepared.x.shape, prepared.window, prepared.padding, prepared.output_size
    ((1, 5, 5, 1), (3, 3), ((1, 1), (1, 1)), (5, 5))
    """
    images, ndim = check_images(x)
    return _windows(images, ndim, window, stride, padding, window_name, numeric_padding,
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


class ConvArgs(NamedTuple):
    """Prepared arguments of a convolution (see :func:`prepare_conv2d`).

    What conv2d (lessons 01-02) and conv2d_im2col (lesson 04) work on.
    """

    x: np.ndarray  # (N, H, W, C_in)
    kernel: np.ndarray  # (F_h, F_w, C_in, C_out)
    bias: np.ndarray  # (C_out,)
    stride: tuple[int, int]  # (S_h, S_w)
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    output_size: tuple[int, int]  # (O_h, O_w)
    restore: Callable[[np.ndarray], np.ndarray]  # gives a (N, O_h, O_w, C_out) result x's rank


def prepare_conv2d(x, kernel, bias=None, stride=1, padding="valid", *, dtype=None) -> ConvArgs:
    """Check and prepare the arguments of a convolution, before any computation.

    Behind conv2d (lessons 01-02) and conv2d_im2col (lesson 04).

    Returns ``x`` as (N, H, W, C_in), ``kernel`` as (F_h, F_w, C_in, C_out) (a 2-D kernel
    becomes one filter), ``bias`` as (C_out,), ``stride`` as (S_h, S_w), ``padding`` as the
    zeros to add ((top, bottom), (left, right)), the output size and ``restore``. Arrays are
    converted to ``dtype`` (default: float32 if x and kernel fit in it, else float64).

    >>> prepared = prepare_conv2d(np.ones((4, 4)), np.ones((3, 3)), padding="same")
    >>> prepared.x.shape, prepared.kernel.shape, prepared.padding, prepared.output_size
    ((1, 4, 4, 1), (3, 3, 1, 1), ((1, 1), (1, 1)), (4, 4))
    >>> prepare_conv2d(np.ones((4, 4)), np.ones((3, 3, 3, 8)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: kernel has 3 input channels but x has 1; a Conv2D kernel is (kh, kw, in, out), ...
    """
    images, ndim = check_images(x)
    kernel = _check_kernel(kernel, images.shape[3], CONV2D_KERNEL, in_axis=2)
    bias = _check_bias(bias, kernel.shape[3])
    dtype = _float_dtype(dtype, images, kernel)
    windows = _windows(images, ndim, kernel.shape[:2], stride, padding, "kernel", True, dtype)
    return ConvArgs(windows.x, kernel.astype(dtype, copy=False), bias.astype(dtype, copy=False),
                    windows.stride, windows.padding, windows.output_size, windows.restore)


class ConvTransposeArgs(NamedTuple):
    """Prepared arguments of a transposed convolution (see :func:`prepare_conv2d_transpose`).

    What conv2d_transpose (lesson 04) works on.
    """

    x: np.ndarray  # (N, H, W, C_in)
    kernel: np.ndarray  # (F_h, F_w, C_out, C_in), Keras's Conv2DTranspose layout
    bias: np.ndarray  # (C_out,)
    stride: tuple[int, int]  # (S_h, S_w)
    crop: tuple[int, int]  # rows cut at the top, columns cut at the left
    output_size: tuple[int, int]  # (O_h, O_w)
    restore: Callable[[np.ndarray], np.ndarray]


def prepare_conv2d_transpose(x, kernel, bias=None, stride=1, padding="valid",
                             output_padding=None, *, dtype=None) -> ConvTransposeArgs:
    """Check and prepare the arguments of a transposed convolution, before any computation.

    Behind conv2d_transpose (lesson 04, sections 5-6).

    ``kernel`` is (F_h, F_w, C_out, C_in), Keras's Conv2DTranspose layout. Returns the
    output size Keras gives and how much of the full scatter result is cut at the top and
    left (see :func:`course_utils.conv_transpose_output_size` and
    :func:`course_utils.conv_transpose_crop`).

    >>> prepared = prepare_conv2d_transpose(np.ones((4, 4)), np.ones((3, 3)))
    >>> prepared.output_size, prepared.crop
    ((6, 6), (0, 0))
    >>> prepare_conv2d_transpose(np.ones((4, 4)), np.ones((3, 3)), stride=2,
    ...                          output_padding=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: output_padding must be smaller than stride, got output_padding=2 with stride 2; ...
    """
    images, ndim = check_images(x)
    kernel = _check_kernel(kernel, images.shape[3], TRANSPOSE_KERNEL, in_axis=3)
    bias = _check_bias(bias, kernel.shape[2])
    stride = check_pair(stride, "stride", 1, STRIDE_RULE)
    padding_spec = check_padding(padding)
    if output_padding is not None:
        output_padding = check_pair(output_padding, "output_padding", 0,
                                    "output_padding adds rows and columns, it cannot remove them")
    sizes, crops = [], []
    for axis in range(2):
        arguments = (images.shape[1 + axis], kernel.shape[axis], stride[axis],
                     padding_spec if isinstance(padding_spec, str) else padding_spec[axis],
                     None if output_padding is None else output_padding[axis])
        sizes.append(conv_transpose_output_size(*arguments))
        crops.append(conv_transpose_crop(*arguments))
    dtype = _float_dtype(dtype, images, kernel)
    return ConvTransposeArgs(images.astype(dtype, copy=False), kernel.astype(dtype, copy=False),
                             bias.astype(dtype, copy=False), stride, tuple(crops), tuple(sizes),
                             _restorer(ndim))


def prepare_pool2d(x, pool_size=2, stride=None, padding="valid", mode="max", *,
                   dtype=None) -> tuple[WindowArgs, str]:
    """Check and prepare the arguments of pooling; ``stride=None`` means ``pool_size``.

    Behind pool2d (lesson 03, section 2).

    >>> prepared, mode = prepare_pool2d(np.ones((4, 4)), 2, mode="average")
    >>> prepared.window, prepared.stride, prepared.output_size, mode
    ((2, 2), (2, 2), (2, 2), 'average')
    >>> prepare_pool2d(np.ones((4, 4)), 2, mode="min")
    Traceback (most recent call last):
    ValueError: mode must be one of 'max', 'average'; got a string 'min'
    """
    pool_size = check_pair(pool_size, "pool_size", 1)
    mode = check_choice(mode, "mode", ("max", "average"))
    prepared = prepare_windows(x, pool_size, pool_size if stride is None else stride, padding,
                               window_name="pool_size", numeric_padding=False, dtype=dtype)
    return prepared, mode


def prepare_conv_matrix(input_shape, kernel, stride=1, padding="valid") -> ConvArgs:
    """Check the arguments of ``conv_matrix``; refuse a matrix too large to build.

    Behind conv_matrix (lesson 04, section 7).

    Returns the prepared convolution of a zero input of ``input_shape`` (1, H, W, C_in), with
    the float64 kernel (F_h, F_w, C_in, C_out).

    >>> prepared = prepare_conv_matrix((4, 4), np.ones((3, 3)))
    >>> prepared.x.shape, prepared.kernel.shape, prepared.output_size
    ((1, 4, 4, 1), (3, 3, 1, 1), (2, 2))
    """
    sizes = check_input_shape(input_shape)
    prepared = prepare_conv2d(np.zeros(sizes), kernel, None, stride, padding, dtype=float)
    (_, h, w, c_in), c_out = prepared.x.shape, prepared.kernel.shape[3]
    o_h, o_w = prepared.output_size
    entries = o_h * o_w * c_out * h * w * c_in
    if entries > MAX_MATRIX_ENTRIES:
        raise ValueError(
            f"conv_matrix for input_shape {sizes} and {c_out} filters would have "
            f"{o_h * o_w * c_out:,} x {h * w * c_in:,} = {entries:,} entries (more than "
            f"{MAX_MATRIX_ENTRIES:,}); it is meant for small examples: use conv2d for large ones"
        )
    return prepared

