"""RedisBackend and CachePrimitive against a real redis-server."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from tta_dev_primitives import (
    MISSING,
    CachePrimitive,
    LambdaPrimitive,
    MockPrimitive,
    PrimitiveEvent,
    RecordingHook,
    RedisBackend,
    WorkflowContext,
    hooks,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def backend(redis_url: str) -> AsyncIterator[RedisBackend]:
    redis_backend = RedisBackend(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        yield redis_backend
    finally:
        await redis_backend.clear()
        await redis_backend.aclose()


@pytest.fixture
def ctx() -> WorkflowContext:
    return WorkflowContext("wf-integration", "s-1")


async def test_get_set_round_trip(backend: RedisBackend) -> None:
    assert await backend.get("missing") is MISSING
    value = {"answer": [1, 2.5, "é", None, True]}
    assert await backend.set("k", value, None) == 0
    assert await backend.get("k") == value
    await backend.set("none", None, None)
    assert await backend.get("none") is None
    await backend.delete("k")
    assert await backend.get("k") is MISSING


async def test_ttl_is_set_and_honoured_by_the_server(backend: RedisBackend) -> None:
    await backend.set("short", "v", 0.3)
    await backend.set("forever", "v", None)
    pttl = await backend.client.pttl(backend.prefix + "short")
    assert 0 < pttl <= 300
    assert await backend.client.pttl(backend.prefix + "forever") == -1
    assert await backend.get("short") == "v"
    for _ in range(100):
        if await backend.get("short") is MISSING:
            break
        await asyncio.sleep(0.05)
    assert await backend.get("short") is MISSING
    assert await backend.client.exists(backend.prefix + "short") == 0
    assert await backend.get("forever") == "v"


async def test_prefix_isolates_keys_and_clear(redis_url: str, backend: RedisBackend) -> None:
    await backend.set("k", 1, None)
    assert await backend.client.get(backend.prefix + "k") == b"1"
    neighbour = RedisBackend(redis_url, prefix=backend.prefix.rstrip(":") + "-other:")
    try:
        await neighbour.set("k", 2, None)
        assert await backend.get("k") == 1
        await backend.clear()
        assert await backend.get("k") is MISSING
        assert await neighbour.get("k") == 2
    finally:
        await neighbour.clear()
        await neighbour.aclose()


async def test_pluggable_codec(redis_url: str) -> None:
    class TextCodec:
        def encode(self, value: Any) -> bytes:
            return f"text:{value}".encode()

        def decode(self, data: bytes) -> Any:
            return data.decode().removeprefix("text:")

    text = RedisBackend(redis_url, prefix=f"test:{uuid.uuid4().hex}:", codec=TextCodec())
    try:
        await text.set("k", "hello", None)
        assert await text.client.get(text.prefix + "k") == b"text:hello"
        assert await text.get("k") == "hello"
    finally:
        await text.clear()
        await text.aclose()


async def test_cache_primitive_shares_results_through_redis(
    redis_url: str, backend: RedisBackend, ctx: WorkflowContext
) -> None:
    inner = MockPrimitive({"completion": "hi"})
    cache = CachePrimitive(inner, backend=backend, ttl_seconds=30)
    assert await cache.execute("prompt", ctx) == {"completion": "hi"}
    assert await cache.execute("prompt", ctx) == {"completion": "hi"}
    assert inner.call_count == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)

    # A second process (here: a second client and primitive) sees the same entry.
    other_process = RedisBackend(redis_url, prefix=backend.prefix)
    try:
        other_inner = MockPrimitive("never")
        other = CachePrimitive(other_inner, backend=other_process, ttl_seconds=30)
        assert await other.execute("prompt", ctx) == {"completion": "hi"}
        assert not other_inner.called
    finally:
        await other_process.aclose()


async def test_concurrent_cold_misses_run_once(backend: RedisBackend, ctx: WorkflowContext) -> None:
    calls = 0

    async def slow(text: str) -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return text.upper()

    cache = CachePrimitive(LambdaPrimitive(slow), backend=backend, ttl_seconds=30)
    results = await asyncio.gather(*(cache.execute("cold", ctx) for _ in range(10)))
    assert results == ["COLD"] * 10
    assert calls == 1


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_outage_never_fails_a_cached_call(ctx: WorkflowContext) -> None:
    unreachable = RedisBackend(f"redis://127.0.0.1:{_closed_port()}/0", socket_timeout=0.5)
    hook = RecordingHook()
    hooks.install_hook(hook)
    try:
        inner = MockPrimitive("fresh")
        cache = CachePrimitive(inner, backend=unreachable, ttl_seconds=30)
        assert await cache.execute("prompt", ctx) == "fresh"
        assert await cache.execute("prompt", ctx) == "fresh"
    finally:
        hooks.uninstall_hook(hook)
        await unreachable.aclose()
    assert inner.call_count == 2
    # the first call's failed get and set open the circuit: the second skips Redis
    assert cache.stats.backend_errors == 2
    assert cache.stats.bypassed == 2
    assert cache.stats.hits == 0
    errors = hook.events(PrimitiveEvent.CACHE_BACKEND_ERROR)
    assert [e["operation"] for e in errors] == ["get", "set"]
    assert all(e["error_type"] == "ConnectionError" for e in errors)


async def test_server_stopping_mid_run_never_fails_a_cached_call(
    disposable_redis: Any, ctx: WorkflowContext
) -> None:
    backend = RedisBackend(disposable_redis.url, socket_timeout=0.5)
    try:
        inner = MockPrimitive(side_effect=["first", "second"])
        cache = CachePrimitive(inner, backend=backend, ttl_seconds=30)
        assert await cache.execute("prompt", ctx) == "first"
        assert await cache.execute("prompt", ctx) == "first"
        disposable_redis.stop()
        assert await cache.execute("prompt", ctx) == "second"
        assert cache.stats.backend_errors == 2
        assert cache.stats.hits == 1
    finally:
        await backend.aclose()
