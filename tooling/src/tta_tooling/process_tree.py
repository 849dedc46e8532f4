"""Stopping a process tree: TERM first, KILL what outlives a grace period.

A tree is a leader, its process group when it leads one (POSIX), and every
descendant seen (a descendant that started a session of its own is still one).
On POSIX the group and each descendant get the signal; Windows has no signals
to send, so each process is terminated, as ``taskkill /T /F`` would. The service
stack (:mod:`tta_tooling.stack.processes`) and the MCP server's gates
(:mod:`tta_tooling.mcp.process_tree`) both stop their processes here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Sequence

import psutil

POSIX = sys.platform != "win32"
KILL_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)


def stop_tree(leader: psutil.Process, grace_seconds: float) -> None:
    """TERM ``leader``'s tree, KILL what outlives ``grace_seconds``.

    Returns once no process of the tree is left running (zombies are not), or
    :data:`KILL_WAIT_SECONDS` after the KILL.
    """
    group = _led_group(leader)
    members = [leader, *descendants(leader.pid)]
    signal_tree(group, members, signal.SIGTERM)
    if _gone(group, members, grace_seconds):
        return
    members += [p for p in descendants(leader.pid) if p not in members]  # started meanwhile
    signal_tree(group, members, SIGKILL)
    _gone(group, members, KILL_WAIT_SECONDS)


def descendants(pid: int) -> list[psutil.Process]:
    """Every process below ``pid`` (none when it is gone)."""
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return []


def signal_tree(group: int | None, members: Sequence[psutil.Process], signum: int) -> None:
    """POSIX: ``signum`` to process group ``group`` (when given) and to each member;
    Windows: each member terminated."""
    if POSIX and group is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signum)
    for member in members:
        with contextlib.suppress(psutil.Error):
            if POSIX:
                member.send_signal(signum)
            else:
                member.kill()


def survivors(group: int | None, members: Sequence[psutil.Process]) -> list[psutil.Process]:
    """Processes of ``group`` (POSIX) or of ``members`` still running (zombies are not)."""
    left = [member for member in members if _running(member)]
    if POSIX and group is not None:
        try:
            os.killpg(group, 0)  # cheap: does the group still have any member, zombies included?
        except (ProcessLookupError, PermissionError):
            return left
        left += [p for p in psutil.process_iter() if _in_group(p, group) and _running(p)]
    return left


def _led_group(leader: psutil.Process) -> int | None:
    """The process group ``leader`` leads (POSIX), never this process's own."""
    if not POSIX:
        return None
    try:
        group = os.getpgid(leader.pid)
    except OSError:
        return None
    return group if group == leader.pid and group != os.getpgrp() else None


def _gone(group: int | None, members: Sequence[psutil.Process], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while survivors(group, members):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def _in_group(process: psutil.Process, group: int) -> bool:
    try:
        return os.getpgid(process.pid) == group
    except OSError:
        return False


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
