"""Quiet by design (tests/scenarios/signs-of-life.yml): a mentorship that follows the program (the
mentee reacts to the check-ins, the mentor answers each review) never needs attention; a
silent one is stalled after a review period and its reply days, not after 60 days; an
application left on needs info is listed after ``cadence.needs_info_days``. The same
over both read paths: reactions are read over REST and over GraphQL alike."""

from __future__ import annotations

import pytest

from mentoring.core.model import MARKER_RE
from played import DEMO, LONG_PLAY_READS, group, play, scenario
from simulator.simulation import Result

DASHBOARD = 5  # after the four applications

QUIET = group("signs-of-life")


@pytest.fixture(scope="module", params=LONG_PLAY_READS)
def result(request: pytest.FixtureRequest) -> Result:
    return play(scenario("signs-of-life.yml"), read=request.param).result


def announced(result: Result) -> list[tuple[str, str]]:
    """(day, item key) of every attention marker in the dashboard's notices, in order."""
    return [
        (a["at"][:10], m["key"])
        for a in result.actions
        if a["issue"] == DASHBOARD and a["type"] == "comment"
        for m in MARKER_RE.finditer(a["body"])
        if m["kind"] == "attention"
    ]


@QUIET
def test_a_mentorship_that_follows_the_program_is_never_listed(result: Result) -> None:
    keys = [key for _, key in announced(result)]
    assert not [k for k in keys if k.startswith(("1/", "4/stalled"))]
    needs = result.dashboard.split("## Needs attention", 1)[1].split("## The program", 1)[0]
    assert "#1 (" not in needs
    assert result.failed_runs == 0


@QUIET
def test_silence_is_stalled_after_a_review_period_and_its_reply_days(result: Result) -> None:
    seen = announced(result)
    # Paired 6 January: 3 months and 14 days later, not 60 days (7 March).
    assert ("2026-04-21", "2/stalled/2026-01-06") in seen
    needs = result.dashboard.split("## Needs attention", 1)[1].split("## The program", 1)[0]
    [line] = [ln for ln in needs.splitlines() if ln.startswith("- #2 ")]
    # One line for the issue, with both its reasons and whom to ask.
    assert "**stalled**" in line
    assert "**review unanswered**" in line
    assert "(ask the mentor, dora, directly)" in line


@QUIET
def test_a_mentee_who_only_reacts_keeps_the_mentorship_alive(result: Result) -> None:
    keys = [key for _, key in announced(result)]
    assert "4/review-unanswered/2026-04-20" in keys  # the mentor is asked, not both
    assert not [k for k in keys if k.startswith("4/stalled")]


@QUIET
def test_an_application_left_on_needs_info_is_listed_after_the_configured_days(
    result: Result,
) -> None:
    [(day, key)] = [(d, k) for d, k in announced(result) if "/needs-info/" in k]
    assert (day, key) == ("2026-01-26", "3/needs-info/2026-01-05")
    assert "#3 (ed): **needs info** since 2026-01-05, more than 20 days" in result.dashboard


@pytest.mark.slow  # as the REST plays above
@QUIET
def test_both_read_paths_tell_the_same_story() -> None:
    over_graphql = play(scenario("signs-of-life.yml"), read="graphql").result
    over_rest = play(scenario("signs-of-life.yml"), read="rest").result
    assert announced(over_graphql) == announced(over_rest)
    assert over_graphql.dashboard == over_rest.dashboard


@group("demo")
def test_in_the_demo_no_mentorship_that_follows_the_program_needs_attention() -> None:
    # Chen and Ines react to their check-ins and their mentors answer each review: never
    # listed, nor announced. Eve and Grace went silent after the handover: listed.
    result = play(DEMO).result
    keys = [
        key
        for a in result.actions
        if a["type"] == "comment"
        for key in [m["key"] for m in MARKER_RE.finditer(a["body"]) if m["kind"] == "attention"]
    ]
    assert not [k for k in keys if k.startswith(("2/stalled", "5/stalled", "2/review", "5/review"))]
    needs = result.dashboard.split("## Needs attention", 1)[1].split("## The program", 1)[0]
    listed = [ln.split(" ", 2)[1] for ln in needs.splitlines() if ln.startswith("- #")]
    assert listed == ["#3"]
    assert "3/stalled/2026-05-05" in keys
