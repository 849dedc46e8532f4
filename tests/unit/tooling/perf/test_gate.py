"""SIGTERM unwinds the gate like Ctrl-C, so its cleanup runs."""

from __future__ import annotations

import os
import signal

import pytest
from tta_tooling.perf.gate import terminate_as_interrupt


def test_sigterm_becomes_keyboard_interrupt_inside_and_is_restored_after() -> None:
    before = signal.getsignal(signal.SIGTERM)
    cleaned: list[bool] = []

    def gate() -> None:
        with terminate_as_interrupt():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
            finally:
                cleaned.append(True)

    with pytest.raises(KeyboardInterrupt):
        gate()
    assert cleaned == [True]
    assert signal.getsignal(signal.SIGTERM) == before
