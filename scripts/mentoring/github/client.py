"""How the scripts reach GitHub: the client factory, the retry rules and the errors.

Every request of the ``github`` package goes through the client :func:`make_client`
makes, and ends, when it fails, in a :class:`GitHubError` (never PyGithub's or requests'
exceptions), classified here: rate limited, transient, or neither.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests
from github import Auth, Github, GithubException, RateLimitExceededException
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
READS = frozenset({"GET", "HEAD"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigurationError(Exception):
    """The environment does not say how to reach GitHub."""


class GitHubError(Exception):
    """A request GitHub refused, or did not answer, after the retries SafeRetry allows.

    The one error ``Repo`` raises for a request, so that no other module needs PyGithub's.
    ``status`` is the HTTP status, None when no response came.
    """

    def __init__(
        self, message: str, status: int | None = None, *, rate_limited: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.rate_limited = rate_limited  # not a failure: the next run continues


class WriteFailed(GitHubError):
    """A write could not be completed; the next run will pick it up."""


class RateLimited(WriteFailed):
    """GitHub refused a request for its rate limits: the run stops, the next one continues."""


# What a request ends in when GitHub does not answer it, after the retries SafeRetry allows.
API_ERRORS = (GithubException, requests.RequestException)


def describe_error(exc: Exception) -> str:
    """A short reason for a failed request, for logs and annotations."""
    if isinstance(exc, GitHubError):
        return str(exc)
    if isinstance(exc, GithubException):
        message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
        return f"HTTP {exc.status}: {message}"
    return type(exc).__name__


def translate(
    exc: Exception, context: str = "", kind: type[GitHubError] = GitHubError
) -> GitHubError:
    """PyGithub's or requests' exception as a GitHubError (a failed write: WriteFailed,
    or RateLimited when a rate limit refused it)."""
    limited = is_rate_limited(exc)
    if limited and kind is WriteFailed:
        kind = RateLimited
    status = exc.status if isinstance(exc, GithubException) else None
    reason = describe_error(exc)
    return kind(f"{context}: {reason}" if context else reason, status, rate_limited=limited)


@contextmanager
def translated() -> Iterator[None]:
    """Raise GitHubError for whatever a request ends in: the boundary of every Repo call."""
    try:
        yield
    except API_ERRORS as exc:
        raise translate(exc) from exc


class SafeRetry(Retry):
    """Retries that never re-send a write which may already have been applied.

    - 5xx and connection errors: retried for reads only. A write that got a 5xx may have
      been applied (its response lost); the executor checks before writing again.
    - 403 with Retry-After (a secondary rate limit) and 429: nothing was applied, so any
      request is retried, after the wait GitHub asks for. ``max_wait`` seconds bound all
      the waiting of one client (one run): a wait that would go past it is not begun,
      and the request fails at once with GitHub's answer.
    """

    def __init__(
        self,
        *args: Any,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        waited: list[float] | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_wait = max_wait
        self.sleep_fn = sleep
        # Shared with every copy urllib3 makes (one per attempt), so it counts the run's waits.
        self.waited = [0.0] if waited is None else waited
        kwargs.setdefault("allowed_methods", READS)
        kwargs.setdefault("status_forcelist", (403, 429, 500, 502, 503, 504))
        kwargs.setdefault("respect_retry_after_header", True)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(*args, **kwargs)

    def new(self, **kw: Any) -> SafeRetry:
        kw.setdefault("max_wait", self.max_wait)
        kw.setdefault("sleep", self.sleep_fn)
        kw.setdefault("waited", self.waited)
        return super().new(**kw)

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        header = response.headers.get("Retry-After") if response is not None else None
        if header:
            asked = Retry.parse_retry_after(self, header)  # as asked, before the cap
            if self.waited[0] + asked > self.max_wait:
                log.warning(
                    "GitHub asks to wait %ss; this run has %ss of waiting left, so it gives up",
                    f"{asked:g}",
                    f"{max(self.max_wait - self.waited[0], 0):g}",
                )
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After: {header}"))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if self.total is not None and self.total < 0:
            return False
        if status_code in (403, 429):
            return has_retry_after
        if status_code >= 500:
            return method.upper() in READS
        return False

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), self.max_wait)

    def sleep(self, response: Any = None) -> None:
        if response is not None:
            after = self.get_retry_after(response)
            if after is not None:
                self.waited[0] += after
                self.sleep_fn(after)
                return
        backoff = self.get_backoff_time()
        if backoff > 0:
            self.sleep_fn(backoff)


def make_client(
    env: Mapping[str, str], *, sleep: Callable[[float], None] = time.sleep, retries: int = 4
) -> Github:
    """The GitHub client every script uses, from ``GITHUB_TOKEN`` and ``GITHUB_API_URL``."""
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise ConfigurationError(
            "The environment variable GITHUB_TOKEN is not set. In a workflow, add"
            " `env: GITHUB_TOKEN: ${{ github.token }}` to the step; locally, export a token"
            " with the `issues: write` permission, or use --dry-run with a read-only one."
        )
    base_url = env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL
    if not _https_or_loopback(base_url):
        raise ConfigurationError(
            f"GITHUB_API_URL is {base_url!r}; it must be an https:// URL such as {DEFAULT_API_URL}."
        )
    real_github = base_url.startswith("https://")
    # GitHub asks integrators to space writes; the local sandbox needs no throttling.
    throttle: dict[str, Any] = (
        {} if real_github else {"seconds_between_requests": None, "seconds_between_writes": None}
    )
    return Github(
        base_url=base_url.rstrip("/"),
        auth=Auth.Token(token),
        per_page=100,
        api_version=API_VERSION,
        retry=SafeRetry(total=retries, backoff_factor=0.5, sleep=sleep),
        timeout=30,
        **throttle,
    )


def _https_or_loopback(url: str) -> bool:
    """The token goes only over https, or plain http to this machine (the sandbox)."""
    # By host, not by prefix: http://localhost.example.com or http://127.0.0.1@example.com
    # start like a loopback address but send the token elsewhere in the clear.
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and not parts.username and parts.hostname in LOOPBACK


def repository_name(env: Mapping[str, str]) -> str:
    """``owner/name`` from ``GITHUB_REPOSITORY``, or a clear error."""
    name = env.get("GITHUB_REPOSITORY", "").strip()
    if name.count("/") != 1 or not all(name.split("/")):
        raise ConfigurationError(
            "The environment variable GITHUB_REPOSITORY must be set to owner/name"
            f" (for example astropy/mentoring); it is {name!r}."
        )
    return name


def is_rate_limited(exc: Exception) -> bool:
    """A rate limit (primary, or secondary beyond what SafeRetry may wait) refused the request.

    By status and headers, as GitHub's "Troubleshooting the REST API" page describes them:
    429; or 403 with ``x-ratelimit-remaining: 0`` (primary) or ``retry-after`` (secondary).
    Never by the message, which GitHub has worded differently over the years.
    """
    if isinstance(exc, RateLimitExceededException):  # PyGithub's own type for it
        return True
    if not isinstance(exc, GithubException):
        return False
    if exc.status == 429:
        return True
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    return exc.status == 403 and (
        "retry-after" in headers or str(headers.get("x-ratelimit-remaining")) == "0"
    )


def is_transient(exc: Exception) -> bool:
    # A rate limit is not: SafeRetry already waited what it may, and each request sent
    # while limited makes it worse.
    if isinstance(exc, GithubException):
        return exc.status >= 500
    return True
