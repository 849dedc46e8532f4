"""The workflows' cache storage: Redis when configured, in memory otherwise.

:class:`RedisWithMemoryFallback` keeps the service answering through a Redis
outage: an operation Redis cannot serve is served by an in-memory backend with
the same time-to-live semantics, the fallback is counted, and the dependency is
reported ``unreachable`` until Redis answers again. After a failure, operations
go straight to memory for :data:`RETRY_AFTER_SECONDS` (a Redis host that drops
packets would otherwise cost a connect timeout per operation); ``/health``
pings Redis every time.

A value deleted or overwritten during an outage never comes back after it: every
key written or deleted in memory meanwhile (and every prefix cleared) is
remembered, and before Redis serves any operation again those keys are deleted
from Redis (and from memory, which serves outages only, so a value it kept cannot
outlive later writes to Redis). Until that invalidation has succeeded, Redis
serves nothing: a failure of it counts as Redis still failing.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

from redis.exceptions import RedisError
from tta_dev_primitives import CacheBackend, InMemoryBackend, RedisBackend

__all__ = ["DependencyState", "RedisWithMemoryFallback", "build_cache_backend"]

_log = logging.getLogger(__name__)

_T = TypeVar("_T")

MEMORY_MAX_ENTRIES = 4096
RETRY_AFTER_SECONDS = 5.0
STALE_KEYS_MAX = MEMORY_MAX_ENTRIES  # past this, recovery clears the backend's whole prefix


class DependencyState(StrEnum):
    """How /health reports a dependency."""

    OK = "ok"
    UNREACHABLE = "unreachable"
    NOT_CONFIGURED = "not configured"


class RedisWithMemoryFallback:
    """A :class:`~tta_dev_primitives.CacheBackend` over Redis that falls back to memory.

    ``fallbacks`` counts, per operation, the calls the in-memory backend served
    because Redis failed or was skipped; ``on_fallback(operation)`` is called
    for each. ``clock`` (monotonic seconds) is injectable for tests.
    """

    def __init__(
        self,
        redis: RedisBackend,
        memory: InMemoryBackend,
        on_fallback: Callable[[str], None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.memory = memory
        self.fallbacks: Counter[str] = Counter()
        self._on_fallback = on_fallback
        self._clock = clock
        self._skip_redis_until = -math.inf
        self.state = DependencyState.OK
        self._stale_keys: set[str] = set()  # written or deleted in memory during an outage
        self._stale_prefixes: set[str] = set()  # cleared in memory during an outage
        self._invalidating = asyncio.Lock()

    async def get(self, key: str) -> Any:
        """The value from Redis, or from memory while Redis fails."""
        return await self._call("get", lambda: self.redis.get(key), lambda: self.memory.get(key))

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store in Redis, or in memory while Redis fails (Redis's copy is then stale)."""

        async def in_memory() -> int:
            self._remember(key)
            return await self.memory.set(key, value, ttl_seconds)

        return await self._call("set", lambda: self.redis.set(key, value, ttl_seconds), in_memory)

    async def delete(self, key: str) -> None:
        """Remove ``key`` from both stores (from Redis after the outage, if it fails)."""

        async def later() -> None:
            self._remember(key)

        await self.memory.delete(key)
        await self._call("delete", lambda: self.redis.delete(key), later)

    async def clear(self, prefix: str = "") -> None:
        """Remove every entry whose key starts with ``prefix`` from both stores."""

        async def later() -> None:
            self._stale_prefixes.add(prefix)

        await self.memory.clear(prefix)
        await self._call("clear", lambda: self.redis.clear(prefix), later)

    @property
    def stale(self) -> int:
        """Keys and prefixes Redis holds outdated values for, until they are invalidated."""
        return len(self._stale_keys) + len(self._stale_prefixes)

    async def ping(self) -> DependencyState:
        """Check Redis now and update :attr:`state`."""
        try:
            await self.redis.client.ping()
        except (RedisError, OSError):
            self._failed()
        else:
            self.state = DependencyState.OK
            self._skip_redis_until = -math.inf
        return self.state

    async def aclose(self) -> None:
        """Close the Redis connection pool."""
        await self.redis.aclose()

    async def _call(
        self,
        operation: str,
        primary: Callable[[], Awaitable[_T]],
        fallback: Callable[[], Awaitable[_T]],
    ) -> _T:
        if self._clock() < self._skip_redis_until:
            return await self._fall_back(operation, fallback)
        try:
            await self._invalidate_stale()
            result = await primary()
        except (RedisError, OSError) as error:
            if self.state is DependencyState.OK:
                _log.warning("Redis unreachable (%s); caching in memory", type(error).__name__)
            self._failed()
            return await self._fall_back(operation, fallback)
        self.state = DependencyState.OK
        return result

    def _remember(self, key: str) -> None:
        """Mark ``key`` stale in Redis; past :data:`STALE_KEYS_MAX`, the whole prefix is."""
        if "" in self._stale_prefixes:
            return
        if len(self._stale_keys) >= STALE_KEYS_MAX:
            self._stale_keys.clear()
            self._stale_prefixes = {""}
            return
        self._stale_keys.add(key)

    async def _invalidate_stale(self) -> None:
        """Delete from Redis (and memory) what the outage changed; raises while Redis fails."""
        if not self.stale:
            return
        async with self._invalidating:
            keys, prefixes = set(self._stale_keys), set(self._stale_prefixes)
            for prefix in prefixes:
                await self.redis.clear(prefix)
            for key in keys:
                await self.redis.delete(key)
            for prefix in prefixes:
                await self.memory.clear(prefix)
            for key in keys:
                await self.memory.delete(key)
            self._stale_keys -= keys
            self._stale_prefixes -= prefixes
            if keys or prefixes:
                _log.info(
                    "Redis is back; invalidated %d keys and %d prefixes changed during the outage",
                    len(keys),
                    len(prefixes),
                )

    def _failed(self) -> None:
        self.state = DependencyState.UNREACHABLE
        self._skip_redis_until = self._clock() + RETRY_AFTER_SECONDS

    async def _fall_back(self, operation: str, fallback: Callable[[], Awaitable[_T]]) -> _T:
        self.fallbacks[operation] += 1
        if self._on_fallback is not None:
            self._on_fallback(operation)
        return await fallback()


def build_cache_backend(
    redis_url: str | None, on_fallback: Callable[[str], None] | None = None
) -> CacheBackend:
    """Redis with memory fallback when ``redis_url`` is given, else memory only."""
    memory = InMemoryBackend(MEMORY_MAX_ENTRIES)
    if redis_url is None:
        return memory
    return RedisWithMemoryFallback(
        RedisBackend(redis_url, prefix="tta:api:cache:"), memory, on_fallback
    )
