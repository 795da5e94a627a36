"""Who is who on an application: one rule (``roles_of``) for the planner, the participants
check and the dashboard, so none of them names a different mentor."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from mentoring.core import dashboard as dash
from mentoring.core.model import IssueSnapshot
from mentoring.core.participants import application_info
from mentoring.core.roles import roles_of
from planner_cases import CONFIG, COORD, DAY, T0, Story

SECOND = timedelta(seconds=1)


def _mentored_by_command() -> Story:
    """A coordinator the bot assigned says /mentor, and the bot accepts it."""
    story = Story()
    story.run(T0 + SECOND)  # the bot assigns the coordinators and welcomes
    story.comment(COORD, "/mentor", T0 + DAY)
    story.run(T0 + DAY + SECOND)  # the reply, and the pairing with it
    return story


def test_a_coordinators_mentor_command_makes_them_the_mentor_for_every_caller() -> None:
    story = _mentored_by_command()
    now = T0 + 2 * DAY
    planned = story.plan(now)
    info = application_info(story.snapshot(), CONFIG)
    row = dash.row_of(story.snapshot(), planned.mentorship, CONFIG, now)
    assert planned.mentorship.mentors == info.mentors == row.mentors == (COORD,)
    assert info.mentored
    assert row.started == planned.mentorship.start == T0 + DAY


def test_a_coordinator_the_bot_assigned_stays_one_after_leaving_the_list() -> None:
    story = Story()
    story.run(T0 + SECOND)
    left = replace(CONFIG, coordinators=("someone-else",))
    roles = roles_of(story.snapshot(), left)
    assert COORD.lower() in roles.coordinators
    assert roles.mentors == ()
    # Without the timeline nobody knows the bot assigned them: the config's list decides.
    alone = roles_of(IssueSnapshot(story.snapshot().issue, (), ()), left)
    assert alone.mentors == (COORD,)


def test_a_closed_row_takes_who_is_who_from_the_issue_alone() -> None:
    story = _mentored_by_command()
    story.close(T0 + 3 * DAY, reason="completed")
    issue = story.snapshot().issue
    row = dash.closed_row(issue, CONFIG)
    alone = roles_of(IssueSnapshot(issue, (), ()), CONFIG)
    # The /mentor is in the timeline, which a closed row does not read: the coordinator
    # is only a coordinator there.
    assert (row.mentee, row.mentors) == (alone.mentee, alone.mentors) == ("alice", ())
