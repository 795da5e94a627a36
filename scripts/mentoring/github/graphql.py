"""The read path in GraphQL: open applications, 50 to a query, with their timelines.

One query reads up to 50 open issues with a label: the fields the planner needs, labels,
assignees and the timeline items it uses, comment bodies included. Timelines longer
than one page are read on, 100 items a query, only for the issues that have more. Writes
stay on REST (``repository.Repo.apply``).

Converts to the same ``core.model`` values as the REST path, field for field:
GraphQL's ``Bot.login`` is the app's slug ("github-actions") where REST says
"github-actions[bot]"; enums are upper case where REST is lower case; a comment's REST
``id`` is its ``databaseId``; REST's ``commit_id`` of a close is GraphQL's ``closer`` when that is a
commit (a closing keyword in a pull request's description makes the pull request the
closer, and REST's ``commit_id`` null).

Costs follow GitHub's "Rate limits and node limits for the GraphQL API": a page of 50
costs 2 points (1 + 3 x 50 nested connections, / 100, rounded) and asks for at most
15,050 nodes, far below the 500,000 limit; the first, with the first 50 registrations,
the dashboard's issues and the recently closed applications (with their timelines)
beside it, costs 5 and asks for at most 48,160. Every query reads ``rateLimit`` and the
reader stops, as the REST path does, before the points left fall below the reserve.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from github import GithubException

from mentoring.core.commands import one_line
from mentoring.core.model import Comment, Event, Issue, IssueSnapshot, Reaction, was_edited
from mentoring.core.remember import short_texts
from mentoring.github.client import GitHubError, is_rate_limited

log = logging.getLogger(__name__)

PAGE = 50  # applications per query
MESSAGE_CHARS = 200  # of GitHub's own error text kept in a failure: one line, bounded
ITEMS = 100  # timeline items per page: GitHub's maximum for a connection

# The timeline items the planner reads: GraphQL's type of each, and its IssueTimelineItemsItemType
# (what `itemTypes` asks for). Each is converted as REST's `event` (``_EVENTS``, comments).
_ITEM_ENUMS = {
    "AssignedEvent": "ASSIGNED_EVENT",
    "UnassignedEvent": "UNASSIGNED_EVENT",
    "LabeledEvent": "LABELED_EVENT",
    "UnlabeledEvent": "UNLABELED_EVENT",
    "ClosedEvent": "CLOSED_EVENT",
    "ReopenedEvent": "REOPENED_EVENT",
    "RenamedTitleEvent": "RENAMED_TITLE_EVENT",
    "CrossReferencedEvent": "CROSS_REFERENCED_EVENT",
    "IssueComment": "ISSUE_COMMENT",
}
_ITEM_TYPES = ", ".join(_ITEM_ENUMS.values())

_ACTOR = "{ __typename login }"
_COMMENT = f"id databaseId author {_ACTOR} body createdAt updatedAt"
_ASSIGNEE = (
    "{ __typename ... on User { login } ... on Bot { login }"
    " ... on Mannequin { login } ... on Organization { login } }"
)
ITEM_FRAGMENT = f"""
fragment Item on IssueTimelineItems {{
  __typename
  ... on IssueComment {{ {_COMMENT} }}
  ... on AssignedEvent {{ createdAt actor {_ACTOR} assignee {_ASSIGNEE} }}
  ... on UnassignedEvent {{ createdAt actor {_ACTOR} assignee {_ASSIGNEE} }}
  ... on LabeledEvent {{ createdAt actor {_ACTOR} label {{ name }} }}
  ... on UnlabeledEvent {{ createdAt actor {_ACTOR} label {{ name }} }}
  ... on ClosedEvent {{
    createdAt actor {_ACTOR} stateReason
    closer {{
      __typename
      ... on Commit {{ oid }}
      ... on PullRequest {{ number mergeCommit {{ oid }} }}
    }}
  }}
  ... on ReopenedEvent {{ createdAt actor {_ACTOR} stateReason }}
  ... on RenamedTitleEvent {{ createdAt actor {_ACTOR} }}
  ... on CrossReferencedEvent {{
    createdAt actor {_ACTOR} isCrossRepository
    source {{ __typename ... on Issue {{ number }} ... on PullRequest {{ number mergedAt }} }}
  }}
}}
"""
_TIMELINE = (
    f"timelineItems(first: {ITEMS}, after: $after, itemTypes: [{_ITEM_TYPES}])"
    " { pageInfo { hasNextPage endCursor } nodes { ...Item } }"
)
# An issue's own fields, as REST's list gives them (``issue_from_node``).
ISSUE_FIELDS = (
    f"number title body state stateReason createdAt updatedAt author {_ACTOR}"
    " labels(first: 100) { nodes { name } } assignees(first: 100) { nodes { login } }"
)
APPLICATION_FRAGMENT = f"""
fragment Application on Issue {{
  {ISSUE_FIELDS}
  timelineItems(first: {ITEMS}, itemTypes: [{_ITEM_TYPES}]) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ ...Item }}
  }}
}}
"""
RATE = "rateLimit { cost remaining resetAt }"


def _open_page(labels: str, after: bool = False) -> str:
    """A page of the open issues with the labels in variable ``labels``, least recently
    updated first, as the REST path orders them: when the budget cannot cover every
    issue, those untouched longest are the likeliest to be overdue."""
    return (
        f"issues(labels: ${labels}, first: {PAGE},{' after: $after,' if after else ''}"
        " states: [OPEN], orderBy: {field: UPDATED_AT, direction: ASC})"
        " { pageInfo { hasNextPage endCursor } nodes { ...Application } }"
    )


OPEN_ISSUES = (
    f"""
