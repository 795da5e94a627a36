"""The planner, table-driven: one issue's story in, the actions it needs out.

Every table case also checks the planner's central promise: once the planned actions are
on the issue, planning again at the same instant wants nothing (an event run and the
scheduled run at the same moment never do anything twice).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from mentoring.cli.reading import is_application as _is_application
from mentoring.core.model import MARKER_RE, Close, Event, Issue, PostComment, State
from mentoring.core.participants import Participant
from mentoring.core.planner import HANDOVER_GRACE, LongWaits, PastWait, facts, mentorship_start
from mentoring.core.replies import MAX_REPLIES_PER_RUN
from mentoring.files.config import load_config
from planner_cases import (
    APPLICATION,
    BOT,
    CONFIG,
    COORD,
    DAY,
    LABELS,
    MENTEE_FIELD,
    ROOT,
    SITE,
    T0,
    Story,
    at,
    body,
    comments_of,
    daily,
    kinds,
    pings,
    summary,
)

ASSIGN_COORD = f"assign {COORD}"
ADD = "add labels {!r}".format


def REMOVE(*labels: str) -> str:
    return "remove labels " + ", ".join(repr(label) for label in labels)


PAIRED_AT = at(2026, 1, 20, 5)  # mo is assigned; 06:17 runs post on the 20th


def opened(**answers: object) -> Story:
    return Story(body=body(**answers))  # type: ignore[arg-type]


def welcomed(**answers: object) -> Story:
    story = opened(**answers)
    story.run(T0 + timedelta(seconds=5))
    return story


def paired(*mentors: str) -> Story:
    story = welcomed()
    for mentor in mentors or ("mo",):
        story.assign(mentor, PAIRED_AT)
    story.run(PAIRED_AT + timedelta(seconds=5))
    return story


def through(story: Story, end: datetime, start: datetime = PAIRED_AT + DAY) -> Story:
    """Daily scheduled runs from ``start`` up to (not including) ``end``."""
    story.runs(daily(start, end))
    return story


def reviewed() -> Story:
    """Paired on 20 January; the month-3 review was posted on 20 April at 06:17."""
    story = through(paired(), at(2026, 4, 21))
    assert MARKER_RE.search(story.comments[-1].body).groups() == ("review", "3")
    return story


def graduate(name: str = "Alice Example", issue: int | None = 1) -> dict[str, Participant]:
    return {"alice": Participant(name=name, github="alice", mentors=("mo",), issue=issue)}


@dataclass
class Case:
    id: str
    build: Callable[[], Story]
    now: datetime
    expected: list[str]
    state: str | None = None
    graduates: dict[str, Participant] = field(default_factory=dict)
    pull_request: int | None = None
    contains: tuple[str, ...] = ()  # in the comments' bodies
    lacks: tuple[str, ...] = ()


def incomplete() -> Story:
    return opened(role="", availability=None)


def completed_after_edit() -> Story:
    story = incomplete()
    story.run(T0 + timedelta(seconds=5))
    return story.edit(body())


def coordinator_left() -> Story:
    story = welcomed()
    return story.unassign(COORD, T0 + DAY, by=COORD)


def coordinator_self_assigned_then_left() -> Story:
    story = opened().assign(COORD, T0 + timedelta(seconds=1), by=COORD)
    story.run(T0 + timedelta(seconds=5))  # nothing to assign: already there
    return story.unassign(COORD, T0 + DAY, by=COORD)


def mentor_assigned() -> Story:
    return welcomed().assign("mo", PAIRED_AT)


def two_mentors() -> Story:
    return welcomed().assign("mo", PAIRED_AT).assign("Mia", PAIRED_AT)


def mentor_replaced() -> Story:
    story = through(paired(), at(2026, 3, 25))  # check-ins 1 and 2 posted
    return story.unassign("mo", at(2026, 3, 25, 9)).assign("mia", at(2026, 3, 25, 9))


def mentor_added() -> Story:
    return through(paired(), at(2026, 3, 25)).assign("mia", at(2026, 3, 25, 9))


def review_answered_by(author: str) -> Callable[[], Story]:
    def build() -> Story:
        return reviewed().comment(author, "Going well; not ready yet.", at(2026, 4, 25))

    return build


def paused_before_checkin() -> Story:
    return paired().pause(at(2026, 2, 10))


def paused_and_settled() -> Story:
    return through(paused_before_checkin(), at(2026, 3, 1), start=at(2026, 2, 10))


def closed_not_planned() -> Story:
    return paired().close(at(2026, 2, 10), "not_planned")


def incomplete_closed() -> Story:
    return incomplete().close(T0 + timedelta(minutes=1), "not_planned")


def reopened() -> Story:
    story = paired().close(at(2026, 2, 10), "not_planned")
    return story.reopen(at(2026, 3, 10))


def closed_by_keyword() -> Story:
    story = through(paired(), at(2026, 7, 1))
    return story.close(at(2026, 7, 1, 12), "completed", by="mo", commit="abc123")


def pasted_marker() -> Story:
    return opened().comment("alice", "<!-- mentoring:welcome --> hi", T0 + timedelta(seconds=2))


def crlf() -> Story:
    return Story(body=body().replace("\n", "\r\n"))


def waiting_for_a_mentor() -> Story:
    return welcomed()


def waited_and_reminded() -> Story:
    story = welcomed()
    story.run(T0 + 30 * DAY + timedelta(seconds=5))  # 30 days after the welcome
    return story


def incomplete_for_forty_days() -> Story:
    story = incomplete()
    story.run(T0 + timedelta(seconds=5))
    return story.edit(body())


WELCOME_NEW = [ASSIGN_COORD, "comment welcome", ADD(LABELS.awaiting_mentor)]
TO_ACTIVE = [REMOVE(LABELS.awaiting_mentor), ADD(LABELS.active)]

CASES = [
    Case("new-application", opened, T0 + timedelta(seconds=3), WELCOME_NEW, State.AWAITING_MENTOR),
    Case(
        "incomplete-needs-info",
        incomplete,
        T0 + timedelta(seconds=3),
        [ASSIGN_COORD, "comment needs-info", ADD(LABELS.needs_info)],
        State.NEEDS_INFO,
        contains=("**Which role would you like to apply for and why**", "**Your availability**"),
        lacks=("**Your name**", "**Code of conduct**", "welcome to the"),
    ),
    Case(
        "incomplete-unticked-code-of-conduct",
        lambda: opened(code_of_conduct=[]),
        T0 + timedelta(seconds=3),
        [ASSIGN_COORD, "comment needs-info", ADD(LABELS.needs_info)],
        State.NEEDS_INFO,
        contains=("**Code of conduct**", "an answer"),
    ),
    Case(
        "edit-completes-it-welcome-once",
        completed_after_edit,
        T0 + DAY,
        ["comment welcome", REMOVE(LABELS.needs_info), ADD(LABELS.awaiting_mentor)],
        State.AWAITING_MENTOR,
    ),
    Case(
        "coordinator-unassigned-themself", coordinator_left, T0 + 2 * DAY, [], State.AWAITING_MENTOR
    ),
    Case(
        "coordinator-self-assigned-then-left",
        coordinator_self_assigned_then_left,
        T0 + 2 * DAY,
        [],
        State.AWAITING_MENTOR,
    ),
    Case(
        "mentor-assigned-paired",
        mentor_assigned,
        PAIRED_AT + timedelta(seconds=5),
        [*TO_ACTIVE, "comment paired:mo"],
        State.ACTIVE,
        contains=(
            "@alice, meet your mentor @mo!",
            "first check-in is due on **Friday 20 February 2026**",
            "first progress review on **Monday 20 April 2026**",
        ),
        lacks=("carries on",),
    ),
    Case(
        "two-mentors-one-comment",
        two_mentors,
        PAIRED_AT + timedelta(seconds=5),
        [*TO_ACTIVE, "comment paired:mo,mia"],
        State.ACTIVE,
        contains=("meet your mentors @mo and @Mia!",),
    ),
    Case(
        "mentor-replaced-schedule-continues",
        mentor_replaced,
        at(2026, 3, 25, 9, 1),
        ["comment paired:mia"],
        State.ACTIVE,
        contains=(
            "meet your mentor @mia!",
            "carries on",
            "next check-in is due on **Monday 20 April 2026** and is a progress review",
        ),
        lacks=("@mo", "first check-in"),
    ),
    Case(
        "second-mentor-joins",
        mentor_added,
        at(2026, 3, 25, 9, 1),
        ["comment paired:mia"],
        State.ACTIVE,
        contains=("@mia joins this mentorship", "carries on"),
        lacks=("@mo", "meet your mentors"),
    ),
    Case(
        "first-checkin",
        lambda: through(paired(), at(2026, 2, 20)),
        at(2026, 2, 20, 6, 17),
        ["comment checkin:1"],
        State.ACTIVE,
        contains=("@alice and @mo", "one month into the mentorship", "No reply is needed"),
    ),
    Case(
        "review-third-month",
        lambda: through(paired(), at(2026, 4, 20)),
        at(2026, 4, 20, 6, 17),
        ["comment review:3"],
        State.ACTIVE,
        contains=("Progress review, 3 months into the mentorship", "@mo", "`/ready`"),
    ),
    Case(
        "review-unanswered-14-days-reminder",
        reviewed,
        at(2026, 5, 4, 6, 17),
        ["comment review-reminder:3"],
        State.ACTIVE,
        contains=("@mo", "Monday 20 April 2026"),
    ),
    Case("review-unanswered-13-days", reviewed, at(2026, 5, 4, 6, 16), [], State.ACTIVE),
    Case(
        "review-answered-by-mentor",
        review_answered_by("mo"),
        at(2026, 5, 10),
        [],
        State.ACTIVE,
    ),
    # Decision: the review asks the mentor, so only an assigned mentor's reply answers it.
    # A coordinator's or the mentee's comment is welcome but the mentor is still reminded.
    Case(
        "review-answered-by-coordinator-still-reminds",
        review_answered_by(COORD),
        at(2026, 5, 10),
        ["comment review-reminder:3"],
        State.ACTIVE,
    ),
    Case(
        "review-answered-by-mentee-still-reminds",
        review_answered_by("alice"),
        at(2026, 5, 10),
        ["comment review-reminder:3"],
        State.ACTIVE,
    ),
    Case("no-mentor-29-days", waiting_for_a_mentor, T0 + 29 * DAY, [], State.AWAITING_MENTOR),
    # Waiting is quiet and kind: one note to the applicant, no pings for coordinators.
    Case(
        "no-mentor-30-days-one-kind-note",
        waiting_for_a_mentor,
        T0 + 30 * DAY + timedelta(seconds=5),
        ["comment waiting"],
        State.AWAITING_MENTOR,
        contains=("@alice", "thank you for your patience"),
        lacks=(f"@{COORD}", "not planned", "close"),
    ),
    Case("no-mentor-reminded-once", waited_and_reminded, T0 + 59 * DAY, [], State.AWAITING_MENTOR),
    Case(
        "no-mentor-never-a-second-note",
        waited_and_reminded,
        T0 + 400 * DAY,
        [],
        State.AWAITING_MENTOR,
    ),
    Case(
        "no-mentor-outage-only-one-note",
        waiting_for_a_mentor,
        T0 + 100 * DAY,
        ["comment waiting"],
        State.AWAITING_MENTOR,
    ),
    Case(
        "no-mentor-wait-counts-from-welcome",
        incomplete_for_forty_days,
        T0 + 40 * DAY,
        ["comment welcome", REMOVE(LABELS.needs_info), ADD(LABELS.awaiting_mentor)],
        State.AWAITING_MENTOR,
    ),
    Case(
        "paused-no-checkin-status-label-off",
        paused_before_checkin,
        at(2026, 3, 1),
        [REMOVE(LABELS.active)],
        State.PAUSED,
    ),
    # Paused without a date for over cadence.long_pause_days: one note asks whether to go on.
    Case(
        "paused-months-later-asks-once",
        paused_and_settled,
        at(2026, 9, 1),
        ["comment pause-reminder:2026-02-10T00:00:00Z"],
        State.PAUSED,
        contains=("@alice and @mo: this mentorship has been paused since", "`/resume`"),
    ),
    Case("closed-not-planned-nothing", closed_not_planned, at(2026, 9, 1), [], State.CLOSED),
    Case("closed-incomplete-nothing", incomplete_closed, T0 + 40 * DAY, [], State.CLOSED),
    Case(
        "reopened-resumes-clock-stopped-while-closed",
        reopened,
        at(2026, 3, 20, 6, 17),  # due 20 Feb + 28 days closed
        ["comment checkin:1"],
        State.ACTIVE,
    ),
    Case("reopened-not-yet-due", reopened, at(2026, 3, 19, 6, 17), [], State.ACTIVE),
    Case(
        "graduated-by-pull-request",
        lambda: through(paired(), at(2026, 7, 1)),
        at(2026, 7, 1, 12),
        [
            REMOVE(LABELS.active),
            "close as completed",
            "comment graduated",
            ADD(LABELS.graduated),  # last: the graduation is done
        ],
        State.GRADUATED,
        graduates=graduate(),
        pull_request=42,
        contains=("Congratulations, @alice!", "With #42 merged", "- name: Alice Example"),
    ),
    Case(
        # An old, undated entry (a past graduate applying again): not this mentorship.
        "undated-entry-does-not-close-a-new-mentorship",
        lambda: through(paired(), at(2026, 7, 1)),
        at(2026, 7, 1, 12),
        [],
        State.ACTIVE,
        graduates=graduate(issue=None),
    ),
    Case(
        "graduated-seen-by-schedule",
        lambda: through(paired(), at(2026, 7, 1)),
        at(2026, 7, 1, 12),
        [
            REMOVE(LABELS.active),
            "close as completed",
            "comment graduated",
            ADD(LABELS.graduated),  # last: the graduation is done
        ],
        State.GRADUATED,
        # An entry naming the issue graduates it in any run: the schedule is the safety net.
        graduates=graduate(),
        contains=("Now that you are in `participants.yml`",),
        lacks=("With #",),
    ),
    Case(
        "entry-without-issue-not-graduated-by-schedule",
        lambda: through(paired(), at(2026, 7, 1)),
        at(2026, 7, 1, 12),
        [],
        State.ACTIVE,
        # Without issue:, only once participants.yml at the issue's opening was read.
        graduates={
            "alice": Participant(
                name="Alice Example", github="alice", mentors=("mo",), date=date(2026, 6, 30)
            )
        },
    ),
    Case(
        "self-graduation-never-mentored",
        welcomed,
        at(2026, 1, 8),
        [],
        State.AWAITING_MENTOR,
        # The applicant added themself with issue: but no mentor was ever assigned.
        graduates=graduate(),
    ),
    Case(
        "graduated-closed-by-keyword-no-close",
        closed_by_keyword,
        at(2026, 7, 1, 12, 1),
        [REMOVE(LABELS.active), "comment graduated", ADD(LABELS.graduated)],
        State.GRADUATED,
        graduates=graduate(),
        pull_request=42,
    ),
    Case(
        "mentee-field-handle-from-a-coordinator",
        lambda: Story(author=COORD, body=body(github="@Bob-2")),
        T0 + timedelta(seconds=3),
        WELCOME_NEW,
        contains=("Hello @Bob-2,",),
        lacks=("@alice",),
    ),
    Case(
        "mentee-field-handle-from-anyone-else-is-ignored",
        lambda: opened(github="@Bob-2"),
        T0 + timedelta(seconds=3),
        # ... and the coordinators are told, once, without pinging the named person.
        [ASSIGN_COORD, "comment welcome", "comment names-other", ADD(LABELS.awaiting_mentor)],
        contains=("Hello @alice,", "names `Bob-2` as the applicant"),
        lacks=("@Bob-2",),
    ),
    Case(
        "mentee-field-invalid-uses-author",
        lambda: opened(github="bob smith!"),
        T0 + timedelta(seconds=3),
        WELCOME_NEW,
        contains=("Hello @alice,",),
    ),
    Case(
        "mentee-field-empty-uses-author",
        lambda: opened(github=""),
        T0 + timedelta(seconds=3),
        WELCOME_NEW,
        contains=("Hello @alice,",),
    ),
    Case(
        "pasted-marker-does-not-suppress-welcome",
        pasted_marker,
        T0 + timedelta(seconds=5),
        WELCOME_NEW,
    ),
    Case("crlf-body-parses", crlf, T0 + timedelta(seconds=3), WELCOME_NEW, State.AWAITING_MENTOR),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_plan(case: Case) -> None:
    story = case.build()
    result = story.plan(case.now, case.graduates, case.pull_request)
    assert summary(result.actions) == case.expected
    if case.state is not None:
        assert result.mentorship.state == case.state
    text = "\n\n".join(c.body for c in comments_of(result.actions))
    for wanted in case.contains:
        assert wanted in text
    for unwanted in case.lacks:
        assert unwanted not in text
    for action in comments_of(result.actions):
        assert_one_marker(action)
    # Idempotence: what the first run did is on the issue when the second one reads it.
    story.apply(result.actions, case.now)
    again = story.plan(case.now, case.graduates, case.pull_request)
    assert again.actions == ()


def assert_one_marker(action: PostComment) -> None:
    """Exactly one marker, the comment's own, on its last line."""
    markers = MARKER_RE.findall(action.body)
    assert len(markers) == 1, action.body
    assert action.body.count("<!-- mentoring:") == 1
    assert markers[0] == (action.kind, action.key or "")
    assert action.body.endswith("\n\n" + MARKER_RE.search(action.body)[0])


