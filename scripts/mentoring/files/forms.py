"""GitHub issue forms: load a form file, render and parse the issue bodies it produces.

When someone submits an issue form, GitHub writes the answers into the issue body as
Markdown: one ``### {label}`` heading per non-markdown field, in form order, then the
answer. This module reproduces that body (the simulator opens issues with it) and reads
it back *against the form itself*: only the form's own headings, in the form's order,
delimit answers, so a ``###`` line a user writes inside an answer stays part of it.

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

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mentoring.files.yamlfile import YamlDocument, YamlFileError, load

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


# ---------------------------------------------------------------- loading


def load_form(path: Path, file: str | None = None) -> Form:
    """Load and validate the issue form at ``path`` (``file`` names it in errors)."""
    name = file or str(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(name, None, f"the form cannot be read ({exc.strerror}).") from exc
    return parse_form(text, name)


def parse_form(text: str | bytes, file: str) -> Form:
    """Parse and validate the text of an issue form."""
    doc = load(text, file)
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "an issue form must be a mapping of keys.", "Start with `name:`.")
    body = data.get("body")
    if not isinstance(body, list) or not body:
        raise doc.error(
            ("body",) if "body" in data else (),
            "the form has no `body` list of fields.",
            "Add `body:` with at least one input, textarea, dropdown or checkboxes element.",
        )
    fields: list[Field] = []
    seen_ids: dict[str, int] = {}
    seen_labels: dict[str, int] = {}
    for index, element in enumerate(body):
        field = _parse_element(doc, index, element)
        if field is None:
            continue
        where = ("body", index)
        if field.id in seen_ids:
            raise doc.error(
                (*where, "id"),
                f"the id {field.id!r} is used twice (first for body item {seen_ids[field.id]}).",
                "Give every field its own id.",
            )
        key = _label_key(field.label)
        if key in seen_labels:
            raise doc.error(
                (*where, "attributes", "label"),
                f"the label {field.label!r} is used twice (first for body item"
                f" {seen_labels[key]}).",
                "Give every field its own label: answers are found by their heading.",
            )
        seen_ids[field.id] = index + 1
        seen_labels[key] = index + 1
        fields.append(field)
    if not fields:
        raise doc.error(
            ("body",),
            "the form has only markdown elements, so there is nothing to answer.",
            "Add an input, textarea, dropdown or checkboxes element.",
        )
    return Form(
        file=file,
        name=_text(doc, data, ("name",), "Mentoring form"),
        description=_text(doc, data, ("description",), ""),
        title=_text(doc, data, ("title",), ""),
        labels=_labels(doc, data.get("labels")),
        fields=tuple(fields),
    )


def _parse_element(doc: YamlDocument, index: int, element: object) -> Field | None:
    where = ("body", index)
    if not isinstance(element, dict):
        raise doc.error(where, "each body item must be a mapping.", "Start it with `- type: ...`.")
    kind = element.get("type")
    if kind == "markdown":
        return None
    if kind not in FIELD_TYPES:
        close = difflib.get_close_matches(str(kind), [*FIELD_TYPES, "markdown"], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise doc.error(
            (*where, "type"),
            f"unknown element type {kind!r}.",
            f"Use one of {', '.join([*FIELD_TYPES, 'markdown'])}.{hint}",
        )
    attributes = element.get("attributes")
    if not isinstance(attributes, dict):
        raise doc.error(where, f"the {kind} element has no `attributes`.", "Add `attributes:`.")
    label = attributes.get("label")
    if not isinstance(label, str) or not label.strip():
        raise doc.error(
            (*where, "attributes"), f"the {kind} element has no `label`.", "Add `label: ...`."
        )
    label = label.strip()
    field_id = element.get("id")
    if not isinstance(field_id, str) or not field_id.strip():
        raise doc.error(
            where,
            f"the field {label!r} has no `id`.",
            f"Add `id: {_suggest_id(label)}`: answers and the config refer to fields by id.",
        )
    validations = element.get("validations") or {}
    required = bool(isinstance(validations, dict) and validations.get("required") is True)
    options: tuple[str, ...] = ()
    required_options: tuple[str, ...] = ()
    if kind in ("dropdown", "checkboxes"):
        raw = attributes.get("options")
        if not isinstance(raw, list) or not raw:
            raise doc.error(
                (*where, "attributes"),
                f"the {kind} {label!r} has no `options`.",
                "List at least one option.",
            )
        names = []
        for i, option in enumerate(raw):
            opt_where = (*where, "attributes", "options", i)
            text = (
                option.get("label") if kind == "checkboxes" and isinstance(option, dict) else option
            )
            if (
                kind == "dropdown"
                and isinstance(option, int | float)
                and not isinstance(option, bool)
            ):
                text = str(option)
            if not isinstance(text, str) or not text.strip():
                fix = (
                    "Write `- label: ...`." if kind == "checkboxes" else "Write the option as text."
                )
                raise doc.error(opt_where, f"option {i + 1} of {label!r} has no text.", fix)
            names.append(text.strip())
            if kind == "checkboxes" and option.get("required") is True:
                required_options = (*required_options, text.strip())
        options = tuple(names)
        if kind == "checkboxes":
            required = bool(required_options)
    render = attributes.get("render") if kind == "textarea" else None
    return Field(
        id=field_id.strip(),
        label=label,
        type=kind,
        required=required,
        options=options,
        render=str(render).strip() if render else None,
        multiple=kind == "dropdown" and attributes.get("multiple") is True,
        required_options=required_options,
    )


def _text(doc: YamlDocument, data: dict, path: tuple[str], default: str) -> str:
    value = data.get(path[0], default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise doc.error(path, f"`{path[0]}` must be text.", "Put the value in quotes.")
    return value


def _labels(doc: YamlDocument, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # GitHub also accepts "a, b"
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value)
    raise doc.error(("labels",), "`labels` must be a list of label names.", "Write `[name, ...]`.")


def _suggest_id(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40] or "answer"


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


# ---------------------------------------------------------------- rendering


def render_body(form: Form, answers: Mapping[str, Answer | None]) -> str:
    """The issue body GitHub writes when ``answers`` (keyed by field id) are submitted."""
    unknown = set(answers) - set(form.ids)
    if unknown:
        raise ValueError(f"{form.file} has no field with id {', '.join(sorted(unknown))}")
    sections = []
    for field in form.fields:
        value = _render_value(field, answers.get(field.id))
        sections.append(f"### {field.label}\n\n{value}")
    return "\n\n".join(sections)


def _render_value(field: Field, answer: Answer | None) -> str:
    if field.type == "checkboxes":
        ticked = _as_list(answer)
        _check_options(field, ticked)
        return "\n".join(f"- [{'X' if o in ticked else ' '}] {o}" for o in field.options)
    if field.type == "dropdown":
        chosen = _as_list(answer)
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


def _as_list(answer: Answer | None) -> list[str]:
    if answer is None or answer == "":
        return []
    return [answer] if isinstance(answer, str) else list(answer)


def _check_options(field: Field, chosen: list[str]) -> None:
    wrong = [c for c in chosen if c not in field.options]
    if wrong:
        raise ValueError(f"{field.id!r} has no option {wrong[0]!r}; options: {field.options}")


# ---------------------------------------------------------------- parsing

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
    by_label = {_label_key(f.label): f for f in form.fields}
    heading_at: dict[int, Field] = {}  # line number -> field, for every form heading line
    for number, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and _label_key(match["text"]) in by_label:
            heading_at[number] = by_label[_label_key(match["text"])]
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
            ticked = {_label_key(a) for a in _as_list(answer)}
            if any(_label_key(o) not in ticked for o in field.required_options):
                missing.append(field)
        elif is_empty(answer):
            missing.append(field)
    return missing
