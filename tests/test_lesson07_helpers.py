"""The helpers only lesson 07 uses: its figures (course_utils.plots) and its measured receptive
field (course_utils.architectures). Each figure is inspected, not looked at: what each panel
holds, its titles and labels, and that no text overlaps or leaves the figure. The measured
field is checked against Keras's own layers and the recurrence.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from course_utils.architectures import (  # noqa: E402
    block_walk,
    field_extent,
    hand_counts_table,
    measure_receptive_field,
    paper_table,
    predict_model,
    receptive_field_steps,
)
from course_utils.arithmetic import conv_params, receptive_field  # noqa: E402
from course_utils.ops import conv_matrix  # noqa: E402
from course_utils.plots import (  # noqa: E402
    show_channel_links,
    show_group_reads,
    show_path_counts,
    show_slice_mosaics,
    show_weight_sharing,
)
from tests.figure_text import text_problems  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- measure_receptive_field, field_extent -----------------------------------------------------


def keras_paths(stack, size=33):
    """The same count through Keras layers: Conv2D of ones (with strides and dilation_rate),
    the gradient of the centre output pixel of an all-ones input."""
    model = keras.Sequential(
        [keras.Input((size, size, 1))]
        + [layers.Conv2D(1, f, strides=s, dilation_rate=d, use_bias=False,
                         kernel_initializer="ones", name=f"layer{i}")
           for i, (f, s, d) in enumerate(stack)], name="stack")
    x = tf.Variable(tf.ones((1, size, size, 1)))
    with tf.GradientTape() as tape:
        output = model(x)
        centre = output[0, output.shape[1] // 2, output.shape[2] // 2, 0]
    return tape.gradient(centre, x).numpy()[0, :, :, 0]


@pytest.mark.parametrize("stack", [
    [(3, 1, 1), (3, 1, 1)],
    [(3, 1, 1), (3, 2, 1), (3, 1, 1)],
    [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
    [(3, 1, 2), (3, 1, 2), (3, 1, 2)],
    [(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)],
    [(5, 1, 3), (2, 2, 1)],
])
def test_measure_receptive_field_counts_the_paths_keras_layers_count(stack):
    paths = measure_receptive_field(stack)
    np.testing.assert_array_equal(paths, keras_paths(stack))
    assert field_extent(paths) == (receptive_field(stack),) * 2
    assert paths.dtype.kind == "i" and paths.min() >= 0


def test_measure_receptive_field_runs_a_stride_with_a_dilation_and_reads_pairs():
    """Keras's Conv2D refuses a stride with a dilation; the measurement runs it, as the
    recurrence counts it, and (F, S) pairs mean D = 1."""
    stack = [(3, 2, 2), (3, 1, 1), (3, 2, 3)]
    assert field_extent(measure_receptive_field(stack)) == (receptive_field(stack),) * 2
    np.testing.assert_array_equal(measure_receptive_field([(3, 1), (2, 2)]),
                                  measure_receptive_field([(3, 1, 1), (2, 2, 1)]))


def test_measure_receptive_field_refuses_a_small_input_and_bad_layers():
    with pytest.raises(ValueError, match="size is 9 but the stack's receptive field is 15"):
        measure_receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)], size=9)
    with pytest.raises(ValueError, match="pair or a"):
        measure_receptive_field([(3,)])


def test_receptive_field_steps_traces_the_field_keras_layers_measure():
    """Each row's r is the measured field of the stack's first layers (Keras's own layers, by
    gradient); j is the product of their strides: one pixel of the next layer's input moves j
    input pixels (a Keras layer of stride 1 after them shows it)."""
    stack = [(3, 1, 1), (3, 2, 1), (3, 1, 2), (2, 2, 1)]
    steps = receptive_field_steps(stack)
    assert list(steps.index) == ["(none)", "3x3", "3x3, stride 2", "3x3, D = 2", "2x2, stride 2"]
    assert steps.iloc[0].tolist() == [1, 1] and steps["r"].iloc[-1] == receptive_field(stack)
    for count in range(1, len(stack) + 1):
        assert steps["r"].iloc[count] == field_extent(keras_paths(stack[:count]))[0], count
        # a 2-tap layer after them reads input pixels j apart: its field grows by j
        assert field_extent(keras_paths([*stack[:count], (2, 1, 1)]))[0] == (
            steps["r"].iloc[count] + steps["j"].iloc[count]), count
    with pytest.raises(ValueError, match="pair or a"):
        receptive_field_steps([(3,)])


def test_field_extent_is_the_rectangle_of_the_non_zero_entries():
    paths = np.zeros((7, 9))
    paths[1, 2] = paths[4, 6] = 3
    assert field_extent(paths) == (4, 5)
    with pytest.raises(ValueError, match="non-zero"):
        field_extent(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="2-D"):
        field_extent(np.ones(4))


# --- the figures ----------------------------------------------------------------------------------


def test_show_weight_sharing_draws_the_three_matrices_and_numbers_the_taps():
    kernel = np.random.default_rng(1).uniform(0.5, 1.5, (3, 3))
    fig, axes = show_weight_sharing(kernel, input_shape=(6, 6), rng=np.random.default_rng(2))
    shared = conv_matrix((6, 6), kernel)
    draws = np.random.default_rng(2)
    dense, local = draws.uniform(0.5, 1.5, shared.shape), draws.uniform(0.5, 1.5, shared.shape)
    np.testing.assert_array_equal(axes[0].images[0].get_array(), dense)
    drawn_local = axes[1].images[0].get_array()
    np.testing.assert_array_equal(drawn_local.mask, shared == 0)
    np.testing.assert_array_equal(drawn_local.filled(0), np.where(shared != 0, local, 0))
    taps = conv_matrix((6, 6), np.arange(1.0, 10).reshape(3, 3)).astype(int)
    np.testing.assert_array_equal(axes[2].images[0].get_array().filled(0), taps)
    assert sorted({int(t.get_text()) for t in axes[2].texts}) == list(range(1, 10))
    assert len(axes[2].texts) == np.count_nonzero(shared) == 144
    assert [ax.get_title() for ax in axes] == [
        "Dense: 576 weights (16 x 36), each its own",
        "locally connected: 144 weights, each its own", "Conv2D: 9 weights, shared by every row"]
    assert axes[0].get_ylabel() == "output (4x4)"
    assert not text_problems(fig)
    with pytest.raises(ValueError, match="at most 9 taps"):
        show_weight_sharing(np.ones((5, 5)))


def test_show_path_counts_draws_every_field_in_one_window_with_zeros_white():
    stacks = {"D = 1, 2, 4": [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
              "D = 2, 2, 2": [(3, 1, 2)] * 3}
    paths = {name: measure_receptive_field(stack) for name, stack in stacks.items()}
    fig, axes = show_path_counts(paths)
    assert [ax.get_title() for ax in axes] == [
        "D = 1, 2, 4\n225 of the 225 pixels in its 15x15 field",
        "D = 2, 2, 2\n49 of the 169 pixels in its 13x13 field"]
    for ax, counts in zip(axes, paths.values(), strict=True):
        shown = ax.images[0].get_array()
        assert shown.shape == (19, 19)               # the 15x15 field and 2 pixels around it
        assert shown.sum() == counts.sum()           # every path is inside the window
        assert ax.images[0].get_clim()[0] == 1       # below 1 (no path): white
        assert np.allclose(ax.images[0].get_cmap().get_under(), (1.0, 1.0, 1.0, 1.0))
        labels = [label.get_text() for label in ax.get_xticklabels()]
        assert labels[0] == "-8" and labels[-1] == "8" and "0" in labels
    assert not text_problems(fig)
    with pytest.raises(ValueError, match="same shape"):
        show_path_counts({"a": np.ones((5, 5)), "b": np.ones((6, 6))})
    with pytest.raises(ValueError, match="at least one of them"):
        show_path_counts({"a": np.zeros((5, 5))})


def test_show_group_reads_draws_g_blocks_and_keras_s_parameter_count():
    fig, axes = show_group_reads(64, 128, groups=(1, 4, 64))
    for ax, groups in zip(axes, (1, 4, 64), strict=True):
        conv = layers.Conv2D(128, 3, groups=groups, name=f"groups_{groups}")
        conv.build((None, 8, 8, 64))
        assert ax.get_title() == f"groups={groups}: {conv.count_params():,} parameters"
        reads = np.asarray(ax.images[0].get_array())
        assert reads.shape == (64, 128) and reads.sum() == 64 * 128 / groups
        assert reads[0, 0] == 1 and reads[-1, -1] == 1 and (groups == 1 or reads[-1, 0] == 0)
    assert not text_problems(fig)
    with pytest.raises(ValueError, match="must divide"):
        show_group_reads(64, 128, groups=(3,))


def test_show_channel_links_one_colour_per_count_with_its_legend():
    links = {"Conv2D(64, 3)": np.full((32, 64), 9),
             "Conv2D(64, 3, groups=4)": np.kron(np.eye(4), np.full((8, 16), 9)),
             "separable: depthwise step": np.diag(np.full(32, 9)),
             "separable: pointwise step": np.ones((32, 64))}
    fig, axes = show_channel_links(links)
    assert [ax.get_title() for ax in axes] == [
        "Conv2D(64, 3): 18,432 weights", "Conv2D(64, 3, groups=4): 4,608 weights",
        "separable: depthwise step: 288 weights", "separable: pointwise step: 2,048 weights"]
    assert conv_params(3, 32, 64, bias=False) == 18_432
    for ax, weights in zip(axes, links.values(), strict=True):
        np.testing.assert_array_equal(ax.images[0].get_array(), np.searchsorted([0, 1, 9],
                                                                                weights))
    legend = fig.legends[0]
    assert [text.get_text() for text in legend.get_texts()] == ["0", "1", "9"]
    assert not text_problems(fig)
    with pytest.raises(ValueError, match="at most 4 distinct"):
        show_channel_links({"many": np.arange(6).reshape(2, 3)})


def test_show_slice_mosaics_scales_each_tile_so_a_separable_layer_shows_one_pattern():
    rng = np.random.default_rng(3)
    pattern = rng.standard_normal(9)
    separable = np.outer(pattern, rng.standard_normal(64))      # rank 1: one pattern, scaled
    standard = rng.standard_normal((9, 64))
    fig, axes = show_slice_mosaics({"separable": separable, "standard": standard})
    for ax, weights in zip(axes, (separable, standard), strict=True):
        grid = ax.images[0].get_array()
        assert grid.shape == (31, 31)
        tiles = [grid[4 * r:4 * r + 3, 4 * c:4 * c + 3] for r in range(8) for c in range(8)]
        assert all(np.isclose(np.abs(tile).max(), 1) for tile in tiles)
        assert np.allclose(tiles[5].ravel(), weights[:, 5] / np.abs(weights[:, 5]).max())
        assert np.ma.getmaskarray(grid[3]).all()                  # the blank line between tiles
    first = np.abs(axes[0].images[0].get_array()[:3, :3])
    assert all(np.allclose(np.abs(axes[0].images[0].get_array()[4 * r:4 * r + 3,
                                                               4 * c:4 * c + 3]), first)
               for r in range(8) for c in range(8))
    assert not text_problems(fig)
    with pytest.raises(ValueError, match="9 numbers"):
        show_slice_mosaics({"bad": np.ones((4, 8))})


# --- the capstone's tables (course_utils.architectures: block_walk, hand_counts_table,
# paper_table) ------------------------------------------------------------------------------

def _small_block_model():
    x = keras.Input((16, 16, 8), name="image")
    h = layers.Conv2D(8, 1, name="b_1", use_bias=False)(x)      # b_1 and b_10: a prefix trap
    h = layers.BatchNormalization(name="b_1_bn")(h)
    h = layers.ReLU(6.0, name="b_1_relu")(h)
    h = layers.DepthwiseConv2D(3, strides=2, padding="same", name="b_1_dw")(h)
    h = layers.ReLU(name="b_1_dw_relu")(h)
    h = layers.Conv2D(4, 3, name="b_10")(h)
    return keras.Model(x, h, name="small")


def test_block_walk_folds_bn_and_relu_into_the_layer_above_and_keeps_its_prefix():
    walk = block_walk(_small_block_model(), "b_1")
    assert walk.index.tolist() == ["(input)", "b_1", "b_1_dw"]          # not b_10
    assert walk["then"].tolist() == ["", "BN, ReLU6", "ReLU"]
    assert walk["kind"].tolist() == ["", "1x1 Conv2D", "3x3 DepthwiseConv2D"]
    assert walk["output shape"].tolist() == [(16, 16, 8), (16, 16, 8), (8, 8, 8)]
    assert walk.loc["b_1", "use_bias"] is False and walk.loc["b_1_dw", "strides"] == (2, 2)
    assert block_walk(_small_block_model(), ["b_1_dw", "b_10"]).index.tolist() == [
        "(input)", "b_1_dw", "b_10"]
    with pytest.raises(ValueError, match="no layer of small"):
        block_walk(_small_block_model(), "block_2")


def test_hand_counts_table_shows_a_wrong_hand_count_beside_the_right_ones():
    model = _small_block_model()
    table = hand_counts_table(model, {"b_1_dw": ("3x3 per channel", 3 * 3 * 8 + 8,
                                                 8 * 8 * 3 * 3 * 8),
                                      "b_10": ("a wrong count", 1, 2)})
    assert table.loc["b_1_dw"].tolist()[1:] == [80, 80, 80, 4608, 4608]
    assert table.loc["b_10", "Keras"] == table.loc["b_10", "predict_model"] == 3 * 3 * 8 * 4 + 4
    assert table.loc["b_10", "predict_model mults"] == 6 * 6 * 3 * 3 * 8 * 4
    assert table.loc["b_10", "by hand: params"] == 1
    with pytest.raises(ValueError, match="no layer named"):
        hand_counts_table(model, {"b_2": ("", 0, 0)})


def test_paper_table_signs_the_difference_and_subtracts_batch_normalization():
    model = _small_block_model()
    mults = sum(row.mults for row in predict_model(model))
    table = paper_table({"small": model, "again": model},
                        {"small": ("p", mults / 1.02, None), "again": ("q", mults * 1.00001, 1e6)})
    assert table.loc["small", "difference"] == "+2.00%"
    assert table.loc["again", "difference"] == "+0.00%"                # no negative zero
    assert table.loc["small", "layers agreeing"] == f"{len(model.layers)} of {len(model.layers)}"
    assert table.loc["small", "params"] == f"{model.count_params() / 1e6:.3f} M"
    assert table.loc["small", "without BN"] == f"{(model.count_params() - 4 * 8) / 1e6:.3f} M"
    assert table.loc["small", "paper params"] == "-"
    assert table.loc["again", "paper params"] == "1.0 M"
