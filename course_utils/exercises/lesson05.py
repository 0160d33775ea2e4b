"""Check yourself, lesson 05: an MNIST Conv2D model.

In the notebook::

    from course_utils.exercises.lesson05 import q1, q2, q3, q4, q5, q6, q7

    answer = ____
    q1.check(answer)

Every expected answer is computed here from the question's own numbers with the course's
arithmetic (never typed in); tests/test_exercises_lesson05.py checks them against Keras.
Importing this module imports Keras (q7 builds and trains models): the notebook imports it
after its setup cell has configured TensorFlow.
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
from keras import layers

from ..arithmetic import conv_output_size, conv_params
from ..data import load_mnist
from ..validation import describe, is_keras_model
from . import Exercise, bind_exercises, function, number, shape


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
#: q7's budget: one tenth of the source model's weights.
WEIGHT_BUDGET = SOURCE_WEIGHTS // 10
#: q7's accuracy floor on the sample's 1,000 test digits after the short training run.
ACCURACY_FLOOR = 0.90


# --- q1: parameter count of a changed model -----------------------------------------------------

_Q1 = _source_like_params(8, 16, 3)

q1 = Exercise(
    "Change the source model's convolutions to Conv2D(8, 3) and Conv2D(16, 3) (everything "
    "else as before: valid padding, Flatten, Dense(84), Dense(10)). How many trainable "
    "parameters does the model have?",
    checker=number(_Q1, mistakes={
        SOURCE_WEIGHTS: "that is the source model's count; the new kernels change every layer.",
        _Q1 - _dense_params(84, 10): "you left out the output layer Dense(10).",
        _source_like_params(8, 16, 3) - 8 - 16: "the convolutions' biases are missing.",
        # the flattened size taken as 28 x 28 x 16 (as if the convolutions kept the size)
        (conv_params(3, 1, 8) + conv_params(3, 8, 16) + _dense_params(28 * 28 * 16, 84)
         + _dense_params(84, 10)): "a 3x3 convolution without padding shrinks 28 -> 26 -> 24.",
    }),
    hint=["Per conv layer (F*F*C_in + 1) * C_out; the sizes go 28 -> 26 -> 24.",
          "Flatten gives 24*24*16 values; the Dense(84) after it has (24*24*16 + 1) * 84 "
          "weights."],
    solution=f"""\
conv1: (3*3*1 + 1) * 8  = {conv_params(3, 1, 8)}
conv2: (3*3*8 + 1) * 16 = {conv_params(3, 8, 16)}
dense: (24*24*16 + 1) * 84 = {_dense_params(24 * 24 * 16, 84)}
output: (84 + 1) * 10 = {_dense_params(84, 10)}
answer = {_Q1}   # more than 3.8 times the source: smaller kernels leave bigger maps to flatten""",
    solution_answer=_Q1,
)


# --- q2, q3: pooling after each convolution -----------------------------------------------------

_POOLED = conv_output_size(conv_output_size(conv_output_size(conv_output_size(28, 5), 2, 2),
                                            5), 2, 2)
_Q2 = (_POOLED, _POOLED, 6)

q2 = Exercise(
    "Put MaxPooling2D(2) after each of the source's convolutions: Input(28, 28, 1) -> "
    "Conv2D(3, 5) -> MaxPooling2D(2) -> Conv2D(6, 5) -> MaxPooling2D(2). What is the shape "
    "of one image's output (height, width, channels)?",
    checker=shape(_Q2, mistakes={
        (20, 20, 6): "that is without the pooling layers.",
        (5, 5, 6): "the first pooling gives 12x12, the second convolution 8x8, not 10x10.",
        (6, 4, 4): "Keras puts the channels last: (height, width, channels).",
    }),
    hint=["Each 5x5 convolution (valid) takes 4 off the size; each 2x2 pooling halves it.",
          "28 -> 24 -> 12 -> 8 -> 4."],
    solution=f"28 -> 24 (conv) -> 12 (pool) -> 8 (conv) -> 4 (pool), 6 channels\n"
             f"answer = {_Q2}",
    solution_answer=_Q2,
)

_Q3 = _dense_params(_POOLED * _POOLED * 6, 84)

q3 = Exercise(
    "In q2's model, Flatten and then Dense(84) follow the second pooling layer. How many "
    "weights and biases does that Dense(84) layer have? (In the source model it has "
    "201,684.)",
    checker=number(_Q3, mistakes={
        _dense_params(20 * 20 * 6, 84): "that is the source model's Dense layer, without "
                                        "pooling.",
        _POOLED * _POOLED * 6 * 84: "the 84 biases are missing.",
        _POOLED * _POOLED * 6: "that is the length of the flattened vector, not the layer's "
                               "weights.",
    }),
    hint="Flatten turns 4x4x6 into 96 numbers; a Dense layer has (inputs + 1) * units.",
    solution=f"(4*4*6 + 1) * 84 = {_Q3}   # about 25 times fewer than 201,684",
    solution_answer=_Q3,
)


