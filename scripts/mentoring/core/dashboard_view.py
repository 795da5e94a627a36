"""The dashboard as Markdown: its table, its Mermaid chart, its body and its digests.

Every value people wrote (the role an applicant typed) is neutralised before it goes into
a cell: one line, bounded, HTML and Markdown punctuation escaped, ``@`` and ``#`` kept
from mentioning or linking. Chart labels are built from issue numbers and logins only,
filtered to characters Mermaid has no syntax for. The words are in ``templates/``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mentoring.core.dashboard import (
    ACTIVE,
    ATTENTION,
    CLOSED,
    DECLINED,
    GRADUATED,
    NEEDS_INFO,
    PAUSED,
    READY,
    STATES,
    WAITING,
    Figures,
    Item,
    Row,
)
from mentoring.core.model import marker
from mentoring.core.remember import short_texts
from mentoring.core.render import Renderer
from mentoring.core.settings import Config

DASHBOARD = "dashboard"  # the marker kind of the dashboard's body
DIGEST = "dashboard-digest"  # and of its digests of new items
NOTICE = "dashboard-notice"  # of the per-run notices before digests: read, no longer written
LIMIT = 65_536  # GitHub refuses an issue body longer than this (422)
CHART_LIMIT = 40  # mentorships drawn in the chart: more is unreadable
ITEM_LIMIT = 100  # attention items listed in the body (the rest are counted)
ROLE_CHARS = 40
WORD_JOINER = "\u2060"  # between @ and a name: no mention; between # and a number: no link
_ESCAPE = re.compile(r"([\\`*_{}\[\]()!|~])")
_MERMAID_SAFE = re.compile(r"[^A-Za-z0-9 ._-]")

FLAGS = {
    "waiting-for-mentor": "waiting",
    "worried": "reacted 👎",
    "stalled": "stalled",
    "review-unanswered": "review unanswered",
    "long-pause": "long pause",
    "ready-no-pull-request": "no pull request",
}


@dataclass(frozen=True)
class Links:
    """Addresses the dashboard links to, for what does not fit in it."""

    repository: str  # https://github.com/owner/name
    workflow: str = "mentoring.yml"

    def issues(self, label: str, state: str) -> str:
        query = f'is:issue is:{state} label:"{label}"'
        return f"{self.repository}/issues?q={_quote(query)}"

    @property
    def runs(self) -> str:
        return f"{self.repository}/actions/workflows/{self.workflow}"


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# Cells are remembered: every run writes the same logins, roles and dates into its tables
# (the dashboard's and the job summary's). Only short texts, so that no hostile answer
# (up to 65,536 characters) is kept; a longer one is neutralised afresh each time.
CELL_CACHE_CHARS = 1_000


def text_cell(text: str, limit: int = ROLE_CHARS) -> str:
    """User text as a table cell: its first line, at most ``limit`` characters, inert."""
    return _text_cell(text, limit)


@short_texts(CELL_CACHE_CHARS)
def _text_cell(text: str, limit: int) -> str:
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _ESCAPE.sub(r"\\\1", line)
    return line.replace("@", "@" + WORD_JOINER).replace("#", "#" + WORD_JOINER)


def _day(value: datetime | None) -> str:
    # Equal instants in two zones hash alike but fall on other days: the offset is part
    # of the key.
    return _date_of(value, value.utcoffset()) if value else "–"


@functools.lru_cache(maxsize=4096)
def _date_of(value: datetime, offset: object) -> str:
    """Remembered: the tables show the same few dates run after run, and ``strftime``
    is slow."""
    return f"{value:%Y-%m-%d}"


def _logins(logins: Sequence[str]) -> str:
    # Logins are GitHub's (letters, digits, hyphens); written without @, so no one is pinged.
    return ", ".join(text_cell(x, 39) for x in logins) or "–"


def shown_rows(rows: Sequence[Row], config: Config, now: datetime) -> list[Row]:
    """The table's rows: every open application, and those closed in ``closed_days``,
    by state (in the order of ``STATES``), then by issue number; those waiting for a
    mentor as a waitlist, who has waited longest first."""
    since = now - timedelta(days=config.dashboard.closed_days)
    keep = [r for r in rows if r.ended is None or r.ended >= since]
    return sorted(keep, key=lambda r: (STATES.index(r.state), _waitlist_place(r), r.number))


def _waitlist_place(r: Row) -> tuple[datetime, ...]:
    """A waiting row's place in the waitlist: its wait's start, oldest first."""
    return (r.waiting_since,) if r.state == WAITING and r.waiting_since else ()


def date_cell(value: datetime | None) -> str:
    """A date as a cell that never wraps: a word joiner after each hyphen (GitHub strips
    ``nobr`` and ``style``, and a browser breaks a line after a hyphen)."""
    return _day(value).replace("-", "-" + WORD_JOINER)


# The main table: what a coordinator reads at a glance, six columns so that it fits
# GitHub's issue column (about 880 px at a 1280 px window) without scrolling.
HEADER = ("Issue", "Mentee", "Mentor", "State", "Next", "Needs")
# Folded under it (and in full in the job summary): the rest of each open application.
MORE_HEADER = ("Issue", "Started", "Months", "Mentee replied", "Mentor replied", "Last check-in")
FORM_HEADER = ("Issue", "Role", "Answers missing")


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _head(header: Sequence[str]) -> list[str]:
    return [_line(header), "|" + " --- |" * len(header)]


def _state_cell(r: Row) -> str:
    """The state, with the date it began when that is what a coordinator asks next."""
    if r.ended is not None:
        return f"{r.state} {date_cell(r.ended)}"
    since = r.pauses[-1][0] if r.state == PAUSED and r.pauses else r.waiting_since
    if r.state == READY:
        since = r.ready_since
    if since is not None and r.state in (PAUSED, WAITING, READY):
        word = "waiting" if r.state == WAITING else r.state  # "for a mentor": its Mentor is –
        return f"{word} since {date_cell(since)}"
    return r.state


def _needs(r: Row, flags: Mapping[int, Sequence[str]]) -> str:
    needs = list(flags.get(r.number, ()))
    if r.missing:
        count = len(r.missing)
        needs.append(f"{count} answer{'s' if count > 1 else ''}")
    if r.suggested:
        # Registered mentors to ask, by login without @: a table cell pings nobody.
        *others, last = [text_cell(x, 39) for x in r.suggested]
        needs.append(f"ask {', '.join(others)} or {last}" if others else f"ask {last}")
    return ", ".join(needs) or "–"


def row_flags(items: Sequence[Item]) -> dict[int, list[str]]:
    """The short words of each issue's items, by issue number."""
    flags: dict[int, list[str]] = {}
    for item in items:
        if item.kind in FLAGS:
            flags.setdefault(item.issue, []).append(FLAGS[item.kind])
    return flags


