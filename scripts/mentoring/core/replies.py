"""What the bot does about commands in comments: one reply each, and the labels they set.

Pure, like the planner: from the issue's comments, the roles and the labels as they are
now, to the actions that answer every command not answered yet. A command is answered
when the bot's own comment carries the marker ``command:<comment id>``, so a re-run finds
it and never answers twice. The commands of the people involved (mentee, mentors,
coordinators) are taken first, in the order they were written, each seeing what the
earlier ones did (``/pause`` then ``/resume`` in one outage: paused, then resumed); then
everyone else's, in the order written. Nobody else's command changes anything, so taking
them last changes no answer, only when it comes.

The label changes come before the replies, so a reply never stands without its effect;
a change whose reply was lost is recognised by the next run (:func:`answer`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Literal

from mentoring.core.calendar import BotComment, closed_intervals
from mentoring.core.commands import Command, date_refusal, parse, pause_argument, year_after
from mentoring.core.logins import is_bot_login
from mentoring.core.model import (
    Action,
    AddLabels,
    Comment,
    Event,
    IssueSnapshot,
    PostComment,
    RemoveLabels,
    is_count,
    marker,
)
from mentoring.core.remember import short_texts
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.core.site import Site

KIND = "command"
# The extra marker on every reply that accepted a /pause or /resume: the day the pause now
# ends (YYYY-MM-DD), or "none". The date is read back from these (pause_date), never from
# what people wrote, which they can edit and which the bot may have refused.
PAUSE_UNTIL = "pause-until"
NO_DATE = "none"

# Replies one run posts on one issue. Every command comment still gets its one reply, but a
# flood (a backlog after an outage, or one person's hundred /help comments) is answered a
# few per run, so a stranger cannot spend the run's writes and GitHub's content-creation
# limits; the next runs answer the rest. The involved people's commands go first, so a
# stranger's flood cannot hold a mentor's /pause back for days either.
MAX_REPLIES_PER_RUN = 5
EVERYONE_INVOLVED = "the mentee, a mentor of this issue or a coordinator"
MENTOR_OR_COORDINATOR = "a mentor of this issue or a coordinator"
ASSIGNED_COORDINATOR = "a coordinator assigned to this issue"

# Why a command changed nothing: the refusal's ``why``, which picks its words in
# ``templates/command/refused.md.j2``.
Why = Literal[
    "closed",
    "edited",
    "role",
    "mentee",
    "already-paused",
    "not-paused",
    "not-paired",
    "already-ready",
    "already-mentor",
    "registration-only",
]
MentorRefusal = Literal["role", "mentee"]


@dataclass(frozen=True)
class Roles:
    """Who is who on one application, lower-case logins."""

    mentee: str
    mentors: frozenset[str]
    coordinators: frozenset[str]
    assignees: frozenset[str]

    @classmethod
    def of(
        cls,
        mentee: str,
        mentors: Collection[str],
        coordinators: Collection[str],
        assignees: Collection[str],
    ) -> Roles:
        low = lambda logins: frozenset(x.lower() for x in logins)  # noqa: E731
        return cls(mentee.lower(), low(mentors), low(coordinators), low(assignees))

    def involved(self, who: str) -> bool:
        """Whether ``who`` (lower case) is the mentee, a mentor or a coordinator."""
        return who == self.mentee or who in self.mentors or who in self.coordinators


@dataclass(frozen=True)
class Outcome:
    """The actions, and the state the issue will be in once they are applied."""

    actions: tuple[Action, ...] = ()
    paused: bool = False
    ready: bool = False
    new_mentors: tuple[str, ...] = ()  # coordinators who said /mentor
    waiting: int = 0  # commands left unanswered by this run (more than the cap of replies)
    until: date | None = None  # while paused: the day the pause ends by itself, if dated


@dataclass(frozen=True)
class Asked:
    """The commands in an issue's comments, and when the bot answered each it has (by
    comment id): read once per plan, for :func:`coordinator_mentors` and :func:`answer`."""

    commands: tuple[tuple[Comment, Command], ...]
    answered: Mapping[int, datetime]

    @classmethod
    def of(cls, snapshot: IssueSnapshot, bot: str, posted: Iterable[BotComment]) -> Asked:
        """``posted``: the bot's own marked comments on the issue (``bot_comments``)."""
        return cls(tuple(commands(snapshot, bot)), answered(posted))

    @property
    def pending(self) -> list[tuple[Comment, Command]]:
        """The commands not answered yet, oldest first."""
        return [(c, command) for c, command in self.commands if c.id not in self.answered]


