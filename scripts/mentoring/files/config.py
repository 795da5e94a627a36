"""The program's settings, ``.github/mentoring.yml``, loaded once into frozen dataclasses.

Every key is optional except ``coordinators``. Mistakes are reported as
:class:`~mentoring.files.yamlfile.YamlFileError` naming the file, the line and the fix, and
the forms the config names are loaded and checked against it here, once.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any, Literal, overload

from mentoring.core.forms import Form
from mentoring.core.logins import is_login, is_login_or_bot
from mentoring.core.matching import OTHER
from mentoring.core.settings import (
    DIGEST_DAYS,
    Application,
    Cadence,
    Config,
    Dashboard,
    Graduation,
    Handbooks,
    Labels,
    MentorRegistration,
    Program,
    Report,
    Role,
)
from mentoring.files import forms as form_files
from mentoring.files.hints import describe, did_you_mean, is_web_url
from mentoring.files.yamlfile import YamlDocument, YamlFileError, load

CONFIG_FILE = ".github/mentoring.yml"
FORMS_DIR = ".github/ISSUE_TEMPLATE"

# Upper bounds: a larger value is a typo, and would overflow the calendar (a year past
# 9999) or a timedelta at the first mentorship that reads it.
MAX_MONTHS = 24  # two years between check-ins
MAX_EVERY = 24  # a review at least every 24th check-in
MAX_DAYS = 3650  # ten years
_MAXIMUM = {"checkin_months": (MAX_MONTHS, " (two years)"), "review_every": (MAX_EVERY, "")}

# report.repositories: each is a `repo:` qualifier in every search query; a short list
# keeps each query small and each graduate's searches at two.
REPOSITORIES_MAX = 5
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}")
TITLE_MAX = 256  # GitHub refuses a longer issue title (422)
ROLES_MAX = 200  # roles in `roles:`: each is an option of the forms' dropdowns
ROLE_CHARS = 100  # a role's name: an option a person picks, one line
ROLE_KEYS = ("name", "group", "link")
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .-]*(?<! )")
# No colon or slash in an address: `mailto:a@b.org` is a mailto URL, `ftp://a@b.org` no
# address at all.
_ADDRESS = r"[^@\s<>()\[\]:/?#]+@[^@\s<>()\[\]:/?#]+\.[^@\s<>()\[\]:/?#]+"
_EMAIL = re.compile(rf"^{_ADDRESS}$")
_MAILTO = re.compile(rf"^mailto:{_ADDRESS}(\?[^\s<>()]*)?$", re.IGNORECASE)

# The file's sections and the settings each one fills.
_SECTIONS: dict[str, type] = {
    "program": Program,
    "application": Application,
    "mentor_registration": MentorRegistration,
    "labels": Labels,
    "cadence": Cadence,
    "dashboard": Dashboard,
    "handbooks": Handbooks,
    "graduation": Graduation,
    "report": Report,
}
_NOT_KEYS = frozenset({"form_spec", "formers"})  # read from the forms, or from label lists


def _keys(settings: type) -> dict[str, Any]:
    """The keys of a section of the file and their defaults: the settings dataclass's own,
    None for a field without one (``coordinators`` must be written; ``application.required``
    is the form's own required fields)."""
    return {
        f.name: None if f.default is MISSING else f.default
        for f in fields(settings)
        if f.name not in _NOT_KEYS
    }


# Every key of the file and its default; a section's, a mapping of its own keys.
DEFAULTS: dict[str, Any] = {
    key: _keys(_SECTIONS[key]) if key in _SECTIONS else default
    for key, default in _keys(Config).items()
}


def load_config(repo_root: Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """Load ``.github/mentoring.yml`` under ``repo_root``, ``overrides`` deep-merged over it."""
    path = repo_root / CONFIG_FILE
    try:
        text = path.read_bytes()
    except FileNotFoundError as exc:
        raise YamlFileError(
            CONFIG_FILE,
            None,
            "the mentoring configuration file does not exist.",
            "Create it with at least `coordinators: [your-github-login]`.",
        ) from exc
    if overrides:
        return parse_config(text, CONFIG_FILE, repo_root, overrides)
    key = (path, text)
    known = _LOADED.get(key)
    if known is not None and all(_bytes_of(p) == b for p, b in known.read):
        return known.config
    validator = _validator(text, CONFIG_FILE, repo_root)
    config = validator.config()
    if len(_LOADED) >= _LOADED_MAX:
        del _LOADED[next(iter(_LOADED))]  # the oldest
    _LOADED[key] = _Loaded(config, tuple(validator.read))
    return config


def written_line(repo_root: Path, path: tuple[str, ...]) -> int | None:
    """The line of the key at ``path`` in the config as written; None when the file does
    not write it (its default is in use) or cannot be read."""
    try:
        doc = load((repo_root / CONFIG_FILE).read_bytes(), CONFIG_FILE)
    except (OSError, YamlFileError):
        return None
    return doc.lines.get(path)


@dataclass(frozen=True)
class _Loaded:
    """A config as loaded, and the form files it was made from, with their bytes then."""

    config: Config
    read: tuple[tuple[Path, bytes], ...]


# A process that runs many times over (the simulator, the benchmark, the tests) loads the
# same config again and again, and parsing and checking it and its forms costs more than
# a plan. A load is reused only for the same path and the same bytes, while every form it
# read still has the bytes it had: a change to any of them loads afresh. Errors are never
# remembered. Config is frozen, so every caller may share one.
_LOADED: dict[tuple[Path, bytes], _Loaded] = {}
_LOADED_MAX = 8


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def parse_config(
    text: str | bytes,
    file: str,
    repo_root: Path,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Validate the text of a mentoring config; forms are read from ``repo_root``."""
    return _validator(text, file, repo_root, overrides).config()


def _validator(
    text: str | bytes, file: str, repo_root: Path, overrides: Mapping[str, Any] | None = None
) -> _Validator:
    doc = load(text, file)
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        raise doc.error(
            (), "the configuration must be a mapping of keys.", "Start with `coordinators:`."
        )
    if overrides:
        data = deep_merge(data, overrides)
    doc = YamlDocument(doc.file, data, doc.lines)
    return _Validator(doc, repo_root)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid over ``base``: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class _Validator:
    def __init__(self, doc: YamlDocument, repo_root: Path) -> None:
        self.doc = doc
        self.root = repo_root
        self.read: list[tuple[Path, bytes]] = []  # every form file read, and its bytes
        self.form_texts: dict[str, bytes] = {}  # each form's text, by the name in errors

    def error(self, path: tuple, problem: str, fix: str = "") -> YamlFileError:
        return self.doc.error(path, problem, fix)

    # -- generic checks

    def check_keys(self, data: Mapping[str, Any], known: Mapping[str, Any], path: tuple) -> None:
        for key in data:
            if key not in known:
                fix = did_you_mean(key, known) or f"Known keys here: {', '.join(known)}."
                where = ".".join(map(str, (*path, key)))
                raise self.error((*path, key), f"unknown key `{where}`.", fix)

    def section(self, key: str) -> dict[str, Any]:
        """A mapping section, its keys checked and defaults filled (an empty one: defaults)."""
        raw = self.doc.data.get(key, DEFAULTS[key])
        if raw is None:
            return dict(DEFAULTS[key])
        if not isinstance(raw, dict):
            raise self.error(
                (key,),
                f"`{key}` must be a mapping of keys.",
                f"Indent its keys under `{key}:`, for example `{next(iter(DEFAULTS[key]))}: ...`.",
            )
        self.check_keys(raw, DEFAULTS[key], (key,))
        return {**DEFAULTS[key], **raw}

    @overload
    def text(self, value: Any, path: tuple, *, optional: Literal[False] = False) -> str: ...
    @overload
    def text(self, value: Any, path: tuple, *, optional: bool) -> str | None: ...
    def text(self, value: Any, path: tuple, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            name = ".".join(map(str, path))
            raise self.error(
                path,
                f"`{name}` must be non-empty text, not {describe(value)}.",
                "Write the text, in quotes if it contains ': ' or starts with a symbol."
                + (" Use `null` to leave it unset." if optional else ""),
            )
        return value.strip()

    def url(self, value: Any, path: tuple) -> str | None:
        text = self.text(value, path, optional=True)
        if text is not None and not is_web_url(text):
            name = ".".join(map(str, path))
            raise self.error(
                path, f"`{name}` is not a web address: {text!r}.", "Write a full http(s):// URL."
            )
        return text

    def contact(self, value: Any, path: tuple) -> str | None:
        text = self.text(value, path, optional=True)
        if text is not None and not (is_web_url(text) or _EMAIL.match(text) or _MAILTO.match(text)):
            name = ".".join(map(str, path))
            raise self.error(
                path,
                f"`{name}` is not an email address, a mailto: URL or an http(s) URL: {text!r}.",
                "Write an address such as `mentoring@example.org`, a URL such as"
                " `mailto:mentoring@example.org` or a full https:// one,"
                " or `null` to leave it unset.",
            )
        return text

    def positive(self, value: Any, path: tuple) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            name = ".".join(map(str, path))
            raise self.error(
                path,
                f"`{name}` must be a whole number of 1 or more, not {describe(value)}.",
                f"Write a positive number, for example `{path[-1]}: {_default(path)}`.",
            )
        return value

    def bounded(self, value: Any, path: tuple) -> int:
        """A positive count of months, check-ins or days, within its upper bound."""
        number = self.positive(value, path)
        maximum, gloss = _MAXIMUM.get(path[-1], (MAX_DAYS, " (ten years)"))
        if number > maximum:
            name = ".".join(map(str, path))
            raise self.error(
                path,
                f"`{name}` is {number}, more than the {maximum}{gloss} accepted.",
                f"Write a number from 1 to {maximum}, for example `{path[-1]}: {_default(path)}`.",
            )
        return number

    def login(self, value: Any, path: tuple, valid: Callable[[str], bool] = is_login) -> str:
        name = ".".join(map(str, path))
        if not isinstance(value, str):
            raise self.error(
                path,
                f"`{name}` must be a GitHub login, not {describe(value)}.",
                "Write the login as text.",
            )
        if value.startswith("@"):
            raise self.error(
                path, f"{value!r} is not a GitHub login.", f"Write it without the @: `{value[1:]}`."
            )
        if not valid(value):
            raise self.error(
                path,
                f"{value!r} is not a valid GitHub login.",
                "Logins have letters, digits and single hyphens, at most 39 characters.",
            )
        return value

    # -- sections

    def config(self) -> Config:
        data = self.doc.data
        self.check_keys(data, DEFAULTS, ())
        program = self.section("program")
        application = self.section("application")
        labels = self.section("labels")
        cadence = self.section("cadence")
        handbooks = self.section("handbooks")
        graduation = self.section("graduation")
        report = self.section("report")
        app = self.application(application)
        mentors = self.mentor_registration()
        label_values = self.labels(labels)
        self.unique_labels(label_values, app, mentors)
        self.form_applies("application", app.label, app.form_spec)
        if mentors is not None:
            self.form_applies("mentor_registration", mentors.label, mentors.form_spec)
        return Config(
            coordinators=self.coordinators(),
            bot=self.login(data.get("bot", DEFAULTS["bot"]), ("bot",), is_login_or_bot),
            program=Program(
                name=self.text(program["name"], ("program", "name")),
                url=self.url(program["url"], ("program", "url")),
                contact=self.contact(program["contact"], ("program", "contact")),
            ),
            application=app,
            mentor_registration=mentors,
            labels=label_values,
            cadence=Cadence(**{k: self.bounded(v, ("cadence", k)) for k, v in cadence.items()}),
            handbooks=Handbooks(
                mentee=self.url(handbooks["mentee"], ("handbooks", "mentee")),
                mentor=self.url(handbooks["mentor"], ("handbooks", "mentor")),
            ),
            participants=self.repo_path(data.get("participants", DEFAULTS["participants"])),
            dashboard=self.dashboard(app),
            graduation=Graduation(
                nomination_url=self.url(
                    graduation["nomination_url"], ("graduation", "nomination_url")
                ),
            ),
            report=Report(repositories=self.repositories(report["repositories"])),
            roles=self.roles(data.get("roles", DEFAULTS["roles"])),
        )

    def repositories(self, value: Any) -> tuple[str, ...]:
        """``report.repositories``: a list of distinct ``owner/name``, at most five."""
        path = ("report", "repositories")
        fix = "Write a list such as `repositories: [astropy/astropy, astropy/astroquery]`."
        if value is None or value == ():  # () is the default: nothing written
            return ()
        if not isinstance(value, list) or len(value) > REPOSITORIES_MAX:
            problem = f"`report.repositories` must be a list of at most {REPOSITORIES_MAX}"
            raise self.error(path, f"{problem} repositories, not {describe(value)}.", fix)
        found: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not _REPOSITORY.fullmatch(item):
                raise self.error(
                    (*path, index), f"{describe(item)} is not a repository as owner/name.", fix
                )
            if item.lower() not in {f.lower() for f in found}:
                found.append(item)
        return tuple(found)

    def roles(self, value: Any) -> tuple[Role, ...]:
        """``roles:``, a list of roles, each with a name (or a list: the name in use, then
        former names), a group and a link; every name, former ones too, used once."""
        if value is None or value == [] or value == ():
            return ()
        example = '`- {name: "astropy.io.fits maintainer", group: "Core package maintainer"}`'
        if not isinstance(value, list):
            raise self.error(
                ("roles",),
                f"`roles` must be a list of roles, not {describe(value)}.",
                f"Write one role a line, for example {example}.",
            )
        if len(value) > ROLES_MAX:
            raise self.error(
                ("roles",),
                f"`roles` lists {len(value)} roles, more than the {ROLES_MAX} accepted.",
                "Group sub-roles under one role, or list fewer.",
            )
        roles = tuple(self.role(item, ("roles", i), example) for i, item in enumerate(value))
        seen: dict[str, int] = {}
        for i, role in enumerate(roles):
            for name in role.names:
                first = seen.setdefault(name.casefold(), i)
                if first != i:
                    raise self.error(
                        ("roles", i, "name"),
                        f"the role name {name!r} is also used by `roles[{first}]`.",
                        "Give each role its own names: forms answer with the name alone.",
                    )
        return roles

    def role(self, item: Any, path: tuple, example: str) -> Role:
        """One role of ``roles:``."""
        if isinstance(item, str):
            raise self.error(
                path,
                f"a role must be a mapping with `name:`, not the text {item[:ROLE_CHARS]!r}.",
                f"Write `- name: {_flow(' '.join(item.split())[:ROLE_CHARS])}`, with"
                " `group:` and `link:` if you like.",
            )
        if not isinstance(item, dict):
            raise self.error(
                path,
                f"a role must be a mapping with `name:`, not {describe(item)}.",
                f"Write it as {example}.",
            )
        self.check_keys(item, dict.fromkeys(ROLE_KEYS), path)
        if "name" not in item:
            raise self.error(path, "this role has no `name`.", f"Write it as {example}.")
        raw = item["name"]
        if isinstance(raw, list):
            if not raw:
                raise self.error(
                    (*path, "name"),
                    "the role's `name` is an empty list.",
                    "Write the name, or a list with the name in use first and former names"
                    " after it.",
                )
            names = [self.role_name(v, (*path, "name", i)) for i, v in enumerate(raw)]
        else:
            names = [self.role_name(raw, (*path, "name"))]
        group = self.text(item.get("group"), (*path, "group"), optional=True)
        return Role(
            name=names[0],
            former=tuple(names[1:]),
            group=None if group is None else " ".join(group.split())[:ROLE_CHARS],
            link=self.url(item.get("link"), (*path, "link")),
        )

    def role_name(self, value: Any, path: tuple) -> str:
        """A role's name: one line, bounded, not the forms' own "Other"."""
        name = self.text(value, path)
        lines = "\n" in name
        if lines or len(name) > ROLE_CHARS:
            raise self.error(
                path,
                f"a role's name must be one line of at most {ROLE_CHARS} characters, not"
                f" {len(name)} characters{' on several lines' if lines else ''}.",
                "Write a short name; say more on the page `link:` names.",
            )
        name = " ".join(name.split())
        if name.casefold() == OTHER.casefold():
            raise self.error(
                path,
                f"{name!r} is the forms' own option for a role not in the list.",
                "Leave it out of `roles`: the forms offer it after the roles.",
            )
        return name

    def dashboard(self, app: Application) -> Dashboard:
        section = self.section("dashboard")
        enabled = section["enabled"]
        if not isinstance(enabled, bool):
            raise self.error(
                ("dashboard", "enabled"),
                f"`dashboard.enabled` must be true or false, not {describe(enabled)}.",
                "Write `enabled: false` to switch the dashboard off, `true` to keep it.",
            )
        title = self.text(section["title"], ("dashboard", "title"))
        assert title is not None
        if len(title) > TITLE_MAX:
            raise self.error(
                ("dashboard", "title"),
                f"`dashboard.title` is {len(title)} characters long; GitHub allows {TITLE_MAX}.",
                "Write a shorter title.",
            )
        role_field = section["role_field"]
        given = (
            isinstance(self.doc.data.get("dashboard"), dict)
            and "role_field" in (self.doc.data["dashboard"])
        )
        if not given and role_field not in app.form_spec.ids:
            role_field = None  # the default names a field this form does not have
        if role_field is not None:
            role_field = self.field_id(role_field, ("dashboard", "role_field"), app.form_spec)
        return Dashboard(
            enabled=enabled,
            title=title,
            closed_days=self.bounded(section["closed_days"], ("dashboard", "closed_days")),
            role_field=role_field,
            digest=self.digest(section["digest"]),
        )

    def digest(self, value: Any) -> str:
        """``dashboard.digest``: one of the periods of :data:`DIGEST_DAYS`."""
        if value is False:  # YAML 1.1 reads a bare `off` as false
            return "off"
        if isinstance(value, str) and value in DIGEST_DAYS:
            return value
        allowed = ", ".join(f"`{name}`" for name in DIGEST_DAYS)
        raise self.error(
            ("dashboard", "digest"),
            f"`dashboard.digest` must be one of {allowed}, not {describe(value)}.",
            "Write `digest: weekly` (the default), `digest: daily` or `digest: off`.",
        )

    def coordinators(self) -> tuple[str, ...]:
        data = self.doc.data
        if "coordinators" not in data:
            raise self.error(
                (),
                "`coordinators` is missing: someone must look after new applications.",
                "Add `coordinators: [your-github-login]`.",
            )
        value = data["coordinators"]
        example = "for example `coordinators: [octocat]`"
        # `coordinators: cora` or `coordinators: "@cora, @dan"`: the list it meant.
        logins = re.split(r"[\s,@]+", value) if isinstance(value, str) else []
        if any(logins):
            raise self.error(
                ("coordinators",),
                "`coordinators` must be a list of GitHub logins, not text.",
                f"Write `coordinators: [{', '.join(filter(None, logins))}]`.",
            )
        if value is None or value == [] or isinstance(value, str):
            raise self.error(
                ("coordinators",),
                "`coordinators` is empty: someone must look after new applications.",
                f"List at least one GitHub login, {example}.",
            )
        if not isinstance(value, list):
            raise self.error(
                ("coordinators",),
                f"`coordinators` must be a list of GitHub logins, not {describe(value)}.",
                f"Write the logins in brackets, {example}, or one per line as `  - octocat`.",
            )
        seen: set[str] = set()
        logins = []
        for i, item in enumerate(value):
            login = self.login(item, ("coordinators", i))
            if login.casefold() in seen:
                raise self.error(
                    ("coordinators", i), f"{login!r} is listed twice.", "Keep one of them."
                )
            seen.add(login.casefold())
            logins.append(login)
        return tuple(logins)

    def form(self, value: Any, path: tuple) -> tuple[str, Form]:
        name = self.text(value, path)
        assert name is not None
        if "/" in name or "\\" in name or name.startswith("."):
            raise self.error(
                path,
                f"the form {name!r} must be a file name in {FORMS_DIR}/.",
                "Write only the file name, for example `mentee-application.yml`.",
            )
        folder = self.root / FORMS_DIR
        if not (folder / name).is_file():
            present = sorted(p.name for p in folder.glob("*.y*ml")) if folder.is_dir() else []
            present = [p for p in present if p != "config.yml"]
            fix = did_you_mean(name, present) or (
                f"Forms there: {', '.join(present)}." if present else "Add the form file there."
            )
            raise self.error(path, f"there is no form {FORMS_DIR}/{name}.", fix)
        file = f"{FORMS_DIR}/{name}"
        text = form_files.read_form(folder / name, file)
        self.read.append((folder / name, text))
        self.form_texts[file] = text
        return name, form_files.parse_form(text, file)

    def field_id(self, value: Any, path: tuple, form: Form) -> str:
        field_id = self.text(value, path)
        assert field_id is not None
        if field_id not in form.ids:
            fix = did_you_mean(field_id, form.ids) or (
                f"Use one of the form's field ids: {', '.join(form.ids)}."
            )
            raise self.error(path, f"the form {form.file} has no field with id {field_id!r}.", fix)
        return field_id

    def application(self, section: dict[str, Any]) -> Application:
        name, form = self.form(section["form"], ("application", "form"))
        mentee_field = None
        if section["mentee_field"] is not None:
            path = ("application", "mentee_field")
            mentee_field = self.field_id(section["mentee_field"], path, form)
            if form.field(mentee_field).type not in ("input", "textarea"):
                raise self.error(
                    path,
                    f"the field {mentee_field!r} is a {form.field(mentee_field).type}, which"
                    " cannot hold a GitHub login.",
                    "Name an input field.",
                )
        required = section["required"]
        if required is None:
            required_ids = form.required_ids
        else:
            path = ("application", "required")
            if not isinstance(required, list):
                raise self.error(
                    path,
                    "`application.required` must be a list of field ids.",
                    "Write `[name, role]`, or `null` to use the form's own required fields.",
                )
            required_ids = tuple(self.field_id(v, (*path, i), form) for i, v in enumerate(required))
        return Application(
            form=name,
            label=self.text(section["label"], ("application", "label")),
            mentee_field=mentee_field,
            required=tuple(dict.fromkeys(required_ids)),
            form_spec=form,
        )

    def mentor_registration(self) -> MentorRegistration | None:
        if self.doc.data.get("mentor_registration", {}) is None:
            return None  # `mentor_registration: null` turns registrations off
        section = self.section("mentor_registration")
        if section["form"] is None:
            return None
        name, form = self.form(section["form"], ("mentor_registration", "form"))
        label = self.text(section["label"], ("mentor_registration", "label"))
        return MentorRegistration(form=name, label=label, form_spec=form)

    def labels(self, section: dict[str, Any]) -> Labels:
        """Each key a name, or a list: the name in use first, then former names."""
        current: dict[str, str] = {}
        formers: list[tuple[str, str]] = []
        for key, value in section.items():
            path = ("labels", key)
            if isinstance(value, list):
                if not value:
                    raise self.error(
                        path,
                        f"`labels.{key}` is an empty list.",
                        "Write the label's name, or a list with the name in use first and"
                        " former names after it.",
                    )
                names = [self.text(v, (*path, i)) for i, v in enumerate(value)]
                current[key] = names[0]
                formers += [(key, name) for name in names[1:]]
            else:
                current[key] = self.text(value, path)
        return Labels(**current, formers=tuple(formers))

    def unique_labels(
        self, labels: Labels, app: Application, mentors: MentorRegistration | None
    ) -> None:
        # GitHub label names are case-insensitive: two settings naming one label would
        # make states indistinguishable.
        named = [(("application", "label"), app.label)]
        if mentors:
            named.append((("mentor_registration", "label"), mentors.label))
        named += [(("labels", k), v) for k, v in labels.current().items()]
        named += [(("labels", k), v) for k, v in labels.formers]
        seen: dict[str, tuple] = {}
        for path, value in named:
            key = value.casefold()
            if key in seen:
                first = ".".join(seen[key])
                raise self.error(
                    path,
                    f"the label {value!r} is also used for `{first}`.",
                    "Give each setting its own label name.",
                )
            seen[key] = path

    def form_applies(self, section: str, label: str, form: Form) -> None:
        """Issues are found by the label: a form that does not apply it makes issues no
        run ever handles, silently. Reported where the mismatch was most likely made: at
        the config's label when it sets one, else at the form's `labels:`."""
        if label.casefold() in {name.casefold() for name in form.labels}:
            return
        key = f"{section}.label"
        applies = (
            f"applies {', '.join(repr(name) for name in form.labels)}"
            if form.labels
            else "applies no label"
        )
        problem = (
            f"`{key}` in {CONFIG_FILE} is {label!r}, but the form {form.file} {applies},"
            " so issues opened from it would never be handled."
        )
        wanted = ", ".join(_flow(name) for name in (*form.labels, label))
        fix = f"Add it to the form's labels (`labels: [{wanted}]`)" + (
            f", or set `{key}` to {'the label' if len(form.labels) == 1 else 'one'} the form"
            f" applies (`label: {_flow(form.labels[0])}`)."
            if form.labels
            else "."
        )
        written = self.doc.data.get(section)
        if isinstance(written, dict) and "label" in written:
            raise self.error((section, "label"), problem, fix)
        form_doc = load(self.form_texts[form.file], form.file)
        raise form_doc.error(("labels",), problem, fix)

    def repo_path(self, value: Any) -> str:
        text = self.text(value, ("participants",))
        assert text is not None
        if text.startswith("/") or ".." in Path(text).parts or "\\" in text:
            raise self.error(
                ("participants",),
                f"`participants` must be a path inside the repository, not {text!r}.",
                "Write a relative path such as `participants.yml`.",
            )
        return text


def _flow(name: str) -> str:
    """A label name as YAML reads it back inside `[...]`: plain when it can be, else quoted."""
    return name if _PLAIN.fullmatch(name) else json.dumps(name)


def _default(path: tuple) -> Any:
    value: Any = DEFAULTS
    for key in path:
        value = value[key]
    return value
