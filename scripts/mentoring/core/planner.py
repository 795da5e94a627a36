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

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import yaml

from mentoring.core import forms
from mentoring.core.calendar import (
    BotComment,
    Interval,
    active_age,
    add_months,
    bot_comments,
    closed_intervals,
    due_time,
    label_intervals,
    latest_due_period,
    mentor_since,
    unpaired_intervals,
)
from mentoring.core.closing import closing_pull_request
from mentoring.core.healing import duplicate_deletions
from mentoring.core.logins import is_login
from mentoring.core.model import (
    PERIODIC,
    Action,
    AddLabels,
    Assign,
    Close,
    Comment,
    DeleteComment,
    EditComment,
    Event,
    Issue,
    IssueSnapshot,
    Kind,
    PostComment,
    RemoveLabels,
    State,
    is_count,
)
from mentoring.core.participants import Participant
from mentoring.core.render import Renderer
from mentoring.core.replies import Answering, Asked, Roles, answer, pause_date, pausing_accepted
from mentoring.core.roles import IssueRoles, listed_mentee, roles_of
from mentoring.core.settings import Cadence, Config
from mentoring.core.site import Site

# How long after a close its `issues.closed` run is still to be expected (runs start in
# seconds to minutes; GitHub may lose one, and then the next run acts).
_CLOSE_RUN_WINDOW = timedelta(hours=1)
# How long a mentorship is without a mentor before the bot says so: a handover (one
# mentor unassigned, the next assigned minutes later) is no news to anyone. In practice
# the notice comes with the first scheduled run after it.
HANDOVER_GRACE = timedelta(hours=1)


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
    # Days waited for a mentor since the welcome (pauses and closed time left out), while
    # awaiting one: the coordinators' reminder, in the run's summary, not on the issue.
    waiting_days: int | None = None

    @property
    def running(self) -> bool:
        """The clock runs: active (ready or not) or paused."""
        return self.state in (State.ACTIVE, State.PAUSED)


@dataclass(frozen=True)
class Plan:
    mentorship: Mentorship
    actions: tuple[Action, ...] = field(default_factory=tuple)
    # When the check-in or review it posts fell due (else the review reminder): how late
    # this run is. None for other work (welcome, pairing, graduation).
    overdue_since: datetime | None = None
    # What the plan was made from, for others who read the same issue this run (the
    # dashboard's row), so nobody works the facts out a second time.
    facts: Facts | None = field(default=None, compare=False, repr=False)
    # The waiting note is due, and held back for the past year's figure (PlanContext).
    held_note: bool = False


# The waiting note tells what became of the past year's waits as long as the
# applicant's only over at least this many of them, and gives their median days to
# pairing only over at least this many pairings: fewer say little, and a figure of one or
# two applicants is theirs, not the program's.
MIN_WAITS = 3
MIN_PAIRINGS = 3


@dataclass(frozen=True)
class LongWaits:
    """The waits for a first mentor that ended over the last year after at least ``days``
    (one applicant's wait so far): how many, how many ended with a mentor, and those
    pairings' median whole days from application (None under ``MIN_PAIRINGS``)."""

    days: int
    ended: int
    paired: int
    median_days: int | None

    def values(self) -> dict[str, int | None]:
        """The waiting note's template values."""
        return {
            "waited_days": self.days,
            "past_waits": self.ended,
            "past_paired": self.paired,
            "past_median_days": self.median_days,
        }


@dataclass(frozen=True)
class PastWait:
    """The waits for a first mentor that ended over the last year, for the waiting note:
    each one's days from application, and whether it ended with a mentor (else the
    application was closed without one). A median over every pairing would tell someone
    who has waited a month about those paired in a day: only waits as long as theirs
    are told (:meth:`beyond`)."""

    waits: tuple[tuple[float, bool], ...] = ()

    @classmethod
    def of(cls, waits: Sequence[tuple[float, bool]]) -> PastWait:
        """From ``core.dashboard.ended_waits``."""
        return cls(tuple(waits))

    def beyond(self, days: int) -> LongWaits | None:
        """Those that lasted ``days`` or more; None under ``MIN_WAITS`` of them."""
        long = [(d, paired) for d, paired in self.waits if d >= days]
        if len(long) < MIN_WAITS:
            return None
        paired = [d for d, with_mentor in long if with_mentor]
        median = round(statistics.median(paired)) if len(paired) >= MIN_PAIRINGS else None
        return LongWaits(days, len(long), len(paired), median)


