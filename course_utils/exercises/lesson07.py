"""Check yourself, lesson 07: the rest of Conv2D.

In the notebook::

    from course_utils.exercises.lesson07 import q1, q2, q3, q4, q5, q6, q7, q8

    answer = ____
    q1.check(answer)

Each exercise's expected answer, and each known wrong answer, is computed here from the
question's own numbers with the course's arithmetic (never typed in);
tests/test_exercises_lesson07.py checks the expected answers against Keras, checks that the
wrong answers differ from each other, and lists what a learner may type (LEARNER_ANSWERS)
with the message each must get. The questions use other numbers than the lesson's worked
examples (64 -> 128 channels, 112x112 maps, D = 2 on 28x28, Conv2D(32, 3)), so no answer is
printed in the lesson.
"""

from __future__ import annotations

import math

import numpy as np

from ..arithmetic import (
    conv_mults,
    conv_output_size,
    conv_params,
    depthwise_params,
    effective_kernel_size,
    receptive_field,
    separable_mults,
    separable_params,
)
from ..ops import conv2d, depthwise_conv2d
from . import Exercise, bind_exercises, function, number

# --- q1: the output size of a dilated convolution ----------------------------------------------

_Q1_N, _Q1_F, _Q1_D = 32, 5, 3
_Q1 = conv_output_size(_Q1_N, _Q1_F, dilation=_Q1_D)
_Q1_FOOTPRINT = effective_kernel_size(_Q1_F, _Q1_D)

q1 = Exercise(
    "Conv2D(8, 5, dilation_rate=3) gets a 32x32 input (padding='valid', stride 1). What is "
    "the output size O (rows of the output)?",
    checker=number(_Q1, mistakes={
        conv_output_size(_Q1_N, _Q1_F): "that ignores the dilation: with dilation_rate=3 the "
                                        "5 taps are 3 pixels apart, so the kernel covers "
                                        "F + (F - 1)(D - 1) pixels, not 5.",
        _Q1_N - _Q1_F * _Q1_D + 1: "F * D = 15 is not the footprint: there are D - 1 = 2 gaps "
                                   "between neighbouring taps, F - 1 = 4 times, so the kernel "
                                   "covers 5 + 4 * 2 = 13 pixels.",
        conv_output_size(_Q1_N, _Q1_F, dilation=_Q1_D + 1): "dilation_rate=3 leaves D - 1 = 2 "
                                                            "pixels between taps, not 3 (CS231n "
                                                            "counts dilation from 0; in Keras "
                                                            "dilation_rate=1 is the ordinary "
                                                            "kernel).",
        _Q1 - 1: "one row too few: O = N - F_eff + 1, count the first position too.",
        _Q1_N: "that is padding='same'; with 'valid' the output shrinks by F_eff - 1.",
        _Q1_FOOTPRINT: "that is the kernel's footprint F + (F - 1)(D - 1); the output has "
                       "N - footprint + 1 rows.",
        conv_output_size(_Q1_N, _Q1_F, stride=_Q1_D): "that treats the dilation as a stride: "
                                                      "dilation_rate=3 spreads the kernel's "
                                                      "taps apart, but the kernel still moves "
                                                      "one pixel at a time.",
        _Q1_N - (_Q1_F - 1) * _Q1_D + 1: "(F - 1) * D = 12 is the distance from the first tap "
                                         "to the last; the footprint counts the first pixel "
                                         "too: F + (F - 1)(D - 1) = (F - 1) * D + 1 pixels.",
    }),
    hint=["A dilated kernel covers F + (F - 1)(D - 1) pixels; then use O = N - F + 1 with that "
          "footprint.",
          "Footprint: 5 + 4 * (3 - 1) = 13 pixels."],
    solution=f"32 - (5 + (5 - 1) * (3 - 1)) + 1  # footprint {_Q1_FOOTPRINT}, O = {_Q1}",
    solution_answer=_Q1,
)


