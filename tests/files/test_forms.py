"""Issue forms: loading, GitHub's body format both ways, required fields, quoting user text.

The expected bodies follow what GitHub writes, as seen in real issue bodies (for
example react-hook-form/react-hook-form#7315: ``### Relevant log output\\n\\n_No
response_\\n\\n### Code of Conduct\\n\\n- [X] I agree ...``) and GitHub's own parser,
github/issue-parser (``_No response_`` and ``None`` are empty, ``[x]``/``[X]`` ticked,
multi-select dropdowns joined by ``", "``).
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from mentoring.core import forms
from mentoring.files import forms as form_files
from mentoring.files.yamlfile import YamlFileError
from paths import ROOT_DIR
from simulator import issue_forms

ROOT = ROOT_DIR
ASTROPY_FORM = ROOT / "tests/data/forms/astropy-mentee-application.yml"

EVERY_TYPE = """\
name: Every type
description: One field of each kind.
title: "Test - <name>"
labels: [one, two]
body:
  - type: markdown
    attributes:
      value: "Not part of the body."
  - type: input
    id: name
    attributes:
      label: Your name
    validations:
      required: true
  - type: textarea
    id: story
    attributes:
      label: Your story
  - type: textarea
    id: log
    attributes:
      label: Log output
      render: shell
  - type: dropdown
    id: colour
    attributes:
      label: Favourite colour
      options: [Red, Green, "Blue, dark"]
  - type: dropdown
    id: tools
    attributes:
      label: Tools
      multiple: true
      options: [git, "make, cmake", pytest]
  - type: checkboxes
    id: terms
    attributes:
      label: Terms
      options:
        - label: I agree
          required: true
        - label: Send me news
