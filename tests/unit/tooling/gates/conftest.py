"""Fixtures of the gates family: a copy of every file check-gates and ci-config read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT

GATE_FILES = (
    "noxfile.py",
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "docker-compose.test.yml",
    ".ci",
    ".github",
    ".vscode",
)


@pytest.fixture
def ci_copy(tmp_path: Path) -> Path:
    """A copy of every file the ci-config gate reads, to plant defects in."""
    for name in GATE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path
