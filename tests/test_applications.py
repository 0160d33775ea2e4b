"""Every layer of real Keras Applications networks, predicted from their recipes, against Keras.

course_utils.architectures.predict_model reads only a model's get_config() (layer kinds,
their arguments, which layer feeds which; the shapes Keras writes into the config are removed
first) and computes each layer's output shape, parameter count and multiplications per image
with the course's arithmetic; compare_with_keras, the recipe lesson 07 uses, puts each
prediction beside the shape of the tensor Keras built and ``layer.count_params()``. Each
layer's multiplications are checked twice, independently: against the sizes of the kernels and
outputs of the layer Keras built, and against TensorFlow's profiler (the float operations of
every convolution and matrix product in the model's graph, by layer, halved: one
multiplication and one addition per kernel weight and position). Here it runs on every layer
of networks that together use every layer kind lesson 07 teaches:

* VGG16: Conv2D, MaxPooling2D, Flatten, Dense (138 M parameters, most in one Dense layer);
* ResNet50: ZeroPadding2D, BatchNormalization, Add (residual connections), global pooling;
* MobileNetV2: DepthwiseConv2D, ReLU(6), inverted residual blocks;
* Xception: SeparableConv2D;
* EfficientNetB0: Rescaling, Normalization, squeeze-and-excitation (Reshape, Multiply);
* ConvNeXtTiny: Conv2D with groups = channels, LayerNormalization, nested Sequential blocks;
* a small hand-built DeepLab-style model for dilation_rate (no Keras application uses it), and
  Conv2DTranspose (a decoder's upsampling; no Keras application has one either).

Every network is built once, with ``weights=None`` (random weights, nothing downloaded). What
predict_model cannot follow (an input of unknown size, a layer called with a number, a shared
layer, a nested model with two inputs, an unknown kind) must be refused before any
computation, with a message naming the layer: small models check each case.
"""

from __future__ import annotations

import copy
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from course_utils import architectures  # noqa: E402
from course_utils.architectures import (  # noqa: E402
    compare_with_keras,
    layer_counts,
    predict_layer,
    predict_model,
)

#: The networks lesson 07 (section 7) names as checked.
NETWORKS = ["VGG16", "ResNet50", "MobileNetV2", "Xception", "EfficientNetB0", "ConvNeXtTiny"]


def keras_operations(model, nested: bool) -> list:
    """Every operation Keras built, read off the model here (not by the code under test): the
    model's own, and with ``nested`` those inside nested models, without their input layers."""
    own = model.operations if hasattr(model, "operations") else model.layers
    found = []
    for operation in own:
        if nested and isinstance(operation, keras.Model):
            found += [inner for inner in keras_operations(operation, nested)
                      if not isinstance(inner, keras.layers.InputLayer)]
        found.append(operation)
    return found


def assert_every_layer_agrees(model, nested: bool) -> int:
    """The lesson's recipe: every row agrees, one row per operation (and per input layer of a
    Sequential model), and the model's own rows add up to model.count_params()."""
    rows = compare_with_keras(model, nested=nested)
    disagree = [row for row in rows if not row.agrees]
    assert not disagree, f"{model.name}: predicted != built for {disagree[:3]}"
    operations = keras_operations(model, nested)
    inputs = 0 if hasattr(model, "operations") else 1  # a Sequential model's input layer
    assert len(rows) == len(operations) + inputs
    assert ([row.name for row in rows][inputs:]
            == [operation.name for operation in operations])
    assert sum(row.params for row in rows if row.inside is None) == model.count_params()
    return len(rows)


def keras_mults(layer) -> int:
    """One image's multiplications read off a layer Keras built: every kernel's size times the
    output positions it is applied at (the input positions for a transposed convolution, which
    scatters its kernel once per input value); 0 for layers without a kernel."""
    kind = type(layer).__name__
    if kind == "SeparableConv2D":
        kernels = [layer.depthwise_kernel, layer.pointwise_kernel]
    elif kind in ("Conv2D", "DepthwiseConv2D", "Conv2DTranspose", "Dense"):
        kernels = [layer.kernel]
    else:
        return 0
    tensor = layer.input if kind == "Conv2DTranspose" else layer.output
    positions = math.prod(tensor.shape[1:-1])  # H * W, or 1 for a Dense on a vector
    return positions * sum(math.prod(kernel.shape) for kernel in kernels)


