"""course_utils.plots: each helper draws what it claims, labelled, small, colour-blind safe.

The figures are inspected, not looked at: titles, axis labels, the numbers written in cells,
the image data behind each panel, colour maps, and the size of the rendered PNG. Numbers that
come from a convolution are checked against TensorFlow.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from course_utils.arithmetic import receptive_field, usage_counts
from course_utils.data import DIGIT_FOUR, LESSON01_KERNEL, LESSON01_X, LINE_KERNELS
from course_utils.plots import (
    PAD_GREY,
    WRONG_COLOR,
    Plot,
    plot_history,
    show_compute_graph,
    show_conv_layer_step,
    show_conv_step,
    show_conv_volumes,
    show_digits,
    show_feature_maps,
    show_kernels,
    show_maps_on_image,
    show_maps_on_input,
    show_matrix,
    show_padded_windows,
    show_pooled_maps,
    show_receptive_field_1d,
    show_rgb_channels,
    show_shift_test,
    show_usage_counts,
)

COLOUR_BLIND_SAFE = {"viridis", "cividis", "PuOr", "gray", "gray_r"}
MAX_PNG_BYTES = 60_000  # twenty figures stay far below a notebook's 1 MB


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def tf_conv(x, kernel, stride=1, padding=0):
    import tensorflow as tf

    x4 = tf.constant(np.asarray(x, np.float32)[None, :, :, None])
    k4 = tf.constant(np.asarray(kernel, np.float32)[:, :, None, None])
    pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
    return tf.nn.conv2d(x4, k4, strides=stride, padding=pads).numpy()[0, :, :, 0]


def cell_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def png_size(fig) -> int:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    return len(buffer.getvalue())


def rectangles(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


# --- show_matrix -------------------------------------------------------------------------------


def test_show_matrix_writes_each_number_in_its_cell():
    fig, ax = show_matrix(LESSON01_X, title="input X")
    assert ax.get_title() == "input X"
    assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row"
    assert cell_texts(ax) == [str(v) for v in LESSON01_X.flat]
    positions = [t.get_position() for t in ax.texts]
    assert positions[1] == (1, 0) and positions[4] == (0, 1)  # (x=column, y=row)
    np.testing.assert_array_equal(ax.images[0].get_array(), LESSON01_X)
    assert ax.images[0].get_cmap().name in COLOUR_BLIND_SAFE
    assert fig.get_size_inches()[0] <= 4.5 and png_size(fig) < MAX_PNG_BYTES


def test_show_matrix_text_contrasts_with_cell_colour():
    fig, ax = show_matrix([[0, 9]])
    low, high = ax.texts
    assert low.get_color() == "white"  # dark purple cell in viridis
    assert high.get_color() == "black"  # bright yellow cell


def test_show_matrix_plain_cells_leave_only_the_window_marked():
    """cmap=None (lesson 01's windows): every cell white, numbers black, the window shaded."""
    _, ax = show_matrix(LESSON01_X, cmap=None, highlight=(0, 1, 3, 3))
    colours = {tuple(ax.images[0].cmap(ax.images[0].norm(v))) for v in LESSON01_X.flat}
    assert colours == {(1.0, 1.0, 1.0, 1.0)}
    assert {t.get_color() for t in ax.texts} == {"black"}
    (window,) = rectangles(ax)
    assert window.get_fill() and window.get_facecolor()[3] < 0.5


def test_show_matrix_formats_floats_and_skips_numbers_on_big_arrays():
    _, ax = show_matrix([[0.5, -1.25], [2.0, 0.333]])
    assert cell_texts(ax) == ["0.5", "-1.25", "2", "0.33"]
    _, ax = show_matrix(np.zeros((28, 28)))
    assert len(ax.texts) == 0
    _, ax = show_matrix(np.zeros((28, 28)), show_values=True)
    assert len(ax.texts) == 28 * 28


def test_show_matrix_highlight_and_existing_axes():
    fig, axes = plt.subplots(1, 2)
    plot = show_matrix(LESSON01_X, ax=axes[1], highlight=(1, 0, 3, 3), colorbar="value")
    assert isinstance(plot, Plot) and plot.fig is fig and plot.axes is axes[1]
    (rect,) = rectangles(axes[1])
    assert rect.get_xy() == (-0.5, 0.5) and rect.get_width() == 3 and rect.get_height() == 3
    assert fig.axes[-1].get_ylabel() == "value"  # the colour bar


def test_show_matrix_highlights_several_blocks():
    """Lesson 06, section 3: the unread row 5 and column 5 of a 6x6 input, both outlined."""
    fig, ax = plt.subplots()
    show_matrix(np.zeros((6, 6)), ax=ax, highlight=[(5, 0, 1, 6), (0, 5, 6, 1)])
    row, column = rectangles(ax)
    assert (row.get_xy(), row.get_width(), row.get_height()) == ((-0.5, 4.5), 6, 1)
    assert (column.get_xy(), column.get_width(), column.get_height()) == ((4.5, -0.5), 1, 6)


def test_show_matrix_returns_a_pair_that_prints_nothing_in_notebooks():
    plot = show_matrix(LESSON01_X)
    fig, ax = plot
    assert plot._ipython_display_() is None and fig is plot.fig and ax is plot.axes


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (np.zeros((4, 4, 3)), ValueError, "Pick one channel"),
        (np.zeros(4), ValueError, "2-D"),
        ([["a", "b"]], TypeError, "real numbers"),
        (np.zeros((0, 3)), ValueError, "empty"),
    ],
)
def test_show_matrix_rejects_bad_input(bad, error, words):
    with pytest.raises(error, match=words):
        show_matrix(bad)


# --- show_conv_step ----------------------------------------------------------------------------


