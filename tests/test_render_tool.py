"""The dashboard's render tool (tools/render/, development only) installs what it was
measured with: every npm package pinned to one version, and the lock agreeing."""

from __future__ import annotations

import json

from paths import ROOT_DIR

TOOL = ROOT_DIR / "tools" / "render"


def test_the_render_tools_packages_are_pinned_and_locked() -> None:
    wanted = json.loads((TOOL / "package.json").read_text(encoding="utf-8"))["dependencies"]
    locked = json.loads((TOOL / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert wanted["mermaid"] == "11.3.0"  # the release GitHub was seen drawing with
    for name, version in wanted.items():
        assert version[0].isdigit(), f"{name} {version}: pin one version"
        assert locked[f"node_modules/{name}"]["version"] == version
