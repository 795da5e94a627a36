"""GraphQL answers from what the sandbox kept of earlier queries are the answers it would
give with nothing kept: every change to what they show shows at the next query, and the
text sent is json.dumps's own."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import github
import pytest

from benchmarks.mentorships import ROOT
from mentoring.cli import reconcile
from mentoring.github.graphql import ITEM_FRAGMENT
from simulator.sandbox import Sandbox, graphql
from simulator.sandbox.graphql import Kept
from simulator.sandbox.model import ApiError, User, Watch
from simulator.simulation import Simulation, load_scenario

BOT = "github-actions[bot]"
QUERY = """query Q($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    issues(first: 50, states: [OPEN, CLOSED]) {
      nodes {
        number title body state updatedAt
        author { login }
        labels(first: 10) { nodes { name } }
        assignees(first: 10) { nodes { login } }
        timelineItems(first: 100) {
          pageInfo { endCursor hasNextPage }
          nodes {
            __typename
            ... on IssueComment { databaseId body createdAt updatedAt author { login } }
            ... on LabeledEvent { label { name } actor { login } }
            ... on AssignedEvent { assignee { ... on User { login } } }
            ... on ClosedEvent {
              stateReason
              closer { __typename ... on PullRequest { number mergedAt } }
            }
            ... on CrossReferencedEvent {
              source { __typename ... on PullRequest { number mergedAt } ... on Issue { number } }
            }
          }
        }
      }
    }
  }
}"""


# Every field of an issue, of every item the sandbox keeps by what it is shaped from (the
# project's own fragment), and the issues' own connections.
FULL = (
    """query Q($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    issues(first: 50, states: [OPEN, CLOSED]) {
      nodes {
        number title body state stateReason createdAt updatedAt closedAt
        author { __typename login }
        labels(first: 10) { nodes { name } }
        assignees(first: 10) { nodes { __typename login } }
        comments(first: 10) {
          nodes { databaseId body createdAt updatedAt author { __typename login } }
        }
        timelineItems(first: 100) { nodes { ...Item } }
      }
    }
  }
}"""
    + ITEM_FRAGMENT
)


def _post(sb: Sandbox, query: str = QUERY) -> dict[str, Any]:
    gh = github.Github(base_url=sb.url, auth=github.Auth.Token(sb.token_for(BOT)))
    variables = {"owner": "astropy", "name": "mentoring"}
    _, body = gh.requester.requestJsonAndCheck(
        "POST", gh.requester.graphql_url, input={"query": query, "variables": variables}
    )
    return body


def _answer(sb: Sandbox, query: str = QUERY) -> dict[str, Any]:
    """The query's answer, after checking it is the one nothing kept gives."""
    warm = _post(sb, query)
    kept = sb.graphql_kept
    sb.graphql_kept = Kept()
    cold = _post(sb, query)
    sb.graphql_kept = kept  # the older dicts stay in use: later reads must see past them
    assert warm == cold
    assert warm["data"]
    assert "errors" not in warm
    return warm


def _nodes(answer: dict[str, Any], number: int) -> list[dict[str, Any]]:
    issues = answer["data"]["repository"]["issues"]["nodes"]
    [issue] = [i for i in issues if i["number"] == number]
    return issue["timelineItems"]["nodes"]


