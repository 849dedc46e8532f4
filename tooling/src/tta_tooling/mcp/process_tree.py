"""A gate's processes: started as a process group of their own, ended as a whole.

On POSIX the gate (nox) leads a new session, so the tools it starts share its
process group; ending it signals that group and every descendant seen (a tool
that started a session of its own is still a descendant): TERM first, KILL
what is left after a grace period. Windows has no signals to send: each process
of the tree is terminated, as ``taskkill /T /F`` would.

On Linux nox also gets SIGINT when the server dies, SIGKILL included
(:func:`~tta_tooling.child_lifetime.exec_dying_with_parent`): nox's Ctrl-C path then
ends the tool it runs. What a SIGKILLed server leaves beyond that carries its
owner token and is swept when the next server starts (:mod:`tta_tooling.mcp.server`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import anyio
import psutil
from anyio.abc import Process

from tta_tooling.child_lifetime import exec_dying_with_parent

POSIX = sys.platform != "win32"
KILL_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.05


async def start_process_group(command: Sequence[str], cwd: Path) -> Process:
    """Start ``command`` leading a process group of its own, stdout and stderr on one pipe."""
    return await anyio.open_process(
        exec_dying_with_parent(command, signal.SIGINT),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=POSIX,
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    )


async def end_process_group(process: Process, grace_seconds: float) -> None:
    """TERM the group and its descendants, KILL what outlives ``grace_seconds``.

    Returns once the leader is reaped and no process of the group or of the
    descendants seen is left (or :data:`KILL_WAIT_SECONDS` after the KILL).
    Nothing is signalled when the leader has exited and left nothing behind.
    """
    family = _descendants(process.pid)
    if process.returncode is not None and not _survivors(process.pid, family):
        return
    _signal(process, family, signal.SIGTERM)
    if await _ended(process, family, grace_seconds):
        return
    _signal(process, _descendants(process.pid) + family, getattr(signal, "SIGKILL", signal.SIGTERM))
    await _ended(process, family, KILL_WAIT_SECONDS)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return []


def _signal(process: Process, family: list[psutil.Process], signum: int) -> None:
    if POSIX:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)
    elif process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    for member in family:
        with contextlib.suppress(psutil.Error):
            if POSIX:
                member.send_signal(signum)
            else:
                member.kill()


async def _ended(process: Process, family: list[psutil.Process], seconds: float) -> bool:
    with anyio.move_on_after(seconds):
        await process.wait()
        # No event tells when a process group empties: poll it.
        while _survivors(process.pid, family):  # noqa: ASYNC110
            await anyio.sleep(_POLL_SECONDS)
        return True
    return False


def _survivors(pgid: int, family: list[psutil.Process]) -> list[psutil.Process]:
    """Processes of the group or of ``family`` still running (zombies are not)."""
    left = [member for member in family if _running(member)]
    if POSIX:
        try:
            os.killpg(pgid, 0)  # cheap: does the group still have any member, zombies included?
        except (ProcessLookupError, PermissionError):
            return left
        left += [p for p in psutil.process_iter() if _in_group(p, pgid) and _running(p)]
    return left


def _in_group(process: psutil.Process, pgid: int) -> bool:
    try:
        return os.getpgid(process.pid) == pgid
    except OSError:
        return False


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
