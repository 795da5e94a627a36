"""core/report.py's calendar quarters and measures on small cases (the whole report is
checked against a table worked out by hand in tests/cli/test_report.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from mentoring.core.report import (
    CLOSED,
    History,
    Quarter,
    Span,
    activity_queries,
    figures_since,
    histories_of,
    history_of,
    quarter_figures,
    quarters,
)
from planner_cases import CONFIG, DAY, T0, Story


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


def test_a_mentor_assigned_after_the_close_pairs_nobody() -> None:
    story = Story().close(T0 + DAY).assign("bob", T0 + 8 * DAY)
    h = history_of(story.snapshot(), CONFIG, T0 + 30 * DAY)
    assert (h.paired, h.spans, h.ended, h.outcome) == (None, (), T0 + DAY, CLOSED)
    q = quarter_figures(Quarter(2026, 1), [h], T0 + 30 * DAY)
    assert (q.pairings, q.closed_before_pairing, q.closed_after_pairing) == (0, 1, 0)
    assert q.mentors_active == 0


def test_a_mentor_assigned_while_closed_does_not_pair_after_a_reopening() -> None:
    story = Story().close(T0 + DAY).assign("bob", T0 + 2 * DAY).reopen(T0 + 3 * DAY)
    assert history_of(story.snapshot(), CONFIG, T0 + 30 * DAY).paired is None
    again = story.assign("dan", T0 + 4 * DAY)
    h = history_of(again.snapshot(), CONFIG, T0 + 30 * DAY)
    assert (h.paired, [s.mentor for s in h.spans]) == (T0 + 4 * DAY, ["dan"])


def test_an_application_closed_as_a_duplicate_is_left_out() -> None:
    kept = Story(number=1).assign("bob", T0 + DAY)
    duplicate = Story(number=2).close(T0 + DAY, reason="duplicate")
    reopened = Story(number=3).close(T0 + DAY, reason="duplicate").reopen(T0 + 2 * DAY)
    snapshots = [kept.snapshot(), duplicate.snapshot(), reopened.snapshot()]
    found = histories_of(snapshots, CONFIG, T0 + 30 * DAY)
    assert [h.number for h in found] == [1, 3]


def _mentored(number: int, mentee: str, start: str, end: str | None) -> History:
    ended = at(end) if end else None
    outcome = CLOSED if end else "open"
    until = ended or at("2026-12-31")
    return History(
        number, mentee, at(start), at(start), ended, outcome, (Span("bob", at(start), until),)
    )


def test_a_first_timer_with_two_mentees_is_not_returning() -> None:
    now = at("2026-12-31")
    two = [_mentored(1, "ann", "2026-01-10", None), _mentored(2, "cat", "2026-02-10", None)]
    assert quarter_figures(Quarter(2026, 1), two, now).mentors_returning == 0
    back = [_mentored(1, "ann", "2026-01-10", "2026-02-01"), two[1]]
    assert quarter_figures(Quarter(2026, 1), back, now).mentors_returning == 1


def test_a_mentor_who_later_joins_the_coordinators_loses_their_mentorships() -> None:
    """The limit docs/report.md states: coordinators are read from today's list."""
    story = Story().assign("bob", T0 + DAY)
    assert history_of(story.snapshot(), CONFIG, T0 + 30 * DAY).paired == T0 + DAY
    later = replace(CONFIG, coordinators=(*CONFIG.coordinators, "bob"))
    h = history_of(story.snapshot(), later, T0 + 30 * DAY)
    assert (h.paired, h.spans) == (None, ())
