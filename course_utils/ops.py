"""NumPy reference operations: convolution, pooling, transposed convolution, im2col.

Every function computes in plain NumPy what a Keras layer computes, so a lesson can show
each multiplication and then check that Keras agrees (the tests compare them with
TensorFlow for many random shapes).

Layouts, channels-last like Keras:

* ``x``: (H, W) one channel, (H, W, C) one image, or (N, H, W, C) a batch. The result has the
  same rank: an (H, W) input gives (O_h, O_w) for one filter and (O_h, O_w, C_out) for more.
* Conv2D kernel: (F_h, F_w, C_in, C_out), ``layer.get_weights()[0]``; bias (C_out,).
* Conv2DTranspose kernel: (F_h, F_w, C_out, C_in), ``layer.get_weights()[0]``.
* A 2-D (F_h, F_w) kernel is one filter for a one-channel input.

Arguments: ``stride`` is an int S or a pair (S_h, S_w). ``padding`` is ``"valid"``,
``"same"`` (TensorFlow's rule: O = ceil(N / S), an odd extra zero at the bottom/right), an
int P, a pair (P_h, P_w) or ((top, bottom), (left, right)). Integer inputs are accepted.
Results are float64, except :func:`conv2d_im2col` and :func:`im2col`, the fast path, which
keep float32 when the inputs are float32 (the dtype of Keras weights).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .prepare import (
    prepare_conv2d,
    prepare_conv2d_transpose,
    prepare_conv_matrix,
    prepare_pool2d,
    prepare_windows,
)

__all__ = ["conv2d", "conv2d_im2col", "im2col", "pool2d", "conv2d_transpose", "conv_matrix"]

# conv2d_im2col copies the patch matrix in blocks of about this many bytes: small enough to
# stay in the CPU cache while the matrix product reads it (a whole 16x56x56x32 patch matrix
# is 58 MB and goes out to memory and back), large enough that the matrix products are few.
_BLOCK_BYTES = 4 << 20


def _pad(x: np.ndarray, padding, value=0.0) -> np.ndarray:
    """Add ((top, bottom), (left, right)) cells of ``value`` around each image of a batch."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    n_images, h, w, channels = x.shape
    padded = np.full((n_images, top + h + bottom, left + w + right, channels), value, x.dtype)
    padded[:, top : top + h, left : left + w, :] = x
    return padded


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    """The convolution of a Conv2D layer, written as loops: slide, multiply, sum, add the bias.

    x: (H, W), (H, W, C_in) or (N, H, W, C_in). kernel: (F_h, F_w, C_in, C_out), the layout
    of ``keras.layers.Conv2D`` (a 2-D kernel is one filter). bias: (C_out,) or None.
    Returns float64 (O_h, O_w[, C_out]) / (N, O_h, O_w, C_out). Like Keras, the kernel is not
    flipped: this is cross-correlation. Taught in lesson 01, section 2 (one channel) and
    lesson 02 (channels and filters).

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
    """
    x, kernel, bias, (s_h, s_w), padding, (o_h, o_w), restore = prepare_conv2d(
        x, kernel, bias, stride, padding, dtype=float
    )
    x = _pad(x, padding)
    n_images = x.shape[0]
    f_h, f_w, _, c_out = kernel.shape
    feature_map = np.zeros((n_images, o_h, o_w, c_out))
    for b in range(n_images):
        for i in range(o_h):
            for j in range(o_w):
                window = x[b, i * s_h : i * s_h + f_h, j * s_w : j * s_w + f_w, :]
                for k in range(c_out):
                    feature_map[b, i, j, k] = np.sum(window * kernel[:, :, :, k]) + bias[k]
    return restore(feature_map)


def _windows(x: np.ndarray, window, stride, output_size) -> np.ndarray:
    """Every window of a padded batch, as a view (N, O_h, O_w, F_h, F_w, C): nothing is copied.

    The window of output (i, j) starts S_h rows and S_w columns further into x per step, so
    the view steps through x's memory S times further along the output axes than along the
    window's own axes.
    """
    (f_h, f_w), (s_h, s_w), (o_h, o_w) = window, stride, output_size
    n_images, _, _, channels = x.shape
    b_n, b_h, b_w, b_c = x.strides  # bytes from one image, row, column, channel to the next
    return as_strided(x, (n_images, o_h, o_w, f_h, f_w, channels),
                      (b_n, s_h * b_h, s_w * b_w, b_h, b_w, b_c), writeable=False)


