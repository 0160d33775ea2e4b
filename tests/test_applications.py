"""Every layer of real Keras Applications networks, predicted from their recipes, against Keras.

course_utils.architectures.predict_model reads only a model's get_config() (layer kinds,
their arguments, which layer feeds which; the shapes Keras writes into the config are removed
first) and computes each layer's output shape and parameter count with the course's
arithmetic. Here each prediction is compared with the shape of the tensor Keras built and with
``layer.count_params()``, for every layer of networks that together use every layer kind
lesson 07 teaches:

* VGG16: Conv2D, MaxPooling2D, Flatten, Dense (138 M parameters, most in one Dense layer);
* ResNet50: ZeroPadding2D, BatchNormalization, Add (residual connections), global pooling;
* MobileNetV2: DepthwiseConv2D, ReLU(6), inverted residual blocks;
* Xception: SeparableConv2D;
* EfficientNetB0: Rescaling, Normalization, squeeze-and-excitation (Reshape, Multiply);
* ConvNeXtTiny: Conv2D with groups = channels, LayerNormalization, nested Sequential blocks;
* a small hand-built DeepLab-style model for dilation_rate (no Keras application uses it).

Every network is built once, with ``weights=None`` (random weights, nothing downloaded).
"""

from __future__ import annotations

import copy
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

from course_utils.architectures import predict_layer, predict_model  # noqa: E402

NETWORKS = ["VGG16", "ResNet50", "MobileNetV2", "Xception", "EfficientNetB0", "ConvNeXtTiny"]


def keras_answers(operations) -> dict[str, tuple[tuple, int]]:
    """{name: (output shape, parameters)} of every operation Keras built, nested ones too
    (a nested Sequential block's layers, without its own input layer)."""
    answers = {}
    for operation in operations:
        if isinstance(operation, keras.layers.InputLayer):
            answers[operation.name] = (tuple(operation.batch_shape), 0)
            continue
        params = operation.count_params() if isinstance(operation, keras.layers.Layer) else 0
        answers[operation.name] = (tuple(operation.output.shape), params)
        if isinstance(operation, keras.Sequential):
            answers.update(keras_answers(operation.layers))
    return answers


def assert_every_layer_predicted(model) -> int:
    """Compare every predicted row with Keras; return how many rows were compared."""
    predictions = predict_model(model)
    answers = keras_answers(model.operations)
    assert [row.name for row in predictions] and len(predictions) == len(answers)
    for row in predictions:
        shape, params = answers[row.name]
        assert (row.output_shape, row.params) == (shape, params), (
            f"{model.name}: layer {row.name!r} ({row.kind}) predicted {row.output_shape} with "
            f"{row.params:,} parameters; Keras built {shape} with {params:,}")
    names = {operation.name for operation in model.operations}
    top = [row for row in predictions if row.name in names]
    assert sum(row.params for row in top) == model.count_params()
    return len(predictions)


@pytest.mark.parametrize("name", NETWORKS)
def test_every_layer_of_a_keras_application_is_predicted(name):
    model = getattr(keras.applications, name)(weights=None)
    try:
        assert assert_every_layer_predicted(model) >= len(model.layers)
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
    x = layers.LayerNormalization(name="norm")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.2, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="dilated_model")


def test_dilation_grouping_and_every_lesson_kind_in_one_model():
    model = dilated_model()
    assert assert_every_layer_predicted(model) == len(model.layers)
    kinds = {row.kind for row in predict_model(model)}
    assert {"Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Concatenate", "Multiply"} <= kinds


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
