"""The values a ``${{ }}`` expression in a step can stand for: a quoted literal, a
matrix value (or one attribute of each matrix entry) and a local action's or
reusable workflow's input (itself possibly a caller's matrix value)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tta_tooling.gates.gh_expressions import whole_expression

_CONTEXT_VALUE = re.compile(r"^(matrix|inputs)\.([\w-]+)(?:\.([\w-]+))?$")
_LITERAL = re.compile(r"^'((?:[^']|'')*)'$")


def resolve_value(
    expression: str,
    matrix: Mapping[str, list[object]] | None,
    inputs: Mapping[str, object],
) -> list[object] | None:
    """Every value ``expression`` takes, or None when it cannot be told."""
    literal = _LITERAL.match(expression)
    if literal:
        return [literal[1].replace("''", "'")]
    match = _CONTEXT_VALUE.match(expression)
    if not match:
        return None
    context, key, attribute = match[1], match[2], match[3]
    if context == "inputs":
        return _resolve_input(key, matrix, inputs) if attribute is None else None
    values = (matrix or {}).get(key)
    if not values or attribute is None:
        return values or None
    picked = [v.get(attribute) if isinstance(v, dict) else None for v in values]
    return picked if all(p is not None for p in picked) else None


def _resolve_input(
    key: str, matrix: Mapping[str, list[object]] | None, inputs: Mapping[str, object]
) -> list[object] | None:
    value = inputs.get(key)
    inner = whole_expression(value)
    if inner is not None and not inner.startswith("inputs."):
        return resolve_value(inner, matrix, inputs)  # a caller's matrix value passed as an input
    return [value] if value is not None and inner is None else None
