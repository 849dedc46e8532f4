"""Cache a primitive's results by a canonical key, with single-flight for concurrent misses."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.cache.backend import MISSING, CacheBackend
from tta_dev_primitives.cache.codec import UncacheableValueError
from tta_dev_primitives.cache.fallback import FallbackBackend
from tta_dev_primitives.cache.health import BackendHealth
from tta_dev_primitives.cache.keys import UnkeyableInputError, digest, identity, telemetry_hash
from tta_dev_primitives.cache.memory import InMemoryBackend
from tta_dev_primitives.hooks import PrimitiveEvent
from tta_dev_primitives.lambda_primitive import LambdaPrimitive

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["CachePrimitive", "CacheStats"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")

_logger = logging.getLogger("tta_dev_primitives.cache")

DEFAULT_MAX_ENTRIES = 1024

_derived_namespaces: weakref.WeakValueDictionary[tuple[int, str], CachePrimitive[Any, Any]] = (
    weakref.WeakValueDictionary()
)
"""Live caches using a derived namespace, by (id of their backend, namespace)."""


@dataclass(frozen=True, slots=True)
class CacheStats:
    """A snapshot of a cache primitive's counters.

    ``misses`` counts lookups that found nothing (including callers that then
    waited for a concurrent identical miss, also counted in ``coalesced``);
    ``evictions`` counts live entries the backend dropped to make room;
    ``backend_errors`` counts failed backend reads, writes and deletes;
    ``uncacheable`` counts results the backend's codec refused to store;
    ``bypassed`` counts backend operations skipped while the circuit was open.
    """

    hits: int
    misses: int
    evictions: int
    backend_errors: int
    coalesced: int
    uncacheable: int = 0
    bypassed: int = 0

    @property
    def hit_ratio(self) -> float:
        """``hits / (hits + misses)``, 0.0 before any lookup."""
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class _LeaderCancelled(Exception):
    """The caller computing a shared miss was cancelled; a waiter takes over."""


class _Flight:
    """One in-progress computation of a key, awaitable from any thread or event loop."""

    __slots__ = ("future", "invalidated")

    def __init__(self) -> None:
        self.future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.invalidated = False

    def is_invalidated(self) -> bool:
        """Whether an invalidation arrived (a method: mypy would narrow the attribute
        across the ``await`` that a concurrent invalidation can interleave with)."""
        return self.invalidated

    async def wait(self) -> Any:
        """The computation's result, without touching any other event loop's objects."""
        inner = asyncio.wrap_future(self.future)
        inner.add_done_callback(_retrieve)
        return await asyncio.shield(inner)


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark an outcome as retrieved, so a cancelled waiter leaves no 'never retrieved' log."""
    if not future.cancelled():
        future.exception()


def key_hash(key: str) -> str:
    """A short hash of a storage key, keyed per process; safe to export instead of the key."""
    return telemetry_hash(key)


def default_namespace(name: str, primitive: WorkflowPrimitive[Any, Any]) -> str:
    """``<cache name>/<wrapped identity>``: the wrapped primitive's name, or for an
    unnamed :class:`LambdaPrimitive` its callable's module and qualified name."""
    identity = primitive.name
    if isinstance(primitive, LambdaPrimitive) and identity == primitive.primitive_type:
        fn = primitive.fn
        module = getattr(fn, "__module__", None) or type(fn).__module__
        qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
        identity = f"{module}.{qualname}"
        code = getattr(fn, "__code__", None)
        if "<lambda>" in qualname and code is not None:
            identity += f":{code.co_firstlineno}"
    return f"{name}/{identity}"


