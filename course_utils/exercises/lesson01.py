"""Lesson 01 "Check yourself": one-channel convolution.

Seven exercises, in the order the notebook asks them. Each uses other numbers than the
lesson's worked examples, so the answer is computed, not copied. Here too every expected
answer and every known wrong answer is computed from the question's own numbers with the
course's helpers (conv_output_size, usage_counts, conv2d), never typed in:

* ``q1`` output size of a 5x5 kernel on a 32x32 image (no padding);
* ``q2`` the output-size formula with stride and padding (N = 12, F = 5, S = 2, P = 2);
* ``q3`` the output size Keras gives for ``padding="same"`` with stride 2 on an odd size;
* ``q4`` write the loop convolution (cross-correlation) WITH a stride, checked on test cases
  (the lesson writes it out for stride 1 only);
* ``q5`` design a vertical-stroke kernel, checked by where its strongest response lands on
  the digit "4";
* ``q6`` true (flipped) convolution of ``FLIP_DEMO_X`` with a 2x2 kernel; on that input
  flipping, transposing, turning and mirroring the kernel all give different answers, and
  each mistake has its own message;
* ``q7`` how many input pixels a stride larger than the kernel never uses.

Every mistake table is a list of (wrong answer, message) pairs, so that two mistakes giving
the same value cannot silently hide one of the messages (tests check that they all differ).

>>> q1.is_correct(q1.solution_answer), q1.is_correct(27)
(True, False)
"""

from __future__ import annotations

import re

import numpy as np

from ..arithmetic import conv_output_size, usage_counts
from ..data import (
    DIGIT_FOUR,
    FLIP_DEMO_X,
    HORIZONTAL_LINE_KERNEL,
    LESSON01_KERNEL,
    LESSON01_X,
)
from ..ops import conv2d
from . import (
    Exercise,
    UnreadableAnswer,
    array,
    bind_exercises,
    function,
    number,
    read_array,
    read_shape,
    typed_with_commas,
)

# ---------------------------------------------------------------------------------------------
# q1-q3: output sizes. Each expected answer and each known mistake is computed from the
# question's own numbers (conv_output_size is THE formula), never typed in.
# ---------------------------------------------------------------------------------------------

_Q1_N, _Q1_F = 32, 5
_Q1 = conv_output_size(_Q1_N, _Q1_F)

#: q1's known mistakes: (wrong size, message). N = 32, F = 5.
Q1_MISTAKES = [
    (_Q1_N - _Q1_F, f"That is N - F = {_Q1_N} - {_Q1_F}. The window fits N - F + 1 times: "
                    "count the first position too."),
    (_Q1_N, "Without padding the output shrinks: a 5x5 window cannot be centred on the two "
            "outermost rows and columns."),
    (_Q1_N - _Q1_F + 2, "That is N - F + 2; the window fits N - F + 1 times."),
    (_Q1_N - _Q1_F // 2, f"That trims F // 2 = {_Q1_F // 2} pixels on one side only; without "
                         f"padding the output loses F // 2 on EACH side, F - 1 = {_Q1_F - 1} "
                         "in all."),
    (conv_output_size(28, _Q1_F), "That is the lesson's MNIST case, 28 - 5 + 1; here the "
                                  "input is 32x32."),
]

q1 = Exercise(
    "A 32x32 image (the size of a CIFAR-10 photo) goes through a 5x5 kernel with stride 1 "
    "and no padding. What is the output size O (one number: the output is O x O)?",
    checker=number(_Q1, mistakes=Q1_MISTAKES),
    hint=["The window starts at column 0 and its last column must stay inside the image.",
          "O = (N - F) // S + 1 with N = 32, F = 5, S = 1."],
    solution=f"(32 - 5) // 1 + 1  # = {_Q1}",
    solution_answer=_Q1,
    explanation=f"A 5x5 kernel trims F - 1 = {_Q1_F - 1} pixels: {_Q1_N} -> {_Q1}.",
)

_Q2_N, _Q2_F, _Q2_S, _Q2_P = 12, 5, 2, 2
_Q2 = conv_output_size(_Q2_N, _Q2_F, _Q2_S, _Q2_P)
_Q2_SPAN = _Q2_N - _Q2_F + 2 * _Q2_P               # N - F + 2P = 11, before dividing by S
_MISPRINT = ("the misprint of the source post. The + 1 comes after the division: "
             "(N - F + 2P) // S + 1.")

