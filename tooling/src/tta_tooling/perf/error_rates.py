"""Measure the gate's false-positive rate and power from a pool of recorded rounds.

Each pool round runs the suite three times, in rotating order: a worktree of
HEAD (A), the unchanged current tree (B) and a worktree of HEAD with a planted
slowdown (P), each in its own locked environment. A simulated gate run draws
up to ``rounds`` distinct pool rounds, one at a time, stops where the gate
would (once every verdict is conclusive) and decides exactly as the gate does, on the
(A, B) pairs for the A/A false-positive rate and on the (A, P) pairs for the
power. Drawing rounds is sound because the gate's decision only depends on its
rounds, which are exchangeable: every round is a fresh process of each tree
measured back to back, so a draw of rounds is distributed like a gate run on
the same machine. The simulated runs overlap, so their precision is that of
the pool (its number of rounds), not of the number of draws.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.child_lifetime import children_directory, owned_children
from tta_tooling.perf.baseline_ref import baseline_worktree
from tta_tooling.perf.environment import locked_environment
from tta_tooling.perf.gate import BENCH_GROUP
from tta_tooling.perf.plant import plant_slowdown
from tta_tooling.perf.results import settled
from tta_tooling.perf.rounds import PairedSamples
from tta_tooling.perf.statistics import Verdict, compare_pairs, robust_cv
from tta_tooling.perf.suite import Measurement, run_suite

__all__ = ["ErrorRates", "Plant", "Pool", "collect_pool", "error_rates"]


@dataclass(frozen=True, slots=True)
class Plant:
    """Where the slowdown goes and which benchmark must catch it."""

    file: str
    qualname: str
    fraction: float
    benchmark: str


@dataclass
class Pool:
    """Per benchmark, the A, B and P measurements of every pool round."""

    a: list[dict[str, Measurement]]
    b: list[dict[str, Measurement]]
    p: list[dict[str, Measurement]]


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """False positives over A/A draws and detections over A/P draws."""

    aa_runs: int
    false_positives: int
    power_runs: int
    detections: int
    realized_slowdown: float
    pool_rounds: int
    cv: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary including both rates."""
        return {
            "pool_rounds": self.pool_rounds,
            "aa_runs": self.aa_runs,
            "false_positives": self.false_positives,
            "false_positive_rate": self.false_positives / self.aa_runs,
            "power_runs": self.power_runs,
            "detections": self.detections,
            "power": self.detections / self.power_runs,
            "realized_slowdown": self.realized_slowdown,
            "cv": self.cv,
        }


def collect_pool(
    root: Path,
    commit: str,
    plant: Plant,
    *,
    rounds: int,
    paths: Sequence[str],
    log: Callable[[str], None],
) -> Pool:
    """Record ``rounds`` rounds of A (HEAD), B (this tree) and P (HEAD + plant)."""
    current = Path(sys.executable)
    with (
        owned_children(children_directory(root)) as scratch,
        baseline_worktree(root, commit, scratch) as tree_a,
        baseline_worktree(root, commit, scratch) as tree_p,
        tempfile.TemporaryDirectory(prefix="perf-venvs-", dir=scratch) as venvs,
    ):
        plant_slowdown(tree_p / plant.file, plant.qualname, plant.fraction)
        python_a = locked_environment(
            tree_a, Path(venvs) / "a", python=str(current), group=BENCH_GROUP
        )
        python_p = locked_environment(
            tree_p, Path(venvs) / "p", python=str(current), group=BENCH_GROUP
        )
        arms: dict[str, Callable[[], dict[str, Measurement]]] = {
            "a": lambda: run_suite(python_a, root, paths),
            "b": lambda: run_suite(current, root, paths),
            "p": lambda: run_suite(python_p, root, paths),
        }
        pool = Pool([], [], [])
        order = list(arms)
        run_suite(python_a, root, paths)  # warm-up
        for index in range(rounds):
            rotated = order[index % 3 :] + order[: index % 3]
            measured = {arm: arms[arm]() for arm in rotated}
            pool.a.append(measured["a"])
            pool.b.append(measured["b"])
            pool.p.append(measured["p"])
            log(f"perf-error-rates: pool round {index + 1}/{rounds}")
    return pool


def _gate_run(
    first: list[dict[str, Measurement]],
    second: list[dict[str, Measurement]],
    picks: Sequence[int],
    *,
    threshold: float,
    confidence: float,
) -> PairedSamples:
    """The drawn rounds in order, ending where the gate would: once every verdict is conclusive."""
    samples = PairedSamples()
    for i in picks:
        samples.add(first[i], second[i])
        if settled(samples, threshold=threshold, confidence=confidence):
            break
    return samples


def _regressed(samples: PairedSamples, threshold: float, confidence: float) -> set[str]:
    flagged = set()
    for name in samples.names():
        base = [m.per_call for m in samples.baseline[name]]
        cur = [m.per_call for m in samples.current[name]]
        if (
            base
            and cur
            and compare_pairs(base, cur, threshold=threshold, confidence=confidence).verdict
            is Verdict.REGRESSION
        ):
            flagged.add(name)
    return flagged


def error_rates(
    pool: Pool,
    plant: Plant,
    *,
    rounds: int,
    aa_runs: int,
    power_runs: int,
    threshold: float,
    confidence: float,
    seed: int,
) -> ErrorRates:
    """Simulate gate runs of up to ``rounds`` rounds drawn from ``pool`` (module docstring)."""
    size = len(pool.a)
    if size < rounds:
        raise ValueError(f"a pool of {size} rounds cannot give draws of {rounds}")
    draw = random.Random(seed)  # noqa: S311 - sampling, not secrets

    def flagged(second: list[dict[str, Measurement]]) -> set[str]:
        picks = draw.sample(range(size), rounds)
        run = _gate_run(pool.a, second, picks, threshold=threshold, confidence=confidence)
        return _regressed(run, threshold, confidence)

    false_positives = sum(bool(flagged(pool.b)) for _ in range(aa_runs))
    detections = sum(
        any(plant.benchmark in name for name in flagged(pool.p)) for _ in range(power_runs)
    )
    planted = [name for name in pool.a[0] if plant.benchmark in name]
    if len(planted) != 1:
        raise ValueError(f"{plant.benchmark!r} matches {len(planted)} benchmarks, not one")
    realized = statistics.median(
        p[planted[0]].per_call / a[planted[0]].per_call for a, p in zip(pool.a, pool.p, strict=True)
    )
    cv = {
        name: value
        for name in pool.b[0]
        if (value := robust_cv([run[name].per_call for run in pool.b if name in run])) is not None
    }
    return ErrorRates(aa_runs, false_positives, power_runs, detections, realized, size, cv)
