"""setup_notebook(): quiet TensorFlow, fixed seeds and widths, one stable line of output.

Each case runs in a fresh interpreter, as a notebook kernel would, with TensorFlow's noise
going to the real file descriptor 2 (where the absl start-up line goes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SNIPPET = textwrap.dedent("""
    from course_utils import setup_notebook
    setup_notebook({seed})
    import keras, numpy as np
    model = keras.Sequential([keras.Input((28, 28, 1)),
                              keras.layers.Conv2D(3, 5, name="conv1"),
                              keras.layers.Flatten(name="flatten"),
                              keras.layers.Dense(10, name="dense1")], name="tiny")
    print("weights", float(model.get_layer("dense1").get_weights()[0].sum()))
    print("numpy", np.random.rand())
    {extra}
""")


def run_setup(seed=42, extra="", columns=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TF_", "COLUMNS", "JUPYTER_COLUMNS"))}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    result = subprocess.run([sys.executable, "-c", SNIPPET.format(seed=seed, extra=extra)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def first_run():
    return run_setup()


def test_prints_one_stable_line_and_nothing_on_stderr(first_run):
    lines = first_run.stdout.splitlines()
    assert lines[0] == ("Setup complete: seed 42, deterministic TensorFlow ops, quiet logs, "
                        "plots at 90 dpi.")
    assert "absl" not in first_run.stderr and "I0000" not in first_run.stderr, first_run.stderr
    assert first_run.stderr.strip() == "", first_run.stderr


def test_same_seed_same_weights_and_numbers(first_run):
    assert run_setup().stdout == first_run.stdout


def test_another_seed_changes_the_weights(first_run):
    other = run_setup(seed=7).stdout.splitlines()
    assert other[1] != first_run.stdout.splitlines()[1]


def test_summary_does_not_depend_on_the_terminal_width():
    extra = "model.summary()"
    narrow = run_setup(extra=extra, columns=60).stdout
    wide = run_setup(extra=extra, columns=200).stdout
    assert "conv1 (Conv2D)" in narrow and "78" in narrow
    assert narrow == wide


def test_environment_is_set_for_tensorflow():
    extra = ("import os; print(os.environ['TF_ENABLE_ONEDNN_OPTS'], "
             "os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['COLUMNS'])")
    assert run_setup(extra=extra).stdout.splitlines()[-1] == "0 3 100"


def test_tensorflow_imported_first_gets_a_warning():
    code = ("import tensorflow, warnings\nfrom course_utils import setup_notebook\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    warnings.simplefilter('always')\n    setup_notebook()\n"
            "print([str(w.message) for w in caught])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert "Restart the kernel" in result.stdout


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True])
def test_bad_seed_is_refused(seed):
    from course_utils import setup_notebook

    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        setup_notebook(seed)


def test_tensor_float_32_is_off_after_the_setup_and_on_without_it():
    # TensorFlow's default is on (it then applies on Ampere and newer GPUs); the setup turns it
    # off so that float32 convolutions keep full precision wherever a lesson runs.
    after = run_setup(extra="import tensorflow as tf\n"
                            "print('tf32', tf.config.experimental."
                            "tensor_float_32_execution_enabled())")
    assert after.stdout.splitlines()[-1] == "tf32 False"
    default = subprocess.run(
        [sys.executable, "-c", "import tensorflow as tf; "
         "print(tf.config.experimental.tensor_float_32_execution_enabled())"],
        capture_output=True, text=True, timeout=120)
    assert default.stdout.strip() == "True", default.stderr[-2000:]


def test_on_a_gpu_the_setup_says_that_tensor_float_32_is_off():
    from course_utils.notebook_setup import GPU_NOTE, _gpu_note

    class FakeConfig:
        def __init__(self, devices):
            self.devices = devices

        def list_physical_devices(self, kind=None):
            return [d for d in self.devices if kind is None or d == kind]

    class FakeTensorFlow:
        def __init__(self, devices):
            self.config = FakeConfig(devices)

    assert _gpu_note(FakeTensorFlow(["CPU", "GPU"])) == GPU_NOTE
    assert "TensorFloat-32 is off" in GPU_NOTE
    assert _gpu_note(FakeTensorFlow(["CPU"])) is None



# --- check_versions (lesson 00, section 1) ------------------------------------------------------


def _minor_of(version: str) -> str:
    return ".".join(version.split(".")[:2])


def test_the_tested_versions_are_the_pinned_ones_and_colabs():
    """TESTED_VERSIONS names requirements.txt's TensorFlow and Keras (make test) and Colab's
    (requirements-colab.txt, make test-colab), oldest first; SUPPORTED_PYTHON is
    requires-python's first and last version."""
    from course_utils.notebook_setup import SUPPORTED_PYTHON, TESTED_VERSIONS
    from tests.pins import REPO_ROOT, lesson_pins, parse_pins, supported_minor_versions

    colab = parse_pins((REPO_ROOT / "requirements-colab.txt").read_text().splitlines())
    pinned = lesson_pins()
    for name, package in (("TensorFlow", "tensorflow"), ("Keras", "keras")):
        versions = sorted({_minor_of(colab[package].version), _minor_of(pinned[package].version)},
                          key=lambda v: tuple(map(int, v.split("."))))
        assert TESTED_VERSIONS[name] == (versions[0], versions[-1]), name
    supported = supported_minor_versions()
    assert SUPPORTED_PYTHON == (supported[0], supported[-1])


