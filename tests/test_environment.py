"""The pin files agree with each other and with the environment running the tests.

requirements.txt (the lessons) and environment.yml pin the same packages at the same versions
with the same markers; requirements-dev.txt only adds to requirements.txt; each platform
TensorFlow 2.21 has a wheel for gets exactly one TensorFlow build; the supported Python versions
are stated once (pyproject.toml) and every other place agrees; and what is installed here is
what is pinned.
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest

from scripts.paths import README, REPO_ROOT
from tests.pins import (
    Pin,
    applies,
    conda_pins,
    conda_python,
    dev_includes,
    dev_pins,
    lesson_pins,
    parse_pins,
    supported_minor_versions,
)

# Where TensorFlow 2.21.0 has wheels, read from the package index (PyPI's file list for
# tensorflow-cpu 2.21.0 and tensorflow 2.21.0, 2026-11-24): (sys_platform, platform_machine),
# each for CPython 3.10, 3.11, 3.12 and 3.13, nothing else.
TENSORFLOW_2_21_WHEELS = {
    "tensorflow-cpu": {("linux", "x86_64"), ("win32", "AMD64")},
    "tensorflow": {("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64"),
                   ("win32", "AMD64")},
}
TENSORFLOW_2_21_PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
TENSORFLOW_BUILDS = sorted(TENSORFLOW_2_21_WHEELS)


def disagreements(requirements: dict[str, Pin], environment: dict[str, Pin]) -> list[str]:
    """What differs between requirements.txt's pins and environment.yml's, one line each."""
    problems = [f"in requirements.txt but not environment.yml: {name}"
                for name in sorted(set(requirements) - set(environment))]
    problems += [f"in environment.yml but not requirements.txt: {name}"
                 for name in sorted(set(environment) - set(requirements))]
    for name in sorted(set(requirements) & set(environment)):
        if requirements[name] != environment[name]:
            problems.append(f"{name}: requirements.txt pins {requirements[name]}, "
                            f"environment.yml {environment[name]}")
    return problems


def test_environment_yml_and_requirements_agree_package_by_package():
    assert disagreements(lesson_pins(), conda_pins()) == []


def test_a_disagreement_would_be_caught():
    pins = lesson_pins()
    keras = pins["keras"]
    bumped = {**pins, "keras": keras._replace(version=keras.version + ".post1")}
    unmarked = {**pins, "tensorflow-cpu": pins["tensorflow-cpu"]._replace(marker="")}
    missing = {name: pin for name, pin in pins.items() if name != "pandas"}
    extra = {**pins, "scipy": Pin("1.16.0", "")}
    for changed, culprit in [(bumped, "keras"), (unmarked, "tensorflow-cpu"),
                             (missing, "pandas"), (extra, "scipy")]:
        problems = disagreements(pins, changed)
        assert len(problems) == 1 and culprit in problems[0], problems
    for loose in ["pandas>=2", "pandas==2.*", "pandas", "tensorflow[and-cuda]==2.21.0"]:
        with pytest.raises(AssertionError, match="not an exact pin"):
            parse_pins([loose])


def test_requirements_dev_only_adds_to_the_lesson_pins():
    assert dev_includes() == ["requirements.txt"], \
        "requirements-dev.txt must start from the lessons' pins (-r requirements.txt)"
    both = sorted(set(lesson_pins()) & set(dev_pins()))
    assert not both, f"pinned in requirements.txt and again in requirements-dev.txt: {both}"


def test_the_pins_cover_what_the_course_promises():
    lessons, dev = lesson_pins(), dev_pins()
    for name in ["tensorflow", "tensorflow-cpu", "keras", "numpy", "pandas", "matplotlib",
                 "jupyterlab", "ipykernel", "ipywidgets"]:
        assert name in lessons, f"{name} is not pinned in requirements.txt"
    for name in ["nbval", "pytest", "ruff", "playwright", "mlxtend"]:
        assert name in dev, f"{name} is not pinned in requirements-dev.txt"
    assert lessons["tensorflow"].version == lessons["tensorflow-cpu"].version
    assert lessons["tensorflow"].version.startswith("2.21.")
    assert lessons["keras"].version.startswith("3.")


def _platform(sys_platform: str, machine: str, python: str = "3.11") -> dict[str, str]:
    return {"sys_platform": sys_platform, "platform_machine": machine, "python_version": python,
            "platform_system": {"linux": "Linux", "win32": "Windows", "darwin": "Darwin"}
            .get(sys_platform, sys_platform), "os_name": "nt" if sys_platform == "win32"
            else "posix", "python_full_version": f"{python}.0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "platform_release": "",
            "platform_version": "", "extra": ""}


PLATFORMS = [(p, m) for p in ["linux", "win32", "darwin", "freebsd"]
             for m in ["x86_64", "AMD64", "aarch64", "arm64", "ARM64"]]


@pytest.mark.parametrize("sys_platform,machine", PLATFORMS)
def test_each_platform_gets_exactly_one_tensorflow(sys_platform, machine):
    pins = lesson_pins()
    chosen = [name for name in TENSORFLOW_BUILDS
              if applies(pins[name], _platform(sys_platform, machine))]
    assert len(chosen) == 1, f"{sys_platform}/{machine}: the markers pick {chosen}"
    (build,) = chosen
    cpu_wheel = (sys_platform, machine) in TENSORFLOW_2_21_WHEELS["tensorflow-cpu"]
    # The CPU-only build wherever it exists (half the download on Linux), the regular build
    # everywhere else, including where neither has a wheel (pip then names `tensorflow`).
    assert build == ("tensorflow-cpu" if cpu_wheel else "tensorflow"), (sys_platform, machine)


def test_the_markers_name_only_platforms_with_wheels():
    # A marker that picked tensorflow-cpu on a platform it has no wheel for would break
    # `make lab` there: check every platform that has any TensorFlow 2.21 wheel.
    pins = lesson_pins()
    for sys_platform, machine in set().union(*TENSORFLOW_2_21_WHEELS.values()):
        for python in TENSORFLOW_2_21_PYTHONS:
            environment = _platform(sys_platform, machine, python)
            (build,) = [n for n in TENSORFLOW_BUILDS if applies(pins[n], environment)]
            assert (sys_platform, machine) in TENSORFLOW_2_21_WHEELS[build], \
                f"{build} has no wheel for {sys_platform}/{machine}"


def _installed_pins() -> list[tuple[str, str]]:
    pins = {**lesson_pins(), **dev_pins()}
    return sorted((name, pin.version) for name, pin in pins.items() if applies(pin))


@pytest.mark.parametrize("name,pinned", _installed_pins())
def test_installed_version_is_the_pinned_one(name, pinned):
    try:
        installed = version(name)
    except PackageNotFoundError:
        pytest.fail(f"{name} is pinned but not installed: rebuild .venv (make clean test)")
    assert installed == pinned, f"{name} {installed} is installed, {pinned} is pinned"


def _read(path: str) -> str:
    return (REPO_ROOT / path).read_text(encoding="utf-8")


def test_the_supported_python_versions_agree_everywhere():
    supported = supported_minor_versions()
    assert supported, "pyproject.toml's requires-python accepts no Python 3 version"
    low, high = supported[0], supported[-1]
    assert supported == [f"3.{n}" for n in range(int(low[2:]), int(high[2:]) + 1)]
    # TensorFlow 2.21 (pinned) has no wheel outside 3.10-3.13.
    assert set(supported) <= set(TENSORFLOW_2_21_PYTHONS), supported

    makefile = _read("Makefile")
    assert re.search(rf"^PYTHON_MIN\s*:?=\s*{re.escape(low)}\s*$", makefile, re.MULTILINE), \
        f"Makefile: PYTHON_MIN should be {low} (pyproject.toml's requires-python)"
    assert re.search(rf"^PYTHON_MAX\s*:?=\s*{re.escape(high)}\s*$", makefile, re.MULTILINE), \
        f"Makefile: PYTHON_MAX should be {high} (pyproject.toml's requires-python)"

    readme = README.read_text(encoding="utf-8")
    assert f"Python {low} to {high}" in readme, f"README: say 'Python {low} to {high}'"
    loose = re.findall(r"Python 3\.\d+(?:\+| or (?:newer|later))", readme)
    assert not loose, f"README states another range: {loose}"

    assert conda_python() in supported, f"environment.yml asks for python={conda_python()}"

    colab_script = re.search(r'^COLAB_PYTHON_VERSION=(\d+\.\d+)$',
                             _read("scripts/colab_env_test.sh"), re.MULTILINE)
    assert colab_script, "scripts/colab_env_test.sh: COLAB_PYTHON_VERSION=X.Y is missing"
    colab = colab_script.group(1)
    assert f"Colab's Python is {colab}" in _read("requirements-colab.txt")
    assert colab in supported, f"Colab's Python {colab} is outside requires-python"

    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert running in supported, f"these tests run on Python {running}, outside {supported}"


def _python_make_picks(tmp_path, names_ok: dict[str, bool], **env) -> str:
    """The PYTHON the Makefile chooses when PATH holds only these fake interpreters (True: a
    supported version, a link to this one; False: an unsupported one, which fails the check).
    make runs its shell as /bin/sh, so PATH needs nothing else."""
    import shutil
    import subprocess

    fake = tmp_path / "bin"
    fake.mkdir(parents=True)
    for name, ok in names_ok.items():
        if ok:
            (fake / name).symlink_to(sys.executable)
        else:
            (fake / name).write_text("#!/bin/sh\nexit 1\n")
            (fake / name).chmod(0o755)
    make = shutil.which("make")
    result = subprocess.run(
        [make, "-s", "--no-print-directory", "-C", str(REPO_ROOT),
         # ";": make runs the recipe through /bin/sh, whose echo needs nothing on PATH
         "--eval", "show-python: ; @echo '$(PYTHON)';", "show-python"],
        env={"PATH": str(fake), "HOME": str(tmp_path), **env},
        capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()


@pytest.mark.skipif(sys.platform == "win32", reason="make lab runs under a POSIX shell")
def test_make_lab_finds_a_supported_python_when_python3_is_not_one(tmp_path):
    """Ubuntu 22.04's python3 is 3.10, Homebrew's 3.14: the README's `make lab` then takes the
    newest supported python3.X on PATH instead of stopping; PYTHON=... still wins."""
    supported = supported_minor_versions()
    makefile = _read("Makefile")
    candidates = re.search(r"^PYTHON_CANDIDATES\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert candidates and candidates.group(1).split() == (
        ["python3"] + [f"python{v}" for v in reversed(supported)])
    newest, oldest = f"python{supported[-1]}", f"python{supported[0]}"
    assert _python_make_picks(tmp_path / "a", {"python3": True, newest: True}) == "python3"
    assert _python_make_picks(tmp_path / "b", {"python3": False, oldest: True}) == oldest
    assert _python_make_picks(tmp_path / "c", {"python3": False, newest: True,
                                               oldest: True}) == newest
    # None supported: python3, so that its check prints the README's message.
    assert _python_make_picks(tmp_path / "d", {"python3": False}) == "python3"
    assert _python_make_picks(tmp_path / "e", {"python3": False, oldest: True},
                              PYTHON="python3") == "python3"
