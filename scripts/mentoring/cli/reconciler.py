"""One run as a pipeline: list, read, plan, apply, then the dashboard; a report at the end.

Each issue is read, planned and applied before the next is read. Reading them all first
would leave minutes (PyGithub spaces requests out on GitHub) in which an event run could
act on an issue, and the stale plan then undo or repeat what it did.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from mentoring.cli.applier import Applier, RunReport
from mentoring.cli.dashboard import (
    Dashboard,
    DashboardInputs,
    FiguresUnread,
    Gathered,
    gather,
    plan_run_dashboard,
)
from mentoring.cli.planning import (
    Lookups,
    RunContext,
    Unplanned,
    guarded,
    orphaned_answers,
    plan_application,
    plan_registration_issue,
)
from mentoring.cli.reading import Listing, RestReader, Turn, Unread
from mentoring.cli.target import unmatched_note
from mentoring.core import dashboard as dash
from mentoring.core.dashboard import Row, row_of
from mentoring.core.model import IssueSnapshot
from mentoring.core.planner import PastWait, Plan
from mentoring.core.registration import RegistrationPlan
from mentoring.github.client import GitHubError

log = logging.getLogger(__name__)


def reconcile(context: RunContext, reader: RestReader, applier: Applier) -> RunReport:
    """Bring the run's issues up to date one at a time, then keep the dashboard."""
    listing = reader.listing(context.target, context.graduates, context.now)
    for problem in listing.problems:
        note(applier, problem)
    lookups = Lookups(context, reader)
    if context.every_open:
        lookups.know(
            [p.issue for p in listing.applications], [p.issue for p in listing.registrations]
        )
    run = _Run(context, reader, lookups, applier)
    for turn in reader.turns(listing.applications + listing.revisits, lambda: applier.stopped):
        run.application(turn)
    if listing.stop_after:  # a bulk read cut short: what was read is up to date; stop
        applier.stop(listing.stop_after)
    run.held_notes(listing)
    applier.apply(unmatched_note(context.target, context.config, context.renderer))
    for turn in reader.turns(listing.registrations, lambda: applier.stopped):
        run.registration(turn)
    dashboard = _dashboard(context, reader, applier, run, listing)
    return applier.report(run.plans, run.rows, run.registrations, run.orphans, dashboard)


def note(applier: Applier, unread: Unread) -> None:
    """What could not be read: a stop, a failure, or nothing to say (a deleted issue)."""
    if unread.stop is not None:
        applier.stop(unread.stop)
    if unread.failure:
        applier.fail(unread.failure)


