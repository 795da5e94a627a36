"""Needs attention tells only what is real: a mentorship that follows the program is never
listed, and a mentee who signals trouble is. Over eight months, on both read paths:

  #1 alice pauses until 1 September: neither a long pause nor stalled the day it ends
  #2 carl's mentor leaves, a new one comes months later: a fresh start, not stalled
  #3 gus reacts 👎 to a check-in: listed once, until his mentor answers
  #4 hana's pause ends with a coordinator's ``/resume`` during an outage, answered by the
     scheduled run: not stalled
  #5 a coordinator applied for ivy, who only reacts: the coordinator's comments do not
     stop ivy's reactions from being read
"""

from __future__ import annotations

from typing import Any

import pytest
from test_scenarios import ANSWERS, ROOT

from mentoring.cli import reconcile
from mentoring.core.model import MARKER_RE
from played import LONG_PLAY_READS, group
from simulator.simulation import Result, Simulation

# The module's played runs are shared: its tests stay on one worker (tests/played.py).
pytestmark = group("attention-is-real")

DASHBOARD = 6  # after the five applications


def _apply(at: str, by: str, **answers: Any) -> dict[str, Any]:
    form = {"template": "mentee-application.yml", "answers": {**ANSWERS, "name": by, **answers}}
    return {"at": at, "by": by, "open_issue": form}


def _say(at: str, by: str, issue: int, body: str) -> dict[str, Any]:
    return {"at": at, "by": by, "comment": {"issue": issue, "body": body}}


def _assign(at: str, issue: int, user: str, verb: str = "assign") -> dict[str, Any]:
    return {"at": at, "by": "cora", verb: {"issue": issue, "users": [user]}}


def _react(at: str, by: str, issue: int, comment: str, content: str) -> dict[str, Any]:
    return {"at": at, "by": by, "react": {"issue": issue, "comment": comment, "content": content}}


SCENARIO: dict[str, Any] = {
    "start": "2026-01-05T00:00:00Z",
    "end": "2026-09-15T00:00:00Z",
    "schedule": "17 6 * * *",
    "config": {"coordinators": ["cora"], "application": {"mentee_field": "github"}},
    "collaborators": {"cora": "admin", "bob": "write", "dora": "write", "erin": "write"},
    # cora's /resume on #4 starts no run: the next scheduled one answers it.
    "event_outages": [{"from": "2026-06-01T09:00:00Z", "to": "2026-06-02T12:00:00Z"}],
    "events": [
        _apply("2026-01-05T09:00:00Z", "alice"),
        _apply("2026-01-05T10:00:00Z", "carl"),
        _apply("2026-01-05T11:00:00Z", "gus"),
        _apply("2026-01-05T12:00:00Z", "hana"),
        _apply("2026-01-05T13:00:00Z", "cora", github="@ivy"),
        _assign("2026-01-06T09:00:00Z", 2, "dora"),
        _assign("2026-01-06T09:10:00Z", 3, "bob"),
        _assign("2026-01-06T09:20:00Z", 4, "bob"),
        _assign("2026-01-06T09:30:00Z", 5, "bob"),
        _say("2026-01-10T10:00:00Z", "hana", 4, "/pause"),
        _assign("2026-02-10T09:00:00Z", 1, "bob"),
        _say("2026-02-11T10:00:00Z", "alice", 1, "/pause until 2026-09-01"),
        _react("2026-02-07T08:00:00Z", "gus", 3, "checkin:1", "+1"),
        _react("2026-02-07T09:00:00Z", "ivy", 5, "checkin:1", "+1"),
        _assign("2026-03-01T09:00:00Z", 2, "dora", "unassign"),
        _react("2026-03-07T09:00:00Z", "ivy", 5, "checkin:2", "+1"),
        _react("2026-03-08T08:00:00Z", "gus", 3, "checkin:2", "-1"),
        _say("2026-03-10T10:00:00Z", "bob", 3, "Gus, let's talk on Friday about the release."),
        _react("2026-04-07T09:00:00Z", "ivy", 5, "latest", "+1"),
        _say("2026-04-25T10:00:00Z", "cora", 5, "Hello from the coordinators: all fine here?"),
        _react("2026-05-07T09:00:00Z", "ivy", 5, "latest", "+1"),
        _assign("2026-05-20T09:00:00Z", 2, "erin"),
        _say("2026-06-01T10:00:00Z", "cora", 4, "/resume"),
        _react("2026-06-07T09:00:00Z", "ivy", 5, "latest", "+1"),
        _react("2026-07-07T09:00:00Z", "ivy", 5, "latest", "+1"),
        _react("2026-08-07T09:00:00Z", "ivy", 5, "latest", "+1"),
        _react("2026-09-07T09:00:00Z", "ivy", 5, "latest", "+1"),
    ],
}


@pytest.fixture(scope="module", params=LONG_PLAY_READS)
def result(request: pytest.FixtureRequest) -> Result:
    return Simulation(SCENARIO, ROOT, read=request.param).run(reconcile.main)


def digests(result: Result) -> list[dict[str, Any]]:
    return [a for a in result.actions if a["issue"] == DASHBOARD and a["type"] == "comment"]


def announced(result: Result) -> list[tuple[str, str]]:
    """(day, item key) of every attention marker in the dashboard's digests, in order."""
    return [
        (a["at"][:10], m["key"])
        for a in digests(result)
        for m in MARKER_RE.finditer(a["body"])
        if m["kind"] == "attention"
    ]


def keys(result: Result, issue: int) -> list[str]:
    return [k for _, k in announced(result) if k.startswith(f"{issue}/")]


def test_a_dated_pause_is_no_long_pause_and_its_end_no_stall(result: Result) -> None:
    assert keys(result, 1) == ["1/waiting-for-mentor/2026-01-05"]
    assert result.failed_runs == 0


def test_a_new_mentor_after_a_gap_is_a_fresh_start(result: Result) -> None:
    # Waiting for a mentor in the gap; stalled only a review period after the new pairing.
    assert [k for k in keys(result, 2) if "/stalled/" in k] == ["2/stalled/2026-05-20"]
    [body] = [a["body"] for a in digests(result) if "2/stalled/2026-05-20" in a["body"]]
    assert "no sign of life (a comment or a reaction) since 2026-05-20" in body


def test_a_thumbs_down_is_told_once_until_the_mentor_answers(result: Result) -> None:
    # GitHub starts no run for a reaction: the next scheduled one reads it.
    assert announced(result).count(("2026-03-09", "3/worried/2026-03-08")) == 1
    assert [k for k in keys(result, 3) if "/worried/" in k] == ["3/worried/2026-03-08"]
    [body] = [a["body"] for a in digests(result) if "3/worried/" in a["body"]]
    line = next(ln for ln in body.splitlines() if ln.startswith("- #3 "))
    assert "reacted 👎 to check-in 2" in line
    assert "Ask gus and bob." in line
    needs = result.dashboard.split("## Needs attention", 1)[1].split("## The program", 1)[0]
    # Bob talked to him two days later: the item left (the stall months after is another).
    assert "reacted" not in needs


def test_a_resume_answered_after_an_outage_is_no_stall(result: Result) -> None:
    assert [k for k in keys(result, 4) if "/stalled/" in k] == []
    assert "4/long-pause/2026-01-10" in keys(result, 4)  # a pause without a date is one


def test_a_mentee_named_in_the_form_keeps_it_alive_by_reacting(result: Result) -> None:
    assert [k for k in keys(result, 5) if "/stalled/" in k] == []
    # The mentor is still asked about the reviews he leaves unanswered.
    assert "5/review-unanswered/2026-04-20" in keys(result, 5)
