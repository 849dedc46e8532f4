"""Invoke tasks: thin verbs over nox sessions and the project CLIs (``invoke --list``).

Run them with ``uv run --group tasks invoke <task>``. A task never re-implements
a gate: the gates are the nox sessions of ``noxfile.py``.
"""

from __future__ import annotations

import shlex

from invoke.collection import Collection
from invoke.context import Context
from invoke.tasks import task

__all__ = ["keploy", "namespace", "record_command"]

TEST_DIR = "tests/api"
CONFIG = "tests/keploy-config.yml"


def record_command(*, app_port: int, port: int, duration: int, test_dir: str, config: str) -> str:
    """The keploy_framework ``record`` command line: a proxy on ``port`` before tta-api."""
    if not 0 < app_port < 65536 or not 0 < port < 65536 or app_port == port:
        raise ValueError(f"ports must be two different TCP ports, got {app_port} and {port}")
    if duration < 0:
        raise ValueError(f"duration must be 0 (until Ctrl-C) or positive, got {duration}")
    app_cmd = shlex.join(["uv", "run", "--locked", "python", "-m", "tta_api", f"--port={app_port}"])
    argv = [
        *("uv", "run", "--locked", "python", "-m", "keploy_framework.cli", "record"),
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
    c: Context, scripted: bool = False, port: int = 8000, app_port: int = 8001, duration: int = 0
) -> None:
    """Record API traffic into a new test set of tests/api (Ctrl-C stops and flushes)."""
    if scripted:
        c.run("uvx nox -s api-record")
        return
    command = record_command(
        app_port=app_port, port=port, duration=duration, test_dir=TEST_DIR, config=CONFIG
    )
    c.run(command)


@task
def replay(c: Context) -> None:
    """Replay tests/api against a fresh tta-api; reports in .nox/reports/api (nox -s api)."""
    c.run("uvx nox -s api")


keploy = Collection("keploy", record, replay)
namespace = Collection(keploy)
