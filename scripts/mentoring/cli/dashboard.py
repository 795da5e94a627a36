"""Keep the coordinators' dashboard issue: read what it needs, plan, apply.

Run at the end of a scheduled or manual run over every open application, with the rows
that run built. Its cost is constant: one list of the dashboard-labelled issues, one read
of its comments (only while something needs attention), list pages of the recently
closed applications (none of these three when the run's GraphQL read had them), and an
edit and a notice only when there is something new.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.dashboard_plan import DashboardPlan, find, plan_dashboard
from mentoring.core.model import Action, CreateIssue, Issue, PostComment
from mentoring.core.registration import RegisteredMentor
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.github.client import GitHubError
from mentoring.github.graphql import Notices
from mentoring.github.repository import Repo

log = logging.getLogger(__name__)

FIGURES_DAYS = 365  # the program's figures look back a year


@dataclass
class DashboardOutcome:
    number: int | None = None  # the dashboard issue, once known
    body: str = ""
    items: list[dash.Item] = field(default_factory=list)
    rows: list[dash.Row] = field(default_factory=list)
    shown: list[dash.Row] = field(default_factory=list)  # the rows in the body's table
    table: list[str] = field(default_factory=list)  # the body's table (view.table)
    done: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    plan: DashboardPlan | None = None


def closed_window(config: Config) -> timedelta:
    """How far back the dashboard lists closed applications (by their updated_at)."""
    return timedelta(days=max(config.dashboard.closed_days, FIGURES_DAYS))


def all_rows(
    repo: Repo,
    config: Config,
    open_rows: Sequence[dash.Row],
    now: datetime,
    listed: Sequence[Issue] | None = None,
) -> list[dash.Row]:
    """The run's rows, and rows of applications closed within the window, from the list
    (``listed``: the closed applications this run has listed already, over that window)."""
    known = {r.number for r in open_rows}
    since = now - closed_window(config)
    if listed is None:
        closed: Sequence[Issue] = repo.closed_issues(config.application.label, since)
    else:
        closed = [i for i in listed if i.updated_at >= since]
    return list(open_rows) + [
        dash.closed_row(issue, config) for issue in closed if issue.number not in known
    ]


def keep_dashboard(
    repo: Repo,
    config: Config,
    open_rows: Sequence[dash.Row],
    mentors: Sequence[RegisteredMentor],
    graduated_all: int,
    now: datetime,
    renderer: Renderer,
    links: view.Links,
    *,
    dry_run: bool = False,
    closed: Sequence[Issue] | None = None,
    labelled: Sequence[Issue] | None = None,
    notices: Mapping[int, Notices] | None = None,
) -> DashboardOutcome:
    """Bring the dashboard issue up to date; failures are noted, never raised.
    ``closed``: the closed applications the run listed (see :func:`all_rows`);
    ``labelled``: the dashboard-labelled issues, if the run's GraphQL read had them, and
    ``notices``: the latest comments of those it had."""
    out = DashboardOutcome()
    try:
        rows = all_rows(repo, config, open_rows, now, closed)
        loads = dash.registered_loads(rows, mentors)
        items = dash.attention(rows, loads, config.cadence, now)
        figures = dash.figures(rows, loads, graduated_all, now)
        shown = view.shown_rows(rows, config, now)
        table = view.table(shown, items)
        body = view.body(renderer, config, rows, items, figures, links, now, table)
        if labelled is None:
            labelled = repo.issues_labelled(config.labels.dashboard)
        keep = _kept(labelled, config)
        announced: set[str] = set()
        if items and keep is not None:
            # Items announced earlier were announced on or after their own since.
            since = min(i.since for i in items)
            found = (notices or {}).get(keep)
            given = found.since(since) if found is not None else None
            comments = given if given is not None else repo.comments(keep, since)
            announced = dash.announced(comments, config.bot)
    except GitHubError as exc:
        out.failures.append(f"the dashboard could not be read ({exc})")
        return out
    out.rows, out.items, out.body = rows, items, body
    out.shown, out.table = shown, table
    plan = plan_dashboard(labelled, body, items, announced, config, renderer)
    out.plan = plan
    out.number = plan.issue.number if plan.issue else None
    for number in plan.ignored:
        log.warning(
            "#%s has the label %r but was not opened by %s: it is not the dashboard; left alone",
            number,
            config.labels.dashboard,
            config.bot,
        )
    for action in plan.actions:
        where = f"#{action.issue}" if action.issue else "dashboard"
        log.info("%s: %s%s", where, action.describe(), " (dry run)" if dry_run else "")
    if not dry_run:
        _apply(repo, plan.actions, out)
    return out


def _kept(labelled: Sequence[Issue], config: Config) -> int | None:
    keep, _, _ = find(labelled, config)
    return keep.number if keep else None


def _apply(repo: Repo, actions: Sequence[Action], out: DashboardOutcome) -> None:
    """In order; a failure leaves the rest to the next run (nothing is announced twice:
    a notice is the last action, and its markers are what the next run reads)."""
    for action in actions:
        if isinstance(action, PostComment) and action.issue == 0 and out.number:
            action = replace(action, issue=out.number)
        try:
            if isinstance(action, CreateIssue):
                out.number = repo.create_issue(action).number
            else:
                repo.apply(action)
        except GitHubError as exc:  # WriteFailed, or the look-up after a lost response
            out.failures.append(str(exc))
            return
        out.done.append(f"#{action.issue or out.number}: {action.describe()}")


def links_for(env: Mapping[str, str], full_name: str) -> view.Links:
    """The repository's web address, from GITHUB_SERVER_URL (Actions sets it)."""
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    return view.Links(f"{server}/{full_name}")
