"""After a Redis outage, nothing deleted or overwritten during it comes back.

A fake Redis (a dict that can be switched off) drives the pure logic of
:class:`RedisWithMemoryFallback`; tests/integration/test_redis_fallback_recovery.py
does the same against a real redis-server that is paused and resumed.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from tta_api.cache_backend import (
    RETRY_AFTER_SECONDS,
    STALE_KEYS_MAX,
    DependencyState,
    RedisWithMemoryFallback,
)
from tta_dev_primitives import MISSING, InMemoryBackend, RedisBackend


class _FakeRedis:
    """The part of RedisBackend the fallback uses, over a dict; ``up`` switches it."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.up = True
        self.fail_deletes = False
        self.deleted: list[str] = []
        self.client = self

    def _check(self) -> None:
        if not self.up:
            raise RedisConnectionError("Connection refused")

    async def ping(self) -> bool:
        self._check()
        return True

    async def get(self, key: str) -> Any:
        self._check()
        return self.data.get(key, MISSING)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        self._check()
        self.data[key] = value
        return 0

    async def delete(self, key: str) -> None:
        self._check()
        if self.fail_deletes:
            raise RedisConnectionError("Connection reset by peer")
        self.deleted.append(key)
        self.data.pop(key, None)

    async def clear(self, prefix: str = "") -> None:
        self._check()
        for key in [k for k in self.data if k.startswith(prefix)]:
            del self.data[key]

    async def aclose(self) -> None:
        return None


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def past_retry_window(self) -> None:
        self.now += RETRY_AFTER_SECONDS + 0.1


@pytest.fixture
def redis() -> _FakeRedis:
    return _FakeRedis()


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
def backend(redis: _FakeRedis, clock: _Clock) -> RedisWithMemoryFallback:
    return RedisWithMemoryFallback(cast(RedisBackend, redis), InMemoryBackend(100), clock=clock)


async def _recover(redis: _FakeRedis, clock: _Clock) -> None:
    redis.up = True
    clock.past_retry_window()


@pytest.mark.parametrize("ttl", [None, 60.0])
async def test_a_value_overwritten_during_an_outage_never_comes_back(
    backend: RedisWithMemoryFallback, redis: _FakeRedis, clock: _Clock, ttl: float | None
) -> None:
    await backend.set("k", "old", ttl)
    redis.up = False
    await backend.set("k", "new", ttl)
    assert await backend.get("k") == "new"
    await _recover(redis, clock)
    assert await backend.get("k") is MISSING  # a miss, never "old"
    assert "k" not in redis.data
    assert backend.state is DependencyState.OK
    await backend.set("k", "newest", ttl)
    assert await backend.get("k") == "newest"


async def test_a_value_deleted_during_an_outage_never_comes_back(
    backend: RedisWithMemoryFallback, redis: _FakeRedis, clock: _Clock
) -> None:
    await backend.set("gone", "old", None)
    await backend.set("kept", "v", None)
    redis.up = False
    await backend.delete("gone")
    assert await backend.get("gone") is MISSING
    await _recover(redis, clock)
    assert await backend.get("gone") is MISSING
    assert await backend.get("kept") == "v"  # untouched keys keep their Redis values
    assert redis.deleted == ["gone"]


async def test_a_prefix_cleared_during_an_outage_never_comes_back(
    backend: RedisWithMemoryFallback, redis: _FakeRedis, clock: _Clock
) -> None:
    for key in ("a:1", "a:2", "b:1"):
        await backend.set(key, "old", None)
    redis.up = False
    await backend.clear("a:")
    await _recover(redis, clock)
    assert [await backend.get(k) for k in ("a:1", "a:2", "b:1")] == [MISSING, MISSING, "old"]


async def test_recovery_seen_by_a_ping_still_invalidates_before_the_next_read(
    backend: RedisWithMemoryFallback, redis: _FakeRedis
) -> None:
    await backend.set("k", "old", None)
    redis.up = False
    await backend.set("k", "new", None)
    redis.up = True
    assert await backend.ping() is DependencyState.OK  # /health sees Redis back
    assert await backend.get("k") is MISSING


async def test_while_invalidation_fails_redis_serves_nothing(
    backend: RedisWithMemoryFallback, redis: _FakeRedis, clock: _Clock
) -> None:
    await backend.set("k", "old", None)
    redis.up = False
    await backend.set("k", "new", None)
    redis.up, redis.fail_deletes = True, True  # answers reads, but the DEL fails
    clock.past_retry_window()
    assert await backend.get("k") == "new"  # memory, as during the outage
    assert backend.state is DependencyState.UNREACHABLE
    assert backend.stale == 1
    redis.fail_deletes = False
    clock.past_retry_window()
    assert await backend.get("k") is MISSING
    assert backend.stale == 0


async def test_outage_values_do_not_outlive_later_writes_to_redis(
    backend: RedisWithMemoryFallback, redis: _FakeRedis, clock: _Clock
) -> None:
    redis.up = False
    await backend.set("k", "first outage", None)
    await _recover(redis, clock)
    await backend.set("k", "while up", None)
    redis.up = False
    clock.past_retry_window()
    assert await backend.get("k") is MISSING  # never the first outage's value


async def test_without_an_outage_nothing_is_invalidated(
    backend: RedisWithMemoryFallback, redis: _FakeRedis
) -> None:
    await backend.set("k", "v", None)
    assert await backend.get("k") == "v"
    assert redis.deleted == []
    assert backend.stale == 0


async def test_past_the_key_limit_the_whole_prefix_is_invalidated(
    backend: RedisWithMemoryFallback, redis: _FakeRedis, clock: _Clock
) -> None:
    await backend.set("before", "old", None)
    redis.up = False
    for index in range(STALE_KEYS_MAX + 1):
        await backend.set(f"k{index}", index, None)
    assert backend.stale == 1  # one prefix, not 4097 keys
    await _recover(redis, clock)
    assert await backend.get("k0") is MISSING
    assert redis.data == {}
