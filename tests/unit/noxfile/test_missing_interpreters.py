"""After nox's summary, one line per Python that did not run says how to install it."""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType

import pytest

from ...common.module_from_path import load_module

NOXFILE = Path(__file__).resolve().parents[3] / "noxfile.py"


@pytest.fixture(scope="module")
def noxfile() -> ModuleType:
    return load_module(NOXFILE, "tta_noxfile_under_test")


def _record(message: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("nox", level, __file__, 1, message, None, None)


def test_each_skipped_python_gets_one_line_with_the_ways_to_install_it(
    noxfile: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = noxfile.MissingInterpreters()
    handler.handle(_record("Missing interpreters will error by default on CI systems."))
    handler.handle(_record("Session tests-3.13 skipped: Python interpreter 3.13 not found"))
    handler.handle(_record("Session tests-3.12 skipped: Python interpreter 3.12 not found"))
    handler.handle(_record("* tests-3.12: skipped (Python interpreter 3.12 not found)"))
    handler.report()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" did not run")[0] for line in lines] == [
        "nox > Python 3.12",
        "nox > Python 3.13",
    ]
    assert all("uv python install" in line and "pyenv install" in line for line in lines)


def test_a_failed_session_on_ci_is_reported_too(
    noxfile: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = noxfile.MissingInterpreters()
    handler.handle(_record("Session tests-3.13 failed: Python interpreter 3.13 not found", 40))
    handler.report()
    assert "Python 3.13 did not run" in capsys.readouterr().err


def test_a_run_with_every_python_prints_nothing(
    noxfile: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = noxfile.MissingInterpreters()
    handler.handle(_record("Session tests-3.12 was successful in 3 seconds."))
    handler.report()
    assert capsys.readouterr().err == ""


def test_the_handler_listens_to_nox_and_reports_at_exit(noxfile: ModuleType) -> None:
    assert noxfile._missing_interpreters in logging.getLogger("nox").handlers
