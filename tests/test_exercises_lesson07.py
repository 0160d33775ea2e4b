"""Lesson 07 exercises: the expected answers agree with what Keras and TensorFlow compute (the
reference is the library, not the exercise module), the questions separate the mistakes they
name (each mistake gives an answer of its own), and LEARNER_ANSWERS lists what a learner may
type into each exercise cell with the message each must print (run in the notebook's kernel
by tests/kernel_checks.py)."""

from __future__ import annotations

import itertools
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from course_utils.exercises import exercises_in  # noqa: E402
from course_utils.exercises import lesson07 as lesson  # noqa: E402

EXERCISES = exercises_in(lesson)

_LOOPS = '''def my_depthwise_conv2d(x, kernel):
    f_h, f_w, channels, multiplier = kernel.shape
    o_h, o_w = x.shape[0] - f_h + 1, x.shape[1] - f_w + 1
    out = np.zeros((o_h, o_w, channels * multiplier))
    for i in range(o_h):
        for j in range(o_w):
            window = x[i:i + f_h, j:j + f_w, :]
            for c in range(channels):
                for m in range(multiplier):
                    out[i, j, c * multiplier + m] = np.sum(window[:, :, c] * kernel[:, :, c, m])
    return out'''

_PER_CHANNEL = '''def my_depthwise_conv2d(x, kernel):
    maps = []
    for c in range(x.shape[2]):
        for m in range(kernel.shape[3]):
            maps.append(conv2d(x[:, :, c], kernel[:, :, c, m]))
    return np.stack(maps, axis=-1)'''

_SUMMED = '''def my_depthwise_conv2d(x, kernel):
    f_h, f_w, channels, multiplier = kernel.shape
    o_h, o_w = x.shape[0] - f_h + 1, x.shape[1] - f_w + 1
    out = np.zeros((o_h, o_w, multiplier))
    for i in range(o_h):
        for j in range(o_w):
            for m in range(multiplier):
                out[i, j, m] = np.sum(x[i:i + f_h, j:j + f_w, :] * kernel[:, :, :, m])
    return out'''

_ALL_CHANNELS_IN_THE_C_LOOP = '''def my_depthwise_conv2d(x, kernel):
    f_h, f_w, channels, multiplier = kernel.shape
    o_h, o_w = x.shape[0] - f_h + 1, x.shape[1] - f_w + 1
    out = np.zeros((o_h, o_w, channels * multiplier))
    for i in range(o_h):
        for j in range(o_w):
            window = x[i:i + f_h, j:j + f_w, :]
            for c in range(channels):
                for m in range(multiplier):
                    out[i, j, c * multiplier + m] = np.sum(window * kernel[:, :, :, m])
    return out'''

_MULTIPLIER_MAJOR = '''def my_depthwise_conv2d(x, kernel):
    maps = []
    for m in range(kernel.shape[3]):
        for c in range(x.shape[2]):
            maps.append(conv2d(x[:, :, c], kernel[:, :, c, m]))
    return np.stack(maps, axis=-1)'''

_NO_MULTIPLIER = '''def my_depthwise_conv2d(x, kernel):
    maps = [conv2d(x[:, :, c], kernel[:, :, c, 0]) for c in range(x.shape[2])]
    return np.stack(maps, axis=-1)'''

_FLIPPED = '''def my_depthwise_conv2d(x, kernel):
    maps = []
    for c in range(x.shape[2]):
        for m in range(kernel.shape[3]):
            maps.append(conv2d(x[:, :, c], np.flip(kernel[:, :, c, m])))
    return np.stack(maps, axis=-1)'''

