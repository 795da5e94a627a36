"""The dashboard's pure part: rows in, attention items, body and digests out.

Golden files (tests/golden/dashboard/*.md) hold the rendered body and digest; after a
wording change run ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/core/test_dashboard.py``.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mentoring.core import dashboard as dash
from mentoring.core import dashboard_view as view
from mentoring.core.dashboard_plan import DUPLICATE, Told, due, plan_dashboard, read_since, told
from mentoring.core.model import (
    MARKER_RE,
    Close,
    Comment,
    CreateIssue,
    EditIssue,
    Issue,
    PostComment,
    Reaction,
)
from mentoring.core.planner import Worry, last_sign_of_life
from mentoring.core.registration import RegisteredMentor
from mentoring.core.render import Renderer
from mentoring.core.summary import mentors_table
from paths import TESTS_DIR
from planner_cases import CONFIG

GOLDEN = TESTS_DIR / "golden" / "dashboard"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NOW = datetime(2026, 9, 15, 6, 17, tzinfo=UTC)
LINKS = view.Links("https://github.com/astropy/mentoring")
DAY = timedelta(days=1)


def ago(days: int) -> datetime:
    return NOW - days * DAY


ROWS = [
    dash.Row(
        1,
        "nia",
        dash.NEEDS_INFO,
        ago(45),
        missing=("Your availability",),
        needs_info_since=ago(44),
    ),
    dash.Row(
        2,
        "wes",
        dash.WAITING,
        ago(50),
        role="Reviewer",
        waiting_since=ago(45),
        applied="astropy.io.fits maintainer",
    ),
    dash.Row(
        3,
        "ava",
        dash.ACTIVE,
        ago(200),
        role="Maintainer of astropy.io.fits\nbecause I love FITS",
        mentors=("mo",),
        started=ago(190),
        age_months=6,
        mentee_reply=ago(130),
        mentor_reply=ago(125),
        alive=ago(120),  # the mentee's reaction on a check-in, after both wrote
        last_checkin=("review 6", ago(5)),
        next_checkin=("check-in 7", ago(-25)),
        review_reminded=ago(1),
    ),
    dash.Row(
        4,
        "pam",
        dash.PAUSED,
        ago(300),
        mentors=("mo",),
        started=ago(280),
        age_months=5,
        pauses=((ago(120), NOW),),
        last_checkin=("check-in 5", ago(130)),
    ),
    dash.Row(
        5,
        "rey",
        dash.READY,
        ago(400),
        mentors=("dan",),
        started=ago(390),
        age_months=12,
        ready_since=ago(40),
    ),
    dash.Row(6, "gus", dash.GRADUATED, ago(380), mentors=("dan",), ended=ago(20)),
    dash.Row(7, "dee", dash.DECLINED, ago(60), ended=ago(55), from_timeline=False),
    dash.Row(8, "old", dash.DECLINED, ago(300), ended=ago(200), from_timeline=False),
]
# mo holds the role wes applies for but is full; dan holds a role of its group.
MENTORS = [
    RegisteredMentor("mo", 20, 1, held=("astropy.io.fits maintainer",)),
    RegisteredMentor("dan", 21, 2, held=("astropy.wcs maintainer",)),
]


def items() -> list[dash.Item]:
    loads = dash.registered_loads(ROWS, MENTORS)
    rows = dash.with_suggestions(ROWS, MENTORS, loads, CONFIG)
    return dash.attention(rows, loads, CONFIG.cadence, NOW)


def body(rows=ROWS) -> str:
    loads = dash.registered_loads(rows, MENTORS)
    rows = dash.with_suggestions(rows, MENTORS, loads, CONFIG)
    found = dash.attention(rows, loads, CONFIG.cadence, NOW)
    figures = dash.figures(rows, loads, 12, NOW)
    return view.body(Renderer(), CONFIG, view.Board(rows, found, figures, NOW), LINKS)


def golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if UPDATE:
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert text + "\n" == path.read_text(encoding="utf-8")


def test_golden_body() -> None:
    golden("body", body())


def test_golden_digest() -> None:
    text, told_now = view.digest(Renderer(), CONFIG, items(), f"{LINKS.repository}/issues/6")
    assert set(told_now) == set(items())
    golden("digest", text)


def test_every_kind_of_attention_item_once_with_its_since() -> None:
    found = {(i.issue, i.kind): i.since for i in items()}
    assert found == {
        (1, dash.NEEDS_INFO_LONG): ago(44),
        (2, dash.WAITING_FOR_MENTOR): ago(45),
        (3, dash.STALLED): ago(120),  # the latest sign of life, a reaction
        (3, dash.REVIEW_UNANSWERED): ago(1),
        (4, dash.LONG_PAUSE): ago(120),
        (5, dash.READY_NO_PULL): ago(40),
        (20, dash.OVER_CAPACITY): ago(190),  # mo: two running mentorships, capacity 1
    }


@pytest.mark.parametrize(
    ("row", "change"),
    [
        (0, {"needs_info_since": ago(29)}),  # on needs info less than needs_info_days
        (0, {"state": dash.WAITING}),  # the answers came
        (1, {"waiting_since": ago(29)}),  # waited less than mentor_wait_days
        (2, {"alive": ago(10)}),  # a sign of life recently: not stalled
        (2, {"alive": ago(105)}),  # quiet, but not for a review period and its reply days
        (3, {"pauses": ((ago(80), NOW),)}),  # paused less than long_pause_days
        (4, {"pull_request": True}),  # ready, and a pull request refers to it
    ],
)
def test_an_item_leaves_when_resolved(row: int, change: dict) -> None:
    rows = list(ROWS)
    rows[row] = replace(rows[row], **change)
    kinds = {(i.issue, i.kind) for i in dash.attention(rows, [], CONFIG.cadence, NOW)}
    gone = {
        0: (1, dash.NEEDS_INFO_LONG),
        1: (2, dash.WAITING_FOR_MENTOR),
        2: (3, dash.STALLED),
        3: (4, dash.LONG_PAUSE),
        4: (5, dash.READY_NO_PULL),
    }[row]
    assert gone not in kinds


@pytest.mark.parametrize(
    ("cadence", "quiet_days", "stalled"),
    [
        ({}, 105, False),  # 2 June: 3 months and 14 days later is tomorrow
        ({}, 106, True),  # 1 June: 3 months and 14 days later is now
        ({"review_every": 6}, 150, False),  # a review every 6 months: a longer span
        ({"stall_days": 150}, 120, False),  # stall_days is a floor now, not the rule
        ({"stall_days": 150}, 151, True),
    ],
)
def test_stalled_means_quiet_for_longer_than_a_review_period_and_its_reply_days(
    cadence: dict, quiet_days: int, stalled: bool
) -> None:
    row = dash.Row(9, "max", dash.ACTIVE, ago(400), mentors=("mo",), started=ago(300))
    row = replace(row, alive=ago(quiet_days))
    found = dash.attention([row], [], replace(CONFIG.cadence, **cadence), NOW)
    assert [(i.kind, i.since) for i in found] == ([(dash.STALLED, ago(quiet_days))] * stalled)


def test_a_sign_of_life_is_a_comment_or_a_reaction_by_the_mentee_or_a_mentor() -> None:
    bot = CONFIG.bot
    checkin = Comment(
        1, bot, "<!-- mentoring:checkin:2 -->", ago(40), reactions=(Reaction("ava", "+1", ago(9)),)
    )
    others = (
        Comment(2, "ava", "Thanks", ago(30)),
        Comment(3, "eve", "Me too", ago(1), reactions=(Reaction("mo", "heart", ago(2)),)),
        Comment(4, "someone", "Hi", ago(1), reactions=(Reaction("someone", "eyes", ago(1)),)),
    )
    people = frozenset({"ava", "mo"})
    assert last_sign_of_life((checkin, *others), people, bot) == ago(2)
    assert last_sign_of_life((checkin, others[0]), people, bot) == ago(9)
    assert last_sign_of_life(others[2:], people, bot) is None  # nobody of the mentorship


def test_figures() -> None:
    loads = dash.registered_loads(ROWS, MENTORS)
    f = dash.figures(ROWS, loads, 12, NOW)
    assert (f.active, f.paused, f.ready, f.graduated_all) == (1, 1, 1, 12)
    assert f.applications_12m == 6  # opened within 365 days
    assert f.median_days_to_pairing == 15  # #3 10 days, #4 20 (#5 was paired over a year ago)
    assert f.median_months_to_graduation == pytest.approx(360 / (365.25 / 12))
    assert (f.mentors, f.mentees_with_mentors, f.places, f.over_capacity) == (2, 3, 3, ("mo",))


def test_a_mentor_registered_twice_is_counted_and_checked_once_by_the_latest_capacity() -> None:
    # mo (two running mentorships) registered again, as "MO": the latest offers three.
    again = [*MENTORS, RegisteredMentor("MO", 25, 3, held=("astropy.wcs maintainer",))]
    loads = dash.registered_loads(ROWS, again)
    assert [(m.login, m.registration, m.capacity) for m in loads] == [("dan", 21, 2), ("MO", 25, 3)]
    f = dash.figures(ROWS, loads, 12, NOW)
    assert (f.mentors, f.mentees_with_mentors, f.places, f.over_capacity) == (2, 3, 5, ())
    assert not [
        i for i in dash.attention(ROWS, loads, CONFIG.cadence, NOW) if i.kind == "over-capacity"
    ]


def test_a_mentor_over_capacity_with_two_registrations_is_one_item_on_the_latest() -> None:
    # An older registration of mo's, offering more: the latest (#20, one place) counts.
    again = [RegisteredMentor("mo", 18, 4), *MENTORS]
    loads = dash.registered_loads(ROWS, again)
    f = dash.figures(ROWS, loads, 12, NOW)
    assert (f.mentors, f.mentees_with_mentors, f.places, f.over_capacity) == (2, 3, 3, ("mo",))
    over = [
        i for i in dash.attention(ROWS, loads, CONFIG.cadence, NOW) if i.kind == "over-capacity"
    ]
    assert [(i.key, i.mentee, i.detail) for i in over] == [
        (f"20/over-capacity/{ago(190):%Y-%m-%d}", "mo", "2 mentees, more than the 1")
    ]


def test_the_job_summary_names_a_mentors_other_registrations() -> None:
    again = [*MENTORS, RegisteredMentor("Mo", 18, 4)]
    lines = mentors_table(again, {"mo": [3, 4]}, {}, dry_run=False).splitlines()[2:]
    assert [ln.split(" | ")[:3] for ln in lines] == [
        ["| @dan", "#21", "0"],
        ["| @Mo", "#18 (also #20; #20 the latest)", "2 (#3, #4)"],
        ["| @mo", "#20 (latest; also #18)", "2 (#3, #4)"],
    ]


def test_figures_count_the_closed_applications_paired_within_the_year() -> None:
    # #7 and #8 come from the issue list, closed within the year (#8 200 days ago, past
    # the table's closed_days but not the figures' year); #7 never had a mentor.
    assert dash.closed_for_figures(ROWS, NOW) == [7, 8]
    loads = dash.registered_loads(ROWS, MENTORS)
    f = dash.figures(ROWS, loads, 12, NOW, {7: None, 8: ago(270)})
    assert f.median_days_to_pairing == 20  # #3 10 days, #4 20, #8 30
    assert dash.figures(ROWS, loads, 12, NOW).median_days_to_pairing == 15


def main_table(text: str) -> list[list[str]]:
    """The cells of the main table's rows in a body (the tables under it left out)."""
    lines = text.split("| Issue | Mentee | Mentor |", 1)[1].split("\n\n", 1)[0].splitlines()
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]


