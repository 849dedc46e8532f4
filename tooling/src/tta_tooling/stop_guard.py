"""A stop signal while ``tta-tooling`` is still starting ends it quietly.

Importing the command families takes a second or more on a loaded machine, the MCP
SDK several. A client that gives up on a server meanwhile sends SIGTERM (Python's
default: death by the signal) or SIGINT (a ``KeyboardInterrupt`` traceback). While
:func:`guard` holds, SIGTERM and SIGHUP raise ``SystemExit(0)``, which ends the
process with status 0 and no traceback through every ``finally`` on the way
(``except Exception`` and asyncio's callback handler let it pass), and Ctrl-C
ends it with 130. Nothing has run yet that a stop could leave half done.

A command that does not handle stops itself gets the previous handlers back
before it runs (:func:`release`), so a stopped gate never exits 0; ``tta-tooling
mcp`` keeps the guard until its event loop listens for signals. The entry point
is :mod:`tta_tooling.startup`; this module imports nothing of the tooling, so
any family may use it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType
from typing import Any, NoReturn

__all__ = ["EXIT_AFTER_SIGINT", "exit_after_sigint", "guard", "guarded", "release"]

EXIT_AFTER_SIGINT = 130
_STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_previous: dict[int, Any] = {}


def _exit_quietly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def guard() -> None:
    """From now on SIGTERM and SIGHUP exit 0 (an ignored one stays ignored); called
    again, it reinstalls the quiet handlers and keeps the first handlers it replaced."""
    for signum in _STOPS:
        current = signal.getsignal(signum)
        _previous.setdefault(signum, current)
        if current is not signal.SIG_IGN:
            signal.signal(signum, _exit_quietly)


def release() -> None:
    """The handlers :func:`guard` replaced, back in place."""
    while _previous:
        signum, previous = _previous.popitem()
        signal.signal(signum, previous)


def guarded() -> bool:
    """Whether :func:`guard` holds."""
    return bool(_previous)


def exit_after_sigint() -> NoReturn:
    """End the process with 130 now, its output flushed, once its cleanup has run.

    Returning 130 is not enough: now and then, under load, CPython ended a process whose
    Ctrl-C had been caught by SIGINT after main returned (exit status -2 instead of 130).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(EXIT_AFTER_SIGINT)
