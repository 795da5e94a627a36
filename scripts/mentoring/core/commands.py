"""Commands in comments: ``/ready``, ``/pause [until YYYY-MM-DD] [reason]``, ``/resume``,
``/help``, ``/mentor`` on applications; ``/away [until YYYY-MM-DD]`` and ``/back`` on
mentor registrations.

A command is a line of its own that starts with ``/`` and a known command name, outside
fenced code blocks, block quotes, HTML comments, raw HTML quotes and code, tables and
``$$`` math (which lines those are, erring on the side of *not* a command, is
:mod:`mentoring.core.plain_lines`'s); only the first one in a comment counts. Everything
here is pure and runs in one pass over the text, so a 65,536-character comment of a
thousand ``/pause`` lines costs no more than reading it.
Only U+002F starts a command: the look-alikes U+2215 (∕) and U+FF0F (／) do not.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from mentoring.core.plain_lines import plain_lines

# GitHub's cap on an issue or comment body; anything past it is not read.
MAX_TEXT = 65_536
# A /pause reason is quoted back on one line; more than this is cut.
MAX_ARGUMENT = 200

NAMES = ("ready", "pause", "resume", "help", "mentor", "away", "back")
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


# "/pause until 2027-03-01 reason": ``until`` (or ``until:``), then a date. A word that
# starts like a date is a date meant: digits, then a dash, slash or dot (any of Unicode's
# dashes and the slash look-alikes, since phones and word processors put them in), then a
# digit, in any script's digits; or a day and an English month name, either way round
# (``1 March``, ``March 1st``). Only ASCII YYYY-MM-DD is a date; anything else meant as one
# is refused with why, never taken as part of the reason, and so is a date meant after
# ``until`` anywhere later in the line (``exams until 2027-03-01``). The argument is one
# line of at most MAX_ARGUMENT characters, and no pattern here can backtrack over it.
_DASHES = (
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
    "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u2043"
)
_SEPARATORS = f"[{_DASHES}/\u2044\u2215\uff0f.]"
_UNTIL = re.compile(r"(?:^|(?<= ))until(?::[ ]*|[ ]+)", re.IGNORECASE)
_WORDS = re.compile(r"(?P<word>[^ ]+)(?: (?P<next>[^ ]+))?")
_DATE_LIKE = re.compile(rf"\d+{_SEPARATORS}\d")
_DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?[,.]?", re.IGNORECASE)
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORDS = frozenset(MONTHS) | {m[:3] for m in MONTHS} | {"sept"}
_ISO_DAY = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})")
# Punctuation a date may be followed by in a sentence ("until 2027-03-01, after exams").
_AFTER_DATE = ",.;:!)"
# A date word quoted back in a refusal is cut to this many characters.
MAX_DATE_WORD = 40

# Why a date meant cannot be read: not written as YYYY-MM-DD, not right after ``/pause``,
# or no such year (0000), month or day.
DateProblem = Literal["format", "place", "year", "month", "no-such-day"]


@dataclass(frozen=True)
class Pause:
    """A ``/pause`` argument read: the day it ends (if one is given), its reason, and what
    is wrong with a date that was meant but cannot be read (``word``, as written; ``days``,
    the days in its month when the day is wrong)."""

    until: date | None = None
    reason: str = ""
    problem: DateProblem | None = None
    word: str = ""
    days: int = 0


def pause_argument(argument: str) -> Pause:
    """``[until YYYY-MM-DD] [reason]`` read from a ``/pause`` argument (one line, as
    :func:`parse` gives it): words after ``until`` that do not start like a date are all
    reason (``/pause until the exams are over``)."""
    found = _UNTIL.match(argument)
    word = _date_meant(argument, found.end()) if found else None
    if found is None or word is None:
        later = _later_date(argument, found.end() if found else 0)
        if later is not None:
            return Pause(reason=argument, problem="place", word=later[:MAX_DATE_WORD])
        return Pause(reason=argument)
    reason = argument[found.end() + len(word) :].strip()
    if word[-1] in _AFTER_DATE:
        word = word[:-1]
    day = _ISO_DAY.fullmatch(word)
    if day is None:
        return Pause(reason=reason, problem="format", word=word[:MAX_DATE_WORD])
    return _calendar_day(int(day["y"]), int(day["m"]), int(day["d"]), word, reason)


def _date_meant(argument: str, at: int) -> str | None:
    """The words at ``at`` that are a date meant (:data:`_DATE_LIKE`, or a day and a month
    name), as written; None when they are words."""
    words = _WORDS.match(argument, at)
    if words is None:
        return None
    first, second = words["word"], words["next"] or ""
    if _DATE_LIKE.match(first):
        return first
    month = lambda w: w.rstrip(_AFTER_DATE).lower() in _MONTH_WORDS  # noqa: E731
    if (_DAY_NUMBER.fullmatch(first) and month(second)) or (
        month(first) and _DAY_NUMBER.fullmatch(second)
    ):
        return words.group()
    return None


def _later_date(argument: str, start: int) -> str | None:
    """A date meant after an ``until`` past ``start`` (not first in the argument), if any."""
    for found in _UNTIL.finditer(argument, start):
        word = _date_meant(argument, found.end())
        if word is not None:
            return word.rstrip(_AFTER_DATE)
    return None


def _calendar_day(year: int, month: int, day: int, word: str, reason: str) -> Pause:
    """The day ``year-month-day``, or why it is none."""
    if year == 0:
        return Pause(reason=reason, problem="year", word=word)
    if not 1 <= month <= 12:
        return Pause(reason=reason, problem="month", word=word)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return Pause(reason=reason, problem="no-such-day", word=word, days=days)
    return Pause(until=date(year, month, day), reason=reason)


# Why a /pause date is refused: it cannot be read, or it is not from the day the pause was
# asked for to a year after.
DateRefusal = Literal[DateProblem, "past", "today", "far"]


def date_refusal(pause: Pause, written: date) -> DateRefusal | None:
    """Why a ``/pause`` written on the day ``written`` (UTC) cannot take its date, or None:
    a date that cannot be read, a day before ``written`` or ``written`` itself (the first
    run on or after the day ends it: the label would come off again at once, with a second
    comment), or one more than a year after it (a mentorship paused longer than that is one
    to close and apply for again)."""
    if pause.problem is not None:
        return pause.problem
    if pause.until is None:
        return None
    if pause.until < written:
        return "past"
    if pause.until == written:
        return "today"
    return "far" if pause.until > year_after(written) else None


def year_after(day: date) -> date:
    """The same day a year later; 29 February's is 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# Why an /away is refused: its date (as a /pause date), or words where only a date may
# stand (/away has no reason text, so "/away until the exams" is no date, and refused).
AwayRefusal = Literal[DateRefusal, "words"]


def away_refusal(away: Pause, written: date) -> AwayRefusal | None:
    """Why an ``/away`` written on the day ``written`` (UTC), read by :func:`pause_argument`,
    changes nothing, or None: its date as a ``/pause`` date is checked, then anything but
    ``until`` and a date is refused rather than read as a reason."""
    why = date_refusal(away, written)
    if why is not None:
        return why
    return "words" if away.reason else None
