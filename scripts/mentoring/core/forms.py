"""Issue forms as the planner sees them: a form's fields, and the answers in an issue body.

When someone submits an issue form, GitHub writes the answers into the issue body as
Markdown: one ``### {label}`` heading per non-markdown field, in form order, then the
answer. :func:`parse_body` reads it back *against the form itself*: only the form's own
headings, in the form's order, delimit answers, so a ``###`` line a user writes inside
an answer stays part of it. Loading a form file is ``mentoring.files.forms``; writing a
body as GitHub does is the simulator's (``simulator.issue_forms``).

What GitHub writes (verified against real issue bodies and GitHub's own parser, see
``tests/files/test_forms.py``):

- sections are ``### {label}\\n\\n{answer}``, joined by a blank line;
- an empty input, textarea or dropdown is ``_No response_``;
- a multi-select dropdown lists the chosen options joined by ``", "``;
- checkboxes are one ``- [X] option`` / ``- [ ] option`` line per option, never
  ``_No response_``; GitHub has written ``[X]`` and, more recently, ``[x]``;
- a textarea with ``render: LANG`` is fenced: three backticks and LANG, the text, three
  backticks (an empty one is ``_No response_``, not an empty fence).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mentoring.core.remember import short_texts

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


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Field))


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

    # parse_body's cache hashes the form on every call (and compares it, when an equal
    # form was loaded again), and a dataclass hashes and compares field by field, in
    # Python, every time. The same values flattened once into one tuple do it in C.
    @functools.cached_property
    def _key(self) -> tuple[object, ...]:
        each = tuple(tuple(getattr(f, name) for name in _FIELD_NAMES) for f in self.fields)
        return (self.file, self.name, self.description, self.title, self.labels, each)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Form)
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)


def label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


# GitHub's cap on an issue body. Anything longer did not come from GitHub: only this much
# of it is read, so no body can cost more than one GitHub could hold.
MAX_BODY = 65_536

# No regular expressions here: every line of a body is the applicant's text, and a pattern
# such as ``\s*(.*?)\s*$`` backtracks quadratically on a line of 65,000 spaces (about 50 s
# per body). Plain string operations read each character a bounded number of times.


def heading_text(line: str) -> str | None:
    """The text of an ATX ``###`` heading line (CommonMark: up to 3 spaces of indent, an
    optional closing run of ``#`` after a space), or None if the line is not one."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("###"):
        return None
    rest = stripped[3:]
    if not rest or rest[0] not in " \t":
        return None
    text = rest.strip(" \t")
    trimmed = text.rstrip("#")
    if trimmed != text and trimmed and trimmed[-1] in " \t":
        text = trimmed.rstrip(" \t")
    return text


def ticked_option(line: str) -> str | None:
    """The option of a ticked checkbox line (``- [x] option``, ``*``/``+`` bullets too)."""
    s = line.lstrip()
    if not s or s[0] not in "-*+":
        return None
    after = s[1:].lstrip()
    if len(after) == len(s) - 1 or after[:3] not in ("[x]", "[X]"):
        return None  # no space after the bullet, or not ticked
    return after[3:].strip()


def fenced_code(text: str) -> str | None:
    """The code inside a fence that wraps all of ``text`` (the opening line is three or more
    backticks or tildes and an info string; the last line the same run), else None."""
    first, newline, rest = text.partition("\n")
    char = first[:1]
    if not newline or char not in ("`", "~"):
        return None
    opening = len(first) - len(first.lstrip(char))
    code, newline, last = rest.rpartition("\n")
    if opening < 3 or not newline or not 3 <= len(last) <= opening or last.strip(char):
        return None
    return code


def parse_body(form: Form, body: str | None) -> dict[str, Answer]:
    """The answers in an issue body, keyed by field id; fields whose heading is gone are absent.

    Only the form's own ``### label`` lines count, searched for in form order, so a
    heading a user typed inside an answer stays in that answer, and a heading moved out
    of order is treated as missing.
    """
    found = _parsed(form, body or "")
    # A fresh dict and lists each call: callers may change theirs.
    return {k: list(v) if isinstance(v, list) else v for k, v in found}


