"""Hypothesis strategies shared by the operation tests (test_ops.py, test_backward.py): the
course's padding and stride forms, and a Conv2D case whose kernel fits its padded input."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from tests.reference import explicit_padding

pads = st.integers(0, 2)
# 'valid', 'same', an int P, a pair (P_h, P_w) or ((top, bottom), (left, right))
paddings = st.one_of(
    st.sampled_from(["valid", "same"]),
    pads,
    st.tuples(pads, pads),
    st.tuples(st.tuples(pads, pads), st.tuples(pads, pads)),
)
strides = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


def pair(value):
    """(v_h, v_w) for an int or a pair."""
    return value if isinstance(value, tuple) else (value, value)


def random(seed: int, shape, integers: bool = False) -> np.ndarray:
    """float32 values (small integers when ``integers``), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    if integers:
        return rng.integers(-3, 4, size=shape)
    return rng.standard_normal(shape).astype(np.float32)


@st.composite
def conv_cases(draw, paddings=paddings, max_channels=4):
    """A batch, a Conv2D kernel, a bias, stride and padding such that the kernel fits."""
    f_h, f_w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    padding = draw(paddings)
    if padding == "same":
        extra = ((f_h, f_h), (f_w, f_w))  # 'same' always fits
    elif padding == "valid":
        extra = ((0, 0), (0, 0))
    else:
        extra = explicit_padding(padding)
    min_h = max(1, f_h - sum(extra[0]))
    min_w = max(1, f_w - sum(extra[1]))
    h, w = draw(st.integers(min_h, min_h + 7)), draw(st.integers(min_w, min_w + 7))
    n = draw(st.integers(1, 3))
    c_in, c_out = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    seed = draw(st.integers(0, 2**32 - 1))
    return {
        "x": random(seed, (n, h, w, c_in)),
        "kernel": random(seed + 1, (f_h, f_w, c_in, c_out)),
        "bias": random(seed + 2, (c_out,)),
        "stride": draw(strides),
        "padding": padding,
    }
