"""A pytest plugin for ``bench_timings.py``: when each worker ran tests, written as JSON.

Loaded with ``-p suite_timeline`` (``benchmarks/`` on ``PYTHONPATH``) and the file to write
in ``SUITE_TIMELINE``. In the controlling process (the workers send it their reports) it
keeps, for each worker (``gw0``... or ``main`` without pytest-xdist), the time its first
test began, the time its last one ended and the seconds its tests took, and writes them
with the session's start and end: the longest worker is the suite's critical path.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

_started: list[float] = []
_phases: list[tuple[str, float, float]] = []  # (worker, start, stop) of each test phase
_calls: dict[str, int] = {}  # tests run, by worker


@dataclass(frozen=True)
class Worker:
    name: str
    first: float  # seconds after the session began
    last: float
    busy: float  # seconds inside tests (setup, call and teardown)
    tests: int


def workers(
    started: float, phases: list[tuple[str, float, float]], calls: dict[str, int]
) -> list[Worker]:
    """Each worker's span and busy time, by name, from its test phases' start and stop."""
    names = sorted({name for name, _, _ in phases})
    spans = []
    for name in names:
        mine = [(a, b) for n, a, b in phases if n == name]
        spans.append(
            Worker(
                name,
                min(a for a, _ in mine) - started,
                max(b for _, b in mine) - started,
                sum(b - a for a, b in mine),
                calls.get(name, 0),
            )
        )
    return spans


def pytest_sessionstart(session: pytest.Session) -> None:
    _started.append(time.time())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    node = getattr(report, "node", None)  # set by pytest-xdist on a worker's report
    name = node.gateway.id if node is not None else "main"
    _phases.append((name, report.start, report.stop))
    if report.when == "call":
        _calls[name] = _calls.get(name, 0) + 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("SUITE_TIMELINE")
    if hasattr(session.config, "workerinput") or not out or not _phases:
        return  # a worker: its reports went to the controlling process
    started = _started[0]
    Path(out).write_text(
        json.dumps(
            {
                "session": time.time() - started,
                "workers": [asdict(w) for w in workers(started, _phases, _calls)],
            }
        ),
        encoding="utf-8",
    )
