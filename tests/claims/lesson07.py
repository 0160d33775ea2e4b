# What lesson 07's text concludes from its cells (tests/claims_runner.py says how this runs).
# Cell numbers count from 0, as nbval does. Each block runs on a copy of the notebook's variables
# after its last cell, so a name the notebook reuses later is recomputed here.
import json
import re
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from course_utils import (
    conv2d,
    conv_matrix,
    conv_output_size,
    conv_params,
    receptive_field,
    separable_mults,
)
from course_utils.architectures import (
    compare_with_keras,
    field_extent,
    layer_counts,
    predict_model,
)
from course_utils.exercises import lesson07

# %% cell 109 (note 2, cell 0 points to it): regularizers and constraints change how a layer
# trains, not what it computes: a regularizer's penalty joins the loss (model.losses, which
# compute_loss adds); a constraint projects the weights after the optimizer's update
x_claim = np.random.default_rng(0).standard_normal((2, 8, 8, 3)).astype("float32")
plain = layers.Conv2D(4, 3, name="plain")
trained = layers.Conv2D(4, 3, kernel_regularizer=keras.regularizers.L2(0.01),
                        bias_regularizer="l2", activity_regularizer="l2",
                        kernel_constraint=keras.constraints.NonNeg(),
                        bias_constraint=keras.constraints.NonNeg(), name="trained")
model_claim = keras.Sequential([keras.Input((8, 8, 3)), trained])
model_claim.compile(loss="mse")
plain.build(x_claim.shape)
trained.set_weights(plain.get_weights())
np.testing.assert_array_equal(plain(x_claim).numpy(), trained(x_claim).numpy())
output_claim = model_claim(x_claim)
assert len(model_claim.losses) == 3
penalties = sorted(float(loss) for loss in model_claim.losses)
kernel_claim = trained.kernel.numpy()
assert np.isclose(penalties[1], 0.01 * np.sum(kernel_claim**2), rtol=1e-5)   # bias 0: penalty 0
zeros = np.zeros_like(output_claim)
total = float(model_claim.compute_loss(x_claim, zeros, output_claim))
assert np.isclose(total, float(np.mean(output_claim.numpy() ** 2)) + sum(penalties), rtol=1e-5)
assert (kernel_claim - 1).min() < 0
keras.optimizers.SGD(1.0).apply_gradients([(np.ones_like(kernel_claim), trained.kernel),
                                           (np.ones(4, "float32"), trained.bias)])
assert trained.kernel.numpy().min() == 0 and trained.bias.numpy().max() == 0

# %% cell 4: the convolution's matrix holds its 9 weights, numbered by kernel tap as drawn
shared = conv_matrix((6, 6), small_kernel)
tap = conv_matrix((6, 6), np.arange(1.0, 10).reshape(3, 3)).astype(int)
assert shared.shape == (16, 36) and np.count_nonzero(shared) == 16 * 9
assert np.array_equal(shared, np.where(tap > 0, small_kernel.ravel()[tap - 1], 0))

# %% cell 4: lesson 01's counts of a 28x28 -> 26x26 layer: Dense, locally connected, Conv2D
dense = layers.Dense(26 * 26, name="dense_recap")
dense.build((None, 28 * 28))
assert dense.count_params() == 530_660 and 26 * 26 * conv_params(3, 1, 1) == 6_760
conv = layers.Conv2D(1, 3, name="conv_recap")
conv.build((None, 28, 28, 1))
assert conv.count_params() == conv_params(3, 1, 1) == 10

# %% cell 7: each axis follows lesson 01's formula with its own F and S
assert keras_maps.shape[:2] == (conv_output_size(28, 1, 2), conv_output_size(28, 5, 1)) == (14, 24)

# %% cell 9: 1x3 then 3x1 is one rank-1 3x3 kernel for 6 weights; a random 3x3 kernel has rank 3
assert row_then_column.count_params() == 6 and stacked.shape == (26, 26)
assert np.linalg.matrix_rank(kernel_3x3) == 1 and np.linalg.matrix_rank(small_kernel) == 3

