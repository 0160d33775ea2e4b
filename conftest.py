"""pytest configuration for the whole repository (unit tests, doctests and nbval).

The notebooks' kernels inherit this process's environment, so it is set here, at import time,
before nbval starts any kernel (see scripts/harness_env.py for what and why); being at the
root, it applies however pytest is called (`make test`, or one notebook on its own).
tests/kernel_checks.py adds the checks that run in each notebook's own kernel: the learner
path through its exercises and the readability of its figures. Shared test code lives in
tests/reference.py (the real library's answers) and scripts/paths.py (where things are).
"""

from __future__ import annotations

import os
import sys

import matplotlib
import pytest

from scripts.harness_env import apply_test_environment

apply_test_environment(os.environ)

# Unit tests draw off-screen. Not set through MPLBACKEND: the kernels would inherit it and
# notebooks would stop showing their figures.
matplotlib.use("Agg")

pytest_plugins = ["tests.kernel_checks"]


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest drew (plots.py's doctests draw one each), so a
    worker never holds more than matplotlib's 20 open figures and warns. Only a test that drew
    has imported pyplot; the others leave nothing to close and import nothing."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


# Claims files run in a notebook's kernel, on its variables (tests/kernel_checks.py), never as
# modules of their own: --doctest-modules would import them and fail on the first name.
collect_ignore = ["tests/claims"]
