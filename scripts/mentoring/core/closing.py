"""Closing references: which issues a merged pull request closed, and which pull request
closed an issue.

GitHub's rules ("Linking a pull request to an issue", GitHub Docs): in a pull request's
description, one of the keywords close, closes, closed, fix, fixes, fixed, resolve,
resolves, resolved (any case, optionally followed by a colon), then ``#N``,
``OWNER/REPO#N`` or the issue's URL, links the issue; merging the pull request into the
default branch closes it. Several may be given ("Closes #1, closes #2"). A close caused
this way has ``commit_id: null`` on the issue's `closed` event (only a keyword in a
commit message fills it), so the pull request is found from its `cross-referenced` event.
"""

from __future__ import annotations

import re
from datetime import timedelta

from mentoring.core.model import Event, IssueSnapshot

MAX_BODY = 65_536  # GitHub's cap on a description
# Possessive quantifiers: each keyword's whitespace and reference are read once, so the
# scan is linear whatever the description holds.
_KEYWORD = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?[ \t]++"
    r"(?:https?://[^\s/]++/(?P<url_repo>[\w.-]++/[\w.-]++)/issues/(?P<url_number>[0-9]{1,18}+)"
    r"|(?P<repo>[\w.-]++/[\w.-]++)?+#(?P<number>[0-9]{1,18}+))\b",
    re.IGNORECASE,
)
# A closing keyword's close and the pull request's merge happen together; allow for clocks.
_MERGE_TO_CLOSE = timedelta(minutes=2)


def closing_references(body: str | None, repository: str) -> tuple[int, ...]:
    """Issue numbers of ``repository`` (owner/name) that closing keywords in ``body`` name,
    in order, outside fenced code blocks."""
    numbers: list[int] = []
    for text in _prose((body or "")[:MAX_BODY]):
        for match in _KEYWORD.finditer(text):
            repo = match["url_repo"] or match["repo"]
            if repo is not None and repo.casefold() != repository.casefold():
                continue
            number = int(match["url_number"] or match["number"])
            if number and number not in numbers:
                numbers.append(number)
    return tuple(numbers)


def _prose(body: str) -> list[str]:
    """The lines of ``body`` outside fenced code blocks (keywords in code link nothing)."""
    lines: list[str] = []
    fence = ""
    for line in body.replace("\r\n", "\n").split("\n"):
        stripped = line.lstrip(" ")
        if fence:
            if stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            char = stripped[0]
            fence = char * (len(stripped) - len(stripped.lstrip(char)))
            continue
        lines.append(line)
    return lines


def closing_pull_request(snapshot: IssueSnapshot) -> int | None:
    """The pull request of this repository whose merge closed the issue, if one did.

    The latest `closed` event, and a `cross-referenced` event before it from a pull request
    of this repository that was merged when the issue closed. A close with ``commit_id``
    (a keyword in a commit message) takes the latest pull request that mentioned it.
    """
    closes = [e for e in snapshot.events if e.kind == "closed"]
    if not closes:
        return None
    close = closes[-1]
    refs = [e for e in snapshot.events if _merged_mention(e, close)]
    return refs[-1].source if refs else None


def _merged_mention(event: Event, close: Event) -> bool:
    if event.kind != "cross-referenced" or not event.source_is_pull or event.source_foreign:
        return False
    if event.at > close.at:
        return False
    if close.commit_id:
        return True
    merged = event.source_merged_at
    return merged is not None and abs(close.at - merged) <= _MERGE_TO_CLOSE
