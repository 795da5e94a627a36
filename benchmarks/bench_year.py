"""A year of 50 mentorships through the simulator: wall time, requests, comments.

Run by hand from the repository root: ``python benchmarks/bench_year.py [--mentorships N]
[--days N] [--faults RATE --seed N]``. Every scheduled run (the workflow's own cron) and every event
run of the year is the real ``scripts/reconcile.py`` against the sandbox. Prints figures;
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import logging
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "scripts"), str(Path(__file__).parent)]

from bench_schedule import machine  # noqa: E402
from mentorships import ANSWERS, ROOT, load_config  # noqa: E402

from mentoring.cli import reconcile  # noqa: E402
from simulator.simulation import Simulation  # noqa: E402

START = datetime(2026, 1, 5, tzinfo=UTC)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def scenario(n: int, days: int = 365) -> dict[str, Any]:
    """n applications over the first two months; mentors within two weeks; reviews
    answered; one in ten paused for a month; one in five graduates after eight months
    (what falls in the first ``days``)."""
    coordinator = load_config(ROOT).coordinators[0]
    mentors = [f"mentor{m:02d}" for m in range(10)]
    events: list[dict[str, Any]] = []
    for i in range(n):
        mentee, mentor, number = f"mentee{i:02d}", mentors[i % len(mentors)], i + 1
        opened = START + timedelta(days=i * 60 // n, hours=9)
        paired = opened + timedelta(days=3 + i % 11)
        events.append(
            {
                "at": _iso(opened),
                "by": mentee,
                "open_issue": {
                    "template": "mentee-application.yml",
                    "answers": {**ANSWERS, "name": f"Mentee {i}"},
                },
            }
        )
        events.append(
            {"at": _iso(paired), "by": coordinator, "assign": {"issue": number, "users": [mentor]}}
        )
        for month in (3, 6, 9):
            events.append(
                {
                    "at": _iso(paired + timedelta(days=month * 30 + 5)),
                    "by": mentor,
                    "comment": {"issue": number, "body": "Review: going well."},
                }
            )
        if i % 10 == 3:
            paused = paired + timedelta(days=100)
            label = {"issue": number, "labels": ["mentoring: paused"]}
            events.append({"at": _iso(paused), "by": coordinator, "add_labels": label})
            events.append(
                {"at": _iso(paused + timedelta(days=30)), "by": coordinator, "remove_labels": label}
            )
        if i % 5 == 0:
            entry = {"name": f"Mentee {i}", "github": mentee, "mentors": [mentor], "issue": number}
            events.append(
                {
                    "at": _iso(paired + timedelta(days=245)),
                    "by": mentee,
                    "merge_pull_request": {
                        "title": f"Add Mentee {i}",
                        "body": f"Closes #{number}",
                        "participants_add": [entry],
                        "merged_by": coordinator,
                    },
                }
            )
    end = _iso(START + timedelta(days=days))
    return {
        "start": _iso(START),
        "end": end,
        "collaborators": {coordinator: "admin", **{m: "write" for m in mentors}},
        "participants": [],
        "events": sorted((e for e in events if e["at"] < end), key=lambda e: e["at"]),
    }


def main(argv: list[str] | None = None) -> int:
    """Simulate the year and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentorships", type=int, default=50)
    parser.add_argument(
        "--days", type=int, default=365, help="a shorter span than the year (the tests use it)"
    )
    parser.add_argument("--faults", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--read", choices=("graphql", "rest"), default="graphql")
    parser.add_argument("--transport", choices=("in-process", "http"), default="in-process")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="simulate the year this many times and print each wall time and the least "
        "(the run the machine disturbed least; the other figures are the same every time)",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    if args.repeat > 1:
        return _repeated(args)
    sim = Simulation(
        scenario(args.mentorships, args.days),
        ROOT,
        faults=args.faults,
        seed=args.seed,
        read=args.read,
        transport=args.transport,
    )
    runs: Counter[str] = Counter()

    def counted(*a: Any, **kw: Any) -> int:
        runs["runs"] += 1
        return reconcile.main(*a, **kw)

    t0 = time.perf_counter()
    result = sim.run(counted)
    wall = time.perf_counter() - t0
    comments = Counter(a["kind"] for a in result.actions if a["type"] == "comment")
    print(machine())
    print(f"mentorships          {args.mentorships} over {args.days} days")
    print(f"faults               {args.faults} (seed {args.seed})")
    print(f"read path            {args.read}, transport {args.transport}")
    print(f"runs                 {runs['runs']} ({result.failed_runs} with failures)")
    print(f"wall time            {wall:.1f} s ({1000 * wall / max(runs['runs'], 1):.0f} ms a run)")
    print(f"HTTP requests        {result.requests}")
    print(f"bot writes           {len(result.actions)}")
    print(f"bot comments         {sum(comments.values())}")
    for kind, count in sorted(comments.items()):
        print(f"  {kind:<18} {count}")
    return 0


def _repeated(args: argparse.Namespace) -> int:
    """The year simulated ``--repeat`` times, each in a process of its own (as if run by hand:
    no cache of one warms the next), printing the figures of the quickest and every wall
    time. The least is the run the machine disturbed least; the other figures do not vary."""
    times = args.repeat
    argv = [f"--mentorships={args.mentorships}", f"--days={args.days}", f"--faults={args.faults}"]
    argv += [f"--seed={args.seed}"]
    argv += [f"--read={args.read}", f"--transport={args.transport}"]
    outputs, walls = [], []
    for _ in range(times):
        done = subprocess.run(
            [sys.executable, __file__, *argv], capture_output=True, text=True, check=True
        )
        found = re.search(r"^wall time +([0-9.]+) s", done.stdout, re.MULTILINE)
        if found is None:
            raise SystemExit(f"no wall time in the output:\n{done.stdout}")
        outputs.append(done.stdout)
        walls.append(float(found[1]))
    quickest = outputs[walls.index(min(walls))].splitlines()
    at = next(i for i, line in enumerate(quickest) if line.startswith("wall time"))
    quickest.insert(at + 1, f"  least of {times:<9} {', '.join(f'{w:.1f}' for w in walls)} s")
    print("\n".join(quickest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
