"""course_utils.arithmetic against what Keras layers and TensorFlow actually do.

Sizes are compared with the shapes real layers produce, parameter counts with
``layer.count_params()``, the 'same' padding amounts with tf.nn.conv2d given them
explicitly, usage counts with TensorFlow's gradient (the gradient of the sum of a
convolution with a kernel of ones is how many windows use each pixel), and receptive fields
with the gradient of one output pixel through a stack of convolutions.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_utils import (  # noqa: E402
    channels_per_group,
    conv_mults,
    conv_output_size,
    conv_params,
    conv_transpose_mults,
    conv_transpose_output_size,
    depthwise_mults,
    depthwise_params,
    effective_kernel_size,
    explicit_padding,
    receptive_field,
    same_padding,
    separable_mults,
    separable_params,
    usage_counts,
)

FAST = settings(max_examples=100, deadline=None, derandomize=True)
LAYERS = settings(max_examples=40, deadline=None, derandomize=True)

sizes = st.integers(1, 12)
kernel_sizes = st.integers(1, 6)
strides = st.integers(1, 4)
string_paddings = st.sampled_from(["valid", "same"])


@st.composite
def fitting(draw, paddings=string_paddings):
    """(n, f, s, padding) where the kernel fits the (padded) input."""
    f, s, padding = draw(kernel_sizes), draw(strides), draw(paddings)
    extra = 2 * padding if isinstance(padding, int) else 0
    n = draw(st.integers(max(1, f - extra) if padding != "same" else 1, 14))
    return n, f, s, padding


@LAYERS
@given(fitting(), fitting())
def test_conv_output_size_matches_keras_conv2d(rows, cols):
    (h, f_h, s_h, padding), (w, f_w, s_w, _) = rows, cols
    if padding == "valid":
        f_w = min(f_w, w)
    layer = keras.layers.Conv2D(2, (f_h, f_w), strides=(s_h, s_w), padding=padding, name="conv")
    output = layer(np.zeros((1, h, w, 1), dtype="float32"))
    assert output.shape[1:3] == (conv_output_size(h, f_h, s_h, padding),
                                 conv_output_size(w, f_w, s_w, padding))


@LAYERS
@given(fitting())
def test_conv_output_size_matches_keras_pooling(case):
    n, f, s, padding = case
    layer = keras.layers.MaxPooling2D(f, s, padding=padding, name="pool")
    assert layer(np.zeros((1, n, n, 1), dtype="float32")).shape[1] == conv_output_size(
        n, f, s, padding)


@FAST
@given(fitting(paddings=st.integers(0, 3)))
def test_conv_output_size_with_numeric_padding_matches_tf(case):
    n, f, s, p = case
    output = tf.nn.conv2d(np.zeros((1, n, n, 1), "float32"), np.zeros((f, f, 1, 1), "float32"),
                          s, [[0, 0], [p, p], [p, p], [0, 0]])
    assert output.shape[1] == conv_output_size(n, f, s, p)


@FAST
@given(sizes, kernel_sizes, strides, st.integers(0, 2**31))
def test_same_padding_is_what_tensorflow_pads(n, f, s, seed):
    """tf.nn.conv2d with 'SAME' equals tf.nn.conv2d with our (before, after) zeros."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, n, n + 1, 1)).astype("float32")
    kernel = rng.standard_normal((f, f, 1, 1)).astype("float32")
    rows, cols = same_padding(n, f, s), same_padding(n + 1, f, s)
    expected = tf.nn.conv2d(x, kernel, s, "SAME")
    explicit = tf.nn.conv2d(x, kernel, s, [[0, 0], list(rows), list(cols), [0, 0]])
    np.testing.assert_allclose(explicit, expected, rtol=1e-6, atol=1e-6)
    assert rows[1] - rows[0] in (0, 1)  # the odd zero goes after (bottom/right)


@LAYERS
@given(sizes.filter(lambda n: n <= 8), st.integers(1, 4), st.integers(1, 3),
       st.sampled_from(["valid", "same"]), st.data())
