"""keploy-framework's binding of the lifetime helper: its token variable and records
folder (the helper itself: tests/unit/tta_process_support)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from keploy_framework.child_lifetime import (
    OWNERS_VARIABLE,
    children_directory,
    owned_children,
    sweep,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")


def test_the_records_live_in_the_users_runtime_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert children_directory() == tmp_path / "keploy-framework"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert children_directory() == Path.home() / ".cache" / "keploy-framework" / "children"


@linux_only
def test_the_token_is_set_only_inside_the_block(tmp_path: Path) -> None:
    before = os.environ.get(OWNERS_VARIABLE)
    with owned_children(tmp_path):
        (record,) = tmp_path.iterdir()
        assert os.environ[OWNERS_VARIABLE].split()[-1] == record.name
        owner = json.loads((record / "owner.json").read_text(encoding="utf-8"))
        assert owner["pid"] == os.getpid()
    assert os.environ.get(OWNERS_VARIABLE) == before
    assert list(tmp_path.iterdir()) == []


def test_a_missing_records_folder_sweeps_nothing(tmp_path: Path) -> None:
    assert sweep(tmp_path / "absent") == []
