"""Animated GIFs of a kernel at work, and the one call a lesson uses to show them.

The GIFs ship inside the package (``course_utils/figures/``), so :func:`show_gif` shows them
offline in JupyterLab, on Colab (where the setup cell installs the package) and, through the
stored output, on GitHub. ``make gifs`` runs ``python -m course_utils.animations`` and
rewrites:

* ``conv_stride_padding.gif``: a 3x3 kernel sliding over a 5x5 input with padding 1 and
  stride 2 (output 3x3), one frame per output cell, the sum of each window landing in the
  feature map;
* ``transposed_conv.gif``: a 2x2 input, 3x3 kernel, stride 2 transposed convolution (output
  5x5): each input value scales the kernel, and the scaled copy is added into the output.

Frames are drawn with matplotlib (Agg) and written with Pillow, both already course
dependencies; the same inputs give the same frames. The numbers come from the course's
reference operations (:func:`course_utils.ops.conv2d`, :func:`course_utils.ops.conv2d_transpose`),
the tests compare them with TensorFlow.
"""

from __future__ import annotations

import importlib.resources
import sys
from pathlib import Path

import numpy as np
from IPython.display import Image as DisplayImage
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from .data import CONV_EXAMPLE_X, LESSON01_KERNEL, TRANSPOSED_EXAMPLE_KERNEL, TRANSPOSED_EXAMPLE_X
from .ops import conv2d, conv2d_transpose
from .validation import check_array, check_choice, check_int

__all__ = [
    "CONV_GIF",
    "TRANSPOSED_GIF",
    "FIGURES_FOLDER",
    "show_gif",
    "convolution_steps",
    "transposed_convolution_steps",
    "animate_convolution",
    "animate_transposed_convolution",
    "make_gifs",
]

CONV_GIF = "conv_stride_padding.gif"
TRANSPOSED_GIF = "transposed_conv.gif"
MAX_GIF_BYTES = 300_000
#: Where the GIFs live: inside the package, so ``pip install`` (Colab) carries them.
FIGURES_FOLDER = Path(str(importlib.resources.files(__package__) / "figures"))

_DPI = 90  # as the lessons' figures: 7-point text is 9 pixels
_STEP_MS = 900
_LAST_MS = 2500
_PAD_COLOR = "#E5E5E5"  # padding cells: light grey, and a dashed outline around the input
_INPUT_COLOR = "white"
_WINDOW_COLOR = "#E69F00"  # Okabe-Ito orange, with a thick outline: not colour alone
_DONE_COLOR = "#CFE3F2"  # computed output cells, light blue
_NEW_COLOR = "#56B4E9"  # the cell (or block) changed in this frame, sky blue


def show_gif(name: str) -> DisplayImage:
    """Show one of the course's GIFs in a notebook cell: ``show_gif(CONV_GIF)``.

    ``name`` is :data:`CONV_GIF` (lesson 01, section 7) or :data:`TRANSPOSED_GIF` (lesson 04,
    section 6). The GIF is read from the installed package, so it shows offline too, and the
    cell's stored output carries it for GitHub's and Colab's static views.

    >>> show_gif(CONV_GIF).format
    'gif'
    """
    name = check_choice(name, "name", (CONV_GIF, TRANSPOSED_GIF))
    return DisplayImage(data=(FIGURES_FOLDER / name).read_bytes(), format="gif")


# ---------------------------------------------------------------------------------------------
# The steps (what each frame shows), separate from the drawing so tests can check them
# ---------------------------------------------------------------------------------------------


def convolution_steps(x, kernel, stride: int = 2, padding: int = 1) -> list[dict]:
    """The frames of a sliding-window convolution, in the order the window visits.

    The frames of lesson 01, section 7's GIF.

    x: (N, N) input; kernel: (F, F); stride S; padding P zeros on every side. Each step is a
    dict: ``row``, ``col`` (output cell), ``top``, ``left`` (window corner in the padded
    input), ``value`` (that output cell) and ``feature_map`` (NaN where not computed yet).

    >>> steps = convolution_steps(CONV_EXAMPLE_X, [[2, 0, 1], [0, 1, 2], [1, 0, 2]])
    >>> len(steps), (steps[1]["top"], steps[1]["left"]), steps[-1]["feature_map"].shape
    (9, (0, 2), (3, 3))
    """
    x = check_array(x, "x", (2,), "2-D (H, W)")
    kernel = check_array(kernel, "kernel", (2,), "2-D (F_h, F_w)")
    stride = check_int(stride, "stride", 1)
    padding = check_int(padding, "padding", 0)
    feature_map = conv2d(x, kernel, stride=stride, padding=padding)
    padded = np.pad(x.astype(float), padding)
    f_h, f_w = kernel.shape
    partial = np.full(feature_map.shape, np.nan)
    steps = []
    for row in range(feature_map.shape[0]):
        for col in range(feature_map.shape[1]):
            top, left = row * stride, col * stride
            # the frame shows this window: its sum of products must be the value it shows
            window_sum = float(np.sum(padded[top:top + f_h, left:left + f_w] * kernel))
            if not np.isclose(window_sum, feature_map[row, col]):
                raise AssertionError(f"conv2d gives {feature_map[row, col]} at ({row}, {col}) "
                                     f"but the window's products sum to {window_sum}")
            partial[row, col] = feature_map[row, col]
            steps.append({"row": row, "col": col, "top": top, "left": left,
                          "value": float(feature_map[row, col]),
                          "feature_map": partial.copy()})
    return steps


