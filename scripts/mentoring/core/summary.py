"""The job summary's table of registered mentors (mentorships: core/dashboard_view)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mentoring.core.registration import RegisteredMentor


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
