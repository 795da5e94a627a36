"""check_participants.py on a pull request, against the sandbox GitHub.

Each test opens application issues and a pull request in the sandbox, checks out the
pull request's participants.yml in a temporary repository root, and runs the script
with the environment GitHub Actions gives a `pull_request` run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mentoring.cli import reconcile
from mentoring.cli.check_participants import main
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator.issue_forms import render_body
from simulator.sandbox import Sandbox

REPO = ROOT_DIR
COORDINATOR = "astropy-mentoring-coordinator"  # as in the shipped .github/mentoring.yml
LABEL = "application"
BASE = "- name: Alice Example\n  github: alice\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with the shipped config and forms; the script runs from it."""
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO / ".github", checkout / ".github")
    monkeypatch.chdir(checkout)
    return checkout


@pytest.fixture
def sb(sandbox: Sandbox) -> Sandbox:
    """The sandbox with the label, the coordinator, two mentors and a base file."""
    sandbox.create_label(LABEL)
    sandbox.set_permission(COORDINATOR, "admin")
    for mentor in ("carol", "dave"):
        sandbox.set_permission(mentor, "write")
    sandbox.set_file("participants.yml", BASE)
    return sandbox


def apply(
    sb: Sandbox,
    by: str,
    mentors: tuple[str, ...] = (),
    github: str = "",
    closed: str | None = None,
) -> int:
    """Open an application as ``by`` (``github``: on that person's behalf); pair it."""
    form = load_config(REPO).application.form_spec
    body = render_body(form, {"name": f"{by} applicant", "github": github, "role": "reviewer"})
    number = sb.open_issue(by, f"Mentee application - {by}", body, labels=[LABEL])
    sb.assign(number, COORDINATOR, [COORDINATOR, *mentors])
    if closed:
        sb.close(number, COORDINATOR, closed)
    return number


def propose(sb: Sandbox, root: Path, text: str, by: str = "bob") -> dict:
    """Open a pull request setting participants.yml to ``text``; check it out in ``root``."""
    number = sb.open_pull_request(by, "Graduate", "", {"participants.yml": text})
    (root / "participants.yml").write_text(text, encoding="utf-8")
    return {"action": "opened", "number": number, "pull_request": sb.pull(number)}


def run(sb: Sandbox, root: Path, payload: dict, as_user: str = "", **extra: str) -> int:
    """Run the check as the `pull_request` workflow does (argv empty), as the bot by default."""
    event = root.parent / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_TOKEN": sb.token_for(as_user or sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
        "GITHUB_STEP_SUMMARY": str(root.parent / "summary.md"),
        **extra,
    }
    sb.clear_logs()
    return main([], env=env)


def errors(out: str) -> list[tuple[int, str]]:
    """(line, message) of each ::error annotation on participants.yml."""
    found = []
    for text in out.splitlines():
        if text.startswith("::error file=participants.yml,line="):
            head, message = text.split("::", 2)[1:]
            found.append((int(head.split("line=")[1].split(",")[0]), message))
    return found


def entry(login: str, *more: str) -> str:
    return f"- name: {login.title()} Example\n  github: {login}\n" + "".join(
        f"  {m}\n" for m in more
    )


def summary(root: Path) -> str:
    return (root.parent / "summary.md").read_text(encoding="utf-8")


# --- one added entry ---------------------------------------------------------------------


