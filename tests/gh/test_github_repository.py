"""mentoring.github.repository: what Repo sends, and the one error it raises."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from mentoring.core.model import AddLabels, PostComment
from mentoring.github import client as gh
from mentoring.github.graphql import GraphQL
from mentoring.github.repository import Repo, timeline_from_json
from simulator.sandbox import Fault, Sandbox


def test_every_request_names_the_api_version(sandbox: Sandbox) -> None:
    env = {"GITHUB_TOKEN": sandbox.token_for("github-actions[bot]"), "GITHUB_API_URL": sandbox.url}
    repo = Repo(gh.make_client(env), "astropy/mentoring", bot_login="github-actions[bot]")
    number = sandbox.open_issue("alice", "Mentee application - Alice", "", labels=["application"])
    repo.snapshot(repo.issue(number))
    log = sandbox.request_log
    assert log
    assert {entry["api_version"] for entry in log} == {gh.API_VERSION}


def test_repo_raises_its_own_error_not_pygithubs(sandbox: Sandbox) -> None:
    env = {"GITHUB_TOKEN": sandbox.token_for("github-actions[bot]"), "GITHUB_API_URL": sandbox.url}
    repo = Repo(
        gh.make_client(env, sleep=lambda s: None), "astropy/mentoring", bot_login="bot[bot]"
    )
    with pytest.raises(gh.GitHubError) as missing:
        repo.issue(404)
    assert missing.value.status == 404
    assert not missing.value.rate_limited
    assert gh.describe_error(missing.value).startswith("HTTP 404: ")
    number = sandbox.open_issue("alice", "Mentee application", "", labels=["application"])
    sandbox.retry_after_seconds = 3600  # more than the run may wait: not retried
    sandbox.inject(Fault.SECONDARY_RATE_LIMIT, method="GET", path=r"/issues$")
    with pytest.raises(gh.GitHubError) as limited:
        list(repo.open_issues("application"))
    assert limited.value.rate_limited
    assert [i.number for i in repo.open_issues("application")] == [number]


def test_the_check_before_posting_counts_only_the_bots_own_marker(sandbox: Sandbox) -> None:
    """core's scanner decides: a marker pasted by someone else does not stop the post."""
    bot = "github-actions[bot]"
    env = {"GITHUB_TOKEN": sandbox.token_for(bot), "GITHUB_API_URL": sandbox.url}
    repo = Repo(gh.make_client(env, sleep=lambda s: None), "astropy/mentoring", bot_login=bot)
    number = sandbox.open_issue("alice", "Mentee application", "", labels=["application"])
    sandbox.comment(number, "alice", "copied <!-- mentoring:checkin:2 --> from elsewhere")
    action = PostComment(number, "checkin", "2", "Check-in\n\n<!-- mentoring:checkin:2 -->")
    repo.apply(action, check_first=True)
    repo.apply(action, check_first=True)  # another run racing it: sees the bot's, posts nothing
    repo.apply(replace(action, key="3", body="<!-- mentoring:checkin:3 -->"), check_first=True)
    posted = [w["body"] for w in sandbox.writes if w["type"] == "comment"]
    assert posted == [action.body, "<!-- mentoring:checkin:3 -->"]


@pytest.mark.parametrize("fault", [Fault.SECONDARY_RATE_LIMIT, Fault.ABUSE_DETECTION])
def test_secondary_limits_are_known_by_status_and_headers_in_either_wording(
    sandbox: Sandbox, fault: Fault
) -> None:
    """ "abuse detection mechanism" (GitHub's older wording) is the same limit: a write
    refused by it stops the run (RateLimited) instead of counting as a failed write."""
    env = {"GITHUB_TOKEN": sandbox.token_for("bot[bot]"), "GITHUB_API_URL": sandbox.url}
    repo = Repo(gh.make_client(env, sleep=lambda s: None), "astropy/mentoring", bot_login="b")
    number = sandbox.open_issue("alice", "Mentee application", "", labels=["application"])
    sandbox.retry_after_seconds = 3600  # more than the run may wait: not retried
    sandbox.inject(fault, method="POST", path=r"/labels$")
    with pytest.raises(gh.RateLimited) as limited:
        repo.apply(AddLabels(number, ("x",)))
    assert limited.value.status == 403
    assert limited.value.rate_limited
    sandbox.inject(fault, method="GET", path=r"/issues$")
    with pytest.raises(gh.GitHubError) as read:
        list(repo.open_issues("application"))
    assert read.value.rate_limited


def test_a_403_with_no_requests_left_is_a_rate_limit_whatever_it_says() -> None:
    from github import GithubException

    refused = GithubException(403, {"message": "Forbidden"}, {"x-ratelimit-remaining": "0"})
    assert gh.is_rate_limited(refused)
    assert not gh.is_rate_limited(GithubException(403, {"message": "Resource not accessible"}, {}))
    # Wording alone decides nothing: "rate limit" in an ordinary 403 is not a limit.
    worded = GithubException(
        403, {"message": "secondary rate limit"}, {"x-ratelimit-remaining": "9"}
    )
    assert not gh.is_rate_limited(worded)


