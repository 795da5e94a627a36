"""``POST /graphql``: queries executed by graphql-core against GitHub's own schema.

The schema is GitHub's public one (``graphql_schema/schema.graphql``, trimmed from
``@octokit/graphql-schema`` by ``graphql_schema/extract.py``), so a query the project
sends that GitHub would refuse is refused here too. Resolvers read the same state the
REST endpoints serve.

Limits as GitHub documents them ("Rate limits and node limits for the GraphQL API"):
every connection needs ``first`` or ``last`` within 1-100; a query may ask for at most
500,000 nodes (each connection's limit times those of the connections around it); its
cost is the number of requests its connections need (one per parent node), divided by
100 and rounded, at least 1 point, charged against a budget of its own per hour.
GraphQL's ``Bot.login`` is the app's slug, without the ``[bot]`` REST adds.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import math
import operator
from collections.abc import Hashable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import (
    ArgumentNode,
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    build_schema,
    execute,
    is_abstract_type,
    parse,
    print_ast,
    validate,
    value_from_ast_untyped,
    visit,
)
from graphql.error import GraphQLError
from graphql.pyutils import Undefined

from .model import REACTIONS, Comment, Encoded, Event, Issue, Watch, watch_all
from .shapes import iso, node_id

if TYPE_CHECKING:
    from .sandbox import Sandbox

SCHEMA_FILE = Path(__file__).parent / "graphql_schema" / "schema.graphql"
NODE_LIMIT = 500_000
MAX_PAGE = 100
POINTS_PER_HOUR = 5000  # a user's token; GITHUB_TOKEN has 1,000 per repository
DOCS = "https://docs.github.com/graphql"


@functools.cache
def schema() -> GraphQLSchema:
    """GitHub's schema (the trimmed copy), built once."""
    return build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


# --- limits and cost -------------------------------------------------------------------


class LimitError(Exception):
    """A query GitHub refuses before running it, with GitHub's error."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.error = error


def _limit(field: FieldNode, variables: dict[str, Any]) -> int | None:
    """The page size a connection field asks for, None if it is no connection."""
    values = {a.name.value: value_from_ast_untyped(a.value, variables) for a in field.arguments}
    name = field.name.value
    for key in ("first", "last"):
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or not 1 <= value <= MAX_PAGE:
            raise LimitError(
                {
                    "type": "EXCESSIVE_PAGINATION",
                    "message": f"Requesting {value} records on the `{name}` connection exceeds"
                    f" the `{key}` limit of {MAX_PAGE} records.",
                }
            )
        return value
    return None


def measure(document: Any, variables: dict[str, Any]) -> tuple[int, int]:
    """(nodes, requests) of the document's operation, by GitHub's rules."""
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    types = schema()
    totals = [0, 0]

    def walk(selections: Iterable[Any], parent: Any, multiplier: int) -> None:
        for sel in selections:
            if isinstance(sel, FragmentSpreadNode):
                fragment = fragments[sel.name.value]
                walk(fragment.selection_set.selections, fragment.type_condition, multiplier)
                continue
            if isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set.selections, sel.type_condition, multiplier)
                continue
            assert isinstance(sel, FieldNode)
            if sel.selection_set is None:
                continue
            inner = multiplier
            returns = _field_type(types, parent, sel.name.value)
            if sel.name.value == "nodes" and _type_name(parent) == "Query":
                # Each node asked for by id is a parent of the connections inside it.
                ids = {a.name.value: a.value for a in sel.arguments}.get("ids")
                given = value_from_ast_untyped(ids, variables) if ids is not None else None
                inner = multiplier * max(1, len(given) if isinstance(given, list) else 1)
            if returns is not None and returns.endswith("Connection"):
                size = _limit(sel, variables)
                if size is None:
                    raise LimitError(
                        {
                            "type": "MISSING_PAGINATION_BOUNDARIES",
                            "message": "You must provide a `first` or `last` value to properly"
                            f" paginate the `{sel.name.value}` connection.",
                        }
                    )
                totals[1] += multiplier  # one request per parent node
                inner = multiplier * size
                totals[0] += inner
                if totals[0] > NODE_LIMIT:
                    raise LimitError(
                        {
                            "type": "MAX_NODE_LIMIT_EXCEEDED",
                            "message": "By the time this query traverses to the"
                            f" {sel.name.value} connection, it is requesting up to"
                            f" {totals[0]:,} possible nodes which exceeds the maximum limit"
                            f" of {NODE_LIMIT:,}.",
                        }
                    )
            walk(sel.selection_set.selections, returns, inner)

    walk(operation.selection_set.selections, "Query", 1)
    return totals[0], totals[1]


def _type_name(parent: Any) -> str | None:
    return parent if isinstance(parent, str) else parent.name.value if parent else None


def _field_type(types: GraphQLSchema, parent: Any, name: str) -> str | None:
    parent_name = _type_name(parent)
    owner = types.get_type(parent_name) if parent_name else None
    fields = getattr(owner, "fields", None) or {}
    field = fields.get(name)
    if field is None:
        return None
    t = field.type
    while hasattr(t, "of_type"):
        t = t.of_type
    return t.name


def cost(requests: int) -> int:
    """Points: requests / 100, rounded to the nearest whole number, at least 1."""
    return max(1, math.floor(requests / 100 + 0.5))


# --- resolvers -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 12)
def _cursor(key: int | tuple[Any, ...]) -> str:
    # Every page of every query ends in a cursor, mostly the same few numbers. (Keys are
    # ints, and tuples of strings and ints: no bool for the cache to take for an int.)
    return base64.b64encode(("cursor:v2:" + json.dumps(key)).encode()).decode()


def _datetime(value: str) -> datetime:
    """A DateTime argument (ISO 8601); GitHub refuses one that is not."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise GraphQLError(f"Argument 'since' has an invalid value ({value}).") from None


