"""Check yourself, lesson 04: 1x1 and transposed convolution.

In the notebook::

    from course_utils.exercises.lesson04 import q1, q2, q3, q4, q5, q6, q7, q8

    answer = ____
    q1.check(answer)

Each exercise's expected answer, and each known wrong answer, is computed here from the
question's own numbers (never typed in); tests/test_exercises_lesson04.py checks the expected
answers against Keras, checks that the wrong answers differ, and lists what a learner may
type (LEARNER_ANSWERS) with the message each must get. The questions use other numbers than
the lesson's worked examples, so no answer is printed in the lesson. q2, q3, q6 and q7 ask for
a function, run on test cases (CS231n's way): the fully connected layer's kernel as a
convolution's, im2col, the transposed convolution (by stamping or by zero insertion), and the
stamp counts behind the checkerboard (how many stamps cover each output pixel). q8 asks for a
Keras decoder built from Conv2DTranspose layers (checked by its output shape).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ..arithmetic import (
    conv_mults,
    conv_output_size,
    conv_transpose_output_size,
)
from ..data import LESSON01_X, TRANSPOSED_EXAMPLE_X
from ..ops import conv2d, conv2d_transpose, im2col
from ..validation import describe, is_keras_model
from . import (
    NOT_ANSWERED,
    Exercise,
    OneImageShape,
    array,
    bind_exercises,
    called_once,
    function,
    number,
    shape,
    uses_placeholder,
)

# --- q1: the widest squeeze that halves the cost ----------------------------------------------

_N, _C_IN, _C_OUT, _F = 28, 192, 32, 5
_DIRECT = conv_mults((_N, _N, _C_IN), _F, _C_OUT, padding="same")  # 120,422,400


def _squeeze(width):
    """The 1x1 layer's multiplications: 28x28x192 -> width channels."""
    return conv_mults((_N, _N, _C_IN), 1, width, padding="same")


def _five_by_five(width, padding="same"):
    """The 5x5 layer's multiplications after the squeeze: width channels -> 32."""
    return conv_mults((_N, _N, width), _F, _C_OUT, padding=padding)


def _widest(cost, budget=_DIRECT / 2):
    """The largest whole width whose cost(width) is at most budget (both grow with width)."""
    width = 0
    while cost(width + 1) <= budget:
        width += 1
    return width


_HALF_WIDTH = _widest(lambda w: _squeeze(w) + _five_by_five(w))            # 77
_PER_CHANNEL = _squeeze(1) + _five_by_five(1)      # each squeeze channel's cost, both layers
_EXACT_WIDTH = _DIRECT / 2 / _PER_CHANNEL                                  # 77.42
_VALID_WIDTH = _widest(lambda w: _squeeze(w) + _five_by_five(w, "valid"),
                       conv_mults((_N, _N, _C_IN), _F, _C_OUT) / 2)        # 72

q1 = Exercise(
    "Section 2's bottleneck squeezes 192 channels to 16. What is the widest squeeze w (the 1x1 "
    "layer's output channels) for which 28x28x192 -> Conv2D(w, 1) -> Conv2D(32, 5, "
    "padding='same') costs at most half the multiplications of the direct Conv2D(32, 5, "
    "padding='same')?",
    checker=number(_HALF_WIDTH, mistakes={
        _HALF_WIDTH + 1: f"w = {_HALF_WIDTH + 1} costs "
                         f"{_squeeze(_HALF_WIDTH + 1) + _five_by_five(_HALF_WIDTH + 1):,}, "
                         f"more than half of {_DIRECT:,}: round the width down.",
        _EXACT_WIDTH: "channels come whole: give the largest whole w whose cost stays at or "
                      "under half.",
        _widest(_five_by_five): f"{_widest(_five_by_five)} is the width at which the 5x5 "
                                "layer alone costs half (and half of 192 channels); the 1x1 "
                                "layer costs 28 * 28 * w * 192 on top, and both grow with w.",
        _widest(_squeeze): "that counts the 1x1 layer only; the 5x5 layer after it costs "
                           "28 * 28 * 32 * 5 * 5 * w too.",
        _VALID_WIDTH: "that is the answer with padding='valid' (24x24 outputs) for the 5x5 "
                      "layers; here padding='same' keeps them 28x28.",
        _DIRECT / 2: "that is half the direct layer's cost; the question asks for the width w.",
        _squeeze(_HALF_WIDTH) + _five_by_five(_HALF_WIDTH):
            "that is the bottleneck's cost at the right width; give the width w itself.",
    }),
    hint=["Both layers' costs grow in proportion to w: the bottleneck costs "
          "28 * 28 * w * (192 + 5 * 5 * 32), w times the cost of one squeeze channel.",
          "Solve 28 * 28 * w * (192 + 5 * 5 * 32) <= 28 * 28 * 32 * 5 * 5 * 192 / 2 for w, then "
          "take the largest whole w."],
    solution=f"""\
direct = 28 * 28 * 32 * 5 * 5 * 192              # {_DIRECT:,}
per_channel = 28 * 28 * (192 + 5 * 5 * 32)      # one squeeze channel, both layers: {_PER_CHANNEL:,}
answer = int(direct / 2 // per_channel)
# = {_HALF_WIDTH} (the exact bound is {_EXACT_WIDTH:.2f}). The bottleneck saves because the 5x5
# layer reads w channels instead of 192; a wider squeeze gives some of that back.""",
    solution_answer=_HALF_WIDTH,
)

# --- q2: a fully connected layer's kernel as a convolution's -----------------------------------

def dense_to_conv_kernel(dense_kernel, height, width, channels):
    """The Conv2D kernel (height, width, channels, units) that computes what Flatten + Dense
    computes with dense_kernel (height * width * channels, units)."""
    return np.asarray(dense_kernel).reshape(height, width, channels, -1)


def _channels_first(dense_kernel, height, width, channels):
    kernel = np.asarray(dense_kernel).reshape(channels, height, width, -1)
    return kernel.transpose(1, 2, 0, 3)


def _columns_first(dense_kernel, height, width, channels):
    kernel = np.asarray(dense_kernel).reshape(width, height, channels, -1)
    return kernel.transpose(1, 0, 2, 3)


def _units_first(dense_kernel, height, width, channels):
    kernel = np.asarray(dense_kernel).reshape(-1, height, width, channels)
    return kernel.transpose(1, 2, 3, 0)


_rng = np.random.default_rng(4)
_FC_CASES = [
    (_rng.integers(-9, 10, size=(2 * 3 * 4, 5)), 2, 3, 4),     # not square, 4 channels
    (_rng.integers(-9, 10, size=(3 * 3 * 2, 1)), 3, 3, 2),     # one unit
    (_rng.integers(-9, 10, size=(1 * 4 * 3, 2)), 1, 4, 3),     # one row
    (_rng.integers(-9, 10, size=(5 * 2 * 1, 3)), 5, 2, 1),     # one channel
]