#: The graph operations that multiply kernels: convolutions (a SeparableConv2D runs one of each)
#: and matrix products (Dense: MatMul, or BatchMatMulV2 where Keras 3.13, Colab's, multiplies an
#: input of more than two axes without flattening it first).
PROFILED_OPS = ["Conv2D", "DepthwiseConv2dNative", "MatMul", "BatchMatMulV2"]


def profiled_flops(function, input_shape) -> int:
    """The float operations TensorFlow's profiler counts in the convolutions and matrix
    products of ``function``'s graph for one input of ``input_shape`` (batch axis first)."""
    spec = tf.TensorSpec((1, *input_shape[1:]), tf.float32)
    graph = tf.function(function).get_concrete_function(spec).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options.update(output="none", account_type_regexes=PROFILED_OPS)
    return tf.compat.v1.profiler.profile(graph, options=options, cmd="op").total_float_ops


def unprofiled(layer) -> bool:
    """A layer whose multiplications TensorFlow's profiler does not count as the papers do: a
    grouped Conv2D (on a CPU Keras runs it as a compiled function call, which the profiler does
    not open), a dilated convolution (TensorFlow computes it on a zero-padded space-to-batch
    rearrangement, and the profiler counts the padding too) and a Conv2DTranspose (the
    profiler finds no count for it here). keras_mults checks these layers."""
    kind = type(layer).__name__
    return (kind == "Conv2DTranspose"
            or (kind == "Conv2D" and layer.groups > 1)
            or (kind in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D")
                and max(layer.dilation_rate) > 1))


def assert_every_layer_costs_what_keras_and_tensorflow_count(model, whole_graph=True) -> int:
    """Each layer's predicted multiplications equal the built layer's kernel and output sizes
    (keras_mults), a nested model's row holds its layers' total, and TensorFlow's profiler
    counts twice as many float operations: in the whole model's graph (``whole_graph``: its
    only unprofiled layers are grouped ones, which the profiler counts as 0), or layer by layer
    in each profiled layer's own graph. Returns the model's total."""
    rows = predict_model(model, nested=True)
    layers_by_name = {operation.name: operation for operation in keras_operations(model, True)}
    profiled = {}
    for row in rows:
        if row.kind in ("Sequential", "Functional"):
            inner = sum(other.mults for other in rows if other.inside == row.name)
            assert row.mults == inner, row.name
        elif row.kind != "InputLayer":
            layer = layers_by_name[row.name]
            assert row.mults == keras_mults(layer), row
            if row.mults and not unprofiled(layer):
                profiled[row.name] = row.mults
    if whole_graph:
        assert all(type(layer).__name__ == "Conv2D" and layer.groups > 1
                   for layer in layers_by_name.values() if unprofiled(layer))
        assert 2 * sum(profiled.values()) == profiled_flops(
            lambda x: model(x, training=False), model.input_shape)
    else:
        for name, mults in profiled.items():
            layer = layers_by_name[name]
            assert 2 * mults == profiled_flops(layer, tuple(layer.input.shape)), name
    return sum(row.mults for row in rows if row.inside is None)


@pytest.mark.parametrize("name", NETWORKS)
def test_every_layer_of_a_keras_application_is_predicted(name):
    model = getattr(keras.applications, name)(weights=None)
    try:
        assert assert_every_layer_agrees(model, nested=False) == len(model.operations)
        assert assert_every_layer_agrees(model, nested=True) >= len(model.operations)
        assert assert_every_layer_costs_what_keras_and_tensorflow_count(model) > 0
    finally:
        del model
        keras.backend.clear_session()


