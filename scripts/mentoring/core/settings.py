"""The program's settings as the planner reads them: frozen values, checked already.

``mentoring.files.config`` loads and validates ``.github/mentoring.yml`` into these.
"""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.core.forms import Form


@dataclass(frozen=True)
class Program:
    name: str
    url: str | None


@dataclass(frozen=True)
class Application:
    form: str
    label: str
    mentee_field: str | None
    required: tuple[str, ...]
    form_spec: Form


@dataclass(frozen=True)
class MentorRegistration:
    form: str
    label: str
    form_spec: Form


@dataclass(frozen=True)
class Labels:
    needs_info: str
    awaiting_mentor: str
    active: str
    paused: str
    graduated: str
    ready: str = "mentoring: ready"
    dashboard: str = "mentoring: dashboard"


@dataclass(frozen=True)
class Cadence:
    checkin_months: int
    review_every: int
    review_reply_days: int
    mentor_wait_days: int
    stall_days: int = 60
    long_pause_days: int = 90
    ready_reminder_days: int = 30


@dataclass(frozen=True)
class Dashboard:
    """The coordinators' dashboard issue (``dashboard:`` in the config)."""

    enabled: bool = True
    title: str = "Mentoring dashboard"
    closed_days: int = 90
    role_field: str | None = "role"  # the form field whose answer is the role applied for


@dataclass(frozen=True)
class Handbooks:
    mentee: str | None
    mentor: str | None


@dataclass(frozen=True)
class Config:
    coordinators: tuple[str, ...]
    bot: str
    program: Program
    application: Application
    mentor_registration: MentorRegistration | None
    labels: Labels
    cadence: Cadence
    handbooks: Handbooks
    participants: str
    dashboard: Dashboard = Dashboard()
