"""The REST read path's rate-limit budget (tests/gh/test_graphql.py has GraphQL's): read from
the responses, kept, least recently updated (most overdue) first; each issue written
before the next is read; and waits for secondary rate limits bounded by SafeRetry's
max_wait for the whole run."""

from __future__ import annotations

import contextlib
import io
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.mentorships import ROOT, Built, build, env_for
from mentoring.cli import reconcile, reconciler
from mentoring.cli.applier import RATE_RESERVE, Applier, StopReason
from mentoring.cli.dashboard import links_for
from mentoring.cli.planning import RunContext
from mentoring.cli.reading import RestReader
from mentoring.cli.target import Target
from mentoring.core.render import Renderer
from mentoring.files.config import load_config
from mentoring.github import repository as gh
from mentoring.github.client import make_client, repository_name
from simulator.sandbox import Fault, Sandbox

NOW = datetime(2027, 6, 1, 6, 17, tzinfo=UTC)
N = 30
DUE = (1, 5, 9, 13, 22, 27)  # index i falls due i % 28 + 1 days before its ~12 months
# Every issue opened on one day, in index order: issue numbers (and the order GitHub lists
# them in) run from the least overdue to the most, the opposite of the order wanted.
OPENED = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def built() -> Iterator[tuple[Sandbox, Built]]:
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        yield sb, build(sb, N, NOW, due=DUE, opened=OPENED)


@pytest.fixture(scope="module")
def no_dashboard(tmp_path_factory) -> Path:
    """The checkout with the dashboard off: these tests count the applications' own
    requests (the dashboard's constant few are tested in tests/e2e/test_dashboard_run.py)."""
    root = tmp_path_factory.mktemp("checkout")
    for name in (".github", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "participants.yml", root / "participants.yml")
    config = root / ".github" / "mentoring.yml"
    config.write_text(config.read_text().replace("  enabled: true", "  enabled: false"))
    return root


CHECKOUT: list[Path] = []


@pytest.fixture(autouse=True)
def _checkout(no_dashboard: Path) -> Iterator[None]:
    CHECKOUT[:] = [no_dashboard]
    return


