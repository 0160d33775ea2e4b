"""course_utils.exercises.placeholder: the blank of a stored notebook, ``____``."""

from __future__ import annotations

from course_utils.exercises.placeholder import NOT_ANSWERED, ____, uses_placeholder


def test_the_placeholder_is_one_falsy_object_shown_as_four_underscores():
    from course_utils.exercises import ____ as same

    assert same is ____ and repr(____) == "____" and not ____


def test_unfinished_answers_count_as_the_placeholder():
    def unfinished(x):
        return ____

    def finished(x):
        return x

    assert uses_placeholder(____) and uses_placeholder(...) and uses_placeholder(unfinished)
    assert not uses_placeholder(finished) and not uses_placeholder(0)
    assert not uses_placeholder(None)


def test_the_not_answered_line_is_fixed():
    assert NOT_ANSWERED == (
        "Not answered yet: replace ____ with your answer, then run this cell again.")
