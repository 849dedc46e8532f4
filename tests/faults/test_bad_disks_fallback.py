"""bad_disks.py's fallback where nothing may mount (no root, no ``sudo -n``), run on every
machine: here ``os.geteuid`` says "not root" and there is no sudo. "full" is a 100-byte
file-size limit for the command (EFBIG), "read-only" a 0555 folder (EACCES). Each is
checked with a real write (``dd``) in a child that has the limit, or no root's override."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .bad_disks import FILE_SIZE_LIMIT, PREVIOUS, bad_directory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rlimits, dd")

NOBODY = 65534


@pytest.fixture
def cannot_mount(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder every user may enter; ``bad_directory`` there sees no root and no sudo."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # read by bad_disks._as_root
    monkeypatch.setattr(shutil, "which", lambda name, **_: None)  # no sudo either
    folder = Path(tempfile.mkdtemp(prefix="bad-disk-fallback-"))
    folder.chmod(0o755)  # root's dd runs as nobody below, and nobody must reach the folder
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def _unprivileged() -> None:
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _dd(target: Path, size: int, preexec: Callable[[], None] | None) -> str:
    """Write ``size`` bytes to ``target`` in a child; its error output ("" when it worked)."""
    done = subprocess.run(
        ["dd", "if=/dev/zero", f"of={target}", f"bs={size}", "count=1", "status=none"],
        preexec_fn=preexec,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) == (done.stderr == ""), done
    return done.stderr


def test_full_is_a_file_size_limit_a_larger_write_fails_with_efbig(cannot_mount: Path) -> None:
    with bad_directory(cannot_mount, "full", "target.txt") as bad:
        assert not os.path.ismount(bad.path)
        assert bad.error == os.strerror(errno.EFBIG) == "File too large"
        assert _dd(bad.path / "small", FILE_SIZE_LIMIT, bad.preexec) == ""
        assert "File too large" in _dd(bad.path / "large", FILE_SIZE_LIMIT + 1, bad.preexec)
        assert (bad.path / "previous.txt").read_text(encoding="utf-8") == PREVIOUS
        assert _dd(bad.path / "unlimited", 4096, None) == ""  # the limit is the command's only


def test_read_only_is_a_0555_folder_a_write_fails_with_eacces(cannot_mount: Path) -> None:
    as_user = _unprivileged if os.getuid() == 0 else None  # root writes through 0555
    with bad_directory(cannot_mount, "read-only", "target.txt") as bad:
        assert not os.path.ismount(bad.path)
        assert bad.preexec is None
        assert bad.error == os.strerror(errno.EACCES) == "Permission denied"
        assert stat.S_IMODE(bad.path.stat().st_mode) == 0o555
        assert "Permission denied" in _dd(bad.path / "new.txt", 1, as_user)
        assert (bad.path / "target.txt").read_text(encoding="utf-8") == PREVIOUS
        assert bad.leftovers(bad.path / "target.txt") == []
    assert stat.S_IMODE(bad.path.stat().st_mode) == 0o755  # made writable again for cleanup