def _verdict(capsys, devices=("CPU",), **changed):
    from course_utils.notebook_setup import check_versions

    versions = {"Python": "3.11.7", "TensorFlow": "2.21.0", "Keras": "3.15.1", "NumPy": "2.4.6"}
    check_versions({**versions, **changed}, devices=list(devices))
    return capsys.readouterr().out.splitlines()


def test_check_versions_approves_only_tested_versions(capsys):
    assert _verdict(capsys)[-1].startswith("All good")
    assert _verdict(capsys, TensorFlow="2.20.0", Keras="3.13.2")[-1].startswith("All good")
    newer = _verdict(capsys, TensorFlow="2.22.0")[-1]
    assert newer.startswith("Warning: the course is not tested with TensorFlow 2.22.0."), newer
    older_keras = _verdict(capsys, Keras="3.10.0")[-1]
    assert "not tested with Keras 3.10.0" in older_keras


def test_check_versions_warns_that_unsupported_versions_will_fail(capsys):
    for changed, named in [({"Python": "3.10.12"}, "Python 3.10.12"),
                           ({"TensorFlow": "2.19.0"}, "TensorFlow 2.19.0"),
                           ({"Keras": "2.15.0"}, "Keras 2.15.0")]:
        last = _verdict(capsys, **changed)[-1]
        assert last.startswith(f"Warning: the course does not support {named}"), last
        assert "Some lessons will fail" in last


def test_check_versions_names_the_devices_in_one_line(capsys):
    devices = [line for line in _verdict(capsys) if line.startswith("Devices")]
    assert devices == ["Devices     CPU only: every lesson is sized to run on a CPU."]
    gpu = [line for line in _verdict(capsys, devices=("CPU", "GPU")) if line.startswith("Devices")]
    assert gpu == ["Devices     CPU and 1 GPU: the lessons run on either; only timings change."]


def test_check_versions_reads_this_kernel(capsys):
    """Without arguments it reports the running interpreter and TensorFlow, here the pinned
    (tested) ones, on this machine's devices."""
    import platform

    from course_utils.notebook_setup import check_versions

    check_versions()
    out = capsys.readouterr().out
    assert out.startswith(f"Python      {platform.python_version()}")
    assert "Devices     CPU" in out and out.rstrip().endswith("tested with these versions.")
