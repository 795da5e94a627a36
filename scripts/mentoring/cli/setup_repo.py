"""Set up a repository for the mentoring program: check the config, create the labels.

A maintainer's first step, and safe to run again at any time: it validates
.github/mentoring.yml and the forms it names, checks that the values the workflows
hard-code (bot login, participants path, branch, workflow name) agree with it, creates
or updates every label the program uses (never deleting any), creates or finds the
coordinators' dashboard issue (and says to pin it), checks that the token can reach the
repository and write labels, that each coordinator can be assigned, and that the open
applications still parse against the forms (a reworded label orphans their answers).
--dry-run changes nothing; without GITHUB_TOKEN and GITHUB_REPOSITORY it checks only the
files (a rehearsal before the repository exists) and lists what a token would check too.
"""

import argparse
import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mentoring.actions import annotations, logs, step_summary
from mentoring.cli.dashboard import links_for
from mentoring.cli.version import add_version
from mentoring.core import forms, health
from mentoring.core.dashboard_plan import creation, find
from mentoring.core.dashboard_view import DASHBOARD
from mentoring.core.labels import label_changes, wanted_labels
from mentoring.core.matching import (
    APPLIED_FIELD,
    HELD_FIELD,
    option_problems,
    options_without_roles,
)
from mentoring.core.render import OVERRIDES, Renderer
from mentoring.core.settings import Config
from mentoring.files.config import CONFIG_FILE, FORMS_DIR, load_config
from mentoring.files.participants import load_configured
from mentoring.files.templates import check_overrides, overrides
from mentoring.files.yamlfile import YamlFileError, load
from mentoring.github.client import (
    ConfigurationError,
    GitHubError,
    describe_error,
    make_client,
    repository_name,
)
from mentoring.github.probes import Probes, RepoAccess
from mentoring.github.repository import Repo

log = logging.getLogger("setup_repo")

OK, CHANGED, INFO, WARNING, ERROR = "ok", "changed", "info", "warning", "error"
ICONS = {OK: "✅", CHANGED: "🆕", INFO: "ℹ️", WARNING: "⚠️", ERROR: "❌"}


# No API lists what a GITHUB_TOKEN may do: say what was checked, and what was not.
WORKFLOW_TOKENS = (
    "The checks above used this run's token. Each workflow's own token gets the"
    " `permissions:` its jobs declare; as the workflows say now: {}. Keep those when"
    " editing the workflows."
)


@dataclass
class Report:
    """What setup found and did, one line per item, for the log and the step summary."""

    items: list[tuple[str, str, str | None, int | None]] = field(default_factory=list)

    def add(self, status: str, text: str, file: str | None = None, line: int | None = None) -> None:
        """One item; ``file`` is the repository file it is about, if any, ``line`` its line."""
        self.items.append((status, text, file, line))
        level = {ERROR: logging.ERROR, WARNING: logging.WARNING}.get(status, logging.INFO)
        log.log(level, "%s%s", f"{file}: " if file else "", text)

    @property
    def failed(self) -> bool:
        return any(status == ERROR for status, *_ in self.items)

    def markdown(self, title: str) -> str:
        lines = [f"## {title}", ""]
        lines += [
            f"- {ICONS[status]} {f'`{file}`: ' if file else ''}{text}"
            for status, text, file, _ in self.items
        ]
        return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_version(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="check and report only; change nothing"
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="repository checkout (default: current directory)",
    )
    return parser


def check_participants_file(root: Path, config: Config, report: Report) -> None:
    """Every run reads the participants file: one it cannot read stops them all."""
    try:
        graduates = load_configured(root, config.participants)
    except YamlFileError as exc:
        report.add(ERROR, f"{exc.problem} {exc.fix}", exc.file, exc.line)
        return
    count = len(graduates.problems)
    if count:
        report.add(
            WARNING,
            f"{count} problem{'s' if count != 1 else ''} to fix: run"
            " `python scripts/check_participants.py` to see each on its line.",
            config.participants,
        )
    else:
        report.add(OK, f"{config.participants} lists {len(graduates.entries)} graduates.")


# --- values in the workflows that must follow the config (read locally, no API calls)

WORKFLOWS_DIR = ".github/workflows"
RECONCILER = "mentoring.yml"
GRADUATION = "graduation.yml"
CHECK_PARTICIPANTS = "check-participants.yml"
_BOT_SKIP = re.compile(r"github\.actor\s*!=\s*'([^']*)'")


