"""setup_repo.py against the sandbox: labels, token and coordinator checks, dry run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mentoring.cli.setup_repo import ERROR, Report, check_branches, check_workflows, main
from mentoring.core.labels import COLOURS, LabelSpec, label_changes, wanted_labels
from mentoring.files import forms as form_files
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator import issue_forms
from simulator.sandbox import Sandbox

REPO = ROOT_DIR


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A checkout with the shipped forms and a config naming coordinator cora."""
    shutil.copytree(REPO / ".github", tmp_path / ".github")
    shutil.copy2(REPO / "participants.yml", tmp_path / "participants.yml")
    config = tmp_path / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - astropy-mentoring-coordinator", "  - cora"), encoding="utf-8"
    )
    return tmp_path


def env_for(sb: Sandbox, tmp_path: Path, login: str | None = None) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": sb.token_for(login or sb.bot_login),
        "GITHUB_API_URL": sb.url,
        "GITHUB_REPOSITORY": f"{sb.owner}/{sb.repo}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def run(root: Path, env: dict[str, str], *args: str) -> int:
    return main(["--root", str(root), *args], env)


def label_writes(sb: Sandbox) -> list[tuple[str, list[str]]]:
    return [(w["type"], w["labels"]) for w in sb.writes]


def test_fresh_repository_gets_every_label(sandbox: Sandbox, root: Path, tmp_path: Path) -> None:
    sandbox.set_permission("cora", "admin")
    assert run(root, env_for(sandbox, tmp_path)) == 0
    config = load_config(root)
    created = {name for kind, names in label_writes(sandbox) for name in names}
    assert created == {spec.name for spec in wanted_labels(config)}
    # application, registration, the five status labels, ready and the dashboard's
    assert len(created) == 10
    paused = sandbox.state.label(config.labels.paused)
    assert paused.color == COLOURS["paused"]
    assert paused.description
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## Mentoring setup" in summary
    assert "Created label 'mentoring: active'" in summary
    assert "Coordinator @cora can be assigned" in summary


def test_second_run_changes_nothing(sandbox: Sandbox, root: Path, tmp_path: Path) -> None:
    sandbox.set_permission("cora", "triage")
    env = env_for(sandbox, tmp_path)
    assert run(root, env) == 0
    sandbox.clear_logs()
    assert run(root, env) == 0
    assert sandbox.writes == []
    methods = {(r["method"], r["path"].split("?")[0]) for r in sandbox.request_log}
    # Only the label probe is a POST, and GitHub refuses it (422): nothing is created.
    assert {m for m, _ in methods} == {"GET", "POST"}


def test_wrong_colour_is_updated_and_other_labels_are_kept(
    sandbox: Sandbox, root: Path, tmp_path: Path
) -> None:
    sandbox.set_permission("cora", "write")
    sandbox.create_label("mentoring: active", "ff0000", "old words")
    sandbox.create_label("bug", "d73a4a", "Something is broken")
    assert run(root, env_for(sandbox, tmp_path)) == 0
    assert ("update_label", ["mentoring: active", "mentoring: active"]) in label_writes(sandbox)
    active = sandbox.state.label("mentoring: active")
    assert (active.color, active.description) == (
        COLOURS["active"],
        "Mentor assigned; monthly check-ins running",
    )
    assert sandbox.state.label("bug").color == "d73a4a"  # never touched, never deleted


def test_label_name_case_is_kept(sandbox: Sandbox, root: Path, tmp_path: Path) -> None:
    sandbox.set_permission("cora", "write")
    sandbox.create_label("Application", COLOURS["application"], "mine")
    assert run(root, env_for(sandbox, tmp_path)) == 0
    assert sandbox.state.label("application").name == "Application"
    assert not any(
        kind == "create_label" and "application" in names for kind, names in label_writes(sandbox)
    )


