# What lesson 01's text concludes from its cells (tests/claims_runner.py says how this runs).
# The names are the notebook's; a value the notebook reassigns later is recomputed here.
import math

import keras
import numpy as np
import tensorflow as tf

from course_utils import conv2d, conv_mults, conv_output_size, conv_params, same_padding

# %% cell 4: Keras counts the parameters the formulas give, 530,660 (Dense) and 10 (Conv2D)
assert dense.count_params() == 784 * 676 + 676 and conv_3x3.count_params() == 3 * 3 + 1
# %% cell 6: the digit shifted 2 down and 3 right moves the Conv2D map exactly, not the Dense map
assert conv_change < 1e-5 and dense_change > 0.1
# %% cell 6: the digit is a 4
assert y_train[digit_index] == 4
# %% cell 6: the random-weight map is 0 wherever its 3x3 patch is blank (the bias starts at 0)
blank = conv2d(mnist_digit, np.ones((3, 3))) == 0
assert blank.any() and np.all(conv_map(mnist_digit)[blank] == 0)
# %% cell 9: windows (0, 0) and (1, 1) hold the same nine numbers (x repeats along its diagonal)
assert np.array_equal(x[0:3, 0:3], x[1:4, 1:4])
# %% cell 17: a new Conv2D starts with random, non-zero weights and a bias of 0
assert np.all(start_bias == 0) and np.all(start != 0)
# %% cell 17: the 4x4 example's feature map is [[15, 16], [6, 15]]
assert feature_map_loops.tolist() == [[15, 16], [6, 15]]
# %% cell 17: Conv2D adds the bias of -10 to every sum, as conv2d does
np.testing.assert_allclose(with_bias, conv2d(x, kernel, bias=-10))
# %% cell 20: true convolution differs from cross-correlation and from the transposed kernel's map
assert not np.array_equal(true_convolution, cross_correlation)
assert not np.array_equal(true_convolution, with_transpose)
# %% cell 24: the course's conv2d gives the loops' feature map of the digit "4"
np.testing.assert_allclose(conv2d(digit, horizontal), feature_map)
# %% cell 24: the strongest response, 6 at output (3, 2), is centred on the bar (input row 4)
peak_row, peak_col = np.unravel_index(np.argmax(feature_map), feature_map.shape)
assert (feature_map.max(), peak_row, peak_col) == (6, 3, 2) and digit[peak_row + 1, 1:7].all()
# %% cell 25: output row 3 reads 3, 5, 6, 4, 4, 2, and rows 2 and 4 are negative
assert feature_map.astype(int).tolist() == [[1, 1, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0],
                                            [-1, -2, -3, -2, -2, -1], [3, 5, 6, 4, 4, 2],
                                            [-2, -3, -3, -2, -2, -1], [0, 0, 0, 1, 1, 1]]
# %% cell 26: each window gives 2 x (pixels under the 2s) - (pixels under the -1s)
for row, col in [(3, 2), (3, 1), (3, 4), (3, 0), (3, 5), (1, 4)]:
    window = digit[row:row + 3, col:col + 3]
    under_2, under_minus_1 = int(window[1].sum()), int(window.sum() - window[1].sum())
    assert 2 * under_2 - under_minus_1 == np.sum(window * horizontal), (row, col)
# %% cell 26: 6 on the bar, 5, 4, 3 and 2 where a stroke meets it or it ends, 0 on the stroke
assert feature_map[3, 2] == 6 and feature_map[1, 4] == 0
assert (feature_map[3, 1], feature_map[3, 4], feature_map[3, 0], feature_map[3, 5]) == (5, 4, 3, 2)
# %% cell 30: horizontal peaks on the crossbar, vertical on the upright above it, "/" upper left
(h_row, _, _), (v_row, v_col, _) = peak["horizontal"], peak["vertical"]
(a_row, a_col, _) = peak["anti-diagonal"]
assert abs(h_row - crossbar) <= 1 and abs(v_col - upright) <= 1 and v_row < crossbar
assert a_row < crossbar and a_col < upright - 3             # upper left: the slanted stroke
# %% cell 30: no stroke runs like "\", so the diagonal kernel's peak is the weakest, off the ink
assert min(peak, key=lambda name: peak[name][2]) == "diagonal"
assert mnist_digit[peak["diagonal"][0], peak["diagonal"][1]] == 0
# %% cell 35: for F = 1, 3, 5, 7 Keras gives O = N - F + 1 (a 5x5 kernel: 24x24)
for f in (1, 3, 5, 7):
    keras_shape = keras.layers.Conv2D(1, f).compute_output_shape((None, 28, 28, 1))
    assert keras_shape[1] == conv_output_size(28, f) == 28 - f + 1, f
