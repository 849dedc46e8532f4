"""What the secrets gate reads: every tracked file and every file under the artifact folders."""

from __future__ import annotations

import fnmatch
import subprocess
from collections.abc import Iterable
from pathlib import Path

from tta_tooling.errors import InputError

__all__ = ["files_to_scan"]


def files_to_scan(root: Path, artifacts: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """Root-relative POSIX paths of existing regular files, tracked ones first, sorted."""
    patterns = tuple(exclude)
    tracked = _tracked(root)
    produced = sorted(
        path.relative_to(root).as_posix()
        for pattern in artifacts
        for match in root.glob(pattern)
        for path in (match.rglob("*") if match.is_dir() else [match])
    )
    seen: set[str] = set()
    chosen: list[str] = []
    for name in (*tracked, *produced):
        if name in seen or any(fnmatch.fnmatchcase(name, p) for p in patterns):
            continue
        seen.add(name)
        path = root / name
        if path.is_file() and not path.is_symlink():
            chosen.append(name)
    return chosen


def _tracked(root: Path) -> list[str]:
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise InputError(root, f"cannot run git to list tracked files: {error.strerror}") from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(root, f"git ls-files failed: {reason[0] if reason else 'no output'}")
    return sorted(name for name in done.stdout.decode("utf-8").split("\0") if name)
