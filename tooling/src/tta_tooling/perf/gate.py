"""The perf-regression gate: baseline worktree and environment, alternating rounds, verdicts."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.child_lifetime import children_directory, owned_children
from tta_tooling.perf.baseline_ref import BaselineRef, baseline_worktree
from tta_tooling.perf.environment import locked_environment
from tta_tooling.perf.results import BenchmarkResult, evaluate, settled
from tta_tooling.perf.rounds import collect_pairs
from tta_tooling.perf.suite import run_suite

__all__ = ["GateRun", "Settings", "run_gate"]

BENCH_GROUP = "bench"


@dataclass(frozen=True, slots=True)
class Settings:
    """How the gate measures and decides (``rounds``: the most it records)."""

    rounds: int
    threshold: float
    confidence: float
    paths: Sequence[str]


@dataclass(frozen=True, slots=True)
class GateRun:
    """What one run of the gate compared and found."""

    baseline: BaselineRef
    results: list[BenchmarkResult]
    rounds: int
    seconds: float


def run_gate(
    root: Path,
    baseline: BaselineRef,
    settings: Settings,
    *,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> GateRun:
    """Measure ``root`` (with this interpreter) against ``baseline`` in alternating rounds."""
    started = time.monotonic()
    current_python = Path(sys.executable)
    with (
        owned_children(children_directory(root)) as scratch,
        baseline_worktree(root, baseline.commit, scratch) as tree,
        tempfile.TemporaryDirectory(prefix="perf-venv-", dir=scratch) as venv,
    ):
        log(
            f"perf-regression: building the environment of {baseline.commit[:12]} "
            f"({baseline.source})"
        )
        baseline_python = locked_environment(
            tree, Path(venv), python=str(current_python), group=BENCH_GROUP
        )
        log(
            f"perf-regression: up to {settings.rounds} alternating rounds of baseline and "
            "current, until every verdict is conclusive"
        )
        samples = collect_pairs(
            lambda: run_suite(baseline_python, root, settings.paths, allow_failed_tests=True),
            lambda: run_suite(current_python, root, settings.paths),
            rounds=settings.rounds,
            settled=lambda so_far: settled(
                so_far, threshold=settings.threshold, confidence=settings.confidence
            ),
            progress=lambda done: log(f"perf-regression: round {done}/{settings.rounds}"),
        )
    results = evaluate(samples, threshold=settings.threshold, confidence=settings.confidence)
    recorded = max((len(runs) for runs in samples.baseline.values()), default=0)
    return GateRun(baseline, results, recorded, time.monotonic() - started)
