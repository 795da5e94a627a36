"""Deleted and missing issues: GitHub's 410 and 404, through PyGithub and the reconciler."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from github import Auth, Github, GithubException

from mentoring.cli import reconcile
from mentoring.cli.applier import Applier, Stop, StopReason
from mentoring.cli.reading import RestReader, Unread
from mentoring.core.model import AddLabels
from mentoring.files.config import load_config
from mentoring.github.client import make_client, repository_name
from mentoring.github.repository import Repo
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


def test_an_issue_deleted_after_it_was_listed_is_skipped_quietly(sandbox: Sandbox) -> None:
    # A run over every application lists the issue, then finds it gone when its turn
    # comes: nothing to do, and no failure (the run stays green).
    number = sandbox.open_issue("alice", "Mentee application - Alice", "", labels=["application"])
    config = load_config(ROOT)
    env = _env(sandbox)
    repo = Repo(make_client(env), repository_name(env), bot_login=config.bot)
    reader = RestReader(repo, config)
    [listed] = list(repo.open_issues("application"))
    assert listed.number == number
    sandbox.delete_issue(number, "astropy")
    assert reader.timeline(listed) == Unread(number)


def test_the_applier_writes_nothing_once_the_run_has_stopped(sandbox: Sandbox) -> None:
    number = sandbox.open_issue("alice", "Mentee application - Alice", "", labels=["application"])
    config = load_config(ROOT)
    env = _env(sandbox)
    applier = Applier(
        Repo(make_client(env), repository_name(env), bot_login=config.bot),
        dry_run=False,
        check_first=False,
    )
    applier.stop(Stop(StopReason.READ_REFUSED, "429"))
    assert applier.apply([AddLabels(number, ("mentoring: paused",))]) is False
    assert sandbox.writes == []
    assert applier.report((), (), (), (), None).done == {}
