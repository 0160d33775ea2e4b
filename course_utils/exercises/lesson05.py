"""Check yourself, lesson 05: an MNIST Conv2D model.

In the notebook::

    from course_utils.exercises.lesson05 import q1, q2, q3, q4, q5, q6, q7, q8

    answer = ____
    q1.check(answer)

Every expected answer is computed here from the question's own numbers with the course's
arithmetic (never typed in); tests/test_exercises_lesson05.py checks them against Keras.
The counting questions use other layer sizes than the lesson's worked models, so no answer is
printed in the lesson; q3 asks for a function, checked against Keras's EarlyStopping on its
own runs (Q3_RUN among them), and q8 reads the lesson's ablation table. Importing this
module imports Keras (q5 builds and trains models): the notebook imports it after its setup
cell has configured TensorFlow.
"""

from __future__ import annotations

import inspect
import numbers

import keras
import numpy as np
import pandas as pd
from keras import layers

from ..arithmetic import conv_mults, conv_output_size, conv_params
from ..data import lesson05_ablation_path, load_mnist
from ..validation import describe, is_keras_model
from . import Exercise, OneImageShape, UnreadableAnswer, bind_exercises, function, number, shape


def _dense_params(inputs: int, units: int) -> int:
    """Weights and biases of a Dense layer: (inputs + 1) * units."""
    return (inputs + 1) * units


def _source_like_params(filters1: int, filters2: int, f: int, units: int = 84) -> int:
    """Weights of the source's model with other conv hyperparameters (28x28x1 input)."""
    o = conv_output_size(conv_output_size(28, f), f)
    return (conv_params(f, 1, filters1) + conv_params(f, filters1, filters2)
            + _dense_params(o * o * filters2, units) + _dense_params(units, 10))


#: The source model's trainable weights (the lesson checks this against model.summary()).
SOURCE_WEIGHTS = _source_like_params(3, 6, 5)
#: The source model with MaxPooling2D(2) after each convolution (lesson 05, section 7).
POOLED_WEIGHTS = (conv_params(5, 1, 3) + conv_params(5, 3, 6)
                  + _dense_params(4 * 4 * 6, 84) + _dense_params(84, 10))
#: q5's budget: below the pooled model's 9,532, so section 7's model pasted unchanged does not
#: pass; q5's solution has 5,258.
WEIGHT_BUDGET = 6_000
#: q5 trains on the lesson's training split, the sample's first 3,200 training digits, and
#: measures accuracy on the other 800 (the validation split; the test split is not used).
TRAIN_DIGITS = 3_200
#: q5's short training run: Adam(0.003), batches of 32, this many epochs, seed CHECK_SEED.
CHECK_EPOCHS = 3
CHECK_SEED = 0
#: q5's validation-accuracy floor, with a margin measured over seeds 0-4 by
#: `python -m benchmarks.lesson05_ablation --q5` (lesson 05's notes list the numbers).
ACCURACY_FLOOR = 0.85
#: q5's solution, build_small_model (5,258 weights), in that run: its validation accuracy at
#: CHECK_SEED (tests/test_exercises_lesson05.py retrains it and compares).
SOLUTION_ACCURACY = 0.935


# --- q1: parameter count of a changed model -----------------------------------------------------

_Q1 = _source_like_params(8, 16, 3)
_Q1_CONV1, _Q1_CONV2 = conv_params(3, 1, 8), conv_params(3, 8, 16)
_N1 = conv_output_size(28, 3)      # 26 after conv1
_N2 = conv_output_size(_N1, 3)     # 24 after conv2


#: q1's layers and their biases (one per filter or unit): (name, bias count).
_Q1_BIASES = [("conv1", 8), ("conv2", 16), ("Dense(84)", 84), ("the output layer", 10)]


def _forgotten_biases() -> dict[int, str]:
    """q1's count with the biases of some layers left out, for every non-empty set of layers,
    each with a message naming those layers. The bias counts 8, 16, 84 and 10 give 15
    different sums, so each value names one set of layers; a value that is also the answer
    rounded (776300 = 776326 - 16 - 10) names both causes: the answer cannot tell which."""
    sets = [[layer for bit, layer in enumerate(_Q1_BIASES) if mask >> bit & 1]
            for mask in range(1, 2 ** len(_Q1_BIASES))]
    values = [_Q1 - sum(count for _, count in left_out) for left_out in sets]
    assert len(set(values)) == len(values), "two sets of biases give the same count"
    rounded = {round(_Q1, -digits) for digits in range(1, 6)}
    found = {}
    for left_out, value in zip(sets, values, strict=True):
        names = " and ".join(name for name, _ in left_out)
        biases = " + ".join(str(count) for _, count in left_out)
        if value in rounded:
            figures = len(str(value).rstrip("0"))
            found[value] = (f"that is the count rounded to {figures} significant figures, or "
                            f"{_Q1 - value} short: the biases of {names} ({biases}) left out. "
                            "Give the exact count: each filter and each unit has a bias, the "
                            "+ 1 in (F*F*C_in + 1) * C_out and in (inputs + 1) * units.")
            continue
        if len(left_out) == len(_Q1_BIASES):
            found[value] = ("every bias is missing (8 + 16 + 84 + 10 = 118): each filter and "
                            "each unit has one, the + 1 in (F*F*C_in + 1) * C_out and in "
                            "(inputs + 1) * units.")
        else:
            found[value] = (f"the biases of {names} are missing ({biases}): each filter and "
                            "each unit has one, the + 1 in (F*F*C_in + 1) * C_out and in "
                            "(inputs + 1) * units.")
    return found


def _q1_with_flattened(size: int) -> int:
    """q1's model if the maps before Flatten were size x size x 16."""
    return _Q1_CONV1 + _Q1_CONV2 + _dense_params(size * size * 16, 84) + _dense_params(84, 10)


q1 = Exercise(
    "Change the source model's convolutions to Conv2D(8, 3) and Conv2D(16, 3) (everything "
    "else as before: valid padding, Flatten, Dense(84), Dense(10)). How many trainable "
    "parameters does the model have?",
    checker=number(_Q1, mistakes={
        SOURCE_WEIGHTS: (
            "that is the source model's count. The new convolutions change their own weights "
            "and the size of the maps Flatten passes to Dense(84), so those two layers "
            "change; only the output layer, (84 + 1) * 10, stays."),
        _Q1 - _dense_params(84, 10): "you left out the output layer Dense(10).",
        _Q1_CONV1 + _Q1_CONV2: "those are the two convolutions' weights only; add those of "
                               "Dense(84) and the output layer.",
        _Q1 - _Q1_CONV1 - _Q1_CONV2: (
            "those are the two Dense layers' weights only; add the two convolutions' weights, "
            "(3*3*1 + 1) * 8 and (3*3*8 + 1) * 16."),
        _dense_params(_N2 * _N2 * 16, 84): (
            "that is Dense(84)'s count alone, (24*24*16 + 1) * 84; add the two convolutions "
            "and the output layer."),
        _q1_with_flattened(28 - 3 - 3): (
            "those are output sizes without the + 1 of O = (N - F) / S + 1 (25, then 22): a "
            "3x3 convolution without padding takes 2 off, 28 -> 26 -> 24."),
        **_forgotten_biases(),
        # conv2 with its channels swapped is 8 short too, as conv1's biases left out: name both
        _Q1 - _Q1_CONV2 + conv_params(3, 16, 8): (
            "8 short: either conv1's 8 biases are missing, or conv2 is counted as (3*3*16 + 1) "
            "* 8. conv1 has (3*3*1 + 1) * 8, a bias per filter; conv2's 16 filters each read "
            "conv1's 8 maps: (3*3*8 + 1) * 16."),
        _q1_with_flattened(28): "a 3x3 convolution without padding shrinks 28 -> 26 -> 24.",
        _q1_with_flattened(25): (
            "that is the count with 25 x 25 x 16 maps before Flatten; a 3x3 convolution "
            "without padding takes 2 off, 28 -> 26 -> 24."),
        _q1_with_flattened(conv_output_size(28, 3)): (
            "Flatten comes after BOTH convolutions: 28 -> 26 -> 24, so it gives 24*24*16 "
            "values, not 26*26*16."),
        _q1_with_flattened(conv_output_size(conv_output_size(28, 5), 5)): (
            "those are the source's 5x5 sizes (24, then 20); with 3x3 kernels the maps shrink "
            "by 2 per convolution: 28 -> 26 -> 24."),
        _Q1 - _Q1_CONV2 + conv_params(3, 1, 16): (
            "conv2's 16 filters are 3x3x8, not 3x3: each looks at all 8 maps of conv1 (lesson "
            "02), so conv2 has (3*3*8 + 1) * 16 parameters."),
        2 * _Q1 + 2: "that is what the summary's 'Total params' would show after training with "
                     "RMSprop (the weights plus the optimizer's W + 2 values, 'Going "
                     "further' B); the question asks for the trainable parameters.",
    }),
    hint=["Per conv layer (F*F*C_in + 1) * C_out; the sizes go 28 -> 26 -> 24.",
          "Flatten gives 24*24*16 values; the Dense(84) after it has (24*24*16 + 1) * 84 "
          "weights."],
    solution=f"""\
# conv1: (3*3*1 + 1) * 8, conv2: (3*3*8 + 1) * 16; the maps shrink 28 -> {_N1} -> {_N2}, so
# Flatten gives {_N2}*{_N2}*16 values; Dense(84): ({_N2}*{_N2}*16 + 1) * 84; output: (84 + 1) * 10
answer = (3*3*1 + 1) * 8 + (3*3*8 + 1) * 16 + ({_N2}*{_N2}*16 + 1) * 84 + (84 + 1) * 10
# {_Q1 / SOURCE_WEIGHTS:.1f} times the source's weights: smaller kernels leave bigger maps to
# flatten""",
    solution_answer=_Q1,
)


# --- q2, q3, q4: q1's model with a pooling layer after each convolution -------------------------

_SIZES = [28]                       # 28 -> conv 3x3 -> pool 2 -> conv 3x3 -> pool 2
for _f, _s in [(3, 1), (2, 2), (3, 1), (2, 2)]:
    _SIZES.append(conv_output_size(_SIZES[-1], _f, _s))
