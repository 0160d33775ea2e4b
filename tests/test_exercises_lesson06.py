"""Lesson 06 exercises: the expected answers agree with TensorFlow's gradients and with Keras
(the reference is the real library, not the exercise module), the arrays of the questions tell
the predictable mistakes apart, and LEARNER_ANSWERS lists what a learner types.

LEARNER_ANSWERS is run in the notebook's own kernel after the notebook (tests/kernel_checks.py):
each "right" entry must print "Correct!", each "wrong" entry "Not quite:" and the fragment
given, which names that mistake.
"""

from __future__ import annotations

import itertools
import math

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

def _recipe(body: str) -> str:
    '''my_grad_x as a learner writes it: the lesson's recipe, with ``body`` as its last lines
    (after ``f_h, f_w``, ``o_h, o_w`` and the dilated ``g`` are set).'''
    return (
        "def my_grad_x(kernel, grad_output, stride=1):\n"
        "    f_h, f_w = kernel.shape\n"
        "    o_h, o_w = grad_output.shape\n"
        "    g = np.zeros(((o_h - 1) * stride + 1, (o_w - 1) * stride + 1))\n"
        "    g[::stride, ::stride] = grad_output\n"
        + body
    )


_RIGHT = _recipe("    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), "
                 "np.flip(kernel))")
_RIGHT_SLICED_FLIP = _recipe("    return conv2d(np.pad(g, ((f_h - 1,) * 2, (f_w - 1,) * 2)), "
                             "kernel[::-1, ::-1])")
_FLIPPED_NOT = _recipe("    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), "
                       "kernel)")
_KERNEL_T = _recipe("    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), "
                    "kernel.T)")
_ROWS_FLIPPED = _recipe("    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), "
                        "kernel[::-1])")
_SAME_PADDING = _recipe("    return conv2d(np.pad(g, ((f_h // 2,) * 2, (f_w // 2,) * 2)), "
                        "np.flip(kernel))")
_GRADIENT_FLIPPED = '''def my_grad_x(kernel, grad_output, stride=1):
    f_h, f_w = kernel.shape
    o_h, o_w = grad_output.shape
    g = np.zeros(((o_h - 1) * stride + 1, (o_w - 1) * stride + 1))
    g[::stride, ::stride] = np.flip(grad_output)
    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), kernel)'''

_NO_ZEROS_BETWEEN = '''def my_grad_x(kernel, grad_output, stride=1):
    kernel = np.asarray(kernel, float)
    f_h, f_w = kernel.shape
    padded = np.pad(np.asarray(grad_output, float), ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))
    return conv2d(padded, np.flip(kernel))'''

_S_ZEROS_BETWEEN = '''def my_grad_x(kernel, grad_output, stride=1):
    f_h, f_w = kernel.shape
    o_h, o_w = grad_output.shape
    g = np.zeros(((o_h - 1) * (stride + 1) + 1, (o_w - 1) * (stride + 1) + 1))
    g[::stride + 1, ::stride + 1] = grad_output
    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), np.flip(kernel))'''

_ZEROS_AFTER_THE_LAST = '''def my_grad_x(kernel, grad_output, stride=1):
    f_h, f_w = kernel.shape
    o_h, o_w = grad_output.shape
    g = np.zeros((o_h * stride, o_w * stride))
    g[::stride, ::stride] = grad_output
    return conv2d(np.pad(g, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1))), np.flip(kernel))'''

_STRIDED_CONV2D = '''def my_grad_x(kernel, grad_output, stride=1):
    f_h, f_w = kernel.shape
    padded = np.pad(grad_output, ((f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))
    return conv2d(padded, np.flip(kernel), stride=stride)'''

_SQUARE_ONLY = '''def my_grad_x(kernel, grad_output, stride=1):
    f = kernel.shape[0]
    o = grad_output.shape[0]
    g = np.zeros(((o - 1) * stride + 1, (o - 1) * stride + 1))
    g[::stride, ::stride] = grad_output
    return conv2d(np.pad(g, f - 1), np.flip(kernel))'''

_SQUARE_PADDING = '''def my_grad_x(kernel, grad_output, stride=1):
    f = kernel.shape[0]
    o_h, o_w = grad_output.shape
    g = np.zeros(((o_h - 1) * stride + 1, (o_w - 1) * stride + 1))
    g[::stride, ::stride] = grad_output
    return conv2d(np.pad(g, f - 1), np.flip(kernel))'''

