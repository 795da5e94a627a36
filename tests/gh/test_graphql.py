"""The GraphQL read path and the sandbox's GraphQL: GitHub's schema, limits, faults, and the
same decisions as REST (every scenario's writes identical, only the request counts differ)."""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import github
import pytest
from graphql import build_schema, parse, validate

from benchmarks.mentorships import ROOT, build, env_for
from mentoring.cli import reconcile
from mentoring.cli.applier import RATE_RESERVE
from mentoring.core.model import Comment, Event
from mentoring.files.forms import load_form
from mentoring.github import graphql as converted
from mentoring.github.graphql import ITEMS as ITEMS_PER_PAGE
from mentoring.github.graphql import (
    PAGE,
    QUERIES,
    GraphQL,
    GraphQLError,
    Notices,
    _failed_paths,
    _whole_issues,
)
from mentoring.github.repository import Repo
from played import group, play
from simulator.issue_forms import render_body
from simulator.sandbox import Fault, Sandbox
from simulator.sandbox.graphql import SCHEMA_FILE, cost
from simulator.simulation import Simulation, load_scenario

SCENARIOS = [
    *sorted((ROOT / "tests" / "scenarios").glob("*.yml")),
    ROOT / "scripts/scenarios/demo.yml",
]
NOW = datetime(2027, 6, 1, 6, 17, tzinfo=UTC)
BOT = "github-actions[bot]"


