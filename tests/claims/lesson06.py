# What lesson 06's text concludes from its cells (tests/claims_runner.py says how this runs).
# "cell N" is the notebook cell's index (0-based, markdown cells counted). The checks of NumPy
# against TensorFlow and Keras, which the lesson teaches, stay in the notebook.

import numpy as np

from course_utils import (
    conv2d,
    conv2d_backward,
    conv2d_backward_im2col,
    conv2d_im2col,
    conv_matrix,
    usage_counts,
)

# %% cell 6: the loss falls at every step
assert all(np.diff(losses) < 0), losses
# %% cell 6: after 20 steps the kernel is within 0.02 of [[1, -1]]
np.testing.assert_allclose(kernels[-1], true_kernel.ravel(), atol=0.02)

# %% cell 7: the weights zig-zag: each step overshoots the optimum along the most curved direction
overshoots = (kernel_path[:11] - true_kernel.ravel()) @ most_curved
assert np.all(overshoots[1:] * overshoots[:-1] < 0), overshoots

# %% cell 10: the edge for this loss is η ≈ 0.033 (2/60, Going further A): 0.03 < 0.033 < 0.04
largest_curvature = np.linalg.eigvalsh(
    [conv2d(image, 2 * conv2d(image, unit[None])).ravel() for unit in np.eye(2)]).max()
np.testing.assert_allclose(largest_curvature, 60, rtol=1e-9)
np.testing.assert_allclose(largest_curvature, curvatures.max(), rtol=1e-9)
assert edge_learning_rate < 2 / largest_curvature < 0.04
assert round(2 / largest_curvature, 3) == 0.033

# %% cell 11: at a learning rate of 0.04 the loss grows at every step
assert np.all(np.diff(descend(0.04)) > 0)

# %% cell 18: dL/dK = conv2d(x, G), nothing flipped
np.testing.assert_array_equal(conv2d(x, G), grad_kernel)
# %% cell 18: the worked pixel, dL/dX[1, 1] = 7
pixel_11 = (G[0, 0] * kernel[1, 1] + G[0, 1] * kernel[1, 0]
            + G[1, 0] * kernel[0, 1] + G[1, 1] * kernel[0, 0])
assert pixel_11 == grad_x[1, 1] == 7, (pixel_11, grad_x[1, 1])
# %% cell 18: dL/dX = G padded by F - 1 = 2, under the flipped kernel
np.testing.assert_array_equal(full_convolution, grad_x)

# %% cell 20: conv2d_backward computes the loops' three gradients
for helper, ours in zip(conv2d_backward(x, kernel, G), (grad_x, grad_kernel, grad_bias),
                        strict=True):
    np.testing.assert_allclose(np.ravel(helper), np.ravel(ours))
# %% cell 20: lesson 04's matrix view, dL/dX = C^T G
np.testing.assert_array_equal(conv_matrix((4, 4), kernel).T @ G.ravel(), grad_x.ravel())

# %% cell 25: row 5 and column 5, which no window reads, get no gradient
assert np.all(grad_x6[5, :] == 0) and np.all(grad_x6[:, 5] == 0)
assert np.all(reads6[5, :] == 0) and np.all(reads6[:, 5] == 0)
# %% cell 24: the read pixels with no gradient are where only K's own zeros were stamped
zeros_stamped = conv2d_backward(x6, (kernel != 0).astype(float), np.abs(G) + 1, stride=2)[0] == 0
np.testing.assert_array_equal((grad_x6 == 0) & (reads6 > 0), zeros_stamped & (reads6 > 0))
assert ((grad_x6 == 0) & (reads6 > 0)).sum() > 0
# %% cell 25: every other pixel is read by 1, 2 or 4 windows
assert set(np.unique(reads6)) == {0, 1, 2, 4}
# %% cell 26: the 4 stamps, 2 apart, add up to dL/dX
stamps = np.zeros((6, 6))
for i, j in np.ndindex(G.shape):                  # window (i, j) starts at (2i, 2j)
    stamps[2 * i:2 * i + 3, 2 * j:2 * j + 3] += G[i, j] * kernel
np.testing.assert_array_equal(stamps, grad_x6)

# %% cell 28: "same": dL/dX is the padded input's gradient without its border
np.testing.assert_array_equal(grad_x_same, grad_padded[1:-1, 1:-1])