# --- q2: the receptive field of strided and dilated layers -------------------------------------

#: q2's stack, first layer first, as (kernel_size, stride, dilation).
Q2_LAYERS = ((3, 2, 1), (3, 1, 2), (3, 1, 3))
_Q2 = receptive_field(Q2_LAYERS)


def _backwards_without_overlap(layers) -> int:
    """Walking back from one output pixel with r -> S * r + F_eff - 1 instead of
    S * (r - 1) + F_eff: as if a stride-S layer's windows did not overlap."""
    field = 1
    for f, s, d in reversed(layers):
        field = s * field + effective_kernel_size(f, d) - 1
    return field


def _stride_counted_for_its_own_layer(layers) -> int:
    """The mistake of multiplying a layer's own stride into the jump before adding its kernel."""
    field, jump = 1, 1
    for f, s, d in layers:
        jump *= s
        field += (effective_kernel_size(f, d) - 1) * jump
    return field


_Q2_MISTAKES = {
    receptive_field([(f, s) for f, s, _ in Q2_LAYERS]):
        "that ignores the dilations: a 3x3 kernel with dilation D covers 3 + 2(D - 1) pixels.",
    receptive_field([(f, 1, d) for f, _, d in Q2_LAYERS]):
        "that ignores the stride: after the stride-2 layer, one step in a layer's input is 2 "
        "pixels of the image, so later layers add twice their footprint minus one.",
    receptive_field([(f, 1) for f, _, _ in Q2_LAYERS]):
        "that ignores both the stride and the dilations: it is three plain 3x3 layers.",
    receptive_field([(f * d if d > 1 else f, s) for f, s, d in Q2_LAYERS]):
        "F * D is not a dilated kernel's footprint: it is F + (F - 1)(D - 1).",
    receptive_field([(f + (f - 1) * d if d > 1 else f, s) for f, s, d in Q2_LAYERS]):
        "dilation D leaves D - 1 pixels between taps, not D (CS231n counts from 0).",
    _stride_counted_for_its_own_layer(Q2_LAYERS):
        "a layer's stride counts for the layers AFTER it, not for itself: the first layer "
        "still reads 3 neighbouring pixels.",
    _Q2 - 1:
        "one pixel too few: start from 1, the output pixel itself, then add each layer's "
        "(footprint - 1) * (product of the strides before it).",
    sum(effective_kernel_size(f, d) for f, _, d in Q2_LAYERS):
        "adding the footprints counts the pixels where neighbouring windows overlap twice, and "
        "leaves out the stride: each layer adds (footprint - 1) times the product of the "
        "strides before it, to a start of 1.",
    receptive_field([(f + d if d > 1 else f, s) for f, s, d in Q2_LAYERS]):
        "a 3x3 kernel with dilation D covers F + (F - 1)(D - 1) pixels: 7 for D = 3, not "
        "F + D = 6.",
    _backwards_without_overlap(Q2_LAYERS):
        "one pixel too many. Forwards: start from 1 and let every layer add (footprint - 1) * "
        "jump, the first layer too (3 - 1, not 3). Backwards: r neighbouring outputs of a "
        "stride-S layer read S * (r - 1) + footprint input pixels, not S * r + footprint - 1 "
        "(their windows overlap).",
}

q2 = Exercise(
    "A stack of three 3x3 convolutions: the first with strides=2, the second with "
    "dilation_rate=2, the third with dilation_rate=3 (Q2_LAYERS lists them as (kernel_size, "
    "stride, dilation)). How many input pixels wide is the receptive field of one output pixel?",
    checker=number(_Q2, mistakes=_Q2_MISTAKES),
    hint=["Go layer by layer, first to last: each adds (footprint - 1) * (the product of the "
          "strides of the layers before it); the footprint of a 3x3 with dilation D is "
          "3 + 2(D - 1).",
          "Footprints 3, 5, 7; the stride 2 multiplies what the second and third layers add.",
          "receptive_field(Q2_LAYERS) computes it; work it out by hand first."],
    solution=f"1 + (3 - 1) * 1 + (5 - 1) * 2 + (7 - 1) * 2  # = {_Q2}, "
             "receptive_field(Q2_LAYERS)",
    solution_answer=_Q2,
)


