"""Reading a run's issues: one interface, over REST or over GraphQL.

A reader first lists what the run looks at (:meth:`RestReader.listing`), then hands out
each issue's whole snapshot just before it is planned (:meth:`RestReader.turns`), so an
issue is never planned from a timeline read before the writes to the issues ahead of it.
GraphQL reads fifty open applications with their timelines in one query at the start of
a run over all of them; those snapshots are marked ``early``, and the run looks at such
an issue again (:meth:`RestReader.fresh`) before it writes to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from mentoring.cli.applier import Stop, StopReason, rest_budget_low
from mentoring.cli.target import Target
from mentoring.core.model import Issue, IssueSnapshot, Reaction
from mentoring.core.participants import Participant
from mentoring.core.planner import reactions_wanted
from mentoring.core.roles import listed_mentee
from mentoring.core.settings import Config
from mentoring.github.client import GitHubError
from mentoring.github.graphql import GraphQL, GraphQLError, Notices, Page
from mentoring.github.repository import Repo, with_reactions

log = logging.getLogger(__name__)

# How far back a run over every application looks for ones a closing keyword closed while
# every run that would have graduated them was lost (an outage, a merge by the bot's token).
CATCH_UP = timedelta(days=60)
FIGURES_DAYS = 365  # the dashboard's program figures look back a year

# Timeline entries that change what the issue list said: labels, assignees, state, title.
# Not core.health.STATE_CHANGES, which answers another question (after which events the
# schedule may rightly not have posted): a rename changes the listed title but not what is
# due, and a transfer is why the schedule here could not have posted before, but changes
# no field of the issue read after it.
_CHANGES = frozenset(
    {"assigned", "unassigned", "labeled", "unlabeled", "closed", "reopened", "renamed"}
)


@dataclass(frozen=True)
class Pending:
    """An issue the run will plan, with its snapshot when it was read with it already."""

    issue: Issue
    snapshot: IssueSnapshot | None = None


@dataclass(frozen=True)
class Turn:
    """An issue's whole snapshot, handed out just before it is planned."""

    snapshot: IssueSnapshot
    early: bool  # read in bulk at the start of the run: look again before writing


@dataclass(frozen=True)
class Unread:
    """An issue that could not be read: a failure to report, a stop, or neither (gone)."""

    number: int | None
    failure: str = ""
    stop: Stop | None = None


@dataclass(frozen=True)
class Extras:
    """What a run over every application read beside them, for the dashboard; None where
    it was not read (the dashboard reads it then)."""

    closed: tuple[Issue, ...] | None = None  # applications closed within the window
    # Of those, the ones read with their whole timelines (by number): GraphQL's first query
    closed_timelines: Mapping[int, IssueSnapshot] = field(default_factory=dict)
    labelled: tuple[Issue, ...] | None = None  # the dashboard-labelled issues
    notices: Mapping[int, Notices] = field(default_factory=dict)  # their latest comments


@dataclass(frozen=True)
class Listing:
    """What a run looks at, in the order it brings them up to date."""

    applications: tuple[Pending, ...] = ()
    registrations: tuple[Pending, ...] = ()
    # Closed applications a merged entry names that are not graduated yet, after the rest.
    revisits: tuple[Pending, ...] = ()
    extras: Extras = Extras()
    problems: tuple[Unread, ...] = ()  # what listing could not read, and a stop, at once
    # A bulk read cut short: bring what was read up to date, then stop.
    stop_after: Stop | None = None


def closed_window(config: Config) -> timedelta:
    """How far back the dashboard lists closed applications (by their updated_at)."""
    return timedelta(days=max(config.dashboard.closed_days, FIGURES_DAYS))


def is_application(issue: Issue, config: Config) -> bool:
    return not issue.is_pull_request and issue.has_label(config.application.label)


def is_registration(issue: Issue, config: Config) -> bool:
    reg = config.mentor_registration
    return reg is not None and not issue.is_pull_request and issue.has_label(reg.label)