@dataclass(frozen=True)
class LastPause:
    """The latest time the pause label was on: the pause in force, or the last one."""

    since: datetime  # the label put on
    end: datetime | None  # taken off (None: on now)
    by_bot: bool  # taken off by the bot's own login
    until: date | None  # the day it ends by itself (pause_date); None: no date

    @property
    def key(self) -> str:
        """What its comments are keyed by, so each is posted once per pause."""
        return f"{self.since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def period_kind(period: int, config: Config) -> Kind:
    """Every ``review_every``-th period is a progress review, the others check-ins."""
    return Kind.REVIEW if period % config.cadence.review_every == 0 else Kind.CHECKIN


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What an application issue shows, worked out once for every phase of ``plan``."""

    config: Config
    now: datetime
    answers: Mapping[str, object]
    roles: IssueRoles  # mentee, mentors, coordinators, and the timeline /mentor counted in
    posted: tuple[BotComment, ...]  # the bot's own marked comments
    start: datetime | None  # the first pairing: the clock's start
    stops: tuple[Interval, ...]  # paused, closed or without a mentor: the clock stood still
    pauses: tuple[Interval, ...]
    paused: bool
    missing: tuple[str, ...]  # labels of required answers still empty
    periodic: tuple[BotComment, ...]  # check-ins and reviews posted, keyed by month
    context: Mapping[str, object]  # what every template may use
    asked: Asked  # the commands in the comments, and those answered
    pairings: tuple[Event, ...]  # the `assigned` events that gave the issue a mentor
    marked: frozenset[tuple[str, str | None]]  # the (kind, key) of every marker posted
    last: BotComment | None  # the latest check-in or review posted
    latest_period: int  # the latest period due by now (0 before the first, or without a start)
    latest_due: datetime | None  # when it fell due (None before the first)
    ready: bool = False  # the ready label is on
    last_pause: LastPause | None = None
    site: Site | None = None  # the repository, for links (None: links left out)
    registered: frozenset[str] | None = None  # logins with an open mentor registration
    # Open application issues by mentee (lower-case login), None when the run did not read them.
    applications: Mapping[str, tuple[int, ...]] | None = None

    @property
    def snapshot(self) -> IssueSnapshot:
        """The issue as read, each accepted /mentor in it as an assignment."""
        return self.roles.snapshot

    @property
    def issue(self) -> Issue:
        return self.snapshot.issue

    @property
    def mentee(self) -> str:
        return self.roles.mentee

    @property
    def mentors(self) -> tuple[str, ...]:
        """Assigned now."""
        return self.roles.mentors

    @property
    def step(self) -> int:
        """Months between check-ins."""
        return self.config.cadence.checkin_months

    def is_pairing(self, event: Event) -> bool:
        return self.roles.is_pairing(event)

    def due_at(self, period: int) -> datetime:
        assert self.start is not None
        return due_time(self.start, period * self.step, list(self.stops))


def facts(
    snapshot: IssueSnapshot,
    config: Config,
    now: datetime,
    *,
    site: Site | None = None,
    registered: frozenset[str] | None = None,
    applications: Mapping[str, tuple[int, ...]] | None = None,
) -> Facts:
    """Read everything the phases need off the snapshot, once."""
    issue = snapshot.issue
    form = config.application.form_spec
    answers = forms.parse_body(form, issue.body or "")
    posted = tuple(bot_comments(snapshot.comments, config.bot))
    asked = Asked.of(snapshot, config.bot, posted)
    roles = roles_of(snapshot, config, answers=answers, asked=asked)
    events = roles.snapshot.events
    pairings = tuple(filter(roles.is_pairing, events))
    pauses = label_intervals(events, config.labels.names("paused"), now)
    stops = (
        pauses + closed_intervals(events, now) + unpaired_intervals(events, roles.is_pairing, now)
    )
    start = mentor_since(pairings, roles.is_pairing)  # as mentorship_start dates it
    latest, latest_due = _latest_due(start, config, stops, now)
    required = config.application.required
    # A check-in's or review's marker key is its month since pairing, not its period
    # number, so a change of cadence carries on from the months already covered.
    periodic = tuple(c for c in posted if c.kind in PERIODIC and is_count(c.key))
    return Facts(
        config=config,
        now=now,
        answers=answers,
        roles=roles,
        posted=posted,
        start=start,
        stops=tuple(stops),
        pauses=tuple(pauses),
        paused=issue.has_label(config.labels.paused),
        missing=tuple(f.label for f in forms.missing_from_body(form, issue.body, required)),
        periodic=periodic,
        context=_template_context(roles, config, issue.number),
        asked=asked,
        pairings=pairings,
        marked=frozenset((c.kind, c.key) for c in posted),
        last=max(periodic, key=lambda c: int(c.key or 0), default=None),
        latest_period=latest,
        latest_due=latest_due,
        ready=issue.has_label(config.labels.ready),
        last_pause=_last_pause(roles.snapshot, posted, pauses, config),
        site=site,
        registered=registered,
        applications=applications,
    )


def mentorship_start(snapshot: IssueSnapshot, config: Config) -> datetime | None:
    """When the application's mentorship began (its first pairing), as its facts date it
    (``Facts.start``): for a closed application, whose other facts nothing needs."""
    roles = roles_of(snapshot, config)
    return mentor_since(roles.snapshot.events, roles.is_pairing)


def _latest_due(
    start: datetime | None, config: Config, stops: list[Interval], now: datetime
) -> tuple[int, datetime | None]:
    """The latest period due by now, and when it fell due: nothing is due before the first
    pairing, or before the first period."""
    if start is None:
        return 0, None
    step = config.cadence.checkin_months
    latest = latest_due_period(start, step, stops, now)
    return latest, due_time(start, latest * step, stops) if latest else None


def _last_pause(
    snapshot: IssueSnapshot,
    posted: tuple[BotComment, ...],
    pauses: list[Interval],
    config: Config,
) -> LastPause | None:
    """The latest pause, its end and its date, read off the timeline and the bot's replies."""
    if not pauses:
        return None
    since, end = pauses[-1]
    names = {n.lower() for n in config.labels.names("paused")}
    off = [
        e
        for e in snapshot.events
        if e.kind == "unlabeled" and e.at == end and (e.label or "").lower() in names
    ]
    if not off and not snapshot.issue.has_label(config.labels.paused):
        return None  # on under a name no longer known: nothing to go by
    by_bot = bool(off) and (off[-1].actor or "").lower() == config.bot.lower()
    until = pause_date(posted, since, end)
    return LastPause(since, end if off else None, by_bot, until)


