"""Pauses with a date, and long pauses without one: ``/pause until YYYY-MM-DD`` read,
checked and kept, the pause ended by itself on its day, once; one reminder after
``cadence.long_pause_days`` of a pause without a date. Every run here plans twice at the
same instant (``Story.run``): the second wants nothing."""

from __future__ import annotations

import sys
import time
import unicodedata
from datetime import date, datetime, timedelta

import pytest

from mentoring.core.commands import date_refusal, parse, pause_argument, year_after
from mentoring.core.model import PostComment, RemoveLabels
from mentoring.files.config import load_config
from planner_cases import COORD, LABELS, ROOT, T0, Story, at, body, daily

PAIRED_AT = at(2026, 1, 20, 5)
PAUSED = LABELS.paused
# The pause label renamed on GitHub and in the config, its former name kept.
CONFIG_RENAMED = load_config(ROOT, {"labels": {"paused": ["on hold", PAUSED]}})
KEY = "2026-02-10T10:00:05Z"  # the pause's start: when the bot put the label on


def paired() -> Story:
    story = Story(body=body())
    story.run(T0 + timedelta(seconds=5))
    story.assign("mo", PAIRED_AT)
    story.run(PAIRED_AT + timedelta(seconds=5))
    return story


def say(story: Story, who: str, text: str, when: datetime) -> list[PostComment]:
    """``who`` comments ``text`` at ``when``; its event run five seconds later."""
    story.comment(who, text, when)
    return [a for a in story.run(when + timedelta(seconds=5)).actions if isinstance(a, PostComment)]


def paused_until(day: str) -> Story:
    story = paired()
    [reply] = say(story, "alice", f"/pause until {day} exams", at(2026, 2, 10, 10))
    assert reply.body.startswith("Paused until **"), reply.body
    return story


def posted(taken: list[tuple[datetime, object]], kind: str) -> list[tuple[datetime, object]]:
    return [(w, a) for w, a in taken if isinstance(a, PostComment) and a.kind == kind]


# --- reading the argument -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "until", "reason", "problem"),
    [
        ("until 2027-03-01 exams", date(2027, 3, 1), "exams", None),
        ("UNTIL 2027-03-01, after the exams", date(2027, 3, 1), "after the exams", None),
        ("until 2027-03-01", date(2027, 3, 1), "", None),
        ("until the exams are over", None, "until the exams are over", None),
        ("until", None, "until", None),
        ("exams until 2027-03-01", None, "exams until 2027-03-01", "place"),  # not first
        ("until exams, until 1 March", None, "until exams, until 1 March", "place"),
        ("until: 2027-03-01 exams", date(2027, 3, 1), "exams", None),
        ("until:2027-03-01", date(2027, 3, 1), "", None),
        ("until 2027\u201303\u201301", None, "", "format"),  # en dashes
        ("until 2027\u221203\u221201", None, "", "format"),  # minus signs
        ("until 2027\uff0f03\uff0f01", None, "", "format"),  # full-width slashes
        ("until 1 March 2027", None, "2027", "format"),
        ("until March 1st, 2027", None, "2027", "format"),
        ("until mar 1", None, "", "format"),
        ("until March ends", None, "until March ends", None),
        ("until 2027-13-01", None, "", "month"),
        ("until 2027-00-01", None, "", "month"),
        ("until 0000-01-01", None, "", "year"),
        ("until 2027-02-00", None, "", "no-such-day"),
        ("until 2027-02-30", None, "", "no-such-day"),
        ("until 2027-03-01T00:00", None, "", "format"),
        ("until 2027-3-1 x", None, "x", "format"),
        ("until 01/03/2027", None, "", "format"),
        ("until \uff12\uff10\uff12\uff17-03-01", None, "", "format"),  # full-width digits
        ("until \u0662\u0660\u0662\u0667-03-01", None, "", "format"),  # Arabic-Indic digits
    ],
)
def test_a_pause_argument_is_a_date_and_a_reason(
    argument: str, until: date | None, reason: str, problem: str | None
) -> None:
    pause = pause_argument(argument)
    assert (pause.until, pause.reason, pause.problem) == (until, reason, problem)


def test_every_unicode_dash_starts_a_date_meant() -> None:
    dashes = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Pd"]
    for dash in (d for d in dashes if d != "-"):
        assert pause_argument(f"until 2027{dash}03{dash}01").problem == "format", hex(ord(dash))


def test_a_day_that_is_not_in_the_calendar_says_which_part_is_wrong() -> None:
    assert pause_argument("until 2027-02-30").days == 28
    assert pause_argument("until 2028-02-30").days == 29
    assert pause_argument("until 2027-04-31").days == 30


