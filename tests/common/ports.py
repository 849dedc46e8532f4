"""Loopback TCP ports for tests: a free one, one that refuses connections, one already taken,
waiting for a listener, whether anything still listens.

A port found free and then let go can be taken by anything before the test
connects to it: by another xdist worker, or by the test's own server asking the
OS for port 0. A test that needs a connection refused therefore holds the port
with :func:`refused_port`: a socket bound and not listening refuses every
connection (RST) and keeps the port from everyone else.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tta_tooling.stack.ports import HOST, free_port

__all__ = ["HOST", "free_port", "listening", "refused_port", "taken_port", "wait_port"]


@contextmanager
def refused_port() -> Iterator[int]:
    """A port that refuses every connection for as long as the block runs."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        yield int(sock.getsockname()[1])


@contextmanager
def taken_port() -> Iterator[int]:
    """A port something listens on (and never accepts) for as long as the block runs."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 30.0) -> None:
    """Wait until something accepts TCP connections on ``port`` (sends no request)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1.0).close()
        except OSError:
            time.sleep(0.05)
        else:
            return
    raise AssertionError(f"nothing listens on port {port}")


def listening(port: int) -> bool:
    """Whether something still holds ``port``. On POSIX SO_REUSEADDR keeps TIME_WAIT from
    counting; Windows' SO_REUSEADDR would bind over a listener, so it is left off there."""
    with socket.socket() as probe:
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
            probe.listen()
        except OSError:
            return True
    return False
