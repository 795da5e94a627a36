"""The graduates of the program as the planner and the checks see them.

``participants.yml`` is read and checked line by line in ``mentoring.files.participants``;
here are its entries, and the checks of added entries against their application issues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from mentoring.core.calendar import mentor_since
from mentoring.core.model import IssueSnapshot
from mentoring.core.roles import roles_of
from mentoring.core.settings import Config


@dataclass(frozen=True)
class Problem:
    """One thing to fix: the file, the 1-based line, and a message that says how."""

    file: str
    line: int
    message: str


@dataclass(frozen=True)
class Participant:
    """One valid entry of ``participants.yml``; ``line`` is where the entry starts."""

    name: str
    github: str
    role: str | None = None
    mentors: tuple[str, ...] = ()
    issue: int | None = None
    date: dt.date | None = None
    links: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Participants:
    """The valid entries of a file, in file order, and every problem found in it."""

    file: str
    entries: tuple[Participant, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file has no problems."""
        return not self.problems

    def __iter__(self) -> Iterator[Participant]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def added_entries(old: Iterable[Participant], new: Iterable[Participant]) -> list[Participant]:
    """Entries of ``new`` that graduate someone ``old`` did not, in file order: a login
    (ignoring case) not in ``old``, or one whose ``issue`` changed (added, removed or
    another number). Graduation follows ``issue:`` (or, without it, the merged pull
    request's closing keyword), so an edited entry graduates as much as a new one."""
    known = {(p.github.casefold(), p.issue) for p in old}
    return [p for p in new if (p.github.casefold(), p.issue) not in known]


