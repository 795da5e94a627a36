"""The GitHub Actions workflows: the triggers the scripts rely on, and their hardening."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.simulation import runs_reconcile

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
RECONCILER = WORKFLOWS / "mentoring.yml"
GRADUATION = WORKFLOWS / "graduation.yml"
ACTION = ROOT / "action.yml"
# The program's workflows and the command each runs through the action (action.yml);
# tests.yml, the project's own tests, is not one of them.
PROGRAM_WORKFLOWS = {
    "mentoring.yml": "reconcile",
    "graduation.yml": "reconcile",
    "check-participants.yml": "check-participants",
    "setup.yml": "setup",
    "report.yml": "report",
}

# "uses: owner/repo@<40 hex> # v1.2.3" (a local "./path" action needs no pin).
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(?:\.\d+)*\s*$"
)
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+(?P<target>\S+)")


def load_workflow(path: Path) -> dict[str, Any]:
    """Parse a workflow; PyYAML (YAML 1.1) reads the key `on` as True, so rename it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def triggers(path: Path) -> dict[str, Any]:
    """The `on:` mapping, with a bare trigger name (`on: push`) turned into `{push: None}`."""
    on = load_workflow(path)["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def reconciler_cron() -> str:
    """The reconciler's cron: the one schedule the simulator reads."""
    (entry,) = triggers(RECONCILER)["schedule"]
    return entry["cron"]


def jobs(path: Path) -> dict[str, dict[str, Any]]:
    return load_workflow(path)["jobs"]


def steps(path: Path) -> list[dict[str, Any]]:
    return [step for job in jobs(path).values() for step in job.get("steps", [])]


def uses(step: dict[str, Any]) -> str:
    return step.get("uses", "").split("@")[0]


@pytest.fixture(params=WORKFLOW_FILES, ids=lambda p: p.name)
def workflow(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_workflows_exist() -> None:
    names = {p.name for p in WORKFLOW_FILES}
    assert {"mentoring.yml", "graduation.yml", "check-participants.yml", "tests.yml"} <= names


# --- The triggers the reconciler relies on -------------------------------------------


def test_reconciler_issue_events() -> None:
    on = triggers(RECONCILER)
    assert set(on["issues"]["types"]) >= {
        "opened",
        "edited",
        "assigned",
        "unassigned",
        "labeled",
        "unlabeled",
        "closed",
        "reopened",
    }
    assert "created" in on["issue_comment"]["types"]


def test_reconciler_schedule_is_daily_at_an_odd_minute() -> None:
    fields = reconciler_cron().split()
    assert len(fields) == 5
    minute, hour, day, month, weekday = fields
    assert minute.isdigit()
    assert int(minute) not in (0, 30), "avoid GitHub's busiest minutes"
    assert hour.isdigit()
    assert (day, month, weekday) == ("*", "*", "*")


def test_only_the_reconciler_has_a_schedule() -> None:
    scheduled = [p.name for p in WORKFLOW_FILES if "schedule" in triggers(p)]
    assert scheduled == [RECONCILER.name]


def test_reconciler_manual_inputs() -> None:
    inputs = triggers(RECONCILER)["workflow_dispatch"]["inputs"]
    assert inputs["dry_run"]["type"] == "boolean"
    assert inputs["issue"]["type"] == "string"
    assert inputs["issue"].get("required", False) is False


def test_reconciler_skips_the_bot_and_pull_request_comments() -> None:
    (job,) = jobs(RECONCILER).values()
    condition = job["if"]
    assert "github.actor != 'github-actions[bot]'" in condition
    assert "github.event.issue.pull_request" in condition
    assert job["permissions"]["issues"] == "write"


EXPRESSION_TOKEN = re.compile(
    r"\s*(?:(?P<op>\|\||&&|[(),])|'(?P<str>(?:[^']|'')*)'|(?P<path>[\w.-]+))"
)


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """Evaluate the part of GitHub's expression language the groups use: property paths
    (a missing one is null), 'strings', format(), and || and && with Actions' meaning
    (`a || b` is a when a is truthy, else b; `a && b` is a when a is falsy, else b)."""
    tokens: list[tuple[str, str]] = []
    end = 0
    while expression[end:].strip():
        match = EXPRESSION_TOKEN.match(expression, end)
        assert match, f"{expression}: not understood from {expression[end:]!r}"
        kind = str(match.lastgroup)
        tokens.append((kind, match[kind]))
        end = match.end()
    position = 0

    def take(kind: str, text: str | None = None) -> str:
        nonlocal position
        assert position < len(tokens), f"{expression}: ends early"
        token_kind, token_text = tokens[position]
        assert token_kind == kind, f"{expression}: {token_text}"
        assert text in (None, token_text), f"{expression}: {token_text}"
        position += 1
        return token_text

    def peek(text: str) -> bool:
        return position < len(tokens) and tokens[position] == ("op", text)

    def primary() -> Any:
        if tokens[position][0] == "str":
            return take("str").replace("''", "'")
        name = take("path")
        if peek("("):
            assert name == "format", f"{expression}: only format() is understood here"
            take("op", "(")
            args = [either()]
            while peek(","):
                take("op", ",")
                args.append(either())
            take("op", ")")
            template, *values = args
            return re.sub(r"\{(\d+)\}", lambda m: as_text(values[int(m[1])]), template)
        value: Any = context
        for key in name.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def both() -> Any:
        value = primary()
        while peek("&&"):
            take("op", "&&")
            right = primary()
            value = right if value not in (None, "", 0, False) else value
        return value

    def either() -> Any:
        value = both()
        while peek("||"):
            take("op", "||")
            right = both()
            value = value if value not in (None, "", 0, False) else right
        return value

    result = either()
    assert position == len(tokens), f"{expression}: unexpected {tokens[position:]}"
    return result


def as_text(value: Any) -> str:
    """A value where Actions makes text of it: null is empty, booleans are lower case."""
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def concurrency_group(template: str, context: dict[str, Any]) -> str:
    """A group name as Actions makes it: each ${{ }} evaluated, null as empty text."""

    name = re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(evaluate(m[1], context)), template)
    assert name, f"the group of {template} can be empty"
    return name


def dispatch(inputs: dict[str, Any], run_id: int = 1) -> dict[str, Any]:
    """The context of a workflow_dispatch run: `inputs` typed, github.event.inputs text."""
    event = {"inputs": {key: as_text(value) for key, value in inputs.items()}}
    return {
        "github": {"event_name": "workflow_dispatch", "event": event, "run_id": run_id},
        "inputs": inputs,
    }


def event(name: str, payload: dict[str, Any], run_id: int = 1) -> dict[str, Any]:
    return {"github": {"event_name": name, "event": payload, "run_id": run_id}, "inputs": {}}


def test_reconciler_concurrency_is_per_issue_and_never_cancels() -> None:
    concurrency = load_workflow(RECONCILER)["concurrency"]
    assert concurrency["cancel-in-progress"] is False

    def group(context: dict[str, Any]) -> str:
        return concurrency_group(concurrency["group"], context)

    schedule = group(event("schedule", {"schedule": "17 6 * * *"}))
    dispatch_all = group(dispatch({"issue": "", "dry_run": False}))
    dispatch_one = group(dispatch({"issue": "5", "dry_run": False}))
    comment = group(event("issue_comment", {"issue": {"number": 5}}))
    other = group(event("issues", {"issue": {"number": 6}}))
    # Two runs over every issue never overlap; runs on one issue never overlap either.
    assert schedule == dispatch_all
    assert dispatch_one == comment != other
    assert schedule not in (comment, other)  # so the schedule may overlap an event run
    assert (schedule, comment) == ("mentoring-all", "mentoring-5")  # docs/operations.md


def test_a_dry_run_never_shares_a_group_with_a_real_run(workflow: Path) -> None:
    """A group keeps one pending run, and a newer one replaces it: a dry run in a real
    run's group would cancel that run while it waits. So each dry run has its own."""
    dispatch_inputs = (triggers(workflow).get("workflow_dispatch") or {}).get("inputs") or {}
    if "dry_run" not in dispatch_inputs:
        return
    assert dispatch_inputs["dry_run"]["type"] == "boolean"  # no typed text in the group
    template = load_workflow(workflow)["concurrency"]["group"]
    for issue in ({"issue": ""}, {"issue": "5"}) if "issue" in dispatch_inputs else ({},):
        real = concurrency_group(template, dispatch({**issue, "dry_run": False}, run_id=1))
        dry = [
            concurrency_group(template, dispatch({**issue, "dry_run": True}, run_id=n))
            for n in (2, 3)
        ]
        assert real == concurrency_group(template, dispatch({**issue, "dry_run": False}, run_id=2))
        assert real not in dry
        assert dry[0] != dry[1]
        assert "dry-run" in dry[0]
    if workflow == RECONCILER:  # nor with the schedule's run or an event's
        contexts = [event("schedule", {})] + [
            event(name, {"issue": {"number": 5}}) for name in ("issues", "issue_comment")
        ]
        real_groups = {concurrency_group(template, context) for context in contexts}
        assert real_groups == {"mentoring-all", "mentoring-5"}
        dry_groups = {
            concurrency_group(template, dispatch({"issue": i, "dry_run": True})) for i in ("", "5")
        }
        assert not real_groups & dry_groups


def test_graduation_triggers() -> None:
    on = triggers(GRADUATION)
    assert on["pull_request_target"]["types"] == ["closed"]
    assert on["pull_request_target"]["paths"] == ["participants.yml"]
    assert on["push"]["branches"] == ["main"]
    assert on["push"]["paths"] == ["participants.yml"]
    for job in jobs(GRADUATION).values():
        assert "github.event.pull_request.merged == true" in job["if"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # The pull request's number and base commit come from the event payload; the
        # scripts read contents at a ref and issues, and comment on the merged pull
        # request only (an entry that graduates nobody), never the pull requests API else.
        (
            "graduation.yml",
            {"contents": "read", "issues": "write", "pull-requests": "write"},
        ),
        ("check-participants.yml", {"contents": "read", "issues": "read"}),
    ],
)
def test_participants_workflows_grant_only_what_they_use(
    name: str, expected: dict[str, str]
) -> None:
    for job in jobs(WORKFLOWS / name).values():
        assert job["permissions"] == expected


