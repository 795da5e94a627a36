"""The timings the project holds itself to: the simulated year, the demo, the tests.

Run by hand from the repository root: ``python benchmarks/bench_timings.py [--repeat N]
[--suite-repeat N] [--no-tests] [--busy] [--slow]``. First the machine's pace: a fixed
Python loop, timed ``--repeat`` times, and again before every other run. Then each is
timed as a process of its own, from the outside, as a maintainer would run it
(interpreter start and imports included): ``benchmarks/bench_year.py`` (50 mentorships
over a year) and ``scripts/simulate.py --quiet`` (the README's demo), ``--repeat`` times
each, and ``python -m pytest -q -p no:cacheprovider`` (the quick suite), ``--suite-repeat``
times (once by default; where PYTHONDONTWRITEBYTECODE is set, once more without it, as
most machines run, its compiled modules kept outside the checkout). With
``--busy`` the suite is also timed beside one busy process (``python -c "while True:
pass"``, as another job on the machine would be); with ``--slow``, the long matrices CI
runs after it (``-m slow``), without a target. Prints every wall time, the least of them
(the run the machine disturbed least: this machine's speed swings by half from one minute
to the next, as the pace shows) and the target, with the load average and the pace just
before each; for the suite also the CPU time of all its processes and each worker's
share: when its first test began, when its last ended and its seconds in tests (the
longest worker is the critical path). Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_schedule import machine

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = Path(__file__).resolve().parent
SUITE = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
# (name, command, target in seconds, repeated with --repeat)
TIMINGS = [
    ("year (50 mentorships)", [sys.executable, "benchmarks/bench_year.py"], 10.0, True),
    ("demo", [sys.executable, "scripts/simulate.py", "--quiet"], 5.0, True),
    ("tests", SUITE, 45.0, False),
]
BUSY = ("tests beside a busy process", SUITE, 90.0)
SLOW = ("tests -m slow (CI's second)", [*SUITE, "-m", "slow"])  # no target: CI's time
SPIN = [sys.executable, "-c", "while True: pass"]
# The machine's pace: the same fixed Python loop every time. On this machine it takes
# 1.3 s in one minute and 1.9 s in the next, quiet both times: read every other figure
# beside it (a rough guide only: the suite took 58 s and 72 s, each after a pace of 1.5 s).
PACE = [sys.executable, "-c", "s = 0\nfor i in range(20_000_000): s += i"]


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user and system seconds of the command and every process it waited for
    detail: str = ""  # the suite's workers, when the command is the suite


def _timed(command: list[str], env: dict[str, str] | None = None) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n" + "\n".join(tail))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def _suite(command: list[str], *, bytecode: bool = False) -> Timing:
    """The suite timed with benchmarks/suite_timeline.py loaded, and its workers told;
    with ``bytecode``, as on a machine that keeps compiled modules (PYTHONDONTWRITEBYTECODE
    left out, and a collection first, untimed, to write them). That run keeps what it
    compiles in a folder of its own (PYTHONPYCACHEPREFIX), not in the checkout, where the
    runs after it would read it despite PYTHONDONTWRITEBYTECODE. (Not the other runs: with
    that prefix set, Python would compile the libraries and the standard library too.)"""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "timeline.json"
        path = os.pathsep.join(filter(None, [str(BENCHMARKS), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "SUITE_TIMELINE": str(out)}
        if bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            _timed([*command, "--collect-only", "-n", "0"], env)
        timing = _timed([*command, "-p", "suite_timeline"], env)
        return Timing(timing.wall, timing.cpu, workers_line(json.loads(out.read_text())))


def workers_line(timeline: dict) -> str:
    """One line for the suite's workers: each one's first test, last end and busy time."""
    parts = [
        f"{w['name']} {w['tests']} tests in {w['busy']:.1f} s, +{w['first']:.1f} to "
        f"+{w['last']:.1f} s"
        for w in timeline["workers"]
    ]
    longest = max(timeline["workers"], key=lambda w: w["last"])
    return f"{'; '.join(parts)} (critical path: {longest['name']})"


def _beside_a_busy_process(command: list[str]) -> Timing:
    spinner = subprocess.Popen(SPIN)
    try:
        return _suite(command)
    finally:
        spinner.kill()
        spinner.wait()


def _before(*, pace: bool = True) -> str:
    """The machine just before a run: its load average and (unless ``pace`` is False) how
    long the pace loop takes now."""
    load = f"{os.getloadavg()[0]:.1f}"
    return f"{load}, pace {_timed(PACE).wall:.1f} s" if pace else load


def _runs(
    times: int, timed: Callable[[], Timing], *, pace: bool = True
) -> tuple[list[Timing], list[str]]:
    """``timed`` run ``times`` times (at least once), each after a look at the machine."""
    timings, before = [], []
    for _ in range(max(times, 1)):
        before.append(_before(pace=pace))
        timings.append(timed())
    return timings, before


def _row(name: str, target: float | None, timings: list[Timing], before: list[str]) -> None:
    walls = [t.wall for t in timings]
    runs = ", ".join(f"{w:.1f} s ({b})" for w, b in zip(walls, before, strict=True))
    shown = "-" if target is None else f"{target:.0f} s"
    verdict = "" if target is None else "  met" if min(walls) < target else "  NOT met"
    print(f"{name:<28} {min(walls):>5.1f} s {shown:>7}  {runs}{verdict}")
    for t in timings:
        if t.detail:
            print(f"{'':<28} cpu {t.cpu:.1f} s; {t.detail}")


def main(argv: list[str] | None = None) -> int:
    """Time each, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the year and the demo")
    parser.add_argument(
        "--suite-repeat", type=int, default=1, help="runs of the suite (each about a minute)"
    )
    parser.add_argument("--no-tests", action="store_true", help="leave the test suite out")
    parser.add_argument(
        "--busy", action="store_true", help="also time the suite beside one busy process"
    )
    parser.add_argument(
        "--slow", action="store_true", help="also time the long matrices (-m slow, run by CI)"
    )
    args = parser.parse_args(argv)
    print(machine())
    no_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    if no_bytecode:
        print("PYTHONDONTWRITEBYTECODE is set: every process compiles the project's modules")
    print(f"{'what':<28} {'least':>7} {'target':>7}  runs (load average, pace before each)")
    _row("pace (a fixed Python loop)", None, *_runs(args.repeat, partial(_timed, PACE), pace=False))
    for name, command, target, repeated in TIMINGS:
        if name == "tests" and args.no_tests:
            continue
        timed = partial(_suite if command is SUITE else _timed, command)
        _row(name, target, *_runs(args.repeat if repeated else args.suite_repeat, timed))
        if command is SUITE and no_bytecode:  # and as on a machine without the setting
            kept = _runs(1, partial(_suite, SUITE, bytecode=True))
            _row("tests, bytecode kept", target, *kept)
    if args.busy and not args.no_tests:
        name, command, target = BUSY
        _row(name, target, *_runs(args.suite_repeat, partial(_beside_a_busy_process, command)))
    if args.slow and not args.no_tests:
        name, command = SLOW
        _row(name, None, *_runs(1, partial(_suite, command)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
