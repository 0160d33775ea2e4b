"""Lesson 05's precomputed ablation table (data/lesson05_ablation.csv) is what
benchmarks/lesson05_ablation.py writes: eight steps at five seeds, and each step's weights and
multiplications are those of the model the script builds for it (counted by Keras)."""

from __future__ import annotations

import pandas as pd
import pytest

from course_utils.data import lesson05_ablation_path

pytest.importorskip("tensorflow")
ablation = pytest.importorskip("benchmarks.lesson05_ablation")

COLUMNS = ["step", "change", "seed", "weights", "mults", "epochs", "best_epoch", "val_accuracy",
           "test_accuracy", "epoch_seconds"]


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    path = lesson05_ablation_path()
    assert path.is_file(), f"{path} is missing: run python -m benchmarks.lesson05_ablation"
    assert path.read_text().startswith("# Written by `python -m benchmarks.lesson05_ablation`")
    return pd.read_csv(path, comment="#")


def test_every_step_ran_at_every_seed(runs):
    assert list(runs.columns) == COLUMNS
    assert sorted(runs["step"].unique()) == list(range(len(ablation.STEPS)))
    seeds = runs.groupby("step")["seed"].apply(lambda s: tuple(sorted(s)))
    assert all(value == tuple(ablation.SEEDS) for value in seeds), seeds
    assert (runs.groupby("step")["change"].first() == ablation.STEPS).all()


def test_weights_and_mults_are_those_of_the_models_the_script_builds(runs):
    for step, group in runs.groupby("step"):
        model = ablation.build_step(step)
        assert set(group["weights"]) == {model.count_params()}, step
        assert set(group["mults"]) == {ablation.mults_per_image(model)}, step


def test_the_kept_epoch_is_within_the_epochs_run(runs):
    assert (runs["best_epoch"] <= runs["epochs"]).all()
    assert runs["val_accuracy"].between(0, 1).all() and runs["test_accuracy"].between(0, 1).all()
