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