#: q2's known mistakes. N = 12, F = 5, S = 2, P = 2.
Q2_MISTAKES = [
    (conv_output_size(_Q2_N, _Q2_F, _Q2_S),
     f"(12 - 5) // 2 + 1 = {conv_output_size(_Q2_N, _Q2_F, _Q2_S)} is the size WITHOUT "
     "padding: the formula adds 2P inside the bracket."),
    (conv_output_size(_Q2_N, _Q2_F, _Q2_S, (_Q2_P, 0)),
     f"{conv_output_size(_Q2_N, _Q2_F, _Q2_S, (_Q2_P, 0))} comes from counting the padding "
     "on one side only (+ P instead of + 2P), or from leaving out the final + 1. "
     "O = floor((N - F + 2P) / S) + 1."),
    (_Q2_SPAN / (_Q2_S + 1), "That is (N - F + 2P) / (S + 1), " + _MISPRINT),
    (_Q2_SPAN // (_Q2_S + 1), "That is (N - F + 2P) // (S + 1): the floor is right, but the "
                              "formula is still " + _MISPRINT),
    ((_Q2_N - _Q2_F) / (_Q2_S + 1), "That is the source post's misprint (N - F) / (S + 1), "
                                    "without the padding too; the formula is "
                                    "floor((N - F + 2P) / S) + 1."),
    ((_Q2_N - _Q2_F - 2 * _Q2_P) // _Q2_S + 1,
     "You subtracted the padding: N - F - 2P. Padding ADDS P zeros on each side, so the "
     "input grows to N + 2P: (N - F + 2P) // S + 1."),
    (_Q2_SPAN / _Q2_S + 1, f"(12 - 5 + 4) / 2 = {_Q2_SPAN / _Q2_S:g} is not whole: round it "
                           "DOWN (floor) before adding 1. The last window must fit inside the "
                           "padded input."),
    (_Q2_SPAN / _Q2_S, f"That is (N - F + 2P) / S without the floor and without the + 1: "
                       f"round {_Q2_SPAN / _Q2_S:g} down, then add 1 for the first position."),
    (-(-_Q2_SPAN // _Q2_S) + 1, f"You rounded (12 - 5 + 4) / 2 = {_Q2_SPAN / _Q2_S:g} up. "
                                "Round it down: a window that would stick out of the padded "
                                "input is never used."),
    (conv_output_size(_Q2_N, _Q2_F, 1, _Q2_P),
     f"{conv_output_size(_Q2_N, _Q2_F, 1, _Q2_P)} is the size with stride 1 (P = 2 keeps a "
     "5x5 kernel's output at N). With S = 2 the window moves two pixels at a time: divide "
     "by S."),
    (_Q2_SPAN, "That is N - F + 2P, the room the window has to move in. Divide it by the "
               "stride S = 2 (rounding down), then add 1 for the first position."),
    (conv_output_size(_Q2_N, _Q2_F), "That is N - F + 1, the size for stride 1 and no "
                                     "padding (or (N + 2P) / S, which leaves out F). Use all "
                                     "four numbers: floor((N - F + 2P) / S) + 1."),
]

q2 = Exercise(
    "Input size N = 12, kernel size F = 5, stride S = 2, padding P = 2. "
    "What is the output size O?",
    checker=number(_Q2, mistakes=Q2_MISTAKES),
    hint=["O = floor((N - F + 2P) / S) + 1: in Python, (N - F + 2 * P) // S + 1.",
          "(12 - 5 + 2 * 2) / 2 = 5.5; round down, then add 1."],
    solution=f"(12 - 5 + 2 * 2) // 2 + 1  # = 5 + 1 = {_Q2}",
    solution_answer=_Q2,
)

_Q3_N, _Q3_F, _Q3_S = 27, 5, 2
_Q3 = conv_output_size(_Q3_N, _Q3_F, _Q3_S, "same")
_SAME_RULE = 'with "same", O = ceil(N / S).'

#: q3's known mistakes. Conv2D(1, 5, strides=2, padding="same") on 27x27.
Q3_MISTAKES = [
    (conv_output_size(_Q3_N, _Q3_F, _Q3_S), 'That is padding="valid": (27 - 5) // 2 + 1. '
                                            'With "same" Keras pads so that O = ceil(N / S).'),
    (_Q3_N // _Q3_S, 'For "same", O = ceil(N / S): round 27 / 2 UP. The padding lets a last '
                     "window cover the last row, so no row is dropped."),
    (_Q3_N / _Q3_S, f"27 / 2 = {_Q3_N / _Q3_S:g}, but a size is whole: Keras rounds UP, "
                    "O = ceil(N / S)."),
    (conv_output_size(_Q3_N, _Q3_F, 1, "same"), '"same" keeps the size only when the stride '
                                                "is 1; here the window moves 2 pixels."),
    ((_Q3_N - _Q3_F) // _Q3_S, 'That is (27 - 5) // 2 without the + 1, and "valid"; '
                               + _SAME_RULE),
    (conv_output_size(_Q3_N, _Q3_F), 'That is "valid" with stride 1, 27 - 5 + 1: the layer '
                                     'has strides=2 and padding="same", and ' + _SAME_RULE),
    (-(-_Q3_N // _Q3_S) + 1, "ceil(N / S) is already the number of windows: "
                                       '"same" has no + 1 (that belongs to the other formula, '
                                       "floor((N - F + 2P) / S) + 1)."),
]

_q3_number = number(_Q3, mistakes=Q3_MISTAKES)


def _check_size(answer):
    """q3's checker: a whole Keras shape such as (None, O, O, 1) is told to take its height."""
    try:
        got = None if typed_with_commas(answer) else read_shape(answer)  # 1,000,000 is a number
    except (UnreadableAnswer, TypeError, ValueError):
        got = None
    if got is not None and len(got) in (3, 4):
        layout, height = (("(batch, height, width, channels)", 1) if len(got) == 4 else
                          ("(height, width, channels)", 0))
        return (f"that is a whole shape, {got}: {layout}, as compute_output_shape or a "
                "layer's output gives it. The question asks for O, one number: take the "
                f"height, shape[{height}].")
    return _q3_number(answer)


q3 = Exercise(
    'A Keras layer Conv2D(1, 5, strides=2, padding="same") gets a 27x27x1 input. '
    "What is the output size O?",
    checker=_check_size,
    hint=['With padding="same", TensorFlow pads just enough zeros that O = ceil(N / S).',
          "ceil(27 / 2): 27 / 2 = 13.5, rounded up. In Python: -(-27 // 2) or "
          "math.ceil(27 / 2)."],
    solution=f"-(-27 // 2)  # = ceil(27 / 2) = {_Q3}",
    solution_answer=_Q3,
)


# ---------------------------------------------------------------------------------------------
# q4: the loop convolution, with a stride
# ---------------------------------------------------------------------------------------------


def strided_corr2d(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h = (x.shape[0] - f_h) // stride + 1
    o_w = (x.shape[1] - f_w) // stride + 1
    feature_map = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            top, left = i * stride, j * stride        # where this window starts
            window = x[top:top + f_h, left:left + f_w]
            feature_map[i, j] = np.sum(window * kernel)
    return feature_map


def _reference(x, kernel, stride):
    """The course's conv2d (the tests prove it equal to tf.nn.conv2d)."""
    return conv2d(x, kernel, stride=stride)


def _ignores_stride(x, kernel, stride):
    return conv2d(x, kernel)


def _windows_not_strided(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride + 1, (x.shape[1] - f_w) // stride + 1
    return conv2d(x, kernel)[:o_h, :o_w]


def _no_plus_one(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h) // stride, (x.shape[1] - f_w) // stride
    return conv2d(x, kernel, stride=stride)[:o_h, :o_w]


def _flipped(x, kernel, stride):
    return conv2d(x, np.flip(kernel), stride=stride)


def _transposed_output(x, kernel, stride):
    return conv2d(x, kernel, stride=stride).T


def _integer_output(x, kernel, stride):
    """What an output array made with dtype=int keeps: each value cut to a whole number."""
    return conv2d(x, kernel, stride=stride).astype(int)


def _plus_one_inside(x, kernel, stride):
    f_h, f_w = kernel.shape
    o_h, o_w = (x.shape[0] - f_h + 1) // stride, (x.shape[1] - f_w + 1) // stride
    return conv2d(x, kernel, stride=stride)[:o_h, :o_w]


def _rounded_up(x, kernel, stride):
    """Sizes rounded up, the last window running past the edge (as if zeros were there)."""
    f_h, f_w = kernel.shape
    o_h = -(-(x.shape[0] - f_h) // stride) + 1
    o_w = -(-(x.shape[1] - f_w) // stride) + 1
    return conv2d(np.pad(x, ((0, f_h), (0, f_w))), kernel, stride=stride)[:o_h, :o_w]


def _transposed_kernel(x, kernel, stride):
    return conv2d(x, np.asarray(kernel).T, stride=stride)


_rng = np.random.default_rng(1)
_STRIDED_CASES = [
    (np.array(LESSON01_X), np.array(LESSON01_KERNEL), 1),                   # the 4x4 example
    (np.array(DIGIT_FOUR), np.array(HORIZONTAL_LINE_KERNEL), 2),
    (_rng.integers(-3, 4, size=(7, 9)), _rng.integers(-2, 3, size=(2, 3)), 2),  # not square
    (_rng.integers(0, 5, size=(8, 8)), _rng.integers(-2, 3, size=(3, 3)), 3),   # 5 / 3: floor
    (_rng.normal(size=(6, 5)).round(2), _rng.normal(size=(3, 1)).round(2), 1),  # floats
]

_TRANSPOSED_KERNEL = ("you multiply each window by the kernel transposed (kernel.T, or the "
                      "sizes f_h and f_w swapped): slide the kernel as it is, "
                      "x[top:top + f_h, left:left + f_w] * kernel.")

_check_cases = function(_STRIDED_CASES, reference=_reference, mistakes=[
    (_ignores_stride, "your function ignores the stride: it returns the stride-1 feature "
                      "map. With stride S the output has (H - F_h) // S + 1 rows."),
    (_windows_not_strided, "the output size is right, but the windows are not: the window "
                           "for output (i, j) starts at row i * S and column j * S, not at "
                           "(i, j)."),
    (_no_plus_one, "the output has one row and one column too few: O = (H - F_h) // S "
                   "+ 1, count the first position too."),
    (_plus_one_inside, "your output size is (H - F_h + 1) // S: the + 1 belongs AFTER the "
                       "division, O = (H - F_h) // S + 1 (the first window, then one more "
                       "every S pixels)."),
    (_rounded_up, "your output size rounds UP, so the last window runs past the edge of the "
                  "input: round down, O = (H - F_h) // S + 1, so that every window fits."),
    (_flipped, "you flipped the kernel: Conv2D slides it as it is (cross-correlation)."),
    (_transposed_output, "your output is transposed: you store the window at row i * S, "
                         "column j * S in out[j, i]. Output row i comes from the window that "
                         "starts at row i * S: out[i, j], and np.zeros((o_h, o_w))."),
    (_integer_output, "your output array holds whole numbers only, so the results of the "
                      "float case (the last one) were cut: make it with np.zeros((o_h, o_w)), "
                      "which is float, not with dtype=int or np.zeros_like(x) of an integer "
                      "input."),
    (_transposed_kernel, _TRANSPOSED_KERNEL),
])

#: The square-kernel cases only: a transposed kernel raises on the others (the window and
#: kernel.T have different shapes), so that mistake is recognised on these.
_transposed_on_square = function(
    [case for case in _STRIDED_CASES if case[1].shape[0] == case[1].shape[1]],
    reference=_transposed_kernel)

_SHAPES = re.compile(r"shapes \(([\d,]+)\) \(([\d,]+)\)")


def _broadcast_cause(answer) -> str:
    """Why a window and the kernel could not be multiplied: NumPy's two shapes, read against
    the kernel of the first test case on which the learner's function raised."""
    for x, kernel, stride in _STRIDED_CASES:
        try:
            answer(x.copy(), kernel.copy(), stride)
        except ValueError as error:
            found = _SHAPES.search(str(error))
            if found is None:
                return ""
            shapes = [tuple(int(v) for v in group.split(",") if v) for group in found.groups()]
            break
        except Exception:
            return ""
    else:
        return ""
    k = kernel.shape
    swapped = (" The window and the kernel have their sizes swapped: the window is "
               "x[top:top + f_h, left:left + f_w] (f_h rows, f_w columns), multiplied by the "
               "kernel as it is, not kernel.T.")
    if k not in shapes:
        return swapped if k[::-1] in shapes else ""
    window = shapes[1] if shapes[0] == k else shapes[0]
    if len(window) != 2:
        return ""
    if window == k[::-1]:
        return swapped
    if window[0] == window[1] and k[0] != k[1] and window[0] in k:
        return (" That case's kernel is not square: take both sizes from the kernel, "
                "f_h, f_w = kernel.shape.")
    if all(w <= f for w, f in zip(window, k, strict=True)):
        return (" A window came out smaller than the kernel because it runs past the edge "
                "of the input: are your sizes rounded up? O = (H - F_h) // S + 1 rounds "
                "down, so that the last window fits.")
    return ""


def _check_strided(answer):
    message = _check_cases(answer)
    if not message or not message.startswith("on "):   # right, or a known mistake's message
        return message
    if _transposed_on_square(answer) is None:
        return _TRANSPOSED_KERNEL
    if "could not be broadcast" in message:
        return message.rstrip(" .") + "." + _broadcast_cause(answer)
    if "'float' object cannot be interpreted as an integer" in message:
        return message.rstrip(" .") + (". A size computed with / is a float (such as 2.0), "
                                      "and np.zeros and range need whole numbers: divide "
                                      "with //, (H - F_h) // S + 1.")
    if "IndexError" in message and "out of bounds" in message:
        return message.rstrip(" .") + (". Do your loops run over where the windows START "
                                      "(0, S, 2S, ...) while you store at out[i, j]? Loop over "
                                      "the output positions i, j and start each window at "
                                      "i * S, j * S (or: are the output's rows and columns "
                                      "swapped in np.zeros?).")
    return message


q4 = Exercise(
    "Write strided_corr2d(x, kernel, stride): the no-padding convolution (cross-correlation, "
    "no flipping) of a 2-D array x with a 2-D kernel, the window moving `stride` pixels at a "
    "time, using two loops. It must work for kernels that are not square and return an array "
    "of shape ((H - F_h) // S + 1, (W - F_w) // S + 1).",
    checker=_check_strided,
    hint=["Output size per axis: (H - F_h) // S + 1 rows and (W - F_w) // S + 1 columns.",
          "For output position (i, j) the window is x[i * S:i * S + F_h, j * S:j * S + F_w]; "
          "multiply it element-wise by the kernel and sum.",
          "Start from corr2d of section 2: only the output size and where each window starts "
          "change."],
    solution_answer=strided_corr2d,
)


# ---------------------------------------------------------------------------------------------
# q5: design a vertical-stroke kernel
# ---------------------------------------------------------------------------------------------


def vertical_stroke_zone() -> np.ndarray:
    """Which positions of the 6x6 feature map of DIGIT_FOUR sit on or beside a vertical stroke.

    A 3x3 window at output (i, j) is centred on input pixel (i + 1, j + 1). The zone holds
    the windows whose centre is on one of the digit's two vertical strokes (column 1, rows
    1-4; column 5, rows 1-6) or one column left or right of it: a line detector peaks on
    the stroke, an edge detector next to it. Boolean array of shape (6, 6).

    >>> vertical_stroke_zone().astype(int)
    array([[1, 1, 0, 1, 1, 1],
           [1, 1, 0, 1, 1, 1],
           [1, 1, 0, 1, 1, 1],
           [1, 1, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1]])
    """
    zone = np.zeros((8, 8), dtype=bool)
    zone[1:5, 0:3] = True   # around the left stroke (column 1, rows 1-4)
    zone[1:7, 4:7] = True   # around the right stroke (column 5, rows 1-6)
    return zone[1:7, 1:7]


#: A 5x5 probe image with a vertical line down the middle (its transpose is horizontal).
_VERTICAL_LINE = np.zeros((5, 5))
_VERTICAL_LINE[:, 2] = 1


def _check_vertical_kernel(answer):
    kernel = read_array(answer).astype(float)  # unreadable answers become feedback
    if kernel.shape != (3, 3):
        return f"the kernel should be a 3x3 array; yours has shape {kernel.shape}."
    if not np.all(np.isfinite(kernel)):
        return "the kernel contains NaN or infinite values."
    if not np.isclose(kernel.sum(), 0, atol=1e-6):
        return (f"its weights sum to {kernel.sum():g}, so it also lights up on any flat "
                "bright area. Make them sum to 0, as the horizontal-line kernel's do.")
    on_the_line = conv2d(_VERTICAL_LINE, kernel)[1, 1]  # the window centred on the line
    if on_the_line < -1e-9:
        return (f"centred on a vertical line its response is {on_the_line:g}, below zero: it "
                "answers a dark line between bright ones (are the signs swapped?). Put the "
                "positive weights where the stroke is.")
    feature_map = conv2d(DIGIT_FOUR, kernel)
    strongest = feature_map.max()
    if strongest <= 1e-9:
        return ("on the digit 4 it never gives a positive response; positive weights should "
                "sit where a vertical line is expected.")
    rows, cols = np.nonzero(np.isclose(feature_map, strongest))
    zone = vertical_stroke_zone()
    outside = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if not zone[r, c]]
    if outside:
        r, c = outside[0]
        return (f"its strongest response ({strongest:g}) lands at output ({r}, {c}), centred "
                f"on input pixel ({r + 1}, {c + 1}), which is not on a vertical stroke of the "
                "4 (the horizontal bar, or empty space). Look at how the horizontal-line "
                "kernel is built, and turn it by 90 degrees.")
    on_vertical = conv2d(_VERTICAL_LINE, kernel).max()
    on_horizontal = conv2d(_VERTICAL_LINE.T, kernel).max()
    if on_vertical <= on_horizontal + 1e-9:
        same = (" (a diagonal kernel answers both alike)"
                if np.isclose(on_vertical, on_horizontal) else "")
        return (f"on a plain vertical line its strongest response is {on_vertical:g}, on a "
                f"plain horizontal line {on_horizontal:g}{same}: a vertical-stroke kernel "
                "must answer more strongly to the vertical one.")
    return None


_VERTICAL_SOLUTION = np.array([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]])

q5 = Exercise(
    "Design a 3x3 kernel that finds vertical strokes: its weights sum to 0, its strongest "
    "response on DIGIT_FOUR lands on (or right beside) one of the two vertical strokes, "
    "not on the horizontal bar, and it answers a vertical line more strongly than a "
    "horizontal one.",
    checker=_check_vertical_kernel,
    answer_name="vertical_kernel",  # the exercise cell is `vertical_kernel = ____`
    hint=["HORIZONTAL_LINE_KERNEL has a row of 2s between two rows of -1s.",
          "Put the 2s in a column instead: the transpose of HORIZONTAL_LINE_KERNEL."],
    solution="np.array([[-1, 2, -1],\n"
             "          [-1, 2, -1],\n"
             "          [-1, 2, -1]])  # = HORIZONTAL_LINE_KERNEL.T\n"
             "# A vertical-edge (Sobel) kernel such as [[1, 0, -1], [2, 0, -2], [1, 0, -1]]\n"
             "# passes too: it peaks just beside the stroke.",
    solution_answer=_VERTICAL_SOLUTION,
)


# ---------------------------------------------------------------------------------------------
# q6: true convolution flips the kernel
# ---------------------------------------------------------------------------------------------

#: The 2x2 kernel of q6 (the lesson flips LESSON01_KERNEL; the exercise flips this one). Its
#: four weights differ, so every way of turning or mirroring it gives another kernel.
Q6_KERNEL = np.array([[1, 2], [0, -1]])
Q6_KERNEL.setflags(write=False)

_TRUE_CONVOLUTION = conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL))

#: What q6's predictable mistakes compute: (name, the wrong answer, message). On FLIP_DEMO_X
#: all of them, and the right answer, differ pairwise (tests/test_exercises_lesson01.py).
Q6_MISTAKES = [
    ("not flipped", conv2d(FLIP_DEMO_X, Q6_KERNEL),
     "That is the cross-correlation Conv2D computes: the kernel was not flipped."),
    ("transposed", conv2d(FLIP_DEMO_X, Q6_KERNEL.T),
     "You transposed the kernel (mirrored it across its main diagonal). True convolution "
     "turns it by 180 degrees: np.flip(kernel) reverses BOTH axes."),
    ("turned 90 degrees left", conv2d(FLIP_DEMO_X, np.rot90(Q6_KERNEL)),
     "You turned the kernel a quarter turn (np.rot90 turns 90 degrees). True convolution "
     "turns it a half turn: np.flip(kernel), the same as np.rot90(kernel, 2)."),
    ("turned 90 degrees right", conv2d(FLIP_DEMO_X, np.rot90(Q6_KERNEL, -1)),
     "You turned the kernel a quarter turn clockwise. True convolution turns it a half "
     "turn: np.flip(kernel), the same as np.rot90(kernel, 2)."),
    ("upside down only", conv2d(FLIP_DEMO_X, Q6_KERNEL[::-1]),
     "You flipped the kernel upside down only; flip it left to right as well."),
    ("left to right only", conv2d(FLIP_DEMO_X, Q6_KERNEL[:, ::-1]),
     "You flipped the kernel left to right only; flip it upside down as well."),
    ("mirrored across the other diagonal", conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL).T),
     "You flipped AND transposed the kernel, which mirrors it across its other diagonal. "
     "Flipping alone is the 180-degree turn: np.flip(kernel)."),
    ("result flipped", np.flip(conv2d(FLIP_DEMO_X, Q6_KERNEL)),
     "You flipped the result of the cross-correlation; flip the kernel BEFORE sliding it."),
    ("input flipped", conv2d(np.flip(FLIP_DEMO_X), Q6_KERNEL),
     "You flipped the input instead of the kernel; that gives the true convolution turned "
     "by 180 degrees. Flip the kernel, keep the input as it is."),
    ("LESSON01_X", conv2d(LESSON01_X, np.flip(Q6_KERNEL)),
     "That is the true convolution of LESSON01_X; this question uses FLIP_DEMO_X."),
    ("negated", conv2d(FLIP_DEMO_X, -Q6_KERNEL),
     "You changed the kernel's signs (-Q6_KERNEL). Flipping reverses the ORDER of the "
     "weights, not their signs: np.flip(kernel), as in section 3 (not the same as -weights)."),
    ("flipped and negated", -_TRUE_CONVOLUTION,
     "You flipped the kernel, and changed its signs too: flip only, np.flip(kernel)."),
    ("full", conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL), padding=Q6_KERNEL.shape[0] - 1),
     "That is the 'full' convolution: every position where the kernel overlaps the input "
     "at all (scipy.signal.convolve2d's default mode). Conv2D keeps only the positions where "
     "the kernel fits inside ('valid'): use mode='valid', or no padding."),
    ("scipy same", conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL), padding=((1, 0), (1, 0))),
     "That is scipy.signal.convolve2d with mode='same' (as big as the input). Conv2D's "
     "default is 'valid', the kernel only where it fits inside: use mode='valid'."),
]