def test_the_table_lists_open_and_recently_closed_by_state() -> None:
    numbers = [int(cells[0][1:]) for cells in main_table(body())]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # #8 closed 200 days ago: past closed_days


def test_those_waiting_for_a_mentor_are_a_waitlist_the_longest_wait_first() -> None:
    waiting = [
        dash.Row(n, f"m{n}", dash.WAITING, ago(90), waiting_since=ago(days))
        for n, days in ((11, 5), (12, 40), (13, 12), (14, 40))
    ]
    rows = [*ROWS, *waiting]
    shown = [r.number for r in view.shown_rows(rows, CONFIG, NOW) if r.state == dash.WAITING]
    # #2 waits since 45 days ago; #12 and #14 since the same time go by number.
    assert shown == [2, 12, 14, 13, 11]


def test_every_table_has_at_most_six_columns_and_rows() -> None:
    text = body()
    headers = [line for line in text.splitlines() if line.startswith("| Issue |")]
    assert [h.count(" | ") + 1 for h in headers] == [6, 6, 3]
    shown = view.shown_rows(ROWS, CONFIG, NOW)
    for lines in (view.table(shown, items()), view.more_table(shown), view.form_table(shown)):
        assert all(line.count(" | ") + 1 <= 6 for line in lines)
    # A table with nothing to show is no table: no header alone, ever.
    closed = [r for r in shown if r.ended is not None]
    assert view.more_table(closed) == view.form_table(closed) == []
    assert view.this_run_table(shown, {}) == []
    empty = body([])
    assert "| Issue |" not in empty
    assert "No application is open, and none was closed in the last 90 days." in empty
    assert "<details>" not in empty


