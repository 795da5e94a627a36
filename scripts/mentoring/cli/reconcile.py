"""Reconcile mentoring application issues with what their timelines say should happen.

With no --issue: in a GitHub Actions event, the issues of that event; otherwise every
open application issue. --dry-run prints the plan and writes nothing.
"""

import argparse
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from mentoring.actions import annotations, logs, step_summary
from mentoring.actions.event import read_event
from mentoring.cli.at_ref import participants_at
from mentoring.cli.dashboard import DashboardOutcome, keep_dashboard, links_for
from mentoring.cli.reconciler import RATE_RESERVE, Outcome, Target, reconcile, target_from_event
from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.model import is_count
from mentoring.core.participants import Participant, Participants
from mentoring.core.registration import mentor_loads
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.core.summary import mentors_table, waiting
from mentoring.files.config import load_config
from mentoring.files.participants import load_configured
from mentoring.files.yamlfile import YamlFileError
from mentoring.github.client import (
    ConfigurationError,
    GitHubError,
    describe_error,
    make_client,
    repository_name,
)
from mentoring.github.graphql import Reader
from mentoring.github.repository import Repo

log = logging.getLogger("reconcile")

PERMISSION_HINT = (
    "Check the token: the workflow's job needs `permissions:` `issues: write` and"
    " `contents: read` (see .github/workflows/mentoring.yml); a personal access token needs"
    " the same (Issues: read and write, Contents: read) and, in an organisation that"
    " enforces SAML single sign-on, must be authorised for it (Settings → Developer"
    " settings → the token → Configure SSO)."
)


def _issue_number(value: str) -> int:
    """An issue number: digits only, as the workflow's manual input checks too."""
    if not is_count(value) or int(value) == 0:
        raise argparse.ArgumentTypeError(f"not an issue number: {value!r} (such as 12)")
    return int(value)


