"""The calendar and the timeline helpers: pure functions over times and events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentoring.core.calendar import (
    active_age,
    add_months,
    bot_comments,
    closed_intervals,
    due_time,
    label_intervals,
    latest_due_period,
    mentor_since,
    merge_intervals,
)
from mentoring.core.model import Comment, Event, marker

BOT = "github-actions[bot]"
DAY = timedelta(days=1)


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --------------------------------------------------------------------- due_time


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        pytest.param(at(2026, 1, 31, 9), 1, at(2026, 2, 28, 9), id="31-jan+1=28-feb"),
        pytest.param(at(2028, 1, 31, 9), 1, at(2028, 2, 29, 9), id="31-jan+1=29-feb-leap"),
        pytest.param(at(2026, 1, 31, 9), 2, at(2026, 3, 31, 9), id="31-jan+2=31-mar-not-28"),
        pytest.param(at(2026, 1, 31, 9), 3, at(2026, 4, 30, 9), id="31-jan+3=30-apr"),
        pytest.param(at(2026, 1, 31, 9), 4, at(2026, 5, 31, 9), id="31-jan+4=31-may"),
        pytest.param(at(2028, 2, 29), 12, at(2029, 2, 28), id="leap-day+12"),
        pytest.param(at(2028, 2, 29), 1, at(2028, 3, 29), id="leap-day+1"),
        pytest.param(at(2028, 2, 29), 48, at(2032, 2, 29), id="leap-day+48"),
        pytest.param(at(2026, 12, 15), 1, at(2027, 1, 15), id="across-new-year"),
        pytest.param(at(2026, 3, 5, 10), 0, at(2026, 3, 5, 10), id="zero-months"),
    ],
)
def test_due_time_counts_calendar_months_from_the_start(
    start: datetime, months: int, due: datetime
) -> None:
    assert due_time(start, months, []) == due


def test_due_times_are_never_chained_month_to_month() -> None:
    start = at(2026, 1, 31)
    dues = [due_time(start, k, []) for k in range(1, 13)]
    # Chaining (28 Feb + 1 month = 28 Mar, ...) would lose the 31st for good.
    assert [d.day for d in dues] == [28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31]


def test_a_pause_pushes_every_later_due_by_its_length() -> None:
    start = at(2026, 1, 5)
    pause = (at(2026, 1, 20), at(2026, 1, 30))  # ten days
    assert due_time(start, 1, [pause]) == at(2026, 2, 15)
    assert due_time(start, 2, [pause]) == at(2026, 3, 15)
    assert due_time(start, 12, [pause]) == at(2027, 1, 15)


def test_a_pause_after_a_due_time_does_not_move_it() -> None:
    start = at(2026, 1, 5)
    pause = (at(2026, 2, 10), at(2026, 2, 20))
    assert due_time(start, 1, [pause]) == at(2026, 2, 5)
    assert due_time(start, 2, [pause]) == at(2026, 3, 15)


def test_several_pauses_add_up() -> None:
    start = at(2026, 1, 5)
    stops = [(at(2026, 3, 1), at(2026, 3, 4)), (at(2026, 1, 10), at(2026, 1, 12))]  # 3 + 2 days
    assert due_time(start, 1, stops) == at(2026, 2, 7)
    assert due_time(start, 3, stops) == at(2026, 4, 10)


def test_only_the_part_of_a_pause_after_the_start_counts() -> None:
    start = at(2026, 1, 5)
    before = (at(2025, 12, 25), at(2026, 1, 10))  # on before the pairing: 5 days count
    assert due_time(start, 1, [before]) == at(2026, 2, 10)
    ended_before = (at(2025, 12, 1), at(2026, 1, 1))
    assert due_time(start, 1, [ended_before]) == at(2026, 2, 5)


def test_overlapping_pauses_count_once() -> None:
    # The paused label from 10 to 20 January and the issue closed from 15 to 25 January:
    # the clock stood still from 10 to 25 January, fifteen days, not twenty.
    start = at(2026, 1, 5)
    stops = [(at(2026, 1, 10), at(2026, 1, 20)), (at(2026, 1, 15), at(2026, 1, 25))]
    assert due_time(start, 1, stops) == at(2026, 2, 20)
    nested = [(at(2026, 1, 10), at(2026, 1, 25)), (at(2026, 1, 12), at(2026, 1, 13))]
    assert due_time(start, 1, nested) == at(2026, 2, 20)


def test_a_pause_between_the_original_and_the_pushed_due_time_pushes_again() -> None:
    start = at(2026, 1, 1)
    first = (at(2026, 1, 20), at(2026, 2, 10))  # 21 days: due moves from 1 to 22 February
    second = (at(2026, 2, 15), at(2026, 2, 20))  # after 1 Feb, before 22 Feb: 5 more days
    assert due_time(start, 1, [first]) == at(2026, 2, 22)
    assert due_time(start, 1, [first, second]) == at(2026, 2, 27)
    late = (at(2026, 2, 25), at(2026, 3, 1))  # after the pushed due: no effect on month 1
    assert due_time(start, 1, [first, late]) == at(2026, 2, 22)


def test_a_pause_that_is_still_on_means_nothing_more_is_due() -> None:
    start = at(2026, 1, 5)
    events = [Event("labeled", at(2026, 1, 20), label="mentoring: paused")]
    for now in (at(2026, 2, 1), at(2026, 6, 1), at(2027, 6, 1)):
        stops = label_intervals(events, "mentoring: paused", now)
        assert latest_due_period(start, 1, stops, now) == 0
        assert due_time(start, 1, stops) > now


def test_a_pause_still_on_keeps_what_was_due_before_it() -> None:
    start = at(2026, 1, 5)
    events = [Event("labeled", at(2026, 3, 10), label="mentoring: paused")]
    now = at(2027, 1, 1)
    assert latest_due_period(start, 1, label_intervals(events, "mentoring: paused", now), now) == 2


def test_closed_then_reopened_time_is_stopped_clock() -> None:
    start = at(2026, 1, 5)
    events = [Event("closed", at(2026, 1, 10)), Event("reopened", at(2026, 1, 17))]
    stops = closed_intervals(events, at(2026, 6, 1))
    assert stops == [(at(2026, 1, 10), at(2026, 1, 17))]
    assert due_time(start, 1, stops) == at(2026, 2, 12)


# ------------------------------------------------------------- latest_due_period


@pytest.mark.parametrize(
    ("now", "period"),
    [
        pytest.param(at(2026, 2, 4, 23), 0, id="before-first"),
        pytest.param(at(2026, 2, 5), 1, id="exactly-at-first"),
        pytest.param(at(2026, 3, 4), 1, id="between"),
        pytest.param(at(2026, 4, 20), 3, id="after-3-month-outage-only-latest"),
        pytest.param(at(2027, 1, 5), 12, id="a-year"),
    ],
)
def test_latest_due_period(now: datetime, period: int) -> None:
    assert latest_due_period(at(2026, 1, 5), 1, [], now) == period


def test_latest_due_period_counts_in_steps_of_several_months() -> None:
    start = at(2026, 1, 5)
    assert latest_due_period(start, 2, [], at(2026, 3, 4)) == 0
    assert latest_due_period(start, 2, [], at(2026, 3, 5)) == 1
    assert latest_due_period(start, 2, [], at(2026, 7, 5)) == 3


def counted_from_the_first(
    start: datetime, step: int, stops: list[tuple[datetime, datetime]], now: datetime
) -> int:
    """latest_due_period as the calendar defines it: each period's due time in turn."""
    k = 0
    while due_time(start, (k + 1) * step, stops) <= now:
        k += 1
    return k


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-11))])
TIMES = st.datetimes(datetime(2025, 1, 1), datetime(2029, 12, 31), timezones=ZONES)


