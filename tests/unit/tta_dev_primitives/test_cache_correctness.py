"""Regression tests: a cache must never answer one input with another input's result."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from typing import Any

import pytest
from tta_dev_primitives import (
    MISSING,
    CachePrimitive,
    InMemoryBackend,
    JsonCodec,
    LambdaPrimitive,
    MockPrimitive,
    PrimitiveEvent,
    WorkflowContext,
)


class Query:
    """An input with the default ``repr`` (which holds its memory address)."""

    def __init__(self, text: str) -> None:
        self.text = text


class TruncatingRepr:
    """An input whose ``repr`` drops the part that makes it unique."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"TruncatingRepr({self.text[:5]!r}...)"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class DictBackend:
    """A remote-like backend storing what ``codec`` encodes; ``broken`` makes it fail."""

    def __init__(self) -> None:
        self.codec = JsonCodec()
        self.data: dict[str, bytes] = {}
        self.broken = False
        self.operations: list[str] = []

    def _op(self, name: str) -> None:
        self.operations.append(name)
        if self.broken:
            raise ConnectionError("connection refused")

    async def get(self, key: str) -> Any:
        self._op("get")
        data = self.data.get(key)
        return MISSING if data is None else self.codec.decode(data)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        encoded = self.codec.encode(value)
        self._op("set")
        self.data[key] = encoded
        return 0

    async def delete(self, key: str) -> None:
        self._op("delete")
        self.data.pop(key, None)

    async def clear(self, prefix: str = "") -> None:
        self._op("clear")
        for key in [key for key in self.data if key.startswith(prefix)]:
            del self.data[key]


def upper_text(query: Any) -> str:
    return str(query.text).upper()


async def test_an_object_with_the_default_repr_needs_key_fn(ctx):
    """Regression: the key was repr(input), holding a memory address that a later
    input reuses after garbage collection ('delta' answered 'BETA')."""
    cache = CachePrimitive(LambdaPrimitive(upper_text))
    with pytest.raises(TypeError, match=r"tests\..*Query.*pass key_fn="):
        await cache.execute(Query("beta"), ctx)
    assert cache.stats.misses == 0


async def test_with_key_fn_address_reuse_never_returns_another_answer(ctx):
    cache = CachePrimitive(LambdaPrimitive(upper_text), key_fn=lambda query, _ctx: query.text)
    for index in range(300):  # each Query is freed at once, its address reused
        text = f"text-{index}"
        assert await cache.execute(Query(text), ctx) == text.upper()
    assert cache.stats.hits == 0


async def test_a_truncating_repr_cannot_make_two_inputs_collide(ctx):
    """Regression: inputs whose reprs were equal shared one cached answer."""
    cache = CachePrimitive(LambdaPrimitive(upper_text))
    with pytest.raises(TypeError, match="key_fn"):
        await cache.execute(TruncatingRepr("hello world"), ctx)


async def test_key_fn_must_return_something_with_a_canonical_encoding(ctx):
    cache = CachePrimitive(MockPrimitive("v"), key_fn=lambda _x, _c: object())
    with pytest.raises(TypeError, match="what key_fn returned"):
        await cache.execute("q", ctx)


async def test_equal_dicts_built_in_another_order_hit(ctx):
    """Regression: {"a": 1, "b": 2} and {"b": 2, "a": 1} had different repr keys."""
    inner = MockPrimitive(side_effect=lambda data: sorted(data.items()))
    cache = CachePrimitive(inner)
    assert await cache.execute({"a": 1, "b": 2}, ctx) == [("a", 1), ("b", 2)]
    assert await cache.execute({"b": 2, "a": 1}, ctx) == [("a", 1), ("b", 2)]
    assert inner.call_count == 1


async def test_two_caches_on_one_backend_never_answer_each_other(ctx):
    """Regression: keys were not namespaced (translate("hello") returned "summary of hello")."""
    backend = InMemoryBackend()

    async def translate(text: str) -> str:
        return f"translation of {text}"

    async def summarize(text: str) -> str:
        return f"summary of {text}"

    summaries = CachePrimitive(LambdaPrimitive(summarize), backend=backend)
    translations = CachePrimitive(LambdaPrimitive(translate), backend=backend)
    assert summaries.namespace != translations.namespace
    assert await summaries.execute("hello", ctx) == "summary of hello"
    assert await translations.execute("hello", ctx) == "translation of hello"
    assert len(backend) == 2


