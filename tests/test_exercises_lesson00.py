"""Lesson 00's practice questions. q1: its window is the one section 2 draws, its expected answer is
what TensorFlow computes and is printed nowhere in section 2, each mistake it names gives a value
of its own, and LEARNER_ANSWERS lists what a learner may type into its cell with the message
each must print (run in the notebook's own kernel by tests/kernel_checks.py).
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
        "right": ["-7", "-7.0", "np.int64(-7)", "[[-7]]", "[-7]", "(6 + 5 + 2) - (9 + 5 + 6)",
                  "np.sum(x[0:3, 1:4] * kernel.T)", "np.sum(x[:3, 1:4] * kernel.T)",
                  "float(tf.nn.conv2d(x_batch, np.transpose(kernel_4d, (1, 0, 2, 3)), 1, "
                  "'VALID')[0, 0, 1, 0])"],
        "wrong": {
            "6": "is the untransposed kernel's number on this window",
            "18": "np.sum(window @ kernel.T)",
            "np.sum(x[0:3, 1:4] @ kernel.T)": "@ is a matrix product",
            "np.sum(x[0:3, 1:4] * kernel)": "is the untransposed kernel's number on this window",
            "np.sum(x[0:3, 1:4].T * kernel.T)": "the untransposed kernel's number",
            "7": "has the sign reversed",
            "-6": "what the kernel flipped (rotated 180 degrees, np.flip(kernel)) gives",
            "np.sum(x[0:3, 1:4] * np.flip(kernel))": "what the kernel flipped (rotated 180",
            "np.sum(x[0:3, 1:4] * np.rot90(kernel))": "has the sign reversed",
            "np.sum(x[0:3, 1:4] * np.flip(kernel.T))": "has the sign reversed",
            "34": "the sum of the window itself",
            "-16": "the number outlined in section 4's figure",
            "np.sum(x[1:4, 0:3] * kernel.T)": "on the window at row 1, column 0",
            "np.sum(x[0:3, 1:4])": "the sum of the window itself",
            "13": "the top row alone",
            "-20": "the bottom row alone",
            "20": "the bottom row alone, taken with +1",
            "9 + 5 + 6": "the bottom row alone, taken with +1",
            "-13": "the top row alone, 6 + 5 + 2, with its sign flipped",
            "-1": "the top-left window",
            "np.sum(x[0:3, 0:3] * kernel.T)": "the top-left window",
            "'-7'": "remove the quotes",
            "-10": "comes from a window that starts at column 2",
            "np.sum(x[1:4, 2:5] * kernel.T)": "comes from a window that starts at column 2",
            "np.sum(x[0:3, 2:5] * kernel)": "comes from a window that starts at column 2",
            "np.sum(kernel.T @ x[0:3, 1:4])": "@ is a matrix product",
            "0": "If you used it, multiply element-wise",
            "2": "not the expected value",
        },
    },
    "q2": {
        "right": ["def window_value(x, kernel, row, col):\n"
                  "    h, w = kernel.shape\n"
                  "    return float(np.sum(x[row:row + h, col:col + w] * kernel))",
                  "def window_value(x, kernel, row, col):\n"
                  "    total = 0\n"
                  "    for i in range(len(kernel)):\n"
                  "        for j in range(len(kernel[0])):\n"
                  "            total += x[row + i][col + j] * kernel[i][j]\n"
                  "    return total"],
        "wrong": {
            "def window_value(x, kernel, row, col):\n"
            "    return np.sum(x[row:row + 3, col:col + 3] * kernel)":
                "args, kwargs = q2.failing_case, then window_value(*args, **kwargs)",
            "def window_value(x, kernel, row, col):\n"
            "    h, w = kernel.shape\n"
            "    return np.sum(x[row:row + h, col:col + w] * np.flip(kernel))":
                "your function flips the kernel",
            "def window_value(x, kernel, row, col):\n"
            "    h, w = kernel.shape\n"
            "    return np.sum(x[col:col + h, row:row + w] * kernel)":
                "your window starts at (col, row)",
            "def window_value(x, kernel, row, col):\n"
            "    h, w = kernel.shape\n"
            "    return x[row:row + h, col:col + w] * kernel":
                "expected a single number",
            "def window_value(x, kernel, row, col):\n"
            "    h, w = kernel.shape\n"
            "    return -np.sum(x[row:row + h, col:col + w] * kernel)":
                "it returned 16; the expected value is -16",
        },
    },
}


def section2():
    """Section 2's input and kernel, drawn as the notebook draws them."""
    return np.random.default_rng(seed=0).integers(0, 10, size=(5, 5)), lesson.SECTION2_KERNEL


def test_lesson_00_has_two_practice_questions():
    assert [q.name for q in exercises_in(lesson)] == ["q1", "q2"]
    assert set(LEARNER_ANSWERS) == {"q1", "q2"}


