"""Stopping a process tree, by pure logic on stand-ins: TERM to the tree, KILL to what
outlives the grace period, the leader's group signalled only when it leads one that is
not the caller's. Real trees are stopped in tests/faults/test_stack_lifetime.py and
tests/faults/test_mcp_lifetime.py."""

from __future__ import annotations

import signal
from typing import Any

import psutil
import pytest
from tta_tooling import process_tree

from .process_stand_ins import Member

POSIX_ONLY = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


@pytest.fixture
def groups(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """POSIX with leader 10 leading group 10 (the caller's is 1); returns the group signals."""
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(process_tree, "POSIX", True)
    monkeypatch.setattr("os.getpgid", lambda pid: pid)
    monkeypatch.setattr("os.getpgrp", lambda: 1)
    monkeypatch.setattr("os.killpg", lambda *a: sent.append(a))
    monkeypatch.setattr(process_tree, "survivors", _members_alive)
    return sent


def _members_alive(_group: int | None, members: Any) -> list[Any]:
    return [member for member in members if member.alive]


def _tree(monkeypatch: pytest.MonkeyPatch, leader: Member, *below: Member) -> None:
    monkeypatch.setattr(process_tree, "descendants", lambda _pid: list(below))


@POSIX_ONLY
def test_a_tree_that_ends_on_term_gets_no_kill(
    groups: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    leader, child = Member(10), Member(11)
    _tree(monkeypatch, leader, child)
    process_tree.stop_tree(leader, grace_seconds=1.0)  # type: ignore[arg-type]
    assert groups == [(10, signal.SIGTERM)]
    assert leader.sent == child.sent == [signal.SIGTERM]


@POSIX_ONLY
def test_what_outlives_the_grace_period_is_killed(
    groups: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    leader, stubborn = Member(10), Member(11, ignores=(signal.SIGTERM,))
    _tree(monkeypatch, leader, stubborn)
    process_tree.stop_tree(leader, grace_seconds=0.1)  # type: ignore[arg-type]
    assert groups == [(10, signal.SIGTERM), (10, signal.SIGKILL)]
    assert stubborn.sent == [signal.SIGTERM, signal.SIGKILL]
    assert not stubborn.alive


@POSIX_ONLY
def test_the_callers_own_group_is_never_signalled(
    groups: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.getpgrp", lambda: 10)
    leader = Member(10)
    _tree(monkeypatch, leader)
    process_tree.stop_tree(leader, grace_seconds=1.0)  # type: ignore[arg-type]
    assert groups == []
    assert leader.sent == [signal.SIGTERM]


def test_on_windows_each_process_of_the_tree_is_terminated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(process_tree, "POSIX", False)
    leader, child = Member(10), Member(11)
    _tree(monkeypatch, leader, child)
    process_tree.stop_tree(leader, grace_seconds=1.0)  # type: ignore[arg-type]
    assert leader.sent == child.sent == ["kill"]


def test_survivors_leave_out_the_dead_and_the_zombies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process_tree, "POSIX", False)
    zombie, dead, running = Member(1), Member(2), Member(3)
    zombie.status = lambda: psutil.STATUS_ZOMBIE  # type: ignore[method-assign]
    dead.alive = False
    left = process_tree.survivors(None, [zombie, dead, running])  # type: ignore[list-item]
    assert [member.pid for member in left] == [3]
