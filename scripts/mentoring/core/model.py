"""The project's own view of GitHub: frozen snapshots in, frozen actions out.

Only ``mentoring.github.repository`` builds these from PyGithub objects; everything else (the
planner, the calendar, the templates) works on these plain values and never touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeGuard

MARKER_RE = re.compile(r"<!-- mentoring:(?P<kind>[a-z][a-z-]*)(?::(?P<key>[^ >]+))? -->")


class State(StrEnum):
    """Where a mentorship stands, as the summary and the status labels show it."""

    NEEDS_INFO = "needs info"
    AWAITING_MENTOR = "awaiting mentor"
    ACTIVE = "active"
    PAUSED = "paused"
    GRADUATED = "graduated"
    CLOSED = "closed"


class Kind(StrEnum):
    """What one of the bot's comments is: its marker's KIND, and its template's name."""

    WELCOME = "welcome"
    NEEDS_INFO = "needs-info"
    PAIRED = "paired"
    CHECKIN = "checkin"
    REVIEW = "review"
    REVIEW_REMINDER = "review-reminder"
    MENTOR_REMINDER = "mentor-reminder"  # no longer posted; old ones still count
    COMMAND = "command"  # the one reply to a command comment, keyed by its id
    READY_REMINDER = "ready-reminder"
    UNPAIRED = "unpaired"  # the last mentor left, keyed by the how-many-th time
    WAITING = "waiting"  # the one note to an applicant still waiting for a mentor
    NAMES_OTHER = "names-other"
    DUPLICATE = "duplicate"
    GRADUATED = "graduated"
    CLOSED_NOT_GRADUATED = "closed-not-graduated"  # closed as completed by a pull request
    UNMATCHED_ENTRIES = "unmatched-entries"  # on a merged pull request: entries graduating nobody
    SCHEDULE_HEALTH = "schedule-health"
    REGISTRATION_WELCOME = "registration-welcome"
    PAUSE_ENDED = "pause-ended"  # a dated pause ended by itself, keyed by the pause's start
    PAUSE_REMINDER = "pause-reminder"  # a long pause without a date, keyed by its start
    AWAY_ENDED = "away-ended"  # a registration's dated /away ended, keyed by the label's start


PERIODIC = (Kind.CHECKIN, Kind.REVIEW)  # the monthly comments, keyed by month


def is_count(text: str | None) -> TypeGuard[str]:
    """Whether ``text`` is a whole number ``int()`` reads as such: ASCII digits, at most 18.

    ``str.isdigit`` alone is also true of ``²`` and other digits ``int()`` refuses, and
    ``int()`` refuses more than 4,300 digits; people's answers may hold either."""
    return text is not None and 0 < len(text) <= 18 and text.isascii() and text.isdigit()


def marker(kind: str, key: object | None = None) -> str:
    """The hidden marker that identifies one of the bot's comments."""
    return f"<!-- mentoring:{kind} -->" if key is None else f"<!-- mentoring:{kind}:{key} -->"


@dataclass(frozen=True)
class Event:
    """One entry of an issue's timeline that the planner cares about."""

    kind: str  # GitHub's `event`: assigned, unassigned, labeled, unlabeled, closed, ...
    at: datetime
    actor: str | None = None
    assignee: str | None = None  # assigned / unassigned
    label: str | None = None  # labeled / unlabeled
    state_reason: str | None = None  # closed
    commit_id: str | None = None  # closed by a commit or merged pull request
    source: int | None = None  # cross-referenced: number of the referring issue or PR
    source_is_pull: bool = False
    source_foreign: bool = False  # cross-referenced from another repository
    source_merged_at: datetime | None = None  # when the referring pull request was merged


@dataclass(frozen=True)
class Reaction:
    """An emoji reaction on a comment: who gave it, which one, and when."""

    by: str
    content: str  # GitHub's name for it: +1, -1, laugh, confused, heart, hooray, rocket, eyes
    at: datetime


@dataclass(frozen=True)
class Comment:
    """An issue comment, from the timeline."""

    id: int
    author: str
    body: str
    created_at: datetime
    # Edited since it was posted (see :func:`was_edited`). Commands in edited comments are
    # not obeyed: the timeline keeps only the latest text, so an edit could add a command
    # "in the past".
    edited: bool = False
    # Reactions on it, as read; only the bot's own comments have theirs read (a sign of
    # life from mentee or mentor), so on other comments this stays empty.
    reactions: tuple[Reaction, ...] = ()


