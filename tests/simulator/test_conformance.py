"""The sandbox speaks GitHub: its traffic checked against GitHub's own REST description.

One module-scoped sandbox gets a rich history from people's actions, then the bot
makes, through PyGithub, exactly the calls the scripts make (and a few that fail).
Every exchange in the request log must be a documented operation with a valid
request, and a response valid for its status; every timeline event must match the
schema for its own kind. The last tests prove the checks have teeth.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import github
import pytest

from conformance import (
    ConformanceError,
    operation_for,
    renamed,
    schema_pointer,
    validate_exchange,
    validate_request,
    validate_response,
    validate_timeline_event,
    validate_webhook,
)
from conformance import check as check_schema
from conformance import main as check_http_log
from mentoring.github.repository import Repo
from simulator.sandbox import Fault, Sandbox
from simulator.sandbox.faults import GRAPHQL_ONLY

BOT = "github-actions[bot]"
APPLICATION = "application"
PAUSED = "mentoring: paused"
PARTICIPANTS = "- name: Ada\n  github: ada\n"

# Each kind the project reads or the sandbox makes, on the issue where it must appear.
ISSUE_EVENTS = {
    "assigned",
    "closed",
    "commented",
    "cross-referenced",
    "labeled",
    "renamed",
    "reopened",
    "unassigned",
    "unlabeled",
}
PULL_EVENTS = {"closed", "merged"}

# A request GitHub's description forbids, sent on purpose to see the sandbox refuse it.
INVALID_CLOSE = {"state": "closed", "state_reason": "finished"}
INVALID_REACTION = {"content": "thumbsup"}  # GraphQL's name is THUMBS_UP, REST's +1
INVALID = (INVALID_CLOSE, INVALID_REACTION)  # requests GitHub's description refuses

# Known differences between the sandbox and GitHub, by operation: each is kept out of
# the general check and has its own strict xfail, which fails once the sandbox is fixed.

# The operations the scripts will call; each must appear in the log at least once.
PROJECT_OPERATIONS = {
    "actions/list-workflow-runs",
    "reactions/list-for-issue-comment",
    "issues/add-assignees",
    "issues/add-labels",
    "issues/create",
    "issues/create-comment",
    "issues/create-label",
    "issues/get",
    "issues/list-comments",
    "issues/list-events-for-timeline",
    "issues/list-for-repo",
    "issues/list-labels-for-repo",
    "issues/remove-assignees",
    "issues/remove-label",
    "issues/set-labels",
    "issues/update",
    "issues/update-comment",
    "issues/update-label",
    "pulls/get",
    "pulls/list-files",
    "rate-limit/get",
    "repos/get-collaborator-permission-level",
    "repos/get-content",
    "repos/list-commits",
    "search/issues-and-pull-requests",
}


@dataclass(frozen=True)
class World:
    """The sandbox after the run, with the numbers of what was made."""

    sb: Sandbox
    log: list[dict[str, Any]]
    issue: int
    other: int
    pull: int


def client(sb: Sandbox, login: str = BOT) -> github.Github:
    """PyGithub configured exactly as the scripts configure it."""
    return github.Github(
        base_url=sb.url,
        auth=github.Auth.Token(sb.token_for(login)),
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


def people_act(sb: Sandbox) -> tuple[int, int, int]:
    """History made by people: every timeline event kind the project reads."""
    sb.set_permission("cora", "admin")
    sb.set_permission("mo", "write")
    sb.add_user("ada")
    sb.create_label(APPLICATION, "0e8a16", "A mentee's application")
    sb.create_label(PAUSED, "fbca04")
    sb.set_file("participants.yml", "[]\n")

    n = sb.open_issue("ada", "Application: Ada", "### Name\n\nAda", labels=[APPLICATION])
    sb.advance(hours=1)
    sb.assign(n, "cora", ["mo"])
    sb.comment(n, "mo", "Hello Ada!")
    sb.add_labels(n, "cora", [PAUSED])
    sb.advance(days=3)
    sb.remove_labels(n, "cora", [PAUSED])
    sb.unassign(n, "cora", ["mo"])
    sb.assign(n, "cora", ["mo"])
    sb.rename(n, "ada", "Application: Ada Lovelace")
    sb.close(n, "cora", "not_planned")
    sb.reopen(n, "cora")
    other = sb.open_issue("mo", "Follow-up", f"Related to #{n}")
    sb.advance(days=30)
    pull = sb.open_pull_request(
        "mo", "Graduate Ada", f"Closes #{n}", {"participants.yml": PARTICIPANTS}
    )
    sb.merge_pull_request(pull, "cora")
    sb.set_file(".github/workflows/mentoring.yml", "name: Mentoring\n")
    for event in ("schedule", "issues", "schedule"):
        run = sb.start_workflow_run(".github/workflows/mentoring.yml", event)
        sb.finish_workflow_run(run, succeeded=True)
        sb.advance(minutes=1)
    sb.advance(minutes=5)
    return n, other, pull


def bot_acts(sb: Sandbox, n: int, pull_number: int) -> None:
    """The calls the scripts make, through PyGithub, and some that GitHub refuses."""
    g = client(sb)
    # get_repo(..., lazy=True) is deprecated in PyGithub 2.10; a lazy requester makes
    # get_issue and get_pull lazy too, so an attribute read below does the GET.
    repo = g.withLazy(True).get_repo(f"{sb.owner}/{sb.repo}")
    list(repo.get_issues(state="open", labels=[APPLICATION], sort="created", direction="asc"))
    list(repo.get_issues(state="all", labels=[APPLICATION], creator="ada"))
    issue = repo.get_issue(n)
    assert issue.title
    list(issue.get_timeline())
    list(issue.get_comments())
    comment = issue.create_comment("<!-- mentoring:welcome -->\nWelcome!")
    comment.edit("<!-- mentoring:welcome -->\nWelcome, Ada!")
    issue.add_to_assignees("cora")
    issue.remove_from_assignees("cora")
    issue.add_to_labels(PAUSED)
    issue.remove_from_labels(PAUSED)
    issue.set_labels(APPLICATION, PAUSED)
    issue.edit(state="closed", state_reason="completed")
    list(issue.get_timeline())

    labels = list(repo.get_labels())
    assert {label.name for label in labels} >= {APPLICATION, PAUSED}
    label = repo.create_label("mentoring: graduated", "5319e7", "Graduated from the program")
    label.edit("mentoring: graduated", "5319e7", "Completed the program")

    repo.get_contents("participants.yml", ref="main")
    repo.get_contents("participants.yml")
    pull = repo.get_pull(pull_number)
    assert pull.merged
    list(pull.get_files())
    list(repo.get_issue(pull_number).get_timeline())
    repo.get_collaborator_permission("mo")
    g.get_rate_limit()
    # The outcomes report's searches (github/search.py): a graduate's pull requests in
    # the program's repositories and elsewhere, counted, one result a page.
    sb.add_pull_elsewhere("astropy/astropy", "ada", reviewers=("mo",))
    for q in (
        "is:pr author:ada repo:astropy/astropy created:>=2020-01-01",
        "is:pr reviewed-by:mo repo:astropy/astropy updated:>=2020-01-01",
        f"is:pr repo:{sb.owner}/{sb.repo} created:>=2020-01-01",
    ):
        _, found = repo.requester.requestJsonAndCheck(
            "GET", "/search/issues", parameters={"q": q, "per_page": 1}
        )
        assert found["total_count"] >= 1
    # The schedule's latest run, as Repo.latest_scheduled_run asks for it.
    runs = f"{repo.url}/actions/workflows/mentoring.yml/runs"
    _, listed = repo.requester.requestJsonAndCheck(
        "GET", runs, parameters={"event": "schedule", "per_page": 1}
    )
    assert listed["total_count"] == 2
    assert [r["event"] for r in listed["workflow_runs"]] == ["schedule"]

    # The dashboard is created this way (issues/create); then routes the sandbox also
    # serves, which PyGithub may reach.
    extra = repo.create_issue("Question", "How do I apply?", labels=[APPLICATION])
    list(extra.get_events())
    list(extra.get_labels())
    extra.delete_labels()
    note = extra.create_comment("A note")
    assert issue.get_comment(note.id).body == "A note"
    note.delete()
    assert repo.get_label(PAUSED).name == PAUSED
    assert repo.has_in_assignees("mo")
    assert g.get_user("mo").login == "mo"
    merge_sha = pull.merge_commit_sha
    assert [p.number for p in repo.get_commit(merge_sha).get_pulls()] == [pull_number]
    # participants.yml as it stood when an application was opened, and before it existed.
    product = Repo(g, f"{sb.owner}/{sb.repo}", bot_login=BOT)
    assert product.file_text_before("participants.yml", sb.now) == PARTICIPANTS
    assert product.file_text_before("participants.yml", repo.get_issue(n).created_at) == "[]\n"
    assert product.file_text_before("participants.yml", datetime(2001, 1, 1, tzinfo=UTC)) is None

    # Reactions: a person's on the bot's comment (201, then 200 for the same one again),
    # counted in the comment's roll-up and read back as Repo.reactions reads them.
    reactions = f"{repo.url}/issues/comments/{comment.id}/reactions"
    for content, status in (("+1", 201), ("+1", 200), ("heart", 201)):
        got, _, _ = repo.requester.requestJson("POST", reactions, input={"content": content})
        assert got == status
    assert [r.content for r in product.reactions(comment.id)] == ["+1", "heart"]
    rollup = issue.get_comment(comment.id).raw_data["reactions"]
    assert (rollup["total_count"], rollup["+1"], rollup["heart"]) == (2, 1, 1)

    # Refusals: their error bodies are checked too.
    refusals = [
        lambda: repo.get_issue(9999).title,
        lambda: repo.get_contents("no/such/file.yml", ref="main"),
        lambda: repo.create_label(APPLICATION, "0e8a16"),
        lambda: issue.remove_from_labels("not-on-the-issue"),
        lambda: repo.get_pull(n).merged,
        lambda: issue.create_comment(""),
        lambda: repo.requester.requestJsonAndCheck("POST", reactions, input=INVALID_REACTION),
        lambda: issue.edit(state="closed", state_reason=INVALID_CLOSE["state_reason"]),
    ]
    for refuse in refusals:
        with pytest.raises(github.GithubException):
            refuse()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with Sandbox() as sb:
        n, other, pull = people_act(sb)
        bot_acts(sb, n, pull)
        yield World(sb=sb, log=sb.request_log, issue=n, other=other, pull=pull)


def failures(log: list[dict[str, Any]], check: Any) -> list[str]:
    """Every ConformanceError check raises over log, one message per distinct problem."""
    found: dict[str, None] = {}
    for entry in log:
        try:
            check(entry)
        except ConformanceError as error:
            found.setdefault(str(error), None)
    return list(found)


def test_the_run_reached_github(world: World) -> None:
    assert len(world.log) >= 40
    statuses = Counter(entry["status"] for entry in world.log)
    assert statuses[404] >= 3
    assert statuses[422] >= 1


def check_request(entry: dict[str, Any]) -> None:
    validate_request(entry["method"], entry["path"], entry["request_body"], entry["query"])


def check_response(entry: dict[str, Any]) -> None:
    validate_response(entry["method"], entry["path"], entry["status"], entry["response_body"])


def test_every_request_is_a_documented_operation(world: World) -> None:
    on_purpose = [e for e in world.log if e["request_body"] in INVALID]
    assert len(on_purpose) == 2
    assert failures(on_purpose, check_request)
    problems = failures([e for e in world.log if e not in on_purpose], check_request)
    assert not problems, "\n\n".join(problems)


def test_every_response_matches_its_documented_schema(world: World) -> None:
    problems = failures(world.log, check_response)
    assert not problems, "\n\n".join(problems)


def operation_of(entry: dict[str, Any]) -> str:
    return operation_for(entry["method"], entry["path"])[0]


def test_the_run_used_every_operation_the_project_calls(world: World) -> None:
    used = {operation_of(e) for e in world.log}
    assert used >= PROJECT_OPERATIONS, sorted(PROJECT_OPERATIONS - used)


def served_timeline_events(world: World, number: int) -> list[dict[str, Any]]:
    """The timeline events the sandbox sent for one issue, over the HTTP API."""
    events = []
    for entry in world.log:
        if entry["status"] == 200 and entry["path"].endswith(f"/issues/{number}/timeline"):
            events.extend(entry["response_body"])
    return events


def test_every_timeline_event_matches_the_schema_of_its_kind(world: World) -> None:
    events = [
        *served_timeline_events(world, world.issue),
        *served_timeline_events(world, world.pull),
        *world.sb.timeline(world.other),
    ]
    problems = failures(events, validate_timeline_event)
    assert not problems, "\n\n".join(problems)


def test_every_event_kind_the_project_reads_appeared(world: World) -> None:
    on_issue = {e["event"] for e in served_timeline_events(world, world.issue)}
    on_pull = {e["event"] for e in served_timeline_events(world, world.pull)}
    assert on_issue >= ISSUE_EVENTS, sorted(ISSUE_EVENTS - on_issue)
    assert on_pull >= PULL_EVENTS, sorted(PULL_EVENTS - on_pull)


def test_the_closing_keyword_closed_the_issue_from_the_merge(world: World) -> None:
    closes = [e for e in world.sb.timeline(world.issue) if e["event"] == "closed"]
    # A keyword in the description: GitHub records the close with commit_id null.
    assert closes
    assert all(e["commit_id"] is None for e in closes), closes
    references = [e for e in world.sb.timeline(world.issue) if e["event"] == "cross-referenced"]
    sources = {e["source"]["issue"]["number"] for e in references}
    assert {world.other, world.pull} <= sources


def test_what_the_description_leaves_loose_is_still_whole(world: World) -> None:
    """Where GitHub's schemas have no `required` but the project reads the fields.

    An issue's labels may be strings or objects with no required keys, and a
    cross-reference's source has no required keys: GitHub sends full objects, so the
    sandbox must too.
    """
    issues = [world.sb.issue(n) for n in (world.issue, world.other, world.pull)]
    for issue in issues:
        for label in issue["labels"]:
            check_schema(label, schema_pointer("label"), f"a label of #{issue['number']}")
    references = [e for e in world.sb.timeline(world.issue) if e["event"] == "cross-referenced"]
    for event in references:
        assert event["source"]["type"] == "issue", event["source"]
        check_schema(event["source"]["issue"], schema_pointer("issue"), "a cross-reference")
    for entry in world.log:
        if entry["status"] >= 400:
            assert {"message", "documentation_url"} <= entry["response_body"].keys()


def test_no_url_points_at_the_real_github(world: World) -> None:
    leaks = {
        f"{e['method']} {e['path']}"
        for e in world.log
        if any(host in repr(e["response_body"]) for host in ("://api.github.com", "://github.com"))
    }
    assert not leaks, sorted(leaks)


@pytest.mark.parametrize(
    "fault", [f for f in Fault if f not in GRAPHQL_ONLY], ids=lambda f: f.value
)
def test_fault_responses_have_githubs_error_shape(fault: Fault) -> None:
    with Sandbox() as sb:
        sb.open_issue("ada", "Application: Ada", "Hi")
        issue = client(sb).withLazy(True).get_repo(f"{sb.owner}/{sb.repo}").get_issue(1)
        sb.inject(fault, "POST", r"/comments$")
        with pytest.raises(github.GithubException):
            issue.create_comment("Welcome!")
        (entry,) = sb.request_log
    validate_request(entry["method"], entry["path"], entry["request_body"])
    assert entry["status"] in {502, 403, 429}
    check_schema(entry["response_body"], schema_pointer("basic-error"), f"{fault} body")
    assert entry["response_body"]["message"]
    if entry["status"] == 403:  # documented for create-comment; 502 and 429 are not
        validate_exchange(entry)


def test_an_http_log_file_is_checked_line_by_line(
    world: World, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    good = [e for e in world.log if e["request_body"] not in INVALID]
    log = tmp_path / "http.jsonl"
    log.write_text("".join(json.dumps(e) + "\n" for e in good), encoding="utf-8")
    assert check_http_log([str(log)]) == 0
    bad = first(world, "issues/list-events-for-timeline")
    bad["response_body"][0] = renamed(bad["response_body"][0], "created_at", "createdAt")
    log.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    assert check_http_log([str(log)]) == 1
    assert "'created_at' is a required property" in capsys.readouterr().out


# -- the checks have teeth ------------------------------------------------------------------


def first(world: World, op_id: str, status: int = 200) -> dict[str, Any]:
    """A copy of the first logged exchange of an operation with this status."""
    for entry in world.log:
        if entry["status"] == status and operation_of(entry) == op_id:
            return copy.deepcopy(entry)
    raise LookupError(f"no {op_id} with status {status} in the log")


def event_of(world: World, kind: str) -> dict[str, Any]:
    events = served_timeline_events(world, world.issue) + served_timeline_events(world, world.pull)
    return copy.deepcopy(next(e for e in events if e["event"] == kind))


@pytest.mark.parametrize(
    ("kind", "old", "new"),
    [
        ("labeled", "created_at", "createdAt"),
        ("assigned", "assignee", "assignees"),
        ("commented", "user", "author"),
        ("renamed", "rename", "renamed"),
        ("cross-referenced", "source", "src"),
        ("closed", "commit_id", "commit"),
    ],
)
def test_a_renamed_event_field_fails(world: World, kind: str, old: str, new: str) -> None:
    event = event_of(world, kind)
    validate_timeline_event(event)
    with pytest.raises(ConformanceError, match=repr(old)):
        validate_timeline_event(renamed(event, old, new))


def test_a_renamed_field_of_a_nested_user_fails(world: World) -> None:
    entry = first(world, "issues/get")
    validate_exchange(entry)
    entry["response_body"]["user"] = renamed(entry["response_body"]["user"], "login", "name")
    with pytest.raises(ConformanceError, match="'login' is a required property"):
        validate_exchange(entry)


@pytest.mark.parametrize(
    ("op_id", "field"),
    [("issues/get", "number"), ("issues/create-comment", "html_url"), ("pulls/get", "merged")],
)
def test_a_dropped_required_field_fails(world: World, op_id: str, field: str) -> None:
    entry = first(world, op_id, 201 if op_id == "issues/create-comment" else 200)
    del entry["response_body"][field]
    with pytest.raises(ConformanceError, match=f"'{field}' is a required property"):
        validate_exchange(entry)


def test_a_wrong_type_or_timestamp_fails(world: World) -> None:
    event = event_of(world, "labeled")
    with pytest.raises(ConformanceError, match="is not of type 'integer'"):
        validate_timeline_event({**event, "id": str(event["id"])})
    entry = first(world, "issues/get")
    entry["response_body"]["created_at"] = "2026-01-05 10:00:00"
    with pytest.raises(ConformanceError, match="is not a 'date-time'"):
        validate_exchange(entry)
    entry["response_body"]["created_at"] = None
    with pytest.raises(ConformanceError, match="None is not of type 'string'"):
        validate_exchange(entry)


def test_an_unknown_event_kind_fails(world: World) -> None:
    with pytest.raises(ConformanceError, match="not a documented event"):
        validate_timeline_event({**event_of(world, "labeled"), "event": "label_added"})


def test_undocumented_requests_fail() -> None:
    issues = "/repos/astropy/mentoring/issues"
    with pytest.raises(ConformanceError, match="matches no operation"):
        operation_for("POST", "/repos/astropy/mentoring/issues/1/close")
    with pytest.raises(ConformanceError, match="state='opened'"):
        validate_request("GET", issues, query={"state": "opened"})
    with pytest.raises(ConformanceError, match="'status' is not documented"):
        validate_request("GET", issues, query={"status": "open"})
    with pytest.raises(ConformanceError, match="'done' is not one of"):
        validate_request("PATCH", f"{issues}/1", {"state": "done"})
    with pytest.raises(ConformanceError, match="requires a JSON body"):
        validate_request("DELETE", f"{issues}/1/assignees")
    with pytest.raises(ConformanceError, match="status 204 is not documented"):
        validate_response("GET", f"{issues}/1", 204, None)


def test_labels_may_be_a_bare_array_only_where_github_takes_one() -> None:
    labels = "/repos/astropy/mentoring/issues/1/labels"
    validate_request("POST", labels, ["a", "b"])
    validate_request("PUT", labels, ["a"])
    with pytest.raises(ConformanceError):
        validate_request("POST", labels, [1])
    with pytest.raises(ConformanceError):
        validate_request("POST", "/repos/astropy/mentoring/issues/1/assignees", ["mo"])


# -- webhook payloads ----------------------------------------------------------------------


def webhook(world: World, action: str, **extra: Any) -> dict[str, Any]:
    """A payload built from the sandbox's REST shapes, as the simulator would build it."""
    sb = world.sb
    return {
        "action": action,
        "repository": sb.shapes.repo(),
        "sender": sb.shapes.user("cora"),
        **extra,
    }


