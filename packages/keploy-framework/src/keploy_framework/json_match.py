"""Keploy's JSON body comparison with noise, reporting every difference with its path.

Source: keploy/keploy ``pkg/matcher/utils.go`` (JSONDiffWithNoiseControl,
matchJSONWithNoiseHandlingIndexed, findAndClaimPrimitiveEqual). Keploy stops at the
first difference; this walk collects all of them, and is a match exactly when
Keploy's is (every check is the same, only the early return differs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from keploy_framework.go_values import GoRegex, json_scalar_text
from keploy_framework.noise_match import NoiseIndex, compile_patterns, noisy_for_regexps

__all__ = ["JsonMatcher", "go_kind"]


def go_kind(value: Any) -> str:
    """The Go dynamic type encoding/json decodes a value to (``reflect.TypeOf``)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float | Decimal):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "slice"
    return "map"


def _render(value: Any) -> str:
    if isinstance(value, float | Decimal):
        return json_scalar_text(value)[0]
    return json.dumps(value, ensure_ascii=False, default=str)[:200]


@dataclass(frozen=True)
class JsonMatcher:
    """Body noise split as JSONDiffWithNoiseControl does: dotted keys are paths, others global."""

    index: NoiseIndex
    global_keys: dict[str, tuple[GoRegex, ...]]
    ignore_ordering: bool

    @classmethod
    def build(cls, body_noise: dict[str, list[str]], ignore_ordering: bool) -> JsonMatcher:
        paths = {k: v for k, v in body_noise.items() if "." in k}
        global_keys = {
            k.lower(): compile_patterns(v) for k, v in body_noise.items() if "." not in k
        }
        return cls(NoiseIndex.build(paths), global_keys, ignore_ordering)

    def diffs(self, expected: Any, actual: Any) -> list[str]:
        """Every difference between two decoded documents; empty means Keploy's match."""
        return self._walk("", "body", expected, actual, False)

    def _walk(self, key: str, where: str, exp: Any, act: Any, ancestor: bool) -> list[str]:
        kind = go_kind(exp)
        if kind == "nil":
            return self._null(key, where, act, ancestor)
        if kind != go_kind(act):
            return [f"{where}: type changed, expected {_render(exp)}, got {_render(act)}"]
        if kind == "map":
            return self._mapping(key, where, exp, act, ancestor)
        if kind == "slice":
            return self._array(key, where, exp, act, ancestor)
        if exp == act or ancestor or self._noisy_leaf(key, act):
            return []
        return [f"{where}: expected {_render(exp)}, got {_render(act)}"]

    def _noisy_leaf(self, key: str, value: Any) -> bool:
        """``noisyForValue`` on a scalar, rendering it only when a pattern needs the text."""
        regexes, noisy = self.index.match(key)
        if not noisy or not regexes:
            return noisy
        text = json_scalar_text(value)[0]
        return any(regex.search(text) is not None for regex in regexes)

    def _null(self, key: str, where: str, act: Any, ancestor: bool) -> list[str]:
        if act is None:
            return []
        text, scalar = json_scalar_text(act)
        if scalar:
            if ancestor or self.index.noisy_for_value(key, text):
                return []
        else:
            regexes, noisy = self.index.match(key)
            if ancestor or (noisy and not regexes):
                return []
        return [f"{where}: expected null, got {_render(act)}"]

    def _mapping(
        self, key: str, where: str, exp: dict[str, Any], act: dict[str, Any], ancestor: bool
    ) -> list[str]:
        regexes, noisy = self.index.match(key)
        if noisy and not regexes:
            return []
        ancestor = ancestor or noisy
        prefix = f"{key}." if key else ""
        out: list[str] = []
        for name, value in exp.items():
            child = prefix + name
            global_regexes = self.global_keys.get(name.lower())
            child_regexes, child_noisy = self.index.match(child)
            if name not in act:
                if global_regexes == () or (child_noisy and not child_regexes):
                    continue
                out.append(f"{where}.{name}: expected {_render(value)}, got <missing>")
                continue
            if global_regexes is not None and noisy_for_regexps(global_regexes, act[name], True):
                continue
            if child_noisy and not child_regexes:
                continue
            out += self._walk(child, f"{where}.{name}", value, act[name], ancestor)
        for name, value in act.items():
            if name in exp:
                continue
            global_regexes = self.global_keys.get(name.lower())
            if global_regexes is not None and noisy_for_regexps(global_regexes, value, False):
                continue
            child_regexes, child_noisy = self.index.match(prefix + name)
            if child_noisy and noisy_for_regexps(child_regexes, value, False):
                continue
            out.append(f"{where}.{name}: unexpected field, got {_render(value)}")
        return out

    def _array(
        self, key: str, where: str, exp: list[Any], act: list[Any], ancestor: bool
    ) -> list[str]:
        if len(exp) != len(act):
            return [f"{where}: array length {len(exp)} expected, got {len(act)}"]
        regexes, noisy = self.index.match(key)
        if noisy and not regexes:
            return []
        if noisy and not all(json_scalar_text(v)[1] for v in exp):
            ancestor = True
        if not self.ignore_ordering:
            out: list[str] = []
            for position, (left, right) in enumerate(zip(exp, act, strict=True)):
                out += self._walk(key, f"{where}[{position}]", left, right, ancestor)
            return out
        used = [False] * len(act)
        out = []
        for position, left in enumerate(exp):
            claimed = _claim_primitive_equal(left, act, used)
            if claimed is None:
                claimed = next(
                    (
                        j
                        for j, right in enumerate(act)
                        if not used[j] and not self._walk(key, where, left, right, ancestor)
                    ),
                    None,
                )
            if claimed is None:
                # No element matches: explain against the element at the same position.
                here = f"{where}[{position}]"
                out += self._walk(key, here, left, act[position], ancestor) or [
                    f"{here}: no unclaimed element matches {_render(left)}"
                ]
                return out
            used[claimed] = True
        return out


def _claim_primitive_equal(value: Any, array: list[Any], used: list[bool]) -> int | None:
    """``findAndClaimPrimitiveEqual``: an unused element equal to a string, number or bool."""
    kind = go_kind(value)
    if kind not in ("string", "float64", "bool"):
        return None
    for position, other in enumerate(array):
        if not used[position] and go_kind(other) == kind and cast(object, other) == value:
            return position
    return None
