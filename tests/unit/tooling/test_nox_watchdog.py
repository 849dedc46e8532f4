"""The noxfile's watchdog: its token in nox's environment, and the carriers ended once the
pipe it reads closes. nox itself killed with its sessions running is
tests/faults/test_nox_children.py."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from tta_tooling import nox_watchdog

LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_a_parallel_worker_starts_no_watchdog_and_keeps_its_parents_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["nox", "--parallel-worker", "3"])
    environ = {nox_watchdog.TOKENS_VARIABLE: "outer"}
    assert nox_watchdog.start(environ) is None
    assert environ == {nox_watchdog.TOKENS_VARIABLE: "outer"}


@LINUX_ONLY
@pytest.mark.smoke
def test_the_carriers_of_the_token_end_when_the_pipe_closes_and_others_live(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["nox"])
    environ = {"PATH": "/usr/bin:/bin", nox_watchdog.TOKENS_VARIABLE: "outer"}
    watchdog = nox_watchdog.start(environ)
    assert watchdog is not None
    assert watchdog.stdin is not None
    assert environ[nox_watchdog.TOKENS_VARIABLE].split()[0] == "outer"  # nested: appended
    sleep = [sys.executable, "-c", "import time; time.sleep(60)"]
    carrier = subprocess.Popen(sleep, env=environ)
    bystander = subprocess.Popen(sleep, env={"PATH": environ["PATH"]})
    try:
        time.sleep(0.2)
        assert carrier.poll() is None
        watchdog.stdin.close()  # as nox's exit does
        assert carrier.wait(timeout=10) != 0
        assert watchdog.wait(timeout=10) == 0
        assert bystander.poll() is None
    finally:
        for process in (carrier, bystander, watchdog):
            process.kill()
            process.wait()
