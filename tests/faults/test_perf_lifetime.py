"""A perf run's pytest, worktree and scratch directory die with it: on SIGTERM and SIGHUP
at once (Ctrl-C's path), on SIGKILL pytest at once (parent-death signal) and the worktree
and scratch at the next run's sweep. The run is the gate's own sequence without the uv
environment: owner, baseline worktree, a suite run that does not end by itself."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tta_tooling.child_lifetime import children_directory

from ..common.processes import running
from ..common.waits import seconds_until_gone, wait_until
from ..unit.tooling.perf.test_baseline_ref import _git, _worktrees
from .conftest import GONE_WITHIN_SECONDS

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc"
)

SLOW_SUITE = """
import os, time
import pytest

@pytest.mark.regression_benchmark
def test_never_ends():
    with open("pytest.pid.tmp", "w") as out:
        out.write(str(os.getpid()))
    os.replace("pytest.pid.tmp", "pytest.pid")
    time.sleep(600)
"""
RUN = """
import sys
from pathlib import Path
from tta_tooling.child_lifetime import children_directory, owned_children, signals_interrupt
from tta_tooling.perf.baseline_ref import baseline_worktree
from tta_tooling.perf.suite import run_suite

root = Path(sys.argv[1])
commit = sys.argv[2]
try:
    with signals_interrupt(), owned_children(children_directory(root)) as scratch, \\
            baseline_worktree(root, commit, scratch):
        run_suite(Path(sys.executable), root, ["test_slow.py"])
except KeyboardInterrupt:
    raise SystemExit(130)
"""


@pytest.fixture
def slow_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "test_slow.py").write_text(SLOW_SUITE, encoding="utf-8")
    (root / ".gitignore").write_text(".nox/\npytest.pid\n", encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "x")
    return root


def _start(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    run = subprocess.Popen(
        [sys.executable, "-c", RUN, str(root), _git(root, "rev-parse", "HEAD")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid_file = root / "pytest.pid"
    wait_until(pid_file.is_file, "the suite never started", seconds=60)
    pytest_pid = int(pid_file.read_text(encoding="utf-8"))
    pid_file.unlink()
    return run, pytest_pid


def _left(root: Path, pytest_pid: int) -> list[str]:
    left = [f"pytest {pytest_pid}"] if running(pytest_pid) else []
    left += [f"scratch {p.name}" for p in children_directory(root).glob("*")]
    return left + _worktrees(root)[1:]


def _wait_gone(root: Path, pytest_pid: int) -> float:
    return seconds_until_gone(lambda: _left(root, pytest_pid), GONE_WITHIN_SECONDS)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopped_run_leaves_no_pytest_worktree_or_scratch(slow_repo: Path, signum: int) -> None:
    run, pytest_pid = _start(slow_repo)
    assert len(_worktrees(slow_repo)) == 2
    run.send_signal(signum)
    assert run.wait(timeout=60) == 130
    seconds = _wait_gone(slow_repo, pytest_pid)
    print(f"{signal.Signals(signum).name}: all gone after {seconds:.2f} s")


def test_a_sigkilled_run_takes_pytest_along_and_the_next_run_sweeps_the_rest(
    slow_repo: Path,
) -> None:
    run, pytest_pid = _start(slow_repo)
    run.kill()
    run.wait()
    started = time.monotonic()
    while running(pytest_pid):
        assert time.monotonic() - started < GONE_WITHIN_SECONDS, "pytest outlived the run"
        time.sleep(0.05)
    assert [p.name for p in children_directory(slow_repo).iterdir()] != []  # left for the sweep
    following, following_pytest = _start(slow_repo)  # sweeps, prunes the dead worktree
    try:
        assert len(_worktrees(slow_repo)) == 2  # only the following run's
        assert len(list(children_directory(slow_repo).iterdir())) == 1
    finally:
        following.send_signal(signal.SIGTERM)
        following.wait(timeout=60)
    _wait_gone(slow_repo, following_pytest)
