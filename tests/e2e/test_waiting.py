"""Waiting for a mentor: one kind note on the applicant's issue, and the coordinators'
reminder in the run's summary instead of pings on the issue."""

from __future__ import annotations

from typing import Any

from test_scenarios import ANSWERS, comments, run


def _apply(at: str, by: str) -> dict[str, Any]:
    answers = {**ANSWERS, "name": by.title()}
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentee-application.yml", "answers": answers},
    }


def _played() -> Any:
    return run(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-03-20T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"]},
            "collaborators": {"cora": "admin", "bob": "write"},
            "events": [
                _apply("2026-01-05T10:00:00Z", "alice"),
                _apply("2026-03-10T10:00:00Z", "carol"),
                _apply("2026-03-11T10:00:00Z", "dave"),
                {
                    "at": "2026-03-12T10:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 3, "users": ["bob"]},
                },
            ],
        }
    )


def test_one_kind_note_and_no_pings_on_the_applicants_issue() -> None:
    result = _played()
    assert [a["kind"] for a in comments(result)] == ["welcome", "waiting"]
    [note] = comments(result, "waiting")
    assert note["at"].startswith("2026-02-05")  # the first run 30 days after the welcome
    assert "@cora" not in note["body"]
    for word in ("declin", "turn down", "reject", "not planned"):
        assert word not in note["body"].lower()


def test_the_summary_lists_who_waits_longest_first_and_flags_the_long_waits() -> None:
    result = _played()
    section = result.summary.split("## Waiting for a mentor\n\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| #")]
    assert rows == [
        "| #1 | @alice | 72 | over 30 days: please find a mentor |",
        "| #2 | @carol | 8 | – |",
    ]  # dave (#3) has a mentor


def test_the_dashboard_lists_the_waitlist_the_longest_wait_first() -> None:
    # #1 applied first, but was paired and its mentor left: its wait began again then.
    # #2 has waited since its welcome, longer: it comes first.
    result = run(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-02-20T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"]},
            "collaborators": {"cora": "admin", "bob": "write"},
            "events": [
                _apply("2026-01-05T10:00:00Z", "alice"),
                _apply("2026-01-06T10:00:00Z", "carol"),
                {
                    "at": "2026-01-07T10:00:00Z",
                    "by": "cora",
                    "assign": {"issue": 1, "users": ["bob"]},
                },
                {
                    "at": "2026-02-01T10:00:00Z",
                    "by": "cora",
                    "unassign": {"issue": 1, "users": ["bob"]},
                },
            ],
        }
    )
    bodies = [
        a["body"]
        for a in result.actions
        if a["type"] in ("create_issue", "edit_issue") and "mentoring:dashboard -->" in a["body"]
    ]
    body = bodies[-1].replace("\u2060", "")
    table = body.split("| Issue | Mentee | Mentor |", 1)[1].split("\n\n", 1)[0]
    waiting = [ln.split(" | ")[0] for ln in table.splitlines() if "| waiting since" in ln]
    assert waiting == ["| #2", "| #1"]
    assert "| #2 | carol | – | waiting since 2026-01-06 |" in table
    assert "| #1 | alice | – | waiting since 2026-02-01 |" in table
