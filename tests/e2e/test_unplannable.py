"""An issue the planner trips on (a bug, or text nobody foresaw) costs that issue alone:
the run still brings every other issue, the registrations and the summary up to date,
ends in failure and says which issue, end to end through the sandbox."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from mentoring.cli import planning, reconcile
from mentoring.core import registration
from mentoring.core.render import TEMPLATES, Renderer
from mentoring.files import forms as form_files
from paths import ROOT_DIR
from simulator.issue_forms import render_body
from simulator.simulation import Result, Simulation
from tests.e2e.test_reconcile_links import NO_SCHEDULE, REGISTER, _apply


def _simulate(events: list[dict[str, Any]], **more: Any) -> Result:
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-01-08T00:00:00Z",
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin"},
        "events": events,
        **more,
    }
    return Simulation(scenario, ROOT_DIR).run(reconcile.main)


def _register(at: str, by: str, capacity: str) -> dict[str, Any]:
    """A registration whose capacity answer is ``capacity``: the form's dropdown offers
    only 1 to 3, but its author can edit the body (or open the issue without the form)."""
    form = form_files.load_form(ROOT_DIR / ".github" / "ISSUE_TEMPLATE" / "mentor-registration.yml")
    body = render_body(form, REGISTER)
    assert "\n1\n" in body
    issue = {"title": "Mentor", "body": body.replace("\n1\n", f"\n{capacity}\n", 1)}
    return {"at": at, "by": by, "open_issue": {**issue, "labels": ["mentor-registration"]}}


def _welcomed(result: Result) -> list[int]:
    kinds = ("welcome", "registration-welcome")
    return sorted(a["issue"] for a in result.actions if a.get("kind") in kinds)


@pytest.mark.parametrize(
    ("capacity", "cells"),
    [("²", "– | –"), ("9" * 5000, "– | –"), ("٣", "– | –"), ("3", "3 | yes")],
    ids=["superscript two", "5,000 digits", "Arabic-Indic three", "three"],
)
def test_a_capacity_int_cannot_read_is_an_unknown_capacity(capacity: str, cells: str) -> None:
    # str.isdigit() is true of the first three; int() refuses the first two and would read
    # the Arabic-Indic three as 3. Each is no number a person wrote in the form: unknown.
    result = _simulate(
        [_register("2026-01-05T09:00:00Z", "bob", capacity), _apply("2026-01-05T10:00:00Z", "ana")],
        event_outages=NO_SCHEDULE,  # only the scheduled runs: the registration comes first
    )
    assert result.failed_runs == 0
    assert _welcomed(result) == [1, 2]
    assert f"| @bob | #1 | 0 | {cells} | Maintainer |" in result.schedule_summary


def test_one_issue_that_cannot_be_planned_leaves_the_others_done(
    monkeypatch, caplog, capsys
) -> None:
    planned = planning.plan

    def plan(snapshot, *args: Any, **kwargs: Any):
        if snapshot.issue.number == 1:
            raise KeyError("a bug")
        return planned(snapshot, *args, **kwargs)

    monkeypatch.setattr(planning, "plan", plan)
    result = _simulate(
        [_apply("2026-01-05T09:00:00Z", "ana"), _apply("2026-01-05T10:00:00Z", "cai")],
        event_outages=NO_SCHEDULE,
    )
    assert _welcomed(result) == [2]  # #1 unplanned, #2 welcomed once, in the first run
    assert result.failed_runs > 0
    assert "::error::#1 could not be planned (KeyError: a bug in the automation" in (
        capsys.readouterr().out
    )
    assert "Traceback" in caplog.text
    assert "a bug" in caplog.text


def test_a_registration_that_cannot_be_planned_leaves_the_rest_done(monkeypatch) -> None:
    def broken(*args: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr(planning, "plan_registration", broken)
    assert registration.plan_registration is not broken
    result = _simulate(
        [_register("2026-01-05T09:00:00Z", "bob", "2"), _apply("2026-01-05T10:00:00Z", "ana")],
        event_outages=NO_SCHEDULE,
    )
    assert _welcomed(result) == [2]
    assert result.failed_runs > 0


def test_a_broken_template_fails_the_issues_that_need_it_and_names_its_line(
    monkeypatch, tmp_path, capsys
) -> None:
    # As a maintainer's edit pushed straight to the default branch could leave it.
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    broken = tmp_path / "templates" / "registration-welcome.md.j2"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n{{ reviewer_notes }}\n")
    line = broken.read_text(encoding="utf-8").count("\n")
    monkeypatch.setattr(reconcile, "program_renderer", lambda _: Renderer(tmp_path / "templates"))
    result = _simulate(
        [_register("2026-01-05T09:00:00Z", "bob", "2"), _apply("2026-01-05T10:00:00Z", "ana")],
        event_outages=NO_SCHEDULE,
    )
    assert _welcomed(result) == [2]  # the application is welcomed all the same
    assert result.failed_runs > 0
    out = capsys.readouterr().out
    assert (
        f"::error::#1 could not be planned: templates/registration-welcome.md.j2, line {line}:"
        " 'reviewer_notes' is undefined. Fix the template" in out
    )
