"""Graduation cannot be missed, and graduates nobody it should not.

End to end through the sandbox: scenarios for lost runs and the bot's own merges, and
the graduation run itself for what a merged pull request adds.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.participants import Participant
from mentoring.core.render import Renderer
from mentoring.files import forms as form_files
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator import issue_forms
from simulator.sandbox import Sandbox
from simulator.simulation import Simulation

ROOT = ROOT_DIR
BOT = "github-actions[bot]"
FORM = form_files.load_form(ROOT / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml")
COC = [
    "I agree to follow the [Astropy Community Code of Conduct]"
    "(https://www.astropy.org/code_of_conduct.html)."
]
ANSWERS = {
    "name": "Alice Example",
    "role": "Maintainer of astropy.io.fits",
    "availability": "Five hours a week",
    "code_of_conduct": COC,
}


def _scenario(merge: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-03-05T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},  # PR is #2
        "collaborators": {"cora": "admin", "bob": "write", BOT: "write"},
        "participants": [],
        "events": [
            {
                "at": "2026-01-05T10:00:00Z",
                "by": "alice",
                "open_issue": {"template": "mentee-application.yml", "answers": ANSWERS},
            },
            {"at": "2026-01-06T09:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
            merge,
        ],
        **extra,
    }


def _merge(by: str = "alice", merged_by: str = "cora", **entry: Any) -> dict[str, Any]:
    return {
        "at": "2026-03-01T12:00:00Z",
        "by": by,
        "merge_pull_request": {
            "title": "Add Alice",
            "body": "Closes #1",
            "participants_add": [{"name": "Alice Example", "github": "alice", **entry}],
            "merged_by": merged_by,
        },
    }


def _graduations(result: Any) -> list[dict[str, Any]]:
    return [a for a in result.actions if a["type"] == "comment" and a["kind"] == "graduated"]


def test_a_graduation_whose_runs_are_lost_happens_in_the_next_scheduled_run() -> None:
    result = Simulation(
        _scenario(
            _merge(issue=1),
            event_outages=[{"from": "2026-03-01T11:00:00Z", "to": "2026-03-01T18:00:00Z"}],
        ),
        ROOT,
    ).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["run"] == "schedule"
    assert graduated["at"].startswith("2026-03-02T06:17")
    assert "mentoring: graduated" in result.issues["1"]["labels"]
    assert result.issues["1"]["state_reason"] == "completed"  # the keyword closed it


def test_a_merge_by_the_bots_login_graduates_in_the_next_scheduled_run() -> None:
    result = Simulation(_scenario(_merge(by=BOT, merged_by=BOT, issue=1)), ROOT).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["run"] == "schedule"
    assert graduated["at"].startswith("2026-03-02T06:17")
    assert result.issues["1"]["state"] == "closed"


def test_an_entry_without_issue_graduates_through_its_pull_requests_closing_keyword() -> None:
    result = Simulation(_scenario(_merge()), ROOT).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["run"] == "issues.closed"
    assert "With #2 merged" in graduated["body"]
    assert result.issues["1"]["labels"] == ["application", "mentoring: graduated"]


def test_an_entry_without_issue_whose_runs_are_lost_graduates_in_the_next_scheduled_run() -> None:
    # Merged over a red check (the participants check asks for issue:): graduated anyway.
    result = Simulation(
        _scenario(
            _merge(),
            event_outages=[{"from": "2026-03-01T11:00:00Z", "to": "2026-03-01T18:00:00Z"}],
        ),
        ROOT,
    ).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["run"] == "schedule"
    assert graduated["at"].startswith("2026-03-02T06:17")


def test_an_entry_without_issue_or_closing_keyword_graduates_its_only_mentorship() -> None:
    # The program page's own wording: a pull request adding {name, github}, nothing else.
    merge = _merge()
    merge["merge_pull_request"]["body"] = "Add Alice to the graduates"
    result = Simulation(_scenario(merge), ROOT).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["run"] == "pull_request_target.closed"
    assert result.issues["1"]["state"] == "closed"
    assert result.issues["1"]["labels"] == ["application", "mentoring: graduated"]


def test_nobody_graduates_themself_without_a_mentor() -> None:
    scenario = _scenario(_merge(issue=1))
    del scenario["events"][1]  # no mentor was ever assigned
    result = Simulation(scenario, ROOT).run(reconcile.main)
    assert _graduations(result) == []
    assert result.issues["1"]["state"] == "closed"  # GitHub's keyword closed it, not the bot
    assert "mentoring: graduated" not in result.issues["1"]["labels"]


# --- what a merged pull request adds ----------------------------------------------------


@pytest.fixture
def sb(tmp_path: Path) -> Any:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sandbox:
        for path in (ROOT / ".github").rglob("*"):
            if path.is_file():
                sandbox.set_file(
                    path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
                )
        sandbox.set_permission("cora", "admin")
        sandbox.set_permission("bob", "write")
        yield sandbox


def _apply(sb: Sandbox, login: str) -> int:
    answers = {**ANSWERS, "name": login.title()}
    body = issue_forms.render_body(FORM, answers)
    number = sb.open_issue(login, "Mentee application", body, ["application"])
    sb.assign(number, "cora", ["bob"])
    return number


def _event_run(sb: Sandbox, tmp_path: Path, name: str, payload: dict, read: str) -> int:
    """reconcile.py as the workflow runs it on event ``name``, from a checkout of now."""
    checkout = tmp_path / "checkout"
    if not checkout.exists():
        shutil.copytree(ROOT / ".github", checkout / ".github")
    (checkout / "participants.yml").write_text(sb.get_file("participants.yml") or "[]\n")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({**payload, "repository": sb.repository()}), encoding="utf-8")
    return reconcile.main(
        ["--root", str(checkout), f"--read={read}"],
        env={
            "GITHUB_TOKEN": sb.token_for(sb.bot_login),
            "GITHUB_API_URL": sb.url,
            "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
            "GITHUB_EVENT_NAME": name,
            "GITHUB_EVENT_PATH": str(event),
        },
        now=sb.now,
        sleep=lambda s: None,
    )


def _graduation_run(sb: Sandbox, tmp_path: Path, pull: int, read: str = "graphql") -> int:
    payload = {"action": "closed", "number": pull, "pull_request": sb.pull(pull)}
    return _event_run(sb, tmp_path, "pull_request_target", payload, read)


def test_a_returning_graduate_merged_meanwhile_is_not_counted_as_added(
    sb: Sandbox, tmp_path: Path
) -> None:
    """pull_request.base.sha is the base when the pull request was opened: everyone merged
    since then is not added by it. The merge commit's first parent is the base that counts."""
    sb.set_file("participants.yml", "- name: Ann\n  github: ann\n")
    returning = _apply(sb, "bob2")  # a graduate of old, mentored again
    sb.advance(days=1)
    early = sb.open_pull_request(
        "carl",
        "Add Carl",
        "",
        {"participants.yml": "- name: Carl\n  github: carl\n- name: Ann\n  github: ann\n"},
    )
    # Meanwhile bob2's old graduation entry (without issue:) is merged.
    sb.set_file("participants.yml", "- name: Ann\n  github: ann\n- name: Bob\n  github: bob2\n")
    sb.merge_pull_request(early, "cora")
    assert (
        sb.pull(early)["base"]["sha"]
        != sb.state.commits[sb.pull(early)["merge_commit_sha"]].parents[0]
    )
    sb.clear_logs()
    assert _graduation_run(sb, tmp_path, early) == 0
    assert sb.issue(returning)["state"] == "open"
    # Only carl, who has no application, is told so on the pull request.
    assert [(w["type"], w["issue"]) for w in sb.writes] == [("comment", early)]
    assert "`carl` (line 1): no open mentorship application" in sb.writes[0]["body"]
    assert not [r for r in sb.request_log if f"/issues/{returning}" in r["path"]]  # not targeted


