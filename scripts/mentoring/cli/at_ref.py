"""``participants.yml`` as it is at a git ref: the one place the scripts read it from GitHub."""

from __future__ import annotations

from mentoring.core.participants import Participants
from mentoring.files.participants import parse_participants
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