# --- Hardening, for every workflow ----------------------------------------------------


def test_top_level_permissions_are_empty(workflow: Path) -> None:
    assert load_workflow(workflow)["permissions"] == {}


def test_every_job_sets_its_own_permissions(workflow: Path) -> None:
    for name, job in jobs(workflow).items():
        assert isinstance(job.get("permissions"), dict), f"job {name} has no permissions"


def test_every_action_is_pinned_by_sha_with_a_version_comment(workflow: Path) -> None:
    for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if match and not match["target"].startswith("./"):
            assert PINNED_USES.match(line), f"{workflow.name}:{number}: {line.strip()}"


def test_checkout_never_persists_credentials(workflow: Path) -> None:
    for step in steps(workflow):
        if uses(step) == "actions/checkout":
            assert step.get("with", {}).get("persist-credentials") is False


def test_setup_python_caches_pip(workflow: Path) -> None:
    for step in steps(workflow):
        if uses(step) == "actions/setup-python":
            assert step["with"]["cache"] == "pip"
            assert step["with"]["cache-dependency-path"]


# The one way a workflow installs the runtime packages: the hash-pinned lock
# (docs/development.md, "Dependencies"; tests/test_dependencies.py checks the lock itself). The
# action installs it the same way from its own directory (tests/test_action.py).
LOCK_INSTALL = "python -m pip install --require-hashes --no-deps -r requirements.txt"


