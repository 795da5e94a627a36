"""One version, said the same everywhere: pyproject.toml, every script's --version, the
changelog's newest release and the job summary."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from mentoring.cli.version import VERSION
from paths import ROOT_DIR

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def test_the_version_is_semantic_and_pyproject_says_it_too() -> None:
    assert SEMVER.match(VERSION)
    project = tomllib.loads((ROOT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == VERSION


def test_the_changelog_names_this_release() -> None:
    text = (ROOT_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, re.MULTILINE)
    assert releases, 'CHANGELOG.md names no release as "## [X.Y.Z] - date"'
    assert releases[0] == VERSION


@pytest.mark.parametrize(
    "script", ["reconcile.py", "setup_repo.py", "check_participants.py", "simulate.py"]
)
def test_every_script_answers_version(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT_DIR / "scripts" / script), "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT_DIR,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"{script} (mentoring automation) {VERSION}"
