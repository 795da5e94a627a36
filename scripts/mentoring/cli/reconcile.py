"""Reconcile mentoring application issues with what their timelines say should happen.

With no --issue: in a GitHub Actions event, the issues of that event; otherwise every
open application issue. --dry-run prints the plan and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from mentoring.actions import annotations, logs
from mentoring.cli.reconciler import RATE_RESERVE, Target, reconcile, target_from_event
from mentoring.core.registration import mentor_loads
from mentoring.core.render import Renderer
from mentoring.core.summary import mentors_table, table
from mentoring.files.config import load_config
from mentoring.files.participants import load_participants, parse_participants
from mentoring.files.yamlfile import YamlFileError
from mentoring.github.client import (
    ConfigurationError,
    GitHubError,
    Repo,
    describe_error,
    make_client,
    repository_name,
)
from mentoring.github.graphql import Reader

log = logging.getLogger("reconcile")


def _issue_number(value: str) -> int:
    """An issue number: digits only, as the workflow's manual input checks too."""
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"not an issue number: {value!r} (such as 12)")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--issue",
        type=_issue_number,
        action="append",
        metavar="N",
        help="reconcile issue N (repeatable); default: the event's issues or all open ones",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    parser.add_argument(
        "--read",
        choices=("graphql", "rest"),
        default="graphql",
        help="how a run over every open application reads them: GraphQL, 50 issues a"
        " request (default), or REST, a request per issue",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="repository checkout (default: current directory)",
    )
    return parser


def main(
    argv: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run one reconciliation; exit 0 when all planned work was done."""
    try:
        return _main(argv, env, now, sleep)
    except GitHubError as exc:
        if exc.rate_limited:  # not a failure: the next run continues
            annotations.warning(
                f"Stopped early: GitHub's rate limit refused a read ({describe_error(exc)})."
                " The next run continues."
            )
            return 0
        # A read that failed even after SafeRetry's retries: nothing past it can be planned.
        annotations.error(
            f"GitHub did not answer ({describe_error(exc)}), so this run stopped."
            " The next run will try again."
        )
        return 1


def _main(
    argv: list[str] | None,
    env: Mapping[str, str] | None,
    now: datetime | None,
    sleep: Callable[[float], None],
) -> int:
    args = _parser().parse_args(argv)
    env = os.environ if env is None else env
    logs.configure()
    now = now or datetime.now(UTC)
    root = args.root
    try:
        config = load_config(root)
        graduates_file = load_participants(root / config.participants)
        client = make_client(env, sleep=sleep)
        repo = Repo(client, repository_name(env), bot_login=config.bot)
    except YamlFileError as exc:
        annotations.error(f"{exc.problem} {exc.fix}".strip(), file=exc.file, line=exc.line)
        return 2
    except ConfigurationError as exc:
        annotations.error(str(exc))
        return 2
    for problem in graduates_file.problems:
        annotations.warning(problem.message, file=problem.file, line=problem.line)

    event_name = env.get("GITHUB_EVENT_NAME", "")
    dry_run = args.dry_run
    if args.issue:
        target = Target(tuple(args.issue), reason="--issue")
    elif event_name and env.get("GITHUB_EVENT_PATH"):
        payload = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        target = target_from_event(event_name, payload, config, repo)
    else:
        target = Target(None, reason="all open applications")
    graduates = _by_login(graduates_file)
    if target.graduates_ref:
        text = repo.file_text(config.participants, ref=target.graduates_ref)
        graduates = _by_login(parse_participants(text or "[]", config.participants))
    log.info(
        "Reconciling %s (%s)%s",
        "all open applications"
        if target.numbers is None
        else ", ".join(f"#{n}" for n in target.numbers) or "nothing",
        target.reason,
        " as a dry run" if dry_run else "",
    )

    reader = (
        Reader(repo.graphql_query, repo.full_name, RATE_RESERVE, sleep=sleep)
        if args.read == "graphql"
        else None
    )
    outcome = reconcile(
        repo, config, graduates, target, now, Renderer(), dry_run=dry_run, reader=reader
    )
    report = f"## Mentorships ({now:%Y-%m-%d %H:%M} UTC)\n\n" + table(
        outcome.plans, outcome.done, dry_run
    )
    if target.numbers is None and config.mentor_registration is not None:
        # Loads count every open application, so only a run over all of them shows them.
        planned = {r.mentor.issue: [a.describe() for a in r.actions] for r in outcome.registrations}
        report += "\n## Mentors\n\n" + mentors_table(
            [r.mentor for r in outcome.registrations],
            mentor_loads(outcome.plans),
            outcome.done,
            dry_run,
            planned,
        )
    if dry_run:
        print(report)
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(f"{report}\n")
    for failure in outcome.failures:
        annotations.error(f"{failure}. The next run will try again.")
    return 1 if outcome.failures else 0


def _by_login(parsed) -> dict:
    return {p.github.lower(): p for p in parsed.entries}


if __name__ == "__main__":
    sys.exit(main())
