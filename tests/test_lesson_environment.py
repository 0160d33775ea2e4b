"""The lessons' packages alone (requirements.txt, what `make lab` installs) run every lesson.

Which modules the lessons need is read from the code, never typed here: every absolute import
in every notebook's code cells (IPython magics turned into Python first) and in every module of
course_utils, plus every course_utils module itself. Two checks:

* in the environment running the tests: each third-party module among them comes from a
  distribution that requirements.txt pins or that a pinned one depends on, so a lesson that
  imports a checking tool (pytest, nbval, mlxtend and its scipy...) fails `make test` at once;
* in an environment built from requirements.txt alone: `make test-lessons` builds
  .lessons-venv/ with make lab's recipe and sets LESSON_PYTHON; every module must import
  there, and that environment must hold nothing beyond the lesson pins and their dependencies
  (otherwise it would not prove anything). `make test` skips this one (it needs that build).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement

from scripts.paths import PACKAGE_DIR, REPO_ROOT, notebook_paths
from tests.pins import applies, lesson_pins, normalise

PACKAGE = PACKAGE_DIR.name
LESSON_PYTHON = os.environ.get("LESSON_PYTHON", "")
# What a fresh venv holds before anything is installed, and the course's own package.
NOT_FROM_THE_PINS = {"pip", "setuptools", normalise("course-utils")}


def imported_modules(source: str, package: str | None = None) -> set[str]:
    """The modules ``source`` imports, dotted: ``import a.b`` gives ``a.b``, ``from a.b
    import c`` gives ``a.b``. Relative imports are resolved against ``package`` (the package
    the source belongs to) or skipped when it is None. Imports inside functions, ``try`` and
    ``if`` blocks count: a lesson reaches them too."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module)
            elif package is not None:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
    return found


