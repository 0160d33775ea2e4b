"""Lesson 05's precomputed tables are what benchmarks/lesson05_ablation.py writes.

data/lesson05_selection.csv: the improved model's settings chosen on the validation split (the
script's SETTINGS are the choice its table makes; every candidate ran at every selection seed;
the test split is not in it). data/lesson05_ablation.csv: eight steps at five seeds, each step's
weights and multiplications those of the model the script builds for it (counted by Keras), and
steps 5-7 named with the chosen settings. data/lesson05_scaling.csv: raw against scaled pixels,
one epoch, at the ablation's seeds. data/lesson05_source.csv: the source model and the Dense-only
baseline at the lesson's seeds; at the ablation's seeds its source runs are the ablation's
step 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.data import (
    lesson05_ablation_path,
    lesson05_scaling_path,
    lesson05_selection_path,
    lesson05_source_path,
)

pytest.importorskip("tensorflow")
ablation = pytest.importorskip("benchmarks.lesson05_ablation")

COLUMNS = ["step", "change", "seed", "weights", "mults", "epochs", "best_epoch", "val_accuracy",
           "test_accuracy", "epoch_seconds", "loss_per_epoch", "val_loss_per_epoch"]
SELECTION_COLUMNS = ["stage", *ablation.CANDIDATES, "seed", "epochs_run", "best_epoch",
                     "val_accuracy", "val_loss"]


def read(path, flag: str) -> pd.DataFrame:
    assert path.is_file(), f"{path} is missing: run python -m benchmarks.lesson05_ablation{flag}"
    assert path.read_text().startswith(f"# Written by `python -m benchmarks.lesson05_ablation"
                                       f"{flag}`")
    return pd.read_csv(path, comment="#")


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return read(lesson05_ablation_path(), "")


@pytest.fixture(scope="module")
def selection() -> pd.DataFrame:
    return read(lesson05_selection_path(), " --select")


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
    for _, row in runs.iterrows():
        losses = [float(v) for v in row["loss_per_epoch"].split()]
        val_losses = [float(v) for v in row["val_loss_per_epoch"].split()]
        assert len(losses) == len(val_losses) == row["epochs"]
        assert int(np.argmin(val_losses)) + 1 == row["best_epoch"]


def test_the_settings_are_the_ones_the_selection_study_chose(selection):
    assert list(selection.columns) == SELECTION_COLUMNS
    assert ablation.choose_settings(selection) == ablation.SETTINGS
    start = selection[selection["stage"] == "start"]
    assert ablation.runs_with(start, ablation.EARLIER_SETTINGS).shape[0] == len(start) == 3


def test_the_selection_tried_every_candidate_at_every_seed_and_never_the_test_split(selection):
    chosen = dict(ablation.EARLIER_SETTINGS)
    for knob, values in ablation.CANDIDATES.items():
        for value in values:
            tried = ablation.runs_with(selection, {**chosen, knob: value})
            assert sorted(tried["seed"]) == list(ablation.SELECTION_SEEDS), (knob, value)
        chosen[knob] = ablation.best_value(selection, chosen, knob)
    assert not selection.duplicated([*ablation.CANDIDATES, "seed"]).any()
    assert not any("test" in column for column in selection.columns)
    assert set(ablation.SELECTION_SEEDS).isdisjoint(ablation.SEEDS)


def test_best_value_keeps_the_current_choice_on_a_tie():
    rows = [{**ablation.EARLIER_SETTINGS, "dropout": d, "seed": 0, "val_accuracy": a}
            for d, a in [(0.1, 0.97), (0.3, 0.97), (0.5, 0.96)]]
    table = pd.DataFrame(rows)
    assert ablation.best_value(table, ablation.EARLIER_SETTINGS, "dropout") == 0.3
    rows[0]["val_accuracy"] = 0.98
    assert ablation.best_value(pd.DataFrame(rows), ablation.EARLIER_SETTINGS, "dropout") == 0.1


def test_the_last_step_is_the_model_the_settings_describe():
    model = ablation.build_step(7)
    assert model.get_layer("drop").rate == ablation.SETTINGS["dropout"]
    assert model.get_layer("shift").height_factor == ablation.SETTINGS["shift"]
    assert model.get_layer("norm1").momentum == ablation.SETTINGS["bn_momentum"]
    batch, epochs = ablation.compile_step(model, 7, ablation.TRAIN_DIGITS)
    assert (batch, epochs) == (ablation.SETTINGS["batch"], ablation.SETTINGS["epochs"])
    assert np.isclose(float(model.optimizer.learning_rate), ablation.SETTINGS["learning_rate"])


def test_the_scaling_table_has_raw_and_scaled_at_every_seed():
    table = read(lesson05_scaling_path(), " --scaling")
    assert list(table.columns) == ["seed", "pixels", "mean_loss_epoch1", "largest_batch_loss",
                                   "loss_after_epoch1", "val_loss", "val_accuracy"]
    assert sorted(table["seed"].unique()) == list(ablation.SEEDS)
    # a list of lists, not a Series of lists: pandas 2.2 (Colab) cannot compare those
    assert (table.groupby("seed")["pixels"].apply(sorted).tolist()
            == [["raw 0-255", "scaled 0-1"]] * len(ablation.SEEDS))
    assert table["val_accuracy"].between(0, 1).all() and (table["loss_after_epoch1"] > 0).all()
    # the largest batch loss is at least the epoch's mean over its batches
    assert (table["largest_batch_loss"] >= table["mean_loss_epoch1"] - 0.01).all()
    assert (table["val_loss"] > 0).all()


def test_the_source_table_has_every_lesson_seed_and_agrees_with_the_ablation(runs):
    table = read(lesson05_source_path(), " --source").set_index("seed")
    assert list(table.columns) == [
        "epochs", "best_epoch", "val_accuracy_kept", "val_accuracy_last", "p_true_wrong_kept",
        "p_true_wrong_last", "wrong", "confident_wrong", "largest_abs_correlation",
        "conv2_peak_places", "dense_only_val_accuracy"]
    assert list(table.index) == list(ablation.LESSON_SEEDS)
    step0 = runs[runs["step"] == 0].set_index("seed")
    # the same training as the ablation's step 0, one-hot labels instead of integers
    np.testing.assert_allclose(table.loc[step0.index, "val_accuracy_kept"],
                               step0["val_accuracy"], atol=0.0051)
    assert (table["best_epoch"] <= table["epochs"]).all()
    assert (table["confident_wrong"] <= table["wrong"]).all()
    assert table["conv2_peak_places"].between(1, 6).all()
