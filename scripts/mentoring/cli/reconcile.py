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
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from mentoring.actions import annotations, logs, step_summary
from mentoring.actions.event import WorkflowEvent, read_event
from mentoring.cli.applier import RATE_RESERVE, Applier, RunReport
from mentoring.cli.at_ref import participants_at
from mentoring.cli.dashboard import links_for
from mentoring.cli.planning import RunContext
from mentoring.cli.program import open_program
from mentoring.cli.reading import GraphQLReader, RestReader
from mentoring.cli.reconciler import reconcile
from mentoring.cli.target import Target, target_from_event
from mentoring.cli.version import NAME, VERSION, add_version
from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.model import is_count
from mentoring.core.participants import Participant, Participants
from mentoring.core.registration import mentor_loads
from mentoring.core.render import TemplateFailed
from mentoring.core.settings import Config
from mentoring.core.summary import mentors_table, waiting
from mentoring.files.templates import program_renderer
from mentoring.github.client import (
    GitHubError,
    describe_error,
)
from mentoring.github.graphql import GraphQL
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
    add_version(parser)
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
    except TemplateFailed as exc:  # outside an issue's plan (the dashboard, a note): stop
        annotations.error(f"This run stopped: {exc}")
        return 1
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
    program = open_program(root, env, sleep)
    if program is None:
        return 2
    config, graduates_file, repo = program.config, program.participants, program.repo
    for problem in graduates_file.problems:
        annotations.warning(problem.message, file=problem.file, line=problem.line)

    event = read_event(env)
    if event.in_actions and event.problem and not args.issue:
        annotations.error(f"{event.problem} Re-run the workflow; GitHub writes it anew.")
        return 2
    target = _target(args, event, config, repo)
    read = _graduates(repo, config, target, graduates_file)
    context = RunContext(
        config=config,
        # A broken file is no list of who graduated: nothing is decided from it.
        graduates={} if read.problems else _by_login(read),
        graduated=len(graduates_file.entries),
        graduates_problems=read.problems,
        target=target,
        now=now,
        renderer=program_renderer(root),  # the program's own templates first
        links=links_for(env, repo.full_name),
        # The event's payload names the repository; otherwise it is read if a comment needs it.
        site=event.site if event.in_actions and not event.problem else None,
        dry_run=args.dry_run,
    )
    _log_start(context)
    reader = (
        GraphQLReader(
            repo, config, GraphQL(repo.graphql_query, repo.full_name, RATE_RESERVE, sleep=sleep)
        )
        if args.read == "graphql"
        else RestReader(repo, config)
    )
    applier = Applier(repo, dry_run=args.dry_run, check_first=not context.every_open)
    report = reconcile(context, reader, applier)
    return _report(env, context, report)


def _graduates(repo: Repo, config: Config, target: Target, checkout: Participants) -> Participants:
    """participants.yml as the run's graduation decisions read it: at the event's ref, else
    the checkout's. One with problems holds them all, and the run says so once."""
    at_ref = participants_at(repo, config.participants, target.graduates_ref)
    read = at_ref if at_ref is not None else checkout
    if read.problems:
        annotations.warning(
            f"{config.participants} has problems, so this run graduates nobody and posts no"
            " note about graduation; everything else goes on. Fix it in a pull request.",
            file=config.participants,
            line=read.problems[0].line,
        )
    return read


def _target(args: argparse.Namespace, event: WorkflowEvent, config: Config, repo: Repo) -> Target:
    """What the run looks at: the issues named, the event's, or every open application."""
    if args.issue:
        return Target(tuple(args.issue), reason="--issue")
    if event.in_actions:
        return target_from_event(event, config, repo)
    return Target(None, reason="all open applications")


def _log_start(context: RunContext) -> None:
    target = context.target
    log.info(
        "Reconciling %s (%s)%s",
        "all open applications"
        if target.numbers is None
        else ", ".join(f"#{n}" for n in target.numbers) or "nothing",
        target.reason,
        " as a dry run" if context.dry_run else "",
    )


def _report(env: Mapping[str, str], context: RunContext, report: RunReport) -> int:
    """Tell the maintainer what the run did: annotations, the job summary (printed too in a
    dry run); exit 1 when something failed."""
    if report.stop is not None:
        # Issues written to: those that needed nothing were up to date already. A run over
        # every application takes the least recently updated (the likeliest overdue) first.
        order = ", least recently updated first" if context.every_open else ""
        annotations.warning(
            f"Stopped early {report.stop.words()}; {len(report.done)} issues were written"
            f" to before it{order}. The next run continues with the rest."
        )
    summary = _summary(context, report)
    dashboard = report.dashboard
    if context.dry_run:
        print(summary)
        if dashboard is not None and dashboard.body:
            print(f"## The dashboard's text\n\n{dashboard.body}\n")
    step_summary.append(env, f"{summary}\n")
    for failure in report.failures:
        annotations.error(f"{failure}. The next run will try again.")
    return 1 if report.failures else 0


def _summary(context: RunContext, report: RunReport) -> str:
    """The job summary: the dashboard's table, waiting applicants, registered mentors."""
    config, now, dashboard = context.config, context.now, report.dashboard
    where = _dashboard_search(context.links, config)
    number = dashboard and (dashboard.number or report.created)
    if number:
        where = f"the dashboard, #{number} ({context.links.repository}/issues/{number})"
    this_run = {n: "; ".join(did) for n, did in report.done.items()}
    if context.dry_run:
        this_run = {
            p.mentorship.number: "; ".join(f"would {a.describe()}" for a in p.actions)
            for p in report.plans
        }
    if dashboard is not None and dashboard.body:
        shown, table = list(dashboard.shown), list(dashboard.table)
    else:
        shown = list(report.rows)
        table = view.table(shown, dash.attention(shown, [], config.cadence, now))
    text = (
        f"## Mentorships ({now:%Y-%m-%d %H:%M} UTC)\n\n"
        + (f"Everything at a glance, and what needs attention: {where}.\n\n" if where else "")
        + "".join(f"{line}\n" for line in table)
        + _summary_tables(shown, this_run)
    )
    waiting_for = waiting(report.plans, config.cadence.mentor_wait_days)
    if waiting_for:
        text += "\n## Waiting for a mentor\n\n" + waiting_for
    if context.every_open and config.mentor_registration is not None:
        # Loads count every open application, so only a run over all of them shows them.
        mentors = [r.mentor for r in report.registrations]
        planned = {r.mentor.issue: [a.describe() for a in r.actions] for r in report.registrations}
        done = {n: list(did) for n, did in report.done.items()}
        loads = mentor_loads(p.mentorship for p in report.plans)
        text += "\n## Mentors\n\n" + (
            mentors_table(mentors, loads, done, context.dry_run, planned)
            or "No mentor registration is open.\n"
        )
    if context.dry_run and report.orphans:
        text += "\n## Answers the form no longer finds\n\n" + "".join(
            f"- {line}\n" for line in report.orphans
        )
    return text + f"\n<sub>{NAME} {VERSION}</sub>\n"


def _summary_tables(shown: Sequence[dash.Row], this_run: Mapping[int, str]) -> str:
    """The job summary's tables beside the dashboard's: what this run did on each issue,
    and in full what the dashboard folds away; a table only when it has a row."""
    text = ""
    for title, lines in (
        ("This run", view.this_run_table(shown, this_run)),
        ("Replies and check-ins", view.more_table(shown)),
        ("What the application forms say", view.form_table(shown)),
    ):
        if lines:
            text += f"\n### {title}\n\n" + "".join(f"{line}\n" for line in lines)
    return text


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
