"""scripts/report.py: the outcomes report of tests/scenarios/outcomes.yml, checked against
a table worked out by hand from the scenario's events; its formats; the search API's rate
limit (waited for, or the report stops and says so); bad arguments.

The scenario is played once; at its end (the simulator's last, dry run) the report runs
against the sandbox several times, each in a minute of its own so that the search's
30-a-minute limit is only reached where a test wants it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mentoring.cli import reconcile, report
from paths import ROOT_DIR, TESTS_DIR
from played import group
from simulator.sandbox import Sandbox
from simulator.simulation import Simulation, load_scenario

SCENARIO = TESTS_DIR / "scenarios" / "outcomes.yml"
NOW = datetime(2027, 12, 15, tzinfo=UTC)
pytestmark = group("outcomes")

# Worked out by hand from tests/scenarios/outcomes.yml (see the comments there and the
# list below), not by the code under test. Columns: applications, pairings, median days
# to pairing, active, paused, graduations, median months to graduation, closed after
# pairing, closed before pairing, mentors, returning mentors, mean load, most mentees.
#
# The applications: (number, mentee, opened, paired with, outcome)
#  1 ann 2025-01-06 bob 01-16 (10 d)      graduated 2025-10-06 (273 d = 8.97 months)
#  2 ben 2025-01-13 -                     declined 2025-02-03
#  3 cat 2025-02-03 dan 02-13 (10 d)      paused 05-05..07-07; dan -> eva 08-04;
#                                         graduated 2026-03-02 (392 d = 12.88 months)
#  4 dov 2025-03-03 bob 03-23 (20 d)      closed (completed, no entry) 2025-09-01
#  5 eli 2025-04-07 fay 04-14 (7 d)       graduated 2026-01-12 (280 d = 9.20)
#  6 fin 2025-05-05 -                     declined 2025-06-02
#  7 gus 2025-06-02 dan 07-02 (30 d)      graduated 2026-06-01 (364 d = 11.96)
#  8 ben 2025-07-07 bob 07-17 (10 d)      graduated 2026-04-06 (273 d = 8.97)
#  9 hal 2025-08-04 -                     declined 2025-11-03
# 10 ivy 2025-10-06 eva 10-20 (14 d)      paused 12-01..2026-02-02; closed 2026-08-03
# 11 jon 2025-11-03 fay 11-13 (10 d)      graduated 2026-08-03 (273 d = 8.97)
# 12 kim 2026-01-05 bob 01-15 (10 d)      graduated 2026-10-05 (273 d = 8.97)
# 13 lee 2026-02-02 -                     declined 2026-02-16
# 14 fin 2026-03-02 dan 03-16 (14 d)      graduated 2026-12-07 (280 d = 9.20)
# 15 max 2026-04-06 eva 04-13 (7 d)       eva -> fay 07-06; withdrawn 2026-09-07
# 16 ned 2026-05-04 gil 05-24 (20 d)      graduated 2027-02-01 (273 d = 8.97)
# 17 ola 2026-07-06 bob 07-16 (10 d)      paused 10-05..2027-01-04; graduated 2027-06-07
#                                         (336 d = 11.04)
# 18 pat 2026-08-03 -                     declined 2027-02-01
# 19 quy 2026-10-05 dan 10-15 (10 d)      open
# 20 ray 2026-11-02 fay 11-12 (10 d)      graduated 2027-08-02 (273 d = 8.97)
# 21 hal 2027-01-04 gil 01-14 (10 d)      open
# 22 sam 2027-02-01 -                     declined 2027-03-01
# 23 tia 2027-04-05 eva 04-12 (7 d)       paused from 2027-06-07, still
# 24 uma 2027-07-05 -                     waiting
# 25 vic 2027-10-04 bob 10-11 (7 d)       open
EXPECTED = {
    # Returning: a mentor taking a new mentee after a mentorship of theirs with someone
    # else ended (by a close or their unassignment); two mentees at once is no return.
    "2025 Q1": (4, 3, 10.0, 3, 0, 0, None, 0, 1, 2, 0, 1.5, 2),  # bob: #1 still runs
    "2025 Q2": (3, 1, 7.0, 3, 1, 0, None, 0, 1, 3, 0, 1.33, 2),
    "2025 Q3": (2, 2, 20.0, 5, 0, 0, None, 1, 0, 4, 0, 1.25, 2),  # dan #3, bob #1 run on
    "2025 Q4": (2, 2, 12.0, 5, 1, 1, 9.0, 0, 1, 4, 0, 1.5, 2),  # eva #3, fay #5 run on
    "2026 Q1": (3, 2, 12.0, 6, 0, 2, 11.0, 0, 1, 4, 2, 1.5, 2),  # bob (#1 ended), dan (#3)
    "2026 Q2": (2, 2, 13.5, 6, 0, 2, 10.5, 0, 0, 5, 1, 1.2, 2),  # eva (#3 ended); gil new
    "2026 Q3": (2, 1, 10.0, 4, 0, 1, 9.0, 2, 0, 5, 2, 1.33, 2),  # fay (to max), bob
    "2026 Q4": (2, 2, 10.0, 3, 1, 2, 9.1, 0, 0, 4, 2, 1.0, 1),  # dan, fay return
    "2027 Q1": (2, 1, 10.0, 4, 0, 1, 9.0, 0, 2, 4, 0, 1.0, 1),  # gil: #16 ends 02-01
    "2027 Q2": (1, 1, 7.0, 3, 1, 1, 11.0, 0, 0, 5, 1, 1.0, 1),  # eva returns
    "2027 Q3": (1, 0, None, 2, 1, 1, 9.0, 0, 0, 4, 0, 1.0, 1),
    "2027 Q4": (1, 1, 7.0, 3, 1, 0, None, 0, 0, 4, 1, 1.0, 1),  # bob returns
}
COLUMNS = (
    "applications",
    "pairings",
    "median_days_to_pairing",
    "active",
    "paused",
    "graduations",
    "median_months_to_graduation",
    "closed_after_pairing",
    "closed_before_pairing",
    "mentors_active",
    "mentors_returning",
    "load_mean",
    "load_max",
)
GRADUATES = 11  # ann cat eli gus ben jon kim fin ned ola ray


@dataclass
class Run:
    """One report run at the scenario's end: its exit code, output and what it sent."""

    code: int
    text: str
    out: str
    searches: list[dict[str, Any]] = field(default_factory=list)


