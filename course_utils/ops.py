"""NumPy reference operations: convolution, pooling, transposed convolution, im2col, and the
depthwise and depthwise-separable convolutions of lesson 07.

Every function computes in plain NumPy what a Keras layer computes, so a lesson can show
each multiplication and then check that Keras agrees (the tests compare them with
TensorFlow for many random shapes).

Layouts, channels-last like Keras:

* ``x``: (H, W) one channel, (H, W, C) one image, or (B, H, W, C) a batch. The result has the
  same rank: an (H, W) input gives (O_h, O_w) for one filter and (O_h, O_w, C_out) for more.
* Conv2D kernel: (F_h, F_w, C_in, C_out), ``layer.get_weights()[0]``; bias (C_out,).
* Conv2DTranspose kernel: (F_h, F_w, C_out, C_in), ``layer.get_weights()[0]``.
* Grouped Conv2D kernel (``groups=G``): (F_h, F_w, C_in / G, C_out).
* DepthwiseConv2D kernel: (F_h, F_w, C_in, depth_multiplier); SeparableConv2D: that, then a
  pointwise kernel (1, 1, C_in * depth_multiplier, C_out).
* A 2-D (F_h, F_w) kernel is one filter for a one-channel input.

Arguments: ``stride`` is an int S or a pair (S_h, S_w). ``padding`` is ``"valid"``,
``"same"`` (TensorFlow's rule: O = ceil(N / S), an odd extra zero at the bottom/right), an
int P, a pair (P_h, P_w) or ((top, bottom), (left, right)). ``dilation`` is an int D or a
pair (D_h, D_w): the kernel's taps are D pixels apart (Keras's ``dilation_rate``); a stride
above 1 together with a dilation above 1 is refused, as Keras's Conv2D refuses it. Integer
inputs are accepted.
Results are float64, except :func:`conv2d_im2col` and :func:`im2col`, the fast path, which
keep float32 when the inputs are float32 (the dtype of Keras weights).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .arithmetic import effective_kernel_size
from .prepare import (
    prepare_conv2d,
    prepare_conv2d_transpose,
    prepare_conv_matrix,
    prepare_depthwise_conv2d,
    prepare_pool2d,
    prepare_separable_conv2d,
    prepare_windows,
)

__all__ = [
    "conv2d",
    "conv2d_im2col",
    "im2col",
    "pool2d",
    "conv2d_transpose",
    "conv_matrix",
    "depthwise_conv2d",
    "separable_conv2d",
    "pad_images",
    "window_view",
]

# conv2d_im2col copies the patch matrix in blocks of about this many bytes: small enough to
# stay in the CPU cache while the matrix product reads it (a whole 16x56x56x32 patch matrix
# is 58 MB and goes out to memory and back), large enough that the matrix products are few.
_BLOCK_BYTES = 4 << 20


def pad_images(x: np.ndarray, padding, value=0.0) -> np.ndarray:
    """Add ((top, bottom), (left, right)) cells of ``value`` around each image of a batch.

    x: (B, H, W, C); ``padding`` as ``prepare`` resolves it. Returns x itself when there is
    nothing to add. The zeros of lesson 01, section 7; the backward pass (lesson 06) pads too.

    >>> pad_images(np.ones((1, 2, 2, 1)), ((1, 0), (0, 1)))[0, :, :, 0]
    array([[0., 0., 0.],
           [1., 1., 0.],
           [1., 1., 0.]])
    """
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    n_images, h, w, channels = x.shape
    padded = np.full((n_images, top + h + bottom, left + w + right, channels), value, x.dtype)
    padded[:, top : top + h, left : left + w, :] = x
    return padded


def conv2d(x, kernel, bias=None, stride=1, padding="valid", dilation=1, groups=1):
    """The convolution of a Conv2D layer, written as loops: slide, multiply, sum, add the bias.

    x: (H, W), (H, W, C_in) or (B, H, W, C_in). kernel: (F_h, F_w, C_in / groups, C_out), the
    layout of ``keras.layers.Conv2D`` (a 2-D kernel is one filter). bias: (C_out,) or None.
    ``dilation`` D reads every D-th pixel of a window F + (F - 1)(D - 1) pixels wide;
    ``groups`` G lets filter k see only the input channels of its group, k // (C_out / G).
    Returns float64 (O_h, O_w[, C_out]) / (B, O_h, O_w, C_out). Like Keras, the kernel is not
    flipped: this is cross-correlation. Taught in lesson 01, section 2 (one channel),
    lesson 02 (channels and filters) and lesson 07 (dilation, groups).

    >>> x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    >>> kernel = [[2, 0, 1], [0, 1, 2], [1, 0, 2]]
    >>> conv2d(x, kernel)
    array([[15., 16.],
           [ 6., 15.]])
    >>> conv2d(x, kernel, bias=3)
    array([[18., 19.],
           [ 9., 18.]])
    >>> conv2d(np.ones((7, 7, 3)), np.ones((3, 3, 3, 1))).shape   # one filter, one map
    (5, 5, 1)
    >>> conv2d(np.ones((28, 28)), np.ones((3, 3)), dilation=2).shape   # lesson 07: 28 -> 24
    (24, 24)
    """
    x, kernel, bias, (s_h, s_w), padding, (o_h, o_w), restore, (d_h, d_w), groups = (
        prepare_conv2d(x, kernel, bias, stride, padding, dilation=dilation, groups=groups,
                       dtype=float)
    )
    x = pad_images(x, padding)
    n_images = x.shape[0]
    f_h, f_w, c_group, c_out = kernel.shape  # c_group = C_in / groups channels per filter
    span_h, span_w = effective_kernel_size(f_h, d_h), effective_kernel_size(f_w, d_w)
    filters_per_group = c_out // groups
    feature_map = np.zeros((n_images, o_h, o_w, c_out))
    for b in range(n_images):
        for i in range(o_h):
            for j in range(o_w):
                # every D-th pixel of the footprint: F_h x F_w values per channel
                window = x[b, i * s_h : i * s_h + span_h : d_h, j * s_w : j * s_w + span_w : d_w]
                for k in range(c_out):
                    first = (k // filters_per_group) * c_group  # filter k's group's channels
                    feature_map[b, i, j, k] = (
                        np.sum(window[:, :, first : first + c_group] * kernel[:, :, :, k])
                        + bias[k]
                    )
    return restore(feature_map)


def window_view(x: np.ndarray, window, stride, output_size, dilation=(1, 1)) -> np.ndarray:
    """Every window of a padded batch, as a view (B, O_h, O_w, F_h, F_w, C): nothing is copied.

    What im2col reads (lesson 04, section 4) and pooling and its backward pass reduce
    (lessons 03 and 06).

    The window of output (i, j) starts S_h rows and S_w columns further into x per step, so
    the view steps through x's memory S times further along the output axes than along the
    window's own axes; a dilation D steps D rows (columns) between the window's own taps.
    """
    (f_h, f_w), (s_h, s_w), (o_h, o_w), (d_h, d_w) = window, stride, output_size, dilation
    n_images, _, _, channels = x.shape
    b_n, b_h, b_w, b_c = x.strides  # bytes from one image, row, column, channel to the next
    return as_strided(x, (n_images, o_h, o_w, f_h, f_w, channels),
                      (b_n, s_h * b_h, s_w * b_w, d_h * b_h, d_w * b_w, b_c), writeable=False)


def im2col(x, kernel_size, stride=1, padding="valid"):
    """The patch matrix: one row per output position, each row one window, flattened.

    x: (H, W), (H, W, C) or (B, H, W, C). Returns (B * O_h * O_w, F_h * F_w * C): rows in the
    order the output is read (image, then row, then column), columns in the order of
    ``kernel.reshape(-1, C_out)`` for a Conv2D kernel (F_h, F_w, C, C_out), so that
    ``im2col(x, F) @ kernel.reshape(-1, C_out)`` is the convolution. Float32 input stays
    float32; otherwise float64. Taught in lesson 04, section 4.

    >>> x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    >>> patches = im2col(x, 3)
    >>> patches.shape
    (4, 9)
    >>> patches @ np.ravel([[2, 0, 1], [0, 1, 2], [1, 0, 2]])
    array([15., 16.,  6., 15.])
    """
    x, window, stride, padding, output_size, _ = prepare_windows(x, kernel_size, stride,
                                                                 padding)
    windows = window_view(pad_images(x, padding), window, stride, output_size)
    patches = windows.reshape(-1, window[0] * window[1] * x.shape[3])  # copies, mostly
    return patches if patches.flags.owndata else patches.copy()  # never a view of x


def conv2d_im2col(x, kernel, bias=None, stride=1, padding="valid", dilation=1, groups=1):
    """The same convolution as :func:`conv2d`, computed as one matrix product (im2col).

    Every window becomes a row of the patch matrix (:func:`im2col`), every filter a column of
    ``kernel.reshape(-1, C_out)``; their product is the feature map. Layouts as in
    :func:`conv2d`. With ``groups=G`` there is one such product per group, each on its slice
    of the channels (lesson 07); a dilation only changes which pixels a window reads.
    Computes in float32 when x and kernel fit in it (Keras's dtype), else in float64. The
    patch matrix is built in blocks that stay in the CPU cache; the windows are read through a
    view of ``x``, so nothing else is copied. Taught in lesson 04, section 4.

    >>> x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    >>> conv2d_im2col(x, [[2, 0, 1], [0, 1, 2], [1, 0, 2]])
    array([[15., 16.],
           [ 6., 15.]])
    """
    return _im2col_product(prepare_conv2d(x, kernel, bias, stride, padding, dilation=dilation,
                                          groups=groups))


def _im2col_product(prepared) -> np.ndarray:
    """The convolution a prepared ConvArgs describes, as matrix products on patch blocks."""
    x, kernel, bias, stride, padding, output_size, restore, dilation, groups = prepared
    f_h, f_w, c_group, c_out = kernel.shape  # c_group = C_in / groups
    windows = window_view(pad_images(x, padding), (f_h, f_w), stride, output_size, dilation)
    n_images, o_h, o_w = windows.shape[:3]
    if groups > 1 and c_group == 1:  # depthwise: each filter reads one channel
        return restore(_depthwise_product(windows, kernel, groups) + bias)
    taps = f_h * f_w * c_group  # values one filter reads at one position
    # one (taps, C_out / G) weight matrix per group; filter k belongs to group k // (C_out / G)
    weights = kernel.reshape(taps, groups, c_out // groups).transpose(1, 0, 2)
    feature_map = np.empty((n_images, o_h, o_w, c_out), dtype=x.dtype)
    row_bytes = o_w * taps * groups * x.itemsize  # one output row's part of the patch matrix
    rows = max(1, _BLOCK_BYTES // row_bytes)
    if rows >= o_h:  # whole images per block
        step = rows // o_h
        blocks = [(slice(b, b + step), slice(None)) for b in range(0, n_images, step)]
    else:  # a few output rows of one image per block
        blocks = [(b, slice(top, top + rows))
                  for b in range(n_images) for top in range(0, o_h, rows)]
    for images, out_rows in blocks:
        block = windows[images, out_rows]  # (..., F_h, F_w, C_in), a view
        out = feature_map[images, out_rows].reshape(-1, c_out)  # a view of the output block
        if groups == 1:  # one matrix product, written straight into the output
            np.matmul(block.reshape(-1, taps), weights[0], out=out)  # the reshape copies
        else:  # (G, positions, taps) @ (G, taps, C_out / G): one product per group
            patches = block.reshape(-1, f_h * f_w, groups, c_group).transpose(2, 0, 1, 3)
            out[:] = np.matmul(patches.reshape(groups, -1, taps), weights).transpose(
                1, 0, 2).reshape(-1, c_out)
    feature_map += bias
    return restore(feature_map)


def _depthwise_product(windows: np.ndarray, kernel: np.ndarray, channels: int) -> np.ndarray:
    """The same sums for one channel per group, kernel position by kernel position.

    With one channel per filter, a patch matrix would feed matrix products only F_h * F_w
    numbers long; multiplying each kernel position's view of every window by its weights
    and adding the F_h * F_w results does the same sums without copying the windows.
    """
    f_h, f_w, _, c_out = kernel.shape
    per_channel = kernel.reshape(f_h, f_w, channels, c_out // channels)  # (F_h, F_w, C, dm)
    total = np.zeros((*windows.shape[:3], channels, c_out // channels), dtype=windows.dtype)
    for row in range(f_h):
        for col in range(f_w):
            total += windows[:, :, :, row, col, :, np.newaxis] * per_channel[row, col]
    return total.reshape(*windows.shape[:3], c_out)


def depthwise_conv2d(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """The convolution of a DepthwiseConv2D layer: each input channel with its own kernels.

    x: (H, W), (H, W, C_in) or (B, H, W, C_in). kernel: (F_h, F_w, C_in, depth_multiplier),
    the layout of ``keras.layers.DepthwiseConv2D``. bias: (C_in * depth_multiplier,) or None.
    Output channel c * depth_multiplier + m is input channel c convolved with
    ``kernel[:, :, c, m]``; channels are never summed together. Computed as
    :func:`conv2d_im2col` with ``groups = C_in`` (it is that convolution, with the kernel
    reshaped to (F_h, F_w, 1, C_in * depth_multiplier)). Float32 stays float32. Taught in
    lesson 07, section 5.

    >>> x = np.stack([np.eye(3), np.ones((3, 3))], axis=-1)       # two channels
    >>> kernel = np.stack([np.eye(2), 2 * np.ones((2, 2))], axis=-1)[:, :, :, None]
    >>> depthwise_conv2d(x, kernel)[:, :, 0]                      # channel 0, its own kernel
    array([[2., 0.],
           [0., 2.]])
    >>> depthwise_conv2d(x, kernel)[:, :, 1]                      # channel 1, 2 * 4 ones
    array([[8., 8.],
           [8., 8.]])
    """
    return _im2col_product(prepare_depthwise_conv2d(x, kernel, bias, stride, padding,
                                                    dilation=dilation))


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, stride=1, padding="valid",
                     dilation=1):
    """The convolution of a SeparableConv2D layer: depthwise, then a 1x1 (pointwise) one.

    x: (H, W), (H, W, C_in) or (B, H, W, C_in). depthwise_kernel: (F_h, F_w, C_in,
    depth_multiplier); pointwise_kernel: (1, 1, C_in * depth_multiplier, C_out); bias:
    (C_out,) or None: ``layer.get_weights()`` of ``keras.layers.SeparableConv2D``, in that
    order. The depthwise step (:func:`depthwise_conv2d`, no bias) filters each channel alone;
    the pointwise step (:func:`conv2d_im2col` with a 1x1 kernel) mixes the channels and adds
    the bias. Float32 stays float32. Taught in lesson 07, section 5.

    >>> x = np.ones((4, 4, 2))
    >>> separable_conv2d(x, np.ones((3, 3, 2, 1)), np.full((1, 1, 2, 1), 0.5))[:, :, 0]
    array([[9., 9.],
           [9., 9.]])
    """
    depthwise, pointwise_kernel, bias = prepare_separable_conv2d(
        x, depthwise_kernel, pointwise_kernel, bias, stride, padding, dilation=dilation)
    per_channel = _im2col_product(depthwise._replace(restore=_keep))  # (B, O_h, O_w, C * dm)
    return depthwise.restore(conv2d_im2col(per_channel, pointwise_kernel, bias))


def _keep(batch: np.ndarray) -> np.ndarray:
    """The identity: a result that stays a (B, H, W, C) batch."""
    return batch


def pool2d(x, pool_size=2, stride=None, padding="valid", mode="max"):
    """Max or average pooling per channel, as ``MaxPooling2D`` / ``AveragePooling2D``.

    x: (H, W), (H, W, C) or (B, H, W, C); the result keeps the channels. ``stride=None`` means
    ``pool_size`` (Keras's default). ``padding`` is "valid" or "same"; with "same", padded
    cells take part in neither the maximum nor the average (an edge window averages only its
    real cells, as Keras does). Returns float64. Taught in lesson 03, section 2.

    >>> x = [[0, 8, 2, 6], [4, 4, 1, 3], [5, 1, 6, 0], [2, 0, 7, 9]]
    >>> pool2d(x)
    array([[8., 6.],
           [5., 9.]])
    >>> pool2d(x, mode="average")
    array([[4. , 3. ],
           [2. , 5.5]])
    """
    (x, window, stride, padding, output_size, restore), mode = prepare_pool2d(
        x, pool_size, stride, padding, mode, dtype=float
    )
    x = pad_images(x, padding, value=np.nan)  # NaN marks the padding: nanmax and nanmean skip it
    windows = window_view(x, window, stride, output_size)  # (B, O_h, O_w, p_h, p_w, C)
    reduce = np.nanmax if mode == "max" else np.nanmean
    return restore(reduce(windows, axis=(3, 4)))


def conv2d_transpose(x, kernel, bias=None, stride=1, padding="valid", output_padding=None):
    """Transposed convolution as scatter-add, as ``keras.layers.Conv2DTranspose``.

    Every input value scales the kernel, and the scaled kernel is added into the output at
    S times the input's position; overlapping copies add up. Then the padding is cut off.
    x: (H, W), (H, W, C_in) or (B, H, W, C_in). kernel: (F_h, F_w, C_out, C_in), the layout
    of ``keras.layers.Conv2DTranspose`` (a 2-D kernel is one filter). bias: (C_out,) or None.
    Output size: Keras's, as :func:`course_utils.conv_transpose_output_size` gives it: with
    ``output_padding=None``, N * S + max(F - S, 0) for "valid" and N * S for "same"; with an
    ``output_padding``, (N - 1) * S + F - 2P + output_padding. Returns float64. Taught in
    lesson 04, sections 5 and 6.

    >>> x = [[1, 0, 0, 2], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
    >>> kernel = [[1, 2, 1], [0, 1, 0], [1, 0, 1]]
    >>> conv2d_transpose(x, kernel)    # 4x4 -> 6x6
    array([[1., 2., 1., 2., 4., 2.],
           [0., 2., 2., 1., 2., 0.],
           [1., 0., 2., 2., 0., 2.],
           [0., 1., 0., 2., 2., 1.],
           [0., 0., 0., 0., 1., 0.],
           [0., 0., 0., 1., 0., 1.]])
    """
    x, kernel, bias, (s_h, s_w), (top, left), (o_h, o_w), restore = (
        prepare_conv2d_transpose(x, kernel, bias, stride, padding, output_padding, dtype=float)
    )
    n_images, h, w, _ = x.shape
    f_h, f_w, c_out, _ = kernel.shape
    full_h = max((h - 1) * s_h + f_h, top + o_h)  # room for every copy of the kernel
    full_w = max((w - 1) * s_w + f_w, left + o_w)
    full = np.zeros((n_images, full_h, full_w, c_out))
    for b in range(n_images):
        for i in range(h):
            for j in range(w):
                # kernel @ x[b, i, j] is the sum over input channels of value * kernel slice
                full[b, i * s_h : i * s_h + f_h, j * s_w : j * s_w + f_w, :] += kernel @ x[b, i, j]
    feature_map = full[:, top : top + o_h, left : left + o_w, :] + bias
    return restore(feature_map)


def conv_matrix(input_shape, kernel, stride=1, padding="valid"):
    """The convolution written as a matrix C: ``C @ x.ravel()`` is ``conv2d(x, kernel).ravel()``.

    input_shape: (H, W) or (H, W, C_in). kernel: (F_h, F_w, C_in, C_out), Conv2D's layout.
    Returns float64 C of shape (O_h * O_w * C_out, H * W * C_in): each row holds one output
    value's weights, placed at the input pixels its window covers (no bias). ``C.T`` maps an
    output back to the input's shape: that is the transposed convolution with the same kernel
    array (Conv2DTranspose's (F_h, F_w, C_out, C_in) is Conv2D's layout read backwards), the
    transpose of the convolution, not its inverse. Shown in lesson 01 (section 2, the 4x4
    example as a Dense layer); taught in lesson 04, section 8.

    >>> kernel = [[2, 0, 1], [0, 1, 2], [1, 0, 2]]
    >>> matrix = conv_matrix((4, 4), kernel)
    >>> matrix.shape                               # 2x2 outputs, 4x4 inputs
    (4, 16)
    >>> x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
    >>> (matrix @ x.ravel()).reshape(2, 2)
    array([[15., 16.],
           [ 6., 15.]])
    >>> (matrix.T @ np.ones(4)).reshape(4, 4)   # C.T takes a 2x2 back to 4x4 (not to x)
    array([[2., 2., 1., 1.],
           [2., 3., 4., 3.],
           [1., 2., 5., 4.],
           [1., 1., 2., 2.]])
    """
    prepared = prepare_conv_matrix(input_shape, kernel, stride, padding)
    x, kernel, (s_h, s_w), (o_h, o_w) = (prepared.x, prepared.kernel, prepared.stride,
                                         prepared.output_size)
    (top, _), (left, _) = prepared.padding
    _, h, w, c_in = x.shape
    f_h, f_w, _, c_out = kernel.shape
    matrix = np.zeros((o_h, o_w, c_out, h, w, c_in))
    for i in range(o_h):
        for j in range(o_w):
            for di in range(f_h):
                for dj in range(f_w):
                    row, col = i * s_h + di - top, j * s_w + dj - left  # input pixel, unpadded
                    if 0 <= row < h and 0 <= col < w:  # padded zeros need no weight
                        matrix[i, j, :, row, col, :] = kernel[di, dj].T  # (C_out, C_in)
    return matrix.reshape(o_h * o_w * c_out, h * w * c_in)
