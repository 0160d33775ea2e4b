"""Lesson 01 "Check yourself": one-channel convolution.

Eight exercises, in the order the notebook asks them. Each uses other numbers than the
lesson's worked examples, so the answer is computed, not copied. Here too every expected
answer and every known wrong answer is computed from the question's own numbers with the
course's helpers (conv_output_size, usage_counts, conv2d), never typed in:

* ``q1`` true (flipped) convolution of ``FLIP_DEMO_X`` with a 2x2 kernel; on that input
  flipping, transposing, turning and mirroring the kernel all give different answers, and
  each mistake has its own message;
* ``q2`` design a left-edge kernel, checked by the three criteria its prompt states (weights
  summing to 0, a left edge answered more strongly than a right, a top or a bottom one, its
  strongest response on the digit "4" on or just left of a vertical stroke);
* ``q3`` the parameters of Conv2D(1, 5) on a 32x32 image against a Dense layer to a map of the
  same size (the why of section 1, the output size, and what counts as a parameter);
* ``q4`` write the loop convolution (cross-correlation) WITH a stride, checked on test cases
  (the lesson writes it out for stride 1 only), one of them an integer image with a kernel of
  halves, which an integer output array would cut;
* ``q5`` how many input pixels a stride larger than the kernel never uses;
* ``q6`` the output-size formula with stride and padding (N = 20, F = 9, S = 2, P = 2:
  (N - F + 2P) / S = 7.5, which Python's round takes to 8 where the floor gives 7);
* ``q7`` the output size Keras gives for ``padding="same"`` with stride 2 on an odd size;
* ``q8`` write the whole one-filter layer, padding, stride and bias, checked on test cases.

Every mistake table is a list of (wrong answer, message) pairs, so that two mistakes giving
the same value cannot silently hide one of the messages (tests check that they all differ).

>>> q3.is_correct(q3.solution_answer), q3.is_correct((25, 802_816))
(True, False)
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import numpy as np

from ..arithmetic import conv_output_size, conv_params, usage_counts
from ..data import (
    CONV_EXAMPLE_X,
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
    comma_readings,
    function,
    number,
    read_array,
    read_shape,
    typed_with_commas,
)

# ---------------------------------------------------------------------------------------------
# q1: true convolution flips the kernel
# ---------------------------------------------------------------------------------------------

#: The 2x2 kernel of q1 (the lesson flips LESSON01_KERNEL; the exercise flips this one). Its
#: four weights differ, so every way of turning or mirroring it gives another kernel.
Q1_KERNEL = np.array([[1, 2], [0, -1]])
Q1_KERNEL.setflags(write=False)

_TRUE_CONVOLUTION = conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL))
#: The first window's products written out, for q1's second hint: "2 x (-1) + 0 x 0 + ...".
_Q1_FIRST_WINDOW = " + ".join(
    f"{value} x {weight if weight >= 0 else f'({weight})'}"
    for value, weight in zip(FLIP_DEMO_X[:2, :2].ravel().tolist(),
                             np.flip(Q1_KERNEL).ravel().tolist(), strict=True))

#: What q1's predictable mistakes compute: (name, the wrong answer, message). On FLIP_DEMO_X
#: all of them, and the right answer, differ pairwise (tests/test_exercises_lesson01.py).
Q1_MISTAKES = [
    ("not flipped", conv2d(FLIP_DEMO_X, Q1_KERNEL),
     "that is the cross-correlation Conv2D computes: the kernel was not flipped."),
    ("transposed", conv2d(FLIP_DEMO_X, Q1_KERNEL.T),
     "you transposed the kernel (mirrored it across its main diagonal). True convolution "
     "turns it by 180 degrees: np.flip(Q1_KERNEL) reverses BOTH axes."),
    ("turned 90 degrees left", conv2d(FLIP_DEMO_X, np.rot90(Q1_KERNEL)),
     "you turned the kernel a quarter turn (np.rot90 turns 90 degrees). True convolution "
     "turns it a half turn: np.flip(Q1_KERNEL), the same as np.rot90(Q1_KERNEL, 2)."),
    ("turned 90 degrees right", conv2d(FLIP_DEMO_X, np.rot90(Q1_KERNEL, -1)),
     "you turned the kernel a quarter turn clockwise. True convolution turns it a half "
     "turn: np.flip(Q1_KERNEL), the same as np.rot90(Q1_KERNEL, 2)."),
    ("upside down only", conv2d(FLIP_DEMO_X, Q1_KERNEL[::-1]),
     "you flipped the kernel upside down only; flip it left to right as well."),
    ("left to right only", conv2d(FLIP_DEMO_X, Q1_KERNEL[:, ::-1]),
     "you flipped the kernel left to right only; flip it upside down as well."),
    ("mirrored across the other diagonal", conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL).T),
     "you flipped AND transposed the kernel, which mirrors it across its other diagonal. "
     "Flipping alone is the 180-degree turn: np.flip(Q1_KERNEL)."),
    ("result flipped", np.flip(conv2d(FLIP_DEMO_X, Q1_KERNEL)),
     "you flipped the result of the cross-correlation; flip the kernel BEFORE sliding it."),
    ("input flipped", conv2d(np.flip(FLIP_DEMO_X), Q1_KERNEL),
     "this is the true convolution turned by 180 degrees, what flipping the input (instead "
     "of the kernel) gives. Flip the kernel, keep the input as it is."),
    ("LESSON01_X", conv2d(LESSON01_X, np.flip(Q1_KERNEL)),
     "that is the true convolution of LESSON01_X; this question uses FLIP_DEMO_X."),
    ("negated", conv2d(FLIP_DEMO_X, -Q1_KERNEL),
     "you changed the kernel's signs (-Q1_KERNEL). Flipping reverses the ORDER of the "
     "weights, not their signs: np.flip(Q1_KERNEL), as in section 3."),
    ("flipped and negated", -_TRUE_CONVOLUTION,
     "you flipped the kernel, and changed its signs too: flip only, np.flip(Q1_KERNEL)."),
    ("full", conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL), padding=Q1_KERNEL.shape[0] - 1),
     "that is the 'full' convolution: every position where the kernel overlaps the input, "
     "partial overlaps too. The question wants only the positions where the kernel fits "
     "(3x3): slide np.flip(Q1_KERNEL) with no padding."),
    ("lesson kernel flipped", conv2d(FLIP_DEMO_X, np.flip(LESSON01_KERNEL)),
     "you flipped the lesson's 3x3 kernel; q1 uses Q1_KERNEL: np.flip(Q1_KERNEL)."),
    ("demo kernel flipped", conv2d(FLIP_DEMO_X, np.flip(np.arange(1, 10).reshape(3, 3))),
     "you flipped section 3's 3x3 demo_kernel; q1 uses Q1_KERNEL: np.flip(Q1_KERNEL)."),
    ("lesson kernel", conv2d(FLIP_DEMO_X, LESSON01_KERNEL),
     "that is FLIP_DEMO_X with the lesson's 3x3 kernel, not flipped; q1 uses Q1_KERNEL: "
     "np.flip(Q1_KERNEL)."),
    ("scipy same", conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL), padding=((1, 0), (1, 0))),
     "that is a padded convolution, as big as the input (4x4). The question wants only the "
     "positions where the kernel fits (3x3): slide np.flip(Q1_KERNEL) with no padding."),
]

q1 = Exercise(
    "Compute the TRUE (mathematical) convolution of FLIP_DEMO_X with the 2x2 kernel Q1_KERNEL "
    "= [[1, 2], [0, -1]]: flip the kernel upside down and left to right, then slide it as "
    "Conv2D does. Give the 3x3 result.",
    checker=array(_TRUE_CONVOLUTION,
                  mistakes=[(wrong, message) for _, wrong, message in Q1_MISTAKES]),
    hint=["Section 3: true convolution is cross-correlation with the kernel turned half "
          "round first; a half turn is not the transpose.",
          "np.flip(Q1_KERNEL) reverses both axes (a 180-degree turn): [[-1, 0], [2, 1]]. It is "
          "not the transpose Q1_KERNEL.T = [[1, 0], [2, -1]].",
          "Then slide the flipped kernel as section 2 does, with no flipping left to do. Its "
          f"first window, FLIP_DEMO_X[0:2, 0:2] = {FLIP_DEMO_X[:2, :2].tolist()}, gives "
          f"{_Q1_FIRST_WINDOW} = {int(_TRUE_CONVOLUTION[0, 0])}, the top-left value."],
    solution="conv2d(FLIP_DEMO_X, np.flip(Q1_KERNEL))  # np.flip(Q1_KERNEL) = [[-1, 0], [2, 1]]",
    solution_answer=_TRUE_CONVOLUTION.astype(int),
)


# ---------------------------------------------------------------------------------------------
# q2: design a left-edge kernel
# ---------------------------------------------------------------------------------------------

#: q2's probe: background (0) on the left, ink (1) on the right: one left edge, top to bottom.
#: ``np.fliplr(Q2_STEP)`` is its mirror image, a right edge.
Q2_STEP = np.zeros((5, 6), dtype=np.int64)
Q2_STEP[:, 3:] = 1
Q2_STEP.setflags(write=False)


#: The same step turned into a bottom edge: ink above, background below. A kernel that answers
#: it as strongly as Q2_STEP responds to two directions (a diagonal edge kernel does).
_BOTTOM_STEP = np.flipud(Q2_STEP.T)
_BOTTOM_STEP.setflags(write=False)

#: Two diagonal steps, for naming a kernel that answers Q2_STEP and a top (bottom) edge alike:
#: (the image, how the feedback describes it). Ink below a "/" line (down and right), and ink
#: above a "\" line (up and right).
_DIAGONAL_STEPS = {
    "top": (np.flipud(np.triu(np.ones((6, 6), dtype=np.int64))),
            'ink below and right of a "/" line, np.flipud(np.triu(np.ones((6, 6))))'),
    "bottom": (np.triu(np.ones((6, 6), dtype=np.int64)),
               'ink above and right of a "\\" line, np.triu(np.ones((6, 6)))'),
}


def _diagonal_clause(kernel: np.ndarray, side: str, on_left: float, scale: float) -> str:
    """" it finds DIAGONAL edges", when the kernel answers the diagonal step between a left
    edge and a ``side`` ("top" or "bottom") edge more strongly than Q2_STEP; else nothing."""
    step, described = _DIAGONAL_STEPS[side]
    on_diagonal = conv2d(step, kernel).max()
    if on_diagonal <= on_left + 1e-9 * scale:
        return ""
    return (f" On a diagonal step, {described}, it gives {on_diagonal:g}, more than on Q2_STEP: "
            "it finds DIAGONAL edges.")


def left_edge_zone() -> np.ndarray:
    """Which positions of the 6x6 feature map of DIGIT_FOUR hold the left edge of a vertical
    stroke: the window centred on a stroke pixel, on the pixel just left of one, or one row
    beyond either (the window still holds the stroke's end), so that a kernel whose edge
    sits in its top row is judged as one whose edge sits in its bottom row.

    A 3x3 window at output (i, j) is centred on input pixel (i + 1, j + 1). The digit's two
    vertical strokes are column 1, rows 1-4, and column 5, rows 1-6; a kernel that finds
    where the ink begins peaks on the stroke's first column or just before it, depending on
    where its positive weights sit. (No window is centred on column 0.) Boolean, (6, 6).

    >>> left_edge_zone().astype(int)
    array([[1, 0, 0, 1, 1, 0],
           [1, 0, 0, 1, 1, 0],
           [1, 0, 0, 1, 1, 0],
           [1, 0, 0, 1, 1, 0],
           [1, 0, 0, 1, 1, 0],
           [0, 0, 0, 1, 1, 0]])
    """
    zone = np.zeros((8, 8), dtype=bool)
    zone[0:6, 0:2] = True   # the left stroke (column 1, rows 1-4), the column left of it, +-1 row
    zone[0:8, 4:6] = True   # the right stroke (column 5, rows 1-6), the column left of it, +-1
    return zone[1:7, 1:7]


def _place(r: int, c: int) -> str:
    return f"output ({r}, {c}), centred on input pixel ({r + 1}, {c + 1})"


#: q2's criterion c, in the same words in the prompt and in the feedback.
_CRITERION_C = ("it should peak on a vertical stroke or on the pixel just left of one (a row "
                "past a stroke's end counts too)")


def _edge_problem(kernel: np.ndarray, name_causes: bool = True) -> str | None:
    """Which of q2's three stated criteria the 3x3 kernel misses first (None: it meets all).

    Every comparison is relative to the kernel's largest weight, so the answer does not
    depend on the kernel's scale (a kernel times 1e-9 is judged as the kernel itself). A
    cause (right, top or bottom edges) is named only when the kernel's mirror image, transpose
    or quarter turn meets all three criteria (``name_causes=False`` for that test, so it does
    not recurse); diagonal edges only when a diagonal step gets more than Q2_STEP."""
    if not np.any(kernel):
        return "your kernel is all zeros: it gives 0 everywhere, edge or not."
    scale = float(np.abs(kernel).max())
    if not np.isclose(kernel.sum(), 0, atol=1e-6 * scale):
        return (f"its weights sum to {kernel.sum():g}, so an area of plain ink gives "
                f"{kernel.sum():g} instead of 0 (criterion a): an edge kernel answers a "
                "change of value, not a level. Make the weights sum to 0.")
    on_left = conv2d(Q2_STEP, kernel).max()
    on_right = conv2d(np.fliplr(Q2_STEP), kernel).max()
    on_top = conv2d(Q2_STEP.T, kernel).max()
    on_bottom = conv2d(_BOTTOM_STEP, kernel).max()
    if name_causes and on_left <= max(on_right, on_top, on_bottom) + 1e-9 * scale:
        if _edge_problem(kernel.T, name_causes=False) is None:
            return (f"on the top edge Q2_STEP.T its strongest response is {on_top:g}, on "
                    f"Q2_STEP only {on_left:g} (criterion b): it finds TOP edges, of "
                    "horizontal strokes. Its transpose, kernel.T, finds left edges.")
        if _edge_problem(np.rot90(kernel, -1), name_causes=False) is None:
            return (f"on the bottom edge np.flipud(Q2_STEP.T) (ink above, background below) "
                    f"its strongest response is {on_bottom:g}, on Q2_STEP only {on_left:g} "
                    "(criterion b): it finds BOTTOM edges, of horizontal strokes. Turned a "
                    "quarter turn clockwise, np.rot90(kernel, -1), it finds left edges.")
        if np.allclose(kernel.sum(axis=0), 0, atol=1e-6 * scale):
            return (f"each column of your kernel sums to 0, so it gives 0 on any vertical "
                    f"edge: {on_left:g} on Q2_STEP and {on_right:g} on its mirror image "
                    "(criterion b). A left-edge kernel needs a left column and a right column "
                    "with different sums.")
    if on_left <= on_right + 1e-9 * scale:
        if np.allclose(kernel, kernel[:, ::-1]):
            return (f"your kernel is the same mirrored left to right, so it answers Q2_STEP and "
                    f"its mirror image alike ({on_left:g} and {on_right:g}; criterion b). An "
                    "edge kernel that tells left from right needs different weights in its "
                    "left and right columns.")
        if name_causes and on_right > on_left + 1e-9 * scale \
                and _edge_problem(kernel[:, ::-1], name_causes=False) is None:
            return (f"on the mirrored step (ink on the left) its strongest response is "
                    f"{on_right:g}, on Q2_STEP only {on_left:g} (criterion b): it finds RIGHT "
                    "edges. Its mirror image, np.fliplr(kernel), finds left ones.")
        return (f"on Q2_STEP its strongest response is {on_left:g}, on the mirrored step "
                f"{on_right:g} (criterion b): a left-edge kernel must answer Q2_STEP more "
                "strongly.")
    for edge, step, response in (("top", "Q2_STEP.T, a top edge (background above, ink below)",
                                  on_top),
                                 ("bottom", "np.flipud(Q2_STEP.T), a bottom edge (ink above, "
                                  "background below)", on_bottom)):
        if on_left <= response + 1e-9 * scale:
            return (f"on {step}, its strongest response is {response:g}, against {on_left:g} "
                    f"on Q2_STEP (criterion b): it answers a {edge} edge at least as strongly "
                    "as a left edge." + _diagonal_clause(kernel, edge, on_left, scale)
                    + " A left-edge kernel must answer Q2_STEP more strongly than a right, a "
                    "top or a bottom edge.")
    feature_map = conv2d(DIGIT_FOUR, kernel)
    strongest = feature_map.max()
    places = [(int(r), int(c)) for r, c in
              np.argwhere(np.isclose(feature_map, strongest, rtol=0, atol=1e-9 * scale))]
    zone = left_edge_zone()
    outside = [place for place in places if not zone[place]]
    if not outside:
        return None
    if len(places) == 1:
        return (f"on DIGIT_FOUR its strongest response ({strongest:g}) lands at "
                f"{_place(*outside[0])}: that window is not centred on a vertical stroke, nor "
                f"on the pixel just left of one. Criterion c: {_CRITERION_C}.")
    where = "; ".join(_place(*place) for place in outside[:3])
    more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
    return (f"on DIGIT_FOUR its strongest response, {strongest:g}, is tied at {len(places)} "
            f"places. Criterion c: {_CRITERION_C}, at every tied place; "
            f"{len(outside)} of the {len(places)} {'is' if len(outside) == 1 else 'are'} not: "
            f"{where}{more}.")


def _check_edge_kernel(answer):
    kernel = read_array(answer).astype(float)  # unreadable answers become feedback
    if kernel.shape != (3, 3):
        return f"the kernel should be a 3x3 array; yours has shape {kernel.shape}."
    if not np.all(np.isfinite(kernel)):
        return "the kernel contains NaN or infinite values."
    return _edge_problem(kernel)


_EDGE_SOLUTION = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])

q2 = Exercise(
    "Design a 3x3 kernel that finds the LEFT edges of vertical strokes, where (going left to "
    "right) the background ends and the ink begins. The check asks three things: (a) its "
    "weights sum to 0; (b) on Q2_STEP (background on the left, ink on the right) its "
    "strongest response is larger than on the mirrored step, np.fliplr(Q2_STEP), on the "
    "same step turned into a top edge, Q2_STEP.T, and on a bottom edge, np.flipud(Q2_STEP.T) "
    "(so it answers a change in one direction only); (c) on DIGIT_FOUR " + _CRITERION_C
    + "; if several places tie, all of them. Output (r, c) is centred on input pixel "
    "(r + 1, c + 1); the digit's vertical strokes are columns 1 and 5.",
    checker=_check_edge_kernel,
    hint=["Section 4: a kernel whose weights sum to 0 gives 0 on flat areas and answers where "
          "the values change. At a left edge, which side of the window sees background, and "
          "which side ink?",
          "Try a kernel before you check it: kernel.sum() must be 0, and "
          "conv2d(Q2_STEP, kernel).max() must be larger than "
          "conv2d(np.fliplr(Q2_STEP), kernel).max(), conv2d(Q2_STEP.T, kernel).max() and "
          "conv2d(np.flipud(Q2_STEP.T), kernel).max(). "
          "With -1 in each cell of the left column, "
          "what must the right column hold? For (c): with m = conv2d(DIGIT_FOUR, kernel), "
          "np.argwhere(m == m.max()) + 1 lists the input pixels (row, column) its peaks are "
          "centred on; the strokes are columns 1 and 5."],
    solution="np.array([[-1, 0, 1],\n"
             "          [-1, 0, 1],\n"
             "          [-1, 0, 1]])\n"
             "# Sobel's kernel [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] passes too, and so does\n"
             "# [[-1, 1, 0]] * 3, which peaks on the stroke's first column instead.",
    solution_answer=_EDGE_SOLUTION,
    explanation="Your kernel gives 0 on flat areas and answers a left edge more strongly than "
                "a right, a top or a bottom one: it responds to a change of value in one "
                "direction. Sobel's kernel, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], is the "
                "classic one.",
)


# ---------------------------------------------------------------------------------------------
# q3: Conv2D against Dense, the parameters. Each expected answer and each known mistake
# is computed from the question's own numbers (conv_output_size is THE formula), never
# typed in.
# ---------------------------------------------------------------------------------------------

_Q3_N, _Q3_F = 32, 5
_Q3_O = conv_output_size(_Q3_N, _Q3_F)                        # 28: the feature map is 28x28
_Q3_PIXELS = _Q3_N * _Q3_N                                   # 1,024 inputs
_Q3_CONV = conv_params(_Q3_F, 1, 1)                          # 5 * 5 weights + 1 bias
_Q3_OUTPUTS = _Q3_O * _Q3_O                                  # 784 outputs


def _dense_count(inputs: int, outputs: int, biases: int | None = None) -> int:
    """A Dense layer's parameters: a weight per (input, output) pair, a bias per output."""
    return inputs * outputs + (outputs if biases is None else biases)


_Q3_DENSE = _dense_count(_Q3_PIXELS, _Q3_OUTPUTS)

#: q3's known mistakes about the Conv2D count: (wrong count, message).
Q3_CONV_MISTAKES = [
    (_Q3_F * _Q3_F, f"{_Q3_F * _Q3_F} = 5 x 5 is the kernel's weights alone: the filter has "
                    "one bias too."),
    (conv_params(3, 1, 1), f"{conv_params(3, 1, 1)} is a 3x3 kernel's count (section 1); this "
                           "kernel is 5x5."),
    (_Q3_OUTPUTS, f"{_Q3_OUTPUTS} is the number of outputs, {_Q3_O} x {_Q3_O}. A Conv2D layer "
                  "has one set of weights, shared by every position: the kernel's and its bias."),
    (_Q3_OUTPUTS * _Q3_CONV, f"{_Q3_OUTPUTS * _Q3_CONV:,} counts the kernel and bias once per "
                             "output position; the layer shares ONE kernel and one bias across "
                             "all positions."),
]


def _map_mistakes() -> list:
    """Dense counts for a map of another size, k x k: what each size is, and the map's."""
    fits = f"the 5x5 window fits 32 - 5 + 1 = {_Q3_O} times per row"
    why = {
        _Q3_O - 1: f"the map is {_Q3_O}x{_Q3_O}: {fits}",
        _Q3_O + 1: f"the map is {_Q3_O}x{_Q3_O}: {fits}",
        _Q3_N: f"without padding the map shrinks to {_Q3_O}x{_Q3_O}: {fits}",
        conv_output_size(28, _Q3_F): "24 = 28 - 5 + 1 is the map of a 28x28 digit; this image "
                                     f"is 32x32, its map {_Q3_O}x{_Q3_O}",
        conv_output_size(28, 3): "26x26 is section 1's map (a 28x28 digit, a 3x3 kernel); "
                                 f"here it is 32 - 5 + 1 = {_Q3_O} per side",
    }
    return [(_dense_count(_Q3_PIXELS, size * size),
             f"{_dense_count(_Q3_PIXELS, size * size):,} is a Dense layer from the 1,024 pixels "
             f"to a {size}x{size} map; {reason}.")
            for size, reason in why.items()]


#: q3's known mistakes about the Dense count: (wrong count, message).
Q3_DENSE_MISTAKES = [
    (_Q3_PIXELS * _Q3_OUTPUTS, f"{_Q3_PIXELS * _Q3_OUTPUTS:,} = 1,024 x {_Q3_OUTPUTS} is the "
                               f"weights alone: a Dense layer has one bias per output too "
                               f"({_Q3_OUTPUTS} of them)."),
    (_dense_count(_Q3_PIXELS, _Q3_OUTPUTS, 1),
     f"{_dense_count(_Q3_PIXELS, _Q3_OUTPUTS, 1):,} counts one bias in all; a Dense layer has "
     f"one bias per output, {_Q3_OUTPUTS} of them."),
    (_dense_count(_Q3_PIXELS, _Q3_OUTPUTS, _Q3_PIXELS),
     f"{_dense_count(_Q3_PIXELS, _Q3_OUTPUTS, _Q3_PIXELS):,} = 1,024 x {_Q3_OUTPUTS} + 1,024: "
     f"one bias per input pixel? A Dense layer has one bias per output, {_Q3_OUTPUTS} of them."),
    (_dense_count(_Q3_OUTPUTS, _Q3_OUTPUTS),
     f"{_dense_count(_Q3_OUTPUTS, _Q3_OUTPUTS):,} takes {_Q3_OUTPUTS} inputs, but the image "
     f"has 32 x 32 = 1,024 pixels ({_Q3_O} x {_Q3_O} = {_Q3_OUTPUTS} is the map)."),
    (530_660, "530,660 is section 1's count, for a 28x28 digit and a 26x26 map; here the "
              "image is 32x32 and the kernel 5x5."),
    *_map_mistakes(),
]

_q3_conv = number(_Q3_CONV, mistakes=Q3_CONV_MISTAKES)
_q3_dense = number(_Q3_DENSE, mistakes=Q3_DENSE_MISTAKES)
_Q3_FORM = "give both counts, Conv2D first: answer = (conv_count, dense_count)."


def _part(label: str, message: str | None, value: float) -> str:
    shown = f"{int(value):,}" if float(value).is_integer() else f"{value:g}"
    if message is None:
        return f"{label}: {shown} is right."
    return f"{label}: {message}"


def _check_counts(answer):
    """q3's checker: two counts, each with the mistakes its own number names."""
    values = read_array(answer).astype(float).ravel()
    counts = (_Q3_CONV, _Q3_DENSE, *(wrong for wrong, _ in Q3_DENSE_MISTAKES))
    for start, end, typed in comma_readings(answer):    # 803,600 typed with a comma: 803, 600
        if typed in counts:
            return (f"{typed:,} with a comma is {end - start} numbers to Python: write "
                    f"{typed} or {typed:_}. Then {_Q3_FORM}")
    if values.size != 2:
        if values.size == 1 and values[0] in (_Q3_CONV, _Q3_DENSE):
            which = "Conv2D" if values[0] == _Q3_CONV else "Dense"
            return f"{int(values[0]):,} is the {which} count, and it is right: {_Q3_FORM}"
        return f"the answer holds {values.size} number(s): {_Q3_FORM}"
    conv, dense = values
    if conv == _Q3_DENSE and dense == _Q3_CONV:
        return ("both counts are right, but in the other order: Conv2D first, answer = "
                "(conv_count, dense_count).")
    conv_message, dense_message = _q3_conv(conv), _q3_dense(dense)
    if conv_message is None and dense_message is None:
        return None
    return (_part("Conv2D", conv_message, conv) + " "
            + _part("Dense", dense_message, dense))


q3 = Exercise(
    "A 32x32 grey-scale image (the size of a CIFAR-10 photo) goes through Conv2D(1, 5): one 5x5 "
    "kernel, stride 1, no padding. How many parameters does that layer have? And how many "
    "would a Dense layer need to map the image's 1,024 pixels to a feature map the size of "
    "that Conv2D's output (every output connected to every pixel, one bias per output)? Give "
    "both, Conv2D first: answer = (conv_count, dense_count).",
    checker=_check_counts,
    hint=["Section 1 counts both layers for a 28x28 digit and a 3x3 kernel; redo it for 32x32 "
          "and 5x5. Conv2D's count depends only on the kernel; Dense's on how many outputs "
          "there are.",
          "Conv2D: the kernel's weights plus the bias, shared by every position. Dense: first "
          "the map's size, O = N - F + 1 per side, then a weight per (pixel, output) pair and "
          "a bias per output.",
          f"O = 32 - 5 + 1 = {_Q3_O}, so the map has {_Q3_O} x {_Q3_O} = {_Q3_OUTPUTS} outputs; "
          "each is connected to 1,024 pixels."],
    solution=f"(5 * 5 + 1, 1024 * {_Q3_OUTPUTS} + {_Q3_OUTPUTS})  # = ({_Q3_CONV}, "
             f"{_Q3_DENSE}); map {_Q3_O}x{_Q3_O}",
    solution_answer=(_Q3_CONV, _Q3_DENSE),
    explanation=f"The Dense layer has about {round(_Q3_DENSE / _Q3_CONV, -2):,.0f} times as "
                "many parameters: the "
                "convolution assumes locality (a 5x5 window) and the same pattern everywhere "
                "(one shared kernel).",
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


def _range_stops_early(x, kernel, stride):
    """The window starts from range(0, H - F_h, S): the last start, H - F_h, is left out."""
    f_h, f_w = kernel.shape
    starts_h, starts_w = range(0, x.shape[0] - f_h, stride), range(0, x.shape[1] - f_w, stride)
    return conv2d(x, kernel, stride=stride)[:len(starts_h), :len(starts_w)]


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


_INTEGER_OUTPUT = ("your function returns an integer array: it holds whole numbers only, so "
                   "{example} were cut. Return floats: np.zeros((o_h, o_w)) is float, while "
                   "e.g. dtype=int, .astype(int) or np.zeros_like(x) of an integer input "
                   "give integers.")

_rng = np.random.default_rng(1)
_rng_8x8 = np.random.default_rng(3)
_STRIDED_CASES = [
    (np.array(LESSON01_X), np.array(LESSON01_KERNEL), 1),                   # the 4x4 example
    (np.array(DIGIT_FOUR), np.array(HORIZONTAL_LINE_KERNEL), 2),
    (_rng.integers(-3, 4, size=(7, 9)), _rng.integers(-2, 3, size=(2, 3)), 2),  # not square
    (_rng_8x8.integers(0, 5, size=(8, 8)), _rng_8x8.integers(-2, 3, size=(3, 3)), 3),  # floor
    (_rng.normal(size=(6, 5)).round(2), _rng.normal(size=(3, 1)).round(2), 1),  # floats
    # an integer image and a kernel of halves: an output array made like the integer input
    # (np.zeros_like(x)) cuts the halves, as it would cut a real image's map
    (np.array(DIGIT_FOUR), 0.5 * np.array(HORIZONTAL_LINE_KERNEL), 1),
]
#: How a learner can rebuild each case's arrays (feedback names them so; tests check each
#: expression gives the case's array). A small array is shown whole instead.
def _literal(array) -> str:
    """An array written out as the learner can type it: np.array([[-2, 0, 1], [0, 1, -1]])."""
    return f"np.array({np.asarray(array).tolist()})"


_STRIDED_LABELS = [
    ("LESSON01_X", "LESSON01_KERNEL"),
    ("DIGIT_FOUR", "HORIZONTAL_LINE_KERNEL"),
    ("np.random.default_rng(1).integers(-3, 4, size=(7, 9))", _literal(_STRIDED_CASES[2][1])),
    ("np.random.default_rng(3).integers(0, 5, size=(8, 8))", _literal(_STRIDED_CASES[3][1])),
    (_literal(_STRIDED_CASES[4][0]), _literal(_STRIDED_CASES[4][1])),
    ("DIGIT_FOUR", "0.5 * HORIZONTAL_LINE_KERNEL"),
]
#: What an integer output array cuts on each q4 case whose results are not whole (by index).
_STRIDED_CUT = {4: "the results of the float case (the fifth)",
                5: "the halves of the last case, DIGIT_FOUR with 0.5 * HORIZONTAL_LINE_KERNEL "
                   "(0.5 became 0, -1.5 became -1)"}

_TRANSPOSED_KERNEL = ("you multiply each window by the kernel transposed (kernel.T, or the "
                      "sizes f_h and f_w swapped): slide the kernel as it is, "
                      "x[top:top + f_h, left:left + f_w] * kernel.")

#: The helpers that already slide a kernel (q4 and q8 ask for the loops): a function that calls
#: one is told so, named as it is called (tf.nn.conv2d, conv2d_im2col, layers.Conv2D).
_FORBIDDEN = ("conv2d", "conv2d_im2col", "Conv2D", "convolution", "convolve2d", "correlate2d")


_check_cases = function(_STRIDED_CASES, reference=_reference, mistakes=[
    (_ignores_stride, "your function ignores the stride: it returns the stride-1 feature "
                      "map. With stride S the output has (H - F_h) // S + 1 rows."),
    (_windows_not_strided, "the output size is right, but the windows are not: the window "
                           "for output (i, j) starts at row i * S and column j * S, not at "
                           "(i, j)."),
    (_no_plus_one, "the output has one row and one column too few: O = (H - F_h) // S "
                   "+ 1, count the first position too."),
    (_range_stops_early, "your output has one window per start in range(0, H - F_h, S), "
                         "which leaves out the last start, H - F_h, whenever H - F_h is a "
                         "multiple of S: range(0, H - F_h + 1, S) includes it."),
    (_plus_one_inside, "your output size is (H - F_h + 1) // S: the + 1 belongs AFTER the "
                       "division, O = (H - F_h) // S + 1 (the first window, then one more "
                       "every S pixels)."),
    (_rounded_up, "your output size rounds UP, so the last window runs past the edge of the "
                  "input: round down, O = (H - F_h) // S + 1, so that every window fits."),
    (_flipped, "you flipped the kernel: Conv2D slides it as it is (cross-correlation)."),
    (_transposed_output, "your output is transposed: its rows are the expected columns. "
                         "out[i, j] holds the window that starts at row i * S, column j * S, "
                         "and out has (H - F_h) // S + 1 rows."),
    (_integer_output, _INTEGER_OUTPUT.format(
        example="the results of the float case (the fifth) and the halves of the last case, "
                "DIGIT_FOUR with 0.5 * HORIZONTAL_LINE_KERNEL")),
    (_transposed_kernel, _TRANSPOSED_KERNEL),
], forbidden=_FORBIDDEN, labels=_STRIDED_LABELS)

#: The square-kernel cases only: a transposed kernel raises on the others (the window and
#: kernel.T have different shapes), so that mistake is recognised on these.
_transposed_on_square = function(
    [case for case in _STRIDED_CASES if case[1].shape[0] == case[1].shape[1]],
    reference=_transposed_kernel)

_SHAPES = re.compile(r"shapes \(([\d,]+)\) \(([\d,]+)\)")
_FLOAT_SIZE_ERROR = "'float' object cannot be interpreted as an integer"
_FLOAT_SIZE_ADVICE = (". A size computed with / is a float (such as 2.0), and np.zeros and "
                      "range need whole numbers: divide with //, (H - F_h) // S + 1.")


def _integer_cut(answer, cases, reference) -> int | None:
    """The index of the first case whose expected values are not whole and on which the
    learner's function returned an integer array holding exactly those values cut to whole
    numbers: an output array made with dtype=int, or with np.zeros_like of an integer input
    (which cuts only where the input is integer). None when no case shows it."""
    for index, args in enumerate(cases):
        expected = np.asarray(reference(*copy.deepcopy(args)), dtype=float)
        if np.all(expected == np.round(expected)):
            continue
        try:
            result = answer(*copy.deepcopy(args))
        except Exception:
            continue
        if (isinstance(result, np.ndarray) and result.dtype.kind in "iu"
                and result.shape == expected.shape
                and np.array_equal(result, np.trunc(expected))):
            return index
    return None


_PAST_THE_EDGE = (" A window came out smaller than the kernel because it runs past the edge "
                  "of the input: check the output size, O = (H - F_h) // S + 1, so that the "
                  "last window fits.")
_PAST_THE_PADDED_EDGE = (" A window came out smaller than the kernel: it runs past the edge of "
                         "the array it is cut from. Cut every window from the padded array, "
                         "np.pad(x, padding), and check the output size, (H - F_h + 2P) // S "
                         "+ 1.")


def _broadcast_cause(answer, cases, past_the_edge: str = _PAST_THE_EDGE) -> str:
    """Why a window and the kernel could not be multiplied: NumPy's two shapes, read against
    the kernel (argument 1) of the first test case on which the learner's function raised."""
    for args in cases:
        try:
            answer(*copy.deepcopy(args))
        except ValueError as error:
            found = _SHAPES.search(str(error))
            if found is None:
                return ""
            shapes = [tuple(int(v) for v in group.split(",") if v) for group in found.groups()]
            kernel = np.asarray(args[1])
            break
        except Exception:
            return ""
    else:
        return ""
    k = kernel.shape
    swapped = (f" One array is {k[0]}x{k[1]}, the kernel's shape, and the other "
               f"{k[1]}x{k[0]}: the sizes are swapped in the window or in the kernel. The "
               "window is x[top:top + f_h, left:left + f_w] (f_h rows, f_w columns), and "
               "f_h, f_w = kernel.shape.")
    if k not in shapes:
        return swapped if k[::-1] in shapes else ""
    window = shapes[1] if shapes[0] == k else shapes[0]
    if len(window) != 2:
        return ""
    if window == k[::-1] and k[0] != k[1]:
        return swapped
    if window[0] == window[1] and k[0] != k[1] and window[0] in k:
        return (" That case's kernel is not square: take both sizes from the kernel, "
                "f_h, f_w = kernel.shape.")
    if all(w <= f for w, f in zip(window, k, strict=True)):
        return past_the_edge
    return ""


def _loops_verdict(answer, check_cases, cases, reference,
                   cut: Callable[[int], str]) -> tuple[bool, str | None]:
    """What q4 and q8 check first: (final?, message). Right results are final; so is a known
    mistake's message (a call to a helper that slides the kernel itself included), and an
    integer output array (``cut(index)`` says which values of that case it cut). Otherwise
    the first failing case's message, for the question's own follow-up checks."""
    message = check_cases(answer)
    if message is None or not message.startswith("on "):   # a known mistake's message
        return True, message
    index = _integer_cut(answer, cases, reference)
    if index is not None:
        return True, _INTEGER_OUTPUT.format(example=cut(index))
    return False, message


#: A probe with a 1x1 kernel and stride 2 on a 6x8 input: no window can be smaller than the
#: kernel (one past the edge is empty, and sums to 0), so a function whose output size is
#: wrong returns that size instead of raising. The right size is 3x4; the stride-1 size 6x8;
#: the size rounded up 4x5.
_PROBE = (np.arange(1.0, 49.0).reshape(6, 8), np.ones((1, 1)), 2)
_STRIDE_ONE_SIZE = ("your output has the stride-1 size, H - F_h + 1 rows (on the size check, "
                    "a 6x8 input with a 1x1 kernel and stride 2, it returned 6x8, not 3x4), so "
                    "windows start past the edge of the input: divide by S, "
                    "O = (H - F_h) // S + 1.")
_ROUNDED_UP_SIZE = ("your output size rounds UP (on the size check, a 6x8 input with a 1x1 "
                    "kernel and stride 2, it returned 4x5, not 3x4), so the last window runs "
                    "past the edge of the input: round down, O = (H - F_h) // S + 1, so that "
                    "every window fits.")


_ONE_TOO_MANY_SIZE = ("your output has one row and one column too many (on the size check, "
                      "a 5x7 input with a 1x1 kernel and stride 2 fits 3x4 windows, and it "
                      "returned 4x5): O = (H - F_h) // S + 1 counts the first position once.")


def _output_shape(answer, x, kernel, stride):
    """The shape of the learner's output on one probe, or None if it raised."""
    try:
        return np.asarray(answer(x.copy(), kernel.copy(), stride), dtype=float).shape
    except Exception:
        return None


def _size_probe(answer) -> str | None:
    """The stride-1 size, a size rounded up, or one row and column too many, when the probes
    prove it: on the 6x8 probe the learner's output has that shape and its first windows are
    the right ones; rounding up and "+ 2" both give 4x5 there, so a 5x7 probe, where (H - F)
    is a multiple of S and rounding up changes nothing, tells them apart."""
    x, kernel, stride = _PROBE
    right = _reference(x, kernel, stride)
    try:
        result = np.asarray(answer(x.copy(), kernel.copy(), stride), dtype=float)
    except Exception:
        return None
    if result.shape == x.shape and np.allclose(result[:3, :4], right):
        return _STRIDE_ONE_SIZE
    up = tuple(-(-(n - 1) // stride) + 1 for n in x.shape)
    if result.shape == up and np.allclose(result[:3, :4], right):
        exact = x[:5, :7]   # (5 - 1) and (7 - 1) are multiples of 2: ceil = floor here
        shape = _output_shape(answer, exact, kernel, stride)
        if shape == _reference(exact, kernel, stride).shape:
            return _ROUNDED_UP_SIZE
        if shape == (4, 5):
            return _ONE_TOO_MANY_SIZE
    return None


_INPUT_SIZED = (" Your output has the input's shape, H x W, on every case (its top-left block "
                "holds the right map): a map is smaller than its input, o_h = (H - f_h) // S + 1 "
                "rows and o_w = (W - f_w) // S + 1 columns, so make the output that size.")


def _strided_results(answer):
    """For each strided case: ``(x, kernel, stride, right map, the answer's map)``, the answer's
    map None when it raised (on copies: an answer that writes into x changes no case)."""
    for x, kernel, stride in _STRIDED_CASES:
        try:
            result = np.asarray(answer(x.copy(), kernel.copy(), stride), dtype=float)
        except Exception:
            result = None
        yield x, kernel, stride, _reference(x, kernel, stride), result


def _input_sized(answer) -> bool:
    """True when the answer's output has the input's shape on every case, with the right map in
    its top-left block (np.zeros(x.shape), filled where the windows are): then the output size,
    not a kernel axis or the stride, is what is off. A 3x1 kernel's mixed-up height on a 6x5
    input is also 6, so without this the axis mix-up was named for a mistake not made."""
    for x, _kernel, _stride, right, result in _strided_results(answer):
        if result is None:
            return False
        h, w = right.shape
        if result.shape != x.shape or not np.allclose(result[:h, :w], right):
            return False
    return True


def _size_from_other_axis(answer) -> str:
    """The advice for an output size taken from the wrong kernel axis, when the answer proves
    it: on a case whose kernel is not square, the output has the shape that mix-up gives (and
    the right shape differs), and where the two overlap its values are the right map's."""
    for x, kernel, stride, right, result in _strided_results(answer):
        f_h, f_w = kernel.shape
        if f_h == f_w or result is None:
            continue
        mixed = {"width": ((x.shape[1] - f_h) // stride + 1, "W", "f_h", "height", 1),
                 "height": ((x.shape[0] - f_w) // stride + 1, "H", "f_w", "width", 0)}
        for axis, (size, dim, wrong, other, index) in mixed.items():
            shape = list(right.shape)
            shape[index] = size
            if tuple(shape) in (right.shape, x.shape) or result.shape != tuple(shape):
                continue   # an input-sized output is another slip (_input_sized)
            h, w = min(shape[0], right.shape[0]), min(shape[1], right.shape[1])
            if np.allclose(result[:h, :w], right[:h, :w]):
                return (f" That case's kernel is not square, and your output's {axis} is "
                        f"({dim} - {wrong}) // S + 1, from the kernel's {other}: take both "
                        "sizes from the kernel, f_h, f_w = kernel.shape, o_h = (H - f_h) // S "
                        "+ 1 and o_w = (W - f_w) // S + 1.")
    return ""


def _check_strided(answer):
    final, message = _loops_verdict(answer, _check_cases, _STRIDED_CASES, _reference,
                                    _STRIDED_CUT.__getitem__)
    if final:
        return message
    if _transposed_on_square(answer) is None:
        return _TRANSPOSED_KERNEL
    if _input_sized(answer):
        return message.rstrip(" .") + "." + _INPUT_SIZED
    mixed = _size_from_other_axis(answer)
    if mixed:
        return message.rstrip(" .") + "." + mixed
    probed = _size_probe(answer)
    if probed:
        return message.rstrip(" .") + ". Y" + probed[1:]
    if "could not be broadcast" in message:
        return message.rstrip(" .") + "." + _broadcast_cause(answer, _STRIDED_CASES)
    if _FLOAT_SIZE_ERROR in message:
        return message.rstrip(" .") + _FLOAT_SIZE_ADVICE
    if "IndexError" in message and "out of bounds" in message:
        return message.rstrip(" .") + "." + _index_error_guesses(answer)
    return message


def _index_error_guesses(answer) -> str:
    """The causes of an IndexError that q4's first failing case can show: window starts used
    as output positions only with a stride above 1, rows and columns swapped in np.zeros only
    with an output that is not square. Nothing when the case shows neither."""
    for x, kernel, stride in _STRIDED_CASES:
        try:
            answer(copy.deepcopy(x), copy.deepcopy(kernel), stride)
        except IndexError:
            break
        except Exception:
            return ""
    else:
        return ""
    guesses = []
    if stride > 1:
        guesses.append("Do your loops run over where the windows START (0, S, 2S, ...) while "
                       "you store at out[i, j]? Loop over the output positions i, j and start "
                       "each window at i * S, j * S.")
    o_h, o_w = _reference(x, kernel, stride).shape
    if o_h != o_w:
        guesses.append(f"This case's output is {o_h}x{o_w}, not square: are its rows and "
                       "columns swapped in np.zeros?")
    return "".join(" " + guess for guess in guesses)


def _returns_list(answer, *more_arguments) -> bool:
    """Whether a learner's q4 (or q8) function returns a list (right, but q8's + bias fails).

    Probed on a 2x2 input and a 1x1 kernel, a case the check does not run: the check's own
    cases each run once. q8 passes its bias, stride and padding as more_arguments."""
    arguments = more_arguments or (1,)
    try:
        return isinstance(answer(np.arange(4.0).reshape(2, 2), np.ones((1, 1)), *arguments),
                          list)
    except Exception:   # a function that raises was already told so by the check
        return False


class _Q4(Exercise):
    """q4: after "Correct!", the np.array advice goes only to a function that returned a list."""

    def feedback(self, *answer) -> str:
        text = super().feedback(*answer)
        if text.startswith("Correct!") and answer and _returns_list(answer[0]):
            text += (" Your function returns a list: wrap it in np.array(...), since q8 adds a "
                     "bias to this result, and a list + a number raises TypeError.")
        return text


q4 = _Q4(
    "Write strided_corr2d(x, kernel, stride): the no-padding convolution (cross-correlation, "
    "no flipping) of a 2-D array x with a 2-D kernel, the window moving `stride` pixels at a "
    "time, using two loops (written by you: not conv2d, tf.nn.conv2d or Conv2D, which the check "
    "compares with). It must work for kernels that are not square and return an array of "
    "shape ((H - F_h) // S + 1, (W - F_w) // S + 1). The check runs six cases (the 4x4 "
    "example, DIGIT_FOUR, a 7x9 input with a 2x3 kernel, an 8x8 input, a float one, and "
    "DIGIT_FOUR with a kernel of halves, 0.5 * HORIZONTAL_LINE_KERNEL) and, if one fails, a "
    "size check: a 6x8 input with a 1x1 kernel and stride 2.",
    checker=_check_strided,
    hint=["Start from corr2d of section 2: only the output size and where each window starts "
          "change.",
          "Output size per axis: (H - F_h) // S + 1 rows and (W - F_w) // S + 1 columns.",
          "For output position (i, j) the window is x[i * S:i * S + F_h, j * S:j * S + F_w]; "
          "multiply it element-wise by the kernel and sum."],
    solution_answer=strided_corr2d,
)


# ---------------------------------------------------------------------------------------------
# q5: a stride larger than the kernel skips pixels
# ---------------------------------------------------------------------------------------------

_Q5_N, _Q5_F, _Q5_S = 9, 3, 4
_Q5_COUNTS = usage_counts((_Q5_N, _Q5_N), _Q5_F, stride=_Q5_S)
_Q5 = int((_Q5_COUNTS == 0).sum())
_Q5_USED = int((_Q5_COUNTS > 0).sum())                          # 6 x 6 pixels
_Q5_USED_ROWS = int((_Q5_COUNTS.sum(axis=1) > 0).sum())         # rows 0-2 and 4-6
_Q5_UNUSED_ROWS = _Q5_N - _Q5_USED_ROWS                         # row 3, rows 7-8
_Q5_WINDOWS = conv_output_size(_Q5_N, _Q5_F, _Q5_S)
_Q5_LAST_ROW = (_Q5_WINDOWS - 1) * _Q5_S + _Q5_F - 1            # where the last window ends
_FIGURE_N = 7                                                   # section 6's figure: 7x7

#: q5's known mistakes. 9x9 input, F = 3, S = 4: windows start at 0 and 4 on each axis, so
#: rows and columns 0-2 and 4-6 are used, and the rest are not.
Q5_MISTAKES = [
    (_Q5_USED, f"{_Q5_USED} pixels ARE used ({_Q5_USED_ROWS} rows x {_Q5_USED_ROWS} columns); "
               "the question asks for the unused ones."),
    (0, "with S = 4 > F = 3 the window jumps over a row and a column each time."),
    (_Q5_UNUSED_ROWS * _Q5_N, f"{_Q5_UNUSED_ROWS * _Q5_N} = {_Q5_UNUSED_ROWS} unused rows x "
                              f"{_Q5_N}: the unused COLUMNS of the used rows are never read "
                              "either."),
    (2 * _Q5_UNUSED_ROWS * _Q5_N, f"{2 * _Q5_UNUSED_ROWS * _Q5_N} is {_Q5_UNUSED_ROWS} unused "
                                  f"rows x {_Q5_N} plus {_Q5_UNUSED_ROWS} unused columns x "
                                  f"{_Q5_N} (crossings counted twice), or {_Q5_USED_ROWS} used "
                                  f"rows x {_Q5_N}; neither is the unused count. Count the used "
                                  "pixels (a square) and subtract from 81."),
    (_Q5_UNUSED_ROWS ** 2, f"{_Q5_UNUSED_ROWS ** 2} pixels sit where an unused row crosses an "
                           "unused column; every other pixel of an unused row or column is "
                           "unused too."),
    (_Q5_WINDOWS, f"{_Q5_WINDOWS} is the number of windows per axis, (9 - 3) // 4 + 1; the "
                  "question asks for pixels."),
    (_Q5_WINDOWS ** 2, f"{_Q5_WINDOWS ** 2} is the number of windows ({_Q5_WINDOWS} x "
                       f"{_Q5_WINDOWS}); the question asks for the pixels none of them "
                       "covers."),
    (2 * _Q5_N - 1, f"{2 * _Q5_N - 1} = 9 + 9 - 1 = 81 - 8 x 8 counts one row and one column "
                    "as unused: the gap between the windows (row and column 3), or the last "
                    f"ones (8). Both are unused, and so is row and column {_Q5_LAST_ROW + 1}: "
                    f"the windows cover rows 0-2 and 4-{_Q5_LAST_ROW} (section 6: when N - F "
                    "is not a multiple of S, the edge is dropped)."),
    (_Q5_UNUSED_ROWS, f"{_Q5_UNUSED_ROWS} rows are unused (3, 7 and 8), and {_Q5_UNUSED_ROWS} "
                      "columns; the question asks for the pixels in them."),
    (_Q5_N ** 2 - (_Q5_LAST_ROW + 1) ** 2,
     f"81 - {_Q5_LAST_ROW + 1} x {_Q5_LAST_ROW + 1} counts rows 0-{_Q5_LAST_ROW} as used, but "
     "row 3 (and column 3) lies between the windows 0-2 and 4-6 and is never read: "
     f"{_Q5_USED_ROWS} rows are used, not {_Q5_LAST_ROW + 1}."),
    (int((usage_counts((_FIGURE_N, _FIGURE_N), _Q5_F, stride=_Q5_S) == 0).sum()),
     "that is the count of section 6's figure, a 7x7 input; this input is 9x9, so rows and "
     "columns 7-8 are dropped as well."),
]

q5 = Exercise(
    "A 3x3 kernel slides over a 9x9 input with stride S = 4 and no padding. How many of the "
    "81 input pixels are never inside any window?",
    checker=number(_Q5, mistakes=Q5_MISTAKES),
    hint=["Section 6's 8x8 example: find where each window starts along one axis, then which rows "
          "no window covers; columns are the same.",
          "O = (9 - 3) // 4 + 1 = 2 windows per axis, starting at rows 0 and 4.",
          "Used rows: 0-2 and 4-6, six in all; the same for columns. "
          "usage_counts((9, 9), 3, stride=4) shows it."],
    solution=("# windows start at rows 0 and 4: rows 0-2 and 4-6 are used, 3, 7 and 8 are not;\n"
              "# the same for columns, so 6 x 6 pixels are used\n"
              f"answer = 81 - 6 * 6  # = {_Q5}\n"
              "# cross-check: (usage_counts((9, 9), 3, stride=4) == 0).sum()"),
    solution_answer=_Q5,
)


# ---------------------------------------------------------------------------------------------
# q6-q7: output sizes with stride and padding, and Keras's "same". Computed from the
# questions' own numbers, as for q3.
# ---------------------------------------------------------------------------------------------

_Q6_N, _Q6_F, _Q6_S, _Q6_P = 20, 9, 2, 2
_Q6 = conv_output_size(_Q6_N, _Q6_F, _Q6_S, _Q6_P)
_Q6_SPAN = _Q6_N - _Q6_F + 2 * _Q6_P               # N - F + 2P = 15, before dividing by S
_Q6_QUOTIENT = _Q6_SPAN / _Q6_S                     # 7.5: an odd number and a half, so that
#                                                   # Python's round (to even) gives 8, not 7
_Q6_SPAN_TEXT = f"({_Q6_N} - {_Q6_F} + {2 * _Q6_P})"   # "(20 - 9 + 4)"
_MISPRINT = ("the misprint of note 1 (Notes, at the end): the + 1 comes after the division, "
             "floor((N - F + 2P) / S) + 1.")

#: q6's known mistakes. N = 20, F = 9, S = 2, P = 2: P = 2 is not "same" padding for F = 9,
#: so q7's ceil(N / S) = 10 is wrong here. Each mistake gives its own value (the tests check),
#: except where one message names both causes.
Q6_MISTAKES = [
    (conv_output_size(_Q6_N, _Q6_F, _Q6_S),
     f"{conv_output_size(_Q6_N, _Q6_F, _Q6_S)} is ({_Q6_N} - {_Q6_F}) // {_Q6_S} + 1, the size "
     "WITHOUT padding. The formula adds 2P inside the bracket: (N - F + 2P) // S + 1."),
    (conv_output_size(_Q6_N, _Q6_F, _Q6_S, (_Q6_P, 0)),
     f"{conv_output_size(_Q6_N, _Q6_F, _Q6_S, (_Q6_P, 0))} comes from counting the padding "
     "on one side only (+ P instead of + 2P), or from leaving out the final + 1. "
     "O = floor((N - F + 2P) / S) + 1."),
    (_Q6_SPAN / (_Q6_S + 1),
     f"that is (N - F + 2P) / (S + 1) = {_Q6_SPAN_TEXT} / ({_Q6_S} + 1), " + _MISPRINT),
    ((_Q6_N - _Q6_F) / (_Q6_S + 1),
     "that is (N - F) / (S + 1), without the padding, and " + _MISPRINT),
    ((_Q6_N - _Q6_F) // (_Q6_S + 1),
     f"{(_Q6_N - _Q6_F) // (_Q6_S + 1)} is (N - F) // (S + 1), without the padding, and "
     + _MISPRINT),
    ((_Q6_N - _Q6_F - 2 * _Q6_P) // _Q6_S + 1,
     f"{(_Q6_N - _Q6_F - 2 * _Q6_P) // _Q6_S + 1} is what (N - F - 2P) // S + 1 gives, the "
     "padding subtracted. Padding ADDS P zeros on each side, so the input grows to N + 2P: "
     "(N - F + 2P) // S + 1."),
    (_Q6_QUOTIENT + 1, f"{_Q6_SPAN_TEXT} / {_Q6_S} = {_Q6_QUOTIENT:g} is not whole: round it "
                       "DOWN (floor) before adding 1. The last window must fit inside the "
                       "padded input."),
    (_Q6_QUOTIENT, f"that is (N - F + 2P) / S without the floor and without the + 1: "
                   f"round {_Q6_QUOTIENT:g} down, then add 1 for the first position."),
    (-(-_Q6_SPAN // _Q6_S) + 1,
     f"{-(-_Q6_SPAN // _Q6_S) + 1} is {_Q6_SPAN_TEXT} / {_Q6_S} = {_Q6_QUOTIENT:g} rounded "
     f"UP, plus 1 (Python's round({_Q6_QUOTIENT:g}) gives {round(_Q6_QUOTIENT)} too: it "
     f"rounds a half to the even number). Round {_Q6_QUOTIENT:g} "
     "down (floor, // in Python), then add 1: a window that would stick out of the padded "
     "input is never used."),
    (conv_output_size(_Q6_N, _Q6_F, _Q6_S, "same"),
     f"{conv_output_size(_Q6_N, _Q6_F, _Q6_S, 'same')} is ceil(N / S), the \"same\" formula of "
     f"section 7, but P = {_Q6_P} is not \"same\" padding for F = {_Q6_F}. Use "
     "floor((N - F + 2P) / S) + 1."),
    (conv_output_size(_Q6_N, _Q6_F), f"{conv_output_size(_Q6_N, _Q6_F)} is N - F + 1, the size "
                                     "for stride 1 without padding: the formula also divides "
                                     "by S and adds 2P."),
    (conv_output_size(_Q6_N, _Q6_F, 1, _Q6_P),
     f"{conv_output_size(_Q6_N, _Q6_F, 1, _Q6_P)} is the size with stride 1. With S = "
     f"{_Q6_S} the window moves {_Q6_S} pixels at a time: divide by S."),
    (_Q6_SPAN, "that is N - F + 2P, the room the window has to move in. Divide it by the "
               f"stride S = {_Q6_S} (rounding down), then add 1 for the first position."),
]

q6 = Exercise(
    f"Input size N = {_Q6_N}, kernel size F = {_Q6_F}, stride S = {_Q6_S}, padding "
    f"P = {_Q6_P}. What is the output size O?",
    checker=number(_Q6, mistakes=Q6_MISTAKES),
    hint=["Section 6's formula counts the positions of the window; padding (section 7) "
          "makes the input 2P larger. Which of N, F, S and P go inside the floor?",
          "O = floor((N - F + 2P) / S) + 1: in Python, (N - F + 2 * P) // S + 1.",
          f"({_Q6_N} - {_Q6_F} + 2 * {_Q6_P}) / {_Q6_S} = {_Q6_QUOTIENT:g}; round down, then "
          "add 1."],
    solution=f"({_Q6_N} - {_Q6_F} + 2 * {_Q6_P}) // {_Q6_S} + 1  "
             f"# = {_Q6_SPAN // _Q6_S} + 1 = {_Q6}",
    solution_answer=_Q6,
)

_Q7_N, _Q7_F, _Q7_S = 27, 5, 2
_Q7 = conv_output_size(_Q7_N, _Q7_F, _Q7_S, "same")
_SAME_RULE = 'with "same", O = ceil(N / S).'

#: q7's known mistakes. Conv2D(1, 5, strides=2, padding="same") on 27x27.
Q7_MISTAKES = [
    (conv_output_size(_Q7_N, _Q7_F, _Q7_S), 'that is padding="valid": (27 - 5) // 2 + 1. '
                                            'With "same" Keras pads so that O = ceil(N / S).'),
    (_Q7_N // _Q7_S, f"{_Q7_N // _Q7_S} is 27 / 2 rounded down, and also (27 - 5 + 2) // 2 + 1, "
                     'one zero of padding per side (what "same" adds to a 3x3 kernel; a 5x5 '
                     'kernel gets two). With "same", O = ceil(N / S): round 27 / 2 UP. The '
                     "padding lets a last window cover the last row, so no row is dropped."),
    (_Q7_N / _Q7_S, f"27 / 2 = {_Q7_N / _Q7_S:g}, but a size is whole: Keras rounds UP, "
                    "O = ceil(N / S)."),
    (conv_output_size(_Q7_N, _Q7_F, 1, "same"), '"same" keeps the size only when the stride '
                                                "is 1; here the window moves 2 pixels."),
    ((_Q7_N - _Q7_F) // _Q7_S, 'that is the "valid" size, (27 - 5) // 2 + 1, without its '
                               "+ 1; " + _SAME_RULE),
    (conv_output_size(_Q7_N, _Q7_F), 'that is "valid" with stride 1, 27 - 5 + 1: the layer '
                                     'has strides=2 and padding="same", and ' + _SAME_RULE),
    (-(-_Q7_N // _Q7_S) + 1, f"{-(-_Q7_N // _Q7_S) + 1} is ceil(27 / 2) + 1. With "
                             '"same", ceil(N / S) is already the number of windows (no + 1).'),
    ((_Q7_N - _Q7_F - 2 * 2) // _Q7_S + 1,
     "that is (27 - 5 - 2*2) // 2 + 1, the padding of a 5x5 kernel (2 per side) subtracted: "
     'padding ADDS zeros. With "same", O = ceil(N / S).'),
]

_q7_number = number(_Q7, mistakes=Q7_MISTAKES)


def _check_size(answer):
    """q7's checker: a whole Keras shape such as (None, O, O, 1) is told to take its height,
    and a (height, width) pair to give one number."""
    try:
        got = None if typed_with_commas(answer) else read_shape(answer)  # 1,000,000 is a number
    except (UnreadableAnswer, TypeError, ValueError):
        got = None
    if got is not None and len(got) == 2 and got[0] == got[1] and got[0] is not None:
        verdict = _q7_number(got[0])
        return (f"{got} is a (height, width) pair; the question asks for O, one number (the "
                "map is O x O). " + ("Yours is right: give it alone." if verdict is None
                                     else "For O: " + verdict))
    if got is not None and len(got) in (3, 4):
        layout, height = (("(batch, height, width, channels)", 1) if len(got) == 4 else
                          ("(height, width, channels)", 0))
        return (f"that is a whole shape, {got}: {layout}, as compute_output_shape or a "
                "layer's output gives it. The question asks for O, one number: take the "
                f"height, shape[{height}].")
    return _q7_number(answer)


q7 = Exercise(
    'A Keras layer Conv2D(1, 5, strides=2, padding="same") gets a 27x27x1 input. '
    "What is the output size O?",
    checker=_check_size,
    hint=['Section 7, the Keras part: with padding="same" the output size depends only on N '
          "and S, not on F.",
          'With padding="same", TensorFlow pads just enough zeros that O = ceil(N / S).',
          "ceil(27 / 2): 27 / 2 = 13.5, rounded up. In Python: -(-27 // 2) or "
          "math.ceil(27 / 2)."],
    solution=f"-(-27 // 2)  # = ceil(27 / 2) = {_Q7}",
    solution_answer=_Q7,
)


# ---------------------------------------------------------------------------------------------
# q8: the whole layer, one filter: padding, stride and bias
# ---------------------------------------------------------------------------------------------


def conv_one_filter(x, kernel, bias, stride, padding):
    f_h, f_w = kernel.shape
    padded = np.pad(x, padding)                       # P zeros on every side
    o_h = (padded.shape[0] - f_h) // stride + 1
    o_w = (padded.shape[1] - f_w) // stride + 1
    feature_map = np.zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            top, left = i * stride, j * stride
            window = padded[top:top + f_h, left:left + f_w]
            feature_map[i, j] = np.sum(window * kernel) + bias
    return feature_map


def _layer_reference(x, kernel, bias, stride, padding):
    """The course's conv2d (the tests prove it equal to tf.nn.conv2d and to Keras)."""
    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding)


def _layer_no_bias(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, stride=stride, padding=padding)


def _layer_ignores_stride(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, padding=padding)


def _layer_no_padding(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride)


def _layer_padded_after(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride, padding=((0, padding), (0, padding)))


def _layer_padded_before(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride, padding=((padding, 0), (padding, 0)))


def _layer_padded_2p_after(x, kernel, bias, stride, padding):
    """All 2P zeros of each axis at the bottom and right: the right size, every window shifted."""
    return conv2d(x, kernel, bias=bias, stride=stride,
                  padding=((0, 2 * padding), (0, 2 * padding)))


def _layer_size_of_unpadded(x, kernel, bias, stride, padding):
    """O from x before padding, windows from the padded x: the right map's first rows and
    columns, as many as the unpadded size."""
    full = conv2d(x, kernel, bias=bias, stride=stride, padding=padding)
    o_h = (x.shape[0] - kernel.shape[0]) // stride + 1
    o_w = (x.shape[1] - kernel.shape[1]) // stride + 1
    return full[:o_h, :o_w]


def _layer_twice_the_padding(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=bias, stride=stride, padding=2 * padding)


def _layer_no_plus_one(x, kernel, bias, stride, padding):
    full = conv2d(x, kernel, bias=bias, stride=stride, padding=padding)
    return full[:-1, :-1]


def _layer_windows_not_strided(x, kernel, bias, stride, padding):
    f_h, f_w = kernel.shape
    size = conv2d(x, kernel, stride=stride, padding=padding).shape
    return conv2d(x, kernel, bias=bias, padding=padding)[:size[0], :size[1]]


def _layer_flipped(x, kernel, bias, stride, padding):
    return conv2d(x, np.flip(kernel), bias=bias, stride=stride, padding=padding)


def _layer_bias_subtracted(x, kernel, bias, stride, padding):
    return conv2d(x, kernel, bias=-bias, stride=stride, padding=padding)


def _layer_bias_per_product(x, kernel, bias, stride, padding):
    """np.sum(window * kernel + bias): the bias added once per product."""
    return conv2d(x, kernel, bias=bias * np.size(kernel), stride=stride, padding=padding)


def _layer_bias_in_kernel(x, kernel, bias, stride, padding):
    """np.sum(window * (kernel + bias)): the bias added to every weight."""
    return conv2d(x, np.asarray(kernel) + bias, stride=stride, padding=padding)


def _layer_padded_with_ones(x, kernel, bias, stride, padding):
    return conv2d(np.pad(x, padding, constant_values=1), kernel, bias=bias, stride=stride)


def _layer_padded_with_edges(x, kernel, bias, stride, padding):
    return conv2d(np.pad(x, padding, mode="edge"), kernel, bias=bias, stride=stride)


def _layer_integer_output(x, kernel, bias, stride, padding):
    """What an output array made with dtype=int keeps: each value cut to a whole number."""
    return conv2d(x, kernel, bias=bias, stride=stride, padding=padding).astype(int)


_rng_q8 = np.random.default_rng(8)
_LAYER_CASES = [
    (np.array(LESSON01_X), np.array(LESSON01_KERNEL), -10, 1, 1),        # the 4x4 example, P = 1
    (np.array(DIGIT_FOUR), np.array(HORIZONTAL_LINE_KERNEL), 0.5, 2, 1),
    (np.array(CONV_EXAMPLE_X), np.array(LESSON01_KERNEL), 0, 2, 1),     # section 7's animation
    (_rng_q8.integers(-3, 4, size=(7, 9)), _rng_q8.integers(-2, 3, size=(2, 3)), 1.5, 3, 2),
    (_rng_q8.normal(size=(6, 5)).round(2), _rng_q8.normal(size=(3, 1)).round(2), -0.25, 1, 0),
]

#: q8's predictable mistakes: (wrong function, message). On _LAYER_CASES each gives results of
#: its own (tests/test_exercises_lesson01.py), so each message can show.
Q8_MISTAKES = [
    (_layer_no_bias, "every value is off by exactly the bias: add `bias` to each window's sum."),
    (_layer_ignores_stride, "your function ignores the stride: it returns the stride-1 "
                            "feature map. Window (i, j) starts at row i * S, column j * S of "
                            "the padded input."),
    (_layer_no_padding, "your output is the size WITHOUT padding: pad P zeros on every side "
                        "first, np.pad(x, padding)."),
    (_layer_padded_after, "you padded the bottom and right only: P zeros go on EVERY side, "
                          "np.pad(x, padding) (or ((P, P), (P, P)))."),
    (_layer_padded_before, "your map has (H - F_h + P) // S + 1 rows and (W - F_w + P) // S "
                           "+ 1 columns, the first ones of the right map: P zeros counted "
                           "once, not twice. Either you padded the top and left only (P zeros "
                           "go on EVERY side, np.pad(x, padding)), or your output size has "
                           "+ P where it needs + 2P."),
    (_layer_padded_2p_after, "the size is right, but every window is shifted: you put all 2P "
                             "zeros at the bottom and right. P zeros go on EVERY side, "
                             "np.pad(x, padding)."),
    (_layer_size_of_unpadded, "your values are the right map's first ones, but your map has the "
                              "size of x WITHOUT padding: compute O from the padded array, "
                              "(H - F_h + 2P) // S + 1."),
    (_layer_twice_the_padding, "you padded 2P zeros on each side. The 2P of the formula is P "
                               "on each side, counted together: np.pad(x, padding)."),
    (_layer_windows_not_strided, "the output size is right, but the windows are not: the "
                                 "window for output (i, j) starts at row i * S and column "
                                 "j * S of the padded input, not at (i, j)."),
    (_layer_no_plus_one, "the output has one row and one column too few: "
                         "O = (N - F + 2P) // S + 1, count the first position too."),
    (_layer_flipped, "you flipped the kernel: Conv2D slides it as it is (cross-correlation)."),
    (_layer_integer_output, _INTEGER_OUTPUT.format(example="the results of a bias such as "
                                                           "0.5")),
    (_layer_bias_subtracted, "every value is the window's sum MINUS the bias: add `bias` "
                             "instead."),
    (_layer_bias_per_product, "the bias was added once per product, F_h x F_w times (inside "
                              "np.sum?): add it once, to the window's sum, "
                              "np.sum(window * kernel) + bias."),
    (_layer_bias_in_kernel, "the bias was added to every weight, np.sum(window * (kernel + "
                            "bias)): add it once, to the window's sum, "
                            "np.sum(window * kernel) + bias."),
    (_layer_padded_with_ones, "your border holds ones, not zeros: np.pad(x, padding) pads zeros "
                              "(constant_values=0 is its default)."),
    (_layer_padded_with_edges, "your border repeats the edge pixels (mode='edge'); Conv2D pads "
                               "zeros: np.pad(x, padding)."),
]

#: How a learner can rebuild each case's arrays, as for q4.
_LAYER_LABELS = [
    ("LESSON01_X", "LESSON01_KERNEL"),
    ("DIGIT_FOUR", "HORIZONTAL_LINE_KERNEL"),
    ("CONV_EXAMPLE_X", "LESSON01_KERNEL"),
    ("np.random.default_rng(8).integers(-3, 4, size=(7, 9))", _literal(_LAYER_CASES[3][1])),
    (_literal(_LAYER_CASES[4][0]), _literal(_LAYER_CASES[4][1])),
]
_check_layer_cases = function(_LAYER_CASES, reference=_layer_reference, mistakes=Q8_MISTAKES,
                              forbidden=_FORBIDDEN, labels=_LAYER_LABELS)


_SWAPPED_STRIDE_PADDING = ("your function reads stride and padding the other way round: "
                           "called with the two exchanged, it gives the expected map on every "
                           "case with P >= 1. The order is (x, kernel, bias, stride, padding).")


def _stride_and_padding_swapped(answer) -> bool:
    """Whether the learner's function, given padding where stride goes and stride where padding
    goes, returns the right map on every case with P >= 1 (three of them have S != P): then it
    reads the two in the other order."""
    for x, kernel, bias, stride, padding in _LAYER_CASES:
        if padding < 1:
            continue
        try:
            result = np.asarray(answer(x.copy(), kernel.copy(), bias, padding, stride),
                                dtype=float)
        except Exception:
            return False
        right = _layer_reference(x, kernel, bias, stride, padding)
        if result.shape != right.shape or not np.allclose(result, right):
            return False
    return True


def _calls_list_returning_q4(answer) -> bool:
    """Whether a learner's q8 function calls their q4 strided_corr2d, and that returns a list."""
    names = getattr(getattr(answer, "__code__", None), "co_names", ())
    q4_function = getattr(answer, "__globals__", {}).get("strided_corr2d")
    return "strided_corr2d" in names and callable(q4_function) and _returns_list(q4_function)


def _calls_integer_q4(answer) -> bool:
    """Whether a learner's q8 function calls their q4 strided_corr2d, and that returns an
    integer array that cuts q4's float case (what q4's check tells)."""
    names = getattr(getattr(answer, "__code__", None), "co_names", ())
    q4_function = getattr(answer, "__globals__", {}).get("strided_corr2d")
    return ("strided_corr2d" in names and callable(q4_function)
            and _integer_cut(q4_function, _STRIDED_CASES, _reference) is not None)


def _check_layer(answer):
    """q8's checker: the cases, then advice for errors a learner's function raises and for an
    integer output array."""
    final, message = _loops_verdict(answer, _check_layer_cases, _LAYER_CASES, _layer_reference,
                                    lambda index: "the results of a bias such as 0.5")
    if final:
        return message
    if _calls_integer_q4(answer):
        return message.rstrip(" .") + (". Your q4 function strided_corr2d returns an integer "
                                      "array, which cuts values that are not whole (q4's check "
                                      "says so): make it return floats, np.zeros((o_h, o_w)).")
    if _stride_and_padding_swapped(answer):
        return _SWAPPED_STRIDE_PADDING
    if _FLOAT_SIZE_ERROR in message:
        return message.rstrip(" .") + _FLOAT_SIZE_ADVICE.replace("(H - F_h) // S + 1",
                                                                 "(H - F_h + 2P) // S + 1")
    if "can only concatenate list" in message and _calls_list_returning_q4(answer):
        return message.rstrip(" .") + (". Your q4 function strided_corr2d returns a list: wrap "
                                      "its result in np.array (or return np.array in q4).")
    if "_Placeholder" in message:   # the lesson names the earlier function: no generic clause
        return message.split(": it met ____")[0].rstrip(" .") + (
            ". Something your function calls still returns ____: is it q4's strided_corr2d, "
            "not written yet? Answer q4 first, or write the loops here.")
    if "could not be broadcast" in message:
        return message.rstrip(" .") + "." + _broadcast_cause(answer, _LAYER_CASES,
                                                             _PAST_THE_PADDED_EDGE)
    if "has shape (0, 0)" in message:       # no window fitted: a size came out 0 or less
        return message.rstrip(" .") + (". An empty map: did a size come out 0 or less? Check "
                                      "the order of the arguments, (x, kernel, bias, stride, "
                                      "padding), and the size, (H - F_h + 2P) // S + 1.")
    return message


class _Q8(Exercise):
    """q8: after "Correct!", a function that returned a list is told its values are right and
    that it should return an array, and why."""

    def feedback(self, *answer) -> str:
        text = super().feedback(*answer)
        if text.startswith("Correct!") and answer and _returns_list(answer[0], 0, 1, 0):
            text += (" Every value is right, but your function returns a list: return an "
                     "np.array (wrap the result in np.array(...)). A Conv2D layer's output is an "
                     "array, and code that uses a feature map expects one: a list has no .shape, "
                     "and a list + a number raises TypeError.")
        return text


q8 = _Q8(
    "Write conv_one_filter(x, kernel, bias, stride, padding): what a Conv2D layer with one filter "
    "computes on one image. x is a 2-D array (H, W), kernel a 2-D array (F_h, F_w), bias a "
    "number, stride S and padding P whole numbers. Pad P zeros on every side, slide the kernel "
    "S pixels at a time (no flipping), add the bias to every window's sum, and return the 2-D "
    "feature map of shape ((H - F_h + 2P) // S + 1, (W - F_w + 2P) // S + 1). Write the loops "
    "yourself: not conv2d, tf.nn.conv2d or Conv2D, which the check compares with.",
    checker=_check_layer,
    hint=["np.pad(x, padding) adds P zeros on every side. Then it is q4's loop on the padded "
          "input, plus the bias.",
          "For output (i, j): np.sum(padded[i * S:i * S + F_h, j * S:j * S + F_w] * kernel) "
          "+ bias."],
    solution_answer=conv_one_filter,
)


__all__ = ["Q2_STEP", "Q1_KERNEL", "left_edge_zone", *bind_exercises(globals())]
