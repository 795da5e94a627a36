"""The sandbox and the simulator behave as real GitHub does where the bot depends on it.

Each fact, with its public source, is listed in docs/architecture.md, "Facts about real
GitHub".
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mentoring.cli import reconcile
from mentoring.core.closing import closing_pull_request, closing_references
from mentoring.github import client as gh
from mentoring.github.repository import Repo
from paths import ROOT_DIR
from simulator.sandbox import Sandbox
from simulator.simulation import ScenarioError, Simulation

ROOT = ROOT_DIR
BOT = "github-actions[bot]"


def test_a_keyword_in_the_description_closes_with_a_null_commit_id(sandbox: Sandbox) -> None:
    sandbox.set_permission("cora", "admin")
    issue = sandbox.open_issue("alice", "Application", "")
    pull = sandbox.open_pull_request("cora", "Add Alice", f"Closes #{issue}", {"f.txt": "x\n"})
    sandbox.merge_pull_request(pull, "cora")
    (closed,) = [e for e in sandbox.timeline(issue) if e["event"] == "closed"]
    assert closed["commit_id"] is None
    assert closed["commit_url"] is None
    assert closed["actor"]["login"] == "cora"


def test_timeline_assignments_have_no_assigner_and_the_actor_made_them(sandbox: Sandbox) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.set_permission("bob", "write")
    issue = sandbox.open_issue("alice", "Application", "")
    sandbox.assign(issue, "cora", ["bob"])
    sandbox.unassign(issue, "cora", ["bob"])
    events = [e for e in sandbox.timeline(issue) if e["event"] in ("assigned", "unassigned")]
    assert [e["event"] for e in events] == ["assigned", "unassigned"]
    for event in events:
        assert "assigner" not in event
        assert event["actor"]["login"] == "cora"
        assert event["assignee"]["login"] == "bob"


def test_the_older_issue_events_endpoint_names_the_assigner(sandbox: Sandbox) -> None:
    # Only GET /issues/{n}/events has `assigner`, and there `actor` is the assignee.
    sandbox.set_permission("cora", "admin")
    sandbox.set_permission("bob", "write")
    issue = sandbox.open_issue("alice", "Application", "")
    sandbox.assign(issue, "cora", ["bob"])
    headers = {"Authorization": f"token {sandbox.token_for(BOT)}"}
    url = f"{sandbox.url}/repos/astropy/mentoring/issues/{issue}/events"
    (event,) = requests.get(url, headers=headers, timeout=9).json()
    assert event["event"] == "assigned"
    assert (event["actor"]["login"], event["assignee"]["login"]) == ("bob", "bob")
    assert event["assigner"]["login"] == "cora"


def test_cross_references_carry_their_repository(sandbox: Sandbox) -> None:
    issue = sandbox.open_issue("alice", "Application", "")
    sandbox.open_issue("bob", "Related", f"See #{issue}")
    sandbox.cross_reference_from(issue, "eve", "elsewhere/fork", 99)
    here, there = [e for e in sandbox.timeline(issue) if e["event"] == "cross-referenced"]
    assert here["source"]["issue"]["repository"]["full_name"] == "astropy/mentoring"
    assert there["source"]["issue"]["repository"]["full_name"] == "elsewhere/fork"


def test_another_repositorys_merged_pull_request_never_closed_the_issue(sandbox: Sandbox) -> None:
    """A merged pull request elsewhere that says "Closes astropy/mentoring#1" closes nothing
    here; its cross-reference, just before a close by a person, must not be taken for one."""
    sandbox.set_permission("cora", "admin")
    issue = sandbox.open_issue("alice", "Application", "")
    sandbox.cross_reference_from(issue, "eve", "elsewhere/fork", 99, merged_pull=True)
    sandbox.close(issue, "cora")
    env = {"GITHUB_TOKEN": sandbox.token_for(BOT), "GITHUB_API_URL": sandbox.url}
    repo = Repo(gh.make_client(env), "astropy/mentoring", bot_login=BOT)
    snapshot = repo.snapshot(repo.issue(issue))
    assert [e.source_foreign for e in snapshot.events if e.kind == "cross-referenced"] == [True]
    assert closing_pull_request(snapshot) is None
    # The same close after a merged pull request of this repository is that one's.
    sandbox.reopen(issue, "cora")
    pull = sandbox.open_pull_request("cora", "Add Alice", f"Fixes #{issue}", {"f.txt": "x\n"})
    sandbox.merge_pull_request(pull, "cora")
    assert closing_pull_request(repo.snapshot(repo.issue(issue))) == pull


@pytest.mark.parametrize("where", ["issue", "comment", "edit"])
def test_bodies_over_65536_characters_are_refused_with_422(sandbox: Sandbox, where: str) -> None:
    issue = sandbox.open_issue("alice", "Application", "")
    api = f"{sandbox.url}/repos/astropy/mentoring"
    headers = {"Authorization": f"token {sandbox.token_for('alice')}"}
    at_cap, over = "a" * 65_536, "a" * 65_537
    url, method = {
        "issue": (f"{api}/issues", "POST"),
        "comment": (f"{api}/issues/{issue}/comments", "POST"),
        "edit": (f"{api}/issues/{issue}", "PATCH"),
    }[where]
    extra = {"title": "t"} if where == "issue" else {}
    refused = requests.request(
        method, url, json={**extra, "body": over}, headers=headers, timeout=9
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body"
    accepted = requests.request(
        method, url, json={**extra, "body": at_cap}, headers=headers, timeout=9
    )
    assert accepted.status_code in (200, 201)


def test_a_merge_applies_the_change_to_the_file_as_it_is_now(sandbox: Sandbox) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.set_file("participants.yml", "- name: Ann\n  github: ann\n")
    # Opened first, inserting at the top; another entry is merged at the bottom meanwhile.
    early = sandbox.open_pull_request(
        "cora",
        "Add Carol",
        "",
        {"participants.yml": "- name: Carol\n  github: carol\n- name: Ann\n  github: ann\n"},
    )
    sandbox.set_file("participants.yml", "- name: Ann\n  github: ann\n- name: Bob\n  github: bob\n")
    sandbox.merge_pull_request(early, "cora")
    assert sandbox.get_file("participants.yml") == (
        "- name: Carol\n  github: carol\n- name: Ann\n  github: ann\n- name: Bob\n  github: bob\n"
    )


def test_two_merges_appending_at_the_same_place_conflict(sandbox: Sandbox) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.set_file("f.txt", "a\n")
    first = sandbox.open_pull_request("cora", "b", "", {"f.txt": "a\nb\n"})
    second = sandbox.open_pull_request("cora", "c", "", {"f.txt": "a\nc\n"})
    sandbox.merge_pull_request(first, "cora")
    with pytest.raises(Exception, match="405"):
        sandbox.merge_pull_request(second, "cora")


def test_closing_keywords_follow_githubs_rules() -> None:
    body = (
        "Adds me. CLOSES: #3, fixes astropy/mentoring#4 and resolves other/repo#5.\n"
        "Fixed https://github.com/astropy/mentoring/issues/6\n"
        "```\ncloses #7\n```\nclosing #8, close#9, Resolved #10"
    )
    assert closing_references(body, "astropy/mentoring") == (3, 4, 6, 10)


@pytest.mark.parametrize(
    "body",
    ["Closes #" + "9" * 5000, "Closes #١٢", "Fixes https://github.com/astropy/mentoring/issues/٣"],
    ids=["5,000 digits", "Arabic-Indic digits", "Arabic-Indic digits in a link"],
)
def test_closing_keywords_name_issues_in_ascii_digits_only(body: str) -> None:
    # GitHub links #12, not #١٢; and int() refuses more than 4,300 digits.
    assert closing_references(body, "astropy/mentoring") == ()


# --- the simulator: who may do what, and which runs start ---------------------------------


def _scenario(events: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-01-06T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write"},
        "participants": [],
        "events": events,
        **extra,
    }


def _open(at: str, by: str = "alice") -> dict[str, Any]:
    return {"at": at, "by": by, "open_issue": {"title": "Application", "labels": ["application"]}}


def _run(scenario: dict[str, Any]) -> Any:
    return Simulation(scenario, ROOT).run(reconcile.main)


@pytest.mark.parametrize("kind", ["add_labels", "assign"])
def test_an_author_without_triage_cannot_label_or_assign(kind: str) -> None:
    spec = {"issue": 1, "labels": ["x"]} if kind == "add_labels" else {"issue": 1, "users": ["bob"]}
    with pytest.raises(
        ScenarioError, match=rf"events\[1\]\.{kind} cannot be done: 403 alice has 'none'"
    ):
        _run(
            _scenario(
                [
                    _open("2026-01-05T10:00:00Z"),
                    {"at": "2026-01-05T11:00:00Z", "by": "alice", kind: spec},
                ]
            )
        )


def test_an_author_without_triage_can_comment_close_and_reopen() -> None:
    result = _run(
        _scenario(
            [
                _open("2026-01-05T10:00:00Z"),
                {
                    "at": "2026-01-05T11:00:00Z",
                    "by": "alice",
                    "comment": {"issue": 1, "body": "hi"},
                },
                {"at": "2026-01-05T12:00:00Z", "by": "alice", "close": {"issue": 1}},
                {"at": "2026-01-05T13:00:00Z", "by": "alice", "reopen": {"issue": 1}},
            ]
        )
    )
    assert result.issues["1"]["state"] == "open"
    with pytest.raises(ScenarioError, match="mallory is not the author of #1"):
        _run(
            _scenario(
                [
                    _open("2026-01-05T10:00:00Z"),
                    {"at": "2026-01-05T11:00:00Z", "by": "mallory", "close": {"issue": 1}},
                ]
            )
        )


def test_events_by_the_bots_login_start_no_run() -> None:
    result = _run(_scenario([_open("2026-01-05T10:00:00Z", by=BOT)], end="2026-01-05T12:00:00Z"))
    assert result.actions == []  # no issues.opened run, and no scheduled run before the end


def test_event_outages_lose_the_runs_events_would_start() -> None:
    lost = _run(
        _scenario(
            [_open("2026-01-05T10:00:00Z")],
            end="2026-01-07T00:00:00Z",
            event_outages=[{"from": "2026-01-05T09:00:00Z", "to": "2026-01-05T11:00:00Z"}],
        )
    )
    assert {a["run"] for a in lost.actions} == {"schedule"}
    assert lost.actions[0]["at"].startswith("2026-01-06T06:17")  # caught up next morning
    kept = _run(_scenario([_open("2026-01-05T10:00:00Z")]))
    assert kept.actions[0]["run"] == "issues.opened"


def test_event_outages_must_be_a_list_of_windows() -> None:
    with pytest.raises(
        ScenarioError,
        match=r"event_outages must be a list of windows such as \[\{from: TIME, to: TIME\}\]",
    ):
        Simulation(_scenario([], event_outages={"from": "x"}), ROOT)
