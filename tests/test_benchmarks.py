"""The benchmarks run and print what their docstrings say (their figures are not asserted:
request counts are, in tests/gh; times never are)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paths import ROOT_DIR

BENCHMARKS = ROOT_DIR / "benchmarks"


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT_DIR, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_schedule_benchmark_prints_an_idle_run_within_the_graphql_bound() -> None:
    lines = _run(str(BENCHMARKS / "bench_schedule.py"), "10").splitlines()
    [row] = [line.split() for line in lines if line.split()[:1] == ["10"]]
    graphql, bound, other = (int(v) for v in row[3:6])
    assert (graphql, bound, other) == (1, 1, 0)


def test_the_year_benchmark_prints_every_run_and_the_least_of_its_repeats() -> None:
    out = _run(str(BENCHMARKS / "bench_year.py"), "--mentorships", "1", "--repeat", "2")
    assert "(0 with failures)" in out
    [least] = [line for line in out.splitlines() if line.strip().startswith("least of 2")]
    walls = [float(w) for w in least.split(maxsplit=3)[3].removesuffix(" s").split(", ")]
    [wall] = [line for line in out.splitlines() if line.startswith("wall time")]
    assert len(walls) == 2
    assert f"{min(walls):.1f} s" in wall
    assert "  welcome            1" in out.splitlines()


def test_a_timing_whose_command_fails_says_which_and_why() -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_timings
    finally:
        sys.path.remove(str(BENCHMARKS))
    with pytest.raises(SystemExit, match=r"failed \(3\):\nbroken"):
        bench_timings._timed([sys.executable, "-c", "import sys; print('broken'); sys.exit(3)"])
