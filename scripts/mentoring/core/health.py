"""Schedule health: notice that the daily schedule stopped, and only then.

GitHub disables scheduled workflows in a public repository after 60 days without
repository activity, and says nothing. Issue and comment events still start runs, so an
event run can see what the schedule should have done: a check-in or review that fell
due and is still not posted. The planner is about to post it in this very run; this
module adds one warning for the coordinators, with the way to switch the schedule back
on, once per stall and issue (marker key: the due date).

A late post alone proves nothing: a pause, a close or a mentor's absence that began
after the due time kept every scheduled run since from posting it, rightly. Two steps:

1. The timeline: the clock ran (not paused, open, with a mentor) for more than
   ``STALL_AFTER`` since the due time. Otherwise nothing is said, and nothing is read.
2. The Actions API: the workflow's latest scheduled run. One that started within
   ``STALL_AFTER`` and did not fail means the schedule works: nothing is said. When the
   API could not be read, the timeline decides alone, counting the stall only from the
   issue's last change of state as well (a change may explain a missed post): a real
   stall may then go unreported on this issue, but no working schedule is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mentoring.core.calendar import active_age, bot_comments
from mentoring.core.model import PERIODIC, Action, IssueSnapshot, Kind, PostComment
from mentoring.core.planner import Plan
from mentoring.core.render import Renderer
from mentoring.core.settings import Config

KIND = Kind.SCHEDULE_HEALTH
WORKFLOW = "Mentoring"  # the `name:` of .github/workflows/mentoring.yml
WORKFLOW_FILE = "mentoring.yml"  # the file that holds the schedule, in .github/workflows/
# The schedule runs daily: a due comment more than two days old means two runs missed it.
STALL_AFTER = timedelta(days=2)
# Timeline events after which the schedule may rightly not have posted (no mentor, paused,
# closed, unlabelled): without the Actions API, the stall is only counted from the last of
# them. (Not the reconciler's _CHANGES, the events that make the listed issue stale.)
STATE_CHANGES = frozenset(
    {"assigned", "unassigned", "labeled", "unlabeled", "closed", "reopened", "transferred"}
)
# Conclusions of a run that did not do its work (GitHub's check conclusions).
FAILED = frozenset({"failure", "startup_failure", "timed_out", "action_required"})


@dataclass(frozen=True)
class ScheduledRun:
    """A run the workflow's schedule started, as the Actions API lists it."""

    created_at: datetime
    conclusion: str | None  # None while it runs


@dataclass(frozen=True)
class Schedule:
    """What the Actions API said of the schedule: its latest run, None if it never ran;
    ``read`` False when the API could not be read."""

    latest: ScheduledRun | None
    read: bool = True

    def works(self, now: datetime) -> bool:
        """A scheduled run started within ``STALL_AFTER`` and did not fail."""
        run = self.latest
        return (
            run is not None and now - run.created_at <= STALL_AFTER and run.conclusion not in FAILED
        )


UNREADABLE = Schedule(None, read=False)


def overdue(plan: Plan, now: datetime) -> tuple[Kind, datetime] | None:
    """The (kind, due time) of the periodic comment this plan posts after the clock ran
    more than ``STALL_AFTER`` since it fell due, or None."""
    due = plan.overdue_since
    stops = list(plan.facts.stops) if plan.facts is not None else []
    if due is None or active_age(due, stops, now) <= STALL_AFTER.total_seconds():
        return None
    for action in plan.actions:
        if isinstance(action, PostComment) and action.kind in PERIODIC:
            return Kind(action.kind), due
    return None


def _changed_since(snapshot: IssueSnapshot, plan: Plan, due: datetime, now: datetime) -> bool:
    """Whether the issue's state changed too recently to blame the schedule alone: the
    clock ran less than ``STALL_AFTER`` since the last change after ``due``."""
    changed = max((e.at for e in snapshot.events if e.kind in STATE_CHANGES), default=due)
    stops = list(plan.facts.stops) if plan.facts is not None else []
    return active_age(max(due, changed), stops, now) <= STALL_AFTER.total_seconds()


def suspected(
    snapshot: IssueSnapshot, plan: Plan, config: Config, now: datetime
) -> tuple[Kind, datetime] | None:
    """The late comment the timeline alone blames on the schedule, not warned of yet."""
    late = overdue(plan, now)
    posted = bot_comments(snapshot.comments, config.bot)
    # The bot has never written here: it is meeting the issue for the first time (the
    # program just switched it on), so the schedule has not stopped, it never ran.
    if late is None or not posted:
        return None
    if any(c.kind == KIND and c.key == f"{late[1]:%Y-%m-%d}" for c in posted):
        return None
    return late


def plan_health(
    snapshot: IssueSnapshot,
    plan: Plan,
    config: Config,
    now: datetime,
    renderer: Renderer,
    schedule: Schedule | None = None,
) -> tuple[Action, ...]:
    """One warning for the coordinators when the schedule has stopped (event runs).

    ``schedule``: the Actions API's answer; None while not asked, and then the warning is
    planned on the timeline alone, for the caller to ask (the API is read only when the
    timeline suggests a stall) and plan again with the answer.
    """
    late = suspected(snapshot, plan, config, now)
    if late is None:
        return ()
    kind, due = late
    if schedule is not None and schedule.works(now):
        return ()  # the schedule runs: the issue's own state held the comment back
    if schedule is not None and not schedule.read and _changed_since(snapshot, plan, due, now):
        return ()
    key = f"{due:%Y-%m-%d}"
    body = renderer.comment(
        KIND,
        key,
        coordinators=list(config.coordinators),
        workflow=WORKFLOW,
        kind=kind,
        due=due,
        days=(now - due).days,
    )
    return (PostComment(snapshot.number, KIND, key, body),)
