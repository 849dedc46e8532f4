"""Health probes: Redis answers PING, Prometheus answers /-/ready, tta-api answers /health."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

from tta_tooling.stack.ports import HOST


def redis_answers_ping(port: int) -> bool:
    """Whether a Redis server on ``port`` replies ``+PONG`` to ``PING``."""
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def prometheus_is_ready(port: int) -> bool:
    """Whether Prometheus on ``port`` answers ``GET /-/ready`` with 200."""
    url = f"http://{HOST}:{port}/-/ready"
    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:
            return int(response.status) == 200
    except (OSError, urllib.error.URLError):
        return False


def http_server_answers_health(port: int) -> bool:
    """Whether an HTTP server on ``port`` answers ``GET /health`` at all (any status:
    whether its dependencies are healthy is for the tests to judge, not its readiness)."""
    url = f"http://{HOST}:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, urllib.error.URLError):
        return False
