"""The import rule, with its arrows read from docs/architecture.md ("Layers").

A module may import its own layer and the layers its row names; the product never
imports the simulator; core touches no network, no clock and no environment. Read from
the source with ``ast``, so a wrong import fails here instead of in review. The doc's
table is the one list of arrows: change an arrow there, and this test holds the new one.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from paths import ROOT_DIR

DOC = ROOT_DIR / "docs" / "architecture.md"
PRODUCT = "scripts/mentoring/"  # the layers under it are the product
OUTSIDE = {"github", "requests", "urllib3"}  # PyGithub and HTTP: the github layer's alone
CLOCK = {"now", "utcnow", "today", "fromtimestamp"}  # datetime's and date's clocks
CORE_NEVER = {"os", "time"}  # the environment and the clock, imported at all
_CODE = re.compile(r"`([^`]+)`")
_PIPE = re.compile(r"(?<!\\)\|")
_EDGE = re.compile(r"^\s*(\w+)\s*-->\s*(\w+)\s*$")


@dataclass(frozen=True)
class Layer:
    """One row of the doc's layer table."""

    name: str
    folder: str  # relative to the repository, ending in "/"
    may_import: frozenset[str]


def section(text: str, title: str) -> list[str]:
    """The lines of the ``## title`` section of a Markdown text, up to the next ``## ``."""
    lines = text.splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row (``\\|`` is a pipe inside a cell)."""
    return [cell.strip() for cell in _PIPE.split(line.strip().removeprefix("|").removesuffix("|"))]


def code(cell: str) -> str:
    """The text of a table cell that is one code span, such as `core`."""
    match = _CODE.fullmatch(cell)
    assert match, f"docs/architecture.md: {cell!r} should be one `code span`"
    return match[1]


def read_layers(text: str) -> dict[str, Layer]:
    """The layer table of the doc's "Layers" section: layer, folder, what it may import."""
    found: dict[str, Layer] = {}
    for row in (ln for ln in section(text, "Layers") if ln.startswith("| `")):
        name, folder, may = cells(row)
        found[code(name)] = Layer(code(name), code(folder), frozenset(_CODE.findall(may)))
    return found


def drawn_arrows(text: str) -> set[tuple[str, str]]:
    """The ``a --> b`` edges of the Mermaid chart in the doc's "Layers" section."""
    return {(m[1], m[2]) for ln in section(text, "Layers") if (m := _EDGE.match(ln))}


LAYERS = read_layers(DOC.read_text(encoding="utf-8"))


def layer_of(relative: str) -> str | None:
    """The layer of a path relative to the repository: the longest layer folder it is in."""
    holding = [layer for layer in LAYERS.values() if relative.startswith(layer.folder)]
    return max(holding, key=lambda layer: len(layer.folder)).name if holding else None


def imported(source: str) -> list[str]:
    """The absolute module names a source imports (relative imports stay in their package)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def problems(layer: str, source: str) -> list[str]:
    """What a module of ``layer`` with this source does against the rule."""
    found = []
    product = LAYERS[layer].folder.startswith(PRODUCT)
    for name in imported(source):
        parts = name.split(".")
        target = layer_of("scripts/" + "/".join(parts) + "/")
        if target is not None:
            if target != layer and target not in LAYERS[layer].may_import:
                found.append(f"imports {name} (the layer {target}, which {layer} may not import)")
        elif product and parts[0] in OUTSIDE and layer != "github":
            found.append(f"imports {name} (only the github layer talks to GitHub)")
        elif layer == "core" and parts[0] in CORE_NEVER:
            found.append(f"imports {name} (time and the environment are arguments)")
    if layer == "core":
        clocks = [node for node in ast.walk(ast.parse(source)) if _clock_call(node)]
        found += ["reads the clock (time is an argument)" for _ in clocks]
    return found


def _clock_call(node: ast.AST) -> bool:
    """``datetime.now()``, ``dt.date.today()`` and the like: a clock method on a class."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK
        and isinstance(node.func.value, ast.Name | ast.Attribute)
        and (getattr(node.func.value, "id", None) or getattr(node.func.value, "attr", None))
        in {"datetime", "date"}
    )


def modules() -> list[Path]:
    """Every module of the product and the simulator, empty ``__init__.py`` files left out."""
    return [
        path
        for tree in ("scripts/mentoring", "scripts/simulator")
        for path in sorted((ROOT_DIR / tree).rglob("*.py"))
        if path.name != "__init__.py" or path.read_text(encoding="utf-8").strip()
    ]