def test_a_row_is_one_line_and_no_date_can_break() -> None:
    cells = {int(c[0][1:]): c for c in main_table(body())}
    joined = "-\u2060"
    assert cells[2][3] == f"waiting since 2026{joined}08{joined}01"
    assert cells[4][3] == f"paused since 2026{joined}05{joined}18"
    assert cells[3][4] == f"check-in 2026{joined}10{joined}10"
    assert cells[1][5] == "1 answer"  # which one: in the folded table
    assert "Your availability" in body().split("<details>", 1)[1]
    assert not re.search(r"\d{4}-\d\d", "\n".join(view.table(ROWS, items())))


def test_closed_rows_show_what_the_issue_list_tells_and_no_question_marks() -> None:
    cells = {int(c[0][1:]): c for c in main_table(body())}
    joined = "-\u2060"
    assert cells[6][1:4] == ["gus", "dan", f"graduated 2026{joined}08{joined}26"]
    assert cells[7][3] == f"declined 2026{joined}07{joined}22"
    assert "?" not in "".join("".join(c) for c in cells.values())
    # The figures read a closed application's first pairing: the chart draws it.
    rows = dash.with_started(ROWS, {7: None, 6: ago(300)})
    assert rows[5] == ROWS[5]  # read from its timeline: its own start stands
    rows = dash.with_started([replace(ROWS[5], from_timeline=False)], {6: ago(300)})
    graph, _ = view.chart(rows, NOW)
    assert "    section graduated\n    6 gus with dan :done, m6, 2025-11-19, 2026-08-26" in graph