def transposed_convolution_steps(x, kernel, stride: int = 2) -> list[dict]:
    """The frames of a transposed convolution as scatter-add ("valid", no output padding).

    The frames of lesson 04, section 6's GIF.

    x: (H, W) input; kernel: (F, F). Step 0 is the empty output; then one step per input
    value, in row order: ``row``, ``col`` (input cell), ``top``, ``left`` (where its scaled
    kernel goes), ``scaled`` (value * kernel) and ``output`` (the sum so far). The last
    output equals :func:`course_utils.ops.conv2d_transpose`.

    >>> steps = transposed_convolution_steps(TRANSPOSED_EXAMPLE_X, TRANSPOSED_EXAMPLE_KERNEL)
    >>> len(steps), steps[-1]["output"].shape, (steps[2]["top"], steps[2]["left"])
    (5, (5, 5), (0, 2))
    """
    x = check_array(x, "x", (2,), "2-D (H, W)")
    kernel = check_array(kernel, "kernel", (2,), "2-D (F_h, F_w)")
    stride = check_int(stride, "stride", 1)
    f_h, f_w = kernel.shape
    final = conv2d_transpose(x, kernel, stride=stride)
    output = np.zeros(final.shape)
    steps = [{"row": None, "col": None, "top": None, "left": None, "scaled": None,
              "output": output.copy()}]
    for row in range(x.shape[0]):
        for col in range(x.shape[1]):
            top, left = row * stride, col * stride
            scaled = float(x[row, col]) * kernel
            output[top:top + f_h, left:left + f_w] += scaled
            steps.append({"row": row, "col": col, "top": top, "left": left, "scaled": scaled,
                          "output": output.copy()})
    if not np.allclose(output, final):  # the drawing must show what the operation computes
        raise AssertionError("scatter-add frames disagree with conv2d_transpose")
    return steps


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _grid(ax, values, colors, title, xlabel="column", ylabel="row"):
    """Cells as coloured squares with their numbers; NaN cells stay empty."""
    rows, cols = values.shape
    for (i, j), value in np.ndenumerate(values):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=colors[i][j],
                               edgecolor="0.6", linewidth=0.8))
        if np.isfinite(value):
            ax.text(j, i, _text(value), ha="center", va="center", fontsize=10)
    ax.set_xlim(-0.6, cols - 0.4)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.tick_params(length=0, labelsize=7)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)


def _outline(ax, top, left, height, width, color=_WINDOW_COLOR, style="-", fill=False):
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=fill,
                           facecolor=color if fill else "none", alpha=0.35 if fill else 1.0,
                           edgecolor=color, linewidth=3 if not fill else 0, linestyle=style))