def _run(sb: Sandbox, sleeps: list[float] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    sb.clear_logs()
    with contextlib.redirect_stdout(out):
        code = reconcile.main(
            ["--root", str(CHECKOUT[0]), "--read=rest"],  # the REST read path's budget
            env=env_for(sb),
            now=sb.now,
            sleep=(sleeps.append if sleeps is not None else lambda s: None),
        )
    return code, out.getvalue()


def _posted(sb: Sandbox) -> list[int]:
    return [w["issue"] for w in sb.writes if w["type"] == "comment"]


def test_a_run_with_enough_budget_does_all_in_the_fewest_requests(built) -> None:
    sb, b = built
    code, _ = _run(sb)
    assert code == 0
    assert sorted(_posted(sb)) == sorted(b.due)
    # Lower bound: the list pages (applications, registrations), one timeline per issue,
    # the writes. No GET of an issue, no /rate_limit: the budget comes from the headers.
    paths = [r["path"] for r in sb.request_log]
    assert sum(p.endswith("/timeline") for p in paths) == N
    assert sum(p.endswith("/issues") for p in paths) == 2
    assert len(paths) == 2 + N + len(b.due)


def test_low_budget_stops_cleanly_most_overdue_first_and_the_next_run_continues(built) -> None:
    sb, b = built
    overdue_first = sorted(b.due, key=b.due.get)
    # The case is built so that the least recently updated are the most overdue (their last
    # check-in went out earliest), while numbers and creation run the other way.
    updated = sorted(b.numbers, key=lambda n: sb.issue(n)["updated_at"])
    assert updated[: len(b.due)] == overdue_first
    assert sorted(overdue_first) != overdue_first
    writes = 3
    # The two list pages, then each issue's timeline and its one write, one after another.
    sb.rate_limit_remaining = RATE_RESERVE + 2 + 2 * writes - 1
    code, printed = _run(sb)
    assert code == 0  # stopping early is not a failure
    assert "::warning::Stopped early to keep 200 API requests for others" in printed
    # What it did, said as it is: how many issues it wrote to, in which order.
    assert f"; {writes} issues were written to before it, least recently updated first." in (
        printed
    )
    assert "The next run continues" in printed
    assert _posted(sb) == overdue_first[:writes]
    assert all(r["path"] != "/rate_limit" for r in sb.request_log)
    assert sb.rate_limit_remaining >= RATE_RESERVE - 1
    # The next run, with requests to spare, does the rest, and nothing twice.
    sb.rate_limit_remaining = 5000
    sb.advance(days=1)
    code, _ = _run(sb)
    assert code == 0
    assert _posted(sb) == overdue_first[writes:]


def test_budget_too_low_to_read_everything_reads_none_past_the_reserve(built) -> None:
    sb, b = built
    sb.rate_limit_remaining = RATE_RESERVE + 10
    code, printed = _run(sb)
    assert code == 0
    assert "Stopped early" in printed
    assert len(sb.request_log) <= 11
    assert sb.rate_limit_remaining >= RATE_RESERVE - 1
    # Two list pages, four issues read and written, a fifth read: then the reserve.
    assert _posted(sb) == sorted(b.due, key=b.due.get)[:4]


def test_each_issue_is_written_before_the_next_is_read(built) -> None:
    sb, b = built
    _run(sb)
    log = [(r["method"], r["path"]) for r in sb.request_log]
    posts = [i for i, (method, _) in enumerate(log) if method == "POST"]
    assert len(posts) == len(b.due)
    for i in posts:  # each write follows its own issue's timeline, nothing between
        assert log[i - 1] == ("GET", log[i][1].replace("/comments", "/timeline"))


def test_an_event_run_in_the_middle_of_a_scheduled_run_is_not_repeated(built, monkeypatch) -> None:
    """The race of reading every issue first: a comment's run posts the check-in the
    scheduled run has planned but not yet posted, and the scheduled run posts it again."""
    sb, b = built
    first, *_, last = sorted(b.due, key=b.due.get)
    mentee = sb.issue(first)["user"]["login"]
    real = gh.Repo.snapshot
    event_runs: list[int] = []

    def snapshot(self: gh.Repo, issue, wanted=None):  # type: ignore[no-untyped-def]
        if issue.number == last and not event_runs:  # the scheduled run is well under way
            sb.comment(first, mentee, "All is well here.")
            event_runs.append(
                reconcile.main(
                    ["--root", str(ROOT), "--issue", str(first)], env=env_for(sb), now=sb.now
                )
            )
        return real(self, issue, wanted)

    monkeypatch.setattr(gh.Repo, "snapshot", snapshot)
    code, _ = _run(sb)
    assert code == 0
    assert event_runs == [0]
    assert sorted(_posted(sb)) == sorted(b.due)  # one check-in or review each, not two


# --- secondary rate limits: bounded waits ---------------------------------------------


def test_retry_after_within_the_cap_is_waited_out(built) -> None:
    sb, b = built
    sb.retry_after_seconds = 20
    sb.inject(Fault.SECONDARY_RATE_LIMIT, method="POST", path=r"/comments$", count=2)
    sb.inject(Fault.TOO_MANY_REQUESTS, method="GET", path=r"/timeline$", count=1)
    sleeps: list[float] = []
    code, _ = _run(sb, sleeps)
    assert code == 0
    assert sleeps == [20, 20, 20]  # 60 s: exactly the cap, no more
    assert sorted(_posted(sb)) == sorted(b.due)


def test_retry_after_beyond_the_cap_is_not_waited_and_the_run_stops(built) -> None:
    sb, b = built
    sb.retry_after_seconds = 3600
    sb.inject(Fault.SECONDARY_RATE_LIMIT, method="POST", path=r"/comments$", count=1)
    sleeps: list[float] = []
    code, printed = _run(sb, sleeps)
    assert sum(sleeps) <= 60
    assert sleeps == []  # a wait the run may not finish is not begun
    assert code == 0
    assert "::warning::Stopped early as GitHub's rate limit refused a write" in printed
    # It stopped at once: one refused write, no request after it.
    assert [r["status"] for r in sb.request_log if r["method"] == "POST"] == [403]
    assert sb.request_log[-1]["method"] == "POST"
    assert _posted(sb) == []
    sb.advance(days=1)
    code, _ = _run(sb)
    assert code == 0
    assert sorted(_posted(sb)) == sorted(b.due)


def test_waits_add_up_to_the_cap_over_the_whole_run(built) -> None:
    sb, _ = built
    sb.retry_after_seconds = 25
    sb.inject(Fault.TOO_MANY_REQUESTS, method="GET", path=r"/timeline$", count=3)
    sleeps: list[float] = []
    code, printed = _run(sb, sleeps)
    assert sleeps == [25, 25]  # a third 25 s would pass 60 s
    assert code == 0
    assert "Stopped early as GitHub's rate limit refused a read (HTTP 429)" in printed


def test_the_reconciler_returns_why_it_stopped_and_prints_nothing(built, capsys) -> None:
    """The stop reason is data in the report; the command line turns it into the warning."""
    sb, _ = built
    sb.rate_limit_remaining = RATE_RESERVE + 10
    config = load_config(ROOT)
    env = env_for(sb)
    repo = gh.Repo(make_client(env), repository_name(env), bot_login=config.bot)
    context = RunContext(
        config=config,
        graduates={},
        graduated=0,
        target=Target(None),
        now=sb.now,
        renderer=Renderer(),
        links=links_for(env, repo.full_name),
    )
    applier = Applier(repo, dry_run=False, check_first=False)
    report = reconciler.reconcile(context, RestReader(repo, config), applier)
    assert report.stop is not None
    assert report.stop.reason is StopReason.REST_RESERVE
    assert report.stop.words().startswith("to keep 200 API requests for others (")
    assert "of the hour's requests left" in report.stop.words()
    assert len(report.done) == 4
    assert "::warning" not in capsys.readouterr().out
