"""The repository's folders as check-gates reads them: hidden, cache and build folders skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

PRUNED = frozenset({"node_modules", "__pycache__", "build", "dist", "site-packages"})
"""Folders no gate reads: installed or built copies and caches."""


def repository_folders(
    root: Path, *, pruned: frozenset[str] = PRUNED
) -> Iterator[tuple[Path, list[str]]]:
    """Each folder under ``root`` (``root`` first, then in sorted order) and its file names,
    sorted, skipping folders whose names start with a dot or are in ``pruned``."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in pruned)
        yield Path(folder), sorted(files)