#: The wrong functions q2 recognises, each with its message (tests check they differ).
Q2_MISTAKES = [
    (_channels_first, "it reads the flattened vector channel by channel (the channel index "
                      "varying slowest, PyTorch's channels-first order). Keras's Flatten reads "
                      "the (height, width, channels) map with the channel index varying "
                      "fastest, so a plain reshape(height, width, channels, units) is right."),
    (_columns_first, "it reads the flattened vector column by column. Flatten goes along each "
                     "row: the column index varies faster than the row index (and the channel "
                     "index fastest of all)."),
    (_units_first, "it reads the Dense kernel as (units, inputs), PyTorch's Linear layout. "
                   "Keras's Dense kernel is (inputs, units): the units are its last axis."),
]

q2 = Exercise(
    "Write dense_to_conv_kernel(dense_kernel, height, width, channels). dense_kernel is the "
    "kernel of a Dense(units) layer after Flatten on a height x width x channels map, shape "
    "(height * width * channels, units). Return the kernel, shape (height, width, channels, "
    "units), of the Conv2D(units, (height, width)) that computes the same outputs.",
    checker=function(_FC_CASES, reference=dense_to_conv_kernel, mistakes=Q2_MISTAKES),
    hint=["Flatten reads the map in NumPy's order (C order): index (row, column, channel) "
          "lands at position (row * width + column) * channels + channel, so the channel "
          "index varies fastest.",
          "A Conv2D kernel (kh, kw, in, out) lists its weights in that same order (section 3): "
          "no weight has to move, only the array's shape changes."],
    solution_answer=dense_to_conv_kernel,
)


# --- q3: im2col, written by the learner --------------------------------------------------------

def patch_matrix(x, f, stride=1, padding=0):
    """im2col of one image x (H, W, C): one row per window, (O_h * O_w, f * f * C)."""
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    o_h = (x.shape[0] - f) // stride + 1
    o_w = (x.shape[1] - f) // stride + 1
    rows = []
    for i in range(o_h):
        for j in range(o_w):
            window = x[i * stride:i * stride + f, j * stride:j * stride + f, :]
            rows.append(window.ravel())        # row, column, channel: the channel fastest
    return np.array(rows)


def _windows(x, f, stride, padding, order="rows"):
    """The windows of patch_matrix as a list of (F, F, C) arrays, in the given order."""
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    o_h = (x.shape[0] - f) // stride + 1
    o_w = (x.shape[1] - f) // stride + 1
    pairs = [(i, j) for i in range(o_h) for j in range(o_w)]
    if order == "columns":
        pairs = [(i, j) for j in range(o_w) for i in range(o_h)]
    return [x[i * stride:i * stride + f, j * stride:j * stride + f, :] for i, j in pairs]


def _channel_first_rows(x, f, stride=1, padding=0):
    return np.array([w.transpose(2, 0, 1).ravel() for w in _windows(x, f, stride, padding)])


def _windows_as_columns(x, f, stride=1, padding=0):
    return patch_matrix(x, f, stride, padding).T


def _column_major_windows(x, f, stride=1, padding=0):
    return np.array([w.ravel() for w in _windows(x, f, stride, padding, order="columns")])


def _ignores_stride_patches(x, f, stride=1, padding=0):
    return patch_matrix(x, f, 1, padding)


def _windows_not_strided(x, f, stride=1, padding=0):
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    o_h = (x.shape[0] - f) // stride + 1
    o_w = (x.shape[1] - f) // stride + 1
    return np.array([x[i:i + f, j:j + f, :].ravel() for i in range(o_h) for j in range(o_w)])


def _ignores_padding_patches(x, f, stride=1, padding=0):
    return patch_matrix(x, f, stride, 0)


def _one_window_short_patches(x, f, stride=1, padding=0):
    # O = (n - f) // s windows, without the + 1
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    o_h, o_w = (x.shape[0] - f) // stride, (x.shape[1] - f) // stride
    return np.array([x[i * stride:i * stride + f, j * stride:j * stride + f, :].ravel()
                     for i in range(o_h) for j in range(o_w)])


def _range_stops_early_patches(x, f, stride=1, padding=0):
    # the starts from range(0, n - f, s): it leaves out n - f itself, the last start, which
    # is a start only when (n - f) / s is whole
    x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    return np.array([x[i:i + f, j:j + f, :].ravel()
                     for i in range(0, x.shape[0] - f, stride)
                     for j in range(0, x.shape[1] - f, stride)])


def _pads_every_axis(x, f, stride=1, padding=0):
    # np.pad(x, P) pads all three axes: P zero channels before and after the image's
    return patch_matrix(np.pad(x, padding), f, stride, 0)


