"""The outcomes report as files: Markdown with Mermaid charts for people, JSON and CSV
for spreadsheets. The words are in ``templates/report/body.md.j2``."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from mentoring.core.render import Renderer
from mentoring.core.report import QuarterFigures, Report

FORMATS = ("md", "json", "csv")
TEMPLATE = "report/body.md.j2"
COLUMNS = tuple(f.name for f in dataclasses.fields(QuarterFigures))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_json(report: Report) -> str:
    """The whole report as JSON: every figure, the activity and the cost."""
    return json.dumps(_plain(dataclasses.asdict(report)), indent=2) + "\n"


def as_csv(report: Report) -> str:
    """One row a quarter, a column a figure (empty where there is none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for q in report.quarters:
        row = dataclasses.asdict(q)
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
    return out.getvalue()


def _axis(quarters: Sequence[QuarterFigures]) -> str:
    return "[" + ", ".join(f'"{q.quarter}"' for q in quarters) + "]"


def _top(*series: Sequence[int]) -> int:
    return max([1, *(v for s in series for v in s)])


def chart(title: str, quarters: Sequence[QuarterFigures], bars: list[int], line: list[int]) -> str:
    """A Mermaid ``xychart-beta`` of two series over the quarters: bars and a line (it
    has no legend, so ``title`` names both)."""
    top = _top(bars, line)
    return "\n".join(
        [
            "xychart-beta",
            f'    title "{title}"',
            f"    x-axis {_axis(quarters)}",
            f'    y-axis "Mentorships" 0 --> {top}',
            f"    bar [{', '.join(map(str, bars))}]",
            f"    line [{', '.join(map(str, line))}]",
        ]
    )


def charts(report: Report) -> list[str]:
    """The report's two charts: what came in, and what ran and came out."""
    qs = report.quarters
    if not qs:
        return []
    return [
        chart(
            "Applications (bars) and pairings (line) per quarter",
            qs,
            [q.applications for q in qs],
            [q.pairings for q in qs],
        ),
        chart(
            "Active or paused at each quarter's end (bars) and graduations (line)",
            qs,
            [q.active + q.paused for q in qs],
            [q.graduations for q in qs],
        ),
    ]


def as_markdown(report: Report, renderer: Renderer) -> str:
    """The report for people: the figures, the charts, what was read."""
    return renderer.page(TEMPLATE, "report", report=report, charts=charts(report)) + "\n"
