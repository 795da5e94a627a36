"""Remembering what is worked out from short texts only.

A run reads the same texts in several places (the planner, the dashboard, the job
summary), and a simulation reads them run after run, so the results are worth keeping.
The texts are people's, up to 65,536 characters from GitHub: only those up to a bound
are kept as keys, and a longer one is worked out afresh each time, in linear time as
before, so no hostile text is held on to.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")


def short_texts(
    chars: int, *, text_at: int = 0, maxsize: int = 4096
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Remember a function's results (it is pure, its arguments positional and hashable)
    for the calls whose argument at ``text_at`` is a text of at most ``chars``, or None."""

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        remembered = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def call(*args: Any) -> R:
            text = args[text_at]
            return remembered(*args) if text is None or len(text) <= chars else function(*args)

        call.cache_info = remembered.cache_info  # type: ignore[attr-defined]
        return call

    return decorate
