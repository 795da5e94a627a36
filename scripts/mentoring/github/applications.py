"""A person's mentorship application issues, listed from GitHub, as the participants check needs.

Only the listing is here: who is who on each issue is the planner's own rule
(:func:`~mentoring.core.participants.application_info`).
"""

from __future__ import annotations

from mentoring.core.model import Issue
from mentoring.core.participants import IssueInfo, application_info
from mentoring.core.roles import listed_mentee
from mentoring.core.settings import Config
from mentoring.github.repository import Repo


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
        return [application_info(self.repo.snapshot(i), self.config) for i in mine]
