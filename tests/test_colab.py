"""course_utils/colab.py: every badge, Colab address and install line comes from the one slug,
and points at a notebook that exists. (scripts/sync_badges.py, which writes them into the
notebooks and the README, is tested in test_sync_badges.py.)"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from course_utils.colab import REPO_SLUG, colab_badge, colab_url, in_colab, install_spec
from scripts.paths import README, REPO_ROOT, notebook_paths

COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/([^/\s)]+/[^/\s)]+)/blob/"
                        r"([^/\s)]+)/([^\s)]+)")


def _files_with_links():
    yield README, README.read_text(encoding="utf-8")
    for path in notebook_paths():
        notebook = nbformat.read(path, as_version=4)
        yield path, "\n".join(cell.source for cell in notebook.cells)


def test_every_colab_link_uses_the_slug_and_an_existing_notebook():
    links = 0
    for path, text in _files_with_links():
        for slug, _branch, target in COLAB_LINK.findall(text):
            links += 1
            where = path.relative_to(REPO_ROOT)
            assert slug == REPO_SLUG, f"{where}: Colab link uses {slug!r}, not {REPO_SLUG!r}"
            assert (REPO_ROOT / target).is_file(), f"{where}: Colab link to missing {target}"
    assert links >= 2 * len(notebook_paths()), "README and each notebook should carry badges"


RAW_LINK = re.compile(r"https://raw\.githubusercontent\.com/([^/\s)]+/[^/\s)]+)/([^/\s)]+)/([^\s)\"]+)")


def test_every_raw_figure_link_uses_the_slug_and_an_existing_file():
    for path, text in _files_with_links():
        for slug, _branch, target in RAW_LINK.findall(text):
            where = path.relative_to(REPO_ROOT)
            assert slug == REPO_SLUG, f"{where}: figure link uses {slug!r}, not {REPO_SLUG!r}"
            assert (REPO_ROOT / target).is_file(), f"{where}: figure link to missing {target}"


def test_readme_has_a_badge_for_every_notebook():
    readme = README.read_text(encoding="utf-8")
    for path in notebook_paths():
        assert colab_badge(path.relative_to(REPO_ROOT).as_posix()) in readme, \
            f"README.md has no Colab badge for {path.name} (run `make badges`)"


def test_a_badge_to_a_missing_notebook_is_caught(tmp_path):
    text = colab_badge("notebooks/99_missing.ipynb")
    slug, _, target = COLAB_LINK.findall(text)[0]
    assert slug == REPO_SLUG and not (REPO_ROOT / target).exists()


@pytest.mark.parametrize("path", ["notebooks/00_check_your_setup.ipynb", "/notebooks/x.ipynb"])
def test_colab_url_shape(path):
    url = colab_url(path)
    assert url.startswith(f"https://colab.research.google.com/github/{REPO_SLUG}/blob/main/")
    assert url.endswith(path.lstrip("/")) and "//notebooks" not in url


def test_install_spec_points_at_the_repository():
    assert install_spec() == f"course-utils @ git+https://github.com/{REPO_SLUG}@main"


def test_in_colab_looks_for_colab_s_module(monkeypatch):
    assert not in_colab()
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert in_colab()
