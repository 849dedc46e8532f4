"""Errors a user can cause: unreadable, oversized or malformed input.

The files are read by :mod:`tta_tooling.text_files`; what fails there, or in a
parser after it, is an :class:`InputError` naming the file (and line) at fault.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input that cannot be read or parsed; the CLI prints it on one line and exits 2."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
