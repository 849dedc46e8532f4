"""The benchmarks session's one pytest run clears stale results and prints their table.

``tests/performance/conftest.py``'s hooks, called in-process on stand-ins for pytest's
config, session and terminal reporter.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from ....common.module_from_path import load_module
from .test_benchmark_summary import RESULTS

CONFTEST = Path(__file__).resolve().parents[4] / "tests" / "performance" / "conftest.py"


def _conftest() -> ModuleType:
    return load_module(CONFTEST, "performance_conftest_under_test")


class _Config:
    def __init__(self, results: Path | None) -> None:
        self.results = results

    def getoption(self, name: str, default: object = None) -> object:
        return self.results if name == "benchmark_json" else default


class _Reporter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_sep(self, sep: str, title: str) -> None:
        self.lines.append(f"{sep * 3} {title}")

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_an_earlier_runs_results_are_removed_at_the_start(tmp_path: Path) -> None:
    stale = tmp_path / "latest.json"
    stale.write_text("{}", encoding="utf-8")
    _conftest().pytest_sessionstart(SimpleNamespace(config=_Config(stale)))
    assert not stale.exists()


def test_the_runs_table_is_printed_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    results = shutil.copy(RESULTS, tmp_path / "latest.json")
    reporter = _Reporter()
    _conftest().pytest_terminal_summary(reporter, _Config(Path(results)))
    assert reporter.lines[0] == f"--- benchmark summary ({results})"
    assert reporter.lines[1].startswith("test_sum []: median ")


@pytest.mark.parametrize("results", [None, "absent.json"])
def test_without_results_nothing_is_printed(tmp_path: Path, results: str | None) -> None:
    reporter = _Reporter()
    config = _Config(tmp_path / results if results else None)
    _conftest().pytest_sessionstart(SimpleNamespace(config=config))
    _conftest().pytest_terminal_summary(reporter, config)
    assert reporter.lines == []
