"""What the dashboard issue needs: found (never two), its body up to date, new items told.

Pure, like the planner: given the issues carrying the dashboard label, the body it should
have, the attention items and the keys already announced, it returns the actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mentoring.core.dashboard import Item
from mentoring.core.dashboard_view import NOTICE, notice, notice_key
from mentoring.core.model import Action, Close, CreateIssue, EditIssue, Issue, PostComment
from mentoring.core.render import Renderer
from mentoring.core.settings import Config

DUPLICATE = "dashboard-duplicate"


@dataclass(frozen=True)
class DashboardPlan:
    issue: Issue | None  # the dashboard kept (None: it is created by these actions)
    actions: tuple[Action, ...] = field(default_factory=tuple)
    new_items: tuple[Item, ...] = ()
    ignored: tuple[int, ...] = ()  # labelled issues someone else opened: left alone


def find(labelled: Iterable[Issue], config: Config) -> tuple[Issue | None, list[Issue], list[int]]:
    """The dashboard to keep, the open duplicates to close, and labelled issues by others.

    Only the bot's own issues count: anyone who may label issues could otherwise have
    the bot overwrite an application's text. The oldest open one is kept; when none is
    open, the most recently closed one (not closed as a duplicate) is reopened.
    """
    bot = config.bot.lower()
    own = sorted(
        (i for i in labelled if not i.is_pull_request and i.author.lower() == bot),
        key=lambda i: (i.created_at, i.number),
    )
    others = sorted(i.number for i in labelled if i.author.lower() != bot)
    opened = [i for i in own if i.state == "open"]
    if opened:
        return opened[0], opened[1:], others
    closed = [i for i in own if i.state_reason != "duplicate"]
    return (closed[-1] if closed else None), [], others


def creation(config: Config, body: str) -> CreateIssue:
    """The action that creates the dashboard issue: the same for the run and for setup."""
    return CreateIssue(config.dashboard.title, body, (config.labels.dashboard,))


def plan_dashboard(
    labelled: Sequence[Issue],
    body: str,
    items: Sequence[Item],
    announced: set[str],
    config: Config,
    renderer: Renderer,
) -> DashboardPlan:
    """Create, reopen or edit the dashboard as needed; close duplicates; announce new items."""
    keep, duplicates, others = find(labelled, config)
    actions: list[Action] = []
    if keep is None:
        actions.append(creation(config, body))
    elif keep.state != "open" or keep.body != body:
        actions.append(EditIssue(keep.number, body, reopen=keep.state != "open"))
    for dup in duplicates:
        assert keep is not None
        text = renderer.page("dashboard/duplicate.md.j2", DUPLICATE, None, dashboard=keep.number)
        actions.append(PostComment(dup.number, DUPLICATE, None, text))
        actions.append(Close(dup.number, "duplicate"))
    new = tuple(i for i in items if i.key not in announced)
    if new:
        # A new dashboard's number is only known once created: the executor fills it in.
        number = keep.number if keep is not None else 0
        actions.append(PostComment(number, NOTICE, notice_key(new), notice(renderer, config, new)))
    return DashboardPlan(keep, tuple(actions), new, tuple(others))
