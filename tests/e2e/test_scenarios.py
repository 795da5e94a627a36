"""End to end: scenarios played against the sandbox GitHub with the real reconcile.py.

Each test runs a scenario (a YAML file in tests/scenarios/ or an inline dict) through
the simulator and checks its transcript: what the bot wrote, when, by which run, and
how the issues ended up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.core.model import MARKER_RE
from mentoring.files import forms as form_files
from paths import ROOT_DIR, TESTS_DIR
from played import group, play
from simulator import issue_forms
from simulator.sandbox import Sandbox
from simulator.simulation import Result, Simulation

ROOT = ROOT_DIR
SCENARIOS = TESTS_DIR / "scenarios"
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
PAUSED = "mentoring: paused"
NEEDS_INFO = "mentoring: needs info"
AWAITING = "mentoring: awaiting mentor"
ACTIVE = "mentoring: active"
GRADUATED = "mentoring: graduated"
HANDBOOKS = (
    "https://astropy-mentoring.readthedocs.io/en/latest/mentee_handbook.html",
    "https://astropy-mentoring.readthedocs.io/en/latest/mentor_handbook.html",
)


# --- helpers ---------------------------------------------------------------------------


def run(scenario: dict[str, Any] | str) -> Result:
    """Play a scenario (a dict, or the name of a file in tests/scenarios/, played once
    for every test that reads it: see tests/played.py)."""
    if isinstance(scenario, str):
        return play(SCENARIOS / scenario).result
    return Simulation(scenario, ROOT).run(reconcile.main)


def scenario(start: str, end: str, events: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A scenario with one coordinator (cora) and two mentors who may be assigned.

    The dashboard is off: these stories are about the applications' own issues (the
    dashboard's are in tests/e2e/test_scenario_dashboard.py).
    """
    return {
        "start": start,
        "end": end,
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write", "dan": "write"},
        "participants": [],
        "events": events,
        **extra,
    }


def apply(at: str, by: str = "alice", **answers: Any) -> dict[str, Any]:
    """An application through the form, complete unless ``answers`` say otherwise."""
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentee-application.yml", "answers": {**ANSWERS, **answers}},
    }


def applicant(at: str, by: str) -> dict[str, Any]:
    """A complete application through the form, signed with the applicant's login."""
    return apply(at, by, name=by.title())


def say(at: str, by: str, body: str, issue: int = 1) -> dict[str, Any]:
    """A comment by ``by`` on issue ``issue``."""
    return {"at": at, "by": by, "comment": {"issue": issue, "body": body}}


def assign(at: str, issue: int, mentor: str) -> dict[str, Any]:
    """The coordinator cora assigns ``mentor`` to issue ``issue``."""
    return {"at": at, "by": "cora", "assign": {"issue": issue, "users": [mentor]}}


def comments(result: Result, kind: str | None = None, issue: int = 1) -> list[dict[str, Any]]:
    return [
        a
        for a in result.actions
        if a["type"] == "comment" and a["issue"] == issue and kind in (None, a["kind"])
    ]


def writes(result: Result, type_: str, issue: int = 1) -> list[dict[str, Any]]:
    return [a for a in result.actions if a["type"] == type_ and a["issue"] == issue]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def label_story(result: Result, issue: int = 1) -> list[str]:
    """The bot's label changes in order, as +label / -label."""
    story = []
    for a in result.actions:
        if a["issue"] == issue and a["type"] in ("add_labels", "remove_labels"):
            sign = "+" if a["type"] == "add_labels" else "-"
            story += [sign + label for label in a["labels"]]
    return story


def periodic(result: Result, issue: int = 1) -> list[tuple[str, str, str]]:
    """(kind, key, time) of every check-in and review."""
    return [
        (a["kind"], a["key"], a["at"])
        for a in comments(result, issue=issue)
        if a["kind"] in ("checkin", "review")
    ]


# --- an application arrives --------------------------------------------------------------


@pytest.fixture(scope="module")
def lifecycle() -> Result:
    return run("lifecycle.yml")


