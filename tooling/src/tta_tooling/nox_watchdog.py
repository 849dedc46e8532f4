"""Every process a nox session starts dies with nox, on a SIGKILL of nox too.

nox ends a session's tools on Ctrl-C and SIGTERM (``nox/popen.py``,
``shutdown_process``; in parallel runs ``nox/_parallel.py``, ``_stop_procs``), but a
SIGKILLed nox leaves them running: ``integration``'s pytest, ``e2e``'s tta-api, ``api``'s
gate and tta-api. As :mod:`tta_tooling.child_lifetime` does for the project's commands,
:func:`start` puts a token in nox's environment, which every child and grandchild
inherits (nested nox runs append theirs), and starts this file as a watchdog: it reads
a pipe that only nox holds, so it wakes when nox exits by any way (SIGTERM, whose
default action ends nox at once, too), then sends SIGTERM to every process whose
environment carries the token, so that each takes its cleanup path (``tta-tooling stack
run`` tears its stack down), as nox's own ``_stop_procs`` terminates before it kills.
What is left after the grace is SIGKILLed, pass after pass until none is left (a
process forking meanwhile is caught next pass). Linux only: it reads ``/proc``.

noxfile.py loads this file by path (nox's environment cannot import ``tta_tooling``),
and the watchdog runs it with ``python -I -S``: it imports nothing but the standard
library.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, MutableMapping

__all__ = ["GRACE_SECONDS", "TOKENS_VARIABLE", "start"]

# Not TTA_ (the api gate unsets those for tta-api, tests/keploy-config.yml) nor NOX_
# (nox reads those).
TOKENS_VARIABLE = "GATE_SESSION_OWNERS"
# Seconds the SIGTERM gives a session's processes before SIGKILL.
GRACE_SECONDS = 3.0
_KILL_PASSES = 20


def start(environ: MutableMapping[str, str]) -> subprocess.Popen[bytes] | None:
    """Mark ``environ`` (nox's) with a new token and start the watchdog that ends its carriers.

    Keep the returned process referenced for as long as nox runs: its stdin pipe is the
    only one, and nox's exit closes it. Returns None for a ``--parallel`` worker (it
    carries the token of the nox that started it) and off Linux.
    """
    if "--parallel-worker" in sys.argv or not sys.platform.startswith("linux"):
        return None
    token = f"{os.getpid()}-{time.time_ns()}"
    watchdog = subprocess.Popen(
        [sys.executable, "-I", "-S", __file__, token, TOKENS_VARIABLE, str(GRACE_SECONDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a terminal's Ctrl-C to nox does not stop it first
    )
    outer = environ.get(TOKENS_VARIABLE)
    environ[TOKENS_VARIABLE] = f"{outer} {token}" if outer else token
    return watchdog


def _carriers(token: bytes, variable: bytes) -> Iterator[int]:
    """Pids of the processes (but this one) whose environment's ``variable`` lists ``token``."""
    prefix = variable + b"="
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                entries = environ.read().split(b"\0")
        except OSError:
            continue
        tokens = [entry[len(prefix) :].split() for entry in entries if entry.startswith(prefix)]
        if tokens and token in tokens[0] and int(pid) != os.getpid():
            yield int(pid)


def _send(token: bytes, variable: bytes, signum: int) -> int:
    """Send ``signum`` to every carrier; how many it reached."""
    sent = 0
    for pid in _carriers(token, variable):
        try:
            os.kill(pid, signum)
            sent += 1
        except OSError:
            pass
    return sent


def _watch(token: bytes, variable: bytes, grace: float) -> None:
    """Wait for nox to close the pipe, then SIGTERM the carriers and SIGKILL what stays."""
    while sys.stdin.buffer.read(4096):
        pass
    if _send(token, variable, signal.SIGTERM):
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(True for _ in _carriers(token, variable)):
            time.sleep(0.05)
    for _ in range(_KILL_PASSES):
        if not _send(token, variable, signal.SIGKILL):
            break


if __name__ == "__main__":
    _watch(sys.argv[1].encode(), sys.argv[2].encode(), float(sys.argv[3]))
