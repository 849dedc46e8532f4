"""coverage-gate --data-dir: the runs' data files combined in-process, reports written, gated.

The data files are written with coverage.py's own ``CoverageData`` (no tracing), as
the tests and integration sessions leave them: ``.coverage.<session>.<host>.<pid>...``.

The cases that combine run the command as a process (smoke tier): coverage.py stops
saving the data of a process it measures automatically (an xdist worker of the tests
sessions) once that process creates a ``Coverage`` object (``control.py``,
``_prevent_sub_process_measurement``), so combining in a worker would lose the
worker's whole run. The cases that stop before combining run in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import coverage
import pytest

from ..conftest import RunTooling
from .test_coverage_gate import _package

# The statements of test_coverage_gate.MODULE: `used` (2, 3), `unused` (6-9).
ALL_LINES = [2, 3, 6, 7, 8, 9]
EXPECT = ("--expect=tests-3.11", "--expect=tests-3.12", "--expect=integration")


def _run_data(data_dir: Path, run: str, module: Path, lines: list[int]) -> Path:
    """One run's data file, as `coverage run` with COVERAGE_FILE=.coverage.<run> leaves it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    data = coverage.CoverageData(basename=str(data_dir / f".coverage.{run}"), suffix="host.1.2")
    data.add_lines({str(module): lines})
    data.write()
    return Path(data.data_filename())


def _without_ci() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "CI"}


def _combine(
    root: Path, data_dir: Path, expect: Sequence[str] = EXPECT
) -> subprocess.CompletedProcess[str]:
    """``tta-tooling coverage-gate`` on ``data_dir``'s runs, outside CI, as a process of its
    own (see the module docstring)."""
    command = [sys.executable, "-m", "tta_tooling", "coverage-gate", "--root", str(root)]
    command += [f"--data-dir={data_dir}", *expect]
    return subprocess.run(command, env=_without_ci(), capture_output=True, text=True, check=False)


@pytest.mark.smoke
def test_runs_are_combined_kept_reported_and_gated(tmp_path: Path) -> None:
    module = _package(tmp_path, "good", "staging")
    data_dir = tmp_path / "data"
    runs = [
        _run_data(data_dir, "tests-3.11", module, [2, 3, 6]),
        _run_data(data_dir, "tests-3.12", module, [2, 3]),
        _run_data(data_dir, "integration", module, [7, 8, 9]),
    ]
    done = _combine(tmp_path, data_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split() == ["good", "staging", "70%", "100.0%", "ok"]
    assert all(run.is_file() for run in runs), "the per-run files are kept"
    report = json.loads((data_dir / "coverage.json").read_text(encoding="utf-8"))
    assert report["files"][str(module)]["executed_lines"] == ALL_LINES
    assert "<coverage " in (data_dir / "coverage.xml").read_text(encoding="utf-8")
    assert (data_dir / ".coverage").is_file()
    assert sorted(p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.smoke
def test_combined_runs_below_the_stage_fail(tmp_path: Path) -> None:
    module = _package(tmp_path, "thin", "production")
    _run_data(tmp_path / "data", "tests-3.11", module, [2, 3, 6])
    done = _combine(tmp_path, tmp_path / "data")
    assert done.returncode == 1
    assert "FAIL thin: 50.0% is below the production threshold of 80%" in done.stderr


@pytest.mark.smoke
def test_an_earlier_combine_does_not_count(tmp_path: Path) -> None:
    module = _package(tmp_path, "thin", "production")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    earlier = coverage.CoverageData(basename=str(data_dir / ".coverage"))
    earlier.add_lines({str(module): ALL_LINES})  # a combine from before the lines were lost
    earlier.write()
    _run_data(data_dir, "tests-3.11", module, [2, 3, 6])
    done = _combine(tmp_path, data_dir)
    assert done.returncode == 1
    assert "FAIL thin: 50.0% is below the production threshold of 80%" in done.stderr


@pytest.mark.parametrize(
    ("ci", "runs", "missing"),
    [
        ("true", ["tests-3.11", "integration"], "tests-3.12"),
        ("1", ["tests-3.12"], "tests-3.11, integration"),
        (None, [], "tests-3.11, tests-3.12, integration"),
    ],
)
def test_missing_runs_are_an_error_on_ci_and_all_missing_everywhere(
    tmp_path: Path, run_tooling: RunTooling, ci: str | None, runs: list[str], missing: str
) -> None:
    module = _package(tmp_path, "pkg", "development")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for run in runs:
        _run_data(data_dir, run, module, ALL_LINES)
    env = _without_ci() | ({"CI": ci} if ci else {})
    done = run_tooling(
        "coverage-gate", "--root", tmp_path, f"--data-dir={data_dir}", *EXPECT, env=env
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {data_dir}: no coverage data from {missing}: run `nox -s tests integration` "
        "first (plain `nox` runs them before coverage)\n"
    )
    assert not (data_dir / "coverage.json").exists()


@pytest.mark.smoke
def test_one_run_suffices_outside_ci(tmp_path: Path) -> None:
    module = _package(tmp_path, "pkg", "development")
    _run_data(tmp_path / "data", "tests-3.12", module, ALL_LINES)
    done = _combine(tmp_path, tmp_path / "data")
    assert done.returncode == 0, done.stderr


def test_expect_without_a_data_dir_is_a_usage_error(
    tmp_path: Path, run_tooling: RunTooling
) -> None:
    report = tmp_path / "coverage.json"
    report.write_text('{"files": {}}', encoding="utf-8")
    done = run_tooling("coverage-gate", "--coverage-json", report, "--expect=integration")
    assert done.returncode == 2
    assert done.stderr == "error: --expect: only with --data-dir (the runs whose data it holds)\n"


def test_a_data_dir_without_expected_runs_is_a_usage_error(
    tmp_path: Path, run_tooling: RunTooling
) -> None:
    done = run_tooling("coverage-gate", "--data-dir", tmp_path)
    assert done.returncode == 2
    assert done.stderr == "error: --expect: name the runs to combine (at least one)\n"


@pytest.mark.smoke
def test_only_the_expected_runs_are_combined(tmp_path: Path) -> None:
    module = _package(tmp_path, "thin", "production")
    data_dir = tmp_path / "data"
    _run_data(data_dir, "tests-3.11", module, [2, 3, 6])
    # Left by a session that no longer measures, about a file since moved away.
    _run_data(data_dir, "tests-3.12", tmp_path / "gone.py", [1])
    _run_data(data_dir, "tests-3.13", module, ALL_LINES)
    done = _combine(tmp_path, data_dir, ("--expect=tests-3.11", "--expect=integration"))
    assert done.returncode == 1, done.stderr
    assert "FAIL thin: 50.0% is below the production threshold of 80%" in done.stderr


def test_data_dir_and_report_are_exclusive(tmp_path: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("coverage-gate", "--data-dir", tmp_path, "--coverage-json", tmp_path)
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_without_coverage_installed_it_says_so(
    tmp_path: Path, run_tooling: RunTooling, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _package(tmp_path, "pkg", "development")
    _run_data(tmp_path / "data", "integration", module, ALL_LINES)
    monkeypatch.setitem(sys.modules, "coverage", None)  # `import coverage` raises ImportError
    data_dir = f"--data-dir={tmp_path / 'data'}"
    done = run_tooling("coverage-gate", "--root", tmp_path, data_dir, "--expect=integration")
    assert done.returncode == 2
    assert done.stderr == (
        "error: coverage: not installed: run coverage-gate with the `test` dependency group\n"
    )
