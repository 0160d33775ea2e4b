"""course_utils.exercises.answers: reading an answer as a number, an array or a shape, or
saying in the learner's terms why it cannot be read."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.exercises.answers import (
    UnreadableAnswer,
    entry_place,
    ordinal,
    read_array,
    read_number,
    read_shape,
)


def test_ordinal_and_entry_place_count_as_a_learner_does():
    # ordinal counts from 1 in digits (figures, decimals); entry_place turns a 0-based index
    # into the same count, in words for the first five entries
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert [entry_place(i) for i in (0, 1, 4, 5, 10, 20)] == [
        "first", "second", "fifth", "6th", "11th", "21st"]
    with pytest.raises(ValueError, match="n must be 1 or more"):
        ordinal(0)


def unreadable(text):
    return pytest.raises(UnreadableAnswer, match=re.escape(text))


def test_read_number_accepts_every_way_of_writing_one_number():
    for answer in (24, 24.0, np.int64(24), np.float32(24), np.array(24), [24], tf.constant(24)):
        assert read_number(answer) == 24.0


@pytest.mark.parametrize("answer, text", [
    ("24", "expected a number, got a string '24': remove the quotes"),
    ("abc", "expected a number, got a string 'abc'"),
    ("180,000", "remove the quotes and the commas (180000, or 180_000 with underscores)"),
    ("12,5", "remove the quotes, and write the decimal with a point, 12.5, as Python does"),
    ("0,0556", "write the decimal with a point, 0.0556"),
    ("1/3", "expected a number, got a string '1/3': remove the quotes, so Python computes "
            "1/3 rather than keeping it as text"),
    ("3*3*64 + 80", "remove the quotes, so Python computes 3*3*64 + 80"),
    ("5.56%", "remove the quotes and the %, and give the fraction rather than the percentage "
              "(5.56 % is 0.0556)"),
    (True, "expected a number, got the boolean True"),
    (None, "expected a number, got None"),
    ([24, 24], "expected a single number, got a list of 2 items [24, 24] (one number is "
               "asked for, not several)"),
    (len, "expected a number, got the function len"),
])
def test_read_number_says_why_it_cannot_read(answer, text):
    with unreadable(text):
        read_number(answer)


def test_read_array_reads_lists_arrays_and_tensors():
    assert read_array([[1, 2], [3, 4]]).shape == (2, 2)
    assert read_array(tf.constant([[1.0]])).dtype == np.float32
    assert read_array([True, False]).tolist() == [1, 0]


@pytest.mark.parametrize("answer, text", [
    (None, "expected an array of numbers, got None"),
    ("[[15, 16]]", "expected an array of numbers, got a string '[[15, 16]]': remove the quotes"),
    ("(1.5, -2)", "got a string '(1.5, -2)': remove the quotes"),
    ("[[a, b]]", "expected an array of numbers, got a string '[[a, b]]'"),
    ([[1], [2, 3]], "cannot turn into a rectangular array"),
    (np.array(["a"]), "whose entries are not all numbers"),
    ({"a": 1}, "expected an array of numbers, got a dict of 1 item {'a': 1}"),
])
def test_read_array_says_why_it_cannot_read(answer, text):
    with unreadable(text):
        read_array(answer)


def test_read_shape_accepts_any_sequence_of_whole_numbers():
    for answer in ((3, 3, 5), [3, 3, 5], np.array([3, 3, 5]), tf.TensorShape([3, 3, 5]),
                   tf.constant([3, 3, 5]), (np.int64(3), 3, 5)):
        assert read_shape(answer) == (3, 3, 5)
    assert read_shape((None, 28, 28, 1)) == (None, 28, 28, 1)
    assert read_shape(tf.TensorShape([None, 28])) == (None, 28)


def test_read_shape_says_why_it_cannot_read():
    inputs = keras.Input((2,), name="probe_in")
    model = keras.Model(inputs, keras.layers.Dense(1, name="probe_dense")(inputs),
                        name="probe_model")
    with unreadable("Pass its shape (for example x.shape), not the array itself"):
        read_shape(np.zeros((3, 3, 5)))
    with unreadable("Pass its shape (for example x.shape), not the array itself"):
        read_shape(np.array([3.0, 3.0, 5.0]))  # an array of floats is not a shape
    with unreadable("not the model"):
        read_shape(model)
    assert read_shape((3.0, 3, 5.0)) == (3, 3, 5)  # whole floats from / are the same size
    with unreadable("yours holds the number 5.5 (a size from / that is not whole: divide "
                    "with // and add 1"):
        read_shape((3, 3, 5.5))
    with unreadable("expected a shape, a tuple of whole numbers such as (28, 28, 1); got the "
                    "number 3"):
        read_shape(3)


def test_comma_readings_finds_every_number_typed_with_thousands_commas_in_an_answer():
    from course_utils.exercises.answers import comma_readings

    assert comma_readings((803, 600)) == [(0, 2, 803_600)]                # q1.check(803,600)
    assert (1, 3, 803_600) in comma_readings((26, 803, 600))              # (26, 803,600)
    assert comma_readings([1, 290, 0]) == [(0, 2, 1290), (0, 3, 1_290_000), (1, 3, 290_000)]
    assert comma_readings((16, 5)) == []            # 16,005 would be a SyntaxError: not a reading
    assert comma_readings((803, True)) == []        # only whole numbers
    assert comma_readings(803600) == [] and comma_readings(np.array([803, 600])) == []


@pytest.mark.parametrize(("typed", "advice"), [
    ("776,326", "remove the quotes and the commas (776326, or 776_326 with underscores)"),
    ("776 326", "remove the quotes and the spaces (776326, or 776_326 with underscores)"),
    ("-1,234.5", "remove the quotes and the commas (-1234.5, or -1_234.5 with underscores)"),
])
def test_a_number_typed_as_text_with_digit_groups_is_told_how_to_write_it(typed, advice):
    with pytest.raises(UnreadableAnswer, match=re.escape(advice)):
        read_number(typed)


@pytest.mark.parametrize("typed", ["1 2 3", "1,2,3", "12 34"])
def test_text_that_is_not_one_grouped_number_gets_no_rewriting(typed):
    # '1,2,3' is not 123 written with separators: no number is suggested
    with pytest.raises(UnreadableAnswer) as raised:
        read_number(typed)
    assert str(raised.value) == f"expected a number, got a string {typed!r}"