def check_templates(root: Path, config: Config, report: Report) -> None:
    """The program's own templates: each rendered with the values the shipped one gets."""
    problems = check_overrides(root, config)
    for problem in problems:
        at = f"line {problem.line}: " if problem.line else ""
        report.add(ERROR, at + problem.message, problem.file, problem.line)
    if overrides(root) and not problems:
        report.add(OK, f"The program's own templates in {OVERRIDES}/ are valid.")


def check_roles(root: Path, config: Config, report: Report) -> None:
    """Both forms offer the config's roles, by the same names, and Other: answers are
    matched to roles by the option's text. Without roles, a form that still offers some
    is a warning (keeping the dropdowns is allowed, but nothing they say is matched)."""
    forms_checked = [(config.application.form_spec, APPLIED_FIELD, False)]
    if config.mentor_registration is not None:
        forms_checked.append((config.mentor_registration.form_spec, HELD_FIELD, True))
    before = len(report.items)
    for form, field_id, multiple in forms_checked:
        if config.roles:
            problems = option_problems(form, field_id, config.roles, multiple)
        else:
            unmatched = options_without_roles(form, field_id, CONFIG_FILE)
            problems = [unmatched] if unmatched else []
        for found in problems:
            line = _option_line(root, form.file, field_id, found.option)
            at = f"line {line}: " if line else ""
            status = ERROR if found.error else WARNING
            report.add(status, f"{at}{found.problem} {found.fix}", form.file, line)
    if len(report.items) == before and config.roles:
        report.add(OK, f"Both forms offer the {len(config.roles)} roles of {CONFIG_FILE}.")


def _option_line(root: Path, file: str, field_id: str, option: int | None) -> int | None:
    """The line of a field's option (or of the field) in a form file, if it can be read."""
    try:
        doc = load((root / file).read_bytes(), file)
    except (OSError, YamlFileError):
        return None
    body = doc.data.get("body") if isinstance(doc.data, dict) else None
    for index, element in enumerate(body if isinstance(body, list) else ()):
        if isinstance(element, dict) and element.get("id") == field_id:
            where = ("body", index, "attributes", "options")
            return doc.line((*where, option) if option is not None else ("body", index, "id"))
    return doc.line(("body",))


