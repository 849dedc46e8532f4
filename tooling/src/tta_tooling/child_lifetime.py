"""Children that die with the command that started them, even when it is SIGKILLed.

Three layers, as testcontainers' reaper and ``docker compose down`` promise for theirs:

- the kernel: on Linux a direct child asks for ``PR_SET_PDEATHSIG``
  (:func:`dies_with_parent`), so it gets a signal the moment the thread that
  forked it dies, SIGKILL of the parent included (prctl(2));
- the clean paths: the caller ends the child's process group on pass, fail,
  Ctrl-C, SIGTERM and SIGHUP, and :func:`owned_children` kills whatever still
  carries its token in the environment (grandchildren that left the group too);
- the sweep: :func:`owned_children` first kills what a dead owner left (its
  processes found by their token, never by a pid that may have been reused) and
  removes its scratch directory.

macOS and Windows have no parent-death signal: there only the clean paths and
the sweep hold (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import psutil

from tta_tooling.atomic import write_text_atomically

__all__ = [
    "OWNERS_VARIABLE",
    "SignalHandler",
    "children_directory",
    "dies_with_parent",
    "exec_dying_with_parent",
    "owned_children",
    "signals_handled",
    "signals_interrupt",
    "sweep",
]

OWNERS_VARIABLE = "TTA_TOOLING_OWNERS"
_OWNER_FILE = "owner.json"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_KILL_WAIT_SECONDS = 5.0
_UNFINISHED_SECONDS = 60.0


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


def children_directory(root: Path) -> Path:
    """``<root>/.nox/children``: one scratch directory per running owner."""
    return root / ".nox" / "children"


@contextmanager
def owned_children(directory: Path) -> Iterator[Path]:
    """Sweep what dead owners left in ``directory``, then own children until the block
    ends; yields a scratch directory for the block's temporary files.

    Meanwhile this process's environment carries a token (appended to any outer
    owner's), so every child and grandchild started in the block inherits it. On
    exit (any exit) every process carrying it is killed and the scratch directory
    removed; after a SIGKILL the next call in ``directory`` does that.
    """
    sweep(directory)
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    scratch = directory / token
    scratch.mkdir(parents=True, mode=0o700)
    owner = {"pid": os.getpid(), "started": psutil.Process().create_time()}
    write_text_atomically(scratch / _OWNER_FILE, json.dumps(owner), mode=0o600)
    outer = os.environ.get(OWNERS_VARIABLE)
    os.environ[OWNERS_VARIABLE] = f"{outer} {token}" if outer else token
    try:
        yield scratch
    finally:
        if outer is None:
            os.environ.pop(OWNERS_VARIABLE, None)
        else:
            os.environ[OWNERS_VARIABLE] = outer
        _kill_carriers(token)
        shutil.rmtree(scratch, ignore_errors=True)


def sweep(directory: Path) -> list[int]:
    """Kill the processes of every owner in ``directory`` that is gone, remove its
    scratch directory; returns the pids killed."""
    killed: list[int] = []
    if not directory.is_dir():
        return killed
    for scratch in directory.iterdir():
        if scratch.is_symlink() or not scratch.is_dir() or _owner_alive(scratch / _OWNER_FILE):
            continue
        killed += _kill_carriers(scratch.name)
        shutil.rmtree(scratch, ignore_errors=True)
    return killed


def _owner_alive(owner_file: Path) -> bool:
    """Whether the process recorded in ``owner_file`` runs (same pid *and* start time)."""
    try:
        owner = json.loads(owner_file.read_text(encoding="utf-8"))
        return abs(psutil.Process(int(owner["pid"])).create_time() - float(owner["started"])) < 0.01
    except FileNotFoundError:
        # Being created this instant (mkdir, then the owner file) or never finished:
        # a directory without an owner file is left alone only while it is fresh.
        return _fresh(owner_file.parent)
    except (OSError, ValueError, KeyError, TypeError, psutil.Error):
        return False


def _fresh(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < _UNFINISHED_SECONDS
    except OSError:
        return False


def _kill_carriers(token: str) -> list[int]:
    """SIGKILL every process whose environment carries ``token``; wait until they are gone."""
    carriers = [p for p in psutil.process_iter() if _carries(p, token)]
    for process in carriers:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(carriers, timeout=_KILL_WAIT_SECONDS)
    return [process.pid for process in carriers]


def _carries(process: psutil.Process, token: str) -> bool:
    try:
        carried = process.environ().get(OWNERS_VARIABLE, "").split()
    except psutil.Error:
        return False
    return token in carried and process.pid != os.getpid()


def _trampoline(argv: Sequence[str]) -> None:
    """``python -m tta_tooling.child_lifetime PARENT SIGNAL -- COMMAND...``: get SIGNAL
    when PARENT dies, then become COMMAND."""
    parent, signum, _, *command = argv
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    if os.getppid() != int(parent):
        sys.exit(1)
    os.execvp(command[0], command)  # noqa: S606 (the command is an argv list, as given)


if __name__ == "__main__":
    _trampoline(sys.argv[1:])
