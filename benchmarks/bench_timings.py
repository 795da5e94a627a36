"""The three timings the project holds itself to: the simulated year, the demo, the tests.

Run by hand from the repository root: ``python benchmarks/bench_timings.py [--repeat N]
[--no-tests]``. Each is timed as a process of its own, from the outside, as a maintainer
would run it (interpreter start and imports included): ``benchmarks/bench_year.py``
(50 mentorships over a year), ``scripts/simulate.py --quiet`` (the README's demo) and
``python -m pytest -q -p no:cacheprovider`` (the suite; once, unless ``--repeat`` says
more). Prints every wall time, the least of them (the run the machine disturbed least:
this machine's speed swings by half from one minute to the next) and the target, with
the load average before each; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_schedule import machine

ROOT = Path(__file__).resolve().parents[1]
# (name, command, target in seconds, repeated with --repeat)
TIMINGS = [
    ("year (50 mentorships)", [sys.executable, "benchmarks/bench_year.py"], 10.0, True),
    ("demo", [sys.executable, "scripts/simulate.py", "--quiet"], 5.0, True),
    ("tests", [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], 60.0, False),
]


def _timed(command: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n" + "\n".join(tail))
    return wall


def main(argv: list[str] | None = None) -> int:
    """Time each, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the year and the demo")
    parser.add_argument("--no-tests", action="store_true", help="leave the test suite out")
    args = parser.parse_args(argv)
    print(machine())
    print(f"{'what':<22} {'least':>7} {'target':>7}  runs (load average before each)")
    for name, command, target, repeated in TIMINGS:
        if name == "tests" and args.no_tests:
            continue
        walls, loads = [], []
        for _ in range(max(args.repeat, 1) if repeated else 1):
            loads.append(os.getloadavg()[0])
            walls.append(_timed(command))
        runs = ", ".join(f"{w:.1f} s ({load:.1f})" for w, load in zip(walls, loads, strict=True))
        verdict = "met" if min(walls) < target else "NOT met"
        print(f"{name:<22} {min(walls):>5.1f} s {target:>5.0f} s  {runs}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
