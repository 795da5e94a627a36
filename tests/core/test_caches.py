"""The core's remembered results: each gives what working it out afresh gives, whichever
input changes between two calls (a process plans many runs, with other configs and times)."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from mentoring.core import commands, dashboard_view, forms, planner, replies, roles
from mentoring.core.render import Renderer
from planner_cases import CONFIG


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


def test_a_table_cell_follows_its_text_and_its_limit() -> None:
    cell = dashboard_view.text_cell
    fresh = dashboard_view._text_cell
    for text, limit in [
        ("Maintainer of *astropy.io*", 40),
        ("Maintainer of *astropy.io*", 40),  # the same: remembered
        ("Maintainer of *astropy.io*", 10),
        ("Maintainer of astropy.io @here #1", 40),
        ("x" * 5_000, 40),  # too long to be remembered
        ("x" * 5_000, 4_000),
    ]:
        assert cell(text, limit) == fresh(text, limit)
    assert cell("Maintainer of *astropy.io*", 10) == "Maintaine…"


def test_a_day_is_the_day_in_its_own_zone() -> None:
    # One instant in two zones: equal, and hashed alike, but on two days.
    utc = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    east = utc.astimezone(timezone(timedelta(hours=1)))
    assert dashboard_view._day(utc) == "2026-01-31"
    assert dashboard_view._day(east) == "2026-02-01"
    assert dashboard_view._day(utc) == "2026-01-31"
    assert dashboard_view._day(utc + timedelta(hours=1)) == "2026-02-01"
    assert dashboard_view._day(None) == "–"


def test_a_template_edited_is_compiled_afresh_even_within_its_modification_time(
    tmp_path: Path,
) -> None:
    template = tmp_path / "note.md.j2"
    template.write_text("Hello {{ who | mention }}.")
    assert Renderer(tmp_path).comment("note", None, who="ada").startswith("Hello @ada.")
    stamp = template.stat()
    template.write_text("Bye {{ who | mention }}!")
    os.utime(template, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the same mtime
    later = Renderer(tmp_path).comment("note", None, who="ada")
    assert later == "Bye @ada!\n\n<!-- mentoring:note -->"
    # Another folder with a template of the same name is its own.
    other = tmp_path / "other"
    other.mkdir()
    (other / "note.md.j2").write_text("Other.")
    assert Renderer(other).comment("note", None).startswith("Other.")
    assert Renderer(tmp_path).comment("note", None, who="ada") == later


def test_the_coordinators_in_lower_case_follow_the_config() -> None:
    assert roles.lowered(("Cora", "dan")) == frozenset({"cora", "dan"})
    assert roles.lowered(("Cora", "dan")) == roles.lowered.__wrapped__(("Cora", "dan"))
    assert roles.lowered(("Cora",)) == frozenset({"cora"})
    assert roles.lowered(()) == frozenset()


def _another(value: object) -> object:
    """A value of the same kind as ``value`` that differs from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, tuple):
        return (*value, "x")
    return "x" if value is None else f"{value}x"


def test_a_form_is_the_same_key_only_with_every_value_the_same() -> None:
    # parse_body remembers answers by form and body: a form loaded again is the same key;
    # one that differs anywhere, down to one field, is another.
    field = forms.Field("name", "Name", "dropdown", options=("a", "b"))
    form = forms.Form("f.yml", "Apply", "About", "[Apply]", ("application",), (field,))
    again = forms.Form("f.yml", "Apply", "About", "[Apply]", ("application",), (field,))
    assert form is not again
    assert form == again
    assert hash(form) == hash(again)
    assert form != field
    assert form != (form.file, form.name)
    for name in (f.name for f in dataclasses.fields(forms.Field)):
        changed = dataclasses.replace(field, **{name: _another(getattr(field, name))})
        assert dataclasses.replace(form, fields=(changed,)) != form, name
    for name in (f.name for f in dataclasses.fields(forms.Form) if f.name != "fields"):
        assert dataclasses.replace(form, **{name: _another(getattr(form, name))}) != form, name
    body = "### Name\n\nb"
    assert forms.parse_body(form, body) == {"name": "b"}
    dropdown_of_many = dataclasses.replace(field, multiple=True)
    other = dataclasses.replace(form, fields=(dropdown_of_many,))
    assert forms.parse_body(other, body) == {"name": ["b"]}
    assert forms.parse_body(again, body) == {"name": "b"}


def test_answers_follow_the_body_and_only_short_bodies_are_remembered() -> None:
    form = forms.Form("f.yml", "Apply", "", "", (), (forms.Field("story", "Story", "textarea"),))
    short = "### Story\n\nOnce"
    assert forms.parse_body(form, short) == {"story": "Once"}
    assert forms.parse_body(form, short + " upon") == {"story": "Once upon"}
    remembered = forms._parsed.cache_info().currsize
    long = "### Story\n\n" + "x" * forms.REMEMBERED_BODY
    assert forms.parse_body(form, long) == {"story": "x" * forms.REMEMBERED_BODY}
    assert forms._parsed.cache_info().currsize == remembered  # too long to keep


def test_a_comments_command_follows_its_text_and_only_short_ones_are_remembered() -> None:
    for text in ["/pause away", "/pause away", "/pause back soon", "/resume", "thanks!", ""]:
        assert replies._command_in(text) == commands.parse(text)
    remembered = replies._command_in.cache_info().currsize
    long = "/pause " + "x" * replies.REMEMBERED_COMMENT
    assert replies._command_in(long) == commands.parse(long)
    assert replies._command_in.cache_info().currsize == remembered  # too long to keep


def test_the_missing_answers_follow_the_body_and_the_required_ids() -> None:
    name = forms.Field("name", "Name", "input", required=True)
    form = forms.Form(
        "f.yml", "Apply", "", "", (), (name, forms.Field("story", "Story", "textarea"))
    )
    long = "### Name\n\n\n\n### Story\n\n" + "x" * forms.REMEMBERED_BODY
    for body, required in [
        ("### Name\n\nAda\n\n### Story\n\n_No response_", None),
        ("### Name\n\nAda\n\n### Story\n\n_No response_", None),  # the same: remembered
        ("### Name\n\nAda\n\n### Story\n\n_No response_", ("name", "story")),
        ("### Name\n\n_No response_\n\n### Story\n\nOnce", None),
        ("### Name\n\n_No response_\n\n### Story\n\nOnce", ()),
        (long, None),  # too long to be remembered
        (None, None),
    ]:
        fresh = forms.missing_required(form, forms.parse_body(form, body), required)
        assert forms.missing_from_body(form, body, required) == tuple(fresh)


def test_quiet_until_follows_the_instant_its_zone_and_the_cadence() -> None:
    fresh = planner._quiet_until.__wrapped__
    since = datetime(2026, 1, 30, 23, 30, tzinfo=UTC)
    east = since.astimezone(timezone(timedelta(hours=1)))  # 31 January there
    cadence = CONFIG.cadence
    for at, given in [
        (since, cadence),
        (since, cadence),  # the same: remembered
        (east, cadence),  # equal, hashed alike, but a month from another day
        (since, dataclasses.replace(cadence, review_every=1)),
        (since, dataclasses.replace(cadence, stall_days=400)),
        (since + timedelta(days=1), cadence),
    ]:
        assert planner.quiet_until(at, given) == fresh(at, at.tzinfo, given)
        assert planner.quiet_until(at, given).utcoffset() == at.utcoffset()
    monthly = dataclasses.replace(cadence, review_every=1, review_reply_days=0, stall_days=0)
    assert planner.quiet_until(since, monthly) != planner.quiet_until(east, monthly)