q6 = Exercise(
    "Compute the TRUE (mathematical) convolution of FLIP_DEMO_X with the 2x2 kernel Q6_KERNEL "
    "= [[1, 2], [0, -1]]: flip the kernel upside down and left to right, then slide it as "
    "Conv2D does. Give the 3x3 result.",
    checker=array(_TRUE_CONVOLUTION,
                  mistakes=[(wrong, message) for _, wrong, message in Q6_MISTAKES]),
    hint=["np.flip(kernel) reverses both axes (a 180-degree turn): [[-1, 0], [2, 1]]. It is "
          "not the transpose Q6_KERNEL.T = [[1, 0], [2, -1]].",
          "Then slide the flipped kernel exactly as before: conv2d(FLIP_DEMO_X, "
          "np.flip(Q6_KERNEL))."],
    solution="conv2d(FLIP_DEMO_X, np.flip(Q6_KERNEL))  # np.flip(Q6_KERNEL) = [[-1, 0], [2, 1]]",
    solution_answer=_TRUE_CONVOLUTION.astype(int),
)


# ---------------------------------------------------------------------------------------------
# q7: a stride larger than the kernel skips pixels
# ---------------------------------------------------------------------------------------------

_Q7_N, _Q7_F, _Q7_S = 9, 3, 4
_Q7_COUNTS = usage_counts((_Q7_N, _Q7_N), _Q7_F, stride=_Q7_S)
_Q7 = int((_Q7_COUNTS == 0).sum())
_Q7_USED = int((_Q7_COUNTS > 0).sum())                          # 6 x 6 pixels
_Q7_USED_ROWS = int((_Q7_COUNTS.sum(axis=1) > 0).sum())         # rows 0-2 and 4-6
_Q7_UNUSED_ROWS = _Q7_N - _Q7_USED_ROWS                         # row 3, rows 7-8
_Q7_WINDOWS = conv_output_size(_Q7_N, _Q7_F, _Q7_S)
_Q7_LAST_ROW = (_Q7_WINDOWS - 1) * _Q7_S + _Q7_F - 1            # where the last window ends
_FIGURE_N = 7                                                   # section 6's figure: 7x7

