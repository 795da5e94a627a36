"""Shared pytest fixtures: the sandbox GitHub is the one GitHub double."""

from collections.abc import Iterator

import pytest

from simulator.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox GitHub on a free loopback port, stopped after the test."""
    with Sandbox() as sb:
        yield sb
