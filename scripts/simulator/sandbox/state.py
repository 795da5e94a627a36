"""The sandbox repository: the one place its state changes.

Every state change goes through one method here, whether it comes from the HTTP API or
from a person's action in the Python API, so both make the same timeline events.
Callers hold ``State.lock``.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .model import (
    CLOSING,
    MAX_ASSIGNEES,
    MENTION,
    REACTIONS,
    ROLES,
    ApiError,
    Comment,
    Commit,
    ElsewherePull,
    Event,
    Issue,
    Label,
    NewIssue,
    Pull,
    Reaction,
    User,
    WorkflowRun,
    check_body,
    invalid,
    not_found,
)


class State:
    """The repository and everything in it, guarded by one lock."""

    def __init__(
        self, owner: str, repo: str, default_branch: str, bot_login: str, start: datetime
    ) -> None:
        self.lock = threading.RLock()
        self.owner, self.repo, self.default_branch = owner, repo, default_branch
        self.bot_login = bot_login
        self.now = start
        self.created_at = start
        self._ids = itertools.count(1001)
        # Reactions count apart: their ids never move the comments' ones.
        self._reaction_ids = itertools.count(1)
        self._commits_made = itertools.count(1)
        self.users: dict[str, User] = {}
        self.roles: dict[str, str] = {}
        self.labels: dict[str, Label] = {}
        self.issues: dict[int, Issue] = {}
        self.deleted: set[int] = set()  # deleted issues answer 410 Gone, as on GitHub
        # Numbers 1..reserved go to the issues a scenario opens, in order; anything else
        # (pull requests, what the bot creates) is numbered after them.
        self.reserved = 0
        self.reserved_taken = 0
        self.comments: dict[int, Comment] = {}
        self._comments_of: dict[int, list[Comment]] = {}  # by issue number, for counting
        self.events: dict[int, list[Event]] = {}
        self.commits: dict[str, Commit] = {}
        self.branches: dict[str, str] = {}
        self.workflow_runs: list[WorkflowRun] = []  # in the order they started
        # Pull requests in other repositories, for the search API only.
        self.elsewhere: list[ElsewherePull] = []
        # Run ids of their own: taken from next_id, they would renumber every comment.
        self._run_ids = itertools.count(7_000_001)
        self.user(owner, "Organization")
        self.user(bot_login)
        self.roles[bot_login.lower()] = "write"
        self.branches[default_branch] = self._commit({}, [], "Initial commit", owner)

    # -- people and permissions -------------------------------------------------------
    def next_id(self) -> int:
        return next(self._ids)

    def user(self, login: str, type_: str | None = None) -> User:
        """The user with this login, created on first use."""
        key = login.lower()
        if key not in self.users:
            kind = type_ or ("Bot" if login.endswith("[bot]") else "User")
            self.users[key] = User(login, self.next_id(), kind)
        return self.users[key]

    def role(self, login: str) -> str:
        if login.lower() == self.owner.lower():
            return "admin"
        return self.roles.get(login.lower(), "none")

    def at_least(self, login: str, role: str) -> bool:
        return ROLES.index(self.role(login)) >= ROLES.index(role)

    def assignable(self, login: str, issue: Issue) -> bool:
        """GitHub's rule: collaborators, and people who took part in the issue; no bots."""
        user = self.user(login)
        if user.type != "User":
            return False
        if self.at_least(login, "read"):
            return True
        if issue.user.lower() == login.lower():
            return True
        return any(
            c.issue == issue.number and c.user.lower() == login.lower()
            for c in self.comments.values()
        )

    # -- lookups ----------------------------------------------------------------------
    def issue(self, number: int) -> Issue:
        if number in self.deleted:
            raise ApiError(410, "This issue was deleted")
        if number not in self.issues:
            raise not_found()
        return self.issues[number]

    def delete_issue(self, number: int) -> None:
        """Only admins can delete issues, and only on the web: there is no REST endpoint."""
        self.issue(number)
        del self.issues[number]
        self.deleted.add(number)

    def comment(self, comment_id: int) -> Comment:
        c = self.comments.get(comment_id)
        if c is None or c.deleted:
            raise not_found()
        return c

    def label(self, name: str) -> Label:
        if name.lower() not in self.labels:
            raise not_found()
        return self.labels[name.lower()]

    def timeline(self, number: int) -> list[Event]:
        self.issue(number)
        comments = self.comments
        return [
            e
            for e in self.events.get(number, [])
            if e.comment is None or not comments[e.comment].deleted
        ]

    def _event(self, issue: Issue, event: str, actor: str, **kw: Any) -> Event:
        self.user(actor)
        e = Event(self.next_id(), issue.number, event, actor, self.now, **kw)
        self.events.setdefault(issue.number, []).append(e)
        issue.updated_at = self.now
        return e

    def _require(self, actor: str, role: str, check: bool) -> None:
        if check and not self.at_least(actor, role):
            raise ApiError(403, "Must have push access to repository")

    # -- labels -----------------------------------------------------------------------
    def create_label(self, name: str, color: str = "ededed", description: str = "") -> Label:
        if not name:
            raise invalid("Label", "name", "missing_field")
        if name.lower() in self.labels:
            raise invalid("Label", "name", "already_exists")
        label = Label(self.next_id(), name, color.lstrip("#").lower(), description or "")
        self.labels[name.lower()] = label
        return label

    def update_label(
        self, name: str, new_name: str | None, color: str | None, description: str | None
    ) -> Label:
        label = self.label(name)
        if new_name and new_name.lower() != name.lower():
            if new_name.lower() in self.labels:
                raise invalid("Label", "name", "already_exists")
            del self.labels[name.lower()]
            self.labels[new_name.lower()] = label
            for issue in self.issues.values():
                issue.labels = [new_name if n == label.name else n for n in issue.labels]
        if new_name:
            label.name = new_name
        if color is not None:
            label.color = color.lstrip("#").lower()
        if description is not None:
            label.description = description
        return label

    def _ensure_label(self, name: str) -> Label:
        # Labels applied to an issue that the repository lacks are created, as GitHub does.
        return self.labels.get(name.lower()) or self.create_label(name)

    def add_labels(self, actor: str, number: int, names: list[str], check: bool = False) -> None:
        issue = self.issue(number)
        self._require(actor, "triage", check)
        for name in names:
            label = self._ensure_label(name)
            if label.name not in issue.labels:
                issue.labels.append(label.name)
                self._event(issue, "labeled", actor, label=(label.name, label.color))

    def remove_label(self, actor: str, number: int, name: str, check: bool = False) -> None:
        issue = self.issue(number)
        self._require(actor, "triage", check)
        label = self.labels.get(name.lower())
        if label is None or label.name not in issue.labels:
            raise ApiError(404, "Label does not exist")
        issue.labels.remove(label.name)
        self._event(issue, "unlabeled", actor, label=(label.name, label.color))

    def set_labels(self, actor: str, number: int, names: list[str], check: bool = False) -> None:
        issue = self.issue(number)
        self._require(actor, "triage", check)
        wanted = [self._ensure_label(n).name for n in names]
        for name in list(issue.labels):
            if name not in wanted:
                self.remove_label(actor, number, name)
        self.add_labels(actor, number, wanted)

    # -- assignees --------------------------------------------------------------------
    def assign(
        self, actor: str, number: int, logins: list[str], check: bool = False, strict: bool = False
    ) -> None:
        """Add assignees; GitHub silently drops those who cannot be assigned (or 422 if strict)."""
        issue = self.issue(number)
        if check and not self.at_least(actor, "triage"):
            return  # "Assignees are silently ignored otherwise" (no push access)
        for login in logins:
            if any(a.lower() == login.lower() for a in issue.assignees):
                continue
            if not self.assignable(login, issue):
                if strict:
                    raise invalid("Issue", "assignees", value=login)
                continue
            if len(issue.assignees) >= MAX_ASSIGNEES:
                continue
            user = self.user(login)
            issue.assignees.append(user.login)
            self._event(issue, "assigned", actor, assignee=user.login)

    def unassign(self, actor: str, number: int, logins: list[str], check: bool = False) -> None:
        issue = self.issue(number)
        if check and not self.at_least(actor, "triage"):
            return
        for login in logins:
            match = [a for a in issue.assignees if a.lower() == login.lower()]
            if match:
                issue.assignees.remove(match[0])
                self._event(issue, "unassigned", actor, assignee=match[0])

    def set_assignees(
        self, actor: str, number: int, logins: list[str], check: bool = False
    ) -> None:
        issue = self.issue(number)
        if check and not self.at_least(actor, "triage"):
            return
        if len(logins) > MAX_ASSIGNEES:
            raise invalid("Issue", "assignees", "too_many")
        for login in logins:
            if not self.assignable(login, issue) and login.lower() not in map(
                str.lower, issue.assignees
            ):
                raise invalid("Issue", "assignees", value=login)
        keep = {x.lower() for x in logins}
        self.unassign(actor, number, [a for a in issue.assignees if a.lower() not in keep])
        self.assign(actor, number, logins)

    # -- issues and comments ----------------------------------------------------------
    def create_issue(
        self,
        actor: str,
        new: NewIssue,
        pull: Pull | None = None,
        check: bool = False,
        reserved: bool = False,
    ) -> Issue:
        """Open ``new`` (a pull request's issue if ``pull``). ``check``: as the API does,
        refusing what ``actor`` may not do; ``reserved``: numbered as a scenario's."""
        if not new.title:
            raise invalid("Issue", "title", "missing_field")
        check_body("Issue", new.body)
        self.user(actor)
        if reserved and self.reserved_taken < self.reserved:
            self.reserved_taken += 1
            number = self.reserved_taken
        else:
            number = max(self.issues.keys() | self.deleted | {self.reserved}) + 1
        issue = Issue(number, self.next_id(), self.user(actor).login, new.title,
                      new.body or "", self.now, self.now, pull=pull)  # fmt: skip
        self.issues[number] = issue
        # Only users with push access can set labels and assignees on new issues.
        if not check or self.at_least(actor, "triage"):
            try:
                if check:  # the API refuses a login that cannot be assigned (422)
                    self.set_assignees(actor, number, list(new.assignees))
                else:  # the web UI only offers those who can be
                    self.assign(actor, number, list(new.assignees))
            except ApiError:
                del self.issues[number]
                raise
            self.add_labels(actor, number, list(new.labels))
        self._cross_reference(issue)
        return issue

    def _cross_reference(self, source: Issue) -> None:
        seen: set[int] = set()
        for owner, repo, num in MENTION.findall(source.body):
            if owner and (owner.lower(), repo.lower()) != (self.owner.lower(), self.repo.lower()):
                continue
            n = int(num)
            if n in self.issues and n != source.number and n not in seen:
                seen.add(n)
                self._event(self.issues[n], "cross-referenced", source.user, source=source.number)

    def edit_issue(
        self,
        actor: str,
        number: int,
        title: str | None = None,
        body: str | None = None,
        check: bool = False,
    ) -> None:
        issue = self.issue(number)
        if check and issue.user.lower() != actor.lower():
            self._require(actor, "triage", check)
        check_body("Issue", body)
        if title is not None and title != issue.title:
            if not title:
                raise invalid("Issue", "title", "missing_field")
            self._event(issue, "renamed", actor, rename=(issue.title, title))
            issue.title = title
        if body is not None and body != issue.body:
            issue.body = body
            issue.updated_at = self.now

    def close(
        self,
        actor: str,
        number: int,
        reason: str | None = "completed",
        commit_id: str | None = None,
        check: bool = False,
    ) -> None:
        issue = self.issue(number)
        if check and issue.user.lower() != actor.lower():
            self._require(actor, "triage", check)
        reason = reason or "completed"
        if reason not in ("completed", "not_planned", "duplicate"):
            raise invalid("Issue", "state_reason")
        if issue.state == "closed":
            issue.state_reason = reason
            return
        issue.state, issue.state_reason = "closed", reason
        issue.closed_at, issue.closed_by = self.now, self.user(actor).login
        self._event(issue, "closed", actor, state_reason=reason, commit_id=commit_id)

    def reopen(self, actor: str, number: int, check: bool = False) -> None:
        issue = self.issue(number)
        if check and issue.user.lower() != actor.lower():
            self._require(actor, "triage", check)
        if issue.pull and issue.pull.merged_at:
            raise invalid("PullRequest", "state", "custom")
        if issue.state == "open":
            return
        issue.state, issue.state_reason, issue.closed_at = "open", "reopened", None
        self._event(issue, "reopened", actor)

    def add_comment(self, actor: str, number: int, body: str) -> Comment:
        issue = self.issue(number)
        if not body:
            raise invalid("IssueComment", "body", "missing_field")
        check_body("IssueComment", body)
        user = self.user(actor)
        c = Comment(self.next_id(), number, user.login, body, self.now, self.now)
        self.comments[c.id] = c
        self._comments_of.setdefault(number, []).append(c)
        self._event(issue, "commented", actor, comment=c.id)
        return c

    def edit_comment(self, actor: str, comment_id: int, body: str, check: bool = False) -> Comment:
        c = self.comment(comment_id)
        if check and c.user.lower() != actor.lower():
            self._require(actor, "triage", check)
        if not body:
            raise invalid("IssueComment", "body", "missing_field")
        check_body("IssueComment", body)
        c.body, c.updated_at = body, self.now
        self.issues[c.issue].updated_at = self.now
        return c

    def delete_comment(self, actor: str, comment_id: int, check: bool = False) -> Comment:
        c = self.comment(comment_id)
        if check and c.user.lower() != actor.lower():
            self._require(actor, "triage", check)
        c.deleted = True
        self.issues[c.issue].updated_at = self.now
        return c

    def react(self, actor: str, comment_id: int, content: str) -> tuple[Reaction, bool]:
        """``actor``'s reaction ``content`` on a comment, and whether it is new: GitHub
        answers a second one of the same content by the same person with the first (200)."""
        c = self.comment(comment_id)
        if content not in REACTIONS:
            raise invalid("Reaction", "content", "invalid")
        user = self.user(actor)
        for r in c.reactions:
            if r.user.lower() == user.login.lower() and r.content == content:
                return r, False
        made = Reaction(next(self._reaction_ids), user.login, content, self.now)
        c.reactions = (*c.reactions, made)
        return made, True

    def comment_count(self, number: int) -> int:
        return sum(1 for c in self._comments_of.get(number, ()) if not c.deleted)

    def comments_made_on(self, number: int) -> Sequence[Comment]:
        """The issue's comments as the state lists them, deleted ones too (the list itself:
        what GraphQL's kept answers compare)."""
        return self._comments_of.get(number, ())

    def comments_on(self, number: int) -> list[Comment]:
        """The issue's comments, oldest first, without the deleted ones (as GitHub lists
        them)."""
        return [c for c in self._comments_of.get(number, ()) if not c.deleted]

    # -- files, commits, pull requests ------------------------------------------------
    def _commit(self, tree: dict[str, str], parents: list[str], message: str, author: str) -> str:
        seed = f"{next(self._commits_made)}\n{message}\n{parents}\n{sorted(tree.items())}"
        sha = hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()
        self.commits[sha] = Commit(sha, tree, parents, message, author, self.now)
        return sha

    # -- workflow runs ------------------------------------------------------------------
    def start_run(self, path: str, event: str) -> WorkflowRun:
        """A workflow run started now on the default branch's head, in progress."""
        head = self.branches[self.default_branch]
        run = WorkflowRun(next(self._run_ids), path, event, head, self.now, self.now)
        self.workflow_runs.append(run)
        return run

    def runs_of(self, workflow: str, event: str | None) -> list[WorkflowRun]:
        """The runs of the workflow file named ``workflow`` (its base name), newest first,
        only those ``event`` started when given, as GitHub lists them."""
        found = [
            r
            for r in self.workflow_runs
            if r.path.rsplit("/", 1)[-1] == workflow and event in (None, r.event)
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)

    def tree(self, ref: str | None = None) -> dict[str, str]:
        ref = ref or self.default_branch
        sha = self.branches.get(ref, ref)
        if sha not in self.commits:
            raise ApiError(404, f"No commit found for the ref {ref}")
        return self.commits[sha].tree

    def push(
        self, actor: str, files: dict[str, str | None], message: str, branch: str | None = None
    ) -> str:
        branch = branch or self.default_branch
        parent = self.branches[branch]
        tree = apply_changes(self.commits[parent].tree, files)
        self.user(actor)
        self.branches[branch] = self._commit(tree, [parent], message, actor)
        return self.branches[branch]

    def open_pull(
        self, actor: str, title: str, body: str, files: dict[str, str | None], base: str | None
    ) -> Issue:
        base = base or self.default_branch
        if base not in self.branches:
            raise invalid("PullRequest", "base")
        base_sha = self.branches[base]
        head_ref = f"{self.user(actor).login.replace('[bot]', '')}-patch-{len(self.branches)}"
        head_sha = self._commit(
            apply_changes(self.commits[base_sha].tree, files), [base_sha], title, actor
        )
        self.branches[head_ref] = head_sha
        pull = Pull(head_ref, head_sha, base, base_sha, dict(files))
        return self.create_issue(actor, NewIssue(title, body), pull=pull)

    def merge_pull(self, actor: str, number: int, check: bool = False) -> str:
        issue = self.issue(number)
        if issue.pull is None:
            raise not_found()
        self._require(actor, "write", check)
        pull = issue.pull
        if pull.merged_at or issue.state == "closed":
            raise ApiError(405, "Pull Request is not mergeable")
        parent = self.branches[pull.base_ref]
        tree = self._merged_tree(pull, parent)
        message = f"Merge pull request #{number} from {pull.head_ref}\n\n{issue.title}"
        sha = self._commit(tree, [parent, pull.head_sha], message, actor)
        self.branches[pull.base_ref] = sha
        pull.merged_at, pull.merged_by, pull.merge_commit_sha = self.now, actor, sha
        self._event(issue, "merged", actor, commit_id=pull.head_sha)
        issue.state, issue.closed_at, issue.closed_by = "closed", self.now, actor
        self._event(issue, "closed", actor)
        if pull.base_ref == self.default_branch:
            # A keyword in the description (not in a commit message) closes the issue with
            # a `closed` event whose commit_id is null, as recorded from api.github.com.
            for n in self.closing_references(issue.body):
                target = self.issues.get(n)
                if target and target.pull is None and target.state == "open":
                    self.close(actor, n, "completed", commit_id=None)
        return sha

    def _merged_tree(self, pull: Pull, parent: str) -> dict[str, str]:
        """The base branch as it is now with the pull request's change applied (a three-way
        merge per file, by lines), not the files as they were when it was opened."""
        base_tree = self.commits[pull.base_sha].tree
        tree = dict(self.commits[parent].tree)
        for path, text in pull.changes.items():
            merged = merge_text(base_tree.get(path), tree.get(path), text)
            if merged is _CONFLICT:
                raise ApiError(405, "Pull Request is not mergeable")
            if merged is None:
                tree.pop(path, None)
            else:
                tree[path] = merged  # type: ignore[assignment]
        return tree

    def cross_reference_from(
        self, number: int, actor: str, repository: str, source: int, merged_pull: bool
    ) -> None:
        """A mention of issue ``number`` from an issue or pull request of another repository."""
        issue = self.issue(number)
        self._event(issue, "cross-referenced", actor, foreign=(repository, source, merged_pull))

    def closing_references(self, body: str) -> list[int]:
        """Issue numbers of this repository that a closing keyword names in ``body``."""
        found: list[int] = []
        for owner, repo, num in CLOSING.findall(body or ""):
            if owner and (owner.lower(), repo.lower()) != (self.owner.lower(), self.repo.lower()):
                continue
            if int(num) not in found:
                found.append(int(num))
        return found


