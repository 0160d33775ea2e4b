"""`pip install git+<repo>` (what Colab's setup cell runs) must carry everything the lessons
import, including the offline MNIST sample that lives in data/ in the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from scripts.paths import DATA_DIR, PACKAGE_DIR, REPO_ROOT


def test_wheel_contains_the_package_the_exercises_and_the_sample(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(tmp_path), str(REPO_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("course_utils-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"course_utils/{path.name}" for path in PACKAGE_DIR.glob("*.py")}
    exercises = {f"course_utils/exercises/{path.name}"
                 for path in (PACKAGE_DIR / "exercises").glob("*.py")}
    figures = {f"course_utils/figures/{path.name}" for path in (PACKAGE_DIR / "figures").glob("*")}
    assert len(figures) >= 2, figures
    sample_data = {f"course_utils/sample_data/{path.name}" for path in DATA_DIR.iterdir()
                   if path.suffix in (".npz", ".md", ".csv", ".py")}
    assert {"course_utils/sample_data/mnist_sample.npz",
            "course_utils/sample_data/lesson05_ablation.csv"} <= sample_data
    expected = modules | exercises | figures | sample_data
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert not any(name.startswith(("tests/", "notebooks/", "scripts/", "benchmarks/"))
                   for name in names)
