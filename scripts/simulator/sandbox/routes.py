"""The REST endpoints the sandbox implements, as GitHub answers them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from mentoring.core.times import parse_utc

from .model import ApiError, Issue, NewIssue, Write, invalid, not_found
from .search import search_issues
from .shapes import iso

if TYPE_CHECKING:
    from .sandbox import Sandbox

Result = tuple[int, Any]
REPO = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"


@dataclass
class Request:
    sb: Sandbox
    method: str
    path: str
    query: dict[str, str]
    body: Any
    actor: str | None
    params: dict[str, str]
    link: str | None = None

    @property
    def login(self) -> str:
        assert self.actor is not None
        return self.actor

    def field(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default) if isinstance(self.body, dict) else default

    def number(self) -> int:
        return int(self.params["number"])

    def write(self, kind: str, **names: Any) -> None:
        """Note a write of this request's actor: see :class:`~.model.Write`."""
        self.sb.record_write(Write(kind, self.login, **names))


def paginate(request: Request, items: list[Any], max_per_page: int = 100) -> list[Any]:
    """One page of ``items``; sets GitHub's ``Link`` header on the request."""
    try:
        per_page = min(max(int(request.query.get("per_page", 30)), 1), max_per_page)
        page = max(int(request.query.get("page", 1)), 1)
    except ValueError:
        per_page, page = 30, 1
    last = max(1, math.ceil(len(items) / per_page))

    def url(n: int) -> str:
        return f"{request.sb.url}{request.path}?{urlencode({**request.query, 'page': str(n)})}"

    links = []
    if page > 1:
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
        links.append(f'<{url(last)}>; rel="last"')
    if page > 1:
        links.append(f'<{url(1)}>; rel="first"')
    request.link = ", ".join(links) or None
    return items[(page - 1) * per_page : page * per_page]


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        raise invalid("Issue", "since") from None


def _names(body: Any) -> list[str]:
    """Label names from a list, {"labels": [...]}, or label objects."""
    items = body.get("labels", []) if isinstance(body, dict) else body or []
    if isinstance(items, str):
        items = [items]
    return [x["name"] if isinstance(x, dict) else str(x) for x in items]


def _logins(request: Request) -> list[str]:
    users = request.field("assignees") or []
    return [users] if isinstance(users, str) else list(users)


# -- repository, rate limit, users ----------------------------------------------------
def get_repo(r: Request) -> Result:
    return 200, r.sb.shapes.repo()


def rate_limit(r: Request) -> Result:
    rate = r.sb.rate_limit_dict()
    named = {k.removeprefix("X-RateLimit-").lower(): v for k, v in r.sb.search_headers().items()}
    search: dict[str, str | int] = {k: v if k == "resource" else int(v) for k, v in named.items()}
    return 200, {"resources": {"core": rate, "search": search}, "rate": rate}


def get_user(r: Request) -> Result:
    user = r.sb.shapes.user(r.params["login"])
    created = iso(r.sb.state.created_at)
    profile = {"name": None, "company": None, "blog": "", "location": None, "email": None}
    profile |= {"hireable": None, "bio": None, "twitter_username": None}
    counts = {"public_repos": 0, "public_gists": 0, "followers": 0, "following": 0}
    return 200, {**user, **profile, **counts, "created_at": created, "updated_at": created}


def permission(r: Request) -> Result:
    login = r.sb.state.user(r.params["login"]).login
    role = r.sb.state.role(login)
    legacy = {"maintain": "write", "triage": "read"}.get(role, role)
    user = {**r.sb.shapes.user(login), "role_name": role}
    user["permissions"] = {
        k: r.sb.state.at_least(login, k) for k in ("admin", "maintain", "triage", "read")
    } | {"push": r.sb.state.at_least(login, "write"), "pull": r.sb.state.at_least(login, "read")}
    return 200, {"permission": legacy, "role_name": role, "user": user}


def check_assignee(r: Request) -> Result:
    s = r.sb.state
    if s.at_least(r.params["login"], "read") and s.user(r.params["login"]).type == "User":
        return 204, None
    raise not_found()


