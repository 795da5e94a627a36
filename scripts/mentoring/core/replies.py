"""What the bot does about commands in comments: one reply each, and the labels they set.

Pure, like the planner: from the issue's comments, the roles and the labels as they are
now, to the actions that answer every command not answered yet. A command is answered
when the bot's own comment carries the marker ``command:<comment id>``, so a re-run finds
it and never answers twice. The commands of the people involved (mentee, mentors,
coordinators) are taken first, in the order they were written, each seeing what the
earlier ones did (``/pause`` then ``/resume`` in one outage: paused, then resumed); then
everyone else's, in the order written. Nobody else's command changes anything, so taking
them last changes no answer, only when it comes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mentoring.core.calendar import BotComment, closed_intervals
from mentoring.core.commands import Command, parse
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
)
from mentoring.core.remember import short_texts
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.core.site import Site

KIND = "command"

# Replies one run posts on one issue. Every command comment still gets its one reply, but a
# flood (a backlog after an outage, or one person's hundred /help comments) is answered a
# few per run, so a stranger cannot spend the run's writes and GitHub's content-creation
# limits; the next runs answer the rest. The involved people's commands go first, so a
# stranger's flood cannot hold a mentor's /pause back for days either.
MAX_REPLIES_PER_RUN = 5
EVERYONE_INVOLVED = "the mentee, a mentor of this issue or a coordinator"
MENTOR_OR_COORDINATOR = "a mentor of this issue or a coordinator"
ASSIGNED_COORDINATOR = "a coordinator assigned to this issue"


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


@dataclass
class Outcome:
    """The actions, and the state the issue will be in once they are applied."""

    actions: list[Action] = field(default_factory=list)
    paused: bool = False
    ready: bool = False
    new_mentors: list[str] = field(default_factory=list)  # coordinators who said /mentor
    waiting: int = 0  # commands left unanswered by this run (more than the cap of replies)


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
) -> str | None:
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


def answer(
    snapshot: IssueSnapshot,
    config: Config,
    asked: Asked,
    roles: Roles,
    renderer: Renderer,
    context: Mapping[str, object],
    *,
    paired: bool,
    entry: Callable[[], str],  # the participants.yml entry to add, made only if needed
    site: Site | None,
) -> Outcome:
    """The replies (and label changes) for every command not answered yet."""
    issue = snapshot.issue
    labels = config.labels
    was_paused = issue.has_label(labels.paused)
    was_ready = issue.has_label(labels.ready)
    out = Outcome(paused=was_paused, ready=was_ready)
    mentors = set(roles.mentors)

    def reply(comment: Comment, name: str, **extra: object) -> None:
        body = renderer.comment(KIND, comment.id, **{**context, "reply": name, **extra})
        out.actions.append(PostComment(issue.number, KIND, str(comment.id), body))

    def refuse(comment: Comment, command: Command, why: str, allowed: str = "") -> None:
        reply(
            comment,
            "refused",
            author=comment.author,
            why=why,
            command=command.name,
            allowed=allowed,
        )

    def involved(comment: Comment) -> bool:
        who = comment.author.lower()
        return who == roles.mentee or who in roles.mentors or who in roles.coordinators

    pending = asked.pending
    pending.sort(key=lambda found: not involved(found[0]))  # stable: in time order within each
    for comment, command in pending:
        if len(out.actions) >= MAX_REPLIES_PER_RUN:  # only replies so far: labels come last
            break
        who = comment.author.lower()
        may_pause = involved(comment)
        if issue.state != "open":
            refuse(comment, command, "closed")
        elif comment.edited:
            refuse(comment, command, "edited")
        elif command.name == "help":
            reply(comment, "help", author=comment.author)
        elif command.name in ("pause", "resume") and not may_pause:
            refuse(comment, command, "role", EVERYONE_INVOLVED)
        elif command.name == "pause":
            if out.paused:
                refuse(comment, command, "already-paused")
            else:
                out.paused = True
                reply(comment, "paused", author=comment.author, reason=command.argument)
        elif command.name == "resume":
            if not out.paused:
                refuse(comment, command, "not-paused")
            else:
                out.paused = False
                reply(comment, "resumed", author=comment.author)
        elif command.name == "ready":
            if who not in mentors and who not in roles.coordinators:
                refuse(comment, command, "role", MENTOR_OR_COORDINATOR)
            elif who == roles.mentee:  # a coordinator applying: nobody graduates themself
                refuse(comment, command, "mentee")
            elif not (paired or out.new_mentors):
                refuse(comment, command, "not-paired")
            elif out.ready:
                refuse(comment, command, "already-ready")
            else:
                out.ready = True
                reply(
                    comment,
                    "ready",
                    author=comment.author,
                    entry=entry(),
                    repository=site,
                    edit_url=site.edit_url(config.participants) if site else None,
                    ready_label=labels.ready,
                    nomination_url=config.graduation.nomination_url,
                )
        elif command.name == "mentor":
            why = mentor_refusal(snapshot, comment, roles.coordinators, roles.mentee)
            if why is not None:
                refuse(comment, command, why, ASSIGNED_COORDINATOR)
            elif who in mentors:
                refuse(comment, command, "already-mentor")
            else:
                mentors.add(who)
                out.new_mentors.append(comment.author)
                reply(comment, "mentor", author=comment.author)

    if out.paused and not was_paused:
        out.actions.append(AddLabels(issue.number, (labels.paused,)))
    elif was_paused and not out.paused:
        out.actions.append(RemoveLabels(issue.number, (labels.paused,)))
    if out.ready and not was_ready:
        out.actions.append(AddLabels(issue.number, (labels.ready,)))
    out.waiting = len(pending) - sum(isinstance(a, PostComment) for a in out.actions)
    return out
