"""Run part of a lesson in a fresh kernel, as a learner who comes back in a new session does
(lesson 04's Part 2 after the setup alone, lesson 06's second sitting after its checkpoint), and
read what its cells print. Used by tests/test_exercises_lesson04.py and lesson06.py."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def read_lesson(number: str) -> tuple[Path, nbformat.NotebookNode]:
    """The lesson's path and its stored notebook (``number`` such as "04")."""
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return path, nbformat.read(path, as_version=4)


def heading_index(notebook, start: str) -> int:
    """The index of the first cell whose source starts with ``start`` (a heading, say)."""
    return next(i for i, cell in enumerate(notebook.cells) if cell.source.startswith(start))


def run_cells(path: Path, notebook, indices) -> list:
    """Copies of the cells at ``indices``, run in that order in one fresh kernel started in the
    lesson's folder; any error fails the run."""
    part = nbformat.v4.new_notebook(metadata=notebook.metadata)
    part.cells = [nbformat.from_dict(dict(notebook.cells[i])) for i in indices]
    nbclient.NotebookClient(part, timeout=300, allow_errors=False,
                            resources={"metadata": {"path": path.parent}}).execute()
    return part.cells


def printed(cell) -> str:
    """What a code cell printed (its stream outputs)."""
    return "".join(output.get("text", "") for output in cell.get("outputs", []))