# -- issues -----------------------------------------------------------------------------
def list_issues(r: Request) -> Result:
    s, q = r.sb.state, r.query
    state = q.get("state", "open")
    wanted = [n.strip().lower() for n in q.get("labels", "").split(",") if n.strip()]
    since = _since(q.get("since"))
    items = list(s.issues.values())
    if state != "all":
        items = [i for i in items if i.state == state]
    if wanted:
        items = [i for i in items if set(wanted) <= {n.lower() for n in i.labels}]
    if since:
        items = [i for i in items if i.updated_at >= since]
    if q.get("creator"):
        items = [i for i in items if i.user.lower() == q["creator"].lower()]
    assignee = q.get("assignee")
    if assignee == "none":
        items = [i for i in items if not i.assignees]
    elif assignee == "*":
        items = [i for i in items if i.assignees]
    elif assignee:
        items = [i for i in items if assignee.lower() in map(str.lower, i.assignees)]
    sort = q.get("sort", "created")
    key: Callable[[Issue], Any] = {
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (s.comment_count(i.number), i.number),
    }.get(sort, lambda i: (i.created_at, i.number))
    items.sort(key=key, reverse=q.get("direction", "desc") != "asc")
    return 200, [r.sb.shapes.listed_issue(i) for i in paginate(r, items)]


def get_issue(r: Request) -> Result:
    return 200, r.sb.shapes.issue(r.sb.state.issue(r.number()))


def create_issue(r: Request) -> Result:
    labels = _names(r.field("labels") or [])
    assignees = _logins(r) + ([r.field("assignee")] if r.field("assignee") else [])
    title = r.field("title")
    new = NewIssue(str(title or ""), r.field("body"), labels, assignees)
    issue = r.sb.state.create_issue(r.login, new, check=True)
    r.write(
        "create_issue",
        issue=issue.number,
        title=issue.title,
        body=issue.body,
        users=assignees,
        labels=labels,
    )
    return 201, r.sb.shapes.issue(issue)


def edit_issue(r: Request) -> Result:
    s, n = r.sb.state, r.number()
    issue = s.issue(n)
    body = r.body if isinstance(r.body, dict) else {}
    edited = {k for k in ("title", "body", "labels", "assignees", "assignee") if k in body}
    if "title" in body or "body" in body:
        s.edit_issue(r.login, n, body.get("title"), body.get("body"), check=True)
    if "labels" in body and s.at_least(r.login, "triage"):
        s.set_labels(r.login, n, _names(body["labels"] or []))
    if "assignees" in body or "assignee" in body:
        logins = list(body.get("assignees") or [])
        if body.get("assignee"):
            logins.append(body["assignee"])
        s.set_assignees(r.login, n, logins, check=True)
    if edited:
        r.write(
            "edit_issue",
            issue=n,
            body=body.get("body"),
            users=_logins(r) if "assignees" in body else None,
            labels=_names(body["labels"] or []) if "labels" in body else None,
        )
    state, reason = body.get("state"), body.get("state_reason")
    if state not in (None, "open", "closed"):
        raise invalid("Issue", "state")
    if state == "closed" or (state is None and reason and issue.state == "closed"):
        s.close(r.login, n, reason or "completed", check=True)
        r.write("close", issue=n, state_reason=issue.state_reason)
    elif state == "open" and issue.state == "closed":
        s.reopen(r.login, n, check=True)
        r.write("reopen", issue=n, state_reason="reopened")
    return 200, r.sb.shapes.issue(issue)


def timeline(r: Request) -> Result:
    events = r.sb.state.timeline(r.number())
    return 200, [r.sb.shapes.event(e) for e in paginate(r, events)]


def issue_events(r: Request) -> Result:
    events = [
        e
        for e in r.sb.state.timeline(r.number())
        if e.event not in ("commented", "cross-referenced")
    ]
    return 200, [_older_shape(r.sb.shapes.event(e)) for e in paginate(r, events)]


def _older_shape(event: dict[str, Any]) -> dict[str, Any]:
    """An item as the older issue-events endpoint shapes it: an assignment's `actor` is
    the assignee, and `assigner` who made the change (the timeline has no `assigner`)."""
    if "assignee" not in event:
        return event
    return {**event, "actor": event["assignee"], "assigner": event["actor"]}


