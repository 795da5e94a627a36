"""Run a scenario against the sandbox: people act, the workflows' runs follow.

The triggers and the schedule come from the checkout's own workflow files, so what is
simulated is what is deployed. Each run is ``scripts/reconcile.py``'s ``main`` with the
environment an Actions run would give it.

The program's files (config, forms, participants file, workflows, template overrides)
come from ``root``, this checkout's by default or a program repository's
(``simulate.py --program DIR``); the engine (the scripts, the shipped templates) is
always this checkout's.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict, Unpack

import yaml

from mentoring.cli.version import REPOSITORY
from mentoring.core.forms import Form, as_list
from mentoring.core.labels import wanted_labels
from mentoring.core.model import MARKER_RE
from mentoring.files import forms as form_files
from mentoring.files.config import deep_merge, load_config
from mentoring.files.yamlfile import YamlFileError, load
from simulator import issue_forms
from simulator.cron import Cron
from simulator.sandbox import Sandbox
from simulator.sandbox.model import ROLES, ApiError
from simulator.scenario import (
    EVENT_KEYS,
    SCENARIO_KEYS,
    ScenarioError,
    check_scenario,
    load_scenario,
)
from simulator.scenario import parse_time as _time

log = logging.getLogger(__name__)

RUN_DELAY = timedelta(seconds=3)  # an event's workflow run starts a few seconds later
ENGINE = Path(__file__).resolve().parents[2]  # this checkout: its scripts and templates
PROGRAM_FILES = (".github", "participants.yml")  # a program repository's own files


@dataclass(frozen=True)
class Triggers:
    """What starts the reconciler, read from the workflow files."""

    issues: frozenset[str]
    issue_comment: frozenset[str]
    pull_request_target: frozenset[str]
    push: bool
    cron: str | None


# An action published in a repository of its own (not a path inside one): owner/name.
_PUBLISHED = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def runs_reconcile(workflow: dict[str, Any]) -> bool:
    """Whether a step runs this project's action with `command: reconcile`: `./` or `$/`
    (this checkout's action.yml) or a pinned `uses: OWNER/NAME@<ref>` (a program's
    release: `REPOSITORY` until the project is published, then its real name, which a
    program may also reach through a fork or a mirror), with our `command:` input."""
    for job in (workflow.get("jobs") or {}).values():
        for step in (job.get("steps") or []) if isinstance(job, dict) else []:
            name, at, _ = str(step.get("uses", "")).partition("@")
            pinned = bool(at) and (name == REPOSITORY or _PUBLISHED.fullmatch(name) is not None)
            ours = name in ("./", "$/") or pinned
            if ours and (step.get("with") or {}).get("command") == "reconcile":
                return True
    return False


@functools.lru_cache(maxsize=64)
def _workflow(text: str) -> Any:
    """A workflow file's YAML, parsed once per text (libyaml's parser where PyYAML has it):
    every simulation reads the same few files, and the pure-Python parser took a fifth of
    a short scenario's play. Shared: read it, never change it."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def reconciling_workflows(root: Path) -> list[Path]:
    """The workflow files under ``root`` with a step that runs the action's `reconcile`."""
    found = []
    for path in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        data = _workflow(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and runs_reconcile(data):
            found.append(path)
    return found


def check_program(root: Path) -> None:
    """The program's own config and forms, before a scenario lays anything over them: an
    error there fails every run, so it stops the simulation once, naming the file the
    maintainer edits (under ``root``) and its line there, not a merged copy's."""
    try:
        load_config(root)
    except YamlFileError as exc:
        raise YamlFileError(_shown(root / exc.file), exc.line, exc.problem, exc.fix) from exc


def _shown(path: Path) -> str:
    """A path as the person typed it: relative to the working directory when under it."""
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(Path.cwd()).as_posix()
    return path.as_posix()


def carry_answers(answers: dict[str, Any], reference: Form, form: Form) -> dict[str, Any]:
    """A scenario's answers, written for this checkout's form, carried to a program's form
    of the same name: an option the program words its own way (its code of conduct's
    name) is ticked at the same place in the program's list."""
    before = {f.id: f.options for f in reference.fields}
    carried = dict(answers)
    for fld in form.fields:
        old = before.get(fld.id, ())
        if fld.options and old and answers.get(fld.id) is not None:
            carried[fld.id] = [
                fld.options[old.index(c)]
                if c not in fld.options and c in old and old.index(c) < len(fld.options)
                else c
                for c in as_list(answers[fld.id])
            ]
    return carried


def workflow_triggers(root: Path) -> Triggers:
    """The events of every workflow with a step that runs the action's `reconcile`."""
    issues: set[str] = set()
    comment: set[str] = set()
    pulls: set[str] = set()
    push = False
    cron = None
    for path in reconciling_workflows(root):
        data = _workflow(path.read_text(encoding="utf-8"))
        on = data.get("on", data.get(True)) or {}
        if isinstance(on, str | list):
            on = {name: None for name in ([on] if isinstance(on, str) else on)}
        issues |= set((on.get("issues") or {}).get("types", [])) if "issues" in on else set()
        if "issue_comment" in on:
            comment |= set((on.get("issue_comment") or {}).get("types", ["created"]))
        if "pull_request_target" in on:
            pulls |= set((on.get("pull_request_target") or {}).get("types", ["closed"]))
        push = push or "push" in on
        for entry in on.get("schedule") or []:
            cron = cron or entry.get("cron")
    return Triggers(frozenset(issues), frozenset(comment), frozenset(pulls), push, cron)


@dataclass
class Run:
    at: datetime
    name: str  # schedule, issues.opened, ...
    payload: dict[str, Any]


@dataclass
class Result:
    actions: list[dict[str, Any]] = field(default_factory=list)
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: int = 0
    failed_runs: int = 0
    http_log: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""  # the step summary of a dry run at the end (the simulator's report)
    schedule_summary: str = ""  # the step summary of the last scheduled run, as posted
    dashboard: str = ""  # the dashboard issue's body at the end, if the bot keeps one

    def transcript(self) -> dict[str, Any]:
        return {"actions": self.actions, "issues": self.issues, "requests": self.requests}


class Options(TypedDict, total=False):
    """How a simulation runs, beside its scenario: :class:`Simulation`'s keywords."""

    faults: float  # share of requests the sandbox fails (default 0)
    seed: int  # of the faults (default 0)
    keep_http_log: bool  # every request in Result.http_log (default False)
    transport: str  # how the scripts reach the sandbox: Sandbox(transport=), "in-process"
    read: str  # reconcile.py --read: how runs over every application read them, "graphql"
    graphql_engine: str  # what executes GraphQL: Sandbox.graphql_engine, "projection"


@dataclass(frozen=True)
class _Stage:
    """What every run of one simulation is played on: the sandbox, the checkout the
    workflows run in, the work directory (event file, step summary), the reconciler."""

    sb: Sandbox
    checkout: Path
    workdir: Path
    reconcile_main: Any


@dataclass(frozen=True)
class _Act:
    """A person's action being done: who, which (an EVENT_KEYS kind), its keys, and when
    the workflow runs it starts begin."""

    sb: Sandbox
    by: str
    kind: str
    spec: dict[str, Any]
    later: datetime

    @property
    def number(self) -> int:
        """The issue it is done on."""
        return int(self.spec.get("issue", 0))


class Simulation:
    """One scenario run: a sandbox, a temporary checkout, and the runs in time order."""

    def __init__(self, scenario: dict[str, Any], root: Path, **options: Unpack[Options]) -> None:
        check_scenario(scenario)
        self.root = root
        self.read = options.get("read", "graphql")
        self.graphql_engine = options.get("graphql_engine", "projection")
        self.transport = options.get("transport", "in-process")
        self.scenario = scenario
        self.faults = options.get("faults", 0.0)
        self.seed = options.get("seed", 0)
        self.start = _time(scenario.get("start"), "start")
        self.end = _time(scenario.get("end"), "end")
        if self.end <= self.start:
            raise ScenarioError("end must come after start")
        check_program(root)
        self.triggers = workflow_triggers(root)
        try:
            self.cron = Cron(scenario.get("schedule") or self.triggers.cron or "17 6 * * *")
        except ValueError as exc:
            raise ScenarioError(f"schedule: {exc}") from exc
        self.outages = _windows(scenario.get("schedule_outages"))
        self.event_outages = _windows(scenario.get("event_outages"))
        self.events = scenario.get("events") or []
        self.opened: list[int] = []
        self.payloads: list[tuple[str, dict[str, Any]]] = []  # (run, payload) of every run
        self.keep_http_log = options.get("keep_http_log", False)

    # --- setting up ------------------------------------------------------------------

    def _checkout(self, workdir: Path) -> Path:
        checkout = workdir / "checkout"
        checkout.mkdir()
        for name, source in [(n, self.root / n) for n in PROGRAM_FILES] + [
            ("templates", ENGINE / "templates")
        ]:
            if source.is_dir():
                shutil.copytree(source, checkout / name)
            elif source.exists():
                shutil.copy2(source, checkout / name)
        for path, text in (self.scenario.get("files") or {}).items():
            target = checkout / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        config_path = checkout / ".github" / "mentoring.yml"
        if self.scenario.get("config"):
            data = load(config_path.read_bytes(), ".github/mentoring.yml").data or {}
            over = self.scenario["config"]
            if not isinstance(over, dict):
                raise ScenarioError("config: must be a mapping laid over .github/mentoring.yml")
            merged = deep_merge(data if isinstance(data, dict) else {}, over)
            config_path.write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
        if "participants" in self.scenario:
            entries = self.scenario["participants"] or []
            (checkout / "participants.yml").write_text(
                yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
        return checkout

    def _seed_repository(self, sb: Sandbox, checkout: Path) -> None:
        for path in sorted(p for p in checkout.rglob("*") if p.is_file()):
            relative = path.relative_to(checkout).as_posix()
            if relative.startswith((".github/", "participants.yml")):
                sb.set_file(relative, path.read_text(encoding="utf-8"))
        for login, permission in (self.scenario.get("collaborators") or {}).items():
            sb.set_permission(login, permission)
        # The program's labels, as setup_repo.py creates them before anyone applies: an
        # issue form's labels that the repository lacks are dropped, as on GitHub.
        try:
            config = load_config(checkout)
        except YamlFileError:
            return  # a scenario about a broken config: its runs say what is wrong
        for spec in wanted_labels(config):
            sb.create_label(spec.name, spec.color, spec.description)

    # --- running ---------------------------------------------------------------------

    def _schedule(self) -> Iterator[datetime]:
        for moment in self.cron.times(self.start, self.end):
            if not any(a <= moment < b for a, b in self.outages):
                yield moment

    def run(self, reconcile_main: Any) -> Result:
        """Play every event and scheduled run; return the transcript."""
        result = Result()
        interval = sys.getswitchinterval()
        if self.transport == "http":
            # The sandbox serves from a thread of this process: hand the GIL over between
            # client and server quickly (the default 5 ms interval dominates every request).
            sys.setswitchinterval(0.0002)
        try:
            self._play(reconcile_main, result)
        finally:
            sys.setswitchinterval(interval)
        return result

    def _play(self, reconcile_main: Any, result: Result) -> Result:
        with tempfile.TemporaryDirectory(prefix="mentoring-sim-") as tmp:
            workdir = Path(tmp)
            checkout = self._checkout(workdir)
            self.checkout = checkout
            with Sandbox(start=self.start, transport=self.transport) as sb:
                sb.graphql_engine = self.graphql_engine
                self._seed_repository(sb, checkout)
                sb.reserve_numbers(sum(1 for e in self.events if "open_issue" in e))
                if self.faults:
                    sb.set_fault_rate(self.faults, self.seed)
                self.sandbox = sb
                stage = _Stage(sb, checkout, workdir, reconcile_main)
                for at, index in self._timeline():
                    self._happen(stage, at, index, result)
                self._finish(stage, result)
        return result

    def _timeline(self) -> list[tuple[datetime, int | None]]:
        """What happens before the end, in time order: the events, by index, and the
        scheduled runs (index None), an event first when both come at once."""
        events = [(_time(e["at"], f"events[{n}].at"), 0, n) for n, e in enumerate(self.events)]
        scheduled = [(moment, 1, -1) for moment in self._schedule()]
        return [
            (at, None if kind else index)
            for at, kind, index in sorted(events + scheduled)
            if at < self.end
        ]

    def _happen(self, stage: _Stage, at: datetime, index: int | None, result: Result) -> None:
        """At ``at``, a scheduled run (``index`` None), or event ``index`` and its runs."""
        sb = stage.sb
        if at > sb.now:
            sb.now = at
        if index is None:
            self._run(stage, Run(at, "schedule", {}), result)
            return
        for run in self._act_or_explain(sb, index):
            if any(a <= run.at < b for a, b in self.event_outages):
                continue  # GitHub dropped this event: no run
            if run.at > sb.now:
                sb.now = run.at
            self._run(stage, run, result)

    def _env(self, stage: _Stage, run: Run) -> dict[str, str]:
        sb, workdir = stage.sb, stage.workdir
        env = {
            "GITHUB_TOKEN": sb.token_for(sb.bot_login),
            "GITHUB_API_URL": sb.url,
            "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
            "GITHUB_STEP_SUMMARY": str(workdir / "summary.md"),
        }
        event_name = run.name.split(".")[0]
        if event_name != "final":
            env["GITHUB_EVENT_NAME"] = event_name
            event_path = workdir / "event.json"
            _write_changed(event_path, json.dumps(run.payload))
            env["GITHUB_EVENT_PATH"] = str(event_path)
        return env

    def _run(
        self, stage: _Stage, run: Run, result: Result, extra_args: tuple[str, ...] = ()
    ) -> int:
        sb, checkout, workdir = stage.sb, stage.checkout, stage.workdir
        # The workflow checks out the default branch as it is when the run starts.
        _write_changed(checkout / "participants.yml", sb.get_file("participants.yml") or "[]\n")
        # Actions gives each step an empty summary file. One file serves every run here,
        # and a run's summary is what it appended: the reconciler only appends to it, and
        # making the file anew each run cost more than a plan (ext4 creates slowly).
        summary = workdir / "summary.md"
        before = summary.stat().st_size if summary.exists() else 0
        sb.clear_logs()
        if run.payload:
            self.payloads.append((run.name, run.payload))
        # The Actions API lists the run (in progress) while it runs, and its outcome after.
        event = run.name.split(".")[0]
        run_id = sb.start_workflow_run(_workflow_of(event), event) if event != "final" else None
        code = stage.reconcile_main(
            ["--root", str(checkout), f"--read={self.read}", *extra_args],
            env=self._env(stage, run),
            now=sb.now,
            sleep=lambda seconds: None,
        )
        if run_id is not None:
            sb.finish_workflow_run(run_id, succeeded=code == 0)
        if code != 0:
            result.failed_runs += 1
        if run.name == "schedule":
            result.schedule_summary = _appended(summary, before)
        elif run.name == "final":
            result.summary = _appended(summary, before)
        for write in sb.writes:
            if write.get("actor", "").lower() == sb.bot_login.lower():
                result.actions.append(_action(write, run.name))
        result.requests += sb.request_count
        if self.keep_http_log:
            result.http_log.extend(sb.take_request_log())
        return code

    def _finish(self, stage: _Stage, result: Result) -> None:
        sb = stage.sb
        numbers = sorted(self.opened)
        created = sorted({a["issue"] for a in result.actions if a["type"] == "create_issue"})
        for number in numbers + created:
            issue = sb.issue(number)
            result.issues[str(number)] = {
                "state": issue["state"],
                "state_reason": issue.get("state_reason"),
                "labels": sorted(label["name"] for label in issue["labels"]),
                "assignees": sorted(user["login"] for user in issue["assignees"]),
                "title": issue["title"],
                "body": issue.get("body") or "",
            }
        # The coordinators' table, as a dry run over every application would show it now
        # (not counted: it is the simulator's report, not one of the workflows' runs).
        if numbers:
            args = ["--dry-run"] + [f"--issue={n}" for n in numbers]
            final = Result()
            with contextlib.redirect_stdout(io.StringIO()):
                self._run(stage, Run(sb.now, "final", {}), final, tuple(args))
            result.summary = final.summary
        dashboards = [
            result.issues[str(n)]
            for n in created
            if result.issues[str(n)]["state"] == "open"
            and self._dashboard_label(stage.checkout) in result.issues[str(n)]["labels"]
        ]
        result.dashboard = dashboards[0]["body"] if dashboards else ""

    @staticmethod
    def _dashboard_label(checkout: Path) -> str:
        from mentoring.files.config import load_config

        return load_config(checkout).labels.dashboard

    # --- people acting -----------------------------------------------------------------

    def _act_or_explain(self, sb: Sandbox, index: int) -> list[Run]:
        """Do event ``index``; a mistake the checks could not see names the event too."""
        event = self.events[index]
        kind = next(k for k in event if k in EVENT_KEYS)
        number = (event[kind] or {}).get("issue")
        if number is not None and number not in self.opened and not _exists(sb, number):
            raise ScenarioError(
                f"events[{index}].{kind}.issue: there is no #{number} at {event['at']}; the"
                f" scenario has opened {len(self.opened)} issue(s) by then, numbered from 1"
            )
        try:
            return self._act(sb, event)
        except ApiError as exc:  # a person's action GitHub would refuse
            raise ScenarioError(f"events[{index}].{kind} cannot be done: {exc}") from exc
        except ScenarioError as exc:
            raise ScenarioError(f"events[{index}].{kind}{exc}") from exc
        except (KeyError, ValueError) as exc:  # e.g. an issue number nobody opened
            text = exc.args[0] if exc.args else exc
            raise ScenarioError(f"events[{index}].{kind} cannot be done: {text}") from exc

    def _act(self, sb: Sandbox, event: dict[str, Any]) -> list[Run]:
        """Do what the event says as that person; return the workflow runs it starts."""
        by = str(event["by"])
        kind = next(k for k in event if k in EVENT_KEYS)
        spec = event[kind] or {}
        runs = self._do(sb, by, kind, spec)
        # Events made with the workflows' own token start no workflow run (GitHub's docs:
        # "Triggering a workflow from a workflow"); a merge counts as the merger's.
        actor = spec.get("merged_by", by) if kind == "merge_pull_request" else by
        return [] if actor.lower() == sb.bot_login.lower() else runs

    def _do(self, sb: Sandbox, by: str, kind: str, spec: dict[str, Any]) -> list[Run]:
        """Do one event as ``by``, within what GitHub lets them do; the runs it starts."""
        later = sb.now + RUN_DELAY
        _permitted(sb, by, kind, spec)
        return _ACTIONS[kind](self, _Act(sb, by, kind, spec, later))

    def _issue_run(self, act: _Act, action: str, number: int, **extra: Any) -> list[Run]:
        """The run that issue event ``action`` on #number starts, if a workflow takes it."""
        if action not in self.triggers.issues:
            return []
        payload = {"action": action, "issue": act.sb.issue(number), **extra}
        return [Run(act.later, f"issues.{action}", self._payload(act.sb, act.by, payload))]

    def _open_issue(self, act: _Act) -> list[Run]:
        """Open an issue, from an issue form if the event names one."""
        spec = act.spec
        title, body, labels = spec.get("title"), spec.get("body", ""), spec.get("labels", [])
        form_labels: list[str] = []
        if spec.get("template"):
            form = self._form(spec["template"])
            answers = spec.get("answers") or {}
            reference = ENGINE / ".github" / "ISSUE_TEMPLATE" / spec["template"]
            if self.root.resolve() != ENGINE and reference.is_file():
                answers = carry_answers(answers, self._form(spec["template"], ENGINE), form)
            try:
                body = issue_forms.render_body(form, answers)
            except ValueError as exc:
                raise ScenarioError(f".answers: {exc}") from exc
            title = title or form.title
            form_labels = list(form.labels)
        number = act.sb.open_issue(
            act.by, title or "Untitled", body, labels=labels, form_labels=form_labels
        )
        self.opened.append(number)
        return self._issue_run(act, "opened", number)

    def _form(self, template: str, root: Path | None = None) -> Form:
        """The issue form of that file name, from the checkout, so a form laid over by
        `files:` is the one answered (or from ``root``'s own)."""
        name = f".github/ISSUE_TEMPLATE/{template}"
        try:
            return form_files.load_form((root or self.checkout) / name, name)
        except YamlFileError as exc:
            raise ScenarioError(f".template: {exc}") from exc

    def _rename_label(self, act: _Act) -> list[Run]:
        act.sb.rename_label(act.spec["from"], act.spec["to"])
        self._rename_in_config(act.spec["from"], act.spec["to"])
        return []  # a label's own events start none of the workflows

    def _push_config(self, act: _Act) -> list[Run]:
        self._edit_config(act.sb, act.by, act.spec["config"])
        return []  # a push that changes only the config starts none of the workflows

    def _assign(self, act: _Act) -> list[Run]:
        """Assign or unassign the users: one issue event each."""
        sb, number, users = act.sb, act.number, act.spec["users"]
        if act.kind == "assign":
            sb.assign(number, act.by, users)
        else:
            sb.unassign(number, act.by, users)
        action = "assigned" if act.kind == "assign" else "unassigned"
        return [r for u in users for r in self._issue_run(act, action, number, assignee=sb.user(u))]

    def _comment(self, act: _Act) -> list[Run]:
        sb, number = act.sb, act.number
        comment_id = sb.comment(number, act.by, act.spec["body"])
        if "created" not in self.triggers.issue_comment:
            return []
        comment = next(c for c in sb.comments(number) if c["id"] == comment_id)
        payload = {"action": "created", "issue": sb.issue(number), "comment": comment}
        return [Run(act.later, "issue_comment.created", self._payload(sb, act.by, payload))]

    def _change_comment(self, act: _Act) -> list[Run]:
        """Edit or delete ``by``'s ``comment``-th comment (1, 2, ...) on the issue."""
        sb, by, number = act.sb, act.by, act.number
        mine = [c for c in sb.comments(number) if c["user"]["login"].lower() == by.lower()]
        nth = int(act.spec.get("comment", 1))
        if not 1 <= nth <= len(mine):
            raise ApiError(404, f"{by} has no comment number {nth} on #{number}")
        comment = mine[nth - 1]
        if act.kind == "edit_comment":
            sb.edit_comment(comment["id"], by, act.spec["body"])
            action, extra = "edited", {"changes": {"body": {"from": comment["body"]}}}
        else:
            sb.delete_comment(comment["id"], by)
            action, extra = "deleted", {}
        if action not in self.triggers.issue_comment:
            return []
        changed = next((c for c in sb.comments(number) if c["id"] == comment["id"]), comment)
        payload = {"action": action, "issue": sb.issue(number), "comment": changed, **extra}
        return [Run(act.later, f"issue_comment.{action}", self._payload(sb, by, payload))]

    def _react(self, act: _Act) -> list[Run]:
        """React to one of the bot's comments: its marker's ``KIND:KEY`` (or ``KIND``), or
        its latest comment. GitHub starts no workflow for a reaction."""
        sb, number, wanted = act.sb, act.number, str(act.spec["comment"])
        bots = [
            c for c in sb.comments(number) if c["user"]["login"].lower() == sb.bot_login.lower()
        ]
        if wanted != "latest":
            bots = [c for c in bots if _marks(c["body"], wanted)]
        if not bots:
            raise ApiError(404, f"#{number} has no bot comment {wanted} yet")
        sb.react(bots[-1]["id"], act.by, act.spec["content"])
        return []

    def _add_labels(self, act: _Act) -> list[Run]:
        sb, number = act.sb, act.number
        sb.add_labels(number, act.by, act.spec["labels"])
        return [
            r
            for lb in act.spec["labels"]
            for r in self._issue_run(act, "labeled", number, label=_label(sb, number, lb))
        ]

    def _remove_labels(self, act: _Act) -> list[Run]:
        sb, number = act.sb, act.number
        removed = [_label(sb, number, lb) for lb in act.spec["labels"]]
        sb.remove_labels(number, act.by, act.spec["labels"])
        return [r for lb in removed for r in self._issue_run(act, "unlabeled", number, label=lb)]

    def _close(self, act: _Act) -> list[Run]:
        act.sb.close(act.number, act.by, reason=act.spec.get("reason", "completed"))
        return self._issue_run(act, "closed", act.number)

    def _reopen(self, act: _Act) -> list[Run]:
        act.sb.reopen(act.number, act.by)
        return self._issue_run(act, "reopened", act.number)

    def _edit_body(self, act: _Act) -> list[Run]:
        before = act.sb.issue(act.number).get("body") or ""
        act.sb.edit_body(act.number, act.by, act.spec["body"])
        return self._issue_run(act, "edited", act.number, changes={"body": {"from": before}})

    def _rename_in_config(self, old: str, new: str) -> None:
        """Rename as docs/configuration.md says: the new name first, the old one kept after it."""
        path = self.checkout / ".github" / "mentoring.yml"
        data = load(path.read_bytes(), ".github/mentoring.yml").data or {}
        labels = data.get("labels") or {}
        for key, value in labels.items():
            names = [value] if isinstance(value, str) else list(value)
            if names and names[0].lower() == old.lower():
                labels[key] = [new, *names]
        data["labels"] = labels
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def _edit_config(self, sb: Sandbox, by: str, over: dict[str, Any]) -> None:
        """A push to the default branch that changes ``.github/mentoring.yml``: in the
        checkout the runs read, and in the repository."""
        path = self.checkout / ".github" / "mentoring.yml"
        data = load(path.read_bytes(), ".github/mentoring.yml").data or {}
        text = yaml.safe_dump(deep_merge(data, over), sort_keys=False)
        path.write_text(text, encoding="utf-8")
        sb.set_file(".github/mentoring.yml", text, by=by)

    def _merge_pull(self, act: _Act) -> list[Run]:
        """Open a pull request that adds ``participants_add`` and merge it: the issues its
        closing keywords close, its own close and the push each start their runs."""
        sb, spec = act.sb, act.spec
        number = sb.open_pull_request(
            act.by,
            spec.get("title", "Add graduates"),
            spec.get("body", ""),
            files={"participants.yml": _participants_added(sb, spec.get("participants_add"))},
        )
        merger = spec.get("merged_by", act.by)
        base_sha = sb.pull(number)["base"]["sha"]
        was_open = [n for n in self.opened if sb.issue(n)["state"] == "open"]
        sb.merge_pull_request(number, merger)
        pull = sb.pull(number)
        runs = []
        # Closing keywords close issues as the person who merged: that starts workflows.
        if "closed" in self.triggers.issues:
            for closed in (n for n in was_open if sb.issue(n)["state"] == "closed"):
                payload: dict[str, Any] = {"action": "closed", "issue": sb.issue(closed)}
                runs.append(Run(act.later, "issues.closed", self._payload(sb, merger, payload)))
        if "closed" in self.triggers.pull_request_target:
            payload = {"action": "closed", "number": number, "pull_request": pull}
            name = "pull_request_target.closed"
            runs.append(Run(act.later, name, self._payload(sb, merger, payload)))
        if self.triggers.push:
            after = pull["merge_commit_sha"]
            payload = {"ref": "refs/heads/main", "before": base_sha, "after": after}
            runs.append(Run(act.later + RUN_DELAY, "push", self._payload(sb, merger, payload)))
        return runs

    @staticmethod
    def _payload(sb: Sandbox, sender: str, fields: dict[str, Any]) -> dict[str, Any]:
        """A webhook payload as GitHub sends it: the event's fields, repository, sender."""
        return {**fields, "repository": sb.repository(), "sender": sb.user(sender)}


# What each kind of event does (every one of EVENT_KEYS): the person's action, done, and
# the workflow runs it starts.
_ACTIONS: dict[str, Callable[[Simulation, _Act], list[Run]]] = {
    "open_issue": Simulation._open_issue,
    "assign": Simulation._assign,
    "unassign": Simulation._assign,
    "comment": Simulation._comment,
    "edit_comment": Simulation._change_comment,
    "delete_comment": Simulation._change_comment,
    "react": Simulation._react,
    "add_labels": Simulation._add_labels,
    "remove_labels": Simulation._remove_labels,
    "close": Simulation._close,
    "reopen": Simulation._reopen,
    "edit_body": Simulation._edit_body,
    "rename_label": Simulation._rename_label,
    "edit_config": Simulation._push_config,
    "merge_pull_request": Simulation._merge_pull,
}


def _participants_added(sb: Sandbox, added: list[dict[str, Any]] | None) -> str:
    """participants.yml with ``added`` after its entries, the rest of its text kept."""
    current = load(sb.get_file("participants.yml") or "[]", "participants.yml").data or []
    text = (sb.get_file("participants.yml") or "[]\n").rstrip("\n")
    if current == [] and text.strip().endswith("[]"):
        text = text.strip()[:-2].rstrip("\n")
    entries = yaml.safe_dump(added or [], sort_keys=False, allow_unicode=True)
    return (text + "\n" + entries).lstrip("\n")


def _workflow_of(event: str) -> str:
    """The workflow file a run for ``event`` belongs to: the reconciler's triggers, else
    the graduation workflow's (a merge, a push)."""
    mentoring = ("schedule", "issues", "issue_comment", "workflow_dispatch")
    name = "mentoring" if event in mentoring else "graduation"
    return f".github/workflows/{name}.yml"


def _write_changed(path: Path, text: str) -> None:
    """Write a file of the run's checkout or work directory unless it holds ``text``
    already (most runs: the same participants file, the same scheduled payload), and then
    as a new file: ext4 flushes a file truncated and written again when it is closed
    (``auto_da_alloc``), half a millisecond each. Reading it back costs a tenth of that."""
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return
    path.unlink(missing_ok=True)
    path.write_bytes(data)


def _appended(path: Path, start: int) -> str:
    """What a run appended to the step summary file after its first ``start`` bytes."""
    try:
        with path.open("rb") as file:
            file.seek(start)
            return file.read().decode("utf-8")
    except FileNotFoundError:  # no run has written one yet
        return ""


def _exists(sb: Sandbox, number: int) -> bool:
    """Whether #number is an issue or pull request (the scenario's, or one made since)."""
    try:
        sb.issue(number)
    except ApiError as exc:
        return exc.status != 404
    return True


def _windows(value: Any) -> list[tuple[datetime, datetime]]:
    return [(_time(w["from"], "from"), _time(w["to"], "to")) for w in value or []]


# What a person needs on the repository to do it (GitHub's "Repository roles": triage
# may label, assign, close and reopen any issue; an issue's author, with no role at
# all, may still comment on it, edit it, close it and reopen it, but not label or assign).
_NEEDS_TRIAGE = ("assign", "unassign", "add_labels", "remove_labels")
_AUTHOR_MAY = ("close", "reopen", "edit_body")


def _permitted(sb: Sandbox, by: str, kind: str, spec: dict[str, Any]) -> None:
    role = sb.permission(by)
    triage = ROLES.index(role) >= ROLES.index("triage")
    if kind in (*_NEEDS_TRIAGE, *_AUTHOR_MAY):
        author = sb.issue(int(spec.get("issue", 0)))["user"]["login"]  # 404 if there is none
    if kind == "rename_label" and ROLES.index(role) < ROLES.index("write"):
        raise ApiError(403, f"{by} has {role!r} access; renaming a label needs write or more")
    if kind == "edit_config" and ROLES.index(role) < ROLES.index("write"):
        raise ApiError(403, f"{by} has {role!r} access; pushing to the branch needs write or more")
    if kind in _NEEDS_TRIAGE and not triage:
        raise ApiError(403, f"{by} has {role!r} access; {kind} needs triage or more")
    if kind in _AUTHOR_MAY and not triage and author.lower() != by.lower():
        raise ApiError(
            403,
            f"{by} is not the author of #{spec.get('issue')} and has {role!r} access;"
            f" {kind} needs triage or more",
        )
    if kind == "merge_pull_request":
        merger = str(spec.get("merged_by", by))
        if ROLES.index(sb.permission(merger)) < ROLES.index("write"):
            raise ApiError(
                403, f"{merger} has {sb.permission(merger)!r} access; merging needs write"
            )


def _marks(body: str, wanted: str) -> bool:
    """Whether a comment's markers hold ``KIND:KEY`` (or ``KIND`` without a key)."""
    kind, _, key = wanted.partition(":")
    return any(m["kind"] == kind and (m["key"] or "") == key for m in MARKER_RE.finditer(body))


def _label(sb: Sandbox, number: int, name: str) -> dict[str, Any]:
    """The label object of ``name`` on issue ``number``."""
    labels = sb.issue(number)["labels"]
    return next((lb for lb in labels if lb["name"].lower() == name.lower()), {"name": name})


def _own_marker(body: str) -> re.Match[str] | None:
    """A comment's own marker: its last (Renderer.page puts any other markers before it)."""
    found = None
    for found in MARKER_RE.finditer(body):  # noqa: B007  # the last one is wanted
        pass
    return found


def _action(write: dict[str, Any], run: str) -> dict[str, Any]:
    body = write.get("body") or ""
    match = _own_marker(body) if write.get("type") in ("comment", "edit_comment") else None
    action = {
        "at": write["at"],
        "run": run,
        "issue": write.get("issue"),
        "type": write["type"],
        "kind": match["kind"] if match else None,
        "key": match["key"] if match else None,
        "body": body,
        "users": list(write.get("users") or []),
        "labels": list(write.get("labels") or []),
        "state_reason": write.get("state_reason"),
    }
    if write["type"] == "create_issue":
        action["title"] = write.get("title") or ""
    return action


__all__ = ["SCENARIO_KEYS", "ScenarioError", "Simulation", "load_scenario"]