def test_the_job_summary_lists_what_the_run_did_beside_the_dashboards_table() -> None:
    loads = dash.registered_loads(ROWS, MENTORS)
    rows = dash.with_suggestions(ROWS, MENTORS, loads, CONFIG)
    shown = view.shown_rows(rows, CONFIG, NOW)
    this_run = {shown[0].number: "commented | <b>"}
    assert view.this_run_table(shown, this_run) == [
        "| Issue | This run |",
        "| --- | --- |",
        "| #1 | commented \\| &lt;b&gt; |",
    ]
    # The body made from the table made already is the body made from scratch.
    found = items()
    figures = dash.figures(rows, loads, 12, NOW)
    board = view.Board(rows, found, figures, NOW)
    given = view.body(Renderer(), CONFIG, board, LINKS, view.table(shown, found))
    assert given == body()


HOSTILE = "@everyone <!-- mentoring:graduated --> | **x** [a](javascript:x) #1 `{{ 7*7 }}` &amp;"


def test_user_text_in_a_cell_is_inert() -> None:
    cell = view.text_cell(HOSTILE, 200)
    assert "<!--" not in cell
    assert "|" not in cell.replace("\\|", "")
    assert "@everyone" not in cell
    assert "#1" not in cell
    assert "[a](" not in cell
    assert "**" not in cell
    text = body([replace(ROWS[2], role=HOSTILE, mentee="ava")])
    assert MARKER_RE.findall(text) == [("dashboard", "")]
    assert "| @\u2060everyone &lt;\\!-- mentoring:graduated --&gt;… |" in text
    assert view.text_cell("{{ 7*7 }}") == "\\{\\{ 7\\*7 \\}\\}"  # as typed, not evaluated


