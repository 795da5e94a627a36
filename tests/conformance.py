"""Check HTTP traffic against GitHub's own REST description (tests/openapi/).

The description is OpenAPI 3.0.3, whose schemas are not quite JSON Schema: ``nullable``
is a keyword of its own. ``to_json_schema`` rewrites it for Draft 2020-12 once, at load.
Every ``validate_*`` function raises ``ConformanceError`` listing each violation.

A renamed or dropped field fails wherever GitHub's schema lists it as required. Where
the description has no ``required`` the check cannot see a missing field; in the
subset that is ``basic-error`` (every 4xx body), the label objects inside an issue's
``labels``, a cross-reference's ``source``, ``timeline-commit-commented-event`` and
``timeline-line-commented-event``. Unknown properties are allowed unless a schema
says ``additionalProperties: false``, as GitHub's own clients allow them.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SUBSET = Path(__file__).parent / "openapi" / "github-rest-subset.json"
BASE_URI = "urn:github-rest-subset"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")

# The timeline's union schema (timeline-issue-events) is an anyOf of objects that
# require almost the same fields, so it accepts nearly anything: each event is instead
# checked against the schema for its own `event` value.
TIMELINE_SCHEMAS = {
    "added_to_project": "added-to-project-issue-event",
    "assigned": "timeline-assigned-issue-event",
    "blocked_by_added": "blocked-by-added-issue-event",
    "blocked_by_removed": "blocked-by-removed-issue-event",
    "blocking_added": "blocking-added-issue-event",
    "blocking_removed": "blocking-removed-issue-event",
    "commented": "timeline-comment-event",
    "commit-commented": "timeline-commit-commented-event",
    "committed": "timeline-committed-event",
    "converted_note_to_issue": "converted-note-to-issue-issue-event",
    "cross-referenced": "timeline-cross-referenced-event",
    "demilestoned": "demilestoned-issue-event",
    "issue_type_added": "issue-type-added-issue-event",
    "issue_type_changed": "issue-type-changed-issue-event",
    "issue_type_removed": "issue-type-removed-issue-event",
    "labeled": "labeled-issue-event",
    "line-commented": "timeline-line-commented-event",
    "locked": "locked-issue-event",
    "milestoned": "milestoned-issue-event",
    "moved_columns_in_project": "moved-column-in-project-issue-event",
    "parent_issue_added": "parent-issue-added-issue-event",
    "parent_issue_removed": "parent-issue-removed-issue-event",
    "removed_from_project": "removed-from-project-issue-event",
    "renamed": "renamed-issue-event",
    "review_dismissed": "review-dismissed-issue-event",
    "review_request_removed": "review-request-removed-issue-event",
    "review_requested": "review-requested-issue-event",
    "reviewed": "timeline-reviewed-event",
    "sub_issue_added": "sub-issue-added-issue-event",
    "sub_issue_removed": "sub-issue-removed-issue-event",
    "unassigned": "timeline-unassigned-issue-event",
    "unlabeled": "unlabeled-issue-event",
}
# Events with no payload beyond the common fields (and state_reason for closed and
# reopened): GitHub documents them all with state-change-issue-event.
PLAIN_EVENTS = frozenset(
    {
        "base_ref_changed",
        "base_ref_force_pushed",
        "closed",
        "comment_deleted",
        "connected",
        "convert_to_draft",
        "converted_to_discussion",
        "deployed",
        "disconnected",
        "head_ref_deleted",
        "head_ref_force_pushed",
        "head_ref_restored",
        "marked_as_duplicate",
        "mentioned",
        "merged",
        "pinned",
        "ready_for_review",
        "referenced",
        "reopened",
        "subscribed",
        "transferred",
        "unlocked",
        "unmarked_as_duplicate",
        "unpinned",
        "unsubscribed",
        "user_blocked",
    }
)
for _name in PLAIN_EVENTS:
    TIMELINE_SCHEMAS[_name] = "state-change-issue-event"

# PyGithub's Issue.add_to_labels and Issue.set_labels send a bare JSON array of names.
# GitHub accepts it (the add-labels description says "You can also pass an array of
# labels directly") but the schema documents only {"labels": [...]}, so such a body is
# checked as if it were wrapped in that object. No other leniency is allowed.
BARE_ARRAY_BODIES = frozenset({"issues/add-labels", "issues/set-labels"})


class ConformanceError(AssertionError):
    """Traffic that GitHub's REST description does not allow."""


def to_json_schema(node: Any) -> Any:
    """Rewrite OpenAPI 3.0 schema keywords as JSON Schema Draft 2020-12."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key != "discriminator"}
    # GitHub uses oneOf for alternatives that may overlap (several nullable branches,
    # objects without `required`); OpenAPI tools read it as "one of these shapes".
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


@cache
def spec() -> dict[str, Any]:
    """The subset of GitHub's REST description, with JSON Schema schemas."""
    raw = json.loads(SUBSET.read_text(encoding="utf-8"))
    if not raw["openapi"].startswith("3.0."):
        raise RuntimeError(f"{SUBSET}: expected OpenAPI 3.0.x, got {raw['openapi']}")
    return to_json_schema(raw)


