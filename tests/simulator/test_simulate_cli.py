"""scripts/simulate.py as a command line: its output files and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paths import TESTS_DIR
from simulator import cli as simulate
from simulator import simulation
from simulator.sandbox import Sandbox
from simulator.sandbox.model import ApiError
from simulator.scenario import EVENT_KEYS

SHORT = TESTS_DIR / "scenarios" / "short.yml"
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
    assert all(
        set(a) == ACTION_KEYS | ({"title"} if a["type"] == "create_issue" else set())
        for a in data["actions"]
    )
    assert [(a["run"], a["type"], a["kind"], a["key"]) for a in data["actions"]] == [
        ("schedule", "create_issue", None, None),  # the dashboard, numbered after the scenario's
        ("issues.opened", "assign", None, None),
        ("issues.opened", "comment", "welcome", None),
        ("issues.opened", "add_labels", None, None),
        ("schedule", "edit_issue", None, None),  # the application is in it now
        ("issues.assigned", "remove_labels", None, None),
        ("issues.assigned", "add_labels", None, None),
        ("issues.assigned", "comment", "paired", "bob"),  # after the label it announces
    ]
    created, first = data["actions"][:2]
    assert (created["issue"], created["title"], created["labels"]) == (
        2,
        "Mentoring dashboard",
        ["mentoring: dashboard"],
    )
    assert (first["at"], first["issue"], first["users"]) == ("2026-01-05T10:00:03Z", 1, ["cora"])
    application = data["issues"]["1"]
    assert application["body"].startswith("### Your name")
    assert {k: v for k, v in application.items() if k != "body"} == {
        "state": "open",
        "state_reason": None,
        "labels": ["application", "mentoring: active"],
        "assignees": ["bob", "cora"],
        "title": "Mentee application - <your name>",
    }
    dashboard = data["issues"]["2"]
    assert (dashboard["title"], dashboard["labels"]) == (
        "Mentoring dashboard",
        ["mentoring: dashboard"],
    )
    assert "| #1 | alice |" in dashboard["body"]
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
    assert "8 bot writes (2 comments)" in out


def test_quiet_prints_one_line(capsys) -> None:
    assert simulate.main([str(SHORT), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("8 bot writes")


def test_faults_still_end_in_the_same_state(tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    # A seed whose faults the pairing's own run absorbs: with others (3) a run stops after
    # the label, and the scenario ends before the next run posts "meet your mentor".
    args = [str(SHORT), "--quiet", "--faults", "0.2", "--seed", "7", "--transcript"]
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


HEAD = "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\n"


def _event(text: str) -> str:
    return HEAD + "events:\n  - " + text + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("end: 2026-01-07T00:00:00Z\nevents: []\n", "needs `start`"),
        ("start: 2026-01-05T00:00:00Z\nevents: []\n", "needs `end`"),
        (HEAD, "the scenario needs `events`"),
        ("start: yesterday\nend: 2026-01-07T00:00:00Z\n", "bad.yml:1: start is 'yesterday', not"),
        ("start: 2026-01-07T00:00:00Z\nend: 2026-01-05T00:00:00Z\n", "end must come after start"),
        ("- just a list\n", "the scenario must be a mapping"),
        ("start: [unclosed\n", "not valid YAML"),
        (HEAD + "evnets: []\n", "bad.yml:3: evnets is not a scenario key; a scenario has: start,"),
        (HEAD + "events: {}\n", "events must be a list"),
        (HEAD + "events: []\nschedule: 61 6 * * *\n", "minute '61' is outside 0-59"),
        (HEAD + "events: []\nschedule: 6\n", "schedule must be a cron line in quotes"),
        (HEAD + "events: []\nschedule_outages: [{from: 2026-01-06T00:00:00Z}]\n", "exactly"),
        (
            HEAD + "events: []\nevent_outages:\n  - {from: 2026-01-06T00:00:00Z, to: 2026-01-05}\n",
            "bad.yml:5: event_outages[0].to must come after `from`",
        ),
        (HEAD + "events: []\nconfig: [x]\n", "config must be a mapping"),
        (HEAD + "events: []\nfiles: {../x: y}\n", "files.../x must be a path inside"),
        (HEAD + "events: []\nfiles: {/etc/x: y}\n", "files./etc/x must be a path inside"),
        (HEAD + "events: []\nfiles: {a.yml: 3}\n", "files.a.yml must be the file's text"),
        (HEAD + "events: []\ncollaborators: {cora: boss}\n", "collaborators.cora is 'boss'"),
        (HEAD + "events: []\ncollaborators: {a b: read}\n", "is not a GitHub login"),
        (HEAD + "events: []\nparticipants: [alice]\n", "participants must be a list of entries"),
        (_event("just text"), "bad.yml:4: events[0] must be a mapping"),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: alice, open_pull: {}}"),
            "events[0].open_pull is not an action; use one of: open_issue, assign,",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, reopen: {issue: 1}, labels: [x]}"),
            "events[0].labels is not an action",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, reopen: {issue: 1}, close: {issue: 1}}"),
            "events[0] has 2 actions (reopen, close); it needs exactly one of",
        ),
        (_event("{at: 2026-01-05T10:00:00Z, reopen: {issue: 1}}"), "events[0] needs `by`"),
        (_event("{by: cora, reopen: {issue: 1}}"), "events[0] needs `at`"),
        (_event("{at: soon, by: alice, reopen: {issue: 1}}"), "events[0].at is 'soon', not a time"),
        (
            _event("{at: 2026-01-09T00:00:00Z, by: alice, reopen: {issue: 1}}"),
            "events[0].at is outside the scenario's [start, end)",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: '@alice', reopen: {issue: 1}}"),
            "events[0].by must be a GitHub login",
        ),
        (_event("{at: 2026-01-05T10:00:00Z, by: cora, reopen: 1}"), "events[0].reopen must be a"),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, reopen: {isue: 1}}"),
            "events[0].reopen.isue is not a key of reopen; it has: issue",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, reopen: {}}"),
            "events[0].reopen needs `issue`",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, reopen: {issue: '#1'}}"),
            "events[0].reopen.issue must be an issue number",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, assign: {issue: 1, users: bob}}"),
            "events[0].assign.users must be a list of GitHub logins",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, add_labels: {issue: 1, labels: []}}"),
            "events[0].add_labels.labels must be a list of label names",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: a, open_issue: {title: t, labels: x}}"),
            "events[0].open_issue.labels must be a list of label names, such as"
            ' ["application"], or [] for none',
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, comment: {issue: 1, body: [x]}}"),
            "events[0].comment.body must be text",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, close: {issue: 1, reason: done}}"),
            "events[0].close.reason must be one of completed, not_planned, duplicate",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, merge_pull_request: {merged_by: 'a b'}}"),
            "events[0].merge_pull_request.merged_by must be a GitHub login",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: a, react: {issue: 1, comment: x, content: ok}}"),
            "events[0].react.content must be one of +1, -1, laugh, confused, heart, hooray,"
            ' rocket, eyes (in quotes: "+1")',
        ),
        (
            _event(
                "{at: 2026-01-05T10:00:00Z, by: a, react: {issue: 1, comment: 2, content: eyes}}"
            ),
            'events[0].react.comment must be a bot comment\'s KIND:KEY such as "checkin:2", or'
            " latest",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: a, react: {issue: 1, content: eyes}}"),
            "events[0].react needs `comment`",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: a, open_issue: {answers: {name: A}}}"),
            "events[0].open_issue.answers needs `template`",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: a, open_issue: {template: ../../x.yml}}"),
            "events[0].open_issue.template must be a file name in .github/ISSUE_TEMPLATE/",
        ),
        # Mistakes only the run can see still name the event and the field.
        (
            _event("{at: 2026-01-05T10:00:00Z, by: cora, assign: {issue: 7, users: [bob]}}"),
            "events[0].assign.issue: there is no #7 at 2026-01-05 10:00:00+00:00; the scenario"
            " has opened 0 issue(s) by then",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\nevents:\n"
            "  - {at: 2026-01-05T10:00:00Z, by: a, open_issue: {title: t, labels: []}}\n"
            "  - {at: 2026-01-05T11:00:00Z, by: a, react: {issue: 1, comment: latest,"
            " content: '+1'}}\n",
            "events[1].react cannot be done: 404 #1 has no bot comment latest yet",
        ),
        (
            _event("{at: 2026-01-05T10:00:00Z, by: a, open_issue: {template: nope.yml}}"),
            "events[0].open_issue.template: .github/ISSUE_TEMPLATE/nope.yml: the form cannot be"
            " read",
        ),
        (
            _event(
                "{at: 2026-01-05T10:00:00Z, by: a, open_issue:"
                " {template: mentee-application.yml, answers: {nme: A}}}"
            ),
            "events[0].open_issue.answers: .github/ISSUE_TEMPLATE/mentee-application.yml has no"
            " field with id nme; its ids are name, github,",
        ),
        (
            "start: 2026-01-05T00:00:00Z\nend: 2026-01-07T00:00:00Z\nconfig: [coordinators]\n",
            "config must be a mapping, deep-merged over .github/mentoring.yml",
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


def test_an_action_github_refuses_names_the_event(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The author may close their issue; stand in for a refusal GitHub would give anyway.
    def refuse(self: Sandbox, number: int, by: str, reason: str = "completed") -> None:
        raise ApiError(403, "Must have push access to repository")

    monkeypatch.setattr(Sandbox, "close", refuse)
    path = tmp_path / "bad.yml"
    path.write_text(
        HEAD
        + "events:\n  - {at: 2026-01-05T10:00:00Z, by: a, open_issue: {title: t}}\n"
        + "  - {at: 2026-01-05T11:00:00Z, by: a, close: {issue: 1}}\n",
        encoding="utf-8",
    )
    assert simulate.main([str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == "error: events[1].close cannot be done: 403 Must have push access to repository\n"


def test_a_refused_action_by_a_person_names_the_event_and_the_rule(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(
        HEAD
        + "events:\n  - {at: 2026-01-05T10:00:00Z, by: a, open_issue: {title: t}}\n"
        + "  - {at: 2026-01-05T11:00:00Z, by: zed, close: {issue: 1}}\n",
        encoding="utf-8",
    )
    assert simulate.main([str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: events[1].close cannot be done: 403 zed is not the author of #1"
        " and has 'none' access; close needs triage or more\n"
    )


def test_missing_scenario_file(tmp_path: Path, capsys) -> None:
    assert simulate.main([str(tmp_path / "nope.yml")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_failed_runs_make_the_simulation_fail(tmp_path: Path, capsys) -> None:
    # A config the form cannot satisfy: every workflow run stops with exit 2.
    path = tmp_path / "broken.yml"
    path.write_text(
        HEAD
        + "config: {application: {mentee_field: handle}}\n"
        + "events:\n  - {at: 2026-01-05T10:00:00Z, by: ada, open_issue: {title: t}}\n",
        encoding="utf-8",
    )
    assert simulate.main([str(path), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "has no field with id 'handle'" in captured.out + captured.err
    assert "error: 3 workflow run(s) failed" in captured.err


def test_failed_runs_under_injected_faults_are_counted_not_fatal(capsys) -> None:
    assert simulate.main([str(SHORT), "--quiet", "--faults", "0.95", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    failed = int(out.split(" runs with failures")[0].rsplit(" ", 1)[1])
    assert failed > 0


def test_events_in_an_event_outage_start_no_run(tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    path = tmp_path / "outage.yml"
    path.write_text(
        HEAD
        + "schedule: '0 6 * * *'\n"
        + "config: {coordinators: [cora]}\n"
        + "collaborators: {cora: admin}\n"
        + "event_outages: [{from: 2026-01-05T09:00:00Z, to: 2026-01-05T11:00:00Z}]\n"
        + "events:\n  - {at: 2026-01-05T10:00:00Z, by: ada,"
        + " open_issue: {title: t, labels: [application]}}\n",
        encoding="utf-8",
    )
    assert simulate.main([str(path), "--quiet", "--transcript", str(transcript)]) == 0
    actions = json.loads(transcript.read_text(encoding="utf-8"))["actions"]
    actions = [a for a in actions if a["issue"] == 1]  # not the dashboard's
    # The opening's run was lost; the next scheduled run (06:00 the next day) catches up.
    assert {a["run"] for a in actions} == {"schedule"}
    assert min(a["at"] for a in actions).startswith("2026-01-06T06:00")


def test_an_issue_may_be_opened_without_labels(tmp_path: Path) -> None:
    # `labels: []` is an issue opened with none, as GitHub allows: not a mistake.
    transcript = tmp_path / "t.json"
    path = tmp_path / "bare.yml"
    path.write_text(
        HEAD
        + "config: {coordinators: [cora]}\n"
        + "collaborators: {cora: admin}\n"
        + "events:\n  - {at: 2026-01-05T10:00:00Z, by: ada,"
        + " open_issue: {title: Hello, body: Hi, labels: []}}\n",
        encoding="utf-8",
    )
    assert simulate.main([str(path), "--quiet", "--transcript", str(transcript)]) == 0
    issue = json.loads(transcript.read_text(encoding="utf-8"))["issues"]["1"]
    assert issue["title"] == "Hello"
    assert issue["labels"] == []


def test_the_story_ends_with_the_last_scheduled_runs_step_summary(capsys) -> None:
    assert simulate.main([str(SHORT)]) == 0
    out = capsys.readouterr().out
    # A scheduled run's own summary, not a dry run's: "This run" has no "would".
    # The last one ran at 06:17 on the 6th, before the mentor was assigned at 09:00.
    assert "## Mentorships (2026-01-06 06:17 UTC)" in out
    assert "| #1 | alice | – | waiting since 2026-01-05 | – | – |" in out.replace("\u2060", "")
    assert "| would " not in out
    assert "; would " not in out


def test_the_simulation_does_every_action_a_scenario_may_name() -> None:
    assert set(simulation._ACTIONS) == set(EVENT_KEYS)


def _with_config(config: str, overlay: bool) -> str:
    files = "files:\n  .github/mentoring.yml: |\n" + "".join(
        f"    {line}\n" for line in config.splitlines()
    )
    over = "config: {bot_login: mentoring-bot}\n" if overlay else ""
    event = "{at: 2026-01-05T10:00:00Z, by: ada, open_issue: {}}"
    return HEAD + files + over + f"events:\n  - {event}\n"


MERGE_KEY = "_base: &base {name: Astropy}\nprogram:\n  <<: *base\n"


def test_a_merge_key_in_the_config_fails_each_run_with_its_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "merge.yml"
    path.write_text(_with_config(MERGE_KEY, overlay=False), encoding="utf-8")
    assert simulate.main([str(path), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "::error file=.github/mentoring.yml,line=3::YAML merge keys (<<:)" in captured.out
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (MERGE_KEY, "error: .github/mentoring.yml:3: YAML merge keys (<<:) are not accepted"),
        (
            "coordinators: [cora]\ncoordinators: [dan]\n",
            "error: .github/mentoring.yml:2: the key 'coordinators' appears twice",
        ),
    ],
    ids=["merge key", "duplicate key"],
)
def test_a_config_laid_over_a_refused_file_is_a_bad_scenario(
    tmp_path: Path, capsys, config: str, message: str
) -> None:
    path = tmp_path / "over.yml"
    path.write_text(_with_config(config, overlay=True), encoding="utf-8")
    assert simulate.main([str(path), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith(message)
