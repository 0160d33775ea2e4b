"""Check yourself, lesson 05: an MNIST Conv2D model.

In the notebook::

    from course_utils.exercises.lesson05 import q1, q2, q3, q4, q5, q6, q7, q8

    answer = ____
    q1.check(answer)

Every expected answer is computed here from the question's own numbers with the course's
arithmetic (never typed in); tests/test_exercises_lesson05.py checks them against Keras.
The questions use other layer sizes than the lesson's worked models, so no answer is printed
in the lesson. Importing this module imports Keras (q8 builds and trains models): the
notebook imports it after its setup cell has configured TensorFlow.
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
import pandas as pd
from keras import layers

from ..arithmetic import conv_mults, conv_output_size, conv_params
from ..data import load_mnist
from ..validation import describe, is_keras_model
from . import Exercise, UnreadableAnswer, bind_exercises, function, number, shape


def _dense_params(inputs: int, units: int) -> int:
    """Weights and biases of a Dense layer: (inputs + 1) * units."""
    return (inputs + 1) * units


def _source_like_params(filters1: int, filters2: int, f: int, units: int = 84) -> int:
    """Weights of the source's model with other conv hyperparameters (28x28x1 input)."""
    o = conv_output_size(conv_output_size(28, f), f)
    return (conv_params(f, 1, filters1) + conv_params(f, filters1, filters2)
            + _dense_params(o * o * filters2, units) + _dense_params(units, 10))


def _typed_as_text(check):
    """A number checker that also tells a learner who typed the number as text, with its
    thousands separators ('776,326'), to drop the quotes and the commas."""

    def checked(answer):
        if isinstance(answer, str):
            digits = answer.strip().replace(",", "").replace("_", "").replace(" ", "")
            try:
                float(digits)
            except ValueError:
                return check(answer)
            raise UnreadableAnswer(
                f"expected a number, got a string {answer!r}: remove the quotes and the "
                f"commas, so that Python reads one number: {digits} (underscores may group "
                f"the digits: {int(float(digits)):_})" if float(digits).is_integer() else
                f"expected a number, got a string {answer!r}: remove the quotes, so that "
                f"Python reads a number: {digits}")
        return check(answer)

    return checked


#: The source model's trainable weights (the lesson checks this against model.summary()).
SOURCE_WEIGHTS = _source_like_params(3, 6, 5)
#: The source model with MaxPooling2D(2) after each convolution (lesson 05, section 8).
POOLED_WEIGHTS = (conv_params(5, 1, 3) + conv_params(5, 3, 6)
                  + _dense_params(4 * 4 * 6, 84) + _dense_params(84, 10))
#: q8's budget: one tenth of the source model's weights.
WEIGHT_BUDGET = SOURCE_WEIGHTS // 10
#: q8 trains on the lesson's training split, the sample's first 3,200 training digits, and
#: measures accuracy on the other 800 (the validation split; the test split is not used).
TRAIN_DIGITS = 3_200
#: q8's short training run: Adam(0.003), batches of 32, this many epochs, seed CHECK_SEED.
CHECK_EPOCHS = 3
CHECK_SEED = 0
#: q8's validation-accuracy floor, with a margin measured over seeds 0-4 by
#: `python -m benchmarks.lesson05_ablation --q8` (lesson 05's notes list the numbers).
ACCURACY_FLOOR = 0.85


# --- q1: parameter count of a changed model -----------------------------------------------------

_Q1 = _source_like_params(8, 16, 3)
_Q1_CONV1, _Q1_CONV2 = conv_params(3, 1, 8), conv_params(3, 8, 16)
_N1 = conv_output_size(28, 3)      # 26 after conv1
_N2 = conv_output_size(_N1, 3)     # 24 after conv2


def _q1_with_flattened(size: int) -> int:
    """q1's model if the maps before Flatten were size x size x 16."""
    return _Q1_CONV1 + _Q1_CONV2 + _dense_params(size * size * 16, 84) + _dense_params(84, 10)


