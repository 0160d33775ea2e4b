# What lesson 05's text concludes from its cells (tests/claims_runner.py says how this runs).
# Each block sees the notebook's variables as they stand after its last cell; none of the names
# used here is reassigned after the cell a block names.
import numpy as np
from keras import layers

from course_utils import conv_mults


def keras_mults(model):
    """Multiplications per image from the shapes Keras gives each layer (output values x kernel
    height x width x channels for a Conv2D, the kernel's size for a Dense): layer_mults's check."""
    return sum(int(np.prod(layer.output.shape[1:])) * int(np.prod(layer.kernel.shape[:-1]))
               if isinstance(layer, layers.Conv2D) else int(np.prod(layer.kernel.shape))
               for layer in model.layers if isinstance(layer, layers.Conv2D | layers.Dense))


# %% cell 8: every image is (28, 28, 1) of uint8 pixels 0 to 255; both splits hold all ten digits
assert x_train.shape[1:] == x_test.shape[1:] == (28, 28, 1)
assert x_train.dtype == np.uint8 and x_train.max() == 255
assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))

# %% cell 13: to_categorical makes the one-hot rows the source's pd.get_dummies makes
assert np.array_equal(y_train_onehot, pd.get_dummies(y_train).to_numpy(dtype="float32"))

# %% cell 18: the two counting rules give all 203,068 weights
assert sum(our_counts.values()) == source_model.count_params() == 203_068

# %% cell 20: Keras stores conv1's filters as (5, 5, 1, 3) and conv2's as (5, 5, 3, 6)
assert source_model.get_layer("conv1").get_weights()[0].shape == (5, 5, 1, 3)
assert source_model.get_layer("conv2").get_weights()[0].shape == (5, 5, 3, 6)

# %% cell 23: on raw pixels the untrained softmax is sure of its answers, mostly wrong ones
raw = before_training["raw 0-255"]
assert raw["mean top probability"] > 0.8 and raw["accuracy"] < 0.3

# %% cell 25: after one epoch, scaled pixels give the higher accuracy and the lower loss
raw, scaled = scaling.loc["raw 0-255"], scaling.loc["scaled 0-1"]
assert scaled["validation accuracy"] - raw["validation accuracy"] >= 0.01
assert raw["validation loss"] > 1.2 * scaled["validation loss"]

# %% cell 27: scaled pixels win on loss and accuracy at all five benchmark seeds
assert better.all()

# %% cell 30: the best epoch comes before the last
assert best_epoch < source_epochs

# %% cell 35: the kept weights reach 90% on the validation split
assert source_val_accuracy >= 0.90, source_val_accuracy

# %% cell 35: at epoch 1 training scores below validation (Keras averages it over the epoch)
accuracy_per_epoch = history.history["accuracy"]
assert train_loss[0] > val_loss[0] and accuracy_per_epoch[0] < history.history["val_accuracy"][0]

# %% cell 35: overfitting: after the kept epoch the validation loss rises, the training loss falls
assert val_loss[-1] > val_loss[best_epoch - 1] and train_loss[-1] < train_loss[best_epoch - 1]

# %% cell 35: the model holds the kept epoch's weights
val_accuracy = history.history["val_accuracy"]
assert np.isclose(val_accuracy[best_epoch - 1], source_val_accuracy, atol=1e-6)

# %% cell 35: the last epoch gets a few more validation digits right than the kept one
val_accuracy = history.history["val_accuracy"]
assert 0 < (val_accuracy[-1] - source_val_accuracy) * len(y_val) <= 10

# %% cell 38: each prediction is ten probabilities adding up to 1 (before rounding)
assert np.allclose(pred.sum(axis=1), 1.0, atol=1e-5)

# %% cell 41: the Dense-only model has (28*28 + 1)*84 + (84 + 1)*10 = 66,790 weights
assert dense_model.count_params() == (28 * 28 + 1) * 84 + (84 + 1) * 10 == 66_790

# %% cell 41: the convolutions beat Dense-only in this run too
assert source_val_accuracy - dense_val_accuracy >= 0.01

# %% cell 42: the convolutions are ahead of Dense-only at every seed, by about 3 points
assert (per_seed.drop("mean")["convolutions ahead by"] >= 0.015).all()
assert 0.025 <= per_seed.loc["mean", "convolutions ahead by"] <= 0.04

# %% cell 43: yet the source model has three times Dense-only's weights
assert round(source_model.count_params() / dense_model.count_params()) == 3

