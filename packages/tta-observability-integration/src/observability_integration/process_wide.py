"""Process-wide OpenTelemetry providers that forward to the live pipeline.

OpenTelemetry's ``trace.set_tracer_provider`` and ``metrics.set_meter_provider``
succeed once per process, but :func:`~observability_integration.initialize_observability`
must work again after :func:`~observability_integration.shutdown_observability`.
So the first initialisation installs, once, a :class:`ForwardingTracerProvider`
and a :class:`ForwardingMeterProvider`; each initialisation points them at its
new SDK providers and shutdown points them at nothing (no-op). Everything that
reads the process-wide providers (``trace.get_tracer``, ``metrics.get_meter``,
FastAPI / httpx / logging instrumentations) therefore always reaches the live
pipeline, even through tracers and instruments created before a re-init.

A forwarding tracer looks its SDK tracer up once per pipeline; the primitives'
hook holds an SDK tracer directly, so the hot path pays nothing for this.
Forwarding instruments are the API's own proxy instruments
(``opentelemetry.metrics._internal``), re-pointed at each pipeline's meter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.metrics import (
    CallbackT,
    Counter,
    Histogram,
    Meter,
    MeterProvider,
    NoOpMeter,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    UpDownCounter,
    _Gauge,
)
from opentelemetry.metrics._internal import _ProxyMeter, _ProxyMeterProvider
from opentelemetry.metrics._internal.instrument import _ProxyInstrument
from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.trace import Link, NoOpTracer, Span, SpanKind, Tracer, TracerProvider
from opentelemetry.util.types import Attributes

__all__ = [
    "METER_PROVIDER",
    "TRACER_PROVIDER",
    "ForwardingMeterProvider",
    "ForwardingTracerProvider",
    "install_process_wide_providers",
    "process_wide_problem",
]

_Key = tuple[str, str | None, str | None]
_Instrument = TypeVar("_Instrument")


class _ForwardingTracer(Tracer):
    """A tracer that starts its spans with the current pipeline's tracer."""

    def __init__(self, owner: ForwardingTracerProvider, key: _Key, attributes: Attributes) -> None:
        self._owner = owner
        self._key = key
        self._attributes = attributes
        self._cached: tuple[SdkTracerProvider | None, Tracer] = (None, NoOpTracer())

    def _current(self) -> Tracer:
        provider = self._owner.delegate
        cached = self._cached
        if cached[0] is provider:
            return cached[1]
        tracer: Tracer = NoOpTracer()
        if provider is not None:
            name, version, schema_url = self._key
            tracer = provider.get_tracer(name, version, schema_url, self._attributes)
        self._cached = (provider, tracer)
        return tracer

    def start_span(  # noqa: PLR0917 - the signature of Tracer.start_span
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> Span:
        return self._current().start_span(
            name,
            context,
            kind,
            attributes,
            links,
            start_time,
            record_exception,
            set_status_on_exception,
        )

    def start_as_current_span(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> AbstractContextManager[Span]:
        manager: AbstractContextManager[Span] = self._current().start_as_current_span(
            *args, **kwargs
        )
        return manager


class ForwardingTracerProvider(TracerProvider):
    """The process-wide tracer provider; forwards to :attr:`delegate` (no-op when ``None``)."""

    def __init__(self) -> None:
        self.delegate: SdkTracerProvider | None = None
        self._shutdown: Callable[[], None] | None = None

    def use(
        self, provider: SdkTracerProvider | None, shutdown: Callable[[], None] | None = None
    ) -> None:
        """Start every later span with ``provider``'s tracers (no-op spans when ``None``).

        ``shutdown`` tears the whole pipeline down; :meth:`shutdown` calls it.
        """
        self.delegate = provider
        self._shutdown = shutdown if provider is not None else None

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes = None,
    ) -> Tracer:
        key = (instrumenting_module_name, instrumenting_library_version, schema_url)
        return _ForwardingTracer(self, key, attributes)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Export the live pipeline's pending spans; ``True`` when none is left (or none live)."""
        provider = self.delegate
        return True if provider is None else provider.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Shut the live pipeline down, as ``shutdown_observability()`` does."""
        _call(self._shutdown)


def _call(callback: Callable[[], None] | None) -> None:
    if callback is not None:
        callback()


class _ForwardingMeter(_ProxyMeter):
    """A proxy meter whose instruments are re-pointed at every new pipeline's meter."""

    def __init__(self, name: str, version: str | None, schema_url: str | None) -> None:
        super().__init__(name, version, schema_url)
        self._delegate: Meter | None = None

    def use(self, meter: Meter) -> None:
        """Point this meter and every instrument it created at ``meter``."""
        with self._lock:
            self._delegate = meter
            for instrument in self._instruments:
                instrument.on_meter_set(meter)

    def _bind(self, instrument: _Instrument) -> _Instrument:
        with self._lock:
            if self._delegate is not None and isinstance(instrument, _ProxyInstrument):
                instrument.on_meter_set(self._delegate)
        return instrument

    def create_counter(self, name: str, unit: str = "", description: str = "") -> Counter:
        return self._bind(super().create_counter(name, unit, description))

    def create_up_down_counter(
        self, name: str, unit: str = "", description: str = ""
    ) -> UpDownCounter:
        return self._bind(super().create_up_down_counter(name, unit, description))

    def create_observable_counter(
        self,
        name: str,
        callbacks: Sequence[CallbackT] | None = None,
        unit: str = "",
        description: str = "",
    ) -> ObservableCounter:
        return self._bind(super().create_observable_counter(name, callbacks, unit, description))

    def create_histogram(
        self,
        name: str,
        unit: str = "",
        description: str = "",
        *,
        explicit_bucket_boundaries_advisory: Sequence[float] | None = None,
    ) -> Histogram:
        return self._bind(
            super().create_histogram(
                name,
                unit,
                description,
                explicit_bucket_boundaries_advisory=explicit_bucket_boundaries_advisory,
            )
        )

    def create_gauge(self, name: str, unit: str = "", description: str = "") -> _Gauge:
        return self._bind(super().create_gauge(name, unit, description))

    def create_observable_gauge(
        self,
        name: str,
        callbacks: Sequence[CallbackT] | None = None,
        unit: str = "",
        description: str = "",
    ) -> ObservableGauge:
        return self._bind(super().create_observable_gauge(name, callbacks, unit, description))

    def create_observable_up_down_counter(
        self,
        name: str,
        callbacks: Sequence[CallbackT] | None = None,
        unit: str = "",
        description: str = "",
    ) -> ObservableUpDownCounter:
        return self._bind(
            super().create_observable_up_down_counter(name, callbacks, unit, description)
        )


class ForwardingMeterProvider(MeterProvider):
    """The process-wide meter provider; its meters follow :meth:`use`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._meters: dict[_Key, _ForwardingMeter] = {}
        self._delegate: SdkMeterProvider | None = None
        self._shutdown: Callable[[], None] | None = None

    def get_meter(
        self,
        name: str,
        version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes = None,
    ) -> Meter:
        key = (name, version, schema_url)
        with self._lock:
            meter = self._meters.get(key)
            if meter is None:
                meter = _ForwardingMeter(name, version, schema_url)
                meter.use(self._meter_of(self._delegate, key))
                self._meters[key] = meter
            return meter

    def use(
        self, provider: SdkMeterProvider | None, shutdown: Callable[[], None] | None = None
    ) -> None:
        """Point every meter handed out (and their instruments) at ``provider``'s meters.

        ``shutdown`` tears the whole pipeline down; :meth:`shutdown` calls it.
        """
        with self._lock:
            self._delegate = provider
            self._shutdown = shutdown if provider is not None else None
            for key, meter in self._meters.items():
                meter.use(self._meter_of(provider, key))

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        """Collect and export the live pipeline's metrics now; ``True`` when done (or none live)."""
        provider = self._delegate
        return True if provider is None else provider.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Shut the live pipeline down, as ``shutdown_observability()`` does."""
        _call(self._shutdown)

    @property
    def delegate(self) -> SdkMeterProvider | None:
        """The live pipeline's meter provider, or ``None``."""
        return self._delegate

    @staticmethod
    def _meter_of(provider: SdkMeterProvider | None, key: _Key) -> Meter:
        name, version, schema_url = key
        if provider is None:
            return NoOpMeter(name, version, schema_url)
        return provider.get_meter(name, version, schema_url)


TRACER_PROVIDER = ForwardingTracerProvider()
"""The tracer provider :func:`install_process_wide_providers` sets process-wide."""
METER_PROVIDER = ForwardingMeterProvider()
"""The meter provider :func:`install_process_wide_providers` sets process-wide."""


def install_process_wide_providers() -> None:
    """Set :data:`TRACER_PROVIDER` / :data:`METER_PROVIDER` process-wide, if nothing else is.

    OpenTelemetry keeps the first provider set; :func:`process_wide_problem` says
    whether ours are the ones in place.
    """
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        trace.set_tracer_provider(TRACER_PROVIDER)
    if isinstance(metrics.get_meter_provider(), _ProxyMeterProvider):
        metrics.set_meter_provider(METER_PROVIDER)


def process_wide_problem() -> str | None:
    """Why the process-wide providers are not ours, or ``None`` when they are."""
    tracer_provider = trace.get_tracer_provider()
    if tracer_provider is not TRACER_PROVIDER:
        return (
            "opentelemetry.trace.get_tracer_provider() is "
            f"{type(tracer_provider).__name__}, not the pipeline initialize_observability() built"
        )
    meter_provider = metrics.get_meter_provider()
    if meter_provider is not METER_PROVIDER:
        return (
            "opentelemetry.metrics.get_meter_provider() is "
            f"{type(meter_provider).__name__}, not the pipeline initialize_observability() built"
        )
    return None