@cache
def _registry() -> Registry:
    return Registry().with_resource(BASE_URI, Resource(contents=spec(), specification=DRAFT202012))


DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(DATE_TIME.match(value))


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and " " not in value


@cache
def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{BASE_URI}#{pointer}"}, registry=_registry(), format_checker=FORMATS
    )


def _describe(error: ValidationError) -> str:
    where = "".join(f"[{p!r}]" for p in error.absolute_path) or "(top level)"
    if error.context:
        error = best_match(error.context)
        inner = "".join(f"[{p!r}]" for p in error.absolute_path)
        return f"{where}: none of the alternatives fit; closest: {inner} {error.message}"
    return f"{where}: {error.message}"


def check(instance: Any, pointer: str, what: str) -> None:
    """Validate instance against the schema at a JSON pointer into the subset."""
    errors = sorted(_validator(pointer).iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        lines = "\n  ".join(_describe(e) for e in errors[:20])
        raise ConformanceError(f"{what} does not match {pointer}:\n  {lines}")


def schema_pointer(name: str) -> str:
    """The JSON pointer of a component schema, e.g. ``simple-user``."""
    if name not in spec()["components"]["schemas"]:
        raise KeyError(f"schema {name!r} is not in {SUBSET.name}")
    return f"/components/schemas/{name}"


def _resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow a local $ref; returns the target and its pointer (None if not a ref)."""
    pointer = None
    while "$ref" in node:
        pointer = node["$ref"].removeprefix("#")
        node = spec()
        for part in pointer.strip("/").split("/"):
            node = node[part]
    return node, pointer


@cache
def _templates() -> list[tuple[re.Pattern[str], str, str, str]]:
    """(regex, template, method, operationId), literal-heavy templates first."""
    rows = []
    for template, item in spec()["paths"].items():
        multi = set()
        for method in HTTP_METHODS:
            for param in item.get(method, {}).get("parameters", []):
                param, _ = _resolve(param)
                if param.get("in") == "path" and param.get("x-multi-segment"):
                    multi.add(param["name"])

        def group(match: re.Match[str], multi: set[str] = multi) -> str:
            name = match.group(1)
            pattern = ".+" if name in multi else "[^/]+"
            return f"(?P<{name.replace('-', '_')}>{pattern})"

        regex = re.compile("^" + re.sub(r"\\\{([^}]+)\\\}", group, re.escape(template)) + "$")
        for method in HTTP_METHODS:
            if method in item:
                rows.append((regex, template, method, item[method]["operationId"]))
    rows.sort(key=lambda row: (row[1].count("{"), row[1]))
    return rows


def operation_for(method: str, path: str) -> tuple[str, str]:
    """(operationId, path template) of a request; ConformanceError if undocumented."""
    path = urlsplit(path).path.rstrip("/") or "/"
    for regex, template, op_method, op_id in _templates():
        if op_method == method.lower() and regex.match(path):
            return op_id, template
    raise ConformanceError(f"{method} {path} matches no operation in {SUBSET.name}")


def _operation(method: str, path: str) -> tuple[dict[str, Any], str, dict[str, str]]:
    op_id, template = operation_for(method, path)
    item = spec()["paths"][template]
    regex = next(r for r, t, m, o in _templates() if o == op_id)
    match = regex.match(urlsplit(path).path.rstrip("/"))
    assert match is not None
    values = {k: unquote(v) for k, v in match.groupdict().items()}
    return item[method.lower()], op_id, values


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    """A query or path string as the type its parameter schema declares."""
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    return value


def validate_request(
    method: str, path: str, body: Any = None, query: dict[str, str] | None = None
) -> str:
    """Check a request is a documented operation with valid parameters and body.

    Returns the operationId.
    """
    op, op_id, path_values = _operation(method, path)
    params = {}
    for param in op.get("parameters", []):
        param, _ = _resolve(param)
        params[(param["in"], param["name"])] = param
    problems = []
    for (where, name), param in params.items():
        if where == "path":
            key = name.replace("-", "_")
            value = _coerce(path_values[key], param["schema"])
            if not _validator_for_schema(param["schema"]).is_valid(value):
                problems.append(f"path parameter {name}={value!r} does not match its schema")
    for name, raw in (query or {}).items():
        param = params.get(("query", name))
        if param is None:
            problems.append(f"query parameter {name!r} is not documented")
        elif not _validator_for_schema(param["schema"]).is_valid(_coerce(raw, param["schema"])):
            problems.append(f"query parameter {name}={raw!r} does not match {param['schema']}")
    problems += [
        f"required query parameter {name!r} is missing"
        for (where, name), param in params.items()
        if where == "query" and param.get("required") and name not in (query or {})
    ]
    if problems:
        raise ConformanceError(f"{method} {path} ({op_id}):\n  " + "\n  ".join(problems))

    request_body = op.get("requestBody")
    if body is None:
        if request_body and request_body.get("required"):
            raise ConformanceError(f"{method} {path} ({op_id}) requires a JSON body")
        return op_id
    if request_body is None:
        raise ConformanceError(f"{method} {path} ({op_id}) takes no body, got {body!r}")
    if op_id in BARE_ARRAY_BODIES and isinstance(body, list):
        body = {"labels": body}
    pointer = _pointer_of(op_id) + "/requestBody/content/application~1json/schema"
    check(body, pointer, f"request body of {method} {path} ({op_id})")
    return op_id


@cache
def _pointer_of(op_id: str) -> str:
    for template, item in spec()["paths"].items():
        for method in HTTP_METHODS:
            if item.get(method, {}).get("operationId") == op_id:
                return "/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method
    raise KeyError(op_id)


def _validator_for_schema(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=_registry(), format_checker=FORMATS)


JSON_TYPES = ("application/json", "application/scim+json")


def validate_response(method: str, path: str, status: int, body: Any) -> str:
    """Check a response against the documented response for its operation and status.

    Returns the operationId.
    """
    op, op_id, _ = _operation(method, path)
    responses = op["responses"]
    key = str(status) if str(status) in responses else "default"
    if key not in responses:
        raise ConformanceError(
            f"{method} {path} ({op_id}): status {status} is not documented "
            f"(documented: {', '.join(sorted(responses))})"
        )
    response, ref = _resolve(responses[key])
    base = ref or f"{_pointer_of(op_id)}/responses/{key}"
    content = response.get("content") or {}
    if not content:
        if body not in (None, "", b""):
            raise ConformanceError(
                f"{method} {path} ({op_id}): status {status} documents no body, got {body!r}"
            )
        return op_id
    media = next((m for m in JSON_TYPES if m in content), None)
    if media is None:
        raise ConformanceError(f"{method} {path} ({op_id}): no JSON body for {status}")
    pointer = f"{base}/content/{media.replace('/', '~1')}/schema"
    check(body, pointer, f"response {status} to {method} {path} ({op_id})")
    return op_id


def validate_exchange(entry: dict[str, Any]) -> str:
    """Validate one request-log entry (request and response); returns the operationId."""
    validate_request(entry["method"], entry["path"], entry.get("request_body"), entry.get("query"))
    return validate_response(
        entry["method"], entry["path"], entry["status"], entry.get("response_body")
    )


def validate_timeline_event(event: dict[str, Any]) -> str:
    """Check one timeline event against the schema for its own ``event``; returns it."""
    name = event.get("event")
    if name not in TIMELINE_SCHEMAS:
        raise ConformanceError(f"timeline event {name!r} is not a documented event")
    schema = TIMELINE_SCHEMAS[name]
    check(event, schema_pointer(schema), f"timeline event {name!r}")
    return schema


def validate_webhook(event_name: str, payload: dict[str, Any]) -> str:
    """Check a webhook payload (e.g. ``issues`` with action ``opened``); returns the schema.

    ``pull_request_target`` payloads are ``pull_request`` payloads.
    """
    event_name = {"pull_request_target": "pull_request"}.get(event_name, event_name)
    action = payload.get("action")
    name = f"webhook-{event_name}-{action}".replace("_", "-")
    if name not in spec()["components"]["schemas"]:
        raise ConformanceError(f"no schema for webhook {event_name}.{action} in {SUBSET.name}")
    check(payload, schema_pointer(name), f"webhook {event_name}.{action}")
    return name


def renamed(instance: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """A deep copy of instance with one top-level key renamed (for negative tests)."""
    out = copy.deepcopy(instance)
    out[new] = out.pop(old)
    return out


def main(argv: list[str] | None = None) -> int:
    """Check an --http-log file (one JSON exchange a line); print each problem."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("log", type=Path, help="JSON lines written by simulate.py --http-log")
    args = parser.parse_args(argv)
    problems: dict[str, None] = {}
    lines = args.log.read_text(encoding="utf-8").splitlines()
    for line in filter(None, lines):
        entry = json.loads(line)
        try:
            validate_exchange(entry)
            if entry["status"] == 200 and entry["path"].endswith("/timeline"):
                for event in entry["response_body"]:
                    validate_timeline_event(event)
        except ConformanceError as error:
            problems.setdefault(str(error), None)
    for problem in problems:
        print(problem, end="\n\n")
    print(f"{len(lines)} exchanges, {len(problems)} distinct problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
