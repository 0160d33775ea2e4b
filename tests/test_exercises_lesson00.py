"""Lesson 00's practice question: its window is the one section 2 draws, its expected answer is
what TensorFlow computes, each mistake it names gives a value of its own, and LEARNER_ANSWERS
lists what a learner may type into its cell with the message each must print (run in the
notebook's own kernel by tests/kernel_checks.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import exercises_in
from course_utils.exercises import lesson00 as lesson
from tests.reference import tf_conv2d_2d

tf = pytest.importorskip("tensorflow")

# What a learner types into the exercise cell (source text) -> a fragment of the message it
# must print. The lesson's names x and kernel are section 2's input and kernel.
LEARNER_ANSWERS = {
    "q1": {
        "right": ["-1", "-1.0", "np.int64(-1)", "(8 + 6 + 5) - (6 + 9 + 5)",
                  "np.sum(x[0:3, 0:3] * kernel.T)", "np.sum(x[:3, :3] * kernel.T)",
                  "float(tf.nn.conv2d(x_batch, np.transpose(kernel_4d, (1, 0, 2, 3)), 1, "
                  "'VALID')[0, 0, 0, 0])"],
        "wrong": {
            "4": "what section 2's kernel gives on this window",
            "np.sum(x[0:3, 0:3] * kernel)": "what section 2's kernel gives on this window",
            "1": "with every sign changed",
            "np.sum(x[0:3, 0:3] * np.rot90(kernel))": "a quarter turn",
            "39": "the sum of the window itself",
            "np.sum(x[0:3, 0:3])": "the sum of the window itself",
            "19": "the top row alone",
            "-20": "the bottom row alone",
            "'-1'": "remove the quotes",
            "2": "not the expected value",
        },
    },
}


def test_lesson_00_has_one_practice_question():
    assert [q.name for q in exercises_in(lesson)] == ["q1"]
    assert set(LEARNER_ANSWERS) == {"q1"}


def test_the_window_is_the_one_section_2_draws():
    x = np.random.default_rng(seed=0).integers(0, 10, size=(5, 5))   # as the notebook does
    np.testing.assert_array_equal(lesson.WINDOW, x[:3, :3])


def test_q1_answer_is_the_top_left_value_tensorflow_computes_with_the_kernel_turned():
    x = np.random.default_rng(seed=0).integers(0, 10, size=(5, 5))
    turned = tf_conv2d_2d(x, lesson.SECTION2_KERNEL.T)
    assert lesson.q1.is_correct(turned[0, 0])
    section2 = tf_conv2d_2d(x, lesson.SECTION2_KERNEL)
    assert "what section 2's kernel gives" in lesson.q1.feedback(section2[0, 0])
    assert "every sign changed" in lesson.q1.feedback(-turned[0, 0])


def test_each_mistake_has_its_own_value_and_message():
    values = [value for value, _ in lesson.Q1_MISTAKES]
    assert len(set(values)) == len(values)
    for value, message in lesson.Q1_MISTAKES:
        assert not lesson.q1.is_correct(value)
        assert message in lesson.q1.feedback(value)
