"""The repository a run works on, as links in comments need it: name, web address, branch.

These come from the run (the event payload's ``repository``, or one read of the
repository), never from the config, so a fork or a renamed repository links to itself.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    full_name: str  # owner/name
    html_url: str  # https://github.com/owner/name
    default_branch: str

    def edit_url(self, path: str) -> str:
        """The page that opens ``path`` for editing on the default branch (a fork for
        people without write access, then a pull request)."""
        branch = urllib.parse.quote(self.default_branch, safe="/")
        return f"{self.html_url}/edit/{branch}/{urllib.parse.quote(path, safe='/')}"

    def new_issue_url(self, form: str) -> str:
        """The page that opens a new issue with ``form`` (GitHub's ``template`` query)."""
        return f"{self.html_url}/issues/new?template={urllib.parse.quote(form)}"
