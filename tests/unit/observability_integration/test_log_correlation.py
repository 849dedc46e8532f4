"""Log records emitted inside a primitive carry its span's trace and span ids."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from observability_integration import TraceContextFilter, apm_setup, enable_log_correlation
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tta_dev_primitives import LambdaPrimitive, WorkflowContext

FORMAT = "%(message)s trace=%(trace_id)s span=%(span_id)s sampled=%(trace_sampled)s"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """A handler on the root logger, as ``logging.basicConfig`` would install."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield output
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_a_log_inside_a_primitive_names_its_span(
    stream: io.StringIO, recorder: InMemorySpanExporter
) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False, span_exporter=recorder)
    correlation = enable_log_correlation()
    log = logging.getLogger("app.step")

    def step(data: int) -> int:
        log.info("inside")
        return data

    log.info("outside")
    await LambdaPrimitive(step, name="logged").execute(1, WorkflowContext("wf"))
    apm_setup.force_flush()
    (span,) = recorder.get_finished_spans()
    lines = stream.getvalue().splitlines()
    assert lines[0] == f"outside trace={'0' * 32} span={'0' * 16} sampled=False"
    assert lines[1] == (
        f"inside trace={span.context.trace_id:032x} span={span.context.span_id:016x} sampled=True"
    )
    root_handlers = logging.getLogger().handlers
    assert all(correlation in handler.filters for handler in root_handlers)
    enable_log_correlation()  # a second call adds no second filter
    assert all(
        sum(isinstance(f, TraceContextFilter) for f in handler.filters) == 1
        for handler in root_handlers
    )
    for handler in root_handlers:
        handler.removeFilter(correlation)


def test_a_single_handler_can_be_given() -> None:
    handler = logging.StreamHandler(io.StringIO())
    correlation = enable_log_correlation(handler)
    assert handler.filters == [correlation]
