"""Lesson 02's exercises: each solution passes, wrong answers fail, the placeholder is unanswered.

Expected answers come from Keras models and tf.nn.conv2d, never from a second copy of our code.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, ____, exercises_in
from course_utils.exercises import lesson02 as lesson
from tests.reference import keras_output_shape, tf_conv2d

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
layers = keras.layers


def keras_shape(input_shape, *convs):
    """Output shape (without batch) of Conv2D layers (filters, kernel, stride) in a row."""
    return keras_output_shape(input_shape, *(
        layers.Conv2D(filters, kernel, strides=stride, name=f"conv{index + 1}")
        for index, (filters, kernel, stride) in enumerate(convs)))


def _one_channel_only(x, kernel, bias):  # uses the first channel and ignores the others
    f = kernel.shape[0]
    return np.array([[np.sum(x[i:i + f, j:j + f, 0] * kernel[:, :, 0]) + bias
                      for j in range(x.shape[1] - f + 1)] for i in range(x.shape[0] - f + 1)])


def _bias_per_channel(x, kernel, bias):  # adds the bias once per channel
    out = tf_filter(x, kernel, 0)
    return out + bias * x.shape[2]


def _per_channel_stack(x, kernel, bias):  # the source's "5x5x3 output": no sum over channels
    return np.stack([tf_filter(x[:, :, c:c + 1], kernel[:, :, c:c + 1], bias)
                     for c in range(x.shape[2])], axis=-1)


def tf_filter(x, kernel, bias):
    """One filter (F, F, C) with its bias on one image (H, W, C), by tf.nn.conv2d."""
    return tf_conv2d(np.asarray(x)[None], np.asarray(kernel)[..., None])[0, :, :, 0] + bias


WRONG_ANSWERS = {
    "q1": [(3, 3, 3), (5, 5, 3), (3, 3, 15), (5, 3, 3), 3],
    "q2": [(3, 3, 3), (1, 1, 3), (2, 2, 5)],
    "q3": [(7, 7, 4), (4, 4, 4), (3, 3, 3), (2, 2, 4)],
    "q4": [864, 160, 55, 870],
    "q5": [(8, 3, 5, 5), (3, 5, 5, 8), (5, 5, 8, 3), (5, 5, 3)],
    "q6": [24 * 24 * 6 * 5 * 5 * 3, 20 * 20 * 6 * 5 * 5, 456],
    "q7": [_one_channel_only, _bias_per_channel, _per_channel_stack, tf_filter(
        np.ones((7, 7, 3)), np.ones((3, 3, 3)), 0)],
    "q8": [[1, 1, 0], [1, -0.5, -0.5], [1, 1, 1], np.array([0.5, 0.5]), [-0.5, -0.5, 1]],
}


def test_the_lesson_has_eight_exercises():
    assert [q.name for q in exercises_in(lesson)] == [f"q{i}" for i in range(1, 9)]


@pytest.mark.parametrize("name, input_shape, convs", [
    ("q1", (7, 7, 3), [(5, 5, 1)]),
    ("q2", (7, 7, 3), [(3, 5, 2)]),
    ("q3", (9, 9, 3), [(4, 3, 1), (4, 3, 2)]),
])
def test_shape_answers_agree_with_keras(name, input_shape, convs):
    assert getattr(lesson, name).is_correct(keras_shape(input_shape, *convs))


def test_q4_and_q5_agree_with_a_built_keras_layer():
    layer = layers.Conv2D(16, 3, name="conv")
    layer.build((None, 10, 10, 6))
    assert lesson.q4.is_correct(layer.count_params())
    rgb = layers.Conv2D(8, 5, name="conv_rgb")
    rgb.build((None, 32, 32, 3))
    assert lesson.q5.is_correct(tuple(rgb.kernel.shape))
    assert tuple(rgb.bias.shape) == (8,)


def test_q6_counts_one_product_per_weight_per_output_value():
    out_h, out_w, c_out = keras_shape((24, 24, 3), (6, 5, 1))
    weights_per_output = 5 * 5 * 3
    assert lesson.q6.is_correct(out_h * out_w * c_out * weights_per_output)


def test_q7_solution_matches_tensorflow():
    rng = np.random.default_rng(0)
    x, kernel = rng.normal(size=(7, 7, 3)), rng.normal(size=(3, 3, 3))
    np.testing.assert_allclose(lesson.q7.solution_answer(x, kernel, 0.25),
                               tf_filter(x, kernel, 0.25), atol=1e-5)
    assert lesson.q7.is_correct(tf_filter)  # TensorFlow itself passes the checker


def test_q7_placeholder_in_function_body(capsys):
    def one_filter(x, kernel, bias):
        return ____

    lesson.q7.check(one_filter)
    assert capsys.readouterr().out.strip() == NOT_ANSWERED


def test_q8_colour_patches_and_a_keras_1x1_filter_agree():
    image, names = lesson.colour_patches()
    layer = layers.Conv2D(1, 1, name="yellow_detector")
    layer.build((None, 6, 12, 3))
    layer.set_weights([lesson.q8.solution_answer.reshape(1, 1, 3, 1), np.zeros(1)])
    response = layer(image[None].astype("float32")).numpy()[0, :, :, 0]
    best = np.argwhere(np.isclose(response, response.max()))
    assert {names[(row // 3) * 4 + col // 3] for row, col in best} == {"yellow"}
    assert lesson.q8.is_correct(lesson.q8.solution_answer)
