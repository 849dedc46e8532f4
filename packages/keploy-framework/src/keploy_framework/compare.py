"""Judge a replayed response against a recorded case: Keploy's verdict, or the strict one.

Pinned to keploy/keploy v3.6.23 (commit b171291bf7f8580de9b6ae25583b6d171d75663f).
``mode: keploy`` reproduces ``pkg/matcher/http/match.go`` (Match) followed by
``pkg/service/replay/replay.go`` (compareHTTPRespForReplay: the additive-schema pass).
``mode: strict`` is the same walk with four deliberate deviations (``MatchOptions.strict``):
text bodies are compared exactly, arrays keep their order unless configured, numbers
are compared as exact decimals, and an added field fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from keploy_framework.go_values import GoJSONError, go_json_loads, go_json_valid
from keploy_framework.json_match import JsonMatcher, go_kind
from keploy_framework.noise_match import (
    NoiseSections,
    matches_any_regex,
    split_noise,
    substring_key_match,
)
from keploy_framework.risk import assess_json, max_risk
from keploy_framework.testcase import HttpResponse, TestCase

__all__ = ["VOLATILE_RESPONSE_HEADERS", "Comparison", "MatchOptions", "compare"]

# pkg/models/flaky_headers.go: volatileResponseHeaders (IsVolatileResponseHeader).
VOLATILE_RESPONSE_HEADERS = frozenset(
    {
        "date",
        "x-request-id",
        "request-id",
        "x-correlation-id",
        "x-runtime",
        "traceparent",
        "tracestate",
        "b3",
        "x-b3-traceid",
        "x-b3-spanid",
        "x-b3-parentspanid",
        "x-datadog-trace-id",
        "x-datadog-parent-id",
        "x-amzn-trace-id",
        "x-cloud-trace-context",
        "sentry-trace",
    }
)


@dataclass(frozen=True)
class MatchOptions:
    """Keploy's ``test`` settings (config/default.go defaults) and the mode."""

    strict: bool = False
    ignore_ordering: bool = True
    compare_all: bool = False
    auto_header_noise: bool = True


@dataclass
class Comparison:
    """Keploy's ``result`` block and ``failure_info``, plus readable differences."""

    passed: bool
    result: dict[str, Any]
    diffs: list[str] = field(default_factory=list)
    failure_info: dict[str, Any] = field(default_factory=dict)


def _header_result(key: str, expected: str | None, actual: str | None, normal: bool) -> Any:
    # A nil Go slice is written by yaml.v3 as [] (models.Header.Value has no omitempty).
    return {
        "normal": normal,
        "expected": {"key": key, "value": [] if expected is None else [expected]},
        "actual": {"key": key, "value": [] if actual is None else [actual]},
    }


