"""The job summary's other tables: applicants waiting for a mentor, registered mentors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mentoring.core.dashboard_view import text_cell
from mentoring.core.planner import Plan
from mentoring.core.registration import RegisteredMentor

ROLES_CHARS = 60


def _cell(text: str) -> str:
    """One of our own values (a login, numbers, what a run did) as a table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def waiting(plans: Iterable[Plan], wait_days: int) -> str:
    """Applications awaiting a mentor, longest wait first; those past ``wait_days`` marked.

    The coordinators' reminder: it lives here (and on the dashboard), never as a ping on
    the applicant's issue. Empty when nobody is waiting.
    """
    found = [p.mentorship for p in plans if p.mentorship.waiting_days is not None]
    if not found:
        return ""
    rows = ["| Issue | Applicant | Waiting (days) | |", "| --- | --- | --- | --- |"]
    for m in sorted(found, key=lambda m: (-(m.waiting_days or 0), m.number)):
        days = m.waiting_days or 0
        flag = f"over {wait_days} days: please find a mentor" if days >= wait_days else "–"
        rows.append(f"| #{m.number} | @{_cell(m.mentee)} | {days} | {flag} |")
    return "\n".join(rows) + "\n"


def mentors_table(
    mentors: Iterable[RegisteredMentor],
    loads: Mapping[str, list[int]],
    done: Mapping[int, list[str]],
    dry_run: bool,
    planned: Mapping[int, list[str]] | None = None,
) -> str:
    """The registered mentors, each with their open mentorships against their capacity;
    empty (no table) when nobody has registered. A row per registration: a mentor with
    several open has one for each, each naming the others (the latest's capacity counts)."""
    mentors = list(mentors)
    if not mentors:
        return ""
    registrations: dict[str, list[int]] = {}
    for m in sorted(mentors, key=lambda m: m.issue):
        registrations.setdefault(m.login.casefold(), []).append(m.issue)
    rows = [
        "| Mentor | Registration | Mentees now | Capacity | Free | Roles | This run |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for mentor in sorted(mentors, key=lambda m: (m.login.casefold(), m.issue)):
        issues = loads.get(mentor.login.lower(), [])
        cap = mentor.capacity
        free = "–" if cap is None else ("yes" if len(issues) < cap else "no")
        if mentor.away:
            free = "away"  # said /away: suggested for nothing until /back
        did = done.get(mentor.issue, [])
        if dry_run:
            did = [f"would {a}" for a in (planned or {}).get(mentor.issue, [])]
        loaded = f"{len(issues)}" + (f" ({', '.join(f'#{n}' for n in issues)})" if issues else "")
        cells = (
            _cell(f"@{mentor.login}"),
            _registration(mentor.issue, registrations[mentor.login.casefold()]),
            _cell(loaded),
            "–" if cap is None else str(cap),
            free,
            # The mentor's own words: inert, as in the dashboard's cells (no mention, link,
            # image or HTML), one line, bounded.
            text_cell(mentor.roles, ROLES_CHARS) or "–",
            _cell("; ".join(did) or "–"),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _registration(issue: int, every: list[int]) -> str:
    """A registration's cell: its number and, when its mentor has others open, theirs,
    the latest (the one whose capacity counts) said."""
    others = ", ".join(f"#{n}" for n in every if n != issue)
    if not others:
        return f"#{issue}"
    if issue == every[-1]:
        return f"#{issue} (latest; also {others})"
    return f"#{issue} (also {others}; #{every[-1]} the latest)"
