"""Ceilings that keep the code readable: no function in ``scripts/`` over 60 lines.

ruff has no rule for a function's length, so this reads the source with ``ast``. Its
complexity (C901, at most 12) and argument-count (PLR0913, at most 6) rules are on in
pyproject.toml; this test also checks that they stay on, so the three hold together.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from paths import ROOT_DIR

LIMIT = 60  # lines, from ``def`` to the function's last line, decorators aside
SCRIPTS = ROOT_DIR / "scripts"


def long_functions(source: str, limit: int = LIMIT) -> Iterator[tuple[str, int, int]]:
    """(name, first line, length) of each function in ``source`` longer than ``limit``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                yield node.name, node.lineno, length


def test_no_function_in_scripts_is_over_60_lines() -> None:
    found = [
        f"{path.relative_to(ROOT_DIR)}:{line} {name} is {length} lines"
        for path in sorted(SCRIPTS.rglob("*.py"))
        for name, line, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        f"Functions over {LIMIT} lines (split them into steps with names that say what"
        " they do):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n" + "    x = 1\n" * 59, []),  # 60 lines in all: at the limit
        ("def f():\n" + "    x = 1\n" * 60, [("f", 1, 61)]),
        ("class C:\n    async def g(self):\n" + "        pass\n" * 61, [("g", 2, 62)]),
        (
            "def outer():\n    def inner():\n" + "        pass\n" * 70,
            [("outer", 1, 72), ("inner", 2, 71)],
        ),
    ],
)
def test_the_length_rule_counts_from_def_to_the_last_line(source: str, expected: list) -> None:
    assert list(long_functions(source)) == expected


def test_ruff_keeps_complexity_and_argument_count_rules_on() -> None:
    lint = tomllib.loads((ROOT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"][
        "lint"
    ]
    assert {"C901", "PLR0913"} <= set(lint["select"])
    assert lint["mccabe"]["max-complexity"] == 12
    assert lint["pylint"]["max-args"] == 6
    # Tests may take many fixtures; nothing else is exempt.
    exempt = {
        pattern
        for pattern, rules in lint.get("per-file-ignores", {}).items()
        if {"C901", "PLR0913"} & set(rules)
    }
    assert exempt <= {"tests/**", "benchmarks/**"}
    assert Path(ROOT_DIR / "scripts").is_dir()
