"""One repository, as the reconciler and the participants check see it.

Reads convert PyGithub objects and timeline JSON into the project's frozen dataclasses
(reading only attributes the list responses carry, so no lazy request hides anywhere),
and :meth:`Repo.apply` carries out planned actions, never posting a comment twice.
"""

from __future__ import annotations

import base64
import functools
import logging
import urllib.parse
from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, assert_never

import requests
from github import Consts, Github, GithubException
from github.GithubObject import NonCompletableGithubObject
from github.PaginatedList import PaginatedList

from mentoring.core.calendar import bot_comments
from mentoring.core.health import ScheduledRun
from mentoring.core.model import (
    Action,
    AddLabels,
    Assign,
    Close,
    Comment,
    CreateIssue,
    DeleteComment,
    EditComment,
    EditIssue,
    Event,
    Issue,
    IssueSnapshot,
    PostComment,
    Reaction,
    RemoveLabels,
    Unassign,
    was_edited,
)
from mentoring.core.site import Site
from mentoring.core.times import parse_utc
from mentoring.github.client import (
    API_ERRORS,
    GitHubError,
    WriteFailed,
    describe_error,
    is_transient,
    translate,
    translated,
)

log = logging.getLogger(__name__)

EPOCH = datetime.fromtimestamp(0, UTC)


def _json_time(value: str | datetime | None) -> datetime:
    """A time GitHub sent (ISO 8601 text, or PyGithub's datetime); the epoch when absent."""
    return parse_utc(value) if value else EPOCH


def _json_login(user: Any) -> str:
    if user is None:
        return ""
    if isinstance(user, dict):
        return user.get("login") or ""
    return user.login or ""


class _Raw(NonCompletableGithubObject):
    """An item of a list, kept as GitHub's JSON (``raw_data``): PyGithub pages through the
    list, with its retries and errors, without reading each item into attributes."""

    def _initAttributes(self) -> None:
        pass

    def _useAttributes(self, attributes: dict[str, Any]) -> None:
        pass


def issue_from_json(obj: Any) -> Issue:
    """Convert a PyGithub Issue from a list or get response (attributes only: no lazy loads)."""
    return Issue(
        number=obj.number,
        title=obj.title or "",
        body=obj.body or "",
        author=_json_login(obj.user),
        state=obj.state,
        state_reason=obj.state_reason,
        labels=tuple(label.name for label in obj.labels),
        assignees=tuple(_json_login(user) for user in obj.assignees),
        created_at=_json_time(obj.created_at),
        updated_at=_json_time(obj.updated_at),
        # Not `obj.pull_request`: a list item of an issue has no such key, and reading a
        # missing attribute makes PyGithub GET the whole issue again, once per issue.
        is_pull_request="/pull/" in (obj.html_url or ""),
        closed_at=_json_time(obj.closed_at) if obj.closed_at else None,
    )


def comment_from_json(obj: Any) -> Comment:
    """Convert a PyGithub IssueComment from a list response."""
    return Comment(
        id=obj.id,
        author=_json_login(obj.user),
        body=obj.body or "",
        created_at=_json_time(obj.created_at),
    )


def timeline_from_json(
    raw_events: list[dict[str, Any]], repository: str | None = None
) -> tuple[tuple[Event, ...], tuple[Comment, ...]]:
    """Split raw timeline JSON into events and comments (``repository``: owner/name of the
    issue's own, so a cross-reference from another one is marked foreign)."""
    events: list[Event] = []
    comments: list[Comment] = []
    for raw in raw_events:
        kind = raw.get("event")
        if kind == "commented":
            created = _json_time(raw.get("created_at"))
            updated = raw.get("updated_at")
            comments.append(
                Comment(
                    id=raw["id"],
                    author=_json_login(raw.get("user") or raw.get("actor")),
                    body=raw.get("body") or "",
                    created_at=created,
                    # GitHub's timeline comment event carries `updated_at` (the OpenAPI
                    # schema timeline-comment-event); it moves on an edit of the body.
                    edited=was_edited(created, _json_time(updated) if updated else None),
                )
            )
            continue
        source = (raw.get("source") or {}).get("issue") or {}
        source_repo = (source.get("repository") or {}).get("full_name")
        merged_at = (source.get("pull_request") or {}).get("merged_at")
        events.append(
            Event(
                kind=kind or "",
                at=_json_time(raw.get("created_at")),
                actor=_json_login(raw.get("actor")) or None,
                assignee=_json_login(raw.get("assignee")) or None,
                label=(raw.get("label") or {}).get("name"),
                state_reason=raw.get("state_reason"),
                commit_id=raw.get("commit_id"),
                source=source.get("number"),
                source_is_pull="pull_request" in source,
                source_foreign=bool(
                    repository and source_repo and source_repo.lower() != repository.lower()
                ),
                source_merged_at=_json_time(merged_at) if merged_at else None,
            )
        )
    return tuple(events), tuple(comments)


