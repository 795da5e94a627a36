"""The program's settings as the planner reads them: frozen values, checked already.

``mentoring.files.config`` loads and validates ``.github/mentoring.yml`` into these. A
field's default here is the default of its key in the file: written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.core.forms import Form


@dataclass(frozen=True)
class Program:
    name: str = "Mentoring program"
    url: str | None = None
    # For private words with coordinators: an email address, a mailto: URL or an http(s) URL.
    contact: str | None = None

    @property
    def contact_link(self) -> str | None:
        """The contact as a Markdown link target: a URL as it is, ``mailto:`` before an
        email address."""
        if self.contact is None:
            return None
        if self.contact.lower().startswith(("mailto:", "http://", "https://")):
            return self.contact
        return f"mailto:{self.contact}"


@dataclass(frozen=True, kw_only=True)
class Application:
    form: str = "mentee-application.yml"
    label: str = "application"
    mentee_field: str | None = None
    required: tuple[str, ...]  # no default of its own: the form's required fields
    form_spec: Form  # the form's own content, read from ``form``


@dataclass(frozen=True, kw_only=True)
class MentorRegistration:
    form: str = "mentor-registration.yml"
    label: str = "mentor-registration"
    form_spec: Form  # the form's own content, read from ``form``


@dataclass(frozen=True)
class Labels:
    needs_info: str = "mentoring: needs info"
    awaiting_mentor: str = "mentoring: awaiting mentor"
    active: str = "mentoring: active"
    paused: str = "mentoring: paused"
    graduated: str = "mentoring: graduated"
    ready: str = "mentoring: ready"
    dashboard: str = "mentoring: dashboard"
    away: str = "mentoring: away"  # on a mentor registration: left out of suggestions
    # Former names, as (key, name) pairs: a label renamed on GitHub keeps its old name
    # in old timeline events, so those still count (``paused: [new, old]`` in the config).
    formers: tuple[tuple[str, str], ...] = ()

    def former(self, key: str) -> tuple[str, ...]:
        """The former names of the label ``key`` (``paused``, ``ready``, ...)."""
        return tuple(name for k, name in self.formers if k == key)

    def names(self, key: str) -> tuple[str, ...]:
        """The name in use, then the former ones: what timeline events may carry."""
        return (getattr(self, key), *self.former(key))

    def current(self) -> dict[str, str]:
        """Each key's name in use."""
        return {k: v for k, v in vars(self).items() if k != "formers"}


@dataclass(frozen=True)
class Cadence:
    checkin_months: int = 1
    review_every: int = 3
    review_reply_days: int = 14
    mentor_wait_days: int = 30
    # Now a floor: a mentorship is stalled after a review period and its reply days
    # without a sign of life, or after this many days if that is longer.
    stall_days: int = 60
    long_pause_days: int = 90
    ready_reminder_days: int = 30
    needs_info_days: int = 30  # an application left on needs info this long is listed


@dataclass(frozen=True)
class Dashboard:
    """The coordinators' dashboard issue (``dashboard:`` in the config)."""

    enabled: bool = True
    title: str = "Mentoring dashboard"
    closed_days: int = 90
    role_field: str | None = "role"  # the form field whose answer is the role applied for
    digest: str = "weekly"  # how often new attention items are told: a key of DIGEST_DAYS


# Days from one digest of new attention items to the next, by ``dashboard.digest``
# (None: no digest). Counted in calendar days (UTC), so that a scheduled run a few
# minutes earlier than last week's still finds the week over.
DIGEST_DAYS: dict[str, int | None] = {"weekly": 7, "daily": 1, "off": None}


@dataclass(frozen=True)
class Role:
    """One of the program's roles (``roles:`` in the config): what applicants apply for
    and mentors hold. Forms submit the option's text, so answers are matched by name."""

    name: str
    former: tuple[str, ...] = ()  # earlier names, still matched in older issues
    group: str | None = None  # roles alike enough that a holder of one can mentor another
    link: str | None = None  # where the project lists who holds it

    @property
    def names(self) -> tuple[str, ...]:
        """The name in use, then the former ones."""
        return (self.name, *self.former)


@dataclass(frozen=True)
class Graduation:
    nomination_url: str | None = None  # the project's process for nominating someone


@dataclass(frozen=True)
class Report:
    """The outcomes report (``report:`` in the config)."""

    # Where graduates' later pull requests and reviews are looked for, as owner/name.
    repositories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Handbooks:
    mentee: str | None = None
    mentor: str | None = None


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every setting, in the order of the file's keys."""

    coordinators: tuple[str, ...]  # no default: someone must look after applications
    bot: str = "github-actions[bot]"
    program: Program = Program()
    application: Application
    mentor_registration: MentorRegistration | None  # None: registrations are off
    labels: Labels = Labels()
    cadence: Cadence = Cadence()
    dashboard: Dashboard = Dashboard()
    handbooks: Handbooks = Handbooks()
    participants: str = "participants.yml"
    graduation: Graduation = Graduation()
    roles: tuple[Role, ...] = ()  # none: no role is matched, no mentor suggested
    report: Report = Report()

    @property
    def answers_read(self) -> tuple[str, ...]:
        """Ids of the application fields whose answers the bot reads: the required ones,
        the mentee's and the role's. A form change that cuts one off from open
        applications changes what the bot does with them."""
        named = (self.application.mentee_field, self.dashboard.role_field)
        return tuple(dict.fromkeys([*self.application.required, *(i for i in named if i)]))
