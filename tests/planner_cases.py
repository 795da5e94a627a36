"""A small builder of issue snapshots for the pure planner, and a stand-in for GitHub.

No GitHub double here: a :class:`Story` is a list of model dataclasses built directly,
and :meth:`Story.apply` plays the bot's actions back onto it the way GitHub would show
them on the next read (comments by the bot's login, ``assigned`` events by the bot, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mentoring.core import forms
from mentoring.core.model import (
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
    PostComment,
    RemoveLabels,
    Unassign,
)
from mentoring.core.participants import Participant
from mentoring.core.planner import Plan, PlanContext, plan
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.core.site import Site
from mentoring.files.config import load_config
from simulator import issue_forms

ROOT = Path(__file__).resolve().parents[1]
# The shipped config with the form's `github` field honoured, for the cases of a coordinator
# applying on someone's behalf.
MENTEE_FIELD = {"application": {"mentee_field": "github"}}
CONFIG: Config = load_config(ROOT, MENTEE_FIELD)
RENDERER = Renderer()
BOT = CONFIG.bot
COORD = CONFIG.coordinators[0]
FORM = CONFIG.application.form_spec
APPLICATION = CONFIG.application.label
PAUSED = CONFIG.labels.paused
LABELS = CONFIG.labels

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SITE = Site("astropy/mentoring", "https://github.com/astropy/mentoring", "main")

CODE_OF_CONDUCT = FORM.field("code_of_conduct").options[0]
COMPLETE: dict[str, forms.Answer] = {
    "name": "Alice Example",
    "role": "Reviewer for astropy.units.",
    "contributions": "https://github.com/astropy/astropy/pull/1",
    "availability": "About 10 hours a month, UTC+1.",
    "code_of_conduct": [CODE_OF_CONDUCT],
}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def body(**answers: forms.Answer | None) -> str:
    """An application body as GitHub writes it: the complete answers, ``answers`` over them."""
    merged = {**COMPLETE, **answers}
    return issue_forms.render_body(FORM, {k: v for k, v in merged.items() if v is not None})


@dataclass
class Story:
    """One application issue, built up event by event."""

    author: str = "alice"
    opened: datetime = T0
    body: str = field(default_factory=body)
    labels: list[str] = field(default_factory=lambda: [APPLICATION])
    assignees: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    events: list[Event] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    number: int = 1

    # -- what people do

    def assign(self, user: str, when: datetime, by: str = COORD) -> Story:
        if user not in self.assignees:
            self.assignees.append(user)
        self.events.append(Event("assigned", when, actor=by, assignee=user))
        return self

    def unassign(self, user: str, when: datetime, by: str = COORD) -> Story:
        self.assignees = [a for a in self.assignees if a.lower() != user.lower()]
        self.events.append(Event("unassigned", when, actor=by, assignee=user))
        return self

    def label(self, name: str, when: datetime, by: str = COORD) -> Story:
        if name.lower() not in {lb.lower() for lb in self.labels}:
            self.labels.append(name)
        self.events.append(Event("labeled", when, actor=by, label=name))
        return self

    def unlabel(self, name: str, when: datetime, by: str = COORD) -> Story:
        self.labels = [lb for lb in self.labels if lb.lower() != name.lower()]
        self.events.append(Event("unlabeled", when, actor=by, label=name))
        return self

    def pause(self, since: datetime, until: datetime | None = None) -> Story:
        self.label(PAUSED, since)
        return self.unlabel(PAUSED, until) if until else self

    def comment(self, author: str, text: str, when: datetime) -> Story:
        # Ids grow as GitHub's do, deletions or not.
        new_id = max((c.id for c in self.comments), default=999) + 1
        self.comments.append(Comment(new_id, author, text, when))
        return self

    def close(
        self,
        when: datetime,
        reason: str = "not_planned",
        by: str = COORD,
        commit: str | None = None,
    ) -> Story:
        self.state, self.state_reason = "closed", reason
        self.events.append(Event("closed", when, actor=by, state_reason=reason, commit_id=commit))
        return self

    def reopen(self, when: datetime, by: str = COORD) -> Story:
        self.state, self.state_reason = "open", "reopened"
        self.events.append(Event("reopened", when, actor=by))
        return self

    def edit(self, text: str) -> Story:
        self.body = text
        return self

    # -- what the planner sees

    def snapshot(self) -> IssueSnapshot:
        issue = Issue(
            number=self.number,
            title="Mentee application - Alice",
            body=self.body,
            author=self.author,
            state=self.state,
            state_reason=self.state_reason,
            labels=tuple(self.labels),
            assignees=tuple(self.assignees),
            created_at=self.opened,
            updated_at=self.opened,
        )
        events = tuple(sorted(self.events, key=lambda e: e.at))
        comments = tuple(sorted(self.comments, key=lambda c: c.created_at))
        return IssueSnapshot(issue, events, comments)

    def plan(
        self,
        now: datetime,
        graduates: Mapping[str, Participant] | None = None,
        pull_request: int | None = None,
        config: Config = CONFIG,
        site: Site | None = None,
        registered: frozenset[str] | None = None,
        applications: Mapping[str, tuple[int, ...]] | None = None,
    ) -> Plan:
        context = PlanContext(
            config=config,
            graduates=graduates or {},
            now=now,
            renderer=RENDERER,
            pull_request=pull_request,
            site=site,
            registered=registered,
            applications=applications,
        )
        return plan(self.snapshot(), context)

    # -- what GitHub shows after the bot acted

    def apply(self, actions: Iterable[Action], now: datetime) -> Story:
        """Play the bot's actions onto the issue, as GitHub would record them at ``now``."""
        for action in actions:
            match action:
                case PostComment():
                    self.comment(BOT, action.body, now)
                case EditComment():
                    self.comments = [
                        replace(c, body=action.body, edited=True)
                        if c.id == action.comment_id
                        else c
                        for c in self.comments
                    ]
                case Assign():
                    for user in action.users:
                        self.assign(user, now, by=BOT)
                case Unassign():
                    for user in action.users:
                        self.unassign(user, now, by=BOT)
                case AddLabels():
                    for name in action.labels:
                        self.label(name, now, by=BOT)
                case RemoveLabels():
                    for name in action.labels:
                        self.unlabel(name, now, by=BOT)
                case Close():
                    self.close(now, action.reason, by=BOT)
                case DeleteComment():
                    self.comments = [c for c in self.comments if c.id != action.comment_id]
                case _:
                    raise AssertionError(f"unknown action {action!r}")
        return self

    def run(self, now: datetime, **kwargs: object) -> Plan:
        """One bot run at ``now``: plan, apply, and check a second run at once does nothing."""
        result = self.plan(now, **kwargs)  # type: ignore[arg-type]
        self.apply(result.actions, now)
        again = self.plan(now, **kwargs)  # type: ignore[arg-type]
        assert again.actions == (), f"second run at {now} still wants {again.actions}"
        return result

    def runs(self, times: Iterable[datetime], **kwargs: object) -> list[tuple[datetime, Action]]:
        """Bot runs at each of ``times``; every action taken, with its time."""
        taken = []
        for when in times:
            taken += [(when, a) for a in self.run(when, **kwargs).actions]
        return taken

    def copy(self) -> Story:
        return replace(
            self,
            labels=list(self.labels),
            assignees=list(self.assignees),
            events=list(self.events),
            comments=list(self.comments),
        )


