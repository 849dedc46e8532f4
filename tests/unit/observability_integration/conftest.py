"""Fixtures: every test starts and ends with observability shut down and no OTEL_* variable."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from observability_integration import shutdown_observability
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tta_dev_primitives import hooks


@pytest.fixture(autouse=True)
def _clean_observability(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in [name for name in os.environ if name.startswith("OTEL_")]:
        monkeypatch.delenv(variable)
    shutdown_observability()
    _uninstall_every_hook()
    yield
    shutdown_observability()
    _uninstall_every_hook()


def _uninstall_every_hook() -> None:
    for hook in hooks.get_hooks():
        hooks.uninstall_hook(hook)


@pytest.fixture
def recorder() -> InMemorySpanExporter:
    """An in-memory span exporter; call ``force_flush()`` before reading it."""
    return InMemorySpanExporter()
