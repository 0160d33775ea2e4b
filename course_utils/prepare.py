"""Argument preparation for the operations in ``ops``: check every argument, then resolve it.

One call per operation checks all of its arguments before any computation starts (so a
learner's mistake is reported in their terms, never as a NumPy broadcasting traceback) and
hands back what the loops need: the input as a (B, H, W, C) batch, the kernel in its 4-D
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
    channels_per_group,
    conv_output_size,
    conv_transpose_crop,
    conv_transpose_output_size,
    effective_kernel_size,
    explicit_padding,
)
from .validation import (
    check_array,
    check_choice,
    check_images,
    check_input_shape,
    check_int,
    check_padding,
    check_pair,
)

__all__ = [
    "WindowArgs",
    "ConvArgs",
    "ConvTransposeArgs",
    "SeparableArgs",
    "prepare_windows",
    "prepare_conv2d",
    "prepare_depthwise_conv2d",
    "prepare_separable_conv2d",
    "prepare_conv2d_transpose",
    "prepare_pool2d",
    "prepare_conv_matrix",
    "CONV2D_KERNEL",
    "DEPTHWISE_KERNEL",
    "POINTWISE_KERNEL",
    "TRANSPOSE_KERNEL",
    "MAX_MATRIX_ENTRIES",
]

CONV2D_KERNEL = "a Conv2D kernel is (kh, kw, in, out), as layer.get_weights()[0] holds it"
TRANSPOSE_KERNEL = (
    "a Conv2DTranspose kernel is (kh, kw, out, in), as layer.get_weights()[0] holds it"
)
DEPTHWISE_KERNEL = (
    "a DepthwiseConv2D kernel is (kh, kw, in, depth_multiplier), as layer.get_weights()[0] "
    "holds it"
)
POINTWISE_KERNEL = (
    "a SeparableConv2D's pointwise kernel is (1, 1, in * depth_multiplier, out), as "
    "layer.get_weights()[1] holds it"
)
STRIDE_RULE = "S = 0 would never move the window"
DILATION_RULE = "D = 1 is an ordinary kernel; D = 0 would put every tap on the same pixel"
# prepare_conv_matrix refuses matrices with more entries than this (400 MB of float64).
MAX_MATRIX_ENTRIES = 50_000_000


def _restorer(ndim: int) -> Callable[[np.ndarray], np.ndarray]:
    """A function that gives a (B, H, W, C) result back the rank of the input it came from.

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


def _output_size(size, window, stride, pads, window_name: str, padding,
                 dilation=(1, 1)) -> tuple[int, int]:
    """(O_h, O_w), from arithmetic's formula; said for both axes when the window does not fit."""
    try:
        return tuple(conv_output_size(n, f, s, pad, d)
                     for n, f, s, pad, d in zip(size, window, stride, pads, dilation, strict=True))
    except ValueError:  # the window is larger than the padded input on one axis
        (top, bottom), (left, right) = pads
        covers = ("" if dilation == (1, 1) else
                  f" (with dilation {dilation[0]}x{dilation[1]} it covers "
                  f"{effective_kernel_size(window[0], dilation[0])}x"
                  f"{effective_kernel_size(window[1], dilation[1])} pixels)")
        rule = ("F <= N + 2P, so O = floor((N + 2P - F) / S) + 1 >= 1" if dilation == (1, 1)
                else "F + (F - 1)(D - 1) <= N + 2P")
        raise ValueError(
            f"{window_name} is {window[0]}x{window[1]}{covers} but the input is "
            f"{size[0]}x{size[1]} ({size[0] + top + bottom}x{size[1] + left + right} after "
            f"padding={padding!r}); the window must fit inside the padded input: {rule}"
        ) from None


