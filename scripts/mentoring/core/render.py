"""Comment wording lives in ``templates/*.md.j2``; this module only fills them in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from mentoring.core.commands import one_line
from mentoring.core.model import MARKER_RE, marker

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# Where a program keeps its own wording, relative to its repository: a template here
# replaces the shipped one of the same name (found by mentoring.files.templates).
OVERRIDES = ".github/mentoring/templates"


def _date(value: datetime) -> str:
    return f"{value:%A %-d %B %Y}"


def _day(value: datetime) -> str:
    return f"{value:%Y-%m-%d}"


def _number(value: float | None) -> str:
    """A median: one decimal, "–" when there is nothing to take it of."""
    return "–" if value is None else f"{value:.1f}"


def _mention(login: str) -> str:
    return f"@{login}"


def _listed(items: list[str], word: str) -> str:
    """``a``, ``a and b``, ``a, b and c``: with ``or`` where any one of them will do."""
    if word not in ("and", "or"):  # a program's own template may ask for anything
        raise jinja2.TemplateRuntimeError(f"a list is joined with 'and' or 'or', not {word!r}")
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _mentions(logins: list[str] | tuple[str, ...], word: str = "and") -> str:
    """The logins @-mentioned: each of them is notified."""
    return _listed([f"@{login}" for login in logins], word)


def _names(logins: list[str] | tuple[str, ...], word: str = "and") -> str:
    """The logins as plain text, which notifies nobody (no ``@``)."""
    return _listed(list(logins), word)


def _quote(text: str, limit: int = 200) -> str:
    """User text quoted inline as one neutral line: a code span, so nothing in it renders,
    pings (GitHub links no @mention inside code) or closes it, and without ``<`` or ``>``,
    so it can never carry a marker or an HTML comment into the bot's own comment."""
    line = one_line(text, limit).replace("<", "").replace(">", "")
    if not line:
        return ""
    longest = run = 0
    for ch in line:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


class CheckedLoader(jinja2.FileSystemLoader):
    """Templates from a folder, each kept compiled while its file reads the same.

    jinja2 reloads a template when its file's modification time changes; here the text
    itself is compared, so an edit is never missed, however quick.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, _ = super().get_source(environment, template)
        assert filename is not None  # a file of the folder

        def uptodate() -> bool:
            try:
                with open(filename, encoding=self.encoding) as file:  # as jinja2 reads it
                    return file.read() == source
            except OSError:
                return False

        return source, filename, uptodate


@functools.cache
def _environment(templates: Path | jinja2.BaseLoader) -> jinja2.Environment:
    """One environment per folder (or loader) for every Renderer of a process: a process
    that runs many times over (the simulator, the tests) compiled every template again in
    each run's Renderer. A changed template still compiles afresh (:class:`CheckedLoader`).

    Every template renders in jinja2's sandbox, the shipped ones too: a program's own
    template runs with the job's token, and the simulator runs a stranger's templates on
    a maintainer's machine. The sandbox refuses ``__class__`` and the like, and the
    immutable one any method that changes a value it is given.
    """
    loader = CheckedLoader(templates) if isinstance(templates, Path) else templates
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown; user text is cleaned YAML in fences or | quote
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["mention"] = _mention
    env.filters["mentions"] = _mentions
    env.filters["names"] = _names
    env.filters["day"] = _day
    env.filters["number"] = _number
    env.filters["quote"] = _quote
    return env


class TemplateFailed(Exception):
    """A template that could not be rendered: which file, which line, and why, in words a
    maintainer who edited it can act on (jinja2's own exception is its cause)."""

    def __init__(self, message: str, file: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.file = file  # relative to the repository: templates/NAME, or the program's
        self.line = line


def shown(filename: str | None, name: str) -> str:
    """A template's file as its editor knows it: ``templates/NAME`` when shipped (or from
    a folder of its own), ``.github/mentoring/templates/NAME`` when the program's."""
    if filename:
        path = Path(filename)
        if path.is_relative_to(TEMPLATES):
            return f"templates/{path.relative_to(TEMPLATES).as_posix()}"
        if f"/{OVERRIDES}/" in path.as_posix():
            return f"{OVERRIDES}/{path.as_posix().split(f'/{OVERRIDES}/')[-1]}"
        return f"templates/{path.name}"  # a folder of templates of its own (tests)
    return f"templates/{name}"


def _failed(filename: str | None, name: str, exc: jinja2.TemplateError) -> TemplateFailed:
    line = getattr(exc, "lineno", None)  # a syntax error knows its line
    frame = exc.__traceback__
    while frame is not None:  # an error while rendering: jinja2 maps each frame to its file
        if frame.tb_frame.f_code.co_filename.endswith(".j2"):  # the innermost (an include's)
            filename, line = frame.tb_frame.f_code.co_filename, frame.tb_lineno
        frame = frame.tb_next
    file = shown(filename, name)
    where = file + (f", line {line}" if line else "")
    why = (exc.message or type(exc).__name__).rstrip(".")
    check = (
        "the Set up repository workflow checks the program's templates"
        if where.startswith(OVERRIDES)
        else "`python -m pytest tests/core/test_templates.py` renders every template"
    )
    return TemplateFailed(
        f"{where}: {why}. Fix the template, or revert the change ({check})", file, line
    )


def _unmarked(text: str) -> str:
    """A template's text without any marker of the bot's: markers are the code's to write
    (a program's template could otherwise forge one, or a value carry one in)."""
    return MARKER_RE.sub("", text) if "<!--" in text else text


class Renderer:
    """Renders one comment per kind, ending with the kind's hidden marker.

    ``templates`` is the folder of the shipped templates, or a loader that also finds a
    program's own (:func:`mentoring.files.templates.program_renderer`).
    """

    def __init__(self, templates: Path | jinja2.BaseLoader = TEMPLATES) -> None:
        self._env = _environment(templates)
        # Each template as this Renderer (one a run) first found it: its file is read
        # once a run to check it, not once a comment (opening a file is slow).
        self._templates: dict[str, jinja2.Template] = {}

    @property
    def environment(self) -> jinja2.Environment:
        """The sandboxed environment its templates compile in, with their filters."""
        return self._env

    def comment(self, kind: str, key: object | None = None, /, **context: Any) -> str:
        """The body of a ``kind`` comment: the template's text, then its marker.

        ``kind`` and ``key`` are positional-only, so a template may itself use variables
        named ``kind`` or ``key``.
        """
        return self.page(f"{kind}.md.j2", kind, key, **context)

    def page(
        self,
        template: str,
        kind: str,
        key: object | None = None,
        marks: tuple[str, ...] = (),
        /,
        **context: Any,
    ) -> str:
        """Like :meth:`comment`, from a named template (the dashboard's are in a folder).

        ``marks`` are more markers (as :func:`~mentoring.core.model.marker` writes them)
        to put on their own lines before the comment's own: the code writes every marker,
        so no template can leave one out or add one.
        """
        found = self._templates.get(template)
        try:
            if found is None:
                found = self._templates[template] = self._env.get_template(template)
            text = _unmarked(found.render(**context)).strip()
        except jinja2.TemplateSyntaxError as exc:
            raise _failed(exc.filename, template, exc) from exc
        except jinja2.TemplateError as exc:
            assert found is not None
            raise _failed(found.filename, template, exc) from exc
        return "\n\n".join([text, *(["\n".join(marks)] if marks else []), marker(kind, key)])