def test_unassignable_coordinator_fails_clearly(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(root, env_for(sandbox, tmp_path)) == 1  # cora has no access to the repository
    out = capsys.readouterr().out
    assert "::error::Coordinator @cora cannot be assigned" in out
    assert "Collaborators and teams" in out
    assert "❌ Coordinator @cora cannot be assigned" in (tmp_path / "summary.md").read_text(
        encoding="utf-8"
    )


def test_dry_run_writes_nothing(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.create_label("mentoring: paused", "000000", "")
    assert run(root, env_for(sandbox, tmp_path), "--dry-run") == 0
    assert sandbox.writes == []
    assert sandbox.state.label("mentoring: paused").color == "000000"
    out = capsys.readouterr().out
    assert "dry run: nothing changed" in out
    assert "Would create label 'application'" in out
    assert "Would update label 'mentoring: paused': colour #000000" in out


def test_token_without_write_access_is_reported(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.set_permission("reader", "read")
    assert run(root, env_for(sandbox, tmp_path, "reader"), "--dry-run") == 1
    assert sandbox.writes == []
    out = capsys.readouterr().out
    assert "::error::The token may not write labels or issues" in out


def test_bad_config_is_an_annotation_and_exit_2(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = root / ".github" / "mentoring.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    lines.append("cadense: {}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(root, env_for(sandbox, tmp_path)) == 2
    out = capsys.readouterr().out
    assert f"::error file=.github/mentoring.yml,line={len(lines)}::" in out
    assert "cadence" in out
    assert sandbox.request_log == []


def test_form_without_the_configured_label_is_an_error(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_permission("cora", "admin")
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentor-registration.yml"
    form.write_text(
        form.read_text(encoding="utf-8").replace("labels: [mentor-registration]", "labels: []"),
        encoding="utf-8",
    )
    assert run(root, env_for(sandbox, tmp_path)) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error file=.github/mentoring.yml,line=")
    assert "mentor-registration.yml applies no label" in out
    assert "`labels: [mentor-registration]`" in out
    assert sandbox.request_log == []


@pytest.mark.parametrize(
    ("text", "status", "words"),
    [
        (None, "❌", "does not exist. Create participants.yml containing `[]`"),
        ("- name: Ada\n", "⚠️", "1 problem to fix: run `python scripts/check_participants.py`"),
        ("[]\n", "✅", "participants.yml lists 0 graduates."),
    ],
)
def test_setup_checks_the_participants_file(
    sandbox: Sandbox,
    root: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str | None,
    status: str,
    words: str,
) -> None:
    sandbox.set_permission("cora", "admin")
    if text is None:
        (root / "participants.yml").unlink()
    else:
        (root / "participants.yml").write_text(text, encoding="utf-8")
    assert run(root, env_for(sandbox, tmp_path)) == (1 if status == "❌" else 0)
    out = capsys.readouterr().out
    assert f"- {status} " in out
    assert words in out
    if text is None:
        line = (
            (root / ".github/mentoring.yml")
            .read_text()
            .splitlines()
            .index("participants: participants.yml")
        )
        assert f"::error file=.github/mentoring.yml,line={line + 1}::the participants file" in out


def test_missing_token_is_exit_2(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(root)], {"GITHUB_REPOSITORY": "a/b"}) == 2
    assert "::error::The environment variable GITHUB_TOKEN is not set" in capsys.readouterr().out


@pytest.mark.parametrize("env", [{}, {"GITHUB_REPOSITORY": "a/b"}, {"GITHUB_TOKEN": "t"}])
def test_a_dry_run_without_a_token_checks_the_files_and_says_what_it_left(
    root: Path, capsys: pytest.CaptureFixture[str], env: dict[str, str]
) -> None:
    assert main(["--root", str(root), "--dry-run"], env) == 0
    out = capsys.readouterr().out
    assert "## Mentoring setup (dry run, offline: files only)" in out
    assert ".github/mentoring.yml and the forms in .github/ISSUE_TEMPLATE/ are valid." in out
    assert "participants.yml lists 0 graduates." in out
    assert "The workflows in .github/workflows/ name the bot" in out
    assert "Not checked without a token" in out
    for online in ("labels on the repository", "coordinator can be assigned", "dashboard"):
        assert online in out
    assert "::error" not in out


def test_the_example_program_rehearses_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(REPO / "examples" / "program"), "--dry-run"], {}) == 0
    assert "Not checked without a token" in capsys.readouterr().out


def test_an_offline_dry_run_fails_on_a_broken_file_with_its_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "participants.yml").unlink()
    edit(root / ".github/workflows/mentoring.yml", "name: Mentoring", "name: Mentors")
    assert main(["--root", str(root), "--dry-run"], {}) == 1
    out = capsys.readouterr().out
    assert "::error file=.github/mentoring.yml,line=" in out
    assert "the participants file" in out
    assert "::error file=.github/workflows/mentoring.yml::name is 'Mentors'" in out


def test_an_offline_dry_run_with_a_bad_config_names_its_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(root / ".github/mentoring.yml", "participants: participants.yml", "participants: 7")
    assert main(["--root", str(root), "--dry-run"], {}) == 2
    assert "::error file=.github/mentoring.yml,line=" in capsys.readouterr().out


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"], {})
    assert exc.value.code == 0
    assert "--dry-run" in capsys.readouterr().out


def test_label_changes_compare_case_insensitively() -> None:
    wanted = [LabelSpec("a", "111111", "x"), LabelSpec("b", "222222", "y")]
    existing = [LabelSpec("A", "111111", "x"), LabelSpec("B", "222222", "")]
    assert [c.kind for c in label_changes(wanted, existing)] == ["ok", "update"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def workflow_errors(root: Path, default_branch: str | None = None) -> list[tuple[str, str]]:
    """The (file, text) of each error the local workflow checks report."""
    report = Report()
    check_workflows(root, load_config(root), report)
    if default_branch:
        check_branches(root, default_branch, report)
    return [(file or "", text) for status, text, file, _ in report.items if status == ERROR]


def test_shipped_workflows_match_the_shipped_config(root: Path) -> None:
    assert workflow_errors(root, "main") == []


def test_participants_elsewhere_is_named_in_both_workflows(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_permission("cora", "admin")
    edit(
        root / ".github" / "mentoring.yml",
        "participants: participants.yml",
        "participants: people/graduates.yml",
    )
    assert run(root, env_for(sandbox, tmp_path)) == 1
    out = capsys.readouterr().out
    assert (
        "::error file=.github/workflows/graduation.yml::paths lists participants.yml but the"
        " config's participants is people/graduates.yml: change both `paths:` entries"
        " (under pull_request_target and push) to `paths: [people/graduates.yml]`"
    ) in out
    assert "::error file=.github/workflows/check-participants.yml::paths lists" in out
    assert "`.github/workflows/graduation.yml`: paths lists" in (tmp_path / "summary.md").read_text(
        encoding="utf-8"
    )


def test_a_glob_that_covers_the_participants_file_is_fine(root: Path) -> None:
    edit(
        root / ".github" / "mentoring.yml",
        "participants: participants.yml",
        "participants: people/graduates.yml",
    )
    for name in ("graduation.yml", "check-participants.yml"):
        edit(
            root / ".github" / "workflows" / name,
            "paths: [participants.yml]",
            "paths: ['people/**']",
        )
    assert workflow_errors(root) == []


def test_renamed_reconciler_workflow(root: Path) -> None:
    edit(
        root / ".github" / "workflows" / "mentoring.yml",
        "\nname: Mentoring\n",
        "\nname: Reconcile\n",
    )
    ((file, text),) = workflow_errors(root)
    assert file == ".github/workflows/mentoring.yml"
    assert text.startswith("name is 'Reconcile' but")
    assert "`name: Mentoring`" in text


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: path.write_bytes(b"name: Mentoring \xe9\n"), "not UTF-8 text"),
        (lambda path: (path.unlink(), path.mkdir()), "cannot be read"),
    ],
)
def test_an_unreadable_workflow_is_an_error_not_a_traceback(root: Path, make, words: str) -> None:
    make(root / ".github" / "workflows" / "graduation.yml")
    [(file, text)] = workflow_errors(root)
    assert file == ".github/workflows/graduation.yml"
    assert words in text


