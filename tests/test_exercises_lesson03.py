"""Lesson 03 exercises: every solution passes, wrong answers fail, and the expected answers
agree with what Keras computes (the reference is Keras, not the exercise module)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import exercises_in
from course_utils.exercises import lesson03 as lesson
from tests.reference import keras_pool_2d as keras_pool

keras = pytest.importorskip("keras")
layers = keras.layers

EXERCISES = exercises_in(lesson)

# At least two wrong answers per exercise, each a plausible mistake.
WRONG_ANSWERS = {
    "q1": [[[3.5, 2.0], [1.5, 2.5]], [[1, 2], [3, 1]], [[6, 5], [3, 3]], 6],
    "q2": [[[6, 5], [3, 4]], [[14, 8], [6, 10]], [[3.5, 2.0], [1.5, 2.0]], "3.5"],
    "q3": [(8, 8, 32), (7, 7, 16), (6, 6, 32), (32, 7, 7), 7],
    "q4": [7, 4, 11, 6.5, "6"],
    "q5": [(15680, 320), (330, 15690), (15690, 650), 15690],
    "q6": [2.5, 0.5 ** 10, 0.25, 1.0],
    "q7": [
        lambda x, size: np.asarray(x)[::size, ::size],                     # top-left, not max
        lambda x, size: lesson._reference_average_pool(x, size),           # average
        lambda x, size: np.maximum(lesson._reference_max_pool(x, size), 0),  # starts from 0
        lambda x, size: np.asarray(x).max(),                                # one number
        lesson.max_pool(lesson.POOL_X, 2),                      # a result, not a function
    ],
}


def test_q1_q2_match_keras_pooling():
    expected_max = keras_pool(layers.MaxPooling2D(2, name="pool_max"), lesson.POOL_X)
    expected_average = keras_pool(layers.AveragePooling2D(2, name="pool_avg"), lesson.POOL_X)
    assert lesson.q1.is_correct(expected_max)
    assert lesson.q2.is_correct(expected_average)


def test_q3_matches_a_keras_model():
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            layers.Conv2D(16, 3, padding="same", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(32, 3, name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
        ],
        name="stack",
    )
    assert lesson.q3.is_correct(model.output_shape)
    assert lesson.q3.is_correct(model.output_shape[1:])


def test_q4_matches_overlapping_keras_pooling():
    pooled = layers.MaxPooling2D(pool_size=3, strides=2, name="overlap")(
        np.zeros((1, 13, 13, 256), dtype="float32"))
    assert lesson.q4.is_correct(pooled.shape[1])


def test_q5_matches_dense_parameter_counts():
    counts = []
    for head in (layers.Flatten(name="flatten"), layers.GlobalAveragePooling2D(name="gap")):
        model = keras.Sequential(
            [keras.Input((7, 7, 32)), head, layers.Dense(10, name="dense")], name="head")
        counts.append(model.get_layer("dense").count_params())
    assert lesson.q5.is_correct(tuple(counts))


def test_q6_matches_the_sigmoid_slope_measured_by_tensorflow():
    tf = pytest.importorskip("tensorflow")
    z = tf.constant(np.linspace(-6, 6, 1201), dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = tf.sigmoid(z)
    largest_slope = float(tf.reduce_max(tape.gradient(y, z)))
    assert largest_slope == pytest.approx(0.25)
    assert lesson.q6.is_correct(largest_slope ** 10)


@pytest.mark.parametrize("case", range(len(lesson._CASES)))
def test_q7_solution_function_matches_keras(case):
    x, size = lesson._CASES[case]
    expected = keras_pool(layers.MaxPooling2D(size, name="pool"), x)
    np.testing.assert_allclose(lesson.max_pool(x, size), expected)
