"""mentoring.core.times: the one parser of times written as text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mentoring.core.times import parse_utc

T = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-05T10:00:00Z", T),  # GitHub's form
        ("2026-01-05T10:00:00+00:00", T),
        ("2026-01-05T11:00:00+01:00", T),  # an offset is converted, not kept
        ("2026-01-05T10:00:00", T),  # no zone: UTC, as every time here
        (" 2026-01-05T10:00:00Z ", T),
        (datetime(2026, 1, 5, 10, 0), T),
        (datetime(2026, 1, 5, 5, 0, tzinfo=timezone(timedelta(hours=-5))), T),
        (date(2026, 1, 5), T - timedelta(hours=10)),  # a date is its midnight
        ("2026-01-05", T - timedelta(hours=10)),
    ],
)
def test_times_in_every_form_become_utc(value: object, expected: datetime) -> None:
    parsed = parse_utc(value)  # type: ignore[arg-type]
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("value", ["", "yesterday", "2026-13-01T00:00:00Z", "5", None])
def test_anything_else_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is Python's own
        parse_utc(value)  # type: ignore[arg-type]
