"""Errors a user can cause: unreadable or malformed input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class InputError(Exception):
    """Input that cannot be read or parsed; the CLI prints it on one line and exits 2."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


def read_input(path: Path) -> str:
    """The text of ``path``; an unreadable file becomes :class:`InputError`."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text: {error.reason}") from error


def read_json(path: Path) -> Any:
    """The JSON document in ``path``; unreadable or invalid JSON becomes :class:`InputError`."""
    try:
        return json.loads(read_input(path))
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg}", line=error.lineno) from error
