# What lesson 04's text concludes from its cells (tests/claims_runner.py says how this runs).
# "cell N" is the cell's index in the notebook, markdown cells counted (nbval counts code only).
# Blocks run after the last cell: cell 84 reuses the names down and back, so the block of
# cell 53 computes its own.
import numpy as np

from course_utils import conv2d_im2col, conv_params, conv_transpose_crop


def decoder_params(model):
    """The weights of an autoencoder's two decoder layers."""
    return sum(model.get_layer(name).count_params() for name in ("decode1", "decode2"))


# %% cell 7: conv_mults gives the hand counts, 120,422,400 direct and 12,443,648 with the bottleneck
assert conv_mults((28, 28, 192), 5, 32, padding="same") == direct == 120_422_400
assert conv_mults((28, 28, 192), 1, 16) + conv_mults((28, 28, 16), 5, 32, padding="same") \
    == squeeze + conv_after == 12_443_648

# %% cell 9: the table's parameters, 153,632 and 3,088 + 12,832 = 15,920, are conv_params'
assert direct_model.count_params() == conv_params(5, 192, 32) == 153_632
assert bottleneck_model.get_layer("squeeze1x1").count_params() == conv_params(1, 192, 16) == 3_088
assert bottleneck_model.get_layer("conv5x5").count_params() == conv_params(5, 16, 32) == 12_832
assert bottleneck_model.count_params() == 15_920
assert costs["multiplications"].tolist() == [direct, squeeze + conv_after]

# %% cell 10: the bottleneck costs about a tenth of the multiplications and of the weights
assert 9 < direct / (squeeze + conv_after) < 11 and 9 < 153_632 / 15_920 < 11

# %% cell 13: the two heads have the same (24 * 24 * 8 + 1) * 10 = 46,090 parameters
assert fc_head.count_params() == conv_head.count_params() == (24 * 24 * 8 + 1) * 10

# %% cell 18: the patch matrix of the 3x3 map holds its four 2x2 windows in reading order
np.testing.assert_array_equal(tiny_patches,
                              [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])

# %% cell 19: the course's conv2d_im2col (lesson 06 uses it) gives tf.nn.conv2d's output too
np.testing.assert_allclose(conv2d_im2col(images, filters), tf_result, rtol=1e-4, atol=1e-3)

# %% cell 19: the patch matrix holds 4 * 24 * 24 windows of 5 * 5 * 3 values, 172,800 numbers
assert batch_patches.size == 4 * 24 * 24 * 5 * 5 * 3 == 172_800

# %% cell 21: each pixel lands in up to F * F = 25 windows; the patch matrix is 18 times the input
copies = np.bincount(im2col(np.arange(28 * 28.).reshape(1, 28, 28, 1), 5).astype(int).ravel())
assert copies.max() == 5 * 5 and copies.min() == 1      # a centre pixel 25 times, a corner once
assert images.size == 9_408 and 18 <= batch_patches.size / images.size < 19

# %% cell 32: Conv2DTranspose stores its kernel as (F, F, C_out, C_in)
assert tuple(wide_transposed.kernel.shape) == (3, 3, 16, 32)

# %% cell 36: 'valid' with F < S: Keras gives N * S, zero rows filling the gap after the last stamp
assert keras_transposed_size(4, 2, 3, "valid") == 12 == 4 * 3
gappy = layers.Conv2DTranspose(1, 2, strides=3, use_bias=False, name="gaps")   # F = 2 < S = 3
gappy_rows = gappy(np.ones((1, 4, 4, 1), dtype="float32"))[0, :, :, 0].numpy()
assert (4 - 1) * 3 + 2 == 11 and gappy_rows[10].any() and not gappy_rows[11].any()   # 12th: zeros
assert keras_transposed_size(4, 2, 3, "same") == 12 == conv_transpose_output_size(4, 2, 3, "same")

# %% cell 36: when F - S is odd (the animation's and section 10's F = 3, S = 2), 'same' crops the
# extra row at the bottom and the extra column at the right: the full result's first 2N rows
assert (TRANSPOSED_EXAMPLE_KERNEL.shape[0], upsample.strides) == (3, (2, 2))
assert [autoencoder.get_layer(name).kernel_size + autoencoder.get_layer(name).strides
        for name in ("decode1", "decode2")] == [(3, 3, 2, 2)] * 2
