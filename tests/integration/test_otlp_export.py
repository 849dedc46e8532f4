"""OTLP/HTTP export configured only by OTEL_* variables, received by a real OTLP/HTTP receiver.

The receiver is a small HTTP server on a free loopback port that decodes the
protobuf bodies with ``opentelemetry-proto``, as a collector would.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from observability_integration import (
    force_flush,
    initialize_observability,
    metrics_url,
    shutdown_observability,
)
from opentelemetry import metrics, trace
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan
from prometheus_client.parser import text_string_to_metric_families
from tta_dev_primitives import (
    LambdaPrimitive,
    ParallelPrimitive,
    SequentialPrimitive,
    WorkflowContext,
)

pytestmark = pytest.mark.integration


@dataclass
class Received:
    """What the receiver decoded, per signal, and the content encodings it saw."""

    traces: list[ExportTraceServiceRequest] = field(default_factory=list)
    metrics: list[ExportMetricsServiceRequest] = field(default_factory=list)
    encodings: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spans(self) -> list[tuple[dict[str, Any], ProtoSpan]]:
        """Every received span with its resource attributes."""
        found: list[tuple[dict[str, Any], ProtoSpan]] = []
        with self.lock:
            for request in self.traces:
                for resource_spans in request.resource_spans:
                    resource = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope_spans in resource_spans.scope_spans:
                        found += [(resource, span) for span in scope_spans.spans]
        return found

    def metric_names(self) -> set[str]:
        with self.lock:
            return {
                metric.name
                for request in self.metrics
                for resource_metrics in request.resource_metrics
                for scope_metrics in resource_metrics.scope_metrics
                for metric in scope_metrics.metrics
            }


def _handler(received: Received) -> type[BaseHTTPRequestHandler]:
    class OtlpHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            encoding = self.headers.get("Content-Encoding", "identity")
            if encoding == "gzip":
                body = gzip.decompress(body)
            if self.headers.get("Content-Type") != "application/x-protobuf":
                self.send_error(415)
                return
            if self.path == "/v1/traces":
                with received.lock:
                    received.traces.append(ExportTraceServiceRequest.FromString(body))
                    received.encodings.add(encoding)
                answer = ExportTraceServiceResponse().SerializeToString()
            elif self.path == "/v1/metrics":
                with received.lock:
                    received.metrics.append(ExportMetricsServiceRequest.FromString(body))
                answer = ExportMetricsServiceResponse().SerializeToString()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return OtlpHandler


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Received]:
    """A running OTLP/HTTP receiver; OTEL_* points the exporters at it and nothing else."""
    for variable in [name for name in os.environ if name.startswith("OTEL_")]:
        monkeypatch.delenv(variable)
    received = Received()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(received))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{httpd.server_port}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "otlp,prometheus")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "otlp-export-test")
    shutdown_observability()
    try:
        yield received
    finally:
        shutdown_observability()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _workflow() -> SequentialPrimitive[int, Any]:
    return SequentialPrimitive(
        [
            LambdaPrimitive(lambda data: data + 1, name="parse"),
            ParallelPrimitive(
                [LambdaPrimitive(str, name="left"), LambdaPrimitive(str, name="right")],
                name="fanout",
            ),
        ],
        name="workflow",
    )


def _executions(url: str) -> float:
    text = httpx.get(url, timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "tta_primitive_executions"
        for sample in family.samples
        if sample.name == "tta_primitive_executions_total"
    )


async def test_the_spans_of_a_workflow_reach_an_otlp_receiver(
    receiver: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    assert initialize_observability(prometheus_port=0)
    with trace.get_tracer("otlp-test").start_as_current_span("request") as root:
        await _workflow().execute(1, WorkflowContext("otlp", "session-otlp"))
    metrics.get_meter("otlp-test").create_counter("otlp_test_requests").add(1)
    assert force_flush()

    spans = receiver.spans()
    by_name = {
        next(
            (a.value.string_value for a in span.attributes if a.key == "primitive.name"),
            span.name,
        ): span
        for _, span in spans
    }
    assert set(by_name) == {"request", "workflow", "parse", "fanout", "left", "right"}
    assert len(spans) == 6
    trace_id = root.get_span_context().trace_id.to_bytes(16, "big")
    assert {span.trace_id for _, span in spans} == {trace_id}
    assert by_name["workflow"].parent_span_id == by_name["request"].span_id
    assert by_name["parse"].parent_span_id == by_name["workflow"].span_id
    assert by_name["left"].parent_span_id == by_name["fanout"].span_id
    assert {resource["service.name"] for resource, _ in spans} == {"otlp-export-test"}
    assert receiver.encodings == {"gzip"}

    shutdown_observability()  # the periodic metric reader exports what is left
    assert "otlp_test_requests" in receiver.metric_names()


async def test_always_off_sends_no_span_while_metrics_still_count(
    receiver: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    assert initialize_observability(prometheus_port=0)
    url = metrics_url()
    assert url is not None
    with trace.get_tracer("otlp-test").start_as_current_span("request") as root:
        assert not root.is_recording()
        for _ in range(3):
            await _workflow().execute(1, WorkflowContext("otlp-off"))
    assert force_flush()
    assert _executions(url) == 3 * 5  # workflow, parse, fanout, left, right
    shutdown_observability()
    assert receiver.spans() == []
