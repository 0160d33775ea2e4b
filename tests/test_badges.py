"""Colab badges and install lines are generated from the one slug in course_utils/colab.py."""

from __future__ import annotations

import re

import nbformat
import pytest
import sync_badges
from conftest import NOTEBOOKS, REPO_ROOT

from course_utils.colab import REPO_SLUG, colab_badge, colab_url, install_spec

COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/([^/\s)]+/[^/\s)]+)/blob/"
                        r"([^/\s)]+)/([^\s)]+)")


def _files_with_links():
    yield REPO_ROOT / "README.md", (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
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
    assert links >= 2 * len(NOTEBOOKS), "README and each notebook should carry badges"


RAW_LINK = re.compile(r"https://raw\.githubusercontent\.com/([^/\s)]+/[^/\s)]+)/([^/\s)]+)/([^\s)\"]+)")


def test_every_raw_figure_link_uses_the_slug_and_an_existing_file():
    for path, text in _files_with_links():
        for slug, _branch, target in RAW_LINK.findall(text):
            where = path.relative_to(REPO_ROOT)
            assert slug == REPO_SLUG, f"{where}: figure link uses {slug!r}, not {REPO_SLUG!r}"
            assert (REPO_ROOT / target).is_file(), f"{where}: figure link to missing {target}"


def test_readme_has_a_badge_for_every_notebook():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert colab_badge(path.relative_to(REPO_ROOT).as_posix()) in readme, \
            f"README.md has no Colab badge for {path.name} (run `make badges`)"


def test_generated_parts_are_up_to_date(capsys):
    status = sync_badges.main(["--check"])
    assert status == 0, capsys.readouterr().out


def test_a_badge_to_a_missing_notebook_is_caught(tmp_path):
    text = colab_badge("notebooks/99_missing.ipynb")
    slug, _, target = COLAB_LINK.findall(text)[0]
    assert slug == REPO_SLUG and not (REPO_ROOT / target).exists()


@pytest.mark.parametrize("path", ["notebooks/00_check_your_setup.ipynb", "/notebooks/x.ipynb"])
def test_colab_url_shape(path):
    url = colab_url(path)
    assert url.startswith(f"https://colab.research.google.com/github/{REPO_SLUG}/blob/main/")
    assert url.endswith(path.lstrip("/")) and "//notebooks" not in url


def test_setup_cell_installs_from_the_same_repository():
    assert f"github.com/{REPO_SLUG}@" in install_spec()
    assert install_spec() in sync_badges.setup_cell_source()
