"""The coordinators' dashboard: what each application shows, what needs attention, figures.

Pure: rows are built from the snapshots and plans a scheduled run already has (open
applications) or from the issue list alone (recently closed ones: state, mentors and
close date; their start comes from the timeline the figures read anyway, and nothing
else is read). ``attention`` turns rows into the items coordinators must act on, each
keyed by issue, kind and since, so that a notice announces an item once and a new
episode (a mentorship stalling again later) is a new item.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from mentoring.core import forms
from mentoring.core.calendar import (
    Interval,
    active_age,
    bot_comments,
    closed_intervals,
    due_time,
    label_intervals,
    latest_due_period,
    unpaired_intervals,
)
from mentoring.core.logins import is_bot_login
from mentoring.core.matching import Candidate, applied_role, one_per_login, suggested
from mentoring.core.model import Comment, Event, Issue, IssueSnapshot, Kind
from mentoring.core.participants import Participant, Problem
from mentoring.core.planner import (
    Facts,
    Mentorship,
    Worry,
    facts,
    last_sign_of_life,
    mentee_and_mentors,
    pause_ends_on,
    quiet_until,
    worry,
)
from mentoring.core.registration import RegisteredMentor, mentor_loads
from mentoring.core.roles import roles_of
from mentoring.core.settings import Cadence, Config

# States as the dashboard names them, in the order its table lists them.
NEEDS_INFO = "needs info"
WAITING = "waiting for a mentor"
ACTIVE = "active"
PAUSED = "paused"
READY = "ready"
GRADUATED = "graduated"
DECLINED = "declined"
CLOSED = "closed"  # closed as completed without graduating (the mentee moved on, say)
STATES = (NEEDS_INFO, WAITING, ACTIVE, PAUSED, READY, GRADUATED, DECLINED, CLOSED)
RUNNING = (ACTIVE, PAUSED, READY)  # a mentor's load

# Kinds of "Needs attention" items, in the order the dashboard lists their kinds.
NEEDS_INFO_LONG = "needs-info"
WAITING_FOR_MENTOR = "waiting-for-mentor"
WORRIED = "worried"  # a 👎 or 😕 on the bot's latest check-in
STALLED = "stalled"
REVIEW_UNANSWERED = "review-unanswered"
LONG_PAUSE = "long-pause"
READY_NO_PULL = "ready-no-pull-request"
OVER_CAPACITY = "over-capacity"
ENTRY_GRADUATES_NOBODY = "entry-graduates-nobody"
PARTICIPANTS_UNREADABLE = "participants-unreadable"
KINDS = (
    PARTICIPANTS_UNREADABLE,
    NEEDS_INFO_LONG,
    WAITING_FOR_MENTOR,
    WORRIED,
    STALLED,
    REVIEW_UNANSWERED,
    LONG_PAUSE,
    READY_NO_PULL,
    OVER_CAPACITY,
    ENTRY_GRADUATES_NOBODY,
)

ATTENTION = "attention"  # the marker kind that records an announced item


@dataclass(frozen=True)
class Row:
    """One application as the dashboard shows it."""

    number: int
    mentee: str
    state: str
    opened: datetime
    role: str = ""  # the applicant's own words: neutralised when rendered
    mentors: tuple[str, ...] = ()
    started: datetime | None = None
    ended: datetime | None = None  # closed at
    age_months: int | None = None  # calendar months of running clock (pauses left out)
    pauses: tuple[Interval, ...] = ()
    # Paused, closed or without a mentor: the clock stood still (the planner's own stops).
    stops: tuple[Interval, ...] = ()
    pause_until: date | None = None  # the day the pause in force ends by itself
    mentee_reply: datetime | None = None
    mentor_reply: datetime | None = None
    # The latest sign of life from the mentee or a mentor: a comment, or a reaction on one.
    alive: datetime | None = None
    worry: Worry | None = None  # a 👎 or 😕 on the bot's latest check-in, not talked about
    needs_info_since: datetime | None = None  # the needs-info comment, while answers lack
    last_checkin: tuple[str, datetime] | None = None  # ("review 3", when it was posted)
    next_checkin: tuple[str, datetime] | None = None
    missing: tuple[str, ...] = ()  # labels of required answers still empty
    waiting_since: datetime | None = None  # the wait for a mentor began
    review_reminded: datetime | None = None  # a review's reminder went unanswered since
    reminder_posted: datetime | None = None  # when that reminder was posted
    ready_since: datetime | None = None
    pull_request: bool = False  # a pull request refers to the issue since it was ready
    from_timeline: bool = True  # False: built from the issue list alone
    applied: str | None = None  # the config's role applied for, by its name in use
    suggested: tuple[str, ...] = ()  # while waiting: registered mentors to ask (logins)

    @property
    def running(self) -> bool:
        """The clock runs: a mentor's load."""
        return self.state in RUNNING


