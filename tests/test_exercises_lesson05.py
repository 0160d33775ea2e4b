"""Lesson 05 exercises: the expected answers agree with what Keras computes (Keras is the
reference, not the module), q5's check gives each design the verdict and the message it should,
and LEARNER_ANSWERS lists what a learner types into each exercise cell (run in the notebook's own
kernel by tests/kernel_checks.py, the "learner path" item of the notebook's test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.data import lesson05_ablation_path
from course_utils.exercises import lesson05 as lesson

keras = pytest.importorskip("keras")
layers = keras.layers

# What a learner types into each exercise cell, and a fragment of what must be printed. A
# one-line entry replaces ____ in the stored cell; a multi-line entry is run, then the cell's
# check line. Every wrong answer is a mistake the lesson predicts.
_SMALL_MODEL = """\
def build_model():
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(8, 3, activation="relu")(inputs)
    h = layers.MaxPooling2D(2)(h)
    h = layers.Conv2D(16, 3, activation="relu")(h)
    h = layers.MaxPooling2D(2)(h)
    h = layers.Flatten()(h)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(h))"""

# Section 7's conv -> batch normalization -> ReLU -> pool, twice, within q5's budget.
_BN_MODEL = """\
def build_model():
    inputs = keras.Input(shape=(28, 28, 1))
    h = inputs
    for filters in (8, 16):
        h = layers.Conv2D(filters, 3, use_bias=False)(h)
        h = layers.BatchNormalization()(h)
        h = layers.MaxPooling2D(2)(layers.Activation("relu")(h))
    h = layers.Flatten()(h)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(h))"""

# q3: EarlyStopping's rule as a loop, and with np.argmin over the epochs run.
_STOP_AND_KEEP = """\
def stop_and_keep(val_losses, patience):
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses), best_epoch"""

_STOP_AND_KEEP_ARGMIN = """\
def stop_and_keep(val_losses, patience):
    for epoch in range(1, len(val_losses) + 1):
        if epoch - (np.argmin(val_losses[:epoch]) + 1) >= patience:
            return epoch, np.argmin(val_losses[:epoch]) + 1
    return len(val_losses), np.argmin(val_losses) + 1"""

# Improvement read as "lower than the epoch before"; the kept epoch is still the lowest run.
_STOP_AND_KEEP_PREVIOUS = """\
def stop_and_keep(val_losses, patience):
    worse = 0
    for epoch in range(2, len(val_losses) + 1):
        worse = worse + 1 if val_losses[epoch - 1] >= val_losses[epoch - 2] else 0
        if worse >= patience:
            return epoch, int(np.argmin(val_losses[:epoch])) + 1
    return len(val_losses), int(np.argmin(val_losses)) + 1"""

# A waiting counter that is never set back to 0 when a new lowest arrives.
_STOP_AND_KEEP_NO_RESET = """\
def stop_and_keep(val_losses, patience):
    best, best_epoch, wait = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch"""

LEARNER_ANSWERS = {
    "q1": {
        "right": ["776326", "776_326.0", "np.int64(776326)"],
        "wrong": {
            "203068": "source model's count",
            "775476": "output layer",
            "776302": "biases of conv1 and conv2 are missing",
            "1055878": "shrinks 28 -> 26 -> 24",
            "910726": "after BOTH convolutions",           # flattened after one convolution
            "775318": "3x3x8, not 3x3",                    # conv2 without its 8 input channels
            "539782": "source's 5x5 sizes",                # kept the 5x5 kernels' sizes
            "1552654": "W + 2 values, 'Going further' B)",   # the summary after training
            '"776,326"': "remove the quotes and the commas",
            '"776326"': "remove the quotes, so Python sees a number",   # no commas
            "1248": "two convolutions' weights only",             # the convolutions alone
            "652678": "without the + 1",                         # sizes 25, then 22
            "776208": "every bias is missing",               # every bias left out
            "776242": "biases of Dense(84) are missing",     # Dense(84)'s biases left out
            "776232": "biases of Dense(84) and the output layer are missing",   # Dense biases
            "842182": "25 x 25 x 16 maps before Flatten",        # 25 = 28 - 3, one size only
            "776316": "biases of the output layer are missing",
            "776318": "either conv1's 8 biases are missing, or conv2 is counted as",
            "(3*3*1 + 1)*8 + (3*3*16 + 1)*8 + (24*24*16 + 1)*84 + (84 + 1)*10":
                "either conv1's 8 biases are missing, or conv2 is counted as",   # C_in/C_out
            "776300": "rounded to 4 significant figures, or 26 short: the biases of conv2 and "
                      "the output layer (16 + 10)",               # or those biases left out
            "780000": "the expected count rounded to 2 significant figures",
            "776,326": "If you typed one number with commas, 776,326",
            "775078": "two Dense layers' weights only",     # the convolutions left out
            "774228": "Dense(84)'s count alone",              # the big Dense layer alone
        },
    },
    "q2": {
        "right": ["(5, 5, 16)", "[5, 5, 16]", "np.array([5, 5, 16])", "(None, 5, 5, 16)",
                  "(1, 5, 5, 16)", "pd.DataFrame([[5, 5, 16]])", "(5.0, 5.0, 16.0)"],
        "wrong": {
            "(6, 6, 16)": "if you got 6 from 13 / 2: the second 3x3 convolution takes 2 off",
            "(24, 24, 16)": "without the pooling",
            "(5, 5, 8)": "second convolution's filters",
            "(16, 5, 5)": "channels last",
            "(11, 11, 16)": "second pooling is missing",
            "(5, 5)": "also has the channels",
            "(9, 9, 16)": "takes 2 off, not 3",            # 28 - 3 = 25 -> 12 -> 9
            "(4, 4, 16)": "source's 5x5 kernels",          # 28 -> 24 -> 12 -> 8 -> 4
            "(7, 7, 16)": "as padding='same' would",       # 28 -> 28 -> 14 -> 14 -> 7
            "(None, 7, 7, 16)": "28 / 2 / 2 = 7 is the pooling alone",   # with the batch axis
        },
    },
    "q3": {
        "right": [_STOP_AND_KEEP, _STOP_AND_KEEP_ARGMIN],
        "wrong": {
            "def stop_and_keep(val_losses, patience):\n"
            "    return early_stopping_epochs(val_losses, patience)":
                "your function calls early_stopping_epochs",
            _STOP_AND_KEEP.replace("return epoch, best_epoch", "return epoch, epoch")
            .replace("return len(val_losses), best_epoch",
                     "return len(val_losses), len(val_losses)"):
                "your kept epoch is always the last one run",     # no restore_best_weights
            _STOP_AND_KEEP_ARGMIN.replace("return epoch, np.argmin(val_losses[:epoch]) + 1",
                                          "return epoch, np.argmin(val_losses[:epoch])")
            .replace("return len(val_losses), np.argmin(val_losses) + 1",
                     "return len(val_losses), np.argmin(val_losses)"):
                "your kept epoch is 1 too low on every run",      # np.argmin's position
            _STOP_AND_KEEP.replace("enumerate(val_losses, start=1)", "enumerate(val_losses)"):
                "your epoch numbers are 1 too low",                # epochs from 0
            _STOP_AND_KEEP.replace(">= patience", ">= patience - 1"):
                "your runs stop one epoch early",
            _STOP_AND_KEEP.replace(">= patience", "> patience"):
                "your runs stop one epoch late",
            _STOP_AND_KEEP.replace("return len(val_losses), best_epoch",
                                   "return len(val_losses), len(val_losses)"):
                "keeps the last epoch when the run is not stopped early",   # old tf.keras
            _STOP_AND_KEEP.replace("if loss < best", "if loss <= best"):
                "counts a tie as an improvement",
            _STOP_AND_KEEP_PREVIOUS: "compares each epoch with the one before",
            _STOP_AND_KEEP_NO_RESET: "does not start again at 0 when a new lowest arrives",
            "def stop_and_keep(val_losses, patience):\n"
            "    return len(val_losses), int(np.argmin(val_losses)) + 1":
                "never stops a run early",
            "def stop_and_keep(val_losses, patience):\n"
            "    kept = int(np.argmin(val_losses)) + 1\n"
            "    return min(kept + patience, len(val_losses)), kept":
                "takes the lowest loss of the whole list, epochs after the stop included",
            _STOP_AND_KEEP.replace("return epoch, best_epoch",
                                   "return epoch, int(np.argmin(val_losses)) + 1"):
                "your stop is right, but your kept epoch is the lowest of the whole list",
            _STOP_AND_KEEP.replace("return epoch, best_epoch", "return best_epoch, best_epoch"):
                "your run stops at its lowest epoch",
            _STOP_AND_KEEP.replace("return epoch, best_epoch", "return best_epoch, best_epoch")
            .replace("return len(val_losses), best_epoch", "return best_epoch, best_epoch"):
                "your run stops at its lowest epoch",                # in both branches
            "def stop_and_keep(val_losses, patience):\n    return (9, 5)":
                "it returned (9, 5); the expected value is (8, 4)",   # Q3_RUN's pair, typed
            "def stop_and_keep(val_losses, patience):\n"
            "    return val_losses.index(min(val_losses))":
                "[0.5, 0.386, 0.301, 0.281, 0.292, 0.304, 0.344, 0.38], 4) it returned "
                "something else",                                   # one number, not a pair
        },
    },
    "q4": {
        "right": ["188064", "26 * 26 * 8 * 9 + 11 * 11 * 16 * 72"],
        "wrong": {
            "1248": "number of weights",
            "66096": "3*3*8",
            "251136": "OUTPUT position",
            "712224": "pooled maps",
            "48672": "first convolution only",
            "243360": "outputs 11x11",                     # conv2's output taken as 13x13
            "222504": "the two Dense layers too",          # keras_mults of q2's model
            "138312": "without the + 1",                   # sizes 25, then 9
            "195408": "bias additions",
            "188088": "the number of biases (8 + 16)",      # the 24 biases added
            "963048": "two Dense layers of q1's model",     # + q1's unpooled Dense layers
            "221664": "Dense layer's multiplications",
            "40968": "pooled sizes (13x13, 5x5)",          # pooled maps taken as conv outputs
            "14796": "once per filter",                     # C_out forgotten in both layers
            "195840": "conv1 at its 26x26 output",          # conv1 counted at its 28x28 input
        },
    },
    "q5": {
        "right": [_SMALL_MODEL, _BN_MODEL.replace("BatchNormalization()",
                                                  "BatchNormalization(momentum=0.9)")],
        "wrong": {
            # the source's model, unchanged: 203,068 weights
            "def build_model():\n    inputs = keras.Input(shape=(28, 28, 1))\n"
            "    h = layers.Conv2D(3, 5, activation='swish')(inputs)\n"
            "    h = layers.Conv2D(6, 5, activation='swish')(h)\n"
            "    h = layers.Dense(84, activation='swish')(layers.Flatten()(h))\n"
            "    return keras.Model(inputs, layers.Dense(10, activation='softmax')(h))":
                "budget is 6,000",
            # section 7's pooled model pasted unchanged: 9,532 weights, most in Dense(84)
            "def build_model():\n    return build_pooled_model()":
                "a Dense(84) between Flatten and the output",
            # no convolution at all (19,885 weights)
            "def build_model():\n    inputs = keras.Input(shape=(28, 28, 1))\n"
            "    h = layers.Dense(25, activation='relu')(layers.Flatten()(inputs))\n"
            "    return keras.Model(inputs, layers.Dense(10, activation='softmax')(h))":
                "no Conv2D layer",
            # the model is built but not returned
            "def build_model():\n    inputs = keras.Input(shape=(28, 28, 1))\n"
            "    model = keras.Model(inputs, layers.Dense(10)(layers.Flatten()(inputs)))":
                "return model",
            # a model object instead of the function that builds it
            _SMALL_MODEL + "\n\n\nbuild_model = build_model()": "not a model",
            # the solution with MaxPooling2D(11) last (1,418 weights): Flatten gets 1 x 1 x 16
            _SMALL_MODEL.replace("MaxPooling2D(2)(h)\n    h = layers.Flatten",
                                 "MaxPooling2D(11)(h)\n    h = layers.Flatten"):
                "reads only 16 values, from a 1 x 1 x 16 map",
            # ends in global pooling (5,130 weights): its output layer reads 32 numbers
            "def build_model():\n    inputs = keras.Input(shape=(28, 28, 1))\n"
            "    h = layers.MaxPooling2D(2)(layers.Conv2D(16, 3, activation='relu')(inputs))\n"
            "    h = layers.MaxPooling2D(2)(layers.Conv2D(32, 3, activation='relu')(h))\n"
            "    h = layers.GlobalAveragePooling2D()(h)\n"
            "    return keras.Model(inputs, layers.Dense(10, activation='softmax')(h))":
                "ends in global pooling, so its output layer reads only 32 numbers",
            # the solution's shapes with sigmoid activations: below the floor, and told its
            # shapes match and its activations differ (a cold reviewer's 84.4% model)
            _SMALL_MODEL.replace('"relu"', '"sigmoid"'):
                "so the shapes are not what differs: its activations are sigmoid, sigmoid",
            # section 7's batch normalization with Keras's default momentum 0.99 (5,330
            # weights): 57.6% when predicting, 93.8% with batch statistics; momentum=0.9 passes
            _BN_MODEL: "BatchNormalization(momentum=0.9), as 'Going further' A's settings use",
            # the same with global average pooling (5,274): flat at 10.5%, 75.9% with batch
            # statistics; the running averages are named before the global pooling
            _BN_MODEL.replace("(8, 16)", "(16, 32)").replace(
                "layers.Flatten()(h)", "layers.GlobalAveragePooling2D()(h)"):
                "the floor is 85%. Its BatchNormalization layers predict with running averages",
            # the solution's layers after a Lambda dividing the already scaled pixels by 255
            _SMALL_MODEL.replace("    h = layers.Conv2D(8, 3, activation=\"relu\")(inputs)",
                                 "    h = layers.Lambda(lambda x: x / 255)(inputs)\n"
                                 "    h = layers.Conv2D(8, 3, activation=\"relu\")(h)"):
                "at most 0.0039: the pixels arrive already scaled to [0, 1]; does your model "
                "divide them by 255 again?",
            # a sigmoid output: each value in (0, 1), but the ten do not add up to 1
            _SMALL_MODEL.replace('activation="softmax"', 'activation="sigmoid"'):
                "the outputs are not probabilities: one image's ten outputs add up to",
            # no channel axis: Keras refuses the Conv2D's input while the model is built
            _SMALL_MODEL.replace("shape=(28, 28, 1)", "(28, 28)"):
                "start the model with keras.Input(shape=(28, 28, 1)), the channel axis",
        },
    },
    "q6": {
        "right": ["19066", "2 * 9532 + 2", "19_066"],
        "wrong": {
            "9534": "RMSprop's count",
            "19064": "two scalars",
            "19065": "Adam with a learning-rate schedule, as 'Going further' B",  # 2W + 1
            "28598": "or three values per weight",
            "406138": "source model's 'Total params' ('Going further' B)",
            "19067": "not three",
            "203070": "pooled model",
            '"19,066"': "remove the quotes and the commas",
            "19068": "is not the expected value",
            "71566": "2W + 2 for q2's model",               # q2's model, not the pooled one
            "16298": "the layer 'hidden' alone",             # Dense(84) only
        },
    },
    "q7": {
        "right": [
            "sum(matrix.at[d, d] for d in matrix.index.intersection(matrix.columns))"
            " / matrix.to_numpy().sum()",
            "np.trace(matrix.reindex(index=range(10), columns=range(10), fill_value=0))"
            " / matrix.to_numpy().sum()",
            "def accuracy(matrix):\n    labels = matrix.index.union(matrix.columns)\n"
            "    square = matrix.reindex(index=labels, columns=labels, fill_value=0)\n"
            "    return np.trace(square.to_numpy()) / square.to_numpy().sum()",
        ],
        "wrong": {
            # the diagonal by position: right on square tables, wrong where a digit is missing
            "np.trace(matrix.to_numpy()) / matrix.to_numpy().sum()":
                "on every table the check gave it, it returns what the diagonal taken by position",
            "np.diag(matrix).sum() / matrix.sum().sum()":
                "it returned 0.4762; the expected value is 0.6667:\n    predicted  0  2",
            "def accuracy(matrix):\n    counts = np.asarray(matrix)\n"
            "    return counts.trace() / counts.sum()": "diagonal taken by position",
            # by label, but every row label looked up as a column (or the reverse)
            "sum(matrix.loc[d, d] for d in matrix.index) / matrix.to_numpy().sum()":
                "gave it no column",
            "sum(matrix.loc[d, d] for d in matrix.columns) / matrix.to_numpy().sum()":
                "gave it no row",
            "np.trace(matrix) / matrix.sum()": "returned a pandas Series, not a number",
            # the columns reindexed to the rows: a digit never true loses its predictions
            "def accuracy(matrix):\n"
            "    m = matrix.reindex(columns=matrix.index, fill_value=0)\n"
            "    return np.trace(m.to_numpy()) / m.to_numpy().sum()":
                "reindexing the columns to the rows",
            "np.trace(matrix.to_numpy())": "number of correct predictions",
            "np.trace(matrix.to_numpy()) / len(matrix)": "number of classes",
            "np.mean(np.diag(matrix) / matrix.sum(axis=1))": "mean per-digit recall",
            "1 - np.trace(matrix.to_numpy()) / matrix.to_numpy().sum()": "error rate",
            "100 * np.trace(matrix.to_numpy()) / matrix.to_numpy().sum()": "percentage",
            "round(np.trace(matrix.to_numpy()) / matrix.to_numpy().sum(), 2)": "rounds",
            "np.trace(matrix.to_numpy()) // matrix.to_numpy().sum()": "floor division",
            "np.trace(confusion.to_numpy()) / confusion.to_numpy().sum()":
                "every confusion matrix",                  # the notebook's matrix, not matrix
            "np.trace(matrix.to_numpy()) / len(y_val)": "whatever the matrix",
            # a constant divisor that is not len(y_val): no guess at where it came from
            "np.trace(matrix.reindex(index=range(10), columns=range(10), fill_value=0)"
            ".to_numpy()) / 10": "divides by 10 whatever the matrix: divide",
            "np.mean(np.diag(matrix) / matrix.sum(axis=0))": "mean per-digit precision",
            # ten classes hard-coded: right on the lesson's 10x10 matrix, wrong on the cases
            "sum(matrix.loc[i, i] for i in range(10)) / matrix.to_numpy().sum()":
                "assumes ten classes",
            "def accuracy(matrix):\n    counts = matrix.to_numpy()\n"
            "    return sum(counts[i, i] for i in range(10)) / counts.sum()":
                "assumes ten classes",
            # ten digits hard-coded: the failing case is shown as a table, with what the
            # check passes
            "def accuracy(matrix):\n    counts = matrix.to_numpy()\n"
            "    return sum(matrix.loc[d, d] for d in range(10)) / counts.sum()":
                "matrix was:\n    predicted",
            "def accuracy(matrix):\n    return sum(matrix.loc[d, d] for d in range(10)) "
            "/ matrix.to_numpy().sum()": "tables of 2 to 4 digits",
            # reindex without fill_value: the cells it adds are NaN, and so is the trace
            "np.trace(matrix.reindex(index=range(10), columns=range(10)).to_numpy())"
            " / matrix.to_numpy().sum()": "returned nan on a 3x3 table: reindex fills",
            "def accuracy(matrix):\n    labels = matrix.index.union(matrix.columns)\n"
            "    square = matrix.reindex(index=labels, columns=labels)\n"
            "    return np.trace(square.to_numpy()) / square.to_numpy().sum()":
                "returned nan on a 3x2 table: reindex fills",
        },
    },
    "q8": {
        "right": ["[1, 2]", "(2, 1)", "{1, 2}", "np.array([1, 2])",
                  "list(paired.columns[(paired > 0).all()])", "(paired > 0).all()"],
        "wrong": {
            "[1, 2, 3, 5, 6, 7]": "positive mean gain",          # the mean, not every seed
            "[1, 2, 3]": "only tied the step before",            # a gain of 0 counted as ahead
            "[1, 2, 3, 5, 6]": "four seeds or more",              # four of five wins
            "[1, 6]": "largest mean gains",
            "[0, 1]": "labelled by the later step",              # the columns read one step off
            "[2, 3]": "column k already holds step k's gain",   # read as the gain of step k + 1
            "[1]": "another step was also ahead at every seed",  # a strict subset
            "[2]": "another step was also ahead at every seed",
            "[1, 3]": "are not the expected ones",
            "[1, 2, 6]": "step 6 was not ahead at seed 3",      # one step too many
            "[8]": "not a column of paired",
            '"1, 2"': "expected a list of step numbers",
            '["1", "2"]': "your list holds text ('1')",           # the steps typed as text
            "2": "not how many steps there are",                 # the count, not the steps
            "[1, 2, 2]": "has step 2 more than once",            # a duplicate, not a set
            "[6]": "step 6 has the largest mean gain, but it was not ahead at seed 3",
            "[]": "an empty list says no step was ahead at every seed",   # "gains are noise"
        },
    },
}


def source_like_model(filters=(3, 6), kernel_size=5, pool=False, name="source_like"):
    """The source's model (28x28x1 -> conv -> conv -> Flatten -> Dense(84) -> Dense(10))."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = inputs
    for index, count in enumerate(filters, start=1):
        h = layers.Conv2D(count, kernel_size, activation="swish", name=f"conv{index}")(h)
        if pool:
            h = layers.MaxPooling2D(2, name=f"pool{index}")(h)
    h = layers.Flatten(name="flat")(h)
    h = layers.Dense(84, activation="swish", name="hidden")(h)
    outputs = layers.Dense(10, activation="softmax", name="output")(h)
    return keras.Model(inputs, outputs, name=name)