# %% cell 44: layer_mults gives the multiplications Keras's layer shapes give
assert source_table["mults per image"].sum() == keras_mults(source_model)

# %% cell 45: Dense after Flatten holds 99% of the weights; the convolutions do half the work
assert dense_share > 0.99 and conv_work / source_mults > 0.5

# %% cell 47: conv2 sees 9x9 pixels without pooling, 14x14 with a pooling before it
assert (without_pooling, with_pooling) == (9, 14)

# %% cell 51: the pooled model is ahead of the source and of Dense-only at every seed
assert (by_seed[1] > by_seed[0]).all() and (by_seed[1] > dense_by_seed).all()

# %% cell 51: Dense-only has seven times the pooled model's weights
assert 66_790 / pooled_weights > 7

# %% cell 51: the pooled model's counts are Keras's, and its convolutions do most of the work
assert pooled_mults == keras_mults(pooled_model) and pooled_conv > 0.85

# %% cell 52: with seven times fewer weights than Dense-only, the pooled model wins at every seed
assert int(dense_model.count_params() / pooled_weights) == 7
assert (three.loc["pooled"] > three.loc[["source", "Dense only"]].max()).all()

# %% cell 80: in training batch norm gives mean 0, std 1 and moves its running mean a tenth
assert abs(in_training.mean()) < 1e-3 and abs(in_training.std() - 1) < 0.01
assert np.isclose(float(norm.moving_mean[0]), 0.1 * toy_batch.mean(), rtol=1e-4)
assert predicting.mean() > 3                      # the running averages still lag the batch's

# %% cell 79: after one batch the running mean has moved a tenth of the way, 0.45 of 4.54
assert f"{float(norm.moving_mean[0]):.2f}" == "0.45" and f"{toy_batch.mean():.2f}" == "4.54"

# %% cell 80: 0.99 averages over about 100 batches, one epoch here; 0.9 over about 10
assert round(1 / (1 - 0.99)) == 100 == batches_per_epoch and round(1 / (1 - 0.9)) == 10
lagging = layers.BatchNormalization(momentum=0.99)
for _ in range(batches_per_epoch):
    lagging(toy_batch, training=True)
assert float(lagging.moving_mean[0]) < 0.7 * toy_batch.mean()     # after one epoch, 0.99 lags
assert np.isclose(float(slow.moving_mean[0]), toy_batch.mean(), rtol=1e-3)   # 0.9 caught up

# %% cell 79: dropout zeroes each value with probability 0.3, below 1 of 8; the rest scaled
assert (dropped == 0).sum() == 1 and np.allclose(dropped[dropped != 0], 1 / 0.7)
assert np.allclose(np.asarray(drop(np.ones((1, 8)), training=False)), 1)

# %% cell 83: section 2's rules and four numbers per channel give the summary's 17,178
assert sum(predicted.values()) == improved_model.count_params() == 17_178
running_statistics = 2 * (16 + 32 + 32)                    # mean and variance per channel
assert running_statistics == sum(int(np.prod(w.shape))
                                 for w in improved_model.non_trainable_weights) == 160

# %% cell 83: 3x3x32 = 288 values reach Flatten; conv3 sees 18x18, two stacked 3x3 convs 5x5
assert improved_model.get_layer("flat").output.shape[1] == n * n * 32 == 288
assert improved_reach == 18 and two_3x3 == 5

# %% cell 84: three 3x3 convolutions alone see 7x7: pooling, between them, does most of the widening
assert three_3x3 == 7 and improved_reach - three_3x3 > three_3x3 - 1

# %% cell 85: conv2 has 4,608 weights with 3x3 kernels, 12,800 with 5x5
assert (improved_model.get_layer("conv2").count_params(), five_by_five.count_params()) == (
    4_608, 12_800)

# %% cell 84: the cost is the filters, not the kernels: 3x3 costs fewer than 5x5 in conv2
assert conv_mults((13, 13, 16), 3, 32) == 557_568 < conv_mults((13, 13, 16), 5, 32) == 1_036_800

# %% cell 85: the improved model does 1.74 times the source's multiplications, most in conv2
assert round(improved_mults / source_mults, 2) == 1.74
assert improved_mults == keras_mults(improved_model)
assert conv2_mults == 11 * 11 * 32 * 3 * 3 * 16 == 557_568

# %% cell 87: each copy is moved, at most 5% of 28 = 1.4 pixels each way (its centre of mass)
assert np.isclose(settings["shift"] * 28, 1.4)
assert all(np.abs(move).max() <= 1.4 + 0.05 for move in moves[1:])
assert all(np.abs(move).max() > 0.2 for move in moves[1:]) and np.allclose(moves[0], 0)
assert np.isclose(shifted[1:].sum(axis=(1, 2, 3)), shifted[0].sum(), rtol=0.05).all()

