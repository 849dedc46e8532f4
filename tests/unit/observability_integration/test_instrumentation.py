"""Spans, attributes, outcomes and metrics recorded for primitive executions."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from observability_integration import apm_setup, instrumentation
from observability_integration import metrics as metrics_module
from observability_integration.instrumentation import ObservabilityHook, outcome_of
from observability_integration.metrics import (
    MAX_PRIMITIVE_LABEL_SETS,
    MAX_ROUTES_PER_ROUTER,
    OVERFLOW_LABEL,
    PrimitiveMetrics,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import StatusCode, get_current_span
from prometheus_client import CollectorRegistry
from tta_dev_primitives import (
    CachePrimitive,
    FallbackPrimitive,
    LambdaPrimitive,
    MockPrimitive,
    ParallelPrimitive,
    PrimitiveEvent,
    RetryPrimitive,
    RouterPrimitive,
    SequentialPrimitive,
    TimeoutPrimitive,
    WorkflowContext,
    hooks,
)


def _spans(recorder: InMemorySpanExporter) -> list[ReadableSpan]:
    apm_setup.force_flush()
    return list(recorder.get_finished_spans())


def _sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


@pytest.fixture
def enabled(recorder: InMemorySpanExporter) -> CollectorRegistry:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    registry = apm_setup.metrics_registry()
    assert registry is not None
    return registry


async def test_one_span_per_execution_with_primitive_and_workflow_attributes(
    enabled: CollectorRegistry, recorder: InMemorySpanExporter
) -> None:
    step: LambdaPrimitive[int, int] = LambdaPrimitive(lambda data: data + 1, name="add-one")
    context = WorkflowContext("wf-1", "session-1")
    assert await step.execute(1, context) == 2

    (span,) = _spans(recorder)
    assert span.name == "LambdaPrimitive"
    assert dict(span.attributes or {}) == {
        "primitive.name": "add-one",
        "primitive.type": "LambdaPrimitive",
        "workflow.id": "wf-1",
        "workflow.session_id": "session-1",
        "outcome": "success",
    }
    assert span.status.status_code is StatusCode.UNSET
    labels = {"primitive_type": "LambdaPrimitive", "primitive_name": "add-one"}
    assert _sample(enabled, "tta_primitive_executions_total", **labels, outcome="success") == 1
    assert _sample(enabled, "tta_primitive_duration_seconds_count", **labels) == 1
    assert _sample(enabled, "tta_primitive_duration_seconds_bucket", **labels, le="10.0") == 1


async def test_no_session_id_means_no_session_attribute(
    enabled: CollectorRegistry, recorder: InMemorySpanExporter
) -> None:
    await LambdaPrimitive(lambda data: data).execute(0, WorkflowContext("wf"))
    (span,) = _spans(recorder)
    assert "workflow.session_id" not in (span.attributes or {})
    assert (span.attributes or {})["primitive.name"] == "LambdaPrimitive"


async def test_an_error_is_recorded_with_status_error_and_outcome(
    enabled: CollectorRegistry, recorder: InMemorySpanExporter
) -> None:
    failing = MockPrimitive(side_effect=ValueError("bad input"), name="failing")
    with pytest.raises(ValueError, match="bad input"):
        await failing.execute(0, WorkflowContext("wf"))

    (span,) = _spans(recorder)
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["outcome"] == "error"
    assert (span.attributes or {})["error.type"] == "ValueError"
    assert [event.name for event in span.events] == ["exception"]
    labels = {"primitive_type": "MockPrimitive", "primitive_name": "failing"}
    assert _sample(enabled, "tta_primitive_executions_total", **labels, outcome="error") == 1


def test_outcomes() -> None:
    assert outcome_of(None) == "success"
    assert outcome_of(RuntimeError()) == "error"
    assert outcome_of(TimeoutError()) == "timeout"
    assert outcome_of(asyncio.CancelledError()) == "cancelled"


async def test_timeout_cancels_the_inner_span_and_counts_the_timeout(
    enabled: CollectorRegistry, recorder: InMemorySpanExporter
) -> None:
    async def slow(data: Any) -> Any:
        await asyncio.sleep(10)
        return data

    bounded = TimeoutPrimitive(LambdaPrimitive(slow, name="slow"), 0.01, name="bounded")
    with pytest.raises(TimeoutError):
        await bounded.execute(0, WorkflowContext("wf"))

    outcomes = {
        (span.attributes or {})["primitive.name"]: (span.attributes or {})["outcome"]
        for span in _spans(recorder)
    }
    assert outcomes == {"slow": "cancelled", "bounded": "timeout"}
    assert _sample(enabled, "tta_timeouts_total", primitive_name="bounded") == 1


async def test_events_become_span_events_and_metrics(
    enabled: CollectorRegistry, recorder: InMemorySpanExporter
) -> None:
    cache = CachePrimitive(
        LambdaPrimitive(lambda data: data, name="inner"), max_entries=1, name="memo"
    )
    router = RouterPrimitive(
        {"cheap": cache, "pricey": LambdaPrimitive(lambda data: data, name="pricey")},
        lambda data, context: "cheap",
        cost_per_route={"cheap": 1.0, "pricey": 3.0},
        name="route",
    )
    retry = RetryPrimitive(
        MockPrimitive(side_effect=[OSError("flaky"), 1], name="flaky"),
        base_delay=0,
        name="again",
    )
    fallback = FallbackPrimitive(
        MockPrimitive(side_effect=RuntimeError("down"), name="primary"),
        LambdaPrimitive(lambda data: data, name="backup"),
        name="safety",
    )
    context = WorkflowContext("wf")
    for data in (1, 1, 2):
        await router.execute(data, context)
    await retry.execute(0, context)
    await fallback.execute(0, context)

    assert _sample(enabled, "tta_cache_hits_total", primitive_name="memo") == 1
    assert _sample(enabled, "tta_cache_misses_total", primitive_name="memo") == 2
    assert _sample(enabled, "tta_cache_evictions_total", primitive_name="memo") == 1
    assert _sample(enabled, "tta_cache_hit_ratio", primitive_name="memo") == pytest.approx(1 / 3)
    assert (
        _sample(enabled, "tta_router_decisions_total", primitive_name="route", route="cheap") == 3
    )
    assert _sample(
        enabled, "tta_router_estimated_cost_saved_total", primitive_name="route"
    ) == pytest.approx(6.0)
    assert _sample(enabled, "tta_retry_attempts_total", primitive_name="again") == 1
    assert _sample(enabled, "tta_fallbacks_total", primitive_name="safety") == 1

    events = {
        (span.attributes or {})["primitive.name"]: [event.name for event in span.events]
        for span in _spans(recorder)
        if span.events
    }
    assert events["memo"] in (["cache.miss"], ["cache.hit"], ["cache.miss", "cache.eviction"])
    assert events["route"] == ["router.route_chosen"]
    assert events["again"] == ["retry.attempt"]
    assert "fallback.taken" in events["safety"]


async def test_backend_error_operations_are_a_bounded_label(enabled: CollectorRegistry) -> None:
    hook = hooks.get_hook()
    assert isinstance(hook, ObservabilityHook)
    cache = CachePrimitive(LambdaPrimitive(lambda data: data), name="memo")
    context = WorkflowContext("wf")
    for operation in ("get", "user-supplied-operation-1", "user-supplied-operation-2"):
        hook.on_event(
            cache,
            context,
            PrimitiveEvent.CACHE_BACKEND_ERROR,
            {"operation": operation, "error_type": "OSError"},
        )
    name = "tta_cache_backend_errors_total"
    assert _sample(enabled, name, primitive_name="memo", operation="get") == 1
    assert _sample(enabled, name, primitive_name="memo", operation="other") == 2


async def test_label_values_never_come_from_workflow_data(enabled: CollectorRegistry) -> None:
    cache: CachePrimitive[str, str] = CachePrimitive(
        LambdaPrimitive(lambda data: data.upper(), name="shout"), name="memo"
    )
    router = RouterPrimitive(
        {"a": cache, "b": cache}, lambda data, context: "a" if len(data) % 2 else "b", name="r"
    )
    workflow = SequentialPrimitive(
        [router, ParallelPrimitive([LambdaPrimitive(str.lower, name="lower")] * 2)], name="flow"
    )
    for index in range(100):
        secret = f"user-secret-{index}"
        await workflow.execute(secret, WorkflowContext(f"workflow-{index}", f"session-{index}"))

    label_values: set[str] = set()
    series = 0
    for family in enabled.collect():
        for sample in family.samples:
            series += 1
            label_values.update(sample.labels.values())
    assert not any("secret" in value or "session-" in value for value in label_values)
    assert not any(value.startswith("workflow-") for value in label_values)
    # The series count is fixed by the workflow's shape, not by how many runs it saw.
    again = WorkflowContext("one-more", "one-more")
    await workflow.execute("user-secret-final", again)
    assert sum(len(family.samples) for family in enabled.collect()) == series


def test_primitive_label_sets_are_capped() -> None:
    metrics = PrimitiveMetrics(CollectorRegistry())
    for index in range(MAX_PRIMITIVE_LABEL_SETS + 50):
        metrics.bind("LambdaPrimitive", f"generated-{index}")
    assert metrics.label_sets == MAX_PRIMITIVE_LABEL_SETS + 1
    overflow = metrics.bind("LambdaPrimitive", "one-more")
    assert overflow.primitive_name == OVERFLOW_LABEL
    assert metrics.bind("LambdaPrimitive", "generated-0").primitive_name == "generated-0"


async def test_the_hooks_binding_cache_stays_bounded_with_many_dynamic_names(
    enabled: CollectorRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both modules read the bound at call time; a smaller one runs the same eviction
    # 10x faster (test_primitive_label_sets_are_capped checks the real bound).
    bound = MAX_PRIMITIVE_LABEL_SETS // 10
    monkeypatch.setattr(metrics_module, "MAX_PRIMITIVE_LABEL_SETS", bound)
    monkeypatch.setattr(instrumentation, "MAX_PRIMITIVE_LABEL_SETS", bound)
    hook = hooks.get_hook()
    assert isinstance(hook, ObservabilityHook)
    context = WorkflowContext("wf")
    kept: LambdaPrimitive[int, int] = LambdaPrimitive(lambda data: data, name="kept")
    await kept.execute(0, context)
    kept_binding = hook.binding_for(kept)
    for index in range(3 * bound):
        step: LambdaPrimitive[int, int] = LambdaPrimitive(lambda data: data, name=f"dyn-{index}")
        await step.execute(0, context)
        if index % 10 == 0:  # used now and then: never the least recently used one
            await kept.execute(0, context)
        assert hook.cached_bindings <= bound
    assert hook.cached_bindings == bound
    assert hook.binding_for(kept) is kept_binding
    assert hook.metrics.label_sets == bound + 1  # the rest share overflow
    assert _sample(
        enabled,
        "tta_primitive_executions_total",
        primitive_type="LambdaPrimitive",
        primitive_name=OVERFLOW_LABEL,
        outcome="success",
    ) == 3 * bound - (bound - 1)


async def test_an_unsampled_execution_records_no_span_but_counts(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(
        enable_prometheus=False, span_exporter=recorder, sampler=ALWAYS_OFF
    )
    registry = apm_setup.metrics_registry()
    assert registry is not None
    seen: list[bool] = []

    def probe(data: int) -> int:
        seen.append(get_current_span().is_recording())
        return data

    workflow = SequentialPrimitive([LambdaPrimitive(probe, name="probe")], name="unsampled")
    await workflow.execute(1, WorkflowContext("wf"))
    assert seen == [False]
    assert _spans(recorder) == []
    assert (
        _sample(
            registry,
            "tta_primitive_executions_total",
            primitive_type="LambdaPrimitive",
            primitive_name="probe",
            outcome="success",
        )
        == 1.0
    )


def test_routes_per_router_are_capped() -> None:
    registry = CollectorRegistry()
    binding = PrimitiveMetrics(registry).bind("RouterPrimitive", "router")
    for index in range(MAX_ROUTES_PER_ROUTER + 10):
        binding.route_chosen(f"route-{index}", 0.0)
    routes = {
        sample.labels["route"]
        for family in registry.collect()
        if family.name == "tta_router_decisions"
        for sample in family.samples
        if sample.name.endswith("_total")
    }
    assert len(routes) == MAX_ROUTES_PER_ROUTER + 1
    assert OVERFLOW_LABEL in routes


async def test_a_failing_hook_never_breaks_the_workflow(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class BrokenTracer:
        def start_span(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("tracer broke")

    hook = ObservabilityHook(BrokenTracer(), PrimitiveMetrics(CollectorRegistry()))  # type: ignore[arg-type]
    instrumentation.install(hook)
    step: LambdaPrimitive[int, int] = LambdaPrimitive(lambda data: data * 2)
    try:
        assert await step.execute(2, WorkflowContext("wf")) == 4
        assert await step.execute(3, WorkflowContext("wf")) == 6
    finally:
        instrumentation.uninstall(hook)
    assert caplog.text.count("observability hook failed in on_start") == 1
    hook.on_end(("not", "a", "token"), step, WorkflowContext("wf"), None)
    hook.on_event(step, WorkflowContext("wf"), PrimitiveEvent.CACHE_EVICTION, {"count": "x"})
    assert caplog.text.count("observability hook failed") == 1


async def test_hook_works_with_any_tracer_provider() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    hook = ObservabilityHook(provider.get_tracer("t"), PrimitiveMetrics(CollectorRegistry()))
    instrumentation.install(hook)
    outer = SequentialPrimitive(
        [LambdaPrimitive(lambda data: data, name="one"), LambdaPrimitive(lambda data: data)],
        name="outer",
    )
    try:
        await outer.execute(0, WorkflowContext("wf"))
    finally:
        instrumentation.uninstall(hook)
    spans = {
        (span.attributes or {})["primitive.name"]: span for span in exporter.get_finished_spans()
    }
    assert set(spans) == {"outer", "one", "LambdaPrimitive"}
    outer_id = spans["outer"].context.span_id
    assert spans["one"].parent is not None
    assert spans["one"].parent.span_id == outer_id
    provider.shutdown()


async def test_primitives_work_unchanged_while_disabled() -> None:
    assert hooks.get_hook() is None
    workflow = SequentialPrimitive(
        [LambdaPrimitive(lambda data: data + 1), RetryPrimitive(LambdaPrimitive(lambda d: d * 3))]
    )
    assert await workflow.execute(1, WorkflowContext("wf")) == 6
    assert not apm_setup.is_observability_enabled()
