"""Lesson 01's exercises: each solution passes, wrong answers fail, the placeholder is unanswered.

Expected answers are checked against TensorFlow/Keras, never against a second copy of our code.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import (
    DIAGONAL_LINE_KERNEL,
    DIGIT_FOUR,
    HORIZONTAL_LINE_KERNEL,
    LESSON01_KERNEL,
    LESSON01_X,
    VERTICAL_LINE_KERNEL,
)
from course_utils.exercises import NOT_ANSWERED, ____, exercises_in
from course_utils.exercises import lesson01 as lesson
from tests.reference import keras_output_size
from tests.reference import tf_conv2d_2d as tf_corr2d

tf = pytest.importorskip("tensorflow")


# --- wrong answers for each exercise (at least two) --------------------------------------------

def _flipped_corr2d(x, kernel):  # true convolution: flips the kernel
    return tf_corr2d(x, np.flip(kernel))


def _off_by_one(x, kernel):  # forgets the + 1 in the output size
    f_h, f_w = kernel.shape
    out = np.zeros((x.shape[0] - f_h, x.shape[1] - f_w))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + f_h, j:j + f_w] * kernel)
    return out


def _square_only(x, kernel):  # uses kernel.shape[0] for both axes
    f = kernel.shape[0]
    return tf_corr2d(x, kernel[:, :f]) if kernel.shape[1] >= f else tf_corr2d(x, kernel)[:, :-1]


def _no_return(x, kernel):
    tf_corr2d(x, kernel)


WRONG_ANSWERS = {
    "q1": [23, 28, 25, "24"],
    "q2": [3, (7 - 3 + 2) / (2 + 1), (7 - 3) / (2 + 1), 5],
    "q3": [12, 28, 13],
    "q4": [_flipped_corr2d, _off_by_one, _no_return, _square_only, "corr2d"],
    "q5": [HORIZONTAL_LINE_KERNEL, DIAGONAL_LINE_KERNEL, np.ones((3, 3)), np.zeros((3, 3)),
           np.zeros((2, 2)), np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])],
    "q6": [tf_corr2d(LESSON01_X, lesson.Q6_KERNEL), np.zeros((3, 3)),
           tf_corr2d(LESSON01_X, lesson.Q6_KERNEL[::-1]),
           tf_corr2d(LESSON01_X, lesson.Q6_KERNEL[:, ::-1]), [[15, 16], [6, 15]]],
    "q7": [36, 0, 81, 17],
}


def test_the_lesson_has_seven_exercises():
    assert [q.name for q in exercises_in(lesson)] == [f"q{i}" for i in range(1, 8)]


def test_placeholder_inside_a_function_body_is_not_answered(capsys):
    def corr2d(x, kernel):
        return ____

    lesson.q4.check(corr2d)
    assert capsys.readouterr().out.strip() == NOT_ANSWERED


@pytest.mark.parametrize("name, args, expected_by", [
    ("q1", (28, 5), 24),
    ("q3", (28, 5, 2, "same"), 14),
])
def test_size_answers_agree_with_keras(name, args, expected_by):
    size = keras_output_size(*args)
    assert size == expected_by
    assert getattr(lesson, name).is_correct(size)


def test_q2_answer_agrees_with_tensorflow_on_an_explicitly_padded_input():
    x = np.pad(np.ones((7, 7)), 1)  # P = 1
    out = tf_corr2d(x, np.ones((3, 3)), stride=2)
    assert lesson.q2.is_correct(out.shape[0])


def test_q4_solution_matches_tensorflow_on_every_case():
    for x, kernel in [(LESSON01_X, LESSON01_KERNEL), (DIGIT_FOUR, HORIZONTAL_LINE_KERNEL),
                      (np.arange(35.0).reshape(5, 7), np.array([[1.0, -2.0, 0.5]]))]:
        mine = lesson.q4.solution_answer(np.array(x), np.array(kernel))
        np.testing.assert_allclose(mine, tf_corr2d(x, kernel), atol=1e-5)
    # and the lesson's headline numbers
    np.testing.assert_array_equal(tf_corr2d(LESSON01_X, LESSON01_KERNEL), [[15, 16], [6, 15]])


def test_q4_accepts_a_vectorised_answer_too():
    def corr2d(x, kernel):
        windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape)
        return (windows * kernel).sum(axis=(-2, -1))

    assert lesson.q4.is_correct(corr2d)


def test_q5_accepts_line_and_edge_kernels_and_uses_the_digit_four():
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    for kernel in (VERTICAL_LINE_KERNEL, sobel, -sobel, VERTICAL_LINE_KERNEL.tolist()):
        assert lesson.q5.is_correct(kernel), lesson.q5.feedback(kernel)
    # where the strongest response lands, computed by TensorFlow
    feature_map = tf_corr2d(DIGIT_FOUR, lesson.q5.solution_answer)
    row, col = np.unravel_index(np.argmax(feature_map), feature_map.shape)
    assert DIGIT_FOUR[row + 1, col + 1] == 1 and col + 1 in (1, 5)
    feedback = lesson.q5.feedback(HORIZONTAL_LINE_KERNEL)
    assert "not on a vertical stroke" in feedback and "(4, 3)" in feedback


def test_vertical_stroke_zone_excludes_the_bar_and_the_empty_corner():
    zone = lesson.vertical_stroke_zone()
    assert zone.shape == (6, 6)
    assert not zone[3, 2]          # window centred on (4, 3), the middle of the bar
    assert zone[1, 0] and zone[1, 4]  # centred on the two strokes
    assert not zone[5, 0]          # bottom-left: empty


def test_q6_is_the_flipped_kernel_and_differs_from_cross_correlation():
    true_convolution = tf_corr2d(LESSON01_X, np.flip(lesson.Q6_KERNEL))
    assert lesson.q6.is_correct(true_convolution)
    assert not np.array_equal(true_convolution, tf_corr2d(LESSON01_X, lesson.Q6_KERNEL))
    assert "not flipped" in lesson.q6.feedback(tf_corr2d(LESSON01_X, lesson.Q6_KERNEL))


def test_q7_counts_pixels_no_strided_window_touches():
    x = tf.Variable(tf.ones((1, 9, 9, 1)))
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(x, tf.ones((3, 3, 1, 1)), strides=4, padding="VALID")
    used = tape.gradient(y, x).numpy()[0, :, :, 0]  # how many windows read each pixel
    assert lesson.q7.is_correct(int((used == 0).sum()))
