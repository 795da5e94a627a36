"""Check ``participants.yml``: annotations on the lines to fix, a summary, an exit code.

Outside a pull request it checks the file's own rules. In a pull request (with
``GITHUB_TOKEN`` set, or a ``lookup`` passed by a test) it also checks each entry the pull
request adds against that person's mentorship application issue. It only reads from
GitHub, so the read-only token of a pull request from a fork is enough.
"""

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from mentoring.actions import annotations, logs, step_summary
from mentoring.actions.event import WorkflowEvent, read_event
from mentoring.cli.at_ref import participants_at
from mentoring.cli.version import add_version
from mentoring.core.participants import (
    IssueLookup,
    Participants,
    Problem,
    added_entries,
    check_against_issues,
)
from mentoring.core.settings import Config
from mentoring.files.config import CONFIG_FILE, load_config
from mentoring.files.participants import load_participants
from mentoring.files.yamlfile import YamlFileError
from mentoring.github.applications import ApplicationIssues
from mentoring.github.client import (
    ConfigurationError,
    GitHubError,
    describe_error,
    make_client,
    repository_name,
)
from mentoring.github.repository import Repo

__all__ = ["annotation", "check_against_issues", "main", "summary_markdown"]

log = logging.getLogger(__name__)

PULL_REQUEST_EVENTS = {"pull_request", "pull_request_target"}
DEFAULT_FILE = "participants.yml"


class CannotCheck(Exception):
    """The pull request's entries cannot be compared with their issues; says why and how."""


