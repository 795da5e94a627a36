"""The one module that imports PyGithub.

It makes the client every script uses, converts PyGithub objects into the project's
frozen dataclasses at the boundary (reading only attributes the list responses carry,
so no lazy request hides anywhere), and applies planned actions.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from mentoring.core.labels import LabelSpec
from mentoring.core.model import (
    MARKER_RE,
    Action,
    AddLabels,
    Assign,
    Close,
    Comment,
    Event,
    Issue,
    IssueSnapshot,
    PostComment,
    RemoveLabels,
    Unassign,
)

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
READS = frozenset({"GET", "HEAD"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigurationError(Exception):
    """The environment does not say how to reach GitHub."""


class GitHubError(Exception):
    """A request GitHub refused, or did not answer, after the retries SafeRetry allows.

    The one error ``Repo`` raises for a request, so that no other module needs PyGithub's.
    ``status`` is the HTTP status, None when no response came.
    """

    def __init__(
        self, message: str, status: int | None = None, *, rate_limited: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.rate_limited = rate_limited  # not a failure: the next run continues


class WriteFailed(GitHubError):
    """A write could not be completed; the next run will pick it up."""


class RateLimited(WriteFailed):
    """GitHub refused a request for its rate limits: the run stops, the next one continues."""


# What a request ends in when GitHub does not answer it, after the retries SafeRetry allows.
_API_ERRORS = (GithubException, requests.RequestException)


def describe_error(exc: Exception) -> str:
    """A short reason for a failed request, for logs and annotations."""
    if isinstance(exc, GitHubError):
        return str(exc)
    if isinstance(exc, GithubException):
        message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
        return f"HTTP {exc.status}: {message}"
    return type(exc).__name__


def _translate(
    exc: Exception, context: str = "", kind: type[GitHubError] = GitHubError
) -> GitHubError:
    """PyGithub's or requests' exception as a GitHubError (a failed write: WriteFailed,
    or RateLimited when a rate limit refused it)."""
    limited = _rate_limited(exc)
    if limited and kind is WriteFailed:
        kind = RateLimited
    status = exc.status if isinstance(exc, GithubException) else None
    reason = describe_error(exc)
    return kind(f"{context}: {reason}" if context else reason, status, rate_limited=limited)


@contextmanager
def _translated() -> Iterator[None]:
    """Raise GitHubError for whatever a request ends in: the boundary of every Repo call."""
    try:
        yield
    except _API_ERRORS as exc:
        raise _translate(exc) from exc


@dataclass(frozen=True)
class RepoAccess:
    """What GET /repos/{owner}/{repo} says about the token's access."""

    status: int
    has_issues: bool
    archived: bool
    permissions: dict[str, bool] | None  # only for user tokens; GITHUB_TOKEN gets none
    needs: str = ""  # X-Accepted-GitHub-Permissions, when GitHub sends it
    default_branch: str | None = None


def _accepted_permissions(headers: Mapping[str, Any]) -> str:
    """The permissions GitHub says an endpoint needs (fine-grained tokens and apps)."""
    for key, value in headers.items():
        if key.lower() == "x-accepted-github-permissions":
            return str(value)
    return ""


