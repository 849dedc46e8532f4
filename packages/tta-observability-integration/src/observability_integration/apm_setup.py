"""Set up and tear down OpenTelemetry tracing, Prometheus metrics and the primitive hook.

The providers live in this module, not in OpenTelemetry's process-wide globals
(which can be set only once per process), so :func:`shutdown_observability`
followed by :func:`initialize_observability` works in one process. Use
:func:`get_tracer` and :func:`get_meter` to reach them; while observability is
disabled they return no-op objects.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Meter, NoOpMeter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import NoOpTracer, Tracer
from prometheus_client import CollectorRegistry
from tta_dev_primitives import hooks

from observability_integration.instrumentation import ObservabilityHook
from observability_integration.metrics import PrimitiveMetrics
from observability_integration.metrics_server import MetricsServer, MetricsServerError

__all__ = [
    "force_flush",
    "get_meter",
    "get_tracer",
    "initialize_observability",
    "is_observability_enabled",
    "metrics_registry",
    "metrics_url",
    "shutdown_observability",
]

_log = logging.getLogger(__name__)

_INSTRUMENTATION_SCOPE = "observability_integration"


def _package_version() -> str:
    try:
        return version("tta-observability-integration")
    except PackageNotFoundError:  # running from a source tree without metadata
        return "0.0.0"


@dataclass(frozen=True)
class _Observability:
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    registry: CollectorRegistry
    hook: ObservabilityHook
    server: MetricsServer | None


_state: _Observability | None = None
_lock = threading.RLock()
_atexit_registered = False


def _sdk_disabled() -> bool:
    return os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


def initialize_observability(
    service_name: str = "tta",
    service_version: str | None = None,
    *,
    environment: str | None = None,
    enable_prometheus: bool = True,
    prometheus_host: str = "127.0.0.1",
    prometheus_port: int = 9464,
    enable_console_traces: bool = False,
    span_exporter: SpanExporter | None = None,
) -> bool:
    """Set up tracing, metrics and the ``/metrics`` endpoint, and instrument every primitive.

    Returns ``True`` when observability is enabled afterwards. A second call while
    enabled returns ``True`` and changes nothing. Returns ``False`` (with one log
    line saying why, and nothing left half set up) when the Prometheus port is in
    use or ``OTEL_SDK_DISABLED=true``. ``prometheus_port=0`` picks a free port:
    :func:`metrics_url` says which. ``span_exporter`` receives every span through a
    ``BatchSpanProcessor``; :func:`force_flush` pushes pending spans to it.
    """
    global _state, _atexit_registered  # noqa: PLW0603 - the module owns the providers
    with _lock:
        if _state is not None:
            return True
        if _sdk_disabled():
            _log.info("observability disabled by OTEL_SDK_DISABLED=true")
            return False

        registry = CollectorRegistry()
        server: MetricsServer | None = None
        if enable_prometheus:
            server = MetricsServer(registry, prometheus_host, prometheus_port)
            try:
                server.start()
            except MetricsServerError as exc:
                _log.error("observability not initialised: %s", exc)
                return False

        try:
            state = _build(
                registry,
                server,
                service_name=service_name,
                service_version=service_version or _package_version(),
                environment=environment or os.environ.get("TTA_ENVIRONMENT", "development"),
                enable_prometheus=enable_prometheus,
                enable_console_traces=enable_console_traces,
                span_exporter=span_exporter,
            )
        except Exception:
            if server is not None:
                server.stop()
            raise

        hooks.install_hook(state.hook)
        _state = state
        if not _atexit_registered:
            atexit.register(shutdown_observability)
            _atexit_registered = True
        if server is not None:
            _log.info("observability initialised; metrics at %s", server.url)
        return True


def _build(
    registry: CollectorRegistry,
    server: MetricsServer | None,
    *,
    service_name: str,
    service_version: str,
    environment: str,
    enable_prometheus: bool,
    enable_console_traces: bool,
    span_exporter: SpanExporter | None,
) -> _Observability:
    resource = Resource.create(
        {
            "service.name": service_name,
            "service.version": service_version,
            "deployment.environment": environment,
        }
    )
    tracer_provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    if span_exporter is not None:
        tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
    if enable_console_traces:
        tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stdout)))
    readers = [PrometheusMetricReader(registry=registry)] if enable_prometheus else []
    meter_provider = MeterProvider(
        metric_readers=readers, resource=resource, shutdown_on_exit=False
    )
    tracer = tracer_provider.get_tracer(_INSTRUMENTATION_SCOPE, service_version)
    hook = ObservabilityHook(tracer, PrimitiveMetrics(registry))
    return _Observability(tracer_provider, meter_provider, registry, hook, server)


def shutdown_observability() -> None:
    """Flush spans, stop the metrics server, free its port and uninstall the hook.

    Does nothing when observability is not enabled; a later
    :func:`initialize_observability` starts afresh.
    """
    global _state
    with _lock:
        state, _state = _state, None
        if state is None:
            return
        if any(hook is state.hook for hook in hooks.get_hooks()):
            hooks.uninstall_hook(state.hook)
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


def force_flush(timeout_millis: int = 30_000) -> bool:
    """Export pending spans now; ``True`` when nothing is left pending (or disabled)."""
    state = _state
    if state is None:
        return True
    return state.tracer_provider.force_flush(timeout_millis)