def test_show_conv_step_lesson01():
    fig, axes = show_conv_step(LESSON01_X, LESSON01_KERNEL, row=1, col=0)
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes] == [
        "input, window at (1, 0)", "kernel", "products: sum = 6", "feature map"]
    # the window outline sits on rows 1-3, columns 0-2 of the input
    (window,) = rectangles(axes[0])
    assert window.get_xy() == (-0.5, 0.5) and (window.get_width(), window.get_height()) == (3, 3)
    np.testing.assert_array_equal(axes[1].images[0].get_array(), LESSON01_KERNEL)
    np.testing.assert_array_equal(axes[2].images[0].get_array(),
                                  LESSON01_X[1:4, 0:3] * LESSON01_KERNEL)
    # the feature map is filled up to this step (raster order), blank after it
    expected = tf_conv(LESSON01_X, LESSON01_KERNEL)
    shown = np.ma.filled(axes[3].images[0].get_array(), np.nan)
    np.testing.assert_array_equal(shown[0], expected[0])
    assert shown[1, 0] == expected[1, 0] and np.isnan(shown[1, 1])
    assert cell_texts(axes[3]) == ["15", "16", "6"]
    (here,) = rectangles(axes[3])
    assert here.get_xy() == (-0.5, 0.5) and here.get_width() == 1
    for ax in axes:
        assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row"
    assert png_size(fig) < MAX_PNG_BYTES


def test_show_conv_step_with_stride_padding_and_bias():
    x = np.arange(25).reshape(5, 5)
    fig, axes = show_conv_step(x, LESSON01_KERNEL, row=2, col=2, stride=2, padding=1, bias=1)
    expected = tf_conv(x, LESSON01_KERNEL, stride=2, padding=1) + 1
    shown = axes[3].images[0].get_array()
    np.testing.assert_array_equal(shown, expected)  # last step: everything filled
    assert axes[0].images[0].get_array().shape == (7, 7)  # padded input
    assert axes[0].get_title() == "input with padding 1,\nwindow at (4, 4)"
    window = rectangles(axes[0])[-1]
    assert window.get_xy() == (3.5, 3.5)
    products_sum = int(expected[2, 2] - 1)
    assert axes[2].get_title() == f"products: sum = {products_sum} + bias 1"
    assert "stride 2, padding 1" in fig._suptitle.get_text()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"row": 2, "col": 0}, r"row 0\.\.1, col 0\.\.1; got \(2, 0\)"),
        ({"row": 0, "col": 0, "stride": 0}, "stride must be an int >= 1"),
        ({"row": 0, "col": 0, "padding": -1}, "padding must be an int >= 0"),
        ({"row": 0, "col": 0, "padding": "same"}, "padding must be an int"),
    ],
)
def test_show_conv_step_rejects_bad_positions(kwargs, words):
    with pytest.raises((ValueError, TypeError), match=words):
        show_conv_step(LESSON01_X, LESSON01_KERNEL, **kwargs)


# --- show_conv_layer_step ----------------------------------------------------------------------


def _cs231n_demo():
    """CS231n's demo layer: a 5x5x3 input, two 3x3x3 filters, stride 2, padding 1."""
    rng = np.random.default_rng(7)
    return (rng.integers(0, 3, size=(5, 5, 3)), rng.integers(-1, 2, size=(3, 3, 3, 2)),
            np.array([1, 0]))


def test_show_conv_layer_step_draws_tensorflows_output_and_one_dot_product():
    import tensorflow as tf

    x, kernel, bias = _cs231n_demo()
    fig, axes = show_conv_layer_step(x, kernel, bias, row=1, col=2, filter_index=1, stride=2,
                                     padding=1)
    expected = tf.nn.conv2d(np.asarray(x, np.float32)[None], np.asarray(kernel, np.float32),
                            strides=2, padding=[[0, 0], [1, 1], [1, 1], [0, 0]])[0].numpy()
    expected = expected + bias
    assert len(axes["inputs"]) == len(axes["products"]) == 3     # one row per input channel
    assert axes["kernels"].shape == (3, 2) and len(axes["outputs"]) == 2   # one map per filter
    for j, ax in enumerate(axes["outputs"]):
        np.testing.assert_array_equal(ax.images[0].get_array(), expected[:, :, j])
        assert ax.get_title() == f"map {j} (filter {j})"
    # the output maps stand apart from the input channels' rows, in a subfigure of their own
    assert axes["outputs"][0].figure is not axes["inputs"][0].figure
    assert "every input channel" in axes["outputs"][0].figure.get_suptitle()
    (here,) = rectangles(axes["outputs"][1])          # the value outlined in map 1 only
    assert here.get_xy() == (1.5, 0.5) and not rectangles(axes["outputs"][0])
    assert here.get_width() == pytest.approx(0.88)    # its right side pulled inside the panel
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    sums = []
    for c in range(3):
        np.testing.assert_array_equal(axes["inputs"][c].images[0].get_array(), padded[:, :, c])
        window = rectangles(axes["inputs"][c])[-1]    # rows 2-4, columns 4-6 of the padding
        assert window.get_xy() == (3.5, 1.5) and window.get_height() == 3
        assert window.get_width() == pytest.approx(2.88)  # on the edge: kept inside the panel
        products = padded[2:5, 4:7, c] * kernel[:, :, c, 1]
        np.testing.assert_array_equal(axes["products"][c].images[0].get_array(), products)
        sums.append(int(products.sum()))
        assert axes["products"][c].get_title() == f"window x filter 1,\nsum {sums[-1]}"
        frame = [axes["kernels"][c, j].spines["left"].get_linewidth() for j in (0, 1)]
        assert frame[1] > frame[0]                    # the filter at work: a thick frame
        assert axes["kernels"][c, 0].get_title().endswith(f"kernel[:, :, {c}, 0]")
        # kernels and products share one colour scale
        assert axes["kernels"][c, 0].images[0].get_clim() == \
            axes["products"][c].images[0].get_clim()
    # each kernel column names its filter at the top (the one at work: used here) and its
    # bias at the bottom
    assert axes["kernels"][0, 1].get_title().splitlines()[0] == "filter 1 (used here)"
    assert axes["kernels"][0, 0].get_title().splitlines()[0] == "filter 0"
    assert [axes["kernels"][2, j].get_xlabel() for j in range(2)] == ["b = 1", "b = 0"]
    # an arrow from every channel's products into the total, and one from it to the map
    assert len(axes["sum"].texts) == 1 + 3 + 1
    text = axes["sum"].texts[0].get_text().splitlines()
    assert text[-1] == f"= {int(expected[1, 2, 1])}" == f"= {sum(sums) + bias[1]}"
    assert "2 filters make 2 output maps" in fig._suptitle.get_text()
    assert png_size(fig) < 1.5 * MAX_PNG_BYTES       # 14 panels, show_conv_step's 4 times 3.5