def apply_changes(tree: dict[str, str], files: dict[str, str | None]) -> dict[str, str]:
    """A new tree: ``tree`` with files written (text) or deleted (None)."""
    new = dict(tree)
    for path, text in files.items():
        if text is None:
            new.pop(path, None)
        else:
            new[path] = text
    return new


_CONFLICT = object()


def merge_text(base: str | None, ours: str | None, theirs: str | None) -> object:
    """Three-way merge of one file by lines: ``theirs`` (a pull request's version, made
    from ``base``) applied to ``ours`` (the branch now). None: deleted; _CONFLICT when both
    changed the same lines differently."""
    if theirs == base:
        return ours
    if ours in (base, theirs):
        return theirs
    if base is None or ours is None or theirs is None:
        return _CONFLICT
    old = base.splitlines(keepends=True)
    a = _hunks(old, ours.splitlines(keepends=True))
    b = _hunks(old, theirs.splitlines(keepends=True))
    out: list[str] = []
    at = 0
    previous: tuple[int, int, list[str]] | None = None
    for hunk in sorted(a + b, key=lambda h: (h[0], h[1])):
        start, end, lines = hunk
        if hunk == previous:
            continue  # the same change on both sides
        # Overlapping changes, or two insertions at one place (both appended), conflict
        # as they do for git.
        if start < at or (previous is not None and previous[:2] == (start, end) == (start, start)):
            return _CONFLICT
        out += old[at:start] + lines
        at = end
        previous = hunk
    return "".join(out + old[at:])


def _hunks(old: list[str], new: list[str]) -> list[tuple[int, int, list[str]]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