query OpenApplications($owner: String!, $name: String!, $labels: [String!], $after: String) {{
  {RATE}
  repository(owner: $owner, name: $name) {{
    {_open_page("labels", after=True)}
  }}
}}
"""
    + APPLICATION_FRAGMENT
    + ITEM_FRAGMENT
)

# The first page of the applications, of a second label (mentor registrations), the
# issues with the dashboard's label (with their latest comments: the dashboard's notices)
# and the recently closed applications, in one query: connections under aliases, so a
# scheduled run costs one request, not five. (Not one connection over both labels: GitHub
# documents no OR for `labels`.) One query text for each combination in use, as GraphQL
# has no optional field without a directive.
DASHBOARDS = 10  # dashboard-labelled issues read with the first page; more: over REST
NOTICES = 100  # the latest comments of each; fewer than the run needs: over REST
_DASHBOARD = (
    f"dashboard: issues(labels: $dashboard, first: {DASHBOARDS}, states: [OPEN, CLOSED],"
    " orderBy: {field: CREATED_AT, direction: ASC})"
    f" {{ pageInfo {{ hasNextPage }} nodes {{ {ISSUE_FIELDS}"
    f" comments(last: {NOTICES}) {{ pageInfo {{ hasPreviousPage }} nodes {{ {_COMMENT} }} }} }} }}"
)
# Closed applications updated since $since, newest first as REST lists them, with their
# timelines (the dashboard's figures date their pairing from them); more than this many:
# over REST. 50 keeps the first query at 5 points (each issue's labels, assignees and
# timeline are a request each: 1 + 3 x 50 = 151 requests, 484 in all).
CLOSED = 50
_CLOSED = (
    f"closed: issues(labels: $labels, first: {CLOSED}, states: [CLOSED],"
    " filterBy: {since: $since}, orderBy: {field: CREATED_AT, direction: DESC})"
    " { pageInfo { hasNextPage } nodes { ...Application closedAt } }"
)


def first_page_name(others: bool, dashboard: bool, closed: bool) -> str:
    """The first query's name for what it reads beside the applications' first page."""
    return (
        "OpenApplications"
        + ("AndMore" if others else "")
        + ("AndDashboard" if dashboard else "")
        + ("AndClosed" if closed else "")
    )


def _first_page_query(others: bool, dashboard: bool, closed: bool) -> str:
    arguments = "$owner: String!, $name: String!, $labels: [String!]"
    arguments += ", $others: [String!]" if others else ""
    arguments += ", $dashboard: [String!]" if dashboard else ""
    arguments += ", $since: DateTime" if closed else ""
    more = f"others: {_open_page('others')}" if others else ""
    return (
        f"""
query {first_page_name(others, dashboard, closed)}({arguments}) {{
  {RATE}
  repository(owner: $owner, name: $name) {{
    {_open_page("labels")}
    {more}
    {_DASHBOARD if dashboard else ""}
    {_CLOSED if closed else ""}
  }}
}}
"""
        + APPLICATION_FRAGMENT
        + ITEM_FRAGMENT
    )


# What each first query reads beside the first page of applications: (registrations,
# dashboard, closed). Reading none of them is OpenApplications, the query of every page.
FIRST_PAGES = [
    (others, dashboard, closed)
    for others in (False, True)
    for dashboard in (False, True)
    for closed in (False, True)
    if others or dashboard or closed
]

# Every application, open and closed, oldest first, with its timeline: the outcomes
# report's one read (2 points a page of 50, as OpenApplications).
ALL_ISSUES = (
    f"""
query AllApplications($owner: String!, $name: String!, $labels: [String!], $after: String) {{
  {RATE}
  repository(owner: $owner, name: $name) {{
    issues(labels: $labels, first: {PAGE}, after: $after, states: [OPEN, CLOSED],
           orderBy: {{field: CREATED_AT, direction: ASC}}) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ ...Application closedAt }}
    }}
  }}
}}
"""
    + APPLICATION_FRAGMENT
    + ITEM_FRAGMENT
)

MORE_TIMELINE = (
    f"""