# %% cell 13 (q1's statement): Keras's Conv2D refuses S > 1 with D > 1; tf.nn.conv2d runs it (the
# spread taps at stride 2, the size the formula gives), and q1's last case is one
strided = tf.nn.conv2d(digit[None, :, :, None], taps[:, :, None, None].astype("float32"), 2,
                       "VALID", dilations=2)
np.testing.assert_allclose(strided.numpy()[0, :, :, 0], conv2d(digit, taps_spread, stride=2),
                           rtol=1e-5, atol=1e-4)
assert tuple(strided.shape[1:3]) == (conv_output_size(28, 3, 2, dilation=2),) * 2 == (12, 12)
try:
    layers.Conv2D(1, 3, strides=2, dilation_rate=2, name="refused")
    refused = False
except ValueError:
    refused = True
assert refused
_, _, _, last_strides, last_dilations = lesson07._Q1_CASES[-1]
assert max(last_strides) > 1 and max(last_dilations) > 1

# %% cell 12: the output-size formula with F_eff gives Keras's size for every dilation
assert (sizes["O (formula)"] == sizes["O (Keras)"]).all()

# %% cell 18: the recurrence gives the measured field of every stack, with and without dilation
assert (fields["formula"] == fields["measured"]).all()
assert {name: field_extent(counts) for name, counts in paths.items()} == {
    name: (side, side) for name, side in fields["measured"].items()}

# %% cell 18: the weights column is each stack's F * F summed over its convolutions (the pool none)
pools = {"3x3, 2x2 pool, 3x3": 1}   # the layer that is a pooling
assert list(fields["weights per channel pair"]) == [
    sum(f * f for i, (f, _, _) in enumerate(stack) if i != pools.get(name))
    for name, stack in stacks.items()]

# %% cell 18: two 3x3 see as far as one 5x5 with fewer weights (18, 25); D = 1, 2, 4 as one 15x15
weights = fields["weights per channel pair"]
assert fields.loc["two 3x3", "measured"] == fields.loc["one 5x5", "measured"] == 5
assert weights["two 3x3"] == 18 and weights["one 5x5"] == 25
assert fields.loc["3x3, D = 1, 2, 4", "measured"] == fields.loc["one 15x15", "measured"] == 15
assert weights["3x3, D = 1, 2, 4"] == 27 and weights["one 15x15"] == 225

# %% cell 18: a 2x2 pool with stride 2 between two 3x3 layers is a layer of the recurrence too:
# field 8, as measured (the measurement runs the pool as an average pool: every pixel counts)
assert fields.loc["3x3, 2x2 pool, 3x3", "formula"] == 8 == fields.loc["3x3, 2x2 pool, 3x3",
                                                                      "measured"]
