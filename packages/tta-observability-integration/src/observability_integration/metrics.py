"""Prometheus metrics for primitive executions, with label sets bound per primitive.

Every label value comes from a primitive's class name, its ``name``, an outcome
from :data:`OUTCOMES`, a route name or a cache operation: never from the data a
workflow processes. The number of label sets is bounded on top of that: past
:data:`MAX_PRIMITIVE_LABEL_SETS` primitives (or :data:`MAX_ROUTES_PER_ROUTER`
routes of one router) the extra ones share the :data:`OVERFLOW_LABEL` value.

The instruments are ``prometheus_client`` metrics whose label children are
bound once per primitive, so recording an execution costs a counter increment
and a histogram observation, not a label lookup.
"""

from __future__ import annotations

import threading
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "CACHE_OPERATIONS",
    "DURATION_BUCKETS",
    "EXPECTED_FAMILIES",
    "MAX_PRIMITIVE_LABEL_SETS",
    "MAX_ROUTES_PER_ROUTER",
    "OUTCOMES",
    "OVERFLOW_LABEL",
    "PrimitiveBinding",
    "PrimitiveMetrics",
]

DURATION_BUCKETS: Final[tuple[float, ...]] = (
    0.00001,
    0.000025,
    0.00005,
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
"""Duration histogram buckets in seconds: 10 microseconds to 10 seconds."""

OUTCOMES: Final[tuple[str, ...]] = ("success", "error", "timeout", "cancelled")
"""Every value the ``outcome`` label and span attribute can take."""

OVERFLOW_LABEL: Final = "__overflow__"
"""Label value shared by label sets past the cardinality bound."""

CACHE_OPERATIONS: Final = frozenset({"get", "set", "delete", "clear", "evict"})
"""Cache backend operations with their own label value; others count as ``other``."""

MAX_PRIMITIVE_LABEL_SETS: Final = 1000
MAX_ROUTES_PER_ROUTER: Final = 64

EXPECTED_FAMILIES: Final[tuple[str, ...]] = (
    "tta_primitive_executions",
    "tta_primitive_duration_seconds",
    "tta_cache_hits",
    "tta_cache_misses",
    "tta_cache_evictions",
    "tta_cache_hit_ratio",
    "tta_router_decisions",
    "tta_router_estimated_cost_saved",
    "tta_retry_attempts",
    "tta_fallbacks",
    "tta_timeouts",
)
"""Metric family names (as the Prometheus text parser reports them) every workflow
touching all primitive types produces."""


class PrimitiveBinding:
    """The label children of one primitive (type + name), created on first use."""

    __slots__ = (
        "_cache_ratio",
        "_cache_seen",
        "_metrics",
        "_routes",
        "_span_attributes",
        "attributes",
        "duration",
        "executions",
        "primitive_name",
        "primitive_type",
    )

    def __init__(self, metrics: PrimitiveMetrics, primitive_type: str, primitive_name: str) -> None:
        self._metrics = metrics
        self.primitive_type = primitive_type
        self.primitive_name = primitive_name
        self.attributes: dict[str, str] = {
            "primitive.name": primitive_name,
            "primitive.type": primitive_type,
        }
        executions = metrics.executions
        self.executions = {
            outcome: executions.labels(primitive_type, primitive_name, outcome)
            for outcome in OUTCOMES
        }
        self.duration = metrics.duration.labels(primitive_type, primitive_name)
        self._cache_seen = [0, 0]  # hits, misses
        self._cache_ratio: Gauge | None = None
        self._routes: dict[str, Counter] = {}
        # ((workflow_id, session_id), attributes): one tuple, so threads never see a mix.
        self._span_attributes: tuple[tuple[object, object], dict[str, str]] | None = None

    def span_attributes(self, workflow_id: object, session_id: object) -> dict[str, str]:
        """Start attributes of this primitive's span in a workflow run (do not mutate).

        The dict is reused while the workflow and session ids stay the same, as
        they do for every primitive of one run.
        """
        key = (workflow_id, session_id)
        cached = self._span_attributes
        if cached is not None and cached[0] == key:
            return cached[1]
        attributes = {**self.attributes, "outcome": "success"}
        if workflow_id is not None:
            attributes["workflow.id"] = str(workflow_id)
        if session_id is not None:
            attributes["workflow.session_id"] = str(session_id)
        self._span_attributes = (key, attributes)
        return attributes

    def cache_lookup(self, hit: bool) -> None:
        """Count a cache hit or miss and update the hit ratio."""
        metrics = self._metrics
        if hit:
            self._cache_seen[0] += 1
            metrics.cache_hits.labels(self.primitive_name).inc()
        else:
            self._cache_seen[1] += 1
            metrics.cache_misses.labels(self.primitive_name).inc()
        if self._cache_ratio is None:
            self._cache_ratio = metrics.cache_hit_ratio.labels(self.primitive_name)
        hits, misses = self._cache_seen
        self._cache_ratio.set(hits / (hits + misses))

    def cache_evictions(self, count: int) -> None:
        """Count evicted cache entries."""
        self._metrics.cache_evictions.labels(self.primitive_name).inc(max(count, 0))

    def cache_backend_error(self, operation: str) -> None:
        """Count a failed cache backend operation (one of :data:`CACHE_OPERATIONS`)."""
        label = operation if operation in CACHE_OPERATIONS else "other"
        self._metrics.cache_backend_errors.labels(self.primitive_name, label).inc()

    def route_chosen(self, route: str, cost_saved: float) -> None:
        """Count a router decision and the cost it is estimated to save."""
        child = self._routes.get(route)
        if child is None:
            label = route if len(self._routes) < MAX_ROUTES_PER_ROUTER else OVERFLOW_LABEL
            child = self._metrics.router_decisions.labels(self.primitive_name, label)
            self._routes[route] = child
        child.inc()
        if cost_saved > 0:
            self._metrics.router_cost_saved.labels(self.primitive_name).inc(cost_saved)

    def retry_attempt(self) -> None:
        """Count a retry attempt."""
        self._metrics.retry_attempts.labels(self.primitive_name).inc()

    def fallback_taken(self) -> None:
        """Count a fallback taken."""
        self._metrics.fallbacks.labels(self.primitive_name).inc()

    def timeout(self) -> None:
        """Count a timeout."""
        self._metrics.timeouts.labels(self.primitive_name).inc()


class PrimitiveMetrics:
    """The primitive metric families, registered on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        primitive = ["primitive_type", "primitive_name"]
        by_name = ["primitive_name"]
        self.executions = Counter(
            "tta_primitive_executions",
            "Primitive executions by outcome.",
            [*primitive, "outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "tta_primitive_duration_seconds",
            "Primitive execution time in seconds.",
            primitive,
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.cache_hits = Counter(
            "tta_cache_hits", "Cache lookups answered from the cache.", by_name, registry=registry
        )
        self.cache_misses = Counter(
            "tta_cache_misses",
            "Cache lookups that ran the wrapped primitive.",
            by_name,
            registry=registry,
        )
        self.cache_evictions = Counter(
            "tta_cache_evictions", "Cache entries evicted.", by_name, registry=registry
        )
        self.cache_hit_ratio = Gauge(
            "tta_cache_hit_ratio",
            "Cache hits divided by lookups since start.",
            by_name,
            registry=registry,
        )
        self.cache_backend_errors = Counter(
            "tta_cache_backend_errors",
            "Cache backend operations that failed.",
            [*by_name, "operation"],
            registry=registry,
        )
        self.router_decisions = Counter(
            "tta_router_decisions",
            "Router decisions by route.",
            [*by_name, "route"],
            registry=registry,
        )
        self.router_cost_saved = Counter(
            "tta_router_estimated_cost_saved",
            "Estimated cost saved by routing, in the router's cost unit.",
            by_name,
            registry=registry,
        )
        self.retry_attempts = Counter(
            "tta_retry_attempts", "Retry attempts after a failure.", by_name, registry=registry
        )
        self.fallbacks = Counter(
            "tta_fallbacks", "Fallbacks taken after a failure.", by_name, registry=registry
        )
        self.timeouts = Counter(
            "tta_timeouts", "Executions stopped by a timeout.", by_name, registry=registry
        )
        self._bindings: dict[tuple[str, str], PrimitiveBinding] = {}
        self._lock = threading.Lock()

    def bind(self, primitive_type: str, primitive_name: str) -> PrimitiveBinding:
        """Return the binding of a primitive, creating it on first use."""
        key = (primitive_type, primitive_name)
        binding = self._bindings.get(key)
        if binding is not None:
            return binding
        with self._lock:
            binding = self._bindings.get(key)
            if binding is None:
                if len(self._bindings) >= MAX_PRIMITIVE_LABEL_SETS:
                    overflow = (primitive_type, OVERFLOW_LABEL)
                    binding = self._bindings.get(overflow)
                    if binding is None:
                        binding = PrimitiveBinding(self, primitive_type, OVERFLOW_LABEL)
                        self._bindings[overflow] = binding
                else:
                    binding = PrimitiveBinding(self, primitive_type, primitive_name)
                    self._bindings[key] = binding
            return binding

    @property
    def label_sets(self) -> int:
        """How many primitive label sets exist (bounded by the overflow rule)."""
        return len(self._bindings)
