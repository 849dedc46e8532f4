"""benchmark-summary: a real pytest-benchmark file tabulated; bad files exit 2 naming the field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tta_tooling.perf.benchmark_summary import summarize

from ..conftest import RunTooling

RESULTS = Path(__file__).parent / "fixtures" / "pytest-benchmark.json"
"""Written by pytest-benchmark 5 (``--benchmark-json``, without ``--benchmark-save-data``
so no per-round samples) for one benchmark that reports
``ratio_to_floor`` and ``target_ratio``; the benchmarks session also tabulates the
file it writes on every run."""


def test_a_real_results_file_is_tabulated(run_tooling: RunTooling) -> None:
    done = run_tooling("benchmark-summary", RESULTS, env={**os.environ, "GITHUB_STEP_SUMMARY": ""})
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith("test_sum []: median ")  # no group
    assert "ratio_to_floor=0.5, target_ratio=0.7" in line


def test_the_step_summary_gets_the_table_only_on_github(
    run_tooling: RunTooling, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    done = run_tooling(
        "benchmark-summary", RESULTS, env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith("### Benchmarks\n\n| benchmark | group | median | measured |")
    assert "| test_sum |" in text
    assert "ratio_to_floor=0.5" in text


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ("[]", "field 'benchmarks' must be a list"),
        ('{"benchmarks": [1]}', "field 'benchmarks[0]' must be an object"),
        ('{"benchmarks": [{"stats": {"median": 1}}]}', "'benchmarks[0].name'"),
        (
            '{"benchmarks": [{"name": "a", "stats": {"median": "1"}}]}',
            "'benchmarks[0].stats.median'",
        ),
        (
            '{"benchmarks": [{"name": "a", "stats": {"median": -1}}]}',
            "'benchmarks[0].stats.median' must be a finite number of seconds >= 0",
        ),
        ('{"benchmarks": [{"name": "a", "stats": {"median": 1}, "extra_info": []}]}', "extra_info"),
        ("{", "invalid JSON"),
    ],
)
def test_a_malformed_file_exits_2_naming_the_field(
    tmp_path: Path, run_tooling: RunTooling, document: str, field: str
) -> None:
    path = tmp_path / "results.json"
    path.write_text(document)
    done = run_tooling("benchmark-summary", path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}")
    assert field in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_a_missing_file_exits_2(tmp_path: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("benchmark-summary", tmp_path / "absent.json")
    assert done.returncode == 2
    assert (
        done.stderr
        == f"error: {tmp_path / 'absent.json'}: cannot read: No such file or directory\n"
    )


def test_infinite_medians_are_refused(tmp_path: Path, run_tooling: RunTooling) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"benchmarks": [{"name": "a", "stats": {"median": float("inf")}}]}))
    done = run_tooling("benchmark-summary", path)
    assert done.returncode == 2
    assert "must be a finite number" in done.stderr


def test_summarize_returns_the_console_table_and_fills_the_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    text = summarize(RESULTS)
    assert text.startswith("test_sum []: median ")
    assert summary.read_text(encoding="utf-8").startswith("### Benchmarks\n\n")
