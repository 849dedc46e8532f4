"""Find uv without assuming it is on PATH.

The README installs uv into ``.nox/uv`` with pip, which puts nothing on PATH;
``uv run`` and ``uv tool run`` (so every nox session) export ``UV``, the path
of the uv running them. Both are tried before PATH is searched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tta_tooling.errors import InputError

__all__ = ["README_UV", "find_uv"]

README_UV = Path(".nox", "uv", "bin", "uv")
"""Where the README's first command installs uv, relative to the repository root."""


def find_uv(root: Path) -> str:
    """uv's path: ``$UV``, then PATH, then ``root/.nox/uv/bin/uv`` (``uv.exe`` on Windows)."""
    readme_uv = shutil.which("uv", path=str(root / README_UV.parent))  # PATHEXT on Windows
    for candidate in (os.environ.get("UV"), shutil.which("uv"), readme_uv):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise InputError(
        "uv",
        f"not found ($UV, PATH, {README_UV.as_posix()}): run the README's first command "
        "(`python3 -m pip install --target .nox/uv uv`) or install uv (https://docs.astral.sh/uv/)",
    )