@given(
    start=TIMES,
    step=st.integers(1, 13),
    stops=st.lists(st.tuples(TIMES, st.timedeltas(timedelta(0), timedelta(days=400))), max_size=4),
    now=TIMES,
)
def test_latest_due_period_skips_ahead_to_what_counting_from_the_first_finds(
    start: datetime,
    step: int,
    stops: list[tuple[datetime, timedelta]],
    now: datetime,
) -> None:
    intervals = [(begin, begin + length) for begin, length in stops]
    expected = counted_from_the_first(start, step, intervals, now)
    assert latest_due_period(start, step, intervals, now) == expected


@given(
    start=TIMES,
    step=st.integers(1, 13),
    stops=st.lists(st.tuples(TIMES, st.timedeltas(timedelta(0), timedelta(days=400))), max_size=4),
    since=TIMES,
    later=st.timedeltas(timedelta(0), timedelta(days=900)),
)
def test_a_period_fell_due_since_a_time_when_the_latest_one_did(
    start: datetime,
    step: int,
    stops: list[tuple[datetime, timedelta]],
    since: datetime,
    later: timedelta,
) -> None:
    # Due times only grow with the period: the planner asks whether a check-in fell due
    # since a mentor came by looking at the latest one due alone.
    intervals = [(begin, begin + length) for begin, length in stops]
    latest = latest_due_period(start, step, intervals, since + later)
    fell_due = latest_due_period(start, step, intervals, since) < latest
    assert fell_due == (latest > 0 and due_time(start, latest * step, intervals) > since)


