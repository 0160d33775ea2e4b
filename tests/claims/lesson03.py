# What lesson 03's text concludes from its cells (tests/claims_runner.py says how this runs).
# Cell numbers are the notebook's cell indices, counted from 0.

from course_utils import conv_mults

# %% cell 3: 64 filters over a 224x224 image give 3.2 million values (section 3's stack)
assert feature_maps.shape[1:] == (224, 224, 64) and round(feature_maps[0].size / 1e6, 1) == 3.2

# %% cell 11: a pooling layer has no weights
assert pool.count_params() == 0 and pool.weights == []

# %% cell 13: lesson 01's formula gives the pooled sizes Keras computes (224 -> 112, 55 -> 27)
assert conv_output_size(224, 2, stride=2) == pooled_stack.shape[1]
assert overlapped.shape[1] == conv_output_size(55, 3, stride=2)

# %% cell 17: the measured receptive fields are full squares, of the side receptive_field gives
for name, (_, pairs) in stacks.items():
    side = int(reach[name].any(axis=1).sum())
    assert reach[name].sum() == side * side, name                       # a full square
    assert side == receptive_field(pairs), name

# %% cell 25: max pooling keeps the peak of each line map, average pooling lowers it
for name, (feature_map, max_map, average_map) in digit_maps.items():
    assert np.isclose(max_map.max(), feature_map.max()), name
    assert average_map.max() < feature_map.max(), name

# %% cell 26: the max-pooled peak sits at the peak's place, halved; the average-pooled one elsewhere
peaks = {(name, what): np.unravel_index(np.argmax(values), values.shape)
         for name, maps in digit_maps.items()
         for what, values in zip(("map", "max", "average"), maps, strict=True)}
