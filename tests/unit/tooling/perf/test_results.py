"""Per-benchmark results: verdicts, stability, SLO, the table and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tta_tooling.perf.results import (
    evaluate,
    render_markdown,
    render_text,
    result_document,
    write_json_atomically,
)
from tta_tooling.perf.rounds import PairedSamples
from tta_tooling.perf.suite import Measurement

LOADS = [1.0, 1.3, 0.9, 1.1, 1.6, 1.0, 0.95, 1.2]


def _samples(slow: float, p95: float | None = 2e-6) -> PairedSamples:
    samples = PairedSamples()
    for index, load in enumerate(LOADS):
        jitter = 1 + (index % 3) * 0.01
        samples.add(
            {"fast": Measurement(1e-6 * load, p95, 50), "gone": Measurement(1e-6, None, 50)},
            {
                "fast": Measurement(1e-6 * load * slow * jitter, p95, 50),
                "added": Measurement(0.02, 0.02, 50),
            },
        )
    return samples


def test_a_clear_slowdown_is_a_regression_and_one_sided_benchmarks_are_listed() -> None:
    results = {r.name: r for r in evaluate(_samples(1.3), threshold=0.1, confidence=0.95)}
    assert results["fast"].regressed
    assert results["fast"].status == "REGRESSION"
    assert results["added"].status == "new (no baseline)"
    assert results["gone"].status == "removed"
    assert not results["added"].regressed
    assert results["added"].slo_met is False  # p95 of 20 ms breaches the 10 ms SLO
    assert results["fast"].slo_met is True
    assert results["gone"].slo_met is None


def test_unchanged_code_passes_with_its_variation_reported() -> None:
    (fast,) = [
        r for r in evaluate(_samples(1.0), threshold=0.1, confidence=0.95) if r.name == "fast"
    ]
    assert not fast.regressed
    assert fast.cv is not None
    assert 0 < fast.cv < 0.5


def test_tables_have_one_row_per_benchmark_with_the_verdict() -> None:
    results = evaluate(_samples(1.3), threshold=0.1, confidence=0.95)
    text = render_text(results).splitlines()
    assert text[0].split()[:6] == [
        "benchmark",
        "baseline",
        "current",
        "ratio",
        "interval",
        "verdict",
    ]
    assert len(text) == 4
    fast = next(line for line in text if line.startswith("fast"))
    assert "REGRESSION" in fast
    assert fast.split()[1:3] == ["1.05", "us"]
    markdown = render_markdown(results, "perf-regression")
    assert markdown.startswith("### perf-regression\n\n| benchmark | baseline |")
    assert "| 20 ms BREACHED |" in markdown


def test_json_is_written_atomically_and_complete(tmp_path: Path) -> None:
    target = tmp_path / "out" / "result.json"
    document = {
        "benchmarks": result_document(evaluate(_samples(1.3), threshold=0.1, confidence=0.95))
    }
    write_json_atomically(target, document)
    written = json.loads(target.read_text(encoding="utf-8"))
    fast = next(b for b in written["benchmarks"] if b["name"] == "fast")
    assert fast["verdict"] == "REGRESSION"
    assert fast["low"] > 1.1
    assert fast["slo_p95_seconds"] == 0.01
    assert [p.name for p in target.parent.iterdir()] == ["result.json"]


def test_a_failed_write_leaves_no_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    with pytest.raises(TypeError):
        write_json_atomically(target, {"not json": object()})
    assert list(tmp_path.iterdir()) == []
