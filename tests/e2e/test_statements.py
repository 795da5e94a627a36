"""Every word the bot says holds: after runs under random faults and then quiet runs, the
latest statement of each kind the bot made about an issue is true of it, unless a person
changed that state after the statement.

Each statement declares the state it asserts (``STATEMENTS``); the scenarios are short
and made for them (pause and resume, ready, pairing, a mentor leaving, graduation); the
faults are random, at 30 % of requests, over twenty seeds (the first two in the quick
suite, the rest with ``-m slow``) and both read paths.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.core.model import MARKER_RE
from paths import ROOT_DIR
from played import group
from simulator.sandbox import Sandbox
from simulator.simulation import Simulation

BOT = "github-actions[bot]"
COORDINATORS = ("cora",)
PAUSED, READY, GRADUATED = "mentoring: paused", "mentoring: ready", "mentoring: graduated"
RATE = 0.3
SEEDS = range(1, 21)
QUICK_SEEDS = 2  # the first seeds run in the quick suite; the rest with `-m slow` (CI)
BY_SEED = [pytest.param(s, marks=pytest.mark.slow if s > QUICK_SEEDS else ()) for s in SEEDS]
READS = ("graphql", "rest")
FAULTY_UNTIL = datetime(2026, 1, 15, tzinfo=UTC)  # the scenarios' last event is before
QUIET = timedelta(days=3)  # then fault-free scheduled runs
MENTORS = ("bob", "dan", "erin", "hal", "ivy")
ANSWERS = {
    "name": "Ana",
    "role": "Maintainer of astropy.io.fits.",
    "availability": "Five hours a week.",
    "code_of_conduct": [
        "I agree to follow the [Astropy Community Code of Conduct]"
        "(https://www.astropy.org/code_of_conduct.html)."
    ],
}


@dataclass(frozen=True)
class Issue:
    """An issue as it ends, and the people's changes on its timeline."""

    state: str
    state_reason: str | None
    labels: frozenset[str]
    mentors: frozenset[str]
    people: tuple[dict[str, Any], ...]  # timeline events not by the bot

    def changed_after(self, at: datetime, matches: Callable[[dict[str, Any]], bool]) -> bool:
        """Whether a person made a change ``matches`` picks after ``at``."""
        return any(_at(e["created_at"]) > at and matches(e) for e in self.people)


@dataclass(frozen=True)
class Statement:
    """What one kind of comment says is so, and which people's changes may undo it."""

    topic: str  # statements of one topic replace each other: only the latest must hold
    holds: Callable[[Issue, str | None], bool]  # given the comment's marker key
    undone_by: Callable[[dict[str, Any]], bool]  # a person's timeline event


