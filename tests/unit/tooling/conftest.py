"""Fixtures: a temporary copy of the repository's CI configuration to plant defects in,
``tta-tooling`` run in-process as a user runs it, and one tooling cache for the run.

The tooling caches ``nox --list --json`` by content (``tta_tooling.nox_listing``)
under ``$TTA_TOOLING_CACHE``. Every test of a run, on every xdist worker, shares
one such directory inside the run's temp directory: each distinct noxfile is
listed once per run, and no test reads or writes the user's own cache. Entries
are written by an atomic rename, so workers racing on one key are safe.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from tta_tooling.cli import main

from ...common.cli_in_process import run_main
from ...common.repository_files import copy_files

CI_FILES = ("noxfile.py", "pyproject.toml", "docker-compose.test.yml", ".github", ".vscode")

RunTooling = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session", autouse=True)
def shared_tooling_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``$TTA_TOOLING_CACHE`` for the whole run, shared by the xdist workers."""
    run_root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker's base is <run root>/popen-gw<N>
        run_root = run_root.parent
    cache = run_root / "tta-tooling-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TTA_TOOLING_CACHE", str(cache))
        yield cache


@pytest.fixture
def ci_copy(tmp_path: Path) -> Path:
    """A copy of every file the ci-config gate reads."""
    return copy_files(CI_FILES, tmp_path)


def run_in_process(
    *args: str | Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``tta-tooling <args>`` in this process (``tests/common/cli_in_process.py``)."""
    return run_main(main, "tta-tooling", *args, env=env)


@pytest.fixture
def run_tooling() -> RunTooling:
    """Run ``tta-tooling <args>`` in-process (see :func:`run_in_process`)."""
    return run_in_process
