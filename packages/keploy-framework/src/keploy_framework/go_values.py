"""Go's view of the values Keploy's matcher sees: RE2 regexes, encoding/json documents, numbers.

Keploy is written in Go, so a noise regex is a Go ``regexp`` (RE2: ``$`` does not
match before a final newline, no lookaround or backreferences, ``\\pL`` valid) and a
JSON body is what ``encoding/json`` decodes (every number a float64, ``NaN`` and
``1e400`` invalid). These helpers give the Python matcher the same view.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

import re2  # type: ignore[import-untyped]

__all__ = [
    "GoJSONError",
    "GoRegex",
    "compile_go_regex",
    "format_json_number",
    "go_json_loads",
    "go_json_valid",
    "json_scalar_text",
]


class GoRegex(Protocol):
    """The part of a compiled pattern the matcher uses."""

    def search(self, text: str) -> object | None: ...


class _Never:
    """Keploy's ``neverMatches`` (``[^\\s\\S]``): what an invalid pattern becomes."""

    def search(self, text: str) -> None:
        return None


_NEVER = _Never()
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


@lru_cache(maxsize=1024)
def compile_go_regex(pattern: str) -> GoRegex:
    """``getCompiled`` (pkg/matcher/utils.go): RE2, and a never-matching stand-in if invalid."""
    try:
        compiled: GoRegex = re2.compile(pattern, _OPTIONS)
    except re2.error:
        return _NEVER
    return compiled


class GoJSONError(ValueError):
    """``json.Unmarshal`` refused a document (e.g. a number outside float64)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON constant {name}")


def _go_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise GoJSONError(f"number {text} overflows float64")
    return value


@lru_cache(maxsize=256)  # the matcher asks about the same two bodies several times
def go_json_valid(body: str | bytes) -> bool:
    """``json.Valid``: any JSON value, scalars included; ``NaN``/``Infinity`` are not JSON."""
    if not isinstance(body, str):
        return False
    try:
        json.loads(body, parse_constant=_refuse_constant, parse_float=str, parse_int=str)
    except ValueError:
        return False
    return True


def go_json_loads(body: str, *, exact_numbers: bool = False) -> Any:
    """``json.Unmarshal`` into ``interface{}``: numbers become float64 (``Decimal`` if exact).

    Raises ``GoJSONError`` for what Go refuses to decode (a float64 overflow).
    """
    number: Any = Decimal if exact_numbers else _go_float
    return json.loads(body, parse_constant=_refuse_constant, parse_float=number, parse_int=number)


def format_json_number(value: float | Decimal) -> str:
    """``formatJSONNumber`` (pkg/matcher/utils.go): the number as encoding/json writes it.

    Shortest round-trip digits; ``'f'`` notation unless ``|v| < 1e-6`` or ``|v| >= 1e21``,
    then ``'e'`` with a one-digit exponent kept short (``1e-7``, ``1e+21``).
    """
    number = float(value)
    if math.isinf(number):  # only an exact (strict mode) Decimal gets here
        return str(value)
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    magnitude = abs(number)
    digits, exponent = _shortest(number)
    sign = "-" if number < 0 else ""
    if magnitude < 1e-6 or magnitude >= 1e21:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        power = exponent + len(digits) - 1
        return f"{sign}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}".replace("e-0", "e-")
    point = len(digits) + exponent  # digits * 10**exponent
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _shortest(number: float) -> tuple[str, int]:
    """The shortest decimal digits that round-trip (``repr``) and their exponent."""
    _, digits, exponent = Decimal(repr(abs(number))).as_tuple()
    text = "".join(str(d) for d in digits).rstrip("0") or "0"
    trailing = len(digits) - len(text)
    return text, int(exponent) + trailing


def json_scalar_text(value: Any) -> tuple[str, bool]:
    """``jsonScalarToString``: a scalar as a noise regex sees it; ``False`` for containers."""
    if value is None:
        return "null", True
    if isinstance(value, bool):
        return ("true" if value else "false"), True
    if isinstance(value, str):
        return value, True
    if isinstance(value, float | Decimal):
        return format_json_number(value), True
    return "", False
