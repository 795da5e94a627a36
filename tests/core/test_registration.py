"""Mentor registrations: the pure plan, and end to end through reconcile.py and the sandbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.core.model import (
    AddLabels,
    Comment,
    DeleteComment,
    Issue,
    IssueSnapshot,
    PostComment,
    RemoveLabels,
    State,
    marker,
)
from mentoring.core.planner import Mentorship
from mentoring.core.registration import (
    WELCOME,
    mentor_loads,
    plan_registration,
    registered_mentor,
)
from mentoring.core.render import Renderer
from mentoring.files import forms as form_files
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator import issue_forms
from simulator.sandbox import Sandbox
from simulator.simulation import Simulation

ROOT = ROOT_DIR
CONFIG = load_config(ROOT)
REG_FORM = form_files.load_form(ROOT / ".github" / "ISSUE_TEMPLATE" / "mentor-registration.yml")
APP_FORM = form_files.load_form(ROOT / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml")
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
BOT = CONFIG.bot
ANSWERS = {
    "roles": "Maintainer of astropy.io.fits",
    "capacity": "2",
    "availability": "Four hours a month, UTC+1",
}
COC = [
    "I agree to follow the [Astropy Community Code of Conduct]"
    "(https://www.astropy.org/code_of_conduct.html)."
]


def registration(
    labels: tuple[str, ...] = ("mentor-registration",),
    state: str = "open",
    comments: tuple[Comment, ...] = (),
    **answers: Any,
) -> IssueSnapshot:
    issue = Issue(
        number=7,
        title="Mentor registration - Bob",
        body=issue_forms.render_body(REG_FORM, {**ANSWERS, **answers}),
        author="bob",
        state=state,
        state_reason=None,
        labels=labels,
        assignees=(),
        created_at=NOW,
        updated_at=NOW,
    )
    return IssueSnapshot(issue, (), comments)


def bot_comment(kind: str, author: str = BOT, comment_id: int = 1) -> Comment:
    return Comment(comment_id, author, f"Hello\n\n{marker(kind)}", NOW)


# --- the pure plan ---------------------------------------------------------------------


def test_a_new_registration_is_welcomed_warmly_once() -> None:
    plan = plan_registration(registration(), CONFIG, Renderer(), NOW)
    assert len(plan.actions) == 1
    welcome = plan.actions[0]
    assert isinstance(welcome, PostComment)
    assert (welcome.kind, welcome.key) == (WELCOME, None)
    assert welcome.body.startswith("Thank you for offering to mentor, @bob!")
    assert "a coordinator (astropy-mentoring-coordinator) will reach out" in welcome.body
    assert "@astropy-mentoring-coordinator" not in welcome.body  # assigned, not pinged
    assert "will reach out" in welcome.body
    assert CONFIG.handbooks.mentor in welcome.body
    assert welcome.body.endswith(marker(WELCOME))
    assert len(welcome.body) < 900  # short

    again = registration(comments=(bot_comment(WELCOME),))
    assert plan_registration(again, CONFIG, Renderer(), NOW).actions == ()


def test_a_pasted_marker_does_not_count() -> None:
    pasted = registration(comments=(bot_comment(WELCOME, author="mallory"),))
    kinds = [a.kind for a in plan_registration(pasted, CONFIG, Renderer(), NOW).actions]
    assert kinds == [WELCOME]


def test_a_welcome_two_racing_runs_both_posted_is_deleted_once() -> None:
    doubled = registration(comments=(bot_comment(WELCOME, comment_id=9), bot_comment(WELCOME)))
    assert plan_registration(doubled, CONFIG, Renderer(), NOW).actions == (
        DeleteComment(7, 9, WELCOME, None),
    )


def test_closed_registrations_are_left_alone() -> None:
    closed = registration(labels=("mentor-registration", "mentoring: active"), state="closed")
    assert plan_registration(closed, CONFIG, Renderer(), NOW).actions == ()


def test_labels_are_kept_right() -> None:
    welcomed = (bot_comment(WELCOME),)
    stray = registration(
        labels=("mentor-registration", "mentoring: awaiting mentor", "help"), comments=welcomed
    )
    actions = plan_registration(stray, CONFIG, Renderer(), NOW).actions
    assert actions == (RemoveLabels(7, ("mentoring: awaiting mentor",)),)

    unlabelled = registration(labels=(), comments=welcomed)
    actions = plan_registration(unlabelled, CONFIG, Renderer(), NOW).actions
    assert actions == (AddLabels(7, ("mentor-registration",)),)


@pytest.mark.parametrize(("capacity", "expected"), [("1", 1), ("3", 3), (None, None)])
def test_capacity_from_the_form(capacity: str | None, expected: int | None) -> None:
    snapshot = registration(capacity=capacity)
    mentor = registered_mentor(snapshot.issue, CONFIG)
    assert (mentor.login, mentor.issue, mentor.capacity) == ("bob", 7, expected)
    assert mentor.roles == "Maintainer of astropy.io.fits"


def test_a_capacity_edited_into_words_is_unknown() -> None:
    issue = registration().issue
    edited = Issue(**{**vars(issue), "body": issue.body.replace("\n2\n", "\nlots\n")})
    assert "lots" in edited.body
    assert registered_mentor(edited, CONFIG).capacity is None


def test_loads_count_open_mentorships_of_each_mentor() -> None:
    def mentorship(number: int, state: str, mentors: tuple[str, ...]) -> Mentorship:
        return Mentorship(number, "m", mentors, state, NOW, None, None)

    mentorships = [
        mentorship(1, State.ACTIVE, ("Bob",)),
        mentorship(2, State.PAUSED, ("bob", "dana")),
        mentorship(3, State.AWAITING_MENTOR, ()),
        mentorship(4, "graduated", ("bob",)),
    ]
    assert mentor_loads(mentorships) == {"bob": [1, 2], "dana": [2]}


# --- end to end --------------------------------------------------------------------------


def scenario(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-03-10T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin", "bob": "write", "dana": "write"},
        "events": events,
    }


def register(at: str, by: str, **answers: Any) -> dict[str, Any]:
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentor-registration.yml", "answers": {**ANSWERS, **answers}},
    }


APPLY = {
    "at": "2026-01-06T10:00:00Z",
    "by": "alice",
    "open_issue": {
        "template": "mentee-application.yml",
        "answers": {"name": "Alice", "role": "Maintainer", "availability": "Weekends"}
        | {"code_of_conduct": COC},
    },
}


def test_registrations_through_the_workflows() -> None:
    events = [
        register("2026-01-05T09:00:00Z", "bob"),  # 1
        APPLY,  # 2
        {"at": "2026-01-07T09:00:00Z", "by": "cora", "assign": {"issue": 2, "users": ["bob"]}},
        register("2026-01-08T09:00:00Z", "dana", capacity="1"),  # 3
        {"at": "2026-01-09T09:00:00Z", "by": "cora", "comment": {"issue": 1, "body": "Thanks!"}},
        {"at": "2026-01-20T09:00:00Z", "by": "dana", "close": {"issue": 3}},
        {"at": "2026-01-21T09:00:00Z", "by": "dana", "comment": {"issue": 3, "body": "Later"}},
    ]
    result = Simulation(scenario(events), ROOT).run(reconcile.main)
    welcomes = [a for a in result.actions if a["kind"] == WELCOME]
    assert [(a["issue"], a["run"]) for a in welcomes] == [
        (1, "issues.opened"),
        (3, "issues.opened"),
    ]
    on_registrations = [a for a in result.actions if a["issue"] in (1, 3)]
    assert on_registrations == welcomes  # nothing else: no labels, no assignment, no repeats
    assert result.issues["1"]["labels"] == ["mentor-registration"]
    assert result.issues["1"]["assignees"] == []


def _env(sb: Sandbox, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        **extra,
    }


def test_schedule_lists_mentors_with_their_load(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"):
        monkeypatch.delenv(name, raising=False)
    sandbox.set_permission("astropy-mentoring-coordinator", "admin")
    sandbox.set_permission("bob", "write")
    body = issue_forms.render_body(REG_FORM, ANSWERS)
    reg = sandbox.open_issue("bob", "Mentor registration - Bob", body, ["mentor-registration"])
    app_body = issue_forms.render_body(
        APP_FORM,
        {"name": "Alice", "role": "Maintainer", "availability": "Weekends", "code_of_conduct": COC},
    )
    app = sandbox.open_issue("alice", "Application - Alice", app_body, ["application"])
    sandbox.assign(app, "astropy-mentoring-coordinator", ["bob"])
    gone = sandbox.open_issue("carol", "Mentor registration", body, ["mentor-registration"])
    sandbox.close(gone, "carol")

    now = sandbox.advance(hours=1)
    assert reconcile.main(["--root", str(ROOT)], _env(sandbox, tmp_path), now=now) == 0
    comments = sandbox.comments(reg)
    assert len(comments) == 1
    assert marker(WELCOME) in comments[0]["body"]
    assert sandbox.comments(gone) == []
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    mentors = summary.split("## Mentors\n", 1)[1]
    row = next(line for line in mentors.splitlines() if line.startswith("| @bob"))
    assert row.startswith(f"| @bob | #{reg} | 1 (#{app}) | 2 | yes | Maintainer of astropy.io.fits")
    assert "@carol" not in mentors

    # The next day: its timeline shows the welcome, so nothing is posted again.
    sandbox.clear_logs()
    now = sandbox.advance(days=1)
    (tmp_path / "summary.md").write_text("", encoding="utf-8")
    assert reconcile.main(["--root", str(ROOT)], _env(sandbox, tmp_path), now=now) == 0
    assert sandbox.writes == []
    assert "| @bob |" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_schedule_welcomes_a_registration_whose_event_runs_were_all_lost(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"):
        monkeypatch.delenv(name, raising=False)
    body = issue_forms.render_body(REG_FORM, ANSWERS)
    reg = sandbox.open_issue("bob", "Mentor registration - Bob", body, ["mentor-registration"])
    # No run for `opened`, none for this comment either: it has a comment, but no welcome.
    sandbox.advance(hours=1)
    sandbox.comment(reg, "cora", "Thank you, Bob!")
    now = sandbox.advance(hours=1)
    assert reconcile.main(["--root", str(ROOT)], _env(sandbox, tmp_path), now=now) == 0
    welcomes = [c for c in sandbox.comments(reg) if marker(WELCOME) in c["body"]]
    assert len(welcomes) == 1


def test_event_on_a_registration_is_routed_to_it(sandbox: Sandbox, tmp_path: Path) -> None:
    body = issue_forms.render_body(REG_FORM, ANSWERS)
    reg = sandbox.open_issue("bob", "Mentor registration - Bob", body, ["mentor-registration"])
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps({"action": "opened", "issue": {"number": reg}}))
    env = _env(sandbox, tmp_path, GITHUB_EVENT_NAME="issues", GITHUB_EVENT_PATH=str(payload))
    now = sandbox.advance(seconds=5)
    assert reconcile.main(["--root", str(ROOT)], env, now=now) == 0
    assert [w["type"] for w in sandbox.writes] == ["comment"]
    assert "## Mentors\n" not in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_the_summary_shows_a_mentors_roles_inert(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"):
        monkeypatch.delenv(name, raising=False)
    roles = "@astropy/core ![x](//e.x/i) <b>b</b> [go](//e.x) | #1"  # under 60 characters
    body = issue_forms.render_body(REG_FORM, {**ANSWERS, "roles": roles})
    sandbox.open_issue("bob", "Mentor registration - Bob", body, ["mentor-registration"])
    now = sandbox.advance(hours=1)
    assert reconcile.main(["--root", str(ROOT)], _env(sandbox, tmp_path), now=now) == 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    mentors = summary.split("## Mentors\n", 1)[1]
    row = next(line for line in mentors.splitlines() if line.startswith("| @bob"))
    cell = row.replace("\\|", "").split(" | ")[5]  # the Roles column
    assert "@astropy" not in cell  # no mention: a word joiner after the @
    assert "@\u2060astropy/core" in cell
    for live in ("![", "](", "<b>", "#1"):
        assert live not in cell, live
    assert row.replace("\\|", "").count("|") == 8  # seven cells, none split
