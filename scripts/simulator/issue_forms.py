"""Issue bodies as GitHub writes them when someone submits an issue form."""

from __future__ import annotations

import re
from collections.abc import Mapping

from mentoring.core.forms import NO_RESPONSE, Answer, Field, Form, as_list


def render_body(form: Form, answers: Mapping[str, Answer | None]) -> str:
    """The issue body GitHub writes when ``answers`` (keyed by field id) are submitted."""
    unknown = set(answers) - set(form.ids)
    if unknown:
        raise ValueError(
            f"{form.file} has no field with id {', '.join(sorted(unknown))};"
            f" its ids are {', '.join(form.ids)}"
        )
    sections = []
    for field in form.fields:
        value = _render_value(field, answers.get(field.id))
        sections.append(f"### {field.label}\n\n{value}")
    return "\n\n".join(sections)


def _render_value(field: Field, answer: Answer | None) -> str:
    if field.type == "checkboxes":
        ticked = as_list(answer)
        _check_options(field, ticked)
        return "\n".join(f"- [{'X' if o in ticked else ' '}] {o}" for o in field.options)
    if field.type == "dropdown":
        chosen = as_list(answer)
        _check_options(field, chosen)
        if len(chosen) > 1 and not field.multiple:
            raise ValueError(f"the dropdown {field.id!r} allows one choice, not {chosen}")
        return ", ".join(chosen) if chosen else NO_RESPONSE
    if isinstance(answer, list):
        answer = "\n".join(answer)
    text = answer or ""
    if not text.strip():
        return NO_RESPONSE
    if field.render:  # keep the code's indentation; drop blank lines around it
        code = re.sub(r"\A(?:[ \t]*\n)+", "", text.rstrip())
        return f"```{field.render}\n{code}\n```"
    return text.strip()


def _check_options(field: Field, chosen: list[str]) -> None:
    wrong = [c for c in chosen if c not in field.options]
    if wrong:
        raise ValueError(f"{field.id!r} has no option {wrong[0]!r}; options: {field.options}")
