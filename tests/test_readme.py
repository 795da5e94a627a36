"""README.md and docs/dashboard.md tell what the demo prints: every line they quote is printed;
docs/rules.md quotes what the mention benchmark prints over it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from paths import ROOT_DIR
from played import DEMO, group, play
from simulator.cli import report
from simulator.simulation import load_scenario


def _quoted(page: Path, first_line: str) -> list[str]:
    """The lines of the one fenced block of `page` that starts with `first_line`, "..." left out."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    [quoted] = [b for b in blocks if b.startswith(first_line)]
    return [line for line in quoted.splitlines() if line != "..."]


@group("demo")
def test_every_line_the_quick_start_quotes_is_what_the_demo_prints() -> None:
    quoted = _quoted(ROOT_DIR / "README.md", "2026-01-05")  # the demo's story
    printed = set(report(play(DEMO).result).splitlines())
    assert [line for line in quoted if line not in printed] == []
    assert quoted[-1].endswith("0 runs with failures")  # the totals, quoted too


@group("demo")
def test_every_line_the_dashboard_page_quotes_is_what_the_demo_prints() -> None:
    # The job summary of the demo's last scheduled run, then the dashboard issue's text.
    quoted = _quoted(ROOT_DIR / "docs" / "dashboard.md", "## Mentorships (")
    printed = set(report(play(DEMO).result).splitlines())
    assert [line for line in quoted if line not in printed] == []
    assert "## The dashboard issue, as the coordinators see it" in quoted


@group("demo")
def test_the_mention_table_of_the_rules_page_is_what_the_benchmark_prints() -> None:
    sys.path.insert(0, str(ROOT_DIR / "benchmarks"))
    try:
        import bench_mentions
    finally:
        sys.path.remove(str(ROOT_DIR / "benchmarks"))
    played = play(DEMO)
    opened = [p["issue"]["number"] for name, p in played.payloads if name == "issues.opened"]
    cast = bench_mentions.cast_of(load_scenario(DEMO), opened, played.result)
    printed = bench_mentions.table(
        bench_mentions.mentions(played.result, cast), sum(cast.months.values())
    )
    quoted = _quoted(ROOT_DIR / "docs" / "rules.md", "the demo: ")
    assert quoted[1:] == printed
