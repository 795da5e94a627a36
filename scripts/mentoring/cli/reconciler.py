"""Fetch, plan, apply: one reconciliation run over the issues an event concerns."""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from mentoring.actions.event import WorkflowEvent
from mentoring.cli.at_ref import participants_at
from mentoring.cli.dashboard import closed_window
from mentoring.core import forms
from mentoring.core.closing import closing_references
from mentoring.core.dashboard import Row, row_of
from mentoring.core.health import plan_health
from mentoring.core.model import Action, Issue, IssueSnapshot, Kind, PostComment
from mentoring.core.participants import Participant
from mentoring.core.planner import Plan, PlanContext, plan
from mentoring.core.registration import RegistrationPlan, plan_registration
from mentoring.core.render import Renderer, TemplateFailed
from mentoring.core.roles import listed_mentee
from mentoring.core.settings import Config
from mentoring.core.site import Site
from mentoring.files.participants import named_logins
from mentoring.github.applications import ApplicationIssues
from mentoring.github.client import GitHubError, RateLimited, WriteFailed
from mentoring.github.graphql import GraphQLError, Notices, Page, Reader
from mentoring.github.repository import Repo

log = logging.getLogger(__name__)
T = TypeVar("T")

# Stop before the rate limit runs out, leaving room for other workflows and for people.
RATE_RESERVE = 200
# How far back a run over every application looks for ones a closing keyword closed while
# every run that would have graduated them was lost (an outage, a merge by the bot's token).
CATCH_UP = timedelta(days=60)


@dataclass(frozen=True)
class Target:
    """What a run should look at: issue numbers, or every open application (None)."""

    numbers: tuple[int, ...] | None
    pull_request: int | None = None
    graduates_ref: str | None = None  # read participants.yml at this ref instead of the checkout
    reason: str = ""
    closes: tuple[int, ...] = ()  # what the merged pull request's closing keywords name


