"""Added cost of instrumenting one primitive execution, against a naive integration's floor.

Both numbers are added costs measured in the same run, with interleaved rounds
in one event loop:

* ours: ``LambdaPrimitive.execute`` with observability initialised (real
  ``initialize_observability``: BatchSpanProcessor, Prometheus registry and
  server) minus the same call with no hook installed;
* the floor: what a naive integration would add per execution with stock SDK
  calls: one ``tracer.start_as_current_span`` (same attributes, BatchSpanProcessor),
  one counter ``add`` and one histogram ``record`` (OTel SDK meter with a
  PrometheusMetricReader), minus an empty coroutine.

Target: ours <= 0.6x the floor. The instrumented call is also recorded with
pytest-benchmark for the regression baseline.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

import pytest
from observability_integration import initialize_observability, shutdown_observability
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from prometheus_client import CollectorRegistry
from tta_dev_primitives import LambdaPrimitive, WorkflowContext, hooks

TARGET_RATIO = 0.6
ROUNDS = 61
CALLS_PER_ROUND = 2_000
BATCH = 100

Call = Callable[[], Awaitable[object]]


class _DiscardingExporter(SpanExporter):
    """Accepts and drops spans, so export cost does not blur the measurement."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _per_call_ns(loop: asyncio.AbstractEventLoop, call: Call, calls: int) -> float:
    async def run() -> None:
        for _ in range(calls):
            await call()

    start = time.perf_counter_ns()
    loop.run_until_complete(run())
    return (time.perf_counter_ns() - start) / calls


def _interleaved_medians(
    loop: asyncio.AbstractEventLoop, calls: dict[str, Call]
) -> dict[str, float]:
    for call in calls.values():  # warm up every path
        _per_call_ns(loop, call, 500)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    order = list(calls)
    gc.collect()
    for index in range(ROUNDS):
        for name in order if index % 2 else reversed(order):
            samples[name].append(_per_call_ns(loop, calls[name], CALLS_PER_ROUND))
    return {name: statistics.median(values) for name, values in samples.items()}


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        shutdown_observability()
        hooks.uninstall_hook()
        loop.close()


def _naive_integration() -> tuple[Call, Callable[[], None]]:
    tracer_provider = TracerProvider(shutdown_on_exit=False)
    tracer_provider.add_span_processor(BatchSpanProcessor(_DiscardingExporter()))
    meter_provider = MeterProvider(
        metric_readers=[PrometheusMetricReader(registry=CollectorRegistry())],
        shutdown_on_exit=False,
    )
    tracer = tracer_provider.get_tracer("naive")
    meter = meter_provider.get_meter("naive")
    counter = meter.create_counter("naive_executions")
    histogram = meter.create_histogram("naive_duration", unit="s")
    context = WorkflowContext("bench", "bench")

    async def naive() -> None:
        start = time.perf_counter()
        with tracer.start_as_current_span(
            "LambdaPrimitive",
            attributes={
                "primitive.name": "step",
                "primitive.type": "LambdaPrimitive",
                "workflow.id": context.workflow_id,
                "workflow.session_id": str(context.session_id),
            },
        ) as span:
            span.set_attribute("outcome", "success")
        counter.add(
            1, {"primitive_type": "LambdaPrimitive", "primitive_name": "step", "outcome": "success"}
        )
        histogram.record(
            time.perf_counter() - start,
            {"primitive_type": "LambdaPrimitive", "primitive_name": "step"},
        )

    def close() -> None:
        tracer_provider.shutdown()
        meter_provider.shutdown()

    return naive, close


async def _nothing() -> None:
    return None


def test_instrumentation_overhead(benchmark: Any, loop: asyncio.AbstractEventLoop) -> None:
    step: LambdaPrimitive[int, int] = LambdaPrimitive(lambda data: data + 1, name="step")
    context = WorkflowContext("bench", "bench")

    def primitive_call() -> Awaitable[int]:
        return step.execute(1, context)

    naive, close_naive = _naive_integration()
    assert initialize_observability(
        service_name="bench", prometheus_port=0, span_exporter=_DiscardingExporter()
    )
    instrumented_hook = hooks.get_hook()
    assert instrumented_hook is not None

    def plain() -> Awaitable[int]:
        hooks.uninstall_hook()
        return step.execute(1, context)

    def instrumented() -> Awaitable[int]:
        hooks.install_hook(instrumented_hook)
        return step.execute(1, context)

    try:
        medians = _interleaved_medians(
            loop,
            {
                "uninstrumented": plain,
                "instrumented": instrumented,
                "empty": _nothing,
                "naive": naive,
            },
        )
        hooks.install_hook(instrumented_hook)

        async def batch() -> None:
            for _ in range(BATCH):
                await primitive_call()

        benchmark.group = "instrumentation-overhead"
        benchmark.pedantic(
            lambda: loop.run_until_complete(batch()), rounds=100, iterations=1, warmup_rounds=5
        )
    finally:
        close_naive()

    ours = medians["instrumented"] - medians["uninstrumented"]
    floor = medians["naive"] - medians["empty"]
    ratio = ours / floor
    benchmark.extra_info.update(
        {
            "added_ns_per_execution": round(ours, 1),
            "naive_floor_ns": round(floor, 1),
            "ratio": round(ratio, 3),
            "target_ratio": TARGET_RATIO,
            "uninstrumented_ns": round(medians["uninstrumented"], 1),
            "calls_per_benchmark_round": BATCH,
        }
    )
    print(
        f"\ninstrumentation overhead: ours {ours / 1000:.2f} us per execution, "
        f"naive floor {floor / 1000:.2f} us, ratio {ratio:.2f} (target <= {TARGET_RATIO})"
    )
    assert ratio <= TARGET_RATIO, (
        f"instrumentation adds {ours:.0f} ns per execution, {ratio:.2f}x the naive floor "
        f"({floor:.0f} ns); the target is <= {TARGET_RATIO}x"
    )
