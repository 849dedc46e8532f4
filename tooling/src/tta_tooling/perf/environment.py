"""A locked virtual environment for a source tree, built with uv."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tta_tooling.child_lifetime import dies_with_parent
from tta_tooling.errors import InputError
from tta_tooling.uv_binary import find_uv

__all__ = ["locked_environment"]


def locked_environment(tree: Path, venv: Path, *, python: str, group: str) -> Path:
    """``uv sync --locked`` ``tree`` with dependency group ``group`` into ``venv``; its python."""
    uv = find_uv(Path.cwd())
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [
            uv,
            "sync",
            "--locked",
            "--no-default-groups",
            f"--group={group}",
            f"--python={python}",
            "--directory",
            str(tree),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        preexec_fn=dies_with_parent(),
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(tree / "uv.lock", f"uv sync --locked failed: {last}")
    return venv / "bin" / "python"
