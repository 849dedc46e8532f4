"""Whether a Docker engine answers (``auto`` then uses the compose backend)."""

from __future__ import annotations

import shutil
import subprocess

from tta_process_support.child_lifetime import dies_with_parent

_ENGINE_PROBE_SECONDS = 10


def engine_answers() -> bool:
    """Whether a ``docker`` CLI is on PATH and its engine answers."""
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        probe = subprocess.run(
            [docker, "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            timeout=_ENGINE_PROBE_SECONDS,
            check=False,
            preexec_fn=dies_with_parent(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0
