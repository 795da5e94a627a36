"""The coordinators' view: one Markdown table of every mentorship a run looked at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from mentoring.core.model import State
from mentoring.core.planner import Mentorship, Plan
from mentoring.core.registration import RegisteredMentor


def _day(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "–"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _state(m: Mentorship) -> str:
    if m.state == State.NEEDS_INFO and m.missing:
        return f"{m.state} (missing: {', '.join(m.missing)})"
    return m.state


def table(plans: Iterable[Plan], done: dict[int, list[str]], dry_run: bool) -> str:
    """A Markdown table: mentorship, mentee, mentors, state, age, last and next, this run."""
    rows = [
        "| Issue | Mentee | Mentor(s) | State | Age (days) | Last check-in | Next | This run |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for plan in plans:
        m = plan.mentorship
        age = "–" if m.age_days is None else str(m.age_days)
        last = f"{m.last.kind} {m.last.key} ({_day(m.last.at)})" if m.last else "–"
        nxt = f"{m.next.kind} {m.next.period} ({_day(m.next.at)})" if m.next else "–"
        did = done.get(m.number, [])
        if dry_run:
            did = [f"would {a.describe()}" for a in plan.actions]
        rows.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f"#{m.number}",
                    f"@{m.mentee}",
                    ", ".join(f"@{x}" for x in m.mentors) or "–",
                    _state(m),
                    age,
                    last,
                    nxt,
                    "; ".join(did) or "–",
                )
            )
            + " |"
        )
    return "\n".join(rows) + "\n"


def mentors_table(
    mentors: Iterable[RegisteredMentor],
    loads: Mapping[str, list[int]],
    done: Mapping[int, list[str]],
    dry_run: bool,
    planned: Mapping[int, list[str]] | None = None,
) -> str:
    """The registered mentors, each with their open mentorships against their capacity."""
    rows = [
        "| Mentor | Registration | Mentees now | Capacity | Free | Roles | This run |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for mentor in sorted(mentors, key=lambda m: m.login.lower()):
        issues = loads.get(mentor.login.lower(), [])
        cap = mentor.capacity
        free = "–" if cap is None else ("yes" if len(issues) < cap else "no")
        did = done.get(mentor.issue, [])
        if dry_run:
            did = [f"would {a}" for a in (planned or {}).get(mentor.issue, [])]
        cells = (
            f"@{mentor.login}",
            f"#{mentor.issue}",
            f"{len(issues)}" + (f" ({', '.join(f'#{n}' for n in issues)})" if issues else ""),
            "–" if cap is None else str(cap),
            free,
            (mentor.roles[:60] + "…") if len(mentor.roles) > 60 else mentor.roles or "–",
            "; ".join(did) or "–",
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"