def test_other_bot_login(root: Path) -> None:
    edit(
        root / ".github" / "mentoring.yml",
        'bot: "github-actions[bot]"',
        'bot: "mentoring-app[bot]"',
    )
    ((file, text),) = workflow_errors(root)
    assert file == ".github/workflows/mentoring.yml"
    assert "skips github-actions[bot] but the config's bot is mentoring-app[bot]" in text
    assert "`github.actor != 'mentoring-app[bot]'`" in text


def test_default_branch_other_than_main(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(default_branch="trunk") as sb:
        sb.set_permission("cora", "admin")
        assert run(root, env_for(sb, tmp_path), "--dry-run") == 1
    assert (
        "::error file=.github/workflows/graduation.yml::branches lists main but the repository's"
        " default branch is trunk"
    ) in capsys.readouterr().out


def test_the_permissions_named_are_those_the_workflows_declare(
    sandbox: Sandbox, root: Path, tmp_path: Path
) -> None:
    sandbox.set_permission("cora", "admin")
    assert run(root, env_for(sandbox, tmp_path)) == 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert (
        "mentoring.yml actions: read, contents: read, issues: write; graduation.yml contents:"
        " read, issues: write, pull-requests: write; check-participants.yml contents: read,"
        " issues: read; setup.yml contents: read, issues: write."
    ) in summary
    # Read from the files: a workflow that grants more is reported as it is.
    mentoring = root / ".github/workflows/mentoring.yml"
    text = mentoring.read_text(encoding="utf-8")
    text = text.replace("      issues: write", "      issues: write\n      pull-requests: read", 1)
    mentoring.write_text(text, encoding="utf-8")
    assert run(root, env_for(sandbox, tmp_path)) == 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "mentoring.yml actions: read, contents: read, issues: write, pull-requests: read;" in (
        summary
    )


def created_issues(sb: Sandbox) -> list[dict]:
    return [w for w in sb.writes if w["type"] == "create_issue"]


def test_dashboard_is_created_once_and_the_run_keeps_it(
    sandbox: Sandbox, root: Path, tmp_path: Path
) -> None:
    from mentoring.cli import reconcile

    sandbox.set_permission("cora", "admin")
    env = env_for(sandbox, tmp_path)
    assert run(root, env) == 0
    [made] = created_issues(sandbox)
    assert made["title"] == "Mentoring dashboard"
    assert made["labels"] == ["mentoring: dashboard"]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert f"Created the dashboard #{made['issue']}" in summary
    assert "**Pin issue**" in summary
    assert f"/issues/{made['issue']}" in summary

    sandbox.clear_logs()
    assert run(root, env) == 0
    assert sandbox.writes == []
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert f"The dashboard is #{made['issue']}. Pin it" in summary

    # The scheduled run finds the issue setup made (the same rule) and fills it in.
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy2(REPO / "participants.yml", root / "participants.yml")
    sandbox.clear_logs()
    reconcile.main(["--root", str(root)], env=env, now=sandbox.now, sleep=lambda s: None)
    assert created_issues(sandbox) == []
    assert [w["issue"] for w in sandbox.writes if w["type"] == "edit_issue"] == [made["issue"]]


def test_dashboard_dry_run_and_switched_off_create_nothing(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_permission("cora", "admin")
    env = env_for(sandbox, tmp_path)
    assert run(root, env, "--dry-run") == 0
    assert "Would create the dashboard issue 'Mentoring dashboard'" in capsys.readouterr().out
    config = root / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  enabled: true", "  enabled: false", 1), encoding="utf-8")
    assert load_config(root).dashboard.enabled is False
    assert run(root, env) == 0
    assert created_issues(sandbox) == []
    assert "The dashboard is switched off" in capsys.readouterr().out


def test_a_labelled_issue_someone_else_opened_is_not_the_dashboard(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_permission("cora", "admin")
    sandbox.create_label("mentoring: dashboard", "ededed", "")
    sandbox.open_issue("cora", "My own dashboard", "mine", labels=["mentoring: dashboard"])
    assert run(root, env_for(sandbox, tmp_path)) == 0
    out = capsys.readouterr().out
    assert "#1 has the label 'mentoring: dashboard' but was not opened by" in out
    [made] = created_issues(sandbox)
    assert made["issue"] == 2


def test_open_applications_carrying_a_former_label_name_are_reported(
    sandbox: Sandbox, root: Path, tmp_path: Path
) -> None:
    """A label made anew instead of renamed leaves the old one on
    open applications; setup names them (one list request), and nothing else changes."""
    sandbox.set_permission("cora", "admin")
    config = root / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('paused: "mentoring: paused"', 'paused: ["on hold", "mentoring: paused"]'),
        encoding="utf-8",
    )
    stale = sandbox.open_issue("alice", "Mentee application", "", ["application"])
    sandbox.add_labels(stale, "cora", ["mentoring: paused"])
    fine = sandbox.open_issue("bob", "Mentee application", "", ["application"])
    sandbox.add_labels(fine, "cora", ["on hold"])
    sandbox.clear_logs()
    assert run(root, env_for(sandbox, tmp_path)) == 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert f"#{stale} carries 'mentoring: paused', a former name of `labels.paused`" in summary
    assert f"#{fine} carries" not in summary
    lists = [
        r
        for r in sandbox.request_log
        if r["method"] == "GET"
        and r["path"].endswith("/issues")
        and r["query"].get("labels") == "application"
    ]
    assert len(lists) == 1  # the dashboard's own look-up aside


def test_open_applications_a_reworded_label_cut_off_are_reported(
    sandbox: Sandbox, root: Path, tmp_path: Path
) -> None:
    """Answers are found by their ``### label`` heading, so rewording a
    label orphans the answers open applications already hold; setup names them (the one
    list request), and leaves a hand-written issue alone."""
    sandbox.set_permission("cora", "admin")
    form_file = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    form = form_files.load_form(form_file)
    answers = {"name": "Ada", "role": "Reviewer"}
    orphaned = sandbox.open_issue(
        "alice", "Mentee application", issue_forms.render_body(form, answers), ["application"]
    )
    by_hand = sandbox.open_issue("bob", "Mentee application", "Please mentor me", ["application"])
    edit(form_file, "label: Which role would you like to apply for and why", "label: Which role?")
    with form_file.open("a", encoding="utf-8") as added:  # a new optional field: fine
        added.write("  - type: input\n    id: pronouns\n    attributes:\n      label: Pronouns\n")
    sandbox.clear_logs()
    assert run(root, env_for(sandbox, tmp_path)) == 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert (
        f"#{orphaned} no longer parses against .github/ISSUE_TEMPLATE/mentee-application.yml:"
        " no answer under the heading of `role` (label 'Which role?'). Put the old label"
        " back, or edit the issue's heading to the new label."
    ) in summary
    assert f"#{by_hand} no longer parses" not in summary
    assert "Pronouns" not in summary
    lists = [
        r
        for r in sandbox.request_log
        if r["method"] == "GET"
        and r["path"].endswith("/issues")
        and r["query"].get("labels") == "application"
    ]
    assert len(lists) == 1


MERGE_KEYS = [
    ("a mapping", "_base: {}\nprogram:\n  <<: {name: Astropy}\n", 3),
    ("an alias", "_base: &base {name: Astropy}\nprogram:\n  <<: *base\n", 3),
]


@pytest.mark.parametrize(("what", "text", "line"), MERGE_KEYS, ids=[m[0] for m in MERGE_KEYS])
def test_a_merge_key_in_the_config_is_an_annotation_and_exit_2(
    sandbox: Sandbox,
    root: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    text: str,
    line: int,
) -> None:
    (root / ".github" / "mentoring.yml").write_text(text, encoding="utf-8")
    assert run(root, env_for(sandbox, tmp_path)) == 2
    out = capsys.readouterr().out
    assert (
        f"::error file=.github/mentoring.yml,line={line}::"
        "YAML merge keys (<<:) are not accepted here. Write the keys out in full"
    ) in out
    assert sandbox.request_log == []


@pytest.mark.parametrize(
    "text",
    [
        "- name: Ada\n  github: ada\n- <<: {name: Bo}\n  github: bo\n",
        "- &ada {name: Ada, github: ada}\n- <<: *ada\n  github: bo\n",
    ],
)
def test_a_merge_key_in_participants_is_a_problem_to_fix(
    sandbox: Sandbox, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    sandbox.set_permission("cora", "admin")
    (root / "participants.yml").write_text(text, encoding="utf-8")
    assert run(root, env_for(sandbox, tmp_path)) == 0
    out = capsys.readouterr().out
    assert "- ⚠️ " in out
    assert "1 problem to fix: run `python scripts/check_participants.py`" in out


# --- the forms offer the config's roles


def _check_roles(root: Path) -> Report:
    from mentoring.cli.setup_repo import check_roles

    report = Report()
    check_roles(root, load_config(root), report)
    return report


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_forms_offer_the_shipped_roles(root: Path) -> None:
    [(status, text, _, _)] = _check_roles(root).items
    assert status == "ok"
    assert "40 roles" in text


def test_an_option_no_role_names_is_an_error_at_its_line(root: Path) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    _edit(form, '        - "astropy.wcs maintainer"\n', '        - "astropy.wcs wizard"\n')
    line = form.read_text(encoding="utf-8").splitlines().index('        - "astropy.wcs wizard"') + 1
    items = _check_roles(root).items
    assert [(s, f, n) for s, _, f, n in items if "wizard" in _] == [
        (ERROR, ".github/ISSUE_TEMPLATE/mentee-application.yml", line)
    ]
    [missing] = [t for _, t, _, _ in items if "does not offer" in t]
    assert "'astropy.wcs maintainer'" in missing
    assert "Add `- 'astropy.wcs maintainer'`" in missing


def test_a_role_the_registration_lacks_and_a_single_choice_are_named(root: Path) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentor-registration.yml"
    _edit(form, '        - "APE editor"\n', "")
    _edit(form, "      multiple: true\n", "")
    _edit(form, '        - "Other"\n', "")
    items = _check_roles(root).items
    texts = {(s, t.split(": ", 1)[1].split(",")[0].split(".")[0]) for s, t, _, _ in items}
    assert texts == {
        (ERROR, "`roles_held` does not offer the role 'APE editor'"),
        ("warning", "`roles_held` lets a mentor choose one role only"),
        ("warning", "`roles_held` has no `Other` option"),
    }
    assert all(f == ".github/ISSUE_TEMPLATE/mentor-registration.yml" for _, _, f, _ in items)


def test_a_former_name_as_an_option_asks_for_the_name_in_use(root: Path) -> None:
    config = root / ".github" / "mentoring.yml"
    _edit(config, 'name: "APE editor"', 'name: ["APE editor", "APE wrangler"]')
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    _edit(form, '        - "APE editor"\n', '        - "APE wrangler"\n')
    [former] = [t for _, t, _, _ in _check_roles(root).items if "former" in t]
    assert "'APE wrangler' is a former name of the role 'APE editor'" in former
    assert former.endswith("Write the name in use, 'APE editor'.")


def test_a_form_without_the_role_field_is_a_warning(root: Path) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    _edit(form, "    id: role_choice\n", "    id: role_pick\n")
    [(status, text, _, line)] = _check_roles(root).items
    assert status == "warning"
    assert "no field `role_choice`" in text
    assert line is not None


@pytest.mark.parametrize("roles", ["", "roles: []\n"])
def test_role_options_without_roles_are_a_warning_at_the_first(root: Path, roles: str) -> None:
    config = root / ".github" / "mentoring.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("\nroles:")] + "\n" + roles, encoding="utf-8")
    forms = root / ".github" / "ISSUE_TEMPLATE"
    first = '        - "Core astropy package maintainer (general)"'
    found = [(s, t, f, n) for s, t, f, n in _check_roles(root).items]
    assert [(s, f, n) for s, _, f, n in found] == [
        ("warning", f".github/ISSUE_TEMPLATE/{name}", text_line(forms / name, first))
        for name in ("mentee-application.yml", "mentor-registration.yml")
    ]
    assert found[0][1].endswith(
        "`role_choice` offers 40 roles ('Core astropy package maintainer (general)', ...),"
        " but .github/mentoring.yml lists no `roles:`, so no answer matches a role and no"
        " mentor is suggested. List the roles under `roles:` in .github/mentoring.yml, or"
        " take them out of `role_choice`'s options (or the dropdown out of the form)."
    )
    # Only Other left, or no dropdown at all: nothing to say.
    for name in ("mentee-application.yml", "mentor-registration.yml"):
        lines = (forms / name).read_text(encoding="utf-8").splitlines(keepends=True)
        start = lines.index(first + "\n")
        end = lines.index('        - "Other"\n')
        (forms / name).write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    assert _check_roles(root).items == []


def test_a_role_field_that_is_no_dropdown_is_an_error(root: Path) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    text = form.read_text(encoding="utf-8")
    start = text.index("  - type: dropdown\n    id: role_choice")
    end = text.index("  - type: textarea\n    id: role\n")
    form.write_text(
        text[:start]
        + "  - type: input\n    id: role_choice\n    attributes:\n      label: Role\n"
        + text[end:],
        encoding="utf-8",
    )
    [(status, text, _, line)] = _check_roles(root).items
    assert status == ERROR
    assert line == text_line(form, "    id: role_choice")
    assert "`role_choice` has `type: input`" in text
    assert text.endswith("`type: dropdown`.")


def text_line(path: Path, line: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(line) + 1


def test_a_multi_select_role_on_the_application_is_an_error_at_its_field(root: Path) -> None:
    form = root / ".github" / "ISSUE_TEMPLATE" / "mentee-application.yml"
    _edit(
        form,
        "      label: The role you are applying for\n",
        "      multiple: true\n      label: R\n",
    )
    [(status, text, file, line)] = _check_roles(root).items
    assert (status, file) == (ERROR, ".github/ISSUE_TEMPLATE/mentee-application.yml")
    assert line == text_line(form, "    id: role_choice")
    assert text.startswith(f"line {line}: `role_choice` has `multiple: true`, so its answer is")
    assert text.endswith(
        "Take `multiple: true` out of its `attributes:` (an applicant applies for one role)."
    )