def main(
    argv: list[str] | None = None,
    lookup: IssueLookup | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Check the file; 0 if fine, 1 if it has problems, 2 if it could not be checked."""
    logs.configure(fmt="%(message)s")
    env = os.environ if env is None else env
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a bad option (argparse has printed why)
        return exc.code if isinstance(exc.code, int) else 2

    event = read_event(env)
    in_pull_request = event.name in PULL_REQUEST_EVENTS
    wants_github = in_pull_request and lookup is None and bool(env.get("GITHUB_TOKEN", "").strip())
    config = _config(Path.cwd()) if args.file is None or wants_github else None
    path = args.file
    if path is None:
        path = Path(config.participants if config else DEFAULT_FILE)
    file = path.as_posix()

    current = _load(path, file)
    if current is None:
        return 2
    problems = list(current.problems)

    checked: int | None = None
    if in_pull_request:
        try:
            checked, found = _check_added(args, env, event, config, lookup, current)
        except CannotCheck as exc:
            annotations.error(str(exc), title="participants check could not run")
            return 2
        except GitHubError as exc:
            annotations.error(
                f"Reading the application issues from GitHub failed ({describe_error(exc)})."
                " Nothing is wrong with your change as far as this says: re-run this check.",
                title="participants check could not run",
            )
            return 2
        problems += found

    problems.sort(key=lambda p: p.line)
    if problems:
        for problem in problems:
            print(annotation(problem))
        step_summary.append(env, summary_markdown(file, problems, checked))
        log.error("%s: %d problem(s) to fix, shown above.", file, len(problems))
        return 1
    print(f"{file}: OK ({len(current.entries)} entries)")
    step_summary.append(env, summary_markdown(file, (), checked, entries=len(current.entries)))
    return 0


def _check_added(
    args: argparse.Namespace,
    env: Mapping[str, str],
    event: WorkflowEvent,
    config: Config | None,
    lookup: IssueLookup | None,
    current: Participants,
) -> tuple[int | None, list[Problem]]:
    """How many entries the pull request adds were checked (None: none could be), and
    their problems."""
    repo: Repo | None = None
    if lookup is None:
        if not env.get("GITHUB_TOKEN", "").strip():
            log.info("Not checking entries against their issues: GITHUB_TOKEN is not set.")
            return None, []
        if config is None:
            log.warning(
                "Not checking entries against their issues: %s is missing or has a problem.",
                CONFIG_FILE,
            )
            return None, []
        try:
            repo = Repo(make_client(env), repository_name(env), bot_login=config.bot)
        except ConfigurationError as exc:
            raise CannotCheck(str(exc)) from exc
        lookup = ApplicationIssues(repo, config)
    base = _base_entries(args, event, repo, current.file)
    added = added_entries(base.entries, current.entries)
    log.info("Checking %d added entries against their issues.", len(added))
    author = event.pull_request.author if event.pull_request else None
    coordinators = config.coordinators if config is not None else ()
    found = check_against_issues(
        added, lookup, current.file, author=author, coordinators=coordinators
    )
    return len(added), found


def _base_entries(
    args: argparse.Namespace, event: WorkflowEvent, repo: Repo | None, file: str
) -> Participants:
    """The file as it is on the base branch: from --base, else at the payload's base sha."""
    if args.base is not None:
        base = _load(args.base, str(args.base), missing_ok=True)
        if base is None:
            raise CannotCheck(f"--base {args.base} could not be read (see above).")
        return base
    if repo is None:
        raise CannotCheck(
            "In a pull request with a GitHub lookup, --base PATH (the file as it is on the"
            " base branch) is needed to know which entries the pull request adds."
        )
    sha = _base_sha(event)
    log.info("Reading %s as it is on the base branch (%s).", file, sha[:12])
    # Missing on the base branch: the pull request creates the file, every entry is new.
    return participants_at(repo, file, sha) or Participants(file)


def _base_sha(event: WorkflowEvent) -> str:
    """``pull_request.base.sha`` from the event payload GitHub Actions saves."""
    if not event.path:
        raise CannotCheck(
            "GITHUB_EVENT_PATH is not set, so the pull request's base commit is unknown."
            " Run this in a pull_request workflow, or pass --base PATH."
        )
    if event.problem:
        raise CannotCheck(event.problem)
    sha = event.pull_request.base_sha if event.pull_request else None
    if sha is None:
        raise CannotCheck(
            f"The event payload {event.path} has no pull_request.base.sha."
            " Run this on a pull_request event, or pass --base PATH."
        )
    return sha


def _config(root: Path) -> Config | None:
    """The mentoring config, or None after saying why it cannot be used."""
    if not (root / CONFIG_FILE).is_file():
        log.info("No %s here: checking %s.", CONFIG_FILE, DEFAULT_FILE)
        return None
    try:
        return load_config(root)
    except YamlFileError as exc:
        annotations.warning(
            f"{exc.problem} {exc.fix}".strip()
            + f" Until this is fixed, {DEFAULT_FILE} is checked on its own rules only,"
            " not against the application issues.",
            file=exc.file,
            line=exc.line,
            title=f"{CONFIG_FILE} has a problem",
        )
        return None


def annotation(problem: Problem) -> str:
    """The workflow command that shows ``problem`` on its line in the pull request."""
    return annotations.command(
        "error",
        problem.message,
        file=problem.file,
        line=problem.line,
        title=f"{Path(problem.file).name} needs a change",
    )


def summary_markdown(
    file: str, problems: Sequence[Problem], checked: int | None = None, *, entries: int = 0
) -> str:
    """A markdown report for ``$GITHUB_STEP_SUMMARY``: each problem and how to fix it."""
    against = ""
    if checked is not None:
        against = f"{checked} added entr{'y' if checked == 1 else 'ies'} checked against"
        against += " their application issues.\n"
    if not problems:
        return f"### {file}\n\nOK: {entries} entries, no problems.\n" + (
            f"\n{against}" if against else ""
        )
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    lines = [f"### {file}: {count} to fix", ""]
    for problem in problems:
        message = problem.message.replace("\r", " ").replace("\n", " ")
        lines.append(f"- **line {problem.line}**: {message}")
    lines += [
        "",
        f"Change `{file}` as each point says and push the change to this pull request;"
        " the check runs again by itself.",
    ]
    if against:
        lines += ["", against.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _load(path: Path, file: str, *, missing_ok: bool = False) -> Participants | None:
    try:
        return load_participants(path, file)
    except FileNotFoundError:
        if missing_ok:  # the pull request creates the file: every entry is new
            return Participants(file)
        print(
            f"check_participants: {file} was not found (looked for {path.resolve()})."
            " Run this from the repository root, or pass --file PATH.",
            file=sys.stderr,
        )
    except IsADirectoryError:
        print(f"check_participants: {file} is a directory, not a file.", file=sys.stderr)
    except OSError as exc:
        print(f"check_participants: cannot read {file}: {exc.strerror}.", file=sys.stderr)
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_participants.py",
        description=(
            "Check participants.yml (the program's graduates) and print a GitHub"
            " annotation on the line of each problem. In a pull request, with"
            " GITHUB_TOKEN set, also check each added entry against the person's"
            " application issue. Exit 0 if the file is fine, 1 if it has problems,"
            " 2 if it could not be checked."
        ),
    )
    add_version(parser)
    parser.add_argument(
        "--file",
        type=Path,
        default=None,
        metavar="PATH",
        help=(
            f"the file to check (default: the `participants` path in {CONFIG_FILE},"
            f" else {DEFAULT_FILE})"
        ),
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=None,
        metavar="PATH",
        help=(
            "in a pull request: the file as it is on the base branch (missing means"
            " empty); default: read it from GitHub at the pull request's base commit"
        ),
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
