"""The run's one writer: it owns the request budget, the order of the writes, why a run
stops early and what failed, and hands back an immutable report of it all."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, assert_never

from mentoring.core.model import Action, CreateIssue
from mentoring.github.client import GitHubError, RateLimited
from mentoring.github.repository import Repo

if TYPE_CHECKING:
    from mentoring.cli.dashboard import Dashboard
    from mentoring.core.dashboard import Row
    from mentoring.core.planner import Plan
    from mentoring.core.registration import RegistrationPlan

log = logging.getLogger(__name__)

# Stop before the rate limit runs out, leaving room for other workflows and for people.
RATE_RESERVE = 200


class StopReason(Enum):
    """Why a run stopped before it was done; the next run continues."""

    REST_RESERVE = "rest-reserve"  # few REST requests left this hour
    GRAPHQL_RESERVE = "graphql-reserve"  # few GraphQL points left this hour
    READ_REFUSED = "read-refused"  # the rate limit refused a read
    WRITE_REFUSED = "write-refused"  # the rate limit refused a write


@dataclass(frozen=True)
class Stop:
    """A stop reason with its data; :meth:`words` is the one place it is worded."""

    reason: StopReason
    detail: str = ""  # requests left, the refused read's HTTP status, the refused write

    @classmethod
    def read_refused(cls, exc: GitHubError) -> Stop:
        return cls(StopReason.READ_REFUSED, str(exc.status))

    def words(self) -> str:
        """Why the run stopped, as it ends "Stopped early ..." in the run's warning."""
        match self.reason:
            case StopReason.REST_RESERVE:
                return (
                    f"to keep {RATE_RESERVE} API requests for others"
                    f" ({self.detail} of the hour's requests left)"
                )
            case StopReason.GRAPHQL_RESERVE:
                return f"to keep {RATE_RESERVE} GraphQL points for others"
            case StopReason.READ_REFUSED:
                return f"as GitHub's rate limit refused a read (HTTP {self.detail})"
            case StopReason.WRITE_REFUSED:
                return f"as GitHub's rate limit refused a write ({self.detail})"
            case _:
                assert_never(self.reason)


def rest_budget_low(repo: Repo) -> Stop | None:
    """The stop a REST request must not go past (the hour's reserve reached), or None."""
    remaining = repo.rate_remaining()
    if remaining is not None and remaining < RATE_RESERVE:
        return Stop(StopReason.REST_RESERVE, str(remaining))
    return None


@dataclass(frozen=True)
class RunReport:
    """What a run did and planned, for the command line to report (annotations, summary)."""

    plans: tuple[Plan, ...] = ()
    rows: tuple[Row, ...] = ()  # the dashboard's, one per plan
    registrations: tuple[RegistrationPlan, ...] = ()
    done: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # writes, by issue
    failures: tuple[str, ...] = ()
    stop: Stop | None = None
    # Dry runs only: open applications whose answers a reworded form label cut off, one
    # line each, for the maintainer who runs it (never posted to people).
    orphans: tuple[str, ...] = ()
    dashboard: Dashboard | None = None  # as planned, in a run over every application
    created: int | None = None  # the issue the run created (a new dashboard)

    @property
    def stopped_early(self) -> bool:
        return self.stop is not None


class Applier:
    """Carries out the run's actions in order, one issue at a time, within the budget.

    After a failed write the rest of that issue's actions wait for the next run, in
    order: an announcement always comes after the effect it announces, so it is never
    posted alone. Reads report their failures and stops here too, so one place decides
    when the run ends and what it says.
    """

    def __init__(self, repo: Repo, *, dry_run: bool, check_first: bool) -> None:
        self._repo = repo
        self.dry_run = dry_run
        # Event runs can overlap another run on the same issue (a merge fires the graduation
        # workflow and `issues.closed` at once): they look before posting. The scheduled
        # run relies on the snapshot it has just read, to keep to one read per issue.
        self._check_first = check_first
        self._done: dict[int, list[str]] = {}
        self._failures: list[str] = []
        self._stop: Stop | None = None
        self.created: int | None = None  # the issue this run created (the dashboard)

    @property
    def stopped(self) -> bool:
        return self._stop is not None

    def stop(self, stop: Stop) -> None:
        """Stop the run; the first reason given is the one reported."""
        self._stop = self._stop or stop

    def fail(self, failure: str) -> None:
        """Note a failure: the run goes on with the other issues, and ends in failure."""
        self._failures.append(failure)

    def apply(self, actions: Sequence[Action]) -> bool:
        """Carry out one issue's actions in order; whether all of them were (or, in a dry
        run, would be) carried out."""
        for action in actions:
            where = f"#{action.issue}" if action.issue else "new issue"
            log.info("%s: %s%s", where, action.describe(), " (dry run)" if self.dry_run else "")
        if self.dry_run or not actions:
            return True
        if self.stopped:  # the run decided to stop: no write goes past that
            return False
        if (low := rest_budget_low(self._repo)) is not None:
            self.stop(low)
            return False
        return all(self._write(action) for action in actions)  # in order, to the first failure

    def _write(self, action: Action) -> bool:
        if action.issue == 0 and self.created is not None:
            # Addressed to the issue this run created, whose number was not known when planned.
            action = replace(action, issue=self.created)
        try:
            if isinstance(action, CreateIssue):
                self.created = self._repo.create_issue(action).number
            else:
                self._repo.apply(action, check_first=self._check_first)
        except RateLimited as exc:
            self.stop(Stop(StopReason.WRITE_REFUSED, str(exc)))
            return False
        except GitHubError as exc:  # WriteFailed, or the look-up after a lost response
            self._failures.append(str(exc))
            return False
        number = action.issue or self.created or 0
        self._done.setdefault(number, []).append(action.describe())
        return True

    def report(
        self,
        plans: Sequence[Plan],
        rows: Sequence[Row],
        registrations: Sequence[RegistrationPlan],
        orphans: Sequence[str],
        dashboard: Dashboard | None,
    ) -> RunReport:
        """Everything the run did and planned, frozen."""
        return RunReport(
            plans=tuple(plans),
            rows=tuple(rows),
            registrations=tuple(registrations),
            done={number: tuple(did) for number, did in self._done.items()},
            failures=tuple(self._failures),
            stop=self._stop,
            orphans=tuple(orphans),
            dashboard=dashboard,
            created=self.created,
        )
