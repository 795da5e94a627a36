"""Waiting for a mentor: one kind note on the applicant's issue, and the coordinators'
reminder in the run's summary instead of pings on the issue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from test_reconcile_links import CONFIG, COORD, _application_body, _run, _run_issue
from test_scenarios import ANSWERS, ROOT, comments, run

from mentoring.cli import reconcile
from mentoring.core.model import Action
from mentoring.github.repository import Repo
from played import LONG_PLAY_READS
from simulator.sandbox import Sandbox
from simulator.simulation import Simulation


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
    assert "median" not in note["body"]  # nobody was paired in the year before it


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


PAST_FIGURE = "As a past figure, not a promise: of the"


def _assign(at: str, issue: int) -> dict[str, Any]:
    return {"at": at, "by": "cora", "assign": {"issue": issue, "users": ["bob"]}}


def _close(at: str, issue: int) -> dict[str, Any]:
    return {"at": at, "by": "cora", "close": {"issue": issue, "reason": "not_planned"}}


def _with_pairings(paired: int, read: str = "graphql") -> Any:
    """``paired`` applicants paired 4, 6 and 8 days after applying (the third then closed),
    and dana, who waits; she says hello the day her note is due (an event run)."""
    opened = ["2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z", "2026-01-05T12:00:00Z"]
    pairs = ["2026-01-09T10:00:00Z", "2026-01-11T11:00:00Z", "2026-01-13T12:00:00Z"]
    events = [
        _apply(at, who) for at, who in zip(opened[:paired], ("ann", "ben", "cid"), strict=False)
    ]
    events += [_assign(at, n + 1) for n, at in enumerate(pairs[:paired])]
    if paired == 3:
        events.append({"at": "2026-01-20T10:00:00Z", "by": "cora", "close": {"issue": 3}})
    events += [
        _apply("2026-01-06T10:00:00Z", "dana"),
        {
            "at": "2026-02-05T12:00:00Z",
            "by": "dana",
            "comment": {"issue": paired + 1, "body": "Hello! Still keen."},
        },
    ]
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-02-10T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin", "bob": "write"},
        "events": events,
    }
    return Simulation(scenario, ROOT, read=read).run(reconcile.main)


def test_quick_pairings_say_nothing_to_someone_who_waited_longer() -> None:
    # Three applicants paired within 8 days tell dana, who has waited 30, nothing about
    # her own wait: the note leaves the figure out.
    result = _with_pairings(3)
    [note] = comments(result, "waiting", 4)
    # Due on 5 February at 10:00; dana's comment's run holds it for the scheduled run.
    assert note["at"].startswith("2026-02-06T06:17")
    assert "past figure" not in note["body"]
    assert "median" not in note["body"]


def _long_waits(read: str = "graphql") -> Any:
    """Three applicants paired after a day; five who waited four months and were closed
    without a mentor; three paired after 39, 48 and 60 days; then nia, who waits, and
    gets the note after her 30th day."""
    events: list[dict[str, Any]] = []
    for n in range(3):  # 1-3: paired the next day
        events += [_apply(f"2026-01-0{5 + n}T10:00:00Z", f"p{n}")]
        events += [_assign(f"2026-01-0{6 + n}T10:00:00Z", n + 1)]
    for n in range(5):  # 4-8: waited four months, then closed without a mentor
        events += [_apply(f"2026-01-1{n}T10:00:00Z", f"w{n}")]
        events += [_close(f"2026-05-1{n}T10:00:00Z", n + 4)]
    for n, paired in enumerate(("2026-03-12T10:00:00Z", "2026-03-22T10:00:00Z")):  # 9-10
        events += [_apply(f"2026-02-0{n + 1}T10:00:00Z", f"s{n}"), _assign(paired, n + 9)]
    events += [_apply("2026-03-01T10:00:00Z", "s2"), _assign("2026-04-30T10:00:00Z", 11)]
    events += [_apply("2026-06-01T10:00:00Z", "nia")]  # 12
    scenario = {
        "start": "2026-01-01T00:00:00Z",
        "end": "2026-07-08T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "cadence": {"mentor_wait_days": 30}},
        "collaborators": {"cora": "admin", "bob": "write"},
        "events": events,
    }
    return Simulation(scenario, ROOT, read=read).run(reconcile.main)


@pytest.mark.parametrize("read", LONG_PLAY_READS)
def test_the_waiting_note_tells_what_became_of_waits_as_long(read: str) -> None:
    result = _long_waits(read)
    notes = {
        a["issue"]: a for a in result.actions if a["type"] == "comment" and a["kind"] == "waiting"
    }
    # The first eight waited 30 days before any wait that long had ended: no figure.
    for issue in range(4, 9):
        assert "past figure" not in notes[issue]["body"]
    # nia, at the first run after her 30th day: of the waits over the year that ended
    # after 30 days or more, five closed without a mentor and three were paired after 39,
    # 48 and 60 days; the three paired the next day are not hers to compare with.
    nia = notes[12]
    assert nia["at"].startswith("2026-07-02T06:17")  # 30 days after her welcome
    assert (
        f"{PAST_FIGURE} 8 applications whose wait for a mentor ended over the last year after"
        " 30 days or more (as long as yours so far), 3 were paired, after a median of 48 days"
        " from application, and 5 were closed without a mentor." in nia["body"]
    )


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_a_held_note_is_planned_again_from_a_fresh_read(
    monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    # The scheduled run holds ana's note for the figure; before it gets back to her, a
    # coordinator assigns her a mentor (as an event run would see): no waiting note.
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        for login, permission in ((COORD, "admin"), ("bob", "write")):
            sb.add_user(login)
            sb.set_permission(login, permission)
        sb.add_user("ana")
        sb.add_user("ben")
        ana = sb.open_issue("ana", "Application", _application_body(), [CONFIG.application.label])
        assert _run_issue(sb, ana)[0] == 0
        sb.advance(days=31)
        ben = sb.open_issue("ben", "Application", _application_body(), [CONFIG.application.label])
        original = Repo.apply
        raced: list[int] = []

        def apply(self: Repo, action: Action, *, check_first: bool = False) -> None:
            if not raced and action.issue == ben:
                sb.assign(ana, COORD, ["bob"])
                raced.append(ben)
            original(self, action, check_first=check_first)

        monkeypatch.setattr(Repo, "apply", apply)
        assert _run(sb, "--read", read)[0] == 0
        assert raced == [ben]
        bodies = [c["body"] for c in sb.comments(ana)]
        assert not any("<!-- mentoring:waiting -->" in b for b in bodies)
        assert any("<!-- mentoring:paired:" in b for b in bodies)
