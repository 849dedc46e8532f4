"""A small HTTP server that serves one Prometheus registry at ``/metrics``.

prometheus_client's ``start_http_server`` serves with a 0.5 s poll interval,
which would make every ``shutdown_observability()`` wait up to half a second,
answers every path, and lets a client hold a connection (and a thread) open
forever. This server is wsgiref with a short poll, ``/metrics`` only (404
elsewhere), GET and HEAD, the exposition content type negotiated from
``Accept``, gzip when ``Accept-Encoding`` allows it, one request per
connection, a per-connection timeout and a bound on concurrent connections.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder, gzip_accepted

__all__ = ["METRICS_PATH", "MetricsServer", "MetricsServerError", "render_metrics"]

METRICS_PATH = "/metrics"

_POLL_INTERVAL_SECONDS = 0.1
"""How often the serving thread checks for a stop request (bounds ``stop()``'s wait)."""

CONNECTION_TIMEOUT_SECONDS = 10.0
"""How long a connection may stay silent before the server closes it."""

MAX_CONNECTIONS = 32
"""Connections served at once; more are closed at once (scrapers need one or two)."""


def render_metrics(registry: CollectorRegistry, accept: str | None = None) -> tuple[bytes, str]:
    """The exposition of ``registry`` and its content type, in the format ``accept`` prefers.

    Prometheus text format by default; OpenMetrics when ``accept`` asks for it.
    """
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type


_StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _metrics_app(
    registry: CollectorRegistry,
) -> Callable[[dict[str, Any], _StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: _StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") != METRICS_PATH:
            return _plain(
                start_response, "404 Not Found", f"not found; metrics are at {METRICS_PATH}\n"
            )
        if method not in ("GET", "HEAD"):
            return _plain(
                start_response,
                "405 Method Not Allowed",
                "use GET or HEAD\n",
                [("Allow", "GET, HEAD")],
            )
        body, content_type = render_metrics(registry, environ.get("HTTP_ACCEPT"))
        headers = [("Content-Type", content_type), ("Vary", "Accept, Accept-Encoding")]
        if gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING") or ""):
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [] if method == "HEAD" else [body]

    return app


def _plain(
    start_response: _StartResponse,
    status: str,
    text: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    body = text.encode()
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers + (extra or []))
    return [body]


class MetricsServerError(RuntimeError):
    """The metrics server could not listen on the requested address."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot serve /metrics on {host}:{port}: {reason}")
        self.host = host
        self.port = port


class _QuietHandler(WSGIRequestHandler):
    timeout = CONNECTION_TIMEOUT_SECONDS  # applied to the socket by StreamRequestHandler

    def handle(self) -> None:
        """Serve one request; a silent or vanished client just ends the connection."""
        try:
            super().handle()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Scrapes are frequent; do not log each one."""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = MAX_CONNECTIONS

    def server_activate(self) -> None:
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve in a new thread while a slot is free; otherwise close the connection."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class _ThreadingWSGIServer6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class MetricsServer:
    """Serves ``registry`` on ``http://host:port/metrics`` from a daemon thread.

    ``port=0`` lets the operating system pick a free port; :attr:`port` says which.
    """

    def __init__(self, registry: CollectorRegistry, host: str = "127.0.0.1", port: int = 0):
        self._registry = registry
        self._host = host
        self._requested_port = port
        self._httpd: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on (the requested one until started)."""
        if self._httpd is None:
            return self._requested_port
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The URL of the metrics endpoint."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/metrics"

    @property
    def running(self) -> bool:
        """Whether the server is listening."""
        return self._httpd is not None

    def start(self) -> None:
        """Bind and start serving; raises :class:`MetricsServerError` if the port is taken."""
        if self._httpd is not None:
            return
        try:
            httpd = make_server(
                self._host,
                self._requested_port,
                _metrics_app(self._registry),
                server_class=_ThreadingWSGIServer6 if ":" in self._host else _ThreadingWSGIServer,
                handler_class=_QuietHandler,
            )
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise MetricsServerError(self._host, self._requested_port, reason) from exc
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL_SECONDS},
            name="tta-metrics-server",
            daemon=True,
        )
        thread.start()
        self._httpd, self._thread = httpd, thread

    def stop(self) -> None:
        """Stop serving and release the port; does nothing if not started."""
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
