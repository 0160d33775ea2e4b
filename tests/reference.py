"""The real library's answers, shared by the tests: TensorFlow and Keras, never a second copy
of the course's own code.

Every helper takes the course's layouts (a 2-D image and kernel, or channels-last batches)
and its padding forms ('valid', 'same', an int P, a pair, ((top, bottom), (left, right))).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def explicit_padding(padding):
    """((top, bottom), (left, right)) for an int P, a pair (P_h, P_w) or the explicit form."""
    if isinstance(padding, int):
        return (padding, padding), (padding, padding)
    if isinstance(padding[0], int):
        return (padding[0], padding[0]), (padding[1], padding[1])
    return tuple(tuple(p) for p in padding)


def tf_padding(padding):
    """The same padding as tf.nn expects it: 'VALID', 'SAME' or an explicit NHWC list."""
    if isinstance(padding, str):
        return padding.upper()
    (top, bottom), (left, right) = explicit_padding(padding)
    return [[0, 0], [top, bottom], [left, right], [0, 0]]


def tf_conv2d(x, kernel, stride=1, padding="valid"):
    """tf.nn.conv2d on float32 copies of a (B, H, W, C) batch and a (kh, kw, in, out) kernel."""
    x = np.asarray(x, dtype="float32")
    kernel = np.asarray(kernel, dtype="float32")
    return tf.nn.conv2d(x, kernel, strides=stride, padding=tf_padding(padding)).numpy()


def tf_conv2d_2d(x, kernel, stride=1, padding="valid"):
    """tf.nn.conv2d on one 2-D image and one 2-D kernel, as a 2-D array: the lessons' case."""
    x = np.asarray(x, dtype="float32")[None, :, :, None]
    kernel = np.asarray(kernel, dtype="float32")[:, :, None, None]
    return tf_conv2d(x, kernel, stride, padding)[0, :, :, 0]


def keras_pool_2d(layer, x):
    """Run one Keras pooling layer on a 2-D array (one image, one channel)."""
    x = np.asarray(x, dtype="float32")[None, :, :, None]
    return np.asarray(layer(x))[0, :, :, 0]


def keras_output_shape(input_shape, *layer_list):
    """The output shape (without the batch axis) of Keras layers applied in a row."""
    inputs = keras.Input(shape=input_shape, name="probe_input")
    h = inputs
    for layer in layer_list:
        h = layer(h)
    return tuple(keras.Model(inputs, h, name="probe").output_shape[1:])


def keras_output_size(n, f, s=1, padding="valid"):
    """O for one axis, as Keras's Conv2D computes it for an n x n one-channel input."""
    layer = keras.layers.Conv2D(1, f, strides=s, padding=padding, name="probe_conv")
    return layer.compute_output_shape((None, n, n, 1))[1]


def tf_conv2d_gradients(x, kernel, grad_output, stride=1, padding="valid"):
    """dL/dX, dL/dK, dL/db by tf.GradientTape, for L = sum(G * (conv2d(x, kernel) + b)).

    The loss makes dL/dY = G exactly. x (B, H, W, C_in), kernel (kh, kw, in, out) and G
    (B, O_h, O_w, C_out) as float64 arrays; the gradients come back in the same layouts.
    """
    x_var, kernel_var = tf.Variable(np.asarray(x, float)), tf.Variable(np.asarray(kernel, float))
    bias_var = tf.Variable(np.zeros(kernel_var.shape[3]))
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(x_var, kernel_var, stride, tf_padding(padding)) + bias_var
        loss = tf.reduce_sum(np.asarray(grad_output, float) * y)
    return [t.numpy() for t in tape.gradient(loss, [x_var, kernel_var, bias_var])]


def tf_pool2d_gradient(x, grad_output, pool_size=2, stride=None, padding="valid", mode="max"):
    """dL/dX by tf.GradientTape for L = sum(G * pool(x)), x (B, H, W, C) as float64."""
    x_var = tf.Variable(np.asarray(x, float))
    pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    with tf.GradientTape() as tape:
        y = pool(x_var, pool_size, pool_size if stride is None else stride, padding.upper())
        loss = tf.reduce_sum(np.asarray(grad_output, float) * y)
    return tape.gradient(loss, x_var).numpy()
