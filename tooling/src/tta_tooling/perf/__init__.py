"""The perf gate family: same-run A/B runs against a baseline commit, statistics, baseline.json."""

from __future__ import annotations

from tta_tooling.perf.baseline_ref import BaselineRef, resolve_baseline
from tta_tooling.perf.gate import GateRun, Settings, run_gate
from tta_tooling.perf.statistics import Comparison, Verdict, compare_pairs

__all__ = [
    "BaselineRef",
    "Comparison",
    "GateRun",
    "Settings",
    "Verdict",
    "compare_pairs",
    "resolve_baseline",
    "run_gate",
]
