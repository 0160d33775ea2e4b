"""Lesson 05 exercises: every solution passes, wrong answers fail with feedback, and the
expected answers agree with what Keras computes (Keras is the reference, not the module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import exercises_in
from course_utils.exercises import lesson05 as lesson

keras = pytest.importorskip("keras")
layers = keras.layers

EXERCISES = exercises_in(lesson)


def source_like_model(filters=(3, 6), kernel_size=5, pool=False, name="source_like"):
    """The source's model (28x28x1 -> conv -> conv -> Flatten -> Dense(84) -> Dense(10))."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = inputs
    for index, count in enumerate(filters, start=1):
        h = layers.Conv2D(count, kernel_size, activation="swish", name=f"conv{index}")(h)
        if pool:
            h = layers.MaxPooling2D(2, name=f"pool{index}")(h)
    h = layers.Flatten(name="flat")(h)
    h = layers.Dense(84, activation="swish", name="hidden")(h)
    outputs = layers.Dense(10, activation="softmax", name="output")(h)
    return keras.Model(inputs, outputs, name=name)


def dense_only_model():
    """Within the weight budget (19,885 weights) but without convolutions: too weak."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Flatten(name="flat")(inputs)
    h = layers.Dense(25, activation="relu", name="hidden")(h)
    outputs = layers.Dense(10, activation="softmax", name="output")(h)
    return keras.Model(inputs, outputs, name="dense_only")


def logits_model():
    """A good architecture whose last layer forgot the softmax."""
    model = lesson.build_small_model()
    outputs = layers.Dense(10, name="logits")(model.get_layer("flat").output)
    return keras.Model(model.input, outputs, name="no_softmax")


def raises():
    raise RuntimeError("not written yet")


# At least two wrong answers per exercise, each a plausible mistake. q7's answers here fail
# before any training; the one that trains (dense_only_model) has its own test below.
WRONG_ANSWERS = {
    "q1": [lesson.SOURCE_WEIGHTS, 776_326 - 850, "776326",
           (28 * 28 * 16 + 1) * 84 + 80 + 1_168 + 850],   # as if 3x3 convs kept 28x28
    "q2": [(20, 20, 6), (6, 4, 4), (5, 5, 6), (4, 4), 96],
    "q3": [201_684, 96 * 84, 96, 8_148.5],
    "q4": [
        ("sparse_categorical_crossentropy", "categorical_crossentropy"),
        ("categorical_crossentropy", "categorical_crossentropy"),
        ("binary_crossentropy", "sparse_categorical_crossentropy"),
        "categorical_crossentropy",
        ("categorical_crossentropy", "cross_entropy"),
        (1, 2),
    ],
    "q5": [203_070, 406_136, 609_206, 203_068],
    "q6": [
        lambda matrix: float(np.asarray(matrix).trace()),                       # a count
        lambda matrix: float(np.mean(np.diag(np.asarray(matrix)))),             # mean of diag
        lambda matrix: float(np.trace(np.asarray(matrix)) / len(matrix)),       # / classes
        lambda matrix: None,                                                    # no return
        0.947,                                                                  # a number
    ],
    "q7": [
        lambda: source_like_model(),                 # 203,068 weights: over the budget
        lesson.build_small_model(),                  # a model, not the function that builds it
        raises,                                      # the function raises
        lambda: None,                                # returns nothing
        logits_model,                                # no softmax
        0.9,
    ],
}


# --- the expected answers, against Keras ------------------------------------------------------

def test_source_weights_and_budget_match_keras():
    model = source_like_model()
    assert lesson.SOURCE_WEIGHTS == model.count_params() == 203_068
    assert lesson.WEIGHT_BUDGET == model.count_params() // 10


def test_q1_matches_keras():
    model = source_like_model(filters=(8, 16), kernel_size=3)
    assert lesson.q1.is_correct(model.count_params())


def test_q2_and_q3_match_keras():
    model = source_like_model(pool=True)
    assert lesson.q2.is_correct(model.get_layer("pool2").output.shape[1:])
    assert lesson.q2.is_correct(tuple(model.get_layer("pool2").output.shape))  # with None
    assert lesson.q3.is_correct(model.get_layer("hidden").count_params())


def test_q4_losses_do_what_the_answer_says():
    probabilities = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]], dtype="float32")
    labels = np.array([1, 0])
    one_hot = keras.utils.to_categorical(labels, 3)
    for_one_hot, for_integers = lesson.q4.solution_answer
    a = keras.losses.get(for_one_hot)(one_hot, probabilities)
    b = keras.losses.get(for_integers)(labels, probabilities)
    np.testing.assert_allclose(np.asarray(a), -np.log([0.7, 0.5]), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5)


@pytest.mark.parametrize("optimizer_name, exercise_value", [
    ("rmsprop", lesson.SOURCE_WEIGHTS + 2),   # the 203,070 the source printed
    ("adam", lesson.q5.solution_answer),
])
def test_q5_optimizer_variables_match_keras(optimizer_name, exercise_value):
    model = source_like_model()
    optimizer = keras.optimizers.get(optimizer_name)
    optimizer.build(model.trainable_variables)
    count = sum(int(np.prod(v.shape)) for v in optimizer.variables)
    assert count == exercise_value


def test_q6_agrees_with_pandas_crosstab_and_a_direct_count():
    rng = np.random.default_rng(5)
    true = rng.integers(0, 10, size=300)
    predicted = np.where(rng.random(300) < 0.8, true, rng.integers(0, 10, size=300))
    confusion = pd.crosstab(pd.Series(true, name="true"), pd.Series(predicted, name="predicted"))
    expected = float(np.mean(true == predicted))
    assert lesson.accuracy_from_confusion(confusion) == pytest.approx(expected)

    def accuracy_by_counting(matrix):  # independent: expand the counts back into pairs
        counts = np.asarray(matrix, dtype=int)
        pairs = [(t, p) for t in range(len(counts)) for p in range(len(counts))
                 for _ in range(counts[t, p])]
        return float(np.mean([t == p for t, p in pairs]))

    assert lesson.q6.is_correct(accuracy_by_counting)
    assert not lesson.q6.is_correct(lambda matrix: float(np.trace(np.asarray(matrix))))
    assert not lesson.q6.is_correct(lambda matrix: float(np.mean(np.diag(np.asarray(matrix)))))


# --- q7: the budgeted model, checked by a short training run ------------------------------------

def test_q7_solution_is_within_budget():
    assert lesson.build_small_model().count_params() <= lesson.WEIGHT_BUDGET


def test_q7_rejects_a_weak_model_the_same_way_every_time():
    first = lesson.q7.feedback(dense_only_model)
    second = lesson.q7.feedback(dense_only_model)
    assert first.startswith("Not quite: ") and "within the budget" in first
    assert "floor is 90%" in first
    assert first == second   # seeded: the same accuracy, hence the same message


def test_q7_feedback_explains_the_budget():
    assert "budget is 20,306" in lesson.q7.feedback(lambda: source_like_model())
    assert "not a model" in lesson.q7.feedback(lesson.build_small_model())
    assert "RuntimeError" in lesson.q7.feedback(raises)
