"""Test configuration shared by the unit tests and nbval.

The notebooks' kernels inherit this process's environment, so it is set here, at import
time, before nbval starts any kernel (see harness_env.py for what and why).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from harness_env import apply_test_environment  # noqa: E402

apply_test_environment(os.environ)

import matplotlib  # noqa: E402

# Unit tests draw off-screen. Not set through MPLBACKEND: the kernels would inherit it and
# notebooks would stop showing their figures.
matplotlib.use("Agg")

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
