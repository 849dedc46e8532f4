"""The recorder under load: an app that closes keep-alive connections costs no 502.

Everything runs in this process over real loopback HTTP: an app server, the
recording proxy served by uvicorn, and a client sending many concurrent requests.
The app drops each connection when a second request arrives on it, without
answering: the keep-alive race a proxy meets when an app closes idle connections,
made certain instead of rare. Cases are collected in memory (the case writer's
child process is tested elsewhere).
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import cast

import aiohttp
import pytest
import uvicorn
from keploy_framework.case_writer import CaseWriter
from keploy_framework.config import Config
from keploy_framework.recorder import RecordingProxy
from keploy_framework.testcase import TestCase
from keploy_framework.upstream import closed_before_answer, replayable

from ...common.ports import refused_port

REQUESTS = 120
CONCURRENCY = 30


@dataclass
class _Collector:
    """Stands in for the case writer: keeps what the proxy submits."""

    cases: list[TestCase] = field(default_factory=list)

    def submit(self, case: TestCase) -> bool:
        self.cases.append(case)
        return True


@dataclass
class _App:
    """A minimal HTTP/1.1 app: answers the first ``answers_per_connection`` requests of a
    connection with keep-alive, then closes it on the next request without answering."""

    answers_per_connection: int
    answered: int = 0
    dropped: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served = 0
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                body = await reader.readexactly(length)
                if served == self.answers_per_connection:
                    self.dropped += 1
                    return
                served += 1
                self.answered += 1
                text = b"ok " + head.split(b" ", 2)[1] + b" " + body
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(text), text))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@asynccontextmanager
async def _serving(app: _App) -> AsyncIterator[int]:
    server = await asyncio.start_server(app.handle, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


@asynccontextmanager
async def _proxy(app_port: int) -> AsyncIterator[tuple[str, RecordingProxy, _Collector]]:
    collector = _Collector()
    proxy = RecordingProxy(
        f"http://127.0.0.1:{app_port}", cast(CaseWriter, collector), Config(timeout=10)
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(proxy, lifespan="off", access_log=False, log_level="warning")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn.Server has no started event
        await asyncio.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", proxy, collector
    finally:
        server.should_exit = True
        await task
        await proxy.aclose()
        sock.close()


async def _drive(base: str, count: int) -> list[int]:
    """``count`` requests, half GET and half POST, ``CONCURRENCY`` at a time."""
    gate = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession(base) as client:

        async def one(index: int) -> int:
            async with gate:
                if index % 2:
                    request = client.post(f"/items/{index}", data=f"body-{index}")
                else:
                    request = client.get(f"/items/{index}")
                async with request as response:
                    assert (await response.text()).startswith(f"ok /items/{index}")
                    return response.status

        return await asyncio.gather(*(one(i) for i in range(count)))


async def test_an_app_closing_keepalive_connections_costs_no_502() -> None:
    app = _App(answers_per_connection=1)
    async with _serving(app) as app_port, _proxy(app_port) as (base, proxy, collector):
        statuses = await _drive(base, REQUESTS)
    assert statuses.count(502) == 0
    assert set(statuses) == {200}
    assert len(collector.cases) == REQUESTS  # cases written == requests proxied
    assert app.answered == REQUESTS  # each request reached the app once
    assert app.dropped > 0  # the race happened...
    assert proxy._upstream.resent == app.dropped  # ...and each dropped request was resent once
    posts = [c for c in collector.cases if c.request.method == "POST"]
    assert {c.request.body for c in posts} == {f"body-{i}" for i in range(1, REQUESTS, 2)}


async def test_an_app_that_keeps_connections_is_never_resent() -> None:
    app = _App(answers_per_connection=10**6)
    async with _serving(app) as app_port, _proxy(app_port) as (base, proxy, collector):
        statuses = await _drive(base, 40)
    assert set(statuses) == {200}
    assert (app.answered, app.dropped, proxy._upstream.resent) == (40, 0, 0)
    assert len(collector.cases) == 40


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_app_that_never_answers_gets_502_with_the_cause_logged(
    method: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _App(answers_per_connection=0)  # drops every request, on fresh connections too
    async with (
        _serving(app) as app_port,
        _proxy(app_port) as (base, proxy, collector),
        aiohttp.ClientSession(base) as client,
    ):
        for _ in range(3):
            async with client.request(method, "/down?sig=CANARY-QUERY-3c5e") as response:
                assert response.status == 502
    assert app.dropped == 3  # a failure on a fresh connection is not retried
    assert proxy._upstream.resent == 0
    assert collector.cases == []
    log = capsys.readouterr().err
    assert (
        log.count(f"record: 502 for {method} /down: the app failed: ServerDisconnectedError") == 3
    )
    assert "CANARY-QUERY-3c5e" not in log


async def test_an_app_that_is_down_gets_502_naming_the_refused_connection(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with refused_port() as closed_port:
        async with (
            _proxy(closed_port) as (base, proxy, _),
            aiohttp.ClientSession(base) as client,
            client.get("/x") as response,
        ):
            assert response.status == 502
    assert "record: 502 for GET /x: the app failed: ClientConnectorError" in capsys.readouterr().err
    assert proxy._upstream.resent == 0


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", [], True),
        ("head", [], True),
        ("OPTIONS", [], True),
        ("TRACE", [], True),
        ("POST", [], False),
        ("PATCH", [("Content-Type", "application/json")], False),
        ("PUT", [], False),
        ("DELETE", [], False),
        ("POST", [("Idempotency-Key", "k1")], True),
        ("PATCH", [("x-idempotency-key", "k2")], True),
    ],
)
def test_replayable_follows_go_is_replayable(
    method: str, headers: list[tuple[str, str]], expected: bool
) -> None:
    assert replayable(method, headers) is expected


_Error = Callable[[], BaseException]


def _connector_error() -> BaseException:
    key = cast(aiohttp.client_reqrep.ConnectionKey, None)
    return aiohttp.ClientConnectorError(key, OSError(errno.ECONNREFUSED, "refused"))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (aiohttp.ServerDisconnectedError, True),
        (lambda: aiohttp.ClientOSError(errno.ECONNRESET, "reset"), True),
        (lambda: aiohttp.ClientOSError(errno.EPIPE, "broken pipe"), True),
        (lambda: aiohttp.ClientOSError(errno.ECONNABORTED, "aborted"), True),
        (lambda: aiohttp.ClientOSError(errno.ETIMEDOUT, "timed out"), False),
        (_connector_error, False),
        (lambda: aiohttp.ClientPayloadError("body cut"), False),
        (TimeoutError, False),
        (lambda: aiohttp.ServerDisconnectedError(cast(str, object())), False),
    ],
)
def test_only_a_connection_closed_before_any_answer_counts(make: _Error, expected: bool) -> None:
    assert closed_before_answer(make()) is expected
