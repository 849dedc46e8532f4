"""The process-lifetime helper: signals as Ctrl-C, the parent-death request, the sweep."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from tta_tooling import child_lifetime
from tta_tooling.child_lifetime import (
    OWNERS_VARIABLE,
    dies_with_parent,
    exec_dying_with_parent,
    owned_children,
    signals_interrupt,
    sweep,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_unwind_like_ctrl_c_and_are_restored_after(signum: int) -> None:
    before = signal.getsignal(signum)
    cleaned: list[bool] = []

    def command() -> None:
        with signals_interrupt():
            try:
                signal.raise_signal(signum)
            finally:
                cleaned.append(True)

    with pytest.raises(KeyboardInterrupt):
        command()
    assert cleaned == [True]
    assert signal.getsignal(signum) == before


@linux_only
@pytest.mark.parametrize(("parent_alive", "exits"), [(True, []), (False, [1])])
def test_the_child_asks_for_the_signal_then_exits_if_its_parent_already_died(
    monkeypatch: pytest.MonkeyPatch, parent_alive: bool, exits: list[int]
) -> None:
    requested: list[tuple[int, ...]] = []
    exited: list[int] = []

    def prctl(*args: int) -> int:
        requested.append(args)
        return 0

    monkeypatch.setattr(child_lifetime, "_PRCTL", prctl)
    hook = dies_with_parent(signal.SIGTERM)
    assert hook is not None
    parent = os.getpid()  # the forking process, as the hook saw it
    monkeypatch.setattr(os, "getppid", lambda: parent if parent_alive else 1)
    monkeypatch.setattr(os, "_exit", exited.append)
    hook()
    assert requested == [(1, signal.SIGTERM, 0, 0, 0)]  # PR_SET_PDEATHSIG = 1
    assert exited == exits


def test_without_prctl_there_is_no_hook_and_no_trampoline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_lifetime, "_PRCTL", None)
    assert dies_with_parent() is None
    assert exec_dying_with_parent(["nox", "-s", "lint"], signal.SIGINT) == ["nox", "-s", "lint"]


@linux_only
def test_the_trampoline_names_this_process_and_the_signal() -> None:
    command = exec_dying_with_parent(["nox", "-s", "lint"], signal.SIGINT)
    assert command == [
        sys.executable, "-m", "tta_tooling.child_lifetime",
        str(os.getpid()), str(int(signal.SIGINT)), "--", "nox", "-s", "lint",
    ]  # fmt: skip


def test_the_token_is_in_the_environment_only_inside_the_block_and_nests(tmp_path: Path) -> None:
    outer_before = os.environ.get(OWNERS_VARIABLE)
    with owned_children(tmp_path) as outer:
        with owned_children(tmp_path) as inner:
            assert os.environ[OWNERS_VARIABLE].split() == [outer.name, inner.name]
            owner = json.loads((inner / "owner.json").read_text(encoding="utf-8"))
            assert owner["pid"] == os.getpid()
        assert os.environ[OWNERS_VARIABLE].split() == [outer.name]
        assert not inner.exists()
    assert os.environ.get(OWNERS_VARIABLE) == outer_before
    assert list(tmp_path.iterdir()) == []


def _owner_directory(parent: Path, name: str, owner: object) -> Path:
    directory = parent / name
    directory.mkdir()
    (directory / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    return directory


def test_the_sweep_removes_dead_or_reused_owners_and_keeps_living_ones(tmp_path: Path) -> None:
    import psutil  # noqa: PLC0415

    me = psutil.Process()
    living = _owner_directory(tmp_path, "1-a", {"pid": me.pid, "started": me.create_time()})
    # this pid now belongs to a process started later: a reused pid is not the owner
    reused = _owner_directory(tmp_path, "2-b", {"pid": me.pid, "started": me.create_time() - 60})
    garbled = _owner_directory(tmp_path, "3-c", {"pid": "x"})
    assert sweep(tmp_path) == []  # no process carries those tokens
    assert living.exists()
    assert not reused.exists()
    assert not garbled.exists()


def test_the_sweep_leaves_a_directory_being_created_and_ignores_symlinks(tmp_path: Path) -> None:
    fresh = tmp_path / "4-d"
    fresh.mkdir()  # no owner file yet: its owner is between mkdir and write
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (tmp_path / "5-e").symlink_to(elsewhere)
    sweep(tmp_path)
    assert fresh.exists()
    assert elsewhere.exists()


def test_an_old_directory_without_owner_file_is_swept(tmp_path: Path) -> None:
    stale = tmp_path / "6-f"
    stale.mkdir()
    os.utime(stale, (0, 0))
    sweep(tmp_path)
    assert not stale.exists()


def test_a_missing_directory_sweeps_nothing(tmp_path: Path) -> None:
    assert sweep(tmp_path / "absent") == []
