"""Reading the tools' input files: bounded in size, decoded as UTF-8, parsed as JSON or TOML.

Every file the tools read as input goes through :func:`read_input`, which refuses a
file larger than ``TTA_MAX_INPUT_BYTES`` (default 10 MiB) before parsing it: the
size is checked with ``fstat`` and the read is bounded, so a huge or endless file
(a FIFO, ``/dev/zero``) costs no more than the limit. What cannot be read is
:class:`~tta_tooling.errors.InputError`.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.parse_once import toml_document

MAX_INPUT_ENV = "TTA_MAX_INPUT_BYTES"
DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024


def max_input_bytes() -> int:
    """The input size limit: ``TTA_MAX_INPUT_BYTES`` if set, else 10 MiB."""
    text = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_INPUT_BYTES
    if not text.isdigit() or int(text) < 1:
        raise InputError(MAX_INPUT_ENV, f"expected a whole number of bytes >= 1, got {text!r}")
    return int(text)


def read_bounded(path: Path) -> bytes:
    """The bytes of ``path``, refused before reading when over :func:`max_input_bytes`."""
    limit = max_input_bytes()
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > limit else handle.read(limit + 1)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    if size > limit or len(data) > limit:
        raise InputError(
            path, f"larger than the input limit of {limit} bytes (raise it with {MAX_INPUT_ENV})"
        )
    return data


def read_input(path: Path) -> str:
    """The UTF-8 text of ``path`` within the size limit; anything else is :class:`InputError`."""
    try:
        return read_bounded(path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text: {error.reason} at byte {error.start}") from error


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
