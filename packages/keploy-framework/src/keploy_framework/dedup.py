"""One case per (method, path template, query keys, request body shape, status, response shape)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from keploy_framework.testcase import TestCase

__all__ = ["case_signature", "path_template"]

_ID_SEGMENT = re.compile(
    r"^(\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,})$"
)


def path_template(path: str) -> str:
    """``/items/42`` -> ``/items/{id}``: numeric, UUID and long hex segments are ids."""
    return "/".join("{id}" if _ID_SEGMENT.match(part) else part for part in path.split("/"))


def _shape(body: str | bytes) -> Any:
    if isinstance(body, bytes):
        return "binary"
    try:
        return _json_shape(json.loads(body))
    except ValueError:
        return "text" if body else "empty"


def _json_shape(node: Any) -> Any:
    if isinstance(node, dict):
        return tuple(sorted((key, _json_shape(value)) for key, value in node.items()))
    if isinstance(node, list):
        return ("list", _json_shape(node[0]) if node else None)
    if isinstance(node, bool) or node is None:
        return type(node).__name__
    return "number" if isinstance(node, int | float) else "string"


def case_signature(case: TestCase) -> tuple[Any, ...]:
    """The identity ``--dedup`` keeps one case per."""
    parts = urlsplit(case.request.url)
    query_keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (
        case.request.method,
        path_template(parts.path),
        query_keys,
        _shape(case.request.body),
        case.response.status_code,
        _shape(case.response.body),
    )
