"""Trim GitHub's public GraphQL schema to what the project's queries and the sandbox use.

Usage: python extract.py NODE_MODULES/@octokit/graphql-schema [OUT]

Reads the package's ``schema.json`` (introspection; its ``schema.graphql`` repeats some
fields and does not build), walks every query in ``mentoring.github.graphql.QUERIES``
against it and keeps each field they select, each type they name, the concrete types the
sandbox resolves abstract ones to (``CONCRETE``), every field of the ``WHOLE`` types, and
every argument of a kept field with its input types and enums whole. Types and arguments
are GitHub's as published (names, nullability, defaults); descriptions are dropped. The
output is sorted and stable.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_client_schema,
    get_named_type,
    is_introspection_type,
    parse,
    print_schema,
    specified_scalar_types,
    visit,
)

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "scripts"))

from mentoring.github.graphql import QUERIES  # noqa: E402

# What the sandbox answers an abstract type (Actor, Closer, ...) with.
CONCRETE = ("User", "Bot", "Issue", "PullRequest", "Commit")
# Types kept with every field: the sandbox pages both ways, as GitHub does; `nodes(ids:)`
# returns the Node interface, which needs its field.
WHOLE = ("PageInfo", "Node")  # Node: an interface needs its one field, `id`


def used(schema: GraphQLSchema) -> tuple[set[tuple[str, str]], set[str]]:
    """(type, field) pairs the queries select, and the type names they mention."""
    fields: set[tuple[str, str]] = set()
    names: set[str] = set()
    info = TypeInfo(schema)

    class Collect(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            parent = info.get_parent_type()
            if parent is not None and not node.name.value.startswith("__"):
                fields.add((parent.name, node.name.value))

        def enter_inline_fragment(self, node: Any, *_: Any) -> None:
            if node.type_condition:
                names.add(node.type_condition.name.value)

        def enter_fragment_definition(self, node: Any, *_: Any) -> None:
            names.add(node.type_condition.name.value)

    for query in QUERIES.values():
        visit(parse(query), TypeInfoVisitor(info, Collect()))
    for name in WHOLE:
        fields |= {(name, f) for f in schema.get_type(name).fields}  # type: ignore[union-attr]
        names.add(name)
    return fields, names


def trim(schema: GraphQLSchema) -> GraphQLSchema:
    """A schema with only what is used, each part as GitHub defines it."""
    fields, names = used(schema)
    names |= {t for t, _ in fields} | set(CONCRETE)
    fields |= _on_implementations(schema, fields, names)
    return _Copy(fields, _kept_types(schema, fields, names)).schema(schema)


def _on_implementations(
    schema: GraphQLSchema, fields: set[tuple[str, str]], names: set[str]
) -> set[tuple[str, str]]:
    """An interface's selected field, selected on each of its kept implementations."""
    found: set[tuple[str, str]] = set()
    for type_name, field_name in fields:
        t = schema.get_type(type_name)
        if not isinstance(t, GraphQLInterfaceType):
            continue
        for name in names:
            obj = schema.get_type(name)
            if isinstance(obj, GraphQLObjectType) and t in obj.interfaces:
                found.add((name, field_name))
    return found


def _kept_types(schema: GraphQLSchema, fields: set[tuple[str, str]], names: set[str]) -> set[str]:
    """The types to keep: those named, those the kept fields return or take as arguments,
    and every type an input type kept takes (input types are kept whole)."""
    keep: set[str] = set()

    def add(t: GraphQLNamedType) -> None:
        if t.name in keep or is_introspection_type(t):
            return
        keep.add(t.name)
        if isinstance(t, GraphQLInputObjectType):
            for f in t.fields.values():
                add(get_named_type(f.type))

    for name in sorted(names):
        add(schema.get_type(name))  # type: ignore[arg-type]
    for type_name, field_name in sorted(fields):
        f = schema.get_type(type_name).fields[field_name]  # type: ignore[union-attr]
        add(get_named_type(f.type))
        for arg in f.args.values():
            add(get_named_type(arg.type))
    return keep


