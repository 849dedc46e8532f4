"""The storage interface a :class:`~tta_dev_primitives.CachePrimitive` writes to."""

from __future__ import annotations

import enum
from typing import Any, Final, Protocol, runtime_checkable

__all__ = ["MISSING", "CacheBackend"]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing.MISSING
"""Returned by :meth:`CacheBackend.get` when a key has no live value."""


@runtime_checkable
class CacheBackend(Protocol):
    """Async key/value storage with per-entry time to live."""

    async def get(self, key: str) -> Any:
        """Return the value stored under ``key``, or :data:`MISSING`."""

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store ``value`` (expiring after ``ttl_seconds`` if given); return how many
        live entries the backend evicted to make room.

        Raises :class:`~tta_dev_primitives.cache.codec.UncacheableValueError` for a
        value it cannot store and give back exactly.
        """

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""

    async def clear(self, prefix: str = "") -> None:
        """Remove every entry this backend owns whose key starts with ``prefix``."""
