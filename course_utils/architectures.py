"""Predict every layer of a Keras model from its recipe: output shapes, parameters, multiplications.

A Keras model's ``get_config()`` is its recipe: the kind of each layer (``"Conv2D"``), the
arguments it was made with (``filters``, ``kernel_size``, ``strides``, ``padding``...) and
which layer feeds which. :func:`predict_model` reads only that, computes each layer's output
shape, parameter count and multiplications per image with the course's arithmetic
(:mod:`course_utils.arithmetic`), and returns one row per layer; :func:`compare_with_keras`
puts each row beside what Keras built.

The multiplications are counted as the papers count a network's cost (MobileNet's
"mult-adds", ResNet's "FLOPs (multiply-adds)"): one per kernel weight and output position in
the layers that hold kernels (:data:`COUNTED_KINDS`: Conv2D with groups and dilation,
DepthwiseConv2D, SeparableConv2D, Conv2DTranspose and Dense), and 0 in every other layer:
batch normalization, activations, pooling, additions and element-wise scalings (Rescaling,
Normalization, Multiply, LayerScale) cost a few operations per value, which the papers leave
out.
The shapes Keras writes into the config (each input tensor's ``shape``, each layer's
``build_config``) are removed before anything is read: the prediction cannot copy them.

What it cannot predict, it says before computing anything, naming the layer and what to do:
an input of unknown size (a network built without ``input_shape``), a layer called with
something other than another layer's output (``x + 3.0``), a layer or nested model called
more than once (shared), a nested model with several inputs or outputs, a layer kind it does
not know (:data:`PREDICTED_KINDS`) and channels-first layouts. Nested Sequential and
Functional models with one input (ConvNeXt's blocks, a pretrained network used as a layer)
are predicted layer by layer.

Layouts are channels-last like Keras; shapes include the batch axis as ``None``. Nothing here
imports Keras: a model is only asked for ``get_config()`` (and, by :func:`compare_with_keras`,
for its ``operations`` and their output shapes and ``count_params()``).

Taught in lesson 07, section 7 (the capstone: MobileNetV2 predicted layer by layer) and its
Going further A (five networks' multiplications beside their papers' tables). Section 3's
measured receptive field is here too: :func:`measure_receptive_field` runs a stack through
TensorFlow (imported when it is called) and counts the paths into one output pixel;
:func:`field_extent` reads the field's size off the counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from .arithmetic import (
    conv_mults,
    conv_output_size,
    conv_params,
    conv_transpose_mults,
    conv_transpose_output_size,
    depthwise_mults,
    depthwise_params,
    effective_kernel_size,
    receptive_field,
    separable_mults,
    separable_params,
)
from .validation import check_int, describe

__all__ = ["LayerPrediction", "LayerComparison", "layer_counts", "predict_layer", "predict_model",
           "compare_with_keras", "PREDICTED_KINDS", "COUNTED_KINDS", "measure_receptive_field",
           "receptive_field_steps", "field_extent", "block_walk", "hand_counts_table",
           "paper_table"]


class LayerPrediction(NamedTuple):
    """One layer's prediction: its name, kind, output shape (batch axis None), parameters and
    multiplications for one input image (0 for kinds the papers do not count).

    A row of :func:`predict_model`'s answer; ``inside`` names the nested model the layer
    belongs to (None for the model's own layers). Taught in lesson 07, section 7.
    """

    name: str
    kind: str
    output_shape: tuple
    params: int
    mults: int = 0
    inside: str | None = None


class LayerComparison(NamedTuple):
    """One layer predicted and built: the prediction beside Keras's answer, and whether they agree.

    A row of :func:`compare_with_keras`'s answer: ``output_shape`` and ``params`` are predicted
    from the recipe, ``keras_shape`` and ``keras_params`` read off the layer Keras built
    (``layer.output.shape``, ``layer.count_params()``). Taught in lesson 07, section 7.
    """

    name: str
    kind: str
    output_shape: tuple
    keras_shape: tuple | None
    params: int
    keras_params: int | None
    agrees: bool
    inside: str | None = None


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


def layer_counts(kind: str, config: dict, input_shape) -> tuple[tuple, int, int]:
    """(output shape, parameters, multiplications per image) of one layer that holds a kernel.

    ``kind`` is ``type(layer).__name__`` (Conv2D, DepthwiseConv2D, SeparableConv2D or Dense),
    ``config`` its ``get_config()``, ``input_shape`` its input's (batch axis first). One rule
    per kind, each lesson 01-07's formulas (:func:`course_utils.conv_params`,
    :func:`course_utils.conv_mults` and their siblings): :func:`predict_model` counts every
    such layer with it. Taught in lesson 07, section 7.

    >>> layer_counts("DepthwiseConv2D", {"kernel_size": 3, "strides": 1, "padding": "same",
    ...     "dilation_rate": 1, "depth_multiplier": 1, "use_bias": False}, (None, 56, 56, 144))
    ((None, 56, 56, 144), 1296, 4064256)
    >>> layer_counts("Dense", {"units": 1000, "use_bias": True}, (None, 1280))
    ((None, 1000), 1281000, 1280000)
    """
    if kind not in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"):
        raise ValueError(f"layer_counts: kind must be Conv2D, DepthwiseConv2D, SeparableConv2D "
                         f"or Dense, got {kind!r}")
    x, bias = tuple(input_shape), config["use_bias"]
    if kind == "Dense":
        units = config["units"]
        return (*x[:-1], units), (x[-1] + bias) * units, math.prod(x[1:]) * units
    _channels_last(kind, config)
    window = _pair(config["kernel_size"])
    strides, dilation = _pair(config["strides"]), _pair(config["dilation_rate"])
    padding = config.get("padding", "valid")
    out = (x[0], *(conv_output_size(n, f, s, padding, dilation=d)  # per axis
                   for n, f, s, d in zip(x[1:3], window, strides, dilation, strict=True)))
    sliding = dict(stride=strides, padding=padding, dilation=dilation)
    c_in = x[3]
    if kind == "Conv2D":
        c_out, groups = config["filters"], config.get("groups", 1)
        return ((*out, c_out), conv_params(window, c_in, c_out, bias, groups=groups),
                conv_mults(x[1:], window, c_out, groups=groups, **sliding))
    multiplier = config["depth_multiplier"]
    if kind == "DepthwiseConv2D":
        return ((*out, c_in * multiplier), depthwise_params(window, c_in, multiplier, bias),
                depthwise_mults(x[1:], window, depth_multiplier=multiplier, **sliding))
    c_out = config["filters"]  # SeparableConv2D
    return ((*out, c_out), separable_params(window, c_in, c_out, multiplier, bias),
            separable_mults(x[1:], window, c_out, depth_multiplier=multiplier, **sliding))


def _counted(kind, config, inputs):
    (x,) = inputs
    return layer_counts(kind, config, x)[:2]


def _conv_transpose(kind, config, inputs):
    (x,) = inputs
    _channels_last(kind, config)
    window = _pair(config["kernel_size"])
    strides, dilation = _pair(config["strides"]), _pair(config["dilation_rate"])
    paddings = _pair(config.get("output_padding"))
    o_h, o_w = (conv_transpose_output_size(n, effective_kernel_size(f, d), s, config["padding"],
                                           a)
                for n, f, s, d, a in zip(x[1:3], window, strides, dilation, paddings,
                                         strict=True))
    c_out = config["filters"]
    return (x[0], o_h, o_w, c_out), conv_params(window, x[3], c_out, config["use_bias"])


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
    "Conv2D": _counted, "DepthwiseConv2D": _counted, "SeparableConv2D": _counted,
    "Conv2DTranspose": _conv_transpose,
    "MaxPooling2D": _pool, "AveragePooling2D": _pool,
    "ZeroPadding2D": _zero_padding, "Cropping2D": _cropping,
    "GlobalAveragePooling2D": _global_pool, "GlobalMaxPooling2D": _global_pool,
    "Flatten": _flatten, "Dense": _counted, "Reshape": _reshape,
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


def _conv_transpose_mults(kind, config, x):
    return conv_transpose_mults(x[1:], _pair(config["kernel_size"]), config["filters"])


def _counted_mults(kind, config, x):
    return layer_counts(kind, config, x)[2]


_MULTS: dict[str, Callable] = {
    "Conv2D": _counted_mults, "DepthwiseConv2D": _counted_mults,
    "SeparableConv2D": _counted_mults, "Dense": _counted_mults,
    "Conv2DTranspose": _conv_transpose_mults,
}
#: The layer kinds whose multiplications :func:`predict_layer` counts; every other kind counts 0
#: (batch normalization, activations, pooling, additions, element-wise scalings).
COUNTED_KINDS = tuple(sorted(_MULTS))


def predict_layer(kind: str, config: dict, input_shapes: list[tuple]) -> tuple[tuple, int, int]:
    """(output shape, parameters, multiplications per image) of one layer, from its kind, its
    arguments and its inputs.

    ``kind`` is the class name (``type(layer).__name__``), ``config`` its ``get_config()``,
    ``input_shapes`` the shapes of its inputs (batch axis first, ``None``). Convolution and
    pooling sizes come from :func:`course_utils.conv_output_size`, parameters from
    :func:`course_utils.conv_params` and its depthwise and separable siblings, multiplications
    from :func:`course_utils.conv_mults` and its siblings (0 for a kind not in
    :data:`COUNTED_KINDS`). Taught in lesson 07, section 7.

    >>> predict_layer("Conv2D", {"filters": 128, "kernel_size": 3, "strides": 1,
    ...     "padding": "same", "dilation_rate": 1, "groups": 4, "use_bias": True},
    ...     [(None, 56, 56, 64)])
    ((None, 56, 56, 128), 18560, 57802752)
    >>> predict_layer("SeparableConv2D", {"filters": 128, "kernel_size": 3, "strides": 1,
    ...     "padding": "same", "dilation_rate": 1, "depth_multiplier": 1, "use_bias": True},
    ...     [(None, 112, 112, 64)])
    ((None, 112, 112, 128), 8896, 109985792)
    >>> predict_layer("BatchNormalization", {"axis": -1, "center": True, "scale": True},
    ...     [(None, 112, 112, 64)])
    ((None, 112, 112, 64), 256, 0)
    """
    rule = _RULES.get(kind)
    if rule is None:
        raise NotImplementedError(
            f"predict_layer does not know the layer kind {kind!r} (layer "
            f"{config.get('name')!r}); it knows: {', '.join(PREDICTED_KINDS)}"
        )
    inputs = [tuple(shape) for shape in input_shapes]
    shape, params = rule(kind, config, inputs)
    count = _MULTS.get(kind)
    return tuple(shape), int(params), int(count(kind, config, inputs[0])) if count else 0


def _without_keras_answers(value):
    """A copy of a config without what Keras computed: tensor shapes and build configs."""
    if isinstance(value, dict):
        return {key: None if key in ("shape", "build_config") else _without_keras_answers(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_without_keras_answers(item) for item in value]
    return value


_NESTED = ("Sequential", "Functional")
_SIZE_FIX = ("Give the model a fixed input size: input_shape=(224, 224, 3) when building a "
             "keras.applications network (e.g. keras.applications.ResNet50(weights=None, "
             "include_top=False, input_shape=(224, 224, 3))), or keras.Input((224, 224, 3)) as "
             "the first layer of your own model")


def _is_tensor(value) -> bool:
    """A layer's output in a functional config (a ``__keras_tensor__`` entry)."""
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _leaves(value) -> list:
    """The values of a call's arguments, lists and tuples opened."""
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _call_tensors(layer: dict) -> list[dict]:
    """The tensors a functional layer's (only) call reads, in order."""
    return [leaf for leaf in _leaves(layer["inbound_nodes"][0]["args"]) if _is_tensor(leaf)]


