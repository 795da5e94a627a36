"""Small pure helpers that read a mentorship's state off an issue's timeline."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from dateutil.relativedelta import relativedelta

from mentoring.core.model import MARKER_RE, Comment, Event

Interval = tuple[datetime, datetime]
EventTest = Callable[[Event], bool]
_time = attrgetter("at")  # the key that puts events in timeline order


@dataclass(frozen=True)
class BotComment:
    """One of the bot's own comments, identified by its marker."""

    kind: str
    key: str | None
    at: datetime
    comment_id: int


def bot_comments(comments: Iterable[Comment], bot: str) -> list[BotComment]:
    """The bot's marked comments. A marker pasted by anyone else does not count. Worked
    out once a snapshot where its facts are (``Facts.posted``), and passed on from there."""
    found: list[BotComment] = []
    bot = bot.lower()
    for comment in comments:
        if comment.author.lower() == bot:
            found += _marked(comment.body, comment.created_at, comment.id)
    return found


@functools.lru_cache(maxsize=4096)
def _marked(body: str, at: datetime, comment_id: int) -> tuple[BotComment, ...]:
    """One of the bot's comments, marker by marker: every run of a simulation asks about
    the same comments (the values are frozen, so they are shared)."""
    return tuple(BotComment(m["kind"], m["key"], at, comment_id) for m in MARKER_RE.finditer(body))


def mentor_since(events: Iterable[Event], is_pairing: EventTest) -> datetime | None:
    """Time of the first `assigned` event that gave the issue a mentor."""
    return min((e.at for e in events if e.kind == "assigned" and is_pairing(e)), default=None)


def latest_assigners(events: Iterable[Event]) -> dict[str, str]:
    """Who made each login's latest `assigned` event (lower-case logins and actors)."""
    by: dict[str, str] = {}
    for event in sorted(events, key=_time):
        if event.kind == "assigned" and event.assignee:
            by[event.assignee.lower()] = (event.actor or "").lower()
    return by


def unpaired_intervals(
    events: Iterable[Event], is_pairing: EventTest, now: datetime
) -> list[Interval]:
    """After the first mentor arrived, the times when no mentor was assigned.

    ``is_pairing`` says which `assigned` events gave the issue a mentor; an `unassigned`
    event removes whoever it names. A gap between two mentors is not mentoring time.
    """
    current: set[str] = set()
    intervals: list[Interval] = []
    since: datetime | None = None
    for event in sorted(events, key=_time):
        login = (event.assignee or "").lower()
        if event.kind == "assigned" and is_pairing(event):
            current.add(login)
            if since is not None:
                intervals.append((since, event.at))
                since = None
        elif event.kind == "unassigned" and login in current:
            current.discard(login)
            if not current:
                since = event.at
    if since is not None:
        intervals.append((since, now))
    return intervals


def _intervals(
    events: Iterable[Event],
    now: datetime,
    on: str,
    off: str,
    labels: frozenset[str] | None = None,
) -> list[Interval]:
    """Intervals from each event of kind ``on`` to the next of kind ``off`` (or ``now``);
    with ``labels`` (lower case), only the events of those labels count."""
    intervals: list[Interval] = []
    since: datetime | None = None
    for event in sorted(events, key=_time):
        if event.kind != (on if since is None else off):
            continue
        if labels is not None and (event.label or "").lower() not in labels:
            continue
        if since is None:
            since = event.at
        else:
            intervals.append((since, event.at))
            since = None
    if since is not None:
        intervals.append((since, now))
    return intervals


def label_intervals(
    events: Iterable[Event], label: str | tuple[str, ...], now: datetime
) -> list[Interval]:
    """Intervals during which ``label`` was on the issue; one still on ends at ``now``.

    ``label`` may be several names, the one in use and former ones: renaming a label
    does not rewrite old timeline events, which keep the old name.
    """
    names = frozenset(n.lower() for n in ((label,) if isinstance(label, str) else label))
    return _intervals(events, now, "labeled", "unlabeled", names)


def closed_intervals(events: Iterable[Event], now: datetime) -> list[Interval]:
    """Intervals during which the issue was closed; still closed ends at ``now``."""
    return _intervals(events, now, "closed", "reopened")


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of intervals."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def due_time(start: datetime, months: int, stops: list[Interval]) -> datetime:
    """When the mentorship reaches ``months`` calendar months of age.

    Always counted from the start (31 January + 1 month is the end of February,
    + 2 months is 31 March), then pushed later by every stop of the clock that began
    before the time reached so far.
    """
    return _pushed(add_months(start, months), start, merge_intervals(stops))


def add_months(start: datetime, months: int) -> datetime:
    """``start`` plus ``months`` calendar months, counted in ``start``'s own time zone."""
    # Equal instants in two zones hash alike but add months differently: the offset is
    # part of the key.
    return _add_months(start, start.utcoffset(), months)


@functools.lru_cache(maxsize=4096)
def _add_months(start: datetime, offset: object, months: int) -> datetime:
    """Remembered: every run asks again for the same few starts and months, and
    ``relativedelta`` is slow."""
    return start + relativedelta(months=months)


def _pushed(due: datetime, start: datetime, merged: list[Interval]) -> datetime:
    """``due`` pushed later by every stop (sorted, merged) that began before it."""
    for stop_start, stop_end in merged:
        stop_start = max(stop_start, start)
        if stop_end <= stop_start:
            continue
        if stop_start < due:
            due += stop_end - stop_start
    return due


def latest_due_period(
    start: datetime, step_months: int, stops: list[Interval], now: datetime
) -> int:
    """The highest period k (1, 2, ...) whose due time is at or before ``now``; 0 if none."""
    merged = merge_intervals(stops)
    # Due times only grow with k, and stops push one later by at most their total length:
    # every period whose unpushed time is by ``now`` less that total is due. Counting
    # starts there rather than at 0 (a year of monthly periods is a dozen steps a call).
    k = _surely_due(start, step_months, now - _stopped(start, merged))
    while _pushed(add_months(start, (k + 1) * step_months), start, merged) <= now:
        k += 1
    return k


def _stopped(start: datetime, merged: list[Interval]) -> timedelta:
    """The most that ``merged`` stops can push a due time (what :func:`_pushed` adds)."""
    total = timedelta(0)
    for stop_start, stop_end in merged:
        stop_start = max(stop_start, start)
        if stop_end > stop_start:
            total += stop_end - stop_start
    return total


def _surely_due(start: datetime, step_months: int, until: datetime) -> int:
    """A period k (0 or more) with ``start`` + k steps at or before ``until``, close below
    the highest such one."""
    local = until.astimezone(start.tzinfo) if start.tzinfo is not None else until
    months = (local.year - start.year) * 12 + local.month - start.month
    k = max(months // step_months - 1, 0)
    while k > 0 and add_months(start, k * step_months) > until:
        k -= 1
    return k


def active_age(start: datetime, stops: list[Interval], now: datetime) -> float:
    """Seconds of running clock between ``start`` and ``now``."""
    total = (now - start).total_seconds()
    for stop_start, stop_end in merge_intervals(stops):
        stop_start, stop_end = max(stop_start, start), min(stop_end, now)
        if stop_end > stop_start:
            total -= (stop_end - stop_start).total_seconds()
    return max(total, 0.0)