query MoreTimeline($owner: String!, $name: String!, $number: Int!, $after: String) {{
  {RATE}
  repository(owner: $owner, name: $name) {{
    issue(number: $number) {{ {_TIMELINE} }}
  }}
}}
"""
    + ITEM_FRAGMENT
)

# One issue with its timeline, as each issue of a page: an event run's, and the look again
# before writing to an issue the bulk read found work on.
ONE_ISSUE = (
    f"""
query OneIssue($owner: String!, $name: String!, $number: Int!) {{
  {RATE}
  repository(owner: $owner, name: $name) {{
    issue(number: $number) {{ ...Application }}
  }}
}}
"""
    + APPLICATION_FRAGMENT
    + ITEM_FRAGMENT
)

# The open issues of a label, without their timelines: who has an open registration, and
# the open applications by mentee, for the comments that name them (event runs).
LISTED = 100
OPEN_LIST = f"""
query OpenIssues($owner: String!, $name: String!, $labels: [String!], $after: String) {{
  {RATE}
  repository(owner: $owner, name: $name) {{
    issues(labels: $labels, first: {LISTED}, after: $after, states: [OPEN],
           orderBy: {{field: CREATED_AT, direction: ASC}}) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {ISSUE_FIELDS} }}
    }}
  }}
}}
"""

# The reactions on some of the bot's comments, by their node ids (``IssueComment.id``),
# a hundred comments a query: 1 + 100 reactions connections, 1 point. Not in the timeline:
# a reactions connection on each of its 100 comments of 50 issues would cost 50 points a
# page where the page costs 2. The newest hundred of each comment (more is not a question
# of life).
REACTION_IDS = 100  # GitHub's limit on `nodes(ids:)`
REACTIONS = 100
COMMENT_REACTIONS = f"""
query CommentReactions($ids: [ID!]!) {{
  {RATE}
  nodes(ids: $ids) {{
    __typename
    ... on IssueComment {{
      databaseId
      reactions(last: {REACTIONS}, orderBy: {{field: CREATED_AT, direction: ASC}}) {{
        totalCount
        nodes {{ content createdAt user {{ login }} }}
      }}
    }}
  }}
}}
"""
# GraphQL's ReactionContent, as REST names each (the model's ``Reaction.content``).
CONTENTS = {
    "THUMBS_UP": "+1",
    "THUMBS_DOWN": "-1",
    "LAUGH": "laugh",
    "CONFUSED": "confused",
    "HEART": "heart",
    "HOORAY": "hooray",
    "ROCKET": "rocket",
    "EYES": "eyes",
}

QUERIES = {
    "OpenApplications": OPEN_ISSUES,
    "AllApplications": ALL_ISSUES,
    "OneIssue": ONE_ISSUE,
    "OpenIssues": OPEN_LIST,
    **{first_page_name(*wanted): _first_page_query(*wanted) for wanted in FIRST_PAGES},
    "MoreTimeline": MORE_TIMELINE,
    "CommentReactions": COMMENT_REACTIONS,
}
# Where each query's connections of open issues are in ``data.repository``, the labels' by
# position; and the connections read whole or not at all (over REST then).
CONNECTIONS = ("issues", "others")
WHOLE = ("dashboard", "closed")


class GraphQLError(GitHubError):
    """A query GitHub did not answer in full, after the retries allowed."""


class TimelineUnread(Exception):
    """An issue's timeline could not be read whole; the message says why."""


@dataclass(frozen=True)
class RateLimit:
    """What the last query's ``rateLimit`` said."""

    cost: int
    remaining: int
    reset_at: datetime


@dataclass
class Page:
    """What one run read: the snapshots, and the issues a partial answer left out."""

    snapshots: list[IssueSnapshot] = field(default_factory=list)
    unread: list[tuple[int | None, str]] = field(default_factory=list)  # (number, why)
    stopped_early: bool = False


_EPOCH = datetime.fromtimestamp(0, UTC)


def _node_time(value: str | None) -> datetime:
    # GitHub's DateTime is ISO 8601 in UTC ("2026-01-05T09:00:00Z"), which Python 3.11's
    # fromisoformat reads as it is.
    return datetime.fromisoformat(value) if value else _EPOCH


def _node_login(actor: dict[str, Any] | None) -> str:
    """REST's login: a bot's GraphQL login is its slug, REST adds ``[bot]``."""
    if not actor:
        return ""
    login = actor.get("login") or ""
    if actor.get("__typename") == "Bot" and login and not login.endswith("[bot]"):
        return f"{login}[bot]"
    return login


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def comment_from_node(node: dict[str, Any]) -> Comment:
    """An ``IssueComment``, as the REST conversion gives it."""
    author = _node_login(node.get("author"))
    body = node.get("body") or ""
    return _comment(
        body, int(node["databaseId"]), author, node.get("createdAt"), node.get("updatedAt")
    )


