"""The OTEL_* environment: bad values fail init cleanly, good ones configure it, arguments win."""

from __future__ import annotations

import logging
import sys

import pytest
from observability_integration import apm_setup, configuration, process_wide
from observability_integration.exporters import OTLP_EXTRA
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_OFF,
    DEFAULT_ON,
    ParentBasedTraceIdRatio,
    TraceIdRatioBased,
)
from tta_dev_primitives import hooks

from ...common.ports import free_port, listening

BAD_VALUES: list[tuple[dict[str, str], str]] = [
    ({"OTEL_SDK_DISABLED": "maybe"}, "OTEL_SDK_DISABLED"),
    ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"),
    ({"OTEL_TRACES_EXPORTER": "otlp,none"}, "OTEL_TRACES_EXPORTER"),
    ({"OTEL_METRICS_EXPORTER": "statsd"}, "OTEL_METRICS_EXPORTER"),
    ({"OTEL_TRACES_SAMPLER": "sometimes"}, "OTEL_TRACES_SAMPLER"),
    (
        {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"},
        "OTEL_TRACES_SAMPLER_ARG",
    ),
    (
        {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "-0.1"},
        "OTEL_TRACES_SAMPLER_ARG",
    ),
    (
        {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "nan"},
        "OTEL_TRACES_SAMPLER_ARG",
    ),
    (
        {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "half"},
        "OTEL_TRACES_SAMPLER_ARG",
    ),
    ({"OTEL_RESOURCE_ATTRIBUTES": "team=core,broken"}, "OTEL_RESOURCE_ATTRIBUTES"),
    ({"OTEL_RESOURCE_ATTRIBUTES": "=value"}, "OTEL_RESOURCE_ATTRIBUTES"),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4318"},
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://:4318"},
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://host:99999"},
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://collector:21"},
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://a b/"},
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ),
    (
        {"OTEL_METRICS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"},
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TIMEOUT": "-5"},
        "OTEL_EXPORTER_OTLP_TIMEOUT",
    ),
    (
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_COMPRESSION": "brotli"},
        "OTEL_EXPORTER_OTLP_COMPRESSION",
    ),
]


def _assert_nothing_set_up(port: int) -> None:
    assert not apm_setup.is_observability_enabled()
    assert hooks.get_hook() is None
    assert apm_setup.metrics_url() is None
    assert not listening(port)
    assert process_wide.TRACER_PROVIDER.delegate is None
    assert process_wide.METER_PROVIDER.delegate is None
    with trace.get_tracer("after-failure").start_as_current_span("probe") as span:
        assert not span.is_recording()


@pytest.mark.parametrize(
    ("environment", "variable"),
    BAD_VALUES,
    ids=[f"{variable}={env[variable]}" for env, variable in BAD_VALUES],
)
def test_a_bad_otel_value_fails_init_with_one_line_naming_the_variable(
    environment: dict[str, str],
    variable: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    with caplog.at_level(logging.DEBUG):
        assert apm_setup.initialize_observability(prometheus_port=port) is False
    (record,) = [r for r in caplog.records if r.name.startswith("observability_integration")]
    assert record.levelno == logging.ERROR
    assert f"{variable}={environment[variable]!r}" in record.getMessage()
    assert "\n" not in record.getMessage()
    _assert_nothing_set_up(port)


def test_a_missing_otlp_extra_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.http.metric_exporter", None)
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "otlp,prometheus")
    port = free_port()
    with caplog.at_level(logging.DEBUG, logger="observability_integration"):
        assert apm_setup.initialize_observability(prometheus_port=port) is False
    (record,) = caplog.records
    assert "OTEL_METRICS_EXPORTER=otlp" in record.getMessage()
    assert OTLP_EXTRA in record.getMessage()
    _assert_nothing_set_up(port)


@pytest.mark.parametrize(
    ("sampler", "argument", "expected"),
    [
        ("", "", DEFAULT_ON),
        ("always_on", "", ALWAYS_ON),
        ("ALWAYS_OFF", "", ALWAYS_OFF),
        ("parentbased_always_on", "", DEFAULT_ON),
        ("parentbased_always_off", "", DEFAULT_OFF),
    ],
)
def test_static_samplers_are_read(sampler: str, argument: str, expected: object) -> None:
    settings = configuration.read_settings(
        {"OTEL_TRACES_SAMPLER": sampler, "OTEL_TRACES_SAMPLER_ARG": argument}
    )
    assert settings.sampler is expected


