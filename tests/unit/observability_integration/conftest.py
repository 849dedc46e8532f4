"""Fixtures: every test starts and ends with observability shut down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from observability_integration import shutdown_observability
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tta_dev_primitives import hooks


@pytest.fixture(autouse=True)
def _clean_observability() -> Iterator[None]:
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
