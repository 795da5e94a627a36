"""``participants.yml`` as it is at a git ref: the one place the scripts read it from GitHub."""

from __future__ import annotations

from datetime import datetime

from mentoring.core.participants import Participants
from mentoring.files.participants import named_logins, parse_participants
from mentoring.github.repository import Repo

NULL_SHA = "0" * 40


def participants_at(repo: Repo, file: str, ref: str | None) -> Participants | None:
    """The file at ``ref``, checked; empty when it is missing there; None for no ref.

    A push that creates a branch has ``before`` all zeros: there is no commit to read.
    """
    if not ref or set(ref) == {"0"}:
        return None
    text = repo.file_text(file, ref=ref)
    # Missing at that commit: no entries yet (a pull request may create the file).
    return parse_participants(text, file) if text is not None else Participants(file)


def logins_at_opening(repo: Repo, file: str, opened: datetime) -> frozenset[str] | None:
    """The logins (case-folded) ``file`` named on the default branch when an application
    was opened at ``opened``: none when it did not exist yet; None when it cannot be told
    (its text then was no list of entries). Two requests, one when it did not exist."""
    text = repo.file_text_before(file, opened)
    if text is None:
        return frozenset()
    named = named_logins(text)
    return None if named is None else frozenset(named)
