"""course_utils.prepare: bad input to an operation gets a ValueError or TypeError that names
the argument, the value and the rule, before any computation.

One test per mistake a learner makes, each run against every operation that can receive it.
The ``no_computation`` fixture makes NumPy unusable inside ``course_utils.ops`` (the checks in
prepare.py and validation.py keep their own), so each error must come from the preparation,
before any computation starts, and never from a NumPy broadcasting traceback.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import (  # noqa: E402
    arithmetic,
    conv2d,
    conv2d_im2col,
    conv2d_transpose,
    conv_matrix,
    conv_output_size,
    depthwise_conv2d,
    im2col,
    ops,
    pool2d,
    separable_conv2d,
)

X = np.arange(25, dtype=float).reshape(5, 5)  # one 5x5 channel
KERNEL = np.ones((3, 3, 1, 2))  # Conv2D layout (kh, kw, in, out)
KERNEL_T = np.ones((3, 3, 2, 1))  # Conv2DTranspose layout (kh, kw, out, in)


def call(name, x=X, **kwargs):
    """Call one of the six operations on ``x`` with a valid kernel unless one is given."""
    if name == "conv2d":
        return conv2d(x, kwargs.pop("kernel", KERNEL), **kwargs)
    if name == "conv2d_im2col":
        return conv2d_im2col(x, kwargs.pop("kernel", KERNEL), **kwargs)
    if name == "conv2d_transpose":
        return conv2d_transpose(x, kwargs.pop("kernel", KERNEL_T), **kwargs)
    if name == "im2col":
        return im2col(x, kwargs.pop("kernel_size", 3), **kwargs)
    if name == "pool2d":
        return pool2d(x, kwargs.pop("pool_size", 2), **kwargs)
    if name == "conv_matrix":
        return conv_matrix(np.shape(x), kwargs.pop("kernel", KERNEL), **kwargs)
    raise AssertionError(name)


ALL = ["conv2d", "conv2d_im2col", "conv2d_transpose", "im2col", "pool2d", "conv_matrix"]
ARRAY_INPUT = [name for name in ALL if name != "conv_matrix"]  # those that take x itself


class _NoNumPy:
    def __getattr__(self, name):
        raise AssertionError(f"course_utils.ops used np.{name} before the checks had finished")


def _no_windows(*args, **kwargs):
    raise AssertionError("course_utils.ops made a window view before the checks had finished")


@pytest.fixture
def no_computation(monkeypatch):
    """Any NumPy call or window view in ops fails the test: errors must come first."""
    monkeypatch.setattr(ops, "np", _NoNumPy())
    monkeypatch.setattr(ops, "as_strided", _no_windows)


@pytest.mark.parametrize("name", ALL)
def test_no_computation_fixture_catches_computation(name, no_computation):
    """The fixture works: valid input reaches the computation, which it stops."""
    with pytest.raises(AssertionError, match="before the checks had finished"):
        call(name)


def raises(error, *parts):
    """pytest.raises(error) whose message must contain every one of ``parts``, in order."""
    return pytest.raises(error, match=".*".join(re.escape(part) for part in parts))


def test_messages_name_argument_value_and_rule(no_computation):
    with raises(ValueError, "kernel has 3 input channels but x has 1",
                "a Conv2D kernel is (kh, kw, in, out)"):
        conv2d(X, np.ones((3, 3, 3, 8)))


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col", "conv2d_transpose", "conv_matrix"])
def test_kernel_depth_must_match_channels(name, no_computation):
    kernel = np.ones((3, 3, 3, 2)) if name != "conv2d_transpose" else np.ones((3, 3, 2, 3))
    layout = "(kh, kw, out, in)" if name == "conv2d_transpose" else "(kh, kw, in, out)"
    with raises(ValueError, "kernel has 3 input channels but x has 1", layout):
        call(name, kernel=kernel)
    with raises(ValueError, "kernel has 1 input channels but x has 3"):
        call(name, np.ones((5, 5, 3)), kernel=KERNEL if name != "conv2d_transpose" else KERNEL_T)


@pytest.mark.parametrize("name", ALL)
def test_stride_zero(name, no_computation):
    with raises(ValueError, "stride must be an int >= 1, got 0", "never move"):
        call(name, stride=0)
    with raises(ValueError, "stride", "got 0"):
        call(name, stride=(1, 0))


def test_stride_zero_in_arithmetic():
    with raises(ValueError, "stride must be an int >= 1, got 0"):
        conv_output_size(5, 3, 0)


@pytest.mark.parametrize("name", ALL)
def test_stride_must_be_an_int(name, no_computation):
    with raises(TypeError, "stride must be an int", "1.5"):
        call(name, stride=1.5)


@pytest.mark.parametrize("name", ALL)
def test_negative_padding(name, no_computation):
    if name == "pool2d":  # Keras pooling has no numeric padding at all
        with raises(ValueError, "padding must be 'valid' or 'same'", "-1"):
            call(name, padding=-1)
        return
    with raises(ValueError, "padding must be an int >= 0, got -1", "cannot be negative"):
        call(name, padding=-1)
    with raises(ValueError, "padding", "got -2"):
        call(name, padding=((1, 1), (0, -2)))


def test_negative_padding_in_arithmetic():
    with raises(ValueError, "padding must be an int >= 0, got -1"):
        conv_output_size(5, 3, padding=-1)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col", "im2col", "pool2d", "conv_matrix"])
def test_kernel_larger_than_padded_input(name, no_computation):
    x = np.ones((4, 4))
    big = {"kernel": np.ones((5, 5))} if name in ("conv2d", "conv2d_im2col", "conv_matrix") \
        else {"kernel_size": 5} if name == "im2col" else {"pool_size": 5}
    with raises(ValueError, "is 5x5 but the input is 4x4", "F <= N + 2P"):
        call(name, x, **big)


@pytest.mark.parametrize(("name", "shape"), [("conv2d", (2, 2)), ("conv2d_im2col", (2, 2)),
                                             ("im2col", (4, 25)), ("conv_matrix", (4, 16))])
def test_kernel_larger_than_input_is_allowed_with_padding(name, shape):
    """4 + 2 * 1 >= 5: with padding 1 a 5x5 kernel fits a 4x4 input."""
    big = {"kernel_size": 5} if name == "im2col" else {"kernel": np.ones((5, 5))}
    assert np.shape(call(name, np.ones((4, 4)), padding=1, **big)) == shape


def test_kernel_larger_than_input_in_arithmetic():
    with raises(ValueError, "kernel_size 5 is larger than the padded input 4", "F <= N + 2P"):
        conv_output_size(4, 5)


@pytest.mark.parametrize("name", ARRAY_INPUT)
def test_one_dimensional_array(name, no_computation):
    with raises(ValueError, "x must be (H, W)", "(B, H, W, C)", "got a 1-D array of shape (5,)"):
        call(name, np.ones(5))


@pytest.mark.parametrize("name", ARRAY_INPUT)
def test_five_dimensional_array(name, no_computation):
    with raises(ValueError, "x must be (H, W)", "got a 5-D array of shape (1, 1, 5, 5, 1)"):
        call(name, np.ones((1, 1, 5, 5, 1)))


def test_wrong_input_shape_for_conv_matrix(no_computation):
    with raises(ValueError, "input_shape must be (H, W) or (H, W, C), got a tuple of 1 item (5,)"):
        conv_matrix((5,), KERNEL)
    with raises(ValueError, "input_shape must be (H, W) or (H, W, C)", "(1, 5, 5, 1)",
                "leave out N"):
        conv_matrix((1, 5, 5, 1), KERNEL)


@pytest.mark.parametrize("name", ARRAY_INPUT)
def test_string_array(name, no_computation):
    with raises(TypeError, "x must hold real numbers", "dtype <U1", "strings"):
        call(name, np.array([["a", "b", "c"]] * 3))


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col", "conv2d_transpose", "conv_matrix"])
def test_string_kernel(name, no_computation):
    with raises(TypeError, "kernel must hold real numbers"):
        call(name, kernel=[["1", "0"], ["0", "1"]])


@pytest.mark.parametrize("name", ARRAY_INPUT)
def test_nan_in_input(name, no_computation):
    x = X.copy()
    x[2, 3] = np.nan
    with raises(ValueError, "x contains NaN or infinity (first at index (2, 3))", "finite"):
        call(name, x)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col", "conv2d_transpose", "conv_matrix"])
def test_nan_in_kernel(name, no_computation):
    kernel = np.ones((3, 3))
    kernel[0, 0] = np.nan
    with raises(ValueError, "kernel contains NaN or infinity (first at index (0, 0))"):
        call(name, kernel=kernel)


@pytest.mark.parametrize("name", ALL)
def test_unknown_padding_string(name, no_computation):
    with raises(ValueError, "padding must be one of 'valid', 'same'; got a string 'full'"):
        call(name, padding="full")


def test_unknown_padding_string_in_arithmetic():
    with raises(ValueError, "padding must be one of 'valid', 'same'; got a string 'full'"):
        conv_output_size(5, 3, padding="full")


def test_unknown_mode(no_computation):
    with raises(ValueError, "mode must be one of 'max', 'average'; got a string 'min'"):
        pool2d(X, 2, mode="min")
    with raises(ValueError, "mode must be one of 'max', 'average'; got a string 'avg'"):
        pool2d(X, 2, mode="avg")


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col", "conv2d_transpose"])
def test_bias_must_have_one_value_per_filter(name, no_computation):
    with raises(ValueError, "bias has shape (3,) but the kernel has 2 filters", "(C_out,)"):
        call(name, bias=np.ones(3))


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col", "conv2d_transpose", "conv_matrix"])
def test_three_dimensional_kernel(name, no_computation):
    with raises(ValueError, "kernel has shape (3, 3, 1), which is 3-D", "np.newaxis"):
        call(name, kernel=np.ones((3, 3, 1)))


def test_two_dimensional_kernel_needs_one_channel(no_computation):
    with raises(ValueError, "kernel is 2-D (3, 3)", "x has 3 channels"):
        conv2d(np.ones((5, 5, 3)), np.ones((3, 3)))


def test_output_padding_must_be_smaller_than_stride(no_computation):
    with raises(ValueError, "output_padding must be smaller than stride", "output_padding=2",
                "stride 2", "0 <= output_padding < S"):
        conv2d_transpose(X, KERNEL_T, stride=2, output_padding=2)


def test_ragged_list(no_computation):
    with raises(ValueError, "x could not be read as an array", "rectangular"):
        conv2d([[1, 2, 3], [4, 5]], np.ones((2, 2)))


def test_conv_matrix_refuses_huge_matrices():
    with raises(ValueError, "conv_matrix for input_shape (28, 28, 192)", "entries"):
        conv_matrix((28, 28, 192), np.ones((5, 5, 192, 32)), padding="same")


def test_receptive_field_needs_pairs():
    with raises(ValueError, "each entry of layers must be a (kernel_size, stride) pair", "3"):
        arithmetic.receptive_field([3, 3])
    with raises(ValueError, "stride must be an int >= 1, got 0"):
        arithmetic.receptive_field([(3, 0)])


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, bool])
@pytest.mark.parametrize("name", ALL)
def test_integer_inputs_work(name, dtype):
    """Non-float inputs (MNIST's uint8 pixels, integer kernels) give the float results."""
    x_int = (np.arange(36).reshape(6, 6) % 4).astype(dtype)
    kernel_int = (np.arange(18).reshape(3, 3, 1, 2) % 3).astype(dtype)
    kernel = kernel_int if name != "conv2d_transpose" else kernel_int.transpose(0, 1, 3, 2)
    kwargs = {} if name in ("im2col", "pool2d") else {"kernel": kernel}
    as_float = {k: v.astype(float) for k, v in kwargs.items()}
    result = call(name, x_int, **kwargs)
    assert result.dtype.kind == "f"
    np.testing.assert_array_equal(result, call(name, x_int.astype(float), **as_float))


# --- lesson 07: dilation, groups, depthwise and separable convolutions ----------------------

X8 = np.ones((6, 6, 8))  # 8 channels: groups of 1, 2, 4 or 8
DEPTHWISE = np.ones((3, 3, 8, 1))
POINTWISE = np.ones((1, 1, 8, 4))


def call07(name, x=X8, **kwargs):
    """One of the four lesson-07 convolutions on ``x`` with valid kernels unless given."""
    if name in ("conv2d", "conv2d_im2col"):
        function = conv2d if name == "conv2d" else conv2d_im2col
        return function(x, kwargs.pop("kernel", np.ones((3, 3, 8, 4))), **kwargs)
    if name == "depthwise_conv2d":
        return depthwise_conv2d(x, kwargs.pop("kernel", DEPTHWISE), **kwargs)
    if name == "separable_conv2d":
        return separable_conv2d(x, kwargs.pop("kernel", DEPTHWISE),
                                kwargs.pop("pointwise", POINTWISE), **kwargs)
    raise AssertionError(name)


CONVOLUTIONS = ["conv2d", "conv2d_im2col", "depthwise_conv2d", "separable_conv2d"]


@pytest.mark.parametrize("name", CONVOLUTIONS)
def test_lesson07_fixture_catches_computation(name, no_computation):
    with pytest.raises(AssertionError, match="before the checks had finished"):
        call07(name, dilation=2)


@pytest.mark.parametrize("name", CONVOLUTIONS)
def test_stride_with_dilation_is_refused_with_keras_rule(name, no_computation):
    with raises(ValueError, "stride=(2, 2) with dilation=(2, 2)", "cannot be combined",
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`",
                "Use one of the two"):
        call07(name, stride=2, dilation=2)
    with raises(ValueError, "stride=(1, 2) with dilation=(3, 1)"):
        call07(name, stride=(1, 2), dilation=(3, 1))


def test_the_stride_with_dilation_message_says_what_keras_does():
    """The message quotes Keras's Conv2D and says which Keras versions accept the pair in
    DepthwiseConv2D and SeparableConv2D: checked against the Keras installed (3.15 here,
    3.13 under make test-colab)."""
    with pytest.raises(ValueError) as refused:
        conv2d(X8, np.ones((3, 3, 8, 4)), stride=2, dilation=2)
    message = str(refused.value)
    for fragment in ("Keras 3.15's DepthwiseConv2D and SeparableConv2D do accept the pair",
                     "Keras 3.13 (Colab's) and 3.14 refuse it in every layer"):
        assert fragment in message
    with pytest.raises(ValueError) as keras_refused:
        keras.layers.Conv2D(1, 3, strides=2, dilation_rate=2, name="strided_and_dilated")
    quoted = re.search(r'\("(.+?)"\)', message).group(1)
    assert quoted in str(keras_refused.value)
    version = tuple(int(part) for part in keras.__version__.split(".")[:2])
    x = np.ones((1, 28, 28, 3), dtype="float32")
    for layer in (keras.layers.DepthwiseConv2D, lambda *args, **kwargs:
                  keras.layers.SeparableConv2D(4, *args, **kwargs)):
        if version >= (3, 15):
            made = layer(3, strides=2, dilation_rate=2, name="strided_and_dilated")
            assert tuple(made(x).shape)[1:3] == (conv_output_size(28, 3, 2, dilation=2),) * 2
        elif version in ((3, 13), (3, 14)):
            with pytest.raises(ValueError, match="not supported in conjunction"):
                layer(3, strides=2, dilation_rate=2, name="strided_and_dilated")


@pytest.mark.parametrize("name", CONVOLUTIONS)
def test_dilation_must_be_a_positive_int(name, no_computation):
    with raises(ValueError, "dilation must be an int >= 1, got 0", "D = 1 is an ordinary kernel"):
        call07(name, dilation=0)
    with raises(TypeError, "dilation must be an int", "1.5"):
        call07(name, dilation=1.5)


@pytest.mark.parametrize("name", CONVOLUTIONS)
def test_dilated_kernel_larger_than_the_input(name, no_computation):
    with raises(ValueError, "kernel is 3x3 (with dilation 3x3 it covers 7x7 pixels)",
                "the input is 6x6", "F + (F - 1)(D - 1) <= N + 2P"):
        call07(name, dilation=3)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col"])
def test_groups_must_divide_the_input_channels(name, no_computation):
    with raises(ValueError, "groups=3 does not divide the 8 input channels (8 = 3 * 2 + 2)",
                "G must divide C_in"):
        call07(name, kernel=np.ones((3, 3, 2, 6)), groups=3)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col"])
def test_groups_must_divide_the_filters(name, no_computation):
    with raises(ValueError, "groups=4 does not divide the 6 filters (output channels)",
                "G must divide C_out"):
        call07(name, kernel=np.ones((3, 3, 2, 6)), groups=4)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_im2col"])
def test_grouped_kernel_must_see_a_group_of_channels(name, no_computation):
    with raises(ValueError, "kernel has 8 input channels, but with groups=4 each filter sees "
                "8 / 4 = 2 of x's 8 channels", "(kh, kw, in / groups, out)"):
        call07(name, kernel=np.ones((3, 3, 8, 4)), groups=4)
    with raises(ValueError, "groups must be an int >= 1, got 0"):
        call07(name, groups=0)


@pytest.mark.parametrize("name", ["depthwise_conv2d", "separable_conv2d"])
def test_depthwise_kernel_layout(name, no_computation):
    with raises(ValueError, "kernel has 4 input channels but x has 8",
                "(kh, kw, in, depth_multiplier)"):
        call07(name, kernel=np.ones((3, 3, 4, 2)))
    with raises(ValueError, "which is 3-D", "(kh, kw, in, depth_multiplier)"):
        call07(name, kernel=np.ones((3, 3, 8)))


def test_depthwise_bias_has_one_number_per_output_channel(no_computation):
    with raises(ValueError, "bias has shape (8,) but the kernel has 16 filters"):
        depthwise_conv2d(X8, np.ones((3, 3, 8, 2)), np.ones(8))


def test_separable_pointwise_kernel(no_computation):
    with raises(ValueError, "pointwise_kernel has shape (3, 3, 8, 4)", "a 1x1 convolution"):
        call07("separable_conv2d", pointwise=np.ones((3, 3, 8, 4)))
    with raises(ValueError, "kernel has 16 input channels but x has 8",
                "(1, 1, in * depth_multiplier, out)"):
        call07("separable_conv2d", pointwise=np.ones((1, 1, 16, 4)))
    with raises(ValueError, "bias has shape (8,) but the kernel has 4 filters"):
        call07("separable_conv2d", bias=np.ones(8))


def test_receptive_field_takes_triples():
    with raises(ValueError, "(kernel_size, stride) pair or a (kernel_size, stride, dilation) "
                "triple", "(3, 1, 2, 1)"):
        arithmetic.receptive_field([(3, 1, 2, 1)])
    with raises(ValueError, "dilation must be an int >= 1, got 0"):
        arithmetic.receptive_field([(3, 1, 0)])
