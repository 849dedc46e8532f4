"""Atomic file writes: a crash, a signal or a full disk never leaves a half-written file.

On failure the previous file stays as it was, the temp file is removed, and the
OSError raised names the target path, so the CLI can print it on one line.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "describe_os_error"]


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write ``content`` to a temp file beside ``path`` and rename it into place."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        _discard(temp)
        raise OSError(error.errno, error.strerror, str(path)) from error
    except BaseException:
        _discard(temp)
        raise


def describe_os_error(error: OSError) -> str:
    """``<path>: <reason>`` on one line, for the CLI's top-level handler."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


def _discard(temp: str | None) -> None:
    if temp is not None:
        Path(temp).unlink(missing_ok=True)
