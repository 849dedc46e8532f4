"""Fixtures: a tiny repository whose noxfile (``tiny_noxfile.py``) runs no tool but Python."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tta_tooling.nox_listing import nox_listings

TINY_NOXFILE = Path(__file__).with_name("tiny_noxfile.py")


def nox_listing(root: Path) -> list[dict[str, Any]]:
    """Every session of ``root``'s noxfile with ``default``, as ``list_gates`` reports them.

    Listed by nox through the tooling's cache, both selections side by side.
    """
    defaults, sleepy = nox_listings(root / "noxfile.py", (), ("-s", "sleepy"))
    return [{**entry, "default": True} for entry in defaults] + [
        {**entry, "default": False} for entry in sleepy
    ]


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
