"""HTTP front of the sandbox: routing, auth, rate limits, faults, pagination, logging."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import graphql
from .faults import (
    ABUSE_DOCS,
    ABUSE_MESSAGE,
    GRAPHQL_PATH,
    SECONDARY_DOCS,
    SECONDARY_MESSAGE,
    WRITE_METHODS,
    Fault,
)
from .model import ApiError, Encoded
from .routes import ROUTES, Request
from .shapes import DOCS, iso

if TYPE_CHECKING:
    from .sandbox import Sandbox

RATE_LIMIT = 5000
SEARCH_PATH = "/search/issues"
RATE_LIMITS = frozenset(
    {
        Fault.SECONDARY_RATE_LIMIT,
        Fault.ABUSE_DETECTION,
        Fault.TOO_MANY_REQUESTS,
        Fault.GRAPHQL_RATE_LIMITED,
    }
)
_COMPILED = [(m, re.compile(f"^{p}$"), fn) for m, p, fn in ROUTES]


def error_body(status: int, message: str, errors: list[dict] | None = None) -> dict[str, Any]:
    """GitHub's error body."""
    body: dict[str, Any] = {"message": message}
    if errors:
        body["errors"] = errors
    body["documentation_url"] = DOCS
    body["status"] = str(status)
    return body


def _route(method: str, path: str) -> tuple[Callable[..., Any], dict[str, str]] | None:
    allowed = False
    for m, pattern, fn in _COMPILED:
        match = pattern.match(path)
        if match:
            if m == method:
                return fn, {k: unquote(v or "") for k, v in match.groupdict().items()}
            allowed = True
    if allowed:
        raise ApiError(404, "Not Found")
    return None


class Handler(BaseHTTPRequestHandler):
    """One HTTP request against the sandbox."""

    protocol_version = "HTTP/1.1"
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # delayed ACKs cost 40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read ``Sandbox.request_log`` instead."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request_headers = dict(self.headers.items())
        status, headers, data = serve(self.server.sandbox, method, self.path, request_headers, raw)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)


@dataclass(frozen=True)
class _Incoming:
    """One request as it came in, read."""

    method: str
    path: str  # without the query and a trailing slash
    query: dict[str, str]
    body: Any  # the JSON body; None if there is none, or it is not JSON
    token: str | None
    version: str | None  # X-GitHub-Api-Version, which the answer repeats

    @classmethod
    def read(
        cls, method: str, target: str, request_headers: Mapping[str, str], raw: bytes
    ) -> _Incoming:
        """The request of ``method`` on ``target`` (the path with its query)."""
        parts = urlsplit(target)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        named = {k.lower(): v for k, v in request_headers.items()}  # header names ignore case
        return cls(
            method=method,
            path=parts.path.rstrip("/") or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            body=body,
            token=(named.get("authorization") or "").partition(" ")[2].strip() or None,
            version=named.get("x-github-api-version"),
        )


# An answer: status, JSON body, headers, and who asked (None: nobody known).
_Reply = tuple[int, Any, dict[str, str], str | None]