class SafeRetry(Retry):
    """Retries that never re-send a write which may already have been applied.

    - 5xx and connection errors: retried for reads only. A write that got a 5xx may have
      been applied (its response lost); the executor checks before writing again.
    - 403 with Retry-After (a secondary rate limit) and 429: nothing was applied, so any
      request is retried, after the wait GitHub asks for. ``max_wait`` seconds bound all
      the waiting of one client (one run): a wait that would go past it is not begun,
      and the request fails at once with GitHub's answer.
    """

    def __init__(
        self,
        *args: Any,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        waited: list[float] | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_wait = max_wait
        self.sleep_fn = sleep
        # Shared with every copy urllib3 makes (one per attempt), so it counts the run's waits.
        self.waited = [0.0] if waited is None else waited
        kwargs.setdefault("allowed_methods", READS)
        kwargs.setdefault("status_forcelist", (403, 429, 500, 502, 503, 504))
        kwargs.setdefault("respect_retry_after_header", True)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(*args, **kwargs)

    def new(self, **kw: Any) -> SafeRetry:
        kw.setdefault("max_wait", self.max_wait)
        kw.setdefault("sleep", self.sleep_fn)
        kw.setdefault("waited", self.waited)
        return super().new(**kw)  # type: ignore[return-value]

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        header = response.headers.get("Retry-After") if response is not None else None
        if header:
            asked = Retry.parse_retry_after(self, header)  # as asked, before the cap
            if self.waited[0] + asked > self.max_wait:
                log.warning(
                    "GitHub asks to wait %ss; this run has %ss of waiting left, so it gives up",
                    f"{asked:g}",
                    f"{max(self.max_wait - self.waited[0], 0):g}",
                )
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After: {header}"))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if self.total is not None and self.total < 0:
            return False
        if status_code in (403, 429):
            return has_retry_after
        if status_code >= 500:
            return method.upper() in READS
        return False

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), self.max_wait)

    def sleep(self, response: Any = None) -> None:
        if response is not None:
            after = self.get_retry_after(response)
            if after is not None:
                self.waited[0] += after
                self.sleep_fn(after)
                return
        backoff = self.get_backoff_time()
        if backoff > 0:
            self.sleep_fn(backoff)


def make_client(
    env: Mapping[str, str], *, sleep: Callable[[float], None] = time.sleep, retries: int = 4
) -> Github:
    """The GitHub client every script uses, from ``GITHUB_TOKEN`` and ``GITHUB_API_URL``."""
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise ConfigurationError(
            "The environment variable GITHUB_TOKEN is not set. In a workflow, add"
            " `env: GITHUB_TOKEN: ${{ github.token }}` to the step; locally, export a token"
            " with the `issues: write` permission, or use --dry-run with a read-only one."
        )
    base_url = env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL
    if not _https_or_loopback(base_url):
        raise ConfigurationError(
            f"GITHUB_API_URL is {base_url!r}; it must be an https:// URL such as {DEFAULT_API_URL}."
        )
    real_github = base_url.startswith("https://")
    # GitHub asks integrators to space writes; the local sandbox needs no throttling.
    throttle = (
        {} if real_github else {"seconds_between_requests": None, "seconds_between_writes": None}
    )
    return Github(
        base_url=base_url.rstrip("/"),
        auth=Auth.Token(token),
        per_page=100,
        api_version=API_VERSION,
        retry=SafeRetry(total=retries, backoff_factor=0.5, sleep=sleep),
        timeout=30,
        **throttle,
    )


def _https_or_loopback(url: str) -> bool:
    """The token goes only over https, or plain http to this machine (the sandbox)."""
    # By host, not by prefix: http://localhost.example.com or http://127.0.0.1@example.com
    # start like a loopback address but send the token elsewhere in the clear.
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and not parts.username and parts.hostname in LOOPBACK


def repository_name(env: Mapping[str, str]) -> str:
    """``owner/name`` from ``GITHUB_REPOSITORY``, or a clear error."""
    name = env.get("GITHUB_REPOSITORY", "").strip()
    if name.count("/") != 1 or not all(name.split("/")):
        raise ConfigurationError(
            "The environment variable GITHUB_REPOSITORY must be set to owner/name"
            f" (for example astropy/mentoring); it is {name!r}."
        )
    return name


