"""The site test runs only when asked for: ``pytest tests/site --site`` (``make test-site``,
which builds the site first). A plain ``pytest`` / ``make test`` skips it: it needs the built
site in _site/ and Chromium.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--site", action="store_true", default=False,
                     help="run the website tests in tests/site/ on the built _site/")


def pytest_collection_modifyitems(config, items):
    # getoption with a default: under a plain `pytest` this conftest is not an initial one, so
    # the option is never registered.
    if config.getoption("--site", default=False):
        return
    skip = pytest.mark.skip(reason="site test: run `make test-site` (make site; pytest --site)")
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(skip)
