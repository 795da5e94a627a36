"""A mentor registration's commands, ``/away [until YYYY-MM-DD]``, ``/back`` and ``/help``,
and the away that ends by itself on its day.

Pure, like the application's replies (:mod:`mentoring.core.replies`), and by the same
rules: one reply to each command comment, marked ``command:<comment id>``; the label
first, then the words; a label change whose reply was lost answered by the next run as
it would have been. The away label keeps a registered mentor out of the mentors
suggested for applicants; its date, like a ``/pause`` date, is read back from the
``away-until`` markers on the bot's own replies that accepted an ``/away`` or ``/back``
while the label was on, never from what people wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Literal

from mentoring.core.calendar import BotComment, label_intervals
from mentoring.core.commands import Command, away_refusal, pause_argument, year_after
from mentoring.core.model import (
    Action,
    AddLabels,
    Comment,
    IssueSnapshot,
    Kind,
    PostComment,
    RemoveLabels,
    marker,
)
from mentoring.core.render import Renderer
from mentoring.core.replies import (
    KIND,
    MAX_REPLIES_PER_RUN,
    NO_DATE,
    Asked,
    accepted_by,
    label_before,
    marked_until,
    written_on,
)
from mentoring.core.settings import Config

TEMPLATE = "registration-command.md.j2"  # its replies, marked as every command's
REGISTRANT_OR_COORDINATOR = "the mentor who registered here or a coordinator"
AWAY_ENDED = Kind.AWAY_ENDED
# The extra marker on every reply that accepted an /away or /back: the day the away now
# ends (YYYY-MM-DD), or "none". The date is read back from these (away_date), as a pause's
# is from its ``pause-until`` markers, never from what people wrote, which they can edit.
AWAY_UNTIL = "away-until"


# Why a registration's command changed nothing: picks the words of
# ``templates/registration-command/refused.md.j2``.
Why = Literal["closed", "edited", "role", "application-only", "already-away", "not-away"]


@dataclass(frozen=True)
class Away:
    """Whether the mentor is away once the plan's actions are applied, and until when."""

    away: bool
    until: date | None = None  # the day it ends by itself, if dated


@dataclass(frozen=True)
class Registrant:
    """What answering one registration's commands reads besides its snapshot."""

    config: Config
    renderer: Renderer
    context: Mapping[str, object]  # the registration's template context
    allowed: frozenset[str]  # lower-case logins: the registrant and the coordinators
    posted: tuple[BotComment, ...]  # the bot's own marked comments (``bot_comments``)


@dataclass(frozen=True)
class _Reply:
    name: str
    extra: Mapping[str, object]
    marks: tuple[str, ...] = ()  # more markers, the code's (render.Renderer.page)


_Act = Callable[[Comment, Command, Away], tuple[_Reply, Away]]


def _reply(comment: Comment, name: str, **extra: object) -> _Reply:
    return _Reply(name, {"author": comment.author, **extra})


def _accept(comment: Comment, name: str, ends: date | None, **extra: object) -> _Reply:
    """A reply that sets (or clears) the day the away ends, and says so in its marker."""
    until_mark = marker(AWAY_UNTIL, NO_DATE if ends is None else ends.isoformat())
    return replace(_reply(comment, name, **extra), marks=(until_mark,))


def _refuse(comment: Comment, command: Command, why: Why, allowed: str = "") -> _Reply:
    return _reply(comment, "refused", why=why, command=command.name, allowed=allowed)


def _help(comment: Comment, command: Command, state: Away) -> tuple[_Reply, Away]:
    return _reply(comment, "help"), state


def _away(comment: Comment, command: Command, state: Away) -> tuple[_Reply, Away]:
    wanted = pause_argument(command.argument)
    written = written_on(comment)
    why = away_refusal(wanted, written)
    if why is not None:
        latest = year_after(written)
        reply = _reply(
            comment,
            "away-date",
            why=why,
            word=wanted.word,
            until=wanted.until,
            latest=latest,
            days=wanted.days,
        )
        return reply, state
    if state.away and wanted.until is None:
        return _refuse(comment, command, "already-away"), state
    # A dated /away while away sets the day it ends (a new date replaces the old one).
    reply = _accept(comment, "away", wanted.until, until=wanted.until, still=state.away)
    return reply, Away(True, wanted.until)


def _back(comment: Comment, command: Command, state: Away) -> tuple[_Reply, Away]:
    if not state.away:
        return _refuse(comment, command, "not-away"), state
    return _accept(comment, "back", None), Away(False)


# A registration's commands; the application's (/ready, /pause, ...) are refused here.
RULES: Mapping[str, tuple[bool, _Act]] = {
    "help": (False, _help),  # (only the registrant or a coordinator?, what it does)
    "away": (True, _away),
    "back": (True, _back),
}


def _answer_one(
    snapshot: IssueSnapshot, comment: Comment, command: Command, state: Away, given: Registrant
) -> tuple[_Reply, Away]:
    if snapshot.issue.state != "open":
        return _refuse(comment, command, "closed"), state
    if comment.edited:
        return _refuse(comment, command, "edited"), state
    rule = RULES.get(command.name)
    if rule is None:
        return _refuse(comment, command, "application-only"), state
    restricted, act = rule
    if restricted and comment.author.lower() not in given.allowed:
        return _refuse(comment, command, "role", REGISTRANT_OR_COORDINATOR), state
    return act(comment, command, state)


