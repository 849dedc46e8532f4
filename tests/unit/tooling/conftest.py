"""Fixtures: a temporary copy of the repository's CI configuration to plant defects in,
and ``tta-tooling`` run in-process as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tta_tooling.cli import main

from ...in_process import run_main

REPO_ROOT = Path(__file__).resolve().parents[3]
CI_FILES = ("noxfile.py", "pyproject.toml", "docker-compose.test.yml", ".github", ".vscode")

RunTooling = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def ci_copy(tmp_path: Path) -> Path:
    """A copy of every file the ci-config gate reads."""
    for name in CI_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


def run_in_process(
    *args: str | Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``tta-tooling <args>`` in this process (``tests/in_process.py``)."""
    return run_main(main, "tta-tooling", *args, env=env)


@pytest.fixture
def run_tooling() -> RunTooling:
    """Run ``tta-tooling <args>`` in-process (see :func:`run_in_process`)."""
    return run_in_process
