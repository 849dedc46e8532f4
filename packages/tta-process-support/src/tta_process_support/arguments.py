"""argparse types the workspace's command lines share; each fails on one line."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["tcp_port", "whole_number"]


def whole_number(low: int, high: int, bounds: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``; out of range, the error
    is ``bounds`` (how the command names the range) and the value given."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{bounds}, got {text!r}")
        return value

    return parse


tcp_port = whole_number(1, 65535, "a TCP port is 1-65535")
"""An argparse type: a TCP port to send to or listen on, 1-65535."""
