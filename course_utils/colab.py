"""Where the course lives on GitHub, every address built from it, and whether we run on Colab.

The repository slug is written here and nowhere else. Every "Open in Colab" badge (README and
each notebook's first cell) and the install line of each notebook's setup cell are generated
from it by ``make badges`` (``scripts/sync_badges.py``); ``tests/test_badges.py`` fails when a
stored badge or install line differs from what this module generates, or points at a notebook
that does not exist. A fork changes ``REPO_SLUG`` and runs ``make badges``.
"""

from __future__ import annotations

import sys

__all__ = ["REPO_SLUG", "BRANCH", "in_colab", "colab_url", "colab_badge", "install_spec"]

REPO_SLUG = "conv-course/how-conv2d-works"
BRANCH = "main"

_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def in_colab() -> bool:
    """True when running inside Google Colab (every lesson's setup cell asks; lesson 00).

    >>> in_colab()
    False
    """
    return "google.colab" in sys.modules


def colab_url(notebook_path: str) -> str:
    """The Colab address that opens ``notebook_path`` (relative to the repository root).

    Behind every lesson's "Open in Colab" badge (lesson 00 explains the badge).

    >>> colab_url("notebooks/01_one_channel_convolution.ipynb")  # doctest: +ELLIPSIS
    'https://colab.research.google.com/github/.../blob/main/notebooks/01_one_channel_convolution.ipynb'
    """
    path = notebook_path.lstrip("/")
    return f"https://colab.research.google.com/github/{REPO_SLUG}/blob/{BRANCH}/{path}"


def colab_badge(notebook_path: str) -> str:
    """The Markdown "Open in Colab" badge for ``notebook_path`` (relative to the repo root).

    The first cell of every lesson carries it (lesson 00 explains the badge).

    >>> colab_badge("notebooks/00_check_your_setup.ipynb")  # doctest: +ELLIPSIS
    '[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://...)'
    """
    return f"[![Open In Colab]({_BADGE_IMAGE})]({colab_url(notebook_path)})"


def install_spec() -> str:
    """The pip requirement that installs ``course_utils`` from GitHub (used on Colab).

    Every lesson's setup cell runs it on Colab (lesson 00, "Where the course runs").

    >>> install_spec()  # doctest: +ELLIPSIS
    'course-utils @ git+https://github.com/...@main'
    """
    return f"course-utils @ git+https://github.com/{REPO_SLUG}@{BRANCH}"