# --- q3: parameters of a grouped convolution ---------------------------------------------------

_Q3 = conv_params(3, 48, 96, groups=3)
_Q3_DENSE = conv_params(3, 48, 96)

q3 = Exercise(
    "How many parameters (weights and biases) does Conv2D(96, 3, groups=3) have on a "
    "48-channel input?",
    checker=number(_Q3, mistakes={
        _Q3_DENSE: "that is groups=1: with groups=3 each filter sees only 48 / 3 = 16 channels.",
        _Q3_DENSE // 3: "dividing the whole count by 3 also divided the 96 biases: only the "
                        "weights shrink (each filter sees 16 channels); there are still 96 "
                        "filters, each with its bias.",
        conv_params(3, 48, 96, bias=False, groups=3): "add the biases: one per filter, 96.",
        conv_params(3, 16, 32): "that is one group: 32 filters on 16 channels. There are 3 "
                                "groups, 96 filters in all.",
        conv_params(3, 16, 32, bias=False) + 96: "that counts the weights of one group (32 "
                                                 "filters) only; there are 3 groups of 32 "
                                                 "filters, each filter with 3 * 3 * 16 weights.",
        conv_params(3, 48, 96, bias=False, groups=3) + 3: "one bias per filter (96 of them), "
                                                          "not one per group.",
        conv_params(1, 48 // 3, 96): "that leaves out the 3x3 kernel: each filter has "
                                     "3 * 3 * 16 weights, not 16.",
        3 * _Q3: "that gives every group all 96 filters; the 96 filters are split among the 3 "
                 "groups, 32 each.",
    }),
    hint=["Each filter is F * F * (C_in / G) weights plus one bias; there are C_out filters.",
          "(3 * 3 * 16 + 1) * 96"],
    solution=f"(3 * 3 * (48 // 3) + 1) * 96  # = {_Q3:,}",
    solution_answer=_Q3,
)


# --- q4: parameters of a depthwise-separable convolution ---------------------------------------

_Q4 = separable_params(5, 32, 64)

q4 = Exercise(
    "How many parameters does SeparableConv2D(64, 5) have on a 32-channel input "
    "(model.count_params())?",
    checker=number(_Q4, mistakes={
        conv_params(5, 32, 64): "that is a standard Conv2D(64, 5); the separable layer has one "
                                "5x5 kernel per input channel, then a 1x1 convolution.",
        depthwise_params(5, 32) + conv_params(1, 32, 64):
            "that is DepthwiseConv2D(5) followed by Conv2D(64, 1), each with its biases; "
            "SeparableConv2D has one bias per output filter only (64), none in its depthwise "
            "step.",
        separable_params(5, 32, 64, bias=False): "add the 64 biases of the pointwise step.",
        depthwise_params(5, 32): "that is the depthwise step only; add the pointwise 1x1 "
                                 "convolution (32 -> 64, with its 64 biases).",
        depthwise_params(5, 32, bias=False): "that is the depthwise kernels only; add the "
                                             "pointwise 1x1 convolution and its biases.",
        conv_params(1, 32, 64): "that is the pointwise step only; add the depthwise 5x5 "
                                "kernels, one per input channel.",
        5 * 5 * 32 * 64 + conv_params(1, 32, 64): "the depthwise step has one 5x5 kernel per "
                                                  "INPUT channel (32 of them), not one per "
                                                  "(input, output) pair.",
        depthwise_params(5, 64, bias=False) + conv_params(1, 32, 64):
            "the depthwise step has one 5x5 kernel per INPUT channel (32), not one per output "
            "filter (64).",
        depthwise_params(5, 32) + conv_params(1, 32, 64, bias=False):
            "the bias belongs to the pointwise step: one per output filter (64), none on the "
            "depthwise step's 32 channels.",
    }),
    hint=["Depthwise: one F x F kernel per input channel, no bias. Pointwise: a 1x1 "
          "convolution from C_in to C_out channels, with one bias per filter.",
          "5 * 5 * 32 + (32 + 1) * 64"],
    solution=f"5 * 5 * 32 + (32 + 1) * 64  # = {_Q4:,}",
    solution_answer=_Q4,
)


# --- q5: the separable convolution's share of the multiplications ------------------------------

_Q5_SHAPE = (56, 56, 32)
_Q5 = (separable_mults(_Q5_SHAPE, 5, 64, padding="same")
       / conv_mults(_Q5_SHAPE, 5, 64, padding="same"))

q5 = Exercise(
    "SeparableConv2D(64, 5, padding='same') and Conv2D(64, 5, padding='same') on a 56x56x32 "
    "input. The separable layer's multiplications are what fraction of the standard layer's? "
    "(A number below 1; 3 significant figures.)",
    checker=number(_Q5, mistakes={
        1 / 5**2: "that is the depthwise step only (1 / F²); the pointwise step adds 1 / C_out.",
        1 / 64: "that is the pointwise step only (1 / C_out); the depthwise step adds 1 / F².",
        1 / _Q5: "that is how many times FEWER multiplications the separable layer does; the "
                 "question asks for the fraction, its inverse.",
        1 / 64 + 1 / 5: "the depthwise step's share is 1 / F², with F² = 25 taps, not 1 / F.",
        1 / 32 + 1 / 5**2: "the pointwise step's share is 1 / C_out with C_out = 64, the "
                           "layer's filters, not the 32 input channels.",
        1 / 5: "that is 1 / F alone: the depthwise step's share is 1 / F² (F² = 25 taps), and "
               "the pointwise step adds 1 / C_out.",
        100 * _Q5: "that is a percentage; the question asks for a fraction of 1 (divide by "
                   "100).",
    }),
    hint=["Write both counts as O * O * ... and divide: the O * O * C_in factor cancels.",
          "Depthwise: O² * C_in * F²; pointwise: O² * C_in * C_out; standard: O² * C_in * F² * "
          "C_out. The fraction is 1 / C_out + 1 / F²."],
    solution=f"1 / 64 + 1 / 5**2  # = {_Q5:.4f}",
    solution_answer=round(_Q5, 4),
)


# --- q6: glorot_uniform's limit ----------------------------------------------------------------

_Q6_FAN_IN, _Q6_FAN_OUT = 5 * 5 * 16, 5 * 5 * 64
_Q6 = math.sqrt(6 / (_Q6_FAN_IN + _Q6_FAN_OUT))

q6 = Exercise(
    "Conv2D(64, 5) is built on a 16-channel input with Keras's default "
    "kernel_initializer='glorot_uniform'. Its weights are drawn uniformly between -limit and "
    "+limit. What is the limit? (3 significant figures.)",
    checker=number(_Q6, mistakes={
        math.sqrt(6 / (16 + 64)): "for a convolution the fans count the kernel's F * F taps: "
                                  "fan_in = 5 * 5 * 16 and fan_out = 5 * 5 * 64.",
        math.sqrt(6 / (_Q6_FAN_IN + 64)): "fan_out counts the kernel's taps too: "
                                          "5 * 5 * 64, not 64.",
        math.sqrt(6 / _Q6_FAN_IN): "that is sqrt(6 / fan_in), He's uniform limit; Glorot uses "
                                   "fan_in + fan_out.",
        math.sqrt(2 / (_Q6_FAN_IN + _Q6_FAN_OUT)): "that is glorot_normal's standard deviation "
                                                   "sqrt(2 / (fan_in + fan_out)); the uniform "
                                                   "limit has a 6.",
        6 / (_Q6_FAN_IN + _Q6_FAN_OUT): "take the square root: limit = sqrt(6 / (fan_in + "
                                        "fan_out)).",
        2 * _Q6: "that is the interval's width, from -limit to +limit; the limit is half of it.",
        math.sqrt(2 / _Q6_FAN_IN): "that is sqrt(2 / fan_in), He normal's standard deviation; "
                                   "glorot_uniform's limit is sqrt(6 / (fan_in + fan_out)).",
        math.sqrt(6 / ((_Q6_FAN_IN + _Q6_FAN_OUT) / 2)):
            "that divides 6 by the average of the fans; the limit divides it by their sum, "
            "sqrt(6 / (fan_in + fan_out)) (which is sqrt(3 / average)).",
        math.sqrt(3 / _Q6_FAN_IN): "that is sqrt(3 / fan_in), LeCun's uniform limit; Glorot's "
                                   "uses both fans: sqrt(6 / (fan_in + fan_out)).",
        math.sqrt(6 / (3 * 3 * 1 + 3 * 3 * 32)): "that is the lesson's example, Conv2D(32, 3) "
                                                 "on one channel; here the kernel is 5x5, with "
                                                 "16 input and 64 output channels.",
    }),
    hint=["limit = sqrt(6 / (fan_in + fan_out)); for a Conv2D kernel (F, F, C_in, C_out), "
          "fan_in = F * F * C_in and fan_out = F * F * C_out.",
          "fan_in = 400, fan_out = 1,600."],
    solution=f"(6 / (5 * 5 * 16 + 5 * 5 * 64)) ** 0.5  # = {_Q6:.4f}",
    solution_answer=round(_Q6, 4),
)


# --- q7: a depthwise convolution by hand -------------------------------------------------------


def my_depthwise_conv2d(x, kernel):
    """Depthwise convolution, stride 1, no padding: x (H, W, C), kernel (F_h, F_w, C, dm)."""
    f_h, f_w, channels, multiplier = kernel.shape
    o_h, o_w = x.shape[0] - f_h + 1, x.shape[1] - f_w + 1
    out = np.zeros((o_h, o_w, channels * multiplier))
    for i in range(o_h):
        for j in range(o_w):
            window = x[i:i + f_h, j:j + f_w, :]                  # (F_h, F_w, C)
            for c in range(channels):
                for m in range(multiplier):
                    out[i, j, c * multiplier + m] = np.sum(window[:, :, c] * kernel[:, :, c, m])
    return out


def _case(seed, h, w, f_h, f_w, channels, multiplier):
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 4, size=(h, w, channels)).astype(float),
            rng.integers(-2, 3, size=(f_h, f_w, channels, multiplier)).astype(float))


