"""The gate catalog as nox reports it: ``nox --list --json``, with defaults marked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError


def nox_command(root: Path, *args: str) -> list[str]:
    """The argv running this interpreter's nox on ``root``'s noxfile."""
    return [sys.executable, "-m", "nox", "--noxfile", str(root / "noxfile.py"), *args]


def list_gates(root: Path) -> list[dict[str, Any]]:
    """Every session of the noxfile: nox's JSON listing of it plus ``default``.

    ``nox --list --json`` lists the selected sessions only (the defaults when no
    session is named); the others are named by ``nox --list`` and listed by
    ``nox --list --json -s <names>``.
    """
    defaults = _nox_json(root)
    marked = _nox(root, "--list").splitlines()
    others = [line[2:].split(" ", 1)[0] for line in marked if line.startswith("- ")]
    optional = _nox_json(root, "-s", *others) if others else []
    return [
        *({**entry, "default": True} for entry in defaults),
        *({**entry, "default": False} for entry in optional),
    ]


def _nox_json(root: Path, *selection: str) -> list[dict[str, Any]]:
    text = _nox(root, "--list", "--json", *selection)
    try:
        listing = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            root / "noxfile.py", f"nox --list --json printed no JSON: {error}"
        ) from error
    if not isinstance(listing, list):
        raise InputError(root / "noxfile.py", "nox --list --json printed no list of sessions")
    return listing


def _nox(root: Path, *args: str) -> str:
    noxfile = root / "noxfile.py"
    if not noxfile.is_file():
        raise InputError(noxfile, "noxfile not found")
    done = subprocess.run(
        nox_command(root, *args),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise InputError(noxfile, f"nox {' '.join(args)} failed: {last}")
    return done.stdout
