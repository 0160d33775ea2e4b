"""Regenerate the install locks, and prove each resolves on every platform the course supports.

    python -m scripts.lock --date 2026-12-06   (what `make lock` runs; needs the package index)
    python -m scripts.lock --check-only        (only the platform proof, for the locks as they are)

Three locks, each made by uv's universal resolver with a sha256 hash for every file of every
pinned release, so pip's --require-hashes mode installs exactly them and nothing else:

* requirements.lock          <- requirements.txt:        what `make lab` installs
* requirements-dev.lock      <- requirements-dev.txt:    `make test` and the other checking targets
                                (constrained by requirements.lock: the lessons' packages at the
                                same versions in both)
* requirements-colab.lock    <- requirements-colab.txt:  `make test-colab` (Colab's versions)
* requirements-site.lock     <- requirements-site.txt:   `make site` (the website's generator and
                                course_utils's imports only, at requirements-dev.lock's versions)

`--date` is uv's --exclude-newer: a release published after that day is not considered, so
running this again gives the same locks until the date (or a pin) is changed on purpose. The
Makefile's LOCK_DATE holds it and tests/test_locks.py checks the locks were made with it.

The check resolves each pin file again for every platform and Python the README supports
(Linux x86-64 and ARM64, macOS on Apple silicon, Windows x86-64; Python 3.11-3.13; Colab's
lock: Linux x86-64, Python 3.11 and 3.13), wheels only (--no-build), constrained by its lock,
and fails if any of them does not resolve or needs a release the lock does not hold.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

from .paths import REPO_ROOT

PLATFORMS = {  # uv's names for the README's platforms (glibc 2.28 or newer on Linux)
    "Linux x86-64": "x86_64-manylinux_2_28",
    "Linux ARM64": "aarch64-manylinux_2_28",
    "macOS, Apple silicon": "aarch64-apple-darwin",
    "Windows x86-64": "x86_64-pc-windows-msvc",
}
PYTHONS = ("3.11", "3.12", "3.13")
LOWEST_PYTHON = PYTHONS[0]

#: (pin file, lock, constraint, what to check it on)
LOCKS = [
    ("requirements.txt", "requirements.lock", None,
     [(p, v) for p in PLATFORMS for v in PYTHONS]),
    ("requirements-dev.txt", "requirements-dev.lock", "requirements.lock",
     [(p, v) for p in PLATFORMS for v in PYTHONS]),
    ("requirements-colab.txt", "requirements-colab.lock", None,
     [("Linux x86-64", "3.11"), ("Linux x86-64", "3.13")]),
    ("requirements-site.txt", "requirements-site.lock", "requirements-dev.lock",
     [(p, v) for p in PLATFORMS for v in PYTHONS]),
]

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def uv() -> str:
    """The uv binary pinned in requirements-dev.txt (installed into .venv by `make venv`)."""
    try:
        from uv import find_uv_bin
    except ImportError:
        sys.exit("uv is not installed here: run `make venv` first (requirements-dev.txt pins it)")
    return find_uv_bin()


def compile_lock(pins: str, lock: str, constraint: str | None, date: str) -> None:
    command = [uv(), "pip", "compile", pins, "--universal", "--python-version", LOWEST_PYTHON,
               "--generate-hashes", "--exclude-newer", f"{date}T00:00:00Z", "-o", lock, "-q"]
    if constraint:
        command[4:4] = ["-c", constraint]
    subprocess.run(command, cwd=REPO_ROOT, check=True)
    print(f"wrote {lock} from {pins}")


def locked_releases(lock: str) -> set[str]:
    """'name==version' of every release a lock holds (normalised names)."""
    text = (REPO_ROOT / lock).read_text(encoding="utf-8")
    return {f"{re.sub(r'[-_.]+', '-', m.group(1)).lower()}=={m.group(2)}"
            for m in map(PIN.match, text.splitlines()) if m}


def lock_date(lock: str) -> str:
    """The --exclude-newer day a lock was made with (from the command uv writes at its top)."""
    found = re.search(r"--exclude-newer (\d{4}-\d\d-\d\d)",
                      (REPO_ROOT / lock).read_text(encoding="utf-8"))
    return found.group(1) if found else ""


def check(pins: str, lock: str, platform: str, python: str) -> str | None:
    """None when ``pins`` resolves on that platform and Python, wheels only, to releases the
    lock holds; otherwise what went wrong."""
    result = subprocess.run(
        [uv(), "pip", "compile", pins, "-c", lock, "--python-platform", PLATFORMS[platform],
         "--python-version", python, "--exclude-newer", f"{lock_date(lock)}T00:00:00Z",
         "--no-build", "--no-header", "--no-annotate", "-q"],
        cwd=REPO_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        return result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"
    resolved = {f"{re.sub(r'[-_.]+', '-', m.group(1)).lower()}=={m.group(2)}"
                for m in map(PIN.match, result.stdout.splitlines()) if m}
    outside = sorted(resolved - locked_releases(lock))
    return f"needs releases the lock lacks: {outside}" if outside else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", help="resolve as of this day (YYYY-MM-DD): uv --exclude-newer")
    parser.add_argument("--check-only", action="store_true",
                        help="do not regenerate; only prove the locks resolve everywhere")
    args = parser.parse_args(argv)
    if not args.check_only:
        if not args.date or not re.fullmatch(r"\d{4}-\d\d-\d\d", args.date):
            parser.error("--date YYYY-MM-DD is required to regenerate the locks "
                         "(the Makefile passes LOCK_DATE)")
        for pins, lock, constraint, _ in LOCKS:
            compile_lock(pins, lock, constraint, args.date)
    failures = 0
    for pins, lock, _, targets in LOCKS:
        print(f"{lock}: {len(locked_releases(lock))} releases, resolved as of {lock_date(lock)}")
        for platform, python in targets:
            problem = check(pins, lock, platform, python)
            failures += problem is not None
            print(f"  {platform:<22} Python {python}: {problem or 'resolves within the lock'}")
    if failures:
        print(f"{failures} platform checks failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
