"""mentoring.actions.step_summary: appended, never overwritten; nothing outside Actions."""

from __future__ import annotations

from pathlib import Path

from mentoring.actions import step_summary


def test_appends_to_the_file_actions_names(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("## An earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(path)}
    assert step_summary.append(env, "## Mentorships\n")
    assert step_summary.append(env, "| a | b |\n")
    assert path.read_text(encoding="utf-8") == "## An earlier step\n## Mentorships\n| a | b |\n"


def test_outside_actions_nothing_is_written(tmp_path: Path) -> None:
    assert not step_summary.append({}, "x")
    assert not step_summary.append({"GITHUB_STEP_SUMMARY": ""}, "x")
    assert list(tmp_path.iterdir()) == []
