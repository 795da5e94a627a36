"""Comment wording lives in ``templates/*.md.j2``; this module only fills them in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from mentoring.core.commands import one_line
from mentoring.core.model import marker

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def _date(value: datetime) -> str:
    return f"{value:%A %-d %B %Y}"


def _day(value: datetime) -> str:
    return f"{value:%Y-%m-%d}"


def _number(value: float | None) -> str:
    """A median: one decimal, "–" when there is nothing to take it of."""
    return "–" if value is None else f"{value:.1f}"


def _mention(login: str) -> str:
    return f"@{login}"


def _mentions(logins: list[str] | tuple[str, ...]) -> str:
    names = [f"@{login}" for login in logins]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


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


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, keyed by name and checked by source checksum.

    A process that runs many times over (the simulator, the tests) compiled every template
    again in each run's Renderer; a changed template still compiles afresh.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # resets itself if the checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class Renderer:
    """Renders one comment per kind, ending with the kind's hidden marker."""

    def __init__(self, directory: Path = TEMPLATES) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # noqa: S701 - Markdown; user text is cleaned YAML in fences or | quote
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_COMPILED,
        )
        self._env.filters["date"] = _date
        self._env.filters["mention"] = _mention
        self._env.filters["mentions"] = _mentions
        self._env.filters["day"] = _day
        self._env.filters["number"] = _number
        self._env.globals["marker"] = marker
        self._env.filters["quote"] = _quote

    def comment(self, kind: str, key: object | None = None, /, **context: Any) -> str:
        """The body of a ``kind`` comment: the template's text, then its marker.

        ``kind`` and ``key`` are positional-only, so a template may itself use variables
        named ``kind`` or ``key``.
        """
        return self.page(f"{kind}.md.j2", kind, key, **context)

    def page(self, template: str, kind: str, key: object | None = None, /, **context: Any) -> str:
        """Like :meth:`comment`, from a named template (the dashboard's are in a folder)."""
        text = self._env.get_template(template).render(**context).strip()
        return f"{text}\n\n{marker(kind, key)}"
