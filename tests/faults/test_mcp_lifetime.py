"""The MCP server with real processes: however it is stopped, no process of a running gate
survives (checked by process group and by pid list, within 5 s), the server exits 0 (130
after SIGINT) without a traceback, and a long gate sends progress at the interval asked.

The gate is the tiny repository's ``sleepy`` session (tests/unit/tooling/mcp/tiny_noxfile.py):
it runs until stopped, with a grandchild that ignores SIGTERM and one in a session of its own.
The faults session runs this module on Linux, ``mcp-clients`` on macOS and Windows
(the MCP workflow); tests that need POSIX signals or Linux's /proc and parent-death signal
say so in their marks, and docs/testing.md tables what runs where.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import psutil
import pytest
from mcp import Client
from tta_tooling.mcp.gate_runner import RunLimits, run_gate
from tta_tooling.mcp.server import build_server
from tta_tooling.mcp.tools import ServerSettings

from ..common.processes import running
from ..common.waits import seconds_until_gone

# Stopping by signal is POSIX's (Windows has no SIGTERM to send a process); stdin close,
# cancellation, the time limit and capped answers are tested on every OS (mcp-clients).
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
POSIX = sys.platform != "win32"

TINY_NOXFILE = Path(__file__).parents[1] / "unit" / "tooling" / "mcp" / "tiny_noxfile.py"
GONE_WITHIN_SECONDS = 5.0
PROGRESS_SECONDS = 0.3
KILL_GRACE_SECONDS = 1.0
ANSWER_SECONDS = 60.0


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    shutil.copy2(TINY_NOXFILE, tmp_path / "noxfile.py")
    return tmp_path


class GateTree:
    """The processes of a running ``sleepy`` gate: nox (on POSIX the group leader) and its
    tree."""

    def __init__(self, root: Path) -> None:
        pids_file = root / "sleepy.pids"
        deadline = time.monotonic() + ANSWER_SECONDS
        while not pids_file.is_file():
            assert time.monotonic() < deadline, "the sleepy gate never started"
            time.sleep(0.05)
        self.pids = [int(pid) for pid in pids_file.read_text().split()]
        self.pids.append(psutil.Process(self.pids[0]).ppid())  # nox runs the sleeper
        self.pgid = os.getpgid(self.pids[0]) if POSIX else None

    def survivors(self) -> list[str]:
        """Every process of the gate still running, by pid list and (POSIX) process group."""
        left = {pid for pid in self.pids if running(pid)}
        if self.pgid is not None:
            left |= {p.pid for p in psutil.process_iter() if _in_group(p.pid, self.pgid)}
        return sorted(f"{pid}: {_command(pid)}" for pid in left if running(pid))

    def wait_gone(self) -> float:
        """Seconds until no process of the gate is left; fails past 5 s."""
        return seconds_until_gone(self.survivors, GONE_WITHIN_SECONDS)


def _in_group(pid: int, pgid: int) -> bool:
    try:
        return os.getpgid(pid) == pgid
    except OSError:
        return False


def _command(pid: int) -> str:
    try:
        return " ".join(psutil.Process(pid).cmdline())[:200]
    except psutil.Error:
        return "?"


class ServerProcess:
    """``tta-tooling mcp`` as an editor starts it, spoken to in raw JSON-RPC lines."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tta_tooling",
                "mcp",
                "--root",
                str(root),
                f"--progress-seconds={PROGRESS_SECONDS}",
                f"--kill-grace-seconds={KILL_GRACE_SECONDS}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.messages.put((time.monotonic(), json.loads(line)))

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", **message}).encode() + b"\n")
        self.process.stdin.flush()

    def receive(self) -> tuple[float, dict[str, Any]]:
        return self.messages.get(timeout=ANSWER_SECONDS)

    def initialize(self) -> dict[str, Any]:
        self.send(
            {
                "id": 0,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "lifetime-test", "version": "1"},
                },
            }
        )
        _, answer = self.receive()
        self.send({"method": "notifications/initialized"})
        return answer

    def start_sleepy(self, request_id: int) -> None:
        arguments = {"session": "sleepy", "args": ["--ticks"], "timeout_seconds": 600}
        self.send(
            {
                "id": request_id,
                "method": "tools/call",
                "params": {
                    "name": "run_gate",
                    "arguments": arguments,
                    "_meta": {"progressToken": f"sleepy-{request_id}"},
                },
            }
        )

    def progress_times(self, count: int) -> list[float]:
        """Arrival times of the next ``count`` progress notifications."""
        times: list[float] = []
        while len(times) < count:
            at, message = self.receive()
            if message.get("method") == "notifications/progress":
                times.append(at)
        return times

    def finish(self) -> tuple[int, str]:
        """Wait for the exit; the exit status and what the server wrote to stderr."""
        try:
            status = self.process.wait(timeout=GONE_WITHIN_SECONDS + 5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        assert self.process.stderr is not None
        return status, self.process.stderr.read().decode("utf-8", "replace")

    def close(self) -> None:
        """Kill the server if it still runs, then release its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join(timeout=ANSWER_SECONDS)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def server(tiny_repo: Path) -> Iterator[ServerProcess]:
    started = ServerProcess(tiny_repo)
    yield started
    started.close()


def _assert_quiet(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "Event loop is closed" not in stderr, stderr


@pytest.mark.parametrize("attempt", [1, 2, 3])
@pytest.mark.parametrize(
    ("stop", "exit_status"),
    [
        pytest.param("SIGTERM", 0, marks=POSIX_ONLY),
        pytest.param("SIGHUP", 0, marks=POSIX_ONLY),
        pytest.param("SIGINT", 130, marks=POSIX_ONLY),
        ("stdin closed", 0),
    ],
)
def test_stopping_the_server_ends_the_running_gate(
    server: ServerProcess, tiny_repo: Path, stop: str, exit_status: int, attempt: int
) -> None:
    answer = server.initialize()
    assert answer["result"]["serverInfo"]["name"] == "tta-gates"
    server.start_sleepy(1)
    gate = GateTree(tiny_repo)
    arrivals = server.progress_times(4)
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert max(gaps) < PROGRESS_SECONDS + 1.5, gaps
    if stop == "stdin closed":
        assert server.process.stdin is not None
        server.process.stdin.close()
    else:
        server.process.send_signal(getattr(signal, stop))
    seconds = gate.wait_gone()
    status, stderr = server.finish()
    assert status == exit_status, stderr
    _assert_quiet(stderr)
    print(f"{stop} #{attempt}: gate gone after {seconds:.2f} s")


def test_a_cancelled_call_ends_its_gate_and_the_server_serves_on(
    server: ServerProcess, tiny_repo: Path
) -> None:
    server.initialize()
    for request_id in (1, 2, 3):
        (tiny_repo / "sleepy.pids").unlink(missing_ok=True)
        server.start_sleepy(request_id)
        gate = GateTree(tiny_repo)
        server.send(
            {
                "method": "notifications/cancelled",
                "params": {"requestId": request_id, "reason": "test"},
            }
        )
        seconds = gate.wait_gone()
        print(f"cancel #{request_id}: gate gone after {seconds:.2f} s")
    server.send({"id": 9, "method": "ping"})
    while (answer := server.receive()[1]).get("id") != 9:
        assert answer.get("id") not in (1, 2, 3), f"a cancelled request was answered: {answer}"
    assert server.process.stdin is not None
    server.process.stdin.close()
    status, stderr = server.finish()
    assert status == 0, stderr
    _assert_quiet(stderr)


def test_stdin_closed_after_a_long_call_exits_quietly(server: ServerProcess) -> None:
    server.initialize()
    arguments = {"session": "sleepy", "args": ["--ticks"], "timeout_seconds": 3}
    server.send(
        {"id": 1, "method": "tools/call", "params": {"name": "run_gate", "arguments": arguments}}
    )
    while (answer := server.receive()[1]).get("id") != 1:
        pass
    assert answer["result"]["structuredContent"]["timed_out"] is True
    assert server.process.stdin is not None
    server.process.stdin.close()
    status, stderr = server.finish()
    assert status == 0, stderr
    _assert_quiet(stderr)


async def test_a_run_past_its_limit_ends_the_whole_tree(tiny_repo: Path) -> None:
    limits = RunLimits(timeout_seconds=3, kill_grace_seconds=KILL_GRACE_SECONDS)
    runs = []

    async def run() -> None:
        runs.append(await run_gate(tiny_repo, "sleepy", [], limits))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(run)
        gate = await anyio.to_thread.run_sync(GateTree, tiny_repo)
    assert runs[0].timed_out
    assert gate.survivors() == [], "run_gate returned before its gate had ended"


async def test_a_call_the_sdk_client_cancels_ends_its_gate(tiny_repo: Path) -> None:
    settings = ServerSettings(kill_grace_seconds=KILL_GRACE_SECONDS)
    async with Client(build_server(tiny_repo, settings), mode="legacy") as client:
        with anyio.move_on_after(ANSWER_SECONDS) as waited:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(client.call_tool, "run_gate", {"session": "sleepy"})
                gate = await anyio.to_thread.run_sync(GateTree, tiny_repo)
                tasks.cancel_scope.cancel()  # the client sends notifications/cancelled
        assert not waited.cancelled_caught
        await anyio.to_thread.run_sync(gate.wait_gone)
        listed = await client.call_tool("list_gates", {})
    assert not listed.is_error


@pytest.mark.parametrize(
    "request_body",
    [
        {"method": "m" * 1_000_000},
        {"method": "tools/call", "params": {"name": "t" * 1_000_000, "arguments": {}}},
        {
            "method": "tools/call",
            "params": {"name": "run_gate", "arguments": {"session": "s" * 1_000_000}},
        },
        {
            "method": "tools/call",
            "params": {
                "name": "run_gate",
                "arguments": {"session": "hello", "args": ["a"] * 10**5},
            },
        },
    ],
    ids=["method", "tool-name", "session", "argument-list"],
)
def test_a_megabyte_request_gets_an_answer_under_8_kib(
    server: ServerProcess, request_body: dict[str, Any]
) -> None:
    server.initialize()
    server.send({"id": 7, **request_body})
    while (answer := server.receive()[1]).get("id") != 7:
        pass
    assert len(json.dumps(answer).encode()) < 8 * 1024
    assert "characters in total" in json.dumps(answer)


def _proc_status(pid: int, field: str) -> str:
    """A field of /proc/<pid>/status (Linux), e.g. ``SigCgt`` or ``Threads``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return value.strip()
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _catches(pid: int, signum: int) -> bool:
    return bool(int(_proc_status(pid, "SigCgt"), 16) >> (signum - 1) & 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status")
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2], ids=["attempt-1", "attempt-2", "attempt-3"])
@pytest.mark.parametrize(("stop", "exit_status"), [("SIGTERM", 0), ("SIGINT", 130)])
def test_a_stop_while_the_server_is_still_starting_exits_quietly(
    server: ServerProcess, stop: str, exit_status: int, delay: float
) -> None:
    # The entry point's first act is to catch SIGTERM (tta_tooling.startup): from then on,
    # through the seconds of imports, a stop must end the server quietly. The signal goes
    # while its only thread is the main one: the stdin reader, started once the event loop
    # runs, is not there yet.
    pid = server.process.pid
    deadline = time.monotonic() + ANSWER_SECONDS
    while not _catches(pid, signal.SIGTERM):
        assert time.monotonic() < deadline, "the server never caught SIGTERM"
        time.sleep(0.001)
    time.sleep(delay)
    assert _proc_status(pid, "Threads") == "1", "the server was already serving"
    server.process.send_signal(getattr(signal, stop))
    status, stderr = server.finish()
    assert status == exit_status, stderr
    _assert_quiet(stderr)
    assert "KeyboardInterrupt" not in stderr, stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_sigkilled_server_takes_nox_along_and_the_next_server_sweeps_the_rest(
    tiny_repo: Path,
) -> None:
    first = ServerProcess(tiny_repo)
    try:
        first.initialize()
        first.start_sleepy(1)
        gate = GateTree(tiny_repo)
        first.process.kill()
        started = time.monotonic()
        while running(gate.pids[-1]):  # nox got SIGINT from the kernel and ran its Ctrl-C path
            assert time.monotonic() - started < GONE_WITHIN_SECONDS, gate.survivors()
            time.sleep(0.05)
        print(f"SIGKILL: nox gone after {time.monotonic() - started:.2f} s")
    finally:
        first.close()
    following = ServerProcess(tiny_repo)  # its start sweeps what the first one left
    try:
        following.initialize()
        seconds = gate.wait_gone()
        print(f"SIGKILL: the rest gone {seconds:.2f} s after the next server answered")
    finally:
        following.close()