# -- comments ---------------------------------------------------------------------------
def list_comments(r: Request) -> Result:
    s = r.sb.state
    s.issue(r.number())
    since = _since(r.query.get("since"))
    items = [c for c in s.comments_on(r.number()) if since is None or c.updated_at >= since]
    return 200, [r.sb.shapes.comment(c) for c in paginate(r, items)]


def create_comment(r: Request) -> Result:
    c = r.sb.state.add_comment(r.login, r.number(), str(r.field("body") or ""))
    r.write("comment", issue=c.issue, comment_id=c.id, body=c.body)
    return 201, r.sb.shapes.comment(c)


def get_comment(r: Request) -> Result:
    return 200, r.sb.shapes.comment(r.sb.state.comment(int(r.params["id"])))


def edit_comment(r: Request) -> Result:
    c = r.sb.state.edit_comment(
        r.login, int(r.params["id"]), str(r.field("body") or ""), check=True
    )
    r.write("edit_comment", issue=c.issue, comment_id=c.id, body=c.body)
    return 200, r.sb.shapes.comment(c)


def delete_comment(r: Request) -> Result:
    c = r.sb.state.delete_comment(r.login, int(r.params["id"]), check=True)
    r.write("delete_comment", issue=c.issue, comment_id=c.id)
    return 204, None


# -- reactions on a comment -------------------------------------------------------------
def list_reactions(r: Request) -> Result:
    """``GET .../issues/comments/{id}/reactions``: oldest first, filtered by ``content``."""
    c = r.sb.state.comment(int(r.params["id"]))
    content = r.query.get("content")
    items = [x for x in c.reactions if content is None or x.content == content]
    return 200, [r.sb.shapes.reaction(x) for x in paginate(r, items)]


def create_reaction(r: Request) -> Result:
    """``POST .../issues/comments/{id}/reactions``: 201 for a new one, 200 when this
    person already gave this one."""
    made, new = r.sb.state.react(r.login, int(r.params["id"]), str(r.field("content") or ""))
    if new:
        comment = r.sb.state.comment(int(r.params["id"]))
        r.write("react", issue=comment.issue, comment_id=comment.id, body=made.content)
    return (201 if new else 200), r.sb.shapes.reaction(made)


# -- assignees and labels on an issue ---------------------------------------------------
def add_assignees(r: Request) -> Result:
    n, logins = r.number(), _logins(r)
    r.sb.state.assign(r.login, n, logins, check=True)
    r.write("assign", issue=n, users=logins)
    return 201, r.sb.shapes.issue(r.sb.state.issue(n))


def remove_assignees(r: Request) -> Result:
    n, logins = r.number(), _logins(r)
    r.sb.state.unassign(r.login, n, logins, check=True)
    r.write("unassign", issue=n, users=logins)
    return 200, r.sb.shapes.issue(r.sb.state.issue(n))


def _issue_labels(r: Request, status: int = 200) -> Result:
    issue = r.sb.state.issue(r.number())
    labels = [r.sb.shapes.label(r.sb.state.labels[n.lower()]) for n in issue.labels]
    return status, labels


def list_issue_labels(r: Request) -> Result:
    status, labels = _issue_labels(r)
    return status, paginate(r, labels)


def add_labels(r: Request) -> Result:
    names = _names(r.body)
    if not names:
        raise invalid("Label", "labels", "missing_field")
    r.sb.state.add_labels(r.login, r.number(), names, check=True)
    r.write("add_labels", issue=r.number(), labels=names)
    return _issue_labels(r)


def set_labels(r: Request) -> Result:
    names = _names(r.body)
    r.sb.state.set_labels(r.login, r.number(), names, check=True)
    r.write("set_labels", issue=r.number(), labels=names)
    return _issue_labels(r)


def clear_labels(r: Request) -> Result:
    r.sb.state.set_labels(r.login, r.number(), [], check=True)
    r.write("set_labels", issue=r.number(), labels=[])
    return 204, None


def remove_label(r: Request) -> Result:
    r.sb.state.remove_label(r.login, r.number(), r.params["name"], check=True)
    r.write("remove_labels", issue=r.number(), labels=[r.params["name"]])
    return _issue_labels(r)


# -- repository labels -----------------------------------------------------------------
def list_labels(r: Request) -> Result:
    labels = [r.sb.shapes.label(x) for x in r.sb.state.labels.values()]
    return 200, paginate(r, labels)


