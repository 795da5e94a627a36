"""GitHub logins: the one rule for what text can be a username, used everywhere."""

from __future__ import annotations

import re

# GitHub's rule for new accounts: 1-39 letters, digits or single hyphens, no hyphen at
# either end. (A few very old accounts break it; none of them will take part here.)
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
# An app's bot user is its slug with "[bot]" after it, like github-actions[bot].
BOT_LOGIN = re.compile(rf"{LOGIN.pattern}(?:\[bot\])?")


def is_login(value: object) -> bool:
    """True if ``value`` is text GitHub would accept as a username (no ``@``, no spaces)."""
    return isinstance(value, str) and LOGIN.fullmatch(value) is not None


def is_bot_login(login: str) -> bool:
    """Whether ``login`` is a bot's: GitHub Apps and Actions act as ``name[bot]`` users."""
    return login.lower().endswith("[bot]")


def is_login_or_bot(value: object) -> bool:
    """True if ``value`` is a username, or an app's bot login such as ``name[bot]``."""
    return isinstance(value, str) and BOT_LOGIN.fullmatch(value) is not None