def notebook_code(path: Path) -> list[str]:
    """The Python source of each code cell of the notebook at ``path``, with IPython's
    syntax (``%pip``, ``!ls``, ``x?``) turned into the calls IPython would make."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    transform = TransformerManager().transform_cell
    sources = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"]
            sources.append(transform(source if isinstance(source, str) else "".join(source)))
    return sources


def package_modules(package_dir: Path) -> dict[str, Path]:
    """``{dotted module name: file}`` of every module of the package at ``package_dir``."""
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package_dir.name, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def lesson_modules(notebooks: Iterable[Path] = (), package_dir: Path = PACKAGE_DIR
                   ) -> dict[str, set[str]]:
    """``{module: files that import it}`` for the notebooks and the package, the package's
    own modules included (each is imported by the lessons, directly or not)."""
    where: dict[str, set[str]] = defaultdict(set)
    for path in notebooks:
        for number, source in enumerate(notebook_code(path), start=1):
            try:
                modules = imported_modules(source)
            except SyntaxError as error:
                raise AssertionError(f"{path.name}, code cell {number}: {error}") from None
            for module in modules:
                where[module].add(path.name)
    for module, path in package_modules(package_dir).items():
        where[module].add(f"{package_dir.name}/ (the package itself)")
        is_package = path.name == "__init__.py"
        parent = module if is_package else module.rpartition(".")[0]
        for imported in imported_modules(path.read_text(encoding="utf-8"), parent):
            where[imported].add(path.relative_to(package_dir.parent).as_posix())
    return dict(where)


def third_party(modules: Iterable[str], ours: str = PACKAGE) -> set[str]:
    """The top-level names among ``modules`` that are neither the standard library nor
    ``ours`` (the course's package)."""
    tops = {module.split(".")[0] for module in modules}
    return {top for top in tops if top not in sys.stdlib_module_names and top != ours}


def closure(roots: Iterable[str], requires_of: Callable[[str], list[str] | None],
            environment: dict[str, str] | None = None) -> set[str]:
    """Every distribution ``roots`` need: themselves and, recursively, the requirements
    ``requires_of(name)`` lists whose markers hold in ``environment``, following the extras a
    requirement asks for (``jsonschema[format-nongpl]`` brings what that extra needs)."""
    needed: set[str] = set()
    seen: set[tuple[str, str]] = set()
    todo = [(normalise(name), "") for name in roots]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        needed.add(name)
        for line in requires_of(name) or []:
            requirement = Requirement(line)
            holds = requirement.marker is None or requirement.marker.evaluate(
                {**(environment or {}), "extra": extra})
            if holds:
                child = normalise(requirement.name)
                todo.append((child, ""))
                todo.extend((child, wanted) for wanted in requirement.extras)
    return needed


def _installed_requires(name: str) -> list[str]:
    try:
        return requires(name) or []
    except PackageNotFoundError:
        pytest.fail(f"{name} is pinned in requirements.txt but not installed: rebuild .venv")


def _lesson_roots(environment: dict[str, str] | None = None) -> list[str]:
    return [name for name, pin in lesson_pins().items() if applies(pin, environment)]


# ---------------------------------------------------------------------------------------------
# How the imports are found


def test_imports_are_found_in_code_cells_magics_functions_and_relative_imports(tmp_path):
    cells = [
        {"cell_type": "markdown", "source": "import scipy  # prose, not code"},
        {"cell_type": "code", "source": "%pip install --quiet something\nimport numpy as np\n"
                                        "from keras import layers\n!ls\nnp?"},
        {"cell_type": "code", "source": ["def f():\n", "    import tensorflow.nn\n"]},
        {"cell_type": "code", "source": "try:\n    import ipywidgets\nexcept ImportError:\n"
                                        "    pass\nfrom . import nothing"},
        {"cell_type": "raw", "source": "import sklearn"},
    ]
    notebook = tmp_path / "99_lesson.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}), encoding="utf-8")
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .core import f\nfrom . import sub\n")
    (package / "core.py").write_text("import pandas as pd\nfrom .sub.tools import g\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "tools.py").write_text("from ..core import f\nimport matplotlib.pyplot\n")

    found = lesson_modules([notebook], package)
    assert set(found) == {"numpy", "keras", "tensorflow.nn", "ipywidgets", "pandas",
                          "matplotlib.pyplot", "pkg", "pkg.core", "pkg.sub", "pkg.sub.tools"}
    assert found["numpy"] == {"99_lesson.ipynb"}
    assert found["pandas"] == {"pkg/core.py"}
    assert third_party(found, ours="pkg") == {"numpy", "keras", "tensorflow", "ipywidgets",
                                              "pandas", "matplotlib"}


def test_closure_follows_requirements_their_markers_and_extras():
    metadata = {"a": ["b>=1", "c; sys_platform == 'nowhere'", "d; extra == 'docs'"],
                "b": ["E", "f[css]"], "e": ["a"],
                "f": ["g; extra == 'css'", "h; extra == 'docs'"]}
    assert closure(["A"], metadata.get) == {"a", "b", "e", "f", "g"}
    assert closure(["A"], metadata.get, {"sys_platform": "nowhere"}) == {"a", "b", "c", "e",
                                                                          "f", "g"}


def test_the_lessons_need_what_they_teach_with():
    found = lesson_modules(notebook_paths())
    assert {"tensorflow", "keras", "numpy", "matplotlib", "ipywidgets"} <= third_party(found)
    assert {f"{PACKAGE}.exercises", f"{PACKAGE}.notebook_setup"} <= set(found)
    assert not third_party(found) & {"pytest", "nbval", "hypothesis", "playwright", "mlxtend",
                                     "scipy", "sklearn", "yaml"}, "a lesson imports a test tool"


# ---------------------------------------------------------------------------------------------
# The lesson pins carry every import


def test_every_third_party_import_comes_from_the_lesson_pins():
    needed = closure(_lesson_roots(), _installed_requires)
    providers = packages_distributions()
    found = lesson_modules(notebook_paths())
    missing = {}
    for module in sorted(third_party(found)):
        distributions = {normalise(name) for name in providers.get(module, [])}
        if not distributions & needed:
            users = sorted(f for m, files in found.items() if m.split(".")[0] == module
                           for f in files)
            missing[module] = f"from {sorted(distributions) or 'nothing installed'}, " \
                              f"imported by {users}"
    assert not missing, ("imported by the lessons but not installed by requirements.txt "
                         f"(pin it there, not in requirements-dev.txt): {missing}")


PROBE = r"""
import importlib, importlib.metadata as metadata, json, sys
from packaging.markers import default_environment
out, modules = sys.argv[1], sys.argv[2:]
failed = {}
for module in modules:
    try:
        importlib.import_module(module)
    except BaseException as error:  # a module that raises SystemExit fails too
        failed[module] = f"{type(error).__name__}: {error}"
distributions = {d.metadata["Name"]: d.requires or [] for d in metadata.distributions()}
with open(out, "w", encoding="utf-8") as f:
    json.dump({"python": sys.version.split()[0], "prefix": sys.prefix, "failed": failed,
               "environment": default_environment(), "distributions": distributions}, f)
"""


@pytest.fixture(scope="module")
def lesson_environment(tmp_path_factory):
    if not LESSON_PYTHON:
        pytest.skip("needs an environment built from requirements.txt alone: "
                    "`make test-lessons` builds one and sets LESSON_PYTHON")
    found = lesson_modules(notebook_paths())
    out = tmp_path_factory.mktemp("probe") / "probe.json"
    result = subprocess.run([LESSON_PYTHON, "-c", PROBE, str(out), *sorted(found)],
                            cwd=REPO_ROOT / "notebooks", capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(out.read_text(encoding="utf-8"))
    probe["found"] = found
    return probe


def test_every_lesson_import_imports_in_the_lesson_only_environment(lesson_environment):
    failed = lesson_environment["failed"]
    found = lesson_environment["found"]
    report = {module: f"{error} (imported by {sorted(found[module])})"
              for module, error in failed.items()}
    assert not report, f"in {LESSON_PYTHON} (requirements.txt alone): {report}"


def test_the_lesson_environment_holds_only_the_lesson_pins(lesson_environment):
    installed = {normalise(name): reqs
                 for name, reqs in lesson_environment["distributions"].items()}
    environment = lesson_environment["environment"]
    needed = closure(_lesson_roots(environment), installed.get, environment)
    absent = sorted(needed - set(installed))
    extra = sorted(set(installed) - needed - NOT_FROM_THE_PINS)
    assert not absent, f"needed by the lesson pins but not installed in {LESSON_PYTHON}: {absent}"
    assert not extra, (f"{LESSON_PYTHON} holds packages requirements.txt does not ask for, so it "
                       f"proves nothing about the lesson set: {extra}")
    assert Path(lesson_environment["prefix"]).resolve() != Path(sys.prefix).resolve(), \
        "LESSON_PYTHON is the environment running the tests, not a lesson-only one"
