"""The notification budget, over the demo and tests/scenarios/quiet.yml (two years, twelve
applications, two coordinators): coordinators are assigned to every application, so GitHub
tells them of each comment there; the bot @-mentions them on an application only when the
schedule has stopped (``schedule-health``). Mentions are counted as GitHub links them
(``benchmarks/bench_mentions.py``, whose counter has its own tests in
tests/test_benchmarks.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from paths import benchmark
from played import DEMO, group, play, scenario
from simulator.simulation import load_scenario

bench_mentions = benchmark("bench_mentions")


def _mentions(path: Path) -> tuple[list, object]:
    played = play(path)
    opened = [p["issue"]["number"] for name, p in played.payloads if name == "issues.opened"]
    cast = bench_mentions.cast_of(load_scenario(path), opened, played.result)
    return bench_mentions.mentions(played.result, cast), cast


def _budget(path: Path) -> None:
    found, cast = _mentions(path)
    over = [
        (m.issue, m.kind, m.login)
        for m in found
        if m.issue in cast.mentees and m.role == "coordinator" and m.kind != "schedule-health"
    ]
    assert over == []
    reviews = [m for m in found if m.kind in ("checkin", "review")]
    assert {m.role for m in reviews} == {"mentee", "mentor"}  # still addressed to both


def _digests_only(path: Path) -> None:
    """Elsewhere than on applications, coordinators are @-mentioned only in the dashboard's
    digest, at most once in seven days (``dashboard.digest: weekly``, the default)."""
    found, cast = _mentions(path)
    pinged = {
        (m.issue, m.kind) for m in found if m.issue not in cast.mentees and m.role == "coordinator"
    }
    assert {kind for _, kind in pinged} == {"dashboard-digest"}
    digests = sorted(
        datetime.fromisoformat(a["at"])
        for a in play(path).result.actions
        if a["type"] == "comment" and bench_mentions.kind_of(a["body"]) == "dashboard-digest"
    )
    assert digests
    assert all(
        later - earlier >= timedelta(days=7) - timedelta(hours=1)
        for earlier, later in pairwise(digests)
    )


@group("demo")
def test_the_demo_pings_no_coordinator_on_an_application() -> None:
    _budget(DEMO)


@group("demo")
def test_the_demo_pings_coordinators_in_weekly_digests_only() -> None:
    _digests_only(DEMO)


@group("quiet")
def test_two_years_of_twelve_applications_ping_coordinators_in_weekly_digests_only() -> None:
    _digests_only(scenario("quiet.yml"))


@group("quiet")
def test_two_years_of_twelve_applications_ping_no_coordinator_on_one() -> None:
    _budget(scenario("quiet.yml"))


@group("quiet")
def test_a_coordinator_who_mentors_is_addressed_as_the_mentor() -> None:
    found, cast = _mentions(scenario("quiet.yml"))
    assert cast.mentors[9] == {"cole"}  # cole said /mentor on #9
    assert {(m.login, m.role) for m in found if m.issue == 9 and m.kind == "checkin"} == {
        ("ivo", "mentee"),
        ("cole", "mentor"),
    }


@group("quiet")
def test_every_kind_of_application_comment_is_played() -> None:
    # The budget above holds for each of these, on some application of the scenario.
    played = play(scenario("quiet.yml")).result
    kinds = {bench_mentions.kind_of(a["body"]) for a in played.actions if a["type"] == "comment"}
    assert kinds >= {
        "welcome",
        "needs-info",
        "waiting",
        "paired",
        "checkin",
        "review",
        "review-reminder",
        "unpaired",
        "duplicate",
        "command",
        "ready-reminder",
        "graduated",
        "registration-welcome",
        "dashboard-digest",
    }


@group("quiet")
def test_the_mentees_own_ready_is_answered_with_what_happens_next() -> None:
    played = play(scenario("quiet.yml")).result
    [reply] = [
        a["body"]
        for a in played.actions
        if a["type"] == "comment" and a["issue"] == 2 and "themself ready" in a["body"]
    ]
    assert "your mentor (dana) answers `/ready` when they agree" in reply


@pytest.mark.parametrize("word", ["xor", "and or"])
def test_a_list_joined_with_another_word_is_a_template_error(tmp_path: Path, word: str) -> None:
    from mentoring.core.render import Renderer, TemplateFailed

    (tmp_path / "welcome.md.j2").write_text(f"Ask {{{{ coordinators | names('{word}') }}}}.")
    with pytest.raises(TemplateFailed, match="joined with 'and' or 'or'"):
        Renderer(tmp_path).comment("welcome", None, coordinators=["cora", "cole"])
