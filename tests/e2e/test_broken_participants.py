"""A participants.yml broken on the default branch stops only what needs it, and says so
once on the dashboard.

End to end through the sandbox: a merge leaves the file broken (a scenario), then the
runs that follow, the file's fix and the dashboard item leaving with it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
from test_graduation import (
    ANSWERS,
    BOT,
    _apply,
    _event_run,
    _graduated,
    _graduation_run,
    _marked,
    _scheduled_run,
    sb,
)

from mentoring.cli import reconcile
from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.participants import Problem
from mentoring.core.render import Renderer
from mentoring.files.config import load_config
from mentoring.files.participants import parse_participants
from paths import ROOT_DIR
from simulator.sandbox import Sandbox
from simulator.simulation import Simulation

__all__ = ["sb"]  # the sandbox fixture, shared with the graduation tests

NOTICE = "**participants file broken**: `participants.yml` on the default branch"
TOLD = "- `participants.yml`: broken since"  # its line in the coordinators' digest


def _application(at: str, login: str) -> dict[str, Any]:
    answers = {**ANSWERS, "name": login.title()}
    return {
        "at": at,
        "by": login,
        "open_issue": {"template": "mentee-application.yml", "answers": answers},
    }


def test_a_merge_that_breaks_the_file_holds_graduation_and_nothing_else() -> None:
    # Entries appended under `[]  # nobody yet` (the empty list kept, with a comment):
    # the merged file is no longer YAML.
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-03-10T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin", "bob": "write", BOT: "write"},
        "files": {"participants.yml": "# The program's graduates.\n[]  # nobody yet\n"},
        "events": [
            _application("2026-01-05T10:00:00Z", "alice"),
            _application("2026-01-05T11:00:00Z", "dave"),
            {"at": "2026-01-06T09:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
            {"at": "2026-01-06T09:05:00Z", "by": "cora", "assign": {"issue": 2, "users": ["bob"]}},
            {
                "at": "2026-03-01T12:00:00Z",
                "by": "alice",
                "merge_pull_request": {
                    "title": "Add Alice",
                    "body": "Closes #1",
                    "participants_add": [{"name": "Alice", "github": "alice", "issue": 1}],
                    "merged_by": "cora",
                },
            },
        ],
    }
    result = Simulation(scenario, ROOT_DIR).run(reconcile.main)
    after = [a for a in result.actions if a["at"] >= "2026-03-01T12:00:00Z"]
    comments = [(a["issue"], a["kind"]) for a in after if a["type"] == "comment"]
    # Dave's check-in comes as due; nothing about graduation is said anywhere (the merge
    # closed #1 by its keyword: no congratulations, no "closed without graduating" note,
    # no note on the pull request), and the coordinators hear of the file once.
    assert (2, "checkin") in comments
    # (Dave's quiet mentorship is not stalled by then: that takes a review period and its
    # reply days without a sign of life, no longer 60 days.)
    assert [c for c in comments if c[1] != "checkin"] == [(3, "dashboard-digest")]
    notices = [a["body"] for a in after if a.get("kind") == "dashboard-digest"]
    assert sum(TOLD in body for body in notices) == 1
    assert "`participants.yml`: broken since 2026-03-01 (line 3)" in notices[0]
    assert "mentoring: graduated" not in result.issues["1"]["labels"]
    assert NOTICE in result.dashboard


BROKEN = {
    "unparseable": ("[]  # nobody yet\n- name: Alice\n  github: alice\n  issue: {n}\n", 2),
    "entry with a problem": ("- name: Alice\n  github: '@alice'\n  issue: {n}\n", 2),
}


@pytest.mark.parametrize("broken", BROKEN, ids=list(BROKEN))
def test_a_broken_file_is_told_once_and_the_item_leaves_when_it_is_fixed(
    sb: Sandbox, tmp_path: Any, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    text, line = BROKEN[broken]
    number = _apply(sb, "alice")
    sb.advance(days=60)
    entry = text.format(n=number)
    pull = sb.open_pull_request(
        "alice", "Add Alice", f"Closes #{number}", {"participants.yml": entry}
    )
    sb.merge_pull_request(pull, "cora")
    assert _graduation_run(sb, tmp_path, pull) == 0
    closed = {"action": "closed", "issue": sb.issue(number)}
    assert _event_run(sb, tmp_path, "issues", closed, "graphql") == 0
    assert sb.comments(pull) == []  # no note that the entry graduates nobody
    assert _graduated(sb, number) == []
    assert _marked(sb, number, "closed-not-graduated") == []
    capsys.readouterr()
    sb.advance(days=1)
    assert _scheduled_run(sb, tmp_path) == 0  # the run goes on: exit 0, a warning
    printed = capsys.readouterr().out
    assert (
        f"::warning file=participants.yml,line={line}::participants.yml has problems, so this"
        " run graduates nobody"
    ) in printed
    (board,) = [w["issue"] for w in sb.writes if w["type"] == "create_issue"]
    assert NOTICE in sb.issue(board)["body"]
    assert f"line {line}" in sb.issue(board)["body"]
    sb.advance(days=1)
    assert _scheduled_run(sb, tmp_path) == 0
    told = [c["body"] for c in sb.comments(board) if TOLD in c["body"]]
    assert len(told) == 1  # said once, not every run
    # Fixed: the item leaves without a word, and the graduation held back happens.
    fixed = f"- name: Alice\n  github: alice\n  issue: {number}\n"
    sb.set_file("participants.yml", fixed)
    sb.advance(days=1)
    comments_before = len(sb.comments(board))
    assert _scheduled_run(sb, tmp_path) == 0
    assert NOTICE not in sb.issue(board)["body"]
    assert len(sb.comments(board)) == comments_before
    assert len(_graduated(sb, number)) == 1
    assert _marked(sb, number, "closed-not-graduated") == []


def test_the_file_item_names_its_first_problem_and_is_keyed_by_its_last_change() -> None:
    """The digest's words (a golden file); a file without problems has no item."""
    changed = datetime(2026, 3, 1, 12, tzinfo=UTC)
    text = "- name: Alice\n  github: '@alice'\n- name: Bo\n  gihub: bo\n"
    problems = parse_participants(text, "participants.yml").problems
    (item,) = dash.file_items(problems, changed)
    assert item.key == "0/participants-unreadable/2026-03-01"
    assert item.detail.startswith("2:entry 1 (line 2): `github` must be a GitHub username")
    assert dash.file_items((), changed) == []
    assert dash.file_items((Problem("participants.yml", 1, "x"),), None) == []
    notice, _ = view.digest(Renderer(), load_config(ROOT_DIR), [item])
    path = ROOT_DIR / "tests" / "golden" / "dashboard" / "digest-participants-file.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(notice + "\n", encoding="utf-8")
    assert notice + "\n" == path.read_text(encoding="utf-8")
