"""Errors a user can cause: unreadable or malformed input."""

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


def read_input(path: Path) -> str:
    """The text of ``path``; an unreadable file becomes :class:`InputError`."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text: {error.reason}") from error
