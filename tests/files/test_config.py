"""The program config: defaults, overrides, the shipped file, and every error path."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from mentoring.core import forms
from mentoring.files import config
from mentoring.files.yamlfile import YamlFileError
from paths import ROOT_DIR

ROOT = ROOT_DIR
FORMS = ROOT / ".github/ISSUE_TEMPLATE"
ASTROPY_FORM = ROOT / "tests/data/forms/astropy-mentee-application.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the shipped forms and a minimal config."""
    shutil.copytree(FORMS, tmp_path / ".github/ISSUE_TEMPLATE")
    (tmp_path / ".github/mentoring.yml").write_text("coordinators: [cora]\n")
    return tmp_path


def write(repo: Path, text: str) -> None:
    (repo / ".github/mentoring.yml").write_text(textwrap.dedent(text))


def error(repo: Path, text: str, overrides: dict | None = None) -> YamlFileError:
    write(repo, text)
    with pytest.raises(YamlFileError) as info:
        config.load_config(repo, overrides)
    err = info.value
    assert err.file == ".github/mentoring.yml"
    assert err.fix, "every error says how to fix it"
    assert str(err).startswith(f".github/mentoring.yml:{err.line}: ")
    return err


# ---------------------------------------------------------------- loading


def test_shipped_config_and_forms_load() -> None:
    cfg = config.load_config(ROOT)
    assert cfg.coordinators
    assert cfg.application.form == "mentee-application.yml"
    assert cfg.application.label == "application"
    assert cfg.application.form_spec.labels == ("application",)
    # Null, so that pointing `form` at a form without a `github` field needs no other change.
    assert cfg.application.mentee_field is None
    assert cfg.application.required == ("name", "role", "availability", "code_of_conduct")
    assert cfg.mentor_registration is not None
    assert cfg.mentor_registration.form_spec.labels == ("mentor-registration",)
    assert cfg.handbooks.mentee is not None
    assert cfg.handbooks.mentee.startswith("https://")
    # The forms' own labels are the ones the config says mark them.
    assert cfg.application.label in cfg.application.form_spec.labels
    assert cfg.mentor_registration.label in cfg.mentor_registration.form_spec.labels


def _leaves(data: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    out: dict[tuple[str, ...], object] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_leaves(value, (*prefix, key)))
        else:
            out[(*prefix, key)] = value
    return out


def _comments_about(lines: list[str], path: tuple[str, ...]) -> str:
    """The key's own line and the comment lines right above it (or above its section)."""
    found, start = [], 0
    for depth, key in enumerate(path):
        start = next(
            i for i in range(start, len(lines)) if lines[i].startswith("  " * depth + f"{key}:")
        )
        above = start
        while above > 0 and lines[above - 1].lstrip().startswith("#"):
            above -= 1
        found += lines[above : start + 1]
    return "\n".join(found)


def test_the_shipped_config_marks_every_value_that_is_not_the_default() -> None:
    # Its header says a value shown is the default unless its comment says "(default:".
    text = (ROOT / config.CONFIG_FILE).read_text(encoding="utf-8")
    shipped = _leaves(yaml.safe_load(text))
    defaults = _leaves(config.DEFAULTS)
    assert set(shipped) == set(defaults)
    lines = text.splitlines()
    for path, value in shipped.items():
        if path == ("coordinators",) or value == defaults[path]:
            continue
        assert f"(default: {json.dumps(defaults[path])}" in _comments_about(lines, path), path


def test_defaults(repo: Path) -> None:
    cfg = config.load_config(repo)
    assert cfg.coordinators == ("cora",)
    assert cfg.bot == "github-actions[bot]"
    assert cfg.program == config.Program(name="Mentoring program", url=None, contact=None)
    assert cfg.application.form == "mentee-application.yml"
    assert cfg.application.label == "application"
    assert cfg.application.mentee_field is None
    assert cfg.application.required == cfg.application.form_spec.required_ids
    assert isinstance(cfg.application.form_spec, forms.Form)
    assert cfg.mentor_registration is not None
    assert cfg.mentor_registration.label == "mentor-registration"
    assert cfg.labels == config.Labels(
        needs_info="mentoring: needs info",
        awaiting_mentor="mentoring: awaiting mentor",
        active="mentoring: active",
        paused="mentoring: paused",
        graduated="mentoring: graduated",
        ready="mentoring: ready",
    )
    assert cfg.cadence == config.Cadence(
        1, 3, 14, 30, stall_days=60, long_pause_days=90, ready_reminder_days=30
    )
    assert cfg.graduation == config.Graduation(nomination_url=None)
    assert cfg.handbooks == config.Handbooks(None, None)
    assert cfg.participants == "participants.yml"
    # The settings' own defaults are the file's: written once, in core/settings.py.
    assert (cfg.program, cfg.labels, cfg.cadence) == (
        config.Program(),
        config.Labels(),
        config.Cadence(),
    )
    assert (cfg.handbooks, cfg.graduation) == (config.Handbooks(), config.Graduation())


