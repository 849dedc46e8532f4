"""Ending a gate's process tree, by pure logic on stand-ins: the POSIX path signals the
process group and every descendant seen; the Windows path, which has no signals to send,
terminates the leader and each descendant (``taskkill /T /F``). The real trees are ended
in tests/faults/test_mcp_lifetime.py, on each OS the MCP workflow runs."""

from __future__ import annotations

import signal
from typing import Any

import anyio
import pytest
from tta_tooling import process_tree as shared
from tta_tooling.mcp import process_tree

from ..process_stand_ins import Member


class FakeLeader:
    """The gate's leader (nox) as AnyIO's Process shows it."""

    def __init__(self, pid: int = 4242) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.killed = 0
        self._exited: anyio.Event | None = None

    def kill(self) -> None:
        self.killed += 1
        self.returncode = 1
        if self._exited is not None:
            self._exited.set()

    async def wait(self) -> int:
        if self.returncode is None:
            self._exited = anyio.Event()
            await self._exited.wait()
        assert self.returncode is not None
        return self.returncode


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """process_tree as on Windows; returns the process-group signals sent (none expected)."""
    groups: list[tuple[int, int]] = []
    monkeypatch.setattr(shared, "POSIX", False)
    monkeypatch.setattr("os.killpg", lambda *a: groups.append(a), raising=False)
    return groups


def test_on_windows_the_leader_and_every_descendant_are_terminated(
    windows: list[tuple[int, int]],
) -> None:
    leader, family = FakeLeader(), [Member(1), Member(2)]
    process_tree._signal(leader, family, signal.SIGTERM)  # type: ignore[arg-type]
    assert leader.killed == 1
    assert [m.sent for m in family] == [["kill"], ["kill"]]
    assert windows == [], "Windows has no process groups to signal"


def test_on_windows_survivors_are_the_descendants_still_running(
    windows: list[tuple[int, int]],
) -> None:
    family = [Member(1), Member(2)]
    family[0].alive = False
    survivors = process_tree._survivors(FakeLeader(), family)  # type: ignore[arg-type]
    assert [m.pid for m in survivors] == [2]


async def test_on_windows_ending_the_tree_waits_until_it_is_gone(
    windows: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    leader, family = FakeLeader(), [Member(7), Member(8)]
    monkeypatch.setattr(shared, "descendants", lambda _pid: list(family))
    with anyio.fail_after(5):
        await process_tree.end_process_group(leader, grace_seconds=1.0)  # type: ignore[arg-type]
    assert leader.returncode is not None
    assert not any(m.alive for m in family)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_on_posix_the_group_and_every_descendant_get_the_signal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    groups: list[Any] = []
    monkeypatch.setattr(shared, "POSIX", True)
    monkeypatch.setattr("os.killpg", lambda *a: groups.append(a))
    leader, family = FakeLeader(), [Member(1), Member(2)]
    process_tree._signal(leader, family, signal.SIGTERM)  # type: ignore[arg-type]
    assert groups == [(4242, signal.SIGTERM)]
    assert [m.sent for m in family] == [[signal.SIGTERM], [signal.SIGTERM]]
    assert leader.killed == 0, "the leader is signalled through its group"