def _rounded_up_note(checker):
    """checker, with a note on the window count when the answer is right on every case whose
    (H + 2P - F) / S is whole, and fails only where it is not: there, it raised (a window
    starting past the last start runs over the edge and comes out short) or returned
    ceil((H + 2P - F) / S) + 1 windows along each axis, which proves the count rounded up."""

    def evidence(answer):
        """(the first case whose count is not whole, what the answer proves there) or None."""
        found = None
        for args in _IM2COL_CASES:
            x, f, stride, padding = (*args, *(1, 0)[len(args) - 2:])
            whole = all((side + 2 * padding - f) % stride == 0 for side in x.shape[:2])
            try:      # a CalledOnce answer returns its earlier result: nothing runs twice
                result = np.asarray(answer(np.copy(x), *args[1:]))
            except Exception:
                if whole:
                    return None
                found = found or (args, None)
                continue
            expected = patch_matrix(x, f, stride, padding)
            if whole:
                if result.shape != expected.shape or not np.allclose(result, expected):
                    return None
                continue
            up = [-(-(side + 2 * padding - f) // stride) + 1 for side in x.shape[:2]]
            if result.ndim != 2 or result.shape[0] != up[0] * up[1]:
                return None
            found = found or (args, up)
        return found

    def check(answer):
        message = checker(answer)
        if not message or not message.startswith("on ") or not callable(answer):
            return message
        found = evidence(answer)
        if found is None:
            return message
        (x, f, *rest), up = found
        stride, padding = (*rest, *(1, 0)[len(rest):])
        side = x.shape[0] + 2 * padding
        windows = (side - f) // stride + 1
        said = ("Your function is right on every case where (H + 2P - F) / S is whole; on this "
                f"one it is ({x.shape[0]} + {2 * padding} - {f}) / {stride} = "
                f"{(side - f) / stride:g}.")
        if up is not None:
            said += (f" It returned {up[0]} windows down and {up[1]} across: the count was "
                     "rounded up.")
        image = "the padded image" if padding else "the image"
        return (f"{message}\n{said} Round the window count down, O = (H + 2P - F) // S + 1 = "
                f"{windows}: a window starting at row {windows * stride} would need rows "
                f"{windows * stride} to {windows * stride + f - 1}, and {image} has rows 0 to "
                f"{side - 1}.")

    return check


_rng = np.random.default_rng(5)
_IM2COL_CASES = [
    (np.asarray(LESSON01_X)[:, :, None], 3),                          # lesson 01's 4x4 example
    (_rng.integers(0, 10, size=(5, 5, 2)), 3, 2),                     # stride 2, two channels
    (_rng.integers(0, 10, size=(4, 6, 3)), 2, 2),                     # not square
    (_rng.integers(1, 10, size=(3, 4, 2)), 3, 1, 1),                  # padding 1
    (_rng.integers(1, 10, size=(6, 6, 1)), 2, 3, 1),                  # stride 3 and padding
    (_rng.integers(0, 10, size=(6, 6, 1)), 3, 2),                     # (6 - 3) / 2 = 1.5
]

#: The wrong functions q3 recognises, each with its message (tests check they differ).
Q3_MISTAKES = [
    (_channel_first_rows, "each row lists its window channel by channel (all of channel 0, "
                          "then channel 1). The columns must follow kernel.reshape(-1, C_out) "
                          "of a Conv2D kernel (F, F, C, C_out): row, column, channel, with the "
                          "channel fastest, which is window.ravel() of the (F, F, C) window."),
    (_windows_as_columns, "it puts one window per column (some texts do); this question asks "
                          "for one window per ROW, (O_h * O_w, F * F * C)."),
    (_column_major_windows, "the windows are in the wrong order: the rows must follow the "
                            "output row by row, so the window at output (0, 1) comes before "
                            "the one at (1, 0)."),
    (_ignores_stride_patches, "it takes a window at every position: with stride S the windows "
                              "start S rows (and S columns) apart, and O = (H + 2P - F) // S "
                              "+ 1."),
    (_windows_not_strided, "the number of windows is right, but not where they start: window "
                           "(i, j) starts at row i * S and column j * S, not at (i, j)."),
    (_ignores_padding_patches, "the padding is missing: put P zeros all round the image first, "
                               "np.pad(x, ((P, P), (P, P), (0, 0)))."),
    (_pads_every_axis, "np.pad(x, P) pads every axis, the channels too: each window holds "
                       "F * F * (C + 2P) values instead of F * F * C. Pad only the rows and the "
                       "columns: np.pad(x, ((P, P), (P, P), (0, 0)))."),
    (_one_window_short_patches, "it stops one window early along each axis: the last window "
                                "starts at row n - f (n counted after the padding), so there "
                                "are (n - f) // s + 1 windows, one more than yours."),
    (_range_stops_early_patches, "its windows start at range(0, n - f, s) (n counted after the "
                                 "padding), which leaves out n - f itself: where (n - f) / s "
                                 "is whole, the last window starts there. Use range(0, "
                                 "n - f + 1, s), (n - f) // s + 1 starts."),
]

q3 = Exercise(
    "Write patch_matrix(x, f, stride=1, padding=0), im2col for one image. x is a NumPy array "
    "(H, W, C); f is the kernel size F; padding is P zeros all round; stride is S: windows "
    "start S apart, so O_h = (H + 2P - F) // S + 1 (O_w likewise). Return the patch matrix, "
    "shape (O_h * O_w, F * F * C): one row per window, in the order the output is read (row "
    "by row), each window flattened in the order of kernel.reshape(-1, C_out) for a Conv2D "
    "kernel (F, F, C, C_out): row, column, then channel. Build the windows yourself: do not "
    "call the course's im2col.",
    checker=_rounded_up_note(function(_IM2COL_CASES, reference=im2col, mistakes=Q3_MISTAKES,
                                      forbidden=["im2col", "conv2d_im2col"])),
    hint=["Pad first: np.pad(x, ((P, P), (P, P), (0, 0))). Then O = (H + 2P - F) // S + 1 "
          "windows down and (W + 2P - F) // S + 1 across.",
          "Window (i, j) is x[i*S:i*S + F, j*S:j*S + F, :]; window.ravel() gives its values "
          "in the kernel's order. Collect the rows in a list, row by row, and return "
          "np.array(rows)."],
    solution_answer=patch_matrix,
)

# --- q4: a decoder layer's output shape --------------------------------------------------------

_Q4_SIDE = conv_transpose_output_size(7, 4, 2)        # 'valid', the layer's default
_Q4 = (_Q4_SIDE, _Q4_SIDE, 8)
_Q4_SAME = conv_transpose_output_size(7, 4, 2, "same")

_Q4_DOWN_BY_SLASH = (7 - 4) / 2 + 1                  # 2.5: the ordinary convolution's formula


def _q4_checker(expected_shape, mistakes):
    """The shape checker, with q4's own word on a size that is not whole: a transposed
    convolution's size has no division, so "divide with //" would point the wrong way."""
    check_shape = shape(expected_shape, mistakes=mistakes)

    def check(answer):
        try:
            entries = list(answer)
        except TypeError:
            return check_shape(answer)
        fractions = [entry for entry in entries if isinstance(entry, float | np.floating)
                     and not float(entry).is_integer()]
        if not fractions:
            return check_shape(answer)
        if all(np.isclose(entry, _Q4_DOWN_BY_SLASH) for entry in fractions):
            return (f"{_Q4_DOWN_BY_SLASH} is (N - F) / S + 1, the ordinary convolution's "
                    "output size. A transposed convolution's size is whole, with no division: "
                    "(N - 1) * S + F.")
        return (f"a shape holds whole numbers, but yours holds {fractions[0]}. A transposed "
                "convolution's size has no division: (N - 1) * S + F, and the channels are "
                "the layer's filters.")

    return check


q4 = OneImageShape(
    "A decoder applies Conv2DTranspose(8, 4, strides=2) to a 7x7x32 map. What is the output "
    "shape (height, width, channels)?",
    checker=_q4_checker(_Q4, mistakes={
        (_Q4_SAME, _Q4_SAME, 8):
            f"{_Q4_SAME} is N * S, what padding='same' gives. This layer has the default "
            "padding, 'valid', which keeps the full result: (N - 1) * S + F (section 6).",
        (7 * 2 + 4, 7 * 2 + 4, 8):
            f"{7 * 2 + 4} is N * S + F, but the first input row's stamp starts at row 0: the "
            "full result has (N - 1) * S + F rows.",
        (7, 7, 8): "that is the input's size; a transposed convolution with strides=2 "
                   "enlarges the map.",
        (conv_transpose_output_size(7, 4, 1),) * 2 + (8,):
            f"{conv_transpose_output_size(7, 4, 1)} is (N - 1) + F, stride 1; with strides=2 "
            "each input row moves the stamp 2 rows: (N - 1) * S + F.",
        (_Q4_SIDE, _Q4_SIDE, 32): "the channels of the output are the layer's 8 filters.",
        (conv_output_size(7, 4, 2),) * 2 + (8,):
            "that is a convolution with stride 2; the transposed one enlarges.",
        (-(-7 // 2),) * 2 + (8,):
            f"{-(-7 // 2)} is ceil(N / S), a stride-2 'same' convolution's size; the transposed "
            "one enlarges: (N - 1) * S + F with the default 'valid'.",
        ((7 - 1) * 2,) * 2 + (8,):
            f"{(7 - 1) * 2} is (N - 1) * S, where the last stamp starts; the stamp itself is "
            "F = 4 rows tall: (N - 1) * S + F.",
        (_Q4_SAME, _Q4_SAME, 32):
            f"{_Q4_SAME} is N * S, what padding='same' gives (this layer has the default "
            "'valid': (N - 1) * S + F), and the output's channels are the layer's 8 filters.",
        # near misses: the answer proves only how far off it is, not which step slipped
        **{(_Q4_SIDE + off, _Q4_SIDE + off, 8):
           f"{_Q4_SIDE + off} is {abs(off)} {'more' if off > 0 else 'less'} than the expected "
           "height and width: work out (N - 1) * S + F again, with N = 7, S = 2 and F = 4."
           for off in (-3, -1, 1)},
    }),
    hint=["The layer has the default padding, 'valid': nothing is cropped (section 6).",
          "'valid' gives the full result, (N - 1) * S + F rows and columns; the channels are "
          "the layer's filters."],
    solution=f"((7 - 1) * 2 + 4, (7 - 1) * 2 + 4, 8)  # 'valid': (N - 1) * S + F = {_Q4_SIDE} "
             "per side; 8 filters",
    solution_answer=_Q4,
)


# --- q5: a transposed convolution by hand -------------------------------------------------------

#: The 2x2 input of questions 5 and 7: the input of lesson 04's transposed-convolution GIF.
TRANSPOSE_X = TRANSPOSED_EXAMPLE_X
#: The 2x2 kernel of question 5. Chosen so that the kernel, its transpose and its flip all
#: differ, and so do the answers they give (tests check it).
TRANSPOSE_KERNEL = np.array([[2, 0], [1, 3]])
TRANSPOSE_KERNEL.setflags(write=False)


def _stamps_overwritten(x, kernel):
    """What a learner gets by writing each stamp over the previous ones instead of adding."""
    f = kernel.shape[0]
    out = np.zeros((x.shape[0] + f - 1, x.shape[1] + f - 1))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i:i + f, j:j + f] = x[i, j] * kernel
    return out


_Q5 = conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL)
#: The answers of the mistakes q5 recognises, with their messages (tests check they all differ).
Q5_MISTAKES = [
    (conv2d_transpose(TRANSPOSE_X, np.flip(TRANSPOSE_KERNEL)),
     "your answer equals stamping the kernel flipped (rotated 180 degrees). If you slid the "
     "kernel over the zero-padded input, flip it first (section 7); if you stamped, use the "
     "kernel as it is: each input value adds value * kernel."),
    (conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL.T),
     "you used the kernel transposed; keep it as it is: [[2, 0], [1, 3]]."),
    (conv2d_transpose(TRANSPOSE_X.T, TRANSPOSE_KERNEL),
     "you read the input by columns: input value 2 sits at row 0, column 1, so its stamp "
     "goes one column to the right of the first."),
    (_stamps_overwritten(TRANSPOSE_X, TRANSPOSE_KERNEL),
     "where stamps overlap, add them; each stamp must not overwrite the ones before it."),
    (conv2d_transpose(TRANSPOSE_X, TRANSPOSE_KERNEL, stride=2),
     "that is stride 2 (stamps side by side); with stride 1 neighbouring stamps are one "
     "position apart and overlap."),
    (conv2d(TRANSPOSE_X, TRANSPOSE_KERNEL),
     "that is an ordinary convolution: the kernel slides over the input and the 2x2 map "
     "shrinks to 1x1. A transposed convolution enlarges it: each input value stamps value * "
     "kernel into a 3x3 output."),
    (conv2d(TRANSPOSE_X, TRANSPOSE_KERNEL).reshape(()),
     "that is an ordinary convolution (one window, one number); a transposed convolution "
     "enlarges the map: each input value stamps value * kernel into a 3x3 output."),
]


def _centre():
    """The centre value's sum, written out for the hint: input value * kernel entry."""
    terms = [f"{TRANSPOSE_X[i, j]}*{TRANSPOSE_KERNEL[1 - i, 1 - j]}"
             for i in range(2) for j in range(2)]
    return " + ".join(terms)


q5 = Exercise(
    "By hand: the transposed convolution (stride 1, 'valid') of TRANSPOSE_X = [[1, 2], [3, 4]] "
    "with TRANSPOSE_KERNEL = [[2, 0], [1, 3]]. Answer with a 3x3 list of lists.",
    checker=array(_Q5, mistakes=Q5_MISTAKES),
    hint=["Start from a 3x3 grid of zeros. Input value 1 (top-left) adds 1 * kernel to the "
          "top-left 2x2 block; value 2 adds 2 * kernel one column to the right; and so on.",
          f"Where stamps overlap, add them: the centre gets {_centre()}."],
    solution=f"""\
stamped = np.zeros((3, 3))
stamped[0:2, 0:2] += 1 * TRANSPOSE_KERNEL   # input value 1 (row 0, column 0)
stamped[0:2, 1:3] += 2 * TRANSPOSE_KERNEL   # input value 2 (row 0, column 1)
stamped[1:3, 0:2] += 3 * TRANSPOSE_KERNEL   # input value 3 (row 1, column 0)
stamped[1:3, 1:3] += 4 * TRANSPOSE_KERNEL   # input value 4 (row 1, column 1)
answer = stamped.astype(int).tolist()       # {_Q5.astype(int).tolist()}
q5.check(answer)""",
    solution_answer=_Q5.astype(int).tolist(),
)


# --- q6: the transposed convolution by stamping, written by the learner -----------------------

def conv_transpose(x, kernel, stride=1, padding=0):
    """Transposed convolution of x (H, W, C_in) with kernel (F, F, C_out, C_in), by stamping."""
    f, c_out = kernel.shape[0], kernel.shape[2]
    h, w = x.shape[0], x.shape[1]
    full = np.zeros(((h - 1) * stride + f, (w - 1) * stride + f, c_out))
    for i in range(h):
        for j in range(w):
            # kernel @ x[i, j] sums value * kernel slice over the input channels: (F, F, C_out)
            full[i * stride:i * stride + f, j * stride:j * stride + f, :] += kernel @ x[i, j]
    return full[padding:full.shape[0] - padding, padding:full.shape[1] - padding, :]


def _stamp_all(x, kernel, stride, place, combine="add"):
    """The full stamped result, each stamp placed by place(i, j) and added or written."""
    f, c_out = kernel.shape[0], kernel.shape[2]
    h, w = x.shape[0], x.shape[1]
    full = np.zeros(((h - 1) * stride + f, (w - 1) * stride + f, c_out))
    for i in range(h):
        for j in range(w):
            top, left = place(i, j)
            if combine == "add":
                full[top:top + f, left:left + f, :] += kernel @ x[i, j]
            else:
                full[top:top + f, left:left + f, :] = kernel @ x[i, j]
    return full


def _crop(full, padding):
    return full[padding:full.shape[0] - padding, padding:full.shape[1] - padding, :]


def _overwrites(x, kernel, stride=1, padding=0):
    return _crop(_stamp_all(x, kernel, stride, lambda i, j: (i * stride, j * stride), "set"),
                 padding)


def _stamps_not_spaced(x, kernel, stride=1, padding=0):
    return _crop(_stamp_all(x, kernel, stride, lambda i, j: (i, j)), padding)


def _flipped_stamps(x, kernel, stride=1, padding=0):
    return conv_transpose(x, kernel[::-1, ::-1], stride, padding)


def _no_crop(x, kernel, stride=1, padding=0):
    return conv_transpose(x, kernel, stride, 0)


def _crops_the_end(x, kernel, stride=1, padding=0):
    full = conv_transpose(x, kernel, stride, 0)
    return full[:full.shape[0] - 2 * padding, :full.shape[1] - 2 * padding, :]


def _crops_the_start(x, kernel, stride=1, padding=0):
    full = conv_transpose(x, kernel, stride, 0)
    return full[2 * padding:, 2 * padding:, :]


def _output_channels_summed(x, kernel, stride=1, padding=0):
    return conv_transpose(x, kernel, stride, padding).sum(axis=-1)


def _first_channel_only(x, kernel, stride=1, padding=0):
    return conv_transpose(x[:, :, :1], kernel[:, :, :, :1], stride, padding)


def _empty_when_unpadded(x, kernel, stride=1, padding=0):
    full = conv_transpose(x, kernel, stride, 0)
    return full[padding:-padding, padding:-padding, :]



def _slid_over_zeros(x, kernel, stride=1, padding=0, spacing=None, length=None, flip=True):
    """Section 7's way, for the wrong functions a learner writes with it: x spread out with
    spacing - 1 zeros between neighbours over length rows (and columns), padded with
    F - 1 - P zeros, then the kernel (flipped, as (F, F, C_in, C_out)) slid over it."""
    f, (h, w, c_in) = kernel.shape[0], x.shape
    spacing = stride if spacing is None else spacing
    length = length or (lambda n: (n - 1) * spacing + 1)
    spread = np.zeros((length(h), length(w), c_in))
    spread[:(h - 1) * spacing + 1:spacing, :(w - 1) * spacing + 1:spacing] = x
    edge = f - 1 - padding
    padded = np.pad(spread, ((edge, edge), (edge, edge), (0, 0)))
    slid = kernel[::-1, ::-1] if flip else kernel
    return conv2d(padded, slid.transpose(0, 1, 3, 2))


def _all_axes_flipped(x, kernel, stride=1, padding=0):
    # np.flip(kernel) with no axis also reverses both channel axes
    return _slid_over_zeros(x, np.flip(kernel, axis=(2, 3)), stride, padding)


def _spaced_by_s_zeros(x, kernel, stride=1, padding=0):
    return _slid_over_zeros(x, kernel, stride, padding, spacing=stride + 1)


def _spread_too_long(x, kernel, stride=1, padding=0):
    return _slid_over_zeros(x, kernel, stride, padding, length=lambda n: n * stride)


def _no_zeros_inserted(x, kernel, stride=1, padding=0):
    return _slid_over_zeros(x, kernel, stride, padding, spacing=1)

def _layout_note(checker):
    """checker, with a note on the kernel's layout when the answer proves the layout is the
    cause: it raised a ValueError (the shape mismatch of @, einsum or conv2d) on a case with
    C_out != C_in, or returned C_in channels where C_out differs, AND given every case's kernel
    with its last two axes swapped, (F, F, C_in, C_out), it runs and returns the expected shape
    (it reads the kernel as Conv2D's layout). Other wrong results, and errors the swap does not
    cure (an IndexError from swapped indices x[j, i], H used for both output sizes), get no
    such note."""
    note = ("The cases have S = 1 and 2, P = 0 and 1, and kernels with C_out != C_in, in "
            "Conv2DTranspose's layout (F, F, C_out, C_in): kernel.shape[2] is C_out, the "
            "output's channels. Stamping uses it as it is (kernel @ x[i, j]); zero insertion "
            "slides it with conv2d, which wants (F, F, C_in, C_out): there, swap the kernel's "
            "last two axes, kernel[::-1, ::-1].transpose(0, 1, 3, 2).")

    def looks_swapped(answer):
        for x, kernel, *rest in _TRANSPOSE_CASES:
            try:      # a CalledOnce answer returns its earlier result: nothing runs twice
                result = np.asarray(answer(np.copy(x), np.copy(kernel), *rest))
            except ValueError:     # the layout can be the cause only if C_out != C_in
                return kernel.shape[2] != kernel.shape[3]
            except Exception:      # an IndexError or a TypeError: not a shape mismatch
                continue
            c_out, c_in = kernel.shape[2:]
            if c_out != c_in and result.ndim == 3 and result.shape[2] == c_in:
                return True
        return False

    def swap_cures(answer):
        """True if the answer, given each kernel with its last two axes swapped, runs and
        returns the shape the right kernel gives: then the layout is what went wrong."""
        for x, kernel, *rest in _TRANSPOSE_CASES:
            try:
                result = np.asarray(answer(np.copy(x), np.copy(kernel).transpose(0, 1, 3, 2),
                                           *rest))
            except Exception:
                return False
            if result.shape != conv_transpose(x, kernel, *rest).shape:
                return False
        return True

    def check(answer):
        message = checker(answer)
        if message and message.startswith("on ") and callable(answer) \
                and looks_swapped(answer) and swap_cures(answer):
            message += "\n" + note
        return message

    return check


_rng = np.random.default_rng(6)
_first = np.random.default_rng(60)      # its own generator: the cases after it stay as they were
_TRANSPOSE_CASES = [
    # first, 2 output channels: a function that sums them is not told to add an axis of size 1
    (_first.integers(-3, 4, size=(2, 2, 2)), _first.integers(-3, 4, size=(3, 3, 2, 2))),  # S = 1
    (_rng.integers(-3, 4, size=(2, 2, 1)), _rng.integers(-3, 4, size=(3, 3, 1, 1))),  # S = 1
    (_rng.integers(-3, 4, size=(3, 3, 2)), _rng.integers(-3, 4, size=(3, 3, 1, 2)), 2),
    (_rng.integers(-3, 4, size=(2, 3, 1)), _rng.integers(-3, 4, size=(3, 3, 2, 1)), 2, 1),
    (_rng.integers(-3, 4, size=(2, 2, 3)), _rng.integers(-3, 4, size=(2, 2, 2, 3)), 2),  # F = S
    (_rng.integers(-3, 4, size=(3, 3, 1)), _rng.integers(-3, 4, size=(4, 4, 1, 1)), 2, 1),
]

#: The wrong functions q6 recognises, each with its message (tests check they differ).
Q6_MISTAKES = [
    (_overwrites, "where stamps overlap, add them (+=); your function writes each stamp over "
                  "the ones before it."),
    (_stamps_not_spaced, "the stamps are not spaced by the stride: input pixel (i, j) stamps "
                         "at row i * stride and column j * stride of the output, not at "
                         "(i, j)."),
    (_flipped_stamps, "your result equals stamping the kernel flipped (rotated 180 degrees). "
                      "If you slid the kernel over the zero-inserted input (section 7), flip it "
                      "first: kernel[::-1, ::-1]; if you stamped, use the kernel as it is."),
    (_no_crop, "your result is the full result, (H - 1) * S + F rows, with nothing cropped. "
               "With padding P, cut P rows and P columns from each side of it (stamping), or "
               "pad the zero-inserted input with F - 1 - P zeros, not F - 1 (section 7)."),
    (_no_zeros_inserted, "your result is the transposed convolution with stride 1: with "
                         "stride S, put S - 1 zeros between neighbouring input values (zero "
                         "insertion), or start each stamp S rows further (stamping)."),
    (_spaced_by_s_zeros, "your result is the transposed convolution with stride S + 1: "
                         "between neighbouring input values go S - 1 zeros, not S."),
    (_spread_too_long, "your result has S - 1 rows and columns too many at the bottom and "
                       "right: the full result has (H - 1) * S + F rows, and the spread-out "
                       "input of zero insertion (H - 1) * S + 1, not H * S."),
    (_crops_the_end, "the size is right but the crop is not: padding P cuts P rows and "
                     "columns from EACH side, not 2P from the bottom and right."),
    (_crops_the_start, "the size is right but the crop is not: padding P cuts P rows and "
                       "columns from EACH side, not 2P from the top and left."),
    (_all_axes_flipped, "your result equals zero insertion with np.flip(kernel): on a 4-D "
                        "kernel, np.flip without an axis flips all four axes, so the channels "
                        "come out reversed too. Flip only the two spatial axes: "
                        "np.flip(kernel, axis=(0, 1)), or kernel[::-1, ::-1]."),
    (_first_channel_only, "your result uses only the first input channel: each stamp sums "
                          "value * kernel[:, :, :, c] over ALL input channels c (kernel @ "
                          "x[i, j] does the sum)."),
    (_output_channels_summed, "your result is the right one with its C_out channels added "
                              "together: kernel @ x[i, j] is a stamp of shape (F, F, C_out); "
                              "add it whole, into an output of shape (..., C_out)."),
    (_empty_when_unpadded, "with padding 0 it returns an empty array: full[0:-0] is full[0:0] "
                           "(-0 is 0). Cut with full[P:full.shape[0] - P, P:full.shape[1] - P]."),
]

#: What already computes q6's answer: the course's helper (and tf.nn's namesake) and Keras's
#: layer. A function that calls one is told to write it without.
_Q6_FORBIDDEN = ("conv2d_transpose", "Conv2DTranspose")

q6 = Exercise(
    "Write conv_transpose(x, kernel, stride=1, padding=0) for one image, without calling "
    "conv2d_transpose or Conv2DTranspose:\n"
    "- inputs: x is (H, W, C_in); kernel has Conv2DTranspose's layout (F, F, C_out, C_in);\n"
    "- how: stamping (section 5): input pixel (i, j) adds kernel @ x[i, j] at row S * i, column "
    "S * j; zero insertion (section 7) passes too;\n"
    "- the integer P (padding): crop P rows and columns from each side of the full result;\n"
    "- return shape: ((H - 1) * S + F - 2P, (W - 1) * S + F - 2P, C_out);\n"
    "- compared with Conv2DTranspose afterwards: P = 0 is 'valid' (for F >= S), and P = 1 with "
    "F = 3, S = 1 is 'same'.",
    checker=_layout_note(function(_TRANSPOSE_CASES, reference=lambda x, kernel, stride=1,
                                  padding=0: conv2d_transpose(x, kernel, stride=stride,
                                                              padding=padding),
                                  mistakes=Q6_MISTAKES, forbidden=_Q6_FORBIDDEN)),
    hint=["Start from np.zeros(((H - 1) * S + F, (W - 1) * S + F, C_out)): the full result.",
          "kernel @ x[i, j] is the stamp of input pixel (i, j): (F, F, C_out, C_in) @ (C_in,) "
          "gives (F, F, C_out). Add it at rows i*S to i*S + F and columns j*S to j*S + F.",
          "Finally cut P rows and columns off each side: full[P:full.shape[0] - P, "
          "P:full.shape[1] - P, :] (full[P:-P] would be empty for P = 0)."],
    solution_answer=conv_transpose,
)


# --- q7: where the stamps overlap, the checkerboard's counts ---------------------------------

def stamp_counts(n, f, s):
    """How many stamps cover each pixel of the full result of a stride-s transposed
    convolution of an n x n input with an f x f kernel: ((n - 1) * s + f)-square counts."""
    size = (n - 1) * s + f      # self-contained: the learner path types this source as an answer
    counts = np.zeros((size, size), dtype=int)
    for i in range(n):
        for j in range(n):
            counts[i * s:i * s + f, j * s:j * s + f] += 1     # the stamp of input (i, j)
    return counts


def _stamps(n, f, s, step=None, width=None, add=True):
    """stamp_counts's loop, or a mistake's: stamps ``step`` apart (s when None), ``width``
    wide (f when None), added or only set to 1."""
    step, width = s if step is None else step, f if width is None else width
    size = (n - 1) * s + f
    counts = np.zeros((size, size), dtype=int)
    for i in range(n):
        for j in range(n):
            stamp = counts[i * step:i * step + width, j * step:j * step + width]   # input (i, j)
            if add:
                stamp += 1
            else:
                stamp[...] = 1
    return counts


def _counts_one_axis(n, f, s):
    """How many stamps cover each row of the full result (the columns alike)."""
    rows = np.zeros((n - 1) * s + f, dtype=int)
    for i in range(n):
        rows[i * s:i * s + f] += 1
    return rows


def _counts_set(n, f, s):
    return _stamps(n, f, s, add=False)


def _counts_not_spaced(n, f, s):
    return _stamps(n, f, s, step=1)


def _counts_stride_one(n, f, s):
    return stamp_counts(n, f, 1)


def _counts_stamp_one_short(n, f, s):
    return _stamps(n, f, s, width=f - 1)


def _counts_cut_to_n_s(n, f, s):
    # a map of N * S rows, 'same''s size: the slices cut the last stamps short
    return stamp_counts(n, f, s)[:n * s, :n * s]


def _counts_axes_added(n, f, s):
    rows = _counts_one_axis(n, f, s)
    return rows[:, None] + rows[None, :]


_STAMP_CASES = [
    (5, 3, 2),        # section 9's checkerboard (F = 3, S = 2), on a 5x5 input
    (3, 4, 2),        # F a multiple of S: even inside
    (2, 3, 3),        # F = S: stamps side by side, no overlap
    (3, 5, 2),        # three stamps overlap
    (3, 2, 1),        # stride 1
]

#: The wrong functions q7 recognises, each with its message (tests check they differ).
Q7_MISTAKES = [
    (_counts_set, "every covered pixel shows 1: your function sets each stamp's block to 1. "
                  "Add 1 instead (+= 1), so that a pixel two stamps cover counts 2."),
    (_counts_not_spaced, "the stamps are not spaced by the stride: the stamp of input (i, j) "
                         "starts at row i * S and column j * S, not at (i, j)."),
    (_counts_stride_one, "that is the count for stride 1 (the stamps one row apart): with "
                         "stride S each stamp starts S rows below the one before, and the full "
                         "result has (n - 1) * S + F rows."),
    (_counts_stamp_one_short, "each stamp covers F - 1 rows and columns in your count, not F: "
                              "the stamp of input (i, j) covers rows i * S to i * S + F - 1, "
                              "both included, which is the slice i * S:i * S + F."),
    (_counts_cut_to_n_s, "your map has n * S rows, the size 'same' keeps, so the last stamps "
                         "are cut short; the question asks for the full result, (n - 1) * S + F "
                         "rows."),
    (_counts_axes_added, "you added the row's count and the column's: a stamp covers a pixel "
                         "when it covers both its row and its column, so multiply them "
                         "(np.outer of the two counts)."),
]

#: What already computes q7's answer: a transposed convolution of ones by ones.
_Q7_FORBIDDEN = ("conv2d_transpose", "Conv2DTranspose")

_check_counts = function(_STAMP_CASES, reference=stamp_counts, mistakes=Q7_MISTAKES,
                         forbidden=_Q7_FORBIDDEN)

# q7's second part: with n = 6 and S = 3, which F from 2 to 7 give the same count at every
# pixel of the interior, the full result without F rows and F columns on each side?
_Q7_N, _Q7_S, _Q7_SIZES = 6, 3, tuple(range(2, 8))


def _interior(f, n=_Q7_N, cut=None):
    """The distinct counts of stamp_counts(n, f, 3) with `cut` (F by default) rows and columns
    cut from each side."""
    cut = f if cut is None else cut
    return sorted(set(stamp_counts(n, f, _Q7_S)[cut:-cut, cut:-cut].ravel().tolist()))


def _even_sizes(n=_Q7_N, cut=None):
    return [f for f in _Q7_SIZES if len(_interior(f, n, cut)) == 1]


_Q7_EVEN = _even_sizes()                          # the multiples of S: F = 3 and 6
_Q7_CUT_2 = _even_sizes(cut=2)                    # section 9's [2:-2] slice: F = 6 looks uneven
_Q7_FOUR_INPUTS = _even_sizes(n=4)                # a 4x4 input: F = 7 looks even


def _listed(values):
    """1, 2 and 4."""
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def _counts_of(f):
    """F = 5 (interior counts 1, 2 and 4)."""
    values = _interior(f)
    counts = f"all {values[0]}" if len(values) == 1 else _listed(values)
    gap = ": F < S leaves rows no stamp covers" if f < _Q7_S else ""
    return f"F = {f} (interior counts {counts}{gap})"


_ROWS_UNDER_6 = _counts_one_axis(_Q7_N, 6, _Q7_S)
_ROWS_UNDER_7 = _counts_one_axis(_Q7_N, 7, _Q7_S)

_Q7_SIZE_MISTAKES = {
    tuple(_Q7_CUT_2): (
        f"F = 6 covers the interior evenly too: its interior counts are all "
        f"{_interior(6)[0]}, every interior row lying under {_ROWS_UNDER_6[6]} stamps. Check "
        "F = 6 with the interior the question defines, F rows and columns cut from each side: "
        "stamp_counts(6, f, 3)[f:-f, f:-f]."),
    tuple(_Q7_FOUR_INPUTS): (
        f"F = 7 does not cover the interior evenly: 7 / 3 is not whole, so an interior row lies "
        f"under {' or '.join(str(v) for v in sorted(set(_ROWS_UNDER_7[7:-7].tolist())))} "
        f"stamps, and the interior counts are {_listed(_interior(7))}. Check F = 7 on the "
        "question's 6x6 input: stamp_counts(6, f, 3)[f:-f, f:-f]."),
}


def _read_sizes(value):
    """The F a learner lists, as a sorted list of ints, or the message saying why not."""
    if isinstance(value, int | np.integer | float) and not isinstance(value, bool):
        return None, (f"even_f should be a list of F, e.g. [{value}], not a bare number "
                      f"{value}.")
    if isinstance(value, set | frozenset | range | tuple):
        value = list(value)
    try:
        one_axis = not isinstance(value, str | dict) and np.ndim(value) == 1
    except ValueError:          # a ragged list
        one_axis = False
    if not one_axis:
        return None, (f"the second part is a list of kernel sizes F, such as [2, 5]; yours is "
                      f"{describe(value)}.")
    sizes = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, int | float | np.number) \
                or not float(entry).is_integer():
            return None, (f"the second part lists kernel sizes F, whole numbers from 2 to 7; "
                          f"it holds {entry!r}.")
        sizes.append(int(entry))
    outside = sorted({f for f in sizes if f not in _Q7_SIZES})
    if outside:
        return None, (f"the question asks about F from 2 to 7 only; your list holds "
                      f"{_listed(outside)}.")
    return sorted(set(sizes)), None


