"""FallbackBackend: one circuit, the fallback while it is open, nothing stale after an outage.

A fake primary (a dict that can be switched off) drives the pure logic;
tests/integration/test_redis_fallback_recovery.py does the same against a real
redis-server that is paused, killed and restarted.
"""

from __future__ import annotations

from typing import Any

import pytest
from tta_dev_primitives import (
    MISSING,
    CachePrimitive,
    FallbackBackend,
    InMemoryBackend,
    LambdaPrimitive,
    UncacheableValueError,
    WorkflowContext,
)
from tta_dev_primitives.cache.fallback import PROBE_KEY

RESET_SECONDS = 5.0
STALE_KEYS_MAX = 50


class _FakePrimary:
    """A CacheBackend over a dict; ``up`` switches it, ``fail_deletes`` breaks DEL only."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.up = True
        self.fail_deletes = False
        self.deleted: list[str] = []
        self.reads: list[str] = []

    def _check(self) -> None:
        if not self.up:
            raise ConnectionError("Connection refused")

    async def get(self, key: str) -> Any:
        self._check()
        self.reads.append(key)
        return self.data.get(key, MISSING)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        self._check()
        if value == "unstorable":
            raise UncacheableValueError("the codec refuses it")
        self.data[key] = value
        return 0

    async def delete(self, key: str) -> None:
        self._check()
        if self.fail_deletes:
            raise ConnectionError("Connection reset by peer")
        self.deleted.append(key)
        self.data.pop(key, None)

    async def clear(self, prefix: str = "") -> None:
        self._check()
        for key in [k for k in self.data if k.startswith(prefix)]:
            del self.data[key]


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def past_reset(self) -> None:
        self.now += RESET_SECONDS + 0.1


@pytest.fixture
def primary() -> _FakePrimary:
    return _FakePrimary()


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
def seen() -> list[str]:
    return []


@pytest.fixture
def backend(primary: _FakePrimary, clock: _Clock, seen: list[str]) -> FallbackBackend:
    return FallbackBackend(
        primary,
        InMemoryBackend(100, clock=clock),
        failures=1,
        reset_seconds=RESET_SECONDS,
        max_stale_keys=STALE_KEYS_MAX,
        on_fallback=seen.append,
        clock=clock,
    )


async def _recover(primary: _FakePrimary, clock: _Clock) -> None:
    primary.up = True
    clock.past_reset()


async def test_operations_fall_back_and_are_counted(
    backend: FallbackBackend, primary: _FakePrimary, seen: list[str]
) -> None:
    primary.up = False
    assert await backend.get("k") is MISSING
    assert await backend.set("k", {"v": 1}, 60) == 0
    assert await backend.get("k") == {"v": 1}
    await backend.delete("k")
    assert await backend.get("k") is MISSING
    await backend.set("k", 1, None)
    await backend.clear()
    assert await backend.fallback.get("k") is MISSING
    assert seen == ["get", "set", "get", "delete", "get", "set", "clear"]
    assert backend.fallbacks == {"get": 3, "set": 2, "delete": 1, "clear": 1}
    assert not backend.circuit.closed
    assert backend.circuit.openings == 1  # one outage, one opening, however many operations


async def test_the_fallback_keeps_the_time_to_live(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    primary.up = False
    await backend.set("k", "v", 5)
    assert await backend.get("k") == "v"
    clock.now += 5.0
    assert await backend.get("k") is MISSING


async def test_an_open_circuit_skips_the_primary_until_its_reset_time(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    primary.up = False
    assert await backend.get("k") is MISSING  # refused: the circuit opens
    primary.up = True
    clock.now += RESET_SECONDS - 0.1
    assert await backend.get("k") is MISSING
    assert primary.reads == []
    clock.now += 0.2
    assert await backend.get("k") is MISSING
    assert primary.reads == ["k"]
    assert backend.fallbacks == {"get": 2}
    assert backend.circuit.closed


async def test_check_reads_and_feeds_the_same_circuit(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    assert await backend.check() is True
    assert primary.reads == [PROBE_KEY]
    primary.up = False
    assert await backend.check() is False  # the probe fails: the circuit opens
    assert (backend.circuit.closed, backend.circuit.openings) == (False, 1)
    primary.up = True
    assert await backend.check() is False  # open: the primary is not asked
    assert primary.reads == [PROBE_KEY]
    clock.past_reset()
    assert await backend.check() is True  # the probe answers: the circuit closes
    assert backend.circuit.closed
    assert backend.circuit.openings == 1
    assert backend.fallbacks == {}  # a probe serves nobody: nothing fell back


async def test_a_value_the_primary_refuses_is_not_an_outage(
    backend: FallbackBackend, primary: _FakePrimary
) -> None:
    with pytest.raises(UncacheableValueError):
        await backend.set("k", "unstorable", None)
    assert backend.circuit.closed
    assert backend.fallbacks == {}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"failures": 0}, "failures must be an int >= 1"),
        ({"reset_seconds": 0}, "reset_seconds must be a finite number > 0"),
        ({"reset_seconds": float("nan")}, "reset_seconds must be a finite number > 0"),
        ({"max_stale_keys": 0}, "max_stale_keys must be >= 1"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FallbackBackend(_FakePrimary(), InMemoryBackend(), **arguments)


async def test_a_cache_over_it_runs_no_circuit_of_its_own(
    backend: FallbackBackend, primary: _FakePrimary, ctx: WorkflowContext
) -> None:
    runs: list[str] = []

    def answer(prompt: str) -> str:
        runs.append(prompt)
        return prompt.upper()

    cache: CachePrimitive[str, str] = CachePrimitive(
        LambdaPrimitive(answer), backend=backend, circuit_failures=1
    )
    primary.up = False
    assert [await cache.execute("hi", ctx) for _ in range(3)] == ["HI", "HI", "HI"]
    assert runs == ["hi"]  # the fallback answered the repeats
    stats = cache.stats
    assert (stats.hits, stats.misses, stats.bypassed, stats.backend_errors) == (2, 1, 0, 0)
    assert backend.fallbacks == {"get": 3, "set": 1}
    assert backend.circuit.openings == 1


class _BrokenBackend(InMemoryBackend):
    async def get(self, key: str) -> Any:
        raise OSError("disk gone")


async def test_a_failing_fallback_is_counted_but_opens_no_second_circuit(
    primary: _FakePrimary, ctx: WorkflowContext
) -> None:
    backend = FallbackBackend(primary, _BrokenBackend(), failures=1)
    cache: CachePrimitive[str, str] = CachePrimitive(
        LambdaPrimitive(str.upper), backend=backend, circuit_failures=1
    )
    primary.up = False
    assert [await cache.execute("hi", ctx) for _ in range(3)] == ["HI", "HI", "HI"]
    stats = cache.stats
    assert (stats.backend_errors, stats.bypassed) == (3, 0)  # a breaker of its own would bypass
    assert backend.circuit.openings == 1


@pytest.mark.parametrize("ttl", [None, 60.0])
async def test_a_value_overwritten_during_an_outage_never_comes_back(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock, ttl: float | None
) -> None:
    await backend.set("k", "old", ttl)
    primary.up = False
    await backend.set("k", "new", ttl)
    assert await backend.get("k") == "new"
    await _recover(primary, clock)
    assert await backend.get("k") is MISSING  # a miss, never "old"
    assert "k" not in primary.data
    assert backend.circuit.closed
    await backend.set("k", "newest", ttl)
    assert await backend.get("k") == "newest"


async def test_a_value_deleted_during_an_outage_never_comes_back(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    await backend.set("gone", "old", None)
    await backend.set("kept", "v", None)
    primary.up = False
    await backend.delete("gone")
    assert await backend.get("gone") is MISSING
    await _recover(primary, clock)
    assert await backend.get("gone") is MISSING
    assert await backend.get("kept") == "v"  # untouched keys keep their primary values
    assert primary.deleted == ["gone"]


async def test_a_prefix_cleared_during_an_outage_never_comes_back(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    for key in ("a:1", "a:2", "b:1"):
        await backend.set(key, "old", None)
    primary.up = False
    await backend.clear("a:")
    await _recover(primary, clock)
    assert [await backend.get(k) for k in ("a:1", "a:2", "b:1")] == [MISSING, MISSING, "old"]


async def test_recovery_seen_by_a_check_invalidates_before_it_says_yes(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    await backend.set("k", "old", None)
    primary.up = False
    await backend.set("k", "new", None)
    await _recover(primary, clock)
    assert await backend.check() is True  # /health sees the primary back...
    assert backend.stale == 0  # ...once the outage's changes are gone from it
    assert await backend.get("k") is MISSING


async def test_while_invalidation_fails_the_primary_serves_nothing(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    await backend.set("k", "old", None)
    primary.up = False
    await backend.set("k", "new", None)
    primary.up, primary.fail_deletes = True, True  # answers reads, but the DEL fails
    clock.past_reset()
    assert await backend.get("k") == "new"  # the fallback, as during the outage
    assert not backend.circuit.closed
    assert backend.stale == 1
    primary.fail_deletes = False
    clock.past_reset()
    assert await backend.get("k") is MISSING
    assert backend.stale == 0


async def test_outage_values_do_not_outlive_later_writes_to_the_primary(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    primary.up = False
    await backend.set("k", "first outage", None)
    await _recover(primary, clock)
    await backend.set("k", "while up", None)
    primary.up = False
    clock.past_reset()
    assert await backend.get("k") is MISSING  # never the first outage's value


async def test_without_an_outage_nothing_is_invalidated(
    backend: FallbackBackend, primary: _FakePrimary
) -> None:
    await backend.set("k", "v", None)
    assert await backend.get("k") == "v"
    assert primary.deleted == []
    assert backend.stale == 0


async def test_past_the_key_limit_the_whole_primary_is_invalidated(
    backend: FallbackBackend, primary: _FakePrimary, clock: _Clock
) -> None:
    await backend.set("before", "old", None)
    primary.up = False
    for index in range(STALE_KEYS_MAX + 1):
        await backend.set(f"k{index}", index, None)
    assert backend.stale == 1  # one prefix, not 51 keys
    await _recover(primary, clock)
    assert await backend.get("k0") is MISSING
    assert primary.data == {}
