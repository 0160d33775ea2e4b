"""Shape, parameter and cost arithmetic of convolution layers.

Notation (the course's): N input size, F kernel size, S stride, P padding, O output size,
C_in and C_out the input and output channels. Sizes are per axis (height or width) unless a
function takes a whole ``input_shape`` (H, W) or (H, W, C), channels-last like Keras.

``padding`` is ``"valid"`` (no zeros), ``"same"`` (TensorFlow's rule: O = ceil(N / S), the
odd extra zero at the bottom/right), an int P (P zeros on both sides) or, where a single
axis is meant, a pair (before, after). Functions taking an ``input_shape`` also accept
Keras's ZeroPadding2D forms: (P_h, P_w) or ((top, bottom), (left, right)).

Lesson 07 adds the rest of Conv2D's arguments: a dilation D (``dilation_rate``) spreads the
F taps of a kernel D pixels apart, so the window covers F + (F - 1)(D - 1) pixels
(:func:`effective_kernel_size`, used by every formula here); ``groups`` G splits the channels
into G independent convolutions; depthwise and depthwise-separable layers are counted by
:func:`depthwise_params`, :func:`separable_params`, :func:`depthwise_mults` and
:func:`separable_mults`; lesson 06 counts a transposed convolution's multiplications
(:func:`conv_transpose_mults`).
"""

from __future__ import annotations

import numpy as np

from .validation import check_input_shape, check_int, check_padding, check_pair

__all__ = [
    "effective_kernel_size",
    "conv_output_size",
    "conv_transpose_output_size",
    "conv_transpose_crop",
    "same_padding",
    "explicit_padding",
    "conv_params",
    "channels_per_group",
    "depthwise_params",
    "separable_params",
    "conv_mults",
    "depthwise_mults",
    "separable_mults",
    "conv_transpose_mults",
    "usage_counts",
    "receptive_field",
]

STRIDE_RULE = "S = 0 would never move the window"
DILATION_RULE = "D = 1 is an ordinary kernel; D = 0 would put every tap on the same pixel"


def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """F + (F - 1)(D - 1): how many pixels a kernel of F taps covers when they are D apart.

    With ``dilation_rate=D`` Keras leaves D - 1 pixels between neighbouring taps, so a 3x3
    kernel with D = 2 covers 5x5 while it still holds 9 weights. D = 1 is the ordinary kernel.
    Taught in lesson 07, section 3.

    >>> effective_kernel_size(3, 2)     # a 3x3 with D = 2 covers 5x5
    5
    >>> effective_kernel_size(3, 4)
    9
    >>> effective_kernel_size(5)        # D = 1: the kernel itself
    5
    """
    f = check_int(kernel_size, "kernel_size")
    d = check_int(dilation, "dilation", rule=DILATION_RULE)
    return f + (f - 1) * (d - 1)