@group("lifecycle")
def test_incomplete_application_gets_one_needs_info_then_one_welcome(lifecycle: Result) -> None:
    (needs,) = comments(lifecycle, "needs-info")
    assert needs["run"] == "issues.opened"
    for label in ("Which role would you like to apply for and why", "Your availability"):
        assert label in needs["body"]
    (welcome,) = comments(lifecycle, "welcome")
    # The first edit completes the application; the second (or the comment) adds nothing.
    assert (welcome["run"], welcome["at"]) == ("issues.edited", "2026-01-06T09:00:03Z")
    assert "@alice" in welcome["body"]
    assert "A coordinator (cora) reads your application" in welcome["body"]
    assert "@cora" not in welcome["body"]  # assigned, so told by GitHub: named, not pinged


@group("lifecycle")
def test_coordinators_are_assigned_once(lifecycle: Result) -> None:
    (assign,) = writes(lifecycle, "assign")
    assert (assign["run"], assign["users"]) == ("issues.opened", ["cora"])
    assert writes(lifecycle, "unassign") == []


@group("lifecycle")
def test_labels_follow_the_lifecycle(lifecycle: Result) -> None:
    assert label_story(lifecycle) == [
        "+" + NEEDS_INFO,  # opened incomplete
        "-" + NEEDS_INFO,  # completed by an edit
        "+" + AWAITING,
        "-" + AWAITING,  # mentor assigned
        "+" + ACTIVE,
        "-" + ACTIVE,  # paused
        "+" + ACTIVE,  # resumed
        "-" + ACTIVE,  # graduated
        "+" + GRADUATED,
    ]
    final = {k: v for k, v in lifecycle.issues["1"].items() if k not in ("title", "body")}
    assert final == {
        "state": "closed",
        "state_reason": "completed",
        "labels": ["application", GRADUATED],
        "assignees": ["bob", "cora"],
    }
    assert lifecycle.failed_runs == 0


@group("lifecycle")
def test_pairing_comment_introduces_both_with_handbooks_and_dates(lifecycle: Result) -> None:
    (paired,) = comments(lifecycle, "paired")
    assert (paired["run"], paired["key"]) == ("issues.assigned", "bob")
    body = paired["body"]
    assert "@alice" in body
    assert "@bob" in body
    for link in HANDBOOKS:
        assert link in body
    # Paired on 10 January: check-in a month later, review three months later.
    assert "Tuesday 10 February 2026" in body
    assert "Friday 10 April 2026" in body


@group("lifecycle")
def test_pause_stops_the_clock_and_resume_shifts_the_schedule(lifecycle: Result) -> None:
    # Paused from 20 February to 22 March (30 days): check-in 2, due on 10 March,
    # moves to 9 April; nothing at all is posted while paused.
    assert periodic(lifecycle) == [
        ("checkin", "1", "2026-02-10T06:17:00Z"),
        ("checkin", "2", "2026-04-09T06:17:00Z"),
    ]
    paused = [
        a for a in lifecycle.actions if "2026-02-20T06:00:03Z" < a["at"] < "2026-03-22T06:00:00Z"
    ]
    assert paused == []


@group("lifecycle")
def test_graduation_by_a_pull_request_that_closes_the_issue(lifecycle: Result) -> None:
    # The pull request (#2) says "Closes #1": GitHub closes the issue; the bot still
    # congratulates and labels, once, although two workflows ran for the merge.
    (graduated,) = comments(lifecycle, "graduated")
    assert graduated["run"] in ("issues.closed", "pull_request_target.closed")
    assert "With #2 merged" in graduated["body"]
    assert "@alice" in graduated["body"]
    assert "@bob" in graduated["body"]
    after = [a for a in lifecycle.actions if a["at"] >= "2026-04-15T15:00:00Z"]
    assert [a["type"] for a in after] == ["remove_labels", "comment", "add_labels"]
    assert writes(lifecycle, "close") == []  # the keyword closed it, as completed


# --- the calendar --------------------------------------------------------------------------


