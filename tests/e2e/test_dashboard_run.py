"""The dashboard issue through the sandbox: created once, edited only on change, new
attention items told once to the coordinators in one digest a period, a duplicate closed."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from mentoring.cli import reconcile
from mentoring.core.model import MARKER_RE
from mentoring.files import forms as form_files
from paths import ROOT_DIR
from simulator import issue_forms
from simulator.sandbox import Fault, Sandbox

ROOT = ROOT_DIR
COORDINATOR = "astropy-mentoring-coordinator"
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
LABEL = "mentoring: dashboard"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / ".github", checkout / ".github")
    shutil.copytree(ROOT / "templates", checkout / "templates")
    shutil.copy2(ROOT / "participants.yml", checkout / "participants.yml")
    return checkout


def run(sb: Sandbox, root: Path, *args: str) -> int:
    env = {
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
    }
    sb.clear_logs()
    return reconcile.main(["--root", str(root), *args], env=env, now=sb.now, sleep=lambda s: None)


def dashboards(sb: Sandbox) -> list[dict]:
    return [i for i in sb.state.issues.values() if LABEL in i.labels]


def notices(sb: Sandbox, number: int) -> list[dict]:
    """The dashboard's digests."""
    return [c for c in sb.comments(number) if "mentoring:dashboard-digest" in c["body"]]


def told(comment: dict) -> list[str]:
    """The item keys a digest marks as told."""
    return [m["key"] for m in MARKER_RE.finditer(comment["body"]) if m["kind"] == "attention"]


def test_created_once_edited_on_change_and_each_item_announced_once(
    sandbox: Sandbox, root: Path
) -> None:
    sandbox.set_permission(COORDINATOR, "admin")
    sandbox.set_permission("bob", "write")
    sandbox.open_issue(
        "alice", "Application", issue_forms.render_body(FORM, ANSWERS), ["application"]
    )
    assert run(sandbox, root) == 0
    (dash,) = dashboards(sandbox)
    assert (dash.title, dash.user) == ("Mentoring dashboard", sandbox.bot_login)
    assert "| #1 | alice | – | waiting since 2026-01-01 | – | – |" in dash.body.replace(
        "\u2060", ""
    )
    assert notices(sandbox, dash.number) == []  # nothing needs attention yet

    sandbox.advance(days=1)
    assert run(sandbox, root) == 0
    assert [w["type"] for w in sandbox.writes] == []  # nothing changed: no edit

    sandbox.advance(days=30)  # waited longer than cadence.mentor_wait_days
    assert run(sandbox, root) == 0
    (notice,) = notices(sandbox, dash.number)
    assert f"@{COORDINATOR}" in notice["body"]
    assert "- #1 (alice): waiting for a mentor since 2026-01-01." in notice["body"]
    address = f"https://github.com/{sandbox.owner}/{sandbox.repo}/issues/{dash.number}"
    assert f"the dashboard, {address}" in notice["body"]
    assert told(notice) == ["1/waiting-for-mentor/2026-01-01"]
    assert "**waiting for a mentor**" in sandbox.issue(dash.number)["body"]

    for _ in range(3):  # later runs: the item stays, never announced again
        sandbox.advance(days=1)
        assert run(sandbox, root) == 0
        assert sandbox.writes == []
    assert len(notices(sandbox, dash.number)) == 1

    sandbox.assign(1, COORDINATOR, ["bob"])
    assert run(sandbox, root) == 0
    body = sandbox.issue(dash.number)["body"]
    assert "Nothing needs attention." in body  # it left silently
    assert "| #1 | alice | bob | active | check-in " in body
    assert len(notices(sandbox, dash.number)) == 1


def test_a_duplicate_dashboard_is_closed_and_the_oldest_kept(sandbox: Sandbox, root: Path) -> None:
    assert run(sandbox, root) == 0
    (first,) = dashboards(sandbox)
    second = sandbox.open_issue(sandbox.bot_login, "Mentoring dashboard", "copy", [LABEL])
    stranger = sandbox.open_issue("mallory", "Not a dashboard", "mine", [LABEL])
    assert run(sandbox, root) == 0
    assert sandbox.issue(second)["state"] == "closed"
    assert sandbox.issue(second)["state_reason"] == "duplicate"
    assert f"#{first.number}" in sandbox.comments(second)[-1]["body"]
    assert sandbox.issue(first.number)["state"] == "open"
    assert sandbox.issue(stranger)["body"] == "mine"  # someone else's: left alone
    assert sandbox.issue(stranger)["state"] == "open"


