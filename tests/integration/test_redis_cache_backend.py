"""RedisBackend and CachePrimitive against a real redis-server."""

from __future__ import annotations

import asyncio
import logging
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


async def test_outage_never_fails_a_cached_call(
    refused_redis_url: str, ctx: WorkflowContext
) -> None:
    unreachable = RedisBackend(refused_redis_url, socket_timeout=0.5)
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


async def test_tuples_bytes_and_int_keys_come_back_exactly(
    backend: RedisBackend, ctx: WorkflowContext
) -> None:
    answer = {"span": (3, 7), 42: ["int key", (1.5, None)], "raw": b"\x00\xff", "t": ()}
    inner = MockPrimitive(answer)
    cache = CachePrimitive(inner, backend=backend, ttl_seconds=30)
    await cache.execute(("a", "tuple", "input"), ctx)
    hit = await cache.execute(("a", "tuple", "input"), ctx)
    assert cache.stats.hits == 1
    assert hit == answer
    assert type(hit["span"]) is tuple
    assert type(hit[42][1]) is tuple
    assert hit["raw"] == b"\x00\xff"
    # a list input is a different key from the equal-looking tuple
    assert await cache.execute(["a", "tuple", "input"], ctx) == answer
    assert inner.call_count == 2


async def test_a_value_redis_cannot_hold_exactly_is_uncacheable_not_an_error(
    backend: RedisBackend, ctx: WorkflowContext, caplog: pytest.LogCaptureFixture
) -> None:
    class Answer:
        def __init__(self, text: str) -> None:
            self.text = text

    inner = MockPrimitive(side_effect=Answer)
    cache = CachePrimitive(inner, backend=backend, ttl_seconds=30)
    with caplog.at_level(logging.WARNING, logger="tta_dev_primitives.cache"):
        first = await cache.execute("prompt", ctx)
        second = await cache.execute("prompt", ctx)
        await cache.execute("prompt", ctx)
    assert (first.text, second.text) == ("prompt", "prompt")
    assert first is not second  # never cached, never corrupted
    assert inner.call_count == 3
    assert cache.stats.uncacheable == 3
    assert cache.stats.backend_errors == 0
    assert cache.stats.misses == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Answer" in warnings[0]
    assert [key async for key in backend.client.scan_iter(match=backend.prefix + "*")] == []


async def test_two_caches_sharing_one_redis_keep_their_answers_apart(
    redis_url: str, ctx: WorkflowContext
) -> None:
    """Two RedisBackends with the default prefix, as two services would configure them."""
    first_backend, second_backend = RedisBackend(redis_url), RedisBackend(redis_url)
    assert first_backend.prefix == second_backend.prefix

    async def translate(text: str) -> str:
        return f"translation of {text}"

    async def summarize(text: str) -> str:
        return f"summary of {text}"

    summaries = CachePrimitive(LambdaPrimitive(summarize), backend=first_backend)
    translations = CachePrimitive(LambdaPrimitive(translate), backend=second_backend)
    try:
        assert await summaries.execute("hello", ctx) == "summary of hello"
        assert await translations.execute("hello", ctx) == "translation of hello"
        assert await translations.execute("hello", ctx) == "translation of hello"
        assert translations.stats.hits == 1
        await summaries.clear()  # only its own namespace
        assert await translations.execute("hello", ctx) == "translation of hello"
        assert translations.stats.hits == 2
        assert await summaries.execute("hello", ctx) == "summary of hello"
        assert summaries.stats.hits == 0
        # a second process with the same configuration shares the entries on purpose
        twin_backend = RedisBackend(redis_url)
        try:
            twin_inner = MockPrimitive("never")
            twin = CachePrimitive(twin_inner, backend=twin_backend, namespace=summaries.namespace)
            assert await twin.execute("hello", ctx) == "summary of hello"
            assert not twin_inner.called
        finally:
            await twin_backend.aclose()
    finally:
        await summaries.clear()
        await translations.clear()
        await first_backend.aclose()
        await second_backend.aclose()


async def test_wrong_password_is_warned_counted_and_never_fails_a_call(
    password_redis: Any, ctx: WorkflowContext, caplog: pytest.LogCaptureFixture
) -> None:
    port = password_redis.port
    wrong = RedisBackend(f"redis://:wrong-password@127.0.0.1:{port}/0", socket_timeout=0.5)
    right = RedisBackend(f"redis://:right-password@127.0.0.1:{port}/0", socket_timeout=0.5)
    hook = RecordingHook()
    hooks.install_hook(hook)
    try:
        inner = MockPrimitive(side_effect=lambda prompt: prompt.upper())
        cache = CachePrimitive(inner, backend=wrong, ttl_seconds=30)
        with caplog.at_level(logging.WARNING, logger="tta_dev_primitives.cache"):
            for _ in range(3):
                assert await cache.execute("prompt", ctx) == "PROMPT"
        assert inner.call_count == 3
        assert cache.stats.backend_errors == 2
        assert cache.stats.bypassed == 4
        errors = hook.events(PrimitiveEvent.CACHE_BACKEND_ERROR)
        assert {e["error_type"] for e in errors} == {"AuthenticationError"}
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any("AuthenticationError" in message for message in warnings)
        assert any("circuit open" in message for message in warnings)

        good = CachePrimitive(MockPrimitive("ok"), backend=right, ttl_seconds=30)
        await good.execute("prompt", ctx)
        assert await good.execute("prompt", ctx) == "ok"
        assert (good.stats.hits, good.stats.backend_errors) == (1, 0)
    finally:
        hooks.uninstall_hook(hook)
        await wrong.aclose()
        await right.clear()
        await right.aclose()
