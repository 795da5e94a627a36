"""The core's remembered results: each gives what working it out afresh gives, whichever
input changes between two calls (a process plans many runs, with other configs and times)."""

from __future__ import annotations

from mentoring.core import planner


def test_the_draft_entry_follows_every_input() -> None:
    entry = planner._draft_entry
    fresh = planner._entry_yaml.__wrapped__
    first = entry({"name": "Ada Lovelace"}, "ada", ("mo",), 7)
    assert first == "- name: Ada Lovelace\n  github: ada\n  mentors:\n  - mo\n  issue: 7"
    for answers, mentee, mentors, number in [
        ({"name": "Ada Lovelace"}, "ada", ("mo",), 7),  # the same: remembered
        ({"name": "Ada King"}, "ada", ("mo",), 7),
        ({"name": "Ada Lovelace"}, "ada2", ("mo",), 7),
        ({"name": "Ada Lovelace"}, "ada", ("mo", "kim"), 7),
        ({"name": "Ada Lovelace"}, "ada", (), 7),
        ({"name": "Ada Lovelace"}, "ada", ("mo",), 8),
        ({"name": "  "}, "ada", ("mo",), 7),  # no name: the login stands in
        ({}, "ada", ("mo",), 7),
    ]:
        name = answers.get("name")
        shown = planner._one_line(name) if name and name.strip() else mentee
        assert entry(answers, mentee, mentors, number) == fresh(shown, mentee, mentors, number)
    assert entry({}, "ada", ("mo",), 7).startswith("- name: ada\n")