def keras_conv_mults(model) -> int:
    """Multiplications of the Conv2D layers, from the shapes Keras gives them."""
    return sum(int(np.prod(layer.output.shape[1:])) * int(np.prod(layer.kernel.shape[:-1]))
               for layer in model.layers if isinstance(layer, layers.Conv2D))


# --- the expected answers, against Keras ------------------------------------------------------

def test_source_weights_budget_and_pooled_weights_match_keras():
    assert lesson.SOURCE_WEIGHTS == source_like_model().count_params() == 203_068
    assert lesson.POOLED_WEIGHTS == source_like_model(pool=True).count_params()
    # section 7's pooled model, pasted unchanged, is over the budget; the solution is within it
    assert lesson.build_small_model().count_params() <= lesson.WEIGHT_BUDGET \
        < source_like_model(pool=True).count_params()


def test_q1_matches_keras():
    model = source_like_model(filters=(8, 16), kernel_size=3)
    assert lesson.q1.is_correct(model.count_params())


def test_q2_q4_match_keras():
    model = source_like_model(filters=(8, 16), kernel_size=3, pool=True)
    assert lesson.q2.is_correct(model.get_layer("pool2").output.shape[1:])
    assert lesson.q2.is_correct(tuple(model.get_layer("pool2").output.shape))  # with None
    assert lesson.q4.is_correct(keras_conv_mults(model))
    # parameters and multiplications are different answers
    conv_weights = sum(model.get_layer(n).count_params() for n in ("conv1", "conv2"))
    assert not lesson.q4.is_correct(conv_weights)


