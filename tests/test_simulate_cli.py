"""scripts/simulate.py as a command line: its output files and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator import cli as simulate

SHORT = Path(__file__).resolve().parent / "scenarios" / "short.yml"
ACTION_KEYS = {
    "at",
    "run",
    "issue",
    "type",
    "kind",
    "key",
    "body",
    "users",
    "labels",
    "state_reason",
}


def test_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        simulate.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--transcript", "--http-log", "--faults", "--seed"):
        assert option in out


def test_transcript_and_http_log(tmp_path: Path, capsys) -> None:
    transcript, http_log = tmp_path / "t.json", tmp_path / "http.jsonl"
    code = simulate.main([str(SHORT), "--transcript", str(transcript), "--http-log", str(http_log)])
    assert code == 0
    data = json.loads(transcript.read_text(encoding="utf-8"))
    assert set(data) == {"actions", "issues", "requests"}
    assert all(set(a) == ACTION_KEYS for a in data["actions"])
    assert [(a["run"], a["type"], a["kind"], a["key"]) for a in data["actions"]] == [
        ("issues.opened", "assign", None, None),
        ("issues.opened", "comment", "welcome", None),
        ("issues.opened", "add_labels", None, None),
        ("issues.assigned", "comment", "paired", "bob"),
        ("issues.assigned", "remove_labels", None, None),
        ("issues.assigned", "add_labels", None, None),
    ]
    first = data["actions"][0]
    assert (first["at"], first["issue"], first["users"]) == ("2026-01-05T10:00:03Z", 1, ["cora"])
    assert data["issues"] == {
        "1": {
            "state": "open",
            "state_reason": None,
            "labels": ["application", "mentoring: active"],
            "assignees": ["bob", "cora"],
        }
    }
    lines = [json.loads(line) for line in http_log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == data["requests"] > 0
    keys = {"method", "path", "query", "request_body", "status", "response_body"}
    assert all(set(entry) == keys for entry in lines)
    assert all(isinstance(entry["query"], dict) for entry in lines)
    (post,) = [e for e in lines if e["method"] == "POST" and e["path"].endswith("/comments")][:1]
    assert "<!-- mentoring:welcome -->" in post["request_body"]["body"]
    assert post["status"] == 201
    assert post["response_body"]["body"] == post["request_body"]["body"]
    out = capsys.readouterr().out
    assert "6 bot writes (2 comments)" in out


def test_quiet_prints_one_line(capsys) -> None:
    assert simulate.main([str(SHORT), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("6 bot writes")


def test_faults_still_end_in_the_same_state(tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    args = [str(SHORT), "--quiet", "--faults", "0.2", "--seed", "3", "--transcript"]
    assert simulate.main([*args, str(transcript)]) == 0
    data = json.loads(transcript.read_text(encoding="utf-8"))
    assert data["issues"]["1"]["labels"] == ["application", "mentoring: active"]
    comments = [(a["kind"], a["key"]) for a in data["actions"] if a["type"] == "comment"]
    assert sorted(set(comments), key=comments.index) == [("welcome", None), ("paired", "bob")]
    assert len(comments) == 2  # never twice, whatever failed


@pytest.mark.parametrize("rate", ["1.5", "-0.1", "1"])
def test_faults_out_of_range(rate: str, capsys) -> None:
    assert simulate.main([str(SHORT), "--faults", rate]) == 2
    assert "--faults" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("end: 2026-01-07T00:00:00Z\nevents: []\n", "needs `start`"),
        ("start: 2026-01-05T00:00:00Z\nevents: []\n", "needs `end`"),
        ("start: yesterday\nend: 2026-01-07T00:00:00Z\n", "start: 'yesterday' is not a time"),
        ("start: 2026-01-07T00:00:00Z\nend: 2026-01-05T00:00:00Z\n", "end must come after start"),
        ("- just a list\n", "a scenario is a mapping"),
        ("start: [unclosed\n", "not valid YAML"),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\n"
            "events:\n  - {at: 2026-01-05T10:00:00Z, by: alice, open_pull: {}}\n",
            "events[0] needs `at`, `by` and exactly one of",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\n"
            "events:\n  - {at: soon, by: alice, reopen: {issue: 1}}\n",
            "events[0].at: 'soon' is not a time",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\nevnets: []\n",
            "unknown key(s) evnets; a scenario has: start, end,",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\n"
            "events:\n  - {at: 2026-01-05T10:00:00Z, by: cora, reopen: {issue: 1}, labels: [x]}\n",
            "events[0] needs `at`, `by` and exactly one of",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\nschedule: 61 6 * * *\n",
            "minute '61' is outside 0-59",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\n"
            "events:\n  - {at: 2026-01-05T10:00:00Z, by: cora, assign: {issue: 7, users: [bob]}}\n",
            "events[0] cannot be done: 404",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\nconfig: [coordinators]\n",
            "config: must be a mapping laid over .github/mentoring.yml",
        ),
    ],
)
def test_bad_scenarios_exit_2_with_a_clear_message(
    tmp_path: Path, capsys, text: str, message: str
) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    assert simulate.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err


def test_missing_scenario_file(tmp_path: Path, capsys) -> None:
    assert simulate.main([str(tmp_path / "nope.yml")]) == 2
    assert "cannot be read" in capsys.readouterr().err
