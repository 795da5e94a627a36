"""scripts/reconcile.py as a command line: environment, config errors, dry runs,
the step summary, and what it does when GitHub fails (through the sandbox's faults).
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from mentoring.cli import reconcile
from mentoring.cli.version import VERSION
from mentoring.core.model import MARKER_RE
from mentoring.files import forms as form_files
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator import issue_forms
from simulator.sandbox import Fault, Sandbox

ROOT = ROOT_DIR
COORDINATOR = "astropy-mentoring-coordinator"  # the checkout's configured coordinator
FORM = form_files.load_form(ROOT / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml")
ANSWERS = {
    "name": "Alice Example",
    "role": "Maintainer of astropy.io.fits",
    "availability": "Five hours a week",
    "code_of_conduct": [
        "I agree to follow the [Astropy Community Code of Conduct]"
        "(https://www.astropy.org/code_of_conduct.html)."
    ],
}
COMMENTS = r"/issues/\d+/comments$"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A checkout: the repository's .github/, templates/ and participants.yml."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / ".github", checkout / ".github")
    shutil.copytree(ROOT / "templates", checkout / "templates")
    shutil.copy2(ROOT / "participants.yml", checkout / "participants.yml")
    return checkout


def env_for(sb: Sandbox, **extra: str) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
        **extra,
    }


class Sleeps(list):
    """A sleep function that records how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def main(sb: Sandbox, root: Path, *args: str, sleep=None, **env: str) -> int:
    return reconcile.main(
        ["--root", str(root), *args],
        env=env_for(sb, **env),
        now=sb.now,
        sleep=sleep if sleep is not None else Sleeps(),
    )


def application(sb: Sandbox, by: str = "alice") -> int:
    return sb.open_issue(
        by, "Mentee application", issue_forms.render_body(FORM, ANSWERS), ["application"]
    )


def kinds(sb: Sandbox, number: int = 1) -> list[str]:
    return [MARKER_RE.search(c["body"])["kind"] for c in sb.comments(number)]


# --- configuration and environment ---------------------------------------------------------


def test_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        reconcile.main(["--help"], env={})
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--issue", "--dry-run", "--root"):
        assert option in out


def test_missing_token(root: Path, capsys) -> None:
    code = reconcile.main(["--root", str(root)], env={"GITHUB_REPOSITORY": "astropy/mentoring"})
    assert code == 2
    out = capsys.readouterr().out
    assert out.startswith("::error::")
    assert "GITHUB_TOKEN" in out


@pytest.mark.parametrize("name", ["", "astropy", "astropy/mentoring/extra", "/mentoring"])
def test_bad_repository(sandbox: Sandbox, root: Path, capsys, name: str) -> None:
    assert main(sandbox, root, GITHUB_REPOSITORY=name) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error::")
    assert "GITHUB_REPOSITORY" in out
    assert sandbox.request_log == []


def test_broken_config_names_the_file_and_line(sandbox: Sandbox, root: Path, capsys) -> None:
    config = root / ".github" / "mentoring.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("program:"))
    lines.insert(index + 1, "  name: Astropy: mentoring")  # an unquoted ': ' in a value
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(sandbox, root) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"::error file=.github/mentoring.yml,line={index + 2}::")
    assert "not valid YAML" in out
    assert sandbox.request_log == []


def test_invalid_config_value_names_its_line(sandbox: Sandbox, root: Path, capsys) -> None:
    config = root / ".github" / "mentoring.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "review_every:" in line)
    lines[index] = "  review_every: often"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(sandbox, root) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"::error file=.github/mentoring.yml,line={index + 1}::")
    assert "review_every" in out