_Q7_CASES = [_case(1, 5, 5, 3, 3, 3, 2), _case(2, 6, 4, 2, 3, 2, 3), _case(3, 4, 4, 3, 3, 1, 1),
             _case(4, 7, 5, 3, 2, 4, 2)]


def _reordered(x, kernel):
    """Output channels ordered multiplier-major (m * C + c) instead of Keras's c * dm + m."""
    out = depthwise_conv2d(x, kernel)
    o_h, o_w = out.shape[:2]
    channels, multiplier = kernel.shape[2:]
    return out.reshape(o_h, o_w, channels, multiplier).transpose(0, 1, 3, 2).reshape(
        o_h, o_w, channels * multiplier)


q7 = Exercise(
    "Write my_depthwise_conv2d(x, kernel) with loops: x is (H, W, C), kernel is Keras's "
    "DepthwiseConv2D layout (F_h, F_w, C, depth_multiplier); stride 1, no padding. Output "
    "channel c * depth_multiplier + m is channel c of x with kernel[:, :, c, m]; channels are "
    "never summed together. The check runs it on four cases, some with depth_multiplier > 1.",
    checker=function(_Q7_CASES, reference=depthwise_conv2d, atol=1e-9, mistakes=[
        (lambda x, kernel: conv2d(x, kernel),
         "your function sums over the channels, as a Conv2D filter does; a depthwise filter "
         "keeps each channel apart: output channel c * dm + m uses x[:, :, c] only."),
        (_reordered,
         "the values are right but the channels are in the wrong order: Keras puts input "
         "channel c's multipliers side by side, output channel c * depth_multiplier + m, not "
         "m * C + c."),
        (lambda x, kernel: depthwise_conv2d(x, kernel[:, :, :, :1]),
         "your function ignores the depth multiplier: each input channel has depth_multiplier "
         "kernels (kernel[:, :, c, m] for every m), so the output has C * depth_multiplier "
         "channels."),
        (lambda x, kernel: depthwise_conv2d(x, np.flip(kernel, (0, 1))),
         "you flipped the kernels: a DepthwiseConv2D slides them as they are, like Conv2D."),
        (lambda x, kernel: np.tile(conv2d(x, kernel), (1, 1, kernel.shape[2])),
         "every output channel sums over ALL input channels: window * kernel[:, :, :, m] uses "
         "each channel of the window. Output channel c * depth_multiplier + m must use "
         "window[:, :, c] * kernel[:, :, c, m] only."),
    ]),
    hint=["The output is (H - F_h + 1, W - F_w + 1, C * depth_multiplier).",
          "For each position (i, j), take the window x[i:i + F_h, j:j + F_w, :]; for each "
          "channel c and multiplier m, sum window[:, :, c] * kernel[:, :, c, m] into output "
          "channel c * depth_multiplier + m."],
    solution_answer=my_depthwise_conv2d,
)


