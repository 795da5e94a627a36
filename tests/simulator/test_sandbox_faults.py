"""Sandbox faults, seen through PyGithub: lost responses, server errors, rate limits."""

import github
import pytest

from simulator.sandbox import Fault, Sandbox

BOT = "github-actions[bot]"


def client(sb: Sandbox, retry: github.GithubRetry | None = None) -> github.Github:
    return github.Github(
        base_url=sb.url,
        auth=github.Auth.Token(sb.token_for(BOT)),
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=retry,
    )


@pytest.fixture
def issue(sandbox: Sandbox):
    n = sandbox.open_issue("alice", "Apply", "body")
    return client(sandbox).get_repo("astropy/mentoring").get_issue(n)


def test_error_before_applies_nothing(sandbox: Sandbox, issue) -> None:
    sandbox.inject(Fault.ERROR_BEFORE, method="POST", path=r"/comments$")
    with pytest.raises(github.GithubException) as err:
        issue.create_comment("hello")
    assert err.value.status == 502
    assert err.value.data == {"message": "Server Error"}
    assert sandbox.comments(issue.number) == []
    assert sandbox.writes == []
    issue.create_comment("hello")  # the fault was used up
    assert len(sandbox.comments(issue.number)) == 1


def test_error_after_applies_the_write_and_loses_the_response(sandbox: Sandbox, issue) -> None:
    sandbox.inject(Fault.ERROR_AFTER)
    issue.get_comments().totalCount  # noqa: B018 - a read does not take an ERROR_AFTER
    with pytest.raises(github.GithubException) as err:
        issue.create_comment("<!-- mentoring:welcome -->")
    assert err.value.status == 502
    (comment,) = sandbox.comments(issue.number)
    assert comment["body"] == "<!-- mentoring:welcome -->"
    (write,) = sandbox.writes
    assert (write["type"], write["issue"], write["comment_id"]) == (
        "comment",
        issue.number,
        comment["id"],
    )
    assert sandbox.request_log[-1]["status"] == 502
    assert sandbox.request_log[-1]["response_body"] == {"message": "Server Error"}


def test_error_after_on_labels_and_close(sandbox: Sandbox, issue) -> None:
    sandbox.inject(Fault.ERROR_AFTER, method="PATCH", count=1)
    sandbox.inject(Fault.ERROR_AFTER, path=r"/labels$", count=1)
    with pytest.raises(github.GithubException):
        issue.add_to_labels("mentoring: paused")
    with pytest.raises(github.GithubException):
        issue.edit(state="closed", state_reason="completed")
    got = sandbox.issue(issue.number)
    assert got["state"] == "closed"
    assert [label["name"] for label in got["labels"]] == ["mentoring: paused"]
    assert [w["type"] for w in sandbox.writes] == ["add_labels", "close"]
    assert sandbox.writes[1]["state_reason"] == "completed"


def test_secondary_rate_limit(sandbox: Sandbox, issue) -> None:
    sandbox.retry_after_seconds = 7
    sandbox.inject(Fault.SECONDARY_RATE_LIMIT, method="POST")
    with pytest.raises(github.RateLimitExceededException) as err:
        issue.create_comment("hello")
    assert err.value.status == 403
    assert err.value.headers["retry-after"] == "7"
    assert err.value.data["message"].startswith("You have exceeded a secondary rate limit")
    assert err.value.data["documentation_url"].startswith("https://docs.github.com/")
    assert sandbox.comments(issue.number) == []
    assert sandbox.writes == []


def test_too_many_requests(sandbox: Sandbox, issue) -> None:
    sandbox.inject(Fault.TOO_MANY_REQUESTS, method="GET", path=r"/timeline")
    with pytest.raises(github.GithubException) as err:
        list(issue.get_timeline())
    assert err.value.status == 429
    assert err.value.headers["retry-after"] == "60"
    assert list(issue.get_timeline()) == []


def test_github_retry_recovers_from_secondary_rate_limit(sandbox: Sandbox) -> None:
    sandbox.retry_after_seconds = 0
    n = sandbox.open_issue("alice", "Apply", "body")
    sandbox.inject(Fault.SECONDARY_RATE_LIMIT, path=r"/issues/\d+$", count=2)
    gh = client(sandbox, retry=github.GithubRetry(total=3, secondary_rate_wait=0))
    assert gh.get_repo("astropy/mentoring").get_issue(n).title == "Apply"
    assert [r["status"] for r in sandbox.request_log[-3:]] == [403, 403, 200]


def test_scheduled_fault_count_and_filters(sandbox: Sandbox, issue) -> None:
    sandbox.inject(Fault.ERROR_BEFORE, method="GET", path=r"/labels", count=2)
    repo = client(sandbox).get_repo("astropy/mentoring")
    for _ in range(2):
        with pytest.raises(github.GithubException):
            repo.get_labels().totalCount  # noqa: B018
    assert repo.get_labels().totalCount == 0
    statuses = [r["status"] for r in sandbox.request_log if r["path"].endswith("/labels")]
    assert statuses == [502, 502, 200]


def _run(sb: Sandbox, seed: int) -> list[int]:
    repo = client(sb).get_repo("astropy/mentoring")
    issue = repo.get_issue(1)
    sb.set_fault_rate(0.5, seed)
    for k in range(60):
        try:
            if k % 2:
                issue.create_comment(f"c{k}")
            else:
                repo.get_issue(1)
        except github.GithubException:
            pass
    return [r["status"] for r in sb.request_log]


def test_fault_rate_is_reproducible_by_seed() -> None:
    runs = []
    for _ in range(2):
        with Sandbox() as sb:
            sb.open_issue("alice", "Apply", "body")
            runs.append((_run(sb, seed=42), sb.request_log, sb.writes, sb.comments(1)))
    (first, log, writes, comments), (second, *_) = runs
    assert first == second
    assert {200, 201, 403, 429, 502} <= set(first)
    # Every comment that exists was recorded as a write, including those whose response was lost.
    assert [w["comment_id"] for w in writes] == [c["id"] for c in comments]
    answered = [r["response_body"]["id"] for r in log if r["status"] == 201]
    assert set(answered) < {c["id"] for c in comments}  # some were applied behind a 502


def test_fault_rate_kinds_and_validation(sandbox: Sandbox, issue) -> None:
    sandbox.set_fault_rate(1.0, seed=1, kinds=[Fault.ERROR_AFTER])
    issue.get_comments().totalCount  # noqa: B018 - ERROR_AFTER only hits writes
    with pytest.raises(github.GithubException):
        issue.create_comment("x")
    assert len(sandbox.comments(issue.number)) == 1
    sandbox.set_fault_rate(0.0, seed=1)
    issue.create_comment("y")
    with pytest.raises(ValueError, match="fault rate"):
        sandbox.set_fault_rate(1.5, seed=1)
