"""W3C trace context (``traceparent``/``tracestate``) across process boundaries.

A client calls :func:`inject_trace_context` inside its span and sends the
returned headers; the server passes the request headers to
:func:`extract_trace_context`, or runs its workflow inside
:func:`continue_trace`, so the primitive spans it creates join the client's trace.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager

from opentelemetry.context import Context, attach, detach
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = [
    "TRACEPARENT_HEADER",
    "continue_trace",
    "extract_trace_context",
    "inject_trace_context",
]

TRACEPARENT_HEADER = "traceparent"

_propagator = TraceContextTextMapPropagator()


def inject_trace_context(
    headers: MutableMapping[str, str] | None = None, context: Context | None = None
) -> MutableMapping[str, str]:
    """Add ``traceparent`` (and ``tracestate``) for the current span to ``headers``.

    Returns ``headers`` (a new dict when none is given). Without a valid current
    span nothing is added.
    """
    carrier: MutableMapping[str, str] = {} if headers is None else headers
    _propagator.inject(carrier, context=context)
    return carrier


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def extract_trace_context(headers: Mapping[str, str], context: Context | None = None) -> Context:
    """The context whose parent is the remote span named by ``headers``' ``traceparent``.

    Header names are matched case-insensitively. A missing or malformed
    ``traceparent`` yields ``context`` (or an empty context) unchanged.
    """
    return _propagator.extract(_lower_keys(headers), context=context)


@contextmanager
def continue_trace(headers: Mapping[str, str]) -> Iterator[Context]:
    """Make the trace named by ``headers`` current for the duration of the block."""
    context = extract_trace_context(headers)
    token = attach(context)
    try:
        yield context
    finally:
        detach(token)
