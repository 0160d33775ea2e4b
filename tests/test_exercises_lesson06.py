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

_CONV_LOOPS = '''def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    f, _, _, filters = kernel.shape
    batch, o_h, o_w, _ = grad_output.shape
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    dx = np.zeros(x_pad.shape)
    dk = np.zeros(kernel.shape)
    for b in range(batch):
        for i in range(o_h):
            for j in range(o_w):
                r, c = i * stride, j * stride
                for k in range(filters):
                    g = grad_output[b, i, j, k]
                    dk[..., k] += g * x_pad[b, r:r + f, c:c + f, :]
                    dx[b, r:r + f, c:c + f, :] += g * kernel[..., k]
    h, w = x.shape[1:3]
    dx = dx[:, padding:padding + h, padding:padding + w, :]
    return dx, dk, grad_output.sum(axis=(0, 1, 2))'''


def _conv(**replace) -> str:
    """my_conv_backward in loops as a learner writes it, with one step changed."""
    source = _CONV_LOOPS
    for old, new in replace.items():
        assert old in source, old
        source = source.replace(old, new)
    return source


_CONV_HELPER = ("def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):\n"
                "    return conv2d_backward(x, kernel, grad_output, stride, padding)")

# the same sums, one kernel tap (u, v) at a time: every window's pixel (u, v) at once
_CONV_TAPS = '''def my_conv_backward(x, kernel, grad_output, stride=1, padding=0):
    f = kernel.shape[0]
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    o_h, o_w = grad_output.shape[1:3]
    dk = np.zeros(kernel.shape)
    dx = np.zeros(x_pad.shape)
    for u in range(f):
        for v in range(f):
            rows = slice(u, u + stride * (o_h - 1) + 1, stride)
            cols = slice(v, v + stride * (o_w - 1) + 1, stride)
            dk[u, v] = np.einsum("bijc,bijk->ck", x_pad[:, rows, cols], grad_output)
            dx[:, rows, cols] += np.einsum("bijk,ck->bijc", grad_output, kernel[u, v])
    h, w = x.shape[1:3]
    return dx[:, padding:padding + h, padding:padding + w], dk, grad_output.sum(axis=(0, 1, 2))'''

_CHECK = '''def gradient_check(forward, backward, x, grad_output):
    def loss():
        return np.sum(grad_output * forward(x))
    a = backward(x, grad_output)
    n = numerical_gradient(loss, x)
    return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))'''


