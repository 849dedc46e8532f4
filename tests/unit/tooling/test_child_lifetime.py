"""tta-tooling's binding of the lifetime helper: its own token variable and folder, and a
process table read through psutil (the helper itself: tests/unit/tta_process_support)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from tta_tooling.child_lifetime import (
    OWNERS_VARIABLE,
    PsutilTable,
    children_directory,
    owned_children,
    sweep,
)


def test_owners_are_recorded_under_the_repositorys_nox_folder(tmp_path: Path) -> None:
    assert children_directory(tmp_path) == tmp_path / ".nox" / "children"


def test_the_token_is_in_the_environment_only_inside_the_block_and_nests(tmp_path: Path) -> None:
    outer_before = os.environ.get(OWNERS_VARIABLE)
    with owned_children(tmp_path) as outer:
        with owned_children(tmp_path) as inner:
            assert os.environ[OWNERS_VARIABLE].split()[-2:] == [outer.name, inner.name]
            owner = json.loads((inner / "owner.json").read_text(encoding="utf-8"))
            assert owner == {"pid": os.getpid(), "started": psutil.Process().create_time()}
        assert os.environ[OWNERS_VARIABLE].split()[-1] == outer.name
        assert not inner.exists()
    assert os.environ.get(OWNERS_VARIABLE) == outer_before
    assert list(tmp_path.iterdir()) == []


def _owner_directory(parent: Path, name: str, owner: object) -> Path:
    directory = parent / name
    directory.mkdir()
    (directory / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    return directory


def test_the_sweep_removes_dead_or_reused_owners_and_keeps_living_ones(tmp_path: Path) -> None:
    me = psutil.Process()
    living = _owner_directory(tmp_path, "1-a", {"pid": me.pid, "started": me.create_time()})
    # this pid now belongs to a process started later: a reused pid is not the owner
    reused = _owner_directory(tmp_path, "2-b", {"pid": me.pid, "started": me.create_time() - 60})
    assert sweep(tmp_path) == []  # no process carries those tokens
    assert living.exists()
    assert not reused.exists()


def test_a_pid_that_does_not_run_has_no_start_time() -> None:
    assert PsutilTable().start_time(2**22 + 1) is None  # above Linux's pid_max


@pytest.mark.smoke
def test_psutil_finds_and_kills_a_carrier(tmp_path: Path) -> None:
    table = PsutilTable()
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        env={**os.environ, OWNERS_VARIABLE: "outer 8-h"},
    )
    try:
        assert table.carriers(OWNERS_VARIABLE, "8-h") == [child.pid]
        table.kill([child.pid], timeout=10)  # psutil reaps its own child
        assert table.start_time(child.pid) is None
        assert table.carriers(OWNERS_VARIABLE, "8-h") == []
    finally:
        child.kill()
        child.wait()
