"""The outcomes report over a program of N applications across five years: what it reads.

Run by hand from the repository root: ``python benchmarks/bench_report.py
[--applications N] [--years Y]`` (default 100 over 5). Builds the program straight into a
sandbox (no reconcile runs): applications spread evenly over the years, one in five
declined, the rest paired two weeks after applying and given a year of monthly check-ins
(a review every third, answered), three in five of those graduating after it. Then one
report run (``--format json``), and its cost as the sandbox counted it: GraphQL queries
and points, REST requests, search queries and the seconds waited for the search's limit
(sandbox time: the waits cost no real time here). docs/report.md states the budget these
figures are held to. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "scripts"), str(Path(__file__).parent)]

from mentorships import ANSWERS, ROOT, env_for  # noqa: E402

from mentoring.cli import report  # noqa: E402
from mentoring.files.config import load_config  # noqa: E402
from simulator.issue_forms import render_body  # noqa: E402
from simulator.sandbox import Sandbox  # noqa: E402

START = datetime(2022, 1, 3, 10, tzinfo=UTC)


def build(sb: Sandbox, n: int, years: int) -> list[str]:
    """``n`` applications over ``years`` years; the logins of those who graduated."""
    config = load_config(ROOT)
    coordinator, bot, labels = config.coordinators[0], config.bot, config.labels
    form = config.application.form_spec
    sb.set_permission(coordinator, "admin")
    end = START + relativedelta(years=years)
    spacing = (end - START) / max(n, 1)
    actions: list[tuple[datetime, int, object]] = []
    graduates: list[str] = []
    for i in range(n):
        mentee, mentor = f"mentee{i:04d}", f"mentor{i % 12:02d}"
        sb.set_permission(mentor, "write")
        opened = START + spacing * i
        actions.append((opened, i, ("open", i, mentee)))
        if i % 5 == 0:
            actions.append((opened + timedelta(days=10), i, ("close", i, "not_planned")))
            continue
        start = opened + timedelta(days=14)
        actions.append((start, i, ("assign", i, mentor)))
        for k in range(1, 13):
            when = start + relativedelta(months=k)
            kind = "review" if k % 3 == 0 else "checkin"
            actions.append(
                (when, i, ("comment", i, bot, f"{kind} {k}\n\n<!-- mentoring:{kind}:{k} -->"))
            )
            if kind == "review":
                actions.append((when + timedelta(days=1), i, ("comment", i, mentor, "All well.")))
        if i % 5 in (1, 2, 3):
            done = start + relativedelta(months=12, days=10)
            actions.append((done, i, ("graduate", i, mentee)))
            if done < end:
                graduates.append(mentee)
    numbers: dict[int, int] = {}
    body = render_body(form, ANSWERS)
    for when, _, (verb, i, *rest) in sorted(actions, key=lambda a: (a[0], a[1])):
        if when >= end:
            continue
        sb.now = max(sb.now, when)
        if verb == "open":
            numbers[i] = sb.open_issue(
                rest[0], "Mentee application", body, labels=list(form.labels)
            )
        elif verb == "assign":
            sb.assign(numbers[i], coordinator, [rest[0]])
        elif verb == "comment":
            sb.comment(numbers[i], rest[0], rest[1])
        elif verb == "close":
            sb.close(numbers[i], coordinator, rest[0])
        else:
            sb.close(numbers[i], bot, "completed")
            sb.add_labels(numbers[i], bot, [labels.graduated])
    sb.now = max(sb.now, end)
    return graduates


def measure(n: int, years: int) -> dict[str, object]:
    """Build the program, run the report once, and count what it sent."""
    with Sandbox(start=START) as sb, tempfile.TemporaryDirectory() as tmp:
        graduates = build(sb, n, years)
        root = Path(tmp)
        shutil.copytree(ROOT / ".github", root / ".github")
        entries = "".join(f"- {{name: Graduate, github: {g}}}\n" for g in graduates)
        (root / "participants.yml").write_text(entries or "[]\n", encoding="utf-8")
        sb.clear_logs()
        points = sb.graphql_points_remaining
        before = sb.now
        out = io.StringIO()
        t0 = time.perf_counter()
        with redirect_stdout(out):
            code = report.main(
                ["--root", str(root), "--format", "json"],
                env=env_for(sb),
                now=sb.now,
                sleep=lambda s: sb.advance(seconds=s),
            )
        wall = time.perf_counter() - t0
        log = sb.request_log
        data = json.loads(out.getvalue())
    graphql = [r for r in log if r["path"] == "/graphql"]
    searches = [r for r in log if r["path"] == "/search/issues"]
    return {
        "applications": data["applications"],
        "graduates": len(graduates),
        "graphql": len(graphql),
        "points": points - sb.graphql_points_remaining,
        "rest": len(log) - len(graphql) - len(searches),
        "search": len(searches),
        "refused": sum(1 for r in searches if r["status"] != 200),
        "waited_s": (sb.now - before).total_seconds(),
        "exit": code,
        "wall_s": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    m = measure(args.applications, args.years)
    print(
        f"{m['applications']} applications over {args.years} years, {m['graduates']} graduates:"
        f" {m['graphql']} GraphQL queries ({m['points']} points), {m['rest']} REST requests,"
        f" {m['search']} search queries ({m['refused']} refused), waited {m['waited_s']:.0f} s"
        f" for the search limit; exit {m['exit']}, {m['wall_s']:.2f} s"
    )


if __name__ == "__main__":
    main()
