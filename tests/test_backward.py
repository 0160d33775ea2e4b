"""course_utils.backward against tf.GradientTape, on shapes drawn by hypothesis.

The reference is TensorFlow's automatic differentiation of tf.nn.conv2d, tf.nn.max_pool2d and
tf.nn.avg_pool2d, given the same arrays: the loss L = sum(G * Y) makes dL/dY = G, so
tape.gradient(L, [x, kernel, bias]) is exactly what the helpers must return. Everything runs in
float64 (TensorFlow's CPU kernels support it), so the comparison is tight.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_utils import (  # noqa: E402
    col2im,
    conv2d,
    conv2d_backward,
    conv2d_backward_im2col,
    conv2d_transpose,
    explicit_padding,
    im2col,
    numerical_gradient,
    pool2d,
    pool2d_backward,
    relative_error,
)
from tests.reference import tf_conv2d_gradients, tf_pool2d_gradient  # noqa: E402
from tests.strategies import conv_cases, pair, strides  # noqa: E402

# Same examples on every run (derandomize): a failure seen once can be seen again.
CASES = settings(max_examples=60, deadline=None, derandomize=True)

@st.composite
def backward_cases(draw):
    """x (B, H, W, C_in), a Conv2D kernel, G, stride and padding (the kernel fits), in float64."""
    case = draw(conv_cases(max_channels=3))
    x, kernel = case["x"].astype(np.float64), case["kernel"].astype(np.float64)
    stride, padding = case["stride"], case["padding"]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    grad = rng.standard_normal(conv2d(x, kernel, stride=stride, padding=padding).shape)
    return x, kernel, grad, stride, padding


def assert_gradients(actual, expected):
    for mine, theirs in zip(actual, expected, strict=True):
        assert mine.shape == theirs.shape, (mine.shape, theirs.shape)
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-9)


# ---- conv2d_backward ----------------------------------------------------------------------


@CASES
@given(backward_cases())
def test_conv2d_backward_equals_gradient_tape(case):
    assert_gradients(conv2d_backward(*case), tf_conv2d_gradients(*case))


@CASES
@given(backward_cases())
def test_conv2d_backward_im2col_equals_gradient_tape(case):
    assert_gradients(conv2d_backward_im2col(*case), tf_conv2d_gradients(*case))


@CASES
@given(backward_cases())
def test_grad_x_is_the_transposed_convolution_with_output_padding(case):
    """dL/dX = conv2d_transpose(G, the same kernel array, explicit padding, a = (N+2P-F) mod S)."""
    x, kernel, grad, stride, padding = case
    (s_h, s_w), (f_h, f_w) = pair(stride), kernel.shape[:2]
    pads = explicit_padding(padding, x.shape[1:3], (f_h, f_w), stride)
    extra = ((x.shape[1] + sum(pads[0]) - f_h) % s_h, (x.shape[2] + sum(pads[1]) - f_w) % s_w)
    transposed = conv2d_transpose(grad, kernel, stride=stride, padding=pads, output_padding=extra)
    np.testing.assert_allclose(transposed, tf_conv2d_gradients(*case)[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("x_shape, kernel_shape, batch_x, batch_kernel", [
    ((6, 7), (3, 2), (1, 6, 7, 1), (3, 2, 1, 1)),  # (H, W) and a 2-D kernel: one filter
    ((6, 7), (3, 3, 1, 2), (1, 6, 7, 1), (3, 3, 1, 2)),  # (H, W), two filters
    ((6, 7, 2), (3, 3, 2, 4), (1, 6, 7, 2), (3, 3, 2, 4)),  # one image, channels last
    ((2, 6, 7, 2), (3, 3, 2, 4), (2, 6, 7, 2), (3, 3, 2, 4)),  # a batch
])
def test_every_layout_gets_gradients_of_its_own_shape(x_shape, kernel_shape, batch_x,
                                                      batch_kernel):
    rng = np.random.default_rng(len(x_shape) + len(kernel_shape))
    x, kernel = rng.standard_normal(x_shape), rng.standard_normal(kernel_shape)
    output_shape = conv2d(x, kernel, stride=2, padding="same").shape
    grad = rng.standard_normal(output_shape)  # dL/dY in the forward output's layout
    batch_output = conv2d(x.reshape(batch_x), kernel.reshape(batch_kernel), stride=2,
                          padding="same").shape
    expected = tf_conv2d_gradients(x.reshape(batch_x), kernel.reshape(batch_kernel),
                                   grad.reshape(batch_output), 2, "same")
    for backward in (conv2d_backward, conv2d_backward_im2col):
        grad_x, grad_kernel, grad_bias = backward(x, kernel, grad, stride=2, padding="same")
        assert grad_x.shape == x_shape and grad_kernel.shape == kernel_shape
        assert grad_bias.shape == (batch_kernel[3],)
        np.testing.assert_allclose(grad_x, expected[0].reshape(x_shape), atol=1e-9)
        np.testing.assert_allclose(grad_kernel, expected[1].reshape(kernel_shape), atol=1e-9)
        np.testing.assert_allclose(grad_bias, expected[2], atol=1e-9)


def test_float32_in_float32_out_for_the_fast_version():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 10, 10, 3)).astype("float32")
    kernel = rng.standard_normal((3, 3, 3, 5)).astype("float32")
    grad = rng.standard_normal((4, 5, 5, 5)).astype("float32")
    result = conv2d_backward_im2col(x, kernel, grad, stride=2, padding="same")
    assert [r.dtype for r in result] == [np.float32] * 3
    expected = tf_conv2d_gradients(x.astype(float), kernel.astype(float), grad.astype(float), 2,
                                   "same")
    for mine, theirs in zip(result, expected, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4)
    assert [r.dtype for r in conv2d_backward(x, kernel, grad, 2, "same")] == [np.float64] * 3


def test_lesson_01_example():
    x = [[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]
    kernel = [[2, 0, 1], [0, 1, 2], [1, 0, 2]]
    grad = np.array([[1.0, 2.0], [-1.0, 0.0]])
    expected = tf_conv2d_gradients(np.reshape(x, (1, 4, 4, 1)).astype(float),
                                   np.reshape(kernel, (3, 3, 1, 1)).astype(float),
                                   grad.reshape(1, 2, 2, 1), 1, "valid")
    grad_x, grad_kernel, grad_bias = conv2d_backward(x, kernel, grad)
    np.testing.assert_array_equal(grad_x, expected[0][0, :, :, 0])
    np.testing.assert_array_equal(grad_kernel, expected[1][:, :, 0, 0])
    np.testing.assert_array_equal(grad_bias, expected[2])


# ---- col2im -------------------------------------------------------------------------------


@CASES
@given(backward_cases())
def test_col2im_is_the_transpose_of_im2col(case):
    """<im2col(x), P> = <x, col2im(P)> for any x and P: col2im is im2col's transpose."""
    x, kernel, _, stride, padding = case
    window = kernel.shape[:2]
    patches = im2col(x, window, stride, padding)
    other = np.random.default_rng(x.size).standard_normal(patches.shape)
    back = col2im(other, x.shape, window, stride, padding)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(patches * other), np.sum(x * back), rtol=1e-9, atol=1e-9)