def _triples(value) -> list:
    """A config's ``input_layers``/``output_layers``: one [name, node, index] or a list of them."""
    if not value:
        return []
    return list(value) if isinstance(value[0], list | tuple) else [value]


def _layer_name(layer: dict) -> str:
    return layer.get("name") or layer["config"]["name"]


def _check_predictable(config: dict, model_name: str, nested: bool = False) -> None:
    """Refuse, before any computation, what the prediction cannot follow, naming the layer."""
    entries = config["layers"]
    if not nested and not any(layer["class_name"] == "InputLayer" for layer in entries):
        raise ValueError(
            f"model {model_name!r} has no input layer, so the size of what it reads is "
            f"unknown (a Sequential model that was never built or called). {_SIZE_FIX}"
        )
    for layer in entries:
        kind, layer_config, name = layer["class_name"], layer["config"], _layer_name(layer)
        where = f"layer {name!r} ({kind}) of model {model_name!r}"
        if kind == "InputLayer":
            shape = tuple(layer_config["batch_shape"])
            if None in shape[1:]:
                raise ValueError(
                    f"{where} has batch_shape {shape}: its sizes after the batch axis must be "
                    f"numbers to predict the layers after it (None = any size). {_SIZE_FIX}"
                )
            continue
        nodes = layer.get("inbound_nodes") or []
        if len(nodes) > 1:
            raise NotImplementedError(
                f"{where} is called {len(nodes)} times (a shared layer): predict_model predicts "
                "one call per layer, so it cannot predict this model. Give each call a layer "
                "of its own, or read the shapes with model.summary()"
            )
        if nodes:
            arguments = nodes[0]["args"]
            others = [leaf for leaf in _leaves(arguments) if not _is_tensor(leaf)]
            if others or not _call_tensors(layer):
                raise NotImplementedError(
                    f"{where} is called with {others[0] if others else 'no tensor'!r}, not only "
                    "with outputs of other layers (the model computes something like "
                    "x + 3.0 between its layers): predict_model follows tensors from layer to "
                    "layer only, so it cannot predict this model. Keras's model.summary() shows "
                    "its shapes; networks without such operations (e.g. MobileNetV2, ResNet50) "
                    "can be predicted"
                )
            if any(_is_tensor(leaf) for leaf in _leaves(nodes[0].get("kwargs") or {})):
                raise NotImplementedError(
                    f"{where} gets a tensor as a keyword argument (a second input such as a "
                    "mask): predict_model follows the positional inputs only, so it cannot "
                    "predict this model"
                )
        if kind in _NESTED:
            if kind == "Functional":
                counts = (len(_triples(layer_config.get("input_layers"))),
                          len(_triples(layer_config.get("output_layers"))))
                if counts != (1, 1):
                    raise NotImplementedError(
                        f"{where} is a nested model with {counts[0]} inputs and {counts[1]} "
                        "outputs: predict_model predicts nested models with one input and one "
                        "output. Predict it on its own: predict_model(model.get_layer("
                        f"{name!r}))"
                    )
            _check_predictable(layer_config, name, nested=True)
            continue
        if kind not in _RULES:
            raise NotImplementedError(
                f"predict_model does not know the layer kind {kind!r} ({where}); it knows: "
                f"{', '.join(PREDICTED_KINDS)}. Read that layer's shape with model.summary()"
            )
        _channels_last(kind, layer_config)


