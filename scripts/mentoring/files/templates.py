"""A program's own wording: ``.github/mentoring/templates/NAME`` replaces the shipped
``templates/NAME``, and setup checks each such file before a run renders it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes

from mentoring.core import dashboard_view as view
from mentoring.core import report, report_view
from mentoring.core.dashboard import Figures, Item
from mentoring.core.render import OVERRIDES, TEMPLATES, CheckedLoader, Renderer, TemplateFailed
from mentoring.core.settings import Config
from mentoring.core.site import Site

# The values each template is given, by template name (a folder's templates, such as
# command/ready.md.j2, see the values of the template that includes them). The table in
# docs/configuration.md, "Your program's own words", lists the same; tests hold both to
# what the code passes.
_ISSUE = (  # every comment the planner writes on an application
    "mentee",
    "mentors",
    "coordinators",
    "program",
    "handbooks",
    "cadence",
    "participants_file",
    "issue_number",
    "unregistered",
    "registration_url",
)
_COMMAND = (  # each reply is given some of these, named under "command.md.j2" in the docs
    *_ISSUE,
    "reply",
    "author",
    "reason",
    "why",
    "command",
    "allowed",
    "entry",
    "repository",
    "edit_url",
    "ready_label",
    "nomination_url",
    "until",
    "still",
    "word",
    "latest",
    "days",
    "next_checkin",
    "next_is_review",
)
_REPLIES = ("help", "mentor", "paused", "pause-date", "ready", "refused", "resumed")
_REGISTRATION = ("registrant", "coordinators", "program")  # every comment on a registration
_REGISTRATION_COMMAND = (  # named under "registration-command.md.j2" in the docs
    *_REGISTRATION,
    "reply",
    "author",
    "why",
    "command",
    "allowed",
    "until",
    "still",
    "word",
    "latest",
    "days",
)
_REGISTRATION_REPLIES = ("help", "away", "away-date", "back", "refused")
VALUES: dict[str, tuple[str, ...]] = {
    "welcome.md.j2": (*_ISSUE, "answers_complete"),
    "needs-info.md.j2": (*_ISSUE, "missing"),
    "names-other.md.j2": (*_ISSUE, "named"),
    "duplicate.md.j2": (*_ISSUE, "others"),
    "waiting.md.j2": (
        *_ISSUE,
        "waited_days",
        "past_waits",
        "past_paired",
        "past_median_days",
    ),
    "unpaired.md.j2": _ISSUE,
    "paired.md.j2": (
        *_ISSUE,
        "new_mentors",
        "joining",
        "started",
        "next_checkin",
        "next_review",
    ),
    "checkin.md.j2": (*_ISSUE, "period", "months", "entry"),
    "review.md.j2": (*_ISSUE, "period", "months", "entry"),
    "review-reminder.md.j2": (*_ISSUE, "period", "months", "asked"),
    "ready-reminder.md.j2": (*_ISSUE, "days"),
    "pause-ended.md.j2": (*_ISSUE, "until", "next_checkin", "next_is_review"),
    "pause-reminder.md.j2": (*_ISSUE, "since", "days"),
    "graduated.md.j2": (*_ISSUE, "entry", "pull_request"),
    "closed-not-graduated.md.j2": (
        *_ISSUE,
        "pull_request",
        "entry_issue",
        "listed",
        "draft_entry",
    ),
    "command.md.j2": _COMMAND,
    **{f"command/{reply}.md.j2": _COMMAND for reply in _REPLIES},
    "registration-welcome.md.j2": ("mentor", "coordinators", "program", "handbooks"),
    "registration-command.md.j2": _REGISTRATION_COMMAND,
    **{f"registration-command/{r}.md.j2": _REGISTRATION_COMMAND for r in _REGISTRATION_REPLIES},
    "away-ended.md.j2": (*_REGISTRATION, "until"),
    "schedule-health.md.j2": ("coordinators", "workflow", "kind", "due", "days"),
    "unmatched-entries.md.j2": ("author", "entries", "participants_file"),
    "dashboard/body.md.j2": (
        "config",
        "items",
        "items_left_out",
        "figures",
        "links",
        "chart_left_out",
        "total",
        "table",
        "more",
        "form",
        "omitted",
        "chart",
        "chart_dropped",
    ),
    "dashboard/digest.md.j2": ("coordinators", "lines", "left_out", "dashboard", "config"),
    "dashboard/items.md.j2": (),  # its macros are given what they are called with
    "dashboard/duplicate.md.j2": ("dashboard",),
    "dashboard/new.md.j2": ("config",),
    "report/body.md.j2": ("report", "charts"),
}


class ProgramTemplates(jinja2.BaseLoader):
    """The program's own template of a name, else the shipped one."""

    def __init__(self, own: Path) -> None:
        self.own = own
        self._own = CheckedLoader(own)
        self._shipped = CheckedLoader(TEMPLATES)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The program's text of ``template`` if it has one, else the shipped text."""
        try:
            return self._own.get_source(environment, template)
        except jinja2.TemplateNotFound:
            pass
        source, filename, uptodate = self._shipped.get_source(environment, template)
        own = self.own.joinpath(*template.split("/"))
        # The shipped text stands until the program writes its own.
        return source, filename, lambda: uptodate() and not own.exists()