def test_conv_transpose_output_size_matches_keras(n, f, s, padding, data):
    output_padding = data.draw(st.one_of(st.none(), st.integers(0, s - 1)))
    layer = keras.layers.Conv2DTranspose(1, f, strides=s, padding=padding,
                                         output_padding=output_padding, name="deconv")
    x = np.zeros((1, n, n, 1), dtype="float32")
    try:
        size = layer(x).shape[1]
    except tf.errors.InvalidArgumentError:  # TensorFlow's 'same' rule: ceil(O / S) = N
        with pytest.raises(ValueError, match="ceil"):
            conv_transpose_output_size(n, f, s, padding, output_padding)
        return
    assert size == conv_transpose_output_size(n, f, s, padding, output_padding)


def test_conv_transpose_output_size_sweep_of_lesson04():
    """The deterministic sweep lesson 04 used to run in its notebook: every N in (4, 7),
    F in 1-4, S in 1-3, 'valid' and 'same', without output_padding, against Keras."""
    for n in (4, 7):
        for f in (1, 2, 3, 4):
            for s in (1, 2, 3):
                for padding in ("valid", "same"):
                    layer = keras.layers.Conv2DTranspose(1, f, strides=s, padding=padding,
                                                         name="sweep")
                    size = layer(np.zeros((1, n, n, 1), dtype="float32")).shape[1]
                    assert size == conv_transpose_output_size(n, f, s, padding), (n, f, s)


@LAYERS
@given(st.one_of(kernel_sizes, st.tuples(kernel_sizes, kernel_sizes)), st.integers(1, 8),
       st.integers(1, 8), st.booleans())
def test_conv_params_matches_count_params(kernel_size, c_in, c_out, bias):
    layer = keras.layers.Conv2D(c_out, kernel_size, use_bias=bias, name="conv")
    layer.build((None, 8, 8, c_in))
    assert conv_params(kernel_size, c_in, c_out, bias) == layer.count_params()


def test_course_parameter_counts_match_keras():
    """78 and 456 from lesson 02, 153,632 and 3,088 + 12,832 from lesson 04."""
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(3, 5, name="conv1"),
        keras.layers.Conv2D(6, 5, name="conv2"),
    ], name="source_model")
    assert [layer.count_params() for layer in model.layers] == [
        conv_params(5, 1, 3), conv_params(5, 3, 6)] == [78, 456]
    bottleneck = keras.layers.Conv2D(16, 1, name="bottleneck")
    bottleneck.build((None, 28, 28, 192))
    assert bottleneck.count_params() == conv_params(1, 192, 16) == 3088


@LAYERS
@given(fitting(), st.integers(1, 4), st.integers(1, 4))
def test_conv_mults_is_outputs_times_window_volume(case, c_in, c_out):
    """Every output value of a Keras Conv2D costs F * F * C_in multiplications."""
    n, f, s, padding = case
    layer = keras.layers.Conv2D(c_out, f, strides=s, padding=padding, name="conv")
    output = layer(np.zeros((1, n, n, c_in), dtype="float32"))
    expected = int(np.prod(output.shape[1:])) * int(np.prod(layer.kernel.shape[:3]))
    assert conv_mults((n, n, c_in), f, c_out, stride=s, padding=padding) == expected


def test_course_multiplication_counts():
    assert conv_mults((28, 28, 192), 5, 32, padding="same") == 28 * 28 * 32 * 5 * 5 * 192
    assert conv_mults((28, 28, 192), 5, 32, padding="same") == 120_422_400
    bottleneck = conv_mults((28, 28, 192), 1, 16) + conv_mults((28, 28, 16), 5, 32,
                                                                padding="same")
    assert bottleneck == 2_408_448 + 10_035_200 == 12_443_648
    assert conv_mults((28, 28, 192), 5, 32) == 88_473_600  # 'valid': 24x24x32