# Bodies up to this long are remembered (an application's is a few thousand characters):
# a run reads each body in several places (the planner, the list of applications by
# mentee, the dashboard), and a simulation reads the same bodies run after run.
REMEMBERED_BODY = 8_192


@short_texts(REMEMBERED_BODY, text_at=1, maxsize=1024)
def _parsed(form: Form, body: str) -> tuple[tuple[str, Answer], ...]:
    lines = body[:MAX_BODY].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_label = {label_key(f.label): f for f in form.fields}
    heading_at: dict[int, Field] = {}  # line number -> field, for every form heading line
    for number, line in enumerate(lines):
        text = heading_text(line)
        if text is not None and label_key(text) in by_label:
            heading_at[number] = by_label[label_key(text)]
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
    return tuple(answers.items())


def _parse_value(field: Field, raw: str) -> Answer:
    text = "\n".join(line.rstrip() for line in raw.split("\n")).strip()
    if text.casefold() in _EMPTY:
        return [] if field.type == "checkboxes" or field.multiple else ""
    if field.type == "checkboxes":
        return [o for line in text.split("\n") if (o := ticked_option(line)) is not None]
    if field.type == "dropdown":
        return _split_choices(field, text) if field.multiple else text
    if field.render:
        fenced = fenced_code(text)
        if fenced is not None:
            code = fenced.strip("\n")
            return "" if code.strip().casefold() in _EMPTY else code
    return text


def _split_choices(field: Field, text: str) -> list[str]:
    # Options may themselves contain ", ": rejoin pieces until they name an option. Pieces
    # joined keep their commas, so once more are pending than any option has commas plus
    # one, nothing can match any more: rejoining stops, which keeps this linear.
    widest = max((o.count(",") for o in field.options), default=0) + 1
    chosen: list[str] = []
    pending: list[str] = []
    for piece in text.split(", "):
        pending.append(piece)
        if len(pending) > widest:
            continue
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


def missing_from_body(
    form: Form, body: str | None, required_ids: tuple[str, ...] | None = None
) -> tuple[Field, ...]:
    """:func:`missing_required` of the answers in ``body``, remembered as the answers are."""
    return _missing(form, body or "", required_ids)


@short_texts(REMEMBERED_BODY, text_at=1, maxsize=1024)
def _missing(form: Form, body: str, required_ids: tuple[str, ...] | None) -> tuple[Field, ...]:
    return tuple(missing_required(form, parse_body(form, body), required_ids))


def as_list(answer: Answer | None) -> list[str]:
    """An answer as a list of choices (a single answer becomes a list of one)."""
    if answer is None or answer == "":
        return []
    return [answer] if isinstance(answer, str) else list(answer)


def orphaned_fields(form: Form, body: str | None, ids: Iterable[str] | None = None) -> list[Field]:
    """The form's fields (those in ``ids``, default all) with no answer heading in a body
    that is otherwise a form body.

    Answers are found by their ``### label`` heading, so rewording a label in the form
    orphans the answers already written under the old one. A body with none of the form's
    headings (an issue written by hand) is not a form body: nothing is orphaned in it. A
    field added to the form since has no heading in older bodies either: pass the ids
    whose answers matter to leave those out. Linear in the body, as :func:`parse_body` is
    (it reads it once).
    """
    answers = parse_body(form, body)
    if not answers:
        return []
    wanted = None if ids is None else set(ids)
    return [f for f in form.fields if f.id not in answers and (wanted is None or f.id in wanted)]


def describe_orphans(number: int, form: Form, fields: Iterable[Field]) -> str:
    """One line for a maintainer: which issue no longer parses, which fields, and the fix."""
    named = ", ".join(f"`{f.id}` (label {f.label!r})" for f in fields)
    return (
        f"#{number} no longer parses against {form.file}: no answer under the heading of"
        f" {named}. Put the old label back, or edit the issue's heading to the new label."
    )
