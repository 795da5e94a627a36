"""The sandbox GitHub through PyGithub: timeline, assignment, files, pull requests, errors."""

import base64
import hashlib
import json
import urllib.request
from datetime import UTC, datetime

import github
import pytest

from simulator.sandbox import Sandbox
from simulator.sandbox.shapes import WEB

BOT = "github-actions[bot]"


def client(sb: Sandbox, login: str = BOT, per_page: int = 100) -> github.Github:
    return github.Github(
        base_url=sb.url,
        auth=github.Auth.Token(sb.token_for(login)),
        per_page=per_page,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


def raw(sb: Sandbox, method: str, path: str, token: str | None = None, body=None):
    """One request without PyGithub: (status, headers, parsed body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(sb.url + path, data=data, method=method)  # noqa: S310
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
            text = response.read()
            return response.status, response.headers, json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read())


@pytest.fixture
def repo(sandbox: Sandbox):
    return client(sandbox).get_repo("astropy/mentoring")


def test_timeline_of_250_events_across_pages(sandbox: Sandbox, repo) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.now = datetime(2026, 1, 5, 10, tzinfo=UTC)
    n = sandbox.open_issue("alice", "Apply", "body")
    for k in range(125):
        sandbox.advance(minutes=1)
        sandbox.comment(n, "alice", f"comment {k}")
        sandbox.add_labels(n, "cora", [f"label {k}"])
    sandbox.clear_logs()
    events = list(repo.get_issue(n).get_timeline())
    assert len(events) == 250
    assert [e.event for e in events[:4]] == ["commented", "labeled", "commented", "labeled"]
    assert events[-2].body == "comment 124"
    assert events[-1].raw_data["label"]["name"] == "label 124"
    assert events[0].created_at == datetime(2026, 1, 5, 10, 1, tzinfo=UTC)
    assert events[0].actor.login == "alice"
    pages = [r for r in sandbox.request_log if r["path"].endswith(f"/issues/{n}/timeline")]
    assert [r["query"].get("page", "1") for r in pages] == ["1", "2", "3"]
    assert [len(r["response_body"]) for r in pages] == [100, 100, 50]
    _, headers, _ = raw(
        sandbox, "GET", f"/repos/astropy/mentoring/issues/{n}/timeline?per_page=100&page=2"
    )
    base = f"{sandbox.url}/repos/astropy/mentoring/issues/{n}/timeline?per_page=100"
    assert headers["Link"] == (
        f'<{base}&page=1>; rel="prev", <{base}&page=3>; rel="next", '
        f'<{base}&page=3>; rel="last", <{base}&page=1>; rel="first"'
    )
    _, headers, _ = raw(
        sandbox, "GET", f"/repos/astropy/mentoring/issues/{n}/timeline?per_page=500"
    )
    assert 'per_page=500&page=2>; rel="next"' in headers["Link"]  # capped at 100 a page
    assert headers["Link"].endswith('page=3>; rel="last"')


def test_timeline_event_shapes(sandbox: Sandbox) -> None:
    sandbox.set_permission("cora", "triage")
    n = sandbox.open_issue("alice", "Apply", "body")
    sandbox.assign(n, "cora", ["cora"])
    sandbox.unassign(n, "cora", ["cora"])
    sandbox.comment(n, "alice", "hi")
    sandbox.rename(n, "cora", "Application")
    sandbox.close(n, "cora", reason="not_planned")
    sandbox.reopen(n, "alice")
    timeline = sandbox.timeline(n)
    assigned, unassigned, commented, renamed, closed, reopened = timeline
    assert assigned["event"] == "assigned"
    assert assigned["assignee"]["login"] == assigned["actor"]["login"] == "cora"
    assert unassigned["event"] == "unassigned"
    assert commented["event"] == "commented"
    assert commented["actor"]["login"] == commented["user"]["login"] == "alice"
    assert commented["body"] == "hi"
    assert renamed["rename"] == {"from": "Apply", "to": "Application"}
    assert (closed["state_reason"], closed["commit_id"]) == ("not_planned", None)
    assert reopened["actor"]["login"] == "alice"
    for event in timeline:
        assert event["created_at"] == "2026-01-01T00:00:00Z"
    user = assigned["actor"]
    expected = {"login", "id", "node_id", "type", "avatar_url", "url", "html_url", "site_admin"}
    assert expected <= set(user)
    assert user["url"] == f"{sandbox.url}/users/cora"
    assert user["html_url"] == f"{WEB}/cora"


def test_assignment_follows_githubs_rule(sandbox: Sandbox, repo) -> None:
    # Collaborators, the author and commenters can be assigned; others are silently dropped
    # by POST /assignees (201), but make PATCH /issues/{n} fail with 422.
    sandbox.set_permission("mo", "write")
    n = sandbox.open_issue("alice", "Apply", "body")
    sandbox.comment(n, "carol", "I can mentor")
    issue = repo.get_issue(n)
    issue.add_to_assignees("alice", "mo", "carol", "stranger", BOT)
    assert [a.login for a in repo.get_issue(n).assignees] == ["alice", "mo", "carol"]
    post = next(r for r in sandbox.request_log if r["method"] == "POST")
    assert post["status"] == 201
    assert sandbox.writes[-1]["users"] == ["alice", "mo", "carol", "stranger", BOT]
    with pytest.raises(github.GithubException) as err:
        issue.edit(assignees=["alice", "stranger"])
    assert err.value.status == 422
    assert err.value.data["errors"] == [
        {"resource": "Issue", "code": "invalid", "field": "assignees", "value": "stranger"}
    ]
    issue.remove_from_assignees("mo")
    assert [a.login for a in repo.get_issue(n).assignees] == ["alice", "carol"]
    # Someone without push access cannot assign at all: silently ignored.
    client(sandbox, "alice").get_repo("astropy/mentoring").get_issue(n).add_to_assignees("mo")
    assert [a["login"] for a in sandbox.issue(n)["assignees"]] == ["alice", "carol"]


def test_at_most_ten_assignees(sandbox: Sandbox, repo) -> None:
    logins = [f"m{k}" for k in range(12)]
    for login in logins:
        sandbox.set_permission(login, "write")
    n = sandbox.open_issue("alice", "t", "b")
    repo.get_issue(n).add_to_assignees(*logins)
    assert len(sandbox.issue(n)["assignees"]) == 10
    with pytest.raises(github.GithubException) as err:
        repo.get_issue(n).edit(assignees=logins)
    assert err.value.status == 422


def test_contents(sandbox: Sandbox, repo) -> None:
    first = sandbox.set_file("participants.yml", "- name: Ada\n  github: ada\n")
    sandbox.set_file(".github/mentoring.yml", "coordinators: [cora]\n")
    got = repo.get_contents("participants.yml")
    assert got.decoded_content == b"- name: Ada\n  github: ada\n"
    data = b"- name: Ada\n  github: ada\n"
    assert (
        got.sha == hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    )
    assert got.path == "participants.yml"
    assert repo.get_contents(".github/mentoring.yml").decoded_content == b"coordinators: [cora]\n"
    sandbox.push("cora", {"participants.yml": None}, "Remove")
    with pytest.raises(github.UnknownObjectException):
        repo.get_contents("participants.yml")
    assert repo.get_contents("participants.yml", ref=first).decoded_content.startswith(b"- name")
    assert sandbox.get_file("participants.yml") is None
    assert [c.path for c in repo.get_contents(".github")] == [".github/mentoring.yml"]


def test_pull_request_merge_closes_issue(sandbox: Sandbox, repo) -> None:
    sandbox.set_permission("cora", "maintain")
    sandbox.set_file("participants.yml", "- name: Ada\n  github: ada\n")
    n = sandbox.open_issue("bob", "Apply", "body")
    other = sandbox.open_issue("eve", "Other", "body")
    sandbox.advance(days=3)
    pr = sandbox.open_pull_request(
        "bob",
        "Add Bob",
        f"Fixes #{n}, see #{other}",
        {"participants.yml": "- name: Ada\n  github: ada\n- name: Bob\n  github: bob\n"},
    )
    cross = sandbox.timeline(other)[-1]
    assert cross["event"] == "cross-referenced"
    assert cross["source"]["type"] == "issue"
    assert cross["source"]["issue"]["number"] == pr
    assert "pull_request" in cross["source"]["issue"]
    assert "id" not in cross
    files = repo.get_pull(pr).get_files()
    (entry,) = list(files)
    assert (entry.filename, entry.status, entry.additions, entry.deletions) == (
        "participants.yml",
        "modified",
        2,
        0,
    )
    assert (
        entry.patch == "@@ -1,2 +1,4 @@\n - name: Ada\n   github: ada\n+- name: Bob\n+  github: bob"
    )
    sandbox.advance(hours=1)
    status = client(sandbox, "cora").get_repo("astropy/mentoring").get_pull(pr).merge()
    assert status.merged
    pull = repo.get_pull(pr)
    assert pull.merged
    assert pull.merged_by.login == "cora"
    assert pull.merge_commit_sha == status.sha
    assert sandbox.get_file("participants.yml").endswith("github: bob\n")
    closed = sandbox.timeline(n)[-1]
    assert closed["event"] == "closed"
    assert closed["actor"]["login"] == "cora"
    assert closed["state_reason"] == "completed"
    assert closed["commit_id"] is None  # a keyword in the description, not in a commit
    assert closed["commit_url"] is None
    assert sandbox.issue(other)["state"] == "open"  # mentioned without a closing keyword
    assert [p.number for p in repo.get_commit(status.sha).get_pulls()] == [pr]
    with pytest.raises(github.GithubException) as err:
        repo.get_pull(pr).merge()
    assert err.value.status == 405


def test_pull_request_files_added_and_removed(sandbox: Sandbox, repo) -> None:
    sandbox.set_file("old.txt", "a\nb\n")
    pr = sandbox.open_pull_request("bob", "t", "", {"old.txt": None, "new.txt": "x\n"})
    files = {f.filename: f for f in repo.get_pull(pr).get_files()}
    assert files["old.txt"].status == "removed"
    assert files["old.txt"].deletions == 2
    assert files["new.txt"].status == "added"
    assert files["new.txt"].patch == "@@ -0,0 +1 @@\n+x"
    assert sandbox.pull(pr)["changed_files"] == 2


def test_collaborator_permission(sandbox: Sandbox, repo) -> None:
    sandbox.set_permission("cora", "maintain")
    assert repo.get_collaborator_permission("cora") == "write"
    assert repo.get_collaborator_permission(BOT) == "write"
    assert repo.get_collaborator_permission("nobody") == "none"
    status, _, body = raw(sandbox, "GET", "/repos/astropy/mentoring/collaborators/cora/permission")
    assert (status, body["role_name"], body["user"]["login"]) == (200, "maintain", "cora")


def test_error_bodies(sandbox: Sandbox, repo) -> None:
    status, _, body = raw(
        sandbox, "POST", "/repos/astropy/mentoring/issues", "wrong", {"title": "x"}
    )
    assert status == 401
    assert body["message"] == "Bad credentials"
    assert body["documentation_url"].startswith("https://docs.github.com/")
    status, _, body = raw(sandbox, "POST", "/repos/astropy/mentoring/issues", None, {"title": "x"})
    assert status == 401
    with pytest.raises(github.UnknownObjectException) as err:
        repo.get_issue(99)
    assert err.value.data["message"] == "Not Found"
    assert err.value.data["status"] == "404"
    status, _, body = raw(sandbox, "GET", "/repos/astropy/other/issues")
    assert status == 404
    with pytest.raises(github.GithubException) as err:
        repo.create_issue("")
    assert err.value.status == 422
    assert err.value.data["message"] == "Validation Failed"
    assert err.value.data["errors"] == [
        {"resource": "Issue", "code": "missing_field", "field": "title"}
    ]


def test_rate_limit_headers_and_exhaustion(sandbox: Sandbox, repo) -> None:
    sandbox.rate_limit_remaining = 3
    status, headers, _ = raw(sandbox, "GET", "/repos/astropy/mentoring", sandbox.token_for(BOT))
    assert status == 200
    assert headers["X-RateLimit-Limit"] == "5000"
    assert headers["X-RateLimit-Remaining"] == "2"
    assert headers["X-RateLimit-Used"] == "4998"
    assert headers["X-RateLimit-Resource"] == "core"
    assert int(headers["X-RateLimit-Reset"]) > sandbox.now.timestamp()
    assert (
        github.Github(base_url=sandbox.url, retry=None).get_rate_limit().resources.core.remaining
        == 2
    )
    repo.get_issues().totalCount  # noqa: B018 - two requests' worth of budget
    repo.get_labels().totalCount  # noqa: B018
    with pytest.raises(github.RateLimitExceededException) as err:
        repo.get_labels().totalCount  # noqa: B018
    assert err.value.status == 403
    assert err.value.data["message"].startswith("API rate limit exceeded for")
    assert sandbox.request_log[-1]["status"] == 403


def test_api_version_header_is_echoed(sandbox: Sandbox) -> None:
    request = urllib.request.Request(sandbox.url + "/repos/astropy/mentoring")  # noqa: S310
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
        assert response.headers["X-GitHub-Api-Version"] == "2022-11-28"
        assert response.headers["Content-Type"].startswith("application/json")
        body = json.loads(response.read())
    assert body["issues_url"] == f"{sandbox.url}/repos/astropy/mentoring/issues{{/number}}"


def test_node_ids_are_base64_like(sandbox: Sandbox) -> None:
    n = sandbox.open_issue("alice", "t", "b")
    node = sandbox.issue(n)["node_id"]
    assert node.startswith("I_")
    base64.b64decode(node[2:] + "==")