def _walk(config: dict, input_shape, rows: list, nested_rows: bool, inside: str | None = None
          ) -> tuple[tuple, int, int]:
    """Predict the layers of a Sequential or Functional config; return its output shape and its
    totals of parameters and multiplications.

    ``rows`` receives one :class:`LayerPrediction` per layer (a nested model's layers only if
    ``nested_rows``). A nested model (``inside`` names it) has no input row of its own: the
    shape that feeds it takes its input layer's place."""
    shapes, previous, total, total_mults = {}, input_shape, 0, 0
    nested = inside is not None
    if nested:
        for name, *_ in _triples(config.get("input_layers")):
            shapes[name] = input_shape
    for layer in config["layers"]:
        kind, layer_config, name = layer["class_name"], layer["config"], _layer_name(layer)
        nodes = layer.get("inbound_nodes")
        if kind == "InputLayer":
            if nested:
                continue
            shape, params, mults = tuple(layer_config["batch_shape"]), 0, 0
        else:
            if nodes:  # functional: the layers named in the call's arguments feed it
                inputs = [shapes[tensor["config"]["keras_history"][0]]
                          for tensor in _call_tensors(layer)]
            else:  # sequential: the previous layer feeds it
                inputs = [previous]
            if kind in _NESTED:
                shape, params, mults = _walk(layer_config, inputs[0], rows, nested_rows,
                                             inside=name)
            else:
                shape, params, mults = predict_layer(kind, layer_config, inputs)
        shapes[name] = previous = shape
        if nested_rows or not nested:
            rows.append(LayerPrediction(name, kind, shape, params, mults, inside))
        total, total_mults = total + params, total_mults + mults
    outputs = _triples(config.get("output_layers"))
    if outputs:  # functional: [name, node, tensor]
        return shapes[outputs[0][0]], total, total_mults
    return previous, total, total_mults