def _check_sizes(value):
    """None for the right F, else what is off (a trap's own message when the list is one)."""
    sizes, problem = _read_sizes(value)
    if problem or sizes == _Q7_EVEN:
        return problem
    if tuple(sizes) in _Q7_SIZE_MISTAKES:
        return _Q7_SIZE_MISTAKES[tuple(sizes)]
    extra = [_counts_of(f) for f in sizes if f not in _Q7_EVEN]
    missing = [_counts_of(f) for f in _Q7_EVEN if f not in sizes]
    told = ([f"holds {_listed(extra)}"] if extra else []) + (
        [f"leaves out {_listed(missing)}"] if missing else [])
    return (f"it {' and '.join(told)}. The interior is stamp_counts(6, f, 3) without "
            "F rows and F columns on each side.")


def _q7_checker(answer):
    """q7's two parts, (stamp_counts, the F): the function on its cases, then the list. A dict
    of the two passes too (its values read in order); a function alone is checked and asked for
    the second part. The message says which part is off and which is right."""
    if isinstance(answer, dict):
        answer = tuple(answer.values())
    if callable(answer):
        message = _check_counts(answer)
        return message or ("your stamp_counts is right. The question has a second part too: "
                           "which F from 2 to 7 cover the interior evenly? Pass the list "
                           "after the function: q7.check(stamp_counts, even_f).")
    if not isinstance(answer, tuple | list) or len(answer) != 2 or not callable(answer[0]):
        return ("give the two parts, your function and the list of F, in this order: "
                "q7.check(stamp_counts, even_f).")
    counts_function, sizes = answer
    if uses_placeholder(counts_function):
        if uses_placeholder(sizes):
            return "both parts still hold ____: write stamp_counts, then list the F."
        part = _check_sizes(sizes)
        return ("stamp_counts still holds ____: write it first. "
                + ("(Your list of F is right.)" if part is None else f"Your list of F: {part}"))
    message = _check_counts(called_once(counts_function))
    if uses_placeholder(sizes):
        return message or ("your stamp_counts is right. Now the second part: replace ____ in "
                           "even_f = ____ with the F from 2 to 7 that cover the interior "
                           "evenly.")
    part = _check_sizes(sizes)
    if message is None:
        if part is None:
            return None
        return f"your stamp_counts is right, your list of F is not: {part}"
    return message + ("\n(Your list of F is right.)" if part is None
                      else f"\nYour list of F: {part}")


