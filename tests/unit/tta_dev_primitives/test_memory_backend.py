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
