"""The cache's Redis fallback against a real redis-server that is paused, killed and restarted.

While the server is frozen (SIGSTOP) the FallbackBackend serves from memory; a
value deleted or overwritten then must not come back once the server runs
again (SIGCONT) with its old data. Killed under load against tta-api, one
circuit opens, ``/health`` says ``unreachable``, answers continue from memory,
and after a restart on the same port the circuit and ``/health`` agree that
Redis is back within one reset period.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from tta_api import Settings, create_app
from tta_api.cache_backend import CIRCUIT_RESET_SECONDS
from tta_dev_primitives import MISSING, FallbackBackend, InMemoryBackend, RedisBackend

from .conftest import RedisServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")

RESET_SECONDS = 5.0
CLIENTS = 8
PROMPTS = [f"Define term number {index}." for index in range(4)]


class _Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
async def fallback(disposable_redis: RedisServer, clock: _Clock) -> AsyncIterator[FallbackBackend]:
    redis = RedisBackend(
        disposable_redis.url, prefix=f"test:{uuid.uuid4().hex}:", socket_timeout=0.3
    )
    backend = FallbackBackend(
        redis, InMemoryBackend(100), failures=1, reset_seconds=RESET_SECONDS, clock=clock
    )
    try:
        yield backend
    finally:
        disposable_redis.resume()
        await backend.aclose()


def _redis(backend: FallbackBackend) -> RedisBackend:
    assert isinstance(backend.primary, RedisBackend)
    return backend.primary


async def test_values_changed_while_redis_was_frozen_do_not_come_back(
    disposable_redis: RedisServer, fallback: FallbackBackend, clock: _Clock
) -> None:
    redis = _redis(fallback)
    await fallback.set("overwritten", "old", 60)
    await fallback.set("deleted", "old", None)
    await fallback.set("untouched", "kept", None)
    disposable_redis.pause()
    await fallback.set("overwritten", "new", 60)  # times out: memory (the SET may land later)
    await fallback.delete("deleted")  # skipped: memory only, remembered
    assert not fallback.circuit.closed
    assert fallback.stale == 2
    assert await fallback.get("overwritten") == "new"
    assert await fallback.get("deleted") is MISSING
    disposable_redis.resume()
    assert await redis.get("deleted") == "old"  # Redis still holds the deleted value...
    clock.now += RESET_SECONDS + 0.1
    assert await fallback.get("deleted") is MISSING  # ...which is never served again
    assert await fallback.get("overwritten") is MISSING
    assert await fallback.get("untouched") == "kept"
    assert fallback.stale == 0
    assert await redis.client.exists(redis.prefix + "overwritten", redis.prefix + "deleted") == 0


async def test_a_prefix_cleared_while_redis_was_frozen_stays_cleared(
    disposable_redis: RedisServer, fallback: FallbackBackend, clock: _Clock
) -> None:
    for key in ("a:1", "a:2", "b:1"):
        await fallback.set(key, "old", None)
    disposable_redis.pause()
    await fallback.clear("a:")
    disposable_redis.resume()
    assert await fallback.check() is False  # the circuit is open: /health is told no
    clock.now += RESET_SECONDS + 0.1
    assert await fallback.check() is True  # /health sees Redis back first
    values = [await fallback.get(key) for key in ("a:1", "a:2", "b:1")]
    assert values == [MISSING, MISSING, "old"]


async def test_a_resume_before_the_reset_time_still_serves_memory_then_invalidates(
    disposable_redis: RedisServer, fallback: FallbackBackend, clock: _Clock
) -> None:
    await fallback.set("k", "old", None)
    disposable_redis.pause()
    await fallback.set("k", "new", None)
    disposable_redis.resume()
    assert await fallback.get("k") == "new"  # within the reset time: memory
    clock.now += RESET_SECONDS + 0.1
    assert await fallback.get("k") is MISSING
    await fallback.set("k", "newest", None)
    assert await _redis(fallback).get("k") == "newest"


class _Load:
    """``CLIENTS`` concurrent callers of the cached workflow until stopped; every status kept."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self._running = True
        self.statuses: list[int] = []
        self._tasks = [asyncio.create_task(self._caller(index)) for index in range(CLIENTS)]

    async def _caller(self, index: int) -> None:
        turn = index
        while self._running:
            prompt = PROMPTS[turn % len(PROMPTS)]
            response = await self._client.post(
                "/api/v1/workflows/smart-answer/run", json={"prompt": prompt}
            )
            self.statuses.append(response.status_code)
            turn += 1
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self._running = False
        await asyncio.gather(*self._tasks)


def _closed(backend: FallbackBackend) -> bool:
    """The circuit's state now (a call: mypy would keep an attribute narrowed across awaits)."""
    return backend.circuit.closed


async def _state(client: httpx.AsyncClient) -> str:
    response = await client.get("/health")
    assert response.status_code == 200
    return str(response.json()["dependencies"]["redis"])


async def test_redis_killed_under_load_one_circuit_opens_and_recovers_within_its_reset(
    disposable_redis: RedisServer,
) -> None:
    settings = Settings.model_validate(
        {"REDIS_URL": disposable_redis.url, "TTA_OBSERVABILITY": "off"}
    )
    app: FastAPI = create_app(settings)
    backend = app.state.service.cache_backend
    assert isinstance(backend, FallbackBackend)
    circuit = backend.circuit
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://tta-api") as client,
    ):
        load = _Load(client)
        try:
            await asyncio.sleep(0.3)
            assert await _state(client) == "ok"
            assert (_closed(backend), circuit.openings, sum(backend.fallbacks.values())) == (
                True,
                0,
                0,
            )

            disposable_redis.kill()
            served_before = len(load.statuses)
            await asyncio.sleep(0.5)
            assert await _state(client) == "unreachable"
            assert not _closed(backend)
            assert circuit.openings == 1  # every caller failed; the one circuit opened once
            assert len(load.statuses) > served_before  # answers continue, from memory
            assert sum(backend.fallbacks.values()) > 0

            disposable_redis.start()
            back = time.monotonic()
            while not _closed(backend) or await _state(client) != "ok":
                assert time.monotonic() - back < CIRCUIT_RESET_SECONDS + 1.0, (
                    f"circuit closed={_closed(backend)} after {time.monotonic() - back:.1f} s"
                )
                await asyncio.sleep(0.1)
            recovered = time.monotonic() - back
        finally:
            await load.stop()
        assert await _state(client) == "ok"
        assert _closed(backend)
        assert circuit.openings == 1
        stats = (await client.get("/api/v1/cache/stats")).json()
        metrics = (await client.get("/metrics")).text
    assert set(load.statuses) == {200}
    assert recovered <= CIRCUIT_RESET_SECONDS + 1.0
    assert stats["redis_fallbacks"] == sum(backend.fallbacks.values())
    assert "tta_api_cache_redis_circuit_openings_total 1.0" in metrics
    assert "tta_api_cache_redis_circuit_open 0.0" in metrics
