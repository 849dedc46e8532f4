"""Read and parse one file; a file that cannot be is reported, never fatal to the scan.

The text is decoded as Python decodes source (PEP 263: a ``coding`` comment,
else UTF-8, a byte order mark honoured) and parsed with the running Python's
grammar, the newest it knows.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

__all__ = ["Unanalysable", "parse_source", "read_source"]

_GRAMMAR = f"Python {sys.version_info.major}.{sys.version_info.minor}"


class Unanalysable(Exception):
    """Why a file could not be read or parsed, and at which line (1 when unknown)."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def read_source(path: Path) -> str:
    """The decoded text of ``path``; raises :class:`Unanalysable`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Unanalysable(f"cannot read: {error.strerror}") from error
    encoding = "utf-8"
    if b"coding" in data and b"coding" in b"\n".join(data.split(b"\n", 2)[:2]):  # PEP 263
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as error:  # an unknown coding declared
            if "unknown encoding" in str(error):
                raise Unanalysable(f"cannot decode: {error}") from error
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Unanalysable(
            f"not valid {error.encoding} text (byte 0x{data[error.start]:02x}): "
            "declare its encoding with a coding comment or save it as UTF-8",
            line,
        ) from error


def parse_source(relpath: str, source: str) -> ast.Module:
    """The syntax tree of ``source``; raises :class:`Unanalysable`."""
    try:
        return ast.parse(source, filename=relpath)
    except SyntaxError as error:
        raise Unanalysable(
            f"cannot parse with {_GRAMMAR}'s grammar: {error.msg}", error.lineno or 1
        ) from error
    except (ValueError, RecursionError, MemoryError) as error:  # null bytes; nesting too deep
        raise Unanalysable(f"cannot parse with {_GRAMMAR}'s grammar: {error}") from error