def relative(path: Path) -> str:
    return path.relative_to(ROOT_DIR).as_posix()


@pytest.mark.parametrize("path", modules(), ids=relative)
def test_each_module_imports_only_along_the_arrows(path: Path) -> None:
    layer = layer_of(relative(path))
    assert layer is not None, (
        f"{relative(path)} is in no layer's folder: put it in one of"
        f" {sorted(layer.folder for layer in LAYERS.values())} (docs/architecture.md, Layers)"
    )
    assert problems(layer, path.read_text(encoding="utf-8")) == []


def test_only_packages_in_the_product() -> None:
    loose = [p.name for p in (ROOT_DIR / PRODUCT).glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "every product module belongs to a layer's package"


def test_the_layer_table_names_only_layers() -> None:
    assert {"core", "files", "github", "actions", "cli", "sandbox", "simulator"} <= set(LAYERS)
    for layer in LAYERS.values():
        assert layer.folder.endswith("/"), f"{layer.name}: a folder ends in /"
        assert (ROOT_DIR / layer.folder).is_dir(), f"{layer.name}: {layer.folder} is no folder"
        assert layer.may_import <= set(LAYERS), f"{layer.name} may import an unknown layer"
    assert LAYERS["core"].may_import == frozenset(), "core imports nothing of the project"
    product = {n for n, layer in LAYERS.items() if layer.folder.startswith(PRODUCT)}
    for name in product:
        assert LAYERS[name].may_import <= product, f"{name} may import the simulator"


def test_the_chart_draws_the_table() -> None:
    drawn = drawn_arrows(DOC.read_text(encoding="utf-8"))
    table = {(n, target) for n, layer in LAYERS.items() for target in layer.may_import}
    assert drawn == table, "docs/architecture.md: the Layers chart and table disagree"


def test_the_doc_parsers() -> None:
    text = (
        "## Layers\n\n| layer | folder | may import |\n| --- | --- | --- |\n"
        "| `a` | `x/a/` | nothing of the project |\n| `b` | `x/b/` | `a` |\n"
        "```mermaid\nflowchart LR\n    b --> a\n```\n## Next\n| `c` | `x/c/` | `a` |\n"
    )
    assert read_layers(text) == {
        "a": Layer("a", "x/a/", frozenset()),
        "b": Layer("b", "x/b/", frozenset({"a"})),
    }
    assert drawn_arrows(text) == {("b", "a")}


@pytest.mark.parametrize(
    ("layer", "source"),
    [
        ("core", "from mentoring.files.config import load_config"),
        ("core", "import github"),
        ("core", "import requests"),
        ("core", "from simulator.sandbox import Sandbox"),
        ("core", "from datetime import datetime\nx = datetime.now()"),
        ("core", "import os\nx = os.environ['GITHUB_TOKEN']"),
        ("core", "from os import environ"),
        ("core", "import time\nx = time.time()"),
        ("core", "import datetime as dt\nx = dt.date.today()"),
        ("files", "from mentoring.github.repository import Repo"),
        ("github", "from mentoring.cli.reconciler import reconcile"),
        ("github", "from mentoring.cli.applier import Applier"),
        ("actions", "from mentoring.files import config"),
        ("cli", "from simulator.simulation import Simulation"),
        ("cli", "import simulator.sandbox"),
        ("files", "from github import Github"),
        ("sandbox", "from mentoring.cli import reconcile"),
        ("sandbox", "from simulator.simulation import Simulation"),
        ("simulator", "from mentoring.github.repository import Repo"),
    ],
)
def test_a_forbidden_import_is_caught(layer: str, source: str) -> None:
    assert problems(layer, source)


def test_what_the_rule_allows() -> None:
    assert problems("cli", "from mentoring.github.repository import Repo\nimport time") == []
    assert problems("github", "from github import Github\nfrom mentoring.core import model") == []
    assert problems("core", "from mentoring.core.model import Issue\nimport yaml") == []
    assert problems("core", "def f(facts):\n    return facts.now") == []  # time as an argument
    assert problems("simulator", "from mentoring.cli import reconcile") == []
    assert problems("simulator", "from simulator.sandbox import Sandbox\nimport requests") == []
    assert problems("sandbox", "from github.Requester import Requester\nfrom .model import X") == []
