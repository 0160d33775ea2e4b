"""course_utils.arithmetic against what Keras layers and TensorFlow actually do.

Sizes are compared with the shapes real layers produce, parameter counts with
``layer.count_params()``, the 'same' padding amounts with tf.nn.conv2d given them
explicitly, usage counts with TensorFlow's gradient (the gradient of the sum of a
convolution with a kernel of ones is how many windows use each pixel), and receptive fields
with the gradient of one output pixel through a stack of convolutions.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_utils import (  # noqa: E402
    conv_mults,
    conv_output_size,
    conv_params,
    conv_transpose_output_size,
    receptive_field,
    same_padding,
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