def dilated_model() -> keras.Model:
    """Every layer kind and argument of lesson 07 in one small network, dilation included:
    a DeepLab-style block of parallel dilated branches, grouped and separable convolutions,
    squeeze-and-excitation, cropping, padding and pooling."""
    inputs = keras.Input((64, 48, 3), name="image")
    x = layers.Rescaling(1 / 255, name="scale")(inputs)
    x = layers.Conv2D(16, (3, 5), strides=(2, 1), padding="same", use_bias=False, name="stem")(x)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    branches = [
        layers.Conv2D(8, 1, name="aspp_1x1")(x),
        layers.Conv2D(8, 3, dilation_rate=6, padding="same", name="aspp_d6")(x),
        layers.SeparableConv2D(8, 3, dilation_rate=(12, 4), padding="same", name="aspp_d12")(x),
        layers.DepthwiseConv2D(3, dilation_rate=2, depth_multiplier=2, name="aspp_dw")(x),
    ]
    branches[3] = layers.ZeroPadding2D(2, name="aspp_dw_pad")(branches[3])
    x = layers.Concatenate(name="aspp")(branches)
    x = layers.Conv2D(24, 3, groups=4, dilation_rate=(2, 3), name="grouped")(x)
    squeeze = layers.GlobalAveragePooling2D(keepdims=True, name="squeeze")(x)
    squeeze = layers.Dense(24, activation="sigmoid", name="excite")(squeeze)
    x = layers.Multiply(name="rescale")([x, squeeze])
    x = layers.Cropping2D(((1, 0), (2, 1)), name="crop")(x)
    x = layers.AveragePooling2D(3, strides=2, padding="same", name="pool")(x)
    x = layers.Conv2DTranspose(12, 3, strides=2, padding="same", output_padding=1,
                               name="up")(x)
    x = layers.Conv2DTranspose(6, (3, 2), dilation_rate=2, padding="same", use_bias=False,
                               name="up_dilated")(x)
    x = layers.LayerNormalization(name="norm")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.2, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="dilated_model")


def test_dilation_grouping_and_every_lesson_kind_in_one_model():
    model = dilated_model()
    assert assert_every_layer_agrees(model, nested=False) == len(model.layers)
    kinds = {row.kind for row in predict_model(model)}
    assert {"Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "Concatenate",
            "Multiply"} <= kinds
    assert {row.kind for row in predict_model(model) if row.mults} == set(
        architectures.COUNTED_KINDS)
    assert assert_every_layer_costs_what_keras_and_tensorflow_count(model, whole_graph=False) > 0


def test_the_prediction_never_reads_the_shapes_keras_wrote():
    """Replace every shape Keras put into the config by nonsense: nothing changes."""
    model = dilated_model()
    config = model.get_config()

    def spoil(value):
        if isinstance(value, dict):
            return {key: ((9, 9, 9) if key in ("shape", "build_config") else spoil(item))
                    for key, item in value.items()}
        if isinstance(value, list):
            return [spoil(item) for item in value]
        return value

    assert predict_model(spoil(copy.deepcopy(config))) == predict_model(config)
    assert predict_model(config) == predict_model(model)


def test_unknown_kinds_and_layouts_are_named():
    with pytest.raises(NotImplementedError, match="does not know the layer kind 'Conv1D'"):
        predict_layer("Conv1D", {"name": "temporal"}, [(None, 10, 3)])
    channels_first = {"filters": 4, "kernel_size": 3, "strides": 1, "padding": "valid",
                      "dilation_rate": 1, "groups": 1, "use_bias": True,
                      "data_format": "channels_first", "name": "cf"}
    with pytest.raises(NotImplementedError, match="data_format='channels_first'"):
        predict_layer("Conv2D", channels_first, [(None, 3, 28, 28)])
    with pytest.raises(TypeError, match="model must be a Keras model or its get_config"):
        predict_model([1, 2, 3])
    with pytest.raises(ValueError, match="no list of 'layers'"):
        predict_model({"name": "empty"})
    with pytest.raises(TypeError, match="model must be a built Keras model"):
        compare_with_keras({"name": "empty", "layers": []})