@group("year")
def test_a_year_of_check_ins_counted_from_the_first_pairing() -> None:
    result = run("year.yml")
    # Paired 31 January 06:00: month k is due on 31 January + k months (the month's
    # end when it is shorter), and the daily run at 06:17 that day posts it.
    days = [
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
        "2026-07-31",
        "2026-08-31",
        "2026-09-30",
        "2026-10-31",
        "2026-11-30",
        "2026-12-31",
        "2027-01-31",
    ]
    expected = [
        ("review" if k % 3 == 0 else "checkin", str(k), f"{day}T06:17:00Z")
        for k, day in enumerate(days, start=1)
    ]
    assert periodic(result) == expected
    assert all(a["run"] == "schedule" for a in comments(result) if a["kind"] == "checkin")
    for kind, key, _ in expected:
        (posted,) = [a for a in comments(result, kind) if a["key"] == key]
        assert "@alice" in posted["body"]
        assert "@bob" in posted["body"]
    assert result.failed_runs == 0


@group("outage")
def test_after_an_outage_only_the_latest_due_period_is_posted_once() -> None:
    result = run("outage.yml")
    # Paired 10 January; the schedule is off from 1 February to 1 May, which misses
    # check-ins 1 (10 Feb) and 2 (10 Mar) and review 3 (10 Apr). The first run after
    # posts review 3 alone; check-in 4 follows on its own day.
    assert periodic(result) == [
        ("review", "3", "2026-05-01T06:17:00Z"),
        ("checkin", "4", "2026-05-10T06:17:00Z"),
    ]


def test_mentor_swap_keeps_the_schedule_and_introduces_the_new_mentor() -> None:
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-03-12T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z"),
                {
                    "at": "2026-01-10T06:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {
                    "at": "2026-02-20T06:00:00Z",
                    "by": "cora",
                    "unassign": {"issue": 1, "users": ["bob"]},
                },
                {
                    "at": "2026-02-20T06:01:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["dan"]},
                },
            ],
        )
    )
    assert [(a["key"], a["run"]) for a in comments(result, "paired")] == [
        ("bob", "issues.assigned"),
        ("dan", "issues.assigned"),
    ]
    dan = comments(result, "paired")[1]["body"]
    assert "@dan" in dan
    assert "@alice" in dan
    assert "schedule carries on" in dan
    # Not a date already gone: the next check-in (month 2, 10 March).
    assert "Tuesday 10 February 2026" not in dan
    assert "Tuesday 10 March 2026" in dan
    assert periodic(result) == [
        ("checkin", "1", "2026-02-10T06:17:00Z"),
        ("checkin", "2", "2026-03-10T06:17:00Z"),
    ]
    (checkin2,) = comments(result, "checkin")[1:]
    assert "@dan" in checkin2["body"]
    assert "@bob" not in checkin2["body"]
    # A minute between mentors is not "waiting 30 days for a mentor".
    assert comments(result, "mentor-reminder") == []
    assert result.issues["1"]["assignees"] == ["cora", "dan"]


def test_closed_not_planned_gets_nothing_and_reopening_resumes() -> None:
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-04-20T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z"),
                {
                    "at": "2026-01-10T06:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {
                    "at": "2026-02-20T06:00:00Z",
                    "by": "cora",
                    "close": {"issue": 1, "reason": "not_planned"},
                },
                {"at": "2026-04-01T06:00:00Z", "by": "cora", "reopen": {"issue": 1}},
            ],
        )
    )
    while_closed = [
        a for a in result.actions if "2026-02-20T06:00:00Z" < a["at"] < "2026-04-01T06:00:00Z"
    ]
    assert while_closed == []
    # Closed for 40 days: check-in 2, due 10 March, comes 40 days later.
    assert periodic(result) == [
        ("checkin", "1", "2026-02-10T06:17:00Z"),
        ("checkin", "2", "2026-04-19T06:17:00Z"),
    ]
    assert result.issues["1"]["state"] == "open"
    assert ACTIVE in result.issues["1"]["labels"]


def test_closed_not_planned_stays_quiet_to_the_end() -> None:
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-03-01T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z", availability=""),
                {
                    "at": "2026-01-06T10:00:00Z",
                    "by": "cora",
                    "close": {"issue": 1, "reason": "not_planned"},
                },
                {
                    "at": "2026-01-07T10:00:00Z",
                    "by": "alice",
                    "comment": {"issue": 1, "body": "ok"},
                },
            ],
        )
    )
    assert [a for a in result.actions if a["at"] > "2026-01-06T10:00:00Z"] == []
    assert result.issues["1"]["state_reason"] == "not_planned"