#: q7's known mistakes. 9x9 input, F = 3, S = 4: windows start at 0 and 4 on each axis, so
#: rows and columns 0-2 and 4-6 are used, and the rest are not.
Q7_MISTAKES = [
    (_Q7_USED, f"{_Q7_USED} pixels ARE used ({_Q7_USED_ROWS} rows x {_Q7_USED_ROWS} columns); "
               "the question asks for the unused ones."),
    (0, "With S = 4 > F = 3 the window jumps over a row and a column each time."),
    (_Q7_UNUSED_ROWS * _Q7_N, f"{_Q7_UNUSED_ROWS * _Q7_N} = {_Q7_UNUSED_ROWS} unused rows x "
                              f"{_Q7_N}: the unused COLUMNS of the used rows are never read "
                              "either."),
    (2 * _Q7_UNUSED_ROWS * _Q7_N, "Rows and columns counted separately count the pixels "
                                  "where an unused row crosses an unused column twice. Count "
                                  "the used pixels (a square) and subtract from 81."),
    (_Q7_UNUSED_ROWS ** 2, f"{_Q7_UNUSED_ROWS ** 2} pixels sit where an unused row crosses an "
                           "unused column; every other pixel of an unused row or column is "
                           "unused too."),
    (_Q7_WINDOWS, f"{_Q7_WINDOWS} is the number of windows per axis, (9 - 3) // 4 + 1; the "
                  "question asks for pixels."),
    (_Q7_WINDOWS ** 2, f"{_Q7_WINDOWS ** 2} is the number of windows ({_Q7_WINDOWS} x "
                       f"{_Q7_WINDOWS}); the question asks for the pixels none of them "
                       "covers."),
    (2 * _Q7_N - 1, f"That counts only the gap between the windows (row 3 and column 3). Rows "
                    f"and columns {_Q7_LAST_ROW + 1}-{_Q7_N - 1} are unused too: the last "
                    f"window ends at {_Q7_LAST_ROW} (section 6: when N - F is not a multiple "
                    "of S, the edge is dropped)."),
    (_Q7_N ** 2 - (_Q7_LAST_ROW + 1) ** 2,
     f"81 - {_Q7_LAST_ROW + 1} x {_Q7_LAST_ROW + 1} counts rows 0-{_Q7_LAST_ROW} as used, but "
     "row 3 (and column 3) lies between the windows 0-2 and 4-6 and is never read: "
     f"{_Q7_USED_ROWS} rows are used, not {_Q7_LAST_ROW + 1}."),
    (int((usage_counts((_FIGURE_N, _FIGURE_N), _Q7_F, stride=_Q7_S) == 0).sum()),
     "That is the count of section 6's figure, a 7x7 input; this input is 9x9, so rows and "
     "columns 7-8 are dropped as well."),
]

q7 = Exercise(
    "A 3x3 kernel slides over a 9x9 input with stride S = 4 and no padding. How many of the "
    "81 input pixels are never inside any window?",
    checker=number(_Q7, mistakes=Q7_MISTAKES),
    hint=["O = (9 - 3) // 4 + 1 = 2 windows per axis, starting at rows 0 and 4.",
          "Used rows: 0-2 and 4-6, six in all; the same for columns. "
          "usage_counts((9, 9), 3, stride=4) shows it."],
    solution=f"(usage_counts((9, 9), 3, stride=4) == 0).sum()  # = 81 - 6 * 6 = {_Q7}",
    solution_answer=_Q7,
)

__all__ = ["Q6_KERNEL", "vertical_stroke_zone", *bind_exercises(globals())]