def reaction_from_json(raw: dict[str, Any]) -> Reaction:
    """One item of "List reactions for an issue comment" (the ``reaction`` schema)."""
    return Reaction(
        by=_json_login(raw.get("user")),
        content=str(raw.get("content") or ""),
        at=_json_time(raw.get("created_at")),
    )


def _counted(raw: dict[str, Any]) -> bool:
    """Whether a comment's roll-up (``reactions.total_count``) counts any reaction."""
    return bool((raw.get("reactions") or {}).get("total_count"))


def reacted_on(raw_events: list[dict[str, Any]]) -> set[int]:
    """The timeline's comments whose roll-up counts a reaction (``reactions.total_count``:
    the list endpoint is asked only for those)."""
    return {raw["id"] for raw in raw_events if raw.get("event") == "commented" and _counted(raw)}


# Which of a snapshot's comments to read reactions for (``core.planner.reactions_wanted``).
ReactionsWanted = Callable[[IssueSnapshot], Collection[int]]


def with_reactions(
    snapshot: IssueSnapshot, found: dict[int, tuple[Reaction, ...]]
) -> IssueSnapshot:
    """The snapshot with the reactions read for some of its comments (by id)."""
    if not found:
        return snapshot
    comments = tuple(
        replace(c, reactions=found[c.id]) if c.id in found else c for c in snapshot.comments
    )
    return replace(snapshot, comments=comments)


