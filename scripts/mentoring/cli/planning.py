"""Planning a run's issues: the run's context, what comments need beyond the issue, and
the per-issue planners (an application's, a registration's).

Every planner here is pure over its snapshot and the run's context; only
:class:`Lookups` reads (once a run, and only when a planned comment needs it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from mentoring.cli.applier import Stop
from mentoring.cli.at_ref import logins_at_opening
from mentoring.cli.reading import RestReader, Unread
from mentoring.cli.target import Target
from mentoring.core import dashboard_view as view
from mentoring.core import forms
from mentoring.core.health import UNREADABLE, WORKFLOW_FILE, Schedule, plan_health
from mentoring.core.model import Action, Issue, IssueSnapshot, Kind, PostComment
from mentoring.core.participants import Participant, Problem
from mentoring.core.planner import PastWait, Plan, PlanContext, graduation_candidate, plan
from mentoring.core.registration import RegistrationPlan, plan_registration
from mentoring.core.render import Renderer, TemplateFailed
from mentoring.core.roles import listed_mentee
from mentoring.core.settings import Config
from mentoring.core.site import Site
from mentoring.github.client import GitHubError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class RunContext:
    """What every stage of one run knows from its start, and never changes."""

    config: Config
    graduates: Mapping[str, Participant]  # participants.yml's entries by lower-case login
    graduated: int  # how many entries the checkout's participants.yml has
    # What is wrong with the participants.yml the run read: with any, ``graduates`` is
    # empty and nothing is decided about graduation (a broken file is not a list of who
    # graduated).
    graduates_problems: tuple[Problem, ...] = ()
    target: Target
    now: datetime
    renderer: Renderer
    links: view.Links  # the repository's web addresses
    site: Site | None = None  # the repository, when the event's payload named it
    dry_run: bool = False

    @property
    def every_open(self) -> bool:
        """Whether the run looks at every open application (not an event's issues)."""
        return self.target.numbers is None


class Unplanned(Exception):
    """Planning one issue failed; the run reports it and goes on with the others."""

    def __init__(self, failure: str) -> None:
        super().__init__(failure)
        self.failure = failure


def guarded(number: int, make: Callable[..., T], *args: Any) -> T:
    """``make(*args)``, the pure planning of issue ``number``. If it raises, that is a bug (what
    people write is checked before it is planned); one issue it trips on must not keep the
    run from the others, the dashboard and the summary. The traceback goes to the log, the
    failure to the report (the run ends in failure, so a maintainer sees it)."""
    try:
        return make(*args)
    except TemplateFailed as exc:  # its message says it all: no traceback
        log.error("#%s could not be planned: %s", number, exc)
        raise Unplanned(f"#{number} could not be planned: {exc}") from exc
    except Exception as exc:
        log.exception("#%s could not be planned", number)
        raise Unplanned(
            f"#{number} could not be planned ({type(exc).__name__}: a bug in the automation;"
            " the traceback is in this run's log, please report it). The other issues were"
            " brought up to date"
        ) from exc


def by_mentee(issues: Sequence[Issue], config: Config) -> dict[str, tuple[int, ...]]:
    """Open application issues by their mentee (lower-case login), by the planner's rule."""
    found: dict[str, list[int]] = {}
    for issue in issues:
        mentee = listed_mentee(issue, config)
        if mentee:
            found.setdefault(mentee.lower(), []).append(issue.number)
    return {login: tuple(sorted(numbers)) for login, numbers in found.items()}


class Lookups:
    """What some comments need beyond the issue, read only when a planned comment needs
    it, once a run: the repository (the /ready reply's edit link, the registration form),
    who has an open mentor registration (whom the pairing comment invites to register),
    and the open applications by mentee (a second application's note to coordinators).

    An event run has the repository from its payload, and a scheduled run has listed the
    registrations and applications already; so most runs read none of them.
    """

    def __init__(self, context: RunContext, reader: RestReader) -> None:
        self._reader = reader
        self._config = context.config
        self.site = context.site
        self.registered: frozenset[str] | None = None
        self.applications: dict[str, tuple[int, ...]] | None = None
        self.schedule: Schedule | None = None  # the Actions API's answer, once asked
        self.opened: dict[int, frozenset[str]] = {}  # participants.yml's logins at opening
        # The past year's pairing times for the waiting note: worked out by a scheduled
        # run after its applications (the reconciler's held notes); None until then.
        self.past_wait: PastWait | None = None

    def know(self, applications: Sequence[Issue], registrations: Sequence[Issue]) -> None:
        """What a run over every application listed already."""
        self.applications = by_mentee(applications, self._config)
        if self._config.mentor_registration is not None:
            self.registered = frozenset(i.author.lower() for i in registrations)

    def _posts(self, actions: tuple[Action, ...], kinds: set[Kind]) -> bool:
        return any(isinstance(a, PostComment) and a.kind in kinds for a in actions)

    def _wants_registered(self, actions: tuple[Action, ...]) -> bool:
        return (
            self._config.mentor_registration is not None
            and self.registered is None
            and self._posts(actions, {Kind.PAIRED})
        )

    def _wants_site(self, actions: tuple[Action, ...]) -> bool:
        linking = {Kind.COMMAND}
        if self._config.mentor_registration is not None:
            linking.add(Kind.PAIRED)
        return self.site is None and self._posts(actions, linking)

    def _wants_applications(self, actions: tuple[Action, ...]) -> bool:
        # First contact with an application: the moment to see whether it is a second one.
        return self.applications is None and self._posts(actions, {Kind.WELCOME, Kind.NEEDS_INFO})

    def _wants_schedule(self, actions: tuple[Action, ...]) -> bool:
        # A schedule warning planned on the timeline alone: is the schedule really off?
        return self.schedule is None and self._posts(actions, {Kind.SCHEDULE_HEALTH})

    def missing_for(self, actions: tuple[Action, ...]) -> bool:
        return (
            self._wants_site(actions)
            or self._wants_registered(actions)
            or self._wants_applications(actions)
            or self._wants_schedule(actions)
        )

    def _read_schedule(self) -> Schedule:
        """The schedule's latest run; UNREADABLE (the timeline decides) when the API
        cannot be read, for example without `actions: read`."""
        try:
            return Schedule(self._reader.repo.latest_scheduled_run(WORKFLOW_FILE))
        except GitHubError as exc:
            log.warning("the workflow's scheduled runs could not be read (%s)", exc)
            return UNREADABLE

    def _list_applications(self) -> None:
        """The open applications by mentee, read once a run (one list)."""
        listed = self._reader.open_issues(self._config.application.label)
        self.applications = by_mentee(listed, self._config)

    def read(self, number: int, actions: tuple[Action, ...]) -> Unread | None:
        """Read what ``actions`` need; what could not be read, if anything: the issue then
        waits for the next run rather than get a comment that says less."""
        registration = self._config.mentor_registration
        if self._wants_schedule(actions):
            self.schedule = self._read_schedule()
        try:
            if self._wants_site(actions):
                self.site = self._reader.repo.site()
            if self._wants_registered(actions) and registration is not None:
                listed = self._reader.open_issues(registration.label)
                self.registered = frozenset(i.author.lower() for i in listed)
            if self._wants_applications(actions):
                self._list_applications()
        except GitHubError as exc:
            if exc.rate_limited:
                return Unread(number, stop=Stop.read_refused(exc))
            return Unread(
                number,
                f"#{number}: the repository, its registrations or its applications"
                f" could not be read ({exc})",
            )
        return None

    def for_graduation(self, snapshot: IssueSnapshot, context: PlanContext) -> PlanContext:
        """``context`` with what an entry without ``issue:`` needs to graduate this issue, read
        once a run: participants.yml as it stood when the issue was opened (two requests)
        and the open applications. What cannot be read now leaves it to the next run."""
        number = snapshot.issue.number
        if not graduation_candidate(snapshot, context):
            return context
        try:
            if number not in self.opened:
                then = logins_at_opening(
                    self._reader.repo, self._config.participants, snapshot.issue.created_at
                )
                if then is not None:
                    self.opened[number] = then
            if self.applications is None:
                self._list_applications()
        except GitHubError as exc:
            log.warning("#%s: whether it graduates is left to the next run (%s)", number, exc)
        return replace(context, listed_at_opening=self.opened, applications=self.applications)


def plan_application(snapshot: IssueSnapshot, context: RunContext, lookups: Lookups) -> Plan:
    """Every action an application needs now; in an event run, the schedule's health too."""
    target = context.target
    p = plan(
        snapshot,
        lookups.for_graduation(
            snapshot,
            PlanContext(
                config=context.config,
                graduates=context.graduates,
                now=context.now,
                renderer=context.renderer,
                pull_request=target.pull_request,
                # A run that follows a change to participants.yml serves the people it added.
                just_added=target.graduates_ref is not None,
                closes=target.closes,
                site=lookups.site,
                registered=lookups.registered,
                applications=lookups.applications,
                graduates_unread=bool(context.graduates_problems),
                past_wait=lookups.past_wait,
            ),
        ),
    )
    if not context.every_open:
        # Only event runs can notice the schedule stopped: a scheduled run proves it runs.
        health = plan_health(
            snapshot, p, context.config, context.now, context.renderer, lookups.schedule
        )
        p = replace(p, actions=p.actions + health)
    return p


def plan_registration_issue(
    snapshot: IssueSnapshot, context: RunContext, lookups: Lookups
) -> RegistrationPlan:
    """A mentor registration's welcome and labels, its commands' replies, its away's end."""
    return plan_registration(snapshot, context.config, context.renderer, context.now)


def orphaned_answers(snapshot: IssueSnapshot, config: Config) -> str | None:
    """A line for a dry run when an open application's answers no longer parse (a
    reworded label in the form orphans the answers written under the old heading)."""
    issue, form = snapshot.issue, config.application.form_spec
    if issue.state != "open":
        return None
    orphaned = forms.orphaned_fields(form, issue.body, config.answers_read)
    return forms.describe_orphans(issue.number, form, orphaned) if orphaned else None
