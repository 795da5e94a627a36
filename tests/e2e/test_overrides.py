"""A program's own templates, end to end: a run through the sandbox renders them in
place of the shipped ones, sandboxed, with the code's markers; setup checks them first;
and the values the docs list for each template are the ones the code passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mentoring.cli import reconcile, setup_repo
from mentoring.core.model import MARKER_RE
from mentoring.files.config import load_config
from mentoring.files.templates import VALUES
from paths import ROOT_DIR
from played import DEMO, group, play
from simulator.sandbox import Sandbox
from simulator.simulation import Result, Simulation
from tests.e2e.test_reconcile_links import _apply

WELCOME = ".github/mentoring/templates/welcome.md.j2"


def _simulate(files: dict[str, str]) -> Result:
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-01-06T00:00:00Z",
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin"},
        "files": files,
        "events": [_apply("2026-01-05T10:00:00Z", "ana")],
    }
    return Simulation(scenario, ROOT_DIR).run(reconcile.main)


def _comments(result: Result, kind: str) -> list[str]:
    return [a["body"] for a in result.actions if a.get("type") == "comment" and a["kind"] == kind]


def test_a_programs_template_replaces_the_shipped_one() -> None:
    text = "Welcome, {{ mentee | mention }}! Your coordinators: {{ coordinators | mentions }}."
    result = _simulate({WELCOME: text})
    assert _comments(result, "welcome") == [
        "Welcome, @ana! Your coordinators: @cora.\n\n<!-- mentoring:welcome -->"
    ]
    assert result.failed_runs == 0


def test_an_override_can_neither_forge_nor_drop_its_marker() -> None:
    result = _simulate({WELCOME: "Hello.\n<!-- mentoring:graduated -->\n<!--"})
    (body,) = _comments(result, "welcome")
    assert MARKER_RE.findall(body) == [("welcome", "")]
    assert body.endswith("\n\n<!-- mentoring:welcome -->")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "Hello.\n{{ ''.__class__.__mro__ }}",
            "access to attribute '__class__' of 'str' object is unsafe",
        ),
        ("Hello.\n{{ cycler.__init__.__globals__ }}", "unsafe"),
        ("Hello.\n{{ reviewer_notes }}", "'reviewer_notes' is undefined"),
    ],
    ids=["class", "globals", "undefined"],
)
def test_a_broken_override_fails_its_issue_with_file_and_line(
    capsys: pytest.CaptureFixture[str], text: str, why: str
) -> None:
    result = _simulate({WELCOME: text})
    assert _comments(result, "welcome") == []  # the issue's other work is held, not the run's
    assert result.failed_runs > 0
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert f"::error::#1 could not be planned: {WELCOME}, line 2: " in out
    assert why in out
    assert "Traceback" not in out


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """A program's checkout: the shipped config and forms."""
    shutil.copytree(ROOT_DIR / ".github", tmp_path / ".github")
    shutil.copy2(ROOT_DIR / "participants.yml", tmp_path / "participants.yml")
    return tmp_path


def test_setup_reports_a_broken_override_with_file_and_line(
    sandbox: Sandbox, program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = program / ".github" / "mentoring" / "templates"
    (own / "command").mkdir(parents=True)
    (own / "welcome.md.j2").write_text("Hi {{ mentee }},\n\n{{ mentee_name }}\n")
    (own / "waiting.md.j2").write_text("Still waiting.\n{% if mentors %}\n")
    (own / "command" / "help.md.j2").write_text("{{ author | mention }} {{ reply.__class__ }}\n")
    (own / "welcom.md.j2").write_text("A typo in the name.\n")
    (own / "paired.md.j2").write_text("{{ new_mentors | mentions }} meet {{ mentee | mention }}.")
    (own / "review.md.j2").write_text("Month {{ months }}.\n{{ program.nmae }}\n")
    (own / "unpaired.md.j2").write_text("{{ mentors.append('eve') }}")
    env = {
        "GITHUB_TOKEN": sandbox.token_for(sandbox.bot_login),
        "GITHUB_API_URL": sandbox.url,
        "GITHUB_REPOSITORY": f"{sandbox.owner}/{sandbox.repo}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    status = setup_repo.main(["--root", str(program)], env)
    out = capsys.readouterr().out
    assert status == 1
    base = ".github/mentoring/templates"
    for file, line, words in [
        ("welcome.md.j2", 3, "'mentee_name' is not a value of welcome.md.j2"),
        ("waiting.md.j2", 2, "Unexpected end of template"),
        ("command/help.md.j2", 1, "'__class__' is refused"),
    ]:
        assert f"::error file={base}/{file},line={line}::line {line}: {words}" in out
    assert f"::error file={base}/welcom.md.j2::no template is named welcom.md.j2" in out
    # Found only by rendering, with the values the shipped template gets:
    assert f"::error file={base}/review.md.j2,line=2::line 2: " in out
    assert "has no attribute 'nmae' when rendered" in out
    assert f"::error file={base}/unpaired.md.j2,line=1::line 1: " in out
    assert f"file={base}/paired.md.j2" not in out  # a good one among them passes


def test_setup_accepts_good_overrides(program: Path) -> None:
    own = program / ".github" / "mentoring" / "templates"
    own.mkdir(parents=True)
    (own / "welcome.md.j2").write_text("Welcome {{ mentee | mention }} to {{ program.name }}.")
    report = setup_repo.Report()
    setup_repo.check_templates(program, load_config(program), report)
    assert [status for status, *_ in report.items] == [setup_repo.OK]


@group("demo")
def test_the_values_listed_are_the_values_the_code_passes() -> None:
    # Every template the demo renders is given exactly the values listed for it; a
    # command reply is given those of its kind of reply, all of them listed.
    passed = play(DEMO).rendered
    assert len(passed) >= 10
    for template, names in passed.items():
        if template == "command.md.j2":
            assert names <= set(VALUES[template])
        else:
            assert names == set(VALUES[template]), template


def test_a_broken_dashboard_override_stops_the_run_with_its_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Not an issue's plan: the run's applications are done first, then it stops, named.
    result = _simulate({".github/mentoring/templates/dashboard/body.md.j2": "Board\n{{ nope }}"})
    assert len(_comments(result, "welcome")) == 1
    assert result.failed_runs > 0
    out = capsys.readouterr().out
    assert (
        "::error::This run stopped: .github/mentoring/templates/dashboard/body.md.j2, line 2:"
        " 'nope' is undefined" in out
    )
    assert "Traceback" not in out


def test_the_offline_dry_run_checks_the_overrides(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = program / ".github" / "mentoring" / "templates"
    own.mkdir(parents=True)
    (own / "welcome.md.j2").write_text("Hi {{ mentee }},\n{{ program.nmae }}\n")
    assert setup_repo.main(["--root", str(program), "--dry-run"], {}) == 1
    out = capsys.readouterr().out
    assert "::error file=.github/mentoring/templates/welcome.md.j2,line=2::line 2: " in out
    (own / "welcome.md.j2").write_text("Hi {{ mentee }}, welcome to {{ program.name }}.\n")
    assert setup_repo.main(["--root", str(program), "--dry-run"], {}) == 0
    assert "The program's own templates in .github/mentoring/templates/ are valid." in (
        capsys.readouterr().out
    )
