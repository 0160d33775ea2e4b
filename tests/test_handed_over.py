"""No exercise hands over its answer: the answer of a "Check yourself" question (a number of 3
or more digits, a shape, an array) must not be printed anywhere in the lesson's stored text
outputs, nor written in its text or in the README (an example of how to type a number once
was lesson 05's q1 answer, another q4's), or the learner copies instead of computing.

A question that deliberately asks to reproduce a printed value says so in its module
(``Exercise(..., reproduces_output="why")``) and is skipped with that reason.
"""

from __future__ import annotations

import importlib
import re

import nbformat
import numpy as np
import pytest

from course_utils.exercises import exercises_in
from scripts.paths import README, notebook_paths
from tests.kernel_checks import exercise_cells, lesson_of

LESSONS = []
for _path in notebook_paths():
    _lesson = lesson_of(_path)
    if importlib.util.find_spec(f"course_utils.exercises.lesson{_lesson}") is not None:
        _module = importlib.import_module(f"course_utils.exercises.lesson{_lesson}")
        LESSONS += [(_path, exercise) for exercise in exercises_in(_module)]


def normalise(text: str) -> str:
    """One space between tokens, none just inside brackets: '[[ 6. 15.]\\n [...]]' and
    '[[6. 15.] [...]]' read the same."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"([\[(]) | ([\])])", r"\1\2", text)


def printed_text(path) -> str:
    """Every text output of the notebook's code cells, except the exercise cells' own."""
    notebook = nbformat.read(path, as_version=4)
    exercise_sources = set(exercise_cells(notebook).values())
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell.source in exercise_sources:
            continue
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append(output["text"])
            texts.append(output.get("data", {}).get("text/plain", ""))
    return normalise("\n".join(texts))


def written_text(path) -> str:
    """The lesson's markdown and the README, which a learner reads before the questions."""
    notebook = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    return normalise("\n".join([*markdown, README.read_text(encoding="utf-8")]))


def renderings(answer) -> list[str]:
    """How the answer would read if a cell printed it (empty: nothing worth checking)."""
    if isinstance(answer, bool) or callable(answer) or answer is None:
        return []
    if isinstance(answer, int | np.integer | float | np.floating):
        value = float(answer)
        if value.is_integer():
            if abs(value) < 100:  # 1- and 2-digit numbers appear everywhere by chance
                return []
            number = int(value)
            return [str(number), f"{number:,}", f"{number:_}"]
        digits = len(f"{abs(value):.15g}".replace(".", "").replace("e-", "").lstrip("0"))
        if digits < 3:
            return []
        return sorted({f"{value:.3g}", f"{value:.4g}", f"{value:.5g}", repr(value)})
    values = np.asarray(answer)
    if values.dtype.kind in "iu" and values.ndim == 1 and isinstance(answer, tuple):
        shape = tuple(int(v) for v in answer)  # a shape
        return [str(shape), "x".join(map(str, shape)), str((None, *shape))]
    if values.dtype.kind in "iuf" and values.ndim >= 1:
        forms = {str(values), str(values.tolist()), str(values.astype(float))}
        if np.all(values == np.round(values)):  # whole numbers, printed as ints or floats
            forms |= {str(values.astype(int)), str(values.astype(int).tolist())}
        return sorted(normalise(form) for form in forms)
    return []


def _found(rendering: str, text: str) -> bool:
    pattern = rf"(?<![\w.,]){re.escape(rendering)}(?![\w]|\.\d|,\d)"
    return re.search(pattern, text) is not None


@pytest.mark.parametrize("path, exercise", LESSONS,
                         ids=[f"{p.stem[:2]}.{e.name}" for p, e in LESSONS])
def test_no_answer_is_printed_in_the_lesson(path, exercise):
    if exercise.reproduces_output:
        pytest.skip(f"asks to reproduce a printed value on purpose: {exercise.reproduces_output}")
    text = printed_text(path)
    shown = [form for form in renderings(exercise.solution_answer) if _found(form, text)]
    assert not shown, (f"{path.name} {exercise.name}: the answer is printed in the lesson's "
                       f"outputs as {shown}; ask with other numbers than the worked examples")
    written = written_text(path)
    shown = [form for form in renderings(exercise.solution_answer) if _found(form, written)]
    assert not shown, (f"{path.name} {exercise.name}: the answer is written in the lesson's "
                       f"text or the README as {shown}; use a number that answers nothing")


def test_the_check_finds_a_printed_answer():
    text = normalise("kernel: (5, 5, 3, 8)\n[[15. 16.]\n [ 6. 15.]]\nTotal params: 406,138.\n")
    assert _found(renderings((5, 5, 3, 8))[0], text)
    assert any(_found(form, text) for form in renderings(np.array([[15, 16], [6, 15]])))
    assert any(_found(form, text) for form in renderings(406138))
    assert not any(_found(form, text) for form in renderings(40613))
    assert renderings(24) == [] and renderings(lambda: 0) == []
    assert "9.54e-07" in renderings(0.25 ** 10)