# %% cell 89: the model holds the kept epoch's weights
assert np.isclose(improved_val_loss, improved_history.history["val_loss"][improved_best - 1],
                  rtol=1e-3)

# %% cell 89: at prediction the shift leaves the digit in place and dropout drops nothing
shift_layer, dropout_layer = improved_model.get_layer("shift"), improved_model.get_layer("drop")
assert np.allclose(np.asarray(shift_layer(x_val[:2], training=False)), x_val[:2])
assert np.allclose(np.asarray(dropout_layer(np.ones((1, 288)), training=False)), 1)

# %% cell 88: section 4's training-validation loss gap nearly closes (source 0.014 / 0.380)
(source_train, source_val), (improved_train, improved_val) = final_losses.values()
assert source_val - source_train > 0.3 and improved_val - improved_train < 0.2 * (
    source_val - source_train)
assert (source_train, source_val) == (history.history["loss"][-1], history.history["val_loss"][-1])

# %% cell 89: the improved model is well ahead of the source on the validation split
assert improved_val_accuracy >= 0.96 and improved_val_accuracy - source_val_accuracy >= 0.02

# %% cell 93: the ablation's weights and multiplications are those of the models built here
for step, model, mults in [(0, source_model, source_mults), (1, pooled_model, pooled_mults),
                           (7, improved_model, improved_mults)]:
    assert ablation.loc[step, "weights"] == model.count_params(), step
    assert ablation.loc[step, "mults"] == mults, step
assert (ablation["seeds"] == 5).all() and paired.notna().sum().iloc[1:].eq(5).all()
assert ablation.loc[1:2, "weights"].tolist() == [9_532, 16_938]

# %% cell 95: pooling: a twentieth of the weights, and its best epochs came later (11-15, 3-5)
assert ablation.loc[1, "weights"] * 20 < ablation.loc[0, "weights"]
assert ablation.loc[0, "best_epochs"] == "3-5" and ablation.loc[1, "best_epochs"] == "11-15"

# %% cell 95: dropping Dense(84) removes 8,148 of the pooled model's 9,532 weights
assert pooled_model.get_layer("hidden").count_params() == 8_148 and pooled_weights == 9_532

# %% cell 95: step 2 costs nine times the multiplications of step 1
assert 9 < ablation.loc[2, "mults"] / ablation.loc[1, "mults"] < 9.5

# %% cell 95: batch normalization: one run kept its 20th and last epoch (the cap)
assert runs.query("step < 7")["epochs"].max() == 20 and runs["best_epoch"].max() == 20
assert runs.query("step == 3")["best_epoch"].max() == 20
assert runs.query("step == 7")["epochs"].max() == settings["epochs"]

# %% cell 95: ReLU gains nothing; augmentation gains the most of steps 2-7, about pooling's point
assert abs(ablation.loc[4, "gain"]) < 0.005
gain = ablation["gain"]
assert gain.loc[2:].idxmax() == 6 and abs(gain[6] - gain[1]) < 0.001

# %% cell 95: after pooling each step adds about a point or less
assert (ablation.loc[2:, "gain"] <= 0.012).all()

# %% cell 95: the final model's worst run beats the source's best
assert ablation.loc[7, "val_min"] > ablation.loc[0, "val_max"]

# %% cell 54: on the test split pooling beats the source
pooled, source = comparison.loc["pooled model"], comparison.loc["source model"]
assert pooled["test accuracy"] > source["test accuracy"]
assert comparison.loc[["source model", "pooled model"], "test accuracy"].min() >= 0.91

# %% cell 90: on the test split the improved model is the most accurate
assert improved_test_accuracy > comparison["test accuracy"].max()
assert improved_test_accuracy >= 0.965

# %% cell 55: the pooled model does 5.3 times fewer multiplications but runs 18 epochs against 8
assert round(source_mults / pooled_mults, 1) == 5.3
assert comparison.loc[["pooled model", "source model"], "epochs"].tolist() == [18, 8]

# %% cell 91: the improved model has a twelfth of the source's weights
assert round(source_model.count_params() / improved_model.count_params()) == 12

# %% cell 62: many maps bottom out at -0.28, swish's lowest output
swish_floor = min(z / (1 + np.exp(-z)) for z in np.linspace(-3, 0, 3001))
assert abs(swish_floor + 0.278) < 1e-3 and min(conv1_maps.min(), conv2_maps.min()) >= swish_floor