def _label(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["event"] in ("labeled", "unlabeled") and e["label"]["name"] == name


def _assignment(e: dict[str, Any]) -> bool:
    return e["event"] in ("assigned", "unassigned")


def _state_change(e: dict[str, Any]) -> bool:
    return e["event"] in ("closed", "reopened") or _label(GRADUATED)(e)


def _graduated(i: Issue, key: str | None = None) -> bool:
    return i.state == "closed" and i.state_reason == "completed" and GRADUATED in i.labels


def _ready(i: Issue, key: str | None) -> bool:
    return READY in i.labels or _graduated(i)  # graduation takes the ready label off


def _paused(i: Issue, key: str | None) -> bool:
    return PAUSED in i.labels or _graduated(i)  # graduated: the mentorship is over


def _paired(i: Issue, key: str | None) -> bool:
    return set((key or "").split(",")) <= i.mentors


# Each statement the bot makes, by its comment kind (a command reply: by its words).
STATEMENTS: dict[str, Statement] = {
    "paused": Statement("pause", _paused, _label(PAUSED)),
    "already-paused": Statement("pause", _paused, _label(PAUSED)),
    "resumed": Statement("pause", lambda i, k: PAUSED not in i.labels, _label(PAUSED)),
    "not-paused": Statement("pause", lambda i, k: PAUSED not in i.labels, _label(PAUSED)),
    "pause-ended": Statement("pause", lambda i, k: PAUSED not in i.labels, _label(PAUSED)),
    "ready": Statement("ready", _ready, _label(READY)),
    "already-ready": Statement("ready", _ready, _label(READY)),
    "paired": Statement("mentor", _paired, _assignment),
    "unpaired": Statement("mentor", lambda i, k: not i.mentors, _assignment),
    "graduated": Statement("graduated", _graduated, _state_change),
}

# A command reply's kind, by its opening words (templates/command/).
REPLIES = {
    "Paused": "paused",
    "Still paused": "paused",
    "This mentorship is already paused": "already-paused",
    "Resumed.": "resumed",
    "This mentorship is not paused": "not-paused",
    "The mentee is already marked ready": "already-ready",
}


def _kind(marker_kind: str, body: str) -> str:
    if marker_kind != "command":
        return marker_kind
    if "you are ready to graduate" in body.split("\n", 1)[0]:
        return "ready"
    return next((k for words, k in REPLIES.items() if body.startswith(words)), "other")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _day(day: int, hour: int = 10) -> str:
    return f"2026-01-{day:02d}T{hour:02d}:00:00Z"


def _apply(day: int, by: str) -> dict[str, Any]:
    answers = {**ANSWERS, "name": by.title()}
    return {
        "at": _day(day, 9),
        "by": by,
        "open_issue": {"template": "mentee-application.yml", "answers": answers},
    }


def _say(day: int, by: str, body: str, issue: int, hour: int = 10) -> dict[str, Any]:
    return {"at": _day(day, hour), "by": by, "comment": {"issue": issue, "body": body}}


def _assign(day: int, issue: int, mentor: str, undo: bool = False) -> dict[str, Any]:
    return {
        "at": _day(day, 11),
        "by": "cora",
        "unassign" if undo else "assign": {"issue": issue, "users": [mentor]},
    }


# Four short mentorships, each made for a few statements.
SCENARIOS: dict[str, list[dict[str, Any]]] = {
    "pause-resume-ready": [
        _apply(5, "alice"),
        _assign(5, 1, "bob"),
        _say(6, "alice", "/pause exams", 1),
        _say(6, "bob", "/pause", 1, hour=12),
        _say(8, "bob", "/resume", 1),
        _say(9, "alice", "/resume", 1),
        _say(10, "alice", "/pause\n\n/resume", 1),
        _say(11, "bob", "/pause", 1),
        _say(11, "alice", "/resume", 1, hour=11),
        _say(12, "bob", "/ready", 1),
        _say(13, "cora", "/ready", 1),
    ],
    "mentors-come-and-go": [
        _apply(5, "carol"),
        _assign(5, 1, "dan"),
        _say(7, "dan", "/ready", 1),
        _assign(8, 1, "dan", undo=True),  # a ready mentorship without a mentor
        _say(9, "cora", "/ready", 1),
        _assign(10, 1, "erin"),
        _apply(5, "gus"),
        _assign(6, 2, "hal"),
        _assign(9, 2, "hal", undo=True),
        _assign(11, 2, "ivy"),
    ],
    "dated-pause": [
        _apply(5, "alice"),
        _assign(5, 1, "bob"),
        _say(6, "alice", "/pause until 2026-01-09 exams", 1),
        _say(7, "bob", "/pause until 2026-01-10", 1),  # a new date
        _apply(5, "carol"),
        _assign(5, 2, "dan"),
        _say(6, "carol", "/pause until 2026-01-12", 2),
        _say(8, "dan", "/resume", 2),  # before the date: no end by itself
        _say(9, "carol", "/pause", 2),
    ],
    "graduation": [
        _apply(5, "ana"),
        _assign(5, 1, "bob"),
        _say(7, "ana", "/pause", 1),
        _say(8, "bob", "/ready", 1),
        {
            "at": _day(10, 15),
            "by": "ana",
            "merge_pull_request": {
                "title": "Add Ana to participants.yml",
                "body": "Closes #1",
                "participants_add": [{"name": "Ana", "github": "ana", "issue": 1}],
                "merged_by": "cora",
            },
        },
    ],
}


@functools.cache
def _play(name: str, seed: int, read: str) -> tuple[dict[int, Issue], dict[int, list[Any]], int]:
    """Play a scenario under faults (none for seed 0) to its end, then quietly; the issues
    as they end, the bot's statements on each (kind, marker key, when) in the order
    posted, and how many writes to an application faulted (refused, or answer lost)."""
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": (FAULTY_UNTIL + QUIET).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "schedule": "17 6 * * *",
        "config": {"coordinators": list(COORDINATORS), "dashboard": {"enabled": False}},
        "collaborators": {"cora": "admin", **{m: "write" for m in MENTORS}},
        "participants": [],
        "events": SCENARIOS[name],
    }
    simulation = Simulation(
        scenario, ROOT_DIR, faults=RATE if seed else 0.0, seed=seed, read=read, keep_http_log=True
    )

    def main(*args: Any, **kwargs: Any) -> int:
        if simulation.sandbox.now >= FAULTY_UNTIL:
            simulation.sandbox.set_fault_rate(0.0, 0)
        return reconcile.main(*args, **kwargs)

    logging.disable(logging.WARNING)
    try:
        result = simulation.run(main)
    finally:
        logging.disable(logging.NOTSET)
    faulted = sum(
        1
        for r in result.http_log
        if r["method"] != "GET" and "/issues/1" in r["path"] and r["status"] in (403, 429, 502)
    )
    return (*_issues(simulation.sandbox, result), faulted)


