"""A mentor registration opened just before the scheduled run: its `issues.opened` run
posts the welcome while the scheduled run, which read it in bulk, is still at the
applications. The scheduled run looks again before writing, so the welcome is posted
once; and a welcome doubled anyway (two runs that both looked) is healed, as on
applications."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from test_reconcile_links import (
    CONFIG,
    COORD,
    FORMS,
    REGISTER,
    _application_body,
    _run,
    _run_issue,
)

from mentoring.core.model import Action
from mentoring.files import forms as form_files
from mentoring.github.repository import Repo
from simulator.issue_forms import render_body
from simulator.sandbox import Sandbox

REGISTRATION = CONFIG.mentor_registration
assert REGISTRATION is not None
WELCOME_MARKER = "<!-- mentoring:registration-welcome -->"


def _welcomes(sb: Sandbox, number: int) -> list[dict[str, Any]]:
    return [c for c in sb.comments(number) if WELCOME_MARKER in c["body"]]


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(start=datetime(2026, 1, 5, tzinfo=UTC)) as sandbox:
        for login, permission in ((COORD, "admin"), ("bob", "write")):
            sandbox.add_user(login)
            sandbox.set_permission(login, permission)
        sandbox.add_user("ana")
        yield sandbox


def _register(sb: Sandbox) -> int:
    form = form_files.load_form(FORMS / "mentor-registration.yml")
    return sb.open_issue("bob", "Mentor", render_body(form, REGISTER), [REGISTRATION.label])


@pytest.mark.parametrize("read", ["graphql", "rest"])
def test_a_welcome_its_event_run_posted_meanwhile_is_not_posted_again(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    sb.open_issue("ana", "Application", _application_body(), [CONFIG.application.label])
    sb.advance(minutes=5)
    registration = _register(sb)
    original = Repo.apply
    raced: list[int] = []

    def apply(self: Repo, action: Action, *, check_first: bool = False) -> None:
        if not raced and action.issue != registration:
            # The scheduled run's first write, on the application: meanwhile the
            # registration's own run (its own concurrency group) welcomes it.
            raced.append(_run_issue(sb, registration)[0])
        original(self, action, check_first=check_first)

    monkeypatch.setattr(Repo, "apply", apply)
    code, _ = _run(sb, "--read", read)
    assert code == 0
    assert raced == [0]
    assert len(_welcomes(sb, registration)) == 1


def test_a_doubled_registration_welcome_is_deleted_by_the_next_run(sb: Sandbox) -> None:
    registration = _register(sb)
    assert _run_issue(sb, registration)[0] == 0
    [first] = _welcomes(sb, registration)
    sb.comment(registration, CONFIG.bot, f"Welcome again!\n{WELCOME_MARKER}")  # a racing run's
    sb.advance(hours=1)
    sb.clear_logs()
    assert _run(sb)[0] == 0  # (it also makes the dashboard: that is another issue)
    on_it = [w["type"] for w in sb.writes if w["issue"] == registration]
    assert on_it == ["delete_comment"]
    assert [c["id"] for c in _welcomes(sb, registration)] == [first["id"]]  # the first stays
    sb.advance(days=1)
    sb.clear_logs()
    assert _run(sb)[0] == 0
    assert [w for w in sb.writes if w["issue"] == registration] == []  # healed once
