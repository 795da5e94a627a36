"""Scenario files played once per test process, for every test that reads the same run.

A scenario file run with the same options gives the same transcript every time (the
simulator is deterministic: tests/simulator and the golden transcripts hold it to that),
so the demo, say, need not be played again by each test that looks at it. Tests that
share a run are put on one pytest-xdist worker with ``group(name)`` (the suite runs with
``--dist loadgroup``), or each worker would play it once more.

A played run is shared: read it, never change it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.core import render
from paths import ROOT_DIR, TESTS_DIR
from simulator.simulation import Result, Simulation, load_scenario

DEMO = ROOT_DIR / "scripts" / "scenarios" / "demo.yml"
SCENARIOS = TESTS_DIR / "scenarios"


@dataclass(frozen=True)
class Played:
    result: Result
    payloads: list[tuple[str, dict[str, Any]]]  # every run's (event name, webhook payload)
    rendered: dict[str, frozenset[str]]  # each template rendered: the names it was given


def play(
    path: Path,
    *,
    read: str = "graphql",
    transport: str = "in-process",
    faults: float = 0.0,
    seed: int = 0,
    keep_http_log: bool = False,
) -> Played:
    """The scenario file at ``path`` played through the sandbox with the checkout's
    config and the real reconcile.py, once per process for the same options."""
    return _play(path.resolve(), read, transport, faults, seed, keep_http_log)


@functools.cache  # positional: play(p) and play(p, read="graphql") are one run
def _play(
    path: Path, read: str, transport: str, faults: float, seed: int, keep_http_log: bool
) -> Played:
    simulation = Simulation(
        load_scenario(path),
        ROOT_DIR,
        read=read,
        transport=transport,
        faults=faults,
        seed=seed,
        keep_http_log=keep_http_log,
    )
    with _recording_renders() as rendered:
        result = simulation.run(reconcile.main)
    return Played(result, simulation.payloads, {t: frozenset(n) for t, n in rendered.items()})


@contextmanager
def _recording_renders() -> Iterator[dict[str, set[str]]]:
    """Note, while a scenario plays, each template rendered and the names passed to it."""
    rendered: dict[str, set[str]] = {}
    page = render.Renderer.page

    def recording(self: render.Renderer, template: str, *marked: Any, **context: Any) -> str:
        rendered.setdefault(template, set()).update(context)
        return page(self, template, *marked, **context)

    render.Renderer.page = recording  # type: ignore[method-assign]
    try:
        yield rendered
    finally:
        render.Renderer.page = page  # type: ignore[method-assign]


def scenario(name: str) -> Path:
    """A scenario file of tests/scenarios/, by name (``lifecycle.yml``)."""
    return SCENARIOS / name


# The read paths a test of a long play (seconds over REST) runs over: GraphQL, the default
# read path, in the quick suite; REST as well with the long matrices (``-m slow``, CI). The
# short scenarios hold REST to GraphQL's decisions in the quick suite (tests/gh).
LONG_PLAY_READS = [pytest.param("graphql"), pytest.param("rest", marks=pytest.mark.slow)]


def group(name: str) -> pytest.MarkDecorator:
    """Keep the tests that share a played run on one worker."""
    return pytest.mark.xdist_group(name)