class _FunctionAndList(Exercise):
    """q7: an exercise whose answer has two parts, (function, list); the stored cell, with both
    parts still ____, is not answered yet."""

    def feedback(self, *answer):
        if len(answer) == 1 and isinstance(answer[0], tuple) and answer[0] \
                and all(uses_placeholder(part) for part in answer[0]):
            return NOT_ANSWERED
        return super().feedback(*answer)


_Q7_SOLUTION = """\
def stamp_counts(n, f, s):
    size = (n - 1) * s + f
    counts = np.zeros((size, size), dtype=int)
    for i in range(n):
        for j in range(n):
            counts[i * s:i * s + f, j * s:j * s + f] += 1     # the stamp of input (i, j)
    return counts


for f in range(2, 8):                    # the interior: F rows and columns cut from each side
    inside = stamp_counts(6, f, 3)[f:-f, f:-f]
    print("F =", f, "interior counts:", sorted(set(inside.ravel().tolist())))
even_f = [3, 6]        # F = 3 and F = 6, the multiples of S: every interior pixel counts the same
q7.check(stamp_counts, even_f)"""


class _Typed(dict):
    """q7's answer, {"stamp_counts": the function, "even_f": the F}, shown as the cell a
    learner runs to give it (a dict's own repr would show the function's memory address)."""

    def __repr__(self) -> str:
        return _Q7_SOLUTION


