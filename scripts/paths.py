"""Where things are in the repository: the one definition the scripts, benchmarks and tests
share (run them from the repository root, e.g. ``python -m scripts.execute_notebooks``)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
README = REPO_ROOT / "README.md"
# The developers' part: module map, commands, locks, measured sizes, benchmarks.
DEVELOPING = REPO_ROOT / "DEVELOPING.md"
# The glossary's one source: the README's table and the site's page are written from it.
GLOSSARY = REPO_ROOT / "glossary.csv"
PACKAGE_DIR = REPO_ROOT / "course_utils"
DATA_DIR = REPO_ROOT / "data"


def notebook_paths() -> list[Path]:
    """Every lesson notebook, in lesson order (their names start with the lesson number)."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def relative(path: Path) -> str:
    """``path`` relative to the repository root, with forward slashes."""
    return Path(path).resolve().relative_to(REPO_ROOT).as_posix()
