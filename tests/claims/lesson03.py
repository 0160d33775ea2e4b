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

# %% cell 31: change is 0 if unchanged, larger the more it changed; two digits' maps about 1.2
assert change(outputs["line detector"][0], outputs["line detector"][0]) == 0
assert round(other_digits, 1) == 1.2

# %% cell 33: the detector keeps almost none in place; max pooling about a third, average less
assert shares["line detector"] < 0.01
assert 0.3 < shares["2x2 max pooling"] < 0.4 and shares["2x2 average pooling"] < 0.15

# %% cell 34: by the change, max and average pooling are level, both below the detector's
max_change_6, average_change_6 = (change(*outputs[name])
                                  for name in ("2x2 max pooling", "2x2 average pooling"))
assert abs(max_change_6 - average_change_6) < 0.03, (max_change_6, average_change_6)
assert shares["2x2 max pooling"] > 4 * shares["2x2 average pooling"]   # yet max keeps more
assert change(*outputs["line detector"]) > max(max_change_6, average_change_6) + 0.3

# %% cell 34: the level changes are about two thirds of two different digits' (1.180)
assert round(other_digits, 3) == 1.180 and other_digits > change(*outputs["line detector"])
for name in ("2x2 max pooling", "2x2 average pooling"):
    assert abs(change(*outputs[name]) / other_digits - 2 / 3) < 0.03, name
assert (np.roll(y_test, 1) != y_test).mean() > 0.85                   # mostly different digits

# %% cell 34: a mean stays when what enters its window equals what leaves it (mostly nothing)
detector, detector_moved = (maps[..., 0] for maps in outputs["line detector"])   # 26x26 maps
before, after = (maps[..., 0] for maps in outputs["2x2 average pooling"])          # 13x13
stays = np.isclose(after, before, atol=1e-6) & (before > 0)
n = len(detector)
leaves = detector[:, :, 1::2].reshape(n, 13, 2, 13).sum(axis=2)         # column 2j + 1 leaves
enters = detector_moved[:, :, 0::2].reshape(n, 13, 2, 13).sum(axis=2)   # column 2j - 1 enters
np.testing.assert_allclose(enters[stays], leaves[stays], atol=1e-5)     # in equals out
something = (leaves > 1e-6)[stays].mean()
assert 0 < something < 0.05, something                                  # almost always nothing

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
assert abs(maximum_same - shares["2x2 max pooling"]) < 0.01
assert maximum_right == 1.0 and detector_right == 1.0     # the detector moves along (equivariant)

# %% cell 68: the global average stays for almost every digit, except after max pooling (2-15% off)
assert same_mean["line detector"] > 0.95 and same_mean["2x2 max pooling"] < 0.05
assert same_mean["2x2 average pooling"] > 0.95 and 0.02 < gap_change < 0.15
assert 0.9 < same_mean["2x2 maximum, stride 1"]                          # "most digits"

# %% cell 69: average pooling's windows tile the 26x26 map: its mean is the detector map's mean
for average_maps, detector_maps in zip(outputs["2x2 average pooling"], outputs["line detector"],
                                       strict=True):
    assert detector_maps.shape[1] % 2 == 0 and detector_maps.shape[2] % 2 == 0
    np.testing.assert_allclose(average_maps.mean(axis=(1, 2)), detector_maps.mean(axis=(1, 2)),
                               atol=1e-6)

# %% cell 69: a third across the lines, a quarter along; along, it rises more often (30%, 23%)
kept, rose = unchanged["unchanged"], unchanged["rose"]
vertical, horizontal = "vertical-line detector", "horizontal-line detector"
assert np.isclose(kept[vertical, "shift right"], shares["2x2 max pooling"])
across = [(vertical, "shift right"), (horizontal, "shift down")]
along = [(vertical, "shift down"), (horizontal, "shift right")]
assert all(abs(kept[key] - 1 / 3) < 0.02 for key in across), kept       # "a third across"
assert all(abs(kept[key] - 0.25) < 0.02 for key in along), kept         # "a quarter along"
assert all(abs(rose[key] - 0.30) < 0.015 for key in along), rose        # "about 30%"
assert all(round(rose[key], 2) == 0.23 for key in across), rose         # "23% across"

# %% cell 72: a 2-pixel shift moves every output exactly; stride 1 moves along, stride 2 does not
assert largest_gap < 1e-5
strides = pd.Series({name: stride for name, (_, stride) in compared.items()})
unshifted, moved_along = aliasing.columns
assert (aliasing.loc[strides == 1, moved_along] < 0.02).all()           # "about 0"
assert (aliasing.loc[strides == 2, moved_along] > 0.4).all()            # stride 2: between,
assert (abs(aliasing.loc[strides == 2, moved_along]                     # as far from both
            - aliasing.loc[strides == 2, unshifted]) < 0.03).all()

# %% cell 73: sampling alone brings no gain (1.15); the drop to 0.77 or 0.78 is the summary's
unshifted, moved_along = aliasing.columns
change_of = aliasing[unshifted]
assert change_of[["line detector", "line detector, stride 2"]].round(2).tolist() == [1.15, 1.15]
assert change_of[["then 2x2 max pooling", "then 2x2 average pooling"]].round(2).tolist() == [
    0.77, 0.78]
assert abs(change_of["then 2x2 maximum, stride 1"] - change_of["then 2x2 max pooling"]) < 0.01
max_pooled_6 = change(*outputs["2x2 max pooling"])                      # section 6's number
assert np.isclose(change_of["then 2x2 max pooling"], max_pooled_6)

# %% cell 73: MaxBlurPool changes less (0.53), as little as its control, which moves along
unshifted, moved_along = aliasing.columns
blur_pool = aliasing.loc["then MaxBlurPool"]
control = aliasing.loc["then max + blur, stride 1 (control)"]
assert round(blur_pool[unshifted], 2) == 0.53
assert blur_pool[unshifted] < aliasing.loc["then 2x2 max pooling", unshifted] - 0.1
assert abs(control[unshifted] - blur_pool[unshifted]) < 0.01            # as much as the control
assert control[moved_along] < 0.02                                      # the control moves along

# %% cell 77: 'same' pooling adds no zeros: the corner window holds one value
same_pooled = {kind: pooling(2, padding="same", name=f"{kind}_same_claim")(negative)
               .numpy()[0, :, :, 0]
               for kind, pooling in [("max", layers.MaxPooling2D),
                                     ("average", layers.AveragePooling2D)]}
assert same_pooled["max"].tolist() == [[-1, -3], [-7, -9]]
assert same_pooled["average"][1, 1] == -9

# %% cell 77: the first 'same' window of the 5x5 map holds rows and columns 0-1 only
assert five_max[0, 0, 0, 0] == 7 and five_max.shape[1] == 3

# %% cell 79: two convolutions per pooling end at 4x4x32 and see more than one per pooling
assert two_per_pool.get_layer("pool2").output.shape[1:] == (4, 4, 32) and two > one

# %% cell 81: with ReLU after the first, two 3x3 layers are no longer one 5x5 layer
assert with_relu > 0.5
assert (a + b).max() != a.max() + b.max()

# %% cell 83: five sigmoid slopes multiply to under 0.001; ReLU's slope is 1 where z > 0
assert np.isclose(sigmoid_slope.max(), 0.25) and sigmoid_slope.max() ** 5 < 0.001
assert (relu_slope[z > 0] == 1).all()
