"""Noise in Keploy's vocabulary: ``body.<dotted index-free path>`` / ``header.<Name>`` -> regexes.

A path is matched case-insensitively; a path with a dot is matched by substring
against the walker's keys (longest entry first), a single segment is a global key
matched by name at any depth, and an empty regex list ignores the field
unconditionally. Record time adds noise for values that are volatile by nature
(times, UUIDs, request ids); ``--denoise`` adds the fields that differed between
two identical requests, refusing paths that would hide more than the drift.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from keploy_framework.headers import canonical_header_key
from keploy_framework.testcase import TestCase

__all__ = [
    "REQUEST_ID_HEADERS",
    "Refusal",
    "body_noise_from_diff",
    "detect_noise",
    "is_volatile",
]

REQUEST_ID_HEADERS = frozenset(
    {
        "x-request-id",
        "x-correlation-id",
        "request-id",
        "x-trace-id",
        "traceparent",
        "tracestate",
        "x-amzn-trace-id",
        "x-b3-traceid",
        "x-b3-spanid",
    }
)
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)
_HTTP_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} GMT$"
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_FRACTION = re.compile(r"\.\d+")
_EPOCH_WINDOW_S = 2 * 24 * 3600


def is_volatile(value: Any, now: float | None = None) -> bool:
    """Whether a scalar is a UUID, or a time (RFC3339, HTTP date, epoch) near ``now``.

    A time far from now (a birth date, a fixed release date) is data, not noise.
    """
    current = time.time() if now is None else now
    if isinstance(value, str):
        if _UUID.match(value):
            return True
        moment = _parse_time(value)
        return moment is not None and abs(moment - current) <= _EPOCH_WINDOW_S
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return any(
        abs(value / scale - current) <= _EPOCH_WINDOW_S
        for scale in (1, 1_000, 1_000_000, 1_000_000_000)
    )


def _parse_time(value: str) -> float | None:
    """Seconds since the epoch of an RFC3339 time or an HTTP date; ``None`` otherwise."""
    try:
        if _HTTP_DATE.match(value):
            return parsedate_to_datetime(value).timestamp()
        if _RFC3339.match(value):
            text = _FRACTION.sub(lambda m: m[0][:7], value.replace(" ", "T"))  # microseconds
            moment = datetime.fromisoformat(text.replace("z", "Z"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
    except ValueError:
        return None
    return None


def _walk_keys(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(walker key, value) for every map field, arrays adding no segment."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path, value
            yield from _walk_keys(value, path)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_keys(item, prefix)


def _covers(entry: str, key: str) -> bool:
    if "." in entry:
        return entry in key
    return key.rsplit(".", 1)[-1] == entry


def _collateral(candidate: str, document: Any, drifted: set[str]) -> bool:
    """Whether ``candidate`` would also silence a field outside ``drifted``."""
    entry = candidate.lower()
    for key, _ in _walk_keys(document):
        lowered = key.lower()
        if lowered in drifted or any(lowered.startswith(d + ".") for d in drifted):
            continue
        if _covers(entry, lowered):
            return True
    return False


def detect_noise(case: TestCase, now: float | None = None) -> None:
    """Add record-time noise: Date, request-id headers, volatile header and body values."""
    case.noise.setdefault("header.Date", [])
    for name, value in case.response.header.items():
        if name.lower() in REQUEST_ID_HEADERS or is_volatile(value, now):
            case.noise.setdefault(f"header.{canonical_header_key(name)}", [])
    body = case.response.body
    if not isinstance(body, str):
        return
    try:
        document = json.loads(body)
    except ValueError:
        return
    values: dict[str, list[Any]] = {}
    for key, value in _walk_keys(document):
        values.setdefault(key.lower(), []).append(value)
    volatile = {
        key
        for key, seen in values.items()
        if all(not isinstance(v, dict | list) and is_volatile(v, now) for v in seen)
    }
    for key in sorted(volatile):
        if _collateral(key, document, volatile):
            continue
        case.noise.setdefault(f"body.{_original_case(document, key)}", [])


def _original_case(document: Any, lowered: str) -> str:
    return next(key for key, _ in _walk_keys(document) if key.lower() == lowered)


@dataclass(frozen=True)
class Refusal:
    """A difference that must not become noise, with Keploy's reason name."""

    path: str
    reason: str


def body_noise_from_diff(expected: Any, actual: Any) -> tuple[list[str], list[Refusal]]:
    """Noise paths covering scalar drifts between two JSON documents, and the refusals."""
    drifted: list[str] = []
    refused: list[Refusal] = []
    if not isinstance(expected, dict | list):
        if expected != actual:
            refused.append(Refusal("", "ROOT_VALUE"))
        return [], refused
    _diff(expected, actual, "", drifted, refused)
    lowered = {path.lower() for path in drifted}
    accepted: list[str] = []
    for path in drifted:
        if _collateral(path, expected, lowered) or _collateral(path, actual, lowered):
            refused.append(Refusal(path, "OVER_BROAD"))
        elif path not in accepted:
            accepted.append(path)
    return accepted, refused


def _diff(
    expected: Any, actual: Any, prefix: str, drifted: list[str], refused: list[Refusal]
) -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            refused.append(Refusal(prefix, "STRUCTURAL"))
            return
        for key, value in expected.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if "." in str(key) and value != actual[key]:
                refused.append(Refusal(path, "UNREPRESENTABLE"))
                continue
            _diff(value, actual[key], path, drifted, refused)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            refused.append(Refusal(prefix, "ARRAY_LENGTH"))
            return
        for left, right in zip(expected, actual, strict=True):
            _diff(left, right, prefix, drifted, refused)
    elif (
        isinstance(expected, dict | list)
        or isinstance(actual, dict | list)
        or (
            type(expected) is not type(actual)
            and not (isinstance(expected, int | float) and isinstance(actual, int | float))
        )
    ):
        refused.append(Refusal(prefix, "STRUCTURAL"))
    elif expected != actual and prefix not in drifted:
        drifted.append(prefix)
