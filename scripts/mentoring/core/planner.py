"""The reconciler's brain: from what an issue shows now to what should happen.

``plan`` is pure: no network, no clock. Given the same snapshot, config, participants and
time it returns the same actions, so running it twice (an event run and the schedule at
the same instant, a retry after a failure) never does anything twice: whatever the first
run did is on the issue by the time the second one reads it.

It works out the :class:`Facts` once, then runs one small phase per step of a
mentorship: graduation, intake (coordinators, welcome or needs-info), waiting for a
mentor, pairing, the periodic check-in or review, and the review reminder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import yaml

from mentoring.core import forms
from mentoring.core.calendar import (
    BotComment,
    Interval,
    active_age,
    bot_comments,
    closed_intervals,
    due_time,
    label_intervals,
    latest_assigners,
    latest_due_period,
    mentor_since,
    unpaired_intervals,
)
from mentoring.core.closing import closing_pull_request
from mentoring.core.healing import duplicate_deletions
from mentoring.core.model import (
    PERIODIC,
    Action,
    AddLabels,
    Assign,
    Close,
    Event,
    Issue,
    IssueSnapshot,
    Kind,
    PostComment,
    RemoveLabels,
    State,
)
from mentoring.core.participants import Participant
from mentoring.core.render import Renderer
from mentoring.core.roles import is_pairing, mentee_of, mentors_of
from mentoring.core.settings import Config


@dataclass(frozen=True)
class Due:
    """A check-in or review: its period number, kind and due time."""

    period: int
    kind: Kind
    at: datetime


@dataclass(frozen=True)
class Mentorship:
    """What an application issue says about its mentorship right now."""

    number: int
    mentee: str
    mentors: tuple[str, ...]
    state: State
    start: datetime | None
    last: BotComment | None  # the latest check-in or review posted
    next: Due | None  # the next one to come, while the clock runs
    missing: tuple[str, ...] = ()  # labels of required answers still empty
    age_days: int | None = None  # days the clock has run (pauses left out), while it runs


@dataclass(frozen=True)
class Plan:
    mentorship: Mentorship
    actions: tuple[Action, ...] = field(default_factory=tuple)
    # When the check-in or review it posts fell due (else the review reminder): how late
    # this run is. None for other work (welcome, pairing, graduation).
    overdue_since: datetime | None = None


def period_kind(period: int, config: Config) -> Kind:
    """Every ``review_every``-th period is a progress review, the others check-ins."""
    return Kind.REVIEW if period % config.cadence.review_every == 0 else Kind.CHECKIN


@dataclass(frozen=True)
class Facts:
    """What an application issue shows, worked out once for every phase of ``plan``."""

    snapshot: IssueSnapshot
    config: Config
    now: datetime
    answers: Mapping[str, object]
    mentee: str
    mentors: tuple[str, ...]  # assigned now
    posted: tuple[BotComment, ...]  # the bot's own marked comments
    start: datetime | None  # the first pairing: the clock's start
    stops: tuple[Interval, ...]  # paused, closed or without a mentor: the clock stood still
    pauses: tuple[Interval, ...]
    paused: bool
    missing: tuple[str, ...]  # labels of required answers still empty
    periodic: tuple[BotComment, ...]  # check-ins and reviews posted, keyed by month
    context: Mapping[str, object]  # what every template may use

    @property
    def issue(self) -> Issue:
        return self.snapshot.issue

    @property
    def step(self) -> int:
        """Months between check-ins."""
        return self.config.cadence.checkin_months

    @property
    def done(self) -> set[tuple[str, str | None]]:
        return {(c.kind, c.key) for c in self.posted}

    @property
    def last(self) -> BotComment | None:
        """The latest check-in or review posted."""
        return max(self.periodic, key=lambda c: int(c.key or 0), default=None)

    def is_pairing(self, event: Event) -> bool:
        return is_pairing(event, self.mentee, self.config)

    def latest_period(self) -> int:
        """The latest period due by now (0 before the first, or without a start)."""
        if self.start is None:
            return 0
        return latest_due_period(self.start, self.step, list(self.stops), self.now)

    def due_at(self, period: int) -> datetime:
        assert self.start is not None
        return due_time(self.start, period * self.step, list(self.stops))


def facts(snapshot: IssueSnapshot, config: Config, now: datetime) -> Facts:
    """Read everything the phases need off the snapshot, once."""
    issue = snapshot.issue
    form = config.application.form_spec
    answers = forms.parse_body(form, issue.body or "")
    mentee = mentee_of(snapshot, config, answers)
    mentors = mentors_of(issue.assignees, mentee, config, latest_assigners(snapshot.events))
    posted = tuple(bot_comments(snapshot.comments, config.bot))
    pairing = partial(is_pairing, mentee=mentee, config=config)
    events = snapshot.events
    pauses = label_intervals(events, config.labels.names("paused"), now)
    stops = pauses + closed_intervals(events, now) + unpaired_intervals(events, pairing, now)
    required = config.application.required
    missing = tuple(f.label for f in forms.missing_required(form, answers, required))
    # A check-in's or review's marker key is its month since pairing, not its period
    # number, so a change of cadence carries on from the months already covered.
    periodic = tuple(c for c in posted if c.kind in PERIODIC and c.key and c.key.isdigit())
    context = {
        "mentee": mentee,
        "mentors": list(mentors),
        "coordinators": list(config.coordinators),
        "program": config.program,
        "handbooks": config.handbooks,
        "cadence": config.cadence,
        "participants_file": config.participants,
        "issue_number": issue.number,
    }
    return Facts(
        snapshot,
        config,
        now,
        answers,
        mentee,
        mentors,
        posted,
        mentor_since(events, pairing),
        tuple(stops),
        tuple(pauses),
        issue.has_label(config.labels.paused),
        missing,
        periodic,
        context,
    )


class _Draft:
    """The actions one plan collects, phase by phase; a comment already posted is skipped."""

    def __init__(self, facts: Facts, renderer: Renderer) -> None:
        self.facts = facts
        self.renderer = renderer
        self.actions: list[Action] = []
        self.overdue_since: datetime | None = None

    def comment(self, kind: Kind, key: object | None = None, **extra: object) -> None:
        text_key = None if key is None else str(key)
        if (kind, text_key) in self.facts.done:
            return
        body = self.renderer.comment(kind, key, **self.facts.context, **extra)
        self.actions.append(PostComment(self.facts.issue.number, kind, text_key, body))

    def labels(self, wanted: str | None) -> None:
        self.actions += _status_labels(self.facts.issue, self.facts.config, wanted)

    def done(self, state: State) -> Plan:
        return Plan(self.status(state), tuple(self.actions), self.overdue_since)

    def status(self, state: State) -> Mentorship:
        f = self.facts
        nxt = _next_due(f) if state == State.ACTIVE else None
        start = f.start if state in (State.ACTIVE, State.PAUSED) else None  # clock running
        age = int(active_age(start, list(f.stops), f.now) // 86400) if start else None
        # A check-in this plan posts is the latest one, as the next run will see it.
        posting = [
            BotComment(a.kind, a.key, f.now, 0)
            for a in self.actions
            if isinstance(a, PostComment) and a.kind in PERIODIC
        ]
        latest = posting[-1] if posting else f.last
        return Mentorship(
            f.issue.number, f.mentee, f.mentors, state, f.start, latest, nxt, f.missing, age
        )


def plan(
    snapshot: IssueSnapshot,
    config: Config,
    participants: Mapping[str, Participant],
    now: datetime,
    renderer: Renderer,
    pull_request: int | None = None,
    just_added: bool = False,
    closes: tuple[int, ...] = (),
) -> Plan:
    """Every action one application issue needs now.

    ``participants`` are the entries of participants.yml, keyed by lower-case login;
    ``just_added`` says this run follows the change that added them, made by merging
    ``pull_request``, whose description's closing keywords name ``closes``.
    """
    f = facts(snapshot, config, now)
    draft = _Draft(f, renderer)
    # First, whatever else is due: a comment two racing runs both posted goes (finding 6).
    draft.actions += duplicate_deletions(f.issue.number, f.posted)
    entry = participants.get(f.mentee.lower())
    through = pull_request if just_added else None
    if entry is not None and _concludes(entry, f, through, closes):
        return _graduation(draft, entry, pull_request)
    if f.issue.state != "open":
        return draft.done(State.CLOSED)
    _assign_coordinators(draft)
    if not _intake(draft):
        return draft.done(State.NEEDS_INFO)
    if not f.mentors:
        return _waiting(draft)
    _pairing(draft)
    if f.paused:
        draft.labels(None)
        return draft.done(State.PAUSED)
    draft.labels(config.labels.active)
    _periodic(draft)
    _review_reminder(draft)
    return draft.done(State.ACTIVE)


# --- phases, in the order a mentorship meets them -------------------------------------


def _graduation(draft: _Draft, entry: Participant, pull_request: int | None) -> Plan:
    """Congratulations, the graduated label, and the issue closed as completed."""
    f = draft.facts
    draft.comment(
        Kind.GRADUATED,
        entry=participant_entry(entry),
        pull_request=pull_request or closing_pull_request(f.snapshot),
    )
    draft.labels(f.config.labels.graduated)
    if f.issue.state == "open":
        draft.actions.append(Close(f.issue.number, "completed"))
    return draft.done(State.GRADUATED)


def _assign_coordinators(draft: _Draft) -> None:
    """A new application: coordinators assigned once (the bot never assigns twice).

    Once the bot has commented it has handled the application: a coordinator who was
    there already, or whom GitHub silently refused to assign, is not assigned again later.
    """
    f = draft.facts
    bot = f.config.bot.lower()
    assigned_by_bot = any(
        e.kind == "assigned" and (e.actor or "").lower() == bot for e in f.snapshot.events
    )
    if assigned_by_bot or f.posted:
        return
    assignees = {a.lower() for a in f.issue.assignees}
    wanted = tuple(c for c in f.config.coordinators if c.lower() not in assignees)
    if wanted:
        draft.actions.append(Assign(f.issue.number, wanted))


def _intake(draft: _Draft) -> bool:
    """Welcome a complete application, or say once what is missing (False: still missing)."""
    f = draft.facts
    welcomed = (Kind.WELCOME, None) in f.done
    if f.missing and not welcomed and not f.mentors:
        draft.comment(Kind.NEEDS_INFO, missing=list(f.missing))
        draft.labels(f.config.labels.needs_info)
        return False
    if f.mentors and all(_met_late(f, m) for m in f.mentors):
        return True  # under way before the bot: "a coordinator looks for a mentor" is past
    draft.comment(Kind.WELCOME, answers_complete=not f.missing)
    return True


def _waiting(draft: _Draft) -> Plan:
    """No mentor yet: remind the coordinators once per waiting period."""
    f = draft.facts
    wait = timedelta(days=f.config.cadence.mentor_wait_days)
    # The wait for a mentor starts with the welcome (now, if it is posted now), not
    # with the issue: time spent in "needs info" was not the coordinators' wait.
    welcomed = next((c.at for c in f.posted if c.kind == Kind.WELCOME), f.now)
    # A mentor who left restarts the wait (the last time the issue was left without
    # one), and so does each reminder; paused or closed time is not waiting.
    gaps = unpaired_intervals(f.snapshot.events, f.is_pairing, f.now)
    waiting_since = max([welcomed, *(g[0] for g in gaps[-1:])])
    reminders = [c for c in f.posted if c.kind == Kind.MENTOR_REMINDER]
    since = max([waiting_since, *(c.at for c in reminders)])
    not_waiting = list(f.pauses) + closed_intervals(f.snapshot.events, f.now)
    if active_age(since, not_waiting, f.now) >= wait.total_seconds() and not f.paused:
        days = int(active_age(waiting_since, not_waiting, f.now) // 86400)
        draft.comment(Kind.MENTOR_REMINDER, len(reminders) + 1, days=days)
    draft.labels(None if f.paused else f.config.labels.awaiting_mentor)
    return draft.done(State.PAUSED if f.paused else State.AWAITING_MENTOR)


def _pairing(draft: _Draft) -> None:
    """One comment for each mentor not yet introduced (a replacement gets one too)."""
    f = draft.facts
    introduced = {
        login.lower()
        for c in f.posted
        if c.kind == Kind.PAIRED and c.key
        for login in c.key.split(",")
    }
    new_mentors = [m for m in f.mentors if m.lower() not in introduced and not _met_late(f, m)]
    if not new_mentors or f.start is None:
        return
    # The dates still to come: a replacement joins a schedule already running.
    coming = f.latest_period() + 1
    every = f.config.cadence.review_every
    draft.comment(
        Kind.PAIRED,
        ",".join(m.lower() for m in new_mentors),
        new_mentors=new_mentors,
        joining=bool(introduced),
        next_checkin=f.due_at(coming),
        next_review=f.due_at(-(-coming // every) * every),
        started=f.start,
    )


def _met_late(f: Facts, mentor: str) -> bool:
    """Whether a check-in has fallen due since ``mentor`` was assigned (stable: only grows).

    That is a mentorship under way before the program switched the bot on (or an outage
    longer than a period). Months on, a welcome and a "meet your mentor" would only
    confuse: the latest check-in due is posted instead and the schedule carries on.
    """
    if f.start is None:
        return False
    since = max(
        (e.at for e in f.snapshot.events if f.is_pairing(e) and _same(e.assignee, mentor)),
        default=f.start,
    )
    return latest_due_period(f.start, f.step, list(f.stops), since) < f.latest_period()


def _same(login: str | None, other: str) -> bool:
    return (login or "").lower() == other.lower()


def _periodic(draft: _Draft) -> None:
    """Check-ins and reviews: only the latest period that is due, once."""
    f = draft.facts
    period = f.latest_period()
    months = period * f.step
    last = f.last
    if period < 1 or (last is not None and int(last.key or 0) >= months):
        return
    draft.overdue_since = f.due_at(period)
    draft.comment(
        period_kind(period, f.config),
        months,
        period=period,
        months=months,
        entry=_draft_entry(f.answers, f.mentee, f.mentors, f.issue.number),
    )


def _review_reminder(draft: _Draft) -> None:
    """A review the mentors have not answered within the reply window: one reminder."""
    f = draft.facts
    reviews = [c for c in f.periodic if c.kind == Kind.REVIEW]
    if not reviews:
        return
    review = max(reviews, key=lambda c: int(c.key or 0))
    window = timedelta(days=f.config.cadence.review_reply_days)
    # Any mentor of this mentorship may answer, a previous one included.
    paired_ever = {(e.assignee or "").lower() for e in f.snapshot.events if f.is_pairing(e)}
    answered = any(
        c.created_at > review.at and c.author.lower() in paired_ever for c in f.snapshot.comments
    )
    waited = active_age(review.at, list(f.stops), f.now)  # the window stops with the clock
    if answered or waited < window.total_seconds() or review is not f.last:
        return
    if (Kind.REVIEW_REMINDER, review.key) not in f.done:
        draft.overdue_since = draft.overdue_since or review.at + window
    months = int(review.key or 0)
    draft.comment(
        Kind.REVIEW_REMINDER, review.key, period=months // f.step, months=months, asked=review.at
    )


def _next_due(f: Facts) -> Due | None:
    if f.start is None or not f.mentors or f.paused or f.issue.state != "open":
        return None
    k = f.latest_period() + 1
    return Due(k, period_kind(k, f.config), f.due_at(k))


def managed_labels(config: Config) -> tuple[str, ...]:
    """The status labels the bot sets (the pause label is set by people)."""
    labels = config.labels
    return (labels.needs_info, labels.awaiting_mentor, labels.active, labels.graduated)


def _status_labels(issue: Issue, config: Config, wanted: str | None) -> list[Action]:
    """Put exactly ``wanted`` among the bot-managed status labels."""
    managed = managed_labels(config)
    actions: list[Action] = []
    stale = tuple(lb for lb in managed if lb != wanted and issue.has_label(lb))
    if stale:
        actions.append(RemoveLabels(issue.number, stale))
    if wanted and not issue.has_label(wanted):
        actions.append(AddLabels(issue.number, (wanted,)))
    return actions


def _one_line(text: str, limit: int = 100) -> str:
    cleaned = " ".join(text.replace("<", "").replace(">", "").split())
    return cleaned[:limit]


def _draft_entry(
    answers: Mapping[str, object], mentee: str, mentors: tuple[str, ...], number: int
) -> str:
    """The participants.yml entry a graduating mentee adds, as YAML."""
    name = answers.get("name")
    entry = {
        "name": _one_line(name) if isinstance(name, str) and name.strip() else mentee,
        "github": mentee,
        "mentors": list(mentors),
        "issue": number,
    }
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True).strip()


def participant_entry(participant: Participant) -> str:
    """A participants.yml entry as YAML, for quoting back to people."""
    entry: dict[str, object] = {"name": _one_line(participant.name), "github": participant.github}
    if participant.role:
        entry["role"] = _one_line(participant.role)
    if participant.mentors:
        entry["mentors"] = list(participant.mentors)
    if participant.issue:
        entry["issue"] = participant.issue
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True).strip()


def _concludes(
    entry: Participant, f: Facts, pull_request: int | None, closes: tuple[int, ...]
) -> bool:
    """Whether a participants.yml entry concludes this issue, and not another of theirs.

    Level-triggered: an entry naming this issue (``issue: N``) concludes it in any run,
    scheduled runs included, so a run lost to an outage, a failure or a merge with the
    workflows' own token (which starts no run) is caught up by the next one. Only a
    mentorship that had a mentor at some point graduates: nobody graduates themself.

    An entry without ``issue:`` concludes only the issue that the merged pull request which
    added it names with a closing keyword (or closed), in that pull request's run
    (``pull_request``): an old entry would otherwise close a past graduate's new
    application the moment a mentor is assigned.
    """
    issue = f.issue
    if (Kind.GRADUATED, None) in f.done:
        return True  # posted already: finish the labels and the close
    if f.start is None:
        return False
    if entry.issue is not None:
        return entry.issue == issue.number
    if pull_request is None:
        return False
    if entry.date is not None and entry.date < issue.created_at.date():
        return False
    if issue.number in closes:
        return True
    # state_reason may be null on a close by a closing keyword (recorded responses).
    closed_done = issue.state == "closed" and issue.state_reason in ("completed", None)
    return closed_done and closing_pull_request(f.snapshot) == pull_request
