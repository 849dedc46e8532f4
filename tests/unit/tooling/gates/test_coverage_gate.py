"""The coverage gate holds each package to the threshold of its maturity stage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import RunTooling

MODULE = """
def used(x):
    return x + 1


def unused(x):
    if x:
        return x - 1
    return 0
"""


def _package(root: Path, name: str, stage: str) -> Path:
    directory = root / "packages" / name
    (directory / "src" / name).mkdir(parents=True)
    (directory / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\n\n[tool.tta]\nstage = "{stage}"\n', encoding="utf-8"
    )
    module = directory / "src" / name / "mod.py"
    module.write_text(MODULE, encoding="utf-8")
    return module


# ``coverage run --branch --source=...`` then ``coverage json``, in one child: coverage.py's API
_COVERAGE_CHILD = """
import runpy, sys
import coverage
data, report, driver, *sources = sys.argv[1:]
cov = coverage.Coverage(data_file=data, branch=True, source=sources)
cov.start()
runpy.run_path(driver, run_name="__main__")
cov.stop()
cov.save()
cov.json_report(outfile=report)
"""


def _measure(root: Path, script: str) -> Path:
    """Run ``script`` under real coverage.py and write a ``coverage json`` report."""
    driver = root / "driver.py"
    driver.write_text(script, encoding="utf-8")
    data, report = root / ".coverage", root / "coverage.json"
    sources = [str(p) for p in root.glob("packages/*/src")]
    subprocess.run(
        [sys.executable, "-c", _COVERAGE_CHILD, str(data), str(report), str(driver), *sources],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return report


def test_package_below_its_stage_threshold_fails(tmp_path: Path, run_tooling: RunTooling) -> None:
    low = _package(tmp_path, "lowcov", "production")
    high = _package(tmp_path, "highcov", "development")
    script = (
        f"import runpy; low = runpy.run_path({str(low)!r}); high = runpy.run_path({str(high)!r});"
        "low['used'](1); high['used'](1); high['unused'](1); high['unused'](0)"
    )
    report = _measure(tmp_path, script)
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", report)
    assert done.returncode == 1
    table = done.stdout.splitlines()
    assert table[0].split() == ["package", "stage", "threshold", "measured", "result"]
    assert table[1].split() == ["highcov", "development", "60%", "100.0%", "ok"]
    assert table[2].split()[:3] == ["lowcov", "production", "80%"]
    assert table[2].split()[-1] == "FAIL"
    assert "FAIL lowcov:" in done.stderr
    assert "below the production threshold of 80%" in done.stderr


def test_all_packages_meeting_thresholds_pass(tmp_path: Path, run_tooling: RunTooling) -> None:
    module = _package(tmp_path, "good", "staging")
    report = _measure(
        tmp_path,
        f"import runpy; m = runpy.run_path({str(module)!r});"
        "m['used'](1); m['unused'](1); m['unused'](0)",
    )
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", report)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split() == ["good", "staging", "70%", "100.0%", "ok"]


def test_table_is_appended_to_the_step_summary(tmp_path: Path, run_tooling: RunTooling) -> None:
    _package(tmp_path, "ghost", "production")
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps({"files": {}}), encoding="utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", report, env=env)
    assert done.returncode == 1
    assert summary.read_text(encoding="utf-8") == (
        "## earlier step\n"
        "### Coverage by package\n\n"
        "| package | stage | threshold | measured | result |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| ghost | production | 80% | no data | FAIL |\n\n"
    )


def test_package_without_data_fails(tmp_path: Path, run_tooling: RunTooling) -> None:
    _package(tmp_path, "ghost", "development")
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps({"files": {}}), encoding="utf-8")
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", report)
    assert done.returncode == 1
    assert "no data" in done.stdout


@pytest.mark.parametrize(
    ("stage_line", "message"),
    [
        (
            'stage = "beta"',
            "field [tool.tta] stage is 'beta'; expected one of development, staging, production",
        ),
        ("", "field [tool.tta] stage is None; expected one of development, staging, production"),
    ],
)
def test_bad_stage_is_a_usage_error(
    tmp_path: Path, run_tooling: RunTooling, stage_line: str, message: str
) -> None:
    manifest = tmp_path / "packages" / "odd" / "pyproject.toml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(f'[project]\nname = "odd"\n\n[tool.tta]\n{stage_line}\n', encoding="utf-8")
    report = tmp_path / "coverage.json"
    report.write_text('{"files": {}}', encoding="utf-8")
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", report)
    assert done.returncode == 2
    assert done.stderr == f"error: {manifest}: {message}\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", ":1: invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"meta": {}}', ": field 'files' is missing: not a `coverage json` report"),
        ('{"files": {"a.py": {}}}', ": field 'files.a.py.summary' is missing or incomplete"),
    ],
)
def test_malformed_report_is_a_usage_error(
    tmp_path: Path, run_tooling: RunTooling, content: str, message: str
) -> None:
    report = tmp_path / "coverage.json"
    report.write_text(content, encoding="utf-8")
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", report)
    assert done.returncode == 2
    assert done.stderr == f"error: {report}{message}\n"
