"""A registered mentor away, end to end: ``/away [until YYYY-MM-DD]`` and ``/back`` on a
mentor registration through the sandbox and the real reconcile.py, on both read paths;
the refusals; the away ended by the first run on its day, once, through faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from test_reconcile_links import CONFIG, COORD, _application_body, _register, _run, _run_issue
from test_registration_race import _register as _open_registration
from test_scenarios import ROOT, comments, label_story
from test_scenarios import applicant as _apply
from test_scenarios import say as _say

from mentoring.cli import reconcile
from played import group
from simulator.sandbox import Fault, Sandbox
from simulator.simulation import Simulation

# The module's played runs are shared: its tests stay on one worker (tests/played.py).
pytestmark = group("away")

AWAY = "mentoring: away"
READS = ("graphql", "rest")


def _at(month: int, day: int, hour: int = 10) -> str:
    return f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z"


EVENTS: list[dict[str, Any]] = [
    _register(_at(1, 5, 9), "bob"),  # 1
    _apply(_at(1, 5, 10), "ana"),  # 2
    _register(_at(1, 5, 11), "dee"),  # 3
    # 1: the refusals first, then away until 1 February.
    _say(_at(1, 9, 9), "mallory", "/away", 1),
    _say(_at(1, 9, 10), "bob", "/away until 2026-01-01", 1),
    _say(_at(1, 9, 11), "bob", "/away until the exams are over", 1),
    _say(_at(1, 9, 12), "bob", "/away until 2026-02-30", 1),
    _say(_at(1, 9, 13), "bob", "/away until 2027-01-10", 1),
    _say(_at(1, 9, 14), "bob", "/pause", 1),
    _say(_at(1, 10), "bob", "/away until 2026-02-01", 1),
    _say(_at(1, 12), "ana", "/help", 1),
    # 1 again, after the date: /back when not away; a coordinator's /away; bob's /back.
    _say(_at(2, 10), "bob", "/back", 1),
    _say(_at(2, 11), "cora", "/away", 1),
    _say(_at(2, 20), "bob", "/back", 1),
    # 2: the registration's commands do not apply on an application.
    _say(_at(1, 10), "ana", "/away", 2),
    _say(_at(1, 11), "ana", "/help", 2),
    # 3: away without a date stays away.
    _say(_at(1, 10), "dee", "/away", 3),
]


@pytest.fixture(scope="module", params=READS)
def played(request: pytest.FixtureRequest) -> Any:
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-03-01T00:00:00Z",
        "schedule": "17 6 * * *",
        "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", "bob": "write", "dee": "write"},
        "events": EVENTS,
    }
    return Simulation(scenario, ROOT, read=request.param).run(reconcile.main)


def _replies(result: Any, issue: int) -> list[str]:
    return [c["body"].split("\n")[0] for c in comments(result, "command", issue)]


def test_every_command_on_a_registration_gets_one_reply(played) -> None:
    replies = _replies(played, 1)
    assert len(replies) == 11
    assert replies[0].startswith("Only the mentor who registered here or a coordinator can use")
    assert "2026-01-01 is before the day this comment was written" in replies[1]
    assert replies[2].startswith("`/away` takes only `until` and a date, and no other words")
    assert "`2026-02-30` is not a day in the calendar" in replies[3]
    assert "the latest day an away can end on is 2027-01-09" in replies[4]
    assert replies[5].startswith("`/pause` is for application issues")
    assert replies[6].startswith("Away until **Sunday 1 February 2026**: bob is left out")
    assert replies[8] == "You are not marked away, so there is nothing to end."
    assert replies[9].startswith("Away: bob is left out of the mentors suggested")
    assert replies[10].startswith("Welcome back! bob is among the mentors suggested")


def test_help_on_a_registration_lists_away_and_back_and_on_an_application_does_not(
    played,
) -> None:
    [registration_help] = [
        c["body"] for c in comments(played, "command", 1) if "| `/help` |" in c["body"]
    ]
    assert "`/away [until YYYY-MM-DD]`" in registration_help
    assert "`/back`" in registration_help
    assert "`/ready`" not in registration_help
    away, application_help = (c["body"] for c in comments(played, "command", 2))
    assert away.startswith("`/away` is for a mentor's registration issue, not an application")
    assert "`/ready`" in application_help
    assert "/away" not in application_help


def test_a_dated_away_ends_by_itself_at_the_first_run_on_its_day_once(played) -> None:
    [ended] = comments(played, "away-ended", 1)
    assert ended["at"].startswith("2026-02-01T06:17")
    assert ended["body"].startswith("@bob, your away was set to end on **Sunday 1 February")
    assert label_story(played, 1) == [f"+{AWAY}", f"-{AWAY}", f"+{AWAY}", f"-{AWAY}"]
    assert AWAY not in played.issues["1"]["labels"]


def test_an_away_without_a_date_lasts(played) -> None:
    assert label_story(played, 3) == [f"+{AWAY}"]
    assert AWAY in played.issues["3"]["labels"]
    assert comments(played, "away-ended", 3) == []


# --- faults -------------------------------------------------------------------------------


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sandbox:
        for login, permission in ((COORD, "admin"), ("bob", "write")):
            sandbox.add_user(login)
            sandbox.set_permission(login, permission)
        sandbox.add_user("ana")
        yield sandbox


def _away_until_tomorrow(sb: Sandbox) -> int:
    sb.open_issue("ana", "Application", _application_body(), [CONFIG.application.label])
    number = _open_registration(sb)
    assert _run_issue(sb, number)[0] == 0
    tomorrow = (sb.now + timedelta(days=1)).date().isoformat()
    sb.comment(number, "bob", f"/away until {tomorrow}")
    sb.advance(seconds=5)
    return number


def _labels(sb: Sandbox, number: int) -> list[str]:
    return [lb["name"] for lb in sb.issue(number)["labels"]]


def _bot_comments(sb: Sandbox, number: int, kind: str) -> int:
    return sum(
        1
        for c in sb.comments(number)
        if c["user"]["login"] == CONFIG.bot and f"<!-- mentoring:{kind}:" in c["body"]
    )


def test_the_label_lost_announces_nothing_and_the_next_run_does_both(sb: Sandbox) -> None:
    number = _away_until_tomorrow(sb)
    sb.inject(Fault.ERROR_BEFORE, method="POST", path=rf"/issues/{number}/labels$", count=3)
    assert _run_issue(sb, number)[0] == 1
    assert AWAY not in _labels(sb, number)
    assert _bot_comments(sb, number, "command") == 0  # no reply without its label
    assert _run_issue(sb, number)[0] == 0
    assert AWAY in _labels(sb, number)
    assert _bot_comments(sb, number, "command") == 1


def test_the_reply_lost_after_the_label_is_posted_once_as_it_was(sb: Sandbox) -> None:
    number = _away_until_tomorrow(sb)
    sb.inject(Fault.ERROR_AFTER, method="POST", path=rf"/issues/{number}/comments$", count=1)
    _run_issue(sb, number)
    assert AWAY in _labels(sb, number)
    for _ in range(2):
        assert _run_issue(sb, number)[0] == 0
    [reply] = [c["body"] for c in sb.comments(number) if "mentoring:command:" in c["body"]]
    assert reply.startswith("Away until **")  # not "already away"


@pytest.mark.parametrize("fault", [Fault.ERROR_BEFORE, Fault.ERROR_AFTER])
def test_the_end_announced_once_through_faults(sb: Sandbox, fault: Fault) -> None:
    number = _away_until_tomorrow(sb)
    assert _run_issue(sb, number)[0] == 0
    sb.advance(days=1)
    sb.inject(Fault.ERROR_BEFORE, method="DELETE", path=rf"/issues/{number}/labels/", count=3)
    assert _run(sb)[0] == 1
    assert AWAY in _labels(sb, number)
    assert _bot_comments(sb, number, "away-ended") == 0
    sb.inject(fault, method="POST", path=rf"/issues/{number}/comments$", count=3)
    _run(sb)
    assert AWAY not in _labels(sb, number)
    for _ in range(3):
        assert _run(sb)[0] == 0
    assert _bot_comments(sb, number, "away-ended") == 1


def test_a_refused_back_does_not_stop_the_end_announced_after_a_fault(sb: Sandbox) -> None:
    # A passer-by's /back is refused: it did not end the away, so when the comment that
    # announces the end is lost after the label came off, the next run still posts it.
    sb.add_user("mallory")
    number = _away_until_tomorrow(sb)
    assert _run_issue(sb, number)[0] == 0
    sb.comment(number, "mallory", "/back")
    sb.advance(seconds=5)
    assert _run_issue(sb, number)[0] == 0
    assert AWAY in _labels(sb, number)
    sb.advance(days=1)
    sb.inject(Fault.ERROR_BEFORE, method="POST", path=rf"/issues/{number}/comments$", count=3)
    _run(sb)
    assert AWAY not in _labels(sb, number)
    assert _bot_comments(sb, number, "away-ended") == 0
    for _ in range(2):
        assert _run(sb)[0] == 0
    assert _bot_comments(sb, number, "away-ended") == 1


def test_a_date_on_the_day_written_is_refused_for_away_and_pause(sb: Sandbox) -> None:
    # The first run on or after its day ends an away or a pause: one until the day it is
    # written would put the label on and take it off again at the next run, with a second
    # comment. Both are refused, with that reason, and nothing changes.
    application = sb.open_issue(
        "ana", "Application", _application_body(), [CONFIG.application.label]
    )
    registration = _open_registration(sb)
    sb.assign(application, COORD, ["bob"])
    assert _run(sb)[0] == 0
    today = sb.now.date().isoformat()
    sb.comment(registration, "bob", f"/away until {today}")
    sb.comment(application, "bob", f"/pause until {today} exams")
    sb.advance(seconds=5)
    for _ in range(2):
        assert _run(sb)[0] == 0
        sb.advance(hours=1)
    assert AWAY not in _labels(sb, registration)
    assert CONFIG.labels.paused not in _labels(sb, application)
    for number in (registration, application):
        [reply] = [c["body"] for c in sb.comments(number) if "mentoring:command:" in c["body"]]
        assert reply.startswith(f"{today} is the day this comment was written (UTC)")
        assert (
            _bot_comments(sb, number, "away-ended") + _bot_comments(sb, number, "pause-ended") == 0
        )


# --- the date is the bot's reply's, not the comment's -------------------------------------


def _away_comment(sb: Sandbox, number: int) -> int:
    [found] = [c["id"] for c in sb.comments(number) if c["body"].startswith("/away")]
    return found


@pytest.mark.parametrize("fault", [None, Fault.ERROR_BEFORE, Fault.ERROR_AFTER])
def test_an_accepted_date_outlives_an_edit_of_its_comment(sb: Sandbox, fault: Fault | None) -> None:
    # The reply named the day (its away-until marker): the mentor editing the command
    # afterwards, to another day or to no date, changes nothing; the away ends on that
    # day, with one comment after the label is off, through lost writes too.
    number = _away_until_tomorrow(sb)
    assert _run_issue(sb, number)[0] == 0
    [reply] = [c["body"] for c in sb.comments(number) if "mentoring:command:" in c["body"]]
    tomorrow = (sb.now + timedelta(days=1)).date().isoformat()
    assert f"<!-- mentoring:away-until:{tomorrow} -->" in reply
    sb.advance(hours=1)  # an edit, not a typo fixed at once (model.EDIT_GRACE)
    sb.edit_comment(_away_comment(sb, number), "bob", "/away")
    assert _run(sb)[0] == 0
    assert AWAY in _labels(sb, number)
    sb.advance(days=1)
    if fault is not None:
        sb.inject(fault, method="POST", path=rf"/issues/{number}/comments$", count=3)
        _run(sb)
        assert AWAY not in _labels(sb, number)
    for _ in range(3):
        assert _run(sb)[0] == 0
    assert AWAY not in _labels(sb, number)
    assert _bot_comments(sb, number, "away-ended") == 1
    assert _bot_comments(sb, number, "command") == 1  # the edit is no new command


def test_a_marker_pasted_by_a_person_sets_no_date(sb: Sandbox) -> None:
    # An away without a date: a marker in anyone's comment but the bot's, the mentor's
    # own or a passer-by's, neither gives it a day nor ends it.
    sb.add_user("mallory")
    sb.open_issue("ana", "Application", _application_body(), [CONFIG.application.label])
    number = _open_registration(sb)
    sb.comment(number, "bob", "/away")
    sb.advance(seconds=5)
    assert _run_issue(sb, number)[0] == 0
    tomorrow = (sb.now + timedelta(days=1)).date().isoformat()
    for who in ("bob", "mallory"):
        sb.comment(number, who, f"<!-- mentoring:away-until:{tomorrow} -->")
    sb.advance(days=3)
    for _ in range(2):
        assert _run(sb)[0] == 0
        sb.advance(days=1)
    assert AWAY in _labels(sb, number)
    assert _bot_comments(sb, number, "away-ended") == 0


def test_a_dated_away_pasted_over_by_a_person_keeps_its_own_day(sb: Sandbox) -> None:
    # A passer-by's marker naming "none" after the bot's reply does not take the day away.
    sb.add_user("mallory")
    number = _away_until_tomorrow(sb)
    assert _run_issue(sb, number)[0] == 0
    sb.comment(number, "mallory", "<!-- mentoring:away-until:none -->")
    sb.advance(days=1)
    for _ in range(2):
        assert _run(sb)[0] == 0
    assert AWAY not in _labels(sb, number)
    assert _bot_comments(sb, number, "away-ended") == 1


def test_an_accepted_back_edited_afterwards_still_ended_the_away(sb: Sandbox) -> None:
    # bob comes back on the away's last day, before the run: his /back ended it (its
    # reply says so, marker and all), so no "your away ended" follows, edit or not.
    number = _away_until_tomorrow(sb)
    assert _run_issue(sb, number)[0] == 0
    sb.advance(days=1)
    back = sb.comment(number, "bob", "/back")
    sb.advance(seconds=5)
    assert _run_issue(sb, number)[0] == 0
    assert AWAY not in _labels(sb, number)
    sb.advance(hours=1)
    sb.edit_comment(back, "bob", "/back")  # the same words, but edited: refused if new
    for _ in range(2):
        assert _run(sb)[0] == 0
    assert _bot_comments(sb, number, "away-ended") == 0
    reply = [c["body"] for c in sb.comments(number) if "mentoring:command:" in c["body"]][-1]
    assert reply.startswith("Welcome back!")
    assert "<!-- mentoring:away-until:none -->" in reply
