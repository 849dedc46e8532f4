"""Fixtures: a tiny repository whose noxfile (``tiny_noxfile.py``) runs no tool but Python."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TINY_NOXFILE = Path(__file__).with_name("tiny_noxfile.py")


def nox_listing(root: Path) -> list[dict[str, Any]]:
    """Every session of ``root``'s noxfile with ``default``, as ``list_gates`` reports them."""
    command = [sys.executable, "-m", "nox", "--noxfile", str(root / "noxfile.py"), "--list"]
    listing: list[dict[str, Any]] = []
    for default, selection in ((True, []), (False, ["-s", "sleepy"])):
        done = subprocess.run(
            [*command, "--json", *selection], capture_output=True, text=True, check=True
        )
        listing += [{**entry, "default": default} for entry in json.loads(done.stdout)]
    return listing


@pytest.fixture(scope="session")
def tiny_catalog(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The tiny repository's catalog, listed by nox once per test session."""
    root = tmp_path_factory.mktemp("tiny-catalog")
    shutil.copy2(TINY_NOXFILE, root / "noxfile.py")
    return nox_listing(root)


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    """A fresh tiny repository: sessions hello, touch, bare and (not default) sleepy."""
    shutil.copy2(TINY_NOXFILE, tmp_path / "noxfile.py")
    return tmp_path
