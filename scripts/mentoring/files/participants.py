"""``participants.yml``: the graduates of the program, loaded and checked with every problem.

The file is written by first-time contributors in pull requests, so checking it never
stops at the first mistake: :func:`parse_participants` returns the valid entries *and*
every problem found, each with the line to fix and words that say what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mentoring.core.logins import is_login
from mentoring.core.participants import Participant, Participants, Problem, shown, yaml_repr
from mentoring.files import yamlfile
from mentoring.files.config import CONFIG_FILE, written_line
from mentoring.files.hints import did_you_mean, is_web_url, yaml_kind

REQUIRED_KEYS = ("name", "github")
OPTIONAL_KEYS = ("role", "mentors", "issue", "date", "links")
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXAMPLE_ENTRY = "`- name: Ada Lovelace` and, on the next line, `  github: ada`"


def load_participants(path: str | Path, file: str | None = None) -> Participants:
    """Read and check the file at ``path`` (``file`` is the name shown in problems)."""
    path = Path(path)
    return parse_participants(path.read_bytes(), file if file is not None else str(path))


def load_configured(root: Path, file: str) -> Participants:
    """The participants file the config names (``file``, under ``root``); one that cannot
    be read is a YamlFileError at the config's `participants:` line, saying what to do."""
    try:
        return load_participants(root / file, file)
    except OSError as exc:
        raise _unreadable(root, file, exc) from exc


def _unreadable(root: Path, file: str, exc: OSError) -> yamlfile.YamlFileError:
    line = written_line(root, ("participants",))
    named = f"the participants file {file} (`participants` in {CONFIG_FILE}" + (
        ")" if line else ", by default)"
    )
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        problem = f"{named} does not exist."
        fix = (
            f"Create {file} containing `[]` (an empty list: no graduates yet),"
            f" or correct the path in `participants:` in {CONFIG_FILE}."
        )
    elif isinstance(exc, IsADirectoryError):
        problem = f"{named} is a directory, not a file."
        fix = (
            f"Write the path of the YAML file itself in `participants:` in {CONFIG_FILE},"
            " for example `participants: participants.yml`."
        )
    else:
        problem = f"{named} cannot be read ({exc.strerror or exc})."
        fix = f"Make {file} a readable file in the repository, or correct `participants:`."
    return yamlfile.YamlFileError(CONFIG_FILE, line, problem, fix)


def parse_participants(text: str | bytes, file: str) -> Participants:
    """Check the contents of a participants file; never raises for bad content."""
    try:
        # yamlfile refuses deep nesting before scanning and keeps an impossible date such
        # as 2026-02-30 as text, so the date check reports it at its line.
        doc = yamlfile.load(text, file)
    except yamlfile.YamlFileError as exc:
        message = exc.problem + (f" {exc.fix}" if exc.fix else "")
        line = _clamp(exc.line, text)
        empty_list = _leftover_empty_list(text)
        if empty_list is not None:
            line = empty_list
            message = (
                f"line {line} still says `[]` (the empty list), but entries follow it."
                " Delete the `[]` line: the entries themselves make the list."
            )
        return Participants(file, problems=(Problem(file, line, message),))
    return _check_document(doc)


def named_logins(text: str | bytes) -> set[str] | None:
    """The logins (case-folded) the text names as ``github:``, even in an invalid file;
    None when it cannot be read at all (no entry found in text that is not empty).

    A change that fixes a broken file must not count everyone in it as added: the old
    file's entries are what it names, whether or not it was valid.
    """
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    try:
        data = yamlfile.load(raw, "old").data
    except yamlfile.YamlFileError:
        data = None
    else:
        if data is None:  # only comments (the shipped file): nobody yet
            return set()
    found: set[str] = set()
    if isinstance(data, list):
        found = {
            str(item["github"]).strip().removeprefix("@").casefold()
            for item in data
            if isinstance(item, dict) and isinstance(item.get("github"), str | int)
        }
    else:
        for line in raw[: yamlfile.MAX_BYTES].splitlines():
            at = line.find("github:")
            if at >= 0 and not line.lstrip().startswith("#"):  # not the example
                value = line[at + len("github:") :].split(",")[0].split("}")[0].split("#")[0]
                value = value.strip().strip("'\"").removeprefix("@").casefold()
                if value:
                    found.add(value)
    if not found and raw.strip() not in ("", "[]") and not isinstance(data, list):
        return None
    return found


