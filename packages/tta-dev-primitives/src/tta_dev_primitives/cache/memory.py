"""In-process LRU cache storage with per-entry TTL."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tta_dev_primitives.cache.backend import MISSING

__all__ = ["InMemoryBackend"]


class InMemoryBackend:
    """Least-recently-used storage bounded by ``max_entries``; expired entries read as absent.

    ``clock`` (monotonic seconds) is injectable for tests. Besides the async
    :class:`~tta_dev_primitives.cache.backend.CacheBackend` methods it offers
    ``get_nowait``/``set_nowait``, which the cache primitive calls directly.
    """

    __slots__ = ("_clock", "_data", "_max_entries")

    def __init__(
        self, max_entries: int = 1024, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be an int >= 1, got {max_entries!r}")
        self._max_entries = max_entries
        self._clock = clock
        self._data: OrderedDict[str, tuple[Any, float | None]] = OrderedDict()

    @property
    def max_entries(self) -> int:
        """The capacity; storing one more entry evicts the least recently used."""
        return self._max_entries

    def __len__(self) -> int:
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
            del self._data[key]
            return MISSING
        self._data.move_to_end(key)
        return value

    def set_nowait(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store ``value``; return the number of entries evicted to stay within capacity."""
        expires_at = None if ttl_seconds is None else self._clock() + ttl_seconds
        data = self._data
        data[key] = (value, expires_at)
        data.move_to_end(key)
        evicted = 0
        while len(data) > self._max_entries:
            data.popitem(last=False)
            evicted += 1
        return evicted

    async def get(self, key: str) -> Any:
        """Return the live value under ``key``, or ``MISSING``."""
        return self.get_nowait(key)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store ``value``; return the number of entries evicted."""
        return self.set_nowait(key, value, ttl_seconds)

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        self._data.pop(key, None)

    async def clear(self) -> None:
        """Remove every entry."""
        self._data.clear()
