"""Sphinx configuration of the course's website (`make site`; scripts/build_site.py).

The build runs on a staged copy of the sources (build/site/: this folder, the generated pages and
the lessons as the site shows them), never on notebooks/ itself. Nothing here reaches the
network: the notebooks are not executed (their stored outputs are shown), the theme and MathJax
come from installed packages, and no widget JavaScript is loaded from a CDN.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from course_utils.colab import BRANCH, REPO_SLUG

project = "How a Conv2D layer works"
author = "the course's authors"
copyright = "the course's authors, MIT licence"
language = "en"

extensions = ["myst_nb"]

# MathJax 3, bundled: the files the sphinx-mathjax-offline package ships are copied into
# _static/mathjax/ and every page with math loads them from there, so the math renders with no
# network. (The package's own Sphinx extension does the same but is not declared safe for
# parallel builds, so only its files are used.)
_MATHJAX_PACKAGE = importlib.util.find_spec("sphinx-mathjax-offline")
if _MATHJAX_PACKAGE is None or _MATHJAX_PACKAGE.origin is None:
    raise RuntimeError("sphinx-mathjax-offline is not installed: make site installs it "
                       "(requirements-dev.txt)")
_MATHJAX_STATIC = Path(_MATHJAX_PACKAGE.origin).parent / "static"
mathjax_path = "mathjax/tex-chtml.js"

# Stored outputs only: nothing is executed, nothing is cached.
nb_execution_mode = "off"
# No widget manager from a CDN; slider cells get a note instead (scripts/build_site.py).
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
# The notebooks' Markdown cells are CommonMark plus tables, like GitHub and JupyterLab render them.
nb_render_markdown_format = "myst"

root_doc = "index"
exclude_patterns = ["_generated/**", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]
numfig = False

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static", str(_MATHJAX_STATIC)]
html_css_files = ["course.css"]
html_js_files = ["course.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# Light or dark as the reader's system prefers, until they pick one (the theme's switch). Without
# it the theme starts from an empty mode and logs an error in every page's console.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "repository_url": f"https://github.com/{REPO_SLUG}",
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    # Each lesson page has its own "Open in Colab" and download links, under its title.
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "article_header_start": ["toggle-primary-sidebar.html"],
}
