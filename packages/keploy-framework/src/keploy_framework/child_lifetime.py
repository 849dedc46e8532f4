"""The app under test dies with the command that started it, even when it is SIGKILLed.

The workspace's one lifetime helper (:mod:`tta_process_support.child_lifetime`) bound
to keploy-framework's own token variable and records directory: on Linux the app asks
the kernel for a parent-death signal (``PR_SET_PDEATHSIG``, prctl(2)); what the app
itself started carries an owner token in its environment; the clean paths kill every
carrier, and the next :func:`owned_children` kills what a SIGKILLed owner left (found
by token and start time, never by a pid that may have been reused), as
testcontainers' reaper does for containers. Without ``/proc`` (macOS, Windows) only
the clean paths hold (docs/reliability.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tta_process_support import child_lifetime as shared
from tta_process_support.child_lifetime import dies_with_parent, signals_interrupt

__all__ = [
    "OWNERS_VARIABLE",
    "children_directory",
    "dies_with_parent",
    "owned_children",
    "signals_interrupt",
    "sweep",
]

OWNERS_VARIABLE = "KEPLOY_FRAMEWORK_OWNERS"


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
    with shared.owned_children(directory, OWNERS_VARIABLE):
        yield


def sweep(directory: Path) -> list[int]:
    """Kill the processes of every recorded owner that is gone; returns their pids."""
    return shared.sweep(directory, OWNERS_VARIABLE)