x_ones = tf.Variable(tf.ones((1, 33, 33, 1)))
with tf.GradientTape() as tape:                 # Keras's own layers: conv, average pool, conv
    h = layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False, name="c1")(x_ones)
    h = layers.AveragePooling2D(2, name="pool")(h)
    h = layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False, name="c2")(h)
    centre = h[0, h.shape[1] // 2, h.shape[2] // 2, 0]
reached = tape.gradient(centre, x_ones).numpy()[0, :, :, 0] != 0
assert np.array_equal(reached, paths["3x3, 2x2 pool, 3x3"] != 0)

# %% cell 20: D = 1, 2, 4 reach all 225 pixels, unevenly; D = 2, 2, 2 reach 49 of its 13x13
grown, gridded = paths["3x3, D = 1, 2, 4"], paths["3x3, D = 2, 2, 2"]
assert np.count_nonzero(grown) == 15 * 15 == fields.loc["3x3, D = 1, 2, 4", "pixels reached"]
assert grown[grown > 0].min() < grown.max()
assert field_extent(gridded) == (13, 13) and np.count_nonzero(gridded) == 7 * 7 == fields.loc[
    "3x3, D = 2, 2, 2", "pixels reached"]

# %% cell 25: groups=4 has 4 times fewer weights, as conv_params counts them
assert plain.count_params() == conv_params(3, 64, 128) == 73_856
assert grouped.count_params() == conv_params(3, 64, 128, groups=4) == 18_560

# %% cell 27: DepthwiseConv2D(3, depth_multiplier=2) is Conv2D(128, 3, groups=64)
assert depthwise_64.count_params() == conv_params(3, 64, 128, groups=64) == 1_280

# %% cell 29: group 0 reads channels 0-15 only; nudging channel 20 moves group 1 alone
x_var = tf.Variable(x_grouped)
with tf.GradientTape() as tape:
    group_0 = tf.reduce_sum(grouped(x_var)[..., :32])           # filters 0-31
read = np.flatnonzero(np.abs(tape.gradient(group_0, x_var).numpy()).sum(axis=(0, 1, 2)))
assert read.tolist() == list(range(16))
assert moved[..., :32].max() == 0 and moved[..., 32:64].max() > 0 and moved[..., 64:].max() == 0

# %% cell 49: MobileNet's first block: BN and ReLU after each step, a ReLU capped at 6 in Keras
for name in ("conv_dw_1", "conv_pw_1"):
    relu = mobilenet_v1.get_layer(name + "_relu")
    assert isinstance(mobilenet_v1.get_layer(name + "_bn"), layers.BatchNormalization)
    assert isinstance(relu, layers.ReLU) and relu.max_value == 6
    assert relu.input is mobilenet_v1.get_layer(name + "_bn").output

# %% cell 52: Keras's counts are the course's formulas (standard, grouped, separable)
def keras_mults(layer, input_shape=(112, 112, 32)):
    """One multiplication per kernel weight and output position, read from the Keras layer."""
    positions = int(np.prod(layer.compute_output_shape((None, *input_shape))[1:3]))
    kernels = layer.weights[:2] if isinstance(layer, layers.SeparableConv2D) else [layer.kernel]
    return positions * sum(int(np.prod(kernel.shape)) for kernel in kernels)


assert costs["parameters"].tolist() == costs["Keras count_params()"].tolist()
assert costs["multiplications"].tolist() == [keras_mults(layer)
                                             for layer in (standard, grouped_4, separable)]
assert costs.loc["Conv2D(64, 3)", ["parameters", "multiplications"]].tolist() == [
    18_496, 231_211_008]
assert costs.loc["SeparableConv2D(64, 3)", ["parameters", "multiplications"]].tolist() == [
    2_400, 29_302_784]

# %% cell 53: the figure's channel pairs hold exactly each layer's kernel weights
assert [int(w.sum()) for w in pair_weights.values()] == [
    standard.kernel.numpy().size, grouped_4.kernel.numpy().size, depthwise_kernel.size,
    pointwise_kernel.size]

# %% cell 53: the link counts read off the kernels are 9 everywhere, 9 within the 4 groups, 9 on
# the depthwise diagonal, 1 everywhere for the pointwise step
assert np.array_equal(pair_weights["Conv2D(64, 3)"], np.full((32, 64), 9))
assert np.array_equal(pair_weights["Conv2D(64, 3, groups=4)"],
                      np.kron(np.eye(4), np.full((8, 16), 9)))
assert np.array_equal(pair_weights["separable: depthwise step"], np.diag(np.full(32, 9)))
assert np.array_equal(pair_weights["separable: pointwise step"], np.ones((32, 64)))

# %% cell 55: separable / standard = 1/C_out + 1/F^2; 8.9x fewer at 1024 channels
assert np.isclose(fraction, 1 / 64 + 1 / 3**2)
assert round(widest, 1) == 8.9

# %% cell 57: channel 0's 9 x 64 weights have rank 1 (separable) and 9 (standard)
assert ranks == [1, 9]

# %% cell 83: MobileNet predicted from its recipe is its paper's 569 M; VGG-16 / MobileNet = 27x
# = 3.1x (the layout) * 8.6x (the separable layer)
assert round(v1_mults / 1e6) == 569
assert round(gap, 1) == 26.9
assert round(gap) == 27 and round(design, 1) == 3.1 and round(separable_gain, 1) == 8.6

# %% cell 88: standard MobileNet's convolutions give the paper's 4,866 M; each width it shares
# with VGG-16 (64 to 512 filters) runs at half VGG-16's resolution: 4x fewer positions per layer
assert round(sum(row.mults for row in standard_v1) / 1e6) == 4866
first_size = {}
for rows, key in ((vgg_rows, "vgg"), (standard_v1, "v1")):
    for row in rows:
        first_size.setdefault((key, row.output_shape[-1]), row.output_shape[1])
for width in (64, 128, 256, 512):
    assert first_size[("vgg", width)] == 2 * first_size[("v1", width)], width

# %% cell 89: MobileNet runs 6 layers at 14x14 (VGG-16: 3) and adds a 1024-wide stage at 7x7
assert sum(row.output_shape[1] == 14 for row in standard_v1) == 6
assert sum(row.output_shape[1] == 14 for row in vgg_rows) == 3
assert {row.output_shape[-1] for row in standard_v1 if row.output_shape[1] == 7} == {1024}
assert max(row.output_shape[-1] for row in vgg_rows) == 512

# %% cell 63: layer_counts predicts each layer of the chain as Keras builds it
shape = (None, 32, 32, 3)
for layer in chain.layers:
    shape, params, mults = layer_counts(type(layer).__name__, layer.get_config(), shape)
    assert (shape, params) == (tuple(layer.output.shape), layer.count_params())
assert [row.mults for row in predict_model(chain)[1:]] == [
    layer_counts(type(layer).__name__, layer.get_config(), layer.input.shape)[2]
    for layer in chain.layers]

# %% cell 67: block_2 widens 24 channels to 144 and narrows back, at 56x56; as q6 (cell 65)
# says, it reads a 56x56x24 map and every convolution, the depthwise one too, has stride 1, 'same'
assert tuple(mobilenet.get_layer("block_2_expand").input.shape[1:]) == (56, 56, 24)
assert all(layer.strides == (1, 1) and layer.padding == "same" for layer in block_2
           if isinstance(layer, (layers.Conv2D, layers.DepthwiseConv2D)))
assert mobilenet.get_layer("block_2_depthwise").kernel_size == (3, 3)
assert walk["output shape"].tolist() == [(56, 56, 24), (56, 56, 144), (56, 56, 144),
                                         (56, 56, 24), (56, 56, 24)]

# %% cell 69: after batch normalization a bias makes no difference; MobileNetV2 has none
assert not any(layer.use_bias for layer in convolutions)

# %% cell 73: the learner's function (or layer_counts standing in) gives predict_model's totals,
# 300.8 M multiplications; the kernel layers' parameters plus batch normalization's are Keras's
rows = [row for row in predict_model(mobilenet)
        if row.kind in ("Conv2D", "DepthwiseConv2D", "Dense")]
assert len(rows) == len(kernel_layers) == 53
assert [total_params, total_mults] == [sum(row.params for row in rows),
                                       sum(row.mults for row in rows)]
assert total_mults == predicted_mults and f"{predicted_mults / 1e6:.1f}" == "300.8"
assert bn_params == sum(layer.count_params() for layer in mobilenet.layers
                        if isinstance(layer, layers.BatchNormalization))
assert who.startswith("the course's layer_counts") == (not q7.is_correct(my_layer_counts))

# %% cell 109 (note 1): block_1_pad then 'valid' gives the 56x56 that 'same' gives
pad = mobilenet.get_layer("block_1_pad")
assert type(pad).__name__ == "ZeroPadding2D" and pad.get_config()["padding"] == ((0, 1), (0, 1))
assert mobilenet.get_layer("block_1_depthwise").input is pad.output
assert tuple(pad.output.shape[1:3]) == (113, 113) and tuple(pad.input.shape[1:3]) == (112, 112)
assert conv_output_size(113, 3, 2) == 56 == conv_output_size(112, 3, 2, "same")
assert tuple(mobilenet.get_layer("block_1_depthwise").output.shape[1:3]) == (56, 56)
assert recipe["padding"] == "valid" and recipe["strides"] == (2, 2)

# %% cell 78: all 156 layers agree with Keras; five counted by hand agree with both
assert compared["agrees"].all() and len(compared) == len(mobilenet.layers)
assert compared["params"].sum() == mobilenet.count_params()
assert (excerpt["by hand: params"] == excerpt["Keras"]).all()
assert (excerpt["by hand: params"] == excerpt["predict_model"]).all()
assert (excerpt["by hand: mults"] == excerpt["predict_model mults"]).all()

# %% cell 78: predict_model's counts for block_2 are Keras's count_params() and kernels; its
# multiplications are q6's answer (the notebook never prints them)
rows = predicted.set_index("name").join(compared.set_index("name")["agrees"])
block = rows[rows.index.str.startswith("block_2_")]
totals = block[["params", "mults"]].sum()
kernel_mults = sum(int(np.prod(layer.output.shape[1:3])) * int(np.prod(layer.kernel.shape))
                   for layer in block_2
                   if isinstance(layer, (layers.Conv2D, layers.DepthwiseConv2D)))
assert len(block) == 9 and block["agrees"].all()
assert totals["params"] == sum(layer.count_params() for layer in block_2)
assert totals["mults"] == kernel_mults
assert totals["mults"] == lesson07.q6.solution_answer

# %% cell 80: VGG-16 as the text describes it: a 224x224x3 image, five groups of 3x3 'same'
# convolutions (2, 2, 3, 3, 3; 64 to 512 filters, stride 1), a 2x2 pooling, stride 2, after each
assert tuple(vgg16.input.shape[1:]) == (224, 224, 3) and len(vgg16_convs) == 13
groups = [[layer for layer in vgg16_convs if layer.name.startswith(f"block{g}_")]
          for g in range(1, 6)]
assert [len(convs) for convs in groups] == [2, 2, 3, 3, 3]
assert [{layer.filters for layer in convs} for convs in groups] == [{64}, {128}, {256}, {512},
                                                                     {512}]
assert all(layer.kernel_size == (3, 3) and layer.strides == (1, 1) and layer.padding == "same"
           for layer in vgg16_convs)
for g, convs in enumerate(groups, start=1):
    pool = vgg16.get_layer(f"block{g}_pool")
    assert pool.input is convs[-1].output and isinstance(pool, layers.MaxPooling2D)
    assert pool.pool_size == (2, 2) and pool.strides == (2, 2)
assert sum(isinstance(layer, layers.Dense) for layer in vgg16.layers) == 3

# %% cell 91: no difference prints as a negative zero (MobileNet's is -0.05%)
differences = {name: sum(row.mults for row in predict_model(networks[name])) / paper_mults - 1
               for name, (_, paper_mults, _) in papers.items()}
assert not table["difference"].str.startswith("-0.00").any()
assert table["difference"].tolist() == [f"{difference:+.2%}" for difference in differences.values()]
assert table.loc["MobileNet", "difference"] == "-0.05%"

# %% cell 91: every layer of five networks agrees with Keras; each count within 2% of its paper's
differences = {name: sum(row.mults for row in predict_model(networks[name])) / paper_mults - 1
               for name, (_, paper_mults, _) in papers.items()}
assert all(all(row.agrees for row in compare_with_keras(networks[name])) for name in papers)
assert table["layers agreeing"].tolist() == [
    "{0} of {0}".format(len(networks[name].layers)) for name in papers]
assert table["params"].tolist() == [
    f"{networks[name].count_params() / 1e6:.3f} M" for name in papers]
assert max(abs(difference) for difference in differences.values()) < 0.02
largest = max(differences, key=lambda name: abs(differences[name]))
assert largest == "ResNet50" and abs(differences[largest]) > 0.015   # 1.5% would not do

# %% cell 92: to two figures MobileNetV2's and EfficientNet-B0's counts round to their papers';
# ResNet-50's rounds to 3.9 G; its first two figures (cut, not rounded) are the paper's 3.8 G
counted = {name: sum(row.mults for row in predict_model(networks[name])) for name in papers}
assert [f"{counted[name] / 1e6:,.1f} M" for name in ("MobileNetV2", "EfficientNetB0", "ResNet50")
        ] == ["300.8 M", "385.8 M", "3,858.0 M"]
for name in ("MobileNetV2", "EfficientNetB0"):
    assert float(f"{counted[name]:.2g}") == papers[name][1]
assert float(f"{counted['ResNet50']:.2g}") == 3.9e9 != papers["ResNet50"][1]
assert np.floor(counted["ResNet50"] / 1e8) * 1e8 == papers["ResNet50"][1] == 3.8e9

# %% cell 91: VGG-16's 13 convolutions alone are within 0.5% of the paper's 15.3 G
assert abs(vgg_convs / 15.3e9 - 1) < 0.005

# %% cell 34: the weights lie within glorot_uniform's limit, biases are 0
assert np.abs(fresh_kernel).max() <= limit and np.abs(fresh_kernel).max() > 0.95 * limit
assert np.all(fresh.bias.numpy() == 0)

# %% cell 34: kernel_initializer="he_normal" set on a layer draws weights with He's std,
# sqrt(2 / fan_in) (one draw of 288 weights: within 10%)
assert he_layer.get_config()["kernel_initializer"]["class_name"] == "HeNormal"
assert abs(he_layer.kernel.numpy().std() / np.sqrt(2 / fan_in) - 1) < 0.1

# %% cell 36: the stds are as predicted
assert abs(outputs.numpy().std() / forward - 1) < 0.1
assert abs(grad_images.std() / backward - 1) < 0.1

# %% cell 37: Glorot's factor fan_in * Var(w) is 1 here, He's 2; with ReLU the rule halves the
# mean square per layer for Glorot and keeps He's std at layer 1's, sqrt(2)
assert np.isclose(288 * initializers["glorot_uniform"][1], 1)
assert np.isclose(288 * initializers["he_normal"][1], 2)
assert np.allclose(stack_rule["glorot_uniform"][1:] / stack_rule["glorot_uniform"][:-1], 0.5**0.5)
assert np.allclose(stack_rule["he_normal"], 2**0.5)

# %% cell 37: rule and measurement agree only roughly: He's 12-network root-mean-square reads 1.1
# at layer 16 (rule 1.4); single networks vary a lot there (the band)
assert f"{stack_std['he_normal'][-1]:.2g}" == "1.1"
assert f"{stack_rule['he_normal'][-1]:.2g}" == "1.4"
assert draw_stds["he_normal"][:, -1].max() / draw_stds["he_normal"][:, -1].min() > 2

# %% cell 38: the rule and the 12 networks' std agree (within a factor 2 at every layer); after 16
# layers glorot_uniform fades, he_normal keeps the scale, std 0.01 is gone
for name in stack_std:
    assert np.all(np.abs(np.log(stack_std[name] / stack_rule[name])) < np.log(2)), name
assert stack_std["glorot_uniform"][-1] < 0.05 and 0.5 < stack_std["he_normal"][-1] < 3
assert stack_std["too small (std 0.01)"][-1] < 1e-10

# %% cell 39: the figure draws section 5's 12-network lines and rules: He level, Glorot falls
assert np.array_equal(layer_numbers, np.arange(1, 17))
assert stack_std["he_normal"].min() > 0.5 and stack_std["glorot_uniform"][-1] < 0.02

# %% cell 41: glorot_uniform with ReLU halves the mean square per layer: 1/4 over layers 1-3,
# 1/32,768 over 16
assert np.allclose(shrink, 0.5) and len(shrink) == 15
assert round(1 / shrink[:2].prod()) == 4 and round(1 / shrink.prod()) == 2**15 == 32_768

# %% cell 42: lesson 05's network is shallow (2 convolutions and 2 Dense layers, swish before
# its output) and trains with the default: its builder never sets kernel_initializer
lesson05_cells = json.loads(next(Path().glob("05_*.ipynb")).read_text())["cells"]
(builder,) = ["".join(cell["source"]) for cell in lesson05_cells
              if "def build_source_model" in "".join(cell["source"])]
kernel_layers_05 = re.findall(r"layers\.(?:Conv2D|Dense)\((.*)\)", builder)
assert len(kernel_layers_05) == 4 and all('activation="swish"' in args
                                          for args in kernel_layers_05[:3])
assert 'activation="softmax"' in kernel_layers_05[3]
assert "initializer" not in builder

# %% cell 33: MobileNetV2 runs 52 convolutions in a row: the longest path from its input to its
# output passes through every Conv2D and DepthwiseConv2D layer it has (cell 69 prints 52)
in_a_row = {}
for layer in mobilenet.layers:
    parents = [tensor._keras_history.operation for node in layer._inbound_nodes
               for tensor in node.input_tensors]
    in_a_row[layer.name] = max((in_a_row[parent.name] for parent in parents), default=0) + \
        isinstance(layer, (layers.Conv2D, layers.DepthwiseConv2D))
assert in_a_row[mobilenet.layers[-1].name] == len(convolutions) == 52

# %% cell 33: glorot's variance 2 / (fan_in + fan_out) is the harmonic mean of 1/fan_in, 1/fan_out
fan_a, fan_b = 288, 576
assert np.isclose(2 / (1 / (1 / fan_a) + 1 / (1 / fan_b)), 2 / (fan_a + fan_b))
assert np.isclose(initializers["glorot_uniform"][1], 2 / (288 + 288))

# %% cell 94: the figure's lines are section 5's 12 networks; He level, Glorot falls
for name in draw_stds:
    assert draw_stds[name].shape == (12, 16)
    assert np.allclose(stack_std[name], np.sqrt((draw_stds[name] ** 2).mean(axis=0))), name
assert stack_std["he_normal"][-1] > 0.5 and stack_std["glorot_uniform"][-1] < 0.02
assert stack_std["too small (std 0.01)"][-1] < 1e-12

# %% cell 94: single draws drift (within 1/3 to 3.2 of the rule); He's std is about 8 times 0.01
single = np.concatenate([draw_stds[name][:, -1] / stack_rule[name][-1]
                         for name in ("glorot_uniform", "he_normal")])
assert 0.3 < single.min() < 0.4 and 3.0 < single.max() < 3.4 and np.median(single) < 1
assert round(he_std / 0.01) == 8

# %% cell 96: with batch normalization each std at layer 16 is within 10% of its layer-2 value
assert all(abs(stds[-1] / stds[1] - 1) < 0.1 for stds in with_bn.values())

# %% cell 98: the standard layer does 9 * 64 multiplications per number read, the steps 9 and 64
assert per_number == {"standard": 9 * 64, "depthwise step": 9, "pointwise step": 64}
assert sum(steps.values()) == separable_mults((112, 112, 32), 3, 64, padding="same")

# %% cell 100: the layer kinds hold every parameter; 1x1 convolutions do most of the work
assert kinds["parameters"].sum() == mobilenet.count_params()
assert kinds.index[0] == "Conv2D 1x1"

# %% cell 100: the first MobileNet's 1x1 share is Howard et al.'s Table 2 figure, 94.86%
assert round(100 * v1_pointwise, 2) == 94.86

# %% cell 102: the recurrence gives the Distill authors' fields (MobileNet 315, VGG-16 212)
for name, (_, theirs) in distill.items():
    assert theirs == network_fields[name], name
assert network_fields == {"MobileNetV2": 491, "MobileNet": 315, "VGG16": 212}

# %% cell 104: with every weight 1 the gradient counts the paths, whose spread along one axis is
# that of a sum of n steps of -1, 0 or 1 (variance 2/3 each): std sqrt(2n / 3), twice as wide at
# 16 layers as at 4
assert np.isclose(spread(4), np.sqrt(2 * 4 / 3)) and np.isclose(spread(16), np.sqrt(2 * 16 / 3))
assert round(spread(16) / spread(4), 2) == 2.0

# %% cell 106: a 21x21 field; the central 11x11 holds most of the gradient; the peak is central
assert receptive_field([(3, 1, 1)] * 10) == 21 and np.count_nonzero(strength) == 21 * 21
assert central_share > 0.5 and np.isclose(strength[9:12, 9:12].max(), 1)

# %% cell 106: the 80 draws leave the map lopsided; averaged with its 180° rotation it is symmetric
assert lopsided > 0.05 and np.allclose(strength, strength[::-1, ::-1])

# %% cell 107: called plainly on the CPU (oneDNN off, as setup_notebook sets it), the channels-first
# layer raises TensorFlow's NHWC-only error; cell 108's XLA call runs it
if not tf.config.list_physical_devices("GPU"):
    try:
        first(images_nchw)
    except tf.errors.UnimplementedError as error:
        assert "only supports the NHWC tensor format on the CPU" in str(error)
    else:
        raise AssertionError("a plain channels-first Conv2D ran on the CPU")

# %% cell 108: the same kernel shape fits channels first and channels last
assert first.kernel.shape == last.kernel.shape
