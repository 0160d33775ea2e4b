"""Check yourself, lesson 07: the rest of Conv2D.

In the notebook::

    from course_utils.exercises.lesson07 import q1, q2, q3, q4, q5, q6, q7, q8

    answer = ____
    q6.check(answer)

Each exercise sits after the section it practises, and the numbers follow the notebook's order
(this module defines them in that order): q1 and q2 in section 3 (dilation, then the receptive
field), q3 in section 4 (groups), q4 in section 5 (the first weights): the factor by which a
glorot_uniform layer and its ReLU multiply the mean square, the "why" of He's rule; q5 in
section 6 (what a separable layer gives up: which kernels it can hold); q6, q7 and
q8 in section 7 (the capstone, real networks): the learner counts one inverted residual block
of MobileNetV2 by hand (q6: its multiplications for one image, which no Keras one-liner
gives; the lesson never prints the block's totals, and tests/claims/lesson07.py checks the
helper's counts of it against Keras), then writes the
per-layer rule itself, my_layer_counts (q7), which the next cell runs over every Conv2D,
DepthwiseConv2D and Dense layer of MobileNetV2, and counts VGG-16's convolutions from the
network's description (each layer's input worked out: pooling halves the map, C_in is the
previous layer's filters; q8), which Going further A then sets beside five networks' papers.
Each exercise's expected answer, and each known wrong answer, is computed here from the
question's own numbers with the course's arithmetic (never typed in; q7's from layer_counts,
the rule predict_model uses); tests/test_exercises_lesson07.py checks the expected answers
against Keras and TensorFlow, checks that the wrong answers differ from each other, and lists
what a learner may type (LEARNER_ANSWERS) with the message each must get. The questions use
other numbers than the lesson's worked examples, and no answer is printed in the lesson.
"""

from __future__ import annotations

import functools

import numpy as np

from ..architectures import layer_counts
from ..arithmetic import (
    conv_mults,
    conv_output_size,
    conv_params,
    depthwise_params,
    effective_kernel_size,
    receptive_field,
)
from . import Exercise, bind_exercises, function, number

# --- q1: a layer's output shape, per axis, with dilation ----------------------------------------