def _template_context(roles: IssueRoles, config: Config, number: int) -> dict[str, object]:
    """What every template of this issue may use."""
    return {
        "mentee": roles.mentee,
        "mentors": list(roles.mentors),
        "coordinators": list(config.coordinators),
        "program": config.program,
        "handbooks": config.handbooks,
        "cadence": config.cadence,
        "participants_file": config.participants,
        "issue_number": number,
        "unregistered": [],
        "registration_url": None,
    }


class _Draft:
    """The actions one plan collects, phase by phase; a comment already posted is skipped."""

    def __init__(self, facts: Facts, renderer: Renderer) -> None:
        self.facts = facts
        self.renderer = renderer
        self.actions: list[Action] = []
        self.overdue_since: datetime | None = None
        self.waiting_days: int | None = None
        # What the labels will say once this plan's command replies are applied.
        self.paused = facts.paused
        self.ready = facts.ready
        self.until = _until(facts)  # the day the pause ends by itself, while paused
        self.waiting = False  # commands left for a later run
        self.ended: date | None = None  # a dated pause ended: said last (_pause_ends)
        self.held_note = False  # the waiting note waits for the past year's figure
        self.past_wait: PastWait | None = PastWait()  # PlanContext's

    def comment(self, kind: Kind, key: object | None = None, **extra: object) -> None:
        text_key = None if key is None else str(key)
        if (kind, text_key) in self.facts.marked:
            return
        body = self.renderer.comment(kind, key, **{**self.facts.context, **extra})
        self.actions.append(PostComment(self.facts.issue.number, kind, text_key, body))

    def labels(self, wanted: str | None) -> None:
        self.actions += _status_labels(self.facts.issue, self.facts.config, wanted)

    def finish(self, state: State) -> Plan:
        if self.ended is not None:  # last: once the status label says so too
            f = self.facts
            key = f.last_pause.key if f.last_pause else None
            self.comment(Kind.PAUSE_ENDED, key, until=self.ended, **_next_due_values(f))
        return Plan(
            self.status(state), tuple(self.actions), self.overdue_since, self.facts, self.held_note
        )

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
            f.issue.number,
            f.mentee,
            f.mentors,
            state,
            f.start,
            latest,
            nxt,
            f.missing,
            age,
            self.waiting_days if state == State.AWAITING_MENTOR else None,
        )


@dataclass(frozen=True, kw_only=True)
class PlanContext:
    """What a run plans each application issue with: the same for every issue of the run.

    ``graduates`` are the entries of participants.yml, keyed by lower-case login;
    ``just_added`` says this run follows the change that added them, made by merging
    ``pull_request``, whose description's closing keywords name ``closes``. ``site`` is the
    repository the run works on (for links); ``registered`` the lower-case logins with an
    open mentor registration, None when the run did not read them; ``applications`` the
    open application issues by mentee (lower-case login), None when not read.
    """

    config: Config
    graduates: Mapping[str, Participant]
    now: datetime
    renderer: Renderer
    pull_request: int | None = None
    just_added: bool = False
    closes: tuple[int, ...] = ()
    site: Site | None = None
    registered: frozenset[str] | None = None
    applications: Mapping[str, tuple[int, ...]] | None = None
    # The logins participants.yml named when each application was opened (lower case),
    # for those an entry without `issue:` may graduate; an issue missing here was not read.
    listed_at_opening: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # participants.yml could not be trusted this run: no graduation is decided either way.
    graduates_unread: bool = False
    # The past year's pairing times for the waiting note; None: not worked out this run,
    # and the note, when due, is held back (``Plan.held_note``) until they are.
    past_wait: PastWait | None = field(default_factory=PastWait)


def plan(snapshot: IssueSnapshot, context: PlanContext) -> Plan:
    """Every action one application issue needs now."""
    c = context
    f = facts(
        snapshot,
        c.config,
        c.now,
        site=c.site,
        registered=c.registered,
        applications=c.applications,
    )
    draft = _Draft(f, c.renderer)
    draft.past_wait = c.past_wait
    # First, whatever else is due: a comment two racing runs both posted goes.
    draft.actions += duplicate_deletions(f.issue.number, f.posted)
    graduated = _graduation_due(draft, c)
    if graduated is not None:
        return graduated
    if f.issue.state != "open":
        _commands(draft)
        _closed_without_graduating(draft, c)
        return draft.finish(State.CLOSED)
    _assign_coordinators(draft)
    if _commands(draft):
        return _with_the_pairing(snapshot, c, tuple(draft.actions))
    _pause_ends(draft)
    _long_pause(draft)
    return _open_mentorship(draft)


def _graduation_due(draft: _Draft, context: PlanContext) -> Plan | None:
    """The graduation a participants.yml entry concludes this issue with, if one does."""
    f = draft.facts
    entry = context.graduates.get(f.mentee.lower())
    if entry is None or _concludes(entry, f, context) is not True:
        return None
    if context.just_added and _closed_by_a_merge_just_now(entry, f, context.pull_request):
        return draft.finish(State.CLOSED)  # its own `issues.closed` run graduates it
    return _graduation(draft, entry, context.pull_request)


def _with_the_pairing(
    snapshot: IssueSnapshot, context: PlanContext, answered: tuple[Action, ...]
) -> Plan:
    """A coordinator's /mentor accepted now, and every command answered (``answered``): the
    rest is planned as the next run will read the issue, this run's actions applied, so
    the pairing comes with the reply, not a run later (their mentoring counts from their
    /mentor)."""
    later = plan(_as_posted(snapshot, answered, context.config.bot, context.now), context)
    return replace(later, actions=(*answered, *later.actions))