def _leftover_empty_list(text: str | bytes) -> int | None:
    """Line of a ``[]`` kept above added entries (the shipped file ends in ``[]``)."""
    source = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    lines = [line.rstrip() for line in source.removeprefix("\ufeff").splitlines()]
    if "[]" not in lines:
        return None
    at = lines.index("[]")
    if any(line.startswith("- ") or line == "-" for line in lines[at + 1 :]):
        return at + 1
    return None


def _clamp(line: int | None, text: str | bytes) -> int:
    # PyYAML reports an unexpected end of file one line past the last; point at a line
    # that exists, so the annotation shows up in the pull request's diff.
    last = max(1, len(text.splitlines()))
    return min(max(line or 1, 1), last)


# --- loading ------------------------------------------------------------------------


def _check_document(doc: yamlfile.YamlDocument) -> Participants:
    file, data = doc.file, doc.data
    if data is None:
        return Participants(file)
    if isinstance(data, dict):
        return Participants(file, problems=(_not_a_list(doc),))
    if not isinstance(data, list):
        return Participants(
            file,
            problems=(
                Problem(
                    file,
                    doc.line(()) or 1,
                    f"{file} must be a list of entries, but it holds only the text"
                    f" {shown(data)}. Start each entry with `- `, for example"
                    f" {_EXAMPLE_ENTRY}, as in the example at the top of the file.",
                ),
            ),
        )
    entries: list[Participant] = []
    problems: list[Problem] = []
    first_seen: dict[str, tuple[int, int]] = {}
    for index, item in enumerate(data):
        entry, entry_problems, login = _check_entry(doc, index, item)
        problems.extend(entry_problems)
        if login is None:
            continue
        line = doc.line((index, "github")) or 1
        key = login.casefold()
        if key in first_seen:
            other, other_line = first_seen[key]
            problems.append(
                Problem(
                    file,
                    line,
                    f"entry {index + 1} (line {line}): the GitHub username {shown(login)}"
                    f" is already used by entry {other} (line {other_line}); usernames are"
                    " compared ignoring upper and lower case. Each person appears once:"
                    " remove one of the two entries.",
                )
            )
            continue
        first_seen[key] = (index + 1, line)
        if entry is not None:
            entries.append(entry)
    problems.sort(key=lambda p: p.line)
    return Participants(file, tuple(entries), tuple(problems))


def _not_a_list(doc: yamlfile.YamlDocument) -> Problem:
    line = doc.line(()) or 1
    return Problem(
        doc.file,
        line,
        f"{doc.file} must be a list of entries, each starting with `- `, but line {line}"
        " starts a single mapping (`key: value` lines with no `- ` in front). Put `- ` in"
        " front of the first key of each entry and indent its other keys by two spaces,"
        f" for example {_EXAMPLE_ENTRY}.",
    )


def _check_entry(
    doc: yamlfile.YamlDocument, index: int, item: Any
) -> tuple[Participant | None, list[Problem], str | None]:
    """The entry if valid, its problems, and its login if that alone is valid."""
    if isinstance(item, dict):
        checker = _EntryChecker(doc, index, item)
        entry = checker.run()
        return entry, checker.problems, checker.github
    line = doc.line((index,)) or 1
    if item is None:
        message = (
            "this entry is empty (a `-` with nothing after it). Remove the line,"
            f" or fill it in: {_EXAMPLE_ENTRY}."
        )
    else:
        what = f"just the text {shown(item)}" if isinstance(item, str) else yaml_kind(item)
        fix = f"Write it as {_EXAMPLE_ENTRY}."
        if is_login(item):
            fix = f"Write it as `- name: Your Name` and, on the next line, `  github: {item}`."
        message = (
            "each entry must be `key: value` lines (at least `name:` and `github:`),"
            f" but this one is {what}. {fix}"
        )
    return None, [Problem(doc.file, line, f"entry {index + 1} (line {line}): {message}")], None


