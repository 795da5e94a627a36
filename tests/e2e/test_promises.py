"""Only promises that hold, through the sandbox: a comment offers a private word with
the coordinators only when `program.contact` gives one (GitHub has no private
messages), and links each form of it as it should."""

from __future__ import annotations

from typing import Any

import pytest
from test_scenarios import apply, comments, run, scenario

CONTACT_KINDS = ("paired", "checkin", "unpaired")


def _story(contact: str | None) -> dict[str, Any]:
    """Paired, one check-in, then the mentor leaves: each comment that may offer a contact."""
    story = scenario(
        "2026-01-05T00:00:00Z",
        "2026-02-10T00:00:00Z",
        [
            apply("2026-01-05T10:00:00Z"),
            {"at": "2026-01-06T09:00:00Z", "by": "cora", "assign": {"issue": 1, "users": ["bob"]}},
            {
                "at": "2026-02-08T09:00:00Z",
                "by": "cora",
                "unassign": {"issue": 1, "users": ["bob"]},
            },
        ],
    )
    story["config"]["program"] = {"contact": contact}
    return story


def _bodies(contact: str | None) -> dict[str, str]:
    result = run(_story(contact))
    assert result.failed_runs == 0
    found = {a["kind"]: a["body"] for a in comments(result) if a["kind"] in CONTACT_KINDS}
    assert set(found) == set(CONTACT_KINDS)
    return found


def test_without_a_contact_no_comment_promises_a_private_word() -> None:
    for kind, body in _bodies(None).items():
        assert "privat" not in body.lower(), kind


@pytest.mark.parametrize(
    ("contact", "link"),
    [
        ("mentoring@example.org", "mailto:mentoring@example.org"),
        ("mailto:mentoring@example.org", "mailto:mentoring@example.org"),
        ("https://example.org/contact", "https://example.org/contact"),
    ],
)
def test_a_contact_is_offered_and_linked_as_it_is_written(contact: str, link: str) -> None:
    for kind, body in _bodies(contact).items():
        assert f"[write to the coordinators privately]({link})" in body, kind
        assert "mailto:mailto:" not in body, kind