def _check(**replace) -> str:
    source = _CHECK
    for old, new in replace.items():
        assert old in source, old
        source = source.replace(old, new)
    return source


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
            "[[-5, -1], [3, -3]]": "the sign is off",
            "-conv2d(Q3_X, Q3_GRAD)": "the sign is off",
            "Q3_KERNEL - conv2d(Q3_X, Q3_GRAD)": "one gradient-descent step",
            "[[-2, -2], [3, -1]]": "one gradient-descent step",
        },
    },
    "q4": {
        "right": [_CONV_LOOPS, _CONV_HELPER, _CONV_TAPS],
        "wrong": {
            _conv(**{"    dx = dx[:, padding:padding + h, padding:padding + w, :]\n": ""}):
                "it has the padded input's shape",
            _conv(**{"r, c = i * stride, j * stride": "r, c = i, j"}):
                "the windows start S pixels apart",
            _conv(**{"g * kernel[..., k]": "g * kernel[::-1, ::-1, :, k]"}):
                "stamped with the kernel flipped",
            _conv(**{"dk[..., k] += g": "dk[..., k] = g"}): "keeps only the last window",
            _conv(**{"grad_output.sum(axis=(0, 1, 2))": "grad_output.sum(axis=(1, 2))"}):
                "sum dL/dY over the images too",
            _conv(**{"grad_output.sum(axis=(0, 1, 2))": "grad_output.sum()"}):
                "not over the filters too",
            _conv(**{", dk, grad_output.sum(axis=(0, 1, 2))": ""}):
                "must return the three gradients",
            _conv(**{"g * x_pad[b, r:r + f, c:c + f, :]": "g * x[b, r:r + f, c:c + f, :]"}):
                "your function raised ValueError",
            _conv(**{"x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))":
                     "x_pad = x"}): "right on every case without padding",
            _conv(**{"+= g * kernel[..., k]": "+= g * kernel[..., 0]"}):
                "dL/dX is off: on my_conv_backward(",
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
            "[[0, 2, 0, 0], [0, 0, 0, 1], [0, 0, 3, 0], [0, 0, 0, 0]]": "whatever its sign",
            "[[7, 8], [6, 9]]": "the forward output",
            "[[2, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]": "off",
        },
    },
    "q6": {
        "right": ["1", "1.0", "(12 + 2 * 2 - 3) % 3"],
        "wrong": {
            "0": "fewer than 12",
            "2": "none of them is the rule",
            "4": "that is 2P",
            "3": "smaller than the stride",
            "13": "take the remainder",
            "11": "without output_padding",
            "12": "the size dL/dX must reach",
            "-1": "the sign is off",
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
    "q8": {
        "right": [_CHECK,
                  "def gradient_check(forward, backward, x, grad_output):\n"
                  "    n = numerical_gradient(lambda: np.sum(grad_output * forward(x)), x)\n"
                  "    return relative_error(backward(x, grad_output), n)"],
        "wrong": {
            _check(**{"np.sum(grad_output * forward(x))": "np.sum(forward(x))"}):
                "your loss leaves out grad_output",
            _check(**{"numerical_gradient(loss, x)": "numerical_gradient(loss, x.copy())"}):
                "every relative error is 1",
            _check(**{" / (np.linalg.norm(a) + np.linalg.norm(n))": ""}):
                "divide ||a - n|| by ||a|| + ||n||",
            _check(**{"return np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))":
                      "return np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))"}):
                "CS231n's element-wise relative error",
            _check(**{"numerical_gradient(loss, x)":
                      "numerical_gradient(loss, x.astype('float32'))"}):
                "must hold float64",
            _check(**{"/ (np.linalg.norm(a) + np.linalg.norm(n))": "/ np.linalg.norm(a)"}):
                "not the expected value",
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


def test_q4_reference_is_the_gradients_tensorflow_computes():
    """The expected answers of every case are tf.GradientTape's, and the cases cover strides
    1 to 3, padding, batches, channels, filters and a rectangular input."""
    for x, kernel, grad, stride, padding in lesson._Q4_CASES:
        expected = tf_conv2d_gradients(x, kernel, grad, stride, padding)
        expected[2] = np.asarray(expected[2])
        for ours, theirs in zip(lesson.my_conv_backward(x, kernel, grad, stride, padding),
                                expected, strict=True):
            np.testing.assert_allclose(ours, theirs, atol=1e-12)
    assert lesson.q4.is_correct(lesson.my_conv_backward)
    cases = lesson._Q4_CASES
    assert {case[3] for case in cases} == {1, 2, 3} and {case[4] for case in cases} == {0, 1}
    assert any(case[0].shape[0] > 1 and case[0].shape[3] > 1 and case[1].shape[3] > 1
               for case in cases)
    assert any(case[0].shape[1] != case[0].shape[2] for case in cases)


def test_q4_each_named_mistake_is_wrong_and_its_own():
    """Every wrong backward pass q4 names gives another gradient than TensorFlow's on some
    case, no two named mistakes of one gradient agree on every case, and each gets its
    message."""
    for name, (index, mistakes) in lesson._Q4_PARTS.items():
        results = []
        for wrong, message in mistakes:
            outputs = [np.asarray(wrong(*case)[index]) for case in lesson._Q4_CASES]
            expected = [np.asarray(tf_conv2d_gradients(*case)[index]) for case in lesson._Q4_CASES]
            assert not all(o.shape == e.shape and np.allclose(o, e)
                           for o, e in zip(outputs, expected, strict=True)), message
            assert lesson.q4.feedback(wrong) == (
                f"Not quite: {name} is off: {message}\nCall q4.hint() for a hint, or "
                "q4.solution() to see the answer.")
            results.append(outputs)
        for first, second in itertools.combinations(results, 2):
            assert not all(a.shape == b.shape and np.allclose(a, b)
                           for a, b in zip(first, second, strict=True))


def test_q4_a_function_returning_one_gradient_is_told_to_return_three():
    def only_grad_x(x, kernel, grad_output, stride=1, padding=0):
        return lesson.my_conv_backward(x, kernel, grad_output, stride, padding)[0]

    assert "must return the three gradients" in lesson.q4.feedback(only_grad_x)


def test_q5_is_the_max_pool_gradient_tensorflow_computes():
    expected = tf_pool2d_gradient(lesson.Q5_X[None, :, :, None], lesson.Q5_GRAD[None, :, :, None])
    assert lesson.q5.is_correct(expected[0, :, :, 0])
    windows = lesson.Q5_X.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    assert all(len(set(window)) == 4 for window in windows)  # no ties: one answer only


def test_q6_output_padding_gives_tensorflow_its_input_gradient():
    n, f, s, p = 12, 3, 3, 2  # the question's numbers
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
    # no wrong rule gives the answer: S - 1, F - 1, P, 2P, (N - F) mod S, (N + P - F) mod S
    for rule in (s - 1, f - 1, p, 2 * p, (n - f) % s, (n + p - f) % s):
        assert not lesson.q6.is_correct(rule), rule


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


def _tf_layer_gradient(name, x, grad_output):
    """dL/dx of L = sum(G * layer(x)) for q8's layers, by tf.GradientTape."""
    x_var = tf.Variable(x)
    with tf.GradientTape() as tape:
        if name == "conv":
            y = tf.nn.conv2d(x_var[None, :, :, None], lesson._Q8_KERNEL[:, :, None, None], 1,
                             "VALID")[0, :, :, 0]
        elif name == "relu":
            y = tf.nn.relu(x_var)
        elif name == "pool":
            y = tf.nn.max_pool2d(x_var[None, :, :, None], 2, 2, "VALID")[0, :, :, 0]
        else:
            y = tf.math.sigmoid(x_var)
        loss = tf.reduce_sum(grad_output * y)
    return tape.gradient(loss, x_var).numpy()


def test_q8_expected_errors_are_those_of_each_backward_pass_against_tensorflow():
    """Each case's expected relative error is its backward pass's distance from TensorFlow's
    gradient: about 0 for the right ones, far from it for the wrong ones."""
    right = {lesson.conv_backward, lesson.relu_backward, lesson.pool_backward,
             lesson.sigmoid_backward}
    for forward, backward, x, grad in lesson._Q8_CASES:
        name = forward.__name__.split("_")[0]
        against_tf = lesson.relative_error(backward(x, grad), _tf_layer_gradient(name, x, grad))
        expected = lesson.gradient_check(forward, backward, x, grad)
        assert abs(expected - against_tf) < 1e-8, (backward.__name__, expected, against_tf)
        assert (expected < 1e-8) == (backward in right), backward.__name__
    # the inputs have no ties within a window and no value near 0 (ReLU's kink)
    x = lesson._X8
    assert np.abs(x).min() >= 0.05 and len(set(x.ravel())) == x.size
