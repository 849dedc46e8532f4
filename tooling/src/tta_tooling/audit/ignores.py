"""The audit gate's ignore file: every accepted vulnerability has an id, a reason and an
expiry date; once the date has passed the entry stops ignoring and fails the gate.

::

    [[ignore]]
    id = "GHSA-xxxx-xxxx-xxxx"     # or PYSEC-/CVE- id; aliases match too
    reason = "not reachable: we never call the affected parser"
    expires = 2026-06-30           # a TOML date
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.text_files import read_toml

__all__ = ["Ignore", "load_ignores"]

_FIELDS = frozenset({"id", "reason", "expires"})


@dataclass(frozen=True)
class Ignore:
    """One accepted vulnerability."""

    id: str
    reason: str
    expires: datetime.date

    def expired(self, today: datetime.date) -> bool:
        """True from the day after ``expires`` on."""
        return today > self.expires


def load_ignores(path: Path) -> list[Ignore]:
    """The entries of ``path`` (none when it does not exist); malformed ones are InputErrors."""
    if not path.exists():
        return []
    document = read_toml(path)
    unknown = sorted(set(document) - {"ignore"})
    if unknown:
        raise InputError(path, f"{unknown[0]}: unknown key (expected [[ignore]] entries)")
    entries = document.get("ignore", [])
    if not isinstance(entries, list):
        raise InputError(path, "ignore: expected [[ignore]] entries")
    return [_entry(path, index, entry) for index, entry in enumerate(entries)]


def _entry(path: Path, index: int, entry: object) -> Ignore:
    where = f"ignore[{index}]"
    if not isinstance(entry, dict):
        raise InputError(path, f"{where}: expected a table with id, reason, expires")
    if set(entry) != _FIELDS:
        missing = sorted(_FIELDS - set(entry))
        extra = sorted(set(entry) - _FIELDS)
        problem = f"missing {missing[0]}" if missing else f"unknown key {extra[0]}"
        raise InputError(path, f"{where}: {problem} (each entry needs id, reason, expires)")
    for field in ("id", "reason"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise InputError(path, f"{where}.{field}: expected a non-empty string")
    expires = entry["expires"]
    if not isinstance(expires, datetime.date) or isinstance(expires, datetime.datetime):
        raise InputError(path, f"{where}.expires: expected a TOML date (YYYY-MM-DD)")
    return Ignore(entry["id"].strip(), entry["reason"].strip(), expires)