def test_fixing_a_broken_file_adds_nobody_it_already_named(sb: Sandbox, tmp_path: Path) -> None:
    """A broken file followed by its fix: the old text's logins are known."""
    number = _apply(sb, "alice")
    sb.set_file("participants.yml", "- name: Alice\n  github: alice\n  role: [unclosed\n")
    sb.advance(days=1)
    fixed = sb.open_pull_request(
        "cora", "Fix the file", "", {"participants.yml": "- name: Alice\n  github: alice\n"}
    )
    sb.merge_pull_request(fixed, "cora")
    sb.clear_logs()
    assert _graduation_run(sb, tmp_path, fixed) == 0
    assert sb.issue(number)["state"] == "open"
    assert sb.comments(number) == []
    assert not [r for r in sb.request_log if f"/issues/{number}" in r["path"]]  # not targeted


def _issue_run(sb: Sandbox, tmp_path: Path, number: int, action: str, read: str) -> int:
    payload = {"action": action, "issue": sb.issue(number)}
    return _event_run(sb, tmp_path, "issues", payload, read)


def _graduated(sb: Sandbox, number: int) -> list[str]:
    return [c["body"] for c in sb.comments(number) if "<!-- mentoring:graduated -->" in c["body"]]


def _merge_adding_alice(sb: Sandbox, entry: str) -> tuple[int, int]:
    number = _apply(sb, "alice")
    sb.advance(days=60)
    pull = sb.open_pull_request(
        "alice", "Add Alice", f"Closes #{number}", {"participants.yml": entry}
    )
    sb.merge_pull_request(pull, "cora")
    assert sb.issue(number)["state"] == "closed"  # the keyword closed it, as the merger
    sb.advance(minutes=1)
    return number, pull


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_a_merge_that_closes_the_issue_leaves_the_congratulations_to_the_close_run(
    sb: Sandbox, tmp_path: Path, read: str
) -> None:
    """The merge starts the graduation run and, through its closing keyword, the issue's
    `issues.closed` run, in another concurrency group: they run at once on GitHub. Only
    the close's run congratulates, whichever starts first, so nobody is pinged twice."""
    number, pull = _merge_adding_alice(sb, "- name: Alice\n  github: alice\n  issue: 1\n")
    assert number == 1
    assert _graduation_run(sb, tmp_path, pull, read) == 0  # as if it started first
    assert _graduated(sb, number) == []
    assert _issue_run(sb, tmp_path, number, "closed", read) == 0
    (body,) = _graduated(sb, number)
    assert f"With #{pull} merged" in body
    assert "mentoring: graduated" in [label["name"] for label in sb.issue(number)["labels"]]
    assert _graduation_run(sb, tmp_path, pull, read) == 0  # as if it started last: nothing more
    assert len(_graduated(sb, number)) == 1


