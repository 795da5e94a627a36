"""Renaming a label keeps what was done under its old name.

GitHub keeps the old name in old timeline events; the config lists it after the new one
(``paused: ["on hold", "mentoring: paused"]``), so a pause taken before the rename still
stops the clock after it. Through the sandbox: the `rename_label` scenario event renames
the label on GitHub (PATCH /labels/{name}) and in the config, as docs/configuration.md says.
"""

from __future__ import annotations

from typing import Any

from test_graduation import ANSWERS, BOT, ROOT

from mentoring.cli import reconcile
from simulator.simulation import Simulation


def _scenario(*later: dict[str, Any]) -> dict[str, Any]:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-03-25T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write", BOT: "write"},
        "events": [
            {
                "at": "2026-01-05T10:00:00Z",
                "by": "alice",
                "open_issue": {"template": "mentee-application.yml", "answers": ANSWERS},
            },
            {"at": "2026-01-06T09:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
            {
                "at": "2026-01-20T00:00:00Z",
                "by": "cora",
                "add_labels": {"issue": 1, "labels": ["mentoring: paused"]},
            },
            {
                "at": "2026-03-01T00:00:00Z",
                "by": "cora",
                "remove_labels": {"issue": 1, "labels": ["mentoring: paused"]},
            },
            *later,
        ],
    }


RENAME = {
    "at": "2026-03-01T01:00:00Z",
    "by": "cora",
    "rename_label": {"from": "mentoring: paused", "to": "on hold"},
}


def _checkins(result: Any) -> list[str]:
    return [a["at"][:10] for a in result.actions if a["kind"] == "checkin"]


def test_a_pause_taken_under_the_old_name_still_stops_the_clock_after_the_rename() -> None:
    # Paired 6 January 09:00; paused 40 days: check-in 1 falls due on 18 March at 09:00.
    plain = Simulation(_scenario(), ROOT).run(reconcile.main)
    assert _checkins(plain) == ["2026-03-19"]
    sim = Simulation(_scenario(RENAME), ROOT)
    renamed = sim.run(reconcile.main)
    assert _checkins(renamed) == ["2026-03-19"]  # not on 1 March: the old pause counts
    labels = {lb.name for lb in sim.sandbox.state.labels.values()}
    assert "on hold" in labels
    assert "mentoring: paused" not in labels


def test_the_ready_reminder_still_comes_when_the_ready_label_was_renamed() -> None:
    # /ready on 1 March puts the ready label on under its old name; renamed a day later.
    # The reminder is due 30 days of running clock after that `labeled` event.
    ready = {"at": "2026-03-01T09:00:00Z", "by": "bob", "comment": {"issue": 1, "body": "/ready"}}
    rename = {
        "at": "2026-03-02T00:00:00Z",
        "by": "cora",
        "rename_label": {"from": "mentoring: ready", "to": "ready to graduate"},
    }
    scenario = {**_scenario(ready, rename), "end": "2026-04-05T00:00:00Z"}
    plain = Simulation({**_scenario(ready), "end": "2026-04-05T00:00:00Z"}, ROOT)
    expected = [
        a["at"][:10] for a in plain.run(reconcile.main).actions if a["kind"] == "ready-reminder"
    ]
    assert expected == ["2026-04-01"]  # 31 March 09:00, and the next run at 06:17
    renamed = Simulation(scenario, ROOT).run(reconcile.main)
    assert [a["at"][:10] for a in renamed.actions if a["kind"] == "ready-reminder"] == expected
