"""Self-healing: two of the bot's comments with the same marker, the later one deleted.

Two runs that race on one issue (say ``issues.closed`` and the graduation run of the
pull request that closed it) can both check, find nothing, and both post. Concurrency
groups keep most such runs apart; this is what catches the rest, in the next run.
"""

from __future__ import annotations

from collections.abc import Iterable

from mentoring.core.calendar import BotComment
from mentoring.core.model import DeleteComment


def duplicate_deletions(issue: int, posted: Iterable[BotComment]) -> list[DeleteComment]:
    """Delete each bot comment whose every marker an earlier bot comment already carries.

    Earlier means the lower comment id (GitHub's ids grow with time, unlike a
    ``created_at`` two racing runs can share to the second). A comment with a marker of
    its own besides a duplicated one is kept: deleting it would lose that marker.
    """
    posted = list(posted)
    if len({(c.kind, c.key) for c in posted}) == len(posted):
        return []  # no marker carried twice (nearly every run): no comment is a duplicate
    by_comment: dict[int, list[BotComment]] = {}
    for comment in posted:
        by_comment.setdefault(comment.comment_id, []).append(comment)
    seen: set[tuple[str, str | None]] = set()
    deletions = []
    for comment_id in sorted(by_comment):
        markers = {(c.kind, c.key) for c in by_comment[comment_id]}
        if markers <= seen:
            kind, key = min(markers, key=lambda m: (m[0], m[1] or ""))
            deletions.append(DeleteComment(issue, comment_id, kind, key))
        seen |= markers
    return deletions
