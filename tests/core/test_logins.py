"""The one rule for GitHub logins."""

from __future__ import annotations

import pytest

from mentoring.core.logins import is_bot_login, is_login, is_login_or_bot


@pytest.mark.parametrize(
    ("login", "ok"),
    [
        ("a", True),
        ("octocat", True),
        ("mona-lisa", True),
        ("A1-b2-C3", True),
        ("x" * 39, True),
        ("x" * 40, False),
        ("", False),
        ("-mona", False),
        ("mona-", False),
        ("mona--lisa", False),
        ("mona_lisa", False),
        ("@mona", False),
        ("mona lisa", False),
        ("mona\n", False),
        ("ｍｏｎａ", False),
        ("github-actions[bot]", False),
        (42, False),
        (None, False),
    ],
)
def test_is_login(login: object, ok: bool) -> None:
    assert is_login(login) is ok


@pytest.mark.parametrize(
    ("login", "ok"),
    [
        ("github-actions[bot]", True),
        ("octocat", True),
        ("my-app[bot]", True),
        ("[bot]", False),
        ("my app[bot]", False),
        ("app[bot]\n", False),
        ("app[bot][bot]", False),
        (7, False),
    ],
)
def test_is_login_or_bot(login: object, ok: bool) -> None:
    assert is_login_or_bot(login) is ok


@pytest.mark.parametrize(
    ("login", "bot"),
    [
        ("github-actions[bot]", True),
        ("Dependabot[BOT]", True),
        ("octocat", False),
        ("bot", False),
        ("robot-bot", False),
    ],
)
def test_is_bot_login(login: str, bot: bool) -> None:
    assert is_bot_login(login) is bot
