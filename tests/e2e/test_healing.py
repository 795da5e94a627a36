"""Self-healing: a doubled bot comment is deleted by the next run.

Through the sandbox: the bot's login posts a second welcome, as a run racing another
would; the next scheduled run deletes the later one (GitHub's 204), and later runs find
nothing more to do.
"""

from __future__ import annotations

from typing import Any

from test_graduation import ANSWERS, BOT, ROOT

from mentoring.cli import reconcile
from simulator.simulation import Simulation


def _scenario(*extra_events: dict[str, Any]) -> dict[str, Any]:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-01-09T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", BOT: "write"},
        "events": [
            {
                "at": "2026-01-05T10:00:00Z",
                "by": "alice",
                "open_issue": {"template": "mentee-application.yml", "answers": ANSWERS},
            },
            *extra_events,
        ],
    }


def test_a_doubled_welcome_is_deleted_once_by_the_next_run() -> None:
    doubled = {
        "at": "2026-01-05T10:00:30Z",
        "by": BOT,  # the bot's own login: starts no workflow run, like a racing run's post
        "comment": {"issue": 1, "body": "Welcome again!\n<!-- mentoring:welcome -->"},
    }
    sim = Simulation(_scenario(doubled), ROOT)
    result = sim.run(reconcile.main)
    comments = [a for a in result.actions if a["type"] == "comment" and a["issue"] == 1]
    assert [(c["kind"], c["run"]) for c in comments] == [("welcome", "issues.opened")]
    deletions = [a for a in result.actions if a["type"] == "delete_comment"]
    assert [(d["issue"], d["run"], d["at"][:10]) for d in deletions] == [
        (1, "schedule", "2026-01-06")
    ]
    (kept,) = sim.sandbox.comments(1)  # the first welcome stays, the later one is gone
    assert kept["user"]["login"] == BOT
    assert kept["body"].startswith("Hello @alice")
    # The runs after it (7 and 8 January) have nothing left to do on the issue.
    assert [a for a in result.actions if a["at"] > deletions[0]["at"]] == []
