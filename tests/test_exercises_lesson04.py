"""Lesson 04 exercises: the expected answers agree with what Keras computes (the reference is
Keras, not the exercise module), the questions separate the mistakes they name (each mistake
gives an answer of its own), and LEARNER_ANSWERS lists what a learner may type into each
exercise cell with the message each must print (run in the notebook's kernel by
tests/kernel_checks.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from course_utils.exercises import exercises_in
from course_utils.exercises import lesson04 as lesson
from tests.reference import keras_output_shape, tf_conv2d_2d

keras = pytest.importorskip("keras")
layers = keras.layers

EXERCISES = exercises_in(lesson)

# What a learner types into each exercise cell (source text) -> a fragment of the message it
# must print. "right" answers print "Correct!". Each wrong answer is a mistake the lesson
# predicts, and gets the message that names it.
LEARNER_ANSWERS = {
    "q1": {
        "right": ["16448", "16448.0", "np.int64(16448)", "(1 * 1 * 256 + 1) * 64"],
        "wrong": {
            "16384": "add the 64 biases",
            "16385": "64 biases, not one for the layer",
            "16640": "not to the input channels",
            "257": "that is one filter",
            "3211264": "that counts multiplications",
            "3223808": "shared by all pixels",
            "'16,448'": "remove the quotes and the commas",
            "16400": "the expected count rounded to 3 significant figures",
            "16000": "the expected count rounded to 2 significant figures",
            "q1.check(16,448)": "If you typed one number with commas, 16,448",
        },
    },
    "q2": {
        "right": ["24887296", "24_887_296", "28 * 28 * 32 * 192 + 28 * 28 * 32 * 5 * 5 * 32"],
        "wrong": {
            "12443648": "section 2's total",
            "22478848": "the 1x1 layer now makes 32 channels",
            "14852096": "the 5x5 layer now reads 32 channels",
            "19562496": "24x24 output",
            "120422400": "without the bottleneck",
            "4816896": "the 1x1 layer only",
            "20070400": "the 5x5 layer only",
            "31808": "that counts parameters",
            "125239296": "not the image's 192",
            "2.49e7": "the expected count rounded to 3 significant figures",
            "24937472": "is not the expected value",         # + one bias addition per output
        },
    },
    "q3": {
        "right": ["31808", "31808.0", "(192 + 1) * 32 + (5 * 5 * 32 + 1) * 32"],
        "wrong": {
            "31744": "add the biases",
            "15920": "section 2's bottleneck",
            "6176": "the 1x1 layer only",
            "25632": "the 5x5 layer only",
            "153632": "without the bottleneck",
            "24887296": "multiplications of q2",
            "159808": "not the image's 192",
            "31776": "one layer's 32 biases are missing",
        },
    },
    "q4": {
        "right": ["(576, 75)", "[576, 75]", "np.array([576, 75])", "(24 * 24, 5 * 5 * 3)",
                  "(576, 75.0)"],
        "wrong": {
            "(75, 576)": "rows and columns are swapped",
            "(784, 75)": "only 24 x 24 windows fit",
            "(576, 25)": "in each of the 3 channels",
            "(2304, 75)": "batch of 4 images",
            "(24, 24, 75)": "the patch matrix is 2-D",
            "(529, 75)": "count the first position",
            "(23 * 23, 75)": "count the first position",
        },
    },
    "q5": {
        "right": ["15", "15.0", "(7 - 1) * 2 + 3"],
        "wrong": {
            "14": "what padding='same' gives",
            "13": "'valid' means P = 0",
            "9": "that is stride 1",
            "3": "the convolution's formula",
            "17": "not N * S + F",
        },
    },
    "q6": {
        "right": ["(14, 14, 16)", "[14, 14, 16]", "np.array([14, 14, 16])", "(None, 14, 14, 16)",
                  "tf.TensorShape([None, 14, 14, 16])"],
        "wrong": {
            "(15, 15, 16)": "that is padding='valid'",
            "(13, 13, 16)": "output_padding=0",
            "(14, 14, 32)": "the layer's 16 filters",
            "(4, 4, 16)": "the transposed one enlarges",
            "(16, 14, 14)": "Channels come last",
            "(7, 7, 16)": "that is the input's size",
            "(9, 9, 16)": "that is stride 1",
        },
    },
    "q7": {
        "right": ["[[2, 4, 0], [7, 13, 6], [3, 13, 12]]",
                  "np.array([[2, 4, 0], [7, 13, 6], [3, 13, 12]])",
                  "conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL)"],
        "wrong": {
            "[[3, 7, 2], [9, 17, 8], [0, 6, 8]]": "the kernel flipped",
            "conv2d(np.pad(TRANSPOSE_X, 1), TRANSPOSE_KERNEL)": "the kernel flipped",
            "[[2, 5, 2], [6, 14, 10], [0, 9, 12]]": "the kernel transposed",
            "[[2, 6, 0], [5, 14, 9], [2, 10, 12]]": "you read the input by columns",
            "[[2, 4, 0], [6, 8, 0], [3, 4, 12]]": "where stamps overlap, add them",
            "conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL, stride=2)": "that is stride 2",
            "[[2, 4, 0], [7, 13, 6], [3, 13, 11]]": "1 of 9 values is off",
            "[[17]]": "an ordinary convolution",
            "conv2d(TRANSPOSE_X, TRANSPOSE_KERNEL)": "an ordinary convolution",
            "17": "an ordinary convolution",
        },
    },
}


# --- the expected answers, computed by Keras ----------------------------------------------------


def test_q1_matches_keras_count():
    layer = layers.Conv2D(64, 1, name="squeeze")
    layer.build((None, 14, 14, 256))
    assert lesson.q1.is_correct(layer.count_params())


def bottleneck(width):
    return keras.Sequential(
        [
            keras.Input((28, 28, 192)),
            layers.Conv2D(width, 1, name="reduce"),
            layers.Conv2D(32, 5, padding="same", name="conv5x5"),
        ],
        name="bottleneck",
    )


def keras_mults(model):
    # Each output value of a layer costs F * F * C_in multiplications (its kernel's size).
    total = 0
    for layer in model.layers:
        _, o_h, o_w, _ = layer.output.shape
        total += o_h * o_w * int(np.prod(layer.kernel.shape))
    return total


def test_q2_matches_the_multiplications_of_the_keras_layers():
    assert lesson.q2.is_correct(keras_mults(bottleneck(32)))
    # section 2's 16-channel bottleneck, printed in the lesson, is a different number
    assert keras_mults(bottleneck(16)) != keras_mults(bottleneck(32))
    assert not lesson.q2.is_correct(keras_mults(bottleneck(16)))


def test_q3_matches_keras_count():
    assert lesson.q3.is_correct(bottleneck(32).count_params())
    assert not lesson.q3.is_correct(bottleneck(16).count_params())
    # parameters and multiplications of the same layers are different answers
    assert bottleneck(32).count_params() != keras_mults(bottleneck(32))


def test_q4_matches_extracted_patches():
    tf = pytest.importorskip("tensorflow")
    x = np.zeros((1, 28, 28, 3), dtype="float32")
    patches = tf.image.extract_patches(x, sizes=[1, 5, 5, 1], strides=[1, 1, 1, 1],
                                       rates=[1, 1, 1, 1], padding="VALID")
    _, o_h, o_w, per_window = patches.shape
    assert lesson.q4.is_correct((o_h * o_w, per_window))
    assert not lesson.q4.is_correct((per_window, o_h * o_w))   # rows vs columns differ


def test_q5_q6_match_conv2d_transpose():
    valid = layers.Conv2DTranspose(1, 3, strides=2, padding="valid", name="up_valid")
    valid_rows = valid(np.zeros((1, 7, 7, 1), dtype="float32")).shape[1]
    assert lesson.q5.is_correct(valid_rows)
    same_shape = keras_output_shape(
        (7, 7, 32), layers.Conv2DTranspose(16, 3, strides=2, padding="same", name="up_same"))
    assert lesson.q6.is_correct(same_shape)
    assert valid_rows != same_shape[0]                         # valid vs same differ
    # the size the textbook formula gives with P = F // 2 is Keras's output_padding=0, which
    # differs from Keras's default 'same': q6 names that mistake
    padded_zero = keras_output_shape(
        (7, 7, 32), layers.Conv2DTranspose(16, 3, strides=2, padding="same", output_padding=0,
                                           name="up_same_op0"))
    assert padded_zero[0] == (7 - 1) * 2 + 3 - 2 * (3 // 2) != same_shape[0]
    assert not lesson.q6.is_correct(padded_zero)


def keras_transpose(x, kernel):
    """Conv2DTranspose, stride 1, with a 2-D kernel set by hand, on a 2-D input."""
    kernel = np.asarray(kernel, dtype="float32")
    layer = layers.Conv2DTranspose(1, kernel.shape[0], use_bias=False, name="by_hand")
    x = np.asarray(x, dtype="float32")[None, :, :, None]
    layer.build(x.shape)
    # Conv2DTranspose stores its kernel as (kh, kw, out_channels, in_channels).
    layer.set_weights([kernel[:, :, None, None]])
    return np.asarray(layer(x))[0, :, :, 0]


def test_q7_matches_conv2d_transpose_with_the_kernel_set_by_hand():
    assert lesson.q7.is_correct(keras_transpose(lesson.TRANSPOSE_X, lesson.TRANSPOSE_KERNEL))


def test_q7_separates_flip_transpose_and_the_right_answer():
    """The kernel, its transpose and its flip differ, and so do the answers they give in Keras
    (with the lesson's first q7 kernel, flipped and transposed were the same array, so the
    "transposed" message could never appear). Sliding the kernel over the zero-padded input
    (TensorFlow's cross-correlation) is the flipped kernel's answer, as q7's message says."""
    kernel = np.asarray(lesson.TRANSPOSE_KERNEL)
    kernels = {"as is": kernel, "transposed": kernel.T, "flipped": np.flip(kernel)}
    for (a, first), (b, second) in itertools.combinations(kernels.items(), 2):
        assert not np.array_equal(first, second), (a, b)
    answers = {name: keras_transpose(lesson.TRANSPOSE_X, k) for name, k in kernels.items()}
    answers["input transposed"] = keras_transpose(np.asarray(lesson.TRANSPOSE_X).T, kernel)
    for (a, first), (b, second) in itertools.combinations(answers.items(), 2):
        assert not np.allclose(first, second), (a, b)
    slid = tf_conv2d_2d(np.pad(lesson.TRANSPOSE_X, 1), kernel)
    np.testing.assert_allclose(slid, answers["flipped"])
    for wrong, message in lesson.Q7_MISTAKES:
        assert lesson.q7.feedback(wrong).startswith(f"Not quite: {message}")
    for (first, _), (second, _) in itertools.combinations(lesson.Q7_MISTAKES, 2):
        assert np.shape(first) != np.shape(second) or not np.allclose(first, second)


def test_q2_q3_name_the_5x5_layer_reading_192_channels_as_keras_counts_it():
    """Reading the image's 192 channels in the 5x5 layer (the direct layer's count added to the
    1x1 layer's) is a mistake q2 and q3 name; Keras's counts of those layers are that answer."""
    direct = keras.Sequential([keras.Input((28, 28, 192)),
                               layers.Conv2D(32, 5, padding="same", name="conv5x5")],
                              name="direct")
    squeeze = keras.Sequential([keras.Input((28, 28, 192)), layers.Conv2D(32, 1, name="reduce")],
                               name="squeeze")
    mults = keras_mults(squeeze) + keras_mults(direct)
    params = squeeze.count_params() + direct.count_params()
    assert "not the image's 192" in lesson.q2.feedback(mults)
    assert "not the image's 192" in lesson.q3.feedback(params)
    # a count given rounded is told so, and a named mistake keeps its own message even when it
    # is within 1% of the count (one layer's biases forgotten)
    assert "rounded to 3 significant figures" in lesson.q2.feedback(
        float(f"{keras_mults(bottleneck(32)):.3g}"))
    assert "biases are missing" in lesson.q3.feedback(bottleneck(32).count_params() - 32)


def test_q7_names_the_ordinary_convolution_tensorflow_computes():
    ordinary = tf_conv2d_2d(lesson.TRANSPOSE_X, lesson.TRANSPOSE_KERNEL)
    assert ordinary.shape == (1, 1)
    assert "an ordinary convolution" in lesson.q7.feedback(ordinary)
    assert "an ordinary convolution" in lesson.q7.feedback(float(ordinary[0, 0]))
