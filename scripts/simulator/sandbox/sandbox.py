"""The public face of the sandbox: start and stop it, act as people, inspect, inject faults."""

from __future__ import annotations

import copy
import hashlib
import threading
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from . import transport as _transport
from .faults import Fault, FaultPlan
from .graphql import POINTS_PER_HOUR, Kept
from .model import ROLES, ElsewherePull, NewIssue, Write
from .search import SearchBudget
from .server import RATE_LIMIT, SandboxHTTPServer
from .shapes import Shapes, iso
from .state import State

DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
TRANSPORTS = ("in-process", "http")


class Sandbox:
    """A stateful in-memory GitHub REST server on 127.0.0.1 that PyGithub talks to."""

    def __init__(
        self,
        owner: str = "astropy",
        repo: str = "mentoring",
        default_branch: str = "main",
        bot_login: str = "github-actions[bot]",
        start: datetime = DEFAULT_START,
        transport: str = "in-process",
    ) -> None:
        """``transport``: how PyGithub in this process reaches it. "in-process" answers
        its requests without a socket (any other client still gets HTTP at ``url``);
        "http" serves every request over loopback HTTP."""
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime (UTC)")
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {TRANSPORTS}, not {transport!r}")
        self.transport = transport
        # What executes GraphQL queries: "projection" (fast) or "graphql-core" (the
        # reference, for tests that hold the two the same).
        self.graphql_engine = "projection"
        self.graphql_kept = Kept()  # what GraphQL's resolvers shaped, for the next query
        self.owner, self.repo, self.bot_login = owner, repo, bot_login
        self.state = State(owner, repo, default_branch, bot_login, start.astimezone(UTC))
        self.lock = self.state.lock
        self.faults = FaultPlan()
        # The Retry-After of injected rate limits (None: no header); random ones draw their
        # own (faults.RETRY_AFTER_CHOICES). GitHub's secondary limits ask for 60 s.
        self.retry_after_seconds: int | None = 60
        self._rate_remaining = RATE_LIMIT
        self._rate_reset = start.astimezone(UTC) + timedelta(hours=1)
        self._points_remaining = POINTS_PER_HOUR  # GraphQL's own budget, in points
        self._points_reset = self._rate_reset
        self.search_budget = SearchBudget()  # the search API's own, a minute at a time
        self._tokens: dict[str, str] = {}
        self._request_log: list[dict[str, Any]] = []
        self._writes: list[dict[str, Any]] = []
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = "http://127.0.0.1:0"
        self.shapes = Shapes(self.state, self.url)

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Start serving on a free loopback port."""
        if self._server is None:
            self._server = SandboxHTTPServer(self)
            self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
            self.shapes = Shapes(self.state, self.url)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.02},
                name="sandbox-github",
                daemon=True,
            )
            self._thread.start()
            if self.transport == "in-process":
                host, port = self._server.server_address[:2]
                _transport.register(self, str(host), int(port))
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            _transport.unregister(self)
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- clock, people, tokens ------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.state.now

    @now.setter
    def now(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("sandbox time must be an aware datetime (UTC)")
        with self.lock:
            if value < self.state.now:
                raise ValueError(f"sandbox time cannot go backwards ({value} < {self.state.now})")
            self.state.now = value.astimezone(UTC)

    def advance(self, **kwargs: float) -> datetime:
        """Move the clock forward by ``timedelta(**kwargs)``; returns the new time."""
        self.now = self.now + timedelta(**kwargs)
        return self.now

    def token_for(self, login: str) -> str:
        """A token whose requests act as ``login``."""
        with self.lock:
            user = self.state.user(login)
            token = "ghs_" + hashlib.sha256(f"sandbox:{user.login.lower()}".encode()).hexdigest()
            self._tokens[token] = user.login
            return token

    def login_for(self, token: str) -> str | None:
        return self._tokens.get(token)

    def add_user(self, login: str, type: str = "User") -> None:
        """Create a user (``type`` "User", "Bot" or "Organization")."""
        with self.lock:
            self.state.user(login, type)

    def set_permission(self, login: str, permission: str) -> None:
        """Make ``login`` a collaborator with this role ("none" removes them)."""
        if permission not in ROLES:
            raise ValueError(f"permission must be one of {ROLES}, not {permission!r}")
        with self.lock:
            self.state.roles[self.state.user(login).login.lower()] = permission

    def permission(self, login: str) -> str:
        """The role ``login`` has on the repository ("none" for anyone else)."""
        with self.lock:
            return self.state.role(login)

    # -- repository content -------------------------------------------------------------
    def set_file(
        self, path: str, text: str, message: str | None = None, by: str | None = None
    ) -> str:
        """Commit one file to the default branch; returns the commit sha."""
        return self.push(by or self.owner, {path: text}, message or f"Update {path}")

    def get_file(self, path: str, ref: str | None = None) -> str | None:
        with self.lock:
            return self.state.tree(ref).get(path)

    def push(self, by: str, files: dict[str, str | None], message: str) -> str:
        """Commit to the default branch (None deletes a file); returns the commit sha."""
        with self.lock:
            return self.state.push(by, files, message)

    def start_workflow_run(self, path: str, event: str) -> int:
        """Note that workflow file ``path`` started a run for ``event`` now; its id."""
        with self.lock:
            return self.state.start_run(path, event).id

    def finish_workflow_run(self, run_id: int, succeeded: bool) -> None:
        """Mark the run completed, a success or a failure, now."""
        with self.lock:
            # Newest first: the run ending is nearly always the last one started, and a
            # simulated year starts thousands.
            run = next(r for r in reversed(self.state.workflow_runs) if r.id == run_id)
            run.status, run.updated_at = "completed", self.now
            run.conclusion = "success" if succeeded else "failure"

    def create_label(self, name: str, color: str = "ededed", description: str = "") -> dict:
        with self.lock:
            return self.shapes.label(self.state.create_label(name, color, description))

    # -- people's actions, as through the web UI ------------------------------------------
    def open_issue(
        self,
        by: str,
        title: str,
        body: str,
        labels: tuple[str, ...] | list[str] = (),
        assignees: tuple[str, ...] | list[str] = (),
        form_labels: tuple[str, ...] | list[str] = (),
    ) -> int:
        """Open an issue as through the web UI. ``form_labels``: the labels of the issue
        form it was opened from; as on GitHub, those the repository lacks are not added
        ("it will not be automatically added to the issue")."""
        with self.lock:
            known = [n for n in form_labels if n.lower() in self.state.labels]
            new = NewIssue(title, body, [*known, *labels], list(assignees))
            issue = self.state.create_issue(by, new, reserved=True)
            return issue.number

    def reserve_numbers(self, count: int) -> None:
        """Keep numbers 1..count for the issues people open (a scenario's), in order."""
        with self.lock:
            self.state.reserved = count

    def comment(self, number: int, by: str, body: str) -> int:
        with self.lock:
            return self.state.add_comment(by, number, body).id

    def react(self, comment_id: int, by: str, content: str) -> None:
        """``by`` reacts to a comment with ``content`` (REST's name: ``+1``, ``heart``, ...)."""
        with self.lock:
            self.state.react(by, comment_id, content)

    def edit_comment(self, comment_id: int, by: str, body: str) -> None:
        with self.lock:
            self.state.edit_comment(by, comment_id, body)

    def rename_label(self, old: str, new: str) -> None:
        """Rename a repository label: issues carry the new name, old events keep the old."""
        with self.lock:
            self.state.update_label(old, new, None, None)

    def delete_comment(self, comment_id: int, by: str) -> None:
        with self.lock:
            self.state.delete_comment(by, comment_id)

    def assign(self, number: int, by: str, users: list[str] | tuple[str, ...]) -> None:
        with self.lock:
            self.state.assign(by, number, list(users))

    def unassign(self, number: int, by: str, users: list[str] | tuple[str, ...]) -> None:
        with self.lock:
            self.state.unassign(by, number, list(users))

    def add_labels(self, number: int, by: str, labels: list[str] | tuple[str, ...]) -> None:
        with self.lock:
            self.state.add_labels(by, number, list(labels))

    def remove_labels(self, number: int, by: str, labels: list[str] | tuple[str, ...]) -> None:
        with self.lock:
            issue = self.state.issue(number)
            on = {n.lower() for n in issue.labels}
            for name in labels:
                if name.lower() in on:
                    self.state.remove_label(by, number, name)

    def close(self, number: int, by: str, reason: str = "completed") -> None:
        with self.lock:
            self.state.close(by, number, reason)

    def reopen(self, number: int, by: str) -> None:
        with self.lock:
            self.state.reopen(by, number)

    def edit_body(self, number: int, by: str, body: str) -> None:
        with self.lock:
            self.state.edit_issue(by, number, body=body)

    def delete_issue(self, number: int, by: str) -> None:
        """An admin deletes an issue (web only): the API answers 410 Gone for it after."""
        with self.lock:
            self.state.delete_issue(number)

    def rename(self, number: int, by: str, title: str) -> None:
        with self.lock:
            self.state.edit_issue(by, number, title=title)

    def open_pull_request(
        self,
        by: str,
        title: str,
        body: str,
        files: dict[str, str | None],
        base: str | None = None,
    ) -> int:
        with self.lock:
            return self.state.open_pull(by, title, body, files, base).number

    def cross_reference_from(
        self, number: int, by: str, repository: str, source: int, merged_pull: bool = True
    ) -> None:
        """Mention issue ``number`` from issue or pull request ``source`` of ``repository``
        (owner/name, another repository)."""
        with self.lock:
            self.state.cross_reference_from(number, by, repository, source, merged_pull)

    def add_pull_elsewhere(
        self,
        repository: str,
        author: str,
        at: datetime | None = None,
        reviewers: tuple[str, ...] = (),
    ) -> None:
        """A pull request by ``author`` in another repository (owner/name), opened at
        ``at`` (default: now) and reviewed by ``reviewers``: only the search API finds it."""
        with self.lock:
            when = (at or self.now).astimezone(UTC)
            state = self.state
            state.user(author)
            number = 1 + sum(1 for p in state.elsewhere if p.repository == repository)
            pull = ElsewherePull(repository, number, state.next_id(), author, when, when, reviewers)
            state.elsewhere.append(pull)

    def search_headers(self) -> dict[str, str]:
        """The search API's rate headers now."""
        return self.search_budget.headers(self.now)

    def merge_pull_request(self, number: int, by: str) -> str:
        with self.lock:
            return self.state.merge_pull(by, number)

    # -- inspection -----------------------------------------------------------------------
    def user(self, login: str) -> dict[str, Any]:
        """A user as GitHub nests it in other objects and in webhook payloads."""
        with self.lock:
            return self.shapes.user(login) or {}

    def repository(self) -> dict[str, Any]:
        with self.lock:
            return self.shapes.repo()

    def issue(self, number: int) -> dict[str, Any]:
        with self.lock:
            return self.shapes.issue(self.state.issue(number))

    def timeline(self, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [self.shapes.fresh_event(e) for e in self.state.timeline(number)]

    def comments(self, number: int) -> list[dict[str, Any]]:
        with self.lock:
            self.state.issue(number)
            return [
                self.shapes.comment(c)
                for c in self.state.comments.values()
                if c.issue == number and not c.deleted
            ]

    def pull(self, number: int) -> dict[str, Any]:
        with self.lock:
            issue = self.state.issue(number)
            if issue.pull is None:
                raise KeyError(f"#{number} is an issue, not a pull request")
            return self.shapes.pull(issue)

    @property
    def request_count(self) -> int:
        """How many requests the log holds, without copying it."""
        with self.lock:
            return len(self._request_log)

    @property
    def request_log(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._request_log)

    @property
    def writes(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._writes)

    def take_request_log(self) -> list[dict[str, Any]]:
        """The requests logged since the last take or clear, handed over without a copy
        (the sandbox keeps none of them: a fault run logs thousands, and a deep copy of
        them all cost more than the run's own requests)."""
        with self.lock:
            taken, self._request_log = self._request_log, []
            return taken

    def clear_logs(self) -> None:
        with self.lock:
            self._request_log.clear()
            self._writes.clear()

    def request_log_append(self, entry: dict[str, Any]) -> None:
        self._request_log.append(entry)

    def record_write(self, write: Write) -> None:
        """Note a write applied through the HTTP API."""
        self._writes.append(write.entry(iso(self.now)))

    # -- faults and rate limits -------------------------------------------------------------
    def inject(
        self,
        kind: Fault,
        method: str | None = None,
        path: str | None = None,
        count: int = 1,
    ) -> None:
        """Give the next ``count`` requests matching ``method`` and ``path`` (a regex) a fault."""
        with self.lock:
            self.faults.inject(kind, method, path, count)

    def set_fault_rate(self, rate: float, seed: int, kinds: list[Fault] | None = None) -> None:
        """Fail each request with probability ``rate``, drawn from ``random.Random(seed)``."""
        with self.lock:
            self.faults.set_rate(rate, seed, kinds)

    @property
    def rate_limit_remaining(self) -> int:
        """Requests left in this hour of sandbox time; as on GitHub, the next hour has all."""
        if self.now >= self._rate_reset:
            hours = (self.now - self._rate_reset) // timedelta(hours=1) + 1
            self._rate_reset += timedelta(hours=hours)
            self._rate_remaining = RATE_LIMIT
        return self._rate_remaining

    @rate_limit_remaining.setter
    def rate_limit_remaining(self, value: int) -> None:
        _ = self.rate_limit_remaining  # move to the current hour first: the value is for it
        self._rate_remaining = value

    @property
    def graphql_points_remaining(self) -> int:
        """GraphQL points left in this hour of sandbox time (a budget apart from REST's)."""
        if self.now >= self._points_reset:
            hours = (self.now - self._points_reset) // timedelta(hours=1) + 1
            self._points_reset += timedelta(hours=hours)
            self._points_remaining = POINTS_PER_HOUR
        return self._points_remaining

    @graphql_points_remaining.setter
    def graphql_points_remaining(self, value: int) -> None:
        _ = self.graphql_points_remaining
        self._points_remaining = value

    @property
    def graphql_reset(self) -> datetime:
        _ = self.graphql_points_remaining
        return self._points_reset

    def graphql_rate_headers(self) -> dict[str, str]:
        remaining = max(self.graphql_points_remaining, 0)
        return {
            "X-RateLimit-Limit": str(POINTS_PER_HOUR),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int(self._points_reset.timestamp())),
            "X-RateLimit-Used": str(POINTS_PER_HOUR - remaining),
            "X-RateLimit-Resource": "graphql",
        }

    def rate_limit_dict(self) -> dict[str, int | str]:
        remaining = max(self.rate_limit_remaining, 0)  # first: it may start a new hour
        reset = int(self._rate_reset.timestamp())
        return {
            "limit": RATE_LIMIT,
            "remaining": remaining,
            "reset": reset,
            "used": max(RATE_LIMIT - remaining, 0),
            "resource": "core",
        }

    def rate_headers(self) -> dict[str, str]:
        return {f"X-RateLimit-{k.title()}": str(v) for k, v in self.rate_limit_dict().items()}
