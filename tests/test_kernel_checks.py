"""tests/kernel_checks.py can fail: on an exercise cell written the way lessons 01 and 02 once
were (`import lesson01 as check`, `check.q1.check(...)`), the feedback names `q1.hint()`,
which the learner cannot run, and the learner path says so, with exercise and what was typed;
a wrong message and a wrong verdict are reported; and a figure whose texts overlap is reported
with its cell. The exercise here is defined in the test, so lessons can change freely."""

from __future__ import annotations

import types

import nbformat
import pytest
from nbval.kernel import RunningKernel

from tests.kernel_checks import (
    FIGURE_TEXT_SOURCE,
    INSTALL_FIGURE_CHECKS,
    KernelRunner,
    figure_problems,
    learner_path_problems,
)

# One question, defined the same way in this process and in the kernel.
EXERCISE = '''
from course_utils.exercises import Exercise, ____, bind_exercises, number

q1 = Exercise("A 28x28 digit through a 5x5 kernel: what is O?",
              checker=number(24, mistakes={23: "count the first position too."}),
              hint="O = N - F + 1.", solution="28 - 5 + 1", solution_answer=24)
bind_exercises(globals())
'''


def lesson_module():
    module = types.ModuleType("course_utils.exercises.lesson99")
    exec(EXERCISE, vars(module))
    return module


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    kernel = RunningKernel("python3", cwd=str(tmp_path_factory.mktemp("kernel")))
    try:
        yield KernelRunner(kernel)
    finally:
        kernel.stop()


def test_a_hint_the_notebook_cannot_run_is_reported(run):
    _, error = run(f"import types\n_lesson = {{}}\nexec({EXERCISE!r}, _lesson)\n"
                   "check = types.SimpleNamespace(q1=_lesson['q1'])\n"
                   "from course_utils.exercises import ____\ndel _lesson")
    assert error is None
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("answer = ____\ncheck.q1.check(answer)")])
    answers = {"q1": {"right": ["24"], "wrong": {"23": "count the first", "28": "not the"}}}
    problems = learner_path_problems(run, notebook, lesson_module(), answers)
    assert ("q1.hint(), which the feedback of q1 to '23' tells the learner to type, raised "
            "NameError: name 'q1' is not defined") in problems, problems
    assert "q1: typed '24' -> " not in "\n".join(problems)  # the right answer itself is fine


def test_a_wrong_message_and_a_wrong_verdict_are_reported(run):
    _, error = run(EXERCISE)
    assert error is None
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("answer = ____\nq1.check(answer)")])
    answers = {"q1": {"right": ["23"], "wrong": {"25": "a message q1 never gives", "24": "x"}}}
    problems = "\n".join(learner_path_problems(run, notebook, lesson_module(), answers))
    assert "q1: typed '23' -> expected 'Correct!', printed 'Not quite:" in problems
    assert "q1: typed '25' -> expected 'a message q1 never gives'" in problems
    assert "q1: typed '24' -> expected 'Not quite: ', printed 'Correct!" in problems


def test_a_check_shown_before_the_exercise_cell_is_not_taken_for_it():
    """Lesson 00 shows q1.check(6) before the cell with the blank: that cell is the exercise."""
    from tests.kernel_checks import exercise_cells

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("q1.check(23)"), nbformat.v4.new_code_cell("q1.hint()"),
        nbformat.v4.new_code_cell("answer = ____\nq1.check(answer)"),
        nbformat.v4.new_code_cell("q2.check(1)")])
    assert exercise_cells(notebook) == {"q1": "answer = ____\nq1.check(answer)",
                                        "q2": "q2.check(1)"}


def test_overlapping_figure_text_is_reported_with_its_cell(run):
    _, error = run(INSTALL_FIGURE_CHECKS % FIGURE_TEXT_SOURCE)
    assert error is None
    _, error = run("import matplotlib.pyplot as plt\n"
                   "fig, ax = plt.subplots(figsize=(3, 2))\n"
                   "ax.set_title('a panel title')\n"
                   "fig.suptitle('a suptitle on top of it', y=0.96)\n"
                   "plt.show()")
    assert error is None
    problems = figure_problems(run)
    assert any("cell starting 'import matplotlib.pyplot as plt'" in p
               and "'a panel title' overlaps text 'a suptitle on top of it'" in p
               for p in problems), problems


def test_a_claim_that_does_not_hold_is_reported_with_its_line_and_block(run, tmp_path):
    """Each block runs on a copy of the notebook's globals: a failing block is named with its
    file line and title, the next block still runs, and nothing a block assigns reaches the
    notebook."""
    from tests.kernel_checks import claims_problems

    _, error = run("peak = 3.0\npooled_peak = 2.5")
    assert error is None
    claims = tmp_path / "lesson99.py"
    claims.write_text("import math\n\n"
                      "# %% cell 4: max pooling keeps the peak\n"
                      "leaked = 1\n"
                      "assert math.isclose(pooled_peak, peak)\n"
                      "# %% cell 5: average pooling lowers it\n"
                      "assert pooled_peak < peak\n"
                      "# %% cell 6: a name the notebook never defined\n"
                      "assert missing > 0\n", encoding="utf-8")
    problems = claims_problems(run, claims)
    assert problems == [
        "tests/claims/lesson99.py:5 [cell 4: max pooling keeps the peak] "
        "`assert math.isclose(pooled_peak, peak)`: AssertionError",
        "tests/claims/lesson99.py:9 [cell 6: a name the notebook never defined] "
        "`assert missing > 0`: NameError: name 'missing' is not defined"], problems
    printed, _ = run("print('leaked' in globals(), '_course_claims' in globals())")
    assert printed.split() == ["False", "False"]


def test_every_claims_file_belongs_to_a_notebook():
    from scripts.paths import NOTEBOOKS_DIR
    from tests.kernel_checks import CLAIMS_DIR, lesson_of

    lessons = {lesson_of(path) for path in NOTEBOOKS_DIR.glob("*.ipynb")}
    for path in CLAIMS_DIR.glob("*.py"):
        assert path.stem.startswith("lesson") and path.stem[len("lesson"):] in lessons, path
