"""GitHub's JSON shapes for the sandbox's objects, with the sandbox's own host in every URL."""

from __future__ import annotations

import base64
import difflib
import functools
import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, overload
from urllib.parse import quote

from .model import (
    REACTIONS,
    Comment,
    Commit,
    Encoded,
    Event,
    Issue,
    Label,
    Reaction,
    WorkflowRun,
    blob_sha,
)
from .state import State

DOCS = "https://docs.github.com/rest"


@overload
def iso(dt: datetime) -> str: ...
@overload
def iso(dt: None) -> None: ...
def iso(dt: datetime | None) -> str | None:
    """GitHub's timestamp format: 2026-01-05T10:00:00Z."""
    if dt is None:
        return None
    if dt.tzinfo is UTC:  # the sandbox's own times: the same few, over and over
        return _iso_utc(dt)
    return dt.strftime(_ISO)


_ISO = "%Y-%m-%dT%H:%M:%SZ"


@functools.lru_cache(maxsize=1 << 16)
def _iso_utc(dt: datetime) -> str:
    # strftime costs microseconds on an aware datetime, and a GraphQL page of 50
    # timelines formats thousands of timestamps. Only UTC ones are kept: a time in another
    # zone is equal to its UTC twin but has other fields to format.
    return dt.strftime(_ISO)


def node_id(prefix: str, ident: int | str) -> str:
    return prefix + base64.b64encode(f"sandbox:{ident}".encode()).decode().rstrip("=")


def reactions(url: str, given: Sequence[Reaction] = ()) -> dict[str, Any]:
    """The roll-up GitHub puts on an issue or comment (``reaction-rollup``): counts only."""
    counts = dict.fromkeys(REACTIONS, 0)
    for r in given:
        counts[r.content] += 1
    return {"url": f"{url}/reactions", "total_count": len(given), **counts}


# The repository's URL templates: each is NAME[:PATH], NAME{...} for NAME/{...}.
_REPO_URLS = (
    "archive:{archive_format}{/ref} assignees{/user} blobs:git/blobs{/sha}"
    " branches{/branch}"
    " collaborators{/collaborator} comments{/number} commits{/sha}"
    " compare{/base}...{head} contents{/path} contributors deployments downloads events"
    " forks git_commits:git/commits{/sha} git_refs:git/refs{/sha} git_tags:git/tags{/sha}"
    " hooks issue_comment:issues/comments{/number} issue_events:issues/events{/number}"
    " issues{/number} keys{/key_id} labels{/name} languages merges"
    " milestones{/number} notifications{?since,all,participating} pulls{/number}"
    " releases{/id} stargazers statuses{/sha} subscribers subscription tags teams"
    " trees:git/trees{/sha}"
)


def _repo_urls(api: str) -> dict[str, str]:
    """The repository's ``*_url`` fields, under its API URL ``api``."""
    urls = {}
    for spec in _REPO_URLS.split():
        key, _, path = spec.partition(":")
        key = key.split("{")[0]
        urls[f"{key}_url"] = f"{api}/{path or spec}"
    return urls


WEB = "https://web.sandbox.invalid"  # the sandbox's github.com (.invalid: never a real host)