def answer(
    snapshot: IssueSnapshot, asked: Asked, given: Registrant, now: Away
) -> tuple[tuple[Action, ...], Away, bool]:
    """The away label's change, then one reply to each command not answered yet (at most
    ``MAX_REPLIES_PER_RUN``); the state they leave; whether commands are left for later."""
    pending = asked.pending
    pending.sort(key=lambda found: found[0].author.lower() not in given.allowed)
    answering = pending[:MAX_REPLIES_PER_RUN]
    state = _before_unannounced(snapshot, asked, given, answering, now)
    replies: list[Action] = []
    number = snapshot.issue.number
    for comment, command in answering:
        reply, state = _answer_one(snapshot, comment, command, state, given)
        context = {**given.context, "reply": reply.name, **reply.extra}
        body = given.renderer.page(TEMPLATE, KIND, comment.id, reply.marks, **context)
        replies.append(PostComment(number, KIND, str(comment.id), body))
    label = given.config.labels.away
    effects: list[Action] = []
    if state.away and not now.away:
        effects.append(AddLabels(number, (label,)))
    elif now.away and not state.away:
        effects.append(RemoveLabels(number, (label,)))
    return (*effects, *replies), state, len(pending) > MAX_REPLIES_PER_RUN


def _before_unannounced(
    snapshot: IssueSnapshot,
    asked: Asked,
    given: Registrant,
    answering: list[tuple[Comment, Command]],
    now: Away,
) -> Away:
    """The state the pending commands start from: before the bot's label change since the
    earliest of them, whose reply was lost (then the commands that run did answer are
    played again first), else as the label is now."""
    if not answering or snapshot.issue.state != "open":
        return now
    since = min(c.created_at for c, _ in answering)
    found = label_before(snapshot, given.config.labels.names("away"), since, given.config.bot)
    if found is None:
        return now
    state = Away(found[0])
    for comment, command in asked.commands:
        replied = asked.answered.get(comment.id)
        if replied is not None and replied >= found[1]:
            _, state = _answer_one(snapshot, comment, command, state, given)
    return state


def away_date(posted: tuple[BotComment, ...], since: datetime, end: datetime) -> date | None:
    """The day the away that began at ``since`` (its label put on) ends by itself, as the
    bot's replies from then to ``end`` set it, by their ``away-until`` marker (the reply
    to the ``/away`` that put it on comes after the label; the latest counts); None: no
    date. ``posted``: the bot's marked comments, so a marker anyone else pastes does not
    count, and an edit of an accepted command afterwards changes nothing."""
    return marked_until(posted, AWAY_UNTIL, since, end)


@dataclass(frozen=True)
class Ended:
    """An away that ended by itself: the label's start (the comment's key) and its day."""

    key: str
    until: date


def current(snapshot: IssueSnapshot, asked: Asked, given: Registrant, now: datetime) -> Away:
    """Whether the away label is on, and the day the away in force ends by itself."""
    config = given.config
    if not snapshot.issue.has_label(config.labels.away):
        return Away(False)
    spans = label_intervals(snapshot.events, config.labels.names("away"), now)
    if not spans:
        return Away(True)  # on under a name no longer known: nothing to go by
    return Away(True, away_date(given.posted, spans[-1][0], now))


def away_ends(
    snapshot: IssueSnapshot, asked: Asked, given: Registrant, state: Away, now: datetime
) -> tuple[Action, ...]:
    """A dated away on its day (UTC), at the first run on or after it: the label off, then
    one comment that says so, keyed by the away's start; a comment lost after the label
    came off is posted by the next run. ``state``: as this run's replies leave it."""
    config = given.config
    spans = label_intervals(snapshot.events, config.labels.names("away"), now)
    on = snapshot.issue.has_label(config.labels.away)
    if not spans:
        return ()
    since, end = spans[-1]
    number = snapshot.issue.number
    if on and state.away:
        if state.until is None or now.astimezone(UTC).date() < state.until:
            return ()
        off = RemoveLabels(number, (config.labels.away,))
        return off, _ended(given, number, Ended(_key(since), state.until))
    if on or state.away:
        return ()
    ended = _ended_by_date(snapshot, asked, given, since, end)
    return (_ended(given, number, ended),) if ended else ()


def _ended_by_date(
    snapshot: IssueSnapshot, asked: Asked, given: Registrant, since: datetime, end: datetime
) -> Ended | None:
    """The away now over that the bot ended on or after its day, with no ``/back``."""
    bot = given.config.bot.lower()
    names = {n.lower() for n in given.config.labels.names("away")}
    off = [
        e
        for e in snapshot.events
        if e.kind == "unlabeled" and e.at == end and (e.label or "").lower() in names
    ]
    if not off or (off[-1].actor or "").lower() != bot:
        return None
    until = away_date(given.posted, since, end)
    if until is None or end.astimezone(UTC).date() < until:
        return None
    # A /back the bot refused (a passer-by's, an edited one) ended nothing; one it
    # accepted did, and so did one its rules accept but not answered yet (its reply lost
    # after the label came off: the reply still to come says it ended the away).
    accepted = accepted_by(given.posted, AWAY_UNTIL)
    back = any(
        command.name == "back"
        and since <= c.created_at <= end
        and (c.id in accepted or (c.id not in asked.answered and _may(c, given)))
        for c, command in asked.commands
    )
    return None if back else Ended(_key(since), until)


def _may(comment: Comment, given: Registrant) -> bool:
    """Whether a command not answered yet would be heard: unedited, by the registrant or
    a coordinator."""
    return not comment.edited and comment.author.lower() in given.allowed


def _key(since: datetime) -> str:
    return f"{since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _ended(given: Registrant, number: int, ended: Ended) -> PostComment:
    body = given.renderer.comment(AWAY_ENDED, ended.key, **given.context, until=ended.until)
    return PostComment(number, AWAY_ENDED, ended.key, body)


def posted_already(posted: list[BotComment], action: Action) -> bool:
    """Whether a planned comment is on the issue already (the same kind and key)."""
    if not isinstance(action, PostComment):
        return False
    return any(c.kind == action.kind and c.key == action.key for c in posted)