def test_mermaid_labels_have_no_syntax() -> None:
    assert view.mermaid_label('12 a:b;c#d%%e"f') == "12 abcdef"
    graph, _ = view.chart(ROWS, NOW)
    for line in graph.splitlines()[4:]:
        if line.strip().startswith("section"):
            assert re.fullmatch(r"    section [a-z ]+", line)
        else:
            assert re.fullmatch(
                r"    [A-Za-z0-9 ._-]+ :((active|done|crit), )?m\d+,"
                r" \d{4}-\d\d-\d\d, \d{4}-\d\d-\d\d",
                line,
            ), line


def test_the_chart_has_one_bar_per_mentorship_by_state_to_the_month_end() -> None:
    graph, left_out = view.chart(ROWS, NOW)
    assert left_out == 0
    assert graph.splitlines()[1:] == [
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %b %Y",
        "    tickInterval 3month",
        "    section active",
        "    3 ava with mo :active, m3, 2026-03-09, 2026-10-01",
        "    section paused",
        "    4 pam with mo :crit, m4, 2025-12-09, 2026-10-01",
        "    section ready",
        "    5 rey with dan :m5, 2025-08-21, 2026-10-01",
    ]


@pytest.mark.parametrize(
    ("months", "tick"),
    [(3, "1month"), (8, "1month"), (12, "3month"), (24, "3month"), (30, "6month")],
)
def test_the_axis_ticks_stay_apart_over_two_years(months: int, tick: str) -> None:
    row = replace(ROWS[2], started=NOW - timedelta(days=months * 30 - 20))
    graph, _ = view.chart([row], NOW)
    assert f"    tickInterval {tick}" in graph.splitlines()
    assert "    axisFormat %b %Y" in graph.splitlines()


def many(n: int, role: str = "Maintainer of a sub-package") -> list[dash.Row]:
    return [
        dash.Row(
            i,
            f"mentee-{i}",
            dash.ACTIVE,
            ago(400),
            role=role,
            mentors=(f"mentor-{i % 50}",),
            started=ago(300 - i),
            age_months=7,
            mentee_reply=ago(3),
            mentor_reply=ago(4),
            alive=ago(3),
            last_checkin=("check-in 7", ago(10)),
            next_checkin=("check-in 8", ago(-20)),
        )
        for i in range(1, n + 1)
    ]


def test_200_mentorships_fit_in_one_body() -> None:
    text = body(many(200))
    assert len(text) <= view.LIMIT
    assert len(main_table(text)) == 200
    assert "160 that started earliest are left out" in text


def test_what_does_not_fit_is_said_and_linked() -> None:
    worst = "&" * 200  # each escapes to five characters: 40 of them per cell
    text = body(many(400, worst))
    assert len(text) <= view.LIMIT
    shown = len(main_table(text))
    assert 0 < shown < 400
    assert f"{400 - shown} of 400 applications are left out of this table" in text
    assert LINKS.runs in text
    assert "is%3Aclosed" in text
    assert "The chart is left out" in text


# --- the dashboard issue itself ----------------------------------------------------------


