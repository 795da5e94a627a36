"""Run a mentoring scenario against the local sandbox GitHub and tell its story.

With no SCENARIO, runs the bundled demo: several mentorships over a year and a half.

With --program DIR, plays it against a program repository's own files instead of this
checkout's: its .github/mentoring.yml, issue forms, participants.yml, workflows (their
triggers and schedule, wherever a step runs the action's reconcile: `uses: ./` or the
published action pinned by SHA) and template overrides, with this checkout's engine.
The scenario's `config:` overlay still applies on top of DIR's config: the demo brings
its own people (coordinator cora, mentors bob, dana, ...), so it names cora the
coordinator in place of DIR's, and ticks DIR's code-of-conduct box for its applicants.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from mentoring.actions import logs
from mentoring.cli import reconcile
from mentoring.cli.version import add_version
from mentoring.files.yamlfile import YamlFileError
from simulator.simulation import (
    Result,
    ScenarioError,
    Simulation,
    load_scenario,
    reconciling_workflows,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "scenarios" / "demo.yml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_version(parser)
    parser.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        default=DEMO,
        help="scenario YAML file (default: the bundled demo)",
    )
    parser.add_argument(
        "--program",
        type=Path,
        metavar="DIR",
        help="a program repository's checkout to play against (default: this checkout's"
        " reference program); see above",
    )
    parser.add_argument("--transcript", type=Path, help="write the JSON transcript here")
    parser.add_argument("--http-log", type=Path, help="write every HTTP request as JSON lines here")
    parser.add_argument(
        "--faults",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share of requests the sandbox fails (0 to 1), every fault kind",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the faults")
    parser.add_argument(
        "--transport",
        choices=("in-process", "http"),
        default="in-process",
        help="how the scripts reach the sandbox: in-process (default, fast) or loopback HTTP",
    )
    parser.add_argument(
        "--read",
        choices=("graphql", "rest"),
        default="graphql",
        help="reconcile.py --read: how runs over every application read them",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    return parser


def story(result: Result) -> str:
    """One line per thing the bot did: date, issue, what, and a comment's first line."""
    lines = []
    for action in result.actions:
        what = action["type"]
        if what == "comment":
            first = next((ln for ln in action["body"].splitlines() if ln.strip()), "")
            key = f":{action['key']}" if action["key"] else ""
            detail = f"{action['kind'] + key:<18} {first[:90]}"
        elif what in ("assign", "unassign"):
            detail = f"{what:<18} {', '.join(action['users'])}"
        elif what in ("add_labels", "remove_labels"):
            sign = "+" if what == "add_labels" else "-"
            detail = f"{'label':<18} " + ", ".join(f"{sign}{lb}" for lb in action["labels"])
        elif what == "close":
            detail = f"{'close':<18} as {action['state_reason']}"
        else:
            detail = what
        lines.append(f"{action['at'][:10]}  #{action['issue']:<3} {detail}")
    return "\n".join(lines)


def report(result: Result, quiet: bool = False) -> str:
    """What the demo prints (README's quick start quotes it): the story, what coordinators
    see, and the totals; only the totals when ``quiet``."""
    parts = []
    if not quiet:
        # What coordinators see: the job summary of the last scheduled run.
        parts += [story(result), "", result.schedule_summary or result.summary]
        if result.dashboard:
            parts += ["## The dashboard issue, as the coordinators see it\n", result.dashboard, ""]
    comments = sum(1 for a in result.actions if a["type"] == "comment")
    parts.append(
        f"{len(result.actions)} bot writes ({comments} comments), {result.requests} HTTP requests,"
        f" {result.failed_runs} runs with failures"
    )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Simulate; exit 0 when every run succeeded, 1 when some failed, 2 for a bad scenario.

    With ``--faults`` failed runs are what was asked for (the next run retries their
    work), so they are counted and reported but do not fail the simulation.
    """
    args = _parser().parse_args(argv)
    logs.configure(logging.WARNING if args.quiet else logging.ERROR)
    if not 0 <= args.faults < 1:
        print("error: --faults must be a share between 0 and 1, such as 0.1", file=sys.stderr)
        return 2
    root = args.program or args.root
    if args.program and not reconciling_workflows(root):
        print(
            f"error: no workflow in {root / '.github' / 'workflows'} has a step that runs"
            " the action with `command: reconcile`",
            file=sys.stderr,
        )
        return 2
    try:
        scenario = load_scenario(args.scenario)
        simulation = Simulation(
            scenario,
            root,
            faults=args.faults,
            seed=args.seed,
            keep_http_log=args.http_log is not None,
            transport=args.transport,
            read=args.read,
        )
        result = simulation.run(reconcile.main)
    except (ScenarioError, YamlFileError) as exc:  # a scenario over a file refused
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.transcript:
        args.transcript.write_text(
            json.dumps(result.transcript(), indent=2) + "\n", encoding="utf-8"
        )
    if args.http_log:
        with args.http_log.open("w", encoding="utf-8") as out:
            for entry in result.http_log:
                keep = ("method", "path", "query", "request_body", "status", "response_body")
                out.write(json.dumps({k: entry.get(k) for k in keep}) + "\n")
    print(report(result, quiet=args.quiet))
    if result.failed_runs and not args.faults:
        print(
            f"error: {result.failed_runs} workflow run(s) failed; their errors are logged above",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
