"""Build year-long mentorships straight into a sandbox, as if the bot had run all year.

Used by ``bench_schedule.py`` and by ``tests/cli/test_budget.py``: people's and the bot's
actions go through the sandbox's own methods (no HTTP), in time order, with the markers
the bot writes, so that a scheduled run over them has only the work left ``due``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from mentoring.core.settings import Config
from mentoring.files.config import load_config
from simulator.issue_forms import render_body
from simulator.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]
MENTORS = 20  # a pool of mentors, each with write access, shared by the mentorships
ANSWERS = {
    "name": "Mentee",
    "role": "Maintainer of a subpackage.",
    "availability": "Five hours a week.",
    "code_of_conduct": [
        "I agree to follow the [Astropy Community Code of Conduct]"
        "(https://www.astropy.org/code_of_conduct.html)."
    ],
}


@dataclass(frozen=True)
class Built:
    """What was built: the issue numbers, and those left with a check-in due."""

    numbers: tuple[int, ...]
    due: dict[int, datetime]  # issue -> when its unposted check-in or review fell due
    config: Config


def _marker(kind: str, key: object | None = None) -> str:
    return f"<!-- mentoring:{kind} -->" if key is None else f"<!-- mentoring:{kind}:{key} -->"


def build(
    sb: Sandbox,
    n: int,
    now: datetime,
    due: Iterable[int] = (),
    months: int = 12,
    root: Path = ROOT,
    opened: datetime | None = None,
) -> Built:
    """``n`` mentorships paired a little over ``months`` months before ``now``.

    Every check-in and review up to ``now`` is posted, each by the bot at its due time,
    and every review is answered by the mentor, except for the mentorships at the
    indices in ``due`` (0-based): their latest check-in or review is left for the run.
    Mentorship ``i`` started ``i % 28 + 1`` days (and ``i`` minutes) before ``months``
    months ago, so the latest dues spread over four weeks, the earliest for high ``i % 28``.
    Each issue is opened five days before its start, or with ``opened`` all at that time,
    in index order (so issue numbers no longer follow the starts).
    """
    config = load_config(root)
    bot, coordinator = config.bot, config.coordinators[0]
    form = config.application.form_spec
    labels = config.labels
    sb.set_permission(coordinator, "admin")
    for m in range(MENTORS):
        sb.set_permission(f"mentor{m:02d}", "write")
    left_due = set(due)
    step = config.cadence.checkin_months
    actions: list[tuple[datetime, int, Callable[[], None]]] = []
    num: dict[int, int] = {}  # index -> issue number, known once the issue is opened
    due_index: dict[int, datetime] = {}

    def at(when: datetime, order: int, fn: Callable[[], None]) -> None:
        actions.append((when, order, fn))

    for i in range(n):
        mentee, mentor = f"mentee{i:04d}", f"mentor{i % MENTORS:02d}"
        start = now - relativedelta(months=months) - timedelta(days=i % 28 + 1, minutes=i)
        opened_at = opened or start - timedelta(days=5)
        body = render_body(form, {**ANSWERS, "name": f"Mentee {i}"})

        def open_(i=i, mentee=mentee, body=body) -> None:
            num[i] = sb.open_issue(mentee, "Mentee application", body, labels=list(form.labels))

        def welcome(i=i) -> None:
            number = num[i]
            sb.assign(number, bot, [coordinator])
            sb.comment(number, bot, f"Welcome!\n\n{_marker('welcome')}")
            sb.add_labels(number, bot, [labels.awaiting_mentor])

        def pair(i=i, mentor=mentor) -> None:
            sb.assign(num[i], coordinator, [mentor])

        def paired(i=i, mentor=mentor) -> None:
            number = num[i]
            sb.comment(number, bot, f"Paired with @{mentor}.\n\n{_marker('paired', mentor)}")
            sb.remove_labels(number, bot, [labels.awaiting_mentor])
            sb.add_labels(number, bot, [labels.active])

        at(opened_at, 0, open_)
        at(opened_at + timedelta(seconds=3), 1, welcome)
        at(start, 2, pair)
        at(start + timedelta(seconds=3), 3, paired)
        k = 1
        while (when := start + relativedelta(months=k * step)) <= now:
            kind = "review" if k % config.cadence.review_every == 0 else "checkin"
            latest = start + relativedelta(months=(k + 1) * step) > now
            if latest and i in left_due:
                due_index[i] = when
                break

            def post(i=i, kind=kind, k=k) -> None:
                sb.comment(num[i], bot, f"{kind.title()} {k}.\n\n{_marker(kind, k)}")

            at(when + timedelta(minutes=1), 4, post)
            if kind == "review":

                def reply(i=i, mentor=mentor) -> None:
                    sb.comment(num[i], mentor, "All is well, thank you.")

                at(when + timedelta(days=1), 5, reply)
            k += 1

    # The sandbox's clock only moves forward: play everything in time order.
    for when, _, fn in sorted(actions, key=lambda a: (a[0], a[1])):
        if when > sb.now:
            sb.now = when
        fn()
    if now > sb.now:
        sb.now = now
    due_at = {num[i]: when for i, when in due_index.items()}
    return Built(tuple(num[i] for i in range(n)), due_at, config)


def env_for(sb: Sandbox) -> dict[str, str]:
    """The environment of a scheduled run against ``sb``."""
    return {
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
    }
