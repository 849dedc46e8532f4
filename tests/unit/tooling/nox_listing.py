"""The repository's sessions as ``nox --list --json`` reports them, for doc-sync tests."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from .conftest import REPO_ROOT


def nox_list(*selection: str) -> list[dict[str, Any]]:
    """``nox --list --json`` on the repository's noxfile; no selection lists the default ones."""
    noxfile = str(REPO_ROOT / "noxfile.py")
    listing = subprocess.run(
        [sys.executable, "-m", "nox", "--noxfile", noxfile, "--list", "--json", *selection],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries: list[dict[str, Any]] = json.loads(listing)
    return entries
