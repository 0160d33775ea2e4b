"""course_utils.exercises.exercise: the question object (check, hint, solution), how a lesson
module names its questions once, and that nothing a learner passes produces a traceback."""

from __future__ import annotations

import types

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.exercises import (
    NOT_ANSWERED,
    Exercise,
    ____,
    array,
    bind_exercises,
    exercises_in,
    function,
    number,
    read_array,
    shape,
)
from tests.exercise_answers import (
    LESSON01_OUT,
    raises_my_bug,
    reference_output_size,
    reference_relu,
)


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
    cases = {
        "number": (
            Exercise("Output size of 28x28 with a 5x5 kernel?", checker=number(24),
                     hint="O = N - F + 1", solution_answer=24),
            [23, 24.5, "24x24"],
        ),
        "array": (
            Exercise("Lesson 01's output", checker=array(LESSON01_OUT),
                     hint=["Four windows.", "Multiply element-wise and sum."],
                     solution="feature_map = np.array([[15, 16], [6, 15]])",
                     solution_answer=LESSON01_OUT),
            [LESSON01_OUT.T, np.zeros((2, 2)), LESSON01_OUT[:1], [[15, 16, 6, 15]]],
        ),
        "shape": (
            Exercise("Output shape of 7x7x3 with five 5x5x3 filters?",
                     checker=shape((3, 3, 5)), hint="Channels = filters.",
                     solution_answer=(3, 3, 5), explanation="One map per filter."),
            [(3, 3, 3), (5, 3, 3), (3, 3), (None, 3, 3, 4)],
        ),
        "function": (
            Exercise("Write output_size(n, f, s, p).",
                     checker=function([(4, 3), (28, 5, 1, 0), (5, 3, 2, 1), (6, 3, 2)],
                                      reference=reference_output_size),
                     hint="floor((N - F + 2P) / S) + 1",
                     solution_answer=reference_output_size),
            [lambda n, f, s=1, p=0: (n - f) / (s + 1),  # the source's typo (error 1)
             lambda n, f, s=1, p=0: (n - f + 2 * p) / s + 1,  # floats are fine, floor is not
             raises_my_bug],
        ),
        "array function": (
            Exercise("Write relu(x).",
                     checker=function([([-1.0, 2.0],), (np.array([[0.5, -3.0]]),)],
                                      reference=reference_relu),
                     hint="np.maximum", solution_answer=reference_relu),
            [np.abs, lambda x: x, lambda x: np.maximum(x, 1)],
        ),
    }
    bind_exercises({f"q{i + 1}": exercise for i, (exercise, _) in enumerate(cases.values())})
    return cases


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
    "raising function": raises_my_bug,
    "hostile object": _Hostile(),
}


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("name", EXOTIC)
def test_exotic_answers_never_raise(kind, name, capsys):
    exercise, _ = CASES[kind]
    answer = EXOTIC[name]
    exercise.check(answer)  # must not raise
    out = capsys.readouterr().out
    assert out.startswith("Not quite: "), out
    assert exercise.is_correct(answer) is False
    assert "Traceback" not in out


@pytest.fixture(scope="module")
def keras_things():
    inputs = keras.Input((4, 4, 1), name="image")
    outputs = keras.layers.Conv2D(1, 3, name="conv1")(inputs)
    model = keras.Model(inputs, outputs, name="tiny")
    return {"model": model, "tensor": tf.constant(LESSON01_OUT), "layer": model.layers[-1]}


@pytest.mark.parametrize("kind", CASES)
def test_keras_objects_get_feedback(kind, keras_things, capsys):
    exercise, _ = CASES[kind]
    for name in ("model", "layer"):
        exercise.check(keras_things[name])
        out = capsys.readouterr().out
        assert out.startswith("Not quite: ") and "Keras" in out, out


def test_placeholder_prints_the_fixed_line(capsys):
    for exercise, _ in CASES.values():
        exercise.check(____)
        exercise.check(...)

        def unfinished(x):
            return ____

        exercise.check(unfinished)
        assert capsys.readouterr().out == (NOT_ANSWERED + "\n") * 3
        assert not exercise.is_correct(____)


def test_check_returns_none_and_missing_answer_is_explained(capsys):
    exercise, _ = CASES["number"]
    assert exercise.check(24) is None
    exercise.check()
    assert "q1.check(your_answer)" in capsys.readouterr().out