def test_off_means_no_dashboard_and_event_runs_never_touch_it(sandbox: Sandbox, root: Path) -> None:
    config = root / ".github" / "mentoring.yml"
    config.write_text(config.read_text().replace("  enabled: true", "  enabled: false"))
    assert run(sandbox, root) == 0
    assert dashboards(sandbox) == []
    config.write_text(config.read_text().replace("enabled: false", "enabled: true"))
    number = sandbox.open_issue(
        "alice", "Application", issue_forms.render_body(FORM, ANSWERS), ["application"]
    )
    assert run(sandbox, root, f"--issue={number}") == 0
    assert dashboards(sandbox) == []


def test_a_dry_run_prints_the_dashboard_and_writes_nothing(
    sandbox: Sandbox, root: Path, capsys
) -> None:
    assert run(sandbox, root, "--dry-run") == 0
    assert sandbox.writes == []
    out = capsys.readouterr().out
    assert "## The dashboard's text" in out
    assert "<!-- mentoring:dashboard -->" in out


def _closed_lists(sb: Sandbox) -> list[str]:
    """The since of each list of closed applications a run made, over REST or GraphQL."""
    found = []
    for r in sb.request_log:
        query = r.get("query") or {}
        listing = r["method"] == "GET" and r["path"].endswith("/issues")
        if listing and query.get("state") == "closed":
            found.append(query.get("since") or "")
        if r["path"] == "/graphql" and "closed: issues(" in r["request_body"]["query"]:
            found.append(r["request_body"]["variables"]["since"])
    return found


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_closed_long_ago_but_commented_since_stays_off_the_table(
    sandbox: Sandbox, root: Path, read: str
) -> None:
    """GitHub's `since` on listing issues (REST's, and GraphQL's `filterBy`) filters by
    updated_at, not closed_at: a comment on an old closed application brings it back
    into the list, and the dashboard must still keep it out by when it was closed."""
    sandbox.set_permission(COORDINATOR, "admin")
    body = issue_forms.render_body(FORM, ANSWERS)
    old = sandbox.open_issue("alice", "Application", body, ["application"])
    recent = sandbox.open_issue("carol", "Application", body, ["application"])
    sandbox.close(old, COORDINATOR, "not_planned")
    sandbox.advance(days=400)  # beyond closed_days and the figures' year
    sandbox.close(recent, COORDINATOR, "not_planned")
    sandbox.comment(old, "alice", "Can I apply again?")  # updated now, closed 400 days ago
    assert run(sandbox, root, "--read", read) == 0
    (since,) = _closed_lists(sandbox)
    assert since.startswith(f"{sandbox.now.year - 1}-")  # the dashboard's year back
    (dash,) = dashboards(sandbox)
    assert f"| #{recent} | carol |" in dash.body
    assert f"| #{old} |" not in dash.body
    assert "Applications in the last 12 months: 0" in dash.body  # both opened 400 days ago


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_one_list_of_closed_applications_serves_graduation_and_the_dashboard(
    sandbox: Sandbox, root: Path, read: str
) -> None:
    """The catch-up for closed, ungraduated entries looks back 60 days and the dashboard
    a year: one list over the year serves both, and the catch-up still keeps to its 60.
    Over GraphQL the list is part of the run's first query."""
    sandbox.set_permission(COORDINATOR, "admin")
    sandbox.set_permission("bob", "write")
    body = issue_forms.render_body(FORM, ANSWERS)
    old = sandbox.open_issue("alice", "Application", body, ["application"])
    recent = sandbox.open_issue("carol", "Application", body, ["application"])
    for number in (old, recent):
        sandbox.assign(number, COORDINATOR, ["bob"])
    sandbox.close(old, COORDINATOR, "completed")
    sandbox.advance(days=100)  # past the catch-up's 60 days, within the dashboard's year
    sandbox.close(recent, COORDINATOR, "completed")
    entries = "".join(
        f"- name: {name}\n  github: {login}\n  mentors: [bob]\n  issue: {number}\n"
        for name, login, number in (("Alice", "alice", old), ("Carol", "carol", recent))
    )
    (root / "participants.yml").write_text(entries)
    assert run(sandbox, root, "--read", read) == 0
    assert len(_closed_lists(sandbox)) == 1
    graduated = {w["issue"] for w in sandbox.writes if w["type"] == "comment"} - {
        d.number for d in dashboards(sandbox)
    }
    assert graduated == {recent}  # the one closed 100 days ago is beyond the catch-up
    (dash,) = dashboards(sandbox)
    assert f"| #{recent} |" in dash.body


