"""Schedule health: notice, from an issue's own timeline, that the daily schedule stopped.

GitHub disables scheduled workflows in a public repository after 60 days without
repository activity, and says nothing. Issue and comment events still start runs, so an
event run can see what the schedule should have done: a check-in or review that fell
due more than ``STALL_AFTER`` ago and is still not posted. The planner is about to post
it in this very run; this module adds one warning for the coordinators, with the way to
switch the schedule back on, once per stall and issue (marker key: the due date).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mentoring.core.calendar import bot_comments
from mentoring.core.model import PERIODIC, Action, IssueSnapshot, Kind, PostComment
from mentoring.core.planner import Plan
from mentoring.core.render import Renderer
from mentoring.core.settings import Config

KIND = Kind.SCHEDULE_HEALTH
WORKFLOW = "Mentoring"  # the `name:` of .github/workflows/mentoring.yml
# The schedule runs daily: a due comment more than two days old means two runs missed it.
STALL_AFTER = timedelta(days=2)
# Timeline events after which the schedule may rightly not have posted (no mentor, paused,
# closed, unlabelled): the stall is only counted from the last of them. (Not the
# reconciler's _CHANGES, the events that make the listed issue stale: see there.)
STATE_CHANGES = frozenset(
    {"assigned", "unassigned", "labeled", "unlabeled", "closed", "reopened", "transferred"}
)


def overdue(snapshot: IssueSnapshot, plan: Plan, now: datetime) -> tuple[Kind, datetime] | None:
    """The (kind, due time) of the periodic comment this plan posts late, or None.

    Late means: due more than ``STALL_AFTER`` ago, and the issue's state has not changed
    in that time either (a mentor assigned after a gap, for example, makes a check-in
    due now that the schedule could not post before).
    """
    due = plan.overdue_since
    for action in plan.actions:
        if due is None or not (isinstance(action, PostComment) and action.kind in PERIODIC):
            continue
        changed = max((e.at for e in snapshot.events if e.kind in STATE_CHANGES), default=due)
        if now - max(due, changed) > STALL_AFTER:
            return Kind(action.kind), due
    return None


def plan_health(
    snapshot: IssueSnapshot, plan: Plan, config: Config, now: datetime, renderer: Renderer
) -> tuple[Action, ...]:
    """One warning for the coordinators when the schedule has visibly stopped (event runs)."""
    late = overdue(snapshot, plan, now)
    posted = bot_comments(snapshot.comments, config.bot)
    # The bot has never written here: it is meeting the issue for the first time (the
    # program just switched it on), so the schedule has not stopped, it never ran.
    if late is None or not posted:
        return ()
    kind, due = late
    key = f"{due:%Y-%m-%d}"
    if any(c.kind == KIND and c.key == key for c in posted):
        return ()
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