@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_edits_deletions_renames_and_merges_show_at_the_next_query(
    sandbox: Sandbox, engine: str
) -> None:
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("alice", "Apply", "body", labels=["mentoring: paused"])
    comment = sandbox.comment(n, "bob", "first")
    sandbox.assign(n, "cora", ["alice"])
    before = _answer(sandbox)
    assert _answer(sandbox) == before  # nothing changed: the same answer, twice kept

    sandbox.advance(hours=1)
    sandbox.edit_comment(comment, "bob", "second")
    edited = _answer(sandbox)
    [node] = [i for i in _nodes(edited, n) if i["__typename"] == "IssueComment"]
    assert (node["body"], node["updatedAt"]) == ("second", "2026-01-01T01:00:00Z")

    sandbox.state.comment(comment).body = "changed behind the API's back"
    assert "changed behind the API's back" in str(_answer(sandbox))

    sandbox.advance(hours=1)
    sandbox.delete_comment(comment, "bob")
    deleted = _answer(sandbox)
    assert [i["__typename"] for i in _nodes(deleted, n)] == ["LabeledEvent", "AssignedEvent"]

    sandbox.rename_label("mentoring: paused", "on hold")
    renamed = _answer(sandbox)
    [issue] = renamed["data"]["repository"]["issues"]["nodes"]
    assert issue["labels"]["nodes"] == [{"name": "on hold"}]
    assert _nodes(renamed, n)[0]["label"] == {"name": "mentoring: paused"}  # old events keep it

    pull = sandbox.open_pull_request("bob", "Fix", f"Closes #{n}", {"x.txt": "x"})
    [mention] = [i for i in _nodes(_answer(sandbox), n) if "source" in i]
    assert mention["source"] == {"__typename": "PullRequest", "number": pull, "mergedAt": None}
    sandbox.advance(hours=1)
    sandbox.merge_pull_request(pull, "cora")
    merged = _nodes(_answer(sandbox), n)
    [mention] = [i for i in merged if "source" in i]
    assert mention["source"]["mergedAt"] == "2026-01-01T03:00:00Z"
    assert merged[-1]["closer"] == mention["source"]


def _event(sb: Sandbox, number: int, kind: str) -> Any:
    """The issue's first event of this kind."""
    return next(e for e in sb.state.events[number] if e.event == kind)


def _twin(at: datetime) -> datetime:
    """The same time in another zone: equal to ``at``, and written otherwise."""
    return at.astimezone(timezone(timedelta(hours=1)))


# Changes made to the state's objects directly, none through the methods that make
# events or touch an issue's time: each to a value an item or a connection shows.
_CHANGES: dict[str, Callable[[Sandbox, int, int], None]] = {
    "comment body": lambda sb, n, c: setattr(sb.state.comments[c], "body", "other"),
    "comment id": lambda sb, n, c: setattr(sb.state.comments[c], "id", 999_999),
    "comment author": lambda sb, n, c: setattr(sb.state.comments[c], "user", "dave"),
    "comment created": lambda sb, n, c: setattr(
        sb.state.comments[c], "created_at", datetime(2025, 1, 1, tzinfo=UTC)
    ),
    "comment updated, another zone": lambda sb, n, c: setattr(
        sb.state.comments[c], "updated_at", _twin(sb.state.comments[c].updated_at)
    ),
    "author becomes a bot": lambda sb, n, c: setattr(sb.state.user("bob"), "type", "Bot"),
    "actor becomes an organization": lambda sb, n, c: setattr(
        sb.state.user("cora"), "type", "Organization"
    ),
    "assigned: assignee": lambda sb, n, c: setattr(_event(sb, n, "assigned"), "assignee", "dave"),
    "unassigned: actor": lambda sb, n, c: setattr(_event(sb, n, "unassigned"), "actor", "dave"),
    "labeled: label": lambda sb, n, c: setattr(_event(sb, n, "labeled"), "label", ("x", "ededed")),
    "labeled: another zone": lambda sb, n, c: setattr(
        _event(sb, n, "labeled"), "created_at", _twin(_event(sb, n, "labeled").created_at)
    ),
    "unlabeled: becomes labeled": lambda sb, n, c: setattr(
        _event(sb, n, "unlabeled"), "event", "labeled"
    ),
    "reopened: reason": lambda sb, n, c: setattr(
        _event(sb, n, "reopened"), "state_reason", "reopened"
    ),
    "renamed: time": lambda sb, n, c: setattr(
        _event(sb, n, "renamed"), "created_at", datetime(2025, 1, 1, tzinfo=UTC)
    ),
    "labels, in place": lambda sb, n, c: sb.state.issues[n].labels.append("extra"),
    "assignees, in place": lambda sb, n, c: sb.state.issues[n].assignees.insert(0, "dave"),
}