def get_label(r: Request) -> Result:
    return 200, r.sb.shapes.label(r.sb.state.label(r.params["name"]))


def create_label(r: Request) -> Result:
    r.sb.state._require(r.login, "write", True)
    name = str(r.field("name") or "")
    label = r.sb.state.create_label(
        name, str(r.field("color") or "ededed"), str(r.field("description") or "")
    )
    r.write("create_label", labels=[label.name])
    return 201, r.sb.shapes.label(label)


def update_label(r: Request) -> Result:
    r.sb.state._require(r.login, "write", True)
    label = r.sb.state.update_label(
        r.params["name"], r.field("new_name"), r.field("color"), r.field("description")
    )
    r.write("update_label", labels=[r.params["name"], label.name])
    return 200, r.sb.shapes.label(label)


# -- contents and pull requests -----------------------------------------------------------
def contents(r: Request) -> Result:
    s = r.sb.state
    ref = r.query.get("ref") or s.default_branch
    tree = s.tree(ref)
    path = r.params["path"].strip("/")
    if path in tree:
        return 200, r.sb.shapes.contents(path, tree[path], ref)
    prefix = f"{path}/" if path else ""
    entries: dict[str, str] = {}
    for name in tree:
        if name.startswith(prefix):
            head, sep, _ = name[len(prefix) :].partition("/")
            entries[prefix + head] = "dir" if sep else "file"
    if not entries:
        raise not_found()
    listing = []
    for name, kind in sorted(entries.items()):
        item = r.sb.shapes.contents(name, tree.get(name, ""), ref)
        del item["content"], item["encoding"]
        item["type"] = kind
        if kind == "dir":
            item.update(size=0, download_url=None)
        listing.append(item)
    return 200, listing


def _pull(r: Request) -> Issue:
    issue = r.sb.state.issue(r.number())
    if issue.pull is None:
        raise not_found()
    return issue


def get_pull(r: Request) -> Result:
    return 200, r.sb.shapes.pull(_pull(r))


def pull_files(r: Request) -> Result:
    return 200, paginate(r, r.sb.shapes.pull_files(_pull(r)), max_per_page=100)


def merge_pull(r: Request) -> Result:
    issue = _pull(r)
    sha = r.sb.state.merge_pull(r.login, issue.number, check=True)
    r.write("merge", issue=issue.number)
    return 200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}


def _commit_sha(r: Request) -> str:
    sha = r.params["sha"]
    found = [c for c in r.sb.state.commits if c.startswith(sha)] if len(sha) >= 7 else []
    if len(found) != 1:
        raise ApiError(422, f"No commit found for SHA: {sha}")
    return found[0]


def get_commit(r: Request) -> Result:
    return 200, r.sb.shapes.commit(r.sb.state.commits[_commit_sha(r)])


def list_commits(r: Request) -> Result:
    """Commits reachable from ``sha`` (the default branch), newest first, as ``git log``
    lists them: with ``path``, only those that change it (a merge only when the path
    differs from every parent's, git's default history simplification, simplified);
    with ``until``, only those committed then or before."""
    s = r.sb.state
    start = r.query.get("sha") or s.default_branch
    head = s.branches.get(start, start)
    if head not in s.commits:
        raise ApiError(404, "Not Found")
    try:
        until = parse_utc(r.query["until"]) if r.query.get("until") else None
    except ValueError:
        raise invalid("Commit", "until") from None
    path = (r.query.get("path") or "").strip("/")
    order = {sha: n for n, sha in enumerate(s.commits)}
    seen, todo = {head}, [head]
    while todo:
        for parent in s.commits[todo.pop()].parents:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    found = [
        c
        for c in (s.commits[sha] for sha in seen)
        if (until is None or c.at <= until)
        and (not path or all(c.tree.get(path) != s.commits[p].tree.get(path) for p in c.parents))
        and (not path or c.parents or path in c.tree)
    ]
    found.sort(key=lambda c: (c.at, order[c.sha]), reverse=True)
    return 200, [r.sb.shapes.commit(c) for c in paginate(r, found)]