def test_q2_hands_over_the_case_its_message_cannot_print():
    """The notebook's on-purpose slip (every window 3x3) fails on the 8x10 case, which the
    message shows as <8x10 array>: q2.failing_case holds it, and rerunning it raises the same
    error the learner can then look at."""
    def window_value_3x3(x, kernel, row, col):
        return np.sum(x[row:row + 3, col:col + 3] * kernel)

    message = lesson.q2.feedback(window_value_3x3)
    assert "on window_value_3x3(<8x10 array>, " in message and "ValueError" in message
    assert "args, kwargs = q2.failing_case, then window_value_3x3(*args, **kwargs)" in message
    args, kwargs = lesson.q2.failing_case
    assert args[0].shape == (8, 10) and kwargs == {}
    with pytest.raises(ValueError):
        window_value_3x3(*args, **kwargs)
    # the first two cases are section 2's: the expected values are its feature map and q1's
    x, kernel = section2()
    assert lesson._window_value(x, kernel, 1, 2) == tf_conv2d_2d(x, kernel)[1, 2]
    assert lesson._window_value(x, kernel.T, 0, 1) == lesson.q1.solution_answer
    np.testing.assert_array_equal(lesson.SECTION2_X, x)


def test_the_windows_are_the_ones_section_2_draws():
    x, _ = section2()
    row, col = lesson.WINDOW_ROW, lesson.WINDOW_COL
    np.testing.assert_array_equal(lesson.WINDOW, x[row:row + 3, col:col + 3])
    np.testing.assert_array_equal(lesson.TOP_LEFT_WINDOW, x[:3, :3])
    np.testing.assert_array_equal(lesson.OUTLINED_WINDOW, x[1:4, 2:5])
    np.testing.assert_array_equal(lesson.ABOVE_OUTLINED_WINDOW, x[0:3, 2:5])


def test_q1_names_every_slip_that_gives_minus_10_and_the_matrix_product_only_if_used():
    """-10 is kernel.T on section 2's taken-apart window x[1:4, 2:5], and kernel and kernel.T on
    x[0:3, 2:5], by TensorFlow: the message names the column-2 start they share. 0 is what
    np.sum(kernel.T @ window) gives on every window; the message says so conditionally."""
    x, kernel = section2()
    transposed, section2_map = tf_conv2d_2d(x, kernel.T), tf_conv2d_2d(x, kernel)
    assert transposed[1, 2] == transposed[0, 2] == section2_map[0, 2] == -10
    for value in (transposed[1, 2], section2_map[0, 2]):
        assert "starts at column 2" in lesson.q1.feedback(value)
    for row in range(3):
        for col in range(3):
            assert np.sum(kernel.T @ x[row:row + 3, col:col + 3]) == 0
    assert "If you used it" in lesson.q1.feedback(0)


def test_q1_answer_is_what_tensorflow_computes_with_the_kernel_transposed():
    x, kernel = section2()
    row, col = lesson.WINDOW_ROW, lesson.WINDOW_COL
    transposed = tf_conv2d_2d(x, kernel.T)
    assert lesson.q1.is_correct(transposed[row, col])
    section2_map = tf_conv2d_2d(x, kernel)
    assert "untransposed kernel's number" in lesson.q1.feedback(section2_map[row, col])
    assert "sign reversed" in lesson.q1.feedback(-transposed[row, col])
    assert "top-left window" in lesson.q1.feedback(transposed[0, 0])
    assert "outlined in section 4's figure" in lesson.q1.feedback(section2_map[1, 2])
    assert "row 1, column 0" in lesson.q1.feedback(transposed[1, 0])   # row and column swapped
    assert list(transposed.ravel()).count(transposed[1, 0]) == 1    # -18: no other window gives it
    assert list(section2_map.ravel()).count(-16) == 1           # -16 comes from that window only


def test_q1_answer_is_printed_nowhere_in_section_2():
    """Section 2 prints x and its feature map: the answer is neither one of its numbers."""
    x, kernel = section2()
    answer = lesson.q1.solution_answer
    assert answer not in tf_conv2d_2d(x, kernel)
    assert answer not in x


def test_each_mistake_has_its_own_value_and_message():
    values = [value for value, _ in lesson.Q1_MISTAKES]
    assert len(set(values)) == len(values)
    for value, message in lesson.Q1_MISTAKES:
        assert not lesson.q1.is_correct(value)
        assert message in lesson.q1.feedback(value)


def test_q1_accepts_a_number_in_brackets_and_says_a_plain_number_is_enough():
    for answer in ([[-7]], [-7], np.array([-7.0])):
        assert lesson.q1.feedback(answer).startswith("Correct!")
        assert "the plain number, -7, is enough" in lesson.q1.feedback(answer)
    # A 0-d array or TensorFlow scalar (q1.check(fm[0, 0, 1, 0])) holds no brackets.
    for scalar in (-7, np.float32(-7), np.array(-7.0), tf.constant(-7.0), tf.constant(-7)):
        assert lesson.q1.feedback(scalar) == lesson.q1.feedback(-7), scalar
        assert "brackets" not in lesson.q1.feedback(scalar)
    assert lesson.q1.feedback([[7]]).startswith("Not quite:")


def test_q2_a_negated_sum_is_not_called_a_flipped_kernel():
    """Section 2's kernel flipped is its own negative; the 1x2 case's kernel is not, so minus the
    right answer matches no named mistake and gets no diagnosis."""
    assert np.array_equal(np.flip(lesson.SECTION2_KERNEL), -lesson.SECTION2_KERNEL)
    assert not np.array_equal(np.flip(lesson.Q2_PAIR_KERNEL), -lesson.Q2_PAIR_KERNEL)

    def negated(x, kernel, row, col):
        h, w = kernel.shape
        return -np.sum(x[row:row + h, col:col + w] * kernel)

    message = lesson.q2.feedback(negated)
    assert "flips the kernel" not in message, message
    assert "it returned 16; the expected value is -16." in message, message
