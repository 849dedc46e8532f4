"""The scan raises the collector's thresholds while it runs and restores the caller's."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from tta_tooling.efficiency.gc_threshold import fewer_collections


@pytest.fixture
def caller_thresholds() -> Iterator[tuple[int, ...]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*before)


def test_raised_inside_restored_after(caller_thresholds: tuple[int, ...]) -> None:
    with fewer_collections():
        assert gc.get_threshold()[0] > caller_thresholds[0]
    assert gc.get_threshold() == caller_thresholds


def test_restored_after_an_error(caller_thresholds: tuple[int, ...]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a scan failed")
    assert gc.get_threshold() == caller_thresholds


def test_overlapping_scans_restore_the_callers_thresholds_once(
    caller_thresholds: tuple[int, ...],
) -> None:
    first, second = fewer_collections(), fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to start ends first, as threads may
    assert gc.get_threshold()[0] > caller_thresholds[0]  # the second still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == caller_thresholds
