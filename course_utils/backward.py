"""The backward pass: the gradients of the convolution and the pooling of ``ops``.

Training needs to know how the loss L changes with every number of a layer. A layer is handed
the upstream gradient ``grad_output`` = dL/dY (one number per output value, so it has the
output's shape) and the chain rule gives the rest:

* dL/dK, the kernel's gradient: the cross-correlation of the input with dL/dY (every window
  times the gradient of the output it made, summed over positions and images);
* dL/db, the bias's gradient: the sum of dL/dY over images and positions, one per filter;
* dL/dX, for the layer below: every dL/dY value stamps the kernel back onto its window, which
  is the transposed convolution of dL/dY with the same kernel array (lesson 04), or the "full"
  cross-correlation (``conv2d``) of dL/dY (with S - 1 zeros between its values) with the
  flipped kernel: in lesson 01's words, the true full convolution of dL/dY with the kernel.

Layouts as in ``ops`` (channels-last, Keras's kernel layout). Every gradient has the shape of
what it is the gradient of: ``grad_x`` is x's shape, ``grad_kernel`` the kernel's (a 2-D
kernel gives a 2-D gradient), ``grad_bias`` (C_out,). ``grad_output`` has the forward output's
shape: (O_h, O_w) for an (H, W) input and one filter, (O_h, O_w, C_out) for an (H, W, C) input
or several filters, (B, O_h, O_w, C_out) for a batch. Arguments are checked as ``conv2d`` and
``pool2d`` check them, and ``grad_output``'s shape against the output's, before any work.

:func:`numerical_gradient` and :func:`relative_error` test any of these, or a backward pass of
your own, from the forward pass alone (a gradient check).
"""

from __future__ import annotations

import numpy as np

from .ops import im2col, pad_images, window_view
from .prepare import prepare_conv2d, prepare_pool2d, prepare_windows
from .validation import check_array, check_int, describe

__all__ = ["conv2d_backward", "conv2d_backward_im2col", "col2im", "pool2d_backward",
           "numerical_gradient", "relative_error"]

GRAD_OUTPUT_RULE = (
    "grad_output = dL/dY holds one number per output value, so it has the forward output's "
    "shape: O = floor((N + P_before + P_after - F) / S) + 1 rows and columns"
)


def _check_grad_output(grad_output, prepared, channels: int, call: str, per: str) -> np.ndarray:
    """``grad_output`` as a (B, O_h, O_w, C) batch; its shape must be the forward output's."""
    grad = check_array(grad_output, "grad_output")
    batch_shape = (prepared.x.shape[0], *prepared.output_size, channels)
    expected = prepared.restore(np.broadcast_to(np.float32(0), batch_shape)).shape
    if grad.shape != expected:
        o_h, o_w = prepared.output_size
        raise ValueError(
            f"grad_output has shape {grad.shape} but {call} gives an output of shape "
            f"{expected}; {GRAD_OUTPUT_RULE} ({o_h} x {o_w} here), then one channel per "
            f"{per} ({channels})"
        )
    return grad.reshape(batch_shape)


def _prepare_conv(x, kernel, grad_output, stride, padding, dtype):
    """The prepared convolution, the checked (B, O_h, O_w, C_out) gradient, the given shapes."""
    x_shape, kernel_shape = np.shape(x), np.shape(kernel)
    prepared = prepare_conv2d(x, kernel, None, stride, padding, dtype=dtype)
    call = f"conv2d(x, kernel, stride={stride!r}, padding={padding!r})"
    grad = _check_grad_output(grad_output, prepared, prepared.kernel.shape[3], call, "filter")
    dtype = np.result_type(prepared.x, grad) if dtype is None else dtype
    return prepared, grad.astype(dtype, copy=False), x_shape, kernel_shape


def _padded_shape(prepared) -> tuple[int, int, int, int]:
    """(B, H + top + bottom, W + left + right, C): the batch the windows slid over."""
    (top, bottom), (left, right) = prepared.padding
    n_images, h, w, channels = prepared.x.shape
    return n_images, top + h + bottom, left + w + right, channels


def _cut(padded: np.ndarray, prepared) -> np.ndarray:
    """The input's own (H, W) part of a padded batch: the padding's gradient is thrown away."""
    (top, _), (left, _) = prepared.padding
    h, w = prepared.x.shape[1:3]
    return padded[:, top : top + h, left : left + w, :]


