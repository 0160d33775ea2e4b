"""The blank a stored notebook leaves for the learner: ``answer = ____``.

Imports nothing from the rest of the package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["____", "NOT_ANSWERED", "uses_placeholder"]


class _Placeholder:
    """The blank a stored notebook leaves for the learner to replace (one instance)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


#: The placeholder for an answer not written yet: ``answer = ____``. Every lesson's
#: "Check yourself" cells start with it.
____ = _Placeholder()

#: What ``check()`` prints for the placeholder (fixed, so stored notebooks stay stable).
NOT_ANSWERED = "Not answered yet: replace ____ with your answer, then run this cell again."


def uses_placeholder(answer: Any) -> bool:
    """True for ``____`` itself, ``...``, and a function whose body still holds ``____``.

    The exercise cells of lessons 01-07 are stored with the placeholder.

    Every lesson's exercise cells are stored with the placeholder, so ``check`` prints
    :data:`NOT_ANSWERED` for them.

    >>> uses_placeholder(____), uses_placeholder(24)
    (True, False)
    """
    if answer is ____ or answer is Ellipsis:
        return True
    try:
        code = getattr(answer, "__code__", None)
        return code is not None and "____" in getattr(code, "co_names", ())
    except Exception:  # an object with a strange __getattr__ is simply not the placeholder
        return False