def test_q2_floor_mistake_is_a_different_shape():
    """Pooling 11 rows gives 5 (floor), and the rounded-up 6 gets its own message."""
    assert lesson.q2.solution_answer[0] == 5
    feedback = lesson.q2.feedback((6, 6, 16))
    assert "rounds down" in feedback and "takes 2 off first, 13 -> 11" in feedback, feedback


def test_q2_batch_axis_is_accepted_and_named():
    """(1, 5, 5, 16) passes, but the learner is told the question's shape has no batch axis."""
    for typed in [(1, 5, 5, 16), (None, 5, 5, 16)]:
        text = lesson.q2.feedback(typed)
        assert text.startswith("Correct!") and "batch axis is not part of the answer" in text
        assert "so (5, 5, 16)" in text
    assert "not part of the answer" not in lesson.q2.feedback((5, 5, 16))


def keras_early_stopping(val_losses, patience: int) -> tuple[int, int]:
    """(last epoch run, kept epoch), from 1, as Keras's own EarlyStopping decides them when
    it is shown these validation losses one epoch at a time."""
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             restore_best_weights=True)
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        if model.stop_training:
            break
    return epoch + 1, callback.best_epoch + 1


def test_q3_matches_keras_early_stopping():
    """Every run q3's check gives the learner's function: the reference and the solution give
    what Keras's own EarlyStopping decides; Q3_RUN's pair is (9, 5)."""
    assert lesson.early_stopping_epochs(lesson.Q3_RUN["val_loss"], lesson.Q3_PATIENCE) == (9, 5)
    for losses, patience in lesson._Q3_CASES:
        expected = keras_early_stopping(losses, patience)
        assert lesson.early_stopping_epochs(losses, patience) == expected, losses
        assert lesson.stop_and_keep(losses, patience) == expected, losses
    assert lesson.q3.is_correct(lesson.stop_and_keep)


