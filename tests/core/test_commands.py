"""The command parser: what is a command in a comment, and what is not."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.core.commands import MAX_ARGUMENT, NAMES, Command, one_line, parse
from mentoring.core.replies import RULES


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
        # after a comment block (blank lines in it or not), a comment closed in its line,
        # a closed fence after a quote, a list item's code, or raw HTML's block
        ("<!--\n\na note\n\n-->\n/help", Command("help")),
        ("Thanks <!-- a note -->\n/help", Command("help")),
        ("Thanks <!--\na note\n-->\n/help", Command("help")),
        ("> you asked how\n```\n/ready\n```\n/help", Command("help")),
        ("1. step\n   ```\n   /ready\n   ```\n\n/help", Command("help")),
        ("- step\n\n  ```\n  /ready\n  ```\n/help", Command("help")),
        (
            "<details>\n<summary>Log</summary>\n\n```\n/ready\n```\n\n</details>\n\n/help",
            Command("help"),
        ),
        # a comment opened in a paragraph that ended before any --> was plain text
        ("I typed <!-- by mistake\n\n/help", Command("help")),
        ("> a list item ends a quote\n- one\n/help", Command("help")),
        ("<!-->\n/help\n-->", Command("help")),  # <!--> is a whole (empty) comment
        # GitHub shows a tab or a no-break space as a space: either separates the reason.
        ("/pause\treason", Command("pause", "reason")),
        ("/pause\u00a0reason", Command("pause", "reason")),
        ("/pause\u00a0", Command("pause")),
        ("/PAUSE\t\u00a0 exams  in June", Command("pause", "exams in June")),
        # After raw HTML quotes and code are closed, math is closed, a table has ended.
        ("<code>x</code>\n/help", Command("help")),
        ("She wrote <blockquote>\n/ready\n</blockquote>\n/help", Command("help")),
        ("<pre>\n\n/ready\n\n</pre>\n\n/help", Command("help")),
        ("Use `<code>` for that.\n/help", Command("help")),  # a tag in a code span is text
        ("$$\nx^2\n$$\n/help", Command("help")),
        ("a | b\n--- | ---\n/ready | x\n\n/help", Command("help")),
        ("/help\n---", Command("help")),  # a heading's underline, not a table
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
        "/pause\u200breason",  # a zero-width space separates nothing
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


@pytest.mark.parametrize(
    "text",
    [
        # A fence or a line starting <!-- cannot continue a quote: it ends it and starts a
        # block of its own, which the blank line after it does not end.
        "> you asked how\n```\n\n/ready\n```",
        "> thanks\n<!--\n\n/pause\n-->",
        "> thanks\n~~~\n/pause\n~~~",
        # An HTML comment opened within a line hides what follows, up to its -->.
        "Thanks <!--\n/pause\n-->",
        "> Thanks <!--\n/pause\n-->",
        "- item <!--\n/pause\n-->",
        "Thanks <!-- a --> and <!--\n/pause\n-->",
        "text\n    <!--\n/pause\n-->",
        # A comment block starts inside a paragraph's comment, or after indented code.
        "a <!--\n<!--\n\n/pause\n-->",
        "    <!--\n  <!--\n\n/pause",
        # A fence ends a paragraph, and a comment opened in it was plain text.
        "a <!--\n```\n-->\n/pause\n```",
        # HTML reads on to the next -->: a raw comment left open hides the rest.
        "<!-- a --> b <!-- c\n\n-->\n\n/pause",
        "> <!--\n/pause\n-->\n\n/pause",
        "<details>\n<!--\n\n/pause\n\n-->\n\n/pause",
        "<pre> <!--\n</pre>\n-->\n/pause",
        # Code in a list item: the item's column decides which lines are in it.
        "- ```\n  /pause\n  ```",
        "1. step\n   ```\n   /pause\n   ```",
        "- a\n\n  ```\n  x\n```\n/pause\n```",
        "- a\n\n    ```\n  /pause\n    ```",
        "-\n\n  ```\n/pause\n```",
        # Raw HTML's text, or a fence of its own after its block: cannot tell.
        "<div>\n```\n\n```\n/pause\n```",
        # Only spaces and tabs make a blank line: a no-break space continues the quote.
        "> quoted\n\u00a0\n/pause",
        "Thanks <!--\n\u00a0\n/pause\n-->",
    ],
)
def test_commands_in_code_quotes_and_comments_are_not_read(text: str) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # Raw HTML quotes and code hide every line that starts before they close, where
        # ever on a line they open, blank lines or not.
        "<blockquote>\n/pause\n</blockquote>",
        "<blockquote>\n\n/pause\n\n</blockquote>",
        "She wrote: <blockquote>\n/pause\n</blockquote>",
        "How to: <code>\n/pause\n</code>",
        "Like this <pre>\n/pause\n</pre>",
        "<PRE class=x>\n\n/pause",
        "<code>\n\n/pause\n\n</code>",  # HTML reopens <code> in the next paragraph
        "<q>\n/pause\n</q>",
        "Press <kbd>\n/pause\n</kbd>",
        "<blockquote><blockquote></blockquote>\n/pause\n</blockquote>",
        "<code>\n</pre>\n/pause",  # another element's end closes nothing
        # A closing tag that may be text closes nothing.
        "<code>\n`</code>`\n/pause",
        "<code>\n<!-- </code> -->\n/pause",
        "<code> `a\n</code>\n/pause",
        "<code>\n```\n</code>\n```\n/pause",
        # An opening tag that may be HTML opens, even after a backtick.
        "Use `<code>\n/pause",
        "a \\` `<code>`\n/pause",
        "<div>`<code>`\n/pause",
        "<!-- <code> -->\n/pause",  # erring on hidden: the comment may be text
        # A GFM table: its header and every row up to a blank line, pipes or not.
        "| /pause |\n| --- |",
        "/pause | now\n--- | ---",
        "/pause\n|---|",
        "a | b\n:-- | --:\n/pause",
        "a | b\n-|-\nc | d\n/pause holiday",
        "| a |\n| - |\n\n| b |\n| - |\n/pause",
        # $$ math, blank lines or not.
        "$$\n/pause\n$$",
        "Solve $$\n\n/pause\n$$",
        "$$ a $$ and $$\n/pause",
    ],
)
def test_commands_in_raw_html_quotes_code_tables_and_math_are_not_read(text: str) -> None:
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


def test_every_command_the_parser_knows_has_one_rule_to_answer_it() -> None:
    assert sorted(RULES) == sorted(NAMES)


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
        "> " * 32_768,
        "- " * 32_768,
        " - " * 21_845 + "```",
        "<!--" * 16_384,
        "<!-->" * 13_107,
        "-->" * 21_845,
        "<!--\n-->\n" * 7_281,
        "a <!--\n" * 9_362,
        "- ```\n" * 10_922,
        "1. ```\n   x\n" * 5_000,
        "<div>\n" * 10_922,
        "> a\nb\n" * 10_922,
        "> " * 16_384 + "</code>" * 4_681,
        "<code " * 10_922,
        "`<code>`" * 8_192,
        "</code   " * 6_553,
        "<code>\n" * 9_362,
        "|-" * 32_768,
        "a|b\n-|-\n" * 8_192,
        "$$\n" * 21_845,
    ],
)
def test_the_worst_text_github_allows_is_parsed_in_linear_time(text: str) -> None:
    # The CPU time of this process, best of three: what the parse costs, not how long
    # another process on a busy machine kept it waiting.
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        parse(text)
        parse(text * 3)  # past the cap: only the first 65,536 characters are read
        best = min(best, time.process_time() - started)
    assert best < 0.5


# --- a command in code or an HTML comment is never read, whatever came before ---------

# Text that leaves nothing open after it: prose, quotes and their lazy lines, list items,
# headings, closed fences and comments, a raw HTML block ended by a blank line.
BEFORE = st.sampled_from(
    [
        "Thanks, all good.",
        "> you asked how",
        "> > a quote in a quote",
        ">",
        "a lazy line",
        "- an item",
        "1. a step",
        "  - a nested item",
        "   three spaces in",
        "    indented code",
        "",
        " ",
        "# A heading",
        "---",
        "* * *",
        "```\ncode\n```",
        "~~~~\n```\n~~~~",
        "<!-- a note -->",
        "<!--\n\na note\n-->",
        "Text <!-- hidden --> more",
        "<details>\n<summary>Log</summary>\n",
        "**bold** and `code`",
    ]
)
COMMANDS = st.sampled_from(["/ready", "/pause exams", "/resume", "/help", "/mentor"])
# Lines that neither end a fence nor close a comment.
AMONG = st.sampled_from(["", "code", "> not a quote", "- not an item", "<div>", "/shrug"])
# Lines that go on a paragraph without ending it (and hold no "--", which would make an
# HTML comment in it plain text).
PROSE = st.sampled_from(["more text", "  indented text", "@cora said so", "x < y"])


# Where a raw HTML quote or code element opens, and how it may close.
ELEMENT_OPENINGS = st.sampled_from(
    ["<blockquote>", "She wrote: <blockquote>", "<code>", "How to: <code>", "a <pre>", "<q>"]
)
ELEMENT_CLOSINGS = st.sampled_from(["", "</blockquote>", "</code>", "</pre>", "</q>", "x"])
TABLE_HEADS = st.sampled_from(["a | b\n--- | ---", "| a |\n| :-: |", "a|b\n-|-"])
# Lines of a table's rows: anything but a blank line, which ends the table.
ROWS = st.sampled_from(["c | d", "| c |", "just text", "<div>", "/shrug"])


@st.composite
def hidden(draw: st.DrawFn) -> str:
    """A command in a fence, a comment block, a comment opened in a paragraph (closed:
    open to the paragraph's end it would be plain text), a comment never closed, a raw
    HTML quote or code element, a table's rows, or $$ math."""
    command = draw(COMMANDS)
    kind = draw(
        st.sampled_from(
            ["fence", "comment block", "comment in a line", "unclosed", "element", "table", "math"]
        )
    )
    if kind == "element":
        lines = [*draw(st.lists(AMONG, max_size=3)), command, *draw(st.lists(AMONG, max_size=3))]
        return "\n".join([draw(ELEMENT_OPENINGS), *lines, draw(ELEMENT_CLOSINGS)])
    if kind == "table":
        rows = [*draw(st.lists(ROWS, max_size=2)), command, *draw(st.lists(ROWS, max_size=2))]
        return "\n".join([draw(TABLE_HEADS), *rows])
    if kind == "math":
        lines = [*draw(st.lists(AMONG, max_size=3)), command, *draw(st.lists(AMONG, max_size=3))]
        return "\n".join([draw(st.sampled_from(["$$", "Solve $$"])), *lines, "$$"])
    if kind == "fence":
        char = draw(st.sampled_from("`~"))
        run = char * draw(st.integers(3, 5))
        indent = " " * draw(st.integers(0, 3))  # its lines as indented: in its list item
        lines = [*draw(st.lists(AMONG, max_size=3)), command, *draw(st.lists(AMONG, max_size=3))]
        opening = indent + run + draw(st.sampled_from(["", "python", " a ~ b"]))
        closing = draw(st.sampled_from([indent + run, indent + run + char, ""]))
        return "\n".join([opening, *(indent + line for line in lines), closing])
    if kind == "comment in a line":
        lines = [*draw(st.lists(PROSE, max_size=2)), command, *draw(st.lists(PROSE, max_size=2))]
        return "\n".join(
            [
                draw(st.sampled_from(["Thanks <!--", "a <!-- b", "<b>hi</b> <!--"])),
                *lines,
                draw(st.sampled_from(["-->", "end -->", "x --> y"])),
            ]
        )
    lines = [*draw(st.lists(AMONG, max_size=3)), command, *draw(st.lists(AMONG, max_size=3))]
    opening = " " * draw(st.integers(0, 3)) + draw(st.sampled_from(["<!--", "<!-- note", "<!--x"]))
    closing = "" if kind == "unclosed" else draw(st.sampled_from(["-->", "a -->", "--> b"]))
    return "\n".join([opening, *lines, closing])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(BEFORE, max_size=6), hidden())
def test_a_command_in_code_a_comment_a_table_or_math_is_never_read_after_any_text(
    before: list[str], inside: str
) -> None:
    assert parse("\n".join([*before, inside])) is None
