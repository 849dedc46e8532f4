"""Cache storage that keeps answering through an outage of its primary backend.

:class:`FallbackBackend` sends every operation to a primary backend (Redis,
say) through one circuit breaker (:class:`~tta_dev_primitives.cache.health.BackendHealth`)
and serves it from a fallback backend (memory, say) while the primary fails or
the circuit is open. That circuit is the only opinion about the primary: a
:class:`~tta_dev_primitives.CachePrimitive` over this backend runs no breaker
of its own, and :meth:`FallbackBackend.check` (a health probe) reads and feeds
the same circuit.

A value deleted or overwritten during an outage never comes back after it:
every key written or deleted in the fallback meanwhile (and every prefix
cleared) is remembered, and before the primary serves any operation again those
keys are deleted from it (and from the fallback, which serves outages only, so
a value it kept cannot outlive later writes to the primary). Until that
invalidation has succeeded the primary serves nothing: a failure of it counts
as the primary still failing.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tta_dev_primitives.cache.backend import CacheBackend
from tta_dev_primitives.cache.codec import UncacheableValueError
from tta_dev_primitives.cache.health import BackendHealth

__all__ = ["PROBE_KEY", "FallbackBackend"]

_log = logging.getLogger("tta_dev_primitives.cache")

_T = TypeVar("_T")

PROBE_KEY = "health-probe"
"""What :meth:`FallbackBackend.check` reads; a cache primitive's keys all start with a digit."""


class FallbackBackend:
    """A :class:`~tta_dev_primitives.CacheBackend` over ``primary`` that falls back to ``fallback``.

    After ``failures`` consecutive failed primary operations the circuit opens
    and, for ``reset_seconds`` at a time, operations go straight to the
    fallback (a primary that drops packets would otherwise cost a timeout per
    operation); the first primary success closes it. ``fallbacks`` counts, per
    operation, the calls the fallback served; ``on_fallback(operation)`` is
    called for each. Past ``max_stale_keys`` keys changed during an outage, the
    whole primary is invalidated instead. ``clock`` (monotonic seconds) is
    injectable for tests.
    """

    def __init__(
        self,
        primary: CacheBackend,
        fallback: CacheBackend,
        *,
        name: str = "cache",
        failures: int = 2,
        reset_seconds: float = 5.0,
        max_stale_keys: int = 4096,
        on_fallback: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(failures, bool) or not isinstance(failures, int) or failures < 1:
            raise ValueError(f"failures must be an int >= 1, got {failures!r}")
        if not (math.isfinite(reset_seconds) and reset_seconds > 0):
            raise ValueError(f"reset_seconds must be a finite number > 0, got {reset_seconds!r}")
        if max_stale_keys < 1:
            raise ValueError(f"max_stale_keys must be >= 1, got {max_stale_keys!r}")
        self.primary = primary
        self.fallback = fallback
        self.circuit = BackendHealth(
            name, failures=failures, reset_seconds=reset_seconds, clock=clock
        )
        self.fallbacks: Counter[str] = Counter()
        self._on_fallback = on_fallback
        self._max_stale_keys = max_stale_keys
        self._stale_keys: set[str] = set()  # written or deleted in the fallback during an outage
        self._stale_prefixes: set[str] = set()  # cleared in the fallback during an outage
        self._invalidating = asyncio.Lock()

    async def get(self, key: str) -> Any:
        """The value from the primary, or from the fallback while the primary fails."""
        return await self._call(
            "get", lambda: self.primary.get(key), lambda: self.fallback.get(key)
        )

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store in the primary, or in the fallback while it fails (its copy is then stale)."""

        async def in_fallback() -> int:
            self._remember(key)
            return await self.fallback.set(key, value, ttl_seconds)

        return await self._call(
            "set", lambda: self.primary.set(key, value, ttl_seconds), in_fallback
        )

    async def delete(self, key: str) -> None:
        """Remove ``key`` from both backends (from the primary after the outage, if it fails)."""

        async def later() -> None:
            self._remember(key)

        await self.fallback.delete(key)
        await self._call("delete", lambda: self.primary.delete(key), later)

    async def clear(self, prefix: str = "") -> None:
        """Remove every entry whose key starts with ``prefix`` from both backends."""

        async def later() -> None:
            self._stale_prefixes.add(prefix)

        await self.fallback.clear(prefix)
        await self._call("clear", lambda: self.primary.clear(prefix), later)

    @property
    def stale(self) -> int:
        """Keys and prefixes the primary holds outdated values for, until they are invalidated."""
        return len(self._stale_keys) + len(self._stale_prefixes)

    async def check(self) -> bool:
        """Whether the primary answers: it is asked now (a read of :data:`PROBE_KEY`,
        after any pending invalidation) unless the circuit is open, which is a no.
        The answer feeds the circuit like any operation's."""
        if not self.circuit.allow():
            return False
        try:
            await self._invalidate_stale()
            await self.primary.get(PROBE_KEY)
        except Exception as error:
            self.circuit.failed("check", error)
            return False
        self.circuit.succeeded()
        return True

    async def aclose(self) -> None:
        """Close both backends (those that have an ``aclose``)."""
        for backend in (self.primary, self.fallback):
            close = getattr(backend, "aclose", None)
            if close is not None:
                await close()

    async def _call(
        self,
        operation: str,
        primary: Callable[[], Awaitable[_T]],
        fallback: Callable[[], Awaitable[_T]],
    ) -> _T:
        if not self.circuit.allow():
            return await self._fall_back(operation, fallback)
        try:
            await self._invalidate_stale()
            result = await primary()
        except UncacheableValueError:
            raise  # the value, not the backend: the caller counts it
        except Exception as error:
            self.circuit.failed(operation, error)
            return await self._fall_back(operation, fallback)
        self.circuit.succeeded()
        return result

    def _remember(self, key: str) -> None:
        """Mark ``key`` stale in the primary; past ``max_stale_keys``, everything is."""
        if "" in self._stale_prefixes:
            return
        if len(self._stale_keys) >= self._max_stale_keys:
            self._stale_keys.clear()
            self._stale_prefixes = {""}
            return
        self._stale_keys.add(key)

    async def _invalidate_stale(self) -> None:
        """Delete from both backends what the outage changed; raises while the primary fails."""
        if not self.stale:
            return
        async with self._invalidating:
            keys, prefixes = set(self._stale_keys), set(self._stale_prefixes)
            for prefix in prefixes:
                await self.primary.clear(prefix)
            for key in keys:
                await self.primary.delete(key)
            for prefix in prefixes:
                await self.fallback.clear(prefix)
            for key in keys:
                await self.fallback.delete(key)
            self._stale_keys -= keys
            self._stale_prefixes -= prefixes
            if keys or prefixes:
                _log.info(
                    "primary cache backend is back; invalidated %d keys and %d prefixes "
                    "changed during the outage",
                    len(keys),
                    len(prefixes),
                )

    async def _fall_back(self, operation: str, fallback: Callable[[], Awaitable[_T]]) -> _T:
        self.fallbacks[operation] += 1
        if self._on_fallback is not None:
            self._on_fallback(operation)
        return await fallback()
