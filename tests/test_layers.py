"""The import rule: cli → github, actions, files → core; the simulator beside the product.

A module may import its own layer and the layers below it; core touches no network, no
clock, no environment and no simulator. Read from the source with ``ast``, so a wrong
import fails here instead of in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PRODUCT = Path(__file__).resolve().parents[1] / "scripts" / "mentoring"
BELOW = {"core": set(), "files": {"core"}, "github": {"core"}, "actions": {"core"}}
BELOW["cli"] = {"core", "files", "github", "actions"}
OUTSIDE = {"github", "requests", "urllib3", "simulator"}  # PyGithub, HTTP, the sandbox
CLOCK = {"now", "utcnow", "today", "fromtimestamp"}  # datetime's and date's clocks
CORE_NEVER = {"os", "time"}  # the environment and the clock, imported at all


def problems(layer: str, source: str) -> list[str]:
    """What a module of ``layer`` with this source does against the rule."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "mentoring" and len(parts) > 1 and parts[1] in BELOW:
                if parts[1] != layer and parts[1] not in BELOW[layer]:
                    found.append(f"imports {name}")
            elif parts[0] in OUTSIDE and (layer != "github" or parts[0] == "simulator"):
                found.append(f"imports {name}")
            elif layer == "core" and parts[0] in CORE_NEVER:
                found.append(f"imports {name} (time and the environment are arguments)")
        if layer == "core" and _clock_call(node):
            found.append("reads the clock (time is an argument)")
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


def _modules() -> list[tuple[str, Path]]:
    return [(path.parent.name, path) for path in sorted(PRODUCT.glob("*/*.py"))]


@pytest.mark.parametrize(("layer", "path"), _modules(), ids=lambda v: getattr(v, "name", v))
def test_each_module_imports_only_downwards(layer: str, path: Path) -> None:
    assert layer in BELOW, f"{path} is in no layer: put it in one of {sorted(BELOW)}"
    assert problems(layer, path.read_text(encoding="utf-8")) == []


def test_only_packages_in_the_product() -> None:
    loose = [p.name for p in PRODUCT.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "every product module belongs to a layer's package"


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
        ("files", "from github import Github"),
    ],
)
def test_a_forbidden_import_is_caught(layer: str, source: str) -> None:
    assert problems(layer, source)


def test_what_the_rule_allows() -> None:
    assert problems("cli", "from mentoring.github.repository import Repo\nimport time") == []
    assert problems("github", "from github import Github\nfrom mentoring.core import model") == []
    assert problems("core", "from mentoring.core.model import Issue\nimport yaml") == []
    assert problems("core", "def f(facts):\n    return facts.now") == []  # time as an argument