def run_lines(job: dict[str, Any]) -> list[str]:
    return [
        line.strip()
        for step in job.get("steps", [])
        for line in step.get("run", "").splitlines()
        if line.strip()
    ]


def pip_installs(job: dict[str, Any]) -> list[str]:
    return [line for line in run_lines(job) if re.search(r"\bpip\s+install\b", line)]


def test_workflows_install_the_lock_and_nothing_unhashed_with_a_write_token(
    workflow: Path,
) -> None:
    for name, job in jobs(workflow).items():
        writes = [scope for scope, level in job["permissions"].items() if level != "read"]
        for line in pip_installs(job):
            if "requirements.txt" in line:
                assert line == LOCK_INSTALL, f"{workflow.name} {name}: {line}"
            else:
                # The test tools resolve their own dependencies: only where nothing can be
                # written.
                assert line == "python -m pip install -r requirements-dev.txt", line
                assert writes == [], f"{workflow.name} {name}: unhashed install with {writes}"


def test_no_workflow_runs_the_scripts_itself(workflow: Path) -> None:
    """The scripts run through the action, which installs the lock for them (action.yml;
    tests/test_action.py)."""
    for name, job in jobs(workflow).items():
        assert not any("scripts/" in line for line in run_lines(job)), f"{workflow.name} {name}"