odd_rng = np.random.default_rng(36)
odd_x, odd_kernel = odd_rng.integers(0, 5, size=(4, 4)), odd_rng.integers(-2, 3, size=(3, 3))
odd_layer = layers.Conv2DTranspose(1, 3, strides=2, padding="same", use_bias=False,
                                   name="odd_crop")
odd_layer.build((None, 4, 4, 1))
odd_layer.set_weights([odd_kernel.reshape(3, 3, 1, 1).astype("float32")])
odd_same = odd_layer(odd_x.reshape(1, 4, 4, 1).astype("float32")).numpy()[0, :, :, 0]
odd_full = conv2d_transpose(odd_x, odd_kernel, stride=2)                       # 9x9
np.testing.assert_allclose(odd_same, odd_full[:8, :8])       # nothing off the top, 1 off the end
assert not np.allclose(odd_same, odd_full[1:, 1:])

# %% cell 36: 'same' gives N * S: F - S rows of the full result cropped in all (F >= S)
for n, f, s in [(4, 3, 2), (4, 4, 2), (5, 3, 1), (3, 5, 2), (4, 3, 3)]:
    assert keras_transposed_size(n, f, s, "same") == n * s == (n - 1) * s + f - (f - s)

# %% cell 37: 'valid' gives (N - 1) * S + F rows and 'same' N * S, as conv_transpose_output_size
for n, f, s in [(4, 3, 2), (4, 3, 1), (4, 4, 2), (5, 3, 3)]:
    valid, same = keras_transposed_size(n, f, s, "valid"), keras_transposed_size(n, f, s, "same")
    assert valid == (n - 1) * s + f == conv_transpose_output_size(n, f, s)
    assert same == n * s == conv_transpose_output_size(n, f, s, "same")
# %% cell 36: 'valid' gives N * S rows when F < S (zero rows fill the gap after the last stamp)
assert keras_transposed_size(4, 2, 3, "valid") == 4 * 3 == conv_transpose_output_size(4, 2, 3)
assert (4 - 1) * 3 + 2 != 4 * 3

