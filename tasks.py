"""Invoke tasks: the service stack, the full local integration cycle and API record/replay.

Thin verbs over ``tta-tooling stack``, the keploy_framework CLI and nox; the
gates themselves are nox sessions. ``uv run --group tasks invoke --list`` shows them:

- ``invoke stack.up [--backend auto|compose|native]`` starts Redis and Prometheus
  and prints the ``export REDIS_URL=...`` / ``export PROMETHEUS_URL=...`` lines;
  ``stack.status``, ``stack.logs`` and ``stack.down`` work from any shell after it.
- ``invoke integration`` runs ``nox -s integration e2e`` under ``tta-tooling stack run``,
  which starts the stack and stops it, also when the tests fail or the run is
  interrupted (``e2e`` brings up a stack of its own, whose Prometheus scrapes the
  tta-api it serves).
- ``invoke keploy.record`` records API traffic through a proxy in front of
  tta-api into a new test set of tests/api (``--scripted`` re-records the whole
  suite: ``nox -s api-record``); ``invoke keploy.replay`` runs ``nox -s api``.
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
from invoke.exceptions import Exit
from invoke.tasks import task

ROOT = Path(__file__).resolve().parent
_PYTHON = shlex.quote(sys.executable)
STACK = f"{_PYTHON} -m tta_tooling stack"
ROOT_ARG = f"--root {shlex.quote(str(ROOT))}"
NOX = f"{_PYTHON} -m nox --noxfile {shlex.quote(str(ROOT / 'noxfile.py'))}"
INTEGRATION_SESSIONS = ("integration", "e2e")
TEST_DIR = "tests/api"
KEPLOY_CONFIG = "tests/keploy-config.yml"
_BACKEND_HELP = "auto (compose, else system binaries, else embedded Redis), compose or native"


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


def whole_number(option: str, value: object, low: int, high: int | None = None) -> int:
    """``value`` as a whole number in ``low..high`` (no upper bound if None), else exit 2.

    Numeric task options are declared as strings: Invoke casts a typed option while
    parsing, before the task runs, and a cast that fails ends in a traceback. A raised
    ``invoke.exceptions.Exit`` is printed by ``Program.run`` as its message alone.
    """
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        raise Exit(f"--{option}: expected a whole number, got {text!r}", code=2) from None
    if number < low or (high is not None and number > high):
        expected = f"{low}-{high}" if high is not None else f">= {low}"
        raise Exit(f"--{option}: expected {expected}, got {number}", code=2)
    return number


@task(help={"service": "redis or prometheus (default: both)", "lines": "lines per service"})
def logs(c: Context, service: str = "", lines: str = "20") -> None:
    """The last lines of each service's log."""
    count = whole_number("lines", lines, 1)
    only = f" --service {shlex.quote(service)}" if service else ""
    c.run(f"{STACK} logs {ROOT_ARG} --lines {count}{only}")


@task(help={"backend": _BACKEND_HELP})
def integration(c: Context, backend: str = "auto") -> None:
    """Run the integration sessions under ``stack run``, which always stops the stack."""
    sessions = f"{NOX} -s {' '.join(INTEGRATION_SESSIONS)}"
    previous = signal.signal(signal.SIGTERM, _interrupt_children)
    try:
        c.run(f"{STACK} run {ROOT_ARG} --backend {shlex.quote(backend)} -- {sessions}")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt_children(signum: int, frame: FrameType | None) -> None:
    """On SIGTERM, interrupt the running command as Ctrl-C would and unwind to ``finally``."""
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child.send_signal(signal.SIGINT)
    raise KeyboardInterrupt


def record_command(*, app_port: int, port: int, duration: int, test_dir: str, config: str) -> str:
    """The keploy_framework ``record`` command line: a proxy on ``port`` before tta-api."""
    if not 0 < app_port < 65536 or not 0 < port < 65536 or app_port == port:
        raise ValueError(f"ports must be two different TCP ports, got {app_port} and {port}")
    if duration < 0:
        raise ValueError(f"duration must be 0 (until Ctrl-C) or positive, got {duration}")
    # This interpreter (the locked workspace's, under `uv run`): no uv needed on PATH.
    app_cmd = shlex.join([sys.executable, "-m", "tta_api", f"--port={app_port}"])
    argv = [
        *(sys.executable, "-m", "keploy_framework.cli", "record"),
        f"--app-cmd={app_cmd}",
        f"--app-port={app_port}",
        f"--port={port}",
        f"--test-dir={test_dir}",
        f"--config={config}",
    ]
    if duration:
        argv.append(f"--duration={duration}")
    return shlex.join(argv)


@task(
    help={
        "scripted": "re-record the whole suite from tests/api/traffic.py (nox -s api-record)",
        "port": "port of the recording proxy to send requests to (8000)",
        "app_port": "port tta-api listens on behind the proxy (8001)",
        "duration": "stop after this many seconds (0: until Ctrl-C)",
    }
)
def record(
    c: Context,
    scripted: bool = False,
    port: str = "8000",
    app_port: str = "8001",
    duration: str = "0",
) -> None:
    """Record API traffic into a new test set of tests/api (Ctrl-C stops and flushes)."""
    if scripted:
        c.run(f"{NOX} -s api-record")
        return
    try:
        command = record_command(
            app_port=whole_number("app-port", app_port, 1, 65535),
            port=whole_number("port", port, 1, 65535),
            duration=whole_number("duration", duration, 0),
            test_dir=TEST_DIR,
            config=KEPLOY_CONFIG,
        )
    except ValueError as error:
        raise Exit(str(error), code=2) from None
    c.run(command)


@task
def replay(c: Context) -> None:
    """Replay tests/api against a fresh tta-api; reports in .nox/reports/api (nox -s api)."""
    c.run(f"{NOX} -s api")


stack = Collection("stack", up, down, status, logs)
keploy = Collection("keploy", record, replay)
namespace = Collection(stack, keploy, integration)
