"""The labels the program uses: names from the config, colours and descriptions defined here.

``wanted_labels`` lists them once; ``label_changes`` compares them with what a repository
has and returns what to create or update. Labels are never deleted: a label the program
no longer uses may still mark old issues.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mentoring.core.settings import Config

# Colours as GitHub stores them: six lower-case hex digits, no '#'.
COLOURS = {
    "application": "1d76db",
    "mentor_registration": "5319e7",
    "needs_info": "fbca04",
    "awaiting_mentor": "c5def5",
    "active": "0e8a16",
    "paused": "bfd4f2",
    "graduated": "6f42c1",
    "ready": "d4c5f9",
    "dashboard": "0052cc",
    "away": "ededed",
}

DESCRIPTIONS = {
    "application": "An application to the mentoring program",
    "mentor_registration": "A mentor offering to take on mentees",
    "needs_info": "The application lacks required answers",
    "awaiting_mentor": "Welcomed; waiting for a mentor to be assigned",
    "active": "Mentor assigned; monthly check-ins running",
    "paused": "Mentorship paused: the check-in clock stops",
    "graduated": "The mentee graduated to the role",
    "ready": "Ready to graduate: the mentee was told how (set by /ready)",
    "dashboard": "The coordinators' dashboard, kept by the bot",
    "away": "A registered mentor away: left out of suggestions (/away, /back)",
}


@dataclass(frozen=True)
class LabelSpec:
    """One label as it should be on GitHub."""

    name: str
    color: str
    description: str


@dataclass(frozen=True)
class LabelChange:
    """What to do about one label: ``create``, ``update`` (colour/description) or ``ok``."""

    kind: str
    spec: LabelSpec
    current: LabelSpec | None = None  # what GitHub has now (None when missing)

    def describe(self, done: bool = False) -> str:
        """``create label ...`` as a plan, ``Created label ...`` once done."""
        verb = {
            "create": "created" if done else "create",
            "update": "updated" if done else "update",
        }
        if self.kind == "create":
            return f"{verb['create']} label {self.spec.name!r} (#{self.spec.color})"
        if self.kind == "update" and self.current is not None:
            what = []
            if self.current.color != self.spec.color:
                what.append(f"colour #{self.current.color} → #{self.spec.color}")
            if self.current.description != self.spec.description:
                what.append("description")
            return f"{verb['update']} label {self.current.name!r}: {', '.join(what)}"
        return f"label {self.spec.name!r} is already right"


def wanted_labels(config: Config) -> tuple[LabelSpec, ...]:
    """Every label the program uses, with its colour and description."""
    names = {"application": config.application.label}
    if config.mentor_registration is not None:
        names["mentor_registration"] = config.mentor_registration.label
    names.update(config.labels.current())
    return tuple(LabelSpec(name, COLOURS[role], DESCRIPTIONS[role]) for role, name in names.items())


def label_changes(wanted: Iterable[LabelSpec], existing: Iterable[LabelSpec]) -> list[LabelChange]:
    """Compare with the repository's labels (names match case-insensitively, as on GitHub)."""
    have = {label.name.casefold(): label for label in existing}
    changes = []
    for spec in wanted:
        current = have.get(spec.name.casefold())
        if current is None:
            changes.append(LabelChange("create", spec))
        elif (current.color.lower(), current.description or "") != (spec.color, spec.description):
            changes.append(LabelChange("update", spec, current))
        else:
            changes.append(LabelChange("ok", spec, current))
    return changes