def test_ratio_samplers_take_their_argument() -> None:
    ratio = configuration.read_settings(
        {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}
    ).sampler
    assert isinstance(ratio, TraceIdRatioBased)
    assert ratio.rate == 0.25
    parent_based = configuration.read_settings(
        {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio"}
    ).sampler
    assert isinstance(parent_based, ParentBasedTraceIdRatio)
    assert isinstance(parent_based._root, TraceIdRatioBased)
    assert parent_based._root.rate == 1.0


def test_defaults_and_lists() -> None:
    settings = configuration.read_settings({})
    assert not settings.disabled
    assert settings.traces_exporters == ()
    assert settings.metrics_exporters == ("prometheus",)
    listed = configuration.read_settings(
        {
            "OTEL_TRACES_EXPORTER": " Console , otlp,console",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_SDK_DISABLED": "FALSE",
            "OTEL_RESOURCE_ATTRIBUTES": "team=core%2Cplatform, region = eu ,",
        }
    )
    assert listed.traces_exporters == ("console", "otlp")
    assert listed.metrics_exporters == ()
    assert dict(listed.resource_attributes) == {"team": "core,platform", "region": "eu"}


def test_environment_configures_the_resource_and_arguments_win(
    monkeypatch: pytest.MonkeyPatch, recorder: InMemorySpanExporter
) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")
    monkeypatch.setenv(
        "OTEL_RESOURCE_ATTRIBUTES",
        "service.name=from-attributes,service.version=7,deployment.environment=staging,team=core",
    )
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    with trace.get_tracer("t").start_as_current_span("probe"):
        pass
    apm_setup.force_flush()
    (span,) = recorder.get_finished_spans()
    attributes = span.resource.attributes
    assert attributes["service.name"] == "from-env"
    assert attributes["service.version"] == "7"
    assert attributes["deployment.environment"] == "staging"
    assert attributes["team"] == "core"
    apm_setup.shutdown_observability()

    explicit = InMemorySpanExporter()
    assert apm_setup.initialize_observability(
        "explicit",
        "1.0",
        environment="prod",
        enable_prometheus=False,
        span_exporter=explicit,
    )
    with trace.get_tracer("t").start_as_current_span("probe"):
        pass
    apm_setup.force_flush()
    (span,) = explicit.get_finished_spans()
    assert span.resource.attributes["service.name"] == "explicit"
    assert span.resource.attributes["service.version"] == "1.0"
    assert span.resource.attributes["deployment.environment"] == "prod"


def test_the_environment_sampler_applies_unless_an_argument_is_given(
    monkeypatch: pytest.MonkeyPatch, recorder: InMemorySpanExporter
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    with trace.get_tracer("t").start_as_current_span("dropped") as span:
        assert not span.is_recording()
    apm_setup.shutdown_observability()
    assert apm_setup.initialize_observability(
        enable_prometheus=False, span_exporter=recorder, sampler=ALWAYS_ON
    )
    with trace.get_tracer("t").start_as_current_span("kept") as span:
        assert span.is_recording()


def test_metrics_exporter_none_serves_no_metrics_unless_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    assert apm_setup.initialize_observability(prometheus_port=0)
    assert apm_setup.metrics_url() is None
    apm_setup.shutdown_observability()
    assert apm_setup.initialize_observability(prometheus_port=0, enable_prometheus=True)
    assert apm_setup.metrics_url() is not None


def test_console_exporters_from_the_environment_print(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "console")
    assert apm_setup.initialize_observability()
    with trace.get_tracer("t").start_as_current_span("printed-by-env"):
        pass
    apm_setup.get_meter("t").create_counter("console_probe").add(1)
    apm_setup.shutdown_observability()  # the periodic reader exports on shutdown
    out = capsys.readouterr().out
    assert "printed-by-env" in out
    assert "console_probe" in out