_POOLED = _SIZES[-1]
_Q2 = (_POOLED, _POOLED, 16)
_CEIL = -(-_SIZES[3] // 2)          # 11 / 2 rounded up: the floor mistake
# Without the "+ 1" of O = (N - F) / S + 1 a 3x3 convolution takes 3 off: 28 -> 25 -> 12 -> 9.
_NO_PLUS_ONE = [28 - 3]
_NO_PLUS_ONE += [_NO_PLUS_ONE[-1] // 2, _NO_PLUS_ONE[-1] // 2 - 3]
_NO_PLUS_ONE.append(_NO_PLUS_ONE[-1] // 2)
# With padding='same' the convolutions keep the size and only the poolings halve it: 28 -> 7.
_SAME = conv_output_size(conv_output_size(28, 2, 2), 2, 2)
# The source's 5x5 kernels with pooling (the pooled model of section 7): 28 -> 24 -> 12 -> 8 -> 4.
_FIVE = conv_output_size(conv_output_size(conv_output_size(conv_output_size(28, 5), 2, 2), 5),
                         2, 2)


def _one_row_or_column(answer):
    """A pandas DataFrame of one row (or one column), or a Series, as the list of its values:
    pd.DataFrame([[5, 5, 16]]) would otherwise be read through its column labels 0, 1, 2."""
    if isinstance(answer, pd.Series):
        return answer.to_list()
    if isinstance(answer, pd.DataFrame) and 1 in answer.shape:
        return answer.to_numpy().ravel().tolist()
    return answer


def _shape_from_pandas(check):
    def checked(answer):
        return check(_one_row_or_column(answer))

    return checked


class _OneImageShapeOnce(OneImageShape):
    """q2: the note on Keras's batch axis is printed once, not twice, when the answer has it."""

    def feedback(self, *answer):
        text = super().feedback(*answer)
        if self.explanation and "batch axis is not part of the answer" in text:
            text = text.replace(f" {self.explanation}", "", 1)
        return text


q2 = _OneImageShapeOnce(
    "Put MaxPooling2D(2) after each convolution of q1's model: Input(28, 28, 1) -> "
    "Conv2D(8, 3) -> MaxPooling2D(2) -> Conv2D(16, 3) -> MaxPooling2D(2). What is the shape "
    "of one image's output (height, width, channels)?",
    checker=_shape_from_pandas(shape(_Q2, mistakes={
        (_CEIL, _CEIL, 16): (
            f"{_CEIL} comes from one of two slips. Pooling rounds down: {_SIZES[3]} / 2 = "
            f"{_SIZES[3] / 2} gives {_POOLED} (the last row and column, which fill no whole 2x2 "
            f"window, are dropped). Or, if you got 6 from {_SIZES[2]} / 2: the second 3x3 "
            f"convolution takes 2 off first, {_SIZES[2]} -> {_SIZES[3]}."),
        (_SIZES[2] - 2, _SIZES[2] - 2, 16): "the second pooling is missing.",
        (24, 24, 16): "that is without the pooling layers (q1's model).",
        (_POOLED, _POOLED, 8): "the channels are the second convolution's filters.",
        (16, _POOLED, _POOLED): "Keras puts the channels last: (height, width, channels).",
        (_POOLED, _POOLED): "that is the height and width; the shape also has the channels: "
                            "(height, width, channels).",
        (_NO_PLUS_ONE[2], _NO_PLUS_ONE[2], 16): (
            "a 3x3 convolution without padding takes 2 off, not 3: O = N - F + 1 (28 -> 26); "
            "and the second convolution is followed by the second pooling."),
        (_SAME, _SAME, 16): (
            f"28 / 2 / 2 = {_SAME} is the pooling alone: the convolutions kept the size, as "
            "padding='same' would. Without padding (Keras's default, 'valid') each 3x3 "
            "convolution takes 2 off: " + " -> ".join(map(str, _SIZES)) + "."),
        (_FIVE, _FIVE, 16): (
            "those are the sizes with the source's 5x5 kernels (or without the + 1 of "
            "O = (N - F) / S + 1): 3x3 kernels take 2 off, 28 -> 26 -> 13 -> 11 -> ..."),
    })),
    hint=["Each 3x3 convolution (valid) takes 2 off the size; each 2x2 pooling halves it, "
          "rounding down (O = floor((N - 2) / 2) + 1).",
          f"28 -> {_SIZES[1]} (conv) -> {_SIZES[2]} (pool) -> ... (conv) -> ... (pool)."],
    solution=f"# 28 -> {_SIZES[1]} (conv) -> {_SIZES[2]} (pool) -> {_SIZES[3]} (conv) -> "
             f"{_POOLED} (pool: {_SIZES[3]} / 2 rounded down), 16 channels\n"
             f"answer = {_Q2}",
    solution_answer=_Q2,
    explanation=f"(model.summary() shows it with the batch axis first, (None, {_POOLED}, "
                f"{_POOLED}, 16); the shape of one image leaves that axis out.)",
)

# --- q3: which epoch EarlyStopping stops after, and which it keeps -----------------------------

#: A run the lesson prints for q3: the validation loss and accuracy after each of 14 epochs, as
#: a run without a callback printed them. The learner predicts by hand which epochs
#: EarlyStopping would stop after and keep, then calls their function on its losses.
Q3_RUN = pd.DataFrame(
    {"val_loss": [0.52, 0.41, 0.34, 0.31, 0.29, 0.30, 0.33, 0.31, 0.35, 0.37, 0.40, 0.42, 0.41,
                  0.45],
     "val_accuracy": [0.860, 0.891, 0.913, 0.925, 0.931, 0.934, 0.929, 0.939, 0.936, 0.938,
                      0.935, 0.937, 0.940, 0.936]},
    index=pd.RangeIndex(1, 15, name="epoch"))
Q3_PATIENCE = 4


def early_stopping_epochs(val_losses, patience: int) -> tuple[int, int]:
    """(the last epoch run, the epoch whose weights are kept) when EarlyStopping(
    monitor="val_loss", patience=patience, restore_best_weights=True) watches a run whose
    validation loss after epoch 1, 2, ... is ``val_losses``; epochs count from 1.

    Taught in lesson 05, section 4 (q3). An epoch improves when its loss is lower than the
    lowest so far; the run stops after ``patience`` epochs in a row without improvement.

    >>> early_stopping_epochs([0.50, 0.39, 0.30, 0.28, 0.29, 0.30, 0.34, 0.38], 4)
    (8, 4)
    """
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses), best_epoch


_Q3 = early_stopping_epochs(Q3_RUN["val_loss"], Q3_PATIENCE)


def stop_and_keep(val_losses, patience):
    """(last epoch run, kept epoch), epochs from 1, as EarlyStopping(monitor="val_loss",
    patience=patience, restore_best_weights=True) decides them."""
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:                        # a new lowest: an improvement (a tie is not)
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:   # patience epochs in a row without one
            return epoch, best_epoch
    return len(val_losses), best_epoch         # never stopped early


# The runs q3's check gives the learner's function: (validation losses, patience), each with
# what it tests. Q3_RUN's comes last, so that a function wrong on the others is not shown the
# pair the question asks the learner to predict for it.
_FUTURE_RUN = [0.5, 0.3, 0.4, 0.35, 0.45, 0.5, 0.2, 0.1]   # stops after 6, before its lowest
_Q3_CASES = [
    ([0.500, 0.386, 0.301, 0.281, 0.292, 0.304, 0.344, 0.380], 4),   # section 4's run: (8, 4)
    ([0.5, 0.4, 0.3, 0.2], 4),                                # never stops early: (4, 4)
    ([0.5, 0.3, 0.4, 0.45], 4),                               # never stops, keeps 2: (4, 2)
    ([0.3, 0.4, 0.5, 0.6, 0.7, 0.1], 4),                      # lowest first, a later dip: (5, 1)
    ([0.5, 0.4, 0.4, 0.4, 0.4, 0.3], 3),                      # a tie is no improvement: (5, 2)
    ([0.5, 0.45, 0.47, 0.46, 0.44], 4),                       # a new lowest at the end: (5, 5)
    ([0.6, 0.5, 0.55, 0.4], 1),                               # patience 1: (3, 2)
    (_FUTURE_RUN, 4),                                         # (6, 2)
    ([0.5, 0.55, 0.4, 0.45, 0.5, 0.55, 0.6], 3),              # waits again after 0.4: (6, 3)
    (list(Q3_RUN["val_loss"]), Q3_PATIENCE),                  # Q3_RUN: the pair to predict
]
_Q3_LABELS = [(repr(losses), None) if len(repr(losses)) > 40 else None
              for losses, _ in _Q3_CASES[:-1]] + [("list(Q3_RUN['val_loss'])", None)]


def _argmin_epoch(losses) -> int:
    """The epoch (from 1) of the lowest loss, the first if tied."""
    return int(np.argmin(losses)) + 1


def _stopping(val_losses, patience, improves, late=0) -> tuple[int, int]:
    """early_stopping_epochs with another rule for 'improves' (improves(loss, best, previous)),
    or stopping ``late`` epochs later (-1: one earlier)."""
    best, previous, since = float("inf"), float("inf"), 0    # since: epochs without improving
    for epoch, loss in enumerate(val_losses, start=1):
        if improves(loss, best, previous):
            since = 0
            best = min(best, loss)
        else:
            since += 1
            if since >= patience + late:
                return epoch, _argmin_epoch(val_losses[:epoch])
        previous = loss
    return len(val_losses), _argmin_epoch(val_losses)


def _lower_than_lowest(loss, best, previous):
    return loss < best


def _never_resets(val_losses, patience):
    """The count of epochs without improvement goes on after a new lowest (no wait = 0)."""
    best, since = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best = loss
        else:
            since += 1
            if since >= patience:
                return epoch, _argmin_epoch(val_losses[:epoch])
    return len(val_losses), _argmin_epoch(val_losses)


def _never_restores(val_losses, patience):
    stop, _ = early_stopping_epochs(val_losses, patience)
    return stop, stop


def _restores_only_when_stopped(val_losses, patience):
    """Old tf.keras: the best weights come back only when the run is stopped early."""
    stop, kept = early_stopping_epochs(val_losses, patience)
    return (stop, kept) if stop - kept >= patience else (stop, stop)


def _kept_from_zero(val_losses, patience):
    stop, kept = early_stopping_epochs(val_losses, patience)
    return stop, kept - 1


def _counts_from_zero(val_losses, patience):
    """Epochs counted from 0 (enumerate's default): both numbers 1 low when patience runs out;
    a run that never stops still returns len(val_losses)."""
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses), best_epoch


def _stops_at_the_lowest(val_losses, patience):
    _, kept = early_stopping_epochs(val_losses, patience)
    return kept, kept


def _stops_at_the_lowest_when_stopped(val_losses, patience):
    """The same idea in the loop's stopping branch only: a run never stopped is right."""
    stop, kept = early_stopping_epochs(val_losses, patience)
    return (kept, kept) if stop - kept >= patience else (stop, kept)


def _never_stops(val_losses, patience):
    return len(val_losses), _argmin_epoch(val_losses)


def _sees_the_future(val_losses, patience):
    """The lowest loss of the whole list, and patience epochs after it (or the end)."""
    kept = _argmin_epoch(val_losses)
    return min(kept + patience, len(val_losses)), kept


def _kept_from_the_whole_list(val_losses, patience):
    stop, _ = early_stopping_epochs(val_losses, patience)
    return stop, _argmin_epoch(val_losses)


#: The wrong functions q3 recognises, each with its message (a test checks that each is wrong
#: on some case and that no two give the same results).
_Q3_MISTAKES = [
    (_never_restores,
     "your kept epoch is always the last one run. restore_best_weights=True puts back the "
     "weights of the epoch with the lowest validation loss; the last epoch's weights stay "
     "only without it."),
    (_restores_only_when_stopped,
     "your function keeps the last epoch when the run is not stopped early (old tf.keras "
     "did that). In Keras 3, restore_best_weights=True puts back the lowest epoch's weights "
     "at the end of training either way: [0.5, 0.3, 0.4, 0.45] with patience 4 runs 4 epochs "
     "and keeps epoch 2 ('Going further' A's improved model runs all its epochs and keeps an "
     "earlier one)."),
    (_kept_from_zero,
     "your kept epoch is 1 too low on every run: np.argmin and list positions count from 0, "
     "epochs from 1 (as Keras prints them): add 1."),
    (_counts_from_zero,
     "your epoch numbers are 1 too low: you count epochs from 0 (enumerate's default, or list "
     "positions); count them from 1, as Keras prints them: enumerate(val_losses, start=1)."),
    (_stops_at_the_lowest,
     "your run stops at its lowest epoch. After that epoch the callback cannot know that no "
     "later epoch will do better: it waits `patience` more epochs without improvement."),
    (_stops_at_the_lowest_when_stopped,
     "your run stops at its lowest epoch. After that epoch the callback cannot know that no "
     "later epoch will do better: it waits `patience` more epochs without improvement."),
    (lambda losses, patience: _stopping(losses, patience, _lower_than_lowest, late=-1),
     "your runs stop one epoch early: patience=4 means 4 epochs in a row without improvement "
     "after the lowest one, and the run stops right after the 4th (epoch - best_epoch == "
     "patience)."),
    (lambda losses, patience: _stopping(losses, patience, _lower_than_lowest, late=1),
     "your runs stop one epoch late: the run stops right after the `patience`-th epoch in a "
     "row without improvement (epoch - best_epoch == patience), not after one more."),
    (lambda losses, patience: _stopping(losses, patience,
                                        lambda loss, best, previous: loss < previous),
     "your function compares each epoch with the one before. The callback compares it with "
     "the lowest loss so far: an epoch that is lower than the one before but not below that "
     "lowest is no improvement."),
    (lambda losses, patience: _stopping(losses, patience,
                                        lambda loss, best, previous: loss <= best),
     "your function counts a tie as an improvement. Keras counts an epoch as better only when "
     "its loss is strictly below the lowest so far (min_delta=0): on [0.5, 0.4, 0.4, 0.4, "
     "0.4, 0.3] with patience 3 the run stops after epoch 5 and keeps epoch 2."),
    (_never_resets,
     "your count of epochs without improvement does not start again at 0 when a new lowest "
     "arrives: the callback stops after `patience` epochs IN A ROW without one. On [0.5, "
     "0.55, 0.4, 0.45, 0.5, 0.55, 0.6] with patience 3, epoch 3 is a new lowest, so the "
     "count restarts there and the run stops after epoch 6 (epochs 4, 5, 6), keeping epoch 3."),
    (_never_stops,
     "your function never stops a run early: it returns the whole run and its lowest epoch. "
     "The callback stops after `patience` epochs in a row without a new lowest loss."),
    (_sees_the_future,
     "your function takes the lowest loss of the whole list, epochs after the stop included. "
     "The callback sees one epoch at a time: once `patience` epochs in a row bring no new "
     f"lowest, it stops, even if a later epoch would have been lower: {_FUTURE_RUN} with "
     "patience 4 stops after epoch 6, before its lowest loss at epoch 8."),
    (_kept_from_the_whole_list,
     "your stop is right, but your kept epoch is the lowest of the whole list: only the "
     f"epochs run count: {_FUTURE_RUN} with patience 4 stops after epoch 6, before the "
     "list's lowest loss, so it keeps epoch 2, not 8."),
]

q3 = Exercise(
    "Write stop_and_keep(val_losses, patience): val_losses lists a run's validation loss "
    "after epoch 1, 2, ...; return the pair (last epoch run, kept epoch), counting epochs "
    "from 1, that keras.callbacks.EarlyStopping(monitor='val_loss', patience=patience, "
    "restore_best_weights=True) gives. An epoch improves when its loss is below the lowest "
    "so far (a tie does not); the run stops after `patience` epochs in a row without "
    "improvement.",
    checker=function(_Q3_CASES, reference=early_stopping_epochs, mistakes=_Q3_MISTAKES,
                     forbidden=["early_stopping_epochs"], labels=_Q3_LABELS,
                     about_cases=f"The check runs your function on {len(_Q3_CASES)} runs: "
                                 "section 4's, two that never stop early, one with a tie, "
                                 "one with a new lowest at its last epoch, one with patience "
                                 "1, some whose lowest loss comes after the stop, one with a "
                                 "new lowest after a worse epoch, and Q3_RUN's."),
    hint=["Go through the losses keeping two numbers: the lowest loss so far and its epoch. An "
          "epoch improves when its loss is below that lowest; a tie does not.",
          "After an epoch without improvement, compare epoch - best_epoch with patience: when "
          "it reaches patience, return (epoch, best_epoch). A run that never stops returns "
          "(len(val_losses), best_epoch)."],
    explanation=f"stop_and_keep(list(Q3_RUN['val_loss']), {Q3_PATIENCE}) is {_Q3}: did you "
                "predict it?",
    solution_answer=stop_and_keep,
)

_CONV1 = conv_mults((28, 28, 1), 3, 8)
_CONV2 = conv_mults((_SIZES[2], _SIZES[2], 8), 3, 16)
_Q4 = _CONV1 + _CONV2

q4 = Exercise(
    "How many multiplications do the two convolutions of q2's model perform for one image "
    "(count the kernel multiplications only, not the bias additions)?",
    checker=number(_Q4, mistakes={
        conv_params(3, 1, 8) + conv_params(3, 8, 16): "that is the number of weights; each "
                                                       "weight is used once per output "
                                                       "position.",
        _CONV1 + _SIZES[3] ** 2 * 16 * 9: "the second convolution's filters are 3x3x8: each "
                                          "output value takes 3*3*8 multiplications.",
        28 * 28 * 8 * 9 + _SIZES[2] ** 2 * 16 * 72: "count per OUTPUT position: the maps the "
                                                    "convolutions produce, not the ones they "
                                                    "read.",
        _CONV1 + conv_mults((26, 26, 8), 3, 16): "the second convolution reads the pooled "
                                                 "maps, not the 26x26 ones.",
        _CONV1 + _SIZES[2] ** 2 * 16 * 72: (
            f"conv2 reads the {_SIZES[2]}x{_SIZES[2]} pooled maps but, without padding, "
            f"outputs {_SIZES[3]}x{_SIZES[3]}: count its output positions."),
        _Q4 + _SIZES[1] ** 2 * 8 + _SIZES[3] ** 2 * 16: (
            "count the kernel multiplications only: the bias additions (one per output "
            "value) are not multiplications."),
        _Q4 + 8 + 16: (
            "that adds 24, the number of biases (8 + 16): the question counts the kernel "
            "multiplications only, and a bias is added, not multiplied."),
        _Q4 + (_SIZES[1] - 2) ** 2 * 16 * 84 + 84 * 10: (
            f"that adds {(_SIZES[1] - 2) ** 2 * 16 * 84 + 84 * 10:,}, the multiplications of "
            "the two Dense layers of q1's model, without pooling (24*24*16*84 + 84*10): the "
            "question asks for the two convolutions of q2's model only."),
        _Q4 + _POOLED * _POOLED * 16 * 84: "only the two convolutions: the Dense layer's "
                                          "multiplications are not asked for.",
        _Q4 + _POOLED * _POOLED * 16 * 84 + 84 * 10: (
            "that counts the two Dense layers too (the whole 'mults per image' column of "
            "section 6's weight_table, every layer): the question asks for the two "
            "convolutions only."),
        _NO_PLUS_ONE[0] ** 2 * 8 * 9 + _NO_PLUS_ONE[2] ** 2 * 16 * 72: (
            f"those are output sizes without the + 1 of O = (N - F) / S + 1 "
            f"({_NO_PLUS_ONE[0]}, then {_NO_PLUS_ONE[2]}): a 3x3 convolution without padding "
            f"takes 2 off, 28 -> {_SIZES[1]}."),
        _SIZES[2] ** 2 * 8 * 9 + _POOLED ** 2 * 16 * 72: (
            f"those are the pooled sizes ({_SIZES[2]}x{_SIZES[2]}, {_POOLED}x{_POOLED}): count "
            f"each convolution's own output positions ({_SIZES[1]}x{_SIZES[1]}, "
            f"{_SIZES[3]}x{_SIZES[3]}), before pooling."),
        _SIZES[1] ** 2 * 9 + _SIZES[3] ** 2 * 72: (
            "each output value is computed once per filter: multiply each layer's count by "
            "its number of filters, C_out (8, then 16)."),
        28 * 28 * 8 * 9 + _CONV2: (
            f"count conv1 at its {_SIZES[1]}x{_SIZES[1]} output positions, not at the 28x28 "
            "input it reads."),
        _CONV1: "that is the first convolution only; add the second.",
        _CONV2: "that is the second convolution only; add the first.",
    }),
    hint=["A Conv2D layer does O_h * O_w * C_out * F * F * C_in multiplications: one per "
          "kernel weight, at every output position.",
          "conv1 makes 26x26x8 from 28x28x1; conv2 makes its output from the pooled 13x13x8. "
          "course_utils.conv_mults(input_shape, kernel_size, filters) counts one layer."],
    solution=f"""\
# conv1: {_SIZES[1]}*{_SIZES[1]}*8 outputs, each 3*3*1 multiplications
# conv2: {_SIZES[3]}*{_SIZES[3]}*16 outputs, each 3*3*8 multiplications
answer = {_SIZES[1]}*{_SIZES[1]}*8 * 3*3*1 + {_SIZES[3]}*{_SIZES[3]}*16 * 3*3*8
# 1,248 weights, used over and over""",
    solution_answer=_Q4,
)


# --- q5: a model within a weight budget that reaches an accuracy floor --------------------------

def build_small_model() -> keras.Model:
    """q5's solution: conv -> pool -> conv -> pool -> Dense(10), 5,258 weights.

    Taught in lesson 05, section 7 (the "Check yourself" q5). Input (B, 28, 28, 1) pixels in
    [0, 1]; output (B, 10) probabilities.
    """
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(8, 3, activation="relu", name="conv1")(inputs)
    h = layers.MaxPooling2D(2, name="pool1")(h)
    h = layers.Conv2D(16, 3, activation="relu", name="conv2")(h)
    h = layers.MaxPooling2D(2, name="pool2")(h)
    h = layers.Flatten(name="flat")(h)
    outputs = layers.Dense(10, activation="softmax", name="output")(h)
    return keras.Model(inputs, outputs, name="small_model")


def _check_data(raw_pixels: bool):
    """(x_fit, y_fit), (x_val, y_val): the lesson's split of the sample's training digits."""
    (x_train, y_train), _ = load_mnist("sample", verbose=False)
    x = x_train.astype("float32")[..., None]
    if not raw_pixels:
        x = x / 255.0
    return (x[:TRAIN_DIGITS], y_train[:TRAIN_DIGITS]), (x[TRAIN_DIGITS:], y_train[TRAIN_DIGITS:])


def _all_layers(model) -> list:
    """The model's layers, including those of models nested inside it."""
    found = []
    for layer in model.layers:
        found.append(layer)
        if hasattr(layer, "layers"):
            found += _all_layers(layer)
    return found


def takes_raw_pixels(model) -> bool:
    """True when the model scales 0-255 pixels itself: it has a Rescaling layer that maps them
    into a range at most 2 wide, such as Rescaling(1 / 255) or Rescaling(1 / 127.5, offset=-1).

    Taught in lesson 05, section 7 (the "Check yourself" q5): such a model gets the raw
    pixels, any other model pixels already scaled to [0, 1]. Rescaling(2, offset=-1), for
    example, maps [0, 1] to [-1, 1] and is meant for scaled pixels.

    >>> inputs = keras.Input(shape=(28, 28, 1))
    >>> takes_raw_pixels(keras.Model(inputs, layers.Rescaling(1 / 255)(inputs)))
    True
    >>> takes_raw_pixels(keras.Model(inputs, layers.Rescaling(2, offset=-1)(inputs)))
    False
    """
    return any(isinstance(layer, layers.Rescaling)
               and float(np.max(np.abs(np.asarray(layer.scale, dtype=float)))) * 255 <= 2
               for layer in _all_layers(model))


_POOLING = (layers.MaxPooling2D, layers.AveragePooling2D)
_ACTIVATIONS = (layers.Activation, layers.ReLU, layers.LeakyReLU, layers.ELU, layers.PReLU)


def _is_linear(layer) -> bool:
    return getattr(getattr(layer, "activation", None), "__name__", "linear") == "linear"


def _what_it_lacks(model) -> list[str]:
    """Parts of the lesson's recipe the model does not have, each as a suggestion."""
    found = _all_layers(model)
    convs = [layer for layer in found if isinstance(layer, layers.Conv2D)]
    lacks = []
    if not any(isinstance(layer, _POOLING) for layer in found):
        lacks.append("a MaxPooling2D after each convolution")
    if all(_is_linear(conv) for conv in convs) \
            and not any(isinstance(layer, _ACTIVATIONS) for layer in found):
        lacks.append("an activation after each convolution (activation='relu')")
    if convs and max(conv.filters for conv in convs) < 8:
        lacks.append(f"more filters (it has at most {max(conv.filters for conv in convs)} per "
                     "convolution; 8 or 16 fit the budget)")
    if len(convs) == 1:
        lacks.append("a second convolution")
    return lacks


def _global_pooling_at_the_end(model):
    """The global pooling layer the output layer reads (through Flatten, Dropout or an
    activation at most), or None: the model "ends in global pooling"."""
    found = [layer for layer in _all_layers(model) if not hasattr(layer, "layers")]
    passing = (layers.Flatten, layers.Dropout, *_ACTIVATIONS)
    denses = [i for i, layer in enumerate(found) if isinstance(layer, layers.Dense)]
    if not denses:
        return None
    for layer in reversed(found[:denses[-1]]):
        if isinstance(layer, layers.GlobalAveragePooling2D | layers.GlobalMaxPooling2D):
            return layer
        if not isinstance(layer, passing):
            return None
    return None


def _batch_statistics_advice(model, accuracies, validation) -> str:
    """For a model with BatchNormalization: its validation accuracy computed with each batch's
    own statistics, as in training, when that is far above the accuracy it predicts with (its
    running averages); otherwise ''."""
    norms = [layer for layer in _all_layers(model)
             if isinstance(layer, layers.BatchNormalization)]
    if not norms or validation is None:
        return ""
    x_val, y_val = validation
    # Only the BatchNormalization layers use each batch's statistics: model(..., training=True)
    # would switch Dropout and augmentation on too, and a model with "Going further" A's dropout
    # then scored too low for this advice to appear (a cold reviewer's 81.7% model was told to
    # compare its shapes instead). Their running averages are put back afterwards.
    saved = [layer.get_weights() for layer in norms]
    for layer in norms:
        layer.call = (lambda inputs, training=None, mask=None, _call=layer.call:
                      _call(inputs, training=True, mask=mask))
    try:
        predicted = np.concatenate([np.argmax(model(x_val[i:i + 32], training=False), axis=1)
                                    for i in range(0, len(x_val), 32)])
    finally:
        for layer, weights in zip(norms, saved, strict=True):
            del layer.call                                   # the class's own call again
            layer.set_weights(weights)
    with_batches = float(np.mean(predicted == y_val))
    if with_batches - accuracies[-1] < 0.10:
        return ""
    momentum = max(float(layer.momentum) for layer in norms)
    advice = (f" Its BatchNormalization layers predict with running averages of each channel's "
              f"mean and variance (momentum={momentum:g}: an average over about "
              f"{1 / (1 - momentum):.0f} batches); computed with each batch's own statistics, "
              f"as in training, its accuracy on the same validation digits is "
              f"{with_batches:.1%}. The running averages have not caught up with training")
    if momentum > 0.9:
        return (advice + ": BatchNormalization(momentum=0.9), as 'Going further' A's settings use, "
                "averages over about 10 batches.")
    return advice + "."


def _values_passed_on(model) -> tuple[int, tuple | None]:
    """(how many values the first Dense layer reads, the shape of the map Flatten flattened
    for it, or None when no Flatten sits before that Dense)."""
    found = [layer for layer in _all_layers(model) if not hasattr(layer, "layers")]
    first = next(i for i, layer in enumerate(found) if isinstance(layer, layers.Dense))
    flatten = next((layer for layer in reversed(found[:first])
                    if isinstance(layer, layers.Flatten)), None)
    try:
        flattened = tuple(flatten.input.shape[1:]) if flatten is not None else None
    except Exception:  # a Flatten inside a nested model whose input cannot be read
        flattened = None
    return int(found[first].kernel.shape[0]), flattened


#: Below this many values reaching the first Dense layer, q5 points at the shapes (the
#: solution passes on 5 x 5 x 16 = 400).
_FEW_VALUES = 100


def _advice(model, accuracies, validation=None) -> str:
    """What to look at, for a model below the floor, from what the model proves: its batch
    statistics (``validation`` is (x_val, y_val)), then how many values reach the Dense layer
    after Flatten or global pooling, then the lesson's parts it lacks. Never the epochs: the
    check fixes them."""
    normalization = _batch_statistics_advice(model, accuracies, validation)
    if normalization:
        return normalization
    reads, flattened = _values_passed_on(model)
    lacks = _what_it_lacks(model)
    if flattened is not None and min(flattened[:2]) < 3:   # no room for a 3x3 convolution
        lacks = [item for item in lacks if item != "a second convolution"]
    also = f" Parts of the lesson's recipe it lacks: {'; '.join(lacks)}." if lacks else ""
    small = build_small_model()
    passed, shape = _values_passed_on(small)
    first, second = (layer.filters for layer in small.layers if isinstance(layer, layers.Conv2D))
    solution = (f"two 3x3 convolutions ({first} and {second} filters), each followed by "
                f"MaxPooling2D(2), pass on {' x '.join(str(size) for size in shape)} = {passed}")
    if reads <= passed:   # pooling would pass on fewer values still: not suggested
        lacks = [item for item in lacks if "MaxPooling2D" not in item]
        also = f" Parts of the lesson's recipe it lacks: {'; '.join(lacks)}." if lacks else ""
    pooled = _global_pooling_at_the_end(model)
    if pooled is not None:
        return (f" It ends in global pooling, so its output layer reads only {reads} "
                f"number{'s' if reads != 1 else ''}, one per channel (by comparison, "
                f"{solution}). Lesson 03 ends its 64-channel example that way; within "
                f"{WEIGHT_BUDGET:,} weights and {CHECK_EPOCHS} epochs, Flatten after a "
                f"MaxPooling2D is likely to suit better: it keeps every position's value for "
                f"the output layer to read.{also}")
    if reads < _FEW_VALUES:
        where = ""
        if flattened is not None:
            where = f", from a {' x '.join(str(size) for size in flattened)} map"
            if tuple(flattened[:2]) == (1, 1):
                where += (": your convolutions and pooling shrank each map to 1 x 1, as global "
                          "pooling does")
        return (f" The Dense layer after Flatten reads only {reads} "
                f"value{'s' if reads != 1 else ''}{where}. By comparison, {solution}. Follow "
                "the shapes in model.summary(): more filters, or smaller strides and pool "
                f"sizes, pass on more values.{also}")
    if lacks:
        return f" Parts of the lesson's recipe it lacks: {'; '.join(lacks)}."
    if _shapes(model) == _shapes(small):
        return (" Its convolutions, pooling and Dense layers give the solution's output shapes, "
                "layer by layer, so the shapes are not what differs: "
                f"{_differences_from(model, small)}")
    return (f" The Dense layer after Flatten reads {reads} values and its parts are the "
            "lesson's (convolutions with an activation, pooling): compare its shapes with "
            "the solution's, layer by layer (model.summary()), or try other filter counts "
            "within the budget.")


def _shapes(model) -> list | None:
    """Each Conv2D, pooling and Dense layer's kind and output shape, in order (None when a
    shape cannot be read): what "the solution's shapes, layer by layer" compares."""
    kinds = [(layers.Conv2D, "Conv2D"), (_POOLING, "pooling"), (layers.Dense, "Dense")]
    found = []
    for layer in _all_layers(model):
        kind = next((name for types, name in kinds if isinstance(layer, types)), None)
        if kind is None:
            continue
        try:
            found.append((kind, tuple(layer.output.shape[1:])))
        except Exception:  # a layer inside a nested model whose output cannot be read
            return None
    return found


def _differences_from(model, small) -> str:
    """What a model with the solution's shapes does differently: its convolutions'
    activations, its pooling, the layers the solution lacks; or, when none of these differ,
    where else to look."""
    def activations(of):   # in order: the convolutions' own, then separate activation layers
        names = []
        for layer in _all_layers(of):
            if isinstance(layer, layers.Conv2D | layers.Activation) and not _is_linear(layer):
                names.append(layer.activation.__name__)
            elif isinstance(layer, _ACTIVATIONS) and not isinstance(layer, layers.Activation):
                names.append(type(layer).__name__)
        return names or ["none"]

    def extra(of):
        kept = (layers.InputLayer, layers.Conv2D, layers.MaxPooling2D, layers.Flatten,
                layers.Dense, *_ACTIVATIONS)
        return sorted({type(layer).__name__ for layer in _all_layers(of)
                       if not isinstance(layer, kept) and not hasattr(layer, "layers")})

    found = []
    if activations(model) != activations(small):
        found.append(f"its activations are {', '.join(activations(model))} "
                     f"(the solution's: {', '.join(activations(small))})")
    if extra(model):
        found.append(f"it has layers the solution does not: {', '.join(extra(model))}")
    if not found:
        return ("its activations and its layer types are the solution's too; "
                "compare their other settings (model.get_config(): kernel sizes, strides, "
                "padding, initializers).")
    return "; ".join(found) + ". Change those toward the solution's (model.summary())."


def _budget_advice(model) -> str:
    """Where a model over q5's budget keeps most of its weights, and what would shrink it."""
    found = [layer for layer in _all_layers(model) if not hasattr(layer, "layers")]
    largest = max(found, key=lambda layer: layer.count_params())
    share = f"{largest.count_params():,} of them sit in its layer '{largest.name}'"
    flatten = next((i for i, layer in enumerate(found) if isinstance(layer, layers.Flatten)),
                   None)
    pooled = flatten is not None and any(isinstance(layer, _POOLING) for layer in found[:flatten])
    if isinstance(largest, layers.Dense) and flatten is not None and not pooled:
        return (f" {share}, the Dense layer after Flatten: pool before Flatten (MaxPooling2D "
                "after each convolution) so it gets fewer inputs.")
    last_dense = next(layer for layer in reversed(found) if isinstance(layer, layers.Dense))
    if isinstance(largest, layers.Dense) and largest is not last_dense:
        return (f" {share}, a Dense({largest.units}) between Flatten and the output: let the "
                "output layer read Flatten directly (the improved model of 'Going further' A "
                "does), "
                "or give it fewer units.")
    if isinstance(largest, layers.Dense):
        return (f" {share}, the output layer: fewer values reaching Flatten (fewer filters in "
                "the last convolution, or one more pooling) make it smaller.")
    if isinstance(largest, layers.Conv2D):
        size, width, channels_in, filters = largest.kernel.shape
        bias = 1 if largest.use_bias else 0
        return (f" {share}, a Conv2D with {filters} filters of {size}x{width}x{channels_in}: "
                f"(F*F*C_in + {bias}) * C_out = ({size}*{width}*{channels_in} + {bias}) * "
                f"{filters}. A smaller kernel or fewer filters shrinks it.")
    return f" {share}."



def _input_advice(error: Exception) -> str:
    """What to do when Keras refused a layer's input while the model was built: the shape
    advice the other input errors get (Keras names the ndim it expected and found)."""
    text = str(error)
    if "incompatible with the layer" in text or "ndim" in text:
        return (" Keras found an input with the wrong number of axes: a Conv2D layer needs "
                "(height, width, channels) per image, so start the model with "
                "keras.Input(shape=(28, 28, 1)), the channel axis included.")
    return ""


def _model_problem(model) -> str | None:
    """What stops a built model before training (see train_small_model), or None."""
    if not is_keras_model(model):
        return (f"build_model() returned {describe(model)}; it must return a Keras model "
                "(is a `return model` missing?).")
    try:
        input_shape, output_shape = tuple(model.input_shape), tuple(model.output_shape)
        weights = model.count_params()
    except Exception:
        return ("the model does not know its input shape yet: start it with "
                "keras.Input(shape=(28, 28, 1)).")
    if input_shape != (None, 28, 28, 1):
        return (f"the model's input shape is {input_shape}, but the check feeds each digit as "
                "(28, 28, 1), the layout of section 1 that Conv2D needs: start with "
                "keras.Input(shape=(28, 28, 1)).")
    if output_shape != (None, 10):
        return f"the model's output shape is {output_shape}; it must end in Dense(10, ...)."
    if not any(isinstance(layer, layers.Conv2D) for layer in _all_layers(model)):
        return ("the model has no Conv2D layer. This lesson is about convolutions: let at "
                "least one Conv2D look at the image before the Dense layer.")
    if weights > WEIGHT_BUDGET:
        return (f"the model has {weights:,} weights; the budget is {WEIGHT_BUDGET:,}."
                + _budget_advice(model))
    return None


def _train(build_model, seed: int):
    """train_small_model's run: (problem, accuracies, trained model, (x_val, y_val)), the
    last two None when there is a problem."""
    if is_keras_model(build_model):
        return ("pass the function that builds the model (check(build_model)), not a model: "
                "the check builds a fresh one so that its training starts from a fixed "
                "seed."), [], None, None
    if not callable(build_model):
        return (f"expected a function that returns a Keras model, got "
                f"{describe(build_model)}."), [], None, None
    keras.utils.set_random_seed(seed)
    try:
        model = build_model()
    except Exception as error:  # the learner's code: report, never propagate
        return (f"build_model() raised {type(error).__name__}: {str(error).rstrip('. ')}."
                + _input_advice(error)), [], None, None
    problem = _model_problem(model)
    if problem is not None:
        return problem, [], None, None
    (x_fit, y_fit), (x_val, y_val) = _check_data(raw_pixels=takes_raw_pixels(model))
    try:
        probabilities = np.asarray(model(x_val[:5], training=False))
        sums = probabilities.sum(axis=1)
        if probabilities.min() < 0:
            return (f"the outputs are not probabilities: some are negative "
                    f"({probabilities.min():.3g}). End with "
                    "Dense(10, activation='softmax')."), [], None, None
        if not np.allclose(sums, 1.0, atol=1e-3):
            return (f"the outputs are not probabilities: one image's ten outputs add up to "
                    f"{sums[np.argmax(np.abs(sums - 1))]:.3g}, not 1. End with "
                    "Dense(10, activation='softmax')."), [], None, None
        model.compile(optimizer=keras.optimizers.Adam(0.003),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x_fit, y_fit, epochs=CHECK_EPOCHS, batch_size=32,
                            validation_data=(x_val, y_val), verbose=0)
    except Exception as error:
        return f"training the model raised {type(error).__name__}: {error}", [], None, None
    return None, [float(a) for a in history.history["val_accuracy"]], model, (x_val, y_val)


def train_small_model(build_model, seed: int = CHECK_SEED):
    """q5's training run: (problem, accuracies), one validation accuracy per epoch.

    Taught in lesson 05, section 7 (the "Check yourself" q5). ``problem`` is None, or what
    stops the model before or during training (then ``accuracies`` is empty): not a function,
    not a Keras model with input (B, 28, 28, 1) and output (B, 10) probabilities, no Conv2D
    layer, more than WEIGHT_BUDGET weights. The model trains on the first TRAIN_DIGITS
    sample digits for CHECK_EPOCHS epochs (Adam(0.003), batches of 32, ``seed``) and is
    measured on the other 800 after each epoch. Pixels arrive scaled to [0, 1], or as raw
    0-255 values when the model scales them itself (see takes_raw_pixels).
    """
    problem, accuracies, _, _ = _train(build_model, seed)
    return problem, accuracies


def _largest_value_into_the_first_conv(model, images) -> float | None:
    """The largest value the model's first Conv2D layer receives for ``images``, or None when
    that layer's input cannot be read (a Conv2D inside a nested model)."""
    first = next(layer for layer in _all_layers(model) if isinstance(layer, layers.Conv2D))
    try:
        probe = keras.Model(model.inputs, first.input)
        return float(np.max(np.abs(probe.predict(images, verbose=0))))
    except Exception:
        return None


def _scaled_twice(model, images) -> str:
    """For a model whose first Conv2D receives values at most 0.01 although the check's
    pixels reach 1 (or 255): what it receives, and that the pixels arrive already scaled;
    otherwise ''."""
    largest = _largest_value_into_the_first_conv(model, images)
    if largest is None or largest > 0.01 or float(np.max(images)) < 0.99:
        return ""
    fed, again = (("as raw 0-255 values and its Rescaling divides them", "once more")
                  if takes_raw_pixels(model) else ("already scaled to [0, 1]", "again"))
    return (f" Its first Conv2D receives values of at most {largest:.4f}: the pixels arrive "
            f"{fed}; does your model divide them by 255 {again}?")


#: q5's last passing run: the model's weights and its final validation accuracy.
_LAST_PASS: dict[str, float] = {}


def check_small_model(build_model) -> str | None:
    """q5's checker: None when the model passes train_small_model's checks and reaches
    ACCURACY_FLOOR after the last epoch; otherwise what is off.

    Taught in lesson 05, section 7 (the "Check yourself" q5). Seeded with CHECK_SEED, so the
    verdict is the same on every run; the floor's margin over other seeds is measured by
    ``python -m benchmarks.lesson05_ablation --q5``.
    """
    _LAST_PASS.clear()
    problem, accuracies, model, validation = _train(build_model, CHECK_SEED)
    if problem is not None:
        return problem
    if accuracies[-1] < ACCURACY_FLOOR:
        per_epoch = ", ".join(f"{a:.1%}" for a in accuracies)
        scaled_twice = _scaled_twice(model, validation[0][:64])
        return (f"the model has {model.count_params():,} weights (within the budget) but "
                f"reached {accuracies[-1]:.1%} on the {len(validation[1])} "
                f"validation digits after {CHECK_EPOCHS} epochs (per epoch: {per_epoch}); "
                f"the floor is {ACCURACY_FLOOR:.0%}."
                + (scaled_twice or _advice(model, accuracies, validation)))
    _LAST_PASS.update(weights=model.count_params(), accuracy=accuracies[-1])
    return None


def _check_q5(answer):
    if isinstance(answer, numbers.Number):
        return f"expected a function that returns a Keras model, got {describe(answer)}."
    return check_small_model(answer)


class _TrainedModelExercise(Exercise):
    """q5: its Correct! also says the weights and the accuracy the check measured."""

    def feedback(self, *answer) -> str:
        text = super().feedback(*answer)
        if text.startswith("Correct!") and _LAST_PASS:
            text += (f" Your model: {_LAST_PASS['weights']:,} weights, "
                     f"{_LAST_PASS['accuracy']:.1%} validation accuracy after {CHECK_EPOCHS} "
                     f"epochs (the floor is {ACCURACY_FLOOR:.0%}; the solution's 5,258-weight "
                     f"model reaches {SOLUTION_ACCURACY:.1%}).")
        return text


q5 = _TrainedModelExercise(
    "Write a function build_model() that returns a Keras model starting with "
    f"keras.Input((28, 28, 1)), with at least one Conv2D layer and at most {WEIGHT_BUDGET:,} "
    f"weights (the pooled model of section 7 has {POOLED_WEIGHTS:,}), that reaches "
    f"{ACCURACY_FLOOR:.0%} validation accuracy after a short training run. The check trains it "
    f"on the lesson's training split (the first {TRAIN_DIGITS:,} "
    f"sample digits) with Adam(0.003) for {CHECK_EPOCHS} epochs and measures it on the "
    "validation split (the other 800), in a few seconds. The model must end in "
    "Dense(10, activation='softmax') (the check's loss reads probabilities). Pixels arrive "
    "scaled to [0, 1]; a model that scales them itself with a Rescaling layer, such as "
    "Rescaling(1 / 255), gets the raw 0-255 pixels instead.",
    checker=_check_q5,
    hint=["Count before you train: build_model().count_params(). In the pooled model of "
          "section 7, most weights sit in the Dense(84) after Flatten (its weight table).",
          "The improved model has no Dense layer between Flatten and the output. Two small "
          "convolutions, each followed by pooling, leave few values for Flatten: how many "
          "filters can you afford?"],
    solution="""\
def build_model():
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(8, 3, activation="relu")(inputs)      # 26x26x8
    h = layers.MaxPooling2D(2)(h)                           # 13x13x8
    h = layers.Conv2D(16, 3, activation="relu")(h)          # 11x11x16
    h = layers.MaxPooling2D(2)(h)                           # 5x5x16
    h = layers.Flatten()(h)                                 # 400 values
    outputs = layers.Dense(10, activation="softmax")(h)
    return keras.Model(inputs, outputs)                     # 5,258 weights


q5.check(build_model)""",
    solution_answer=build_small_model,
)

# --- q6: optimizer state ------------------------------------------------------------------------

# Keras 3's optimizers also keep two scalar variables: the step counter and the learning rate.
_OPTIMIZER_SCALARS = 2
_Q6 = 2 * POOLED_WEIGHTS + _OPTIMIZER_SCALARS
_POOLED_HIDDEN = _dense_params(4 * 4 * 6, 84)             # the pooled model's Dense(84)
_Q2_WEIGHTS = (_Q1_CONV1 + _Q1_CONV2 + _dense_params(_POOLED * _POOLED * 16, 84)
               + _dense_params(84, 10))                  # q2's model, with its Dense layers

q6 = Exercise(
    f"The source model with pooling (section 7) has {POOLED_WEIGHTS:,} weights. Adam keeps TWO "
    "running averages per weight, RMSprop one. How many 'Optimizer params' would "
    "model.summary() show after training that model with Adam at its default constant "
    "learning rate (optimizer=\"adam\")?",
    checker=number(_Q6, mistakes={
        POOLED_WEIGHTS + _OPTIMIZER_SCALARS: "that is RMSprop's count (one average per weight).",
        2 * POOLED_WEIGHTS + 1: (
            "you counted one of the two scalars: with a constant learning rate Keras stores "
            "the rate as a variable too, besides the step counter (2W + 2). 2W + 1 is Adam with "
            "a learning-rate schedule, as 'Going further' B checks."),
        2 * POOLED_WEIGHTS: "close: Keras also counts the optimizer's two scalars (step "
                            "counter and learning rate).",
        2 * POOLED_WEIGHTS + _OPTIMIZER_SCALARS + 1: (
            "Keras keeps two scalars besides the averages (the step counter and the learning "
            "rate), not three: Adam's beta_1 and beta_2 are fixed settings, not variables."),
        3 * POOLED_WEIGHTS + _OPTIMIZER_SCALARS: (
            "that is the Total params (the weights included), or three values per weight; the "
            "question asks for the optimizer's own: two averages per weight, plus 2 scalars."),
        2 * SOURCE_WEIGHTS + _OPTIMIZER_SCALARS: (
            "that is the source model's 'Total params' ('Going further' B); the question is "
            f"about the pooled model's {POOLED_WEIGHTS:,} weights."),
        SOURCE_WEIGHTS + _OPTIMIZER_SCALARS: (
            "that is the source model's count with RMSprop, printed in 'Going further' B; the "
            f"question is about the pooled model ({POOLED_WEIGHTS:,} weights) with Adam."),
        2 * _Q2_WEIGHTS + _OPTIMIZER_SCALARS: (
            f"that is 2W + 2 for q2's model ({_Q2_WEIGHTS:,} weights: 3x3 convolutions with 8 "
            f"and 16 filters); the question is about section 7's pooled model, "
            f"{POOLED_WEIGHTS:,} weights."),
        2 * _POOLED_HIDDEN + _OPTIMIZER_SCALARS: (
            f"that is 2W + 2 for the layer 'hidden' alone ({_POOLED_HIDDEN:,} weights); Adam "
            "keeps two averages for every weight of the model, the convolutions' and the "
            "output layer's too."),
    }),
    hint=[f"RMSprop on the source model: {SOURCE_WEIGHTS:,} (one average per weight) + 2 "
          f"scalars = {SOURCE_WEIGHTS + 2:,}.",
          "Adam: two averages per weight, plus the same 2 scalars."],
    solution=f"""\
# Adam: two running averages per weight, plus 2 scalars (step counter, learning rate)
answer = 2 * {POOLED_WEIGHTS} + 2
# For a model whose W weights are all trainable, with a constant learning rate (a schedule
# stores no learning-rate variable), Adam holds 2W + 2 values, and RMSprop's summary shows
# Total = W + (W + 2): the same 2W + 2. That is why the source's 'Total params: 406,138'
# equals what Adam alone would hold for it: not a coincidence, one identity.""",
    solution_answer=_Q6,
)


# --- q7: accuracy from a confusion matrix -------------------------------------------------------

def accuracy_from_confusion(matrix) -> float:
    """Accuracy from a confusion matrix: the correct predictions over all of them.

    Taught in lesson 05, "Going further" C (q7's solution). ``matrix``: counts, rows the true class,
    columns the predicted one. A DataFrame from ``pd.crosstab`` has a row only for a class
    that occurs as a true label and a column only for one that was predicted, so it need not
    be square: the correct predictions are the cells whose row and column have the same
    label. An array is read as square, class i in row and column i.

    >>> accuracy_from_confusion(np.array([[9, 1], [6, 4]]))
    0.65
    >>> true, predicted = pd.Series([0, 1, 2, 2]), pd.Series([0, 2, 2, 2])
    >>> accuracy_from_confusion(pd.crosstab(true, predicted))   # 1 is never predicted
    0.75
    """
    if isinstance(matrix, pd.DataFrame):
        both = matrix.index.intersection(matrix.columns)
        correct = sum(float(matrix.at[label, label]) for label in both)
        return correct / float(matrix.to_numpy(dtype=float).sum())
    counts = np.asarray(matrix, dtype=float)
    return float(np.trace(counts) / counts.sum())


def _confusion_frame(counts, true_labels=None, predicted_labels=None) -> pd.DataFrame:
    """A confusion matrix laid out like pd.crosstab's: index 'true', columns 'predicted'
    (labels 0, 1, ... unless given)."""
    counts = np.asarray(counts)
    rows = range(counts.shape[0]) if true_labels is None else true_labels
    columns = range(counts.shape[1]) if predicted_labels is None else predicted_labels
    return pd.DataFrame(counts, index=pd.Index(rows, name="true"),
                        columns=pd.Index(columns, name="predicted"))


# Square cases, rows of different sizes, so that accuracy, mean recall and trace / classes all
# differ; then two tables as pd.crosstab makes them when a class is never predicted (no
# column) or never the true label (no row), where the diagonal by position pairs the wrong
# labels.
_SQUARE_CASES = [
    (_confusion_frame([[50, 2, 3], [4, 20, 1], [0, 5, 15]]),),
    (_confusion_frame([[9, 1], [6, 9]]),),
    (_confusion_frame([[30, 0, 0, 0], [2, 8, 0, 0], [0, 0, 5, 5], [1, 0, 0, 9]]),),
]
_NEVER_PREDICTED = _confusion_frame([[8, 1], [3, 2], [1, 6]], predicted_labels=[0, 2])
_NEVER_TRUE = _confusion_frame([[1, 7, 0], [2, 1, 9]], true_labels=[1, 2])
_CONFUSION_CASES = [*_SQUARE_CASES, (_NEVER_PREDICTED,), (_NEVER_TRUE,)]


def _counts(matrix) -> np.ndarray:
    return np.asarray(matrix, dtype=float)


def _by_position(m) -> float:
    """The accuracy with the diagonal taken by position, np.trace's."""
    return float(np.trace(_counts(m)) / _counts(m).sum())


#: Mistakes recognised on the square cases, where position and label agree.
_ACCURACY_MISTAKES = [
    (lambda m: float(np.trace(_counts(m))),
     "that is the number of correct predictions; divide it by the number of all predictions."),
    (lambda m: float(np.mean(np.diag(_counts(m)) / _counts(m).sum(axis=1))),
     "that is the mean per-digit recall (each row's share on the diagonal); accuracy is the "
     "diagonal's total over the total of all cells. They differ when the rows have different "
     "sizes."),
    (lambda m: float(np.mean(np.diag(_counts(m)) / _counts(m).sum(axis=0))),
     "that is the mean per-digit precision (each column's share on the diagonal); accuracy is "
     "the diagonal's total over the total of all cells."),
    (lambda m: float(np.trace(_counts(m)) / len(m)),
     "you divided by the number of classes; divide by the number of predictions (the sum of "
     "all cells)."),
    (lambda m: 1 - accuracy_from_confusion(m),
     "that is the error rate (the off-diagonal share): 1 minus the accuracy."),
    (lambda m: 100 * accuracy_from_confusion(m),
     "that is a percentage; return the fraction between 0 and 1 (leave out the * 100)."),
    (lambda m: float(np.trace(_counts(m)) // _counts(m).sum()),
     "// is floor division: correct / all is below 1, so it rounds down to 0. Divide with /."),
    *[(lambda m, k=k: round(accuracy_from_confusion(m), k),
       f"your function rounds (round(..., {k})): return the accuracy unrounded; round only "
       "when you print it.") for k in (1, 2, 3, 4)],
]
_BY_POSITION_MESSAGE = (
    "your function is right on the tables whose rows and columns list the same digits, but "
    "not on those where a digit was never predicted or never true: on every table the check "
    "gave it, it returns what the diagonal taken by position (np.trace's) gives. pd.crosstab "
    "leaves out the column of a digit never predicted, so position (1, 1) can hold true 1, "
    "predicted 2. Add the cells whose row and column have the same label. On this table, "
    f"where digit 1 was never predicted, it returned {_by_position(_NEVER_PREDICTED):.4f}; "
    f"the expected value is {accuracy_from_confusion(_NEVER_PREDICTED):.4f}:\n"
    + "\n".join("    " + line for line in _NEVER_PREDICTED.to_string().splitlines()))
_ACCURACY_MESSAGES = {message for _, message in _ACCURACY_MISTAKES} | {_BY_POSITION_MESSAGE}
_ABOUT_CASES = ("The check passes your function tables of 2 to 4 digits laid out like "
                "pd.crosstab's, with a row only for a digit that is a true label and a column "
                "only for one that was predicted: not always square.")
_check_square_cases = function(
    _SQUARE_CASES, reference=accuracy_from_confusion, mistakes=_ACCURACY_MISTAKES,
    about_cases=_ABOUT_CASES)


def _columns_to_the_rows(m) -> float:
    """The accuracy of the table with its columns reindexed to its rows: the column of a
    digit predicted but never true is dropped, and its predictions with it."""
    return _by_position(m.reindex(columns=m.index, fill_value=0))


_COLUMNS_TO_THE_ROWS_MESSAGE = (
    "your function drops the predictions of a digit that was predicted but is never a true "
    "label: such a digit has a column and no row, so reindexing the columns to the rows "
    "(matrix.reindex(columns=matrix.index)) removes its column from the total. On this "
    f"table it returned {_columns_to_the_rows(_NEVER_TRUE):.4f}; the expected value is "
    f"{accuracy_from_confusion(_NEVER_TRUE):.4f}: reindex both to their union, or divide by "
    "the original table's total:\n"
    + "\n".join("    " + line for line in _NEVER_TRUE.to_string().splitlines()))
_ACCURACY_MESSAGES.add(_COLUMNS_TO_THE_ROWS_MESSAGE)
_check_all_cases = function(
    _CONFUSION_CASES, reference=accuracy_from_confusion,
    mistakes=[(_by_position, _BY_POSITION_MESSAGE),
              (_columns_to_the_rows, _COLUMNS_TO_THE_ROWS_MESSAGE)],
    about_cases=_ABOUT_CASES)


def _results(answer) -> list[float] | None:
    """The learner's function on each square case, as numbers (None if any call fails)."""
    try:
        return [float(np.asarray(answer(frame.copy())).reshape(()))
                for (frame,) in _SQUARE_CASES]
    except Exception:
        return None


#: A 10x10 confusion matrix, like the lesson's: a function that only works for ten classes
#: passes it and fails on the cases.
_TEN_CLASSES = _confusion_frame(np.diag(np.arange(10, 20)) + 1)


def _assumes_ten_classes(answer) -> str | None:
    """The message for a function that works on a 10x10 matrix but raises on a smaller square
    one (a hard-coded range(10)); None otherwise."""
    try:
        answer(_TEN_CLASSES.copy())
    except Exception:
        return None
    for (frame,) in _SQUARE_CASES:
        try:
            answer(frame.copy())
        except (IndexError, KeyError) as error:
            return (f"your function works on a 10x10 confusion matrix but raises "
                    f"{type(error).__name__} on a {len(frame)}x{len(frame)} one: it assumes ten "
                    "classes (a range(10)?). Take the labels from the matrix itself "
                    "(matrix.index, matrix.columns).")
    return None


def _missing_label(answer) -> str | None:
    """The message for a function, right on every square case, that raises KeyError on a
    label a non-square table lacks as a column (or row); None otherwise."""
    for frame in (_NEVER_PREDICTED, _NEVER_TRUE):
        try:
            answer(frame.copy())
        except KeyError as error:
            label = error.args[0] if error.args else None
            if label in frame.index.difference(frame.columns):
                return (f"your function raises KeyError: {label!r} on a table where digit "
                        f"{label} was never predicted, so pd.crosstab gave it no column. Look "
                        "up only the labels that are both a row and a column "
                        "(matrix.index.intersection(matrix.columns)).")
            if label in frame.columns.difference(frame.index):
                return (f"your function raises KeyError: {label!r} on a table where digit "
                        f"{label} is never the true label, so pd.crosstab gave it no row. Look "
                        "up only the labels that are both a row and a column "
                        "(matrix.index.intersection(matrix.columns)).")
        except Exception:
            return None
    return None


def _code_names(code) -> set[str]:
    """The names a code object (and the functions inside it) uses, keyword names included."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if inspect.iscode(constant):
            names |= _code_names(constant)
        elif isinstance(constant, tuple):             # the keyword names of a call
            names |= {item for item in constant if isinstance(item, str)}
    return names


def _reindexed_without_fill(answer) -> str | None:
    """The message for a function that calls reindex without fill_value and returns NaN on a
    case (the cells reindex adds are NaN, and one NaN makes the sum NaN); None otherwise."""
    code = getattr(inspect.unwrap(answer), "__code__", None)
    if code is None or "reindex" not in (names := _code_names(code)) or "fill_value" in names:
        return None
    for (frame,) in _CONFUSION_CASES:
        try:
            value = float(np.asarray(answer(frame.copy()), dtype=float).reshape(()))
        except Exception:
            return None
        if np.isnan(value):
            return (f"your function returned nan on a {frame.shape[0]}x{frame.shape[1]} table: "
                    "reindex fills the rows and columns it adds with NaN unless you pass "
                    "fill_value=0, and one NaN makes the whole sum (or np.trace) NaN.")
    return None


def _check_accuracy(answer):
    if callable(answer) and not is_keras_model(answer):
        try:
            result = answer(_CONFUSION_CASES[0][0].copy())
        except Exception:
            result = None  # the function checker reports the exception with its call
        if isinstance(result, pd.Series | pd.DataFrame):
            return ("your function returned a pandas " + type(result).__name__ + ", not a "
                    "number: return one number. (A DataFrame's .sum() gives one total per "
                    "column; matrix.to_numpy().sum() gives the total of all cells.)")
    verdict = _check_square_cases(answer)
    if verdict is None:   # right where position and label agree: now the crosstab tables
        verdict = _check_all_cases(answer)
        if verdict is None or verdict in _ACCURACY_MESSAGES:
            return verdict
        no_fill = _reindexed_without_fill(answer)
        return _missing_label(answer) or (f"{no_fill}\n{verdict}" if no_fill else verdict)
    if verdict in _ACCURACY_MESSAGES or not callable(answer):
        return verdict
    no_fill = _reindexed_without_fill(answer)
    if no_fill:
        return f"{no_fill}\n{verdict}"
    ten_only = _assumes_ten_classes(answer)
    if ten_only:
        return f"{ten_only}\n{verdict}"
    results = _results(answer)
    if results is not None and np.ptp(results) < 1e-9:
        return (f"your function returns {results[0]:.4g} for every confusion matrix the check "
                "passes it: it must compute from its argument `matrix`, not from a variable of "
                "the notebook such as `confusion`.")
    if results is not None and all(r > 0 for r in results):
        divisors = [np.trace(_counts(frame)) / r for (frame,), r in zip(_SQUARE_CASES, results,
                                                                         strict=True)]
        if np.ptp(divisors) < 1e-6 * max(divisors):
            validation = len(_check_data(raw_pixels=True)[1][1])      # len(y_val)
            guess = (" (the number of validation digits, len(y_val)?)"
                     if round(divisors[0]) == validation else "")
            return (f"your function divides by {divisors[0]:.6g} whatever the matrix{guess}: "
                    "divide by this matrix's own total, the sum of its cells.")
    return verdict


q7 = Exercise(
    "Write a function accuracy(matrix) that takes a confusion matrix like `confusion` in "
    "'Going further' C, as pd.crosstab makes it (rows the true digit, columns the predicted one, "
    "counts in the cells), and returns the accuracy as a number between 0 and 1. pd.crosstab "
    "makes a row only for a digit that occurs as a true label and a column only for one that "
    "was predicted: the table need not be square, and its labels need not match its "
    "positions.",
    checker=_check_accuracy,
    hint=["The correct predictions are the cells whose row label equals their column label "
          "(true == predicted); the total is the sum of all cells.",
          "matrix.index and matrix.columns hold the labels; matrix.at[d, d] is the cell of "
          "digit d predicted as d, when d is both a row and a column."],
    solution="""\
def accuracy(matrix):
    both = matrix.index.intersection(matrix.columns)   # digits with a row and a column
    correct = sum(matrix.at[d, d] for d in both)        # true == predicted
    return correct / matrix.to_numpy().sum()            # over all predictions""",
    solution_answer=accuracy_from_confusion,
)


# --- q8: reading the ablation table -----------------------------------------------------------

def ablation_gains() -> pd.DataFrame:
    """The ablation's per-seed gains: for each seed (rows) and step (columns), the step's
    validation accuracy minus the step before's, from lesson 05's ablation table (step 0,
    with no step before it, is NaN).

    Taught in lesson 05, "Going further" A (the table ``paired``) and E (q8).

    >>> ablation_gains().loc[0, 1].round(4)     # seed 0: pooling gained 0.0113
    np.float64(0.0113)
    """
    runs = pd.read_csv(lesson05_ablation_path(), comment="#")
    return runs.pivot(index="seed", columns="step", values="val_accuracy").diff(axis=1)


_GAINS = ablation_gains()
_STEPS = [int(step) for step in _GAINS.columns]


def _steps_where(condition) -> tuple[int, ...]:
    return tuple(step for step in _STEPS[1:] if condition(_GAINS[step]))


_Q8 = _steps_where(lambda gains: (gains > 0).all())
_POSITIVE_MEAN = _steps_where(lambda gains: gains.mean() > 0)
_NEVER_LOWER = _steps_where(lambda gains: (gains >= 0).all())
_FOUR_OR_MORE = _steps_where(lambda gains: (gains > 0).sum() >= len(gains) - 1)
_LARGEST_MEANS = tuple(sorted(int(step) for step in _GAINS.mean().nlargest(len(_Q8)).index))
_LARGEST_MEAN = (int(_GAINS.mean().idxmax()),)


def _seeds_not_ahead(step: int) -> str:
    """'seed 3' or 'seeds 1 and 2': the seeds at which ``step`` did not raise the accuracy."""
    seeds = [int(seed) for seed in _GAINS.index[~(_GAINS[step] > 0)]]
    return ("seed " if len(seeds) == 1 else "seeds ") + " and ".join(map(str, seeds))


def _read_steps(answer) -> tuple[int, ...]:
    """The step numbers of an answer: a list, tuple, set, array, pandas Index or Series of
    whole numbers, or a boolean Series indexed by step such as (paired > 0).all()."""
    if isinstance(answer, pd.Series) and answer.dtype == bool:
        answer = answer.index[answer.to_numpy()]
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        answer = [answer]
    if isinstance(answer, set | frozenset | pd.Index | pd.Series | np.ndarray | range):
        answer = list(answer)
    if isinstance(answer, list | tuple) and any(isinstance(v, str) for v in answer):
        text = next(v for v in answer if isinstance(v, str))
        raise UnreadableAnswer(f"your list holds text ({text!r}): write the step numbers "
                               "without quotes, such as [3, 5]")
    if not isinstance(answer, list | tuple) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)
            or isinstance(v, float) and v.is_integer() for v in answer):
        raise UnreadableAnswer(f"expected a list of step numbers such as [3, 5], got "
                               f"{describe(answer)}")
    steps = [int(v) for v in answer]
    repeated = sorted({step for step in steps if steps.count(step) > 1})
    if repeated:
        raise UnreadableAnswer(f"your list has step {repeated[0]} more than once: give each "
                               "step once")
    return tuple(sorted(steps))