def tf_usage_counts(shape, f, s, padding) -> np.ndarray:
    """TensorFlow's count: d(sum of conv with a kernel of ones) / d(pixel)."""
    x = tf.Variable(np.zeros((1, *shape, 1), dtype="float32"))
    tf_pad = padding.upper() if isinstance(padding, str) else [[0, 0], [padding] * 2,
                                                               [padding] * 2, [0, 0]]
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.nn.conv2d(x, tf.ones((f, f, 1, 1)), s, tf_pad))
    return tape.gradient(total, x).numpy()[0, :, :, 0]


@FAST
@given(fitting(paddings=st.one_of(string_paddings, st.integers(0, 2))),
       st.integers(0, 3))
def test_usage_counts_match_tensorflow_gradient(case, extra_width):
    n, f, s, padding = case
    shape = (n, n + extra_width)
    np.testing.assert_array_equal(usage_counts(shape, f, s, padding),
                                  tf_usage_counts(shape, f, s, padding))


def test_usage_counts_course_example():
    """3x3 on 5x5: corners once, centre nine times; with padding 1, every pixel 4 to 9."""
    counts = usage_counts((5, 5), 3)
    assert counts[0, 0] == counts[4, 4] == 1 and counts[2, 2] == 9
    padded = usage_counts((5, 5), 3, padding=1)
    assert padded.min() == 4 and padded.max() == 9
    np.testing.assert_array_equal(padded, tf_usage_counts((5, 5), 3, 1, 1))
    skipped = usage_counts((7, 7), 2, stride=3)  # S > F: some pixels are never used
    assert (skipped == 0).any()
    assert (usage_counts((7, 7), 3, stride=2) > 0).all()  # S <= F: every pixel is used


@FAST
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3)), min_size=1, max_size=4))
def test_receptive_field_matches_tensorflow_gradient(layers):
    """The input pixels one output pixel depends on, found by TensorFlow's gradient."""
    field = receptive_field(layers)
    size = field + sum(s for _, s in layers) * 2 + 4  # room for at least one output
    x = tf.Variable(np.ones((1, size, 1, 1), dtype="float32"))
    with tf.GradientTape() as tape:
        y = x
        for f, s in layers:
            y = tf.nn.conv2d(y, tf.ones((f, 1, 1, 1)), (s, 1), "VALID")
        first_output = y[0, 0, 0, 0]
    used = np.flatnonzero(tape.gradient(first_output, x).numpy()[0, :, 0, 0])
    assert used.max() - used.min() + 1 == field


def test_receptive_field_of_the_lesson_stacks():
    assert receptive_field([(3, 1), (3, 1)]) == 5
    assert receptive_field([(5, 1), (5, 1)]) == 9


# --- lesson 07: dilation, groups, depthwise and separable convolutions ----------------------

dilations = st.integers(1, 4)


@st.composite
def dilated(draw, paddings=string_paddings):
    """(n, f, d, padding) where the dilated kernel's footprint fits the input."""
    f, d, padding = draw(st.integers(1, 4)), draw(dilations), draw(paddings)
    footprint = f + (f - 1) * (d - 1)
    n = draw(st.integers(footprint if padding == "valid" else 1, footprint + 6))
    return n, f, d, padding


@LAYERS
@given(dilated())
def test_conv_output_size_with_dilation_matches_keras(case):
    n, f, d, padding = case
    layer = keras.layers.Conv2D(1, f, padding=padding, dilation_rate=d, name="dilated")
    output = layer(np.zeros((1, n, n, 1), dtype="float32"))
    assert output.shape[1] == conv_output_size(n, f, 1, padding, dilation=d)
    assert effective_kernel_size(f, d) == f + (f - 1) * (d - 1)


