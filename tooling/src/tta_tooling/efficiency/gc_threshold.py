"""Fewer cyclic garbage collections while a scan runs.

A scan keeps every syntax tree it parses until its rules have run: hundreds of
thousands of live objects that each automatic collection of the oldest
generation walks again. mypy raises the thresholds for the same reason
(``mypy/build.py``, ``build()``: "Run gc less frequently, as otherwise we can spend
a large fraction of cpu in gc"); the scan does so only while it runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["fewer_collections"]

# mypy's thresholds (``gc.set_threshold(200 * 1000, 30, 30)``)
_THRESHOLDS = (200_000, 30, 30)


class _Raised:
    """How many scans are running, and the thresholds to restore when none is: scans
    overlapping in threads restore the caller's thresholds once, after the last."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.scans = 0
        self.saved: tuple[int, ...] = ()


_RAISED = _Raised()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block, then restore the caller's."""
    with _RAISED.lock:
        if not _RAISED.scans:
            _RAISED.saved = gc.get_threshold()
            gc.set_threshold(*_THRESHOLDS)
        _RAISED.scans += 1
    try:
        yield
    finally:
        with _RAISED.lock:
            _RAISED.scans -= 1
            if not _RAISED.scans:
                gc.set_threshold(*_RAISED.saved)
