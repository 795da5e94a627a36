"""Every file a person edits (the config, the forms it names, participants.yml) refuses
broken or unsafe YAML the same way: at its line, saying what is wrong and what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mentoring.files import config, yamlfile
from mentoring.files.participants import parse_participants
from mentoring.files.yamlfile import YamlFileError
from paths import ROOT_DIR

FORM = ".github/ISSUE_TEMPLATE/mentee-application.yml"
SHIPPED_FORM = (ROOT_DIR / FORM).read_bytes()

# (what is wrong, the bytes that go first in the file, their error's line, words, fix words)
BROKEN = [
    ("invalid YAML", b"# a comment\na: b: c\n", 2, "not valid YAML", "needs quotes"),
    ("anchor", b"# a comment\nx: &same 1\n", 2, "anchors and aliases", "in full"),
    ("tag", b"# a comment\nx: !!python/name:os.system\n", 2, "YAML tags", "Remove the tag"),
    ("merge key", b"# a comment\nx:\n  <<: {a: 1}\n", 3, "merge keys (<<:)", "keys out in full"),
    (
        "merge key from an alias",
        b"# a comment\nx: &base {a: 1}\ny:\n  <<: *base\n",
        4,
        "merge keys (<<:)",
        "keys out in full",
    ),
    ("not UTF-8", b"# a comment\n# caf\xe9\n", 2, "the byte 0xE9", "Save the file as UTF-8"),
    ("not UTF-8 after a BOM", b"\xef\xbb\xbf#\n#\n# \xff\n", 3, "the byte 0xFF", "UTF-8"),
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT_DIR / ".github/ISSUE_TEMPLATE", tmp_path / ".github/ISSUE_TEMPLATE")
    (tmp_path / ".github/mentoring.yml").write_text("coordinators: [cora]\n")
    return tmp_path


def load_error(repo: Path) -> YamlFileError:
    with pytest.raises(YamlFileError) as info:
        config.load_config(repo)
    return info.value


@pytest.mark.parametrize(
    ("what", "head", "line", "problem", "fix"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_the_config(repo: Path, what: str, head: bytes, line: int, problem: str, fix: str) -> None:
    (repo / config.CONFIG_FILE).write_bytes(head + b"coordinators: [cora]\n")
    err = load_error(repo)
    assert (err.file, err.line) == (config.CONFIG_FILE, line)
    assert problem in err.problem
    assert fix in err.fix


@pytest.mark.parametrize(
    ("what", "head", "line", "problem", "fix"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_form_the_config_names(
    repo: Path, what: str, head: bytes, line: int, problem: str, fix: str
) -> None:
    (repo / FORM).write_bytes(head + SHIPPED_FORM)
    err = load_error(repo)
    assert (err.file, err.line) == (FORM, line)
    assert problem in err.problem
    assert fix in err.fix


@pytest.mark.parametrize(
    ("what", "head", "line", "problem", "fix"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_participants(what: str, head: bytes, line: int, problem: str, fix: str) -> None:
    [found] = parse_participants(head + b"- name: Ada\n  github: ada\n", "p.yml").problems
    assert (found.file, found.line) == ("p.yml", line)
    assert problem in found.message
    assert fix in found.message


@pytest.mark.parametrize(
    ("file", "text", "line"),
    [
        (config.CONFIG_FILE, b"coordinators: [cora]\nbot: x\ncoordinators: [dan]\n", 3),
        (FORM, b"name: Form\n" + SHIPPED_FORM, 2),  # the shipped form's own `name:` follows
    ],
)
def test_a_key_written_twice(repo: Path, file: str, text: bytes, line: int) -> None:
    (repo / file).write_bytes(text)
    err = load_error(repo)
    assert (err.file, err.line) == (file, line)
    assert "appears twice in the same mapping" in err.problem
    assert err.fix == "Keep one of them."


def test_a_key_written_twice_in_participants() -> None:
    text = b"- name: Ada\n  github: ada\n  name: Bo\n"
    [found] = parse_participants(text, "p.yml").problems
    assert found.line == 3
    assert "the key 'name' appears twice in the same mapping. Keep one of them." in found.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (b"a: 1\n<<: {b: 2}\n", 2),
        (b"a:\n  - <<: [1]\n", 2),
        (b"? <<\n: 1\n", 1),
        (b"{<<: 1}\n", 1),
        (b"{a: 1, <<}\n", 1),  # a flow key with no value: the parser, not the scanner, sees it
    ],
)
def test_every_spelling_of_a_merge_key_is_refused_at_its_line(text: bytes, line: int) -> None:
    with pytest.raises(YamlFileError) as info:
        yamlfile.load(text, "f.yml")
    assert (info.value.file, info.value.line) == ("f.yml", line)
    assert info.value.problem == "YAML merge keys (<<:) are not accepted here."


def test_a_bare_double_angle_value_is_not_called_a_tag() -> None:
    with pytest.raises(YamlFileError) as info:
        yamlfile.load(b"a: 1\nb: <<\n", "f.yml")
    assert info.value.line == 2
    assert "merge key, not text" in info.value.problem
    assert "'<<'" in info.value.fix


def test_quoted_double_angles_are_text() -> None:
    assert yamlfile.load(b"'<<': x\na: '<<'\n", "f.yml").data == {"<<": "x", "a": "<<"}


def test_an_anchor_before_a_later_syntax_error_is_still_the_error_reported() -> None:
    with pytest.raises(YamlFileError) as info:
        yamlfile.load(b"x: &a 1\ny: [\n", "f.yml")
    assert (info.value.line, info.value.problem) == (
        1,
        "YAML anchors and aliases (& and *) are not accepted here.",
    )