@pytest.mark.parametrize(
    ("setting", "delete", "problem", "fix"),
    [
        (None, True, "participants.yml (`participants` in", "containing `[]` (an empty list"),
        ("graduates.yml", False, "graduates.yml (`participants` in", "correct the path"),
        (".github", False, "is a directory, not a file", "`participants: participants.yml`"),
        ("participants.yml/x.yml", False, "does not exist", "correct the path"),
    ],
)
def test_a_participants_file_that_cannot_be_read_names_the_setting(
    sandbox: Sandbox,
    root: Path,
    capsys,
    setting: str | None,
    delete: bool,
    problem: str,
    fix: str,
) -> None:
    config = root / ".github" / "mentoring.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    index = lines.index("participants: participants.yml")
    if setting is None:
        del lines[index]  # the default names the same file
    else:
        lines[index] = f"participants: {setting}"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if delete:
        (root / "participants.yml").unlink()
    assert main(sandbox, root) == 2
    out = capsys.readouterr().out
    where = "" if setting is None else f",line={index + 1}"
    assert out.startswith(f"::error file=.github/mentoring.yml{where}::the participants file ")
    assert problem in out
    assert fix in out
    assert "Traceback" not in out
    assert sandbox.request_log == []


def test_a_form_that_is_not_utf8_is_an_annotation_on_its_line(
    sandbox: Sandbox, root: Path, capsys
) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    form.write_bytes(form.read_bytes().replace(b"Mentee application", b"Mentee \xe9", 1))
    assert main(sandbox, root) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error file=.github/ISSUE_TEMPLATE/mentee-application.yml,line=1::")
    assert "not UTF-8 text" in out
    assert sandbox.request_log == []


def test_a_form_that_does_not_apply_the_label_stops_the_run(
    sandbox: Sandbox, root: Path, capsys
) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace("labels: [application]", "labels: [applicant]"), "utf-8")
    application(sandbox)  # an issue opened before the form changed: never silently ignored
    assert main(sandbox, root) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error file=.github/mentoring.yml,line=")
    assert "mentee-application.yml applies 'applicant'" in out
    assert sandbox.request_log == []


def test_the_largest_cadence_accepted_runs(sandbox: Sandbox, root: Path) -> None:
    config = root / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    for key, value in (("checkin_months", 1), ("review_every", 3), ("review_reply_days", 14)):
        big = 24 if key != "review_reply_days" else 3650
        text = text.replace(f"  {key}: {value} ", f"  {key}: {big} ", 1)
    config.write_text(text.replace("closed_days: 90", "closed_days: 3650"), encoding="utf-8")
    loaded = load_config(root)
    assert (loaded.cadence.checkin_months, loaded.cadence.review_every) == (24, 24)
    assert (loaded.cadence.review_reply_days, loaded.dashboard.closed_days) == (3650, 3650)
    sandbox.set_permission("bob", "write")
    application(sandbox)
    sandbox.assign(1, COORDINATOR, ["bob"])
    assert main(sandbox, root) == 0
    sandbox.advance(days=2 * 366 + 1)  # the first check-in, two years on
    assert main(sandbox, root) == 0
    assert kinds(sandbox)[-1] == "checkin"


