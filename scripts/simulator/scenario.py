"""Scenario files: read one, and check every key of it before anything runs.

A scenario is written by hand, so each mistake is reported as the place it is in
(``events[3].assign.users``, with the file's line when it came from a file) and what to
write instead, never as a traceback from deep inside a run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from mentoring.core.logins import is_login_or_bot
from mentoring.core.times import parse_utc
from mentoring.files.yamlfile import YamlFileError, load

SCENARIO_KEYS = (
    "start",
    "end",
    "schedule",
    "schedule_outages",
    "event_outages",
    "config",
    "files",
    "collaborators",
    "participants",
    "events",
)
PERMISSIONS = ("none", "read", "triage", "write", "maintain", "admin")
CLOSE_REASONS = ("completed", "not_planned", "duplicate")  # what GitHub closes with
ISSUE = "issue"  # the key every action on an existing issue has

# For each action: its keys, each with a check and whether it is required.
_Check = Callable[[Any], str | None]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text (put it in quotes)"


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "must be an issue number such as 1 (the first issue the scenario opens)"
    return None


def _login(value: Any) -> str | None:
    return None if is_login_or_bot(value) else "must be a GitHub login such as alice"


def _logins(value: Any) -> str | None:
    if not isinstance(value, list) or not value or any(not is_login_or_bot(v) for v in value):
        return "must be a list of GitHub logins, such as [bob]"
    return None


def _labels(value: Any) -> str | None:
    if not isinstance(value, list) or not value or any(not isinstance(v, str) for v in value):
        return 'must be a list of label names, such as ["mentoring: paused"]'
    return None


def _labels_or_none(value: Any) -> str | None:
    """An issue may be opened without labels (`labels: []`), as GitHub allows."""
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        return 'must be a list of label names, such as ["application"], or [] for none'
    return None


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping of field id to answer"


def _config(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping, deep-merged over the config"


def _reason(value: Any) -> str | None:
    return None if value in CLOSE_REASONS else f"must be one of {', '.join(CLOSE_REASONS)}"


# GitHub's reaction contents, as REST names them (the `reaction` schema's enum).
REACTION_CONTENTS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
_BOT_COMMENT = re.compile(r"[a-z][a-z-]{0,39}(?::[^\s>]{1,80})?")


def _bot_comment(value: Any) -> str | None:
    if value == "latest" or (isinstance(value, str) and _BOT_COMMENT.fullmatch(value)):
        return None
    return 'must be a bot comment\'s KIND:KEY such as "checkin:2", or latest'


def _content(value: Any) -> str | None:
    if value in REACTION_CONTENTS:
        return None
    return f'must be one of {", ".join(REACTION_CONTENTS)} (in quotes: "+1")'


def _entries(value: Any) -> str | None:
    if not isinstance(value, list) or any(not isinstance(v, dict) for v in value):
        return "must be a list of entries such as {name: Alice, github: alice}"
    return None


ACTIONS: dict[str, dict[str, tuple[_Check, bool]]] = {
    "open_issue": {
        "template": (_text, False),
        "answers": (_mapping, False),
        "title": (_text, False),
        "body": (_text, False),
        "labels": (_labels_or_none, False),
    },
    "assign": {ISSUE: (_number, True), "users": (_logins, True)},
    "unassign": {ISSUE: (_number, True), "users": (_logins, True)},
    "comment": {ISSUE: (_number, True), "body": (_text, True)},
    # `comment: K` is that person's K-th comment on the issue (1, 2, ...).
    "edit_comment": {ISSUE: (_number, True), "comment": (_number, True), "body": (_text, True)},
    "delete_comment": {ISSUE: (_number, True), "comment": (_number, True)},
    # A reaction on one of the bot's comments (`comment`: its marker's KIND:KEY, or latest):
    # GitHub starts no workflow for it.
    "react": {ISSUE: (_number, True), "comment": (_bot_comment, True), "content": (_content, True)},
    "add_labels": {ISSUE: (_number, True), "labels": (_labels, True)},
    "remove_labels": {ISSUE: (_number, True), "labels": (_labels, True)},
    "close": {ISSUE: (_number, True), "reason": (_reason, False)},
    "reopen": {ISSUE: (_number, True)},
    "edit_body": {ISSUE: (_number, True), "body": (_text, True)},
    # A maintainer renames a label on GitHub (PATCH /labels/{name}) and, for a label the
    # config names, renames it there too, keeping the old name as a former one.
    "rename_label": {"from": (_text, True), "to": (_text, True)},
    # A maintainer pushes a change to .github/mentoring.yml (deep-merged over it as it is).
    "edit_config": {"config": (_config, True)},
    "merge_pull_request": {
        "title": (_text, False),
        "body": (_text, False),
        "participants_add": (_entries, False),
        "merged_by": (_login, False),
    },
}
EVENT_KEYS = tuple(ACTIONS)


class ScenarioError(Exception):
    """A scenario that cannot be run as written: where the mistake is, and the fix."""


def parse_time(value: Any, what: str) -> datetime:
    """A scenario time (YAML timestamp or ISO text) as an aware UTC datetime."""
    try:
        return parse_utc(value)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{what}: {value!r} is not a time like 2026-01-05T10:00:00Z") from exc


class _Checker:
    def __init__(self, lines: Callable[[tuple[str | int, ...]], int | None], file: str) -> None:
        self.lines = lines
        self.file = file

    def fail(self, path: tuple[str | int, ...], problem: str) -> ScenarioError:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        line = self.lines(path)
        prefix = (
            f"{self.file}:{line}: "
            if self.file and line
            else (f"{self.file}: " if self.file else "")
        )
        return ScenarioError(f"{prefix}{where or 'the scenario'} {problem}")

    def time(self, value: Any, path: tuple[str | int, ...]) -> datetime:
        try:
            return parse_time(value, "")
        except ScenarioError:
            raise self.fail(path, f"is {value!r}, not a time like 2026-01-05T10:00:00Z") from None

    def windows(self, data: Mapping[str, Any], key: str) -> None:
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            raise self.fail((key,), "must be a list of windows such as [{from: TIME, to: TIME}]")
        for i, window in enumerate(value):
            if not isinstance(window, dict) or set(window) != {"from", "to"}:
                raise self.fail((key, i), "must be a window with exactly `from` and `to`")
            begin = self.time(window["from"], (key, i, "from"))
            if self.time(window["to"], (key, i, "to")) <= begin:
                raise self.fail((key, i, "to"), "must come after `from`")

    def scenario(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise self.fail((), "must be a mapping with start, end and events")
        unknown = sorted(str(k) for k in data if k not in SCENARIO_KEYS)
        if unknown:
            raise self.fail(
                (unknown[0],),
                f"is not a scenario key; a scenario has: {', '.join(SCENARIO_KEYS)}",
            )
        for key in ("start", "end"):
            if key not in data:
                raise self.fail((), f"needs `{key}`, a time such as 2026-01-05T00:00:00Z")
        start, end = self.time(data["start"], ("start",)), self.time(data["end"], ("end",))
        if end <= start:
            raise self.fail(("end",), "must come after start")
        if data.get("schedule") is not None and not isinstance(data["schedule"], str):
            raise self.fail(("schedule",), 'must be a cron line in quotes, such as "17 6 * * *"')
        self.windows(data, "schedule_outages")
        self.windows(data, "event_outages")
        if data.get("config") is not None and not isinstance(data["config"], dict):
            raise self.fail(
                ("config",), "must be a mapping, deep-merged over .github/mentoring.yml"
            )
        self.files(data.get("files"))
        self.collaborators(data.get("collaborators"))
        if data.get("participants") is not None and _entries(data["participants"]):
            raise self.fail(("participants",), _entries(data["participants"]) or "")
        events = data.get("events")
        if events is None:
            raise self.fail((), "needs `events`, a list of what people do (it may be empty: [])")
        if not isinstance(events, list):
            raise self.fail(("events",), "must be a list of events")
        for i, event in enumerate(events):
            self.event(i, event, start, end)

    def files(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            raise self.fail(("files",), "must be a mapping of repository path to the file's text")
        for path, text in value.items():
            parts = PurePosixPath(str(path)).parts
            if not isinstance(path, str) or not parts or parts[0] == "/" or ".." in parts:
                raise self.fail(
                    ("files", str(path)),
                    "must be a path inside the repository, such as .github/ISSUE_TEMPLATE/f.yml",
                )
            if not isinstance(text, str):
                raise self.fail(("files", path), "must be the file's text (use a `|` block)")

    def collaborators(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            raise self.fail(("collaborators",), "must be a mapping such as {cora: admin}")
        for login, permission in value.items():
            if not is_login_or_bot(login):
                raise self.fail(("collaborators", str(login)), "is not a GitHub login")
            if permission not in PERMISSIONS:
                raise self.fail(
                    ("collaborators", login),
                    f"is {permission!r}; a permission is one of {', '.join(PERMISSIONS)}",
                )

    def event(self, i: int, event: Any, start: datetime, end: datetime) -> None:
        where: tuple[str | int, ...] = ("events", i)
        kind = self.action(where, event)
        moment = self.time(event["at"], (*where, "at"))
        if not start <= moment < end:
            raise self.fail(
                (*where, "at"), "is outside the scenario's [start, end): it would never happen"
            )
        if _login(event["by"]):
            raise self.fail((*where, "by"), _login(event["by"]) or "")
        spec = self.spec((*where, kind), kind, event[kind])
        if kind == "open_issue":
            self.form((*where, kind), spec)

    def action(self, where: tuple[str | int, ...], event: Any) -> str:
        """The one action of an event that has `at` and `by` beside it."""
        if not isinstance(event, dict):
            raise self.fail(where, "must be a mapping such as {at: TIME, by: alice, comment: ...}")
        kinds = [k for k in event if k in ACTIONS]
        extra = sorted(str(k) for k in event if k not in ("at", "by", *ACTIONS))
        if extra:
            raise self.fail(
                (*where, extra[0]), f"is not an action; use one of: {', '.join(EVENT_KEYS)}"
            )
        if len(kinds) != 1:
            raise self.fail(
                where,
                f"has {len(kinds)} actions ({', '.join(kinds) or 'none'}); it needs exactly"
                f" one of: {', '.join(EVENT_KEYS)}",
            )
        for key in ("at", "by"):
            if key not in event:
                raise self.fail(where, f"needs `{key}`")
        return kinds[0]

    def spec(self, where: tuple[str | int, ...], kind: str, value: Any) -> dict[str, Any]:
        """An action's keys (none is an empty mapping), each known, present if required
        and checked."""
        spec = value if value is not None else {}
        if not isinstance(spec, dict):
            raise self.fail(where, f"must be a mapping of: {', '.join(ACTIONS[kind])}")
        keys = ACTIONS[kind]
        for key in spec:
            if key not in keys:
                raise self.fail(
                    (*where, str(key)), f"is not a key of {kind}; it has: {', '.join(keys)}"
                )
        for key, (check, required) in keys.items():
            if key not in spec:
                if required:
                    raise self.fail(where, f"needs `{key}`")
                continue
            problem = check(spec[key])
            if problem:
                raise self.fail((*where, key), problem)
        return spec

    def form(self, where: tuple[str | int, ...], spec: dict[str, Any]) -> None:
        """An open_issue's form: a file of .github/ISSUE_TEMPLATE/, needed for answers."""
        template = spec.get("template")
        if template is not None and ("/" in template or template in ("", ".", "..")):
            raise self.fail(
                (*where, "template"),
                "must be a file name in .github/ISSUE_TEMPLATE/, such as mentee-application.yml",
            )
        if "answers" in spec and "template" not in spec:
            raise self.fail((*where, "answers"), "needs `template`: the form they answer")


def check_scenario(data: Any, file: str = "", lines: Any = None) -> None:
    """Raise ScenarioError naming the first mistake in ``data``, if there is one."""
    _Checker(lines or (lambda path: None), file).scenario(data)


def load_scenario(path: Path) -> dict[str, Any]:
    """Read and check a scenario file, with the same safe loader as every file people write."""
    try:
        document = load(path.read_bytes(), str(path))
    except YamlFileError as exc:
        raise ScenarioError(str(exc)) from exc
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror})") from exc
    check_scenario(document.data, str(path), document.line)
    return document.data
