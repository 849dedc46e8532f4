"""Keeps credentials sent in query strings out of uvicorn's access log.

uvicorn logs each request line with its query string. A client that sends
``?api_key=...`` would otherwise leave the key in every log file and log
shipper downstream. :func:`redact_access_log` installs a filter on the
``uvicorn.access`` logger that replaces the values of sensitive query
parameters (matched case-insensitively after percent-decoding) with
:data:`MARKER`; other parameters stay as sent.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

__all__ = ["MARKER", "SENSITIVE_QUERY_PARAMS", "redact_access_log", "redact_query"]

MARKER = "[REDACTED]"
SENSITIVE_QUERY_PARAMS = frozenset(
    {"api_key", "apikey", "access_token", "token", "password", "secret", "client_secret"}
)
"""Lower-case names whose values are never logged (the record/replay redaction list's
query parameters and more)."""

_ACCESS_LOGGER = "uvicorn.access"


def redact_query(target: str) -> str:
    """``target`` (a path with an optional query) with sensitive values replaced."""
    path, separator, query = target.partition("?")
    if not separator:
        return target
    return f"{path}?{'&'.join(_redact_pair(pair) for pair in query.split('&'))}"


def _redact_pair(pair: str) -> str:
    name, equals, _ = pair.partition("=")
    if equals and unquote_plus(name).strip().lower() in SENSITIVE_QUERY_PARAMS:
        return f"{name}={MARKER}"
    return pair


class _RedactQueryValues(logging.Filter):
    """Rewrites the string arguments of an access-log record through :func:`redact_query`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger, once per process."""
    logger = logging.getLogger(_ACCESS_LOGGER)
    if not any(isinstance(f, _RedactQueryValues) for f in logger.filters):
        logger.addFilter(_RedactQueryValues())
