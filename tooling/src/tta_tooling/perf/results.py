"""Per-benchmark results of the gate: verdict, stability and latency SLO; table and JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tta_process_support.atomic import write_text_atomically

from tta_tooling.perf.rounds import PairedSamples
from tta_tooling.perf.statistics import (
    Comparison,
    Verdict,
    compare_pairs,
    minimum_pairs,
    robust_cv,
)
from tta_tooling.reporting import markdown_table

__all__ = [
    "SLO_P95_SECONDS",
    "STABILITY_CV",
    "BenchmarkResult",
    "evaluate",
    "render_markdown",
    "render_text",
    "result_document",
    "settled",
    "write_json_atomically",
]

SLO_P95_SECONDS = 0.010
STABILITY_CV = 0.05
_HEADER = (
    "benchmark",
    "baseline",
    "current",
    "ratio",
    "interval",
    "verdict",
    "cv",
    "p95 (SLO < 10 ms)",
)


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """One benchmark: its comparison (None when one side lacks it) and the current tree's stats."""

    name: str
    comparison: Comparison | None
    status: str
    cv: float | None
    p95_seconds: float | None

    @property
    def regressed(self) -> bool:
        """True when the interval's low end is above the threshold."""
        return self.comparison is not None and self.comparison.verdict is Verdict.REGRESSION

    @property
    def slo_met(self) -> bool | None:
        """p95 below the SLO; None when the benchmark records no p95."""
        return None if self.p95_seconds is None else self.p95_seconds < SLO_P95_SECONDS


def evaluate(
    samples: PairedSamples, *, threshold: float, confidence: float
) -> list[BenchmarkResult]:
    """Compare every benchmark's pairs; a benchmark on one side only is new or removed."""
    results: list[BenchmarkResult] = []
    for name in samples.names():
        current_runs = samples.current.get(name, []) + samples.current_only.get(name, [])
        current = [m.per_call for m in current_runs]
        p95s = [m.p95_seconds for m in current_runs if m.p95_seconds is not None]
        p95 = statistics.median(p95s) if p95s else None
        base = [m.per_call for m in samples.baseline.get(name, [])]
        if len(base) < minimum_pairs(confidence):
            if not current:
                status = "removed"
            else:
                status = f"new ({len(base)} pairs)" if base else "new (no baseline)"
            results.append(BenchmarkResult(name, None, status, robust_cv(current), p95))
            continue
        paired = [m.per_call for m in samples.current[name]]
        comparison = compare_pairs(base, paired, threshold=threshold, confidence=confidence)
        results.append(
            BenchmarkResult(name, comparison, comparison.verdict.value, robust_cv(current), p95)
        )
    return results


def settled(samples: PairedSamples, *, threshold: float, confidence: float) -> bool:
    """True once every benchmark both trees measured has a conclusive verdict.

    Conclusive is ``ok`` (the whole interval at or under 1 + threshold) or
    ``REGRESSION`` (the whole interval above it): the gate stops measuring at
    the first round where every benchmark has one, and an unsteady round, which
    widens an interval, only makes it measure longer. Before the fewest pairs an
    interval needs, nothing is settled.
    """
    if not samples.baseline:
        return False
    fewest = minimum_pairs(confidence)
    for name, base in samples.baseline.items():
        if len(base) < fewest:
            return False
        verdict = compare_pairs(
            [m.per_call for m in base],
            [m.per_call for m in samples.current[name]],
            threshold=threshold,
            confidence=confidence,
        ).verdict
        if verdict is Verdict.INCONCLUSIVE:
            return False
    return True


def _time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _rows(results: Sequence[BenchmarkResult]) -> list[list[str]]:
    rows = []
    for r in results:
        c = r.comparison
        cv = "-" if r.cv is None else f"{r.cv:.1%}" + ("" if r.cv <= STABILITY_CV else " (> 5%)")
        p95 = "-" if r.p95_seconds is None else _time(r.p95_seconds)
        p95 += "" if r.slo_met is None else (" met" if r.slo_met else " BREACHED")
        if c is None:
            rows.append([r.name, "-", "-", "-", "-", r.status, cv, p95])
            continue
        rows.append(
            [
                r.name,
                _time(c.baseline),
                _time(c.current),
                f"{c.ratio:.3f}",
                f"[{c.low:.3f}, {c.high:.3f}]",
                r.status,
                cv,
                p95,
            ]
        )
    return rows


def render_text(results: Sequence[BenchmarkResult]) -> str:
    """An aligned plain-text table (times are per call)."""
    rows = [list(_HEADER), *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def render_markdown(results: Sequence[BenchmarkResult], heading: str) -> str:
    """The same table as markdown, under ``heading``, for the GitHub step summary."""
    return f"### {heading}\n\n" + markdown_table(_HEADER, _rows(results))


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """Write ``document`` to ``path`` through a temporary file in the same directory."""
    write_text_atomically(path, json.dumps(document, indent=2, sort_keys=False) + "\n")


def result_document(results: Sequence[BenchmarkResult]) -> list[dict[str, Any]]:
    """The results as JSON-ready dictionaries."""
    documents = []
    for r in results:
        entry: dict[str, Any] = {
            "name": r.name,
            "verdict": r.status,
            "cv": r.cv,
            "p95_seconds": r.p95_seconds,
            "slo_p95_seconds": SLO_P95_SECONDS,
            "slo_met": r.slo_met,
        }
        if r.comparison is not None:
            entry.update({k: v for k, v in asdict(r.comparison).items() if k != "verdict"})
        documents.append(entry)
    return documents