def im2col(x, kernel_size, stride=1, padding="valid"):
    """The patch matrix: one row per output position, each row one window, flattened.

    x: (H, W), (H, W, C) or (N, H, W, C). Returns (N * O_h * O_w, F_h * F_w * C): rows in the
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
    windows = _windows(_pad(x, padding), window, stride, output_size)
    patches = windows.reshape(-1, window[0] * window[1] * x.shape[3])  # copies, mostly
    return patches if patches.flags.owndata else patches.copy()  # never a view of x


def conv2d_im2col(x, kernel, bias=None, stride=1, padding="valid"):
    """The same convolution as :func:`conv2d`, computed as one matrix product (im2col).

    Every window becomes a row of the patch matrix (:func:`im2col`), every filter a column of
    ``kernel.reshape(-1, C_out)``; their product is the feature map. Layouts as in
    :func:`conv2d`. Computes in float32 when x and kernel fit in it (Keras's dtype), else in
    float64. The patch matrix is built in blocks that stay in the CPU cache; the windows are
    read through a view of ``x``, so nothing else is copied. Taught in lesson 04, section 4.

    >>> x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    >>> conv2d_im2col(x, [[2, 0, 1], [0, 1, 2], [1, 0, 2]])
    array([[15., 16.],
           [ 6., 15.]])
    """
    x, kernel, bias, stride, padding, output_size, restore = prepare_conv2d(x, kernel, bias,
                                                                            stride, padding)
    f_h, f_w, c_in, c_out = kernel.shape
    windows = _windows(_pad(x, padding), (f_h, f_w), stride, output_size)  # (N, O_h, O_w, ...)
    n_images, o_h, o_w = windows.shape[:3]
    weights = kernel.reshape(-1, c_out)  # one column per filter
    feature_map = np.empty((n_images, o_h, o_w, c_out), dtype=x.dtype)
    row_bytes = o_w * weights.shape[0] * x.itemsize  # one output row's part of the patch matrix
    rows = max(1, _BLOCK_BYTES // row_bytes)
    if rows >= o_h:  # whole images per block
        step = rows // o_h
        blocks = [(slice(b, b + step), slice(None)) for b in range(0, n_images, step)]
    else:  # a few output rows of one image per block
        blocks = [(b, slice(top, top + rows))
                  for b in range(n_images) for top in range(0, o_h, rows)]
    for images, out_rows in blocks:
        patches = windows[images, out_rows].reshape(-1, weights.shape[0])  # copies this block
        np.matmul(patches, weights, out=feature_map[images, out_rows].reshape(-1, c_out))
    feature_map += bias
    return restore(feature_map)


def pool2d(x, pool_size=2, stride=None, padding="valid", mode="max"):
    """Max or average pooling per channel, as ``MaxPooling2D`` / ``AveragePooling2D``.

    x: (H, W), (H, W, C) or (N, H, W, C); the result keeps the channels. ``stride=None`` means
    ``pool_size`` (Keras's default). ``padding`` is "valid" or "same"; with "same", padded
    cells take part in neither the maximum nor the average (an edge window averages only its
    real cells, as Keras does). Returns float64. Taught in lesson 03, section 2.

    >>> x = [[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 9, 8], [1, 0, 3, 4]]
    >>> pool2d(x)
    array([[6., 5.],
           [7., 9.]])
    >>> pool2d(x, mode="average")
    array([[3.5, 2. ],
           [2.5, 6. ]])
    """
    (x, window, stride, padding, output_size, restore), mode = prepare_pool2d(
        x, pool_size, stride, padding, mode, dtype=float
    )
    x = _pad(x, padding, value=np.nan)  # NaN marks the padding: nanmax and nanmean skip it
    windows = _windows(x, window, stride, output_size)  # (N, O_h, O_w, p_h, p_w, C)
    reduce = np.nanmax if mode == "max" else np.nanmean
    return restore(reduce(windows, axis=(3, 4)))


def conv2d_transpose(x, kernel, bias=None, stride=1, padding="valid", output_padding=None):
    """Transposed convolution as scatter-add, as ``keras.layers.Conv2DTranspose``.

    Every input value scales the kernel, and the scaled kernel is added into the output at
    S times the input's position; overlapping copies add up. Then the padding is cut off.
    x: (H, W), (H, W, C_in) or (N, H, W, C_in). kernel: (F_h, F_w, C_out, C_in), the layout
    of ``keras.layers.Conv2DTranspose`` (a 2-D kernel is one filter). bias: (C_out,) or None.
    Output size (N - 1) * S + F - 2P (+ output_padding), as
    :func:`course_utils.conv_transpose_output_size` gives it. Returns float64. Taught in
    lesson 04, section 5.

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
    transpose of the convolution, not its inverse. Taught in lesson 04, section 7.

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
    x, kernel, _, (s_h, s_w), ((top, _), (left, _)), (o_h, o_w), _ = (
        prepare_conv_matrix(input_shape, kernel, stride, padding)
    )
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