# %% cell 36: 'same' crops F - S rows in all, (F - S) // 2 at the top/left and the rest at the
# bottom/right (Keras, odd F - S included); P = (F - S) / 2 makes O = (N - 1) * S + F - 2P
crop_rng = np.random.default_rng(37)
for n, f, s in [(4, 3, 2), (4, 3, 1), (4, 4, 2), (4, 5, 2), (3, 6, 3), (5, 3, 3)]:
    crop_x = crop_rng.integers(0, 5, size=(n, n))
    crop_kernel = crop_rng.integers(-2, 3, size=(f, f))
    crop_layer = layers.Conv2DTranspose(1, f, strides=s, padding="same", use_bias=False,
                                        name=f"crop_{f}_{s}")
    crop_layer.build((None, n, n, 1))
    crop_layer.set_weights([crop_kernel.reshape(f, f, 1, 1).astype("float32")])
    crop_same = crop_layer(crop_x.reshape(1, n, n, 1).astype("float32")).numpy()[0, :, :, 0]
    crop_full = conv2d_transpose(crop_x, crop_kernel, stride=s)
    top = (f - s) // 2
    assert crop_full.shape[0] - crop_same.shape[0] == f - s
    np.testing.assert_allclose(crop_same, crop_full[top:top + n * s, top:top + n * s])
    assert conv_transpose_crop(n, f, s, "same") == top
    if (f - s) % 2 == 0:
        assert keras_transposed_size(n, f, s, "same") == (n - 1) * s + f - 2 * ((f - s) // 2)

# %% cell 39: the animation's kernel is symmetric, so it would hide the flip
assert (TRANSPOSED_EXAMPLE_KERNEL == TRANSPOSED_EXAMPLE_KERNEL[::-1, ::-1]).all()

# %% cell 40: the kernel slid as it is (not flipped) gives another result than stamping
assert not np.allclose(unflipped, stamps)

# %% cell 41: output (2, 1)'s window entry (r, c) is an input whose stamp adds kernel[2 - r, 2 - c]
window = padded[i:i + 3, j:j + 3]                       # the window the cell prints
assert sorted(zip(*np.nonzero(window), strict=True)) == [(0, 1), (2, 1)]
stamp_entries = []
for r, c in zip(*np.nonzero(window), strict=True):     # as the cell finds them
    row_in, col_in = (i + r - 2) // 2, (j + c - 2) // 2
    a, b = i - 2 * row_in, j - 2 * col_in
    stamp_entries.append(((r, c), (row_in, col_in), (a, b)))
    assert window[r, c] == TRANSPOSED_EXAMPLE_X[row_in, col_in] and (a, b) == (2 - r, 2 - c)
assert stamp_entries == [((0, 1), (0, 0), (2, 1)), ((2, 1), (1, 0), (0, 1))]
assert flipped_window_inputs(padded, kernel_3x3, (i, j), 2) == stamp_entries   # what it prints

# %% cell 41: output (2, 1) = 1 * 0 + 3 * 2 = 6 with the flipped kernel, 2 without (figure title)
window = padded[i:i + 3, j:j + 3]
assert np.sum(window * kernel_3x3[::-1, ::-1]) == stamps[i, j] == via_convolution[i, j] == 6
assert np.sum(window * kernel_3x3) == unflipped[i, j] == 2
assert via_convolution[i, j] == 1 * 0 + 3 * 2 == 6

# %% cell 41: the figure's output is Conv2DTranspose's (its title says so)
transposed_2x2 = layers.Conv2DTranspose(1, 3, strides=2, use_bias=False, name="figure_check")
transposed_2x2.build((None, 2, 2, 1))
transposed_2x2.set_weights([kernel_3x3.reshape(3, 3, 1, 1).astype("float32")])
keras_5x5 = transposed_2x2(TRANSPOSED_EXAMPLE_X.reshape(1, 2, 2, 1).astype("float32"))[0, :, :, 0]
np.testing.assert_allclose(via_convolution, keras_5x5)

# %% cell 82: stamping does 36 multiplications, the zero-inserted convolution 225
assert (stamp_mults, sliding_mults) == (36, 225)

# %% cell 82: 189 of the 225 multiply an inserted or padded zero: each input value meets 9 weights
is_input = np.zeros(padded.shape, dtype=bool)
is_input[2:-2:2, 2:-2:2] = True                                 # where the 4 input values sit
assert padded[is_input].tolist() == TRANSPOSED_EXAMPLE_X.ravel().tolist()
assert not padded[~is_input].any()                              # every other entry: a zero
meets_input = sum(int(is_input[r:r + 3, c:c + 3].sum()) for r in range(5) for c in range(5))
assert meets_input == stamp_mults == 36 and sliding_mults - meets_input == 189

# %% cell 49: im2col's matrix times the kernel and C times the input are the same product
np.testing.assert_allclose(im2col(x_6x6, 3) @ kernel_c.ravel(), C @ x_6x6.ravel())

# %% cell 49: every row of C holds the kernel's 9 weights
assert (np.count_nonzero(C, axis=1) == 9).all()

# %% cell 48: the course's conv_matrix builds the same C as the loop
np.testing.assert_array_equal(conv_matrix((6, 6), kernel_c), C)

# %% cell 87: <Cx, y> = <x, C.T y> for every x and y (here, random ones, one channel)
pair_rng = np.random.default_rng(52)
for _ in range(3):
    x_any, y_any = pair_rng.standard_normal((6, 6)), pair_rng.standard_normal((4, 4))
    left = np.sum(conv2d(x_any, kernel_c) * y_any)                      # <Cx, y>
    right = np.sum(x_any * keras_transposed(y_any, kernel_c, 1))        # <x, C.T y>
    np.testing.assert_allclose(left, right, rtol=1e-5)

# %% cell 88: a new layer's bias is 0, so the layer is the transpose alone
assert not wide_transposed.bias.numpy().any()

# %% cell 53: the shape comes back, the values do not, even rescaled; C keeps 16 directions
down = conv2d(x_6x6, kernel_c)                   # 6x6 -> 4x4
back = conv2d_transpose(down, kernel_c)          # 4x4 -> 6x6
scale = (back * x_6x6).sum() / (back * back).sum()
assert back.shape == x_6x6.shape and not np.allclose(back, x_6x6)
assert np.abs(scale * back - x_6x6).max() > 1
assert miss == np.linalg.norm(scale * back - x_6x6) / np.linalg.norm(x_6x6) and miss > 0.5
assert rank == 16

# %% cell 56: away from the border F = 3 covers pixels 1, 2 or 4 times, F = 4 4 times each
assert set(counts_3[2:-2, 2:-2].ravel().tolist()) == {1, 2, 4}
assert set(counts_4[2:-2, 2:-2].ravel().tolist()) == {4}

# %% cell 56: balanced weights (0.5, 1, 0.5) per axis keep a flat input flat at F = 3, S = 2 (Keras)
balanced_layer = layers.Conv2DTranspose(1, 3, strides=2, use_bias=False, name="balanced")
balanced_layer.build((None, 4, 4, 1))
balanced_layer.set_weights([np.outer(balanced_1d, balanced_1d).reshape(3, 3, 1, 1)
                            .astype("float32")])
np.testing.assert_allclose(balanced_layer(np.ones((1, 4, 4, 1), "float32"))[0, :, :, 0],
                           balanced)
assert np.all(balanced[2:-2, 2:-2] == 1) and len(set(balanced_1d.tolist())) > 1

# %% cell 59: 28 -> 14 -> 7 (the 7x7x8 code) -> 14 -> 28
shapes = [autoencoder.get_layer(name).output.shape[1:]
          for name in ("encode1", "encode2", "decode1", "decode2")]
assert shapes == [(14, 14, 16), (7, 7, 8), (14, 14, 16), (28, 28, 1)]

# %% cell 74: 'valid' gives 24x24x32, 24 * 24 * 32 * 5 * 5 * 192 multiplications, the same weights
assert valid_model.output_shape[1:] == (24, 24, 32)
assert keras_mults(valid_model) == conv_mults((28, 28, 192), 5, 32) == 24 * 24 * 32 * 5 * 5 * 192
assert valid_model.count_params() == same_model.count_params() == direct_model.count_params()
assert same_model.output_shape[1:] == (28, 28, 32) and keras_mults(same_model) == direct

# %% cell 78: one pass scores 7x7 positions; the head costs the same both ways, Conv2D(8, 3) not
assert head == 49 * 24 * 24 * 8 * 10 == 2_257_920
assert one_pass == conv_mults((32, 32, 3), 3, 8) + head and one_pass - head == 194_400
assert per_crop == 49 * conv_mults((26, 26, 3), 3, 8) + head and per_crop - head == 6_096_384
for size, positions in [(32, (7, 7, 10)), (26, (1, 1, 10))]:    # conv_mults against Keras's layers
    net = keras.Sequential([keras.Input((size, size, 3)), layers.Conv2D(8, 3, name="features"),
                            layers.Conv2D(10, 24, name="fc_as_conv")], name=f"net_{size}")
    assert net.output_shape[1:] == positions
    assert keras_mults(net) == features_and_head_mults(size)

# %% cell 80: the crops (top, bottom) are the course helper's, and P = (F - S) / 2 when equal
for f, s, padding, crop in [(3, 2, "valid", (0, 0)), (4, 2, "valid", (0, 0)),
                            (3, 3, "valid", (0, 0)), (3, 1, "same", (1, 1)),
                            (3, 2, "same", (0, 1)), (4, 2, "same", (1, 1))]:
    if padding == "same":
        assert conv_transpose_crop(4, f, s, "same") == crop[0]
    if crop[0] == crop[1]:      # P on each side: O = (N - 1) * S + F - 2P
        assert keras_transposed_size(4, f, s, padding) == (4 - 1) * s + f - 2 * crop[0]
        assert padding == "valid" or crop[0] == (f - s) / 2

# %% cell 84: a stride-2 'same' Conv2D takes 7 and 8 to 4; output_padding 0 and 1 give them back
for size in (7, 8):
    down = layers.Conv2D(1, 3, strides=2, padding="same", name=f"down_from_{size}")
    down_size = down(np.zeros((1, size, size, 1), dtype="float32")).shape[1]
    back = keras_transposed_size(4, 3, 2, "same", output_padding=size - 7)
    assert down_size == 4 and back == size
    # the general formula, O = (N - 1) * S + F - 2P + output_padding with P = F // 2
    assert back == (4 - 1) * 2 + 3 - 2 * (3 // 2) + (size - 7)
    assert back == conv_transpose_output_size(4, 3, 2, "same", output_padding=size - 7)
assert keras_transposed_size(4, 3, 2, "same") == 8

# %% cell 84: F = 4 gives 7 with output_padding=1; 0 would give 6, which the helper and Keras refuse
assert conv_transpose_output_size(4, 4, 2, "same", output_padding=1) == 7
try:
    conv_transpose_output_size(4, 4, 2, "same", output_padding=0)
    helper_refused = False
except ValueError:
    helper_refused = True
assert helper_refused
assert keras_refused

# %% cell 86: the inverse gives x_small back; the transpose does not
np.testing.assert_allclose(undone, x_small, atol=1e-9)
assert not np.allclose(transposed_back, x_small)

# %% cell 90: unequal weights: the interior is not flat; its rows differ by 16, its columns by 4
assert len(np.unique(flat_output[2:-2, 2:-2])) > 1
assert (row_step, col_step) == (16, 4)

# %% cell 92: after UpSampling2D every pixel away from the border is the sum of the weights
assert np.all(inside == uneven_kernel.sum())

# %% cell 92: the convolution after UpSampling2D costs 4x the stamps: 1,024 against 256
assert resize_cost == 4 * stamp_cost == 1024

# %% cell 94: bilinear starting weights keep a flat input flat away from the border
assert np.allclose(from_bilinear[2:-2, 2:-2], 1)
assert bilinear_1d[0] + bilinear_1d[2] == 1 == bilinear_1d[1] + bilinear_1d[3]

# %% cell 62: on MNIST's black background (0) the output is pinned near 0, where a pattern would
# hide; flat gray sits mid-range
background = np.median(reconstructions[test_images == 0])     # where the test digits are black
assert background < 0.05 and 0.2 < gray_inside.mean() < 0.8, (background, gray_inside.mean())

# %% cell 62: away from the border the encoder turns flat gray into a flat code
gray_code = keras.Sequential(autoencoder.layers[:2])(np.full((1, 28, 28, 1), 0.5, "float32"))
code_inside = gray_code.numpy()[0, 1:-1, 1:-1]                # the 7x7x8 code, border left out
assert np.allclose(code_inside, code_inside[0, 0], atol=1e-6)  # the same 8 values everywhere

# %% cell 63: the probe's values are more than 5% of their mean apart; spread is the block's too
assert spread > 0.05 and gray_inside.shape == (12, 12), spread
assert abs(spread - repeating_block(gray_inside)[2]) < 1e-3   # the block spans the range

# %% cell 64: the F = 3 decoder turns flat gray into one 4x4 block repeated, not flat
assert repeating_block(gray_inside)[1] and np.ptp(gray_inside) > 0.05 * gray_inside.mean()
assert repeats                                            # what Going further prints for F = 3

# %% cell 95: F = 4's decoder has 77% more weights; UpSampling2D's as many as F = 3's
assert decoder_params(even_autoencoder) == 2_321 and decoder_params(autoencoder) == 1_313
assert resize_autoencoder.count_params() == autoencoder.count_params() == 2_633
assert decoder_params(resize_autoencoder) == decoder_params(autoencoder) == 1_313
assert decoder_weights == {"F = 3": 1_313, "F = 4": 2_321, "UpSampling2D + Conv2D": 1_313}
assert f"{decoder_weights['F = 4'] / decoder_weights['F = 3'] - 1:+.0%}" == "+77%"

# %% cell 96: UpSampling2D + Conv2D slides the same kernels over maps 4 times larger
resize_layers = [layer for layer in resize_autoencoder.layers
                 if type(layer) is layers.Conv2D and "decode" in layer.name]
assert resize_mults == 4 * transposed_mults == sum(
    int(np.prod(layer.output.shape[1:3])) * int(np.prod(layer.kernel.shape))
    for layer in resize_layers)

# %% cell 97: F = 4 repeats a 4x4 block varying over 5%, less than F = 3's; UpSampling2D is flat
assert even_repeats and 0.05 < even_spread < spread, (even_repeats, even_spread, spread)
assert resize_error < 0.02 and resize_spread < 1e-5, (resize_error, resize_spread)

# %% cell 97: all three errors are below 0.02 and under a quarter of the average digit's
# (measured: at most 0.0071 and 10% of 0.0691, margins of about 2.8x and 2.5x)
for name, value in [("F = 3", error), ("F = 4", even_error), ("UpSampling2D", resize_error)]:
    assert value < 0.02 and value < baseline / 4, (name, value, baseline)