@dataclass(frozen=True)
class Item:
    """One thing that needs the coordinators: its key is issue, kind and since."""

    issue: int
    kind: str
    since: datetime
    mentee: str = ""
    mentors: tuple[str, ...] = ()
    detail: str = ""  # a number the wording needs (days, load of capacity)
    # The date of the comment the item names, when it names one: not ``since``, which
    # keys the item and must not move when a fault delays that comment.
    posted: datetime | None = None
    suggested: tuple[str, ...] = ()  # waiting for a mentor: registered mentors to ask

    @property
    def key(self) -> str:
        return f"{self.issue}/{self.kind}/{self.since:%Y-%m-%d}"


@dataclass(frozen=True)
class MentorLoad:
    """A registered mentor's running mentorships against the capacity they gave: one per
    login, however many registrations they have open (merged as :func:`one_per_login`)."""

    login: str
    registration: int  # their latest open registration: the one whose capacity counts
    capacity: int | None
    mentorships: tuple[int, ...]

    @property
    def over(self) -> bool:
        return self.capacity is not None and len(self.mentorships) > self.capacity


@dataclass(frozen=True)
class Figures:
    applications_12m: int
    median_days_to_pairing: float | None
    active: int
    paused: int
    ready: int
    graduated_all: int
    median_months_to_graduation: float | None
    mentors: int
    mentees_with_mentors: int
    places: int  # capacity offered by the registered mentors who gave a number
    over_capacity: tuple[str, ...]


# --- rows --------------------------------------------------------------------------------


def _value(state: object) -> str:
    """A planner state as text (an enum's value, or the text itself)."""
    return str(getattr(state, "value", state))


def _latest_replies(comments: Iterable[Comment], bot: str) -> dict[str, datetime]:
    """When each person (lower-case login) last commented; the bot and other bots left out."""
    latest: dict[str, datetime] = {}
    bot = bot.lower()
    for c in comments:
        who = c.author.lower()
        if who == bot or is_bot_login(c.author):
            continue
        if who not in latest or c.created_at > latest[who]:
            latest[who] = c.created_at
    return latest


