"""A process as psutil shows it, for the pure-logic tests of stopping process trees."""

from __future__ import annotations

import psutil


class Member:
    """Records what it was sent; dies of any signal but those it ignores, and of a kill."""

    def __init__(self, pid: int, ignores: tuple[int, ...] = ()) -> None:
        self.pid = pid
        self.ignores = ignores
        self.sent: list[int | str] = []
        self.alive = True

    def send_signal(self, signum: int) -> None:
        self.sent.append(signum)
        self.alive = self.alive and signum in self.ignores

    def kill(self) -> None:
        self.sent.append("kill")
        self.alive = False

    def is_running(self) -> bool:
        return self.alive

    def status(self) -> str:
        return psutil.STATUS_RUNNING