@dataclass
class _Run:
    """The per-issue stages of one run, and what they planned."""

    context: RunContext
    reader: RestReader
    lookups: Lookups
    applier: Applier
    plans: list[Plan] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # the dashboard's, one per plan
    registrations: list[RegistrationPlan] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    # Plans (by index) whose waiting note waits for the past year's figure, and their issues.
    held: list[tuple[int, IssueSnapshot]] = field(default_factory=list)
    gathered: Gathered | None = None  # every application the figures look at, once read

    def application(self, turn: Turn | Unread) -> None:
        """Plan one application (again after a fresh read before writing, and again once
        what its comments need is read); then its dashboard row; then apply."""
        if isinstance(turn, Unread):
            return note(self.applier, turn)
        context, snapshot = self.context, turn.snapshot
        number = snapshot.issue.number
        try:
            p = guarded(number, plan_application, snapshot, context, self.lookups)
            if p.actions and not context.dry_run and turn.early:
                # Read in bulk at the start of the run: look again, fresh, before writing, so
                # an event run that acted since is seen (one read for each issue with work).
                fresh = self.reader.fresh(snapshot.issue, snapshot)
                if isinstance(fresh, Unread):
                    return note(self.applier, fresh)
                snapshot = fresh
                p = guarded(number, plan_application, snapshot, context, self.lookups)
            if self.lookups.missing_for(p.actions):
                # A comment that needs more is planned: read it (once a run), plan again.
                if (missing := self.lookups.read(number, p.actions)) is not None:
                    return note(self.applier, missing)
                p = guarded(number, plan_application, snapshot, context, self.lookups)
            row = guarded(
                number, row_of, snapshot, p.mentorship, context.config, context.now, p.facts
            )
        except Unplanned as exc:
            return self.applier.fail(exc.failure)
        if context.dry_run and (orphans := orphaned_answers(snapshot, context.config)):
            log.warning("%s", orphans)
            self.orphans.append(orphans)
        if p.held_note and context.every_open:
            self.held.append((len(self.plans), snapshot))
        self.plans.append(p)
        self.rows.append(row)
        self.applier.apply(p.actions)

    def held_notes(self, listing: Listing) -> None:
        """The waiting notes held back for the past year's figure: it is worked out once,
        from this run's rows and the closed applications (what the dashboard reads
        anyway, kept for it), then each held issue is planned again with it and only the
        note is applied. Only scheduled runs post the note, in one concurrency group, so
        nothing else posts the note meanwhile; an event run may have paired the issue, so
        each is read again first."""
        if not self.held or self.applier.stopped:
            return
        try:
            self.gathered = gather(
                self.reader.repo, self.context.config, self.rows, listing.extras, inputs(self)
            )
        except (GitHubError, FiguresUnread) as exc:
            log.warning("The waiting notes wait for a run that can read the figures (%s)", exc)
            return
        waits = dash.ended_waits(self.gathered.rows, self.context.now, self.gathered.started)
        self.lookups.past_wait = PastWait.of(waits)
        for index, snapshot in self.held:
            self._held_note(index, snapshot)

    def _held_note(self, index: int, snapshot: IssueSnapshot) -> None:
        """Plan a held issue again, now with the figure, from a fresh read (minutes went by,
        and an event run may have paired it since); a dry run plans from its first read
        and shows only what the figure adds."""
        before = self.plans[index]
        if not self.context.dry_run:
            fresh = self.reader.fresh(snapshot.issue)
            if isinstance(fresh, Unread):
                return note(self.applier, fresh)
            snapshot = fresh
        try:
            p = guarded(
                snapshot.issue.number, plan_application, snapshot, self.context, self.lookups
            )
        except Unplanned as exc:
            return self.applier.fail(exc.failure)
        self.plans[index] = p
        if self.context.dry_run:
            self.applier.apply(tuple(a for a in p.actions if a not in before.actions))
        else:
            self.applier.apply(p.actions)

    def registration(self, turn: Turn | Unread) -> None:
        """Plan one mentor registration (again after a fresh read before writing); apply."""
        if isinstance(turn, Unread):
            return note(self.applier, turn)
        context, snapshot = self.context, turn.snapshot
        number = snapshot.issue.number
        try:
            r = guarded(number, plan_registration_issue, snapshot, context, self.lookups)
            if r.actions and not context.dry_run and turn.early:
                # Read in bulk at the start of the run, as the applications were: look again
                # before writing, so a welcome its `issues.opened` run posted since is seen.
                fresh = self.reader.fresh(snapshot.issue)
                if isinstance(fresh, Unread):
                    note(self.applier, fresh)
                    return self.registrations.append(RegistrationPlan(r.mentor))  # listed
                r = guarded(number, plan_registration_issue, fresh, context, self.lookups)
        except Unplanned as exc:
            return self.applier.fail(exc.failure)
        self.registrations.append(r)
        self.applier.apply(r.actions)


def inputs(run: _Run) -> DashboardInputs:
    """What the dashboard (and the waiting notes' figure) take from the run."""
    context = run.context
    pairs = zip(run.rows, run.plans, strict=True)
    started = {row.number: p.facts.start for row, p in pairs if p.facts}
    return DashboardInputs(
        context.now,
        context.renderer,
        context.links,
        context.graduated,
        run.reader.fresh,
        started,
        context.graduates,
        context.graduates_problems,
        run.gathered,
    )


def _dashboard(
    context: RunContext, reader: RestReader, applier: Applier, run: _Run, listing: Listing
) -> Dashboard | None:
    """Keep the dashboard, in a run over every application that was not cut short."""
    config = context.config
    if not (context.every_open and config.dashboard.enabled):
        return None
    if applier.stopped:
        log.info("The dashboard waits for a run that reads every application")
        return None
    mentors = [r.mentor for r in run.registrations]
    dashboard = plan_run_dashboard(
        reader.repo, config, run.rows, mentors, listing.extras, inputs(run)
    )
    if dashboard.failure:
        applier.fail(dashboard.failure)
    elif dashboard.plan is not None:
        applier.apply(dashboard.plan.actions)
    return dashboard
