"""The sandbox's records (users, labels, issues, comments, events, commits) and its errors."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLES = ("none", "read", "triage", "write", "maintain", "admin")
MAX_ASSIGNEES = 10
# GitHub refuses issue and comment bodies longer than this with a 422.
MAX_BODY = 65_536
# GitHub's closing keywords: https://docs.github.com/issues/tracking-your-work-with-issues/
# using-issues/linking-a-pull-request-to-an-issue
CLOSING = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:([\w.-]+)/([\w.-]+))?#(\d+)\b",
    re.IGNORECASE,
)
MENTION = re.compile(r"(?<![\w/#])(?:([\w.-]+)/([\w.-]+))?#(\d+)\b")


class ApiError(Exception):
    """An error the HTTP API answers with GitHub's status and message."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors


def check_body(resource: str, body: str | None) -> None:
    """GitHub's 422 for a body over its cap."""
    if body is not None and len(body) > MAX_BODY:
        raise invalid(
            resource,
            "body",
            "custom",
            message=f"body is too long (maximum is {MAX_BODY} characters)",
        )


def not_found() -> ApiError:
    """GitHub's 404."""
    return ApiError(404, "Not Found")


def invalid(resource: str, field_: str, code: str = "invalid", **extra: object) -> ApiError:
    """GitHub's 422 Validation Failed with one error."""
    return ApiError(
        422, "Validation Failed", [{"resource": resource, "code": code, "field": field_, **extra}]
    )


def blob_sha(text: str) -> str:
    """Git's blob id of a file's text."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class Encoded(dict[str, Any]):
    """A JSON object sent unchanged in answer after answer (a GraphQL issue's answer, a
    timeline item): its text is made once, when first sent (``graphql.dumpb``). Never
    changed once made: every answer holding it shares it."""

    __slots__ = ("text",)

    def __init__(self, value: dict[str, Any]) -> None:
        super().__init__(value)
        self.text: bytes | None = None


class Watch:
    """How many changes the records watched with it have had (:class:`Watched`)."""

    __slots__ = ("changes",)

    def __init__(self) -> None:
        self.changes = 0


class Watched:
    """A record that counts each change made to it (an attribute set or deleted) on every
    :class:`Watch` it is watched with: GraphQL keeps an issue's answer while the count of
    the records it was made from stands still (``graphql.Kept``).

    Every change to a record's own values is one of those: their values are immutable
    (strings, numbers, datetimes, tuples) or records themselves, but for an issue's
    ``labels`` and ``assignees`` lists, which a watcher compares itself, and a pull
    request's ``changes``, which GraphQL does not show. A copy (``dataclasses.replace``)
    is watched with nothing.
    """

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        watches = self.__dict__.get("_watches")
        if watches:
            for watch in watches:
                watch.changes += 1

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        watches = self.__dict__.get("_watches")
        if watches:
            for watch in watches:
                watch.changes += 1

    def watch(self, watch: Watch) -> None:
        """Count every change from now on on ``watch`` too."""
        watch_all((self,), watch)


def watch_all(values: Iterable[object], watch: Watch) -> None:
    """Watch each record among these values with ``watch`` (the others are no record)."""
    for value in values:
        if isinstance(value, Watched):
            watches = value.__dict__.get("_watches")
            if watches is None:
                value.__dict__["_watches"] = {watch}  # the watches are not the record's own
            else:
                watches.add(watch)


@dataclass
class User(Watched):
    login: str
    id: int
    type: str


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str
    default: bool = False


# GitHub's reaction contents: REST's names, and GraphQL's ReactionContent for each
# (the `reaction` schema's enum in tests/openapi; ReactionContent in graphql_schema).
REACTIONS = {
    "+1": "THUMBS_UP",
    "-1": "THUMBS_DOWN",
    "laugh": "LAUGH",
    "confused": "CONFUSED",
    "heart": "HEART",
    "hooray": "HOORAY",
    "rocket": "ROCKET",
    "eyes": "EYES",
}


@dataclass(frozen=True)
class Reaction:
    """One person's emoji on a comment (one of each content per person, as on GitHub)."""

    id: int
    user: str
    content: str  # REST's name: a key of REACTIONS
    created_at: datetime


@dataclass
class Comment(Watched):
    id: int
    issue: int
    user: str
    body: str
    created_at: datetime
    updated_at: datetime
    deleted: bool = False
    # Set anew (a tuple) on each reaction, so a change counts on GraphQL's watches; a
    # reaction moves neither the comment's updated_at nor the issue's.
    reactions: tuple[Reaction, ...] = ()


@dataclass
class Event(Watched):
    id: int
    issue: int
    event: str
    actor: str
    created_at: datetime
    assignee: str | None = None
    label: tuple[str, str] | None = None
    rename: tuple[str, str] | None = None
    state_reason: str | None = None
    commit_id: str | None = None
    comment: int | None = None
    source: int | None = None
    # A cross-reference from another repository: (full name, number, is a merged pull).
    foreign: tuple[str, int, bool] | None = None


@dataclass
class Commit:
    sha: str
    tree: dict[str, str]
    parents: list[str]
    message: str
    author: str
    at: datetime


@dataclass
class WorkflowRun:
    """A run of one of the repository's workflows, as the simulator started it."""

    id: int
    path: str  # the workflow file: .github/workflows/NAME.yml
    event: str  # what started it: schedule, issues, issue_comment, ...
    head_sha: str
    created_at: datetime
    updated_at: datetime
    status: str = "in_progress"
    conclusion: str | None = None  # success or failure once completed


@dataclass
class Pull(Watched):
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    changes: dict[str, str | None]
    merged_at: datetime | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None


@dataclass
class Issue(Watched):
    number: int
    id: int
    user: str
    title: str
    body: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    closed_at: datetime | None = None
    closed_by: str | None = None
    pull: Pull | None = None


@dataclass(frozen=True)
class NewIssue:
    """What an issue is opened with: title, body, and the labels and assignees asked for."""

    title: str
    body: str | None
    labels: Sequence[str] = ()
    assignees: Sequence[str] = ()


@dataclass(frozen=True)
class Write:
    """A write applied through the HTTP API: what it did (``kind``: comment, close, ...),
    who did it, and what it names."""

    kind: str
    actor: str
    issue: int | None = None
    comment_id: int | None = None
    body: str | None = None
    users: Sequence[str] | None = None
    labels: Sequence[str] | None = None
    state_reason: str | None = None
    title: str | None = None

    def entry(self, at: str) -> dict[str, Any]:
        """The write as ``Sandbox.writes`` lists it, made ``at`` that time."""
        title = {"title": self.title} if self.title is not None else {}
        return {
            **title,
            "at": at,
            "actor": self.actor,
            "type": self.kind,
            "issue": self.issue,
            "comment_id": self.comment_id,
            "body": self.body,
            "users": list(self.users or []),
            "labels": list(self.labels or []),
            "state_reason": self.state_reason,
        }


@dataclass(frozen=True)
class ElsewherePull:
    """A pull request in another repository, as a search result needs it."""

    repository: str  # owner/name
    number: int
    id: int
    author: str
    created_at: datetime
    updated_at: datetime
    reviewers: tuple[str, ...] = ()