def _open_mentorship(draft: _Draft) -> Plan:
    """An open application, its commands answered: intake, the wait for a mentor, the
    pairing, then the running clock's check-ins, reviews and reminders."""
    f = draft.facts
    if not _intake(draft):
        return draft.finish(State.NEEDS_INFO)
    if not f.mentors:  # ready or not: check-ins wait for a mentor
        return _waiting(draft)
    # The status label first: "meet your mentor" comes once the issue says so too.
    draft.labels(None if draft.paused else f.config.labels.active)
    _pairing(draft)
    if draft.paused:
        return draft.finish(State.PAUSED)
    _periodic(draft)
    _review_reminder(draft)
    _ready_reminder(draft)
    return draft.finish(State.ACTIVE)


# --- phases, in the order a mentorship meets them -------------------------------------


def _graduation(draft: _Draft, entry: Participant, pull_request: int | None) -> Plan:
    """No paused, ready or active label, the issue closed as completed, then the
    congratulations (which say it is closed), then the graduated label.

    The label comes last: a closed application without it is revisited by the runs
    that follow (see ``cli.reading``), so a congratulation lost after the close is
    posted by the next run.
    """
    f = draft.facts
    labels = f.config.labels
    ended = (labels.paused, labels.ready, *(lb for lb in managed_labels(f.config)))
    stale = tuple(lb for lb in ended if lb != labels.graduated and f.issue.has_label(lb))
    if stale:
        draft.actions.append(RemoveLabels(f.issue.number, stale))
    if f.issue.state == "open":
        draft.actions.append(Close(f.issue.number, "completed"))
    _commands(draft, closing=True)  # after the close: their replies say it is closed
    draft.comment(
        Kind.GRADUATED,
        entry=participant_entry(entry),
        pull_request=pull_request or closing_pull_request(f.snapshot),
    )
    if not f.issue.has_label(labels.graduated):
        draft.actions.append(AddLabels(f.issue.number, (labels.graduated,)))
    return draft.finish(State.GRADUATED)


def _closed_without_graduating(draft: _Draft, context: PlanContext) -> None:
    """One note on an application a merged pull request closed as completed without
    graduating it (``Closes #2`` while the entry says ``issue: 1``, or no entry at all),
    and its active label gone: the mentorship ended, but nobody graduated."""
    f = draft.facts
    issue = f.issue
    if context.graduates_unread:
        return  # whether it graduated is told once the file can be read
    if issue.state_reason not in ("completed", None) or (Kind.GRADUATED, None) in f.marked:
        return
    closer = closing_pull_request(f.snapshot)
    if closer is None or issue.has_label(f.config.labels.graduated):
        return
    entry = context.graduates.get(f.mentee.lower())
    if entry is not None and _concludes(entry, f, context) is None:
        return  # not decided yet: what it needs was not read this run
    draft.comment(
        Kind.CLOSED_NOT_GRADUATED,
        pull_request=closer,
        entry_issue=entry.issue if entry is not None else None,
        listed=entry is not None,
        draft_entry=_draft_entry(f.answers, f.mentee, f.mentors, issue.number),
    )
    if issue.has_label(f.config.labels.active):
        draft.actions.append(RemoveLabels(issue.number, (f.config.labels.active,)))


def _assign_coordinators(draft: _Draft) -> None:
    """A new application: coordinators assigned once (the bot never assigns twice).

    Once the bot has commented it has handled the application: a coordinator who was
    there already, or whom GitHub silently refused to assign, is not assigned again later.
    """
    f = draft.facts
    if f.posted:  # nearly every run: the bot has handled the application
        return
    bot = f.config.bot.lower()
    if any(e.kind == "assigned" and (e.actor or "").lower() == bot for e in f.snapshot.events):
        return
    assignees = {a.lower() for a in f.issue.assignees}
    wanted = tuple(c for c in f.config.coordinators if c.lower() not in assignees)
    if wanted:
        draft.actions.append(Assign(f.issue.number, wanted))


def _commands(draft: _Draft, closing: bool = False) -> bool:
    """The labels the commands not answered yet set, then one reply to each; whether a
    coordinator's /mentor made them a mentor now, with no command left for a later run."""
    f = draft.facts
    if not f.asked.pending:  # nearly every run: nothing to answer, and the labels stay
        draft.paused, draft.ready, draft.until = f.paused, f.ready, _until(f)
        return False
    shown = f.snapshot
    if closing and f.issue.state == "open":  # graduating now: commands no longer apply
        shown = replace(shown, issue=replace(f.issue, state="closed"))
    roles = Roles.of(f.mentee, f.mentors, f.roles.coordinators, f.issue.assignees)
    given = Answering(
        f.config,
        roles,
        draft.renderer,
        f.context,
        paired=bool(f.mentors) and f.start is not None,
        entry=lambda: _draft_entry(f.answers, f.mentee, f.mentors, f.issue.number),
        site=f.site,
        until=_until(f),
        next_due=_next_due_values(f),
    )
    result = answer(shown, f.asked, given)
    draft.actions += result.actions
    draft.paused, draft.ready, draft.until = result.paused, result.ready, result.until
    draft.waiting = result.waiting > 0
    return bool(result.new_mentors) and result.waiting == 0


