"""Faults at every kind of write, and whole scenarios under random faults: nothing lost,
nothing doubled, and at 10 % nothing more than two scheduled runs late."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from mentoring.cli import reconcile
from mentoring.files.config import load_config
from paths import ROOT_DIR
from played import group
from simulator import issue_forms
from simulator.cron import Cron
from simulator.sandbox import Fault, Sandbox
from simulator.sandbox.faults import GRAPHQL_ONLY, WRITE_METHODS, FaultPlan
from simulator.simulation import Result, Simulation, load_scenario

ROOT = ROOT_DIR
SCENARIO = ROOT / "tests" / "scenarios" / "faults-short.yml"
GRAPHQL = "/graphql"
SLACK = timedelta(seconds=10)  # an event's run starts a few seconds after it
# At 10 % of requests faulty, how many scheduled runs late a comment may be. A run stops
# at its second rate limit (GitHub's secondary limits ask for that), and REST reads a
# request per issue in a fixed order, least recently updated first: an issue late in
# that order can wait out a few stopped runs in a row (seed 1 once waited four, two
# weeks on this twice-weekly schedule). GraphQL reads fifty issues a request.
LATE_RUNS = {"graphql": 2, "rest": 4}
DIGEST = timedelta(days=7)  # dashboard.digest: weekly, the default


# --- whole scenarios under random faults ---------------------------------------------


TAIL = timedelta(days=21)  # fault-free scheduled runs after the scenario's end


@functools.cache
def _simulate(
    rate: float, seed: int, read: str = "graphql"
) -> tuple[Result, tuple[tuple[int, str], ...]]:
    """Run the short year, then three fault-free weeks (so that what a fault only delayed
    past the end still comes: lost means never); also return each run's exit code and
    printed annotations."""
    runs: list[tuple[int, str]] = []
    scenario = load_scenario(SCENARIO)
    end = scenario["end"]
    scenario["end"] = end + TAIL
    simulation = Simulation(scenario, ROOT, faults=rate, seed=seed, keep_http_log=True, read=read)

    def main(*args: Any, **kwargs: Any) -> int:
        if simulation.sandbox.now >= end:
            simulation.sandbox.set_fault_rate(0.0, 0)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = reconcile.main(*args, **kwargs)
        runs.append((code, out.getvalue()))
        return code

    logging.disable(logging.WARNING)
    try:
        result = simulation.run(main)
    finally:
        logging.disable(logging.NOTSET)
    return result, tuple(runs)


def _reminder_delay(
    key: tuple[int, str, str | None],
    when: datetime,
    expected: dict[tuple[int, str, str | None], list[datetime]],
    got: dict[tuple[int, str, str | None], list[datetime]],
) -> timedelta:
    """How late the reminder that a review-unanswered item stands on was posted."""
    if key[1] != "attention" or "/review-unanswered/" not in (key[2] or ""):
        return timedelta(0)
    issue = int((key[2] or "").split("/")[0])
    before = [k for k, v in expected.items() if k[:2] == (issue, "review-reminder") and v[0] < when]
    reminder = max(before, key=lambda k: expected[k][0], default=None)
    if reminder is None or reminder not in got:
        return timedelta(0)
    return max(got[reminder][0] - expected[reminder][0], timedelta(0))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


ATTENTION = re.compile(r"<!-- mentoring:attention:(\S+) -->")


def _comments(result: Result) -> dict[tuple[int, str, str | None], list[datetime]]:
    """When each marked comment was posted; a dashboard notice counts once for each item it
    announces (one notice carries every item new in its run)."""
    found: dict[tuple[int, str, str | None], list[datetime]] = {}
    for a in result.actions:
        if a["type"] == "comment":
            items = ATTENTION.findall(a["body"])
            keys = [(a["issue"], "attention", k) for k in items] or [
                (a["issue"], a["kind"], a["key"])
            ]
            for key in keys:
                found.setdefault(key, []).append(_at(a["at"]))
    return found


def _superseded(
    key: tuple[int, str, str | None], got: dict[tuple[int, str, str | None], list[datetime]]
) -> bool:
    """A comment the issue no longer called for by the time a run got through, as the
    planner decides from what the issue shows (never a lost one):
    - needs-info: the applicant filled in the answers first; the welcome came instead;
    - unpaired: a new mentor was assigned first (#4: Hal left at 09:00, Ivy came at 09:01);
    - waiting: a mentor was assigned first (the note goes last in a scheduled run, after
      the past year's figure is read: runs that failed or stopped before it, until the
      pairing, leave it no longer due);
    - a review's reminder: the next month's check-in fell due first (late by more than
      the two weeks between them), and after an outage only the latest period is posted;
    - a dashboard notice: its item left the dashboard (resolved, or its reminder
      superseded as above) or changed its date (a welcome's delay moves when a wait
      began) before a run could announce it;
    - a check-in or review: the mentorship graduated before a run got through, or the
      next period fell due first (after an outage only the latest period is posted)."""
    issue, kind, k = key
    if kind in ("checkin", "review"):
        later = any(
            i == issue and c in ("checkin", "review") and int(x or 0) > int(k or 0)
            for i, c, x in got
        )
        return later or (issue, "graduated", None) in got
    if kind == "needs-info":
        return (issue, "welcome", None) in got
    if kind in ("unpaired", "waiting"):
        return any(i == issue and c == "paired" for i, c, _ in got)
    if kind == "review-reminder":
        return any(
            i == issue and c in ("checkin", "review") and int(x or 0) > int(k or 0)
            for i, c, x in got
        )
    return kind == "attention"


# Seeded faults fall on whichever requests a run happens to make, so a change in what the
# scripts read shifts them. The meta-test below requires the quick pairs to fail some run
# outright: (0.3, 9) does over either read path (over GraphQL, since a failed reactions
# query keeps what it read and the look again before writing reuses the reactions read
# in bulk, (0.3, 4) no longer fails one). The quick suite plays one pair of each rate:
# (0.1, 1), held to the strict bounds, and (0.3, 9); `-m slow` (CI) the rest too, each
# pair checked to meet every kind of fault in the test itself.
QUICK = [(0.1, 1), (0.3, 9)]
FAULTY = [
    *(pytest.param(rate, seed, id=f"{rate}-{seed}") for rate, seed in QUICK),
    *(
        pytest.param(rate, seed, marks=pytest.mark.slow, id=f"{rate}-{seed}")
        for rate, seed in [(0.1, 2), (0.1, 3), (0.3, 1), (0.3, 2), (0.3, 3), (0.3, 6)]
    ),
]
READS = ("graphql", "rest")  # the read paths: both must hold up the same
# Each read path's fault runs are played once per worker (_simulate is cached): the tests
# that read them stay together on one (tests/played.py).
BY_READ = [pytest.param(read, marks=group(f"faults-{read}")) for read in READS]


@pytest.mark.parametrize("read", BY_READ)
@pytest.mark.parametrize(("rate", "seed"), FAULTY)
def test_faults_lose_nothing_double_nothing_and_at_10_percent_delay_two_runs_at_most(
    rate: float, seed: int, read: str
) -> None:
    """Secondary rate limits ask for 60 s or say nothing (as on GitHub), and a run waits
    60 s in all: at 10 % of requests faulty nothing is lost, doubled or more than two
    scheduled runs late. At 30 % nothing is lost or doubled, but comments can be several
    runs late (a run stops at its second rate limit, often before the last issues), and a
    comment the issue no longer calls for when a run gets through is not posted."""
    clean, _ = _simulate(0.0, 0, read)
    faulty, runs = _simulate(rate, seed, read)
    assert clean.failed_runs == 0
    # Every pair meets each kind of fault: refused (403, 429) and failed or lost (502).
    assert {403, 429, 502} <= {r["status"] for r in faulty.http_log}
    scenario = load_scenario(SCENARIO)
    cron = Cron(scenario["schedule"])
    end = scenario["end"]
    expected = {k: v for k, v in _comments(clean).items() if v[0] < end}
    got = _comments(faulty)
    doubled = {k: v for k, v in got.items() if len(v) > 1}
    assert doubled == {}
    strict = rate <= 0.1
    extra = {k for k, v in got.items() if k not in expected and v[0] < end}
    if strict:
        assert extra == set()
    else:  # only dashboard notices whose item changed its date, and a schedule warning
        assert {k[1] for k in extra} <= {"attention", "schedule-health"}, extra
    for key, [when] in expected.items():
        if key not in got:
            assert not strict, (key, when)
            assert _superseded(key, got), (key, when)
            continue
        delay = got[key][0] - when
        # Items are told in the weekly digest: a fault that delays one digest lets an item
        # that waited for the next ride in it, up to a week earlier than without faults,
        # and may leave another for the digest after.
        early = DIGEST if key[1] == "attention" else timedelta(0)
        assert delay >= -early, key
        if not strict:
            continue
        when += early
        # Counted in scheduled runs after the fault-free time: an event run's comment may
        # move to the next one. A review reminder counts from its review, so it also
        # carries that review's delay (and may fall after the end: seed 2 at 0.3 once).
        if key[1] == "review-reminder":
            review = (key[0], "review", key[2])
            when += got[review][0] - expected[review][0]
        # A review left unanswered is an item once its reminder is posted: it carries
        # that reminder's delay.
        when += _reminder_delay(key, when, expected, got)
        late = sum(1 for _ in cron.times(when + timedelta(seconds=1), got[key][0] + SLACK))
        assert late <= LATE_RUNS[read], (key, when, got[key][0])
    # The work of failed runs was done by later ones: every issue ends as without faults
    # (the dashboard's text aside: it shows when the comments were posted).
    dashboards = {str(a["issue"]) for a in clean.actions if a["type"] == "create_issue"}
    for number, issue in clean.issues.items():
        if number in dashboards:
            assert {**faulty.issues[number], "body": ""} == {**issue, "body": ""}
        else:
            assert faulty.issues[number] == issue, number
    for code, printed in runs:
        if code != 0:
            assert "::error::" in printed
        assert "Traceback" not in printed


@pytest.mark.parametrize("read", BY_READ)
def test_the_fault_runs_really_met_faults(read: str) -> None:
    lost = failed = partial = refused = 0
    for rate, seed in QUICK:  # the runs every suite plays
        result, runs = _simulate(rate, seed, read)
        for r in result.http_log:
            errors = (r["response_body"] or {}).get("errors") if r["path"] == GRAPHQL else None
            partial += bool(errors)
            # A secondary rate limit answered with HTTP 200 (GitHub's "200 or 403").
            refused += (
                bool(errors) and r["status"] == 200 and errors[0].get("type") == "RATE_LIMITED"
            )
        # Writes applied behind a lost response: recorded as applied, answered with 502.
        lost += sum(
            1 for r in result.http_log if r["method"] in WRITE_METHODS and r["status"] == 502
        )
        failed += sum(1 for code, _ in runs if code != 0)
    assert lost > 0
    assert failed > 0  # some runs could not finish, and the test above saw their work done
    assert (partial > 0) == (read == "graphql")  # answers with errors and partial data
    assert (refused > 0) == (read == "graphql")


@group("faults-graphql")
def test_faults_touch_only_the_scripts_requests() -> None:
    result, _ = _simulate(0.3, 9, "graphql")  # the run of the tests above, not one more
    # People act through the sandbox's own methods, never over HTTP: every request logged
    # (and so every fault drawn) is the bot's.
    assert {r["actor"] for r in result.http_log} == {"github-actions[bot]"}


def test_random_faults_pick_error_after_only_for_writes() -> None:
    plan = FaultPlan()
    plan.set_rate(1.0, seed=7, kinds=None)
    reads = Counter(plan.draw("GET", "/repos/o/r/issues") for _ in range(3000))
    writes = Counter(plan.draw("POST", "/repos/o/r/issues/1/comments") for _ in range(4000))
    assert Fault.ERROR_AFTER not in reads
    assert set(reads) == {Fault.ERROR_BEFORE, Fault.SECONDARY_RATE_LIMIT, Fault.TOO_MANY_REQUESTS}
    rest = set(Fault) - GRAPHQL_ONLY - {Fault.ABUSE_DETECTION}  # GraphQL's; on purpose
    assert set(writes) == rest
    for kind in rest:  # each kind about a quarter of the writes' faults
        assert 800 < writes[kind] < 1200, writes
    queries = Counter(plan.draw("POST", "/graphql") for _ in range(5000))
    assert set(queries) == set(Fault) - {Fault.ABUSE_DETECTION}  # partial answers included


# --- each fault at each kind of write --------------------------------------------------

BOT = "github-actions[bot]"
MENTEE, MENTOR = "ana", "bob"


class Runner:
    """Scheduled runs of reconcile.main over one application, and what they did."""

    def __init__(self, sb: Sandbox, checkout: Path, read: str = "graphql") -> None:
        self.sb, self.checkout, self.read = sb, checkout, read
        self.config = load_config(checkout)
        self.sleeps: list[float] = []
        self.printed = ""

    def run(self) -> int:
        env = {
            "GITHUB_TOKEN": self.sb.token_for(BOT),
            "GITHUB_API_URL": self.sb.url,
            "GITHUB_REPOSITORY": f"{self.sb.owner}/{self.sb.repo}",
        }
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = reconcile.main(
                ["--root", str(self.checkout), f"--read={self.read}"],
                env=env,
                now=self.sb.now,
                sleep=self.sleeps.append,
            )
        self.printed += out.getvalue()
        self.sb.advance(days=1)
        return code

    def events(self, kind: str, **match: str) -> int:
        """How many timeline events of this kind (with these label or assignee names)."""
        return sum(
            1
            for e in self.sb.timeline(1)
            if e["event"] == kind
            and all(
                (e.get(k) or {}).get("name" if k == "label" else "login") == v
                for k, v in match.items()
            )
        )

    def bot_comments(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for c in self.sb.comments(1):
            if c["user"]["login"] == BOT:
                for kind in ("welcome", "paired", "graduated"):
                    if f"<!-- mentoring:{kind}" in c["body"]:
                        found[kind] += 1
        return found


def _open(sb: Sandbox, runner: Runner) -> None:
    form = runner.config.application.form_spec
    answers = {
        "name": "Ana",
        "role": "Maintainer of astropy.io.fits.",
        "availability": "Five hours a week.",
        "code_of_conduct": [
            "I agree to follow the [Astropy Community Code of Conduct]"
            "(https://www.astropy.org/code_of_conduct.html)."
        ],
    }
    sb.open_issue(MENTEE, "Application", issue_forms.render_body(form, answers), list(form.labels))


# Each kind of write the bot makes, the stage that makes it, and its request.
WRITES = {
    "comment": (0, "POST", r"/issues/1/comments$"),
    "assignees": (0, "POST", r"/issues/1/assignees$"),
    "labels": (0, "POST", r"/issues/1/labels$"),
    "label-delete": (1, "DELETE", r"/issues/1/labels/"),
    "close": (2, "PATCH", r"/issues/1$"),
}


def _stage(sb: Sandbox, runner: Runner, stage: int) -> None:
    """People's part before each stage's run: apply; a mentor; graduation."""
    coordinator = runner.config.coordinators[0]
    if stage == 0:
        sb.set_permission(coordinator, "admin")
        sb.set_permission(MENTOR, "write")
        _open(sb, runner)
    elif stage == 1:
        sb.assign(1, coordinator, [MENTOR])
    else:
        entry = [{"name": "Ana", "github": MENTEE, "mentors": [MENTOR], "issue": 1}]
        (runner.checkout / "participants.yml").write_text(yaml.safe_dump(entry), "utf-8")


def _check_exactly_once(runner: Runner, stage: int) -> None:
    labels = runner.config.labels
    coordinator = runner.config.coordinators[0]
    assert runner.events("assigned", assignee=coordinator) == 1
    assert runner.events("labeled", label=labels.awaiting_mentor) == 1
    expected = Counter({"welcome": 1})
    if stage >= 1:
        expected["paired"] = 1
        assert runner.events("unlabeled", label=labels.awaiting_mentor) == 1
        assert runner.events("labeled", label=labels.active) == 1
    if stage >= 2:
        expected["graduated"] = 1
        assert runner.events("unlabeled", label=labels.active) == 1
        assert runner.events("labeled", label=labels.graduated) == 1
        assert runner.events("closed") == 1
        assert runner.sb.issue(1)["state_reason"] == "completed"
    assert runner.bot_comments() == expected


@pytest.mark.parametrize(
    "fault", [f for f in Fault if f not in GRAPHQL_ONLY], ids=lambda f: f.value
)
@pytest.mark.parametrize("write", list(WRITES))
def test_one_fault_at_each_write_is_absorbed_within_the_run(
    sandbox: Sandbox, checkout: Path, write: str, fault: Fault
) -> None:
    stage, method, path = WRITES[write]
    runner = Runner(sandbox, checkout)
    for s in range(stage):
        _stage(sandbox, runner, s)
        assert runner.run() == 0
    _stage(sandbox, runner, stage)
    sandbox.inject(fault, method=method, path=path)
    sandbox.clear_logs()
    assert runner.run() == 0, runner.printed
    hit = [r for r in sandbox.request_log if r["method"] == method and r["status"] >= 400]
    assert hit  # the fault did happen
    assert hit[0]["status"] in (403, 429, 502)
    _check_exactly_once(runner, stage)
    waited = fault in (Fault.SECONDARY_RATE_LIMIT, Fault.ABUSE_DETECTION, Fault.TOO_MANY_REQUESTS)
    assert runner.sleeps == ([sandbox.retry_after_seconds] if waited else [])
    # A later run finds nothing left to do.
    sandbox.clear_logs()
    assert runner.run() == 0
    assert [r for r in sandbox.request_log if r["method"] != "GET" and r["path"] != GRAPHQL] == []


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_that_keeps_failing_fails_the_run_and_the_next_run_does_it_once(
    sandbox: Sandbox, checkout: Path, write: str
) -> None:
    stage, method, path = WRITES[write]
    runner = Runner(sandbox, checkout)
    for s in range(stage):
        _stage(sandbox, runner, s)
        assert runner.run() == 0
    _stage(sandbox, runner, stage)
    sandbox.inject(Fault.ERROR_BEFORE, method=method, path=path, count=3)  # every attempt
    assert runner.run() == 1
    assert "::error::" in runner.printed
    assert "The next run will try again." in runner.printed
    assert runner.run() == 0
    _check_exactly_once(runner, stage)


def test_a_lost_comment_that_cannot_be_looked_for_waits_for_the_next_run(
    sandbox: Sandbox, checkout: Path
) -> None:
    runner = Runner(sandbox, checkout)
    _stage(sandbox, runner, 0)
    sandbox.inject(Fault.ERROR_AFTER, method="POST", path=r"/comments$")
    sandbox.inject(Fault.ERROR_BEFORE, method="GET", path=r"/issues/1/comments$", count=5)
    assert runner.run() == 1  # applied, but the run could not tell: it must not post again
    assert "could not look for the welcome comment" in runner.printed
    assert runner.bot_comments() == Counter({"welcome": 1})
    assert runner.run() == 0  # the next run reads it on the timeline
    _check_exactly_once(runner, 0)


@pytest.mark.parametrize(
    ("read", "method", "path"), [("rest", "GET", r"/issues$"), ("graphql", "POST", "^/graphql$")]
)
def test_a_read_that_keeps_failing_ends_the_run_with_an_error_not_a_traceback(
    sandbox: Sandbox, checkout: Path, read: str, method: str, path: str
) -> None:
    runner = Runner(sandbox, checkout, read=read)
    _stage(sandbox, runner, 0)
    sandbox.inject(Fault.ERROR_BEFORE, method=method, path=path, count=5)
    assert runner.run() == 1
    assert runner.printed.startswith("::error::GitHub did not answer (")
    assert "502" in runner.printed.splitlines()[0]
    assert runner.run() == 0
    _check_exactly_once(runner, 0)


def test_a_graphql_secondary_limit_answered_with_200_stops_the_run_and_the_next_does_the_work(
    sandbox: Sandbox, checkout: Path
) -> None:
    runner = Runner(sandbox, checkout)
    _stage(sandbox, runner, 0)
    sandbox.inject(Fault.GRAPHQL_RATE_LIMITED, method="POST", path="^/graphql$")
    sandbox.clear_logs()
    assert runner.run() == 0, runner.printed  # stopped early: the next run carries on
    [first, *after] = sandbox.request_log
    assert first["status"] == 200
    assert first["response_body"]["errors"][0]["type"] == "RATE_LIMITED"
    assert after == []  # nothing more sent while limited: no retry, no write
    assert runner.sleeps == []
    assert runner.bot_comments() == Counter()
    assert runner.run() == 0
    _check_exactly_once(runner, 0)
