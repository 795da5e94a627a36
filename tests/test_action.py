"""action.yml, the composite action the program repositories pin: its inputs reach the
shell only through `env:`, it runs only the three commands, it installs its own lock from
its own directory, and its run step runs the script on the caller's checkout.

The steps' shell is run here as the runner runs it (bash -eo pipefail), with a stand-in
for the virtual environment's Python: a script that records its arguments, or this
Python, so the real script runs in a program repository with no install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mentoring.files import forms as form_files
from paths import ROOT_DIR
from simulator import issue_forms
from simulator.sandbox import Sandbox
from test_workflows import load_workflow, tool

ACTION_FILE = ROOT_DIR / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))
INPUTS: dict[str, dict[str, Any]] = ACTION["inputs"]
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
COMMANDS = {
    "reconcile": "reconcile.py",
    "check-participants": "check_participants.py",
    "setup": "setup_repo.py",
    "report": "report.py",
}
PROGRAM = ROOT_DIR / "examples" / "program"
# An env value is one expression: an input, or the Python setup-python installed.
ENV_VALUE = re.compile(r"\$\{\{ (inputs\.[\w-]+|steps\.python\.outputs\.python-path) \}\}")
LOCK_INSTALL = (
    '"${venv}/bin/python" -m pip install --require-hashes --no-deps'
    ' -r "${GITHUB_ACTION_PATH}/requirements.txt"'
)


def step(name: str) -> dict[str, Any]:
    (found,) = [s for s in STEPS if s.get("name") == name or s.get("id") == name]
    return found


CHECK = step("Check the inputs")
INSTALL = step("Install the runtime requirements")
RUN = step("Run ${{ inputs.command }}")


def run_step(
    spec: dict[str, Any], inputs: dict[str, str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """A composite `run:` step as the runner runs it: its env with the inputs filled in
    (an input not given has its default, as on Actions), bash -eo pipefail."""
    given = {name: spec.get("default", "") for name, spec in INPUTS.items()} | inputs
    filled = {
        key: given[ENV_VALUE.fullmatch(value)[1].removeprefix("inputs.")]  # type: ignore[index]
        for key, value in spec.get("env", {}).items()
    }
    # The runner's bare environment; PYTHONDONTWRITEBYTECODE passed on where it is set, so
    # the step's Python leaves no compiled files in the checkout, as the suite's own do not.
    kept = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONDONTWRITEBYTECODE")}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", spec["run"]],
        env={**kept, **env, **filled},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


# --- what the file says ------------------------------------------------------------------


def test_it_is_a_composite_action_that_requires_a_command() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert INPUTS["command"]["required"] is True
    assert "default" not in INPUTS["command"]


def test_inputs_reach_the_shell_only_through_env() -> None:
    """No expression inside `run:` (an input can hold typed text: it would be code there);
    each env value is one expression, of a declared input or setup-python's output."""
    for spec in STEPS:
        assert "${{" not in spec.get("run", ""), spec.get("name")
        for key, value in spec.get("env", {}).items():
            match = ENV_VALUE.fullmatch(value)
            assert match, f"{spec.get('name')}: {key}: {value}"
            if match[1].startswith("inputs."):
                assert match[1].removeprefix("inputs.") in INPUTS, value


def test_every_input_is_read() -> None:
    text = ACTION_FILE.read_text(encoding="utf-8")
    for name in INPUTS:
        assert f"${{{{ inputs.{name} }}}}" in text, name


def test_the_run_steps_use_bash() -> None:
    for spec in STEPS:
        if "run" in spec:
            assert spec["shell"] == "bash", spec.get("name")


def test_python_is_set_up_pinned_and_leaves_the_callers_alone() -> None:
    """The same pinned setup-python as the workflows; update-environment false, so the
    caller's later steps keep their own Python and PATH."""
    (setup,) = [s for s in STEPS if "uses" in s]
    pins = {
        s["uses"]
        for path in (ROOT_DIR / ".github" / "workflows").glob("*.yml")
        for job in load_workflow(path)["jobs"].values()
        for s in job.get("steps", [])
        if s.get("uses", "").startswith("actions/setup-python@")
    }
    assert pins == {setup["uses"]}
    assert setup["with"]["update-environment"] is False
    assert "cache" not in setup["with"]  # see the comment at the top of action.yml
    line = next(
        line
        for line in ACTION_FILE.read_text(encoding="utf-8").splitlines()
        if "actions/setup-python@" in line
    )
    assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line
    assert INSTALL["env"]["PYTHON"] == f"${{{{ steps.{setup['id']}.outputs.python-path }}}}"


