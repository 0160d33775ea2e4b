"""The browser tests run only when asked for: ``pytest tests/browser --browser``
(``make test-browser``). A plain ``pytest`` / ``make test`` skips them: they need Chromium and
take minutes.
"""

from __future__ import annotations

import pytest

# (notebook, seconds) of every notebook the browser ran, printed at the end of the run.
TIMINGS = pytest.StashKey[list]()


def pytest_addoption(parser):
    parser.addoption("--browser", action="store_true", default=False,
                     help="run the JupyterLab-in-Chromium tests in tests/browser/")


def pytest_collection_modifyitems(config, items):
    # getoption with a default: under a plain `pytest` this conftest is not an initial one, so
    # the option is never registered.
    if config.getoption("--browser", default=False):
        return
    skip = pytest.mark.skip(reason="browser test: run `make test-browser` (pytest --browser)")
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, config):
    timings = config.stash.get(TIMINGS, None)
    if not timings:
        return
    terminalreporter.section("time in JupyterLab (open, clear, Run All Cells, checks)")
    for name, seconds in timings:
        terminalreporter.write_line(f"{name:50s} {seconds:6.1f} s")