def table(rows: Sequence[Row], items: Sequence[Item]) -> list[str]:
    """The main table's lines: header, rule, one line per row."""
    flags = row_flags(items)
    lines = _head(HEADER)
    for r in rows:
        nxt = r.next_checkin
        cells = (
            f"#{r.number}",
            text_cell(r.mentee, 39),
            _logins(r.mentors),
            _state_cell(r),
            f"{_kind_short(nxt[0])} {date_cell(nxt[1])}" if nxt else "–",
            _needs(r, flags),
        )
        lines.append(_line(cells))
    return lines


def _kind_short(what: str) -> str:
    """ "review 15" is a review; "check-in 4" a check-in: the date tells the rest."""
    return what.split(" ")[0]


def more_table(rows: Sequence[Row]) -> list[str]:
    """Started, age, replies and the last check-in of each open application with a
    mentorship begun; empty (no table) when there is none."""
    lines = []
    for r in rows:
        if r.ended is not None or r.started is None:
            continue
        last = r.last_checkin
        cells = (
            f"#{r.number}",
            date_cell(r.started),
            "–" if r.age_months is None else str(r.age_months),
            date_cell(r.mentee_reply),
            date_cell(r.mentor_reply),
            f"{_kind_short(last[0])} {date_cell(last[1])}" if last else "–",
        )
        lines.append(_line(cells))
    return [*_head(MORE_HEADER), *lines] if lines else []


