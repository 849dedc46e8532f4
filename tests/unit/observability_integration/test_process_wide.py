"""OpenTelemetry's process-wide providers are the live pipeline, across shutdown and re-init."""

from __future__ import annotations

import logging

import pytest
from observability_integration import apm_setup, process_wide
from opentelemetry import metrics, trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from tta_dev_primitives import (
    LambdaPrimitive,
    ParallelPrimitive,
    SequentialPrimitive,
    WorkflowContext,
    hooks,
)

# Created before any initialisation, as module-level tracers in libraries are.
EARLY_TRACER = trace.get_tracer("created-before-init")
EARLY_COUNTER = metrics.get_meter("created-before-init").create_counter("early_probe")


def _finished(recorder: InMemorySpanExporter) -> list[ReadableSpan]:
    assert apm_setup.force_flush()
    return list(recorder.get_finished_spans())


def _workflow() -> SequentialPrimitive[int, object]:
    return SequentialPrimitive(
        [
            LambdaPrimitive(lambda data: data + 1, name="first"),
            ParallelPrimitive(
                [LambdaPrimitive(lambda d: d, name="left"), LambdaPrimitive(str, name="right")],
                name="fanout",
            ),
        ],
        name="workflow",
    )


async def _assert_workflow_joins_a_global_root(
    recorder: InMemorySpanExporter, tracer: trace.Tracer
) -> None:
    with tracer.start_as_current_span("root") as root:
        await _workflow().execute(1, WorkflowContext("wf"))
    spans = _finished(recorder)
    by_name = {str((s.attributes or {}).get("primitive.name", s.name)): s for s in spans}
    assert set(by_name) == {"root", "workflow", "first", "fanout", "left", "right"}
    trace_id = root.get_span_context().trace_id
    assert {span.context.trace_id for span in spans} == {trace_id}

    def parent(name: str) -> int | None:
        span = by_name[name].parent
        return None if span is None else span.span_id

    assert parent("workflow") == root.get_span_context().span_id
    workflow_id = by_name["workflow"].context.span_id
    assert parent("first") == parent("fanout") == workflow_id
    assert parent("left") == parent("right") == by_name["fanout"].context.span_id


def test_the_process_wide_providers_are_the_forwarding_ones_after_init() -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False)
    assert trace.get_tracer_provider() is process_wide.TRACER_PROVIDER
    assert metrics.get_meter_provider() is process_wide.METER_PROVIDER
    assert process_wide.process_wide_problem() is None
    assert process_wide.TRACER_PROVIDER.force_flush()
    assert process_wide.METER_PROVIDER.force_flush()


@pytest.mark.parametrize("provider", [process_wide.TRACER_PROVIDER, process_wide.METER_PROVIDER])
def test_shutting_a_process_wide_provider_down_shuts_observability_down(
    provider: process_wide.ForwardingTracerProvider | process_wide.ForwardingMeterProvider,
) -> None:
    assert apm_setup.initialize_observability(prometheus_port=0)
    provider.shutdown()  # what an app's exit handler written for the plain SDK calls
    assert not apm_setup.is_observability_enabled()
    assert hooks.get_hook() is None
    provider.shutdown()  # nothing live: does nothing
    assert apm_setup.initialize_observability(prometheus_port=0)


