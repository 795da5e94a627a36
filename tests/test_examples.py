"""examples/program/: a program repository as an adopter has it, kept equal to this one.

Its config, forms and participants.yml are this repository's but for the marked
placeholders below; its workflows are this repository's but for the action step's
`uses:` line, which pins the published action by a release's SHA. So a change to the
reference program that an adopter must copy shows up here, as a failing test, until
examples/program/ has it too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from mentoring.cli.setup_repo import OK, Report, check_workflows
from mentoring.cli.version import REPOSITORY, VERSION
from mentoring.files.config import load_config
from paths import ROOT_DIR
from simulator.simulation import workflow_triggers
from test_workflows import PROGRAM_WORKFLOWS, tool

PROGRAM = ROOT_DIR / "examples" / "program"
WORKFLOWS = Path(".github") / "workflows"

# The files an adopter copies and fills in, the same in both but for the placeholders.
COPIED = (
    ".github/mentoring.yml",
    ".github/ISSUE_TEMPLATE/config.yml",
    ".github/ISSUE_TEMPLATE/mentee-application.yml",
    ".github/ISSUE_TEMPLATE/mentor-registration.yml",
    "participants.yml",
)
# (this repository's text, the example's): Astropy's program, and what stands for an
# adopter's. Each placeholder is marked: it says YOUR- or CHANGE.
PLACEHOLDERS = (
    ("  - astropy-mentoring-coordinator\n", "  - YOUR-COORDINATOR-LOGIN\n"),
    ('name: "Astropy mentoring program"', 'name: "YOUR-PROJECT mentoring program"'),
    (
        "  # Astropy's real pages (the docs of github.com/astropy/astropy-mentoring): CHANGE\n"
        "  # THIS and the handbooks below, and the links in ISSUE_TEMPLATE/config.yml, to yours.\n",
        "  # CHANGE THIS and the handbooks below, and the links in ISSUE_TEMPLATE/config.yml,\n"
        "  # to your program's pages (example.org/YOUR-PROGRAM stands for them here).\n",
    ),
    (
        "# (these are Astropy's handbooks, from the same documentation).\n",
        "# (example.org/YOUR-PROGRAM stands for them here).\n",
    ),
    ("https://astropy-mentoring.readthedocs.io/en/latest/", "https://example.org/YOUR-PROGRAM/"),
    (
        "[Astropy Community Code of Conduct](https://www.astropy.org/code_of_conduct.html)",
        "[YOUR-PROJECT Code of Conduct](https://example.org/YOUR-PROJECT/code_of_conduct.html)",
    ),
    ("https://github.com/astropy/astropy/pulls", "https://github.com/YOUR-ORG/YOUR-PROJECT/pulls"),
    ("  repositories: [astropy/astropy]\n", "  repositories: [YOUR-ORG/YOUR-PROJECT]\n"),
)
# The action step of an example workflow: the published repository at a release's SHA,
# the release in the comment (Dependabot updates both). The SHA is a placeholder until
# the first release is published.
PINNED_ACTION = re.compile(
    rf"^        uses: {re.escape(REPOSITORY)}@(?P<sha>[0-9a-f]{{40}}) # v(?P<version>\S+)$"
)
LOCAL_ACTION = re.compile(r"^        uses: \./(?: #.*)?$")


def filled_in(text: str) -> str:
    """This repository's text with the example's placeholders in place of its values."""
    for ours, theirs in PLACEHOLDERS:
        text = text.replace(ours, theirs)
    return text


@pytest.mark.parametrize("name", COPIED)
def test_the_copied_files_differ_only_in_their_placeholders(name: str) -> None:
    ours = (ROOT_DIR / name).read_text(encoding="utf-8")
    assert (PROGRAM / name).read_text(encoding="utf-8") == filled_in(ours), (
        f"examples/program/{name} should be {name} with PLACEHOLDERS (tests/test_examples.py)"
        " filled in: copy the change over"
    )


def test_every_placeholder_is_used_and_marked() -> None:
    texts = [(ROOT_DIR / name).read_text(encoding="utf-8") for name in COPIED]
    for ours, theirs in PLACEHOLDERS:
        assert any(ours in text for text in texts), f"no copied file says {ours!r} any more"
        assert "YOUR-" in theirs or "CHANGE" in theirs, theirs


def test_the_example_has_the_program_workflows_and_no_others() -> None:
    names = {path.name for path in (PROGRAM / WORKFLOWS).iterdir()}
    assert names == set(PROGRAM_WORKFLOWS)


@pytest.mark.parametrize("name", PROGRAM_WORKFLOWS)
def test_each_workflow_is_ours_but_for_the_pinned_action(name: str) -> None:
    ours = (ROOT_DIR / WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
    theirs = (PROGRAM / WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
    assert len(theirs) == len(ours), f"examples/program/{WORKFLOWS / name}: copy {name} over"
    differing = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    ((local, pinned),) = differing
    assert LOCAL_ACTION.match(local), local
    match = PINNED_ACTION.match(pinned)
    assert match, f"{pinned!r}: should pin {REPOSITORY} by a 40-hex SHA with '# vX.Y.Z'"
    assert match["version"] == VERSION


def test_the_example_config_forms_and_workflows_agree() -> None:
    """The config loads with its forms; setup_repo's check of the workflows against it, as
    `command: setup` runs it in a program repository, finds nothing to change."""
    config = load_config(PROGRAM)
    assert config.mentor_registration is not None
    report = Report()
    check_workflows(PROGRAM, config, report)
    assert [status for status, *_ in report.items] == [OK], report.items


def test_the_simulator_reads_the_same_triggers_from_the_example() -> None:
    """The pinned step (REPOSITORY@sha) counts as the reconciler, as `uses: ./` does."""
    triggers = workflow_triggers(PROGRAM)
    assert triggers == workflow_triggers(ROOT_DIR)
    assert triggers.cron
    assert triggers.issues
    assert triggers.push


def test_dependabot_keeps_the_action_pin_current() -> None:
    config = yaml.safe_load((PROGRAM / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    (update,) = config["updates"]
    assert (update["package-ecosystem"], update["directory"]) == ("github-actions", "/")


def test_the_docs_name_the_published_repository() -> None:
    """A `uses:` of this action in the docs (one followed by a `command:`) names REPOSITORY,
    the one place the published name is written."""
    for doc in [ROOT_DIR / "README.md", ROOT_DIR / "CONTRIBUTING.md", *ROOT_DIR.glob("docs/*.md")]:
        lines = doc.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            target = re.match(r"\s*(?:-\s+)?uses:\s+([\w.-]+/[\w.-]+)@", line)
            if target and any("command:" in later for later in lines[number + 1 : number + 4]):
                assert target[1] == REPOSITORY, f"{doc.name}:{number + 1}: {line.strip()}"


def test_the_example_workflows_match_the_schemas_and_zizmor() -> None:
    github = PROGRAM / ".github"
    workflows = [str(path) for path in sorted((github / "workflows").glob("*.yml"))]
    dependabot = str(github / "dependabot.yml")
    checks = [
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows],
        [tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", dependabot],
        [tool("zizmor"), "--offline", "--no-progress", str(github / "workflows"), dependabot],
    ]
    for command in checks:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