def test_an_hour_after_the_close_the_graduation_run_acts_itself(
    sb: Sandbox, tmp_path: Path
) -> None:
    # The close's run should have come long ago: GitHub lost it, or it failed.
    number, pull = _merge_adding_alice(sb, "- name: Alice\n  github: alice\n  issue: 1\n")
    sb.advance(hours=1)
    assert _graduation_run(sb, tmp_path, pull) == 0
    assert len(_graduated(sb, number)) == 1


def test_an_entry_without_issue_is_congratulated_once_by_the_close_run(
    sb: Sandbox, tmp_path: Path
) -> None:
    # Like `issue: 1`: the close's run graduates from participants.yml as it stood when the
    # application was opened, and the merge's run leaves it to that run.
    number, pull = _merge_adding_alice(sb, "- name: Alice\n  github: alice\n")
    assert _graduation_run(sb, tmp_path, pull) == 0
    assert _graduated(sb, number) == []
    assert _issue_run(sb, tmp_path, number, "closed", "graphql") == 0
    assert len(_graduated(sb, number)) == 1
    assert _graduation_run(sb, tmp_path, pull) == 0
    assert len(_graduated(sb, number)) == 1


def test_an_issue_another_pull_request_closed_is_graduated_by_the_merges_run(
    sb: Sandbox, tmp_path: Path
) -> None:
    # Closed by an earlier merge that added nobody: its close's run came and went, so the
    # merge adding the entry is the one to congratulate, and thanks itself.
    number = _apply(sb, "alice")
    sb.advance(days=60)
    first = sb.open_pull_request("alice", "Docs", f"Fixes #{number}", {"f.txt": "x\n"})
    sb.merge_pull_request(first, "cora")
    assert sb.issue(number)["state"] == "closed"
    sb.advance(minutes=20)
    entry = "- name: Alice\n  github: alice\n  issue: 1\n"
    pull = sb.open_pull_request("alice", "Add Alice", "", {"participants.yml": entry})
    sb.merge_pull_request(pull, "cora")
    assert _graduation_run(sb, tmp_path, pull) == 0
    (body,) = _graduated(sb, number)
    assert f"With #{pull} merged" in body


# --- graduation from any merged entry, and its edges -------------------------------------


