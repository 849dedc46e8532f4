"""The secrets scan's file map: same answers in the same order, on every core when it pays."""

from __future__ import annotations

import multiprocessing
import os
import signal
from multiprocessing.synchronize import Barrier as BarrierType

import pytest
from tta_tooling.secrets.workers import map_files


def _pid_of(name: str) -> tuple[str, int]:
    return name, os.getpid()


_both_workers: BarrierType | None = None  # set before the pool forks, so each worker has it
_waited = False  # per process: a forked worker starts with its own copy


def _pid_once_both_work(name: str) -> tuple[str, int]:
    """``_pid_of``, after this worker's first call met the other worker's (or timed out)."""
    global _waited  # noqa: PLW0603 - one flag per worker process
    if not _waited:
        _waited = True
        assert _both_workers is not None
        _both_workers.wait(timeout=60)
    return _pid_of(name)


def _interrupt_handler(name: str) -> tuple[str, object]:
    return name, signal.getsignal(signal.SIGINT)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool of two workers on any machine (this one may have one core)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_a_handful_of_files_is_scanned_in_this_process() -> None:
    files = [f"f{i}" for i in range(10)]
    assert map_files(_pid_of, files) == [(name, os.getpid()) for name in files]


@pytest.mark.smoke
def test_many_files_are_spread_over_worker_processes_in_order(two_cores: None) -> None:
    # Each worker's first call waits for the other's: a pool that used one worker would
    # break the barrier instead of passing by luck of scheduling.
    global _both_workers  # noqa: PLW0603 - the workers inherit it through fork
    _both_workers = multiprocessing.Barrier(2)
    files = [f"f{i}" for i in range(400)]
    answers = map_files(_pid_once_both_work, files)
    assert [name for name, _ in answers] == files
    pids = {pid for _, pid in answers}
    assert os.getpid() not in pids
    assert len(pids) >= 2


@pytest.mark.smoke
def test_workers_leave_ctrl_c_to_the_command(two_cores: None) -> None:
    answers = map_files(_interrupt_handler, [f"f{i}" for i in range(400)])
    assert {handler for _, handler in answers} == {signal.SIG_IGN}
