"""Service processes: started detached with their output in a log, stopped by pid.

A service must outlive the ``stack up`` command that starts it, so it runs in a
session (process group) of its own, without a parent-death signal, and is
identified later by its pid and its start time (a reused pid is never mistaken
for it). Its lifetime is the state file's: ``up`` records each service as soon as
it is spawned, and ``down`` or the next ``up`` stops it. A service started
``tied`` (by ``stack run``) also gets the kernel's parent-death signal: it dies
with the command that started it, SIGKILL of that command included.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil
from tta_process_support.child_lifetime import dies_with_parent

from tta_tooling.process_tree import stop_tree
from tta_tooling.stack.errors import StackError

LOG_TAIL_LINES = 20
_STOP_GRACE_SECONDS = 10.0
_POLL_SECONDS = 0.05

# Popen handles of the services this process started, kept so that the children
# are reaped here (no zombie, no "still running" warning) when stopped in-process.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def spawn(command: Sequence[str], log: Path, cwd: Path, *, tied: bool = False) -> tuple[int, float]:
    """Start ``command`` detached, stdout and stderr to ``log`` (``tied``: dying with
    this process); returns (pid, start time)."""
    with log.open("wb") as output:
        child = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=sys.platform != "win32",
            # Windows: a group of its own, so a console Ctrl-C does not reach it.
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            preexec_fn=dies_with_parent() if tied else None,  # noqa: PLW1509
        )
    _CHILDREN[child.pid] = child
    try:
        started = psutil.Process(child.pid).create_time()
    except psutil.NoSuchProcess:
        started = 0.0
    return child.pid, started


def this_process() -> tuple[int, float]:
    """(pid, start time) of this process."""
    return os.getpid(), psutil.Process().create_time()


def parent() -> tuple[int, float] | None:
    """(pid, start time) of the process that started this one; None if it is gone."""
    try:
        process = psutil.Process().parent()
        return None if process is None else (process.pid, process.create_time())
    except psutil.NoSuchProcess:
        return None


def is_running(pid: int, started: float) -> bool:
    """Whether the process ``pid`` started at ``started`` still runs (zombies do not)."""
    process = _same_process(pid, started)
    return process is not None and process.status() != psutil.STATUS_ZOMBIE


def stop(pid: int, started: float) -> None:
    """Terminate the process, its group and its descendants, kill what outlives a grace period."""
    process = _same_process(pid, started)
    if process is not None:
        stop_tree(process, _STOP_GRACE_SECONDS)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.poll()


def stop_child(child: subprocess.Popen[bytes]) -> None:
    """:func:`stop` a child this process started, then reap it."""
    if child.poll() is None:
        try:
            started = psutil.Process(child.pid).create_time()
        except psutil.NoSuchProcess:
            pass
        else:
            stop(child.pid, started)
    child.wait()


def wait_healthy(
    name: str, pid: int, started: float, *, probe: Callable[[], bool], log: Path, timeout: float
) -> None:
    """Poll ``probe`` until it passes; StackError with the log tail on exit or timeout."""
    deadline = time.monotonic() + timeout
    while not probe():
        if not is_running(pid, started):
            raise StackError(f"{name} exited before it became healthy; {tail_of(log)}")
        if time.monotonic() > deadline:
            raise StackError(f"{name} did not become healthy within {timeout:g}s; {tail_of(log)}")
        time.sleep(_POLL_SECONDS)


def tail_of(log: Path, lines: int = LOG_TAIL_LINES) -> str:
    """``last N lines of <log>:`` followed by them (or a note that the log is empty)."""
    try:
        with log.open(encoding="utf-8", errors="replace") as handle:
            last = collections.deque(handle, maxlen=lines)
    except OSError:
        last = collections.deque()
    body = "".join(last).rstrip("\n") or "(empty)"
    return f"last {lines} lines of {log}:\n{body}"


def _same_process(pid: int, started: float) -> psutil.Process | None:
    try:
        process = psutil.Process(pid)
        if abs(process.create_time() - started) > 0.01:
            return None
    except psutil.NoSuchProcess:
        return None
    return process
