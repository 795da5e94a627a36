"""The reconciler's brain: from what an issue shows now to what should happen.

``plan`` is pure: no network, no clock. Given the same snapshot, config, graduates and
time it returns the same actions, so running it twice (an event run and the schedule at
the same instant, a retry after a failure) never does anything twice: whatever the first
run did is on the issue by the time the second one reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
from mentoring.core.logins import is_login
from mentoring.core.model import (
    Action,
    AddLabels,
    Assign,
    Close,
    Event,
    IssueSnapshot,
    PostComment,
    RemoveLabels,
    is_bot_login,
)
from mentoring.core.participants import Participant
from mentoring.core.render import Renderer
from mentoring.core.settings import Config

# States, as the summary and the status labels show them.
NEEDS_INFO = "needs info"
AWAITING_MENTOR = "awaiting mentor"
ACTIVE = "active"
PAUSED = "paused"
GRADUATED = "graduated"
CLOSED = "closed"


@dataclass(frozen=True)
class Due:
    """A check-in or review: its period number, kind and due time."""

    period: int
    kind: str
    at: datetime


@dataclass(frozen=True)
class Mentorship:
    """What an application issue says about its mentorship right now."""

    number: int
    mentee: str
    mentors: tuple[str, ...]
    state: str
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


def mentee_of(snapshot: IssueSnapshot, config: Config, answers: Mapping[str, object]) -> str:
    """The applicant: the issue's author, or the handle in the configured form field when a
    coordinator opened the issue for someone. Anyone else naming another person there
    would make the bot ping, and later graduate, whoever they named: that is ignored.
    """
    field_id = config.application.mentee_field
    author = snapshot.issue.author.lower()
    # A coordinator now, or then: the bot assigned them when the application arrived.
    was_coordinator = latest_assigners(snapshot.events).get(author) == config.bot.lower()
    if field_id and (author in {c.lower() for c in config.coordinators} or was_coordinator):
        value = answers.get(field_id)
        if isinstance(value, str):
            handle = value.strip().removeprefix("@").strip()
            if is_login(handle):
                return handle
    return snapshot.issue.author


def is_mentor(login: str, mentee: str, config: Config) -> bool:
    """Mentors are assignees who are not coordinators, not the mentee, and not bots."""
    low = login.lower()
    return (
        low not in {c.lower() for c in config.coordinators}
        and low != mentee.lower()
        and not is_bot_login(login)
    )


def mentors_of(
    assignees: Iterable[str],
    mentee: str,
    config: Config,
    assigners: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The issue's mentors: its assignees who count as mentors, in assignment order.

    ``assigners`` (login → who assigned them last, from the timeline) leaves out people
    the bot itself assigned: coordinators it assigned stay coordinators on the issue even
    after they leave the config's list.
    """
    bot_assigned = {
        login for login, actor in (assigners or {}).items() if actor == config.bot.lower()
    }
    return tuple(
        a for a in assignees if is_mentor(a, mentee, config) and a.lower() not in bot_assigned
    )


def period_kind(period: int, config: Config) -> str:
    """Every ``review_every``-th period is a progress review, the others check-ins."""
    return "review" if period % config.cadence.review_every == 0 else "checkin"


def clock_stops(
    snapshot: IssueSnapshot, config: Config, now: datetime, is_pairing: Callable[[Event], bool]
) -> list[Interval]:
    """Intervals when the clock stood still: paused, closed, or with no mentor assigned."""
    events = snapshot.events
    return (
        label_intervals(events, config.labels.paused, now)
        + closed_intervals(events, now)
        + unpaired_intervals(events, is_pairing, now)
    )


