"""tta-api's Redis fallback against a real redis-server that is paused and resumed.

While the server is frozen (SIGSTOP) the backend serves from memory; a value
deleted or overwritten then must not come back once the server runs again
(SIGCONT) with its old data.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator

import pytest
from tta_api.cache_backend import RETRY_AFTER_SECONDS, DependencyState, RedisWithMemoryFallback
from tta_dev_primitives import MISSING, InMemoryBackend, RedisBackend

from .conftest import RedisServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")


class _Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
async def fallback(
    disposable_redis: RedisServer, clock: _Clock
) -> AsyncIterator[RedisWithMemoryFallback]:
    redis = RedisBackend(
        disposable_redis.url, prefix=f"test:{uuid.uuid4().hex}:", socket_timeout=0.3
    )
    backend = RedisWithMemoryFallback(redis, InMemoryBackend(100), clock=clock)
    try:
        yield backend
    finally:
        disposable_redis.resume()
        await backend.aclose()


async def test_values_changed_while_redis_was_frozen_do_not_come_back(
    disposable_redis: RedisServer, fallback: RedisWithMemoryFallback, clock: _Clock
) -> None:
    redis = fallback.redis
    await fallback.set("overwritten", "old", 60)
    await fallback.set("deleted", "old", None)
    await fallback.set("untouched", "kept", None)
    disposable_redis.pause()
    await fallback.set("overwritten", "new", 60)  # times out: memory (the SET may land later)
    await fallback.delete("deleted")  # skipped: memory only, remembered
    assert fallback.state is DependencyState.UNREACHABLE
    assert fallback.stale == 2
    assert await fallback.get("overwritten") == "new"
    assert await fallback.get("deleted") is MISSING
    disposable_redis.resume()
    assert await redis.get("deleted") == "old"  # Redis still holds the deleted value...
    clock.now += RETRY_AFTER_SECONDS + 0.1
    assert await fallback.get("deleted") is MISSING  # ...which is never served again
    assert await fallback.get("overwritten") is MISSING
    assert await fallback.get("untouched") == "kept"
    assert fallback.stale == 0
    assert await redis.client.exists(redis.prefix + "overwritten", redis.prefix + "deleted") == 0


async def test_a_prefix_cleared_while_redis_was_frozen_stays_cleared(
    disposable_redis: RedisServer, fallback: RedisWithMemoryFallback, clock: _Clock
) -> None:
    for key in ("a:1", "a:2", "b:1"):
        await fallback.set(key, "old", None)
    disposable_redis.pause()
    await fallback.clear("a:")
    disposable_redis.resume()
    assert await fallback.ping() is DependencyState.OK  # /health sees Redis back first
    values = [await fallback.get(key) for key in ("a:1", "a:2", "b:1")]
    assert values == [MISSING, MISSING, "old"]


async def test_a_resume_before_the_retry_time_still_serves_memory_then_invalidates(
    disposable_redis: RedisServer, fallback: RedisWithMemoryFallback, clock: _Clock
) -> None:
    await fallback.set("k", "old", None)
    disposable_redis.pause()
    await fallback.set("k", "new", None)
    disposable_redis.resume()
    assert await fallback.get("k") == "new"  # within the retry window: memory
    clock.now += RETRY_AFTER_SECONDS + 0.1
    assert await fallback.get("k") is MISSING
    await fallback.set("k", "newest", None)
    assert await fallback.redis.get("k") == "newest"