async def test_clear_only_clears_its_own_namespace(ctx):
    """Regression: clear() wiped every cache under the backend."""
    backend = DictBackend()
    first = CachePrimitive(MockPrimitive(side_effect=[1, 2]), backend=backend, namespace="a")
    nested = CachePrimitive(MockPrimitive(side_effect=[3, 4]), backend=backend, namespace="a:b")
    await first.execute("q", ctx)
    await nested.execute("q", ctx)
    await first.clear()
    assert await first.execute("q", ctx) == 2
    assert await nested.execute("q", ctx) == 3  # still cached
    assert nested.stats.hits == 1


def test_a_derived_namespace_is_not_shared_by_accident():
    backend = InMemoryBackend()
    first = CachePrimitive(MockPrimitive(), backend=backend)
    derived = r"namespace 'CachePrimitive/MockPrimitive' .*pass namespace="
    with pytest.raises(ValueError, match=derived):
        CachePrimitive(MockPrimitive(), backend=backend)
    CachePrimitive(MockPrimitive(), backend=backend, name="other")
    CachePrimitive(MockPrimitive(), backend=InMemoryBackend())
    del first
    gc.collect()
    CachePrimitive(MockPrimitive(), backend=backend)  # the first cache is gone


async def test_an_explicit_namespace_shares_results_on_purpose(ctx):
    backend = InMemoryBackend()
    writer = CachePrimitive(MockPrimitive("shared"), backend=backend, namespace="answers")
    reader_inner = MockPrimitive("never")
    reader = CachePrimitive(reader_inner, backend=backend, namespace="answers")
    await writer.execute("q", ctx)
    assert await reader.execute("q", ctx) == "shared"
    assert not reader_inner.called


def test_default_namespaces_name_the_wrapped_callable():
    def translate(text: str) -> str:
        return text

    assert CachePrimitive(LambdaPrimitive(translate)).namespace == (
        f"CachePrimitive/{__name__}.test_default_namespaces_name_the_wrapped_callable"
        ".<locals>.translate"
    )
    first: CachePrimitive[str, str] = CachePrimitive(LambdaPrimitive(lambda text: text))
    second: CachePrimitive[str, str] = CachePrimitive(LambdaPrimitive(lambda text: text * 2))
    assert first.namespace != second.namespace  # lambdas on different lines
    named = CachePrimitive(LambdaPrimitive(translate, name="tr"), name="c")
    assert named.namespace == "c/tr"
    with pytest.raises(ValueError, match="namespace"):
        CachePrimitive(MockPrimitive(), namespace="")


async def test_a_value_the_codec_refuses_is_uncacheable_not_a_backend_error(ctx, hook, caplog):
    """Regression: a value JSON could not encode was silently never cached, counted as a
    backend error and logged at DEBUG."""
    backend = DictBackend()
    inner = MockPrimitive(side_effect=lambda text: {text})  # a set: JsonCodec refuses it
    cache = CachePrimitive(inner, backend=backend)
    with caplog.at_level(logging.WARNING, logger="tta_dev_primitives.cache"):
        assert await cache.execute("a", ctx) == {"a"}
        assert await cache.execute("a", ctx) == {"a"}
    assert inner.call_count == 2
    assert cache.stats.uncacheable == 2
    assert cache.stats.backend_errors == 0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per primitive
    assert "not cached" in warnings[0].getMessage()
    assert "builtins.set" in warnings[0].getMessage()
    assert hook.events(PrimitiveEvent.CACHE_UNCACHEABLE) == [
        {"error_type": "UncacheableValueError"},
        {"error_type": "UncacheableValueError"},
    ]


