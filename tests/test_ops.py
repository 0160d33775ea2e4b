"""course_utils.ops against TensorFlow and Keras, on shapes drawn by hypothesis.

The reference is always the real library: tf.nn.conv2d, tf.nn.conv2d_transpose,
tf.image.extract_patches and the Keras layers Conv2D, MaxPooling2D, AveragePooling2D and
Conv2DTranspose, given the same weights. TensorFlow computes in float32, the reference
functions in float64, so results are compared with a tolerance relative to their magnitude.
"""

from __future__ import annotations

import os
from unittest import mock

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_utils import (  # noqa: E402
    conv2d,
    conv2d_im2col,
    conv2d_transpose,
    conv_matrix,
    conv_transpose_output_size,
    depthwise_conv2d,
    im2col,
    ops,
    pool2d,
    separable_conv2d,
)
from tests.reference import explicit_padding, tf_padding  # noqa: E402
from tests.strategies import conv_cases, paddings, pair, random, strides  # noqa: E402

# Same examples on every run (derandomize): a failure seen once can be seen again.
FAST = settings(max_examples=100, deadline=None, derandomize=True)  # tf.nn ops, NumPy only
LAYERS = settings(max_examples=50, deadline=None, derandomize=True)  # a Keras layer per example


def assert_close(actual, expected):
    """float64 NumPy against float32 TensorFlow: relative to the largest magnitude."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-4 * scale)


# ---- convolution --------------------------------------------------------------------------


@FAST
@given(conv_cases())
def test_conv2d_equals_tf_nn_conv2d(case):
    expected = tf.nn.conv2d(case["x"], case["kernel"], pair(case["stride"]),
                            tf_padding(case["padding"]))
    assert_close(conv2d(case["x"], case["kernel"], stride=case["stride"],
                        padding=case["padding"]), expected)


@FAST
@given(conv_cases(), st.sampled_from([1, 200, 2000, ops._BLOCK_BYTES]))
def test_conv2d_im2col_equals_tf_nn_conv2d(case, block_bytes):
    """Also with small blocks, so that both ways of cutting the patch matrix are used."""
    expected = tf.nn.conv2d(case["x"], case["kernel"], pair(case["stride"]),
                            tf_padding(case["padding"]))
    with mock.patch.object(ops, "_BLOCK_BYTES", block_bytes):
        result = conv2d_im2col(case["x"], case["kernel"], stride=case["stride"],
                               padding=case["padding"])
    assert result.dtype == np.float32  # float32 in, float32 out: the fast path
    assert_close(result, expected)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(conv_cases(), st.booleans())
def test_conv2d_and_conv2d_im2col_agree(case, integers):
    x, kernel = case["x"], case["kernel"]
    if integers:  # integer inputs work and give exact float results
        x, kernel = np.rint(x * 2).astype(int), np.rint(kernel * 2).astype(int)
    args = dict(bias=case["bias"], stride=case["stride"], padding=case["padding"])
    np.testing.assert_allclose(conv2d_im2col(x, kernel, **args), conv2d(x, kernel, **args),
                               rtol=1e-5, atol=1e-5)


@LAYERS
@given(conv_cases(paddings=st.sampled_from(["valid", "same"])))
def test_conv2d_equals_keras_conv2d_layer(case):
    kernel, bias = case["kernel"], case["bias"]
    layer = keras.layers.Conv2D(kernel.shape[3], kernel.shape[:2], strides=case["stride"],
                                padding=case["padding"], name="conv")
    layer.build(case["x"].shape)
    layer.set_weights([kernel, bias])
    expected = layer(case["x"])
    args = dict(stride=case["stride"], padding=case["padding"])
    # layer.get_weights() is [kernel, bias] in the layouts the functions take
    assert_close(conv2d(case["x"], *layer.get_weights(), **args), expected)
    assert_close(conv2d_im2col(case["x"], *layer.get_weights(), **args), expected)


@FAST
@given(conv_cases())
def test_unbatched_inputs_give_unbatched_results(case):
    """(H, W, C) gives (O_h, O_w, C_out); (H, W) with one filter gives (O_h, O_w)."""
    x, kernel = case["x"][0], case["kernel"]
    args = dict(stride=case["stride"], padding=case["padding"])
    batched = conv2d(x[np.newaxis], kernel, **args)
    for function in (conv2d, conv2d_im2col):
        assert_close(function(x, kernel, **args), batched[0])
        one_channel = function(x[:, :, 0], kernel[:, :, :1, :1], **args)
        assert one_channel.ndim == 2
        assert_close(one_channel, function(x[:, :, :1], kernel[:, :, :1, :1], **args)[:, :, 0])
        two_d_kernel = function(x[:, :, 0], kernel[:, :, 0, 0], **args)
        assert_close(two_d_kernel, one_channel)


def test_lesson01_example_with_keras_layer():
    """The course's worked example: four ways, one answer."""
    x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
    kernel = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]])
    layer = keras.layers.Conv2D(1, 3, name="conv")
    layer.build((None, 4, 4, 1))
    layer.set_weights([kernel.reshape(3, 3, 1, 1), np.zeros(1)])
    keras_result = np.asarray(layer(x.reshape(1, 4, 4, 1).astype("float32")))[0, :, :, 0]
    assert_close(conv2d(x, kernel), keras_result)
    assert_close(conv2d_im2col(x, kernel), keras_result)
    assert conv2d(x, kernel).tolist() == [[15, 16], [6, 15]]


