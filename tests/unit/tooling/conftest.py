"""Fixtures: a temporary copy of the repository's CI configuration to plant defects in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

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


@pytest.fixture
def run_tooling() -> RunTooling:
    """Run ``python -m tta_tooling <args>`` as a user would; returns the finished process."""

    def run(
        *args: str | Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tta_tooling", *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )

    return run
