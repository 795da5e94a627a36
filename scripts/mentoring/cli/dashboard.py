"""Keep the coordinators' dashboard issue: read what it needs and plan it; the run's
applier writes it.

Run at the end of a scheduled or manual run over every open application, with the rows
that run built. Its cost: one list of the dashboard-labelled issues, one read of its
comments (only while something needs attention and digests are on), list pages of the
recently closed applications (none of these three when the run's GraphQL read had them),
the timeline of each application closed in the last 12 months (its first pairing, for
the figures: in GraphQL's first query for up to 50, else one read each, one request per
100 events over REST), and an edit and a digest only when there is something new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mentoring.cli.reading import Extras, Unread, closed_window
from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.dashboard_plan import (
    DashboardPlan,
    Told,
    find,
    plan_dashboard,
    read_since,
    told,
)
from mentoring.core.model import Issue, IssueSnapshot
from mentoring.core.participants import Participant, Problem
from mentoring.core.planner import mentorship_start
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


def closed_issues(
    repo: Repo,
    config: Config,
    open_rows: Sequence[dash.Row],
    now: datetime,
    listed: Sequence[Issue] | None = None,
) -> list[Issue]:
    """The applications closed within the window that the run's rows do not have, from
    the list (``listed``: the closed applications this run has listed already)."""
    known = {r.number for r in open_rows}
    since = now - closed_window(config)
    if listed is None:
        closed: Sequence[Issue] = repo.closed_issues(config.application.label, since)
    else:
        closed = [i for i in listed if i.updated_at >= since]
    return [issue for issue in closed if issue.number not in known]


class FiguresUnread(Exception):
    """A closed application's timeline the figures need could not be read."""

    def __init__(self, unread: Unread) -> None:
        super().__init__(unread.failure)
        self.unread = unread


def closed_started(
    rows: Sequence[dash.Row],
    issues: Sequence[Issue],
    config: Config,
    inputs: DashboardInputs,
    given: Mapping[int, IssueSnapshot],
) -> dict[int, datetime | None]:
    """The first pairing of each application closed within the figures' year, from its
    timeline (the issue list has none), as the planner dates it: from the run's plans,
    the timelines the listing gave (``given``: GraphQL's first query), else one read each.

    Raises :class:`FiguresUnread` when one cannot be read: figures that leave it out
    would not be the program's.
    """
    by_number = {issue.number: issue for issue in issues}
    started: dict[int, datetime | None] = {}
    for number in dash.closed_for_figures(rows, inputs.now):
        if number in inputs.started:
            started[number] = inputs.started[number]
            continue
        read = given.get(number) or inputs.read(by_number[number])
        if isinstance(read, Unread):
            raise FiguresUnread(read)
        started[number] = mentorship_start(read, config)
    return started


@dataclass(frozen=True)
class Gathered:
    """Every application the figures look at: the run's rows and the closed ones, each
    closed one with its first pairing (by number) read off its timeline."""

    rows: tuple[dash.Row, ...]
    started: Mapping[int, datetime | None]


