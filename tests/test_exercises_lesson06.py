"""Lesson 06 exercises: the expected answers agree with TensorFlow's gradients and with Keras
(the reference is the real library, not the exercise module), the arrays of the questions tell
the predictable mistakes apart, and LEARNER_ANSWERS lists what a learner types.

LEARNER_ANSWERS is run in the notebook's own kernel after the notebook (tests/kernel_checks.py):
each "right" entry must print "Correct!", each "wrong" entry "Not quite:" and the fragment
given, which names that mistake.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import conv2d, conv2d_transpose
from course_utils.exercises import exercises_in
from course_utils.exercises import lesson06 as lesson
from tests.reference import tf_conv2d_gradients, tf_pool2d_gradient

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
layers = keras.layers

EXERCISES = exercises_in(lesson)

_FLIPPED_NOT = '''def my_grad_x(kernel, grad_output, stride=1):
    kernel, grad_output = np.asarray(kernel, float), np.asarray(grad_output, float)
    (f_h, f_w), (o_h, o_w) = kernel.shape, grad_output.shape
    dilated = np.zeros(((o_h - 1) * stride + 1, (o_w - 1) * stride + 1))
    dilated[::stride, ::stride] = grad_output
    padded = np.pad(dilated, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))
    return conv2d(padded, kernel)'''

_NO_ZEROS_BETWEEN = '''def my_grad_x(kernel, grad_output, stride=1):
    kernel = np.asarray(kernel, float)
    f_h, f_w = kernel.shape
    padded = np.pad(np.asarray(grad_output, float), ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))
    return conv2d(padded, np.flip(kernel))'''

_TRANSPOSED_CONV = '''def my_grad_x(kernel, grad_output, stride=1):
    return conv2d_transpose(grad_output, kernel, stride=stride, output_padding=0)'''

_NO_PADDING = '''def my_grad_x(kernel, grad_output, stride=1):
    dilated = np.zeros(((len(grad_output) - 1) * stride + 1,
                        (len(grad_output[0]) - 1) * stride + 1))
    dilated[::stride, ::stride] = grad_output
    return conv2d(dilated, np.flip(kernel))'''

LEARNER_ANSWERS = {
    "q1": {
        "right": ["(5, 5, 3, 16)", "[5, 5, 3, 16]", "np.array([5, 5, 3, 16])",
                  "tf.TensorShape([5, 5, 3, 16])"],
        "wrong": {
            "(32, 5, 5, 3, 16)": "no batch axis",
            "(16, 5, 5, 3)": "PyTorch's layout",
            "(5, 5, 16, 3)": "Conv2DTranspose's layout",
            "(24, 24, 16)": "the output's shape",
        },
    },
    "q2": {
        "right": ["12.5", "25 * 0.5", "np.float64(12.5)", "np.sum(np.full((5, 5), 0.5))"],
        "wrong": {
            "0.5": "add them up",
            "24.5": "input pixels",
            "4.5": "kernel's weights",
            "25": "add up the values",
            "2.5": "one row",
        },
    },
    "q3": {
        "right": ["[[5, 1], [-3, 3]]", "np.array([[5.0, 1.0], [-3.0, 3.0]])",
                  "conv2d(Q3_X, Q3_GRAD)"],
        "wrong": {
            "conv2d(Q3_X, np.flip(Q3_GRAD))": "you flipped dL/dY",
            "conv2d(Q3_X, Q3_GRAD.T)": "you transposed dL/dY",
            "[[5, -3], [1, 3]]": "rows and columns are swapped",
            "conv2d(Q3_X, Q3_KERNEL)": "forward output",
            "Q3_GRAD * Q3_KERNEL": "does not involve the kernel",
            "[[3, -3], [1, 5]]": "flipped",
        },
    },
    "q4": {
        "right": [_TRANSPOSED_CONV],
        "wrong": {
            _FLIPPED_NOT: "not flipped",
            _NO_ZEROS_BETWEEN: "S - 1 zeros between",
            _NO_PADDING: "the window must fit inside the padded input",
        },
    },
    "q5": {
        "right": ["[[0, 2, 0, 0], [0, 0, 0, 1], [-1, 0, 3, 0], [0, 0, 0, 0]]",
                  "pool2d_backward(Q5_X, Q5_GRAD)"],
        "wrong": {
            "pool2d_backward(Q5_X, Q5_GRAD, mode='average')": "average pooling",
            "[[2, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]": "off",
            "np.kron(Q5_GRAD, np.ones((2, 2)))": "only it gets a gradient",
            "[[2, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 3], [-1, 0, 0, 0]]": "smallest value",
        },
    },
    "q6": {
        "right": ["2", "2.0", "(9 + 2 * 1 - 3) % 3"],
        "wrong": {
            "0": "never read the last rows",
            "1": "one row was left over in the lesson's example",
            "3": "smaller than the stride",
            "8": "take the remainder",
        },
    },
    "q7": {
        "right": ["57802752", "57_802_752", "2 * 16 * 28 * 28 * 32 * 3 * 3 * 8", "5.7802752e7"],
        "wrong": {
            "28901376": "computes both",
            "86704128": "backward pass only",
            "3612672": "one image",
            "1806336": "one convolution of one image",
        },
    },
}


def test_every_exercise_has_learner_answers_with_two_wrong_ones():
    assert set(LEARNER_ANSWERS) == {exercise.name for exercise in EXERCISES}
    for name, answers in LEARNER_ANSWERS.items():
        assert answers["right"], name
        assert len(answers["wrong"]) >= 2, name


# --- the expected answers, from TensorFlow and Keras -------------------------------------------


def test_q1_is_the_shape_of_the_gradient_tensorflow_computes():
    model = keras.Sequential([keras.Input((28, 28, 3)), layers.Conv2D(16, 5, name="conv_q1")],
                             name="model_q1")
    x = np.random.default_rng(1).standard_normal((32, 28, 28, 3)).astype("float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x))
    grad_kernel = tape.gradient(loss, model.get_layer("conv_q1").kernel)
    assert lesson.q1.is_correct(grad_kernel.shape)
    assert lesson.q1.is_correct(tuple(grad_kernel.shape))


def test_q2_is_the_bias_gradient_tensorflow_computes():
    x = np.zeros((1, 7, 7, 1))
    kernel = np.zeros((3, 3, 1, 1))
    grad = np.full((1, 5, 5, 1), 0.5)
    assert lesson.q2.is_correct(tf_conv2d_gradients(x, kernel, grad)[2][0])


def test_q3_is_the_kernel_gradient_tensorflow_computes():
    grads = tf_conv2d_gradients(lesson.Q3_X[None, :, :, None], lesson.Q3_KERNEL[:, :, None, None],
                                lesson.Q3_GRAD[None, :, :, None])
    assert lesson.q3.is_correct(grads[1][:, :, 0, 0])


def test_q3_mistakes_give_different_answers():
    """Flip, transpose, swapped axes, the forward output: each mistake is a different array."""
    x, grad, kernel = lesson.Q3_X, lesson.Q3_GRAD, lesson.Q3_KERNEL
    right = conv2d(x, grad)
    candidates = [right, conv2d(x, np.flip(grad)), conv2d(x, grad.T), right.T, np.flip(right),
                  conv2d(x, kernel), grad * kernel]
    for i, first in enumerate(candidates):
        for second in candidates[i + 1:]:
            assert not np.allclose(first, second)


def test_q4_reference_is_the_input_gradient_tensorflow_computes():
    for case in lesson._Q4_CASES:
        kernel, grad = case[0], case[1]
        stride = case[2] if len(case) > 2 else 1
        size = ((grad.shape[0] - 1) * stride + kernel.shape[0],
                (grad.shape[1] - 1) * stride + kernel.shape[1])
        expected = tf_conv2d_gradients(np.zeros((1, *size, 1)), kernel[:, :, None, None],
                                       grad[None, :, :, None], stride)[0][0, :, :, 0]
        np.testing.assert_allclose(lesson.my_grad_x(*case), expected, atol=1e-12)
        assert not np.allclose(lesson._not_flipped(*case), expected)


def test_q5_is_the_max_pool_gradient_tensorflow_computes():
    expected = tf_pool2d_gradient(lesson.Q5_X[None, :, :, None], lesson.Q5_GRAD[None, :, :, None])
    assert lesson.q5.is_correct(expected[0, :, :, 0])
    windows = lesson.Q5_X.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    assert all(len(set(window)) == 4 for window in windows)  # no ties: one answer only


def test_q6_output_padding_gives_tensorflow_its_input_gradient():
    rng = np.random.default_rng(6)
    kernel = rng.standard_normal((3, 3))
    grad = rng.standard_normal(conv2d(np.zeros((9, 9)), kernel, stride=3, padding=1).shape)
    expected = tf_conv2d_gradients(np.zeros((1, 9, 9, 1)), kernel[:, :, None, None],
                                   grad[None, :, :, None], 3, 1)[0][0, :, :, 0]
    answer = lesson.q6.solution_answer
    np.testing.assert_allclose(conv2d_transpose(grad, kernel, stride=3, padding=1,
                                                output_padding=answer), expected, atol=1e-12)
    keras_layer = layers.Conv2DTranspose(1, 3, strides=3, padding="valid", output_padding=answer,
                                         name="transpose_q6")
    assert keras_layer.compute_output_shape((None, 3, 3, 1))[1] - 2 == 9  # minus 2P of cropping


def test_q7_counts_the_multiplications_of_tensorflows_two_gradient_convolutions():
    model = keras.Sequential([keras.Input((28, 28, 8)),
                              layers.Conv2D(32, 3, padding="same", name="conv_q7")],
                             name="model_q7")
    _, o_h, o_w, c_out = model.output_shape
    forward = 16 * o_h * o_w * c_out * int(np.prod(model.get_layer("conv_q7").kernel.shape[:3]))
    assert lesson.q7.is_correct(2 * forward)
    assert not lesson.q7.is_correct(forward)