def _elsewhere(sb: Sandbox) -> None:
    """Graduates' work after the program: active are ann (a pull request), eli (a review)
    and ray (a pull request in the second repository); cat's is too old, gus's elsewhere."""
    sb.add_pull_elsewhere("astropy/astropy", "ann", NOW - timedelta(days=44))
    sb.add_pull_elsewhere("astropy/astropy", "cat", NOW - timedelta(days=197))
    sb.add_pull_elsewhere("astropy/astroquery", "zed", NOW - timedelta(days=14), ("eli",))
    sb.add_pull_elsewhere("other/repository", "gus", NOW - timedelta(days=14))
    sb.add_pull_elsewhere("astropy/astroquery", "ray", NOW - timedelta(days=75))


RUNS: dict[str, tuple[list[str], Callable[[Sandbox], None]]] = {
    "md": (["--format", "md"], lambda sb: None),
    "json": (["--format", "json"], lambda sb: None),
    "csv": (["--format", "csv"], lambda sb: None),
    # Someone else used the minute's 30 searches: the first is refused, the report waits.
    "used-up": (
        ["--format", "json"],
        lambda sb: [sb.search_budget.take(sb.now) for _ in range(30)],
    ),
    # 25 used: five answered, then the report waits for the reset before the sixth.
    "five-left": (
        ["--format", "json"],
        lambda sb: [sb.search_budget.take(sb.now) for _ in range(25)],
    ),
    # Used up, and no waiting allowed: it stops, and says so.
    "no-wait": (
        ["--format", "md", "--search-wait", "0"],
        lambda sb: [sb.search_budget.take(sb.now) for _ in range(30)],
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    simulation = Simulation(load_scenario(SCENARIO), ROOT_DIR)
    found: dict[str, Run] = {}
    folder = tmp_path_factory.mktemp("reports")

    def last_run(argv: list[str], env: Any = None, now: Any = None, sleep: Any = None) -> int:
        code = reconcile.main(argv, env=env, now=now, sleep=sleep)
        if "--dry-run" not in argv:
            return code
        sb = simulation.sandbox
        root = argv[argv.index("--root") + 1]
        sb.now = NOW
        _elsewhere(sb)
        for name, (args, before) in RUNS.items():
            sb.advance(minutes=2)  # a minute of its own for the search's limit
            before(sb)
            sb.clear_logs()
            output = folder / f"{name}.out"
            out = io.StringIO()
            import contextlib

            with contextlib.redirect_stdout(out):
                ran = report.main(
                    ["--root", root, "--output", str(output), *args],
                    env=env,
                    now=sb.now,
                    sleep=lambda s: sb.advance(seconds=s),
                )
            searches = [e for e in sb.request_log if e["path"] == "/search/issues"]
            found[name] = Run(ran, output.read_text(encoding="utf-8"), out.getvalue(), searches)
        return code

    simulation.run(last_run)
    return found


def test_each_quarter_matches_the_table_worked_out_by_hand(runs: dict[str, Run]) -> None:
    data = json.loads(runs["json"].text)
    got = {q["quarter"]: tuple(q[c] for c in COLUMNS) for q in data["quarters"]}
    assert got == EXPECTED
    assert data["applications"] == 25


def test_graduates_still_active_are_counted_from_the_search(runs: dict[str, Run]) -> None:
    activity = json.loads(runs["json"].text)["activity"]
    assert activity["repositories"] == ["astropy/astropy", "astropy/astroquery"]
    assert activity["since"] == "2027-09-16"  # 90 days before the run
    assert (activity["graduates"], activity["checked"], activity["active"]) == (GRADUATES, 11, 3)
    # One search a graduate, a second (reviews) for the nine who opened nothing there.
    assert activity["queries"] == 20
    assert activity["stopped"] == ""
    queries = [e["query"]["q"] for e in runs["json"].searches]
    assert queries[0] == (
        "is:pr author:ann repo:astropy/astropy repo:astropy/astroquery created:>=2027-09-16"
    )
    assert all(e["query"]["per_page"] == "1" for e in runs["json"].searches)


def test_what_the_report_read(runs: dict[str, Run]) -> None:
    cost = json.loads(runs["json"].text)["cost"]
    # 25 applications: one GraphQL page of 50 with their timelines, no REST at all.
    assert cost == {
        "rest_requests": 0,
        "graphql_queries": 1,
        "graphql_points": 2,
        "search_queries": 20,
    }


def test_markdown_has_the_table_and_the_charts(runs: dict[str, Run]) -> None:
    text = runs["md"].text
    assert text.startswith("# Outcomes of the Astropy mentoring program\n")
    assert text.count("```mermaid\nxychart-beta\n") == 2
    assert '    x-axis ["2025 Q1", "2025 Q2",' in text
    assert "    bar [4, 3, 2, 2, 3, 2, 2, 2, 2, 1, 1, 1]" in text  # applications
    assert "| 2026 Q2 | 2 | 2 | 13.5 | 0 |" in text  # applications
    assert "| 2026 Q2 | 6 | 0 | 2 | 10.5 | 0 |" in text  # mentorships
    assert "| 2026 Q2 | 5 | 1 | 1.2 | 2 |" in text  # mentors
    assert "3 of 11 graduates checked had a pull request, or reviewed one" in text
    assert "1 GraphQL queries (2 points) and 20 search queries." in text


def test_csv_has_a_row_a_quarter(runs: dict[str, Run]) -> None:
    rows = list(csv.DictReader(io.StringIO(runs["csv"].text)))
    assert [r["quarter"] for r in rows] == list(EXPECTED)
    assert rows[0]["median_months_to_graduation"] == ""  # none: an empty cell
    assert rows[3]["median_months_to_graduation"] == "9.0"


def test_a_refused_search_is_waited_for_then_asked_again(runs: dict[str, Run]) -> None:
    run = runs["used-up"]
    assert run.code == 0
    assert [e["status"] for e in run.searches][:2] == [403, 200]
    refused = run.searches[0]
    assert refused["response_body"]["message"].startswith("API rate limit exceeded")
    activity = json.loads(run.text)["activity"]
    assert activity["checked"] == 11
    assert activity["active"] == 3
    assert activity["queries"] == 21
    assert activity["waited_seconds"] > 0


def test_the_report_waits_for_the_reset_before_the_limit_refuses(runs: dict[str, Run]) -> None:
    run = runs["five-left"]
    assert all(e["status"] == 200 for e in run.searches)  # never refused: it waited first
    activity = json.loads(run.text)["activity"]
    assert activity["queries"] == 20
    assert 0 < activity["waited_seconds"] <= 61
    assert run.searches[4]["at"] < run.searches[5]["at"]  # the sixth, after the wait


def test_without_waiting_the_report_stops_and_says_so(runs: dict[str, Run]) -> None:
    run = runs["no-wait"]
    assert run.code == 0
    assert "Not every graduate was checked: the search API's rate limit" in run.text
    assert "0 of 11 graduates were checked" in run.text
    assert "::warning::Not every graduate was checked" in run.out


# --- the edge cases: tests/scenarios/outcomes_edges.yml -----------------------------------

EDGES = TESTS_DIR / "scenarios" / "outcomes_edges.yml"
# Worked out by hand from the scenario's events, not by the code under test (columns as
# above). The report runs at the last run, 2026-06-08.
#  1 ann 01-05  cora's /mentor 01-12 (7 d)                  open
#  2 ann 01-06  closed as a duplicate 01-07                 left out
#  3 cat 01-19  declined 02-02, reopened 02-09; bob 02-16 (28 d); bob -> eva 04-20; open
#  4 dov 02-02  declined 02-23; dan assigned 03-02, after it: no pairing, closed unpaired
#  5 eli 03-09  (cora opened it for eli) dan 04-06 (28 d)   open
#  6 gus 04-01  bob 05-04 (33 d): bob returns, #3 ended for him on 04-20
#  7 hal 04-13  dan 04-20 (7 d): dan's second at once, no return
EDGES_EXPECTED = {
    # 4 applied (no duplicate); paired #1, #3; running at the end: #1 cora, #3 bob.
    "2026 Q1": (4, 2, 17.5, 2, 0, 0, None, 0, 1, 2, 0, 1.0, 1),
    # Paired #5, #7, #6 (28, 7, 33 d); running: cora 1, eva 1, dan 2, bob 1.
    "2026 Q2": (2, 3, 28.0, 5, 0, 0, None, 0, 0, 4, 1, 1.25, 2),
}


def test_the_edge_cases_match_their_table_worked_out_by_hand(tmp_path: Path) -> None:
    simulation = Simulation(load_scenario(EDGES), ROOT_DIR)
    output = tmp_path / "edges.json"

    def last_run(argv: list[str], env: Any = None, now: Any = None, sleep: Any = None) -> int:
        code = reconcile.main(argv, env=env, now=now, sleep=sleep)
        if "--dry-run" in argv:
            sb = simulation.sandbox
            root = argv[argv.index("--root") + 1]
            args = ["--root", root, "--output", str(output), "--format", "json"]
            assert report.main(args, env=env, now=sb.now, sleep=lambda s: None) == 0
        return code

    simulation.run(last_run)
    data = json.loads(output.read_text(encoding="utf-8"))
    got = {q["quarter"]: tuple(q[c] for c in COLUMNS) for q in data["quarters"]}
    assert got == EDGES_EXPECTED
    assert data["applications"] == 6


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT_DIR / ".github", checkout / ".github")
    shutil.copy2(ROOT_DIR / "participants.yml", checkout / "participants.yml")
    return checkout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--since", "2025-13-01"], "not a date: '2025-13-01' (write YYYY-MM-DD"),
        (["--since", "last year"], "not a date: 'last year'"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
        (["--search-wait", "99"], "not a number of minutes from 0 to 60: '99'"),
        (["--search-wait", "soon"], "not a number of minutes from 0 to 60: 'soon'"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(args: list[str], said: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        report.main(args, env={})
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err


def test_help_and_version(capsys) -> None:
    for flag in ("--help", "--version"):
        with pytest.raises(SystemExit) as stopped:
            report.main([flag])
        assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "--since DATE" in out
    assert "--search-wait MINUTES" in out
    assert "report" in out


def test_without_a_token_it_says_what_to_set(root: Path, capsys) -> None:
    assert report.main(["--root", str(root)], env={}) == 2
    assert "GITHUB_TOKEN is not set" in capsys.readouterr().out


def test_a_bad_repositories_key_names_the_line(root: Path, capsys) -> None:
    config = root / ".github" / "mentoring.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "repositories: [astropy/astropy]", "repositories: [astropy]"
        ),
        encoding="utf-8",
    )
    with Sandbox() as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env["GITHUB_REPOSITORY"] = "astropy/mentoring"
        assert report.main(["--root", str(root)], env=env) == 2
    out = capsys.readouterr().out
    assert "`astropy` is not a repository as owner/name" in out
    assert "file=.github/mentoring.yml,line=" in out


def test_an_output_that_cannot_be_written_exits_2(root: Path, tmp_path: Path, capsys) -> None:
    with Sandbox() as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env["GITHUB_REPOSITORY"] = "astropy/mentoring"
        missing = tmp_path / "no" / "such" / "folder" / "report.md"
        code = report.main(["--root", str(root), "--output", str(missing)], env=env)
    assert code == 2
    assert "could not be written to" in capsys.readouterr().out


def test_an_empty_program_reports_its_one_quarter(root: Path, capsys) -> None:
    with Sandbox(start=NOW) as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env["GITHUB_REPOSITORY"] = "astropy/mentoring"
        assert report.main(["--root", str(root), "--format", "csv"], env=env, now=NOW) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("2027 Q4,0,0,,0,0,0,,0,0,0,0,,0")


def test_github_failing_exits_1(root: Path, capsys) -> None:
    from simulator.sandbox import Fault

    with Sandbox() as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env["GITHUB_REPOSITORY"] = "astropy/mentoring"
        sb.inject(Fault.ERROR_BEFORE, "POST", "/graphql", count=10)
        code = report.main(["--root", str(root)], env=env, sleep=lambda s: None)
    assert code == 1
    assert "no report was written" in capsys.readouterr().out


def test_the_sandbox_refuses_the_31st_search_in_a_minute() -> None:
    import github

    with Sandbox() as sb:
        client = github.Github(
            base_url=sb.url,
            auth=github.Auth.Token(sb.token_for("cora")),
            retry=None,
            seconds_between_requests=None,  # PyGithub's throttle: no need on loopback
        )
        ask = client.requester.requestJsonAndCheck
        for left in range(29, -1, -1):
            headers, body = ask("GET", "/search/issues", parameters={"q": "is:pr author:ann"})
            assert headers["x-ratelimit-remaining"] == str(left)
            assert headers["x-ratelimit-resource"] == "search"
            del body["url"]  # PyGithub's own addition
            assert body == {
                "total_count": 0,
                "incomplete_results": False,
                "items": [],
                "search_type": "lexical",
            }
        with pytest.raises(github.GithubException) as refused:
            ask("GET", "/search/issues", parameters={"q": "is:pr author:ann"})
        assert refused.value.status == 403
        assert refused.value.headers["x-ratelimit-remaining"] == "0"
        sb.advance(seconds=60)
        headers, _ = ask("GET", "/search/issues", parameters={"q": "is:pr author:ann"})
        assert headers["x-ratelimit-remaining"] == "29"
        with pytest.raises(github.GithubException) as unmodelled:
            ask("GET", "/search/issues", parameters={"q": "label:bug"})
        assert unmodelled.value.status == 422


def test_the_workflows_folder_gets_all_three_and_the_job_summary(
    root: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    folder = tmp_path / "mentoring-report"
    with Sandbox(start=NOW) as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env |= {"GITHUB_REPOSITORY": "astropy/mentoring", "GITHUB_STEP_SUMMARY": str(summary)}
        code = report.main(["--root", str(root), "--output-dir", str(folder)], env=env, now=NOW)
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "outcomes.csv",
        "outcomes.json",
        "outcomes.md",
    ]
    assert summary.read_text(encoding="utf-8") == (folder / "outcomes.md").read_text(
        encoding="utf-8"
    )


def test_output_and_output_dir_are_one_or_the_other(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        report.main(["--output", "a.md", "--output-dir", "b"], env={})
    assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_search_that_fails_leaves_the_figures_and_says_so(root: Path, capsys) -> None:
    from simulator.sandbox import Fault

    (root / "participants.yml").write_text("- {name: Ann, github: ann}\n", encoding="utf-8")
    with Sandbox(start=NOW) as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env["GITHUB_REPOSITORY"] = "astropy/mentoring"
        sb.inject(Fault.ERROR_BEFORE, "GET", "/search/issues", count=10)
        code = report.main(["--root", str(root)], env=env, now=NOW, sleep=lambda s: None)
    assert code == 0
    out = capsys.readouterr().out
    assert "0 of 0 graduates checked" in out
    assert "Not every graduate was checked: the search failed (" in out
    assert "0 of 1 graduates were checked." in out


def test_a_since_after_today_exits_2(root: Path, capsys) -> None:
    with Sandbox(start=NOW) as sb:
        env = {"GITHUB_TOKEN": sb.token_for("cora"), "GITHUB_API_URL": sb.url}
        env["GITHUB_REPOSITORY"] = "astropy/mentoring"
        code = report.main(["--root", str(root), "--since", "2028-01-01"], env=env, now=NOW)
    assert code == 2
    assert "--since 2028-01-01 is after today (2027-12-15)" in capsys.readouterr().out