q7 = _FunctionAndList(
    "Write stamp_counts(n, f, s): for a transposed convolution with stride S of an n x n input "
    "and an F x F kernel, return the integer map of how many stamps cover each pixel of the "
    "full result, (n - 1) * S + F rows and columns (section 9's counts), without calling "
    "conv2d_transpose or Conv2DTranspose. Then use it: with n = 6 and S = 3, which F from 2 to "
    "7 give the same count at every pixel of the interior, the full result without its border "
    "of F rows and F columns on each side? Check both: q7.check(stamp_counts, even_f).",
    checker=_q7_checker,
    hint=["Start from np.zeros(((n - 1) * s + f, (n - 1) * s + f), dtype=int). The stamp of "
          "input (i, j) covers rows i * S to i * S + F - 1 and columns j * S to j * S + F - 1: "
          "add 1 there.",
          "counts[i * s:i * s + f, j * s:j * s + f] += 1 for every input (i, j).",
          "For each F from 2 to 7, inside = stamp_counts(6, f, 3)[f:-f, f:-f] is the interior; "
          "list the F whose inside holds one value only, len(np.unique(inside)) == 1."],
    solution=_Q7_SOLUTION,
    solution_answer=_Typed(stamp_counts=stamp_counts, even_f=[3, 6]),
)


