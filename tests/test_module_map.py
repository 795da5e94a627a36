"""The module map in docs/architecture.md lists every module, and only modules that exist.

Each layer's folder (docs/architecture.md, "Layers") has a ``### `folder` `` heading in
"Module map" with a table of its modules, one line each. A failure says which line to
add or remove, under which heading. The arrows between layers are tests/test_layers.py's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from paths import ROOT_DIR
from test_layers import DOC, LAYERS, cells, code, layer_of, modules, relative, section

_HEADING = re.compile(r"### `([^`]+)`")


def read_map(text: str) -> dict[str, dict[str, str]]:
    """The module map: folder → {module path below it: what it is for}."""
    found: dict[str, dict[str, str]] = {}
    folder = None
    for line in section(text, "Module map"):
        if heading := _HEADING.fullmatch(line.strip()):
            folder = heading[1]
            found[folder] = {}
        elif line.startswith("| `") and folder is not None:
            name, purpose = cells(line)
            found[folder][code(name)] = purpose
    return found


def listed(text: str) -> dict[str, str]:
    """Every module the map lists, by path relative to the repository."""
    return {
        folder + name: purpose
        for folder, names in read_map(text).items()
        for name, purpose in names.items()
    }


def purpose_of(path: Path) -> str:
    """A first draft of a module's line: its docstring's first line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = doc.strip().splitlines()[0] if doc.strip() else "WHAT IT IS FOR"
    return first.rstrip(".").replace("|", "\\|")


def where(path: str) -> tuple[str, str]:
    """The heading a module belongs under (its layer's folder) and its name below it."""
    layer = layer_of(path)
    assert layer is not None, f"{path} is in no layer (tests/test_layers.py says where)"
    folder = LAYERS[layer].folder
    return folder, path.removeprefix(folder)


def test_every_module_is_in_the_map() -> None:
    mapped = listed(DOC.read_text(encoding="utf-8"))
    missing = [path for path in map(relative, modules()) if path not in mapped]
    lines = []
    for path in missing:
        folder, name = where(path)
        lines.append(
            f"{path}: add under ### `{folder}`, in its table, the line\n"
            f"| `{name}` | {purpose_of(ROOT_DIR / path)} |"
        )
    assert not lines, "docs/architecture.md's module map lacks modules:\n" + "\n".join(lines)


def test_every_module_in_the_map_exists() -> None:
    mapped = listed(DOC.read_text(encoding="utf-8"))
    existing = set(map(relative, modules()))
    gone = [
        f"{path}: remove the line | `{where(path)[1]}` | ... | under ### `{where(path)[0]}`"
        for path in mapped
        if path not in existing
    ]
    assert not gone, "docs/architecture.md's module map lists modules that are gone:\n" + (
        "\n".join(gone)
    )


def test_each_module_is_under_its_layers_heading() -> None:
    found = read_map(DOC.read_text(encoding="utf-8"))
    assert set(found) == {layer.folder for layer in LAYERS.values()}, (
        "the module map has one ### `folder` heading per layer of the Layers table"
    )
    for folder, names in found.items():
        for name, purpose in names.items():
            assert where(folder + name)[0] == folder, f"{folder}{name}: not its layer's heading"
            assert purpose, f"{folder}{name}: say in a few words what it is for"


def test_the_map_parser() -> None:
    text = (
        "## Module map\n\nIntro `x.py`.\n\n### `a/`\n\n| module | what it is for |\n"
        "| --- | --- |\n| `one.py` | The first |\n| `sub/two.py` | A `code` \\| pipe |\n"
        "\n### `b/`\n\n| `three.py` | Third |\n\n## Next\n\n| `four.py` | no |\n"
    )
    assert read_map(text) == {
        "a/": {"one.py": "The first", "sub/two.py": "A `code` \\| pipe"},
        "b/": {"three.py": "Third"},
    }
    assert set(listed(text)) == {"a/one.py", "a/sub/two.py", "b/three.py"}
