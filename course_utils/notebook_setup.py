"""The first code cell of every lesson calls :func:`setup_notebook`.

It makes a notebook give the same output on every run and on every machine:

* TensorFlow is imported quietly. Its C++ start-up lines (the absl "All log messages before
  absl::InitializeLog() is called" warning, CUDA probing, CPU-feature notes) carry timestamps
  and process ids, go straight to file descriptor 2, and some ignore ``TF_CPP_MIN_LOG_LEVEL``;
  so the import runs with descriptor 2 pointed at ``os.devnull`` and is restored afterwards.
* oneDNN is switched off (``TF_ENABLE_ONEDNN_OPTS=0``): its fused kernels change float
  rounding, so printed results could differ in the last digits between machines.
* Random seeds are fixed (``keras.utils.set_random_seed``) and TensorFlow ops are made
  deterministic (``tf.config.experimental.enable_op_determinism``).
* TensorFloat-32 is switched off (``tf.config.experimental.enable_tensor_float_32_execution``).
  TensorFlow turns it on by default on NVIDIA Ampere and newer GPUs (Colab's A100 and L4):
  float32 convolutions and matrix products then round their inputs to 10 mantissa bits, about
  1e-3 relative error, and the lessons' checks (NumPy against TensorFlow to 1e-5) would fail.
  On a CPU it changes nothing; on a GPU the setup says so in one more line.
* The console width is fixed: Keras 3 ``model.summary()`` sizes its table from the terminal
  (``COLUMNS``) and, in Jupyter, from ``JUPYTER_COLUMNS``; both are set to one value.
* Plots get small, readable defaults (90 dpi: 7-point text is 9 pixels, the least a learner
  reads) so a notebook with many figures stays small.

Lesson 00 also calls :func:`check_versions`: the versions of Python, TensorFlow, Keras and NumPy
the kernel runs, against the ones the course supports and is tested with, and the devices
TensorFlow sees.

These environment variables only take effect if TensorFlow has not been imported yet, which
is why the setup cell comes first, and why TensorFlow and Keras are the only modules the
course imports inside functions: importing ``course_utils`` must not import TensorFlow.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import subprocess
import sys
import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd

from .colab import in_colab

__all__ = ["setup_notebook", "check_versions", "DEFAULT_SEED", "CONSOLE_COLUMNS", "GPU_NOTE",
           "SUPPORTED_PYTHON", "TESTED_VERSIONS"]

#: The line the setup prints on a GPU, where TensorFloat-32 would otherwise be on.
GPU_NOTE = ("On this GPU, TensorFloat-32 is off, so float32 convolutions and matrix products "
            "keep full precision and the lessons' checks hold; timings differ from the CPU's.")
DEFAULT_SEED = 42

#: The Python versions the course supports, first and last (pyproject.toml's requires-python;
#: tests/test_notebook_setup.py keeps the two equal).
SUPPORTED_PYTHON = ("3.11", "3.13")
#: The TensorFlow and Keras versions the course is tested with: the ones requirements.txt pins
#: (``make test``) and Colab's (requirements-colab.txt, ``make test-colab``). Major.minor only;
#: tests/test_notebook_setup.py keeps them equal to the two files.
TESTED_VERSIONS = {"TensorFlow": ("2.20", "2.21"), "Keras": ("3.13", "3.15")}
CONSOLE_COLUMNS = 100
FIGURE_DPI = 90  # 7-point text is 9 pixels: the smallest a learner reads

_QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "COLUMNS": str(CONSOLE_COLUMNS),
    "JUPYTER_COLUMNS": str(CONSOLE_COLUMNS),
}


@contextlib.contextmanager
def _stderr_descriptor_silenced():
    """Point file descriptor 2 at os.devnull for the duration of the block.

    TensorFlow's C++ logging writes to the descriptor directly, below Python's ``sys.stderr``,
    so redirecting ``sys.stderr`` alone would not catch it.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (some embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _ensure_tensorflow() -> None:
    if importlib.util.find_spec("tensorflow") is not None:
        return
    if in_colab():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "tensorflow"], check=True)
        return
    raise ModuleNotFoundError(
        "TensorFlow is not installed in the environment this kernel runs in. "
        "From the course folder run `make lab` (it creates .venv with the pinned versions) "
        "and pick the kernel of that environment; see README.md, 'Troubleshooting'."
    )


def _import_tensorflow_quietly():
    with _stderr_descriptor_silenced():
        import tensorflow as tf

        # The first device query and the first op initialise the runtime, which logs too.
        tf.config.list_physical_devices()
        tf.constant(0.0).numpy()
    tf.get_logger().setLevel("ERROR")
    return tf


def _set_plot_defaults() -> None:
    mpl.rcParams.update(
        {
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": FIGURE_DPI,
            "figure.figsize": (6.0, 3.5),
            "font.size": 10,
            "axes.titlesize": 10,
            "image.cmap": "viridis",  # perceptually uniform and colour-blind friendly
            "figure.max_open_warning": 0,
        }
    )


