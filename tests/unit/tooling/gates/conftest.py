"""Fixtures of the gates family: a copy of every file check-gates and ci-config read."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT

GATE_FILES = (
    "noxfile.py",
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "docker-compose.test.yml",
    "codecov.yml",
    ".ci",
    ".github",
    ".vscode",
    "tests/integration/test_gates_go_red.py",
    "tests/selftest/test_opt_in_gates_go_red.py",
)


def copy_gate_files(target: Path) -> Path:
    """Copy every file the ci-config gate reads into ``target``."""
    for name in GATE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m tta_tooling <args>``, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tta_tooling", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def ci_copy(tmp_path: Path) -> Path:
    """A copy of every file the ci-config gate reads, to plant defects in."""
    return copy_gate_files(tmp_path)
