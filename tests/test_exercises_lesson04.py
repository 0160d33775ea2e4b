"""Lesson 04 exercises: every solution passes, wrong answers fail, and the expected answers
agree with what Keras computes (the reference is Keras, not the exercise module)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import exercises_in
from course_utils.exercises import lesson04 as lesson

keras = pytest.importorskip("keras")
layers = keras.layers

EXERCISES = exercises_in(lesson)

# At least two wrong answers per exercise, each a plausible mistake.
WRONG_ANSWERS = {
    "q1": [16384, 3211264, 16448 * 196, 64],
    "q2": [19562496, 120422400, 4816896, 20070400, "24887296"],
    "q3": [31744, 24887296, 6176, 25632],
    "q4": [(75, 576), (784, 75), (576, 25), (24, 24, 75)],
    "q5": [14, 13, 9, 3, 15.5],
    "q6": [(15, 15, 16), (14, 14, 32), (4, 4, 16), (16, 14, 14)],
    "q7": [
        [[1, 4, 4], [3, 11, 10], [0, 3, 4]],      # sliding the unflipped kernel
        [[1, 2, 0], [3, 9, 2], [6, 11, 4]],       # one value off
        [[1, 2], [3, 4]],                         # the input
        [[1, 0, 0], [2, 1, 0], [0, 0, 0]],        # only the first stamp
    ],
}


def test_q1_matches_keras_count():
    layer = layers.Conv2D(64, 1, name="squeeze")
    layer.build((None, 14, 14, 256))
    assert lesson.q1.is_correct(layer.count_params())


def bottleneck(width):
    return keras.Sequential(
        [
            keras.Input((28, 28, 192)),
            layers.Conv2D(width, 1, name="reduce"),
            layers.Conv2D(32, 5, padding="same", name="conv5x5"),
        ],
        name="bottleneck",
    )


def test_q2_matches_the_multiplications_of_the_keras_layers():
    # Each output value of a layer costs F * F * C_in multiplications (its kernel's size).
    model = bottleneck(32)
    total = 0
    for layer in model.layers:
        _, o_h, o_w, _ = layer.output.shape
        total += o_h * o_w * int(np.prod(layer.kernel.shape))
    assert lesson.q2.is_correct(total)


def test_q3_matches_keras_count():
    assert lesson.q3.is_correct(bottleneck(32).count_params())
    assert not lesson.q3.is_correct(bottleneck(16).count_params())


def test_q4_matches_extracted_patches():
    tf = pytest.importorskip("tensorflow")
    x = np.zeros((1, 28, 28, 3), dtype="float32")
    patches = tf.image.extract_patches(x, sizes=[1, 5, 5, 1], strides=[1, 1, 1, 1],
                                       rates=[1, 1, 1, 1], padding="VALID")
    _, o_h, o_w, per_window = patches.shape
    assert lesson.q4.is_correct((o_h * o_w, per_window))


def test_q5_q6_match_conv2d_transpose():
    valid = layers.Conv2DTranspose(1, 3, strides=2, padding="valid", name="up_valid")
    assert lesson.q5.is_correct(valid(np.zeros((1, 7, 7, 1), dtype="float32")).shape[1])
    same = layers.Conv2DTranspose(16, 3, strides=2, padding="same", name="up_same")
    assert lesson.q6.is_correct(tuple(same(np.zeros((1, 7, 7, 32), dtype="float32")).shape[1:]))


def test_q7_matches_conv2d_transpose_with_the_kernel_set_by_hand():
    layer = layers.Conv2DTranspose(1, 2, use_bias=False, name="by_hand")
    x = np.asarray(lesson.TRANSPOSE_X, dtype="float32")[None, :, :, None]
    layer.build(x.shape)
    # Conv2DTranspose stores its kernel as (kh, kw, out_channels, in_channels).
    layer.set_weights([np.asarray(lesson.TRANSPOSE_KERNEL, dtype="float32")[:, :, None, None]])
    assert lesson.q7.is_correct(np.asarray(layer(x))[0, :, :, 0])