@FAST
@given(dilated(), strides)
def test_conv_output_size_with_stride_and_dilation_matches_tf_nn_conv2d(case, s):
    """Keras's Conv2D refuses stride > 1 with dilation > 1; tf.nn.conv2d computes it, and the
    arithmetic (conv_arithmetic's relationship 15, for any S and D) gives its size."""
    n, f, d, padding = case
    output = tf.nn.conv2d(np.zeros((1, n, n, 1), "float32"), np.zeros((f, f, 1, 1), "float32"),
                          s, padding.upper(), dilations=d)
    assert output.shape[1] == conv_output_size(n, f, s, padding, dilation=d)


@FAST
@given(dilated(paddings=st.just("same")), st.integers(0, 2**31))
def test_same_padding_with_dilation_is_what_tensorflow_pads(case, seed):
    n, f, d, _ = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, n, n + 1, 1)).astype("float32")
    kernel = rng.standard_normal((f, f, 1, 1)).astype("float32")
    rows, cols = explicit_padding("same", (n, n + 1), f, dilation=d)
    assert rows == same_padding(n, f, dilation=d)
    expected = tf.nn.conv2d(x, kernel, 1, "SAME", dilations=d)
    explicit = tf.nn.conv2d(x, kernel, 1, [[0, 0], list(rows), list(cols), [0, 0]], dilations=d)
    np.testing.assert_allclose(explicit, expected, rtol=1e-6, atol=1e-6)


@st.composite
def grouped(draw):
    """(groups, C_in, C_out) with groups dividing both."""
    groups = draw(st.integers(1, 4))
    return groups, groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))


@LAYERS
@given(st.one_of(kernel_sizes, st.tuples(kernel_sizes, kernel_sizes)), grouped(), st.booleans())
def test_conv_params_with_groups_matches_count_params(kernel_size, channels, bias):
    groups, c_in, c_out = channels
    layer = keras.layers.Conv2D(c_out, kernel_size, groups=groups, use_bias=bias, name="grouped")
    layer.build((None, 8, 8, c_in))
    assert conv_params(kernel_size, c_in, c_out, bias, groups=groups) == layer.count_params()
    assert channels_per_group(c_in, c_out, groups) == (layer.kernel.shape[2], c_out // groups)


@LAYERS
@given(st.one_of(kernel_sizes, st.tuples(kernel_sizes, kernel_sizes)), st.integers(1, 6),
       st.integers(1, 3), st.integers(1, 6), st.booleans())
def test_depthwise_and_separable_params_match_count_params(kernel_size, c_in, multiplier, c_out,
                                                           bias):
    depthwise = keras.layers.DepthwiseConv2D(kernel_size, depth_multiplier=multiplier,
                                             use_bias=bias, name="depthwise")
    depthwise.build((None, 8, 8, c_in))
    assert depthwise_params(kernel_size, c_in, multiplier, bias) == depthwise.count_params()
    separable = keras.layers.SeparableConv2D(c_out, kernel_size, depth_multiplier=multiplier,
                                             use_bias=bias, name="separable")
    separable.build((None, 8, 8, c_in))
    assert separable_params(kernel_size, c_in, c_out, multiplier, bias) == \
        separable.count_params()


@LAYERS
@given(dilated(), grouped())
def test_conv_mults_with_dilation_and_groups_is_outputs_times_kernel_volume(case, channels):
    """Every output value of a grouped Conv2D costs F * F * C_in / G multiplications: the
    size of its kernel's (kh, kw, in / groups) slice; dilation changes only the outputs."""
    n, f, d, padding = case
    groups, c_in, c_out = channels
    layer = keras.layers.Conv2D(c_out, f, padding=padding, dilation_rate=d, groups=groups,
                                name="grouped")
    output_shape = layer.compute_output_shape((None, n, n, c_in))
    layer.build((None, n, n, c_in))
    expected = int(np.prod(output_shape[1:])) * int(np.prod(layer.kernel.shape[:3]))
    assert conv_mults((n, n, c_in), f, c_out, 1, padding, dilation=d, groups=groups) == expected


@LAYERS
@given(dilated(), st.integers(1, 4), st.integers(1, 2), st.integers(1, 4))
def test_depthwise_and_separable_mults_from_keras_layers(case, c_in, multiplier, c_out):
    """Each output value of the depthwise step costs F * F; each of the pointwise step,
    C_in * depth_multiplier: read off the layers' kernels and output shapes."""
    n, f, d, padding = case
    layer = keras.layers.SeparableConv2D(c_out, f, padding=padding, dilation_rate=d,
                                         depth_multiplier=multiplier, name="separable")
    output = layer(np.zeros((1, n, n, c_in), dtype="float32"))
    positions = int(np.prod(output.shape[1:3]))
    depthwise_kernel, pointwise_kernel = (w.shape for w in layer.weights[:2])
    depthwise = positions * int(np.prod(depthwise_kernel))  # (kh, kw, in, dm): one per output
    pointwise = positions * int(np.prod(pointwise_kernel))  # (1, 1, in * dm, out)
    shape = (n, n, c_in)
    assert depthwise_mults(shape, f, 1, padding, d, multiplier) == depthwise
    assert separable_mults(shape, f, c_out, 1, padding, d, multiplier) == depthwise + pointwise


@LAYERS
@given(st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), st.sampled_from(["valid", "same"]),
       st.integers(1, 3), st.integers(1, 3))
