"""Judge a replayed response against a recorded case with Keploy's noise semantics."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, cast

from keploy_framework.noise import NoiseIndex, json_scalar_text, split_noise, substring_key_match
from keploy_framework.redaction import MARKER
from keploy_framework.testcase import HttpResponse, TestCase

__all__ = ["FLAKY_HEADERS", "Comparison", "compare"]

# Headers whose value changes on every response (Keploy's auto header noise).
FLAKY_HEADERS = frozenset(
    {
        "date",
        "traceparent",
        "tracestate",
        "x-request-id",
        "x-correlation-id",
        "request-id",
        "x-amzn-trace-id",
        "baggage",
        "sentry-trace",
    }
)
_MISSING = object()


@dataclass
class Comparison:
    """Keploy's ``result`` block plus a human-readable list of differences."""

    passed: bool
    result: dict[str, Any]
    diffs: list[str] = field(default_factory=list)


def _is_json(body: str | bytes) -> bool:
    return isinstance(body, str) and body.strip()[:1] in {"{", "["}


def _render(value: Any) -> str:
    if value is _MISSING:
        return "<missing>"
    return json.dumps(value, ensure_ascii=False)[:200]


class _JsonWalk:
    """Keploy's matchJSONWithNoiseHandling, collecting every difference with its path."""

    def __init__(self, index: NoiseIndex, ignore_ordering: bool) -> None:
        self.index = index
        self.ignore_ordering = ignore_ordering

    def diffs(self, key: str, where: str, exp: Any, act: Any, ancestor: bool) -> list[str]:
        """Differences under walker key ``key``, reported at display path ``where``."""
        if exp == MARKER and not isinstance(act, dict | list):
            return []  # a redacted value: any replayed value passes
        if exp is None or not isinstance(exp, dict | list):
            return self._scalar(key, where, exp, act, ancestor)
        patterns, noisy = self.index.match(key)
        if noisy and not patterns:
            return []
        if type(act) is not type(exp):
            return [f"{where}: type changed, expected {_render(exp)}, got {_render(act)}"]
        if isinstance(exp, dict):
            return self._mapping(key, where, exp, cast(dict[str, Any], act), ancestor or noisy)
        return self._array(
            key, where, exp, cast(list[Any], act), ancestor or (noisy and not _scalars(exp))
        )

    def _array(
        self, key: str, where: str, exp: list[Any], act: list[Any], ancestor: bool
    ) -> list[str]:
        if len(exp) != len(act):
            return [f"{where}: array length {len(exp)} expected, got {len(act)}"]
        if self.ignore_ordering:
            return self._unordered(key, where, exp, act, ancestor)
        out: list[str] = []
        for index, (left, right) in enumerate(zip(exp, act, strict=True)):
            out += self.diffs(key, f"{where}[{index}]", left, right, ancestor)
        return out

    def _scalar(self, key: str, where: str, exp: Any, act: Any, ancestor: bool) -> list[str]:
        if isinstance(act, dict | list):
            patterns, noisy = self.index.match(key)
            if exp is None and (ancestor or (noisy and not patterns)):
                return []
            return [f"{where}: type changed, expected {_render(exp)}, got {_render(act)}"]
        if exp is not None and not _same_type(exp, act):
            return [f"{where}: type changed, expected {_render(exp)}, got {_render(act)}"]
        if (exp == act and type(exp) is type(act)) or _numbers_equal(exp, act):
            return []
        if ancestor or self.index.noisy_for_value(key, json_scalar_text(act)):
            return []
        return [f"{where}: expected {_render(exp)}, got {_render(act)}"]

    def _global(self, name: str, value: Any, containers: bool) -> bool:
        patterns = self.index.globals.get(name.lower())
        if patterns is None:
            return False
        if not patterns:
            return True
        if isinstance(value, dict | list):
            return containers
        return any(p.search(json_scalar_text(value)) for p in patterns)

    def _mapping(
        self, key: str, where: str, exp: dict[str, Any], act: dict[str, Any], ancestor: bool
    ) -> list[str]:
        prefix = f"{key}." if key else ""
        out: list[str] = []
        for name, value in exp.items():
            child = prefix + name
            patterns, noisy = self.index.match(child)
            unconditional = (noisy and not patterns) or self.index.globals.get(name.lower()) == ()
            if name not in act:
                if not unconditional:
                    out.append(f"{where}.{name}: expected {_render(value)}, got <missing>")
                continue
            if unconditional or self._global(name, act[name], True):
                continue
            out += self.diffs(child, f"{where}.{name}", value, act[name], ancestor)
        for name, value in act.items():
            if name in exp or self._global(name, value, False):
                continue
            patterns, noisy = self.index.match(prefix + name)
            if noisy and (
                not patterns
                or (
                    not isinstance(value, dict | list)
                    and any(p.search(json_scalar_text(value)) for p in patterns)
                )
            ):
                continue
            out.append(f"{where}.{name}: unexpected field, got {_render(value)}")
        return out

    def _unordered(
        self, key: str, where: str, exp: list[Any], act: list[Any], ancestor: bool
    ) -> list[str]:
        used = [False] * len(act)
        out: list[str] = []
        for left in exp:
            for index, right in enumerate(act):
                if not used[index] and not self.diffs(key, where, left, right, ancestor):
                    used[index] = True
                    break
            else:
                out.append(f"{where}: no element matches {_render(left)}")
        return out


