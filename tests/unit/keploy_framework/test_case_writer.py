"""The case writer process: every case handed over is written whole, or the loss is reported."""

from __future__ import annotations

import io
import os
import pickle
import signal
import site
import time
from pathlib import Path

import keploy_framework
import pytest
from keploy_framework.capture import make_case, make_request, make_response
from keploy_framework.case_writer import (
    CaseWriter,
    CaseWriterError,
    _env_finding_this_package,
    write_cases,
)
from keploy_framework.storage import read_test_set
from keploy_framework.testcase import TestCase

STAMP = "2026-11-27T08:00:00.123456789Z"


def _case(index: int) -> TestCase:
    request = make_request(
        "GET", f"http://app/items/{index}", [("Host", "app")], b"", timestamp=STAMP
    )
    response = make_response(200, [("Content-Type", "application/json")], b'{"ok": 1}', STAMP)
    return make_case("", request, response)


def _frame(case: TestCase) -> bytes:
    data = pickle.dumps(case)
    return len(data).to_bytes(4, "big") + data


@pytest.mark.smoke  # starts the writer process
def test_every_submitted_case_is_written_and_counted(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    writer = CaseWriter(tmp_path)
    for index in range(50):
        assert writer.submit(_case(index))
    writer.close()
    assert writer.written == 50
    cases = read_test_set(tmp_path).cases
    assert sorted(c.name for c in cases) == sorted(f"test-{i}" for i in range(1, 51))
    assert {c.request.timestamp for c in cases} == {STAMP}


@pytest.mark.smoke  # starts the writer process
def test_signals_to_the_recorder_or_its_group_do_not_stop_the_writer(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    writer = CaseWriter(tmp_path)
    assert os.getpgid(writer._child.pid) != os.getpgid(0)
    writer.submit(_case(1))
    deadline = time.monotonic() + 30
    while not (tmp_path / "tests" / "test-1.yaml").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "tests" / "test-1.yaml").exists()
    os.kill(writer._child.pid, signal.SIGINT)
    os.kill(writer._child.pid, signal.SIGTERM)
    writer.submit(_case(2))
    writer.close()
    assert writer.written == 2


@pytest.mark.smoke  # starts the writer process
def test_a_writer_that_cannot_write_raises_the_os_error_naming_the_case(tmp_path: Path) -> None:
    (tmp_path / "tests").write_text("a file where the cases folder should be")
    writer = CaseWriter(tmp_path)
    writer.submit(_case(1))
    with pytest.raises(OSError, match=r"File exists|Not a directory") as caught:
        writer.close()
    assert caught.value.filename == str(tmp_path / "tests" / "test-1.yaml")


@pytest.mark.smoke  # starts the writer process
def test_a_writer_that_dies_reports_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    writer = CaseWriter(tmp_path)
    writer._child.kill()
    writer.submit(_case(1))
    with pytest.raises(CaseWriterError, match=r"wrote 0 of 1 cases .* \(exit -9\)"):
        writer.close()


def test_a_frame_cut_short_by_a_killed_proxy_is_not_written(tmp_path: Path) -> None:
    first, second = _case(1), _case(2)
    first.name, second.name = "test-1", "test-2"
    stream = io.BytesIO(_frame(first) + _frame(second)[:-5])
    assert write_cases(tmp_path, stream) == 1
    assert [p.name for p in (tmp_path / "tests").iterdir()] == ["test-1.yaml"]


def test_only_a_source_checkout_goes_on_the_writers_pythonpath(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = Path(keploy_framework.__file__).resolve().parents[1]
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setattr(site, "getsitepackages", lambda: ["/nowhere"])
    assert _env_finding_this_package()["PYTHONPATH"] == f"{root}{os.pathsep}/elsewhere"
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(root)])
    assert _env_finding_this_package()["PYTHONPATH"] == "/elsewhere"  # installed: untouched