def test_conv_transpose_mults_is_inputs_times_keras_kernel(n, f, s, padding, c_in, c_out):
    """Every input value of Conv2DTranspose scales the whole (F, F, C_out) kernel slice once;
    the count is the forward convolution's, the one whose dL/dX the layer computes."""
    layer = keras.layers.Conv2DTranspose(c_out, f, strides=s, padding=padding, name="up")
    output = layer(np.zeros((1, n, n, c_in), dtype="float32"))
    assert conv_transpose_mults((n, n, c_in), f, c_out) == n * n * int(np.prod(layer.kernel.shape))
    if padding == "same":  # the convolution from the output back to the input, stride S
        forward = conv_mults((output.shape[1], output.shape[2], c_out), f, c_in, s, "same")
        assert conv_transpose_mults((n, n, c_in), f, c_out) == forward


def test_lesson07_counts_match_keras():
    """The lesson's numbers: 64 -> 128 with a 3x3 kernel, plain, with 4 groups, separable."""
    layers = {
        "standard": keras.layers.Conv2D(128, 3, padding="same", name="standard"),
        "groups4": keras.layers.Conv2D(128, 3, padding="same", groups=4, name="groups4"),
        "separable": keras.layers.SeparableConv2D(128, 3, padding="same", name="separable"),
        "depthwise": keras.layers.DepthwiseConv2D(3, padding="same", name="depthwise"),
    }
    for layer in layers.values():
        layer.build((None, 112, 112, 64))
    counts = {name: layer.count_params() for name, layer in layers.items()}
    assert counts == {"standard": conv_params(3, 64, 128), "groups4": conv_params(3, 64, 128,
                      groups=4), "separable": separable_params(3, 64, 128),
                      "depthwise": depthwise_params(3, 64)}
    assert counts == {"standard": 73_856, "groups4": 18_560, "separable": 8_896,
                      "depthwise": 640}
    standard = conv_mults((112, 112, 64), 3, 128, padding="same")
    separable = separable_mults((112, 112, 64), 3, 128, padding="same")
    assert (standard, separable) == (924_844_032, 109_985_792)
    assert separable / standard == pytest.approx(1 / 128 + 1 / 3**2)  # MobileNet's ratio
    assert conv_mults((112, 112, 64), 3, 128, padding="same", groups=4) * 4 == standard


def tf_dilated_usage_counts(shape, f, d, padding) -> np.ndarray:
    """TensorFlow's count for a dilated kernel of ones: d(sum of the convolution) / d(pixel).

    tf.nn.convolution, not tf.nn.conv2d: TensorFlow's CPU kernel for conv2d's input gradient
    refuses dilations above 1; convolution computes a dilated one by space-to-batch, as Keras
    does."""
    x = tf.Variable(np.zeros((1, *shape, 1), dtype="float32"))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.nn.convolution(x, tf.ones((f, f, 1, 1)), 1, padding.upper(),
                                                dilations=d))
    return tape.gradient(total, x).numpy()[0, :, :, 0]