@functools.cache
def _loader(own: Path) -> ProgramTemplates:
    """One loader a folder, so that a process's runs share one compiled environment."""
    return ProgramTemplates(own)


def program_renderer(root: Path) -> Renderer:
    """The renderer of a run in the checkout ``root``: the program's templates first."""
    own = root / OVERRIDES
    # Without a folder of its own a program shares the shipped environment (compiled once).
    # Resolved only when there is one: resolving stats every component of the path, and
    # is_dir follows symbolic links as resolve does.
    return Renderer(_loader(own.resolve())) if own.is_dir() else Renderer()


def overrides(root: Path) -> list[str]:
    """The names of the templates a program replaces, such as ``command/ready.md.j2``."""
    own = root / OVERRIDES
    found = sorted(p.relative_to(own).as_posix() for p in own.rglob("*.j2") if p.is_file())
    return found if own.is_dir() else []


@dataclass(frozen=True)
class OverrideProblem:
    """Something wrong with one of the program's templates, where it is."""

    file: str  # relative to the repository
    line: int | None
    message: str


def check_overrides(root: Path, config: Config | None = None) -> list[OverrideProblem]:
    """Every problem of the program's templates that can be found before a run: a name
    nothing renders, a syntax error, a value the template is not given, an attribute the
    sandbox refuses; then, with the program's ``config``, what fails when each is
    rendered with the values the shipped one gets. Each with its file and line."""
    problems = _read_overrides(root)
    if config is not None:
        broken = {problem.file for problem in problems}
        renderer = program_renderer(root)
        for name in overrides(root):
            if f"{OVERRIDES}/{name}" not in broken and name in VALUES:
                problems += _rendered(renderer, config, name)
    return list(dict.fromkeys(problems))


def _rendered(renderer: Renderer, config: Config, name: str) -> list[OverrideProblem]:
    """What fails when ``name`` is rendered as each comment that uses it would be."""
    problems = []
    for render in samples(config)[name]:
        try:
            render(renderer)
        except TemplateFailed as exc:
            why = str(exc).split(": ", 1)[-1].split(". Fix the template", 1)[0]
            problems.append(OverrideProblem(exc.file, exc.line, f"{why} when rendered"))
    return problems


def _read_overrides(root: Path) -> list[OverrideProblem]:
    """The problems of the program's templates found without rendering them."""
    env = program_renderer(root).environment
    allowed = set(env.globals)  # range, dict, cycler and the like: jinja2's own
    problems: list[OverrideProblem] = []
    for name in overrides(root):
        file = f"{OVERRIDES}/{name}"
        if name not in VALUES:
            known = ", ".join(sorted(VALUES))
            problems.append(OverrideProblem(file, None, f"no template is named {name}: {known}"))
            continue
        source = (root / file).read_text(encoding="utf-8")
        try:  # compiling also finds a filter that does not exist
            env.compile(source, name, file)
            tree = env.parse(source, name, file)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(OverrideProblem(file, exc.lineno, exc.message or "not a template"))
            continue
        found = _unknown(tree, name, allowed)
        problems += [OverrideProblem(file, line, why) for line, why in found]
    return problems


