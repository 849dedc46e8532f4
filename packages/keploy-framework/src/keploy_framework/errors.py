"""Errors a user can cause; the CLI prints them on one line and exits 2."""

from __future__ import annotations

from pathlib import Path

__all__ = ["InputError"]


class InputError(Exception):
    """Input that cannot be read, parsed or validated, naming the file and the field."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")