class Shapes:
    """Renders state objects as the dicts GitHub's REST API returns."""

    def __init__(self, state: State, base: str) -> None:
        self.s = state
        self.base = base
        self.repo_api = f"{base}/repos/{state.owner}/{state.repo}"
        # As on GitHub, web pages live on another host than the API (github.com beside
        # api.github.com), and one that does not change from run to run, so links the bot
        # writes into comments are the same whichever port the sandbox listens on.
        self.web = WEB
        self.repo_html = f"{WEB}/{state.owner}/{state.repo}"
        self.repo_urls = _repo_urls(self.repo_api)
        self._users: dict[tuple[str, int, str], dict[str, Any]] = {}
        # Each timeline item as last shaped, by event id, and each issue of a list, by
        # number, with what it was shaped from (event, listed_issue).
        self._events: dict[int, tuple[tuple[Any, ...], Encoded]] = {}
        self._listed: dict[int, tuple[tuple[Any, ...], Encoded]] = {}

    @overload
    def user(self, login: str) -> dict[str, Any]: ...
    @overload
    def user(self, login: None) -> None: ...
    def user(self, login: str | None) -> dict[str, Any] | None:
        if login is None:
            return None
        u = self.s.user(login)
        # Every issue, comment and event carries users: each is shaped once (by all it
        # reads), and handed out as a copy of its own, so no caller's change reaches another.
        key = (u.login, u.id, u.type)
        shaped = self._users.get(key)
        if shaped is None:
            shaped = self._users[key] = self._user(*key)
        return dict(shaped)

    def _user(self, login: str, id_: int, type_: str) -> dict[str, Any]:
        api = f"{self.base}/users/{quote(login)}"
        return {
            "login": login,
            "id": id_,
            "node_id": node_id("U_" if type_ != "Bot" else "BOT_", id_),
            "avatar_url": f"{self.base}/avatars/u/{id_}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.web}/{quote(login)}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": type_,
            "user_view_type": "public",
            "site_admin": False,
        }

    def association(self, login: str) -> str:
        if login.lower() == self.s.owner.lower():
            return "OWNER"
        if self.s.at_least(login, "triage"):
            return "MEMBER"
        if self.s.at_least(login, "read"):
            return "COLLABORATOR"
        return "NONE"

    def label(self, label: Label) -> dict[str, Any]:
        return {
            "id": label.id,
            "node_id": node_id("LA_", label.id),
            "url": f"{self.repo_api}/labels/{quote(label.name, safe='')}",
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
        }

    def repo(self) -> dict[str, Any]:
        s, api, html = self.s, self.repo_api, self.repo_html
        open_count = sum(1 for i in s.issues.values() if i.state == "open")
        return {
            "id": 1,
            "node_id": node_id("R_", 1),
            "name": s.repo,
            "full_name": f"{s.owner}/{s.repo}",
            "owner": self.user(s.owner),
            "private": False,
            "html_url": html,
            "description": "Mentoring program (sandbox)",
            "fork": False,
            "url": api,
            **self.repo_urls,
            "git_url": f"git://{self.base.split('//')[1]}/{s.owner}/{s.repo}.git",
            "ssh_url": f"git@sandbox:{s.owner}/{s.repo}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "mirror_url": None,
            "homepage": None,
            "language": "Python",
            "size": 1,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "subscribers_count": 0,
            "network_count": 0,
            "open_issues": open_count,
            "open_issues_count": open_count,
            "default_branch": s.default_branch,
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "visibility": "public",
            "license": None,
            "topics": [],
            "allow_forking": True,
            "is_template": False,
            "pushed_at": iso(s.commits[s.branches[s.default_branch]].at),
            "created_at": iso(s.created_at),
            "updated_at": iso(s.created_at),
        }

    def workflow_run(self, run: WorkflowRun, number: int) -> dict[str, Any]:
        """A run as "List workflow runs for a workflow" lists it (``number``: its run_number)."""
        api = f"{self.repo_api}/actions/runs/{run.id}"
        html = f"{self.repo_html}/actions/runs/{run.id}"
        name = run.path.rsplit("/", 1)[-1]
        workflow_id = int(hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:6], 16)
        commit = self.s.commits[run.head_sha]
        person = {"name": commit.author, "email": f"{commit.author}@users.noreply.sandbox"}
        return {
            "id": run.id,
            "node_id": node_id("WFR_", run.id),
            "name": name,
            "display_title": name,
            "head_branch": self.s.default_branch,
            "head_sha": run.head_sha,
            "path": run.path,
            "run_number": number,
            "run_attempt": 1,
            "event": run.event,
            "status": run.status,
            "conclusion": run.conclusion,
            "workflow_id": workflow_id,
            "url": api,
            "html_url": html,
            "pull_requests": [],
            "created_at": iso(run.created_at),
            "updated_at": iso(run.updated_at),
            "run_started_at": iso(run.created_at),
            "actor": self.user(self.s.owner),
            "triggering_actor": self.user(self.s.owner),
            "jobs_url": f"{api}/jobs",
            "logs_url": f"{api}/logs",
            "check_suite_url": f"{self.repo_api}/check-suites/{run.id}",
            "artifacts_url": f"{api}/artifacts",
            "cancel_url": f"{api}/cancel",
            "rerun_url": f"{api}/rerun",
            "previous_attempt_url": None,
            "workflow_url": f"{self.repo_api}/actions/workflows/{workflow_id}",
            "head_commit": {
                "id": commit.sha,
                "tree_id": hashlib.sha1(commit.sha.encode(), usedforsecurity=False).hexdigest(),
                "message": commit.message,
                "timestamp": iso(commit.at),
                "author": person,
                "committer": person,
            },
            "repository": self.repo(),
            "head_repository": self.repo(),
        }

    def listed_issue(self, issue: Issue) -> dict[str, Any]:
        """An issue as a list of them sends it: the one shaped before while everything it
        was shaped from is the same (:meth:`_issue_inputs`), and its JSON text made once,
        as for :meth:`event` (every run lists the open applications, most unchanged)."""
        return _kept(self._listed, issue.number, self._issue_inputs(issue), self.issue, issue)

    def _issue_inputs(self, i: Issue) -> tuple[Any, ...]:
        """Every value an issue's shape is made of, compared by value: its fields (its
        lists as tuples), its labels' records, its users' ids and types, its comments'
        count, its author's role, its pull request's merge time."""
        labels = tuple(
            (lb.id, lb.name, lb.color, lb.description, lb.default)
            for lb in map(self.s.labels.__getitem__, map(str.lower, i.labels))
        )
        users = tuple(map(self._user_key, (i.user, i.closed_by, *i.assignees)))
        fields = (i.number, i.id, i.user, i.title, i.body, i.created_at, i.updated_at)
        more = (i.state, i.state_reason, tuple(i.labels), tuple(i.assignees), i.closed_at)
        pull = (i.pull is not None, i.pull.merged_at if i.pull is not None else None)
        counts = self.s.comment_count(i.number), self.association(i.user)
        return (*fields, *more, i.closed_by, *pull, labels, users, *counts)

    def issue(self, issue: Issue) -> dict[str, Any]:
        api = f"{self.repo_api}/issues/{issue.number}"
        kind = "pull" if issue.pull else "issues"
        out: dict[str, Any] = {
            "url": api,
            "repository_url": self.repo_api,
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": f"{self.repo_html}/{kind}/{issue.number}",
            "id": issue.id,
            "node_id": node_id("PR_" if issue.pull else "I_", issue.id),
            "number": issue.number,
            "title": issue.title,
            "user": self.user(issue.user),
            "labels": [self.label(self.s.labels[n.lower()]) for n in issue.labels],
            "state": issue.state,
            "locked": False,
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(a) for a in issue.assignees],
            "milestone": None,
            "comments": self.s.comment_count(issue.number),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "closed_by": self.user(issue.closed_by) if issue.state == "closed" else None,
            "author_association": self.association(issue.user),
            "active_lock_reason": None,
            "body": issue.body,
            "reactions": reactions(api),
            "timeline_url": f"{api}/timeline",
            "performed_via_github_app": None,
            "state_reason": issue.state_reason,
        }
        if issue.pull:
            pr_api = f"{self.repo_api}/pulls/{issue.number}"
            html = out["html_url"]
            out["draft"] = False
            out["pull_request"] = {
                "url": pr_api,
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": iso(issue.pull.merged_at),
            }
        return out

    def foreign_issue(self, repository: str, number: int, merged_pull: bool) -> dict[str, Any]:
        """An issue or pull request of another repository, as a cross-reference's source."""
        api = f"{self.base}/repos/{repository}"
        owner, _, name = repository.partition("/")
        kind = "pull" if merged_pull else "issues"
        out: dict[str, Any] = {
            "url": f"{api}/issues/{number}",
            "repository_url": api,
            "html_url": f"{self.web}/{repository}/{kind}/{number}",
            "number": number,
            "title": "Elsewhere",
            "state": "closed" if merged_pull else "open",
            "repository": {"name": name, "full_name": repository, "owner": {"login": owner}},
        }
        if merged_pull:
            out["pull_request"] = {"url": f"{api}/pulls/{number}", "merged_at": iso(self.s.now)}
        return out

    def comment(self, c: Comment) -> dict[str, Any]:
        url = f"{self.repo_api}/issues/comments/{c.id}"
        issue = self.s.issues[c.issue]
        kind = "pull" if issue.pull else "issues"
        return {
            "id": c.id,
            "node_id": node_id("IC_", c.id),
            "url": url,
            "html_url": f"{self.repo_html}/{kind}/{c.issue}#issuecomment-{c.id}",
            "body": c.body,
            "user": self.user(c.user),
            "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at),
            "issue_url": f"{self.repo_api}/issues/{c.issue}",
            "author_association": self.association(c.user),
            "performed_via_github_app": None,
            "reactions": reactions(url, c.reactions),
        }

    def reaction(self, r: Reaction) -> dict[str, Any]:
        """A reaction as the reactions endpoints give it (``reaction``)."""
        return {
            "id": r.id,
            "node_id": node_id("REA_", r.id),
            "user": self.user(r.user),
            "content": r.content,
            "created_at": iso(r.created_at),
        }

    def event(self, e: Event) -> dict[str, Any]:
        """A timeline item as an answer sends it: the one shaped before while everything it
        was shaped from is the same (:meth:`_event_inputs`), and its JSON text made once.

        A timeline is read in every run, and most of its items never change again; shaping
        them and writing their JSON took a tenth of a simulation over REST. The item is
        shared by every answer holding it: answers are encoded and logged, never changed
        (:meth:`Sandbox.timeline`, which hands items to callers, shapes them afresh).
        """
        inputs = self._event_inputs(e)
        if inputs is None:  # shows another issue as it is now, or the time now
            return self.fresh_event(e)
        return _kept(self._events, e.id, inputs, self.fresh_event, e)

    def _event_inputs(self, e: Event) -> tuple[Any, ...] | None:
        """Every value a timeline item's shape is made of, compared by value (an event's
        or comment's fields, its users' ids and types, the commenter's role, whether it is
        on a pull request): the item is shaped again when any differs. None for a
        cross-reference, whose source issue's shape changes with that issue."""
        if e.event == "cross-referenced":
            return None
        fields = (e.event, e.actor, e.created_at, e.assignee, e.label, e.rename)
        users = self._user_key(e.actor), self._user_key(e.assignee)
        inputs = (*fields, e.state_reason, e.commit_id, e.comment, *users)
        if e.comment is None:
            return inputs
        c = self.s.comments[e.comment]
        on_pull = self.s.issues[c.issue].pull is not None
        written = (c.issue, c.user, c.body, c.created_at, c.updated_at, c.reactions)
        return (*inputs, *written, self._user_key(c.user), self.association(c.user), on_pull)

    def _user_key(self, login: str | None) -> tuple[str, int, str] | None:
        if login is None:
            return None
        u = self.s.user(login)
        return u.login, u.id, u.type

    def fresh_event(self, e: Event) -> dict[str, Any]:
        """A timeline item, shaped now: a dict of the caller's own."""
        if e.event == "commented":
            return {
                **self.comment(self.s.comments[e.comment]),  # type: ignore[index]
                "event": "commented",
                "actor": self.user(e.actor),
            }
        if e.event == "cross-referenced" and e.foreign is not None:
            return {
                "event": e.event,
                "actor": self.user(e.actor),
                "created_at": iso(e.created_at),
                "updated_at": iso(e.created_at),
                "source": {"type": "issue", "issue": self.foreign_issue(*e.foreign)},
            }
        if e.event == "cross-referenced":
            # A cross-reference's source carries its repository (GitHub's docs, timeline
            # events: cross-referenced), so a mention from another one can be told apart.
            source = self.s.issues[e.source]  # type: ignore[index]
            return {
                "event": e.event,
                "actor": self.user(e.actor),
                "created_at": iso(e.created_at),
                "updated_at": iso(e.created_at),
                "source": {
                    "type": "issue",
                    "issue": {**self.issue(source), "repository": self.repo()},
                },
            }
        out: dict[str, Any] = {
            "id": e.id,
            "node_id": node_id(f"{e.event.upper()}_E_", e.id),
            "url": f"{self.repo_api}/issues/events/{e.id}",
            "actor": self.user(e.actor),
            "event": e.event,
            "commit_id": e.commit_id,
            "commit_url": f"{self.repo_api}/commits/{e.commit_id}" if e.commit_id else None,
            "created_at": iso(e.created_at),
            "performed_via_github_app": None,
        }
        if e.assignee is not None:
            # On the timeline: no `assigner`, and `actor` is who made the change (only the
            # older issue-events endpoint has `assigner`, with `actor` the assignee).
            out["assignee"] = self.user(e.assignee)
        if e.label is not None:
            out["label"] = {"name": e.label[0], "color": e.label[1]}
        if e.rename is not None:
            out["rename"] = {"from": e.rename[0], "to": e.rename[1]}
        if e.event in ("closed", "reopened"):
            out["state_reason"] = e.state_reason
        return out

    def branch(self, ref: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{self.s.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(self.s.owner),
            "repo": self.repo(),
        }

    def pull(self, issue: Issue, full: bool = True) -> dict[str, Any]:
        """A pull request as a list of them shows it; ``full``: as GET of it alone does."""
        p = issue.pull
        assert p is not None
        links = self._pull_links(issue)
        html = links["html"]
        out: dict[str, Any] = {
            "url": links["self"],
            "id": issue.id,
            "node_id": node_id("PR_", issue.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": links["issue"],
            "commits_url": links["commits"],
            "review_comments_url": links["review_comments"],
            "review_comment_url": links["review_comment"],
            "comments_url": links["comments"],
            "statuses_url": links["statuses"],
            "number": issue.number,
            "state": issue.state,
            "locked": False,
            "title": issue.title,
            "user": self.user(issue.user),
            "body": issue.body,
            "labels": [self.label(self.s.labels[n.lower()]) for n in issue.labels],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "merged_at": iso(p.merged_at),
            "merge_commit_sha": p.merge_commit_sha,
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(a) for a in issue.assignees],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": self.branch(p.head_ref, p.head_sha),
            "base": self.branch(p.base_ref, p.base_sha),
            "_links": {k: {"href": v} for k, v in links.items()},
            "author_association": self.association(issue.user),
            "auto_merge": None,
            "draft": False,
        }
        if full:
            out.update(self._pull_details(issue))
        return out

    def _pull_links(self, issue: Issue) -> dict[str, str]:
        """A pull request's ``_links``, by name."""
        assert issue.pull is not None
        api = f"{self.repo_api}/pulls/{issue.number}"
        issue_api = f"{self.repo_api}/issues/{issue.number}"
        return {
            "self": api,
            "html": f"{self.repo_html}/pull/{issue.number}",
            "issue": issue_api,
            "comments": f"{issue_api}/comments",
            "review_comments": f"{api}/comments",
            "review_comment": f"{self.repo_api}/pulls/comments{{/number}}",
            "commits": f"{api}/commits",
            "statuses": f"{self.repo_api}/statuses/{issue.pull.head_sha}",
        }

    def _pull_details(self, issue: Issue) -> dict[str, Any]:
        """What GET of one pull request shows beyond a list: its merge state and counts."""
        p = issue.pull
        assert p is not None
        files = self.pull_files(issue)
        return {
            "merged": p.merged_at is not None,
            "mergeable": None if p.merged_at else True,
            "rebaseable": None if p.merged_at else True,
            "mergeable_state": "unknown" if p.merged_at else "clean",
            "merged_by": self.user(p.merged_by),
            "comments": self.s.comment_count(issue.number),
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": 1,
            "additions": sum(f["additions"] for f in files),
            "deletions": sum(f["deletions"] for f in files),
            "changed_files": len(files),
        }

    def pull_files(self, issue: Issue) -> list[dict[str, Any]]:
        p = issue.pull
        assert p is not None
        before = self.s.commits[p.base_sha].tree
        out = []
        for path in sorted(p.changes):
            old, new = before.get(path), p.changes[path]
            if old == new or (old is None and new is None):
                continue
            status = "added" if old is None else "removed" if new is None else "modified"
            a, b = (old or "").splitlines(), (new or "").splitlines()
            lines = list(difflib.unified_diff(a, b, lineterm="", n=3))[2:]
            adds = sum(1 for x in lines if x.startswith("+"))
            dels = sum(1 for x in lines if x.startswith("-"))
            sha = blob_sha(new if new is not None else old or "")
            out.append(
                {
                    "sha": sha,
                    "filename": path,
                    "status": status,
                    "additions": adds,
                    "deletions": dels,
                    "changes": adds + dels,
                    "blob_url": f"{self.repo_html}/blob/{p.head_sha}/{quote(path)}",
                    "raw_url": f"{self.repo_html}/raw/{p.head_sha}/{quote(path)}",
                    "contents_url": f"{self.repo_api}/contents/{quote(path)}?ref={p.head_sha}",
                    "patch": "\n".join(lines),
                }
            )
        return out

    def commit(self, c: Commit) -> dict[str, Any]:
        api = f"{self.repo_api}/commits/{c.sha}"
        person = {"name": c.author, "email": f"{c.author}@users.noreply.sandbox", "date": iso(c.at)}
        tree_sha = hashlib.sha1(repr(sorted(c.tree.items())).encode(), usedforsecurity=False)
        return {
            "sha": c.sha,
            "node_id": node_id("C_", c.sha),
            "url": api,
            "html_url": f"{self.repo_html}/commit/{c.sha}",
            "comments_url": f"{api}/comments",
            "commit": {
                "url": f"{self.repo_api}/git/commits/{c.sha}",
                "author": person,
                "committer": person,
                "message": c.message,
                "comment_count": 0,
                "tree": {
                    "sha": tree_sha.hexdigest(),
                    "url": f"{self.repo_api}/git/trees/{tree_sha.hexdigest()}",
                },
            },
            "author": self.user(c.author),
            "committer": self.user(c.author),
            "parents": [
                {
                    "sha": p,
                    "url": f"{self.repo_api}/commits/{p}",
                    "html_url": f"{self.repo_html}/commit/{p}",
                }
                for p in c.parents
            ],
        }

    def contents(self, path: str, text: str, ref: str) -> dict[str, Any]:
        sha = blob_sha(text)
        url = f"{self.repo_api}/contents/{quote(path)}?ref={quote(ref)}"
        html = f"{self.repo_html}/blob/{quote(ref)}/{quote(path)}"
        git = f"{self.repo_api}/git/blobs/{sha}"
        raw = base64.encodebytes(text.encode()).decode()
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(text.encode()),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": raw,
            "sha": sha,
            "url": url,
            "git_url": git,
            "html_url": html,
            "download_url": f"{self.repo_html}/raw/{quote(ref)}/{quote(path)}",
            "_links": {"self": url, "git": git, "html": html},
        }


_Record = TypeVar("_Record", Issue, Event)


def _kept(
    store: dict[int, tuple[tuple[Any, ...], Encoded]],
    key: int,
    inputs: tuple[Any, ...],
    shape: Callable[[_Record], dict[str, Any]],
    record: _Record,
) -> Encoded:
    """The shape kept under ``key`` while it was made from the same ``inputs``; else the
    record shaped anew, kept with them."""
    kept = store.get(key)
    if kept is not None and kept[0] == inputs:
        return kept[1]
    shaped = Encoded(shape(record))
    store[key] = (inputs, shaped)
    return shaped
