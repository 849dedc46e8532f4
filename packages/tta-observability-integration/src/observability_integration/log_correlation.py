"""Trace ids on log records: ``%(trace_id)s`` and ``%(span_id)s`` in any log format.

A log record emitted while a primitive runs carries the ids of the primitive's
span (the hook makes it the current span), so a log line can be found from its
trace and the other way round. One line sets it up on every handler of the
root logger::

    enable_log_correlation()

Outside any span the ids are all zeros (the OpenTelemetry convention for "no
trace"), so a format using them never fails.
"""

from __future__ import annotations

import logging

from opentelemetry.trace import format_span_id, format_trace_id, get_current_span

__all__ = ["TraceContextFilter", "enable_log_correlation"]

_NO_TRACE_ID = "0" * 32
_NO_SPAN_ID = "0" * 16


class TraceContextFilter(logging.Filter):
    """Adds ``trace_id``, ``span_id`` (hex) and ``trace_sampled`` to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format_trace_id(context.trace_id)
            record.span_id = format_span_id(context.span_id)
            record.trace_sampled = context.trace_flags.sampled
        else:
            record.trace_id = _NO_TRACE_ID
            record.span_id = _NO_SPAN_ID
            record.trace_sampled = False
        return True


def enable_log_correlation(handler: logging.Handler | None = None) -> TraceContextFilter:
    """Add a :class:`TraceContextFilter` to ``handler``, or to every root-logger handler.

    Returns the filter (``handler.removeFilter(f)`` undoes it). A handler that
    already has one is left as it is.
    """
    correlation = TraceContextFilter()
    targets = [handler] if handler is not None else list(logging.getLogger().handlers)
    for target in targets:
        if not any(isinstance(existing, TraceContextFilter) for existing in target.filters):
            target.addFilter(correlation)
    return correlation
