"""Parsing the tools' input files as JSON or TOML, read within the input size limit.

The bytes come from :mod:`tta_process_support.input_files` (bounded by
``TTA_MAX_INPUT_BYTES``, decoded as UTF-8); what cannot be read or parsed is
:class:`~tta_tooling.errors.InputError`.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from tta_process_support.input_files import InputError, read_input

from tta_tooling.parse_once import toml_document

__all__ = ["read_json", "read_toml"]


def read_json(path: Path) -> Any:
    """The JSON document in ``path``; unreadable or invalid JSON becomes :class:`InputError`."""
    try:
        return json.loads(read_input(path))
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg}", line=error.lineno) from error
    except RecursionError:  # json's C decoder recurses once per level of nesting
        raise InputError(path, "invalid JSON: nested too deeply") from None


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML document in ``path``; unreadable or invalid TOML becomes :class:`InputError`."""
    try:
        return toml_document(read_input(path))
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML: {error}") from error