def test_the_lock_is_installed_from_the_actions_own_directory() -> None:
    """The action's requirements.txt (never the caller's), with hashes, into a virtual
    environment in the job's temporary directory, which the run step uses."""
    lines = [line.strip() for line in INSTALL["run"].splitlines()]
    assert 'venv="${RUNNER_TEMP}/mentoring-venv"' in lines
    assert '"${PYTHON}" -m venv --clear "${venv}"' in lines
    assert LOCK_INSTALL in lines
    runs = '"${RUNNER_TEMP}/mentoring-venv/bin/python" "${GITHUB_ACTION_PATH}/scripts/'
    assert runs in RUN["run"]


def test_the_four_commands_are_the_four_scripts() -> None:
    """The input check lets exactly these through; the run step maps each to its script."""
    assert f"  {' | '.join(COMMANDS)}) ;;" in CHECK["run"]
    for command, script in COMMANDS.items():
        assert f"  {command}) script={script} ;;" in RUN["run"]
        assert (ROOT_DIR / "scripts" / script).is_file()


# --- the input check, run --------------------------------------------------------------


def check(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    return run_step(CHECK, inputs, {"RUNNER_OS": "Linux"}, tmp_path)


@pytest.mark.parametrize(
    "inputs",
    [
        {"command": "reconcile"},
        {"command": "reconcile", "issue": "12", "dry-run": "true", "read": "rest"},
        {"command": "reconcile", "dry-run": ""},  # a workflow's input outside a manual run
        {"command": "check-participants"},
        {"command": "setup", "dry-run": "true"},
        {"command": "setup", "dry-run": "false"},
        {"command": "report"},
        {"command": "report", "since": "2025-01-01"},
    ],
)
def test_the_inputs_a_workflow_passes_are_accepted(tmp_path: Path, inputs: dict[str, str]) -> None:
    done = check(tmp_path, **inputs)
    assert done.returncode == 0, done.stdout
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("inputs", "says"),
    [
        ({"command": ""}, "must be reconcile, check-participants, setup or report"),
        ({"command": "Reconcile"}, "must be reconcile, check-participants, setup or report"),
        (
            {"command": "reconcile; rm -rf ~"},
            "must be reconcile, check-participants, setup or report",
        ),
        ({"command": "dashboard"}, "must be reconcile, check-participants, setup or report"),
        ({"command": "report", "since": "2025-01-01; id"}, "must be a date, YYYY-MM-DD"),
        ({"command": "report", "since": "last year"}, "must be a date, YYYY-MM-DD"),
        ({"command": "reconcile", "since": "2025-01-01"}, "for the report command only"),
        ({"command": "report", "dry-run": "true"}, "report only reads: it has no dry-run input"),
        ({"command": "reconcile", "issue": "12; echo"}, "digits only"),
        ({"command": "reconcile", "issue": "$(id)"}, "digits only"),
        ({"command": "setup", "issue": "12"}, "for the reconcile command only"),
        ({"command": "reconcile", "dry-run": "yes"}, "must be true or false"),
        ({"command": "check-participants", "dry-run": "true"}, "no dry-run input"),
        ({"command": "reconcile", "read": "fast"}, "must be graphql or rest"),
        ({"command": "setup", "read": "rest"}, "for the reconcile command only"),
    ],
)
def test_anything_else_is_refused_with_an_error(
    tmp_path: Path, inputs: dict[str, str], says: str
) -> None:
    done = check(tmp_path, **inputs)
    assert done.returncode == 1
    (line,) = done.stdout.splitlines()
    assert line.startswith("::error title=mentoring action::"), line
    assert says in line


def test_windows_runners_are_refused(tmp_path: Path) -> None:
    done = run_step(CHECK, {"command": "setup"}, {"RUNNER_OS": "Windows"}, tmp_path)
    assert done.returncode == 1
    assert "Linux and macOS" in done.stdout


# --- the run step, run -----------------------------------------------------------------