for name in digit_maps:
    assert peaks[name, "max"] == tuple(int(i) // 2 for i in peaks[name, "map"]), name
    assert peaks[name, "average"] != peaks[name, "max"], name

# %% cell 29: the 2-wide maximum is Keras' stride-1 pooling; the pooled row neither stays nor moves
for values in (example_row, row_moved):
    np.testing.assert_array_equal(
        layers.MaxPooling1D(2, strides=1, name="max_1")(values.reshape(1, 8, 1)).numpy().ravel(),
        np.maximum(values[:-1], values[1:]))
assert not np.array_equal(pooled["moved by 1 pixel"], pooled["row"])
assert not np.array_equal(pooled["moved by 1 pixel"], moved_by_one_value)

# %% cell 33: Keras pools the 1,000 maps as pool2d does
np.testing.assert_allclose(outputs["2x2 max pooling"][0], pool2d(outputs["line detector"][0], 2))

# %% cell 33: the detector is equivariant; max pooling keeps about a third in place, average less
assert shares["line detector"][0] < 0.01 and shares["line detector"][1] == 1.0
assert 0.3 < shares["2x2 max pooling"][0] < 0.4 and shares["2x2 average pooling"][0] < 0.15

# %% cell 34: by how much the pooled map changes (Going further's change), max and average are level
max_change_6, average_change_6 = (change(*outputs[name])
                                  for name in ("2x2 max pooling", "2x2 average pooling"))
assert abs(max_change_6 - average_change_6) < 0.03, (max_change_6, average_change_6)
assert shares["2x2 max pooling"][0] > 4 * shares["2x2 average pooling"][0]   # yet max keeps more

# %% cell 36: Dense(10) has (7 * 7 * 64 + 1) * 10 weights after Flatten, (64 + 1) * 10 after GAP
assert heads.loc["Flatten", "Dense(10) parameters"] == (7 * 7 * 64 + 1) * 10
assert heads.loc["GlobalAveragePooling2D", "Dense(10) parameters"] == (64 + 1) * 10

# %% cell 38: global average pooling forgets where; it reads maps of any size
assert same_gap and not same_flat
for side in (7, 9):
    assert any_size(np.zeros((1, side, side, 64), dtype="float32")).shape == (1, 10), side

# %% cell 44: the pooling layers add 0 parameters
assert all(convnet.get_layer(name).count_params() == 0 for name in ("pool1", "pool2"))

# %% cell 46: conv2's multiplications are conv_mults'; the Dense counts are (800 + 1) * 10 and so on
for network in (convnet, no_pooling):
    conv2 = network.get_layer("conv2")
    mults = int(np.prod(conv2.output.shape[1:]) * np.prod(conv2.kernel.shape[:3]))
    assert mults == conv_mults(conv2.input.shape[1:], 3, 32), network.name
assert costs["Dense(10) parameters"].tolist() == [(800 + 1) * 10, (24 * 24 * 32 + 1) * 10]

# %% cell 68: the maximum at stride 1 keeps as many in place as max pooling, and moves along
assert abs(maximum_same - shares["2x2 max pooling"][0]) < 0.01
assert maximum_right == 1.0

# %% cell 68: the global average stays for almost every digit, except after max pooling (2-15% off)
assert same_mean["line detector"] > 0.95 and same_mean["2x2 max pooling"] < 0.05
assert same_mean["2x2 average pooling"] > 0.95 and 0.02 < gap_change < 0.15

# %% cell 70: section 6's count; a quarter to a third; most for a shift across the lines
assert np.isclose(unchanged.iloc[0, 0], shares["2x2 max pooling"][0])
assert ((0.2 < unchanged) & (unchanged < 0.4)).all().all()
assert unchanged.iloc[0, 0] > unchanged.iloc[0, 1] and unchanged.iloc[1, 1] > unchanged.iloc[1, 0]
along = [unchanged.iloc[0, 1], unchanged.iloc[1, 0]]       # vertical lines down, horizontal right
assert all(abs(share - 0.25) < 0.02 for share in along), along     # "along the lines, a quarter"

# %% cell 72: section 6's row changes by sqrt(22 / 14); its 2-wide maximum less, by 0.82
assert np.isclose(row_change, np.sqrt(22 / 14)) and abs(max_change - 0.82) < 0.005
assert max_change < row_change

# %% cell 72: sampling alone brings no gain; the four summaries change less, about level
change_of = shift_table.set_index("compared (2x2 windows)")["change"]
raw = change_of["raw pixels"]
assert abs(change_of["subsampling"] - raw) < 0.01                      # no gain
most, mean = change_of["max pooling"], change_of["average pooling"]
assert 0.25 < min(most, mean) and max(most, mean) < raw - 0.1          # pooled: less, never 0
assert abs(most - mean) < 0.04                                         # about level
stride_one, average_one = change_of["maximum, stride 1"], change_of["average, stride 1"]
assert abs(stride_one - most) < 0.01                                   # the drop: the maximum
assert abs(average_one - stride_one) < 0.01                            # the mean spreads as much

# %% cell 74: every layer moves along exactly by 2 pixels; stride 1 moves along, stride 2 does not
assert largest_gap < 1e-5
blurred = ["MaxBlurPool (stride 2)", "max + blur, stride 1 (control)"]
strides = pd.Series({name: stride for name, (_, stride) in compared.items()
                     if name not in blurred})
unshifted, moved_along = aliasing.columns
plain = aliasing.drop(blurred)                                          # the rows without the blur
assert (plain.loc[strides == 1, moved_along] < 0.01).all()              # stride 1 moves along
assert (plain.loc[strides == 2, moved_along] > 0.4).all()               # stride 2: between
assert (abs(plain.loc[strides == 2, moved_along]
            - plain.loc[strides == 2, unshifted]) < 0.03).all()
assert abs(aliasing.iloc[0, 0] - aliasing.iloc[1, 0]) < 0.01            # sampling adds nothing

# %% cell 74: the line detector changes by more than 1, less once max pooled, as much at stride 2
lines = aliasing.loc[["line detector, stride 1", "line detector, then 2x2 max pooling",
                      "line detector, stride 2"], aliasing.columns[0]]
assert lines.iloc[0] > 1 and lines.iloc[1] < lines.iloc[0] - 0.3 and lines.iloc[2] > 1

# %% cell 74: max or average pooled, the line detector changes by 0.77 or 0.78: level
pooled_lines = aliasing.loc[["line detector, then 2x2 max pooling",
                             "line detector, then 2x2 average pooling"], aliasing.columns[0]]
assert pooled_lines.round(2).tolist() == [0.77, 0.78], pooled_lines

# %% cell 74: MaxBlurPool changes less than max pooling, as much as its control, which moves along
blur_pool = aliasing.loc["MaxBlurPool (stride 2)"]
control = aliasing.loc["max + blur, stride 1 (control)"]
assert blur_pool.iloc[0] < aliasing.iloc[1, 0] - 0.05                   # it changes less
assert abs(control.iloc[0] - blur_pool.iloc[0]) < 0.01                  # as much as the control
assert control.iloc[1] < 0.01                                           # the control moves along
assert abs(blur_pool.iloc[1] - blur_pool.iloc[0]) < 0.03                # MaxBlurPool: between

# %% cell 79: 'same' pooling adds no zeros: the corner window holds one value
same_pooled = {kind: pooling(2, padding="same", name=f"{kind}_same_claim")(negative)
               .numpy()[0, :, :, 0]
               for kind, pooling in [("max", layers.MaxPooling2D),
                                     ("average", layers.AveragePooling2D)]}
assert same_pooled["max"].tolist() == [[-1, -3], [-7, -9]]
assert same_pooled["average"][1, 1] == -9

# %% cell 79: the first 'same' window of the 5x5 map holds rows and columns 0-1 only
assert five_max[0, 0, 0, 0] == 7 and five_max.shape[1] == 3

# %% cell 81: two convolutions per pooling end at 4x4x32 and see more than one per pooling
assert two_per_pool.get_layer("pool2").output.shape[1:] == (4, 4, 32) and two > one

# %% cell 83: with ReLU after the first, two 3x3 layers are no longer one 5x5 layer
assert with_relu > 0.5
assert (a + b).max() != a.max() + b.max()

# %% cell 85: five sigmoid slopes multiply to under 0.001; ReLU's slope is 1 where z > 0
assert np.isclose(sigmoid_slope.max(), 0.25) and sigmoid_slope.max() ** 5 < 0.001
assert (relu_slope[z > 0] == 1).all()
