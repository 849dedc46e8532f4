"""Fixtures: a copy of every file the paf gate reads, to plant defects in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ....common.repository_files import REPO_ROOT, copy_files

_FILES = (
    "PAFCORE.md",
    ".importlinter",
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "noxfile.py",
    ".ci",
    ".github",
    ".vscode",
)
_IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", "README.md")


@pytest.fixture(scope="session")
def paf_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The facts, their contracts, the manifests, the CI files and every package's sources.

    Built once per session: copy it (``paf_copy``), never change it.
    """
    root = copy_files(_FILES, tmp_path_factory.mktemp("paf-files"))
    for manifest in [
        *REPO_ROOT.glob("packages/*/pyproject.toml"),
        REPO_ROOT / "tooling/pyproject.toml",
    ]:
        target = root / manifest.parent.relative_to(REPO_ROOT)
        shutil.copytree(manifest.parent / "src", target / "src", ignore=_IGNORED)
        shutil.copy2(manifest, target / "pyproject.toml")
    return root


@pytest.fixture
def paf_copy(paf_files: Path, tmp_path: Path) -> Path:
    """A copy of :func:`paf_files` to plant defects in."""
    return Path(shutil.copytree(paf_files, tmp_path / "repo"))