class WindowArgs(NamedTuple):
    """Prepared arguments of a sliding-window operation (im2col, pooling).

    What im2col (lesson 04) and pool2d (lesson 03) work on.
    """

    x: np.ndarray  # (B, H, W, C)
    window: tuple[int, int]  # (F_h, F_w)
    stride: tuple[int, int]  # (S_h, S_w)
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    output_size: tuple[int, int]  # (O_h, O_w)
    restore: Callable[[np.ndarray], np.ndarray]  # gives a (B, O_h, O_w, C) result x's rank


def _windows(images, ndim, window, stride, padding, window_name, numeric_padding, dtype,
             dilation=(1, 1)):
    """The shared part of every sliding-window preparation, on a checked (B, H, W, C) batch.

    ``dilation`` (already checked) spreads the window's taps apart: padding and output size
    are those of its footprint."""
    window = check_pair(window, window_name, 1)
    stride = check_pair(stride, "stride", 1, STRIDE_RULE)
    check_padding(padding, numeric=numeric_padding)
    size = images.shape[1:3]
    pads = explicit_padding(padding, size, window, stride, dilation)
    output_size = _output_size(size, window, stride, pads, window_name, padding, dilation)
    return WindowArgs(images.astype(dtype, copy=False), window, stride, pads, output_size,
                      _restorer(ndim))


def prepare_windows(x, window, stride=1, padding="valid", *, window_name="kernel_size",
                    numeric_padding=True, dtype=None) -> WindowArgs:
    """Check and prepare the arguments of a sliding-window operation on ``x``.

    Behind im2col (lesson 04) and pool2d (lesson 03).

    ``x`` is (H, W), (H, W, C) or (B, H, W, C) and comes back as a float (B, H, W, C) array
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
            "one-channel images (B, H, W) needs one added: x[..., np.newaxis])"
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

    What conv2d (lessons 01-02, 07) and conv2d_im2col (lessons 04, 07) work on; depthwise and
    separable convolutions (lesson 07) are prepared as grouped ones.
    """

    x: np.ndarray  # (B, H, W, C_in)
    kernel: np.ndarray  # (F_h, F_w, C_in / groups, C_out)
    bias: np.ndarray  # (C_out,)
    stride: tuple[int, int]  # (S_h, S_w)
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    output_size: tuple[int, int]  # (O_h, O_w)
    restore: Callable[[np.ndarray], np.ndarray]  # gives a (B, O_h, O_w, C_out) result x's rank
    dilation: tuple[int, int] = (1, 1)  # (D_h, D_w): taps D pixels apart (lesson 07)
    groups: int = 1  # G: filter set g sees input channels g * C_in / G ... (lesson 07)


def _check_dilation(dilation, stride) -> tuple[int, int]:
    """``dilation`` as (D_h, D_w); refused together with a stride above 1, as Keras's Conv2D
    does (Keras 3.15's depthwise and separable layers accept the pair; 3.13 and 3.14 refuse
    it everywhere)."""
    dilation = check_pair(dilation, "dilation", 1, DILATION_RULE)
    if max(dilation) > 1 and max(stride) > 1:
        raise ValueError(
            f"stride={stride} with dilation={dilation}: in the course's convolutions a stride "
            "above 1 cannot be combined with a dilation above 1, as in Keras's Conv2D "
            "(\"`strides > 1` not supported in conjunction with `dilation_rate > 1`\"). Keras "
            "3.15's DepthwiseConv2D and SeparableConv2D do accept the pair (they slide the "
            "dilated kernel S pixels at a time); Keras 3.13 (Colab's) and 3.14 refuse it in "
            "every layer. Use one of the two: dilation with stride 1 (keeps the map's size and "
            "widens the view), or a stride with dilation 1 (shrinks the map)"
        )
    return dilation


