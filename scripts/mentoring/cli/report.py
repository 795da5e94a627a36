"""Report the program's outcomes, quarter by quarter, for funders and steering committees.

Reads every application issue, open and closed, once (GraphQL: fifty with their
timelines a query), and, when report.repositories is set, asks GitHub's search whether
each graduate opened or reviewed a pull request there in the last 90 days.
"""

import argparse
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from mentoring.actions import annotations, logs, step_summary
from mentoring.cli.applier import RATE_RESERVE
from mentoring.cli.program import open_program
from mentoring.cli.version import add_version
from mentoring.core import report as rp
from mentoring.core import report_view
from mentoring.core.logins import is_login
from mentoring.core.model import IssueSnapshot
from mentoring.core.participants import Participants
from mentoring.core.render import TemplateFailed
from mentoring.core.settings import Config
from mentoring.files.templates import program_renderer
from mentoring.github.client import (
    GitHubError,
    describe_error,
)
from mentoring.github.graphql import GraphQL
from mentoring.github.repository import Repo
from mentoring.github.search import Search, SearchStopped

log = logging.getLogger("report")

SEARCH_WAIT_MAX = 60  # minutes: a workflow's job should not idle longer


def _since(value: str) -> date:
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> date:
    raise argparse.ArgumentTypeError(
        f"not a date: {value[:40]!r} (write YYYY-MM-DD, such as 2025-01-01)"
    )


def _minutes(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not 0 <= minutes <= SEARCH_WAIT_MAX:
        raise argparse.ArgumentTypeError(
            f"not a number of minutes from 0 to {SEARCH_WAIT_MAX}: {value[:40]!r}"
        )
    return minutes


@functools.cache
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_version(parser)
    parser.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="report from the quarter holding this day (default: the first application's)",
    )
    parser.add_argument(
        "--format", choices=report_view.FORMATS, default="md", help="md (default), json or csv"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--output", type=Path, metavar="FILE", help="write here (default: print)")
    where.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write all three formats into DIR, as outcomes.md, outcomes.json and outcomes.csv",
    )
    parser.add_argument(
        "--search-wait",
        type=_minutes,
        default=10.0,
        metavar="MINUTES",
        help="how long the run may wait for the search API's rate limit (default 10; 0:"
        " stop at the limit, and say so)",
    )
    parser.add_argument(
        "--root", type=Path, help="repository checkout (default: current directory)"
    )
    return parser


@dataclass(frozen=True)
class _Read:
    snapshots: tuple[IssueSnapshot, ...]
    graphql_queries: int
    graphql_points: int
    rest_requests: int


