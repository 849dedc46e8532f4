"""Copies of the repository's files for tests that plant defects in them.

:func:`copy_files` copies the named files and folders (a gate's inputs) into a
temporary tree; a session-scoped fixture builds such a template once and each
test copies it. :func:`plant` changes one text in a copied file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

__all__ = ["REPO_ROOT", "copy_files", "plant"]

REPO_ROOT = Path(__file__).resolve().parents[2]


def copy_files(names: Iterable[str], target: Path) -> Path:
    """Copy each file or folder ``names`` names (relative to the repository) into ``target``."""
    for name in names:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def plant(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path`` with ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
