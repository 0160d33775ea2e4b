# What lesson 02's text concludes from its cells (tests/claims_runner.py says how this runs).
import keras
import numpy as np

from course_utils import conv_mults, conv_output_size, conv_params, same_padding

# %% cell 0: Conv2D(6, 5) keeps 456 parameters on any image size; Dense(6) on 224x224x3: 903,174
assert counts[28]["Conv2D(6, 5) parameters"] == counts[224]["Conv2D(6, 5) parameters"] == 456
assert counts[224]["Dense(6) parameters"] == 903_174
# %% cell 4: the face is brighter in red than in blue, the background (top right) the reverse
assert face[..., 0].mean() > face[..., 2].mean()
assert background[..., 2].mean() > background[..., 0].mean()
# %% cell 6: channels-first holds the same channels: the red one is first either way
assert np.array_equal(photo_channels_first[0], photo[:, :, 0])
# %% cell 11: the three per-channel sums are parts of the one map: their sum plus the bias is it
np.testing.assert_allclose(per_channel.sum(axis=-1) + bias, feature_map)
# %% cell 16: the red detector answers above zero on the face, below on the background
assert box_means["face"] > 0.2 and box_means["background"] < -0.2
# %% cell 32: each side follows lesson 01's formula, with and without padding="same"
for padding in ("valid", "same"):
    shape_layer = keras.layers.Conv2D(3, 5, strides=2, padding=padding,
                                      name=f"claim_three_filters_{padding}")
    keras_shape = shape_layer.compute_output_shape((None, 7, 9, 3))[1:]
    formula = (conv_output_size(7, 5, stride=2, padding=padding),
               conv_output_size(9, 5, stride=2, padding=padding), 3)
    assert keras_shape == formula, (padding, keras_shape, formula)
assert conv_output_size(7, 5, stride=2) == (7 - 5) // 2 + 1 == 2
# %% cell 34: Keras stores Conv2D(6, 5)'s filters as (kh, kw, in, out) and its biases as (out,)
assert tuple(layer.kernel.shape) == (5, 5, 3, 6) and tuple(layer.bias.shape) == (6,)
# %% cell 39: conv1 stores 78 parameters, conv2 456; conv1 outputs 1,728 values per image
assert [conv1.count_params(), conv2.count_params()] == [conv_params(5, 1, 3),
                                                        conv_params(5, 3, 6)] == [78, 456]
assert outputs_per_image == [24 * 24 * 3, 20 * 20 * 6]
# %% cell 41: the count read from the Keras layer is the formula's
assert mults_from_keras == conv_mults((28, 28, 1), 5, 3) == 24 * 24 * 3 * 5 * 5 * 1
# %% cell 43: 456 parameters on both sizes; 48,400 times that without sharing; Dense grows
assert counts[28]["Conv2D(6, 5) parameters"] == counts[224]["Conv2D(6, 5) parameters"] == 456
assert counts[224]["without sharing"] == 220 * 220 * 456
assert (counts[28]["Dense(6) parameters"], counts[224]["Dense(6) parameters"]) == (14_118, 903_174)
# %% cell 58: "same" pads (1, 1) on 5x5 and (0, 1) on 6x6, where its windows differ
assert same_padding(5, 3, 2) == (1, 1) and same_padding(6, 3, 2) == (0, 1)
assert same_6.shape == padded_6.shape and not np.array_equal(same_6, padded_6)
# %% cell 60: AlexNet's conv1: 34,944 parameters, about 105 million multiplications, and
# without sharing 3,025 times the parameters: one weight per multiplication plus 290,400 biases
assert all(row["parameters"] == conv_params(row["kernel F"], 3, row["filters"]) for row in rows)
assert alexnet["output"] == (55, 55, 96) and alexnet["parameters"] == 34_944
assert alexnet["multiplications"] == 55 * 55 * 96 * (11 * 11 * 3) > 3000 * alexnet["parameters"]
assert unshared == 55 * 55 * 96 * (11 * 11 * 3 + 1) == 105_705_600
assert unshared - alexnet["multiplications"] == positions * 96 == 290_400
# %% cell 63: divided by 12, the edge filter answers +1 and -1 on the two sharpest edges
assert np.isclose(edges["white to black"], 1) and np.isclose(edges["black to white"], -1)
# %% cell 65: the face holds the edges; the background and the jacket are nearly flat
assert inside.drop("face").max() < 0.02 < inside["face"]
# %% cell 66: the face answers more than ten times as strongly as the background and jacket
assert inside["face"] > 10 * inside.drop("face").max()
