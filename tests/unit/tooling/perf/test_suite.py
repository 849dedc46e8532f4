"""Reading pytest-benchmark JSON, and a suite run that fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from tta_tooling.errors import InputError
from tta_tooling.perf.suite import SuiteError, child_environment, read_benchmark_json, run_suite


def _entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "fullname": "tests/performance/test_x.py::test_benchmark[a]",
        "stats": {"median": 0.002, "rounds": 50},
        "extra_info": {"calls_per_round": 100, "p95_ns": 25_000.0},
    }
    entry.update(overrides)
    return entry


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_medians_are_per_call_and_p95_in_seconds(tmp_path: Path) -> None:
    path = _write(tmp_path, {"benchmarks": [_entry()]})
    ((name, measurement),) = read_benchmark_json(path).items()
    assert name == "tests/performance/test_x.py::test_benchmark[a]"
    assert measurement.per_call == pytest.approx(2e-5)
    assert measurement.p95_seconds == pytest.approx(2.5e-5)
    assert measurement.rounds == 50


def test_without_extra_info_a_round_is_one_call(tmp_path: Path) -> None:
    path = _write(tmp_path, {"benchmarks": [_entry(extra_info={})]})
    measurement = read_benchmark_json(path)[_entry()["fullname"]]
    assert measurement.per_call == pytest.approx(0.002)
    assert measurement.p95_seconds is None


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"benchmark": []}, "'benchmarks'"),
        ([], "'benchmarks'"),
        ({"benchmarks": [{"stats": {"median": 1.0}}]}, "'fullname'"),
        ({"benchmarks": [_entry(stats={"median": 0})]}, "'stats.median'"),
        ({"benchmarks": [_entry(stats={"median": "fast"})]}, "'stats.median'"),
        ({"benchmarks": [_entry(extra_info={"calls_per_round": 0})]}, "calls_per_round"),
    ],
)
def test_malformed_files_name_the_field(tmp_path: Path, document: object, field: str) -> None:
    path = _write(tmp_path, document)
    with pytest.raises(InputError, match=field) as raised:
        read_benchmark_json(path)
    assert str(path) in str(raised.value)


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a pytest-benchmark JSON file"):
        read_benchmark_json(path)


@pytest.mark.smoke  # starts a child pytest: the run is the subject
def test_a_run_that_cannot_complete_is_a_suite_error(tmp_path: Path) -> None:
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    assert True\n")
    with pytest.raises(SuiteError, match="pytest exited") as raised:
        run_suite(Path(sys.executable), tmp_path, ["test_missing.py"])
    assert str(sys.executable) in str(raised.value)


def test_a_suite_run_gets_no_coverage_venv_or_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COVERAGE_FILE", "VIRTUAL_ENV", "GITHUB_STEP_SUMMARY"):
        monkeypatch.setenv(name, "set")
    monkeypatch.setenv("KEPT", "yes")
    env = child_environment()
    assert env["KEPT"] == "yes"
    assert not {"COVERAGE_FILE", "VIRTUAL_ENV", "GITHUB_STEP_SUMMARY"} & env.keys()