def test_a_date_is_refused_before_the_day_written_or_over_a_year_after() -> None:
    written = date(2026, 12, 7)
    check = lambda text: date_refusal(pause_argument(text), written)  # noqa: E731
    assert check("until 2026-12-06") == "past"
    assert check("until 2026-12-07") == "today"  # the next run would end it at once
    assert check("until 2026-12-08") is None
    assert check("until 2027-12-07") is None
    assert check("until 2027-12-08") == "far"
    assert check("until 2027-02-29") == "no-such-day"
    assert year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_long_until_line_is_read_in_linear_time_and_cut() -> None:
    for text in (
        "/pause until " + "2027-" * 13_000,
        "/pause until " + "1" * 65_000,
        "/pause until " + " " * 65_000 + "2027-03-01",
        "/pause " + "until " * 10_000,
        "/pause " + "until: " * 10_000,
        "/pause " + "until 1 " * 10_000,
        "/pause x " + "until 1" * 10_000,
    ):
        # The CPU time of this process, best of three: what the parse costs, not how long
        # another process on a busy machine kept it waiting.
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            command = parse(text)
            assert command is not None
            pause = pause_argument(command.argument)
            best = min(best, time.process_time() - started)
        assert best < 0.5
        assert len(pause.word) <= 40
        assert len(pause.reason) <= 200
        assert pause.until is None


# --- the pause ends by itself ----------------------------------------------------------


def test_a_dated_pause_ends_by_itself_at_the_first_run_that_day_once() -> None:
    story = paused_until("2026-03-01")
    taken = story.runs(daily(at(2026, 2, 11), at(2026, 4, 1)))
    [(when, note)] = posted(taken, "pause-ended")
    assert when == at(2026, 3, 1, 6, 17)
    assert note.key == KEY
    removed = [(w, a) for w, a in taken if isinstance(a, RemoveLabels)]
    assert removed == [(when, RemoveLabels(1, (PAUSED,)))]
    # The label first, then the words, which name the next check-in as it then comes.
    order = [a for w, a in taken if w == when]
    assert order.index(removed[0][1]) < order.index(note)
    assert note.body.startswith("@alice and @mo: ")
    assert "**Sunday 1 March 2026**" in note.body
    [(checkin_at, _)] = posted(taken, "checkin")
    assert f"due on **{checkin_at:%A %-d %B %Y}**" in note.body
    assert PAUSED not in story.labels


def test_after_an_outage_the_first_run_past_the_date_ends_the_pause_once() -> None:
    story = paused_until("2026-03-01")
    story.runs(daily(at(2026, 2, 11), at(2026, 2, 25)))
    # No run from 25 February to 9 March.
    taken = story.runs(daily(at(2026, 3, 9), at(2026, 3, 20)))
    [(when, _)] = posted(taken, "pause-ended")
    assert when == at(2026, 3, 9, 6, 17)


def test_a_resume_before_the_date_ends_it_and_a_later_pause_has_no_date() -> None:
    story = paused_until("2026-03-01")
    [reply] = say(story, "mo", "/resume", at(2026, 2, 15, 10))
    # Paired 20 January; paused from 10 to 15 February: the check-in moves five days.
    assert "the next check-in is due on **Wednesday 25 February 2026**" in reply.body
    [again] = say(story, "alice", "/pause", at(2026, 2, 26, 10))
    assert again.body.startswith("Paused.")
    taken = story.runs(daily(at(2026, 2, 27), at(2026, 4, 1)))
    assert posted(taken, "pause-ended") == []
    assert PAUSED in story.labels


def test_a_second_dated_pause_while_paused_sets_the_new_date() -> None:
    story = paused_until("2026-03-01")
    [reply] = say(story, "mo", "/pause until 2026-03-15", at(2026, 2, 20, 10))
    assert reply.body.startswith("Still paused, now until **Sunday 15 March 2026**")
    [undated] = say(story, "alice", "/pause", at(2026, 2, 21, 10))
    assert "already paused" in undated.body  # keeps the date
    taken = story.runs(daily(at(2026, 2, 22), at(2026, 4, 1)))
    [(when, note)] = posted(taken, "pause-ended")
    assert when == at(2026, 3, 15, 6, 17)
    assert "**Sunday 15 March 2026**" in note.body
    assert note.key == KEY


def test_a_date_on_a_pause_put_on_by_hand_ends_it() -> None:
    story = paired()
    story.label(PAUSED, at(2026, 2, 10, 9), by=COORD)
    [reply] = say(story, "alice", "/pause until 2026-03-01", at(2026, 2, 10, 10))
    assert reply.body.startswith("Still paused, now until")
    taken = story.runs(daily(at(2026, 2, 11), at(2026, 3, 5)))
    [(when, note)] = posted(taken, "pause-ended")
    assert (when, note.key) == (at(2026, 3, 1, 6, 17), "2026-02-10T09:00:00Z")


