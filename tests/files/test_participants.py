"""participants.yml: every problem reported at its line, with words that say what to change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mentoring.core.participants import (
    IssueInfo,
    Participant,
    Participants,
    added_entries,
    check_against_issues,
    shown,
)
from mentoring.files import yamlfile
from mentoring.files.participants import load_configured, load_participants, parse_participants
from paths import ROOT_DIR, TESTS_DIR

DATA = TESTS_DIR / "data" / "participants"
REPO = ROOT_DIR


def problems_of(name: str) -> list[tuple[int, str]]:
    result = load_participants(DATA / name, "participants.yml")
    return [(p.line, p.message) for p in result.problems]


# Each bad file: the exact line of every problem, and words the message must contain.
BAD_FILES = [
    ("broken_yaml.yml", [(4, "not valid YAML")]),
    ("mapping.yml", [(2, "must be a list of entries")]),
    ("string_entry.yml", [(3, "just the text `bob`")]),
    ("duplicate_logins.yml", [(6, "already used by entry 1 (line 2)")]),
    ("missing_name.yml", [(3, "`name` is missing")]),
    ("at_login.yml", [(2, "you wrote `@alice`. Write `github: alice`")]),
    ("url_login.yml", [(2, "Write `github: alice`")]),
    ("unknown_key.yml", [(3, "Did you mean `mentors`?")]),
    ("bad_dates.yml", [(3, "not a real day"), (6, "you wrote `next week`")]),
    ("tags.yml", [(3, "tags")]),
    ("billion_laughs.yml", [(3, "anchors and aliases")]),
]


@pytest.mark.parametrize(("name", "expected"), BAD_FILES, ids=[n for n, _ in BAD_FILES])
def test_bad_file_reports_each_problem_at_its_line(name: str, expected: list) -> None:
    found = problems_of(name)
    assert [line for line, _ in found] == [line for line, _ in expected]
    for (_, message), (_, words) in zip(found, expected, strict=True):
        assert words in message


@pytest.mark.parametrize(("name", "expected"), BAD_FILES, ids=[n for n, _ in BAD_FILES])
def test_crlf_file_reports_the_same_lines(name: str, expected: list) -> None:
    crlf = (DATA / name).read_bytes().replace(b"\n", b"\r\n")
    found = parse_participants(crlf, "participants.yml").problems
    assert [p.line for p in found] == [line for line, _ in expected]


def test_at_login_message_speaks_to_a_first_time_contributor() -> None:
    assert problems_of("at_login.yml") == [
        (
            2,
            "entry 1 (line 2): `github` must be a GitHub username like `octocat`, without `@`"
            " or a URL; you wrote `@alice`. Write `github: alice`.",
        )
    ]


def test_valid_entries_survive_next_to_bad_ones() -> None:
    result = load_participants(DATA / "duplicate_logins.yml")
    assert [p.github for p in result.entries] == ["alice", "bob"]
    result = load_participants(DATA / "missing_name.yml")
    assert [p.github for p in result.entries] == ["alice"]


def test_non_ascii_names_are_accepted_with_every_field() -> None:
    result = load_participants(DATA / "unicode_names.yml")
    assert result.ok
    assert result.entries == (
        Participant(
            name="Zoë Ñúñez",
            github="zoe-nunez",
            role="maintainer",
            mentors=("octocat",),
            issue=7,
            date=dt.date(2026, 3, 31),
            links=("https://example.org/zoë",),
            line=2,
        ),
        Participant(name="李雷", github="lilei", line=10),
    )


def test_crlf_file_is_accepted_with_lines_unchanged() -> None:
    crlf = (DATA / "unicode_names.yml").read_bytes().replace(b"\n", b"\r\n")
    result = parse_participants(crlf, "participants.yml")
    assert result.ok
    assert [p.line for p in result.entries] == [2, 10]


def test_utf8_bom_is_accepted() -> None:
    result = parse_participants("\ufeff- name: A\n  github: a\n".encode(), "p.yml")
    assert result.ok
    assert result.entries[0].line == 1


@pytest.mark.parametrize("name", ["empty.yml", "empty_list.yml"])
def test_empty_file_and_empty_list_are_fine(name: str) -> None:
    result = load_participants(DATA / name)
    assert result.ok
    assert result.entries == ()


def test_shipped_file_is_valid_and_empty() -> None:
    result = load_participants(REPO / "participants.yml")
    assert result.ok
    assert result.entries == ()


def test_shipped_example_entry_is_valid_once_uncommented() -> None:
    text = (REPO / "participants.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("# - name: Ada Lovelace")
    example = []
    for line in lines[start:]:
        if not line.startswith("# ") or line == "#":
            break
        example.append(line[2:])
    result = parse_participants("\n".join(example), "participants.yml")
    assert result.ok, result.problems
    entry = result.entries[0]
    assert (entry.github, entry.mentors, entry.issue) == ("ada", ("octocat", "hubot"), 42)
    assert entry.date == dt.date(2026, 3, 31)


def test_entry_added_below_an_empty_list_says_to_delete_it() -> None:
    # The shipped file holds only comments; one made before may still end in `[]`.
    text = (REPO / "participants.yml").read_text(encoding="utf-8") + "[]\n"
    at = text.splitlines().index("[]") + 1
    result = parse_participants(text + "- name: Ada\n  github: ada\n", "participants.yml")
    assert [(p.line, "Delete the `[]` line" in p.message) for p in result.problems] == [(at, True)]


def test_indented_empty_list_does_not_get_the_leftover_hint() -> None:
    text = "- name: A\n  github: a\n  links:\n    []\n- name: B: x\n  github: b\n"
    (problem,) = parse_participants(text, "participants.yml").problems
    assert problem.line == 5
    assert "not valid YAML" in problem.message


def test_huge_file_is_one_problem_at_line_1() -> None:
    entry = "- name: Somebody With A Long Name\n  github: somebody\n"
    text = entry * (yamlfile.MAX_BYTES // len(entry) + 1)
    result = parse_participants(text, "participants.yml")
    assert [(p.line, "over the limit" in p.message) for p in result.problems] == [(1, True)]


@pytest.mark.parametrize(
    "nested",
    [
        "[" * 900_000,  # PyYAML would scan this for many minutes
        "- " * 450_000 + "x",
        "- name: A\n  github: a\n  links: " + "[" * 21 + "\n",
    ],
    ids=["brackets", "dashes", "inside-an-entry"],
)
def test_deep_nesting_is_refused_quickly_at_its_line(nested: str) -> None:
    (problem,) = parse_participants(nested, "participants.yml").problems
    assert problem.line == nested.count("\n", 0, nested.index("[" if "[" in nested else "-")) + 1
    assert "nested more than 20 levels" in problem.message


def test_deep_block_nesting_is_a_problem_not_a_crash() -> None:
    text = "- a:\n" + "".join(" " * (2 * i) + "  b:\n" for i in range(1, 2000))
    (problem,) = parse_participants(text, "participants.yml").problems
    assert problem.line == 1


def test_twenty_levels_are_still_parsed() -> None:
    (problem,) = parse_participants("- " + "[" * 20 + "]" * 20, "p").problems
    assert "this one is a list" in problem.message


def test_all_problems_are_reported_not_just_the_first() -> None:
    text = """\
