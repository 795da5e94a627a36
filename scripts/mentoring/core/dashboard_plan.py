"""What the dashboard issue needs: found (never two), its body up to date, new items told
in one digest a period.

Pure, like the planner: given the issues carrying the dashboard label, the body it should
have, the attention items and what the dashboard's comments say was told, it returns the
actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from mentoring.core.calendar import bot_comments
from mentoring.core.dashboard import ATTENTION, Item
from mentoring.core.dashboard_view import DIGEST, NOTICE, Links, digest, notice_key
from mentoring.core.model import (
    Action,
    Close,
    Comment,
    CreateIssue,
    EditIssue,
    Issue,
    PostComment,
)
from mentoring.core.render import Renderer
from mentoring.core.settings import DIGEST_DAYS, Config

DUPLICATE = "dashboard-duplicate"


@dataclass(frozen=True)
class DashboardPlan:
    issue: Issue | None  # the dashboard kept (None: it is created by these actions)
    actions: tuple[Action, ...] = field(default_factory=tuple)
    new_items: tuple[Item, ...] = ()  # told in this run's digest
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


@dataclass(frozen=True)
class Told:
    """What the dashboard's comments say the coordinators were told, as read at ``now``:
    the items announced, and when the latest digest went out."""

    now: datetime
    announced: frozenset[str] = frozenset()
    last: datetime | None = None  # the latest digest (or per-run notice, before digests)
    links: Links | None = None  # for the digest's link to the dashboard


def told(comments: Iterable[Comment], bot: str, now: datetime, links: Links | None) -> Told:
    """What the bot's own comments on the dashboard told: every item an ``attention``
    marker names (a digest's, or a per-run notice's from before digests, so an upgrade
    repeats nothing), and the latest of either kind of comment."""
    found = bot_comments(comments, bot)
    keys = frozenset(c.key for c in found if c.kind == ATTENTION and c.key)
    last = max((c.at for c in found if c.kind in (DIGEST, NOTICE)), default=None)
    return Told(now, keys, last, links)


def _day(when: datetime) -> datetime:
    """Midnight UTC of ``when``'s day."""
    return datetime.combine(when.astimezone(UTC).date(), datetime.min.time(), UTC)


def read_since(items: Sequence[Item], config: Config, now: datetime) -> datetime | None:
    """From when the dashboard's comments must be read to know what was told: back to the
    oldest item's ``since`` (it was announced after that) and to the start of the period
    (a digest in it holds the next back). None: nothing to read, as no digest can go out."""
    days = DIGEST_DAYS[config.dashboard.digest]
    if days is None or not items:
        return None
    return min(min(i.since for i in items), _day(now) - timedelta(days=days))


def due(config: Config, was: Told) -> bool:
    """Whether a digest may go out now: digests are on, and none went out in the period
    (counted in calendar days, UTC, so a run a few minutes early still finds it over)."""
    days = DIGEST_DAYS[config.dashboard.digest]
    if days is None:
        return False
    return was.last is None or _day(was.now) - _day(was.last) >= timedelta(days=days)


def plan_dashboard(
    labelled: Sequence[Issue],
    body: str,
    items: Sequence[Item],
    was: Told,
    config: Config,
    renderer: Renderer,
) -> DashboardPlan:
    """Create, reopen or edit the dashboard as needed; close duplicates; when a digest is
    due, tell the items not told before."""
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
    new = tuple(i for i in items if i.key not in was.announced)
    told_now: tuple[Item, ...] = ()
    if new and due(config, was):
        # A new dashboard's number is only known once created: the executor fills it in.
        number = keep.number if keep is not None else 0
        where = f"{was.links.repository}/issues/{number}" if was.links and number else ""
        text, told_now = digest(renderer, config, new, where)
        actions.append(PostComment(number, DIGEST, notice_key(told_now), text))
    return DashboardPlan(keep, tuple(actions), told_now, tuple(others))
