"""A person's mentorship application issues, read from GitHub, as the participants check needs.

The mentee and the mentors of each issue follow the planner's own rules
(:func:`~mentoring.core.roles.mentee_of`, :func:`~mentoring.core.roles.mentors_of`), so the
check on a pull request and the graduation after its merge agree on whose issue is whose.
"""

from __future__ import annotations

from mentoring.core import forms
from mentoring.core.calendar import bot_comments, latest_assigners, mentor_since
from mentoring.core.model import Issue, IssueSnapshot
from mentoring.core.participants import IssueInfo
from mentoring.core.replies import Asked, with_mentor_commands
from mentoring.core.roles import coordinators_of, mentee_of, mentors_of, pairing_test
from mentoring.core.settings import Config
from mentoring.github.repository import Repo


def issue_info(issue: Issue, config: Config, snapshot: IssueSnapshot | None = None) -> IssueInfo:
    """What the participants check needs to know about one application issue; with its
    ``snapshot`` (timeline), mentors and pairing by the one roles rule the planner uses."""
    if snapshot is not None:
        answers = forms.parse_body(config.application.form_spec, issue.body or "")
        mentee = mentee_of(snapshot, config, answers)
        # A coordinator who said /mentor mentors it, as the planner counts them.
        coordinators = coordinators_of(config, latest_assigners(snapshot.events))
        asked = Asked.of(snapshot, config.bot, bot_comments(snapshot.comments, config.bot))
        snapshot, coordinating = with_mentor_commands(snapshot, coordinators, mentee, asked)
        events = snapshot.events
        pairing = pairing_test(mentee, config, coordinating)
        assigners = latest_assigners(events)
        return IssueInfo(
            number=issue.number,
            state=issue.state,
            state_reason=issue.state_reason,
            labels=issue.labels,
            mentee=mentee,
            mentors=mentors_of(issue.assignees, mentee, config, assigners, coordinating),
            mentored=mentor_since(events, pairing) is not None,
        )
    mentee = listed_mentee(issue, config)
    return IssueInfo(
        number=issue.number,
        state=issue.state,
        state_reason=issue.state_reason,
        labels=issue.labels,
        mentee=mentee,
        mentors=mentors_of(issue.assignees, mentee, config),
    )


def listed_mentee(issue: Issue, config: Config) -> str:
    """The mentee of an application issue as listed, without its timeline."""
    answers = forms.parse_body(config.application.form_spec, issue.body or "")
    return mentee_of(IssueSnapshot(issue, (), ()), config, answers)


class ApplicationIssues:
    """The ``IssueLookup`` over a repository: application issues by their mentee, read only.

    Without ``application.mentee_field`` the mentee is always the issue's author, so one
    filtered list request per person is enough. With it, anyone may have opened the
    issue, so every application issue (open or closed) is listed once and matched by
    its parsed form field.
    """

    def __init__(self, repo: Repo, config: Config) -> None:
        self.repo = repo
        self.config = config
        self._every: list[Issue] | None = None

    def application_issues_for(self, login: str) -> list[IssueInfo]:
        """The application issues whose mentee is ``login`` (ignoring case), any state."""
        label = self.config.application.label
        if self.config.application.mentee_field:
            if self._every is None:
                self._every = list(self.repo.issues_labelled(label))
            found = self._every
        else:
            found = self.repo.issues_by(label, login)
        wanted = login.casefold()
        mine = [i for i in found if listed_mentee(i, self.config).casefold() == wanted]
        # Each one's timeline too, so mentors are judged as the planner judges them.
        return [issue_info(i, self.config, self.repo.snapshot(i)) for i in mine]