# --- q4: the loss for one-hot or integer labels -------------------------------------------------

_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mean_squared_error")
_Q4 = ("categorical_crossentropy", "sparse_categorical_crossentropy")


def _check_losses(answer):
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
    if tuple(names) == _Q4:
        return None
    if tuple(names) == _Q4[::-1]:
        return "the two are swapped: the 'sparse' loss takes the integer labels."
    if names[0] != _Q4[0]:
        return ("the first is off: labels like [0, 0, 1, 0, ...] (one-hot) go with the loss "
                "the source compiles with.")
    return "the second is off: integer labels 0-9 need the loss made for them."


q4 = Exercise(
    "The same ten-class softmax model can be trained on one-hot labels (pd.get_dummies, "
    "to_categorical) or on the integer labels 0-9. Give a pair (loss for one-hot labels, "
    f"loss for integer labels), each one of: {', '.join(repr(n) for n in _LOSSES)}.",
    checker=_check_losses,
    hint=["The source trains on pd.get_dummies(labels), one-hot rows, with "
          "loss='categorical_crossentropy'.",
          "'sparse' means the labels are class numbers, not one-hot rows."],
    solution=f"answer = {_Q4!r}\n"
             "# Both compute the same number: -log(probability given to the true class).",
    solution_answer=_Q4,
)


# --- q5: optimizer state ------------------------------------------------------------------------

# Keras 3's optimizers also keep two scalar variables: the step counter and the learning rate.
_OPTIMIZER_SCALARS = 2
_Q5 = 2 * SOURCE_WEIGHTS + _OPTIMIZER_SCALARS

q5 = Exercise(
    "With the default optimizer (RMSprop) the trained source model showed 'Optimizer params: "
    "203,070'. Adam keeps TWO running averages per weight instead of one. How many optimizer "
    "params would model.summary() show after training the source model with Adam?",
    checker=number(_Q5, mistakes={
        SOURCE_WEIGHTS + _OPTIMIZER_SCALARS: "that is RMSprop's count (one average per weight).",
        2 * SOURCE_WEIGHTS: "close: Keras also counts the optimizer's two scalars (step "
                            "counter and learning rate).",
        3 * SOURCE_WEIGHTS + _OPTIMIZER_SCALARS: "that would be the Total params, weights "
                                                  "included; the question asks for the "
                                                  "optimizer's own.",
    }),
    hint=["RMSprop: 203,068 (one average per weight) + 2 scalars = 203,070.",
          "Adam: two averages per weight, plus the same 2 scalars."],
    solution=f"2 * {SOURCE_WEIGHTS:,} + 2 = {_Q5:,}\n"
             f"answer = {_Q5}   # the number the source printed as 'Total params', by chance",
    solution_answer=_Q5,
)


# --- q6: accuracy from a confusion matrix -------------------------------------------------------

def accuracy_from_confusion(matrix):
    """Accuracy from a square confusion matrix (rows: true class, columns: predicted)."""
    counts = np.asarray(matrix, dtype=float)
    return float(np.trace(counts) / counts.sum())


_CONFUSION_CASES = [
    (np.array([[5, 1], [2, 2]]),),
    (np.array([[8, 1, 1], [0, 9, 1], [2, 0, 8]]),),
    (np.array([[3, 0, 0], [0, 4, 0], [0, 0, 1]]),),
    ([[0, 6], [4, 0]],),
]

q6 = Exercise(
    "Write a function accuracy(matrix) that takes a confusion matrix (rows: true digit, "
    "columns: predicted digit, counts in the cells; a NumPy array or a list of lists) and "
    "returns the accuracy as a number between 0 and 1.",
    checker=function(_CONFUSION_CASES, reference=accuracy_from_confusion),
    hint=["The correct predictions sit on the diagonal (true == predicted).",
          "np.trace(matrix) adds the diagonal; matrix.sum() counts every prediction. Convert "
          "a list with np.asarray first."],
    solution_answer=accuracy_from_confusion,
)


# --- q7: a model within a weight budget that reaches an accuracy floor --------------------------

_Q7_TRAIN = 2_000   # the sample's first 2,000 training digits (200 of each class, shuffled)
_Q7_EPOCHS = 3
_Q7_SEED = 0


