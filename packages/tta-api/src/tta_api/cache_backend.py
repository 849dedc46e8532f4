"""The workflows' cache storage: Redis when configured, in memory otherwise.

With Redis the storage is the primitives' :class:`~tta_dev_primitives.FallbackBackend`:
one circuit breaker decides whether Redis serves, memory (same time-to-live
semantics) serves while it does not, every fallback is counted, and a value
deleted or overwritten during an outage never comes back after it. The first
failure opens the circuit for :data:`CIRCUIT_RESET_SECONDS`; ``/health`` reads
the same circuit (:meth:`~tta_dev_primitives.FallbackBackend.check`), so it
reports Redis ``unreachable`` exactly while the cache does not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from tta_dev_primitives import CacheBackend, FallbackBackend, InMemoryBackend, RedisBackend

__all__ = ["DependencyState", "build_cache_backend"]

MEMORY_MAX_ENTRIES = 4096
CIRCUIT_FAILURES = 1
CIRCUIT_RESET_SECONDS = 5.0


class DependencyState(StrEnum):
    """How /health reports a dependency."""

    OK = "ok"
    UNREACHABLE = "unreachable"
    NOT_CONFIGURED = "not configured"


def build_cache_backend(
    redis_url: str | None, on_fallback: Callable[[str], None] | None = None
) -> CacheBackend:
    """Redis with memory fallback when ``redis_url`` is given, else memory only."""
    memory = InMemoryBackend(MEMORY_MAX_ENTRIES)
    if redis_url is None:
        return memory
    return FallbackBackend(
        RedisBackend(redis_url, prefix="tta:api:cache:"),
        memory,
        name="tta-api redis",
        failures=CIRCUIT_FAILURES,
        reset_seconds=CIRCUIT_RESET_SECONDS,
        max_stale_keys=MEMORY_MAX_ENTRIES,
        on_fallback=on_fallback,
    )