# ---- im2col -------------------------------------------------------------------------------


@FAST
@given(conv_cases(paddings=st.sampled_from(["valid", "same"])))
def test_im2col_equals_tf_extract_patches(case):
    x, (f_h, f_w) = case["x"], case["kernel"].shape[:2]
    s_h, s_w = pair(case["stride"])
    expected = tf.image.extract_patches(x, [1, f_h, f_w, 1], [1, s_h, s_w, 1], [1, 1, 1, 1],
                                        case["padding"].upper()).numpy()
    patches = im2col(x, (f_h, f_w), stride=case["stride"], padding=case["padding"])
    np.testing.assert_array_equal(patches, expected.reshape(-1, expected.shape[-1]))


def test_im2col_never_returns_a_view_of_x():
    """A 1x1 window needs no copy; the patch matrix is still the learner's own array."""
    x = np.arange(16.0).reshape(4, 4)
    patches = im2col(x, 1)
    assert not np.shares_memory(patches, x)
    patches[0, 0] = 100.0  # writeable, and x is left alone
    assert x[0, 0] == 0.0


@FAST
@given(conv_cases())
def test_im2col_times_kernel_matrix_is_the_convolution(case):
    x, kernel = case["x"], case["kernel"]
    expected = tf.nn.conv2d(x, kernel, pair(case["stride"]), tf_padding(case["padding"]))
    patches = im2col(x, kernel.shape[:2], stride=case["stride"], padding=case["padding"])
    product = patches @ kernel.reshape(-1, kernel.shape[3])
    assert_close(product.reshape(expected.shape), expected)


# ---- pooling ------------------------------------------------------------------------------


@st.composite
def pool_cases(draw):
    p_h, p_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = draw(st.sampled_from(["valid", "same"]))
    h = draw(st.integers(p_h if padding == "valid" else 1, 9))
    w = draw(st.integers(p_w if padding == "valid" else 1, 9))
    stride = draw(st.one_of(st.none(), strides))
    seed = draw(st.integers(0, 2**32 - 1))
    x = random(seed, (draw(st.integers(1, 3)), h, w, draw(st.integers(1, 3))))
    return x, (p_h, p_w), stride, padding


@LAYERS
@given(pool_cases())
def test_max_pooling_equals_keras(case):
    x, pool_size, stride, padding = case
    layer = keras.layers.MaxPooling2D(pool_size, stride, padding=padding, name="pool")
    assert_close(pool2d(x, pool_size, stride, padding, mode="max"), layer(x))


@LAYERS
@given(pool_cases())
def test_average_pooling_equals_keras(case):
    x, pool_size, stride, padding = case
    layer = keras.layers.AveragePooling2D(pool_size, stride, padding=padding, name="pool")
    assert_close(pool2d(x, pool_size, stride, padding, mode="average"), layer(x))


def test_same_average_pooling_does_not_count_padded_cells():
    """Keras's rule, checked on the layer: an edge window averages only its real cells."""
    x = np.ones((1, 3, 3, 1), dtype="float32")
    keras_result = np.asarray(keras.layers.AveragePooling2D(2, padding="same", name="pool")(x))
    assert np.all(keras_result == 1.0)  # if padded zeros counted, the edges would be < 1
    assert_close(pool2d(x, 2, padding="same", mode="average"), keras_result)


def test_pool2d_keeps_channels_and_rank():
    x = np.arange(32).reshape(4, 4, 2)
    pooled = pool2d(x, 2)
    assert pooled.shape == (2, 2, 2)
    assert_close(pool2d(x[:, :, 1], 2), pooled[:, :, 1])