def _config_of(model) -> dict:
    if isinstance(model, dict):
        config = model
    elif callable(getattr(model, "get_config", None)):
        config = model.get_config()
    else:
        raise TypeError(
            f"model must be a Keras model or its get_config() dict, got {describe(model)}"
        )
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError(
            "model's config has no list of 'layers': predict_model reads Sequential and "
            "Functional models (keras.Sequential, keras.Model, keras.applications)"
        )
    return config


def predict_model(model, nested: bool = False) -> list[LayerPrediction]:
    """Every layer's output shape, parameter count and multiplications for one input image,
    predicted from the model's recipe.

    ``model`` is a Keras model (its ``get_config()`` is read) or such a config. Returns one
    :class:`LayerPrediction` per layer and per operation such as ``x + y`` written between
    layers (Keras lists both in ``model.operations``), in the model's order, the input layer
    included; their parameters add up to ``model.count_params()``. ``mults`` counts one
    multiplication per kernel weight and output position in the layers the papers count
    (:data:`COUNTED_KINDS`) and 0 in the others: batch normalization, activations, pooling,
    additions (see the module's docstring). With
    ``nested=True`` the layers inside a nested model (ConvNeXt's blocks, a network used as a
    layer) are listed too, just before the nested model's own row (which holds their total),
    with ``inside`` naming it. What it cannot predict it refuses before computing anything,
    naming the layer (see the module's docstring). Taught in lesson 07, section 7
    (MobileNetV2, all 156 layers; five networks' multiplications beside their papers').

    >>> config = {"name": "tiny", "layers": [
    ...     {"class_name": "InputLayer", "config": {"name": "image",
    ...      "batch_shape": [None, 28, 28, 1]}},
    ...     {"class_name": "Conv2D", "config": {"name": "conv", "filters": 3,
    ...      "kernel_size": [5, 5], "strides": [1, 1], "padding": "valid",
    ...      "dilation_rate": [1, 1], "groups": 1, "use_bias": True}}]}
    >>> [(row.name, row.output_shape, row.params, row.mults) for row in predict_model(config)]
    [('image', (None, 28, 28, 1), 0, 0), ('conv', (None, 24, 24, 3), 78, 43200)]
    >>> config["layers"][0]["config"]["batch_shape"] = [None, None, None, 1]
    >>> predict_model(config)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: layer 'image' (InputLayer) of model 'tiny' has batch_shape (None, None, ...
    """
    config = _without_keras_answers(_config_of(model))
    _check_predictable(config, config.get("name"))
    rows: list[LayerPrediction] = []
    _walk(config, None, rows, nested)
    return rows