@pytest.mark.parametrize("change", _CHANGES)
@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_a_change_made_to_the_state_directly_shows_at_the_next_query(
    sandbox: Sandbox, engine: str, change: str
) -> None:
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("alice", "Apply", "body")
    comment = sandbox.comment(n, "bob", "first")
    sandbox.assign(n, "cora", ["alice"])
    sandbox.unassign(n, "cora", ["alice"])
    sandbox.add_labels(n, "cora", ["mentoring: paused"])
    sandbox.remove_labels(n, "cora", ["mentoring: paused"])
    sandbox.add_labels(n, "cora", ["application"])
    sandbox.assign(n, "cora", ["alice"])
    sandbox.close(n, "cora")
    sandbox.reopen(n, "cora")
    sandbox.rename(n, "cora", "Applying")
    sandbox.comment(n, "cora", "second")
    sandbox.state.user("dave")
    before = _answer(sandbox, FULL)
    assert _answer(sandbox, FULL) == before
    _CHANGES[change](sandbox, n, comment)
    assert _answer(sandbox, FULL) != before  # and it is the answer nothing kept gives


def _replace(objects: dict[Any, Any], key: Any, **changes: Any) -> None:
    """The object under ``key`` swapped for a copy, changed or not: another object."""
    objects[key] = dataclasses.replace(objects[key], **changes)


# Changes made directly to what a timeline shows of other records, to its list of events
# and to the records themselves as objects (each a change a timeline kept whole by its
# fingerprint must see); ``n`` the issue, ``c`` its comment, ``p`` the merged pull request
# that closed it, ``m`` an issue that mentions it.
_TIMELINE_CHANGES: dict[str, Callable[[Sandbox, int, int, int, int], None]] = {
    "closer merged at another time": lambda sb, n, c, p, m: setattr(
        sb.state.issues[p].pull, "merged_at", datetime(2025, 1, 1, tzinfo=UTC)
    ),
    "closer merged, another zone": lambda sb, n, c, p, m: setattr(
        sb.state.issues[p].pull, "merged_at", _twin(sb.state.issues[p].pull.merged_at)
    ),
    "closer becomes an issue": lambda sb, n, c, p, m: setattr(sb.state.issues[p], "pull", None),
    "closer's pull request replaced": lambda sb, n, c, p, m: setattr(
        sb.state.issues[p],
        "pull",
        dataclasses.replace(sb.state.issues[p].pull, merged_at=datetime(2025, 1, 1, tzinfo=UTC)),
    ),
    "source issue replaced, by a pull request": lambda sb, n, c, p, m: _replace(
        sb.state.issues, m, pull=sb.state.issues[p].pull
    ),
    "another repository's merged pull request: time passes": lambda sb, n, c, p, m: (
        sb.advance(hours=1) and None
    ),
    "comment deleted": lambda sb, n, c, p, m: setattr(sb.state.comments[c], "deleted", True),
    "comment replaced": lambda sb, n, c, p, m: _replace(sb.state.comments, c, body="other"),
    "comment event names another comment": lambda sb, n, c, p, m: setattr(
        _event(sb, n, "commented"), "comment", sb.state.add_comment("eve", m, "elsewhere").id
    ),
    "event replaced": lambda sb, n, c, p, m: _replace(
        sb.state.events[n], 0, created_at=datetime(2025, 1, 1, tzinfo=UTC)
    ),
    "event of another kind": lambda sb, n, c, p, m: setattr(
        _event(sb, n, "labeled"), "event", "merged"
    ),
    "close becomes another issue's": lambda sb, n, c, p, m: setattr(
        _event(sb, n, "closed"), "issue", m
    ),
    "event appended": lambda sb, n, c, p, m: sb.state.events[n].append(
        dataclasses.replace(_event(sb, n, "labeled"), id=999_999)
    ),
    "event removed": lambda sb, n, c, p, m: sb.state.events[n].pop() and None,
    "events listed anew, one fewer": lambda sb, n, c, p, m: sb.state.events.__setitem__(
        n, sb.state.events[n][1:]
    ),
    "issue replaced": lambda sb, n, c, p, m: _replace(sb.state.issues, n, title="Other"),
    "comments listed anew, one fewer": lambda sb, n, c, p, m: sb.state._comments_of[n].pop()
    and None,
    "user replaced": lambda sb, n, c, p, m: _replace(sb.state.users, "bob", type="Bot"),
    "user's login": lambda sb, n, c, p, m: setattr(sb.state.user("bob"), "login", "Bob"),
}


