"""Who the bot @-mentions in a scenario: each role's mentions per mentorship-month, by kind.

Run by hand from the repository root: ``python benchmarks/bench_mentions.py [SCENARIO]``
(the bundled demo by default). Plays the scenario through the simulator, then reads every
comment the bot posted and counts the people it @-mentions, as GitHub would link them
(:func:`mentioned`): once per comment and person, like GitHub's notification. Each person
is counted in one role: on an application, its mentee, its mentors (anyone the scenario
assigns to it who is not a coordinator), the coordinators (the scenario's, else the
checkout's config); elsewhere (the dashboard, a registration, a pull request) by the same
roles across the scenario; everyone else is "others". A mentorship-month is a month of an
application from its first assignment to its close or the scenario's end, pauses
included. Prints figures; asserts nothing (tests/e2e/test_mentions.py holds the budget).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts")]

from mentoring.cli import reconcile  # noqa: E402
from mentoring.core.model import MARKER_RE  # noqa: E402
from mentoring.core.times import parse_utc  # noqa: E402
from mentoring.files.config import load_config  # noqa: E402
from simulator.simulation import Result, Simulation, load_scenario  # noqa: E402

DEMO = ROOT / "scripts" / "scenarios" / "demo.yml"
ROLES = ("mentee", "mentor", "coordinator", "others")
DAYS_A_MONTH = 365.25 / 12

# GitHub's rule for an @-mention (its html-pipeline MentionFilter): an ``@`` at the start
# or after a character that is not a letter, digit or underscore, then a login (a letter
# or digit, then letters, digits and hyphens, taken whole), not followed by ``/`` (a
# team) and followed by the end, a character that is not a letter, digit, ``_`` or ``.``,
# or dots then a space or the end. So ``a@b.org`` (an email) and ``@cora.x`` are none.
_MENTION = re.compile(
    r"(?<![A-Za-z0-9_])@([A-Za-z0-9][A-Za-z0-9-]*+)(?!/)(?=\.+[ \t]|\.+$|[^0-9A-Za-z_.]|$)",
    re.MULTILINE,
)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$)")
# What GitHub shows without linking a mention in it: code spans (a run of backticks to the
# next run of the same length), links (their text is in an ``<a>``), autolinks, bare URLs.
_UNLINKED = re.compile(
    r"(?P<ticks>`+)(?:(?!(?P=ticks)).)+?(?<!`)(?P=ticks)(?!`)"
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"
    r"|<[a-z][a-z0-9+.-]*:[^>\s]*>"
    r"|\bhttps?://\S+",
    re.DOTALL | re.IGNORECASE,
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _paragraphs(text: str) -> Iterator[str]:
    """The text outside fenced and indented code blocks, a paragraph at a time."""
    fence = ""
    lines: list[str] = []
    in_list = False
    for line in text.splitlines():
        if fence:
            if line.lstrip(" ").startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        opened = _FENCE.match(line)
        indented = line.startswith(("    ", "\t")) and not lines and not in_list
        if opened or indented or not line.strip():
            if lines:
                yield "\n".join(lines)
                lines = []
            fence = opened.group(1) if opened else ""
            continue
        if not line.startswith((" ", "\t")):
            in_list = bool(_LIST_ITEM.match(line))
        lines.append(line)
    if lines:
        yield "\n".join(lines)


def mentioned(text: str) -> list[str]:
    """The logins an @-mention in ``text`` would notify, in order, each once (lower case):
    as GitHub links them, not inside code spans or blocks, links or HTML comments, and
    not in an email address."""
    found: dict[str, None] = {}
    for paragraph in _paragraphs(_HTML_COMMENT.sub("", text)):
        for login in _MENTION.findall(_UNLINKED.sub(" ", paragraph)):
            found.setdefault(login.lower(), None)
    return list(found)


def kind_of(body: str) -> str:
    """A bot comment's kind: its own marker is its last (the code writes any other first)."""
    markers = MARKER_RE.findall(body)
    return markers[-1][0] if markers else "unmarked"


@dataclass
class Cast:
    """Who is who in a scenario, and each application's months of mentorship."""

    coordinators: frozenset[str]
    mentees: dict[int, str] = field(default_factory=dict)  # application -> its author
    mentors: dict[int, set[str]] = field(default_factory=dict)  # application -> assigned
    months: dict[int, float] = field(default_factory=dict)  # application -> mentorship
    registrants: set[str] = field(default_factory=set)  # who opened a mentor registration

    def role(self, login: str, issue: int) -> str:
        """``login``'s role in a comment on ``issue``: on an application, its own mentee
        and mentors first (a coordinator who mentors it is addressed as its mentor)."""
        if issue in self.mentees:
            if login == self.mentees[issue]:
                return "mentee"
            if login in self.mentors.get(issue, ()):
                return "mentor"
        if login in self.coordinators:
            return "coordinator"
        if issue in self.mentees:
            return "others"
        if any(login in m for m in self.mentors.values()) or login in self.registrants:
            return "mentor"
        return "mentee" if login in self.mentees.values() else "others"


