"""What only setup asks of the repository: access, labels, assignability, write rights.

Kept apart from :class:`~mentoring.github.repository.Repo`, which the reconciler uses, so
that the reconciler's boundary stays the few reads and writes it needs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from github import Github

from mentoring.core.labels import LabelSpec
from mentoring.github.client import translated


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


class Probes:
    """Setup's checks on one repository; every method raises GitHubError, not PyGithub's."""

    def __init__(self, client: Github, full_name: str) -> None:
        self.client = client
        self.full_name = full_name
        self._repo = client.withLazy(True).get_repo(full_name)  # no request until a read

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
        with translated():
            return [
                LabelSpec(lb.name, (lb.color or "").lower(), lb.description or "")
                for lb in self._repo.get_labels()
            ]

    def open_issues_labelled(self, label: str) -> list[tuple[int, tuple[str, ...], str]]:
        """Number, labels and body of every open issue with ``label`` (one request per 100)."""
        with translated():
            return [
                (i.number, tuple(lb.name for lb in i.labels), i.body or "")
                for i in self._repo.get_issues(state="open", labels=[label])
                if i.pull_request is None
            ]

    def create_label(self, spec: LabelSpec) -> None:
        """Create a label."""
        with translated():
            self._repo.create_label(spec.name, spec.color, spec.description)

    def update_label(self, current_name: str, spec: LabelSpec) -> None:
        """Set colour and description, keeping the label's current name."""
        with translated():
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
        with translated():
            status, headers, text = self.client.requester.requestJson(verb, url, input=body)
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = None
        return status, headers, data