def test_paired_mentee_with_open_issue_passes(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = apply(sb, "bob", mentors=("carol",))
    payload = propose(sb, root, BASE + entry("bob", "mentors: [carol]", f"issue: {number}"))
    assert run(sb, root, payload) == 0
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"
    assert "1 added entry checked against their application issues." in summary(root)
    assert sb.writes == []


def test_login_without_an_issue_fails_at_its_line(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apply(sb, "bob", mentors=("carol",))
    payload = propose(sb, root, BASE + entry("bobby"))
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 3
    assert "no mentorship application issue was found for `bobby`" in message
    assert "check the spelling of `github`" in message


def test_application_closed_as_not_planned_fails(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = apply(sb, "bob", mentors=("carol",), closed="not_planned")
    payload = propose(sb, root, BASE + entry("bob"))
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 3
    assert f"#{number}, closed as not planned" in message
    assert "A coordinator has to reopen the issue" in message


def test_mentors_not_assigned_on_the_issue_fail(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = apply(sb, "bob", mentors=("carol",))
    payload = propose(sb, root, BASE + entry("bob", "mentors: [dave]", f"issue: {number}"))
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 3
    # The coordinator is assigned too, but is not a mentor: the planner's rule.
    assert f"the mentors assigned on #{number} are `carol`" in message


def test_issue_number_of_someone_else_fails(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erins = apply(sb, "erin", mentors=("dave",))
    bobs = apply(sb, "bob", mentors=("carol",))
    payload = propose(sb, root, BASE + entry("bob", f"issue: {erins}"))
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 3
    assert f"`issue: {erins}` is not an application issue of `bob`; theirs: #{bobs}" in message


# --- several entries, edits, files ------------------------------------------------------


def test_each_added_entry_is_checked_at_its_own_line(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bobs = apply(sb, "bob", mentors=("carol",))
    franks = apply(sb, "frank", mentors=("carol",))
    text = (
        BASE
        + entry("bob", "mentors: [carol]", f"issue: {bobs}")  # lines 3-6: fine
        + entry("erin")  # lines 7-8: no application issue
        + entry("frank", "mentors: [dave]", f"issue: {franks}")  # lines 9-12: wrong mentor
    )
    payload = propose(sb, root, text)
    assert run(sb, root, payload) == 1
    found = errors(capsys.readouterr().out)
    assert [line for line, _ in found] == [7, 9]
    assert "`erin`" in found[0][1]
    assert "`frank`" in found[1][1]
    report = summary(root)
    assert report.startswith("### participants.yml: 2 problems to fix\n\n- **line 7**: ")
    assert "3 added entries checked against their application issues." in report
    assert "push the change to this pull request" in report


def test_editing_an_existing_entry_reads_no_issues(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sb.set_file("participants.yml", BASE + entry("bob"))
    payload = propose(sb, root, BASE + entry("bob", "role: reviewer"))
    assert run(sb, root, payload) == 0
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"
    paths = [r["path"] for r in sb.request_log]
    assert not [p for p in paths if "/issues" in p]
    assert any(p.endswith("/contents/participants.yml") for p in paths)
    assert "0 added entries checked" in summary(root)


def test_base_file_is_read_at_the_pull_requests_base_commit(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = propose(sb, root, BASE + entry("bob"))
    # The default branch moves on after the pull request was opened: the base commit of
    # the payload, not the branch, says what this pull request adds.
    sb.set_file("participants.yml", BASE + entry("bob"))
    assert run(sb, root, payload) == 1
    ((line, _),) = errors(capsys.readouterr().out)
    assert line == 3
    contents = [r for r in sb.request_log if r["path"].endswith("/contents/participants.yml")]
    assert [r["query"].get("ref") for r in contents] == [payload["pull_request"]["base"]["sha"]]


def test_pull_request_creating_the_file_checks_every_entry(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sb.push("astropy", {"participants.yml": None}, "Remove the list")
    number = apply(sb, "bob", mentors=("carol",))
    payload = propose(sb, root, BASE + entry("bob", f"issue: {number}"))
    assert run(sb, root, payload) == 1
    assert [line for line, _ in errors(capsys.readouterr().out)] == [1]


def test_file_problems_and_issue_problems_together(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = propose(sb, root, BASE + entry("bob") + "- name: Carl\n  github: '@carl'\n")
    assert run(sb, root, payload) == 1
    found = errors(capsys.readouterr().out)
    assert [line for line, _ in found] == [3, 6]
    assert "Write `github: carl`" in found[1][1]


# --- whose issue it is: the planner's rules ---------------------------------------------


def test_application_opened_on_someones_behalf_counts_for_them(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # With `mentee_field: github` (the shipped form's field), an issue opened by a
    # coordinator for gina is gina's, and not the coordinator's.
    config = root / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8").replace("mentee_field: null", "mentee_field: github")
    config.write_text(text, encoding="utf-8")
    number = apply(sb, COORDINATOR, mentors=("carol",), github="@gina")
    text = BASE + entry("gina", "mentors: [carol]", f"issue: {number}") + entry(COORDINATOR)
    payload = propose(sb, root, text, by="gina")
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 7
    assert f"no mentorship application issue was found for `{COORDINATOR}`" in message
    lists = [r for r in sb.request_log if r["path"].endswith("/issues")]
    assert len(lists) == 1  # every application listed once, for all entries
    assert lists[0]["query"]["state"] == "all"
    assert sb.issue(number)["user"]["login"] == COORDINATOR


def test_without_mentee_field_issues_are_found_by_their_author(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped config: no mentee field.
    assert "mentee_field: null" in (root / ".github" / "mentoring.yml").read_text(encoding="utf-8")
    number = apply(sb, "bob", mentors=("carol",))
    apply(sb, COORDINATOR, github="hana")  # hana's name in the form does not count now
    text = BASE + entry("bob", "mentors: [carol]", f"issue: {number}") + entry("hana")
    payload = propose(sb, root, text)
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 7
    assert "`hana`" in message
    lists = [r["query"] for r in sb.request_log if r["path"].endswith("/issues")]
    assert [q.get("creator") for q in lists] == ["bob", "hana"]


# --- forks, failures, configuration -----------------------------------------------------


def test_fork_pull_request_with_a_read_only_token_writes_nothing(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A fork's `pull_request` run gets a read-only token; this one belongs to a user
    # with no permission on the repository at all.
    number = apply(sb, "bob", mentors=("carol",))
    payload = propose(
        sb, root, BASE + entry("bob", "mentors: [carol]", f"issue: {number}"), by="bob"
    )
    assert run(sb, root, payload, as_user="fork-reader") == 0
    assert capsys.readouterr().out == "participants.yml: OK (2 entries)\n"
    assert sb.writes == []
    assert {r["method"] for r in sb.request_log} == {"GET"}
    assert sb.issue(number)["state"] == "open"


def test_github_failure_is_an_error_that_says_to_re_run(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = propose(sb, root, BASE + entry("bob"))
    assert run(sb, root, payload, GITHUB_REPOSITORY="astropy/elsewhere") == 2
    out = capsys.readouterr().out
    assert out.startswith("::error title=participants check could not run::")
    assert "HTTP 404" in out
    assert "re-run this check" in out


def test_payload_without_base_commit_is_an_error(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    propose(sb, root, BASE + entry("bob"))
    assert run(sb, root, {"action": "opened"}) == 2
    out = capsys.readouterr().out
    assert "has no pull_request.base.sha" in out
    assert "--base PATH" in out


def test_broken_config_checks_the_files_rules_and_says_why(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / ".github" / "mentoring.yml").write_text("coordinators: []\n", encoding="utf-8")
    payload = propose(sb, root, BASE + entry("bob"))
    assert run(sb, root, payload) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "::warning file=.github/mentoring.yml,line=1,title=.github/mentoring.yml has a problem::"
    )
    assert "checked on its own rules only" in out
    assert out.endswith("participants.yml: OK (2 entries)\n")
    assert sb.request_log == []


def test_participants_path_comes_from_the_config(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = root / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("participants: participants.yml", "participants: data/graduates.yml"),
        encoding="utf-8",
    )
    sb.set_file("data/graduates.yml", BASE)
    head = BASE + entry("bob")
    number = sb.open_pull_request("bob", "Graduate", "", {"data/graduates.yml": head})
    (root / "data").mkdir()
    (root / "data" / "graduates.yml").write_text(head, encoding="utf-8")
    assert run(sb, root, {"pull_request": sb.pull(number)}) == 1
    assert capsys.readouterr().out.startswith("::error file=data/graduates.yml,line=3,")


# --- the check and the graduation agree --------------------------------------------------


def test_the_issue_the_check_accepts_is_the_one_graduated(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bob's first application was declined; the second is paired. Merging graduates it."""
    declined = apply(sb, "bob", closed="not_planned")
    paired = apply(sb, "bob", mentors=("carol",))
    (root / "participants.yml").write_text(BASE, encoding="utf-8")
    text = BASE + entry("bob", f"mentors: [carol]\n  issue: {paired}")
    payload = propose(sb, root, text)
    assert run(sb, root, payload) == 0

    sb.merge_pull_request(payload["number"], COORDINATOR)
    merged = root.parent / "merged.json"
    pull = sb.pull(payload["number"])
    merged.write_text(json.dumps({"action": "closed", "pull_request": pull}), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "pull_request_target",
        "GITHUB_EVENT_PATH": str(merged),
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
    }
    assert reconcile.main(["--root", str(root)], env=env, now=sb.now) == 0
    graduated = sb.issue(paired)
    assert (graduated["state"], graduated["state_reason"]) == ("closed", "completed")
    assert "mentoring: graduated" in {label["name"] for label in graduated["labels"]}
    assert sb.issue(declined)["state_reason"] == "not_planned"
    assert not [w for w in sb.writes if w["issue"] == declined]


@pytest.mark.parametrize(
    ("author", "allowed"),
    [("gina", True), ("carol", True), (COORDINATOR, True), ("mallory", False)],
)
def test_only_the_graduate_a_mentor_or_a_coordinator_may_add_an_entry(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str], author: str, allowed: bool
) -> None:
    number = apply(sb, "gina", mentors=("carol",))
    text = BASE + entry("gina", "mentors: [carol]", f"issue: {number}")
    payload = propose(sb, root, text, by=author)
    assert run(sb, root, payload) == (0 if allowed else 1)
    found = errors(capsys.readouterr().out)
    if allowed:
        assert found == []
    else:
        ((line, message),) = found
        assert line == BASE.count("\n") + 1
        assert "opened by `mallory`, who is not `gina`, one of their mentors" in message


def test_an_added_entry_without_issue_is_told_its_open_mentorship_issue(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any run graduates from `issue:`, so an added entry must name it; the check says
    which number to write, on the entry's line."""
    old = apply(sb, "gina", mentors=("carol",), closed="not_planned")
    number = apply(sb, "gina", mentors=("carol",))
    payload = propose(sb, root, BASE + entry("gina", "mentors: [carol]"), by="gina")
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 3
    assert f"add `issue: {number}` to this entry" in message
    assert f"#{old}" in message.split("theirs:")[1]  # the declined one is listed, not chosen


def test_an_applicant_nobody_mentored_cannot_add_themself(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody graduates themself: a green check needs a mentor assigned at some point,
    read from the timeline by the planner's own roles rule."""
    number = apply(sb, "gina")  # only the coordinator was assigned
    payload = propose(sb, root, BASE + entry("gina", f"issue: {number}"), by="gina")
    assert run(sb, root, payload) == 1
    ((line, message),) = errors(capsys.readouterr().out)
    assert line == 3
    assert f"no mentor was ever assigned on #{number}" in message


def test_a_mentor_who_was_replaced_still_counts_as_mentored(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = apply(sb, "gina", mentors=("carol",))
    sb.unassign(number, COORDINATOR, ["carol"])  # carol left; nobody assigned today
    payload = propose(sb, root, BASE + entry("gina", f"issue: {number}"), by="gina")
    assert run(sb, root, payload) == 0


def test_an_unreadable_payload_is_named(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    propose(sb, root, BASE + entry("bob"))
    event = root.parent / "event.json"
    event.write_text("{broken", encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
    }
    assert main([], env=env) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error title=participants check could not run::")
    assert f"The event payload {event} could not be read" in out


@pytest.mark.parametrize(("author", "allowed"), [("gina", True), ("mallory", False)])
def test_an_entry_pointed_at_another_issue_is_checked_as_an_added_one(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str], author: str, allowed: bool
) -> None:
    """A graduate of old applies again; changing their entry's `issue:` to the new
    application graduates it on the default branch as surely as a new entry would."""
    old = apply(sb, "gina", mentors=("carol",), closed="completed")
    sb.set_file("participants.yml", BASE + entry("gina", "mentors: [carol]", f"issue: {old}"))
    new = apply(sb, "gina", mentors=("dave",))
    text = BASE + entry("gina", "mentors: [dave]", f"issue: {new}")
    assert run(sb, root, propose(sb, root, text, by=author)) == (0 if allowed else 1)
    found = errors(capsys.readouterr().out)
    if allowed:
        assert found == []
        assert "1 added entry checked against their application issues" in summary(root)
    else:
        ((line, message),) = found
        assert line == BASE.count("\n") + 1
        assert "opened by `mallory`, who is not `gina`, one of their mentors" in message


def test_a_coordinator_who_said_mentor_is_the_mentor_the_check_knows(
    sb: Sandbox, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check counts who mentors an issue by the planner's rule: a coordinator's
    accepted `/mentor` made them its mentor, with no person assigning anyone."""
    form = load_config(REPO).application.form_spec
    body = render_body(form, {"name": "Gina applicant", "github": "", "role": "reviewer"})
    number = sb.open_issue("gina", "Mentee application - gina", body, labels=[LABEL])
    sb.assign(number, sb.bot_login, [COORDINATOR])  # as the welcome's run does
    sb.comment(number, COORDINATOR, "/mentor")
    env = {
        "GITHUB_TOKEN": sb.token_for(sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
    }
    (root / "participants.yml").write_text(BASE, encoding="utf-8")
    assert reconcile.main(["--root", str(root), f"--issue={number}"], env=env, now=sb.now) == 0
    assert any("is now this mentorship's mentor" in c["body"] for c in sb.comments(number))
    capsys.readouterr()
    text = BASE + entry("gina", f"mentors: [{COORDINATOR}]", f"issue: {number}")
    assert run(sb, root, propose(sb, root, text, by="gina")) == 0
    assert errors(capsys.readouterr().out) == []
