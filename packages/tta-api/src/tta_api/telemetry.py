"""The service's telemetry: its place in the observability pipeline and its own metrics.

* :func:`primitives_registry` is the one place that knows where the primitives'
  Prometheus metrics live (``observability_integration``'s registry);
  ``/metrics`` exposes that registry's families and the service's metrics
  (:class:`ServiceMetrics`).
* :func:`instrument` gives every request a server span from
  opentelemetry-instrumentation-fastapi through the process-wide OpenTelemetry
  providers, so an incoming ``traceparent`` is honoured and the primitives'
  spans join the request's trace.
* :class:`RequestTelemetryMiddleware` counts requests and their durations by
  route template (bounded label values) and returns the trace id in the
  ``X-Trace-Id`` response header.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import observability_integration
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tta_dev_primitives import FallbackBackend

__all__ = [
    "TRACE_ID_HEADER",
    "RequestTelemetryMiddleware",
    "ServiceMetrics",
    "current_trace_id",
    "instrument",
    "primitives_registry",
]

TRACE_ID_HEADER = "x-trace-id"

_UNMATCHED_ROUTE = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def primitives_registry() -> CollectorRegistry | None:
    """The registry holding the primitives' metrics; ``None`` while observability is off."""
    return observability_integration.metrics_registry()


def instrument(app: FastAPI) -> None:
    """Trace every request of ``app`` with the process-wide OpenTelemetry providers.

    One server span per request: the ASGI receive/send child spans are left out,
    and ``/metrics`` scrapes are not traced.
    """
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="/metrics", exclude_spans=["receive", "send"]
    )


def current_trace_id() -> str | None:
    """The current span's trace id as 32 hex digits, or ``None`` outside a valid trace."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return trace.format_trace_id(span_context.trace_id)


class _PrimitivesFamilies:
    """A collector yielding, at scrape time, the families of :func:`primitives_registry`."""

    def collect(self) -> Iterable[Metric]:
        registry = primitives_registry()
        return () if registry is None else registry.collect()


class _CacheCircuitFamilies:
    """A collector reading, at scrape time, the one circuit of the cache's Redis."""

    def __init__(self, backend: FallbackBackend) -> None:
        self._circuit = backend.circuit

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "tta_api_cache_redis_circuit_open",
            "1 while the cache's Redis circuit is open (memory serves, /health says "
            "unreachable), else 0.",
            value=0 if self._circuit.closed else 1,
        )
        yield CounterMetricFamily(
            "tta_api_cache_redis_circuit_openings",
            "Times the cache's Redis circuit went from closed to open (one per outage).",
            value=self._circuit.openings,
        )


class ServiceMetrics:
    """The registry ``/metrics`` exposes: the service's own metrics and the primitives'.

    The primitives' families are read from observability_integration's registry
    at each scrape (so they follow a shutdown and re-initialisation), while the
    service's metrics stay in this app's own registry: two apps in one process
    never register the same family twice.
    """

    def __init__(self, *, include_primitives: bool) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tta_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status_code"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "tta_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.cache_fallbacks = Counter(
            "tta_api_cache_redis_fallbacks",
            "Cache operations served from memory because Redis failed, by operation.",
            ["operation"],
            registry=self.registry,
        )
        if include_primitives:
            self.registry.register(_PrimitivesFamilies())
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def watch_cache_circuit(self, backend: FallbackBackend) -> None:
        """Expose the state of ``backend``'s circuit, read at each scrape."""
        self.registry.register(_CacheCircuitFamilies(backend))

    def record_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration (label children bound once per key)."""
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status)),
                self.duration.labels(method, route),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)


class RequestTelemetryMiddleware:
    """Records :class:`ServiceMetrics` per request and adds the ``X-Trace-Id`` header."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_trace_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                trace_id = current_trace_id()
                if trace_id is not None:
                    message["headers"] = [
                        *message.get("headers", []),
                        (TRACE_ID_HEADER.encode(), trace_id.encode()),
                    ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_trace_id)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", _UNMATCHED_ROUTE)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            self.metrics.record_request(method, template, status, time.perf_counter() - started)
