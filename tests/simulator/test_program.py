"""simulate.py --program: scenarios played against a program repository's own files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from paths import ROOT_DIR
from played import DEMO, group, play, scenario
from simulator import cli as simulate

EXAMPLE = ROOT_DIR / "examples" / "program"

# What examples/program/ marks for an adopter to change, and the reference program's value.
PLACEHOLDERS = (
    ("https://example.org/YOUR-PROGRAM/", "https://astropy-mentoring.readthedocs.io/en/latest/"),
    (
        "[YOUR-PROJECT Code of Conduct](https://example.org/YOUR-PROJECT/code_of_conduct.html)",
        "[Astropy Community Code of Conduct](https://www.astropy.org/code_of_conduct.html)",
    ),
    ("YOUR-PROJECT mentoring program", "Astropy mentoring program"),
)


def _played(tmp_path: Path, path: Path, *program: str) -> str:
    out = tmp_path / f"transcript{len(program)}.json"
    assert simulate.main(["--quiet", "--transcript", str(out), str(path), *program]) == 0
    return out.read_text(encoding="utf-8")


# The quick suite plays the example program over the adoption scenario (a program that
# switches the bot on, and every placeholder in what it posts); `-m slow` (CI) over the
# whole demo too. Each beside the reference's play of the same file, on one worker.
AGAINST = [
    pytest.param(scenario("adoption.yml"), marks=group("adoption"), id="adoption"),
    pytest.param(DEMO, marks=[group("demo"), pytest.mark.slow], id="demo"),
]


@pytest.mark.parametrize("path", AGAINST)
def test_the_example_program_plays_as_the_reference_but_for_its_placeholders(
    tmp_path: Path, path: Path
) -> None:
    assert not (EXAMPLE / "scripts").exists()  # the engine is this checkout's
    played = _played(tmp_path, path, "--program", str(EXAMPLE))
    for placeholder, ours in PLACEHOLDERS:
        assert json.dumps(placeholder)[1:-1] in played
        played = played.replace(json.dumps(placeholder)[1:-1], json.dumps(ours)[1:-1])
    reference = json.loads(json.dumps(play(path).result.transcript()))  # as simulate.py writes it
    assert "YOUR-" not in played
    assert json.loads(played) == reference


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """A copy of examples/program/ to break."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "program"))


def test_a_config_error_stops_the_simulation_once_naming_the_programs_line(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = program / ".github" / "mentoring.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("participants:"))
    lines[at] = "participants: 7"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert simulate.main(["--quiet", "--program", str(program)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("error:") == 1
    assert f"{config.as_posix()}:{at + 1}: " in captured.err
    assert "::error" not in captured.out  # no run started


def test_a_program_whose_workflows_never_run_the_action_is_refused(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for workflow in (program / ".github" / "workflows").glob("*.yml"):
        workflow.unlink()
    assert simulate.main(["--quiet", "--program", str(program)]) == 2
    assert "runs the action with `command: reconcile`" in capsys.readouterr().err


def test_help_says_how_the_demo_meets_a_program(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        simulate.main(["--help"])
    out = capsys.readouterr().out
    assert "--program DIR" in out
    assert "config:` overlay still applies on top of DIR's config" in out


def test_a_program_pinning_the_published_repository_by_its_real_name_plays(
    program: Path, tmp_path: Path
) -> None:
    # README's "Adopt it" has adopters replace OWNER/REPOSITORY with the published name
    # before they rehearse: the simulator must still find the action's step.
    for workflow in (program / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text(encoding="utf-8")
        workflow.write_text(
            text.replace("OWNER/REPOSITORY@", "astropy/mentoring-automation@"), encoding="utf-8"
        )
    out = tmp_path / "renamed.json"
    short = str(scenario("short.yml"))  # any scenario: what matters is that the action is found
    args = ["--quiet", "--transcript", str(out), short, "--program", str(program)]
    assert simulate.main(args) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["actions"]
