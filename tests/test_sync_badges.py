"""scripts/sync_badges.py (`make badges`): the badges, setup cells and README lesson table it
writes are up to date, and the setup cell installs course_utils from the repository."""

from __future__ import annotations

from course_utils.colab import install_spec
from scripts import sync_badges


def test_generated_parts_are_up_to_date(capsys):
    status = sync_badges.main(["--check"])
    assert status == 0, capsys.readouterr().out


def test_setup_cell_installs_from_the_same_repository():
    source = sync_badges.setup_cell_source()
    assert f'%pip install --quiet "{install_spec()}"' in source


def test_setup_cell_stops_with_one_message_when_course_utils_is_missing():
    source = sync_badges.setup_cell_source()
    guard = source.index('if importlib.util.find_spec("course_utils") is None:')
    assert guard < source.index("from course_utils import setup_notebook")
    assert "raise SetupStopped(" in source[guard:] and "Troubleshooting" in source[guard:]


def test_every_lesson_has_a_one_line_goal_in_the_readme_table(monkeypatch):
    """The README's table says what each lesson has the learner do; a notebook without a goal
    stops `make badges` with a message naming it, instead of a table with a hole."""
    import pytest

    from scripts.paths import README, notebook_paths

    numbers = [path.name.split("_", 1)[0] for path in notebook_paths()]
    assert sorted(sync_badges.LESSON_GOALS) == numbers
    table = README.read_text(encoding="utf-8")
    for number, goal in sync_badges.LESSON_GOALS.items():
        assert f"| {number} | " in table and f"| {goal} |" in table, number
        assert len(goal) <= 90, f"lesson {number}'s goal is {len(goal)} characters: one line"
    monkeypatch.delitem(sync_badges.LESSON_GOALS, "03")
    with pytest.raises(SystemExit, match="03_pooling.ipynb: add its one-line goal"):
        sync_badges.lesson_table(notebook_paths())