def test_a_rate_limit_on_the_closed_list_holds_back_no_application(
    sandbox: Sandbox, root: Path
) -> None:
    """With no entry naming an issue, the closed list serves the dashboard alone: a rate
    limit on it must not stop the run before the applications, as it did not before the
    list was shared; the dashboard lists again at the end. (The REST list: more closed
    applications than the first GraphQL query reads, which lists no other issues.)"""
    sandbox.set_permission(COORDINATOR, "admin")
    body = issue_forms.render_body(FORM, ANSWERS)
    for k in range(51):
        sandbox.close(sandbox.open_issue(f"m{k}", "Application", body, ["application"]), "bob")
    sandbox.open_issue("alice", "Application", body, ["application"])
    sandbox.retry_after_seconds = 3600  # more than a run may wait
    sandbox.inject(Fault.SECONDARY_RATE_LIMIT, "GET", r"/issues$", count=1)
    assert run(sandbox, root) == 0
    refused = [r for r in sandbox.request_log if r["status"] == 403]
    assert [r["query"].get("state") for r in refused] == ["closed"]
    assert any("mentoring:welcome" in w["body"] for w in sandbox.writes if w["type"] == "comment")
    (dash,) = dashboards(sandbox)
    assert "| #52 | alice |" in dash.body


def test_more_labelled_issues_than_the_first_query_reads_are_listed_over_rest(
    sandbox: Sandbox, root: Path
) -> None:
    """The first GraphQL query reads ten dashboard-labelled issues; with more, the REST
    list finds the dashboard, so an eleventh is not missed and no second one is made."""
    sandbox.set_permission(COORDINATOR, "admin")
    others = [sandbox.open_issue("alice", f"Mine {k}", "", [LABEL]) for k in range(11)]
    assert run(sandbox, root) == 0
    listed = [
        r
        for r in sandbox.request_log
        if r["method"] == "GET"
        and r["path"].endswith("/issues")
        and r["query"].get("labels") == LABEL
    ]
    assert len(listed) == 1
    (dash,) = [d for d in dashboards(sandbox) if d.number not in others]
    sandbox.advance(days=1)
    assert run(sandbox, root) == 0
    assert [d.number for d in dashboards(sandbox) if d.number not in others] == [dash.number]


def _comment_reads(sb: Sandbox, number: int) -> int:
    return sum(
        r["method"] == "GET" and r["path"].endswith(f"/issues/{number}/comments")
        for r in sb.request_log
    )


def test_the_notices_come_with_the_first_query_unless_it_holds_too_few(
    sandbox: Sandbox, root: Path
) -> None:
    """Over GraphQL the dashboard's latest 100 comments come in the run's first query;
    when they do not reach back to the oldest item needing attention, REST reads them,
    and an item is still announced once."""
    sandbox.set_permission(COORDINATOR, "admin")
    sandbox.open_issue(
        "alice", "Application", issue_forms.render_body(FORM, ANSWERS), ["application"]
    )
    assert run(sandbox, root) == 0
    (dash,) = dashboards(sandbox)
    sandbox.advance(days=31)  # waited longer than cadence.mentor_wait_days
    assert run(sandbox, root) == 0
    assert len(notices(sandbox, dash.number)) == 1
    assert _comment_reads(sandbox, dash.number) == 0

    for k in range(100):  # the notice falls out of the latest 100
        sandbox.comment(dash.number, COORDINATOR, f"Noted {k}.")
    sandbox.advance(days=1)
    assert run(sandbox, root) == 0
    assert _comment_reads(sandbox, dash.number) == 2  # its 101 comments, 100 a page
    assert sandbox.writes == []
    assert len(notices(sandbox, dash.number)) == 1


