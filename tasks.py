"""Invoke tasks: the service stack and the full local integration cycle.

Thin verbs over ``tta-tooling stack`` and nox; the gates themselves are nox
sessions. ``uv run --group tasks invoke --list`` shows them:

- ``invoke stack.up [--backend auto|compose|native]`` starts Redis and Prometheus
  and prints the ``export REDIS_URL=...`` / ``export PROMETHEUS_URL=...`` lines;
  ``stack.status``, ``stack.logs`` and ``stack.down`` work from any shell after it.
- ``invoke integration`` starts the stack, runs ``nox -s integration`` against it
  and stops the stack, also when the tests fail or the run is interrupted.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
from pathlib import Path
from types import FrameType

import psutil
from invoke.collection import Collection
from invoke.context import Context
from invoke.tasks import task

ROOT = Path(__file__).resolve().parent
_PYTHON = shlex.quote(sys.executable)
STACK = f"{_PYTHON} -m tta_tooling stack"
ROOT_ARG = f"--root {shlex.quote(str(ROOT))}"
NOX = f"{_PYTHON} -m nox --noxfile {shlex.quote(str(ROOT / 'noxfile.py'))}"
INTEGRATION_SESSIONS = ("integration",)
_BACKEND_HELP = "auto (compose, else system binaries, else embedded Redis), compose or native"


def exported(stdout: str) -> dict[str, str]:
    """The ``NAME=value`` pairs of the ``export NAME=value`` lines ``stack up`` prints."""
    pairs = (line.removeprefix("export ").partition("=") for line in stdout.splitlines())
    return {name: value for name, sep, value in pairs if sep and name.isidentifier()}


@task(help={"backend": _BACKEND_HELP})
def up(c: Context, backend: str = "auto") -> None:
    """Start Redis and Prometheus; prints the REDIS_URL and PROMETHEUS_URL to export."""
    c.run(f"{STACK} up {ROOT_ARG} --backend {shlex.quote(backend)}")


@task
def down(c: Context) -> None:
    """Stop the stack and remove its data."""
    c.run(f"{STACK} down {ROOT_ARG}")


@task
def status(c: Context) -> None:
    """Each service's URL and health (fails if one is unhealthy)."""
    c.run(f"{STACK} status {ROOT_ARG}")


@task(help={"service": "redis or prometheus (default: both)", "lines": "lines per service"})
def logs(c: Context, service: str = "", lines: int = 20) -> None:
    """The last lines of each service's log."""
    only = f" --service {shlex.quote(service)}" if service else ""
    c.run(f"{STACK} logs {ROOT_ARG} --lines {int(lines)}{only}")


@task(help={"backend": _BACKEND_HELP})
def integration(c: Context, backend: str = "auto") -> None:
    """Start the stack, run the integration sessions against it, and always stop it."""
    previous = signal.signal(signal.SIGTERM, _interrupt_children)
    try:
        started = c.run(f"{STACK} up {ROOT_ARG} --backend {shlex.quote(backend)}", hide="out")
        assert started is not None
        print(started.stdout, end="")
        c.run(f"{NOX} -s {' '.join(INTEGRATION_SESSIONS)}", env=exported(started.stdout))
    finally:
        c.run(f"{STACK} down {ROOT_ARG}", warn=True)
        signal.signal(signal.SIGTERM, previous)


def _interrupt_children(signum: int, frame: FrameType | None) -> None:
    """On SIGTERM, interrupt the running command as Ctrl-C would and unwind to ``finally``."""
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child.send_signal(signal.SIGINT)
    raise KeyboardInterrupt


stack = Collection("stack", up, down, status, logs)
namespace = Collection(stack, integration)