def runner(tmp_path: Path, python: str) -> dict[str, str]:
    """A job's directories: the caller's checkout, the temporary directory with the
    virtual environment's Python (a stand-in running ``python``), this checkout as the
    action's directory."""
    workspace, temp = tmp_path / "workspace", tmp_path / "temp"
    workspace.mkdir()
    stand_in = temp / "mentoring-venv" / "bin" / "python"
    stand_in.parent.mkdir(parents=True)
    stand_in.write_text(f'#!/bin/sh\nexec {python} "$@"\n', encoding="utf-8")
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    return {
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(temp),
        "GITHUB_ACTION_PATH": str(ROOT_DIR),
    }


RECORD = (
    "import json, os, sys; "
    "print(json.dumps([os.getcwd(), os.environ.get('GITHUB_TOKEN'), *sys.argv[1:]]))"
)


@pytest.mark.parametrize(
    ("inputs", "arguments"),
    [
        ({"command": "reconcile"}, ["reconcile.py"]),
        (
            {"command": "reconcile", "issue": "12", "dry-run": "true", "read": "rest"},
            ["reconcile.py", "--issue=12", "--read=rest", "--dry-run"],
        ),
        ({"command": "reconcile", "dry-run": ""}, ["reconcile.py"]),
        ({"command": "check-participants"}, ["check_participants.py"]),
        ({"command": "setup", "dry-run": "true"}, ["setup_repo.py", "--dry-run"]),
        ({"command": "setup", "dry-run": "false"}, ["setup_repo.py"]),
    ],
)
def test_the_run_step_runs_the_actions_script_in_the_callers_checkout(
    tmp_path: Path, inputs: dict[str, str], arguments: list[str]
) -> None:
    recorder = tmp_path / "record.py"
    recorder.write_text(RECORD, encoding="utf-8")
    env = runner(tmp_path, f"{sys.executable} {recorder}")
    done = run_step(RUN, {**inputs, "token": "t0ken"}, env, ROOT_DIR)
    assert done.returncode == 0, done.stderr
    cwd, token, script, *args = json.loads(done.stdout)
    assert cwd == env["GITHUB_WORKSPACE"]
    assert token == "t0ken"
    assert script == str(ROOT_DIR / "scripts" / arguments[0])
    assert args == arguments[1:]


def program(workspace: Path) -> None:
    """examples/program/ as the caller's checkout: no scripts, no templates there."""
    shutil.copytree(PROGRAM, workspace, dirs_exist_ok=True)


def test_check_participants_reads_the_callers_files(tmp_path: Path) -> None:
    env = runner(tmp_path, sys.executable)
    program(Path(env["GITHUB_WORKSPACE"]))
    done = run_step(RUN, {"command": "check-participants"}, env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "participants.yml: OK (0 entries)"


def test_a_dry_run_reconcile_comments_with_the_actions_templates(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """End to end in a program repository: its config and form are read from the
    checkout, the comment's wording from the action's templates (the checkout has none)."""
    env = runner(tmp_path, sys.executable)
    workspace = Path(env["GITHUB_WORKSPACE"])
    program(workspace)
    form = form_files.load_form(workspace / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml")
    (agreement,) = [f for f in form.fields if f.id == "code_of_conduct"]
    answers = {
        "name": "Alice Example",
        "role": "Maintainer",
        "availability": "Five hours a week",
        "code_of_conduct": [agreement.options[0]],
    }
    body = issue_forms.render_body(form, answers)
    number = sandbox.open_issue("alice", "Mentee application", body, ["application"])
    env |= {
        "GITHUB_API_URL": sandbox.url,
        "GITHUB_REPOSITORY": f"{sandbox.owner}/{sandbox.repo}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    inputs = {"command": "reconcile", "issue": str(number), "dry-run": "true"}
    inputs["token"] = sandbox.token_for(sandbox.bot_login)
    done = run_step(RUN, inputs, env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (workspace / "templates").exists()
    # The program's name from its config, the words around it from the welcome template.
    welcome = "comment welcome: Hello @alice, and welcome to the [YOUR-PROJECT mentoring program]"
    assert welcome in done.stderr, done.stderr
    assert sandbox.comments(number) == []  # a dry run writes nothing


# --- the linters, where the test requirements installed them ----------------------------


def test_the_action_matches_the_github_schema_and_zizmor_finds_nothing() -> None:
    for command in (
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION_FILE)],
        [tool("zizmor"), "--offline", "--no-progress", str(ACTION_FILE)],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
