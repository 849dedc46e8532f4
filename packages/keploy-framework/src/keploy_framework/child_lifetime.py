"""The app under test dies with the command that started it, even when it is SIGKILLed.

On Linux the app asks the kernel for a parent-death signal (``PR_SET_PDEATHSIG``,
prctl(2)): it gets SIGKILL the moment the thread that forked it dies. What the app
itself started carries an owner token in its environment; the clean paths kill
every carrier, and the next :func:`owned_children` kills what a SIGKILLed owner
left (found by token and start time, never by a pid that may have been reused),
as testcontainers' reaper does for containers. Without ``/proc`` (macOS, Windows)
only the clean paths hold (docs/reliability.md).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from keploy_framework.atomic import atomic_write

__all__ = [
    "OWNERS_VARIABLE",
    "children_directory",
    "dies_with_parent",
    "owned_children",
    "signals_interrupt",
    "sweep",
]

OWNERS_VARIABLE = "KEPLOY_FRAMEWORK_OWNERS"
_OWNER_FILE = "owner.json"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PROC = Path("/proc")
_KILL_WAIT_SECONDS = 5.0
_UNFINISHED_SECONDS = 60.0


def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up before any fork (a forked child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    return function


_PRCTL = _prctl()


def dies_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` asking for SIGKILL when the forking thread dies; None without prctl.

    After the request the child checks that its parent is still the one that forked
    it: had the parent died in between, no signal would ever come, so it exits.
    Fork from a thread that lives as long as the child (the main thread).
    """
    prctl = _PRCTL
    if prctl is None:
        return None
    parent = os.getpid()

    def request() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return request


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Meanwhile SIGTERM and SIGHUP raise KeyboardInterrupt, so they take Ctrl-C's path."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    stops = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, interrupt) for signum in stops}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def children_directory() -> Path:
    """Where owners are recorded: ``$XDG_RUNTIME_DIR/keploy-framework`` (private to the
    user, emptied at logout), else ``~/.cache/keploy-framework/children``."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "keploy-framework"
    return Path.home() / ".cache" / "keploy-framework" / "children"


@contextmanager
def owned_children(directory: Path) -> Iterator[None]:
    """Sweep what dead owners left in ``directory``, then own children until the block ends.

    Meanwhile this process's environment carries a token (appended to any outer
    owner's) that every child and grandchild inherits; on exit every carrier is killed.
    """
    sweep(directory)
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    record = directory / token
    record.mkdir(parents=True, mode=0o700)
    owner = {"pid": os.getpid(), "started": _start_time(os.getpid())}
    atomic_write(record / _OWNER_FILE, json.dumps(owner))
    outer = os.environ.get(OWNERS_VARIABLE)
    os.environ[OWNERS_VARIABLE] = f"{outer} {token}" if outer else token
    try:
        yield
    finally:
        if outer is None:
            os.environ.pop(OWNERS_VARIABLE, None)
        else:
            os.environ[OWNERS_VARIABLE] = outer
        _kill_carriers(token)
        shutil.rmtree(record, ignore_errors=True)


def sweep(directory: Path) -> list[int]:
    """Kill the processes of every recorded owner that is gone; returns their pids."""
    killed: list[int] = []
    if not directory.is_dir():
        return killed
    for record in directory.iterdir():
        if record.is_symlink() or not record.is_dir() or _owner_alive(record / _OWNER_FILE):
            continue
        killed += _kill_carriers(record.name)
        shutil.rmtree(record, ignore_errors=True)
    return killed


def _start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (``/proc/<pid>/stat`` field 22)."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return int(fields[19]) if len(fields) > 19 and fields[19].isdigit() else None


def _owner_alive(owner_file: Path) -> bool:
    """Whether the process recorded in ``owner_file`` runs (same pid *and* start time)."""
    try:
        owner = json.loads(owner_file.read_text(encoding="utf-8"))
        started = _start_time(int(owner["pid"]))
        return started is not None and started == owner["started"]
    except FileNotFoundError:
        # mkdir done, owner file not yet written (or never): alive only while fresh
        try:
            return time.time() - owner_file.parent.stat().st_mtime < _UNFINISHED_SECONDS
        except OSError:
            return False
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _carriers(token: str) -> list[int]:
    """Pids whose environment carries ``token`` (this process excluded; others' unreadable)."""
    found = []
    key = f"{OWNERS_VARIABLE}=".encode()
    for entry in _PROC.glob("[0-9]*"):
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for variable in environment:
            if variable.startswith(key) and token.encode() in variable[len(key) :].split():
                found.append(int(entry.name))
    return [pid for pid in found if pid != os.getpid()]


def _kill_carriers(token: str) -> list[int]:
    """SIGKILL every carrier of ``token``; wait (5 s at most) until none runs."""
    carriers = _carriers(token)
    for pid in carriers:
        with suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + _KILL_WAIT_SECONDS
    while any(_running(pid) for pid in carriers) and time.monotonic() < deadline:
        time.sleep(0.02)
    return carriers


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has ended; its parent reaps it)."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] != ["Z"]
