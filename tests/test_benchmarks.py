"""The benchmarks run and print what their docstrings say (their figures are not asserted:
request counts are, in tests/gh; times never are)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paths import BENCHMARKS_DIR, ROOT_DIR, benchmark


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT_DIR, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_schedule_benchmark_prints_an_idle_run_within_the_graphql_bound() -> None:
    lines = _run(str(BENCHMARKS_DIR / "bench_schedule.py"), "10").splitlines()
    [row] = [line.split() for line in lines if line.split()[:1] == ["10"]]
    graphql, bound, other, react = (int(v) for v in row[3:7])
    # Every mentor answers every review: only the reactions on each latest check-in (a 👎
    # is news), ten comments in one query.
    assert (graphql, bound, other, react) == (1, 1, 0, 1)


def test_the_year_benchmark_prints_every_run_and_the_least_of_its_repeats() -> None:
    out = _run(
        str(BENCHMARKS_DIR / "bench_year.py"), "--mentorships", "1", "--days", "30", "--repeat", "2"
    )
    assert "(0 with failures)" in out
    [least] = [line for line in out.splitlines() if line.strip().startswith("least of 2")]
    walls = [float(w) for w in least.split(maxsplit=3)[3].removesuffix(" s").split(", ")]
    [wall] = [line for line in out.splitlines() if line.startswith("wall time")]
    assert len(walls) == 2
    assert f"{min(walls):.1f} s" in wall
    assert "  welcome            1" in out.splitlines()


def test_a_timing_whose_command_fails_says_which_and_why() -> None:
    bench_timings = benchmark("bench_timings")
    with pytest.raises(SystemExit, match=r"failed \(3\):\nbroken"):
        bench_timings._timed([sys.executable, "-c", "import sys; print('broken'); sys.exit(3)"])


def test_a_timing_without_a_target_prints_no_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    bench_timings = benchmark("bench_timings")
    runs = [bench_timings.Timing(70.5, 130.0), bench_timings.Timing(68.25, 128.0)]
    bench_timings._row("tests -m slow", None, runs, ["0.5", "1.0, pace 1.4 s"])
    bench_timings._row("tests", 45.0, runs, ["0.5", "1.0"])
    slow, quick = capsys.readouterr().out.splitlines()
    assert slow.split() == [
        "tests",
        "-m",
        "slow",
        "68.2",
        "s",
        "-",
        "70.5",
        "s",
        "(0.5),",
        "68.2",
        "s",
        "(1.0,",
        "pace",
        "1.4",
        "s)",
    ]
    assert quick.endswith("NOT met")


def test_the_suite_timeline_tells_each_workers_span_and_the_critical_path() -> None:
    bench_timings = benchmark("bench_timings")
    suite_timeline = benchmark("suite_timeline")
    phases = [("gw0", 103.0, 104.0), ("gw1", 102.5, 110.0), ("gw0", 104.0, 106.5)]
    spans = suite_timeline.workers(100.0, phases, {"gw0": 2, "gw1": 1})
    assert spans == [
        suite_timeline.Worker("gw0", 3.0, 6.5, 3.5, 2),
        suite_timeline.Worker("gw1", 2.5, 10.0, 7.5, 1),
    ]
    line = bench_timings.workers_line({"workers": [vars(w) for w in spans]})
    assert line == (
        "gw0 2 tests in 3.5 s, +3.0 to +6.5 s; gw1 1 tests in 7.5 s, +2.5 to +10.0 s"
        " (critical path: gw1)"
    )


@pytest.mark.parametrize(
    ("text", "logins"),
    [
        ("@cora, please look.", ["cora"]),
        ("Check-in for @alice and @mo: one month.", ["alice", "mo"]),
        ("@alice's review", ["alice"]),  # an apostrophe ends the login
        ("Thanks @mo!", ["mo"]),
        ("ask @cora.", ["cora"]),  # dots, then the end
        ("ask @cora. Then", ["cora"]),  # dots, then a space
        ("(@cora)", ["cora"]),
        ("@Cora and @cora", ["cora"]),  # one notification each, any case
        ("line one\n@cora at a line's start", ["cora"]),
        ("cora@example.org and first.last@example.org", []),  # email addresses
        ("@cora.x", []),  # a dot then a letter: not a login GitHub links
        ("@astropy/coordinators", []),  # a team, not a person
        ("x_@cora", []),  # an underscore before the @
        ("`@cora` and ``a ` @cole``", []),  # code spans
        ("```\n@cora\n```\n\n~~~yaml\n- mentors: [@cole]\n~~~\n@mo", ["mo"]),  # fenced code
        ("Text\n\n    @cora in indented code\n\n- item\n\n    @mo continues the item", ["mo"]),
        ("[@cora](https://github.com/cora) and <https://example.org/@cole>", []),  # links
        ("see https://example.org/@cole or <!-- @cora -->", []),
        ("a `span\nover lines @cora` then @mo", ["mo"]),
        ("an unclosed `tick leaves @cora linked", ["cora"]),
    ],
)
def test_the_mention_counter_links_logins_as_github_does(text: str, logins: list[str]) -> None:
    assert benchmark("bench_mentions").mentioned(text) == logins


def test_the_mention_benchmark_prints_each_role_and_the_kinds_behind_it() -> None:
    scenario = "tests/scenarios/lifecycle.yml"
    out = _run(str(BENCHMARKS_DIR / "bench_mentions.py"), scenario).splitlines()
    assert out[0].startswith("tests/scenarios/lifecycle.yml: 1 applications, ")
    rows = {line.split()[0]: line for line in out[2:]}
    assert set(rows) == {"mentee", "mentor", "coordinator", "others"}
    assert "checkin" in rows["mentee"]
    assert "checkin" in rows["mentor"]


def test_the_report_benchmark_prints_what_the_report_read() -> None:
    out = _run(str(BENCHMARKS_DIR / "bench_report.py"), "--applications", "10", "--years", "2")
    # Ten applications: one GraphQL page of fifty, nothing over REST; two searches for
    # each graduate who did nothing since (here, all of them), fewer than 30: no wait.
    assert out.startswith(
        "10 applications over 2 years, 3 graduates: 1 GraphQL queries (2 points),"
    )
    assert "0 REST requests, 6 search queries (0 refused), waited 0 s" in out