def test_latest_due_period_at_the_ends_of_months_and_across_long_pauses() -> None:
    start = at(2026, 1, 31, 12)  # the 28th of February, then the 31st of March
    pause = [(at(2026, 2, 1), at(2026, 9, 1))]
    for now in [at(2026, 2, 28, 12), at(2026, 3, 31, 11), at(2027, 8, 31, 12), at(2028, 1, 1)]:
        for stops in ([], pause):
            expected = counted_from_the_first(start, 1, stops, now)
            assert latest_due_period(start, 1, stops, now) == expected


# ------------------------------------------------------------------- intervals


def test_label_intervals_match_the_label_case_insensitively() -> None:
    events = [
        Event("labeled", at(2026, 1, 1), label="Mentoring: Paused"),
        Event("labeled", at(2026, 1, 2), label="other"),
        Event("unlabeled", at(2026, 1, 3), label="mentoring: paused"),
        Event("unlabeled", at(2026, 1, 4), label="mentoring: paused"),  # a stray repeat
        Event("labeled", at(2026, 2, 1), label="mentoring: paused"),
        Event("labeled", at(2026, 2, 2), label="mentoring: paused"),  # a repeat while on
    ]
    now = at(2026, 3, 1)
    assert label_intervals(events, "mentoring: paused", now) == [
        (at(2026, 1, 1), at(2026, 1, 3)),
        (at(2026, 2, 1), now),
    ]


def test_label_intervals_read_events_in_time_order() -> None:
    events = [
        Event("unlabeled", at(2026, 1, 9), label="p"),
        Event("labeled", at(2026, 1, 2), label="p"),
    ]
    assert label_intervals(events, "p", at(2026, 2, 1)) == [(at(2026, 1, 2), at(2026, 1, 9))]


def test_closed_intervals_with_several_closes_and_one_still_closed() -> None:
    events = [
        Event("closed", at(2026, 1, 1)),
        Event("reopened", at(2026, 1, 5)),
        Event("closed", at(2026, 2, 1)),
    ]
    now = at(2026, 3, 1)
    assert closed_intervals(events, now) == [
        (at(2026, 1, 1), at(2026, 1, 5)),
        (at(2026, 2, 1), now),
    ]


