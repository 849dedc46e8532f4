"""The recording reverse proxy: forward each request to the app, write one case per exchange.

Cases are named in arrival order on the event loop and written by a child process
(:mod:`keploy_framework.case_writer`), each atomically, so a crash or a signal never
leaves a half-written file, a clean stop (Ctrl-C, SIGTERM, ``--duration``) flushes
every recorded case, and YAML output never competes with forwarding for the GIL.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import uvicorn
import yarl

from keploy_framework.app_process import running_app
from keploy_framework.capture import (
    curl_command,
    make_case,
    make_request,
    make_response,
    rfc3339nano,
)
from keploy_framework.case_writer import CaseWriter
from keploy_framework.config import Config
from keploy_framework.headers import canonical_header_key
from keploy_framework.noise import body_noise_from_diff, detect_noise
from keploy_framework.redaction import Redactor
from keploy_framework.storage import new_test_set_dir
from keploy_framework.testcase import HttpResponse, TestCase
from keploy_framework.upstream import UpstreamClient, UpstreamRequest

__all__ = ["RecordSummary", "RecordingProxy", "record"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_NOT_FORWARDED = _HOP_BY_HOP | {"content-length"}  # aiohttp sets it from the body
# Headers aiohttp adds on its own; skipped unless the client sent them, so the app
# sees the request the client made.
_AUTO_HEADERS = frozenset({"accept", "accept-encoding", "user-agent", "content-type"})
_UPSTREAM_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


class RecordingProxy:
    """ASGI app forwarding to ``upstream`` and handing each recorded exchange to a writer."""

    def __init__(
        self,
        upstream: str,
        writer: CaseWriter,
        config: Config,
        *,
        denoise: bool = False,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        # The app's port, as `keploy test` needs it: ResolveTestTarget (pkg/util.go)
        # sends each case to req.url with its port replaced by the case's app_port.
        self.app_port = urlsplit(self.upstream).port or 80
        self.writer = writer
        self.config = config
        self.redactor = Redactor.from_config(config)
        self.denoise = denoise
        self._upstream = UpstreamClient(config.timeout)
        self._pending: set[asyncio.Task[None]] = set()

    async def aclose(self) -> None:
        """Finish pending recordings and close the upstream client."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        await self._upstream.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        target = scope.get("raw_path") or scope["path"].encode()
        path_qs = target.decode("latin-1")
        if scope.get("query_string"):
            path_qs += "?" + scope["query_string"].decode("latin-1")
        method = scope["method"]
        started = rfc3339nano()
        try:
            status, response_headers, response_body = await self._forward(
                method, path_qs, headers, body
            )
        except _UPSTREAM_ERRORS as error:
            # The path only: the query string may hold secrets.
            cause = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            print(
                f"record: 502 for {method} {scope['path']}: the app failed: {cause}",
                file=sys.stderr,
            )
            message_text = f"upstream error: {type(error).__name__}".encode()
            await send({"type": "http.response.start", "status": 502, "headers": []})
            await send({"type": "http.response.body", "body": message_text})
            return
        finished = rfc3339nano()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (k.encode("latin-1"), v.encode("latin-1")) for k, v in response_headers
                ],
            }
        )
        await send({"type": "http.response.body", "body": response_body})
        if not self.config.records(method, scope["path"]):
            return
        host = next((v for k, v in headers if k.lower() == "host"), "localhost")
        hostname = urlsplit(f"http://{host}").hostname or "localhost"
        hostname = f"[{hostname}]" if ":" in hostname else hostname
        request = make_request(
            method,
            f"http://{hostname}:{self.app_port}{path_qs}",
            headers,
            body,
            timestamp=started,
            version=scope["http_version"],
        )
        case = make_case(
            "", request, make_response(status, response_headers, response_body, finished)
        )
        case.spec_extra["app_port"] = self.app_port  # HTTPSchema.AppPort (pkg/models/http.go)
        if self.denoise and method in _IDEMPOTENT:
            task = asyncio.create_task(
                self._denoise_and_submit(case, method, path_qs, headers, body)
            )
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        else:
            self._submit(case)

    async def _forward(
        self, method: str, path_qs: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        forwarded = [(k, v) for k, v in headers if k.lower() not in _NOT_FORWARDED]
        skipped = _AUTO_HEADERS - {k.lower() for k, _ in forwarded}
        answer = await self._upstream.send(
            UpstreamRequest(
                method, yarl.URL(self.upstream + path_qs, encoded=True), forwarded, body, skipped
            )
        )
        status, raw = answer.status, answer.body
        response_headers = [(k, v) for k, v in answer.headers if k.lower() not in _HOP_BY_HOP]
        if method != "HEAD" and "content-length" not in {k.lower() for k, _ in response_headers}:
            response_headers.append(("content-length", str(len(raw))))  # was chunked
        return status, response_headers, raw

    async def _denoise_and_submit(
        self,
        case: TestCase,
        method: str,
        path_qs: str,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        try:
            status, again_headers, again_body = await self._forward(method, path_qs, headers, body)
        except _UPSTREAM_ERRORS:
            self._submit(case)
            return
        again = make_response(status, again_headers, again_body, case.response.timestamp)
        mark_denoised(case, again)
        self._submit(case)

    def _submit(self, case: TestCase) -> None:
        detect_noise(case)
        self.redactor.redact(case)
        case.curl = curl_command(case.request)
        self.writer.submit(case)


def mark_denoised(case: TestCase, again: HttpResponse) -> None:
    """Add the fields that differed between ``case``'s response and ``again`` as noise."""
    first = case.response
    for name, value in first.header.items():
        if again.header.get(name, value) != value:
            case.noise.setdefault(f"header.{canonical_header_key(name)}", [])
    if first.body == again.body or not isinstance(first.body, str):
        return
    # The path only: the query string may hold secrets, and redaction happens later.
    request = f"{case.request.method} {urlsplit(case.request.url).path}"
    try:
        expected = json.loads(first.body)
        actual = json.loads(again.body)
    except ValueError:
        print(f"denoise: {request} body is not JSON; left as recorded", file=sys.stderr)
        return
    paths, refusals = body_noise_from_diff(expected, actual)
    for path in paths:
        case.noise.setdefault(f"body.{path}", [])
    for refusal in refusals:
        where = f"body.{refusal.path}" if refusal.path else "body"
        print(f"denoise: {request}: not noising {where} ({refusal.reason})", file=sys.stderr)


@dataclass(frozen=True)
class RecordSummary:
    """What one recording session wrote."""

    test_set: Path
    written: int
    skipped_duplicates: int


async def _serve(server: uvicorn.Server, proxy: RecordingProxy, duration: float | None) -> None:
    stopper: asyncio.TimerHandle | None = None
    if duration is not None:
        loop = asyncio.get_running_loop()
        stopper = loop.call_later(duration, setattr, server, "should_exit", True)
    try:
        await server.serve()
    finally:
        if stopper is not None:
            stopper.cancel()
        await proxy.aclose()


def record(
    *,
    test_dir: Path,
    port: int,
    app_port: int,
    config: Config,
    app_cmd: str | None = None,
    app_host: str = "127.0.0.1",
    duration: float | None = None,
    denoise: bool = False,
    dedup: bool = False,
) -> RecordSummary:
    """Record until a signal or ``duration``; every recorded case is on disk when this returns."""
    upstream = f"http://{app_host}:{app_port}"
    set_dir = new_test_set_dir(test_dir)
    writer = CaseWriter(set_dir, dedup=dedup)
    proxy = RecordingProxy(upstream, writer, config, denoise=denoise)
    server = uvicorn.Server(
        uvicorn.Config(
            proxy,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            access_log=False,
            log_level="warning",
            server_header=False,
            date_header=False,
        )
    )
    stop_requested = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()
        server.should_exit = True

    # every way to stop flushes alike (Windows has no SIGHUP)
    stops = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, _on_signal) for sig in stops}
    try:
        launcher = (
            running_app(
                app_cmd, upstream, config.health_path, config.timeout, config.app_environment
            )
            if app_cmd
            else nullcontext()
        )
        with launcher:
            if not stop_requested.is_set():
                asyncio.run(_serve(server, proxy, duration))
    finally:
        try:
            writer.close()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if not any((set_dir / "tests").iterdir()):  # nothing recorded: no empty test set
                (set_dir / "tests").rmdir()
                set_dir.rmdir()
    return RecordSummary(set_dir, writer.written, writer.skipped)
