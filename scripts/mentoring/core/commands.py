"""Commands in comments: ``/ready``, ``/pause [reason]``, ``/resume``, ``/help``, ``/mentor``.

A command is a line of its own that starts with ``/`` and a known command name, outside
fenced code blocks, block quotes and HTML comments; only the first one in a comment counts.
Everything here is pure and runs in one pass over the text (each line is looked at once,
with ``str`` methods that are linear in it), so a 65,536-character comment of a thousand
``/pause`` lines costs no more than reading it.

What counts as quoted or code follows CommonMark as GitHub renders it, erring on the side
of *not* a command: a line right after a ``>`` line is a lazy continuation of the quote
(it renders inside it); a fence is three or more backticks or tildes after at most three
spaces, closed by a run of the same character at least as long; an unclosed fence runs to
the end. Only U+002F starts a command: the look-alikes U+2215 (∕) and U+FF0F (／) do not.
"""

from __future__ import annotations

from dataclasses import dataclass

# GitHub's cap on an issue or comment body; anything past it is not read.
MAX_TEXT = 65_536
# A /pause reason is quoted back on one line; more than this is cut.
MAX_ARGUMENT = 200

NAMES = ("ready", "pause", "resume", "help", "mentor")


@dataclass(frozen=True)
class Command:
    """One command as written: its name (lower case) and the rest of its line."""

    name: str
    argument: str = ""


def parse(text: str) -> Command | None:
    """The first command in a comment's text, or None."""
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
    fence: str | None = None  # the opening run (``` or ~~~~, ...) while inside a fence
    quoted = False  # inside a block quote paragraph, lazy continuation lines included
    in_html_comment = False
    for line in text.split("\n"):
        body = _unindent(line)
        if fence is not None:
            if body is not None and _closes(body, fence):
                fence = None
            continue
        if in_html_comment:
            in_html_comment = "-->" not in line
            continue
        if not line.strip():
            quoted = False
            continue
        if body is None:  # indented four or more: code, or a paragraph's continuation
            continue
        if body.startswith(">"):
            quoted = True
            continue
        if quoted:
            continue
        opening = _fence_opening(body)
        if opening:
            fence = opening
            continue
        if body.startswith("<!--"):
            in_html_comment = "-->" not in body[4:]
            continue
        command = _command(body)
        if command is not None:
            return command
    return None


def _unindent(line: str) -> str | None:
    """The line without up to three leading spaces; None if indented four or more."""
    stripped = line.lstrip(" ")
    return stripped if len(line) - len(stripped) <= 3 else None


def _fence_opening(body: str) -> str | None:
    for char in "`~":
        if body.startswith(char * 3):
            run = len(body) - len(body.lstrip(char))
            info = body[run:]
            if char == "`" and "`" in info:
                return None  # not a fence: a backtick fence's info string has no backtick
            return char * run
    return None


def _closes(body: str, opening: str) -> bool:
    char = opening[0]
    run = len(body) - len(body.lstrip(char))
    return run >= len(opening) and not body[run:].strip(" \t")


def _command(body: str) -> Command | None:
    line = body.rstrip()
    if not line.startswith("/"):
        return None
    # "/pause" and "/pause reason" are commands; "/pauses", "/pause:" or "/pause\treason"
    # are not: one space separates the name from the rest.
    word, _, rest = line[1:].partition(" ")
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
