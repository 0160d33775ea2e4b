"""What every lesson's "Check yourself" exercises promise, checked for all lessons at once.

Each lesson module in course_utils/exercises/ (found by name, so new lessons are covered as
they land) must hold 5-8 exercises (lesson 00: two practice questions); each passes with its
own solution, has a hint and a solution text, prints the fixed "not answered" line for the
placeholder (also inside an unfinished function), rejects with feedback every plausible wrong
answer its lesson's test file lists (``WRONG_ANSWERS`` in tests/test_exercises_lessonNN.py: at
least two per exercise), and answers anything else a learner may pass with feedback, never a
traceback. The checks of each expected answer against Keras live in the lesson test files too.
"""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import course_utils.exercises as framework
from course_utils.exercises import NOT_ANSWERED, ____, exercises_in

LESSONS = sorted(name for _, name, _ in pkgutil.iter_modules(framework.__path__)
                 if name.startswith("lesson"))
EXERCISES = [
    (lesson, exercise)
    for lesson in LESSONS
    for exercise in exercises_in(importlib.import_module(f"{framework.__name__}.{lesson}"))
]
IDS = [f"{lesson}.{exercise.name}" for lesson, exercise in EXERCISES]


def unfinished(*args):
    return ____


# What a learner may pass by mistake. A one-argument function returning a wrong value and one
# that raises are included: function checkers must report both, not crash.
ODD_ANSWERS = [None, "abc", [1, [2, 3]], {"a": 1}, np.full((3, 3), np.nan), len,
               lambda *args: 0, lambda *args: 1 / 0]


def wrong_answers(lesson: str) -> dict:
    """The plausible wrong answers tests/test_exercises_<lesson>.py lists, by exercise name.

    A lesson whose test module lists LEARNER_ANSWERS instead (what a learner types, checked
    in the notebook's own kernel by tests/test_learner_path.py) is skipped here.
    """
    module = importlib.import_module(f"tests.test_exercises_{lesson}")
    if not hasattr(module, "WRONG_ANSWERS") and hasattr(module, "LEARNER_ANSWERS"):
        pytest.skip(f"{lesson}: LEARNER_ANSWERS are run in the kernel by kernel_checks.py")
    return module.WRONG_ANSWERS


#: Lesson 00 checks the setup; it shows how the exercises work on two practice questions.
PRACTICE_ONLY = {"lesson00": 2}


def test_every_lesson_has_five_to_eight_exercises():
    assert len(LESSONS) >= 5, LESSONS
    for lesson in LESSONS:
        count = sum(1 for name, _ in EXERCISES if name == lesson)
        if lesson in PRACTICE_ONLY:
            assert count == PRACTICE_ONLY[lesson], f"{lesson} has {count} exercises"
        else:
            assert 5 <= count <= 8, f"{lesson} has {count} exercises"


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=IDS)
def test_solution_passes_and_is_explained(lesson, exercise):
    assert exercise.is_correct(exercise.solution_answer), exercise.feedback(
        exercise.solution_answer)
    assert exercise.feedback(exercise.solution_answer).startswith("Correct!")
    assert exercise.solution_text().strip(), f"{lesson}.{exercise.name} has no solution text"
    assert exercise.hints, f"{lesson}.{exercise.name} has no hint"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_exercise_has_wrong_answers_to_reject(lesson):
    names = {exercise.name for name, exercise in EXERCISES if name == lesson}
    listed = set(wrong_answers(lesson))
    assert listed == names, f"{lesson}: wrong answers missing for {sorted(names - listed)}, " \
                            f"listed for unknown exercises {sorted(listed - names)}"


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=IDS)
def test_wrong_answers_fail_with_feedback(lesson, exercise):
    wrong = wrong_answers(lesson).get(exercise.name, [])
    assert len(wrong) >= 2, f"{lesson}.{exercise.name}: list at least two wrong answers"
    for answer in wrong:
        assert not exercise.is_correct(answer), f"{lesson}.{exercise.name} accepted {answer!r}"
        assert exercise.feedback(answer).startswith("Not quite: "), exercise.feedback(answer)


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=IDS)
def test_placeholder_prints_not_answered(lesson, exercise, capsys):
    exercise.check(____)
    assert capsys.readouterr().out.strip() == NOT_ANSWERED
    assert exercise.feedback(unfinished) == NOT_ANSWERED


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=IDS)
def test_odd_answers_get_feedback_not_tracebacks(lesson, exercise, capsys):
    for odd in ODD_ANSWERS:
        assert not exercise.is_correct(odd), f"{lesson}.{exercise.name} accepted {odd!r}"
        exercise.check(odd)
        printed = capsys.readouterr().out
        assert printed.startswith("Not quite:"), (odd, printed)
        assert "Traceback" not in printed
