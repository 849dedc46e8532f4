"""Atomic file writes: a temp file beside the target, synced, then renamed over it.

A full disk, a read-only folder, a signal or a crash leaves the previous file as it
was and no temp file behind; the OSError raised names the target path, so a CLI can
print it on one line (:func:`describe_os_error`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "check_writable",
    "describe_os_error",
    "replace_atomically",
    "write_text_atomically",
]

# One page: the least a file system allocates for a file with any content in it.
_PROBE_BYTES = 4096


def write_text_atomically(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) in one rename; an
    OSError names ``path``."""
    data = text.encode("utf-8")

    def write(descriptor: int, _temporary: str) -> None:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())

    _replace(path, write, mode)


def replace_atomically(path: Path, fill: Callable[[str], object], *, mode: int = 0o644) -> None:
    """Replace ``path`` with what ``fill`` writes to the temp file whose name it is given.

    For writers that take a file name (coverage.py's reports): the temp file is made
    beside ``path``, synced, then renamed over it; an OSError names ``path``.
    """

    def write(descriptor: int, temporary: str) -> None:
        os.close(descriptor)
        fill(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())

    _replace(path, write, mode)


def _replace(path: Path, write: Callable[[int, str], None], mode: int) -> None:
    """Make a temp file beside ``path``, let ``write`` fill and sync it (given its open
    descriptor and name), give it ``mode`` and rename it over ``path``."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        write(descriptor, temporary)
        os.chmod(temporary, mode)  # mkstemp creates it owner-only
        os.replace(temporary, path)
    except OSError as error:
        _discard(temporary)
        raise OSError(error.errno, error.strerror, str(path)) from error
    except BaseException:
        _discard(temporary)
        raise


def check_writable(path: Path) -> None:
    """Fail now, not after a long run, if a file could not be written beside ``path``.

    Writes one page to a temp file in ``path``'s folder (or, while that folder does not
    exist yet, in the nearest one above it, where the write would create it) and removes
    it: a read-only folder or a full disk raises the OSError the final write would,
    naming ``path``. Nothing is left behind, ``path`` is untouched, no folder is made.
    """
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name}.", suffix=".probe"
        )
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(bytes(_PROBE_BYTES))
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error
    finally:
        _discard(temporary)


def describe_os_error(error: OSError) -> str:
    """``<path>: <reason>`` on one line, for a CLI's top-level handler."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


def _discard(temporary: str | None) -> None:
    if temporary is not None:
        Path(temporary).unlink(missing_ok=True)