"""


@pytest.fixture
def form() -> forms.Form:
    return form_files.parse_form(EVERY_TYPE, "every.yml")


@pytest.fixture
def astropy() -> forms.Form:
    return form_files.load_form(ASTROPY_FORM)


# ---------------------------------------------------------------- loading


def test_load_form_reads_fields_in_order_without_markdown(form: forms.Form) -> None:
    assert form.name == "Every type"
    assert form.title == "Test - <name>"
    assert form.labels == ("one", "two")
    assert form.ids == ("name", "story", "log", "colour", "tools", "terms")
    assert form.field("log").render == "shell"
    assert form.field("colour").options == ("Red", "Green", "Blue, dark")
    assert form.field("tools").multiple
    terms = form.field("terms")
    assert terms.type == "checkboxes"
    assert terms.required  # one option is required
    assert terms.required_options == ("I agree",)
    assert form.required_ids == ("name", "terms")


def test_labels_as_comma_separated_text() -> None:
    text = EVERY_TYPE.replace("labels: [one, two]", 'labels: "one, two"')
    assert form_files.parse_form(text, "f.yml").labels == ("one", "two")


def test_shipped_forms_load() -> None:
    mentee = form_files.load_form(ROOT / ".github/ISSUE_TEMPLATE/mentee-application.yml")
    assert mentee.labels == ("application",)
    assert mentee.title == "Mentee application - <your name>"
    assert mentee.ids == (
        "name",
        "github",
        "role_choice",
        "role",
        "contributions",
        "availability",
        "encouraged_by",
        "other",
        "code_of_conduct",
    )
    assert mentee.required_ids == ("name", "role", "availability", "code_of_conduct")
    mentor = form_files.load_form(ROOT / ".github/ISSUE_TEMPLATE/mentor-registration.yml")
    assert mentor.labels == ("mentor-registration",)
    assert mentor.field("capacity").options == ("1", "2", "3")
    assert mentor.required_ids == ("roles_held", "capacity", "availability")
    assert mentor.field("roles_held").multiple
    assert mentee.field("role_choice").options == mentor.field("roles_held").options
    assert mentor.field("roles_held").options[-1] == "Other"


def _error(text: str) -> YamlFileError:
    with pytest.raises(YamlFileError) as info:
        form_files.parse_form(textwrap.dedent(text), "form.yml")
    return info.value


def test_missing_body_is_an_error() -> None:
    err = _error("name: x\ndescription: y\n")
    assert err.file == "form.yml"
    assert "no `body`" in err.problem
    assert "Add `body:`" in err.fix


def test_only_markdown_is_an_error() -> None:
    err = _error(
        """\
        name: x
        body:
          - type: markdown
            attributes: {value: hi}
        """
    )
    assert "only markdown" in err.problem


def test_field_without_id_is_an_error_with_a_suggested_id() -> None:
    err = _error(
        """\
        name: x
        body:
          - type: input
            attributes:
              label: Your GitHub handle
        """
    )
    assert err.line == 3
    assert "no `id`" in err.problem
    assert "id: your_github_handle" in err.fix


def test_duplicate_id_is_an_error() -> None:
    err = _error(
        """\
        name: x
        body:
          - type: input
            id: a
            attributes: {label: A}
          - type: input
            id: a
            attributes: {label: B}
        """
    )
    assert err.line == 7
    assert "'a' is used twice" in err.problem


def test_duplicate_label_is_an_error() -> None:
    err = _error(
        """\
        name: x
        body:
          - type: input
            id: a
            attributes: {label: Name}
          - type: textarea
            id: b
            attributes:
              label: "name "
        """
    )
    assert err.line == 9
    assert "label" in err.problem
    assert "own label" in err.fix


def test_unknown_type_suggests_the_closest() -> None:
    err = _error(
        """\
        name: x
        body:
          - type: textare
            id: a
            attributes: {label: A}
        """
    )
    assert err.line == 3
    assert err.fix.endswith("Did you mean `textarea`?")


def test_dropdown_without_options_is_an_error() -> None:
    err = _error(
        """\
        name: x
        body:
          - type: dropdown
            id: a
            attributes: {label: A}
        """
    )
    assert "no `options`" in err.problem


_ITEM = "name: x\nbody:\n  - type: input\n    id: a\n    attributes: {label: A}\n"

# Each malformed form: the line of its error, words of the problem and of the fix.
BAD_FORMS = {
    "not a mapping": ("- type: input\n", 1, "an issue form must be a mapping", "`name:`"),
    "body item not a mapping": (
        "name: x\nbody:\n  - type: input\n    id: a\n    attributes: {label: A}\n  - input\n",
        6,
        "body item 2 is `input`, not a mapping of keys",
        "`- type: ...`",
    ),
    "no type": (
        "name: x\nbody:\n  - id: a\n    attributes: {label: A}\n",
        3,
        "body item 1 has no `type`",
        "input, textarea, dropdown, checkboxes, markdown",
    ),
    "no attributes": (
        "name: x\nbody:\n  - type: input\n    id: a\n",
        3,
        "the input element (body item 1) has no `attributes`",
        "Add `attributes:`",
    ),
    "attributes not a mapping": (
        "name: x\nbody:\n  - type: input\n    id: a\n    attributes: Name\n",
        5,
        "the `attributes` of the input element (body item 1) are `Name`, not a mapping",
        "Indent its keys under `attributes:`",
    ),
    "no label": (
        "name: x\nbody:\n  - type: input\n    id: a\n    attributes: {description: d}\n",
        5,
        "the input element has no `label`",
        "Add `label: ...`",
    ),
    "label not text": (
        "name: x\nbody:\n  - type: input\n    id: a\n    attributes:\n      label: [A]\n",
        6,
        "the `label` of the input element must be text, not a list",
        "quotes",
    ),
    "id not text": (
        "name: x\nbody:\n  - type: input\n    id: 7\n    attributes: {label: Your name}\n",
        4,
        "the id of the field 'Your name' must be text, not `7`",
        "`id: your_name`",
    ),
    "dropdown option with no text": (
        "name: x\nbody:\n  - type: dropdown\n    id: a\n    attributes:\n      label: A\n"
        "      options:\n        - Red\n        - ''\n",
        9,
        "option 2 of 'A' has no text",
        "Write the option as text",
    ),
    "checkboxes option with no label": (
        "name: x\nbody:\n  - type: checkboxes\n    id: a\n    attributes:\n      label: A\n"
        "      options:\n        - label: I agree\n        - required: true\n",
        9,
        "option 2 of 'A' has no text",
        "Write `- label: ...`",
    ),
    "checkboxes option as text": (  # it crashed on `.get` of text
        "name: x\nbody:\n  - type: checkboxes\n    id: a\n    attributes:\n      label: A\n"
        "      options: [I agree]\n",
        7,
        "option 1 of 'A' is `I agree`, but a checkboxes option is a mapping",
        "Write `- label: I agree`",
    ),
    "name not text": ("name: [x]\n" + _ITEM[8:], 1, "`name` must be text, not a list", "quotes"),
    "title not text": (
        _ITEM.replace("name: x\n", "name: x\ntitle: {a: b}\n"),
        2,
        "`title` must be text, not a mapping",
        "quotes",
    ),
    "description not text": (
        _ITEM.replace("name: x\n", "name: x\ndescription: 3\n"),
        2,
        "`description` must be text, not `3`",
        "quotes",
    ),
    "labels not names": (
        _ITEM.replace("name: x\n", "name: x\nlabels: [a, [b]]\n"),
        2,
        "`labels` must be a list of label names",
        "`[name, ...]`",
    ),
}


@pytest.mark.parametrize(("text", "line", "problem", "fix"), BAD_FORMS.values(), ids=BAD_FORMS)
def test_a_malformed_form_says_what_and_where(text: str, line: int, problem: str, fix: str) -> None:
    err = _error(text)
    assert (err.file, err.line) == ("form.yml", line)
    assert problem in err.problem
    assert fix in err.fix


def test_unreadable_form_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(YamlFileError, match=r"missing\.yml"):
        form_files.load_form(tmp_path / "missing.yml", "missing.yml")


# ---------------------------------------------------------------- rendering


def test_render_body_every_type(form: forms.Form) -> None:
    body = issue_forms.render_body(
        form,
        {
            "name": "Alice",
            "story": "Line one\nLine two",
            "log": "$ make\nok",
            "colour": "Blue, dark",
            "tools": ["git", "make, cmake"],
            "terms": ["I agree"],
        },
    )
    assert body == (
        "### Your name\n\nAlice\n\n"
        "### Your story\n\nLine one\nLine two\n\n"
        "### Log output\n\n```shell\n$ make\nok\n```\n\n"
        "### Favourite colour\n\nBlue, dark\n\n"
        "### Tools\n\ngit, make, cmake\n\n"
        "### Terms\n\n- [X] I agree\n- [ ] Send me news"
    )


def test_render_body_empty_answers(form: forms.Form) -> None:
    body = issue_forms.render_body(form, {"name": "  ", "story": None})
    assert body == (
        "### Your name\n\n_No response_\n\n"
        "### Your story\n\n_No response_\n\n"
        "### Log output\n\n_No response_\n\n"
        "### Favourite colour\n\n_No response_\n\n"
        "### Tools\n\n_No response_\n\n"
        # Checkboxes never say _No response_: every option is listed, unticked.
        "### Terms\n\n- [ ] I agree\n- [ ] Send me news"
    )


def test_render_body_rejects_what_the_form_cannot_produce(form: forms.Form) -> None:
    with pytest.raises(ValueError, match="no field with id"):
        issue_forms.render_body(form, {"nope": "x"})
    with pytest.raises(ValueError, match="no option"):
        issue_forms.render_body(form, {"colour": "Purple"})
    with pytest.raises(ValueError, match="one choice"):
        issue_forms.render_body(form, {"colour": ["Red", "Green"]})


# ---------------------------------------------------------------- parsing


ANSWERS = {
    "name": "Alice",
    "story": "I like *stars*.\n\n### My own heading\n\nMore text.",
    "log": "  indented\nline",
    "colour": "Blue, dark",
    "tools": ["make, cmake", "pytest"],
    "terms": ["I agree", "Send me news"],
}


def test_round_trip_every_type(form: forms.Form) -> None:
    assert forms.parse_body(form, issue_forms.render_body(form, ANSWERS)) == ANSWERS


def test_each_parse_gives_its_own_answers_to_change(form: forms.Form) -> None:
    # Parses are remembered per body; a caller changing its answers must not change the
    # next caller's.
    body = issue_forms.render_body(form, ANSWERS)
    first = forms.parse_body(form, body)
    first["tools"].append("changed")
    first["name"] = "changed"
    assert forms.parse_body(form, body) == ANSWERS


def test_round_trip_empty(form: forms.Form) -> None:
    parsed = forms.parse_body(form, issue_forms.render_body(form, {}))
    assert parsed == {"name": "", "story": "", "log": "", "colour": "", "tools": [], "terms": []}


def test_crlf_and_trailing_spaces_are_normal(form: forms.Form) -> None:
    body = issue_forms.render_body(form, ANSWERS).replace("\n", "  \r\n")
    parsed = forms.parse_body(form, body)
    assert parsed["story"] == ANSWERS["story"]
    assert parsed["terms"] == ["I agree", "Send me news"]


def test_no_response_and_none_are_empty(form: forms.Form) -> None:
    body = "### Your name\n\nNone\n\n### Your story\n\n_No response_\n\n### Terms\n\nNone"
    assert forms.parse_body(form, body) == {"name": "", "story": "", "terms": []}


def test_lower_and_upper_case_ticks(form: forms.Form) -> None:
    body = "### Terms\n\n- [x] I agree\n- [X] Send me news\n- [ ] Other"
    assert forms.parse_body(form, body)["terms"] == ["I agree", "Send me news"]


def test_users_own_heading_stays_in_the_answer(form: forms.Form) -> None:
    body = (
        "### Your name\n\nBob\n\n### Your story\n\nIntro\n\n### Terms\nnot the form's heading"
        " position\n\n### Log output\n\n_No response_"
    )
    # "### Terms" comes before "### Log output" here, out of the form's order, so it is
    # not taken as the Terms field: it is part of the story, which Log output ends.
    parsed = forms.parse_body(form, body)
    assert parsed["name"] == "Bob"
    assert parsed["story"] == "Intro\n\n### Terms\nnot the form's heading position"
    assert parsed["log"] == ""
    assert "terms" not in parsed


def test_a_later_fields_heading_typed_inside_an_answer_stays_in_it(form: forms.Form) -> None:
    answers = {**ANSWERS, "story": "I began here.\n\n### Terms\n\nthen more"}
    parsed = forms.parse_body(form, issue_forms.render_body(form, answers))
    assert parsed["story"] == answers["story"]
    assert parsed["terms"] == ANSWERS["terms"]


def test_heading_like_lines_that_are_not_the_forms_are_kept(form: forms.Form) -> None:
    body = "### Your name\n\nBob\n### Your names\n#### Your story\n\n### Your story\n\nHi"
    parsed = forms.parse_body(form, body)
    assert parsed["name"] == "Bob\n### Your names\n#### Your story"
    assert parsed["story"] == "Hi"


def test_edited_body_extra_blank_lines_and_missing_headings(form: forms.Form) -> None:
    body = "\n\n###   Your name   \n\n\n\n  Carol  \n\n\n\n### Favourite colour\n\nRed\n\n\n"
    assert forms.parse_body(form, body) == {"name": "Carol", "colour": "Red"}


def test_heading_text_is_matched_loosely(form: forms.Form) -> None:
    assert forms.parse_body(form, "### your  NAME ##\nDee") == {"name": "Dee"}


def test_empty_and_missing_bodies(form: forms.Form) -> None:
    assert forms.parse_body(form, "") == {}
    assert forms.parse_body(form, None) == {}
    assert forms.parse_body(form, "I deleted the template and wrote this.") == {}


def test_code_fence_is_unwrapped_only_for_render_fields(form: forms.Form) -> None:
    body = "### Your story\n\n```\ncode\n```\n\n### Log output\n\n```shell\n\n$ ls\n\n```"
    parsed = forms.parse_body(form, body)
    assert parsed["story"] == "```\ncode\n```"
    assert parsed["log"] == "$ ls"
    # A render field someone edited to plain text is kept as written.
    assert forms.parse_body(form, "### Log output\n\njust text") == {"log": "just text"}


def test_dropdown_with_unknown_choice_is_kept(form: forms.Form) -> None:
    body = "### Favourite colour\n\nPurple\n\n### Tools\n\ngit, svn"
    assert forms.parse_body(form, body) == {"colour": "Purple", "tools": ["git", "svn"]}


# ---------------------------------------------------------------- required


def test_missing_required_uses_the_forms_own_by_default(form: forms.Form) -> None:
    parsed = forms.parse_body(form, issue_forms.render_body(form, {"name": "Al"}))
    assert [f.id for f in forms.missing_required(form, parsed)] == ["terms"]
    parsed = forms.parse_body(form, issue_forms.render_body(form, {"terms": ["Send me news"]}))
    assert [f.id for f in forms.missing_required(form, parsed)] == ["name", "terms"]


def test_missing_required_with_configured_ids(form: forms.Form) -> None:
    parsed = forms.parse_body(form, "### Your name\n\nAl\n\n### Your story\n\n_No response_")
    missing = forms.missing_required(form, parsed, ["story", "colour", "name", "log"])
    assert [f.id for f in missing] == ["story", "log", "colour"]
    assert forms.missing_required(form, parsed, []) == []


def test_optional_checkboxes_required_by_config_need_one_tick(form: forms.Form) -> None:
    text = EVERY_TYPE.replace("          required: true\n", "")
    relaxed = form_files.parse_form(text, "f.yml")
    assert [f.id for f in forms.missing_required(relaxed, {"terms": []}, ["terms"])] == ["terms"]
    assert forms.missing_required(relaxed, {"terms": ["Send me news"]}, ["terms"]) == []


# ---------------------------------------------------------------- Astropy's own form


def test_astropy_form_by_configuration_alone(astropy: forms.Form) -> None:
    assert astropy.labels == ("application",)
    assert astropy.title == "Mentee application - <your name>"
    assert astropy.ids == ("name", "slack", "role", "contributions", "other")
    assert astropy.field("role").label == "Which role would you like to apply for and why"
    assert astropy.required_ids == ("name", "role")
    answers = {"name": "Ada", "role": "Reviewer for astropy.io\n\n### Why\nI like FITS."}
    body = issue_forms.render_body(astropy, answers)
    assert body.startswith("### Name\n\nAda\n\n### Slack username\n\n_No response_\n\n")
    parsed = forms.parse_body(astropy, body.replace("\n", "\r\n"))
    assert parsed == {**answers, "slack": "", "contributions": "", "other": ""}
    assert forms.missing_required(astropy, parsed) == []
    parsed["role"] = "None"
    assert [f.id for f in forms.missing_required(astropy, parsed)] == ["role"]


# ---------------------------------------------------------------- a reworded label


def test_a_reworded_label_orphans_the_answers_under_the_old_one(astropy: forms.Form) -> None:
    answers = {"name": "Ada", "role": "Reviewer"}
    body = issue_forms.render_body(astropy, answers)
    assert forms.orphaned_fields(astropy, body) == []
    role = astropy.field("role")
    reworded = tuple(replace(f, label="Which role?") if f is role else f for f in astropy.fields)
    new_form = replace(astropy, file="mentee-application.yml", fields=reworded)
    assert [f.id for f in forms.orphaned_fields(new_form, body)] == ["role"]
    text = forms.describe_orphans(12, new_form, forms.orphaned_fields(new_form, body))
    assert text == (
        "#12 no longer parses against mentee-application.yml: no answer under the heading"
        " of `role` (label 'Which role?'). Put the old label back, or edit the issue's"
        " heading to the new label."
    )


@pytest.mark.parametrize("body", ["", None, "I'd like a mentor.\n\n### About me\n\nHi"])
def test_a_body_written_without_the_form_orphans_nothing(
    astropy: forms.Form, body: str | None
) -> None:
    assert forms.orphaned_fields(astropy, body) == []


def test_only_the_fields_named_count_so_a_field_added_since_is_not_orphaned(
    astropy: forms.Form,
) -> None:
    body = issue_forms.render_body(astropy, {"name": "Ada", "role": "Reviewer"})
    added = forms.Field("pronouns", "Pronouns", "input")
    grown = replace(astropy, fields=(*astropy.fields, added))
    assert forms.orphaned_fields(grown, body) == [added]
    assert forms.orphaned_fields(grown, body, ["name", "role"]) == []


def test_every_element_type_has_one_reader() -> None:
    assert sorted(form_files._ELEMENTS) == sorted(form_files.ELEMENT_TYPES)
