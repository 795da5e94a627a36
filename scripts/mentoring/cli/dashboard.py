"""Keep the coordinators' dashboard issue: read what it needs and plan it; the run's
applier writes it.

Run at the end of a scheduled or manual run over every open application, with the rows
that run built. Its cost is constant: one list of the dashboard-labelled issues, one read
of its comments (only while something needs attention), list pages of the recently
closed applications (none of these three when the run's GraphQL read had them), and an
edit and a notice only when there is something new.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mentoring.cli.reading import Extras, closed_window
from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.dashboard_plan import DashboardPlan, find, plan_dashboard
from mentoring.core.model import Issue
from mentoring.core.participants import Participant
from mentoring.core.registration import RegisteredMentor
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.github.client import GitHubError
from mentoring.github.graphql import Notices
from mentoring.github.repository import Repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dashboard:
    """The dashboard as planned this run: what it shows, and the actions that keep it."""

    body: str = ""
    items: tuple[dash.Item, ...] = ()
    shown: tuple[dash.Row, ...] = ()  # the rows in the body's table
    table: tuple[str, ...] = ()  # the body's table (view.table)
    plan: DashboardPlan | None = None
    failure: str = ""  # why it could not be read, if it could not

    @property
    def number(self) -> int | None:
        """The dashboard issue, when it exists before this run."""
        return self.plan.issue.number if self.plan and self.plan.issue else None


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


def plan_run_dashboard(
    repo: Repo,
    config: Config,
    rows: Sequence[dash.Row],
    mentors: Sequence[RegisteredMentor],
    extras: Extras,
    inputs: DashboardInputs,
) -> Dashboard:
    """Read what the dashboard needs (what the run's own read did not have) and plan it."""
    now = inputs.now
    try:
        rows = all_rows(repo, config, rows, now, extras.closed)
        loads = dash.registered_loads(rows, mentors)
        items = dash.attention(rows, loads, config.cadence, now)
        items += dash.entry_items(rows, inputs.graduates)
        figures = dash.figures(rows, loads, inputs.graduated, now)
        shown = view.shown_rows(rows, config, now)
        table = view.table(shown, items)
        board = view.Board(rows, items, figures, now)
        body = view.body(inputs.renderer, config, board, inputs.links, table)
        labelled = extras.labelled
        if labelled is None:
            labelled = tuple(repo.issues_labelled(config.labels.dashboard))
        announced = _announced(repo, config, items, labelled, extras.notices)
    except GitHubError as exc:
        return Dashboard(failure=f"the dashboard could not be read ({exc})")
    plan = plan_dashboard(labelled, body, items, announced, config, inputs.renderer)
    for number in plan.ignored:
        log.warning(
            "#%s has the label %r but was not opened by %s: it is not the dashboard; left alone",
            number,
            config.labels.dashboard,
            config.bot,
        )
    return Dashboard(body, tuple(items), tuple(shown), tuple(table), plan)


@dataclass(frozen=True)
class DashboardInputs:
    """What the dashboard takes from the run beside its rows."""

    now: datetime
    renderer: Renderer
    links: view.Links
    graduated: int  # entries in participants.yml
    graduates: Mapping[str, Participant] = field(default_factory=dict)  # by lower-case login


def _announced(
    repo: Repo,
    config: Config,
    items: Sequence[dash.Item],
    labelled: Sequence[Issue],
    notices: Mapping[int, Notices],
) -> set[str]:
    """The keys of the items already announced on the dashboard kept."""
    keep = _kept(labelled, config)
    if not items or keep is None:
        return set()
    # Items announced earlier were announced on or after their own since.
    since = min(i.since for i in items)
    found = notices.get(keep)
    given = found.since(since) if found is not None else None
    comments = given if given is not None else repo.comments(keep, since)
    return dash.announced(comments, config.bot)


def _kept(labelled: Sequence[Issue], config: Config) -> int | None:
    keep, _, _ = find(labelled, config)
    return keep.number if keep else None


def links_for(env: Mapping[str, str], full_name: str) -> view.Links:
    """The repository's web address, from GITHUB_SERVER_URL (Actions sets it)."""
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    return view.Links(f"{server}/{full_name}")