class RestReader:
    """Reads over REST: one list request per fifty issues, one timeline a request."""

    def __init__(self, repo: Repo, config: Config) -> None:
        self.repo = repo
        self.config = config
        self.bulk = False  # reading every open application (set by :meth:`listing`)
        self.now: datetime | None = None  # the run's time (set by :meth:`listing`)

    # --- listing ---------------------------------------------------------------------

    def listing(
        self, target: Target, graduates: Mapping[str, Participant], now: datetime
    ) -> Listing:
        """The issues ``target`` names, or every open application and registration (and
        the recently closed applications a merged entry still has to graduate)."""
        self.bulk = target.numbers is None
        self.now = now
        if target.numbers is not None:
            return self._targeted(target.numbers)
        listing = self._every_open(_closed_since(self.config, graduates, now))
        if any(p.stop for p in listing.problems) or listing.stop_after:
            return listing
        return self._with_closed(listing, graduates, now)

    def _every_open(self, closed_since: datetime | None) -> Listing:
        # Least recently updated first: when the budget cannot cover every issue, those the
        # bot has not touched for longest are the likeliest to be overdue.
        config = self.config
        listed = sorted(self.repo.open_issues(config.application.label), key=lambda i: i.updated_at)
        registered: list[Issue] = []
        if config.mentor_registration is not None:
            # The application label wins: the planner handles an issue with both.
            registered = [
                i
                for i in self.repo.open_issues(config.mentor_registration.label)
                if not is_application(i, config)
            ]
        return Listing(tuple(Pending(i) for i in listed), tuple(Pending(i) for i in registered))

    def _with_closed(
        self, listing: Listing, graduates: Mapping[str, Participant], now: datetime
    ) -> Listing:
        """The listing, with the closed applications an entry names (``issue: N``) that lack
        the graduated label added to the applications.

        A closing keyword closes the issue whether or not a run follows; when none does, the
        schedule still finds it here (from the GraphQL read, or one list request; none when
        participants.yml has no entry and the dashboard is off). The list reaches back as far as
        the dashboard's too, which keeps it in the listing's extras.
        """
        config = self.config
        since = _closed_since(config, graduates, now)
        if since is None:
            return listing
        named = {p.issue for p in graduates.values() if p.issue is not None}
        unnumbered = {login for login, p in graduates.items() if p.issue is None}
        closed = listing.extras.closed
        if closed is None:
            try:
                closed = tuple(self.repo.closed_issues(config.application.label, since))
            except GitHubError as exc:
                if not named:  # only the dashboard's: it lists again at the end, and says so
                    log.warning("closed applications could not be listed (%s)", exc)
                    return listing
                problem = (
                    Unread(None, stop=Stop.read_refused(exc))
                    if exc.rate_limited
                    else Unread(None, f"closed applications could not be listed ({exc})")
                )
                return replace(listing, problems=(*listing.problems, problem))
        revisit = [
            Pending(i)
            for i in closed
            if (i.number in named or _mentee_in(i, unnumbered, config))
            and i.updated_at >= now - CATCH_UP
            and i.state_reason in ("completed", None)
            and not i.has_label(config.labels.graduated)
        ]
        return replace(
            listing, revisits=tuple(revisit), extras=replace(listing.extras, closed=closed)
        )

    def _targeted(self, numbers: tuple[int, ...]) -> Listing:
        """An event's issues, applications first: each read now without its timeline (its
        labels say what it is), and with it when its turn comes: read now, it would be
        planned as it was before the writes to the issues ahead of it."""
        applications: list[Pending] = []
        registrations: list[Pending] = []
        problems: list[Unread] = []
        for index, number in enumerate(numbers):
            found = self._first(number) if index == 0 else self._issue(number)
            if isinstance(found, Unread):
                problems.append(found)
                if found.stop:
                    break
                continue
            if is_application(found.issue, self.config):  # the application label wins
                applications.append(found)
            elif is_registration(found.issue, self.config):
                registrations.append(found)
            else:
                log.info("#%s is not an application issue; left alone", number)
        return Listing(tuple(applications), tuple(registrations), problems=tuple(problems))

    def _first(self, number: int) -> Pending | Unread:
        """An event's first issue; GraphQL reads it with its timeline in one request."""
        return self._issue(number)

    def _issue(self, number: int) -> Pending | Unread:
        try:
            return Pending(self.repo.issue(number))
        except GitHubError as exc:
            if exc.rate_limited:
                return Unread(number, stop=Stop.read_refused(exc))
            if exc.status == 410:  # deleted since the event: nothing left to do
                log.info("#%s was deleted; nothing to do", number)
                return Unread(number)
            if exc.status == 301:  # transferred: the other repository's to look after
                log.info("%s; nothing to do here", exc)
                return Unread(number)
            if exc.status == 404:
                return Unread(number, f"#{number}: there is no such issue in {self.repo.full_name}")
            return Unread(number, f"#{number}: could not be read ({exc})")

    def wanted(self, issue: Issue) -> bool:
        """Whether the run plans from ``issue``'s timeline."""
        return is_application(issue, self.config) or is_registration(issue, self.config)

    # --- snapshots -------------------------------------------------------------------

    def turns(
        self, pending: Iterable[Pending], stopped: Callable[[], bool]
    ) -> Iterator[Turn | Unread]:
        """Each issue's whole snapshot, read when its turn comes, until the run stops."""
        for item in pending:
            if stopped():
                return
            if item.snapshot is not None:
                yield Turn(item.snapshot, early=self.bulk)
                continue
            # Listed without its timeline: over REST in a run over every application
            # (GraphQL could not give it, or it was listed closed), as fresh in an event run.
            read = self.timeline(item.issue) if self.bulk else self.fresh(item.issue)
            yield read if isinstance(read, Unread) else Turn(read, early=False)

    def fresh(self, issue: Issue, known: IssueSnapshot | None = None) -> IssueSnapshot | Unread:
        """The issue with its whole timeline as it is now (``known``: as read earlier in
        this run; over REST, each reaction is read again)."""
        return self.timeline(issue)

    def timeline(self, issue: Issue) -> IssueSnapshot | Unread:
        """The issue's snapshot over REST, within the budget.

        The issue itself may come from a list read at the start of the run; when its
        timeline shows a change after that, the issue is read again, so the plan sees it
        as it is now.
        """
        if (low := rest_budget_low(self.repo)) is not None:
            return Unread(issue.number, stop=low)
        try:
            snapshot = self.repo.snapshot(issue, self.reactions_wanted)
            changed = [e.at for e in snapshot.events if e.kind in _CHANGES]
            changed += [c.created_at for c in snapshot.comments]
            if changed and max(changed) > issue.updated_at:
                snapshot = replace(snapshot, issue=self.repo.issue(issue.number))
            return snapshot
        except GitHubError as exc:
            if exc.rate_limited:
                return Unread(issue.number, stop=Stop.read_refused(exc))
            if exc.status in (301, 410):  # transferred or deleted since it was listed
                log.info("#%s is gone (%s); nothing to do", issue.number, exc)
                return Unread(issue.number)
            return Unread(issue.number, f"#{issue.number}: timeline could not be read ({exc})")

    def reactions_wanted(self, snapshot: IssueSnapshot) -> frozenset[int]:
        """The comments of an application whose reactions are read: signs of life."""
        if self.now is None or not is_application(snapshot.issue, self.config):
            return frozenset()
        return reactions_wanted(snapshot, self.config, self.now)

    def open_issues(self, label: str) -> list[Issue]:
        """The open issues with ``label``, without timelines."""
        return list(self.repo.open_issues(label))