def test_an_unanswered_review_gets_one_reminder_and_an_answered_one_none() -> None:
    events = [
        apply("2026-01-05T10:00:00Z"),
        apply("2026-01-05T11:00:00Z", by="carl", name="Carl"),
        {"at": "2026-01-10T06:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
        {"at": "2026-01-10T06:00:00Z", "by": "cora", "assign": {"issue": 2, "users": ["dan"]}},
        {"at": "2026-02-12T10:00:00Z", "by": "dan", "comment": {"issue": 2, "body": "Going well."}},
    ]
    # Every check-in a review, to reach one within a short scenario.
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-03-05T00:00:00Z",
            events,
            config={"coordinators": ["cora"], "cadence": {"review_every": 1}},
        )
    )
    assert [(a["key"], a["at"]) for a in comments(result, "review-reminder")] == [
        ("1", "2026-02-24T06:17:00Z"),  # review 1 on 10 February, + 14 days
    ]
    reminder = comments(result, "review-reminder")[0]["body"]
    assert "@bob" in reminder
    assert comments(result, "review-reminder", issue=2) == []


def test_a_long_wait_for_a_mentor_gets_one_kind_note_and_no_coordinator_pings() -> None:
    result = run(
        scenario("2026-01-05T00:00:00Z", "2026-03-20T00:00:00Z", [apply("2026-01-05T10:00:00Z")])
    )
    # Opened 5 January 10:00: 30 days on 4 February; the next daily run posts one kind
    # note to the applicant, and nothing more however long the wait. No coordinator is
    # pinged on the applicant's issue (their reminders go to the run's summary).
    notes = comments(result, "waiting")
    assert [(a["at"], a["run"]) for a in notes] == [("2026-02-05T06:17:00Z", "schedule")]
    assert "@alice" in notes[0]["body"]
    assert "@cora" not in notes[0]["body"]
    assert comments(result, "mentor-reminder") == []


# --- graduation ----------------------------------------------------------------------------


def test_already_in_participants_graduates_once_a_mentor_is_assigned() -> None:
    """An entry naming the issue graduates it in the first run after a mentor is assigned,
    and not before: nobody graduates without a mentor."""
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-01-08T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z"),
                {
                    "at": "2026-01-06T09:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
            ],
            participants=[{"name": "Alice Example", "github": "alice", "issue": 1}],
        )
    )
    assert [a["kind"] for a in result.actions if a["run"] == "issues.opened"] == [
        None,
        "welcome",
        None,
    ]
    graduation = [a for a in result.actions if a["run"] == "issues.assigned"]
    assert [(a["type"], a["kind"]) for a in graduation] == [
        ("remove_labels", None),
        ("close", None),
        ("comment", "graduated"),  # once the mentorship has ended
        ("add_labels", None),  # last: the graduation is done
    ]
    assert graduation[3]["labels"] == [GRADUATED]
    assert graduation[1]["state_reason"] == "completed"
    assert "participants.yml" in graduation[2]["body"]
    assert result.issues["1"]["state_reason"] == "completed"


def test_a_past_graduate_who_applies_again_is_welcomed_not_graduated() -> None:
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-01-08T00:00:00Z",
            [apply("2026-01-05T10:00:00Z")],
            participants=[{"name": "Alice Example", "github": "alice"}],
        )
    )
    assert [a["kind"] for a in result.actions if a["type"] == "comment"] == ["welcome"]
    assert result.issues["1"]["state"] == "open"


