"""A stop signal while ``tta-tooling`` is still starting ends it at once, quietly.

Importing the command families takes a second or more on a loaded machine, the MCP
SDK several. A client that gives up on a server meanwhile sends SIGTERM (Python's
default: death by the signal) or SIGINT (a ``KeyboardInterrupt`` traceback; and an
exception raised by a handler is printed and ignored when it lands in a ``__del__``
or a callback, so the process went on starting and then served). While
:func:`guard` holds, SIGTERM and SIGHUP end the process with status 0 and SIGINT
with 130, at once (``os._exit``) and without a word: nothing has run that a stop
could leave half done. No gate can be running (the MCP server only runs one once
its event loop listens for signals); a scratch directory it may have created for
its children is removed by the next server's sweep.

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

__all__ = ["EXIT_AFTER_SIGINT", "exit_after_sigint", "guard", "release"]

EXIT_AFTER_SIGINT = 130
_STOPS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)
_previous: dict[int, Any] = {}


def _exit_now(signum: int, _frame: FrameType | None) -> None:
    _exit(EXIT_AFTER_SIGINT if signum == signal.SIGINT else 0)


def guard() -> None:
    """From now on SIGTERM and SIGHUP exit 0 and SIGINT 130 (an ignored one stays
    ignored); called again, it reinstalls the guard and keeps the first handlers it
    replaced."""
    for signum in _STOPS:
        current = signal.getsignal(signum)
        _previous.setdefault(signum, current)
        if current is not signal.SIG_IGN:
            signal.signal(signum, _exit_now)


def release() -> None:
    """The handlers :func:`guard` replaced, back in place."""
    while _previous:
        signum, previous = _previous.popitem()
        signal.signal(signum, previous)


def exit_after_sigint() -> NoReturn:
    """End the process with 130 now, its output flushed, once its cleanup has run.

    Returning 130 is not enough: now and then, under load, CPython ended a process whose
    Ctrl-C had been caught by SIGINT after main returned (exit status -2 instead of 130).
    """
    _exit(EXIT_AFTER_SIGINT)


def _exit(status: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a flush interrupted mid-write cannot finish
            stream.flush()
    os._exit(status)
