"""The dashboard over five months of the simulator (tests/scenarios/dashboard.yml): every
state in its table (closed ones from the issue list), one bar per mentorship in its chart,
each attention item told once, in a weekly digest, and gone when resolved, and the body
edited only when its text changed."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from mentoring.core.model import MARKER_RE
from paths import ROOT_DIR
from played import group, play
from simulator.simulation import Result

ROOT = ROOT_DIR
SCENARIO = ROOT / "tests" / "scenarios" / "dashboard.yml"
DASHBOARD = 9  # after the eight applications


pytestmark = group("dashboard")


@pytest.fixture(scope="module")
def result() -> Result:
    return play(SCENARIO).result


def on_dashboard(result: Result, kind: str) -> list[dict[str, Any]]:
    return [a for a in result.actions if a["issue"] == DASHBOARD and a["type"] == kind]


def body_on(result: Result, day: str) -> str:
    """The dashboard's text as the last edit before the end of ``day`` left it."""
    edits = [a for a in on_dashboard(result, "edit_issue") if a["at"][:10] <= day]
    return edits[-1]["body"]


def row(body: str, number: int) -> list[str]:
    """The cells of an issue's row in the main table (not the folded ones under it)."""
    table = body.split("| Issue | Mentee | Mentor |", 1)[1].split("\n\n", 1)[0]
    (line,) = [ln for ln in table.splitlines() if ln.startswith(f"| #{number} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def announced(result: Result) -> list[tuple[str, str]]:
    """(day, item key) of every attention marker in the dashboard's notices, in order."""
    return [
        (a["at"][:10], m["key"])
        for a in on_dashboard(result, "comment")
        for m in MARKER_RE.finditer(a["body"])
        if m["kind"] == "attention"
    ]


def test_one_dashboard_created_by_the_first_scheduled_run(result: Result) -> None:
    (made,) = [a for a in result.actions if a["type"] == "create_issue"]
    assert (made["issue"], made["run"]) == (DASHBOARD, "schedule")
    assert made["labels"] == ["mentoring: dashboard"]
    assert result.issues[str(DASHBOARD)]["state"] == "open"
    assert result.failed_runs == 0


def test_every_state_in_the_table(result: Result) -> None:
    end = result.dashboard.replace("\u2060", "")  # the word joiners that keep dates whole
    assert row(end, 2)[3:] == ["needs info", "–", "4 answers"]
    assert row(end, 8)[3] == "waiting since 2026-04-20"
    assert row(end, 1)[3] == "active"
    assert row(end, 3)[1:4] == ["erin", "mia", "active"]  # waited, then paired
    assert row(end, 4)[3] == "paused since 2026-04-02"
    assert row(end, 5)[3] == "ready since 2026-04-01"
    # Closed: what the issue list tells (mentor, state, the day it closed), no "?".
    assert row(end, 6)[1:] == ["hal", "mia", "graduated 2026-03-15", "–", "–"]
    assert "?" not in end.split("## Mentorships", 1)[1]
    # Declined on 20 January: in the table while within closed_days, then gone.
    assert row(body_on(result, "2026-02-01"), 7)[3].startswith("declined 2026-")
    assert "| #7 |" not in end
    assert row(body_on(result, "2026-01-10"), 3)[3].startswith("waiting since 2026-")


def test_the_chart_has_one_bar_per_mentorship_by_state(result: Result) -> None:
    chart = result.dashboard.split("```mermaid", 1)[1].split("```", 1)[0]
    assert chart.splitlines()[1:] == [
        "gantt",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %b %Y",
        "    tickInterval 1month",
        "    section active",
        "    1 alice with bob :active, m1, 2026-01-06, 2026-06-01",
        "    3 erin with mia :active, m3, 2026-03-02, 2026-06-01",
        "    section paused",
        "    4 fay with mia :crit, m4, 2026-01-06, 2026-06-01",
        "    section ready",
        "    5 gus with bob :m5, 2026-01-06, 2026-06-01",
        # Graduated: its start from the timeline the figures read anyway.
        "    section graduated",
        "    6 hal with mia :done, m6, 2026-01-06, 2026-03-15",
    ]


def test_each_item_announced_once_and_gone_when_resolved(result: Result) -> None:
    seen = announced(result)
    keys = [key for _, key in seen]
    assert len(keys) == len(set(keys))  # never twice
    notices = on_dashboard(result, "comment")
    assert all("<!-- mentoring:dashboard-digest:" in n["body"] for n in notices)
    assert all("@cora" in n["body"] for n in notices)
    assert len({n["key"] for n in notices}) == len(notices)  # one comment per new set
    assert ("2026-02-05", "3/waiting-for-mentor/2026-01-05") in seen  # 30 days' wait
    # Stalled after a review period and its reply days without a sign of life (paired 6
    # January: 20 April), not after 60 days (7 March).
    assert ("2026-04-21", "1/stalled/2026-01-06") in seen
    # New on 2 May, four days after the digest of 28 April: told in the next, on 5 May.
    assert ("2026-05-05", "5/ready-no-pull-request/2026-04-01") in seen
    # New on 21 May, over two weeks after the last digest: told at once.
    assert ("2026-05-21", "8/waiting-for-mentor/2026-04-20") in seen
    days = sorted({datetime.fromisoformat(n["at"]) for n in notices})
    assert all(b - a >= timedelta(days=7) for a, b in itertools.pairwise(days))  # weekly
    # Resolved items leave the list silently: erin paired, alice wrote again.
    assert "#3 (erin): **waiting for a mentor**" in body_on(result, "2026-03-01")
    assert "#3 (erin)" not in body_on(result, "2026-03-03")  # next schedule
    assert "#1 (alice, mentor bob): **stalled**" in body_on(result, "2026-04-30")
    assert "since 2026-01-06" not in body_on(result, "2026-05-02")
    # Everything listed at the end was announced, and nothing that left was listed.
    listed = set(re.findall(r"<!-- mentoring:attention:(\S+) -->", result.dashboard))
    assert listed <= set(keys)


def test_edited_only_when_the_text_changed(result: Result) -> None:
    edits = on_dashboard(result, "edit_issue")
    scheduled_runs = 147  # 5 January to 31 May, one a day
    assert 0 < len(edits) < scheduled_runs / 3  # 28: a day when something changed
    bodies = [on_dashboard(result, "create_issue")[0]["body"]] + [e["body"] for e in edits]
    assert all(a != b for a, b in itertools.pairwise(bodies))
    assert all(e["run"] == "schedule" for e in edits)  # event runs never touch it
    assert bodies[-1] == result.dashboard
