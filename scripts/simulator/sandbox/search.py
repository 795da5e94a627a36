"""GitHub's issue search (``GET /search/issues``), as far as the report asks it: pull
requests by author or reviewer in some repositories since a date, counted.

The sandbox's own pull requests are found, and pull requests in other repositories
(:class:`ElsewherePull`, added by a test or scenario) stand for the work graduates do
elsewhere: only what a search reads of them is modelled. The search API has its own
rate limit, 30 requests a minute for a token (``X-RateLimit-Resource: search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .model import ApiError, ElsewherePull
from .shapes import WEB, iso, node_id

if TYPE_CHECKING:
    from .routes import Request, Result
    from .sandbox import Sandbox

SEARCH_LIMIT = 30  # a minute, for an authenticated token
MAX_QUERY = 256  # characters of `q`: GitHub refuses a longer one (422)
_MODELLED = ("is", "author", "reviewed-by", "repo", "created", "updated")


@dataclass
class SearchBudget:
    """The search API's own limit: a minute's window from its first request."""

    remaining: int = SEARCH_LIMIT
    reset: datetime | None = None

    def take(self, now: datetime) -> bool:
        """Count one request at ``now``; False when none is left in this minute."""
        if self.reset is None or now >= self.reset:
            self.remaining, self.reset = SEARCH_LIMIT, now + timedelta(minutes=1)
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True

    def headers(self, now: datetime) -> dict[str, str]:
        reset = self.reset if self.reset is not None and now < self.reset else None
        remaining = self.remaining if reset is not None else SEARCH_LIMIT
        return {
            "X-RateLimit-Limit": str(SEARCH_LIMIT),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int((reset or now + timedelta(minutes=1)).timestamp())),
            "X-RateLimit-Used": str(SEARCH_LIMIT - remaining),
            "X-RateLimit-Resource": "search",
        }


@dataclass(frozen=True)
class _Query:
    kind: str | None = None  # "pr" or "issue"
    author: str | None = None
    reviewer: str | None = None
    repositories: tuple[str, ...] = ()  # lower case
    created: datetime | None = None  # at or after
    updated: datetime | None = None


def _since(value: str) -> datetime:
    if not value.startswith(">="):
        raise _unmodelled(f"only `>=` dates are modelled, not {value!r}")
    try:
        day = datetime.strptime(value[2:], "%Y-%m-%d")
    except ValueError:
        raise _unmodelled(f"not a date: {value!r}") from None
    return day.replace(tzinfo=UTC)


def _unmodelled(why: str) -> ApiError:
    return ApiError(
        422,
        "Validation Failed",
        [{"resource": "Search", "field": "q", "code": "invalid", "message": why}],
    )


def parse(q: str) -> _Query:
    """The qualifiers of ``q``; anything else is refused (the sandbox models no text search)."""
    if not q.strip() or len(q) > MAX_QUERY:
        raise _unmodelled(f"`q` must be 1 to {MAX_QUERY} characters")
    found: dict[str, Any] = {"repositories": []}
    for word in q.split():
        key, _, value = word.partition(":")
        if key not in _MODELLED or not value:
            raise _unmodelled(f"the sandbox models only {', '.join(_MODELLED)}, not {word!r}")
        if key == "is":
            found["kind"] = {"pr": "pr", "pull-request": "pr", "issue": "issue"}.get(value)
        elif key == "repo":
            found["repositories"].append(value.lower())
        elif key in ("created", "updated"):
            found[key] = _since(value)
        else:
            found["reviewer" if key == "reviewed-by" else "author"] = value.lower()
    return _Query(**{**found, "repositories": tuple(found["repositories"])})


def _matches(
    q: _Query,
    repository: str,
    author: str,
    reviewers: tuple[str, ...],
    at: tuple[datetime, datetime],
) -> bool:
    created, updated = at
    return (
        (not q.repositories or repository.lower() in q.repositories)
        and (q.author is None or author.lower() == q.author)
        and (q.reviewer is None or q.reviewer in {r.lower() for r in reviewers})
        and (q.created is None or created >= q.created)
        and (q.updated is None or updated >= q.updated)
    )


def _elsewhere_item(sb: Sandbox, pull: ElsewherePull) -> dict[str, Any]:
    """A pull request of another repository, shaped as a search result."""
    api = f"{sb.url}/repos/{pull.repository}"
    html = f"{WEB}/{pull.repository}/pull/{pull.number}"
    return {
        "url": f"{api}/issues/{pull.number}",
        "repository_url": api,
        "labels_url": f"{api}/issues/{pull.number}/labels{{/name}}",
        "comments_url": f"{api}/issues/{pull.number}/comments",
        "events_url": f"{api}/issues/{pull.number}/events",
        "html_url": html,
        "id": pull.id,
        "node_id": node_id("PR_", pull.id),
        "number": pull.number,
        "title": "A pull request elsewhere",
        "user": sb.shapes.user(pull.author),
        "labels": [],
        "state": "open",
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": 0,
        "created_at": iso(pull.created_at),
        "updated_at": iso(pull.updated_at),
        "closed_at": None,
        "author_association": "CONTRIBUTOR",
        "pull_request": {
            "url": f"{api}/pulls/{pull.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": None,
        },
        "body": "",  # a string in a search result (issue-search-result-item), never null
        "score": 1.0,
    }


def search_issues(r: Request) -> Result:
    """``GET /search/issues``: the issues and pull requests the qualifiers select."""
    from .routes import paginate

    q = parse(r.query.get("q", ""))
    sb = r.sb
    own = f"{sb.owner}/{sb.repo}"
    found: list[tuple[datetime, dict[str, Any]]] = []
    for issue in sb.state.issues.values():
        if (q.kind == "pr") != (issue.pull is not None) and q.kind is not None:
            continue
        if _matches(q, own, issue.user, (), (issue.created_at, issue.updated_at)):
            item = {**sb.shapes.issue(issue), "score": 1.0}
            found.append((issue.created_at, {**item, "body": item.get("body") or ""}))
    if q.kind != "issue":
        for pull in sb.state.elsewhere:
            if _matches(
                q, pull.repository, pull.author, pull.reviewers, (pull.created_at, pull.updated_at)
            ):
                found.append((pull.created_at, _elsewhere_item(sb, pull)))
    items = [item for _, item in sorted(found, key=lambda f: f[0], reverse=True)]
    page = paginate(r, items)
    body = {"total_count": len(items), "incomplete_results": False, "items": page}
    return 200, {**body, "search_type": "lexical"}