class _EntryChecker:
    """Checks one mapping entry field by field, collecting every problem."""

    def __init__(self, doc: yamlfile.YamlDocument, index: int, item: dict[str, Any]) -> None:
        self.doc = doc
        self.index = index
        self.item = item
        self.line = doc.line((index,)) or 1
        self.problems: list[Problem] = []
        self.github: str | None = None

    def report(self, key: str | None, message: str) -> None:
        line = self.doc.line((self.index, key)) if key else None
        line = line or self.line
        self.problems.append(
            Problem(self.doc.file, line, f"entry {self.index + 1} (line {line}): {message}")
        )

    def run(self) -> Participant | None:
        for key in self.item:
            if key not in KNOWN_KEYS:
                self.report(key, _unknown_key_message(key))
        name = self.name()
        github = self.github = self.login_field("github", required=True)
        role = self.role()
        mentors = self.mentors(github)
        issue = self.issue()
        date = self.date()
        links = self.links()
        if self.problems or name is None or github is None:
            return None
        return Participant(name, github, role, mentors, issue, date, links, self.line)

    def name(self) -> str | None:
        if "name" not in self.item:
            self.report(
                None,
                "`name` is missing. Add a line `  name: Your Name` to this entry (the name"
                " to show; any language or script is fine).",
            )
            return None
        return self.text("name", example="Ada Lovelace")

    def role(self) -> str | None:
        if "role" not in self.item or self.item["role"] is None:
            return None
        return self.text("role", example="maintainer")

    def text(self, key: str, example: str) -> str | None:
        value = self.item[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            self.report(
                key, f"`{key}` is empty. Write it after the colon, e.g. `{key}: {example}`."
            )
            return None
        if not isinstance(value, str):
            self.report(
                key,
                f"`{key}` must be text, but YAML reads {shown(value)} as {yaml_kind(value)}."
                f' Put it in quotes: `{key}: "{yaml_repr(value)}"`.',
            )
            return None
        return value.strip()

    def login_field(self, key: str, *, required: bool) -> str | None:
        if key not in self.item:
            if required:
                self.report(
                    None,
                    f"`{key}` is missing. Add a line `  {key}: your-username` with the GitHub"
                    " username (the part after `github.com/` in the profile address).",
                )
            return None
        value = self.item[key]
        if value is None or value == "":
            self.report(key, f"`{key}` is empty. Write the GitHub username, e.g. `{key}: octocat`.")
            return None
        problem = _login_problem(key, value)
        if problem:
            self.report(key, problem)
            return None
        return value

    def mentors(self, github: str | None) -> tuple[str, ...]:
        value = self.item.get("mentors")
        if value is None:
            return ()
        if isinstance(value, str):
            example = value.lstrip("@") if is_login(value.lstrip("@")) else "octocat"
            self.report(
                "mentors",
                f"`mentors` must be a list of GitHub usernames, even for one mentor; you wrote"
                f" {shown(value)}. Write it in brackets: `mentors: [{example}]`.",
            )
            return ()
        if not isinstance(value, list):
            self.report(
                "mentors",
                f"`mentors` must be a list of GitHub usernames, like `mentors: [octocat]`;"
                f" YAML reads {shown(value)} as {yaml_kind(value)}.",
            )
            return ()
        result: list[str] = []
        for i, mentor in enumerate(value):
            path = (self.index, "mentors", i)
            line = self.doc.line(path) or self.line
            problem: str | None
            if mentor is None:
                problem = f"mentor {i + 1} is empty. Remove the empty item from `mentors`."
            else:
                problem = _login_problem(f"mentor {i + 1}", mentor)
            if problem:
                self.problems.append(
                    Problem(self.doc.file, line, f"entry {self.index + 1} (line {line}): {problem}")
                )
            elif github is not None and mentor.casefold() == github.casefold():
                self.problems.append(
                    Problem(
                        self.doc.file,
                        line,
                        f"entry {self.index + 1} (line {line}): {shown(mentor)} is listed as"
                        " their own mentor. `mentors` names the people who mentored them;"
                        " remove this username from it.",
                    )
                )
            else:
                result.append(mentor)
        return tuple(result)

    def issue(self) -> int | None:
        value = self.item.get("issue")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        hint = "Write just the number of the mentorship issue, e.g. `issue: 42`."
        if isinstance(value, str):
            number_re = r"#?([0-9]{1,18})|https?://\S+/(?:issues|pull)/([0-9]{1,18})/?"
            match = re.fullmatch(number_re, value.strip())
            if match and int(match.group(1) or match.group(2)) > 0:
                number = int(match.group(1) or match.group(2))
                hint = f"Write just the number: `issue: {number}`."
        self.report(
            "issue",
            f"`issue` must be the number of the mentorship issue; you wrote {shown(value)}. {hint}",
        )
        return None

    def date(self) -> dt.date | None:
        value = self.item.get("date")
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            self.report(
                "date",
                f"`date` is the graduation day only, without a time; you wrote {shown(value)}."
                f" Write `date: {value.date().isoformat()}`.",
            )
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                self.report(
                    "date",
                    f"`date` {shown(value)} is not a real day of the calendar (check the month"
                    " and the day). Write the graduation date as YYYY-MM-DD, e.g."
                    " `date: 2026-02-28`.",
                )
                return None
        self.report(
            "date",
            f"`date` must be the graduation date written as YYYY-MM-DD, e.g."
            f" `date: 2026-03-31`; you wrote {shown(value)}.",
        )
        return None

    def links(self) -> tuple[str, ...]:
        value = self.item.get("links")
        if value is None:
            return ()
        if isinstance(value, str):
            self.report(
                "links",
                f"`links` must be a list, even for one link; you wrote {shown(value)}. Write"
                " each link on its own line starting with `  - ` under `links:`, or in"
                " brackets: `links: [https://example.org]`.",
            )
            return ()
        if not isinstance(value, list):
            self.report(
                "links",
                f"`links` must be a list of web addresses; YAML reads {shown(value)} as"
                f" {yaml_kind(value)}.",
            )
            return ()
        result: list[str] = []
        for i, link in enumerate(value):
            line = self.doc.line((self.index, "links", i)) or self.line
            if isinstance(link, str) and is_web_url(link.strip()):
                result.append(link.strip())
                continue
            self.problems.append(
                Problem(
                    self.doc.file,
                    line,
                    f"entry {self.index + 1} (line {line}): link {i + 1} must be a full web"
                    f" address starting with `https://` or `http://`; you wrote {shown(link)}.",
                )
            )
        return tuple(result)


def _login_problem(field: str, value: object) -> str | None:
    """Why ``value`` is not a GitHub username, with the fix; None if it is one."""
    if is_login(value):
        return None
    intro = (
        f"`{field}` must be a GitHub username like `octocat`, without `@` or a URL;"
        f" you wrote {shown(value)}."
    )
    if field.startswith("mentor "):
        intro = (
            f"{field} in `mentors` must be a GitHub username like `octocat`, without `@`"
            f" or a URL; you wrote {shown(value)}."
        )
    key = "github" if not field.startswith("mentor ") else "mentors"
    if not isinstance(value, str):
        text = yaml_repr(value)
        if is_login(text) and isinstance(value, int) and not isinstance(value, bool):
            return f'{intro} YAML reads it as a number; put it in quotes: `{key}: "{text}"`.'
        return f'{intro} Put the username in quotes, e.g. `{key}: "octocat"`.'
    candidate = _login_from(value)
    if candidate and candidate != value and is_login(candidate):
        fix = f"`{key}: {candidate}`" if key == "github" else f"`{candidate}`"
        return f"{intro} Write {fix}."
    text = value.strip()
    if " " in text:
        return (
            f"{intro} A username has no spaces; if this is the person's name, put it under"
            " `name:` and write their username (from their profile address) here."
        )
    if len(text) > 39:
        return f"{intro} GitHub usernames are at most 39 characters long."
    return (
        f"{intro} GitHub usernames use only letters, digits and single hyphens (`-`), and"
        " do not start or end with a hyphen."
    )


def _login_from(value: str) -> str | None:
    """The login a person probably meant: ``@alice`` or ``https://github.com/alice``."""
    text = value.strip()
    if text.startswith("@"):
        return text[1:]
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.hostname in {"github.com", "www.github.com"}:
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) == 1:
            return segments[0]
    return text


def _unknown_key_message(key: str) -> str:
    known = ", ".join(f"`{k}`" for k in KNOWN_KEYS)
    if hint := did_you_mean(key, KNOWN_KEYS):
        return f"{shown(key)} is not a key this file uses. {hint}"
    return f"{shown(key)} is not a key this file uses. Remove it, or use one of: {known}."