def test_a_pull_request_adding_two_people_graduates_both(caplog) -> None:
    caplog.set_level(logging.WARNING)
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-01-25T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z"),
                apply("2026-01-05T11:00:00Z", by="carl", name="Carl"),
                apply("2026-01-05T12:00:00Z", by="erin", name="Erin"),
                {
                    "at": "2026-01-06T09:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {
                    "at": "2026-01-06T09:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 2, "users": ["dan"]},
                },
                {
                    "at": "2026-01-20T06:00:00Z",
                    "by": "alice",
                    "merge_pull_request": {
                        "title": "Add two graduates",
                        "participants_add": [
                            {"name": "Alice Example", "github": "alice", "issue": 1},
                            {"name": "Carl", "github": "carl", "issue": 2},
                        ],
                        "merged_by": "cora",
                    },
                },
                # Someone with no application: reported, and told on the pull request.
                {
                    "at": "2026-01-21T06:00:00Z",
                    "by": "cora",
                    "merge_pull_request": {
                        "title": "Add Zed",
                        "participants_add": [{"name": "Zed", "github": "zed"}],
                    },
                },
            ],
        )
    )
    for number in (1, 2):
        (graduated,) = comments(result, "graduated", issue=number)
        assert graduated["run"] == "pull_request_target.closed"
        assert "With #4 merged" in graduated["body"]
        assert result.issues[str(number)]["state_reason"] == "completed"
        assert GRADUATED in result.issues[str(number)]["labels"]
    assert comments(result, "graduated", issue=3) == []
    assert result.issues["3"]["state"] == "open"
    (note,) = [a for a in result.actions if a["at"] >= "2026-01-21T06:00:00Z"]
    assert (note["issue"], note["kind"]) == (5, "unmatched-entries")
    assert any(
        "zed was added to participants.yml but has no application issue" in r.getMessage()
        for r in caplog.records
    )


def _graduate_run(sb: Sandbox, root: Path, pull: dict[str, Any], tmp_path: Path) -> int:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"action": "closed", "number": pull["number"], "pull_request": pull}),
        encoding="utf-8",
    )
    return reconcile.main(
        ["--root", str(root)],
        env={
            "GITHUB_TOKEN": sb.token_for(sb.bot_login),
            "GITHUB_API_URL": sb.url,
            "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
            "GITHUB_EVENT_NAME": "pull_request_target",
            "GITHUB_EVENT_PATH": str(event),
        },
        now=sb.now,
        sleep=lambda s: None,
    )


def test_a_pull_request_that_only_edits_an_entry_graduates_nobody(tmp_path: Path) -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    with Sandbox(start=start) as sb:
        for path in (ROOT / ".github").rglob("*"):
            if path.is_file():
                sb.set_file(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        entry = "- name: Alice Example\n  github: alice\n"
        sb.set_file("participants.yml", entry)
        # Alice's application is still open (a mistake the maintainers then fix):
        # editing her entry must not be read as adding her.
        number = sb.open_issue(
            "alice", "Mentee application", issue_forms.render_body(FORM, ANSWERS), ["application"]
        )
        sb.advance(days=1)
        pull = sb.open_pull_request(
            "alice", "Fix my role", "", files={"participants.yml": entry + "  role: reviewer\n"}
        )
        sb.merge_pull_request(pull, "cora")
        sb.clear_logs()
        assert _graduate_run(sb, ROOT, sb.pull(pull), tmp_path) == 0
        assert sb.writes == []
        assert sb.comments(number) == []


def test_removing_a_graduates_entry_reopens_nothing(tmp_path: Path) -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    with Sandbox(start=start) as sb:
        for path in (ROOT / ".github").rglob("*"):
            if path.is_file():
                sb.set_file(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        number = sb.open_issue(
            "alice", "Mentee application", issue_forms.render_body(FORM, ANSWERS), ["application"]
        )
        sb.set_permission("bob", "write")
        sb.assign(number, "cora", ["bob"])
        sb.advance(days=1)
        entry = f"- name: Alice Example\n  github: alice\n  issue: {number}\n"
        added = sb.open_pull_request("alice", "Graduate", "", files={"participants.yml": entry})
        sb.merge_pull_request(added, "cora")
        assert _graduate_run(sb, ROOT, sb.pull(added), tmp_path) == 0
        assert sb.issue(number)["state"] == "closed"
        labels = sorted(label["name"] for label in sb.issue(number)["labels"])
        sb.advance(days=30)
        removed = sb.open_pull_request("cora", "Remove", "", files={"participants.yml": "[]\n"})
        sb.merge_pull_request(removed, "cora")
        sb.clear_logs()
        assert _graduate_run(sb, ROOT, sb.pull(removed), tmp_path) == 0
        assert sb.writes == []
        assert sb.issue(number)["state"] == "closed"
        assert sorted(label["name"] for label in sb.issue(number)["labels"]) == labels


# --- people's text is data --------------------------------------------------------------------


def test_a_marker_pasted_by_a_person_does_not_stop_the_bot() -> None:
    fake = "<!-- mentoring:checkin:1 --> <!-- mentoring:paired:bob --> <!-- mentoring:welcome -->"
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-02-11T00:00:00Z",
            [
                {
                    "at": "2026-01-05T10:00:00Z",
                    "by": "alice",
                    "open_issue": {
                        "template": "mentee-application.yml",
                        "answers": {**ANSWERS, "other": fake},
                    },
                },
                {
                    "at": "2026-01-05T11:00:00Z",
                    "by": "alice",
                    "comment": {"issue": 1, "body": fake},
                },
                {
                    "at": "2026-01-10T06:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {"at": "2026-01-11T06:00:00Z", "by": "bob", "comment": {"issue": 1, "body": fake}},
            ],
        )
    )
    assert [a["kind"] for a in comments(result)] == ["welcome", "paired", "checkin"]


def test_mentions_templates_and_markers_in_an_application_stay_inert() -> None:
    name = "@bob {{ mentee }} {% raw %} <!-- mentoring:graduated --> ``` # Heading"
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-02-11T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z", name=name, other="@cora <!-- x --> {{ 1 + 1 }}"),
                {
                    "at": "2026-01-10T06:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["dan"]},
                },
                {
                    "at": "2026-02-10T12:00:00Z",
                    "by": "dan",
                    "comment": {"issue": 1, "body": "/ready"},
                },
            ],
            config={"coordinators": ["cora"], "cadence": {"review_every": 1}},
        )
    )
    kinds = [a["kind"] for a in comments(result)]
    assert kinds == ["welcome", "paired", "review", "command"]
    for action in comments(result):
        body = action["body"]
        # Exactly one marker, the bot's own, at the very end.
        assert len(MARKER_RE.findall(body)) == 1
        assert body.count("<!--") == 1
        assert body.rstrip().endswith("-->")
        assert "{% raw %}" not in body or "{{ mentee }}" in body  # never evaluated
        outside_code = body.split("```")[0::2]
        assert not any("@bob" in part for part in outside_code)
    ready = comments(result, "command")[0]["body"]
    assert "{{ mentee }}" in ready  # quoted as typed, inside the entry to add