@pytest.mark.parametrize("change", _TIMELINE_CHANGES)
@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_a_change_to_what_an_issue_shows_of_others_shows_at_the_next_query(
    sandbox: Sandbox, engine: str, change: str
) -> None:
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    comment = sandbox.comment(n, "bob", "first")
    mention = sandbox.open_issue("eve", "See", f"About #{n}")
    sandbox.cross_reference_from(n, "dave", "elsewhere/fork", 99, merged_pull=True)
    pull = sandbox.open_pull_request("bob", "Fix", f"Closes #{n}", {"x.txt": "x"})
    sandbox.advance(hours=1)
    sandbox.merge_pull_request(pull, "cora")
    before = _answer(sandbox, FULL)
    assert _answer(sandbox, FULL) == before
    _TIMELINE_CHANGES[change](sandbox, n, comment, pull, mention)
    assert _answer(sandbox, FULL) != before  # and it is the answer nothing kept gives


@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_a_close_made_another_issues_shows_the_closer_that_issue_has_now(
    sandbox: Sandbox, engine: str
) -> None:
    # The closer is looked for in the timeline of the issue the close event names: when
    # that is not the issue it is listed under, that other timeline is what it shows.
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("alice", "Apply", "body")
    other = sandbox.open_issue("eve", "Other", "body")
    pull = sandbox.open_pull_request("bob", "Fix", f"Closes #{n}", {"x.txt": "x"})
    sandbox.advance(hours=1)
    sandbox.merge_pull_request(pull, "cora")
    _event(sandbox, n, "closed").issue = other
    before = _answer(sandbox, FULL)
    assert [i for i in _nodes(before, n) if i.get("closer")] == []
    state = sandbox.state
    state._event(state.issues[other], "cross-referenced", "bob", source=pull)
    [close] = [i for i in _nodes(_answer(sandbox, FULL), n) if "closer" in i]
    merged = state.issues[pull].pull.merge_commit_sha
    assert merged
    assert close["closer"] == {
        "__typename": "PullRequest",
        "number": pull,
        "mergeCommit": {"oid": merged},
    }


def _outcome(sb: Sandbox) -> Any:
    """The query's answer, or the error that stopped it."""
    try:
        variables = {"owner": "astropy", "name": "mentoring"}
        return graphql.answer(sb, {"query": FULL, "variables": variables}, BOT)[1]
    except ApiError as exc:
        return exc.status


@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_an_issue_taken_for_deleted_is_not_answered_from_what_was_kept(
    sandbox: Sandbox, engine: str
) -> None:
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("alice", "Apply", "body")
    sandbox.comment(n, "bob", "first")
    _answer(sandbox, FULL)
    sandbox.state.deleted.add(n)  # and still listed: its timeline is a 410
    warm = _outcome(sandbox)
    sandbox.graphql_kept = Kept()
    assert warm == _outcome(sandbox)


