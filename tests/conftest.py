"""Shared pytest fixtures: the sandbox GitHub is the one GitHub double."""

from collections.abc import Iterator

import pytest

from paths import TESTS_DIR
from simulator.sandbox import Sandbox

# Files with tests of seconds each in no group (tests/played.py): their tests are handed
# out first. pytest-xdist hands out tests in collection order, after the groups, and one
# of these last (collected late, by name) would keep one worker busy after the other is done.
FIRST = (
    "test_benchmarks.py",  # the benchmarks in processes of their own
    "simulator/test_transport.py",  # scenarios over loopback HTTP
    "gh/test_graphql.py",  # the executors compared over a scenario, 120 applications
    "files/test_hostile_input.py",  # linear time measured on large inputs
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of FIRST's files first, in their order; the rest as collected."""
    first = {TESTS_DIR / name: rank for rank, name in enumerate(FIRST)}
    items.sort(key=lambda item: first.get(item.path, len(FIRST)))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a test in two xdist groups: pytest-xdist joins their names into a third
    group, which puts the test on neither group's worker, and its played run is played
    once more."""
    # Read as pytest-xdist reads it: the name as the mark's argument or as name=.
    groups = {m.args[0] if m.args else m.kwargs["name"] for m in item.iter_markers("xdist_group")}
    if len(groups) > 1:
        pytest.fail(f"in two xdist groups {sorted(groups)}: keep one", pytrace=False)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox GitHub on a free loopback port, stopped after the test."""
    with Sandbox() as sb:
        yield sb
