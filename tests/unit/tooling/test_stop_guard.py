"""The entry point's start-up guard: SIGTERM and SIGHUP exit 0 and SIGINT 130 until a
command takes over, an ignored signal stays ignored, and the replaced handlers come back.
The exit itself (``os._exit``) is replaced by an exception that records its status."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tta_tooling import cli, stop_guard

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class Exited(BaseException):
    """What ``os._exit(status)`` does here instead of ending the test process."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _exit(status: int) -> None:
    raise Exited(status)


@pytest.fixture(autouse=True)
def _restore_handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("os._exit", _exit)
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    yield
    stop_guard.release()
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 0), (signal.SIGHUP, 0), (signal.SIGINT, 130)]
)
def test_a_stop_while_guarded_exits_at_once(signum: int, status: int) -> None:
    # As in a process started in the foreground: a job started with `&` by a shell
    # without job control (a CI script) inherits SIGINT ignored, which the guard keeps.
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    stop_guard.guard()
    with pytest.raises(Exited) as stopped:
        signal.raise_signal(signum)
    assert stopped.value.status == status


def test_release_restores_the_handlers() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    stop_guard.guard()
    stop_guard.release()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


def test_an_ignored_hangup_stays_ignored() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    stop_guard.guard()
    signal.raise_signal(signal.SIGHUP)
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN


def test_a_second_guard_reinstalls_and_keeps_the_first_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    stop_guard.guard()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as AnyIO leaves it after serving
    stop_guard.guard()
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    stop_guard.release()
    assert signal.getsignal(signal.SIGTERM) is before


def test_every_command_but_the_server_runs_without_the_guard(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    stop_guard.guard()
    assert cli.main(["mcp-check", "--root", str(tmp_path)]) == 2  # no .vscode/mcp.json
    assert signal.getsignal(signal.SIGTERM) is before
    assert cli._parser().parse_args(["mcp"]).keeps_startup_guard is True