def test_compare_with_keras_reads_what_keras_built():
    """Its Keras columns are the built layers' output shapes and parameter counts."""
    model = dilated_model()
    rows = compare_with_keras(model)
    assert rows[0].keras_shape == (None, 64, 48, 3) and rows[0].kind == "InputLayer"
    for row in rows[1:]:
        layer = model.get_layer(row.name)
        assert row.keras_shape == tuple(layer.output.shape), row.name
        assert row.keras_params == layer.count_params(), row.name


def test_compare_with_keras_flags_a_wrong_prediction(monkeypatch):
    """Batch normalization predicted with 2 numbers per channel instead of 4: exactly those
    rows disagree."""
    monkeypatch.setitem(architectures._RULES, "BatchNormalization",
                        lambda kind, config, inputs: (inputs[0], 2 * inputs[0][-1]))
    rows = compare_with_keras(dilated_model())
    assert [row.name for row in rows if not row.agrees] == ["stem_bn"]


def small_block() -> keras.Model:
    """A functional block with one input, to be used as a layer (as a pretrained base is)."""
    inputs = keras.Input((12, 12, 8), name="block_in")
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False, name="block_conv")(inputs)
    x = layers.BatchNormalization(name="block_bn")(x)
    return keras.Model(inputs, layers.ReLU(name="block_relu")(x), name="block")


def test_nested_models_are_predicted_layer_by_layer():
    """The transfer-learning recipe: a functional model used as a layer, in a Sequential and in
    a functional model; ConvNeXt's nested Sequential blocks are checked above."""
    in_sequential = keras.Sequential(
        [keras.Input((12, 12, 8), name="photo"), small_block(),
         layers.GlobalAveragePooling2D(name="pool"), layers.Dense(3, name="classes")],
        name="in_sequential")
    photo = keras.Input((12, 12, 8), name="photo")
    features = small_block()(photo)
    in_functional = keras.Model(photo, layers.Flatten(name="flat")(features),
                                name="in_functional")
    for model in (in_sequential, in_functional):
        assert assert_every_layer_agrees(model, nested=False) == 1 + len(model.layers) - (
            model is in_functional)
        assert assert_every_layer_agrees(model, nested=True) == 3 + 1 + len(model.layers) - (
            model is in_functional)
        inner = [row for row in predict_model(model, nested=True) if row.inside == "block"]
        assert [row.name for row in inner] == ["block_conv", "block_bn", "block_relu"]
        assert inner[0].output_shape == (None, 6, 6, 16)


def any_size_model():
    return keras.Sequential([keras.Input((None, None, 3), name="photo"),
                             layers.Conv2D(8, 3, name="conv")], name="any_size")


def unbuilt_model():
    return keras.Sequential([layers.Conv2D(8, 3, name="conv")], name="unbuilt")


def plus_three_model():
    inputs = keras.Input((8, 8, 3), name="image")
    x = layers.Conv2D(4, 3, name="conv")(inputs)
    return keras.Model(inputs, layers.ReLU(name="relu")(x + 3.0), name="plus_three")


def shared_model():
    shared = layers.Conv2D(4, 3, padding="same", name="shared")
    inputs = keras.Input((8, 8, 4), name="image")
    return keras.Model(inputs, shared(shared(inputs)), name="shared_model")


def two_input_block_model():
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    pair = keras.Model([a, b], layers.Add(name="sum")([a, b]), name="pair")
    first, second = keras.Input((4,), name="first"), keras.Input((4,), name="second")
    x = layers.Dense(4, name="dense")(first)
    return keras.Model([first, second], pair([x, second]), name="outer")


def unknown_kind_model():
    return keras.Sequential([keras.Input((10, 3), name="signal"), layers.Dense(4, name="dense"),
                             layers.Conv1D(4, 3, name="temporal")], name="sequence")


