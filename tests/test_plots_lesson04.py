"""Lesson 04's figure helpers (course_utils.plots): each draws what its cell's text says."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course_utils.data import TRANSPOSED_EXAMPLE_X  # noqa: E402
from course_utils.ops import conv2d_transpose  # noqa: E402
from course_utils.plots import (  # noqa: E402
    flipped_window_inputs,
    show_flat_probes,
    show_flipped_window,
    show_stamp,
    show_stamp_counts,
)


def teardown_function():
    plt.close("all")


def test_show_stamp_draws_one_stamp_alone_at_its_input_position():
    x = np.arange(1, 17).reshape(4, 4)
    kernel = np.array([[1, 2, 1], [0, 1, 0], [1, 0, 1]])
    output = conv2d_transpose(x, kernel)
    _, axes = show_stamp(x, kernel, output, (1, 2))
    alone = np.asarray(axes[2].images[0].get_array())
    np.testing.assert_array_equal(alone[1:4, 2:5], x[1, 2] * kernel)
    assert alone.sum() == x[1, 2] * kernel.sum()               # nothing outside the stamp
    np.testing.assert_array_equal(axes[3].images[0].get_array(), output)
    assert all(ax.images[0].get_clim() == (0, output.max()) for ax in axes)


def test_flipped_window_inputs_finds_the_inputs_and_the_flipped_kernel_entries():
    kernel = np.arange(1, 10).reshape(3, 3)
    spread = np.zeros((3, 3))
    spread[::2, ::2] = TRANSPOSED_EXAMPLE_X
    padded = np.pad(spread, 2)
    stamps = conv2d_transpose(TRANSPOSED_EXAMPLE_X, kernel, stride=2)
    for i in range(5):
        for j in range(5):
            found = flipped_window_inputs(padded, kernel, (i, j), 2)
            for (r, c), (row_in, col_in), (a, b) in found:
                assert padded[i + r, j + c] == TRANSPOSED_EXAMPLE_X[row_in, col_in]
                assert (a, b) == (2 - r, 2 - c)
            total = sum(TRANSPOSED_EXAMPLE_X[p] * kernel[k] for _, p, k in found)
            assert total == stamps[i, j]


def test_show_flipped_window_shows_the_kernel_rotated_and_the_window_outlined():
    kernel = np.arange(1, 10).reshape(3, 3)
    _, axes = show_flipped_window(np.ones((7, 7)), kernel, np.ones((5, 5)), (2, 1), "out")
    np.testing.assert_array_equal(axes[1].images[0].get_array(), kernel[::-1, ::-1])
    assert axes[2].get_title() == "out"
    assert len(axes[0].patches) >= 1                       # the window's outline


def test_show_stamp_counts_uses_one_scale_from_zero():
    _, axes = show_stamp_counts({"three": np.array([[1, 2], [2, 4]]), "four": np.full((2, 2), 4)})
    assert [ax.images[0].get_clim() for ax in axes] == [(0, 4), (0, 4)]
    assert [ax.get_title() for ax in axes] == ["three", "four"]


def test_show_flat_probes_draws_value_over_mean_minus_one_on_one_scale():
    flat, bumpy = np.full((12, 12), 0.5), 0.5 + 0.1 * np.indices((12, 12)).sum(0) % 2
    _, axes = show_flat_probes({"flat": flat, "bumpy": bumpy})
    np.testing.assert_allclose(axes[0].images[0].get_array(), 0)
    np.testing.assert_allclose(axes[1].images[0].get_array(), bumpy / bumpy.mean() - 1)
    assert axes[0].images[0].get_clim() == axes[1].images[0].get_clim()
    assert len(axes[2].lines) == 3                          # two rows and the zero line
