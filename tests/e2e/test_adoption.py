"""Adopting the bot for a real program: Astropy's own application forms, by configuration
alone, end to end through the sandbox.

The forms in tests/data/forms/ are verbatim copies of both revisions of Astropy's
mentee application (github.com/astropy/astropy-mentoring); the first test holds them
to the git blobs their headers name. Each scenario lays one of them over the checkout
with `files:` and changes only `application.form`: everything else is the shipped
config, its coordinator included.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from mentoring.cli import reconcile
from mentoring.files import forms as form_files
from paths import ROOT_DIR
from played import group, play
from simulator import issue_forms
from simulator.simulation import Result, Simulation, load_scenario

ROOT = ROOT_DIR
FORMS = ROOT / "tests" / "data" / "forms"
COORDINATOR = "astropy-mentoring-coordinator"  # as in the shipped .github/mentoring.yml
CURRENT = FORMS / "astropy-mentee-application.yml"
EARLIER = FORMS / "astropy-mentee-application-2022-08.yml"
HEADER = re.compile(r"\A(?:#[^\n]*\n)+")

ROLE = "Maintainer of astropy.io.fits: I have reviewed FITS pull requests for a year."
# Answers by revision: every field, every required field only, and the required ids.
REVISIONS: dict[str, dict[str, Any]] = {
    "current": {
        "form": CURRENT,
        "complete": {"name": "Ada Lovelace", "role": ROLE},
        "required": {"name": "Name", "role": "Which role would you like to apply for and why"},
    },
    "earlier": {
        "form": EARLIER,
        "complete": {"usernames": "ada (GitHub), ada.l (Slack)", "role": ROLE},
        "required": {
            "usernames": "GitHub/Slack handles",
            "role": "Which role would you like to apply for and why",
        },
    },
}


def git_blob(data: bytes) -> str:
    """The id git gives a file with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@pytest.mark.parametrize("path", [CURRENT, EARLIER], ids=["current", "earlier"])
def test_the_forms_are_verbatim_copies_of_astropys(path: Path) -> None:
    text = path.read_bytes()
    header = HEADER.match(text.decode("utf-8"))
    assert header, "the header comment names the source"
    named = re.search(r"git blob ([0-9a-f]{40})", header.group())
    assert named
    assert "github.com/astropy/astropy-mentoring" in header.group()
    assert git_blob(text[len(header.group().encode()) :]) == named.group(1)


def test_the_two_revisions_have_the_fields_the_issue_names() -> None:
    current, earlier = form_files.load_form(CURRENT), form_files.load_form(EARLIER)
    assert current.ids == ("name", "slack", "role", "contributions", "other")
    assert current.required_ids == ("name", "role")
    assert earlier.ids == ("name", "usernames", "role", "contributions", "other")
    assert earlier.required_ids == ("usernames", "role")
    for form in (current, earlier):
        assert form.labels == ("application",)
        assert form.title == "Mentee application - <your name>"


