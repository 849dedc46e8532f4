"""Fixtures: every test starts and ends with observability shut down and no OTEL_* variable."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from ...common.observability_state import reset_observability


@pytest.fixture(autouse=True)
def _clean_observability(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in [name for name in os.environ if name.startswith("OTEL_")]:
        monkeypatch.delenv(variable)
    reset_observability()
    yield
    reset_observability()


@pytest.fixture
def recorder() -> InMemorySpanExporter:
    """An in-memory span exporter; call ``force_flush()`` before reading it."""
    return InMemorySpanExporter()
