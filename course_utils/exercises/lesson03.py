"""Check yourself, lesson 03: pooling.

In the notebook::

    from course_utils.exercises.lesson03 import q1, q2, q3, q4, q5, q6, q7

    answer = ____
    q1.check(answer)

Each exercise's expected answer is computed here from the question's own numbers (never
typed in); tests/test_exercises_lesson03.py checks these against Keras.
"""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_output_size
from ..ops import pool2d
from . import Exercise, array, bind_exercises, function, number, shape

#: The 4x4 feature map of questions 1 and 2 (one channel, shape (4, 4)).
POOL_X = np.array([[1, 3, 2, 1],
                   [4, 6, 5, 0],
                   [3, 1, 1, 2],
                   [0, 2, 4, 3]])
POOL_X.setflags(write=False)


# --- q1, q2: pooled values by hand ---------------------------------------------------------

_MAX = pool2d(POOL_X, 2)
_AVERAGE = pool2d(POOL_X, 2, mode="average")

q1 = Exercise(
    "Max-pool POOL_X (4x4) with a 2x2 window and stride 2, by hand. "
    "Answer with a 2x2 list of lists.",
    checker=array(_MAX, mistakes=[
        (_AVERAGE, "those are the averages of the windows; max pooling keeps the largest value."),
        (POOL_X[::2, ::2], "those are the top-left values of the windows, not their maxima."),
    ]),
    hint=["The four windows are the four 2x2 quarters of the array; they do not overlap.",
          "Top-left window: 1, 3, 4, 6."],
    solution=f"""\
windows: [[1, 3], [4, 6]], [[2, 1], [5, 0]], [[3, 1], [0, 2]], [[1, 2], [4, 3]]
answer = {_MAX.astype(int).tolist()}""",
    solution_answer=_MAX.astype(int).tolist(),
)

q2 = Exercise(
    "Average-pool the same POOL_X with a 2x2 window and stride 2. Answer with a 2x2 list.",
    checker=array(_AVERAGE, mistakes=[
        (_MAX, "those are the maxima; average pooling keeps the mean of each window."),
        (_AVERAGE * 4, "those are the sums of the windows: divide by the 4 values in each."),
    ]),
    hint="Add the four values of each 2x2 quarter and divide by 4.",
    solution=f"""\
top-left (1 + 3 + 4 + 6) / 4 = 3.5, and so on:
answer = {_AVERAGE.tolist()}""",
    solution_answer=_AVERAGE.tolist(),
)


# --- q3: shapes through a conv/pool stack ----------------------------------------------------

_N3 = 32
_after_conv1 = conv_output_size(_N3, 3, padding="same")          # Conv2D(16, 3, padding="same")
_after_pool1 = conv_output_size(_after_conv1, 2, 2)         # MaxPooling2D(2)
_after_conv2 = conv_output_size(_after_pool1, 3)            # Conv2D(32, 3)
_after_pool2 = conv_output_size(_after_conv2, 2, 2)         # MaxPooling2D(2)
_STACK_SHAPE = (_after_pool2, _after_pool2, 32)

q3 = Exercise(
    "A 32x32x3 image goes through Conv2D(16, 3, padding='same') -> MaxPooling2D(2) -> "
    "Conv2D(32, 3) -> MaxPooling2D(2). What is the output shape (height, width, channels)?",
    checker=shape(_STACK_SHAPE, mistakes={
        (8, 8, 32): "the second Conv2D has the default padding='valid': it removes F - 1 = 2.",
        (6, 6, 32): "check the first Conv2D: padding='same' keeps 32x32.",
        (7, 7, 3): "the channels come from the last Conv2D's filters; pooling keeps them.",
        (7, 7, 16): "the second Conv2D has 32 filters: 32 channels, which pooling keeps.",
    }),
    hint=["Follow one side: 32 -> 'same' conv -> pool /2 -> 'valid' 3x3 conv (minus 2) -> pool /2.",
          "Pooling never changes the channels; a Conv2D's channels are its number of filters."],
    solution=f"""\
32 -> {_after_conv1} (same) -> {_after_pool1} (pool) -> {_after_conv2} (valid 3x3) -> \
{_after_pool2} (pool), 32 filters:
answer = {_STACK_SHAPE}""",
    solution_answer=_STACK_SHAPE,
)


# --- q4: overlapping pooling -----------------------------------------------------------------

_OVERLAP = conv_output_size(13, 3, 2)

