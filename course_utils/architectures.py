"""Predict every layer of a Keras model from its recipe: output shapes and parameter counts.

A Keras model's ``get_config()`` is its recipe: the kind of each layer (``"Conv2D"``), the
arguments it was made with (``filters``, ``kernel_size``, ``strides``, ``padding``...) and
which layer feeds which. :func:`predict_model` reads only that, computes each layer's output
shape and parameter count with the course's arithmetic (:mod:`course_utils.arithmetic`), and
returns one row per layer, so a lesson can compare every row with what Keras built. The
shapes Keras writes into the config (each input tensor's ``shape``, each layer's
``build_config``) are removed before anything is read: the prediction cannot copy them.

Layouts are channels-last like Keras; shapes include the batch axis as ``None``. Nothing here
imports Keras: a model is only asked for ``get_config()``.

Taught in lesson 07, section 8 (the capstone: MobileNetV2 predicted layer by layer).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from .arithmetic import (
    conv_output_size,
    conv_params,
    depthwise_params,
    separable_params,
)
from .validation import describe

__all__ = ["LayerPrediction", "predict_layer", "predict_model", "PREDICTED_KINDS"]


class LayerPrediction(NamedTuple):
    """One layer's prediction: its name, kind, output shape (batch axis None) and parameters.

    A row of :func:`predict_model`'s answer. Taught in lesson 07, section 8.
    """

    name: str
    kind: str
    output_shape: tuple
    params: int


def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, list | tuple) else (value, value)


def _channels_last(kind: str, config: dict) -> None:
    layout = config.get("data_format") or "channels_last"
    if layout != "channels_last":
        raise NotImplementedError(
            f"{kind} {config.get('name')!r} uses data_format={layout!r}; predict_model follows "
            "the channels-last layout Keras uses by default"
        )


def _window_sizes(shape, config, window, strides, dilation=(1, 1)) -> tuple[int, int]:
    """(O_h, O_w) of a sliding window on a (B, H, W, C) input, per axis from arithmetic."""
    padding = config.get("padding", "valid")
    return tuple(conv_output_size(n, f, s, padding, dilation=d)
                 for n, f, s, d in zip(shape[1:3], window, strides, dilation, strict=True))


def _conv(kind, config, inputs):
    (x,) = inputs
    _channels_last(kind, config)
    window = _pair(config["kernel_size"])
    strides, dilation = _pair(config["strides"]), _pair(config["dilation_rate"])
    o_h, o_w = _window_sizes(x, config, window, strides, dilation)
    c_in, bias = x[3], config["use_bias"]
    if kind == "Conv2D":
        c_out = config["filters"]
        return (x[0], o_h, o_w, c_out), conv_params(window, c_in, c_out, bias,
                                                    groups=config.get("groups", 1))
    multiplier = config["depth_multiplier"]
    if kind == "DepthwiseConv2D":
        return (x[0], o_h, o_w, c_in * multiplier), depthwise_params(window, c_in, multiplier,
                                                                     bias)
    c_out = config["filters"]
    return (x[0], o_h, o_w, c_out), separable_params(window, c_in, c_out, multiplier, bias)


def _pool(kind, config, inputs):
    (x,) = inputs
    _channels_last(kind, config)
    window = _pair(config["pool_size"])
    strides = _pair(config.get("strides") or config["pool_size"])
    return (x[0], *_window_sizes(x, config, window, strides), x[3]), 0


def _zero_padding(kind, config, inputs):
    (x,) = inputs
    (top, bottom), (left, right) = config["padding"]
    return (x[0], x[1] + top + bottom, x[2] + left + right, x[3]), 0


def _cropping(kind, config, inputs):
    (x,) = inputs
    (top, bottom), (left, right) = config["cropping"]
    return (x[0], x[1] - top - bottom, x[2] - left - right, x[3]), 0


def _global_pool(kind, config, inputs):
    (x,) = inputs
    return ((x[0], 1, 1, x[3]) if config.get("keepdims") else (x[0], x[3])), 0


def _flatten(kind, config, inputs):
    (x,) = inputs
    return (x[0], math.prod(x[1:])), 0


def _dense(kind, config, inputs):
    (x,) = inputs
    units = config["units"]
    return (*x[:-1], units), (x[-1] + (1 if config["use_bias"] else 0)) * units


def _batch_norm(kind, config, inputs):
    (x,) = inputs
    axis = config["axis"] if isinstance(config["axis"], int) else config["axis"][0]
    # gamma and beta are learned; the moving mean and variance are counted too (not trainable)
    return x, x[axis] * (2 + config["center"] + config["scale"])


def _layer_norm(kind, config, inputs):
    (x,) = inputs
    return x, x[-1] * (config["center"] + config["scale"])


def _normalization(kind, config, inputs):
    (x,) = inputs
    if config.get("mean") is not None:  # mean and variance given as numbers: no weights
        return x, 0
    return x, 2 * x[-1] + 1  # a mean and a variance per channel, and a count, from adapt()


def _per_channel(kind, config, inputs):
    (x,) = inputs
    return x, x[-1]


def _unchanged(kind, config, inputs):
    return inputs[0], 0


def _reshape(kind, config, inputs):
    (x,) = inputs
    target = tuple(config["target_shape"])
    if -1 in target:
        known = math.prod(size for size in target if size != -1)
        target = tuple(math.prod(x[1:]) // known if size == -1 else size for size in target)
    return (x[0], *target), 0


def _broadcast(kind, config, inputs):
    """Add, Multiply...: NumPy's broadcasting (squeeze-excitation multiplies (B, 1, 1, C) by
    (B, H, W, C))."""
    out = []
    for sizes in zip(*inputs, strict=True):
        known = [size for size in sizes if size not in (None, 1)]
        out.append(known[0] if known else (None if None in sizes else 1))
    return tuple(out), 0


def _concatenate(kind, config, inputs):
    axis = config["axis"]
    out = list(inputs[0])
    out[axis] = sum(shape[axis] for shape in inputs)
    return tuple(out), 0


_RULES: dict[str, Callable] = {
    "Conv2D": _conv, "DepthwiseConv2D": _conv, "SeparableConv2D": _conv,
    "MaxPooling2D": _pool, "AveragePooling2D": _pool,
    "ZeroPadding2D": _zero_padding, "Cropping2D": _cropping,
    "GlobalAveragePooling2D": _global_pool, "GlobalMaxPooling2D": _global_pool,
    "Flatten": _flatten, "Dense": _dense, "Reshape": _reshape,
    "BatchNormalization": _batch_norm, "LayerNormalization": _layer_norm,
    "Normalization": _normalization, "LayerScale": _per_channel,
    "Activation": _unchanged, "ReLU": _unchanged, "Dropout": _unchanged,
    "Rescaling": _unchanged, "Softmax": _unchanged, "LeakyReLU": _unchanged,
    "Add": _broadcast, "Multiply": _broadcast, "Subtract": _broadcast,
    "Average": _broadcast, "Maximum": _broadcast, "Minimum": _broadcast,
    "Concatenate": _concatenate,
}
#: The layer kinds :func:`predict_layer` knows (nested Sequential and Functional models too).
PREDICTED_KINDS = tuple(sorted([*_RULES, "Sequential", "Functional", "InputLayer"]))


def predict_layer(kind: str, config: dict, input_shapes: list[tuple]) -> tuple[tuple, int]:
    """(output shape, parameters) of one layer, from its kind, its arguments and its inputs.

    ``kind`` is the class name (``type(layer).__name__``), ``config`` its ``get_config()``,
    ``input_shapes`` the shapes of its inputs (batch axis first, ``None``). Convolution and
    pooling sizes come from :func:`course_utils.conv_output_size`, parameters from
    :func:`course_utils.conv_params` and its depthwise and separable siblings. Taught in
    lesson 07, section 8.

    >>> predict_layer("Conv2D", {"filters": 128, "kernel_size": 3, "strides": 1,
    ...     "padding": "same", "dilation_rate": 1, "groups": 4, "use_bias": True},
    ...     [(None, 56, 56, 64)])
    ((None, 56, 56, 128), 18560)
    >>> predict_layer("SeparableConv2D", {"filters": 128, "kernel_size": 3, "strides": 1,
    ...     "padding": "same", "dilation_rate": 1, "depth_multiplier": 1, "use_bias": True},
    ...     [(None, 112, 112, 64)])
    ((None, 112, 112, 128), 8896)
    """
    rule = _RULES.get(kind)
    if rule is None:
        raise NotImplementedError(
            f"predict_layer does not know the layer kind {kind!r} (layer "
            f"{config.get('name')!r}); it knows: {', '.join(PREDICTED_KINDS)}"
        )
    shape, params = rule(kind, config, [tuple(shape) for shape in input_shapes])
    return tuple(shape), int(params)


def _without_keras_answers(value):
    """A copy of a config without what Keras computed: tensor shapes and build configs."""
    if isinstance(value, dict):
        return {key: None if key in ("shape", "build_config") else _without_keras_answers(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_without_keras_answers(item) for item in value]
    return value


def _walk(config: dict, input_shape, rows: list, nested: bool = False) -> tuple[tuple, int]:
    """Predict the layers of a Sequential or Functional config; return its output and total.

    A nested model's own input layer is skipped: its input is what feeds the block."""
    shapes, previous, total = {}, input_shape, 0
    for layer in config["layers"]:
        kind, layer_config = layer["class_name"], layer["config"]
        name = layer.get("name") or layer_config["name"]
        nodes = layer.get("inbound_nodes")
        if kind == "InputLayer":
            if nested:
                continue
            shape, params = tuple(layer_config["batch_shape"]), 0
        else:
            if nodes:  # functional: the layers named in the first call's arguments feed it
                arguments = nodes[0]["args"]
                tensors = arguments[0] if isinstance(arguments[0], list) else arguments
                inputs = [shapes[tensor["config"]["keras_history"][0]] for tensor in tensors]
            else:  # sequential: the previous layer feeds it
                inputs = [previous]
            if kind in ("Sequential", "Functional"):
                shape, params = _walk(layer_config, inputs[0], rows, nested=True)
            else:
                shape, params = predict_layer(kind, layer_config, inputs)
        shapes[name] = previous = shape
        rows.append(LayerPrediction(name, kind, shape, params))
        total += params
    outputs = config.get("output_layers")
    if outputs:  # functional: [name, node, tensor] (or a list of them)
        first = outputs[0] if isinstance(outputs[0], list) else outputs
        return shapes[first[0]], total
    return previous, total