def _keras_answers(model, nested: bool, inside: str | None = None):
    """((inside, name), (output shape, parameters)) of every operation Keras built, in order;
    a nested model's own input layer is skipped, as in :func:`predict_model`."""
    operations = getattr(model, "operations", None)
    if operations is None:  # a Sequential model: its input layer is not among its layers
        if inside is None:
            (entry,) = [layer for layer in model.get_config()["layers"]
                        if layer["class_name"] == "InputLayer"]
            yield (inside, _layer_name(entry)), (tuple(model.inputs[0].shape), 0)
        operations = model.layers
    for operation in operations:
        kind = type(operation).__name__
        if kind == "InputLayer":
            if inside is None:
                yield (inside, operation.name), (tuple(operation.batch_shape), 0)
            continue
        if nested and kind in _NESTED:
            yield from _keras_answers(operation, nested, operation.name)
        count = getattr(operation, "count_params", None)  # operations such as x + y: none
        yield (inside, operation.name), (tuple(operation.output.shape),
                                         count() if callable(count) else 0)


def compare_with_keras(model, nested: bool = False) -> list[LayerComparison]:
    """Each layer's predicted output shape and parameters beside what Keras built.

    ``model`` is a built Keras model. :func:`predict_model` predicts every layer from the
    recipe; each row then gets the shape of the tensor Keras built (``layer.output.shape``; an
    input layer's ``batch_shape``) and ``layer.count_params()``, and ``agrees`` says whether
    both match. The rows follow ``model.operations`` (``nested=True``: the layers of nested
    models too, as in :func:`predict_model`); the parameters of the rows whose ``inside`` is
    None add up to ``model.count_params()``. Taught in lesson 07, section 7.

    >>> import keras
    >>> tiny = keras.Sequential([keras.Input((28, 28, 1), name="image"),
    ...                          keras.layers.Conv2D(3, 5, name="conv")], name="tiny")
    >>> for row in compare_with_keras(tiny):
    ...     print(row.name, row.output_shape, row.keras_shape, row.params, row.keras_params,
    ...           row.agrees)
    image (None, 28, 28, 1) (None, 28, 28, 1) 0 0 True
    conv (None, 24, 24, 3) (None, 24, 24, 3) 78 78 True
    """
    if isinstance(model, dict) or not hasattr(model, "layers"):
        raise TypeError(
            "model must be a built Keras model (compare_with_keras reads the layers Keras "
            f"built; predict_model reads a config alone), got {describe(model)}"
        )
    predictions = predict_model(model, nested=nested)
    built = dict(_keras_answers(model, nested))
    rows = []
    for row in predictions:
        keras_shape, keras_params = built.get((row.inside, row.name), (None, None))
        rows.append(LayerComparison(
            row.name, row.kind, row.output_shape, keras_shape, row.params, keras_params,
            (row.output_shape, row.params) == (keras_shape, keras_params), row.inside))
    return rows


