"""One scheduled run over N year-long mentorships: requests against the lower bound, time.

Run by hand from the repository root: ``python benchmarks/bench_schedule.py [N ...]``.
The lower bound is what any run must send: the list pages of open applications
(ceil(N/100)), one list page of mentor registrations when they are on, one timeline read
per application, and the writes it makes. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import io
import logging
import math
import os
import platform
import sys
import time
from collections import Counter
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "scripts"), str(Path(__file__).parent)]

from mentorships import ROOT, build, env_for  # noqa: E402

from mentoring.cli import reconcile  # noqa: E402
from simulator.sandbox import Sandbox  # noqa: E402

NOW = datetime(2027, 6, 1, 6, 17, tzinfo=UTC)  # a scheduled run's time


def measure(n: int, due_share: float = 0.02) -> dict[str, object]:
    """Build n mentorships (a share of them with a check-in due), run once, count."""
    due = range(0, n, max(1, round(1 / due_share))) if due_share else ()
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        t0 = time.perf_counter()
        built = build(sb, n, NOW, due=due)
        build_s = time.perf_counter() - t0
        sb.clear_logs()
        t0 = time.perf_counter()
        with redirect_stdout(io.StringIO()):
            code = reconcile.main(["--root", str(ROOT)], env=env_for(sb), now=NOW)
        wall = time.perf_counter() - t0
        log = sb.request_log
    kinds = Counter(
        "list" if r["path"].endswith("/issues") else r["method"] if r["method"] != "GET" else "GET"
        for r in log
    )
    writes = sum(1 for r in log if r["method"] != "GET")
    lists = math.ceil(n / 100) + (1 if built.config.mentor_registration else 0)
    bound = lists + n + writes
    return {
        "N": n,
        "due": len(built.due),
        "requests": len(log),
        "bound": bound,
        "lists": kinds["list"],
        "timelines": sum(1 for r in log if r["path"].endswith("/timeline")),
        "writes": writes,
        "other": len(log)
        - kinds["list"]
        - writes
        - sum(1 for r in log if r["path"].endswith("/timeline")),
        "exit": code,
        "wall_s": wall,
        "ms_per_issue": 1000 * wall / n,
        "build_s": build_s,
    }


def machine() -> str:
    """nproc, CPU model and Python version, for the figures to be read against."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    """Print the table for each N."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000])
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the run's INFO lines would swamp the table
    print(machine())
    header = (
        f"{'N':>5} {'due':>4} {'requests':>8} {'bound':>6} {'lists':>5} {'timelines':>9}"
        f" {'writes':>6} {'other':>5} {'exit':>4} {'wall s':>7} {'ms/issue':>8}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        r = measure(n)
        print(
            f"{r['N']:>5} {r['due']:>4} {r['requests']:>8} {r['bound']:>6} {r['lists']:>5}"
            f" {r['timelines']:>9} {r['writes']:>6} {r['other']:>5} {r['exit']:>4}"
            f" {r['wall_s']:>7.2f} {r['ms_per_issue']:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
