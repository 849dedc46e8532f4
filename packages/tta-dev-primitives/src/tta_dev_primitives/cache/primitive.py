"""Cache a primitive's results by key, with single-flight for concurrent misses."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.cache.backend import MISSING, CacheBackend
from tta_dev_primitives.cache.memory import InMemoryBackend
from tta_dev_primitives.hooks import PrimitiveEvent

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["CachePrimitive", "CacheStats"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")

_logger = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 1024


@dataclass(frozen=True, slots=True)
class CacheStats:
    """A snapshot of a cache primitive's counters.

    ``misses`` counts lookups that found nothing (including callers that then
    waited for a concurrent identical miss, also counted in ``coalesced``);
    ``evictions`` counts entries the backend dropped to make room;
    ``backend_errors`` counts failed backend reads and writes.
    """

    hits: int
    misses: int
    evictions: int
    backend_errors: int
    coalesced: int

    @property
    def hit_ratio(self) -> float:
        """``hits / (hits + misses)``, 0.0 before any lookup."""
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class _LeaderCancelled(Exception):
    """The caller computing a shared miss was cancelled; a waiter takes over."""


def key_hash(key: str) -> str:
    """A short stable hash of a cache key, safe to export instead of the key."""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _repr_key(input_data: Any, context: WorkflowContext) -> str:
    return repr(input_data)


class CachePrimitive(WorkflowPrimitive[TIn, TOut]):
    """Return the cached result for ``key_fn(input, context)``, or run ``primitive`` and store it.

    ``key_fn`` defaults to ``repr(input)``. ``ttl_seconds`` (None: no expiry)
    is passed to the backend on every write. The default backend is an
    :class:`InMemoryBackend` holding ``max_entries`` (default 1024) entries.
    Concurrent misses of one key run ``primitive`` once and share its result.
    A failing backend never fails a call: the error is counted and reported,
    and the call proceeds as a miss.
    """

    __slots__ = (
        "_backend",
        "_backend_errors",
        "_coalesced",
        "_evictions",
        "_hits",
        "_inflight",
        "_key_fn",
        "_lookup",
        "_misses",
        "_primitive",
        "_store_nowait",
        "_ttl",
    )

    def __init__(
        self,
        primitive: WorkflowPrimitive[TIn, TOut],
        key_fn: Callable[[TIn, WorkflowContext], str] | None = None,
        ttl_seconds: float | None = None,
        max_entries: int | None = None,
        backend: CacheBackend | None = None,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not isinstance(primitive, WorkflowPrimitive):
            raise ValueError("primitive must be a WorkflowPrimitive")
        if key_fn is not None and not callable(key_fn):
            raise ValueError("key_fn must be callable or None")
        if ttl_seconds is not None and (
            isinstance(ttl_seconds, bool)
            or not isinstance(ttl_seconds, int | float)
            or not math.isfinite(ttl_seconds)
            or ttl_seconds <= 0
        ):
            raise ValueError(
                f"ttl_seconds must be a finite number > 0 or None, got {ttl_seconds!r}"
            )
        if backend is None:
            backend = InMemoryBackend(DEFAULT_MAX_ENTRIES if max_entries is None else max_entries)
        elif max_entries is not None:
            raise ValueError(
                "max_entries applies to the default in-memory backend; "
                "set the capacity on the backend passed as backend instead"
            )
        elif not isinstance(backend, CacheBackend):
            raise ValueError(f"backend must implement CacheBackend, got {backend!r}")
        self._primitive = primitive
        self._key_fn: Callable[[Any, WorkflowContext], str] = (
            key_fn if key_fn is not None else _repr_key
        )
        self._ttl = ttl_seconds
        self._backend = backend
        if isinstance(backend, InMemoryBackend):
            self._lookup: Callable[[str], Any] | None = backend.get_nowait
            self._store_nowait: Callable[[str, Any, float | None], int] | None = backend.set_nowait
        else:
            self._lookup = None
            self._store_nowait = None
        self._inflight: dict[str, asyncio.Future[Any]] = {}
        self._hits = 0
        self._misses = 0
        self._evictions = 0
        self._backend_errors = 0
        self._coalesced = 0

    @property
    def backend(self) -> CacheBackend:
        """Where results are stored."""
        return self._backend

    @property
    def stats(self) -> CacheStats:
        """The counters so far."""
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            evictions=self._evictions,
            backend_errors=self._backend_errors,
            coalesced=self._coalesced,
        )

    def reset_stats(self) -> None:
        """Set every counter back to zero."""
        self._hits = self._misses = self._evictions = self._backend_errors = self._coalesced = 0

    async def invalidate(self, input_data: TIn, context: WorkflowContext) -> None:
        """Drop the cached result for ``input_data``; backend errors are counted, not raised."""
        key = self._key_fn(input_data, context)
        try:
            await self._backend.delete(key)
        except Exception as error:
            self._backend_failed("delete", error, context)

    async def clear(self) -> None:
        """Drop every cached result held by the backend."""
        await self._backend.clear()

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        key = self._key_fn(input_data, context)
        lookup = self._lookup
        if lookup is not None:
            value = lookup(key)
        else:
            try:
                value = await self._backend.get(key)
            except Exception as error:
                self._backend_failed("get", error, context)
                value = MISSING
        if value is not MISSING:
            self._hits += 1
            hook = hooks.active
            if hook is not None:
                hook.on_event(self, context, PrimitiveEvent.CACHE_HIT, {"key_hash": key_hash(key)})
            return value  # type: ignore[no-any-return]
        return await self._miss(key, input_data, context)

    async def _miss(self, key: str, input_data: TIn, context: WorkflowContext) -> TOut:
        self._misses += 1
        hook = hooks.active
        if hook is not None:
            hook.on_event(self, context, PrimitiveEvent.CACHE_MISS, {"key_hash": key_hash(key)})
        inflight = self._inflight.get(key)
        if inflight is not None:
            self._coalesced += 1
        while inflight is not None:
            try:
                return await asyncio.shield(inflight)
            except _LeaderCancelled:
                inflight = self._inflight.get(key)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            try:
                value = await self._primitive.execute(input_data, context)
            except asyncio.CancelledError:
                _fail_quietly(future, _LeaderCancelled())
                raise
            except BaseException as error:
                _fail_quietly(future, error)
                raise
            future.set_result(value)
            await self._store(key, value, context)
        finally:
            if self._inflight.get(key) is future:
                del self._inflight[key]
        return value

    async def _store(self, key: str, value: Any, context: WorkflowContext) -> None:
        store_nowait = self._store_nowait
        if store_nowait is not None:
            evicted = store_nowait(key, value, self._ttl)
        else:
            try:
                evicted = await self._backend.set(key, value, self._ttl)
            except Exception as error:
                self._backend_failed("set", error, context)
                return
        if evicted:
            self._evictions += evicted
            hook = hooks.active
            if hook is not None:
                hook.on_event(self, context, PrimitiveEvent.CACHE_EVICTION, {"count": evicted})

    def _backend_failed(self, operation: str, error: Exception, context: WorkflowContext) -> None:
        self._backend_errors += 1
        _logger.debug("%s: cache backend %s failed", self.name, operation, exc_info=error)
        hook = hooks.active
        if hook is not None:
            hook.on_event(
                self,
                context,
                PrimitiveEvent.CACHE_BACKEND_ERROR,
                {"operation": operation, "error_type": type(error).__name__},
            )


def _fail_quietly(future: asyncio.Future[Any], error: BaseException) -> None:
    """Hand ``error`` to waiters without an 'exception never retrieved' log if there are none."""
    future.set_exception(error)
    future.exception()