def test_a_label_taken_off_by_hand_ends_the_pause_and_a_new_one_by_hand_has_no_date() -> None:
    story = paused_until("2026-03-01")
    story.unlabel(PAUSED, at(2026, 2, 20), by=COORD)
    story.label(PAUSED, at(2026, 2, 25), by=COORD)
    taken = story.runs(daily(at(2026, 2, 20, 7), at(2026, 4, 1)))
    assert posted(taken, "pause-ended") == []
    assert PAUSED in story.labels
    # Nor is the end by hand announced as if the date had ended it.
    story = paused_until("2026-03-01")
    story.runs(daily(at(2026, 2, 11), at(2026, 2, 20)))
    story.unlabel(PAUSED, at(2026, 3, 2), by=COORD)
    assert posted(story.runs(daily(at(2026, 3, 2, 7), at(2026, 3, 5))), "pause-ended") == []


def test_a_renamed_label_keeps_the_pause_and_its_date() -> None:
    story = paused_until("2026-03-01")
    old = PAUSED
    story.labels = [("on hold" if lb == old else lb) for lb in story.labels]
    renamed = CONFIG_RENAMED
    taken = story.runs(daily(at(2026, 2, 11), at(2026, 3, 5)), config=renamed)
    [(when, _)] = posted(taken, "pause-ended")
    assert when == at(2026, 3, 1, 6, 17)
    assert [a for _, a in taken if isinstance(a, RemoveLabels)] == [RemoveLabels(1, ("on hold",))]


def test_the_label_removal_lost_leaves_no_words_and_the_next_run_does_both() -> None:
    story = paused_until("2026-03-01")
    day = at(2026, 3, 1, 6, 17)
    wanted = story.plan(day).actions
    assert [type(a).__name__ for a in wanted] == ["RemoveLabels", "AddLabels", "PostComment"]
    # The run stopped at its first write: the next day's run does it all, once.
    taken = story.runs([day + timedelta(days=1)])
    assert [a.kind for _, a in posted(taken, "pause-ended")] == ["pause-ended"]


def test_the_words_lost_after_the_label_came_off_are_posted_by_the_next_run_once() -> None:
    story = paused_until("2026-03-01")
    day = at(2026, 3, 1, 6, 17)
    wanted = story.plan(day).actions
    story.apply([a for a in wanted if not isinstance(a, PostComment)], day)
    taken = story.runs(daily(day + timedelta(days=1), day + timedelta(days=5)))
    [(when, note)] = posted(taken, "pause-ended")
    assert (when, note.key) == (day + timedelta(days=1), KEY)
    assert "Sunday 1 March 2026" in note.body


def test_a_resume_whose_reply_was_lost_is_not_taken_for_the_date() -> None:
    story = paused_until("2026-03-01")
    story.comment("alice", "/resume", at(2026, 3, 1, 6))
    day = at(2026, 3, 1, 6, 17)
    wanted = story.plan(day).actions
    assert [a.kind for a in wanted if isinstance(a, PostComment)] == ["command"]
    story.apply([a for a in wanted if not isinstance(a, PostComment)], day)  # reply lost
    taken = story.runs([day + timedelta(days=1)])
    assert [(a.kind, a.body[:8]) for _, a in posted(taken, "command")] == [("command", "Resumed.")]
    assert posted(taken, "pause-ended") == []


def test_a_pause_on_a_closed_issue_waits_for_the_reopening() -> None:
    story = paused_until("2026-03-01")
    story.close(at(2026, 2, 20))
    assert posted(story.runs(daily(at(2026, 2, 21), at(2026, 3, 5))), "pause-ended") == []
    story.reopen(at(2026, 3, 5, 8))
    assert len(posted(story.runs([at(2026, 3, 6, 6, 17)]), "pause-ended")) == 1


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("/pause until 2026-02-09", "2026-02-09 is before the day this comment was written"),
        ("/pause until 2027-02-11", "the latest day a pause can end on is 2027-02-10"),
        ("/pause until 2026-02-30", "`2026-02-30` is not a day in the calendar"),
        ("/pause until 2026-03-01T00:00", "`2026-03-01T00:00` is not a date written as"),
        ("/pause until ２０２６-03-01", "is not a date written as `YYYY-MM-DD`"),
    ],
)
def test_a_date_that_cannot_be_taken_is_refused_with_why_and_changes_nothing(
    text: str, words: str
) -> None:
    story = paired()
    [reply] = say(story, "alice", text, at(2026, 2, 10, 10))
    assert words in reply.body
    assert "nothing was changed" in reply.body
    assert PAUSED not in story.labels


