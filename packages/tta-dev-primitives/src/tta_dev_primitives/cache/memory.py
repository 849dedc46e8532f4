"""In-process LRU cache storage with per-entry TTL."""

from __future__ import annotations

import heapq
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tta_dev_primitives.cache.backend import MISSING

__all__ = ["InMemoryBackend"]


class InMemoryBackend:
    """Least-recently-used storage bounded by ``max_entries``; expired entries read as absent.

    When room is needed, expired entries go first; only then the least recently
    used live ones. ``len()`` counts live entries. ``clock`` (monotonic seconds)
    is injectable for tests. Besides the async
    :class:`~tta_dev_primitives.cache.backend.CacheBackend` methods it offers
    ``get_nowait``/``set_nowait``, which the cache primitive calls directly.
    Safe to share between threads.
    """

    __slots__ = ("_clock", "_data", "_expiries", "_lock", "_max_entries")

    def __init__(
        self, max_entries: int = 1024, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be an int >= 1, got {max_entries!r}")
        self._max_entries = max_entries
        self._clock = clock
        self._data: OrderedDict[str, tuple[Any, float | None]] = OrderedDict()
        self._expiries: list[tuple[float, str]] = []
        """Min-heap of (expiry, key); an item whose entry was replaced or removed is stale."""
        self._lock = threading.Lock()

    @property
    def max_entries(self) -> int:
        """The capacity; storing one more live entry evicts the least recently used."""
        return self._max_entries

    def __len__(self) -> int:
        with self._lock:
            self._drop_expired()
            return len(self._data)

    def __contains__(self, key: object) -> bool:
        return self.get_nowait(key) is not MISSING if isinstance(key, str) else False

    def get_nowait(self, key: str) -> Any:
        """Return the live value under ``key`` (marking it recently used), or ``MISSING``."""
        entry = self._data.get(key)
        if entry is None:
            return MISSING
        value, expires_at = entry
        if expires_at is not None and expires_at <= self._clock():
            return MISSING
        try:
            self._data.move_to_end(key)
        except KeyError:  # removed by another thread meanwhile
            return MISSING
        return value

    def set_nowait(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store ``value``; return the number of live entries evicted to stay within capacity."""
        with self._lock:
            data = self._data
            expires_at = None if ttl_seconds is None else self._clock() + ttl_seconds
            data[key] = (value, expires_at)
            data.move_to_end(key)
            if expires_at is not None:
                heapq.heappush(self._expiries, (expires_at, key))
            evicted = 0
            if len(data) > self._max_entries:
                self._drop_expired()
                while len(data) > self._max_entries:
                    data.popitem(last=False)
                    evicted += 1
            if len(self._expiries) > 2 * self._max_entries:
                self._expiries = [(e, k) for k, (_, e) in data.items() if e is not None]
                heapq.heapify(self._expiries)
            return evicted

    def _drop_expired(self) -> None:
        """Remove every expired entry (caller holds the lock)."""
        now = self._clock()
        heap, data = self._expiries, self._data
        while heap and heap[0][0] <= now:
            expires_at, key = heapq.heappop(heap)
            entry = data.get(key)
            if entry is not None and entry[1] == expires_at:
                del data[key]

    async def get(self, key: str) -> Any:
        """Return the live value under ``key``, or ``MISSING``."""
        return self.get_nowait(key)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store ``value``; return the number of live entries evicted."""
        return self.set_nowait(key, value, ttl_seconds)

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        with self._lock:
            self._data.pop(key, None)

    async def clear(self, prefix: str = "") -> None:
        """Remove every entry whose key starts with ``prefix`` (all of them by default)."""
        with self._lock:
            if not prefix:
                self._data.clear()
                self._expiries.clear()
                return
            for key in [key for key in self._data if key.startswith(prefix)]:
                del self._data[key]