def test_merge_intervals() -> None:
    a, b, c, d = at(2026, 1, 1), at(2026, 1, 5), at(2026, 1, 10), at(2026, 1, 20)
    assert merge_intervals([(c, d), (a, b)]) == [(a, b), (c, d)]
    assert merge_intervals([(a, c), (b, d)]) == [(a, d)]
    assert merge_intervals([(a, d), (b, c)]) == [(a, d)]
    assert merge_intervals([(a, b), (b, c)]) == [(a, c)]  # touching intervals join
    assert merge_intervals([]) == []


def test_active_age_leaves_out_stopped_time() -> None:
    start = at(2026, 1, 1)
    stops = [(at(2025, 12, 20), at(2026, 1, 3)), (at(2026, 1, 5), at(2026, 1, 6))]
    assert active_age(start, stops, at(2026, 1, 11)) == (10 - 2 - 1) * 86400
    assert active_age(start, [], start - DAY) == 0.0


# ------------------------------------------------------------------ who and what


def test_mentor_since_is_the_first_assignment_of_a_mentor() -> None:
    events = [
        Event("assigned", at(2026, 1, 1), assignee="coord"),
        Event("assigned", at(2026, 1, 9), assignee="mo"),
        Event("unassigned", at(2026, 2, 1), assignee="mo"),
        Event("assigned", at(2026, 2, 2), assignee="mia"),
    ]
    assert mentor_since(events, lambda e: e.assignee != "coord") == at(2026, 1, 9)
    assert mentor_since(events, lambda e: e.assignee == "mia") == at(2026, 2, 2)
    assert mentor_since(events, lambda e: False) is None


def test_bot_comments_count_only_the_bots_own_markers() -> None:
    comments = [
        Comment(1, BOT, "Hi\n\n" + marker("welcome"), at(2026, 1, 1)),
        Comment(2, "alice", marker("checkin", 1), at(2026, 1, 2)),
        Comment(3, "GitHub-Actions[bot]", "x " + marker("checkin", 2), at(2026, 1, 3)),
        Comment(4, BOT, "no marker here", at(2026, 1, 4)),
        Comment(5, BOT, "<!-- mentoring:paired:mo,mia -->", at(2026, 1, 5)),
    ]
    found = [(c.kind, c.key, c.comment_id) for c in bot_comments(comments, BOT)]
    assert found == [("welcome", None, 1), ("checkin", "2", 3), ("paired", "mo,mia", 5)]


def test_months_are_added_in_the_starts_own_zone_whatever_was_asked_before() -> None:
    # One instant in two zones (remembered additions must not mix them up): 31 January
    # 00:30 at +01:00 is 30 January 23:30 UTC, and a month later differs by a day.
    utc = datetime(2026, 1, 30, 23, 30, tzinfo=UTC)
    plus_one = utc.astimezone(timezone(timedelta(hours=1)))
    assert add_months(utc, 1) == datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    assert add_months(plus_one, 1) == datetime(2026, 2, 28, 0, 30, tzinfo=plus_one.tzinfo)
    assert add_months(utc, 1) == datetime(2026, 2, 28, 23, 30, tzinfo=UTC)


def test_the_bot_comments_of_one_snapshot_asked_again_are_the_same_and_the_callers_own() -> None:
    # bot_comments remembers its last answer by the very tuple of comments it was given.
    posted = Comment(1, BOT, f"Hi\n\n{marker('welcome')}", at(2026, 1, 5))
    pasted = Comment(2, "ana", marker("checkin", "1"), at(2026, 1, 6))
    comments = (posted, pasted)
    first = bot_comments(comments, BOT)
    first.clear()  # a caller's list is its own
    assert [(c.kind, c.comment_id) for c in bot_comments(comments, BOT)] == [("welcome", 1)]
    assert bot_comments(comments, "ana") != bot_comments(comments, BOT)  # another bot
    later = (*comments, Comment(3, BOT, marker("checkin", "1"), at(2026, 2, 5)))
    assert [c.comment_id for c in bot_comments(later, BOT)] == [1, 3]
    assert [c.comment_id for c in bot_comments(list(later), BOT)] == [1, 3]