def coordinator_mentors(
    snapshot: IssueSnapshot, asked: Asked, coordinators: frozenset[str], mentee: str
) -> dict[str, Comment]:
    """Coordinators who made themselves this issue's mentor with ``/mentor``, and the
    comment that did it: answered by the bot, not edited, and as :func:`mentor_refusal`
    allows (the reply said so by the same rule). ``coordinators``: the issue's, lower case
    (:func:`~mentoring.core.roles.coordinators_of`)."""
    found: dict[str, Comment] = {}
    for comment, command in asked.commands:
        who = comment.author.lower()
        if command.name != "mentor" or who in found:
            continue
        replied = asked.answered.get(comment.id)
        if replied is None or comment.edited:
            continue
        if any(a <= replied <= b for a, b in closed_intervals(snapshot.events, replied)):
            continue  # closed when answered: the reply refused it ("closed"), for good
        if mentor_refusal(snapshot, comment, coordinators, mentee) is None:
            found[who] = comment
    return found


def with_mentor_commands(
    snapshot: IssueSnapshot, coordinators: frozenset[str], mentee: str, asked: Asked
) -> tuple[IssueSnapshot, frozenset[str]]:
    """The snapshot with each coordinator's accepted ``/mentor`` as their assignment, at
    that comment, and those coordinators (lower case): the planner and the participants
    check read who mentors an issue off this, by the same rule. ``coordinators``: the
    issue's (:func:`~mentoring.core.roles.coordinators_of`, from its own timeline)."""
    by_command = coordinator_mentors(snapshot, asked, coordinators, mentee)
    if not by_command:
        return snapshot, frozenset()
    extra = tuple(
        Event("assigned", c.created_at, actor=c.author, assignee=c.author)
        for c in by_command.values()
    )
    events = snapshot.events + extra
    return IssueSnapshot(snapshot.issue, events, snapshot.comments), frozenset(by_command)


def mentor_refusal(
    snapshot: IssueSnapshot, comment: Comment, coordinators: frozenset[str], mentee: str
) -> MentorRefusal | None:
    """Why ``/mentor`` in ``comment`` does not make its author a mentor (a refusal's
    ``why``), or None when it does: a coordinator of the issue, not its mentee, assigned
    when they said it and ever since. The one rule for the reply and for the pairing, so
    a reply never says what does not happen."""
    who = comment.author.lower()
    if who not in coordinators:
        return "role"
    if who == mentee.lower():
        return "mentee"
    changes = _changes(snapshot, who)
    after = [e for e in changes if e.at > comment.created_at]
    now = who in {a.lower() for a in snapshot.issue.assignees}
    if not now or not _assigned_at(changes, comment) or any(e.kind == "unassigned" for e in after):
        return "role"
    return None


def _changes(snapshot: IssueSnapshot, who: str) -> list[Event]:
    """The assigned and unassigned events of ``who`` (lower case), in timeline order."""
    return [
        e
        for e in snapshot.events
        if e.kind in ("assigned", "unassigned") and (e.assignee or "").lower() == who
    ]


def _assigned_at(changes: list[Event], comment: Comment) -> bool:
    """Whether, by their ``changes`` (:func:`_changes`), they were assigned when
    ``comment`` was written."""
    before = [e for e in changes if e.at <= comment.created_at]
    return bool(before) and before[-1].kind == "assigned"


def answered(posted: Iterable[BotComment]) -> dict[int, datetime]:
    """When the bot replied to each comment it has replied to (by id), from its marked
    comments (the first reply, if a race left two)."""
    found: dict[int, datetime] = {}
    for c in posted:
        if c.kind == KIND and is_count(c.key):
            found.setdefault(int(c.key), c.at)
    return found


def commands(snapshot: IssueSnapshot, bot: str) -> list[tuple[Comment, Command]]:
    """Every command in the issue's comments (one per comment at most), oldest first.

    The issue body is never read for commands; the bot's own comments and other bots'
    are never commands, so two bots cannot talk each other into a loop.
    """
    bot = bot.lower()
    people = [
        c for c in snapshot.comments if c.author.lower() != bot and not is_bot_login(c.author)
    ]
    found = []
    for comment in sorted(people, key=lambda c: (c.created_at, c.id)):
        command = _command_in(comment.body)
        if command is not None:
            found.append((comment, command))
    return found


# Comments up to this long have their command remembered (most are a line or two, and
# every run reads them again); a longer one is read afresh, so the cache's keys stay small.
REMEMBERED_COMMENT = 1_000


