"""Commands in comments: ``/ready``, ``/pause [reason]``, ``/resume``, ``/help``, ``/mentor``.

A command is a line of its own that starts with ``/`` and a known command name, outside
fenced code blocks, block quotes, HTML comments, raw HTML quotes and code, tables and
``$$`` math (which lines those are, erring on the side of *not* a command, is
:mod:`mentoring.core.plain_lines`'s); only the first one in a comment counts. Everything
here is pure and runs in one pass over the text, so a 65,536-character comment of a
thousand ``/pause`` lines costs no more than reading it.
Only U+002F starts a command: the look-alikes U+2215 (∕) and U+FF0F (／) do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mentoring.core.plain_lines import plain_lines

# GitHub's cap on an issue or comment body; anything past it is not read.
MAX_TEXT = 65_536
# A /pause reason is quoted back on one line; more than this is cut.
MAX_ARGUMENT = 200

NAMES = ("ready", "pause", "resume", "help", "mentor")
# A command's name: everything up to the first whitespace (Unicode's, as str.isspace).
_WORD = re.compile(r"\S*")


@dataclass(frozen=True)
class Command:
    """One command as written: its name (lower case) and the rest of its line."""

    name: str
    argument: str = ""


def parse(text: str) -> Command | None:
    """The first command in a comment's text, or None."""
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
    for body in plain_lines(text):
        command = _command(body)
        if command is not None:
            return command
    return None


def _command(body: str) -> Command | None:
    line = body.rstrip()
    if not line.startswith("/"):
        return None
    # "/pause" and "/pause reason" are commands, and so is "/pause" then a tab or a
    # no-break space (GitHub shows either as a space); "/pauses" and "/pause:" are not.
    # The name ends at the first character that str.rstrip would strip.
    word = _WORD.match(line, 1).group()  # type: ignore[union-attr]  # always matches
    rest = line[1 + len(word) :]
    name = word.lower()
    if name not in NAMES:
        return None
    return Command(name, one_line(rest, MAX_ARGUMENT))


def one_line(text: str, limit: int) -> str:
    """``text`` as one line of at most ``limit`` characters: whitespace runs become a space,
    control and format characters (bidirectional overrides, zero-width ones) are dropped."""
    kept = "".join(
        " " if ch.isspace() else ch for ch in text[: limit * 4] if ch.isprintable() or ch.isspace()
    )
    return " ".join(kept.split())[:limit].strip()