def test_until_and_words_is_a_pause_without_a_date_and_its_reason() -> None:
    story = paired()
    [reply] = say(story, "alice", "/pause until the exams are over", at(2026, 2, 10, 10))
    assert reply.body.startswith("Paused: `until the exams are over`.")
    assert PAUSED in story.labels


def test_a_strangers_dated_pause_is_refused_and_sets_no_date() -> None:
    story = paired()
    story.label(PAUSED, at(2026, 2, 10, 9), by=COORD)
    [reply] = say(story, "eve", "/pause until 2026-03-01", at(2026, 2, 10, 10))
    assert "can use `/pause` here" in reply.body
    assert posted(story.runs(daily(at(2026, 2, 11), at(2026, 3, 5))), "pause-ended") == []


def test_a_former_mentors_refused_commands_neither_set_nor_clear_the_date() -> None:
    story = paused_until("2026-03-01")
    story.unassign("mo", at(2026, 2, 11))
    story.assign("ann", at(2026, 2, 11, 1))
    story.run(at(2026, 2, 11, 2))  # ann is introduced
    for text, when in (("/pause until 2026-02-20", 12), ("/resume", 13)):
        [reply] = say(story, "mo", text, at(2026, 2, when, 10))
        assert "can use `/" in reply.body
    taken = story.runs(daily(at(2026, 2, 14), at(2026, 3, 5)))
    [(when, _)] = posted(taken, "pause-ended")
    assert when == at(2026, 3, 1, 6, 17)


def test_a_refused_resume_does_not_keep_a_lost_end_note_from_being_posted() -> None:
    story = paused_until("2026-03-01")
    story.unassign("mo", at(2026, 2, 11))
    story.assign("ann", at(2026, 2, 11, 1))
    story.run(at(2026, 2, 11, 2))
    [reply] = say(story, "mo", "/resume", at(2026, 2, 12, 10))
    assert "can use `/resume`" in reply.body
    day = at(2026, 3, 1, 6, 17)
    wanted = story.plan(day).actions
    story.apply([a for a in wanted if not isinstance(a, PostComment)], day)  # the note lost
    taken = story.runs(daily(day + timedelta(days=1), day + timedelta(days=3)))
    [(when, _)] = posted(taken, "pause-ended")
    assert when == day + timedelta(days=1)


def test_only_the_bots_own_marker_sets_the_date() -> None:
    story = paired()
    say(story, "alice", "/pause", at(2026, 2, 10, 10))
    say(story, "alice", "<!-- mentoring:pause-until:2026-02-20 -->", at(2026, 2, 11, 10))
    assert posted(story.runs(daily(at(2026, 2, 12), at(2026, 3, 5))), "pause-ended") == []


# --- a long pause without a date ---------------------------------------------------------


def test_a_long_pause_without_a_date_gets_one_reminder_each_pause() -> None:
    story = paired()
    say(story, "alice", "/pause", at(2026, 2, 10, 10))
    taken = story.runs(daily(at(2026, 2, 11), at(2026, 7, 1)))
    [(when, note)] = posted(taken, "pause-reminder")
    assert when == at(2026, 5, 12, 6, 17)  # the first run 90 days after the label went on
    assert note.key == KEY
    assert note.body.startswith("@alice and @mo: ")
    assert "@cora" not in note.body  # the coordinators are not pinged
    say(story, "mo", "/resume", at(2026, 7, 1, 10))
    say(story, "mo", "/pause", at(2026, 7, 2, 10))
    taken = story.runs(daily(at(2026, 7, 3), at(2026, 11, 1)))
    [(_, second)] = posted(taken, "pause-reminder")
    assert second.key == "2026-07-02T10:00:05Z"


def test_a_dated_pause_gets_no_reminder() -> None:
    story = paused_until("2026-12-31")
    taken = story.runs(daily(at(2026, 2, 11), at(2026, 7, 1)))
    assert posted(taken, "pause-reminder") == []


def test_a_dated_pause_before_pairing_ends_and_says_the_check_ins_wait_for_a_mentor() -> None:
    story = Story(body=body())
    story.run(T0 + timedelta(seconds=5))
    say(story, "alice", "/pause until 2026-01-20", at(2026, 1, 10, 10))
    taken = story.runs(daily(at(2026, 1, 11), at(2026, 1, 25)))
    [(when, note)] = posted(taken, "pause-ended")
    assert when == at(2026, 1, 20, 6, 17)
    assert note.body.startswith("@alice: ")
    assert "The check-ins wait for a mentor to be assigned." in note.body
    assert LABELS.awaiting_mentor in story.labels
