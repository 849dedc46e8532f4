"""The repository's sessions as ``nox --list --json`` reports them, for doc-sync tests.

Listed through the tooling's own cache (``tta_tooling.nox_listing``), which the
run shares (``shared_tooling_cache``): the gates tests list the same noxfile.
"""

from __future__ import annotations

from typing import Any

from tta_tooling.nox_listing import nox_listings

from ...common.repository_files import REPO_ROOT


def nox_list(*selection: str) -> list[dict[str, Any]]:
    """``nox --list --json`` on the repository's noxfile; no selection lists the default ones."""
    (entries,) = nox_listings(REPO_ROOT / "noxfile.py", selection)
    return entries