def main(
    argv: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Write the report; exit 0 when it was written, 1 when GitHub failed, 2 on bad input."""
    args = _parser().parse_args(argv)
    env = os.environ if env is None else env
    logs.configure()
    try:
        return _main(args, env, now, sleep)
    except TemplateFailed as exc:
        annotations.error(f"The report could not be written: {exc}")
        return 1
    except GitHubError as exc:
        annotations.error(
            f"GitHub did not answer ({describe_error(exc)}), so no report was written."
            " Run it again later."
        )
        return 1
    except OSError as exc:
        where = args.output or args.output_dir
        annotations.error(f"The report could not be written to {where}: {exc.strerror}.")
        return 2


def _main(
    args: argparse.Namespace,
    env: Mapping[str, str],
    now: datetime | None,
    sleep: Callable[[float], None],
) -> int:
    root = args.root or Path.cwd()
    program = open_program(root, env, sleep)
    if program is None:
        return 2
    config, graduates, repo = program.config, program.participants, program.repo
    real_clock = now is None
    now = now or datetime.now(UTC)
    if args.since is not None and args.since > now.date():
        annotations.error(
            f"--since {args.since} is after today ({now:%Y-%m-%d}): nothing to report."
        )
        return 2
    slept = [0.0]

    def waiting(seconds: float) -> None:
        slept[0] += seconds
        sleep(seconds)

    def clock() -> float:
        return time.time() if real_clock else now.timestamp() + slept[0]

    read = _applications(repo, config, sleep)
    histories = rp.histories_of(read.snapshots, config, now)
    activity, searches = None, 0
    if config.report.repositories:
        search = Search(repo.client, sleep=waiting, clock=clock, max_wait=args.search_wait * 60)
        activity = _activity(search, config, graduates, now)
        searches = search.queries
    cost = rp.Cost(read.rest_requests, read.graphql_queries, read.graphql_points, searches)
    first = args.since or (min((h.opened for h in histories), default=now)).date()
    report = rp.Report(
        program=config.program.name,
        repository=repo.full_name,
        generated=now,
        since=first,
        applications=len(histories),
        quarters=rp.figures_since(histories, first, now),
        activity=activity,
        cost=cost,
    )
    return _write(args, report, root, env)


def _text(report: rp.Report, form: str, root: Path) -> str:
    """The report in format ``form``."""
    if form == "json":
        return report_view.as_json(report)
    if form == "csv":
        return report_view.as_csv(report)
    return report_view.as_markdown(report, program_renderer(root))


def _write(args: argparse.Namespace, report: rp.Report, root: Path, env: Mapping[str, str]) -> int:
    """Write the report where the arguments say, and the Markdown to the job summary."""
    if args.output_dir is not None:
        args.output_dir.mkdir(parents=True, exist_ok=True)
        for form in report_view.FORMATS:
            (args.output_dir / f"outcomes.{form}").write_text(
                _text(report, form, root), encoding="utf-8"
            )
        log.info("Wrote outcomes.md, .json and .csv in %s", args.output_dir)
    elif args.output is not None:
        args.output.write_text(_text(report, args.format, root), encoding="utf-8")
        log.info("Wrote %s (%s quarters)", args.output, len(report.quarters))
    else:
        sys.stdout.write(_text(report, args.format, root))
    step_summary.append(env, _text(report, "md", root))
    if report.activity is not None and report.activity.stopped:
        annotations.warning(f"Not every graduate was checked: {report.activity.stopped}")
    return 0


def _applications(repo: Repo, config: Config, sleep: Callable[[float], None]) -> _Read:
    """Every application, open and closed, with its timeline: over GraphQL, fifty a
    query, and over REST the few GraphQL could not give."""
    points = [0]

    def counted(query: str, variables: dict) -> tuple[dict, dict]:
        headers, body = repo.graphql_query(query, variables)
        rate = (body.get("data") or {}).get("rateLimit") if isinstance(body, dict) else None
        points[0] += int(rate["cost"]) if rate else 0
        return headers, body

    graphql = GraphQL(counted, repo.full_name, RATE_RESERVE, sleep=sleep)
    page = graphql.all_issues(config.application.label)
    if page.stopped_early:
        raise GitHubError("the GraphQL points ran low before every application was read")
    snapshots = list(page.snapshots)
    rest = 0
    if page.unread:
        # A node lost to an error keeps no number: list them all over REST then.
        known = {s.number for s in snapshots}
        numbers = [n for n, _ in page.unread]
        issues = (
            [i for i in repo.issues_labelled(config.application.label) if i.number not in known]
            if None in numbers
            else [repo.issue(n) for n in numbers if n is not None]
        )
        rest += 1 if None in numbers else len(issues)
        for issue in issues:
            snapshots.append(repo.snapshot(issue))
            rest += 1
    snapshots.sort(key=lambda s: s.number)
    return _Read(tuple(snapshots), graphql.requests, points[0], rest)


def _activity(
    search: Search, config: Config, graduates: Participants, now: datetime
) -> rp.Activity:
    """How many graduates opened or reviewed a pull request lately, searched one by one
    (two queries for one who opened none), as far as the search's rate limit allows."""
    repositories = config.report.repositories
    since = rp.activity_since(now)
    logins = list(dict.fromkeys(p.github.lower() for p in graduates.entries if is_login(p.github)))
    checked = active = 0
    stopped = ""
    for login in logins:
        try:
            found = any(search.count(q) for q in rp.activity_queries(login, repositories, since))
        except SearchStopped as exc:
            stopped = f"{exc}; {checked} of {len(logins)} graduates were checked."
            break
        except GitHubError as exc:
            # 422 for a repository the token cannot see; the figures above stand.
            stopped = (
                f"the search failed ({describe_error(exc)}); {checked} of {len(logins)}"
                " graduates were checked. A private repository in report.repositories is"
                " searched only with a token that can read it."
            )
            break
        checked += 1
        active += found
    return rp.Activity(
        repositories=repositories,
        since=since,
        graduates=len(logins),
        checked=checked,
        active=active,
        queries=search.queries,
        waited_seconds=search.waited,
        stopped=stopped,
    )


if __name__ == "__main__":
    sys.exit(main())
