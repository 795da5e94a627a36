"""What the loaders say about a value people wrote: its kind, the name they probably meant,
and whether it is a web address. One implementation each, for every file in ``files``."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from urllib.parse import urlsplit

from mentoring.core.participants import shown

# difflib compares every pair of characters: a longer "name" is no name worth matching.
_MAX_SUGGESTED = 100


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The choice ``word`` is most likely a typo of (ignoring case), or None."""
    text = str(word)
    if len(text) > _MAX_SUGGESTED:
        return None
    names = list(choices)
    by_folded = {name.casefold(): name for name in reversed(names)}  # first spelling wins
    match = difflib.get_close_matches(text.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[match[0]] if match else None


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """``Did you mean `name`?`` for the closest choice, or "" when none is close."""
    match = closest(word, choices)
    return f"Did you mean `{match}`?" if match else ""


def yaml_kind(value: object) -> str:
    """What YAML read ``value`` as, in words a person who wrote it understands."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no (true/false)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (`key: value` lines)"
    if isinstance(value, str):
        return "text"
    return "something other than text"


def describe(value: object) -> str:
    """A value for a message: a scalar as written (quoted, shortened), else its kind."""
    if value is None or isinstance(value, list | dict):
        return yaml_kind(value)
    if isinstance(value, str) and not value.strip():
        return "empty text"
    return shown(value)


def is_web_url(text: str) -> bool:
    """An http(s) address with a host and no spaces, such as https://example.org/handbook."""
    if any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)
