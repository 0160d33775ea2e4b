"""The exercise framework (course_utils.exercises): checkers, feedback, never a traceback."""

from __future__ import annotations

import types

import numpy as np
import pytest

from course_utils import exercises as ex
from course_utils.exercises import (
    NOT_ANSWERED,
    Exercise,
    ____,
    all_of,
    array,
    choice,
    describe,
    exercises_in,
    function,
    number,
    shape,
)

LESSON01_OUT = np.array([[15.0, 16.0], [6.0, 15.0]])


def reference_output_size(n, f, s=1, p=0):
    return (n - f + 2 * p) // s + 1


def reference_relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def _raises(*args, **kwargs):
    raise RuntimeError("my bug")


class _Hostile:
    """An answer whose every dunder misbehaves."""

    def __repr__(self):
        raise RuntimeError("no repr")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __eq__(self, other):
        raise RuntimeError("no eq")

    def __len__(self):
        raise RuntimeError("no len")

    def __iter__(self):
        raise RuntimeError("no iter")

    def __float__(self):
        raise RuntimeError("no float")

    __hash__ = object.__hash__


def _exercises() -> dict[str, tuple[Exercise, list]]:
    """Each kind of exercise, with at least two wrong answers that must fail."""
    return {
        "number": (
            Exercise("q1", "Output size of 28x28 with a 5x5 kernel?", check=number(24),
                     hint="O = N - F + 1", solution_answer=24),
            [23, 24.5, "24x24"],
        ),
        "array": (
            Exercise("q2", "Lesson 01's output", check=array(LESSON01_OUT),
                     hint=["Four windows.", "Multiply element-wise and sum."],
                     solution="feature_map = np.array([[15, 16], [6, 15]])",
                     solution_answer=LESSON01_OUT),
            [LESSON01_OUT.T, np.zeros((2, 2)), LESSON01_OUT[:1], [[15, 16, 6, 15]]],
        ),
        "shape": (
            Exercise("q3", "Output shape of 7x7x3 with five 5x5x3 filters?",
                     check=shape((3, 3, 5)), hint="Channels = filters.",
                     solution_answer=(3, 3, 5)),
            [(3, 3, 3), (5, 3, 3), (3, 3), (None, 3, 3, 4)],
        ),
        "function": (
            Exercise("q4", "Write output_size(n, f, s, p).",
                     check=function([(4, 3), (28, 5, 1, 0), (5, 3, 2, 1), (6, 3, 2)],
                                    reference=reference_output_size),
                     hint="floor((N - F + 2P) / S) + 1",
                     solution_answer=reference_output_size),
            [lambda n, f, s=1, p=0: (n - f) / (s + 1),  # the source's typo (error 1)
             lambda n, f, s=1, p=0: (n - f + 2 * p) / s + 1,  # floats are fine, floor is not
             _raises],
        ),
        "array function": (
            Exercise("q5", "Write relu(x).",
                     check=function([([-1.0, 2.0],), (np.array([[0.5, -3.0]]),)],
                                    reference=reference_relu),
                     hint="np.maximum", solution_answer=reference_relu),
            [np.abs, lambda x: x, lambda x: np.maximum(x, 1)],
        ),
        "choice": (
            Exercise("q6", "Which padding keeps 28x28 at stride 1?",
                     check=choice("same", ["valid", "same"]), hint="Which one pads?",
                     solution_answer="same", explanation='"same" pads so O = ceil(N / S).'),
            ["valid", "full", 1],
        ),
    }


CASES = _exercises()


@pytest.mark.parametrize("kind", CASES)
def test_solution_passes_and_wrong_answers_fail(kind, capsys):
    exercise, wrongs = CASES[kind]
    assert exercise.is_correct(exercise.solution_answer)
    exercise.check(exercise.solution_answer)
    assert capsys.readouterr().out.startswith("Correct!")
    assert len(wrongs) >= 2
    for wrong in wrongs:
        assert not exercise.is_correct(wrong), wrong
        exercise.check(wrong)
        out = capsys.readouterr().out
        assert out.startswith("Not quite: "), out
        assert f"Call {exercise.name}.hint()" in out
        # solutions only when asked
        assert "Solution" not in out
        if len(exercise.solution_text()) > 10:
            assert exercise.solution_text() not in out