def _scatter(columns: np.ndarray, padded_shape, stride) -> np.ndarray:
    """Add every window's values back onto the window's place in a zero batch.

    columns: (B, O_h, O_w, F_h, F_w, C), one window per output position. One strided addition
    per kernel offset (di, dj): F_h * F_w additions, however many windows there are.
    """
    _, o_h, o_w, f_h, f_w, _ = columns.shape
    s_h, s_w = stride
    image = np.zeros(padded_shape, columns.dtype)
    for di in range(f_h):
        for dj in range(f_w):
            rows = slice(di, di + (o_h - 1) * s_h + 1, s_h)
            cols = slice(dj, dj + (o_w - 1) * s_w + 1, s_w)
            image[:, rows, cols, :] += columns[:, :, :, di, dj, :]
    return image


def conv2d_backward(x, kernel, grad_output, stride=1, padding="valid"):
    """The gradients of :func:`~course_utils.conv2d`, written as loops: (dL/dX, dL/dK, dL/db).

    x, kernel, stride, padding: as given to ``conv2d`` (layouts in the module docstring).
    grad_output: dL/dY, shaped like the forward output. At every output position, the window
    of x times dL/dY is added to dL/dK, and the kernel times dL/dY is added onto the window's
    place in dL/dX. Returns float64 arrays shaped like x, like the kernel and (C_out,).
    Taught in lesson 06, sections 2-4.

    >>> x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    >>> kernel = [[2, 0, 1], [0, 1, 2], [1, 0, 2]]
    >>> grad_x, grad_kernel, grad_bias = conv2d_backward(x, kernel, [[1, 2], [-1, 0]])
    >>> grad_kernel                     # conv2d(x, G)
    array([[ 5.,  7.,  1.],
           [-1.,  5.,  7.],
           [ 1., -1.,  5.]])
    >>> grad_bias                       # the sum of G
    array([2.])
    >>> grad_x                          # conv2d_transpose(G, kernel)
    array([[ 2.,  4.,  1.,  2.],
           [-2.,  1.,  3.,  4.],
           [ 1.,  1.,  0.,  4.],
           [-1.,  0., -2.,  0.]])
    """
    prepared, grad, x_shape, kernel_shape = _prepare_conv(x, kernel, grad_output, stride,
                                                          padding, float)
    x_pad, kernel = pad_images(prepared.x, prepared.padding), prepared.kernel
    (s_h, s_w), (f_h, f_w) = prepared.stride, kernel.shape[:2]
    grad_x_pad, grad_kernel = np.zeros_like(x_pad), np.zeros_like(kernel)
    n_images, o_h, o_w, _ = grad.shape
    for b in range(n_images):
        for i in range(o_h):
            for j in range(o_w):
                rows, cols = slice(i * s_h, i * s_h + f_h), slice(j * s_w, j * s_w + f_w)
                g = grad[b, i, j]  # dL/dY at this position: one number per filter
                grad_kernel += x_pad[b, rows, cols, :, np.newaxis] * g  # the window times g
                grad_x_pad[b, rows, cols, :] += kernel @ g  # the kernel times g, stamped back
    grad_x = _cut(grad_x_pad, prepared)
    return (grad_x.reshape(x_shape), grad_kernel.reshape(kernel_shape),
            grad.sum(axis=(0, 1, 2)))


def _check_x_shape(x_shape) -> tuple[int, ...]:
    if not isinstance(x_shape, tuple | list) or len(x_shape) not in (2, 3, 4):
        raise ValueError(
            f"x_shape must be the shape im2col read: (H, W), (H, W, C) or (B, H, W, C); got "
            f"{describe(x_shape)}"
        )
    return tuple(check_int(size, "x_shape", 1) for size in x_shape)


