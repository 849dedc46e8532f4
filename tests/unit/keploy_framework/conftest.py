"""Helpers: a sample app on loopback, free ports, the CLI in-process, the recorder as a process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from keploy_framework.cli import main as keploy_main

from ...common.cli_in_process import run_main
from ...common.ports import free_port, wait_port
from ...common.waits import answers, wait_until

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SAMPLE_APP = HERE / "sample_app.py"


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` in a thread of this process; yield its URL, then stop it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_url() -> Iterator[str]:
    """A tiny app answering 200 to everything, served in a thread of this process."""
    yield from serve_in_thread(_Ok)


def app_command(port: int, *, rename: bool = False) -> str:
    prefix = "env SAMPLE_APP_RENAME=1 " if rename else ""
    return f"{prefix}{sys.executable} {SAMPLE_APP} {port}"


def wait_ready(url: str, timeout: float = 20.0) -> None:
    """Wait until ``url`` answers at all (any status)."""
    wait_until(lambda: answers(url), f"{url} never answered", seconds=timeout)


def cli(
    *args: str | int | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``keploy_framework.cli <args>`` run in-process (``tests/common/cli_in_process.py``).

    ``env`` adds to the environment, as it would for a child's.
    """
    environment = None if env is None else {**os.environ, **env}
    return run_main(keploy_main, "keploy_framework.cli", *args, env=environment)


def one_line_error(args: list[str | Path], *needles: str, limit: int | None = None) -> str:
    """Run the CLI with ``args`` (input limit ``limit`` bytes, if given); assert exit 2 with
    one stderr line, no traceback, holding every needle; return that line."""
    result = cli(*args, env=None if limit is None else {"TTA_MAX_INPUT_BYTES": str(limit)})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@dataclass
class Recorder:
    """A recording proxy process in front of the sample app."""

    process: subprocess.Popen[str]
    proxy_url: str
    test_dir: Path

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        self.process.send_signal(sig)
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, err

    def cases(self) -> list[Path]:
        return sorted(self.test_dir.glob("test-set-*/tests/*"))


@pytest.fixture
def start_recorder(tmp_path: Path) -> Iterator[Callable[..., Recorder]]:
    """Factory: ``start_recorder(*extra_args)`` runs ``record`` and waits for its proxy."""
    started: list[Recorder] = []

    def start(*extra: str | Path, test_dir: Path | None = None) -> Recorder:
        app_port, proxy_port = free_port(), free_port()
        directory = test_dir or tmp_path / "keploy"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "keploy_framework.cli",
                "record",
                "--app-cmd",
                app_command(app_port),
                "--app-port",
                str(app_port),
                "--port",
                str(proxy_port),
                "--test-dir",
                str(directory),
                *map(str, extra),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        recorder = Recorder(process, f"http://127.0.0.1:{proxy_port}", directory)
        started.append(recorder)
        wait_port(proxy_port)
        return recorder

    yield start
    for recorder in started:
        if recorder.process.poll() is None:
            recorder.process.send_signal(signal.SIGINT)
            try:
                recorder.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(recorder.process.pid, signal.SIGKILL)
                recorder.process.communicate()


@pytest.fixture
def sample_app() -> Iterator[str]:
    """The sample app on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(SAMPLE_APP), str(port)])
    try:
        wait_ready(f"http://127.0.0.1:{port}/health")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