EXOTIC = {
    "None": None,
    "list": [1, 2],
    "ragged list": [[1, 2], [3]],
    "string": "hello",
    "wrong-shape array": np.ones((5, 5, 5)),
    "empty array": np.array([]),
    "nan": float("nan"),
    "bool": True,
    "dict": {"a": 1},
    "set": {1, 2},
    "generator": (i for i in range(3)),
    "object array": np.array([object(), object()]),
    "module": types,
    "class": int,
    "raising function": _raises,
    "hostile object": _Hostile(),
    "Ellipsis": ...,
}


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("name", EXOTIC)
def test_exotic_answers_never_raise(kind, name, capsys):
    exercise, _ = CASES[kind]
    answer = EXOTIC[name]
    exercise.check(answer)  # must not raise
    out = capsys.readouterr().out
    assert out.strip(), "check() printed nothing"
    assert exercise.is_correct(answer) is False
    assert "Traceback" not in out


@pytest.fixture(scope="module")
def keras_things():
    import keras

    inputs = keras.Input((4, 4, 1), name="image")
    outputs = keras.layers.Conv2D(1, 3, name="conv1")(inputs)
    model = keras.Model(inputs, outputs, name="tiny")
    import tensorflow as tf

    return {"model": model, "tensor": tf.constant(LESSON01_OUT), "layer": model.layers[-1]}


@pytest.mark.parametrize("kind", CASES)
def test_keras_objects_get_feedback(kind, keras_things, capsys):
    exercise, _ = CASES[kind]
    for name in ("model", "layer"):
        exercise.check(keras_things[name])
        out = capsys.readouterr().out
        assert out.startswith("Not quite: ") and "Keras" in out, out
    assert "a Keras model (Functional named 'tiny')" in ex.describe(keras_things["model"])


def test_tensor_answers_are_read_as_arrays(keras_things):
    assert array(LESSON01_OUT)(keras_things["tensor"]) is None
    assert "Pass its shape" in shape((2, 2))(keras_things["tensor"])


def test_placeholder_prints_the_fixed_line(capsys):
    for exercise, _ in CASES.values():
        exercise.check(____)
        exercise.check(...)

        def unfinished(x):
            return ____

        exercise.check(unfinished)
        assert capsys.readouterr().out == (NOT_ANSWERED + "\n") * 3
        assert not exercise.is_correct(____)
    assert NOT_ANSWERED == (
        "Not answered yet: replace ____ with your answer, then run this cell again.")
    assert repr(____) == "____" and ex.____ is ____


def test_check_returns_none_and_missing_answer_is_explained(capsys):
    exercise, _ = CASES["number"]
    assert exercise.check(24) is None
    exercise.check()
    assert "q1.check(your_answer)" in capsys.readouterr().out.split("\n")[1]


def test_hints_in_order_and_solution_on_request(capsys):
    exercise = _exercises()["array"][0]
    exercise.hint()
    exercise.hint()
    exercise.hint()
    out = capsys.readouterr().out.splitlines()
    assert out == ["Hint 1 of 2: Four windows.", "Hint 2 of 2: Multiply element-wise and sum.",
                   "Hint 2 of 2: Multiply element-wise and sum."]
    exercise.solution()
    assert capsys.readouterr().out == (
        "Solution:\nfeature_map = np.array([[15, 16], [6, 15]])\n")


def test_solution_text_from_answer():
    exercise = CASES["function"][0]
    assert exercise.solution_text().startswith("def reference_output_size(n, f, s=1, p=0):")
    assert CASES["shape"][0].solution_text() == "(3, 3, 5)"


