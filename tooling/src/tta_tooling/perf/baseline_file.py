"""``.github/benchmarks/baseline.json``: stored numbers for trend reading, and its commit."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.perf.suite import Measurement
from tta_tooling.text_files import read_json

__all__ = ["BASELINE_PATH", "baseline_document", "recorded_commit"]

BASELINE_PATH = Path(".github/benchmarks/baseline.json")


def recorded_commit(path: Path) -> str | None:
    """The commit ``path`` was measured on; None when the file does not exist."""
    if not path.exists():
        return None
    document = read_json(path)
    commit = document.get("commit") if isinstance(document, dict) else None
    if not isinstance(commit, str) or not commit:
        raise InputError(path, "field 'commit' is missing or not a string")
    return commit


def baseline_document(
    commit: str, runs: Sequence[Mapping[str, Measurement]], python: str
) -> dict[str, Any]:
    """The proposal's ``benchmarks: [{name, mean, stddev, ...}]`` over ``runs``, per call."""
    names = sorted({name for run in runs for name in run})
    benchmarks = []
    for name in names:
        values = [run[name].per_call for run in runs if name in run]
        p95s = [p for run in runs if name in run and (p := run[name].p95_seconds) is not None]
        mean = statistics.fmean(values)
        stddev = statistics.stdev(values) if len(values) > 1 else 0.0
        benchmarks.append(
            {
                "name": name,
                "mean": mean,
                "stddev": stddev,
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
                "cv": stddev / mean,
                "p95": statistics.median(p95s) if p95s else None,
                "runs": len(values),
                "unit": "seconds per call",
            }
        )
    return {
        "commit": commit,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "system": platform.system(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
        },
        "python": python,
        "note": "for trend reading only; perf-regression decides on a same-run A/B comparison",
        "benchmarks": benchmarks,
    }