def _as_posted(
    snapshot: IssueSnapshot, actions: tuple[Action, ...], bot: str, now: datetime
) -> IssueSnapshot:
    """The issue as a run will read it once ``actions`` are applied: comments posted as
    the bot's of ``now`` (ids below zero: not GitHub's), comments deleted, people
    assigned by the bot, labels added and removed (what a plan does before its pairing)."""
    issue = snapshot.issue
    labels, assignees = list(issue.labels), list(issue.assignees)
    comments, events = list(snapshot.comments), list(snapshot.events)
    for action in actions:
        if isinstance(action, PostComment):
            comments.append(Comment(-1 - len(comments), bot, action.body, now))
        elif isinstance(action, DeleteComment):
            comments = [c for c in comments if c.id != action.comment_id]
        elif isinstance(action, Assign):
            for login in action.users:
                assignees.append(login)
                events.append(Event("assigned", now, actor=bot, assignee=login))
        elif isinstance(action, AddLabels):
            labels += [n for n in action.labels if n not in labels]
        elif isinstance(action, RemoveLabels):
            labels = [n for n in labels if n.lower() not in {r.lower() for r in action.labels}]
        else:  # nothing else comes before the pairing; if it ever does, it must be shown
            raise TypeError(f"_as_posted cannot show {type(action).__name__}")
    shown = replace(issue, labels=tuple(labels), assignees=tuple(assignees))
    return IssueSnapshot(shown, tuple(events), tuple(comments))


def _intake(draft: _Draft) -> bool:
    """Welcome a complete application, or say what is missing (False: still missing).

    The needs-info comment is kept current in place: after an edit that leaves answers
    missing it lists exactly those, with no new comment.
    """
    f = draft.facts
    welcomed = (Kind.WELCOME, None) in f.marked
    if f.missing and not welcomed and not f.mentors:
        posted = next((c for c in f.posted if c.kind == Kind.NEEDS_INFO), None)
        current = None
        if posted is not None:
            current = next((c for c in f.snapshot.comments if c.id == posted.comment_id), None)
        if current is None:
            draft.comment(Kind.NEEDS_INFO, missing=list(f.missing))
        else:
            body = draft.renderer.comment(
                Kind.NEEDS_INFO, None, **{**f.context, "missing": list(f.missing)}
            )
            if current.body.strip() != body.strip():
                draft.actions.append(
                    EditComment(f.issue.number, current.id, Kind.NEEDS_INFO, None, body)
                )
        _duplicate(draft)
        draft.labels(f.config.labels.needs_info)
        return False
    if f.mentors and all(_met_late(f, m) for m in f.mentors):
        return True  # under way before the bot: "a coordinator looks for a mentor" is past
    draft.comment(Kind.WELCOME, answers_complete=not f.missing)
    named = _named_applicant(f)
    if named:
        draft.comment(Kind.NAMES_OTHER, named=named)
    _duplicate(draft)
    return True


def _duplicate(draft: _Draft) -> None:
    """A later open application by the same person: the coordinators are told, once, on it,
    with links to the earlier ones (the first application itself gets no note)."""
    f = draft.facts
    if f.applications is None:
        return
    earlier = sorted(n for n in f.applications.get(f.mentee.lower(), ()) if n < f.issue.number)
    if earlier:
        draft.comment(Kind.DUPLICATE, others=earlier)


def _named_applicant(f: Facts) -> str | None:
    """The other login an application names in the mentee field when that is not honoured
    (someone other than a coordinator opened it): the coordinators are told, once."""
    field_id = f.config.application.mentee_field
    value = f.answers.get(field_id) if field_id else None
    author = f.issue.author
    if not isinstance(value, str) or f.mentee.lower() != author.lower():
        return None
    handle = value.strip().removeprefix("@").strip()
    return handle if is_login(handle) and handle.lower() != author.lower() else None