def serve(
    sb: Sandbox, method: str, target: str, request_headers: Mapping[str, str], raw: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Answer one request (``target`` is the path with its query): status, headers, body.

    The one way into the sandbox, whether over loopback HTTP or in-process: both log,
    count and fault requests alike.
    """
    incoming = _Incoming.read(method, target, request_headers, raw)
    with sb.lock:
        status, payload, headers, actor = _answer(sb, incoming)
        sb.request_log_append(
            {
                "method": method,
                "path": incoming.path,
                "query": incoming.query,
                "request_body": incoming.body,
                "status": status,
                "response_body": payload,
                "actor": actor,
                "at": iso(sb.now),
                "api_version": incoming.version,
            }
        )
        if payload is None:
            data = b""
        elif incoming.path == GRAPHQL_PATH or _holds_encoded(payload):
            data = graphql.dumpb(payload)  # answers that share their timelines' text
        else:
            data = json.dumps(payload).encode()
    if incoming.version:
        headers["X-GitHub-Api-Version"] = incoming.version
    return status, headers, data


def _holds_encoded(payload: Any) -> bool:
    """Whether a REST answer is a list with items whose JSON text is kept (a timeline)."""
    return type(payload) is list and any(type(item) is Encoded for item in payload)


def _answer(sb: Sandbox, incoming: _Incoming) -> _Reply:
    actor = sb.login_for(incoming.token) if incoming.token else None
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if incoming.path == GRAPHQL_PATH and incoming.method == "POST":
        return _answer_graphql(sb, incoming.body, incoming.token, actor, headers)
    if incoming.token and actor is None:
        return 401, error_body(401, "Bad credentials"), headers, None
    limited = (
        _search_limited(sb, actor, headers)
        if incoming.path == SEARCH_PATH
        else _rate_limited(sb, incoming.path, actor, headers)
    )
    if limited is not None:
        return limited
    if incoming.method in WRITE_METHODS and actor is None:
        return 401, error_body(401, "Requires authentication"), headers, None
    fault = sb.faults.draw(incoming.method, incoming.path)
    refused = _refused(sb, fault, headers, actor)
    if refused is not None:
        return refused
    try:
        status, payload = _routed(sb, incoming, actor, headers)
    except ApiError as exc:
        return exc.status, error_body(exc.status, exc.message, exc.errors), headers, actor
    if fault is Fault.ERROR_AFTER:
        return 502, {"message": "Server Error"}, headers, actor
    return status, payload, headers, actor


def _rate_limited(
    sb: Sandbox, path: str, actor: str | None, headers: dict[str, str]
) -> _Reply | None:
    """Count a REST request against the hour's limit (``GET /rate_limit`` is free), and
    add the rate headers; GitHub's 403 if none is left."""
    counted = path != "/rate_limit"
    if counted and sb.rate_limit_remaining <= 0:
        headers.update(sb.rate_headers())
        who = f"user ID {sb.state.user(actor).id}" if actor else "127.0.0.1"
        message = (
            f"API rate limit exceeded for {who}. If you reach out to GitHub Support for "
            "help, please include the request ID 0000:0000:0000000:0000000:00000000."
        )
        return 403, error_body(403, message), headers, actor
    if counted:
        sb.rate_limit_remaining -= 1
    headers.update(sb.rate_headers())
    return None


def _search_limited(sb: Sandbox, actor: str | None, headers: dict[str, str]) -> _Reply | None:
    """Count a search against its own limit, 30 a minute; GitHub's 403 if none is left."""
    taken = sb.search_budget.take(sb.now)
    headers.update(sb.search_headers())
    if taken:
        return None
    who = f"user ID {sb.state.user(actor).id}" if actor else "127.0.0.1"
    return 403, error_body(403, f"API rate limit exceeded for {who}."), headers, actor


def _routed(
    sb: Sandbox, incoming: _Incoming, actor: str | None, headers: dict[str, str]
) -> tuple[int, Any]:
    """The answer of the route's handler, its ``Link`` header added; 404 for a path no
    route serves or another repository."""
    found = _route(incoming.method, incoming.path)
    if found is None:
        raise ApiError(404, "Not Found")
    fn, params = found
    repo = (params.get("owner", sb.owner).lower(), params.get("repo", sb.repo).lower())
    if repo != (sb.owner.lower(), sb.repo.lower()):
        raise ApiError(404, "Not Found")
    request = Request(
        sb, incoming.method, incoming.path, incoming.query, incoming.body, actor, params
    )
    status, payload = fn(request)
    if request.link:
        headers["Link"] = request.link
    return status, payload


def _answer_graphql(
    sb: Sandbox, body: Any, token: str | None, actor: str | None, headers: dict[str, str]
) -> _Reply:
    """GraphQL: the same auth and faults as REST, and a budget of points of its own."""
    if token and actor is None:
        return 401, error_body(401, "Bad credentials"), headers, None
    fault = sb.faults.draw("POST", GRAPHQL_PATH)
    refused = _refused(sb, fault, headers, actor)
    if refused is not None:
        return refused
    status, payload, _ = graphql.answer(sb, body, actor)
    headers.update(sb.graphql_rate_headers())
    if fault is Fault.ERROR_AFTER:  # executed and charged, the answer lost
        return 502, {"message": "Server Error"}, headers, actor
    if fault is Fault.GRAPHQL_PARTIAL and status == 200:
        payload = graphql.partial(payload, sb.faults.pick())
    return status, payload, headers, actor


# The secondary rate limits, REST's and GraphQL's alike: status, message, documentation.
_LIMITED = {
    Fault.SECONDARY_RATE_LIMIT: (403, SECONDARY_MESSAGE, SECONDARY_DOCS),
    Fault.ABUSE_DETECTION: (403, ABUSE_MESSAGE, ABUSE_DOCS),
    Fault.TOO_MANY_REQUESTS: (429, SECONDARY_MESSAGE, SECONDARY_DOCS),
}


def _refused(
    sb: Sandbox, fault: Fault | None, headers: dict[str, str], actor: str | None
) -> _Reply | None:
    """The answer of a fault that refuses the request before it is served, if it is one:
    a server error, or a rate limit with its Retry-After."""
    retry = _retry_after(sb) if fault in RATE_LIMITS else {}
    if fault is Fault.ERROR_BEFORE:
        return 502, {"message": "Server Error"}, headers, actor
    if fault is Fault.GRAPHQL_RATE_LIMITED:  # refused before it ran: nothing charged
        headers.update(sb.graphql_rate_headers())
        refused = {"errors": [{"type": "RATE_LIMITED", "message": SECONDARY_MESSAGE}]}
        return 200, refused, {**headers, **retry}, actor
    if fault in _LIMITED:
        status, message, docs = _LIMITED[fault]
        body = {"message": message, "documentation_url": docs}
        return status, body, {**headers, **retry}, actor
    return None


def _retry_after(sb: Sandbox) -> dict[str, str]:
    """The Retry-After header of a secondary rate limit, if it has one: GitHub may leave it
    out (then clients should wait at least a minute)."""
    seconds = sb.faults.retry_after(sb.retry_after_seconds)
    return {} if seconds is None else {"Retry-After": str(seconds)}


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its sandbox."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.sandbox = sandbox