def test_q3_cases_cover_what_the_prompt_names():
    """A tie at the lowest, a run that never stops early, a new lowest at the last epoch,
    patience 1, runs whose lowest loss comes after the stop, section 4's stored run first
    and Q3_RUN last."""
    rows = [(losses, patience, *lesson.early_stopping_epochs(losses, patience))
            for losses, patience in lesson._Q3_CASES]
    assert any(losses[kept - 1] in losses[kept:stop] for losses, _, stop, kept in rows)
    assert any(stop == len(losses) for losses, _, stop, _ in rows)
    assert any(stop == len(losses) > kept for losses, _, stop, kept in rows)   # restores anyway
    assert any(kept == len(losses) for losses, _, _, kept in rows)
    assert any(patience == 1 for _, patience, _, _ in rows)
    assert sum(min(losses) < min(losses[:stop]) for losses, _, stop, _ in rows) >= 2
    assert lesson._Q3_CASES[0] == ([0.500, 0.386, 0.301, 0.281, 0.292, 0.304, 0.344, 0.380], 4)
    assert lesson._Q3_CASES[-1] == (list(lesson.Q3_RUN["val_loss"]), lesson.Q3_PATIENCE)


def test_q3_restoring_only_when_stopped_early_is_named():
    """Old tf.keras put the best weights back only when it stopped a run; Keras 3 restores
    them at the end of training either way, so a run that is never stopped keeps its lowest
    epoch: [0.5, 0.3, 0.4, 0.45] with patience 4 gives (4, 2)."""
    assert keras_early_stopping([0.5, 0.3, 0.4, 0.45], 4) == (4, 2)
    feedback = lesson.q3.feedback(lesson._restores_only_when_stopped)
    assert feedback.startswith("Not quite: your function keeps the last epoch"), feedback
    assert lesson._restores_only_when_stopped([0.5, 0.3, 0.4, 0.45], 4) == (4, 4)


