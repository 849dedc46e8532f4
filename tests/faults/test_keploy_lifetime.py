"""The ``--app-cmd`` app of ``record`` and of ``test`` (replay), and what it starts, die
with their command: on SIGINT, SIGTERM and SIGHUP at once, on SIGKILL the app at once
(parent-death signal) and its child at the next run's sweep. Checked in /proc and by
binding the ports, within 5 s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..common.ports import free_port, listening, wait_port
from ..common.processes import running
from ..common.waits import seconds_until_gone, wait_until
from .conftest import GONE_WITHIN_SECONDS

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG"
)

FAMILY_APP = Path(__file__).with_name("family_app.py")
TEST_SETS = Path(__file__).parents[1] / "api"  # any test sets: the app never gets healthy


class Family:
    """A ``record`` (or ``test``) ``--app-cmd`` run whose app starts a child of its own."""

    def __init__(self, tmp_path: Path, name: str, command: str = "record") -> None:
        self.app_port, self.child_port, self.proxy_port = free_port(), free_port(), free_port()
        pids = tmp_path / f"{name}.pids"
        app = f"{sys.executable} {FAMILY_APP} {self.app_port} {self.child_port} {pids}"
        common = ["--app-cmd", app, "--app-port", str(self.app_port)]
        if command == "record":
            specific = ["--port", str(self.proxy_port), "--test-dir", str(tmp_path / name)]
        else:  # never healthy: `test` waits for the app until it is stopped
            config = tmp_path / "unhealthy.yml"
            config.write_text("config:\n  health_path: /unhealthy\n  timeout: 120\n")
            specific = [
                "--engine=python",
                f"--config={config}",
                f"--test-dir={TEST_SETS}",
                f"--reports-dir={tmp_path / 'reports'}",
            ]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "keploy_framework.cli", command, *common, *specific],
            env={**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")},
            # not pipes: after a SIGKILL the app's child would hold them open
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(self.proxy_port if command == "record" else self.app_port)
        # The app listens a moment before it writes its pids file (family_app.py).
        wait_until(pids.exists, f"{pids} never appeared")
        self.app_pid, self.child_pid = map(int, pids.read_text(encoding="utf-8").split())

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=60)

    def left(self) -> list[str]:
        """What of the family still runs or listens."""
        alive = [f"pid {pid}" for pid in (self.app_pid, self.child_pid) if running(pid)]
        bound = [f"port {p}" for p in (self.app_port, self.child_port) if listening(p)]
        return alive + bound

    def wait_gone(self) -> float:
        return seconds_until_gone(self.left, GONE_WITHIN_SECONDS)


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 0), (signal.SIGTERM, 0), (signal.SIGHUP, 0)]
)
def test_a_stopped_recorder_leaves_no_process_and_no_port(
    tmp_path: Path, signum: int, status: int
) -> None:
    family = Family(tmp_path, "first")
    assert family.stop(signum) == status
    seconds = family.wait_gone()
    print(f"{signal.Signals(signum).name}: app and its child gone after {seconds:.2f} s")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_replay_exits_130_and_leaves_no_process_and_no_port(
    tmp_path: Path, signum: int
) -> None:
    family = Family(tmp_path, "replay", command="test")
    # Ctrl-C's exit: 130, or now and then the interpreter ends itself by SIGINT after
    # main returned 130 (seen under load); a shell reports both as 130.
    assert family.stop(signum) in (130, -signal.SIGINT)
    seconds = family.wait_gone()
    print(f"test, {signal.Signals(signum).name}: app and its child gone after {seconds:.2f} s")


@pytest.mark.parametrize("command", ["record", "test"])
def test_a_sigkilled_run_takes_its_app_along_and_the_next_run_sweeps_the_rest(
    tmp_path: Path, command: str
) -> None:
    family = Family(tmp_path, "first", command)
    family.process.kill()
    family.process.wait(timeout=60)
    started = time.monotonic()
    while running(family.app_pid) or listening(family.app_port):
        assert time.monotonic() - started < GONE_WITHIN_SECONDS, "the app outlived its starter"
        time.sleep(0.05)
    print(f"{command}, SIGKILL: app gone after {time.monotonic() - started:.2f} s (PDEATHSIG)")
    following = Family(tmp_path, "second", command)  # its start sweeps what the first left
    try:
        assert family.left() == [], "the next run did not sweep the killed run's leftovers"
    finally:
        assert following.stop(signal.SIGINT) in (0, 130, -signal.SIGINT)
    following.wait_gone()