def channels_first_model():
    return keras.Sequential([keras.Input((3, 28, 28), name="image"),
                             layers.Conv2D(4, 3, data_format="channels_first", name="cf")],
                            name="nchw")


def any_size_base_model():
    inputs = keras.Input((None, None, 8), name="any")
    base = keras.Model(inputs, layers.Conv2D(4, 3, name="base_conv")(inputs), name="base")
    return keras.Sequential([keras.Input((12, 12, 8), name="photo"), base], name="transfer")


REFUSED = {
    "unknown input size": (any_size_model, ValueError, [
        "layer 'photo' (InputLayer) of model 'any_size' has batch_shape (None, None, None, 3)",
        "input_shape=(224, 224, 3)"]),
    "no input layer": (unbuilt_model, ValueError, [
        "model 'unbuilt' has no input layer", "keras.Input((224, 224, 3))"]),
    "a number as argument": (plus_three_model, NotImplementedError, [
        "(Add) of model 'plus_three' is called with 3.0", "model.summary()"]),
    "a shared layer": (shared_model, NotImplementedError, [
        "layer 'shared' (Conv2D) of model 'shared_model' is called 2 times",
        "Give each call a layer of its own"]),
    "a nested model with two inputs": (two_input_block_model, NotImplementedError, [
        "layer 'pair' (Functional) of model 'outer' is a nested model with 2 inputs",
        "predict_model(model.get_layer('pair'))"]),
    "an unknown kind": (unknown_kind_model, NotImplementedError, [
        "does not know the layer kind 'Conv1D' (layer 'temporal' (Conv1D) of model 'sequence')"]),
    "channels first": (channels_first_model, NotImplementedError, [
        "Conv2D 'cf' uses data_format='channels_first'"]),
    "a nested model of unknown size": (any_size_base_model, ValueError, [
        "layer 'any' (InputLayer) of model 'base' has batch_shape (None, None, None, 8)"]),
}


@pytest.mark.parametrize("case", REFUSED)
def test_what_cannot_be_predicted_is_refused_before_any_computation(case, monkeypatch):
    build, error, fragments = REFUSED[case]
    model = build()

    def computed(*args):
        raise AssertionError("a layer was predicted before the checks had finished")

    monkeypatch.setattr(architectures, "predict_layer", computed)
    for call in (predict_model, compare_with_keras):
        with pytest.raises(error) as raised:
            call(model)
        for fragment in fragments:
            assert fragment in str(raised.value), (fragment, str(raised.value))


@pytest.mark.parametrize("layer, input_shape", [
    (keras.layers.Conv2D(128, (3, 5), strides=(2, 1), padding="same", groups=4, name="c"),
     (None, 17, 16, 64)),
    (keras.layers.Conv2D(8, 3, dilation_rate=2, use_bias=False, name="d"), (None, 20, 20, 3)),
    (keras.layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, name="dw"),
     (None, 15, 15, 6)),
    (keras.layers.SeparableConv2D(16, 3, padding="same", name="s"), (None, 12, 12, 5)),
    (keras.layers.Dense(10, name="dense"), (None, 7)),
])
def test_layer_counts_equals_the_keras_layer(layer, input_shape):
    """The per-layer rule lesson 07 shows: shape, count_params() and one multiplication per
    kernel weight and output position, all read off the layer Keras built."""
    output = layer(keras.Input(input_shape[1:]))
    shape, params, mults = layer_counts(type(layer).__name__, layer.get_config(), input_shape)
    assert shape == tuple(output.shape)
    assert params == layer.count_params()
    positions = math.prod(output.shape[1:-1])
    kernels = [w for w in layer.weights if len(w.shape) > 1]
    assert mults == positions * sum(math.prod(w.shape) for w in kernels)


def test_layer_counts_names_the_kinds_it_counts():
    with pytest.raises(ValueError, match="kind must be Conv2D"):
        layer_counts("MaxPooling2D", {"use_bias": False}, (None, 8, 8, 3))