def test_q3_a_wait_counter_never_reset_is_named():
    """Keras sets its wait back to 0 on every new lowest: [0.5, 0.55, 0.4, 0.45, 0.5, 0.55, 0.6]
    with patience 3 runs 6 epochs and keeps 3; a counter never reset stops after 5."""
    run = [0.5, 0.55, 0.4, 0.45, 0.5, 0.55, 0.6]
    assert keras_early_stopping(run, 3) == (6, 3)
    assert (run, 3) in lesson._Q3_CASES
    assert lesson._never_resets(run, 3) == (5, 3)
    namespace = {"np": np}
    exec(_STOP_AND_KEEP_NO_RESET, namespace)
    assert namespace["stop_and_keep"](run, 3) == (5, 3)
    feedback = lesson.q3.feedback(namespace["stop_and_keep"])
    assert "does not start again at 0" in feedback, feedback


def test_q3_each_mistake_is_wrong_somewhere_and_has_its_own_results():
    expected = [lesson.early_stopping_epochs(*case) for case in lesson._Q3_CASES]
    seen = set()
    for wrong, message in lesson._Q3_MISTAKES:
        results = tuple(tuple(int(v) for v in wrong(*case)) for case in lesson._Q3_CASES)
        assert list(results) != expected, message
        assert results not in seen, message
        seen.add(results)
        assert lesson.q3.feedback(wrong).startswith(f"Not quite: {message}")


# --- q5: the budgeted model, checked by a short training run ------------------------------------

def test_q5_solution_is_within_budget_and_convolutional():
    model = lesson.build_small_model()
    assert model.count_params() <= lesson.WEIGHT_BUDGET
    assert any(isinstance(layer, layers.Conv2D) for layer in model.layers)


def rescaled_small_model():
    """The solution's layers after Rescaling(1/255), as the lesson's summary table suggests."""
    model = lesson.build_small_model()
    inputs = keras.Input(shape=(28, 28, 1), name="raw")
    return keras.Model(inputs, model(layers.Rescaling(1 / 255, name="scale")(inputs)),
                       name="rescaled")


def test_q5_a_model_that_rescales_itself_gets_raw_pixels_and_passes():
    problem, accuracies = lesson.train_small_model(rescaled_small_model)
    assert problem is None
    assert accuracies[-1] >= lesson.ACCURACY_FLOOR + 0.05, accuracies   # measured: >= 0.925