def _scheduled_run(sb: Sandbox, tmp_path: Path, read: str = "graphql") -> int:
    return _event_run(sb, tmp_path, "schedule", {"schedule": "17 6 * * *"}, read)


def _labels(sb: Sandbox, number: int) -> list[str]:
    return sorted(label["name"] for label in sb.issue(number)["labels"])


def _marked(sb: Sandbox, number: int, kind: str) -> list[str]:
    return [c["body"] for c in sb.comments(number) if f"<!-- mentoring:{kind} -->" in c["body"]]


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_an_old_graduates_entry_never_graduates_their_new_application(
    sb: Sandbox, tmp_path: Path, read: str
) -> None:
    """alice graduated long ago (her entry has no issue:) and applies again. A later pull
    request that closes the new application (adding someone else) does not graduate her,
    nor does any scheduled run: her entry was in the file when she applied."""
    sb.set_file("participants.yml", "- name: Alice\n  github: alice\n")
    sb.advance(days=1)
    number = _apply(sb, "alice")
    assert _issue_run(sb, tmp_path, number, "assigned", read) == 0
    sb.advance(days=40)
    assert _scheduled_run(sb, tmp_path, read) == 0
    assert _graduated(sb, number) == []
    both = "- name: Alice\n  github: alice\n- name: Carl\n  github: carl\n"
    pull = sb.open_pull_request("cora", "Add Carl", f"Closes #{number}", {"participants.yml": both})
    sb.merge_pull_request(pull, "cora")
    sb.advance(minutes=1)
    assert _graduation_run(sb, tmp_path, pull, read) == 0
    assert _issue_run(sb, tmp_path, number, "closed", read) == 0
    assert _graduated(sb, number) == []
    (note,) = _marked(sb, number, "closed-not-graduated")
    assert f"#{pull} closed this issue as completed, but it did not graduate you" in note
    assert "mentoring: graduated" not in _labels(sb, number)


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_a_declined_application_is_never_congratulated(
    sb: Sandbox, tmp_path: Path, read: str
) -> None:
    number = _apply(sb, "alice")
    assert _issue_run(sb, tmp_path, number, "assigned", read) == 0
    sb.advance(days=30)
    sb.close(number, "cora", "not_planned")
    assert _issue_run(sb, tmp_path, number, "closed", read) == 0
    sb.advance(days=1)
    entry = f"- name: Alice\n  github: alice\n  issue: {number}\n"
    pull = sb.open_pull_request("alice", "Add me", "", {"participants.yml": entry})
    sb.merge_pull_request(pull, "cora")
    assert _graduation_run(sb, tmp_path, pull, read) == 0
    sb.advance(days=1)
    assert _scheduled_run(sb, tmp_path, read) == 0
    assert _graduated(sb, number) == []
    assert sb.issue(number)["state_reason"] == "not_planned"


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_closes_another_issue_than_the_entry_names_gets_a_note_there(
    sb: Sandbox, tmp_path: Path, read: str
) -> None:
    """`Closes #2` while the entry says `issue: 1`: #1 graduates, #2 (closed as completed
    by the merge) is told once, and is active no more."""
    first = _apply(sb, "alice")
    second = _apply(sb, "dora")
    for number in (first, second):
        assert _issue_run(sb, tmp_path, number, "assigned", read) == 0
    sb.advance(days=60)
    entry = f"- name: Alice\n  github: alice\n  issue: {first}\n"
    pull = sb.open_pull_request(
        "alice", "Add Alice", f"Closes #{second}", {"participants.yml": entry}
    )
    sb.merge_pull_request(pull, "cora")
    sb.advance(minutes=1)
    assert _graduation_run(sb, tmp_path, pull, read) == 0
    assert _issue_run(sb, tmp_path, second, "closed", read) == 0
    sb.advance(days=1)
    assert _scheduled_run(sb, tmp_path, read) == 0
    assert len(_graduated(sb, first)) == 1
    assert _graduated(sb, second) == []
    (note,) = _marked(sb, second, "closed-not-graduated")
    assert note.startswith(f"@dora, #{pull} closed this issue as completed")
    assert "has no entry for you" in note
    assert _labels(sb, second) == ["application"]


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_a_graduated_issue_carries_no_paused_ready_or_active_label(
    sb: Sandbox, tmp_path: Path, read: str
) -> None:
    number = _apply(sb, "alice")
    assert _issue_run(sb, tmp_path, number, "assigned", read) == 0
    sb.add_labels(number, "cora", ["mentoring: ready", "mentoring: paused"])
    sb.advance(days=60)
    entry = f"- name: Alice\n  github: alice\n  issue: {number}\n"
    pull = sb.open_pull_request("alice", "Add Alice", "", {"participants.yml": entry})
    sb.merge_pull_request(pull, "cora")
    assert _graduation_run(sb, tmp_path, pull, read) == 0
    assert len(_graduated(sb, number)) == 1
    assert _labels(sb, number) == ["application", "mentoring: graduated"]