q1 = Exercise(
    "Change the source model's convolutions to Conv2D(8, 3) and Conv2D(16, 3) (everything "
    "else as before: valid padding, Flatten, Dense(84), Dense(10)). How many trainable "
    "parameters does the model have?",
    checker=_typed_as_text(number(_Q1, mistakes={
        SOURCE_WEIGHTS: "that is the source model's count; the new kernels change every layer.",
        _Q1 - _dense_params(84, 10): "you left out the output layer Dense(10).",
        _Q1 - 8 - 16: "the convolutions' biases are missing.",
        _q1_with_flattened(28): "a 3x3 convolution without padding shrinks 28 -> 26 -> 24.",
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
                     "RMSprop (the weights plus the optimizer's W + 2 values, section 5); the "
                     "question asks for the trainable parameters.",
    })),
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
# The source's 5x5 kernels with pooling (the pooled model of section 8): 28 -> 24 -> 12 -> 8 -> 4.
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


q2 = Exercise(
    "Put MaxPooling2D(2) after each convolution of q1's model: Input(28, 28, 1) -> "
    "Conv2D(8, 3) -> MaxPooling2D(2) -> Conv2D(16, 3) -> MaxPooling2D(2). What is the shape "
    "of one image's output (height, width, channels)?",
    checker=_shape_from_pandas(shape(_Q2, mistakes={
        (_CEIL, _CEIL, 16): f"pooling rounds down: {_SIZES[3]} / 2 = {_SIZES[3] / 2} gives "
                            f"{_POOLED} (the last row and column, which fill no whole 2x2 "
                            "window, are dropped).",
        (_SIZES[2] - 2, _SIZES[2] - 2, 16): "the second pooling is missing.",
        (24, 24, 16): "that is without the pooling layers (q1's model).",
        (_POOLED, _POOLED, 8): "the channels are the second convolution's filters.",
        (16, _POOLED, _POOLED): "Keras puts the channels last: (height, width, channels).",
        (_POOLED, _POOLED): "that is the height and width; the shape also has the channels: "
                            "(height, width, channels).",
        (_NO_PLUS_ONE[2], _NO_PLUS_ONE[2], 16): (
            "a 3x3 convolution without padding takes 2 off, not 3: O = N - F + 1 (28 -> 26); "
            "and the second convolution is followed by the second pooling."),
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
)

_Q3 = _dense_params(_POOLED * _POOLED * 16, 84)

q3 = Exercise(
    "In q2's model, Flatten and then Dense(84) follow the second pooling layer. How many "
    "weights and biases does that Dense(84) layer have? (In the source model it has "
    "201,684.)",
    checker=_typed_as_text(number(_Q3, mistakes={
        _dense_params(24 * 24 * 16, 84): "that is q1's Dense layer, without pooling.",
        _POOLED * _POOLED * 16 * 84: "the 84 biases are missing.",
        _POOLED * _POOLED * 16 * 84 + 1: "a Dense layer has one bias per unit: + 84, not + 1.",
        _POOLED * _POOLED * 16: "that is the length of the flattened vector, not the layer's "
                                "weights.",
        _dense_params(_CEIL * _CEIL * 16, 84): f"the maps are {_POOLED}x{_POOLED}, not "
                                               f"{_CEIL}x{_CEIL}: pooling rounds down.",
        _dense_params(_POOLED * _POOLED * 8, 84): "the pooled maps have 16 channels (conv2's "
                                                  "filters), not 8.",
        (_Q1_CONV1 + _Q1_CONV2 + _Q3 + _dense_params(84, 10)): (
            "that is the whole model; the question asks for the Dense(84) layer alone."),
    })),
    hint=["Flatten turns your q2 shape (height, width, channels) into height * width * "
          "channels numbers.",
          "A Dense layer has (inputs + 1) * units weights: one per input per unit, plus one "
          "bias per unit. The source's: (20*20*6 + 1) * 84 = 201,684."],
    solution=f"# Flatten gives {_POOLED}*{_POOLED}*16 values; a Dense layer has "
             "(inputs + 1) * units\n"
             f"answer = ({_POOLED}*{_POOLED}*16 + 1) * 84\n"
             f"# {_dense_params(24 * 24 * 16, 84):,} without the pooling layers",
    solution_answer=_Q3,
)

_CONV1 = conv_mults((28, 28, 1), 3, 8)
_CONV2 = conv_mults((_SIZES[2], _SIZES[2], 8), 3, 16)
_Q4 = _CONV1 + _CONV2

q4 = Exercise(
    "How many multiplications do the two convolutions of q2's model perform for one image "
    "(count the kernel multiplications only, not the bias additions)?",
    checker=_typed_as_text(number(_Q4, mistakes={
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
        _Q4 + _POOLED * _POOLED * 16 * 84: "only the two convolutions: the Dense layer's "
                                          "multiplications are not asked for.",
        _CONV1: "that is the first convolution only; add the second.",
        _CONV2: "that is the second convolution only; add the first.",
    })),
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


# --- q5: the loss for one-hot or integer labels -------------------------------------------------

_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mean_squared_error")
_Q5 = ("categorical_crossentropy", "sparse_categorical_crossentropy")


def _check_losses(answer):
    if isinstance(answer, pd.Series) or (isinstance(answer, np.ndarray) and answer.ndim == 1):
        answer = answer.tolist()   # np.array([...]) or pd.Series([...]) of the two names
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return (f"expected a pair (loss for one-hot labels, loss for integer labels), got "
                f"{describe(answer)}.")
    names = []
    for item in answer:
        if not isinstance(item, str):
            return f"give the losses as strings such as 'mean_squared_error'; got {describe(item)}."
        names.append(item.strip().lower())
    unknown = [n for n in names if n not in _LOSSES]
    if unknown:
        return f"{unknown[0]!r} is not one of the options: {', '.join(_LOSSES)}."
    if tuple(names) == _Q5:
        return None
    if tuple(names) == _Q5[::-1]:
        return "the two are swapped: the 'sparse' loss takes the integer labels."
    if names[0] != _Q5[0]:
        return ("the first is off: labels like [0, 0, 1, 0, ...] (one-hot) go with the loss "
                "the source compiles with.")
    return "the second is off: integer labels 0-9 need the loss made for them."


q5 = Exercise(
    "The same ten-class softmax model can be trained on one-hot labels (pd.get_dummies, "
    "to_categorical) or on the integer labels 0-9. Give a pair (loss for one-hot labels, "
    f"loss for integer labels), each one of: {', '.join(repr(n) for n in _LOSSES)}.",
    checker=_check_losses,
    hint=["The source trains on pd.get_dummies(labels), one-hot rows, with "
          "loss='categorical_crossentropy'.",
          "'sparse' means the labels are class numbers, not one-hot rows."],
    solution=f"answer = {_Q5!r}\n"
             "# Both compute the same number: -log(probability given to the true class).",
    solution_answer=_Q5,
)


# --- q6: optimizer state ------------------------------------------------------------------------

# Keras 3's optimizers also keep two scalar variables: the step counter and the learning rate.
_OPTIMIZER_SCALARS = 2
_Q6 = 2 * POOLED_WEIGHTS + _OPTIMIZER_SCALARS

q6 = Exercise(
    f"The source model with pooling (section 8) has {POOLED_WEIGHTS:,} weights. Adam keeps TWO "
    "running averages per weight, RMSprop one. How many 'Optimizer params' would "
    "model.summary() show after training that model with Adam?",
    checker=_typed_as_text(number(_Q6, mistakes={
        POOLED_WEIGHTS + _OPTIMIZER_SCALARS: "that is RMSprop's count (one average per weight).",
        2 * POOLED_WEIGHTS: "close: Keras also counts the optimizer's two scalars (step "
                            "counter and learning rate).",
        2 * POOLED_WEIGHTS + _OPTIMIZER_SCALARS + 1: (
            "Keras keeps two scalars besides the averages (the step counter and the learning "
            "rate), not three: Adam's beta_1 and beta_2 are fixed settings, not variables."),
        3 * POOLED_WEIGHTS + _OPTIMIZER_SCALARS: "that would be the Total params, weights "
                                                  "included; the question asks for the "
                                                  "optimizer's own.",
        2 * SOURCE_WEIGHTS + _OPTIMIZER_SCALARS: "that is for the source model without "
                                                  "pooling.",
        SOURCE_WEIGHTS + _OPTIMIZER_SCALARS: (
            "that is the source model's count with RMSprop, printed in section 5; the question "
            f"is about the pooled model ({POOLED_WEIGHTS:,} weights) with Adam."),
    })),
    hint=[f"RMSprop on the source model: {SOURCE_WEIGHTS:,} (one average per weight) + 2 "
          f"scalars = {SOURCE_WEIGHTS + 2:,}.",
          "Adam: two averages per weight, plus the same 2 scalars."],
    solution=f"""\
# Adam: two running averages per weight, plus 2 scalars (step counter, learning rate)
answer = 2 * {POOLED_WEIGHTS} + 2
# For any model with W weights, Adam holds 2W + 2 values, and RMSprop's summary shows
# Total = W + (W + 2): the same 2W + 2. That is why the source's 'Total params: 406,138'
# equals what Adam alone would hold for it: not a coincidence, one identity.""",
    solution_answer=_Q6,
)


# --- q7: accuracy from a confusion matrix -------------------------------------------------------

def accuracy_from_confusion(matrix) -> float:
    """Accuracy from a square confusion matrix: the diagonal's total over all the counts.

    Taught in lesson 05, section 6 (q7's solution). ``matrix``: counts, rows the true class,
    columns the predicted one, as a DataFrame from ``pd.crosstab`` or an array.

    >>> accuracy_from_confusion(np.array([[9, 1], [6, 4]]))
    0.65
    """
    counts = np.asarray(matrix, dtype=float)
    return float(np.trace(counts) / counts.sum())


def _confusion_frame(counts) -> pd.DataFrame:
    """A confusion matrix laid out like pd.crosstab's: index 'true', columns 'predicted'."""
    counts = np.asarray(counts)
    classes = range(len(counts))
    return pd.DataFrame(counts, index=pd.Index(classes, name="true"),
                        columns=pd.Index(classes, name="predicted"))


# Rows of different sizes, so that accuracy, mean recall and trace / classes all differ.
_CONFUSION_CASES = [
    (_confusion_frame([[50, 2, 3], [4, 20, 1], [0, 5, 15]]),),
    (_confusion_frame([[9, 1], [6, 9]]),),
    (_confusion_frame([[30, 0, 0, 0], [2, 8, 0, 0], [0, 0, 5, 5], [1, 0, 0, 9]]),),
]

def _counts(matrix) -> np.ndarray:
    return np.asarray(matrix, dtype=float)


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
_ACCURACY_MESSAGES = {message for _, message in _ACCURACY_MISTAKES}
_check_accuracy_function = function(
    _CONFUSION_CASES, reference=accuracy_from_confusion, mistakes=_ACCURACY_MISTAKES,
    about_cases="The check passes your function confusion matrices of 2 to 4 classes (laid "
                "out like pd.crosstab's), not only of 10 digits.")


def _results(answer) -> list[float] | None:
    """The learner's function on each case, as numbers (None if any call fails)."""
    try:
        return [float(np.asarray(answer(frame.copy())).reshape(()))
                for (frame,) in _CONFUSION_CASES]
    except Exception:
        return None


#: A 10x10 confusion matrix, like the lesson's: a function that only works for ten classes
#: passes it and fails on the cases.
_TEN_CLASSES = _confusion_frame(np.diag(np.arange(10, 20)) + 1)


def _assumes_ten_classes(answer) -> str | None:
    """The message for a function that works on a 10x10 matrix but raises on a smaller one (a
    hard-coded range(10)); None otherwise."""
    try:
        answer(_TEN_CLASSES.copy())
    except Exception:
        return None
    for (frame,) in _CONFUSION_CASES:
        try:
            answer(frame.copy())
        except (IndexError, KeyError) as error:
            return (f"your function works on a 10x10 confusion matrix but raises "
                    f"{type(error).__name__} on a {len(frame)}x{len(frame)} one: it assumes ten "
                    "classes (a range(10)?). Take the size from the matrix itself, len(matrix), "
                    "or add the diagonal with np.trace.")
    return None


def _check_accuracy(answer):
    if callable(answer) and not is_keras_model(answer):
        try:
            result = answer(_CONFUSION_CASES[0][0].copy())
        except Exception:
            result = None  # the function checker reports the exception with its call
        if isinstance(result, pd.Series | pd.DataFrame):
            return ("your function returned a pandas " + type(result).__name__ + ", not a "
                    "number: on a DataFrame, .sum() adds each column separately. Use "
                    "matrix.to_numpy().sum() (or matrix.sum().sum()) for the total.")
    verdict = _check_accuracy_function(answer)
    if verdict is None or verdict in _ACCURACY_MESSAGES or not callable(answer):
        return verdict
    ten_only = _assumes_ten_classes(answer)
    if ten_only:
        return f"{ten_only}\n{verdict}"
    results = _results(answer)
    if results is not None and np.ptp(results) < 1e-9:
        return (f"your function returns {results[0]:.4g} for every confusion matrix the check "
                "passes it: it must compute from its argument `matrix`, not from a variable of "
                "the notebook such as `confusion`.")
    if results is not None and all(r > 0 for r in results):
        divisors = [np.trace(_counts(frame)) / r for (frame,), r in zip(_CONFUSION_CASES, results,
                                                                         strict=True)]
        if np.ptp(divisors) < 1e-6 * max(divisors):
            return (f"your function divides by {divisors[0]:.6g} whatever the matrix (the "
                    "number of validation digits, len(y_val)?): divide by this matrix's own "
                    "total, the sum of its cells.")
    return verdict


q7 = Exercise(
    "Write a function accuracy(matrix) that takes a confusion matrix like `confusion` in "
    "section 6 (a DataFrame from pd.crosstab: rows the true digit, columns the predicted "
    "one, counts in the cells) and returns the accuracy as a number between 0 and 1.",
    checker=_check_accuracy,
    hint=["The correct predictions sit on the diagonal (true == predicted).",
          "matrix.to_numpy() gives the counts as a NumPy array; np.trace adds its diagonal "
          "and .sum() all its cells."],
    solution="""\
def accuracy(matrix):
    counts = matrix.to_numpy()                 # the DataFrame's counts as an array
    return np.trace(counts) / counts.sum()     # correct predictions / all predictions""",
    solution_answer=accuracy_from_confusion,
)


# --- q8: a model within a weight budget that reaches an accuracy floor --------------------------

def build_small_model() -> keras.Model:
    """q8's solution: conv -> pool -> conv -> pool -> Dense(10), 5,258 weights.

    Taught in lesson 05, section 8 (the "Check yourself" q8). Input (B, 28, 28, 1) pixels in
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

    Taught in lesson 05, section 8 (the "Check yourself" q8): such a model gets the raw
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


def _advice(model, accuracies) -> str:
    kinds = {type(layer).__name__ for layer in _all_layers(model)}
    if kinds & {"GlobalAveragePooling2D", "GlobalMaxPooling2D"}:
        return (" A model that ends in global pooling keeps one number per channel, and with "
                "few channels it learns slowly: put a Conv2D with more filters before it "
                "(e.g. 16 -> 32 -> 32), or Flatten the pooled maps instead.")
    if len(accuracies) > 1 and accuracies[-1] - accuracies[-2] >= 0.03:
        return (" It is still learning fast, only too slowly for this short check: more "
                "filters, ReLU after each convolution and pooling help.")
    return (" Convolutions with ReLU, each followed by pooling, before the Dense layer help; "
            "so do more filters.")


def _input_advice(error: Exception) -> str:
    """What to do when Keras refused a layer's input while the model was built: the shape
    advice the other input errors get (Keras names the ndim it expected and found)."""
    text = str(error)
    if "incompatible with the layer" in text or "ndim" in text:
        return (" Keras found an input with the wrong number of axes: a Conv2D layer needs "
                "(height, width, channels) per image, so start the model with "
                "keras.Input(shape=(28, 28, 1)), the channel axis included.")
    return ""


def train_small_model(build_model, seed: int = CHECK_SEED):
    """q8's training run: (problem, accuracies), one validation accuracy per epoch.

    Taught in lesson 05, section 8 (the "Check yourself" q8). ``problem`` is None, or what
    stops the model before or during training (then ``accuracies`` is empty): not a function,
    not a Keras model with input (B, 28, 28, 1) and output (B, 10) probabilities, more than
    WEIGHT_BUDGET weights, no Conv2D layer. The model trains on the first TRAIN_DIGITS
    sample digits for CHECK_EPOCHS epochs (Adam(0.003), batches of 32, ``seed``) and is
    measured on the other 800 after each epoch. Pixels arrive scaled to [0, 1], or as raw
    0-255 values when the model scales them itself (see takes_raw_pixels).
    """
    if is_keras_model(build_model):
        return ("pass the function that builds the model (check(build_model)), not a model: "
                "the check builds a fresh one so that its training starts from a fixed "
                "seed."), []
    if not callable(build_model):
        return (f"expected a function that returns a Keras model, got "
                f"{describe(build_model)}."), []
    keras.utils.set_random_seed(seed)
    try:
        model = build_model()
    except Exception as error:  # the learner's code: report, never propagate
        return (f"build_model() raised {type(error).__name__}: {str(error).rstrip('. ')}."
                + _input_advice(error)), []
    if not is_keras_model(model):
        return (f"build_model() returned {describe(model)}; it must return a Keras model "
                "(is a `return model` missing?)."), []
    try:
        input_shape, output_shape = tuple(model.input_shape), tuple(model.output_shape)
        weights = model.count_params()
    except Exception:
        return ("the model does not know its input shape yet: start it with "
                "keras.Input(shape=(28, 28, 1))."), []
    if input_shape != (None, 28, 28, 1):
        return (f"the model's input shape is {input_shape}, but the check feeds each digit as "
                "(28, 28, 1), the layout of section 1 that Conv2D needs: start with "
                "keras.Input(shape=(28, 28, 1))."), []
    if output_shape != (None, 10):
        return (f"the model's output shape is {output_shape}; it must end in "
                "Dense(10, ...)."), []
    if weights > WEIGHT_BUDGET:
        return (f"the model has {weights:,} weights; the budget is {WEIGHT_BUDGET:,}. Pool "
                "before Flatten (or use fewer filters) so the Dense layer gets fewer "
                "inputs."), []
    if not any(isinstance(layer, layers.Conv2D) for layer in _all_layers(model)):
        return ("the model has no Conv2D layer. This lesson is about convolutions: let at "
                "least one Conv2D look at the image before the Dense layer."), []
    raw = takes_raw_pixels(model)
    (x_fit, y_fit), (x_val, y_val) = _check_data(raw_pixels=raw)
    try:
        probabilities = np.asarray(model(x_val[:5], training=False))
        if not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3) \
                or probabilities.min() < 0:
            return ("the outputs are not probabilities: end with "
                    "Dense(10, activation='softmax')."), []
        model.compile(optimizer=keras.optimizers.Adam(0.003),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x_fit, y_fit, epochs=CHECK_EPOCHS, batch_size=32,
                            validation_data=(x_val, y_val), verbose=0)
    except Exception as error:
        return f"training the model raised {type(error).__name__}: {error}", []
    return None, [float(a) for a in history.history["val_accuracy"]]


def check_small_model(build_model) -> str | None:
    """q8's checker: None when the model passes train_small_model's checks and reaches
    ACCURACY_FLOOR after the last epoch; otherwise what is off.

    Taught in lesson 05, section 8 (the "Check yourself" q8). Seeded with CHECK_SEED, so the
    verdict is the same on every run; the floor's margin over other seeds is measured by
    ``python -m benchmarks.lesson05_ablation --q8``.
    """
    problem, accuracies = train_small_model(build_model)
    if problem is not None:
        return problem
    if accuracies[-1] < ACCURACY_FLOOR:
        model = build_model()
        per_epoch = ", ".join(f"{a:.1%}" for a in accuracies)
        return (f"the model has {model.count_params():,} weights (within the budget) but "
                f"reached {accuracies[-1]:.1%} on the {len(_check_data(False)[1][1])} "
                f"validation digits after {CHECK_EPOCHS} epochs (per epoch: {per_epoch}); "
                f"the floor is {ACCURACY_FLOOR:.0%}." + _advice(model, accuracies))
    return None


def _check_q8(answer):
    if isinstance(answer, numbers.Number):
        return f"expected a function that returns a Keras model, got {describe(answer)}."
    return check_small_model(answer)


q8 = Exercise(
    f"Write a function build_model() that returns a Keras model for 28x28x1 digits with at "
    f"least one Conv2D layer and at most {WEIGHT_BUDGET:,} weights (a tenth of the source "
    f"model's) that reaches {ACCURACY_FLOOR:.0%} validation accuracy after a short training "
    f"run. The check trains it on the lesson's training split (the first {TRAIN_DIGITS:,} "
    f"sample digits) with Adam(0.003) for {CHECK_EPOCHS} epochs and measures it on the "
    "validation split (the other 800), in a few seconds. Pixels arrive scaled to [0, 1]; a "
    "model that scales them itself with a Rescaling layer, such as Rescaling(1 / 255), gets "
    "the raw 0-255 pixels instead.",
    checker=_check_q8,
    hint=["Flatten straight after two 5x5 convolutions gives 2,400 inputs to the Dense layer: "
          "too many for the budget. Pool first.",
          "Conv2D(8, 3, relu) -> MaxPooling2D -> Conv2D(16, 3, relu) -> MaxPooling2D -> "
          "Flatten -> Dense(10, softmax)."],
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


q8.check(build_model)""",
    solution_answer=build_small_model,
)

__all__ = ["SOURCE_WEIGHTS", "POOLED_WEIGHTS", "WEIGHT_BUDGET", "TRAIN_DIGITS", "CHECK_EPOCHS",
           "CHECK_SEED", "ACCURACY_FLOOR", "accuracy_from_confusion", "build_small_model",
           "train_small_model", "check_small_model", "takes_raw_pixels",
           *bind_exercises(globals())]
