"""Which issues a run looks at: those of its event, or every open application."""

import logging
from dataclasses import asdict, dataclass

from mentoring.actions.event import WorkflowEvent
from mentoring.cli.at_ref import participants_at
from mentoring.core.closing import closing_references
from mentoring.core.model import Action, Kind, PostComment
from mentoring.core.participants import Unmatched, unmatched
from mentoring.core.render import Renderer
from mentoring.core.settings import Config
from mentoring.files.participants import named_logins
from mentoring.github.applications import ApplicationIssues
from mentoring.github.repository import Repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """What a run should look at: issue numbers, or every open application (None)."""

    numbers: tuple[int, ...] | None
    pull_request: int | None = None
    graduates_ref: str | None = None  # read participants.yml at this ref instead of the checkout
    reason: str = ""
    closes: tuple[int, ...] = ()  # what the merged pull request's closing keywords name
    # The entries the merged pull request added that graduate nobody, and its author.
    unmatched: tuple[Unmatched, ...] = ()
    author: str | None = None


def unmatched_note(target: Target, config: Config, renderer: Renderer) -> tuple[Action, ...]:
    """The one note on a merged pull request whose added entries graduate nobody: to its
    author, with each entry's fix (the graduation workflow may write there)."""
    if not target.unmatched or target.pull_request is None or not target.author:
        return ()
    body = renderer.comment(
        Kind.UNMATCHED_ENTRIES,
        None,
        author=target.author,
        entries=[asdict(u) for u in target.unmatched],
        participants_file=config.participants,
    )
    return (PostComment(target.pull_request, Kind.UNMATCHED_ENTRIES, None, body),)


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
        # Closing keywords act only on a pull request into the default branch (GitHub Docs).
        on_default = pull.base_ref is not None and pull.base_ref == event.default_branch
        closes = closing_references(pull.body, repo.full_name) if on_default else ()
        added = _added(repo, config, base, ref, closes)
        numbers = added.numbers + tuple(n for n in closes if n not in added.numbers)
        return Target(
            numbers,
            pull_request=pull.number,
            graduates_ref=ref,
            reason="merged",
            closes=closes,
            unmatched=added.unmatched,
            author=pull.author,
        )
    if event.name == "push":
        added = _added(repo, config, event.before, event.after, None)
        return Target(added.numbers, graduates_ref=event.after, reason="push")
    return Target(numbers=None, reason=event.name or "manual")


@dataclass(frozen=True)
class _Added:
    """The application issues of the people a change to participants.yml adds, and the
    added entries that graduate nobody."""

    numbers: tuple[int, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()


def _added(
    repo: Repo,
    config: Config,
    old_ref: str | None,
    new_ref: str | None,
    closes: tuple[int, ...] | None,
) -> _Added:
    """Application issues of the people a change to participants.yml adds; with ``closes``
    (a merged pull request's), the added entries that graduate nobody too."""
    new = participants_at(repo, config.participants, new_ref)
    if new is None:
        return _Added()
    if new.problems:  # no note on the pull request from a file that cannot be trusted
        log.warning("%s has problems after this change; nobody graduates", config.participants)
        return _Added()
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
            return _Added()
        known = named
    added = [p for p in new.entries if p.github.casefold() not in known]
    numbers: list[int] = []
    lost: list[Unmatched] = []
    lookup = ApplicationIssues(repo, config)  # by author, or by the form's mentee field
    for entry in added:
        if entry.issue and closes is None:  # a push: nobody to tell, nothing to look up
            numbers += [entry.issue] if entry.issue not in numbers else []
            continue
        issues = lookup.application_issues_for(entry.github)
        found = [entry.issue] if entry.issue else [i.number for i in issues]
        if closes is not None and (why := unmatched(entry, issues, closes)) is not None:
            lost.append(why)
        if not found:
            log.warning(
                "%s was added to %s but has no application issue; nothing to do",
                entry.github,
                config.participants,
            )
        numbers += [n for n in found if n not in numbers]
    return _Added(tuple(numbers), tuple(lost))