def test_config_is_frozen(repo: Path) -> None:
    cfg = config.load_config(repo)
    with pytest.raises(AttributeError):
        cfg.bot = "x"  # type: ignore[misc]


def test_values_as_written(repo: Path) -> None:
    write(
        repo,
        """\
        coordinators: [Cora, mo-2]
        bot: mentoring-bot[bot]
        program: {name: Astro mentoring, url: "https://example.org/m"}
        application: {mentee_field: github, required: [role, name, role]}
        labels: {paused: "on hold"}
        cadence: {review_every: 4}
        handbooks: {mentee: "http://example.org/a"}
        participants: data/participants.yml
        """,
    )
    cfg = config.load_config(repo)
    assert cfg.coordinators == ("Cora", "mo-2")
    assert cfg.bot == "mentoring-bot[bot]"
    assert cfg.program.url == "https://example.org/m"
    assert cfg.application.mentee_field == "github"
    assert cfg.application.required == ("role", "name")
    assert cfg.labels.paused == "on hold"
    assert cfg.labels.active == "mentoring: active"
    assert cfg.cadence.review_every == 4
    assert cfg.cadence.checkin_months == 1
    assert cfg.handbooks.mentee == "http://example.org/a"
    assert cfg.participants == "data/participants.yml"


def test_overrides_are_deep_merged(repo: Path) -> None:
    write(repo, "coordinators: [cora]\ncadence: {review_every: 4, mentor_wait_days: 9}\n")
    cfg = config.load_config(
        repo, {"cadence": {"review_every": 2}, "coordinators": ["zed"], "bot": "sim[bot]"}
    )
    assert cfg.cadence.review_every == 2
    assert cfg.cadence.mentor_wait_days == 9
    assert cfg.coordinators == ("zed",)
    assert cfg.bot == "sim[bot]"