class Repo:
    """The few operations the scripts need, on one repository."""

    def __init__(self, client: Github, full_name: str, *, bot_login: str) -> None:
        self.client = client
        self.full_name = full_name
        self.bot_login = bot_login  # only this login's comments count as the bot's
        # Lazy: no request until something is read; a lazy Issue builds its URLs
        # (comments, labels, timeline) from its number without fetching it.
        self._repo = client.withLazy(True).get_repo(full_name)

    # Every public method raises GitHubError, never PyGithub's or requests' exceptions.

    def open_issues(self, label: str) -> Iterator[Issue]:
        """Open issues carrying ``label``, 100 a page, pull requests left out."""
        with translated():
            for obj in self._repo.get_issues(
                state="open", labels=[label], sort="created", direction="asc"
            ):
                issue = issue_from_json(obj)
                if not issue.is_pull_request:
                    yield issue

    def closed_issues(self, label: str, since: datetime) -> list[Issue]:
        """Closed issues with ``label`` updated at or after ``since`` (no pull requests).

        GitHub's ``since`` filters by updated_at: this includes every issue closed since
        then, and some closed earlier but touched since; callers filter by closed_at.
        """
        with translated():
            found = self._repo.get_issues(state="closed", labels=[label], since=since)
            return [i for i in map(issue_from_json, found) if not i.is_pull_request]

    def first_parent(self, sha: str) -> str | None:
        """The first parent of commit ``sha`` (for a merge commit: the branch before it)."""
        with translated():
            parents = self._repo.get_commit(sha).parents  # one GET /commits/{sha}
            return parents[0].sha if parents else None

    def issues_by(self, label: str, creator: str) -> list[Issue]:
        """Issues (open or closed) with ``label`` opened by ``creator``."""
        with translated():
            # PyGithub documents and accepts a login here; its annotation says NamedUser only.
            found = self._repo.get_issues(state="all", labels=[label], creator=creator)  # type: ignore[arg-type]
            return [i for i in map(issue_from_json, found) if not i.is_pull_request]

    def issues_labelled(self, label: str) -> list[Issue]:
        """Every issue (open or closed) with ``label``, 100 a page, pull requests left out."""
        with translated():
            found = self._repo.get_issues(
                state="all", labels=[label], sort="created", direction="asc"
            )
            return [i for i in map(issue_from_json, found) if not i.is_pull_request]

    def comments(self, number: int, since: datetime | None = None) -> list[Comment]:
        """An issue's comments (updated since ``since``, when given), 100 a page."""
        with translated():
            handle = self._issue_handle(number)
            found = handle.get_comments(since=since) if since else handle.get_comments()
            return [comment_from_json(c) for c in found]

    def issue(self, number: int) -> Issue:
        """One issue (or pull request), read afresh.

        Raises :class:`GitHubError` with status 301 for an issue transferred to another
        repository: GitHub answers "Get an issue" with 301 Moved Permanently then, and
        PyGithub follows it to the issue over there, whose number is not one of this
        repository's (reading or writing by it here would reach another issue).
        """
        with translated():
            obj = self._repo.get_issue(number)
            found = issue_from_json(obj)
            home = urllib.parse.urlparse(obj.repository_url or "").path.rstrip("/")
        if home and not home.lower().endswith(f"/repos/{self.full_name}".lower()):
            where = home.rsplit("/repos/", 1)[-1]
            raise GitHubError(f"#{number} was transferred to {where}", 301)
        return found

    def snapshot(self, issue: Issue, wanted: ReactionsWanted | None = None) -> IssueSnapshot:
        """The issue with its whole timeline (one request per 100 events), and the
        reactions on the comments ``wanted`` names whose roll-up counts any (one request
        each per 100 reactions)."""
        with translated():
            handle = self._issue_handle(issue.number)
            # Issue.get_timeline's own list (its URL, media type and pages), each item kept
            # as GitHub's JSON, which is what timeline_from_json reads: building PyGithub's object
            # of every item, only to take its raw data, cost more than the rest of a run.
            pages = PaginatedList(
                _Raw,
                self._repo.requester,
                f"{handle.url}/timeline",
                None,
                headers={"Accept": Consts.issueTimelineEventsPreview},
            )
            raw = [item.raw_data for item in pages]
        events, comments = timeline_from_json(raw, self.full_name)
        snapshot = IssueSnapshot(issue, events, comments)
        if wanted is None:
            return snapshot
        ids = set(wanted(snapshot)) & reacted_on(raw)
        return with_reactions(snapshot, {i: self.reactions(i) for i in sorted(ids)})

    def reacted_since(self, number: int, since: datetime) -> set[int]:
        """The issue's comments updated since ``since`` whose roll-up counts a reaction
        (``reactions.total_count`` of "List issue comments"), 100 a page."""
        with translated():
            pages = PaginatedList(
                _Raw,
                self._repo.requester,
                f"{self._repo.url}/issues/{number}/comments",
                {"since": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "per_page": 100},
            )
            return {int(item.raw_data["id"]) for item in pages if _counted(item.raw_data)}

    def reactions(self, comment_id: int) -> tuple[Reaction, ...]:
        """Every reaction on a comment, oldest first (100 a page)."""
        with translated():
            pages = PaginatedList(
                _Raw,
                self._repo.requester,
                f"{self._repo.url}/issues/comments/{comment_id}/reactions",
                {"per_page": 100},
            )
            return tuple(reaction_from_json(item.raw_data) for item in pages)

    def _issue_handle(self, number: int) -> Any:
        return self._repo.get_issue(number)

    def file_text(self, path: str, ref: str | None = None) -> str | None:
        """A file's text on ``ref`` (default branch when None), or None if it is missing."""
        try:
            content = (
                self._repo.get_contents(path, ref=ref) if ref else self._repo.get_contents(path)
            )
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise translate(exc) from exc
        except requests.RequestException as exc:
            raise translate(exc) from exc
        if isinstance(content, list):
            return None
        return base64.b64decode(content.content).decode("utf-8")

    def file_text_before(self, path: str, until: datetime) -> str | None:
        """A file's text on the default branch as it stood at ``until``: the last commit
        that changed it then or before (one ``GET /commits?path=&until=&per_page=1``), and
        the file at that commit (one ``GET /contents``, none when no commit had it)."""
        with translated():
            _, found = self._repo.requester.requestJsonAndCheck(
                "GET",
                f"{self._repo.url}/commits",
                parameters={
                    "path": path,
                    "until": until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "per_page": 1,
                },
            )
        if not isinstance(found, list) or not found:
            return None  # not in the repository yet
        return self.file_text(path, ref=str(found[0]["sha"]))

    def last_changed(self, path: str) -> datetime | None:
        """When the default branch's last commit that changed ``path`` was committed, or
        None when no commit has it (one ``GET /commits?path=&per_page=1``)."""
        with translated():
            _, found = self._repo.requester.requestJsonAndCheck(
                "GET", f"{self._repo.url}/commits", parameters={"path": path, "per_page": 1}
            )
        if not isinstance(found, list) or not found:
            return None
        return _json_time(found[0]["commit"]["committer"]["date"])

    def site(self) -> Site:
        """The repository's name, web address and default branch (one request)."""
        with translated():
            _, data = self._repo.requester.requestJsonAndCheck("GET", self._repo.url)
        return Site(
            full_name=data.get("full_name") or self.full_name,
            html_url=(data.get("html_url") or "").rstrip("/"),
            default_branch=data.get("default_branch") or "main",
        )

    def latest_scheduled_run(self, workflow: str) -> ScheduledRun | None:
        """The latest run the schedule of workflow file ``workflow`` started (one request;
        the token needs `actions: read`), None if it never started one."""
        with translated():
            _, data = self._repo.requester.requestJsonAndCheck(
                "GET",
                f"{self._repo.url}/actions/workflows/{urllib.parse.quote(workflow)}/runs",
                parameters={"event": "schedule", "per_page": 1},  # newest first
            )
        runs = data.get("workflow_runs") or []
        if not runs:
            return None
        return ScheduledRun(_json_time(runs[0].get("created_at")), runs[0].get("conclusion"))

    def graphql_query(
        self, query: str, variables: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """PyGithub's GraphQL call, with this client's auth and retries (raises its errors)."""
        requester = self._repo.requester
        # GitHub answers GraphQL with the X-RateLimit headers of its own budget (points,
        # resource "graphql"), which PyGithub would take for the REST budget that
        # rate_remaining() reports. The GraphQL reader reads its points from the query.
        rest = requester.rate_limiting, requester.rate_limiting_resettime
        try:
            return requester.graphql_query(query, variables)
        finally:
            requester.rate_limiting, requester.rate_limiting_resettime = rest

    def rate_remaining(self) -> int | None:
        """X-RateLimit-Remaining of the last response, without a request."""
        # The lazy repository's requester: withLazy made a client of its own, and every
        # request goes through it; the one it was made from never sees a response.
        remaining = self._repo.requester.rate_limiting[0]
        return remaining if remaining >= 0 else None

    # --- writes ---------------------------------------------------------------------

    def apply(self, action: Action, *, check_first: bool = False) -> None:
        """Apply one action; verify before repeating a comment whose response was lost.

        With ``check_first`` (event runs, which may race another run on the same issue),
        look for a comment before the first attempt to post it too. Raises WriteFailed.
        """
        if isinstance(action, CreateIssue):
            self.create_issue(action)
            return
        handle = self._issue_handle(action.issue)
        match action:
            case PostComment():
                self._post_once(handle, action, check_first)
            case EditComment():
                self._write(lambda: self._edit_comment(action), action)
            case Assign():
                self._write(lambda: handle.add_to_assignees(*action.users), action)
            case Unassign():
                self._write(lambda: handle.remove_from_assignees(*action.users), action)
            case AddLabels():
                self._write(lambda: handle.add_to_labels(*action.labels), action)
            case RemoveLabels():
                for label in action.labels:
                    self._write(functools.partial(self._remove_label, handle, label), action)
            case Close():
                self._write(lambda: handle.edit(state="closed", state_reason=action.reason), action)
            case EditIssue():
                state = {"state": "open"} if action.reopen else {}
                self._write(lambda: handle.edit(body=action.body, **state), action)
            case DeleteComment():
                self._write(functools.partial(self._delete_comment, action.comment_id), action)
            case _:
                assert_never(action)

    def create_issue(self, action: CreateIssue) -> Issue:
        """Create an issue once: after a failure whose response was lost, look for it
        (open, by the bot, with its first label) before sending it again."""
        for attempt in range(1, 4):
            try:
                created = self._repo.create_issue(
                    title=action.title, body=action.body, labels=list(action.labels)
                )
                return issue_from_json(created)
            except API_ERRORS as exc:
                if not is_transient(exc) or attempt == 3:
                    raise translate(exc, action.describe(), WriteFailed) from exc
                made = [
                    i
                    for i in self.issues_labelled(action.labels[0])
                    if i.author.lower() == self.bot_login.lower() and i.state == "open"
                ]
                if made:
                    log.warning("%s was applied though its response was lost", action.describe())
                    return made[-1]
        raise AssertionError("unreachable")

    def _edit_comment(self, action: EditComment) -> None:
        # PATCH /repos/{owner}/{repo}/issues/comments/{id}: setting the same body again is
        # harmless, so a retry after a lost response cannot double anything.
        self._repo.requester.requestJsonAndCheck(
            "PATCH",
            f"{self._repo.url}/issues/comments/{action.comment_id}",
            input={"body": action.body},
        )

    def _delete_comment(self, comment_id: int) -> None:
        # One DELETE, without reading the comment first (PyGithub would GET it).
        try:
            self._repo.requester.requestJsonAndCheck(
                "DELETE", f"{self._repo.url}/issues/comments/{comment_id}"
            )
        except GithubException as exc:
            if exc.status != 404:  # already gone (another run healed it): the goal is met
                raise

    @staticmethod
    def _remove_label(handle: Any, label: str) -> None:
        try:
            handle.remove_from_labels(label)
        except GithubException as exc:
            if exc.status != 404:  # already gone: the goal is met
                raise

    def _write(self, send: Callable[[], object], action: Action, attempts: int = 3) -> None:
        """Idempotent writes (labels, assignees, state) can simply be sent again."""
        for attempt in range(1, attempts + 1):
            try:
                send()
                return
            except (GithubException, requests.RequestException) as exc:
                if not is_transient(exc) or attempt == attempts:
                    context = f"#{action.issue}: {action.describe()}"
                    raise translate(exc, context, WriteFailed) from exc
                log.warning(
                    "#%s: %s failed (%s); sending again",
                    action.issue,
                    action.describe(),
                    describe_error(exc),
                )

    def _post_once(
        self, handle: Any, action: PostComment, check_first: bool, attempts: int = 3
    ) -> None:
        """Post a comment; after an unclear failure, look for it before posting again."""
        if check_first and self._has_marker(handle, action.kind, action.key):
            log.info("#%s: %s is already there (another run posted it)", action.issue, action.kind)
            return
        for attempt in range(1, attempts + 1):
            try:
                handle.create_comment(action.body)
                return
            except (GithubException, requests.RequestException) as exc:
                if not is_transient(exc) or attempt == attempts:
                    context = f"#{action.issue}: {action.describe()}"
                    raise translate(exc, context, WriteFailed) from exc
                if self._has_marker(handle, action.kind, action.key):
                    log.warning(
                        "#%s: %s was applied though its response was lost",
                        action.issue,
                        action.kind,
                    )
                    return
                log.warning(
                    "#%s: posting %s failed (%s); posting again",
                    action.issue,
                    action.kind,
                    describe_error(exc),
                )

    def _has_marker(self, handle: Any, kind: str, key: str | None) -> bool:
        """Whether the bot's comment with this marker is on the issue (core's one scanner).

        One comment at a time, so the pages after the one it is found on are not read.
        """
        try:
            for obj in handle.get_comments():
                found = bot_comments([comment_from_json(obj)], self.bot_login)
                if any(c.kind == kind and c.key == key for c in found):
                    return True
        except API_ERRORS as exc:
            # Not knowing whether it is there, posting could double it: leave it to the next run.
            context = f"#{handle.number}: could not look for the {kind} comment"
            raise translate(exc, context, WriteFailed) from exc
        return False
