"""What the exercise-framework tests (test_exercises_checkers.py, test_exercises_exercise.py)
answer with: lesson 01's 2x2 output, two right functions and one that raises."""

from __future__ import annotations

import numpy as np

LESSON01_OUT = np.array([[15.0, 16.0], [6.0, 15.0]])


def reference_output_size(n, f, s=1, p=0):
    return (n - f + 2 * p) // s + 1


def reference_relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def raises_my_bug(*args, **kwargs):
    raise RuntimeError("my bug")
