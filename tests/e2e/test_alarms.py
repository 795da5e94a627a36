"""No false alarms: the bot warns only of what really went wrong.

End to end through the sandbox, with the workflow's own triggers and cron: a pause that
begins between a check-in's due time and the next scheduled run is no stopped schedule;
a mentor handover is no "no mentor" notice; a stopped schedule still is one.
"""

from __future__ import annotations

from typing import Any

from test_graduation import ANSWERS, BOT, ROOT

from mentoring.cli import reconcile
from simulator.sandbox import Fault
from simulator.simulation import Result, Simulation

OPEN = {
    "at": "2026-01-05T10:00:00Z",
    "by": "alice",
    "open_issue": {"template": "mentee-application.yml", "answers": ANSWERS},
}
# Check-in 1 falls due a month after the pairing: 2026-02-06 09:00, before the
# schedule's next run at 06:17 the day after.
PAIR = {"at": "2026-01-06T09:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}}


def _scenario(*events: dict[str, Any], end: str = "2026-03-10T00:00:00Z", **extra: Any) -> Any:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": end,
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write", "mia": "write", BOT: "write"},
        "events": [OPEN, PAIR, *events],
        **extra,
    }


def _comments(result: Result, kind: str | None = None) -> list[dict[str, Any]]:
    return [
        a
        for a in result.actions
        if a["type"] == "comment" and a["issue"] == 1 and kind in (None, a["kind"])
    ]


def _say(at: str, by: str, body: str) -> dict[str, Any]:
    return {"at": at, "by": by, "comment": {"issue": 1, "body": body}}


def test_a_pause_after_the_due_time_and_a_resume_weeks_later_is_no_stopped_schedule() -> None:
    sim = Simulation(
        _scenario(
            _say("2026-02-06T20:00:00Z", "alice", "/pause exams"),
            _say("2026-03-02T10:00:00Z", "alice", "/resume"),
        ),
        ROOT,
    )
    result = sim.run(reconcile.main)
    assert _comments(result, "schedule-health") == []
    # The check-in the pause held back comes with the resume, once.
    assert [(c["key"], c["run"]) for c in _comments(result, "checkin")] == [
        ("1", "issue_comment.created")
    ]


