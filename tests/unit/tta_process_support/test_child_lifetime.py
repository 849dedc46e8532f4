"""The lifetime helper: stops as Ctrl-C, the parent-death request and its trampoline,
the owner token and the sweep's choices (over ``/proc``, the default process table)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tta_process_support import child_lifetime
from tta_process_support.child_lifetime import (
    PROC,
    dies_with_parent,
    exec_dying_with_parent,
    owned_children,
    signals_interrupt,
    sweep,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc")
VARIABLE = "TTA_PROCESS_SUPPORT_TEST_OWNERS"


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
@pytest.mark.parametrize("signum", [None, signal.SIGTERM])
def test_the_child_asks_for_the_signal_then_exits_if_its_parent_already_died(
    monkeypatch: pytest.MonkeyPatch, parent_alive: bool, exits: list[int], signum: int | None
) -> None:
    requested: list[tuple[int, ...]] = []
    exited: list[int] = []

    def prctl(*args: int) -> int:
        requested.append(args)
        return 0

    monkeypatch.setattr(child_lifetime, "_PRCTL", prctl)
    hook = dies_with_parent() if signum is None else dies_with_parent(signum)
    assert hook is not None
    parent = os.getpid()  # the forking process, as the hook saw it
    monkeypatch.setattr(os, "getppid", lambda: parent if parent_alive else 1)
    monkeypatch.setattr(os, "_exit", exited.append)
    hook()
    expected = signal.SIGKILL if signum is None else signum  # SIGKILL unless asked
    assert requested == [(1, expected, 0, 0, 0)]  # PR_SET_PDEATHSIG = 1
    assert exited == exits


def test_without_prctl_there_is_no_hook_and_no_trampoline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_lifetime, "_PRCTL", None)
    assert dies_with_parent() is None
    assert exec_dying_with_parent(["nox", "-s", "lint"], signal.SIGINT) == ["nox", "-s", "lint"]


@linux_only
def test_the_trampoline_names_this_process_and_the_signal() -> None:
    command = exec_dying_with_parent(["nox", "-s", "lint"], signal.SIGINT)
    assert command == [
        sys.executable, "-m", "tta_process_support.child_lifetime",
        str(os.getpid()), str(int(signal.SIGINT)), "--", "nox", "-s", "lint",
    ]  # fmt: skip


@linux_only
def test_the_token_is_in_the_variable_only_inside_the_block_and_nests(tmp_path: Path) -> None:
    assert VARIABLE not in os.environ
    with owned_children(tmp_path, VARIABLE) as outer:
        with owned_children(tmp_path, VARIABLE) as inner:
            assert os.environ[VARIABLE].split() == [outer.name, inner.name]
            owner = json.loads((inner / "owner.json").read_text(encoding="utf-8"))
            assert owner == {"pid": os.getpid(), "started": PROC.start_time(os.getpid())}
        assert os.environ[VARIABLE].split() == [outer.name]
        assert not inner.exists()
    assert VARIABLE not in os.environ
    assert list(tmp_path.iterdir()) == []


def _owner_directory(parent: Path, name: str, owner: object) -> Path:
    directory = parent / name
    directory.mkdir(parents=True)
    (directory / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    return directory


@linux_only
def test_the_sweep_keeps_living_owners_and_drops_dead_or_reused_ones(tmp_path: Path) -> None:
    started = PROC.start_time(os.getpid())
    assert started is not None
    living = _owner_directory(tmp_path, "1-a", {"pid": os.getpid(), "started": started})
    # this pid now belongs to a process started later: a reused pid is not the owner
    reused = _owner_directory(tmp_path, "2-b", {"pid": os.getpid(), "started": started - 100})
    garbled = _owner_directory(tmp_path, "3-c", ["not", "an", "owner"])
    assert sweep(tmp_path, VARIABLE) == []  # no process carries those tokens
    assert living.exists()
    assert not reused.exists()
    assert not garbled.exists()


def test_the_sweep_leaves_a_directory_being_created_and_ignores_symlinks(tmp_path: Path) -> None:
    fresh = tmp_path / "4-d"
    fresh.mkdir()  # no owner file yet: its owner is between mkdir and write
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (tmp_path / "5-e").symlink_to(elsewhere)
    sweep(tmp_path, VARIABLE)
    assert fresh.exists()
    assert elsewhere.exists()


def test_an_old_directory_without_owner_file_is_swept(tmp_path: Path) -> None:
    stale = tmp_path / "6-f"
    stale.mkdir()
    os.utime(stale, (0, 0))
    sweep(tmp_path, VARIABLE)
    assert not stale.exists()


def test_a_missing_directory_sweeps_nothing(tmp_path: Path) -> None:
    assert sweep(tmp_path / "absent", VARIABLE) == []


def test_an_empty_process_table_finds_no_process(tmp_path: Path) -> None:
    table = child_lifetime.ProcfsTable(tmp_path)  # a /proc without entries
    assert table.start_time(os.getpid()) is None
    assert table.carriers(VARIABLE, "token") == []


@linux_only
@pytest.mark.smoke
def test_a_child_carrying_the_token_is_killed_when_the_block_ends(tmp_path: Path) -> None:
    with owned_children(tmp_path / "owners", VARIABLE) as scratch:
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(60)"],
            preexec_fn=dies_with_parent(),  # noqa: PLW1509
        )
        assert PROC.carriers(VARIABLE, scratch.name) == [child.pid]
    assert child.wait(timeout=10) == -signal.SIGKILL


@linux_only
@pytest.mark.smoke
def test_the_sweep_kills_what_a_dead_owner_left(tmp_path: Path) -> None:
    owners = tmp_path / "owners"
    gone = _owner_directory(owners, "7-g", {"pid": os.getpid(), "started": -1.0})
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        env={**os.environ, VARIABLE: gone.name},
    )
    try:
        assert sweep(owners, VARIABLE) == [child.pid]
        assert child.wait(timeout=10) == -signal.SIGKILL
        assert not gone.exists()
    finally:
        child.kill()
        child.wait()
