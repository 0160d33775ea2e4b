"""Test configuration shared by the unit tests and nbval.

The notebooks' kernels inherit this process's environment, so it is set here, at import
time, before nbval starts any kernel (see scripts/harness_env.py for what and why). Shared
test code lives in tests/reference.py (the real library's answers) and scripts/paths.py
(where things are); pytest puts the repository root on the import path (pyproject.toml).
"""

from __future__ import annotations

import os

import matplotlib

from scripts.harness_env import apply_test_environment

apply_test_environment(os.environ)

# Unit tests draw off-screen. Not set through MPLBACKEND: the kernels would inherit it and
# notebooks would stop showing their figures.
matplotlib.use("Agg")