@pytest.mark.parametrize("value", ["abc", "12a", "#2", "1 2", "-3", "0", "²", "١٢", "9" * 19])
def test_issue_must_be_a_number(sandbox: Sandbox, root: Path, capsys, value: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(sandbox, root, f"--issue={value}")
    assert exited.value.code == 2
    assert f"--issue: not an issue number: {value!r}" in capsys.readouterr().err
    assert sandbox.request_log == []


def test_issue_selects_one_issue(sandbox: Sandbox, root: Path) -> None:
    application(sandbox)
    application(sandbox, by="carl")
    assert main(sandbox, root, "--issue", "2") == 0
    assert {w["issue"] for w in sandbox.writes} == {2}


# --- dry run and step summary ------------------------------------------------------------------


def test_dry_run_writes_nothing_and_prints_every_planned_action(
    sandbox: Sandbox, root: Path, capsys
) -> None:
    application(sandbox)
    sandbox.set_permission("bob", "write")
    application(sandbox, by="carl")
    sandbox.assign(2, COORDINATOR, ["bob"])
    assert main(sandbox, root, "--dry-run") == 0
    assert sandbox.writes == []
    # Reads only: GETs, and GraphQL queries (POSTs that write nothing).
    assert {r["method"] for r in sandbox.request_log if r["path"] != "/graphql"} <= {"GET"}
    out = capsys.readouterr().out
    for planned in (
        f"would assign {COORDINATOR}",
        "would comment welcome",
        "would add labels 'mentoring: awaiting mentor'",
        "would comment paired:bob",
        "would add labels 'mentoring: active'",
    ):
        assert planned in out
    assert "#1" in out
    assert "#2" in out


def _summary_rows(run: str) -> dict[str, list[list[str]]]:
    """Each table of one run's job summary by its heading ("main": the dashboard's)."""
    tables: dict[str, list[list[str]]] = {}
    title = "main"
    for line in run.splitlines():
        if line.startswith("#"):
            title = line.lstrip("# ")
        elif line.startswith("| ") and not line.startswith("| ---"):
            tables.setdefault(title, []).append([c.strip() for c in line.strip("|").split(" | ")])
    return tables


def test_step_summary_table(sandbox: Sandbox, root: Path, tmp_path: Path) -> None:
    sandbox.set_permission("bob", "write")
    application(sandbox)
    sandbox.assign(1, COORDINATOR, ["bob"])
    summary = tmp_path / "summary.md"
    assert main(sandbox, root, GITHUB_STEP_SUMMARY=str(summary)) == 0
    sandbox.advance(days=32)
    assert main(sandbox, root, GITHUB_STEP_SUMMARY=str(summary)) == 0
    assert main(sandbox, root, GITHUB_STEP_SUMMARY=str(summary)) == 0
    text = summary.read_text(encoding="utf-8").replace("\u2060", "")  # dates' word joiners
    runs = text.split("## Mentorships (")[1:]
    assert len(runs) == 3  # one summary per run, appended
    assert text.count(f"<sub>mentoring automation {VERSION}</sub>") == 3  # which release ran
    first, second, third = (_summary_rows(run) for run in runs)
    # The dashboard's six columns; then what the run did; then, in full, what the
    # dashboard folds away.
    assert first["main"][0] == ["Issue", "Mentee", "Mentor", "State", "Next", "Needs"]
    assert first["main"][1] == ["#1", "alice", "bob", "active", "check-in 2026-02-01", "–"]
    did = first["This run"][1][1]
    assert f"assign {COORDINATOR}" in did
    assert "comment welcome" in did
    assert "comment paired:bob" in did
    assert first["Replies and check-ins"][1][:3] == ["#1", "2026-01-01", "0"]
    assert first["What the application forms say"][1] == [
        "#1",
        "Maintainer of astropy.io.fits",
        "–",
    ]
    assert second["Replies and check-ins"][1][2] == "1"
    assert second["This run"][1][1].startswith("comment checkin:1")
    assert third["main"][1][4] == "check-in 2026-03-01"
    assert third["Replies and check-ins"][1][5] == "check-in 2026-02-02"
    assert "This run" not in third  # it wrote nothing: no table
    assert all(
        len(cells) <= 6 for run in (first, second, third) for t in run.values() for cells in t
    )
    assert "Everything at a glance, and what needs attention: the dashboard, #2" in text


def test_a_dry_run_names_open_applications_a_reworded_label_cut_off(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys, caplog
) -> None:
    """Answers are found by their ``### label`` heading; a dry run
    (the maintainer's, after editing a form) says which open applications lost which
    answers. Normal runs say nothing of it to people."""
    application(sandbox)
    sandbox.open_issue("bob", "Mentee application", "Please mentor me", ["application"])
    form_file = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    text = form_file.read_text(encoding="utf-8")
    old = "label: Which role would you like to apply for and why"
    assert old in text
    form_file.write_text(text.replace(old, "label: Which role?"), encoding="utf-8")
    line = (
        "#1 no longer parses against .github/ISSUE_TEMPLATE/mentee-application.yml: no"
        " answer under the heading of `role` (label 'Which role?'). Put the old label back,"
        " or edit the issue's heading to the new label."
    )
    summary = tmp_path / "summary.md"
    assert main(sandbox, root, "--dry-run", GITHUB_STEP_SUMMARY=str(summary)) == 0
    assert line in capsys.readouterr().out
    assert line in summary.read_text(encoding="utf-8")
    assert line in caplog.text
    assert "#2 no longer parses" not in caplog.text  # written by hand, not from the form
    caplog.clear()
    assert main(sandbox, root) == 0
    assert "no longer parses" not in caplog.text
    assert all("no longer parses" not in c["body"] for c in sandbox.comments(1))


# --- failures, faults and retries -------------------------------------------------------------


def test_a_failed_write_exits_1_and_the_next_run_completes_it(
    sandbox: Sandbox, root: Path, capsys
) -> None:
    application(sandbox)
    sandbox.inject(Fault.ERROR_BEFORE, method="POST", path=COMMENTS, count=3)
    assert main(sandbox, root) == 1
    out = capsys.readouterr().out
    assert "::error::" in out
    assert "#1" in out
    assert "next run" in out
    assert kinds(sandbox) == []
    assert main(sandbox, root) == 0
    assert kinds(sandbox) == ["welcome"]
    labels = [lb["name"] for lb in sandbox.issue(1)["labels"]]
    assert "mentoring: awaiting mentor" in labels


def test_a_post_that_failed_before_is_checked_then_sent_again(sandbox: Sandbox, root: Path) -> None:
    application(sandbox)
    sandbox.inject(Fault.ERROR_BEFORE, method="POST", path=COMMENTS)
    assert main(sandbox, root) == 0
    assert kinds(sandbox) == ["welcome"]
    posts = [
        (r["method"], r["status"])
        for r in sandbox.request_log
        if r["path"].endswith("/issues/1/comments")
    ]
    # The 502 is not retried blindly: the comments are read before posting again.
    assert posts == [("POST", 502), ("GET", 200), ("POST", 201)]


def test_a_comment_whose_response_was_lost_is_posted_once(sandbox: Sandbox, root: Path) -> None:
    application(sandbox)
    sandbox.inject(Fault.ERROR_AFTER, method="POST", path=COMMENTS)
    assert main(sandbox, root) == 0
    assert kinds(sandbox) == ["welcome"]
    comment_writes = [w for w in sandbox.writes if w["type"] == "comment"]
    assert len(comment_writes) == 1
    posts = [r for r in sandbox.request_log if r["method"] == "POST" and "comments" in r["path"]]
    assert [r["status"] for r in posts] == [502]  # found, not re-sent
    # The rest of the plan went on.
    assert "mentoring: awaiting mentor" in [lb["name"] for lb in sandbox.issue(1)["labels"]]


@pytest.mark.parametrize(
    ("fault", "status"), [(Fault.SECONDARY_RATE_LIMIT, 403), (Fault.TOO_MANY_REQUESTS, 429)]
)
def test_rate_limits_are_waited_out(
    sandbox: Sandbox, root: Path, fault: Fault, status: int
) -> None:
    application(sandbox)
    sandbox.retry_after_seconds = 7
    sandbox.inject(fault, method="POST", path=COMMENTS)
    sleeps = Sleeps()
    assert main(sandbox, root, sleep=sleeps) == 0
    assert sleeps == [7]
    assert kinds(sandbox) == ["welcome"]
    statuses = [
        r["status"]
        for r in sandbox.request_log
        if r["method"] == "POST" and r["path"].endswith("/comments")
    ]
    assert statuses == [status, 201]


@pytest.mark.parametrize(
    ("read", "method", "path"), [("rest", "GET", "/issues"), ("graphql", "POST", "/graphql")]
)
def test_a_read_that_fails_with_5xx_is_retried(
    sandbox: Sandbox, root: Path, read: str, method: str, path: str
) -> None:
    application(sandbox)
    sandbox.inject(Fault.ERROR_BEFORE, method=method, path=f"{path}$", count=2)
    sleeps = Sleeps()
    assert main(sandbox, root, f"--read={read}", sleep=sleeps) == 0
    lists = [r["status"] for r in sandbox.request_log if r["path"].endswith(path)]
    assert lists[:3] == [502, 502, 200]
    assert len(sleeps) >= 1  # backed off between attempts
    assert kinds(sandbox) == ["welcome"]


def test_a_post_5xx_is_not_resent_by_the_http_layer(sandbox: Sandbox, root: Path) -> None:
    application(sandbox)
    sandbox.inject(Fault.ERROR_AFTER, method="POST", path=COMMENTS, count=5)
    sleeps = Sleeps()
    main(sandbox, root, sleep=sleeps)
    assert len([w for w in sandbox.writes if w["type"] == "comment"]) == 1
    assert len(sandbox.comments(1)) == 1


def test_a_later_run_after_time_passes_does_not_repeat(sandbox: Sandbox, root: Path) -> None:
    application(sandbox)
    assert main(sandbox, root) == 0
    sandbox.now = sandbox.now + timedelta(hours=1)
    sandbox.clear_logs()
    assert main(sandbox, root) == 0
    assert sandbox.writes == []


@pytest.mark.parametrize("text", ["{broken", "[]"])
def test_an_unreadable_event_payload_is_a_clear_error(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys, text: str
) -> None:
    application(sandbox)
    payload = tmp_path / "event.json"
    payload.write_text(text, encoding="utf-8")
    code = main(sandbox, root, GITHUB_EVENT_NAME="issues", GITHUB_EVENT_PATH=str(payload))
    assert code == 2
    out = capsys.readouterr().out
    assert f"::error::The event payload {payload}" in out
    assert "Re-run the workflow" in out
    assert sandbox.writes == []  # nothing was guessed from a payload it could not read


MERGE_KEYS = [
    ("a mapping", "_base: {}\nprogram:\n  <<: {name: Astropy}\n", 3),
    ("an alias", "_base: &base {name: Astropy}\nprogram:\n  <<: *base\n", 3),
]


@pytest.mark.parametrize(("what", "text", "line"), MERGE_KEYS, ids=[m[0] for m in MERGE_KEYS])
def test_a_merge_key_in_the_config_is_an_annotation_on_its_line(
    sandbox: Sandbox, root: Path, capsys, what: str, text: str, line: int
) -> None:
    (root / ".github" / "mentoring.yml").write_text(text, encoding="utf-8")
    assert main(sandbox, root) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"::error file=.github/mentoring.yml,line={line}::")
    assert "YAML merge keys (<<:) are not accepted here." in out
    assert "Write the keys out in full" in out
    assert sandbox.request_log == []


PARTICIPANT_MERGE_KEYS = [
    ("a mapping", "- name: Ada\n  github: ada\n- <<: {name: Bo}\n  github: bo\n", 3),
    ("an alias", "- &ada {name: Ada, github: ada}\n- <<: *ada\n  github: bo\n", 2),
]


@pytest.mark.parametrize(
    ("what", "text", "line"), PARTICIPANT_MERGE_KEYS, ids=[m[0] for m in PARTICIPANT_MERGE_KEYS]
)
def test_a_merge_key_in_participants_is_a_warning_on_its_line(
    sandbox: Sandbox, root: Path, capsys, what: str, text: str, line: int
) -> None:
    # As for any other problem in participants.yml: the run goes on; the file is flagged.
    (root / "participants.yml").write_text(text, encoding="utf-8")
    assert main(sandbox, root) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"::warning file=participants.yml,line={line}::"
        "YAML merge keys (<<:) are not accepted here. Write the keys out in full"
    )