def col2im(patches, x_shape, kernel_size, stride=1, padding="valid"):
    """The transpose of :func:`~course_utils.im2col`: add every row back onto its window.

    patches: (B * O_h * O_w, F_h * F_w * C), rows and columns in im2col's order. x_shape: the
    shape im2col read, (H, W), (H, W, C) or (B, H, W, C). Returns an array of that shape in
    which each pixel holds the sum of the patch entries that were copies of it (padding cut
    off). im2col copies each pixel into every window that covers it; col2im sends a value
    back from each copy, so ``(im2col(x, F) * p).sum() == (x * col2im(p, x.shape, F)).sum()``
    for any x and p of matching shapes. It loops over the F_h * F_w kernel offsets, not over
    the positions. Taught in lesson 06, section 4 (dL/dX = col2im(G2 @ K2.T)).

    >>> col2im(np.ones((4, 9)), (4, 4), 3)   # each pixel: how many of the 4 windows cover it
    array([[1., 2., 2., 1.],
           [2., 4., 4., 2.],
           [2., 4., 4., 2.],
           [1., 2., 2., 1.]])
    """
    x_shape = _check_x_shape(x_shape)
    prepared = prepare_windows(np.broadcast_to(np.float32(0), x_shape), kernel_size, stride,
                               padding)
    (f_h, f_w), (o_h, o_w) = prepared.window, prepared.output_size
    n_images, channels = prepared.x.shape[0], prepared.x.shape[3]
    expected = (n_images * o_h * o_w, f_h * f_w * channels)
    patches = check_array(patches, "patches", (2,), "(B * O_h * O_w, F_h * F_w * C)")
    if patches.shape != expected:
        raise ValueError(
            f"patches has shape {patches.shape} but im2col of x_shape {x_shape} with "
            f"kernel_size={kernel_size!r}, stride={stride!r}, padding={padding!r} gives "
            f"{expected}: one row per output position (B * O_h * O_w = {expected[0]}), one "
            f"column per kernel weight (F_h * F_w * C = {expected[1]})"
        )
    columns = patches.reshape(n_images, o_h, o_w, f_h, f_w, channels)
    image = _scatter(columns, _padded_shape(prepared), prepared.stride)
    return _cut(image, prepared).reshape(x_shape)


def conv2d_backward_im2col(x, kernel, grad_output, stride=1, padding="valid"):
    """The gradients of :func:`conv2d_backward`, as matrix products (fast, for training).

    With the patch matrix P = im2col(x) (one window per row), K2 = kernel.reshape(-1, C_out)
    and G2 = grad_output.reshape(-1, C_out), the forward pass was Y = P @ K2 and the gradients
    are dL/dK = P.T @ G2, dL/dX = col2im(G2 @ K2.T) and dL/db = G2.sum(axis=0). Layouts as in
    :func:`conv2d_backward`. Keeps float32 when x, kernel and grad_output are float32 (Keras's
    dtype), else float64. Taught in lesson 06, sections 4 and 7.

    >>> x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    >>> kernel = [[2, 0, 1], [0, 1, 2], [1, 0, 2]]
    >>> grad_x, grad_kernel, grad_bias = conv2d_backward_im2col(x, kernel, [[1, 2], [-1, 0]])
    >>> grad_kernel
    array([[ 5.,  7.,  1.],
           [-1.,  5.,  7.],
           [ 1., -1.,  5.]])
    """
    prepared, grad, x_shape, kernel_shape = _prepare_conv(x, kernel, grad_output, stride,
                                                          padding, None)
    f_h, f_w, _, c_out = prepared.kernel.shape
    grad_2d = grad.reshape(-1, c_out)  # G2: one row per output position
    weights = prepared.kernel.reshape(-1, c_out).astype(grad.dtype, copy=False)  # K2
    patches = im2col(prepared.x, (f_h, f_w), prepared.stride, prepared.padding)  # P
    grad_kernel = (patches.T @ grad_2d).reshape(prepared.kernel.shape)
    n_images, o_h, o_w, _ = grad.shape
    columns = (grad_2d @ weights.T).reshape(n_images, o_h, o_w, f_h, f_w, -1)  # per window
    grad_x = _cut(_scatter(columns, _padded_shape(prepared), prepared.stride), prepared)
    return grad_x.reshape(x_shape), grad_kernel.reshape(kernel_shape), grad_2d.sum(axis=0)


