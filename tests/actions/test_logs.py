"""Logging in the entry points: a record is always one line in the Actions log."""

from __future__ import annotations

import io
import logging
import sys

from mentoring.actions.logs import OneLineFormatter
from paths import ROOT_DIR

SCRIPTS = ROOT_DIR / "scripts"
# Each command line in scripts/ is a shim; its main lives in one of these.
MAINS = (*(SCRIPTS / "mentoring" / "cli").glob("*.py"), SCRIPTS / "simulator" / "cli.py")


def _formatted(message: str, *args: object) -> str:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(OneLineFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test_logs")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return out.getvalue()


def test_user_text_with_a_newline_cannot_start_a_workflow_command() -> None:
    text = _formatted("#%s: title %s", 3, "Hi\n::error::x\r\n::warning::y")
    assert text.count("\n") == 1  # the handler's own line end
    assert "\r" not in text
    assert text == "WARNING #3: title Hi%0A::error::x%0D%0A::warning::y\n"
    assert not any(line.startswith("::") for line in text.splitlines())


def test_a_traceback_stays_on_the_record_line() -> None:
    formatter = OneLineFormatter("%(message)s")
    try:
        raise ValueError("bad\n::error::x")
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "\n" not in formatter.format(record)


def test_every_entry_point_logs_through_the_one_line_setup() -> None:
    for shim in sorted(SCRIPTS.glob("*.py")):
        assert "basicConfig" not in shim.read_text(encoding="utf-8"), shim.name
    for script in sorted(MAINS):
        text = script.read_text(encoding="utf-8")
        if "def main(" not in text:
            continue
        assert "logs.configure(" in text, f"{script.name} does not call logs.configure"
        assert "basicConfig" not in text, script.name
