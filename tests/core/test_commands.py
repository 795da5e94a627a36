"""The command parser: what is a command in a comment, and what is not."""

from __future__ import annotations

import time

import pytest

from mentoring.core.commands import MAX_ARGUMENT, Command, one_line, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ready", Command("ready")),
        ("/READY", Command("ready")),
        ("  /help  ", Command("help")),
        ("/pause exams until June", Command("pause", "exams until June")),
        ("/pause   two   spaces\t", Command("pause", "two spaces")),
        ("Thanks!\n\n/resume\n\nSee you.", Command("resume")),
        ("/mentor", Command("mentor")),
        ("/resume\r\n", Command("resume")),
        ("a\r/pause", Command("pause")),
        # only the first command counts
        ("/pause one\n/resume\n/ready", Command("pause", "one")),
        # an unknown /word is not a command, so the next line may still be one
        ("/shrug\n/help", Command("help")),
        # a closed fence ends; the line after it counts
        ("```\n/ready\n```\n/help", Command("help")),
        ("~~~~\n/ready\n~~~\n~~~~\n/pause", Command("pause")),
        # a blank line ends a block quote
        ("> /ready\n\n/help", Command("help")),
        ("<!-- a note -->\n/help", Command("help")),
    ],
)
def test_commands(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I think she is /ready",
        "/readyy",
        "/ready:",
        "/pause\treason",
        "/shrug",
        "/ help",
        "//help",
        "- /pause",
        "`/pause`",
        "    /pause",  # indented code
        "\t/pause",
        "\u2215pause",  # DIVISION SLASH
        "\uff0fpause",  # FULLWIDTH SOLIDUS
        "\u200b/pause",  # a zero-width space before it
        "\u00a0/pause",  # a no-break space is not indentation
        "> /pause",
        ">/pause",
        "   > /pause",
        "> quoted text\n/pause",  # lazy continuation: renders inside the quote
        "```\n/pause\n```",
        "~~~\n/pause",  # an unclosed fence runs to the end
        "````\n```\n/pause\n",  # a shorter run does not close a longer fence
        "```python\n/ready\n```",
        "<!--\n/pause\n-->",
        "<!-- /pause -->",
    ],
)
def test_not_commands(text: str) -> None:
    assert parse(text) is None


def test_a_backtick_line_with_backticks_after_it_is_not_a_fence() -> None:
    assert parse("``` not `a` fence\n/help") == Command("help")


def test_the_reason_is_one_bounded_line_without_invisible_characters() -> None:
    command = parse("/pause " + "exams \u202eevil\u200b " + "x" * 1000)
    assert command is not None
    assert len(command.argument) <= MAX_ARGUMENT
    assert "\u202e" not in command.argument
    assert "\u200b" not in command.argument
    assert command.argument.startswith("exams evil ")
    assert one_line("a\n\nb\x00c", 10) == "a bc"


def test_a_thousand_pause_lines_give_the_first_one_quickly() -> None:
    text = "\n".join(f"/pause {i}" for i in range(1000))
    assert parse(text) == Command("pause", "0")


@pytest.mark.parametrize(
    "text",
    [
        "> " + "x" * 65_530,
        "```\n" + "/pause\n" * 9_000,
        "<!--\n" + "/pause\n" * 9_000,
        "\n" * 65_536,
        " " * 65_536,
        "/" * 65_536,
        "/pause" + " " * 65_000 + "x",
        "/shrug\n" * 9_000,
        "`" * 65_536,
        ("```" + "`" * 100 + "\n") * 600,
    ],
)
def test_the_worst_text_github_allows_is_parsed_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    parse(text)
    parse(text * 3)  # past the cap: only the first 65,536 characters are read
    assert time.perf_counter() - started < 0.5
