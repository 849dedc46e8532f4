"""Query-string redaction of uvicorn's access log lines."""

from __future__ import annotations

import logging

import pytest
from tta_api.access_log import MARKER, redact_access_log, redact_query


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/health", "/health"),
        ("/health?verbose=1", "/health?verbose=1"),
        ("/h?api_key=k1&limit=5", f"/h?api_key={MARKER}&limit=5"),
        ("/h?Token=a&token=b", f"/h?Token={MARKER}&token={MARKER}"),
        ("/h?to%6Ben=a", f"/h?to%6Ben={MARKER}"),  # percent-encoded name
        ("/h?+password=a", f"/h?+password={MARKER}"),  # a leading space, form-encoded
        ("/h?token", "/h?token"),  # no value to hide
        ("/h?a=1&&password=x=y", f"/h?a=1&&password={MARKER}"),
        ("/h?", "/h?"),
    ],
)
def test_sensitive_values_are_replaced_and_the_rest_kept(target: str, expected: str) -> None:
    assert redact_query(target) == expected


def test_the_filter_rewrites_uvicorns_access_record_once_installed_twice() -> None:
    redact_access_log()
    redact_access_log()
    logger = logging.getLogger("uvicorn.access")
    assert sum(type(f).__name__ == "_RedactQueryValues" for f in logger.filters) == 1
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/h?apikey=secret-value", "1.1", 200),
        None,
    )
    assert logger.filter(record)
    assert record.getMessage() == f'127.0.0.1:5000 - "GET /h?apikey={MARKER} HTTP/1.1" 200'