def daily(start: datetime, end: datetime, hour: int = 6, minute: int = 17) -> list[datetime]:
    """The scheduled workflow's times in ``[start, end)``: every day at 06:17 UTC."""
    first = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if first < start:
        first += DAY
    times = []
    while first < end:
        times.append(first)
        first += DAY
    return times


def comments_of(actions: Iterable[Action]) -> list[PostComment]:
    return [a for a in actions if isinstance(a, PostComment)]


def kinds(actions: Iterable[Action]) -> list[tuple[str, str | None]]:
    """The (kind, key) of every comment among ``actions``."""
    return [(c.kind, c.key) for c in comments_of(actions)]


def summary(actions: Iterable[Action]) -> list[str]:
    """Actions in a form that reads well in a table: `comment welcome`, `assign x`, ..."""
    out = []
    for action in actions:
        if isinstance(action, PostComment):
            out.append(f"comment {action.kind}" + (f":{action.key}" if action.key else ""))
        else:
            out.append(action.describe())
    return out


_FENCED = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)
_PING = re.compile(r"(?<![\w`])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?![\w-])")


def pings(markdown: str) -> set[str]:
    """Logins GitHub would notify: ``@login`` outside code blocks and code spans."""
    prose = _SPAN.sub("", _FENCED.sub("", markdown))
    return {m.lower() for m in _PING.findall(prose)}
