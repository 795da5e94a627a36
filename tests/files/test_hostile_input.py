"""Every parser of text people write runs in linear time on the worst text GitHub allows.

GitHub caps issue and comment bodies at 65,536 characters. Hypothesis builds hostile
inputs up to that size (a short unit of the characters the parsers look for, repeated,
between a prefix and a suffix: the shapes that make backtracking patterns blow up) and
each parse is timed against a plain input of the same length. A ratio, not seconds, so a
slow or busy machine does not fail it; a quadratic parser is hundreds of times slower
at this size (``- [x] a``, 65,000 spaces, ``b`` took about 52 s where a plain body of the
same length takes milliseconds).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.core import forms
from mentoring.core.calendar import bot_comments
from mentoring.core.commands import parse as parse_command
from mentoring.core.logins import is_login
from mentoring.core.model import Comment
from mentoring.files.config import parse_config
from mentoring.files.participants import parse_participants
from mentoring.files.yamlfile import YamlFileError
from paths import ROOT_DIR

ROOT = ROOT_DIR
CAP = 65_536
# Generous: linear parsers stay within a few times the plain input; quadratic ones at
# this size are hundreds or thousands of times slower.
RATIO = 25
FLOOR = 0.05  # seconds: below this, timer noise on a shared machine dominates

HOSTILE = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The characters the parsers treat specially, and the runs that hurt backtracking.
PIECES = [
    " ",
    "\t",
    "#",
    "###",
    "- [x] ",
    "[X]",
    "`",
    "```",
    "~",
    ",",
    ", ",
    "\n",
    "\r\n",
    "a",
    "-",
    ":",
    "/",
    "@",
    "<!-- mentoring:",
    "checkin:",
    " -->",
    "_No response_",
    "é",
]


@st.composite
def hostile(
    draw: st.DrawFn, prefixes: list[str], size: int = CAP, pieces: list[str] = PIECES
) -> str:
    """A prefix, one short unit repeated up to ``size`` characters, and a suffix."""
    prefix = draw(st.sampled_from(prefixes))
    unit = "".join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=4)))
    suffix = draw(st.sampled_from(["", "b", "\n", " #", "```", "x -->"]))
    room = max(size - len(prefix) - len(suffix), 0)
    return (prefix + unit * (room // len(unit) + 1))[: size - len(suffix)] + suffix


def cost(parse: Callable[[str], object], text: str, repeat: int = 2) -> float:
    """The best of ``repeat`` timings of one parse, in seconds of this process's CPU time."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()  # CPU time: not inflated by another busy process
        parse(text)
        best = min(best, time.process_time() - started)
    return best


@functools.cache  # the plain input of a test is the same for every example drawn
def plain_cost(parse: Callable[[str], object], plain: str) -> float:
    """The cost of parsing a test's plain input, measured once per process."""
    return cost(parse, plain, repeat=3)


def assert_linear(parse: Callable[[str], object], text: str, plain: str) -> None:
    assert len(text) <= CAP + 100
    base = plain_cost(parse, plain)
    took = cost(parse, text)
    assert took <= RATIO * base + FLOOR, (
        f"{took:.3f}s on a hostile input of {len(text)} characters, {base:.4f}s on a plain one"
    )