def test_show_conv_layer_step_names_the_input_rows_as_the_caller_does():
    x, kernel, bias = _cs231n_demo()
    fig, axes = show_conv_layer_step(x, kernel, bias, row=0, col=0, stride=2, padding=1,
                                     input_name="demo_x")
    assert [ax.get_title() for ax in axes["inputs"]] == [f"demo_x[:, :, {c}] padded"
                                                         for c in range(3)]
    plt.close(fig)


def test_show_conv_layer_step_draws_the_filters_in_order_whichever_is_at_work():
    x, kernel, bias = _cs231n_demo()
    for k in (0, 1):
        fig, axes = show_conv_layer_step(x, kernel, bias, row=1, col=2, filter_index=k,
                                         stride=2, padding=1)
        fig.canvas.draw()
        for c in range(3):
            left = {j: axes["kernels"][c, j].get_position().x0 for j in (0, 1)}
            assert left[0] < left[1] < axes["products"][c].get_position().x0
            assert axes["products"][c].get_title().startswith(f"window x filter {k},")


def test_show_conv_layer_step_hides_the_values_to_predict_and_only_those():
    x, kernel, bias = _cs231n_demo()
    _, shown = show_conv_layer_step(x, kernel, bias, row=1, col=2, stride=2, padding=1)
    fig, axes = show_conv_layer_step(x, kernel, bias, row=1, col=2, stride=2, padding=1,
                                     hidden=[(0, 0, 1)])
    hidden_map = np.ma.filled(axes["outputs"][1].images[0].get_array(), np.nan)
    full_map = np.ma.filled(shown["outputs"][1].images[0].get_array(), np.nan)
    assert np.isnan(hidden_map[0, 0]) and not np.isnan(full_map).any()   # no colour under "?"
    np.testing.assert_array_equal(hidden_map.flat[1:], full_map.flat[1:])
    at = {text.get_position(): text.get_text() for text in axes["outputs"][1].texts}
    assert at[(0, 0)] == "?" and len(at) == 9                      # 8 numbers and the "?"
    # the other map, the colour scale and the computed value are those of the full figure
    np.testing.assert_array_equal(axes["outputs"][0].images[0].get_array(),
                                  shown["outputs"][0].images[0].get_array())
    assert axes["outputs"][1].images[0].get_clim() == shown["outputs"][1].images[0].get_clim()
    for wrong, words in [([(1, 2, 0)], "the value this figure computes"),
                         ([(3, 0, 1)], r"inside the 3x3x2 output"), ([(0, 0, 2)], "inside")]:
        with pytest.raises(ValueError, match=words):
            show_conv_layer_step(x, kernel, bias, row=1, col=2, stride=2, padding=1,
                                 hidden=wrong)


@pytest.mark.parametrize(
    ("args", "kwargs", "words"),
    [
        ((np.ones((5, 5, 2)), np.ones((3, 3, 3, 2)), [0, 0]), {}, "x has 2 channels"),
        ((np.ones((5, 5, 3)), np.ones((3, 3, 3, 2)), [0]), {},
         r"one value per filter: shape \(2,\)"),
        ((np.ones((5, 5, 3)), np.ones((3, 3, 3, 2)), [0, 0]), {"row": 3}, r"row 0\.\.2"),
        ((np.ones((5, 5, 3)), np.ones((3, 3, 3, 2)), [0, 0]), {"filter_index": 2},
         "filter_index must be one of the 2 filters"),
        ((np.ones((5, 5, 6)), np.ones((3, 3, 6, 2)), [0, 0]), {}, "up to 4 input channels"),
        ((np.ones((5, 5)), np.ones((3, 3, 1, 2)), [0, 0]), {}, r"x must be 3-D \(H, W, C_in\)"),
    ],
)
def test_show_conv_layer_step_rejects_bad_input(args, kwargs, words):
    kwargs = {"row": 0, "col": 0, "stride": 2, "padding": 1, **kwargs}
    with pytest.raises((ValueError, TypeError), match=words):
        show_conv_layer_step(*args, **kwargs)


# --- show_feature_maps -------------------------------------------------------------------------


def test_show_feature_maps_one_panel_per_channel():
    maps = np.stack([tf_conv(DIGIT_FOUR, k) for k in LINE_KERNELS.values()], axis=-1)
    fig, axes = show_feature_maps(maps, titles=list(LINE_KERNELS), suptitle="digit 4")
    assert axes.shape == (1, 4)
    assert [ax.get_title() for ax in axes.flat] == list(LINE_KERNELS)
    for c, ax in enumerate(axes.flat):
        np.testing.assert_array_equal(ax.images[0].get_array(), maps[:, :, c])
        assert ax.get_xlabel() == "column"
        # signed maps: diverging colours centred on zero
        low, high = ax.images[0].get_clim()
        assert ax.images[0].get_cmap().name == "PuOr" and low == -high
    assert axes[0, 0].get_ylabel() == "row"
    assert cell_texts(axes[0, 0])[:6] == ["1", "1", "0", "1", "1", "1"]
    assert fig._suptitle.get_text() == "digit 4"
    assert png_size(fig) < MAX_PNG_BYTES


def test_show_feature_maps_grid_list_and_batch():
    fig, axes = show_feature_maps([np.ones((3, 3))] * 5, ncols=3)
    assert axes.shape == (2, 3)
    assert not axes[1, 2].axison  # the unused sixth panel is hidden
    assert [ax.get_title() for ax in axes.flat[:5]] == [f"map {i}" for i in range(5)]
    assert axes[0, 0].images[0].get_cmap().name == "viridis"  # non-negative maps
    _, axes = show_feature_maps(np.zeros((1, 24, 24, 3)))
    assert axes.shape == (1, 3) and len(axes[0, 0].texts) == 0  # 24x24: no numbers
    fig, axes = show_feature_maps(np.zeros((4, 4, 40)), max_maps=6)
    assert axes.size == 6 and "(first 6 of 40)" in fig._suptitle.get_text()