class GraphQLReader(RestReader):
    """Reads over GraphQL where it can (fifty issues with their timelines a query), and
    over REST what GraphQL could not give."""

    def __init__(self, repo: Repo, config: Config, graphql: GraphQL) -> None:
        super().__init__(repo, config)
        self.graphql = graphql

    def _every_open(self, closed_since: datetime | None) -> Listing:
        """Every open application and registration with its timeline, in the order the REST
        path takes them (least recently updated first). Issues GraphQL could not give are
        read over REST in this run (their timelines when their turn comes). The same query
        reads the dashboard's issues and the applications closed since ``closed_since``
        when it can (the listing's extras)."""
        config = self.config
        labels = [config.application.label]
        if config.mentor_registration is not None:
            labels.append(config.mentor_registration.label)
        dashboard = config.labels.dashboard if config.dashboard.enabled else None
        pages = self.graphql.open_issues_of(labels, dashboard, closed_since)
        extras = Extras(
            closed=_frozen(self.graphql.closed),
            closed_timelines=self.graphql.closed_timelines,
            labelled=_frozen(self.graphql.dashboard),
            notices=self.graphql.notices,
        )
        read: list[list[Pending]] = []
        problems: list[Unread] = []
        stop: Stop | None = None
        for label, page in zip(labels, pages, strict=True):
            found = [Pending(s.issue, s) for s in self._with_reactions(page.snapshots)]
            if page.unread and not page.stopped_early:
                missing, trouble = self._unread_over_rest(label, page)
                found += [Pending(i) for i in missing]
                problems += trouble
                stop = next((t.stop for t in trouble if t.stop), None)
            for number, why in page.unread if page.stopped_early else ():
                # The run stops early: what it did not read is the next run's, as the issues
                # of the pages it never asked for are, and no failure of this one.
                log.warning("#%s: left for the next run (%s)", number or "?", why)
            read.append(sorted(found, key=lambda p: _updated(p.issue)))
            if page.stopped_early:
                stop = Stop(StopReason.GRAPHQL_RESERVE)
            if stop:
                break
        registrations = [
            p for p in (read[1] if len(read) > 1 else []) if not is_application(p.issue, config)
        ]
        return Listing(
            tuple(read[0]),
            tuple(registrations),
            extras=extras,
            problems=tuple(p for p in problems if not p.stop),
            stop_after=stop,
        )

    def _unread_over_rest(self, label: str, page: Page) -> tuple[list[Issue], list[Unread]]:
        """The open issues with ``label`` that GraphQL answered with an error for, over REST,
        and what could not be read (a stop when it was the rate limit).

        Only those: each by its number when the answer kept it, else one list of the label's
        issues (a node lost to an error keeps no number), less those GraphQL gave.
        """
        for number, why in page.unread:
            log.warning("#%s: not read over GraphQL (%s); reading it over REST", number or "?", why)
        numbers = [number for number, _ in page.unread]
        given = {s.number for s in page.snapshots}
        try:
            if None in numbers:
                listed = [i for i in self.repo.open_issues(label) if i.number not in given]
            else:
                listed = [self.repo.issue(n) for n in numbers if n is not None]
        except GitHubError as exc:
            unread = [
                Unread(
                    number, f"#{number or '?'}: could not be read ({why}), nor over REST ({exc})"
                )
                for number, why in page.unread
            ]
            if exc.rate_limited:
                unread.append(Unread(None, stop=Stop.read_refused(exc)))
            return [], unread
        open_now = [i for i in listed if i.state == "open" and i.has_label(label)]
        return [i for i in open_now if not i.is_pull_request], []

    def _first(self, number: int) -> Pending | Unread:
        """An event's first issue with its timeline in one GraphQL query (the issue alone
        when it is no issue the run plans from); over REST when GraphQL could not give
        it (an error, its points low), its timeline too, as its turn has come."""
        found = self._over_graphql(number, self.wanted)
        if isinstance(found, IssueSnapshot):
            found = self._with_reactions([found])[0]
            return Pending(found.issue, found)
        if isinstance(found, Issue):
            return Pending(found)
        listed = self._issue(number)
        if isinstance(listed, Unread) or not self.wanted(listed.issue):
            return listed
        read = self.timeline(listed.issue)
        return read if isinstance(read, Unread) else Pending(listed.issue, read)

    def _over_graphql(
        self, number: int, wanted: Callable[[Issue], bool] | None = None
    ) -> IssueSnapshot | Issue | None:
        """Issue ``number`` with its timeline in one GraphQL query (the issue alone when
        ``wanted`` says its timeline is not needed); None when it is to be read over REST
        instead: GraphQL has no such issue or could not give it, its points are below the
        reserve, or its rate limit refused the query (REST has its own)."""
        if self.graphql.budget_low():
            return None
        try:
            return self.graphql.issue(number, wanted)
        except GraphQLError as exc:
            log.warning("#%s: not read over GraphQL (%s); reading it over REST", number, exc)
            return None

    def fresh(self, issue: Issue, known: IssueSnapshot | None = None) -> IssueSnapshot | Unread:
        """The issue with its whole timeline as it is now: over GraphQL when it can, else
        over REST. The reactions this run read on ``known`` (the issue as read earlier)
        are kept, not asked for again: only those on comments new since are."""
        found = self._over_graphql(issue.number)
        if isinstance(found, IssueSnapshot):
            return self._with_reactions([found], self._read_on(known))[0]
        return self.timeline(issue)

    def _read_on(self, known: IssueSnapshot | None) -> dict[int, tuple[Reaction, ...]]:
        """The reactions this run read on ``known``'s comments, by id."""
        if known is None:
            return {}
        wanted = self.reactions_wanted(known)
        return {c.id: c.reactions for c in known.comments if c.id in wanted}

    def _with_reactions(
        self, snapshots: list[IssueSnapshot], read: dict[int, tuple[Reaction, ...]] | None = None
    ) -> list[IssueSnapshot]:
        """The snapshots with the reactions on their wanted comments: over GraphQL, a
        hundred comments a query, and over REST what GraphQL could not give (those it
        read before a query failed are kept). A comment read neither way keeps none (a
        warning says so): the mentorship may look quieter than it is on the dashboard
        until the next run."""
        wanted = {s.issue.number: self.reactions_wanted(s) for s in snapshots}
        found = dict(read or {})
        ids = sorted({i for w in wanted.values() for i in w} - found.keys())
        if ids and not self.graphql.budget_low():
            found |= self.graphql.reactions(ids)
        if unread := len(set(ids) - found.keys()):
            log.info("reading the reactions on %s comments over REST", unread)
        for s in snapshots:
            left = sorted(wanted[s.issue.number] - found.keys())
            if left and not self._reactions_over_rest(s, left, found):
                break
        return [
            with_reactions(s, {i: found[i] for i in wanted[s.issue.number] if i in found})
            for s in snapshots
        ]

    def _reactions_over_rest(
        self, snapshot: IssueSnapshot, left: list[int], found: dict[int, tuple[Reaction, ...]]
    ) -> bool:
        """Add to ``found`` the reactions on ``left`` (some of the snapshot's comments) over
        REST: of several, only those whose roll-up counts one (one list of the issue's
        comments since the oldest tells which), as the REST path reads them. False when
        the rate limit refused a request: no more are asked for this run."""
        try:
            oldest = min((c.created_at for c in snapshot.comments if c.id in left), default=None)
            if len(left) > 1 and oldest is not None:
                reacted = self.repo.reacted_since(snapshot.issue.number, oldest)
                found.update({i: () for i in left if i not in reacted})
                left = [i for i in left if i in reacted]
            for comment_id in left:
                found[comment_id] = self.repo.reactions(comment_id)
        except GitHubError as exc:
            number = snapshot.issue.number
            log.warning("#%s: the reactions on its comments could not be read (%s)", number, exc)
            return not exc.rate_limited
        return True

    def open_issues(self, label: str) -> list[Issue]:
        """The open issues with ``label``: over GraphQL when it gives them all, else REST."""
        found = self.graphql.listed(label)
        return found if found is not None else super().open_issues(label)


def _frozen(issues: list[Issue] | None) -> tuple[Issue, ...] | None:
    return None if issues is None else tuple(issues)


def _updated(issue: Issue) -> tuple[datetime, datetime, int]:
    """The REST path's order: least recently updated first, ties in creation order."""
    return issue.updated_at, issue.created_at, issue.number


def _mentee_in(issue: Issue, logins: set[str], config: Config) -> bool:
    """Whether the application's author or listed mentee is among ``logins`` (lower case)."""
    if not logins:
        return False
    return bool({issue.author.lower(), listed_mentee(issue, config).lower()} & logins)


def _closed_since(
    config: Config, graduates: Mapping[str, Participant], now: datetime
) -> datetime | None:
    """How far back a run over every application lists closed ones (by updated_at), or
    None when it needs no such list: participants.yml has no entry and the dashboard is off."""
    if not graduates and not config.dashboard.enabled:
        return None
    window = max(CATCH_UP, closed_window(config)) if config.dashboard.enabled else CATCH_UP
    return now - window
