"""POSIX cron expressions, as GitHub Actions schedules read them (UTC, five fields)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 6))


class CronError(ValueError):
    """An expression GitHub would not accept."""


_NAMES = {  # GitHub documents JAN-DEC and SUN-SAT
    "month": {
        n: i
        for i, n in enumerate(
            ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
        )
    },
    "weekday": {n: i for i, n in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])},
}


def _number(text: str, name: str) -> int:
    names = _NAMES.get(name, {})
    if text.upper() in names:
        return names[text.upper()]
    if not text.isascii() or not text.isdigit():
        hint = f" or a name ({', '.join(names)})" if names else ""
        raise CronError(f"{name} {text!r} is not a number{hint}")
    return int(text)


def _values(text: str, low: int, high: int, name: str) -> set[int]:
    # Most crons also read weekday 7 as Sunday; it is folded onto 0 below.
    top = 7 if name == "weekday" else high
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = _number(step_text, f"{name} step") if step_text else 1
        if body == "*":
            start, end = low, high
        elif "-" in body:
            a, b = body.split("-", 1)
            start, end = _number(a, name), _number(b, name)
        else:
            start = end = _number(body, name)
            if step_text:
                end = high
        if not (low <= start <= top and low <= end <= top):
            raise CronError(f"{name} {part!r} is outside {low}-{high}")
        if start > end:
            raise CronError(f"{name} {part!r} runs backwards: write the smaller number first")
        if step < 1:
            raise CronError(f"{name} {part!r}: the step after / must be 1 or more")
        values.update(v % 7 if name == "weekday" else v for v in range(start, end + 1, step))
    return values


class Cron:
    """A parsed schedule that lists the times it fires."""

    def __init__(self, expression: str) -> None:
        parts = expression.split()
        if len(parts) != 5:
            raise CronError(
                f"{expression!r}: a schedule needs five fields (minute hour day month weekday)"
            )
        try:
            sets = [
                _values(p, lo, hi, name) for p, (name, lo, hi) in zip(parts, _FIELDS, strict=True)
            ]
        except ValueError as exc:
            raise CronError(f"{expression!r}: {exc}") from exc
        self.expression = expression
        self.minutes, self.hours, self.days, self.months, self.weekdays = sets
        self._day_any = parts[2] == "*"
        self._weekday_any = parts[4] == "*"

    def _day_matches(self, day: datetime) -> bool:
        cron_weekday = (day.weekday() + 1) % 7  # cron: Sunday is 0
        if day.month not in self.months:
            return False
        by_day = day.day in self.days
        by_weekday = cron_weekday in self.weekdays
        if self._day_any or self._weekday_any:
            return by_day and by_weekday
        return by_day or by_weekday  # cron's rule when both are restricted

    def times(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Every firing time in ``[start, end)``."""
        day = start.replace(hour=0, minute=0, second=0, microsecond=0)
        while day < end:
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        moment = day.replace(hour=hour, minute=minute)
                        if start <= moment < end:
                            yield moment
            day += timedelta(days=1)
