"""Trace context propagation across primitives and over HTTP, asserted on real span structure."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from observability_integration import (
    continue_trace,
    force_flush,
    initialize_observability,
    inject_trace_context,
    shutdown_observability,
)
from observability_integration.apm_setup import get_tracer
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from tta_dev_primitives import (
    CachePrimitive,
    LambdaPrimitive,
    MockPrimitive,
    ParallelPrimitive,
    RetryPrimitive,
    SequentialPrimitive,
    WorkflowContext,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    shutdown_observability()
    assert initialize_observability(
        service_name="tta-test", enable_prometheus=False, span_exporter=exporter
    )
    yield exporter
    shutdown_observability()


def _finished(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    force_flush()
    return list(exporter.get_finished_spans())


def _by_name(spans: list[ReadableSpan]) -> dict[str, list[ReadableSpan]]:
    found: dict[str, list[ReadableSpan]] = {}
    for span in spans:
        name = str((span.attributes or {}).get("primitive.name", span.name))
        found.setdefault(name, []).append(span)
    return found


def _parent_id(span: ReadableSpan) -> int | None:
    return None if span.parent is None else span.parent.span_id


async def test_one_trace_with_correct_parents_across_sequence_parallel_retry_and_cache(
    spans: InMemorySpanExporter,
) -> None:
    cache: CachePrimitive[Any, Any] = CachePrimitive(
        LambdaPrimitive(lambda data: data, name="expensive"), name="cache"
    )
    retry: RetryPrimitive[Any, Any] = RetryPrimitive(
        MockPrimitive(
            side_effect=[ConnectionError("once"), ConnectionError("twice"), 7], name="flaky"
        ),
        base_delay=0,
        name="retry",
    )

    async def slow(data: Any) -> Any:
        await asyncio.sleep(0.001)
        return data

    parallel: ParallelPrimitive[Any, Any] = ParallelPrimitive(
        [LambdaPrimitive(slow, name=f"branch-{index}") for index in range(4)], name="fanout"
    )
    workflow: SequentialPrimitive[Any, Any] = SequentialPrimitive(
        [cache, retry, parallel], name="workflow"
    )
    context = WorkflowContext("trace-test", "session-1")
    with get_tracer(__name__).start_as_current_span("request") as root:
        assert await workflow.execute(1, context) == [7, 7, 7, 7]
    trace_id = root.get_span_context().trace_id
    root_id = root.get_span_context().span_id

    finished = _finished(spans)
    assert {span.context.trace_id for span in finished} == {trace_id}
    named = _by_name(finished)
    (workflow_span,) = named["workflow"]
    assert _parent_id(workflow_span) == root_id
    workflow_id = workflow_span.context.span_id
    for step in ("cache", "retry", "fanout"):
        (step_span,) = named[step]
        assert _parent_id(step_span) == workflow_id, step

    (cache_span,) = named["cache"]
    (expensive,) = named["expensive"]  # the cache missed, so the wrapped primitive ran
    assert _parent_id(expensive) == cache_span.context.span_id

    (retry_span,) = named["retry"]
    attempts = named["flaky"]
    assert len(attempts) == 3
    assert {_parent_id(attempt) for attempt in attempts} == {retry_span.context.span_id}
    assert [(a.attributes or {})["outcome"] for a in attempts] == ["error", "error", "success"]

    (fanout,) = named["fanout"]
    branches = [named[f"branch-{index}"][0] for index in range(4)]
    assert {_parent_id(branch) for branch in branches} == {fanout.context.span_id}
    assert len({branch.context.span_id for branch in branches}) == 4
    # Branches overlap in time: they really ran concurrently under the parallel span.
    assert max(b.start_time or 0 for b in branches) < min(b.end_time or 0 for b in branches)
    assert all(
        (span.attributes or {}).get("workflow.session_id") == "session-1"
        for span in finished
        if span is not None and span.name != "request"
    )


class _WorkflowHandler(BaseHTTPRequestHandler):
    """Runs a small workflow per request inside the trace named by ``traceparent``."""

    def do_GET(self) -> None:
        headers = dict(self.headers.items())
        workflow: SequentialPrimitive[Any, Any] = SequentialPrimitive(
            [
                LambdaPrimitive(lambda d: d + 1, name="server-parse"),
                LambdaPrimitive(str, name="server-render"),
            ],
            name="server-workflow",
        )
        with continue_trace(headers):
            tracer = get_tracer("test-server")
            with tracer.start_as_current_span("GET /run", kind=SpanKind.SERVER):
                body = asyncio.run(workflow.execute(1, WorkflowContext("http-test"))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _WorkflowHandler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/run"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_http_client_span_parents_the_server_primitive_spans(
    spans: InMemorySpanExporter, server: str
) -> None:
    tracer = get_tracer("test-client")
    with tracer.start_as_current_span("GET /run (client)", kind=SpanKind.CLIENT) as client:
        response = httpx.get(server, headers=dict(inject_trace_context()), timeout=10)
    assert response.status_code == 200
    assert response.text == "2"

    finished = _finished(spans)
    client_context = client.get_span_context()
    assert {span.context.trace_id for span in finished} == {client_context.trace_id}
    named = _by_name(finished)
    (server_span,) = named["GET /run"]
    assert _parent_id(server_span) == client_context.span_id
    assert server_span.parent is not None
    assert server_span.parent.is_remote
    (workflow_span,) = named["server-workflow"]
    assert _parent_id(workflow_span) == server_span.context.span_id
    for step in ("server-parse", "server-render"):
        (step_span,) = named[step]
        assert _parent_id(step_span) == workflow_span.context.span_id


def test_without_traceparent_the_server_starts_its_own_trace(
    spans: InMemorySpanExporter, server: str
) -> None:
    with get_tracer("test-client").start_as_current_span("client") as client:
        assert httpx.get(server, timeout=10).status_code == 200
    named = _by_name(_finished(spans))
    (server_span,) = named["GET /run"]
    assert server_span.parent is None
    assert server_span.context.trace_id != client.get_span_context().trace_id


async def test_httpx_instrumentation_joins_the_primitives_trace(
    spans: InMemorySpanExporter, server: str
) -> None:
    """The official httpx instrumentation reads the process-wide provider: its spans and its
    ``traceparent`` header join the trace of the primitive that makes the call."""
    async with httpx.AsyncClient() as client:
        HTTPXClientInstrumentor.instrument_client(client)

        async def call_server(data: Any) -> str:
            response = await client.get(server, timeout=10)
            return response.text

        workflow: SequentialPrimitive[Any, Any] = SequentialPrimitive(
            [LambdaPrimitive(call_server, name="call-server")], name="client-workflow"
        )
        try:
            with trace.get_tracer("test-client").start_as_current_span("request") as root:
                assert await workflow.execute(0, WorkflowContext("httpx-test")) == "2"
        finally:
            HTTPXClientInstrumentor.uninstrument_client(client)

    finished = _finished(spans)
    assert {span.context.trace_id for span in finished} == {root.get_span_context().trace_id}
    named = _by_name(finished)
    (step,) = named["call-server"]
    (client_span,) = [span for span in finished if span.kind is SpanKind.CLIENT]
    assert _parent_id(client_span) == step.context.span_id
    (server_span,) = named["GET /run"]
    assert _parent_id(server_span) == client_span.context.span_id
    (server_workflow,) = named["server-workflow"]
    assert _parent_id(server_workflow) == server_span.context.span_id