def test_bad_override_is_reported_at_the_nearest_line(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\ncadence:\n  review_every: 3\n", {"cadence": {"x": 1}})
    assert err.line == 2
    assert "cadence.x" in err.problem


def test_empty_sections_take_defaults_and_null_turns_mentors_off(repo: Path) -> None:
    write(repo, "coordinators: [cora]\nprogram:\nmentor_registration: null\n")
    cfg = config.load_config(repo)
    assert cfg.program.name == "Mentoring program"
    assert cfg.mentor_registration is None
    write(repo, "coordinators: [cora]\nmentor_registration: {form: null}\n")
    assert config.load_config(repo).mentor_registration is None


def test_astropy_form_by_configuration_alone(repo: Path) -> None:
    shutil.copy(ASTROPY_FORM, repo / ".github/ISSUE_TEMPLATE/astropy.yml")
    write(
        repo,
        """\
        coordinators: [cora]
        application:
          form: astropy.yml
          required: [name, role]
        """,
    )
    cfg = config.load_config(repo)
    form = cfg.application.form_spec
    assert cfg.application.required == ("name", "role")
    body = (
        "### Name\r\n\r\nAda\r\n\r\n### Which role would you like to apply for and why\r\n\r\nNone"
    )
    answers = forms.parse_body(form, body)
    missing = forms.missing_required(form, answers, cfg.application.required)
    assert [f.id for f in missing] == ["role"]


def test_parse_config_directly(repo: Path) -> None:
    cfg = config.parse_config("coordinators: [a]\n", "custom.yml", repo)
    assert cfg.coordinators == ("a",)
    with pytest.raises(YamlFileError, match=r"^custom.yml:1: "):
        config.parse_config("coordinators: []\n", "custom.yml", repo)


def test_a_load_is_reused_only_while_the_config_and_its_forms_read_the_same(
    repo: Path,
) -> None:
    first = config.load_config(repo)
    assert config.load_config(repo) is first  # nothing changed: remembered
    # A form the config names changes: loaded afresh, as a fresh parse reads it.
    form = repo / ".github/ISSUE_TEMPLATE/mentee-application.yml"
    form.write_text(form.read_text().replace("label: Your name", "label: Name", 1))
    second = config.load_config(repo)
    assert second is not first
    assert second == config.parse_config(b"coordinators: [cora]\n", config.CONFIG_FILE, repo)
    assert second.application.form_spec.field("name").label == "Name"
    # The config itself changes.
    write(repo, "coordinators: [cora, dan]\n")
    assert config.load_config(repo).coordinators == ("cora", "dan")
    write(repo, "coordinators: [cora]\n")
    assert config.load_config(repo) == second
    # A form it read is gone: the error a fresh load gives, not the remembered config.
    form.unlink()
    with pytest.raises(YamlFileError, match="there is no form"):
        config.load_config(repo)
    # Overrides are never remembered.
    form.write_text((FORMS / "mentee-application.yml").read_text())
    assert config.load_config(repo, {"bot": "other[bot]"}).bot == "other[bot]"
    assert config.load_config(repo).bot == "github-actions[bot]"


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(YamlFileError) as info:
        config.load_config(tmp_path)
    assert info.value.file == ".github/mentoring.yml"
    assert "coordinators:" in info.value.fix


def test_not_a_mapping(repo: Path) -> None:
    assert "mapping" in error(repo, "- cora\n").problem


def test_unknown_top_level_key_suggests_the_closest(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\ncoordinator: [x]\n")
    assert err.line == 2
    assert "unknown key `coordinator`" in err.problem
    assert "`coordinators`" in err.fix


@pytest.mark.parametrize(
    ("written", "read"),
    [("weekly", "weekly"), ("daily", "daily"), ("off", "off"), ('"off"', "off")],
)
def test_the_digest_period(repo: Path, written: str, read: str) -> None:
    write(repo, f"coordinators: [cora]\ndashboard:\n  digest: {written}\n")
    assert config.load_config(repo).dashboard.digest == read


def test_the_digest_is_weekly_by_default(repo: Path) -> None:
    assert config.load_config(repo).dashboard.digest == "weekly"


@pytest.mark.parametrize("written", ["monthly", "Weekly", "true", "7", "[weekly]"])
def test_a_digest_period_it_does_not_know(repo: Path, written: str) -> None:
    err = error(repo, f"coordinators: [cora]\ndashboard:\n  title: Board\n  digest: {written}\n")
    assert err.line == 4
    assert "`dashboard.digest` must be one of `weekly`, `daily`, `off`" in err.problem
    assert "digest: weekly" in err.fix


def test_unknown_nested_key_suggests_the_closest(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\ncadence:\n  checkin_month: 2\n")
    assert err.line == 3
    assert "cadence.checkin_month" in err.problem
    assert "`checkin_months`" in err.fix


def test_unknown_key_without_a_close_match_lists_the_known(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nlabels:\n  zzz: x\n")
    assert "needs_info" in err.fix


def test_missing_coordinators(repo: Path) -> None:
    err = error(repo, "bot: x\n")
    assert err.line == 1
    assert "`coordinators` is missing" in err.problem


def test_empty_coordinators(repo: Path) -> None:
    err = error(repo, "bot: x\ncoordinators: []\n")
    assert err.line == 2
    assert "empty" in err.problem
    assert "at least one" in err.fix


@pytest.mark.parametrize(
    ("value", "problem", "fix"),
    [
        ("'@cora'", "must be a list of GitHub logins, not text", "`coordinators: [cora]`"),
        ("'@cora, dan'", "must be a list of GitHub logins, not text", "[cora, dan]`"),
        ("cora dan", "must be a list of GitHub logins, not text", "[cora, dan]`"),
        # Text with no login in it is empty: never the fix `coordinators: []`, refused too.
        ("''", "is empty", "at least one GitHub login, for example `coordinators: [octocat]`"),
        ("'@'", "is empty", "at least one GitHub login"),
        ("' , '", "is empty", "at least one GitHub login"),
        ("", "is empty", "at least one GitHub login"),
        # Not a list, and not empty either: say what it is.
        ("{cora: 1}", "must be a list of GitHub logins, not a mapping", "`  - octocat`"),
        ("5", "must be a list of GitHub logins, not `5`", "`coordinators: [octocat]`"),
        ("true", "must be a list of GitHub logins, not `true`", "in brackets"),
    ],
)
def test_coordinators_not_a_list(repo: Path, value: str, problem: str, fix: str) -> None:
    err = error(repo, f"bot: x\ncoordinators: {value}\n")
    assert err.line == 2
    assert f"`coordinators` {problem}" in err.problem
    assert fix in err.fix
    assert "`coordinators: []`" not in err.fix


@pytest.mark.parametrize(
    ("login", "fix"),
    [
        ("'@cora'", "without the @"),
        ("-cora", "single hyphens"),
        ("co--ra", "single hyphens"),
        ("cora_b", "single hyphens"),
        ("a" * 40, "39 characters"),
        ("42", "as text"),
        ('"cora\\n"', "single hyphens"),  # a regex `$` would let the newline through
    ],
)
def test_bad_coordinator_login(repo: Path, login: str, fix: str) -> None:
    err = error(repo, f"coordinators:\n  - ok\n  - {login}\n")
    assert err.line == 3
    assert fix in err.fix


def test_duplicate_coordinator(repo: Path) -> None:
    err = error(repo, "coordinators:\n  - cora\n  - CORA\n")
    assert err.line == 3
    assert "twice" in err.problem


def test_bad_bot_login(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nbot: 'my bot'\n")
    assert err.line == 2
    assert "not a valid GitHub login" in err.problem


def test_wrong_type_for_a_section(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nlabels: paused\n")
    assert err.line == 2
    assert "must be a mapping" in err.problem
    assert "Indent" in err.fix


def test_wrong_type_for_text(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nlabels:\n  paused: 7\n")
    assert err.line == 3
    assert "`labels.paused` must be non-empty text, not" in err.problem
    # In a list (the name in use, then former names), each item is text too.
    err = error(repo, "coordinators: [cora]\nlabels:\n  paused:\n    - a\n    - [b]\n")
    assert err.line == 5
    assert "`labels.paused.1` must be non-empty text, not a list" in err.problem


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "'2'", "true", "null"])
def test_non_positive_or_non_integer_durations(repo: Path, value: str) -> None:
    err = error(repo, f"coordinators: [cora]\ncadence:\n  mentor_wait_days: {value}\n")
    assert err.line == 3
    assert "`cadence.mentor_wait_days` must be a whole number of 1 or more" in err.problem
    assert "mentor_wait_days: 30" in err.fix


BOUNDS = [
    ("cadence", "checkin_months", 24, "24 (two years)"),
    ("cadence", "review_every", 24, "24 accepted"),
    *[
        ("cadence", key, 3650, "3650 (ten years)")
        for key in (
            "review_reply_days",
            "mentor_wait_days",
            "stall_days",
            "long_pause_days",
            "ready_reminder_days",
        )
    ],
    ("dashboard", "closed_days", 3650, "3650 (ten years)"),
]


@pytest.mark.parametrize(("section", "key", "maximum", "words"), BOUNDS)
def test_counts_have_an_upper_bound(
    repo: Path, section: str, key: str, maximum: int, words: str
) -> None:
    write(repo, f"coordinators: [cora]\n{section}:\n  {key}: {maximum}\n")
    assert getattr(getattr(config.load_config(repo), section), key) == maximum
    # Past it (100000 months is past the year 9999, 10**9 days past any timedelta): refused.
    for value in (maximum + 1, 100_000, 10**9, 10**30):
        err = error(repo, f"coordinators: [cora]\n{section}:\n  {key}: {value}\n")
        assert err.line == 3
        assert f"`{section}.{key}` is {value}, more than the {words}" in err.problem
        assert f"from 1 to {maximum}, for example `{key}: {config.DEFAULTS[section][key]}`" in (
            err.fix
        )


def test_bad_url(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nhandbooks:\n  mentor: www.example.org\n")
    assert err.line == 3
    assert "not a web address" in err.problem
    assert "http(s)://" in err.fix


@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("mentoring@example.org", "mailto:mentoring@example.org"),
        ("mailto:mentoring@example.org", "mailto:mentoring@example.org"),
        ("MAILTO:mentoring@example.org?subject=Help", "MAILTO:mentoring@example.org?subject=Help"),
        ("https://example.org/contact", "https://example.org/contact"),
        ("http://example.org/contact", "http://example.org/contact"),
    ],
)
def test_contact_is_an_email_address_or_a_url(repo: Path, value: str, link: str) -> None:
    write(repo, f"coordinators: [cora]\nprogram:\n  contact: {value}\n")
    cfg = config.load_config(repo)
    assert cfg.program.contact == value
    assert cfg.program.contact_link == link


@pytest.mark.parametrize(
    "value",
    [
        "cora",
        "write to cora",
        "a@b",
        "<a@b.org>",
        "@cora",
        "mailto:",
        "mailto:cora",
        "mailto:mailto:a@b.org",
        "ftp://a@b.org",
        "tel:+15551234",
        "javascript:alert(1)//a@b.org",
        "www.example.org",
    ],
)
def test_bad_contact(repo: Path, value: str) -> None:
    err = error(repo, f"coordinators: [cora]\nprogram:\n  name: P\n  contact: '{value}'\n")
    assert err.file == ".github/mentoring.yml"
    assert err.line == 4
    assert "`program.contact` is not an email address, a mailto: URL or an http(s) URL" in (
        err.problem
    )
    assert "`mentoring@example.org`" in err.fix
    assert "`mailto:mentoring@example.org`" in err.fix


def test_nomination_url_and_ready_settings(repo: Path) -> None:
    write(
        repo,
        """\
        coordinators: [cora]
        graduation: {nomination_url: "https://example.org/nominate"}
        labels: {ready: "ready to graduate"}
        cadence: {ready_reminder_days: 10}
        """,
    )
    cfg = config.load_config(repo)
    assert cfg.graduation.nomination_url == "https://example.org/nominate"
    assert cfg.labels.ready == "ready to graduate"
    assert cfg.cadence.ready_reminder_days == 10


def test_bad_nomination_url(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\ngraduation:\n  nomination_url: nominate.org\n")
    assert err.line == 3
    assert "`graduation.nomination_url` is not a web address" in err.problem


def test_unknown_graduation_key(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\ngraduation:\n  nomination: x\n")
    assert "unknown key `graduation.nomination`" in err.problem
    assert "`nomination_url`" in err.fix


def test_ready_label_must_differ_from_the_others(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nlabels:\n  ready: 'Mentoring: Paused'\n")
    assert "also used for `labels.paused`" in err.problem


def test_missing_form_suggests_the_closest(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\napplication:\n  form: mentee-aplication.yml\n")
    assert err.line == 3
    assert "there is no form .github/ISSUE_TEMPLATE/mentee-aplication.yml" in err.problem
    assert "`mentee-application.yml`" in err.fix


def test_missing_mentor_form(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nmentor_registration:\n  form: zzz.yml\n")
    assert err.line == 3
    assert "mentor-registration.yml" in err.fix


def test_form_outside_the_template_folder(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\napplication:\n  form: ../mentoring.yml\n")
    assert "file name" in err.problem


def test_an_invalid_form_names_the_form_file(repo: Path) -> None:
    (repo / ".github/ISSUE_TEMPLATE/mentee-application.yml").write_text("name: x\n")
    write(repo, "coordinators: [cora]\n")
    with pytest.raises(YamlFileError) as info:
        config.load_config(repo)
    assert info.value.file == ".github/ISSUE_TEMPLATE/mentee-application.yml"


def test_required_field_not_in_form(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\napplication:\n  required:\n    - name\n    - roles\n")
    assert err.line == 5
    assert "has no field with id 'roles'" in err.problem
    assert "`role`" in err.fix


def test_required_not_a_list(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\napplication:\n  required: name\n")
    assert err.line == 3
    assert "list of field ids" in err.problem


def test_mentee_field_not_in_form(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\napplication:\n  mentee_field: handle\n")
    assert err.line == 3
    assert "no field with id 'handle'" in err.problem
    assert "github" in err.fix


def test_mentee_field_must_hold_text(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\napplication:\n  mentee_field: code_of_conduct\n")
    assert "checkboxes" in err.problem


def test_duplicate_label_names(repo: Path) -> None:
    err = error(
        repo,
        """\
        coordinators: [cora]
        labels:
          active: "Mentoring: Paused"
          paused: "mentoring: paused"
        """,
    )
    assert err.line == 4
    assert "also used for `labels.active`" in err.problem


def test_a_label_key_takes_a_list_of_its_name_and_former_names(repo: Path) -> None:
    """``labels.X`` stays the name in use; the former names are
    kept for reading old timeline events. A plain string keeps working."""
    write(repo, 'coordinators: [cora]\nlabels:\n  paused: ["mentoring: paused", "on hold"]\n')
    labels = config.load_config(repo).labels
    assert labels.paused == "mentoring: paused"
    assert labels.former("paused") == ("on hold",)
    assert labels.names("paused") == ("mentoring: paused", "on hold")
    assert labels.names("ready") == ("mentoring: ready",)
    assert "formers" not in labels.current()


def test_a_former_label_name_must_not_be_another_labels_name(repo: Path) -> None:
    err = error(repo, 'coordinators: [cora]\nlabels:\n  paused: [on hold, "mentoring: active"]\n')
    assert err.line == 3
    assert "also used for `labels.active`" in err.problem


def test_an_empty_label_list_is_refused(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nlabels:\n  paused: []\n")
    assert "empty list" in err.problem


def test_label_clashing_with_the_application_label(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nlabels:\n  needs_info: application\n")
    assert err.line == 3
    assert "application.label" in err.problem


def test_participants_outside_the_repository(repo: Path) -> None:
    err = error(repo, "coordinators: [cora]\nparticipants: ../x.yml\n")
    assert err.line == 2
    assert "inside the repository" in err.problem


# ---------------------------------------------------------------- forms apply the labels


def _edit_form(repo: Path, name: str, old: str, new: str) -> None:
    form = repo / config.FORMS_DIR / name
    text = form.read_text(encoding="utf-8")
    assert old in text
    form.write_text(text.replace(old, new, 1), encoding="utf-8")


APPLICATION_FORM = f"{config.FORMS_DIR}/mentee-application.yml"
MENTOR_FORM = f"{config.FORMS_DIR}/mentor-registration.yml"


@pytest.mark.parametrize(
    ("config_text", "form", "edit", "file", "line", "problem", "fix"),
    [
        # The config names another label: reported at the config's line.
        (
            "coordinators: [cora]\napplication:\n  label: applicant\n",
            None,
            None,
            config.CONFIG_FILE,
            3,
            f"`application.label` in .github/mentoring.yml is 'applicant', but the form"
            f" {APPLICATION_FORM} applies 'application', so issues opened from it",
            "`labels: [application, applicant]`), or set `application.label` to the label"
            " the form applies (`label: application`)",
        ),
        # The form lost its `labels:` line, the config keeps the default: at the form.
        (
            "coordinators: [cora]\n",
            "mentee-application.yml",
            ("labels: [application]\n", ""),
            APPLICATION_FORM,
            1,
            f"the form {APPLICATION_FORM} applies no label",
            "`labels: [application]`",
        ),
        (
            "coordinators: [cora]\n",
            "mentee-application.yml",
            ("labels: [application]", "labels: [mentee]"),
            APPLICATION_FORM,
            4,
            "applies 'mentee'",
            "`labels: [mentee, application]`",
        ),
        # The same for the mentor registration form and its label.
        (
            "coordinators: [cora]\n",
            "mentor-registration.yml",
            ("labels: [mentor-registration]", "labels: []"),
            MENTOR_FORM,
            4,
            "`mentor_registration.label` in .github/mentoring.yml is 'mentor-registration',"
            f" but the form {MENTOR_FORM} applies no label",
            "`labels: [mentor-registration]`",
        ),
        (
            'coordinators: [cora]\nmentor_registration: {label: "mentoring: mentor"}\n',
            None,
            None,
            config.CONFIG_FILE,
            2,
            "is 'mentoring: mentor', but the form",
            '`labels: [mentor-registration, "mentoring: mentor"]`',  # quoted: valid YAML
        ),
    ],
)
def test_a_form_that_does_not_apply_the_configured_label_is_refused(
    repo: Path,
    config_text: str,
    form: str | None,
    edit: tuple[str, str] | None,
    file: str,
    line: int,
    problem: str,
    fix: str,
) -> None:
    if form is not None and edit is not None:
        _edit_form(repo, form, *edit)
    write(repo, config_text)
    with pytest.raises(YamlFileError) as info:
        config.load_config(repo)
    err = info.value
    assert (err.file, err.line) == (file, line)
    assert problem in err.problem
    assert "never be handled" in err.problem
    assert fix in err.fix


def test_the_label_matches_the_forms_in_any_case(repo: Path) -> None:
    _edit_form(repo, "mentee-application.yml", "labels: [application]", "labels: [Application]")
    assert config.load_config(repo).application.label == "application"
    # With registrations off, their form's labels do not matter.
    _edit_form(repo, "mentor-registration.yml", "labels: [mentor-registration]", "labels: []")
    write(repo, "coordinators: [cora]\nmentor_registration: null\n")
    assert config.load_config(repo).mentor_registration is None


# --- roles


ROLES_BASE = "coordinators: [cora]\nroles:\n"


@pytest.mark.parametrize(
    ("roles", "line", "problem", "fix"),
    [
        ("  fits: maintainer\n", 2, "`roles` must be a list of roles", "one role a line"),
        ("  - astropy.io.fits maintainer\n", 3, "a role must be a mapping", "- name:"),
        ("  - [a, b]\n", 3, "a role must be a mapping with `name:`, not a list", "Write it as"),
        ("  - {group: core}\n", 3, "this role has no `name`", "Write it as"),
        ("  - {name: a, grup: core}\n", 3, "unknown key `roles.0.grup`", "group"),
        ("  - {name: []}\n", 3, "the role's `name` is an empty list", "name in use first"),
        ("  - {name: ''}\n", 3, "`roles.0.name` must be non-empty text", "Write the text"),
        ("  - {name: Other}\n", 3, "the forms' own option", "Leave it out"),
        ("  - {name: [a, OTHER]}\n", 3, "the forms' own option", "Leave it out"),
        ("  - {name: a, link: team.html}\n", 3, "not a web address", "http(s)://"),
        ("  - {name: a, group: [x]}\n", 3, "`roles.0.group` must be non-empty text", "quotes"),
        (
            "  - {name: A}\n  - {name: [b, ' a ']}\n",
            4,
            "the role name 'a' is also used by `roles[0]`",
            "its own names",
        ),
        (f"  - {{name: {'x' * 101}}}\n", 3, "at most 100 characters, not 101", "short name"),
        ("  - name: |\n      two\n      lines\n", 3, "on several lines", "short name"),
    ],
)
def test_a_wrong_role_is_named_with_its_line_and_fix(
    repo: Path, roles: str, line: int, problem: str, fix: str
) -> None:
    err = error(repo, ROLES_BASE + roles)
    assert err.line == line
    assert problem in err.problem
    assert fix in err.fix


def test_too_many_roles_and_hostile_text_stay_bounded(repo: Path) -> None:
    many = "".join(f"  - {{name: r{i}}}\n" for i in range(config.ROLES_MAX + 1))
    err = error(repo, ROLES_BASE + many)
    assert "201 roles, more than the 200" in err.problem
    hostile = "x " * 50_000
    err = error(repo, ROLES_BASE + f"  - '{hostile}'\n")
    assert len(err.problem) < 200
    assert len(err.fix) < 200


def test_roles_load_with_former_names_group_and_link(repo: Path) -> None:
    write(
        repo,
        ROLES_BASE
        + "  - name: ['astropy.io.fits   maintainer', FITS maintainer]\n"
        + "    group: Core\n"
        + "    link: https://www.astropy.org/team.html#Subpackage_maintainer\n"
        + "  - name: Release team member\n",
    )
    fits, release = config.load_config(repo).roles
    assert fits.names == ("astropy.io.fits maintainer", "FITS maintainer")
    assert fits.group == "Core"
    assert fits.link.endswith("#Subpackage_maintainer")
    assert release.group is None
    assert release.link is None
    assert release.former == ()
    write(repo, "coordinators: [cora]\n")
    assert config.load_config(repo).roles == ()
