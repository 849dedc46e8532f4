"""``write_text_atomically``, ``replace_atomically`` and ``check_writable``: the old file
stays and no temp file is left, whatever fails."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest
from tta_process_support.atomic import (
    check_writable,
    describe_os_error,
    replace_atomically,
    write_text_atomically,
)

FAULTS = [errno.ENOSPC, errno.EROFS]


def _fail_at(monkeypatch: pytest.MonkeyPatch, stage: str, number: int) -> None:
    """Make ``tempfile.mkstemp`` or ``os.<stage>`` raise ``OSError(number)``."""

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(tempfile if stage == "mkstemp" else os, stage, fail)


def test_it_replaces_the_file_with_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.json"
    write_text_atomically(target, "one")
    write_text_atomically(target, "two", mode=0o600)
    assert target.read_text(encoding="utf-8") == "two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]


@pytest.mark.parametrize("number", FAULTS, ids=["enospc", "erofs"])
@pytest.mark.parametrize("stage", ["mkstemp", "fsync", "chmod", "replace"])
def test_a_failure_keeps_the_old_file_and_names_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, stage: str
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")

    _fail_at(monkeypatch, stage, number)
    with pytest.raises(OSError, match=os.strerror(number)) as caught:
        write_text_atomically(target, "new")
    assert caught.value.errno == number
    assert describe_os_error(caught.value) == f"{target}: {os.strerror(number)}"
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_failed_rename_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x", encoding="utf-8")
    with pytest.raises(OSError, match="taken"):
        write_text_atomically(target, "text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_an_interrupted_write_keeps_the_old_file_and_removes_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cost.json"
    target.write_text("previous\n", encoding="utf-8")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # the os module atomic.py calls
    with pytest.raises(KeyboardInterrupt):
        write_text_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cost.json"]


def test_a_writer_given_the_temp_files_name_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    target.write_text("previous", encoding="utf-8")
    replace_atomically(target, lambda name: Path(name).write_text("<report/>", "utf-8"))
    assert target.read_text(encoding="utf-8") == "<report/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.xml"]


def test_a_writer_that_fails_keeps_the_old_file_and_names_the_path(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    target.write_text("previous", encoding="utf-8")

    def fail(name: str) -> None:
        Path(name).write_text("half a rep", "utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError, match=os.strerror(errno.ENOSPC)) as caught:
        replace_atomically(target, fail)
    assert describe_os_error(caught.value) == f"{target}: {os.strerror(errno.ENOSPC)}"
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xml"]


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="root writes through mode 0500; the EROFS monkeypatch above covers it",
)
def test_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "out.json").write_text("previous", encoding="utf-8")
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as caught:
            write_text_atomically(folder / "out.json", "new")
    finally:
        folder.chmod(0o700)
    assert caught.value.filename == str(folder / "out.json")
    assert (folder / "out.json").read_text(encoding="utf-8") == "previous"


def test_check_writable_leaves_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.json"
    check_writable(target)
    assert list(tmp_path.iterdir()) == []  # tried in tmp_path, the folder the write would use
    target.parent.mkdir(parents=True)
    target.write_text("previous", encoding="utf-8")
    check_writable(target)
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]
    assert target.read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize("number", FAULTS, ids=["enospc", "erofs"])
@pytest.mark.parametrize("stage", ["mkstemp", "fsync"])
def test_check_writable_names_the_path_and_leaves_no_probe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, stage: str
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")

    _fail_at(monkeypatch, stage, number)
    with pytest.raises(OSError, match=os.strerror(number)) as caught:
        check_writable(target)
    assert describe_os_error(caught.value) == f"{target}: {os.strerror(number)}"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    assert target.read_text(encoding="utf-8") == "previous"
