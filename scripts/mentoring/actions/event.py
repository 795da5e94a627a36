"""The event that started the workflow run: ``GITHUB_EVENT_NAME`` and the payload at
``GITHUB_EVENT_PATH``, read and parsed once, into the few facts the scripts use.

Every field is plain data taken from the payload (nothing is looked up), so the command
lines and the reconciler pass it down instead of reading the file again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Every payload GitHub sends is far smaller; a bigger file is not one of its payloads.
MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class PullRequest:
    """``pull_request`` of a pull_request or pull_request_target payload."""

    number: int | None
    merged: bool
    merge_commit_sha: str | None
    # The base as it was when the pull request was opened or last pushed, not at merge.
    base_sha: str | None
    author: str | None  # pull_request.user.login
    body: str | None = None  # the description: its closing keywords
    base_ref: str | None = None  # the branch it was merged into


@dataclass(frozen=True)
class WorkflowEvent:
    """What started this run. ``name`` is "" outside GitHub Actions."""

    name: str = ""
    path: str = ""  # GITHUB_EVENT_PATH, for messages
    problem: str = ""  # why the payload could not be read, when it could not
    action: str | None = None  # the payload's `action`: opened, created, closed, ...
    issue: int | None = None  # issues and issue_comment: the issue's number
    issue_is_pull_request: bool = False  # issue_comment on a pull request
    pull_request: PullRequest | None = None
    before: str | None = None  # push: the commits before and after
    after: str | None = None
    default_branch: str | None = None  # repository.default_branch

    @property
    def in_actions(self) -> bool:
        """Whether a payload was given (GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are set)."""
        return bool(self.name and self.path)


def read_event(env: Mapping[str, str]) -> WorkflowEvent:
    """The run's event from the environment; ``problem`` says why the payload is unusable."""
    name = env.get("GITHUB_EVENT_NAME", "").strip()
    path = env.get("GITHUB_EVENT_PATH", "").strip()
    if not name or not path:
        return WorkflowEvent(name=name, path=path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ValueError(f"it is over {MAX_BYTES // (1024 * 1024)} MB")
        payload = json.loads(raw)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return WorkflowEvent(
            name=name, path=path, problem=f"The event payload {path} could not be read: {reason}."
        )
    if not isinstance(payload, dict):
        problem = f"The event payload {path} is not a JSON object."
        return WorkflowEvent(name=name, path=path, problem=problem)
    return from_payload(name, payload, path)


def from_payload(name: str, payload: Mapping[str, Any], path: str = "") -> WorkflowEvent:
    """The facts of an event payload (a webhook's JSON object)."""
    issue = _mapping(payload.get("issue"))
    number = issue.get("number")
    pull = payload.get("pull_request")
    return WorkflowEvent(
        name=name,
        path=path,
        action=_text(payload.get("action")),
        issue=number if isinstance(number, int) and not isinstance(number, bool) else None,
        issue_is_pull_request="pull_request" in issue,
        pull_request=_pull_request(pull) if isinstance(pull, dict) else None,
        before=_text(payload.get("before")),
        after=_text(payload.get("after")),
        default_branch=_text(_mapping(payload.get("repository")).get("default_branch")),
    )


def _pull_request(pull: Mapping[str, Any]) -> PullRequest:
    number = pull.get("number")
    return PullRequest(
        number=number if isinstance(number, int) and not isinstance(number, bool) else None,
        merged=pull.get("merged") is True,
        merge_commit_sha=_text(pull.get("merge_commit_sha")),
        base_sha=_text(_mapping(pull.get("base")).get("sha")),
        author=_text(_mapping(pull.get("user")).get("login")),
        body=_text(pull.get("body")),
        base_ref=_text(_mapping(pull.get("base")).get("ref")),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