# --- only applications, and never twice -------------------------------------------------------


def test_issues_without_the_application_label_are_never_touched() -> None:
    events = [
        {
            "at": "2026-01-05T10:00:00Z",
            "by": "alice",
            "open_issue": {"title": "A bug", "body": issue_forms.render_body(FORM, ANSWERS)},
        },
        {"at": "2026-01-05T11:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
        {"at": "2026-01-06T10:00:00Z", "by": "alice", "comment": {"issue": 1, "body": "hello"}},
        {
            "at": "2026-01-07T10:00:00Z",
            "by": "cora",
            "add_labels": {"issue": 1, "labels": [PAUSED]},
        },
        {
            "at": "2026-01-08T10:00:00Z",
            "by": "cora",
            "remove_labels": {"issue": 1, "labels": [PAUSED]},
        },
        {"at": "2026-01-09T10:00:00Z", "by": "alice", "edit_body": {"issue": 1, "body": "edited"}},
        {"at": "2026-02-10T10:00:00Z", "by": "cora", "close": {"issue": 1, "reason": "completed"}},
        {"at": "2026-02-11T10:00:00Z", "by": "cora", "reopen": {"issue": 1}},
        {
            "at": "2026-02-12T10:00:00Z",
            "by": "cora",
            "merge_pull_request": {
                "title": "Add Alice",
                "body": "Closes #1",
                "participants_add": [{"name": "Alice", "github": "alice"}],
            },
        },
    ]
    result = run(scenario("2026-01-05T00:00:00Z", "2026-02-20T00:00:00Z", events))
    # Only the pull request (#2) hears that its entry graduates nobody.
    assert [(a["issue"], a["kind"]) for a in result.actions] == [(2, "unmatched-entries")]
    assert result.issues["1"]["labels"] == []


def test_an_event_at_the_cron_time_and_the_schedule_post_once() -> None:
    # Paired at 06:17 on 10 January, so check-in 1 is due at 06:17 on 10 February, the
    # very minute of the daily run; Bob comments at that minute too.
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-02-11T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z"),
                {
                    "at": "2026-01-10T06:17:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {"at": "2026-02-10T06:17:00Z", "by": "bob", "comment": {"issue": 1, "body": "Hi"}},
            ],
        )
    )
    assert [a["kind"] for a in comments(result)] == ["welcome", "paired", "checkin"]
    (checkin,) = comments(result, "checkin")
    assert checkin["at"].startswith("2026-02-10T06:17")
    assert result.failed_runs == 0