@pytest.mark.parametrize(
    ("maps", "kwargs", "words"),
    [
        (np.zeros((2, 4, 4, 3)), {}, "batch of 2 images"),
        (np.zeros((4, 4, 3)), {"titles": ["a"]}, "titles has 1 entries for 3 maps"),
        ([], {}, "empty"),
        (np.zeros(5), {}, "channels-last"),
    ],
)
def test_show_feature_maps_rejects_bad_input(maps, kwargs, words):
    with pytest.raises(ValueError, match=words):
        show_feature_maps(maps, **kwargs)


# --- show_usage_counts -------------------------------------------------------------------------


def test_show_usage_counts_heat_map():
    counts = usage_counts((5, 5), 3, padding=1)
    fig, ax = show_usage_counts(counts)
    assert ax.get_title() == "times each pixel is used"
    assert ax.get_xlabel() == "input column" and ax.get_ylabel() == "input row"
    assert cell_texts(ax) == [str(v) for v in counts.flat]
    image = ax.images[0]
    assert image.get_cmap().name == "cividis" and image.get_clim() == (1, 9)
    assert tuple(image.get_cmap().get_under()[:3]) == (1.0, 1.0, 1.0)   # 0: white, below 1
    colorbar = fig.axes[-1]
    assert colorbar.get_ylabel() == "times used"
    assert colorbar._colorbar.extend == "min"                # the bar's white tip for 0
    ticks = colorbar.get_yticks()
    assert np.all(ticks == np.round(ticks))  # whole numbers only
    assert png_size(fig) < MAX_PNG_BYTES


def test_show_pooled_maps_one_scale_for_all_maps_and_each_peak_circled():
    """Lesson 03, section 5: one row per kernel (map, max pool, average pool) on the scale 0 to
    the largest feature-map value, and each panel's circle on its own np.argmax."""
    from course_utils.ops import conv2d, pool2d

    maps = {}
    for name, kernel in LINE_KERNELS.items():
        lines = np.maximum(conv2d(DIGIT_FOUR, kernel), 0)
        maps[name] = (lines, pool2d(lines, 2), pool2d(lines, 2, mode="average"))
    fig, axes = show_pooled_maps(DIGIT_FOUR, maps, label=4)
    assert len(axes) == 1 + 3 * len(maps)
    assert axes[0].get_title() == "digit 4 (8x8)"
    assert axes[1].get_title().endswith("lines (6x6)") and axes[2].get_title() == "max pool (3x3)"
    peak = max(three[0].max() for three in maps.values())
    for ax, values in zip(axes[1:], [m for three in maps.values() for m in three], strict=True):
        assert ax.images[0].get_clim() == (0, peak)
        row, col = np.unravel_index(np.argmax(values), values.shape)
        assert ax.lines[0].get_xydata().tolist() == [[col, row]]
    assert png_size(fig) < MAX_PNG_BYTES
    with pytest.raises(ValueError, match="three 2-D maps"):
        show_pooled_maps(DIGIT_FOUR, {"vertical": maps["vertical"][:2]})


def test_show_padded_windows_counts_the_padded_input_and_outlines_first_and_last_window():
    import tensorflow as tf

    fig, ax = show_padded_windows(7, 3, stride=2, padding=1)
    counts = usage_counts((9, 9), 3, stride=2)
    assert cell_texts(ax) == [str(v) for v in counts.flat]              # the zeros' counts too
    out = tf.nn.conv2d(tf.zeros((1, 7, 7, 1)), tf.zeros((3, 3, 1, 1)), strides=2,
                       padding=[[0, 0], [1, 1], [1, 1], [0, 0]])
    assert ax.get_title() == f"N=7, F=3, S=2, P=1: output {out.shape[1]}x{out.shape[2]}"
    grey = to_rgba(PAD_GREY)
    padding = [patch for patch in ax.patches if patch.get_facecolor() == grey]
    assert len(padding) == 4                                            # opaque light grey
    border = [ax.texts[r * 9 + c] for r in range(9) for c in range(9) if 0 in (r, c) or 8 in (r, c)]
    assert all(to_rgba(t.get_color()) == to_rgba("black") for t in border)   # counts readable
    assert len([p for p in ax.patches if p.get_edgecolor()[:3] != (1.0, 1.0, 1.0)
                and p.get_facecolor() != grey]) == 2                    # first and last window
    _, ax = show_padded_windows(5, 3)                                   # P = 0: no grey
    assert not [patch for patch in ax.patches if patch.get_facecolor() == to_rgba(PAD_GREY)]
    with pytest.raises(ValueError, match="f <= n"):
        show_padded_windows(3, 7, padding=1)
    assert png_size(fig) < MAX_PNG_BYTES


def test_show_usage_counts_zero_is_white_below_the_scale_and_bad_counts_refused():
    counts = usage_counts((5, 5), 1, stride=2)
    _, ax = show_usage_counts(counts)
    assert ax.images[0].get_clim() == (1, 2)                 # 1 is the scale's darkest
    assert ax.images[0].to_rgba(0)[:3] == (1.0, 1.0, 1.0)   # 0: white
    white = [p for p in ax.patches if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(white) == (counts == 0).sum() == 16                     # unused: their own colour
    assert cell_texts(ax) == [str(v) for v in counts.flat]
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        show_usage_counts([[1, -1]])
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        show_usage_counts([[1.5, 2]])


# --- show_kernels ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def conv_layer():
    import keras

    keras.utils.set_random_seed(0)
    layer = keras.layers.Conv2D(6, 5, name="conv2")
    layer.build((None, 12, 12, 3))
    return layer


def test_show_kernels_of_a_keras_layer(conv_layer):
    kernel = conv_layer.get_weights()[0]
    assert kernel.shape == (5, 5, 3, 6)  # Keras's (kh, kw, in, out)
    fig, axes = show_kernels(conv_layer)
    assert axes.shape == (3, 6)
    assert [ax.get_title() for ax in axes[0]] == [f"filter {j}" for j in range(6)]
    assert [axes[i, 0].get_ylabel() for i in range(3)] == [f"input\nchannel {i}" for i in range(3)]
    for i in range(3):
        for j in range(6):
            np.testing.assert_allclose(axes[i, j].images[0].get_array(), kernel[:, :, i, j])
    limits = {ax.images[0].get_clim() for ax in axes.flat}
    assert len(limits) == 1  # one shared scale ...
    low, high = limits.pop()
    assert low == -high == -np.abs(kernel).max()  # ... centred on zero
    assert axes[0, 0].images[0].get_cmap().name == "PuOr"
    assert fig._suptitle.get_text() == ("kernels of 'conv2'\n"
                                        "(F_h, F_w, C_in, C_out) = (5, 5, 3, 6)")
    assert fig.axes[-1].get_ylabel() == "weight"
    assert png_size(fig) < MAX_PNG_BYTES


def test_show_kernels_arrays_limits_and_errors():
    _, axes = show_kernels(LESSON01_KERNEL)
    assert axes.shape == (1, 1) and cell_texts(axes[0, 0]) == [str(v) for v in
                                                                LESSON01_KERNEL.flat]
    fig, axes = show_kernels(np.ones((3, 3, 32, 64)))
    assert axes.shape == (4, 16) and "first 4 in x 16 out shown" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match=r"\(kh, kw, in, out\)"):
        show_kernels(np.ones((3, 3, 8)))

    import keras

    with pytest.raises(ValueError, match="no weights yet"):
        show_kernels(keras.layers.Conv2D(2, 3, name="unbuilt"))


