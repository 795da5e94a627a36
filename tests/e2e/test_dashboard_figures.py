"""The dashboard's figures take every application in their window, the closed ones
included: an application paired and then closed still counts in the median days from
application to pairing, on both read paths."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_scenarios import ANSWERS, FORM, ROOT, apply, scenario

from mentoring.cli import reconcile
from simulator import issue_forms
from simulator.sandbox import Fault, Sandbox
from simulator.simulation import Simulation

MEDIAN = "- Median days from application to pairing: "


def _assign(at: str, issue: int, mentor: str) -> dict[str, Any]:
    return {"at": at, "by": "cora", "assign": {"issue": issue, "users": [mentor]}}


def _close(at: str, issue: int, reason: str) -> dict[str, Any]:
    return {"at": at, "by": "cora", "close": {"issue": issue, "reason": reason}}


STORY = scenario(
    "2026-01-05T00:00:00Z",
    "2026-01-24T00:00:00Z",
    [
        apply("2026-01-05T10:00:00Z", "alice", name="Alice"),
        apply("2026-01-06T10:00:00Z", "carol", name="Carol"),
        apply("2026-01-07T10:00:00Z", "erin", name="Erin"),
        _assign("2026-01-08T10:00:00Z", 2, "dan"),  # carol: 2 days, still open
        _assign("2026-01-11T10:00:00Z", 3, "bob"),  # erin: 4 days, then closed
        _close("2026-01-12T10:00:00Z", 3, "not_planned"),
        _assign("2026-01-15T10:00:00Z", 1, "bob"),  # alice: 10 days, then closed
        _close("2026-01-20T10:00:00Z", 1, "completed"),
    ],
)
STORY["config"]["dashboard"] = {"enabled": True}


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_closed_applications_count_in_the_median_days_to_pairing(read: str) -> None:
    result = Simulation(STORY, ROOT, read=read).run(reconcile.main)
    assert result.failed_runs == 0
    (line,) = [ln for ln in result.dashboard.splitlines() if ln.startswith(MEDIAN)]
    # 2, 4 and 10 days: the median is 4 (carol's 2 alone, before closed ones counted).
    assert line.startswith(MEDIAN + "4.0 ")


# --- the cost, and a read that fails ----------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / ".github", checkout / ".github")
    shutil.copytree(ROOT / "templates", checkout / "templates")
    shutil.copy2(ROOT / "participants.yml", checkout / "participants.yml")
    return checkout


def _run(sb: Sandbox, root: Path, read: str = "rest") -> int:
    env = {
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
    }
    sb.clear_logs()
    args = ["--root", str(root), f"--read={read}"]
    return reconcile.main(args, env=env, now=sb.now, sleep=lambda s: None)


def _median(sb: Sandbox) -> str:
    (board,) = [i for i in sb.state.issues.values() if "mentoring: dashboard" in i.labels]
    (line,) = [ln for ln in board.body.splitlines() if ln.startswith(MEDIAN)]
    return line.removeprefix(MEDIAN).split()[0]


def _paired_and_closed(sandbox: Sandbox) -> int:
    """Two applications paired after 2 and 6 days; the second closed. Returns its number."""
    sandbox.set_permission("astropy-mentoring-coordinator", "admin")
    sandbox.set_permission("bob", "write")
    body = issue_forms.render_body(FORM, ANSWERS)
    first = sandbox.open_issue("alice", "Application", body, ["application"])
    second = sandbox.open_issue("carol", "Application", body, ["application"])
    sandbox.advance(days=2)
    sandbox.assign(second, "astropy-mentoring-coordinator", ["bob"])
    sandbox.advance(days=4)
    sandbox.assign(first, "astropy-mentoring-coordinator", ["bob"])
    sandbox.advance(days=1)
    sandbox.close(first, "astropy-mentoring-coordinator")
    sandbox.advance(days=1)
    return first


def test_over_graphql_the_closed_timelines_come_with_the_first_query(
    sandbox: Sandbox, root: Path
) -> None:
    _paired_and_closed(sandbox)
    assert _run(sandbox, root, "graphql") == 0
    assert _median(sandbox) == "4.0"
    sandbox.advance(days=1)
    assert _run(sandbox, root, "graphql") == 0
    # An idle run: one query, and one for the reactions on the open one's pairing comment
    # (signs of life); nothing over REST, the closed application's pairing known.
    queries = [r["request_body"]["query"] for r in sandbox.request_log if r["path"] == "/graphql"]
    assert len(sandbox.request_log) == len(queries) == 2
    assert "query CommentReactions(" in queries[1]
    assert _median(sandbox) == "4.0"


def test_one_timeline_read_per_closed_application_and_no_figures_without_it(
    sandbox: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _paired_and_closed(sandbox)
    assert _run(sandbox, root) == 0
    assert {w["type"] for w in sandbox.writes} >= {"create_issue"}
    assert _median(sandbox) == "4.0"  # 2 and 6 days
    # The figures' cost: the closed application's timeline, one request.
    timelines = [r["path"] for r in sandbox.request_log if r["path"].endswith("/timeline")]
    assert timelines.count(f"/repos/{sandbox.owner}/{sandbox.repo}/issues/{first}/timeline") == 1

    # It cannot be read: the run fails and says so; the figures are not made without it.
    sandbox.advance(days=1)
    sandbox.inject(Fault.ERROR_BEFORE, method="GET", path=rf"/issues/{first}/timeline$", count=9)
    capsys.readouterr()
    assert _run(sandbox, root) == 1
    assert "the dashboard's figures could not be read (#1: timeline could not be read" in (
        capsys.readouterr().out
    )
    assert sandbox.writes == []
