"""Issue form files: load one from ``.github/ISSUE_TEMPLATE/`` and check it.

The form itself (its fields, and reading the answers GitHub writes into an issue body)
is ``mentoring.core.forms``; here it is only read and validated, with errors that name
the file, the line and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from mentoring.core.forms import FIELD_TYPES, Field, Form, label_key
from mentoring.files.hints import describe, did_you_mean
from mentoring.files.yamlfile import Path as YamlPath
from mentoring.files.yamlfile import YamlDocument, YamlFileError, load


def load_form(path: Path, file: str | None = None) -> Form:
    """Load and validate the issue form at ``path`` (``file`` names it in errors)."""
    name = file or str(path)
    return parse_form(read_form(path, name), name)


def read_form(path: Path, file: str) -> bytes:
    """The bytes of the issue form at ``path`` (``file`` names it in errors)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise YamlFileError(file, None, f"the form cannot be read ({exc.strerror}).") from exc


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
        key = label_key(field.label)
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


ELEMENT_TYPES = (*FIELD_TYPES, "markdown")


@dataclass(frozen=True)
class _Element:
    """One body item of a known type: its position, its type and its keys."""

    doc: YamlDocument
    index: int
    kind: str
    keys: dict[str, object]

    @property
    def where(self) -> YamlPath:
        return ("body", self.index)

    def error(self, under: YamlPath, problem: str, fix: str) -> YamlFileError:
        """An error at ``under`` in this element."""
        return self.doc.error((*self.where, *under), problem, fix)


def _parse_element(doc: YamlDocument, index: int, element: object) -> Field | None:
    """The field of one body item (None for markdown), read as its type says."""
    item = _element(doc, index, element)
    return _ELEMENTS[item.kind](item)


def _element(doc: YamlDocument, index: int, element: object) -> _Element:
    """The body item, checked to be a mapping of keys with a known ``type``."""
    where = ("body", index)
    if not isinstance(element, dict):
        raise doc.error(
            where,
            f"body item {index + 1} is {describe(element)}, not a mapping of keys.",
            "Start it with `- type: ...`, its other keys indented under it.",
        )
    kind = element.get("type")
    if kind is None:
        raise doc.error(
            where,
            f"body item {index + 1} has no `type`.",
            f"Add `type:` with one of {', '.join(ELEMENT_TYPES)}.",
        )
    if kind not in ELEMENT_TYPES:
        hint = did_you_mean(kind, ELEMENT_TYPES)
        raise doc.error(
            (*where, "type"),
            f"unknown element type {kind!r}.",
            f"Use one of {', '.join(ELEMENT_TYPES)}. {hint}".rstrip(),
        )
    return _Element(doc, index, kind, element)


def _markdown(item: _Element) -> None:
    """Markdown is text for the reader: nothing to answer, so no field."""
    return None


def _input(item: _Element) -> Field:
    return _field(item)[0]


def _textarea(item: _Element) -> Field:
    field, attributes = _field(item)
    render = attributes.get("render")
    return replace(field, render=str(render).strip() if render else None)


def _dropdown(item: _Element) -> Field:
    field, attributes = _field(item)
    options = [
        _dropdown_option(item, field.label, i, option)
        for i, option in enumerate(_options(item, field.label, attributes))
    ]
    return replace(field, options=tuple(options), multiple=attributes.get("multiple") is True)


def _checkboxes(item: _Element) -> Field:
    field, attributes = _field(item)
    options = [
        _checkbox_option(item, field.label, i, option)
        for i, option in enumerate(_options(item, field.label, attributes))
    ]
    # A checkboxes field is required when one of its boxes is, whatever `validations` say.
    required = tuple(text for text, needed in options if needed)
    return replace(
        field,
        required=bool(required),
        options=tuple(text for text, _ in options),
        required_options=required,
    )


# Every element type (ELEMENT_TYPES), how it is read.
_ELEMENTS: dict[str, Callable[[_Element], Field | None]] = {
    "input": _input,
    "textarea": _textarea,
    "dropdown": _dropdown,
    "checkboxes": _checkboxes,
    "markdown": _markdown,
}


