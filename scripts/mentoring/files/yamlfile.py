"""Safe YAML loading for the files maintainers and contributors edit, with line numbers.

Every file a person writes (the config, the issue forms, ``participants.yml``) is read
through :func:`load`, which refuses what could surprise or hurt a reader: files over a
size limit, tags (``!!python/object`` and friends), anchors and aliases (the "billion
laughs"), merge keys (``<<:``), duplicate keys. It returns plain Python data plus a map
from each value's path to its line, so validation errors can point at the exact line.
"""

from __future__ import annotations

import codecs
import copy
import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1_000_000
# PyYAML's scanner slows down with each level of nesting (50,000 levels of `[` take half
# a minute, within the size limit), so deeper files are refused before they are scanned.
MAX_NESTING = 20
_DASHES = re.compile(rf"(?:[ \t]*+-[ \t]++){{{MAX_NESTING + 1}}}")

# libyaml's parser when PyYAML has it (its wheels do): the same safe rules, ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The tags the safe resolver gives plain scalars and collections. Anything else was
# written explicitly by the author of the file.
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}

# What the resolver makes of a plain ``<<``: a merge key, which the safe constructor
# cannot build on its own (and which would hide where each merged key was written).
_MERGE_TAG = "tag:yaml.org,2002:merge"

Path = tuple[str | int, ...]


class YamlFileError(Exception):
    """A problem in a YAML file a person edits: which file, which line, what to do."""

    def __init__(self, file: str, line: int | None, problem: str, fix: str = "") -> None:
        self.file = file
        self.line = line
        self.problem = problem
        self.fix = fix
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {problem}" + (f" {fix}" if fix else ""))


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data and the 1-based line of every mapping key and sequence item."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def error(self, path: Path, problem: str, fix: str = "") -> YamlFileError:
        """An error located at ``path`` in this file."""
        return YamlFileError(self.file, self.line(path), problem, fix)


def load(text: str | bytes, file: str, *, max_bytes: int = MAX_BYTES) -> YamlDocument:
    """Parse ``text`` (the contents of ``file``) safely; raise YamlFileError on any problem."""
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > CACHE_MAX_BYTES:
        return _parse(raw, file, max_bytes)
    doc = _cached(raw, file, max_bytes)
    # A copy: the cached document is shared by every caller that reads the same text.
    return YamlDocument(doc.file, copy.deepcopy(doc.data), dict(doc.lines))


# Keyed by the text itself, not the path: a process that runs many times over (the
# simulator, the tests) reads the same config, forms and participants.yml again and
# again, and a changed file is parsed afresh. Only small files (all of those are), so the
# cache stays small and a large file, hostile or not, is always parsed. Errors are not
# cached.
CACHE_MAX_BYTES = 16 * 1024


@functools.lru_cache(maxsize=32)
def _cached(raw: bytes, file: str, max_bytes: int) -> YamlDocument:
    return _parse(raw, file, max_bytes)