# %% cell 32: dL/dK of the batch adds up the contributions of every image
per_image = [conv2d_backward(images[b:b + 1], filters, G_batch[b:b + 1], stride=2,
                             padding="same")[1] for b in range(2)]
np.testing.assert_allclose(grad_filters, per_image[0] + per_image[1])

# %% cell 34: the matrix products give the loops' gradients, as conv2d_backward_im2col does
np.testing.assert_allclose(grad_filters_mm, grad_filters, atol=1e-12)
np.testing.assert_allclose(grad_images_mm, grad_images, atol=1e-12)
fast = conv2d_backward_im2col(images, filters, G_batch, stride=2, padding="same")
for ours, theirs in zip(fast, [grad_images, grad_filters, grad_biases], strict=True):
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
# %% cell 34: col2im is the transpose of im2col, not its inverse: x times the usage counts
uses = usage_counts((5, 5), 3, stride=2, padding="same")
np.testing.assert_allclose(round_trip, images * uses[None, :, :, None], atol=1e-12)
assert not np.allclose(round_trip, images)

# %% cell 38: at h = 1e-3 the one-sided difference is far worse than the centred one
assert steps_h[4] == 1e-3
assert errors_h["one-sided, float64"][4] > 1000 * errors_h["centred, float64"][4]
# %% cell 38: centred float64 is best, near 1e-12, for h between 1e-7 and 1e-5
assert best["centred, float64"][0] < 1e-11 and 1e-7 <= best["centred, float64"][1] <= 1e-5
# %% cell 38: one-sided and float32 never get close
assert best["one-sided, float64"][0] > 100 * best["centred, float64"][0]
assert best["centred, float32"][0] > 1e-7

# %% cell 40: section 4's backward pass is right: both relative errors below 1e-7
assert all(error < 1e-7 for error in errors.values()), errors

# %% cell 42: the check tells the right dL/dX from the unflipped one
assert right_error < 1e-6 and buggy_error > 0.1, (right_error, buggy_error)

# %% cell 50: ties are common in section 7's CNN: over a tenth of a batch's windows (C)
assert positive_ties.sum() > 0.1 * window_max.size, (positive_ties.sum(), window_max.size)
# %% cell 50: one maximum per window gives TensorFlow's dL/dK and dL/db, the last one too (C)
for new, old in zip(tie_grads["the last maximum"], first, strict=True):
    assert relative_error(new.astype(float), old.astype(float)) < 1e-6
# %% cell 50: every tied maximum does not: dL/db changes by over half its size (C)
every_db = tie_grads["every tied maximum"][1]
assert np.linalg.norm(every_db - first[1]) > 0.5 * np.linalg.norm(first[1])
# %% cell 51: at a tie, the numerical gradient is not TensorFlow's
assert not np.allclose(tie_numerical, tie_tf)
# %% cell 51: without ties, max pooling's backward pass passes the check
assert pool_error < 1e-6, pool_error

# %% cell 66: a > 0 exactly where z > 0, so the ReLU step needs a only and z can go
first_z = conv2d_im2col(first_batch, *weights[:2])
np.testing.assert_array_equal(first_a > 0, first_z > 0)

# %% cell 71: the network learned
assert numpy_losses[-20:].mean() < numpy_losses[:20].mean() / 3
# %% cell 71: step 1's loss is close to ln 10, a uniform guess over 10 classes
assert abs(numpy_losses[0] - np.log(10)) < 0.2, numpy_losses[0]

# %% cell 75: every filter moved, some to more than 1.5 times their starting size
assert moved_k.min() > 0.2 and moved_k.max() > 1.5, moved_k
# %% cell 75: the three that moved most have a strong positive and a strong negative side
for f in most_moved:
    trained_k = numpy_weights[0][:, :, 0, f]
    assert trained_k.max() > 0.4 * limit_k and trained_k.min() < -0.4 * limit_k, f

# %% cell 79: each gradient's product costs one forward pass
assert middle_patches.shape[0] * middle_K2.size == forward_mults
assert middle_G2.shape[0] * middle_K2.size == forward_mults
# %% cell 79: at stride 2 the sliding form is G dilated to 27x27, padded to 31x31, flipped kernel
G_s2 = np.random.default_rng(1).standard_normal((1, 14, 14, 16))
dilated_s2 = np.zeros((27, 27, 16))
dilated_s2[::2, ::2] = G_s2[0]
sliding_s2 = conv2d(np.pad(dilated_s2, ((2, 2), (2, 2), (0, 0))),
                    np.flip(middle_kernel, axis=(0, 1)).transpose(0, 1, 3, 2))