def _time(value: str | datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return datetime.fromtimestamp(0, UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _login(user: Any) -> str:
    if user is None:
        return ""
    if isinstance(user, dict):
        return user.get("login") or ""
    return user.login or ""


def to_issue(obj: Any) -> Issue:
    """Convert a PyGithub Issue from a list or get response (attributes only: no lazy loads)."""
    return Issue(
        number=obj.number,
        title=obj.title or "",
        body=obj.body or "",
        author=_login(obj.user),
        state=obj.state,
        state_reason=obj.state_reason,
        labels=tuple(label.name for label in obj.labels),
        assignees=tuple(_login(user) for user in obj.assignees),
        created_at=_time(obj.created_at),
        updated_at=_time(obj.updated_at),
        # Not `obj.pull_request`: a list item of an issue has no such key, and reading a
        # missing attribute makes PyGithub GET the whole issue again, once per issue.
        is_pull_request="/pull/" in (obj.html_url or ""),
    )


def to_timeline(raw_events: list[dict[str, Any]]) -> tuple[tuple[Event, ...], tuple[Comment, ...]]:
    """Split raw timeline JSON into events and comments."""
    events: list[Event] = []
    comments: list[Comment] = []
    for raw in raw_events:
        kind = raw.get("event")
        if kind == "commented":
            comments.append(
                Comment(
                    id=raw["id"],
                    author=_login(raw.get("user") or raw.get("actor")),
                    body=raw.get("body") or "",
                    created_at=_time(raw.get("created_at")),
                )
            )
            continue
        source = (raw.get("source") or {}).get("issue") or {}
        events.append(
            Event(
                kind=kind or "",
                at=_time(raw.get("created_at")),
                actor=_login(raw.get("actor")) or None,
                assignee=_login(raw.get("assignee")) or None,
                label=(raw.get("label") or {}).get("name"),
                state_reason=raw.get("state_reason"),
                commit_id=raw.get("commit_id"),
                source=source.get("number"),
                source_is_pull="pull_request" in source,
            )
        )
    return tuple(events), tuple(comments)


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
        with _translated():
            for obj in self._repo.get_issues(
                state="open", labels=[label], sort="created", direction="asc"
            ):
                issue = to_issue(obj)
                if not issue.is_pull_request:
                    yield issue

    def issues_by(self, label: str, creator: str) -> list[Issue]:
        """Issues (open or closed) with ``label`` opened by ``creator``."""
        with _translated():
            found = self._repo.get_issues(state="all", labels=[label], creator=creator)
            return [i for i in map(to_issue, found) if not i.is_pull_request]

    def issues_labelled(self, label: str) -> list[Issue]:
        """Every issue (open or closed) with ``label``, 100 a page, pull requests left out."""
        with _translated():
            found = self._repo.get_issues(
                state="all", labels=[label], sort="created", direction="asc"
            )
            return [i for i in map(to_issue, found) if not i.is_pull_request]

    def issue(self, number: int) -> Issue:
        """One issue (or pull request), read afresh."""
        with _translated():
            return to_issue(self._repo.get_issue(number))

    def snapshot(self, issue: Issue) -> IssueSnapshot:
        """The issue with its whole timeline (one request per 100 events)."""
        with _translated():
            handle = self._issue_handle(issue.number)
            raw = [event.raw_data for event in handle.get_timeline()]
        events, comments = to_timeline(raw)
        return IssueSnapshot(issue, events, comments)

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
            raise _translate(exc) from exc
        except requests.RequestException as exc:
            raise _translate(exc) from exc
        if isinstance(content, list):
            return None
        return base64.b64decode(content.content).decode("utf-8")

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

    # --- setup checks (scripts/setup_repo.py) ---------------------------------------

    def access(self) -> RepoAccess:
        """GET the repository: whether it is reachable, has issues, and any user permissions."""
        status, headers, data = self._request("GET", self._repo.url)
        body = data if isinstance(data, dict) else {}
        perms = body.get("permissions")
        return RepoAccess(
            status=status,
            has_issues=bool(body.get("has_issues", True)),
            archived=bool(body.get("archived", False)),
            permissions=dict(perms) if isinstance(perms, dict) else None,
            needs=_accepted_permissions(headers),
            default_branch=body.get("default_branch") or None,
        )

    def labels(self) -> list[LabelSpec]:
        """The repository's labels (one request per 100)."""
        with _translated():
            return [
                LabelSpec(lb.name, (lb.color or "").lower(), lb.description or "")
                for lb in self._repo.get_labels()
            ]

    def create_label(self, spec: LabelSpec) -> None:
        """Create a label."""
        with _translated():
            self._repo.create_label(spec.name, spec.color, spec.description)

    def update_label(self, current_name: str, spec: LabelSpec) -> None:
        """Set colour and description, keeping the label's current name."""
        with _translated():
            label = self._repo.get_label(current_name)
            label.edit(current_name, spec.color, spec.description)

    def assignable(self, login: str) -> bool | None:
        """GET /assignees/{login}: True (204), False (404), None (could not tell)."""
        status, _, _ = self._request("GET", f"{self._repo.url}/assignees/{login}")
        return True if status == 204 else False if status == 404 else None

    def probe_label_write(self) -> tuple[bool | None, str]:
        """Whether the token may write labels, without writing: POST an invalid label.

        GitHub checks access before validating the body: 422 means the write would be
        allowed (and nothing was created), 403/404 means it would not. Returns the answer
        (None: could not tell) and the permission GitHub says it needs, if it says.
        """
        status, headers, _ = self._request(
            "POST", f"{self._repo.url}/labels", {"name": "", "color": "ededed"}
        )
        needs = _accepted_permissions(headers)
        if status == 422:
            return True, needs
        if status in (401, 403, 404):
            return False, needs
        return None, needs

    def _request(
        self, verb: str, url: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any], Any]:
        """One raw request that does not raise on 4xx: status, headers, parsed body."""
        with _translated():
            status, headers, text = self.client.requester.requestJson(verb, url, input=body)
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = None
        return status, headers, data

    # --- writes ---------------------------------------------------------------------

    def apply(self, action: Action, *, check_first: bool = False) -> None:
        """Apply one action; verify before repeating a comment whose response was lost.

        With ``check_first`` (event runs, which may race another run on the same issue),
        look for a comment before the first attempt to post it too. Raises WriteFailed.
        """
        handle = self._issue_handle(action.issue)
        match action:
            case PostComment():
                self._post_once(handle, action, check_first)
            case Assign():
                self._write(lambda: handle.add_to_assignees(*action.users), action)
            case Unassign():
                self._write(lambda: handle.remove_from_assignees(*action.users), action)
            case AddLabels():
                self._write(lambda: handle.add_to_labels(*action.labels), action)
            case RemoveLabels():
                for label in action.labels:
                    self._write(lambda label=label: self._remove_label(handle, label), action)
            case Close():
                self._write(lambda: handle.edit(state="closed", state_reason=action.reason), action)

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
                if not _transient(exc) or attempt == attempts:
                    context = f"#{action.issue}: {action.describe()}"
                    raise _translate(exc, context, WriteFailed) from exc
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
                if not _transient(exc) or attempt == attempts:
                    context = f"#{action.issue}: {action.describe()}"
                    raise _translate(exc, context, WriteFailed) from exc
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
        bot = self.bot_login
        try:
            for comment in handle.get_comments():
                if _login(comment.user).lower() != bot.lower():
                    continue
                for match in MARKER_RE.finditer(comment.body or ""):
                    if match["kind"] == kind and match["key"] == key:
                        return True
        except _API_ERRORS as exc:
            # Not knowing whether it is there, posting could double it: leave it to the next run.
            context = f"#{handle.number}: could not look for the {kind} comment"
            raise _translate(exc, context, WriteFailed) from exc
        return False


def _rate_limited(exc: Exception) -> bool:
    """A rate limit (primary, or secondary beyond what SafeRetry may wait) refused the request."""
    return isinstance(exc, GithubException) and (
        exc.status == 429 or (exc.status == 403 and "rate limit" in str(exc).lower())
    )


def _transient(exc: Exception) -> bool:
    # A rate limit is not: SafeRetry already waited what it may, and each request sent
    # while limited makes it worse.
    if isinstance(exc, GithubException):
        return exc.status >= 500
    return True
