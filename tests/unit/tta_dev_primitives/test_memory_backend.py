import pytest
from tta_dev_primitives import MISSING, CacheBackend, InMemoryBackend


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_is_a_cache_backend():
    assert isinstance(InMemoryBackend(), CacheBackend)
    assert InMemoryBackend().max_entries == 1024
    assert repr(MISSING) == "MISSING"


async def test_get_set_delete_clear():
    backend = InMemoryBackend()
    assert await backend.get("k") is MISSING
    assert await backend.set("k", None, None) == 0
    assert await backend.get("k") is None
    assert "k" in backend
    assert 3 not in backend
    assert len(backend) == 1
    await backend.delete("k")
    await backend.delete("k")
    assert await backend.get("k") is MISSING
    await backend.set("a", 1, None)
    await backend.clear()
    assert len(backend) == 0


def test_ttl_expiry_uses_the_clock():
    clock = FakeClock()
    backend = InMemoryBackend(clock=clock)
    backend.set_nowait("k", "v", 10)
    clock.now += 9.99
    assert backend.get_nowait("k") == "v"
    clock.now += 0.01
    assert backend.get_nowait("k") is MISSING
    assert len(backend) == 0


def test_lru_eviction_order_follows_reads():
    backend = InMemoryBackend(2)
    backend.set_nowait("a", 1, None)
    backend.set_nowait("b", 2, None)
    assert backend.get_nowait("a") == 1
    assert backend.set_nowait("c", 3, None) == 1
    assert backend.get_nowait("b") is MISSING
    assert (backend.get_nowait("a"), backend.get_nowait("c")) == (1, 3)


def test_overwrite_does_not_evict():
    backend = InMemoryBackend(1)
    backend.set_nowait("a", 1, None)
    assert backend.set_nowait("a", 2, None) == 0
    assert backend.get_nowait("a") == 2


@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_invalid_max_entries(value):
    with pytest.raises(ValueError, match="max_entries"):
        InMemoryBackend(value)


async def test_expired_entries_are_evicted_before_live_ones():
    """Regression: the LRU evicted live entries while expired ones held capacity."""
    clock = FakeClock()
    backend = InMemoryBackend(max_entries=3, clock=clock)
    await backend.set("short-1", 1, 10)
    await backend.set("short-2", 2, 10)
    await backend.set("live", 3, None)
    clock.now += 11
    assert await backend.set("new-1", 4, None) == 0  # room made from the expired entries
    assert await backend.set("new-2", 5, None) == 0
    assert await backend.get("live") == 3
    assert await backend.get("new-1") == 4
    assert await backend.set("new-3", 6, None) == 1  # now a live entry must go: the LRU one
    assert "new-2" not in backend  # the least recently used (live and new-1 were read)
    assert ("live" in backend, "new-1" in backend, "new-3" in backend) == (True, True, True)


async def test_len_counts_live_entries_only():
    """Regression: len() counted expired entries."""
    clock = FakeClock()
    backend = InMemoryBackend(clock=clock)
    await backend.set("short", 1, 5)
    await backend.set("long", 2, 50)
    await backend.set("forever", 3, None)
    assert len(backend) == 3
    clock.now += 5
    assert len(backend) == 2
    clock.now += 45
    assert len(backend) == 1


async def test_a_rewritten_entry_keeps_its_new_expiry():
    clock = FakeClock()
    backend = InMemoryBackend(max_entries=2, clock=clock)
    await backend.set("k", 1, 5)
    await backend.set("k", 2, None)  # the old expiry must not drop the new value
    clock.now += 10
    assert len(backend) == 1
    await backend.set("other", 3, None)
    assert await backend.set("third", 4, None) == 1
    assert "k" not in backend  # least recently used, live
    assert "other" in backend


async def test_expiry_bookkeeping_stays_bounded_under_rewrites():
    clock = FakeClock()
    backend = InMemoryBackend(max_entries=4, clock=clock)
    for index in range(1000):
        await backend.set(f"k{index % 4}", index, 60)
    assert len(backend._expiries) <= 2 * backend.max_entries
    assert len(backend) == 4


async def test_clear_with_a_prefix_keeps_the_other_entries():
    backend = InMemoryBackend()
    await backend.set("a:1", 1, None)
    await backend.set("ab:1", 2, None)
    await backend.set("b:1", 3, None)
    await backend.clear("a:")
    assert ("a:1" in backend, "ab:1" in backend, "b:1" in backend) == (False, True, True)
    await backend.clear()
    assert len(backend) == 0