def test_more_closed_applications_than_the_first_query_reads_are_listed_over_rest(
    sandbox: Sandbox, root: Path
) -> None:
    body = issue_forms.render_body(FORM, ANSWERS)
    numbers = [sandbox.open_issue(f"m{k}", "Application", body, ["application"]) for k in range(51)]
    for number in numbers:
        sandbox.close(number, COORDINATOR, "not_planned")
    assert run(sandbox, root) == 0
    assert len(_closed_lists(sandbox)) == 2  # the first query's page, then REST's list
    (dash,) = dashboards(sandbox)
    assert all(f"| #{n} |" in dash.body for n in numbers)


# --- one digest a period ---------------------------------------------------------------


def _digest_config(root: Path, period: str) -> None:
    config = root / ".github" / "mentoring.yml"
    text = config.read_text()
    assert "  digest: weekly" in text
    config.write_text(text.replace("  digest: weekly", f"  digest: {period}"))


def _apply(sb: Sandbox, login: str) -> int:
    body = issue_forms.render_body(FORM, {**ANSWERS, "name": login.title()})
    return sb.open_issue(login, "Application", body, ["application"])


def _daily(sb: Sandbox, root: Path, days: int) -> list[list[str]]:
    """Run once a day for ``days`` days; the items each day's digest told (one list a
    digest posted that day)."""
    found = []
    for _ in range(days):
        sb.advance(days=1)
        assert run(sb, root) == 0
        posted = [w for w in sb.writes if "mentoring:dashboard-digest" in (w.get("body") or "")]
        found.append([key for w in posted for key in told(w)])
    return found


def _three_waiting(sb: Sandbox, root: Path) -> int:
    """Three applications opened two days apart, so their waits pass 30 days on three
    different days; returns the dashboard's number."""
    sb.set_permission(COORDINATOR, "admin")
    sb.set_permission("bob", "write")
    for login in ("alice", "bo", "cy"):
        number = _apply(sb, login)
        assert run(sb, root, f"--issue={number}") == 0  # welcomed: the wait begins
        sb.advance(days=2)
    sb.advance(days=23)  # day 29 of alice's wait: nothing yet
    assert run(sb, root) == 0
    (board,) = dashboards(sb)
    assert notices(sb, board.number) == []
    return board.number


def test_weekly_several_new_items_over_a_few_days_make_one_digest(
    sandbox: Sandbox, root: Path
) -> None:
    board = _three_waiting(sandbox, root)
    days = _daily(sandbox, root, 14)
    # The first goes out at once; the next two wait for the week to be over, together.
    assert [d for d in days if d] == [
        ["1/waiting-for-mentor/2026-01-01"],
        ["2/waiting-for-mentor/2026-01-03", "3/waiting-for-mentor/2026-01-05"],
    ]
    assert [i for i, d in enumerate(days) if d] == [0, 7]
    _, second = notices(sandbox, board)
    assert second["body"].count(f"@{COORDINATOR}") == 1
    assert "- #2 (bo): waiting for a mentor since 2026-01-03." in second["body"]
    assert "- #3 (cy): waiting for a mentor since 2026-01-05." in second["body"]
    assert "#1" not in second["body"]  # told already: never twice


def test_an_item_resolved_before_the_digest_is_left_out_silently(
    sandbox: Sandbox, root: Path
) -> None:
    board = _three_waiting(sandbox, root)
    days = _daily(sandbox, root, 4)  # #2 is new on day 3, and waits for the week
    assert [d for d in days if d] == [["1/waiting-for-mentor/2026-01-01"]]
    sandbox.assign(2, COORDINATOR, ["bob"])  # paired before the digest
    days = _daily(sandbox, root, 10)
    assert [d for d in days if d] == [["3/waiting-for-mentor/2026-01-05"]]
    assert "#2" not in notices(sandbox, board)[-1]["body"]


def test_daily_tells_each_day_what_is_new(sandbox: Sandbox, root: Path) -> None:
    _digest_config(root, "daily")
    _three_waiting(sandbox, root)
    days = _daily(sandbox, root, 8)
    assert [d for d in days if d] == [
        ["1/waiting-for-mentor/2026-01-01"],
        ["2/waiting-for-mentor/2026-01-03"],
        ["3/waiting-for-mentor/2026-01-05"],
    ]


