"""mentoring.actions.event: the run's event payload, read once into plain facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mentoring.actions import event as event_module
from mentoring.actions.event import PullRequest, WorkflowEvent, from_payload, read_event


def _env(tmp_path: Path, name: str, payload: object) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), "utf-8")
    return {"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(path)}


def test_outside_actions_there_is_no_payload() -> None:
    assert read_event({}) == WorkflowEvent()
    assert not read_event({}).in_actions
    only_name = read_event({"GITHUB_EVENT_NAME": "schedule"})
    assert (only_name.name, only_name.in_actions, only_name.problem) == ("schedule", False, "")


def test_an_issue_comment(tmp_path: Path) -> None:
    payload = {"action": "created", "issue": {"number": 7, "title": "x"}, "comment": {"id": 1}}
    event = read_event(_env(tmp_path, "issue_comment", payload))
    assert event.in_actions
    assert (event.name, event.action, event.issue, event.issue_is_pull_request) == (
        "issue_comment",
        "created",
        7,
        False,
    )
    assert event.pull_request is None


def test_a_comment_on_a_pull_request_is_marked_as_such() -> None:
    event = from_payload("issue_comment", {"issue": {"number": 8, "pull_request": {}}})
    assert (event.issue, event.issue_is_pull_request) == (8, True)


@pytest.mark.parametrize("number", ["7", True, None, 7.0, [7]])
def test_an_issue_number_must_be_a_number(number: object) -> None:
    assert from_payload("issues", {"issue": {"number": number}}).issue is None


def test_a_merged_pull_request(tmp_path: Path) -> None:
    pull = {
        "number": 12,
        "merged": True,
        "merge_commit_sha": "m" * 40,
        "base": {"sha": "b" * 40, "ref": "main"},
        "user": {"login": "bob"},
        "body": "Closes #3",
    }
    payload = {"action": "closed", "pull_request": pull, "repository": {"default_branch": "main"}}
    event = read_event(_env(tmp_path, "pull_request_target", payload))
    assert event.pull_request == PullRequest(
        12, True, "m" * 40, "b" * 40, "bob", body="Closes #3", base_ref="main"
    )
    assert event.default_branch == "main"


@pytest.mark.parametrize(
    "pull",
    [{}, {"merged": "yes"}, {"merged": None, "base": "main", "user": "bob", "number": "12"}],
)
def test_odd_pull_request_fields_are_absent_not_errors(pull: dict) -> None:
    assert from_payload("pull_request", {"pull_request": pull}).pull_request == PullRequest(
        None, False, None, None, None
    )


def test_a_push() -> None:
    event = from_payload("push", {"before": "0" * 40, "after": "a" * 40, "ref": "refs/heads/main"})
    assert (event.before, event.after) == ("0" * 40, "a" * 40)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "could not be read"),
        ("[1, 2]", "is not a JSON object"),
        ("", "could not be read"),
    ],
)
def test_an_unusable_payload_says_why(tmp_path: Path, text: str, problem: str) -> None:
    event = read_event(_env(tmp_path, "issues", text))
    assert event.in_actions
    assert problem in event.problem
    assert str(tmp_path / "event.json") in event.problem
    assert event.issue is None


def test_a_missing_payload_file_says_why(tmp_path: Path) -> None:
    env = {"GITHUB_EVENT_NAME": "issues", "GITHUB_EVENT_PATH": str(tmp_path / "gone.json")}
    assert read_event(env).problem.endswith("could not be read: No such file or directory.")


def test_a_payload_too_big_to_be_githubs_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(event_module, "MAX_BYTES", 10)
    event = read_event(_env(tmp_path, "issues", {"issue": {"number": 1}}))
    assert "over" in event.problem
    assert event.issue is None


REPOSITORY = {
    "full_name": "astropy/mentoring",
    "html_url": "https://github.com/astropy/mentoring",
    "default_branch": "trunk",
}


def test_the_payloads_repository_gives_the_links_site() -> None:
    site = from_payload("issue_comment", {"repository": REPOSITORY}).site
    assert site is not None
    assert (site.full_name, site.html_url, site.default_branch) == (
        "astropy/mentoring",
        "https://github.com/astropy/mentoring",
        "trunk",
    )
    assert site.edit_url("participants.yml") == (
        "https://github.com/astropy/mentoring/edit/trunk/participants.yml"
    )


@pytest.mark.parametrize(
    "repository",
    [
        None,
        "astropy/mentoring",
        {},
        {**REPOSITORY, "default_branch": None},
        {**REPOSITORY, "html_url": ""},
        {**REPOSITORY, "full_name": 7},
    ],
)
def test_a_repository_without_name_address_or_branch_gives_no_site(repository: object) -> None:
    # The reconciler then reads the repository itself, if a comment needs it.
    assert from_payload("issues", {"repository": repository}).site is None
