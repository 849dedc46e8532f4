"""W3C traceparent inject/extract round trip."""

from __future__ import annotations

from observability_integration import (
    TRACEPARENT_HEADER,
    apm_setup,
    continue_trace,
    extract_trace_context,
    inject_trace_context,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import get_current_span
from tta_dev_primitives import LambdaPrimitive, WorkflowContext


async def test_traceparent_round_trip_parents_the_remote_primitive_spans(
    recorder: InMemorySpanExporter,
) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    tracer = apm_setup.get_tracer("client")
    with tracer.start_as_current_span("client-call") as client_span:
        headers = inject_trace_context()
    client = client_span.get_span_context()
    version, trace_id, span_id, flags = headers[TRACEPARENT_HEADER].split("-")
    assert version == "00"
    assert int(flags, 16) & 1  # sampled
    assert int(trace_id, 16) == client.trace_id
    assert int(span_id, 16) == client.span_id

    remote = extract_trace_context({"TraceParent": headers[TRACEPARENT_HEADER]})
    remote_span = get_current_span(remote).get_span_context()
    assert remote_span.is_remote
    assert (remote_span.trace_id, remote_span.span_id) == (client.trace_id, client.span_id)

    with continue_trace(headers):
        await LambdaPrimitive(lambda data: data, name="server-step").execute(0, WorkflowContext())
    apm_setup.force_flush()
    server_step = next(s for s in recorder.get_finished_spans() if s.name == "LambdaPrimitive")
    assert server_step.context.trace_id == client.trace_id
    assert server_step.parent is not None
    assert server_step.parent.span_id == client.span_id


def test_inject_without_a_span_adds_nothing_and_keeps_given_headers() -> None:
    headers = {"accept": "text/plain"}
    assert inject_trace_context(headers) is headers
    assert headers == {"accept": "text/plain"}


def test_malformed_traceparent_is_ignored() -> None:
    context = extract_trace_context({TRACEPARENT_HEADER: "not-a-traceparent"})
    assert not get_current_span(context).get_span_context().is_valid
    with continue_trace({}):
        assert not get_current_span().get_span_context().is_valid