_STEP_MISTAKES = {
    _POSITIVE_MEAN: (
        "those are the steps with a positive mean gain. A mean can rest on one or two seeds "
        f"(step {_POSITIVE_MEAN[-1]} was not ahead at {_seeds_not_ahead(_POSITIVE_MEAN[-1])}); "
        "the question asks for the steps ahead at every seed."),
    _NEVER_LOWER: (
        f"step {sorted(set(_NEVER_LOWER) - set(_Q8))[0]} was never lower, but at "
        f"{_seeds_not_ahead(sorted(set(_NEVER_LOWER) - set(_Q8))[0])} it only tied the step "
        "before (a gain of 0): it did not raise the accuracy there."),
    _FOUR_OR_MORE: (
        "those were ahead at four seeds or more. Four of five happens by chance 6 times in 32 "
        "(0.19) when a change does nothing; the question asks for every seed."),
    _LARGEST_MEANS: (
        f"those have the largest mean gains, but step {sorted(set(_LARGEST_MEANS) - set(_Q8))[0]}"
        f" was not ahead at {_seeds_not_ahead(sorted(set(_LARGEST_MEANS) - set(_Q8))[0])}."),
    _LARGEST_MEAN: (
        f"step {_LARGEST_MEAN[0]} has the largest mean gain, but it was not ahead at "
        f"{_seeds_not_ahead(_LARGEST_MEAN[0])}: the question asks for the steps ahead at every "
        "seed, however small their gain."),
    (): (
        "an empty list says no step was ahead at every seed, but some columns of paired are "
        "above 0 in all five rows. Their gains are small, about the spread between seeds; the "
        "question asks only where the gain is above 0 at every seed, not whether it is large."),
    tuple(step - 1 for step in _Q8): (
        "each column of paired is labelled by the later step: column 1 holds step 1's accuracy "
        "minus step 0's."),
}
# Reading column k as the gain of step k + 1 shifts every step up by one ([2, 3] for [1, 2]).
_STEP_MISTAKES.setdefault(tuple(step + 1 for step in _Q8), (
    "each of your steps is one after a column of paired that is above 0 at every seed: column k "
    "already holds step k's gain over step k - 1 (column 1 is pooling's gain over the source), "
    "not the gain of step k + 1."))