@pytest.mark.parametrize(("later", "edited"), [(0, False), (1, False), (60, False), (61, True)])
def test_a_comment_is_edited_once_updated_more_than_a_minute_after_it_was_posted(
    sandbox: Sandbox, later: int, edited: bool
) -> None:
    # GitHub has stamped new comments with an updated_at a second after their created_at
    # (palantir/policy-bot#459): that is no edit, on the REST or the GraphQL read path.
    bot = "github-actions[bot]"
    env = {"GITHUB_TOKEN": sandbox.token_for(bot), "GITHUB_API_URL": sandbox.url}
    repo = Repo(gh.make_client(env, sleep=lambda s: None), "astropy/mentoring", bot_login=bot)
    number = sandbox.open_issue("alice", "Mentee application", "", labels=["application"])
    comment = sandbox.state.comment(sandbox.comment(number, "alice", "/pause"))
    comment.updated_at = comment.created_at + timedelta(seconds=later)
    [rest] = repo.snapshot(repo.issue(number)).comments
    reader = GraphQL(repo.graphql_query, repo.full_name, 0, sleep=lambda s: None)
    [snapshot] = reader.open_issues("application").snapshots
    [graphql] = snapshot.comments
    assert (rest.edited, graphql.edited) == (edited, edited)


def test_an_issue_transferred_elsewhere_is_not_taken_for_one_of_this_repository(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GitHub's "Get an issue" answers 301 for an issue transferred to another repository,
    # and PyGithub follows it: what comes back is the issue over there (its own number and
    # repository_url). The sandbox models no transfer; its answer is made to be that one.
    env = {"GITHUB_TOKEN": sandbox.token_for("github-actions[bot]"), "GITHUB_API_URL": sandbox.url}
    repo = Repo(gh.make_client(env), "astropy/Mentoring", bot_login="github-actions[bot]")
    number = sandbox.open_issue("alice", "Mentee application", "", labels=["application"])
    assert repo.issue(number).number == number  # the repository's name in any case
    shape = sandbox.shapes.issue

    def moved(issue: Any) -> dict[str, Any]:
        out = shape(issue)
        return {**out, "number": 77, "repository_url": f"{sandbox.url}/repos/astropy/elsewhere"}

    monkeypatch.setattr(sandbox.shapes, "issue", moved)
    with pytest.raises(gh.GitHubError) as transferred:
        repo.issue(number)
    assert transferred.value.status == 301
    assert str(transferred.value) == f"#{number} was transferred to astropy/elsewhere"

    # An event run over it: nothing to do here, and no failure (the next run would fail
    # the same way, for ever).
    from benchmarks.mentorships import ROOT, env_for
    from mentoring.cli import reconcile

    code = reconcile.main(
        ["--root", str(ROOT), "--issue", str(number), "--read", "rest"],
        env=env_for(sandbox),
        now=sandbox.now,
        sleep=lambda s: None,
    )
    assert code == 0
    assert sandbox.writes == []


def test_a_snapshot_reads_the_timeline_as_pygithubs_own_list_does(sandbox: Sandbox) -> None:
    """Repo.snapshot keeps each item as JSON (no PyGithub object of it): the same pages
    as Issue.get_timeline, and the same events and comments as its items' raw data."""
    env = {"GITHUB_TOKEN": sandbox.token_for("github-actions[bot]"), "GITHUB_API_URL": sandbox.url}
    client = gh.make_client(env)
    repo = Repo(client, "astropy/mentoring", bot_login="github-actions[bot]")
    sandbox.set_permission("cora", "admin")
    number = sandbox.open_issue("alice", "Mentee application", "", labels=["application"])
    for k in range(125):  # 250 items and more: three pages of 100
        sandbox.advance(minutes=1)
        sandbox.comment(number, "alice", f"comment {k}")
        sandbox.add_labels(number, "cora", [f"label {k}"])
    issue = repo.issue(number)

    def pages() -> list[tuple[str, dict[str, Any]]]:
        return [(r["path"], r["query"]) for r in sandbox.request_log]

    sandbox.clear_logs()
    snapshot = repo.snapshot(issue)
    ours = pages()
    sandbox.clear_logs()
    raw = [
        e.raw_data for e in client.get_repo("astropy/mentoring").get_issue(number).get_timeline()
    ]
    theirs = [page for page in pages() if page[0].endswith("/timeline")]
    assert ours == theirs
    assert len(ours) == 3
    events, comments = timeline_from_json(raw, "astropy/mentoring")
    assert (snapshot.events, snapshot.comments) == (events, comments)
    assert len(comments) == 125
    assert comments[-1].body == "comment 124"
    assert len(events) >= 126
    assert events[-1].label == "label 124"