def test_off_posts_no_digest_and_reads_no_comments(sandbox: Sandbox, root: Path) -> None:
    _digest_config(root, "off")
    board = _three_waiting(sandbox, root)
    days = _daily(sandbox, root, 8)
    assert days == [[]] * 8
    assert notices(sandbox, board) == []
    assert sandbox.comments(board) == []
    needs = sandbox.issue(board)["body"].split("## Needs attention", 1)[1].split("##", 1)[0]
    assert all(f"#{n}" in needs for n in (1, 2, 3))  # the body still lists them
    assert _comment_reads(sandbox, board) == 0


def test_after_an_outage_one_digest_tells_what_is_still_new(sandbox: Sandbox, root: Path) -> None:
    board = _three_waiting(sandbox, root)
    _daily(sandbox, root, 1)  # alice's item, told
    sandbox.advance(days=20)  # no scheduled run for three weeks
    sandbox.assign(3, COORDINATOR, ["bob"])  # cy's wait ended during it
    days = _daily(sandbox, root, 8)
    assert [d for d in days if d] == [["2/waiting-for-mentor/2026-01-03"]]
    assert len(notices(sandbox, board)) == 2


def test_a_program_that_had_a_notice_each_run_is_not_told_it_all_again(
    sandbox: Sandbox, root: Path
) -> None:
    """Upgrading: the items the per-run notices marked count as told, and the latest
    notice as the last digest."""
    board = _three_waiting(sandbox, root)
    old = (
        f"@{COORDINATOR}: a new item needs your attention.\n\n"
        "<!-- mentoring:attention:1/waiting-for-mentor/2026-01-01 -->\n\n"
        "<!-- mentoring:dashboard-notice:0123456789ab -->"
    )
    sandbox.advance(days=1)
    sandbox.comment(board, sandbox.bot_login, old)  # as the version before digests posted it
    days = _daily(sandbox, root, 10)
    # bo's item (day 3) waits for a week after that notice; alice's is never repeated.
    assert [d for d in days if d] == [
        ["2/waiting-for-mentor/2026-01-03", "3/waiting-for-mentor/2026-01-05"]
    ]
    assert [i for i, d in enumerate(days) if d] == [6]


def test_a_digest_whose_response_was_lost_is_not_posted_again(sandbox: Sandbox, root: Path) -> None:
    board = _three_waiting(sandbox, root)
    sandbox.advance(days=1)
    # Posted, its answer lost, and the look for it fails too: the run cannot tell.
    sandbox.inject(Fault.ERROR_AFTER, method="POST", path=rf"/issues/{board}/comments$")
    sandbox.inject(Fault.ERROR_BEFORE, method="GET", path=rf"/issues/{board}/comments$", count=5)
    assert run(sandbox, root) == 1
    assert len(notices(sandbox, board)) == 1
    days = _daily(sandbox, root, 6)  # read back from the dashboard: told, and this week's
    assert days == [[]] * 6
    assert len(notices(sandbox, board)) == 1
    days = _daily(sandbox, root, 2)
    assert [d for d in days if d] == [
        ["2/waiting-for-mentor/2026-01-03", "3/waiting-for-mentor/2026-01-05"]
    ]


def test_a_digest_lost_then_found_by_its_key_is_posted_once(sandbox: Sandbox, root: Path) -> None:
    board = _three_waiting(sandbox, root)
    sandbox.advance(days=1)
    sandbox.inject(Fault.ERROR_AFTER, method="POST", path=rf"/issues/{board}/comments$")
    assert run(sandbox, root) == 0  # the look after the lost answer finds it
    assert len(notices(sandbox, board)) == 1


def test_a_digest_refused_before_it_was_written_goes_out_with_the_next_run(
    sandbox: Sandbox, root: Path
) -> None:
    board = _three_waiting(sandbox, root)
    sandbox.advance(days=1)
    sandbox.inject(Fault.ERROR_BEFORE, method="POST", path=rf"/issues/{board}/comments$", count=5)
    assert run(sandbox, root) == 1
    assert notices(sandbox, board) == []
    days = _daily(sandbox, root, 1)
    assert days == [["1/waiting-for-mentor/2026-01-01"]]


def test_a_run_says_what_waits_for_the_next_digest(sandbox: Sandbox, root: Path, caplog) -> None:
    caplog.set_level(logging.INFO)
    _three_waiting(sandbox, root)
    _daily(sandbox, root, 3)  # alice's told on day 1; bo's new on day 3
    said = "1 new dashboard item(s) wait for the next weekly digest (the last: 2026-01-31)"
    assert any(said in r.getMessage() for r in caplog.records)