def issue(number: int, author: str = "github-actions[bot]", **kw) -> Issue:
    fields = dict(
        title="Mentoring dashboard",
        body="old",
        author=author,
        state="open",
        state_reason=None,
        labels=("mentoring: dashboard",),
        assignees=(),
        created_at=ago(100 - number),
        updated_at=ago(1),
    )
    return Issue(number, **{**fields, **kw})


def test_none_yet_creates_it_and_announces_everything() -> None:
    p = plan_dashboard([], "text", items(), Told(NOW), CONFIG, Renderer())
    create, notice = p.actions
    assert create == CreateIssue("Mentoring dashboard", "text", ("mentoring: dashboard",))
    assert isinstance(notice, PostComment)
    assert notice.issue == 0


def test_two_keep_the_oldest_and_close_the_other_as_a_duplicate() -> None:
    p = plan_dashboard([issue(9), issue(4)], "text", [], Told(NOW), CONFIG, Renderer())
    assert p.issue is not None
    assert p.issue.number == 4
    edit, comment, close = p.actions
    assert edit == EditIssue(4, "text")
    assert (comment.issue, comment.kind) == (9, DUPLICATE)
    assert "#4" in comment.body
    assert close == Close(9, "duplicate")


def test_unchanged_body_and_announced_items_mean_no_action() -> None:
    found = items()
    was = Told(NOW, frozenset(i.key for i in found))
    p = plan_dashboard([issue(4, body="text")], "text", found, was, CONFIG, Renderer())
    assert p.actions == ()


def test_only_new_items_are_announced() -> None:
    found = items()
    was = Told(NOW, frozenset({found[0].key}))
    p = plan_dashboard([issue(4, body="t")], "t", found, was, CONFIG, Renderer())
    (notice,) = p.actions
    keys = [m["key"] for m in MARKER_RE.finditer(notice.body) if m["kind"] == dash.ATTENTION]
    assert keys == [i.key for i in found[1:]]


def test_a_labelled_issue_someone_else_opened_is_never_the_dashboard() -> None:
    p = plan_dashboard([issue(3, author="mallory")], "text", [], Told(NOW), CONFIG, Renderer())
    assert p.ignored == (3,)
    assert isinstance(p.actions[0], CreateIssue)


def test_a_closed_dashboard_is_reopened_not_recreated() -> None:
    closed = issue(4, state="closed", state_reason="completed")
    dup = issue(5, state="closed", state_reason="duplicate")
    p = plan_dashboard([closed, dup], "text", [], Told(NOW), CONFIG, Renderer())
    assert p.actions == (EditIssue(4, "text", reopen=True),)


def test_only_the_bots_markers_count_as_announced() -> None:
    marker = "<!-- mentoring:attention:3/stalled/2026-07-07 -->"
    comments = [
        Comment(1, "mallory", marker, ago(2)),
        Comment(
            2,
            "github-actions[bot]",
            "<!-- mentoring:attention:2/waiting-for-mentor/2026-08-01 -->",
            ago(1),
        ),
    ]
    assert dash.announced(comments, CONFIG.bot) == {"2/waiting-for-mentor/2026-08-01"}


# --- the digest ---------------------------------------------------------------------------

WEEKLY = CONFIG
DAILY = replace(CONFIG, dashboard=replace(CONFIG.dashboard, digest="daily"))
OFF = replace(CONFIG, dashboard=replace(CONFIG.dashboard, digest="off"))


@pytest.mark.parametrize(
    ("config", "last", "expected"),
    [
        (WEEKLY, None, True),  # the first digest goes out as soon as something is new
        (WEEKLY, NOW - 6 * DAY, False),
        # Seven calendar days, though a few minutes short of seven times 24 hours: a
        # scheduled run a little earlier than last week's still finds the week over.
        (WEEKLY, NOW - 7 * DAY + timedelta(minutes=5), True),
        (DAILY, NOW - timedelta(hours=1), False),
        (DAILY, NOW - DAY + timedelta(minutes=5), True),
        (OFF, None, False),
    ],
)
def test_a_digest_is_due_once_a_period(config, last, expected) -> None:
    assert due(config, Told(NOW, last=last)) is expected