def _uncursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except ValueError:
        text = ""
    if not text.startswith("cursor:v2:"):
        raise GraphQLError(f"`{cursor}` does not appear to be a valid cursor.")
    return json.loads(text.removeprefix("cursor:v2:"))


def _mark(cursor: str) -> Any:
    """A cursor's key, to compare with the keys of a page: a list (an issue's sort key)
    as the tuple it compares as, which the keys are."""
    mark = _uncursor(cursor)
    return tuple(mark) if isinstance(mark, list) else mark


@dataclasses.dataclass(frozen=True, slots=True)
class _Pagination:
    """A connection's pagination arguments: the ``first`` items after the cursor
    ``after``, or the ``last`` ones before ``before`` (GitHub's backward pagination)."""

    first: int | None
    after: str | None
    last: int | None = None
    before: str | None = None


def _page(items: list[Any], keys: list[Any], asked: _Pagination, descending: bool = False) -> dict:
    """The page of a connection ``asked`` for; ``keys`` (the items' cursors) in the
    connection's order, ascending unless ``descending``."""
    start, end = 0, len(items)
    if asked.after:
        mark = _mark(asked.after)
        start = next(
            (i for i, k in enumerate(keys) if (k < mark if descending else k > mark)), len(keys)
        )
    if asked.before:
        mark = _mark(asked.before)
        end = next(
            (i for i, k in enumerate(keys) if (k <= mark if descending else k >= mark)), len(keys)
        )
    if asked.last is not None and asked.first is None:
        start = max(start, end - asked.last)
    else:
        end = min(end, start + (asked.first or MAX_PAGE))
    nodes = items[start:end]
    return {
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "endCursor": _cursor(keys[end - 1]) if nodes else None,
            "startCursor": _cursor(keys[start]) if nodes else None,
        },
        "totalCount": len(items),
    }


# The timeline items the sandbox answers: REST's ``event`` and GraphQL's type of each.
ITEM_TYPE = {
    "commented": "IssueComment",
    "assigned": "AssignedEvent",
    "unassigned": "UnassignedEvent",
    "labeled": "LabeledEvent",
    "unlabeled": "UnlabeledEvent",
    "closed": "ClosedEvent",
    "reopened": "ReopenedEvent",
    "renamed": "RenamedTitleEvent",
    "cross-referenced": "CrossReferencedEvent",
}


@functools.lru_cache(maxsize=64)
def _shown(item_types: tuple[str, ...]) -> frozenset[str]:
    """The REST events of the timeline items of these types (``ISSUE_COMMENT``...), of
    every type ``ITEM_TYPE`` names if none."""
    wanted = {t.replace("_", "").lower() for t in item_types}
    return frozenset(e for e, t in ITEM_TYPE.items() if not wanted or t.lower() in wanted)


# The events whose item shows nothing but the event's own fields and people: the field
# each reads beside its time and actor ("" for none).
PLAIN = {
    "assigned": "assignee",
    "unassigned": "assignee",
    "labeled": "label",
    "unlabeled": "label",
    "reopened": "state_reason",
    "renamed": "",
}


class _Shaped(dict[str, Any]):
    """A resolver's dict, kept from query to query while its source shapes the same, with
    the fast executor's answers for it by compiled selection.

    Such an answer reads only the dict, and the resolvers in it (a comment's reactions)
    only what the dict was shaped from, so it holds for as long as the dict does, unless
    it met an error or its selection reads variables (``_Run.object`` keeps neither);
    neither the dict nor an answer is changed once made.
    """

    __slots__ = ("answers", "source")

    def __init__(self, shaped: dict[str, Any]) -> None:
        super().__init__(shaped)
        self.answers: dict[_Selection, _Answer] = {}
        # What it was last shaped from (see Kept.sourced), if it was kept by its source.
        self.source: tuple[Any, ...] | None = None


# The fast executor's answer for a ``_Shaped`` dict, in every answer that selects it
# alike; its JSON text is made once, when first sent (:func:`dumpb`). REST's timeline
# items are of the same type (``Shapes.event``), so :func:`dumpb` writes their text once.
_Answer = Encoded


class _Node(dict[str, Any]):
    """An issue's dict, shaped only if its answer is not one kept (:meth:`fill`): the fast
    executor asks its resolver for the kept answer first; graphql-core's field resolver
    fills it (:func:`_resolve`)."""

    __slots__ = ("issue", "resolver")

    def __init__(self, resolver: Resolver, issue: Issue) -> None:
        super().__init__()
        self.resolver = resolver
        self.issue = issue

    def fill(self) -> _Node:
        if not self:
            self.update(self.resolver.shape_issue(self.issue))
        return self


@dataclasses.dataclass(slots=True, eq=False)
class _Sources:
    """What an issue's answers were made from, and those answers, by selection.

    The records read (the issue, its events, their comments and the comments listed, the
    issues and pull requests the events name, the users they show) are watched: a change
    to any of them counts on ``watch``. The rest is compared by identity, as it was: the
    lists and dict entries that lead to those records, the labels and assignees and, if
    an event shows it, the time.
    """

    issue: Issue
    watch: Watch
    changes: int  # the watch's count then
    comment_ids: tuple[int, ...]  # of the events' comments
    source_numbers: tuple[int, ...]  # of the issues and pull requests the events name
    user_keys: tuple[str, ...]  # of the users shown (the state's keys: logins, lower case)
    held: tuple[Any, ...]  # what Resolver._held gave
    now: datetime | None  # the time, if an event shows it
    answers: dict[Hashable, _Answer] = dataclasses.field(default_factory=dict)


_ISSUE_OF = operator.attrgetter("issue")
_COMMENT_OF = operator.attrgetter("comment")
_SOURCE_OF = operator.attrgetter("source")
_ACTOR_OF = operator.attrgetter("actor")
_ASSIGNEE_OF = operator.attrgetter("assignee")
_not_none = functools.partial(operator.is_not, None)


