"""Mentor registrations: welcome each once, keep its labels right, and count mentors' load.

Pure, like the planner: ``plan_registration`` turns one registration issue's snapshot
into actions; ``registered_mentor`` and ``mentor_loads`` give the coordinators' tables
of who can take a mentee, from the registrations and the mentorships of a run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from mentoring.core import away, forms
from mentoring.core.calendar import BotComment, bot_comments
from mentoring.core.healing import duplicate_deletions
from mentoring.core.matching import HELD_FIELD, OTHER, held_roles
from mentoring.core.model import (
    Action,
    AddLabels,
    Issue,
    IssueSnapshot,
    Kind,
    PostComment,
    RemoveLabels,
    is_count,
)
from mentoring.core.planner import managed_labels
from mentoring.core.render import Renderer
from mentoring.core.replies import Asked
from mentoring.core.settings import Config

WELCOME = Kind.REGISTRATION_WELCOME
CAPACITY_FIELD = "capacity"  # the form's dropdown: how many mentees at once
ROLES_FIELD = "roles"


@dataclass(frozen=True)
class RegisteredMentor:
    """One open registration: who offers, where, and how many mentees they can take."""

    login: str
    issue: int
    capacity: int | None  # None when the answer is missing or not a number
    roles: str = ""  # the free text, as written
    held: tuple[str, ...] = ()  # the config's roles they hold, by name in use
    # Away for now: suggested for no application (the /away command's label sets it).
    away: bool = False


@dataclass(frozen=True)
class RegistrationPlan:
    mentor: RegisteredMentor
    actions: tuple[Action, ...] = field(default_factory=tuple)


def registered_mentor(issue: Issue, config: Config) -> RegisteredMentor:
    """The registration's author and their answers (capacity, roles)."""
    reg = config.mentor_registration
    answers = forms.parse_body(reg.form_spec, issue.body) if reg else {}
    raw = answers.get(CAPACITY_FIELD)
    text = raw.strip() if isinstance(raw, str) else ""
    free = answers.get(ROLES_FIELD)
    chosen = [c for c in forms.as_list(answers.get(HELD_FIELD)) if c != OTHER]
    roles = ", ".join([*chosen, free if isinstance(free, str) else ""])
    return RegisteredMentor(
        login=issue.author,
        issue=issue.number,
        capacity=int(text) if is_count(text) else None,
        roles=" ".join(roles.split()).strip(", "),
        held=held_roles(answers, config.roles),
        away=issue.has_label(config.labels.away),
    )


def _stray_labels(issue: Issue, config: Config) -> tuple[str, ...]:
    """Application status labels the bot manages have no meaning on a registration."""
    return tuple(label for label in managed_labels(config) if issue.has_label(label))


def label_actions(issue: Issue, config: Config) -> tuple[Action, ...]:
    """Keep the registration label on, and no application status label."""
    assert config.mentor_registration is not None
    actions: list[Action] = []
    stray = _stray_labels(issue, config)
    if stray:
        actions.append(RemoveLabels(issue.number, stray))
    if not issue.has_label(config.mentor_registration.label):
        actions.append(AddLabels(issue.number, (config.mentor_registration.label,)))
    return tuple(actions)


def plan_registration(
    snapshot: IssueSnapshot, config: Config, renderer: Renderer, now: datetime
) -> RegistrationPlan:
    """A warm welcome, once (a doubled one deleted), and the right labels; then one reply
    to each command, and a dated away ended on its day. A closed registration gets only
    its commands' replies (that it is closed)."""
    issue = snapshot.issue
    mentor = registered_mentor(issue, config)
    if config.mentor_registration is None:
        return RegistrationPlan(mentor)
    mine = bot_comments(snapshot.comments, config.bot)
    if issue.state != "open":
        return RegistrationPlan(mentor, _commands(snapshot, config, renderer, mine, now)[0])
    # A welcome two racing runs both posted goes first, as on applications.
    actions: list[Action] = list(duplicate_deletions(issue.number, mine))
    posted = {(c.kind, c.key) for c in mine}
    if (WELCOME, None) not in posted:
        body = renderer.comment(
            WELCOME,
            mentor=mentor.login,
            coordinators=list(config.coordinators),
            program=config.program,
            handbooks=config.handbooks,
        )
        actions.append(PostComment(issue.number, WELCOME, None, body))
    actions += label_actions(issue, config)
    answered, state = _commands(snapshot, config, renderer, mine, now)
    actions += answered
    return RegistrationPlan(replace(mentor, away=state.away), tuple(actions))


def _commands(
    snapshot: IssueSnapshot,
    config: Config,
    renderer: Renderer,
    mine: list[BotComment],
    now: datetime,
) -> tuple[tuple[Action, ...], away.Away]:
    """The away label's change and one reply to each command not answered yet; then a
    dated away ended on its day (once every command is answered: they may change it)."""
    issue = snapshot.issue
    asked = Asked.of(snapshot, config.bot, mine)
    given = away.Registrant(
        config,
        renderer,
        {
            "registrant": issue.author,
            "coordinators": list(config.coordinators),
            "program": config.program,
        },
        frozenset({issue.author.lower(), *(c.lower() for c in config.coordinators)}),
        tuple(mine),
    )
    state = away.current(snapshot, asked, given, now)
    actions: tuple[Action, ...] = ()
    left = False
    if asked.pending:
        actions, state, left = away.answer(snapshot, asked, given, state)
    if issue.state != "open" or left:
        return actions, state
    ends = away.away_ends(snapshot, asked, given, state, now)
    ends = tuple(a for a in ends if not away.posted_already(mine, a))
    if any(isinstance(a, RemoveLabels) for a in ends):
        state = away.Away(False)
    return actions + ends, state


class Mentored(Protocol):
    """A mentorship as a mentor's load counts it: a plan's, or a dashboard row."""

    @property
    def number(self) -> int: ...
    @property
    def mentors(self) -> tuple[str, ...]: ...
    @property
    def running(self) -> bool:
        """The clock runs: active (ready or not) or paused; not waiting, not ended."""
        ...


def mentor_loads(mentorships: Iterable[Mentored]) -> dict[str, list[int]]:
    """A mentor's load: their running mentorships, by lower-case login, in the given order."""
    loads: dict[str, list[int]] = {}
    for m in mentorships:
        if m.running:
            for login in m.mentors:
                loads.setdefault(login.lower(), []).append(m.number)
    return loads
