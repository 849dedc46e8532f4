"""The recorder's HTTP client to the app: keep-alive where a lost request can be resent.

An app may close an idle keep-alive connection at the moment the proxy sends a
request on it; the request then fails before any response byte, although the app
is healthy. Reverse proxies resend in exactly that case and no other. Go's
``net/http`` Transport (``src/net/http/transport.go``,
``(*persistConn).shouldRetryRequest``) retries on a new connection only when the
failed connection was reused, and only a replayable request
(``src/net/http/request.go``, ``(*Request).isReplayable``: GET, HEAD, OPTIONS,
TRACE, or any method carrying ``Idempotency-Key`` / ``X-Idempotency-Key``) when
the failure was the server closing the idle connection (``errServerClosedIdle``)
or a read error before the first response byte (``transportReadFromServerError``).
A failure on a fresh connection is never retried: "there's no reason the server
should've hung up on us", and retrying could loop.

Here the rule is the same, with one addition so that no request is lost to that
race: a request that is *not* replayable (a POST, say) is sent on a fresh
connection, where the race cannot happen, instead of being sent on a pooled one
and answered 502. A replayable request goes on the pool and, if the reused
connection was closed before any answer, is sent once more on a fresh connection.
aiohttp's own resend of idempotent methods (``ClientSession._request``; it may pick
another pooled connection, and ignores whether the first was reused) is switched
off, as aiohttp's ``test_utils.TestClient`` does, so this rule is the only one.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
import yarl

__all__ = [
    "UpstreamAnswer",
    "UpstreamClient",
    "UpstreamRequest",
    "closed_before_answer",
    "replayable",
]

_REPLAYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_IDEMPOTENCY_KEYS = frozenset({"idempotency-key", "x-idempotency-key"})
_CONNECTION_CLOSED = frozenset({errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED})


def replayable(method: str, headers: Sequence[tuple[str, str]]) -> bool:
    """Go's ``isReplayable``: the proxy holds the whole body, so any body can be resent."""
    if method.upper() in _REPLAYABLE_METHODS:
        return True
    return any(name.lower() in _IDEMPOTENCY_KEYS for name, _ in headers)


def closed_before_answer(error: BaseException) -> bool:
    """The app closed or reset the connection before sending any byte of an answer."""
    if isinstance(error, aiohttp.ClientConnectorError):
        return False  # no connection at all: the app is down, not a closed idle connection
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return isinstance(error.message, str)  # a RawResponseMessage: part of an answer came
    return isinstance(error, aiohttp.ClientOSError) and error.errno in _CONNECTION_CLOSED


@dataclass(frozen=True)
class UpstreamRequest:
    """One request for the app; the body is held whole, so it can be sent again."""

    method: str
    url: yarl.URL
    headers: list[tuple[str, str]]
    body: bytes
    skip_auto_headers: frozenset[str]


@dataclass(frozen=True)
class UpstreamAnswer:
    """The app's status, headers (raw order and case) and body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class _Attempt:
    """Filled in by aiohttp's tracing: whether the connection came from the pool."""

    reused = False


async def _mark_reused(
    session: aiohttp.ClientSession,
    context: SimpleNamespace,
    params: aiohttp.TraceConnectionReuseconnParams,
) -> None:
    attempt = context.trace_request_ctx
    if isinstance(attempt, _Attempt):
        attempt.reused = True


class UpstreamClient:
    """Sends the proxy's requests to the app by the rule in this module's docstring."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.resent = 0  # requests resent after the app closed a reused connection
        self._pooled: aiohttp.ClientSession | None = None
        self._fresh: aiohttp.ClientSession | None = None

    def _session(self, *, pooled: bool) -> aiohttp.ClientSession:
        session = self._pooled if pooled else self._fresh
        if session is None:
            tracing = aiohttp.TraceConfig()
            tracing.on_connection_reuseconn.append(_mark_reused)
            session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(limit=256, force_close=not pooled),
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                trace_configs=[tracing],
            )
            session._retry_connection = False  # this module decides what is resent
            if pooled:
                self._pooled = session
            else:
                self._fresh = session
        return session

    async def send(self, request: UpstreamRequest) -> UpstreamAnswer:
        """The app's answer; errors that are not the keep-alive race propagate."""
        if not replayable(request.method, request.headers):
            return await self._send(request, pooled=False)
        try:
            return await self._send(request, pooled=True)
        except _NoAnswer as failure:
            if not (failure.attempt.reused and closed_before_answer(failure.error)):
                raise failure.error from None
        self.resent += 1
        return await self._send(request, pooled=False)

    async def _send(self, request: UpstreamRequest, *, pooled: bool) -> UpstreamAnswer:
        attempt = _Attempt()
        try:
            response = await self._session(pooled=pooled).request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body or None,
                allow_redirects=False,
                skip_auto_headers=request.skip_auto_headers,
                trace_request_ctx=attempt,
            )
        except (aiohttp.ClientError, OSError) as error:
            if not pooled:
                raise
            raise _NoAnswer(error, attempt) from error
        async with response:  # an error reading the body is after the answer began: no resend
            return UpstreamAnswer(
                response.status,
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers],
                await response.read(),
            )

    async def aclose(self) -> None:
        """Close both sessions and their connections."""
        for session in (self._pooled, self._fresh):
            if session is not None:
                await session.close()


class _NoAnswer(Exception):
    """A request on the pool failed before its answer; carries whether it was reused."""

    def __init__(self, error: BaseException, attempt: _Attempt) -> None:
        super().__init__(str(error))
        self.error = error
        self.attempt = attempt
