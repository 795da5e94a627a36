"""Suggested mentors: for each application waiting for one, the registered mentors who
hold the role applied for, then those holding a similar role (the same group), with a
free place, least loaded first; on the dashboard and in the coordinators' digest only."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from mentoring.cli import reconcile
from paths import ROOT_DIR
from played import DEMO, group, play
from simulator.simulation import Result, Simulation

COC = [
    "I agree to follow the [Astropy Community Code of Conduct]"
    "(https://www.astropy.org/code_of_conduct.html)."
]
FITS = "astropy.io.fits maintainer"
WCS = "astropy.wcs maintainer"


def _register(at: str, by: str, held: list[str], capacity: str, free: str = "") -> dict:
    answers: dict[str, Any] = {"capacity": capacity, "availability": "Evenings."}
    if held:
        answers["roles_held"] = held
    if free:
        answers["roles"] = free
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentor-registration.yml", "answers": answers},
    }


def _apply(at: str, by: str, **answers: Any) -> dict:
    answers = {"name": by.title(), "availability": "Weekends.", "code_of_conduct": COC, **answers}
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentee-application.yml", "answers": answers},
    }


SCENARIO: dict[str, Any] = {
    "start": "2026-01-05T00:00:00Z",
    "end": "2026-02-20T00:00:00Z",
    "schedule": "17 6 * * *",
    "config": {"coordinators": ["cora"]},
    "collaborators": {
        "cora": "admin",
        "bob": "write",
        "dan": "write",
        "mia": "write",
        "zoe": "write",
    },
    "events": [
        _register("2026-01-05T09:00:00Z", "bob", [FITS], "1"),  # 1
        _register("2026-01-05T09:10:00Z", "dan", [FITS, "Release team member"], "2"),  # 2
        _register("2026-01-05T09:20:00Z", "mia", [WCS], "2"),  # 3
        _register("2026-01-05T09:30:00Z", "zoe", [FITS], "1"),  # 4: full, below
        _register("2026-01-05T09:40:00Z", "kim", ["Release team member"], "3"),  # 5
        # An older registration: free text only, one line a role's name.
        _register("2026-01-05T09:50:00Z", "ola", [], "2", f"APE editor\n{WCS}"),  # 6
        _apply("2026-01-06T10:00:00Z", "alice", role_choice=FITS, role="I fixed FITS bugs."),  # 7
        _apply("2026-01-06T10:10:00Z", "wes", role_choice=WCS, role="WCS is my thing."),  # 8
        # Older applications: free text only; a role's name is matched, anything else is not.
        _apply("2026-01-06T10:20:00Z", "nia", role="Maintainer of FITS, I hope"),  # 9
        _apply("2026-01-06T10:30:00Z", "kit", role_choice="Other", role=f"  {FITS.upper()} "),  # 10
        _apply("2026-01-06T10:40:00Z", "eve", role_choice=FITS, role="Mentored by zoe."),  # 11
        _apply("2026-01-06T10:50:00Z", "fay", role_choice=WCS, role="Mentored by dan."),  # 12
        {"at": "2026-01-07T09:00:00Z", "by": "cora", "assign": {"issue": 11, "users": ["zoe"]}},
        {"at": "2026-01-07T09:10:00Z", "by": "cora", "assign": {"issue": 12, "users": ["dan"]}},
    ],
}


@cache
def played() -> Result:
    return Simulation(SCENARIO, ROOT_DIR).run(reconcile.main)


def _needs(number: int) -> str:
    """The Needs cell of an application's row on the dashboard at the end."""
    body = played().dashboard.replace("\u2060", "")
    table = body[body.index("| Issue | Mentee |") :]  # the main table comes first
    row = next(line for line in table.splitlines() if line.startswith(f"| #{number} |"))
    return row.split(" | ")[5].rstrip(" |")


def test_holders_of_the_role_first_then_a_similar_role_least_loaded_first() -> None:
    # bob (no mentee yet) before dan (one of two places taken); zoe is full; mia and ola
    # hold a role of the same group; at most three names.
    assert _needs(7) == "waiting, ask bob, dan or mia"
    # mia holds wcs; ola too, by her older registration's free text (as loaded and as
    # free: by login); then the fits maintainers of the same group, bob before dan.
    assert _needs(8) == "waiting, ask mia, ola or bob"


def test_other_and_free_text_match_a_role_by_its_name_only() -> None:
    assert _needs(9) == "waiting"  # free text that is no role's name: nobody by role
    assert _needs(10) == "waiting, ask bob, dan or mia"  # "Other", and a name written out


def test_the_digest_names_them_without_a_mention_and_the_applicant_is_never_told() -> None:
    digests = [a["body"] for a in played().actions if "mentoring:dashboard-digest" in a["body"]]
    line = next(ln for d in digests for ln in d.splitlines() if ln.startswith("- #7 "))
    assert line == (
        "- #7 (alice): waiting for a mentor since 2026-01-06; registered mentors with a place"
        " free, for this role or a similar one: bob, dan or mia."
    )
    assert "@bob" not in "".join(digests)
    on_applications = [a["body"] for a in played().actions if a["issue"] in range(7, 13)]
    assert not any(name in body for body in on_applications for name in ("bob", "mia", "ola"))


@group("demo")
def test_in_the_demo_the_waiting_rows_and_ines_digest_line_name_registered_mentors() -> None:
    result = play(DEMO).result
    assert "| #9 | kai | – | waiting since 2027-06-07 | – | ask judy or bob |" in (
        result.dashboard.replace("\u2060", "")
    )
    # Ines waits from April 2026: judy and grace hold her role (judy offers more places);
    # bob holds a role of the same group.
    digest = next(a["body"] for a in result.actions if "5/waiting-for-mentor" in a["body"])
    assert "- #5 (ines): waiting for a mentor since 2026-04-01; registered mentors with a" in digest
    assert "similar one: judy, grace or bob." in digest


