"""A program's own wording: ``.github/mentoring/templates/NAME`` replaces the shipped
``templates/NAME``, and setup checks each such file before a run renders it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes

from mentoring.core.render import OVERRIDES, TEMPLATES, CheckedLoader, Renderer

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
)
_REPLIES = ("help", "mentor", "paused", "ready", "refused", "resumed")
VALUES: dict[str, tuple[str, ...]] = {
    "welcome.md.j2": (*_ISSUE, "answers_complete"),
    "needs-info.md.j2": (*_ISSUE, "missing"),
    "names-other.md.j2": (*_ISSUE, "named"),
    "duplicate.md.j2": (*_ISSUE, "others"),
    "waiting.md.j2": _ISSUE,
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
        "omitted",
        "chart",
        "chart_dropped",
    ),
    "dashboard/notice.md.j2": ("coordinators", "items", "left_out", "config"),
    "dashboard/items.md.j2": (),  # its macros are given what they are called with
    "dashboard/duplicate.md.j2": ("dashboard",),
    "dashboard/new.md.j2": ("config",),
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
    own = (root / OVERRIDES).resolve()
    # Without a folder of its own a program shares the shipped environment (compiled once).
    return Renderer(_loader(own)) if own.is_dir() else Renderer()


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


def check_overrides(root: Path) -> list[OverrideProblem]:
    """Every problem of the program's templates that can be found before a run: a name
    nothing renders, a syntax error, a value the template is not given, an attribute the
    sandbox refuses. Each with its file and line."""
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