# ---- transposed convolution ---------------------------------------------------------------


@st.composite
def transpose_cases(draw):
    f_h, f_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s_h, s_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same"]))
    output_padding = draw(st.one_of(
        st.none(), st.tuples(st.integers(0, s_h - 1), st.integers(0, s_w - 1))))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return {
        "x": random(seed, (n, h, w, c_in)),
        "kernel": random(seed + 1, (f_h, f_w, c_out, c_in)),  # Conv2DTranspose layout
        "bias": random(seed + 2, (c_out,)),
        "stride": (s_h, s_w),
        "padding": padding,
        "output_padding": output_padding,
    }


@settings(max_examples=80, deadline=None, derandomize=True)
@given(transpose_cases())
def test_conv2d_transpose_equals_keras_conv2d_transpose(case):
    kernel = case["kernel"]
    layer = keras.layers.Conv2DTranspose(
        kernel.shape[2], kernel.shape[:2], strides=case["stride"], padding=case["padding"],
        output_padding=case["output_padding"], name="deconv")
    layer.build(case["x"].shape)
    assert layer.get_weights()[0].shape == kernel.shape  # (kh, kw, out, in), as documented
    layer.set_weights([kernel, case["bias"]])
    args = dict(bias=case["bias"], stride=case["stride"], padding=case["padding"],
                output_padding=case["output_padding"])
    try:
        expected = layer(case["x"])
    except tf.errors.InvalidArgumentError:
        # TensorFlow rejects 'same' with an even kernel and output_padding=0; so do we.
        with pytest.raises(ValueError, match="ceil"):
            conv2d_transpose(case["x"], kernel, **args)
        return
    assert_close(conv2d_transpose(case["x"], kernel, **args), expected)


def test_lesson04_transposed_4x4_to_6x6_with_keras_layer():
    x = np.array([[1, 0, 0, 2], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    kernel = np.array([[1, 2, 1], [0, 1, 0], [1, 0, 1]])
    layer = keras.layers.Conv2DTranspose(1, 3, name="deconv")
    layer.build((None, 4, 4, 1))
    layer.set_weights([kernel.reshape(3, 3, 1, 1), np.zeros(1)])
    expected = np.asarray(layer(x.reshape(1, 4, 4, 1).astype("float32")))[0, :, :, 0]
    result = conv2d_transpose(x, kernel)
    assert result.shape == (6, 6)
    assert_close(result, expected)


# ---- the convolution as a matrix ----------------------------------------------------------


def fits(size, n, f, s, padding, output_padding) -> bool:
    """Does a transposed convolution of n pixels with this output_padding give ``size``?"""
    try:
        return conv_transpose_output_size(n, f, s, padding, output_padding) == size
    except ValueError:
        return False


@FAST
@given(conv_cases(max_channels=3))
def test_conv_matrix_is_the_convolution_and_its_transpose(case):
    x, kernel = case["x"][0], case["kernel"]
    stride, padding = case["stride"], case["padding"]
    matrix = conv_matrix(x.shape, kernel, stride=stride, padding=padding)

    expected = tf.nn.conv2d(x[np.newaxis], kernel, pair(stride), tf_padding(padding))[0]
    assert_close((matrix @ x.ravel()).reshape(expected.shape), expected)

    # C.T takes an output-shaped y back to the input's shape: TensorFlow's transposed conv.
    y = random(1, expected.shape)
    back = (matrix.T @ y.ravel()).reshape(x.shape)
    tf_back = tf.nn.conv2d_transpose(y[np.newaxis], kernel, (1, *x.shape), pair(stride),
                                     tf_padding(padding))[0]
    assert_close(back, tf_back)

    # ... and our scatter-add conv2d_transpose with the same kernel array, once
    # output_padding restores the rows a stride > 1 convolution had dropped.
    output_padding = []
    for axis in range(2):
        n, f, s = y.shape[axis], kernel.shape[axis], pair(stride)[axis]
        pad = padding if isinstance(padding, str) else explicit_padding(padding)[axis]
        output_padding.append(next(op for op in [*range(s), None]
                                   if fits(x.shape[axis], n, f, s, pad, op)))
    if None in output_padding:  # Keras takes None for both axes or for neither
        if output_padding != [None, None]:
            return
        output_padding = None
    assert_close(conv2d_transpose(y, kernel, stride=stride, padding=padding,
                                  output_padding=output_padding), back)



def test_conv_matrix_transpose_is_not_the_inverse():
    x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], dtype=float)
    kernel = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]], dtype=float)
    matrix = conv_matrix((4, 4), kernel)
    assert matrix.shape == (4, 16) and np.linalg.matrix_rank(matrix) == 4  # 16 -> 4: no inverse
    back = (matrix.T @ (matrix @ x.ravel())).reshape(4, 4)
    # C.T C x is TensorFlow's transposed convolution of TensorFlow's convolution of x ...
    k4 = kernel[:, :, None, None]
    y = tf.nn.conv2d(x[None, :, :, None], k4, 1, "VALID")
    expected = tf.nn.conv2d_transpose(y, k4, (1, 4, 4, 1), 1, "VALID")[0, :, :, 0]
    assert_close(back, expected)
    # ... which is not x: the round trip loses what the 4 outputs cannot hold.
    assert np.abs(back - x).max() > 10


