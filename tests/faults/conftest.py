"""The fault tier: real commands killed, starved of disk, fed hostile input, put under load.

Every test here is marked ``faults`` (the opt-in ``faults`` session runs this folder;
the tests and integration sessions never collect it). Helpers start the project's CLIs
as processes, as a user would, and read what is left in /proc and on the ports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..unit.keploy_framework.conftest import app_url  # noqa: F401 (a fixture, shared)
from ..unit.tooling.secrets.conftest import secrets_repo  # noqa: F401 (a fixture, shared)

GONE_WITHIN_SECONDS = 5.0


def run_cli(
    module: str,
    *args: str | Path,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    while_running: Callable[[subprocess.Popen[str]], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m <module> <args>`` as a process; ``env`` adds to the environment;
    ``while_running`` is called with the process once started (to send it traffic)."""
    command = [sys.executable, "-m", module, *map(str, args)]
    with subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec,  # noqa: PLW1509 (setrlimit and signal only: no lock taken)
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            if while_running is not None:
                while_running(process)
            stdout, stderr = process.communicate(timeout=120)
        finally:
            process.kill()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def assert_one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, one line on stderr holding every needle, no traceback; returns the line."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert len(lines) == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/faults ``faults``, before ``-m`` selects."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.faults)