def form_table(rows: Sequence[Row]) -> list[str]:
    """What each open application's form says: the role (the config's, when one was
    chosen, else the applicant's words), and the answers still missing; empty (no table)
    when no row has either."""
    lines = [
        _line(
            (
                f"#{r.number}",
                text_cell(r.applied or r.role) or "–",
                ", ".join(text_cell(m, 60) for m in r.missing) or "–",
            )
        )
        for r in rows
        if r.ended is None and (r.applied or r.role or r.missing)
    ]
    return [*_head(FORM_HEADER), *lines] if lines else []


def this_run_table(rows: Sequence[Row], this_run: Mapping[int, str]) -> list[str]:
    """What the run did on each issue of ``rows`` it wrote to (the job summary's);
    empty (no table) when it wrote to none."""
    lines = [
        _line((f"#{r.number}", text_cell(this_run[r.number], 300)))
        for r in rows
        if this_run.get(r.number)
    ]
    return [*_head(("Issue", "This run")), *lines] if lines else []


def mermaid_label(text: str) -> str:
    """A label Mermaid reads as plain text: no colon, hash, semicolon, quote or markup."""
    return " ".join(_MERMAID_SAFE.sub("", text).split())[:60] or "untitled"


def _month_end(now: datetime) -> datetime:
    """The first day of the next month: running bars end there, so the chart changes
    monthly rather than daily (Mermaid's own marker shows today)."""
    return datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=now.tzinfo)


# One section per state, in the table's order; a bar's tag gives its colour in GitHub's
# themes: active blue, paused (and a mentor gone) red, ready plain, ended grey.
_CHART_TAGS = {ACTIVE: "active, ", PAUSED: "crit, ", READY: "", NEEDS_INFO: "crit, "}
_CHART_TAGS |= {WAITING: "crit, ", GRADUATED: "done, ", DECLINED: "done, ", CLOSED: "done, "}


def _tick(first: datetime, last: datetime) -> str:
    """A tick per month up to eight months, then per quarter, then per half year: the
    labels never run into each other in GitHub's column."""
    days = (last - first).days
    return "1month" if days <= 245 else "3month" if days <= 800 else "6month"


def chart(rows: Sequence[Row], now: datetime, limit: int = CHART_LIMIT) -> tuple[str, int]:
    """A Mermaid gantt, one bar per mentorship from its start to its end (or the end of
    this month), grouped by state; the ``limit`` latest started are drawn. Returns the
    source and how many were left out."""
    drawn = sorted((r for r in rows if r.started is not None), key=lambda r: r.started or now)
    left_out = max(len(drawn) - limit, 0)
    drawn = drawn[left_out:]
    if not drawn:
        return "", 0
    horizon = _month_end(now)
    first = min(r.started or now for r in drawn)
    lines = [
        "gantt",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %b %Y",
        f"    tickInterval {_tick(first, horizon)}",
    ]
    for state in STATES:
        members = sorted((r for r in drawn if r.state == state), key=lambda r: r.number)
        if members:
            lines.append(f"    section {state}")
        for r in members:
            start = r.started or now
            end = max(r.ended or horizon, start + timedelta(days=1))
            with_whom = f" with {' and '.join(r.mentors)}" if r.mentors else ""
            label = mermaid_label(f"{r.number} {r.mentee}{with_whom}")
            tag = _CHART_TAGS[state]
            lines.append(f"    {label} :{tag}m{r.number}, {start:%Y-%m-%d}, {end:%Y-%m-%d}")
    return "\n".join(lines), left_out


@dataclass(frozen=True)
class Board:
    """What the dashboard shows as of ``now``: every row, the items that need attention
    and the figures."""

    rows: Sequence[Row]
    items: Sequence[Item]
    figures: Figures
    now: datetime