def _unknown(
    tree: jinja2.nodes.Template, name: str, allowed: set[str]
) -> Iterator[tuple[int, str]]:
    """The line and the words of each value or attribute ``tree`` may not use."""
    # A name the template sets itself anywhere (jinja2.meta misses a tuple set in a macro).
    own = {n.name for n in tree.find_all(jinja2.nodes.Name) if n.ctx in ("store", "param")}
    given = set(VALUES[name]) | allowed | own
    for value in sorted(jinja2.meta.find_undeclared_variables(tree) - given):
        lines = [n.lineno for n in tree.find_all(jinja2.nodes.Name) if n.name == value]
        yield (
            min(lines, default=1),
            f"'{value}' is not a value of {name}; it is given {', '.join(VALUES[name])}",
        )
    for node in tree.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem)):
        if isinstance(node, jinja2.nodes.Getattr):
            attr = node.attr
        else:
            assert isinstance(node, jinja2.nodes.Getitem)
            attr = _constant(node.arg)
        if attr.startswith("_"):
            yield node.lineno, f"'{attr}' is refused: templates run in a sandbox"


def _constant(node: jinja2.nodes.Node) -> str:
    """The text of a constant subscript (``x["__class__"]``), else nothing."""
    return (
        node.value if isinstance(node, jinja2.nodes.Const) and isinstance(node.value, str) else ""
    )


# --- the values the shipped templates get, to render a program's own with -------------

_WHEN = datetime(2026, 1, 20, 5, tzinfo=UTC)
_LATER = datetime(2026, 4, 20, 5, tzinfo=UTC)
_ENTRY = "- name: Ada Example\n  github: ada\n  role: reviewer\n  mentors: [mo]\n  issue: 7"
_SITE = Site("owner/program", "https://github.com/owner/program", "main")
_ITEMS = (
    Item(6, "needs-info", _WHEN, "zoe"),
    Item(7, "waiting-for-mentor", _WHEN, "ada"),
    Item(8, "stalled", _WHEN, "bo", ("mo",)),
    Item(15, "worried", _WHEN, "hu", ("mo",), detail="hu:-1:checkin:4"),
    Item(8, "review-unanswered", _WHEN, "bo", ("mo",), posted=_LATER),  # one line, two reasons
    Item(9, "review-unanswered", _WHEN, "cy", ("mo", "mia"), posted=_LATER),
    Item(10, "long-pause", _WHEN, "di", ("mo",)),
    Item(11, "ready-no-pull-request", _WHEN, "ed", ("mo",)),
    Item(12, "entry-graduates-nobody", _WHEN, "fay", detail="declined"),
    Item(13, "entry-graduates-nobody", _WHEN, "gus", detail="several: #3, #4"),
    Item(0, "participants-unreadable", _WHEN, detail="3: entry 2 has no github"),
    Item(14, "over-capacity", _WHEN, "mo", detail="3 mentees, more than the 2"),
)
_FIGURES = Figures(12, 9.5, 3, 1, 1, 4, 14.0, 5, 4, 7, ("mo",))
Sample = Callable[[Renderer], str]


def _comment(name: str, **context: Any) -> Sample:
    return lambda renderer: renderer.page(name, "check", None, **context)


def _application(config: Config, **extra: Any) -> dict[str, Any]:
    """What every comment on an application is given (the planner's context)."""
    return {
        "mentee": "ada",
        "mentors": ["mo", "mia"],
        "coordinators": list(config.coordinators),
        "program": config.program,
        "handbooks": config.handbooks,
        "cadence": config.cadence,
        "participants_file": config.participants,
        "issue_number": 7,
        "unregistered": [],
        "registration_url": None,
        **extra,
    }