def row_of(
    snapshot: IssueSnapshot,
    mentorship: Mentorship,
    config: Config,
    now: datetime,
    known: Facts | None = None,
) -> Row:
    """The dashboard's row of an application whose timeline this run read.

    Built on the planner's own facts (mentee, mentors, pairing, the clock's stops), so the
    dashboard and the comments never disagree about a mentorship. ``known``: the facts
    the plan of this snapshot already worked out (``Plan.facts``).
    """
    issue = snapshot.issue
    state = _state(issue, _value(mentorship.state), config)
    if state in (GRADUATED, DECLINED, CLOSED):
        # As the next runs will show it, from the issue list alone: the body does not
        # change again just because the issue is no longer read with its timeline.
        ended = _closed_at(issue, snapshot.events) or now
        return replace(closed_row(issue, config), state=state, ended=ended)
    f = known if known is not None else facts(snapshot, config, now)
    ever_mentors = {(e.assignee or "").lower() for e in f.pairings}
    ever_mentors |= {m.lower() for m in f.mentors}
    ready_since, pull = _ready_since(snapshot, state, config, now)
    last = mentorship.last
    nxt = mentorship.next
    replied = _latest_replies(snapshot.comments, config.bot)
    reminded = _review_reminded(f, snapshot, state, ever_mentors)
    people = mentee_and_mentors(f.roles)
    needs_info = next((c.at for c in f.posted if c.kind == Kind.NEEDS_INFO), issue.created_at)
    return Row(
        number=issue.number,
        mentee=f.mentee,
        state=state,
        opened=issue.created_at,
        role=_role(f.answers, config),
        applied=_applied(f.answers, config),
        mentors=f.mentors,
        started=f.start,
        age_months=_age_months(f, state, now),
        pauses=f.pauses,
        stops=f.stops,
        pause_until=pause_ends_on(f),
        mentee_reply=replied.get(f.mentee.lower()),
        mentor_reply=max((replied[m] for m in ever_mentors if m in replied), default=None),
        alive=last_sign_of_life(snapshot.comments, people, config.bot),
        worry=worry(snapshot.comments, f.posted, people, config.bot),
        needs_info_since=needs_info if state == NEEDS_INFO else None,
        last_checkin=(f"{_kind_word(last.kind)} {last.key}", last.at) if last else None,
        next_checkin=(f"{_kind_word(nxt.kind)} {nxt.period}", nxt.at) if nxt else None,
        missing=mentorship.missing,
        waiting_since=_waiting_since(f, snapshot, state, now),
        review_reminded=reminded[0] if reminded else None,
        reminder_posted=reminded[1] if reminded else None,
        ready_since=ready_since,
        pull_request=pull,
    )


def _age_months(f: Facts, state: str, now: datetime) -> int | None:
    """Calendar months of running clock (pauses left out), while it runs."""
    if f.start is None or state not in RUNNING:
        return None
    # The planner counted the periods due by now: with monthly ones, that is the age.
    if f.step == 1 and f.now == now:
        return f.latest_period
    return latest_due_period(f.start, 1, list(f.stops), now)


def _waiting_since(f: Facts, snapshot: IssueSnapshot, state: str, now: datetime) -> datetime | None:
    """When the wait for a mentor began: the welcome, or the last mentor leaving."""
    if state != WAITING:
        return None
    welcomed = next((c.at for c in f.posted if c.kind == Kind.WELCOME), now)
    gaps = unpaired_intervals(snapshot.events, f.is_pairing, now)
    return max([welcomed, *(g[0] for g in gaps[-1:])])


def _review_reminded(
    f: Facts, snapshot: IssueSnapshot, state: str, ever_mentors: set[str]
) -> tuple[datetime, datetime] | None:
    """Since when the latest review's reminder went unanswered by every mentor, ever, and
    when that reminder was posted."""
    reviews = [c for c in f.periodic if c.kind == Kind.REVIEW]
    if state not in (ACTIVE, READY) or not reviews or f.start is None:
        return None
    review = max(reviews, key=lambda c: int(c.key or 0))
    answered = any(
        c.created_at > review.at and c.author.lower() in ever_mentors for c in snapshot.comments
    )
    reminder = next(
        (c for c in f.posted if c.kind == Kind.REVIEW_REMINDER and c.key == review.key), None
    )
    if reminder is None or answered:
        return None
    # Since the reminder fell due, not since it was posted: a run lost to a fault posts it
    # a run later, and the item must keep one key.
    due = due_time(f.start, int(review.key or 0), list(f.stops))
    return due + timedelta(days=f.config.cadence.review_reply_days), reminder.at


def _ready_since(
    snapshot: IssueSnapshot, state: str, config: Config, now: datetime
) -> tuple[datetime | None, bool]:
    """When the mentee was marked ready, and whether a pull request has referred to the
    issue since (None and False unless ready)."""
    if state != READY:
        return None, False
    events = snapshot.events
    ready = label_intervals(events, config.labels.names("ready"), now)
    since = ready[-1][0] if ready else snapshot.issue.updated_at
    pull = any(e.kind == "cross-referenced" and e.source_is_pull and e.at >= since for e in events)
    return since, pull


