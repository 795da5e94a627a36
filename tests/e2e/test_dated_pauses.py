"""Pauses with a date, end to end: ``/pause until YYYY-MM-DD`` through the sandbox and the
real reconcile.py, on both read paths; the pause ended by the first run on its day,
once, through outages and faults; a long pause without a date asked about once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from test_faults import BOT, MENTEE, Runner, _stage
from test_scenarios import PAUSED, ROOT, comments, label_story
from test_scenarios import applicant as _apply
from test_scenarios import assign as _assign
from test_scenarios import say as _say

from mentoring.cli import reconcile
from played import LONG_PLAY_READS, group
from simulator.sandbox import Fault, Sandbox
from simulator.simulation import Simulation

# The module's played runs are shared: its tests stay on one worker (tests/played.py).
pytestmark = group("dated-pauses")

READS = ("graphql", "rest")


def _at(month: int, day: int, hour: int = 10) -> str:
    return f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z"


def _labels(at: str, issue: int, change: str) -> dict[str, Any]:
    return {"at": at, "by": "cora", change: {"issue": issue, "labels": [PAUSED]}}


# Five mentorships paired in January, each paused until 1 March in February, and what
# then happens to each; a sixth paused without a date.
EVENTS: list[dict[str, Any]] = [
    *(_apply(_at(1, 5, 9 + i), who) for i, who in enumerate(("ana", "ben", "cai", "dee", "eve"))),
    _apply(_at(1, 5, 15), "fay"),
    *(_assign(_at(1, 6, 9 + i), i + 1, "bob") for i in range(6)),
    # 1: ends by itself on 1 March; the refusals first.
    _say(_at(2, 9, 9), "ana", "/pause until 2026-02-08", 1),
    _say(_at(2, 9, 10), "ana", "/pause until 2027-02-10", 1),
    _say(_at(2, 9, 11), "ana", "/pause until 2026-02-30", 1),
    _say(_at(2, 9, 12), "ana", "/pause until 2026-03-01T00:00", 1),
    _say(_at(2, 9, 13), "ana", "/pause until \uff12\uff10\uff12\uff16-03-01", 1),
    _say(_at(2, 10), "ana", "/pause until 2026-03-01 exams", 1),
    # 2: resumed early, then paused without a date: the old date is not taken.
    _say(_at(2, 10), "ben", "/pause until 2026-03-01", 2),
    _say(_at(2, 15), "bob", "/resume", 2),
    _say(_at(2, 20), "ben", "/pause", 2),
    # 3: a new date replaces the old one.
    _say(_at(2, 10), "cai", "/pause until 2026-03-01", 3),
    _say(_at(2, 20), "bob", "/pause until 2026-03-10", 3),
    # 4: the coordinator takes the label off, and later puts it on again, by hand.
    _say(_at(2, 10), "dee", "/pause until 2026-03-01", 4),
    _labels(_at(2, 20), 4, "remove_labels"),
    _labels(_at(2, 25), 4, "add_labels"),
    # 5: until and words: a pause without a date, and its reason.
    _say(_at(2, 10), "eve", "/pause until the exams are over", 5),
    # 6: a pause without a date, long enough for the one reminder.
    _say(_at(1, 10), "fay", "/pause", 6),
]


@pytest.fixture(scope="module", params=LONG_PLAY_READS)
def played(request: pytest.FixtureRequest) -> Any:
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-05-01T00:00:00Z",
        "schedule": "17 6 * * *",
        # No scheduled run from 28 February to 2 March: the first after 1 March ends it.
        "schedule_outages": [{"from": "2026-02-28T00:00:00Z", "to": "2026-03-02T00:00:00Z"}],
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write"},
        "participants": [],
        "events": EVENTS,
    }
    return Simulation(scenario, ROOT, read=request.param).run(reconcile.main)


def _replies(result: Any, issue: int) -> list[str]:
    return [c["body"].split("\n")[0] for c in comments(result, "command", issue)]


def _ended(result: Any, issue: int) -> list[dict[str, Any]]:
    return comments(result, "pause-ended", issue)


def test_a_dated_pause_ends_by_itself_at_the_first_run_after_its_day_once(played) -> None:
    [ended] = _ended(played, 1)
    assert ended["at"].startswith("2026-03-02T06:17")  # the outage held it one day
    assert ended["body"].startswith("@ana and @bob: ")
    assert "**Sunday 1 March 2026**" in ended["body"]
    assert "The next check-in is due on **" in ended["body"]
    assert [s for s in label_story(played, 1) if PAUSED in s] == [f"+{PAUSED}", f"-{PAUSED}"]
    assert PAUSED not in played.issues["1"]["labels"]
    [reply] = [r for r in _replies(played, 1) if r.startswith("Paused")]
    assert reply.startswith("Paused until **Sunday 1 March 2026**: `exams`.")


def test_dates_that_cannot_be_taken_are_refused_with_why(played) -> None:
    refusals = _replies(played, 1)[:5]
    assert "2026-02-08 is before the day this comment was written" in refusals[0]
    assert "the latest day a pause can end on is 2027-02-09" in refusals[1]
    assert "`2026-02-30` is not a day in the calendar" in refusals[2]
    assert "`2026-03-01T00:00` is not a date written as `YYYY-MM-DD`" in refusals[3]
    assert "is not a date written as `YYYY-MM-DD`" in refusals[4]


def test_a_resume_before_the_date_cancels_it_and_names_the_next_checkin(played) -> None:
    _, resumed, again = _replies(played, 2)
    assert resumed.startswith("Resumed. The clock runs again from where it stopped; the next")
    assert "the next check-in is due on **" in resumed
    assert again.startswith("Paused.")
    assert _ended(played, 2) == []
    assert PAUSED in played.issues["2"]["labels"]


def test_a_new_date_replaces_the_old_one(played) -> None:
    assert _replies(played, 3)[1].startswith("Still paused, now until **Tuesday 10 March 2026**")
    [ended] = _ended(played, 3)
    assert ended["at"].startswith("2026-03-10T06:17")
    assert PAUSED not in played.issues["3"]["labels"]


def test_a_pause_ended_by_hand_gets_no_comment_and_one_put_on_by_hand_has_no_date(
    played,
) -> None:
    assert _ended(played, 4) == []
    assert PAUSED in played.issues["4"]["labels"]


def test_until_followed_by_words_is_a_pause_without_a_date(played) -> None:
    assert _replies(played, 5) == [
        "Paused: `until the exams are over`. No check-ins while the mentorship is paused,"
        " and the clock stops until someone says `/resume` on a line of its own. After 90"
        " days the bot asks here whether to go on."
    ]
    assert _ended(played, 5) == []


def test_a_long_pause_without_a_date_is_asked_about_once(played) -> None:
    [note] = comments(played, "pause-reminder", 6)
    assert note["at"].startswith("2026-04-11T06:17")  # the first run 90 days after 10 January
    assert note["body"].startswith("@fay and @bob: ")
    assert "@cora" not in note["body"]
    # The dated pauses get none.
    assert [c for i in (1, 3) for c in comments(played, "pause-reminder", i)] == []


# --- faults at the end of a pause --------------------------------------------------------


def _paused_until_tomorrow(sandbox: Sandbox, runner: Runner) -> None:
    """Ana paired with bob, then ``/pause until`` the next day, answered."""
    for stage in (0, 1):
        _stage(sandbox, runner, stage)
        assert runner.run() == 0
    tomorrow = (sandbox.now + timedelta(days=1)).date().isoformat()
    sandbox.comment(1, MENTEE, f"/pause until {tomorrow}")
    sandbox.advance(seconds=5)
    assert runner.run() == 0  # the label goes on; the next run is on the day
    assert PAUSED in [lb["name"] for lb in sandbox.issue(1)["labels"]]


def _ended_comments(sandbox: Sandbox) -> int:
    return sum(
        1
        for c in sandbox.comments(1)
        if c["user"]["login"] == BOT and "<!-- mentoring:pause-ended:" in c["body"]
    )


@pytest.mark.parametrize("read", READS)
def test_the_label_removal_lost_announces_nothing_and_the_next_run_does_both(
    sandbox: Sandbox, checkout: Path, read: str
) -> None:
    runner = Runner(sandbox, checkout, read)
    _paused_until_tomorrow(sandbox, runner)
    sandbox.inject(Fault.ERROR_BEFORE, method="DELETE", path=r"/issues/1/labels/", count=3)
    assert runner.run() == 1
    assert PAUSED in [lb["name"] for lb in sandbox.issue(1)["labels"]]
    assert _ended_comments(sandbox) == 0
    assert runner.run() == 0
    assert PAUSED not in [lb["name"] for lb in sandbox.issue(1)["labels"]]
    assert _ended_comments(sandbox) == 1
    assert runner.run() == 0
    assert _ended_comments(sandbox) == 1


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("fault", [Fault.ERROR_BEFORE, Fault.ERROR_AFTER])
def test_the_announcement_lost_or_unseen_is_posted_once(
    sandbox: Sandbox, checkout: Path, read: str, fault: Fault
) -> None:
    runner = Runner(sandbox, checkout, read)
    _paused_until_tomorrow(sandbox, runner)
    sandbox.inject(fault, method="POST", path=r"/issues/1/comments$", count=3)
    runner.run()
    assert PAUSED not in [lb["name"] for lb in sandbox.issue(1)["labels"]]
    for _ in range(3):
        assert runner.run() == 0
    assert _ended_comments(sandbox) == 1


@pytest.mark.parametrize("read", READS)
def test_a_dated_pause_outlives_a_rename_of_the_label_and_hostile_dates_change_nothing(
    read: str,
) -> None:
    events = [
        _apply(_at(1, 5), "ana"),
        _assign(_at(1, 6), 1, "bob"),
        _say(_at(2, 9, 9), "ana", "/pause until " + "2026-" * 2_000, 1),
        _say(_at(2, 9, 10), "ana", "/pause until \u0662\u0660\u0662\u0666-03-01", 1),
        _say(_at(2, 10), "ana", "/pause until 2026-03-01", 1),
        {"at": _at(2, 20), "by": "cora", "rename_label": {"from": PAUSED, "to": "on hold"}},
    ]
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-03-05T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write"},
        "events": events,
    }
    result = Simulation(scenario, ROOT, read=read).run(reconcile.main)
    first, second, _ = _replies(result, 1)
    assert "is not a date written as `YYYY-MM-DD`" in first
    assert len(first) < 600  # the long word is cut
    assert "is not a date written as `YYYY-MM-DD`" in second
    [ended] = _ended(result, 1)
    assert ended["at"].startswith("2026-03-01T06:17")
    removed = [lb for a in result.actions if a["type"] == "remove_labels" for lb in a["labels"]]
    assert removed.count("on hold") == 1
    assert PAUSED not in removed
    assert "on hold" not in result.issues["1"]["labels"]


# --- what a review of dated pauses found -------------------------------------------------

# gus: a former mentor's /pause until is refused and sets nothing. hal: her accepted
# /pause until edited afterwards keeps the date the reply named. ida: a marker pasted by a
# person sets no date. jon: resumed before a progress review, which the reply names. kim:
# dates meant but not written as YYYY-MM-DD are refused, `until:` is a date.
REVIEWED: list[dict[str, Any]] = [
    *(_apply(_at(1, 5, 9 + i), who) for i, who in enumerate(("gus", "hal", "ida", "jon", "kim"))),
    *(_assign(_at(1, 6, 9 + i), i + 1, "bob") for i in range(5)),
    {"at": _at(1, 20), "by": "cora", "unassign": {"issue": 1, "users": ["bob"]}},
    _assign(_at(1, 20, 11), 1, "cal"),
    _say(_at(2, 10), "gus", "/pause", 1),
    _say(_at(2, 11), "bob", "/pause until 2026-03-01", 1),
    _say(_at(2, 10), "hal", "/pause until 2026-03-01", 2),
    {
        "at": _at(2, 11),
        "by": "hal",
        "edit_comment": {"issue": 2, "comment": 1, "body": "/pause until 2026-04-01"},
    },
    _say(_at(2, 10), "ida", "/pause", 3),
    _say(_at(2, 11), "ida", "<!-- mentoring:pause-until:2026-03-01 -->", 3),
    _say(_at(3, 10), "jon", "/pause", 4),
    _say(_at(3, 20), "jon", "/resume", 4),
    _say(_at(2, 9, 9), "kim", "/pause until 2026\u201303\u201301", 5),
    _say(_at(2, 9, 10), "kim", "/pause exams until 2026-03-01", 5),
    _say(_at(2, 9, 11), "kim", "/pause until 2026-13-01", 5),
    _say(_at(2, 9, 12), "kim", "/pause until 1 March 2026", 5),
    _say(_at(2, 10), "kim", "/pause until: 2026-03-01", 5),
]


@pytest.fixture(scope="module", params=LONG_PLAY_READS)
def reviewed(request: pytest.FixtureRequest) -> Any:
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-05-01T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write", "cal": "write"},
        "participants": [],
        "events": REVIEWED,
    }
    return Simulation(scenario, ROOT, read=request.param).run(reconcile.main)


def test_a_former_mentors_refused_date_ends_nothing(reviewed) -> None:
    paused, refused = _replies(reviewed, 1)
    assert paused.startswith("Paused.")
    assert refused.startswith("Only the mentee, a mentor")
    assert _ended(reviewed, 1) == []
    assert PAUSED in reviewed.issues["1"]["labels"]


def test_an_accepted_date_outlives_an_edit_of_its_comment(reviewed) -> None:
    [reply] = _replies(reviewed, 2)
    assert reply.startswith("Paused until **Sunday 1 March 2026**")
    [ended] = _ended(reviewed, 2)
    assert ended["at"].startswith("2026-03-01T06:17")
    assert PAUSED not in reviewed.issues["2"]["labels"]
    assert comments(reviewed, "pause-reminder", 2) == []


def test_a_pasted_marker_sets_no_date(reviewed) -> None:
    assert _ended(reviewed, 3) == []
    assert PAUSED in reviewed.issues["3"]["labels"]


def test_the_resume_names_the_next_progress_review_and_when_it_is_posted(reviewed) -> None:
    _, resumed = _replies(reviewed, 4)
    assert resumed == (
        "Resumed. The clock runs again from where it stopped; the next progress review is due"
        " on **Thursday 16 April 2026**, and the bot posts it at its first run after that."
    )
    [review] = comments(reviewed, "review", 4)
    assert review["at"].startswith("2026-04-17T06:17")  # due at noon: the next day's run
    assert comments(reviewed, "checkin", 4)[-1]["at"] < "2026-03-10"


def test_dates_meant_but_not_written_as_iso_are_refused_and_until_colon_is_a_date(
    reviewed,
) -> None:
    dashes, placed, month, spelled, taken = _replies(reviewed, 5)
    assert "`2026\u201303\u201301` is not a date written as `YYYY-MM-DD`" in dashes
    assert "`until 2026-03-01` sets the day a pause ends only right after `/pause`" in placed
    assert "`2026-13-01` is not a day in the calendar: months go from 01 to 12" in month
    assert "`1 March` is not a date written as `YYYY-MM-DD`" in spelled
    assert taken.startswith("Paused until **Sunday 1 March 2026**.")
    assert [s for s in label_story(reviewed, 5) if PAUSED in s] == [f"+{PAUSED}", f"-{PAUSED}"]
    assert _ended(reviewed, 5)[0]["at"].startswith("2026-03-01T06:17")
