"""Start the application under test, wait until it answers, and always tear it down.

The app leads a process group of its own, ended whole on every clean exit; on Linux
it also dies with this process (SIGKILL included), and what it started is swept
by the next run (:mod:`keploy_framework.child_lifetime`).
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from keploy_framework.child_lifetime import (
    OWNERS_VARIABLE,
    children_directory,
    dies_with_parent,
    owned_children,
)
from keploy_framework.config import AppEnvironment
from keploy_framework.errors import AppError

__all__ = ["AppError", "free_port", "running_app", "wait_healthy"]

LOOPBACK = "127.0.0.1"


def wait_healthy(
    base_url: str,
    health_path: str,
    timeout: float,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Poll ``base_url + health_path`` until it answers below 500 or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise AppError(
                    f"the app exited with code {process.returncode} before it was healthy"
                )
            try:
                response = client.get(base_url.rstrip("/") + health_path)
            except httpx.HTTPError as error:
                last = type(error).__name__
            else:
                if response.status_code < 500:
                    return
                last = f"status {response.status_code}"
            time.sleep(0.05)
    raise AppError(f"{base_url}{health_path} not healthy after {timeout:g}s ({last})")


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the app's process group (POSIX) or the app (Windows has no process groups)."""
    if process.poll() is not None:
        return
    if not hasattr(os, "killpg"):
        process.terminate()
        process.wait()
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


@contextmanager
def running_app(
    command: str,
    base_url: str,
    health_path: str,
    timeout: float,
    environment: AppEnvironment,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in its own process group until the block ends, however it ends.

    The app starts from this process's environment as ``environment`` says; the
    owner token (:mod:`keploy_framework.child_lifetime`) is always kept.
    """
    with owned_children(children_directory()):
        env = {**environment.apply(os.environ), OWNERS_VARIABLE: os.environ[OWNERS_VARIABLE]}
        # The hook only calls prctl (bound before the fork), getppid and _exit: nothing
        # that a lock held by another thread at fork time (the case feeder's) could block.
        process = subprocess.Popen(
            shlex.split(command),
            env=env,
            start_new_session=True,
            preexec_fn=dies_with_parent(),  # noqa: PLW1509
        )
        try:
            wait_healthy(base_url, health_path, timeout, process)
            yield process
        finally:
            _stop(process)