def test_a_stopped_schedule_is_still_reported() -> None:
    sim = Simulation(
        _scenario(
            _say("2026-02-20T10:00:00Z", "alice", "A question for bob."),
            schedule_outages=[{"from": "2026-02-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}],
        ),
        ROOT,
    )
    result = sim.run(reconcile.main)
    (warning,) = _comments(result, "schedule-health")
    assert (warning["key"], warning["run"], warning["at"][:10]) == (
        "2026-02-06",
        "issue_comment.created",
        "2026-02-20",
    )


def test_a_pause_in_a_stopped_schedule_is_still_a_stopped_schedule() -> None:
    # Five days after the due time with no scheduled run at all, then paused; the resume
    # posts the check-in, and the warning with it: the schedule is still off.
    sim = Simulation(
        _scenario(
            _say("2026-02-11T10:00:00Z", "alice", "/pause exams"),
            _say("2026-03-02T10:00:00Z", "alice", "/resume"),
            schedule_outages=[{"from": "2026-02-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}],
        ),
        ROOT,
    )
    result = sim.run(reconcile.main)
    assert [(c["key"], c["at"][:10]) for c in _comments(result, "schedule-health")] == [
        ("2026-02-06", "2026-03-02")
    ]


UNASSIGN = {"at": "2026-02-20T10:00:00Z", "by": "cora", "unassign": {"issue": 1, "users": ["bob"]}}


def _handover(gap_seconds: int) -> dict[str, Any]:
    assign = {
        "at": f"2026-02-20T10:{gap_seconds // 60:02d}:{gap_seconds % 60:02d}Z",
        "by": "cora",
        "assign": {"issue": 1, "users": ["mia"]},
    }
    return _scenario(UNASSIGN, assign)


def test_a_handover_in_the_same_minute_says_no_mentor_is_missing() -> None:
    result = Simulation(_handover(30), ROOT).run(reconcile.main)
    assert _comments(result, "unpaired") == []
    (paired,) = [c for c in _comments(result, "paired") if c["key"] == "mia"]
    assert paired["at"][:10] == "2026-02-20"


def test_a_handover_within_the_grace_period_says_no_mentor_is_missing() -> None:
    result = Simulation(_handover(50 * 60), ROOT).run(reconcile.main)
    assert _comments(result, "unpaired") == []


def test_a_mentor_who_leaves_for_good_is_noticed_by_the_next_scheduled_run() -> None:
    result = Simulation(_scenario(UNASSIGN), ROOT).run(reconcile.main)
    (unpaired,) = _comments(result, "unpaired")
    assert (unpaired["run"], unpaired["at"][:10]) == ("schedule", "2026-02-21")


def _dashboard_line(result: Result, start: str) -> str:
    (line,) = [x for x in result.dashboard.splitlines() if start in x]
    return line


def _unanswered_review(*events: dict[str, Any]) -> Result:
    scenario = _scenario(*events, end="2026-06-10T00:00:00Z")
    scenario["config"] = {"coordinators": ["cora"]}  # the dashboard on, as shipped
    return Simulation(scenario, ROOT).run(reconcile.main)


def test_an_unanswered_review_is_dated_by_its_reminder() -> None:
    # Review 3 falls due 2026-04-06 09:00; the schedule posts it the next morning, and
    # its reminder 14 days later, on 21 April.
    result = _unanswered_review()
    (reminder,) = _comments(result, "review-reminder")
    assert reminder["at"][:10] == "2026-04-21"
    line = _dashboard_line(result, "**review unanswered**")
    assert "after its reminder of 2026-04-21" in line, line


def test_an_unanswered_review_across_a_pause_is_dated_by_its_reminder() -> None:
    result = _unanswered_review(
        _say("2026-04-10T10:00:00Z", "alice", "/pause travelling"),
        _say("2026-05-20T10:00:00Z", "alice", "/resume"),
    )
    (reminder,) = _comments(result, "review-reminder")
    line = _dashboard_line(result, "**review unanswered**")
    assert reminder["at"][:10] == "2026-05-31"
    assert "after its reminder of 2026-05-31" in line, line


def _without_the_actions_api(scenario: dict[str, Any]) -> Result:
    """Play ``scenario`` with every read of the workflow's runs failing (a 502 each time,
    past the retries), as when the API cannot be read."""
    sim = Simulation(scenario, ROOT)
    asked: list[int] = []

    def main(*args: Any, **kwargs: Any) -> int:
        sim.sandbox.inject(Fault.ERROR_BEFORE, "GET", r"/actions/workflows/[^/]+/runs$", 10)
        code = reconcile.main(*args, **kwargs)
        asked.extend(r["status"] for r in sim.sandbox.request_log if "/actions/" in r["path"])
        return code

    result = sim.run(main)
    assert set(asked) == {502}  # asked, and never answered
    return result


def test_without_the_actions_api_the_timeline_decides_and_a_change_of_state_keeps_it_quiet() -> (
    None
):
    # The schedule is off, but the API cannot say so; a pause five days after the due
    # time may explain the wait: nothing said.
    paused = _scenario(
        _say("2026-02-11T10:00:00Z", "alice", "/pause exams"),
        _say("2026-03-02T10:00:00Z", "alice", "/resume"),
        schedule_outages=[{"from": "2026-02-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}],
    )
    assert _comments(_without_the_actions_api(paused), "schedule-health") == []
    # Nothing on the issue explains two weeks without its check-in: the warning.
    quiet = _scenario(
        _say("2026-02-20T10:00:00Z", "alice", "A question for bob."),
        schedule_outages=[{"from": "2026-02-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}],
    )
    (warning,) = _comments(_without_the_actions_api(quiet), "schedule-health")
    assert warning["at"][:10] == "2026-02-20"