def _scalars(values: list[Any]) -> bool:
    return all(not isinstance(v, dict | list) for v in values)


def _same_type(exp: Any, act: Any) -> bool:
    if isinstance(exp, bool) or isinstance(act, bool):
        return type(exp) is type(act)
    if isinstance(exp, int | float):
        return isinstance(act, int | float)
    return type(exp) is type(act)


def _numbers_equal(exp: Any, act: Any) -> bool:
    return (
        isinstance(exp, int | float)
        and isinstance(act, int | float)
        and not isinstance(exp, bool)
        and not isinstance(act, bool)
        and exp == act
    )


def _header_result(key: str, expected: str | None, actual: str | None, normal: bool) -> Any:
    return {
        "normal": normal,
        "expected": {"key": key, "value": None if expected is None else [expected]},
        "actual": {"key": key, "value": None if actual is None else [actual]},
    }


def _compare_headers(
    expected: dict[str, str], actual: dict[str, str], noise: dict[str, list[str]]
) -> list[dict[str, Any]]:
    whole = any(key.lower() == "header" for key in noise)
    results: list[dict[str, Any]] = []
    lowered_actual = {k.lower(): (k, v) for k, v in actual.items()}
    lowered_expected = {k.lower(): (k, v) for k, v in expected.items()}
    for lowered, (key, value) in lowered_expected.items():
        got = lowered_actual.get(lowered, (key, None))[1]
        noisy = whole or (value == MARKER and got is not None)
        patterns, matched = substring_key_match(key, noise)
        if matched:
            noisy = noisy or (not patterns or (got is not None and _search(patterns, got)))
        if lowered in FLAKY_HEADERS and got is not None:
            noisy = True
        results.append(_header_result(key, value, got, noisy or got == value))
    for lowered, (key, got) in lowered_actual.items():
        if lowered in lowered_expected:
            continue
        patterns, matched = substring_key_match(key, noise)
        noisy = whole or (matched and (not patterns or _search(patterns, got)))
        results.append(_header_result(key, None, got, noisy))
    return results


def _search(patterns: list[str], value: str) -> bool:
    for pattern in patterns:
        try:
            if re.search(pattern, value):
                return True
        except re.error:
            continue
    return False


def compare(
    case: TestCase,
    actual: HttpResponse,
    *,
    global_noise: dict[str, list[str]] | None = None,
    ignore_ordering: bool = False,
) -> Comparison:
    """Compare status, headers and body; the result block is Keploy's report shape."""
    merged = {**(global_noise or {}), **case.noise}
    body_noise, header_noise, skip_body = split_noise(merged)
    expected = case.response
    diffs: list[str] = []
    status_ok = expected.status_code == actual.status_code
    if not status_ok:
        diffs.append(f"status_code: expected {expected.status_code}, got {actual.status_code}")

    body_type = "JSON" if _is_json(expected.body) else "PLAIN"
    body_diffs: list[str] = []
    if not skip_body:
        body_diffs = _compare_body(expected.body, actual.body, body_noise, ignore_ordering)
    diffs += body_diffs

    headers = _compare_headers(expected.header, actual.header, header_noise)
    for header in headers:
        if header["expected"]["key"].lower() == "content-length" and not body_diffs:
            header["normal"] = True
        if not header["normal"]:
            exp_value = (header["expected"]["value"] or [None])[0]
            act_value = (header["actual"]["value"] or [None])[0]
            diffs.append(
                f"header.{header['expected']['key']}: expected {_render(exp_value)}, "
                f"got {_render(act_value)}"
            )
    result = {
        "status_code": {
            "normal": status_ok,
            "expected": expected.status_code,
            "actual": actual.status_code,
        },
        "headers_result": headers,
        "body_result": [
            {
                "normal": not body_diffs,
                "type": body_type,
                "expected": expected.body,
                "actual": actual.body,
            }
        ],
        "dep_result": [],
    }
    return Comparison(passed=not diffs, result=result, diffs=diffs)


def _compare_body(
    expected: str | bytes, actual: str | bytes, noise: dict[str, list[str]], ordering: bool
) -> list[str]:
    if expected == actual:
        return []
    if _is_json(expected) and isinstance(actual, str):
        try:
            exp_doc, act_doc = json.loads(expected), json.loads(actual)
        except ValueError:
            pass
        else:
            return _JsonWalk(NoiseIndex.build(noise), ordering).diffs(
                "", "body", exp_doc, act_doc, False
            )
    if expected == MARKER:
        return []
    return [f"body: expected {_render(_text(expected))}, got {_render(_text(actual))}"]


def _text(body: str | bytes) -> str:
    return body if isinstance(body, str) else f"<{len(body)} bytes>"
