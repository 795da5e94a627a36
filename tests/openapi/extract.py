"""Trim GitHub's REST description to the operations this project uses.

Usage: python tests/openapi/extract.py NODE_MODULES/@octokit/openapi [OUT]

Reads ``generated/api.github.com.json`` (the non-dereferenced variant, so shared
schemas stay shared), keeps only the operations in OPERATIONS and the webhook payload
schemas in WEBHOOKS, and every component they reference, transitively. Prose
(``description``, ``example(s)``, ``externalDocs``) is dropped to keep the copy small;
keywords that constrain values are kept verbatim. The output is sorted and stable, so a
regenerated file diffs cleanly against the committed one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# What the scripts call, plus the few more the sandbox serves (PyGithub may call them).
OPERATIONS = (
    "actions/list-workflow-runs",
    "issues/add-assignees",
    "issues/add-labels",
    "issues/check-user-can-be-assigned",
    "issues/create",
    "issues/create-comment",
    "issues/create-label",
    "issues/delete-comment",
    "issues/get",
    "issues/get-comment",
    "issues/get-label",
    "issues/list-comments",
    "issues/list-events",
    "issues/list-events-for-timeline",
    "issues/list-for-repo",
    "issues/list-labels-for-repo",
    "issues/list-labels-on-issue",
    "issues/remove-all-labels",
    "issues/remove-assignees",
    "issues/remove-label",
    "issues/set-labels",
    "issues/update",
    "issues/update-comment",
    "issues/update-label",
    "pulls/get",
    "pulls/list-files",
    "pulls/merge",
    "rate-limit/get",
    "reactions/create-for-issue-comment",
    "reactions/list-for-issue-comment",
    "repos/get",
    "repos/get-collaborator-permission-level",
    "repos/get-commit",
    "repos/get-content",
    "repos/list-commits",
    "repos/list-pull-requests-associated-with-commit",
    "search/issues-and-pull-requests",
    "users/get-by-username",
)

# Webhook payloads the workflows react to, as named in components.schemas.
WEBHOOKS = (
    "webhook-issue-comment-created",
    "webhook-issue-comment-edited",
    "webhook-issues-assigned",
    "webhook-issues-closed",
    "webhook-issues-edited",
    "webhook-issues-labeled",
    "webhook-issues-opened",
    "webhook-issues-reopened",
    "webhook-issues-unassigned",
    "webhook-issues-unlabeled",
    "webhook-pull-request-closed",
)

# Keys that are prose, not constraints. Stripped only where they are keywords, never
# where they name a property (a label has a "description" property).
PROSE = frozenset(
    {"description", "example", "examples", "externalDocs", "x-github", "x-github-breaking-changes"}
    | {"x-octokit"}
)
# Keywords whose value maps names to sub-objects.
NAME_MAPS = frozenset({"properties", "patternProperties", "responses", "content", "headers"})

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def strip_prose(node: Any) -> Any:
    """A copy of node without prose keywords, leaving property names alone."""
    if isinstance(node, list):
        return [strip_prose(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in PROSE:
            continue
        if key in NAME_MAPS and isinstance(value, dict):
            out[key] = {name: strip_prose(sub) for name, sub in value.items()}
        else:
            out[key] = strip_prose(value)
    return out


def refs_in(node: Any) -> set[str]:
    """Every local ``$ref`` inside node."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    """The trimmed description: chosen operations, webhooks and their components."""
    paths: dict[str, dict[str, Any]] = {}
    wanted = set(OPERATIONS)
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS and op.get("operationId") in wanted:
                paths.setdefault(template, {})[method] = strip_prose(op)
                wanted.discard(op["operationId"])
        if template in paths and "parameters" in item:
            paths[template]["parameters"] = strip_prose(item["parameters"])
    if wanted:
        sys.exit(f"operations not in the description: {sorted(wanted)}")

    components: dict[str, dict[str, Any]] = {}
    todo = refs_in(paths) | {f"#/components/schemas/{name}" for name in WEBHOOKS}
    done: set[str] = set()
    while todo:
        ref = todo.pop()
        done.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = strip_prose(resolve(spec, ref))
        components.setdefault(kind, {})[name] = node
        todo |= refs_in(node) - done

    return {
        "openapi": spec["openapi"],
        "info": {
            "title": "GitHub v3 REST API (subset for mentoring automation)",
            "version": spec["info"]["version"],
        },
        "paths": paths,
        "components": components,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the subset of the package's api.github.com description."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="path to node_modules/@octokit/openapi")
    parser.add_argument(
        "out",
        type=Path,
        nargs="?",
        default=Path(__file__).with_name("github-rest-subset.json"),
    )
    args = parser.parse_args(argv)
    package = json.loads((args.package / "package.json").read_text(encoding="utf-8"))
    spec = json.loads(
        (args.package / "generated" / "api.github.com.json").read_text(encoding="utf-8")
    )
    result = subset(spec)
    result["info"]["x-source"] = f"npm {package['name']}@{package['version']}"
    text = json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
