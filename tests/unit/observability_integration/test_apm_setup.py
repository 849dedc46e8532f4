"""Setup and teardown: port in use, double init, re-init, shutdown, disabled mode."""

from __future__ import annotations

import logging
import urllib.request

import observability_integration
import pytest
from observability_integration import apm_setup
from opentelemetry.metrics import NoOpMeter
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NoOpTracer
from prometheus_client.parser import text_string_to_metric_families
from tta_dev_primitives import hooks

from ...common.ports import free_port, listening, taken_port


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback URL
        body: bytes = response.read()
    return body.decode()


def finished(recorder: InMemorySpanExporter) -> list[ReadableSpan]:
    apm_setup.force_flush()
    return list(recorder.get_finished_spans())


def test_both_import_paths_expose_the_setup_api() -> None:
    for name in (
        "initialize_observability",
        "is_observability_enabled",
        "get_tracer",
        "get_meter",
        "shutdown_observability",
        "metrics_url",
    ):
        assert getattr(observability_integration, name) is getattr(apm_setup, name)


def test_init_serves_metrics_on_a_free_port_and_installs_the_hook() -> None:
    assert apm_setup.initialize_observability(service_name="unit", prometheus_port=0)
    assert apm_setup.is_observability_enabled()
    url = apm_setup.metrics_url()
    assert url is not None
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/metrics")
    assert hooks.get_hook() is not None

    counter = apm_setup.get_meter("unit-test").create_counter("unit_probe", description="probe")
    counter.add(3)
    families = {family.name: family for family in text_string_to_metric_families(_fetch(url))}
    assert "unit_probe" in families
    assert [
        sample.value
        for sample in families["unit_probe"].samples
        if sample.name == "unit_probe_total"
    ] == [3.0]
    assert "tta_primitive_executions" in families


def test_port_in_use_returns_false_with_one_log_line_and_nothing_half_initialised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with taken_port() as port, caplog.at_level(logging.INFO, logger="observability_integration"):
        assert apm_setup.initialize_observability(prometheus_port=port) is False

    assert not apm_setup.is_observability_enabled()
    assert apm_setup.metrics_url() is None
    assert hooks.get_hook() is None
    assert isinstance(apm_setup.get_tracer("x"), NoOpTracer)
    records = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(records) == 1
    assert str(port) in records[0].getMessage()


def test_double_init_returns_true_and_changes_nothing() -> None:
    assert apm_setup.initialize_observability(prometheus_port=0)
    url = apm_setup.metrics_url()
    hook = hooks.get_hook()
    tracer_provider_before = apm_setup.get_tracer("a")

    assert apm_setup.initialize_observability(service_name="other", prometheus_port=0)
    assert apm_setup.metrics_url() == url
    assert hooks.get_hook() is hook
    assert type(apm_setup.get_tracer("a")) is type(tracer_provider_before)


def test_shutdown_frees_the_port_and_allows_a_later_init() -> None:
    assert apm_setup.initialize_observability(prometheus_port=0)
    url = apm_setup.metrics_url()
    assert url is not None
    port = int(url.rsplit(":", 1)[1].split("/")[0])

    apm_setup.shutdown_observability()
    assert not apm_setup.is_observability_enabled()
    assert hooks.get_hook() is None
    assert apm_setup.metrics_url() is None
    assert not listening(port)

    assert apm_setup.initialize_observability(prometheus_port=port)
    assert apm_setup.metrics_url() == url
    assert "tta_primitive_executions" in _fetch(url)


def test_shutdown_without_init_does_nothing() -> None:
    apm_setup.shutdown_observability()
    apm_setup.shutdown_observability()
    assert not apm_setup.is_observability_enabled()
    assert apm_setup.force_flush()


def test_disabled_mode_returns_no_op_objects_never_none() -> None:
    tracer = apm_setup.get_tracer("x")
    meter = apm_setup.get_meter("x")
    assert isinstance(tracer, NoOpTracer)
    assert isinstance(meter, NoOpMeter)
    with tracer.start_as_current_span("noop") as span:
        assert not span.is_recording()
    meter.create_counter("c").add(1)
    assert apm_setup.metrics_url() is None
    assert apm_setup.metrics_registry() is None


def test_otel_sdk_disabled_creates_no_sdk_objects(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("an SDK object was created while disabled")

    for name in ("TracerProvider", "MeterProvider", "PrometheusMetricReader", "MetricsServer"):
        monkeypatch.setattr(apm_setup, name, forbidden)
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")

    with caplog.at_level(logging.INFO, logger="observability_integration"):
        assert apm_setup.initialize_observability(prometheus_port=0) is False
    assert "OTEL_SDK_DISABLED" in caplog.text
    assert not apm_setup.is_observability_enabled()
    assert hooks.get_hook() is None


def test_without_prometheus_nothing_is_served_but_spans_are_exported(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    assert apm_setup.metrics_url() is None
    assert apm_setup.metrics_registry() is not None
    with apm_setup.get_tracer("unit").start_as_current_span("probe"):
        pass
    assert [span.name for span in finished(recorder)] == ["probe"]


def test_a_failure_while_building_releases_the_port(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("broken provider")

    monkeypatch.setattr(apm_setup, "MeterProvider", broken)
    port = free_port()
    with pytest.raises(RuntimeError, match="broken provider"):
        apm_setup.initialize_observability(prometheus_port=port)
    assert not apm_setup.is_observability_enabled()
    assert not listening(port)


def test_resource_carries_service_name_version_and_environment(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(
        service_name="svc",
        service_version="9.9",
        environment="ci",
        enable_prometheus=False,
        span_exporter=recorder,
    )
    with apm_setup.get_tracer("unit").start_as_current_span("probe"):
        pass
    (span,) = finished(recorder)
    attributes = span.resource.attributes
    assert attributes["service.name"] == "svc"
    assert attributes["service.version"] == "9.9"
    assert attributes["deployment.environment"] == "ci"


def test_console_traces_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, enable_console_traces=True)
    with apm_setup.get_tracer("unit").start_as_current_span("printed-span"):
        pass
    assert "printed-span" in capsys.readouterr().out