# --- q8: a decoder in Keras -----------------------------------------------------------------

_Q8_IN, _Q8_OUT = (5, 5, 16), (20, 20, 3)


def build_decoder():
    return keras.Sequential([
        keras.Input((5, 5, 16)),
        layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="relu"),   # 10x10x8
        layers.Conv2DTranspose(3, 4, strides=2, padding="same", activation="sigmoid"),  # 20x20x3
    ])


def _q8_checker(build):
    """The model's input, its two Conv2DTranspose layers (F = 4, S = 2) and its output shape;
    a message names a layer's argument only when that argument explains the wrong size."""
    if is_keras_model(build):
        return ("pass the function that builds the model, q8.check(build_decoder), not the "
                "model itself.")
    if not callable(build):
        return f"expected the function build_decoder, got {describe(build)}."
    answer = build()
    if not is_keras_model(answer):
        return (f"build_decoder() returned {describe(answer)}; it must return a Keras model, "
                "keras.Sequential([...]).")
    try:
        input_shape, output_shape = tuple(answer.input_shape), tuple(answer.output_shape)
    except Exception:
        return "the model does not know its input yet: start it with keras.Input((5, 5, 16))."
    if input_shape[1:] != _Q8_IN:
        return (f"the model's input is {input_shape[1:]}; the code is 5x5x16: start with "
                "keras.Input((5, 5, 16)).")
    transposed = [layer for layer in answer.layers if isinstance(layer, layers.Conv2DTranspose)]
    if len(transposed) != 2:
        count = f"{len(transposed)} Conv2DTranspose layer{'' if len(transposed) == 1 else 's'}"
        return f"the model has {count}; the question asks for exactly two."
    for which, layer in zip(("first", "second"), transposed, strict=True):
        if tuple(layer.kernel_size) != (4, 4) or tuple(layer.strides) != (2, 2):
            return (f"your {which} Conv2DTranspose has kernel_size {tuple(layer.kernel_size)} "
                    f"and strides {tuple(layer.strides)}; the question asks for F = 4 and S = 2 "
                    "in both.")
    if output_shape[1:] == _Q8_OUT:
        return None
    if any(layer.padding == "valid" for layer in transposed) and output_shape[1] != 20:
        try:      # the sizes the learner's own layers give, such as 5 -> 12 -> 24
            steps = " -> ".join(str(size) for size in [transposed[0].input.shape[1]] + [
                layer.output.shape[1] for layer in transposed])
            steps = f" (your layers: {steps})"
        except Exception:
            steps = ""
        return (f"the output is {output_shape[1:]}: padding 'valid' keeps the full result, "
                f"(N - 1) * S + F rows{steps}; padding='same' gives N * S (section 6).")
    if output_shape[1:3] == (20, 20):
        return (f"the output is {output_shape[1:]}: its channels are the last layer's "
                "filters, and the image has 3.")
    return f"the output is {output_shape[1:]}; expected {_Q8_OUT}."


q8 = Exercise(
    "Write build_decoder(), which returns the decoder of a small autoencoder: a "
    "keras.Sequential that starts with keras.Input((5, 5, 16)) and has exactly two "
    "Conv2DTranspose layers, each with kernel size 4 and stride 2 (any number of filters in "
    "the first), and gives 20x20x3 images.",
    checker=_q8_checker,
    hint=["Each layer must double the size: 5 -> 10 -> 20. Which padding gives N * S "
          "(section 6)?",
          "padding='same' in both layers; the last layer's filters are the image's 3 "
          "channels."],
    solution_answer=build_decoder,
)

__all__ = ["TRANSPOSE_X", "TRANSPOSE_KERNEL", "Q2_MISTAKES", "Q3_MISTAKES", "Q5_MISTAKES",
           "Q6_MISTAKES", "Q7_MISTAKES", "dense_to_conv_kernel", "patch_matrix",
           "conv_transpose", "stamp_counts", "build_decoder",
           *bind_exercises(globals())]