def _field(item: _Element) -> tuple[Field, dict[str, object]]:
    """What every field has (id, label, type, required), checked once for all types, and
    its ``attributes``, for what its type adds."""
    attributes = _attributes(item)
    label = _label(item, attributes)
    field_id = item.keys.get("id")
    if field_id is not None and not isinstance(field_id, str):
        raise item.error(
            ("id",),
            f"the id of the field {label!r} must be text, not {describe(field_id)}.",
            f"Write an id of letters, digits, - and _, for example `id: {_suggest_id(label)}`.",
        )
    if not isinstance(field_id, str) or not field_id.strip():
        raise item.error(
            (),
            f"the field {label!r} has no `id`.",
            f"Add `id: {_suggest_id(label)}`: answers and the config refer to fields by id.",
        )
    validations = item.keys.get("validations") or {}
    required = bool(isinstance(validations, dict) and validations.get("required") is True)
    return Field(id=field_id.strip(), label=label, type=item.kind, required=required), attributes


def _attributes(item: _Element) -> dict[str, object]:
    attributes = item.keys.get("attributes")
    if attributes is None:
        raise item.error(
            (),
            f"the {item.kind} element (body item {item.index + 1}) has no `attributes`.",
            "Add `attributes:` with at least `label: ...` indented under it.",
        )
    if not isinstance(attributes, dict):
        raise item.error(
            ("attributes",),
            f"the `attributes` of the {item.kind} element (body item {item.index + 1}) are"
            f" {describe(attributes)}, not a mapping of keys.",
            "Indent its keys under `attributes:`, for example `label: ...`.",
        )
    return attributes


def _label(item: _Element, attributes: dict[str, object]) -> str:
    label = attributes.get("label")
    if label is not None and not isinstance(label, str):
        raise item.error(
            ("attributes", "label"),
            f"the `label` of the {item.kind} element must be text, not {describe(label)}.",
            "Put the label in quotes.",
        )
    if not isinstance(label, str) or not label.strip():
        raise item.error(
            ("attributes",), f"the {item.kind} element has no `label`.", "Add `label: ...`."
        )
    return label.strip()


def _options(item: _Element, label: str, attributes: dict[str, object]) -> list[object]:
    raw = attributes.get("options")
    if not isinstance(raw, list) or not raw:
        raise item.error(
            ("attributes",),
            f"the {item.kind} {label!r} has no `options`.",
            "List at least one option.",
        )
    return raw


def _dropdown_option(item: _Element, label: str, i: int, option: object) -> str:
    text = (
        str(option) if isinstance(option, int | float) and not isinstance(option, bool) else option
    )
    if not isinstance(text, str) or not text.strip():
        raise item.error(
            ("attributes", "options", i),
            f"option {i + 1} of {label!r} has no text.",
            "Write the option as text.",
        )
    return text.strip()


def _checkbox_option(item: _Element, label: str, i: int, option: object) -> tuple[str, bool]:
    """A box's text, and whether it must be ticked."""
    if not isinstance(option, dict):
        raise item.error(
            ("attributes", "options", i),
            f"option {i + 1} of {label!r} is {describe(option)}, but a checkboxes"
            " option is a mapping with its `label`.",
            f"Write `- label: {option}`." if isinstance(option, str) else "Write `- label: ...`.",
        )
    text = option.get("label")
    if not isinstance(text, str) or not text.strip():
        raise item.error(
            ("attributes", "options", i),
            f"option {i + 1} of {label!r} has no text.",
            "Write `- label: ...`.",
        )
    return text.strip(), option.get("required") is True


def _text(doc: YamlDocument, data: dict, path: tuple[str], default: str) -> str:
    value = data.get(path[0], default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise doc.error(
            path, f"`{path[0]}` must be text, not {describe(value)}.", "Put the value in quotes."
        )
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
