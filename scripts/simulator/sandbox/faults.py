"""Faults the sandbox can inject: server errors before or after a write, rate limits."""

from __future__ import annotations

import enum
import random
import re
from dataclasses import dataclass

GRAPHQL_PATH = "/graphql"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000."
)
# The wording GitHub used before "secondary rate limit" (recorded responses, 2017-2021):
# the same 403 with Retry-After. Clients must tell them apart by status and headers.
ABUSE_MESSAGE = (
    "You have triggered an abuse detection mechanism and have been temporarily blocked from"
    " content creation. Please retry your request again later."
)
ABUSE_DOCS = "https://docs.github.com/overview/resources-in-the-rest-api#abuse-rate-limits"
SECONDARY_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)


class Fault(enum.Enum):
    """What goes wrong with one request."""

    ERROR_BEFORE = "error_before"  # 502, nothing applied
    ERROR_AFTER = "error_after"  # the write is applied, then 502: the response is lost
    SECONDARY_RATE_LIMIT = "secondary_rate_limit"  # 403 with Retry-After
    TOO_MANY_REQUESTS = "too_many_requests"  # 429 with Retry-After
    GRAPHQL_PARTIAL = "graphql_partial"  # a query answered with `errors` and partial `data`
    ABUSE_DETECTION = "abuse_detection"  # 403 with Retry-After, in the older wording
    # A query refused for a secondary rate limit with HTTP 200: an `errors` entry of type
    # RATE_LIMITED, no `data` (GitHub: "the response status will be 200 or 403").
    GRAPHQL_RATE_LIMITED = "graphql_rate_limited"


# The older wording is injected on purpose only (it is the same limit to a client).
RANDOM_KINDS = tuple(k for k in Fault if k is not Fault.ABUSE_DETECTION)
GRAPHQL_ONLY = frozenset({Fault.GRAPHQL_PARTIAL, Fault.GRAPHQL_RATE_LIMITED})
# What a secondary rate limit's Retry-After says, for faults drawn at random: GitHub sends
# 60 seconds, or no header at all, and then "wait for at least one minute" (its docs).
RETRY_AFTER_CHOICES: tuple[int | None, ...] = (60, 60, None)


@dataclass
class _Scheduled:
    kind: Fault
    method: str | None
    path: re.Pattern[str] | None
    count: int

    def matches(self, method: str, path: str) -> bool:
        if self.kind is Fault.ERROR_AFTER and method not in WRITE_METHODS:
            return False
        if self.kind in GRAPHQL_ONLY and path != GRAPHQL_PATH:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or self.path.search(path) is not None


class FaultPlan:
    """Scheduled faults first, then faults at random with a seeded generator."""

    def __init__(self) -> None:
        self._scheduled: list[_Scheduled] = []
        self._rate = 0.0
        self._random = random.Random(0)  # noqa: S311 - reproducible faults, not security
        self._kinds: tuple[Fault, ...] = RANDOM_KINDS
        # Its own generator, so the Retry-After drawn never shifts which requests fault.
        self._waits = random.Random(0)  # noqa: S311
        self._at_random = False  # whether the last fault drawn was a random one

    def inject(self, kind: Fault, method: str | None, path: str | None, count: int) -> None:
        pattern = re.compile(path) if path is not None else None
        self._scheduled.append(_Scheduled(kind, method, pattern, count))

    def set_rate(self, rate: float, seed: int, kinds: list[Fault] | None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be within [0, 1], not {rate}")
        self._rate = rate
        self._random = random.Random(seed)  # noqa: S311
        self._waits = random.Random(f"retry-after:{seed}")  # noqa: S311
        self._kinds = tuple(kinds) if kinds else RANDOM_KINDS

    def retry_after(self, scheduled: int | None) -> int | None:
        """The Retry-After of the rate limit just drawn (None: no header): ``scheduled``
        for an injected fault, one of RETRY_AFTER_CHOICES for a random one."""
        if not self._at_random:
            return scheduled
        return self._waits.choice(RETRY_AFTER_CHOICES)

    def pick(self) -> int:
        """A number for a fault to choose with (which issue a partial answer loses)."""
        return self._random.randrange(1 << 16)

    def draw(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any; consumes a scheduled one."""
        for item in self._scheduled:
            if item.count > 0 and item.matches(method, path):
                item.count -= 1
                if item.count == 0:
                    self._scheduled.remove(item)
                self._at_random = False
                return item.kind
        self._at_random = True
        if self._rate <= 0.0:
            return None
        if self._random.random() >= self._rate:
            return None
        kinds = [
            k
            for k in self._kinds
            if (k is not Fault.ERROR_AFTER or method in WRITE_METHODS)
            and (k not in GRAPHQL_ONLY or path == GRAPHQL_PATH)
        ]
        return self._random.choice(kinds) if kinds else None
