"""The noxfile of the MCP tests' tiny repository (copied there as ``noxfile.py``).

Its sessions run nothing but Python. Their ``@ci_posargs`` allow-lists are what
``run_gate`` enforces: ``hello`` takes an exit status or ``--loud``, ``touch`` a
lower-case file name, ``bare`` nothing. ``sleepy`` runs until stopped, in a process
tree built to be hard to end: a grandchild that ignores SIGTERM and one in a
session of its own; it writes their pids to ``sleepy.pids``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import nox

SLEEPER = """
import os, signal, subprocess, sys, time
stubborn = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(600)"], stdout=subprocess.PIPE)
stubborn.stdout.readline()  # it ignores SIGTERM from now on
detached = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
    start_new_session=True)
with open("sleepy.pids.tmp", "w") as out:
    out.write(" ".join(map(str, [os.getpid(), stubborn.pid, detached.pid])))
os.replace("sleepy.pids.tmp", "sleepy.pids")
for tick in range(100000):
    print(f"tick {tick}", flush=True)
    time.sleep(0.1)
"""

Session = Callable[[nox.Session], None]


def ci_posargs(*allowed: str) -> Callable[[Session], Session]:
    """The repository's decorator: the posargs a session accepts (read from this file)."""
    return lambda function: function


@nox.session(python=False, tags=["quality"])
@ci_posargs(r"[0-9]", r"--loud")
def hello(session: nox.Session) -> None:
    """Say hello and exit with the status given as the first argument."""
    for number in range(400):
        print(f"line {number}")
    print("args:", session.posargs)
    status = int(session.posargs[0]) if session.posargs else 0
    session.run(sys.executable, "-c", f"raise SystemExit({status})")


@nox.session(python=False)
@ci_posargs(r"[a-z][a-z-]*")
def touch(session: nox.Session) -> None:
    """Create the file named by the arguments."""
    Path(session.posargs[0] if session.posargs else "touched").write_text("ran")


@nox.session(python=False)
def bare(session: nox.Session) -> None:
    """Accept no arguments."""
    Path("ran-bare").write_text(" ".join(session.posargs))


@nox.session(python=False, default=False, tags=["slow"])
@ci_posargs(r"--ticks")
def sleepy(session: nox.Session) -> None:
    """Run until stopped: a child printing ticks, and grandchildren hard to stop."""
    session.run(sys.executable, "-c", SLEEPER)