def _check_groups(kernel, channels: int, groups) -> tuple[np.ndarray, int]:
    """A Conv2D kernel (F_h, F_w, C_in / G, C_out) for ``groups=G`` on ``channels`` inputs."""
    groups = check_int(groups, "groups", 1, "groups=1 is an ordinary convolution")
    if channels % groups:  # say so before the kernel's channels are compared with C_in / G
        channels_per_group(channels, groups, groups)  # raises: G must divide C_in
    if groups == 1:
        kernel = _check_kernel(kernel, channels, CONV2D_KERNEL, in_axis=2)
    else:
        layout = "a grouped Conv2D kernel is (kh, kw, in / groups, out)"
        kernel = check_array(kernel, "kernel", (4,), f"4-D; {layout}")
        if kernel.shape[2] != channels // groups:
            raise ValueError(
                f"kernel has {kernel.shape[2]} input channels, but with groups={groups} each "
                f"filter sees {channels} / {groups} = {channels // groups} of x's {channels} "
                f"channels; {layout}. kernel.shape is {kernel.shape}"
            )
        kernel = _check_kernel(kernel, channels // groups, layout, in_axis=2)
    channels_per_group(channels, kernel.shape[3], groups)  # raises: G must divide C_out
    return kernel, groups


def prepare_conv2d(x, kernel, bias=None, stride=1, padding="valid", *, dilation=1, groups=1,
                   dtype=None) -> ConvArgs:
    """Check and prepare the arguments of a convolution, before any computation.

    Behind conv2d (lessons 01-02) and conv2d_im2col (lesson 04); ``dilation`` and ``groups``
    are lesson 07's (sections 3 and 4).

    Returns ``x`` as (B, H, W, C_in), ``kernel`` as (F_h, F_w, C_in / G, C_out) (a 2-D kernel
    becomes one filter), ``bias`` as (C_out,), ``stride`` as (S_h, S_w), ``padding`` as the
    zeros to add ((top, bottom), (left, right)), the output size, ``restore``, ``dilation``
    as (D_h, D_w) and ``groups``. Arrays are converted to ``dtype`` (default: float32 if x
    and kernel fit in it, else float64). A stride above 1 with a dilation above 1 is refused,
    as Keras's Conv2D refuses it.

    >>> prepared = prepare_conv2d(np.ones((4, 4)), np.ones((3, 3)), padding="same")
    >>> prepared.x.shape, prepared.kernel.shape, prepared.padding, prepared.output_size
    ((1, 4, 4, 1), (3, 3, 1, 1), ((1, 1), (1, 1)), (4, 4))
    >>> prepare_conv2d(np.ones((4, 4)), np.ones((3, 3, 3, 8)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: kernel has 3 input channels but x has 1; a Conv2D kernel is (kh, kw, in, out), ...
    >>> prepare_conv2d(np.ones((28, 28)), np.ones((3, 3)), dilation=2).output_size
    (24, 24)
    >>> prepare_conv2d(np.ones((8, 8, 64)), np.ones((3, 3, 16, 128)), groups=4).kernel.shape
    (3, 3, 16, 128)
    """
    images, ndim = check_images(x)
    kernel, groups = _check_groups(kernel, images.shape[3], groups)
    bias = _check_bias(bias, kernel.shape[3])
    return _prepare_windows_of(images, ndim, kernel, bias, stride, padding, dilation, groups,
                               dtype)


def _prepare_windows_of(images, ndim, kernel, bias, stride, padding, dilation, groups, dtype):
    """The windows of a checked convolution: stride, dilation, padding and output size."""
    dtype = _float_dtype(dtype, images, kernel)
    dilation = _check_dilation(dilation, check_pair(stride, "stride", 1, STRIDE_RULE))
    windows = _windows(images, ndim, kernel.shape[:2], stride, padding, "kernel", True, dtype,
                       dilation)
    return ConvArgs(windows.x, kernel.astype(dtype, copy=False), bias.astype(dtype, copy=False),
                    windows.stride, windows.padding, windows.output_size, windows.restore,
                    dilation, groups)


def prepare_depthwise_conv2d(x, kernel, bias=None, stride=1, padding="valid", *, dilation=1,
                             dtype=None) -> ConvArgs:
    """Check and prepare a depthwise convolution, as the grouped convolution it is.

    Behind depthwise_conv2d (lesson 07, section 5). ``kernel`` is Keras's DepthwiseConv2D
    layout (F_h, F_w, C_in, depth_multiplier); it comes back as the equivalent Conv2D kernel
    with ``groups = C_in``: ``kernel.reshape(F_h, F_w, 1, C_in * depth_multiplier)``, whose
    filter c * depth_multiplier + m is multiplier m of input channel c (Keras's order).
    ``bias`` is (C_in * depth_multiplier,) or None.

    >>> prepared = prepare_depthwise_conv2d(np.ones((8, 8, 64)), np.ones((3, 3, 64, 1)))
    >>> prepared.kernel.shape, prepared.groups, prepared.output_size
    ((3, 3, 1, 64), 64, (6, 6))
    """
    images, ndim = check_images(x)
    kernel = _check_kernel(kernel, images.shape[3], DEPTHWISE_KERNEL, in_axis=2)
    f_h, f_w, channels, multiplier = kernel.shape
    kernel = kernel.reshape(f_h, f_w, 1, channels * multiplier)
    bias = _check_bias(bias, channels * multiplier)
    return _prepare_windows_of(images, ndim, kernel, bias, stride, padding, dilation, channels,
                               dtype)


class SeparableArgs(NamedTuple):
    """Prepared arguments of a depthwise-separable convolution (lesson 07, section 5).

    What separable_conv2d works on: the depthwise step (without a bias), then a 1x1
    convolution with ``pointwise_kernel`` and the layer's bias.
    """

    depthwise: ConvArgs  # the depthwise step as a grouped convolution, bias 0
    pointwise_kernel: np.ndarray  # (1, 1, C_in * depth_multiplier, C_out)
    bias: np.ndarray  # (C_out,)


def prepare_separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, stride=1,
                             padding="valid", *, dilation=1, dtype=None) -> SeparableArgs:
    """Check and prepare both steps of a depthwise-separable convolution, before computing.

    Behind separable_conv2d (lesson 07, section 5). ``depthwise_kernel`` is (F_h, F_w, C_in,
    depth_multiplier) and ``pointwise_kernel`` (1, 1, C_in * depth_multiplier, C_out), as
    ``SeparableConv2D.get_weights()`` holds them; ``bias`` (C_out,) or None.

    >>> prepared = prepare_separable_conv2d(np.ones((8, 8, 64)), np.ones((3, 3, 64, 1)),
    ...                                     np.ones((1, 1, 64, 128)), padding="same")
    >>> prepared.depthwise.output_size, prepared.pointwise_kernel.shape, prepared.bias.shape
    ((8, 8), (1, 1, 64, 128), (128,))
    """
    depthwise = prepare_depthwise_conv2d(x, depthwise_kernel, None, stride, padding,
                                         dilation=dilation, dtype=dtype)
    depth = depthwise.kernel.shape[3]
    pointwise_kernel = _check_kernel(pointwise_kernel, depth, POINTWISE_KERNEL, in_axis=2)
    if pointwise_kernel.shape[:2] != (1, 1):
        raise ValueError(
            f"pointwise_kernel has shape {pointwise_kernel.shape}; {POINTWISE_KERNEL}: the "
            "pointwise step is a 1x1 convolution, so its first two axes are (1, 1)"
        )
    bias = _check_bias(bias, pointwise_kernel.shape[3])
    dtype = depthwise.x.dtype
    return SeparableArgs(depthwise, pointwise_kernel.astype(dtype, copy=False),
                         bias.astype(dtype, copy=False))


class ConvTransposeArgs(NamedTuple):
    """Prepared arguments of a transposed convolution (see :func:`prepare_conv2d_transpose`).

    What conv2d_transpose (lesson 04) works on.
    """

    x: np.ndarray  # (B, H, W, C_in)
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

    Behind conv_matrix (lesson 04, section 8).

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