def _post(sb: Sandbox, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    gh = github.Github(base_url=sb.url, auth=github.Auth.Token(sb.token_for(BOT)))
    _, body = gh.requester.requestJsonAndCheck(
        "POST", gh.requester.graphql_url, input={"query": query, "variables": variables or {}}
    )
    return body


@pytest.fixture(scope="module")
def no_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout with the dashboard off, so that requests and comments are the
    applications' own (the dashboard's constant few: tests/e2e/test_dashboard_run.py)."""
    root = tmp_path_factory.mktemp("checkout")
    for name in (".github", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "participants.yml", root / "participants.yml")
    config = root / ".github" / "mentoring.yml"
    config.write_text(config.read_text().replace("  enabled: true", "  enabled: false"))
    return root


CHECKOUT: list[Path] = [ROOT]


@pytest.fixture(autouse=True)
def _checkout(no_dashboard: Path) -> Iterator[None]:
    CHECKOUT[:] = [no_dashboard]
    yield
    CHECKOUT[:] = [ROOT]


def _run(
    sb: Sandbox, *args: str, sleeps: list[float] | None = None, root: Path | None = None
) -> tuple[int, str]:
    out = io.StringIO()
    sb.clear_logs()
    with contextlib.redirect_stdout(out):
        code = reconcile.main(
            ["--root", str(root or CHECKOUT[0]), *args],
            env=env_for(sb),
            now=sb.now,
            sleep=sleeps.append if sleeps is not None else lambda s: None,
        )
    return code, out.getvalue()


def _posted(sb: Sandbox) -> list[int]:
    return [w["issue"] for w in sb.writes if w["type"] == "comment"]


# --- GitHub's schema -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_the_project_sends_is_valid_in_githubs_schema(name: str) -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert validate(schema, parse(QUERIES[name])) == []


def test_the_schema_copy_says_where_it_comes_from_and_keeps_its_licence() -> None:
    assert "@octokit/graphql-schema" in SCHEMA_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert "MIT" in (SCHEMA_FILE.parent / "LICENSE.md").read_text(encoding="utf-8")
    assert (SCHEMA_FILE.parent / "extract.py").is_file()


def test_a_field_github_does_not_have_is_refused_as_github_refuses_it(sandbox: Sandbox) -> None:
    body = _post(sandbox, '{ repository(owner: "astropy", name: "mentoring") { stars } }')
    assert "data" not in body
    (error,) = body["errors"]
    assert "stars" in error["message"]
    assert error["locations"]


def test_a_connection_without_first_or_last_is_refused(sandbox: Sandbox) -> None:
    q = '{ repository(owner: "astropy", name: "mentoring") { issues { nodes { number } } } }'
    (error,) = _post(sandbox, q)["errors"]
    assert error["type"] == "MISSING_PAGINATION_BOUNDARIES"
    assert "`issues` connection" in error["message"]


def test_more_than_100_records_on_a_connection_is_refused(sandbox: Sandbox) -> None:
    q = (
        '{ repository(owner: "astropy", name: "mentoring")'
        " { issues(first: 101) { nodes { number } } } }"
    )
    (error,) = _post(sandbox, q)["errors"]
    assert error["type"] == "EXCESSIVE_PAGINATION"
    assert error["message"] == (
        "Requesting 101 records on the `issues` connection exceeds the `first` limit of 100"
        " records."
    )


def test_a_query_over_500000_nodes_is_refused_before_it_runs(sandbox: Sandbox) -> None:
    # Each alias asks for 100 issues x (100 labels + 100 assignees + 100 items) = 30,100.
    one = (
        "issues(first: 100) { nodes { labels(first: 100) { nodes { name } }"
        " assignees(first: 100) { nodes { login } }"
        " timelineItems(first: 100) { nodes { __typename } } } }"
    )
    aliases = " ".join(f"a{i}: {one}" for i in range(17))
    q = f'{{ repository(owner: "astropy", name: "mentoring") {{ {aliases} }} }}'
    remaining = sandbox.graphql_points_remaining
    (error,) = _post(sandbox, q)["errors"]
    assert error["type"] == "MAX_NODE_LIMIT_EXCEEDED"
    assert "exceeds the maximum limit of 500,000" in error["message"]
    assert sandbox.graphql_points_remaining == remaining  # refused, not charged


def test_cost_is_requests_over_100_rounded_at_least_one() -> None:
    assert [cost(n) for n in (0, 1, 49, 50, 149, 151, 250)] == [1, 1, 1, 1, 1, 2, 3]


def test_a_page_of_applications_costs_two_points_and_says_so(sandbox: Sandbox) -> None:
    sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    before = sandbox.graphql_points_remaining
    body = _post(
        sandbox,
        QUERIES["OpenApplications"],
        {"owner": "astropy", "name": "mentoring", "labels": ["application"]},
    )
    rate = body["data"]["rateLimit"]
    # 1 request for the issues, one per issue (50) for each of labels, assignees, timeline.
    assert rate["cost"] == 2 == cost(1 + 3 * PAGE)
    assert rate["remaining"] == before - 2 == sandbox.graphql_points_remaining
    assert body["data"]["repository"]["issues"]["nodes"][0]["number"] == 1


def test_a_bot_is_named_by_its_slug_in_graphql_as_on_github(sandbox: Sandbox) -> None:
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    sandbox.comment(n, BOT, "hello")
    q = (
        '{ repository(owner: "astropy", name: "mentoring") { issue(number: 1) {'
        " timelineItems(first: 10) { nodes { ... on IssueComment { author { __typename login } }"
        " } } } } }"
    )
    nodes = _post(sandbox, q)["data"]["repository"]["issue"]["timelineItems"]["nodes"]
    assert {"author": {"__typename": "Bot", "login": "github-actions"}} in nodes


def test_an_issue_that_is_not_there_is_githubs_not_found(sandbox: Sandbox) -> None:
    q = '{ repository(owner: "astropy", name: "mentoring") { issue(number: 9) { number } } }'
    body = _post(sandbox, q)
    assert body["data"]["repository"]["issue"] is None
    (error,) = body["errors"]
    assert error["type"] == "NOT_FOUND"
    assert error["path"] == ["repository", "issue"]


def test_graphql_needs_a_token(sandbox: Sandbox) -> None:
    import requests

    answer = requests.post(f"{sandbox.url}/graphql", json={"query": "{ __typename }"}, timeout=10)
    assert answer.status_code == 401


_BACKWARDS = """query Q($owner: String!, $name: String!, $since: DateTime, $before: String) {
  repository(owner: $owner, name: $name) {
    issue(number: 1) {
      latest: comments(last: 2, before: $before) {
        pageInfo { hasPreviousPage hasNextPage startCursor }
        nodes { body }
      }
      all: comments(last: 100) { pageInfo { hasPreviousPage } nodes { body } }
    }
    issues(first: 10, states: [CLOSED], filterBy: {since: $since}) { nodes { number closedAt } }
  }
}"""


def test_comments_read_backwards_and_issues_updated_since_as_github_gives_them(
    sandbox: Sandbox,
) -> None:
    # GitHub's `last` pages backwards (hasPreviousPage: more before), oldest first within
    # the page; IssueFilters.since: "issues that have been updated at or after the date".
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    ids = [sandbox.comment(n, "bob", f"note {k}") for k in range(5)]
    sandbox.delete_comment(ids[1], "bob")  # a deleted comment is no longer listed
    old = sandbox.open_issue("carol", "Old", "")
    sandbox.close(old, "cora")
    sandbox.advance(days=10)
    since = sandbox.now
    recent = sandbox.open_issue("dave", "Recent", "")
    sandbox.close(recent, "cora")
    variables = {"owner": "astropy", "name": "mentoring", "since": since.isoformat()}
    answers = []
    for engine in ("projection", "graphql-core"):
        sandbox.graphql_engine = engine
        first = _post(sandbox, _BACKWARDS, variables)["data"]["repository"]
        cursor = first["issue"]["latest"]["pageInfo"]["startCursor"]
        second = _post(sandbox, _BACKWARDS, {**variables, "before": cursor})["data"]["repository"]
        answers.append((first, second))
    assert answers[0] == answers[1]
    first, second = answers[0]
    assert [c["body"] for c in first["issue"]["latest"]["nodes"]] == ["note 3", "note 4"]
    assert first["issue"]["latest"]["pageInfo"]["hasPreviousPage"] is True
    assert first["issue"]["latest"]["pageInfo"]["hasNextPage"] is False
    assert [c["body"] for c in second["issue"]["latest"]["nodes"]] == ["note 0", "note 2"]
    assert second["issue"]["latest"]["pageInfo"]["hasPreviousPage"] is False
    assert second["issue"]["latest"]["pageInfo"]["hasNextPage"] is True
    assert first["issue"]["all"]["pageInfo"]["hasPreviousPage"] is False
    assert len(first["issue"]["all"]["nodes"]) == 4
    assert first["issues"]["nodes"] == [
        {"number": recent, "closedAt": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
    ]


def test_the_closed_applications_are_taken_from_graphql_only_when_whole() -> None:
    node = {"number": 4, "title": "Application", "body": "", "state": "CLOSED"}
    node |= {"stateReason": "COMPLETED", "closedAt": "2026-05-01T10:00:00Z"}
    answer = {"data": {"repository": {"closed": {"pageInfo": {"hasNextPage": False}}}}}
    answer["data"]["repository"]["closed"]["nodes"] = [node]
    [issue] = _whole_issues(answer, "closed") or []
    assert (issue.number, issue.state, issue.state_reason) == (4, "closed", "completed")
    assert issue.closed_at == datetime(2026, 5, 1, 10, tzinfo=UTC)
    more = {"data": {"repository": {"closed": {"pageInfo": {"hasNextPage": True}}}}}
    assert _whole_issues(more, "closed") is None  # more than one page: the REST list reads them
    error = {"message": "timeout", "path": ["repository", "closed", "nodes", 0, "labels"]}
    assert _whole_issues({**answer, "errors": [error]}, "closed") is None
    assert _failed_paths([error], "issues") == ({}, False)  # the applications' are whole
    assert _whole_issues({"data": {"repository": {}}}, "closed") is None


def test_the_dashboards_notices_cover_a_time_only_when_they_reach_back_to_it() -> None:
    def comment(day: int) -> Comment:
        return Comment(day, BOT, "notice", datetime(2026, 5, day, tzinfo=UTC))

    page = Notices((comment(3), comment(9)), complete=False)
    assert page.since(datetime(2026, 5, 4, tzinfo=UTC)) == page.comments
    assert page.since(datetime(2026, 5, 3, tzinfo=UTC)) is None  # one at 3 May may be older
    assert Notices((), complete=True).since(datetime(2026, 5, 3, tzinfo=UTC)) == ()
    assert Notices((), complete=False).since(datetime(2026, 5, 3, tzinfo=UTC)) is None


# --- the read path in a run ------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 120])
def test_an_idle_scheduled_run_costs_one_request_per_50_applications(n: int) -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        build(sb, n, NOW)
        assert _run(sb, root=ROOT)[0] == 0  # the shipped config: this run makes the dashboard
        code, _ = _run(sb, root=ROOT)
        assert code == 0
        assert sb.writes == []
        log = sb.request_log
        every = [r for r in log if r["path"] == "/graphql"]
        reactions = [r for r in every if "CommentReactions" in r["request_body"]["query"]]
        queries = [r for r in every if r not in reactions]
        # The applications' pages, the first with the first page of (no) mentor
        # registrations in it, the dashboard-labelled issues with their latest comments,
        # and the recently closed applications: nothing over REST.
        assert len(queries) == math.ceil(n / PAGE)
        assert "OpenApplicationsAndMoreAndDashboardAndClosed" in queries[0]["request_body"]["query"]
        assert [r for r in log if r not in every] == []
        # Then the reactions on the bot's pairings, check-ins and reviews of the last
        # review period and its reply days: a hundred comments a query, at most 5 each.
        wanted = [i for r in reactions for i in r["request_body"]["variables"]["ids"]]
        assert len(set(wanted)) == len(wanted) <= 5 * n
        assert len(reactions) == math.ceil(len(wanted) / 100)


def test_registrations_past_the_first_page_are_read_on_and_each_welcomed_once() -> None:
    # The first query holds the first 50 registrations beside the applications; the
    # other 10 take a page of their own, and every one is welcomed, once.
    registration = load_form(ROOT / ".github" / "ISSUE_TEMPLATE" / "mentor-registration.yml")
    answers = {"roles": "Maintainer", "capacity": "1", "availability": "Evenings."}
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        build(sb, 3, NOW)
        mentors = [f"mentor{m:03d}" for m in range(60)]
        numbers = [
            sb.open_issue(m, "Mentor", render_body(registration, answers), ["mentor-registration"])
            for m in mentors
        ]
        code, _ = _run(sb, root=ROOT)
        assert code == 0
        queries = [r["request_body"] for r in sb.request_log if r["path"] == "/graphql"]
        # Each welcome is preceded by a look again at its issue (one query each).
        looks = [q["variables"]["number"] for q in queries if "query OneIssue(" in q["query"]]
        assert sorted(looks) == numbers
        # (The reactions on the latest check-ins are read too, a 👎 being news: not counted.)
        queries = [q for q in queries if "query OneIssue(" not in q["query"]]
        queries = [q for q in queries if "query CommentReactions(" not in q["query"]]
        assert ["OpenApplicationsAndMore" in q["query"] for q in queries] == [True, False]
        assert queries[1]["variables"]["labels"] == ["mentor-registration"]
        welcomed = [
            w["issue"] for w in sb.writes if w["type"] == "comment" and w["issue"] in numbers
        ]
        assert sorted(welcomed) == numbers
        sb.advance(days=1)
        assert _run(sb, root=ROOT)[0] == 0
        assert [w for w in sb.writes if w["type"] == "comment" and w["issue"] in numbers] == []


def test_an_error_names_the_issue_of_its_own_connection() -> None:
    errors = [
        {"message": "timeout", "path": ["repository", "others", "nodes", 3, "timelineItems"]},
        {"message": "gone", "path": ["repository", "issues", "nodes", 1]},
    ]
    assert _failed_paths(errors, "issues") == ({1: "gone"}, False)
    assert _failed_paths(errors, "others") == ({3: "timeout"}, False)
    assert _failed_paths([{"message": "no path"}], "issues") == ({}, True)


def test_the_dashboards_issues_are_taken_from_graphql_only_when_whole() -> None:
    node = {"number": 9, "title": "Mentoring dashboard", "body": "", "state": "OPEN"}
    node |= {"author": {"__typename": "Bot", "login": "github-actions"}}
    whole = {"pageInfo": {"hasNextPage": False}, "nodes": [node]}
    answer = {"data": {"repository": {"dashboard": whole}}}
    [issue] = _whole_issues(answer, "dashboard") or []
    assert (issue.number, issue.author) == (9, "github-actions[bot]")
    more = {"pageInfo": {"hasNextPage": True}, "nodes": [node]}
    assert _whole_issues({"data": {"repository": {"dashboard": more}}}, "dashboard") is None
    error = {"message": "timeout", "path": ["repository", "dashboard", "nodes", 0, "labels"]}
    assert _whole_issues({**answer, "errors": [error]}, "dashboard") is None
    assert _failed_paths([error], "issues") == ({}, False)  # the applications' are whole
    assert _whole_issues({"data": {"repository": {}}}, "dashboard") is None


def test_work_found_in_bulk_is_read_again_just_before_it_is_written() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 12, NOW, due=(2, 7))
        code, _ = _run(sb)
        assert code == 0
        assert sorted(_posted(sb)) == sorted(b.due)
        log = sb.request_log
        for i, r in enumerate(log):
            if r["method"] == "POST" and r["path"].endswith("/comments"):
                # One query for that issue with its timeline, just before.
                number = int(r["path"].split("/")[-2])
                assert log[i - 1]["request_body"]["variables"]["number"] == number
                assert "query OneIssue(" in log[i - 1]["request_body"]["query"]


def test_the_look_again_before_writing_is_over_rest_when_graphql_cannot() -> None:
    # The points are spent on the bulk read: the look again is REST's, from its own budget.
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 12, NOW, due=(2, 7))
        sb.graphql_points_remaining = RATE_RESERVE + 2  # the first query, then below it
        code, _ = _run(sb)
        assert code == 0
        assert sorted(_posted(sb)) == sorted(b.due)
        log = [(r["method"], r["path"]) for r in sb.request_log]
        assert [p for m, p in log if p == "/graphql"] == ["/graphql"]
        for i, (method, path) in enumerate(log):
            if method == "POST" and path.endswith("/comments"):
                assert log[i - 1] == ("GET", path.replace("/comments", "/timeline"))


def test_an_event_runs_issue_is_one_query_and_a_pull_request_is_reads_rest() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        (due,) = build(sb, 3, NOW, due=(1,)).due
        code, _ = _run(sb, "--issue", str(due))
        assert code == 0
        assert set(_posted(sb)) == {due}
        first = sb.request_log[0]
        assert first["path"] == "/graphql"
        assert first["request_body"]["variables"]["number"] == due
        assert not any(r["path"].endswith("/timeline") for r in sb.request_log)
        # A pull request is no Issue to GraphQL (NOT_FOUND, asked once): REST says what it is.
        pull = sb.open_pull_request("bob", "Fix", "", {"x.txt": "x"})
        code, _ = _run(sb, "--issue", str(pull))
        assert code == 0
        paths = [r["path"] for r in sb.request_log]
        assert paths == ["/graphql", f"/repos/astropy/mentoring/issues/{pull}"]


def test_a_long_timeline_is_read_on_only_for_that_issue() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        build(sb, 3, NOW)
        for k in range(120):  # issue 2 gets a timeline of well over 100 items
            sb.comment(2, "someone", f"note {k}")
        code, _ = _run(sb, "--dry-run")
        assert code == 0
        queries = [r["request_body"] for r in sb.request_log]
        more = [q["variables"] for q in queries if "MoreTimeline" in q["query"]]
        assert [v["number"] for v in more] == [2]
        # The page (registrations' too), issue 2's second page, and the reactions on each
        # one's latest check-in (a 👎 is news), a hundred comments a query.
        assert len(queries) == 1 + 1 + 1


def test_graphql_points_running_low_stop_the_run_early_and_the_next_continues() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 120, NOW, due=range(0, 120, 2))  # 60 due: more than a page
        sb.graphql_points_remaining = RATE_RESERVE + 1  # one page of 50, then below it
        code, printed = _run(sb)
        assert code == 0  # stopping early is not a failure
        assert "Stopped early to keep 200 GraphQL points for others" in printed
        (query,) = [r for r in sb.request_log if r["path"] == "/graphql"]
        nodes = query["response_body"]["data"]["repository"]["issues"]["nodes"]
        read = {node["number"] for node in nodes}
        assert len(read) == PAGE
        done = _posted(sb)
        assert sorted(done) == sorted(set(b.due) & read)  # what was read was brought up to date
        assert 0 < len(done) < len(b.due)
        sb.advance(hours=1)  # a new hour: the budget is back
        code, _ = _run(sb)
        assert code == 0
        assert sorted(done + _posted(sb)) == sorted(b.due)  # the rest, nothing twice


def test_points_running_low_inside_a_long_timeline_stop_the_run_early_not_fail_it() -> None:
    # The budget ran out while one issue's timeline had pages left: that issue waits for
    # the next run, as the issues of an unread page do; it is no failure of this one.
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 3, NOW, due=range(3))
        long = b.numbers[0]
        for i in range(ITEMS_PER_PAGE):  # more than one page of timeline items
            sb.comment(long, "alice", f"note {i}")
        sb.graphql_points_remaining = RATE_RESERVE + 1  # the first query takes it below
        code, printed = _run(sb)
        assert code == 0, printed
        assert "Stopped early to keep 200 GraphQL points for others" in printed
        assert long not in _posted(sb)
        sb.advance(hours=1)  # a new hour: the budget is back
        assert _run(sb)[0] == 0
        assert long in _posted(sb)


def test_a_partial_answer_is_asked_again_and_nothing_is_lost() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 10, NOW, due=range(10))
        sb.inject(Fault.GRAPHQL_PARTIAL, "POST", "^/graphql$", count=1)
        code, _ = _run(sb)
        assert code == 0
        assert sorted(_posted(sb)) == sorted(b.due)
        first = sb.request_log[0]["response_body"]
        assert first["errors"][0]["path"][:3] == ["repository", "issues", "nodes"]


def test_an_issue_graphql_keeps_answering_with_an_error_for_is_read_over_rest_in_the_run() -> None:
    # Before: the issue was a failure of this run and of every run while the error lasted,
    # so a permanent per-node error meant it never got its check-ins.
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 10, NOW, due=range(10))
        sb.inject(Fault.GRAPHQL_PARTIAL, "POST", "^/graphql$", count=5)
        code, _ = _run(sb)
        assert code == 0
        assert sorted(_posted(sb)) == sorted(b.due)  # all of them, in this run, once each
        log = sb.request_log
        lists = [r for r in log if r["method"] == "GET" and r["path"].endswith("/issues")]
        assert [r["query"].get("labels") for r in lists] == ["application"]  # one list
        sb.advance(days=1)
        assert _run(sb)[0] == 0
        assert _posted(sb) == []


def test_an_issue_neither_graphql_nor_rest_can_read_fails_the_run_with_githubs_words() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        b = build(sb, 10, NOW, due=range(10))
        sb.inject(Fault.GRAPHQL_PARTIAL, "POST", "^/graphql$", count=5)
        sb.inject(Fault.ERROR_BEFORE, "GET", "/issues$", count=5)  # past SafeRetry's retries
        code, printed = _run(sb)
        assert code == 1  # a failure the next run picks up
        [line] = [x for x in printed.splitlines() if "could not be read" in x]
        assert "GitHub answered with an error for it: Something went wrong while executing" in line
        assert "nor over REST (HTTP 502" in line
        assert len(_posted(sb)) == len(b.due) - 1
        sb.advance(days=1)
        code, _ = _run(sb)
        assert code == 0
        assert len(_posted(sb)) == 1  # the one left, once


def test_an_error_that_names_an_issue_it_still_gives_reads_only_that_issue_over_rest(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A per-node error on a nullable field keeps the node, number and all (the sandbox's
    # fault loses the whole node): the issue is then read by its number, nothing listed.
    b = build(sandbox, 10, NOW, due=range(10))
    original = Repo.graphql_query

    def query(self: Repo, text: str, variables: dict[str, Any]) -> Any:
        headers, body = original(self, text, variables)
        repository = (body.get("data") or {}).get("repository") or {}
        if (repository.get("issues") or {}).get("nodes"):
            message = "Field 'body' failed:\n<b>timeout</b> " + "x" * 1000
            body["errors"] = [{"message": message, "path": ["repository", "issues", "nodes", 0]}]
            raise github.GithubException(400, body, headers)  # as PyGithub does for errors
        return headers, body

    monkeypatch.setattr(Repo, "graphql_query", query)
    code, _ = _run(sandbox)
    assert code == 0
    assert sorted(_posted(sandbox)) == sorted(b.due)
    gets = [r["path"] for r in sandbox.request_log if r["method"] == "GET"]
    assert not any(p.endswith("/issues") for p in gets)  # no list: the number was known
    assert len([p for p in gets if p.split("/")[-1].isdigit()]) == 1  # that issue, once
    [said] = [r.getMessage() for r in caplog.records if "reading it over REST" in r.getMessage()]
    assert "Field 'body' failed: <b>timeout</b> xxx" in said  # GitHub's words, one line,
    assert len(said) < 400  # and bounded


def test_a_secondary_rate_limit_on_a_query_is_waited_out(sandbox: Sandbox) -> None:
    build(sandbox, 3, NOW)
    sandbox.retry_after_seconds = 7
    sandbox.inject(Fault.SECONDARY_RATE_LIMIT, "POST", "^/graphql$", count=1)
    sleeps: list[float] = []
    code, _ = _run(sandbox, sleeps=sleeps)
    assert code == 0
    assert sleeps == [7]


def test_a_query_the_rate_limit_refuses_stops_the_run_cleanly(sandbox: Sandbox) -> None:
    build(sandbox, 3, NOW)
    sandbox.graphql_points_remaining = 0
    code, printed = _run(sandbox)
    assert code == 0
    assert "rate limit" in printed
    assert sandbox.writes == []


@pytest.mark.parametrize(
    "message",
    [
        "Resource protected by organization SAML enforcement. You must grant your Personal"
        " Access token access to this organization.",
        "Resource not accessible by integration",
    ],
)
def test_a_403_that_is_not_a_rate_limit_fails_the_run_and_says_what_to_check(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    # The sandbox has no fault for a refused token, so GitHub's answer is made here, by
    # PyGithub's own conversion of it (the headers of a token with budget left).
    build(sandbox, 3, NOW, due=(0,))
    headers = {"x-ratelimit-remaining": "4990", "x-ratelimit-resource": "graphql"}
    refused = github.Requester.Requester.createException(
        403, headers, {"message": message, "documentation_url": "https://docs.github.com"}
    )

    def query(self: object, query: str, variables: dict[str, Any]) -> Any:
        raise refused

    monkeypatch.setattr(Repo, "graphql_query", query)
    code, printed = _run(sandbox)
    assert code == 1  # a failure every scheduled run would meet: the run goes red
    assert "Stopped early" not in printed
    assert "rate limit refused" not in printed  # not told as one; the hint names both
    assert "::error::GitHub refused a request" in printed
    assert message.split(".")[0] in printed  # GitHub's own words
    for hint in ("`issues: write`", "`contents: read`", "SAML"):
        assert hint in printed
    assert sandbox.writes == []


@pytest.mark.parametrize("fault", [Fault.SECONDARY_RATE_LIMIT, Fault.TOO_MANY_REQUESTS])
def test_a_rate_limit_told_by_its_headers_past_the_retries_stops_the_run_cleanly(
    sandbox: Sandbox, fault: Fault
) -> None:
    build(sandbox, 3, NOW)
    sandbox.inject(fault, "POST", "^/graphql$", count=20)  # more than SafeRetry retries
    code, printed = _run(sandbox)
    assert code == 0  # not a failure: the next run continues
    assert "Stopped early: GitHub's rate limit refused a read" in printed
    assert sandbox.writes == []


# --- the same decisions as REST --------------------------------------------------------


# Played over REST, these take 2 to 8 s each: they run with the long matrices (`-m slow`,
# in CI). The short scenarios, and every end-to-end test that runs over both read paths,
# hold the two paths to the same decisions in the quick suite.
LONG_OVER_REST = {"dashboard", "demo", "outcomes", "quiet", "signs-of-life", "year"}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            marks=[group(p.stem), *([pytest.mark.slow] if p.stem in LONG_OVER_REST else [])],
            id=p.stem,
        )
        for p in SCENARIOS
    ],
)
def test_every_scenario_writes_the_same_over_graphql_as_over_rest(path: Path) -> None:
    rest = play(path, read="rest").result.transcript()
    graphql = play(path, read="graphql").result.transcript()
    assert rest["actions"]
    assert graphql["actions"] == rest["actions"]
    assert graphql["issues"] == rest["issues"]
    assert graphql["requests"] < rest["requests"]


def test_the_fast_executor_answers_as_graphql_core_does() -> None:
    scenario = load_scenario(ROOT / "tests" / "scenarios" / "lifecycle.yml")
    results = {
        engine: Simulation(scenario, ROOT, graphql_engine=engine, keep_http_log=True).run(
            reconcile.main
        )
        for engine in ("projection", "graphql-core")
    }
    fast, reference = results["projection"], results["graphql-core"]
    assert fast.transcript() == reference.transcript()
    answers = [
        [r["response_body"] for r in result.http_log if r["path"] == "/graphql"]
        for result in (fast, reference)
    ]
    assert answers[0] == answers[1]
    assert answers[0]


# Queries the project does not send, for what the fast executor must do as GraphQL does:
# fragments on unions and interfaces, nested and repeated; aliases; a key selected twice
# with different selections (merged); errors in lists, with their paths.
_PERSON = "fragment Person on Actor { login ... on User { login } }"
_ODD_QUERIES = [
    """query Q($owner: String!, $name: String!) {
  rl: rateLimit { cost }
  rateLimit { remaining }
  repository(owner: $owner, name: $name) {
    issues(first: 10, states: [OPEN, CLOSED]) {
      pageInfo { hasNextPage }
      nodes {
        n: number
        ...Who
        number
        author { login }
        author { ... on User { login } ... on Bot { whoami: login } }
        kind: __typename
        labels(first: 2) { nodes { name } }
        labels(first: 2) { nodes { first: name } nodes { name } }
        assignees(first: 5) { nodes { ...Person } }
        timelineItems(first: 100) {
          nodes { ...Item ... on IssueComment { b: body author { ...Person } } ...Item }
          pageInfo { endCursor }
        }
        early: timelineItems(first: 2, itemTypes: [LABELED_EVENT, ISSUE_COMMENT]) {
          pageInfo { endCursor }
          nodes { __typename ... { ... on LabeledEvent { label { name } } } }
        }
      }
    }
  }
}
fragment Who on Issue { author { __typename ...Person } title }
fragment Item on IssueTimelineItems {
  __typename
  ... on AssignedEvent {
    assignee { ... on User { login } ... on Bot { login } } actor { ...Person }
  }
  ... on ClosedEvent {
    stateReason closer { __typename ... on PullRequest { number } ... on Commit { oid } }
  }
  ... on CrossReferencedEvent { source { ... on Issue { number } ... on PullRequest { mergedAt } } }
}
"""
    + _PERSON,
    """query Q($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 10, states: [OPEN, CLOSED]) {
      nodes {
        number
        labels(first: 1, after: "bogus") { nodes { name } }
      }
    }
    missing: issue(number: 99) { number }
    issue(number: 1) { number labels(first: 1, after: $after) { nodes { name } } }
  }
}""",
]


@pytest.mark.parametrize("query", _ODD_QUERIES, ids=["fragments", "errors"])
def test_the_fast_executor_answers_odd_queries_as_graphql_core_does(
    sandbox: Sandbox, query: str
) -> None:
    n = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    sandbox.comment(n, "bob", "hello")
    sandbox.comment(n, BOT, "<!-- mentoring:welcome -->")
    sandbox.assign(n, "cora", ["dave", BOT])
    sandbox.add_labels(n, "cora", ["mentoring: paused"])
    sandbox.remove_labels(n, "cora", ["mentoring: paused"])
    sandbox.cross_reference_from(n, "erin", "other/repo", 7)
    other = sandbox.open_issue("bob", "Second", "Ref #1")
    pull = sandbox.open_pull_request("bob", "Fix", f"Closes #{other}", {"x.txt": "x"})
    sandbox.merge_pull_request(pull, "cora")
    sandbox.close(n, "cora", "not_planned")
    variables = {"owner": "astropy", "name": "mentoring", "after": "bogus"}
    answers = []
    for engine in ("projection", "graphql-core"):
        sandbox.graphql_engine = engine
        sandbox.graphql_points_remaining = 5000
        answers.append(_post(sandbox, query, variables))
    fast, reference = answers
    assert "data" in reference
    for error in reference.get("errors", []):
        del error["locations"]  # graphql-core's; the fast executor names none
    # Compared as text: the keys must come in the same order too.
    assert json.dumps(fast, indent=1) == json.dumps(reference, indent=1)
    assert fast["data"]["repository"]


# --- event runs and the first query's optional parts ------------------------------------


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_an_event_runs_later_issues_are_read_when_their_turn_comes(
    read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A coordinator pauses the second issue while the run writes to the first: the second
    # is planned as it is then (no review posted to a paused mentorship), on either path.
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        first, second = build(sb, 3, NOW, due=(0, 1)).due
        apply = Repo.apply

        def apply_then_pause(self: Repo, action: Any, **kw: Any) -> None:
            apply(self, action, **kw)
            if action.issue == first and "mentoring: paused" not in sb.state.issues[second].labels:
                sb.add_labels(second, "cora", ["mentoring: paused"])

        monkeypatch.setattr(Repo, "apply", apply_then_pause)
        code, _ = _run(sb, "--issue", str(first), "--issue", str(second), "--read", read)
        assert code == 0
        assert set(_posted(sb)) == {first}


def test_an_event_on_an_issue_that_is_no_application_reads_no_more_of_its_timeline() -> None:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        n = sb.open_issue("cora", "Dashboard", "body", labels=["mentoring: dashboard"])
        for k in range(250):
            sb.comment(n, "cora", f"note {k}")
        code, _ = _run(sb, "--issue", str(n))
        assert code == 0
        assert [r["path"] for r in sb.request_log] == ["/graphql"]  # no MoreTimeline pages


def _first_query_with_errors(
    errors: list[dict[str, Any]], with_data: bool = True
) -> tuple[list[str], GraphQL]:
    calls: list[str] = []

    def query(text: str, variables: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        calls.append(text.split("(")[0].split()[-1])
        empty = {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": []}
        data = {
            "rateLimit": {"cost": 4, "remaining": 900, "resetAt": "2026-01-01T00:00:00Z"},
            "repository": {"issues": empty, "dashboard": empty, "closed": None},
        }
        return {}, {"data": data, "errors": errors} if with_data else {"errors": errors}

    reader = GraphQL(query, "o/r", RATE_RESERVE, sleep=lambda s: None)
    since = datetime(2026, 1, 1, tzinfo=UTC)
    if with_data:
        reader.open_issues_of(["application"], "dash", since)
    else:
        with pytest.raises(GraphQLError) as refused:
            reader.open_issues_of(["application"], "dash", since)
        assert refused.value.rate_limited
    return calls, reader


def test_an_error_only_in_the_closed_or_dashboard_part_is_not_asked_again() -> None:
    # Those parts fall back to REST: asking the whole first query again would spend its
    # points (4) and the backoff for nothing.
    error = {"message": "Something went wrong", "path": ["repository", "closed"]}
    calls, reader = _first_query_with_errors([error])
    assert (calls, reader.closed) == (["OpenApplicationsAndDashboardAndClosed"], None)
    # An error elsewhere is asked again, as before.
    error = {"message": "timeout", "path": ["repository", "issues", "nodes", 0, "timelineItems"]}
    calls, _ = _first_query_with_errors([error])
    assert len(calls) == GraphQL(lambda t, v: ({}, {}), "o/r", 0, sleep=print).attempts


def test_a_query_the_rate_limit_refused_stops_graphql_for_the_rest_of_the_run() -> None:
    # A refusal carries no rateLimit: without remembering it, every later read would send a
    # doomed query before REST's.
    refusal = [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]
    calls, reader = _first_query_with_errors(refusal, with_data=False)
    assert reader.budget_low()
    assert reader.listed("application") is None
    assert len(calls) == 1


def test_issues_newest_first_page_on_and_what_the_sandbox_does_not_model_is_refused(
    sandbox: Sandbox,
) -> None:
    numbers = [sandbox.open_issue("alice", f"Apply {k}", "", ["application"]) for k in range(3)]
    page = """query Q($owner: String!, $name: String!, $after: String) {
      repository(owner: $owner, name: $name) {
        issues(first: 2, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
          pageInfo { hasNextPage endCursor } nodes { number }
        }
      }
    }"""
    variables = {"owner": "astropy", "name": "mentoring"}
    seen = []
    for engine in ("projection", "graphql-core"):
        sandbox.graphql_engine = engine
        first = _post(sandbox, page, variables)["data"]["repository"]["issues"]
        cursor = first["pageInfo"]["endCursor"]
        second = _post(sandbox, page, {**variables, "after": cursor})["data"]["repository"]
        seen.append([n["number"] for n in first["nodes"] + second["issues"]["nodes"]])
        assert first["pageInfo"]["hasNextPage"] is True
    assert seen == [numbers[::-1], numbers[::-1]]
    unmodelled = [
        '{ repository(owner: "astropy", name: "mentoring") {'
        ' issues(first: 1, filterBy: {createdBy: "alice"}) { nodes { number } } } }',
        '{ repository(owner: "astropy", name: "mentoring") { issue(number: 1) {'
        " comments(last: 1, orderBy: {field: UPDATED_AT, direction: ASC}) { nodes { body } } } } }",
    ]
    for query in unmodelled:
        (error,) = _post(sandbox, query)["errors"]
        assert "does not model" in error["message"]


def test_a_comment_or_label_converted_follows_every_value_it_is_made_of() -> None:
    comment = {
        "__typename": "IssueComment",
        "databaseId": 7,
        "author": {"login": "ada", "__typename": "User"},
        "body": "/ready",
        "createdAt": "2026-01-05T09:00:00Z",
        "updatedAt": "2026-01-05T09:00:00Z",
    }
    fresh = converted._comment.__wrapped__  # type: ignore[attr-defined]
    for changes in [
        {},
        {},  # the same: remembered
        {"databaseId": 8},
        {"author": {"login": "ada", "__typename": "Bot"}},  # ada[bot]
        {"author": {"login": "bob", "__typename": "User"}},
        {"author": None},
        {"body": "/pause"},
        {"body": None},
        {"body": "x" * (converted.REMEMBERED_COMMENT + 1)},  # converted afresh, not kept
        {"createdAt": "2026-01-05T09:00:01Z"},
        {"updatedAt": "2026-01-05T09:30:00Z"},  # edited
        {"updatedAt": "2026-01-05T09:00:30Z"},  # within the grace: not edited
        {"updatedAt": None},
    ]:
        node = comment | changes
        author = converted._node_login(node["author"])
        given = (node["body"] or "", node["databaseId"], author)
        expected = fresh(*given, node["createdAt"], node["updatedAt"])
        assert converted.comment_from_node(node) == expected, changes
    assert converted.comment_from_node(comment | {"updatedAt": "2026-01-05T09:30:00Z"}).edited
    kept = converted._comment.cache_info().currsize  # type: ignore[attr-defined]
    converted.comment_from_node(comment | {"body": "y" * (converted.REMEMBERED_COMMENT + 1)})
    assert converted._comment.cache_info().currsize == kept  # type: ignore[attr-defined]

    label = {
        "__typename": "LabeledEvent",
        "createdAt": "2026-01-05T09:00:00Z",
        "actor": {"login": "mo", "__typename": "User"},
        "label": {"name": "paused"},
    }
    for changes in [
        {},
        {},  # the same: remembered
        {"__typename": "UnlabeledEvent"},
        {"createdAt": "2026-01-06T09:00:00Z"},
        {"actor": {"login": "mentoring", "__typename": "Bot"}},
        {"actor": None},
        {"label": {"name": "ready"}},
        {"label": None},
        {"label": {"name": "z" * (converted.REMEMBERED_COMMENT + 1)}},
    ]:
        node = label | changes
        event = converted._split([node])[0][0]
        kind = "labeled" if node["__typename"] == "LabeledEvent" else "unlabeled"
        at = datetime.fromisoformat(node["createdAt"])
        name = (node["label"] or {}).get("name")
        assert event == Event(kind, at, converted._actor(node), label=name), changes
