"""GitHub Actions workflow commands (``::error file=...,line=N::message``), escaped."""

from __future__ import annotations

import sys
from typing import Any, TextIO


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line such as ``::error file=a.yml,line=3::message``."""
    props = []
    if file:
        props.append(f"file={_escape_property(file)}")
    if line:
        props.append(f"line={line}")
    if title:
        props.append(f"title={_escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{_escape_data(message)}"


def _emit(level: str, message: str, out: TextIO | None, **where: Any) -> None:
    print(command(level, message, **where), file=out or sys.stdout)


def error(
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Print an error annotation for a maintainer to fix."""
    _emit("error", message, out, file=file, line=line, title=title)


def warning(
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Print a warning annotation."""
    _emit("warning", message, out, file=file, line=line, title=title)