def plan(
    snapshot: IssueSnapshot,
    config: Config,
    graduates: Mapping[str, Participant],
    now: datetime,
    renderer: Renderer,
    pull_request: int | None = None,
    graduates_just_added: bool = False,
) -> Plan:
    """Every action one application issue needs now (graduates keyed by lower-case login)."""
    issue = snapshot.issue
    form = config.application.form_spec
    answers = forms.parse_body(form, issue.body or "")
    mentee = mentee_of(snapshot, config, answers)

    def mentor(login: str) -> bool:
        return is_mentor(login, mentee, config)

    def is_pairing(event: Event) -> bool:
        """A mentor's assignment: by a person (the bot only ever assigns coordinators)."""
        return (
            event.kind == "assigned"
            and bool(event.assignee)
            and (event.actor or "").lower() != config.bot.lower()
            and mentor(event.assignee or "")
        )

    mentors = mentors_of(issue.assignees, mentee, config, latest_assigners(snapshot.events))
    posted = bot_comments(snapshot.comments, config.bot)
    done = {(c.kind, c.key) for c in posted}
    start = mentor_since(snapshot.events, is_pairing)
    stops = clock_stops(snapshot, config, now, is_pairing)
    pauses = label_intervals(snapshot.events, config.labels.paused, now)
    step = config.cadence.checkin_months
    # Keys of check-ins and reviews are months since pairing (DESIGN), so a change of
    # cadence carries on from the months already covered.
    periodic = [c for c in posted if c.kind in ("checkin", "review") and c.key and c.key.isdigit()]
    last = max(periodic, key=lambda c: int(c.key), default=None)
    paused = issue.has_label(config.labels.paused)
    missing = tuple(
        f.label for f in forms.missing_required(form, answers, config.application.required)
    )
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

    def next_due() -> Due | None:
        if start is None or not mentors or paused or issue.state != "open":
            return None
        k = latest_due_period(start, step, stops, now) + 1
        return Due(k, period_kind(k, config), due_time(start, k * step, stops))

    def status(state: str) -> Mentorship:
        nxt = next_due() if state == ACTIVE else None
        running = start is not None and state in (ACTIVE, PAUSED)
        age = int(active_age(start, stops, now) // 86400) if running else None
        # A check-in this plan posts is the latest one, as the next run will see it.
        posting = [
            BotComment(a.kind, a.key, now, 0)
            for a in actions
            if isinstance(a, PostComment) and a.kind in ("checkin", "review")
        ]
        latest = posting[-1] if posting else last
        return Mentorship(issue.number, mentee, mentors, state, start, latest, nxt, missing, age)

    actions: list[Action] = []

    def comment(kind: str, key: object | None = None, **extra: object) -> None:
        if (kind, None if key is None else str(key)) in done:
            return
        body = renderer.comment(kind, key, **context, **extra)
        actions.append(PostComment(issue.number, kind, None if key is None else str(key), body))

    # Graduation: the mentee is in participants.yml on the default branch.
    graduate = graduates.get(mentee.lower())
    just_added = graduates_just_added
    if graduate is not None and not _graduates_here(graduate, snapshot, done, start, just_added):
        graduate = None
    if graduate is not None:
        comment(
            "graduated",
            entry=participant_entry(graduate),
            pull_request=pull_request or closing_pull_request(snapshot),
        )
        actions += _status_labels(issue, config, config.labels.graduated)
        if issue.state == "open":
            actions.append(Close(issue.number, "completed"))
        return Plan(status(GRADUATED), tuple(actions))

    if issue.state != "open":
        return Plan(status(CLOSED), ())

    # A new application: coordinators assigned once (the bot never assigns twice). Once
    # the bot has commented it has handled the application: a coordinator who was there
    # already, or whom GitHub silently refused to assign, is not assigned again later.
    assigned_by_bot = any(
        e.kind == "assigned" and (e.actor or "").lower() == config.bot.lower()
        for e in snapshot.events
    )
    if not assigned_by_bot and not posted:
        wanted = tuple(
            c for c in config.coordinators if c.lower() not in {a.lower() for a in issue.assignees}
        )
        if wanted:
            actions.append(Assign(issue.number, wanted))

    welcomed = ("welcome", None) in done
    if missing and not welcomed and not mentors:
        comment("needs-info", missing=list(missing))
        actions += _status_labels(issue, config, config.labels.needs_info)
        return Plan(status(NEEDS_INFO), tuple(actions))
    comment("welcome", answers_complete=not missing)

    if not mentors:
        wait = timedelta(days=config.cadence.mentor_wait_days)
        # The wait for a mentor starts with the welcome (now, if it is posted now), not
        # with the issue: time spent in "needs info" was not the coordinators' wait.
        waited = next((c.at for c in posted if c.kind == "welcome"), now)
        # A mentor who left restarts the wait (the last time the issue was left without
        # one), and so does each reminder; paused or closed time is not waiting.
        gaps = unpaired_intervals(snapshot.events, is_pairing, now)
        reminders = [c for c in posted if c.kind == "mentor-reminder"]
        since = max([waited, *(g[0] for g in gaps[-1:]), *(c.at for c in reminders)])
        not_waiting = pauses + closed_intervals(snapshot.events, now)
        if active_age(since, not_waiting, now) >= wait.total_seconds() and not paused:
            comment(
                "mentor-reminder",
                len(reminders) + 1,
                days=int(
                    active_age(max([waited, *(g[0] for g in gaps[-1:])]), not_waiting, now) // 86400
                ),
            )
        actions += _status_labels(issue, config, None if paused else config.labels.awaiting_mentor)
        return Plan(status(PAUSED if paused else AWAITING_MENTOR), tuple(actions))

    # Paired: one comment for each mentor not yet introduced (a replacement gets one too).
    introduced = {
        login.lower() for c in posted if c.kind == "paired" and c.key for login in c.key.split(",")
    }
    new_mentors = [m for m in mentors if m.lower() not in introduced]
    if new_mentors and start is not None:
        key = ",".join(m.lower() for m in new_mentors)
        # The dates still to come: a replacement joins a schedule already running.
        coming = latest_due_period(start, step, stops, now) + 1
        review_period = -(-coming // config.cadence.review_every) * config.cadence.review_every
        comment(
            "paired",
            key,
            new_mentors=new_mentors,
            joining=bool(introduced),
            next_checkin=due_time(start, coming * step, stops),
            next_review=due_time(start, review_period * step, stops),
            started=start,
        )

    if paused:
        actions += _status_labels(issue, config, None)
        return Plan(status(PAUSED), tuple(actions))
    actions += _status_labels(issue, config, config.labels.active)

    # Check-ins and reviews: only the latest period that is due, once.
    period = latest_due_period(start, step, stops, now) if start else 0
    months = period * step
    overdue_since: datetime | None = None
    if period >= 1 and (last is None or int(last.key) < months):
        overdue_since = due_time(start, months, stops)
        kind = period_kind(period, config)
        comment(
            kind,
            months,
            period=period,
            months=months,
            entry=_draft_entry(answers, mentee, mentors, issue.number),
        )

    # A review the mentors have not answered within the reply window: one reminder.
    reviews = [c for c in periodic if c.kind == "review"]
    if reviews:
        review = max(reviews, key=lambda c: int(c.key))
        window = timedelta(days=config.cadence.review_reply_days)
        # Any mentor of this mentorship may answer, a previous one included.
        paired_ever = {(e.assignee or "").lower() for e in snapshot.events if is_pairing(e)}
        answered = any(
            c.created_at > review.at and c.author.lower() in paired_ever for c in snapshot.comments
        )
        waited = active_age(review.at, stops, now)  # the window stops with the clock
        if not answered and waited >= window.total_seconds() and review is last:
            if ("review-reminder", review.key) not in done:
                overdue_since = overdue_since or review.at + window
            comment(
                "review-reminder",
                review.key,
                period=int(review.key) // step,
                months=int(review.key),
                asked=review.at,
            )

    return Plan(status(ACTIVE), tuple(actions), overdue_since)


def managed_labels(config: Config) -> tuple[str, ...]:
    """The status labels the bot sets (the pause label is set by people)."""
    labels = config.labels
    return (labels.needs_info, labels.awaiting_mentor, labels.active, labels.graduated)


def _status_labels(issue, config: Config, wanted: str | None) -> list[Action]:
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


def _graduates_here(
    graduate: Participant,
    snapshot: IssueSnapshot,
    done: set,
    start: datetime | None,
    just_added: bool,
) -> bool:
    """Whether a graduate's entry concludes this issue, and not another of theirs.

    An entry naming its issue concludes only that one. Otherwise it concludes the issue a
    merged pull request's closing keyword closed, or an open mentorship (a mentor was
    assigned) when the entry was just added (this run follows the change that added it)
    or is dated after the issue was opened. An old undated entry would otherwise close a
    past graduate's new application the moment a mentor is assigned.
    """
    issue = snapshot.issue
    if graduate.issue is not None:
        return graduate.issue == issue.number
    if ("graduated", None) in done:
        return True
    if graduate.date is not None and graduate.date < issue.created_at.date():
        return False
    if issue.state != "open":
        # state_reason may be null on a close by a closing keyword (recorded responses).
        closed_done = issue.state_reason in ("completed", None)
        return closed_done and closing_pull_request(snapshot) is not None
    return start is not None and (just_added or graduate.date is not None)
