"""Hygiene of the stored notebooks (nbval itself re-runs them and compares outputs)."""

from __future__ import annotations

import json
import re

import pytest

from course_utils.colab import colab_badge
from scripts import sync_badges
from scripts.paths import notebook_paths, relative
from tests.notebook_checks import notebook_problems


def _problems(path):
    return notebook_problems(path, sync_badges.setup_cell_source(), colab_badge(relative(path)))


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_is_clean(path):
    problems = _problems(path)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_notebooks_are_numbered_in_order():
    paths = notebook_paths()
    assert paths, "notebooks/ holds no lesson"
    numbers = [int(path.name.split("_", 1)[0]) for path in paths]
    assert numbers == list(range(len(numbers))), f"lesson numbers {numbers} are not 00, 01, ..."


# The checks above must be able to fail: break a copy of a real notebook in each way the
# foundation issue names and make sure the problem is reported, with where.

def _broken_copy(tmp_path, edit):
    source = notebook_paths()[0]
    notebook = json.loads(source.read_text(encoding="utf-8"))
    edit(notebook)
    (tmp_path / "notebooks").mkdir()
    target = tmp_path / "notebooks" / source.name
    target.write_text(json.dumps(notebook), encoding="utf-8")
    return notebook_problems(target, sync_badges.setup_cell_source(),
                             colab_badge(relative(source)))


def _first_checked_code_cell(notebook):
    return next(i for i, cell in enumerate(notebook["cells"])
                if cell["cell_type"] == "code" and i > 1 and cell["outputs"]
                and "nbval-ignore-output" not in cell["metadata"].get("tags", []))


def test_clean_copy_has_no_problems(tmp_path):
    assert _broken_copy(tmp_path, lambda nb: None) == []


def test_removed_badge_is_reported(tmp_path):
    def remove_badge(notebook):
        title = "".join(notebook["cells"][0]["source"])
        notebook["cells"][0]["source"] = sync_badges.BADGE_PATTERN.sub("", title)

    problems = _broken_copy(tmp_path, remove_badge)
    assert any("cell 0" in p and "badge" in p for p in problems), problems


def test_unexecuted_cell_is_reported(tmp_path):
    def add_cell(notebook):
        notebook["cells"].insert(3, {"cell_type": "code", "execution_count": None,
                                     "metadata": {}, "outputs": [], "source": "1 + 1"})

    problems = _broken_copy(tmp_path, add_cell)
    assert problems == ["cell 3: not executed (run `make execute`)"], problems


def test_out_of_order_execution_is_reported(tmp_path):
    def renumber(notebook):
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        code[2]["execution_count"], code[3]["execution_count"] = 4, 3

    problems = _broken_copy(tmp_path, renumber)
    assert any("execution count 4, expected 3" in p for p in problems), problems


def test_machine_path_in_output_is_reported(tmp_path):
    def write_path(notebook):
        index = _first_checked_code_cell(notebook)
        notebook["cells"][index]["outputs"].append(
            {"output_type": "stream", "name": "stdout", "text": "saved to /home/ana/model.keras\n"})

    problems = _broken_copy(tmp_path, write_path)
    assert any("absolute path" in p and "/home/ana" in p for p in problems), problems


def test_history_repr_and_auto_layer_names_are_reported(tmp_path):
    def add_outputs(notebook):
        index = _first_checked_code_cell(notebook)
        notebook["cells"][index]["outputs"] += [
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/plain": "<keras.src.callbacks.history.History at 0x7f3a2c1d9e50>"}},
            {"output_type": "stream", "name": "stdout",
             "text": 'Model: "functional_3"\n│ conv2d_1 (Conv2D)  │ (None, 24, 24, 3) │ 78 │\n'},
        ]

    problems = "\n".join(_broken_copy(tmp_path, add_outputs))
    assert "memory address" in problems
    assert "automatic model name" in problems
    assert "automatic layer name" in problems


def test_tensorflow_startup_log_is_reported(tmp_path):
    def add_log(notebook):
        index = _first_checked_code_cell(notebook)
        notebook["cells"][index]["outputs"].append(
            {"output_type": "stream", "name": "stderr",
             "text": "WARNING: All log messages before absl::InitializeLog() is called are "
                     "written to STDERR\nI0000 00:00:1795452717.151504 3640 port.cc:153] oneDNN\n"})

    problems = "\n".join(_broken_copy(tmp_path, add_log))
    assert "C++ start-up log" in problems and "stderr" in problems


def test_oversized_notebook_is_reported(tmp_path):
    def pad(notebook):
        notebook["cells"][0]["source"] += "\n<!--" + "x" * 1_000_001 + "-->"

    problems = _broken_copy(tmp_path, pad)
    assert any("limit is 1 MB" in p for p in problems), problems


# A call to show_gif( shows its animation only as a cell's last expression (or inside
# display(...)); otherwise Jupyter drops the returned Image and the stored cell has no picture
# while the text still points to it (lesson 04, cell 33, round 10).

def _cells_calling_show_gif_without_a_picture(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    missing = []
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "show_gif(" not in source:
            continue
        if source.lstrip().startswith("def "):
            continue
        mimes = {mime for output in cell.get("outputs", []) for mime in output.get("data", {})}
        if not mimes & {"image/gif", "image/png"}:
            missing.append(index)
    return missing


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_every_show_gif_cell_stores_its_animation(path):
    missing = _cells_calling_show_gif_without_a_picture(path)
    assert not missing, (f"{path.name}: cells {missing} call show_gif( but store no image/gif or "
                         "image/png output: make the call the cell's last expression")



def test_hidden_source_is_reported(tmp_path):
    def hide(notebook):
        code = next(cell for cell in notebook["cells"][2:] if cell["cell_type"] == "code")
        code.setdefault("metadata", {})["jupyter"] = {"source_hidden": True}

    problems = _broken_copy(tmp_path, hide)
    assert len(problems) == 1 and "source is hidden" in problems[0], problems


def test_a_missing_section_number_is_reported(tmp_path):
    def drop_section_2(notebook):
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = re.sub(r"^## 2\.", "## Two.", "".join(cell["source"]), flags=re.M)

    problems = _broken_copy(tmp_path, drop_section_2)
    assert len(problems) == 1 and "numbered sections run [1, 3" in problems[0], problems