def gather(
    repo: Repo,
    config: Config,
    rows: Sequence[dash.Row],
    extras: Extras,
    inputs: DashboardInputs,
) -> Gathered:
    """The run's rows and the closed applications' (what the run's read did not have is
    read: a list, and a timeline per closed one GraphQL's first query did not give).

    Raises :class:`GitHubError` or :class:`FiguresUnread` when something cannot be read.
    """
    closed = closed_issues(repo, config, rows, inputs.now, extras.closed)
    rows = [*rows, *(dash.closed_row(issue, config) for issue in closed)]
    started = closed_started(rows, closed, config, inputs, extras.closed_timelines)
    rows = dash.with_started(rows, started)  # the chart's bars of closed ones
    return Gathered(tuple(rows), started)


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
        every = inputs.gathered or gather(repo, config, rows, extras, inputs)
        rows, started = list(every.rows), every.started
        loads = dash.registered_loads(rows, mentors)
        rows = dash.with_suggestions(rows, mentors, loads, config)
        items = _file_items(repo, config, inputs.problems)
        items += dash.attention(rows, loads, config.cadence, now)
        items += dash.entry_items(rows, inputs.graduates)
        figures = dash.figures(rows, loads, inputs.graduated, now, started)
        shown = view.shown_rows(rows, config, now)
        table = view.table(shown, items)
        board = view.Board(rows, items, figures, now)
        body = view.body(inputs.renderer, config, board, inputs.links, table)
        labelled = extras.labelled
        if labelled is None:
            labelled = tuple(repo.issues_labelled(config.labels.dashboard))
        was = _told(repo, config, items, labelled, extras.notices, inputs)
    except GitHubError as exc:
        return Dashboard(failure=f"the dashboard could not be read ({exc})")
    except FiguresUnread as exc:
        if exc.unread.stop is not None:
            log.info("The dashboard waits for a run that can read the closed applications")
            return Dashboard()
        return Dashboard(failure=f"the dashboard's figures could not be read ({exc})")
    plan = plan_dashboard(labelled, body, items, was, config, inputs.renderer)
    for number in plan.ignored:
        log.warning(
            "#%s has the label %r but was not opened by %s: it is not the dashboard; left alone",
            number,
            config.labels.dashboard,
            config.bot,
        )
    _say_waiting(items, was, plan, config)
    return Dashboard(body, tuple(items), tuple(shown), tuple(table), plan)


def _say_waiting(
    items: Sequence[dash.Item], was: Told, plan: DashboardPlan, config: Config
) -> None:
    """Log the new items that wait for the next digest, so a quiet run is not a puzzle."""
    told = {i.key for i in plan.new_items} | was.announced
    waiting = [i for i in items if i.key not in told]
    if not waiting or config.dashboard.digest == "off":
        return
    last = f"{was.last:%Y-%m-%d}" if was.last else "?"
    log.info(
        "%d new dashboard item(s) wait for the next %s digest (the last: %s)",
        len(waiting),
        config.dashboard.digest,
        last,
    )


@dataclass(frozen=True)
class DashboardInputs:
    """What the dashboard takes from the run beside its rows."""

    now: datetime
    renderer: Renderer
    links: view.Links
    graduated: int  # entries in participants.yml
    # Reads a closed application's timeline, as the run reads any issue's (its reader's).
    read: Callable[[Issue], IssueSnapshot | Unread]
    # The first pairing of each application the run read, from its plan's facts: those
    # closed by now need no second read.
    started: Mapping[int, datetime | None]
    graduates: Mapping[str, Participant] = field(default_factory=dict)  # by lower-case login
    problems: Sequence[Problem] = ()  # participants.yml's on the default branch
    gathered: Gathered | None = None  # read already this run (for the waiting notes)


def _file_items(repo: Repo, config: Config, problems: Sequence[Problem]) -> list[dash.Item]:
    """The item for a broken participants.yml, dated by its last change (one read, only
    while it is broken)."""
    if not problems:
        return []
    return dash.file_items(problems, repo.last_changed(config.participants))


def _told(
    repo: Repo,
    config: Config,
    items: Sequence[dash.Item],
    labelled: Sequence[Issue],
    notices: Mapping[int, Notices],
    inputs: DashboardInputs,
) -> Told:
    """What the bot's comments on the dashboard kept told: from the run's first query's
    latest comments when they reach back far enough, else one read."""
    keep = _kept(labelled, config)
    since = read_since(items, config, inputs.now)
    if keep is None or since is None:
        return Told(inputs.now, links=inputs.links)
    found = notices.get(keep)
    given = found.since(since) if found is not None else None
    comments = given if given is not None else repo.comments(keep, since)
    return told(comments, config.bot, inputs.now, inputs.links)


def _kept(labelled: Sequence[Issue], config: Config) -> int | None:
    keep, _, _ = find(labelled, config)
    return keep.number if keep else None


def links_for(env: Mapping[str, str], full_name: str) -> view.Links:
    """The repository's web address, from GITHUB_SERVER_URL (Actions sets it)."""
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    return view.Links(f"{server}/{full_name}")