@dataclass
class Outcome:
    """What a run did and planned; the command line reports it (annotations, summary)."""

    plans: list[Plan] = field(default_factory=list)
    done: dict[int, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    stopped_early: bool = False
    stop_reason: str = ""  # why it stopped early, as "Stopped early {stop_reason}" reads
    registrations: list[RegistrationPlan] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # the dashboard's, one per plan
    # Dry runs only: open applications whose answers a reworded form label cut off, one
    # line each, for the maintainer who runs it (never posted to people).
    orphans: list[str] = field(default_factory=list)
    # The closed applications a run over every one listed (over the dashboard's window
    # too, when it is on), so the dashboard does not list them again; None if not listed.
    closed: list[Issue] | None = None
    # The dashboard-labelled issues, when the GraphQL read had them; None: not read yet.
    labelled: list[Issue] | None = None
    # The latest comments of those issues the GraphQL read had (the dashboard's notices).
    notices: dict[int, Notices] = field(default_factory=dict)


def target_from_event(event: WorkflowEvent, config: Config, repo: Repo) -> Target:
    """The issues an Actions event concerns; anything else means every open application."""
    if event.name in ("issues", "issue_comment"):
        if event.issue_is_pull_request or event.issue is None:
            return Target(numbers=(), reason="not an issue")
        return Target(numbers=(event.issue,), reason=f"{event.name}.{event.action}")
    if event.name in ("pull_request", "pull_request_target"):
        pull = event.pull_request
        if pull is None or not pull.merged:
            return Target(numbers=(), reason="pull request not merged")
        ref = pull.merge_commit_sha
        # Not pull_request.base.sha: that is the base when the pull request was opened or
        # last pushed, so everyone merged since would count as added. The merge commit's
        # first parent is the default branch just before this merge.
        base = repo.first_parent(ref) if ref else None
        numbers = _issues_of_added(repo, config, base, ref)
        # Closing keywords act only on a pull request into the default branch (GitHub Docs).
        on_default = pull.base_ref is not None and pull.base_ref == event.default_branch
        closes = closing_references(pull.body, repo.full_name) if on_default else ()
        numbers += tuple(n for n in closes if n not in numbers)
        return Target(
            numbers, pull_request=pull.number, graduates_ref=ref, reason="merged", closes=closes
        )
    if event.name == "push":
        numbers = _issues_of_added(repo, config, event.before, event.after)
        return Target(numbers, graduates_ref=event.after, reason="push")
    return Target(numbers=None, reason=event.name or "manual")


def _issues_of_added(
    repo: Repo, config: Config, old_ref: str | None, new_ref: str | None
) -> tuple[int, ...]:
    """Application issues of the people a change to participants.yml adds."""
    new = participants_at(repo, config.participants, new_ref)
    if new is None:
        return ()
    known: set[str] = set()
    if old_ref and set(old_ref) != {"0"}:
        old_text = repo.file_text(config.participants, ref=old_ref)
        named = named_logins(old_text) if old_text is not None else set()
        if named is None:
            log.warning(
                "%s could not be read before this change; the people it adds are left to"
                " the runs that follow",
                config.participants,
            )
            return ()
        known = named
    added = [p for p in new.entries if p.github.casefold() not in known]
    numbers: list[int] = []
    lookup = ApplicationIssues(repo, config)  # by author, or by the form's mentee field
    for entry in added:
        found = (
            [entry.issue]
            if entry.issue
            else [i.number for i in lookup.application_issues_for(entry.github)]
        )
        if not found:
            log.warning(
                "%s was added to %s but has no application issue; nothing to do",
                entry.github,
                config.participants,
            )
        numbers += [n for n in found if n not in numbers]
    return tuple(numbers)


def reconcile(
    repo: Repo,
    config: Config,
    graduates: Mapping[str, Participant],
    target: Target,
    now: datetime,
    renderer: Renderer,
    *,
    site: Site | None = None,
    dry_run: bool = False,
    reader: Reader | None = None,
) -> Outcome:
    """Bring the targeted issues up to date one at a time: read, plan, apply, then the next.

    Applying each plan as soon as it is made keeps the time between reading an issue and
    writing to it as short in a run over every issue as in an event run. Reading them all
    first would leave minutes (PyGithub spaces requests out on GitHub) in which an event
    run could act on an issue, and the stale plan then undo or repeat what it did.
    """
    outcome = Outcome()
    # Event runs can overlap another run on the same issue (a merge fires the graduation
    # workflow and `issues.closed` at once): they look before posting. The scheduled run
    # relies on the snapshot it has just read, to keep to one read per issue.
    check_first = target.numbers is not None
    stop_after = ""  # a bulk read cut short: bring what was read up to date, then stop
    applications: Sequence[Issue | IssueSnapshot]
    registrations: Sequence[Issue | IssueSnapshot]
    if reader is not None and target.numbers is None:
        since = _closed_since(config, graduates, now)
        applications, registrations, stop_after = _read_all(reader, repo, config, outcome, since)
    else:
        applications, registrations = _targeted(repo, config, target, outcome, reader)
    links = _Lookups(repo, config, site, reader)
    if target.numbers is None:
        listed = [_issue(a) for a in applications]
        links.applications = by_mentee(listed, config)
        if config.mentor_registration is not None:
            links.registered = frozenset(_issue(r).author.lower() for r in registrations)
    if target.numbers is None and not outcome.stopped_early and not stop_after:
        applications = [
            *applications,
            *_closed_ungraduated(repo, config, graduates, now, outcome),
        ]

    bulk = target.numbers is None  # a run over every application reads them in bulk
    for issue in applications:
        if outcome.stopped_early:
            break
        snapshot = (
            issue
            if isinstance(issue, IssueSnapshot)
            else _timeline(reader, repo, issue, outcome, bulk)
        )
        if snapshot is None:
            continue

        def plan_now(snapshot: IssueSnapshot = snapshot) -> Plan:
            number = snapshot.issue.number
            return _guarded(
                outcome, number, _plan, snapshot, config, graduates, target, now, renderer, links
            )

        try:
            p = plan_now()
            if p.actions and not dry_run and bulk and issue is snapshot:
                # Read in bulk at the start of the run: look again, fresh, before writing, so
                # an event run that acted since is seen (one read for each issue with work).
                fresh = _fresh(reader, repo, snapshot.issue, outcome)
                if fresh is None:
                    continue
                snapshot = fresh
                p = plan_now(snapshot)
            if links.missing_for(p.actions):
                # A comment that needs more is planned: read it (once a run), plan again.
                if not links.read(outcome, snapshot.issue.number, p.actions):
                    continue
                p = plan_now(snapshot)
            number = snapshot.issue.number
            row = _guarded(outcome, number, row_of, snapshot, p.mentorship, config, now, p.facts)
        except _Unplanned:
            continue
        if dry_run:
            _check_answers(snapshot, config, outcome)
        outcome.plans.append(p)
        outcome.rows.append(row)
        _apply(repo, p.actions, outcome, dry_run, check_first)

    if stop_after:
        _stop(outcome, stop_after)
    for issue in registrations:
        if outcome.stopped_early:
            break
        snapshot = (
            issue
            if isinstance(issue, IssueSnapshot)
            else _timeline(reader, repo, issue, outcome, bulk)
        )
        if snapshot is None:
            continue
        try:
            number = snapshot.issue.number
            r = _guarded(outcome, number, plan_registration, snapshot, config, renderer)
            if r.actions and not dry_run and bulk and issue is snapshot:
                # Read in bulk at the start of the run, as the applications were: look again
                # before writing, so a welcome its `issues.opened` run posted since is seen.
                fresh = _fresh(reader, repo, snapshot.issue, outcome)
                if fresh is None:
                    outcome.registrations.append(RegistrationPlan(r.mentor))  # still listed
                    continue
                r = _guarded(outcome, number, plan_registration, fresh, config, renderer)
        except _Unplanned:
            continue
        outcome.registrations.append(r)
        _apply(repo, r.actions, outcome, dry_run, check_first)

    return outcome


class _Unplanned(Exception):
    """Planning one issue failed; the failure is in the outcome, and the run goes on."""


def _guarded(outcome: Outcome, number: int, make: Callable[..., T], *args: Any) -> T:
    """``make(*args)``, the pure planning of issue ``number``. If it raises, that is a bug (what
    people write is checked before it is planned); one issue it trips on must not keep the
    run from the others, the dashboard and the summary. The traceback goes to the log, the
    failure to the outcome (the run ends in failure, so a maintainer sees it)."""
    try:
        return make(*args)
    except TemplateFailed as exc:
        log.exception("#%s could not be planned", number)
        outcome.failures.append(f"#{number} could not be planned: {exc}")
        raise _Unplanned from exc
    except Exception as exc:
        log.exception("#%s could not be planned", number)
        outcome.failures.append(
            f"#{number} could not be planned ({type(exc).__name__}: a bug in the automation;"
            " the traceback is in this run's log, please report it). The other issues were"
            " brought up to date"
        )
        raise _Unplanned from exc


def _check_answers(snapshot: IssueSnapshot, config: Config, outcome: Outcome) -> None:
    """Say, in a dry run, when an open application's answers no longer parse (a reworded
    label in the form orphans the answers written under the old heading)."""
    issue, form = snapshot.issue, config.application.form_spec
    orphaned = (
        forms.orphaned_fields(form, issue.body, config.answers_read)
        if issue.state == "open"
        else []
    )
    if orphaned:
        line = forms.describe_orphans(issue.number, form, orphaned)
        log.warning("%s", line)
        outcome.orphans.append(line)


def _plan(
    snapshot: IssueSnapshot,
    config: Config,
    graduates: Mapping[str, Participant],
    target: Target,
    now: datetime,
    renderer: Renderer,
    links: "_Lookups",
) -> Plan:
    p = plan(
        snapshot,
        PlanContext(
            config=config,
            graduates=graduates,
            now=now,
            renderer=renderer,
            pull_request=target.pull_request,
            # A run that follows a change to participants.yml serves the people it added.
            just_added=target.graduates_ref is not None,
            closes=target.closes,
            site=links.site,
            registered=links.registered,
            applications=links.applications,
        ),
    )
    if target.numbers is not None:
        # Only event runs can notice the schedule stopped: a scheduled run proves it runs.
        p = replace(p, actions=p.actions + plan_health(snapshot, p, config, now, renderer))
    return p


def _read_all(
    reader: Reader, repo: Repo, config: Config, outcome: Outcome, closed_since: datetime | None
) -> tuple[list[Issue | IssueSnapshot], list[Issue | IssueSnapshot], str]:
    """Every open application and registration with its timeline, over GraphQL, in the
    order the REST path takes them (least recently updated first). Issues GraphQL could
    not give are read over REST in this run (their timelines when their turn comes).
    The same query reads the dashboard's issues and the applications closed since
    ``closed_since`` when it can (``outcome.labelled``, ``.notices``, ``.closed``)."""
    labels = [config.application.label]
    if config.mentor_registration is not None:
        labels.append(config.mentor_registration.label)
    read: list[list[Issue | IssueSnapshot]] = []
    stop = ""
    dashboard = config.labels.dashboard if config.dashboard.enabled else None
    pages = reader.open_issues_of(labels, dashboard, closed_since)
    outcome.labelled, outcome.notices, outcome.closed = (
        reader.dashboard,
        reader.notices,
        reader.closed,
    )
    for label, page in zip(labels, pages, strict=True):
        found: list[Issue | IssueSnapshot] = list(page.snapshots)
        if page.unread and not page.stopped_early:
            missing, stop = _unread_over_rest(repo, label, page, outcome)
            found += missing
        for number, why in page.unread if page.stopped_early else ():
            # The run stops early: what it did not read is the next run's, as the issues
            # of the pages it never asked for are, and no failure of this one.
            log.warning("#%s: left for the next run (%s)", number or "?", why)
        read.append(sorted(found, key=_least_recently_updated))
        if page.stopped_early:
            stop = f"to keep {RATE_RESERVE} GraphQL points for others"
        if stop:
            break
    applications = read[0]
    registrations = [
        s for s in (read[1] if len(read) > 1 else []) if not _is_application(_issue(s), config)
    ]
    return applications, registrations, stop


def _unread_over_rest(
    repo: Repo, label: str, page: Page, outcome: Outcome
) -> tuple[list[Issue], str]:
    """The open issues with ``label`` that GraphQL answered with an error for, over REST,
    and why the run must stop (a rate limit), if it must.

    Only those: each by its number when the answer kept it, else one list of the label's
    issues (a node lost to an error keeps no number), less those GraphQL gave.
    """
    for number, why in page.unread:
        log.warning("#%s: not read over GraphQL (%s); reading it over REST", number or "?", why)
    numbers = [number for number, _ in page.unread]
    given = {s.number for s in page.snapshots}
    try:
        if None in numbers:
            listed = [i for i in repo.open_issues(label) if i.number not in given]
        else:
            listed = [repo.issue(n) for n in numbers if n is not None]
    except GitHubError as exc:
        for number, why in page.unread:
            outcome.failures.append(
                f"#{number or '?'}: could not be read ({why}), nor over REST ({exc})"
            )
        stop = f"as GitHub's rate limit refused a read (HTTP {exc.status})"
        return [], stop if exc.rate_limited else ""
    open_now = [i for i in listed if i.state == "open" and i.has_label(label)]
    return [i for i in open_now if not i.is_pull_request], ""


def _issue(item: Issue | IssueSnapshot) -> Issue:
    return item.issue if isinstance(item, IssueSnapshot) else item


def _least_recently_updated(item: Issue | IssueSnapshot) -> tuple[datetime, datetime, int]:
    """The REST path's order: least recently updated first, ties in creation order."""
    issue = _issue(item)
    return issue.updated_at, issue.created_at, issue.number


def _closed_since(
    config: Config, graduates: Mapping[str, Participant], now: datetime
) -> datetime | None:
    """How far back a run over every application lists closed ones (by updated_at), or
    None when it needs no such list: no entry names an issue and the dashboard is off."""
    named = any(p.issue is not None for p in graduates.values())
    if not named and not config.dashboard.enabled:
        return None
    window = max(CATCH_UP, closed_window(config)) if config.dashboard.enabled else CATCH_UP
    return now - window


def _closed_ungraduated(
    repo: Repo,
    config: Config,
    graduates: Mapping[str, Participant],
    now: datetime,
    outcome: Outcome,
) -> list[Issue]:
    """Closed applications an entry names (``issue: N``) that lack the graduated label.

    A closing keyword closes the issue whether or not a run follows; when none does, the
    schedule still finds it here (from the GraphQL read, or one list request; none when
    no entry names an issue and the dashboard is off). The list reaches back as far as
    the dashboard's too, which keeps it in ``outcome.closed``.
    """
    named = {p.issue for p in graduates.values() if p.issue is not None}
    since = _closed_since(config, graduates, now)
    if since is None:
        return []
    closed = outcome.closed
    if closed is None:
        try:
            closed = repo.closed_issues(config.application.label, since)
        except GitHubError as exc:
            if not named:  # only the dashboard's: it lists again at the end, and says so
                log.warning("closed applications could not be listed (%s)", exc)
                return []
            if exc.rate_limited:
                _stop(outcome, f"as GitHub's rate limit refused a read (HTTP {exc.status})")
            else:
                outcome.failures.append(f"closed applications could not be listed ({exc})")
            return []
        outcome.closed = closed
    return [
        i
        for i in closed
        if i.number in named
        and i.updated_at >= now - CATCH_UP
        and i.state_reason in ("completed", None)
        and not i.has_label(config.labels.graduated)
    ]


def by_mentee(issues: list[Issue], config: Config) -> dict[str, tuple[int, ...]]:
    """Open application issues by their mentee (lower-case login), by the planner's rule."""
    found: dict[str, list[int]] = {}
    for issue in issues:
        mentee = listed_mentee(issue, config)
        if mentee:
            found.setdefault(mentee.lower(), []).append(issue.number)
    return {login: tuple(sorted(numbers)) for login, numbers in found.items()}


class _Lookups:
    """What some comments need beyond the issue, read only when a planned comment needs
    it, once a run: the repository (the /ready reply's edit link, the registration form),
    who has an open mentor registration (whom the pairing comment invites to register),
    and the open applications by mentee (a second application's note to coordinators).

    An event run has the repository from its payload, and a scheduled run has listed the
    registrations and applications already; so most runs read none of them.
    """

    def __init__(
        self, repo: Repo, config: Config, site: Site | None, reader: Reader | None = None
    ) -> None:
        self._repo = repo
        self._reader = reader
        self._config = config
        self.site = site
        self.registered: frozenset[str] | None = None
        self.applications: dict[str, tuple[int, ...]] | None = None

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

    def missing_for(self, actions: tuple[Action, ...]) -> bool:
        return (
            self._wants_site(actions)
            or self._wants_registered(actions)
            or self._wants_applications(actions)
        )

    def _open_issues(self, label: str) -> list[Issue]:
        """The open issues with ``label``: over GraphQL when it gives them all, else REST."""
        found = self._reader.listed(label) if self._reader is not None else None
        return found if found is not None else list(self._repo.open_issues(label))

    def read(self, outcome: Outcome, number: int, actions: tuple[Action, ...]) -> bool:
        """Read what ``actions`` need; False (noted) when it could not be read, and the
        issue then waits for the next run rather than get a comment that says less."""
        registration = self._config.mentor_registration
        try:
            if self._wants_site(actions):
                self.site = self._repo.site()
            if self._wants_registered(actions) and registration is not None:
                listed = self._open_issues(registration.label)
                self.registered = frozenset(i.author.lower() for i in listed)
            if self._wants_applications(actions):
                listed = self._open_issues(self._config.application.label)
                self.applications = by_mentee(listed, self._config)
        except GitHubError as exc:
            if exc.rate_limited:
                _stop(outcome, f"as GitHub's rate limit refused a read (HTTP {exc.status})")
            else:
                outcome.failures.append(
                    f"#{number}: the repository, its registrations or its applications"
                    f" could not be read ({exc})"
                )
            return False
        return True


def _targeted(
    repo: Repo, config: Config, target: Target, outcome: Outcome, reader: Reader | None = None
) -> tuple[list[Issue | IssueSnapshot], list[Issue | IssueSnapshot]]:
    """Application issues, and mentor registrations, in the order to bring them up to date.
    An event run's first issue comes with its timeline when GraphQL gave it (one query);
    the rest are issues alone, whose timelines are read when their turn comes."""
    if target.numbers is None:
        # Least recently updated first: when the budget cannot cover every issue, those the
        # bot has not touched for longest are the likeliest to be overdue.
        listed = sorted(repo.open_issues(config.application.label), key=lambda i: i.updated_at)
        registered: list[Issue] = []
        if config.mentor_registration is not None:
            # The application label wins: the planner handles an issue with both.
            registered = [
                i
                for i in repo.open_issues(config.mentor_registration.label)
                if not _is_application(i, config)
            ]
        return list(listed), list(registered)
    applications: list[Issue | IssueSnapshot] = []
    registrations: list[Issue | IssueSnapshot] = []

    def wanted(issue: Issue) -> bool:  # an issue whose timeline the run plans from
        return _is_application(issue, config) or _is_registration(issue, config)

    for index, number in enumerate(target.numbers):
        # The first issue comes with its timeline in one GraphQL query. The others are read
        # now without it (their labels say what they are), and with it when their turn
        # comes: read now, they would be planned as they were before the writes to the
        # issues ahead of them, however long those took.
        first = index == 0
        found = _over_graphql(reader, number, wanted) if reader is not None and first else None
        item: Issue | IssueSnapshot
        if found is not None:
            issue, item = (found.issue if isinstance(found, IssueSnapshot) else found), found
        else:
            try:
                issue = item = repo.issue(number)
            except GitHubError as exc:
                if exc.rate_limited:
                    _stop(outcome, f"as GitHub's rate limit refused a read (HTTP {exc.status})")
                    break
                if exc.status == 410:  # deleted since the event: nothing left to do
                    log.info("#%s was deleted; nothing to do", number)
                elif exc.status == 301:  # transferred: the other repository's to look after
                    log.info("%s; nothing to do here", exc)
                elif exc.status == 404:
                    outcome.failures.append(
                        f"#{number}: there is no such issue in {repo.full_name}"
                    )
                else:
                    outcome.failures.append(f"#{number}: could not be read ({exc})")
                continue
            if reader is not None and first and wanted(issue):
                # GraphQL could not give it (an error, its points low): its timeline over
                # REST, as its turn has come, rather than asking GraphQL again in the loop.
                snapshot = _read(repo, issue, outcome)
                if snapshot is None:
                    continue
                item = snapshot
        if _is_application(issue, config):  # the application label wins over registration
            applications.append(item)
        elif _is_registration(issue, config):
            registrations.append(item)
        else:
            log.info("#%s is not an application issue; left alone", issue.number)
    return applications, registrations


def _over_graphql(
    reader: Reader, number: int, wanted: Callable[[Issue], bool] | None = None
) -> IssueSnapshot | Issue | None:
    """Issue ``number`` with its timeline in one GraphQL query (the issue alone when
    ``wanted`` says its timeline is not needed); None when it is to be read over REST
    instead: GraphQL has no such issue or could not give it, its points are below the
    reserve, or its rate limit refused the query (REST has its own)."""
    if reader.budget_low():
        return None
    try:
        return reader.issue(number, wanted)
    except GraphQLError as exc:
        log.warning("#%s: not read over GraphQL (%s); reading it over REST", number, exc)
        return None


def _fresh(
    reader: Reader | None, repo: Repo, issue: Issue, outcome: Outcome
) -> IssueSnapshot | None:
    """The issue with its whole timeline as it is now (over GraphQL when there is a
    reader and it can, else over REST); None when it cannot be read (noted) or the REST
    budget is spent."""
    found = _over_graphql(reader, issue.number) if reader is not None else None
    if isinstance(found, IssueSnapshot):
        return found
    return _read(repo, issue, outcome)


def _timeline(
    reader: Reader | None, repo: Repo, issue: Issue, outcome: Outcome, bulk: bool
) -> IssueSnapshot | None:
    """An issue listed without its timeline, read with it when its turn comes: over REST
    in a run over every application (GraphQL could not give it, or it was listed closed),
    as :func:`_fresh` in an event run."""
    return _read(repo, issue, outcome) if bulk else _fresh(reader, repo, issue, outcome)


# Timeline entries that change what the issue list said: labels, assignees, state, title.
# Not core.health.STATE_CHANGES, which answers another question (after which events the
# schedule may rightly not have posted): a rename changes the listed title but not what is
# due, and a transfer is why the schedule here could not have posted before, but changes
# no field of the issue read after it.
_CHANGES = frozenset(
    {"assigned", "unassigned", "labeled", "unlabeled", "closed", "reopened", "renamed"}
)


def _read(repo: Repo, issue: Issue, outcome: Outcome) -> IssueSnapshot | None:
    """The issue's snapshot; None when it cannot be read (noted) or the budget is spent.

    The issue itself comes from a list read at the start of the run; when its timeline
    shows a change after that, the issue is read again, so the plan sees it as it is now.
    """
    if _budget_low(repo):
        _stop(outcome, _reserve_reason(repo))
        return None
    try:
        snapshot = repo.snapshot(issue)
        changed = [e.at for e in snapshot.events if e.kind in _CHANGES]
        changed += [c.created_at for c in snapshot.comments]
        if changed and max(changed) > issue.updated_at:
            snapshot = replace(snapshot, issue=repo.issue(issue.number))
        return snapshot
    except GitHubError as exc:
        if exc.rate_limited:
            _stop(outcome, f"as GitHub's rate limit refused a read (HTTP {exc.status})")
        else:
            outcome.failures.append(f"#{issue.number}: timeline could not be read ({exc})")
        return None


def _apply(
    repo: Repo, actions: tuple[Action, ...], outcome: Outcome, dry_run: bool, check_first: bool
) -> None:
    """Carry out one issue's actions in order; the rest wait for the next run after a failure."""
    for action in actions:
        log.info("#%s: %s%s", action.issue, action.describe(), " (dry run)" if dry_run else "")
    if dry_run or not actions:
        return
    if _budget_low(repo):
        _stop(outcome, _reserve_reason(repo))
        return
    for action in actions:
        try:
            repo.apply(action, check_first=check_first)
        except RateLimited as exc:
            _stop(outcome, f"as GitHub's rate limit refused a write ({exc})")
            return
        except WriteFailed as exc:
            outcome.failures.append(str(exc))
            return  # the rest of this issue waits for the next run, in order
        outcome.done.setdefault(action.issue, []).append(action.describe())


def _stop(outcome: Outcome, reason: str) -> None:
    outcome.stopped_early = True
    outcome.stop_reason = outcome.stop_reason or reason  # the first reason is the one


def _reserve_reason(repo: Repo) -> str:
    return (
        f"to keep {RATE_RESERVE} API requests for others"
        f" ({repo.rate_remaining()} of the hour's requests left)"
    )


def _is_application(issue: Issue, config: Config) -> bool:
    return not issue.is_pull_request and issue.has_label(config.application.label)


def _is_registration(issue: Issue, config: Config) -> bool:
    reg = config.mentor_registration
    return reg is not None and not issue.is_pull_request and issue.has_label(reg.label)


def _budget_low(repo: Repo) -> bool:
    remaining = repo.rate_remaining()
    return remaining is not None and remaining < RATE_RESERVE
