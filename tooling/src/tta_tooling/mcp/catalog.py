"""The gate catalog as nox reports it: ``nox --list --json``, with defaults marked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tta_tooling.nox_listing import nox_listings


def nox_command(root: Path, *args: str) -> list[str]:
    """The argv running this interpreter's nox on ``root``'s noxfile."""
    return [sys.executable, "-m", "nox", "--noxfile", str(root / "noxfile.py"), *args]


def list_gates(root: Path) -> list[dict[str, Any]]:
    """Every session of the noxfile: nox's JSON listing of it plus ``default``.

    ``nox --list --json`` lists the default sessions; with ``-k True`` it lists
    every session (both cached by content, see ``tta_tooling.nox_listing``).
    """
    defaults, every = nox_listings(root / "noxfile.py", (), ("-k", "True"))
    default_names = {entry["session"] for entry in defaults}
    return [
        *({**entry, "default": True} for entry in defaults),
        *({**entry, "default": False} for entry in every if entry["session"] not in default_names),
    ]
