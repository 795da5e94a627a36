"""Deleted and missing issues: GitHub's 410 and 404, through PyGithub and the reconciler."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from github import Auth, Github, GithubException

from mentoring.cli import reconcile
from paths import ROOT_DIR
from simulator.sandbox import Sandbox

ROOT = ROOT_DIR
NOW = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    shutil.copy(ROOT / "participants.yml", tmp_path / "participants.yml")
    return tmp_path


def _env(sb: Sandbox) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": sb.token_for("github-actions[bot]"),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": "astropy/mentoring",
    }


def test_a_deleted_issue_answers_410_gone(sandbox: Sandbox) -> None:
    number = sandbox.open_issue("alice", "Mentee application - Alice", "", labels=["application"])
    sandbox.delete_issue(number, "astropy")
    g = Github(
        base_url=sandbox.url,
        auth=Auth.Token(sandbox.token_for("github-actions[bot]")),
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )
    repo = g.get_repo("astropy/mentoring")
    with pytest.raises(GithubException) as caught:
        repo.get_issue(number)
    assert caught.value.status == 410
    assert caught.value.data["message"] == "This issue was deleted"
    assert "documentation_url" in caught.value.data
    # Numbers are never reused, and lists leave the deleted issue out.
    assert sandbox.open_issue("bob", "Another", "") == number + 1
    assert [issue.number for issue in repo.get_issues(state="all")] == [number + 1]


def test_the_reconciler_skips_a_deleted_issue_quietly(sandbox: Sandbox, checkout: Path) -> None:
    number = sandbox.open_issue("alice", "Mentee application - Alice", "", labels=["application"])
    sandbox.delete_issue(number, "astropy")
    args = ["--root", str(checkout), "--issue", str(number)]
    assert reconcile.main(args, env=_env(sandbox), now=NOW) == 0
    assert sandbox.writes == []


def test_an_issue_that_does_not_exist_is_a_clear_failure(
    sandbox: Sandbox, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--root", str(checkout), "--issue", "42"]
    assert reconcile.main(args, env=_env(sandbox), now=NOW) == 1
    assert "#42: there is no such issue in astropy/mentoring" in capsys.readouterr().out