# GitHub sometimes stamps a comment it has just created with an `updated_at` a second
# after its `created_at` (palantir/policy-bot#459 records `updatedAt` 18:58:18 for a
# comment created 18:58:17). Within this much of posting, a change is not an edit.
EDIT_GRACE = timedelta(seconds=60)


def was_edited(created_at: datetime, updated_at: datetime | None) -> bool:
    """Whether a comment changed after it was posted: ``updated_at`` (REST's, and GraphQL's
    ``updatedAt``, read the same way on both paths) more than :data:`EDIT_GRACE` later."""
    return updated_at is not None and updated_at - created_at > EDIT_GRACE


@dataclass(frozen=True)
class Issue:
    """An issue as listed (no timeline): what one page of the issue list gives."""

    number: int
    title: str
    body: str
    author: str
    state: str  # "open" or "closed"
    state_reason: str | None
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    is_pull_request: bool = False
    closed_at: datetime | None = None

    def has_label(self, name: str) -> bool:
        """Labels compare case-insensitively, as on GitHub."""
        return name.lower() in map(str.lower, self.labels)  # stops at the first


@dataclass(frozen=True)
class IssueSnapshot:
    """An issue with its timeline: everything the planner may look at."""

    issue: Issue
    events: tuple[Event, ...]
    comments: tuple[Comment, ...]

    @property
    def number(self) -> int:
        return self.issue.number


# --- actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class PostComment:
    issue: int
    kind: str
    key: str | None
    body: str  # already carries its marker

    def describe(self) -> str:
        first = next((ln for ln in self.body.splitlines() if ln.strip()), "")
        key = f":{self.key}" if self.key else ""
        return f"comment {self.kind}{key}: {first[:80]}"


@dataclass(frozen=True)
class Assign:
    issue: int
    users: tuple[str, ...]

    def describe(self) -> str:
        return "assign " + ", ".join(self.users)


@dataclass(frozen=True)
class Unassign:
    issue: int
    users: tuple[str, ...]

    def describe(self) -> str:
        return "unassign " + ", ".join(self.users)


@dataclass(frozen=True)
class AddLabels:
    issue: int
    labels: tuple[str, ...]

    def describe(self) -> str:
        return "add labels " + ", ".join(repr(lb) for lb in self.labels)


@dataclass(frozen=True)
class RemoveLabels:
    issue: int
    labels: tuple[str, ...]

    def describe(self) -> str:
        return "remove labels " + ", ".join(repr(lb) for lb in self.labels)


@dataclass(frozen=True)
class Close:
    issue: int
    reason: str  # "completed" or "not_planned"

    def describe(self) -> str:
        return f"close as {self.reason}"


@dataclass(frozen=True)
class EditComment:
    """Rewrite one of the bot's own comments in place (its marker stays the same)."""

    issue: int
    comment_id: int
    kind: str
    key: str | None
    body: str  # already carries its marker

    def describe(self) -> str:
        key = f":{self.key}" if self.key else ""
        return f"edit comment {self.kind}{key} ({self.comment_id})"


@dataclass(frozen=True)
class CreateIssue:
    """A new issue by the bot (the dashboard); GitHub gives it its number."""

    title: str
    body: str
    labels: tuple[str, ...]
    issue: int = 0  # no number until GitHub gives one

    def describe(self) -> str:
        return f"create issue {self.title!r}"


@dataclass(frozen=True)
class EditIssue:
    """Replace an issue's body (the dashboard's), reopening it when ``reopen``."""

    issue: int
    body: str
    reopen: bool = False

    def describe(self) -> str:
        return "reopen and edit the body" if self.reopen else "edit the body"


@dataclass(frozen=True)
class DeleteComment:
    """Delete one of the bot's comments: a later duplicate of a marker (two racing runs)."""

    issue: int
    comment_id: int
    kind: str
    key: str | None

    def describe(self) -> str:
        key = f":{self.key}" if self.key else ""
        return f"delete comment {self.comment_id} (a duplicate {self.kind}{key})"


Action = (
    PostComment
    | EditComment
    | Assign
    | Unassign
    | AddLabels
    | RemoveLabels
    | Close
    | CreateIssue
    | EditIssue
    | DeleteComment
)
