"""The run's step summary: markdown appended to the file ``GITHUB_STEP_SUMMARY`` names."""

from __future__ import annotations

from collections.abc import Mapping


def append(env: Mapping[str, str], markdown: str) -> bool:
    """Add ``markdown`` to the step summary; False (nothing written) outside Actions."""
    path = env.get("GITHUB_STEP_SUMMARY", "")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as out:
        out.write(markdown)
    return True
