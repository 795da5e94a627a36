"""The sandbox GitHub, driven through PyGithub over real HTTP: issues, comments, labels."""

import json
from datetime import UTC, datetime, timedelta

import github
import pytest

from simulator.sandbox import Sandbox, graphql
from simulator.sandbox.shapes import WEB

BOT = "github-actions[bot]"


def client(sb: Sandbox, login: str = BOT) -> github.Github:
    return github.Github(
        base_url=sb.url,
        auth=github.Auth.Token(sb.token_for(login)),
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


@pytest.fixture
def repo(sandbox: Sandbox):
    return client(sandbox).get_repo("astropy/mentoring")


def test_repository_has_sandbox_urls(sandbox: Sandbox, repo) -> None:
    assert repo.full_name == "astropy/mentoring"
    assert repo.default_branch == "main"
    assert repo.url == f"{sandbox.url}/repos/astropy/mentoring"
    assert repo.html_url == f"{WEB}/astropy/mentoring"
    assert repo.owner.type == "Organization"


def test_issue_created_by_person_is_read_through_api(sandbox: Sandbox, repo) -> None:
    sandbox.now = datetime(2026, 1, 5, 10, tzinfo=UTC)
    n = sandbox.open_issue("alice", "Apply", "I'd like a mentor", labels=["application"])
    issue = repo.get_issue(n)
    assert (issue.number, issue.title, issue.body) == (1, "Apply", "I'd like a mentor")
    assert issue.user.login == "alice"
    assert issue.user.type == "User"
    assert [label.name for label in issue.labels] == ["application"]
    assert issue.created_at == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert issue.url == f"{sandbox.url}/repos/astropy/mentoring/issues/1"
    assert issue.html_url == f"{WEB}/astropy/mentoring/issues/1"
    assert issue.pull_request is None


def test_bot_creates_issue_and_comment(sandbox: Sandbox, repo) -> None:
    issue = repo.create_issue("Welcome", body="hello")
    assert issue.user.login == BOT
    assert issue.user.type == "Bot"
    comment = issue.create_comment("<!-- mentoring:welcome -->\nWelcome!")
    assert comment.user.login == BOT
    assert comment.html_url.endswith(f"/astropy/mentoring/issues/1#issuecomment-{comment.id}")
    assert sandbox.comments(1)[0]["body"] == "<!-- mentoring:welcome -->\nWelcome!"
    assert [w["type"] for w in sandbox.writes] == ["create_issue", "comment"]
    assert sandbox.writes[1]["comment_id"] == comment.id


def test_comment_edit_and_delete(sandbox: Sandbox, repo) -> None:
    n = sandbox.open_issue("alice", "t", "b")
    comment = repo.get_issue(n).create_comment("first")
    sandbox.advance(hours=1)
    comment.edit("second")
    assert comment.body == "second"
    assert comment.updated_at == sandbox.now
    assert sandbox.comments(n)[0]["body"] == "second"
    comment.delete()
    assert sandbox.comments(n) == []
    assert [e["event"] for e in sandbox.timeline(n)] == []
    assert [w["type"] for w in sandbox.writes] == ["comment", "edit_comment", "delete_comment"]


def test_comments_since_and_pages(sandbox: Sandbox) -> None:
    n = sandbox.open_issue("alice", "t", "b")
    for k in range(5):
        sandbox.comment(n, "alice", f"c{k}")
        sandbox.advance(days=1)
    gh = github.Github(
        base_url=sandbox.url,
        auth=github.Auth.Token(sandbox.token_for(BOT)),
        per_page=2,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )
    issue = gh.get_repo("astropy/mentoring").get_issue(n)
    assert [c.body for c in issue.get_comments()] == [f"c{k}" for k in range(5)]
    since = datetime(2026, 1, 3, tzinfo=UTC)
    assert [c.body for c in issue.get_comments(since=since)] == ["c2", "c3", "c4"]


def test_list_issues_filters(sandbox: Sandbox, repo) -> None:
    sandbox.set_permission("cora", "triage")
    a = sandbox.open_issue("alice", "a", "", labels=["application"])
    sandbox.advance(days=1)
    b = sandbox.open_issue("bob", "b", "", labels=["application", "mentoring: paused"])
    sandbox.advance(days=1)
    c = sandbox.open_issue("cora", "c", "", assignees=["cora"])
    sandbox.close(c, "cora")
    sandbox.advance(days=1)
    pr = sandbox.open_pull_request("dan", "pr", "", {"x.txt": "x\n"})

    def numbers(**kw) -> list[int]:
        return [i.number for i in repo.get_issues(**kw)]

    assert numbers() == [pr, b, a]  # open, newest first, pull requests included
    assert numbers(state="closed") == [c]
    assert numbers(state="all", direction="asc") == [a, b, c, pr]
    assert numbers(labels=["application"]) == [b, a]
    assert numbers(labels=["application", "mentoring: paused"]) == [b]
    assert numbers(creator="bob") == [b]
    assert numbers(state="all", assignee="cora") == [c]
    assert numbers(assignee="none") == [pr, b, a]
    assert numbers(since=datetime(2026, 1, 2, tzinfo=UTC)) == [pr, b]
    sandbox.advance(days=1)
    sandbox.comment(a, "alice", "one")
    assert numbers(sort="comments")[0] == a
    assert numbers(sort="updated")[0] == a
    assert repo.get_issue(pr).pull_request.url.endswith(f"/repos/astropy/mentoring/pulls/{pr}")


def test_labels_with_spaces_and_colons(sandbox: Sandbox, repo) -> None:
    n = sandbox.open_issue("alice", "t", "b")
    issue = repo.get_issue(n)
    issue.add_to_labels("mentoring: paused", "needs info")
    assert {label.name for label in repo.get_labels()} == {"mentoring: paused", "needs info"}
    issue.remove_from_labels("mentoring: paused")
    assert [label.name for label in repo.get_issue(n).labels] == ["needs info"]
    delete = next(r for r in sandbox.request_log if r["method"] == "DELETE")
    assert delete["path"].endswith("/labels/mentoring%3A%20paused")
    issue.set_labels("active")
    assert [label.name for label in repo.get_issue(n).labels] == ["active"]
    with pytest.raises(github.GithubException) as err:
        issue.remove_from_labels("mentoring: paused")
    assert err.value.status == 404
    events = [(e["event"], e["label"]["name"]) for e in sandbox.timeline(n)]
    assert events == [
        ("labeled", "mentoring: paused"),
        ("labeled", "needs info"),
        ("unlabeled", "mentoring: paused"),
        ("unlabeled", "needs info"),
        ("labeled", "active"),
    ]
    types = [w["type"] for w in sandbox.writes]
    assert types == ["add_labels", "remove_labels", "set_labels"]  # the 404 applied nothing


def test_repository_labels_create_and_update(sandbox: Sandbox, repo) -> None:
    label = repo.create_label("mentoring: paused", "fbca04", "Clock stopped")
    assert label.url == f"{sandbox.url}/repos/astropy/mentoring/labels/mentoring%3A%20paused"
    label.edit("mentoring: on hold", "000000", "Still stopped")
    assert repo.get_label("mentoring: on hold").color == "000000"
    with pytest.raises(github.GithubException) as err:
        repo.create_label("Mentoring: On Hold", "ffffff")
    assert err.value.status == 422
    assert err.value.data["errors"] == [
        {"resource": "Label", "code": "already_exists", "field": "name"}
    ]
    assert [w["type"] for w in sandbox.writes] == ["create_label", "update_label"]


def test_edit_issue_title_body_state(sandbox: Sandbox, repo) -> None:
    n = sandbox.open_issue("alice", "Old", "body")
    issue = repo.get_issue(n)
    issue.edit(title="New", body="new body")
    issue.edit(state="closed", state_reason="not_planned")
    got = sandbox.issue(n)
    assert (got["title"], got["body"], got["state"], got["state_reason"]) == (
        "New",
        "new body",
        "closed",
        "not_planned",
    )
    assert got["closed_by"]["login"] == BOT
    issue.edit(state="open")
    timeline = sandbox.timeline(n)
    assert [e["event"] for e in timeline] == ["renamed", "closed", "reopened"]
    assert timeline[0]["rename"] == {"from": "Old", "to": "New"}
    assert timeline[1]["state_reason"] == "not_planned"
    assert [w["type"] for w in sandbox.writes] == ["edit_issue", "close", "reopen"]


def test_clock_cannot_go_backwards(sandbox: Sandbox) -> None:
    sandbox.now = datetime(2026, 3, 1, tzinfo=UTC)
    assert sandbox.advance(days=1) == datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(ValueError, match="backwards"):
        sandbox.now = sandbox.now - timedelta(seconds=1)


def test_people_and_api_make_identical_events(sandbox: Sandbox, repo) -> None:
    sandbox.set_permission("cora", "write")
    a = sandbox.open_issue("alice", "a", "")
    b = sandbox.open_issue("alice", "b", "")
    sandbox.add_labels(a, "cora", ["x"])
    sandbox.assign(a, "cora", ["alice"])
    client(sandbox, "cora").get_repo("astropy/mentoring").get_issue(b).add_to_labels("x")
    client(sandbox, "cora").get_repo("astropy/mentoring").get_issue(b).add_to_assignees("alice")

    def strip(events: list[dict]) -> list[dict]:
        return [{k: v for k, v in e.items() if k not in ("id", "node_id", "url")} for e in events]

    assert strip(sandbox.timeline(a)) == strip(sandbox.timeline(b))


def test_concurrent_requests_are_consistent(sandbox: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    n = sandbox.open_issue("alice", "t", "b")

    def post(k: int) -> int:
        issue = client(sandbox).get_repo("astropy/mentoring").get_issue(n)
        return issue.create_comment(f"c{k}").id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(post, range(40)))
    assert len(set(ids)) == 40
    assert sorted(c["id"] for c in sandbox.comments(n)) == sorted(ids)
    assert [w["comment_id"] for w in sandbox.writes] == [c["id"] for c in sandbox.comments(n)]
    assert sandbox.issue(n)["comments"] == 40


def test_a_user_handed_out_is_a_copy_of_its_own(sandbox: Sandbox) -> None:
    number = sandbox.open_issue("alice", "Apply", "body")
    sandbox.user("alice")["login"] = "mallory"
    sandbox.issue(number)["user"]["type"] = "Bot"
    assert sandbox.user("alice")["login"] == "alice"
    assert sandbox.issue(number)["user"] == sandbox.user("alice")
    assert sandbox.user("alice")["type"] == "User"


def test_an_issue_form_adds_only_labels_the_repository_has(sandbox: Sandbox) -> None:
    # GitHub's issue-forms syntax: "If a label does not already exist in the repository, it
    # will not be automatically added to the issue." Labels added over the API are created.
    sandbox.create_label("application")
    number = sandbox.open_issue(
        "ada", "Application", "Hi", form_labels=["application", "mentoring: new"]
    )
    assert [lb["name"] for lb in sandbox.issue(number)["labels"]] == ["application"]
    sandbox.add_labels(number, sandbox.owner, ["mentoring: new"])
    assert [lb["name"] for lb in sandbox.issue(number)["labels"]] == [
        "application",
        "mentoring: new",
    ]


def test_a_timeline_read_again_shows_every_change_since(sandbox: Sandbox) -> None:
    # Timeline items are kept between answers (Shapes.event): each change to what an item
    # shows must still reach the next read, and the kept text must be json.dumps's own.
    number = sandbox.open_issue("alice", "Apply", "body")
    comment_id = sandbox.comment(number, "bob", "first")
    sandbox.assign(number, sandbox.owner, ["bob"])
    api = client(sandbox).get_repo("astropy/mentoring").get_issue(number)

    def comment() -> dict:
        events = [e.raw_data for e in api.get_timeline()]
        assert [e["event"] for e in events] == ["commented", "assigned"]
        assert events == sandbox.timeline(number)
        return events[0]

    assert (comment()["body"], comment()["author_association"]) == ("first", "NONE")
    sandbox.edit_comment(comment_id, "bob", "edited")
    assert comment()["body"] == "edited"
    sandbox.react(comment_id, "alice", "+1")
    assert comment()["reactions"]["+1"] == 1
    sandbox.set_permission("bob", "triage")
    assert comment()["author_association"] == "MEMBER"
    kept = [sandbox.shapes.event(e) for e in sandbox.state.timeline(number)]
    assert graphql.dumpb(kept) == json.dumps(sandbox.timeline(number)).encode()


def test_an_issue_list_read_again_shows_every_change_since(sandbox: Sandbox) -> None:
    # Listed issues are kept between answers (Shapes.listed_issue), as timeline items are.
    number = sandbox.open_issue("alice", "Apply", "body", labels=["application"])
    repo = client(sandbox).get_repo("astropy/mentoring")

    def listed() -> dict:
        sandbox.clear_logs()
        assert [i.number for i in repo.get_issues(state="all")] == [number]
        (answer,) = sandbox.take_request_log()  # what was sent (raw_data would read it anew)
        (issue,) = answer["response_body"]
        assert issue == sandbox.issue(number)
        return issue

    assert listed()["comments"] == 0
    sandbox.comment(number, "bob", "hello")
    assert listed()["comments"] == 1
    repo.get_label("application").edit("application", "00ff00")
    assert listed()["labels"][0]["color"] == "00ff00"
    sandbox.set_permission("alice", "write")
    assert listed()["author_association"] == "MEMBER"
    sandbox.assign(number, sandbox.owner, ["bob"])
    assert [a["login"] for a in listed()["assignees"]] == ["bob"]
    sandbox.close(number, "alice")
    assert (listed()["state"], listed()["closed_by"]["login"]) == ("closed", "alice")