# %% cell 37: one lit pixel reaches a full 5x5 block of the stacked layers' outputs (all 25)
assert tuple(field) == (5, 5) and len(reached) == 5 * 5
rows, cols = reached[:, 0], reached[:, 1]
assert (rows.min(), cols.min()) == (14 - 4, 14 - 4)        # outputs 10-14 read input pixel 14
# %% cell 37: two stacked 3x3 layers see 5x5 with 18 weights, one 5x5 layer with 25; both 24x24
assert two_3x3.output_shape[1:3] == one_5x5.output_shape[1:3] == (28 - 5 + 1,) * 2
assert (two_3x3.count_params(), one_5x5.count_params()) == (2 * 9, 25)
# %% cell 41: N = 7, F = 3, S = 2 gives 3 positions, by the formula and in Keras
assert keras_size == (7 - 3) // 2 + 1 == conv_output_size(7, 3, stride=2) == 3
# %% cell 41: stride 2 does a quarter of the multiplications
assert conv_mults((28, 28), 3, 1) == 4 * conv_mults((28, 28), 3, 1, stride=2)
# %% cell 55: "valid" gives 3x3 and 2x2, "same" 5x5 and ceil(5 / 2) = 3 at strides 1 and 2
for s, valid, same in [(1, 3, 5), (2, 2, 3)]:
    sizes = {padding: keras.layers.Conv2D(1, 3, strides=s, padding=padding)
             .compute_output_shape((None, 5, 5, 1))[1] for padding in ("valid", "same")}
    assert sizes == {"valid": valid, "same": same}, (s, sizes)
    assert same == math.ceil(5 / s) == conv_output_size(5, 3, s, padding=1)
# %% cell 65: for every N, F, S and P the sliders offer, the formula and Keras give the same O
assert slider_agree == slider_total > 1000, (slider_agree, slider_total)
# %% cell 68: Conv2D's activation defaults to 'linear', and one 3x3 filter has 10 parameters
assert config["activation"] == "linear"
assert layer.count_params() == conv_params(3, 1, 1) == 10
# %% cell 70: trained from zeros on its maps, the layer finds section 4's kernel
np.testing.assert_allclose(learned, true_kernel, atol=1e-2)
# %% cell 74: "SAME" puts the odd zero at the bottom and right, not at the top and left
assert np.allclose(same_tf, pad_after[0, :, :, 0])
assert not np.allclose(same_tf, pad_before[0, :, :, 0])
# %% cell 74: in all seven cases the rule, the split (extra zero after) and TensorFlow agree
for n, f, s in [(5, 3, 1), (5, 2, 1), (6, 4, 1), (6, 3, 2), (7, 3, 2), (6, 1, 4), (28, 5, 2)]:
    o = math.ceil(n / s)
    total = max((o - 1) * s + f - n, 0)
    before, after = same_padding(n, f, s)
    x_n = np.arange(n * n, dtype="float32").reshape(1, n, n, 1)
    ones_f = np.ones((f, f, 1, 1), dtype="float32")
    same_n = tf.nn.conv2d(x_n, ones_f, strides=s, padding="SAME")
    explicit = tf.nn.conv2d(x_n, ones_f, strides=s,
                            padding=[[0, 0], [before, after], [before, after], [0, 0]])
    agrees = same_n.shape[1] == o and np.allclose(same_n, explicit)
    assert before + after == total and after - before in (0, 1) and agrees, (n, f, s)
# %% cell 74: the course's conv2d with padding="same" gives TensorFlow's "SAME" map
np.testing.assert_allclose(conv2d(x6[0], ones, stride=2, padding="same")[:, :, 0], same_tf)
# %% cell 76: the matrix times the flattened input is the feature map
assert np.array_equal(as_matrix @ x.ravel(), feature_map_tf.ravel())
# %% cell 78: np.convolve is np.correlate with the weights flipped; flipping is not negating
assert np.array_equal(np.convolve(signal, weights, mode="valid"),
                      np.correlate(signal, weights[::-1], mode="valid"))
assert not np.array_equal(weights[::-1], -weights)
# %% cell 80: padding="full" is not a Keras mode
try:
    keras.layers.Conv2D(1, 3, padding="full")
except ValueError:
    pass
else:
    raise AssertionError("Keras accepted padding='full'")
# %% cell 80: over a single 1, cross-correlation draws the kernel turned half round
assert np.array_equal(corr2d(impulse, demo_kernel), flipped)
assert np.array_equal(corr2d(impulse, flipped), demo_kernel)
# %% cell 80: two cross-correlations in a row are one, with the two kernels convolved
assert np.array_equal(two_steps, one_step)
# %% cell 80: convolution is commutative, cross-correlation is not
assert np.array_equal(combined, swapped) and not np.array_equal(corr_ab, corr_ba)
# %% cell 82: trained on maps of true convolution, the layer learns the flipped kernel
np.testing.assert_allclose(learned_demo, np.flip(demo_kernel), atol=1e-2)
# %% cell 84: at stride 2 a 2-pixel shift moves the map 1 step; a 1-pixel shift has no moved copy
for shift in (2, 1):
    moved = conv_s2(np.roll(mnist_digit, shift, axis=1).reshape(1, 28, 28, 1)).numpy()[0, :, :, 0]
    gaps = [np.abs(moved[:, step:] - base[:, :13 - step]).max() for step in (0, 1)]
    assert (min(gaps) < 1e-5) if shift == 2 else (min(gaps) > 0.1), (shift, gaps)
# %% cell 86: AlexNet's 227 gives 55x55 (Keras agrees); with 224, (224 - 11) / 4 is not whole
alexnet_1 = keras.layers.Conv2D(96, 11, strides=4, name="alexnet_conv1")
assert alexnet_1.compute_output_shape((None, 227, 227, 3))[1:3] == (55, 55)
assert conv_output_size(227, 11, stride=4) == 55 and (224 - 11) % 4 != 0
assert conv_output_size(224, 11, stride=4) == 54 == (224 - 11) // 4 + 1
# %% cell 86: with 224 Keras rounds down too (54 windows), so the last pixel is never read
shape = keras.layers.Conv2D(96, 11, strides=4).compute_output_shape((None, 224, 224, 3))
assert shape[1] == 54 and (shape[1] - 1) * 4 + 11 == 224 - 1
