"""What tests do with a process they started or watch: whether it runs, stopping it."""

from __future__ import annotations

import signal
import subprocess
from typing import Any

import psutil

__all__ = ["running", "stop_process"]


def running(pid: int) -> bool:
    """Whether ``pid`` runs, on every OS (a zombie has ended; its parent reaps it)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def stop_process(
    process: subprocess.Popen[Any], signum: int = signal.SIGTERM, timeout: float = 30.0
) -> int:
    """Send ``signum`` to ``process`` if it runs and reap it (SIGKILL after ``timeout``
    seconds); its exit status."""
    if process.poll() is None:
        process.send_signal(signum)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