async def test_tuples_and_int_keys_come_back_as_they_went_in(ctx):
    """Regression: with the JSON codec a hit returned a list for a tuple and str dict keys."""
    answer = {"pair": (1, 2), 3: "int key", "nested": [(4, {5: b"x"})]}
    backend = DictBackend()
    cache = CachePrimitive(MockPrimitive(answer), backend=backend)
    await cache.execute("q", ctx)
    hit = await cache.execute("q", ctx)
    assert cache.stats.hits == 1
    assert hit == answer
    assert type(hit["pair"]) is tuple
    assert type(hit["nested"][0]) is tuple
    assert 3 in hit


async def test_backend_errors_are_warned_with_rate_limiting(ctx, caplog):
    """Regression: backend errors (e.g. wrong credentials) were logged at DEBUG only."""
    clock = FakeClock()
    backend = DictBackend()
    backend.broken = True
    cache = CachePrimitive(MockPrimitive("v"), backend=backend, circuit_failures=1000, clock=clock)
    with caplog.at_level(logging.WARNING, logger="tta_dev_primitives.cache"):
        for _ in range(10):
            assert await cache.execute("q", ctx) == "v"
        clock.now += 61
        await cache.execute("q", ctx)
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 2
    assert "cache backend get failed: ConnectionError: connection refused" in messages[0]
    assert "(19 similar failures not logged)" in messages[1]
    assert cache.stats.backend_errors == 22


