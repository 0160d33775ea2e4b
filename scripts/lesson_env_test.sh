#!/usr/bin/env bash
# `make test-lessons`: the lessons with nothing but what `make lab` installs.
#
# Builds .lessons-venv/ (git-ignored) with make lab's own recipe (`make venv-lessons`:
# requirements.lock, made from requirements.txt, and course_utils, nothing else; rebuilt when
# either changes), then
#   1. tests/test_lesson_environment.py, run from .venv, imports in .lessons-venv every module
#      the notebooks and course_utils import, and checks that .lessons-venv holds nothing beyond
#      the lesson pins and what they depend on;
#   2. every notebooks/*.ipynb runs top to bottom in a fresh .lessons-venv kernel, executed by
#      `jupyter nbconvert --execute`, a runner the lesson set already carries (nothing is
#      added), into a temporary folder. Outputs are not compared (`make test` does that): any
#      error fails, so a lesson that imports a test-only package fails here.
# The kernels get the tests' environment (scripts/harness_env.py: the MNIST sample, quiet TF).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.lessons-venv
"${MAKE:-make}" --no-print-directory venv-lessons VENV="$VENV"

LESSON_PYTHON="$PWD/$VENV/bin/python" .venv/bin/python -m pytest -o addopts="-ra --strict-markers" \
    -p no:cacheprovider tests/test_lesson_environment.py

eval "$("$VENV/bin/python" -c 'from scripts.harness_env import TEST_ENVIRONMENT as env
import shlex
print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in env.items()))')"

# The kernel must be .lessons-venv's own Python, not a kernelspec found elsewhere on the machine.
KERNEL_PYTHON=$("$VENV/bin/python" - <<'EOF'
import sys
from jupyter_client.kernelspec import KernelSpecManager
argv = KernelSpecManager().get_kernel_spec("python3").argv
print(sys.executable if argv[0] in ("python", "python3") else argv[0])
EOF
)
if [ "$(realpath "$KERNEL_PYTHON")" != "$(realpath "$VENV/bin/python")" ]; then
    echo "lesson_env_test: the python3 kernel runs $KERNEL_PYTHON, not $VENV/bin/python" >&2
    exit 1
fi

OUT=$(mktemp -d "${TMPDIR:-/tmp}/lessons-run.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
passed=0 failed=0
for notebook in notebooks/*.ipynb; do
    start=$SECONDS
    if "$VENV/bin/jupyter" nbconvert --to notebook --execute --output-dir "$OUT" \
            --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
            "$notebook" > "$OUT/log" 2>&1; then
        passed=$((passed + 1))
        printf 'ok      %-55s %4d s\n' "$notebook" $((SECONDS - start))
    else
        failed=$((failed + 1))
        printf 'FAILED  %-55s %4d s\n' "$notebook" $((SECONDS - start))
        tail -n 25 "$OUT/log" | sed 's/^/        /'
    fi
done
echo "lesson_env_test: every notebook in $VENV (requirements.lock alone)"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