def _compare_headers(
    expected: dict[str, str], actual: dict[str, str], noise: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """``CompareHeaders`` (pkg/matcher/utils.go): exact keys, substring noise, live value regex."""
    lowered: dict[str, list[str]] = {}
    for key, values in noise.items():
        lowered.setdefault(key.lower(), []).extend(values)
    whole = "header" in lowered
    results: list[dict[str, Any]] = []
    for key, value in expected.items():
        got = actual.get(key)
        patterns, noisy = substring_key_match(key, lowered)
        if noisy and patterns:
            noisy = got is not None and matches_any_regex(got, patterns)
        noisy = noisy or whole
        results.append(_header_result(key, value, got, noisy or got == value))
    for key, got in actual.items():
        if key in expected:
            continue
        patterns, noisy = substring_key_match(key, lowered)
        if noisy and patterns:
            noisy = matches_any_regex(got, patterns)
        results.append(_header_result(key, None, got, noisy or whole))
    return results


def _forgive_headers(
    headers: list[dict[str, Any]],
    noise: dict[str, list[str]],
    body_normal: bool,
    options: MatchOptions,
) -> None:
    """Match's auto header noise (both sides present, no user pattern) and Content-Length."""
    for header in headers:
        if header["normal"]:
            continue
        key = header["expected"]["key"]
        both = bool(header["expected"]["value"]) and bool(header["actual"]["value"])
        if options.auto_header_noise and both:
            patterns, constrained = substring_key_match(key, noise)
            if not (constrained and patterns) and key.lower() in VOLATILE_RESPONSE_HEADERS:
                header["normal"] = True
        if body_normal and key.lower() == "content-length":
            header["normal"] = True


def _body_diffs(
    expected: str | bytes,
    actual: str | bytes,
    body_noise: dict[str, list[str]],
    skip: bool,
    options: MatchOptions,
) -> list[str]:
    """Match's body decision: JSON when the live body is JSON; other bodies per compareAll."""
    live_json = go_json_valid(actual)
    if not skip and live_json and go_json_valid(expected):
        assert isinstance(expected, str)
        assert isinstance(actual, str)
        exp_doc = go_json_loads(expected, exact_numbers=options.strict)
        act_doc = go_json_loads(actual, exact_numbers=options.strict)
        if go_kind(exp_doc) != go_kind(act_doc):
            return [f"body: expected a JSON {go_kind(exp_doc)}, got a JSON {go_kind(act_doc)}"]
        return JsonMatcher.build(body_noise, options.ignore_ordering).diffs(exp_doc, act_doc)
    compare_all = options.compare_all or options.strict
    if (not compare_all and not live_json) or skip or expected == actual:
        return []
    return [f"body: expected {_text(expected)}, got {_text(actual)}"]


def _text(body: str | bytes) -> str:
    return repr(body[:200]) if isinstance(body, str) else f"<{len(body)} bytes>"


def _failure_info(
    *,
    status_ok: bool,
    headers: list[dict[str, Any]],
    body_ok: bool,
    expected: str | bytes,
    actual: str | bytes,
    body_noise: dict[str, list[str]],
) -> dict[str, Any]:
    """Match's risk and categories for a failed case (pkg/matcher/http/match.go)."""
    risk, categories = "NONE", []
    assessment = None
    if not status_ok:
        risk, categories = "HIGH", ["STATUS_CODE_CHANGED"]
    changed = [h for h in headers if not h["normal"]]
    if changed:
        categories.append("HEADER_CHANGED")
        header_risk = "MEDIUM"
        for header in changed:
            if header["expected"]["key"] == "Content-Type" and sorted(
                header["expected"]["value"]
            ) != sorted(header["actual"]["value"]):
                header_risk = "HIGH"
        risk = max_risk(risk, header_risk)
    if not body_ok:
        if go_json_valid(expected) and go_json_valid(actual):
            assert isinstance(expected, str)
            assert isinstance(actual, str)
            try:
                assessment = assess_json(expected, actual, body_noise)
            except GoJSONError:
                risk, categories = "HIGH", [*categories, "INTERNAL_FAILURE"]  # "couldn't classify"
        else:
            risk, categories = "HIGH", [*categories, "SCHEMA_BROKEN"]  # non-JSON body mismatch
        if assessment is not None:
            risk = max_risk(risk, assessment["risk"])
            categories += assessment["category"]
    info: dict[str, Any] = {"risk": risk, "category": list(dict.fromkeys(categories))}
    if assessment is not None:
        info["assessment"] = assessment
    return info


def _additive_only(info: dict[str, Any], headers: list[dict[str, Any]]) -> bool:
    """``qualifiesForHTTPResponseSchemaAdditionPass`` (pkg/service/replay/replay.go)."""
    categories = set(info.get("category", []))
    if info.get("risk") == "LOW" and categories == {"SCHEMA_ADDED"}:
        return True
    if categories != {"SCHEMA_ADDED", "HEADER_CHANGED"}:
        return False
    changed = [h for h in headers if not h["normal"]]
    return bool(changed) and all(
        h["expected"]["key"].lower() == "content-length"
        and h["expected"]["value"]
        and h["actual"]["value"]
        for h in changed
    )


def compare(
    case: TestCase,
    actual: HttpResponse,
    noise: NoiseSections | None = None,
    options: MatchOptions | None = None,
) -> Comparison:
    """Status, headers and body of ``actual`` against ``case``, with the run's noise."""
    options = options or MatchOptions()
    sections = noise or {}
    body_noise = {k: list(v) for k, v in sections.get("body", {}).items()}
    header_noise = {k: list(v) for k, v in sections.get("header", {}).items()}
    wildcard = body_noise.get("*", [""])[:1] == ["*"]
    case_body, case_header, skip = split_noise(case.noise)
    body_noise |= case_body
    header_noise |= case_header
    expected = case.response
    status_ok = expected.status_code == actual.status_code
    body_type = "JSON" if go_json_valid(actual.body) else "PLAIN"
    try:
        body_diffs = _body_diffs(expected.body, actual.body, body_noise, skip or wildcard, options)
    except GoJSONError as error:
        # Match returns early when ValidateAndMarshalJSON fails: nothing else is judged.
        result = _result(
            expected, actual, status_ok=False, headers=[], body_ok=False, body_type=body_type
        )
        return Comparison(False, result, [f"body: {error}"])
    headers = _compare_headers(expected.header, actual.header, header_noise)
    _forgive_headers(headers, header_noise, not body_diffs, options)
    diffs = (
        []
        if status_ok
        else [f"status_code: expected {expected.status_code}, got {actual.status_code}"]
    )
    diffs += body_diffs
    for header in headers:
        if not header["normal"]:
            exp_value = (header["expected"]["value"] or ["<missing>"])[0]
            act_value = (header["actual"]["value"] or ["<missing>"])[0]
            diffs.append(
                f"header.{header['expected']['key']}: expected {exp_value!r}, got {act_value!r}"
            )
    result = _result(
        expected,
        actual,
        status_ok=status_ok,
        headers=headers,
        body_ok=not body_diffs,
        body_type=body_type,
    )
    if not diffs:
        return Comparison(True, result)
    info = _failure_info(
        status_ok=status_ok,
        headers=headers,
        body_ok=not body_diffs,
        expected=expected.body,
        actual=actual.body,
        body_noise=body_noise,
    )
    if not options.strict and _additive_only(info, headers):
        # normalizePassingHTTPResult: every part of the result reads normal.
        for header in headers:
            header["normal"] = True
        result = _result(
            expected, actual, status_ok=True, headers=headers, body_ok=True, body_type=body_type
        )
        return Comparison(True, result)
    return Comparison(False, result, diffs, info)


def _result(
    expected: HttpResponse,
    actual: HttpResponse,
    *,
    status_ok: bool,
    headers: list[dict[str, Any]],
    body_ok: bool,
    body_type: str,
) -> dict[str, Any]:
    return {
        "status_code": {
            "normal": status_ok,
            "expected": expected.status_code,
            "actual": actual.status_code,
        },
        "headers_result": headers,
        "body_result": [
            {"normal": body_ok, "type": body_type, "expected": expected.body, "actual": actual.body}
        ],
        "dep_result": [],
    }
