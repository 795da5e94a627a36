"""Fixtures of the end-to-end tests that drive runs one by one against the sandbox."""

import shutil
from pathlib import Path

import pytest

from paths import ROOT_DIR


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the files a run reads from its checkout."""
    for name in (".github", "templates"):
        shutil.copytree(ROOT_DIR / name, tmp_path / name)
    (tmp_path / "participants.yml").write_text("[]\n", encoding="utf-8")
    return tmp_path