@functools.cache  # built once a process: parsing leaves it as it was
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
        help="how a run reads issues: GraphQL, 50 with their timelines a request"
        " (default), or REST, a request per timeline",
    )
    parser.add_argument(
        "--root",
        type=Path,
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
        if exc.status in (401, 403):
            # Not a rate limit (that is told by headers, above): the token may not read. Each
            # run would end the same way, so say what to check rather than "try again".
            annotations.error(
                f"GitHub refused a request ({describe_error(exc)}), so this run stopped."
                " If GitHub's words speak of a secondary rate limit (sometimes sent without"
                " a Retry-After), the next run continues: nothing to do. Otherwise:"
                f" {PERMISSION_HINT}"
            )
            return 1
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
    root = args.root or Path.cwd()  # the directory at this run, not when the parser was made
    try:
        config = load_config(root)
        graduates_file = load_configured(root, config.participants)
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

    dry_run = args.dry_run
    event = read_event(env)
    if args.issue:
        target = Target(tuple(args.issue), reason="--issue")
    elif event.in_actions:
        if event.problem:
            annotations.error(f"{event.problem} Re-run the workflow; GitHub writes it anew.")
            return 2
        target = target_from_event(event, config, repo)
    else:
        target = Target(None, reason="all open applications")
    graduates = _by_login(graduates_file)
    at_ref = participants_at(repo, config.participants, target.graduates_ref)
    if at_ref is not None:
        graduates = _by_login(at_ref)
    log.info(
        "Reconciling %s (%s)%s",
        "all open applications"
        if target.numbers is None
        else ", ".join(f"#{n}" for n in target.numbers) or "nothing",
        target.reason,
        " as a dry run" if dry_run else "",
    )

    renderer = Renderer()
    # The event's payload names the repository; otherwise it is read if a comment needs it.
    site = event.site if event.in_actions and not event.problem else None
    reader = (
        Reader(repo.graphql_query, repo.full_name, RATE_RESERVE, sleep=sleep)
        if args.read == "graphql"
        else None
    )
    outcome = reconcile(
        repo, config, graduates, target, now, renderer, site=site, dry_run=dry_run, reader=reader
    )
    if outcome.stopped_early:
        annotations.warning(
            f"Stopped early {outcome.stop_reason}; {len(outcome.done)} issues were brought up"
            " to date, least recently updated (the likeliest overdue) first."
            " The next run continues with the rest."
        )
    report, kept = _summary(
        env, repo, config, target, outcome, len(graduates_file.entries), now, renderer, dry_run
    )
    if dry_run:
        print(report)
        if kept is not None and kept.body:
            print(f"## The dashboard's text\n\n{kept.body}\n")
    step_summary.append(env, f"{report}\n")
    for failure in outcome.failures:
        annotations.error(f"{failure}. The next run will try again.")
    return 1 if outcome.failures else 0


def _summary(
    env: Mapping[str, str],
    repo: Repo,
    config: Config,
    target: Target,
    outcome: Outcome,
    graduated: int,
    now: datetime,
    renderer: Renderer,
    dry_run: bool,
) -> tuple[str, DashboardOutcome | None]:
    """The job summary (the dashboard's table, waiting applicants, mentors); a run over
    every application also keeps the dashboard issue, whose result comes back with it."""
    links = links_for(env, repo.full_name)
    rows, items, where = outcome.rows, None, _dashboard_search(links, config)
    kept, table = None, None
    if target.numbers is None and config.dashboard.enabled:
        if outcome.stopped_early:
            log.info("The dashboard waits for a run that reads every application")
        else:
            kept = keep_dashboard(
                repo,
                config,
                outcome.rows,
                [r.mentor for r in outcome.registrations],
                graduated,
                now,
                renderer,
                links,
                dry_run=dry_run,
                closed=outcome.closed,
                labelled=outcome.labelled,
                notices=outcome.notices,
            )
            outcome.failures += kept.failures
            if kept.body:
                rows, items, table = kept.shown, kept.items, kept.table
            if kept.number:
                where = f"the dashboard, #{kept.number} ({links.repository}/issues/{kept.number})"
    if items is None:
        items = dash.attention(rows, [], config.cadence, now)
    this_run = {n: "; ".join(did) for n, did in outcome.done.items()}
    if dry_run:
        this_run = {
            p.mentorship.number: "; ".join(f"would {a.describe()}" for a in p.actions)
            for p in outcome.plans
        }
    report = (
        f"## Mentorships ({now:%Y-%m-%d %H:%M} UTC)\n\n"
        + (f"Everything at a glance, and what needs attention: {where}.\n\n" if where else "")
        + "\n".join(
            view.table(rows, items, this_run)
            if table is None
            else view.with_this_run(table, rows, this_run)  # the dashboard's, made already
        )
        + "\n"
    )
    waiting_for = waiting(outcome.plans, config.cadence.mentor_wait_days)
    if waiting_for:
        report += "\n## Waiting for a mentor\n\n" + waiting_for
    if target.numbers is None and config.mentor_registration is not None:
        # Loads count every open application, so only a run over all of them shows them.
        planned = {r.mentor.issue: [a.describe() for a in r.actions] for r in outcome.registrations}
        report += "\n## Mentors\n\n" + mentors_table(
            [r.mentor for r in outcome.registrations],
            mentor_loads(p.mentorship for p in outcome.plans),
            outcome.done,
            dry_run,
            planned,
        )
    if dry_run and outcome.orphans:
        report += "\n## Answers the form no longer finds\n\n" + "".join(
            f"- {line}\n" for line in outcome.orphans
        )
    return report, kept


def _dashboard_search(links: view.Links, config: Config) -> str:
    """Where the dashboard is, for runs that do not look it up (no request needed)."""
    if not config.dashboard.enabled:
        return ""
    label = config.labels.dashboard
    return f"the issue labelled {label!r} ({links.issues(label, 'open')})"


def _by_login(parsed: Participants) -> dict[str, Participant]:
    return {p.github.lower(): p for p in parsed.entries}


if __name__ == "__main__":
    sys.exit(main())