def shown(value: object, limit: int = 60) -> str:
    """``value`` as a markdown code span, shortened, safe to put in a message."""
    text = value if isinstance(value, str) else yaml_repr(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"


# --- checking added entries against their mentorship issues (pull requests) ---------


@dataclass(frozen=True)
class IssueInfo:
    """What the issue checks need to know about one application issue."""

    number: int
    state: str  # "open" or "closed"
    state_reason: str | None = None  # "completed", "not_planned", "duplicate", "reopened"
    labels: tuple[str, ...] = ()
    mentee: str | None = None
    mentors: tuple[str, ...] = ()
    # Whether a mentor was ever assigned (the timeline's first pairing); None: not read,
    # judged from ``mentors`` (today's).
    mentored: bool | None = None

    @property
    def had_mentor(self) -> bool:
        """A mentor was assigned at some point: the planner's own rule for a start."""
        return bool(self.mentors) if self.mentored is None else self.mentored


def application_info(snapshot: IssueSnapshot, config: Config) -> IssueInfo:
    """What the checks need to know about one application issue, read with its timeline:
    its mentee and mentors by the planner's own rule (:func:`~mentoring.core.roles.roles_of`),
    so the check on a pull request and the graduation after its merge agree."""
    issue = snapshot.issue
    roles = roles_of(snapshot, config)
    return IssueInfo(
        number=issue.number,
        state=issue.state,
        state_reason=issue.state_reason,
        labels=issue.labels,
        mentee=roles.mentee,
        mentors=roles.mentors,
        mentored=mentor_since(roles.snapshot.events, roles.is_pairing) is not None,
    )


class IssueLookup(Protocol):
    """Where the application issues of a person come from (GitHub, or a test's fake)."""

    def application_issues_for(self, login: str) -> list[IssueInfo]:
        """The application issues whose mentee is ``login``, any state."""
        ...


# Closed for these reasons, an application did not end in graduation.
_NOT_GRADUATED = {"not_planned", "duplicate"}


def check_against_issues(
    added: Iterable[Participant],
    lookup: IssueLookup,
    file: str = "participants.yml",
    *,
    author: str | None = None,
    coordinators: Iterable[str] = (),
) -> list[Problem]:
    """Problems with entries added in a pull request, judged by their application issues.

    With ``author`` (who opened the pull request), an entry must come from the graduate,
    one of their mentors, or a coordinator: nobody else may graduate a person.
    """
    problems: list[Problem] = []
    for entry in added:
        issues = lookup.application_issues_for(entry.github)
        messages = _issue_problems(entry, issues)
        if not messages and author is not None:
            messages = _author_problems(entry, issues, author, coordinators)
        problems.extend(
            Problem(file, entry.line, f"{shown(entry.github)} (line {entry.line}): {message}")
            for message in messages
        )
    return problems


def _author_problems(
    entry: Participant, issues: list[IssueInfo], author: str, coordinators: Iterable[str]
) -> list[str]:
    allowed = {entry.github.casefold(), *(c.casefold() for c in coordinators)}
    allowed |= {m.casefold() for i in issues for m in i.mentors}
    if author.casefold() in allowed:
        return []
    return [
        f"this pull request was opened by {shown(author)}, who is not {shown(entry.github)},"
        " one of their mentors, or a coordinator. Graduates add their own entry (or a"
        " mentor or coordinator does it for them): please ask them to open the pull request."
    ]


def _issue_problems(entry: Participant, issues: list[IssueInfo]) -> list[str]:
    login = entry.github.casefold()
    issues = [i for i in issues if i.mentee is None or i.mentee.casefold() == login]
    if not issues:
        return [
            f"no mentorship application issue was found for {shown(entry.github)}. Only"
            " people with an application issue can be added here: check the spelling of"
            " `github`, or ask a coordinator to point you to the right issue."
        ]
    numbers = ", ".join(f"#{i.number}" for i in issues)
    if entry.issue is not None:
        chosen = [i for i in issues if i.number == entry.issue]
        if not chosen:
            return [
                f"`issue: {entry.issue}` is not an application issue of"
                f" {shown(entry.github)}; theirs: {numbers}. Write one of those numbers"
                " after `issue:`, or remove the `issue:` line."
            ]
    else:
        chosen = issues
    usable = [i for i in chosen if not _ended_without_graduating(i)]
    if not usable:
        closed = ", ".join(
            f"#{i.number}, closed as {(i.state_reason or '').replace('_', ' ')}" for i in chosen
        )
        return [
            f"the application of {shown(entry.github)} ({closed}) ended without graduating."
            " A coordinator has to reopen the issue before this entry can be added."
        ]
    # Nobody graduates themself: the planner graduates only a mentorship that had a mentor.
    if not any(i.had_mentor for i in usable):
        return [
            f"no mentor was ever assigned on #{usable[0].number}, so this mentorship"
            " cannot graduate yet. A coordinator assigns the mentor on the issue first."
        ]
    if entry.issue is None:
        # Without issue:, which application graduates depends on the file's history and
        # the mentee's other applications; naming it leaves nothing to guess.
        best = sorted(usable, key=lambda i: (i.state != "open", not i.had_mentor, -i.number))
        return [
            f"add `issue: {best[0].number}` to this entry: the number of the mentorship"
            f" issue it concludes (theirs: {numbers})."
        ]
    if not entry.mentors:
        return []
    if any(_mentors_match(entry.mentors, i.mentors) for i in usable):
        return []
    issue = usable[0]
    named = ", ".join(shown(m) for m in entry.mentors)
    actual = ", ".join(shown(m) for m in issue.mentors) or "nobody yet"
    message = (
        f"`mentors` names {named}, but the mentors assigned on #{issue.number} are"
        f" {actual}. List the mentors assigned on the issue, or ask a coordinator to"
        " assign the right people there."
    )
    return [message]


def _ended_without_graduating(issue: IssueInfo) -> bool:
    return issue.state == "closed" and issue.state_reason in _NOT_GRADUATED


def _mentors_match(named: tuple[str, ...], assigned: tuple[str, ...]) -> bool:
    # Every named mentor must be one the issue shows; naming fewer (crediting only the
    # current mentor, say) is fine.
    return {m.casefold() for m in named} <= {m.casefold() for m in assigned}


def yaml_repr(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int | float):
        return str(value)
    if value is None:
        return "null"
    return repr(value)


# --- what a merged entry graduates -----------------------------------------------------


@dataclass(frozen=True)
class Unmatched:
    """A merged entry that graduates nobody: ``why`` is ``none`` (no open mentorship of
    theirs had a mentor, or ``issue:`` names none of theirs), ``several`` (more than one
    open application and no ``issue:``) or ``declined`` (closed as not planned or as a
    duplicate); ``numbers`` are the applications concerned."""

    github: str
    line: int
    issue: int | None
    why: str
    numbers: tuple[int, ...] = ()


def unmatched(
    entry: Participant, issues: list[IssueInfo], closes: tuple[int, ...]
) -> Unmatched | None:
    """Why a merged entry graduates nobody, or None when it matches one application: the
    one ``issue:`` names, else the one the merge's closing keyword names, else the
    mentee's only open one; it must have had a mentor and not be declined."""
    login = entry.github.casefold()
    mine = [i for i in issues if i.mentee is None or i.mentee.casefold() == login]

    def found(why: str, chosen: list[IssueInfo]) -> Unmatched:
        numbers = tuple(sorted(i.number for i in chosen))
        return Unmatched(entry.github, entry.line, entry.issue, why, numbers)

    if entry.issue is not None:
        chosen = [i for i in mine if i.number == entry.issue]
    else:
        chosen = [i for i in mine if i.number in closes] or [i for i in mine if i.state == "open"]
        if not chosen:
            chosen = [i for i in mine if _ended_without_graduating(i)]
    if not chosen:
        return found("none", mine)
    if len(chosen) > 1:
        return found("several", chosen)
    if _ended_without_graduating(chosen[0]):
        return found("declined", chosen)
    return None if chosen[0].had_mentor else found("none", chosen)