def _replies(config: Config) -> dict[str, list[dict[str, Any]]]:
    """Each command reply's values, by reply."""
    ready = {
        "entry": _ENTRY,
        "repository": _SITE,
        "edit_url": _SITE.edit_url(config.participants),
        "ready_label": config.labels.ready,
        "nomination_url": config.graduation.nomination_url,
    }
    why = ["closed", "edited", "role", "mentee", "already-paused", "not-paused"]
    why += ["not-paired", "already-ready", "already-mentor"]
    return {
        "help": [{}],
        "mentor": [{}],
        "resumed": [
            {"next_checkin": checkin, "next_is_review": review}
            for checkin, review in ((_LATER, False), (_LATER, True), (None, False))
        ],
        "paused": [
            {"reason": reason, "until": until, "still": still}
            for reason, until, still in (
                ("", None, False),
                ("`exams`", None, False),
                ("exams", _LATER.date(), False),
                ("", _LATER.date(), True),
            )
        ],
        "pause-date": [
            {
                "why": why,
                "word": "2027-02-30",
                "days": 28,
                "until": _LATER.date(),
                "latest": _LATER.date(),
            }
            for why in ("format", "place", "year", "month", "no-such-day", "past", "today", "far")
        ],
        "ready": [ready, {**ready, "nomination_url": "https://example.org/nominate"}],
        "refused": [{"why": w, "command": "ready", "allowed": "a mentor"} for w in why],
    }


def _registration(config: Config) -> dict[str, list[Sample]]:
    """A registration's command replies and the note that an away ended."""
    given: dict[str, Any] = {"registrant": "mo", "coordinators": list(config.coordinators)}
    given["program"] = config.program
    day = _LATER.date()
    why = ["closed", "edited", "role", "application-only", "already-away", "not-away"]
    each: list[tuple[str, dict[str, Any]]] = [
        ("help", {}),
        ("back", {}),
        *(
            ("away", {"until": u, "still": s})
            for u, s in ((None, False), (day, False), (day, True))
        ),
        *(
            ("away-date", {"why": w, "word": "2027-02-30", "until": day, "latest": day, "days": 28})
            for w in ("format", "year", "month", "no-such-day", "past", "today", "far", "words")
        ),
        *(("refused", {"why": w, "command": "away", "allowed": "a coordinator"}) for w in why),
    ]
    replies = [
        _comment("registration-command.md.j2", **given, reply=reply, author="mo", **extra)
        for reply, extra in each
    ]
    return {
        "registration-command.md.j2": replies,
        **{f"registration-command/{r}.md.j2": replies for r in _REGISTRATION_REPLIES},
        "away-ended.md.j2": [_comment("away-ended.md.j2", **given, until=day)],
    }


def _dashboard(config: Config) -> dict[str, list[Sample]]:
    """The dashboard's templates, rendered as its body and its digest are."""

    def body(renderer: Renderer) -> str:
        board = view.Board((), _ITEMS, _FIGURES, _LATER)
        return view.body(renderer, config, board, view.Links(_SITE.html_url))

    def digest(renderer: Renderer) -> str:
        return view.digest(renderer, config, _ITEMS, f"{_SITE.html_url}/issues/4")[0]

    return {
        "dashboard/body.md.j2": [body],
        "dashboard/digest.md.j2": [digest],
        "dashboard/items.md.j2": [body],
        "dashboard/duplicate.md.j2": [_comment("dashboard/duplicate.md.j2", dashboard=4)],
        "dashboard/new.md.j2": [_comment("dashboard/new.md.j2", config=config)],
        "report/body.md.j2": [
            functools.partial(_report_markdown, _report(config, a)) for a in (None, _ACTIVITY)
        ],
    }


_QUARTER = report.QuarterFigures("2026 Q1", 5, 3, 12.5, 3, 1, 1, 8.2, 1, 1, 3, 1, 1.33, 2)
_ACTIVITY = report.Activity(("astropy/astropy",), _WHEN.date(), 4, 3, 2, 6, 0.0, "stopped")


def _report_markdown(report_: report.Report, renderer: Renderer) -> str:
    return report_view.as_markdown(report_, renderer)


def _report(config: Config, activity: report.Activity | None) -> report.Report:
    """A report of one quarter, as ``scripts/report.py`` writes it."""
    cost = report.Cost(3, 1, 1, 6)
    name = config.program.name
    return report.Report(name, "o/r", _WHEN, _WHEN.date(), 5, (_QUARTER,), activity, cost)


