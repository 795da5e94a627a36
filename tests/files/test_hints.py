"""mentoring.files.hints: one way to name a value's kind, suggest a name, check a web address."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from mentoring.files.hints import closest, describe, did_you_mean, is_web_url, yaml_kind


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("mentrs", ["name", "github", "mentors"], "mentors"),
        ("Mentors", ["name", "mentors"], "mentors"),  # case is not a typo
        ("textare", ["input", "textarea"], "textarea"),
        ("zzz", ["name", "github"], None),
        (5, ["github"], None),
        ("x" * 101 + "mentors", ["mentors"], None),  # too long to be a name
    ],
)
def test_closest(word: object, choices: list[str], expected: str | None) -> None:
    assert closest(word, choices) == expected


def test_did_you_mean_is_one_sentence_or_nothing() -> None:
    assert did_you_mean("githb", ["github"]) == "Did you mean `github`?"
    assert did_you_mean("nothing like it", ["github"]) == ""


def test_a_huge_key_costs_no_time() -> None:
    start = time.process_time()  # CPU time: not inflated by another busy process
    assert closest("m" * 65_536, ["mentors", "name", "github"]) is None
    assert time.process_time() - start < 0.1


@pytest.mark.parametrize(
    ("value", "kind", "described"),
    [
        (None, "empty", "empty"),
        (True, "yes/no (true/false)", "`true`"),
        (3, "a number", "`3`"),
        (2.5, "a number", "`2.5`"),
        (dt.date(2026, 3, 1), "a date", "`2026-03-01`"),
        ([1], "a list", "a list"),
        ({"a": 1}, "a mapping (`key: value` lines)", "a mapping (`key: value` lines)"),
        ("text", "text", "`text`"),
        ("  ", "text", "empty text"),
    ],
)
def test_kinds_and_descriptions(value: object, kind: str, described: str) -> None:
    assert yaml_kind(value) == kind
    assert describe(value) == described


def test_a_described_value_is_bounded_and_on_one_line() -> None:
    text = describe("@everyone\n" * 1000)
    assert len(text) < 70
    assert "\n" not in text


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://example.org", True),
        ("http://example.org/handbook#start", True),
        ("HTTPS://EXAMPLE.ORG", True),
        ("https://", False),
        ("https://:80/x", False),
        ("https://exa mple.org", False),
        ("ftp://example.org", False),
        ("example.org", False),
        ("javascript:alert(1)", False),
        ("https://[::1", False),  # urlsplit refuses it
    ],
)
def test_is_web_url(text: str, ok: bool) -> None:
    assert is_web_url(text) is ok
