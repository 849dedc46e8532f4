"""The audited dependency set, exported from ``uv.lock``: hashed requirements, no workspace.

``uv export --locked`` refuses a lock that no longer matches the project's
pyproject files, so the audit always sees what ``uv sync --locked`` installs:
every group and extra, third-party packages only (the workspace members are not
on PyPI). uv is found as nox finds it (:func:`tta_tooling.uv_binary.find_uv`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.uv_binary import find_uv

__all__ = ["export_locked"]


def export_locked(lock: Path, output: Path) -> None:
    """Write the locked dependency set of ``lock``'s project to ``output``."""
    if not lock.is_file():
        raise InputError(lock, "not found: expected the project's uv.lock")
    project = lock.resolve().parent
    command = [
        find_uv(project),
        "export",
        "--locked",
        "--format=requirements-txt",
        "--no-emit-workspace",
        "--all-groups",
        "--all-extras",
        "--quiet",
        f"--project={project}",
        f"--output-file={output}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(lock, f"`uv export --locked` failed: {_why(done)}")


def _why(done: subprocess.CompletedProcess[str]) -> str:
    """uv's own one-line reason (its ``error:`` line), else its last line of output."""
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
    return (errors or lines or [f"exit status {done.returncode}"])[0 if errors else -1]