# What a learner types into each exercise cell (source text) -> a fragment of the message it
# must print. "right" answers print "Correct!". Each wrong answer is a mistake the lesson
# predicts, and gets the message that names it.
LEARNER_ANSWERS = {
    "q1": {
        "right": ["20", "20.0", "np.int64(20)", "32 - (5 + (5 - 1) * (3 - 1)) + 1"],
        "wrong": {
            "28": "that ignores the dilation",
            "18": "F * D = 15 is not the footprint",
            "16": "CS231n counts dilation from 0",
            "19": "count the first position too",
            "32": "that is padding='same'",
            "13": "that is the kernel's footprint",
            "10": "treats the dilation as a stride",
            "21": "the footprint counts the first pixel too",
            "20.5": "not the expected value",
        },
    },
    "q2": {
        "right": ["23", "23.0", "receptive_field(Q2_LAYERS)", "1 + 2 + 4 * 2 + 6 * 2"],
        "wrong": {
            "11": "that ignores the dilations",
            "13": "that ignores the stride",
            "7": "ignores both the stride and the dilations",
            "29": "F * D is not a dilated kernel's footprint",
            "31": "not D (CS231n counts from 0)",
            "25": "counts for the layers AFTER it",
            "22": "one pixel too few: start from 1",
            "15": "adding the footprints counts the pixels where neighbouring windows overlap",
            "21": "not F + D = 6",
            "24": "one pixel too many",
            "105": "not the expected value",
        },
    },
    "q3": {
        "right": ["13920", "13_920", "13920.0", "(3 * 3 * 16 + 1) * 96"],
        "wrong": {
            "41568": "that is groups=1",
            "13856": "also divided the 96 biases",
            "13824": "add the biases",
            "4640": "that is one group",
            "4704": "weights of one group (32 filters) only",
            "13827": "not one per group",
            "1632": "leaves out the 3x3 kernel",
            "41760": "gives every group all 96 filters",
            "13_827": "not one per group",
            "'13920'": "remove the quotes",
            "'13,920'": "remove the quotes and the commas",
        },
    },
    "q4": {
        "right": ["2912", "2912.0", "np.int64(2912)", "5 * 5 * 32 + (32 + 1) * 64"],
        "wrong": {
            "51264": "that is a standard Conv2D(64, 5)",
            "2944": "that is DepthwiseConv2D(5) followed by Conv2D(64, 1)",
            "2848": "add the 64 biases",
            "832": "that is the depthwise step only",
            "800": "that is the depthwise kernels only",
            "2112": "that is the pointwise step only",
            "53312": "one 5x5 kernel per INPUT channel",
            "3712": "not one per output filter (64)",
            "2880": "the bias belongs to the pointwise step",
        },
    },
    "q5": {
        "right": ["0.0556", "0.05562", "1 / 64 + 1 / 25", "0.055625", "5.56e-2"],
        "wrong": {
            "0.04": "that is the depthwise step only",
            "0.0156": "that is the pointwise step only",
            "17.98": "how many times FEWER",
            "0.216": "with F² = 25 taps, not 1 / F",
            "0.0713": "not the 32 input channels",
            "0.2": "that is 1 / F alone",
            "5.56": "that is a percentage",
            "5.5625": "that is a percentage",
            "0.056": "2 significant figures, and they are right: give at least 3",
            "0.0557": "is misrounded: its first 2 significant figures are right",
            '"5.56%"': "give the fraction rather than the percentage",
        },
    },
    "q6": {
        "right": ["0.0548", "0.05477", "(6 / (5 * 5 * 16 + 5 * 5 * 64)) ** 0.5",
                  "np.sqrt(6 / 2000)"],
        "wrong": {
            "0.274": "the fans count the kernel's F * F taps",
            "0.114": "fan_out counts the kernel's taps too",
            "0.122": "He's uniform limit",
            "0.0316": "glorot_normal's standard deviation",
            "0.003": "take the square root",
            "0.0707": "He normal's standard deviation",
            "0.0775": "the average of the fans",
            "0.0866": "LeCun's uniform limit",
            "0.1421": "the lesson's example, Conv2D(32, 3)",
            "0.1096": "the interval's width",
            "0.1095": "the interval's width",
            "0.055": "2 significant figures, and they are right: give at least 3",
        },
    },
    "q7": {
        "right": [_LOOPS, _PER_CHANNEL,
                  "def my_depthwise_conv2d(x, kernel):\n    return depthwise_conv2d(x, kernel)"],
        "wrong": {
            _SUMMED: "your function sums over the channels",
            "def my_depthwise_conv2d(x, kernel):\n    return conv2d(x, kernel)":
                "your function sums over the channels",
            _MULTIPLIER_MAJOR: "the channels are in the wrong order",
            _NO_MULTIPLIER: "your function ignores the depth multiplier",
            _FLIPPED: "you flipped the kernels",
            _ALL_CHANNELS_IN_THE_C_LOOP: "every output channel sums over ALL input channels",
            "def my_depthwise_conv2d(x, kernel):\n    out = depthwise_conv2d(x, kernel)":
                "`return` statement",
        },
    },
    "q8": {
        "right": ["21696", "21696.0", "32 * 192 + 4 * 192 + 3 * 3 * 192 + 4 * 192 + 192 * 64"],
        "wrong": {
            "20160": "the BatchNormalization layers have parameters too",
            "20928": "4 numbers per channel for BatchNormalization",
            "351744": "one 3x3 kernel per channel",
            "22144": "use_bias=False",
            "21952": "there are two BatchNormalization layers",
            "21888": "the DepthwiseConv2D has use_bias=False too",
        },
    },
}


