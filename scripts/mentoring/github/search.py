"""GitHub's issue search, counted, within its own rate limit (30 requests a minute).

The outcomes report asks it one question per graduate: did they open a pull request, or
review one, in the program's repositories lately? Only ``total_count`` is read
(``per_page=1``). The search API's limit is its own (``X-RateLimit-Resource: search``);
when it is used up the search waits until its reset, within the run's allowance of
waiting, or stops and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from github import Github, GithubException

from mentoring.github.client import API_ERRORS, GitHubError, translate

log = logging.getLogger(__name__)

PATH = "/search/issues"
LONGEST_WAIT = 61.0  # seconds: the search limit resets within a minute


class SearchStopped(GitHubError):
    """The search's rate limit was reached and waiting more was not allowed."""


class Search:
    """Counts of search results, within the search API's rate limit.

    ``clock`` is the time now in seconds since the epoch (what ``X-RateLimit-Reset``
    counts in); ``max_wait`` the seconds this run may spend waiting for the limit.
    """

    def __init__(
        self,
        client: Github,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        max_wait: float,
    ) -> None:
        self._requester = client.requester
        self._sleep = sleep
        self._clock = clock
        self.max_wait = max_wait
        self.waited = 0.0
        self.queries = 0
        self._remaining: int | None = None
        self._reset: float | None = None

    def count(self, query: str) -> int:
        """How many issues or pull requests ``query`` finds; raises :class:`SearchStopped`
        when the limit is reached and the run may not wait, GitHubError otherwise."""
        if self._remaining == 0:
            self._wait()
        try:
            return self._ask(query)
        except GitHubError as exc:
            if not exc.rate_limited:
                raise
            self._remaining = 0  # refused: the limit was used up by others too
            self._wait()
            return self._ask(query)

    def _ask(self, query: str) -> int:
        self.queries += 1
        requester = self._requester
        # The answer's X-RateLimit headers are the search's, which PyGithub would take
        # for the REST budget: keep what it knew of that.
        rest = requester.rate_limiting, requester.rate_limiting_resettime
        try:
            headers, data = requester.requestJsonAndCheck(
                "GET", PATH, parameters={"q": query, "per_page": 1}
            )
        except API_ERRORS as exc:
            if isinstance(exc, GithubException):
                self._note(exc.headers or {})
            raise translate(exc, "search") from exc
        finally:
            requester.rate_limiting, requester.rate_limiting_resettime = rest
        self._note(headers)
        return int(data.get("total_count") or 0)

    def _note(self, headers: dict[str, Any]) -> None:
        named = {k.lower(): v for k, v in headers.items()}
        try:
            self._remaining = int(named["x-ratelimit-remaining"])
            self._reset = float(named["x-ratelimit-reset"])
        except (KeyError, TypeError, ValueError):
            pass

    def _wait(self) -> None:
        """Wait for the limit's reset, or stop if this run may not wait that long."""
        now = self._clock()
        seconds = min(max((self._reset or now) - now, 1.0), LONGEST_WAIT)
        if self.waited + seconds > self.max_wait:
            raise SearchStopped(
                f"the search API's rate limit (30 queries a minute) was reached after"
                f" {self.queries} queries, and waiting {seconds:.0f} s more would pass the"
                f" {self.max_wait:.0f} s allowed (--search-wait)",
                403,
                rate_limited=True,
            )
        log.info("waiting %.0f s for the search API's rate limit", seconds)
        self._sleep(seconds)
        self.waited += seconds
        self._remaining = None