# Remembered by every value a comment is made of: a run converts every comment of every
# open application, and a process that runs many times over (the simulator, the tests)
# the same comments run after run. The values are frozen, so they are shared; bodies
# longer than this are converted afresh each time, so no long text is held on to.
REMEMBERED_COMMENT = 4_096


@short_texts(REMEMBERED_COMMENT, maxsize=4096)
def _comment(
    body: str, comment_id: int, author: str, created: str | None, updated: str | None
) -> Comment:
    at = _node_time(created)
    return Comment(
        id=comment_id,
        author=author,
        body=body,
        created_at=at,
        # As over REST: a comment changed since it was written is edited, and a command
        # in it is not obeyed after the fact. (Most were never changed: the same text.)
        edited=bool(updated) and updated != created and was_edited(at, _node_time(updated)),
    )


# One conversion for each kind of event read, as the REST conversion gives it: each
# reads only the fields its kind has (a timeline is mostly comments and labels, and a
# scheduled run converts every item of every open application).
EventFrom = Callable[[dict[str, Any]], Event]


def _actor(node: dict[str, Any]) -> str | None:
    return _node_login(node.get("actor")) or None


def _assignment(kind: str) -> EventFrom:
    def convert(node: dict[str, Any]) -> Event:
        at, assignee = _node_time(node.get("createdAt")), _node_login(node.get("assignee")) or None
        return Event(kind, at, _actor(node), assignee=assignee)

    return convert


def _labelling(kind: str) -> EventFrom:
    def convert(node: dict[str, Any]) -> Event:
        label = (node.get("label") or {}).get("name")
        return _labelled(kind, node.get("createdAt"), _actor(node), label)

    return convert


@short_texts(REMEMBERED_COMMENT, text_at=3, maxsize=4096)
def _labelled(kind: str, created: str | None, actor: str | None, label: str | None) -> Event:
    """Remembered by every value it is made of, as comments are (``_comment``): a timeline
    is mostly comments and labels."""
    return Event(kind, _node_time(created), actor, label=label)


def _closed(node: dict[str, Any]) -> Event:
    closer = node.get("closer") or {}
    # REST's commit_id: the commit whose message closed it; null for a closing keyword in a
    # pull request's description, whose pull request GraphQL names as the closer instead.
    commit_id = closer.get("oid") if closer.get("__typename") == "Commit" else None
    return Event(
        "closed",
        _node_time(node.get("createdAt")),
        _actor(node),
        state_reason=_lower(node.get("stateReason")),
        commit_id=commit_id,
    )


def _reopened(node: dict[str, Any]) -> Event:
    reason = _lower(node.get("stateReason"))
    return Event("reopened", _node_time(node.get("createdAt")), _actor(node), state_reason=reason)


def _renamed(node: dict[str, Any]) -> Event:
    return Event("renamed", _node_time(node.get("createdAt")), _actor(node))


def _cross_referenced(node: dict[str, Any]) -> Event:
    source = node.get("source") or {}
    merged_at = source.get("mergedAt")
    return Event(
        "cross-referenced",
        _node_time(node.get("createdAt")),
        _actor(node),
        source=source.get("number"),
        source_is_pull=source.get("__typename") == "PullRequest",
        source_foreign=bool(node.get("isCrossRepository")),
        source_merged_at=_node_time(merged_at) if merged_at else None,
    )


_EVENTS: dict[str, EventFrom] = {
    "AssignedEvent": _assignment("assigned"),
    "UnassignedEvent": _assignment("unassigned"),
    "LabeledEvent": _labelling("labeled"),
    "UnlabeledEvent": _labelling("unlabeled"),
    "ClosedEvent": _closed,
    "ReopenedEvent": _reopened,
    "RenamedTitleEvent": _renamed,
    "CrossReferencedEvent": _cross_referenced,
}
assert {*_EVENTS, "IssueComment"} == _ITEM_ENUMS.keys()  # each type asked for is converted


def _reactions_of(node: dict[str, Any]) -> tuple[Reaction, ...]:
    """An ``IssueComment``'s reactions, as REST's list gives them (REST's content names)."""
    given = (node.get("reactions") or {}).get("nodes") or []
    return tuple(
        Reaction(
            by=_node_login(r.get("user")),
            content=CONTENTS.get(str(r.get("content")), str(r.get("content") or "").lower()),
            at=_node_time(r.get("createdAt")),
        )
        for r in given
        if r
    )


def issue_from_node(node: dict[str, Any]) -> Issue:
    """The issue's own fields, as REST's list gives them."""
    return Issue(
        number=int(node["number"]),
        title=node.get("title") or "",
        body=node.get("body") or "",
        author=_node_login(node.get("author")),
        state=(node.get("state") or "OPEN").lower(),
        state_reason=_lower(node.get("stateReason")),
        labels=tuple(n["name"] for n in (node.get("labels") or {}).get("nodes") or [] if n),
        assignees=tuple(n["login"] for n in (node.get("assignees") or {}).get("nodes") or [] if n),
        created_at=_node_time(node.get("createdAt")),
        updated_at=_node_time(node.get("updatedAt")),
        closed_at=_node_time(closed) if (closed := node.get("closedAt")) else None,
    )


