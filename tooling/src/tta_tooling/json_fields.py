"""Fields of the JSON reports the tools read (pytest-benchmark's results, ``nox --report``).

Each function returns the field's value when it has the expected type and
raises :class:`~tta_tooling.errors.InputError` naming the file and the field
(``benchmarks[2].stats.median``) when it does not.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError

__all__ = ["json_object", "json_seconds", "json_string"]


def json_object(path: Path, where: str, value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise InputError(path, f"field '{where}' must be an object")
    return value


def json_string(path: Path, where: str, value: object, *, empty: bool = False) -> str:
    """``value`` if it is a string (a non-empty one unless ``empty``)."""
    if not isinstance(value, str) or not (empty or value):
        kind = "a string" if empty else "a non-empty string"
        raise InputError(path, f"field '{where}' must be {kind}")
    return value


def json_seconds(path: Path, where: str, value: object) -> float:
    """``value`` as a float if it is a finite number of seconds >= 0 (a bool is not)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise InputError(path, f"field '{where}' must be a finite number of seconds >= 0")
    return float(value)
