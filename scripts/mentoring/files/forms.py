"""Issue form files: load one from ``.github/ISSUE_TEMPLATE/`` and check it.

The form itself (its fields, and reading the answers GitHub writes into an issue body)
is ``mentoring.core.forms``; here it is only read and validated, with errors that name
the file, the line and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path

from mentoring.core.forms import FIELD_TYPES, Field, Form, label_key
from mentoring.files.hints import describe, did_you_mean
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


def _parse_element(doc: YamlDocument, index: int, element: object) -> Field | None:
    where = ("body", index)
    if not isinstance(element, dict):
        raise doc.error(
            where,
            f"body item {index + 1} is {describe(element)}, not a mapping of keys.",
            "Start it with `- type: ...`, its other keys indented under it.",
        )
    kind = element.get("type")
    if kind == "markdown":
        return None
    if kind is None:
        raise doc.error(
            where,
            f"body item {index + 1} has no `type`.",
            f"Add `type:` with one of {', '.join([*FIELD_TYPES, 'markdown'])}.",
        )
    if kind not in FIELD_TYPES:
        hint = did_you_mean(kind, [*FIELD_TYPES, "markdown"])
        raise doc.error(
            (*where, "type"),
            f"unknown element type {kind!r}.",
            f"Use one of {', '.join([*FIELD_TYPES, 'markdown'])}. {hint}".rstrip(),
        )
    attributes = element.get("attributes")
    if attributes is None:
        raise doc.error(
            where,
            f"the {kind} element (body item {index + 1}) has no `attributes`.",
            "Add `attributes:` with at least `label: ...` indented under it.",
        )
    if not isinstance(attributes, dict):
        raise doc.error(
            (*where, "attributes"),
            f"the `attributes` of the {kind} element (body item {index + 1}) are"
            f" {describe(attributes)}, not a mapping of keys.",
            "Indent its keys under `attributes:`, for example `label: ...`.",
        )
    label = attributes.get("label")
    if label is not None and not isinstance(label, str):
        raise doc.error(
            (*where, "attributes", "label"),
            f"the `label` of the {kind} element must be text, not {describe(label)}.",
            "Put the label in quotes.",
        )
    if not isinstance(label, str) or not label.strip():
        raise doc.error(
            (*where, "attributes"), f"the {kind} element has no `label`.", "Add `label: ...`."
        )
    label = label.strip()
    field_id = element.get("id")
    if field_id is not None and not isinstance(field_id, str):
        raise doc.error(
            (*where, "id"),
            f"the id of the field {label!r} must be text, not {describe(field_id)}.",
            f"Write an id of letters, digits, - and _, for example `id: {_suggest_id(label)}`.",
        )
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
            if kind == "checkboxes" and not isinstance(option, dict):
                raise doc.error(
                    opt_where,
                    f"option {i + 1} of {label!r} is {describe(option)}, but a checkboxes"
                    " option is a mapping with its `label`.",
                    f"Write `- label: {option}`."
                    if isinstance(option, str)
                    else ("Write `- label: ...`."),
                )
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
            if isinstance(option, dict) and option.get("required") is True:
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
