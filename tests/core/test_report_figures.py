"""core/report.py's calendar quarters and measures on small cases (the whole report is
checked against a table worked out by hand in tests/cli/test_report.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mentoring.core.report import (
    CLOSED,
    History,
    Quarter,
    Span,
    activity_queries,
    figures_since,
    quarter_figures,
    quarters,
)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_a_fourth_quarter_ends_with_the_year() -> None:
    q4 = Quarter(2025, 4)
    assert (q4.start, q4.end, q4.label) == (at("2025-10-01"), at("2026-01-01"), "2025 Q4")
    assert q4.next() == Quarter(2026, 1)
    assert Quarter.of(at("2026-03-31T23:59:59")) == Quarter(2026, 1)


def test_quarters_run_from_the_first_to_the_one_under_way() -> None:
    found = quarters(at("2025-11-20"), at("2026-04-02"))
    assert [q.label for q in found] == ["2025 Q4", "2026 Q1", "2026 Q2"]
    assert [q.label for q in quarters(at("2026-04-02"), at("2026-04-02"))] == ["2026 Q2"]


def test_a_mentor_change_is_one_pairing_and_no_return_for_the_same_mentee() -> None:
    h = History(
        number=1,
        mentee="ann",
        opened=at("2026-01-05"),
        paired=at("2026-01-15"),
        ended=at("2026-02-20"),
        outcome=CLOSED,
        spans=(
            Span("bob", at("2026-01-15"), at("2026-02-01")),
            Span("dan", at("2026-02-01"), at("2026-02-20")),
        ),
    )
    again = History(
        2,
        "ann",
        at("2026-03-01"),
        at("2026-03-02"),
        None,
        "open",
        spans=(Span("bob", at("2026-03-02"), at("2026-05-01")),),
    )
    q = quarter_figures(Quarter(2026, 1), [h, again], at("2026-05-01"))
    assert (q.pairings, q.closed_after_pairing, q.closed_before_pairing) == (2, 1, 0)
    assert (q.mentors_active, q.mentors_returning) == (2, 0)  # bob again, for ann again
    assert (q.active, q.load_mean, q.load_max) == (1, 1.0, 1)


def test_no_application_and_no_since_is_no_quarter() -> None:
    assert figures_since([], None, at("2026-05-01")) == ()
    assert len(figures_since([], date(2026, 1, 1), at("2026-05-01"))) == 2


def test_the_activity_queries_name_every_repository() -> None:
    author, reviewer = activity_queries("ann", ("a/b", "c/d"), date(2026, 1, 2))
    assert author == "is:pr author:ann repo:a/b repo:c/d created:>=2026-01-02"
    assert reviewer == "is:pr reviewed-by:ann repo:a/b repo:c/d updated:>=2026-01-02"
