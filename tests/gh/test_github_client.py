"""mentoring.github.client: the client factory, its configuration checks, the retry rules and
the classification of errors."""

from __future__ import annotations

import pytest
import requests
from github import GithubException

from mentoring.github import client as gh
from mentoring.github.client import ConfigurationError, SafeRetry, make_client, repository_name


def test_missing_token_names_the_variable() -> None:
    for env in ({}, {"GITHUB_TOKEN": ""}, {"GITHUB_TOKEN": "  "}):
        with pytest.raises(ConfigurationError, match="GITHUB_TOKEN") as err:
            make_client(env)
        assert "issues: write" in str(err.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://api.github.com",
        "ftp://api.github.com",
        "api.github.com",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "http://localhost@example.com",
        "http://127.0.0.1@example.com:80",
    ],
)
def test_api_url_must_be_https_unless_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError, match="GITHUB_API_URL"):
        make_client({"GITHUB_TOKEN": "t", "GITHUB_API_URL": url})


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://api.github.com",
        "https://github.example.com/api/v3",
        "http://127.0.0.1:8080",
        "http://localhost:3000/",
        "http://[::1]:9000",
    ],
)
def test_accepted_api_urls(url: str) -> None:
    client = make_client({"GITHUB_TOKEN": "t", "GITHUB_API_URL": url})
    expected = (url or "https://api.github.com").rstrip("/")
    assert client.requester.base_url == expected


@pytest.mark.parametrize("name", ["", "astropy", "a/b/c", "/b", "a/"])
def test_repository_name_must_be_owner_slash_name(name: str) -> None:
    with pytest.raises(ConfigurationError, match="GITHUB_REPOSITORY"):
        repository_name({"GITHUB_REPOSITORY": name})
    assert repository_name({"GITHUB_REPOSITORY": " astropy/mentoring "}) == "astropy/mentoring"


@pytest.mark.parametrize(
    ("method", "status", "retry_after", "expected"),
    [
        ("GET", 502, False, True),
        ("GET", 500, False, True),
        ("HEAD", 503, False, True),
        ("POST", 502, False, False),
        ("PATCH", 500, False, False),
        ("DELETE", 504, False, False),
        ("POST", 403, True, True),  # a secondary rate limit: nothing was applied
        ("POST", 403, False, False),  # a plain 403: forbidden, waiting will not help
        ("GET", 403, False, False),
        ("POST", 429, True, True),
        ("GET", 429, True, True),
        ("GET", 404, False, False),
        ("POST", 422, False, False),
    ],
)
def test_safe_retry_table(method: str, status: int, retry_after: bool, expected: bool) -> None:
    assert SafeRetry(total=3).is_retry(method, status, retry_after) is expected


def test_safe_retry_gives_up_when_exhausted() -> None:
    assert SafeRetry(total=-1).is_retry("GET", 502) is False


def test_safe_retry_waits_as_asked_up_to_a_cap() -> None:
    sleeps: list[float] = []
    retry = SafeRetry(total=3, max_wait=60, sleep=sleeps.append)
    assert retry.parse_retry_after("7") == 7
    assert retry.parse_retry_after("3600") == 60
    # new() (what urllib3 calls for each attempt) keeps the cap and the sleep function.
    again = retry.new(total=2)
    assert (again.max_wait, again.sleep_fn) == (60, sleeps.append)


def test_real_github_keeps_pygithubs_throttling(mocker) -> None:
    github = mocker.patch.object(gh, "Github")
    gh.make_client({"GITHUB_TOKEN": "t", "GITHUB_API_URL": "https://api.github.com"})
    kwargs = github.call_args.kwargs
    assert "seconds_between_requests" not in kwargs  # PyGithub's defaults apply
    assert "seconds_between_writes" not in kwargs
    assert kwargs["base_url"] == "https://api.github.com"
    assert kwargs["api_version"] == gh.API_VERSION
    assert isinstance(kwargs["retry"], gh.SafeRetry)


def test_the_sandbox_is_not_throttled(mocker) -> None:
    github = mocker.patch.object(gh, "Github")
    gh.make_client({"GITHUB_TOKEN": "t", "GITHUB_API_URL": "http://127.0.0.1:8123/"})
    kwargs = github.call_args.kwargs
    assert kwargs["seconds_between_requests"] is None
    assert kwargs["seconds_between_writes"] is None
    assert kwargs["base_url"] == "http://127.0.0.1:8123"


def test_no_api_url_means_github_com(mocker) -> None:
    github = mocker.patch.object(gh, "Github")
    gh.make_client({"GITHUB_TOKEN": "t"})
    assert github.call_args.kwargs["base_url"] == gh.DEFAULT_API_URL


@pytest.mark.parametrize(
    ("status", "headers", "message", "limited"),
    [
        (429, {}, "Too Many Requests", True),
        (403, {"Retry-After": "60"}, "You have exceeded a secondary rate limit.", True),
        (403, {"retry-after": "60"}, "abuse detection mechanism", True),  # the older wording
        (403, {"X-RateLimit-Remaining": "0"}, "API rate limit exceeded for user ID 1.", True),
        (403, {"X-RateLimit-Remaining": "4999"}, "Resource not accessible by integration", False),
        # By status and headers only: a message that mentions rate limits is not one.
        (403, {}, "Your rate limit question was forbidden", False),
        (404, {"X-RateLimit-Remaining": "0"}, "Not Found", False),
        (502, {"Retry-After": "1"}, "Server Error", False),
    ],
)
def test_rate_limits_are_told_by_status_and_headers(
    status: int, headers: dict[str, str], message: str, limited: bool
) -> None:
    exc = GithubException(status, {"message": message}, headers)
    assert gh.is_rate_limited(exc) is limited
    error = gh.translate(exc, "#1: post comment", gh.WriteFailed)
    assert error.rate_limited is limited
    assert isinstance(error, gh.RateLimited) is limited
    assert str(error) == f"#1: post comment: HTTP {status}: {message}"


def test_only_server_errors_and_lost_connections_are_transient() -> None:
    assert gh.is_transient(GithubException(502, {"message": "Server Error"}, {}))
    assert gh.is_transient(requests.ConnectionError("reset"))
    assert not gh.is_transient(GithubException(403, {"message": "x"}, {"Retry-After": "1"}))
    assert not gh.is_transient(GithubException(422, {"message": "Validation Failed"}, {}))