def _split(nodes: list[dict[str, Any] | None]) -> tuple[list[Event], list[Comment]]:
    """The timeline items as the REST conversion gives them; the types not read left out."""
    events: list[Event] = []
    comments: list[Comment] = []
    for node in nodes:
        if not node:
            continue
        typename = node.get("__typename")
        if typename == "IssueComment":
            comments.append(comment_from_node(node))
        elif (convert := _EVENTS.get(typename or "")) is not None:
            events.append(convert(node))
    return events, comments


def _failed_paths(errors: list[dict[str, Any]], key: str = "issues") -> tuple[dict[int, str], bool]:
    """GitHub's messages for each issue node of connection ``key`` an error names, and
    whether any error names no issue node (of any connection)."""
    named: dict[int, list[dict[str, Any]]] = {}
    unplaced = False
    for error in errors:
        if _connection(error) in WHOLE:
            continue  # read over REST instead (_whole)
        path = error.get("path") or []
        # ["repository", "issues", "nodes", 7, ...] names the 8th issue of the page.
        placed = len(path) > 3 and path[0] == "repository" and path[2] == "nodes"
        if placed and path[1] in CONNECTIONS and isinstance(path[3], int):
            if path[1] == key:
                named.setdefault(path[3], []).append(error)
            continue
        unplaced = True
    return {index: messages(found) for index, found in named.items()}, unplaced


@dataclass(frozen=True)
class Notices:
    """The latest comments of a dashboard-labelled issue, oldest first, and whether they
    are all it has."""

    comments: tuple[Comment, ...]
    complete: bool

    def since(self, since: datetime) -> tuple[Comment, ...] | None:
        """Every comment written at or after ``since``, when these hold them all (the
        first of an incomplete page written before it); None when they may not."""
        if self.complete or (self.comments and self.comments[0].created_at < since):
            return self.comments
        return None


def _whole(body: dict[str, Any], key: str) -> list[dict[str, Any]] | None:
    """The issue nodes of connection ``key`` (dashboard, closed) of a first page's answer;
    None when an error touched it or there are more than were asked for (the REST list
    reads them then)."""
    found = ((body.get("data") or {}).get("repository") or {}).get(key)
    touched = any(_connection(e) == key for e in body.get("errors") or [])
    if found is None or touched or (found.get("pageInfo") or {}).get("hasNextPage"):
        return None
    return [node for node in found.get("nodes") or [] if node]


def _whole_issues(body: dict[str, Any], key: str) -> list[Issue] | None:
    """The issues of connection ``key`` of a first page's answer, the dashboard-labelled
    or the recently closed ones (see :func:`_whole`)."""
    nodes = _whole(body, key)
    return None if nodes is None else [issue_from_node(node) for node in nodes]


def _notices(body: dict[str, Any]) -> dict[int, Notices]:
    """The latest comments of each dashboard-labelled issue the answer holds whole."""
    found: dict[int, Notices] = {}
    for node in _whole(body, "dashboard") or []:
        comments = node.get("comments") or {}
        complete = not (comments.get("pageInfo") or {}).get("hasPreviousPage", True)
        given = tuple(comment_from_node(c) for c in comments.get("nodes") or [] if c)
        found[int(node["number"])] = Notices(given, complete)
    return found


def _connection(error: dict[str, Any]) -> str | None:
    """The connection of ``data.repository`` an error is in (its alias), if any."""
    path = error.get("path") or []
    return path[1] if len(path) > 1 and path[0] == "repository" else None


def _only_whole(errors: list[dict[str, Any]]) -> bool:
    """Whether every error is in a connection the REST path reads instead (``WHOLE``)."""
    return all(_connection(e) in WHOLE for e in errors)


def _not_found(errors: list[dict[str, Any]]) -> bool:
    return bool(errors) and all(e.get("type") == "NOT_FOUND" for e in errors)


def _rate_limited(errors: list[dict[str, Any]]) -> bool:
    return any(e.get("type") == "RATE_LIMITED" for e in errors)


def messages(errors: list[dict[str, Any]], fallback: str = "") -> str:
    """GitHub's ``errors[].message``, as one bounded line (it is text from outside)."""
    text = "; ".join(str(e.get("message")) for e in errors if e.get("message")) or fallback
    return one_line(text, MESSAGE_CHARS)


