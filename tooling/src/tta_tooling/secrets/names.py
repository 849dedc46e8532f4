"""The shared list of sensitive names (headers, JSON keys, query parameters) and the marker.

The API recorder ships the file as package data and redacts exactly these names;
the gate reads the same file by path so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.text_files import read_json

__all__ = ["SensitiveNames", "load_names"]

_LISTS = ("headers", "json_keys", "query_params")


@dataclass(frozen=True)
class SensitiveNames:
    """Lower-cased names whose values must be the redaction ``marker`` in an artifact."""

    marker: str
    keys: frozenset[str]
    query_params: frozenset[str]


def load_names(path: Path) -> SensitiveNames:
    """Read ``path``; a missing file or a malformed field is an :class:`InputError`."""
    document = read_json(path)
    if not isinstance(document, dict):
        raise InputError(path, "expected an object with marker, headers, json_keys, query_params")
    marker = document.get("marker")
    if not isinstance(marker, str) or not marker:
        raise InputError(path, "marker: expected a non-empty string")
    lists: dict[str, frozenset[str]] = {}
    for field in _LISTS:
        value = document.get(field)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise InputError(path, f"{field}: expected a list of non-empty strings")
        lists[field] = frozenset(v.lower() for v in value)
    return SensitiveNames(
        marker=marker,
        keys=lists["headers"] | lists["json_keys"],
        query_params=lists["query_params"],
    )
