"""Waiting in tests: until a condition holds, a process's output aside, within a time limit."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Sized
from typing import Any

import httpx

__all__ = ["answers", "seconds_until_gone", "wait_until"]


def wait_until(
    condition: Callable[[], object],
    what: str,
    *,
    seconds: float = 30.0,
    interval: float = 0.05,
    process: subprocess.Popen[Any] | None = None,
) -> None:
    """Return once ``condition()`` is true. Fail naming ``what`` after ``seconds``, or at
    once, with its output, if ``process`` (the one that should bring it about) ends first."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            output = process.communicate()[0]
            raise AssertionError(f"{what}: the process exited with {process.returncode}\n{output}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (waited {seconds:g} s)")
        time.sleep(interval)


def seconds_until_gone(left: Callable[[], Sized], within: float) -> float:
    """Seconds until ``left()`` (what still runs or listens) is empty; fails with what is
    left past ``within`` seconds."""
    started = time.monotonic()
    while remaining := left():
        assert time.monotonic() - started < within, remaining
        time.sleep(0.05)
    return time.monotonic() - started


def answers(url: str) -> bool:
    """Whether an HTTP server answers ``url`` at all (any status)."""
    try:
        httpx.get(url, timeout=1.0, trust_env=False)
    except httpx.HTTPError:
        return False
    return True
