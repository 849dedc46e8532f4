"""The nox launch every workflow and task must use: pinned to the version in uv.lock."""

from __future__ import annotations

import tomllib

from ....common.repository_files import REPO_ROOT

NOX_VERSION: str = next(
    p["version"]
    for p in tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]
    if p["name"] == "nox"
)
NOX = f"uvx nox@{NOX_VERSION}"