def load_workflow(root: Path, name: str, report: Report) -> dict[str, Any] | None:
    """A workflow of the checkout, its `on:` under "on" (PyYAML reads the key as True)."""
    file = f"{WORKFLOWS_DIR}/{name}"
    try:
        data = yaml.safe_load((root / file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add(WARNING, "The workflow is missing, so its values were not checked.", file)
        return None
    except UnicodeDecodeError:
        report.add(ERROR, "The workflow is not UTF-8 text: save it as UTF-8.", file)
        return None
    except OSError as exc:
        report.add(ERROR, f"The workflow cannot be read ({exc.strerror}).", file)
        return None
    except yaml.YAMLError as exc:
        report.add(ERROR, f"The workflow is not valid YAML ({exc}).", file)
        return None
    if not isinstance(data, dict):
        report.add(ERROR, "The workflow is not a mapping of keys.", file)
        return None
    if True in data:
        data["on"] = data.pop(True)
    return data


def _glob(pattern: str, path: str) -> bool:
    """GitHub's filter patterns: `**` matches across `/`, `*` and `?` do not."""
    parts = re.split(r"(\*\*|\*|\?)", pattern)
    subst = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.fullmatch("".join(subst.get(p) or re.escape(p) for p in parts), path) is not None


def _filter_problem(data: dict[str, Any], key: str, value: str) -> tuple[str, str] | None:
    """(what the triggers list, the fix) when a trigger's `key:` filter lacks ``value``."""
    on = data.get("on")
    lacking = {
        event: spec[key]
        for event, spec in (on.items() if isinstance(on, dict) else ())
        if isinstance(spec, dict)
        and isinstance(spec.get(key), list)
        and not any(_glob(str(p), value) for p in spec[key] if not str(p).startswith("!"))
    }
    if not lacking:
        return None
    listed = ", ".join(sorted({str(p) for ps in lacking.values() for p in ps})) or "nothing"
    where = " and ".join(lacking)
    entries = f"both `{key}:` entries" if len(lacking) == 2 else f"`{key}:`"
    return listed, f"change {entries} (under {where}) to `{key}: [{value}]`"


def workflow_permissions(root: Path) -> str:
    """The permissions each workflow's jobs declare, read from the files themselves."""
    found = []
    for name in (RECONCILER, GRADUATION, CHECK_PARTICIPANTS, "setup.yml"):
        data = load_workflow(root, name, Report())  # check_workflows reports problems
        jobs = data.get("jobs") if data else None
        if not isinstance(jobs, dict):
            continue
        granted: dict[str, str] = {}
        for job in jobs.values():
            permissions = job.get("permissions") if isinstance(job, dict) else None
            if isinstance(permissions, dict):
                for scope, level in permissions.items():
                    if granted.get(scope) != "write":
                        granted[scope] = str(level)
        listed = ", ".join(f"{scope}: {level}" for scope, level in sorted(granted.items()))
        found.append(f"{name} {listed or 'none'}")
    return "; ".join(found) or "no workflow found"


def check_workflows(root: Path, config: Config, report: Report) -> None:
    """The values the workflows hard-code agree with the config and the code."""
    before = len(report.items)
    reconciler = load_workflow(root, RECONCILER, report)
    if reconciler is not None:
        file = f"{WORKFLOWS_DIR}/{RECONCILER}"
        if reconciler.get("name") != health.WORKFLOW:
            report.add(
                ERROR,
                f"name is {reconciler.get('name')!r} but the schedule warning tells"
                f" coordinators to re-enable the workflow {health.WORKFLOW!r}: change it back"
                f" to `name: {health.WORKFLOW}` (or change WORKFLOW in"
                " scripts/mentoring/core/health.py with it).",
                file,
            )
        for job_id, job in (reconciler.get("jobs") or {}).items():
            skipped = _BOT_SKIP.findall(str(job.get("if", ""))) if isinstance(job, dict) else []
            if config.bot not in skipped:
                report.add(
                    ERROR,
                    f"job {job_id}'s `if:` skips {' and '.join(skipped) or 'no actor'} but the"
                    f" config's bot is {config.bot}, so the bot's own actions could start runs:"
                    f" change it to `github.actor != '{config.bot}'`.",
                    file,
                )
    for name in (GRADUATION, CHECK_PARTICIPANTS):
        data = load_workflow(root, name, report)
        problem = data and _filter_problem(data, "paths", config.participants)
        if problem:
            listed, fix = problem
            report.add(
                ERROR,
                f"paths lists {listed} but the config's participants is"
                f" {config.participants}: {fix}.",
                f"{WORKFLOWS_DIR}/{name}",
            )
    if len(report.items) == before:
        report.add(
            OK,
            f"The workflows in {WORKFLOWS_DIR}/ name the bot, the participants file and the"
            " workflow as the config and the scripts do.",
        )


def check_branches(root: Path, default_branch: str, report: Report) -> None:
    """graduation.yml watches the default branch (GET /repos names it: no extra request)."""
    if not (root / WORKFLOWS_DIR / GRADUATION).exists():
        return  # check_workflows said so already
    data = load_workflow(root, GRADUATION, report)
    problem = data and _filter_problem(data, "branches", default_branch)
    if problem:
        listed, fix = problem
        report.add(
            ERROR,
            f"branches lists {listed} but the repository's default branch is"
            f" {default_branch}, so graduations are never seen: {fix}.",
            f"{WORKFLOWS_DIR}/{GRADUATION}",
        )


def check_access(repo: Probes, report: Report) -> RepoAccess | None:
    """The repository is reachable with the token, has issues on, and is not archived."""
    access = repo.access()
    if access.status != 200:
        report.add(
            ERROR,
            f"The token cannot read {repo.full_name} (HTTP {access.status}). Check"
            " GITHUB_REPOSITORY and that the token has access to this repository"
            + (f" (GitHub wants: {access.needs})." if access.needs else "."),
        )
        return None
    report.add(OK, f"The token can read {repo.full_name}.")
    if not access.has_issues:
        report.add(
            ERROR,
            "Issues are turned off for this repository: turn them on in"
            " Settings → General → Features → Issues.",
        )
    if access.archived:
        report.add(ERROR, "The repository is archived: nothing can be written to it.")
    # A personal token's GET /repos shows the user's role; GITHUB_TOKEN's shows none.
    if access.permissions is not None and not (
        access.permissions.get("push") or access.permissions.get("maintain")
    ):
        report.add(
            ERROR,
            "The token's user has no write access to the repository; labels cannot be"
            " created. Use a token of someone with the Write role or higher.",
        )
    return access


def check_write(repo: Probes, report: Report) -> None:
    """Ask GitHub whether a label write would be allowed, without writing one."""
    allowed, needs = repo.probe_label_write()
    if allowed:
        report.add(OK, "The token may write labels and issues (checked without writing).")
    elif allowed is False:
        report.add(
            ERROR,
            "The token may not write labels or issues"
            + (f" (GitHub wants: {needs})" if needs else "")
            + ". In a workflow the job needs `permissions: issues: write`; a personal token"
            " needs the Issues read and write permission on this repository.",
        )
    else:
        report.add(WARNING, "Could not tell whether the token may write labels.")


def sync_labels(repo: Probes, config: Config, report: Report, dry_run: bool) -> int:
    """Create missing labels and fix colours and descriptions; returns the writes made."""
    writes = 0
    for change in label_changes(wanted_labels(config), repo.labels()):
        if change.kind == "ok":
            report.add(OK, f"Label {change.spec.name!r} is in place.")
            continue
        text = change.describe()
        if dry_run:
            report.add(CHANGED, f"Would {text}.")
            continue
        try:
            if change.kind == "create":
                repo.create_label(change.spec)
            else:
                assert change.current is not None
                repo.update_label(change.current.name, change.spec)
        except GitHubError as exc:
            report.add(ERROR, f"Could not {text} ({describe_error(exc)}).")
            continue
        writes += 1
        done = change.describe(done=True)
        report.add(CHANGED, f"{done[0].upper()}{done[1:]}.")
    return writes


def check_former_labels(
    config: Config, applications: list[tuple[int, tuple[str, ...], str]], report: Report
) -> None:
    """Open applications still carrying a label's former name (made anew, not renamed)."""
    former = {name.casefold(): key for key, name in config.labels.formers}
    for number, labels, _ in applications:
        for name in labels:
            key = former.get(name.casefold())
            if key is not None:
                report.add(
                    WARNING,
                    f"Open application #{number} carries {name!r}, a former name of"
                    f" `labels.{key}`: relabel it {getattr(config.labels, key)!r}, or rename"
                    " the label on GitHub instead of keeping two.",
                )


def check_answers(
    config: Config, applications: list[tuple[int, tuple[str, ...], str]], report: Report
) -> None:
    """Open applications whose answers a reworded form label has cut off (answers are
    found by their ``### label`` heading)."""
    form = config.application.form_spec
    for number, _, body in applications:
        orphaned = forms.orphaned_fields(form, body, config.answers_read)
        if orphaned:
            report.add(WARNING, forms.describe_orphans(number, form, orphaned))


def check_coordinators(repo: Probes, config: Config, report: Report) -> None:
    """New applications are assigned to the coordinators: each must be assignable."""
    for login in config.coordinators:
        can = repo.assignable(login)
        if can:
            report.add(OK, f"Coordinator @{login} can be assigned to issues.")
        elif can is False:
            report.add(
                ERROR,
                f"Coordinator @{login} cannot be assigned to issues in {repo.full_name}."
                " Give them access in Settings → Collaborators and teams (Write works in every"
                " case; members of the repository's organization need only Read), or correct"
                f" the login in {CONFIG_FILE}.",
            )
        else:
            report.add(WARNING, f"Could not check whether @{login} can be assigned.")


# GitHub's API cannot pin an issue (only GraphQL's pinIssue, which GITHUB_TOKEN may not use).
PIN = (
    "Pin it so that coordinators find it at the top of the issue list: open {url}, and in"
    " its **⋯** menu choose **Pin issue** (only in the web interface)."
)


def setup_dashboard(
    repo: Repo, access: RepoAccess, config: Config, report: Report, dry_run: bool, web: str
) -> None:
    """Find the dashboard issue as the run does, or create it as the run would.

    ``web`` is the repository's address in the web interface, for the link to pin it.
    """
    label = config.labels.dashboard
    if not config.dashboard.enabled:
        report.add(INFO, "The dashboard is switched off (`dashboard.enabled: false`).")
        return
    keep, duplicates, others = find(repo.issues_labelled(label), config)
    for number in others:
        report.add(
            WARNING,
            f"#{number} has the label {label!r} but was not opened by {config.bot}, so it is"
            " not the dashboard and the bot never edits it: remove the label from it.",
        )
    if duplicates:
        listed = ", ".join(f"#{i.number}" for i in duplicates)
        report.add(INFO, f"The next scheduled run closes {listed} as copies of the dashboard.")
    if keep is not None:
        closed = "" if keep.state == "open" else " (closed: the next scheduled run reopens it)"
        report.add(
            OK,
            f"The dashboard is #{keep.number}{closed}. "
            + PIN.format(url=f"{web}/issues/{keep.number}"),
        )
        return
    if access.permissions is not None:
        # Only GET /repos with a person's token shows permissions: an issue it opened
        # would be that person's, and the run keeps only the bot's own dashboard.
        report.add(
            INFO,
            f"The dashboard was not created: this token is a person's, and the runs keep only"
            f" an issue {config.bot} opened. The next scheduled run creates it; pin it then.",
        )
        return
    title = config.dashboard.title
    if dry_run:
        report.add(CHANGED, f"Would create the dashboard issue {title!r}, labelled {label!r}.")
        return
    body = Renderer().page("dashboard/new.md.j2", DASHBOARD, config=config)
    try:
        made = repo.create_issue(creation(config, body))
    except GitHubError as exc:
        report.add(ERROR, f"Could not create the dashboard issue ({describe_error(exc)}).")
        return
    if made.author.lower() != config.bot.lower():
        report.add(
            WARNING,
            f"Created the dashboard #{made.number}, but as {made.author}, not the config's bot"
            f" {config.bot}, so the runs will not keep it: close it, and run setup from the"
            " Set up repository workflow.",
        )
        return
    report.add(
        CHANGED,
        f"Created the dashboard #{made.number}. " + PIN.format(url=f"{web}/issues/{made.number}"),
    )


# What only GitHub can answer: a dry run without a token says so rather than stopping.
ONLINE_ONLY = (
    "Not checked without a token (GITHUB_TOKEN and GITHUB_REPOSITORY): that the token can"
    " read the repository, which has issues turned on and is not archived; the labels on"
    " the repository, and which would be created or updated; that the token may write"
    " labels and issues; that each coordinator can be assigned to issues; the dashboard"
    " issue; that graduation.yml watches the default branch; open applications carrying a"
    " label's former name or answers a reworded form cuts off."
)


def offline(report: Report, env: Mapping[str, str]) -> bool:
    """Whether this dry run has no token or no repository to check against (then
    ``report`` says what it leaves unchecked): the files alone are rehearsed."""
    if env.get("GITHUB_TOKEN", "").strip() and env.get("GITHUB_REPOSITORY", "").strip():
        return False
    report.add(INFO, ONLINE_ONLY)
    return True


def conclude(report: Report, title: str, env: Mapping[str, str]) -> int:
    """Print the report, add it to the step summary, annotate its errors; the exit code."""
    text = report.markdown(title)
    print(text)
    step_summary.append(env, text + "\n")
    for status, item, file, line in report.items:
        if status == ERROR:
            annotations.error(item, file=file, line=line)
    return 1 if report.failed else 0


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Check and set up the repository; 0 when all is well, 1 on problems, 2 on bad config."""
    args = _parser().parse_args(argv)
    env = os.environ if env is None else env
    logs.configure()
    report = Report()
    try:
        config = load_config(args.root)
    except YamlFileError as exc:
        annotations.error(f"{exc.problem} {exc.fix}".strip(), file=exc.file, line=exc.line)
        return 2
    # Loading checked, too, that each form applies the label its issues are found by.
    report.add(OK, f"{CONFIG_FILE} and the forms in {FORMS_DIR}/ are valid.")
    check_participants_file(args.root, config, report)
    check_roles(args.root, config, report)
    check_workflows(args.root, config, report)
    check_templates(args.root, config, report)
    if args.dry_run and offline(report, env):
        return conclude(report, "Mentoring setup (dry run, offline: files only)", env)
    try:
        client, full_name = make_client(env), repository_name(env)
    except ConfigurationError as exc:
        annotations.error(str(exc))
        return 2
    repo = Probes(client, full_name)

    try:
        access = check_access(repo, report)
        if access:
            if access.default_branch:
                check_branches(args.root, access.default_branch, report)
            writes = sync_labels(repo, config, report, args.dry_run)
            if not writes:
                check_write(repo, report)  # a write that succeeded already proved it
            check_coordinators(repo, config, report)
            issues = Repo(client, full_name, bot_login=config.bot)
            web = links_for(env, full_name).repository
            setup_dashboard(issues, access, config, report, args.dry_run, web)
            # One list request serves both checks of the open applications.
            applications = repo.open_issues_labelled(config.application.label)
            check_former_labels(config, applications, report)
            check_answers(config, applications, report)
            report.add(INFO, WORKFLOW_TOKENS.format(workflow_permissions(args.root)))
    except GitHubError as exc:
        report.add(ERROR, f"GitHub did not do it ({describe_error(exc)}); run setup again later.")

    title = "Mentoring setup" + (" (dry run: nothing changed)" if args.dry_run else "")
    return conclude(report, title, env)


if __name__ == "__main__":
    sys.exit(main())
