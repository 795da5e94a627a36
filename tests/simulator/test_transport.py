"""The in-process transport answers exactly as loopback HTTP does: the end-to-end HTTP suite.

The scenarios here run twice, once with PyGithub reaching the sandbox over real loopback
HTTP and once in-process, and the transcripts (every write, in order, and the request
count) must be identical. The rest of the suite runs in-process, for speed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import github
import pytest
import requests
from github.Requester import HTTPRequestsConnectionClass, Requester

from paths import ROOT_DIR
from played import play
from simulator.sandbox import Fault, Sandbox
from simulator.sandbox.sandbox import TRANSPORTS

ROOT = ROOT_DIR
SCENARIOS = ROOT / "tests" / "scenarios"
BOT = "github-actions[bot]"


def _client(sb: Sandbox, retry: object = None) -> github.Github:
    return github.Github(
        base_url=sb.url,
        auth=github.Auth.Token(sb.token_for(BOT)),
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=retry,
    )


def _connection_class() -> type:
    return Requester._Requester__httpConnectionClass  # type: ignore[attr-defined]


# The quick suite plays the scenario made for faults; `-m slow` (CI) two more.
OVER_BOTH = [
    "faults-short.yml",
    *(pytest.param(n, marks=pytest.mark.slow) for n in ("lifecycle.yml", "outage.yml")),
]


@pytest.mark.parametrize("name", OVER_BOTH)
def test_a_scenario_over_http_and_in_process_writes_the_same(name: str) -> None:
    results = {
        t: play(SCENARIOS / name, transport=t, faults=0.1, seed=3).result for t in TRANSPORTS
    }
    over_http, in_process = results["http"], results["in-process"]
    assert over_http.actions  # a scenario in which the bot does something
    assert in_process.transcript() == over_http.transcript()
    assert in_process.failed_runs == over_http.failed_runs


def test_over_http_the_requests_reach_the_server_socket(monkeypatch) -> None:
    served: list[str] = []
    from simulator.sandbox import server

    original = server.Handler._serve

    def spy(self, method: str) -> None:
        served.append(method)
        original(self, method)

    monkeypatch.setattr(server.Handler, "_serve", spy)
    with Sandbox(transport="http") as sb:
        sb.open_issue("alice", "Apply", "body", labels=["application"])
        assert _client(sb).get_repo("astropy/mentoring").get_issue(1).title == "Apply"
        assert len(served) == sb.request_count == 2
    with Sandbox() as sb:
        sb.open_issue("alice", "Apply", "body", labels=["application"])
        assert _client(sb).get_repo("astropy/mentoring").get_issue(1).title == "Apply"
        assert sb.request_count == 2
        assert len(served) == 2  # no socket this time


def test_in_process_requests_are_logged_faulted_and_retried_as_over_http() -> None:
    from mentoring.github.client import SafeRetry

    with Sandbox() as sb:
        sb.open_issue("alice", "Apply", "body", labels=["application"])
        sb.inject(Fault.ERROR_BEFORE, "GET", r"/issues/1$")
        retry = SafeRetry(total=2, backoff_factor=0, sleep=lambda s: None)
        issue = _client(sb, retry).get_repo("astropy/mentoring").get_issue(1)
        assert issue.number == 1
        log = sb.request_log
        assert [(r["method"], r["status"]) for r in log[-2:]] == [("GET", 502), ("GET", 200)]
        assert log[-1]["api_version"] is None or log[-1]["api_version"].startswith("20")


def test_other_clients_still_get_http_from_an_in_process_sandbox() -> None:
    with Sandbox() as sb:
        answer = requests.get(f"{sb.url}/repos/astropy/mentoring", timeout=10)
        assert answer.status_code == 200
        assert answer.json()["full_name"] == "astropy/mentoring"
        assert sb.request_count == 1


def test_the_hook_is_in_only_while_an_in_process_sandbox_runs() -> None:
    assert _connection_class() is HTTPRequestsConnectionClass
    with Sandbox() as first, Sandbox(start=datetime(2026, 2, 1, tzinfo=UTC)) as second:
        assert _connection_class() is not HTTPRequestsConnectionClass
        first.open_issue("alice", "One", "body")
        second.open_issue("bob", "Two", "body")
        # Each client reaches its own sandbox, by host and port.
        assert _client(first).get_repo("astropy/mentoring").get_issue(1).title == "One"
        assert _client(second).get_repo("astropy/mentoring").get_issue(1).title == "Two"
        with Sandbox(transport="http") as third:  # not in-process: served over HTTP
            third.open_issue("cai", "Three", "body")
            assert _client(third).get_repo("astropy/mentoring").get_issue(1).title == "Three"
        first.stop()
        assert _connection_class() is not HTTPRequestsConnectionClass
    assert _connection_class() is HTTPRequestsConnectionClass


def test_an_unknown_transport_is_refused() -> None:
    with pytest.raises(ValueError, match="transport must be one of"):
        Sandbox(transport="carrier pigeon")
