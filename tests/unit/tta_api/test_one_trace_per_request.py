"""Tracing: the server span, the workflow span and the primitives' spans form one trace.

The server span comes from opentelemetry-instrumentation-fastapi through the
process-wide OpenTelemetry providers, so these tests need
``initialize_observability`` to install its providers process-wide.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from observability_integration import force_flush, initialize_observability
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id

from .conftest import Serve

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_SPAN_ID = "b7ad6b7169203331"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01"
RUN = "/api/v1/workflows/panel-answer/run"


def _finished(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    assert force_flush()
    return list(exporter.get_finished_spans())


def _trace_id(span: ReadableSpan) -> str:
    assert span.context is not None
    return format_trace_id(span.context.trace_id)


def _assert_one_tree(spans: list[ReadableSpan], trace_id: str) -> None:
    """Every span is in ``trace_id`` and, but for the server span, has a parent among them."""
    assert {_trace_id(span) for span in spans} == {trace_id}
    by_id = {span.context.span_id: span for span in spans if span.context is not None}
    [server] = [s for s in spans if s.kind is SpanKind.SERVER]
    workflow = next(s for s in spans if s.name == "workflow panel-answer")
    assert workflow.parent is not None
    assert server.context is not None
    assert workflow.parent.span_id == server.context.span_id
    primitives = [s for s in spans if s.attributes and "primitive.type" in s.attributes]
    assert len(primitives) >= 5  # sequence, fan-out, three models, merge
    for span in primitives:
        ancestor = span
        while ancestor is not workflow:
            assert ancestor.parent is not None, ancestor.name
            ancestor = by_id[ancestor.parent.span_id]


async def test_one_trace_per_request_with_the_trace_id_in_the_header(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    exporter = InMemorySpanExporter()
    assert initialize_observability(span_exporter=exporter, prometheus_port=0)
    async with serve(make_app()) as client:
        response = await client.post(RUN, json={"prompt": "hello"})
    assert response.status_code == 200
    trace_id = response.headers["x-trace-id"]
    assert response.json()["trace_id"] == trace_id
    _assert_one_tree(_finished(exporter), trace_id)


async def test_an_incoming_traceparent_is_honoured(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    exporter = InMemorySpanExporter()
    assert initialize_observability(span_exporter=exporter, prometheus_port=0)
    async with serve(make_app()) as client:
        response = await client.post(
            RUN, json={"prompt": "hello"}, headers={"traceparent": TRACEPARENT}
        )
    assert response.headers["x-trace-id"] == TRACE_ID
    assert response.json()["trace_id"] == TRACE_ID
    spans = _finished(exporter)
    _assert_one_tree(spans, TRACE_ID)
    [server] = [s for s in spans if s.kind is SpanKind.SERVER]
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == PARENT_SPAN_ID


async def test_two_requests_are_two_traces(make_app: Callable[..., FastAPI], serve: Serve) -> None:
    exporter = InMemorySpanExporter()
    assert initialize_observability(span_exporter=exporter, prometheus_port=0)
    async with serve(make_app()) as client:
        first = await client.post(RUN, json={"prompt": "one"})
        second = await client.post(RUN, json={"prompt": "two"})
    assert first.headers["x-trace-id"] != second.headers["x-trace-id"]
    spans = _finished(exporter)
    assert {_trace_id(span) for span in spans} == {
        first.headers["x-trace-id"],
        second.headers["x-trace-id"],
    }