def test_hints_in_order_and_solution_on_request(capsys):
    exercise = _exercises()["array"][0]
    exercise.hint()
    exercise.hint()
    exercise.hint()
    out = capsys.readouterr().out.splitlines()
    assert out == ["Hint 1 of 2: Four windows.", "Hint 2 of 2: Multiply element-wise and sum.",
                   "Hint 2 of 2: Multiply element-wise and sum.",
                   f"(That was the last hint, again. {exercise.name}.solution() shows the "
                   "answer.)"]
    exercise.solution()
    assert capsys.readouterr().out == (
        "Solution:\nfeature_map = np.array([[15, 16], [6, 15]])\n")


def test_solution_text_from_answer():
    assert CASES["function"][0].solution_text().startswith(
        "def reference_output_size(n, f, s=1, p=0):")
    assert CASES["shape"][0].solution_text() == "(3, 3, 5)"


def test_explanation_follows_correct(capsys):
    CASES["shape"][0].check([3, 3, 5])
    assert capsys.readouterr().out == "Correct! One map per filter.\n"


def test_custom_checkers_read_answers_with_the_public_readers(capsys):
    exercise = Exercise("?", solution_answer=[1, 3], name="q1",
                        checker=lambda a: None if read_array(a).sum() == 4 else "sum is off.")
    assert exercise.is_correct([1, 3]) and exercise.is_correct(np.array([2, 2]))
    for bad, words in ((None, "got None"), ("13", "a string"), ([[1], [2, 3]], "rectangular")):
        exercise.check(bad)
        assert words in capsys.readouterr().out

    def even(answer):
        return None if answer % 2 == 0 else f"{answer} is odd."

    broken = Exercise("?", checker=even, solution_answer=2, name="q10")
    broken.check("x")  # the custom checker raises TypeError: reported, not raised
    assert "could not be checked: TypeError" in capsys.readouterr().out


def test_exercise_arguments_are_validated():
    with pytest.raises(ValueError, match="identifier"):
        Exercise("?", checker=number(1), solution_answer=1, name="question 1")
    with pytest.raises(TypeError, match="checker"):
        Exercise("?", checker=1, solution_answer=1)
    with pytest.raises(ValueError, match="solution"):
        Exercise("?", checker=number(1))


def test_bind_exercises_names_each_question_after_its_variable_once():
    q2, q10, q1 = (Exercise("?", checker=number(1), solution_answer=1) for _ in range(3))
    assert bind_exercises({"q2": q2, "q10": q10, "q1": q1, "other": 3}) == ["q1", "q2", "q10"]
    assert (q1.name, q2.name, q10.name) == ("q1", "q2", "q10")
    with pytest.raises(ValueError, match="also bound to"):
        bind_exercises({"q3": q1})


def test_exercises_in_finds_them_in_numeric_order():
    module = types.ModuleType("lesson_fake")
    module.q10 = Exercise("?", checker=number(1), solution_answer=1)
    module.q2 = Exercise("?", checker=number(1), solution_answer=1)
    module.helper = number(3)
    bind_exercises(vars(module))
    assert [e.name for e in exercises_in(module)] == ["q2", "q10"]


def test_failing_case_hands_over_an_argument_the_feedback_cannot_print():
    """A failing case whose array is shown as <28x28 array> is handed over to rerun; a case
    printed in full, a right answer and a non-function answer hand over nothing."""
    big = np.arange(784.0).reshape(28, 28)
    exercise = Exercise("Return x doubled.", name="q9", solution="answer = 2 * x",
                        checker=function([(big, 3)], reference=lambda x, k: 2 * x))

    def off_by_one(x, k):
        return 2 * x + 1

    message = exercise.feedback(off_by_one)
    assert "on off_by_one(<28x28 array>, 3)" in message
    assert "args, kwargs = q9.failing_case, then off_by_one(*args, **kwargs)." in message
    args, kwargs = exercise.failing_case
    np.testing.assert_array_equal(args[0], big)
    assert args[1] == 3 and kwargs == {}
    # A lambda has no name the learner could call it by: the instruction says your_function.
    assert ("then your_function(*args, **kwargs)." in exercise.feedback(lambda x, k: x)
            and exercise.failing_case is not None)
    assert exercise.feedback(lambda x, k: 2 * x) == "Correct!" and exercise.failing_case is None
    exercise.feedback(off_by_one)
    exercise.feedback(np.zeros(3))   # not a function: the last check ran no case
    assert exercise.failing_case is None
    small = Exercise("Return x doubled.", name="q8", solution="answer = 2 * x",
                     checker=function([(2,)], reference=lambda x: 2 * x))
    assert "failing_case" not in small.feedback(lambda x: x) and small.failing_case is None
