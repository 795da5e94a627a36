"""Every comment the bot writes, rendered and compared with tests/golden/<case>.md.

A wording change is a reviewed diff: after changing a template, run

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/core/test_templates.py

and commit the golden files with it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import pytest

from mentoring.core.model import MARKER_RE, PostComment
from mentoring.core.participants import Participant
from mentoring.core.planner import _draft_entry, participant_entry
from mentoring.core.render import OVERRIDES, TEMPLATES, Renderer, TemplateFailed
from mentoring.core.site import Site
from mentoring.files.templates import VALUES, check_overrides, samples
from paths import ROOT_DIR, TESTS_DIR
from planner_cases import CONFIG, DAY, FORM, T0, Story, at, body, comments_of, daily

GOLDEN = TESTS_DIR / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# One fixed context, as the planner builds it from the shipped .github/mentoring.yml.
BASE: dict[str, Any] = {
    "mentee": "alice",
    "mentors": ["mo"],
    "coordinators": list(CONFIG.coordinators),
    "program": CONFIG.program,
    "handbooks": CONFIG.handbooks,
    "cadence": CONFIG.cadence,
    "participants_file": CONFIG.participants,
    "issue_number": 7,
    "unregistered": [],
    "registration_url": None,
}
ENTRY = _draft_entry({"name": "Alice Example"}, "alice", ("mo",), 7)
ENTRY_TWO_MENTORS = _draft_entry({"name": "Alice Example"}, "alice", ("mo", "mia"), 7)
SITE = Site("astropy/mentoring", "https://github.com/astropy/mentoring", "main")
READY = {
    "reply": "ready",
    "author": "mo",
    "entry": ENTRY,
    "repository": SITE,
    "edit_url": SITE.edit_url("participants.yml"),
    "ready_label": "mentoring: ready",
    "nomination_url": None,
}
PAUSED = {"reply": "paused", "author": "alice", "reason": "", "until": None, "still": False}
GRADUATE = participant_entry(
    Participant(name="Alice Example", github="alice", role="reviewer", mentors=("mo",), issue=7)
)

# case name -> (template kind, marker key, context over BASE)
CASES: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "welcome": ("welcome", None, {"answers_complete": True}),
    "needs-info": (
        "needs-info",
        None,
        {"missing": [FORM.field("role").label, FORM.field("availability").label]},
    ),
    "needs-info-one": ("needs-info", None, {"missing": [FORM.field("code_of_conduct").label]}),
    "paired": (
        "paired",
        "mo",
        {
            "new_mentors": ["mo"],
            "joining": False,
            "started": at(2026, 1, 20, 5),
            "next_checkin": at(2026, 2, 20, 5),
            "next_review": at(2026, 4, 20, 5),
        },
    ),
    "paired-two-mentors": (
        "paired",
        "mo,mia",
        {
            "mentors": ["mo", "mia"],
            "new_mentors": ["mo", "mia"],
            "joining": False,
            "started": at(2026, 1, 20, 5),
            "next_checkin": at(2026, 2, 20, 5),
            "next_review": at(2026, 4, 20, 5),
        },
    ),
    "paired-unregistered": (
        "paired",
        "mo",
        {
            "new_mentors": ["mo"],
            "joining": False,
            "started": at(2026, 1, 20, 5),
            "next_checkin": at(2026, 2, 20, 5),
            "next_review": at(2026, 4, 20, 5),
            "unregistered": ["mo"],
            "registration_url": SITE.new_issue_url("mentor-registration.yml"),
        },
    ),
    "paired-replacement": (
        "paired",
        "mia",
        {
            "mentors": ["mia"],
            "new_mentors": ["mia"],
            "joining": True,
            "started": at(2026, 1, 20, 5),
            "next_checkin": at(2026, 4, 20, 5),
            "next_review": at(2026, 4, 20, 5),
        },
    ),
    "checkin": ("checkin", "1", {"period": 1, "months": 1, "entry": ENTRY}),
    # Any one coordinator will do: "or"; every mentor is addressed: "and".
    "checkin-two-coordinators": (
        "checkin",
        "1",
        {"coordinators": ["cora", "cole"], "period": 1, "months": 1, "entry": ENTRY},
    ),
    "welcome-two-coordinators": (
        "welcome",
        None,
        {"coordinators": ["cora", "cole", "cid"], "answers_complete": True},
    ),
    "checkin-month-4": ("checkin", "4", {"period": 4, "months": 4, "entry": ENTRY}),
    "checkin-two-mentors": (
        "checkin",
        "1",
        {"mentors": ["mo", "mia"], "period": 1, "months": 1, "entry": ENTRY_TWO_MENTORS},
    ),
    "review": ("review", "3", {"period": 3, "months": 3, "entry": ENTRY}),
    "review-two-mentors": (
        "review",
        "3",
        {"mentors": ["mo", "mia"], "period": 3, "months": 3, "entry": ENTRY_TWO_MENTORS},
    ),
    "review-reminder": (
        "review-reminder",
        "3",
        {"period": 3, "months": 3, "asked": at(2026, 4, 20, 6, 17)},
    ),
    "review-reminder-two-mentors": (
        "review-reminder",
        "3",
        {"mentors": ["mo", "mia"], "period": 3, "months": 3, "asked": at(2026, 4, 20, 6, 17)},
    ),
    "waiting": (
        "waiting",
        None,
        {"waited_days": 30, "past_waits": None, "past_paired": None, "past_median_days": None},
    ),
    "waiting-past-figure": (
        "waiting",
        None,
        {"waited_days": 36, "past_waits": 8, "past_paired": 3, "past_median_days": 41},
    ),
    "waiting-past-figure-one-paired": (
        "waiting",
        None,
        {"waited_days": 30, "past_waits": 4, "past_paired": 1, "past_median_days": None},
    ),
    "waiting-past-figure-none-paired": (
        "waiting",
        None,
        {"waited_days": 30, "past_waits": 5, "past_paired": 0, "past_median_days": None},
    ),
    "waiting-past-figure-all-paired": (
        "waiting",
        None,
        {"waited_days": 1, "past_waits": 3, "past_paired": 3, "past_median_days": 1},
    ),
    "unpaired": ("unpaired", "1", {}),
    "unpaired-contact": (
        "unpaired",
        "1",
        {"program": replace(CONFIG.program, contact="mentoring@example.org")},
    ),
    "ready-reminder": ("ready-reminder", "1", {"days": 30}),
    # The contact's three forms, each linked as it should be.
    "checkin-contact": (
        "checkin",
        "1",
        {
            "program": replace(CONFIG.program, contact="mailto:mentoring@example.org"),
            "period": 1,
            "months": 1,
            "entry": ENTRY,
        },
    ),
    "paired-contact": (
        "paired",
        "mo",
        {
            "program": replace(CONFIG.program, contact="https://example.org/contact"),
            "new_mentors": ["mo"],
            "joining": False,
            "started": at(2026, 1, 20, 5),
            "next_checkin": at(2026, 2, 20, 5),
            "next_review": at(2026, 4, 20, 5),
        },
    ),
    "ready-reminder-contact": (
        "ready-reminder",
        "1",
        {"program": replace(CONFIG.program, contact="mentoring@example.org"), "days": 30},
    ),
    "names-other": ("names-other", None, {"named": "bob"}),
    "duplicate": ("duplicate", None, {"others": [3]}),
    "command-ready": ("command", "1001", READY),
    "command-ready-nomination": (
        "command",
        "1001",
        {**READY, "nomination_url": "https://example.org/nominate", "mentors": ["mo", "mia"]},
    ),
    "command-paused": ("command", "1001", {**PAUSED, "reason": ""}),
    "command-paused-reason": (
        "command",
        "1001",
        {**PAUSED, "reason": "exams @cora `x` <!-- mentoring:a -->"},
    ),
    "command-paused-until": (
        "command",
        "1001",
        {**PAUSED, "reason": "exams", "until": date(2027, 3, 1)},
    ),
    "command-paused-new-date": (
        "command",
        "1001",
        {**PAUSED, "until": date(2027, 5, 1), "still": True},
    ),
    **{
        f"command-pause-date-{why}": (
            "command",
            "1001",
            {
                "reply": "pause-date",
                "author": "alice",
                "why": why,
                "word": word,
                "days": 28,
                "until": until,
                "latest": date(2027, 12, 7),
            },
        )
        for why, word, until in [
            ("format", "2027-03-01T00:00", None),
            ("place", "2027-03-01", None),
            ("year", "0000-03-01", None),
            ("month", "2027-13-01", None),
            ("no-such-day", "2027-02-30", None),
            ("past", "", date(2026, 12, 1)),
            ("today", "", date(2026, 12, 7)),
            ("far", "", date(2028, 1, 1)),
        ]
    },
    "command-resumed": (
        "command",
        "1001",
        {
            "reply": "resumed",
            "author": "alice",
            "next_checkin": at(2027, 3, 20, 5),
            "next_is_review": False,
        },
    ),
    "command-resumed-review-next": (
        "command",
        "1001",
        {
            "reply": "resumed",
            "author": "alice",
            "next_checkin": at(2027, 3, 20, 5),
            "next_is_review": True,
        },
    ),
    "command-resumed-no-mentor": (
        "command",
        "1001",
        {"reply": "resumed", "author": "alice", "next_checkin": None, "next_is_review": False},
    ),
    "pause-ended": (
        "pause-ended",
        "2026-12-07T10:00:00Z",
        {"until": date(2027, 3, 1), "next_checkin": at(2027, 3, 20, 5), "next_is_review": False},
    ),
    "pause-ended-review-next": (
        "pause-ended",
        "2026-12-07T10:00:00Z",
        {"until": date(2027, 3, 1), "next_checkin": at(2027, 3, 20, 5), "next_is_review": True},
    ),
    "pause-ended-no-mentor": (
        "pause-ended",
        "2026-12-07T10:00:00Z",
        {"mentors": [], "until": date(2027, 3, 1), "next_checkin": None, "next_is_review": False},
    ),
    "pause-reminder": (
        "pause-reminder",
        "2026-12-07T10:00:00Z",
        {"since": at(2026, 12, 7, 10), "days": 90},
    ),
    "pause-reminder-two-mentors": (
        "pause-reminder",
        "2026-12-07T10:00:00Z",
        {"mentors": ["mo", "mia"], "since": at(2026, 12, 7, 10), "days": 90},
    ),
    "command-mentor": ("command", "1001", {"reply": "mentor", "author": "cora"}),
    "command-help": ("command", "1001", {"reply": "help", "author": "zed"}),
    **{
        f"command-refused-{why}": (
            "command",
            "1001",
            {
                "reply": "refused",
                "author": "zed",
                "why": why,
                "command": command,
                "allowed": "a mentor of this issue or a coordinator",
            },
        )
        for why, command in [
            ("role", "ready"),
            ("closed", "pause"),
            ("edited", "ready"),
            ("not-paused", "resume"),
            ("already-paused", "pause"),
            ("not-paired", "ready"),
            ("already-ready", "ready"),
            ("already-mentor", "mentor"),
            ("mentee", "mentor"),
            ("registration-only", "away"),
        ]
    },
    "command-refused-mentee-ready": (
        "command",
        "1001",
        {"reply": "refused", "author": "cora", "why": "mentee", "command": "ready", "allowed": ""},
    ),
    "command-refused-mentee-ready-two-mentors": (
        "command",
        "1001",
        {
            "reply": "refused",
            "author": "alice",
            "why": "mentee",
            "command": "ready",
            "allowed": "",
            "mentors": ["mo", "mia"],
        },
    ),
    "command-refused-mentee-ready-unpaired": (
        "command",
        "1001",
        {
            "reply": "refused",
            "author": "alice",
            "why": "mentee",
            "command": "ready",
            "allowed": "",
            "mentors": [],
        },
    ),
    "graduated": ("graduated", None, {"entry": GRADUATE, "pull_request": 42}),
    "graduated-no-pull-request": ("graduated", None, {"entry": GRADUATE, "pull_request": None}),
    "closed-not-graduated": (
        "closed-not-graduated",
        None,
        {"pull_request": 42, "entry_issue": 3, "listed": True, "draft_entry": ENTRY},
    ),
    "closed-not-graduated-no-entry": (
        "closed-not-graduated",
        None,
        {"pull_request": 42, "entry_issue": None, "listed": False, "draft_entry": ENTRY},
    ),
    "unmatched-entries": (
        "unmatched-entries",
        None,
        {
            "author": "alice",
            "entries": [
                {"github": "alice", "line": 33, "issue": None, "why": "several", "numbers": [3, 7]},
                {"github": "bo", "line": 36, "issue": 4, "why": "declined", "numbers": [4]},
                {"github": "cy", "line": 40, "issue": None, "why": "none", "numbers": []},
                {"github": "di", "line": 43, "issue": 9, "why": "none", "numbers": []},
                {"github": "ed", "line": 46, "issue": None, "why": "none", "numbers": [5]},
            ],
        },
    ),
    "unmatched-entries-one": (
        "unmatched-entries",
        None,
        {
            "author": "cy",
            "entries": [{"github": "cy", "line": 33, "issue": 2, "why": "none", "numbers": [2]}],
        },
    ),
    "closed-not-graduated-entry-before": (
        "closed-not-graduated",
        None,
        {"pull_request": 42, "entry_issue": None, "listed": True, "draft_entry": ENTRY},
    ),
    "graduated-two-mentors": (
        "graduated",
        None,
        {"mentors": ["mo", "mia"], "entry": GRADUATE, "pull_request": 42},
    ),
}
# Templates other modules render; listed only while the template exists.
OTHER_CASES: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "registration-welcome": ("registration-welcome", None, {"mentor": "mo"}),
    **{
        f"registration-command-{name}": (
            "registration-command",
            "1001",
            {"registrant": "mo", "author": "mo", "reply": reply, **extra},
        )
        for name, reply, extra in [
            ("help", "help", {}),
            ("away", "away", {"until": None, "still": False}),
            ("away-until", "away", {"until": date(2027, 3, 1), "still": False}),
            ("away-new-date", "away", {"until": date(2027, 5, 1), "still": True}),
            ("back", "back", {}),
            *(
                (
                    f"away-date-{why}",
                    "away-date",
                    {
                        "why": why,
                        "word": word,
                        "until": until,
                        "latest": date(2027, 12, 7),
                        "days": 28,
                    },
                )
                for why, word, until in [
                    ("format", "2027-03-01T00:00", None),
                    ("year", "0000-03-01", None),
                    ("month", "2027-13-01", None),
                    ("no-such-day", "2027-02-30", None),
                    ("past", "", date(2026, 12, 1)),
                    ("today", "", date(2026, 12, 7)),
                    ("far", "", date(2028, 1, 1)),
                    ("words", "", None),
                ]
            ),
            *(
                (
                    f"refused-{why}",
                    "refused",
                    {
                        "why": why,
                        "command": command,
                        "allowed": "the mentor who registered here or a coordinator",
                    },
                )
                for why, command in [
                    ("role", "away"),
                    ("closed", "away"),
                    ("edited", "back"),
                    ("application-only", "pause"),
                    ("already-away", "away"),
                    ("not-away", "back"),
                ]
            ),
        ]
    },
    "away-ended": (
        "away-ended",
        "2026-12-07T10:00:00Z",
        {"registrant": "mo", "until": date(2027, 3, 1)},
    ),
    "schedule-health": (
        "schedule-health",
        "2026-04-20",
        {"workflow": "Mentoring", "kind": "review", "due": at(2026, 4, 20, 5), "days": 9},
    ),
}
CASES.update(
    (name, case) for name, case in OTHER_CASES.items() if (TEMPLATES / f"{case[0]}.md.j2").exists()
)


def render(case: str) -> str:
    kind, key, extra = CASES[case]
    return Renderer().comment(kind, key, **{**BASE, **extra})


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str) -> None:
    text = render(case) + "\n"
    path = GOLDEN / f"{case}.md"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"tests/golden/{case}.md",
                f"rendered {CASES[case][0]}.md.j2",
            )
        )
        pytest.fail(
            f"{case} differs from its golden file (UPDATE_GOLDEN=1 rewrites it):\n{diff}",
            pytrace=False,
        )


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_comment_ends_with_its_one_marker(case: str) -> None:
    kind, key, _ = CASES[case]
    text = render(case)
    assert MARKER_RE.findall(text) == [(kind, key or "")]
    assert text.count("<!--") == 1
    last = text.splitlines()[-1]
    assert MARKER_RE.fullmatch(last)
    assert text.endswith("\n\n" + last)  # a blank line before it: it never joins a paragraph


def test_every_template_has_a_golden_case_and_every_golden_file_a_case() -> None:
    kinds = {kind for kind, _, _ in CASES.values()}
    templates = {p.name.removesuffix(".md.j2") for p in TEMPLATES.glob("*.md.j2")}
    assert templates <= kinds, (
        f"templates without a golden case: {sorted(templates - kinds)}: add one to CASES in"
        " tests/core/test_templates.py and run UPDATE_GOLDEN=1 .venv/bin/python -m pytest"
        " tests/core/test_templates.py"
    )
    stale = {p.stem for p in GOLDEN.glob("*.md")} - set(CASES) - set(OTHER_CASES)
    assert not stale, f"golden files without a case (delete them): {sorted(stale)}"


def test_privately_only_with_a_contact() -> None:
    # GitHub has no private messages: without `program.contact` nothing promises one.
    for case, (_, _, extra) in CASES.items():
        program = extra.get("program", BASE["program"])
        text = render(case)
        if program.contact is None:
            assert "privat" not in text.lower(), case
        elif "privately" in text:
            assert f"]({program.contact_link})" in text, case


def test_golden_comments_have_no_leftovers_of_templating() -> None:
    for case in CASES:
        text = render(case)
        for leftover in ("{{", "}}", "{%", "%}", "None", "\n\n\n", " \n"):
            assert leftover not in text, (case, leftover)


# ------------------------------------------------ the planner's real context, strictly


def _story_kinds() -> dict[str, PostComment]:
    """Run plans that between them write every kind of comment; the first of each."""
    found: dict[str, PostComment] = {}

    def keep(actions) -> None:
        for action in comments_of(actions):
            found.setdefault(action.kind, action)

    incomplete = Story(body=body(role=""))
    keep(incomplete.plan(T0).actions)

    story = Story()
    keep(story.run(T0).actions)
    keep(story.run(T0 + 30 * DAY).actions)  # waiting
    story.assign("mo", at(2026, 3, 1, 5))
    keep(story.run(at(2026, 3, 1, 6)).actions)  # paired
    for i, (who, text) in enumerate(
        [("zed", "/help"), ("alice", "/pause exams"), ("alice", "/resume"), ("zed", "/ready")]
    ):
        story.comment(who, text, at(2026, 3, 1, 7, i))
        for action in comments_of(story.run(at(2026, 3, 1, 7, i)).actions):
            found.setdefault(f"command-{action.body.split()[0]}", action)
    for when in daily(at(2026, 3, 2), at(2026, 6, 20)):
        keep(story.run(when).actions)  # checkin, review, review-reminder
    story.unassign("mo", at(2026, 6, 20)).assign("mia", at(2026, 6, 20))
    replaced = story.run(at(2026, 6, 20, 1)).actions
    assert [a.kind for a in comments_of(replaced)] == ["paired"]
    found["paired-replacement"] = comments_of(replaced)[0]
    grads = {"alice": Participant(name="Alice", github="alice", issue=1)}
    keep(story.run(at(2026, 6, 21), graduates=grads, pull_request=9).actions)
    return found


def test_the_planners_context_renders_every_template_strictly() -> None:
    # Renderer uses StrictUndefined: a template naming a variable the planner does not
    # pass raises here instead of writing an empty string into a comment.
    found = _story_kinds()
    planner_kinds = {
        "welcome",
        "needs-info",
        "paired",
        "paired-replacement",
        "checkin",
        "review",
        "review-reminder",
        "waiting",
        "graduated",
        "command-Commands",
        "command-Paused:",
        "command-Resumed.",
        "command-Only",
    }
    assert set(found) == planner_kinds
    # A reply that accepted a /pause or /resume also says the day the pause ends, if any.
    until = {
        "command-Paused:": [("pause-until", "none")],
        "command-Resumed.": [("pause-until", "none")],
    }
    for name, action in found.items():
        wanted = [*until.get(name, []), (action.kind, action.key or "")]
        assert MARKER_RE.findall(action.body) == wanted, name
        assert action.body.count("<!--") == len(wanted), name
        assert "{{" not in action.body
    assert "With #9 merged" in found["graduated"].body
    assert "next check-in is due on **Wednesday 1 July 2026**" in found["paired-replacement"].body


def test_an_undefined_variable_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "checkin.md.j2").write_text("Hello {{ mentee }},\n\n{{ not_passed }}")
    with pytest.raises(TemplateFailed) as failed:
        Renderer(tmp_path).comment("checkin", 1, mentee="alice")
    assert str(failed.value).startswith(
        "templates/checkin.md.j2, line 3: 'not_passed' is undefined. Fix the template"
    )
    assert isinstance(failed.value.__cause__, jinja2.UndefinedError)
    with pytest.raises(TemplateFailed, match="months"):
        Renderer().comment("checkin", 1, **BASE)


def test_a_template_that_does_not_parse_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "welcome.md.j2").write_text("Hello,\n{% if mentee %}\n{{ mentee }}\n")
    with pytest.raises(TemplateFailed) as failed:
        Renderer(tmp_path).comment("welcome", mentee="alice")
    assert str(failed.value).startswith("templates/welcome.md.j2, line 3: Unexpected end")


def test_user_text_in_the_context_is_never_evaluated(tmp_path: Path) -> None:
    text = Renderer().comment(
        "graduated",
        None,
        **{**BASE, "entry": "- name: '{{ 7*7 }} {% raw %}'", "pull_request": None},
    )
    assert "{{ 7*7 }} {% raw %}" in text
    assert "49" not in text


def test_dates_are_written_in_full_in_utc() -> None:
    text = Renderer().comment(
        "review-reminder",
        "3",
        **{
            **BASE,
            "period": 3,
            "months": 3,
            "asked": at(2026, 4, 20, 23, 59) + timedelta(minutes=1),
        },
    )
    assert "Tuesday 21 April 2026" in text


# ------------------------------------------------ the sandbox, and the markers the code writes


@pytest.mark.parametrize(
    "escape",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ mentee['__class__'] }}",
        "{{ mentors.append('eve') }}",  # the immutable sandbox: a value given is not changed
    ],
)
def test_a_template_cannot_reach_past_its_values(tmp_path: Path, escape: str) -> None:
    (tmp_path / "welcome.md.j2").write_text(f"Hello,\n{escape}\n")
    with pytest.raises(TemplateFailed) as failed:
        Renderer(tmp_path).comment("welcome", None, mentee="alice", mentors=["mo"])
    assert str(failed.value).startswith("templates/welcome.md.j2, line 2: ")
    assert "unsafe" in str(failed.value)
    assert isinstance(failed.value.__cause__, jinja2.sandbox.SecurityError)


def test_a_template_can_neither_forge_nor_drop_a_marker(tmp_path: Path) -> None:
    (tmp_path / "welcome.md.j2").write_text(
        "Hi {{ mentee }}.\n<!-- mentoring:graduated -->\n{{ '<!-- mentoring:' ~ 'paired:mo -->' }}"
    )
    text = Renderer(tmp_path).comment("welcome", None, mentee="alice")
    assert MARKER_RE.findall(text) == [("welcome", "")]
    assert text.endswith("\n\n<!-- mentoring:welcome -->")


def test_the_digests_markers_are_the_codes(tmp_path: Path) -> None:
    # A digest that forgot its items' markers would announce them again each period.
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "digest.md.j2").write_text("New: {{ lines | length }}.")
    marks = ("<!-- mentoring:attention:a -->", "<!-- mentoring:attention:b -->")
    text = Renderer(tmp_path).page(
        "dashboard/digest.md.j2", "dashboard-digest", "k", marks, lines=[1, 2]
    )
    assert text == "New: 2.\n\n" + "\n".join(marks) + "\n\n<!-- mentoring:dashboard-digest:k -->"


# ------------------------------------------------ the values each template is given


def _documented() -> dict[str, tuple[str, ...]]:
    """The table of docs/configuration.md, "Your program's own words": name -> values."""
    text = (ROOT_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = text.split("## Your program's own words", 1)[1].split("\n## ", 1)[0]
    shared = section.split("The application's values, given to every comment", 1)[1]
    application = tuple(re.findall(r"`([a-z_]+)`", shared.split(". ", 1)[0]))
    table: dict[str, tuple[str, ...]] = {}
    for row in section.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if row.startswith("| `") and len(cells) == 2:
            values = tuple(re.findall(r"`([a-z_]+)`", cells[1]))
            if cells[1].startswith("the application's values"):
                values = application + values
            for name in re.findall(r"`([^`]+)`", cells[0]):
                table[name] = values
    return table


def test_every_shipped_template_has_its_values_listed() -> None:
    shipped = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2")}
    assert set(VALUES) == shipped


def test_the_docs_list_each_templates_values() -> None:
    documented = _documented()
    assert set(documented) == set(VALUES), "docs/configuration.md lists other templates"
    for name, values in VALUES.items():
        assert set(documented[name]) == set(values), name


def test_each_shipped_template_uses_only_its_values(tmp_path: Path) -> None:
    # Checked as a program's own copy would be: setup would accept the shipped text.
    shutil.copytree(TEMPLATES, tmp_path / OVERRIDES)
    assert check_overrides(tmp_path) == []


def test_the_samples_setup_renders_with_are_the_values_each_template_is_given() -> None:
    # Setup renders a program's template as these would; the shipped ones all pass.
    found = samples(CONFIG)
    assert set(found) == set(VALUES)
    given: dict[str, set[str]] = {}
    page = Renderer.page

    def recording(self: Renderer, template: str, *marked: Any, **context: Any) -> str:
        given.setdefault(template, set()).update(context)
        return page(self, template, *marked, **context)

    renderer = Renderer()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Renderer, "page", recording)
        for renders in found.values():
            for render_one in renders:
                assert MARKER_RE.search(render_one(renderer))
    for template, names in given.items():
        assert names == set(VALUES[template]), template