def one_filter_model():
    """Convolutional and within budget, but one 3x3 filter is too little (380 weights)."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(1, 3, activation="relu", name="conv")(inputs)
    h = layers.Flatten(name="flat")(layers.MaxPooling2D(4, name="pool")(h))
    return keras.Model(inputs, layers.Dense(10, activation="softmax", name="output")(h),
                       name="one_filter")


def test_q5_correct_says_the_weights_and_the_accuracy():
    message = lesson.q5.feedback(lesson.build_small_model)
    assert message.startswith("Correct! Your model: 5,258 weights, ")
    accuracy = float(message.split("weights, ")[1].split("%")[0]) / 100
    assert accuracy >= lesson.ACCURACY_FLOOR and "after 3 epochs" in message
    assert abs(accuracy - lesson.SOLUTION_ACCURACY) < 5e-4       # the solution's own run
    assert "the solution's 5,258-weight model reaches 93.5%" in message


def test_q5_names_pixels_divided_by_255_twice_only_when_the_first_conv_sees_them():
    def twice():
        inputs = keras.Input(shape=(28, 28, 1))
        h = layers.Rescaling(1 / 255)(layers.Rescaling(1 / 255)(inputs))
        return keras.Model(inputs, lesson.build_small_model()(h))

    def twice_flat():
        inputs = keras.Input(shape=(28, 28, 1))
        h = layers.Rescaling(1 / 255)(layers.Rescaling(1 / 255)(inputs))
        for filters in (8, 16):
            h = layers.MaxPooling2D(2)(layers.Conv2D(filters, 3, activation="relu")(h))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(h)))

    nested = lesson.q5.feedback(twice)   # its Conv2D sits in a nested model: not probed
    assert "floor is 85%" in nested and "divide them by 255" not in nested
    flat = lesson.q5.feedback(twice_flat)
    assert "floor is 85%" in flat and ("at most 0.0039: the pixels arrive as raw 0-255 values "
                                       "and its Rescaling divides them; does your model divide "
                                       "them by 255 once more?") in flat
    assert "divide them by 255" not in lesson.q5.feedback(one_filter_model)
    model = lesson.build_small_model()
    assert lesson._scaled_twice(model, np.ones((2, 28, 28, 1), "float32")) == ""
    small = np.full((2, 28, 28, 1), 1 / 255, "float32")   # pixels that never reach 1
    assert lesson._scaled_twice(model, small) == ""


def test_q5_says_why_the_outputs_are_not_probabilities():
    def ending_in(activation):
        def build():
            inputs = keras.Input(shape=(28, 28, 1))
            h = layers.Flatten()(layers.MaxPooling2D(4)(layers.Conv2D(4, 3)(inputs)))
            return keras.Model(inputs, layers.Dense(10, activation=activation)(h))
        return build

    assert "add up to" in lesson.q5.feedback(ending_in("sigmoid"))
    assert "some are negative" in lesson.q5.feedback(ending_in("tanh"))
    assert lesson.q5.feedback(ending_in("softmax")).count("not probabilities") == 0


def test_q5_rejects_a_weak_model_with_its_accuracy_per_epoch():
    message = lesson.q5.feedback(one_filter_model)
    assert message.startswith("Not quite: ") and "within the budget" in message
    assert "floor is 85%" in message and "per epoch:" in message


def test_q5_feedback_before_training():
    assert "budget is 6,000" in lesson.q5.feedback(lambda: source_like_model())
    pooled = lesson.q5.feedback(lambda: source_like_model(pool=True))
    assert "9,532 weights" in pooled and "8,148 of them sit in its layer 'hidden'" in pooled
    assert "Pool" not in pooled and "pool before Flatten" not in pooled   # it pools already
    assert "not a model" in lesson.q5.feedback(lesson.build_small_model())

    def raises():
        raise RuntimeError("not written yet")

    assert "RuntimeError" in lesson.q5.feedback(raises)
    unbuilt = lambda: keras.Sequential([layers.Conv2D(4, 3), layers.Flatten(),  # noqa: E731
                                        layers.Dense(10, activation="softmax")])
    assert "keras.Input(shape=(28, 28, 1))" in lesson.q5.feedback(unbuilt)


def test_q5_suggests_only_what_the_model_lacks():
    """The one-filter model has ReLU and pooling; its Dense layer reads a 6 x 6 x 1 map, which
    leaves room for a second convolution: the values it reads, more filters and a second
    convolution are named, never the epochs (the check fixes them). A model without
    activations or pooling is told so."""
    advice = lesson._advice(one_filter_model(), [0.58, 0.73, 0.776])
    assert "reads only 36 values, from a 6 x 6 x 1 map." in advice
    assert "pass on 5 x 5 x 16 = 400" in advice
    assert "more filters" in advice and "second convolution" in advice
    assert "activation" not in advice and "epoch" not in advice and "1 x 1" not in advice
    inputs = keras.Input(shape=(28, 28, 1))
    linear = keras.Model(inputs, layers.Dense(10, activation="softmax")(
        layers.Flatten()(layers.Conv2D(8, 3)(inputs))))
    lacks = lesson._what_it_lacks(linear)
    assert any("MaxPooling2D" in item for item in lacks)
    assert any("activation" in item for item in lacks)


def test_q5_a_model_with_the_solutions_shapes_is_told_what_differs_instead():
    """A model whose Conv2D, pooling and Dense layers have the solution's output shapes is not
    sent to compare shapes: it is told they match, and what differs (activations, extra or
    other layers); a model with other shapes still is."""
    def shaped_like_the_solution(activation, pooling=layers.MaxPooling2D):
        inputs = keras.Input(shape=(28, 28, 1))
        h = pooling(2)(layers.Conv2D(8, 3, activation=activation)(inputs))
        h = pooling(2)(layers.Conv2D(16, 3, activation=activation)(h))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(h)))

    sigmoid = lesson._advice(shaped_like_the_solution("sigmoid"), [0.84])
    assert "so the shapes are not what differs" in sigmoid
    assert "its activations are sigmoid, sigmoid (the solution's: relu, relu)" in sigmoid
    assert "compare its shapes" not in sigmoid
    average = lesson._advice(shaped_like_the_solution("relu", layers.AveragePooling2D), [0.84])
    assert "layers the solution does not: AveragePooling2D" in average
    assert "activations are" not in average
    same = lesson._advice(shaped_like_the_solution("relu"), [0.84])
    assert "its activations and its layer types are the solution's too" in same
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.MaxPooling2D(2)(layers.Conv2D(8, 3, activation="sigmoid")(inputs))
    h = layers.MaxPooling2D(2)(layers.Conv2D(32, 3, activation="sigmoid")(h))
    wider = keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(h)))
    assert "compare its shapes with the solution's" in lesson._advice(wider, [0.84])


def test_q5_names_global_pooling_only_when_the_model_ends_in_it():
    """Conv -> GlobalAveragePooling -> Dense(10) ends in global pooling: the message says so
    and counts the numbers the output layer reads; a Dense(32) after the global pooling means
    the model does not end in it, and a rising accuracy is reported as such."""
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.GlobalAveragePooling2D()(layers.Conv2D(32, 3, activation="relu")(inputs))
    ends = keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Dropout(0.1)(h)))
    advice = lesson._advice(ends, [0.4, 0.5, 0.6])
    assert "ends in global pooling" in advice and "reads only 32 numbers" in advice
    assert "epochs are not enough" not in advice and "still rising" not in advice
    inside = keras.Model(inputs, layers.Dense(10, activation="softmax")(
        layers.Dense(32, activation="relu")(h)))
    assert "global pooling" not in lesson._advice(inside, [0.2, 0.21, 0.22])


def pooled_to(pool_size, filters=16, strides=1, activation="relu"):
    """conv -> pool -> conv -> pool(pool_size) -> Flatten -> Dense(10), or with strides one
    strided conv and one pool: models whose Flatten gets a small map."""
    def build():
        inputs = keras.Input(shape=(28, 28, 1))
        if strides == 1:
            h = layers.MaxPooling2D(2)(layers.Conv2D(8, 3, activation="relu")(inputs))
            h = layers.Conv2D(filters, 3, activation=activation)(h)
        else:
            h = layers.Conv2D(filters, 3, strides=strides, activation=activation)(inputs)
        h = layers.Flatten()(layers.MaxPooling2D(pool_size)(h))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(h))
    return build


def test_q5_a_map_pooled_to_1x1_is_named_from_its_shape_not_its_layer_types():
    """MaxPooling2D(11) on an 11x11 map leaves Flatten 1 x 1 x 16, as global pooling would:
    the message counts the 16 values, and suggests neither the epochs nor filter counts
    alone. A strided conv pooled to 1 x 1 is never told to add a second convolution (no room
    for one); a linear one-filter version is also told what it lacks."""
    advice = lesson._advice(pooled_to(11)(), [0.34, 0.58, 0.69])
    assert "reads only 16 values, from a 1 x 1 x 16 map: your convolutions and pooling " \
           "shrank each map to 1 x 1, as global pooling does." in advice
    assert "epoch" not in advice and "try other filter counts" not in advice
    relu8 = lesson._advice(pooled_to(9, filters=8, strides=3)(), [0.11, 0.14, 0.2])
    assert "reads only 8 values, from a 1 x 1 x 8 map" in relu8
    assert "second convolution" not in relu8 and "lacks" not in relu8
    linear1 = lesson._advice(pooled_to(9, filters=1, strides=3, activation=None)(),
                             [0.09, 0.1, 0.1])
    assert "reads only 1 value, from a 1 x 1 x 1 map" in linear1
    assert "an activation after each convolution" in linear1 and "more filters" in linear1
    assert "second convolution" not in linear1


def test_q5_a_convolution_over_budget_is_given_both_factors():
    """Conv2D(16, 7) after the first pool: (7*7*8 + 1) * 16 = 6,288 weights, kernel size and
    filter count both named."""
    def build():
        inputs = keras.Input(shape=(28, 28, 1))
        h = layers.MaxPooling2D(2)(layers.Conv2D(8, 3, activation="relu")(inputs))
        h = layers.MaxPooling2D(2)(layers.Conv2D(16, 7, activation="relu", name="big")(h))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(h)))

    message = lesson.q5.feedback(build)
    assert build().get_layer("big").count_params() == (7 * 7 * 8 + 1) * 16 == 6288
    assert "6,288 of them sit in its layer 'big', a Conv2D with 16 filters of 7x7x8: " \
           "(F*F*C_in + 1) * C_out = (7*7*8 + 1) * 16. A smaller kernel or fewer filters" \
           in message


def test_q5_global_pooling_of_one_channel_reads_one_number():
    """Conv2D(1, 3) -> GlobalMaxPooling2D -> Dense(10): "1 number", and the missing filters
    are named beside the global pooling."""
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.GlobalMaxPooling2D()(layers.Conv2D(1, 3, activation="relu")(inputs))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(h))
    advice = lesson._advice(model, [0.099, 0.105, 0.141])
    assert "reads only 1 number, one per channel" in advice and "more filters" in advice


def test_q5_only_a_model_that_scales_raw_pixels_gets_them():
    """Rescaling(1/255) or (1/127.5, offset=-1) scale 0-255 pixels; Rescaling(2, offset=-1)
    maps [0, 1] to [-1, 1] and gets scaled pixels, as a model without Rescaling does."""
    def with_rescaling(*args, **kwargs):
        inputs = keras.Input(shape=(28, 28, 1))
        return keras.Model(inputs, layers.Rescaling(*args, **kwargs)(inputs))

    assert lesson.takes_raw_pixels(with_rescaling(1 / 255))
    assert lesson.takes_raw_pixels(with_rescaling(1 / 127.5, offset=-1))
    assert lesson.takes_raw_pixels(rescaled_small_model())          # nested inside a model
    assert not lesson.takes_raw_pixels(with_rescaling(2, offset=-1))
    assert not lesson.takes_raw_pixels(lesson.build_small_model())


def optimizer_count(model, name) -> int:
    optimizer = keras.optimizers.get(name)
    optimizer.build(model.trainable_variables)
    return sum(int(np.prod(v.shape)) for v in optimizer.variables)


def test_q6_optimizer_variables_match_keras():
    pooled = source_like_model(pool=True)
    assert lesson.q6.is_correct(optimizer_count(pooled, "adam"))
    assert optimizer_count(pooled, "rmsprop") == pooled.count_params() + 2
    # the identity the solution explains: RMSprop's Total = W + (W + 2) = Adam's optimizer count
    source = source_like_model()
    assert (source.count_params() + optimizer_count(source, "rmsprop")
            == optimizer_count(source, "adam") == 406_138)


def test_q7_agrees_with_pandas_crosstab_and_a_direct_count():
    rng = np.random.default_rng(5)
    true = rng.integers(0, 10, size=300)
    predicted = np.where(rng.random(300) < 0.8, true, rng.integers(0, 10, size=300))
    predicted[predicted == 3] = 4                     # digit 3 is never predicted
    confusion = pd.crosstab(pd.Series(true, name="true"), pd.Series(predicted, name="predicted"))
    assert confusion.shape == (10, 9)
    expected = float(np.mean(true == predicted))
    assert lesson.accuracy_from_confusion(confusion) == pytest.approx(expected)

    def accuracy_by_counting(matrix):  # independent: expand the counts back into pairs
        true, predicted = pairs_from_counts(matrix)
        return float(np.mean(true == predicted))

    assert lesson.q7.is_correct(accuracy_by_counting)


def pairs_from_counts(frame):
    """The (true, predicted) label pairs a confusion table counts."""
    pairs = [(t, p) for t in frame.index for p in frame.columns for _ in range(frame.at[t, p])]
    return (pd.Series([t for t, _ in pairs], name="true"),
            pd.Series([p for _, p in pairs], name="predicted"))


def test_q7_cases_are_what_pd_crosstab_makes_and_the_reference_counts_pairs():
    """Every case is the table pd.crosstab makes from its own pairs (no row for a digit never
    true, no column for one never predicted), and the expected accuracy is the share of pairs
    with true == predicted; the diagonal by position is wrong on the non-square cases."""
    for (frame,) in lesson._CONFUSION_CASES:
        true, predicted = pairs_from_counts(frame)
        pd.testing.assert_frame_equal(pd.crosstab(true, predicted), frame, check_dtype=False)
        assert lesson.accuracy_from_confusion(frame) == pytest.approx(np.mean(true == predicted))
    for frame in (lesson._NEVER_PREDICTED, lesson._NEVER_TRUE):
        assert frame.shape[0] != frame.shape[1]
        assert lesson._by_position(frame) != pytest.approx(lesson.accuracy_from_confusion(frame))


def test_q7_cases_separate_accuracy_from_its_look_alikes():
    """In every square case accuracy, mean recall, trace / classes and the trace differ."""
    for (frame,) in lesson._SQUARE_CASES:
        counts = frame.to_numpy()
        accuracy = np.trace(counts) / counts.sum()
        recall = np.mean(np.diag(counts) / counts.sum(axis=1))
        assert len({round(v, 6) for v in (accuracy, recall, np.trace(counts) / len(counts),
                                          float(np.trace(counts)))}) == 4
        assert isinstance(frame, pd.DataFrame) and frame.index.name == "true"


def test_q8_is_read_from_the_ablation_table():
    """Counted directly from the CSV the lesson reads: the steps whose validation accuracy is
    above the step before's at every seed."""
    runs = pd.read_csv(lesson05_ablation_path(), comment="#")
    accuracy = {(row.step, row.seed): row.val_accuracy for row in runs.itertuples()}
    steps, seeds = sorted(runs["step"].unique()), sorted(runs["seed"].unique())
    ahead = [step for step in steps[1:]
             if all(accuracy[step, seed] > accuracy[step - 1, seed] for seed in seeds)]
    assert len(seeds) == 5 and lesson.q8.is_correct(ahead)
    messages = {lesson.q8.feedback(list(wrong)) for wrong in lesson._STEP_MISTAKES}
    assert len(messages) == len(lesson._STEP_MISTAKES)       # five sets, five messages
    assert ahead not in [list(wrong) for wrong in lesson._STEP_MISTAKES]


