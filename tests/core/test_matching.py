"""Roles matched by name, and the mentors suggested for a role."""

from __future__ import annotations

from dataclasses import replace

from mentoring.core.matching import (
    Candidate,
    applied_role,
    held_roles,
    one_per_login,
    role_named,
    suggested,
)
from mentoring.core.settings import Role

FITS = Role("astropy.io.fits maintainer", ("FITS maintainer",), "core")
WCS = Role("astropy.wcs maintainer", (), "core")
RELEASE = Role("Release team member")
ROLES = (FITS, WCS, RELEASE)
BY_NAME = {r.name: r for r in ROLES}


def test_a_name_or_a_former_name_matches_ignoring_case_and_spacing() -> None:
    assert role_named("  fits   MAINTAINER\n", ROLES) is FITS
    assert role_named("Maintainer of FITS", ROLES) is None
    assert role_named("x" * 100_000, ROLES) is None  # bounded: one length check


def test_the_dropdown_first_then_the_free_text_and_other_is_no_role() -> None:
    assert applied_role({"role_choice": "Other", "role": "astropy.wcs maintainer"}, ROLES) is WCS
    assert applied_role({"role_choice": "Other", "role": "the WCS"}, ROLES) is None
    assert applied_role({"role": "FITS maintainer"}, ()) is None  # no roles configured


def test_held_roles_from_the_choices_and_the_free_texts_lines() -> None:
    answers = {"roles_held": ["Other", "FITS maintainer"], "roles": "Release team member\nwcs"}
    assert held_roles(answers, ROLES) == ("astropy.io.fits maintainer", "Release team member")


def _candidate(
    login: str, held: tuple[str, ...], capacity: int | None, load: int, **kw
) -> Candidate:
    return Candidate(login, held, capacity, load, **kw)


def test_away_full_unknown_capacity_other_groups_and_the_applicant_are_left_out() -> None:
    candidates = [
        _candidate("ann", (FITS.name,), 2, 1),
        _candidate("bea", (FITS.name,), 1, 0, away=True),
        _candidate("cal", (FITS.name,), 1, 1),
        _candidate("dee", (FITS.name,), None, 0),
        _candidate("eli", (WCS.name,), 3, 0),
        _candidate("fay", (RELEASE.name,), 3, 0),
        _candidate("gus", (FITS.name,), 3, 0),
        _candidate("hal", (WCS.name,), 3, 0),
    ]
    assert suggested(FITS, candidates, BY_NAME) == ("gus", "ann", "eli")
    assert suggested(FITS, candidates, BY_NAME, mentee="GUS") == ("ann", "eli", "hal")
    assert suggested(RELEASE, candidates, BY_NAME) == ("fay",)  # no group: holders only
    assert suggested(None, candidates, BY_NAME) == ()


def test_a_mentor_with_two_registrations_is_one_candidate() -> None:
    # Oldest first: the roles of both, the latest capacity given, away if either is.
    older = _candidate("Zed", (FITS.name,), 3, 1, away=True)
    latest = _candidate("zed", (WCS.name, FITS.name), None, 1)
    [zed] = one_per_login([older, latest, _candidate("ZED", (), 1, 1)])
    assert zed == Candidate("ZED", (FITS.name, WCS.name), 1, 1, away=True)
    [zed, ann] = one_per_login([replace(older, away=False), latest, _candidate("ann", (), 2, 0)])
    assert (zed.capacity, zed.away, ann.login) == (3, False, "ann")
    assert suggested(WCS, [zed, ann], BY_NAME) == ("zed",)