def measure_receptive_field(stack, size: int = 33):
    """How many paths lead from each input pixel to the centre output pixel of a stack,
    measured by TensorFlow's gradient: non-zero exactly on the receptive field.

    ``stack`` lists the layers first to last as (F, S) pairs or (F, S, D) triples, the lists
    ``receptive_field`` reads. Each layer runs as ``tf.nn.conv2d`` (padding 'valid') with an
    F x F kernel of ones, its taps D pixels apart (section 3's kernel with holes: D - 1 zeros
    between neighbouring taps), on a ``size`` x ``size`` input of ones; a pooling window runs
    the same way, as average pooling does up to a factor (every pixel of the window counts
    equally; max pooling would pass the gradient to one pixel per window and miss part of the
    field). Every path from an input pixel to the output pixel is then a product of ones, so
    the gradient of the centre output pixel with respect to the input counts the paths.
    Returns a (size, size) int array. Taught in lesson 07, section 3.

    >>> paths = measure_receptive_field([(3, 1), (3, 1)], size=7)   # two 3x3 layers
    >>> paths[1:6, 1:6]
    array([[1, 2, 3, 2, 1],
           [2, 4, 6, 4, 2],
           [3, 6, 9, 6, 3],
           [2, 4, 6, 4, 2],
           [1, 2, 3, 2, 1]])
    >>> field_extent(paths), field_extent(measure_receptive_field([(3, 1, 2)] * 3))
    ((5, 5), (13, 13))
    """
    import tensorflow as tf

    field = receptive_field(stack)                       # checks the layers
    size = check_int(size, "size", 1)
    if size < field:
        raise ValueError(f"size is {size} but the stack's receptive field is {field} pixels "
                         "wide: the input must hold the whole field (size >= field)")
    x = tf.Variable(tf.ones((1, size, size, 1)))
    with tf.GradientTape() as tape:
        h = x
        for layer in stack:
            f, s, d = (*layer, 1)[:3]
            footprint = effective_kernel_size(f, d)
            taps = np.zeros((footprint, footprint, 1, 1), dtype="float32")
            taps[::d, ::d] = 1.0                         # F x F ones, D - 1 zeros between
            h = tf.nn.conv2d(h, taps, s, "VALID")
        centre = h[0, h.shape[1] // 2, h.shape[2] // 2, 0]
    return np.rint(tape.gradient(centre, x).numpy()[0, :, :, 0]).astype(int)


def receptive_field_steps(stack) -> pd.DataFrame:
    """Section 3's recurrence layer by layer: the receptive field r and the step j after each
    layer of ``stack`` (the (F, S) pairs or (F, S, D) triples ``receptive_field`` reads), from
    r = j = 1 for one input pixel. r after layer l is ``receptive_field`` of the first l
    layers; j is the product of their strides. Taught in lesson 07, section 3.

    >>> receptive_field_steps([(3, 1, 1), (3, 2, 1), (3, 1, 1)])
                   r  j
    after layer
    (none)         1  1
    3x3            3  1
    3x3, stride 2  5  2
    3x3            9  2
    """
    receptive_field(stack)                                # checks the layers
    names, fields, steps = ["(none)"], [1], [1]
    for count, layer in enumerate(stack, start=1):
        f, s, d = (*layer, 1)[:3]
        names.append(f"{f}x{f}" + (f", stride {s}" if s > 1 else "")
                     + (f", D = {d}" if d > 1 else ""))
        fields.append(receptive_field(stack[:count]))
        steps.append(steps[-1] * s)
    return pd.DataFrame({"r": fields, "j": steps}, index=pd.Index(names, name="after layer"))


def field_extent(paths) -> tuple[int, int]:
    """(rows, columns) of the smallest rectangle holding every non-zero entry of ``paths``:
    the receptive field's height and width, as :func:`measure_receptive_field` measures it.
    Taught in lesson 07, section 3.

    >>> field_extent(np.array([[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0]]))
    (1, 3)
    """
    paths = np.asarray(paths)
    if paths.ndim != 2 or not np.any(paths):
        raise ValueError(f"paths must be a 2-D array with a non-zero entry (path counts); got "
                         f"{describe(paths)}")
    rows, cols = np.nonzero(paths)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


# --- tables lesson 07's capstone shows ----------------------------------------------------------

def _in_block(name: str, names) -> bool:
    return any(name == prefix or name.startswith(prefix + "_") for prefix in names)


def block_walk(model, names):
    """A block of a built Keras model, one row per layer that computes: its kind, strides,
    padding, bias, the batch normalization and ReLU that follow it ("then") and its output shape.

    ``names`` is a layer-name prefix or a list of them: a layer belongs to the block when its
    name is a prefix or starts with prefix + "_" ("block_2" takes block_2_expand and
    block_2_add, "conv_dw_1" takes conv_dw_1_bn but not conv_dw_10). The first row is the
    block's input. BatchNormalization and ReLU layers are folded into the row above (ReLU6
    for a ReLU capped at 6). Returns a pandas DataFrame indexed by layer name.
    Taught in lesson 07, sections 5 and 6.

    >>> import keras
    >>> tiny = keras.Sequential([keras.Input((8, 8, 3)),
    ...     keras.layers.Conv2D(4, 3, use_bias=False, name="b_conv"),
    ...     keras.layers.BatchNormalization(name="b_conv_bn"),
    ...     keras.layers.ReLU(6.0, name="b_conv_relu"), keras.layers.Flatten(name="flat")])
    >>> block_walk(tiny, "b_conv")[["kind", "then", "output shape"]]
                 kind       then output shape
    layer
    (input)                         (8, 8, 3)
    b_conv     3x3 Conv2D  BN, ReLU6     (6, 6, 4)
    """
    names = [names] if isinstance(names, str) else list(names)
    block = [layer for layer in model.layers if _in_block(layer.name, names)]
    if not block:
        raise ValueError(f"no layer of {model.name} is named {names} or starts with one of them "
                         "and '_'")
    rows = [{"layer": "(input)", "kind": "", "strides": "", "padding": "", "use_bias": "",
             "then": "", "output shape": tuple(block[0].input.shape[1:])}]
    for layer in block:
        kind = type(layer).__name__
        if kind in ("BatchNormalization", "ReLU"):         # after the layer above
            max_value = getattr(layer, "max_value", None)
            after = "BN" if kind == "BatchNormalization" else (
                f"ReLU{float(max_value):g}" if max_value is not None else "ReLU")
            rows[-1]["then"] = ", ".join(filter(None, [rows[-1]["then"], after]))
            continue
        size = "{}x{} ".format(*layer.kernel_size) if hasattr(layer, "kernel_size") else ""
        rows.append({"layer": layer.name, "kind": size + kind,
                     "strides": getattr(layer, "strides", ""),
                     "padding": getattr(layer, "padding", ""),
                     "use_bias": getattr(layer, "use_bias", ""), "then": "",
                     "output shape": tuple(layer.output.shape[1:])})
    return pd.DataFrame(rows).set_index("layer")


def hand_counts_table(model, by_hand):
    """Layers counted by hand beside :func:`predict_model`'s counts and Keras's
    ``count_params()``.

    ``by_hand`` maps a layer name to (the rule in words, parameters, multiplications). Returns a
    pandas DataFrame indexed by layer: the rule, the parameters by hand, predicted and by Keras,
    the multiplications by hand and predicted. Taught in lesson 07, section 7.

    >>> import keras
    >>> tiny = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name="c")])
    >>> row = hand_counts_table(tiny, {"c": ("3x3x3, 4 filters", 3 * 3 * 3 * 4 + 4,
    ...                                      6 * 6 * 3 * 3 * 3 * 4)}).loc["c"]
    >>> print(*row, sep=", ")
    3x3x3, 4 filters, 112, 112, 112, 3888, 3888
    """
    predicted = {row.name: row for row in predict_model(model)}
    missing = [name for name in by_hand if name not in predicted]
    if missing:
        raise ValueError(f"{model.name} has no layer named {missing}")
    return pd.DataFrame([
        {"layer": name, "rule": rule, "by hand: params": params,
         "predict_model": predicted[name].params,
         "Keras": model.get_layer(name).count_params(),
         "by hand: mults": mults, "predict_model mults": predicted[name].mults}
        for name, (rule, params, mults) in by_hand.items()]).set_index("layer")


def paper_table(networks, papers):
    """Networks predicted from their recipes beside their papers' counts.

    ``networks`` maps a name to a built Keras model; ``papers`` maps the same names to
    (source, multiply-adds over all layers, parameters or None). Each row: the source, how
    many layers agree with Keras (:func:`compare_with_keras`), the predicted multiplications
    of every layer and the paper's, their difference (a percentage with its sign; a difference
    that rounds to 0 shows as +0.00%), the parameters as predicted, without batch
    normalization's, and the paper's. Returns a pandas DataFrame of formatted strings, indexed
    by network. Taught in lesson 07, Going further A.

    >>> import keras
    >>> tiny = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name="c")])
    >>> paper_table({"tiny": tiny}, {"tiny": ("a paper", 4000, 112)}).loc["tiny"].tolist()
    ['a paper', '2 of 2', '0.0 M', '0 M', '-2.80%', '0.000 M', '0.000 M', '0.0 M']
    """
    rows = []
    for name, (source, paper_mults, paper_params) in papers.items():
        checked = compare_with_keras(networks[name])
        params = sum(row.params for row in checked)
        norms = sum(row.params for row in checked if row.kind == "BatchNormalization")
        ours = sum(row.mults for row in predict_model(networks[name]))
        difference = ours / paper_mults - 1
        rows.append({"network": name, "source": source,
                     "layers agreeing": f"{sum(row.agrees for row in checked)} of {len(checked)}",
                     "mult-adds": f"{ours / 1e6:,.1f} M", "paper": f"{paper_mults / 1e6:,.0f} M",
                     "difference": f"{difference if round(difference, 4) else 0.0:+.2%}",
                     "params": f"{params / 1e6:.3f} M",
                     "without BN": f"{(params - norms) / 1e6:.3f} M",
                     "paper params": f"{paper_params / 1e6:.1f} M" if paper_params else "-"})
    return pd.DataFrame(rows).set_index("network")
