"""Commands end to end: comments people write, through the sandbox and the real
reconcile.py, as the workflows run it. Each reply is found by the time of the comment
it answers (its run starts a few seconds after the comment)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_faults import BOT, MENTEE, MENTOR, Runner, _stage
from test_scenarios import PAUSED, ROOT, comments, label_story, run, writes
from test_scenarios import applicant as _apply
from test_scenarios import assign as _assign
from test_scenarios import say as _say

from mentoring.cli import reconcile
from played import DEMO, group, play
from simulator.sandbox import Fault, Sandbox
from simulator.simulation import Simulation

# The module's played runs are shared, its own and the demo: its tests stay on the demo's
# worker (tests/played.py; xdist would make a group of its own of two group marks).
pytestmark = group("demo")

READY = "mentoring: ready"
GRADUATED = "mentoring: graduated"
REFUSED_ROLE_READY = "can use `/ready` here, so nothing was changed."
REFUSED_ROLE_PAUSE = "can use `/pause` here, so nothing was changed."


def _at(day: int, hour: int = 10, minute: int = 0) -> str:
    return f"2026-01-{day:02d}T{hour:02d}:{minute:02d}:00Z"


EVENTS: list[dict[str, Any]] = [
    _apply(_at(5), "alice"),
    _assign(_at(6), 1, "bob"),
    # A stranger: refused, except /help, which anyone may use.
    _say(_at(7, 10), "mallory", "/ready"),
    _say(_at(7, 11), "mallory", "/pause because I say so"),
    _say(_at(7, 12), "mallory", "/help"),
    # Quoted or shown as code: not commands.
    _say(_at(8, 10), "alice", "> /pause\n\nShe wrote that, not me."),
    _say(_at(8, 11), "alice", "How to pause:\n\n```\n/pause\n```\n"),
    _say(_at(8, 12), "alice", "    /pause\n"),
    # The mentee cannot declare herself ready.
    _say(_at(9), "alice", "/ready"),
    # Look-alike slashes (division slash, full-width solidus) and an unknown word.
    _say(_at(10, 10), "alice", "\u2215pause"),
    _say(_at(10, 11), "alice", "\uff0fpause"),
    _say(_at(10, 12), "alice", "/graduate-me-now"),
    # A command added by editing a comment is not followed.
    _say(_at(11, 10), "alice", "Thanks, all good."),
    {
        "at": _at(11, 12),
        "by": "alice",
        "edit_comment": {"issue": 1, "comment": 8, "body": "/pause"},
    },
    # A thousand /pause lines: one reply, one label.
    _say(_at(12), "alice", "/pause exams @cora <b>\n" * 1000),
    # Already paused: refused; then the mentor resumes.
    _say(_at(13, 10), "bob", "/pause"),
    _say(_at(13, 11), "bob", "/resume"),
    _say(_at(13, 12), "bob", "/resume"),
    # A closed application: refused.
    _apply(_at(14, 9), "carol"),
    _assign(_at(14, 10), 2, "dan"),
    {"at": _at(14, 11), "by": "cora", "close": {"issue": 2, "reason": "not_planned"}},
    _say(_at(14, 12), "dan", "/ready", issue=2),
    # /ready before pairing: refused.
    _apply(_at(15, 9), "erin"),
    _say(_at(15, 10), "cora", "/ready", issue=3),
    # After a quote, a fence or an HTML comment still hides a command; so does a comment
    # opened within a line.
    _say(_at(16, 10), "bob", "> you asked how\n```\n\n/ready\n```"),
    _say(_at(16, 11), "bob", "> thanks\n<!--\n\n/pause\n-->"),
    _say(_at(16, 12), "bob", "Thanks <!--\n/pause\n-->"),
]


@pytest.fixture(scope="module")
def played() -> Any:
    return run(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-20T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"]},
            "collaborators": {"cora": "admin", "bob": "write", "dan": "write"},
            "participants": [],
            "events": EVENTS,
        }
    )


def _reply_to(result: Any, when: str, issue: int = 1) -> list[str]:
    """The command replies posted by the run of the comment made at ``when``."""
    start = datetime.fromisoformat(when.replace("Z", "+00:00"))
    return [
        a["body"]
        for a in comments(result, "command", issue)
        if start
        <= datetime.fromisoformat(a["at"].replace("Z", "+00:00"))
        < start + timedelta(minutes=1)
    ]


def test_a_stranger_is_refused_ready_and_pause_but_gets_help(played) -> None:
    [ready] = _reply_to(played, _at(7, 10))
    assert REFUSED_ROLE_READY in ready
    assert "a mentor of this issue or a coordinator" in ready
    [pause] = _reply_to(played, _at(7, 11))
    assert REFUSED_ROLE_PAUSE in pause
    [help_] = _reply_to(played, _at(7, 12))
    for command in ("/ready", "/pause", "/resume", "/help"):
        assert f"`{command}" in help_


def test_quoted_code_look_alike_and_unknown_commands_get_nothing(played) -> None:
    for when in (_at(8, 10), _at(8, 11), _at(8, 12), _at(10, 10), _at(10, 11), _at(10, 12)):
        assert _reply_to(played, when) == [], when


def test_commands_in_code_or_comments_after_a_quote_or_text_get_nothing(played) -> None:
    for when in (_at(16, 10), _at(16, 11), _at(16, 12)):
        assert _reply_to(played, when) == [], when
    assert READY not in played.issues["1"]["labels"]
    assert PAUSED not in played.issues["1"]["labels"]


def test_the_mentee_cannot_mark_herself_ready_and_is_told_what_happens_next(played) -> None:
    [reply] = _reply_to(played, _at(9))
    assert reply.startswith(
        "This is your own application, and nobody marks themself ready, so nothing was"
        " changed. If you feel ready, say so here: your mentor (bob) answers `/ready` when"
        " they agree, and you are then told how to graduate."
    )
    assert READY not in played.issues["1"]["labels"]


def test_a_command_added_by_an_edit_is_refused(played) -> None:
    assert _reply_to(played, _at(11, 10)) == []  # "Thanks, all good." was no command
    [reply] = _reply_to(played, _at(11, 12))
    assert "This comment was edited" in reply
    assert "write it in a new comment" in reply


def test_a_thousand_pause_lines_get_one_reply_and_one_label(played) -> None:
    [reply] = _reply_to(played, _at(12))
    assert reply.count("exams") == 1  # the first line's reason, once
    # The reason as one line in a code span (a mention there pings nobody), tags removed.
    assert "Paused: `exams @cora b`." in reply
    assert "<b>" not in reply
    # The label story of issue 1: paused by the thousand lines, resumed by bob, once each.
    assert [s for s in label_story(played) if PAUSED in s] == [f"+{PAUSED}", f"-{PAUSED}"]


def test_pause_while_paused_is_refused_and_resume_twice_is_refused(played) -> None:
    [again] = _reply_to(played, _at(13, 10))
    assert "already paused" in again
    [resumed] = _reply_to(played, _at(13, 11))
    assert resumed.startswith("Resumed.")
    [twice] = _reply_to(played, _at(13, 12))
    assert "not paused" in twice
    assert PAUSED not in played.issues["1"]["labels"]


def test_ready_on_a_closed_issue_is_refused(played) -> None:
    [reply] = _reply_to(played, _at(14, 12), issue=2)
    assert "This issue is closed" in reply
    assert played.issues["2"]["labels"].count(READY) == 0
    assert played.issues["2"]["state"] == "closed"


def test_ready_before_pairing_is_refused(played) -> None:
    [reply] = _reply_to(played, _at(15, 10), issue=3)
    assert "has no mentor yet" in reply
    assert READY not in played.issues["3"]["labels"]


def test_every_command_comment_gets_exactly_one_reply_and_no_more(played) -> None:
    keys = [a["key"] for a in played.actions if a["kind"] == "command"]
    assert len(keys) == len(set(keys))
    # ready, pause and help by mallory; ready by alice; the edit; the thousand lines;
    # bob's three; dan's; cora's.
    assert len(keys) == 11


def test_ready_then_the_how_to_then_the_merged_entry_graduates() -> None:
    result = run(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-05-01T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"]},
            "collaborators": {"cora": "admin", "bob": "write"},
            "participants": [],
            "events": [
                _apply(_at(5), "alice"),
                _assign(_at(6), 1, "bob"),
                _say("2026-04-08T09:00:00Z", "bob", "/ready\n\nShe is ready!"),
                {
                    "at": "2026-04-20T15:00:00Z",
                    "by": "alice",
                    "merge_pull_request": {
                        "title": "Add Alice to participants.yml",
                        "body": "Closes #1",
                        "participants_add": [{"name": "Alice", "github": "alice", "issue": 1}],
                        "merged_by": "cora",
                    },
                },
            ],
        }
    )
    kinds = [a["kind"] for a in comments(result)]
    assert kinds == ["welcome", "paired", "checkin", "checkin", "review", "command", "graduated"]
    [how_to] = _reply_to(result, "2026-04-08T09:00:00Z")
    assert "@alice" in how_to
    assert "/edit/main/participants.yml" in how_to  # from the payload's repository
    assert "issue: 1" in how_to
    assert "Closes #1" in how_to
    # The review due on 6 April came before /ready; none after it (the ready label).
    # The ready label comes off at graduation: graduated is what the issue is now.
    assert [s for s in label_story(result) if READY in s] == [f"+{READY}", f"-{READY}"]
    assert result.issues["1"]["state"] == "closed"
    assert result.issues["1"]["state_reason"] == "completed"
    assert GRADUATED in result.issues["1"]["labels"]


def test_in_the_demo_the_mentor_answers_a_review_with_ready_and_the_mentee_graduates() -> None:
    result = play(DEMO).result
    kinds = [a["kind"] for a in comments(result)]
    # The last review, bob's /ready answering it, then the graduation after the how-to.
    assert kinds[-3:] == ["review", "command", "graduated"]
    how_to = comments(result, "command")[-1]["body"]
    assert "participants.yml" in how_to
    assert "Closes #1" in how_to
    assert result.issues["1"]["state_reason"] == "completed"


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_an_edit_first_seen_by_the_scheduled_run_is_refused_on_either_read_path(read: str) -> None:
    # The edit's own run is lost: the scheduled run reads the comment in bulk (GraphQL by
    # default) and must see the edit as the event run would (REST's updated_at).
    events = [
        _apply(_at(5, 10), "alice"),
        {"at": _at(5, 11), "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
        _say(_at(5, 12), "alice", "Thanks, all good."),
        {
            "at": _at(5, 13),
            "by": "alice",
            "edit_comment": {"issue": 1, "comment": 1, "body": "/pause"},
        },
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-07T00:00:00Z",
            "schedule": "17 6 * * *",
            "event_outages": [{"from": _at(5, 13), "to": _at(5, 14)}],
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin", "bob": "write"},
            "events": events,
        },
        ROOT,
        read=read,
    ).run(reconcile.main)
    [reply] = [a for a in comments(result, "command", 1) if a["run"] == "schedule"]
    assert "This comment was edited" in reply["body"]
    assert "mentoring: paused" not in result.issues["1"]["labels"]


def test_a_strangers_flood_of_help_does_not_hold_back_a_mentors_pause() -> None:
    # mallory's 50 /help and then bob's /pause, all while event runs are lost: the next
    # scheduled run answers bob first (not 5 of mallory's a day for ten days), then the
    # rest of the flood a few a run, each exactly once.
    flood = [_say(f"2026-01-07T10:{i:02d}:00Z", "mallory", f"/help\n\n{i}") for i in range(50)]
    events = [
        _apply(_at(5, 10), "alice"),
        {"at": _at(6, 9), "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
        *flood,
        _say(_at(7, 11), "bob", "/pause holiday"),
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-25T00:00:00Z",
            "schedule": "17 6 * * *",
            "event_outages": [{"from": _at(7, 0), "to": _at(7, 12)}],
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin", "bob": "write"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    replies = comments(result, "command", 1)
    first = [r for r in replies if r["at"].startswith("2026-01-08")]
    assert len(first) == 5  # still the cap per run
    assert first[0]["body"].startswith("Paused: `holiday`.")  # bob's, before any of mallory's
    [paused] = [a for a in result.actions if PAUSED in (a["labels"] or [])]
    assert (paused["at"][:10], paused["labels"]) == ("2026-01-08", [PAUSED])
    keys = [r["key"] for r in replies]
    assert len(keys) == len(set(keys)) == 51  # every command answered, none twice
    assert max(r["at"] for r in replies) < "2026-01-19"  # eleven runs at five a run


def test_a_coordinator_mentors_by_saying_mentor_and_unassigning_undoes_it() -> None:
    # What docs/commands.md says of /mentor: a coordinator assigned to the issue
    # (here by the bot, at intake) says it; the run that replies pairs too, the clock
    # counts from that comment; anyone else's is refused; unassigning the coordinator
    # undoes it.
    events = [
        _apply(_at(5, 10), "alice"),
        _say(_at(6, 9), "mallory", "/mentor"),
        _say(_at(6, 10), "cora", "/mentor"),
        {
            "at": "2026-02-10T10:00:00Z",
            "by": "cora",
            "unassign": {"issue": 1, "users": ["cora"]},
        },
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-02-12T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    [refused] = _reply_to(result, _at(6, 9))
    assert "a coordinator assigned to this issue" in refused
    kinds = [(a["kind"], a["at"][:10]) for a in comments(result) if a["kind"] != "command"]
    assert kinds == [
        ("welcome", "2026-01-05"),
        ("paired", "2026-01-06"),  # with the reply, by the comment's own run
        ("checkin", "2026-02-07"),  # due 6 February 10:00, a month after the comment
        # Unassigned: a mentor is sought again; the note, due in the unassignment's event
        # run, waits for the scheduled run, which works out the past year's figure.
        ("waiting", "2026-02-11"),
    ]
    [reply] = _reply_to(result, _at(6, 10))
    [paired] = [a for a in comments(result) if a["kind"] == "paired"]
    assert paired["run"] == "issue_comment.created"  # the /mentor's own run, once
    assert "@cora" in paired["body"]
    assert "mentor" in reply
    story = label_story(result)
    assert story[-1] == "+mentoring: awaiting mentor"  # unassigned: no mentor any more


def test_a_mentor_command_among_more_than_five_pairs_within_the_cap_a_run_later() -> None:
    # cora's /mentor and six of mallory's /help wait for the scheduled run (their own runs
    # lost): it answers five, cora's first, and pairs on the next run, not by replying
    # past the cap of five a run.
    flood = [_say(f"2026-01-06T10:{i:02d}:00Z", "mallory", f"/help\n\n{i}") for i in range(6)]
    events = [_apply(_at(5, 10), "alice"), *flood, _say(_at(6, 11), "cora", "/mentor")]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-09T00:00:00Z",
            "schedule": "17 6 * * *",
            "event_outages": [{"from": _at(6, 0), "to": _at(6, 12)}],
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    replies = comments(result, "command", 1)
    by_day = {
        day: [r for r in replies if r["at"].startswith(day)] for day in ("2026-01-07", "2026-01-08")
    }
    assert len(by_day["2026-01-07"]) == 5  # the cap
    assert "mentor" in by_day["2026-01-07"][0]["body"]  # cora's first
    assert len(by_day["2026-01-08"]) == 2
    [paired] = comments(result, "paired")
    assert paired["at"][:10] == "2026-01-08"


def test_a_mentor_command_before_the_bots_first_run_still_gets_the_other_coordinators() -> None:
    # cora assigns herself and says /mentor before any run of the bot (its event runs
    # lost): the scheduled run that replies and pairs also assigns the other coordinator,
    # as it would without the /mentor, and no later run has anything left to do.
    events = [
        _apply(_at(5, 10), "alice"),
        {"at": _at(5, 11), "by": "cora", "assign": {"issue": 1, "users": ["cora"]}},
        _say(_at(5, 12), "cora", "/mentor"),
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-09T00:00:00Z",
            "schedule": "17 6 * * *",
            "event_outages": [{"from": _at(5, 0), "to": _at(5, 23)}],
            "config": {"coordinators": ["cora", "cai"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin", "cai": "admin"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    first = [a for a in result.actions if a["at"].startswith("2026-01-06")]
    assert [(a["type"], a.get("kind")) for a in first if a["type"] in ("assign", "comment")] == [
        ("assign", None),
        ("comment", "command"),
        ("comment", "welcome"),
        ("comment", "paired"),
    ]
    [assign] = [a for a in first if a["type"] == "assign"]
    assert assign["users"] == ["cai"]
    assert [a for a in result.actions if a["at"] >= "2026-01-07"] == []


def test_a_mentor_command_written_before_the_coordinator_was_assigned_is_refused() -> None:
    # cora says /mentor, then assigns herself, and the bot's first look comes after both
    # (the day's event runs lost): the reply must not say she mentors the issue, for her
    # mentoring would count from a comment written while she was not assigned.
    events = [
        _apply(_at(5, 10), "alice"),
        _say(_at(5, 11), "cora", "/mentor"),
        {"at": _at(5, 12), "by": "cora", "assign": {"issue": 1, "users": ["cora"]}},
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-08T00:00:00Z",
            "schedule": "17 6 * * *",
            "event_outages": [{"from": _at(5, 0), "to": _at(5, 23)}],
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    [reply] = comments(result, "command")
    assert "a coordinator assigned to this issue" in reply["body"]
    assert comments(result, "paired") == []


def test_a_mentor_command_refused_on_a_closed_issue_stays_refused_once_reopened() -> None:
    # The reply said "This issue is closed ... nothing was changed": reopening the issue
    # must not make cora its mentor after all, silently, from that old comment.
    events = [
        _apply(_at(5, 10), "alice"),
        {"at": _at(6, 9), "by": "cora", "close": {"issue": 1, "reason": "not_planned"}},
        _say(_at(6, 10), "cora", "/mentor"),
        {"at": _at(7, 9), "by": "cora", "reopen": {"issue": 1}},
    ]
    result = _mentor_scenario(events, ["cora"])
    [reply] = _reply_to(result, _at(6, 10))
    assert "This issue is closed" in reply
    assert comments(result, "paired") == []
    assert label_story(result)[-1] == "+mentoring: awaiting mentor"


def _mentor_scenario(events: list[dict[str, Any]], coordinators: list[str]) -> Any:
    return Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-02-12T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": coordinators, "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin", "carl": "admin"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)


def test_a_coordinator_the_bot_assigned_mentors_by_saying_mentor_after_leaving_the_list() -> None:
    # The bot assigned cora and carl at intake; carl then left `coordinators`. He is still
    # this issue's coordinator (the bot assigned him), so his /mentor pairs, as its reply
    # says: the reply and the pairing follow one rule.
    events = [
        _apply(_at(5, 10), "alice"),
        {"at": _at(6, 9), "by": "cora", "edit_config": {"config": {"coordinators": ["cora"]}}},
        _say(_at(6, 10), "carl", "/mentor"),
    ]
    result = _mentor_scenario(events, ["cora", "carl"])
    assert writes(result, "assign")[0]["users"] == ["cora", "carl"]
    [reply] = _reply_to(result, _at(6, 10))
    assert "@carl is now this mentorship's mentor" in reply
    [paired] = comments(result, "paired")
    assert paired["run"] == "issue_comment.created"  # the /mentor's own run
    assert "@alice, meet your mentor @carl!" in paired["body"]
    assert [(a["kind"], a["at"][:10]) for a in comments(result, "checkin")] == [
        ("checkin", "2026-02-07")  # a month after the comment (6 February 10:00)
    ]
    assert result.issues["1"]["labels"].count("mentoring: active") == 1


def test_a_coordinator_who_applied_cannot_mentor_or_mark_themself_ready() -> None:
    # cora, a coordinator, applies: the bot assigns her to her own application. Her
    # /mentor and /ready are refused, saying why and what to do; she is never counted
    # as her own mentor. carl's /mentor then pairs her with him.
    events = [
        _apply(_at(5, 10), "cora"),
        _say(_at(6, 10), "cora", "/mentor"),
        _say(_at(6, 11), "cora", "/ready"),
        {"at": _at(7, 9), "by": "carl", "assign": {"issue": 1, "users": ["carl"]}},
        _say(_at(7, 10), "carl", "/mentor"),
    ]
    result = _mentor_scenario(events, ["cora", "carl"])
    [mentor] = _reply_to(result, _at(6, 10))
    assert "nobody mentors themself" in mentor
    assert "Another coordinator can say `/mentor` here, or assign you a mentor." in mentor
    [ready] = _reply_to(result, _at(6, 11))
    assert "nobody marks themself ready" in ready
    assert READY not in result.issues["1"]["labels"]
    [paired] = comments(result, "paired")
    assert paired["at"][:10] == "2026-01-07"
    assert "@cora, meet your mentor @carl!" in paired["body"]
    assert paired["key"] == "carl"  # the pairing's mentors: carl alone


# --- effects before announcements ---------------------------------------------------


def _paired_runner(sandbox: Sandbox, checkout: Path) -> Runner:
    """An application paired with its mentor, every run so far done."""
    runner = Runner(sandbox, checkout)
    for stage in (0, 1):
        _stage(sandbox, runner, stage)
        assert runner.run() == 0
    return runner


def _replies(sandbox: Sandbox) -> list[str]:
    return [
        c["body"]
        for c in sandbox.comments(1)
        if c["user"]["login"] == BOT and "<!-- mentoring:command:" in c["body"]
    ]


def _labels(sandbox: Sandbox) -> set[str]:
    return {label["name"] for label in sandbox.issue(1)["labels"]}


# The command, the write its effect needs, and the words of its reply.
EFFECTS = {
    "pause": ("/pause exams", "POST", r"/issues/1/labels$", "Paused: `exams`."),
    "resume": ("/resume", "DELETE", r"/issues/1/labels/", "Resumed."),
    "ready": ("/ready", "POST", r"/issues/1/labels$", "you are ready to graduate"),
}


def _ask(sandbox: Sandbox, runner: Runner, command: str) -> None:
    """``command`` by the mentor (the mentee paused first, for /resume)."""
    if command == "resume":
        sandbox.comment(1, MENTEE, "/pause")
        assert runner.run() == 0
    sandbox.comment(1, MENTOR, EFFECTS[command][0])


@pytest.mark.parametrize("command", list(EFFECTS))
def test_a_lost_label_write_announces_nothing_and_the_next_run_does_both(
    sandbox: Sandbox, checkout: Path, command: str
) -> None:
    _, method, path, words = EFFECTS[command]
    runner = _paired_runner(sandbox, checkout)
    _ask(sandbox, runner, command)
    before = _replies(sandbox)
    sandbox.inject(Fault.ERROR_BEFORE, method=method, path=path, count=3)  # every attempt
    assert runner.run() == 1
    assert "::error::" in runner.printed
    assert _replies(sandbox) == before  # no reply without its effect
    assert runner.run() == 0
    [reply] = _replies(sandbox)[len(before) :]
    assert words in reply
    assert (PAUSED in _labels(sandbox)) == (command == "pause")
    assert (READY in _labels(sandbox)) == (command == "ready")


@pytest.mark.parametrize("command", list(EFFECTS))
def test_an_effect_whose_reply_was_lost_is_announced_by_the_next_run_not_refused(
    sandbox: Sandbox, checkout: Path, command: str
) -> None:
    words = EFFECTS[command][3]
    runner = _paired_runner(sandbox, checkout)
    _ask(sandbox, runner, command)
    before = _replies(sandbox)
    sandbox.inject(Fault.ERROR_BEFORE, method="POST", path=r"/issues/1/comments$", count=3)
    assert runner.run() == 1  # the label changed, the reply failed
    assert (PAUSED in _labels(sandbox)) == (command == "pause")
    assert _replies(sandbox) == before
    assert runner.run() == 0
    [reply] = _replies(sandbox)[len(before) :]
    assert words in reply  # what the command did, not "already paused"
    assert "nothing was changed" not in reply
    assert "already" not in reply
    assert (PAUSED in _labels(sandbox)) == (command == "pause")
    assert (READY in _labels(sandbox)) == (command == "ready")


def test_a_person_who_undoes_an_unannounced_effect_gets_the_command_answered_afresh(
    sandbox: Sandbox, checkout: Path
) -> None:
    # The bot paused, its reply was lost, then a coordinator took the label off by hand
    # before any reply said "Paused": the command is answered as if the bot had not
    # acted yet, so its reply and the label agree.
    runner = _paired_runner(sandbox, checkout)
    sandbox.comment(1, MENTEE, "/pause")
    sandbox.inject(Fault.ERROR_BEFORE, method="POST", path=r"/issues/1/comments$", count=3)
    assert runner.run() == 1
    sandbox.remove_labels(1, runner.config.coordinators[0], [PAUSED])
    assert runner.run() == 0
    [reply] = _replies(sandbox)
    assert reply.startswith("Paused.")
    assert PAUSED in _labels(sandbox)


def test_a_write_refused_twice_by_a_plain_403_fails_the_run_and_announces_nothing(
    sandbox: Sandbox, checkout: Path
) -> None:
    # "Must have push access": not a rate limit (no Retry-After, requests left), so the
    # run fails, red, with nothing announced; once the bot may write, the next run does both.
    runner = _paired_runner(sandbox, checkout)
    sandbox.comment(1, MENTEE, "/pause")
    sandbox.set_permission(BOT, "read")
    sandbox.clear_logs()
    for _ in range(2):
        assert runner.run() == 1
        assert "HTTP 403: Must have push access to repository" in runner.printed
    refused = [r for r in sandbox.request_log if r["method"] == "POST" and r["status"] == 403]
    assert len(refused) == 2
    assert _replies(sandbox) == []
    sandbox.set_permission(BOT, "write")
    assert runner.run() == 0
    [reply] = _replies(sandbox)
    assert reply.startswith("Paused.")
    assert PAUSED in _labels(sandbox)


def test_a_label_write_refused_by_two_secondary_rate_limits_stops_with_nothing_announced(
    sandbox: Sandbox, checkout: Path
) -> None:
    # A rate limit is no failure: the run stops early, warning that the next run
    # continues, and with the effect before its reply, that is so.
    runner = _paired_runner(sandbox, checkout)
    sandbox.comment(1, MENTEE, "/pause")
    sandbox.inject(Fault.SECONDARY_RATE_LIMIT, method="POST", path=r"/issues/1/labels$", count=2)
    assert runner.run() == 0
    assert "::warning::Stopped early as GitHub's rate limit refused a write" in runner.printed
    assert _replies(sandbox) == []
    assert runner.run() == 0
    [reply] = _replies(sandbox)
    assert reply.startswith("Paused.")
    assert PAUSED in _labels(sandbox)


# --- a ready mentorship whose mentor leaves -----------------------------------------


def test_a_ready_mentorship_whose_mentor_leaves_is_told_and_waits_for_a_new_one() -> None:
    events = [
        _apply(_at(5), "alice"),
        _assign(_at(6), 1, "bob"),
        _say(_at(7), "bob", "/ready"),
        {"at": _at(8), "by": "cora", "unassign": {"issue": 1, "users": ["bob"]}},
        _say(_at(9), "cora", "/ready"),
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-04-01T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin", "bob": "write"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    [unpaired] = comments(result, "unpaired")
    # The notice waits out the handover grace: the first scheduled run after it.
    assert unpaired["at"][:10] == "2026-01-09"
    [again] = _reply_to(result, _at(9))
    assert "already marked ready" in again
    assert "no mentor yet" not in again
    labels = result.issues["1"]["labels"]
    assert READY in labels
    assert "mentoring: awaiting mentor" in labels
    assert "mentoring: active" not in labels
    # No check-in while there is no mentor: the one due on 6 February waits.
    assert comments(result, "checkin") == []


def test_pause_then_a_tab_and_the_reason_pauses_and_replies_once() -> None:
    # GitHub shows the tab as a space. The /resume GitHub shows in a raw HTML quote, and
    # the one in a table's row, are no commands: still paused, no more replies.
    events = [
        _apply(_at(5, 10), "alice"),
        _assign(_at(6, 9), 1, "bob"),
        _say(_at(7, 10), "bob", "/pause\tholiday"),
        _say(_at(8, 10), "bob", "She wrote: <blockquote>\n/resume\n</blockquote>"),
        _say(_at(8, 11), "bob", "Command | What\n--- | ---\n/resume | ends the pause"),
    ]
    result = Simulation(
        {
            "start": "2026-01-05T00:00:00Z",
            "end": "2026-01-10T00:00:00Z",
            "schedule": "17 6 * * *",
            "config": {"coordinators": ["cora"], "dashboard": {"enabled": False}},
            "collaborators": {"cora": "admin", "bob": "write"},
            "events": events,
        },
        ROOT,
    ).run(reconcile.main)
    [reply] = comments(result, "command", 1)
    assert reply["body"].startswith("Paused: `holiday`.")
    assert [s for s in label_story(result) if PAUSED in s] == [f"+{PAUSED}"]
    assert PAUSED in result.issues["1"]["labels"]
