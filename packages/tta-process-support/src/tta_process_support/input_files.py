"""Reading input files: bounded in size, decoded as UTF-8, failing on one line.

Every file a command reads as input goes through :func:`read_input` (or
:func:`read_bounded` for bytes), which refuses a file larger than
``TTA_MAX_INPUT_BYTES`` (default 10 MiB) before parsing it: the size is checked
with ``fstat`` and the read is bounded, so a huge or endless file (a FIFO,
``/dev/zero``) costs no more than the limit. What cannot be read is an
:class:`InputError` naming the file (and line), which a CLI prints on one line.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "MAX_INPUT_ENV",
    "InputError",
    "max_input_bytes",
    "read_bounded",
    "read_input",
]

MAX_INPUT_ENV = "TTA_MAX_INPUT_BYTES"
DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024


class InputError(Exception):
    """Input that cannot be read, parsed or validated, naming the file (and line or field).

    A CLI prints it on one line and exits 2.
    """

    def __init__(self, path: Path | str, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


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
