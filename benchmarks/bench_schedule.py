"""An idle scheduled run over N year-long mentorships: REST and GraphQL requests, time.

Run by hand from the repository root: ``python benchmarks/bench_schedule.py [N ...]``.
REST's bound is what a REST run must send: the list pages of open applications
(ceil(N/100)), one list page of mentor registrations when they are on, and one timeline
read per application. GraphQL's is ceil(N/50) queries (the first also reads the first
page of registrations, the dashboard's issues and the recently closed applications; more
than 50 open registrations take a query each 50). "other" is what a GraphQL run sends
over REST besides (0 when idle); "react" the queries for the reactions on the bot's
comments (a hundred comments a query: each mentorship's latest check-in, a 👎 on it
being news, and on a quiet one its pairing, check-ins and reviews of the last review
period and its reply days); "points" the GraphQL points the run spent. Prints figures;
asserts nothing about time.
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
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "scripts"), str(Path(__file__).parent)]

from mentorships import ROOT, build, env_for  # noqa: E402

from mentoring.cli import reconcile  # noqa: E402
from simulator.sandbox import Sandbox  # noqa: E402

NOW = datetime(2027, 6, 1, 6, 17, tzinfo=UTC)  # a scheduled run's time


def _once(sb: Sandbox, read: str) -> tuple[int, list[dict], float, int]:
    """One scheduled run with ``--read``: exit code, its requests, wall time, points used."""
    sb.clear_logs()
    points = sb.graphql_points_remaining
    t0 = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        code = reconcile.main(
            ["--root", str(ROOT), f"--read={read}"], env=env_for(sb), now=NOW, sleep=lambda s: None
        )
    return code, sb.request_log, time.perf_counter() - t0, points - sb.graphql_points_remaining


def measure(n: int) -> dict[str, object]:
    """Build n idle mentorships, then time an idle scheduled run over REST and over GraphQL."""
    with Sandbox(start=datetime(2026, 1, 1, tzinfo=UTC)) as sb:
        t0 = time.perf_counter()
        built = build(sb, n, NOW)
        build_s = time.perf_counter() - t0
        _once(sb, "graphql")  # the first run makes the dashboard issue; the next ones are idle
        rest_code, rest_log, rest_s, _ = _once(sb, "rest")
        code, log, wall, points = _once(sb, "graphql")
    registrations = 1 if built.config.mentor_registration else 0
    every = [r for r in log if r["path"] == "/graphql"]
    reactions = sum(1 for r in every if "CommentReactions" in r["request_body"]["query"])
    queries = len(every) - reactions
    return {
        "N": n,
        "rest": len(rest_log),
        "rest_bound": math.ceil(n / 100) + registrations + n,
        "graphql": queries,
        "graphql_bound": max(math.ceil(n / 50), registrations),
        "other": len(log) - len(every),  # over REST: none while idle
        "react": reactions,
        "points": points,
        "writes": sum(
            1 for r in rest_log + log if r["method"] != "GET" and r["path"] != "/graphql"
        ),
        "exit": max(code, rest_code),
        "rest_s": rest_s,
        "wall_s": wall,
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
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000, 5000])
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the run's INFO lines would swamp the table
    print(machine())
    header = (
        f"{'N':>5} {'REST':>6} {'bound':>6} {'GraphQL':>7} {'ceil(N/50)':>12} {'other':>5}"
        f" {'react':>5} {'points':>6} {'writes':>6} {'exit':>4} {'REST s':>7} {'GraphQL s':>9}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        r = measure(n)
        print(
            f"{r['N']:>5} {r['rest']:>6} {r['rest_bound']:>6} {r['graphql']:>7}"
            f" {r['graphql_bound']:>12} {r['other']:>5} {r['react']:>5} {r['points']:>6}"
            f" {r['writes']:>6} {r['exit']:>4} {r['rest_s']:>7.2f} {r['wall_s']:>9.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
