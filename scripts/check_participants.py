"""Check ``participants.yml``: annotations on the lines to fix, a summary, an exit code.

Outside a pull request it checks the file's own rules. In a pull request, when the
caller passes a ``lookup`` (an adapter over GitHub), it also checks each entry the pull
request adds against that person's mentorship application issue.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mentoring.participants import (
    IssueLookup,
    Participants,
    Problem,
    added_entries,
    check_against_issues,
    load_participants,
)

__all__ = ["check_against_issues", "main"]

log = logging.getLogger(__name__)

PULL_REQUEST_EVENTS = {"pull_request", "pull_request_target"}
DEFAULT_FILE = "participants.yml"


def main(argv: list[str] | None = None, lookup: IssueLookup | None = None) -> int:
    """Check the file; 0 if fine, 1 if it has problems, 2 for a usage error."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a bad option (argparse has printed why)
        return exc.code if isinstance(exc.code, int) else 2
    file = str(args.file)

    current = _load(args.file, file)
    if current is None:
        return 2
    problems = list(current.problems)

    if os.environ.get("GITHUB_EVENT_NAME") in PULL_REQUEST_EVENTS:
        if lookup is None:
            log.info("Not checking entries against their issues: no GitHub lookup given.")
        elif args.base is None:
            print(
                "check_participants: in a pull request with a GitHub lookup, --base PATH"
                " (the file as it is on the base branch) is needed to know which entries"
                " the pull request adds.",
                file=sys.stderr,
            )
            return 2
        else:
            base = _load(args.base, str(args.base), missing_ok=True)
            if base is None:
                return 2
            added = added_entries(base.entries, current.entries)
            log.info("Checking %d added entries against their issues.", len(added))
            problems.extend(check_against_issues(added, lookup, file))

    problems.sort(key=lambda p: p.line)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if problems:
        for problem in problems:
            print(annotation(problem))
        if summary_path:
            _append(summary_path, summary_markdown(file, problems))
        log.error("%s: %d problem(s) to fix, shown above.", file, len(problems))
        return 1
    print(f"{file}: OK ({len(current.entries)} entries)")
    if summary_path:
        _append(summary_path, f"### {file}\n\nOK: {len(current.entries)} entries, no problems.\n")
    return 0


def annotation(problem: Problem) -> str:
    """The workflow command that shows ``problem`` on its line in the pull request."""
    title = f"{Path(problem.file).name} needs a change"
    props = f"file={_escape_property(problem.file)},line={problem.line}"
    return f"::error {props},title={_escape_property(title)}::{_escape_data(problem.message)}"


def summary_markdown(file: str, problems: Sequence[Problem]) -> str:
    """A markdown list of the problems, for ``$GITHUB_STEP_SUMMARY``."""
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    lines = [f"### {file}: {count} to fix", ""]
    for problem in problems:
        message = problem.message.replace("\r", " ").replace("\n", " ")
        lines.append(f"- **line {problem.line}**: {message}")
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _load(path: Path, file: str, *, missing_ok: bool = False) -> Participants | None:
    try:
        return load_participants(path, file)
    except FileNotFoundError:
        if missing_ok:  # the pull request creates the file: every entry is new
            return Participants(file)
        print(
            f"check_participants: {file} was not found (looked for {path.resolve()})."
            " Run this from the repository root, or pass --file PATH.",
            file=sys.stderr,
        )
    except IsADirectoryError:
        print(f"check_participants: {file} is a directory, not a file.", file=sys.stderr)
    except OSError as exc:
        print(f"check_participants: cannot read {file}: {exc.strerror}.", file=sys.stderr)
    return None


def _append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_participants.py",
        description=(
            "Check participants.yml (the program's graduates) and print a GitHub"
            " annotation on the line of each problem. Exit 0 if the file is fine,"
            " 1 if it has problems, 2 for a usage error."
        ),
    )
    parser.add_argument(
        "--file",
        type=Path,
        default=Path(DEFAULT_FILE),
        metavar="PATH",
        help=f"the file to check (default: {DEFAULT_FILE} in the current directory)",
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=None,
        metavar="PATH",
        help=(
            "in a pull request: the file as it is on the base branch (missing means"
            " empty); entries not in it are checked against their application issues"
        ),
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
