"""A second open application by the same person: one note on it for the coordinators,
linking the first, whichever run sees it first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from test_reconcile_links import CONFIG, COORD, _application_body, _run
from test_scenarios import ANSWERS, comments, run

from simulator.sandbox import Sandbox


def _apply(at: str, by: str, **answers: Any) -> dict[str, Any]:
    answers = {**ANSWERS, "name": by.title(), **answers}
    form = {"template": "mentee-application.yml", "answers": answers}
    return {"at": at, "by": by, "open_issue": form}


def _scenario(events: list[dict[str, Any]]) -> Any:
    return run(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-12T00:00:00Z",
            "schedule": "17 6 * * *",
            # A coordinator may apply for someone through the form's github field.
            "config": {"coordinators": ["cora"], "application": {"mentee_field": "github"}},
            "collaborators": {"cora": "admin"},
            "events": events,
        }
    )


def test_the_second_application_gets_one_note_linking_the_first() -> None:
    result = _scenario(
        [
            _apply("2026-01-05T10:00:00Z", "alice"),
            _apply("2026-01-06T10:00:00Z", "bea"),
            _apply("2026-01-07T10:00:00Z", "alice"),
        ]
    )
    assert [a["kind"] for a in comments(result, issue=1)] == ["welcome"]
    assert [a["kind"] for a in comments(result, issue=2)] == ["welcome"]
    [note] = comments(result, "duplicate", issue=3)
    assert note["run"] == "issues.opened"
    assert note["body"].startswith("For the coordinators: alice also has an open application: #1.")
    assert [a["kind"] for a in comments(result, issue=3)] == ["welcome", "duplicate"]


def test_an_application_a_coordinator_opened_for_someone_counts_as_theirs() -> None:
    result = _scenario(
        [
            _apply("2026-01-05T10:00:00Z", "alice"),
            _apply("2026-01-06T10:00:00Z", "cora", github="@alice"),
        ]
    )
    [note] = comments(result, "duplicate", issue=2)
    assert "alice also has an open application: #1." in note["body"]


def test_a_closed_first_application_is_no_duplicate() -> None:
    result = _scenario(
        [
            _apply("2026-01-05T10:00:00Z", "alice"),
            {
                "at": "2026-01-06T09:00:00Z",
                "by": "cora",
                "close": {"issue": 1, "reason": "not_planned"},
            },
            _apply("2026-01-07T10:00:00Z", "alice"),
        ]
    )
    assert comments(result, "duplicate", issue=2) == []


def test_the_scheduled_run_catches_up_a_note_the_event_runs_missed() -> None:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        sb.add_user(COORD)
        sb.set_permission(COORD, "admin")
        sb.add_user("alice")
        first = sb.open_issue(
            "alice", "Application", _application_body(), [CONFIG.application.label]
        )
        second = sb.open_issue(
            "alice", "Application", _application_body(), [CONFIG.application.label]
        )
        sb.advance(hours=1)
        assert _run(sb, "--read", "rest")[0] == 0  # the REST path, whose lists this counts
        notes = [
            w for w in sb.writes if w["type"] == "comment" and "mentoring:duplicate" in w["body"]
        ]
        assert [w["issue"] for w in notes] == [second]
        assert f"#{first}" in notes[0]["body"]
        # The list it read anyway served for this: one list of applications, no other.
        lists = [
            r
            for r in sb.request_log
            if r["path"].endswith("/issues") and r["query"].get("state") != "closed"
        ]  # the dashboard's list of recently closed applications aside
        assert [r["query"].get("labels") for r in lists].count(CONFIG.application.label) == 1
        sb.clear_logs()
        sb.advance(days=1)
        assert _run(sb)[0] == 0
        assert [w for w in sb.writes if w["type"] == "comment"] == []  # never twice
