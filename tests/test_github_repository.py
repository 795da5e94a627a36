"""mentoring.github.repository: what Repo sends, and the one error it raises."""

from __future__ import annotations

import pytest

from mentoring.github import client as gh
from mentoring.github.repository import Repo
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