_TRANSPOSED_CONV = '''def my_grad_x(kernel, grad_output, stride=1):
    return conv2d_transpose(grad_output, kernel, stride=stride, output_padding=0)'''

_TRANSPOSED_CONV_DEFAULT = '''def my_grad_x(kernel, grad_output, stride=1):
    return conv2d_transpose(grad_output, kernel, stride=stride)'''

_LOOPS = '''def my_grad_x(kernel, grad_output, stride=1):
    f_h, f_w = kernel.shape
    o_h, o_w = grad_output.shape
    out = np.zeros(((o_h - 1) * stride + f_h, (o_w - 1) * stride + f_w))
    for i in range(o_h):
        for j in range(o_w):
            out[i * stride:i * stride + f_h, j * stride:j * stride + f_w] += (
                grad_output[i, j] * kernel)
    return out.tolist()'''

_NO_PADDING = '''def my_grad_x(kernel, grad_output, stride=1):
    dilated = np.zeros(((len(grad_output) - 1) * stride + 1,
                        (len(grad_output[0]) - 1) * stride + 1))
    dilated[::stride, ::stride] = grad_output
    return conv2d(dilated, np.flip(kernel))'''

LEARNER_ANSWERS = {
    "q1": {
        "right": ["(5, 5, 3, 16)", "[5, 5, 3, 16]", "np.array([5, 5, 3, 16])",
                  "tf.TensorShape([5, 5, 3, 16])", "(5.0, 5.0, 3.0, 16.0)"],
        "wrong": {
            "(32, 5, 5, 3, 16)": "no batch axis",
            "(16, 5, 5, 3)": "PyTorch's layout",
            "(5, 5, 16, 3)": "Conv2DTranspose's layout",
            "(24, 24, 16)": "the output's shape",
            "(32, 28, 28, 3)": "the input's shape, the shape of dL/dX",
            "(28, 28, 3)": "the input's shape, the shape of dL/dX",
            "(5, 5, 16)": "a channel axis is missing",
            "(5, 5, 3)": "one filter's weights",
            "(75, 16)": "matrix K2",
            "(5, 5, 3, 512)": "not per image",
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
            "8.0": "O = N - F + 1 = 5",
            "18": "counts 6x6 outputs",
            "6.25": "multiplied by 0.5 twice",
            "112.5": "do not enter dL/db",
            "0.39": "not divided by anything",
            "12": "not a whole number",
            "13": "not a whole number",
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
            "[[3, -3], [1, 5]]": "turned by 180 degrees",
            "[[0, 6, -2], [-3, 4, 3], [0, -2, 2]]": "that is dL/dX",
            "[[1.25, 0.25], [-0.75, 0.75]]": "does not average",
        },
    },
    "q4": {
        "right": [_RIGHT, _RIGHT_SLICED_FLIP, _TRANSPOSED_CONV, _LOOPS],
        "wrong": {
            _FLIPPED_NOT: "not flipped",
            _NO_ZEROS_BETWEEN: "S - 1 zeros between",
            _NO_PADDING: "the window must fit inside the padded input",
            _GRADIENT_FLIPPED: "flipped grad_output instead of the kernel",
            _KERNEL_T: "kernel.T swaps rows and columns",
            _ROWS_FLIPPED: "flipped the rows only",
            _SQUARE_ONLY: "right for square kernels and gradients",
            _SQUARE_PADDING: "right for square kernels and gradients",
            _S_ZEROS_BETWEEN: "that puts S zeros between",
            _ZEROS_AFTER_THE_LAST: "none after the last one",
            _STRIDED_CONV2D: "conv2d itself slides with stride 1",
            _SAME_PADDING: "not F // 2",
            _TRANSPOSED_CONV_DEFAULT: "pass output_padding=0",
        },
    },
    "q5": {
        "right": ["[[0, 2, 0, 0], [0, 0, 0, 1], [-1, 0, 3, 0], [0, 0, 0, 0]]",
                  "pool2d_backward(Q5_X, Q5_GRAD)"],
        "wrong": {
            "pool2d_backward(Q5_X, Q5_GRAD, mode='average')": "average pooling",
            "[[2, 0, 1, 0], [0, 0, 0, 0], [-1, 0, 3, 0], [0, 0, 0, 0]]": "top-left cell",
            "np.kron(Q5_GRAD, np.ones((2, 2)))": "only it gets a gradient",
            "[[2, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 3], [-1, 0, 0, 0]]": "smallest value",
            "[[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 1, 0], [0, 0, 0, 0]]": "switches",
            "[[0, 14, 0, 0], [0, 0, 0, 8], [-6, 0, 27, 0], [0, 0, 0, 0]]": "do not multiply",
            "[[0, 7, 0, 0], [0, 0, 0, 8], [6, 0, 9, 0], [0, 0, 0, 0]]": "the maxima themselves",
            "[[0, 2, 0, 0], [0, 0, 0, -1], [1, 0, 3, 0], [0, 0, 0, 0]]": "wrong windows",
            "[[7, 8], [6, 9]]": "the forward output",
            "[[2, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]": "off",
        },
    },
    "q6": {
        "right": ["2", "2.0", "(11 + 2 * 1 - 3) % 4"],
        "wrong": {
            "0": "fewer than 11",
            "1": "at the top AND",
            "3": "not always S - 1",
            "4": "smaller than the stride",
            "10": "take the remainder",
            "9": "without output_padding",
            "11": "the size dL/dX must reach",
            "-2": "the sign is off",
        },
    },
    "q7": {
        "right": ["36126720", "36_126_720", "2 * 16 * 28 * 28 * 20 * 3 * 3 * 8", "3.612672e7"],
        "wrong": {
            "18063360": "computes both",
            "54190080": "backward pass only",
            "72253440": "the additions too",
            "2257920": "that is one image",
            "1128960": "one convolution of one image",
            "1806336": "the filters are missing",
            "4515840": "the input channels are missing",
            "28901376": "section 8's layer",
            "14450688": "section 8's forward count",
            "31150080": "'valid'",
            "41472000": "the padded input",
            "36377600": "is not the expected value",         # + one multiplication per output
            "36,126,720": "underscores group digits",
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


def _tf_grad_x(kernel, grad, stride=1):
    """TensorFlow's dL/dX for q4's case: the input had (O - 1) * S + F rows and columns."""
    size = ((grad.shape[0] - 1) * stride + kernel.shape[0],
            (grad.shape[1] - 1) * stride + kernel.shape[1])
    return tf_conv2d_gradients(np.zeros((1, *size, 1)), kernel[:, :, None, None],
                               grad[None, :, :, None], stride)[0][0, :, :, 0]


def test_q4_reference_is_the_input_gradient_tensorflow_computes():
    for case in lesson._Q4_CASES:
        np.testing.assert_allclose(lesson.my_grad_x(*case), _tf_grad_x(*case), atol=1e-12)
    assert lesson.q4.is_correct(lesson.my_grad_x)


def _results(function) -> list:
    results = []
    for case in lesson._Q4_CASES:
        try:
            results.append(np.asarray(function(*case), dtype=float))
        except ValueError as error:
            results.append(str(error))
    return results


def _same(first, second) -> bool:
    """Two functions' results agree on every case (the same error, or the same array)."""
    def agree(a, b):
        if isinstance(a, str) or isinstance(b, str):
            return a == b
        return a.shape == b.shape and np.allclose(a, b)

    return all(agree(a, b) for a, b in zip(first, second, strict=True))


def test_q4_each_named_mistake_is_wrong_and_its_own():
    """Every wrong function q4 names differs from TensorFlow's gradient on some case, and no
    two of them agree on every case (else the first would take the second's message)."""
    right = [_tf_grad_x(*case) for case in lesson._Q4_CASES]
    named = [_results(wrong) for wrong, _ in lesson._Q4_MISTAKES]
    for results, (wrong, _) in zip(named, lesson._Q4_MISTAKES, strict=True):
        assert not _same(results, right), wrong.__name__
        assert not lesson.q4.is_correct(wrong), wrong.__name__
    for (i, first), (j, second) in itertools.combinations(enumerate(named), 2):
        assert not _same(first, second), (lesson._Q4_MISTAKES[i][0].__name__,
                                          lesson._Q4_MISTAKES[j][0].__name__)


def test_q4_square_only_function_is_told_to_take_sizes_per_axis():
    def square_only(kernel, grad_output, stride=1):
        f, o = kernel.shape[0], grad_output.shape[0]
        g = np.zeros(((o - 1) * stride + 1,) * 2)
        g[::stride, ::stride] = grad_output
        return conv2d(np.pad(g, f - 1), np.flip(kernel))

    feedback = lesson.q4.feedback(square_only)
    assert "right for square kernels and gradients" in feedback
    assert "ValueError" in feedback  # what happened on the rectangular case is kept
    # a function wrong on square cases too is not told it is "right for square kernels"
    assert "square" not in lesson.q4.feedback(lambda kernel, grad_output, stride=1: kernel)


def test_q4_true_convolution_passes_and_a_second_flip_is_named():
    """Lesson 01's true convolution (scipy flips the kernel itself) is the right dL/dX; an
    extra np.flip undoes it, and the message says so."""
    signal = pytest.importorskip("scipy.signal")

    def dilated(grad_output, stride):
        g = np.zeros(((grad_output.shape[0] - 1) * stride + 1,
                      (grad_output.shape[1] - 1) * stride + 1))
        g[::stride, ::stride] = grad_output
        return g

    def true_convolution(kernel, grad_output, stride=1):
        return signal.convolve2d(dilated(grad_output, stride), kernel, mode="full")

    def flipped_twice(kernel, grad_output, stride=1):
        return signal.convolve2d(dilated(grad_output, stride), np.flip(kernel), mode="full")

    assert lesson.q4.is_correct(true_convolution)
    assert "flipped it back" in lesson.q4.feedback(flipped_twice)


def test_q5_is_the_max_pool_gradient_tensorflow_computes():
    expected = tf_pool2d_gradient(lesson.Q5_X[None, :, :, None], lesson.Q5_GRAD[None, :, :, None])
    assert lesson.q5.is_correct(expected[0, :, :, 0])
    windows = lesson.Q5_X.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    assert all(len(set(window)) == 4 for window in windows)  # no ties: one answer only


def test_q6_output_padding_gives_tensorflow_its_input_gradient():
    n, f, s, p = 11, 3, 4, 1  # the question's numbers
    rng = np.random.default_rng(6)
    kernel = rng.standard_normal((f, f))
    grad = rng.standard_normal(conv2d(np.zeros((n, n)), kernel, stride=s, padding=p).shape)
    expected = tf_conv2d_gradients(np.zeros((1, n, n, 1)), kernel[:, :, None, None],
                                   grad[None, :, :, None], s, p)[0][0, :, :, 0]
    answer = lesson.q6.solution_answer
    np.testing.assert_allclose(conv2d_transpose(grad, kernel, stride=s, padding=p,
                                                output_padding=answer), expected, atol=1e-12)
    keras_layer = layers.Conv2DTranspose(1, f, strides=s, padding="valid", output_padding=answer,
                                         name="transpose_q6")
    o = grad.shape[0]
    assert keras_layer.compute_output_shape((None, o, o, 1))[1] - 2 * p == n  # minus 2P cropped
    # the rule "output_padding = S - 1" (true in section 3) does not give this answer
    assert not lesson.q6.is_correct(s - 1)
    assert not lesson.q6.is_correct((n - f) % s) and not lesson.q6.is_correct((n + p - f) % s)


def test_q7_counts_the_multiplications_of_tensorflows_two_gradient_convolutions():
    model = keras.Sequential([keras.Input((28, 28, 8)),
                              layers.Conv2D(20, 3, padding="same", name="conv_q7")],
                             name="model_q7")
    _, o_h, o_w, c_out = model.output_shape
    forward = 16 * o_h * o_w * c_out * int(np.prod(model.get_layer("conv_q7").kernel.shape[:3]))
    assert lesson.q7.is_correct(2 * forward)
    assert not lesson.q7.is_correct(forward)


def _typed_numbers(name: str) -> list[float]:
    """The wrong answers a number exercise lists, as numbers (typed with digits only)."""
    return [float(typed) for typed in LEARNER_ANSWERS[name]["wrong"]
            if typed.lstrip("-").replace(".", "").replace("_", "").isdigit()]


@pytest.mark.parametrize("name", ["q2", "q6", "q7"])
def test_the_named_mistakes_give_different_answers(name):
    """Each mistake a number question names is its own number, none the right one, and each
    gets its own message (two mistakes with one number would share the first's message)."""
    exercise = getattr(lesson, name)
    wrong = _typed_numbers(name)
    assert len(wrong) >= 5
    for first, second in itertools.combinations(wrong, 2):
        assert not math.isclose(first, second, rel_tol=1e-3), (first, second)
    for answer in wrong:
        assert not exercise.is_correct(answer), answer
