"""Set up and tear down OpenTelemetry tracing, Prometheus metrics and the primitive hook.

:func:`initialize_observability` reads the standard ``OTEL_*`` variables
(:mod:`~observability_integration.configuration`; explicit arguments win),
builds an SDK TracerProvider and MeterProvider, serves ``/metrics`` and
installs the primitives' hook. Its providers are the process-wide ones:
``opentelemetry.trace.get_tracer_provider()`` and
``opentelemetry.metrics.get_meter_provider()`` return forwarding providers
(:mod:`~observability_integration.process_wide`) set once per process and
pointed at each new pipeline, because OpenTelemetry's globals can be set only
once while :func:`shutdown_observability` followed by
:func:`initialize_observability` must work in one process. After a shutdown
they forward to no-op objects, so no span reaches an old exporter.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
from contextlib import ExitStack
from dataclasses import dataclass

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Meter, NoOpMeter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import Sampler
from opentelemetry.trace import NoOpTracer, Tracer
from prometheus_client import CollectorRegistry
from tta_process_support.versions import installed_version

from observability_integration import instrumentation, process_wide
from observability_integration.configuration import ConfigurationError, Settings, read_settings
from observability_integration.exporters import MissingExtraError, metric_readers, span_exporters
from observability_integration.instrumentation import ObservabilityHook
from observability_integration.metrics import PrimitiveMetrics
from observability_integration.metrics_server import (
    MetricsServer,
    MetricsServerError,
    render_metrics,
)

__all__ = [
    "force_flush",
    "get_meter",
    "get_tracer",
    "initialize_observability",
    "is_observability_enabled",
    "metrics_exposition",
    "metrics_registry",
    "metrics_url",
    "shutdown_observability",
]

_log = logging.getLogger(__name__)

_INSTRUMENTATION_SCOPE = "observability_integration"
_DISTRIBUTION = "tta-observability-integration"


@dataclass(frozen=True)
class _Observability:
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    registry: CollectorRegistry
    hook: ObservabilityHook
    server: MetricsServer | None


@dataclass(frozen=True)
class _Options:
    """Explicit arguments of :func:`initialize_observability` (``None``: from the environment)."""

    service_name: str | None
    service_version: str | None
    environment: str | None
    enable_prometheus: bool | None
    prometheus_host: str
    prometheus_port: int
    enable_console_traces: bool
    span_exporter: SpanExporter | None
    sampler: Sampler | None


_state: _Observability | None = None
_lock = threading.RLock()
_atexit_registered = False


def initialize_observability(
    service_name: str | None = None,
    service_version: str | None = None,
    *,
    environment: str | None = None,
    enable_prometheus: bool | None = None,
    prometheus_host: str = "127.0.0.1",
    prometheus_port: int = 9464,
    enable_console_traces: bool = False,
    span_exporter: SpanExporter | None = None,
    sampler: Sampler | None = None,
) -> bool:
    """Set up tracing, metrics and the ``/metrics`` endpoint, and instrument every primitive.

    Arguments left ``None`` come from the ``OTEL_*`` environment (see
    :mod:`~observability_integration.configuration`), then from defaults:
    service ``tta``, version of this package, environment ``$TTA_ENVIRONMENT`` or
    ``development``, ``/metrics`` served, no span exporter, parent-based
    always-on sampling. ``span_exporter`` replaces ``OTEL_TRACES_EXPORTER``'s
    exporters; ``enable_console_traces`` adds the console one.

    Returns ``True`` when observability is enabled afterwards; a second call
    while enabled changes nothing. Returns ``False`` with one log line saying why,
    and nothing left half set up, when ``OTEL_SDK_DISABLED=true``, an ``OTEL_*``
    value is bad, an exporter's optional extra is missing, the Prometheus port is
    in use, or another library already set OpenTelemetry's process-wide
    providers. ``prometheus_port=0`` picks a free port (:func:`metrics_url`).
    """
    global _state, _atexit_registered  # noqa: PLW0603 - the module owns the providers
    with _lock:
        if _state is not None:
            return True
        try:
            settings = read_settings(os.environ)
        except ConfigurationError as exc:
            _log.error("observability not initialised: %s", exc)
            return False
        if settings.disabled:
            _log.info("observability disabled by OTEL_SDK_DISABLED=true")
            return False
        process_wide.install_process_wide_providers()
        problem = process_wide.process_wide_problem()
        if problem is not None:
            _log.error("observability not initialised: %s", problem)
            return False
        options = _Options(
            service_name,
            service_version,
            environment,
            enable_prometheus,
            prometheus_host,
            prometheus_port,
            enable_console_traces,
            span_exporter,
            sampler,
        )
        try:
            state = _start(settings, options)
        except (MissingExtraError, MetricsServerError) as exc:
            _log.error("observability not initialised: %s", exc)
            return False

        process_wide.TRACER_PROVIDER.use(state.tracer_provider, shutdown_observability)
        process_wide.METER_PROVIDER.use(state.meter_provider, shutdown_observability)
        instrumentation.install(state.hook)
        _state = state
        if not _atexit_registered:
            atexit.register(shutdown_observability)
            _atexit_registered = True
        if state.server is not None:
            _log.info("observability initialised; metrics at %s", state.server.url)
        return True


def _resource(settings: Settings, options: _Options) -> Resource:
    attributes = dict(settings.resource_attributes)
    attributes["service.name"] = (
        options.service_name or settings.service_name or attributes.get("service.name") or "tta"
    )
    attributes["service.version"] = (
        options.service_version
        or attributes.get("service.version")
        or installed_version(_DISTRIBUTION)
    )
    attributes["deployment.environment"] = (
        options.environment
        or attributes.get("deployment.environment")
        or os.environ.get("TTA_ENVIRONMENT", "development")
    )
    return Resource.create(attributes)


def _start(settings: Settings, options: _Options) -> _Observability:
    """Build the pipeline; whatever was started is stopped again if a step fails."""
    with ExitStack() as undo:
        if options.span_exporter is not None:
            exporters = [options.span_exporter]
        else:
            exporters = span_exporters(settings.traces_exporters)
            for exporter in exporters:
                undo.callback(exporter.shutdown)
        readers: list[MetricReader] = metric_readers(settings.metrics_exporters)
        for reader in readers:
            undo.callback(reader.shutdown)

        registry = CollectorRegistry()
        prometheus = options.enable_prometheus
        if prometheus is None:
            prometheus = "prometheus" in settings.metrics_exporters
        server: MetricsServer | None = None
        if prometheus:
            server = MetricsServer(registry, options.prometheus_host, options.prometheus_port)
            server.start()
            undo.callback(server.stop)
            readers.append(PrometheusMetricReader(registry=registry))

        resource = _resource(settings, options)
        tracer_provider = TracerProvider(
            resource=resource,
            sampler=options.sampler or settings.sampler,
            shutdown_on_exit=False,
        )
        undo.callback(tracer_provider.shutdown)  # stops the span processors' threads
        for exporter in exporters:
            if isinstance(exporter, ConsoleSpanExporter):
                tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
            else:
                tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
        has_console = any(isinstance(exporter, ConsoleSpanExporter) for exporter in exporters)
        if options.enable_console_traces and not has_console:
            console = ConsoleSpanExporter(out=sys.stdout)
            tracer_provider.add_span_processor(SimpleSpanProcessor(console))
        meter_provider = MeterProvider(
            metric_readers=readers, resource=resource, shutdown_on_exit=False
        )
        tracer = tracer_provider.get_tracer(
            _INSTRUMENTATION_SCOPE, installed_version(_DISTRIBUTION)
        )
        hook = ObservabilityHook(tracer, PrimitiveMetrics(registry))
        undo.pop_all()
    return _Observability(tracer_provider, meter_provider, registry, hook, server)


def shutdown_observability() -> None:
    """Flush spans, stop the metrics server, free its port and uninstall the hook.

    The process-wide providers forward to no-op objects until the next
    :func:`initialize_observability`. Does nothing when observability is not enabled.
    """
    global _state
    with _lock:
        state, _state = _state, None
        if state is None:
            return
        instrumentation.uninstall(state.hook)
        process_wide.TRACER_PROVIDER.use(None)
        process_wide.METER_PROVIDER.use(None)
        try:
            state.tracer_provider.shutdown()
            state.meter_provider.shutdown()
        finally:
            if state.server is not None:
                state.server.stop()


def is_observability_enabled() -> bool:
    """Whether :func:`initialize_observability` succeeded and no shutdown followed."""
    return _state is not None


def get_tracer(name: str, version: str | None = None) -> Tracer:
    """A tracer from the module's provider, or a no-op tracer when disabled."""
    state = _state
    if state is None:
        return NoOpTracer()
    return state.tracer_provider.get_tracer(name, version)