def plain_text(size: int = CAP) -> str:
    line = "I would like to learn how to maintain a package, review code and write docs.\n"
    return (line * (size // len(line) + 1))[:size]


# --- issue bodies against forms ---------------------------------------------------------

FORM = forms.Form(
    file="t.yml",
    name="t",
    description="",
    title="",
    labels=(),
    fields=(
        forms.Field("name", "Your name", "input", required=True),
        forms.Field("about", "About you", "textarea"),
        forms.Field("code", "Some code", "textarea", render="python"),
        forms.Field("areas", "Areas", "dropdown", options=("a, b", "c"), multiple=True),
        forms.Field("pick", "Pick one", "dropdown", options=("x", "y")),
        forms.Field("agree", "Agreement", "checkboxes", options=("I agree",)),
    ),
)
HEADINGS = [f"### {f.label}\n\n" for f in FORM.fields]


def parse_form_body(text: str) -> object:
    return forms.parse_body(FORM, text)


def test_the_reported_checkbox_line_parses_in_linear_time() -> None:
    body = "### Agreement\n\n- [x] a" + " " * 65_000 + "b"
    assert_linear(parse_form_body, body, "### Agreement\n\n" + plain_text(65_008))
    assert forms.parse_body(FORM, body)["agree"] == ["a" + " " * 65_000 + "b"]


@HOSTILE
@given(hostile([*HEADINGS, "", "### ", "- [x] a", "```\n", "~~~~py\n"]))
def test_issue_bodies_parse_in_linear_time(body: str) -> None:
    plain = HEADINGS[1] + plain_text(CAP - len(HEADINGS[1]))
    assert_linear(parse_form_body, body, plain)
    assert_linear(lambda text: forms.orphaned_fields(FORM, text), body, plain)


@HOSTILE
@given(hostile(["", "a, "], size=CAP - 20))
def test_multi_select_answers_parse_in_linear_time(answer: str) -> None:
    body = "### Areas\n\n" + answer
    assert_linear(parse_form_body, body, "### Areas\n\n" + plain_text(len(answer)))


def test_bodies_past_githubs_cap_are_read_only_up_to_it() -> None:
    body = "### Your name\n\nAda" + " " * CAP + "\n### About you\n\nhidden"
    assert forms.parse_body(FORM, body) == {"name": "Ada"}


# --- participants.yml, the config, markers, logins ---------------------------------------


def parse_participants_text(text: str) -> object:
    return parse_participants(text, "participants.yml")


@HOSTILE
@given(hostile(["", "- name: ", "- github: ", "- issue: ", "- {name: a, github: b, issue: '#"]))
def test_participants_files_parse_in_linear_time(text: str) -> None:
    plain = "".join(
        f"- name: Person {i}\n  github: person-{i}\n  issue: {i + 1}\n" for i in range(1200)
    )
    assert_linear(parse_participants_text, text, plain[:CAP])


@HOSTILE
@given(st.sampled_from(["#", "https://github.com/o/r/issues/", "https://", "1"]), st.data())
def test_participants_issue_values_parse_in_linear_time(prefix: str, data: st.DataObject) -> None:
    value = data.draw(hostile([prefix], size=CAP - 40)).replace("'", "").replace("\n", " ")
    text = f"- name: A\n  github: a\n  issue: '{value}'\n"
    plain = f"- name: A\n  github: a\n  about: '{'a' * CAP}'\n"
    assert_linear(parse_participants_text, text, plain)


def parse_config_text(text: str) -> object:
    try:
        return parse_config(text, ".github/mentoring.yml", ROOT)
    except YamlFileError:
        return None


@HOSTILE
@given(hostile(["coordinators: [", "program:\n  contact: ", "labels:\n  paused: ", ""]))
def test_config_files_parse_in_linear_time(text: str) -> None:
    plain = "coordinators: [cora]\nprogram:\n  contact: '" + "a" * (CAP - 60) + "'\n"
    assert_linear(parse_config_text, text, plain)


@HOSTILE
@given(hostile(["", "<!-- mentoring:", "<!-- mentoring:checkin:", "<!-- mentoring:a-"]))
def test_markers_are_found_in_linear_time(body: str) -> None:
    def scan(text: str) -> object:
        return bot_comments([Comment(1, "bot", text, None)], "bot")  # type: ignore[arg-type]

    assert_linear(scan, body, plain_text())


@HOSTILE
@given(hostile(["", "a", "a-", "@"]))
def test_logins_are_checked_in_linear_time(text: str) -> None:
    assert_linear(is_login, text, plain_text())


# --- commands in comments -----------------------------------------------------------------

# What the command parser looks for: quotes, list markers, fences, HTML and its comments.
COMMAND_PIECES = [
    *PIECES,
    ">",
    "> ",
    "- ",
    "1. ",
    "~~~",
    "<",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<div>",
    "<pre>",
    "/pause",
    "    ",
    "<code",
    "</code>",
    "<blockquote>",
    "|",
    "|-",
    "$$",
    "\u00a0",
]


@HOSTILE
@given(
    hostile(
        [
            "",
            "> ",
            "- ",
            "1. ```\n",
            "<div>\n",
            "<!--",
            "Thanks <!--\n",
            "```\n",
            "/",
            "a <code>\n",
            "a|b\n-|-\n",
        ],
        pieces=COMMAND_PIECES,
    )
)
def test_commands_are_found_in_linear_time(comment: str) -> None:
    # The parser works line by line: a plain comment of as many (short) lines is the
    # fair measure. Quadratic work at this size takes seconds, not milliseconds.
    assert_linear(parse_command, comment, ("ok\n" * CAP)[:CAP])