def cast_of(scenario: dict[str, Any], opened: list[int], result: Result) -> Cast:
    """The roles and the months, from the scenario's events and the bot's closes."""
    coordinators = (scenario.get("config") or {}).get("coordinators")
    if coordinators is None:
        coordinators = load_config(ROOT).coordinators
    cast = Cast(frozenset(c.lower() for c in coordinators))
    events = sorted(scenario.get("events") or [], key=lambda e: str(e["at"]))
    openings = [e for e in events if "open_issue" in e]
    for event, number in zip(openings, opened, strict=False):
        if "registration" in str(event["open_issue"].get("template", "")):
            cast.registrants.add(str(event["by"]).lower())
        else:
            cast.mentees[number] = str(event["by"]).lower()
    starts: dict[int, datetime] = {}
    ends: dict[int, datetime] = {}
    for event in events:
        at = parse_utc(str(event["at"]))
        if "assign" in event:
            number = int(event["assign"]["issue"])
            users = {u.lower() for u in event["assign"]["users"]} - cast.coordinators
            cast.mentors.setdefault(number, set()).update(users)
            starts.setdefault(number, at)
        said = event.get("comment") or {}
        by = str(event["by"]).lower()
        if str(said.get("body", "")).startswith("/mentor") and by in cast.coordinators:
            cast.mentors.setdefault(int(said["issue"]), set()).add(by)
            starts.setdefault(int(said["issue"]), at)
        if "close" in event:
            ends.setdefault(int(event["close"]["issue"]), at)
        for number in _closed_by_merge(event.get("merge_pull_request")):
            ends.setdefault(number, at)
    for action in result.actions:
        if action["type"] == "close":
            ends.setdefault(int(action["issue"]), parse_utc(action["at"]))
    end = parse_utc(str(scenario["end"]))
    for number, start in starts.items():
        if number in cast.mentees:
            days = (min(ends.get(number, end), end) - start).total_seconds() / 86400
            cast.months[number] = max(days, 0.0) / DAYS_A_MONTH
    return cast


_CLOSES = re.compile(r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+#([0-9]+)", re.IGNORECASE)


def _closed_by_merge(merge: dict[str, Any] | None) -> list[int]:
    """The applications a merged pull request concludes: its ``Closes #N``, its entries."""
    if not merge:
        return []
    named = [int(n) for n in _CLOSES.findall(str(merge.get("body") or ""))]
    return named + [int(e["issue"]) for e in merge.get("participants_add") or [] if "issue" in e]


@dataclass(frozen=True)
class Mention:
    issue: int
    kind: str
    login: str
    role: str


def mentions(result: Result, cast: Cast) -> list[Mention]:
    """Every person each bot comment @-mentions, with the comment's issue and kind."""
    return [
        Mention(int(a["issue"]), kind_of(a["body"]), login, cast.role(login, int(a["issue"])))
        for a in result.actions
        if a["type"] == "comment"
        for login in mentioned(a["body"])
    ]


def play(path: Path) -> tuple[Result, Cast]:
    """The scenario played with this checkout, and its cast."""
    scenario = load_scenario(path)
    simulation = Simulation(scenario, ROOT)
    result = simulation.run(reconcile.main)
    return result, cast_of(scenario, simulation.opened, result)


def table(found: Iterable[Mention], months: float) -> list[str]:
    """The printed lines: per role, its mentions, per mentorship-month, and by kind."""
    found = list(found)
    lines = [f"{'role':<12} {'mentions':>8} {'a month':>8}  by comment kind"]
    for role in ROLES:
        kinds = Counter(m.kind for m in found if m.role == role)
        total = sum(kinds.values())
        by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda x: -x[1]))
        rate = total / months if months else 0.0
        lines.append(f"{role:<12} {total:>8} {rate:>8.2f}  {by_kind or '-'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Play the scenario and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEMO)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    result, cast = play(args.scenario)
    months = sum(cast.months.values())
    name = "the demo" if args.scenario.resolve() == DEMO else str(args.scenario)
    print(
        f"{name}: {len(cast.mentees)} applications, {months:.1f} mentorship-months,"
        f" {sum(1 for a in result.actions if a['type'] == 'comment')} bot comments"
    )
    print("\n".join(table(mentions(result, cast), months)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
