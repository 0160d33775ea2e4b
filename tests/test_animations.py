"""course_utils.animations: the GIFs exist, are small, are up to date and show true numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_utils import animations
from course_utils.animations import (
    CONV_GIF,
    FIGURES_FOLDER,
    MAX_GIF_BYTES,
    TRANSPOSED_GIF,
    convolution_steps,
    make_gifs,
    show_gif,
    transposed_convolution_steps,
)
from course_utils.data import (
    CONV_EXAMPLE_X,
    LESSON01_KERNEL,
    TRANSPOSED_EXAMPLE_KERNEL,
    TRANSPOSED_EXAMPLE_X,
)
from scripts.paths import PACKAGE_DIR, REPO_ROOT

FIGURES = PACKAGE_DIR / "figures"
FRAMES = {CONV_GIF: 9, TRANSPOSED_GIF: 5}  # 3x3 output cells; empty output + 2x2 inputs


def frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as image:
        result = []
        for index in range(image.n_frames):
            image.seek(index)
            result.append(np.asarray(image.convert("RGB")))
        return result


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    paths = make_gifs(folder)
    assert [p.name for p in paths] == [CONV_GIF, TRANSPOSED_GIF]
    return folder


@pytest.mark.parametrize("name", FRAMES)
def test_committed_gif_exists_and_is_small(name):
    path = FIGURES / name
    assert path.is_file(), f"{path} is missing: run `make gifs`"
    assert path.stat().st_size < MAX_GIF_BYTES == 300_000
    with Image.open(path) as image:
        assert image.format == "GIF" and image.n_frames == FRAMES[name]
        assert image.info.get("loop") == 0  # loops forever
        assert image.size[0] <= 700  # 7.6 inches at 90 dpi: fits a notebook column


@pytest.mark.parametrize("name", FRAMES)
def test_regenerated_gif_matches_the_committed_one(regenerated, name):
    new = regenerated / name
    assert new.stat().st_size < MAX_GIF_BYTES
    new_frames, old_frames = frames(new), frames(FIGURES / name)
    assert len(new_frames) == FRAMES[name]
    assert len(old_frames) == len(new_frames)
    for index, (a, b) in enumerate(zip(new_frames, old_frames, strict=True)):
        assert a.shape == b.shape
        assert np.array_equal(a, b), f"frame {index} of {name} is out of date: run `make gifs`"
    # frames differ from each other: something moves
    assert not np.array_equal(new_frames[0], new_frames[1])


def test_generation_is_deterministic(regenerated, tmp_path):
    again = animations.animate_transposed_convolution(tmp_path / TRANSPOSED_GIF)
    assert again.read_bytes() == (regenerated / TRANSPOSED_GIF).read_bytes()


def test_convolution_steps_match_tensorflow():
    import tensorflow as tf

    steps = convolution_steps(CONV_EXAMPLE_X, LESSON01_KERNEL, stride=2, padding=1)
    x = tf.constant(CONV_EXAMPLE_X[None, :, :, None], tf.float32)
    kernel = tf.constant(np.asarray(LESSON01_KERNEL)[:, :, None, None], tf.float32)
    expected = tf.nn.conv2d(x, kernel, strides=2,
                            padding=[[0, 0], [1, 1], [1, 1], [0, 0]]).numpy()[0, :, :, 0]
    assert expected.shape == (3, 3) and len(steps) == 9
    np.testing.assert_array_equal(steps[-1]["feature_map"], expected)
    for index, step in enumerate(steps):
        assert (step["row"], step["col"]) == divmod(index, 3)
        assert (step["top"], step["left"]) == (2 * step["row"], 2 * step["col"])
        assert step["value"] == expected[step["row"], step["col"]]
        assert np.isfinite(step["feature_map"]).sum() == index + 1  # filled one by one


def test_transposed_steps_match_keras():
    import keras

    layer = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="valid", use_bias=False,
                                         name="up")
    layer.build((None, 2, 2, 1))
    layer.set_weights([np.asarray(TRANSPOSED_EXAMPLE_KERNEL, "float32")[:, :, None, None]])
    expected = np.asarray(layer(TRANSPOSED_EXAMPLE_X[None, :, :, None].astype("float32")))
    expected = expected[0, :, :, 0]
    steps = transposed_convolution_steps(TRANSPOSED_EXAMPLE_X, TRANSPOSED_EXAMPLE_KERNEL)
    assert expected.shape == (5, 5) and len(steps) == 5
    np.testing.assert_allclose(steps[-1]["output"], expected)
    assert not steps[0]["output"].any()  # starts empty
    # step k adds exactly input value k times the kernel at (2 * row, 2 * col)
    for before, step in zip(steps, steps[1:], strict=False):
        added = step["output"] - before["output"]
        top, left = step["top"], step["left"]
        assert (top, left) == (2 * step["row"], 2 * step["col"])
        value = TRANSPOSED_EXAMPLE_X[step["row"], step["col"]]
        np.testing.assert_array_equal(added[top:top + 3, left:left + 3],
                                      value * TRANSPOSED_EXAMPLE_KERNEL)
        assert added.sum() == value * TRANSPOSED_EXAMPLE_KERNEL.sum()


def test_show_gif_shows_the_committed_file_and_refuses_others():
    assert FIGURES_FOLDER.resolve() == FIGURES.resolve()
    for name in (CONV_GIF, TRANSPOSED_GIF):
        image = show_gif(name)
        assert image.format == "gif" and image.data == (FIGURES / name).read_bytes()
    with pytest.raises(ValueError, match="name must be one of"):
        show_gif("missing.gif")


def test_make_target_and_command_line(monkeypatch, tmp_path, capsys):
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "$(BIN)/python -m course_utils.animations\n" in makefile
    written = []

    def fake_make_gifs(folder):  # the drawing itself is tested above; this is the CLI
        written.append(folder)
        path = Path(folder or tmp_path) / CONV_GIF
        path.write_bytes(b"GIF89a")
        return [path]

    monkeypatch.setattr(animations, "make_gifs", fake_make_gifs)
    animations.main(["animations", str(tmp_path)])
    assert written == [str(tmp_path)]
    assert capsys.readouterr().out == f"wrote {CONV_GIF} (6 bytes)\n"
    animations.main(["animations"])
    assert written[-1] is None  # the default: the package's figures folder
    with pytest.raises(SystemExit, match="usage"):
        animations.main(["animations", "a", "b"])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        convolution_steps(CONV_EXAMPLE_X, LESSON01_KERNEL, stride=0)
    with pytest.raises(ValueError, match="x must be 2-D"):
        transposed_convolution_steps(np.zeros((2, 2, 1)), TRANSPOSED_EXAMPLE_KERNEL)


def test_every_frame_has_readable_text(monkeypatch, tmp_path):
    """No text of any GIF frame overlaps another or leaves the frame."""
    from tests.figure_text import text_problems

    problems = []
    original = animations._frame_image

    def checked(fig):
        problems.extend(text_problems(fig))
        return original(fig)

    monkeypatch.setattr(animations, "_frame_image", checked)
    make_gifs(tmp_path)
    assert not problems, problems