def _check_steps(answer):
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        return (f"you gave one number, {answer}; the question asks for a list of the step "
                "numbers themselves, such as [3, 5] (a single step as [3]), not how many "
                "steps there are.")
    steps = _read_steps(answer)
    if steps == _Q8:
        return None
    if steps in _STEP_MISTAKES:
        return _STEP_MISTAKES[steps]
    if steps and set(steps) < set(_Q8):
        return "another step was also ahead at every seed: look at each column of paired."
    extra = sorted(set(steps) - set(_Q8))
    if set(_Q8) < set(steps) and all(step in _STEPS[1:] for step in extra):
        return f"step {extra[0]} was not ahead at {_seeds_not_ahead(extra[0])}."
    unknown = [step for step in steps if step not in _STEPS[1:]]
    if unknown:
        return (f"step {unknown[0]} is not a column of paired with gains: the steps that have a "
                f"step before them are {_STEPS[1]} to {_STEPS[-1]}.")
    return f"your steps {list(steps)} are not the expected ones."


q8 = Exercise(
    "paired holds, for each seed (rows) and ablation step (columns), the step's validation "
    "accuracy minus the step before's. Which steps raised the validation accuracy over the "
    "step before at all five seeds? Step 2 counts as one step, its four changes together. "
    "Give a list of step numbers.",
    checker=_check_steps,
    hint=["A step qualifies when its column of paired is above 0 in every row; a tie (0.0) "
          "does not raise the accuracy.",
          "(paired > 0) is a table of True/False; .all() asks, for each column, whether every "
          "row is True."],
    solution=f"""\
# (paired > 0).all() is True for the columns above 0 at every seed
answer = {list(_Q8)}
# every other step was behind or level at one seed or more: five seeds cannot tell
# its gain from chance""",
    solution_answer=list(_Q8),
)


__all__ = ["SOURCE_WEIGHTS", "POOLED_WEIGHTS", "WEIGHT_BUDGET", "TRAIN_DIGITS", "CHECK_EPOCHS",
           "CHECK_SEED", "ACCURACY_FLOOR", "Q3_RUN", "Q3_PATIENCE", "early_stopping_epochs",
           "ablation_gains", "accuracy_from_confusion", "build_small_model",
           "train_small_model", "check_small_model", "takes_raw_pixels",
           *bind_exercises(globals())]
