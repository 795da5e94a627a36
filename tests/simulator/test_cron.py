"""Cron expressions as GitHub Actions schedules read them: five fields, UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from simulator.cron import Cron, CronError


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_scheduled_workflows_cron_fires_once_a_day_at_0617() -> None:
    times = list(Cron("17 6 * * *").times(at(2026, 1, 30), at(2026, 3, 2)))
    assert len(times) == 31  # 30 Jan .. 1 Mar, across the end of February
    assert times[0] == at(2026, 1, 30, 6, 17)
    assert times[-1] == at(2026, 3, 1, 6, 17)
    assert all(b - a == timedelta(days=1) for a, b in pairwise(times))


def test_times_are_half_open_and_start_mid_day() -> None:
    cron = Cron("17 6 * * *")
    assert list(cron.times(at(2026, 1, 5, 6, 17), at(2026, 1, 6, 6, 17))) == [at(2026, 1, 5, 6, 17)]
    assert list(cron.times(at(2026, 1, 5, 6, 18), at(2026, 1, 6, 6, 18))) == [at(2026, 1, 6, 6, 17)]
    assert list(cron.times(at(2026, 1, 5), at(2026, 1, 5))) == []


@pytest.mark.parametrize(
    ("expression", "start", "end", "expected"),
    [
        pytest.param(
            "0,30 9 * * *",
            at(2026, 1, 1),
            at(2026, 1, 2),
            [at(2026, 1, 1, 9), at(2026, 1, 1, 9, 30)],
            id="list",
        ),
        pytest.param(
            "0 9-11 * * *",
            at(2026, 1, 1),
            at(2026, 1, 2),
            [at(2026, 1, 1, 9), at(2026, 1, 1, 10), at(2026, 1, 1, 11)],
            id="range",
        ),
        pytest.param(
            "*/20 0 * * *",
            at(2026, 1, 1),
            at(2026, 1, 2),
            [at(2026, 1, 1, 0, 0), at(2026, 1, 1, 0, 20), at(2026, 1, 1, 0, 40)],
            id="star-step",
        ),
        pytest.param(
            "0 1-10/4 * * *",
            at(2026, 1, 1),
            at(2026, 1, 2),
            [at(2026, 1, 1, 1), at(2026, 1, 1, 5), at(2026, 1, 1, 9)],
            id="range-step",
        ),
        pytest.param(
            "50/5 0 * * *",
            at(2026, 1, 1),
            at(2026, 1, 2),
            [at(2026, 1, 1, 0, 50), at(2026, 1, 1, 0, 55)],
            id="start-step-runs-to-the-end",
        ),
        pytest.param(
            "0 0 1,15 * *",
            at(2026, 1, 1),
            at(2026, 2, 1),
            [at(2026, 1, 1), at(2026, 1, 15)],
            id="days-of-month",
        ),
        pytest.param(
            "0 0 31 * *",
            at(2026, 1, 1),
            at(2026, 6, 1),
            [at(2026, 1, 31), at(2026, 3, 31), at(2026, 5, 31)],
            id="31st-only-in-long-months",
        ),
        pytest.param(
            "0 0 29 2 *",
            at(2026, 1, 1),
            at(2029, 1, 1),
            [at(2028, 2, 29)],
            id="leap-day",
        ),
        pytest.param(
            "0 12 * * 1-5",
            at(2026, 1, 1),  # a Thursday
            at(2026, 1, 8),
            [at(2026, 1, d, 12) for d in (1, 2, 5, 6, 7)],
            id="weekdays",
        ),
        pytest.param(
            "0 12 * * 0",
            at(2026, 1, 1),
            at(2026, 1, 15),
            [at(2026, 1, 4, 12), at(2026, 1, 11, 12)],
            id="sunday-is-0",
        ),
        pytest.param(
            "0 12 * * 7",
            at(2026, 1, 1),
            at(2026, 1, 15),
            [at(2026, 1, 4, 12), at(2026, 1, 11, 12)],
            id="sunday-is-7-too",
        ),
        pytest.param(
            "0 12 * * 5-7",
            at(2026, 1, 1),
            at(2026, 1, 8),
            [at(2026, 1, 2, 12), at(2026, 1, 3, 12), at(2026, 1, 4, 12)],
            id="range-up-to-7",
        ),
        pytest.param(
            "0 12 * JAN,mar SUN",
            at(2026, 1, 1),
            at(2026, 4, 1),
            [at(2026, 1, d, 12) for d in (4, 11, 18, 25)]
            + [at(2026, 3, d, 12) for d in (1, 8, 15, 22, 29)],
            id="names",
        ),
        pytest.param(
            "0 0 1 * 1",
            at(2026, 1, 1),
            at(2026, 2, 1),
            # cron's OR rule: the 1st (a Thursday) and every Monday
            [at(2026, 1, d) for d in (1, 5, 12, 19, 26)],
            id="day-and-weekday-either",
        ),
        pytest.param(
            "0 0 13 * 5",
            at(2026, 2, 1),
            at(2026, 3, 1),
            [at(2026, 2, d) for d in (6, 13, 20, 27)],
            id="friday-or-13th",
        ),
        pytest.param(
            "0 0 * 2 1",
            at(2026, 1, 1),
            at(2026, 3, 31),
            [at(2026, 2, d) for d in (2, 9, 16, 23)],
            id="month-and-weekday-both",
        ),
    ],
)
def test_times(expression: str, start: datetime, end: datetime, expected: list[datetime]) -> None:
    assert list(Cron(expression).times(start, end)) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        pytest.param("* * * *", "needs five fields", id="four-fields"),
        pytest.param("* * * * * *", "needs five fields", id="six-fields"),
        pytest.param("", "needs five fields", id="empty"),
        pytest.param("60 * * * *", "minute '60' is outside 0-59", id="minute-60"),
        pytest.param("0 24 * * *", "hour '24' is outside 0-23", id="hour-24"),
        pytest.param("0 0 0 * *", "day '0' is outside 1-31", id="day-0"),
        pytest.param("0 0 32 * *", "day '32' is outside 1-31", id="day-32"),
        pytest.param("0 0 * 13 *", "month '13' is outside 1-12", id="month-13"),
        pytest.param("0 0 * * 8", "weekday '8' is outside 0-6", id="weekday-8"),
        pytest.param("x * * * *", "minute 'x' is not a number", id="word"),
        pytest.param("0 0 * * MONDAY", "weekday 'MONDAY' is not a number", id="long-name"),
        pytest.param("0 0 * FOO *", "month 'FOO' is not a number", id="bad-month-name"),
        pytest.param("1- * * * *", "minute '' is not a number", id="open-range"),
        pytest.param("1,,2 * * * *", "minute '' is not a number", id="empty-list-item"),
        pytest.param("*/0 * * * *", "minute '*/0': the step", id="step-0"),
        pytest.param("*/x * * * *", "minute step 'x' is not a number", id="step-word"),
        pytest.param("30-10 * * * *", "minute '30-10' runs backwards", id="backwards"),
        pytest.param("-5 * * * *", "minute '' is not a number", id="negative"),
        pytest.param("@daily", "needs five fields", id="macro"),
    ],
)
def test_bad_expressions_raise_a_clear_cron_error(expression: str, message: str) -> None:
    with pytest.raises(CronError) as caught:
        Cron(expression)
    text = str(caught.value)
    assert message in text
    assert repr(expression) in text  # names the expression
    assert "invalid literal" not in text  # not Python's message


def test_cron_error_is_a_value_error() -> None:
    assert issubclass(CronError, ValueError)