# Changes through the sandbox's own methods, as people and the API make them, to issue
# ``n`` (with a comment ``c``) or to what it shows; each shows at the next query.
_ACTIONS: dict[str, Callable[[Sandbox, int, int], Any]] = {
    "comment": lambda sb, n, c: sb.comment(n, "bob", "again"),
    "edit a comment": lambda sb, n, c: sb.edit_comment(c, "bob", "edited"),
    "delete a comment": lambda sb, n, c: sb.delete_comment(c, "bob"),
    "assign": lambda sb, n, c: sb.assign(n, "cora", ["bob"]),
    "unassign": lambda sb, n, c: sb.unassign(n, "cora", ["alice"]),
    "add a label": lambda sb, n, c: sb.add_labels(n, "cora", ["mentoring: paused"]),
    "remove a label": lambda sb, n, c: sb.remove_labels(n, "cora", ["application"]),
    "rename a label": lambda sb, n, c: sb.rename_label("application", "applicant"),
    "close": lambda sb, n, c: sb.close(n, "cora", "not_planned"),
    "close, then reopen": lambda sb, n, c: (sb.close(n, "cora"), sb.reopen(n, "cora")),
    "edit the body": lambda sb, n, c: sb.edit_body(n, "alice", "new body"),
    "rename": lambda sb, n, c: sb.rename(n, "alice", "Applying"),
    "mention from another issue": lambda sb, n, c: sb.open_issue("eve", "See", f"#{n}"),
    "mention from another repository": lambda sb, n, c: sb.cross_reference_from(
        n, "eve", "elsewhere/fork", 7, merged_pull=False
    ),
    "merge the pull request that mentions it": lambda sb, n, c: sb.merge_pull_request(
        sb.state.events[n][-1].source, "cora"
    ),
    "merge another pull request that closes it": lambda sb, n, c: sb.merge_pull_request(
        sb.open_pull_request("bob", "Fix", f"Fixes #{n}", {"y.txt": "y"}), "cora"
    ),
}


@pytest.mark.parametrize("action", _ACTIONS)
@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_each_change_the_sandbox_makes_shows_at_the_next_query(
    sandbox: Sandbox, engine: str, action: str
) -> None:
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"], assignees=["alice"])
    comment = sandbox.comment(n, "bob", "first")
    sandbox.open_pull_request("bob", "Draft", f"About #{n}", {"x.txt": "x"})
    before = _answer(sandbox, FULL)
    assert _answer(sandbox, FULL) == before
    sandbox.advance(minutes=1)
    _ACTIONS[action](sandbox, n, comment)
    assert _answer(sandbox, FULL) != before  # and it is the answer nothing kept gives


