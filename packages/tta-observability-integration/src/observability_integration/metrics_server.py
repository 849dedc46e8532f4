"""A small HTTP server that serves one Prometheus registry at ``/metrics``.

prometheus_client's ``start_http_server`` serves with a 0.5 s poll interval,
which would make every ``shutdown_observability()`` wait up to half a second;
this server is the same wsgiref + ``make_wsgi_app`` pair with a short poll.
"""

from __future__ import annotations

import socket
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

__all__ = ["MetricsServer", "MetricsServerError"]

_POLL_INTERVAL_SECONDS = 0.1
"""How often the serving thread checks for a stop request (bounds ``stop()``'s wait)."""


class MetricsServerError(RuntimeError):
    """The metrics server could not listen on the requested address."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot serve /metrics on {host}:{port}: {reason}")
        self.host = host
        self.port = port


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Scrapes are frequent; do not log each one."""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


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
                make_wsgi_app(self._registry),
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