def test_a_digest_waits_for_its_period_and_the_body_does_not() -> None:
    found = items()
    was = Told(NOW, last=NOW - 2 * DAY)
    p = plan_dashboard([issue(4, body="old")], "new", found, was, CONFIG, Renderer())
    assert p.actions == (EditIssue(4, "new"),)
    assert p.new_items == ()


def test_off_means_no_digest_and_no_read() -> None:
    p = plan_dashboard([issue(4, body="t")], "t", items(), Told(NOW), OFF, Renderer())
    assert p.actions == ()
    assert read_since(items(), OFF, NOW) is None
    assert read_since([], CONFIG, NOW) is None


def test_the_read_reaches_back_to_the_oldest_item_and_to_the_period() -> None:
    found = items()
    assert read_since(found, CONFIG, NOW) == min(i.since for i in found)
    recent = [replace(found[0], since=NOW)]
    assert read_since(recent, CONFIG, NOW) == datetime(2026, 9, 8, tzinfo=UTC)
    assert read_since(recent, DAILY, NOW) == datetime(2026, 9, 14, tzinfo=UTC)


def test_old_notices_count_as_told_and_as_the_last_digest() -> None:
    """A program that upgrades from per-run notices is not told everything again."""
    bot = CONFIG.bot
    comments = [
        Comment(
            1,
            bot,
            "<!-- mentoring:attention:2/stalled/2026-07-07 -->\n"
            "<!-- mentoring:dashboard-notice:abc -->",
            ago(3),
        ),
        Comment(2, "mallory", "<!-- mentoring:dashboard-digest:x -->", ago(1)),
        Comment(
            3,
            bot,
            "<!-- mentoring:attention:3/stalled/2026-07-07 -->\n"
            "<!-- mentoring:dashboard-digest:def -->",
            ago(9),
        ),
    ]
    was = told(comments, bot, NOW, LINKS)
    assert was.announced == {"2/stalled/2026-07-07", "3/stalled/2026-07-07"}
    assert was.last == ago(3)  # mallory's pasted marker does not count


def test_one_line_per_issue_with_its_new_reasons_and_whom_to_ask() -> None:
    text, _ = view.digest(Renderer(), CONFIG, items(), "https://x/issues/6")
    lines = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert len(lines) == len({i.issue for i in items()})
    (three,) = [ln for ln in lines if ln.startswith("- #3 ")]
    assert "stalled" in three
    assert "review unanswered" in three
    assert three.endswith("Ask ava and mo.")
    assert "@" not in "\n".join(lines)  # only the coordinators are mentioned
    assert "https://x/issues/6" in text


def test_a_digest_fits_githubs_limit_and_what_is_left_waits() -> None:
    mentors = tuple(f"mentor-{n:02d}-{'x' * 28}" for n in range(10))
    many = [
        dash.Item(n, kind, NOW - DAY, f"mentee-{n}-{'y' * 30}", mentors)
        for n in range(1, 400)
        for kind in (dash.STALLED, dash.LONG_PAUSE, dash.REVIEW_UNANSWERED)
    ]
    text, told_now = view.digest(Renderer(), CONFIG, many, "https://x/issues/6")
    assert len(text) <= view.LIMIT
    assert 0 < len(told_now) < len(many)
    marked = [m["key"] for m in MARKER_RE.finditer(text) if m["kind"] == dash.ATTENTION]
    assert marked == [i.key for i in told_now]  # exactly what it lists counts as told
    left = len({i.issue for i in many}) - len({i.issue for i in told_now})
    assert f"…and {left} more issues, in the next digest." in text


def test_a_new_dashboards_digest_has_no_address_yet() -> None:
    p = plan_dashboard([], "text", items(), Told(NOW, links=LINKS), CONFIG, Renderer())
    _, digest = p.actions
    assert isinstance(digest, PostComment)
    assert "/issues/0" not in digest.body
    kept = plan_dashboard(
        [issue(4, body="t")], "t", items(), Told(NOW, links=LINKS), CONFIG, Renderer()
    )
    (digest,) = kept.actions
    assert isinstance(digest, PostComment)
    assert f"{LINKS.repository}/issues/4" in digest.body