class CachePrimitive(WorkflowPrimitive[TIn, TOut]):
    """Return the cached result for the input's key, or run ``primitive`` and store it.

    The key is a canonical encoding of the input (see
    :mod:`tta_dev_primitives.cache.keys`), or of what ``key_fn(input, context)``
    returns, used as is in an :class:`InMemoryBackend` and as a strong hash in
    any other backend; an input without a canonical encoding raises ``TypeError`` asking
    for ``key_fn``. Keys are prefixed by ``namespace`` (by default derived from
    the cache's name and the wrapped primitive), so caches sharing a backend never
    answer each other's calls and :meth:`clear` only clears this cache's keys.

    ``ttl_seconds`` (None: no expiry) is passed to the backend on every write.
    The default backend is a private :class:`InMemoryBackend` holding
    ``max_entries`` (default 1024) entries. Concurrent misses of one key, from any
    thread or event loop, run ``primitive`` once and share its result.
    A failing backend never fails a call: the error is counted, logged at WARNING
    (rate-limited) and reported, and the call proceeds as a miss; after
    ``circuit_failures`` consecutive failures the backend is skipped for
    ``circuit_reset_seconds`` at a time until it answers again. A
    :class:`FallbackBackend` brings its own circuit (the one its fallback and
    its health probe read), so over one the cache runs none and the
    ``circuit_*`` arguments do not apply. A result the
    backend's codec refuses is returned but not stored, counted as ``uncacheable``
    and warned about once.
    """

    __slots__ = (
        "__weakref__",
        "_backend",
        "_backend_errors",
        "_bypassed",
        "_coalesced",
        "_encode_key",
        "_evictions",
        "_health",
        "_hits",
        "_inflight",
        "_inflight_lock",
        "_key_fn",
        "_lookup",
        "_misses",
        "_namespace",
        "_prefix",
        "_primitive",
        "_store_nowait",
        "_text_prefix",
        "_ttl",
        "_uncacheable",
        "_warned_uncacheable",
    )

    def __init__(  # noqa: PLR0912 - one check per argument
        self,
        primitive: WorkflowPrimitive[TIn, TOut],
        key_fn: Callable[[TIn, WorkflowContext], object] | None = None,
        ttl_seconds: float | None = None,
        max_entries: int | None = None,
        backend: CacheBackend | None = None,
        *,
        name: str | None = None,
        namespace: str | None = None,
        circuit_failures: int = 2,
        circuit_reset_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name=name)
        if not isinstance(primitive, WorkflowPrimitive):
            raise ValueError("primitive must be a WorkflowPrimitive")
        if key_fn is not None and not callable(key_fn):
            raise ValueError("key_fn must be callable or None")
        if ttl_seconds is not None and not _positive_number(ttl_seconds):
            raise ValueError(
                f"ttl_seconds must be a finite number > 0 or None, got {ttl_seconds!r}"
            )
        if namespace is not None and (not isinstance(namespace, str) or not namespace):
            raise ValueError(f"namespace must be a non-empty string, got {namespace!r}")
        if (
            isinstance(circuit_failures, bool)
            or not isinstance(circuit_failures, int)
            or (circuit_failures < 1)
        ):
            raise ValueError(f"circuit_failures must be an int >= 1, got {circuit_failures!r}")
        if not _positive_number(circuit_reset_seconds):
            raise ValueError(
                f"circuit_reset_seconds must be a finite number > 0, got {circuit_reset_seconds!r}"
            )
        shared_backend = backend is not None
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
        self._key_fn = key_fn
        self._ttl = ttl_seconds
        self._backend = backend
        if namespace is None:
            namespace = default_namespace(self.name, primitive)
            if shared_backend:
                _claim(namespace, backend, self)
        self._namespace = namespace
        self._prefix = f"{len(namespace)}:{namespace}:"
        self._text_prefix = self._prefix + "s"
        if isinstance(backend, InMemoryBackend):
            self._lookup: Callable[[str], Any] | None = backend.get_nowait
            self._store_nowait: Callable[[str, Any, float | None], int] | None = backend.set_nowait
            self._encode_key: Callable[[Any], str] = identity
        else:
            self._lookup = None
            self._store_nowait = None
            self._encode_key = digest
        self._health: BackendHealth | None = (
            None
            if isinstance(backend, FallbackBackend)
            else BackendHealth(
                self.name,
                failures=circuit_failures,
                reset_seconds=circuit_reset_seconds,
                clock=clock,
            )
        )
        self._inflight: dict[str, _Flight] = {}
        self._inflight_lock = threading.Lock()
        self._warned_uncacheable = False
        self._hits = self._misses = self._evictions = self._backend_errors = 0
        self._coalesced = self._uncacheable = self._bypassed = 0

    @property
    def backend(self) -> CacheBackend:
        """Where results are stored."""
        return self._backend

    @property
    def namespace(self) -> str:
        """What this cache's keys are prefixed with."""
        return self._namespace

    @property
    def stats(self) -> CacheStats:
        """The counters so far."""
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            evictions=self._evictions,
            backend_errors=self._backend_errors,
            coalesced=self._coalesced,
            uncacheable=self._uncacheable,
            bypassed=self._bypassed,
        )

    def reset_stats(self) -> None:
        """Set every counter back to zero."""
        self._hits = self._misses = self._evictions = self._backend_errors = 0
        self._coalesced = self._uncacheable = self._bypassed = 0

    def key_for(self, input_data: TIn, context: WorkflowContext) -> str:
        """The backend key under which the result for ``input_data`` is stored."""
        key_fn = self._key_fn
        return self._key_of(input_data if key_fn is None else key_fn(input_data, context))

    def _key_of(self, source: object) -> str:
        if type(source) is str and self._lookup is not None:  # fast path: identity(str)
            return self._text_prefix + source
        try:
            return self._prefix + self._encode_key(source)
        except UnkeyableInputError as error:
            what = "the input" if self._key_fn is None else "what key_fn returned"
            raise TypeError(
                f"{self.name}: cannot build a cache key from {what}: {error}; pass "
                "key_fn=lambda input, context: ... to CachePrimitive, returning the parts "
                "of the input that identify a result (str, numbers, tuples, dicts, ...)"
            ) from error

    async def invalidate(self, input_data: TIn, context: WorkflowContext) -> None:
        """Drop the cached result for ``input_data``; backend errors are counted, not raised.

        A computation of the same input still in progress is not stored when it
        finishes (its callers still get its result).
        """
        key = self.key_for(input_data, context)
        with self._inflight_lock:
            flight = self._inflight.pop(key, None)
        if flight is not None:
            flight.invalidated = True
        await self._delete(key, context)

    async def clear(self) -> None:
        """Drop every result this cache stored (its namespace only) and every pending store."""
        with self._inflight_lock:
            flights = list(self._inflight.values())
            self._inflight.clear()
        for flight in flights:
            flight.invalidated = True
        await self._backend.clear(self._prefix)

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        key_fn = self._key_fn
        source = input_data if key_fn is None else key_fn(input_data, context)
        lookup = self._lookup
        if lookup is not None:
            # the hit path, inlined: a text key needs no encoding in memory
            key = self._text_prefix + source if type(source) is str else self._key_of(source)
            value = lookup(key)
        else:
            key = self._key_of(source)
            value = await self._remote_get(key, context)
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
        waited = False
        while True:
            mine = _Flight()
            with self._inflight_lock:
                flight = self._inflight.setdefault(key, mine)
            if flight is mine:
                return await self._lead(key, mine, input_data, context)
            if not waited:
                waited = True
                self._coalesced += 1
            try:
                return await flight.wait()  # type: ignore[no-any-return]
            except _LeaderCancelled:
                continue

    async def _lead(
        self, key: str, flight: _Flight, input_data: TIn, context: WorkflowContext
    ) -> TOut:
        try:
            try:
                value = await self._primitive.execute(input_data, context)
            except asyncio.CancelledError:
                flight.future.set_exception(_LeaderCancelled())
                raise
            except BaseException as error:
                flight.future.set_exception(error)
                raise
            flight.future.set_result(value)
            if not flight.invalidated:
                await self._store(key, value, context)
                if flight.is_invalidated():  # invalidated while the write was on its way
                    await self._delete(key, context)
        finally:
            with self._inflight_lock:
                if self._inflight.get(key) is flight:
                    del self._inflight[key]
        return value

    async def _remote_get(self, key: str, context: WorkflowContext) -> Any:
        health = self._health
        if health is not None and not health.allow():
            self._bypassed += 1
            return MISSING
        try:
            value = await self._backend.get(key)
        except Exception as error:
            self._backend_failed("get", error, context)
            return MISSING
        if health is not None:
            health.succeeded()
        return value

    async def _store(self, key: str, value: Any, context: WorkflowContext) -> None:
        store_nowait = self._store_nowait
        health = self._health
        if store_nowait is not None:
            evicted = store_nowait(key, value, self._ttl)
        elif health is not None and not health.allow():
            self._bypassed += 1
            return
        else:
            try:
                evicted = await self._backend.set(key, value, self._ttl)
            except UncacheableValueError as error:
                self._refused(error, context)
                return
            except Exception as error:
                self._backend_failed("set", error, context)
                return
            if health is not None:
                health.succeeded()
        if evicted:
            self._evictions += evicted
            hook = hooks.active
            if hook is not None:
                hook.on_event(self, context, PrimitiveEvent.CACHE_EVICTION, {"count": evicted})

    async def _delete(self, key: str, context: WorkflowContext) -> None:
        try:
            await self._backend.delete(key)
        except Exception as error:
            self._backend_failed("delete", error, context)
        else:
            if self._health is not None:
                self._health.succeeded()

    def _refused(self, error: UncacheableValueError, context: WorkflowContext) -> None:
        self._uncacheable += 1
        if not self._warned_uncacheable:
            self._warned_uncacheable = True
            _logger.warning(
                "%s: a result was not cached because the backend refused it: %s "
                "(further refusals are counted in stats.uncacheable, not logged)",
                self.name,
                error,
            )
        hook = hooks.active
        if hook is not None:
            attributes = {"error_type": type(error).__name__}
            hook.on_event(self, context, PrimitiveEvent.CACHE_UNCACHEABLE, attributes)

    def _backend_failed(self, operation: str, error: Exception, context: WorkflowContext) -> None:
        self._backend_errors += 1
        if self._health is not None:
            self._health.failed(operation, error)
        hook = hooks.active
        if hook is not None:
            hook.on_event(
                self,
                context,
                PrimitiveEvent.CACHE_BACKEND_ERROR,
                {"operation": operation, "error_type": type(error).__name__},
            )


def _positive_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value > 0
    )


def _claim(namespace: str, backend: CacheBackend, cache: CachePrimitive[Any, Any]) -> None:
    """Refuse a derived namespace another live cache already uses on the same backend."""
    slot = (id(backend), namespace)
    other = _derived_namespaces.get(slot)
    if other is not None and other.backend is backend:
        raise ValueError(
            f"{cache.name}: namespace {namespace!r} (derived from the names) is already used by "
            "another cache on this backend; pass namespace= (or distinct names) so each cache "
            "keeps its own keys"
        )
    _derived_namespaces[slot] = cache