def pool2d_backward(x, grad_output, pool_size=2, stride=None, padding="valid", mode="max"):
    """The gradient dL/dX of :func:`~course_utils.pool2d` (MaxPooling2D, AveragePooling2D).

    x, pool_size, stride, padding, mode: as given to ``pool2d``. grad_output: dL/dY, shaped
    like the pooled output. Max pooling sends each window's gradient to the value that won
    (the *switch*; on a tie to the first maximum in row-major order, as TensorFlow does);
    average pooling shares it equally among the window's real cells (padding excluded, as in
    Keras). Overlapping windows add up. Returns an array shaped like x: float32 when x and
    grad_output are float32, else float64. Taught in lesson 06, section 6.

    >>> x = [[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 9, 8], [1, 0, 3, 4]]
    >>> pool2d_backward(x, [[1, 2], [3, 4]])
    array([[0., 0., 0., 0.],
           [0., 1., 2., 0.],
           [3., 0., 4., 0.],
           [0., 0., 0., 0.]])
    >>> pool2d_backward(x, [[1, 2], [3, 4]], mode="average")
    array([[0.25, 0.25, 0.5 , 0.5 ],
           [0.25, 0.25, 0.5 , 0.5 ],
           [0.75, 0.75, 1.  , 1.  ],
           [0.75, 0.75, 1.  , 1.  ]])
    """
    x_shape = np.shape(x)
    prepared, mode = prepare_pool2d(x, pool_size, stride, padding, mode)
    call = f"pool2d(x, pool_size={pool_size!r}, stride={stride!r}, padding={padding!r})"
    grad = _check_grad_output(grad_output, prepared, prepared.x.shape[3], call,
                              "input channel")
    grad = grad.astype(np.result_type(prepared.x, grad), copy=False)
    n_images, o_h, o_w, channels = grad.shape
    p_h, p_w = prepared.window
    # -inf padding never wins a maximum; NaN marks the padding an average leaves out
    x_pad = pad_images(prepared.x, prepared.padding, value=-np.inf if mode == "max" else np.nan)
    windows = window_view(x_pad, prepared.window, prepared.stride, prepared.output_size)
    if mode == "max":  # 1 at each window's first maximum, 0 elsewhere
        winner = windows.reshape(n_images, o_h, o_w, p_h * p_w, channels).argmax(axis=3)
        share = np.arange(p_h * p_w)[:, np.newaxis] == winner[:, :, :, np.newaxis, :]
        share = share.reshape(n_images, o_h, o_w, p_h, p_w, channels)
    else:  # 1 / (number of real cells) at each real cell
        real = ~np.isnan(windows)
        share = real / real.sum(axis=(3, 4), keepdims=True)
    columns = (share * grad[:, :, :, np.newaxis, np.newaxis, :]).astype(grad.dtype, copy=False)
    grad_x = _cut(_scatter(columns, x_pad.shape, prepared.stride), prepared)
    return grad_x.reshape(x_shape)


def numerical_gradient(loss_function, array, h=1e-6):
    """Central differences: (L(w + h) - L(w - h)) / 2h for every number w of ``array``.

    ``loss_function()`` computes the loss from ``array`` (float64), which is nudged in place and
    put back. Taught in lesson 06, section 5 (why central, why float64, why h = 1e-6).

    >>> w = np.array([1.0, 2.0, 3.0])
    >>> numerical_gradient(lambda: np.sum(w ** 2), w).round(6)   # dL/dw = 2w
    array([2., 4., 6.])
    """
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise TypeError(
            f"array must hold float64 numbers (it is nudged by h = {h} in place); got "
            f"{getattr(array, 'dtype', describe(array))}: pass array.astype(float), and let "
            "loss_function read that same array"
        )
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + h
        loss_up = loss_function()
        array[index] = saved - h
        loss_down = loss_function()
        array[index] = saved  # put it back
        grad[index] = (loss_up - loss_down) / (2 * h)
    return grad


def relative_error(analytic, numerical) -> float:
    """||a - n|| / (||a|| + ||n||): how far two gradients are apart, relative to their size.

    0 when they are equal, 1 when one is zero or they point opposite ways. In float64 a right
    backward pass checked with :func:`numerical_gradient` gives about 1e-10 or less; CS231n's
    reading: above 1e-2 the gradient is probably wrong, 1e-4 to 1e-2 is suspect (unless the
    function has kinks, such as ReLU or max pooling), below 1e-7 it is right.
    Taught in lesson 06, section 5.

    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.array([1.0, 2.0]), np.array([-1.0, -2.0]))   # opposite signs
    1.0
    """
    analytic = np.asarray(analytic, dtype=float)
    numerical = np.asarray(numerical, dtype=float)
    size = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return float(np.linalg.norm(analytic - numerical) / size) if size else 0.0
