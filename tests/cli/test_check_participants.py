"""check_participants.py end to end: annotations, step summary, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mentoring.cli import check_participants
from mentoring.cli.check_participants import annotation, main
from mentoring.core.participants import IssueInfo, Problem
from mentoring.core.planner import _draft_entry
from mentoring.core.render import Renderer
from mentoring.core.site import Site
from paths import ROOT_DIR, TESTS_DIR

DATA = TESTS_DIR / "data" / "participants"
REPO = ROOT_DIR


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts outside Actions, as on a contributor's machine."""
    for name in ("GITHUB_EVENT_NAME", "GITHUB_STEP_SUMMARY", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout root to run from, holding a participants.yml of the test's choosing."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def use(workdir: Path, data_file: str, name: str = "participants.yml") -> Path:
    target = workdir / name
    shutil.copyfile(DATA / data_file, target)
    return target


def annotations(out: str) -> list[tuple[str, int, str]]:
    """(file, line, message) of each ::error annotation printed."""
    found = []
    for text in out.splitlines():
        if not text.startswith("::error "):
            continue
        head, message = text[len("::error ") :].split("::", 1)
        props = dict(p.split("=", 1) for p in head.split(","))
        found.append((props["file"], int(props["line"]), message))
    return found


# Each bad file and the exact line of each annotation it must produce.
BAD_FILES = [
    ("broken_yaml.yml", [4]),
    ("mapping.yml", [2]),
    ("string_entry.yml", [3]),
    ("duplicate_logins.yml", [6]),
    ("missing_name.yml", [3]),
    ("at_login.yml", [2]),
    ("url_login.yml", [2]),
    ("unknown_key.yml", [3]),
    ("bad_dates.yml", [3, 6]),
    ("tags.yml", [3]),
    ("billion_laughs.yml", [3]),
]


@pytest.mark.parametrize(("data_file", "lines"), BAD_FILES, ids=[n for n, _ in BAD_FILES])
def test_bad_file_gets_annotations_on_its_lines_and_exit_1(
    workdir: Path, capsys: pytest.CaptureFixture[str], data_file: str, lines: list[int]
) -> None:
    use(workdir, data_file)
    assert main([]) == 1
    out = capsys.readouterr().out
    found = annotations(out)
    assert [(f, n) for f, n, _ in found] == [("participants.yml", n) for n in lines]
    assert "OK" not in out


@pytest.mark.parametrize(("data_file", "lines"), BAD_FILES, ids=[n for n, _ in BAD_FILES])
def test_crlf_file_gets_the_same_lines(
    workdir: Path, capsys: pytest.CaptureFixture[str], data_file: str, lines: list[int]
) -> None:
    path = workdir / "participants.yml"
    path.write_bytes((DATA / data_file).read_bytes().replace(b"\n", b"\r\n"))
    assert main(["--file", "participants.yml"]) == 1
    assert [n for _, n, _ in annotations(capsys.readouterr().out)] == lines


def test_at_login_annotation_is_exact(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    use(workdir, "at_login.yml")
    assert main([]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "::error file=participants.yml,line=2,title=participants.yml needs a change::"
        "entry 1 (line 2): `github` must be a GitHub username like `octocat`, without `@`"
        " or a URL; you wrote `@alice`. Write `github: alice`."
    )


@pytest.mark.parametrize("data_file", ["unicode_names.yml", "empty.yml", "empty_list.yml"], ids=str)
def test_good_file_prints_one_ok_line_and_exits_0(
    workdir: Path, capsys: pytest.CaptureFixture[str], data_file: str
) -> None:
    use(workdir, data_file)
    assert main([]) == 0
    out = capsys.readouterr().out
    entries = 2 if data_file == "unicode_names.yml" else 0
    assert out == f"participants.yml: OK ({entries} entries)\n"


def test_crlf_good_file_is_ok(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crlf = (DATA / "unicode_names.yml").read_bytes().replace(b"\n", b"\r\n")
    (workdir / "participants.yml").write_bytes(crlf)
    assert main([]) == 0
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"


def test_huge_file_is_one_annotation_on_line_1(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "participants.yml").write_text("- name: A\n  github: a\n" * 60_000)
    assert main([]) == 1
    ((file, line, message),) = annotations(capsys.readouterr().out)
    assert (file, line) == ("participants.yml", 1)
    assert "over the limit" in message


def test_file_option_names_the_file_in_annotations(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "data").mkdir()
    use(workdir, "at_login.yml", "data/grads.yml")
    assert main(["--file", "data/grads.yml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=data/grads.yml,line=2,title=grads.yml needs a change::")


def test_step_summary_gets_a_markdown_list(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = workdir / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    use(workdir, "bad_dates.yml")
    assert main([]) == 1
    assert summary.read_text(encoding="utf-8") == (
        "earlier step\n"
        "### participants.yml: 2 problems to fix\n"
        "\n"
        "- **line 3**: entry 1 (line 3): `date` `2026-02-30` is not a real day of the"
        " calendar (check the month and the day). Write the graduation date as YYYY-MM-DD,"
        " e.g. `date: 2026-02-28`.\n"
        "- **line 6**: entry 2 (line 6): `date` must be the graduation date written as"
        " YYYY-MM-DD, e.g. `date: 2026-03-31`; you wrote `next week`.\n"
        "\n"
        "Change `participants.yml` as each point says and push the change to this pull"
        " request; the check runs again by itself.\n"
    )


def test_step_summary_says_ok(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = workdir / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    use(workdir, "unicode_names.yml")
    assert main([]) == 0
    assert summary.read_text(encoding="utf-8") == (
        "### participants.yml\n\nOK: 2 entries, no problems.\n"
    )


def test_missing_file_is_a_usage_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "participants.yml was not found" in captured.err
    assert "--file PATH" in captured.err


def test_directory_is_a_usage_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "participants.yml").mkdir()
    assert main([]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--nope"]) == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: check_participants.py [-h] [--version] [--file PATH]" in out
    assert "participants.yml" in out


def test_annotation_escapes_workflow_command_characters() -> None:
    problem = Problem("dir,with:odd%/p.yml", 7, "50% done\r\nnext: line, here")
    assert annotation(problem) == (
        "::error file=dir%2Cwith%3Aodd%25/p.yml,line=7,title=p.yml needs a change::"
        "50%25 done%0D%0Anext: line, here"
    )


def test_user_text_cannot_inject_a_workflow_command(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "participants.yml").write_text(
        '- name: A\n  github: "x\\n::warning::hi"\n', encoding="utf-8"
    )
    assert main([]) == 1
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1
    assert "::warning::" not in out.replace("\\n::warning::", "")


def test_shipped_file_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main([]) == 0


def test_runs_as_a_script_from_the_repository_root(tmp_path: Path) -> None:
    use(tmp_path, "at_login.yml")
    script = REPO / "scripts" / "check_participants.py"
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=participants.yml,line=2,")
    assert "1 problem(s) to fix" in done.stderr


# --- pull requests: added entries against their application issues --------------------


class FakeLookup:
    """The issues the GitHub adapter would find, by login."""

    def __init__(self, issues: dict[str, list[IssueInfo]]) -> None:
        self.issues = issues
        self.asked: list[str] = []

    def application_issues_for(self, login: str) -> list[IssueInfo]:
        self.asked.append(login)
        return self.issues.get(login.lower(), [])


BASE = "- name: Alice Example\n  github: alice\n"
HEAD = BASE + "- name: Bob Example\n  github: bob\n  mentors: [carol]\n  issue: 3\n"
BOB_OPEN = IssueInfo(3, "open", None, ("application",), "bob", ("carol",))


@pytest.fixture
def pull_request(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request_target")
    monkeypatch.setenv("GITHUB_TOKEN", "token")
    (workdir / "base.yml").write_text(BASE, encoding="utf-8")
    (workdir / "participants.yml").write_text(HEAD, encoding="utf-8")
    return workdir


def test_pull_request_checks_only_added_entries(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lookup = FakeLookup({"bob": [BOB_OPEN]})
    assert main(["--base", "base.yml"], lookup=lookup) == 0
    assert lookup.asked == ["bob"]
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"


def test_pull_request_reports_issue_problems_at_the_entry(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = IssueInfo(3, "open", None, ("application",), "bob", ("dave",))
    assert main(["--base", "base.yml"], lookup=FakeLookup({"bob": [wrong]})) == 1
    ((file, line, message),) = annotations(capsys.readouterr().out)
    assert (file, line) == ("participants.yml", 3)
    assert "mentors assigned on #3 are `dave`" in message


def test_pull_request_entry_without_issue_is_told_which_number(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pull_request / "participants.yml").write_text(HEAD.replace("  issue: 3\n", ""), "utf-8")
    assert main(["--base", "base.yml"], lookup=FakeLookup({"bob": [BOB_OPEN]})) == 1
    ((file, line, message),) = annotations(capsys.readouterr().out)
    assert (file, line) == ("participants.yml", 3)
    assert "add `issue: 3` to this entry" in message


def test_pull_request_without_application_issue_fails(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--base", "base.yml"], lookup=FakeLookup({})) == 1
    ((_, line, message),) = annotations(capsys.readouterr().out)
    assert line == 3
    assert "no mentorship application issue was found for `bob`" in message


def test_pull_request_creating_the_file_checks_every_entry(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lookup = FakeLookup({"bob": [BOB_OPEN]})
    assert main(["--base", "missing.yml"], lookup=lookup) == 1
    assert lookup.asked == ["alice", "bob"]
    assert [line for _, line, _ in annotations(capsys.readouterr().out)] == [1]


def test_pull_request_with_lookup_needs_base(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([], lookup=FakeLookup({})) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error title=participants check could not run::")
    assert "--base PATH" in out


def test_pull_request_without_token_checks_only_the_file(
    pull_request: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main([]) == 0
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"


def test_pull_request_without_config_checks_only_the_file(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A token, but no .github/mentoring.yml to say which label marks applications.
    assert main([]) == 0
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"


def test_lookup_is_not_used_outside_a_pull_request(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "participants.yml").write_text(HEAD, encoding="utf-8")
    lookup = FakeLookup({})
    assert main(["--base", "missing.yml"], lookup=lookup) == 0
    assert lookup.asked == []


def test_file_problems_and_issue_problems_come_together_in_line_order(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pull_request / "participants.yml").write_text(
        HEAD + "- name: Carl\n  github: '@carl'\n", encoding="utf-8"
    )
    assert main(["--base", "base.yml"], lookup=FakeLookup({})) == 1
    assert [line for _, line, _ in annotations(capsys.readouterr().out)] == [3, 8]


def test_check_against_issues_is_reachable_from_the_script() -> None:
    assert check_participants.check_against_issues([], FakeLookup({})) == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- name: Ada\n  github: ada\n- <<: {name: Bo}\n  github: bo\n", 3),
        ("- &ada {name: Ada, github: ada}\n- <<: *ada\n  github: bo\n", 2),
    ],
    ids=["a mapping", "an alias"],
)
def test_a_merge_key_is_an_annotation_on_its_line_and_exit_1(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str, line: int
) -> None:
    (workdir / "participants.yml").write_text(text, encoding="utf-8")
    assert main([]) == 1
    [(file, at, message)] = annotations(capsys.readouterr().out)
    assert (file, at) == ("participants.yml", line)
    assert "YAML merge keys (<<:) are not accepted here." in message
    assert "Write the keys out in full" in message


def _ready_reply() -> str:
    """The /ready reply as the bot posts it, for the shipped file's name."""
    entry = _draft_entry({"name": "Ada Lovelace"}, "ada", ("mo",), 7)
    site = Site("astropy/mentoring", "https://github.com/astropy/mentoring", "main")
    return Renderer().comment(
        "command",
        "1",
        reply="ready",
        author="mo",
        mentee="ada",
        entry=entry,
        repository=site,
        edit_url=site.edit_url("participants.yml"),
        participants_file="participants.yml",
        issue_number=7,
        ready_label="mentoring: ready",
        nomination_url=None,
    )


def _follow(reply: str, text: str) -> str:
    """``text`` changed as the reply says: its YAML block added at the end, in place of a
    last line ``[]`` if the file has one."""
    assert "add this at the end (in place of a last line `[]`, if the file has one):" in reply
    block = reply.split("```yaml\n", 1)[1].split("```", 1)[0]
    added = textwrap.dedent(block)
    lines = text.rstrip("\n").splitlines()
    if lines and lines[-1].strip() == "[]":
        lines.pop()
    return "\n".join(lines) + "\n" + added


@pytest.mark.parametrize("shipped", [True, False], ids=["shipped", "empty-list"])
def test_the_first_graduate_follows_the_ready_reply_and_passes(
    workdir: Path, capsys: pytest.CaptureFixture[str], shipped: bool
) -> None:
    # The shipped file holds no `[]`; a file made before it may still end in one.
    text = (REPO / "participants.yml").read_text(encoding="utf-8")
    if not shipped:
        text += "[]\n"
    assert main(["--file", str(_write(workdir, text))]) == 0
    assert main(["--file", str(_write(workdir, _follow(_ready_reply(), text)))]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": OK (1 entries)")


def _write(workdir: Path, text: str) -> Path:
    path = workdir / "participants.yml"
    path.write_text(text, encoding="utf-8")
    return path
