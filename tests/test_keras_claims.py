"""What the lessons say about a Keras version's behaviour, checked against the Keras installed
(3.15 in .venv, Colab's 3.13 under `make test-colab`), so the text cannot outlive the fact."""

from __future__ import annotations

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from scripts.paths import notebook_paths  # noqa: E402

VERSION = tuple(int(part) for part in keras.__version__.split(".")[:2])


def _lesson_text(prefix: str, cell_type: str | None = None) -> str:
    (path,) = [path for path in notebook_paths() if path.name.startswith(prefix)]
    return "\n".join("".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]
                     if cell_type in (None, cell["cell_type"]))


def test_train_on_batch_averages_over_calls_up_to_keras_3_14():
    """Lesson 06, section 7 (note 1 at the end of the lesson, which the comment beside
    `cnn.reset_metrics()` in the training cell points to): up to Keras 3.14 train_on_batch
    returns the mean loss since the last reset_metrics(); 3.15 resets by itself. Section 7
    resets before every step."""
    code, text = _lesson_text("06_", "code"), " ".join(_lesson_text("06_", "markdown").split())
    assert ("cnn.reset_metrics()   # this batch's loss, not a running mean (note 1 at the end)"
            in code)
    assert ("Note 1: on Keras 3.14 and older, `train_on_batch` returns a running mean unless "
            "`reset_metrics()` runs first." in text)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 4)).astype("float32"), rng.integers(0, 3, 32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="scores")],
                             name="claims")
    model.compile(optimizer=keras.optimizers.SGD(0.0),  # no update: the losses are fixed
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    halves = (slice(0, 16), slice(16, 32))
    per_batch = [float(model.compute_loss(x=x[h], y=y[h], y_pred=model(x[h]))) for h in halves]
    assert abs(per_batch[0] - per_batch[1]) > 1e-3  # the two batches' losses differ
    model.reset_metrics()
    returned = [float(model.train_on_batch(x[h], y[h])) for h in halves]
    np.testing.assert_allclose(returned[0], per_batch[0], rtol=1e-5)
    expected_second = per_batch[1] if VERSION >= (3, 15) else sum(per_batch) / 2
    np.testing.assert_allclose(returned[1], expected_second, rtol=1e-5)
