"""The setup cell stops with one clear message when course_utils cannot be imported.

That happens on Colab when the cell's install fails (no network, a renamed repository, a notebook
uploaded on its own) and on a machine whose kernel lacks the package. The cell stored in every
notebook is run, as IPython runs it, in a fresh interpreter that has IPython and pip but not
course_utils, with a stand-in ``google.colab`` module (so the cell takes its Colab branch) and an
install target that fails at once without a network. What a learner would see must hold the
cell's one message, pip's own error above it, and neither a traceback nor ModuleNotFoundError.
"""

from __future__ import annotations

import os
import subprocess
import sysconfig
import venv

import nbformat
import pytest

from course_utils.colab import install_spec
from scripts.paths import notebook_paths
from scripts.sync_badges import setup_cell_source

MESSAGE = "The course helpers (course_utils) are not installed in this kernel."
# A repository that does not exist: pip's git clone fails at once, as it does on Colab for a
# renamed repository (and, offline, for the real one).
UNREACHABLE = "course-utils @ git+file:///nonexistent/how-conv2d-works@main"

DRIVER = r"""
import sys, types
from IPython.core.interactiveshell import InteractiveShell

if sys.argv[2] == "colab":
    sys.modules["google.colab"] = types.ModuleType("google.colab")
source = open(sys.argv[1], encoding="utf-8").read()
result = InteractiveShell.instance().run_cell(source)
sys.stdout.flush()
error = result.error_in_exec
print("\n@@ error:", type(error).__name__ if error is not None else None)
"""


@pytest.fixture(scope="module")
def python_without_course_utils(tmp_path_factory):
    """A Python that sees this environment's packages (IPython, pip) but not course_utils.

    A new virtual environment whose one .pth file lists this environment's site-packages: the
    .pth files inside them (among them the editable install of course_utils) are not run.
    """
    root = tmp_path_factory.mktemp("no-course-utils")
    venv.create(root / "venv", with_pip=False)
    site = sysconfig.get_path("purelib", vars={"base": str(root / "venv"),
                                               "platbase": str(root / "venv")})
    site_dirs = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    with open(os.path.join(site, "this-environment.pth"), "w", encoding="utf-8") as f:
        f.write("\n".join(site_dirs) + "\n")
    python = str(root / "venv" / "bin" / "python")
    probe = subprocess.run([python, "-c", "import IPython, pip, importlib.util as u; "
                            "print(u.find_spec('course_utils'))"],
                           capture_output=True, text=True, cwd=root, timeout=120)
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.strip() == "None", "course_utils is importable: the test would not test"
    return python, root


def run_setup_cell(python_and_root, source: str, where: str) -> tuple[str, str]:
    python, root = python_and_root
    cell = root / f"setup_cell_{where}.py"
    cell.write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CONFIG_FILE=os.devnull,
               GIT_TERMINAL_PROMPT="0")
    result = subprocess.run([python, "-c", DRIVER, str(cell), where], capture_output=True,
                            text=True, cwd=root, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    shown, _, error = result.stdout.rpartition("\n@@ error:")
    return shown + result.stderr, error.strip()


def stored_setup_cell() -> str:
    sources = {nbformat.read(path, as_version=4).cells[1].source for path in notebook_paths()}
    assert sources == {setup_cell_source()}, "a notebook's setup cell is stale: make badges"
    return sources.pop()


def test_the_stored_cell_installs_course_utils_from_the_repository():
    assert f'%pip install --quiet "{install_spec()}"' in stored_setup_cell()


@pytest.mark.parametrize("where", ["colab", "local"])
def test_without_course_utils_the_cell_stops_with_one_message(python_without_course_utils,
                                                               where):
    source = stored_setup_cell().replace(install_spec(), UNREACHABLE)
    assert UNREACHABLE in source
    shown, error = run_setup_cell(python_without_course_utils, source, where)
    # An exception ends the cell, so that "Run All" stops here (SystemExit does; so would an
    # exception that renders as its message alone).
    assert error != "None", "the cell went on without course_utils: " + shown[-3000:]
    assert shown.count(MESSAGE) == 1, shown[-3000:]
    assert "Traceback" not in shown, shown[-3000:]
    assert "%tb" not in shown and "To exit" not in shown, shown[-3000:]  # SystemExit's noise
    assert "ModuleNotFoundError" not in shown, shown[-3000:]
    if where == "colab":
        # pip tried, failed, and said why, above the cell's message.
        assert "nonexistent" in shown and shown.index("nonexistent") < shown.index(MESSAGE), \
            shown[-3000:]
    else:
        assert "nonexistent" not in shown, "outside Colab the cell must not install anything"
