"""Fixtures: a copy of every file the paf gate reads, to plant defects in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT

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


@pytest.fixture
def paf_copy(tmp_path: Path) -> Path:
    """The facts, their contracts, the manifests, the CI files and every package's sources."""
    for name in _FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    for manifest in [
        *REPO_ROOT.glob("packages/*/pyproject.toml"),
        REPO_ROOT / "tooling/pyproject.toml",
    ]:
        target = tmp_path / manifest.parent.relative_to(REPO_ROOT)
        shutil.copytree(manifest.parent / "src", target / "src", ignore=_IGNORED)
        shutil.copy2(manifest, target / "pyproject.toml")
    return tmp_path


def replace(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path`` (which must contain it) with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