def test_explanation_follows_correct(capsys):
    exercise = CASES["choice"][0]
    exercise.check(" SAME ")
    assert capsys.readouterr().out == 'Correct! "same" pads so O = ceil(N / S).\n'


# --- each checker's feedback says what is off --------------------------------------------------


def test_number_feedback():
    check = number(24, mistakes={28: "28 is the input size; the kernel shrinks it."})
    assert check(24) is None and check(np.float32(24.0)) is None and check(np.array([24])) is None
    assert check(25) == "your answer 25 is not the expected value."
    assert check(28) == "28 is the input size; the kernel shrinks it."
    assert "remove the quotes" in check("24")
    assert check([24, 24]) == ("expected a single number, got a list of 2 items (one number "
                               "is asked for, not several).")
    assert check(None) == "expected a number, got None."
    assert check(True) == "expected a number, got the boolean True."
    assert check(float("inf")) == "your answer inf is not a finite number."
    assert number(0.5, tol=0.01)(0.505) is None and number(0.5, tol=0.01)(0.52) is not None


def test_array_feedback():
    check = array(LESSON01_OUT, mistakes=[(np.array([[15, 6], [16, 15]]), "transposed!")])
    assert check(LESSON01_OUT + 1e-9) is None
    assert check([[15, 16], [6, 15]]) is None
    assert check(LESSON01_OUT.T) == "transposed!"
    message = array(LESSON01_OUT)(LESSON01_OUT.T)
    assert "2 of 4 values are off" in message and "transposed" in message
    assert "index (0, 1), where you have 6" in message
    assert "flipped" in array(LESSON01_OUT)(LESSON01_OUT[::-1, ::-1])
    assert array(LESSON01_OUT)(np.ones((4,))) == (
        "Your array has shape (4,); the expected shape is (2, 2). Same number of values, "
        "different arrangement: reshape it?")
    assert array(np.ones((2, 3)))(np.ones((3, 2))).endswith("Rows and columns are swapped?")
    assert "rectangular" in check([[1, 2], [3]])
    assert "NaN" in check(np.full((2, 2), np.nan))
    assert check("[[15, 16], [6, 15]]") == (
        "expected an array of numbers, got a string '[[15, 16], [6, 15]]'.")
    assert array([1.0, 2.0], atol=0.1)([1.05, 2.0]) is None
    assert array([1.0, 2.0], atol=0.01)([1.05, 2.0]) is not None


def test_shape_feedback():
    check = shape((3, 3, 5))
    assert check((None, 3, 3, 5)) is None  # Keras's output_shape with the batch
    assert check(np.zeros((3, 3, 5)).shape) is None
    assert check((3, 3, 4)) == "the channels (entry 2) is off: you have 4."
    assert check((3, 3)) == "your shape (3, 3) has 2 entries; the expected shape has 3."
    assert "Channels come last" in check((5, 3, 3))
    assert check((3.0, 3, 5)) == ("a shape holds whole numbers (or None for the batch), but "
                                  "yours holds the number 3.0.")
    assert "x.shape" in check(np.zeros((3, 3, 5)))
    assert "entry 1" in shape((2, 2))((2, 3))  # no names for 2-D shapes
    assert "5" not in check((3, 3, 4))  # the expected value is not given away


def test_function_feedback():
    check = function([(4, 3), (7, 3, 2, 0)], reference=reference_output_size)
    assert check(reference_output_size) is None
    assert check(lambda n, f, s=1, p=0: n - f + 1) == (
        "on <lambda>(7, 3, 2, 0) it returned 5, which is not the expected value.")
    assert check(_raises) == "on _raises(4, 3) your function raised RuntimeError: my bug"
    assert check(lambda n, f: n - f + 1).startswith(
        "on <lambda>(7, 3, 2, 0) your function raised TypeError")
    assert check(lambda n, f, s=1, p=0: None) == (
        "on <lambda>(4, 3) it returned None: is a `return` statement missing?")
    assert check(lambda n, f, s=1, p=0: "2") == (
        "on <lambda>(4, 3) it returned something else: expected a number, got a string '2': "
        "remove the quotes, so Python sees a number rather than text.")
    assert "without calling it" in check(reference_output_size(4, 3))

    def exits(*args):
        raise SystemExit(1)

    assert "SystemExit" in check(exits)


