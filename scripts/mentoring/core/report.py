"""The program's outcomes, quarter by quarter: what a report to funders counts.

Read off every application's timeline, open and closed, with the same rules as the
planner and the dashboard (``roles_of`` for who mentors, ``calendar`` for pairing, pauses
and closes, the dashboard's measures of time), so the report never disagrees with them.
Pure: the snapshots, the config and ``now`` come in; frozen figures go out.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mentoring.core.calendar import (
    EventTest,
    Interval,
    closed_intervals,
    label_intervals,
    mentor_since,
    unpaired_intervals,
)
from mentoring.core.dashboard import days_between, months_between
from mentoring.core.model import Event, IssueSnapshot
from mentoring.core.roles import roles_of
from mentoring.core.settings import Config

ACTIVITY_DAYS = 90  # graduates' activity: a pull request or review in this many days
OPEN, GRADUATED, CLOSED = "open", "graduated", "closed"  # an application's outcome
DUPLICATE = "duplicate"  # GitHub's state_reason of an issue closed as a duplicate


@dataclass(frozen=True)
class Span:
    """One mentor on one application, from their assignment to their leaving (or the
    close, or ``now``)."""

    mentor: str  # lower case
    start: datetime
    end: datetime


@dataclass(frozen=True)
class History:
    """One application as the report reads it."""

    number: int
    mentee: str  # lower case
    opened: datetime
    paired: datetime | None  # the first pairing: the mentorship's start
    ended: datetime | None  # closed now: the latest close
    outcome: str  # OPEN, GRADUATED or CLOSED
    spans: tuple[Span, ...] = ()
    paused: tuple[Interval, ...] = ()
    unpaired: tuple[Interval, ...] = ()  # after the start, no mentor assigned
    closed: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: [start, end)."""

    year: int
    number: int  # 1-4

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        following = Quarter(self.year + self.number // 4, self.number % 4 + 1)
        return following.start

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    @classmethod
    def of(cls, when: datetime) -> Quarter:
        when = when.astimezone(UTC)
        return cls(when.year, (when.month - 1) // 3 + 1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)


@dataclass(frozen=True)
class QuarterFigures:
    """One quarter's outcomes; ``active``, ``paused`` and the load are at its end (or now)."""

    quarter: str
    applications: int
    pairings: int
    median_days_to_pairing: float | None
    active: int
    paused: int
    graduations: int
    median_months_to_graduation: float | None
    closed_after_pairing: int
    closed_before_pairing: int
    mentors_active: int
    mentors_returning: int
    load_mean: float | None  # running mentorships per mentor with one
    load_max: int


@dataclass(frozen=True)
class Activity:
    """Graduates with a pull request or a review in the configured repositories lately."""

    repositories: tuple[str, ...]
    since: date
    graduates: int  # entries in participants.yml
    checked: int  # graduates the search answered for
    active: int
    queries: int  # search requests sent
    waited_seconds: float  # waited for the search rate limit
    stopped: str = ""  # why not every graduate was checked ("" if all were)


@dataclass(frozen=True)
class Cost:
    """What one report read from GitHub."""

    rest_requests: int
    graphql_queries: int
    graphql_points: int
    search_queries: int


@dataclass(frozen=True)
class Report:
    """The whole report: every quarter since ``since``, the graduates' activity, its cost."""

    program: str
    repository: str
    generated: datetime
    since: date
    applications: int  # read in all (before ``since`` too: they count for returning mentors)
    quarters: tuple[QuarterFigures, ...]
    activity: Activity | None  # None: no repositories configured
    cost: Cost


def histories_of(
    snapshots: Iterable[IssueSnapshot], config: Config, now: datetime
) -> list[History]:
    """Every application's history, leaving out those closed as duplicates: the same
    person's application counted once, by the issue kept open."""
    return [
        history_of(s, config, now)
        for s in snapshots
        if not (s.issue.state == "closed" and s.issue.state_reason == DUPLICATE)
    ]


def history_of(snapshot: IssueSnapshot, config: Config, now: datetime) -> History:
    """One application's history: its pairing, mentors, pauses and outcome."""
    roles = roles_of(snapshot, config)
    events = roles.snapshot.events  # a coordinator's /mentor counts as an assignment
    issue = snapshot.issue
    closed = closed_intervals(events, now)
    ended = None
    if issue.state != "open":
        ended = issue.closed_at or (closed[-1][0] if closed else issue.updated_at)

    def is_pairing(event: Event) -> bool:
        """A mentor's assignment while the issue was open: one made to a closed
        application (a mentor named after a decline) pairs nobody."""
        if ended is not None and event.at >= ended:
            return False
        return roles.is_pairing(event) and not _inside(closed, event.at, now)

    outcome = OPEN
    if ended is not None:
        graduated = issue.has_label(config.labels.graduated)
        outcome = GRADUATED if graduated else CLOSED
    return History(
        number=issue.number,
        mentee=roles.mentee.lower(),
        opened=issue.created_at,
        paired=mentor_since(events, is_pairing),
        ended=ended,
        outcome=outcome,
        spans=_spans(roles.snapshot, is_pairing, ended or now),
        paused=tuple(label_intervals(events, config.labels.names("paused"), now)),
        unpaired=tuple(unpaired_intervals(events, is_pairing, now)),
        closed=tuple(closed),
    )


def _spans(snapshot: IssueSnapshot, is_pairing: EventTest, until: datetime) -> tuple[Span, ...]:
    """Each mentor's time on the issue, assignment to unassignment (or ``until``)."""
    spans: list[Span] = []
    since: dict[str, datetime] = {}
    for event in sorted(snapshot.events, key=lambda e: e.at):
        login = (event.assignee or "").lower()
        if event.kind == "assigned" and is_pairing(event) and login not in since:
            since[login] = event.at
        elif event.kind == "unassigned" and login in since:
            spans.append(Span(login, since.pop(login), min(event.at, until)))
    spans += [Span(login, start, until) for login, start in since.items()]
    return tuple(s for s in spans if s.start < until)


def quarters(first: datetime, now: datetime) -> list[Quarter]:
    """Every quarter from the one holding ``first`` to the one holding ``now``."""
    found = [Quarter.of(first)]
    last = Quarter.of(now)
    while found[-1] != last and found[-1].start < now:
        found.append(found[-1].next())
    return found


def _during(when: datetime | None, start: datetime, end: datetime) -> bool:
    return when is not None and start <= when < end


def _inside(intervals: Iterable[Interval], t: datetime, now: datetime) -> bool:
    """Whether ``t`` falls in one of the intervals (one ending at ``now`` still runs)."""
    return any(a <= t and (t < b or b >= now) for a, b in intervals)


def running_at(h: History, t: datetime, now: datetime) -> bool:
    """Whether the mentorship's clock could run at ``t``: paired, open, with a mentor."""
    if h.paired is None or h.paired > t or (h.ended is not None and h.ended <= t):
        return False
    if _inside(h.closed, t, now):  # closed then, reopened since
        return False
    return not _inside(h.unpaired, t, now)


def _mentors_at(h: History, t: datetime, now: datetime) -> set[str]:
    return {s.mentor for s in h.spans if s.start <= t and (t < s.end or s.end >= now)}


def quarter_figures(q: Quarter, histories: Sequence[History], now: datetime) -> QuarterFigures:
    """The figures of quarter ``q`` over every application."""
    start, end = q.start, min(q.end, now)
    at = end if q.end > now else q.end - timedelta(microseconds=1)
    paired = [h for h in histories if _during(h.paired, start, end)]
    ended = [h for h in histories if _during(h.ended, start, end)]
    graduated = [h for h in ended if h.outcome == GRADUATED]
    closed = [h for h in ended if h.outcome == CLOSED]
    running = [h for h in histories if running_at(h, at, now)]
    paused = [h for h in running if _inside(h.paused, at, now)]
    load: dict[str, int] = {}
    for h in running:
        for mentor in _mentors_at(h, at, now):
            load[mentor] = load.get(mentor, 0) + 1
    return QuarterFigures(
        quarter=q.label,
        applications=sum(1 for h in histories if _during(h.opened, start, end)),
        pairings=len(paired),
        median_days_to_pairing=_median(
            days_between(h.opened, h.paired) for h in paired if h.paired
        ),
        active=len(running) - len(paused),
        paused=len(paused),
        graduations=len(graduated),
        median_months_to_graduation=_median(
            months_between(h.opened, h.ended) for h in graduated if h.ended
        ),
        closed_after_pairing=sum(1 for h in closed if h.paired is not None),
        closed_before_pairing=sum(1 for h in closed if h.paired is None),
        mentors_active=len(_active_mentors(histories, start, end)),
        mentors_returning=len(_returning(histories, start, end)),
        load_mean=round(sum(load.values()) / len(load), 2) if load else None,
        load_max=max(load.values(), default=0),
    )


def _active_mentors(histories: Sequence[History], start: datetime, end: datetime) -> set[str]:
    """Mentors assigned to an application at some time within [start, end)."""
    return {s.mentor for h in histories for s in h.spans if s.start < end and s.end > start}


def _returning(histories: Sequence[History], start: datetime, end: datetime) -> set[str]:
    """Mentors who took on a mentee within [start, end) after a mentorship of theirs with
    another mentee had ended: the mentors who come back (two mentees at once is not a
    return)."""
    spans = [(s.mentor, s.start, s.end, h.mentee) for h in histories for s in h.spans]
    return {
        mentor
        for mentor, began, _, mentee in spans
        if start <= began < end
        and any(m == mentor and e <= began and who != mentee for m, _, e, who in spans)
    }


def _median(values: Iterable[float]) -> float | None:
    found = list(values)
    return round(statistics.median(found), 1) if found else None


def figures_since(
    histories: Sequence[History], since: date | None, now: datetime
) -> tuple[QuarterFigures, ...]:
    """Each quarter's figures, from the quarter holding ``since`` (or the first
    application) to the one holding ``now``."""
    if not histories and since is None:
        return ()
    first = (
        datetime(since.year, since.month, since.day, tzinfo=UTC)
        if since is not None
        else min(h.opened for h in histories)
    )
    return tuple(quarter_figures(q, histories, now) for q in quarters(first, now))


def activity_queries(login: str, repositories: Sequence[str], since: date) -> tuple[str, str]:
    """The two searches that say whether a graduate is still active: a pull request they
    opened since ``since``, else one they reviewed that was updated since (a review has no
    date of its own in the search)."""
    where = " ".join(f"repo:{r}" for r in repositories)
    return (
        f"is:pr author:{login} {where} created:>={since.isoformat()}",
        f"is:pr reviewed-by:{login} {where} updated:>={since.isoformat()}",
    )


def activity_since(now: datetime) -> date:
    """The first day of the graduates' activity window."""
    return (now - timedelta(days=ACTIVITY_DAYS)).date()