# %% cell 63: filters 0 and 1 follow the blurred digit, with the sign of their weight sum
blur, edges = correlation["blur"], correlation[["vertical edge", "horizontal edge"]].abs()
assert (blur[:2].abs() > 0.6).all() and (np.sign(blur[:2]) == np.sign(sums[:2])).all()
assert blur[0] > 0 > blur[1] and (blur[:2].abs() > edges[:2].max(axis=1)).all()

# %% cell 63: filter 2 follows both edge probes more than the blur
blur = correlation["blur"]
assert (correlation.loc[2, ["vertical edge", "horizontal edge"]] > abs(blur[2]) + 0.05).all()

# %% cell 62: conv2's maps fire on different parts of the digit
assert len(set(peaks)) >= 4

# %% cell 99: RMSprop holds W + 2 values, and "Total params" adds them to the weights
assert optimizer_params == 203_070 == source_model.count_params() + 2
assert source_model.count_params() + optimizer_params == 406_138

# %% cell 99: Adam with a schedule holds 2W + 1 values
assert adam_state == 2 * trainable + 1 == 34_037

# %% cell 104: the confusion matrix's diagonal is the validation accuracy
assert np.isclose(np.trace(confusion.to_numpy()) / len(y_val), source_val_accuracy, atol=1e-6)

# %% cell 108: the replay picks the lesson's settings, each candidate at three seeds
assert chosen == settings and (study["count"] == 3).all()

# %% cell 107: the tuning scored momentum 0.9 and 0.99 level, within one digit of 800
momentum_means = tables["bn_momentum"]["mean"]
assert list(momentum_means.index) == [0.9, 0.99] and chosen["bn_momentum"] == 0.9
assert abs(momentum_means[0.9] - momentum_means[0.99]) * len(y_val) < 1
assert f"{momentum_means[0.99]:.4f}" == "0.9791"   # as "values tried" prints it

# %% cell 109: the learning rate gains about 6 digits, its worst run above the first guess's best
lr_first = study.loc[("learning_rate", first_guess["learning_rate"])]
lr_chosen = study.loc[("learning_rate", chosen["learning_rate"])]
assert 5 < knob_table.loc["learning_rate", "gain in digits"] < 8
assert lr_chosen["min"] > lr_first["max"]

# %% cell 109: the shift gains about 2 digits
assert 1.5 < knob_table.loc["shift", "gain in digits"] < 3 and chosen["shift"] == 0.05

# %% cell 109: the batch size gains a fraction of a digit; the other three kept their first guess
assert 0 < knob_table.loc["batch", "gain in digits"] < 1
assert [knob for knob in knobs if first_guess[knob] == chosen[knob]] == [
    "epochs", "bn_momentum", "dropout"]

# %% cell 110: at most 1 in 2**5 = 32 by luck for one step, 7/32 = 0.22 for any of seven
assert round(7 / 2**5, 2) == 0.22 and len(paired.columns[1:]) == 7

# %% cell 115: the standard error printed is the source model's kept epoch's, about 7 digits
assert p == source_val_accuracy and 6.5 < accuracy_se * len(y_val) < 7.5

# %% cell 115: the rerun is section 4's run: the same epochs, the same kept weights' answers
np.testing.assert_allclose(rerun_history.history["val_loss"], history.history["val_loss"],
                           rtol=1e-6)
assert len(answers) == source_epochs
assert np.isclose(np.mean(kept_right), source_val_accuracy, atol=1e-6)

# %% cell 116: here the paired scale sqrt(b + c) is less than one score's standard error
assert np.sqrt(b + c) < accuracy_se * len(y_val)

# %% cell 116: the kept and last epochs' difference in wrong digits is c - b, within 2 sqrt(b + c)
assert np.isclose(np.mean(last_right), history.history["val_accuracy"][-1], atol=1e-6)
assert np.sum(~kept_right) - np.sum(~last_right) == c - b
assert abs(c - b) < 2 * np.sqrt(b + c)

# %% cell 120: boolean one-hot labels give the same loss as floats
np.testing.assert_array_equal(np.asarray(loss_from_booleans), np.asarray(loss_from_floats))

# %% cell 122: the loaded model is the saved one: same name, weights and predictions
assert after.argmax() == before.argmax()
np.testing.assert_allclose(after, before, atol=1e-6)
assert loaded.name == "improved_model" and loaded.count_params() == improved_model.count_params()