async def test_a_global_tracer_span_parents_the_primitive_spans(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    await _assert_workflow_joins_a_global_root(recorder, trace.get_tracer("x"))


async def test_after_shutdown_and_reinit_the_new_pipeline_gets_every_span(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    await _assert_workflow_joins_a_global_root(recorder, EARLY_TRACER)
    before = len(_finished(recorder))
    apm_setup.shutdown_observability()

    with trace.get_tracer("between").start_as_current_span("between") as between:
        assert not between.is_recording()
        await _workflow().execute(1, WorkflowContext("wf"))

    second = InMemorySpanExporter()
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=second)
    await _assert_workflow_joins_a_global_root(second, EARLY_TRACER)
    second.clear()
    await _assert_workflow_joins_a_global_root(second, trace.get_tracer("x"))
    assert len(recorder.get_finished_spans()) == before  # nothing reached the old exporter


def _counter_value(name: str) -> float | None:
    exposition = apm_setup.metrics_exposition()
    assert exposition is not None
    for family in text_string_to_metric_families(exposition[0].decode()):
        for sample in family.samples:
            if sample.name == f"{name}_total":
                return sample.value
    return None


def test_instruments_created_before_init_count_in_each_pipeline() -> None:
    EARLY_COUNTER.add(100)  # before any pipeline: dropped
    assert apm_setup.initialize_observability(prometheus_port=0)
    EARLY_COUNTER.add(2)
    late = metrics.get_meter("late").create_histogram("late_seconds")
    late.record(0.5)
    assert _counter_value("early_probe") == 2.0
    apm_setup.shutdown_observability()

    EARLY_COUNTER.add(50)  # between pipelines: dropped
    assert apm_setup.initialize_observability(prometheus_port=0)
    EARLY_COUNTER.add(3)
    assert _counter_value("early_probe") == 3.0


async def test_spans_of_every_tracer_share_one_trace_when_nested(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    global_tracer = trace.get_tracer("global")
    project_tracer = apm_setup.get_tracer("project")

    async def inner(data: int) -> int:
        with global_tracer.start_as_current_span("inside-primitive"):
            return data

    with project_tracer.start_as_current_span("outer"):
        await LambdaPrimitive(inner, name="step").execute(0, WorkflowContext("wf"))
    spans = {span.name: span for span in _finished(recorder)}
    assert set(spans) == {"outer", "LambdaPrimitive", "inside-primitive"}
    assert len({span.context.trace_id for span in spans.values()}) == 1
    step_parent = spans["LambdaPrimitive"].parent
    inside_parent = spans["inside-primitive"].parent
    assert step_parent is not None
    assert inside_parent is not None
    assert step_parent.span_id == spans["outer"].context.span_id
    assert inside_parent.span_id == spans["LambdaPrimitive"].context.span_id


def test_another_process_wide_provider_makes_init_fail_cleanly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    foreign = SdkTracerProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: foreign)
    with caplog.at_level(logging.INFO, logger="observability_integration"):
        assert apm_setup.initialize_observability(prometheus_port=0) is False
    (record,) = caplog.records
    assert "get_tracer_provider() is TracerProvider" in record.getMessage()
    assert not apm_setup.is_observability_enabled()
    assert hooks.get_hook() is None


def test_every_instrument_kind_follows_the_pipeline() -> None:
    meter = metrics.get_meter("kinds")
    readings: list[int] = []

    def observe(options: metrics.CallbackOptions) -> list[metrics.Observation]:
        readings.append(1)
        return [metrics.Observation(len(readings))]

    meter.create_up_down_counter("kind_updown").add(-1)  # before init: dropped
    updown = meter.create_up_down_counter("kind_updown")
    meter.create_observable_counter("kind_obs_counter", [observe])
    meter.create_observable_gauge("kind_obs_gauge", [observe])
    meter.create_observable_up_down_counter("kind_obs_updown", [observe])
    gauge = meter.create_gauge("kind_gauge")
    for _ in range(2):  # a second pipeline after shutdown sees the same instruments
        assert apm_setup.initialize_observability(prometheus_port=0)
        updown.add(5)
        gauge.set(7)
        exposition = apm_setup.metrics_exposition()
        assert exposition is not None
        samples = {
            sample.name: sample.value
            for family in text_string_to_metric_families(exposition[0].decode())
            for sample in family.samples
        }
        assert samples["kind_updown"] == 5.0
        assert samples["kind_gauge"] == 7.0
        assert {"kind_obs_counter_total", "kind_obs_gauge", "kind_obs_updown"} <= set(samples)
        apm_setup.shutdown_observability()
    assert readings  # the callbacks ran in the live pipelines