np.testing.assert_allclose(sliding_s2[:28, :28], conv2d_backward(
    middle_x[:1], middle_kernel, G_s2, stride=2, padding="same")[0][0], rtol=1e-5, atol=1e-4)
assert 16 * sliding_s2.size * 3 * 3 * 16 == sliding_mults
assert 4 * scatter_mults == forward_mults   # stride 2: a quarter of the windows
# %% cell 78: about S² = 4 times as many multiplications
assert 3.5 < sliding_mults / scatter_mults < 5, sliding_mults / scatter_mults
# %% cell 79: cell 0's numbers: the CNN's 13,610 weights, 2 forward passes each per step
assert weight_count == 13_610 and 2 * weight_count == 27_220, weight_count

# %% cell 84: conv2d's second derivatives are the matrix 2XᵀX
np.testing.assert_allclose(hessian, 2 * windows.T @ windows, rtol=1e-12)
# %% cell 84: 12 bright, 18 dark and 12 edge windows give the eigenvalues 12 and 60
assert counts == {"bright": 12, "dark": 18, "edge": 12}, counts
assert np.allclose(curvatures, [2 * 12 * 0.5, 2 * (12 * 2 + 12 * 0.5)]) and 0.03 < 2 / top < 0.04
# %% cell 84: the eigenvectors are (1, -1) and (1, 1), normalised
assert np.allclose(np.abs(directions), np.sqrt(0.5))
# %% cell 84: eta = 0.03 multiplies the distance along (1, 1) by 1 - 0.03 * 60 = -0.8 per step
np.testing.assert_allclose(np.divide(distances[1:], distances[:-1]), 1 - 0.03 * top, rtol=1e-3)
# %% cell 83: the most curved direction (λ = 60) sets the edge, 2/60 ≈ 0.033
assert top == curvatures.max() and round(2 / top, 3) == 0.033
# %% cell 84: either side of 2/60: 0.033 settles, 0.034 explodes
assert 0.033 < 2 / top < 0.034
assert final[0.033] < 0.1 and final[0.034] > 1e6, final

# %% cell 88: training's peak is above prediction's
assert training_peak > prediction_peak
# %% cell 90: in a stack, training's estimate grows with depth, prediction's does not
training_peaks, prediction_peaks = memory.iloc[:, 0], memory.iloc[:, 1]
assert (training_peaks > prediction_peaks).all() and training_peaks[16] > 8 * prediction_peaks[16]

# %% cell 92: a positive tie is almost always blank background
assert (positive_ties & blank).sum() > 0.9 * positive_ties.sum() > 1000, positive_ties.sum()
# %% cell 92: which tied maximum gets the gradient changes dL/dK and dL/db by rounding only
for new, old in zip(tie_grads["the last maximum"], first, strict=True):
    assert relative_error(new.astype(float), old.astype(float)) < 1e-6
# %% cell 92: giving it to every tied maximum changes dL/db by almost its own size, dL/dK a little
every = [np.linalg.norm(new - old) / np.linalg.norm(old)
         for new, old in zip(tie_grads["every tied maximum"], first, strict=True)]
assert 0.01 < every[0] < 0.1 and 0.6 < every[1] < 1.2, every
# %% cell 92: and one filter's dL/db changes sign
flips = np.sign(tie_grads["every tied maximum"][1]) != np.sign(first[1])
assert flips.sum() >= 1 and np.abs(first[1][flips]).max() < 0.01, first[1][flips]

# %% cell 94: C^T (C x), what conv2d_transpose gives back, is not x: C (4x16) has no inverse
np.testing.assert_array_equal(back.ravel(), C.T @ C @ x.ravel())
assert C.shape == (4, 16) and not np.allclose(back, x)
# %% cell 94: stride 2's dL/dK and dL/dX are stride 1's of the dilated G
np.testing.assert_array_equal(conv2d(x6[:5, :5], dilated), grad_kernel6)
np.testing.assert_array_equal(conv2d(np.pad(dilated, 2), np.flip(kernel)), grad_x6[:5, :5])

