"""Keploy's failure assessment of a JSON body: added, removed, retyped and changed fields.

Source: keploy/keploy ``pkg/matcher/risk.go`` (ComputeFailureAssessmentJSON,
collectJSON, diffMaps, MaxRisk).
"""

from __future__ import annotations

from typing import Any

from keploy_framework.go_values import go_json_loads, go_json_valid, json_scalar_text
from keploy_framework.noise_match import NoiseIndex

__all__ = ["RISK_RANK", "assess_json", "max_risk"]

RISK_RANK = {"NONE": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}
_TYPES = {type(None): "null", bool: "boolean", str: "string"}


def max_risk(left: str, right: str) -> str:
    """``MaxRisk``."""
    return right if RISK_RANK[right] > RISK_RANK[left] else left


def _collect(
    value: Any, path: str, index: NoiseIndex, types: dict[str, str], values: dict[str, str]
) -> None:
    regexes, noisy = index.match(path)
    if noisy:
        if not regexes:
            return
        text, scalar = json_scalar_text(value)
        if scalar and any(r.search(text) is not None for r in regexes):
            return
    if isinstance(value, dict):
        for key, child in value.items():
            _collect(child, f"{path}.{key}" if path else key, index, types, values)
    elif isinstance(value, list):
        for child in value:
            _collect(child, f"{path}[]" if path else "[]", index, types, values)
    else:
        types[path] = _TYPES.get(type(value), "number")
        values[path] = json_scalar_text(value)[0]


def assess_json(
    expected: str, actual: str, body_noise: dict[str, list[str]]
) -> dict[str, Any] | None:
    """``ComputeFailureAssessmentJSON``: category, risk and the changed field paths."""
    if not go_json_valid(expected) or not go_json_valid(actual):
        return None
    index = NoiseIndex.build(body_noise)
    exp_types: dict[str, str] = {}
    exp_values: dict[str, str] = {}
    act_types: dict[str, str] = {}
    act_values: dict[str, str] = {}
    _collect(go_json_loads(expected), "", index, exp_types, exp_values)
    _collect(go_json_loads(actual), "", index, act_types, act_values)
    removed = sorted(k for k in exp_types if k not in act_types)
    retyped = sorted(k for k in exp_types if k in act_types and exp_types[k] != act_types[k])
    changed = sorted(
        k
        for k in exp_types
        if k in act_types and exp_types[k] == act_types[k] and exp_values[k] != act_values[k]
    )
    added = sorted(k for k in act_types if k not in exp_types)
    if removed or retyped:
        category, risk = "SCHEMA_BROKEN", "HIGH"
    elif added:
        category, risk = "SCHEMA_ADDED", ("MEDIUM" if changed else "LOW")
    else:
        category, risk = "SCHEMA_UNCHANGED", ("MEDIUM" if changed else "NONE")
    assessment: dict[str, Any] = {"category": [category], "risk": risk}
    for name, fields in (
        ("added_fields", added),
        ("removed_fields", removed),
        ("type_changes", retyped),
        ("value_changes", changed),
    ):
        if fields:
            assessment[name] = fields
    return assessment
