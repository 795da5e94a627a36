"""One scheduled run over N year-long mentorships: requests against the lower bound, time.

The first table is measured with the dashboard off; the second shows what it adds.

Run by hand from the repository root: ``python benchmarks/bench_schedule.py [N ...]``.
The lower bound is what any run must send: the list pages of open applications
(ceil(N/100)), one list page of mentor registrations when they are on, one timeline read
per application, and the writes it makes. Prints figures; asserts nothing about time.

A second table shows what the dashboard costs: the requests of an idle scheduled run
(nothing due, the dashboard already up to date) with ``dashboard.enabled`` on and off.
"""

from __future__ import annotations

import argparse
import io
import logging
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "scripts"), str(Path(__file__).parent)]

from mentorships import ROOT, build, env_for  # noqa: E402

from mentoring.cli import reconcile  # noqa: E402
from simulator.sandbox import Sandbox  # noqa: E402

NOW = datetime(2027, 6, 1, 6, 17, tzinfo=UTC)  # a scheduled run's time


def measure(n: int, due_share: float = 0.02) -> dict[str, object]:
    """Build n mentorships (a share of them with a check-in due), run once, count."""
    due = range(0, n, max(1, round(1 / due_share))) if due_share else ()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb,
    ):
        root = checkout(Path(tmp), dashboard=False)  # its cost: the second table
        t0 = time.perf_counter()
        built = build(sb, n, NOW, due=due, root=root)
        build_s = time.perf_counter() - t0
        sb.clear_logs()
        t0 = time.perf_counter()
        with redirect_stdout(io.StringIO()):
            code = reconcile.main(["--root", str(root)], env=env_for(sb), now=NOW)
        wall = time.perf_counter() - t0
        log = sb.request_log
    kinds = Counter(
        "list" if r["method"] == "GET" and r["path"].endswith("/issues") else r["method"]
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


def checkout(to: Path, dashboard: bool) -> Path:
    """A copy of the files a run reads, with the dashboard switched on or off."""
    shutil.copytree(ROOT / ".github", to / ".github")
    shutil.copytree(ROOT / "templates", to / "templates")
    shutil.copy2(ROOT / "participants.yml", to / "participants.yml")
    config = to / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    switched = text.replace("  enabled: true", f"  enabled: {str(dashboard).lower()}", 1)
    assert switched != text or dashboard, "the shipped config no longer says enabled: true"
    config.write_text(switched, encoding="utf-8")
    return to


def idle_requests(n: int, dashboard: bool) -> tuple[int, Counter[str]]:
    """Requests of a scheduled run with nothing to do, after one that did it all."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb,
    ):
        root = checkout(Path(tmp), dashboard)
        build(sb, n, NOW, root=root)
        args = ["--root", str(root)]
        with redirect_stdout(io.StringIO()):
            reconcile.main(args, env=env_for(sb), now=NOW)  # creates the dashboard
            sb.clear_logs()
            reconcile.main(args, env=env_for(sb), now=NOW + timedelta(hours=1))
        log = sb.request_log
    assert all(r["method"] == "GET" for r in log), "the idle run wrote something"
    return len(log), Counter(r["path"].split("?")[0].rsplit("/", 1)[-1] for r in log)


def dashboard_cost(sizes: list[int]) -> None:
    """Print idle runs with the dashboard off and on, and the difference."""
    header = f"{'N':>5} {'off':>6} {'on':>6} {'added':>5}  added requests"
    print("\nIdle scheduled run, dashboard off against on")
    print(header)
    print("-" * len(header))
    for n in sizes:
        off, off_paths = idle_requests(n, dashboard=False)
        on, on_paths = idle_requests(n, dashboard=True)
        added = ", ".join(f"{k} {v}" for k, v in sorted((on_paths - off_paths).items()))
        print(f"{n:>5} {off:>6} {on:>6} {on - off:>5}  {added}")


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
    dashboard_cost(args.sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