# --- plot_history ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def history():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax",
                                                                      name="dense")],
                             name="tiny")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)


def test_plot_history_from_keras_history(history):
    fig, axes = plot_history(history)
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    for ax, metric in zip(axes, ["loss", "accuracy"], strict=True):
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == metric
        train, val = ax.lines
        assert (train.get_label(), val.get_label()) == ("training", "validation")
        assert list(train.get_xdata()) == [1, 2, 3]  # epochs count from 1
        np.testing.assert_allclose(train.get_ydata(), history.history[metric])
        np.testing.assert_allclose(val.get_ydata(), history.history[f"val_{metric}"])
        assert train.get_linestyle() != val.get_linestyle()  # not told apart by colour only
        assert ax.get_legend() is not None
    assert png_size(fig) < MAX_PNG_BYTES


def test_plot_history_accepts_dict_and_dataframe():
    import pandas as pd

    data = {"loss": [0.9, 0.5], "accuracy": [0.6, 0.8]}
    _, axes = plot_history(pd.DataFrame(data), metrics="accuracy")
    assert len(axes) == 1 and len(axes[0].lines) == 1  # no validation in this history
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), [0.6, 0.8])
    with pytest.raises(ValueError, match=r"metrics \['val'\] are not in the history"):
        plot_history(data, metrics=["val"])
    with pytest.raises(TypeError, match="what model.fit returns"):
        plot_history([0.9, 0.5])


# --- show_digits -------------------------------------------------------------------------------


def test_show_digits_with_predictions():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(12, 28, 28, 1)).astype(np.uint8)
    labels = np.eye(10)[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]]  # one-hot
    probabilities = np.eye(10)[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 7]] * 0.9 + 0.01
    fig, axes = show_digits(images, labels, probabilities, ncols=6)
    assert axes.shape == (2, 6)
    titles = [ax.get_title() for ax in axes.flat]
    assert titles[:11] == [str(d) for d in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]]
    assert titles[11] == "7 (true 1)"
    wrong = axes.flat[11].title
    assert matplotlib.colors.same_color(wrong.get_color(), WRONG_COLOR)
    assert wrong.get_fontweight() == "bold" and axes.flat[0].title.get_fontweight() == "normal"
    np.testing.assert_array_equal(axes.flat[3].images[0].get_array(), images[3, :, :, 0])
    assert axes.flat[0].images[0].get_cmap().name in COLOUR_BLIND_SAFE
    assert "true label" in fig._suptitle.get_text()
    assert png_size(fig) < MAX_PNG_BYTES


def test_show_digits_labels_only_and_limits():
    images = np.zeros((50, 28, 28))
    fig, axes = show_digits(images, labels=np.arange(50) % 10)
    assert axes.size == 30  # max_images
    assert [ax.get_title() for ax in axes.flat[:3]] == ["0", "1", "2"]
    assert fig._suptitle.get_text() == "label above each digit"
    with pytest.raises(ValueError, match="labels has 2 entries for 30 images"):
        show_digits(images, labels=[1, 2])
    with pytest.raises(ValueError, match="one channel"):
        show_digits(np.zeros((2, 28, 28, 3)))


# --- show_rgb_channels -------------------------------------------------------------------------


def test_show_conv_volumes_draws_one_output_sheet_per_filter():
    from matplotlib.patches import Polygon

    for filters in (1, 2, 3):
        fig, ax = show_conv_volumes(9, 8, channels=3, kernel_size=3, filters=filters)
        assert ax.get_title().endswith(f"output 7x6x{filters}")       # 9 - 3 + 1, 8 - 3 + 1
        boxes = [p for p in ax.patches if isinstance(p, Polygon)]
        # input, window, the filters, one sheet per filter and the marked value: 3 faces each
        assert len(boxes) == 3 * (3 + 2 * filters)
        assert png_size(fig) < MAX_PNG_BYTES
        plt.close(fig)
    with pytest.raises(ValueError, match="must fit"):
        show_conv_volumes(2, 2, kernel_size=3)


def test_show_conv_volumes_draws_a_strided_padded_layer_as_conv_output_size_counts_it():
    from matplotlib.patches import Polygon, Rectangle

    fig, ax = show_conv_volumes(5, 5, channels=3, kernel_size=3, filters=2, stride=2, padding=1)
    # lesson 02's demo: (5 + 2 - 3) // 2 + 1 = 3 per side
    assert ax.get_title() == "input 5x5x3, padding 1, two 3x3x3 filters, stride 2: output 3x3x2"
    labels = [text.get_text() for text in ax.texts]
    assert "input 5x5x3 (H x W x C_in)\npadded by 1: 7x7x3" in labels
    assert "two filters\n3x3x3 each\nstride 2" in labels
    (frame,) = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    assert frame.get_xy() == (1, 1) and (frame.get_width(), frame.get_height()) == (5, 5)
    assert frame.get_linestyle() == "--"               # the input's own pixels, as in the step
    sheets = [p for p in ax.patches if isinstance(p, Polygon)][3 * 4:3 * 6]  # after the filters
    fronts = {tuple(np.ptp(sheet.get_xy(), axis=0)) for sheet in sheets[::3]}
    assert fronts == {(3.0, 3.0)}                      # each output sheet is 3x3
    assert png_size(fig) < MAX_PNG_BYTES
    assert show_conv_volumes(7, 7, stride=2)[1].get_title().endswith("stride 2: output 3x3x1")
    with pytest.raises(ValueError, match="once padded: it must fit"):
        show_conv_volumes(1, 1, kernel_size=4, padding=1)


