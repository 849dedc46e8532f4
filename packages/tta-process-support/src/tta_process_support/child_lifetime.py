"""Children that die with the command that started them, even when it is SIGKILLed.

Three layers, as testcontainers' reaper and ``docker compose down`` promise for theirs:

- the kernel: on Linux a direct child asks for ``PR_SET_PDEATHSIG``
  (:func:`dies_with_parent`, or the :func:`exec_dying_with_parent` trampoline for
  launchers without ``preexec_fn``), so it gets a signal the moment the thread that
  forked it dies, SIGKILL of the parent included (prctl(2));
- the clean paths: the caller ends the child's process group on pass, fail,
  Ctrl-C, SIGTERM and SIGHUP (:func:`signals_interrupt`), and :func:`owned_children`
  kills whatever still carries its token in the environment (grandchildren that
  left the group too);
- the sweep: :func:`owned_children` first kills what a dead owner left (its
  processes found by their token and the owner by pid *and* start time, never by a
  pid that may have been reused) and removes its scratch directory.

Each command names its own environment variable for the tokens, so one command's
sweep never touches another's children. Processes are looked up in ``/proc``
(:data:`PROC`); a caller with a portable process table passes its own
:class:`ProcessTable`. macOS and Windows have no parent-death signal: there only the
clean paths and the sweep hold (docs/reliability.md).
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Protocol

from tta_process_support.atomic import write_text_atomically

__all__ = [
    "PROC",
    "ProcessTable",
    "ProcfsTable",
    "SignalHandler",
    "dies_with_parent",
    "exec_dying_with_parent",
    "owned_children",
    "signals_handled",
    "signals_interrupt",
    "sweep",
]

_OWNER_FILE = "owner.json"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_KILL_WAIT_SECONDS = 5.0
_UNFINISHED_SECONDS = 60.0
# Start times of one process read twice agree to the clock tick (procfs) or better.
_SAME_START_SECONDS = 0.01


def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up before any fork (a forked child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    return function


_PRCTL = _prctl()


def dies_with_parent(
    signum: int = signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM,
) -> Callable[[], None] | None:
    """A ``preexec_fn`` asking the kernel to send ``signum`` when the forking thread dies.

    After the request the child checks that its parent is still the one that forked
    it: had the parent died in between, no signal would ever come, so it exits.
    None where there is no prctl (pass it to ``preexec_fn`` as is). Fork from a
    thread that lives as long as the child: the signal fires when *that thread* ends.
    """
    prctl = _PRCTL
    if prctl is None:
        return None
    parent = os.getpid()

    def request() -> None:
        prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return request


def exec_dying_with_parent(command: Sequence[str], signum: int) -> list[str]:
    """``command`` behind a trampoline that makes it get ``signum`` when this process
    dies, for launchers without ``preexec_fn`` (anyio): the setting survives ``execve``."""
    if _PRCTL is None:
        return list(command)
    return [sys.executable, "-m", __name__, str(os.getpid()), str(signum), "--", *command]


SignalHandler = Callable[[int, FrameType | None], None] | int


@contextmanager
def signals_handled(handler: SignalHandler, *names: str) -> Iterator[None]:
    """Meanwhile the signals ``names`` (those this platform has) go to ``handler``;
    afterwards their previous handlers are back. Main thread only."""
    signums = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Meanwhile SIGTERM and SIGHUP raise KeyboardInterrupt: every way a command is
    asked to stop takes Ctrl-C's path, with its cleanup. Main thread only."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with signals_handled(interrupt, "SIGTERM", "SIGHUP"):
        yield


class ProcessTable(Protocol):
    """What the sweep asks of the operating system's process table."""

    def start_time(self, pid: int) -> float | None:
        """When ``pid`` started (any fixed clock), or None if it does not run."""

    def carriers(self, variable: str, token: str) -> list[int]:
        """Pids (this process excluded) whose environment ``variable`` holds ``token``."""

    def kill(self, pids: Sequence[int], timeout: float) -> None:
        """SIGKILL ``pids``; return once none runs, or after ``timeout`` seconds."""