def test_function_with_expected_pairs_and_kwargs():
    check = function([((np.array([-1.0, 2.0]),), np.array([0.0, 2.0])),
                      ((np.array([3.0]), {"floor": 1.0}), np.array([3.0]))])

    def relu(x, floor=0.0):
        return np.maximum(x, floor)

    assert check(relu) is None
    assert "returned None: is a `return` statement missing?" in check(lambda x, floor=0: None)
    message = check(lambda x, floor=0.0: x)
    assert message.startswith("on <lambda>(array([-1., 2.])) the shape (2,) is right, but 1 of")


def test_function_inputs_are_protected_from_mutation():
    x = np.array([-1.0, 2.0])
    check = function([(x,), (x,)], reference=reference_relu)

    def mutating(values):
        values[:] = 100.0
        return reference_relu(values)

    assert "not the expected" in check(mutating) or "off" in check(mutating)
    np.testing.assert_array_equal(x, [-1.0, 2.0])
    assert check(reference_relu) is None  # cases unharmed by the previous learner


def test_function_needs_cases():
    with pytest.raises(ValueError, match="at least one"):
        function([], reference=reference_relu)


def test_choice_feedback():
    check = choice(2, [1, 2, 3])
    assert check(2) is None and check(np.int64(2)) is None
    assert check(1) == "1 is not the right choice."
    assert check(5) == "5 is not one of the options: 1, 2, 3."
    with pytest.raises(ValueError, match="correct must be one of options"):
        choice("x", ["a", "b"])


def test_custom_checker_and_all_of(capsys):
    def even(answer):
        return None if answer % 2 == 0 else f"{answer} is odd."

    exercise = Exercise("q9", "An even number?", check=all_of(number(4), even),
                        solution_answer=4)
    assert exercise.is_correct(4) and not exercise.is_correct(3)
    exercise.check(3)
    assert "your answer 3 is not the expected value." in capsys.readouterr().out
    broken = Exercise("q10", "?", check=even, solution_answer=2)
    broken.check("x")  # the custom checker raises TypeError: reported, not raised
    assert "could not be checked: TypeError" in capsys.readouterr().out


def test_read_array_for_custom_checkers(capsys):
    assert ex.read_array([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    exercise = Exercise("q1", "?", solution_answer=[1, 3],
                        check=lambda a: None if ex.read_array(a).sum() == 4 else "sum is off.")
    assert exercise.is_correct([1, 3]) and exercise.is_correct(np.array([2, 2]))
    for bad, words in ((None, "got None"), ("13", "a string"), ([[1], [2, 3]], "rectangular")):
        exercise.check(bad)
        assert words in capsys.readouterr().out


def test_exercise_arguments_are_validated():
    with pytest.raises(ValueError, match="identifier"):
        Exercise("question 1", "?", check=number(1), solution_answer=1)
    with pytest.raises(TypeError, match="checker"):
        Exercise("q1", "?", check=1, solution_answer=1)
    with pytest.raises(ValueError, match="solution"):
        Exercise("q1", "?", check=number(1))


def test_exercises_in_finds_them_in_name_order():
    module = types.ModuleType("lesson_fake")
    module.q2, _ = CASES["array"]
    module.q1, _ = CASES["number"]
    module.helper = number(3)
    assert [e.name for e in exercises_in(module)] == ["q1", "q2"]


def test_describe_never_raises():
    for value in EXOTIC.values():
        assert isinstance(describe(value), str)
    assert describe(_Hostile()) == "a _Hostile object"