def _frame_image(fig):
    """The figure as a palette image (GIF frame), rendered at a fixed size."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[:, :, :3])
    return rgb.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def _save_gif(frames, durations, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0, optimize=False, disposal=1)
    size = path.stat().st_size
    if size > MAX_GIF_BYTES:
        raise RuntimeError(f"{path.name} is {size:,} bytes; the limit is {MAX_GIF_BYTES:,}")
    return path


def _new_figure(width, height, ncols, ratios):
    fig = Figure(figsize=(width, height), dpi=_DPI, facecolor="white")
    axes = fig.subplots(1, ncols, gridspec_kw={"width_ratios": ratios})
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.14, top=0.78, wspace=0.35)
    return fig, axes


def animate_convolution(path, x=CONV_EXAMPLE_X, kernel=LESSON01_KERNEL,
                        stride: int = 2, padding: int = 1) -> Path:
    """Write a GIF of ``kernel`` sliding over ``x`` with ``stride`` and ``padding``.

    Draws lesson 01, section 7's GIF (``make gifs``).

    One frame per output cell: the padded input (padding cells grey, the original input
    inside a dashed outline) with the window outlined in orange, the kernel, and the feature
    map filled so far. Returns the path written.
    """
    x = check_array(x, "x", (2,), "2-D (H, W)")
    kernel = check_array(kernel, "kernel", (2,), "2-D (F_h, F_w)")
    steps = convolution_steps(x, kernel, stride, padding)
    n, f = x.shape[0], kernel.shape[0]
    padded = np.pad(x.astype(float), padding)
    size = padded.shape[0]
    pad_colors = [[_INPUT_COLOR if padding <= i < size - padding and padding <= j < size - padding
                   else _PAD_COLOR for j in range(size)] for i in range(size)]
    o = steps[-1]["feature_map"].shape[0]
    frames = []
    for step in steps:
        fig, axes = _new_figure(7.6, 3.3, 3, [size, kernel.shape[0], o])
        _grid(axes[0], padded, pad_colors, f"input {n}x{n}, padding P = {padding}")
        if padding:
            _outline(axes[0], padding, padding, n, n, color="0.35", style="--")
        _outline(axes[0], step["top"], step["left"], f, f, fill=True)
        _outline(axes[0], step["top"], step["left"], f, f)
        _grid(axes[1], kernel, [[_INPUT_COLOR] * kernel.shape[1]] * kernel.shape[0],
              f"kernel {f}x{f}")
        done = step["feature_map"]
        colors = [[_NEW_COLOR if (i, j) == (step["row"], step["col"]) else
                   _DONE_COLOR if np.isfinite(done[i, j]) else _INPUT_COLOR
                   for j in range(o)] for i in range(o)]
        _grid(axes[2], done, colors, f"feature map {o}x{o}")
        fig.suptitle(
            f"Stride S = {stride}: the window moves {stride} cells. "
            f"O = (N - F + 2P) // S + 1 = ({n} - {f} + {2 * padding}) // {stride} + 1 = {o}\n"
            f"window at row {step['top']}, column {step['left']}: sum of products = "
            f"{_text(step['value'])} -> output ({step['row']}, {step['col']})",
            fontsize=9)
        frames.append(_frame_image(fig))
    durations = [_STEP_MS] * (len(frames) - 1) + [_LAST_MS]
    return _save_gif(frames, durations, path)


def animate_transposed_convolution(path, x=TRANSPOSED_EXAMPLE_X,
                                   kernel=TRANSPOSED_EXAMPLE_KERNEL, stride: int = 2) -> Path:
    """Write a GIF of a transposed convolution as scatter-add.

    Draws lesson 04, section 6's GIF (``make gifs``).

    Frame 0: the empty output. Then, for each input value: the value outlined, the kernel
    scaled by it, and the output with the block where the scaled kernel is added outlined;
    where blocks overlap, the values add up. Returns the path written.
    """
    x = check_array(x, "x", (2,), "2-D (H, W)")
    kernel = check_array(kernel, "kernel", (2,), "2-D (F_h, F_w)")
    steps = transposed_convolution_steps(x, kernel, stride)
    f = kernel.shape[0]
    o = steps[-1]["output"].shape[0]
    frames = []
    for index, step in enumerate(steps):
        fig, axes = _new_figure(7.6, 3.3, 3, [x.shape[1], f, o])
        in_colors = [[_NEW_COLOR if (i, j) == (step["row"], step["col"]) else _INPUT_COLOR
                      for j in range(x.shape[1])] for i in range(x.shape[0])]
        _grid(axes[0], x.astype(float), in_colors, f"input {x.shape[0]}x{x.shape[1]}")
        if step["row"] is None:
            shown, kernel_title = kernel.astype(float), f"kernel {f}x{f}"
            caption = (f"Transposed convolution, stride S = {stride}: "
                       f"O = (N - 1) * S + F = ({x.shape[0]} - 1) * {stride} + {f} = {o}\n"
                       "each input value scales the kernel; the copies are added into the "
                       "output")
        else:
            value = _text(x[step["row"], step["col"]])
            shown, kernel_title = step["scaled"], f"{value} x kernel"
            caption = (f"input ({step['row']}, {step['col']}) = {value}: add {value} x kernel "
                       f"at output row {step['top']}, column {step['left']} "
                       f"(S x position)\noverlapping copies add up")
        _grid(axes[1], shown, [[_INPUT_COLOR] * f] * f, kernel_title)
        out_colors = [[_INPUT_COLOR] * o for _ in range(o)]
        if step["row"] is not None:
            for i in range(step["top"], step["top"] + f):
                for j in range(step["left"], step["left"] + f):
                    out_colors[i][j] = _DONE_COLOR
        output = step["output"].copy()
        if index == 0:
            output[:] = np.nan
        _grid(axes[2], output, out_colors, f"output {o}x{o}")
        if step["row"] is not None:
            _outline(axes[2], step["top"], step["left"], f, f)
        fig.suptitle(caption, fontsize=9)
        frames.append(_frame_image(fig))
    durations = [_STEP_MS * 2] + [_STEP_MS * 2] * (len(frames) - 2) + [_LAST_MS]
    return _save_gif(frames, durations, path)


def make_gifs(folder=None) -> list[Path]:
    """Write both GIFs into ``folder`` (default: the package's figures folder, which
    ``make gifs`` rewrites).

    Lessons 01 and 04 show what it writes.
    """
    folder = FIGURES_FOLDER if folder is None else Path(folder)
    return [animate_convolution(folder / CONV_GIF),
            animate_transposed_convolution(folder / TRANSPOSED_GIF)]


def main(argv: list[str]) -> None:
    if len(argv) > 2:
        raise SystemExit("usage: python -m course_utils.animations [OUTPUT_FOLDER]")
    for path in make_gifs(argv[1] if len(argv) == 2 else None):
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv)