def build_small_model():
    """q7's solution: conv -> pool -> conv -> pool -> dense, about 5,000 weights."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(8, 3, activation="relu", name="conv1")(inputs)
    h = layers.MaxPooling2D(2, name="pool1")(h)
    h = layers.Conv2D(16, 3, activation="relu", name="conv2")(h)
    h = layers.MaxPooling2D(2, name="pool2")(h)
    h = layers.Flatten(name="flat")(h)
    outputs = layers.Dense(10, activation="softmax", name="output")(h)
    return keras.Model(inputs, outputs, name="small_model")


def check_small_model(build_model):
    """q7's checker: build, count, train briefly on the bundled sample, evaluate.

    Returns None when the model has at most WEIGHT_BUDGET weights and reaches
    ACCURACY_FLOOR test accuracy after _Q7_EPOCHS epochs on _Q7_TRAIN sample digits
    (Adam, seeded, so the verdict is the same on every run); otherwise what is off.
    """
    if is_keras_model(build_model):
        return ("pass the function that builds the model (check(build_model)), not a model: "
                "the check builds a fresh one so that its training starts from a fixed seed.")
    if not callable(build_model):
        return f"expected a function that returns a Keras model, got {describe(build_model)}."
    keras.utils.set_random_seed(_Q7_SEED)
    try:
        model = build_model()
    except Exception as error:  # the learner's code: report, never propagate
        return f"build_model() raised {type(error).__name__}: {error}"
    if not is_keras_model(model):
        return (f"build_model() returned {describe(model)}; it must return a Keras model "
                "(is a `return model` missing?).")
    if tuple(model.input_shape) != (None, 28, 28, 1):
        return f"the model's input shape is {model.input_shape}; use keras.Input((28, 28, 1))."
    if tuple(model.output_shape) != (None, 10):
        return f"the model's output shape is {model.output_shape}; it must end in Dense(10, ...)."
    weights = model.count_params()
    if weights > WEIGHT_BUDGET:
        return (f"the model has {weights:,} weights; the budget is {WEIGHT_BUDGET:,}. Pool "
                "before Flatten (or use fewer filters) so the Dense layer gets fewer inputs.")
    (x_train, y_train), (x_test, y_test) = load_mnist("sample", verbose=False)
    x_train = (x_train[:_Q7_TRAIN] / 255.0).astype("float32")[..., None]
    y_train = y_train[:_Q7_TRAIN]
    x_test = (x_test / 255.0).astype("float32")[..., None]
    probabilities = np.asarray(model(x_test[:5], training=False))
    if not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3) or probabilities.min() < 0:
        return "the outputs are not probabilities: end with Dense(10, activation='softmax')."
    model.compile(optimizer=keras.optimizers.Adam(0.003),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=_Q7_EPOCHS, batch_size=32, verbose=0)
    predicted = np.asarray(model.predict(x_test, batch_size=500, verbose=0)).argmax(axis=1)
    accuracy = float((predicted == y_test).mean())
    if accuracy < ACCURACY_FLOOR:
        return (f"the model has {weights:,} weights (within the budget) but reached "
                f"{accuracy:.1%} test accuracy after {_Q7_EPOCHS} epochs on {_Q7_TRAIN:,} "
                f"digits; the floor is {ACCURACY_FLOOR:.0%}. Convolutions before the Dense "
                "layer, ReLU, and pooling help.")
    return None


def _check_q7(answer):
    if isinstance(answer, numbers.Number):
        return f"expected a function that returns a Keras model, got {describe(answer)}."
    return check_small_model(answer)


q7 = Exercise(
    f"Write a function build_model() that returns a Keras model for 28x28x1 digits with at "
    f"most {WEIGHT_BUDGET:,} weights (a tenth of the source model) that reaches "
    f"{ACCURACY_FLOOR:.0%} test accuracy after a short training run: the check trains it "
    f"with Adam for {_Q7_EPOCHS} epochs on {_Q7_TRAIN:,} sample digits (a few seconds).",
    checker=_check_q7,
    hint=["Flatten straight after two 5x5 convolutions gives 2,400 inputs to the Dense layer: "
          "too many for the budget. Pool first.",
          "Conv2D(8, 3, relu) -> MaxPooling2D -> Conv2D(16, 3, relu) -> MaxPooling2D -> "
          "Flatten -> Dense(10, softmax)."],
    solution_answer=build_small_model,
)

__all__ = ["SOURCE_WEIGHTS", "WEIGHT_BUDGET", "ACCURACY_FLOOR", "accuracy_from_confusion",
           "build_small_model", "check_small_model", *bind_exercises(globals())]
