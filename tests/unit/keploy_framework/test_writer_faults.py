"""A full disk or a read-only folder: the previous file stays, no temp file is left, and
the CLI prints one line naming the path and the OS error, exit 2 (simulated in-process)."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from keploy_framework.cli import main

from .conftest import FIXTURES

FAULTS = {
    "enospc": OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    "erofs": OSError(errno.EROFS, os.strerror(errno.EROFS)),
}


def _fail_replacing(
    monkeypatch: pytest.MonkeyPatch, suffix: str, fault: OSError
) -> Callable[..., None]:
    real = os.replace

    def replace(src: str, dst: str | Path) -> None:
        if str(dst).endswith(suffix):
            raise fault
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)  # the os module atomic.py calls
    return replace


def _temps(folder: Path) -> list[Path]:
    return list(folder.rglob(".*.tmp"))


def _suite(tmp_path: Path) -> Path:
    test_dir = tmp_path / "api"
    shutil.copytree(FIXTURES / "flask-redis/test-set-0/tests", test_dir / "test-set-0/tests")
    return test_dir


def _one_line(capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    for needle in needles:
        assert needle in line, line


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_test_command_on_a_failing_junit_write_is_one_line_exit_2(
    tmp_path: Path,
    app_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: OSError,
) -> None:
    test_dir = _suite(tmp_path)
    junit = tmp_path / "junit.xml"
    junit.write_text("<previous/>", encoding="utf-8")
    _fail_replacing(monkeypatch, "junit.xml", fault)
    argv = ["test", "--replay", "--test-dir", str(test_dir), "--base-url", app_url]
    code = main([*argv, "--delay", "0", "--junit", str(junit)])
    assert code == 2
    _one_line(capsys, f"error: {junit}: {fault.strerror}")
    assert junit.read_text(encoding="utf-8") == "<previous/>"
    assert _temps(tmp_path) == []


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("output", ["summary.json", "summary.html"])
def test_report_command_on_a_failing_write_is_one_line_exit_2(
    tmp_path: Path,
    app_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: OSError,
    output: str,
) -> None:
    test_dir = _suite(tmp_path)
    argv = ["test", "--replay", "--test-dir", str(test_dir), "--base-url", app_url]
    main([*argv, "--delay", "0"])
    summary = tmp_path / "out" / "summary.json"
    summary.parent.mkdir()
    (tmp_path / "out" / output).write_text("previous", encoding="utf-8")
    capsys.readouterr()
    _fail_replacing(monkeypatch, output, fault)
    code = main(["report", "--test-dir", str(test_dir), "--output", str(summary)])
    assert code == 2
    _one_line(capsys, f"error: {tmp_path / 'out' / output}: {fault.strerror}")
    assert (tmp_path / "out" / output).read_text(encoding="utf-8") == "previous"
    assert _temps(tmp_path) == []


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_test_command_that_cannot_write_a_report_leaves_no_half_written_run(
    tmp_path: Path,
    app_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: OSError,
) -> None:
    test_dir = _suite(tmp_path)
    reports = tmp_path / "reports"
    argv = ["test", "--replay", "--test-dir", str(test_dir), "--base-url", app_url]
    argv += ["--delay", "0", "--reports-dir", str(reports)]
    assert main(argv) in {0, 1}  # a verdict, and test-run-0 written
    capsys.readouterr()
    _fail_replacing(monkeypatch, "-report.yaml", fault)
    assert main(argv) == 2
    _one_line(capsys, f"{reports / 'test-run-1'}", str(fault.strerror))
    assert [p.name for p in reports.iterdir()] == ["test-run-0"]  # `report` reads a whole run
