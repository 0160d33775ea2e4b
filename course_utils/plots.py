"""The figures the lessons draw, one call each, so a lesson cell stays one readable line.

Every helper returns a :class:`Plot` ``(fig, axes)`` so tests (and curious learners) can
inspect what was drawn: ``fig, ax = show_matrix(x)``. In a notebook the figure shows by
itself; the returned pair prints nothing, so a cell ending in ``show_matrix(x)`` shows only
the picture.

Colours: ``viridis`` for values, ``cividis`` for counts (both readable with colour-vision
deficiencies and in greyscale), ``PuOr`` (purple-orange, diverging, colour-blind safe) for
signed kernels centred on zero, grey for digits. Line plots use the Okabe-Ito palette and
different line styles, so no information depends on telling red from green. Figures are
small (a few inches) so a notebook at 90 dpi with twenty of them stays well under 1 MB;
no text is smaller than 7 pt (9 pixels at 90 dpi).

Layouts: 2-D arrays are (rows, columns); feature maps are channels-last (H, W, C) like Keras;
kernels are Keras's Conv2D layout (kh, kw, in, out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import MaxNLocator

from .arithmetic import conv_output_size, conv_params, receptive_field, usage_counts
from .ops import conv2d, conv_matrix
from .validation import check_array, check_int

__all__ = [
    "Plot",
    "show_matrix",
    "show_conv_step",
    "show_conv_layer_step",
    "show_feature_maps",
    "show_maps_on_input",
    "show_pooled_maps",
    "show_usage_counts",
    "show_padded_windows",
    "show_receptive_field_1d",
    "show_fields_on_image",
    "show_shifted_row_pooling",
    "show_shift_test",
    "show_kernels",
    "plot_history",
    "show_digits",
    "show_rgb_channels",
    "show_maps_on_image",
    "show_compute_graph",
    "show_conv_volumes",
    "show_weight_sharing",
    "show_path_counts",
    "show_group_reads",
    "show_channel_links",
    "show_slice_mosaics",
]

VALUE_CMAP = "viridis"
COUNT_CMAP = "cividis"
PAD_GREY = "0.85"  # padded zeros in lesson 01's explorer: flat light grey, black counts
SIGNED_CMAP = "PuOr"
DIGIT_CMAP = "gray_r"
DIFFERENCE_CMAP = "Purples"   # 0 is white: nothing changed
#: A layer's input beside signed weights (show_conv_layer_step): one grey hue, so that none of
#: its shades is read as a sign on the purple-orange scale of the kernels.
INPUT_CMAP = "Greys"
#: Numbers alone (``cmap=None``): white cells, so that only an outline (a window) stands out;
#: a cell with no value yet (NaN) is light grey.
PLAIN_CMAP = ListedColormap(["white"], name="plain").with_extremes(bad="0.88")
#: Okabe-Ito colours: blue, orange, bluish green, vermillion (distinguishable by most readers).
LINE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00")
WRONG_COLOR = "#D55E00"  # vermillion, paired with a "(true n)" text so colour is not needed
MAX_VALUES_SHOWN = 12  # write numbers in cells only up to this many rows/columns
_CELL_INCHES = 0.38


class Plot(NamedTuple):
    """What every helper returns: the figure and its axes (one Axes or an array of them).

    Every drawing helper returns one (lessons 01-07).
    """

    fig: Any
    axes: Any

    def _ipython_display_(self) -> None:
        """Show nothing: the notebook already displays the figure itself."""


def _matrix(a, name: str) -> np.ndarray:
    array = check_array(a, name, (2, 3), "2-D (rows, columns)")
    if array.ndim == 3:
        if array.shape[-1] != 1:
            raise ValueError(
                f"{name} must be 2-D (rows, columns) or (H, W, 1); got shape {array.shape}. "
                "Pick one channel, e.g. x[:, :, 0], or use show_feature_maps for all of them"
            )
        array = array[:, :, 0]
    if 0 in array.shape:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    return array


def _is_whole(array: np.ndarray) -> bool:
    return array.dtype.kind in "biu" or bool(np.all(np.equal(np.mod(array, 1), 0)))


def _format_value(value: float, whole: bool) -> str:
    if whole:
        return str(int(round(value)))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


MIN_VALUE_FONTSIZE = 7  # points: smaller numbers are not written unless asked for


def _value_labels(array: np.ndarray) -> dict[tuple[int, int], str]:
    """The text written in each finite cell."""
    whole = _is_whole(array)
    return {index: _format_value(float(value), whole)
            for index, value in np.ndenumerate(array) if np.isfinite(value)}


def _value_fontsize(ax, array: np.ndarray, labels) -> float:
    """A font size at which the widest number fits its cell: 9 pt for small grids, 7 pt for
    larger ones, smaller for long numbers (a digit is about 0.62 em wide)."""
    base = 9 if max(array.shape) <= 8 else 7
    root = ax.figure.figure                      # the figure itself, also for a subfigure's axes
    cell_points = ax.get_window_extent().width * 72 / root.dpi / array.shape[1]
    widest = max((len(label) for label in labels), default=1)
    return min(base, 0.9 * cell_points / (0.62 * widest))


def _write_values(ax, array: np.ndarray, image, forced: bool = False) -> None:
    """Write each number in its cell, dark on light colours and light on dark ones; in a
    cell too narrow for 7-point numbers, only if ``forced``."""
    cmap, norm = image.get_cmap(), image.norm
    labels = _value_labels(array)
    fontsize = _value_fontsize(ax, array, labels.values())
    if fontsize < MIN_VALUE_FONTSIZE and not forced:
        return
    for (i, j), label in labels.items():
        red, green, blue, _ = cmap(norm(array[i, j]))
        light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
        ax.text(j, i, label, ha="center", va="center", color="black" if light else "white",
                fontsize=max(fontsize, MIN_VALUE_FONTSIZE))


def _figsize(rows: int, cols: int, extra_width: float = 0.0,
             widest: int = 1) -> tuple[float, float]:
    """Cells of 0.38 inch, wider when a 7-point number of ``widest`` digits needs it (the
    axes get about three quarters of the figure's width)."""
    cell = max(_CELL_INCHES, 0.62 * widest * 7 / 72 / 0.9 / 0.75)
    limit = 4.0 if cell == _CELL_INCHES else 8.0  # cells are square: both sides grow
    width = min(max(cols * cell, 2.2), limit) + extra_width
    height = min(max(rows * cell, 1.6), limit) + 0.4
    return width, height


def _draw_matrix(ax, array, title, cmap, vmin, vmax, show_values, xlabel, ylabel):
    cmap = PLAIN_CMAP if cmap is None else cmap
    image = ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    rows, cols = array.shape
    if show_values or (show_values is None and max(rows, cols) <= MAX_VALUES_SHOWN):
        _write_values(ax, array, image, forced=bool(show_values))
    if max(rows, cols) <= MAX_VALUES_SHOWN:
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
    else:  # rows and columns are whole numbers (no tick at 2.5), a few ticks only
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.tick_params(length=0, labelsize=8)
    if title:
        ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return image


#: Outline of a highlighted block: a black line on a white halo reads on every colour of the
#: colour maps above (an orange line alone vanished on viridis's yellow cells).
HIGHLIGHT_COLOR = "black"
WINDOW_COLOR = "#0072B2"  # Okabe-Ito blue: a window on a grey-scale input, apart from grey frames
WINDOW_TINT = (0.0, 0.447, 0.698, 0.15)  # WINDOW_COLOR, faint: the cells under a window
HIGHLIGHT_HALO = [patheffects.withStroke(linewidth=5.0, foreground="white")]


def _highlight(ax, row: int, col: int, height: int, width: int, color=HIGHLIGHT_COLOR,
               style="-", inside: tuple[int, int] | None = None, tint: bool = False):
    """Outline a block of cells. ``inside=(rows, cols)``, the array's shape, pulls the sides
    that lie on the array's edge a little inwards, so that the whole outline shows inside the
    panel instead of half of it being cut off by the panel's edge. ``tint`` also shades the
    block's cells lightly (on plain white cells, where no colour says which cells it holds)."""
    left, top, right, bottom = col - 0.5, row - 0.5, col + width - 0.5, row + height - 0.5
    if inside is not None:
        margin = 0.12
        left += margin if left <= -0.5 else 0
        top += margin if top <= -0.5 else 0
        right -= margin if right >= inside[1] - 0.5 else 0
        bottom -= margin if bottom >= inside[0] - 0.5 else 0
    ax.add_patch(Rectangle((left, top), right - left, bottom - top, fill=tint,
                           facecolor=WINDOW_TINT if tint else "none",
                           edgecolor=color, linewidth=2.0, linestyle=style,
                           path_effects=HIGHLIGHT_HALO))


def show_matrix(a, ax=None, title: str | None = None, cmap: str | None = VALUE_CMAP, vmin=None,
                vmax=None, show_values: bool | None = None, highlight=None,
                xlabel: str = "column", ylabel: str = "row", colorbar: bool | str = False
                ) -> Plot:
    """Draw a 2-D array as a grid of shaded cells with its numbers written in them.

    Taught in lesson 01, section 2 (numbers and colour read together).

    a: (rows, columns) or (H, W, 1). Numbers are written when the array has at most 12 rows
    and columns (``show_values`` forces it on or off). ``highlight=(row, col, height,
    width)`` outlines a block of cells, e.g. a kernel window; a list of such tuples outlines
    several. ``cmap=None``: plain white cells, the numbers alone. ``colorbar``: True, or the
    colour bar's label.

    >>> from course_utils.data import LESSON01_X
    >>> fig, ax = show_matrix(LESSON01_X, title="input X (4x4)")
    >>> ax.get_title(), [t.get_text() for t in ax.texts][:4]
    ('input X (4x4)', ['1', '2', '3', '0'])
    """
    array = _matrix(a, "a")
    if ax is None:
        widest = max((len(label) for label in _value_labels(array).values()), default=1)
        fig, ax = plt.subplots(figsize=_figsize(*array.shape, 0.8 if colorbar else 0.0, widest),
                               layout="constrained")
    else:
        fig = ax.figure
    image = _draw_matrix(ax, array, title, cmap, vmin, vmax, show_values, xlabel, ylabel)
    if highlight is not None:   # one block, or a list of blocks
        blocks = highlight if isinstance(highlight[0], tuple | list) else [highlight]
        for block in blocks:
            row, col, height, width = (check_int(v, "highlight", 0) for v in block)
            _highlight(ax, row, col, height, width, tint=cmap is None,
                       inside=array.shape if cmap is None else None)
    if colorbar:
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        if isinstance(colorbar, str):
            bar.set_label(colorbar)
    return Plot(fig, ax)


def show_conv_step(x, kernel, row: int, col: int, stride: int = 1, padding=0,
                   bias: float = 0.0) -> Plot:
    """One step of a convolution: the window on the input, the kernel, the element-wise
    products and their sum, and where the sum lands in the feature map.

    Taught in lesson 01, section 2.

    x: (H, W) input; kernel: (F, F) or (F_h, F_w); ``row``, ``col``: the output position
    (the window starts at input row ``row * stride``, column ``col * stride`` of the padded
    input); ``padding``: an int P of zeros on every side. Four panels of plain cells, numbers
    alone: input (window outlined), kernel, products (the sum in the title), feature map
    filled up to this step (later cells grey, this step's outlined).

    >>> from course_utils.data import LESSON01_X, LESSON01_KERNEL
    >>> fig, axes = show_conv_step(LESSON01_X, LESSON01_KERNEL, row=0, col=1)
    >>> [ax.get_title() for ax in axes]
    ['input, window at (0, 1)', 'kernel', 'products: sum = 16', 'feature map']
    """
    x = _matrix(x, "x").astype(float)
    kernel = _matrix(kernel, "kernel").astype(float)
    stride = check_int(stride, "stride", 1)
    if isinstance(padding, str) and padding.lower() == "valid":
        padding = 0
    p = check_int(padding, "padding", 0, rule="show_conv_step draws P zeros on every side")
    padded = np.pad(x, p)
    f_h, f_w = kernel.shape
    o_h, o_w = conv_output_size(x.shape[0], f_h, stride, p), conv_output_size(x.shape[1], f_w,
                                                                              stride, p)
    row = check_int(row, "row", 0)
    col = check_int(col, "col", 0)
    if row >= o_h or col >= o_w:
        raise ValueError(f"(row, col) must lie in the {o_h}x{o_w} output: row 0..{o_h - 1}, "
                         f"col 0..{o_w - 1}; got ({row}, {col})")
    top_row, left_col = row * stride, col * stride
    window = padded[top_row:top_row + f_h, left_col:left_col + f_w]
    products = window * kernel
    total = float(products.sum())
    feature_map = conv2d(x, kernel, bias=bias, stride=stride, padding=p)
    shown = np.full(feature_map.shape, np.nan)
    done = np.arange(feature_map.size).reshape(feature_map.shape) <= row * o_w + col
    shown[done] = feature_map[done]

    # a padded input's title takes two lines
    fig, axes = plt.subplots(1, 4, figsize=(9.6, 3.3 if p else 2.9), layout="constrained")
    in_title = f"input, window at ({top_row}, {left_col})"
    if p:
        in_title = f"input with padding {p},\nwindow at ({top_row}, {left_col})"
    _draw_matrix(axes[0], padded, in_title, None, None, None, None, "column", "row")
    if p:
        _highlight(axes[0], p, p, x.shape[0], x.shape[1], color="0.4", style="--")
    _highlight(axes[0], top_row, left_col, f_h, f_w, tint=True)
    _draw_matrix(axes[1], kernel, "kernel", None, None, None, None, "column", "row")
    whole = _is_whole(products) and float(bias).is_integer()
    sum_text = _format_value(total, whole)
    prod_title = f"products: sum = {sum_text}"
    if bias:
        prod_title += f" + bias {_format_value(float(bias), whole)}"
    _draw_matrix(axes[2], products, prod_title, None, None, None, None, "column", "row")
    _draw_matrix(axes[3], shown, "feature map", None, None, None, None, "column", "row")
    _highlight(axes[3], row, col, 1, 1, tint=True)
    fig.suptitle(f"Step ({row}, {col}): stride {stride}, padding {p}", fontsize=10)
    return Plot(fig, axes)


def _limits(arrays, signed_cmap: bool) -> tuple[float, float]:
    """One colour scale for several panels: centred on zero when asked, else min to max."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    if signed_cmap:
        limit = float(np.abs(values).max()) or 1.0
        return -limit, limit
    low, high = float(values.min()), float(values.max())
    return low, (high if high > low else low + 1.0)


def show_conv_layer_step(x, kernel, bias, row: int, col: int, filter_index: int = 0,
                         stride: int = 1, padding: int = 0, input_name: str = "x",
                         hidden: Sequence[tuple[int, int, int]] = ()) -> Plot:
    """One output value of a whole Conv2D layer: the window through every input channel,
    one filter's kernels, the products, their sum, and the layer's output, one map per filter.

    Taught in lesson 02, section 3 (the layout of CS231n's demo: a 5x5x3 input padded by 1,
    two 3x3x3 filters, stride 2, a 3x3x2 output).

    x: (H, W, C_in); kernel: (F, F, C_in, C_out), Keras's layout; bias: (C_out,); ``row``,
    ``col``: the output position; ``filter_index``: the filter (output channel) that computes
    it; ``padding``: an int P of zeros on every side; ``input_name``: the input's name in the
    titles of its rows (the caller's variable, e.g. "demo_x"); ``hidden``: output values
    (row, col, filter) drawn as "?", for the learner to predict before a later figure shows
    them (not the value drawn). On the left, one row of panels
    per input channel: the padded channel with the window outlined in blue (the input's own
    pixels inside a dashed grey frame), each filter's kernel for that channel (filter 0 first,
    the filter at work framed), and that kernel times the window, its sum in the title;
    arrows carry every channel's sum to one total, plus the filter's bias. On the right, set
    apart on a grey ground, the layer's output, computed by :func:`~course_utils.ops.conv2d`:
    one map per filter, each fed by every input channel, with an arrow to the value drawn. Up
    to 4 input channels and 4 filters.

    Kernels and products share one diverging colour scale (a colour bar under them); the
    inputs are drawn in grey (darker is larger) and the output maps on a scale of their own,
    with its own colour bar under them.
    The first row names each kernel column's filter (the one at work marked "used here") and
    the last row gives each filter's bias ("b = 1").

    Returns ``Plot(fig, axes)`` with ``axes`` a dict: ``"inputs"``, ``"products"`` and
    ``"outputs"`` (lists of Axes, one per input channel or per filter), ``"kernels"`` (a
    (C_in, C_out) array of Axes) and ``"sum"`` (the Axes holding the total).

    >>> import numpy as np
    >>> rng = np.random.default_rng(7)                     # lesson 02's layer
    >>> x, kernel = rng.integers(0, 3, (5, 5, 3)), rng.integers(-1, 2, (3, 3, 3, 2))
    >>> fig, axes = show_conv_layer_step(x, kernel, [1, 0], row=1, col=2, stride=2, padding=1)
    >>> axes["inputs"][0].get_title()
    'x[:, :, 0] padded'
    >>> axes["products"][0].get_title().splitlines(), axes["outputs"][0].get_title()
    (['window x filter 0,', 'sum -4'], 'map 0 (filter 0)')
    >>> axes["sum"].texts[0].get_text().splitlines()
    ['output[1, 2, 0]', '= (-4) + 3 + (-2)', '+ bias 1', '= -2']
    >>> fig, axes = show_conv_layer_step(x, kernel, [1, 0], row=1, col=2, stride=2, padding=1,
    ...                                  hidden=[(0, 0, 1)])
    >>> [text.get_text() for text in axes["outputs"][1].texts if text.get_position() == (0, 0)]
    ['?']
    """
    x = check_array(x, "x", (3,), "3-D (H, W, C_in), channels-last like Keras").astype(float)
    kernel = check_array(kernel, "kernel", (4,),
                         "4-D (F, F, C_in, C_out) as Keras's Conv2D stores it").astype(float)
    bias = check_array(bias, "bias", (1,), "1-D (C_out,): one bias per filter").astype(float)
    f_h, f_w, c_in, c_out = kernel.shape
    if x.shape[2] != c_in:
        raise ValueError(f"x has {x.shape[2]} channels but kernel is made for {c_in} "
                         f"(kernel.shape[2]); they must be equal")
    if bias.shape != (c_out,):
        raise ValueError(f"bias must hold one value per filter: shape ({c_out},), got "
                         f"{bias.shape}")
    if c_in > 4 or c_out > 4:
        raise ValueError(f"show_conv_layer_step draws up to 4 input channels and 4 filters; "
                         f"got {c_in} and {c_out}")
    stride = check_int(stride, "stride", 1)
    p = check_int(padding, "padding", 0, rule="show_conv_layer_step draws P zeros on every "
                                               "side")
    output = conv2d(x, kernel, bias=bias, stride=stride, padding=p)
    o_h, o_w = output.shape[:2]
    row, col = check_int(row, "row", 0), check_int(col, "col", 0)
    k = check_int(filter_index, "filter_index", 0)
    if row >= o_h or col >= o_w:
        raise ValueError(f"(row, col) must lie in the {o_h}x{o_w} output: row 0..{o_h - 1}, "
                         f"col 0..{o_w - 1}; got ({row}, {col})")
    if k >= c_out:
        raise ValueError(f"filter_index must be one of the {c_out} filters, 0..{c_out - 1}; "
                         f"got {k}")
    hidden = [tuple(check_int(v, "hidden value", 0) for v in value) for value in hidden]
    for value in hidden:
        if len(value) != 3 or value[0] >= o_h or value[1] >= o_w or value[2] >= c_out:
            raise ValueError(f"each hidden value is (row, col, filter) inside the {o_h}x{o_w}"
                             f"x{c_out} output; got {value}")
        if value == (row, col, k):
            raise ValueError(f"hidden holds {value}, the value this figure computes: "
                             "hide only other outputs")
    padded = np.pad(x, ((p, p), (p, p), (0, 0)))
    top, left = row * stride, col * stride
    window = padded[top:top + f_h, left:left + f_w]
    products = [window[:, :, c] * kernel[:, :, c, k] for c in range(c_in)]
    sums = [float(part.sum()) for part in products]
    whole = all(_is_whole(a) for a in (x, kernel, bias))

    widths = [max(padded.shape[1], 6)] + [max(f_w, 3.5)] * (c_out + 1) + [4.8]
    left_width = min(max(0.38 * sum(widths) + 0.4, 5.0), 9.0)
    right_width = max(0.38 * max(o_w, 3.5) + 0.8, 2.1)
    fig = plt.figure(figsize=(left_width + right_width, 2.15 * max(c_in, c_out) + 0.9),
                     layout="constrained")
    left_fig, right_fig = fig.subfigures(1, 2, width_ratios=[left_width, right_width],
                                         wspace=0.03)
    grid = left_fig.add_gridspec(c_in, len(widths), width_ratios=widths)
    x_range = _limits([padded], False)
    weights_range = _limits([kernel, *products], True)      # one scale: weights, products
    o_range = _limits([output], bool(output.min() < 0))
    o_cmap = SIGNED_CMAP if output.min() < 0 else VALUE_CMAP
    inputs, product_axes = [], []
    kernel_axes = np.empty((c_in, c_out), dtype=object)
    for c in range(c_in):
        ax = left_fig.add_subplot(grid[c, 0])
        title = f"{input_name}[:, :, {c}]" + (" padded" if p else "")
        _draw_matrix(ax, padded[:, :, c], title, INPUT_CMAP, *x_range, None,
                     "column" if c == c_in - 1 else "", "row")
        if p:
            _highlight(ax, p, p, x.shape[0], x.shape[1], color="0.4", style="--")
        _highlight(ax, top, left, f_h, f_w, color=WINDOW_COLOR, inside=padded.shape[:2])
        inputs.append(ax)
        for j in range(c_out):               # filters in order, the one at work framed
            ax = kernel_axes[c, j] = left_fig.add_subplot(grid[c, 1 + j])
            title = f"kernel[:, :, {c}, {j}]"
            if c == 0:                       # the column's filter, named once at its top
                title = f"filter {j}" + (" (used here)" if j == k else "") + "\n" + title
            bias_label = f"b = {_format_value(float(bias[j]), whole)}" if c == c_in - 1 else ""
            _draw_matrix(ax, kernel[:, :, c, j], title, SIGNED_CMAP, *weights_range, None,
                         bias_label, "")
            ax.set(xticks=[], yticks=[])
            ax.title.set_fontsize(9)
            ax.xaxis.label.set_fontsize(9)
            if j == k:                       # the frame is the panel's own edge
                for spine in ax.spines.values():
                    spine.set(linewidth=3.0, color=HIGHLIGHT_COLOR)
        ax = left_fig.add_subplot(grid[c, c_out + 1])
        _draw_matrix(ax, products[c],
                     f"window x filter {k},\nsum {_format_value(sums[c], whole)}",
                     SIGNED_CMAP, *weights_range, None, "", "")
        ax.set(xticks=[], yticks=[])
        ax.title.set_fontsize(9)
        product_axes.append(ax)
    left_fig.colorbar(product_axes[0].images[0], ax=[*kernel_axes.flat, *product_axes],
                      location="bottom", shrink=0.6, fraction=0.05, aspect=30,
                      label="weight or product (one scale)")
    sum_ax = left_fig.add_subplot(grid[:, -1])
    sum_ax.set_axis_off()
    terms = " + ".join(f"({text})" if text.startswith("-") else text
                       for text in (_format_value(s, whole) for s in sums))
    equation = "\n".join([f"output[{row}, {col}, {k}]", f"= {terms}",
                          f"+ bias {_format_value(float(bias[k]), whole)}",
                          f"= {_format_value(float(output[row, col, k]), whole)}"])
    total = sum_ax.text(0.5, 0.5, equation, ha="center", va="center", fontsize=9,
                        transform=sum_ax.transAxes,
                        bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                              "edgecolor": "0.4"})

    right_fig.set_facecolor("0.93")
    right_fig.suptitle("layer output: one map\nper filter, each fed by\nevery input channel",
                       fontsize=9)
    outputs = list(np.atleast_1d(right_fig.subplots(c_out, 1)))
    for j, ax in enumerate(outputs):
        shown = output[:, :, j].copy()
        for i_hidden, j_hidden, _ in (value for value in hidden if value[2] == j):
            shown[i_hidden, j_hidden] = np.nan           # no colour, no number: a "?"
        _draw_matrix(ax, shown, f"map {j} (filter {j})", o_cmap, *o_range, None, "", "")
        for i_hidden, j_hidden, _ in (value for value in hidden if value[2] == j):
            ax.text(j_hidden, i_hidden, "?", ha="center", va="center", fontsize=12,
                    fontweight="bold")
        ax.title.set_fontsize(9)
        ax.yaxis.tick_right()                # the left edge is where the arrow comes in
        if j == k:
            _highlight(ax, row, col, 1, 1, inside=(o_h, o_w))
    right_fig.colorbar(outputs[0].images[0], ax=outputs, location="bottom", shrink=0.9,
                       fraction=0.05, aspect=15, label="output value\n(the maps' own scale)")
    arrow = {"arrowstyle": "-|>", "color": "0.35", "linewidth": 1.2, "mutation_scale": 10,
             "shrinkA": 2, "shrinkB": 3}
    for ax in product_axes:                  # every channel's sum goes into the total
        sum_ax.annotate("", xy=(-0.1, 0.5), xycoords=total, xytext=(1.0, 0.5),
                        textcoords=ax.transAxes, arrowprops=arrow)
    sum_ax.annotate("", xy=(-0.5, row), xycoords=outputs[k].transData, xytext=(1.1, 0.5),
                    textcoords=total, arrowprops=arrow)
    channels = f"all {c_in} input channels" if c_in > 1 else "the one input channel"
    maps = f"{c_out} filters make {c_out} output maps" if c_out > 1 else "one filter, one map"
    fig.suptitle(f"Filter {k} at output ({row}, {col}), stride {stride}, padding {p}\n"
                 f"each filter spans {channels}; {maps}", fontsize=10)
    return Plot(fig, {"inputs": inputs, "kernels": kernel_axes, "products": product_axes,
                      "sum": sum_ax, "outputs": outputs})


def _symmetric(array: np.ndarray):
    """(vmin, vmax) centred on zero for signed values, else (None, None)."""
    if array.size and np.nanmin(array) < 0:
        limit = float(np.nanmax(np.abs(array))) or 1.0
        return -limit, limit
    return None, None


def _grid(count: int, ncols: int | None, max_cols: int = 6):
    ncols = min(count, max_cols) if ncols is None else check_int(ncols, "ncols", 1)
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    return nrows, ncols


def _maps_list(maps) -> list[np.ndarray]:
    if isinstance(maps, (list, tuple)):
        arrays = [_matrix(m, f"maps[{i}]") for i, m in enumerate(maps)]
    else:
        array = check_array(maps, "maps", (2, 3, 4),
                            "(H, W), (H, W, C) or (1, H, W, C), channels-last like Keras")
        if array.ndim == 4:
            if array.shape[0] != 1:
                raise ValueError(f"maps has a batch of {array.shape[0]} images (shape "
                                 f"{array.shape}); pass one image, e.g. maps[0]")
            array = array[0]
        if array.ndim == 2:
            array = array[:, :, np.newaxis]
        arrays = [array[:, :, c] for c in range(array.shape[-1])]
    if not arrays:
        raise ValueError("maps is empty; pass at least one feature map")
    return arrays


def show_feature_maps(maps, titles: Sequence[str] | None = None, ncols: int | None = None,
                      cmap: str = VALUE_CMAP, suptitle: str | None = None,
                      show_values: bool | None = None, max_maps: int = 32, vmin=None,
                      vmax=None, colorbar: bool | str = False) -> Plot:
    """A row (or grid) of feature maps, each with its title.

    Taught in lesson 01, section 4; used again in lessons 02, 03 and 05.

    maps: a list of 2-D arrays, or one array (H, W, C) / (1, H, W, C), channels-last as Keras
    returns it (one panel per channel). Signed maps get a diverging colour map centred on
    zero. Numbers are written in small maps (at most 8x8). By default each panel has its
    own colour scale. Maps a reader should compare share one: give ``vmin``/``vmax``, or
    ``colorbar`` (True, or its label), which draws one colour bar for all panels and, without
    ``vmin``/``vmax``, takes the scale from all maps together (centred on zero, diverging,
    when any value is negative).

    >>> import numpy as np
    >>> fig, axes = show_feature_maps(np.zeros((6, 6, 3)), titles=["a", "b", "c"])
    >>> [ax.get_title() for ax in axes.flat]
    ['a', 'b', 'c']
    >>> fig, axes = show_feature_maps([np.ones((3, 3)), -2 * np.ones((3, 3))], colorbar="value")
    >>> [ax.images[0].get_clim() for ax in axes.flat], fig.axes[-1].get_ylabel()
    ([(-2.0, 2.0), (-2.0, 2.0)], 'value')
    """
    arrays = _maps_list(maps)
    total = len(arrays)
    max_maps = check_int(max_maps, "max_maps", 1)
    arrays = arrays[:max_maps]
    if titles is None:
        titles = [f"map {i}" for i in range(len(arrays))]
    else:
        titles = [str(t) for t in titles]
        if len(titles) < len(arrays):
            raise ValueError(f"titles has {len(titles)} entries for {len(arrays)} maps; give "
                             "one title per map")
    shared = vmin is not None or vmax is not None or bool(colorbar)
    if shared and vmin is None and vmax is None:
        values = np.concatenate([a.ravel() for a in arrays])
        vmin, vmax = _symmetric(values)
        if vmin is None:
            vmin, vmax = float(np.nanmin(values)), float(np.nanmax(values))
        else:
            cmap = SIGNED_CMAP
    nrows, ncols = _grid(len(arrays), ncols)
    biggest = max(max(a.shape) for a in arrays)
    # panels shrink together when the row would be wider than 10 inches (no empty bands)
    panel = min(1.9 if biggest <= 8 else 1.6, 10.0 / ncols)
    # each row also needs room for its titles, tick labels and the column label
    fig, axes = plt.subplots(nrows, ncols, figsize=(min(panel * ncols, 10.0),
                                                    min((panel + 0.45) * nrows, 10.0) + 0.3),
                             layout="constrained", squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= len(arrays):
            ax.set_axis_off()
            continue
        array = arrays[index]
        values = show_values if show_values is not None else max(array.shape) <= 8
        if shared:
            image = _draw_matrix(ax, array, titles[index], cmap, vmin, vmax, values, "", "")
        else:
            low, high = _symmetric(array)
            image = _draw_matrix(ax, array, titles[index], SIGNED_CMAP if low is not None
                                 else cmap, low, high, values, "", "")
        if index // ncols == nrows - 1 or index + ncols >= len(arrays):
            ax.set_xlabel("column")
        if index % ncols == 0:
            ax.set_ylabel("row")
    if colorbar:
        bar = fig.colorbar(image, ax=axes, shrink=0.8)
        if isinstance(colorbar, str):
            bar.set_label(colorbar)
    if total > len(arrays):
        suptitle = (suptitle + " " if suptitle else "") + f"(first {len(arrays)} of {total})"
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return Plot(fig, axes)


def show_maps_on_input(image, maps, titles: Sequence[str] | None = None, peaks: bool = True,
                       suptitle: str | None = None, colorbar: str = "response") -> Plot:
    """The input beside its feature maps, each map drawn on the input's grid, so that a bright
    spot lies over the pixels that caused it.

    Taught in lesson 01, section 4 (four line kernels on a digit).

    image: (H, W), e.g. a 28x28 digit. maps: a list of 2-D maps, or one (H_o, W_o, C) array
    (one panel per channel), from an odd kernel with stride 1 and no padding: each is smaller
    than the image by F - 1 rows and columns. Output (r, c) comes from the window centred on
    input pixel (r + F // 2, c + F // 2), so each map is drawn F // 2 pixels in from the
    image's edges; the blank frame around it is where no window is centred. All maps share one
    colour scale and one colour bar (``colorbar`` is its label). ``peaks`` circles each map's
    strongest response (its ``np.argmax``).

    >>> from course_utils.data import DIGIT_FOUR, HORIZONTAL_LINE_KERNEL
    >>> from course_utils.ops import conv2d
    >>> fig, axes = show_maps_on_input(DIGIT_FOUR, [conv2d(DIGIT_FOUR, HORIZONTAL_LINE_KERNEL)],
    ...                                titles=["horizontal (6x6)"])
    >>> axes[1].images[0].get_extent(), axes[1].lines[0].get_xydata().tolist()  # the peak
    ([0.5, 6.5, 6.5, 0.5], [[3.0, 4.0]])
    """
    image = _matrix(image, "image")
    arrays = _maps_list(maps)
    if titles is None:
        titles = [f"map {i}" for i in range(len(arrays))]
    elif len(titles) < len(arrays):
        raise ValueError(f"titles has {len(titles)} entries for {len(arrays)} maps; give one "
                         "title per map")
    height, width = image.shape
    for index, array in enumerate(arrays):
        trim_h, trim_w = height - array.shape[0], width - array.shape[1]
        if min(trim_h, trim_w) < 0 or trim_h % 2 or trim_w % 2:
            raise ValueError(f"maps[{index}] has shape {array.shape} for an image of shape "
                             f"{image.shape}: each map must be smaller than the image by an "
                             "even number of rows and columns, F - 1 for an odd kernel F "
                             "(stride 1, no padding)")
    values = np.concatenate([array.ravel() for array in arrays])
    vmin, vmax = _symmetric(values)
    cmap = SIGNED_CMAP if vmin is not None else VALUE_CMAP
    if vmin is None:
        vmin, vmax = float(values.min()), float(values.max())
    count = len(arrays) + 1
    fig, axes = plt.subplots(1, count, figsize=(min(2.2 * count + 0.6, 12.0), 3.1),
                             layout="constrained")
    show_matrix(image, ax=axes[0], title=f"input ({height}x{width})", cmap=DIGIT_CMAP,
                xlabel="input column", ylabel="input row")
    for ax, array, title in zip(axes[1:], arrays, titles, strict=False):
        top, left = (height - array.shape[0]) // 2, (width - array.shape[1]) // 2
        image_of_map = _draw_matrix(ax, array, title, cmap, vmin, vmax, False, "input column",
                                    "")
        image_of_map.set_extent((left - 0.5, left + array.shape[1] - 0.5,
                                 top + array.shape[0] - 0.5, top - 0.5))
        ax.set(xlim=(-0.5, width - 0.5), ylim=(height - 0.5, -0.5))
        if peaks:
            row, col = np.unravel_index(np.argmax(array), array.shape)
            ax.plot(col + left, row + top, marker="o", markersize=11, markerfacecolor="none",
                    markeredgecolor=WRONG_COLOR, markeredgewidth=2)
    fig.colorbar(axes[1].images[0], ax=axes[1:], shrink=0.8, label=colorbar)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return Plot(fig, axes)


def show_pooled_maps(image, maps: Mapping, label=None) -> Plot:
    """An image beside, for each kernel, its feature map and that map max-pooled and
    average-pooled: one row of three panels per kernel, all on one colour scale (from 0 to the
    largest feature-map value), each panel's strongest value circled.

    Taught in lesson 03, section 5 (max versus average pooling on a digit's line maps).

    image: (H, W), e.g. a 28x28 digit. maps: kernel name -> (feature map, max-pooled map,
    average-pooled map), each 2-D and non-negative (after ReLU). label: the image's class, shown
    in its title. Returns the figure and a flat array of axes: the image, then the maps row by
    row.

    >>> from course_utils.data import DIGIT_FOUR, VERTICAL_LINE_KERNEL
    >>> from course_utils.ops import conv2d, pool2d
    >>> lines = np.maximum(conv2d(DIGIT_FOUR, VERTICAL_LINE_KERNEL), 0)           # 6x6
    >>> fig, axes = show_pooled_maps(DIGIT_FOUR, {"vertical": (
    ...     lines, pool2d(lines, 2), pool2d(lines, 2, mode="average"))}, label=4)
    >>> [ax.get_title() for ax in axes]
    ['digit 4 (8x8)', 'vertical lines (6x6)', 'max pool (3x3)', 'average pool (3x3)']
    """
    image = _matrix(image, "image")
    rows = {name: [_matrix(m, f"maps[{name!r}][{i}]") for i, m in enumerate(three)]
            for name, three in maps.items()}
    if not rows or any(len(three) != 3 for three in rows.values()):
        raise ValueError("maps must map each kernel name to three 2-D maps: (feature map, "
                         "max-pooled, average-pooled)")
    peak = max(three[0].max() for three in rows.values())
    fig = plt.figure(figsize=(9, 0.6 + 1.9 * max(len(rows), 2)), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[1.25, 3])
    image_ax = left.subplots()
    height, width = image.shape
    title = f"{'input' if label is None else f'digit {label}'} ({height}x{width})"
    show_matrix(image, ax=image_ax, title=title, cmap=DIGIT_CMAP, show_values=False,
                colorbar="pixel value")
    axes = right.subplots(len(rows), 3, squeeze=False)
    last = len(rows) - 1
    for row, (name, three) in enumerate(rows.items()):
        kinds = ["lines", "max pool", "average pool"]
        for col, (values, kind) in enumerate(zip(three, kinds, strict=True)):
            what = f"{kind} ({values.shape[0]}x{values.shape[1]})"
            show_matrix(values, ax=axes[row, col], title=f"{name} {what}" if col == 0 else what,
                        vmin=0, vmax=peak, show_values=False,
                        xlabel="column" if row == last else "", ylabel="row" if col == 0 else "")
            top, left_col = np.unravel_index(np.argmax(values), values.shape)
            axes[row, col].plot(left_col, top, "o", ms=10, mfc="none", mec="white", mew=1.5)
    right.colorbar(axes[0, 0].images[0], ax=axes, label="response (same scale in all maps)")
    return Plot(fig, np.array([image_ax, *axes.flat], dtype=object))


def show_usage_counts(counts, ax=None, title: str = "times each pixel is used",
                      vmax: int | None = None, colorbar: bool = True) -> Plot:
    """Per-pixel usage counts as a heat map with the count in each cell and a colour bar.

    Taught in lesson 01, sections 6 and 7.

    counts: (H, W) non-negative ints, e.g. ``usage_counts((5, 5), 3, padding=1)``. Zero
    (a pixel no window reaches) is drawn white, below the ``cividis`` scale of the used
    pixels (which starts at 1; the colour bar ends in a white tip), so unused pixels stand
    out on every scale. Panels to be compared
    share one scale: give them the same ``vmax`` (and one colour bar: ``colorbar=False`` on
    all but the last).

    >>> import numpy as np
    >>> fig, ax = show_usage_counts(np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]))
    >>> ax.get_title(), ax.texts[4].get_text()
    ('times each pixel is used', '4')
    """
    array = _matrix(counts, "counts")
    if not _is_whole(array) or array.min() < 0:
        raise ValueError("counts must hold whole numbers >= 0 (how many windows use each "
                         f"pixel); got values from {array.min()} to {array.max()}")
    array = array.astype(int)

    if vmax is None:
        vmax = max(int(array.max()), 1)
    elif check_int(vmax, "vmax", 1) < array.max():
        raise ValueError(f"vmax is {vmax} but a pixel is used {array.max()} times; vmax is the "
                         "top of the colour scale, so it must be at least the largest count")
    cmap = plt.get_cmap(COUNT_CMAP).with_extremes(under="white")   # 0, below the scale: white
    cmap.colorbar_extend = "min"        # so every colour bar ends in a white tip for 0
    plot = show_matrix(array, ax=ax, title=title, cmap=cmap, vmin=1, vmax=max(vmax, 2),
                       xlabel="input column", ylabel="input row",
                       colorbar="times used" if colorbar else False)
    if colorbar:
        plot.fig.axes[-1].yaxis.set_major_locator(MaxNLocator(integer=True))  # the colour bar
    shown = len(plot.axes.texts) == array.size        # the numbers, row by row
    for row, col in zip(*np.nonzero(array == 0), strict=True):   # unused: white
        plot.axes.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor="white",
                                      edgecolor="white", linewidth=0))
        if shown:
            plot.axes.texts[row * array.shape[1] + col].set_color("black")
    return plot


def show_padded_windows(n: int, f: int, stride: int = 1, padding: int = 0, ax=None) -> Plot:
    """An N x N input (dashed white outline) with P zeros around it (flat light grey), each
    cell, zeros too, shaded and labelled by how many F x F windows use it, the first window
    outlined solid and the last one dotted.

    Taught in lesson 01, section 8 (the explorer's figure).

    >>> fig, ax = show_padded_windows(7, 3, stride=2, padding=1)
    >>> ax.get_title(), ax.texts[0].get_text(), ax.texts[20].get_text()  # a zero, pixel (1, 1)
    ('N=7, F=3, S=2, P=1: output 4x4', '1', '4')
    """
    n, f = check_int(n, "n", 1), check_int(f, "f", 1)
    stride, padding = check_int(stride, "stride", 1), check_int(padding, "padding", 0)
    side = n + 2 * padding
    if f > side:
        raise ValueError(f"f is {f} but the padded input is {side}x{side}: the kernel must "
                         "fit, f <= n + 2 * padding")
    o = conv_output_size(n, f, stride=stride, padding=padding)
    plot = show_usage_counts(usage_counts((side, side), f, stride=stride), ax=ax,
                             title=f"N={n}, F={f}, S={stride}, P={padding}: output {o}x{o}")
    ax, p = plot.axes, padding
    for x0, y0, w, h in [(0, 0, side, p), (0, p + n, side, p), (0, p, p, n), (p + n, p, p, n)]:
        if w and h:                           # the P zeros: flat light grey, counts on top
            ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), w, h, facecolor=PAD_GREY,
                                   edgecolor=PAD_GREY, linewidth=0))
    shown = ax.texts[:side * side] if len(ax.texts) >= side * side else []
    for k, text in enumerate(shown):          # black counts on the grey zeros
        row, col = divmod(k, side)
        if not (p <= row < p + n and p <= col < p + n):
            text.set_color("black")
    ax.add_patch(Rectangle((p - 0.5, p - 0.5), n, n, fill=False, linestyle="--",
                           linewidth=1.5, edgecolor="white"))
    last = (o - 1) * stride                   # where the last window starts, on both axes
    _highlight(ax, 0, 0, f, f, color="#D55E00", inside=(side, side))
    _highlight(ax, last, last, f, f, color="#D55E00", style=":", inside=(side, side))
    ax.set_xlabel("column of the padded input")
    ax.set_ylabel("row of the padded input")
    return plot


def show_receptive_field_1d(layers, ax=None, title: str | None = None,
                            names=None, show_fields: bool = False) -> Plot:
    """One row of cells per layer of a 1-D stack, input at the bottom: the cells one value of
    the last layer depends on are filled, each joined to the F cells below it that it reads.

    Taught in lesson 03, section 4. ``layers`` lists (F, S) pairs first to last, as for
    ``receptive_field``. A layer's cells sit at the centre of what they see in input pixels,
    so their spacing is the layer's step: a stride-2 layer doubles it for every layer above.
    ``names``, one per layer, labels each row "name F=.. S=.." (default: "F=.., S=..").
    ``show_fields=True`` adds to each row's label the field of one of its values ("field 8"),
    the running sum the lesson's text adds up from the input.

    >>> fig, ax = show_receptive_field_1d([(3, 1), (2, 2), (3, 1)])
    >>> ax.get_title()
    'one value of the last layer sees 8 input pixels'
    >>> _, ax = show_receptive_field_1d([(3, 1), (2, 2)], names=["conv1", "pool1"])
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['input', 'conv1 F=3 S=1', 'pool1 F=2 S=2']
    >>> _, ax = show_receptive_field_1d([(3, 1), (2, 2)], show_fields=True)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['input: field 1', 'F=3, S=1: field 3', 'F=2, S=2: field 4']
    """
    field = receptive_field(layers)              # validates layers
    if names is not None and (isinstance(names, str) or len(names) != len(layers)):
        raise ValueError(f"names must list one name per layer ({len(layers)}), got {names!r}")
    fields, steps = [1], [1]                     # per level: field and step in input pixels
    for f, s in layers:
        fields.append(fields[-1] + (f - 1) * steps[-1])
        steps.append(steps[-1] * s)
    seen = [(0, 0)]                              # top level: value 0; go down layer by layer
    for f, s in reversed(layers):
        first, last = seen[0]
        seen.insert(0, (first * s, last * s + f - 1))
    assert seen[0] == (0, field - 1)
    width = field + 2                            # one spare input pixel on each side
    if ax is None:
        _, ax = plt.subplots(figsize=(0.3 * width + 1.6, 0.45 * len(fields) + 0.7),
                             layout="constrained")
    for level, (fld, step) in enumerate(zip(fields, steps, strict=True)):
        positions = np.arange(-1, width) * step + (fld - 1) / 2   # cell j's centre
        positions = positions[(positions >= -1) & (positions <= field)]
        first, last = seen[level]
        for x in positions:
            j = round((x - (fld - 1) / 2) / step)
            used = first <= j <= last
            ax.add_patch(Rectangle((x - 0.4, level - 0.3), 0.8, 0.6, linewidth=0.8,
                                   edgecolor="0.3", facecolor=LINE_COLORS[0] if used else "white"))
        if level:
            f = layers[level - 1][0]
            below_fld, below_step = fields[level - 1], steps[level - 1]
            for j in range(first, last + 1):
                x = j * step + (fld - 1) / 2
                for k in range(f):               # the F cells of the level below it reads
                    below = (j * layers[level - 1][1] + k) * below_step + (below_fld - 1) / 2
                    ax.plot([x, below], [level - 0.3, level - 0.7], color="0.5", linewidth=0.6)
    labels = ([f"F={f}, S={s}" for f, s in layers] if names is None
              else [f"{name} F={f} S={s}" for name, (f, s) in zip(names, layers, strict=True)])
    labels = ["input", *labels]
    if show_fields:
        labels = [f"{label}: field {fld}" for label, fld in zip(labels, fields, strict=True)]
    ax.set_yticks(range(len(fields)), labels)
    ax.set_xticks([])
    ax.set_xlim(-1.6, field + 0.6)
    ax.set_ylim(-0.6, len(fields) - 0.4)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(left=False)
    ax.set_title(title or f"one value of the last layer sees {field} input pixels")
    return Plot(ax.figure, ax)


def show_fields_on_image(image, reach: Mapping) -> Plot:
    """For each stack, the image with the square of pixels that reach one value outlined:
    one panel per stack, titled with the square's side.

    Taught in lesson 03, section 4 (the receptive field measured with impulses).

    image: (H, W), e.g. a 28x28 digit. reach: stack name -> (H, W) booleans, True where a
    pixel reaches the value (a filled square). Returns the figure and its axes.

    >>> reach = np.zeros((8, 8), dtype=bool); reach[2:5, 3:6] = True
    >>> fig, axes = show_fields_on_image(np.ones((8, 8)), {"one conv": reach})
    >>> axes[0].get_title()
    'one conv:\\none value sees 3x3 pixels'
    """
    image = _matrix(image, "image")
    if not reach:
        raise ValueError("reach must map at least one stack name to its (H, W) booleans")
    fig, axes = plt.subplots(1, len(reach), figsize=(3.6 * len(reach), 3.6), squeeze=False,
                             layout="constrained")
    for ax, (name, pixels) in zip(axes.flat, reach.items(), strict=True):
        pixels = np.asarray(pixels, dtype=bool)
        rows, cols = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
        if pixels.shape != image.shape or not rows.size:
            raise ValueError(f"reach[{name!r}] must be {image.shape} booleans with a True")
        side = len(rows)
        show_matrix(image, ax=ax, title=f"{name}:\none value sees {side}x{side} pixels",
                    cmap="gray_r", show_values=False,
                    highlight=(int(rows[0]), int(cols[0]), side, len(cols)))
    fig.suptitle("the receptive field of the last map's centre value, on the digit")
    return Plot(fig, axes.ravel())


def show_shifted_row_pooling(row, moved_row) -> Plot:
    """2x2 max pooling in 1-D, in its two steps, for a row and the row moved by one value:
    the input rows, their 2-wide maximum at stride 1, and every second value of it (the
    pooled rows) above the first pooled row moved by one value.

    Taught in lesson 03, section 6 (a one-pixel shift through max pooling).

    row, moved_row: 1-D, of one even length, non-negative. Returns the figure and its axes.

    >>> fig, axes = show_shifted_row_pooling([0, 3, 1, 0], [0, 0, 3, 1])
    >>> [ax.get_title() for ax in axes]
    ['input rows', '2-wide maximum, stride 1', 'every second value']
    >>> [t.get_text() for t in axes[2].texts]       # row, moved row, row pooled then moved
    ['3', '1', '0', '3', '0', '3']
    """
    rows = [np.asarray(values, dtype=float) for values in (row, moved_row)]
    if any(r.ndim != 1 for r in rows) or rows[0].shape != rows[1].shape or len(rows[0]) % 2:
        raise ValueError("row and moved_row must be 1-D, of one even length")
    stride_1 = [np.maximum(r[:-1], r[1:]) for r in rows]
    pooled = [s[::2] for s in stride_1]
    pooled_moved = np.concatenate([[0], pooled[0][:-1]])
    n = len(rows[0])
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 2.4), layout="constrained",
                             width_ratios=[n, n - 1, n // 2])
    two = ["row", "moved by 1 pixel"]
    top = max(float(np.max(rows)), 1.0)
    for ax, values, title, names in [
            (axes[0], rows, "input rows", two),
            (axes[1], stride_1, "2-wide maximum, stride 1", two),
            (axes[2], [*pooled, pooled_moved], "every second value",
             [*two, "pooled row, moved 1 value"])]:
        show_matrix(np.stack(values), ax=ax, title=title, vmin=0, vmax=top, ylabel="")
        ax.set_yticks(range(len(names)), names)
    return Plot(fig, axes)


def show_shift_test(image, shift, maps: Mapping) -> Plot:
    """Translation equivariance, tested: an image and the image shifted ``shift = (down,
    right)`` pixels, each mapped by every function in ``maps``, and each map of the shifted
    image minus the first map moved the same way, where the two overlap (hatched: no
    counterpart after the shift). The first map's panels share a scale centred on 0, with its
    peak circled; each other map has its own scale (said in its title); the difference panels
    share one scale, white at 0, so a map that moved exactly shows a white panel.

    Taught in lesson 01, section 1 (Conv2D against Dense).

    maps: {name: function}, each taking a 2-D image and returning a 2-D map (of any one size).

    >>> image = np.zeros((8, 8)); image[2:4, 2:5] = 1
    >>> fig, axes = show_shift_test(image, (1, 2), {"same": lambda im: im[1:-1, 1:-1]})
    >>> axes.shape, axes[2, 1].get_title().split()[-1]     # the map moved with the image
    ((3, 2), '0.00')
    """
    image = check_array(image, "image", (2,), "2-D (H, W), e.g. one grey-scale digit")
    down, right = (check_int(v, "shift", 0) for v in shift)
    shifted = np.roll(image, (down, right), axis=(0, 1))
    names = list(maps)
    before = {name: np.asarray(maps[name](image)) for name in names}
    after = {name: np.asarray(maps[name](shifted)) for name in names}
    changes = {}
    for name in names:                            # the new map against the first one, moved
        h, w = before[name].shape
        changes[name] = np.zeros((h, w))
        changes[name][down:, right:] = np.abs(after[name][down:, right:]
                                              - before[name][:h - down, :w - right])
    fig, axes = plt.subplots(3, len(names) + 1, figsize=(2.9 * (len(names) + 1), 8.6),
                             layout="constrained")
    first = names[0]
    reach = float(np.abs(before[first]).max()) or 1.0
    peak = np.unravel_index(np.argmax(before[first]), before[first].shape)
    for row, (picture, label, mapped) in enumerate([(image, "the image", before),
                                                    (shifted, f"moved {down} down, {right} right",
                                                     after)]):
        show_matrix(picture, ax=axes[row, 0], title=label, cmap=DIGIT_CMAP)
        for col, name in enumerate(names, start=1):
            scale = dict(cmap=SIGNED_CMAP, vmin=-reach, vmax=reach) if name == first else {}
            own = "" if name == first else " (own scale)"
            show_matrix(mapped[name], ax=axes[row, col], title=f"its {name} map{own}", **scale)
        r, c = peak[0] + row * down, peak[1] + row * right
        axes[row, 1].plot(c, r, marker="o", markersize=11, markerfacecolor="none",
                          markeredgecolor=WRONG_COLOR, markeredgewidth=2)
    axes[2, 0].set_axis_off()
    largest = max(float(change.max()) for change in changes.values()) or 1.0
    for col, name in enumerate(names, start=1):
        ax, (h, w) = axes[2, col], changes[name].shape
        show_matrix(changes[name], ax=ax, vmin=0, vmax=largest, cmap=DIFFERENCE_CMAP,
                    title=f"{name}: difference\nafter the shift, max {changes[name].max():.2f}")
        for x0, y0, width, height in [(0, 0, w, down), (0, down, right, h - down)]:
            if width and height:                  # outside the overlap
                ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), width, height, fc="0.85",
                                       hatch="//", lw=0))
    fig.colorbar(axes[0, 1].images[0], ax=axes[:2, 1], location="bottom", shrink=0.9,
                 label=f"{first} map (0: lightest)")      # under its column, not between columns
    fig.colorbar(axes[2, -1].images[0], ax=axes[2, 1:], shrink=0.8,
                 label="difference (0: lightest)",
                 location="right" if len(names) > 1 else "bottom")   # one map: no room right
    return Plot(fig, axes)


def _kernel_array(kernel):
    name = None
    if hasattr(kernel, "get_weights") and not isinstance(kernel, np.ndarray):
        name = getattr(kernel, "name", None)
        weights = kernel.get_weights()
        if not weights:
            raise ValueError(f"the layer {name!r} has no weights yet: build it (call it on an "
                             "input or train the model) first")
        kernel = weights[0]
    array = check_array(kernel, "kernel", (2, 4),
                        "2-D (kh, kw) or 4-D (kh, kw, in, out) as Keras's Conv2D stores it")
    if array.ndim == 2:
        array = array[:, :, np.newaxis, np.newaxis]
    return array, name


def show_kernels(kernel, max_in: int = 4, max_out: int = 16, show_values: bool | None = None,
                 title: str | None = None) -> Plot:
    """The kernels of a layer: one panel per (input channel, filter) pair.

    Shown first in lesson 01, section 4 (the line kernels); taught in lesson 05, section 8
    (the learned kernels).

    kernel: Keras's Conv2D layout (kh, kw, in, out), e.g. ``layer.get_weights()[0]`` or
    ``layer.kernel``, or the Conv2D layer itself (its name goes in the title); a 2-D array
    is one kernel. Rows are input channels, columns are filters (output channels). One
    diverging colour scale centred on zero for all panels, with a colour bar: orange
    negative, white zero, purple positive. The title gives the shape in the lessons' notation,
    (F_h, F_w, C_in, C_out); each row is labelled with its input channel.

    >>> import numpy as np
    >>> fig, axes = show_kernels(np.ones((5, 5, 1, 3)))
    >>> axes.shape, [ax.get_title() for ax in axes[0]]
    ((1, 3), ['filter 0', 'filter 1', 'filter 2'])
    """
    array, layer_name = _kernel_array(kernel)
    f_h, f_w, c_in, c_out = array.shape
    rows = min(c_in, check_int(max_in, "max_in", 1))
    cols = min(c_out, check_int(max_out, "max_out", 1))
    limit = float(np.abs(array[:, :, :rows, :cols]).max()) or 1.0
    if show_values is None:
        show_values = max(f_h, f_w) <= 3 and rows * cols <= 8
    heading = title or (f"kernels of {layer_name!r}" if layer_name else "kernels")
    heading += f"\n(F_h, F_w, C_in, C_out) = ({f_h}, {f_w}, {c_in}, {c_out})"
    if rows < c_in or cols < c_out:
        heading += f", first {rows} in x {cols} out shown"
    panel = 1.0 if max(f_h, f_w) <= 5 else 1.3
    title_width = 0.085 * max(len(line) for line in heading.splitlines())  # 10-point text
    fig, axes = plt.subplots(rows, cols, figsize=(min(max(panel * cols + 0.8, title_width), 10.0),
                                                  min(panel * rows + 0.6, 8.0)),
                             layout="constrained", squeeze=False)
    image = None
    for i in range(rows):
        for j in range(cols):
            ax = axes[i, j]
            image = _draw_matrix(ax, array[:, :, i, j], f"filter {j}" if i == 0 else None,
                                 SIGNED_CMAP, -limit, limit, show_values, "", "")
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(f"input\nchannel {i}")
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    fig.suptitle(heading, fontsize=10)
    return Plot(fig, axes)


def _history_frame(history):

    if isinstance(history, pd.DataFrame):
        frame = history.copy()
    else:
        data = getattr(history, "history", history)
        if not isinstance(data, Mapping) or not data:
            raise TypeError("history must be what model.fit returns (a History), its "
                            "history.history dict, or a DataFrame of it; got "
                            f"{type(history).__name__}")
        frame = pd.DataFrame({key: list(values) for key, values in data.items()})
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="epoch")
    return frame


def plot_history(history, metrics: Sequence[str] | None = None) -> Plot:
    """Training curves from ``model.fit``'s History: one panel per metric, training
    (solid) and validation (dashed) per epoch.

    Taught in lesson 05, section 4 (training curves).

    history: a Keras ``History``, its ``history.history`` dict, or
    ``pd.DataFrame(history.history)``. ``metrics``: the base names to draw (default: every
    metric, loss first, e.g. ``["loss", "accuracy"]``; their ``val_`` twins are added).

    >>> fig, axes = plot_history({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
    >>> axes[0].get_title(), axes[0].get_xlabel(), [l.get_label() for l in axes[0].lines]
    ('loss', 'epoch', ['training', 'validation'])
    """
    frame = _history_frame(history)
    available = [c for c in frame.columns if not str(c).startswith("val_")]
    if metrics is None:
        metrics = sorted((c for c in available if c != "learning_rate"),
                         key=lambda name: name != "loss")  # loss first, then the metrics
    else:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        unknown = [m for m in metrics if m not in frame.columns]
        if unknown:
            raise ValueError(f"metrics {unknown} are not in the history; it has "
                             f"{list(frame.columns)}")
    if not metrics:
        raise ValueError(f"no metric to draw: the history has {list(frame.columns)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics), 2.8),
                             layout="constrained", squeeze=False)
    axes = axes[0]
    for ax, metric in zip(axes, metrics, strict=True):
        ax.plot(frame.index, frame[metric], color=LINE_COLORS[0], marker="o", markersize=3,
                label="training")
        if f"val_{metric}" in frame.columns:
            ax.plot(frame.index, frame[f"val_{metric}"], color=LINE_COLORS[1], marker="s",
                    markersize=3, linestyle="--", label="validation")
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        if len(frame) <= 20:
            ax.set_xticks(list(frame.index))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return Plot(fig, axes)


def _labels(values, name: str, count: int) -> np.ndarray | None:
    if values is None:
        return None
    array = np.asarray(values)
    if array.ndim == 2:  # one-hot labels or predicted probabilities
        array = array.argmax(axis=1)
    array = check_array(array, name, (1,), "(B,) class numbers, or (B, 10) one-hot/probabilities")
    if len(array) < count:
        raise ValueError(f"{name} has {len(array)} entries for {count} images")
    return array[:count].astype(int)


def show_digits(images, labels=None, predictions=None, ncols: int = 10, max_images: int = 30,
                title: str | None = None) -> Plot:
    """A grid of digits with their labels, and predictions if given.

    Taught in lesson 05, section 1 and Going further A and C.

    images: (B, 28, 28) or (B, 28, 28, 1), any scale (0-255 or 0-1). labels and predictions:
    (B,) class numbers, or (B, 10) one-hot labels / predicted probabilities (their argmax is
    used). With predictions, each title is the predicted class; a wrong one reads
    "5 (true 3)" in vermillion and bold, so the text alone tells them apart.

    >>> import numpy as np
    >>> fig, axes = show_digits(np.zeros((3, 28, 28)), labels=[7, 2, 1], predictions=[7, 2, 4])
    >>> [ax.get_title() for ax in axes.flat[:3]]
    ['7', '2', '4 (true 1)']
    """
    array = check_array(images, "images", (3, 4), "(B, 28, 28) or (B, 28, 28, 1)")
    if array.ndim == 4:
        if array.shape[-1] != 1:
            raise ValueError(f"images must have one channel; got shape {array.shape}")
        array = array[..., 0]
    max_images = check_int(max_images, "max_images", 1)
    count = min(len(array), max_images)
    if count == 0:
        raise ValueError("images is empty")
    true = _labels(labels, "labels", count)
    predicted = _labels(predictions, "predictions", count)
    nrows, ncols = _grid(count, ncols, max_cols=ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(0.85 * ncols, 0.95 * nrows + 0.3),
                             squeeze=False, layout="constrained")
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index >= count:
            continue
        ax.imshow(array[index], cmap=DIGIT_CMAP, interpolation="nearest")
        if predicted is not None:
            wrong = true is not None and predicted[index] != true[index]
            text = f"{predicted[index]} (true {true[index]})" if wrong else str(predicted[index])
            ax.set_title(text, fontsize=8, color=WRONG_COLOR if wrong else "black",
                         fontweight="bold" if wrong else "normal")
        elif true is not None:
            ax.set_title(str(true[index]), fontsize=8)
    if title is None:
        title = ("predicted class (wrong ones: prediction, then true label)"
                 if predicted is not None else "label above each digit"
                 if true is not None else "digits")
    fig.suptitle(title, fontsize=9)
    return Plot(fig, axes)


def show_rgb_channels(image, titles: Sequence[str] = ("red", "green", "blue"),
                      name: str = "x") -> Plot:
    """A colour image and its three channels side by side, with one colour bar for the three.

    Taught in lesson 02, section 1.

    image: (H, W, 3), channels-last, uint8 0-255 or float 0-1. Each channel is drawn in grey
    (bright = much of that colour), with a shared 0-255 (or 0-1) scale. name: the variable
    the titles index (``red: photo[:, :, 0]`` for name="photo").

    >>> import numpy as np
    >>> fig, axes = show_rgb_channels(np.zeros((8, 8, 3), dtype=np.uint8))
    >>> [ax.get_title() for ax in axes]
    ['image (8, 8, 3)', 'red: x[:, :, 0]', 'green: x[:, :, 1]', 'blue: x[:, :, 2]']
    """
    array = check_array(image, "image", (3,), "(H, W, 3), channels-last")
    if array.shape[-1] != 3:
        raise ValueError(f"image must have 3 channels last (H, W, 3); got shape {array.shape}")
    top = 255 if array.max() > 1 else 1
    fig, axes = plt.subplots(1, 4, figsize=(7.2, 2.1), layout="constrained")
    axes[0].imshow(np.clip(array, 0, top).astype(np.uint8 if top == 255 else float),
                   interpolation="nearest")
    axes[0].set_title(f"image {array.shape}")
    for c in range(3):
        axes[c + 1].imshow(array[:, :, c], cmap="gray", vmin=0, vmax=top,
                           interpolation="nearest")
        axes[c + 1].set_title(f"{titles[c]}: {name}[:, :, {c}]", fontsize=9)
    for ax in axes:
        ax.set_xlabel("column")
        ax.tick_params(labelsize=8)
    axes[0].set_ylabel("row")
    fig.colorbar(axes[1].images[0], ax=axes[1:], shrink=0.8,
                 label=f"value 0-{top} (one scale)")
    return Plot(fig, axes)


def show_maps_on_image(image, maps, titles: Sequence[str], boxes: Mapping | None = None,
                       colorbar: str = "response (one scale for all maps)",
                       one_scale: bool = True) -> Plot:
    """A colour image beside the feature maps a 'valid' convolution made from it, the maps on
    one colour scale centred on zero, and boxes that mark the same regions on all panels.

    Taught in lesson 02, section 2 (a red detector on a photo) and Going further (an edge filter).

    image: (H, W, 3), channels-last, uint8 0-255 or float 0-1; maps: (H - F + 1, W - F + 1,
    C), one panel per channel, titled by ``titles``. Map value (i, j) comes from the F x F
    window centred on pixel (i + (F - 1) / 2, j + (F - 1) / 2), so a box drawn on the image is
    shifted by that much. ``boxes``: {name: (top, bottom, left, right)} in map rows and
    columns, as a slice maps[top:bottom, left:right] takes them; each name is written just
    under its box on every panel (inside it if the box reaches the bottom edge).
    ``one_scale=False`` gives each map its own scale, symmetric about zero, and its own colour
    bar, so that a map with a small range is not washed out by a larger one.

    >>> import numpy as np
    >>> fig, axes = show_maps_on_image(np.zeros((8, 8, 3)), np.ones((6, 6, 2)), ["a", "b"],
    ...                                boxes={"corner": (0, 3, 0, 3)})
    >>> [ax.get_title() for ax in axes], axes[0].texts[0].get_text()
    (['image (8, 8, 3)', 'a', 'b'], 'corner')
    >>> axes[0].patches[0].get_xy(), axes[1].patches[0].get_xy()   # shifted by (3 - 1) / 2
    ((0.5, 0.5), (-0.5, -0.5))
    >>> maps = np.stack([np.full((6, 6), 4.0), np.full((6, 6), -0.5)], axis=-1)
    >>> fig, axes = show_maps_on_image(np.zeros((8, 8, 3)), maps, ["a", "b"], one_scale=False)
    >>> [ax.images[0].get_clim() for ax in axes[1:]]
    [(-4.0, 4.0), (-0.5, 0.5)]
    """
    picture = check_array(image, "image", (3,), "(H, W, 3), channels-last")
    if picture.shape[-1] != 3:
        raise ValueError(f"image must have 3 channels last (H, W, 3); got shape "
                         f"{picture.shape}")
    values = check_array(maps, "maps", (3,), "(H_out, W_out, C), channels-last")
    shift = [(n - m) / 2 for n, m in zip(picture.shape[:2], values.shape[:2], strict=True)]
    if min(shift) < 0:
        raise ValueError(f"maps ({values.shape[0]}x{values.shape[1]}) must not be larger than "
                         f"the image ({picture.shape[0]}x{picture.shape[1]}): they are the "
                         "output of a 'valid' convolution of it")
    titles = [str(t) for t in titles]
    if len(titles) != values.shape[2]:
        raise ValueError(f"titles has {len(titles)} entries for {values.shape[2]} maps; give "
                         "one title per map")
    boxes = dict(boxes or {})
    for name, box in boxes.items():
        top, bottom, left, right = (check_int(v, f"boxes[{name!r}]", 0) for v in box)
        if not (top < bottom <= values.shape[0] and left < right <= values.shape[1]):
            raise ValueError(f"boxes[{name!r}] = {tuple(box)} must be (top, bottom, left, "
                             f"right) inside the {values.shape[0]}x{values.shape[1]} maps, "
                             "top < bottom and left < right")
    limit = float(np.abs(values).max()) or 1.0
    count = values.shape[2] + 1
    fig, axes = plt.subplots(1, count, figsize=(3.0 * count + 0.8, 3.1 if one_scale else 3.8),
                             layout="constrained")             # taller: bars under the maps
    top_value = 255 if picture.max() > 1 else 1
    axes[0].imshow(np.clip(picture, 0, top_value).astype(np.uint8 if top_value == 255
                                                         else float))
    axes[0].set_title(f"image {picture.shape}")
    for c in range(values.shape[2]):
        if not one_scale:
            limit = float(np.abs(values[:, :, c]).max()) or 1.0
        shown = axes[c + 1].imshow(values[:, :, c], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        axes[c + 1].set_title(titles[c])
        if not one_scale:   # a bar under each map: at its side, the bar's label would read
            bar = fig.colorbar(shown, ax=axes[c + 1], shrink=0.85, location="bottom",  # as
                               label=colorbar)                             # the next panel's
            bar.ax.xaxis.set_major_locator(MaxNLocator(4))   # few ticks: they stay apart
    if one_scale:
        fig.colorbar(shown, ax=axes[1:], shrink=0.85, label=colorbar)
    for index, ax in enumerate(axes):
        ax.set_xlabel("column")
        ax.tick_params(labelsize=8)
        dy, dx = shift if index == 0 else (0.0, 0.0)
        for name, (top, bottom, left, right) in boxes.items():
            # black dashes on a solid white line: seen on dark and on light regions
            for colour, style, width in (("white", "-", 2.5), ("black", "--", 1.5)):
                ax.add_patch(Rectangle((left + dx - 0.5, top + dy - 0.5), right - left,
                                       bottom - top, fill=False, edgecolor=colour,
                                       linewidth=width, linestyle=style))
            # the name under its box (inside it at the bottom edge), on every panel, on the
            # side away from the left or right edge
            panel_shape = (picture if index == 0 else values).shape
            on_right = left + right > panel_shape[1]
            under = bottom + 2 < values.shape[0]
            ax.text((right + dx - 1.5) if on_right else (left + dx - 0.5),
                    (bottom + dy) if under else (top + dy + 0.5),
                    name, ha="right" if on_right else "left", va="top", fontsize=7,
                    color="white", bbox={"facecolor": "black", "edgecolor": "none", "pad": 1})
    axes[0].set_ylabel("row")
    return Plot(fig, axes)


KEPT_COLOR = "#E69F00"  # Okabe-Ito orange: what the forward pass keeps for the backward pass


def show_compute_graph(steps: Sequence[str], tensors: Sequence[str],
                       kept: Mapping[str, str] | None = None,
                       backward: Sequence[str] | None = None,
                       title: str | None = None,
                       readers: Mapping[str, Sequence[int]] | None = None) -> Plot:
    r"""A chain of operations as a computational graph: forward on top, backward underneath.

    Taught in lesson 06, section 7.

    ``steps`` are the operations in order (short labels, "\n" allowed); ``tensors`` the
    arrays between them, one more than the steps: ``tensors[0]`` feeds ``steps[0]``, whose
    output is ``tensors[1]``, and so on. The backward row runs right to left under it: each
    step's backward box, between the gradients, one label per tensor (``backward``, default
    "dL/d<tensor>"). ``kept`` maps the tensors the forward pass must keep for the backward
    pass to a label (their size, say): they are drawn in orange, with a dashed arrow to each
    backward step that reads them: ``readers[name]``, step indices (default: the step the
    tensor feeds).

    >>> fig, ax = show_compute_graph(["Dense"], ["x", "y"], kept={"x": "40 B"})
    >>> [text.get_text() for text in ax.texts if text.get_text()][:4]
    ['x\n40 B', 'dL/dx', 'y', 'dL/dy']
    """
    steps, tensors = [str(step) for step in steps], [str(tensor) for tensor in tensors]
    if not steps or len(tensors) != len(steps) + 1:
        raise ValueError(f"tensors must hold one more name than steps (the input, then each "
                         f"step's output): got {len(steps)} steps and {len(tensors)} tensors")
    kept = dict(kept or {})
    unknown = sorted(set(kept) - set(tensors[:-1]))
    if unknown:
        raise ValueError(f"kept names {unknown}, which are not among the tensors that feed a "
                         f"step: {tensors[:-1]}")
    readers = {name: list(readers[name]) if readers and name in readers
               else [tensors.index(name)] for name in kept}
    if readers and any(not 0 <= step < len(steps) for steps_ in readers.values()
                       for step in steps_):
        raise ValueError(f"readers must name steps by their index, 0 to {len(steps) - 1}; got "
                         f"{readers}")
    backward = list(backward) if backward is not None else [f"dL/d{name}" for name in tensors]
    if len(backward) != len(tensors):
        raise ValueError(f"backward must hold one label per tensor ({len(tensors)}); got "
                         f"{len(backward)}")
    fig, ax = plt.subplots(figsize=(max(1.0 * (2 * len(steps) + 1), 3.0), 2.9),
                           layout="constrained")
    top, bottom, font = 1.0, 0.0, 9
    nodes, ops, grads, back_ops = [], [], [], []
    for i, name in enumerate(tensors):
        size = kept.get(name)
        nodes.append(ax.text(2 * i, top, name if size is None else f"{name}\n{size}",
                             ha="center", va="center", fontsize=font,
                             bbox=dict(boxstyle="round,pad=0.3", lw=0.8, ec="black",
                                       fc=KEPT_COLOR if size else "white")))
        grads.append(ax.text(2 * i, bottom, backward[i], ha="center", va="center",
                             fontsize=font, color="#0072B2",
                             bbox=dict(boxstyle="square,pad=0.2", fc="white", ec="none")))
    for i, step in enumerate(steps):
        for row, boxes, face in ((top, ops, "#DCE9F5"), (bottom, back_ops, "white")):
            boxes.append(ax.text(2 * i + 1, row, step, ha="center", va="center", fontsize=font,
                                 color="black" if row == top else "#0072B2",
                                 bbox=dict(boxstyle="square,pad=0.3", fc=face, ec="#0072B2",
                                           lw=0.8, ls="-" if row == top else "--")))

    def connect(start, end, color="black", style="-"):  # an arrow from box to box
        ax.annotate("", xy=end.get_position(), xytext=start.get_position(),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.1, linestyle=style,
                                    patchA=start.get_bbox_patch(), patchB=end.get_bbox_patch(),
                                    shrinkA=1, shrinkB=1))

    for i in range(len(steps)):
        connect(nodes[i], ops[i])
        connect(ops[i], nodes[i + 1])
        connect(grads[i + 1], back_ops[i], color="#0072B2")
        connect(back_ops[i], grads[i], color="#0072B2")
    for name, steps_read in readers.items():  # each kept tensor, to the backward steps that read it
        for step in steps_read:
            connect(nodes[tensors.index(name)], back_ops[step], color=KEPT_COLOR, style="--")
    ax.text(-0.6, top + 0.55, "forward", fontsize=font, ha="left")
    ax.text(-0.6, bottom - 0.55, "backward", fontsize=font, ha="left", color="#0072B2")
    ax.set(xlim=(-0.7, 2 * len(steps) + 0.7), ylim=(-0.75, 1.75))
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=font + 1)
    return Plot(fig, ax)


_DEPTH_DX, _DEPTH_DY = 0.45, 0.3      # one step of depth (a channel) in the oblique drawing


def _box(ax, x: float, y: float, width: float, height: float, depth: float, color,
         alpha: float = 1.0, linewidth: float = 1.0) -> None:
    """An oblique box: its front face (width x height) at (x, y), its depth drawn up and right."""
    dx, dy = depth * _DEPTH_DX, depth * _DEPTH_DY
    faces = [[(x, y), (x + width, y), (x + width, y + height), (x, y + height)],
             [(x, y + height), (x + width, y + height), (x + width + dx, y + height + dy),
              (x + dx, y + height + dy)],
             [(x + width, y), (x + width + dx, y + dy), (x + width + dx, y + height + dy),
              (x + width, y + height)]]
    for face, shade in zip(faces, (1.0, 0.85, 0.7), strict=True):
        rgb = np.array(to_rgb(color)) * shade
        ax.add_patch(Polygon(face, closed=True, facecolor=rgb, edgecolor="black",
                             alpha=alpha, linewidth=linewidth))


def show_conv_volumes(height: int = 7, width: int = 7, channels: int = 3, kernel_size: int = 3,
                      filters: int = 1, stride: int = 1, padding: int = 0) -> Plot:
    """A schematic of one Conv2D layer as boxes: the H x W x C_in input with one window as
    deep as the input outlined, the filters (each F x F x C_in, one bias), and the output,
    one H_out x W_out sheet per filter (sizes from conv_output_size, with the stride S and
    P zeros of padding on every side). With padding, the input box is the padded one, light,
    and a dashed frame on its front marks the input's own pixels, as in show_conv_layer_step.

    Taught in lesson 02, sections 2 (one filter, one sheet) and 3 (two filters, two sheets:
    section 3's 5x5x3 input, padding 1, stride 2).

    >>> fig, ax = show_conv_volumes(filters=2)
    >>> ax.get_title()
    'input 7x7x3, two 3x3x3 filters: output 5x5x2'
    >>> fig, ax = show_conv_volumes(5, 5, filters=2, stride=2, padding=1)
    >>> ax.get_title()
    'input 5x5x3, padding 1, two 3x3x3 filters, stride 2: output 3x3x2'
    """
    height, width = check_int(height, "height", 1), check_int(width, "width", 1)
    channels, f = check_int(channels, "channels", 1), check_int(kernel_size, "kernel_size", 1)
    filters = check_int(filters, "filters", 1)
    stride = check_int(stride, "stride", 1)
    p = check_int(padding, "padding", 0, rule="show_conv_volumes draws P zeros on every side")
    padded_h, padded_w = height + 2 * p, width + 2 * p
    if f > min(padded_h, padded_w):
        raise ValueError(f"kernel_size is {f} but the input is {padded_h}x{padded_w}"
                         f"{' once padded' if p else ''}: it must fit")
    out_h = conv_output_size(height, f, stride=stride, padding=p)
    out_w = conv_output_size(width, f, stride=stride, padding=p)
    colors = LINE_COLORS[1:] + LINE_COLORS[:1]
    if filters > len(colors):
        raise ValueError(f"filters is {filters}: the schematic draws at most {len(colors)}")
    fig, ax = plt.subplots(figsize=(7.2, 2.6))
    _box(ax, 0, 0, padded_w, padded_h, channels, "0.93" if p else "0.8")   # the input
    if p:                                             # the input's own pixels, inside the zeros
        ax.add_patch(Rectangle((p, p), width, height, facecolor="0.8", edgecolor="0.35",
                               linestyle="--", linewidth=1.2))
    window_y = padded_h - f                                               # top-left window
    _box(ax, 0, window_y, f, f, channels, colors[0], alpha=0.9, linewidth=1.5)
    label_y = min(0.0, padded_h - f - (filters - 1) * (f + 1.6)) - 0.5   # below the lowest box
    input_label = f"input {height}x{width}x{channels}\n(H x W x C_in)"
    if p:
        input_label = (f"input {height}x{width}x{channels} (H x W x C_in)\n"
                       f"padded by {p}: {padded_h}x{padded_w}x{channels}")
    ax.text(padded_w / 2, label_y, input_label, ha="center", va="top", fontsize=9)
    filter_x = padded_w + channels * _DEPTH_DX + 2.2
    for k in range(filters):                                            # the filters, stacked
        y = padded_h - f - k * (f + 1.6)
        _box(ax, filter_x, y, f, f, channels, colors[k], linewidth=1.5)
        ax.text(filter_x + f + channels * _DEPTH_DX + 0.3, y + f / 2, f"+ b{k}", va="center",
                fontsize=9)
    names = {1: "one", 2: "two", 3: "three"}
    count = names.get(filters, str(filters))
    ax.text(filter_x + f / 2 + 0.5, label_y,
            f"{count} filter{'s' * (filters > 1)}\n{f}x{f}x{channels}{' each' * (filters > 1)}"
            + (f"\nstride {stride}" if stride > 1 else ""), ha="center", va="top", fontsize=9)
    out_x = filter_x + f + channels * _DEPTH_DX + 3.8
    for k in reversed(range(filters)):                                 # one sheet per filter
        _box(ax, out_x + 2 * k * _DEPTH_DX, 2 * k * _DEPTH_DY, out_w, out_h, 1, colors[k])
    _box(ax, out_x, out_h - 1, 1, 1, 1, "white", linewidth=1.5)          # the value computed
    ax.text(out_x + out_w / 2, label_y, f"output {out_h}x{out_w}x{filters}\none map per filter",
            ha="center", va="top", fontsize=9)
    arrow = dict(arrowstyle="->", color="black", linewidth=1.2)
    ax.annotate("", xy=(filter_x - 0.2, padded_h - f / 2), arrowprops=arrow,
                xytext=(f + channels * _DEPTH_DX + 0.3, padded_h - f / 2))
    ax.annotate("", xy=(out_x - 0.2, out_h - 0.5), arrowprops=arrow,
                xytext=(filter_x + f + channels * _DEPTH_DX + 2.0, padded_h - f / 2))
    setting = f"input {height}x{width}x{channels}" + (f", padding {p}" if p else "")
    steps = f", stride {stride}" if stride > 1 else ""
    ax.set_title(f"{setting}, {count} {f}x{f}x{channels} filter{'s' * (filters > 1)}{steps}: "
                 f"output {out_h}x{out_w}x{filters}", fontsize=10)
    ax.set_xlim(-0.5, out_x + out_w + 2 * filters * _DEPTH_DX + 0.8)
    ax.set_ylim(label_y - (2.6 if stride > 1 else 1.9), padded_h + channels * _DEPTH_DY + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return Plot(fig, ax)


# --- lesson 07: the rest of Conv2D -------------------------------------------------------------


def show_weight_sharing(kernel, input_shape=(6, 6), rng=None) -> Plot:
    """Dense, locally connected and Conv2D drawn as weight matrices: one row per output, one
    column per input pixel (flattened), white where no weight connects them; weights only, no
    biases. In the top two panels each colour is one weight's own value (uniform 0.5-1.5, from
    ``rng``); the locally connected layer keeps the convolution's window but gives every
    connection its own weight. In the Conv2D panel (``conv_matrix(input_shape, kernel)``) each
    weight is numbered by its kernel tap, 1 to F * F row by row, and coloured by it, so each
    tap runs down a diagonal as the window slides.

    Taught in lesson 07, section 1.

    kernel: (F, F), one channel. ``rng``: a NumPy Generator; its draws (Dense first, then the
    locally connected layer) are the only randomness.

    >>> fig, axes = show_weight_sharing(np.ones((3, 3)), rng=np.random.default_rng(0))
    >>> [ax.get_title() for ax in axes]  # doctest: +NORMALIZE_WHITESPACE
    ['Dense: 576 weights (16 x 36), each its own',
     'locally connected: 144 weights, each its own', 'Conv2D: 9 weights, shared by every row']
    """
    kernel = check_array(kernel, "kernel", (2,), "2-D (F, F)")
    if kernel.shape[0] > 9 or kernel.shape[0] * kernel.shape[1] > 9:
        raise ValueError(f"kernel is {kernel.shape[0]}x{kernel.shape[1]}: the figure numbers "
                         "at most 9 taps (a 3x3 kernel)")
    rng = np.random.default_rng() if rng is None else rng
    shared = conv_matrix(tuple(input_shape), kernel)
    window = shared != 0
    taps = np.arange(1.0, kernel.size + 1).reshape(kernel.shape)
    tap = conv_matrix(tuple(input_shape), taps).astype(int)      # tap 1 to F * F, 0: none
    outputs, pixels = shared.shape
    out_h, out_w = (conv_output_size(n, f) for n, f in zip(input_shape, kernel.shape,
                                                            strict=True))
    panels = {
        f"Dense: {shared.size} weights ({outputs} x {pixels}), each its own":
            rng.uniform(0.5, 1.5, shared.shape),
        f"locally connected: {window.sum()} weights, each its own":
            np.where(window, rng.uniform(0.5, 1.5, shared.shape), 0),
        f"Conv2D: {kernel.size} weights, shared by every row": None,
    }
    fig, axes = plt.subplots(3, 1, figsize=(6.4, 8.0), layout="constrained")
    for ax, (title, values) in zip(axes, panels.items(), strict=True):
        if values is None:   # colour: which of the kernel's weights, numbered by tap
            ax.imshow(np.ma.masked_equal(tap, 0), vmin=0.5, vmax=kernel.size + 0.5,
                      cmap=ListedColormap(plt.get_cmap("Set3").colors[:kernel.size]))
            for (row, col), k in np.ndenumerate(tap):
                if k:
                    ax.text(col, row, k, ha="center", va="center", fontsize=8, color="black")
        else:                # colour: the weight's own random value
            ax.imshow(np.ma.masked_equal(values, 0), cmap="turbo", vmin=0.5, vmax=1.5)
        ax.set(title=title, xlabel="input pixel ({}x{}, flattened)".format(*input_shape),
               ylabel=f"output ({out_h}x{out_w})")
    return Plot(fig, axes)


def show_path_counts(paths: Mapping[str, Any], margin: int = 2) -> Plot:
    """One panel per stack: how many paths lead from each input pixel to one output pixel
    (``measure_receptive_field``'s counts), white where none does, each panel on its own
    ``cividis`` scale. Every panel shows the same window, the largest field with ``margin``
    pixels around it, with axes counted from the field's centre; each title says how many
    pixels of its field are reached (gridding: dilations that leave holes).

    Taught in lesson 07, section 3.

    >>> counts = np.zeros((9, 9)); counts[2:7:2, 2:7:2] = 1
    >>> fig, axes = show_path_counts({"D = 2": counts})
    >>> axes[0].get_title()
    'D = 2\\n9 of the 25 pixels in its 5x5 field'
    """
    if not paths:
        raise ValueError("paths must map at least one title to a 2-D array of path counts")
    arrays = {title: check_array(counts, f"paths[{title!r}]", (2,), "2-D (rows, columns)")
              for title, counts in paths.items()}
    if len({a.shape for a in arrays.values()}) != 1:
        raise ValueError("every array of path counts must have the same shape (one input "
                         f"size for every stack); got {[a.shape for a in arrays.values()]}")
    for title, counts in arrays.items():
        if not np.any(counts) or np.any(counts < 0):
            raise ValueError(f"paths[{title!r}] must hold counts >= 0, at least one of them "
                             "positive (the receptive field)")
    reached = np.any([counts > 0 for counts in arrays.values()], axis=0)
    rows, cols = np.nonzero(reached)
    centre = ((rows.min() + rows.max()) / 2, (cols.min() + cols.max()) / 2)
    half = max(rows.max() - rows.min(), cols.max() - cols.min()) / 2 + margin
    shape = next(iter(arrays.values())).shape
    top, left = max(0, int(np.ceil(centre[0] - half))), max(0, int(np.ceil(centre[1] - half)))
    bottom = min(shape[0], int(np.floor(centre[0] + half)) + 1)
    right = min(shape[1], int(np.floor(centre[1] + half)) + 1)
    cmap = plt.get_cmap(COUNT_CMAP).with_extremes(under="white")
    fig, axes = plt.subplots(1, len(arrays), figsize=(4.7 * len(arrays), 4.4),
                             layout="constrained", squeeze=False)
    for ax, (title, counts) in zip(axes[0], arrays.items(), strict=True):
        field_rows, field_cols = (np.flatnonzero(counts.any(axis=a)) for a in (1, 0))
        height = field_rows.max() - field_rows.min() + 1
        width = field_cols.max() - field_cols.min() + 1
        crop = counts[top:bottom, left:right]
        image = ax.imshow(crop, cmap=cmap, vmin=1, vmax=max(crop.max(), 2),
                          interpolation="nearest")
        fig.colorbar(image, ax=ax, shrink=0.8, extend="min", label="paths to the output pixel")
        ax.set_xticks(np.arange(-0.5, crop.shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, crop.shape[0]), minor=True)
        ax.grid(which="minor", color="0.85", linewidth=0.5)
        ax.tick_params(which="minor", length=0)
        for axis, start, middle, size in ((ax.xaxis, left, centre[1], crop.shape[1]),
                                          (ax.yaxis, top, centre[0], crop.shape[0])):
            offsets = np.arange(size) + start - middle
            ticks = [i for i in range(size) if offsets[i] % 2 == 0]
            axis.set_ticks(ticks, labels=[f"{offsets[i]:g}" for i in ticks])
        ax.set(title=f"{title}\n{np.count_nonzero(counts)} of the {height * width} pixels in "
                     f"its {height}x{width} field",
               xlabel="column, from the centre", ylabel="row, from the centre")
    return Plot(fig, axes[0])


def show_group_reads(in_channels: int = 64, filters: int = 128, groups=(1, 4, 64),
                     kernel_size: int = 3) -> Plot:
    """Which input channels each filter of ``Conv2D(filters, kernel_size, groups=G)`` reads
    (grey), one panel per G: G diagonal blocks, each C_in / G channels by filters / G filters.
    Each title gives the layer's parameters (``conv_params``).

    Taught in lesson 07, section 4.

    >>> fig, axes = show_group_reads(8, 4, groups=(1, 2))
    >>> [ax.get_title() for ax in axes]
    ['groups=1: 292 parameters', 'groups=2: 148 parameters']
    """
    in_channels, filters = check_int(in_channels, "in_channels", 1), check_int(filters,
                                                                               "filters", 1)
    groups = [check_int(g, "groups", 1) for g in groups]
    for g in groups:
        if in_channels % g or filters % g:
            raise ValueError(f"groups={g} must divide both in_channels ({in_channels}) and "
                             f"filters ({filters}), as Keras requires")
    fig, axes = plt.subplots(1, len(groups), figsize=(3.2 * len(groups), 3.0),
                             layout="constrained", squeeze=False)
    for ax, g in zip(axes[0], groups, strict=True):
        reads = np.kron(np.eye(g), np.ones((in_channels // g, filters // g)))  # (C_in, filters)
        ax.imshow(reads, cmap="Greys", vmin=0, vmax=1.25, aspect="auto",
                  interpolation="nearest")
        ax.set(title=f"groups={g}: {conv_params(kernel_size, in_channels, filters, groups=g):,} "
                     "parameters", xlabel="filter (output channel)", ylabel="input channel")
    return Plot(fig, axes[0])


def show_channel_links(pair_weights: Mapping[str, Any]) -> Plot:
    """How many kernel weights link each input channel (row) to each output channel (column),
    one panel per layer or step (two columns of panels), with one colour per count and a
    legend; each title gives the panel's total. ``pair_weights`` maps a name to a
    (C_in, C_out) array of counts (e.g. 9 for a 3x3 kernel, 1 for a 1x1, 0 for no link).

    Taught in lesson 07, section 6 (a standard, a grouped and a separable layer's two steps).

    >>> fig, axes = show_channel_links({"1x1": np.ones((4, 8)), "3x3": np.full((4, 8), 9)})
    >>> [ax.get_title() for ax in axes]
    ['1x1: 32 weights', '3x3: 288 weights']
    """
    if not pair_weights:
        raise ValueError("pair_weights must map at least one name to a (C_in, C_out) array")
    arrays = {name: check_array(w, f"pair_weights[{name!r}]", (2,), "2-D (C_in, C_out)")
              for name, w in pair_weights.items()}
    counts = sorted({0, *np.unique(np.concatenate([a.ravel() for a in arrays.values()]))})
    if len(counts) > 4 or any(c < 0 or c != int(c) for c in counts):
        raise ValueError(f"the counts must be whole numbers >= 0, at most 4 distinct ones with "
                         f"0 (one colour each); got {counts}")
    colours = {1: ["white"], 2: ["white", "#08519c"], 3: ["white", "#9ecae1", "#08519c"],
               4: ["white", "#9ecae1", "#4292c6", "#08519c"]}[len(counts)]
    ncols = min(2, len(arrays))
    nrows = -(-len(arrays) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.8 * nrows),
                             layout="constrained", squeeze=False)
    for ax, (name, weights) in zip(axes.flat, arrays.items(), strict=False):
        band = np.searchsorted(counts, weights)
        ax.imshow(band, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(counts) - 0.5,
                  aspect="auto", interpolation="nearest")
        ax.set(title=f"{name}: {int(weights.sum()):,} weights", xlabel="output channel",
               ylabel="input channel")
    for ax in axes.flat[len(arrays):]:
        ax.axis("off")
    fig.legend(handles=[Rectangle((0, 0), 1, 1, facecolor=colour, edgecolor="grey",
                                  label=f"{count:g}")
                        for colour, count in zip(colours, counts, strict=True)],
               title="weights per\nchannel pair", loc="outside right center")
    fig.suptitle("kernel weights only (no biases)")
    return Plot(fig, axes.flat[:len(arrays)])


def show_slice_mosaics(slices: Mapping[str, Any], kernel_size: int = 3,
                       columns: int = 8) -> Plot:
    """One input channel's F x F slice of every filter, drawn as tiles in a grid (one panel per
    layer), each tile divided by its own largest |weight| so that only its pattern shows, on
    a red-blue scale centred on 0. A depthwise-separable layer's tiles are one pattern,
    scaled (a negative scale swaps the colours); a standard layer's are unrelated.

    Taught in lesson 07, section 6. ``slices`` maps a title to a (F * F, filters) array:
    column k is filter k's slice, ``kernel[:, :, c, k].ravel()`` for channel c.

    >>> pattern = np.arange(9.0) - 4
    >>> fig, axes = show_slice_mosaics({"one pattern": np.outer(pattern, [1, -2, 3, 1])},
    ...                                columns=2)
    >>> axes[0].images[0].get_array().shape        # 2x2 tiles of 3x3, one blank line between
    (7, 7)
    """
    f = check_int(kernel_size, "kernel_size", 1)
    columns = check_int(columns, "columns", 1)
    if not slices:
        raise ValueError("slices must map at least one title to a (F * F, filters) array")
    fig, axes = plt.subplots(1, len(slices), figsize=(4.2 * len(slices), 4.4),
                             layout="constrained", squeeze=False)
    for ax, (title, weights) in zip(axes[0], slices.items(), strict=True):
        weights = check_array(weights, f"slices[{title!r}]", (2,), "2-D (F * F, filters)")
        if weights.shape[0] != f * f:
            raise ValueError(f"slices[{title!r}] has {weights.shape[0]} rows; each column must "
                             f"be one filter's {f}x{f} slice, {f * f} numbers")
        rows = -(-weights.shape[1] // columns)
        grid = np.full((rows * (f + 1) - 1, min(columns, weights.shape[1]) * (f + 1) - 1),
                       np.nan)
        for k in range(weights.shape[1]):
            row, col = divmod(k, columns)
            tile = weights[:, k].reshape(f, f)
            largest = np.abs(tile).max()
            grid[row * (f + 1):row * (f + 1) + f, col * (f + 1):col * (f + 1) + f] = (
                tile / largest if largest else tile)
        ax.imshow(grid, cmap="RdBu_r", vmin=-1, vmax=1)
        ax.set(title=title, xticks=[], yticks=[],
               xlabel=f"one channel's {f}x{f} slice of each filter,\nscaled to its own largest "
                      "|weight|")
    return Plot(fig, axes[0])


# --- Lesson 04 only: the figures of sections 5, 7, 9 and 10 ---------------------------------

def show_stamp(x, kernel, output, source) -> Plot:
    """Lesson 04, section 5: the input, the kernel, the stamp of input ``source`` = (row, col)
    alone (x[source] times the kernel, at rows row to row + F, columns col to col + F, stride 1)
    and the output of all stamps added, on one colour scale.

    >>> fig, axes = show_stamp(np.ones((2, 2)), np.eye(2), np.ones((3, 3)), (0, 1))
    >>> axes[2].images[0].get_array()[0:2, 1:3].tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    x, kernel, output = _matrix(x, "x"), _matrix(kernel, "kernel"), _matrix(output, "output")
    row, col = source
    f = kernel.shape[0]
    alone = np.zeros_like(output, dtype=float)
    alone[row:row + f, col:col + f] = x[row, col] * kernel
    fig, axes = plt.subplots(1, 4, figsize=(11, 2.9), layout="constrained",
                             gridspec_kw={"width_ratios": [x.shape[1], f] + [output.shape[1]] * 2})
    scale = {"vmin": 0, "vmax": output.max()}
    show_matrix(x, ax=axes[0], title=f"input {x.shape[0]}x{x.shape[1]}",
                highlight=(row, col, 1, 1), **scale)
    show_matrix(kernel, ax=axes[1], title=f"kernel {f}x{f}", **scale)
    show_matrix(alone, ax=axes[2], title=f"the stamp of input ({row}, {col}): "
                f"{x[row, col]:g} x kernel", highlight=(row, col, f, f), **scale)
    show_matrix(output, ax=axes[3], title=f"output: all {x.size} stamps added",
                highlight=(row, col, f, f), **scale)
    fig.colorbar(axes[3].images[0], ax=axes[3], label="value (one scale)")
    return Plot(fig, axes)


def flipped_window_inputs(padded, kernel, pixel, stride):
    """Lesson 04, section 7: which input value each non-zero entry of output ``pixel``'s window
    holds, and which kernel entry its stamp adds there. ``padded``: the input spread out by
    ``stride`` (S - 1 zeros between values) with F - 1 zeros around (no crop). Returns
    [((r, c), (input row, input column), (kernel row, kernel column))], the kernel entry always
    (F - 1 - r, F - 1 - c): the flip.

    >>> spread = np.pad(np.array([[1.0, 0, 2], [0, 0, 0], [3, 0, 4]]), 2)   # 2x2 input, S = 2
    >>> flipped_window_inputs(spread, np.ones((3, 3)), (2, 1), 2)
    [((0, 1), (0, 0), (2, 1)), ((2, 1), (1, 0), (0, 1))]
    """
    padded, kernel = _matrix(padded, "padded"), _matrix(kernel, "kernel")
    i, j = pixel
    f = kernel.shape[0]
    window = padded[i:i + f, j:j + f]
    found = []
    for r, c in zip(*np.nonzero(window), strict=True):
        row_in, col_in = (i + r - (f - 1)) // stride, (j + c - (f - 1)) // stride
        found.append(((int(r), int(c)), (int(row_in), int(col_in)),
                      (int(i - stride * row_in), int(j - stride * col_in))))
    return found


def show_flipped_window(padded, kernel, output, pixel, title: str) -> Plot:
    """Lesson 04, section 7: the spread-out, padded input with output ``pixel``'s window
    outlined, the kernel rotated 180 degrees, and the output with ``pixel`` outlined (its
    ``title``), on one colour scale.

    >>> fig, axes = show_flipped_window(np.eye(4), np.arange(4).reshape(2, 2), np.ones((3, 3)),
    ...                                 (0, 1), "output")
    >>> axes[1].images[0].get_array().tolist()            # the kernel, flipped
    [[3, 2], [1, 0]]
    """
    padded, kernel, output = (_matrix(padded, "padded"), _matrix(kernel, "kernel"),
                              _matrix(output, "output"))
    i, j = pixel
    f = kernel.shape[0]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.8), layout="constrained",
                             gridspec_kw={"width_ratios": [padded.shape[1], f, output.shape[1]]})
    scale = {"vmin": 0, "vmax": max(output.max(), kernel.max())}
    show_matrix(padded, ax=axes[0], title=f"input: S - 1 zeros between values,\nF - 1 = {f - 1}"
                " zeros around", highlight=(i, j, f, f), **scale)
    show_matrix(kernel[::-1, ::-1], ax=axes[1], title="kernel flipped", **scale)
    show_matrix(output, ax=axes[2], title=title, highlight=(i, j, 1, 1), **scale)
    fig.colorbar(axes[2].images[0], ax=axes, label="value (one scale)")
    return Plot(fig, axes)


def show_stamp_counts(counts: Mapping) -> Plot:
    """Lesson 04, section 9: maps of how many stamps cover each output pixel (title -> 2-D
    integer map), side by side on one colour scale from 0 to the largest count.

    >>> fig, axes = show_stamp_counts({"a": np.ones((3, 3)), "b": 2 * np.ones((4, 4))})
    >>> [ax.images[0].get_clim() for ax in axes]
    [(0.0, 2.0), (0.0, 2.0)]
    """
    maps = {title: _matrix(values, f"counts[{title!r}]") for title, values in counts.items()}
    largest = int(max(values.max() for values in maps.values()))
    fig, axes = plt.subplots(1, len(maps), figsize=(4 * len(maps), 3.7), layout="constrained",
                             squeeze=False)
    for ax, (title, values) in zip(axes[0], maps.items(), strict=True):
        show_matrix(values, ax=ax, title=title, cmap="cividis", vmin=0, vmax=largest,
                    xlabel="output column", ylabel="output row")
    fig.colorbar(axes[0][0].images[0], ax=axes[0], label="stamps covering the pixel (one scale)",
                 ticks=range(largest + 1))
    return Plot(fig, axes[0])


def show_flat_probes(probes: Mapping) -> Plot:
    """Lesson 04, sections 10 and Going further: each model's output for flat gray (title ->
    2-D probe) as value / its mean - 1, on one symmetric scale (white is flat); with more than
    one probe, row 4 of each as a line in a last panel.

    >>> fig, axes = show_flat_probes({"flat": np.ones((4, 4))})
    >>> float(np.abs(axes[0].images[0].get_array()).max())
    0.0
    """
    deviations = {title: _matrix(probe, f"probes[{title!r}]") / np.mean(probe) - 1
                  for title, probe in probes.items()}
    reach = max(max(np.abs(d).max() for d in deviations.values()), 1e-6)
    lines = len(deviations) > 1
    widths = [1] * len(deviations) + ([1.3] if lines else [])
    fig, axes = plt.subplots(1, len(widths), figsize=(4.2 + 3.4 * (len(widths) - 1), 3.8),
                             layout="constrained", squeeze=False,
                             gridspec_kw={"width_ratios": widths})
    axes = axes[0]
    for ax, (title, deviation) in zip(axes, deviations.items(), strict=False):
        show_matrix(deviation, ax=ax, title=title, show_values=False, cmap="RdBu_r",
                    vmin=-reach, vmax=reach, xlabel="output column", ylabel="output row")
        if lines:
            axes[-1].plot(deviation[4], marker="o", label=title.replace("\n", " "))
    fig.colorbar(axes[0].images[0], ax=axes[:len(deviations)],
                 label="value / its mean - 1 (one scale)")
    if lines:
        axes[-1].axhline(0, color="gray", linewidth=0.5)
        axes[-1].set(title="row 4 of each probe", xlabel="column", ylabel="value / its mean - 1")
        axes[-1].legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    return Plot(fig, axes)


def show_patch_rows(x, f: int) -> Plot:
    """Lesson 04, section 4: im2col on a one-channel map. Left, the map with each F x F window
    (stride 1, no padding) outlined in its own colour; right, the patch matrix, each window's
    values as one row, outlined in the same colour. Plain cells, the numbers alone.

    >>> fig, axes = show_patch_rows(np.arange(1, 10).reshape(3, 3), 2)
    >>> axes[1].images[0].get_array().tolist()[1]      # the second window, (0, 1), as a row
    [2.0, 3.0, 5.0, 6.0]
    >>> [patch.get_edgecolor() == patches.get_edgecolor() for patch, patches
    ...  in zip(axes[0].patches, axes[1].patches, strict=True)]
    [True, True, True, True]
    """
    x = _matrix(x, "x")
    f = check_int(f, "f", 1)
    out_rows, out_cols = x.shape[0] - f + 1, x.shape[1] - f + 1
    windows = [(r, c) for r in range(out_rows) for c in range(out_cols)]
    rows = np.array([x[r:r + f, c:c + f].ravel() for r, c in windows], dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(2.4 + 0.75 * (x.shape[1] + rows.shape[1]),
                                            0.9 + 0.62 * len(windows)),
                             layout="constrained",
                             gridspec_kw={"width_ratios": [x.shape[1], rows.shape[1]]})
    show_matrix(x, ax=axes[0], title=f"{x.shape[0]}x{x.shape[1]} map, F = {f}: "
                f"{len(windows)} windows", cmap=None)
    show_matrix(rows, ax=axes[1], title="patch matrix, one window per row", cmap=None,
                xlabel="value in the window (reading order)", ylabel="window (top-left corner)")
    colors = [LINE_COLORS[k % len(LINE_COLORS)] for k in range(len(windows))]
    styles = ["-", "--", "-.", ":"]
    for k, ((r, c), color) in enumerate(zip(windows, colors, strict=True)):
        style = styles[k % len(styles)]       # the line style tells the windows apart too
        shrink = 0.06 + 0.06 * k               # nested outlines, inside the panel's edge
        axes[0].add_patch(Rectangle((c - 0.5 + shrink, r - 0.5 + shrink), f - 2 * shrink,
                                    f - 2 * shrink, fill=False, edgecolor=color, linewidth=2.2,
                                    linestyle=style, path_effects=HIGHLIGHT_HALO))
        axes[1].add_patch(Rectangle((-0.5 + 0.06, k - 0.5 + 0.06), rows.shape[1] - 0.12, 0.88,
                                    fill=False, edgecolor=color, linewidth=2.2, linestyle=style,
                                    path_effects=HIGHLIGHT_HALO))
    axes[1].set_yticks(range(len(windows)), [f"({r}, {c})" for r, c in windows])
    return Plot(fig, axes)