def _same_objects(kept: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    """Whether ``now`` holds the very objects of ``kept``, in order."""
    return len(kept) == len(now) and all(map(operator.is_, kept, now))


_END = object()  # in a tuple of parts of any length, the end of one: never a value of it


class Kept:
    """The dicts one sandbox's resolvers shaped, kept for the next query to use again while
    they shape the same (so the fast executor's answers kept on them serve again), and
    the answers for its issues while nothing they were made from changed."""

    def __init__(self) -> None:
        self._shaped: dict[Hashable, _Shaped] = {}
        self.issues: dict[int, _Sources] = {}  # by number
        self._watches: dict[int, Watch] = {}  # by issue number: one for all its answers

    def watch(self, number: int) -> Watch:
        """The watch of the records the answers for issue ``number`` are made from."""
        found = self._watches.get(number)
        if found is None:
            found = self._watches[number] = Watch()
        return found

    def same(self, key: Hashable, fresh: dict[str, Any]) -> _Shaped:
        """The dict kept under ``key`` if it equals ``fresh`` (then, as the values are
        strings, numbers, booleans and None of one type per field, it is the same answer),
        else ``fresh``, kept from now on."""
        kept = self._shaped.get(key)
        if kept is None or kept != fresh:
            kept = self._shaped[key] = _Shaped(fresh)
        return kept

    def sourced(self, key: Hashable, source: tuple[Any, ...]) -> _Shaped | None:
        """The dict kept under ``key`` if it was shaped from these very objects, else None.

        ``source`` is every value the dict is shaped from, immutable ones (strings, numbers,
        datetimes, tuples) and kept dicts, so the same objects shape the same dict. They are
        compared by identity, not equality: cheaper, and exact (a datetime equals its twin of
        another zone, which is written otherwise); an equal value that is another object
        only costs shaping the dict anew. The kept dict holds its source, so no object of it
        is freed and its id taken by another.
        """
        kept = self._shaped.get(key)
        if kept is None:
            return None
        was = kept.source
        if was is None or len(was) != len(source) or not all(map(operator.is_, was, source)):
            return None
        return kept

    def keep(self, key: Hashable, source: tuple[Any, ...], fresh: dict[str, Any]) -> _Shaped:
        """:meth:`same`, remembering that the dict is shaped from ``source``."""
        kept = self.same(key, fresh)
        kept.source = source
        return kept


class Resolver:
    """Shapes the sandbox's state as GitHub's GraphQL objects (plain dicts)."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.s = sb.state
        self._actors: dict[str, dict[str, Any]] = {}  # by login: users do not change mid-query
        self.kept = sb.graphql_kept

    def actor(self, login: str | None) -> dict[str, Any] | None:
        if login is None:
            return None
        found = self._actors.get(login)
        if found is None:
            # The earlier query's dict while the user is the same: the one object, so that
            # the dicts shaped from it can be kept by their source (Kept.sourced).
            found = self._actors[login] = self.kept.same(("actor", login), self._actor(login))
        return found

    def _actor(self, login: str) -> dict[str, Any]:
        u = self.s.user(login)
        if u.type == "Bot":
            return {"__typename": "Bot", "login": u.login.removesuffix("[bot]")}
        if u.type == "Organization":
            return {"__typename": "Organization", "login": u.login}
        return {"__typename": "User", "login": u.login}

    def issue(self, i: Issue) -> dict[str, Any]:
        if i.pull is not None:
            return {"__typename": "PullRequest", "number": i.number, "pull": i}
        return _Node(self, i)

    def shape_issue(self, i: Issue) -> dict[str, Any]:
        """An issue's dict (for :class:`_Node`)."""
        return {
            "__typename": "Issue",
            "number": i.number,
            "title": i.title,
            "body": i.body,
            "state": i.state.upper(),
            "stateReason": i.state_reason.upper() if i.state_reason else None,
            "createdAt": iso(i.created_at),
            "updatedAt": iso(i.updated_at),
            "closedAt": iso(i.closed_at) if i.closed_at else None,
            "author": self.actor(i.user),
            "labels": lambda info, first=None, after=None, **_: (
                self.labels(i, _Pagination(first, after))
            ),
            "assignees": lambda info, first=None, after=None, **_: (
                self.assignees(i, _Pagination(first, after))
            ),
            "timelineItems": lambda info, first=None, after=None, itemTypes=None, **_: (
                self.timeline(i, _Pagination(first, after), itemTypes)
            ),
            "comments": lambda info, first=None, after=None, last=None, before=None, **rest: (
                self.comments(i, _Pagination(first, after, last, before), rest.get("orderBy"))
            ),
        }

    def kept_answer(self, i: Issue, key: Hashable) -> _Answer | None:
        """The answer kept for issue ``i`` under ``key`` (its selection, and the values of
        the variables in it), if nothing it was made from changed since."""
        sources = self.kept.issues.get(i.number)
        if sources is None or not self._holds(sources, i):
            return None
        return sources.answers.get(key)

    def keep_answer(self, i: Issue, key: Hashable, answer: dict[str, Any]) -> dict[str, Any]:
        """Keep the answer just made for issue ``i`` under ``key``, with what it was made
        from (as the state is now: making it changed nothing but, perhaps, the users)."""
        sources = self.kept.issues.get(i.number)
        if sources is None or not self._holds(sources, i):
            sources = self._sources(i)
            if sources is None:
                return answer
            self.kept.issues[i.number] = sources
        kept = sources.answers[key] = _Answer(answer)
        return kept

    def _sources(self, i: Issue) -> _Sources | None:
        """What any answer for issue ``i`` is made from (whatever it selects), its records
        watched from now on; None if it cannot be told: a close event that names another
        issue (its closer is looked for in that issue's timeline)."""
        s = self.s
        number = i.number
        events = s.events.get(number, ())
        if number in s.deleted or s.issues.get(number) is not i:
            return None
        if list(map(_ISSUE_OF, events)).count(number) != len(events):
            return None
        comment_ids = tuple(filter(_not_none, map(_COMMENT_OF, events)))
        source_numbers = tuple(filter(_not_none, map(_SOURCE_OF, events)))
        comments = (*map(s.comments.get, comment_ids), *s.comments_made_on(number))
        logins = {i.user, *i.assignees, *map(_ACTOR_OF, events), *map(_ASSIGNEE_OF, events)}
        logins.update(c.user for c in comments if c is not None)
        logins.discard(None)
        user_keys = tuple({login.lower() for login in logins})
        held = self._held(i, comment_ids, source_numbers, user_keys)
        watch = self.kept.watch(number)
        # The records: the issue, its events, comments, the issues named and their pull
        # requests, the users.
        watch_all((i, *held, *[r.pull for r in held if type(r) is Issue]), watch)
        return _Sources(
            issue=i,
            watch=watch,
            changes=watch.changes,
            comment_ids=comment_ids,
            source_numbers=source_numbers,
            user_keys=user_keys,
            held=held,
            # Another repository's merged pull request shows merged now (Resolver.source).
            now=s.now if any(e.foreign is not None for e in events) else None,
        )

    def _holds(self, sources: _Sources, i: Issue) -> bool:
        """Whether the answers of ``sources`` are still those for issue ``i``: no record
        changed, and the lists and entries that lead to them hold the very same."""
        s = self.s
        return (
            sources.issue is i
            and sources.changes == sources.watch.changes
            and i.number not in s.deleted
            and (sources.now is None or sources.now is s.now)
            and _same_objects(
                sources.held,
                self._held(i, sources.comment_ids, sources.source_numbers, sources.user_keys),
            )
        )

    def _held(
        self,
        i: Issue,
        comment_ids: tuple[int, ...],
        source_numbers: tuple[int, ...],
        user_keys: tuple[str, ...],
    ) -> tuple[Any, ...]:
        """What the state's lists and dicts hold for issue ``i``, in one tuple (its parts
        told apart by ``_END``): its events, labels, assignees and comments, the comments
        of these ids, the issues of these numbers and the users of these keys."""
        s = self.s
        number = i.number
        return (
            *s.events.get(number, ()), _END, *i.labels, _END, *i.assignees, _END,
            *s.comments_made_on(number), _END, *map(s.comments.get, comment_ids), _END,
            *map(s.issues.get, source_numbers), _END, *map(s.users.get, user_keys),
        )  # fmt: skip

    def comments(self, i: Issue, asked: _Pagination, order: Any = None) -> dict[str, Any]:
        """The issue's comments, oldest first (GitHub's order without ``orderBy``); dicts of
        an earlier query where they shape the same, as for the timeline."""
        if order is not None:  # by UPDATED_AT: not modelled, and not to be guessed at
            raise GraphQLError("The sandbox does not model comments(orderBy:).")
        found = self.s.comments_on(i.number)
        page = _page(found, [c.id for c in found], asked)
        page["nodes"] = [self._comment(("comment", c.id), c) for c in page["nodes"]]
        return self.kept.same(("comments", i.number, asked), page)

    def labels(self, i: Issue, asked: _Pagination) -> dict[str, Any]:
        """The issue's labels, the page kept while they are the very same names."""
        names = tuple(i.labels)  # a copy: the list changes in place
        key = ("labels", i.number, asked)
        found = self.kept.sourced(key, names)
        if found is not None:
            return found
        page = _page([{"name": n} for n in names], list(range(len(names))), asked)
        return self.kept.keep(key, names, page)

    def assignees(self, i: Issue, asked: _Pagination) -> dict[str, Any]:
        """The issue's assignees, the page kept while they are the very same actors."""
        actors = tuple([self.actor(a) for a in i.assignees])
        key = ("assignees", i.number, asked)
        found = self.kept.sourced(key, actors)
        if found is not None:
            return found
        page = _page(list(actors), list(range(len(actors))), asked)
        return self.kept.keep(key, actors, page)

    def _comment(self, key: Hashable, c: Comment) -> dict[str, Any]:
        """A comment's dict (kept under ``key``), shaped again only when what it shows
        changed: its id, body, times or author."""
        source = (c.id, c.body, c.created_at, c.updated_at, self.actor(c.user), c.reactions)
        found = self.kept.sourced(key, source)
        return found if found is not None else self.kept.keep(key, source, self.comment(c))

    def comment(self, c: Any) -> dict[str, Any]:
        return {
            "__typename": "IssueComment",
            "id": node_id("IC_", c.id),  # REST's node_id of the comment
            "databaseId": c.id,
            "author": self.actor(c.user),
            "body": c.body,
            "createdAt": iso(c.created_at),
            "updatedAt": iso(c.updated_at),
            "reactions": lambda info, first=None, after=None, last=None, before=None, **rest: (
                self.reactions(c, _Pagination(first, after, last, before), rest)
            ),
        }

    def reactions(self, c: Any, asked: _Pagination, rest: dict[str, Any]) -> dict[str, Any]:
        """A comment's ``ReactionConnection``: oldest first (``orderBy`` CREATED_AT, either
        direction), filtered by ``content``; its cursors are the reactions' ids."""
        given = list(c.reactions)
        content = rest.get("content")
        if content is not None:
            given = [r for r in given if REACTIONS[r.content] == content]
        descending = (rest.get("orderBy") or {}).get("direction") == "DESC"
        if descending:
            given.reverse()
        page = _page(given, [r.id for r in given], asked, descending=descending)
        page["nodes"] = [
            {
                "__typename": "Reaction",
                "id": node_id("REA_", r.id),
                "content": REACTIONS[r.content],
                "createdAt": iso(r.created_at),
                "user": self.actor(r.user),
            }
            for r in page["nodes"]
        ]
        page["viewerHasReacted"] = False
        return page

    def nodes(self, ids: list[str]) -> list[dict[str, Any] | None]:
        """``Query.nodes``: the comments among these node ids (null for any other id, with
        an error, as GitHub answers an id it cannot resolve)."""
        found = [self._comment_of(i) for i in ids]
        missing = [i for i, c in zip(ids, found, strict=True) if c is None]
        if missing:
            raise GraphQLError(
                f"Could not resolve to a node with the global id of '{missing[0]}'.",
                extensions={"type": "NOT_FOUND"},
            )
        # The comments' dicts kept from query to query, as the timelines' are: each run asks
        # for the reactions on the same recent comments.
        return [self._comment(("comment", c.id), c) for c in found if c is not None]

    def _comment_of(self, node: str) -> Any:
        """The comment of a node id as ``shapes.node_id`` makes it, or None."""
        if not node.startswith("IC_"):
            return None
        try:
            text = base64.b64decode(node[3:] + "=" * (-len(node[3:]) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        prefix, _, number = text.partition(":")
        c = self.s.comments.get(int(number)) if prefix == "sandbox" and number.isdigit() else None
        return None if c is None or c.deleted else c

    def timeline(
        self, i: Issue, asked: _Pagination, item_types: list[str] | None
    ) -> dict[str, Any]:
        # The cursor of an item is its place among all the issue's events; only the page
        # asked for is shaped. Pages, like items, are the earlier query's when the same, so
        # a timeline unchanged since then is answered by the answer kept on its page.
        shown = _shown(tuple(item_types or ()))
        keyed = [(n, e) for n, e in enumerate(self.s.timeline(i.number)) if e.event in shown]
        page = _page([e for _, e in keyed], [n for n, _ in keyed], asked)
        page["nodes"] = [self.item(e) for e in page["nodes"]]
        return self.kept.same(("timeline", i.number, asked, tuple(item_types or ())), page)

    def item(self, e: Event) -> dict[str, Any]:
        """A timeline item, of an event ``ITEM_TYPE`` names (the dict of an earlier query
        if it shapes the same).

        A comment or a plain event (``PLAIN``) shows only its own fields and its people, so
        it is shaped again only when one of those changed (Kept.sourced); the others show
        other issues (a closer, a cross-reference's source) or the time, so they are shaped
        anew each time and compared with the dict kept.
        """
        key = ("item", e.id)
        kind = e.event
        if kind == "commented":
            assert e.comment is not None  # a comment's event names it
            return self._comment(key, self.s.comments[e.comment])
        plain = PLAIN.get(kind)
        if plain is None:
            return self.kept.same(key, self._item(e))
        # Exactly the fields _item reads for this kind, in its order (an actor read can
        # create a user: the same reads, the same users).
        source: tuple[Any, ...] = (kind, e.created_at, self.actor(e.actor))
        if plain:
            extra = getattr(e, plain)
            source += (self.actor(extra) if plain == "assignee" else extra,)
        found = self.kept.sourced(key, source)
        return found if found is not None else self.kept.keep(key, source, self._item(e))

    def _item(self, e: Any) -> dict[str, Any]:
        """A timeline item of an event other than a comment (:meth:`item` shapes those)."""
        name = ITEM_TYPE[e.event]
        base = {"__typename": name, "createdAt": iso(e.created_at), "actor": self.actor(e.actor)}
        if e.event in ("assigned", "unassigned"):
            return {**base, "assignee": self.actor(e.assignee)}
        if e.event in ("labeled", "unlabeled"):
            return {**base, "label": {"name": e.label[0]}}
        if e.event in ("closed", "reopened"):
            base["stateReason"] = e.state_reason.upper() if e.state_reason else None
            if e.event == "closed":
                base["closer"] = self.closer(e)
            return base
        if e.event == "renamed":
            return base
        return {**base, "isCrossRepository": e.foreign is not None, "source": self.source(e)}

    def closer(self, close: Any) -> dict[str, Any] | None:
        """The commit whose message closed it, or the merged pull request whose description
        did (a pull request of this repository merged as it closed), or nothing."""
        if close.commit_id is not None:
            return {"__typename": "Commit", "oid": close.commit_id}
        for e in self.s.timeline(close.issue):
            other = self.s.issues.get(e.source) if e.source is not None else None
            if e.event != "cross-referenced" or other is None or other.pull is None:
                continue
            if other.pull.merged_at == close.created_at:
                sha = other.pull.merge_commit_sha
                return {
                    "__typename": "PullRequest",
                    "number": other.number,
                    "mergedAt": iso(other.pull.merged_at),
                    # GitHub's PullRequest.mergeCommit: "The commit that was created when
                    # this pull request was merged."
                    "mergeCommit": {"__typename": "Commit", "oid": sha} if sha else None,
                }
        return None

    def source(self, e: Any) -> dict[str, Any]:
        if e.foreign is not None:  # another repository's issue or merged pull request
            _, number, merged = e.foreign
            if merged:
                return {"__typename": "PullRequest", "number": number, "mergedAt": iso(self.s.now)}
            return {"__typename": "Issue", "number": number}
        other = self.s.issues[e.source]
        if other.pull is None:
            return {"__typename": "Issue", "number": other.number}
        merged = iso(other.pull.merged_at) if other.pull.merged_at else None
        return {"__typename": "PullRequest", "number": other.number, "mergedAt": merged}

    def issues(
        self,
        states: list[str] | None,
        labels: list[str] | None,
        order: Any,
        since: str | None = None,
    ) -> list:
        items = [i for i in self.s.issues.values() if i.pull is None]
        if states:
            items = [i for i in items if i.state.upper() in states]
        if since:  # IssueFilters.since: "updated at or after the given date"
            at = _datetime(since)
            items = [i for i in items if i.updated_at >= at]
        if labels:
            wanted = {n.lower() for n in labels}  # any of them, as GitHub filters
            items = [i for i in items if wanted & {n.lower() for n in i.labels}]
        field = (order or {}).get("field", "CREATED_AT")
        key = {
            "UPDATED_AT": lambda i: (iso(i.updated_at), i.number),
            "COMMENTS": lambda i: (self.s.comment_count(i.number), i.number),
        }.get(field, lambda i: (iso(i.created_at), i.number))
        keyed = [(key(i), i) for i in items]  # each issue's key made once
        keyed.sort(key=operator.itemgetter(0), reverse=(order or {}).get("direction") == "DESC")
        return keyed

    def repository(self, owner: str, name: str) -> dict[str, Any] | None:
        if (owner.lower(), name.lower()) != (self.sb.owner.lower(), self.sb.repo.lower()):
            return None

        # A resolver of Repository.issues: both executors pass the field's arguments by
        # GitHub's names, so it takes each of them.
        def issues(  # noqa: PLR0913
            info: Any,
            first: int | None = None,
            after: str | None = None,
            states: list[str] | None = None,
            labels: list[str] | None = None,
            orderBy: Any = None,  # GitHub's argument names
            filterBy: Any = None,
            **_: Any,
        ) -> dict[str, Any]:
            filters = dict(filterBy or {})
            since = filters.pop("since", None)
            # Only `since` is modelled (and viewerSubscribed at its default, false): a query
            # that filters otherwise would pass here and be answered otherwise by GitHub.
            if filters.pop("viewerSubscribed", False) or any(filters.values()):
                raise GraphQLError(f"The sandbox does not model IssueFilters {sorted(filters)}.")
            keyed = self.issues(states, labels, orderBy, since)
            descending = (orderBy or {}).get("direction") == "DESC"
            items, keys = [i for _, i in keyed], [k for k, _ in keyed]
            page = _page(items, keys, _Pagination(first, after), descending=descending)
            page["nodes"] = [self.issue(i) for i in page["nodes"]]
            return page

        def issue(info: Any, number: int) -> dict[str, Any] | None:
            found = self.s.issues.get(number)
            if found is None or found.pull is not None:
                raise GraphQLError(
                    f"Could not resolve to an Issue with the number of {number}.",
                    extensions={"type": "NOT_FOUND"},
                )
            return self.issue(found)

        return {"__typename": "Repository", "issues": issues, "issue": issue}


def _never(value: Any) -> bool:
    return False


def _resolve(value: Any, info: Any, **args: Any) -> Any:
    """Dict keys, calling the callable ones with the field's arguments."""
    if type(value) is _Node:
        value = value.fill()
    found = value.get(info.field_name) if isinstance(value, dict) else None
    return found(info, **args) if callable(found) else found


# --- the endpoint ------------------------------------------------------------------------


def answer(sb: Sandbox, body: Any, actor: str | None) -> tuple[int, dict[str, Any], int | None]:
    """Status, JSON body and points charged for one ``POST /graphql``."""
    if actor is None:
        message = "This endpoint requires you to be authenticated."
        return 401, {"message": message, "documentation_url": DOCS}, None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return 400, {"message": "Problems parsing JSON", "documentation_url": DOCS}, None
    variables = body.get("variables") or {}
    document, problems, plan = _prepare(body["query"])
    if problems or plan is None:
        return 200, {"errors": problems}, None
    try:
        nodes, requests = plan.measure(variables)
    except LimitError as exc:
        return 200, {"errors": [exc.error]}, None
    points = cost(requests)
    remaining = sb.graphql_points_remaining
    if remaining < points:
        message = f"API rate limit exceeded for user ID {sb.state.user(actor).id}."
        return 200, {"errors": [{"type": "RATE_LIMITED", "message": message}]}, None
    sb.graphql_points_remaining = remaining - points
    reset = sb.graphql_reset
    root = {
        "rateLimit": {
            "cost": points,
            "limit": POINTS_PER_HOUR,
            "nodeCount": nodes,
            "remaining": remaining - points,
            "used": POINTS_PER_HOUR - (remaining - points),
            "resetAt": iso(reset),
        },
        "repository": lambda info, owner, name, **_: Resolver(sb).repository(owner, name),
        "nodes": lambda info, ids, **_: Resolver(sb).nodes(ids),
    }
    if sb.graphql_engine == "graphql-core":
        result = execute(
            schema(),
            document,
            root_value=root,
            variable_values=variables,
            field_resolver=_resolve,
            is_awaitable=_never,  # every resolver is synchronous: skip the check per value
        )
        assert isinstance(result, ExecutionResult)  # no resolver is asynchronous
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [_error(e, (e.extensions or {}).get("type")) for e in result.errors]
        return 200, out, points
    errors: list[dict[str, Any]] = []
    data = _Run(plan, variables, errors).object(root, plan.root, None)
    out = {"data": data}
    if errors:
        out["errors"] = errors
    return 200, out, points


def _applies(condition: Any, typename: str | None) -> bool:
    """Whether a fragment's type condition holds for an object of ``typename``."""
    return condition is None or _holds(condition.name.value, typename)


@functools.lru_cache(maxsize=1024)
def _holds(name: str, typename: str | None) -> bool:
    if name == typename:
        return True
    if typename is None:
        return False
    types = schema()
    wanted, actual = types.get_type(name), types.get_type(typename)
    if wanted is None or actual is None or not is_abstract_type(wanted):
        return False
    return types.is_sub_type(wanted, actual)  # type: ignore[arg-type]


# --- the fast executor -------------------------------------------------------------------
#
# graphql-core's executor completes every value through the schema (about a hundred times
# slower on a page of 50 timelines). Queries are validated by graphql-core against GitHub's
# schema before they get here, so this one only projects the resolvers' dicts: each
# selection set is compiled once per object type into the fields to answer, in order,
# fragments that apply merged in as GraphQL's CollectFields merges them. Tests run whole
# scenarios with both engines (``Sandbox.graphql_engine``) and require the same answers.


class _Field:
    """One response key of a compiled selection: the field, and what is selected in it."""

    __slots__ = ("arguments", "key", "name", "sub")

    def __init__(self, key: str, node: FieldNode, sub: _Selection | None) -> None:
        self.key = key
        self.name = node.name.value
        self.arguments = node.arguments  # GraphQL takes them from the first node of a key
        self.sub = sub


class _Selection:
    """The selection sets asked of one field (one, or several merged), compiled per type."""

    __slots__ = ("_text", "by_type", "plan", "sets")

    def __init__(self, plan: _Plan, sets: tuple[Any, ...]) -> None:
        self.plan = plan
        self.sets = sets
        self.by_type: dict[str | None, list[_Field]] = {}
        self._text: tuple[str, tuple[str, ...]] | None = None

    def text(self) -> tuple[str, tuple[str, ...]]:
        """These selection sets as text, each fragment they spread (in turn) written after
        them, and the names of the variables anywhere in that text: all an answer for
        them reads of the query, the same in any query that holds the same text."""
        if self._text is None:
            self._text = _text_of(self.sets, self.plan.fragments)
        return self._text

    def fields(self, typename: str | None) -> list[_Field]:
        """The fields to answer for an object of ``typename``, fragments merged."""
        grouped: dict[str, list[FieldNode]] = {}
        fragments = self.plan.fragments
        seen: set[str] = set()

        def collect(selections: Iterable[Any]) -> None:
            for sel in selections:
                if isinstance(sel, FragmentSpreadNode):
                    name = sel.name.value
                    fragment = fragments[name]
                    if name not in seen and _applies(fragment.type_condition, typename):
                        seen.add(name)
                        collect(fragment.selection_set.selections)
                elif isinstance(sel, InlineFragmentNode):
                    if _applies(sel.type_condition, typename):
                        collect(sel.selection_set.selections)
                else:
                    key = sel.alias.value if sel.alias else sel.name.value
                    grouped.setdefault(key, []).append(sel)

        for selection_set in self.sets:
            collect(selection_set.selections)
        compiled = []
        for key, nodes in grouped.items():
            subs = tuple(n.selection_set for n in nodes if n.selection_set is not None)
            compiled.append(_Field(key, nodes[0], self.plan.selection(subs) if subs else None))
        self.by_type[typename] = compiled
        return compiled


class _Plan:
    """A validated document, its selection sets compiled as they are first met."""

    def __init__(self, document: Any) -> None:
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        self.document = document
        self.fragments = {
            d.name.value: d for d in document.definitions if hasattr(d, "type_condition")
        }
        self._selections: dict[tuple[int, ...], _Selection] = {}
        self.root = self.selection((operation.selection_set,))
        self._limits = _limit_variables(document)
        self._measured: dict[str, tuple[int, int]] = {}

    def measure(self, variables: dict[str, Any]) -> tuple[int, int]:
        """:func:`measure` of the document, worked out once for the values of the variables
        that set a connection's ``first`` or ``last`` (the only ones it reads)."""
        key = repr([variables.get(name, _UNSET) for name in self._limits])
        found = self._measured.get(key)
        if found is None:
            found = self._measured[key] = measure(self.document, variables)
        return found

    def selection(self, sets: tuple[Any, ...]) -> _Selection:
        # Keyed by the nodes' identity: the plan holds its document (``_prepare`` keeps
        # both), so the nodes, and their ids, outlive every key.
        key = tuple(map(id, sets))
        found = self._selections.get(key)
        if found is None:
            found = self._selections[key] = _Selection(self, sets)
        return found


_UNSET = object()  # in a key of _Plan.measure, a variable not given (its repr no value's)


def _text_of(nodes: Iterable[Any], fragments: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The text of these nodes and of the fragments they spread, in turn, and the names of
    the variables in them."""
    names: list[str] = []
    spread: list[str] = []
    texts: list[str] = []

    class Find(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            if node.name.value not in names:
                names.append(node.name.value)

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            if node.name.value not in spread:
                spread.append(node.name.value)

    for node in nodes:
        visit(node, Find())
        texts.append(print_ast(node))
    for name in spread:  # grows as the fragments spread more
        if name in fragments:
            visit(fragments[name], Find())
            texts.append(print_ast(fragments[name]))
    return "\n".join(texts), tuple(names)


_MEASURED = ("first", "last", "ids")  # the arguments a query's cost depends on


def _limit_variables(document: Any) -> list[str]:
    """The names of the variables that appear in any argument a cost depends on."""
    names: list[str] = []

    class Find(Visitor):
        inside = 0

        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            self.inside += node.name.value in _MEASURED

        def leave_argument(self, node: ArgumentNode, *_: Any) -> None:
            self.inside -= node.name.value in _MEASURED

        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            if self.inside and node.name.value not in names:
                names.append(node.name.value)

    visit(document, Find())
    return names


class _Run:
    """One execution of a plan: the variables, the errors met, arguments worked out once."""

    def __init__(self, plan: _Plan, variables: dict[str, Any], errors: list[dict]) -> None:
        self.plan = plan
        self.variables = variables
        self.errors = errors
        self._arguments: dict[_Field, dict[str, Any]] = {}

    def arguments(self, field: _Field) -> dict[str, Any]:
        found = self._arguments.get(field)
        if found is None:
            values = {
                a.name.value: value_from_ast_untyped(a.value, self.variables)
                for a in field.arguments
            }
            found = {k: v for k, v in values.items() if v is not Undefined}  # unset variables
            self._arguments[field] = found
        return found

    def object(self, value: dict[str, Any], selection: _Selection, path: Any) -> dict[str, Any]:
        """The answer for one object; ``path`` is its place as (parent path, key), built
        into a list only for an error."""
        if type(value) is _Shaped:  # the same answer as the last time it was selected so
            found = value.answers.get(selection)
            if found is None:
                errors = len(self.errors)
                made = self._object(value, selection, path)
                # Kept unless it met an error (to meet it again each time) or the selection
                # reads variables (another query's values may answer otherwise): a
                # comment's dict holds its reactions' resolver.
                if len(self.errors) != errors or selection.text()[1]:
                    return made
                found = value.answers[selection] = _Answer(made)
            return found
        if type(value) is _Node:
            return self._node(value, selection, path)
        return self._object(value, selection, path)

    def _node(self, value: _Node, selection: _Selection, path: Any) -> dict[str, Any]:
        """An issue's answer: the one kept for the selection and the values of its
        variables while nothing it was made from changed (Resolver.kept_answer), else made
        and kept, unless an error was met making it (then it is made each time, to meet
        the error each time)."""
        text, names = selection.text()
        key: Hashable = text
        if names:
            key = (text, repr([self.variables.get(name, _UNSET) for name in names]))
        resolver = value.resolver
        found = resolver.kept_answer(value.issue, key)
        if found is not None:
            return found
        errors = len(self.errors)
        out = self._object(value.fill(), selection, path)
        if len(self.errors) != errors:
            return out
        return resolver.keep_answer(value.issue, key, out)

    def _object(self, value: dict[str, Any], selection: _Selection, path: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        typename = value.get("__typename")
        fields = selection.by_type.get(typename)
        if fields is None:
            fields = selection.fields(typename)
        for field in fields:
            key = field.key
            name = field.name
            if name == "__typename":
                out[key] = typename
                continue
            raw = value.get(name)
            if callable(raw):
                try:
                    raw = raw(None, **self.arguments(field))
                except GraphQLError as exc:
                    error = {"message": exc.message, "path": _path((path, key))}
                    kind = (exc.extensions or {}).get("type")
                    self.errors.append({"type": kind, **error} if kind else error)
                    raw = None
            sub = field.sub
            if sub is None or raw is None:
                out[key] = raw
            elif isinstance(raw, list):
                here = (path, key)
                out[key] = [
                    None if item is None else self.object(item, sub, (here, n))
                    for n, item in enumerate(raw)
                ]
            else:
                out[key] = self.object(raw, sub, (path, key))
        return out


def _path(link: Any) -> list[Any]:
    """A path as GraphQL's errors give it, from the (parent, key) links of ``_Run``."""
    keys = []
    while link is not None:
        link, key = link
        keys.append(key)
    return keys[::-1]


@functools.lru_cache(maxsize=64)
def _prepare(query: str) -> tuple[Any, list[dict[str, Any]], _Plan | None]:
    """The parsed query, what validation against the schema found, and the plan of a
    valid one (compiled as it runs), once per text."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, [_error(exc, "SYNTAX_ERROR")], None
    problems = [_error(p) for p in validate(schema(), document)]
    return document, problems, None if problems else _Plan(document)


def _error(exc: GraphQLError, type_: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = dict(exc.formatted)
    extensions = error.pop("extensions", None) or {}
    kind = type_ or extensions.get("type")
    if kind:
        error = {"type": kind, **error}
    return error


_ENCODE_STR = json.encoder.encode_basestring_ascii  # what json.dumps writes a str with
_LITERALS = {None: b"null", True: b"true", False: b"false"}


def dumpb(value: Any) -> bytes:
    """``json.dumps(value).encode()``, the very same bytes, with those of each kept answer
    (most of a GraphQL answer's: timelines, comment bodies included) made only once.

    The bytes are written as pieces joined once at the end: joining at every level would
    copy the big texts of the kept answers (a page of timelines) once per enclosing
    object, and joining text to encode it after would copy the whole answer once more.
    """
    if type(value) is _Answer:
        return _text(value)
    pieces: list[bytes] = []
    _write(value, pieces)
    return b"".join(pieces)


def dumps(value: Any) -> str:
    """``json.dumps(value)``: the text of :func:`dumpb` (ASCII: json.dumps escapes the rest)."""
    return dumpb(value).decode("ascii")


def _text(answer: _Answer) -> bytes:
    text = answer.text
    if text is None:
        pieces: list[bytes] = []
        _write_object(answer, pieces)
        text = answer.text = b"".join(pieces)
    return text


def _write(value: Any, out: list[bytes]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_ENCODE_STR(value).encode())
    elif kind is _Answer:
        out.append(_text(value))
    elif kind is dict:
        _write_object(value, out)
    elif kind is list:
        out.append(b"[")
        for n, item in enumerate(value):
            if n:
                out.append(b", ")
            _write(item, out)
        out.append(b"]")
    elif kind is int:
        out.append(int.__repr__(value).encode())
    elif value is None or kind is bool:
        out.append(_LITERALS[value])
    else:
        out.append(json.dumps(value).encode())  # floats, and anything else json.dumps knows


def _write_object(value: dict[Any, Any], out: list[bytes]) -> None:
    if not all(type(k) is str for k in value):
        out.append(json.dumps(value).encode())  # keys json.dumps would convert: its own text
        return
    before = "{"
    for key, item in value.items():
        kind = type(item)
        if kind is str:  # the most common value, written with its key as one piece
            out.append((before + _ENCODE_STR(key) + ": " + _ENCODE_STR(item)).encode())
        else:
            out.append((before + _ENCODE_STR(key) + ": ").encode())
            if kind is _Answer:
                out.append(_text(item))
            else:
                _write(item, out)
        before = ", "
    out.append(b"{}" if before == "{" else b"}")


def partial(out: dict[str, Any], pick: int) -> dict[str, Any]:
    """A fault: one issue of the answer lost to an error, as a timed-out resolver gives."""
    issues = ((out.get("data") or {}).get("repository") or {}).get("issues")
    if issues and issues.get("nodes"):
        index = pick % len(issues["nodes"])
        issues["nodes"][index] = None
        path = ["repository", "issues", "nodes", index, "timelineItems"]
    elif ((out.get("data") or {}).get("repository") or {}).get("issue"):
        out["data"]["repository"]["issue"] = None
        path = ["repository", "issue", "timelineItems"]
    else:
        return out
    message = (
        "Something went wrong while executing your query. This may be the result of a"
        " timeout, or it could be a GitHub bug."
    )
    out.setdefault("errors", []).append({"message": message, "path": path})
    return out