def setup_notebook(seed: int = DEFAULT_SEED) -> None:
    """Prepare a lesson's kernel: quiet TensorFlow, fixed seeds, fixed widths, plot defaults.

    Every lesson's setup cell calls it; lesson 00 explains what it does.

    Call it in the first code cell, before anything imports TensorFlow. It prints one line
    that is the same on every machine.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if "tensorflow" in sys.modules:
        warnings.warn(
            "TensorFlow was imported before setup_notebook(): its logging and oneDNN settings "
            "can no longer change. Restart the kernel and run the setup cell first.",
            stacklevel=2,
        )
    os.environ.update(_QUIET_ENVIRONMENT)

    _ensure_tensorflow()
    tf = _import_tensorflow_quietly()
    import keras  # after TensorFlow, quietly imported above

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    np.set_printoptions(precision=4, suppress=True, linewidth=CONSOLE_COLUMNS)
    _set_plot_defaults()
    pd.set_option("display.width", CONSOLE_COLUMNS)
    pd.set_option("display.precision", 4)
    print(f"Setup complete: seed {seed}, deterministic TensorFlow ops, quiet logs, plots at "
          f"{FIGURE_DPI} dpi.")
    note = _gpu_note(tf)
    if note:
        print(note)


def _gpu_note(tf) -> str | None:
    """GPU_NOTE when TensorFlow sees a GPU (where TensorFloat-32 matters), else None."""
    return GPU_NOTE if tf.config.list_physical_devices("GPU") else None


def _minor(version: str) -> tuple[int, int]:
    """(major, minor) of a version string: '2.21.0' -> (2, 21), '2.22.0rc1' -> (2, 22)."""
    parts = [int("".join(ch for ch in part if ch.isdigit()) or 0)
             for part in version.split(".")[:2]]
    return (parts + [0, 0])[0], (parts + [0, 0])[1]


def _installed_versions() -> dict[str, str]:
    import keras
    import tensorflow as tf

    return {"Python": platform.python_version(), "TensorFlow": tf.__version__,
            "Keras": keras.__version__, "NumPy": np.__version__}


def _devices() -> list[str]:
    import tensorflow as tf

    return [device.device_type for device in tf.config.list_physical_devices()]


def check_versions(versions: dict[str, str] | None = None,
                   devices: list[str] | None = None) -> None:
    """Print the versions this kernel runs, the devices TensorFlow sees, and one verdict.

    Lesson 00, section 1. Python must lie in :data:`SUPPORTED_PYTHON`, TensorFlow must be 2.20
    or newer and Keras must be Keras 3; TensorFlow and Keras are then compared with
    :data:`TESTED_VERSIONS`, the versions the course is tested with. A version outside them
    gets a warning that says what to expect, not an approval. ``versions`` (name -> version
    string) and ``devices`` (TensorFlow's device types) default to this kernel's; give them to
    see another verdict.

    >>> check_versions({"Python": "3.11.7", "TensorFlow": "2.21.0", "Keras": "3.15.1",
    ...                 "NumPy": "2.4.6"}, devices=["CPU"])
    Python      3.11.7   (supported: 3.11 to 3.13)
    TensorFlow  2.21.0   (tested: 2.20 to 2.21)
    Keras       3.15.1   (tested: 3.13 to 3.15)
    NumPy       2.4.6
    Devices     CPU only: every lesson is sized to run on a CPU.
    All good: the course is tested with these versions.
    >>> check_versions({"Python": "3.13.1", "TensorFlow": "2.22.0", "Keras": "3.16.0",
    ...                 "NumPy": "2.4.6"}, devices=["CPU", "GPU"])  # doctest: +NORMALIZE_WHITESPACE
    Python      3.13.1   (supported: 3.11 to 3.13)
    TensorFlow  2.22.0   (tested: 2.20 to 2.21)
    Keras       3.16.0   (tested: 3.13 to 3.15)
    NumPy       2.4.6
    Devices     CPU and 1 GPU: the lessons run on either; only timings change.
    Warning: the course is not tested with TensorFlow 2.22.0 and Keras 3.16.0. The lessons will
    most likely run; a printed number may differ in its last digits, and the assert cells check
    what matters. If a cell fails, see Troubleshooting in the README.
    """
    versions = _installed_versions() if versions is None else dict(versions)
    devices = _devices() if devices is None else list(devices)
    low, high = SUPPORTED_PYTHON
    python = versions["Python"]
    print(f"{'Python':<11} {python:<8} (supported: {low} to {high})")
    unsupported, untested = [], []
    if not _minor(low) <= _minor(python) <= _minor(high):
        unsupported.append(f"Python {python}")
    for name, (first, last) in TESTED_VERSIONS.items():
        version = versions[name]
        print(f"{name:<11} {version:<8} (tested: {first} to {last})")
        if _minor(version)[0] != _minor(first)[0] or (name == "TensorFlow"
                                                        and _minor(version) < _minor(first)):
            unsupported.append(f"{name} {version}")
        elif not _minor(first) <= _minor(version) <= _minor(last):
            untested.append(f"{name} {version}")
    print(f"{'NumPy':<11} {versions['NumPy']}")
    gpus = devices.count("GPU")
    where = ("CPU only: every lesson is sized to run on a CPU." if not gpus else
             f"CPU and {gpus} GPU{'s' if gpus > 1 else ''}: the lessons run on either; only "
             "timings change.")
    print(f"{'Devices':<11} {where}")
    if unsupported:
        print(f"Warning: the course does not support {' and '.join(unsupported)} (it needs "
              f"Python {low} to {high}, TensorFlow {TESTED_VERSIONS['TensorFlow'][0]} or newer "
              "and Keras 3). Some lessons will fail: install the pinned versions with `make lab` "
              "(see Troubleshooting in the README).")
    elif untested:
        print(f"Warning: the course is not tested with {' and '.join(untested)}. The lessons "
              "will most likely run; a printed number may differ in its last digits, and the "
              "assert cells check what matters. If a cell fails, see Troubleshooting in the "
              "README.")
    else:
        print("All good: the course is tested with these versions.")