# --- the expected answers, computed by Keras and TensorFlow -------------------------------------


def test_q1_matches_keras_dilated_conv2d():
    layer = layers.Conv2D(8, 5, dilation_rate=3, name="dilated")
    rows = layer.compute_output_shape((None, 32, 32, 1))[1]
    assert lesson.q1.is_correct(rows)
    plain = layers.Conv2D(8, 5, name="plain").compute_output_shape((None, 32, 32, 1))[1]
    assert plain != rows and not lesson.q1.is_correct(plain)  # dilation changes the answer


def measured_receptive_field(stack) -> int:
    """Width of the input region one output pixel's gradient reaches, through Keras layers."""
    size = 64
    model = keras.Sequential(
        [keras.Input((size, 1, 1))]
        + [layers.Conv2D(1, (f, 1), strides=(s, 1), dilation_rate=(d, 1), use_bias=False,
                         kernel_initializer="ones", name=f"layer{i}")
           for i, (f, s, d) in enumerate(stack)],
        name="stack")
    x = tf.Variable(np.ones((1, size, 1, 1), dtype="float32"))
    with tf.GradientTape() as tape:
        first = model(x)[0, 0, 0, 0]
    used = np.flatnonzero(tape.gradient(first, x).numpy()[0, :, 0, 0])
    return int(used.max() - used.min() + 1)


def test_q2_matches_the_measured_receptive_field():
    assert lesson.q2.is_correct(measured_receptive_field(lesson.Q2_LAYERS))
    # the stride and the dilations each change the answer
    without_dilation = [(f, s, 1) for f, s, _ in lesson.Q2_LAYERS]
    without_stride = [(f, 1, d) for f, _, d in lesson.Q2_LAYERS]
    for stack in (without_dilation, without_stride):
        assert not lesson.q2.is_correct(measured_receptive_field(stack))


def test_q3_matches_keras_grouped_count():
    grouped = layers.Conv2D(96, 3, groups=3, name="grouped")
    grouped.build((None, 16, 16, 48))
    assert lesson.q3.is_correct(grouped.count_params())
    plain = layers.Conv2D(96, 3, name="plain")
    plain.build((None, 16, 16, 48))
    assert not lesson.q3.is_correct(plain.count_params())


def test_q4_matches_keras_separable_count():
    separable = layers.SeparableConv2D(64, 5, name="separable")
    separable.build((None, 16, 16, 32))
    assert lesson.q4.is_correct(separable.count_params())
    # the same two steps as separate layers have one more bias per input channel
    depthwise, pointwise = layers.DepthwiseConv2D(5, name="dw"), layers.Conv2D(64, 1, name="pw")
    depthwise.build((None, 16, 16, 32))
    pointwise.build((None, 12, 12, 32))
    two_layers = depthwise.count_params() + pointwise.count_params()
    assert two_layers != separable.count_params()
    assert lesson.q4.feedback(two_layers).startswith("Not quite: that is DepthwiseConv2D(5)")


