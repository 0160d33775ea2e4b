"""The shape of course_utils: imports go one way, none hides inside a function, and every
public helper says which lesson teaches it.

A new module goes into LAYERS below, after every module it imports; the tests then keep the
chain one-way. Reading the layers top to bottom is reading the package bottom-up.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.paths import DEVELOPING, PACKAGE_DIR

# Each module may import only modules listed before it.
LAYERS = [
    "validation",            # generic checks, describe: imports nothing from the package
    "colab",                 # the repository's addresses, in_colab
    "arithmetic",            # the one output-size formula, the one padding resolver, counts
    "prepare",               # argument preparation for ops
    "ops",                   # the NumPy reference operations
    "backward",              # gradients of the operations (lesson 06)
    "architectures",         # every layer of a Keras model predicted from its config (lesson 07)
    "data",                  # MNIST and the teaching arrays
    "plots",
    "animations",
    "notebook_setup",
    "exercises.placeholder",
    "exercises.answers",
    "exercises.checkers",
    "exercises.exercise",
    "exercises",             # the package's __init__: re-exports the four above
    "exercises.lesson*",     # one module per lesson: anything above
    "__init__",              # course_utils itself: re-exports
]

# Imported inside functions on purpose: importing course_utils must not import TensorFlow,
# because setup_notebook() has to configure TensorFlow's logging and oneDNN before it loads.
LAZY_ALLOWED = {"tensorflow", "keras"}


def module_files() -> dict[str, Path]:
    files = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        name = ".".join(parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        files[name] = path
    return files


def layer_of(module: str) -> int:
    for index, pattern in enumerate(LAYERS):
        if module == pattern or (pattern.endswith("*") and module.startswith(pattern[:-1])):
            return index
    raise AssertionError(f"course_utils.{module} is not in LAYERS of tests/test_structure.py: "
                         "add it after every module it imports")


def package_imports(module: str, tree: ast.Module) -> list[tuple[str, int, bool]]:
    """(imported course_utils module, line, inside a function?) for every import."""
    package = module.rsplit(".", 1)[0] if "." in module else ""
    if module in ("exercises", "__init__"):  # a package's __init__ is its own package
        package = "" if module == "__init__" else "exercises"
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                if child.level:  # relative: from .x import y, from ..x import y, from . import y
                    base = package.split(".") if package else []
                    base = base[: len(base) - (child.level - 1)] if child.level > 1 else base
                    target = ".".join([*base, *(child.module.split(".") if child.module else [])])
                    names = [target] if child.module else [
                        ".".join([*base, alias.name]) for alias in child.names]
                    for name in names:
                        found.append((name or "__init__", child.lineno, in_function))
                elif child.module and child.module.split(".")[0] == "course_utils":
                    target = child.module.partition(".")[2] or "__init__"
                    found.append((target, child.lineno, in_function))
                else:
                    found.append(("!" + (child.module or ""), child.lineno, in_function))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "course_utils":
                        found.append((alias.name.partition(".")[2] or "__init__", child.lineno,
                                      in_function))
                    else:
                        found.append(("!" + alias.name, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


FILES = module_files()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in FILES.items()}


def _known(name: str, files) -> str:
    """The module a relative import names, or its package when it names a symbol."""
    while name and name not in files:
        name = name.rpartition(".")[0]
    return name or "__init__"


@pytest.mark.parametrize("module", sorted(FILES))
def test_imports_go_one_way(module):
    own = layer_of(module)
    for target, line, _ in package_imports(module, TREES[module]):
        if target.startswith("!"):
            continue
        target = _known(target, FILES)
        if target == module:
            continue
        assert layer_of(target) < own, (
            f"course_utils/{FILES[module].relative_to(PACKAGE_DIR)}:{line} imports "
            f"course_utils.{target}, which comes after it in LAYERS: imports must go one way "
            "(move the shared piece down, or the module up)")


def test_there_is_no_import_cycle():
    graph = {module: {_known(t, FILES) for t, _, _ in package_imports(module, TREES[module])
                      if not t.startswith("!")} - {module} for module in FILES}
    done, visiting = set(), []

    def walk(module):
        if module in visiting:
            cycle = visiting[visiting.index(module):] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        visiting.append(module)
        for target in sorted(graph[module]):
            walk(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        walk(module)


@pytest.mark.parametrize("module", sorted(FILES))
def test_no_import_hides_inside_a_function(module):
    for target, line, in_function in package_imports(module, TREES[module]):
        if not in_function:
            continue
        where = f"course_utils/{FILES[module].relative_to(PACKAGE_DIR)}:{line}"
        assert target.startswith("!"), f"{where} imports course_utils.{target} inside a function"
        top = target[1:].split(".")[0]
        assert top in LAZY_ALLOWED, (
            f"{where} imports {target[1:]} inside a function; import it at the top of the "
            f"module (only {sorted(LAZY_ALLOWED)} may wait, so that importing course_utils "
            "does not import TensorFlow)")


def private_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """(name, line) of every private name imported from another course_utils module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(
                "course_utils")):
            for alias in node.names:
                if alias.name.startswith("_") and alias.name != "____":  # the placeholder
                    found.append((alias.name, node.lineno))
    return found