- name: Alice
  github: "@alice"
- bob
-
- name: ""
  github: carol
  mentors: carol
  issue: "#12"
  date: 2026-13-01
  links: [ftp://example.org, https://example.org]
  Role: maintainer
- name: 2024
  github: 12345
- name: Dan
  github: dan
  mentors: [dan, "@erin"]
  issue: 0
  date: 2026-01-05 10:00:00
  links: https://example.org
- name: Fay Wray
  github: Fay Wray
- name: Gus
  github: "-gus-"
  issue: https://github.com/astropy/mentoring/issues/31
  role: [x]
"""
    result = parse_participants(text, "participants.yml")
    found = [(p.line, p.message.split(": ", 1)[1]) for p in result.problems]
    lines = [2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 16, 16, 17, 18, 19, 21, 23, 24, 25]
    assert [line for line, _ in found] == lines
    messages = dict(found)
    assert "Write `github: alice`" in messages[2]
    assert "`  github: bob`" in messages[3]
    assert "this entry is empty" in messages[4]
    assert "`name` is empty" in messages[5]
    assert "`mentors: [carol]`" in messages[7]
    assert "`issue: 12`" in messages[8]
    assert "not a real day" in messages[9]
    assert "link 1" in messages[10]
    assert "Did you mean `role`?" in messages[11]
    assert '`name: "2024"`' in messages[12]
    assert '`github: "12345"`' in messages[13]
    own_mentor, erin = (m for line, m in found if line == 16)
    assert "own mentor" in own_mentor
    assert "Write `erin`" in erin
    assert "`issue` must be the number" in messages[17]
    assert "Write `date: 2026-01-05`" in messages[18]
    assert "must be a list, even for one link" in messages[19]
    assert "has no spaces" in messages[21]
    assert "single hyphens" in messages[23]
    assert "`issue: 31`" in messages[24]
    assert "`role` must be text" in messages[25]
    assert result.entries == ()


def test_message_prefix_names_entry_and_line() -> None:
    text = "- name: A\n  github: a\n- name: B\n  github: b\n- name: C\n  github: '@c'\n"
    (problem,) = parse_participants(text, "participants.yml").problems
    assert problem.file == "participants.yml"
    assert problem.message.startswith("entry 3 (line 6): ")


def test_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    (problem,) = parse_participants("- name: A\n  github: a\n  pronouns: she\n", "p").problems
    assert problem.line == 3
    assert "Remove it, or use one of: `name`, `github`" in problem.message


def test_impossible_date_does_not_hide_other_problems() -> None:
    text = "- name: A\n  github: a\n  date: 2026-02-30\n- name: B\n  github: '@b'\n"
    result = parse_participants(text, "p")
    assert [p.line for p in result.problems] == [3, 5]


@pytest.mark.parametrize(
    ("issue", "hint"),
    [
        ('"#' + "9" * 5000 + '"', "e.g. `issue: 42`"),
        ('"#١٢"', "e.g. `issue: 42`"),
        ('"#12"', "`issue: 12`"),
    ],
    ids=["5,000 digits", "Arabic-Indic digits", "a number with a hash"],
)
def test_an_issue_number_in_quotes_gets_a_hint_only_when_it_is_one(issue: str, hint: str) -> None:
    (problem,) = parse_participants(f"- {{name: A, github: a, issue: {issue}}}", "p").problems
    assert "`issue` must be the number of the mentorship issue" in problem.message
    assert hint in problem.message


def test_quoted_iso_date_is_accepted() -> None:
    (entry,) = parse_participants('- {name: A, github: a, date: "2026-02-28"}', "p").entries
    assert entry.date == dt.date(2026, 2, 28)


def test_shown_keeps_user_text_inside_one_code_span() -> None:
    assert shown("a`b") == "`` a`b ``"
    assert shown("line\nbreak") == "`line\\nbreak`"
    assert shown("x" * 100).endswith("…`")
    assert len(shown("x" * 100)) == 62


def _people(*logins: str) -> Participants:
    return Participants("p", tuple(Participant(x.title(), x, line=i) for i, x in enumerate(logins)))


def test_added_entries_are_new_logins_in_file_order() -> None:
    old = _people("alice", "bob")
    new = _people("carol", "Alice", "bob", "dan")
    assert [p.github for p in added_entries(old, new)] == ["carol", "dan"]
    assert added_entries(Participants("p"), old) == list(old.entries)


def test_an_entry_whose_issue_changed_counts_as_added() -> None:
    # Graduation follows issue: an existing graduate's entry pointed at their new
    # application, or stripped of issue: for a closing keyword to pick one, graduates too.
    old = Participants("p", (Participant("Alice", "alice", issue=1), Participant("Bob", "bob")))
    for changed in (
        Participant("Alice", "Alice", issue=4242),
        Participant("Alice", "alice"),
        Participant("Bob", "bob", issue=7),
    ):
        assert added_entries(old, [changed]) == [changed]
    same = [Participant("Alice", "ALICE", issue=1, mentors=("carol",)), Participant("B", "bob")]
    assert added_entries(old, same) == []


class FakeLookup:
    """Application issues by login, as the GitHub adapter will return them."""

    def __init__(self, issues: dict[str, list[IssueInfo]]) -> None:
        self.issues = issues
        self.asked: list[str] = []

    def application_issues_for(self, login: str) -> list[IssueInfo]:
        self.asked.append(login)
        return self.issues.get(login.lower(), [])


OPEN = IssueInfo(5, "open", None, ("application",), "alice", ("bob",))
GRADUATED = IssueInfo(6, "closed", "completed", ("graduated",), "alice", ("bob", "carol"))
NOT_PLANNED = IssueInfo(7, "closed", "not_planned", ("application",), "alice", ("bob",))


def entry(**fields: object) -> Participant:
    base: dict = {"name": "Alice", "github": "alice", "line": 12}
    return Participant(**(base | fields))


@pytest.mark.parametrize(
    ("participant", "issues", "words"),
    [
        (entry(issue=5), [OPEN], None),
        (entry(issue=6), [GRADUATED], None),
        (entry(issue=5, mentors=("Bob",)), [OPEN], None),
        (entry(issue=6, mentors=("carol",)), [OPEN, GRADUATED], None),
        (entry(issue=6, mentors=("bob", "carol")), [OPEN, GRADUATED], None),
        (entry(), [], "no mentorship application issue was found for `alice`"),
        (entry(), [NOT_PLANNED], "(#7, closed as not planned) ended without graduating"),
        (entry(issue=7), [OPEN, NOT_PLANNED], "ended without graduating"),
        (entry(), [IssueInfo(8, "closed", "duplicate", mentee="alice")], "closed as duplicate"),
        (entry(issue=9), [OPEN], "`issue: 9` is not an application issue of `alice`; theirs: #5"),
        (entry(issue=5, mentors=("carol",)), [OPEN], "mentors assigned on #5 are `bob`"),
        # An added entry must name its issue, and is told which: the open mentored one.
        (entry(), [OPEN], "add `issue: 5` to this entry"),
        (entry(mentors=("bob",)), [GRADUATED, OPEN], "add `issue: 5` to this entry"),
        (entry(), [NOT_PLANNED, OPEN], "add `issue: 5`"),
        (entry(), [GRADUATED], "add `issue: 6`"),
        (entry(issue=5, mentors=("carol",)), [OPEN, GRADUATED], "assigned on #5 are `bob`"),
        (
            entry(),
            [IssueInfo(4, "open", None, mentee="alice"), OPEN],
            "add `issue: 5` to this entry: the number of the mentorship issue it concludes"
            " (theirs: #4, #5).",
        ),
        (
            entry(mentors=("bob",)),
            [IssueInfo(5, "open", None, mentee="alice")],
            "no mentor was ever assigned on #5",
        ),
        (entry(), [IssueInfo(5, "open", None, mentee="alice", mentored=False)], "no mentor was"),
        (entry(issue=5), [IssueInfo(5, "open", None, mentee="alice", mentored=True)], None),
        (entry(), [IssueInfo(3, "open", None, mentee="mallory")], "no mentorship application"),
    ],
)
def test_check_against_issues(
    participant: Participant, issues: list[IssueInfo], words: str | None
) -> None:
    problems = check_against_issues([participant], FakeLookup({"alice": issues}), "p.yml")
    if words is None:
        assert problems == []
    else:
        (problem,) = problems
        assert (problem.file, problem.line) == ("p.yml", 12)
        assert problem.message.startswith("`alice` (line 12): ")
        assert words in problem.message


def test_check_against_issues_asks_once_per_added_entry() -> None:
    lookup = FakeLookup({"alice": [OPEN]})
    problems = check_against_issues([entry(issue=5), entry(github="Zed", line=20)], lookup)
    assert lookup.asked == ["alice", "Zed"]
    assert [p.line for p in problems] == [20]


def test_the_configured_file_loads_and_one_that_cannot_be_read_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/mentoring.yml").write_text("coordinators: [a]\nparticipants: p.yml\n")
    (tmp_path / "p.yml").write_text("[]\n")
    assert load_configured(tmp_path, "p.yml").entries == ()

    read = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "p.yml":
            raise PermissionError(13, "Permission denied", str(self))
        return read(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(yamlfile.YamlFileError) as info:
        load_configured(tmp_path, "p.yml")
    err = info.value
    assert (err.file, err.line) == (".github/mentoring.yml", 2)
    assert "the participants file p.yml (`participants` in .github/mentoring.yml)" in err.problem
    assert "cannot be read (Permission denied)" in err.problem
    assert "readable file" in err.fix