class _Copy:
    """New types for the kept ones, with only the kept fields. Types refer to each other,
    so fields, interfaces and members are thunks, read once every type is made."""

    def __init__(self, fields: set[tuple[str, str]], keep: set[str]) -> None:
        self.fields = fields
        self.keep = keep
        self.new: dict[str, GraphQLNamedType] = {}

    def schema(self, schema: GraphQLSchema) -> GraphQLSchema:
        """The schema of the kept types, sorted by name."""
        for name in sorted(self.keep):
            self.new[name] = self.named(schema.get_type(name))  # type: ignore[arg-type]
        return GraphQLSchema(
            query=self.new["Query"],  # type: ignore[arg-type]
            types=[self.new[n] for n in sorted(self.new)],
            directives=[],
        )

    def named(self, t: GraphQLNamedType) -> GraphQLNamedType:
        """The new type of ``t``: its kept fields, and its interfaces or members kept."""
        name = t.name
        if isinstance(t, GraphQLScalarType):
            return specified_scalar_types.get(name) or GraphQLScalarType(name)
        if isinstance(t, GraphQLEnumType):
            values = {
                k: GraphQLEnumValue(k, deprecation_reason=v.deprecation_reason)
                for k, v in sorted(t.values.items())
            }
            return GraphQLEnumType(name, values)
        if isinstance(t, GraphQLInputObjectType):
            return GraphQLInputObjectType(name, functools.partial(self.in_fields, t))
        if isinstance(t, GraphQLObjectType):
            interfaces = [i.name for i in t.interfaces]
            return GraphQLObjectType(
                name, self.out_fields(t), interfaces=functools.partial(self.kept, interfaces)
            )
        if isinstance(t, GraphQLInterfaceType):
            return GraphQLInterfaceType(name, self.out_fields(t))
        if isinstance(t, GraphQLUnionType):
            return GraphQLUnionType(name, functools.partial(self.kept, [m.name for m in t.types]))
        raise TypeError(f"{name}: a kind of type the schema does not have")

    def kept(self, names: list[str]) -> list[Any]:
        """The new types of those ``names`` that are kept."""
        return [self.new[n] for n in names if n in self.keep]

    def wrap(self, t: Any) -> Any:
        """``t`` with its named type replaced by the new one."""
        if isinstance(t, GraphQLNonNull):
            return GraphQLNonNull(self.wrap(t.of_type))
        if isinstance(t, GraphQLList):
            return GraphQLList(self.wrap(t.of_type))
        return self.new[t.name]

    def out_fields(self, t: GraphQLObjectType | GraphQLInterfaceType) -> Any:
        """A thunk of the kept fields of an object or interface type, with all their
        arguments."""
        return lambda: {
            name: GraphQLField(
                self.wrap(f.type),
                {
                    a: GraphQLArgument(self.wrap(arg.type), default_value=arg.default_value)
                    for a, arg in sorted(f.args.items())
                },
                deprecation_reason=f.deprecation_reason,
            )
            for name, f in sorted(t.fields.items())
            if (t.name, name) in self.fields
        }

    def in_fields(self, t: GraphQLInputObjectType) -> dict[str, GraphQLInputField]:
        """Every field of an input type."""
        return {
            k: GraphQLInputField(self.wrap(f.type), default_value=f.default_value)
            for k, f in sorted(t.fields.items())
        }


def main(argv: list[str] | None = None) -> int:
    """Write the trimmed SDL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="node_modules/@octokit/graphql-schema")
    default = Path(__file__).parent / "schema.graphql"
    parser.add_argument("out", nargs="?", type=Path, default=default)
    args = parser.parse_args(argv)
    data = json.loads((args.package / "schema.json").read_text(encoding="utf-8"))
    version = json.loads((args.package / "package.json").read_text(encoding="utf-8"))["version"]
    schema = trim(build_client_schema(data.get("data", data)))
    header = (
        f"# GitHub's public GraphQL schema, trimmed: @octokit/graphql-schema {version}.\n"
        "# Regenerate with extract.py beside this file (see README.md); do not edit by hand.\n\n"
    )
    args.out.write_text(header + print_schema(schema) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