# --- an entry that graduates nobody: one note on its pull request ------------------------


def _notes(sb: Sandbox, pull: int) -> list[str]:
    return _marked(sb, pull, "unmatched-entries")


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_an_entry_matching_several_mentorships_is_answered_once_on_its_pull_request(
    sb: Sandbox, tmp_path: Path, read: str
) -> None:
    first, second = _apply(sb, "alice"), _apply(sb, "alice")
    sb.advance(days=60)
    entry = "- name: Alice\n  github: alice\n"
    pull = sb.open_pull_request("alice", "Add me", "", {"participants.yml": entry})
    sb.merge_pull_request(pull, "cora")
    for _ in range(2):  # the merge's run, and the push's (or a re-run): said once
        assert _graduation_run(sb, tmp_path, pull, read) == 0
    (note,) = _notes(sb, pull)
    assert note.startswith("@alice, thank you for this pull request.")
    assert f"more than one open application (#{first}, #{second})" in note
    assert "Add `issue: N` to the entry" in note
    assert _graduated(sb, first) == _graduated(sb, second) == []
    sb.advance(days=1)
    assert _scheduled_run(sb, tmp_path, read) == 0
    assert _graduated(sb, first) == _graduated(sb, second) == []
    # The coordinators see it on the dashboard, until the entry is fixed.
    (board,) = [w for w in sb.writes if w["type"] == "create_issue"]
    line = (
        "**participants entry graduates nobody**: the entry for alice in `participants.yml`"
        f" has no `issue:`, and they have more than one open application (#{first}, #{second})."
    )
    assert line in sb.issue(board["issue"])["body"]
    fixed = f"- name: Alice\n  github: alice\n  issue: {first}\n"
    sb.set_file("participants.yml", fixed)
    sb.advance(days=1)
    assert _scheduled_run(sb, tmp_path, read) == 0
    assert "participants entry graduates nobody" not in sb.issue(board["issue"])["body"]
    assert len(_graduated(sb, first)) == 1


def test_an_entry_naming_a_declined_application_is_answered_on_its_pull_request(
    sb: Sandbox, tmp_path: Path
) -> None:
    number = _apply(sb, "alice")
    sb.close(number, "cora", "not_planned")
    sb.advance(days=1)
    entry = f"- name: Alice\n  github: alice\n  issue: {number}\n"
    pull = sb.open_pull_request("bob", "Add Alice", "", {"participants.yml": entry})
    sb.merge_pull_request(pull, "cora")
    assert _graduation_run(sb, tmp_path, pull) == 0
    (note,) = _notes(sb, pull)
    assert note.startswith("@bob, ")
    assert f"#{number} was declined" in note
    assert _graduated(sb, number) == []


def test_an_entry_without_an_application_is_answered_and_a_good_one_is_not(
    sb: Sandbox, tmp_path: Path
) -> None:
    number = _apply(sb, "alice")
    sb.advance(days=60)
    entry = f"- name: Alice\n  github: alice\n  issue: {number}\n- name: Zed\n  github: zed\n"
    pull = sb.open_pull_request("cora", "Add both", "", {"participants.yml": entry})
    sb.merge_pull_request(pull, "cora")
    assert _graduation_run(sb, tmp_path, pull) == 0
    (note,) = _notes(sb, pull)
    assert "This entry in `participants.yml` graduates nobody yet" in note
    assert "- `zed` (line 4): no open mentorship application of `zed` was found." in note
    assert "alice" not in note.split("graduates nobody yet", 1)[1]
    assert len(_graduated(sb, number)) == 1