Query = Callable[[str, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]


def _first_page(
    labels: list[str], dashboard: str | None, closed_since: datetime | None
) -> tuple[str, dict[str, Any]]:
    """The first page's query name and variables: the open issues of one or two labels,
    and the dashboard's issues and the recently closed ones when asked for."""
    variables: dict[str, Any] = {"labels": labels[:1]}
    if len(labels) > 1:
        variables["others"] = labels[1:]
    if dashboard is not None:
        variables["dashboard"] = [dashboard]
    if closed_since is not None:
        variables["since"] = closed_since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wanted = (len(labels) > 1, dashboard is not None, closed_since is not None)
    if not any(wanted):
        variables["after"] = None
    return first_page_name(*wanted), variables


class GraphQL:
    """Reads open applications over GraphQL, within the rate limit's reserve."""

    def __init__(
        self,
        query: Query,
        full_name: str,
        reserve: int,
        *,
        sleep: Callable[[float], None],
        attempts: int = 5,  # SafeRetry's total=4 retries of a read, as for REST
        backoff: float = 0.5,
    ) -> None:
        self._query = query
        self._sleep = sleep
        self.backoff = backoff
        self.owner, self.name = full_name.split("/", 1)
        self.reserve = reserve
        self.attempts = attempts
        self.rate: RateLimit | None = None
        self.exhausted = False
        self.requests = 0
        # What the first query read beside the open issues, when it was asked for it and
        # all of it was there (None: read it over REST): the dashboard-labelled issues,
        # their latest comments, and the closed applications updated since a time.
        self.dashboard: list[Issue] | None = None
        self.notices: dict[int, Notices] = {}
        self.closed: list[Issue] | None = None
        self.closed_timelines: dict[int, IssueSnapshot] = {}  # those given whole, by number
        self.node_ids: dict[int, str] = {}  # each comment read: its node id, by databaseId

    def budget_low(self) -> bool:
        """Whether the points left (from the last query) are below the reserve, or the rate
        limit refused a query this run (an answer that says so has no ``rateLimit``)."""
        return self.exhausted or (self.rate is not None and self.rate.remaining < self.reserve)

    def _send(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One query, sent again after a 5xx or an answer with errors and no data.

        A query only reads, so sending it again is safe (SafeRetry retries only GETs,
        and waits out secondary rate limits for every method itself).
        """
        if "$owner" in QUERIES[name]:  # every query but the one by node ids
            variables = {"owner": self.owner, "name": self.name, **variables}
        last = ""
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                self._sleep(self.backoff * 2 ** (attempt - 2))  # as SafeRetry backs off reads
            self.requests += 1
            try:
                _, body = self._query(QUERIES[name], variables)
            except GithubException as exc:
                body = exc.data if isinstance(exc.data, dict) else {}
                errors = body.get("errors") or []
                if exc.status == 400 and body.get("data"):
                    # PyGithub raises for any error; partial data is still data.
                    pass
                elif _rate_limited(errors) or is_rate_limited(exc):
                    # By status and headers, as for REST: a 403 is a rate limit only with
                    # Retry-After or X-RateLimit-Remaining: 0.
                    self.exhausted = True
                    raise GraphQLError(
                        f"GitHub's rate limit refused a query (HTTP {exc.status})",
                        exc.status,
                        rate_limited=True,
                    ) from exc
                elif exc.status in (401, 403):
                    # Any other refusal (a token without the permission, an organisation's
                    # SAML enforcement) is a failure: every run would do nothing until fixed.
                    why = messages(errors, str(body.get("message") or ""))
                    raise GraphQLError(
                        f"{name} query refused (HTTP {exc.status}: {why})", exc.status
                    ) from exc
                elif exc.status >= 500 or (exc.status == 400 and not errors):
                    last = f"HTTP {exc.status}"
                    log.warning("%s query failed (%s); attempt %s", name, last, attempt)
                    continue
                else:
                    why = messages(errors, str(exc))
                    raise GraphQLError(f"{name} query refused: {why}", exc.status) from exc
            except requests.RequestException as exc:
                last = type(exc).__name__
                log.warning("%s query failed (%s); attempt %s", name, last, attempt)
                continue
            if _rate_limited(body.get("errors") or []):
                self.exhausted = True
            rate = (body.get("data") or {}).get("rateLimit")
            if rate:
                self.rate = RateLimit(
                    int(rate["cost"]), int(rate["remaining"]), _node_time(rate["resetAt"])
                )
            return body
        raise GraphQLError(f"{name} query failed {self.attempts} times ({last})")

    def open_issues(self, label: str) -> Page:
        """Every open issue with ``label`` and its timeline, least recently updated first."""
        return self.open_issues_of([label])[0]

    def open_issues_of(
        self,
        labels: list[str],
        dashboard: str | None = None,
        closed_since: datetime | None = None,
    ) -> list[Page]:
        """Every open issue of each label (one or two) with its timeline, least recently
        updated first: the first page of each in one query, then the pages left, label by
        label. Once the points run low the pages not read are marked stopped early.
        ``dashboard``: a label whose issues (any state, no timelines) and their latest
        comments the first query reads too, into :attr:`dashboard` and :attr:`notices`;
        ``closed_since``: the closed issues of the first label updated since then, into
        :attr:`closed`."""
        assert 1 <= len(labels) <= 2
        pages = [Page() for _ in labels]
        if self.budget_low():
            for page in pages:
                page.stopped_early = True
            return pages
        name, variables = _first_page(labels, dashboard, closed_since)
        body = self._answered(name, variables)
        if dashboard is not None:
            self.dashboard = _whole_issues(body, "dashboard")
            self.notices = _notices(body)
        if closed_since is not None:
            self.closed = _whole_issues(body, "closed")
            self.closed_timelines = self._whole_timelines(body, "closed")
        keys = CONNECTIONS[: len(labels)]
        after = [self._take(page, body, key) for page, key in zip(pages, keys, strict=True)]
        for label, page, cursor in zip(labels, pages, after, strict=False):
            while cursor is not None and not page.stopped_early:
                if self.budget_low():
                    page.stopped_early = True
                    break
                body = self._answered("OpenApplications", {"labels": [label], "after": cursor})
                cursor = self._take(page, body, "issues")
            if page.stopped_early:  # what was not read waits for the next run, every label
                for rest in pages[pages.index(page) + 1 :]:
                    rest.stopped_early = True
                break
        return pages

    def all_issues(self, label: str) -> Page:
        """Every issue with ``label``, open and closed, with its timeline, oldest first;
        once the points run low the rest is left and the page marked stopped early."""
        page = Page()
        cursor: str | None = None
        while True:
            if self.budget_low():
                page.stopped_early = True
                return page
            body = self._answered("AllApplications", {"labels": [label], "after": cursor})
            cursor = self._take(page, body, "issues")
            if cursor is None or page.stopped_early:
                return page

    def issue(
        self, number: int, wanted: Callable[[Issue], bool] | None = None
    ) -> IssueSnapshot | Issue | None:
        """Issue ``number`` with its whole timeline, read now; the issue alone when
        ``wanted`` says its timeline is not needed (no further pages are read: an event
        on an issue that is no application costs one query); None when GraphQL has no
        such issue (a pull request, or a deleted issue: REST says which) or could not give
        it whole (the caller reads it over REST then). Raises :class:`GraphQLError` when
        the query is refused or fails every attempt."""
        body = self._answered("OneIssue", {"number": number})
        errors = body.get("errors") or []
        node = ((body.get("data") or {}).get("repository") or {}).get("issue")
        if node is None or errors:
            if _rate_limited(errors):
                raise GraphQLError("GitHub's rate limit refused a query", rate_limited=True)
            gone = node is None and all(
                e.get("type") == "NOT_FOUND" and e.get("path") == ["repository", "issue"]
                for e in errors
            )
            if not gone:
                log.warning("#%s: not read over GraphQL (%s)", number, messages(errors))
            return None
        if wanted is not None and not wanted(issue := issue_from_node(node)):
            return issue
        try:
            return self._snapshot(node)
        except TimelineUnread:
            return None

    def listed(self, label: str) -> list[Issue] | None:
        """Every open issue with ``label``, without timelines, oldest first; None when
        GraphQL could not give them all (the caller lists them over REST then: an error,
        points below the reserve, a refused query)."""
        found: list[Issue] = []
        cursor: str | None = None
        while True:
            if self.budget_low():
                return None
            try:
                body = self._answered("OpenIssues", {"labels": [label], "after": cursor})
            except GraphQLError as exc:
                log.warning("the open issues labelled %r: not listed over GraphQL (%s)", label, exc)
                return None
            data = ((body.get("data") or {}).get("repository") or {}).get("issues")
            errors = body.get("errors") or []
            if data is None or errors:
                said = messages(errors, "no list in the answer")
                log.warning(
                    "the open issues labelled %r: not listed over GraphQL (%s)", label, said
                )
                return None
            found += [issue_from_node(node) for node in data.get("nodes") or [] if node]
            info = data.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return found
            if not info.get("endCursor") or info.get("endCursor") == cursor:
                return None  # more, and no way on to them: REST lists them
            cursor = info.get("endCursor")

    def _answered(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One page query, asked again while GitHub answers in part (a timeout on one issue
        should not leave it to the next run); what is still missing after that is left.
        Not after a NOT_FOUND alone: that is GitHub's answer, and would be again; nor for
        errors only in connections read whole or over REST (``WHOLE``)."""
        body = self._send(name, variables)
        for _ in range(self.attempts - 1):
            errors = body.get("errors") or []
            if not errors or self.budget_low() or _not_found(errors) or _only_whole(errors):
                break
            log.warning("%s query answered with errors; asking again", name)
            body = self._send(name, variables)
        return body

    def _take(self, page: Page, body: dict[str, Any], key: str) -> str | None:
        """Add the answer's connection ``key`` to ``page``: its issues with their whole
        timelines, and those it could not give; the cursor of the next page, if any."""
        errors = body.get("errors") or []
        data = ((body.get("data") or {}).get("repository") or {}).get(key)
        if data is None:
            if _rate_limited(errors):
                raise GraphQLError("GitHub's rate limit refused a query", rate_limited=True)
            raise GraphQLError(f"the open applications could not be read: {messages(errors)}")
        failed, unplaced = _failed_paths(errors, key)
        if unplaced and errors:
            # An error that names no issue leaves the whole page in doubt.
            raise GraphQLError(f"the open applications could not be read: {messages(errors)}")
        for index, node in enumerate(data.get("nodes") or []):
            if node is None or index in failed:
                # A node lost to an error has no number left; the caller reads the
                # issues of the label over REST for it.
                number = node.get("number") if node else None
                said = failed.get(index) or "no message"
                page.unread.append((number, f"GitHub answered with an error for it: {said}"))
                continue
            try:
                page.snapshots.append(self._snapshot(node))
            except TimelineUnread as exc:
                page.unread.append((node.get("number"), str(exc)))
                if self.budget_low():
                    page.stopped_early = True
                    return None
        info = data.get("pageInfo") or {}
        return info.get("endCursor") if info.get("hasNextPage") else None

    def _whole_timelines(self, body: dict[str, Any], key: str) -> dict[int, IssueSnapshot]:
        """The issues of connection ``key`` whose timelines the answer holds whole (no
        further page: no query more), by number."""
        found: dict[int, IssueSnapshot] = {}
        for node in _whole(body, key) or []:
            timeline = node.get("timelineItems") or {}
            if (timeline.get("pageInfo") or {}).get("hasNextPage", True):
                continue
            snapshot = self._snapshot(node)
            found[snapshot.issue.number] = snapshot
        return found

    def _snapshot(self, node: dict[str, Any]) -> IssueSnapshot:
        """The issue with its whole timeline, further pages read only when there are more.
        Raises :class:`TimelineUnread` saying why it could not be read."""
        issue = issue_from_node(node)
        timeline = node.get("timelineItems") or {}
        nodes = list(timeline.get("nodes") or [])
        info = timeline.get("pageInfo") or {}
        while info.get("hasNextPage"):
            if self.budget_low():
                raise TimelineUnread("its timeline could not be read (the GraphQL points ran low)")
            try:
                body = self._send(
                    "MoreTimeline", {"number": issue.number, "after": info.get("endCursor")}
                )
            except GraphQLError as exc:
                if exc.rate_limited or exc.status in (401, 403):
                    raise
                log.warning("#%s: %s", issue.number, exc)
                raise TimelineUnread(f"its timeline could not be read ({exc})") from exc
            more = (((body.get("data") or {}).get("repository") or {}).get("issue") or {}).get(
                "timelineItems"
            )
            if more is None or body.get("errors"):
                said = messages(body.get("errors") or [], "no timeline in the answer")
                raise TimelineUnread(f"its timeline could not be read: {said}")
            nodes += more.get("nodes") or []
            info = more.get("pageInfo") or {}
        events, comments = _split(nodes)
        for item in nodes:
            if item and item.get("__typename") == "IssueComment" and item.get("id"):
                self.node_ids[int(item["databaseId"])] = str(item["id"])
        return IssueSnapshot(issue, tuple(events), tuple(comments))

    def reactions(self, comment_ids: list[int]) -> dict[int, tuple[Reaction, ...]]:
        """The reactions on these comments (read in this run, by their ids), a hundred
        comments a query. A comment GitHub did not give is left out, and so is every
        comment from the first query refused or failed, or once the points are below the
        reserve (a warning says why): the caller reads those over REST, and keeps those
        read before."""
        found: dict[int, tuple[Reaction, ...]] = {}
        known = [i for i in comment_ids if i in self.node_ids]
        for start in range(0, len(known), REACTION_IDS):
            chunk = [self.node_ids[i] for i in known[start : start + REACTION_IDS]]
            try:
                nodes = self._reaction_nodes(chunk)
            except GraphQLError as exc:
                left = len(known) - start
                log.warning("reactions on %s comments not read over GraphQL (%s)", left, exc)
                break
            for node in nodes:
                if node and node.get("__typename") == "IssueComment":
                    found[int(node["databaseId"])] = _reactions_of(node)
        return found

    def _reaction_nodes(self, chunk: list[str]) -> list[dict[str, Any] | None]:
        """One CommentReactions query's nodes; raises :class:`GraphQLError` saying why not."""
        if self.budget_low():
            raise GraphQLError("the GraphQL points ran low", rate_limited=self.exhausted)
        body = self._send("CommentReactions", {"ids": chunk})
        errors = body.get("errors") or []
        nodes = (body.get("data") or {}).get("nodes")
        if errors or not isinstance(nodes, list):
            said = messages(errors, "no nodes in the answer")
            raise GraphQLError(f"reactions could not be read: {said}")
        return nodes