@FAST
@given(dilated(), st.integers(0, 3))
def test_usage_counts_with_dilation_match_tensorflow_gradient(case, extra_width):
    n, f, d, padding = case
    shape = (n, n + extra_width)
    np.testing.assert_array_equal(usage_counts(shape, f, 1, padding, dilation=d),
                                  tf_dilated_usage_counts(shape, f, d, padding))


@FAST
@given(st.lists(st.one_of(st.tuples(st.integers(1, 4), st.integers(1, 3), st.just(1)),
                          st.tuples(st.integers(1, 4), st.just(1), st.integers(1, 3))),
                min_size=1, max_size=4))
def test_receptive_field_with_dilation_matches_tensorflow_gradient(layers):
    """(F, S, D) triples: the non-zero region of one output pixel's gradient, measured."""
    field = receptive_field(layers)
    size = field + sum(s for _, s, _ in layers) * 2 + 4  # room for at least one output
    x = tf.Variable(np.ones((1, size, 1, 1), dtype="float32"))
    with tf.GradientTape() as tape:
        y = x
        for f, s, d in layers:
            y = tf.nn.convolution(y, tf.ones((f, 1, 1, 1)), (s, 1), "VALID",
                                  dilations=(d, 1))  # conv2d's CPU gradient refuses d > 1
        first_output = y[0, 0, 0, 0]
    used = np.flatnonzero(tape.gradient(first_output, x).numpy()[0, :, 0, 0])
    assert used.max() - used.min() + 1 == field


def test_receptive_field_of_the_lesson07_stacks():
    """Stacked 3x3 with D = 1, 2, 4 see 15x15, measured in 2-D through Keras layers."""
    assert receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]) == 15
    model = keras.Sequential(
        [keras.Input((31, 31, 1))]
        + [keras.layers.Conv2D(1, 3, dilation_rate=d, use_bias=False, kernel_initializer="ones",
                               name=f"dilated_{d}") for d in (1, 2, 4)],
        name="dilated_stack")
    x = tf.Variable(np.ones((1, 31, 31, 1), dtype="float32"))
    with tf.GradientTape() as tape:
        centre = model(x)[0, 8, 8, 0]
    used = np.argwhere(tape.gradient(centre, x).numpy()[0, :, :, 0] != 0)
    assert tuple(used.max(0) - used.min(0) + 1) == (15, 15)
    assert model.count_params() == 27


@pytest.mark.parametrize(("call", "message"), [
    (lambda: channels_per_group(48, 96, 5), "groups=5 does not divide the 48 input channels"),
    (lambda: channels_per_group(64, 126, 4), "groups=4 does not divide the 126 filters"),
    (lambda: conv_params(3, 64, 126, groups=4), "G must divide C_out"),
    (lambda: conv_mults((8, 8, 6), 3, 8, groups=4), "G must divide C_in"),
    (lambda: conv_params(3, 64, 128, groups=0), "groups must be an int >= 1, got 0"),
    (lambda: effective_kernel_size(3, 0), "dilation must be an int >= 1, got 0"),
    (lambda: conv_output_size(28, 3, dilation=0), "D = 1 is an ordinary kernel"),
    (lambda: conv_output_size(4, 3, dilation=2), "with dilation 2 covers F + (F - 1)(D - 1) = 5"),
    (lambda: receptive_field([(3, 1, 2, 1)]), "(kernel_size, stride, dilation) triple"),
    (lambda: depthwise_params(3, 8, depth_multiplier=0), "depth_multiplier must be an int >= 1"),
])
def test_lesson07_arithmetic_refuses_bad_input_with_the_rule(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