def samples(config: Config) -> dict[str, list[Sample]]:
    """Each template's renderings, with values like those the code passes it."""
    app = functools.partial(_application, config)
    dates = {"started": _WHEN, "next_checkin": _LATER, "next_review": _LATER}
    found: dict[str, list[Sample]] = {
        "welcome.md.j2": [_comment("welcome.md.j2", **app(answers_complete=a)) for a in (1, 0)],
        "needs-info.md.j2": [_comment("needs-info.md.j2", **app(missing=["Role", "Time"]))],
        "names-other.md.j2": [_comment("names-other.md.j2", **app(named="bo"))],
        "duplicate.md.j2": [_comment("duplicate.md.j2", **app(others=[3, 5]))],
        "unpaired.md.j2": [_comment("unpaired.md.j2", **app())],
        "paired.md.j2": [
            _comment("paired.md.j2", **app(**paired, **dates))
            for paired in (
                {"new_mentors": ["mo"], "joining": False},
                {
                    "new_mentors": ["mia"],
                    "joining": True,
                    "unregistered": ["mia"],
                    "registration_url": _SITE.new_issue_url("mentor-registration.yml"),
                },
            )
        ],
        "review-reminder.md.j2": [
            _comment("review-reminder.md.j2", **app(period=1, months=3, asked=_LATER))
        ],
        "ready-reminder.md.j2": [_comment("ready-reminder.md.j2", **app(days=30))],
        "graduated.md.j2": [
            _comment("graduated.md.j2", **app(entry=_ENTRY, pull_request=pr)) for pr in (42, None)
        ],
        "closed-not-graduated.md.j2": [
            _comment("closed-not-graduated.md.j2", **app(**closed))
            for closed in (
                {"pull_request": 42, "entry_issue": 3, "listed": True, "draft_entry": _ENTRY},
                {"pull_request": None, "entry_issue": None, "listed": False, "draft_entry": ""},
            )
        ],
        "registration-welcome.md.j2": [
            _comment(
                "registration-welcome.md.j2",
                mentor="mo",
                coordinators=list(config.coordinators),
                program=config.program,
                handbooks=config.handbooks,
            )
        ],
        "schedule-health.md.j2": [
            _comment(
                "schedule-health.md.j2",
                coordinators=list(config.coordinators),
                workflow="Mentoring",
                kind=kind,
                due=_WHEN,
                days=9,
            )
            for kind in ("checkin", "review")
        ],
        **_dashboard(config),
    }
    return {**found, **_more(config, app)}


def _more(config: Config, app: Callable[..., dict[str, Any]]) -> dict[str, list[Sample]]:
    """The waiting note, the check-ins, the command replies, the pause's notes and the
    note on a pull request."""
    checkin = [app(period=p, months=p, entry=_ENTRY) for p in (1, 3)]
    replies = [
        _comment("command.md.j2", **app(reply=reply, author="mo", **extra))
        for reply, each in _replies(config).items()
        for extra in each
    ]
    entry = {"github": "ada", "line": 3, "issue": None, "why": "several", "numbers": [3, 7]}
    return {
        "waiting.md.j2": [
            _comment("waiting.md.j2", **app(waited_days=days, **past))
            for days in (30, 1)
            for past in (
                {"past_waits": None, "past_paired": None, "past_median_days": None},
                {"past_waits": 8, "past_paired": 3, "past_median_days": 41},
                {"past_waits": 4, "past_paired": 1, "past_median_days": None},
                {"past_waits": 5, "past_paired": 0, "past_median_days": None},
                {"past_waits": 3, "past_paired": 3, "past_median_days": 1},
            )
        ],
        "checkin.md.j2": [_comment("checkin.md.j2", **c) for c in checkin],
        "review.md.j2": [_comment("review.md.j2", **c) for c in checkin],
        "command.md.j2": replies,
        "pause-ended.md.j2": [
            _comment(
                "pause-ended.md.j2",
                **app(until=_WHEN.date(), next_checkin=checkin, next_is_review=review),
            )
            for checkin, review in ((_LATER, False), (_LATER, True), (None, False))
        ],
        "pause-reminder.md.j2": [_comment("pause-reminder.md.j2", **app(since=_WHEN, days=90))],
        **{f"command/{reply}.md.j2": replies for reply in _REPLIES},
        **_registration(config),
        "unmatched-entries.md.j2": [
            _comment(
                "unmatched-entries.md.j2",
                author="ada",
                entries=[entry, {**entry, "why": "declined", "issue": 4, "numbers": [4]}],
                participants_file=config.participants,
            )
        ],
    }
