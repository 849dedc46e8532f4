"""The app's lifetime helper: stops as Ctrl-C, the parent-death request, the sweep's choices."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from keploy_framework import child_lifetime
from keploy_framework.child_lifetime import (
    OWNERS_VARIABLE,
    children_directory,
    dies_with_parent,
    owned_children,
    signals_interrupt,
    sweep,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_unwind_like_ctrl_c(signum: int) -> None:
    before = signal.getsignal(signum)
    with pytest.raises(KeyboardInterrupt), signals_interrupt():
        signal.raise_signal(signum)
    assert signal.getsignal(signum) == before


@linux_only
@pytest.mark.parametrize(("parent_alive", "exits"), [(True, []), (False, [1])])
def test_the_app_asks_for_sigkill_then_exits_if_its_parent_already_died(
    monkeypatch: pytest.MonkeyPatch, parent_alive: bool, exits: list[int]
) -> None:
    requested: list[tuple[int, ...]] = []
    exited: list[int] = []

    def prctl(*args: int) -> int:
        requested.append(args)
        return 0

    monkeypatch.setattr(child_lifetime, "_PRCTL", prctl)
    hook = dies_with_parent()
    assert hook is not None
    parent = os.getpid()
    monkeypatch.setattr(os, "getppid", lambda: parent if parent_alive else 1)
    monkeypatch.setattr(os, "_exit", exited.append)
    hook()
    assert requested == [(1, signal.SIGKILL, 0, 0, 0)]  # PR_SET_PDEATHSIG = 1
    assert exited == exits


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
        assert isinstance(owner["started"], int)
    assert os.environ.get(OWNERS_VARIABLE) == before
    assert list(tmp_path.iterdir()) == []


def _record(parent: Path, name: str, owner: object) -> Path:
    directory = parent / name
    directory.mkdir()
    (directory / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    return directory


@linux_only
def test_the_sweep_keeps_living_owners_and_drops_dead_or_reused_ones(tmp_path: Path) -> None:
    started = child_lifetime._start_time(os.getpid())
    assert started is not None
    living = _record(tmp_path, "1-a", {"pid": os.getpid(), "started": started})
    reused = _record(tmp_path, "2-b", {"pid": os.getpid(), "started": started - 100})
    garbled = _record(tmp_path, "3-c", ["not", "an", "owner"])
    fresh = tmp_path / "4-d"
    fresh.mkdir()  # its owner is between mkdir and writing the owner file
    assert sweep(tmp_path) == []  # no process carries those tokens
    assert living.exists()
    assert fresh.exists()
    assert not reused.exists()
    assert not garbled.exists()
