"""Issue forms as the planner sees them: a form's fields, and the answers in an issue body.

When someone submits an issue form, GitHub writes the answers into the issue body as
Markdown: one ``### {label}`` heading per non-markdown field, in form order, then the
answer. :func:`parse_body` reads it back *against the form itself*: only the form's own
headings, in the form's order, delimit answers, so a ``###`` line a user writes inside
an answer stays part of it. Loading a form file is ``mentoring.files.forms``; writing a
body as GitHub does is the simulator's (``simulator.issue_forms``).

What GitHub writes (verified against real issue bodies and GitHub's own parser, see
``tests/test_forms.py``):

- sections are ``### {label}\\n\\n{answer}``, joined by a blank line;
- an empty input, textarea or dropdown is ``_No response_``;
- a multi-select dropdown lists the chosen options joined by ``", "``;
- checkboxes are one ``- [X] option`` / ``- [ ] option`` line per option, never
  ``_No response_``; GitHub has written ``[X]`` and, more recently, ``[x]``;
- a textarea with ``render: LANG`` is fenced: three backticks and LANG, the text, three
  backticks (an empty one is ``_No response_``, not an empty fence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FIELD_TYPES = ("input", "textarea", "dropdown", "checkboxes")
NO_RESPONSE = "_No response_"
# What GitHub (and people editing bodies) write for an empty answer.
_EMPTY = {NO_RESPONSE.lower(), "none", ""}

Answer = str | list[str]


@dataclass(frozen=True)
class Field:
    """One input element of a form (markdown elements are not fields)."""

    id: str
    label: str
    type: str
    required: bool = False
    options: tuple[str, ...] = ()
    render: str | None = None
    multiple: bool = False
    required_options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    """An issue form file, reduced to what the bodies it produces depend on."""

    file: str
    name: str
    description: str
    title: str
    labels: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, field_id: str) -> Field:
        """The field with this id; KeyError if there is none."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Field ids in form order."""
        return tuple(f.id for f in self.fields)

    @property
    def required_ids(self) -> tuple[str, ...]:
        """Ids of the fields the form itself marks required."""
        return tuple(f.id for f in self.fields if f.required)


def label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


_HEADING = re.compile(r"^ {0,3}###[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_TICKED = re.compile(r"^\s*[-*+]\s+\[[xX]\]\s*(?P<option>.*?)\s*$")
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<code>.*)\n(?P=fence)$", re.DOTALL)


def parse_body(form: Form, body: str | None) -> dict[str, Answer]:
    """The answers in an issue body, keyed by field id; fields whose heading is gone are absent.

    Only the form's own ``### label`` lines count, searched for in form order, so a
    heading a user typed inside an answer stays in that answer, and a heading moved out
    of order is treated as missing.
    """
    lines = (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_label = {label_key(f.label): f for f in form.fields}
    heading_at: dict[int, Field] = {}  # line number -> field, for every form heading line
    for number, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and label_key(match["text"]) in by_label:
            heading_at[number] = by_label[label_key(match["text"])]
    numbers = sorted(heading_at)
    starts: list[tuple[Field, int]] = []
    position = -1
    for field in form.fields:
        found = next((n for n in numbers if n > position and heading_at[n] is field), None)
        if found is not None:
            starts.append((field, found))
            position = found
    # An answer runs to the next field found in order, so a form heading a user typed
    # inside their answer (say "### Your availability" in another answer) stays in it.
    answers: dict[str, Answer] = {}
    ends = [start for _, start in starts[1:]] + [len(lines)]
    for (field, start), end in zip(starts, ends, strict=False):
        answers[field.id] = _parse_value(field, "\n".join(lines[start + 1 : end]))
    return answers


def _parse_value(field: Field, raw: str) -> Answer:
    text = "\n".join(line.rstrip() for line in raw.split("\n")).strip()
    if text.casefold() in _EMPTY:
        return [] if field.type == "checkboxes" or field.multiple else ""
    if field.type == "checkboxes":
        return [m["option"] for line in text.split("\n") if (m := _TICKED.match(line))]
    if field.type == "dropdown":
        return _split_choices(field, text) if field.multiple else text
    if field.render:
        fenced = _FENCE.match(text)
        if fenced:
            code = fenced["code"].strip("\n")
            return "" if code.strip().casefold() in _EMPTY else code
    return text


def _split_choices(field: Field, text: str) -> list[str]:
    # Options may themselves contain ", ": rejoin pieces until they name an option.
    chosen: list[str] = []
    pending: list[str] = []
    for piece in text.split(", "):
        pending.append(piece)
        candidate = ", ".join(pending).strip()
        if candidate in field.options:
            chosen.append(candidate)
            pending = []
    if pending:
        chosen.extend(p.strip() for p in pending if p.strip())
    return chosen


def is_empty(answer: Answer | None) -> bool:
    """True for a missing or blank answer (``_No response_`` is parsed to blank)."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return answer.strip().casefold() in _EMPTY
    return not any(a.strip() for a in answer)


def missing_required(
    form: Form, answers: Mapping[str, Answer | None], required_ids: Iterable[str] | None = None
) -> list[Field]:
    """The required fields (``required_ids``, default the form's own) left unanswered."""
    wanted = set(form.required_ids if required_ids is None else required_ids)
    missing = []
    for field in form.fields:
        if field.id not in wanted:
            continue
        answer = answers.get(field.id)
        if field.type == "checkboxes" and field.required_options:
            ticked = {label_key(a) for a in as_list(answer)}
            if any(label_key(o) not in ticked for o in field.required_options):
                missing.append(field)
        elif is_empty(answer):
            missing.append(field)
    return missing


def as_list(answer: Answer | None) -> list[str]:
    """An answer as a list of choices (a single answer becomes a list of one)."""
    if answer is None or answer == "":
        return []
    return [answer] if isinstance(answer, str) else list(answer)