def get_meter(name: str, version: str | None = None) -> Meter:
    """A meter exported to ``/metrics``, or a no-op meter when disabled."""
    state = _state
    if state is None:
        return NoOpMeter(name, version)
    return state.meter_provider.get_meter(name, version)


def metrics_url() -> str | None:
    """The URL serving ``/metrics``, or ``None`` when not served."""
    state = _state
    if state is None or state.server is None:
        return None
    return state.server.url


def metrics_registry() -> CollectorRegistry | None:
    """The Prometheus registry behind ``/metrics`` (to mount it in an app), or ``None``."""
    state = _state
    return None if state is None else state.registry


def metrics_exposition(accept: str | None = None) -> tuple[bytes, str] | None:
    """What ``/metrics`` serves: ``(body, content_type)`` for an ``Accept`` header, or ``None``.

    The body holds the primitives' families and every instrument created with
    :func:`get_meter` or ``opentelemetry.metrics.get_meter``; an app serves it on
    its own route with the returned content type. ``None`` when observability is
    not enabled.
    """
    state = _state
    return None if state is None else render_metrics(state.registry, accept)


def force_flush(timeout_millis: int = 30_000) -> bool:
    """Export pending spans now; ``True`` when nothing is left pending (or disabled)."""
    state = _state
    if state is None:
        return True
    return state.tracer_provider.force_flush(timeout_millis)