# --- solutions a learner may paste, and the mistakes' numbers ------------------------------------

def test_pasted_solutions_of_the_answer_questions_set_a_right_answer():
    for q in (lesson.q1, lesson.q2, lesson.q4, lesson.q6, lesson.q8):
        namespace = {}
        exec(q.solution_text(), {"np": np, "pd": pd}, namespace)
        assert q.is_correct(namespace["answer"]), (q.name, namespace["answer"])


def test_pasted_q3_solution_defines_stop_and_keep():
    namespace = {}
    exec(lesson.q3.solution_text(), {"np": np}, namespace)
    assert lesson.q3.is_correct(namespace["stop_and_keep"])
    assert "Taught in lesson" not in lesson.q3.solution_text()


def test_pasted_q5_solution_defines_build_model_as_the_cell_expects():
    checked = []
    stub = type("Stub", (), {"check": staticmethod(checked.append)})()
    namespace = {"keras": keras, "layers": layers, "q5": stub}
    exec(lesson.q5.solution_text(), namespace)
    (build_model,) = checked
    assert build_model is namespace["build_model"] and build_model.__name__ == "build_model"
    assert build_model().count_params() == lesson.build_small_model().count_params()
    assert "Taught in lesson" not in lesson.q5.solution_text()


def test_q2_mistakes_are_the_shapes_keras_gives_the_mistaken_models():
    five = source_like_model(filters=(8, 16), kernel_size=5, pool=True)    # the source's 5x5
    message = lesson.q2.feedback(five.get_layer("pool2").output.shape[1:])
    assert "5x5 kernels" in message
    without_second_pool = source_like_model(filters=(8, 16), kernel_size=3, pool=True)
    assert "second pooling is missing" in lesson.q2.feedback(
        without_second_pool.get_layer("conv2").output.shape[1:])


