"""tta-tooling's children die with the command that started them, even when it is SIGKILLed.

The workspace's one lifetime helper (:mod:`tta_process_support.child_lifetime`: the
parent-death signal, stops as Ctrl-C, the owner token and the sweep) bound to
tta-tooling's own token variable, ``<root>/.nox/children`` and a process table read
through psutil, which also finds the carriers on macOS and Windows, where there is no
``/proc``. The hooks themselves (``dies_with_parent``, ``exec_dying_with_parent``,
``signals_interrupt``) are imported from the shared module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psutil
from tta_process_support import child_lifetime as shared
from tta_process_support.child_lifetime import dies_with_parent, signals_interrupt

# dies_with_parent and signals_interrupt stay importable here for the modules of perf/.
__all__ = [
    "OWNERS_VARIABLE",
    "PsutilTable",
    "children_directory",
    "dies_with_parent",
    "owned_children",
    "signals_interrupt",
    "sweep",
]

OWNERS_VARIABLE = "TTA_TOOLING_OWNERS"


class PsutilTable:
    """The process table as psutil sees it, on every platform it supports."""

    def start_time(self, pid: int) -> float | None:
        """The process's creation time (seconds since the epoch), None if it is gone."""
        try:
            return psutil.Process(pid).create_time()
        except psutil.Error:
            return None

    def carriers(self, variable: str, token: str) -> list[int]:
        """Pids (this one excluded) whose environment ``variable`` carries ``token``."""
        me = psutil.Process().pid
        return [
            p.pid for p in psutil.process_iter() if p.pid != me and _carries(p, variable, token)
        ]

    def kill(self, pids: Sequence[int], timeout: float) -> None:
        """SIGKILL each pid still running; wait until they are gone (``timeout`` at most)."""
        processes = []
        for pid in pids:
            with contextlib.suppress(psutil.Error):
                process = psutil.Process(pid)
                process.kill()
                processes.append(process)
        psutil.wait_procs(processes, timeout=timeout)


_TABLE = PsutilTable()


def _carries(process: psutil.Process, variable: str, token: str) -> bool:
    try:
        return token in process.environ().get(variable, "").split()
    except psutil.Error:
        return False


def children_directory(root: Path) -> Path:
    """``<root>/.nox/children``: one scratch directory per running owner."""
    return root / ".nox" / "children"


@contextmanager
def owned_children(directory: Path) -> Iterator[Path]:
    """:func:`tta_process_support.child_lifetime.owned_children` for tta-tooling's token."""
    with shared.owned_children(directory, OWNERS_VARIABLE, _TABLE) as scratch:
        yield scratch


def sweep(directory: Path) -> list[int]:
    """:func:`tta_process_support.child_lifetime.sweep` of tta-tooling's dead owners."""
    return shared.sweep(directory, OWNERS_VARIABLE, _TABLE)