def test_show_rgb_channels():
    from course_utils.data import load_rgb_photo

    photo = load_rgb_photo()
    fig, axes = show_rgb_channels(photo)
    assert [ax.get_title() for ax in axes] == [
        "image (64, 64, 3)", "red: x[:, :, 0]", "green: x[:, :, 1]", "blue: x[:, :, 2]"]
    np.testing.assert_array_equal(axes[0].images[0].get_array(), photo)
    for c in range(3):
        np.testing.assert_array_equal(axes[c + 1].images[0].get_array(), photo[:, :, c])
        assert axes[c + 1].images[0].get_clim() == (0, 255)
    assert png_size(fig) < MAX_PNG_BYTES
    assert len(fig.axes) == 5                                       # the four panels + colour bar
    _, named = show_rgb_channels(photo, name="photo")
    assert named[1].get_title() == "red: photo[:, :, 0]"
    with pytest.raises(ValueError, match=r"3 channels last"):
        show_rgb_channels(np.zeros((8, 8, 4)))


# --- show_maps_on_image ------------------------------------------------------------------------


def test_show_maps_on_image_draws_keras_maps_on_one_scale_and_shifts_the_boxes():
    import keras

    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, size=(20, 24, 3)).astype(np.uint8)
    layer = keras.layers.Conv2D(2, 3, use_bias=False, name="two_filters")
    maps = layer(photo[None].astype("float32") / 255).numpy()[0]        # (18, 22, 2)
    boxes = {"left": (2, 8, 0, 5), "far right corner": (0, 6, 16, 22)}
    fig, axes = show_maps_on_image(photo, maps, ["filter 0", "filter 1"], boxes=boxes)
    assert [ax.get_title() for ax in axes] == ["image (20, 24, 3)", "filter 0", "filter 1"]
    limit = np.abs(maps).max()
    for c in range(2):
        np.testing.assert_allclose(axes[c + 1].images[0].get_array(), maps[:, :, c])
        assert axes[c + 1].images[0].get_clim() == pytest.approx((-limit, limit))
        assert axes[c + 1].images[0].get_cmap().name == "PuOr"
    # map (i, j) is centred on pixel (i + 1, j + 1): the image's boxes sit one pixel further
    # each box is a white line under black dashes, so it shows on dark and on light regions
    for ax, corners in ((axes[0], [(0.5, 2.5), (16.5, 0.5)]),
                        (axes[1], [(-0.5, 1.5), (15.5, -0.5)])):
        for colour in ("white", "black"):
            drawn = [r for r in rectangles(ax) if r.get_edgecolor() == to_rgba(colour)]
            assert [r.get_xy() for r in drawn] == corners
    # each name is written inside every panel, even for a box at the right edge
    fig.canvas.draw()
    for ax in axes:
        assert [text.get_text() for text in ax.texts] == list(boxes)
        panel = ax.get_window_extent()
        for text in ax.texts:
            box = text.get_window_extent()
            assert panel.x0 <= box.x0 and box.x1 <= panel.x1, text.get_text()
    with pytest.raises(ValueError, match=r"boxes\['far'\]"):
        show_maps_on_image(photo, maps, ["a", "b"], boxes={"far": (0, 6, 16, 30)})
    with pytest.raises(ValueError, match="one title per map"):
        show_maps_on_image(photo, maps, ["a"])


# --- every helper's text is readable -------------------------------------------------------------


def _readability_cases(history):
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(26, 26, 4))
    return {
        "show_matrix small": lambda: show_matrix(LESSON01_X, title="input X (4x4)"),
        "show_matrix 12x12": lambda: show_matrix(rng.integers(-999, 999, (12, 12))),
        "show_matrix long numbers": lambda: show_matrix(np.arange(144).reshape(12, 12) * 1000),
        "show_matrix floats, colour bar": lambda: show_matrix(rng.normal(size=(8, 8)) * 100,
                                                              colorbar="value"),
        "show_conv_volumes one filter": lambda: show_conv_volumes(),
        "show_conv_volumes two filters": lambda: show_conv_volumes(filters=2),
        "show_conv_step": lambda: show_conv_step(LESSON01_X, LESSON01_KERNEL, row=1, col=1),
        "show_conv_step padded": lambda: show_conv_step(LESSON01_X, LESSON01_KERNEL, row=1,
                                                        col=1, stride=2, padding=1, bias=-2.5),
        "show_conv_layer_step": lambda: show_conv_layer_step(*_cs231n_demo(), row=1, col=2,
                                                             stride=2, padding=1),
        "show_conv_layer_step, one channel": lambda: show_conv_layer_step(
            rng.normal(size=(4, 4, 1)), rng.normal(size=(3, 3, 1, 1)), [0.5], row=1, col=1),
        "show_feature_maps": lambda: show_feature_maps(maps, titles=list(LINE_KERNELS),
                                                       suptitle="Four line kernels"),
        "show_feature_maps, 16 small panels": lambda: show_feature_maps(
            rng.normal(size=(22, 22, 16)), ncols=8, colorbar="response"),
        "show_maps_on_input": lambda: show_maps_on_input(
            rng.random((28, 28)), np.maximum(maps, 0), titles=[f"{n} (26x26)" for n in
                                                               LINE_KERNELS],
            colorbar="response (below 0 set to 0)",
            suptitle="Four line kernels on one digit: each map drawn on the digit's grid; "
                     "circle: its peak"),
        "show_usage_counts": lambda: show_usage_counts(usage_counts((7, 7), 3, stride=2)),
        "show_padded_windows": lambda: show_padded_windows(7, 3, stride=2, padding=1),
        "show_kernels": lambda: show_kernels(rng.normal(size=(5, 5, 3, 6))),
        "show_kernels, one kernel": lambda: show_kernels(LESSON01_KERNEL),
        "show_kernels, one row, a title": lambda: show_kernels(
            rng.normal(size=(5, 5, 1, 3)), title="source model, conv1"),
        "show_kernels, the line kernels": lambda: show_kernels(
            np.stack(list(LINE_KERNELS.values()), axis=-1)[:, :, None, :],
            title="LINE_KERNELS as one layer.kernel"),
        "plot_history": lambda: plot_history(history),
        "show_digits": lambda: show_digits(rng.integers(0, 255, (20, 28, 28)),
                                           labels=rng.integers(0, 10, 20),
                                           predictions=rng.integers(0, 10, 20)),
        "show_rgb_channels": lambda: show_rgb_channels(rng.integers(0, 255, (16, 16, 3))),
        "show_maps_on_image": lambda: show_maps_on_image(
            rng.integers(0, 255, (64, 64, 3)), rng.normal(size=(62, 62, 2)),
            ["filter 0: vertical edges", "filter 1: red detector"],
            boxes={"background": (2, 30, 48, 61), "face": (16, 34, 22, 40),
                   "jacket": (44, 54, 6, 20)}),
        "DIGIT_FOUR": lambda: show_matrix(DIGIT_FOUR, cmap="gray_r"),
        "show_compute_graph": lambda: show_compute_graph(
            ["Conv2D\n(K, b)", "ReLU", "MaxPool", "Flatten", "Dense\n(W, c)",
             "softmax +\ncross-entropy"], ["x", "z", "a", "pooled", "flat", "scores", "L"],
            kept={"x": "0.20 MB", "a": "1.38 MB", "flat": "0.35 MB", "scores": "2.6 kB"},
            readers={"a": [1, 2]}, backward=["dL/dK, dL/db", "dL/dz", "dL/da", "dL/dpooled",
                                             "dL/dflat", "dL/dscores", "1"],
            title="a batch of 64"),
    }


