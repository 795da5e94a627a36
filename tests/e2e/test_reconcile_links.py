"""What comments link to, end to end through the sandbox: the repository (the /ready
reply's edit link, the registration form) and who has an open mentor registration (whom
the pairing comment invites). Read only when a planned comment needs it, once a run."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime
from typing import Any

from benchmarks.mentorships import env_for
from mentoring.cli import reconcile
from mentoring.files import forms as form_files
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator.issue_forms import render_body
from simulator.sandbox import Fault, Sandbox
from simulator.simulation import Result, Simulation

ROOT = ROOT_DIR
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
COC = [
    "I agree to follow the [Astropy Community Code of Conduct]"
    "(https://www.astropy.org/code_of_conduct.html)."
]
APPLY = {"name": "Ana", "role": "Maintainer of astropy.io.fits.", "availability": "Weekends."}
REGISTER = {"roles": "Maintainer", "capacity": "1", "availability": "Evenings."}
REGISTER_TEXT = "please [register as a mentor]"
CONFIG = load_config(ROOT)
COORD = CONFIG.coordinators[0]  # the sandbox tests run on the shipped config
NO_SCHEDULE = [{"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}]


def _apply(at: str, by: str) -> dict[str, Any]:
    answers = {**APPLY, "code_of_conduct": COC}
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentee-application.yml", "answers": answers},
    }


def _register(at: str, by: str) -> dict[str, Any]:
    return {
        "at": at,
        "by": by,
        "open_issue": {"template": "mentor-registration.yml", "answers": REGISTER},
    }


def _simulate(events: list[dict[str, Any]], **more: Any) -> Result:
    scenario = {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-01-20T00:00:00Z",
        "config": {"coordinators": ["cora"]},
        "collaborators": {"cora": "admin", "bob": "write", "dee": "write"},
        "events": events,
        **more,
    }
    return Simulation(scenario, ROOT, keep_http_log=True).run(reconcile.main)


def _paired(result: Result) -> dict[int, str]:
    return {a["issue"]: a["body"] for a in result.actions if a["kind"] == "paired"}


def _repo_reads(result: Result) -> int:
    return sum(1 for r in result.http_log if r["path"] == "/repos/astropy/mentoring")


def _registration_lists(result: Result) -> int:
    """The lists of open registrations the runs read (over GraphQL, or REST's)."""
    return sum(
        1
        for r in result.http_log
        if (r["path"].endswith("/issues") and r["query"].get("labels") == "mentor-registration")
        or (
            r["path"] == "/graphql"
            and "query OpenIssues(" in r["request_body"]["query"]
            and r["request_body"]["variables"]["labels"] == ["mentor-registration"]
        )
    )


def test_an_event_run_invites_an_unregistered_mentor_with_the_payloads_repository() -> None:
    result = _simulate(
        [
            _apply("2026-01-05T10:00:00Z", "ana"),
            {"at": "2026-01-06T10:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
        ],
        schedule_outages=NO_SCHEDULE,
    )
    body = _paired(result)[1]
    assert f"@bob: if you have not already done so, {REGISTER_TEXT}" in body
    assert "/astropy/mentoring/issues/new?template=mentor-registration.yml)" in body
    # The payload named the repository: no read of it. The registrations: one list, for the
    # one run that planned a pairing comment (the welcome's run read none).
    assert _repo_reads(result) == 0
    assert _registration_lists(result) == 1


def _two_pairings(**more: Any) -> Result:
    return _simulate(
        [
            _register("2026-01-05T09:00:00Z", "bob"),
            _apply("2026-01-05T10:00:00Z", "ana"),
            _apply("2026-01-05T11:00:00Z", "cai"),
            {"at": "2026-01-06T10:00:00Z", "by": "cora", "assign": {"issue": 2, "users": ["bob"]}},
            {"at": "2026-01-06T10:01:00Z", "by": "cora", "assign": {"issue": 3, "users": ["dee"]}},
        ],
        **more,
    )


def _only_dee_invited(result: Result) -> None:
    paired = _paired(result)
    assert set(paired) == {2, 3}
    assert REGISTER_TEXT not in paired[2]  # bob has an open registration (#1)
    assert f"@dee: if you have not already done so, {REGISTER_TEXT}" in paired[3]


def test_a_registered_mentor_is_not_invited_by_an_event_run() -> None:
    result = _two_pairings(schedule_outages=NO_SCHEDULE)
    _only_dee_invited(result)
    assert _repo_reads(result) == 0


def test_a_registered_mentor_is_not_invited_by_a_scheduled_run() -> None:
    # As if the assignments' runs were lost: the scheduled run pairs both.
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        ana = _sandbox_with_a_pairing(sb)
        sb.add_user("cai")
        sb.add_user("dee")
        sb.set_permission("dee", "write")
        registration = form_files.load_form(FORMS / "mentor-registration.yml")
        sb.open_issue("bob", "Mentor", render_body(registration, REGISTER), ["mentor-registration"])
        cai = sb.open_issue("cai", "Application", _application_body(), ["application"])
        sb.assign(cai, CONFIG.bot, [COORD])
        sb.assign(cai, COORD, ["dee"])
        sb.advance(hours=1)
        sb.clear_logs()
        code, _ = _run(sb, "--read", "rest")  # the REST path, whose lists this counts
        assert code == 0
        by_issue = dict(zip((ana, cai), _paired_writes(sb), strict=True))
        assert REGISTER_TEXT not in by_issue[ana]  # bob has an open registration
        assert f"@dee: if you have not already done so, {REGISTER_TEXT}" in by_issue[cai]
        # No payload: one read of the repository for both comments; the registrations come
        # from the one list a scheduled run reads anyway.
        paths = [(r["path"], r["query"].get("labels")) for r in sb.request_log]
        assert paths.count(("/repos/astropy/mentoring", None)) == 1
        assert paths.count(("/repos/astropy/mentoring/issues", "mentor-registration")) == 1


def test_a_scheduled_run_with_nothing_that_links_reads_no_repository() -> None:
    result = _simulate([_apply("2026-01-05T10:00:00Z", "ana")])
    assert any(r["path"] == "/graphql" for r in result.http_log)  # it read the timelines
    assert _repo_reads(result) == 0


def _application_body() -> str:
    form = form_files.load_form(FORMS / "mentee-application.yml")
    return render_body(form, {**APPLY, "code_of_conduct": COC})


def _sandbox_with_a_pairing(sb: Sandbox) -> int:
    for login, permission in ((COORD, "admin"), ("bob", "write")):
        sb.add_user(login)
        sb.set_permission(login, permission)
    sb.add_user("ana")
    number = sb.open_issue("ana", "Application", _application_body(), ["application"])
    sb.assign(number, CONFIG.bot, [COORD])  # the intake, as the bot does it
    sb.advance(days=1)
    sb.assign(number, COORD, ["bob"])
    return number


def _run_issue(sb: Sandbox, number: int) -> tuple[int, str]:
    return _run(sb, "--issue", str(number))


def _run(sb: Sandbox, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = reconcile.main(
            ["--root", str(ROOT), *args],
            env=env_for(sb),
            now=sb.now,
            sleep=lambda seconds: None,
        )
    return code, out.getvalue()


def _paired_writes(sb: Sandbox) -> list[str]:
    return [
        w["body"] for w in sb.writes if w["type"] == "comment" and "mentoring:paired" in w["body"]
    ]


def test_a_repository_that_cannot_be_read_holds_the_comment_for_the_next_run() -> None:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        number = _sandbox_with_a_pairing(sb)
        # Every attempt of the one read (SafeRetry tries five times).
        sb.inject(Fault.ERROR_BEFORE, method="GET", path=r"/repos/astropy/mentoring$", count=5)
        code, printed = _run_issue(sb, number)
        assert code == 1
        assert (
            f"#{number}: the repository, its registrations or its applications could not be read"
            in printed
        )
        assert _paired_writes(sb) == []  # not posted without its invitation, nor with a wrong one
        sb.advance(hours=1)
        code, _ = _run_issue(sb, number)
        assert code == 0
        [body] = _paired_writes(sb)
        assert REGISTER_TEXT in body


def test_registrations_refused_by_the_rate_limit_stop_the_run_and_post_nothing() -> None:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        number = _sandbox_with_a_pairing(sb)
        sb.inject(Fault.SECONDARY_RATE_LIMIT, method="GET", path=r"/issues$", count=5)
        code, printed = _run(sb, "--issue", str(number), "--read", "rest")
        assert code == 0  # stopping for the rate limit is not a failure
        assert "Stopped early as GitHub's rate limit refused a read" in printed
        assert _paired_writes(sb) == []
        sb.advance(hours=1)
        assert _run_issue(sb, number)[0] == 0
        assert len(_paired_writes(sb)) == 1


def test_registrations_graphql_cannot_list_whole_are_listed_over_rest() -> None:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sb:
        number = _sandbox_with_a_pairing(sb)
        registration = form_files.load_form(FORMS / "mentor-registration.yml")
        sb.open_issue(
            "erin", "Mentor", render_body(registration, REGISTER), ["mentor-registration"]
        )
        # Every attempt at the issue's query and at each list's answers with an error (an
        # issue lost from it): the issue, its registrations and applications come from REST.
        sb.inject(Fault.GRAPHQL_PARTIAL, method="POST", path="/graphql", count=15)
        code, _ = _run_issue(sb, number)
        assert code == 0
        [body] = _paired_writes(sb)
        assert REGISTER_TEXT in body  # bob has no open registration (erin has)
        listed = [r["query"].get("labels") for r in sb.request_log if r["path"].endswith("/issues")]
        assert listed == ["mentor-registration", "application"]