@pytest.mark.parametrize("module", sorted(FILES))
def test_modules_use_each_other_s_public_names_only(module):
    found = private_imports(TREES[module])
    assert not found, (f"course_utils/{FILES[module].relative_to(PACKAGE_DIR)} imports private "
                       f"names of other modules: {found}; make them public (with a docstring) "
                       "or move the code")


def test_the_checks_above_can_fail():
    cyclic = ast.parse("from .ops import conv2d\n\ndef f():\n    from .plots import show_matrix\n")
    imports = package_imports("arithmetic", cyclic)
    assert ("ops", 1, False) in imports and ("plots", 4, True) in imports
    assert layer_of("ops") > layer_of("arithmetic")  # so test_imports_go_one_way would fail
    with pytest.raises(AssertionError, match="not in LAYERS"):
        layer_of("a_new_module")
    assert private_imports(ast.parse("from .ops import _pad, conv2d\nfrom . import ____")) == [
        ("_pad", 1)]


def test_importing_course_utils_does_not_import_tensorflow():
    code = ("import sys, course_utils, course_utils.exercises; "
            "sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, "importing course_utils imported TensorFlow or Keras"


LESSON = re.compile(r"\b[Ll]essons? \d\d")


@pytest.mark.parametrize("module", sorted(m for m in FILES if not m.startswith("exercises.lesson")
                                          and m != "__init__"))
def test_every_public_helper_names_the_lesson_that_teaches_it(module):
    imported = importlib.import_module(f"course_utils.{module}" if module != "__init__"
                                       else "course_utils")
    missing = []
    for name in getattr(imported, "__all__", []):
        value = getattr(imported, name)
        if not (inspect.isfunction(value) or inspect.isclass(value)):
            continue
        if getattr(value, "__module__", "") != imported.__name__:
            continue  # re-exported: checked where it is defined
        if not LESSON.search(inspect.getdoc(value) or ""):
            missing.append(name)
    assert not missing, (f"course_utils.{module}: the docstrings of {missing} do not name the "
                         "lesson that teaches them (e.g. 'Taught in lesson 01, section 2.')")


def test_the_readme_module_map_names_what_each_module_imports():
    """DEVELOPING.md's module map says, per module, which course_utils modules it imports;
    it must match the code (the exercises row, a package, is described in words)."""
    readme = DEVELOPING.read_text(encoding="utf-8")
    header = "| module | holds | imports from course_utils |"
    assert header in readme, "DEVELOPING.md lost its module map"
    table = readme.split(header, 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[-1]
    modules = [name for name in FILES if "." not in name and name not in ("__init__", "exercises")]
    assert sorted(rows.keys() - {"exercises"}) == sorted(modules), "a module is missing or extra"
    for module in modules:
        imported = sorted({_known(t, FILES) for t, _, _ in package_imports(module, TREES[module])
                           if not t.startswith("!")} - {module})
        said = [] if rows[module] == "nothing" else sorted(rows[module].split(", "))
        assert said == imported, \
            f"DEVELOPING.md says {module} imports {said}; it imports {imported}"
