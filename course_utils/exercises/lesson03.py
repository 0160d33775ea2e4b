"""Check yourself, lesson 03: pooling.

In the notebook::

    from course_utils.exercises.lesson03 import POOL_X, q1, q2, q3, q4, q5, q6, q7, q8

    answer = ____
    q1.check(answer)

Each exercise's expected answer, and each known wrong answer, is computed here from the
question's own numbers (never typed in); tests/test_exercises_lesson03.py checks the expected
answers against Keras, checks that the wrong answers differ from the right one and from each
other, and lists what a learner may type (LEARNER_ANSWERS) with the message each must get.
The questions use other numbers than the lesson's worked examples, so no answer is printed
in the lesson.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..arithmetic import conv_output_size, receptive_field
from ..ops import pool2d
from . import Exercise, OneImageShape, array, bind_exercises, function, read_array, shape

#: The 4x4 feature map of questions 1 and 2 (one channel, shape (4, 4)).
POOL_X = np.array([[1, 3, 2, 1],
                   [4, 6, 5, 0],
                   [3, 1, 1, 2],
                   [0, 2, 4, 3]])
POOL_X.setflags(write=False)


# --- q1, q2: pooled values by hand ---------------------------------------------------------

_MAX = pool2d(POOL_X, 2)
_AVERAGE = pool2d(POOL_X, 2, mode="average")
_TOP_LEFT = POOL_X[::2, ::2]
_MIN = -pool2d(-POOL_X, 2)
_SUMS = _AVERAGE * 4
#: Section 2's 4x4 map: pooling it instead of POOL_X gives its own results.
_SECTION_2_X = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
_OTHER_MAP = ("of section 2's map x, not of POOL_X: pool the array printed above the "
              "questions.")

_STRIDE_1_SHAPE = (" A 3x3 result has nine windows, the number stride 1 gives; with stride 2 "
                   "the window jumps two columns, so four windows fit.")


def _numeric_shape(answer) -> tuple | None:
    """The shape of ``answer`` as a numeric array, or None when it is not one."""
    try:
        return np.asarray(answer, dtype=float).shape
    except (TypeError, ValueError):
        return None


def _names_stride_1(checker):
    """``checker``, with a 3x3 answer (nine windows, stride 1's count) told so.

    >>> "nine windows" in _check_q1([[6, 5, 5], [6, 7, 4], [3, 3, 4]])
    True
    """
    def check(answer):
        message = checker(answer)
        if message and _numeric_shape(answer) == (3, 3) and "stride 1" not in message:
            return message + _STRIDE_1_SHAPE
        return message
    return check


_check_q1 = _names_stride_1(array(_MAX, mistakes=[
        (_AVERAGE, "those are the averages of the windows; max pooling keeps the largest value."),
        (_TOP_LEFT, "those are the top-left values of the windows, not their maxima."),
        (_MIN, "those are the smallest values of the windows; max pooling keeps the largest."),
        (_SUMS, "those are the sums of the windows; max pooling keeps the largest value."),
        (pool2d(_SECTION_2_X, 2), "those are the maxima " + _OTHER_MAP),
        (pool2d(POOL_X, 2, stride=1),
         "that is stride 1 (nine overlapping windows); with stride 2 the window jumps two "
         "columns, so four windows fit and they do not overlap."),
]))

q1 = Exercise(
    "Max-pool POOL_X (4x4) with a 2x2 window and stride 2, by hand. "
    "Answer with a 2x2 list of lists.",
    checker=_check_q1,
    hint=["The four windows are the four 2x2 quarters of the array; they do not overlap.",
          "Top-left window: 1, 3, 4, 6; keep its largest value."],
    solution=f"""\
# windows: [[1, 3], [4, 6]], [[2, 1], [5, 0]], [[3, 1], [0, 2]], [[1, 2], [4, 3]]
answer = {_MAX.astype(int).tolist()}""",
    solution_answer=_MAX.astype(int).tolist(),
)

_ROUNDED = ("those are the means rounded to whole numbers: keep the decimals (a mean of 2x2 "
            "integers can end in .25, .5 or .75).")

def _comma_readings(row: list) -> list:
    """Every row ``row`` can be read as, taking any pair of adjacent whole numbers a, b as the
    decimal a.b typed with a comma: [3, 5, 2] gives [3, 5, 2], [3.5, 2] and [3, 5.2]."""
    if len(row) < 2:
        return [row]
    readings = [[row[0]] + rest for rest in _comma_readings(row[1:])]
    first, second = row[0], row[1]
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
           and v >= 0 and float(v).is_integer() for v in (first, second)):
        joined = float(f"{int(first)}.{int(second)}")
        readings += [[joined] + rest for rest in _comma_readings(row[2:])]
    return readings


def _decimal_commas(answer, expected: np.ndarray) -> bool:
    """Whether ``answer`` is ``expected`` with decimal points typed as commas, which Python
    reads as two entries: [[3,5, 2.0], [1,5, 2.5]], [[3,5, 2], [1,5, 2,5]] (rows of
    different lengths) or [[3,5, 2,0], [1,5, 2,5]] for [[3.5, 2.0], [1.5, 2.5]].

    >>> [_decimal_commas(a, _AVERAGE) for a in ([[3,5, 2.0], [1,5, 2.5]], [[3,5, 2], [1,5, 2,5]],
    ...                                         [[3,5, 2,0], [1,5, 2,5]], [[3, 5, 2]])]
    [True, True, True, False]
    """
    if not isinstance(answer, (list, tuple)) or len(answer) != len(expected) \
            or not all(isinstance(row, (list, tuple)) for row in answer) \
            or all(len(row) == len(want) for row, want in zip(answer, expected, strict=True)):
        return False
    return all(any(len(reading) == len(want) and np.allclose(reading, want)
                   for reading in _comma_readings(list(row)))
               for row, want in zip(answer, expected.tolist(), strict=True))


def _check_q2(answer):
    message = _q2_array(answer)
    if message and _decimal_commas(answer, _AVERAGE):
        return ("more entries than expected in a row: a decimal comma? Python reads 3,5 "
                "as two numbers, 3 and 5; write 3.5.")
    return message


_q2_array = array(_AVERAGE, mistakes=[
        (_MAX, "those are the maxima; average pooling keeps the mean of each window."),
        (_SUMS, "those are the sums of the windows: divide by the 4 values in each."),
        (pool2d(_SECTION_2_X, 2, mode="average"), "those are the means " + _OTHER_MAP),
        (_SUMS // 4, "those are the means rounded down (// 4): use / 4; the mean of 1, 3, 4, 6 "
                     "is 3.5, not 3."),
        (np.round(_AVERAGE), _ROUNDED),           # NumPy's rounding: a half to the even number
        (np.floor(_AVERAGE + 0.5), _ROUNDED),     # by hand: a half up
        (_SUMS / 2, "you divided each window's sum by 2, its side; a 2x2 window holds 4 "
                    "values: divide by 4."),
        (pool2d(POOL_X, 2, stride=1, mode="average"),
         "that is stride 1 (nine overlapping windows); with stride 2 only four windows fit."),
])

q2 = Exercise(
    "Average-pool the same POOL_X with a 2x2 window and stride 2. Answer with a 2x2 list.",
    checker=_check_q2,
    hint=["Add the four values of each 2x2 quarter and divide by 4.",
          "Top-left window: (1 + 3 + 4 + 6) / 4."],
    solution=f"""\
# top-left window: (1 + 3 + 4 + 6) / 4 = 3.5, and so on
answer = {_AVERAGE.tolist()}""",
    solution_answer=_AVERAGE.tolist(),
)


# --- q3: shapes through a conv/pool stack ----------------------------------------------------
# A 5x5 kernel in both convolutions, so that each padding mix-up gives its own size: with a
# 3x3 first layer, taking it as 'valid' would cost one row after pooling, the same as
# forgetting the + 1 in the second layer. The side is odd (33), so the pooling's floor
# matters: 33 -> 16, and rounding up (17) gives its own answer.

_N3, _F3 = 33, 5


def _stack_size(first="same", second="valid", pool=True, plus_one=True, pool_stride=2,
                pool_padding="valid", pool_plus_one=True):
    """Rows after Conv2D(16, 5, padding=first) -> MaxPooling2D(2, strides=pool_stride,
    padding=pool_padding) -> Conv2D(32, 5, second); ``plus_one``/``pool_plus_one`` False
    leave the + 1 out of the second layer's / the pooling's formula."""
    n = conv_output_size(_N3, _F3, padding=first)
    if pool:
        n = conv_output_size(n, 2, pool_stride, padding=pool_padding) - (not pool_plus_one)
    n = conv_output_size(n, _F3, padding=second)
    return n if plus_one else n - 1


_STACK_SHAPE = (_stack_size(), _stack_size(), 32)
#: The side of the answer for each mistake q3 recognises (tests check they all differ).
Q3_MISTAKE_SIZES = {
    "first layer taken as 'valid'": _stack_size(first="valid"),
    "second layer taken as 'same'": _stack_size(second="same"),
    "paddings swapped": _stack_size(first="valid", second="same"),
    "forgot + 1 in the second layer": _stack_size(plus_one=False),
    "forgot the pooling": _stack_size(pool=False),
    "pooling with stride 1": _stack_size(pool_stride=1),
    "pooling rounded up": _stack_size(pool_padding="same"),
}


#: Slips that give the size of a mistake above (33 is odd, so the pooling's + 1 matters):
#: that size's message names them too, as the answer cannot tell them apart (tests check).
Q3_SAME_SIZE_SLIPS = {
    "forgot + 1 in the pooling": _stack_size(pool_plus_one=False),
    "forgot + 1 in the pooling and the second layer": _stack_size(pool_plus_one=False,
                                                                  plus_one=False),
}


def _side(mistake, channels=32):
    size = Q3_MISTAKE_SIZES[mistake]
    return (size, size, channels)


def _shape_as_text(checker):
    """q3's shape checker, first telling a shape typed as text ("(12, 12, 32)", "12x12x32")
    to drop the quotes: the framework would only say it got a string.

    >>> _shape_as_text(lambda answer: None)("12x12x32").endswith("without quotes: (12, 12, 32).")
    True
    """
    def check(answer):
        if isinstance(answer, str):
            entries = re.findall(r"\d+|None", answer)
            if entries:
                return (f"your answer is the text {answer!r}: write the shape as a tuple of "
                        f"numbers, without quotes: ({', '.join(entries)}).")
        return checker(answer)
    return check


q3 = OneImageShape(
    "A 33x33x3 image goes through Conv2D(16, 5, padding='same') -> MaxPooling2D(2) -> "
    "Conv2D(32, 5). What is the output shape (height, width, channels)?",
    checker=_shape_as_text(shape(_STACK_SHAPE, mistakes={
        _side("first layer taken as 'valid'"):
            "either the first Conv2D was taken as 'valid' (it has padding='same': it keeps "
            "33x33; only the second one, 'valid', removes F - 1 = 4), or the + 1 was left out "
            "of both the pooling's formula and the second layer's.",
        _side("second layer taken as 'same'"):
            "the second Conv2D has the default padding='valid': it removes F - 1 = 4 rows.",
        _side("paddings swapped"):
            "either the paddings are swapped, or the 'valid' 5x5 removed 2 instead of 4: the "
            "FIRST Conv2D is 'same' (keeps 33), and the second, 'valid', removes F - 1 = 4.",
        _side("forgot + 1 in the second layer"):
            "one + 1 is missing: either the 'valid' 5x5 layer's (N - F + 1: 16 - 5 + 1) or "
            "the pooling's (floor((33 - 2) / 2) + 1 = 16); both count the first position.",
        _side("forgot the pooling"):
            "MaxPooling2D(2) halves the height and the width before the second Conv2D.",
        _side("pooling rounded up"):
            "that is what 17 rows after the pooling give; MaxPooling2D(2) turns 33 rows into "
            "floor((33 - 2) / 2) + 1 = 16: the last row fills no window and is dropped.",
        _side("pooling with stride 1"):
            "that moves the pooling window by 1 pixel; MaxPooling2D(2) moves it by 2 (strides "
            "default to the pool size), so it halves 33 to 16 instead of removing one row.",
        (_STACK_SHAPE[0], _STACK_SHAPE[1], 3):
            "the channels come from the last Conv2D's 32 filters, not from the image.",
        (_STACK_SHAPE[0], _STACK_SHAPE[1], 16):
            "the last layer is Conv2D(32, 5): its 32 filters make 32 channels.",
    })),
    hint=["Follow one side: 33 -> 'same' 5x5 conv -> 2x2 pool (section 2's formula, rounded "
          "down) -> 'valid' 5x5 conv (minus 4).",
          "A Conv2D's channels are its number of filters; pooling never changes them."],
    solution=f"""\
# 33 -> {conv_output_size(_N3, _F3, padding="same")} ('same' keeps it) -> \
{conv_output_size(_N3, 2, 2)} (pool: (33 - 2) // 2 + 1) -> {_STACK_SHAPE[0]} ('valid' 5x5: \
16 - 5 + 1); 32 filters
answer = {_STACK_SHAPE}""",
    solution_answer=_STACK_SHAPE,
)


# --- q4: a one-pixel shift under 2x2 max pooling --------------------------------------------

_Q4_STARTS = (0, 1, 2)            # the columns the pixel may start in (it moves to the next)


def _pooled_before_after(col: int, stride: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pooling of a 4x4 map of zeros with one 1 in row 1, column ``col``, and of the
    same map with the 1 moved one column to the right."""
    before, after = np.zeros((4, 4)), np.zeros((4, 4))
    before[1, col], after[1, col + 1] = 1, 1
    return pool2d(before, 2, stride=stride), pool2d(after, 2, stride=stride)


def _unchanged_starts(stride: int = 2) -> list[int]:
    return [col for col in _Q4_STARTS
            if np.array_equal(*_pooled_before_after(col, stride))]


_Q4 = _unchanged_starts()                                     # [0, 2]
_Q4_WINDOWS = "columns 0-1 and 2-3"

#: q4's known wrong lists, each with its message (tests check they differ from the answer).
Q4_MISTAKES = [
    ([1], "from column 1 the pooled map CHANGES: the pixel crosses from the window of columns "
          "0-1 into the window of columns 2-3, so the pooled 1 moves to the next pooled "
          "value. The question asks where it stays the same."),
    ([0, 1, 2], "not for column 1: from there the pixel crosses from the window of columns 0-1 "
                "into that of columns 2-3, and the pooled 1 moves to the next pooled "
                "value. Pooling ignores a move inside a window, not one across a window's edge."),
    (_unchanged_starts(stride=1),
     "either you pooled with stride 1, whose overlapping windows show every move, or you "
     "expected every shift to change a pooled map. The window of MaxPooling2D(2) moves by 2: "
     f"the windows are {_Q4_WINDOWS}, and a move inside one window leaves its maximum where "
     "it was."),
    ([0], "column 2 too: from column 2 to column 3 the pixel stays inside the window of "
          "columns 2-3, whose maximum stays 1."),
    ([2], "column 0 too: from column 0 to column 1 the pixel stays inside the window of "
          "columns 0-1, whose maximum stays 1."),
]


def _check_starts(answer):
    """q4's checker: a list (or tuple, set, array) of starting columns, in any order."""
    if isinstance(answer, set | frozenset):
        answer = sorted(answer)
    entries = list(answer) if isinstance(answer, list | tuple | np.ndarray) else []
    if entries and all(isinstance(entry, bool | np.bool_) for entry in entries):
        return ("your answer holds True/False values; give the NUMBERS of the starting "
                "columns where the map stays the same, such as [1].")
    values = read_array(answer)
    if values.ndim == 0:
        return (f"your answer is one number, {values.item():g}; answer with the list of "
                "starting columns, such as [1], a list even for one column.")
    values = values.reshape(-1)
    if not np.all(values == np.round(values)):
        return "the columns are whole numbers: 0, 1 or 2."
    starts = sorted({int(value) for value in values})
    if len(starts) < len(values):
        repeated = next(int(v) for v in values if list(values).count(v) > 1)
        return (f"your list names column {repeated} more than once: list each starting column "
                "once.")
    outside = [col for col in starts if col not in _Q4_STARTS]
    if starts == [col + 1 for col in _Q4]:
        return (f"{starts} is the right list with 1 added to each column: either you listed "
                "the columns the pixel moves TO, or you counted from 1. The question asks for "
                "the STARTING columns, numbered from 0 as in Python.")
    if outside:
        return (f"the starting columns to test are 0, 1 and 2; {outside[0]} is not one of them "
                "(from column 3 the pixel would leave the map).")
    if starts == _Q4:
        return None
    for wrong, message in Q4_MISTAKES:
        if starts == sorted(wrong):
            return message
    return (f"{starts} is not the list of columns where the pooled map stays the same. For each "
            "start, note which 2x2 window holds the pixel before the move and which after.")


q4 = Exercise(
    "A 4x4 map is 0 everywhere but one pixel of value 1, in row 1. The pixel moves one column "
    "to the right. For which starting columns, 0, 1 or 2, is the map's 2x2 max pooling "
    "(stride 2) exactly the same after the move as before? Answer with a list, such as [1].",
    checker=_check_starts,
    hint=[f"With stride 2, the 2x2 windows of a row cover {_Q4_WINDOWS}.",
          "Take the start in column 1: which window holds the pixel before the move, and "
          "which after?"],
    solution=f"""\
# the windows cover {_Q4_WINDOWS}. From 0 to 1, or from 2 to 3, the pixel
# stays in its window (same maximum); from 1 to 2 it crosses into the next window,
# and the pooled 1 moves to the next pooled value
answer = {_Q4}""",
    solution_answer=_Q4,
)


# --- q5: Flatten vs global average pooling ---------------------------------------------------

_H5, _C5, _CLASSES = 4, 128, 10
_FLATTEN_INPUTS = _H5 * _H5 * _C5
_FLATTEN_PARAMS = (_FLATTEN_INPUTS + 1) * _CLASSES
_GAP_PARAMS = (_C5 + 1) * _CLASSES

_SECTION_7_FLATTEN, _SECTION_7_GAP = (7 * 7 * 64 + 1) * _CLASSES, (64 + 1) * _CLASSES


def _q5_checker(checker):
    """q5's array checker, first telling text with thousands commas ("20,490") what to fix."""
    def check(answer):
        if (isinstance(answer, (list, tuple)) and answer
                and all(isinstance(entry, str) for entry in answer)
                and any(re.fullmatch(r"\s*\d{1,3}(,\d{3})+\s*", entry) for entry in answer)):
            numbers = ", ".join(entry.replace(",", "").strip() for entry in answer)
            return (f"the entries are text written with thousands commas: remove the quotes and "
                    f"the thousands commas, ({numbers}).")
        return checker(answer)
    return check


q5 = Exercise(
    "A network's last convolution block leaves a 4x4x128 stack of maps, which feeds "
    "Dense(10). How many parameters does the Dense layer have after Flatten, and how many "
    "after GlobalAveragePooling2D? Answer with a pair (flatten, gap).",
    checker=_q5_checker(array([_FLATTEN_PARAMS, _GAP_PARAMS], mistakes=[
        ([_FLATTEN_PARAMS - _CLASSES, _GAP_PARAMS - _CLASSES],
         "each of the 10 units also has a bias: add 10 to both counts."),
        ([_FLATTEN_PARAMS - _CLASSES + 1, _GAP_PARAMS - _CLASSES + 1],
         "there is one bias per unit, 10 in all, not one for the whole layer."),
        ([_GAP_PARAMS, _FLATTEN_PARAMS], "the two numbers are swapped: Flatten gives more."),
        ([_FLATTEN_PARAMS // _CLASSES, _GAP_PARAMS // _CLASSES],
         "that is (inputs + 1) for one unit; Dense(10) has 10 units."),
        ([_FLATTEN_PARAMS, (_H5 * _H5 + 1) * _CLASSES],
         "global average pooling averages over height and width and keeps one number per "
         "CHANNEL: 128 inputs, not 4 * 4."),
        ([_FLATTEN_INPUTS, _C5],
         "those are the lengths of the vectors the Dense layer reads (section 7's 'vector "
         "length'); its parameters are (inputs + 1) * 10: a weight per input and unit, plus a "
         "bias per unit."),
        ([_FLATTEN_PARAMS - _CLASSES, _GAP_PARAMS],
         "the Flatten count lacks its 10 biases: (inputs + 1) * 10 for both heads."),
        ([_FLATTEN_PARAMS, _GAP_PARAMS - _CLASSES],
         "the global-average-pooling count lacks its 10 biases: (inputs + 1) * 10 for both "
         "heads."),
        ([(_H5 * _H5 + 1) * _CLASSES, _GAP_PARAMS],
         "the Flatten count uses 4 * 4 = 16 inputs, one map's values; Flatten keeps every value "
         "of all 128 channels: 4 * 4 * 128 inputs."),
        ([_FLATTEN_PARAMS, _FLATTEN_PARAMS],
         "both numbers are the Flatten count; global average pooling keeps one number per "
         "CHANNEL, so the Dense layer after it reads 128 inputs, not 4 * 4 * 128."),
        ([_SECTION_7_FLATTEN, _SECTION_7_GAP],
         "those are section 7's numbers, for its 7x7x64 stack; this stack is 4x4x128: "
         "4 * 4 * 128 inputs after Flatten, 128 after global average pooling."),
        ([_FLATTEN_PARAMS, _SECTION_7_GAP],
         f"the Flatten count is right; {_SECTION_7_GAP} is section 7's global-average-pooling "
         "count, for its 64 channels: this stack has 128."),
        ([_SECTION_7_FLATTEN, _GAP_PARAMS],
         f"the global-average-pooling count is right; {_SECTION_7_FLATTEN} is section 7's "
         "Flatten count, for its 7x7x64 stack: this one is 4x4x128."),
    ])),
    hint=["Dense parameters = (inputs + 1) * units.",
          "Flatten gives 4 * 4 * 128 inputs; global average pooling gives one per channel."],
    solution=f"""\
# Flatten: 4 * 4 * 128 inputs; global average pooling: one per channel, 128
answer = ((4 * 4 * 128 + 1) * 10, (128 + 1) * 10)  # = ({_FLATTEN_PARAMS}, {_GAP_PARAMS})""",
    solution_answer=(_FLATTEN_PARAMS, _GAP_PARAMS),
)


# --- q6: the receptive field of a stack, as a function ----------------------------------------

def field_size(stack):
    """The side of the receptive field of one value of the stack's last layer, in pixels."""
    field, step = 1, 1               # step: how far apart the current layer's inputs lie
    for f, s in stack:
        field += (f - 1) * step
        step *= s
    return field


def _ignores_strides(stack):
    return 1 + sum(f - 1 for f, _ in stack)


def _own_stride_too(stack):
    field, step = 1, 1
    for f, s in stack:
        step *= s                    # updated before the layer is counted
        field += (f - 1) * step
    return field


def _own_stride_only(stack):
    """Multiplies each layer's F - 1 by that layer's own stride, not by the step before it."""
    return 1 + sum((f - 1) * s for f, s in stack)


def _adds_whole_kernels(stack, start=0):
    """Adds each layer's whole F times the step, from a field of ``start`` (0 or 1)."""
    field, step = start, 1
    for f, s in stack:
        field += f * step
        step *= s
    return field


def _adds_whole_kernels_from_one(stack):
    return _adds_whole_kernels(stack, start=1)


def _strided_layers_add_nothing(stack):
    """Adds F - 1 only for a layer with stride 1: a pooling (or strided convolution) only
    spreads the layers after it."""
    field, step = 1, 1
    for f, s in stack:
        if s == 1:
            field += (f - 1) * step
        step *= s
    return field


def _starts_at_zero(stack):
    return receptive_field(stack) - 1


def _multiplies_kernels(stack):
    return int(np.prod([f for f, _ in stack]))


def _strides_only_after_pooling(stack):
    """Counts a stride only for a (2, 2) layer, a 2x2 pooling: a strided convolution or an
    overlapping pooling spreads no step."""
    field, step = 1, 1
    for f, s in stack:
        field += (f - 1) * step
        step *= s if (f, s) == (2, 2) else 1
    return field


#: The stacks q6 runs, each a list of (F, S) pairs, first layer first.
Q6_CASES = [
    [(3, 1), (3, 1), (3, 1)],                              # section 4: three 3x3, 7
    [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)],              # section 4 with pooling: 18
    [(5, 1), (5, 1)],                                      # two 5x5 convolutions: 9
    [(3, 2), (3, 2), (3, 2)],                              # strided convolutions: 15
    [(7, 2), (3, 2), (3, 1)],                              # a 7x7 stem with stride 2: 19
    [(2, 2), (2, 2), (2, 2)],                              # pooling alone: 8
    [(1, 1)],                                              # a 1x1 convolution sees 1 pixel
    [(11, 4), (3, 2), (5, 1)],                             # AlexNet: conv1, its overlapping
]                                                          # pooling (section 3), conv2: 51

#: The wrong functions q6 recognises, each with its message (tests check they differ).
Q6_MISTAKES = [
    (_ignores_strides, "it ignores the strides: it adds F - 1 per layer, which holds only when "
                       "every stride is 1. After a layer with stride S, neighbouring values of "
                       "the next layer lie S times further apart in the input: multiply each "
                       "layer's F - 1 by the product of the strides BEFORE it."),
    (_own_stride_too, "it multiplies each layer's F - 1 by its own stride too: a layer's "
                      "stride multiplies the step of the layers AFTER it, not its own window. Add "
                      "(F - 1) * step first, then multiply step by S."),
    (_own_stride_only, "it multiplies each layer's F - 1 by that layer's own stride. What a "
                       "layer's window of F spans depends on how far apart the values it reads "
                       "lie: the step, the product of the strides of all the layers BEFORE it "
                       "(4 after two 2x2 poolings). Its own stride only spreads the layers "
                       "after it."),
    (_adds_whole_kernels, "it adds each layer's whole F (times the step); a layer widens the "
                          "field by F - 1, since its windows overlap the field already counted, "
                          "and the field starts at 1."),
    (_adds_whole_kernels_from_one, "it adds each layer's whole F (times the step): a layer "
                                   "widens the field by F - 1, since one of its F values is the "
                                   "field already counted (three 3x3 layers: 1 + 2 + 2 + 2 = 7, "
                                   "not 10)."),
    (_strided_layers_add_nothing, "it adds nothing for a layer with a stride above 1, a pooling "
                                  "included: a window of F values widens the field by F - 1 "
                                  "times the step, whatever its own stride. In section 4, pool1 "
                                  "adds 1 and pool2 adds 2, which make the 18 (without them, "
                                  "15)."),
    (_starts_at_zero, "it is one pixel short on every stack: start from a field of 1 (one "
                      "value sees one pixel before any layer), then add (F - 1) * step per "
                      "layer."),
    (_multiplies_kernels, "it returns the product of the kernel sizes on every stack: "
                          "either it multiplies the kernel sizes, or its step grows by F "
                          "instead of by S (step *= f where step *= s is meant). Per layer: "
                          "field += (F - 1) * step, then step *= S."),
    (_strides_only_after_pooling, "it counts only the strides of the (2, 2) layers, the 2x2 "
                                  "poolings; any other layer with stride S, a strided "
                                  "convolution such as (3, 2) or (11, 4) or an overlapping "
                                  "pooling such as AlexNet's (3, 2), multiplies the step of the "
                                  "next layers by S just as much."),
]

q6 = Exercise(
    "Write field_size(stack): stack lists the layers first to last as (F, S) pairs, pooling "
    "layers included (MaxPooling2D(2) is (2, 2); AlexNet's overlapping pooling, 3x3 with "
    "stride 2, is (3, 2)). Return the side, in input pixels, of the "
    "receptive field of one value of the last layer (a whole number, int or float). Write the "
    "loop yourself, without the course's receptive_field.",
    checker=function([(case,) for case in Q6_CASES], reference=receptive_field,
                     mistakes=Q6_MISTAKES, forbidden=["receptive_field"]),
    hint=["Start with field = 1 and step = 1 (the distance, in input pixels, between "
          "neighbouring inputs of the current layer).",
          "After a 2x2 pooling (stride 2), how far apart, in input pixels, are two neighbouring "
          "inputs of the next layer? So how many pixels does that layer's window of F add?",
          "Keep two numbers as you go through the stack: the field so far and the step. Each "
          "layer adds to the field F - 1 times the step it reads at; then its stride changes "
          "the step for the layers after it."],
    explanation=f"field_size([(3, 1), (3, 2), (3, 1)]) = "
                f"{field_size([(3, 1), (3, 2), (3, 1)])}: did you predict it?",
    solution_answer=field_size,
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


def _top_left(x, size):
    return np.asarray(x)[::size, ::size]


def _top_left_valid(x, size):
    x = np.asarray(x)
    return x[:x.shape[0] // size * size:size, :x.shape[1] // size * size:size]


def _average_pool(x, size):
    return pool2d(x, size, mode="average")


def _max_from_zero(x, size):
    return np.maximum(pool2d(x, size), 0)


def _keeps_partial_windows(x, size):
    return pool2d(x, size, padding="same")


def _stride_one(x, size):
    return pool2d(x, size, stride=1)


def _one_window_short(x, size):
    x = np.asarray(x)
    starts = [range(0, n - size, size) for n in x.shape]  # short when size divides n
    return np.array([[x[i:i + size, j:j + size].max() for j in starts[1]] for i in starts[0]])


def _one_window_short_zeros(x, size):
    x = np.asarray(x)
    out = np.zeros((x.shape[0] // size, x.shape[1] // size))
    for i in range(0, x.shape[0] - size, size):  # a side that is a multiple of size never
        for j in range(0, x.shape[1] - size, size):  # reaches its last window: those stay 0
            out[i // size, j // size] = x[i:i + size, j:j + size].max()
    return out


def _truncated(x, size):
    """What an output array of whole numbers (dtype=int) keeps, and what int() gives: each
    maximum cut toward 0."""
    return np.trunc(pool2d(x, size))


def _floored(x, size):
    return np.floor(pool2d(x, size))


def _windows_one_apart(x, size):
    """Window (i, j) taken at x[i:i + size, j:j + size], not at (i * size, j * size)."""
    x = np.asarray(x)
    rows, cols = x.shape[0] // size, x.shape[1] // size
    return np.array([[x[i:i + size, j:j + size].max() for j in range(cols)]
                     for i in range(rows)])


def _reshaped_in_reading_order(x, size):
    """reshape(rows, cols, size, size) where (rows, size, cols, size) is meant."""
    x = np.asarray(x)
    rows, cols = x.shape[0] // size, x.shape[1] // size
    return x[:rows * size, :cols * size].reshape(rows, cols, size, size).max(axis=(2, 3))


def _rows_for_both_axes(x, size):
    x = np.asarray(x)
    n = x.shape[0] // size * size
    return pool2d(x[:n, :n], size)


_rng = np.random.default_rng(3)
_CASES = [
    (POOL_X.copy(), 2),
    (np.arange(36).reshape(6, 6), 3),
    (_rng.integers(-9, 0, size=(4, 4)), 2),        # all negative: a zero start would be wrong
    (_rng.integers(-5, 6, size=(4, 6)), 2),        # not square
    (_rng.integers(0, 10, size=(5, 5)), 2),        # 5 is not a multiple of 2: drop the last row
    (np.array([[0.5, -1.25, 2.75, 0.1, -0.4, -2.5],     # decimals: maxima 1.5, 3.2, -0.4,
               [1.5, 0.25, -0.75, 3.2, -1.6, -0.9],     # -0.6, 4.05, 0.6 (a whole-number
               [-2.2, -0.6, 4.05, 1.1, 0.3, 0.35],      # output cuts them; the negative ones
               [-1.4, -3.3, 0.95, -0.05, 0.6, -0.2]]), 2),  # tell cutting from flooring)
]

#: The wrong functions q7 recognises, each with its message (tests check they differ).
Q7_MISTAKES = [
    (_top_left, "it returns the top-left value of each window; keep the window's .max()."),
    (_top_left_valid, "it returns the top-left value of each window; keep the window's "
                      ".max()."),
    (_average_pool, "it averages each window; max pooling keeps the largest value."),
    (_max_from_zero, "its maxima are never below 0, so an all-negative window gives 0: if "
                     "it starts each maximum from 0 or clips negative values, take the "
                     "window's own maximum instead (window.max())."),
    (_keeps_partial_windows, "it keeps the partial windows at the bottom and right edge "
                             "(padding 'same'); 'valid' drops rows and columns that do not "
                             "fill a window: x.shape[0] // size rows."),
    (_stride_one, "it moves the window by 1 (overlapping windows); the stride is size."),
    (_rows_for_both_axes, "it uses the number of rows for the columns too; a 4x6 input "
                          "needs x.shape[1] // size columns."),
    (_one_window_short, "it stops one window early whenever a side n is a multiple of size "
                        "(every case but the 5x5 one): range(0, n - size, size) then never "
                        "reaches the last window, which starts at n - size. Use range(0, n - "
                        "size + 1, size), or loop over the x.shape[0] // size windows."),
    (_truncated, "its maxima lose their decimals on the case with decimals (the last one), cut "
                 "toward 0: an output array of whole numbers does that (np.zeros(..., "
                 "dtype=int)), and so does int(). Make the output float, np.zeros((rows, "
                 "cols)), and keep each maximum as it is."),
    (_floored, "its maxima are rounded down to whole numbers on the case with decimals (the "
               "last one), as np.floor or // does: keep each window's maximum as it is."),
    (_one_window_short_zeros, "its output's last row keeps its starting 0s when x's number "
                              "of rows n is a multiple of size, and its last column likewise "
                              "(every case but the 5x5 one): range(0, n - size, size) then "
                              "never reaches the last window, which starts at n - size. Use "
                              "range(0, n - size + 1, size)."),
    (_reshaped_in_reading_order, "it reshapes into (rows, cols, size, size): a reshape keeps "
                                 "the values in reading order, so each of its 'windows' is "
                                 "size * size values read along the rows, not a size x size "
                                 "square of x. Reshape into (rows, size, cols, size) and take "
                                 "the maximum over axes 1 and 3."),
    (_windows_one_apart, "its windows start at (i, j), one pixel apart, so they overlap and "
                         "never reach the bottom and right of x: window (i, j) starts at row "
                         "i * size and column j * size, x[i * size:(i + 1) * size, "
                         "j * size:(j + 1) * size]."),
]

#: Keras's, TensorFlow's and PyTorch's max pooling, by every name they go by. q7's function is
#: itself called max_pool: the framework counts that name only when it is not the learner's own
#: function (read after a dot, imported, or bound to someone else's function).
_Q7_FORBIDDEN = ["pool2d", "MaxPooling2D", "MaxPool2D", "max_pool2d", "pool", "max_pool"]

_q7_function = function(_CASES, reference=pool2d, mistakes=Q7_MISTAKES, forbidden=_Q7_FORBIDDEN)


def _check_max_pool(answer):
    """q7's checker: the framework's function check; a reshape that failed gets the crop it
    needs (the 5x5 case)."""
    message = _q7_function(answer)
    if message and "raised ValueError: cannot reshape array" in message:
        message += ("\nA reshape into size x size windows needs sides that are multiples of "
                    "size: crop first, x[:rows * size, :cols * size] ('valid' drops the "
                    "leftover rows and columns).")
    return message


q7 = Exercise(
    "Write max_pool(x, size): max pooling of a 2-D NumPy array x with a size x size window "
    "and stride size, padding 'valid' (leftover rows/columns are dropped). Return a 2-D array "
    "(a list of lists is accepted too). Write the loops (or a reshape) yourself, without "
    "pool2d or Keras.",
    checker=_check_max_pool,
    hint=["The output has x.shape[0] // size rows and x.shape[1] // size columns.",
          "Window (i, j) is x[i*size:(i+1)*size, j*size:(j+1)*size]; keep its .max().",
          "Start from the window's max, not from 0: values can be negative."],
    solution_answer=max_pool,
)


# --- q8: global average pooling as a function -------------------------------------------------

def global_average_pool(x):
    """One mean per channel of an (H, W, C) stack: (C,)."""
    return np.asarray(x).mean(axis=(0, 1))


def _mean_of_everything(x):
    return np.asarray(x).mean()


def _mean_over_channels(x):
    return np.asarray(x).mean(axis=-1)


def _mean_over_rows(x):
    return np.asarray(x).mean(axis=0)


def _sum_per_channel(x):
    return np.asarray(x).sum(axis=(0, 1))


def _divides_by_all_values(x):
    x = np.asarray(x)
    return x.sum(axis=(0, 1)) / x.size


def _max_per_channel(x):
    return np.asarray(x).max(axis=(0, 1))


def _square_divisor(x):
    x = np.asarray(x)
    return x.sum(axis=(0, 1)) / x.shape[0] ** 2


def _batch_axes(x):
    return np.asarray(x).mean(axis=(1, 2))


def _keeps_dims(x):
    return np.asarray(x).mean(axis=(0, 1), keepdims=True)


_rng = np.random.default_rng(8)
#: The stacks q8 runs, (H, W, C) each.
Q8_CASES = [
    (_rng.integers(0, 9, size=(4, 4, 3)).astype(float),),
    (_rng.normal(size=(2, 5, 4)).round(2),),                # not square
    (_rng.integers(-3, 4, size=(3, 3, 1)).astype(float),),  # one channel
    (_rng.normal(size=(6, 3, 2)).round(2),),                # taller than wide
]

#: The wrong functions q8 recognises, each with its message (tests check they differ).
Q8_MISTAKES = [
    (_mean_of_everything, "it averages everything into one number; global average pooling "
                          "keeps one mean per CHANNEL: average over height and width only, "
                          "axes 0 and 1."),
    (_mean_over_channels, "it averages over the channels (axis -1), one number per pixel; "
                          "average each channel over height and width instead: axes 0 and 1."),
    (_mean_over_rows, "it averages over the rows (axis 0) only; average over the columns too: "
                      "axis=(0, 1)."),
    (_sum_per_channel, "it sums each channel; the mean also divides by the H * W values."),
    (_divides_by_all_values, "it divides each channel's sum by H * W * C, every value of the "
                             "stack; a channel's mean divides by its own H * W values."),
    (_max_per_channel, "it keeps each channel's maximum: that is global MAX pooling "
                       "(GlobalMaxPooling2D). Global average pooling keeps the mean."),
    (_square_divisor, "it divides by H * H, as if the map were square; a map has H * W "
                      "values (the 2x5 and 6x3 cases are not square)."),
    (_keeps_dims, "it keeps the two averaged axes, (1, 1, C); return a vector of shape (C,), "
                  "as GlobalAveragePooling2D does by default."),
    (_batch_axes, "it averages axes 1 and 2: the height and width of a BATCH (B, H, W, C), as "
                  "in section 7's check, or of a channels-first stack (C, H, W), PyTorch's "
                  "layout. x here is one channels-last stack (H, W, C): average axes 0 and 1."),
]

_q8_function = function(Q8_CASES, reference=global_average_pool, mistakes=Q8_MISTAKES,
                        forbidden=["GlobalAveragePooling2D", "GlobalAvgPool2D",
                                   "AveragePooling2D", "AvgPool2D", "pool2d",
                                   "global_average_pooling2d", "average_pool", "avg_pool",
                                   "avg_pool2d", "adaptive_avg_pool2d"])

_ROUNDED_MEANS = ("your function rounds or cuts the means (to some decimal places or "
                  "significant figures, as round(), // or int() do): return them unrounded, as "
                  "NumPy's mean gives them. The check compares each mean to within 1e-6.")


def _is_rounding_of(value: float, exact: float) -> bool:
    """Whether ``value`` is ``exact`` rounded, cut or floored to some decimal places, or
    rounded to some significant figures.

    >>> _is_rounding_of(-1.0, -1.5), _is_rounding_of(-2.0, -1.5), _is_rounding_of(0.5, 1.5)
    (True, True, False)
    """
    scales = [10.0 ** d for d in range(9)]
    roundings = ([round(exact, d) for d in range(9)]
                 + [float(f"{exact:.{k}g}") for k in range(1, 10)]
                 + [math.trunc(exact * s) / s for s in scales]
                 + [math.floor(exact * s) / s for s in scales])
    return any(abs(value - r) < 1e-12 for r in roundings)


def _rounds_the_means(answer) -> bool:
    """Whether ``answer`` returns q8's means rounded, on every case (and right in shape)."""
    for (x,) in Q8_CASES:
        try:
            result = np.asarray(answer(x.copy()), dtype=float)
        except Exception:
            return False
        expected = global_average_pool(x)
        if result.shape != expected.shape or not all(
                _is_rounding_of(r, e) for r, e in zip(result, expected, strict=True)):
            return False
    return True


_FLOAT16_MEANS = ("your function returns its means as float16 (dtype float16), which keeps "
                  "about 3 significant digits, too few for the check, which compares each "
                  "mean to within 1e-6: compute and return them in float64, NumPy's default "
                  "(or float32).")
_FLOAT16_VALUES = ("every mean your function returns is a float16 number (about 3 significant "
                   "digits), close to the expected one but not within the check's 1e-6: it "
                   "converts to float16 somewhere (dtype float16 or np.half). Compute in "
                   "float64, NumPy's default, or float32.")


def _float16_means(answer) -> str | None:
    """The float16 message when ``answer`` is right on every stack but for float16's
    precision: its results have dtype float16, or every value is a float16 number while the
    expected means are not (so a conversion to float16 lost the digits).

    >>> half = lambda x: np.asarray(x, dtype=np.float16).mean(axis=(0, 1))  # noqa: E731
    >>> _float16_means(half) == _FLOAT16_MEANS
    True
    >>> _float16_means(lambda x: half(x).astype(float)) == _FLOAT16_VALUES
    True
    >>> _float16_means(lambda x: np.asarray(x).mean(axis=(0, 1)) + 0.01) is None
    True
    """
    typed, exact = False, True
    for (x,) in Q8_CASES:
        try:
            result = answer(x.copy())
            values = np.asarray(result, dtype=float)
        except Exception:
            return None
        expected = global_average_pool(x)
        if values.shape != expected.shape or not np.allclose(values, expected, rtol=1e-2,
                                                              atol=1e-2):
            return None
        typed = typed or getattr(result, "dtype", None) == np.float16
        exact = exact and bool(np.all(values.astype(np.float16).astype(float) == values))
    if typed:
        return _FLOAT16_MEANS
    if exact and not all(np.all(global_average_pool(x).astype(np.float16).astype(float)
                                == global_average_pool(x)) for (x,) in Q8_CASES):
        return _FLOAT16_VALUES
    return None


def _check_means(answer):
    """q8's checker: a function that rounds its means, on every stack, gets one message,
    whatever the rounding (the framework's would name the decimals of the first case only);
    one that loses digits to float16 is told so.

    >>> median = _check_means(lambda x: np.median(x, axis=(0, 1)))
    >>> "decimal" in median, "4.1875" in median
    (False, True)
    """
    message = _q8_function(answer)
    if message and callable(answer) and _rounds_the_means(answer):
        return _ROUNDED_MEANS
    if message and callable(answer) and (float16 := _float16_means(answer)):
        return float16
    # The framework's rounding note looks at the first failing stack only (a median of whole
    # numbers equals their floored mean there): a rounding not seen on every stack is not named.
    return re.sub(r" Every value is the expected one (rounded to|cut after) [^:]*: give at "
                  r"least \d+\.", "", message) if message else message


q8 = Exercise(
    "Write global_average_pool(x): x is one stack of feature maps (H, W, C), channels-last. "
    "Return a vector of shape (C,): the mean of each channel over its whole map, unrounded. "
    "Write it without GlobalAveragePooling2D or pool2d.",
    checker=_check_means,
    hint=["Channel c is x[:, :, c]; its mean is one number.",
          "NumPy's mean averages several axes at once when you give it a tuple, axis=(a, b): "
          "which two axes of (H, W, C) hold the height and the width?"],
    solution_answer=global_average_pool,
)

__all__ = ["POOL_X", "Q3_MISTAKE_SIZES", "Q4_MISTAKES", "Q6_CASES", "Q6_MISTAKES", "Q7_MISTAKES",
           "Q8_CASES", "Q8_MISTAKES", *bind_exercises(globals())]