@short_texts(REMEMBERED_COMMENT)
def _command_in(text: str) -> Command | None:
    return parse(text)


@dataclass(frozen=True)
class Answering:
    """What answering one issue's commands reads, besides its snapshot and its commands."""

    config: Config
    roles: Roles
    renderer: Renderer
    context: Mapping[str, object]  # the issue's template context, shared by every reply
    paired: bool  # whether the issue had a mentor before these commands
    entry: Callable[[], str]  # the participants.yml entry to add, made only if needed
    site: Site | None
    until: date | None = None  # the day the pause in force ends by itself (pause_date)
    # The next check-in or review once resumed now: the template values ``next_checkin``
    # (when it falls due; None without a mentor) and ``next_is_review``.
    next_due: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _State:
    """The issue as the commands answered so far leave it."""

    paused: bool
    ready: bool
    new_mentors: tuple[str, ...] = ()  # coordinators who said /mentor, as they wrote it
    until: date | None = None  # while paused: the day it ends by itself, if dated


@dataclass(frozen=True)
class _Reply:
    """One reply: the template under ``command/`` and what it is given."""

    name: str
    extra: Mapping[str, object]
    marks: tuple[str, ...] = ()  # more markers, the code's (render.Renderer.page)


@dataclass(frozen=True)
class _Asking:
    """One command being answered, and what its answer may read."""

    snapshot: IssueSnapshot
    given: Answering
    comment: Comment
    command: Command

    @property
    def who(self) -> str:
        """The command's author, lower case."""
        return self.comment.author.lower()

    def reply(self, name: str, **extra: object) -> _Reply:
        """A reply from ``command/<name>``, which names the command's author."""
        return _Reply(name, {"author": self.comment.author, **extra})

    def accept(self, name: str, ends: date | None, /, **extra: object) -> _Reply:
        """A reply that sets (or clears) the day the pause ends, and says so in its marker."""
        until_mark = marker(PAUSE_UNTIL, NO_DATE if ends is None else ends.isoformat())
        return replace(self.reply(name, **extra), marks=(until_mark,))

    def refuse(self, why: Why, allowed: str = "") -> _Reply:
        """The reply that says nothing was changed, and ``why``."""
        return self.reply("refused", why=why, command=self.command.name, allowed=allowed)


# Who may use a command: None when the author may, else why not.
_May = Callable[[_Asking, _State], Why | None]
# What a command does once allowed: its reply, and the issue as it leaves it.
_Act = Callable[[_Asking, _State], tuple[_Reply, _State]]


@dataclass(frozen=True)
class _Rule:
    """How one command is answered: who may use it (as the refusal words it), then what
    it does."""

    may: _May
    allowed: str
    act: _Act


def _anyone(ask: _Asking, state: _State) -> Why | None:
    return None


def _involved(ask: _Asking, state: _State) -> Why | None:
    return None if ask.given.roles.involved(ask.who) else "role"


def _mentor_not_mentee(ask: _Asking, state: _State) -> Why | None:
    roles = ask.given.roles
    # The mentee first, coordinator or not: nobody graduates themself, and a mentee who
    # says /ready is told what happens next, not only who may say it.
    if ask.who == roles.mentee:
        return "mentee"
    if ask.who not in _mentors(ask, state) and ask.who not in roles.coordinators:
        return "role"
    return None


def _assigned_coordinator(ask: _Asking, state: _State) -> Why | None:
    roles = ask.given.roles
    return mentor_refusal(ask.snapshot, ask.comment, roles.coordinators, roles.mentee)


def _mentors(ask: _Asking, state: _State) -> frozenset[str]:
    """The issue's mentors (lower case), with those a /mentor made so far."""
    return ask.given.roles.mentors | {m.lower() for m in state.new_mentors}


