"""Logging for the entry points: one record, one line, whatever text it quotes.

The Actions runner reads every line a step prints that starts with ``::`` as a workflow
command. A log message quoting user text (an issue title, a login, a reason from GitHub)
with a newline in it could start such a line; the formatter writes line breaks as
``%0D`` and ``%0A``, as workflow commands escape them, so a record never spans lines.
"""

from __future__ import annotations

import logging
import sys

FORMAT = "%(levelname)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """A formatter whose output is always a single line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "%0D").replace("\n", "%0A")


def configure(level: int = logging.INFO, fmt: str = FORMAT) -> None:
    """Log to stderr, one line a record; like ``logging.basicConfig``, only once a process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(fmt))
    logging.basicConfig(level=level, handlers=[handler])