def closed_row(issue: Issue, config: Config) -> Row:
    """A closed application's row from the issue list alone (no timeline read)."""
    answers = forms.parse_body(config.application.form_spec, issue.body or "")
    roles = roles_of(IssueSnapshot(issue, (), ()), config, answers=answers)
    return Row(
        number=issue.number,
        mentee=roles.mentee,
        state=_state(issue, CLOSED, config),
        opened=issue.created_at,
        role=_role(answers, config),
        mentors=roles.mentors,
        ended=issue.closed_at or issue.updated_at,
        from_timeline=False,
    )


def with_started(rows: Sequence[Row], started: Mapping[int, datetime | None]) -> list[Row]:
    """The rows, each closed one given the first pairing its timeline showed (read for
    the figures, so it costs no request more), for the chart."""
    return [
        replace(r, started=started[r.number])
        if not r.from_timeline and r.started is None and started.get(r.number)
        else r
        for r in rows
    ]


def _kind_word(kind: str) -> str:
    return "review" if kind == "review" else "check-in"


def _role(answers: Mapping[str, object], config: Config) -> str:
    field_id = config.dashboard.role_field
    value = answers.get(field_id) if field_id else None
    return value if isinstance(value, str) else ""


def _applied(answers: Mapping[str, object], config: Config) -> str | None:
    given = {k: v for k, v in answers.items() if isinstance(v, str | list)}
    role = applied_role(given, config.roles)
    return None if role is None else role.name


def _closed_at(issue: Issue, events: Sequence[Event]) -> datetime | None:
    if issue.state == "open":
        return None
    closed = closed_intervals(events, issue.updated_at)
    return issue.closed_at or (closed[-1][0] if closed else issue.updated_at)


def _state(issue: Issue, planned: str, config: Config) -> str:
    """The planner's state in the dashboard's words (ready and declined are its own)."""
    closed = issue.state != "open"
    if planned == "graduated" or (closed and issue.has_label(config.labels.graduated)):
        return GRADUATED
    if issue.state != "open":
        return DECLINED if issue.state_reason in ("not_planned", "duplicate") else CLOSED
    if planned == "awaiting mentor":
        return WAITING
    if planned == "active" and issue.has_label(config.labels.ready):
        return READY
    return planned if planned in STATES else ACTIVE


# --- mentors ------------------------------------------------------------------------------


def registered_loads(rows: Iterable[Row], mentors: Iterable[RegisteredMentor]) -> list[MentorLoad]:
    """Each registered mentor's load against the capacity they gave, one per login
    (ignoring case), a mentor with several registrations open counted once."""
    by_login = {login.casefold(): issues for login, issues in mentor_loads(rows).items()}
    mentors = sorted(mentors, key=lambda m: m.issue)
    latest = {m.login.casefold(): m.issue for m in mentors}
    return [
        MentorLoad(
            c.login,
            latest[c.login.casefold()],
            c.capacity,
            tuple(by_login.get(c.login.casefold(), ())),
        )
        for c in sorted(_candidates(mentors, {}), key=lambda c: c.login.casefold())
    ]


def _candidates(mentors: Iterable[RegisteredMentor], load: Mapping[str, int]) -> list[Candidate]:
    """One candidate per mentor (:func:`one_per_login`), their registrations taken oldest
    first; ``load`` is the running mentorships by login (case-folded)."""
    return one_per_login(
        Candidate(m.login, m.held, m.capacity, load.get(m.login.casefold(), 0), m.away)
        for m in sorted(mentors, key=lambda m: m.issue)
    )


