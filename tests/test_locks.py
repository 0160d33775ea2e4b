"""The install locks: what `make lab`, `make test` and `make test-colab` install, every package
pinned with hashes (scripts/lock.py makes them with uv; `make lock` runs it).

Offline checks of the files as committed: each pin of requirements*.txt is in its lock at the
same version; every locked release has hashes; the lessons' packages have the same versions in
the checking tools' lock; the locks were made with the Makefile's LOCK_DATE; and the Makefile
installs the locks in pip's --require-hashes mode. (That the locks resolve on every supported
platform needs the package index: `make lock` proves it, see scripts/lock.py.)
"""

from __future__ import annotations

import re
import subprocess

import pytest
from packaging.requirements import Requirement

from scripts.paths import REPO_ROOT
from tests.pins import Pin, dev_pins, lesson_pins, normalise, parse_pins

LOCKS = {"requirements.txt": "requirements.lock",
         "requirements-dev.txt": "requirements-dev.lock",
         "requirements-colab.txt": "requirements-colab.lock",
         "requirements-site.txt": "requirements-site.lock"}


def read_lock(name: str) -> dict[str, list[tuple[Pin, list[str]]]]:
    """{normalised name: [(Pin, hashes), ...]} of a lock (a name may appear once per marker)."""
    text = (REPO_ROOT / name).read_text(encoding="utf-8")
    entries: dict[str, list[tuple[Pin, list[str]]]] = {}
    for block in re.split(r"\n(?=\S)", text):
        first = block.split("\\", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        requirement = Requirement(first)
        (specifier,) = list(requirement.specifier)
        assert specifier.operator == "==", f"{name}: not an exact pin: {first!r}"
        pin = Pin(specifier.version, str(requirement.marker or ""))
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        entries.setdefault(normalise(requirement.name), []).append((pin, hashes))
    return entries


def colab_pins() -> dict[str, Pin]:
    return parse_pins((REPO_ROOT / "requirements-colab.txt").read_text().splitlines())


def site_pins() -> dict[str, Pin]:
    """requirements-site.txt names packages only: their versions are requirements-dev.lock's."""
    dev = read_lock("requirements-dev.lock")
    names = [normalise(line.strip()) for line in
             (REPO_ROOT / "requirements-site.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert all(name in dev for name in names), "requirements-site.txt names a package the " \
                                               "checking tools' lock lacks"
    return {name: dev[name][0][0] for name in names}


PINS = {"requirements.txt": lesson_pins, "requirements-dev.txt": dev_pins,
        "requirements-colab.txt": colab_pins, "requirements-site.txt": site_pins}


@pytest.mark.parametrize("pins, lock", LOCKS.items())
def test_every_pin_is_in_its_lock_at_the_same_version(pins, lock):
    locked = read_lock(lock)
    problems = []
    for name, pin in PINS[pins]().items():
        versions = {entry.version for entry, _ in locked.get(name, [])}
        if pin.version not in versions:
            problems.append(f"{name}: {pins} pins {pin.version}, {lock} has "
                            f"{sorted(versions) or 'nothing'}")
    assert not problems, f"run `make lock`: {problems}"


@pytest.mark.parametrize("lock", LOCKS.values())
def test_every_locked_release_has_hashes(lock):
    locked = read_lock(lock)
    assert len(locked) > 50, f"{lock} holds only {len(locked)} packages"
    unhashed = [name for name, entries in locked.items() for _, hashes in entries if not hashes]
    assert not unhashed, f"{lock}: no hash for {unhashed}"


def test_the_lessons_packages_have_the_same_versions_for_the_checking_tools():
    """make test's .venv holds exactly the releases make lab installs, plus the tools."""
    lessons, dev = read_lock("requirements.lock"), read_lock("requirements-dev.lock")
    differ = {name: ([p for p, _ in entries], [p for p, _ in dev.get(name, [])])
              for name, entries in lessons.items()
              if {p for p, _ in entries} != {p for p, _ in dev.get(name, [])}}
    assert not differ, differ


def test_the_site_is_built_with_the_checking_tools_versions():
    # the same releases; a marker may be narrower (fewer packages need cffi on CPython here)
    site, dev = read_lock("requirements-site.lock"), read_lock("requirements-dev.lock")
    differ = {name: [p.version for p, _ in entries] for name, entries in site.items()
              if {p.version for p, _ in entries} != {p.version for p, _ in dev.get(name, [])}}
    assert not differ, differ


def makefile_lock_date() -> str:
    found = re.findall(r"^LOCK_DATE \?= (\d{4}-\d\d-\d\d)$",
                       (REPO_ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(found) == 1, "the Makefile needs one LOCK_DATE ?= YYYY-MM-DD line"
    return found[0]


@pytest.mark.parametrize("lock", LOCKS.values())
def test_each_lock_was_made_by_uv_with_the_makefiles_date(lock):
    header = (REPO_ROOT / lock).read_text(encoding="utf-8").split("\n", 3)[:3]
    command = header[1]
    assert "uv pip compile" in command and "--universal" in command, header
    assert "--generate-hashes" in command, header
    assert f"--exclude-newer {makefile_lock_date()}T00:00:00Z" in command, (
        f"{lock} was made with another date than the Makefile's LOCK_DATE: {command}")


def dry_run(target: str) -> str:
    """The commands `make` would run for ``target`` in a .venv that does not exist yet."""
    result = subprocess.run(["make", "-n", "-B", target, "VENV=/nonexistent/venv"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_lab_installs_the_lessons_lock_with_hashes_and_nothing_else():
    commands = dry_run("lab")
    installs = [line for line in commands.splitlines() if "pip install" in line]
    assert installs == [
        "/nonexistent/venv/bin/python -m pip install --quiet --require-hashes -r "
        "requirements.lock",
        "/nonexistent/venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .",
    ], installs


def test_make_site_installs_the_site_lock_with_hashes_and_nothing_else():
    installs = [line for line in dry_run("site").splitlines() if "pip install" in line]
    assert installs == [
        "/nonexistent/venv/bin/python -m pip install --quiet --no-compile --require-hashes -r "
        "requirements-site.lock",
        "/nonexistent/venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .",
    ], installs


def test_make_test_adds_the_checking_tools_lock_with_hashes():
    installs = [line for line in dry_run("test").splitlines() if "pip install" in line]
    assert "/nonexistent/venv/bin/python -m pip install --quiet --require-hashes -r " \
           "requirements-dev.lock" in installs, installs
    assert all("--require-hashes" in line or "--no-deps" in line for line in installs), installs