def _waiting(draft: _Draft) -> Plan:
    """No mentor: say so once when the last one left over ``HANDOVER_GRACE`` ago (a mentor
    back by then was a handover: nothing to say); one kind note to a long wait."""
    f = draft.facts
    draft.labels(None if draft.paused else f.config.labels.awaiting_mentor)  # then the notice
    gaps = unpaired_intervals(f.snapshot.events, f.is_pairing, f.now)
    # Still open: the last mentor left, and nobody came in the grace period.
    if gaps and gaps[-1][1] == f.now and f.now - gaps[-1][0] >= HANDOVER_GRACE:
        draft.comment(Kind.UNPAIRED, len(gaps))
    # The wait starts with the welcome (time in "needs info" was not the coordinators'
    # wait) and stops while paused or closed. Coordinators are reminded in the run's
    # summary, not here: nothing on the applicant's issue pings them again and again.
    welcomed = next((c.at for c in f.posted if c.kind == Kind.WELCOME), f.now)
    not_waiting = list(f.pauses) + closed_intervals(f.snapshot.events, f.now)
    wait = timedelta(days=f.config.cadence.mentor_wait_days).total_seconds()
    waited = active_age(welcomed, not_waiting, f.now)
    draft.waiting_days = int(waited // 86400)
    if f.start is None and not draft.paused and waited >= wait:
        _waiting_note(draft)
    return draft.finish(State.PAUSED if draft.paused else State.AWAITING_MENTOR)


def _waiting_note(draft: _Draft) -> None:
    """The one note to a long wait, with what became of the last year's waits as long as
    this one when there are enough of them; held back while those are not worked out (an
    event run: the next scheduled run posts it)."""
    f = draft.facts
    if (Kind.WAITING, None) in f.marked:
        return
    if draft.past_wait is None:
        draft.held_note = True
        return
    days = draft.waiting_days or 0
    long = draft.past_wait.beyond(days)
    values = long.values() if long else dict.fromkeys(("past_waits", "past_paired"))
    draft.comment(Kind.WAITING, **{"waited_days": days, "past_median_days": None, **values})


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
    coming = f.latest_period + 1
    every = f.config.cadence.review_every
    registration = f.config.mentor_registration
    invite: list[str] = []
    registration_url = None
    if registration is not None and f.site is not None:
        known = f.registered
        invite = [m for m in new_mentors if known is None or m.lower() not in known]
        registration_url = f.site.new_issue_url(registration.form) if invite else None
    draft.comment(
        Kind.PAIRED,
        ",".join(m.lower() for m in new_mentors),
        new_mentors=new_mentors,
        unregistered=invite,
        registration_url=registration_url,
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

    A mentor who joins a mentorship already running (a replacement, or a second mentor)
    met it late only once two due times have passed since they came: a lost event run
    and a due time the next day would otherwise leave them without their introduction.
    """
    if f.start is None or f.latest_due is None:
        return False
    since = max(
        (e.at for e in f.pairings if _same(e.assignee, mentor)),
        default=f.start,
    )
    # Due times only grow with the period: one fell due since they came if the latest did.
    if since <= f.start or not any(c.at < since for c in f.posted):
        return f.latest_due > since  # not joined under the bot: the plain rule
    return f.latest_period >= 2 and f.due_at(f.latest_period - 1) > since


def _same(login: str | None, other: str) -> bool:
    return (login or "").lower() == other.lower()


def _periodic(draft: _Draft) -> None:
    """Check-ins and reviews: only the latest period that is due, once."""
    f = draft.facts
    period = f.latest_period
    months = period * f.step
    last = f.last
    if period < 1 or (last is not None and int(last.key or 0) >= months):
        return
    draft.overdue_since = f.latest_due
    # Once the mentee is marked ready there are no more reviews; the check-ins carry on.
    draft.comment(
        Kind.CHECKIN if draft.ready else period_kind(period, f.config),
        months,
        period=period,
        months=months,
        entry=_draft_entry(f.answers, f.mentee, f.mentors, f.issue.number),
    )


def _review_reminder(draft: _Draft) -> None:
    """A review the mentors have not answered within the reply window: one reminder."""
    f = draft.facts
    reviews = [c for c in f.periodic if c.kind == Kind.REVIEW]
    if not reviews or draft.ready:
        return
    review = max(reviews, key=lambda c: int(c.key or 0))
    if review is not f.last:  # a check-in came after it
        return
    window = timedelta(days=f.config.cadence.review_reply_days)
    waited = active_age(review.at, list(f.stops), f.now)  # the window stops with the clock
    if waited < window.total_seconds():
        return
    # Any mentor of this mentorship may answer, a previous one included.
    paired_ever = {(e.assignee or "").lower() for e in f.pairings}
    answered = any(
        c.created_at > review.at and c.author.lower() in paired_ever for c in f.snapshot.comments
    )
    if answered:
        return
    if (Kind.REVIEW_REMINDER, review.key) not in f.marked:
        draft.overdue_since = draft.overdue_since or review.at + window
    months = int(review.key or 0)
    draft.comment(
        Kind.REVIEW_REMINDER, review.key, period=months // f.step, months=months, asked=review.at
    )


def _ready_reminder(draft: _Draft) -> None:
    """Marked ready, not graduated after ready_reminder_days of running clock: one reminder
    to the mentee, per time the label was put on."""
    f = draft.facts
    if not (draft.ready and f.ready):
        return
    # Old `labeled` events keep the name the label had then: its former names count too.
    names = {name.lower() for name in f.config.labels.names("ready")}
    added = [
        e.at for e in f.snapshot.events if e.kind == "labeled" and (e.label or "").lower() in names
    ]
    if not added:
        return
    days = f.config.cadence.ready_reminder_days
    if active_age(max(added), list(f.stops), f.now) >= days * 86400:
        draft.comment(Kind.READY_REMINDER, len(added), days=days)


def _until(f: Facts) -> date | None:
    """The day the pause in force (the label on, as read) ends by itself, if dated."""
    last = f.last_pause
    return last.until if f.paused and last is not None and last.end is None else None


def _next_due_values(f: Facts) -> dict[str, object]:
    """The next check-in or review if the clock runs from now on, as the templates name it:
    ``next_checkin``, when it falls due (None without a mentor: the check-ins start with
    the pairing; the first run after that time posts it), and ``next_is_review``."""
    if f.start is None or not f.mentors:
        return {"next_checkin": None, "next_is_review": False}
    k = f.latest_period + 1
    # Once the mentee is marked ready there are no more reviews (_periodic).
    review = not f.ready and period_kind(k, f.config) == Kind.REVIEW
    return {"next_checkin": f.due_at(k), "next_is_review": review}


def _pause_ends(draft: _Draft) -> None:
    """A dated pause on its day (UTC), at the first run on or after it: the label off, then
    (last, :meth:`_Draft.finish`) one comment that says so, keyed by the pause. A comment
    lost after the label came off is posted by the next run; a pause ended otherwise
    (``/resume``, a person taking the label off, a new ``/pause`` date) gets none."""
    f = draft.facts
    last = f.last_pause
    if last is None or draft.waiting:
        return  # commands still to answer come first: they may change the pause
    ended = _ended_by_date(f, last) if last.end is not None else None
    if draft.paused and f.paused and last.end is None:
        due = draft.until is not None and f.now.astimezone(UTC).date() >= draft.until
        if not due:
            return
        draft.actions.append(RemoveLabels(f.issue.number, (f.config.labels.paused,)))
        draft.paused, draft.until, ended = False, None, draft.until
    if not draft.paused:
        draft.ended = ended


def _ended_by_date(f: Facts, last: LastPause) -> date | None:
    """The date a pause now over ended on by itself (the bot took the label off on or after
    it, and nobody had asked for ``/resume`` with the right to), or None."""
    if last.end is None or not last.by_bot or last.until is None or f.paused:
        return None
    if last.end.astimezone(UTC).date() < last.until:
        return None
    # A /resume the bot refused (a former mentor's, an edited one) ended nothing; one not
    # answered yet may have (its reply lost after the label came off).
    accepted = pausing_accepted(f.posted)
    resumed = any(
        command.name == "resume"
        and last.since <= c.created_at <= last.end
        and (c.id in accepted or c.id not in f.asked.answered)
        for c, command in f.asked.commands
    )
    return None if resumed else last.until


def _long_pause(draft: _Draft) -> None:
    """A pause without a date, on for ``cadence.long_pause_days``: one note to the mentee
    and the mentors, asking whether to resume or to close; once per pause."""
    f = draft.facts
    last = f.last_pause
    if not (draft.paused and f.paused) or last is None or last.end is not None:
        return
    days = f.config.cadence.long_pause_days
    if draft.until is not None or f.now - last.since < timedelta(days=days):
        return
    draft.comment(Kind.PAUSE_REMINDER, last.key, since=last.since, days=days)


def _next_due(f: Facts) -> Due | None:
    if f.start is None or not f.mentors or f.paused or f.issue.state != "open":
        return None
    k = f.latest_period + 1
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
    shown = _one_line(name) if isinstance(name, str) and name.strip() else mentee
    return _entry_yaml(shown, mentee, mentors, number)


@lru_cache(maxsize=1024)
def _entry_yaml(name: str, mentee: str, mentors: tuple[str, ...], number: int) -> str:
    """Remembered: every check-in quotes the entry, and each run plans every mentorship
    again with the same one; ``yaml.safe_dump`` is slow."""
    entry = {"name": name, "github": mentee, "mentors": list(mentors), "issue": number}
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


def _closed_by_a_merge_just_now(entry: Participant, f: Facts, pull_request: int | None) -> bool:
    """Whether a run of the graduation workflow (the merge, or the push it made) leaves
    this issue to the `issues.closed` run of the close the merge made.

    A merge whose closing keyword closes the issue starts that run too, in the issue's own
    concurrency group, not the graduation workflow's: both would post the congratulations
    at once, and both pings would reach the mentee and mentor before the next run deletes
    one. That run graduates the issue on the same entry (``issue: N``, read on the default
    branch). Only for a close within the last hour: an older close started its run long
    ago, and if GitHub lost that run, the graduation run (or the next scheduled one) acts.
    """
    if entry.issue not in (None, f.issue.number) or (Kind.GRADUATED, None) in f.marked:
        return False
    closer = closing_pull_request(f.snapshot) if f.issue.state == "closed" else None
    if closer is None or (pull_request is not None and closer != pull_request):
        return False  # not closed by this merge: its close's run came and went, or none
    close = max((e.at for e in f.snapshot.events if e.kind == "closed"), default=None)
    return close is not None and f.now - close < _CLOSE_RUN_WINDOW


def _concludes(entry: Participant, f: Facts, context: PlanContext) -> bool | None:
    """Whether a participants.yml entry concludes this issue, and not another of theirs;
    None when the run did not read what it takes to tell.

    Level-triggered: any run decides it, scheduled runs included, so a run lost to an
    outage, a failure or a merge with the workflows' own token (which starts no run) is
    caught up by the next one. Only a mentorship that had a mentor at some point
    graduates (nobody graduates themself), and never a declined one (closed as not
    planned or as a duplicate). ``issue: N`` must name this issue. Without it, the entry
    concludes the mentee's application if it was not in the file when the application
    was opened (an old graduate's entry never graduates their new application), and if
    it is their only open one, or the one the merged pull request's closing keyword names.
    """
    issue = f.issue
    if (Kind.GRADUATED, None) in f.marked:
        return True  # posted already: finish the labels and the close
    if f.start is None or (issue.state == "closed" and issue.state_reason in _DECLINED):
        return False
    if entry.issue is not None:
        return entry.issue == issue.number
    listed = context.listed_at_opening.get(issue.number)
    if listed is None:
        return None
    if entry.github.casefold() in listed:
        return False
    if issue.number in context.closes or _closed_by_a_pull_request(f):
        return True  # the one its merge's closing keyword names
    if context.applications is None:
        return None
    return not [n for n in context.applications.get(f.mentee.lower(), ()) if n != issue.number]


def _closed_by_a_pull_request(f: Facts) -> bool:
    """Whether the issue is closed as completed by a merged pull request's closing keyword
    (the close's own run does not have that pull request's ``closes``)."""
    closed = f.issue.state == "closed" and f.issue.state_reason in ("completed", None)
    return closed and closing_pull_request(f.snapshot) is not None


def graduation_candidate(snapshot: IssueSnapshot, context: PlanContext) -> bool:
    """Whether an entry without ``issue:`` names this application's mentee as listed, so
    the plan needs the file as it stood when the application was opened (and the
    mentee's open applications). A cheap look at the issue alone, before its plan."""
    issue = snapshot.issue
    if issue.has_label(context.config.labels.graduated) or not context.graduates:
        return False
    if issue.state == "closed" and issue.state_reason in _DECLINED:
        return False
    # The author, and the mentee the form names on an issue opened for someone: either
    # may be the mentee by the full rule (a coordinator's own entry must not hide it).
    logins = {issue.author.lower()}
    if context.config.application.mentee_field:
        logins.add(listed_mentee(issue, context.config).lower())
    entries = (context.graduates.get(login) for login in logins)
    return any(entry is not None and entry.issue is None for entry in entries)


# Closed for these reasons, an application did not end in graduation.
_DECLINED = ("not_planned", "duplicate")


# --- signs of life -----------------------------------------------------------------------
#
# The program asks for no reply when all is well: a mentee who only reacts to the
# check-ins, a mentor who only answers the reviews, are doing what it asks. A sign of life
# is a comment by the mentee or a mentor, or their reaction (any emoji) on a comment; a
# mentorship is quiet too long only when none came for longer than a review period and
# its reply days, the span within which a mentor who follows the program answers.

# The bot's comments whose reactions count: those that ask for one.
_ACKNOWLEDGED = (Kind.PAIRED, Kind.CHECKIN, Kind.REVIEW, Kind.REVIEW_REMINDER)


def quiet_until(since: datetime, cadence: Cadence) -> datetime:
    """When a mentorship without a sign of life since ``since`` has been quiet too long: a
    review period (``review_every`` check-ins) and its reply days later, or
    ``stall_days`` later if that is later still (the key is now a floor)."""
    # Equal instants in two zones hash alike but add months differently: the zone is part
    # of the key.
    return _quiet_until(since, since.tzinfo, cadence)


@lru_cache(maxsize=4096)
def _quiet_until(since: datetime, zone: object, cadence: Cadence) -> datetime:
    """Remembered: every run asks again about each check-in and review of every open
    application (which of them may still get a reaction that counts)."""
    period = add_months(since, cadence.review_every * cadence.checkin_months)
    return max(
        period + timedelta(days=cadence.review_reply_days),
        since + timedelta(days=cadence.stall_days),
    )


def mentee_and_mentors(roles: IssueRoles) -> frozenset[str]:
    """Whose signs of life count (lower-case logins): the mentee, as the roles name them
    (the form's field when a coordinator applied for them), and every mentor, ever."""
    mentors = {e.assignee or "" for e in roles.snapshot.events if roles.is_pairing(e)}
    return frozenset(who.lower() for who in {roles.mentee, *roles.mentors, *mentors} if who)


def reactions_wanted(snapshot: IssueSnapshot, config: Config, now: datetime) -> frozenset[int]:
    """The bot's comments whose reactions a run reads (their ids), on an open issue: its
    pairing, check-ins, reviews and reminders posted within one quiet span before ``now``
    (a reaction on an older one could not keep it off the dashboard for long); only the
    latest of them when the mentee or a mentor has commented within that span (a comment
    there keeps it off already, but a 👎 on the latest needs the coordinators).
    Each comment costs a request over REST when it has a reaction, a hundredth of a
    query over GraphQL. The people are those of :func:`roles_of`, as on the dashboard."""
    if snapshot.issue.state != "open":
        return frozenset()
    cadence = config.cadence
    posted = bot_comments(snapshot.comments, config.bot)
    asking = [c for c in posted if c.kind in _ACKNOWLEDGED]
    recent = [c for c in asking if quiet_until(c.at, cadence) > now]
    if not recent:
        return frozenset()
    asked = Asked.of(snapshot, config.bot, posted)
    people = mentee_and_mentors(roles_of(snapshot, config, asked=asked)) - {config.bot.lower()}
    spoke = [c.created_at for c in snapshot.comments if c.author.lower() in people]
    if spoke and quiet_until(max(spoke), cadence) > now:
        return frozenset({max(recent, key=lambda c: (c.at, c.comment_id)).comment_id})
    return frozenset(c.comment_id for c in recent)


def last_sign_of_life(
    comments: tuple[Comment, ...], people: frozenset[str], bot: str
) -> datetime | None:
    """The latest comment or reaction (any emoji: a 👎 is a sign of life too) by one of
    ``people`` (lower-case logins), the bot and other bots left out; None when there was
    none."""
    bot = bot.lower()
    people = people - {bot}
    times = [c.created_at for c in comments if c.author.lower() in people]
    times += [r.at for c in comments for r in c.reactions if r.by.lower() in people]
    return max(times, default=None)


# Reactions that say something is wrong (GitHub's names: 👎 and 😕).
WORRIED = ("-1", "confused")


@dataclass(frozen=True)
class Worry:
    """A 👎 or 😕 by the mentee or a mentor on the bot's latest comment that asks for a
    reaction: who, which, on what (the comment's kind and key), and when."""

    by: str
    content: str
    kind: str
    key: str | None
    at: datetime


def worry(
    comments: tuple[Comment, ...],
    posted: Sequence[BotComment],
    people: frozenset[str],
    bot: str,
) -> Worry | None:
    """The latest 👎 or 😕 by one of ``people`` on the bot's latest pairing, check-in,
    review or reminder (``posted``: the bot's marked comments among ``comments``, as
    ``bot_comments`` reads them), unless one of them has commented since (the talk has
    begun); None otherwise. The next such comment of the bot's asks afresh."""
    asking = [c for c in posted if c.kind in _ACKNOWLEDGED]
    if not asking:
        return None
    latest = max(asking, key=lambda c: (c.at, c.comment_id))
    people = people - {bot.lower()}
    on = next((c.reactions for c in comments if c.id == latest.comment_id), ())
    worried = [r for r in on if r.content in WORRIED and r.by.lower() in people]
    if not worried:
        return None
    last = max(worried, key=lambda r: r.at)
    if any(c.created_at > last.at and c.author.lower() in people for c in comments):
        return None
    return Worry(last.by, last.content, latest.kind, latest.key, last.at)


def pause_ends_on(f: Facts) -> date | None:
    """The day the pause in force ends by itself, if it has a date (None: no date, or no
    pause in force): a dated pause is no long pause."""
    return _until(f)