def test_the_job_summary_has_no_mentors_table_without_a_registration() -> None:
    assert mentors_table(iter(()), {}, {}, dry_run=False) == ""
    table = mentors_table(iter(MENTORS), {"mo": [3]}, {}, dry_run=False)
    assert table.splitlines()[2].startswith("| @dan | #21 | 0 | 2 | yes |")


def test_a_mentor_away_or_without_roles_configured_is_suggested_nowhere() -> None:
    mentors = [*MENTORS, RegisteredMentor("amy", 22, 3, held=("astropy.io.fits maintainer",))]
    loads = dash.registered_loads(ROWS, mentors)
    [wes] = [r for r in dash.with_suggestions(ROWS, mentors, loads, CONFIG) if r.number == 2]
    assert wes.suggested == ("amy", "dan")  # amy holds the role; dan a similar one
    away = [replace(mentors[-1], away=True), *MENTORS]
    [wes] = [r for r in dash.with_suggestions(ROWS, away, loads, CONFIG) if r.number == 2]
    assert wes.suggested == ("dan",)
    no_roles = replace(CONFIG, roles=())
    assert all(not r.suggested for r in dash.with_suggestions(ROWS, mentors, loads, no_roles))


def test_a_worried_reaction_is_an_item_told_in_words() -> None:
    worry = Worry("ava", "confused", "checkin", "5", ago(3))
    rows = [replace(ROWS[2], worry=worry, review_reminded=None)]
    [item, stalled] = dash.attention(rows, [], CONFIG.cadence, NOW)
    assert (item.kind, item.since, item.detail) == (dash.WORRIED, ago(3), "ava:confused:checkin:5")
    assert stalled.kind == dash.STALLED
    text, _ = view.digest(Renderer(), CONFIG, [item], f"{LINKS.repository}/issues/6")
    assert f"ava reacted 😕 to check-in 5 on {ago(3):%Y-%m-%d}. Ask ava and mo." in text
    page = view.body(
        Renderer(), CONFIG, view.Board(rows, [item], dash.figures(rows, [], 0, NOW), NOW), LINKS
    )
    assert f"**ava reacted 😕 to check-in 5** on {ago(3):%Y-%m-%d}" in page


def test_a_pause_with_a_date_to_come_is_no_long_pause() -> None:
    dated = replace(ROWS[3], pause_until=(NOW + timedelta(days=30)).date())
    assert [i.kind for i in dash.attention([dated], [], CONFIG.cadence, NOW)] == []
    assert [i.kind for i in dash.attention([ROWS[3]], [], CONFIG.cadence, NOW)] == [dash.LONG_PAUSE]


def test_the_end_of_any_stop_of_the_clock_is_a_fresh_start() -> None:
    quiet = replace(ROWS[2], alive=None, review_reminded=None)
    assert [i.kind for i in dash.attention([quiet], [], CONFIG.cadence, NOW)] == [dash.STALLED]
    # A new mentor after weeks without one, or a pause this very run ends.
    for stop in ((ago(60), ago(10)), (ago(60), NOW)):
        fresh = replace(quiet, stops=(stop,))
        assert dash.attention([fresh], [], CONFIG.cadence, NOW) == []


@pytest.mark.parametrize("kind", dash.KINDS)
def test_every_kind_of_item_has_its_own_words_in_the_digest(kind: str) -> None:
    detail = {"worried": "ava:-1:checkin:5", "participants-unreadable": "3: broken"}
    item = dash.Item(3, kind, ago(3), "ava", ("mo",), detail.get(kind, "2"))
    text, _ = view.digest(Renderer(), CONFIG, [item], f"{LINKS.repository}/issues/6")
    [line] = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert f"{kind} since" not in line  # the template's fallback: a kind it has no words for
    assert kind in view.ASK
