"""``--engine``: this package's replayer, or the Keploy binary when installed and usable."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from keploy_framework.errors import EngineUnavailable, InputError
from keploy_framework.storage import latest_run_dir

__all__ = ["EngineUnavailable", "keploy_binary", "resolve_engine", "run_keploy"]


def keploy_binary(path: str | None = None) -> str | None:
    """The ``keploy`` executable on ``PATH`` if it answers ``--version``; else ``None``."""
    found = shutil.which("keploy", path=path)
    if found is None:
        return None
    try:
        probe = subprocess.run([found, "--version"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if probe.returncode == 0 else None


def resolve_engine(choice: str, path: str | None = None) -> tuple[str, str | None]:
    """(``python`` | ``keploy``, binary): ``auto`` prefers a usable binary."""
    if choice == "python":
        return "python", None
    binary = keploy_binary(path)
    if binary is not None:
        return "keploy", binary
    if choice == "keploy":
        raise EngineUnavailable(
            "--engine keploy: no usable 'keploy' binary on PATH (it needs Linux with eBPF "
            "and root, see keploy.io/docs); use --engine python or auto"
        )
    return "python", None


def run_keploy(
    binary: str, *, app_cmd: str, test_dir: Path, delay: float, test_sets: list[str] | None
) -> list[Path]:
    """Run ``keploy test`` on ``test_dir`` and return the report YAMLs it wrote.

    Keploy keeps its files in ``<path>/keploy``; a temporary ``--path`` whose
    ``keploy`` entry links to ``test_dir`` lets it use any test directory.
    """
    reports = test_dir / "reports"
    before = {p.name for p in reports.glob("test-run-*")} if reports.is_dir() else set()
    with tempfile.TemporaryDirectory(prefix="keploy-path-") as temp:
        os.symlink(test_dir.resolve(), Path(temp) / "keploy")
        command = [binary, "test", "-c", app_cmd, "--path", temp, "--delay", str(int(delay))]
        if test_sets:
            command += ["--testsets", ",".join(test_sets)]
        subprocess.run(command, check=False)
    run = latest_run_dir(reports)
    if run.name in before:
        raise InputError(reports, "keploy wrote no new test-run folder")
    return sorted(run.glob("*-report.yaml"))