def same_padding(n: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """The zeros (before, after) TensorFlow adds on one axis for ``padding="same"``.

    The total is max((ceil(N / S) - 1) * S + F - N, 0), whatever makes O = ceil(N / S); when
    it is odd, the extra zero goes after (bottom or right). With a dilation D, F is the
    window's footprint F + (F - 1)(D - 1) (lesson 07). Taught in lesson 01, section 7.

    >>> same_padding(5, 3)
    (1, 1)
    >>> same_padding(28, 5)
    (2, 2)
    >>> same_padding(4, 2)  # total 1: none on top, one at the bottom
    (0, 1)
    >>> same_padding(7, 3, 2)
    (1, 1)
    >>> same_padding(28, 3, dilation=2)   # lesson 07: a 3x3 with D = 2 needs 2 zeros a side
    (2, 2)
    """
    n = check_int(n, "n")
    f = effective_kernel_size(kernel_size, dilation)
    s = check_int(stride, "stride", rule=STRIDE_RULE)
    total = max((-(-n // s) - 1) * s + f - n, 0)
    return total // 2, total - total // 2


def _axis_padding(padding, n: int, f: int, s: int) -> tuple[int, int]:
    """(before, after) zeros on one axis for 'valid', 'same', an int P or a pair."""
    if isinstance(padding, str):
        padding = padding.lower()
        if padding == "same":
            return same_padding(n, f, s)
        if padding == "valid":
            return 0, 0
    if isinstance(padding, tuple | list):
        return check_pair(padding, "padding", 0, "padding adds zeros, so it cannot be negative")
    spec = check_padding(padding)  # raises with the rule for anything else
    return spec[0] if isinstance(spec, tuple) else (0, 0)


def _fits(n: int, f: int, before: int, after: int, padding, name: str = "kernel_size",
          dilation: int = 1) -> None:
    """The window must fit inside the padded input: F <= N + P_before + P_after; with a
    dilation D, its footprint F + (F - 1)(D - 1) must."""
    footprint = effective_kernel_size(f, dilation)
    if footprint > n + before + after:
        if dilation == 1:
            raise ValueError(
                f"{name} {f} is larger than the padded input {n + before + after} "
                f"(n={n}, padding={padding!r}); the window must fit inside: F <= N + 2P"
            )
        raise ValueError(
            f"{name} {f} with dilation {dilation} covers F + (F - 1)(D - 1) = {footprint} "
            f"pixels, more than the padded input {n + before + after} (n={n}, "
            f"padding={padding!r}); the window must fit inside: F + (F - 1)(D - 1) <= N + 2P"
        )


def _output_size(n: int, f: int, s: int, before: int, after: int) -> int:
    """O = floor((N + P_before + P_after - F) / S) + 1: the course's one output-size formula."""
    return (n + before + after - f) // s + 1


def explicit_padding(padding, input_size, kernel_size, stride=1, dilation=1):
    """The zeros a padding adds on each side: ((top, bottom), (left, right)).

    ``padding`` is any form the course accepts: "valid", "same" (TensorFlow's rule, the odd
    extra zero at the bottom/right), an int P, a pair (P_h, P_w) or ((top, bottom), (left,
    right)). ``input_size``, ``kernel_size``, ``stride`` and ``dilation`` are ints or
    (height, width) pairs; "same" pads for the dilated kernel's footprint (lesson 07).
    Taught in lesson 01, section 7.

    >>> explicit_padding("same", 6, 3, 2)          # lesson 01: the odd zero goes after
    ((0, 1), (0, 1))
    >>> explicit_padding(1, (5, 5), 3)
    ((1, 1), (1, 1))
    >>> explicit_padding("valid", 28, 5)
    ((0, 0), (0, 0))
    >>> explicit_padding("same", 28, 3, dilation=2)   # lesson 07: the footprint is 5x5
    ((2, 2), (2, 2))
    """
    sizes = check_pair(input_size, "input_size")
    dilations = check_pair(dilation, "dilation", 1, DILATION_RULE)
    window = tuple(effective_kernel_size(f, d)
                   for f, d in zip(check_pair(kernel_size, "kernel_size"), dilations, strict=True))
    strides = check_pair(stride, "stride", 1, STRIDE_RULE)
    spec = check_padding(padding)
    if isinstance(spec, str):
        return tuple(_axis_padding(spec, n, f, s)
                     for n, f, s in zip(sizes, window, strides, strict=True))
    return spec


def conv_output_size(n: int, kernel_size: int, stride: int = 1, padding="valid",
                     dilation: int = 1) -> int:
    """O = floor((N + 2P - F) / S) + 1: the output size of a convolution (or pooling) on one axis.

    With ``padding="same"`` it is ceil(N / S), as in Keras. With a dilation D, F is the
    kernel's footprint F + (F - 1)(D - 1) (conv_arithmetic's relationship 15; lesson 07,
    section 3). Taught in lesson 01, sections 5-7; pooling uses it too (lesson 03).

    >>> conv_output_size(4, 3)             # lesson 01: 4x4 input, 3x3 kernel -> 2x2
    2
    >>> conv_output_size(28, 5)            # 28 -> 24 for a 5x5 kernel
    24
    >>> conv_output_size(7, 5, stride=2)   # 7x7x3 with 5x5 filters, stride 2 -> 2x2
    2
    >>> conv_output_size(5, 3, padding=1)  # padding 1 keeps 5x5
    5
    >>> conv_output_size(28, 5, padding="same")
    28
    >>> conv_output_size(28, 3, dilation=2)  # lesson 07: a 3x3 with D = 2 covers 5x5
    24
    """
    n = check_int(n, "n")
    f = check_int(kernel_size, "kernel_size")
    d = check_int(dilation, "dilation", rule=DILATION_RULE)
    s = check_int(stride, "stride", rule=STRIDE_RULE)
    footprint = effective_kernel_size(f, d)
    before, after = _axis_padding(padding, n, footprint, s)
    _fits(n, f, before, after, padding, dilation=d)
    return _output_size(n, footprint, s, before, after)


def _transpose_axis(n, kernel_size, stride, padding, output_padding) -> tuple[int, int]:
    """(O, crop) of a transposed convolution on one axis: its output size, and how many rows
    of the full scatter result ((N - 1) * S + F rows) are cut at the top (or left)."""
    n = check_int(n, "n")
    f = check_int(kernel_size, "kernel_size")
    s = check_int(stride, "stride", rule=STRIDE_RULE)
    if output_padding is not None:
        output_padding = check_int(output_padding, "output_padding", 0,
                                   "output_padding adds rows, it cannot remove them")
        if output_padding >= s:
            raise ValueError(
                f"output_padding must be smaller than stride, got output_padding="
                f"{output_padding} with stride {s}; Keras requires 0 <= output_padding < S"
            )
    same = isinstance(padding, str) and padding.lower() == "same"
    if isinstance(padding, str) and padding.lower() in ("valid", "same"):
        if output_padding is None:
            o = n * s + (0 if same else max(f - s, 0))
            # the transpose of the 'same' convolution of O pixels: its zeros before are cut
            return o, same_padding(o, f, s)[0] if same else 0
        before = after = f // 2 if same else 0
    else:
        before, after = _axis_padding(padding, n, f, s)
    o = (n - 1) * s + f - before - after + (output_padding or 0)
    if same and -(-o // s) != n:
        raise ValueError(
            f"padding='same' with kernel_size {f}, stride {s} and output_padding="
            f"{output_padding} gives O = {o}, but a 'same' convolution of O pixels gives "
            f"ceil(O / S) = {-(-o // s)}, not the input's N = {n}; TensorFlow requires "
            f"ceil(O / S) = N (with an even kernel use output_padding >= 1, or None)"
        )
    if o < 1:
        raise ValueError(
            f"padding={padding!r} removes {before + after} rows but the transposed convolution "
            f"only makes {(n - 1) * s + f}; the padding must leave O = (N - 1) * S + F - 2P >= 1"
        )
    # 'same' cuts what the 'same' convolution of O pixels pads before; explicit P cuts P
    return o, same_padding(o, f, s)[0] if same else before


def conv_transpose_output_size(n: int, kernel_size: int, stride: int = 1, padding="valid",
                               output_padding: int | None = None) -> int:
    """O = (N - 1) * S + F - 2P + output_padding: the output size of Conv2DTranspose on one axis.

    Keras's rules: with ``output_padding=None``, "valid" gives N * S + max(F - S, 0) and
    "same" gives N * S; with an ``output_padding``, "same" counts P = F // 2. An int P or a
    pair (before, after) removes that many rows from the full result. Taught in lesson 04,
    section 6.

    >>> conv_transpose_output_size(4, 3)            # lesson 04: 4x4 -> 6x6
    6
    >>> conv_transpose_output_size(4, 3, stride=2, padding="same")
    8
    >>> conv_transpose_output_size(4, 3, stride=2, padding=1, output_padding=1)
    8
    """
    return _transpose_axis(n, kernel_size, stride, padding, output_padding)[0]


def conv_transpose_crop(n: int, kernel_size: int, stride: int = 1, padding="valid",
                        output_padding: int | None = None) -> int:
    """How many rows (or columns) a transposed convolution cuts from the top (or left) of its
    full scatter result of (N - 1) * S + F rows: the padding P crops the output.

    Taught in lesson 04, "Going further".

    >>> conv_transpose_crop(4, 3)                                  # "valid": nothing is cut
    0
    >>> conv_transpose_crop(4, 3, stride=2, padding="same")        # 9 rows, 8 kept
    0
    >>> conv_transpose_crop(4, 3, stride=2, padding=1, output_padding=1)
    1
    """
    return _transpose_axis(n, kernel_size, stride, padding, output_padding)[1]


def channels_per_group(in_channels: int, out_channels: int, groups: int = 1) -> tuple[int, int]:
    """(C_in / G, C_out / G): the input channels each filter of a grouped convolution sees,
    and the filters each group has.

    ``Conv2D(filters, F, groups=G)`` splits the input channels into G slices and the filters
    into G sets; set g convolves slice g only. G must divide both numbers.
    Taught in lesson 07, section 4.

    >>> channels_per_group(64, 128, 4)
    (16, 32)
    >>> channels_per_group(48, 96, 5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: groups=5 does not divide the 48 input channels (48 = 5 * 9 + 3); in a ...
    """
    c_in = check_int(in_channels, "in_channels")
    c_out = check_int(out_channels, "out_channels")
    g = check_int(groups, "groups", rule="groups=1 is an ordinary convolution")
    for count, what, share in ((c_in, "input channels", "C_in / G of the input channels"),
                               (c_out, "filters (output channels)", "C_out / G of the filters")):
        if count % g:
            raise ValueError(
                f"groups={g} does not divide the {count} {what} ({count} = {g} * {count // g} "
                f"+ {count % g}); in a grouped convolution each of the G groups gets {share}, "
                f"so G must divide {share.split(' /')[0]}"
            )
    return c_in // g, c_out // g


def conv_params(kernel_size, in_channels: int, out_channels: int, bias: bool = True,
                groups: int = 1) -> int:
    """(F_h * F_w * C_in / G + 1) * C_out: the weights and biases of a Conv2D layer.

    Each filter sees C_in / G channels when ``groups=G`` (lesson 07, section 4); G = 1 is
    the ordinary convolution. Taught in lesson 02, section 4.

    >>> conv_params(5, 1, 3)    # Conv2D(3, 5) on a 1-channel input
    78
    >>> conv_params(5, 3, 6)    # Conv2D(6, 5) on a 3-channel input
    456
    >>> conv_params(5, 192, 32)
    153632
    >>> conv_params(3, 64, 128), conv_params(3, 64, 128, groups=4)   # lesson 07
    (73856, 18560)
    """
    f_h, f_w = check_pair(kernel_size, "kernel_size")
    c_group, _ = channels_per_group(in_channels, out_channels, groups)
    return (f_h * f_w * c_group + (1 if bias else 0)) * check_int(out_channels, "out_channels")


def depthwise_params(kernel_size, in_channels: int, depth_multiplier: int = 1,
                     bias: bool = True) -> int:
    """(F_h * F_w + 1) * C_in * depth_multiplier: the weights and biases of DepthwiseConv2D.

    A depthwise convolution gives every input channel its own ``depth_multiplier`` kernels
    and never mixes channels: it is a Conv2D with ``groups = C_in`` and C_in * depth_multiplier
    filters, counted as such. Taught in lesson 07, section 6.

    >>> depthwise_params(3, 64)       # DepthwiseConv2D(3) on 64 channels
    640
    >>> depthwise_params(3, 3, depth_multiplier=2)
    60
    """
    c_in = check_int(in_channels, "in_channels")
    multiplier = check_int(depth_multiplier, "depth_multiplier")
    return conv_params(kernel_size, c_in, c_in * multiplier, bias, groups=c_in)


def separable_params(kernel_size, in_channels: int, out_channels: int, depth_multiplier: int = 1,
                     bias: bool = True) -> int:
    """F_h * F_w * C_in * dm + (C_in * dm + 1) * C_out: the parameters of SeparableConv2D.

    A depthwise convolution without a bias, then a 1x1 (pointwise) convolution with the
    layer's one bias per filter. Taught in lesson 07, section 6.

    >>> separable_params(3, 64, 128)     # 3x3, 64 -> 128: 576 + 8,192 + 128
    8896
    """
    c_in = check_int(in_channels, "in_channels")
    multiplier = check_int(depth_multiplier, "depth_multiplier")
    return (depthwise_params(kernel_size, c_in, multiplier, bias=False)
            + conv_params(1, c_in * multiplier, out_channels, bias))


def _output_hw(input_shape, kernel_size, stride, padding, dilation=1):
    """(H, W, C), window, strides, explicit zeros and (O_h, O_w) of a layer on input_shape."""
    h, w, c = check_input_shape(input_shape)
    window = check_pair(kernel_size, "kernel_size")
    strides = check_pair(stride, "stride", 1, STRIDE_RULE)
    dilations = check_pair(dilation, "dilation", 1, DILATION_RULE)
    pads = explicit_padding(padding, (h, w), window, strides, dilations)
    sizes = tuple(conv_output_size(n, f, s, pad, d)
                  for n, f, s, pad, d in zip((h, w), window, strides, pads, dilations,
                                             strict=True))
    return (h, w, c), window, strides, pads, sizes


def conv_mults(input_shape, kernel_size, out_channels: int, stride=1, padding="valid",
               dilation=1, groups: int = 1) -> int:
    """O_h * O_w * C_out * F_h * F_w * C_in / G: the multiplications a Conv2D layer performs.

    ``input_shape`` is (H, W, C_in) or (H, W) for one channel (no batch axis). A dilation
    changes only O (the kernel still has F_h * F_w taps); ``groups=G`` divides the work by G
    (lesson 07). Taught in lesson 02, section 4; the bottleneck's saving in lesson 04,
    section 2.

    >>> conv_mults((28, 28, 192), 5, 32, padding="same")   # lesson 04
    120422400
    >>> conv_mults((28, 28, 192), 1, 16) + conv_mults((28, 28, 16), 5, 32, padding="same")
    12443648
    >>> conv_mults((28, 28, 192), 5, 32)                   # "valid": 24x24x32
    88473600
    >>> conv_mults((112, 112, 64), 3, 128, padding="same")  # lesson 07's standard layer
    924844032
    """
    (_, _, c_in), (f_h, f_w), _, _, (o_h, o_w) = _output_hw(input_shape, kernel_size, stride,
                                                            padding, dilation)
    c_group, _ = channels_per_group(c_in, out_channels, groups)
    return o_h * o_w * check_int(out_channels, "out_channels") * f_h * f_w * c_group


def depthwise_mults(input_shape, kernel_size, stride=1, padding="valid", dilation=1,
                    depth_multiplier: int = 1) -> int:
    """O_h * O_w * C_in * depth_multiplier * F_h * F_w: the multiplications of DepthwiseConv2D.

    Counted as a Conv2D with ``groups = C_in``. Taught in lesson 07, section 6.

    >>> depthwise_mults((112, 112, 64), 3, padding="same")
    7225344
    """
    c_in = check_input_shape(input_shape)[2]
    multiplier = check_int(depth_multiplier, "depth_multiplier")
    return conv_mults(input_shape, kernel_size, c_in * multiplier, stride, padding, dilation,
                      groups=c_in)


def separable_mults(input_shape, kernel_size, out_channels: int, stride=1, padding="valid",
                    dilation=1, depth_multiplier: int = 1) -> int:
    """The multiplications of SeparableConv2D: its depthwise step, then a 1x1 convolution.

    O_h * O_w * C_in * dm * F_h * F_w + O_h * O_w * C_in * dm * C_out; as a fraction of the
    standard convolution's, 1 / C_out + 1 / (F_h * F_w) (MobileNet's ratio, for dm = 1).
    Taught in lesson 07, section 6.

    >>> separable_mults((112, 112, 64), 3, 128, padding="same")   # 8.4x fewer than 924,844,032
    109985792
    """
    h, w, c_in = check_input_shape(input_shape)
    multiplier = check_int(depth_multiplier, "depth_multiplier")
    _, _, _, _, (o_h, o_w) = _output_hw((h, w, c_in), kernel_size, stride, padding, dilation)
    return (depthwise_mults(input_shape, kernel_size, stride, padding, dilation, multiplier)
            + conv_mults((o_h, o_w, c_in * multiplier), 1, out_channels))


def conv_transpose_mults(input_shape, kernel_size, out_channels: int) -> int:
    """N_h * N_w * C_in * F_h * F_w * C_out: the multiplications of Conv2DTranspose, scattered.

    ``input_shape`` is the transposed convolution's input (H, W, C_in), or (H, W). Every input
    value scales the F_h x F_w x C_out kernel once (lesson 04's stamps), whatever the stride,
    padding or output_padding: a convolution's dL/dX costs what its forward pass costs. The
    sliding form (zeros between the values, then a convolution) multiplies the inserted zeros
    and the padding too: about S * S times as many at stride S. Taught in lesson 06, section 8.

    >>> conv_transpose_mults((4, 4), 3, 1)                    # lesson 04: 16 stamps of 9
    144
    >>> conv_transpose_mults((28, 28, 16), 3, 8) == conv_mults((28, 28, 8), 3, 16, padding="same")
    True
    """
    h, w, c_in = check_input_shape(input_shape)
    f_h, f_w = check_pair(kernel_size, "kernel_size")
    return h * w * c_in * f_h * f_w * check_int(out_channels, "out_channels")


def usage_counts(input_shape, kernel_size, stride=1, padding="valid", dilation=1) -> np.ndarray:
    """How many kernel windows cover each input pixel: an (H, W) array of ints.

    Padded zeros are not counted; only the input's own pixels. With a dilation D, a window
    reads every D-th pixel of its footprint (lesson 07). Taught in lesson 01, sections 6
    and 7.

    >>> usage_counts((5, 5), 3)                 # corners once, centre nine times
    array([[1, 2, 3, 2, 1],
           [2, 4, 6, 4, 2],
           [3, 6, 9, 6, 3],
           [2, 4, 6, 4, 2],
           [1, 2, 3, 2, 1]])
    >>> usage_counts((5, 5), 3, padding=1)      # every pixel used 4 to 9 times
    array([[4, 6, 6, 6, 4],
           [6, 9, 9, 9, 6],
           [6, 9, 9, 9, 6],
           [6, 9, 9, 9, 6],
           [4, 6, 6, 6, 4]])
    >>> usage_counts((5, 5), 1, stride=2)       # S > F: some pixels are never used
    array([[1, 0, 1, 0, 1],
           [0, 0, 0, 0, 0],
           [1, 0, 1, 0, 1],
           [0, 0, 0, 0, 0],
           [1, 0, 1, 0, 1]])
    """
    (h, w, _), (f_h, f_w), (s_h, s_w), pads, (o_h, o_w) = _output_hw(input_shape, kernel_size,
                                                                     stride, padding, dilation)
    d_h, d_w = check_pair(dilation, "dilation", 1, DILATION_RULE)
    span_h, span_w = effective_kernel_size(f_h, d_h), effective_kernel_size(f_w, d_w)
    (top, bottom), (left, right) = pads
    counts = np.zeros((h + top + bottom, w + left + right), dtype=int)
    for i in range(o_h):
        for j in range(o_w):
            counts[i * s_h : i * s_h + span_h : d_h, j * s_w : j * s_w + span_w : d_w] += 1
    return counts[top : top + h, left : left + w]


def receptive_field(layers) -> int:
    """How many input pixels (per axis) one output pixel of a stack of layers depends on.

    ``layers`` lists the layers first to last, each as a (kernel_size, stride) pair or a
    (kernel_size, stride, dilation) triple; pooling layers count too. Each layer adds
    (F_eff - 1) times the product of the strides of the layers before it, F_eff being the
    kernel's footprint F + (F - 1)(D - 1). Taught in lesson 03, section 4 (with and without
    pooling, measured by lighting one pixel at a time) and lesson 07, section 3 (dilation, and
    the same number measured as the non-zero region of a gradient).

    >>> receptive_field([(3, 1), (3, 1)])            # two 3x3 layers see 5x5, as one 5x5
    5
    >>> receptive_field([(5, 1), (5, 1)])            # the source's two 5x5 convolutions
    9
    >>> receptive_field([(3, 1), (2, 2), (3, 1)])    # conv, pool, conv
    8
    >>> receptive_field([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)])   # lesson 03: 18, not 7
    18
    >>> receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)])   # 3x3 with D = 1, 2, 4: 15x15
    15
    """
    rule = ("layers must be a non-empty list of (kernel_size, stride) pairs or "
            "(kernel_size, stride, dilation) triples, first layer first")
    if not isinstance(layers, tuple | list) or not layers:
        raise ValueError(f"{rule}; got {layers!r}")
    field, jump = 1, 1
    for layer in layers:
        if not isinstance(layer, tuple | list) or len(layer) not in (2, 3):
            raise ValueError(
                f"each entry of layers must be a (kernel_size, stride) pair or a "
                f"(kernel_size, stride, dilation) triple, got {layer!r}"
            )
        footprint = effective_kernel_size(layer[0], layer[2] if len(layer) == 3 else 1)
        s = check_int(layer[1], "stride", rule=STRIDE_RULE)
        field += (footprint - 1) * jump
        jump *= s
    return field
