"""README.md tells what the demo prints: every line its quick start quotes is printed."""

from __future__ import annotations

import re

from paths import ROOT_DIR
from played import DEMO, group, play
from simulator.cli import report


@group("demo")
def test_every_line_the_quick_start_quotes_is_what_the_demo_prints() -> None:
    readme = (ROOT_DIR / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", readme, re.DOTALL)
    [quoted] = [b for b in blocks if b.startswith("2026-01-05")]  # the demo's story
    printed = set(report(play(DEMO).result).splitlines())
    missing = [line for line in quoted.splitlines() if line != "..." and line not in printed]
    assert missing == []
    assert quoted.splitlines()[-1].endswith("0 runs with failures")  # the totals, quoted too