# ------------------------------------------------------------ the schedule over time


@pytest.mark.parametrize(
    ("month", "kind"),
    [(1, "checkin"), (2, "checkin"), (3, "review"), (4, "checkin"), (6, "review"), (12, "review")],
)
def test_check_in_kind_by_month(month: int, kind: str) -> None:
    story = paired()
    taken = story.runs(daily(PAIRED_AT + DAY, at(2027, 1, 21)))
    periodic = [(w, a) for w, a in taken if isinstance(a, PostComment) and a.kind == kind]
    when = next(w for w, a in periodic if a.key == str(month))
    assert when == at(2026 + month // 12, 1 + month % 12, 20, 6, 17)


def test_a_year_of_mentoring_posts_each_period_once_in_order() -> None:
    story = paired()
    taken = story.runs(daily(PAIRED_AT + DAY, at(2027, 1, 21)))
    posted = [(a.kind, a.key) for _, a in taken if isinstance(a, PostComment)]
    periodic = [p for p in posted if p[0] in ("checkin", "review")]
    assert periodic == [("review" if k % 3 == 0 else "checkin", str(k)) for k in range(1, 13)]
    # Each unanswered review gets its one reminder, and nothing else is said.
    assert [p for p in posted if p not in periodic] == [
        ("review-reminder", str(k)) for k in (3, 6, 9)
    ]


def test_after_a_three_month_outage_only_the_latest_is_posted_and_never_the_missed_ones() -> None:
    story = through(paired(), at(2026, 2, 21))  # check-in 1 on 20 February
    # No scheduled run from 21 February to 24 May: months 2, 3 and 4 fall due unseen.
    result = story.run(at(2026, 5, 25, 6, 17))
    assert kinds(result.actions) == [("checkin", "4")]
    later = story.runs(daily(at(2026, 5, 26), at(2026, 8, 1)))
    assert [(a.kind, a.key) for _, a in later if isinstance(a, PostComment)] == [
        ("checkin", "5"),
        ("review", "6"),
    ]


def test_a_pause_pushes_the_schedule_by_its_length() -> None:
    story = paired().pause(at(2026, 2, 10), at(2026, 2, 20))  # ten days
    taken = story.runs(daily(PAIRED_AT + DAY, at(2026, 4, 5)))
    when = {a.key: w for w, a in taken if isinstance(a, PostComment) and a.kind == "checkin"}
    assert when == {"1": at(2026, 3, 2, 6, 17), "2": at(2026, 3, 30, 6, 17)}


def test_a_pause_still_on_posts_one_reminder_and_shows_no_next_due() -> None:
    story = paired().pause(at(2026, 2, 10))
    taken = story.runs(daily(at(2026, 2, 10), at(2027, 2, 10)))
    # Only the one reminder, long_pause_days (90) after the label went on.
    assert [(w, k) for w, a in taken for k in kinds([a])] == [
        (at(2026, 5, 11, 6, 17), ("pause-reminder", "2026-02-10T00:00:00Z"))
    ]
    result = story.plan(at(2027, 2, 10))
    assert result.mentorship.state == State.PAUSED
    assert result.mentorship.next is None


def test_unpausing_resumes_with_the_remaining_time() -> None:
    story = paired().pause(at(2026, 2, 10), at(2026, 5, 10))  # 89 days
    result = story.plan(at(2026, 5, 10, 1))
    assert result.mentorship.state == State.ACTIVE
    assert result.mentorship.next.period == 1
    assert result.mentorship.next.at == at(2026, 5, 20, 5)  # 20 Feb 05:00 + 89 days


def test_coordinators_assigned_once_even_when_assigning_had_no_effect() -> None:
    # GitHub silently drops an assignee who may not be assigned (not a collaborator):
    # the bot's write "succeeds" but no `assigned` event appears.
    story = opened()
    result = story.plan(T0 + timedelta(seconds=5))
    story.apply([a for a in result.actions if not summary([a])[0].startswith("assign")], T0)
    assert story.plan(T0 + DAY).actions == ()


def test_a_replacement_mentor_keeps_the_first_pairing_as_the_start() -> None:
    story = mentor_replaced()
    story.run(at(2026, 3, 25, 9, 1))
    result = story.plan(at(2026, 4, 20, 6, 17))
    assert result.mentorship.start == PAIRED_AT
    assert kinds(result.actions) == [("review", "3")]
    assert "@mia" in result.actions[0].body
    assert "@mo" not in result.actions[0].body


def test_a_replacement_just_before_a_due_time_is_introduced_though_its_run_was_lost() -> None:
    # Check-in 2 falls due on 20 March at 05:00; mia replaces mo an hour before, and the
    # assignment's event run is lost. The next scheduled run introduces her all the same.
    story = through(paired(), at(2026, 3, 19))
    story = story.unassign("mo", at(2026, 3, 20, 4)).assign("mia", at(2026, 3, 20, 4))
    result = story.run(at(2026, 3, 20, 6, 17))
    assert kinds(result.actions) == [("paired", "mia"), ("checkin", "2")]


def test_a_second_mentor_added_before_the_bot_ran_is_not_introduced_months_on() -> None:
    # Switched on for a running mentorship: mo since January, mia added in May, both
    # before the bot's first look in June; only the latest check-in is due.
    story = opened().assign("mo", PAIRED_AT).assign("mia", at(2026, 5, 25, 9))
    result = story.run(at(2026, 6, 25, 6, 17))
    assert ("checkin", "5") in kinds(result.actions)
    assert not [k for k in kinds(result.actions) if k[0] in ("welcome", "paired")]


def test_a_replacement_two_due_times_ago_met_the_schedule_late() -> None:
    # The runs of a month and more were lost (an outage longer than a period): months
    # on, "meet your mentor" would confuse; the latest due comes, the schedule goes on.
    story = through(paired(), at(2026, 3, 19))
    story = story.unassign("mo", at(2026, 3, 20, 4)).assign("mia", at(2026, 3, 20, 4))
    result = story.run(at(2026, 4, 21, 6, 17))
    assert kinds(result.actions) == [("review", "3")]


def test_the_reviews_reply_window_looks_only_at_the_latest_review() -> None:
    story = reviewed().comment("mo", "All good", at(2026, 4, 22))
    story.runs(daily(at(2026, 4, 21), at(2026, 8, 10)))
    # Month 3's review was answered; month 6's was not: reminded once, 14 days later.
    reminders = [c for c in story.comments if "<!-- mentoring:review-reminder" in c.body]
    assert [(c.created_at, MARKER_RE.search(c.body)["key"]) for c in reminders] == [
        (at(2026, 8, 3, 6, 17), "6")
    ]


def test_a_bot_comment_is_not_the_mentors_answer() -> None:
    # The bot answering itself (a later check-in, say) never counts as the mentor's reply.
    story = reviewed().comment(BOT, "something", at(2026, 4, 25))
    assert kinds(story.plan(at(2026, 5, 5)).actions) == [("review-reminder", "3")]


# --------------------------------------------------------------------- who is who


def test_only_issues_with_the_application_label_are_handled() -> None:
    def issue(labels: tuple[str, ...], pull: bool = False) -> Issue:
        return Issue(1, "t", "", "alice", "open", None, labels, (), T0, T0, is_pull_request=pull)

    assert _is_application(issue((APPLICATION,)), CONFIG)
    assert _is_application(issue(("Application", "bug")), CONFIG)  # labels ignore case
    assert not _is_application(issue(()), CONFIG)
    assert not _is_application(issue(("mentor-registration",)), CONFIG)
    assert not _is_application(issue((APPLICATION,), pull=True), CONFIG)


def test_the_mentee_is_never_a_mentor_and_neither_are_coordinators_or_bots() -> None:
    story = Story(author=COORD, body=body(github="bob"))  # a coordinator applies for bob
    story.run(T0 + timedelta(seconds=5))
    story.assign("bob", T0 + DAY, by="bob").assign("dependabot[bot]", T0 + DAY)
    story.assign(COORD, T0 + DAY)
    result = story.plan(T0 + DAY + timedelta(seconds=5))
    assert result.mentorship.mentee == "bob"
    assert result.mentorship.mentors == ()
    assert result.mentorship.start is None
    story.assign("alice", T0 + 2 * DAY)
    assert story.plan(T0 + 2 * DAY).mentorship.mentors == ("alice",)


def test_a_marker_in_someone_elses_comment_never_counts() -> None:
    story = paired()
    fake = "\n".join(f"<!-- mentoring:checkin:{k} -->" for k in range(1, 13))
    story.comment("mo", fake, at(2026, 2, 1))
    story.comment("alice", "<!-- mentoring:graduated -->", at(2026, 2, 1))
    assert kinds(story.plan(at(2026, 2, 20, 6, 17)).actions) == [("checkin", "1")]


# --------------------------------------------------------- what users write is data

HOSTILE_NAME = "Eve @mallory {{ 7*7 }} <!-- mentoring:graduated --> `x` ### h"


def test_user_text_never_becomes_markup_a_template_or_a_ping() -> None:
    story = opened(name=HOSTILE_NAME, encouraged_by="@mallory", other="@mallory please")
    story.comment("alice", "<!-- mentoring:welcome --> cc @mallory", T0)
    posted: list[PostComment] = []
    posted += comments_of(story.run(T0 + timedelta(seconds=5)).actions)
    story.assign("mo", PAIRED_AT)
    posted += comments_of(story.run(PAIRED_AT + timedelta(seconds=5)).actions)
    posted += [a for _, a in story.runs(daily(PAIRED_AT, at(2026, 5, 10)))]
    who = {
        "alice": Participant(name=HOSTILE_NAME, github="alice", role="{{ 7*7 }} @mallory", issue=1)
    }
    posted += comments_of(story.run(at(2026, 5, 10), graduates=who).actions)
    assert {a.kind for a in posted} >= {
        "welcome",
        "paired",
        "checkin",
        "review",
        "review-reminder",
        "graduated",
    }
    for action in posted:
        assert_one_marker(action)
        assert "49" not in action.body
        assert "mallory" not in pings(action.body)
        assert pings(action.body) <= {"alice", "mo", COORD.lower()}
    graduated = next(a for a in posted if a.kind == "graduated")
    assert "{{ 7*7 }}" in graduated.body  # quoted as written, inside the YAML block


def test_the_mentees_own_ready_is_refused_with_what_happens_next() -> None:
    # The mentee is no mentor and no coordinator, but is told why as the mentee: the
    # rule asks "is this the mentee?" before "may this role say it?".
    story = paired()
    story.comment("alice", "/ready", PAIRED_AT + DAY)
    actions = story.run(PAIRED_AT + DAY + timedelta(minutes=1)).actions
    [reply] = comments_of(actions)
    assert reply.body.startswith("This is your own application, and nobody marks themself")
    assert "your mentor (mo) answers `/ready` when they agree" in reply.body
    assert pings(reply.body) == set()
    assert [type(a).__name__ for a in actions] == ["PostComment"]


def test_comments_ping_exactly_the_people_concerned() -> None:
    story = paired()
    story.runs(daily(PAIRED_AT + DAY, at(2026, 5, 10)))
    # The coordinators are assigned, so GitHub tells them of every comment: none pings
    # them (docs/rules.md, "Who is notified"). A reminder goes to the mentor alone.
    expected = {
        "welcome": {"alice"},
        "paired": {"alice", "mo"},
        "checkin": {"alice", "mo"},
        "review": {"alice", "mo"},
        "review-reminder": {"mo"},
    }
    seen = set()
    for comment in story.comments:
        match = MARKER_RE.search(comment.body)
        if comment.author == BOT and match:
            assert pings(comment.body) == expected[match["kind"]], match["kind"]
            seen.add(match["kind"])
    assert seen == set(expected)


def test_close_only_while_open() -> None:
    story = closed_by_keyword()
    result = story.plan(at(2026, 7, 2), graduate())
    assert not any(isinstance(a, Close) for a in result.actions)
    assert result.mentorship.state == State.GRADUATED


def test_needs_info_names_fields_by_their_labels_only() -> None:
    result = incomplete().plan(T0)
    (comment,) = comments_of(result.actions)
    listed = re.findall(r"^- \*\*(.+)\*\*$", comment.body, re.MULTILINE)
    assert listed == ["Which role would you like to apply for and why", "Your availability"]
    assert result.mentorship.missing == tuple(listed)


def test_cadence_comes_from_the_config() -> None:
    config = load_config(ROOT, {"cadence": {"checkin_months": 2, "review_every": 2}})
    story = welcomed().assign("mo", PAIRED_AT)
    story.run(PAIRED_AT + timedelta(seconds=5))
    taken: list[PostComment] = []
    for when in daily(PAIRED_AT + DAY, at(2026, 9, 21)):
        result = story.plan(when, config=config)
        story.apply(result.actions, when)
        taken += [a for a in comments_of(result.actions) if a.kind in ("checkin", "review")]
    # Keys are months since pairing, whatever the cadence.
    assert [(a.kind, a.key) for a in taken] == [
        ("checkin", "2"),
        ("review", "4"),
        ("checkin", "6"),
        ("review", "8"),
    ]
    assert "2 months into the mentorship" in taken[0].body
    assert "Progress review, 4 months into the mentorship" in taken[1].body
    assert "look back on these 4 months" in taken[1].body
    assert "Progress review, 8 months into the mentorship" in taken[3].body


def test_the_summary_counts_a_check_in_this_run_posts_as_the_last_one() -> None:
    story = paired()
    before = story.plan(at(2026, 2, 19))
    assert before.mentorship.last is None
    result = story.plan(at(2026, 2, 21, 6, 17))
    assert kinds(result.actions) == [("checkin", "1")]
    assert (result.mentorship.last.kind, result.mentorship.last.key) == ("checkin", "1")
    assert result.mentorship.next.period == 2


def test_a_change_of_cadence_carries_on_from_the_months_covered() -> None:
    story = paired()
    for when in daily(PAIRED_AT + DAY, at(2026, 7, 1)):  # monthly: months 1 to 5
        story.run(when)
    slower = load_config(ROOT, {"cadence": {"checkin_months": 2}})
    taken = []
    for when in daily(at(2026, 7, 1), at(2026, 11, 1)):
        result = story.plan(when, config=slower)
        story.apply(result.actions, when)
        taken += [
            (a.kind, a.key) for a in comments_of(result.actions) if a.kind != "review-reminder"
        ]
    # Every two months from pairing: month 6 (due 20 July), then month 8 (20 September).
    assert taken == [("review", "6"), ("checkin", "8")]


def test_time_without_a_mentor_does_not_count() -> None:
    story = welcomed()
    story.assign("dan", at(2026, 1, 6, 9)).unassign("dan", at(2026, 1, 6, 9, 5))
    story.assign("mo", at(2026, 3, 20, 9))
    result = story.run(at(2026, 3, 20, 9, 1))
    assert kinds(result.actions) == [("paired", "mo")]
    assert result.mentorship.next.at == at(2026, 4, 20, 8, 55)  # one month of mentoring
    assert kinds(story.run(at(2026, 4, 19)).actions) == []
    assert kinds(story.run(at(2026, 4, 21)).actions) == [("checkin", "1")]


def test_a_coordinator_the_bot_assigned_is_not_a_mentor_after_leaving_the_config() -> None:
    story = welcomed()  # the bot assigned COORD
    former = load_config(ROOT, {"coordinators": ["someone-else"], **MENTEE_FIELD})
    result = story.plan(at(2026, 3, 1), config=former)
    assert result.mentorship.mentors == ()
    assert result.mentorship.state == "awaiting mentor"
    assert not [a for a in comments_of(result.actions) if a.kind == "paired"]


def test_pausing_stops_the_wait_for_a_mentor_and_the_review_reply_window() -> None:
    story = welcomed().pause(T0 + DAY, T0 + 61 * DAY)
    assert kinds(story.run(T0 + 61 * DAY + timedelta(hours=1)).actions) == []
    assert kinds(story.run(T0 + 91 * DAY).actions) == [("waiting", None)]

    mentored = paired()
    for when in daily(PAIRED_AT + DAY, at(2026, 4, 22)):
        mentored.run(when)  # review at 3 months, on 21 April
    mentored.pause(at(2026, 4, 25), at(2026, 5, 25))
    assert kinds(mentored.run(at(2026, 5, 26)).actions) == []
    assert kinds(mentored.run(at(2026, 6, 5)).actions) == [("review-reminder", "3")]


def test_an_issue_a_merge_closed_does_not_graduate_without_a_mentor_ever_assigned() -> None:
    """Nobody graduates themself: a merged entry (even one a keyword closed the issue with)
    graduates only a mentorship that had a mentor at some point."""
    story = welcomed()  # a coordinator mentored: nobody counts as the mentor
    story.events.append(
        Event("cross-referenced", at(2026, 3, 1), actor="alice", source=7, source_is_pull=True)
    )
    story.close(at(2026, 3, 2), reason="completed", by="cora", commit="abc123")
    for entry in (graduate(issue=None), graduate(issue=1)):
        result = story.plan(at(2026, 3, 2, 0, 1), entry, 7)
        assert [c.kind for c in comments_of(result.actions)] == ["closed-not-graduated"]


def test_the_mentee_stays_when_the_coordinator_who_applied_for_them_leaves_the_list() -> None:
    story = Story(author=COORD, body=body(github="bob"))
    story.run(T0 + timedelta(seconds=5))  # the bot assigns COORD, among the coordinators
    story.assign("mo", PAIRED_AT)
    later = load_config(ROOT, {"coordinators": ["someone-else"], **MENTEE_FIELD})
    assert story.plan(at(2026, 3, 1), config=later).mentorship.mentee == "bob"


# ------------------------------------------------------------ every new action, run twice


def test_every_kind_of_action_is_wanted_once_then_never_again() -> None:
    """Each run below plans, applies, and plans again at the same instant (Story.run
    asserts the second plan is empty), over every action the commands and transitions add:
    the needs-info edit, each command's reply and label, the ready reminder, the waiting
    note, the unpaired comment, the registration invitation, a dated pause's end and a
    long pause's reminder."""
    seen: list[object] = []
    ready = LABELS.ready

    def run(story: Story, when: datetime, **kwargs: object) -> None:
        seen.extend(story.run(when, site=SITE, **kwargs).actions)

    # The needs-info comment (and, as alice applied before in #2, the duplicate note), then
    # the needs-info edited in place when an edit leaves less missing.
    story = opened(role="", availability=None)
    story.number = 5
    run(story, T0 + timedelta(seconds=5), applications={"alice": (2, 5)})
    story.edit(body(availability=None))
    run(story, T0 + timedelta(minutes=5))
    # Waiting: the one kind note once mentor_wait_days have passed.
    story.edit(body())
    run(story, T0 + timedelta(minutes=10))
    run(story, T0 + timedelta(days=CONFIG.cadence.mentor_wait_days, hours=1))
    # Paired, with an invitation to register (nobody has registered).
    story.assign("mo", PAIRED_AT)
    run(story, PAIRED_AT + timedelta(seconds=5), registered=frozenset())
    # Commands: a stranger's help and refusal; pause and resume; ready.
    t = PAIRED_AT + DAY
    for i, (who, text) in enumerate(
        [("eve", "/help"), ("eve", "/ready"), ("alice", "/pause exams"), ("mo", "/resume")]
    ):
        story.comment(who, text, t + timedelta(hours=i))
        run(story, t + timedelta(hours=i, seconds=5))
    # The last mentor leaves: nothing yet (it may be a handover), then one comment once
    # the grace period has passed; another takes over.
    story.unassign("mo", t + timedelta(days=2))
    run(story, t + timedelta(days=2, seconds=5))
    run(story, t + timedelta(days=2) + HANDOVER_GRACE)
    story.assign("mia", t + timedelta(days=3))
    run(story, t + timedelta(days=3, seconds=5), registered=frozenset({"mia"}))
    story.comment("mia", "/ready", t + timedelta(days=4))
    run(story, t + timedelta(days=4, seconds=5))
    # No graduation within ready_reminder_days: one reminder.
    run(story, t + timedelta(days=4 + CONFIG.cadence.ready_reminder_days, hours=1))
    # A dated pause: the label off and one comment on its day; then a pause without a
    # date, asked about once after long_pause_days.
    later = t + timedelta(days=40)
    story.comment("alice", f"/pause until {(later + timedelta(days=3)).date()}", later)
    run(story, later + timedelta(seconds=5))
    run(story, later + timedelta(days=3, hours=1))
    story.comment("alice", "/pause", later + timedelta(days=4))
    run(story, later + timedelta(days=4, seconds=5))
    run(story, later + timedelta(days=4 + CONFIG.cadence.long_pause_days, hours=1))

    types = {type(a).__name__ for a in seen}
    assert {"EditComment", "PostComment", "AddLabels", "RemoveLabels"} <= types
    posted = [a.kind for a in seen if isinstance(a, PostComment)]
    kinds = (
        "needs-info",
        "duplicate",
        "waiting",
        "paired",
        "command",
        "ready-reminder",
        "unpaired",
        "pause-ended",
        "pause-reminder",
    )
    for kind in kinds:
        assert kind in posted, (kind, posted)
    assert posted.count("command") == 7
    labels = [(type(a).__name__, a.labels) for a in seen if hasattr(a, "labels")]
    assert ("AddLabels", (LABELS.paused,)) in labels
    assert ("RemoveLabels", (LABELS.paused,)) in labels
    assert ("AddLabels", (ready,)) in labels
    pairings = [a.body for a in seen if isinstance(a, PostComment) and a.kind == "paired"]
    assert ["register as a mentor" in text for text in pairings] == [True, False]  # mia has


def test_a_flood_of_commands_is_answered_a_few_each_run_oldest_first_each_once() -> None:
    story = paired()
    t = PAIRED_AT + DAY
    for i in range(12):
        story.comment("eve", f"/help\n\nnumber {i}", t + timedelta(minutes=i))
    answered: list[str] = []
    for run in range(3):
        when = t + timedelta(hours=run + 1)
        result = story.plan(when, site=SITE)
        replies = [a for a in result.actions if isinstance(a, PostComment) and a.kind == "command"]
        assert len(replies) == min(MAX_REPLIES_PER_RUN, 12 - len(answered))
        answered += [a.key for a in replies]
        story.apply(result.actions, when)
    # Every comment got exactly one reply, in the order they were written.
    assert answered == [str(c.id) for c in story.comments if c.author == "eve"]
    assert story.plan(t + timedelta(hours=5), site=SITE).actions == ()


def test_a_doubled_bot_comment_is_healed_by_deleting_the_later_one() -> None:
    """Two racing runs both posted: the next run deletes the later
    comment, keeps the first, and a run after that (``run`` plans again) wants nothing."""
    story = paired()
    first = story.comments[-1]
    story.comment(BOT, first.body, first.created_at)  # the same marker, a later id
    later = story.comments[-1].id
    result = story.run(PAIRED_AT + DAY)
    assert summary(result.actions) == [f"delete comment {later} (a duplicate paired:mo)"]
    assert [c.id for c in story.comments].count(first.id) == 1
    assert later not in [c.id for c in story.comments]


def test_healing_keeps_a_comment_with_a_marker_of_its_own_and_ignores_other_authors() -> None:
    story = paired()
    paired_body = story.comments[-1].body
    story.comment("mallory", paired_body, PAIRED_AT + DAY)  # anyone can paste a marker
    story.comment(BOT, paired_body + "\n<!-- mentoring:extra:1 -->", PAIRED_AT + DAY)
    assert not [a for a in story.plan(PAIRED_AT + DAY).actions if "delete" in a.describe()]


def test_the_past_wait_tells_only_of_waits_as_long_as_the_applicants() -> None:
    quick = [(1.0, True)] * 3
    assert PastWait.of(quick).beyond(1) == LongWaits(1, 3, 3, 1)
    assert PastWait.of(quick).beyond(30) is None  # a day's pairings say nothing at day 30
    closed = [(120.0, False)] * 5
    assert PastWait.of(quick + closed).beyond(30) == LongWaits(30, 5, 0, None)
    paired = [(30.0, True), (40.4, True), (60.6, True)]
    assert PastWait.of(quick + paired).beyond(30) == LongWaits(30, 3, 3, 40)
    assert PastWait.of(paired[:2] + closed[:1]).beyond(30) == LongWaits(30, 3, 2, None)
    assert PastWait.of(paired[:2]).beyond(30) is None  # two waits are those two people's


def test_a_closed_applications_start_is_its_facts_start() -> None:
    # The dashboard dates a closed application's pairing without working out its facts.
    now = at(2026, 6, 1)
    for story in [opened(), paired(), mentor_replaced(), opened().assign("alice", T0 + DAY)]:
        snapshot = story.close(now - DAY).snapshot()
        assert mentorship_start(snapshot, CONFIG) == facts(snapshot, CONFIG, now).start
    assert mentorship_start(mentor_replaced().snapshot(), CONFIG) == PAIRED_AT