def predict_model(model) -> list[LayerPrediction]:
    """Every layer's output shape and parameter count, predicted from the model's recipe.

    ``model`` is a Keras model (its ``get_config()`` is read) or such a config. Returns one
    :class:`LayerPrediction` per layer (and per operation such as ``x + y`` written between
    layers) in the model's order, the input layer included; the layers inside a nested
    Sequential block come just before the block's own row, which holds their total.
    Taught in lesson 07, section 8 (MobileNetV2, all 156 layers).

    >>> config = {"name": "tiny", "layers": [
    ...     {"class_name": "InputLayer", "config": {"name": "image",
    ...      "batch_shape": [None, 28, 28, 1]}},
    ...     {"class_name": "Conv2D", "config": {"name": "conv", "filters": 3,
    ...      "kernel_size": [5, 5], "strides": [1, 1], "padding": "valid",
    ...      "dilation_rate": [1, 1], "groups": 1, "use_bias": True}}]}
    >>> [(row.name, row.output_shape, row.params) for row in predict_model(config)]
    [('image', (None, 28, 28, 1), 0), ('conv', (None, 24, 24, 3), 78)]
    """
    if isinstance(model, dict):
        config = model
    elif callable(getattr(model, "get_config", None)):
        config = model.get_config()
    else:
        raise TypeError(
            f"model must be a Keras model or its get_config() dict, got {describe(model)}"
        )
    if not isinstance(config.get("layers"), list):
        raise ValueError(
            "model's config has no list of 'layers': predict_model reads Sequential and "
            "Functional models (keras.Sequential, keras.Model, keras.applications)"
        )
    rows: list[LayerPrediction] = []
    _walk(_without_keras_answers(config), None, rows)
    return rows