@pytest.fixture
def paired_sandbox() -> Iterator[tuple[Sandbox, Path]]:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        for path in (ROOT / ".github").rglob("*"):
            if path.is_file():
                sb.set_file(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        sb.set_permission("bob", "write")
        sb.open_issue(
            "alice", "Mentee application", issue_forms.render_body(FORM, ANSWERS), ["application"]
        )
        sb.advance(days=1)
        sb.assign(1, "astropy-mentoring-coordinator", ["bob"])
        yield sb, ROOT


def _schedule_run(sb: Sandbox, root: Path) -> int:
    return reconcile.main(
        ["--root", str(root)],
        env={
            "GITHUB_TOKEN": sb.token_for(sb.bot_login),
            "GITHUB_API_URL": sb.url,
            "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
            "GITHUB_EVENT_NAME": "schedule",
            "GITHUB_EVENT_PATH": "",
        },
        now=sb.now,
        sleep=lambda s: None,
    )


def test_the_same_schedule_twice_writes_nothing_the_second_time(paired_sandbox) -> None:
    sb, root = paired_sandbox
    # Bo waits for a mentor from his welcome (an event run's): the coordinators' digest.
    bo = sb.open_issue(
        "bo", "Mentee application", issue_forms.render_body(FORM, ANSWERS), ["application"]
    )
    assert (
        reconcile.main(
            ["--root", str(root), f"--issue={bo}"],
            env={
                "GITHUB_TOKEN": sb.token_for(sb.bot_login),
                "GITHUB_API_URL": sb.url,
                "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
            },
            now=sb.now,
            sleep=lambda s: None,
        )
        == 0
    )
    sb.advance(days=40)  # check-in 1 is due; the pairing is a month old, too late to announce
    assert _schedule_run(sb, root) == 0
    first = [(w["type"], MARKER_RE.search(w["body"] or "") is not None) for w in sb.writes]
    assert ("comment", True) in first
    kinds = [MARKER_RE.search(c["body"])["kind"] for c in sb.comments(1)]
    assert kinds == ["checkin"]
    digests = [w for w in sb.writes if "<!-- mentoring:dashboard-digest:" in (w["body"] or "")]
    assert len(digests) == 1
    assert f"<!-- mentoring:attention:{bo}/waiting-for-mentor/" in digests[0]["body"]
    sb.clear_logs()
    assert _schedule_run(sb, root) == 0
    assert sb.writes == []
    assert all(r["method"] == "GET" or r["path"] == "/graphql" for r in sb.request_log)


def test_a_mentor_leaving_without_a_replacement_is_said_once_naming_the_coordinators() -> None:
    result = run(
        scenario(
            "2026-01-05T00:00:00Z",
            "2026-03-25T00:00:00Z",
            [
                apply("2026-01-05T10:00:00Z"),
                {
                    "at": "2026-01-10T06:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {
                    "at": "2026-02-20T06:00:00Z",
                    "by": "cora",
                    "unassign": {"issue": 1, "users": ["bob"]},
                },
            ],
        )
    )
    # Said once, by the first run after the handover grace period (a scheduled one):
    # check-ins wait for a new mentor.
    said = comments(result, "unpaired")
    assert [(a["key"], a["run"], a["at"][:10]) for a in said] == [("1", "schedule", "2026-02-21")]
    assert "@alice" in said[0]["body"]
    assert "The coordinators (cora) follow this issue" in said[0]["body"]
    assert "@cora" not in said[0]["body"]  # assigned, so told by GitHub: named, not pinged
    assert comments(result, "waiting") == []
    assert result.issues["1"]["labels"] == ["application", AWAITING]