async def test_a_persistent_outage_opens_the_circuit_until_the_backend_answers(ctx, caplog):
    clock = FakeClock()
    backend = DictBackend()
    backend.broken = True
    inner = MockPrimitive(side_effect=lambda text: text.upper())
    cache = CachePrimitive(
        inner, backend=backend, circuit_failures=2, circuit_reset_seconds=5, clock=clock
    )
    with caplog.at_level(logging.WARNING, logger="tta_dev_primitives.cache"):
        assert await cache.execute("a", ctx) == "A"
        assert backend.operations == ["get", "set"]
        assert "circuit open" in caplog.text
        for _ in range(5):  # open: no call waits for the backend any more
            assert await cache.execute("a", ctx) == "A"
        assert backend.operations == ["get", "set"]
        assert cache.stats.bypassed == 10
        clock.now += 5
        assert await cache.execute("b", ctx) == "B"  # probe fails: open again
        assert backend.operations == ["get", "set", "get"]
        assert await cache.execute("b", ctx) == "B"
        assert backend.operations == ["get", "set", "get"]
        backend.broken = False
        clock.now += 5
        assert await cache.execute("c", ctx) == "C"  # the backend answers: closed
        assert backend.operations[-2:] == ["get", "set"]
        assert "circuit closed" in caplog.text
        assert await cache.execute("c", ctx) == "C"
    assert cache.stats.hits == 1
    assert cache.stats.backend_errors == 3


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"circuit_failures": 0}, "circuit_failures"),
        ({"circuit_failures": True}, "circuit_failures"),
        ({"circuit_reset_seconds": 0}, "circuit_reset_seconds"),
        ({"circuit_reset_seconds": float("inf")}, "circuit_reset_seconds"),
    ],
)
def test_invalid_circuit_configuration(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        CachePrimitive(MockPrimitive(), **kwargs)


def test_single_flight_across_threads_each_running_its_own_event_loop():
    """Regression: a concurrent miss from another thread's loop awaited the leader's
    future and raised RuntimeError (a threaded server calling asyncio.run per request)."""
    threads_count = 8
    calls = 0
    calls_lock = threading.Lock()
    everyone_waiting = threading.Event()

    async def slow_llm(prompt: str) -> str:
        nonlocal calls
        with calls_lock:
            calls += 1
        await asyncio.to_thread(everyone_waiting.wait, 30)
        return prompt.upper()

    cache = CachePrimitive(LambdaPrimitive(slow_llm))
    start = threading.Barrier(threads_count)
    results: list[Any] = [None] * threads_count

    def request(index: int) -> None:
        start.wait()
        try:
            results[index] = asyncio.run(cache.execute("prompt", WorkflowContext()))
        except BaseException as error:  # reported through results
            results[index] = error

    threads = [threading.Thread(target=request, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for _ in range(2000):
        if cache.stats.misses == threads_count:
            break
        threading.Event().wait(0.005)
    everyone_waiting.set()
    for thread in threads:
        thread.join(timeout=30)
    assert results == ["PROMPT"] * threads_count
    assert calls == 1
    assert cache.stats.coalesced == threads_count - 1
    assert cache._inflight == {}


def test_a_failure_in_one_thread_reaches_waiters_in_other_loops():
    started = threading.Event()
    release = threading.Event()

    async def failing(_: str) -> str:
        started.set()
        await asyncio.to_thread(release.wait, 30)
        raise RuntimeError("llm down")

    cache = CachePrimitive(LambdaPrimitive(failing))
    outcomes: list[BaseException | None] = []

    def run() -> None:
        try:
            asyncio.run(cache.execute("q", WorkflowContext()))
        except BaseException as error:
            outcomes.append(error)
        else:
            outcomes.append(None)

    leader = threading.Thread(target=run)
    leader.start()
    started.wait(10)
    waiter = threading.Thread(target=run)
    waiter.start()
    for _ in range(2000):
        if cache.stats.coalesced == 1:
            break
        threading.Event().wait(0.005)
    release.set()
    leader.join(30)
    waiter.join(30)
    assert [repr(o) for o in outcomes] == ["RuntimeError('llm down')"] * 2
    assert cache.stats.coalesced == 1
    assert cache._inflight == {}


async def test_invalidate_during_a_computation_wins(ctx):
    """Regression: the leader stored its stale value after invalidate() had run."""
    release = asyncio.Event()
    versions = iter(["stale", "fresh"])

    async def compute(_: str) -> str:
        value = next(versions)
        if value == "stale":
            await release.wait()
        return value

    cache = CachePrimitive(LambdaPrimitive(compute))
    leader = asyncio.create_task(cache.execute("q", ctx))
    waiter = asyncio.create_task(cache.execute("q", ctx))
    await asyncio.sleep(0)
    await cache.invalidate("q", ctx)
    release.set()
    assert await leader == "stale"  # its callers still get it
    assert await waiter == "stale"
    assert await cache.execute("q", ctx) == "fresh"  # but it was not stored
    assert await cache.execute("q", ctx) == "fresh"
    assert cache.stats.hits == 1


async def test_invalidate_while_the_store_is_on_its_way_still_wins(ctx):
    storing = asyncio.Event()
    release = asyncio.Event()

    class SlowSetBackend(DictBackend):
        async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
            storing.set()
            await release.wait()
            return await super().set(key, value, ttl_seconds)

    backend = SlowSetBackend()
    inner = MockPrimitive(side_effect=["stale", "fresh"])
    cache = CachePrimitive(inner, backend=backend)
    leader = asyncio.create_task(cache.execute("q", ctx))
    await storing.wait()
    await cache.invalidate("q", ctx)
    release.set()
    assert await leader == "stale"
    assert backend.data == {}
    assert await cache.execute("q", ctx) == "fresh"


async def test_clear_during_a_computation_wins(ctx):
    release = asyncio.Event()

    async def compute(text: str) -> str:
        await release.wait()
        return text

    cache = CachePrimitive(LambdaPrimitive(compute))
    pending = asyncio.create_task(cache.execute("q", ctx))
    await asyncio.sleep(0)
    await cache.clear()
    release.set()
    assert await pending == "q"
    assert len(cache.backend) == 0  # type: ignore[arg-type]


async def test_a_caller_after_invalidate_does_not_join_the_stale_computation(ctx):
    release = asyncio.Event()
    calls = 0

    async def compute(text: str) -> int:
        nonlocal calls
        calls += 1
        mine = calls
        if mine == 1:
            await release.wait()
        return mine

    cache = CachePrimitive(LambdaPrimitive(compute))
    stale = asyncio.create_task(cache.execute("q", ctx))
    await asyncio.sleep(0)
    await cache.invalidate("q", ctx)
    assert await cache.execute("q", ctx) == 2
    release.set()
    assert await stale == 1
    assert await cache.execute("q", ctx) == 2