# ---- pool2d_backward ----------------------------------------------------------------------


@st.composite
def pool_cases(draw):
    """A tie-free batch (a permutation of distinct numbers), pooling arguments and G."""
    p_h, p_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same"]))
    minimum = (p_h, p_w) if padding == "valid" else (1, 1)
    h, w = draw(st.integers(minimum[0], 8)), draw(st.integers(minimum[1], 8))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    stride = draw(st.one_of(st.none(), strides))
    mode = draw(st.sampled_from(["max", "average"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.permutation(n * h * w * c).reshape(n, h, w, c) / 7.0  # distinct: no ties
    grad = rng.standard_normal(pool2d(x, (p_h, p_w), stride, padding, mode).shape)
    return x, grad, (p_h, p_w), stride, padding, mode


@CASES
@given(pool_cases())
def test_pool2d_backward_equals_gradient_tape(case):
    x, grad, pool_size, stride, padding, mode = case
    expected = tf_pool2d_gradient(x, grad, pool_size, stride, padding, mode)
    actual = pool2d_backward(x, grad, pool_size, stride, padding, mode)
    assert actual.shape == x.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)


def test_max_pool_tie_goes_to_the_first_maximum_as_in_tensorflow():
    tie = np.array([[1.0, 3.0], [3.0, 0.0]])
    expected = tf_pool2d_gradient(tie.reshape(1, 2, 2, 1), np.ones((1, 1, 1, 1)))[0, :, :, 0]
    np.testing.assert_array_equal(pool2d_backward(tie, [[1.0]]), expected)
    assert expected.tolist() == [[0.0, 1.0], [0.0, 0.0]]


# ---- errors -------------------------------------------------------------------------------


def test_grad_output_of_the_wrong_shape_names_both_shapes_and_the_rule():
    with pytest.raises(ValueError) as error:
        conv2d_backward(np.ones((4, 4)), np.ones((3, 3)), np.ones((4, 4)))
    message = str(error.value)
    assert "grad_output has shape (4, 4)" in message and "(2, 2)" in message
    assert "O = floor((N + P_before + P_after - F) / S) + 1" in message


def test_grad_output_with_a_batch_axis_for_an_unbatched_input_is_refused():
    with pytest.raises(ValueError, match=r"grad_output has shape \(1, 2, 2, 1\).*\(2, 2\)"):
        conv2d_backward_im2col(np.ones((4, 4)), np.ones((3, 3)), np.ones((1, 2, 2, 1)))


def test_grad_output_with_the_wrong_number_of_filters_is_refused():
    with pytest.raises(ValueError, match=r"\(3, 3, 2\).*\(3, 3, 4\).*filter"):
        conv2d_backward(np.ones((5, 5, 1)), np.ones((3, 3, 1, 4)), np.ones((3, 3, 2)))


def test_pool_grad_output_of_the_wrong_shape_names_both_shapes():
    with pytest.raises(ValueError, match=r"grad_output has shape \(4, 4\).*\(2, 2\)"):
        pool2d_backward(np.ones((4, 4)), np.ones((4, 4)))


def test_grad_output_with_nan_is_refused():
    with pytest.raises(ValueError, match="grad_output contains NaN"):
        conv2d_backward(np.ones((4, 4)), np.ones((3, 3)), [[1.0, np.nan], [0.0, 0.0]])


def test_forward_arguments_are_checked_as_conv2d_checks_them():
    with pytest.raises(ValueError, match="kernel has 3 input channels but x has 1"):
        conv2d_backward(np.ones((4, 4)), np.ones((3, 3, 3, 8)), np.ones((2, 2, 8)))
    with pytest.raises(ValueError, match="mode must be one of 'max', 'average'"):
        pool2d_backward(np.ones((4, 4)), np.ones((2, 2)), mode="min")


def test_col2im_with_patches_of_the_wrong_shape_says_what_im2col_gives():
    with pytest.raises(ValueError, match=r"patches has shape \(9, 4\).*\(4, 9\)"):
        col2im(np.ones((9, 4)), (4, 4), 3)


def test_col2im_with_a_shape_that_is_not_a_shape_is_refused():
    with pytest.raises(ValueError, match=r"x_shape must be the shape im2col read"):
        col2im(np.ones((4, 9)), 16, 3)


def test_numerical_gradient_matches_tensorflow_and_leaves_the_array_as_it_was():
    """Central differences of a smooth loss agree with tf.GradientTape to 1e-8 relative error;
    every nudge is undone."""
    import tensorflow as tf

    rng = np.random.default_rng(3)
    x, kernel = rng.standard_normal((1, 5, 5, 2)), rng.standard_normal((3, 3, 2, 2))
    before = x.copy()
    numerical = numerical_gradient(lambda: np.sum(np.tanh(conv2d(x, kernel))), x)
    np.testing.assert_array_equal(x, before)
    x_var = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.tanh(tf.nn.conv2d(x_var, kernel, 1, "VALID")))
    assert relative_error(tape.gradient(loss, x_var).numpy(), numerical) < 1e-8
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, x.astype("float32"))


def test_relative_error_is_zero_for_equal_and_one_for_opposite_gradients():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, 1.001 * a) == pytest.approx(0.0005, rel=1e-3)