def _issues(sb: Sandbox, result: Any) -> tuple[dict[int, Issue], dict[int, list[Any]]]:
    issues: dict[int, Issue] = {}
    said: dict[int, list[Any]] = {}
    for number_text, shown in result.issues.items():
        number = int(number_text)
        if "application" not in shown["labels"]:
            continue  # the graduation's pull request
        raw = sb.issue(number)
        assignees = {a["login"] for a in raw["assignees"]}
        issues[number] = Issue(
            state=raw["state"],
            state_reason=raw.get("state_reason"),
            labels=frozenset(lb["name"] for lb in raw["labels"]),
            mentors=frozenset(assignees - set(COORDINATORS)),
            people=tuple(
                e
                for e in sb.timeline(number)
                if e["event"] != "commented" and (e.get("actor") or {}).get("login") != BOT
            ),
        )
        said[number] = []
        for c in sorted(sb.comments(number), key=lambda c: (c["created_at"], c["id"])):
            # A comment's own marker is its last (a pause reply has a pause-until before it).
            marks = [*MARKER_RE.finditer(c["body"])] if c["user"]["login"] == BOT else []
            found = marks[-1] if marks else None
            if found:
                kind = _kind(found["kind"], c["body"])
                said[number].append((kind, found["key"], _at(c["created_at"])))
    return issues, said


def _untrue(issues: dict[int, Issue], said: dict[int, list[Any]]) -> list[str]:
    """The latest statement of each topic on each issue that does not hold."""
    wrong = []
    for number, issue in issues.items():
        latest: dict[str, tuple[str, str | None, datetime]] = {}
        for kind, key, at in said[number]:
            if kind in STATEMENTS:
                latest[STATEMENTS[kind].topic] = (kind, key, at)
        for kind, key, at in latest.values():
            statement = STATEMENTS[kind]
            if issue.changed_after(at, statement.undone_by):
                continue
            if not statement.holds(issue, key):
                shown = f"{issue.state} {sorted(issue.labels)} mentors {sorted(issue.mentors)}"
                wrong.append(f"#{number}: {kind} ({key}) at {at:%m-%d %H:%M}, yet {shown}")
    return wrong


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("read", READS)
def test_without_faults_every_statement_holds_and_each_is_made(name: str, read: str) -> None:
    issues, said, faulted = _play(name, 0, read)
    assert faulted == 0
    assert _untrue(issues, said) == []
    made = {kind for statements in said.values() for kind, _, _ in statements}
    wanted = {
        "pause-resume-ready": {"paused", "already-paused", "resumed", "not-paused", "ready"},
        "mentors-come-and-go": {"ready", "already-ready", "unpaired", "paired"},
        "graduation": {"paused", "ready", "graduated"},
        "dated-pause": {"paused", "pause-ended", "resumed"},
    }[name]
    assert wanted <= made, made
    assert _twice(said) == []


def _twice(said: dict[int, list[Any]]) -> list[tuple[int, str, str | None]]:
    """A pause's end announced more than once (never: it is keyed by the pause)."""
    ends = [(n, kind, key) for n, s in said.items() for kind, key, _ in s if kind == "pause-ended"]
    return [end for end in set(ends) if ends.count(end) > 1]


# Each scenario's plays on one read path stay on one worker: the check that the faults
# fell on writes reads the quick seeds' plays again (``_play`` is cached per process).
BY_CASE = [
    pytest.param(name, read, marks=group(f"statements-{name}-{read}"), id=f"{name}-{read}")
    for name in SCENARIOS
    for read in READS
]


@pytest.mark.parametrize("seed", BY_SEED)
@pytest.mark.parametrize(("name", "read"), BY_CASE)
def test_under_faults_the_latest_statement_of_each_kind_holds(
    name: str, read: str, seed: int
) -> None:
    issues, said, _ = _play(name, seed, read)
    wrong = _untrue(issues, said) + [f"#{n}: {k} ({key}) twice" for n, k, key in _twice(said)]
    assert wrong == [], f"--faults {RATE} --seed {seed} on {read} ends with untrue statements"


@pytest.mark.parametrize(("name", "read"), BY_CASE)
def test_the_quick_seeds_fault_the_bots_writes(name: str, read: str) -> None:
    # Not every seed faults a write (seed 1 over GraphQL in mentors-come-and-go does
    # not); the quick ones together do, or the test above would prove nothing quickly.
    assert sum(_play(name, seed, read)[2] for seed in range(1, QUICK_SEEDS + 1)) > 0