def _parse(raw: bytes, file: str, max_bytes: int) -> YamlDocument:
    if len(raw) > max_bytes:
        raise YamlFileError(
            file,
            None,
            f"the file is {len(raw):,} bytes, over the limit of {max_bytes:,}.",
            "Keep it to plain entries; nothing here needs a file that large.",
        )
    body = raw.removeprefix(codecs.BOM_UTF8)  # some editors start a UTF-8 file with one
    try:
        source = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = body[: exc.start].count(b"\n") + 1
        raise YamlFileError(
            file,
            at,
            f"the file is not UTF-8 text: line {at} has the byte 0x{body[exc.start]:02X},"
            " which UTF-8 does not allow there.",
            "Save the file as UTF-8 (most editors offer it under *Save as* or *Encoding*).",
        ) from exc
    source = source.replace("\r\n", "\n")
    deep = _too_deep_line(source)
    if deep is not None:
        raise YamlFileError(
            file,
            deep,
            f"values are nested more than {MAX_NESTING} levels deep here.",
            "Nothing in this file needs that many levels; check the indentation and brackets.",
        )
    try:
        _refuse_tokens(source, file)
        node = yaml.compose(source, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlFileError(
            file,
            line,
            f"this is not valid YAML ({problem}).",
            "Check the indentation and quoting on this line and the one before it;"
            " text containing ': ' or starting with '@', '*' or '&' needs quotes.",
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlFileError(file, None, f"this is not valid YAML ({exc}).") from exc
    lines: dict[Path, int] = {}
    if node is None:
        return YamlDocument(file, None, {(): 1})
    try:
        data = _construct(node, (), lines, file)
    except RecursionError as exc:
        raise YamlFileError(file, 1, "the file is nested far too deeply to read.") from exc
    return YamlDocument(file, data, lines)


def _too_deep_line(source: str) -> int | None:
    """First line nested past MAX_NESTING by brackets or ``- - -`` (quotes not parsed)."""
    depth = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        if _DASHES.match(line):
            return number
        for char in line:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number
            elif char in "]}":
                depth = max(depth - 1, 0)
    return None


def _refuse_tokens(source: str, file: str) -> None:
    """Refuse merge keys, anchors and aliases, and tags, before anything is built.

    A merge key is reported first wherever it is: writing its keys out in full is the
    fix for the anchor and alias that usually come with it.
    """
    refused: YamlFileError | None = None
    previous: yaml.Token | None = None
    try:
        for token in yaml.scan(source, Loader=_LOADER):
            if isinstance(previous, yaml.KeyToken) and _is_merge(token):
                raise _merge_key(file, token.start_mark.line + 1)
            if refused is None:
                refused = _refused_token(token, file)
            previous = token
    except yaml.YAMLError:
        if refused is not None:
            raise refused from None  # the earlier problem, as when the scan stopped there
        raise
    if refused is not None:
        raise refused


def _is_merge(token: yaml.Token) -> bool:
    return isinstance(token, yaml.ScalarToken) and token.plain and token.value == "<<"


def _merge_key(file: str, line: int) -> YamlFileError:
    return YamlFileError(
        file,
        line,
        "YAML merge keys (<<:) are not accepted here.",
        "Write the keys out in full in this mapping instead of merging them in.",
    )


def _refused_token(token: yaml.Token, file: str) -> YamlFileError | None:
    if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
        return YamlFileError(
            file,
            token.start_mark.line + 1,
            "YAML anchors and aliases (& and *) are not accepted here.",
            "Write the value out in full.",
        )
    if isinstance(token, yaml.TagToken):
        return YamlFileError(
            file,
            token.start_mark.line + 1,
            "YAML tags (words starting with '!') are not accepted here.",
            "Remove the tag; if the value starts with '!', put it in quotes.",
        )
    return None


def _scalar(node: yaml.Node) -> Any:
    # A bare constructor: a whole SafeLoader (reader, scanner, parser) per value is slow.
    return yaml.constructor.SafeConstructor().construct_object(node)


def _construct(node: yaml.Node, path: Path, lines: dict[Path, int], file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if node.tag == _MERGE_TAG:
        raise YamlFileError(
            file,
            lines[path],
            "a bare << is YAML's merge key, not text.",
            "To mean the text <<, put it in quotes: '<<'.",
        )
    if node.tag not in _PLAIN_TAGS:
        raise YamlFileError(file, lines[path], f"the tag {node.tag!r} is not accepted here.")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # one the token scan cannot see, as in {<<}
                raise _merge_key(file, key_node.start_mark.line + 1)
            key = _scalar(key_node)
            if not isinstance(key, str | int | bool) or key is None:
                raise YamlFileError(
                    file,
                    key_node.start_mark.line + 1,
                    "a mapping key here is not plain text.",
                    "Use a simple word as the key.",
                )
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise YamlFileError(
                    file,
                    key_node.start_mark.line + 1,
                    f"the key {key!r} appears twice in the same mapping.",
                    "Keep one of them.",
                )
            result[key] = _construct(value_node, (*path, key), lines, file)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), lines, file) for i, item in enumerate(node.value)]
    try:
        return _scalar(node)
    except ValueError as exc:
        if node.tag == "tag:yaml.org,2002:timestamp":
            # 2026-02-30 looks like a date but is none: keep the text, so the file's own
            # validation reports it at its line with every other problem.
            return node.value
        problem = f"the value {node.value!r} cannot be read ({exc})."
        raise YamlFileError(file, lines[path], problem) from exc
