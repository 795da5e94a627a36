"""Who is who on an application issue: the one rule for mentee, mentors and coordinators.

The planner, the participants check and the dashboard all ask :func:`roles_of`, which
puts the rules below together in one order, so a mentor is the same person everywhere.

- The mentee is the issue's author, or the login in the configured form field on an
  issue a coordinator opened for someone.
- Coordinators are those in the config, and those the bot itself assigned (it only ever
  assigns coordinators, so they stay coordinators on that issue after leaving the list).
- Mentors are the other people a person assigned: not a coordinator, not the mentee,
  not a bot; and coordinators who said ``/mentor`` (never the mentee: nobody mentors
  themself).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from mentoring.core import forms
from mentoring.core.calendar import bot_comments, latest_assigners
from mentoring.core.logins import is_bot_login, is_login
from mentoring.core.model import Event, Issue, IssueSnapshot
from mentoring.core.replies import Asked, with_mentor_commands
from mentoring.core.settings import Config


@dataclass(frozen=True, kw_only=True)
class IssueRoles:
    """Who is who on one application issue, and the timeline it was read off."""

    mentee: str
    mentors: tuple[str, ...]  # assigned now and counted as mentors, in assignment order
    # Lower case: the config's and those the bot assigned, from the timeline as read. A
    # /mentor's own stand-in assignment is not counted: by it, a coordinator who left the
    # list would stop being one.
    coordinators: frozenset[str]
    coordinating: frozenset[str]  # lower case: coordinators who said /mentor here
    snapshot: IssueSnapshot  # each accepted /mentor in it as an assignment, at that comment
    # Whether an event is a mentor's assignment (the pairing that starts the clock).
    is_pairing: Callable[[Event], bool] = field(compare=False, repr=False)


def roles_of(
    snapshot: IssueSnapshot,
    config: Config,
    *,
    answers: Mapping[str, object] | None = None,
    asked: Asked | None = None,
) -> IssueRoles:
    """Who is who on an application issue: the one way the rules are put together.

    First the mentee, then the issue's coordinators from the timeline as read; then each
    coordinator's accepted ``/mentor`` counts as their assignment, at that comment; then
    the mentors among the assignees. ``answers`` (the parsed form) and ``asked`` (the
    commands) are read off ``snapshot`` unless the caller has them already.
    """
    if answers is None:
        answers = forms.parse_body(config.application.form_spec, snapshot.issue.body or "")
    if asked is None:
        asked = Asked.of(snapshot, config.bot, bot_comments(snapshot.comments, config.bot))
    mentee = mentee_of(snapshot, config, answers)
    assigners = latest_assigners(snapshot.events)
    coordinators = coordinators_of(config, assigners)
    counted, coordinating = with_mentor_commands(snapshot, coordinators, mentee, asked)
    if coordinating:
        assigners = latest_assigners(counted.events)
    assignees = snapshot.issue.assignees
    return IssueRoles(
        mentee=mentee,
        mentors=mentors_of(assignees, mentee, config, assigners, coordinating),
        coordinators=coordinators,
        coordinating=coordinating,
        snapshot=counted,
        is_pairing=pairing_test(mentee, config, coordinating),
    )


def listed_mentee(issue: Issue, config: Config) -> str:
    """The mentee of an application issue as listed, without its timeline."""
    answers = forms.parse_body(config.application.form_spec, issue.body or "")
    return mentee_of(IssueSnapshot(issue, (), ()), config, answers)


def mentee_of(snapshot: IssueSnapshot, config: Config, answers: Mapping[str, object]) -> str:
    """The applicant: the issue's author, or the handle in the configured form field when a
    coordinator opened the issue for someone. Anyone else naming another person there
    would make the bot ping, and later graduate, whoever they named: that is ignored.
    """
    field_id = config.application.mentee_field
    if not field_id:
        return snapshot.issue.author
    author = snapshot.issue.author.lower()
    # A coordinator now, or then: the bot assigned them when the application arrived.
    if author in coordinators_of(config, latest_assigners(snapshot.events)):
        value = answers.get(field_id)
        if isinstance(value, str):
            handle = value.strip().removeprefix("@").strip()
            if is_login(handle):
                return handle
    return snapshot.issue.author


def coordinators_of(config: Config, assigners: Mapping[str, str]) -> frozenset[str]:
    """An issue's coordinators, lower case: the config's, and those the bot itself assigned
    (``assigners``: login → who assigned them last, from the timeline). The bot only ever
    assigns coordinators, so they stay coordinators on that issue after leaving the list."""
    bot = config.bot.lower()
    assigned = frozenset(login for login, actor in assigners.items() if actor == bot)
    return lowered(config.coordinators) | assigned


def is_mentor(
    login: str,
    mentee: str,
    config: Config,
    also: frozenset[str] = frozenset(),
    coordinators: frozenset[str] | None = None,
) -> bool:
    """Mentors are assignees who are not coordinators (``coordinators``, lower case; by
    default the config's), not the mentee, and not bots; and ``also`` (lower case):
    coordinators who made themselves this issue's mentor (/mentor). The mentee is never
    their own mentor, by any path."""
    low = login.lower()
    if low == mentee.lower() or is_bot_login(login):
        return False
    if low in also:
        return True
    return low not in (lowered(config.coordinators) if coordinators is None else coordinators)


@functools.lru_cache(maxsize=64)
def lowered(logins: tuple[str, ...]) -> frozenset[str]:
    """The logins in lower case, as a set: remembered, since every event and assignee of
    every plan asks whether someone is among the config's coordinators."""
    return frozenset(login.lower() for login in logins)


def mentors_of(
    assignees: Iterable[str],
    mentee: str,
    config: Config,
    assigners: Mapping[str, str] | None = None,
    also: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """The issue's mentors: its assignees who count as mentors, in assignment order.

    ``assigners`` (login → who assigned them last, from the timeline) leaves out people
    the bot itself assigned: coordinators it assigned stay coordinators on the issue even
    after they leave the config's list.
    """
    coordinators = coordinators_of(config, assigners or {})
    return tuple(a for a in assignees if is_mentor(a, mentee, config, also, coordinators))


def pairing_test(
    mentee: str, config: Config, also: frozenset[str] = frozenset()
) -> Callable[[Event], bool]:
    """Whether an event of this mentee's issue is a mentor's assignment: by a person (the
    bot only ever assigns coordinators). Made once a plan, which asks it of every event."""
    bot = config.bot.lower()

    def is_pairing(event: Event) -> bool:
        return (
            event.kind == "assigned"
            and bool(event.assignee)
            and (event.actor or "").lower() != bot
            and is_mentor(event.assignee or "", mentee, config, also)
        )

    return is_pairing