# ---- lesson 07: dilation, groups, depthwise and separable convolutions --------------------


@st.composite
def dilated_cases(draw, paddings=paddings, groups=False, stride=False):
    """A batch and a Conv2D kernel (grouped when ``groups``) with a dilation or a stride, such
    that the kernel's footprint fits the padded input."""
    f_h, f_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dilation = (1, 1) if stride else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(strides) if stride else 1
    span = f_h + (f_h - 1) * (dilation[0] - 1), f_w + (f_w - 1) * (dilation[1] - 1)
    padding = draw(paddings)
    extra = (((0, 0), (0, 0)) if padding in ("same", "valid") else explicit_padding(padding))
    min_h = 1 if padding == "same" else max(1, span[0] - sum(extra[0]))
    min_w = 1 if padding == "same" else max(1, span[1] - sum(extra[1]))
    h, w = draw(st.integers(min_h, min_h + 6)), draw(st.integers(min_w, min_w + 6))
    g = draw(st.integers(1, 3)) if groups else 1
    c_in, c_out = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return {
        "x": random(seed, (draw(st.integers(1, 2)), h, w, c_in)),
        "kernel": random(seed + 1, (f_h, f_w, c_in // g, c_out)),
        "bias": random(seed + 2, (c_out,)),
        "stride": stride,
        "dilation": dilation,
        "groups": g,
        "padding": padding,
    }


@FAST
@given(dilated_cases(), st.sampled_from([200, ops._BLOCK_BYTES]))
def test_dilated_conv2d_equals_tf_nn_conv2d(case, block_bytes):
    expected = tf.nn.conv2d(case["x"], case["kernel"], 1, tf_padding(case["padding"]),
                            dilations=case["dilation"])
    args = dict(padding=case["padding"], dilation=case["dilation"])
    assert_close(conv2d(case["x"], case["kernel"], **args), expected)
    with mock.patch.object(ops, "_BLOCK_BYTES", block_bytes):
        assert_close(conv2d_im2col(case["x"], case["kernel"], **args), expected)


@LAYERS
@given(st.one_of(dilated_cases(paddings=st.sampled_from(["valid", "same"]), groups=True),
                 dilated_cases(paddings=st.sampled_from(["valid", "same"]), groups=True,
                               stride=True)),
       st.sampled_from([200, ops._BLOCK_BYTES]))
def test_grouped_conv2d_equals_keras_conv2d_with_groups(case, block_bytes):
    """Forward only: TensorFlow's CPU kernels have no gradient for grouped convolutions."""
    kernel = case["kernel"]
    layer = keras.layers.Conv2D(kernel.shape[3], kernel.shape[:2], strides=case["stride"],
                                padding=case["padding"], dilation_rate=case["dilation"],
                                groups=case["groups"], name="grouped")
    layer.build(case["x"].shape)
    layer.set_weights([kernel, case["bias"]])
    expected = layer(case["x"])
    args = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"],
                groups=case["groups"])
    assert_close(conv2d(case["x"], *layer.get_weights(), **args), expected)
    with mock.patch.object(ops, "_BLOCK_BYTES", block_bytes):
        assert_close(conv2d_im2col(case["x"], *layer.get_weights(), **args), expected)


def test_groups_are_separate_convolutions_concatenated():
    """groups=G: G ordinary convolutions, each on its slice of channels, side by side."""
    x, kernel = random(1, (2, 7, 7, 8)), random(2, (3, 3, 2, 12))
    pieces = [tf.nn.conv2d(x[..., 2 * g:2 * g + 2], kernel[..., 3 * g:3 * g + 3], 1, "VALID")
              for g in range(4)]
    assert_close(conv2d_im2col(x, kernel, groups=4), np.concatenate(pieces, axis=-1))


@st.composite
def depthwise_cases(draw, stride=False):
    """A batch and a DepthwiseConv2D kernel (kh, kw, C_in, depth_multiplier)."""
    case = draw(dilated_cases(paddings=st.sampled_from(["valid", "same"]), stride=stride))
    c_in, multiplier = case["x"].shape[3], draw(st.integers(1, 3))
    f_h, f_w = case["kernel"].shape[:2]
    seed = draw(st.integers(0, 2**32 - 1))
    case["kernel"] = random(seed, (f_h, f_w, c_in, multiplier))
    case["bias"] = random(seed + 1, (c_in * multiplier,))
    case["stride"] = pair(case["stride"])[0]  # TensorFlow's depthwise kernel: equal strides only
    return case


@FAST
@given(st.one_of(depthwise_cases(), depthwise_cases(stride=True)))
def test_depthwise_conv2d_equals_tf_nn_depthwise_conv2d(case):
    s = case["stride"]
    expected = tf.nn.depthwise_conv2d(case["x"], case["kernel"], [1, s, s, 1],
                                      case["padding"].upper(), dilations=case["dilation"])
    result = depthwise_conv2d(case["x"], case["kernel"], stride=case["stride"],
                              padding=case["padding"], dilation=case["dilation"])
    assert result.dtype == np.float32
    assert_close(result, expected)


@LAYERS
@given(st.one_of(depthwise_cases(), depthwise_cases(stride=True)), st.integers(1, 4))
def test_depthwise_and_separable_equal_their_keras_layers(case, c_out):
    """layer.get_weights() in the order the functions take them, with the layers' biases."""
    x, (f_h, f_w, c_in, multiplier) = case["x"], case["kernel"].shape
    settings_ = dict(strides=case["stride"], padding=case["padding"],
                     dilation_rate=case["dilation"], depth_multiplier=multiplier)
    args = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"])
    depthwise = keras.layers.DepthwiseConv2D((f_h, f_w), name="depthwise", **settings_)
    depthwise.build(x.shape)
    depthwise.set_weights([case["kernel"], case["bias"]])
    assert_close(depthwise_conv2d(x, *depthwise.get_weights(), **args), depthwise(x))
    separable = keras.layers.SeparableConv2D(c_out, (f_h, f_w), name="separable", **settings_)
    separable.build(x.shape)
    pointwise = random(7, (1, 1, c_in * multiplier, c_out))
    separable.set_weights([case["kernel"], pointwise, random(8, (c_out,))])
    assert_close(separable_conv2d(x, *separable.get_weights(), **args), separable(x))


def test_depthwise_is_conv2d_with_groups_equal_to_the_channels():
    """DepthwiseConv2D's (kh, kw, C, dm) kernel is Conv2D's (kh, kw, 1, C * dm), groups=C."""
    x, kernel = random(3, (1, 6, 6, 4)), random(4, (3, 3, 4, 2))
    assert_close(depthwise_conv2d(x, kernel),
                 conv2d(x, kernel.reshape(3, 3, 1, 8), groups=4))
    layer = keras.layers.Conv2D(8, 3, groups=4, use_bias=False, name="as_grouped")
    layer.build(x.shape)
    layer.set_weights([kernel.reshape(3, 3, 1, 8)])
    assert_close(depthwise_conv2d(x, kernel), layer(x))


def test_lesson07_separable_example_agrees_with_keras():
    """112x112x64 -> 128, 3x3 'same', on one image: the lesson's layer, with Keras's weights."""
    x = random(5, (1, 112, 112, 64))
    layer = keras.layers.SeparableConv2D(128, 3, padding="same", name="separable")
    layer.build(x.shape)
    depthwise_kernel, pointwise_kernel, bias = layer.get_weights()
    assert (depthwise_kernel.shape, pointwise_kernel.shape, bias.shape) == (
        (3, 3, 64, 1), (1, 1, 64, 128), (128,))
    assert_close(separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias, padding="same"),
                 layer(x))


@FAST
@given(dilated_cases(groups=True))
def test_unbatched_grouped_and_dilated_inputs(case):
    x, kernel = case["x"][0], case["kernel"]
    args = dict(padding=case["padding"], dilation=case["dilation"], groups=case["groups"])
    batched = conv2d(x[np.newaxis], kernel, **args)
    for function in (conv2d, conv2d_im2col):
        assert_close(function(x, kernel, **args), batched[0])
