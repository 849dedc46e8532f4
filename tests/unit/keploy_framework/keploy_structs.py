"""Keploy's Go structs (fixtures/keploy_models.go, vendored from the pinned release) as checks.

A field without ``omitempty`` is always written by Keploy's yaml.v3 encoder, so a
document must carry it; every key must be a field of the struct; values must have
the field's Go type (a string, an integer, a list, a map, or a nested struct).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

MODELS = Path(__file__).parent / "fixtures" / "keploy_models.go"
_FIELD = re.compile(r'^\s+(\w+)\s+(\S+)\s+`[^`]*yaml:"([^",]*)((?:,[a-z]+)*)"')
_STRING_TYPES = {
    "string",
    "Version",
    "Kind",
    "models.Version",
    "models.Kind",
    "Method",
    "TestStatus",
    "RiskLevel",
    "BodyType",
    "time.Time",
    "FailureCategory",
}
_INT_TYPES = {"int", "int64", "uint16", "uint32"}


class GoField(NamedTuple):
    name: str
    go_type: str
    omitempty: bool


def load_structs() -> dict[str, dict[str, GoField]]:
    """``{struct: {yaml name: field}}`` for every struct in the vendored file."""
    structs: dict[str, dict[str, GoField]] = {}
    current: dict[str, GoField] | None = None
    for line in MODELS.read_text(encoding="utf-8").splitlines():
        if line.startswith("type ") and line.endswith("struct {"):
            current = structs.setdefault(line.split()[1], {})
        elif line.startswith("}"):
            current = None
        elif current is not None and (match := _FIELD.match(line)) and match[3] != "-":
            current[match[3]] = GoField(match[3], match[2], "omitempty" in match[4])
    return structs


STRUCTS = load_structs()


def _scalar_ok(value: Any, go_type: str) -> bool:
    if go_type in _STRING_TYPES:
        return isinstance(value, str | bytes)
    if go_type in _INT_TYPES:
        return isinstance(value, int) and not isinstance(value, bool)
    if go_type == "bool":
        return isinstance(value, bool)
    return True  # interface{} and types outside the vendored set accept anything


def _type_errors(value: Any, go_type: str, where: str) -> list[str]:
    go_type = go_type.removeprefix("*").removeprefix("models.")
    go_type = "HTTPSchema" if go_type == "yamlLib.Node" else go_type
    if go_type.startswith("[]"):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {value!r}"]
        return [
            e for i, v in enumerate(value) for e in _type_errors(v, go_type[2:], f"{where}[{i}]")
        ]
    if go_type.startswith("map["):
        return [] if isinstance(value, dict) else [f"{where}: expected a map, got {value!r}"]
    if go_type in STRUCTS:
        return struct_errors(value, go_type, where)
    return [] if _scalar_ok(value, go_type) else [f"{where}: expected {go_type}, got {value!r}"]


def struct_errors(document: Any, struct: str, where: str = "") -> list[str]:
    """Every way ``document`` differs from what Keploy's ``struct`` reads and writes."""
    if not isinstance(document, dict):
        return [f"{where or struct}: expected a mapping"]
    fields = STRUCTS[struct]
    errors = [f"{where}.{key}: not a field of {struct}" for key in document if key not in fields]
    for name, go_field in fields.items():
        if name not in document:
            if not go_field.omitempty:
                errors.append(f"{where}.{name}: required by {struct}, missing")
            continue
        errors += _type_errors(document[name], go_field.go_type, f"{where}.{name}")
    return errors
