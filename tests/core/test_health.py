"""Schedule health: a warning when an event run finds a check-in the schedule never posted."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.core.health import (
    KIND,
    STALL_AFTER,
    UNREADABLE,
    Schedule,
    ScheduledRun,
    plan_health,
)
from mentoring.core.model import PostComment
from paths import ROOT_DIR
from planner_cases import BOT, CONFIG, COORD, DAY, RENDERER, T0, Story, at, daily
from simulator.simulation import Simulation

ROOT = ROOT_DIR
MENTOR = "mo"
PAIRED = T0 + DAY  # check-in 1 is due a month later: 2026-02-06 10:00


def paired() -> Story:
    story = Story()
    story.run(T0)
    story.assign(MENTOR, PAIRED)
    story.run(PAIRED + DAY)
    return story


def event_run(
    story: Story, now: datetime, schedule: Schedule | None = None
) -> tuple[PostComment, ...]:
    """What an event run at ``now`` posts: the planner's comments, then any health warning
    (``schedule``: what the Actions API answered; None: not asked, the timeline alone)."""
    plan = story.plan(now)
    extra = plan_health(story.snapshot(), plan, CONFIG, now, RENDERER, schedule)
    story.apply(plan.actions + extra, now)
    return tuple(a for a in plan.actions + extra if isinstance(a, PostComment))


def kinds(posted: tuple[PostComment, ...]) -> list[tuple[str, str | None]]:
    return [(c.kind, c.key) for c in posted]


def test_a_working_schedule_never_warns() -> None:
    story = paired()
    for when in daily(PAIRED + 2 * DAY, at(2026, 12, 31)):
        story.run(when)  # the schedule posts every check-in within a day
        for comment in event_run(story, when + DAY / 3):  # and an event every day
            assert comment.kind != KIND


def test_an_event_just_after_the_due_time_posts_the_check_in_without_a_warning() -> None:
    story = paired()
    assert kinds(event_run(story, at(2026, 2, 7, 9))) == [("checkin", "1")]


def test_a_stalled_schedule_is_reported_once_with_the_way_back() -> None:
    story = paired()
    posted = event_run(story, at(2026, 2, 20, 9))  # two weeks after check-in 1 fell due
    assert kinds(posted) == [("checkin", "1"), (KIND, "2026-02-06")]
    warning = posted[1].body
    assert warning.startswith(f"@{COORD}: the daily scheduled run of the **Mentoring** workflow")
    assert "Friday 6 February 2026 was still not posted 13 days later" in warning
    assert "60 days" in warning
    assert "**Actions** tab" in warning
    assert "**Enable workflow**" in warning
    assert warning.endswith(f"<!-- mentoring:{KIND}:2026-02-06 -->")
    # More events during the same stall: the check-in is posted now, nothing more to say.
    assert event_run(story, at(2026, 2, 25, 9)) == ()
    assert event_run(story, at(2026, 3, 1, 9)) == ()


def test_a_stall_that_lasts_is_reported_again_for_the_next_missed_check_in() -> None:
    story = paired()
    event_run(story, at(2026, 2, 20, 9))
    posted = event_run(story, at(2026, 3, 20, 9))
    assert kinds(posted) == [("checkin", "2"), (KIND, "2026-03-06")]


def test_not_yet_two_days_late_is_not_a_stall() -> None:
    story = paired()
    due = at(2026, 2, 6, 10)
    assert kinds(event_run(story, due + STALL_AFTER)) == [("checkin", "1")]


@pytest.mark.parametrize(
    ("change", "now", "posts"),
    [
        # A mentor assigned after weeks without one: that gap does not count as mentoring
        # time, so nothing is due yet, and nothing is late.
        (lambda s: s.unassign(MENTOR, at(2026, 1, 30)).assign("mia", at(2026, 2, 19)), 19, []),
        # Closed just before the schedule's next run, reopened just now.
        (lambda s: s.close(at(2026, 2, 7)).reopen(at(2026, 2, 19)), 19, ["checkin"]),
        # The mentor swapped yesterday.
        (
            lambda s: s.unassign(MENTOR, at(2026, 2, 18)).assign("mia", at(2026, 2, 18)),
            19,
            ["checkin"],
        ),
    ],
)
def test_without_the_actions_api_a_recent_change_of_state_is_not_a_stall(
    change: Any, now: int, posts: list
) -> None:
    story = paired()
    change(story)
    posted = event_run(story, at(2026, 2, now, 12), UNREADABLE)
    assert [c.kind for c in posted if c.kind in ("checkin", KIND)] == posts


def test_a_warning_pasted_by_someone_else_does_not_count() -> None:
    story = paired()
    story.comment("mallory", f"<!-- mentoring:{KIND}:2026-02-06 -->", at(2026, 2, 10))
    assert (KIND, "2026-02-06") in kinds(event_run(story, at(2026, 2, 20, 9)))


def test_the_bot_own_warning_counts() -> None:
    story = paired()
    story.comment(BOT, f"x <!-- mentoring:{KIND}:2026-02-06 -->", at(2026, 2, 10))
    plan = story.plan(at(2026, 2, 20, 9))
    assert plan_health(story.snapshot(), plan, CONFIG, at(2026, 2, 20, 9), RENDERER) == ()


# --- end to end, with the workflows' triggers --------------------------------------------

COC = [
    "I agree to follow the [Astropy Community Code of Conduct](https://www.astropy.org/code_of_conduct.html)."
]


def outage_scenario(events: list[dict[str, Any]], outages: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-06-01T00:00:00Z",
        "schedule": "17 6 * * *",
        "schedule_outages": outages,
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin", "bob": "write"},
        "events": [
            {
                "at": "2026-01-05T10:00:00Z",
                "by": "alice",
                "open_issue": {
                    "template": "mentee-application.yml",
                    "answers": {
                        "name": "Alice",
                        "role": "Maintainer",
                        "availability": "Weekends",
                        "code_of_conduct": COC,
                    },
                },
            },
            {"at": "2026-01-10T06:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
            *events,
        ],
    }


def warnings(result: Any) -> list[dict[str, Any]]:
    return [a for a in result.actions if a["kind"] == KIND]


def test_a_long_outage_with_a_comment_during_it_gives_exactly_one_warning() -> None:
    comments = [
        {"at": "2026-03-20T09:00:00Z", "by": "bob", "comment": {"issue": 1, "body": "All good."}},
        {"at": "2026-03-25T09:00:00Z", "by": "alice", "comment": {"issue": 1, "body": "Yes!"}},
    ]
    outage = [{"from": "2026-02-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"}]
    result = Simulation(outage_scenario(comments, outage), ROOT).run(reconcile.main)
    found = warnings(result)
    assert len(found) == 1
    assert (found[0]["run"], found[0]["key"], found[0]["issue"]) == (
        "issue_comment.created",
        "2026-03-10",
        1,
    )
    assert "@cora" in found[0]["body"]


def test_the_same_comments_with_the_schedule_running_give_no_warning() -> None:
    comments = [
        {"at": "2026-03-20T09:00:00Z", "by": "bob", "comment": {"issue": 1, "body": "All good."}},
    ]
    result = Simulation(outage_scenario(comments, []), ROOT).run(reconcile.main)
    assert warnings(result) == []


# --- the Actions API: is the schedule really off? -----------------------------------------

NOW = at(2026, 2, 20, 9)  # two weeks after check-in 1 fell due


def ran(hours_ago: float, conclusion: str | None = "success") -> Schedule:
    return Schedule(ScheduledRun(NOW - timedelta(hours=hours_ago), conclusion))


@pytest.mark.parametrize(
    ("schedule", "warns"),
    [
        (ran(3), False),  # it ran this morning: the state held the check-in back
        (ran(0, None), False),  # running now
        (ran(47), False),
        (ran(24 * 3), True),  # nothing for three days: stopped
        (Schedule(None), True),  # never ran at all
        (ran(3, "failure"), True),  # it runs, and fails
        (ran(3, "cancelled"), False),  # replaced by a newer run of its group
        (UNREADABLE, True),  # the timeline alone, nothing changed since the due time
        (None, True),  # not asked yet: planned, for the caller to ask
    ],
)
def test_the_actions_api_decides_whether_the_schedule_stopped(
    schedule: Schedule | None, warns: bool
) -> None:
    posted = event_run(paired(), NOW, schedule)
    assert ((KIND, "2026-02-06") in kinds(posted)) is warns


def test_a_pause_that_began_after_the_due_time_is_no_stall() -> None:
    # Paused in the evening of the due day, before the schedule's next run; resumed now
    # (the label is still on as this run plans: its /resume reply removes it).
    story = paired()
    story.label(CONFIG.labels.paused, at(2026, 2, 6, 20))
    story.comment("alice", "/resume", at(2026, 3, 2, 10))
    for schedule in (None, UNREADABLE):
        posted = event_run(story.copy(), at(2026, 3, 2, 10, 1), schedule)
        assert KIND not in [c.kind for c in posted]
        assert "checkin" in [c.kind for c in posted]


def test_a_pause_after_two_days_of_running_clock_is_a_stall_the_api_confirms() -> None:
    story = paired()
    story.label(CONFIG.labels.paused, at(2026, 2, 11, 10))
    story.comment("alice", "/resume", at(2026, 3, 2, 10))
    when = at(2026, 3, 2, 10, 1)
    stopped = Schedule(ScheduledRun(at(2026, 1, 31, 6), "success"))
    assert (KIND, "2026-02-06") in kinds(event_run(story.copy(), when, stopped))
    # Without the API the pause may explain it: nothing said.
    assert KIND not in [c.kind for c in event_run(story.copy(), when, UNREADABLE)]
