"""The execution hook that gives every primitive execution a span and metrics.

:class:`ObservabilityHook` implements ``tta_dev_primitives.hooks.ExecutionHook``.
``on_start`` starts a span named after the primitive's type and makes it the
current span of the running task, so whatever the primitive runs (sequential
steps, parallel branches, retries, a cache's wrapped primitive) becomes its
child; ``on_end`` detaches it, records the outcome and ends it.

The hot path avoids the SDK's conveniences on purpose: attribute dicts and
metric label children are built once per primitive, the span is started with
``Tracer.start_span`` plus ``context.attach`` instead of the
``start_as_current_span`` context manager, the span starts with
``outcome="success"`` (overwritten on the rare error path, so a successful run
sets no attribute after the start), and durations come from
``time.perf_counter_ns``. The per-primitive cache is a least-recently-used map
bounded like the label cardinality (:data:`MAX_PRIMITIVE_LABEL_SETS`), so
primitives created with ever new names cannot grow it without bound.

:func:`install` and :func:`uninstall` are the only places that touch the
primitives' hook registry.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from contextvars import Token
from time import perf_counter_ns
from typing import Any, cast

from opentelemetry.context import Context, attach, detach
from opentelemetry.trace import Span, Status, StatusCode, Tracer, get_current_span
from opentelemetry.trace import set_span_in_context as _set_span_in_context
from tta_dev_primitives import hooks
from tta_dev_primitives.hooks import EventAttributes, PrimitiveEvent

from observability_integration.metrics import (
    MAX_PRIMITIVE_LABEL_SETS,
    PrimitiveBinding,
    PrimitiveMetrics,
)

__all__ = ["ObservabilityHook", "install", "outcome_of", "uninstall"]

_log = logging.getLogger(__name__)

_Token = tuple[PrimitiveBinding, Span, "Token[Context]", int]


def outcome_of(error: BaseException | None) -> str:
    """Map an execution's error (or ``None``) to its ``outcome`` label value."""
    if error is None:
        return "success"
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    if isinstance(error, TimeoutError):
        return "timeout"
    return "error"


class ObservabilityHook:
    """Spans and Prometheus metrics for every primitive execution."""

    __slots__ = ("_bindings", "_failed_once", "_metrics", "_tracer")

    def __init__(self, tracer: Tracer, metrics: PrimitiveMetrics) -> None:
        self._tracer = tracer
        self._metrics = metrics
        self._bindings: OrderedDict[tuple[type, object], PrimitiveBinding] = OrderedDict()
        self._failed_once = False

    @property
    def metrics(self) -> PrimitiveMetrics:
        """The metric families this hook records into."""
        return self._metrics

    @property
    def cached_bindings(self) -> int:
        """How many primitives' bindings are cached (at most :data:`MAX_PRIMITIVE_LABEL_SETS`)."""
        return len(self._bindings)

    def binding_for(self, primitive: Any) -> PrimitiveBinding:
        """Return the cached attributes and label children of ``primitive``."""
        cls = type(primitive)
        name = getattr(primitive, "name", None)
        key = (cls, name)
        bindings = self._bindings
        binding = bindings.get(key)
        if binding is not None:
            try:  # noqa: SIM105 - contextlib.suppress costs more on this hot path
                bindings.move_to_end(key)
            except KeyError:  # another thread evicted it meanwhile; it is still valid
                pass
            return binding
        type_name = cls.__name__
        binding = self._metrics.bind(type_name, str(name) if name else type_name)
        bindings[key] = binding
        while len(bindings) > MAX_PRIMITIVE_LABEL_SETS:
            try:
                bindings.popitem(last=False)
            except KeyError:  # emptied by another thread
                break
        return binding

    def on_start(self, primitive: Any, context: Any) -> object:
        """Start the primitive's span and make it current in this task."""
        try:
            binding = self.binding_for(primitive)
            attributes = binding.span_attributes(
                getattr(context, "workflow_id", None), getattr(context, "session_id", None)
            )
            span = self._tracer.start_span(binding.primitive_type, attributes=attributes)
            token = attach(_set_span_in_context(span))
        except Exception:  # instrumentation must never break a workflow
            self._report_failure("on_start")
            return None
        return (binding, span, token, perf_counter_ns())

    def on_end(
        self,
        token: object,
        primitive: Any,
        context: Any,
        error: BaseException | None,
    ) -> None:
        """End the span started by ``on_start`` and record the execution's metrics."""
        if token is None:
            return
        end_ns = perf_counter_ns()
        try:
            binding, span, context_token, started = cast(_Token, token)
            detach(context_token)
            if error is None:
                binding.executions["success"].inc()  # the span already says "success"
            else:
                outcome = outcome_of(error)
                binding.executions[outcome].inc()
                span.set_attributes({"outcome": outcome, "error.type": type(error).__qualname__})
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, type(error).__qualname__))
            span.end()
            binding.duration.observe((end_ns - started) / 1e9)
        except Exception:
            self._report_failure("on_end")

    def on_event(
        self,
        primitive: Any,
        context: Any,
        event: PrimitiveEvent,
        attributes: EventAttributes,
    ) -> None:
        """Add the event to the current span and count it."""
        try:
            span = get_current_span()
            if span.is_recording():
                span.add_event(str(event), dict(attributes))
            self._count_event(self.binding_for(primitive), event, attributes)
        except Exception:
            self._report_failure("on_event")

    @staticmethod
    def _count_event(
        binding: PrimitiveBinding,
        event: PrimitiveEvent,
        attributes: EventAttributes,
    ) -> None:
        if event is PrimitiveEvent.CACHE_HIT:
            binding.cache_lookup(hit=True)
        elif event is PrimitiveEvent.CACHE_MISS:
            binding.cache_lookup(hit=False)
        elif event is PrimitiveEvent.CACHE_EVICTION:
            binding.cache_evictions(int(attributes.get("count", 1)))
        elif event is PrimitiveEvent.CACHE_BACKEND_ERROR:
            binding.cache_backend_error(str(attributes.get("operation", "unknown")))
        elif event is PrimitiveEvent.ROUTE_CHOSEN:
            binding.route_chosen(
                str(attributes.get("route", "unknown")), float(attributes.get("cost_saved", 0.0))
            )
        elif event is PrimitiveEvent.RETRY_ATTEMPT:
            binding.retry_attempt()
        elif event is PrimitiveEvent.FALLBACK_TAKEN:
            binding.fallback_taken()
        elif event is PrimitiveEvent.TIMEOUT:
            binding.timeout()

    def _report_failure(self, where: str) -> None:
        if not self._failed_once:
            self._failed_once = True
            _log.warning("observability hook failed in %s", where, exc_info=True)


def install(hook: ObservabilityHook) -> None:
    """Instrument every primitive with ``hook``."""
    hooks.install_hook(hook)


def uninstall(hook: ObservabilityHook) -> None:
    """Stop instrumenting primitives with ``hook`` (a hook installed by others stays)."""
    if any(installed is hook for installed in hooks.get_hooks()):
        hooks.uninstall_hook(hook)
