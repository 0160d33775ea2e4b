"""course_utils.validation: the generic checks and ``describe``, called directly.

(The checks as a learner meets them, through the operations, are in test_prepare.py.)
"""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.validation import (
    check_array,
    check_choice,
    check_images,
    check_input_shape,
    check_int,
    check_padding,
    check_pair,
    describe,
    is_keras_model,
    is_tensor,
    short_repr,
)


class _Hostile:
    """A value whose repr, len and comparison all raise."""

    def __repr__(self):
        raise RuntimeError("no repr")

    def __len__(self):
        raise RuntimeError("no len")

    def __eq__(self, other):
        raise RuntimeError("no eq")

    __hash__ = object.__hash__


@pytest.fixture(scope="module")
def keras_things():
    inputs = keras.Input((4,), name="probe_in")
    model = keras.Model(inputs, keras.layers.Dense(2, name="probe_dense")(inputs), name="tiny")
    return {"model": model, "tensor": tf.constant([[1.0, 2.0]]), "layer": model.layers[-1]}


@pytest.mark.parametrize("value, text", [
    (None, "None"),
    (True, "the boolean True"),
    (np.bool_(False), "the boolean False"),
    ("15", "a string '15'"),
    (3, "the number 3"),
    (np.float32(2.5), "the number 2.5"),
    (np.zeros((2, 3)), "a NumPy array of shape (2, 3) (dtype float64)"),
    ([1, 2, 3], "a list of 3 items [1, 2, 3]"),
    ((7,), "a tuple of 1 item (7,)"),
    (list(range(40)), "a list of 40 items"),
    (len, "the function len"),
    (int, "the class int"),
])
def test_describe_says_what_a_value_is(value, text):
    assert describe(value) == text


def test_describe_and_short_repr_never_raise():
    assert describe(_Hostile()) == "a _Hostile object"
    assert short_repr(_Hostile()) == "<_Hostile>"
    assert short_repr("x" * 100, 10) == "'xxxxxx..."


def test_keras_and_tensorflow_objects_are_recognised_without_importing_them(keras_things):
    assert is_keras_model(keras_things["model"]) and not is_keras_model(keras_things["tensor"])
    assert is_tensor(keras_things["tensor"]) and not is_tensor(np.zeros(2))
    assert describe(keras_things["model"]) == "a Keras model (Functional named 'tiny')"
    assert describe(keras_things["tensor"]) == "a TensorFlow tensor of shape (1, 2)"
    assert describe(keras_things["layer"]) == "a Keras object (Dense)"


def test_check_array_accepts_numbers_and_refuses_the_rest():
    assert check_array([[1, 2]], "x").dtype.kind == "i"
    with pytest.raises(TypeError, match=re.escape("x must hold real numbers, got a NumPy array "
                                                  "of shape (2,) (dtype <U1) (strings)")):
        check_array(np.array(["a", "b"]), "x")
    with pytest.raises(ValueError, match="could not be read as an array"):
        check_array([[1], [2, 3]], "x")
    with pytest.raises(ValueError, match=re.escape("x must be 2-D; got a 1-D array of shape (3,)")):
        check_array([1, 2, 3], "x", (2,))
    with pytest.raises(ValueError, match=re.escape("first at index (0, 1)")):
        check_array([[1.0, np.inf]], "x")


def test_check_int_and_pair_name_the_argument_and_the_rule():
    assert check_int(np.int64(3), "n") == 3 and type(check_int(np.int64(3), "n")) is int
    with pytest.raises(TypeError, match="stride must be an int >= 1, got the number 1.5"):
        check_int(1.5, "stride")
    with pytest.raises(TypeError, match="got the boolean True"):
        check_int(True, "stride")
    with pytest.raises(ValueError, match="padding must be an int >= 0, got -1; no negatives"):
        check_int(-1, "padding", 0, "no negatives")
    assert check_pair([2, 3], "stride") == (2, 3)
    with pytest.raises(ValueError, match=re.escape("a pair (height, width)")):
        check_pair((1, 2, 3), "kernel_size")


def test_check_choice_and_padding():
    assert check_choice("Average", "mode", ("max", "average")) == "average"
    with pytest.raises(ValueError, match="mode must be one of 'max', 'average'; got None"):
        check_choice(None, "mode", ("max", "average"))
    assert check_padding((1, 2)) == ((1, 1), (2, 2))
    assert check_padding(((0, 1), (2, 3))) == ((0, 1), (2, 3))
    with pytest.raises(ValueError, match="Keras's pooling layers have no numeric padding"):
        check_padding(1, numeric=False)
    with pytest.raises(ValueError, match=re.escape("padding: got the number 1.5; padding is")):
        check_padding(1.5)


def test_check_images_and_input_shape():
    assert check_images(np.zeros((2, 3, 4)))[0].shape == (1, 2, 3, 4)
    assert check_images(np.zeros((5, 2, 3, 4)))[1] == 4
    with pytest.raises(ValueError, match=re.escape("x is empty (shape (0, 3))")):
        check_images(np.zeros((0, 3)))
    assert check_input_shape([5, 6, 2]) == (5, 6, 2)
    with pytest.raises(TypeError, match="input_shape must be an int >= 1, got None"):
        check_input_shape((None, 5))