class ProcfsTable:
    """The process table read from ``/proc`` (Linux); elsewhere it finds nothing."""

    def __init__(self, root: Path = Path("/proc")) -> None:
        self.root = root

    def start_time(self, pid: int) -> float | None:
        """Clock ticks since boot (``/proc/<pid>/stat`` field 22)."""
        fields = self._stat(pid)
        return float(fields[19]) if len(fields) > 19 and fields[19].isdigit() else None

    def carriers(self, variable: str, token: str) -> list[int]:
        """Pids whose environment carries ``token`` (others' environments are unreadable)."""
        found = []
        key = f"{variable}=".encode()
        for entry in self.root.glob("[0-9]*"):
            try:
                environment = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            for assignment in environment:
                if assignment.startswith(key) and token.encode() in assignment[len(key) :].split():
                    found.append(int(entry.name))
        return [pid for pid in found if pid != os.getpid()]

    def kill(self, pids: Sequence[int], timeout: float) -> None:
        """SIGKILL each pid, then poll until none runs (a zombie has ended)."""
        for pid in pids:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while any(self._stat(pid)[:1] not in ([], ["Z"]) for pid in pids):
            if time.monotonic() >= deadline:
                return
            time.sleep(0.02)

    def _stat(self, pid: int) -> list[str]:
        """The fields of ``/proc/<pid>/stat`` after the command name; [] if it is gone."""
        try:
            stat = (self.root / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            return []
        return stat.rpartition(")")[2].split()


PROC: ProcessTable = ProcfsTable()
"""The default process table."""


@contextmanager
def owned_children(
    directory: Path, variable: str, processes: ProcessTable = PROC
) -> Iterator[Path]:
    """Sweep what dead owners left in ``directory``, then own children until the block
    ends; yields a scratch directory for the block's temporary files.

    Meanwhile this process's environment ``variable`` carries a token (appended to
    any outer owner's), so every child and grandchild started in the block inherits
    it. On exit (any exit) every process carrying it is killed and the scratch
    directory removed; after a SIGKILL the next call in ``directory`` does that.
    """
    sweep(directory, variable, processes)
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    scratch = directory / token
    scratch.mkdir(parents=True, mode=0o700)
    owner = {"pid": os.getpid(), "started": processes.start_time(os.getpid())}
    write_text_atomically(scratch / _OWNER_FILE, json.dumps(owner), mode=0o600)
    outer = os.environ.get(variable)
    os.environ[variable] = f"{outer} {token}" if outer else token
    try:
        yield scratch
    finally:
        if outer is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = outer
        _kill_carriers(variable, token, processes)
        shutil.rmtree(scratch, ignore_errors=True)


def sweep(directory: Path, variable: str, processes: ProcessTable = PROC) -> list[int]:
    """Kill the processes of every owner in ``directory`` that is gone, remove its
    scratch directory; returns the pids killed."""
    killed: list[int] = []
    if not directory.is_dir():
        return killed
    for scratch in directory.iterdir():
        owner_file = scratch / _OWNER_FILE
        if scratch.is_symlink() or not scratch.is_dir() or _owner_alive(owner_file, processes):
            continue
        killed += _kill_carriers(variable, scratch.name, processes)
        shutil.rmtree(scratch, ignore_errors=True)
    return killed


def _owner_alive(owner_file: Path, processes: ProcessTable) -> bool:
    """Whether the process recorded in ``owner_file`` runs (same pid *and* start time)."""
    try:
        owner = json.loads(owner_file.read_text(encoding="utf-8"))
        started = processes.start_time(int(owner["pid"]))
        return started is not None and abs(started - float(owner["started"])) < _SAME_START_SECONDS
    except FileNotFoundError:
        # Being created this instant (mkdir, then the owner file) or never finished:
        # a directory without an owner file is left alone only while it is fresh.
        try:
            return time.time() - owner_file.parent.stat().st_mtime < _UNFINISHED_SECONDS
        except OSError:
            return False
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _kill_carriers(variable: str, token: str, processes: ProcessTable) -> list[int]:
    """SIGKILL every process whose environment carries ``token``; wait until they are gone."""
    carriers = processes.carriers(variable, token)
    processes.kill(carriers, _KILL_WAIT_SECONDS)
    return carriers


def _trampoline(argv: Sequence[str]) -> None:
    """``python -m tta_process_support.child_lifetime PARENT SIGNAL -- COMMAND...``: get
    SIGNAL when PARENT dies, then become COMMAND."""
    parent, signum, _, *command = argv
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    if os.getppid() != int(parent):
        sys.exit(1)
    os.execvp(command[0], command)  # noqa: S606 (the command is an argv list, as given)


if __name__ == "__main__":
    _trampoline(sys.argv[1:])
