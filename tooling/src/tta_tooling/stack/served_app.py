"""tta-api served for ``stack run --with api``: started, awaited on ``/health``, stopped.

It runs under the interpreter of this command (``sys.executable``, the session's
venv under nox), as ``python -m tta_api --port=N``, and dies with this process
(the kernel's parent-death signal): nothing of it outlives ``stack run``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping

from tta_process_support.child_lifetime import dies_with_parent

from tta_tooling.stack import processes
from tta_tooling.stack.errors import StackError
from tta_tooling.stack.health import http_server_answers_health
from tta_tooling.stack.ports import HOST

SERVICE_NAME = "tta-api"
_POLL_SECONDS = 0.1


def url(port: int) -> str:
    """Where tta-api answers on ``port``."""
    return f"http://{HOST}:{port}"


def serve(port: int, env: Mapping[str, str], *, timeout: float) -> subprocess.Popen[bytes]:
    """Start tta-api on ``port`` with ``env``; return once ``/health`` answers.

    StackError (with tta-api stopped) when it exits first or does not answer within
    ``timeout`` seconds.
    """
    app = subprocess.Popen(
        [sys.executable, "-m", "tta_api", f"--port={port}"],
        env={**env, "OTEL_SERVICE_NAME": SERVICE_NAME},
        stdin=subprocess.DEVNULL,
        preexec_fn=dies_with_parent(),  # noqa: PLW1509
    )
    try:
        deadline = time.monotonic() + timeout
        while not http_server_answers_health(port):
            if app.poll() is not None:
                raise StackError(
                    f"{SERVICE_NAME} exited (code {app.returncode}) before it answered "
                    f"{url(port)}/health"
                )
            if time.monotonic() > deadline:
                raise StackError(
                    f"{SERVICE_NAME} did not answer {url(port)}/health within {timeout:g}s"
                )
            time.sleep(_POLL_SECONDS)
    except BaseException:
        stop(app)
        raise
    return app


def stop(app: subprocess.Popen[bytes]) -> None:
    """Terminate tta-api (and anything it started), kill it after a grace period."""
    processes.stop_child(app)
