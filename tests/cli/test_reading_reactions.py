"""Reactions on the bot's comments, read as signs of life: the same on both read paths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mentoring.cli.reading import GraphQLReader, RestReader, Turn
from mentoring.cli.target import Target
from mentoring.core.model import IssueSnapshot, Reaction
from mentoring.files.config import load_config
from mentoring.github import client as gh
from mentoring.github import graphql as graphql_module
from mentoring.github.client import GitHubError
from mentoring.github.graphql import GraphQL
from mentoring.github.repository import Repo
from paths import ROOT_DIR
from simulator.sandbox import Sandbox
from simulator.sandbox.faults import Fault

BOT = "github-actions[bot]"
START = datetime(2026, 1, 5, tzinfo=UTC)


def _repo(sb: Sandbox) -> Repo:
    env = {"GITHUB_TOKEN": sb.token_for(BOT), "GITHUB_API_URL": sb.url}
    return Repo(gh.make_client(env, sleep=lambda s: None), "astropy/mentoring", bot_login=BOT)


def _mentorship(sb: Sandbox) -> tuple[int, dict[str, int]]:
    """An application with the bot's pairing and two check-ins; alice reacts to the second,
    bob to the pairing; eve's comment gets a reaction too (not read: not the bot's)."""
    n = sb.open_issue("alice", "Mentee application", "", labels=["application"])
    sb.set_permission("cora", "admin")
    sb.set_permission("bob", "write")
    sb.assign(n, "cora", ["bob"])
    ids = {
        "paired": sb.comment(n, BOT, "Meet bob <!-- mentoring:paired:bob -->"),
        "checkin:1": sb.comment(n, BOT, "Check-in <!-- mentoring:checkin:1 -->"),
        "checkin:2": sb.comment(n, BOT, "Check-in <!-- mentoring:checkin:2 -->"),
        "mine": sb.comment(n, "eve", "Good luck!"),
    }
    sb.now += timedelta(days=1)
    sb.react(ids["checkin:2"], "alice", "+1")
    sb.react(ids["checkin:2"], "alice", "heart")
    sb.react(ids["paired"], "bob", "rocket")
    sb.react(ids["mine"], "bob", "+1")
    return n, ids


def _snapshots(reader: RestReader, now: datetime) -> list[IssueSnapshot]:
    listing = reader.listing(Target(numbers=None), {}, now)
    turns = reader.turns(listing.applications, lambda: False)
    return [t.snapshot for t in turns if isinstance(t, Turn)]


def test_both_read_paths_give_the_same_reactions_on_the_bots_recent_comments() -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        _, ids = _mentorship(sb)
        repo = _repo(sb)
        rest = _snapshots(RestReader(repo, config), sb.now)
        sb.clear_logs()
        graphql = GraphQL(repo.graphql_query, repo.full_name, 0, sleep=lambda s: None)
        over_graphql = _snapshots(GraphQLReader(repo, config, graphql), sb.now)
        queries = [r["request_body"]["query"] for r in sb.request_log if r["path"] == "/graphql"]
    assert rest == over_graphql
    [snapshot] = rest
    given = {c.id: c.reactions for c in snapshot.comments}
    at = START + timedelta(days=1)
    assert given[ids["checkin:2"]] == (Reaction("alice", "+1", at), Reaction("alice", "heart", at))
    assert given[ids["paired"]] == (Reaction("bob", "rocket", at),)
    assert given[ids["checkin:1"]] == given[ids["mine"]] == ()  # none, and not the bot's
    # One query for the reactions of every wanted comment, beside the page of applications.
    assert sum("query CommentReactions(" in q for q in queries) == 1


def test_over_rest_only_comments_whose_roll_up_counts_a_reaction_are_asked_for() -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        _, ids = _mentorship(sb)
        sb.clear_logs()
        _snapshots(RestReader(_repo(sb), config), sb.now)
        asked = [r["path"] for r in sb.request_log if r["path"].endswith("/reactions")]
    paths = {f"/repos/astropy/mentoring/issues/comments/{ids[k]}/reactions" for k in ids}
    assert sorted(asked) == sorted(
        p for p in paths if str(ids["checkin:2"]) in p or str(ids["paired"]) in p
    )


def test_comments_older_than_a_quiet_span_have_no_reactions_read() -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        _mentorship(sb)
        sb.clear_logs()
        later = sb.now + timedelta(days=200)  # past a review period and its reply days
        [snapshot] = _snapshots(RestReader(_repo(sb), config), later)
        asked = [r for r in sb.request_log if r["path"].endswith("/reactions")]
    assert asked == []
    assert all(c.reactions == () for c in snapshot.comments)


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_only_the_latest_check_ins_reactions_are_read_while_the_mentee_or_a_mentor_comments(
    who: str,
) -> None:
    # A comment keeps the mentorship alive; a 👎 on the latest check-in is news still.
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        n, ids = _mentorship(sb)
        sb.comment(n, who, "All good here.")
        repo = _repo(sb)
        sb.clear_logs()
        _snapshots(RestReader(repo, config), sb.now)
        graphql = GraphQL(repo.graphql_query, repo.full_name, 0, sleep=lambda s: None)
        _snapshots(GraphQLReader(repo, config, graphql), sb.now)
        asked = [r["path"] for r in sb.request_log if r["path"].endswith("/reactions")]
        queries = [r["request_body"] for r in sb.request_log if r["path"] == "/graphql"]
    # Over REST, once (it has a reaction); over GraphQL, in one query, alone.
    assert asked == [f"/repos/astropy/mentoring/issues/comments/{ids['checkin:2']}/reactions"]
    [query] = [q for q in queries if "CommentReactions" in q["query"]]
    assert len(query["variables"]["ids"]) == 1


@pytest.mark.parametrize("fault", [Fault.ERROR_BEFORE, Fault.GRAPHQL_RATE_LIMITED])
def test_reactions_graphql_could_not_give_are_read_over_rest(fault: Fault) -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        n, ids = _mentorship(sb)
        repo = _repo(sb)
        graphql = GraphQL(repo.graphql_query, repo.full_name, 0, sleep=lambda s: None, attempts=1)
        reader = GraphQLReader(repo, config, graphql)
        listing = reader.listing(Target(numbers=(n,)), {}, sb.now)  # an event run
        sb.inject(fault, "POST", "/graphql", count=1)
        fresh = reader.fresh(listing.applications[0].issue)
        assert isinstance(fresh, IssueSnapshot)
        rest = [r["path"] for r in sb.request_log if r["path"].endswith("/reactions")]
    given = {c.id: c.reactions for c in fresh.comments}
    # The OneIssue query met the fault and the timeline came over REST; or the reactions
    # query did: either way the reactions are there.
    assert [r.content for r in given[ids["checkin:2"]]] == ["+1", "heart"]
    assert rest


def _graphql(repo: Repo) -> GraphQL:
    return GraphQL(repo.graphql_query, repo.full_name, 0, sleep=lambda s: None, attempts=1)


def _failing(sb: Sandbox, graphql: GraphQL, nth: int, monkeypatch: pytest.MonkeyPatch) -> GraphQL:
    """``graphql``, its ``nth`` CommentReactions query given a 502 by the sandbox (the ids
    of each are kept in ``reaction_queries``)."""
    sent = graphql._send
    queries: list[list[str]] = []

    def send(name: str, variables: dict[str, Any]) -> dict[str, Any]:
        if name == "CommentReactions":
            queries.append(variables["ids"])
            if len(queries) == nth:
                sb.inject(Fault.ERROR_BEFORE, "POST", "^/graphql$")
        return sent(name, variables)

    monkeypatch.setattr(graphql, "_send", send)
    monkeypatch.setattr(graphql, "reaction_queries", queries, raising=False)
    return graphql


def _reactions_asked(sb: Sandbox) -> set[str]:
    """The comments whose reactions were asked for over REST (their ids)."""
    return {r["path"].split("/")[-2] for r in sb.request_log if r["path"].endswith("/reactions")}


def test_when_the_reactions_query_fails_they_are_read_over_rest_by_their_roll_up(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        n, ids = _mentorship(sb)
        repo = _repo(sb)
        graphql = _failing(sb, _graphql(repo), 1, monkeypatch)
        [snapshot] = _snapshots(GraphQLReader(repo, config, graphql), sb.now)
        lists = [r for r in sb.request_log if r["path"].endswith(f"/issues/{n}/comments")]
        asked = _reactions_asked(sb)
    # One list of the issue's comments tells which have a reaction: checkin:1 has none.
    assert len(lists) == 1
    assert asked == {str(ids["checkin:2"]), str(ids["paired"])}
    given = {c.id: c.reactions for c in snapshot.comments}
    assert [r.content for r in given[ids["checkin:2"]]] == ["+1", "heart"]
    assert given[ids["checkin:1"]] == ()
    assert "not read over GraphQL" in caplog.text


def test_a_reactions_query_failing_partway_keeps_what_the_others_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = load_config(ROOT_DIR)
    monkeypatch.setattr(graphql_module, "REACTION_IDS", 1)  # a query per comment
    with Sandbox(start=START) as sb:
        _, ids = _mentorship(sb)
        repo = _repo(sb)
        graphql = _failing(sb, _graphql(repo), 2, monkeypatch)
        [snapshot] = _snapshots(GraphQLReader(repo, config, graphql), sb.now)
        asked = _reactions_asked(sb)
    # The first read the pairing's; the second failed: no third.
    assert len(graphql.reaction_queries) == 2  # type: ignore[attr-defined]
    given = {c.id: c.reactions for c in snapshot.comments}
    assert [r.content for r in given[ids["paired"]]] == ["rocket"]  # kept from the first
    # The two check-ins over REST: only the one whose roll-up counts a reaction.
    assert asked == {str(ids["checkin:2"])}
    assert [r.content for r in given[ids["checkin:2"]]] == ["+1", "heart"]


def test_a_reaction_read_neither_way_leaves_the_comment_without_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        _mentorship(sb)
        repo = _repo(sb)
        graphql = GraphQL(repo.graphql_query, repo.full_name, 0, sleep=lambda s: None)

        def gone(comment_id: int) -> tuple[Reaction, ...]:
            raise GitHubError("HTTP 502", 502)

        monkeypatch.setattr(graphql, "reactions", lambda comment_ids: {})  # none given
        monkeypatch.setattr(repo, "reactions", gone)
        [snapshot] = _snapshots(GraphQLReader(repo, config, graphql), sb.now)
    assert all(c.reactions == () for c in snapshot.comments)
    assert "could not be read (HTTP 502)" in caplog.text


def test_the_look_again_before_writing_keeps_the_reactions_read_in_bulk() -> None:
    config = load_config(ROOT_DIR)
    with Sandbox(start=START) as sb:
        _, ids = _mentorship(sb)
        repo = _repo(sb)
        reader = GraphQLReader(repo, config, _graphql(repo))
        [known] = _snapshots(reader, sb.now)
        sb.clear_logs()
        fresh = reader.fresh(known.issue, known)
        queries = [r["request_body"]["query"] for r in sb.request_log]
    assert isinstance(fresh, IssueSnapshot)
    [query] = queries  # the issue, and no reactions asked for again
    assert "query OneIssue(" in query
    assert fresh.comments == known.comments
    given = {c.id: c.reactions for c in fresh.comments}
    assert [r.content for r in given[ids["paired"]]] == ["rocket"]
