"""The runtime lock: requirements.txt pins, with hashes, every package requirements.in
needs (tests/test_workflows.py checks that the workflows install it)."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from paths import ROOT_DIR

TOP_LEVEL = ROOT_DIR / "requirements.in"
LOCK = ROOT_DIR / "requirements.txt"
DEV = ROOT_DIR / "requirements-dev.txt"

LOCKED_LINE = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def logical_lines(path: Path) -> list[str]:
    """A requirements file's lines as pip reads them: comments out, continuations joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def locked() -> dict[str, tuple[str, list[str]]]:
    """{canonical name: (version, hashes)} from the lock; fails on any other kind of line."""
    pins: dict[str, tuple[str, list[str]]] = {}
    for line in logical_lines(LOCK):
        requirement, *options = line.split()
        match = LOCKED_LINE.fullmatch(requirement)
        assert match, f"requirements.txt: not a name==version pin: {line}"
        assert options, f"requirements.txt: {requirement} has no hashes"
        bad = [option for option in options if not HASH.fullmatch(option)]
        assert bad == [], f"requirements.txt: {requirement} has other options than sha256 hashes"
        name = canonicalize_name(match["name"])
        assert name not in pins, f"requirements.txt: {name} twice"
        pins[name] = (match["version"], options)
    return pins


def top_level() -> dict[str, Requirement]:
    requirements = [Requirement(line) for line in logical_lines(TOP_LEVEL)]
    return {canonicalize_name(r.name): r for r in requirements}


def test_the_top_level_requirements_are_exact_pins() -> None:
    for name, requirement in top_level().items():
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"requirements.in: pin {name} exactly"
        assert not requirement.marker, f"requirements.in: {name} needs no marker"


def test_every_locked_package_is_pinned_with_hashes() -> None:
    pins = locked()
    assert pins
    for name, (_, hashes) in pins.items():
        assert len(hashes) == len(set(hashes)), f"requirements.txt: {name} repeats a hash"


def test_the_lock_pins_the_top_level_versions() -> None:
    pins = locked()
    for name, requirement in top_level().items():
        assert name in pins, f"requirements.txt lacks {name}: regenerate it (docs/development.md)"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"requirements.txt pins {name} {pins[name][0]}, requirements.in says "
            f"{requirement.specifier}: regenerate the lock (docs/development.md, Dependencies)"
        )


def closure(roots: dict[str, Requirement]) -> set[str]:
    """Every package the installed distributions of `roots` require, on this Python,
    following extras (PyGithub needs pyjwt[crypto], which needs cryptography)."""
    environment = dict(default_environment())
    seen: set[tuple[str, str]] = set()
    todo = [(name, extra) for name, r in roots.items() for extra in ("", *sorted(r.extras))]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} is not installed: pip install -r requirements-dev.txt")
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(
                {**environment, "extra": extra}
            ):
                continue
            child = canonicalize_name(requirement.name)
            todo += [(child, e) for e in ("", *sorted(requirement.extras))]
    return {name for name, _ in seen}


def test_the_lock_holds_exactly_what_the_top_level_requirements_need() -> None:
    needed = closure(top_level())
    names = set(locked())
    assert needed - names == set(), (
        "missing from requirements.txt: regenerate it (docs/development.md)"
    )
    assert names - needed == set(), "requirements.txt pins packages nothing needs"


def test_the_lock_header_names_the_command_the_development_page_gives() -> None:
    header = LOCK.read_text(encoding="utf-8").split("\n#\n", 2)[1]
    (command,) = re.findall(r"^#\s+(pip-compile .*)$", header, re.MULTILINE)
    assert "--generate-hashes" in command.split()
    assert command.endswith(" requirements.in")
    assert command in (ROOT_DIR / "docs" / "development.md").read_text(encoding="utf-8")


def test_the_dev_requirements_take_the_top_level_file_not_the_lock() -> None:
    # pip turns hash-checking on for a whole install when one requirement has a hash,
    # and the test tools are pinned without: installing the lock with them fails.
    lines = logical_lines(DEV)
    assert "-r requirements.in" in lines
    assert not [line for line in lines if "requirements.txt" in line or "--hash" in line]