def test_q1_q4_mistakes_match_keras_counts():
    pooled = source_like_model(filters=(8, 16), kernel_size=3, pool=True)
    q1_model = source_like_model(filters=(8, 16), kernel_size=3)
    total_after_rmsprop = q1_model.count_params() + optimizer_count(q1_model, "rmsprop")
    assert "Total params" in lesson.q1.feedback(total_after_rmsprop)
    dense_mults = int(np.prod(pooled.get_layer("hidden").kernel.shape))
    assert "Dense layer's multiplications" in lesson.q4.feedback(keras_conv_mults(pooled)
                                                                 + dense_mults)


def test_q5_suggests_pooling_only_when_the_dense_layer_reads_more_than_the_solution():
    """A strided model without pooling whose Dense layer already reads fewer values than the
    solution's is not told to add MaxPooling2D (it would pass on fewer still)."""
    inputs = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(2, 3, strides=4, activation="relu")(inputs)      # 7 x 7 x 2 = 98
    strided = keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(h)))
    advice = lesson._advice(strided, [0.2, 0.3, 0.4])
    assert "reads only 98 values" in advice and "MaxPooling2D(2), pass on" in advice
    assert "a MaxPooling2D after each" not in advice


def test_new_mistakes_are_the_counts_keras_gives_the_mistaken_models():
    """q1: the Dense layers alone, and Dense(84) alone; q2: 'same' padding; q6: Adam on q2's
    model and on the pooled model's Dense(84) alone."""
    q1_model = source_like_model(filters=(8, 16), kernel_size=3)
    dense = [q1_model.get_layer(name).count_params() for name in ("hidden", "output")]
    assert "two Dense layers' weights only" in lesson.q1.feedback(sum(dense))
    assert "Dense(84)'s count alone" in lesson.q1.feedback(dense[0])

    inputs = keras.Input(shape=(28, 28, 1))
    h = inputs
    for filters in (8, 16):
        h = layers.MaxPooling2D(2)(layers.Conv2D(filters, 3, padding="same")(h))
    assert "padding='same'" in lesson.q2.feedback(keras.Model(inputs, h).output_shape[1:])

    q2_model = source_like_model(filters=(8, 16), kernel_size=3, pool=True)
    assert "2W + 2 for q2's model" in lesson.q6.feedback(optimizer_count(q2_model, "adam"))
    hidden = source_like_model(pool=True).get_layer("hidden")
    adam = keras.optimizers.Adam()
    adam.build(hidden.trainable_variables)
    hidden_state = sum(int(np.prod(v.shape)) for v in adam.variables)
    assert "the layer 'hidden' alone" in lesson.q6.feedback(hidden_state)


def test_q7_reindex_without_fill_value_is_named_only_when_it_gives_nan():
    def union(matrix):
        labels = matrix.index.union(matrix.columns)
        square = matrix.reindex(index=labels, columns=labels)
        return np.trace(square.to_numpy()) / square.to_numpy().sum()

    def filled(matrix):
        labels = matrix.index.union(matrix.columns)
        square = matrix.reindex(index=labels, columns=labels, fill_value=0)
        return np.trace(square.to_numpy()) / square.to_numpy().sum()

    def count_from_rows(matrix):        # wrong, with reindex, but never NaN: not named
        square = matrix.reindex(columns=matrix.index, fill_value=0)
        return np.trace(square.to_numpy()) / len(matrix)

    assert "reindex fills" in lesson.q7.feedback(union)
    assert lesson.q7.feedback(filled).startswith("Correct!")
    assert "reindex fills" not in lesson.q7.feedback(count_from_rows)


def test_q8_names_the_largest_gain_alone_and_the_empty_list():
    gains = lesson.ablation_gains()
    largest = int(gains.mean().idxmax())
    assert largest not in lesson.q8.solution_answer
    assert f"step {largest} has the largest mean gain" in lesson.q8.feedback([largest])
    assert "an empty list says no step" in lesson.q8.feedback([])


def test_q1_names_the_commas_only_when_the_text_has_them():
    assert "commas" not in lesson.q1.feedback("776326")
    assert "remove the quotes and the commas" in lesson.q1.feedback("776,326")


def test_q5_batch_statistics_advice_keeps_dropout_off_and_the_running_averages():
    """The advice scores the model with each batch's statistics in BatchNormalization only:
    with Dropout switched on as well (model(..., training=True)) a model with section 7's dropout
    scored too low and was told to compare its shapes (a cold reviewer's 81.7% model). Here the
    running averages miss a shift of 100 that batch statistics remove; Dropout(0.99) would hide
    it. The layer's running averages are left as they were."""
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input((1,)), layers.BatchNormalization(name="norm"),
                              layers.Dropout(0.99, name="drop"), layers.Dense(2, name="out")])
    model.get_layer("out").set_weights([np.array([[1.0, -1.0]]), np.zeros(2)])
    offsets = np.random.default_rng(0).choice([-1.0, 1.0], size=(256, 1))
    x_val, y_val = (100 + offsets).astype("float32"), (offsets[:, 0] < 0).astype(int)
    before = [w.copy() for w in model.get_layer("norm").get_weights()]
    advice = lesson._batch_statistics_advice(model, [0.5], (x_val, y_val))
    assert "its accuracy on the same validation digits is 100.0%" in advice, advice
    for old, new in zip(before, model.get_layer("norm").get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