# --- q8: the parameters of an inverted residual block ------------------------------------------

_BN = 4  # per channel: gamma, beta (trained), moving mean and variance (not trained)
_Q8_CONVS = (conv_params(1, 32, 192, bias=False) + depthwise_params(3, 192, bias=False)
             + conv_params(1, 192, 64, bias=False))
_Q8 = _Q8_CONVS + _BN * 192 * 2

q8 = Exercise(
    "A MobileNetV2-style block on a 28x28x32 input: Conv2D(192, 1, use_bias=False) -> "
    "BatchNormalization -> DepthwiseConv2D(3, strides=2, padding='same', use_bias=False) -> "
    "BatchNormalization -> Conv2D(64, 1, use_bias=False). How many parameters does "
    "model.count_params() report for the block?",
    checker=number(_Q8, mistakes={
        _Q8_CONVS: "the BatchNormalization layers have parameters too: 4 per channel.",
        _Q8_CONVS + 2 * 192 * 2: "count_params() counts 4 numbers per channel for "
                                 "BatchNormalization: gamma and beta (trained) and the moving "
                                 "mean and variance (not trained, but stored).",
        _Q8 - depthwise_params(3, 192, bias=False) + conv_params(3, 192, 192, bias=False):
            "the depthwise layer has one 3x3 kernel per channel (192 of them), not a 3x3x192 "
            "kernel per filter.",
        _Q8 + 192 + 192 + 64: "use_bias=False: the convolutions have no biases (the batch "
                              "normalization after them has its own shift, beta).",
        _Q8_CONVS + _BN * 192 * 2 + _BN * 64: "there are two BatchNormalization layers, both on "
                                              "192 channels; none after the last convolution.",
        _Q8 + 192: "the DepthwiseConv2D has use_bias=False too: no biases on its 192 channels.",
    }),
    hint=["Count each layer: a 1x1 convolution has C_in * C_out weights; the depthwise 3x3 "
          "has 3 * 3 per channel; each BatchNormalization has 4 per channel.",
          "32 * 192 + 4 * 192 + 3 * 3 * 192 + 4 * 192 + 192 * 64"],
    solution=f"32 * 192 + 4 * 192 + 3 * 3 * 192 + 4 * 192 + 192 * 64  # = {_Q8:,}",
    solution_answer=_Q8,
)


__all__ = ["Q2_LAYERS", "my_depthwise_conv2d", *bind_exercises(globals())]
