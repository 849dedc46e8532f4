"""The Redis-with-memory-fallback backend, against a Redis URL nobody listens on."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from tta_api.cache_backend import (
    RETRY_AFTER_SECONDS,
    DependencyState,
    RedisWithMemoryFallback,
    build_cache_backend,
)
from tta_dev_primitives import MISSING, InMemoryBackend, RedisBackend

from .conftest import Serve

OK, UNREACHABLE = DependencyState.OK, DependencyState.UNREACHABLE


def test_memory_only_without_a_url() -> None:
    assert isinstance(build_cache_backend(None), InMemoryBackend)


async def test_operations_fall_back_to_memory_and_are_counted(refused_redis_url: str) -> None:
    seen: list[str] = []
    backend = build_cache_backend(refused_redis_url, on_fallback=seen.append)
    assert isinstance(backend, RedisWithMemoryFallback)
    try:
        states = [backend.state]
        assert await backend.get("k") is MISSING
        assert await backend.set("k", {"v": 1}, 60) == 0
        assert await backend.get("k") == {"v": 1}
        await backend.delete("k")
        assert await backend.get("k") is MISSING
        await backend.set("k", 1, None)
        await backend.clear()
        assert await backend.memory.get("k") is MISSING
        states += [backend.state, await backend.ping()]
        assert states == [OK, UNREACHABLE, UNREACHABLE]
    finally:
        await backend.aclose()
    assert seen == ["get", "set", "get", "delete", "get", "set", "clear"]
    assert backend.fallbacks == {"get": 3, "set": 2, "delete": 1, "clear": 1}


async def test_memory_fallback_keeps_the_time_to_live(refused_redis_url: str) -> None:
    now = [0.0]
    memory = InMemoryBackend(10, clock=lambda: now[0])
    backend = RedisWithMemoryFallback(RedisBackend(refused_redis_url), memory)
    try:
        await backend.set("k", "v", 5)
        assert await backend.get("k") == "v"
        now[0] = 5.0
        assert await backend.get("k") is MISSING
    finally:
        await backend.aclose()


async def test_unreachable_redis_degrades_health_and_requests_still_succeed(
    refused_redis_url: str, make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app(REDIS_URL=refused_redis_url)) as client:
        first = await client.post("/api/v1/workflows/smart-answer/run", json={"prompt": "hi"})
        second = await client.post("/api/v1/workflows/smart-answer/run", json={"prompt": "hi"})
        health = (await client.get("/health")).json()
        stats = (await client.get("/api/v1/cache/stats")).json()
        metrics = (await client.get("/metrics")).text
    assert first.status_code == second.status_code == 200
    assert second.json()["cache_hit"] is True
    assert health["status"] == "degraded"
    assert health["dependencies"]["redis"] == "unreachable"
    assert stats["backend"] == "redis"
    assert stats["redis_fallbacks"] == 3
    assert stats["backend_errors"] == 0
    fallbacks = {
        s.labels["operation"]: s.value
        for f in text_string_to_metric_families(metrics)
        if f.name == "tta_api_cache_redis_fallbacks"
        for s in f.samples
        if s.name.endswith("_total")
    }
    assert fallbacks == {"get": 2, "set": 1}


async def test_after_a_failure_redis_is_skipped_until_the_retry_time(
    refused_redis_url: str,
) -> None:
    now = [100.0]
    redis = RedisBackend(refused_redis_url)
    backend = RedisWithMemoryFallback(redis, InMemoryBackend(10), clock=lambda: now[0])
    calls: list[str] = []
    try:
        assert await backend.get("k") is MISSING  # connection refused: memory from now on

        async def answering_get(key: str) -> None:  # Redis is back
            calls.append(key)

        redis.client.get = answering_get  # type: ignore[method-assign,assignment]
        now[0] += RETRY_AFTER_SECONDS - 0.1
        assert await backend.get("k") is MISSING
        assert calls == []
        now[0] += 0.2
        assert await backend.get("k") is MISSING
        assert calls == [redis.prefix + "k"]
    finally:
        await backend.aclose()
    assert backend.fallbacks == {"get": 2}
    assert backend.state is DependencyState.OK
