"""Reading times written as text: the one parser for GitHub's, the scenarios' and the sandbox's."""

from __future__ import annotations

from datetime import UTC, date, datetime


def parse_utc(value: str | date | datetime) -> datetime:
    """An aware UTC datetime from ISO 8601 text (``Z`` or an offset), a datetime or a date.

    A time without a zone is taken as UTC, as every time in the program is; a date is its
    midnight. Raises ValueError for text that is not an ISO 8601 time.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        parsed = datetime.fromisoformat(str(value).strip())  # reads "Z" since Python 3.11
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
