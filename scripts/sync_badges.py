"""Regenerate everything built from the repository slug in course_utils/colab.py.

    python -m scripts.sync_badges          (what `make badges` runs, from the repository root)
    python -m scripts.sync_badges --check  (exit 1 and list what is out of date; used by tests)

For each notebook in notebooks/: the "Open in Colab" badge in its first (title) cell and its
setup cell (the second cell), which installs course_utils from the same repository on Colab.
For README.md: the lesson table between the `<!-- lessons:start -->` and `<!-- lessons:end -->`
markers, one row per notebook with its badge.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from course_utils.colab import colab_badge, install_spec

from .paths import README, notebook_paths, relative

BADGE_PATTERN = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
SETUP_MARKER = "# Setup: run this cell first."
LESSONS_START, LESSONS_END = "<!-- lessons:start -->", "<!-- lessons:end -->"


def setup_cell_source() -> str:
    """The source of every notebook's setup cell.

    On Colab it installs course_utils from GitHub. Wherever course_utils cannot be imported
    afterwards (the install failed: no network, a renamed repository; or a local kernel
    without it), it stops with one message that says what to do, instead of a pip error
    followed by ``ModuleNotFoundError``. IPython shows an exception that has
    ``_render_traceback_`` as the lines it returns: the message alone, no traceback.
    """
    return "\n".join(
        [
            f"{SETUP_MARKER} On Colab it installs the course helpers (course_utils);",
            "# everywhere it fixes the random seeds, quiets TensorFlow and sets plot defaults.",
            "import importlib.util",
            "import sys",
            "",
            'if "google.colab" in sys.modules:',
            f'    %pip install --quiet "{install_spec()}"',
            "    importlib.invalidate_caches()",
            'if importlib.util.find_spec("course_utils") is None:',
            "",
            "    class SetupStopped(Exception):  # shown as its message alone; Run All stops here",
            "        def _render_traceback_(self):",
            "            return [str(self)]",
            "",
            "    raise SetupStopped(",
            '        "The course helpers (course_utils) are not installed in this kernel. "',
            '        "On Colab, the install above failed (see its message): check that the "',
            '        "runtime is connected to the internet, then run this cell again. On your "',
            '        "machine, start JupyterLab with `make lab` in the course folder or pick "',
            '        "the .venv kernel. More: the README, section Troubleshooting."',
            "    )",
            "",
            "from course_utils import setup_notebook",
            "",
            "setup_notebook()",
        ]
    )


def notebook_title(notebook) -> str:
    first = notebook.cells[0].source if notebook.cells else ""
    match = re.search(r"^#\s+(.+)$", first, flags=re.MULTILINE)
    return match.group(1).strip() if match else "(untitled)"


def sync_notebook(path: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """Return the notebook with generated parts rewritten, and what changed."""
    notebook = nbformat.read(path, as_version=4)
    changes = []
    if not notebook.cells or notebook.cells[0].cell_type != "markdown":
        raise SystemExit(f"{relative(path)}: the first cell must be the Markdown title cell")
    title = notebook.cells[0]
    badge = colab_badge(relative(path))
    if BADGE_PATTERN.search(title.source):
        new_source = BADGE_PATTERN.sub(lambda _: badge, title.source)
    else:
        lines = title.source.split("\n")
        heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), 0)
        new_source = "\n".join(lines[: heading + 1] + ["", badge] + lines[heading + 1 :])
    if new_source != title.source:
        title.source = new_source
        changes.append("Colab badge in the first cell")

    setup = setup_cell_source()
    second = notebook.cells[1] if len(notebook.cells) > 1 else None
    if second is not None and second.cell_type == "code" and second.source.startswith(SETUP_MARKER):
        if second.source != setup:
            second.source = setup
            changes.append("setup cell")
    else:
        notebook.cells.insert(1, nbformat.v4.new_code_cell(setup))
        changes.append("setup cell (inserted)")
    return notebook, changes


#: What each lesson has the learner do, one line each, for the README's table (a new notebook
#: needs its line here: `make badges` stops without one).
LESSON_GOALS = {
    "00": "Check that Python, TensorFlow, Keras, figures and sliders work; two practice questions.",
    "01": "Slide a kernel over a digit by hand and in Keras; stride, padding, output size.",
    "02": "Filters as deep as their input, several filters, parameter and multiplication counts.",
    "03": "Max and average pooling, what they buy (receptive field, shifts), a first ConvNet.",
    "04": "1x1 convolution, im2col, a Dense layer as a convolution, transposed convolution.",
    "05": "Train a digit classifier, count where its weights and multiplications go, improve it.",
    "06": "Derive and check the backward pass; train a NumPy CNN next to Keras.",
    "07": "Dilation, groups, depthwise-separable layers; real networks counted against papers.",
}


def lesson_table(paths: list[Path]) -> str:
    rows = ["| # | Lesson | What you do | Open |", "|---|---|---|---|"]
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        number = path.name.split("_", 1)[0]
        title = re.sub(r"^\d+\s*[·:.-]\s*", "", notebook_title(notebook))
        link = f"[{title}]({relative(path)})"
        if number not in LESSON_GOALS:
            raise SystemExit(f"{relative(path)}: add its one-line goal to LESSON_GOALS in "
                             "scripts/sync_badges.py")
        goal = LESSON_GOALS[number]
        rows.append(f"| {number} | {link} | {goal} | {colab_badge(relative(path))} |")
    return "\n".join(rows)


def sync_readme(paths: list[Path]) -> tuple[str, str]:
    text = README.read_text(encoding="utf-8")
    start, end = text.find(LESSONS_START), text.find(LESSONS_END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md: the markers {LESSONS_START} and {LESSONS_END} are missing")
    new = text[: start + len(LESSONS_START)] + "\n" + lesson_table(paths) + "\n" + text[end:]
    return text, new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not write")
    args = parser.parse_args(argv)
    paths = notebook_paths()
    stale = []
    for path in paths:
        notebook, changes = sync_notebook(path)
        if changes:
            stale.append(f"{relative(path)}: {', '.join(changes)} out of date")
            if not args.check:
                nbformat.write(notebook, path)
    old, new = sync_readme(paths)
    if old != new:
        stale.append("README.md: lesson table out of date")
        if not args.check:
            README.write_text(new, encoding="utf-8")
    for line in stale:
        print(line)
    if args.check and stale:
        print("Run `make badges` to regenerate them from course_utils/colab.py.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