def commit_pulls(r: Request) -> Result:
    s, sha = r.sb.state, _commit_sha(r)
    pulls = [
        i
        for i in s.issues.values()
        if i.pull and sha in (i.pull.head_sha, i.pull.merge_commit_sha or "")
    ]
    return 200, [r.sb.shapes.pull(i, full=False) for i in paginate(r, pulls)]


def workflow_runs(r: Request) -> Result:
    """A workflow's runs, newest first; ``event`` filters by what started them. The
    workflow is named by its file name (a numeric id is not modelled: 404)."""
    runs = r.sb.state.runs_of(r.params["workflow"], r.query.get("event"))
    if not runs and not any(p.endswith(f"/{r.params['workflow']}") for p in _workflow_files(r)):
        raise not_found()
    numbers = {run.id: n for n, run in enumerate(r.sb.state.workflow_runs, 1)}
    page = paginate(r, runs)
    shaped = [r.sb.shapes.workflow_run(run, numbers[run.id]) for run in page]
    return 200, {"total_count": len(runs), "workflow_runs": shaped}


def _workflow_files(r: Request) -> list[str]:
    return [p for p in r.sb.state.tree() if p.startswith(".github/workflows/")]


ROUTES: list[tuple[str, str, Callable[[Request], Result]]] = [
    ("GET", "/rate_limit", rate_limit),
    ("GET", "/search/issues", search_issues),
    ("GET", r"/users/(?P<login>[^/]+)", get_user),
    ("GET", REPO, get_repo),
    ("GET", f"{REPO}/issues", list_issues),
    ("POST", f"{REPO}/issues", create_issue),
    ("GET", rf"{REPO}/issues/comments/(?P<id>\d+)", get_comment),
    ("PATCH", rf"{REPO}/issues/comments/(?P<id>\d+)", edit_comment),
    ("DELETE", rf"{REPO}/issues/comments/(?P<id>\d+)", delete_comment),
    ("GET", rf"{REPO}/issues/comments/(?P<id>\d+)/reactions", list_reactions),
    ("POST", rf"{REPO}/issues/comments/(?P<id>\d+)/reactions", create_reaction),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)", get_issue),
    ("PATCH", rf"{REPO}/issues/(?P<number>\d+)", edit_issue),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)/comments", list_comments),
    ("POST", rf"{REPO}/issues/(?P<number>\d+)/comments", create_comment),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)/timeline", timeline),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)/events", issue_events),
    ("POST", rf"{REPO}/issues/(?P<number>\d+)/assignees", add_assignees),
    ("DELETE", rf"{REPO}/issues/(?P<number>\d+)/assignees", remove_assignees),
    ("GET", rf"{REPO}/issues/(?P<number>\d+)/labels", list_issue_labels),
    ("POST", rf"{REPO}/issues/(?P<number>\d+)/labels", add_labels),
    ("PUT", rf"{REPO}/issues/(?P<number>\d+)/labels", set_labels),
    ("DELETE", rf"{REPO}/issues/(?P<number>\d+)/labels", clear_labels),
    ("DELETE", rf"{REPO}/issues/(?P<number>\d+)/labels/(?P<name>.+)", remove_label),
    ("GET", f"{REPO}/labels", list_labels),
    ("POST", f"{REPO}/labels", create_label),
    ("GET", f"{REPO}/labels/(?P<name>.+)", get_label),
    ("PATCH", f"{REPO}/labels/(?P<name>.+)", update_label),
    ("GET", f"{REPO}/contents(?:/(?P<path>.*))?", contents),
    ("GET", f"{REPO}/actions/workflows/(?P<workflow>[^/]+)/runs", workflow_runs),
    ("GET", rf"{REPO}/pulls/(?P<number>\d+)", get_pull),
    ("GET", rf"{REPO}/pulls/(?P<number>\d+)/files", pull_files),
    ("PUT", rf"{REPO}/pulls/(?P<number>\d+)/merge", merge_pull),
    ("GET", f"{REPO}/collaborators/(?P<login>[^/]+)/permission", permission),
    ("GET", f"{REPO}/assignees/(?P<login>[^/]+)", check_assignee),
    ("GET", f"{REPO}/commits", list_commits),
    ("GET", f"{REPO}/commits/(?P<sha>[0-9a-f]+)", get_commit),
    ("GET", f"{REPO}/commits/(?P<sha>[0-9a-f]+)/pulls", commit_pulls),
]