def my_output_shape(height, width, kernel_size, strides, dilation_rate):
    """Conv2D's output (rows, columns) with padding 'valid': each axis has its own F, S and D,
    and a dilated kernel covers F + (F - 1)(D - 1) pixels."""
    shape = []
    for n, f, s, d in zip((height, width), kernel_size, strides, dilation_rate, strict=True):
        footprint = f + (f - 1) * (d - 1)
        shape.append((n - footprint) // s + 1)
    return tuple(shape)


_Q1_CASES = [
    (28, 28, (1, 5), (2, 1), (1, 1)),   # section 2's wide layer
    (28, 28, (3, 3), (1, 1), (2, 2)),   # section 3's dilated layer
    (16, 9, (3, 2), (3, 2), (1, 1)),    # strides that do not divide: the last pixels unread
    (28, 32, (3, 5), (1, 1), (1, 3)),   # dilation on the columns only
    (20, 30, (5, 3), (1, 1), (3, 2)),   # a different dilation per axis
    (7, 7, (7, 7), (1, 1), (1, 1)),     # a kernel as large as the input: one position
    (28, 28, (3, 3), (2, 2), (2, 2)),   # a stride with a dilation (tf.nn.conv2d's, not Conv2D's)
]


def _shape_with(size):
    """The output shape with one axis's size computed by size(n, f, s, d)."""
    return lambda height, width, kernel_size, strides, dilation_rate: tuple(
        size(n, f, s, d) for n, f, s, d in zip((height, width), kernel_size, strides,
                                               dilation_rate, strict=True))


_Q1_MISTAKES = [
    (_shape_with(lambda n, f, s, d: (n - f) // s + 1),
     "your function ignores the dilation: a kernel of F taps with dilation D covers "
     "F + (F - 1)(D - 1) pixels, and that footprint takes F's place."),
    (lambda height, width, kernel_size, strides, dilation_rate: my_output_shape(
        height, width, kernel_size[::-1], strides[::-1], dilation_rate[::-1]),
     "your function gives the height each pair's second entry: the pairs are (rows, columns), "
     "so kernel_size[0], strides[0] and dilation_rate[0] go with the height."),
    (lambda height, width, kernel_size, strides, dilation_rate: my_output_shape(
        height, width, kernel_size[::-1], strides, dilation_rate),
     "your function swaps the kernel's axes: kernel_size is (rows, columns), so the height "
     "goes with kernel_size[0] and the width with kernel_size[1] (the strides and dilations "
     "are right)."),
    (_shape_with(lambda n, f, s, d: (n - effective_kernel_size(f, d)) / s + 1),
     "your function divides with /, which keeps a fraction of a step: a window needs a whole "
     "step to fit, so floor-divide (//)."),
    (_shape_with(lambda n, f, s, d: -(-(n - effective_kernel_size(f, d)) // s) + 1),
     "your function rounds (N - F_eff) / S up; a window that would stick out of the map is "
     "not computed: round down (//)."),
    (_shape_with(lambda n, f, s, d: (n - f * d) // s + 1),
     "F * D is not a dilated kernel's footprint: it is F + (F - 1)(D - 1)."),
    (_shape_with(lambda n, f, s, d: (n - (f + (f - 1) * d)) // s + 1),
     "dilation D leaves D - 1 pixels between taps, not D: the footprint is F + (F - 1)(D - 1)."),
    (_shape_with(lambda n, f, s, d: (n - f) // s + 1 - (f - 1) * (d - 1)),
     "your function subtracts the dilation's (F - 1)(D - 1) extra pixels after dividing by S "
     "(the last case has a stride with a dilation): the footprint F_eff takes F's place "
     "before the division, (N - F_eff) // S + 1."),
    (_shape_with(lambda n, f, s, d: (n - effective_kernel_size(f, d)) // s),
     "one position too few: (N - F_eff) // S counts the steps; the first position adds 1."),
    (lambda height, width, kernel_size, strides, dilation_rate: my_output_shape(
        height, width, kernel_size, strides, dilation_rate)[::-1],
     "your function returns (columns, rows): each pair is the expected one reversed. Return "
     "(rows, columns)."),
    (_shape_with(lambda n, f, s, d: (n - effective_kernel_size(f, d)) // (s + 1)),
     "that is (N - F_eff) // (S + 1), the misprinted formula of the course's source (the "
     "README's error 1): divide by S alone, then add 1: (N - F_eff) // S + 1."),
    (_shape_with(lambda n, f, s, d: (n - f) // (s + 1)),
     "that is (N - F) // (S + 1), the misprinted formula of the course's source (the README's "
     "error 1), and it ignores the dilation: (N - F_eff) // S + 1, with "
     "F_eff = F + (F - 1)(D - 1)."),
]

q1 = Exercise(
    "Write my_output_shape(height, width, kernel_size, strides, dilation_rate) without "
    "calling conv_output_size or compute_output_shape: the last three are (rows, columns) "
    "pairs, as Conv2D takes them; padding 'valid'. Return the output map's (rows, columns): "
    "my_output_shape(28, 28, (1, 5), (2, 1), (1, 1)) gives (14, 24). "
    "The check runs it on seven cases (rectangular kernels, per-axis strides and dilations, "
    "and one that strides a dilated kernel, which Keras's Conv2D refuses and tf.nn.conv2d "
    "runs).",
    checker=function(_Q1_CASES, reference=my_output_shape, mistakes=_Q1_MISTAKES,
                     forbidden=["conv_output_size", "compute_output_shape"]),
    hint=["Each axis on its own, with lesson 01's formula: O = (N - F) // S + 1, N the height "
          "for the rows and the width for the columns.",
          "With a dilation, F_eff = F + (F - 1)(D - 1) takes F's place: rows = (height - "
          "F_eff_rows) // strides[0] + 1, the same for the columns with index 1."],
    solution_answer=my_output_shape,
)


# --- q2: the receptive field, written as the recurrence ----------------------------------------


def my_receptive_field(stack):
    """Section 3's recurrence: each layer adds (footprint - 1) * step; the step, the input
    pixels between neighbouring positions of the current layer, grows by each stride."""
    field, step = 1, 1
    for kernel_size, stride, dilation in stack:
        footprint = kernel_size + (kernel_size - 1) * (dilation - 1)
        field += (footprint - 1) * step
        step *= stride
    return field


_Q4_CASES = [
    ([(3, 1, 1), (3, 1, 1)],),                        # two 3x3 layers
    ([(3, 2, 1), (3, 1, 2), (3, 1, 3)],),             # a stride, then two dilations
    ([(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)],),  # ResNet's stem, then two 3x3 layers
    ([(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)],),  # conv, pool, conv, pool
    ([(3, 1, 1), (3, 1, 2), (3, 1, 4)],),             # section 3's dilations 1, 2, 4
    ([(1, 1, 1)],),                                   # a 1x1 convolution sees one pixel
]


def _footprints_with(rule):
    """The recurrence with the footprint F_eff replaced by rule(F, D)."""
    return lambda stack: receptive_field([(rule(f, d), s) for f, s, d in stack])


def _stride_counted_for_its_own_layer(stack) -> int:
    """The step multiplied by a layer's own stride before its kernel is added."""
    field, step = 1, 1
    for f, s, d in stack:
        step *= s
        field += (effective_kernel_size(f, d) - 1) * step
    return field


def _backwards_without_overlap(stack) -> int:
    """Walking back from one output pixel with r -> S * r + F_eff - 1 instead of
    S * (r - 1) + F_eff: as if a stride-S layer's windows did not overlap."""
    field = 1
    for f, s, d in reversed(stack):
        field = s * field + effective_kernel_size(f, d) - 1
    return field


def _dilation_in_the_step(stack):
    """The step multiplied by the dilation as well as the stride, as if D were a stride."""
    field, step = 1, 1
    for f, s, d in stack:
        field += (effective_kernel_size(f, d) - 1) * step
        step *= s * d
    return field


def _own_stride_as_step(stack):
    """Each footprint multiplied by its own layer's stride, not by the step before it."""
    field = 1
    for f, s, d in stack:
        field += (effective_kernel_size(f, d) - 1) * s
    return field


_Q4_MISTAKES = [
    (lambda stack: receptive_field([(f, s) for f, s, _ in stack]),
     "your function ignores the dilations: a kernel of F taps with dilation D covers "
     "F + (F - 1)(D - 1) pixels."),
    (lambda stack: receptive_field([(f, 1, d) for f, _, d in stack]),
     "your function ignores the strides: after a stride-S layer, neighbouring positions are S "
     "times further apart in the input, so the step grows: step *= stride after each layer."),
    (_stride_counted_for_its_own_layer,
     "a layer's stride counts for the layers AFTER it, not for itself: add (footprint - 1) * "
     "step first, then multiply the step by the stride."),
    (_dilation_in_the_step,
     "your function multiplies the step by the dilation too: dilation spreads one layer's "
     "taps (F_eff covers it) but does not move the next layer's positions apart; only strides "
     "do: step *= stride."),
    (_own_stride_as_step,
     "your function multiplies each footprint by its own layer's stride; use the step, the "
     "product of the strides BEFORE the layer: step *= stride after each layer."),
    (_footprints_with(lambda f, d: f * d),
     "F * D is not a dilated kernel's footprint: it is F + (F - 1)(D - 1)."),
    (_footprints_with(lambda f, d: f + (f - 1) * d),
     "dilation D leaves D - 1 pixels between taps, not D: the footprint is F + (F - 1)(D - 1)."),
    (lambda stack: receptive_field([(f, s, d) for f, s, d in stack]) - 1,
     "one pixel too few: start from 1 (the output pixel sees one pixel of its own input), then "
     "add each layer's (footprint - 1) * step."),
    (_backwards_without_overlap,
     "your function walks back as r -> S * r + footprint - 1; r neighbouring positions of a "
     "stride-S layer read S * (r - 1) + footprint pixels (their windows overlap)."),
]

def _pairs_unpacked(check):
    """``check``, and where the learner's function unpacked a layer into two values (lesson
    03's (F, S) pairs), a sentence that says the layers are now triples."""
    def checked(answer):
        message = check(answer)
        if message and "too many values to unpack (expected 2)" in message:
            message += (". Each layer is now an (F, S, D) triple: unpack three values "
                        "(lesson 03's field_size unpacked (F, S) pairs).")
        return message

    return checked


def _a_number_returned(check):
    """``check``, and where the learner's function passes it but returns its number wrapped
    (``[r]``, an array), a message asking for the number itself."""
    def checked(answer):
        message = check(answer)
        if message is None and callable(answer):
            result = answer(*_Q4_CASES[0])
            if isinstance(result, list | tuple | dict | set) or np.ndim(result) > 0:
                return (f"your function returned {result!r} for {_Q4_CASES[0][0]!r}: return "
                        "the number itself, not a list or an array holding it.")
        return message

    return checked


q2 = Exercise(
    "Extend lesson 03's field_size (its q6) to dilation: write my_receptive_field(stack) "
    "without calling receptive_field: stack lists a stack's "
    "convolution and pooling layers, first to last, as (F, S, D) triples (kernel size, "
    "stride, dilation; D = 1 where there is none, unlike lesson 03's (F, S) pairs); return "
    "how many input pixels wide the receptive field of one output pixel is, with section 3's "
    "recurrence. The check runs it on six stacks (strides, pooling and dilations).",
    checker=_a_number_returned(_pairs_unpacked(function(
        _Q4_CASES, reference=receptive_field, mistakes=_Q4_MISTAKES,
        forbidden=["receptive_field", "receptive_field_steps"],
        labels=[(repr(stack),) for stack, in _Q4_CASES]))),
    hint=["Keep two numbers: field = 1 (the output pixel itself) and step = 1 (input pixels "
          "between neighbouring positions of the current layer).",
          "For each (F, S, D), first to last: footprint = F + (F - 1) * (D - 1); field += "
          "(footprint - 1) * step; then step *= S."],
    solution_answer=my_receptive_field,
)


# --- q3: parameters of a grouped convolution --------------------------------------------------

_Q2G_IN, _Q2G_OUT, _Q2G_G = 64, 80, 8
_Q2G_W = conv_params(3, _Q2G_IN, _Q2G_OUT, groups=_Q2G_G, bias=False)    # 3 * 3 * (64 / 8) * 80
_Q2G = _Q2G_W + _Q2G_OUT                                                  # one bias per filter

q3 = Exercise(
    "How many parameters (weights and biases) does Conv2D(80, 3, groups=8) have on a "
    "64-channel input?",
    checker=number(_Q2G, mistakes={
        _Q2G_W: "add the biases: one per filter, 80.",
        conv_params(3, _Q2G_IN, _Q2G_OUT): "that is the count with groups=1: each filter reads "
                                           "only its group's 64 / 8 = 8 input channels.",
        conv_params(3, _Q2G_IN, _Q2G_OUT, bias=False):
            "that is groups=1's weights, 3 * 3 * 64 * 80: each filter reads only its group's "
            "64 / 8 = 8 input channels (and add the 80 biases).",
        _Q2G_W // _Q2G_G + _Q2G_OUT: "800 is 3 * 3 * 8 * 10 + 80 (one group's 10 filters) or "
                                     "3 * 3 * 1 * 80 + 80 (each filter reading one channel). "
                                     "Each of the 80 filters reads its group's 64 / 8 = 8 "
                                     "channels: 3 * 3 * 8 weights per filter.",
        _Q2G_W // _Q2G_G + _Q2G_OUT // _Q2G_G: "that counts one group (3 * 3 * 8 weights and "
                                               "a bias for each of its 10 filters); the layer "
                                               "has 8 groups.",
        _Q2G_W + _Q2G_G: "a bias per filter (80), not per group (8).",
        _Q2G_W + _Q2G_OUT // _Q2G_G: "5770 is groups=1's count divided by 8, 46,160 / 8, or "
                                     "the weights plus one group's 10 biases: G groups divide "
                                     "the weights by G, not the biases; every one of the 80 "
                                     "filters keeps its own bias.",
    }),
    hint=["The kernel's shape is (kh, kw, C_in / G, filters): every filter reads C_in / G "
          "channels. Then one bias per filter.",
          "3 * 3 * (64 / 8) weights per filter, 80 filters, plus 80 biases."],
    solution=f"3 * 3 * (64 // 8) * 80 + 80  # = {_Q2G:,}",
    solution_answer=_Q2G,
)


# --- q4: the first weights: why Glorot fades under ReLU ----------------------------------------

# Conv2D(128, 3) on 64 channels: fan_in = 576, fan_out = 1152, so glorot_uniform's
# Var(w) = 2 / 1728 and the convolution multiplies the mean square by fan_in * Var(w) = 2/3;
# the ReLU after it halves that: 1/3. (F * F cancels: 64 * 2 / (64 + 128) is 2/3 too, so
# forgetting it is not a mistake this question can see.)
_G_F, _G_C_IN, _G_C_OUT = 3, 64, 128
_G_FAN_IN = _G_F * _G_F * _G_C_IN                                 # 576
_G_FAN_OUT = _G_F * _G_F * _G_C_OUT                               # 1152
_G_VAR = 2 / (_G_FAN_IN + _G_FAN_OUT)                             # glorot's Var(w)
_G_CONV = _G_FAN_IN * _G_VAR                                      # the convolution's factor, 2/3
_Q4F = _G_CONV / 2                                                 # then ReLU: 1/3
_G_BACK = _G_FAN_OUT * _G_VAR                                     # fan_out * Var(w), 4/3
_G_SAME_FANS = _G_FAN_IN * 2 / (_G_FAN_IN + _G_FAN_IN) / 2        # as if C_out were 64: 1/2
_HE_CONV = _G_FAN_IN * 2 / _G_FAN_IN                              # He's convolution: 2

q4 = Exercise(
    "A Conv2D(128, 3) layer on a 64-channel input, followed by ReLU, starts with "
    "glorot_uniform weights. By what factor, in expectation, does the layer (the convolution, "
    "then its ReLU) multiply the mean square of the signal, away from the border? Give it to 3 "
    "significant figures or more.",
    checker=number(_Q4F, mistakes={
        _G_CONV: "2/3 is fan_in * Var(w) = 576 * 2 / (576 + 1152), the convolution's factor "
                 "alone, with the ReLU left out; or fan_out * Var(w) / 2, with fan_out in "
                 "fan_in's place. The forward pass sums fan_in = 3 * 3 * 64 products, and the "
                 "ReLU after it zeroes the negative half and halves the mean square.",
        # fan_out * Var(w) (wrong fan, no ReLU) and fan_in * Var(w) doubled for the ReLU
        # (576 * 2 / 1728 * 2) both give 4/3; the message names both routes.
        _G_BACK: "4/3 is fan_out * Var(w) = 1152 * 2 / (576 + 1152), with the wrong fan and "
                 "no ReLU (the forward pass sums fan_in = 3 * 3 * 64 products; fan_out governs "
                 "the gradients); or fan_in * Var(w) = 2/3 multiplied by 2 for the ReLU: a "
                 "ReLU zeroes half its input, so it halves the mean square; it does not double "
                 "it.",
        # Two routes give 1/2: Glorot taken to keep the mean square (factor 1), so only the
        # ReLU's 1/2 counts; or fan_out taken equal to fan_in. The message names both.
        _G_SAME_FANS: "1/2 is the ReLU's 1/2 alone: as if Glorot kept the mean square, or as if "
                      "fan_in = fan_out (64 filters on 64 channels). Glorot's convolution "
                      "factor, fan_in * Var(w), is 1 only when fan_in = fan_out; this layer has "
                      "128 filters, fan_out = 3 * 3 * 128 = 1152, so it is 576 * 2 / (576 + "
                      "1152) = 2/3.",
        # He's Var(w) = 2 / fan_in and glorot's limit**2 = 6 / (fan_in + fan_out) taken as
        # Var(w) (the /3 of a uniform forgotten) give the same numbers: 1 and, without the
        # ReLU, 2; each message names both routes.
        # Three routes give 1; the likeliest in this lesson: Glorot taken to keep the mean
        # square (cell 37's square stack) and the ReLU left out. The message names all three.
        _HE_CONV / 2: "1 is what you get as if Glorot kept the mean square (it does only when "
                      "fan_in = fan_out; here its factor is 576 * 2 / (576 + 1152) = 2/3) and "
                      "the ReLU were left out (it halves the mean square). It is also what "
                      "He's Var(w) = 2 / fan_in gives with its ReLU, and what "
                      "limit**2 = 6 / (fan_in + fan_out) gives taken as Var(w): a uniform on "
                      "[-limit, limit] has variance limit**2 / 3, so glorot_uniform's Var(w) is "
                      "2 / (fan_in + fan_out).",
        _HE_CONV: "2 is fan_in * Var(w) without the ReLU, with He's Var(w) = 2 / fan_in, or with "
                  "limit**2 = 6 / (fan_in + fan_out) taken as Var(w): a uniform on "
                  "[-limit, limit] has variance limit**2 / 3, so glorot_uniform's Var(w) is "
                  "2 / (fan_in + fan_out); and the ReLU halves the mean square.",
        float(np.sqrt(_Q4F)): "that is the standard deviation's factor, sqrt(1/3); the mean "
                             "square is multiplied by its square.",
    }),
    hint=["The convolution multiplies the mean square by fan_in * Var(w), with glorot_uniform's "
          "Var(w) = 2 / (fan_in + fan_out); here fan_in = 3 * 3 * 64 and fan_out = 3 * 3 * 128.",
          "ReLU zeroes the negative half of a zero-mean symmetric input. What does that do to "
          "the mean square?"],
    solution="answer = 576 * 2 / (576 + 1152) / 2  # = 1/3: 2/3 for the convolution, 1/2 for "
             "the ReLU\n# F * F cancels in fan_in / (fan_in + fan_out): Glorot's factor depends "
             "only on C_in / (C_in + C_out):\n# 2 * 64 / (64 + 128) / 2 gives the same",
    solution_answer=_Q4F,
    explanation="F * F cancels in fan_in / (fan_in + fan_out), so Glorot's factor here depends "
                "only on C_in / (C_in + C_out): 2 * 64 / (64 + 128) = 2/3 for the convolution, "
                "then 1/2 for the ReLU.",
)


# --- q5: what a separable layer gives up: which Conv2D kernels it can hold ----------------------


def is_separable(kernel):
    """True when a SeparableConv2D can hold this Conv2D kernel (F_h, F_w, C_in, C_out): its
    weight (u, v, c, k) is depthwise[u, v, c] * pointwise[c, k], so each input channel's
    slice, an F_h * F_w x C_out matrix, has rank at most 1 (0: all zeros)."""
    f_h, f_w, channels, filters = kernel.shape
    for c in range(channels):
        if np.linalg.matrix_rank(kernel[:, :, c].reshape(f_h * f_w, filters)) > 1:
            return False
    return True


def _kernels():
    """Sixteen small whole-number kernels, (F, F, C_in, C_out): seven a SeparableConv2D can hold,
    and each wrong test the exercise names gets at least one of them wrong (three fail on one
    channel only, the middle, the first or the last, and there on filter 2 only; one passes
    every row of taps, not the whole channel; one, a filter of zeros, tells a scrambled reshape
    from an exact rank test; three of one channel and three filters have a filter of zeros:
    first beside two unrelated ones, in the middle between two, first beside two scaled
    copies)."""
    rng = np.random.default_rng(7)

    def ints(*shape):
        return rng.integers(-3, 4, size=shape).astype(float)

    def separable(depthwise, pointwise):          # (F, F, C_in) x (C_in, C_out)
        return depthwise[:, :, :, None] * pointwise[None, None]

    patterns = np.array([[1.0, 0, -1], [2, 1, 0], [0, 1, 3]]), np.array([[0.0, 1, 1], [1, -2, 0],
                                                                          [2, 0, 1]])
    column, row = np.array([1.0, 2, -1]), np.array([3.0, 0, 1])
    spatial = np.zeros((3, 3, 2, 2))              # every 3x3 slice an outer product (rank 1),
    for c in range(2):                            # but two different ones per channel
        for k in range(2):
            spatial[:, :, c, k] = np.outer(np.roll(column, c + 2 * k), np.roll(row, k))
    per_filter = np.stack([np.multiply.outer(patterns[0], [1.0, -2]),    # filter k: pattern k
                           np.multiply.outer(patterns[1], [-2.0, 1])], axis=-1)  # on each channel
    zero_channel = separable(np.stack(patterns, axis=-1), np.array([[1.0, -2], [0, 0]]))

    def one_bad_channel(bad):                     # 3 channels, 3 filters: on channel `bad`
        kernel = separable(ints(3, 3, 3), ints(3, 3))           # filters 0 and 1 scaled copies,
        kernel[:, :, bad, 2] = ints(3, 3)                       # filter 2 unrelated (rank 2);
        return kernel                                           # the other two channels rank 1

    row_slabs = np.zeros((3, 3, 1, 2))            # the instructor's counterexample: a test of
    row_slabs[0, :, 0] = np.outer([1.0, 2, 3], [1, 0])   # each (F, C_out) row of taps (matrix_rank
    row_slabs[1, :, 0] = np.outer([0.0, 1, 0], [0, 1])   # on kernel[:, :, c, :], not reshaped)
    zero_filter = np.zeros((3, 3, 1, 2))          # filter 1 all zeros: separable, and exact
    zero_filter[:, :, 0, 0] = patterns[0]         # too; reshape(C_out, -1) mixes taps: False

    def filters_of(*slices):                      # one channel, a filter per 3x3 slice
        return np.stack(slices, axis=-1)[:, :, None]

    zero = np.zeros((3, 3))
    return [
        (separable(np.stack(patterns, axis=-1) + 4, np.array([[1.0, 2], [-1, 1]])),),  # separable,
        # no tap 0: a test by ratios to filter 0 passes it, reshape(C_out, -1) does not
        (np.stack([separable(np.stack(patterns, axis=-1), np.array([[1.0], [2]]))[..., 0],
                   ints(3, 3, 2)], axis=-1),),     # the second filter's slices unrelated
        (spatial,),                                # spatially separable slices: not enough
        (zero_channel,),                           # channel 1's weights all 0: rank 0
        (ints(3, 3, 2, 1),),                       # one filter: every kernel is separable
        (per_filter,),                             # one pattern per filter, not per channel
        (separable(ints(3, 3, 3), ints(3, 4)),),  # 3 channels, 4 filters
        (ints(1, 1, 3, 4),),                       # a 1x1 kernel: a scale per channel, always
        *[(one_bad_channel(c),) for c in (1, 0, 2)],  # one channel fails: the middle, 0, the last
        (row_slabs,),           # each row of taps rank 1, the channel's 9 x 2 slice rank 2
        (zero_filter,),
        (filters_of(zero, *patterns),),            # filter 0 zeros, filters 1 and 2 unrelated
        (filters_of(patterns[0], zero, patterns[1]),),  # every neighbouring pair rank 1, not all
        (filters_of(zero, patterns[1], -2 * patterns[1]),),  # filter 0 zeros: still separable
    ]


_SEPARABLE_KERNELS = _kernels()


def _slice_ranks(kernel, rule, group_by_filter=False, exact=False):
    """``rule`` applied to the rank of each input channel's (or, with ``group_by_filter``,
    each filter's) F_h * F_w x ... slice; True when every slice passes. ``exact``: the rank
    with no tolerance for round-off (matrix_rank's tol=0), the exact test q5 names."""
    kernel = np.asarray(kernel)
    f_h, f_w, channels, filters = kernel.shape
    if group_by_filter:
        slices = [kernel[:, :, :, k].reshape(f_h * f_w, channels) for k in range(filters)]
    else:
        slices = [kernel[:, :, c].reshape(f_h * f_w, filters) for c in range(channels)]
    return all(rule(np.linalg.matrix_rank(s, tol=0 if exact else None)) for s in slices)


def _filter_ranks(kernel, pairs):
    """True when, on every input channel, each pair of filters ``pairs(C_out)`` gives, the
    two filters' F_h * F_w x 2 slice has rank at most 1: q5's tests of some filters only."""
    kernel = np.asarray(kernel)
    f_h, f_w, channels, filters = kernel.shape
    return all(np.linalg.matrix_rank(kernel[:, :, c, list(pair)].reshape(f_h * f_w, 2)) <= 1
               for c in range(channels) for pair in pairs(filters))


_SEPARABLE_MISTAKES = [
    (lambda kernel: _filter_ranks(kernel, lambda n: [(0, k) for k in range(1, n)]),
     "your function compares each filter with filter 0, and passes a channel whose filter 0 "
     "is all zeros (a zero slice is a multiple of anything, or the channel is skipped): its "
     "other filters may still be unrelated. Test all the filters of the channel at once: "
     "kernel[:, :, c, :].reshape(F * F, C_out) must have rank at most 1."),
    (lambda kernel: _filter_ranks(kernel, lambda n: [(k, k + 1) for k in range(n - 1)]),
     "your function tests neighbouring filters in pairs (k and k + 1): a filter of zeros is a "
     "multiple of anything, so filters [p, 0, q] pass both pairs while p and q are unrelated. "
     "Test all the filters of the channel at once: kernel[:, :, c, :].reshape(F * F, C_out) "
     "must have rank at most 1."),
    (lambda kernel: _filter_ranks(kernel, lambda n: [(0, 1)] if n > 1 else []),
     "your function reads filters 0 and 1 only: every filter of the channel must be the same "
     "pattern, scaled (the check's kernels have up to four). Test "
     "kernel[:, :, c, :].reshape(F * F, C_out), all C_out columns, for rank at most 1."),
    (lambda kernel: np.linalg.matrix_rank(np.reshape(kernel, (-1, np.shape(kernel)[-1]))) <= 1,
     "your function tests the whole kernel as one matrix (F * F * C_in rows): a separable "
     "layer gives every input channel its own pattern (its depthwise slice), so test each "
     "channel's slice, kernel[:, :, c, :] as an F * F x C_out matrix, on its own."),
    (lambda kernel: all(np.linalg.matrix_rank(np.asarray(kernel)[:, :, c, k]) <= 1
                        for c in range(np.shape(kernel)[2]) for k in range(np.shape(kernel)[3])),
     "that tests section 2's spatial separability (each 3x3 slice a column times a row); "
     "SeparableConv2D separates space from channels: on each input channel, the slices of "
     "all the filters must be one pattern, scaled (kernel[:, :, c, :] as an F * F x C_out "
     "matrix of rank at most 1)."),
    (lambda kernel: _slice_ranks(kernel, lambda rank: rank == 1),
     "a channel whose slice is all zeros (rank 0) is separable too: a pointwise weight of 0 "
     "gives it. Test rank <= 1, not rank == 1."),
    (lambda kernel: _slice_ranks(kernel, lambda rank: rank <= 1, group_by_filter=True),
     "your function groups the slices by filter (kernel[:, :, :, k]); the depthwise kernel "
     "holds one pattern per INPUT channel, shared by every filter, so group them by input "
     "channel: kernel[:, :, c, :]."),
    (lambda kernel: [_slice_ranks(kernel[:, :, c:c + 1], lambda rank: rank <= 1)
                     for c in range(np.shape(kernel)[2])],
     "your function returns one answer per input channel; return one True or False for the "
     "whole kernel: True when every channel's slice has rank at most 1 (all(...))."),
    (lambda kernel: not is_separable(kernel),
     "your function answers the opposite on every kernel: True must mean that a "
     "SeparableConv2D can hold the kernel (every channel's slice of rank at most 1)."),
    (lambda kernel: is_separable(np.asarray(kernel)[:, :, :1]),
     "your function decides on channel 0 alone (a `return` inside the channel loop ends it at "
     "the first channel, as does reading kernel[:, :, 0] only): every channel must pass. "
     "Return False at the first channel that fails, and True only after the loop."),
    (lambda kernel: is_separable(np.asarray(kernel)[:, :, -1:]),
     "your function decides on the last channel alone (a result overwritten on each pass of "
     "the loop keeps only the last channel's): every channel must pass. Return False at the "
     "first channel that fails, and True only after the loop (or all(...))."),
    (lambda kernel: any(is_separable(np.asarray(kernel)[:, :, c:c + 1])
                        for c in range(np.shape(kernel)[2])),
     "your function returns True as soon as one channel passes: every channel must pass. "
     "Return False at the first channel that fails, and True only after the loop."),
    (lambda kernel: bool(np.all([np.linalg.matrix_rank(np.asarray(kernel)[:, :, c]) <= 1
                                 for c in range(np.shape(kernel)[2])])),
     "your function passes kernel[:, :, c, :] to np.linalg.matrix_rank as it is, 3-D: NumPy "
     "then takes it as F matrices of F x C_out (one per row of taps) and gives each its rank. "
     "The channel's slice is one F * F x C_out matrix: reshape it, "
     "kernel[:, :, c, :].reshape(F * F, C_out), then take its rank."),
    (lambda kernel: all(np.linalg.matrix_rank(np.asarray(kernel)[:, :, c, :].reshape(
        np.shape(kernel)[3], -1)) <= 1 for c in range(np.shape(kernel)[2])),
     "your answers are those of kernel[:, :, c, :].reshape(C_out, F * F): that reshape does "
     "not give one filter per row. NumPy fills the rows in memory order, where the filter "
     "index runs fastest, so each row mixes taps and filters. Use "
     "kernel[:, :, c, :].reshape(F * F, C_out) (one filter per column), or transpose first."),
    (lambda kernel: _slice_ranks(kernel, lambda rank: rank <= 1, exact=True),
     "your answers are those of an exact rank test, with no tolerance for round-off "
     "(np.linalg.matrix_rank(..., tol=0), a singular value == 0): a separable kernel's "
     "slices are rank 1 only up to float round-off, so such a test counts them rank 2. Keep "
     "matrix_rank's default tol, or test the singular values by a ratio, "
     "np.all(s[1:] <= 1e-6 * s[0]) (s[1:], since a slice with one column has a single "
     "singular value)."),
]


def _rank_of_a_stack(check):
    """``check``, and where the learner's function raised NumPy's "truth value of an array"
    error, a sentence on what np.linalg.matrix_rank returns for a 3-D array (an array of
    ranks), the likeliest source of that array here; it names no mistake."""
    def checked(answer):
        message = check(answer)
        if message and "truth value of an array with more than one element" in message:
            message += (". (np.linalg.matrix_rank of a 3-D array, such as kernel[:, :, c, :], "
                        "returns one rank per F x C_out matrix of the stack, an array, not one "
                        "number; the channel's slice is kernel[:, :, c, :].reshape(F * F, "
                        "C_out).)")
        return message

    return checked

q5 = Exercise(
    "Write is_separable(kernel): kernel is a Conv2D kernel, (F, F, C_in, C_out); return True "
    "when a SeparableConv2D with depth_multiplier=1 (a depthwise kernel, then pointwise "
    "weights, no activation between) can compute exactly the same layer, False when it "
    "cannot. The check runs it on sixteen kernels.",
    checker=_rank_of_a_stack(function(_SEPARABLE_KERNELS, reference=is_separable,
                                      mistakes=_SEPARABLE_MISTAKES)),
    hint=["Above: a separable layer's weight (u, v, c, k) is depthwise[u, v, c] * "
          "pointwise[c, k]. So on each input channel c, the F x F slices of all the filters "
          "must be one pattern, each scaled by its own number.",
          "For each c, kernel[:, :, c, :].reshape(F * F, C_out) must have rank at most 1 "
          "(np.linalg.matrix_rank, with its default tolerance: float round-off keeps a rank-1 "
          "product's other singular values tiny, not 0); return True when every channel "
          "passes."],
    solution_answer=is_separable,
)


# --- q6: one inverted residual block's multiplications, counted by hand --------------------

_H, _C, _T = 56, 24, 6  # block_2 of MobileNetV2: a 56x56x24 input, expansion factor 6
_WIDE = _C * _T  # 144 channels inside the block
_BN = 4  # per channel: gamma, beta (trained), moving mean and variance (stored)
_BLOCK = ("MobileNetV2's block_2 reads a 56x56x24 map and runs: block_2_expand = "
          "Conv2D(144, 1, use_bias=False), BatchNormalization, ReLU(6); block_2_depthwise = "
          "DepthwiseConv2D(3, padding='same', use_bias=False), BatchNormalization, ReLU(6); "
          "block_2_project = Conv2D(24, 1, use_bias=False), BatchNormalization; then an Add "
          "of the block's input.")
_EXPAND_W = conv_params(1, _C, _WIDE, bias=False)              # 24 * 144
_DEPTHWISE_W = depthwise_params(3, _WIDE, bias=False)          # 3 * 3 * 144
_PROJECT_W = conv_params(1, _WIDE, _C, bias=False)             # 144 * 24
_WEIGHTS6 = _EXPAND_W + _DEPTHWISE_W + _PROJECT_W              # 8,208 kernel weights


def _block_mults(h=_H, expand=_EXPAND_W, depthwise=_DEPTHWISE_W, project=_PROJECT_W,
                 h_after=None):
    """block_2's multiplications for one image: each convolution's weights times its output
    positions, the expansion at h x h, the depthwise step and the projection at h_after (h
    unless a stride is applied)."""
    h_after = h if h_after is None else h_after
    return h * h * expand + h_after * h_after * (depthwise + project)


_Q6M = _block_mults()                                           # 56 * 56 * 8,208
_BN_VALUES = _H * _H * (_WIDE + _WIDE + _C)                     # one value per channel and pixel
_Q6_PARAMS = _WEIGHTS6 + _BN * (_WIDE + _WIDE + _C)             # count_params(): 9,456

q6 = Exercise(
    _BLOCK + " How many multiplications do the block's layers do for one 224x224 image? Count "
    "one per kernel weight and output position, as the papers do: batch normalization, ReLU6 "
    "and the addition count 0.",
    checker=number(_Q6M, mistakes={
        _block_mults(depthwise=conv_params(3, _WIDE, _WIDE, bias=False)):
            "that counts the depthwise step as a full 3x3 convolution, 144 -> 144 (3 * 3 * 144 "
            "weights per filter): a depthwise layer gives each channel one 3x3 kernel, 3 * 3 * "
            "144 weights in all.",
        _block_mults(expand=conv_params(3, _C, _WIDE, bias=False)):
            "that counts block_2_expand as a 3x3 convolution: it is 1x1, 24 * 144 weights.",
        _block_mults(depthwise=0):
            "add the depthwise step: one 3x3 kernel per channel, 3 * 3 * 144 weights, at each "
            "of the 56 * 56 positions.",
        _block_mults(depthwise=depthwise_params(3, _C, bias=False)):
            "that runs the depthwise step on the block's 24 input channels (3 * 3 * 24 "
            "weights): it runs after block_2_expand, on the 144 channels the expansion made, "
            "3 * 3 * 144 weights. The block is wide in the middle.",
        _block_mults(project=0):
            "add block_2_project, the 1x1 convolution that narrows the 144 channels back to "
            "24: 144 * 24 weights at each of the 56 * 56 positions.",
        _WEIGHTS6:
            "8,208 is the block's kernel weights, one multiplication each for ONE output "
            "position: each weight is used at every position, so multiply by 56 * 56.",
        _block_mults(h=112):
            "that counts 112x112 positions, block_1's input: block_2 reads block_1's output, "
            "56x56, and keeps it (stride 1, 'same').",
        _block_mults(h_after=28):
            "that applies a stride of 2 in the depthwise step (block_1's): block_2's depthwise "
            "step has stride 1, so all three convolutions run at 56x56.",
        _block_mults(h=28):
            "that counts 28x28 positions: block_2 runs at 56x56 (stride 1, 'same' keeps the "
            "size).",
        _block_mults(h=224):
            "that counts 224x224 positions, the image's: by block_2 the map is 56x56 (block_2 "
            "reads a 56x56x24 map).",
        _Q6_PARAMS:
            "9,456 is the block's parameter count (count_params(), batch normalization's 4 per "
            "channel included); the question asks for multiplications: each kernel weight is "
            "used once per output position.",
        _H * _H * _Q6_PARAMS:
            "that multiplies every parameter by the 56 * 56 positions, batch normalization's "
            "too: the papers count only the convolutions' kernel weights times their output "
            "positions; batch normalization counts 0.",
        _Q6M + _BN_VALUES:
            "that adds one operation per output value of each convolution (batch "
            "normalization's scale, or a bias): the papers count only the convolutions' "
            "kernel weights times their output positions; batch normalization counts 0, and "
            "the convolutions have no bias (use_bias=False).",
        2 * _Q6M:
            "that counts an addition with every multiplication (FLOPs in the strict sense); "
            "count the multiplications only.",
    }),
    hint=["Each convolution does (its output positions) * (its kernel weights). block_2 keeps "
          "56x56 throughout (stride 1, 'same'). A 1x1 Conv2D has C_in * C_out weights, the "
          "depthwise 3x3 has 3 * 3 per channel.",
          "The expansion does 56 * 56 * (24 * 144) multiplications. Count the depthwise step "
          "(3 * 3 * 144 weights) and the projection (144 -> 24) the same way, and add the "
          "three."],
    solution=f"answer = 56 * 56 * (24 * 144 + 3 * 3 * 144 + 144 * 24)  # {_Q6M:,}\n"
             "# q7's my_layer_counts, run on block_2's three convolutions, gives the same",
    solution_answer=_Q6M,
)

# --- q7: the capstone's rule, written by the learner: one layer's parameters and multiplications


def my_layer_counts(kind, config, input_shape):
    """(parameters, multiplications for one image) of a Conv2D, DepthwiseConv2D or Dense layer:
    ``config`` is its get_config(), ``input_shape`` its input without the batch axis. One
    multiplication per kernel weight and output position; a bias is added, not multiplied."""
    if kind == "Dense":
        (channels,) = input_shape
        units = config["units"]
        return (channels + config["use_bias"]) * units, channels * units
    height, width, channels = input_shape
    out = []
    for n, f, s, d in zip((height, width), config["kernel_size"], config["strides"],
                          config["dilation_rate"], strict=True):
        if config["padding"] == "same":
            out.append(-(-n // s))                           # ceil(N / S)
        else:
            out.append((n - (f + (f - 1) * (d - 1))) // s + 1)
    f_h, f_w = config["kernel_size"]
    if kind == "DepthwiseConv2D":                            # one kernel per output channel,
        c_out = channels * config["depth_multiplier"]        # each reading one input channel
        weights = f_h * f_w * c_out
    else:
        c_out = config["filters"]
        weights = f_h * f_w * (channels // config["groups"]) * c_out
    return weights + c_out * config["use_bias"], out[0] * out[1] * weights


def _course_rule(kind, config, input_shape):
    """The course's own rule, layer_counts (section 7), without the batch axis and the shape."""
    _, params, mults = layer_counts(kind, config, (None, *input_shape))
    return params, mults


def _conv(filters, kernel_size, strides, padding, dilation_rate=(1, 1), groups=1,
          use_bias=True):
    return {"filters": filters, "kernel_size": kernel_size, "strides": strides,
            "padding": padding, "dilation_rate": dilation_rate, "groups": groups,
            "use_bias": use_bias}


def _depthwise(kernel_size, strides, padding, depth_multiplier=1, use_bias=True):
    return {"kernel_size": kernel_size, "strides": strides, "padding": padding,
            "depth_multiplier": depth_multiplier, "dilation_rate": (1, 1), "use_bias": use_bias}


_LAYER_CASES = [   # (kind, config as get_config() gives its keys, input without the batch axis)
    ("Conv2D", _conv(16, (3, 3), (1, 1), "same"), (8, 8, 3)),
    ("Conv2D", _conv(8, (3, 5), (2, 2), "valid"), (9, 11, 4)),          # stride 2, rectangular
    ("Conv2D", _conv(6, (3, 3), (2, 2), "same"), (7, 7, 2)),            # 'same': ceil(7 / 2)
    ("Conv2D", _conv(4, (3, 3), (1, 1), "valid", dilation_rate=(2, 2)), (12, 12, 2)),
    ("Conv2D", _conv(12, (3, 3), (1, 1), "same", groups=4), (6, 6, 8)),
    ("Conv2D", _conv(16, (1, 1), (1, 1), "valid", use_bias=False), (7, 7, 32)),
    ("DepthwiseConv2D", _depthwise((3, 3), (2, 2), "valid", use_bias=False), (11, 11, 16)),
    ("DepthwiseConv2D", _depthwise((3, 3), (1, 1), "same", depth_multiplier=2), (6, 6, 4)),
    ("Dense", {"units": 10, "use_bias": True}, (64,)),
]


def _counts_with(size=None, weights=None, bias=None, bias_mults=None, dense_bias_mults=False):
    """my_layer_counts with one rule replaced: ``size(n, f, s, d, padding)`` the output size of
    one axis, ``weights(kind, config, f_h, f_w, channels)`` the kernel's weights, ``bias(kind,
    config, c_out)`` the biases, ``bias_mults``: one multiplication per bias and output
    value; ``dense_bias_mults``: Dense's multiplications (C + 1) * units with a bias. A
    ``weights`` rule also gets the right count, for the kinds it leaves alone."""
    def counts(kind, config, input_shape):
        use_bias = config["use_bias"]
        if kind == "Dense":
            (channels,) = input_shape
            units = config["units"]
            biases = units * use_bias if bias is None else bias(kind, config, units)
            mults = channels * units + (units * use_bias if bias_mults or dense_bias_mults
                                        else 0)
            return channels * units + biases, mults
        height, width, channels = input_shape
        f_h, f_w = config["kernel_size"]
        rule = size or (lambda n, f, s, d, padding: conv_output_size(n, f, s, padding,
                                                                     dilation=d))
        o_h, o_w = (rule(n, f, s, d, config["padding"]) for n, f, s, d in zip(
            (height, width), config["kernel_size"], config["strides"], config["dilation_rate"],
            strict=True))
        if kind == "DepthwiseConv2D":
            c_out = channels * config["depth_multiplier"]
            right = f_h * f_w * c_out
        else:
            c_out = config["filters"]
            right = f_h * f_w * (channels // config["groups"]) * c_out
        kernel = right if weights is None else weights(kind, config, f_h, f_w, channels, right)
        biases = c_out * use_bias if bias is None else bias(kind, config, c_out)
        mults = o_h * o_w * kernel + (o_h * o_w * c_out * use_bias if bias_mults else 0)
        return kernel + biases, mults

    return counts


def _full_conv_weights(kind, config, f_h, f_w, channels, right):
    """DepthwiseConv2D counted as a Conv2D from every channel to every output channel."""
    return right * channels if kind == "DepthwiseConv2D" else right


def _no_groups_weights(kind, config, f_h, f_w, channels, right):
    return right if kind == "DepthwiseConv2D" else right * config["groups"]


def _no_multiplier_weights(kind, config, f_h, f_w, channels, right):
    return right // config["depth_multiplier"] if kind == "DepthwiseConv2D" else right


def _footprint_weights(kind, config, f_h, f_w, channels, right):
    """The dilated footprint F + (F - 1)(D - 1) per axis counted as the kernel's taps."""
    (d_h, d_w) = config["dilation_rate"]
    return right // (f_h * f_w) * effective_kernel_size(f_h, d_h) * effective_kernel_size(f_w, d_w)


def _no_multiplier_bias(kind, config, c_out):
    """With depth_multiplier ignored, the depthwise layer's biases are C_in too."""
    if kind == "DepthwiseConv2D":
        return c_out // config["depth_multiplier"] * config["use_bias"]
    return c_out * config["use_bias"]


_LAYER_MISTAKES = [
    (_counts_with(weights=_no_groups_weights),
     "your function ignores groups: with groups=G each filter reads C_in / G channels, so a "
     "Conv2D has F_h * F_w * (C_in / G) * C_out weights (and G times fewer multiplications)."),
    (_counts_with(bias=lambda kind, config, c_out: 0),
     "your function leaves out the biases: with use_bias=True each filter (Conv2D), each "
     "output channel (DepthwiseConv2D) and each unit (Dense) adds one parameter."),
    (_counts_with(bias=lambda kind, config, c_out: c_out),
     "your function counts biases where use_bias is False (MobileNetV2's convolutions have "
     "none): add C_out biases only when config['use_bias'] is True."),
    (_counts_with(bias_mults=True),
     "your function counts each bias addition as a multiplication (one per output value): a "
     "bias is added, not multiplied. Count one multiplication per kernel weight and output "
     "position, as the papers do."),
    (_counts_with(dense_bias_mults=True),
     "your function counts Dense's bias in its multiplications, (C + 1) * units: a bias is "
     "added, not multiplied, so a Dense layer does C * units multiplications."),
    (_counts_with(size=lambda n, f, s, d, padding: (n - effective_kernel_size(f, d)) // s + 1),
     "your function uses 'valid' for every layer: with padding='same' each axis keeps "
     "ceil(N / S) positions (N when S = 1). conv_output_size(n, f, s, config['padding'], "
     "dilation=d) follows the padding."),
    (_counts_with(size=lambda n, f, s, d, padding: conv_output_size(n, f, 1, padding,
                                                                    dilation=d)),
     "your function ignores the strides in the output size: a stride S keeps about N / S "
     "positions per axis, (N - F_eff) // S + 1 for 'valid' and ceil(N / S) for 'same'."),
    (_counts_with(size=lambda n, f, s, d, padding: n // s if padding == "same"
                  else conv_output_size(n, f, s, padding, dilation=d)),
     "your function gives padding='same' N // S positions per axis; Keras's 'same' keeps "
     "ceil(N / S) (7 pixels at stride 2: 4 positions): -(-N // S), or conv_output_size with "
     "padding='same'."),
    (_counts_with(size=lambda n, f, s, d, padding: conv_output_size(n, f, s, padding)),
     "your function ignores the dilation in the output size: with 'valid', a kernel of F taps "
     "with dilation D covers F + (F - 1)(D - 1) pixels (q1)."),
    (_counts_with(weights=_full_conv_weights),
     "your function counts DepthwiseConv2D as a full Conv2D, F_h * F_w * C_in * C_out "
     "weights; each of its output channels reads ONE input channel: F_h * F_w * C_in * "
     "depth_multiplier weights."),
    (_counts_with(weights=_no_multiplier_weights, bias=_no_multiplier_bias),
     "your function ignores depth_multiplier: a DepthwiseConv2D makes C_in * depth_multiplier "
     "output channels, each with its own F_h x F_w kernel (and bias)."),
    (_counts_with(weights=_footprint_weights),
     "your function counts the dilated footprint, F + (F - 1)(D - 1) per axis, as the "
     "kernel's taps: dilation spreads the same F_h x F_w weights apart. It changes the output "
     "size, never the parameters."),
]


def _two_counts(check):
    """``check`` for a function that returns (params, mults): a 1-D NumPy array of the two is
    read as the pair, and the shape checker's words ("expected a shape") are the question's."""
    def checked(answer):
        if callable(answer) and not isinstance(answer, type):
            learner = answer

            @functools.wraps(learner)
            def listed(*args, **kwargs):
                result = learner(*args, **kwargs)
                if isinstance(result, np.ndarray) and result.ndim == 1:
                    return result.tolist()
                return result

            answer = listed
        message = check(answer)
        if message:
            message = message.replace(
                "expected a shape, a tuple of 2 whole numbers",
                "expected (params, mults), a tuple of 2 whole numbers").replace(
                "a shape holds whole numbers (or None for the batch), but yours holds",
                "params and mults are whole numbers, but yours holds")
        return message

    return checked


q7 = Exercise(
    "Write my_layer_counts(kind, config, input_shape) and return (params, mults) for one "
    "layer: kind is 'Conv2D', 'DepthwiseConv2D' or 'Dense'; config is the layer's "
    "get_config() dict (Conv2D: filters, kernel_size, strides, padding, dilation_rate, groups, "
    "use_bias; DepthwiseConv2D: depth_multiplier instead of filters and groups; Dense: units, "
    "use_bias); input_shape is the input without the batch axis, (H, W, C), or (C,) for "
    "Dense. mults counts one multiplication per kernel weight and output position for one "
    "image (no bias additions). For the output size you may call conv_output_size or your "
    "q1 function; not layer_counts, predict_model or the conv_params family. The check runs "
    "it on nine layers.",
    checker=_two_counts(function(
        _LAYER_CASES, reference=_course_rule, mistakes=_LAYER_MISTAKES,
        forbidden=["layer_counts", "predict_layer", "predict_model", "compare_with_keras",
                   "conv_params", "conv_mults", "depthwise_params", "depthwise_mults",
                   "separable_params", "separable_mults", "count_params"],
        labels=[(None, repr(config), None) for _, config, _ in _LAYER_CASES])),
    hint=["First the output size, per axis: conv_output_size(n, f, s, config['padding'], "
          "dilation=d) for (H, kernel_size[0], strides[0], dilation_rate[0]), the same for the "
          "width. Then the weights: Conv2D F_h * F_w * (C / groups) * filters, DepthwiseConv2D "
          "F_h * F_w * C * depth_multiplier, Dense C * units.",
          "params = weights + one bias per output channel (or unit) when config['use_bias'] is "
          "True; mults = O_h * O_w * weights (Dense: C * units). Dilation changes O, never the "
          "weights."],
    solution_answer=my_layer_counts,
)


# --- q8: VGG-16's convolutions, counted by the learner from the network's description ------

# VGG-16's 13 convolutions: 3x3, 'same', stride 1, (H = W, C_in, C_out), max pooling between
# the five groups. The notebook describes the groups and lists the Keras model's Conv2D layers
# (keras.applications.VGG16) as vgg16_convs.
_VGG16 = [(224, 3, 64), (224, 64, 64), (112, 64, 128), (112, 128, 128),
          (56, 128, 256), (56, 256, 256), (56, 256, 256),
          (28, 256, 512), (28, 512, 512), (28, 512, 512),
          (14, 512, 512), (14, 512, 512), (14, 512, 512)]
_Q8V = sum(conv_mults((h, h, c_in), 3, c_out, padding="same") for h, c_in, c_out in _VGG16)
_VGG16_DENSE = 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000  # fc1, fc2, predictions

_GROUP_INPUTS = sum(([(h, c_in, c_out)] * n for h, c_in, c_out, n in [   # every convolution
    (224, 3, 64, 2), (112, 64, 128, 2), (56, 128, 256, 3), (28, 256, 512, 3),  # of a group
    (14, 512, 512, 3)]), [])                                                  # reads its input



def _valid_chain():
    """The 13 convolutions' multiplications had each used padding='valid': every convolution
    trims F - 1 = 2 pixels, each pooling halves what is left (rounding down)."""
    total, size, c_in = 0, 224, 3
    for n_convs, filters in [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]:
        for _ in range(n_convs):
            total += conv_mults((size, size, c_in), 3, filters)
            size, c_in = size - 2, filters
        size //= 2
    return total


_VALID_CHAIN = _valid_chain()   # 10,058,201,856

q8 = Exercise(
    "VGG-16 reads a 224x224x3 image with thirteen 3x3 convolutions ('same' padding, stride 1) "
    "in five groups: 2, 2, 3, 3 and 3 convolutions with 64, 128, 256, 512 and 512 filters. A "
    "2x2 max pooling with stride 2 ends each group; three Dense layers follow. How many "
    "multiplications (one per kernel weight and output position; no bias, no additions) do "
    "the 13 convolutions do for one image? Work out each convolution's input, (H, W, C_in), "
    "from this description.",
    checker=number(_Q8V, mistakes={
        _Q8V + _VGG16_DENSE: "that adds the three Dense layers (123,633,664 multiplications); "
                            "the question counts the 13 convolutions only.",
        2 * _Q8V: "that counts an addition with every multiplication (FLOPs in the strict "
                 "sense); count the multiplications only.",
        sum(conv_mults((h, h, c_in), 3, c_out) for h, c_in, c_out in _VGG16):
            "that counts every layer with padding='valid' (conv_mults's default): VGG's "
            "convolutions use 'same', so each output keeps its input's H x W (with conv_mults, "
            "pass padding='same').",
        sum(conv_mults((h, h, c_out), 3, c_out, padding="same") for h, _, c_out in _VGG16):
            "that takes C_in = C_out for every layer (the output's channels): the first "
            "convolution of each group reads fewer channels than it makes (3 -> 64, 64 -> 128, "
            "...). C_in is what the layer reads: the previous layer's filters, 3 for the image.",
        sum(conv_mults((h, h, c_in), 3, c_out, padding="same")
            for h, c_in, c_out in _GROUP_INPUTS):
            "that gives every convolution of a group the group's input channels (3, 64, 128, "
            "256, 512): only the first convolution reads them; the next ones read the previous "
            "convolution's filters (64 -> 64, 128 -> 128, ...).",
        _VALID_CHAIN: "that runs every convolution with padding='valid': each one trims 2 "
                      "pixels (224 -> 222 -> 220, ...). VGG's convolutions use 'same', so each "
                      "keeps its input's H x W; only the poolings halve it.",
        _Q8V - conv_mults((224, 224, 3), 3, 64, padding="same")
        + conv_mults((224, 224, 64), 3, 64, padding="same"):
            "that gives the first convolution, block1_conv1, 64 input channels: it reads the "
            "image, whose 3 channels (RGB) are its C_in.",
        _Q8V // 4: "that halves the map before the first group: block 1's two convolutions "
                  "run on the 224x224 image; each pooling comes after its group.",
        sum(conv_params(3, c_in, c_out, bias=False) for _, c_in, c_out in _VGG16):
            "that is the number of kernel weights, one multiplication each for ONE output "
            "position; multiply each layer's weights by its O_h * O_w positions.",
        sum(conv_params(3, c_in, c_out) for _, c_in, c_out in _VGG16):
            "that is the convolutions' parameter count (weights and biases); the question asks "
            "for multiplications: each weight is used at every output position.",
        sum(conv_mults((224, 224, c_in), 3, c_out, padding="same") for _, c_in, c_out in _VGG16):
            "that counts every layer at 224x224: each max pooling halves the map, so the later "
            "groups run on 112, 56, 28 and 14.",
        15.3e9: "that is the papers' figure, 15,300 million (section 6's table), the count "
                "rounded to 3 significant figures: count the 13 convolutions yourself, exactly.",
        _Q8V / 1e9: "that is the count in billions: give the count itself, not in billions.",
        _Q8V / 1e6: "that is the answer in millions: give the count itself.",
        conv_mults((224, 224, 3), 3, 64, padding="same"):
            "that is the first convolution, block1_conv1, alone: add all 13.",
        _Q8V - conv_mults((224, 224, 3), 3, 64, padding="same"):
            "that leaves out the first convolution, block1_conv1 (86,704,128 multiplications): "
            "add all 13.",
        sum(conv_params(3, c_in, c_out) * h * h for h, c_in, c_out in _VGG16):
            "that includes one operation per bias at every output position (a bias is added, "
            "not multiplied). Count the kernel weights only.",
    }),
    hint=["One convolution costs O_h * O_w * F_h * F_w * C_in * C_out. With 'same' padding and "
          "stride 1 its output keeps its input's H x W; each pooling halves H and W for the "
          "next group.",
          "C_in is what the layer reads: 3 (the image) for the first convolution, then the "
          "previous convolution's filters. The first one, block1_conv1, does 224 * 224 * 3 * "
          "3 * 3 * 64 = 86,704,128 multiplications; the second reads 64 channels. Follow the "
          "two rules down the 13 layers: 'same' keeps the size, pooling halves it."],
    solution=("# (H = W, C_in, C_out) of each convolution: 'same' keeps H x W, each pooling "
              "halves it\n"
              "conv_inputs = [(224, 3, 64), (224, 64, 64), (112, 64, 128), (112, 128, 128),\n"
              "               (56, 128, 256), (56, 256, 256), (56, 256, 256), (28, 256, 512),\n"
              "               (28, 512, 512), (28, 512, 512), (14, 512, 512), (14, 512, 512),\n"
              "               (14, 512, 512)]\n"
              "answer = sum(h * h * 3 * 3 * c_in * c_out for h, c_in, c_out in conv_inputs)"
              f"  # = {_Q8V:,}\n"
              "# to check the inputs: [layer.input.shape for layer in vgg16_convs]"),
    solution_answer=_Q8V,
)


__all__ = ["my_receptive_field", "my_output_shape", "is_separable", "my_layer_counts",
           *bind_exercises(globals())]
