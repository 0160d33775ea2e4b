"""requirements.txt and environment.yml pin the same packages at the same versions, and the
environment running the tests is the pinned one."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

import pytest
import yaml
from conftest import REPO_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-e"):
            continue
        match = PIN.match(line)
        assert match, f"not an exact pin (name==version): {line!r}"
        pins[_normalise(match.group(1))] = match.group(2)
    return pins


def requirement_pins() -> dict[str, str]:
    return _pins((REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())


def environment_pins() -> dict[str, str]:
    spec = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_lists = [d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml needs exactly one `pip:` list"
    return _pins(pip_lists[0])


def test_environment_yml_and_requirements_agree_package_by_package():
    requirements, environment = requirement_pins(), environment_pins()
    only_req = sorted(set(requirements) - set(environment))
    only_env = sorted(set(environment) - set(requirements))
    assert not only_req, f"in requirements.txt but not environment.yml: {only_req}"
    assert not only_env, f"in environment.yml but not requirements.txt: {only_env}"
    for name, pinned in requirements.items():
        assert environment[name] == pinned, \
            f"{name}: requirements.txt pins {pinned}, environment.yml {environment[name]}"


def test_the_pins_cover_what_the_course_promises():
    for name in ["tensorflow", "keras", "pandas", "matplotlib", "jupyterlab", "nbval",
                 "pytest", "ipykernel"]:
        assert name in requirement_pins(), f"{name} is not pinned in requirements.txt"
    assert requirement_pins()["tensorflow"].startswith("2.21.")
    assert requirement_pins()["keras"].startswith("3.")


@pytest.mark.parametrize("name,pinned", sorted(requirement_pins().items()))
def test_installed_version_is_the_pinned_one(name, pinned):
    try:
        installed = version(name)
    except PackageNotFoundError:
        pytest.fail(f"{name} is pinned but not installed: run `make venv`")
    assert installed == pinned, f"{name} {installed} is installed, {pinned} is pinned"


def test_a_disagreement_would_be_caught():
    changed = _pins(["tensorflow==2.20.0"])
    assert changed["tensorflow"] != requirement_pins()["tensorflow"]
    with pytest.raises(AssertionError, match="not an exact pin"):
        _pins(["pandas>=2"])
