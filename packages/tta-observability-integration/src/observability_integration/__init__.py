"""OpenTelemetry and Prometheus instrumentation for tta-dev-primitives.

``initialize_observability()`` sets up tracing and metrics (configured by the
standard ``OTEL_*`` variables), makes them OpenTelemetry's process-wide
providers, serves ``/metrics`` and instruments every primitive through
``tta_dev_primitives.hooks``.
"""

from observability_integration.apm_setup import (
    force_flush,
    get_meter,
    get_tracer,
    initialize_observability,
    is_observability_enabled,
    metrics_exposition,
    metrics_registry,
    metrics_url,
    shutdown_observability,
)
from observability_integration.configuration import ConfigurationError
from observability_integration.instrumentation import ObservabilityHook
from observability_integration.log_correlation import TraceContextFilter, enable_log_correlation
from observability_integration.metrics import DURATION_BUCKETS, EXPECTED_FAMILIES
from observability_integration.propagation import (
    TRACEPARENT_HEADER,
    continue_trace,
    extract_trace_context,
    inject_trace_context,
)

__all__ = [
    "DURATION_BUCKETS",
    "EXPECTED_FAMILIES",
    "TRACEPARENT_HEADER",
    "ConfigurationError",
    "ObservabilityHook",
    "TraceContextFilter",
    "continue_trace",
    "enable_log_correlation",
    "extract_trace_context",
    "force_flush",
    "get_meter",
    "get_tracer",
    "initialize_observability",
    "inject_trace_context",
    "is_observability_enabled",
    "metrics_exposition",
    "metrics_registry",
    "metrics_url",
    "shutdown_observability",
]
