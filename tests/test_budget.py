"""The rate-limit budget: read from the responses, kept, most overdue first; and waits
for secondary rate limits bounded by SafeRetry's max_wait for the whole run."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

import reconcile
from benchmarks.mentorships import ROOT, Built, build, env_for
from mentoring.model import PostComment
from mentoring.planner import ACTIVE, Mentorship, Plan
from mentoring.reconciler import RATE_RESERVE, _urgency
from mentoring.sandbox import Fault, Sandbox

NOW = datetime(2027, 6, 1, 6, 17, tzinfo=UTC)
N = 30
DUE = (1, 5, 9, 13, 22, 27)  # index i falls due i % 28 + 1 days before its ~12 months


@pytest.fixture
def built() -> Iterator[tuple[Sandbox, Built]]:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        yield sb, build(sb, N, NOW, due=DUE)


def _run(sb: Sandbox, sleeps: list[float] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    sb.clear_logs()
    with contextlib.redirect_stdout(out):
        code = reconcile.main(
            ["--root", str(ROOT)],
            env=env_for(sb),
            now=sb.now,
            sleep=(sleeps.append if sleeps is not None else lambda s: None),
        )
    return code, out.getvalue()


def _posted(sb: Sandbox) -> list[int]:
    return [w["issue"] for w in sb.writes if w["type"] == "comment"]


def test_a_run_with_enough_budget_does_all_in_the_fewest_requests(built) -> None:
    sb, b = built
    code, _ = _run(sb)
    assert code == 0
    assert sorted(_posted(sb)) == sorted(b.due)
    # Lower bound: the list pages (applications, registrations), one timeline per issue,
    # the writes. No GET of an issue, no /rate_limit: the budget comes from the headers.
    paths = [r["path"] for r in sb.request_log]
    assert sum(p.endswith("/timeline") for p in paths) == N
    assert sum(p.endswith("/issues") for p in paths) == 2
    assert len(paths) == 2 + N + len(b.due)


def test_low_budget_stops_cleanly_most_overdue_first_and_the_next_run_continues(built) -> None:
    sb, b = built
    writes = 3
    sb.rate_limit_remaining = RATE_RESERVE + 2 + N + writes - 1
    code, printed = _run(sb)
    assert code == 0  # stopping early is not a failure
    assert "::warning::Stopped early to keep 200 API requests for others" in printed
    assert "The next run continues" in printed
    overdue_first = sorted(b.due, key=b.due.get)
    assert _posted(sb) == overdue_first[:writes]
    assert all(r["path"] != "/rate_limit" for r in sb.request_log)
    assert sb.rate_limit_remaining >= RATE_RESERVE - 1
    # The next run, with requests to spare, does the rest, and nothing twice.
    sb.rate_limit_remaining = 5000
    sb.advance(days=1)
    code, _ = _run(sb)
    assert code == 0
    assert _posted(sb) == overdue_first[writes:]


def test_budget_too_low_to_read_everything_reads_none_past_the_reserve(built) -> None:
    sb, _ = built
    sb.rate_limit_remaining = RATE_RESERVE + 10
    code, printed = _run(sb)
    assert code == 0
    assert "Stopped early" in printed
    assert len(sb.request_log) <= 11
    assert _posted(sb) == []


def _plan(number: int, start: datetime, overdue: datetime | None) -> Plan:
    m = Mentorship(number, "m", ("b",), ACTIVE, start, None, None)
    return Plan(m, (PostComment(number, "checkin", "1", "x"),), overdue)


def test_urgency_is_most_overdue_first_not_longest_running() -> None:
    day = timedelta(days=1)
    old_on_time = _plan(1, NOW - 400 * day, NOW - 1 * day)  # started long ago, due yesterday
    young_late = _plan(2, NOW - 100 * day, NOW - 30 * day)  # due a month ago (an outage)
    welcome = _plan(3, NOW, None)  # event work, no due time: after the overdue ones
    idle = Plan(Mentorship(4, "m", (), ACTIVE, NOW - 500 * day, None, None))
    ordered = sorted([idle, welcome, old_on_time, young_late], key=_urgency)
    assert [p.mentorship.number for p in ordered] == [2, 1, 3, 4]


# --- secondary rate limits: bounded waits ---------------------------------------------


def test_retry_after_within_the_cap_is_waited_out(built) -> None:
    sb, b = built
    sb.retry_after_seconds = 20
    sb.inject(Fault.SECONDARY_RATE_LIMIT, method="POST", path=r"/comments$", count=2)
    sb.inject(Fault.TOO_MANY_REQUESTS, method="GET", path=r"/timeline$", count=1)
    sleeps: list[float] = []
    code, _ = _run(sb, sleeps)
    assert code == 0
    assert sleeps == [20, 20, 20]  # 60 s: exactly the cap, no more
    assert sorted(_posted(sb)) == sorted(b.due)


def test_retry_after_beyond_the_cap_is_not_waited_and_the_run_stops(built) -> None:
    sb, b = built
    sb.retry_after_seconds = 3600
    sb.inject(Fault.SECONDARY_RATE_LIMIT, method="POST", path=r"/comments$", count=1)
    sleeps: list[float] = []
    code, printed = _run(sb, sleeps)
    assert sum(sleeps) <= 60
    assert sleeps == []  # a wait the run may not finish is not begun
    assert code == 0
    assert "::warning::Stopped early as GitHub's rate limit refused a write" in printed
    # It stopped at once: one refused write, no request after it.
    assert [r["status"] for r in sb.request_log if r["method"] == "POST"] == [403]
    assert sb.request_log[-1]["method"] == "POST"
    assert _posted(sb) == []
    sb.advance(days=1)
    code, _ = _run(sb)
    assert code == 0
    assert sorted(_posted(sb)) == sorted(b.due)


def test_waits_add_up_to_the_cap_over_the_whole_run(built) -> None:
    sb, _ = built
    sb.retry_after_seconds = 25
    sb.inject(Fault.TOO_MANY_REQUESTS, method="GET", path=r"/timeline$", count=3)
    sleeps: list[float] = []
    code, printed = _run(sb, sleeps)
    assert sleeps == [25, 25]  # a third 25 s would pass 60 s
    assert code == 0
    assert "Stopped early as GitHub's rate limit refused a read (HTTP 429)" in printed