def with_suggestions(
    rows: Sequence[Row],
    mentors: Iterable[RegisteredMentor],
    loads: Sequence[MentorLoad],
    config: Config,
) -> list[Row]:
    """The rows, each one waiting for a mentor with the registered mentors to ask: who
    holds the role applied for, then who holds a similar one, with a free place."""
    if not config.roles:
        return list(rows)
    load = {m.login.casefold(): len(m.mentorships) for m in loads}
    candidates = _candidates(mentors, load)
    roles = {r.name: r for r in config.roles}
    return [
        replace(r, suggested=suggested(roles.get(r.applied or ""), candidates, roles, r.mentee))
        if r.state == WAITING and r.ended is None
        else r
        for r in rows
    ]


# --- attention -----------------------------------------------------------------------------

_DAY = timedelta(days=1)
# A check of one row: the kind, since and detail of the item it needs, or None.
_Found = tuple[str, datetime, str] | None


def attention(
    rows: Sequence[Row], loads: Sequence[MentorLoad], cadence: Cadence, now: datetime
) -> list[Item]:
    """Everything that needs the coordinators now, oldest first."""
    items = [item for r in rows for item in _row_items(r, cadence, now)]
    items += _over_capacity(rows, loads, now)
    return sorted(items, key=lambda i: (KINDS.index(i.kind), i.since, i.issue))


def _row_items(r: Row, cadence: Cadence, now: datetime) -> list[Item]:
    """The items one application needs, by each of the checks in turn."""
    items = []
    for check in _ROW_CHECKS:
        found = check(r, cadence, now)
        if found is not None:
            kind, since, detail = found
            posted = r.reminder_posted if kind == REVIEW_UNANSWERED else None
            names = r.suggested if kind == WAITING_FOR_MENTOR else ()
            items.append(Item(r.number, kind, since, r.mentee, r.mentors, detail, posted, names))
    return items