def test_webhook_schemas_are_available_and_strict(world: World) -> None:
    assert schema_pointer("webhook-issues-opened")
    with pytest.raises(ConformanceError, match="no schema for webhook"):
        validate_webhook("issues", {"action": "exploded"})
    with pytest.raises(ConformanceError, match="'issue' is a required property"):
        validate_webhook("issues", webhook(world, "opened"))


def test_webhook_payloads_from_sandbox_shapes_match(world: World) -> None:
    sb = world.sb
    opened, closed = sb.issue(world.other), sb.issue(world.issue)
    label = opened["labels"][0] if opened["labels"] else closed["labels"][0]
    comment = sb.comments(world.issue)[0]
    pull = sb.pull(world.pull)
    payloads = [
        ("issues", webhook(world, "opened", issue=opened)),
        ("issues", webhook(world, "edited", issue=opened, changes={})),
        ("issues", webhook(world, "labeled", issue=closed, label=label)),
        ("issues", webhook(world, "closed", issue=closed)),
        ("issue_comment", webhook(world, "created", issue=closed, comment=comment)),
        ("pull_request_target", webhook(world, "closed", number=world.pull, pull_request=pull)),
    ]
    for event_name, payload in payloads:
        validate_webhook(event_name, payload)


def test_the_subset_has_the_schemas_the_checks_name() -> None:
    check_schema({}, schema_pointer("basic-error"), "an empty error body")
