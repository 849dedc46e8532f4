import asyncio
from typing import Any

import pytest
from tta_dev_primitives import (
    MISSING,
    CachePrimitive,
    CacheStats,
    InMemoryBackend,
    LambdaPrimitive,
    MockPrimitive,
    PrimitiveEvent,
)
from tta_dev_primitives.cache.primitive import key_hash


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class BrokenBackend:
    """A remote backend whose every operation fails, like Redis during an outage."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    async def get(self, key: str) -> Any:
        self.operations.append("get")
        raise ConnectionError("down")

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        self.operations.append("set")
        raise ConnectionError("down")

    async def delete(self, key: str) -> None:
        raise ConnectionError("down")

    async def clear(self, prefix: str = "") -> None:
        raise ConnectionError("down")


class DictBackend:
    """A minimal async backend (not InMemoryBackend) to exercise the generic path."""

    def __init__(self, evict_every_set: int = 0) -> None:
        self.data: dict[str, Any] = {}
        self.ttls: dict[str, float | None] = {}
        self.evict_every_set = evict_every_set

    async def get(self, key: str) -> Any:
        return self.data.get(key, MISSING)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        self.data[key] = value
        self.ttls[key] = ttl_seconds
        return self.evict_every_set

    async def delete(self, key: str) -> None:
        self.data.pop(key, None)

    async def clear(self, prefix: str = "") -> None:
        for key in [key for key in self.data if key.startswith(prefix)]:
            del self.data[key]


async def test_miss_then_hit(ctx):
    inner = MockPrimitive("answer")
    cache = CachePrimitive(inner)
    assert await cache.execute("q", ctx) == "answer"
    assert await cache.execute("q", ctx) == "answer"
    assert inner.call_count == 1
    assert cache.stats == CacheStats(hits=1, misses=1, evictions=0, backend_errors=0, coalesced=0)
    assert cache.stats.hit_ratio == 0.5
    assert isinstance(cache.backend, InMemoryBackend)
    assert cache.backend.max_entries == 1024


async def test_cached_none_is_a_hit(ctx):
    inner = MockPrimitive(None)
    cache = CachePrimitive(inner)
    await cache.execute("q", ctx)
    await cache.execute("q", ctx)
    assert inner.call_count == 1


def test_hit_ratio_before_any_lookup():
    assert CachePrimitive(MockPrimitive()).stats.hit_ratio == 0.0


async def test_key_fn_decides_identity(ctx):
    inner = MockPrimitive(side_effect=lambda x: x["q"].upper())
    cache = CachePrimitive(inner, key_fn=lambda x, _c: x["q"])
    assert await cache.execute({"q": "a", "noise": 1}, ctx) == "A"
    assert await cache.execute({"q": "a", "noise": 2}, ctx) == "A"
    assert inner.call_count == 1


async def test_ttl_expiry_with_injected_clock(ctx):
    clock = FakeClock()
    inner = MockPrimitive(side_effect=[1, 2])
    cache = CachePrimitive(inner, ttl_seconds=30, backend=InMemoryBackend(clock=clock))
    assert await cache.execute("q", ctx) == 1
    clock.now = 29.0
    assert await cache.execute("q", ctx) == 1
    clock.now = 30.0
    assert await cache.execute("q", ctx) == 2
    assert cache.stats.misses == 2


async def test_max_entries_evicts_and_reports(ctx, hook):
    cache = CachePrimitive(MockPrimitive(side_effect=lambda x: x * 10), max_entries=2)
    for value in (1, 2, 3):
        await cache.execute(value, ctx)
    assert cache.stats.evictions == 1
    assert hook.events(PrimitiveEvent.CACHE_EVICTION) == [{"count": 1}]
    await cache.execute(1, ctx)
    assert cache.stats.misses == 4


async def test_hit_and_miss_events_carry_a_key_hash_not_the_key(ctx, hook):
    cache = CachePrimitive(MockPrimitive("v"), key_fn=lambda _x, _c: "secret-user-prompt")
    await cache.execute(0, ctx)
    await cache.execute(0, ctx)
    digest = key_hash(cache.key_for(0, ctx))
    assert len(digest) == 16
    assert digest == key_hash(cache.key_for(1, ctx))
    assert hook.events(PrimitiveEvent.CACHE_MISS) == [{"key_hash": digest}]
    assert hook.events(PrimitiveEvent.CACHE_HIT) == [{"key_hash": digest}]
    assert "secret-user-prompt" not in repr(hook.calls)


async def test_ten_concurrent_misses_run_the_primitive_once(ctx):
    release = asyncio.Event()
    calls = 0

    async def slow(x: int) -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return x * 2

    cache = CachePrimitive(LambdaPrimitive(slow))
    tasks = [asyncio.create_task(cache.execute(21, ctx)) for _ in range(10)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*tasks) == [42] * 10
    assert calls == 1
    assert cache.stats.misses == 10
    assert cache.stats.coalesced == 9
    assert await cache.execute(21, ctx) == 42
    assert cache.stats.hits == 1


async def test_concurrent_misses_share_the_error(ctx):
    release = asyncio.Event()
    calls = 0

    async def failing(_: int) -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        raise RuntimeError("llm down")

    cache = CachePrimitive(LambdaPrimitive(failing))
    tasks = [asyncio.create_task(cache.execute(1, ctx)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert calls == 1
    assert cache._inflight == {}
    with pytest.raises(RuntimeError):
        await cache.execute(1, ctx)
    assert calls == 2


async def test_failed_miss_is_not_cached(ctx):
    inner = MockPrimitive(side_effect=[RuntimeError("x"), "ok"])
    cache = CachePrimitive(inner)
    with pytest.raises(RuntimeError):
        await cache.execute(1, ctx)
    assert await cache.execute(1, ctx) == "ok"


async def test_cancelled_leader_hands_over_to_a_waiter(ctx):
    started = asyncio.Event()
    release = asyncio.Event()
    calls = 0

    async def work(x: int) -> int:
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return x + calls * 100

    cache = CachePrimitive(LambdaPrimitive(work))
    leader = asyncio.create_task(cache.execute(1, ctx))
    await started.wait()
    waiter = asyncio.create_task(cache.execute(1, ctx))
    await asyncio.sleep(0)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    await asyncio.sleep(0)
    release.set()
    assert await waiter == 201
    assert calls == 2


async def test_cancelled_waiter_does_not_cancel_the_leader(ctx):
    started = asyncio.Event()
    release = asyncio.Event()

    async def work(x: int) -> int:
        started.set()
        await release.wait()
        return x

    cache = CachePrimitive(LambdaPrimitive(work))
    leader = asyncio.create_task(cache.execute(5, ctx))
    await started.wait()
    waiter = asyncio.create_task(cache.execute(5, ctx))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    assert await leader == 5


async def test_backend_outage_never_fails_the_call(ctx, hook):
    backend = BrokenBackend()
    inner = MockPrimitive("fresh")
    cache = CachePrimitive(inner, backend=backend, ttl_seconds=60, circuit_failures=5)
    assert await cache.execute("q", ctx) == "fresh"
    assert await cache.execute("q", ctx) == "fresh"
    assert inner.call_count == 2
    assert cache.stats.backend_errors == 4
    assert hook.events(PrimitiveEvent.CACHE_BACKEND_ERROR)[:2] == [
        {"operation": "get", "error_type": "ConnectionError"},
        {"operation": "set", "error_type": "ConnectionError"},
    ]
    await cache.invalidate("q", ctx)
    assert cache.stats.backend_errors == 5


async def test_backend_outage_without_hook(ctx):
    cache = CachePrimitive(MockPrimitive("fresh"), backend=BrokenBackend())
    assert await cache.execute("q", ctx) == "fresh"
    assert cache.stats.backend_errors == 2


async def test_generic_backend_path_with_ttl_and_evictions(ctx, hook):
    backend = DictBackend(evict_every_set=2)
    cache = CachePrimitive(MockPrimitive("v"), backend=backend, ttl_seconds=5)
    assert await cache.execute("q", ctx) == "v"
    assert await cache.execute("q", ctx) == "v"
    assert backend.ttls == {cache.key_for("q", ctx): 5}
    assert cache.stats.evictions == 2
    assert cache.stats.hits == 1
    assert hook.events(PrimitiveEvent.CACHE_EVICTION) == [{"count": 2}]


async def test_invalidate_clear_and_reset_stats(ctx):
    inner = MockPrimitive(side_effect=[1, 2, 3])
    cache = CachePrimitive(inner)
    await cache.execute("q", ctx)
    await cache.invalidate("q", ctx)
    assert await cache.execute("q", ctx) == 2
    await cache.clear()
    assert await cache.execute("q", ctx) == 3
    cache.reset_stats()
    assert cache.stats == CacheStats(0, 0, 0, 0, 0)


async def test_leader_cancelled_while_storing(ctx):
    storing = asyncio.Event()

    class SlowBackend(DictBackend):
        async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
            storing.set()
            await asyncio.Event().wait()
            return 0

    cache = CachePrimitive(MockPrimitive("v"), backend=SlowBackend())
    task = asyncio.create_task(cache.execute("q", ctx))
    await storing.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cache._inflight == {}


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"ttl_seconds": -1}, "ttl_seconds"),
        ({"ttl_seconds": 0}, "ttl_seconds"),
        ({"ttl_seconds": float("nan")}, "ttl_seconds"),
        ({"ttl_seconds": True}, "ttl_seconds"),
        ({"max_entries": 0}, "max_entries"),
        ({"max_entries": 5, "backend": InMemoryBackend()}, "max_entries"),
        ({"backend": object()}, "backend"),
        ({"key_fn": "k"}, "key_fn"),
    ],
)
def test_invalid_configuration(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        CachePrimitive(MockPrimitive(), **kwargs)


def test_primitive_must_be_a_primitive():
    with pytest.raises(ValueError, match="primitive"):
        CachePrimitive("x")  # type: ignore[arg-type]
