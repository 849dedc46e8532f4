"""A gate's processes: started as a process group of their own, ended as a whole.

On POSIX the gate (nox) leads a new session, so the tools it starts share its
process group; ending it signals that group and every descendant seen, TERM
first, KILL what is left after a grace period (:mod:`tta_tooling.process_tree`,
awaited here without blocking the server). Windows has no signals to send: the
leader and each descendant are terminated, as ``taskkill /T /F`` would.

On Linux nox also gets SIGINT when the server dies, SIGKILL included
(:func:`~tta_process_support.child_lifetime.exec_dying_with_parent`): nox's Ctrl-C path then
ends the tool it runs. What a SIGKILLed server leaves beyond that carries its
owner token and is swept when the next server starts (:mod:`tta_tooling.mcp.server`).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

import anyio
import psutil
from anyio.abc import Process
from tta_process_support.child_lifetime import exec_dying_with_parent

from tta_tooling import process_tree


async def start_process_group(command: Sequence[str], cwd: Path) -> Process:
    """Start ``command`` leading a process group of its own, stdout and stderr on one pipe."""
    return await anyio.open_process(
        exec_dying_with_parent(command, signal.SIGINT),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=process_tree.POSIX,
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    )


async def end_process_group(process: Process, grace_seconds: float) -> None:
    """TERM the group and its descendants, KILL what outlives ``grace_seconds``.

    Returns once the leader is reaped and no process of the group or of the
    descendants seen is left (or :data:`~tta_tooling.process_tree.KILL_WAIT_SECONDS`
    after the KILL). Nothing is signalled when the leader has exited and left
    nothing behind.
    """
    family = process_tree.descendants(process.pid)
    if process.returncode is not None and not _survivors(process, family):
        return
    _signal(process, family, signal.SIGTERM)
    if await _ended(process, family, grace_seconds):
        return
    _signal(process, process_tree.descendants(process.pid) + family, process_tree.SIGKILL)
    await _ended(process, family, process_tree.KILL_WAIT_SECONDS)


def _group(process: Process) -> int | None:
    return process.pid if process_tree.POSIX else None


def _signal(process: Process, family: list[psutil.Process], signum: int) -> None:
    """The leader through its group (POSIX) or terminated (Windows), then each descendant."""
    if not process_tree.POSIX and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    process_tree.signal_tree(_group(process), family, signum)


def _survivors(process: Process, family: list[psutil.Process]) -> list[psutil.Process]:
    return process_tree.survivors(_group(process), family)


async def _ended(process: Process, family: list[psutil.Process], seconds: float) -> bool:
    with anyio.move_on_after(seconds):
        await process.wait()
        # No event tells when a process group empties: poll it.
        while _survivors(process, family):  # noqa: ASYNC110
            await anyio.sleep(process_tree.POLL_SECONDS)
        return True
    return False