def keras_mults(layer, input_shape) -> int:
    """Multiplications read off a built Keras layer: per output value, its kernel's size."""
    output = layer(np.zeros((1, *input_shape), dtype="float32"))
    positions = int(np.prod(output.shape[1:3]))
    if isinstance(layer, layers.SeparableConv2D):
        depthwise, pointwise = layer.weights[:2]
        return positions * (int(np.prod(depthwise.shape)) + int(np.prod(pointwise.shape)))
    return positions * int(np.prod(layer.kernel.shape))


def test_q5_matches_the_multiplications_of_the_keras_layers():
    shape = (56, 56, 32)
    separable = keras_mults(layers.SeparableConv2D(64, 5, padding="same", name="sep"), shape)
    standard = keras_mults(layers.Conv2D(64, 5, padding="same", name="std"), shape)
    assert lesson.q5.is_correct(separable / standard)
    assert lesson.q5.is_correct(round(separable / standard, 4))


def test_q6_matches_the_weights_keras_draws():
    """All weights inside +-limit, the largest close to it (16,000 draws)."""
    layer = layers.Conv2D(64, 5, kernel_initializer=keras.initializers.GlorotUniform(seed=7),
                          name="glorot")
    layer.build((None, 28, 28, 16))
    largest = float(np.abs(layer.kernel.numpy()).max())
    limit = lesson.q6.solution_answer
    assert largest <= limit * (1 + 1e-3) and largest > 0.995 * limit
    assert lesson.q6.is_correct(largest)


def test_q7_reference_is_tensorflow_depthwise_conv2d():
    for x, kernel in lesson._Q7_CASES:
        expected = tf.nn.depthwise_conv2d(x[None], kernel, [1, 1, 1, 1], "VALID").numpy()[0]
        np.testing.assert_allclose(lesson.my_depthwise_conv2d(x, kernel), expected, atol=1e-9)
    # a case with depth_multiplier > 1 and several channels tells the two orders apart
    assert any(kernel.shape[2] > 1 and kernel.shape[3] > 1 for _, kernel in lesson._Q7_CASES)
    # the kernel is not symmetric, so flipping it changes the answer
    assert any(not np.array_equal(kernel, np.flip(kernel, (0, 1)))
               for _, kernel in lesson._Q7_CASES)


def test_q8_matches_keras_count():
    model = keras.Sequential([
        keras.Input((28, 28, 32)),
        layers.Conv2D(192, 1, use_bias=False, name="expand"),
        layers.BatchNormalization(name="expand_bn"),
        layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False, name="depthwise"),
        layers.BatchNormalization(name="depthwise_bn"),
        layers.Conv2D(64, 1, use_bias=False, name="project"),
    ], name="inverted_residual")
    assert lesson.q8.is_correct(model.count_params())
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable != model.count_params()
    assert lesson.q8.feedback(trainable).startswith("Not quite: count_params() counts 4")


def numbers_in_messages(exercise) -> dict[float, str]:
    """The wrong answers a number exercise names, as numbers, with their messages' fragments
    (the same number typed two ways is listed once)."""
    return {float(answer): fragment
            for answer, fragment in LEARNER_ANSWERS[exercise.name]["wrong"].items()
            if answer.replace(".", "").replace("e-", "").replace("_", "").isdigit()}


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.name != "q7"],
                         ids=lambda e: e.name)
def test_the_named_mistakes_give_different_answers(exercise):
    """Each mistake a number question names is its own answer (whole ones exactly, others
    beyond rounding, unless they are the same mistake rounded two ways), and none is the
    right one."""
    wrong = numbers_in_messages(exercise)
    for first, second in itertools.combinations(wrong, 2):
        if wrong[first] == wrong[second]:
            continue
        if first.is_integer() and second.is_integer():
            assert first != second
        else:
            assert not math.isclose(first, second, rel_tol=1e-3), (first, second)
    for answer in wrong:
        assert not exercise.is_correct(answer), answer