q4 = Exercise(
    "AlexNet pools a 13x13x256 map with MaxPooling2D(pool_size=3, strides=2) (overlapping "
    "windows, padding 'valid'). How many rows does the output have?",
    checker=number(_OVERLAP, mistakes={
        7: "that is ceil(13 / 2), the size with padding='same'; with 'valid' use "
           "floor((N - F) / S) + 1.",
        4: "the stride is 2, not 3: the windows overlap by one row.",
        11: "that is N - F + 1 with stride 1; the stride here is 2.",
    }),
    hint="Same formula as a convolution: O = floor((N - F) / S) + 1 with N = 13, F = 3, S = 2.",
    solution=f"(13 - 3) // 2 + 1 = {_OVERLAP}",
    solution_answer=_OVERLAP,
)


# --- q5: Flatten vs global average pooling ---------------------------------------------------

_H5, _C5, _CLASSES = 7, 32, 10
_FLATTEN_PARAMS = (_H5 * _H5 * _C5 + 1) * _CLASSES
_GAP_PARAMS = (_C5 + 1) * _CLASSES

q5 = Exercise(
    "The 7x7x32 map of q3 feeds Dense(10). How many parameters does the Dense layer have "
    "after Flatten, and how many after GlobalAveragePooling2D? Answer (flatten, gap).",
    checker=array([_FLATTEN_PARAMS, _GAP_PARAMS], mistakes=[
        ([_FLATTEN_PARAMS - _CLASSES, _GAP_PARAMS - _CLASSES],
         "each of the 10 units also has a bias: add 10 to both counts."),
        ([_GAP_PARAMS, _FLATTEN_PARAMS], "the two numbers are swapped: Flatten gives more."),
    ]),
    hint=["Dense parameters = (inputs + 1) * units.",
          "Flatten gives 7 * 7 * 32 inputs; global average pooling gives one per channel."],
    solution=f"""\
flatten: (7 * 7 * 32 + 1) * 10 = {_FLATTEN_PARAMS}
gap:     (32 + 1) * 10 = {_GAP_PARAMS}
answer = ({_FLATTEN_PARAMS}, {_GAP_PARAMS})""",
    solution_answer=(_FLATTEN_PARAMS, _GAP_PARAMS),
)


# --- q6: sigmoid's vanishing gradient ----------------------------------------------------------

_DEPTH = 10
_SIGMOID_BOUND = 0.25 ** _DEPTH

q6 = Exercise(
    "The sigmoid's slope is at most 0.25. Through 10 sigmoid layers (weights of 1), at most "
    "what factor of the gradient reaches the first layer?",
    checker=number(_SIGMOID_BOUND, tol=1e-12, mistakes={
        0.25 * _DEPTH: "the factors multiply (chain rule), they do not add.",
        0.5 ** _DEPTH: "0.5 is the sigmoid's value at 0; its slope there is 0.25.",
        1.0: "that would be ReLU on its positive side; the sigmoid's slope is at most 0.25.",
    }),
    hint="The chain rule multiplies one slope per layer: 0.25 * 0.25 * ... ten times.",
    solution=f"0.25 ** 10 = {_SIGMOID_BOUND:.4g}  (less than one millionth)",
    solution_answer=_SIGMOID_BOUND,
)


# --- q7: max pooling as a function -------------------------------------------------------------

def max_pool(x, size):
    """Max pooling of a 2-D array, window = stride = size, 'valid' padding."""
    x = np.asarray(x)
    rows, cols = x.shape[0] // size, x.shape[1] // size
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = x[i * size:(i + 1) * size, j * size:(j + 1) * size]
            out[i, j] = window.max()
    return out


_rng = np.random.default_rng(3)
_CASES = [
    (POOL_X.copy(), 2),
    (np.arange(36).reshape(6, 6), 3),
    (_rng.integers(-9, 0, size=(4, 4)), 2),        # all negative: a zero start would be wrong
    (_rng.integers(-5, 6, size=(4, 6)), 2),        # not square
    (_rng.integers(0, 10, size=(5, 5)), 2),        # 5 is not a multiple of 2: drop the last row
]

q7 = Exercise(
    "Write max_pool(x, size): max pooling of a 2-D NumPy array x with a size x size window "
    "and stride size, padding 'valid' (leftover rows/columns are dropped). Return a 2-D array.",
    checker=function(_CASES, reference=pool2d),
    hint=["The output has x.shape[0] // size rows and x.shape[1] // size columns.",
          "Window (i, j) is x[i*size:(i+1)*size, j*size:(j+1)*size]; keep its .max().",
          "Start from the window's max, not from 0: values can be negative."],
    solution_answer=max_pool,
)

__all__ = ["POOL_X", *bind_exercises(globals())]