def test_an_issue_unchanged_is_answered_without_being_shaped_again(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = [sandbox.open_issue("alice", f"Apply {k}", "body") for k in range(3)]
    for n in numbers:
        sandbox.comment(n, "bob", "first")
    _answer(sandbox, FULL)
    shaped: list[int] = []
    shape = graphql.Resolver.shape_issue
    monkeypatch.setattr(
        graphql.Resolver, "shape_issue", lambda self, i: shaped.append(i.number) or shape(self, i)
    )
    _post(sandbox, FULL)
    assert shaped == []  # every answer kept
    sandbox.comment(numbers[1], "bob", "second")
    _post(sandbox, FULL)
    assert shaped == [numbers[1]]
    sandbox.state.comments[sandbox.comment(numbers[2], "bob", "third")].body = "changed"
    _post(sandbox, FULL)
    assert shaped == [numbers[1], numbers[2]]


@pytest.mark.parametrize("replaced", [False, True], ids=["changed", "replaced"])
@pytest.mark.parametrize("login", ["ann", "cat", "dan", "eve", "fay", "gus"])
@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_a_user_an_issue_shows_in_one_place_only_shows_as_it_is_now(
    sandbox: Sandbox, engine: str, login: str, replaced: bool
) -> None:
    sandbox.graphql_engine = engine
    n = sandbox.open_issue("ann", "Apply", "body")  # the author
    sandbox.add_labels(n, "cat", ["application"])  # an actor
    sandbox.set_permission("dan", "read")
    sandbox.assign(n, "cat", ["dan"])  # an assignee of events only
    sandbox.unassign(n, "cat", ["dan"])
    sandbox.comment(n, "eve", "hello")  # a commenter
    sandbox.add_user("gus")
    sandbox.state.comments[sandbox.comment(n, "hal", "hi")].user = "gus"  # one without event
    sandbox.add_user("fay")
    sandbox.state.issues[n].assignees.append("fay")  # assigned, with no event
    before = _answer(sandbox, FULL)
    assert login in str(before)
    if replaced:  # (a login the user's type does not show in: graphql-core's User)
        _replace(sandbox.state.users, login, login=login.title())
    else:
        sandbox.state.user(login).login = login.title()
    assert _answer(sandbox, FULL) != before  # and it is the answer nothing kept gives


@pytest.mark.parametrize("engine", ["projection", "graphql-core"])
def test_a_record_two_issues_show_shows_as_it_is_now_in_both(sandbox: Sandbox, engine: str) -> None:
    sandbox.graphql_engine = engine
    first = sandbox.open_issue("alice", "Apply", "body")
    second = sandbox.open_issue("alice", "Apply again", "body")
    pull = sandbox.open_pull_request("bob", "Fix", f"Closes #{first}, closes #{second}", {})
    before = _answer(sandbox, FULL)
    sandbox.state.user("alice").login = "Alice"
    sandbox.state.issues[pull].pull.merged_at = datetime(2025, 1, 1, tzinfo=UTC)
    after = _answer(sandbox, FULL)
    for number in (first, second):
        [was], [now] = (
            [i for i in a["data"]["repository"]["issues"]["nodes"] if i["number"] == number]
            for a in (before, after)
        )
        assert (was["author"]["login"], now["author"]["login"]) == ("alice", "Alice")
        [source] = [i["source"] for i in now["timelineItems"]["nodes"]]
        assert source["mergedAt"] == "2025-01-01T00:00:00Z"


def test_an_issue_is_answered_for_each_selection_and_alike_in_queries_alike(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    sandbox.comment(n, "bob", "first")
    shaped: list[int] = []
    shape = graphql.Resolver.shape_issue
    monkeypatch.setattr(
        graphql.Resolver, "shape_issue", lambda self, i: shaped.append(i.number) or shape(self, i)
    )
    full, query = _answer(sandbox, FULL), _answer(sandbox, QUERY)  # nothing changed between
    assert full != query
    assert _answer(sandbox, FULL) == full
    assert _answer(sandbox, QUERY) == query
    # The same selection in another query, another place: the same answer, kept.
    one = """query Q($owner: String!, $name: String!) {
      repository(owner: $owner, name: $name) {
        first: issues(first: 1) { nodes { number title } }
        again: issues(first: 1) { nodes { number title } }
      }
    }"""
    shaped.clear()
    out = _post(sandbox, one)["data"]["repository"]
    assert out["first"] == out["again"] == {"nodes": [{"number": n, "title": "Apply"}]}
    assert shaped == [n]


def test_an_issue_is_answered_for_the_values_of_the_variables_in_its_selection(
    sandbox: Sandbox,
) -> None:
    query = """query Q($number: Int!, $after: String) {
      repository(owner: "astropy", name: "mentoring") {
        issue(number: $number) {
          timelineItems(first: 1, after: $after) {
            pageInfo { endCursor hasNextPage } nodes { __typename }
          }
        }
      }
    }"""
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    sandbox.comment(n, "bob", "first")
    sandbox.assign(n, "cora", ["alice"])
    seen: list[str] = []
    for _ in range(2):  # twice: the second time from what was kept
        after = None
        for _ in range(3):
            variables = {"number": n, "after": after}
            _, out, _ = graphql.answer(sandbox, {"query": query, "variables": variables}, BOT)
            page = out["data"]["repository"]["issue"]["timelineItems"]
            seen += [node["__typename"] for node in page["nodes"]]
            after = page["pageInfo"]["endCursor"]
    assert seen == ["LabeledEvent", "IssueComment", "AssignedEvent"] * 2


def test_an_error_met_in_an_issue_is_met_at_every_query(sandbox: Sandbox) -> None:
    query = """{ repository(owner: "astropy", name: "mentoring") {
      issue(number: 1) {
        number comments(first: 5, orderBy: {field: UPDATED_AT, direction: ASC}) { nodes { body } }
      }
    } }"""
    sandbox.open_issue("alice", "Apply", "body")
    answers = [graphql.answer(sandbox, {"query": query}, BOT)[1] for _ in range(2)]
    assert answers[0] == answers[1]
    assert answers[0]["data"]["repository"]["issue"] == {"number": 1, "comments": None}
    assert [e["path"] for e in answers[1]["errors"]] == [["repository", "issue", "comments"]]


def test_a_watched_record_counts_each_change_to_it() -> None:
    watch = Watch()
    user = User("alice", 1, "User")
    user.type = "Bot"  # not watched yet
    user.watch(watch)
    user.watch(watch)  # once is enough
    user.type = "User"
    user.login = "Alice"
    del user.login
    assert watch.changes == 3
    copy = dataclasses.replace(user, login="alice")
    copy.type = "Bot"  # another record, watched with nothing
    assert watch.changes == 3
    assert copy == User("alice", 1, "Bot")  # the watches are no field


def test_issues_are_paged_through_in_order_by_cursor(sandbox: Sandbox) -> None:
    query = """query Q($after: String) {
      repository(owner: "astropy", name: "mentoring") {
        issues(first: 1, after: $after, orderBy: {field: UPDATED_AT, direction: ASC}) {
          pageInfo { endCursor hasNextPage } nodes { number }
        }
      }
    }"""
    numbers = [sandbox.open_issue("alice", f"Apply {n}", "body") for n in range(4)]
    sandbox.advance(hours=1)
    sandbox.comment(numbers[1], "bob", "later")  # updated last; the others tie on time
    seen: list[int] = []
    after = None
    while True:
        variables = {"after": after}
        _, out, _ = graphql.answer(sandbox, {"query": query, "variables": variables}, BOT)
        page = out["data"]["repository"]["issues"]
        seen += [node["number"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [numbers[0], numbers[2], numbers[3], numbers[1]]


def _measured_anew(query: str, variables: dict[str, Any]) -> int | dict[str, Any]:
    """The query's cost measured from its text, or the error that refuses it."""
    try:
        return graphql.cost(graphql.measure(graphql.parse(query), variables)[1])
    except graphql.LimitError as exc:
        return exc.error


def test_a_querys_size_is_measured_for_the_page_sizes_it_is_sent_with(sandbox: Sandbox) -> None:
    query = """query Q($n: Int!, $m: Int, $after: String) {
      rateLimit { cost }
      repository(owner: "astropy", name: "mentoring") {
        issues(first: $n, after: $after) {
          nodes { labels(first: $m) { nodes { name } } assignees(first: 5) { nodes { login } } }
        }
      }
    }"""
    sandbox.open_issue("alice", "Apply", "body")
    costs = set()
    for variables in [
        {"n": 1, "m": 10},
        {"n": 2, "m": 10},
        {"n": 1, "m": 10, "after": None},
        {"n": 100, "m": 100},
        {"n": 1, "m": 101},
        {"n": 1},
        {"n": 1, "m": 10.0},
        {"n": 1, "m": 10},
    ]:
        _, out, _ = graphql.answer(sandbox, {"query": query, "variables": variables}, BOT)
        expected = _measured_anew(query, variables)
        if isinstance(expected, dict):
            assert out == {"errors": [expected]}
        else:
            assert out["data"]["rateLimit"]["cost"] == expected
            costs.add(expected)
    assert costs == {1, 2}


_ODD_VALUES = [
    {
        "a": [],
        "b": {},
        "c": [{}],
        "é": "naïve ☃ \ud83d\ude00",
        "lone": "\ud800",
        "ctl": '\x00\t\n"',
    },
    [1, True, False, None, 0, -7, 10**30, 1.5, float("nan"), float("-inf"), (1, "t")],
    {1: "int key", None: "null key", False: "bool key", 2.5: "float key"},
    {"nested": {"inner": [{"k": 1}, {"k": {1: 2}}]}},
    "just a string",
    3,
    None,
]


@pytest.mark.parametrize("value", _ODD_VALUES)
def test_the_answers_text_is_json_dumps_own(value: Any) -> None:
    assert graphql.dumps(value) == json.dumps(value)
    assert graphql.dumpb(value) == json.dumps(value).encode()


def test_the_text_sent_for_every_answer_of_a_scenario_is_json_dumps_own() -> None:
    scenario = load_scenario(ROOT / "tests" / "scenarios" / "lifecycle.yml")
    result = Simulation(scenario, ROOT, keep_http_log=True).run(reconcile.main)
    answers = [r["response_body"] for r in result.http_log if r["path"] == "/graphql"]
    assert len(answers) > 10
    # The log's copies carry the texts made for the answers as they were sent.
    assert [graphql.dumps(a) for a in answers] == [json.dumps(a) for a in answers]


@pytest.mark.parametrize("key", [0, 7, ("2026-01-01T00:00:00Z", 3), (4, 5)])
def test_a_cursor_kept_is_the_one_written_anew(key: Any) -> None:
    text = base64.b64encode(("cursor:v2:" + json.dumps(key)).encode()).decode()
    assert graphql._cursor(key) == graphql._cursor(key) == text
    assert graphql._mark(text) == key  # an issue's key read back as the tuple it was


def test_a_reaction_changes_the_kept_answer_of_its_comment(sandbox: Sandbox) -> None:
    # A reaction moves no updated_at, yet the comment's reactions must show it.
    query = """query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
      issue(number: 1) { timelineItems(first: 10) { nodes { ... on IssueComment {
        reactions(first: 1) { totalCount nodes { content user { login } } } } } } } } }"""
    number = sandbox.open_issue("alice", "Application", "", labels=["application"])
    comment = sandbox.comment(number, BOT, "Check-in <!-- mentoring:checkin:1 -->")
    before = _answer(sandbox, query)
    sandbox.react(comment, "alice", "+1")
    sandbox.react(comment, "bob", "eyes")
    after = _answer(sandbox, query)
    assert after != before
    [node] = [n for n in after["data"]["repository"]["issue"]["timelineItems"]["nodes"] if n]
    assert node["reactions"] == {
        "totalCount": 2,
        "nodes": [{"content": "THUMBS_UP", "user": {"login": "alice"}}],
    }


def test_a_comments_reactions_asked_by_node_id_show_each_change_and_each_variables_values(
    sandbox: Sandbox,
) -> None:
    # Query.nodes answers from the comments' kept dicts (as the timelines do): a reaction
    # shows at the next query, and a selection that reads a variable (here the reactions'
    # page size) is answered for each query's own value, never from another's answer.
    query = """query($ids: [ID!]!, $n: Int!) { nodes(ids: $ids) { ... on IssueComment {
      databaseId
      all: reactions(last: 100) { totalCount nodes { content } }
      some: reactions(last: $n) { nodes { content } } } } }"""
    number = sandbox.open_issue("alice", "Application", "", labels=["application"])
    comment = sandbox.comment(number, BOT, "Check-in <!-- mentoring:checkin:1 -->")
    node_id = sandbox.comments(number)[0]["node_id"]

    def asked(n: int) -> dict[str, Any]:
        variables = {"ids": [node_id], "n": n}
        _, out, _ = graphql.answer(sandbox, {"query": query, "variables": variables}, BOT)
        [node] = out["data"]["nodes"]
        assert node["databaseId"] == comment
        return node

    assert asked(1)["all"] == {"totalCount": 0, "nodes": []}
    sandbox.react(comment, "alice", "+1")
    sandbox.react(comment, "bob", "eyes")
    assert asked(1)["all"]["nodes"] == [{"content": "THUMBS_UP"}, {"content": "EYES"}]
    assert asked(1)["some"]["nodes"] == [{"content": "EYES"}]
    assert len(asked(2)["some"]["nodes"]) == 2
    assert asked(2) == asked(2)  # the same answer, from what was kept or not


def test_an_error_met_in_a_comment_asked_by_node_id_is_met_at_every_query(
    sandbox: Sandbox,
) -> None:
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment {
      databaseId reactions(first: 1, after: "junk") { totalCount } } } }"""
    number = sandbox.open_issue("alice", "Application", "", labels=["application"])
    sandbox.comment(number, BOT, "Check-in <!-- mentoring:checkin:1 -->")
    body = {"query": query, "variables": {"ids": [sandbox.comments(number)[0]["node_id"]]}}
    answers = [graphql.answer(sandbox, body, BOT)[1] for _ in range(2)]
    assert answers[0] == answers[1]
    assert [e["path"] for e in answers[1]["errors"]] == [["nodes", 0, "reactions"]]