def _waiting_for_mentor(r: Row, cadence: Cadence, now: datetime) -> _Found:
    if r.state != WAITING or r.waiting_since is None:
        return None
    waited = active_age(r.waiting_since, list(r.pauses), now)
    if waited < cadence.mentor_wait_days * 86400:
        return None
    return WAITING_FOR_MENTOR, r.waiting_since, str(int(waited // 86400))


def _needs_info(r: Row, cadence: Cadence, now: datetime) -> _Found:
    since = r.needs_info_since if r.state == NEEDS_INFO else None
    if since is None or now - since < cadence.needs_info_days * _DAY:
        return None
    return NEEDS_INFO_LONG, since, str((now - since).days)


def _stalled(r: Row, cadence: Cadence, now: datetime) -> _Found:
    """No sign of life from the mentee or a mentor (a comment, a reaction) for longer than
    a review period and its reply days: a mentor who answers each review, a mentee who
    only reacts to the check-ins, never stall. Counted from the start, the end of the
    clock's last stop (a pause, time without a mentor or closed: a new mentor is a fresh
    start), or the last sign, whichever is latest. A stop that runs to ``now`` in an
    active row is one this run's plan ends (a dated pause on its day, a ``/resume``
    answered late): it ends now."""
    if r.state != ACTIVE or r.started is None:
        return None
    resumed = [end for _, end in r.stops if end <= now]
    alive = [r.alive] if r.alive is not None else []
    since = max([r.started, *resumed, *alive])
    if now < quiet_until(since, cadence):
        return None
    return STALLED, since, str((now - since).days)


def _review_unanswered(r: Row, cadence: Cadence, now: datetime) -> _Found:
    return None if r.review_reminded is None else (REVIEW_UNANSWERED, r.review_reminded, "")


def _worried(r: Row, cadence: Cadence, now: datetime) -> _Found:
    """A 👎 or 😕 by the mentee or a mentor on the bot's latest check-in (or review,
    reminder, pairing) that nobody has talked about since: ask how it is going."""
    w = r.worry
    if w is None or not r.running:
        return None
    return WORRIED, w.at, f"{w.by}:{w.content}:{w.kind}:{w.key or ''}"


def _long_pause(r: Row, cadence: Cadence, now: datetime) -> _Found:
    """A pause without a date, on for ``cadence.long_pause_days``: one with a date ends by
    itself, as the mentee was told."""
    if r.state != PAUSED or not r.pauses or r.pauses[-1][1] < now:
        return None
    if r.pause_until is not None and r.pause_until >= now.astimezone(UTC).date():
        return None
    since = r.pauses[-1][0]
    if now - since < cadence.long_pause_days * _DAY:
        return None
    return LONG_PAUSE, since, str((now - since).days)


def _ready_no_pull_request(r: Row, cadence: Cadence, now: datetime) -> _Found:
    ready = r.ready_since if r.state == READY and not r.pull_request else None
    if ready is None or now - ready < cadence.ready_reminder_days * _DAY:
        return None
    return READY_NO_PULL, ready, str((now - ready).days)


_ROW_CHECKS: tuple[Callable[[Row, Cadence, datetime], _Found], ...] = (
    _needs_info,
    _waiting_for_mentor,
    _worried,
    _stalled,
    _review_unanswered,
    _long_pause,
    _ready_no_pull_request,
)


def _over_capacity(rows: Sequence[Row], loads: Sequence[MentorLoad], now: datetime) -> list[Item]:
    """A registered mentor with more running mentorships than they offered to take."""
    started = {r.number: r.started for r in rows}
    items = []
    for load in loads:
        if load.over:
            # Since the latest of their mentorships began: a new one over it is a new item.
            since = max((started.get(n) or now for n in load.mentorships), default=now)
            detail = f"{len(load.mentorships)} mentees, more than the {load.capacity}"
            items.append(Item(load.registration, OVER_CAPACITY, since, load.login, (), detail))
    return items


def entry_items(rows: Sequence[Row], graduates: Mapping[str, Participant]) -> list[Item]:
    """Entries of participants.yml that graduate nobody, as the rows show it: one whose
    ``issue:`` names a declined application, another person's, or one that never had a
    mentor; one without ``issue:`` whose mentee has more than one open application.
    ``detail`` says which (``declined``, ``another``, ``unmentored``, ``several:#3, #7``)."""
    by_number = {r.number: r for r in rows}
    items = []
    for login, entry in graduates.items():
        if entry.issue is None:
            mine = sorted(
                (r for r in rows if r.mentee.lower() == login and r.ended is None),
                key=lambda r: r.number,
            )
            if len(mine) > 1:
                numbers = ", ".join(f"#{r.number}" for r in mine)
                since = max(r.opened for r in mine)
                items.append(
                    Item(
                        mine[-1].number,
                        ENTRY_GRADUATES_NOBODY,
                        since,
                        entry.github,
                        (),
                        f"several:{numbers}",
                    )
                )
            continue
        r = by_number.get(entry.issue)
        if r is None or r.state == GRADUATED:
            continue
        if r.mentee.lower() != login:
            detail = "another"
        elif r.state == DECLINED:
            detail = "declined"
        elif r.started is None and r.state in (NEEDS_INFO, WAITING):
            detail = "unmentored"
        else:
            continue
        items.append(
            Item(r.number, ENTRY_GRADUATES_NOBODY, r.ended or r.opened, entry.github, (), detail)
        )
    return items


def file_items(problems: Sequence[Problem], changed: datetime | None) -> list[Item]:
    """One item for a participants.yml on the default branch that cannot be trusted: its
    first problem (``detail`` is ``line:message``). Keyed by the file's last change
    (``changed``), so a new broken version is a new item and a fixed file leaves the list
    without a word."""
    if not problems or changed is None:
        return []
    first = min(problems, key=lambda p: p.line)
    return [Item(0, PARTICIPANTS_UNREADABLE, changed, detail=f"{first.line}:{first.message}")]


def announced(comments: Iterable[Comment], bot: str) -> set[str]:
    """Keys of the items the bot's own comments have announced (markers by anyone else
    do not count)."""
    return {c.key for c in bot_comments(comments, bot) if c.kind == ATTENTION and c.key}


# --- figures --------------------------------------------------------------------------------


DAYS_A_MONTH = 365.25 / 12  # a month of the figures: the mean calendar month


def days_between(start: datetime, end: datetime) -> float:
    """Days from ``start`` to ``end``: the figures' time to pairing (the report's too)."""
    return (end - start).total_seconds() / 86400


def months_between(start: datetime, end: datetime) -> float:
    """Mean calendar months from ``start`` to ``end``: the figures' time to graduation."""
    return days_between(start, end) / DAYS_A_MONTH


def figures(
    rows: Sequence[Row],
    loads: Sequence[MentorLoad],
    graduated_all: int,
    now: datetime,
    closed_started: Mapping[int, datetime | None] | None = None,
) -> Figures:
    """The program's figures over every application in their window, open and closed.

    A closed row is built from the issue list alone: ``closed_started`` gives the first
    pairing of each one closed in the window (by number, None if it never had a mentor),
    read from its timeline for these figures.
    """
    year_ago = now - timedelta(days=365)
    pairing = pairing_days(rows, now, closed_started)
    graduation = [
        months_between(r.opened, r.ended)
        for r in rows
        if r.state == GRADUATED and r.ended is not None and r.ended >= year_ago
    ]
    with_capacity = [load for load in loads if load.capacity is not None]
    return Figures(
        applications_12m=sum(1 for r in rows if r.opened >= year_ago),
        median_days_to_pairing=statistics.median(pairing) if pairing else None,
        active=sum(1 for r in rows if r.state == ACTIVE),
        paused=sum(1 for r in rows if r.state == PAUSED),
        ready=sum(1 for r in rows if r.state == READY),
        graduated_all=graduated_all,
        median_months_to_graduation=statistics.median(graduation) if graduation else None,
        mentors=len(loads),
        mentees_with_mentors=sum(len(load.mentorships) for load in loads),
        places=sum(load.capacity or 0 for load in with_capacity),
        over_capacity=tuple(load.login for load in loads if load.over),
    )


def pairing_days(
    rows: Sequence[Row], now: datetime, closed_started: Mapping[int, datetime | None] | None = None
) -> list[float]:
    """Days from application to first mentor of every application paired in the last 12
    months, open or closed (``closed_started``: as :func:`figures` takes it): the
    dashboard's median."""
    year_ago = now - timedelta(days=365)
    known = closed_started or {}
    started = [(r, r.started or known.get(r.number)) for r in rows]
    return [
        days_between(r.opened, start)
        for r, start in started
        if start is not None and start >= year_ago
    ]


def ended_waits(
    rows: Sequence[Row], now: datetime, closed_started: Mapping[int, datetime | None] | None = None
) -> list[tuple[float, bool]]:
    """Every wait for a first mentor that ended in the last 12 months, open or closed
    (``closed_started``: as :func:`figures` takes it): its days from application, and
    whether a mentor ended it (else the application was closed without one). An open
    application still without a mentor has no end yet, and a closed one whose pairing was
    not read is left out rather than guessed: the waiting note's past figure."""
    year_ago = now - timedelta(days=365)
    known = closed_started or {}
    waits: list[tuple[float, bool]] = []
    for r in rows:
        start = r.started or known.get(r.number)
        if start is not None:
            if start >= year_ago:
                waits.append((days_between(r.opened, start), True))
        elif r.ended is not None and r.ended >= year_ago and r.number in known:
            waits.append((days_between(r.opened, r.ended), False))
    return waits


def closed_for_figures(rows: Sequence[Row], now: datetime) -> list[int]:
    """The closed rows whose first pairing the figures need: those closed within their
    year (a pairing in it came before the close), built from the issue list alone."""
    year_ago = now - timedelta(days=365)
    return [
        r.number
        for r in rows
        if not r.from_timeline and r.started is None and (r.ended or now) >= year_ago
    ]
