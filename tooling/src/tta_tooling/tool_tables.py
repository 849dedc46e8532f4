"""The ``[tool.tta.<name>]`` tables of ``pyproject.toml`` that configure a gate.

:func:`tta_table` reads one (an empty table when the file or the table is absent);
:func:`reject_unknown_keys` names the first key a gate does not know. Both raise
:class:`~tta_tooling.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.text_files import read_toml

__all__ = ["reject_unknown_keys", "tta_table"]


def tta_table(pyproject: Path, name: str) -> dict[str, Any]:
    """The ``[tool.tta.<name>]`` table of ``pyproject`` (``{}`` when it or the file is absent)."""
    if not pyproject.is_file():
        return {}
    table = read_toml(pyproject).get("tool", {}).get("tta", {}).get(name, {})
    if not isinstance(table, dict):
        raise InputError(pyproject, f"[tool.tta.{name}]: expected a table")
    return table


def reject_unknown_keys(
    table: dict[str, Any], known: Set[str], section: str, source: Path | str
) -> None:
    """Raise :class:`InputError` for the first key of ``table`` (sorted) not in ``known``."""
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(
            source, f"{section}.{unknown[0]}: unknown key (known: {', '.join(sorted(known))})"
        )
