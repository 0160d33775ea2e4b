"""The course's pin files, read one way by every test that needs them.

* ``requirements.txt``: what the lessons need (``make lab`` installs it and nothing else);
* ``requirements-dev.txt``: ``-r requirements.txt`` plus what checking the course needs
  (``make test`` installs both into the same .venv);
* ``environment.yml``: the conda form of requirements.txt;
* ``pyproject.toml``'s ``requires-python``: the Python versions the course supports, stated
  there once (tests/test_environment.py checks every other place that names them).

A pin is ``name==version`` with an optional environment marker; anything looser is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

import yaml
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from scripts.paths import REPO_ROOT

LESSON_PINS_FILE = REPO_ROOT / "requirements.txt"
DEV_PINS_FILE = REPO_ROOT / "requirements-dev.txt"
CONDA_FILE = REPO_ROOT / "environment.yml"
PYPROJECT = REPO_ROOT / "pyproject.toml"


class Pin(NamedTuple):
    version: str
    marker: str  # "" when the pin applies everywhere


def normalise(name: str) -> str:
    """A distribution name in PEP 503 form: ``PyYAML`` and ``pyyaml`` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pins(lines: Iterable[str]) -> dict[str, Pin]:
    """``{normalised name: Pin}`` of requirement lines; comments, ``-r`` and ``-e`` are skipped."""
    pins: dict[str, Pin] = {}
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(("#", "-r ", "-e ")):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise AssertionError(f"not an exact pin (name==version): {line!r} ({error})") from None
        specifiers = list(requirement.specifier)
        exact = (len(specifiers) == 1 and specifiers[0].operator == "=="
                 and "*" not in specifiers[0].version and not requirement.extras
                 and requirement.url is None)
        assert exact, f"not an exact pin (name==version): {line!r}"
        name = normalise(requirement.name)
        assert name not in pins, f"{name} is pinned twice"
        marker = str(requirement.marker) if requirement.marker is not None else ""
        pins[name] = Pin(specifiers[0].version, marker)
    return pins


def _lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def lesson_pins() -> dict[str, Pin]:
    """The pins of requirements.txt: what `make lab` installs."""
    return parse_pins(_lines(LESSON_PINS_FILE))


def dev_pins() -> dict[str, Pin]:
    """The pins requirements-dev.txt adds to requirements.txt (its own lines only)."""
    return parse_pins(_lines(DEV_PINS_FILE))


def dev_includes() -> list[str]:
    """The files requirements-dev.txt includes with ``-r``."""
    return [line.split(None, 1)[1].strip() for line in _lines(DEV_PINS_FILE)
            if line.strip().startswith("-r ")]


def conda_pins() -> dict[str, Pin]:
    """The pins of environment.yml's one ``pip:`` list."""
    spec = yaml.safe_load(CONDA_FILE.read_text(encoding="utf-8"))
    pip_lists = [d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml needs exactly one `pip:` list"
    return parse_pins(pip_lists[0])


def conda_python() -> str:
    """The ``python=X.Y`` environment.yml asks conda for."""
    spec = yaml.safe_load(CONDA_FILE.read_text(encoding="utf-8"))
    (python,) = [d for d in spec["dependencies"] if isinstance(d, str) and d.startswith("python")]
    match = re.fullmatch(r"python=(\d+\.\d+)", python)
    assert match, f"environment.yml: expected python=X.Y, found {python!r}"
    return match.group(1)


def applies(pin: Pin, environment: dict[str, str] | None = None) -> bool:
    """Whether ``pin`` is installed in ``environment`` (default: the running interpreter's)."""
    return not pin.marker or Marker(pin.marker).evaluate(environment)


def supported_python() -> SpecifierSet:
    """pyproject.toml's ``requires-python``: the one statement of the supported versions."""
    text = PYPROJECT.read_text(encoding="utf-8")
    found = re.findall(r'^requires-python\s*=\s*"([^"]+)"\s*$', text, flags=re.MULTILINE)
    assert len(found) == 1, "pyproject.toml: one requires-python = \"...\" line expected"
    return SpecifierSet(found[0])


def supported_minor_versions() -> list[str]:
    """The ``3.N`` versions ``requires-python`` accepts (any patch release of them)."""
    specifiers = supported_python()
    return [f"3.{n}" for n in range(6, 30)
            if specifiers.contains(f"3.{n}.0") and specifiers.contains(f"3.{n}.99")]
