"""Span exporters and metric readers named by ``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER``.

The OTLP exporter (OTLP/HTTP with protobuf) comes from the optional ``otlp``
extra and is imported only when asked for; without it,
:class:`MissingExtraError` says which extra to install. The OTLP exporters
read ``OTEL_EXPORTER_OTLP_*`` (endpoint, headers, timeout, compression,
certificates) themselves. ``prometheus`` is not built here: it is the
``/metrics`` endpoint set up by ``apm_setup``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SpanExporter

__all__ = ["OTLP_EXTRA", "MissingExtraError", "metric_readers", "span_exporters"]

OTLP_EXTRA = "tta-observability-integration[otlp]"

_OTLP_MODULE = "opentelemetry.exporter.otlp.proto.http.{signal}_exporter"


class MissingExtraError(ImportError):
    """An exporter was asked for whose optional dependency is not installed."""

    def __init__(self, variable: str, extra: str) -> None:
        super().__init__(
            f"{variable}=otlp needs the {extra} extra: pip install '{extra}' (or uv add '{extra}')"
        )
        self.variable = variable


def _otlp(signal: str, class_name: str, variable: str) -> Any:
    try:
        module = importlib.import_module(_OTLP_MODULE.format(signal=signal))
    except ImportError:
        raise MissingExtraError(variable, OTLP_EXTRA) from None
    return getattr(module, class_name)()


def span_exporters(names: Sequence[str]) -> list[SpanExporter]:
    """One exporter per name (``otlp``, ``console``)."""
    exporters: list[SpanExporter] = []
    for name in names:
        if name == "otlp":
            exporters.append(_otlp("trace", "OTLPSpanExporter", "OTEL_TRACES_EXPORTER"))
        elif name == "console":
            exporters.append(ConsoleSpanExporter(out=sys.stdout))
    return exporters


def metric_readers(names: Sequence[str]) -> list[MetricReader]:
    """A periodic reader per pushing exporter name (``otlp``, ``console``)."""
    readers: list[MetricReader] = []
    for name in names:
        if name == "otlp":
            exporter = _otlp("metric", "OTLPMetricExporter", "OTEL_METRICS_EXPORTER")
            readers.append(PeriodicExportingMetricReader(exporter))
        elif name == "console":
            readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter(out=sys.stdout)))
    return readers