# zed registered twice: one mentor, suggested once, with the roles of both and the
# places of the latest; eve's older registration says /away, so she is away.
TWICE: dict[str, Any] = {
    "start": "2026-01-05T00:00:00Z",
    "end": "2026-01-12T00:00:00Z",
    "schedule": "17 6 * * *",
    "config": {"coordinators": ["cora"]},
    "collaborators": {"cora": "admin", "zed": "write", "eve": "write", "ann": "write"},
    "events": [
        _register("2026-01-05T09:00:00Z", "zed", [FITS], "3"),  # 1
        _register("2026-01-05T09:10:00Z", "zed", [WCS], "2"),  # 2: the latest, 2 places
        _register("2026-01-05T09:20:00Z", "ann", [FITS], "2"),  # 3
        _register("2026-01-05T09:30:00Z", "eve", [FITS], "3"),  # 4
        _register("2026-01-05T09:40:00Z", "eve", [FITS], "3"),  # 5
        {"at": "2026-01-05T09:50:00Z", "by": "eve", "comment": {"issue": 4, "body": "/away"}},
        _apply("2026-01-06T10:00:00Z", "alice", role_choice=FITS, role="FITS."),  # 6
        _apply("2026-01-06T10:10:00Z", "wes", role_choice=WCS, role="WCS."),  # 7
    ],
}


@cache
def played_twice() -> Result:
    return Simulation(TWICE, ROOT_DIR).run(reconcile.main)


def test_a_mentor_registered_twice_is_one_mentor_to_ask() -> None:
    body = played_twice().dashboard.replace("\u2060", "")
    table = body[body.index("| Issue | Mentee |") :]
    needs = {
        n: next(ln for ln in table.splitlines() if ln.startswith(f"| #{n} |")).split(" | ")[5]
        for n in (6, 7)
    }
    # ann and zed hold fits, zed by his first registration, each with two places free
    # (zed's latest registration offers two): by login. eve is away.
    assert needs[6].rstrip(" |") == "ask ann or zed"
    assert needs[7].rstrip(" |") == "ask zed or ann"  # zed holds wcs, ann a similar role


def test_the_job_summarys_mentors_table_says_who_is_away_and_who_registered_twice() -> None:
    mentors = played_twice().schedule_summary.split("## Mentors\n", 1)[1]
    eve = [ln for ln in mentors.splitlines() if ln.startswith("| @eve ")]
    # A row per registration, each naming the other; /away said on #4.
    assert eve[0].startswith("| @eve | #4 (also #5; #5 the latest) | 0 | 3 | away |")
    assert eve[1].startswith("| @eve | #5 (latest; also #4) | 0 | 3 | yes |")
    [ann] = [ln for ln in mentors.splitlines() if ln.startswith("| @ann ")]
    assert ann.startswith("| @ann | #3 | 0 | 2 | yes |")  # registered once: just the number


# ivy and max each registered twice. ivy's latest registration offers three places, so
# her two mentees fit; max's both offer one, so his two are one too many: one item, on
# his latest registration (#4), however many registrations he has open.
TWICE_LOADED: dict[str, Any] = {
    "start": "2026-01-05T00:00:00Z",
    "end": "2026-01-12T00:00:00Z",
    "schedule": "17 6 * * *",
    "config": {"coordinators": ["cora"]},
    "collaborators": {"cora": "admin", "ivy": "write", "max": "write"},
    "events": [
        _register("2026-01-05T09:00:00Z", "ivy", [FITS], "1"),  # 1
        _register("2026-01-05T09:10:00Z", "ivy", [FITS], "3"),  # 2: the latest, 3 places
        _register("2026-01-05T09:20:00Z", "max", [WCS], "1"),  # 3
        _register("2026-01-05T09:30:00Z", "max", [WCS], "1"),  # 4
        _apply("2026-01-06T10:00:00Z", "alice", role_choice=FITS),  # 5
        _apply("2026-01-06T10:10:00Z", "wes", role_choice=FITS),  # 6
        _apply("2026-01-06T10:20:00Z", "nia", role_choice=WCS),  # 7
        _apply("2026-01-06T10:30:00Z", "kit", role_choice=WCS),  # 8
        {"at": "2026-01-07T09:00:00Z", "by": "cora", "assign": {"issue": 5, "users": ["ivy"]}},
        {"at": "2026-01-07T09:10:00Z", "by": "cora", "assign": {"issue": 6, "users": ["ivy"]}},
        {"at": "2026-01-07T09:20:00Z", "by": "cora", "assign": {"issue": 7, "users": ["max"]}},
        {"at": "2026-01-07T09:30:00Z", "by": "cora", "assign": {"issue": 8, "users": ["max"]}},
    ],
}


@cache
def played_twice_loaded() -> Result:
    return Simulation(TWICE_LOADED, ROOT_DIR).run(reconcile.main)


def test_the_dashboards_figures_count_a_mentor_registered_twice_once() -> None:
    body = played_twice_loaded().dashboard.replace("\u2060", "")
    assert (
        "- Mentor load: 4 mentorships with the 2 registered mentors, who offered 4 places;"
        " over capacity: max\n"
    ) in body


def test_a_mentor_registered_twice_is_over_capacity_once_by_the_latest_registration() -> None:
    result = played_twice_loaded()
    keys = {k for a in result.actions for k in re.findall(r"\d+/over-capacity/[\d-]+", a["body"])}
    assert keys == {"4/over-capacity/2026-01-07"}  # not #1 (ivy's older), not #3 too
