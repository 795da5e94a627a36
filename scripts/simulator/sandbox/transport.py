"""In-process transport: PyGithub's requests reach the sandbox without a socket.

Only the last hop changes. PyGithub, ``requests`` and urllib3 (with the product's own
retry rules, ``SafeRetry``) run as they would against GitHub; where urllib3 would write
the request to a socket and parse the answer, the sandbox's :func:`~.server.serve`
answers it directly, so every request is still logged, counted, rate-limited and
faulted like one over HTTP. That takes the loopback round trip, the HTTP parsing on both
ends and the server thread's GIL hand-overs out of every request.

It plugs in through PyGithub's own hook for test doubles,
``Requester.injectConnectionClasses``, and only for the host and port of a sandbox that
asked for it: any other URL gets PyGithub's stock connection. The hook is installed while
at least one in-process sandbox runs, and removed with the last one.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import requests
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
)
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPResponse
from urllib3._collections import HTTPHeaderDict

from .server import serve

if TYPE_CHECKING:
    from .sandbox import Sandbox

_lock = threading.Lock()
_sandboxes: dict[tuple[str, int], Sandbox] = {}
# One session per (client retry policy, sandbox): PyGithub makes a connection object per
# request while the hook is in, and a session per request would cost more than it saves.
_sessions: OrderedDict[tuple[int, int], tuple[Any, requests.Session]] = OrderedDict()
_KEEP_SESSIONS = 16


class _Pool(HTTPConnectionPool):
    """A urllib3 pool whose requests the sandbox answers in this thread."""

    def __init__(self, sandbox: Sandbox, host: str, port: int) -> None:
        super().__init__(host, port)
        self.sandbox = sandbox

    # urllib3's own hook, overridden: urlopen passes each of these by name, so it takes
    # exactly urllib3's parameters, those the sandbox has no use for among them.
    def _make_request(  # noqa: PLR0913
        self,
        conn: Any,
        method: str,
        url: str,
        body: Any = None,
        headers: Any = None,
        retries: Any = None,
        timeout: Any = None,
        chunked: bool = False,
        response_conn: Any = None,
        preload_content: bool = True,
        decode_content: bool = True,
        enforce_content_length: bool = True,
    ) -> HTTPResponse:
        raw = body.encode() if isinstance(body, str) else (body or b"")
        status, answer_headers, data = serve(self.sandbox, method, url, headers or {}, raw)
        answer_headers = {**answer_headers, "Content-Length": str(len(data))}
        return HTTPResponse(
            body=io.BytesIO(data),
            headers=HTTPHeaderDict(answer_headers),
            status=status,
            preload_content=preload_content,
            decode_content=decode_content,
            request_method=method,
            request_url=url,
            retries=retries,
            enforce_content_length=enforce_content_length,
        )


class _Adapter(HTTPAdapter):
    """requests' adapter (its urllib3 retry loop included) over a :class:`_Pool`."""

    def __init__(self, sandbox: Sandbox, host: str, port: int, max_retries: Any) -> None:
        super().__init__(max_retries=max_retries)
        self._pool = _Pool(sandbox, host, port)

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> HTTPConnectionPool:
        return self._pool


def _session(sandbox: Sandbox, host: str, port: int, retry: Any) -> requests.Session:
    key = (id(retry), id(sandbox))
    with _lock:
        found = _sessions.get(key)
        if found is not None and found[0] is retry:
            _sessions.move_to_end(key)
            return found[1]
        session = requests.Session()
        # The sandbox is in this process: no proxy, netrc or CA bundle from the
        # environment applies (and looking them up costs more than the request).
        session.trust_env = False
        session.auth = Requester.noopAuth
        retries = requests.adapters.DEFAULT_RETRIES if retry is None else retry
        session.mount("http://", _Adapter(sandbox, host, port, retries))
        _sessions[key] = (retry, session)  # the retry kept alive, so its id stays its own
        while len(_sessions) > _KEEP_SESSIONS:
            _sessions.popitem(last=False)
        return session


class _HTTPConnection(HTTPRequestsConnectionClass):
    """PyGithub's http connection, in-process for a registered sandbox."""

    def __init__(
        self,
        host: str,
        port: int | None = None,
        strict: bool = False,
        timeout: int | None = None,
        retry: Any = None,
        pool_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        sandbox = _sandboxes.get((host, port or 80))
        self.shared = sandbox is not None
        if sandbox is None:
            super().__init__(host, port, strict, timeout, retry, pool_size, **kwargs)
            return
        self.host, self.port, self.protocol = host, port or 80, "http"
        self.timeout = timeout
        self.verify = kwargs.get("verify", True)
        self.retry = retry
        self.session = _session(sandbox, host, self.port, retry)

    def close(self) -> None:
        if not self.shared:  # a shared session outlives each request's connection object
            super().close()


def register(sandbox: Sandbox, host: str, port: int) -> None:
    """Answer PyGithub's requests to ``http://host:port`` in-process from now on."""
    with _lock:
        if not _sandboxes:
            Requester.injectConnectionClasses(_HTTPConnection, HTTPSRequestsConnectionClass)
        _sandboxes[(host, port)] = sandbox


def unregister(sandbox: Sandbox) -> None:
    """Stop answering for ``sandbox``; with the last one gone, PyGithub is as it was."""
    with _lock:
        for key in [k for k, v in _sandboxes.items() if v is sandbox]:
            del _sandboxes[key]
        for session_key in [k for k in _sessions if k[1] == id(sandbox)]:
            _sessions.pop(session_key)[1].close()
        if not _sandboxes:
            Requester.resetConnectionClasses()