def body(
    renderer: Renderer,
    config: Config,
    board: Board,
    links: Links,
    lines: Sequence[str] | None = None,
) -> str:
    """The dashboard issue's body, within GitHub's limit: when it would not fit, the
    chart goes first, then rows from the end of the table, and the body says so.
    ``lines``: the table of the shown rows (:func:`shown_rows`), if made already."""
    items, now = board.items, board.now
    shown = shown_rows(board.rows, config, now)
    if lines is None:
        lines = table(shown, items)
    graph, chart_left_out = chart(shown, now)
    context = {
        "config": config,
        "items": list(items[:ITEM_LIMIT]),
        "items_left_out": max(len(items) - ITEM_LIMIT, 0),
        "figures": board.figures,
        "links": links,
        "chart_left_out": chart_left_out,
        "total": len(shown),
    }

    def render(rows_kept: int, with_chart: bool) -> str:
        kept = shown[:rows_kept]
        return renderer.page(
            "dashboard/body.md.j2",
            DASHBOARD,
            **context,
            table=lines[: 2 + rows_kept] if kept else [],
            more=more_table(kept),
            form=form_table(kept),
            omitted=len(shown) - rows_kept,
            chart=graph if with_chart else "",
            chart_dropped=bool(graph) and not with_chart,
        )

    text = render(len(shown), True)
    if len(text) <= LIMIT:
        return text
    text = render(len(shown), False)
    if len(text) <= LIMIT:
        return text
    low, high = 0, len(shown)  # the most rows that fit is in [low, high]
    while low < high:
        mid = (low + high + 1) // 2
        if len(render(mid, False)) <= LIMIT:
            low = mid
        else:
            high = mid - 1
    return render(low, False)


# Whom a digest line says to ask about each kind of item: the mentee, the mentors, both
# or nobody (the coordinators act themselves: assign a mentor, fix the file).
ASK: dict[str, tuple[str, ...]] = {
    "participants-unreadable": (),
    "needs-info": ("mentee",),
    "waiting-for-mentor": (),
    "worried": ("mentee", "mentors"),
    "stalled": ("mentee", "mentors"),
    "review-unanswered": ("mentors",),
    "long-pause": ("mentee", "mentors"),
    "ready-no-pull-request": ("mentee",),
    "over-capacity": ("mentee",),  # the over-capacity mentor is the item's "mentee"
    "entry-graduates-nobody": (),
}


@dataclass(frozen=True)
class DigestLine:
    """One issue's line in a digest: its new items and whom to ask (logins, inert)."""

    issue: int
    items: tuple[Item, ...]
    mentee: str
    mentors: tuple[str, ...]
    ask: tuple[str, ...]


def digest_lines(items: Sequence[Item]) -> list[DigestLine]:
    """The items grouped by issue, in the order each issue first comes."""
    grouped: dict[int, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.issue, []).append(item)
    lines = []
    for number, group in grouped.items():
        first = group[0]
        ask: list[str] = []
        for item in group:
            for role in ASK.get(item.kind, ()):
                ask += [item.mentee] if role == "mentee" else list(item.mentors)
        inert = [text_cell(login, 39) for login in dict.fromkeys(a for a in ask if a)]
        mentors = tuple(text_cell(m, 39) for m in first.mentors)
        lines.append(
            DigestLine(number, tuple(group), text_cell(first.mentee, 39), mentors, tuple(inert))
        )
    return lines


def notice_key(items: Sequence[Item]) -> str:
    """The digest's marker key: the same items always give the same key (no randomness),
    so a post whose response was lost is found again by it."""
    digest = hashlib.sha256("\n".join(sorted(i.key for i in items)).encode()).hexdigest()
    return digest[:12]


def digest(
    renderer: Renderer, config: Config, items: Sequence[Item], dashboard: str = ""
) -> tuple[str, tuple[Item, ...]]:
    """One comment that tells the coordinators what is new, one line per issue, each item
    marked as announced; within GitHub's limit (issues that do not fit wait for the next
    digest). ``dashboard``: its address, when known. Returns the text and the items told."""
    lines = digest_lines(items)

    def render(kept: int) -> tuple[str, tuple[Item, ...]]:
        told = tuple(item for line in lines[:kept] for item in line.items)
        text = renderer.page(
            "dashboard/digest.md.j2",
            DIGEST,
            notice_key(told),
            tuple(marker(ATTENTION, item.key) for item in told),  # the code's, not the template's
            coordinators=list(config.coordinators),
            lines=lines[:kept],
            left_out=len(lines) - kept,
            dashboard=dashboard,
            config=config,
        )
        return text, told

    found = render(len(lines))
    if len(found[0]) <= LIMIT:
        return found
    low, high = 1, len(lines)  # the most lines that fit is in [low, high]: one always does
    while low < high:
        mid = (low + high + 1) // 2
        if len(render(mid)[0]) <= LIMIT:
            low = mid
        else:
            high = mid - 1
    return render(low)