def test_every_helper_draws_readable_text(history):
    """No text overlaps another or leaves the figure (the check lessons' figures get too)."""
    from tests.figure_text import text_problems

    problems = {}
    for name, draw in _readability_cases(history).items():
        found = text_problems(draw().fig)
        if found:
            problems[name] = found
        plt.close("all")
    assert not problems, problems


def test_usage_counts_can_share_one_scale():
    fig, axes = plt.subplots(1, 2)
    show_usage_counts(usage_counts((7, 7), 3, stride=4), ax=axes[0], vmax=9, colorbar=False)
    show_usage_counts(usage_counts((7, 7), 3), ax=axes[1], vmax=9)
    assert [ax.images[0].get_clim() for ax in axes] == [(1, 9), (1, 9)]
    assert len(fig.axes) == 3  # two panels and one colour bar
    with pytest.raises(ValueError, match="vmax is 4 but a pixel is used 9 times"):
        show_usage_counts(usage_counts((7, 7), 3), vmax=4)


def test_feature_maps_in_a_capped_row_keep_square_panels():
    fig, axes = show_feature_maps(np.zeros((22, 22, 16)), ncols=8)
    width, height = fig.get_size_inches()
    assert width <= 10.0 and height < 2 * (width / 8 + 0.8)  # two rows of ~1.25-inch panels


def test_big_maps_have_whole_row_and_column_ticks():
    fig, ax = show_matrix(np.zeros((13, 13)))
    fig.canvas.draw()
    ticks = [*ax.get_xticks(), *ax.get_yticks()]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks


def test_long_numbers_get_a_wider_figure_or_are_left_out():
    fig, ax = show_matrix(np.arange(144).reshape(12, 12) * 1000)
    assert ax.texts and min(t.get_fontsize() for t in ax.texts) >= 6
    assert fig.get_figwidth() > 4.0  # wider than the 4-inch limit of short numbers
    fig, ax = plt.subplots(figsize=(2, 2))
    show_matrix(np.arange(144).reshape(12, 12) * 1000, ax=ax)
    assert not ax.texts  # no room in a 2-inch panel: the colours alone
    show_matrix(np.arange(144).reshape(12, 12) * 1000, ax=ax, show_values=True)
    assert ax.texts  # unless asked for


def test_show_maps_on_input_draws_each_output_over_the_centre_of_its_window():
    """Output (r, c) of a valid 3x3 convolution is drawn at input pixel (r + 1, c + 1), the
    centre of its window, and a 5x5 kernel's map two pixels in; the circle marks np.argmax."""
    from course_utils.ops import conv2d

    rng = np.random.default_rng(0)
    image = rng.random((10, 10))
    three = conv2d(image, rng.normal(size=(3, 3)))
    five = conv2d(image, rng.normal(size=(5, 5)))
    fig, axes = show_maps_on_input(image, [three, five], titles=["3x3", "5x5"])
    assert [ax.get_title() for ax in axes] == ["input (10x10)", "3x3", "5x5"]
    assert list(axes[1].images[0].get_extent()) == [0.5, 8.5, 8.5, 0.5]
    assert list(axes[2].images[0].get_extent()) == [1.5, 7.5, 7.5, 1.5]
    for ax, array, inset in ((axes[1], three, 1), (axes[2], five, 2)):
        assert ax.get_xlim() == (-0.5, 9.5) and ax.get_ylim() == (9.5, -0.5)
        row, col = np.unravel_index(np.argmax(array), array.shape)
        assert ax.lines[0].get_xydata().tolist() == [[col + inset, row + inset]]
        np.testing.assert_allclose(ax.images[0].get_array(), array)
    limits = {ax.images[0].get_clim() for ax in axes[1:]}
    assert len(limits) == 1  # one colour scale for all maps


def test_show_maps_on_input_refuses_maps_that_are_not_a_valid_odd_kernel_s():
    with pytest.raises(ValueError, match="even number of rows and columns"):
        show_maps_on_input(np.zeros((8, 8)), [np.zeros((7, 7))])
    with pytest.raises(ValueError, match="one title per map"):
        show_maps_on_input(np.zeros((8, 8)), [np.zeros((6, 6))] * 2, titles=["a"])