# --- The program's workflows run this checkout's action ------------------------------


def action_steps(path: Path) -> list[dict[str, Any]]:
    return [step for step in steps(path) if step.get("uses") == "./"]


@pytest.mark.parametrize(("name", "command"), PROGRAM_WORKFLOWS.items())
def test_each_program_workflow_runs_the_action_after_its_checkout(name: str, command: str) -> None:
    """One job, its checkout, then the action with the workflow's command: nothing else,
    so the reference program and the action are tested as one (`uses: ./` is the action
    as checked out, the same the program repositories pin by a release's SHA). The
    report's workflow then keeps the files the action wrote, 90 days."""
    ((job_name, job),) = jobs(WORKFLOWS / name).items()
    checkout, action, *kept = job["steps"]
    assert uses(checkout) == "actions/checkout", job_name
    if command == "report":
        (upload,) = kept
        assert uses(upload) == "actions/upload-artifact"
        assert upload["with"]["path"] == "mentoring-report/"
        assert upload["with"]["retention-days"] == 90
    else:
        assert kept == []
    assert action["uses"] == "./"
    assert action["with"]["command"] == command


def test_the_action_steps_pass_only_inputs_the_action_declares() -> None:
    declared = set(load_workflow(ACTION)["inputs"])
    for name in PROGRAM_WORKFLOWS:
        for step in action_steps(WORKFLOWS / name):
            assert set(step["with"]) <= declared, name


def test_the_manual_inputs_reach_the_action() -> None:
    """A manual run's inputs become the action's: the issue (checked there to be digits)
    and the dry run; setup's dry run too."""
    (reconcile,) = action_steps(RECONCILER)
    assert reconcile["with"]["issue"] == "${{ inputs.issue }}"
    assert reconcile["with"]["dry-run"] == "${{ inputs.dry_run }}"
    (setup,) = action_steps(WORKFLOWS / "setup.yml")
    assert setup["with"]["dry-run"] == "${{ inputs.dry_run }}"


def test_the_simulator_plays_the_workflows_that_reconcile() -> None:
    """The simulator takes its triggers from the workflows whose action step reconciles."""
    found = {path.name for path in WORKFLOW_FILES if runs_reconcile(load_workflow(path))}
    assert found == {name for name, command in PROGRAM_WORKFLOWS.items() if command == "reconcile"}


def test_the_pip_cache_is_keyed_on_the_lock(workflow: Path) -> None:
    for job in jobs(workflow).values():
        if pip_installs(job):
            (setup,) = [step for step in job["steps"] if uses(step) == "actions/setup-python"]
            assert "requirements.txt" in setup["with"]["cache-dependency-path"].split()


def test_no_expression_inside_run(workflow: Path) -> None:
    for step in steps(workflow):
        assert "${{" not in step.get("run", ""), step.get("name", step["run"])


def test_pull_request_target_never_checks_out_the_head(workflow: Path) -> None:
    if "pull_request_target" not in triggers(workflow):
        return
    for step in steps(workflow):
        if uses(step) == "actions/checkout":
            options = step.get("with", {})
            assert "head" not in str(options.get("ref", ""))
            assert "pull_request" not in str(options.get("ref", ""))
            assert "pull_request" not in str(options.get("repository", ""))


def test_every_job_has_a_timeout(workflow: Path) -> None:
    for name, job in jobs(workflow).items():
        assert "timeout-minutes" in job, f"job {name} has no timeout-minutes"


def test_every_workflow_has_concurrency(workflow: Path) -> None:
    assert load_workflow(workflow)["concurrency"]["group"]


def test_dependabot_covers_pip_and_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems >= {"pip", "github-actions"}


# --- The linters, where the test requirements installed them --------------------------


def tool(name: str) -> str:
    """The tool next to this Python, or on PATH; skip the test when it is not installed."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def test_workflows_match_the_github_schema() -> None:
    result = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOW_FILES),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