def scenario(form: Path, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Astropy's form as `astropy.yml`, and the one config change: `application.form`."""
    return {
        "start": "2026-01-05T00:00:00Z",
        "end": "2026-01-09T00:00:00Z",
        "config": {"application": {"form": "astropy.yml"}},
        "files": {".github/ISSUE_TEMPLATE/astropy.yml": form.read_text(encoding="utf-8")},
        "collaborators": {COORDINATOR: "admin", "bob": "write"},
        "events": events,
    }


def apply(answers: dict[str, str], at: str = "2026-01-05T10:00:00Z") -> dict[str, Any]:
    return {
        "at": at,
        "by": "ada",
        "open_issue": {"template": "astropy.yml", "answers": answers},
    }


def run(data: dict[str, Any]) -> Result:
    simulation = Simulation(data, ROOT)
    result = simulation.run(reconcile.main)
    assert result.failed_runs == 0
    return result


def comments(result: Result) -> list[tuple[str, str]]:
    return [(a["kind"], a["body"]) for a in result.actions if a["type"] == "comment"]


def listed(body: str) -> list[str]:
    """The answers a needs-info comment asks for, in order."""
    return re.findall(r"^- \*\*(.+)\*\*$", body, flags=re.MULTILINE)


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_complete_application_on_astropys_form_is_welcomed(revision: str) -> None:
    spec = REVISIONS[revision]
    result = run(scenario(spec["form"], [apply(spec["complete"])]))
    ((kind, body),) = comments(result)
    assert kind == "welcome"
    assert "@ada" in body
    assert f"A coordinator ({COORDINATOR}) reads" in body  # named: assigned, not pinged
    issue = result.issues["1"]
    assert issue["assignees"] == [COORDINATOR]
    assert issue["labels"] == ["application", "mentoring: awaiting mentor"]


@pytest.mark.parametrize("revision", REVISIONS)
@pytest.mark.parametrize("left_out", [1, 2])
def test_needs_info_names_exactly_the_missing_required_answers(
    revision: str, left_out: int
) -> None:
    spec = REVISIONS[revision]
    required: dict[str, str] = spec["required"]
    missing = list(required)[:left_out]
    answers = {k: v for k, v in spec["complete"].items() if k not in missing}
    # Optional answers are filled in too: they must not appear, answered or not.
    answers |= {"contributions": "https://github.com/astropy/astropy/pull/1", "other": ""}
    edit = {
        "at": "2026-01-06T09:00:00Z",
        "by": "ada",
        "edit_body": {"issue": 1, "body": "(filled in below)"},
    }
    result = run(scenario(spec["form"], [apply(answers)]))
    ((kind, body),) = comments(result)
    assert kind == "needs-info"
    assert listed(body) == [required[m] for m in missing]
    assert result.issues["1"]["labels"] == ["application", "mentoring: needs info"]

    # Filling the answers in by an edit gets the welcome, once, and nothing else.
    form = form_files.load_form(spec["form"])
    edit["edit_body"]["body"] = issue_forms.render_body(form, {**answers, **spec["complete"]})
    result = run(scenario(spec["form"], [apply(answers), edit]))
    assert [kind for kind, _ in comments(result)] == ["needs-info", "welcome"]
    assert result.issues["1"]["labels"] == ["application", "mentoring: awaiting mentor"]


def test_the_earlier_revisions_name_is_optional() -> None:
    spec = REVISIONS["earlier"]
    result = run(scenario(spec["form"], [apply({**spec["complete"], "name": ""})]))
    assert [kind for kind, _ in comments(result)] == ["welcome"]


def test_pairing_on_astropys_form() -> None:
    spec = REVISIONS["current"]
    assign = {
        "at": "2026-01-07T10:00:00Z",
        "by": COORDINATOR,
        "assign": {"issue": 1, "users": ["bob"]},
    }
    result = run(scenario(spec["form"], [apply(spec["complete"]), assign]))
    assert [kind for kind, _ in comments(result)] == ["welcome", "paired"]
    assert result.issues["1"]["labels"] == ["application", "mentoring: active"]


# --- switching the bot on with applications already open ----------------------------------

ADOPTION = ROOT / "tests" / "scenarios" / "adoption.yml"
SWITCHED_ON = "2026-01-05"


@pytest.fixture(scope="module")
def adopted() -> Result:  # its tests are in group("adoption"), with the GraphQL test's run
    result = play(ADOPTION).result
    assert result.failed_runs == 0
    return result


def first_day(result: Result, issue: int) -> list[str]:
    """kind[:key] of the comments the bot wrote on ``issue`` on the day it was switched on."""
    return [
        a["kind"] + (f":{a['key']}" if a["key"] else "")
        for a in result.actions
        if a["issue"] == issue and a["type"] == "comment" and a["at"].startswith(SWITCHED_ON)
    ]


@group("adoption")
def test_nothing_happens_before_the_switch(adopted: Result) -> None:
    assert min(a["at"] for a in adopted.actions) >= SWITCHED_ON


@group("adoption")
def test_a_year_old_application_waiting_for_a_mentor_is_welcomed_once(adopted: Result) -> None:
    assert first_day(adopted, 1) == ["welcome"]
    (assign,) = [a for a in adopted.actions if a["issue"] == 1 and a["type"] == "assign"]
    assert assign["users"] == ["cora"]
    # The wait for a mentor counts from the welcome, not from the year-old issue.
    (note,) = [a for a in adopted.actions if a["issue"] == 1 and a["kind"] == "waiting"]
    assert note["at"].startswith("2026-02-04")  # the one kind note to the applicant


@group("adoption")
def test_a_mentorship_under_way_gets_only_the_latest_check_in(adopted: Result) -> None:
    # Paired eleven months ago: no welcome, no "meet your mentor", one check-in (not
    # eleven), and the schedule carries on from the pairing.
    assert first_day(adopted, 2) == ["checkin:11"]
    later = [(a["kind"], a["key"], a["at"][:10]) for a in adopted.actions if a["issue"] == 2]
    assert ("review", "12", "2026-02-04") in later
    assert adopted.issues["2"]["labels"] == ["application", "mentoring: active"]


def test_an_application_missing_what_the_form_now_requires_gets_needs_info(
    adopted: Result,
) -> None:
    assert first_day(adopted, 3) == ["needs-info"]


@group("adoption")
def test_a_declined_application_is_left_alone(adopted: Result) -> None:
    assert [a for a in adopted.actions if a["issue"] == 4] == []


def test_a_first_run_from_an_event_posts_the_check_in_without_a_schedule_warning(
    adopted: Result,
) -> None:
    # The bot never ran here: the check-in being months "late" is not a stopped schedule.
    assert first_day(adopted, 5) == ["checkin:7"]
    runs = {a["run"] for a in adopted.actions if a["issue"] == 5 and a["at"] < "2026-01-06"}
    assert runs == {"issue_comment.created"}


@group("adoption")
def test_a_recent_pairing_is_announced(adopted: Result) -> None:
    assert first_day(adopted, 6) == ["welcome", "paired:finn"]
    assert adopted.issues["6"]["labels"] == ["application", "mentoring: active"]


@group("adoption")
def test_the_first_day_posts_at_most_one_comment_a_kind_per_issue(adopted: Result) -> None:
    for issue in range(1, 7):
        kinds = [k.split(":")[0] for k in first_day(adopted, issue)]
        assert len(kinds) == len(set(kinds)) <= 2


def test_a_dry_run_before_the_switch_previews_the_first_run() -> None:
    data = load_scenario(ADOPTION)
    data["end"] = "2026-01-05T04:00:00Z"  # before the first run of any kind
    data["events"] = [e for e in data["events"] if str(e["at"]) < "2026-01-05"]
    # The simulator's closing dry run is at its clock's last time: a last, lost event.
    data["events"].append(
        {"at": "2026-01-04T23:00:00Z", "by": "alice", "comment": {"issue": 1, "body": "News?"}}
    )
    result = run(data)
    assert result.actions == []  # the simulator's report is a dry run: it writes nothing
    rows: dict[str, str] = {}  # every table's rows of an issue, joined
    for line in result.summary.splitlines():
        if line.startswith("| #"):
            number = line.split(" | ")[0].lstrip("| ")
            rows[number] = rows.get(number, "") + line
    assert "would comment welcome" in rows["#1"]
    assert "would comment checkin:11" in rows["#2"]
    assert "welcome" not in rows["#2"]
    assert "paired" not in rows["#2"]
    assert "would comment needs-info" in rows["#3"]
    assert "would comment welcome" in rows["#6"]
    assert "would comment paired:finn" in rows["#6"]