def _help(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    return ask.reply("help"), state


def _pause(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    pause = pause_argument(ask.command.argument)
    written = written_on(ask.comment)
    why = date_refusal(pause, written)
    if why is not None:
        reply = ask.reply(
            "pause-date",
            why=why,
            word=pause.word,
            days=pause.days,
            until=pause.until,
            latest=year_after(written),
        )
        return reply, state
    if state.paused and pause.until is None:
        return ask.refuse("already-paused"), state
    # A dated /pause while paused sets the day it ends (a new date replaces the old one).
    reply = ask.accept(
        "paused", pause.until, reason=pause.reason, until=pause.until, still=state.paused
    )
    return reply, replace(state, paused=True, until=pause.until)


def _resume(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    if not state.paused:
        return ask.refuse("not-paused"), state
    reply = ask.accept("resumed", None, **ask.given.next_due)
    return reply, replace(state, paused=False, until=None)


def written_on(comment: Comment) -> date:
    """The day (UTC) a comment was written: a ``/pause`` date is checked against it."""
    return comment.created_at.astimezone(UTC).date()


def _ready(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    given = ask.given
    if state.ready:  # a ready mentorship whose mentor left is ready still
        return ask.refuse("already-ready"), state
    if not (given.paired or state.new_mentors):
        return ask.refuse("not-paired"), state
    reply = ask.reply(
        "ready",
        entry=given.entry(),
        repository=given.site,
        edit_url=given.site.edit_url(given.config.participants) if given.site else None,
        ready_label=given.config.labels.ready,
        nomination_url=given.config.graduation.nomination_url,
    )
    return reply, replace(state, ready=True)


def _mentor(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    if ask.who in _mentors(ask, state):
        return ask.refuse("already-mentor"), state
    new_mentors = (*state.new_mentors, ask.comment.author)
    return ask.reply("mentor"), replace(state, new_mentors=new_mentors)


def _registration_only(ask: _Asking, state: _State) -> Why | None:
    return "registration-only"


def _refused(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    raise AssertionError("a rule that refuses everyone never acts")  # pragma: no cover


# Every command (commands.NAMES), how it is answered.
RULES: Mapping[str, _Rule] = {
    "help": _Rule(_anyone, "", _help),
    "pause": _Rule(_involved, EVERYONE_INVOLVED, _pause),
    "resume": _Rule(_involved, EVERYONE_INVOLVED, _resume),
    "ready": _Rule(_mentor_not_mentee, MENTOR_OR_COORDINATOR, _ready),
    "mentor": _Rule(_assigned_coordinator, ASSIGNED_COORDINATOR, _mentor),
    # A mentor registration's commands (core/away.py answers them there).
    "away": _Rule(_registration_only, "", _refused),
    "back": _Rule(_registration_only, "", _refused),
}


def _answer_one(ask: _Asking, state: _State) -> tuple[_Reply, _State]:
    """The reply to one command: the checks every command shares, then its own rule."""
    if ask.snapshot.issue.state != "open":
        return ask.refuse("closed"), state
    if ask.comment.edited:
        return ask.refuse("edited"), state
    rule = RULES[ask.command.name]
    why = rule.may(ask, state)
    if why is not None:
        return ask.refuse(why, rule.allowed), state
    return rule.act(ask, state)


def answer(snapshot: IssueSnapshot, asked: Asked, given: Answering) -> Outcome:
    """The label changes, then the replies, for every command not answered yet.

    Effects first: a run that fails after a label change and before its reply leaves the
    change unannounced, never a reply without its change. The next run finds the change
    (:func:`_before_unannounced`) and answers from the state before it, so the reply says
    what the command did, not "already paused".
    """
    issue = snapshot.issue
    labels = given.config.labels
    now = _State(
        paused=issue.has_label(labels.paused),
        ready=issue.has_label(labels.ready),
        until=given.until if issue.has_label(labels.paused) else None,
    )
    pending = asked.pending
    # The involved people's first; stable, so in time order within each.
    pending.sort(key=lambda found: not given.roles.involved(found[0].author.lower()))
    answering = pending[:MAX_REPLIES_PER_RUN]
    state, replayed = _before_unannounced(snapshot, asked, given, answering, now)
    for comment, command in replayed:  # answered in the run that made the change
        _, state = _answer_one(_Asking(snapshot, given, comment, command), state)
    state = replace(state, new_mentors=())
    replies: list[Action] = []
    for comment, command in answering:
        reply, state = _answer_one(_Asking(snapshot, given, comment, command), state)
        context = {**given.context, "reply": reply.name, **reply.extra}
        body = given.renderer.page(f"{KIND}.md.j2", KIND, comment.id, reply.marks, **context)
        replies.append(PostComment(issue.number, KIND, str(comment.id), body))
    effects: list[Action] = []
    if state.paused and not now.paused:
        effects.append(AddLabels(issue.number, (labels.paused,)))
    elif now.paused and not state.paused:
        effects.append(RemoveLabels(issue.number, (labels.paused,)))
    if state.ready and not now.ready:
        effects.append(AddLabels(issue.number, (labels.ready,)))
    return Outcome(
        actions=(*effects, *replies),
        paused=state.paused,
        ready=state.ready,
        new_mentors=state.new_mentors,
        waiting=max(len(pending) - MAX_REPLIES_PER_RUN, 0),
        until=state.until if state.paused else None,
    )


def _before_unannounced(
    snapshot: IssueSnapshot,
    asked: Asked,
    given: Answering,
    answering: list[tuple[Comment, Command]],
    now: _State,
) -> tuple[_State, list[tuple[Comment, Command]]]:
    """The state the commands being answered start from, and the answered commands to
    play again before them.

    A label change the bot made after the earliest of them is a command's effect whose
    reply was lost (the run stopped in between): the state is taken from before the
    bot's first such change, and the commands the same run did answer (replied to at or
    after it) are played again first, so the pending ones see what they saw then. A
    person's change after the bot's is theirs to keep: the label is taken as it is.
    """
    if not answering or snapshot.issue.state != "open":  # closed: every command refused
        return now, []
    since = min(c.created_at for c, _ in answering)
    bot, labels = given.config.bot, given.config.labels
    paused = label_before(snapshot, labels.names("paused"), since, bot)
    ready = label_before(snapshot, labels.names("ready"), since, bot)
    start = _State(
        paused=now.paused if paused is None else paused[0],
        ready=now.ready if ready is None else ready[0],
        until=now.until if paused is None else None,  # read off the replies still to come
    )
    changed = [found[1] for found in (paused, ready) if found is not None]
    if not changed:
        return now, []
    first = min(changed)
    replayed = [
        (c, command)
        for c, command in asked.commands
        if c.id in asked.answered and asked.answered[c.id] >= first
    ]
    return start, replayed


def label_before(
    snapshot: IssueSnapshot, names: tuple[str, ...], since: datetime, bot: str
) -> tuple[bool, datetime] | None:
    """Whether the label was on before the bot's first change of it since ``since``,
    and when that change was; None when the bot made none, or a person changed it later."""
    bot = bot.lower()
    wanted = {n.lower() for n in names}
    changes = [
        e
        for e in snapshot.events
        if e.kind in ("labeled", "unlabeled") and (e.label or "").lower() in wanted
    ]
    ours = [e for e in changes if e.at >= since and (e.actor or "").lower() == bot]
    if not ours or (changes[-1].actor or "").lower() != bot:
        return None
    return ours[0].kind == "unlabeled", ours[0].at


def pause_date(posted: Iterable[BotComment], since: datetime, end: datetime) -> date | None:
    """The day the pause that began at ``since`` (its label put on) ends by itself, as the
    replies the bot posted from then to ``end`` set it; None: it has no date.

    Stateless, like every fact: the date is read back from the bot's own replies that
    accepted a ``/pause`` or ``/resume`` while the label was on (the reply to the one that
    put it on comes after the label), by their ``pause-until`` marker: the latest counts.
    Never from the commands' text: an edit after the reply, or a command the reply
    refused, must not set what the reply did not say. ``posted``: the bot's marked
    comments (``bot_comments``), so a marker anyone else pastes does not count.
    """
    return marked_until(posted, PAUSE_UNTIL, since, end)


def marked_until(
    posted: Iterable[BotComment], kind: str, since: datetime, end: datetime
) -> date | None:
    """The day named by the latest ``kind`` marker (``pause-until``, ``away-until``) the
    bot posted from ``since`` to ``end``; None: none, or it said "none"."""
    until: date | None = None
    for mark in sorted(posted, key=lambda c: (c.at, c.comment_id)):
        if mark.kind != kind or not since <= mark.at <= end:
            continue
        until = _day(mark.key)
    return until


def pausing_accepted(posted: Iterable[BotComment]) -> frozenset[int]:
    """The ids of the comments whose ``/pause`` or ``/resume`` the bot's reply accepted
    (the reply carries a ``pause-until`` marker)."""
    return accepted_by(posted, PAUSE_UNTIL)


def accepted_by(posted: Iterable[BotComment], kind: str) -> frozenset[int]:
    """The ids of the command comments whose reply from the bot carries a ``kind`` marker
    (``pause-until``, ``away-until``): the commands it accepted."""
    posted = list(posted)
    replies = {c.comment_id for c in posted if c.kind == kind}
    return frozenset(
        int(c.key) for c in posted if c.kind == KIND and is_count(c.key) and c.comment_id in replies
    )


def _day(key: str | None) -> date | None:
    """The day a ``pause-until`` or ``away-until`` marker names (None: "none", or not a
    day)."""
    try:
        return date.fromisoformat(key or "")
    except ValueError:
        return None