def test_compute_graph_marks_what_is_kept_and_refuses_mismatched_names():
    fig, ax = show_compute_graph(["Conv2D", "ReLU"], ["x", "z", "a"], kept={"z": "1 MB"})
    labels = [text.get_text() for text in ax.texts if text.get_text()]
    assert labels[:6] == ["x", "dL/dx", "z\n1 MB", "dL/dz", "a", "dL/da"]
    kept_box = ax.texts[2].get_bbox_patch()
    assert kept_box.get_facecolor()[:3] != ax.texts[0].get_bbox_patch().get_facecolor()[:3]
    with pytest.raises(ValueError, match="one more name than steps"):
        show_compute_graph(["Conv2D"], ["x"])
    with pytest.raises(ValueError, match=r"kept names \['y'\]"):
        show_compute_graph(["Conv2D"], ["x", "y"], kept={"y": "1 MB"})
    with pytest.raises(ValueError, match="one label per tensor"):
        show_compute_graph(["Conv2D"], ["x", "y"], backward=["dL/dx"])
    with pytest.raises(ValueError, match="readers must name steps by their index, 0 to 0"):
        show_compute_graph(["Conv2D"], ["x", "y"], kept={"x": "1 MB"}, readers={"x": [1]})
    plt.close("all")


def test_compute_graph_points_a_kept_tensor_at_each_backward_step_that_reads_it():
    """A ReLU output read by the ReLU's and the pooling's backward steps: two dashed arrows,
    each ending on a backward box."""
    fig, ax = show_compute_graph(["Conv2D", "ReLU", "MaxPool"], ["x", "z", "a", "p"],
                                 kept={"a": "1 MB"}, readers={"a": [1, 2]})
    dashed = [arrow for arrow in ax.texts if getattr(arrow, "arrow_patch", None) is not None
              and arrow.arrow_patch.get_linestyle() == "--"]
    boxes = {text.get_position(): text.get_text() for text in ax.texts if text.get_text()}
    assert sorted(boxes[arrow.xy] for arrow in dashed) == ["MaxPool", "ReLU"]
    assert all(arrow.xy[1] == 0.0 for arrow in dashed)  # on the backward row
    plt.close("all")


def test_show_shift_test_a_convolution_moves_with_the_image_a_dense_layer_does_not():
    import tensorflow as tf

    image = np.kron(np.asarray(DIGIT_FOUR, dtype=float), np.ones((2, 2)))   # 16x16: no numbers
    kernel = np.asarray(LESSON01_KERNEL, dtype=float)

    def convolved(im):
        return tf.nn.conv2d(im[None, :, :, None], kernel[:, :, None, None], 1,
                            "VALID").numpy()[0, :, :, 0]

    weights = np.random.default_rng(0).normal(size=(image.size, 36))

    def dense(im):
        return (im.reshape(-1) @ weights).reshape(6, 6)

    fig, axes = show_shift_test(image, (1, 0), {"Conv2D": convolved, "Dense": dense})
    assert axes.shape == (3, 3)
    assert axes[2, 1].get_title().endswith("max 0.00")           # the map moved with the digit
    assert float(axes[2, 2].get_title().split()[-1]) > 0.1
    hatched = [patch for patch in axes[2, 1].patches if patch.get_hatch() == "//"]
    assert len(hatched) == 1                                     # one row has no counterpart
    assert axes[0, 1].images[0].get_cmap().name == "PuOr"
    difference = axes[2, 1].images[0]                            # white at 0: nothing changed
    assert difference.get_cmap().name == "Purples" and difference.norm.vmin == 0
    assert difference.get_cmap()(0.0)[:3] > (0.95, 0.95, 0.95)
    assert png_size(fig) < MAX_PNG_BYTES
    with pytest.raises(ValueError, match="shift"):
        show_shift_test(image, (-1, 0), {"Conv2D": convolved})


def test_show_maps_on_image_one_scale_false_puts_each_bar_under_its_map():
    # at a bar's side, the label would sit in the gap before the next panel and read as its own
    maps = np.stack([np.full((18, 22), 0.5), np.full((18, 22), -0.2)], -1)
    fig, axes = show_maps_on_image(np.zeros((20, 24, 3)), maps, ["a", "b"], colorbar="response",
                                   one_scale=False)
    fig.draw_without_rendering()                                     # the layout's positions
    bars = fig.axes[3:]
    assert [bar.get_xlabel() for bar in bars] == ["response"] * 2
    for bar, ax in zip(bars, axes[1:], strict=True):
        assert bar.get_position().y1 < ax.get_position().y0          # under its own map
        assert ax.get_position().x0 <= bar.get_position().x0 < ax.get_position().x1
    plt.close(fig)


def test_show_maps_on_image_one_scale_false_gives_each_map_its_own_symmetric_scale():
    rng = np.random.default_rng(1)
    maps = np.stack([rng.uniform(-1.0, 0.9, (18, 22)), rng.uniform(-0.3, 0.7, (18, 22))], -1)
    fig, axes = show_maps_on_image(np.zeros((20, 24, 3)), maps, ["wide", "narrow"],
                                   boxes={"box": (2, 8, 0, 5)}, one_scale=False)
    for c in range(2):
        limit = np.abs(maps[:, :, c]).max()
        assert axes[c + 1].images[0].get_clim() == pytest.approx((-limit, limit))
    # the name sits under its box, outside it
    assert all(ax.texts[0].get_position()[1] >= 7.5 for ax in axes[1:])
    assert len(fig.axes) == 3 + 2                          # one colour bar per map


def test_show_receptive_field_1d_fills_as_many_input_cells_as_receptive_field():
    for layers in ([(3, 1)] * 3, [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]):
        _, ax = show_receptive_field_1d(layers)
        filled = [p for p in ax.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
        bottom = [p for p in filled if p.get_y() < 0]            # the input row
        assert len(bottom) == receptive_field(layers)
        plt.close("all")
    with pytest.raises(ValueError, match="layers"):
        show_receptive_field_1d([])


def test_show_receptive_field_1d_names_its_rows():
    _, ax = show_receptive_field_1d([(3, 1), (2, 2), (3, 1)], names=["conv1", "pool1", "conv2"])
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == ["input", "conv1 F=3 S=1", "pool1 F=2 S=2", "conv2 F=3 S=1"]
    with pytest.raises(ValueError, match="names must list one name per layer"):
        show_receptive_field_1d([(3, 1), (2, 2)], names=["conv1"])
