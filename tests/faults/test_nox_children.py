"""The noxfile's own children die with nox, SIGKILL included.

``nox -s api`` runs the gate (``keploy-framework gate``), which serves tta-api and replays
the suite against it. nox is SIGKILLed once tta-api serves: everything it had started is
gone within 5 s, and tta-api's port is free; so after SIGTERM and SIGINT (Ctrl-C's path). Both
ways nox runs a session: in a parallel worker (the noxfile's default for a session that
allows it) and in nox itself (``--parallel=1``, as for every session that does not).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from tta_tooling.uv_binary import find_uv

from ..common.ports import listening
from ..common.processes import running
from .conftest import GONE_WITHIN_SECONDS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")

REPO = Path(__file__).parents[2]
SESSION_START_SECONDS = 600  # a fresh session venv (uv sync from the cache) on a loaded machine


@pytest.fixture(scope="module")
def envdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One place for the api session's venv: the second run reuses the first's."""
    return tmp_path_factory.mktemp("nox-envs")


def _app(nox: subprocess.Popen[bytes]) -> tuple[psutil.Process, list[psutil.Process]]:
    """tta-api once nox's session serves it, and every process nox had started by then."""
    deadline = time.monotonic() + SESSION_START_SECONDS
    while nox.poll() is None and time.monotonic() < deadline:
        family = psutil.Process(nox.pid).children(recursive=True)
        for process in family:
            try:
                command = process.cmdline()
            except psutil.Error:
                continue
            if command[1:3] == ["-m", "tta_api"] and process.net_connections("tcp"):
                return process, family
        time.sleep(0.1)
    raise AssertionError(f"no tta-api under nox (exit code {nox.poll()})")


def _port(app: psutil.Process) -> int:
    return int(next(c.laddr.port for c in app.net_connections("tcp") if c.status == "LISTEN"))


def _holders(port: int) -> list[str]:
    return [
        " ".join(psutil.Process(c.pid).cmdline()[:4]) if c.pid else "?"
        for c in psutil.net_connections("tcp")
        if c.laddr and c.laddr.port == port and c.status == "LISTEN"
    ]


def _left(family: list[psutil.Process]) -> list[str]:
    left = []
    for process in family:
        with contextlib.suppress(psutil.Error):
            if running(process.pid):
                left.append(" ".join(process.cmdline()[:4]))
    return left


@pytest.mark.parametrize(
    "signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"]
)
@pytest.mark.parametrize("mode", [[], ["--parallel=1"]], ids=["parallel-worker", "in-nox"])
def test_a_stopped_nox_takes_the_api_sessions_gate_and_app_along(
    tmp_path: Path, envdir: Path, mode: list[str], signum: int
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["PATH"] = f"{Path(find_uv(REPO)).parent}{os.pathsep}{env['PATH']}"  # nox's install
    log, reports = tmp_path / "nox.log", tmp_path / "reports"
    nox_args = ["--noxfile", str(REPO / "noxfile.py"), "--envdir", str(envdir), *mode]
    with log.open("wb") as output:
        nox = subprocess.Popen(
            [sys.executable, "-m", "nox", *nox_args, "-s", "api", "--", f"--reports-dir={reports}"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    family: list[psutil.Process] = []
    try:
        try:
            app, family = _app(nox)
        except AssertionError:
            raise AssertionError(log.read_text(encoding="utf-8")[-3000:]) from None
        port = _port(app)
        started = time.monotonic()
        nox.send_signal(signum)
        nox.wait(timeout=GONE_WITHIN_SECONDS)
        while left := _left(family):
            assert time.monotonic() - started < GONE_WITHIN_SECONDS, f"outlived nox: {left}"
            time.sleep(0.05)
        while listening(port):  # the kernel frees a dead listener's port a moment later
            holders = _holders(port)
            assert time.monotonic() - started < GONE_WITHIN_SECONDS, f"port {port}: {holders}"
            time.sleep(0.05)
        seconds = time.monotonic() - started
        name = signal.Signals(signum).name
        print(f"{name}: nox's {len(family)} processes gone {seconds:.2f} s after the signal")
    finally:  # what a failing run left
        for process in [psutil.Process(nox.pid), *family] if nox.poll() is None else family:
            with contextlib.suppress(psutil.Error):
                process.kill()
        nox.wait()
