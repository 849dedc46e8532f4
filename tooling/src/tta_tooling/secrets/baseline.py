"""The committed detect-secrets baseline: which detectors and filters run, and the audited
false positives (entries with ``"is_secret": false``) that the gate accepts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.text_files import read_json

__all__ = ["Baseline", "load_baseline"]


@dataclass(frozen=True)
class Baseline:
    """``settings`` is the baseline's plugins_used/filters_used; ``accepted`` audited keys."""

    settings: dict[str, Any]
    accepted: frozenset[tuple[str, str, str]]


def load_baseline(path: Path) -> Baseline:
    """Read ``path`` (detect-secrets' format); an unreadable or malformed file is an InputError.

    An entry that is not audited, or audited as a real secret, accepts nothing.
    """
    document = read_json(path)
    if not isinstance(document, dict):
        raise InputError(path, "expected a detect-secrets baseline object")
    for field in ("plugins_used", "filters_used"):
        if not isinstance(document.get(field), list) or not document[field]:
            raise InputError(path, f"{field}: expected a non-empty list")
    results = document.get("results")
    if not isinstance(results, dict):
        raise InputError(path, "results: expected an object of file -> entries")
    accepted: set[tuple[str, str, str]] = set()
    for file, entries in results.items():
        if not isinstance(entries, list):
            raise InputError(path, f"results.{file}: expected a list")
        for index, entry in enumerate(entries):
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("hashed_secret"), str)
                and isinstance(entry.get("type"), str)
            ):
                raise InputError(path, f"results.{file}[{index}]: expected type and hashed_secret")
            if entry.get("is_secret") is False:
                accepted.add((file, entry["hashed_secret"], entry["type"]))
    settings = {"plugins_used": document["plugins_used"], "filters_used": document["filters_used"]}
    return Baseline(settings, frozenset(accepted))