def test_the_dashboard_lists_each_entry_that_graduates_nobody() -> None:
    """The rows as the dashboard has them: each entry's case, and the notice's words."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    rows = [
        dash.Row(1, "alice", dash.ACTIVE, datetime(2026, 1, 5, tzinfo=UTC)),
        dash.Row(2, "alice", dash.WAITING, datetime(2026, 2, 5, tzinfo=UTC)),
        dash.Row(3, "bo", dash.DECLINED, datetime(2026, 1, 5, tzinfo=UTC), ended=now),
        dash.Row(4, "cy", dash.WAITING, datetime(2026, 3, 5, tzinfo=UTC)),
        dash.Row(5, "di", dash.ACTIVE, datetime(2026, 3, 5, tzinfo=UTC), started=now),
        dash.Row(6, "ed", dash.GRADUATED, datetime(2026, 3, 5, tzinfo=UTC), ended=now),
    ]
    entries = [("alice", None), ("bo", 3), ("cy", 4), ("zed", 5), ("ed", 6), ("di", 5)]
    graduates = {
        login: Participant(name=login, github=login, issue=number) for login, number in entries
    }
    items = dash.entry_items(rows, graduates)
    assert [(i.issue, i.mentee, i.detail) for i in items] == [
        (2, "alice", "several:#1, #2"),
        (3, "bo", "declined"),
        (4, "cy", "unmentored"),
        (5, "zed", "another"),
    ]
    text, _ = view.digest(Renderer(), load_config(ROOT), items)
    path = ROOT / "tests" / "golden" / "dashboard" / "digest-entries.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8")


# --- found by review: the mentee's entry, the close's own run, a reply after the close ---


@pytest.mark.parametrize("closes", [True, False], ids=["Closes #1", "no keyword"])
def test_an_application_a_coordinator_opened_graduates_its_mentee(closes: bool) -> None:
    # The coordinator who opened it has an entry of her own (another issue): it must not
    # hide the mentee's, which the form names.
    scenario = _scenario(_merge(github="dave", name="Dave"))
    scenario["config"]["application"] = {"mentee_field": "github"}
    scenario["participants"] = [{"name": "Cora", "github": "cora", "issue": 99}]
    scenario["events"][0]["by"] = "cora"
    scenario["events"][0]["open_issue"]["answers"] = dict(ANSWERS, github="@dave")
    merge = scenario["events"][-1]["merge_pull_request"]
    merge["participants_add"] = [{"name": "Dave", "github": "dave"}]
    if not closes:
        merge["body"] = "Add Dave"
    result = Simulation(scenario, ROOT).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["issue"] == 1
    assert result.issues["1"]["state"] == "closed"
    assert "mentoring: active" not in result.issues["1"]["labels"]


def test_closes_n_graduates_that_application_though_the_mentee_has_another_open() -> None:
    # The merge's run leaves #1 to its close's run, which has no `closes` of its own: the
    # close by the merged pull request is what names it.
    scenario = _scenario(_merge())  # "Closes #1", an entry without issue:
    scenario["events"].insert(
        2,
        {
            "at": "2026-02-01T10:00:00Z",
            "by": "alice",
            "open_issue": {"template": "mentee-application.yml", "answers": ANSWERS},
        },
    )
    result = Simulation(scenario, ROOT).run(reconcile.main)
    (graduated,) = _graduations(result)
    assert graduated["issue"] == 1
    notes = [a for a in result.actions if a["type"] == "comment" and a["issue"] == 1]
    assert [a["kind"] for a in notes if a["at"] >= "2026-03-01"] == ["graduated"]


def test_a_command_answered_as_the_issue_graduates_is_answered_after_the_close() -> None:
    # "This issue is closed" must be true when it is posted: the close comes first.
    scenario = _scenario(
        _merge(issue=1),
        event_outages=[{"from": "2026-03-01T11:00:00Z", "to": "2026-03-01T18:00:00Z"}],
    )
    scenario["events"].insert(
        2, {"at": "2026-03-01T11:30:00Z", "by": "alice", "comment": {"issue": 1, "body": "/pause"}}
    )
    scenario["events"][-1]["merge_pull_request"]["body"] = "Add Alice"
    result = Simulation(scenario, ROOT).run(reconcile.main)
    writes = [a for a in result.actions if a["run"] == "schedule" and a["issue"] == 1]
    writes = [a for a in writes if a["at"].startswith("2026-03-02")]
    kinds = [a.get("kind") or a["type"] for a in writes]
    assert kinds.index("close") < kinds.index("command") < kinds.index("graduated")
