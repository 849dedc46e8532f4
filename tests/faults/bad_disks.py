"""A directory whose writes fail for real: a full filesystem or a read-only one.

As root (CI containers, this machine), or through ``sudo -n`` (GitHub's runners), the
directory is a small tmpfs mount: filled to the last page for "full", remounted
read-only for "read-only", so the kernel itself answers ENOSPC or EROFS. Where
nothing may mount, the documented fallbacks: "full" is a file-size limit for the
command (``RLIMIT_FSIZE`` of 100 bytes, with SIGXFSZ ignored, so a write past it
fails with EFBIG as on a full quota; every file the writers replace is larger) and
"read-only" a folder of mode 0555 (EACCES). Either way the directory holds
``previous.txt`` (and the target, where it may exist) before the command runs.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PREVIOUS = "the previous file\n"
TMPFS_BYTES = 64 * 1024


@dataclass(frozen=True)
class BadDirectory:
    """Where the command writes, what it must leave there, and how to start it."""

    path: Path
    error: str  # the OS error the command must name
    preexec: Callable[[], None] | None = None

    def leftovers(self, target: Path) -> list[str]:
        """Entries that were not there before (the target's own name counts when new)."""
        before = {"previous.txt", "filler", target.name}
        return sorted(p.name for p in self.path.iterdir() if p.name not in before)


FILE_SIZE_LIMIT = 100


def _as_root(*command: str) -> bool:
    """Run ``command`` as root (directly, else through ``sudo -n``); whether it worked."""
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if prefix and shutil.which("sudo") is None:
        return False
    done = subprocess.run([*prefix, *command], capture_output=True, check=False)
    return done.returncode == 0


def _fill(directory: Path) -> None:
    chunk = b"x" * 4096
    with open(directory / "filler", "wb", buffering=0) as filler:
        while True:
            try:
                filler.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                return


def _file_size_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # stays ignored across execve
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


@contextmanager
def bad_directory(tmp_path: Path, kind: str, target: str | None) -> Iterator[BadDirectory]:
    """A ``kind`` ("full" or "read-only") directory holding ``previous.txt`` and, if
    named, a copy of it as ``target`` (the file the command must leave unchanged)."""
    path = tmp_path / f"{kind}-disk"
    path.mkdir()
    options = f"size={TMPFS_BYTES},mode=0755,uid={os.getuid()},gid={os.getgid()}"
    mounted = _as_root("mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path))
    try:
        for name in filter(None, ("previous.txt", target)):
            (path / name).write_text(PREVIOUS, encoding="utf-8")
        if kind == "full" and mounted:
            _fill(path)
            yield BadDirectory(path, os.strerror(errno.ENOSPC))
        elif kind == "full":
            yield BadDirectory(path, os.strerror(errno.EFBIG), _file_size_limit)
        elif mounted:
            assert _as_root("mount", "-o", "remount,ro", str(path)), "remount read-only failed"
            yield BadDirectory(path, os.strerror(errno.EROFS))
        else:
            path.chmod(0o555)
            yield BadDirectory(path, os.strerror(errno.EACCES))
    finally:
        if mounted:
            assert _as_root("umount", "-l", str(path)), f"umount {path} failed"
        else:
            path.chmod(0o755)
