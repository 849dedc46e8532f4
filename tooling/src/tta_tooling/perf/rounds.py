"""Alternating rounds of the baseline and current suites: the paired samples of the gate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tta_tooling.perf.suite import Measurement

__all__ = ["PairedSamples", "collect_pairs"]

Run = Callable[[], dict[str, Measurement]]


@dataclass
class PairedSamples:
    """Per benchmark, the rounds both trees measured as pairs, and one-sided measurements."""

    baseline: dict[str, list[Measurement]] = field(default_factory=dict)
    current: dict[str, list[Measurement]] = field(default_factory=dict)
    baseline_only: dict[str, list[Measurement]] = field(default_factory=dict)
    current_only: dict[str, list[Measurement]] = field(default_factory=dict)

    def add(self, baseline: dict[str, Measurement], current: dict[str, Measurement]) -> None:
        """Record one round; a benchmark one side lacks in this round is kept one-sided."""
        for name in baseline.keys() | current.keys():
            if name in baseline and name in current:
                self.baseline.setdefault(name, []).append(baseline[name])
                self.current.setdefault(name, []).append(current[name])
            elif name in baseline:
                self.baseline_only.setdefault(name, []).append(baseline[name])
            else:
                self.current_only.setdefault(name, []).append(current[name])

    def names(self) -> list[str]:
        """Every benchmark seen on either side, sorted."""
        return sorted(self.baseline.keys() | self.baseline_only.keys() | self.current_only.keys())


def collect_pairs(
    run_baseline: Run,
    run_current: Run,
    *,
    rounds: int,
    warmup: int = 1,
    settled: Callable[[PairedSamples], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PairedSamples:
    """``warmup`` unrecorded rounds, then up to ``rounds`` recorded ones, order alternating.

    Alternating which tree runs first (AB, BA, ...) cancels a steady drift of the
    machine's speed; pairing the two runs of a round cancels the load both runs
    shared. After each recorded round, ``settled`` (when given) may end the rounds.
    """
    samples = PairedSamples()
    for index in range(warmup + rounds):
        if index % 2 == 0:
            baseline = run_baseline()
            current = run_current()
        else:
            current = run_current()
            baseline = run_baseline()
        if index >= warmup:
            samples.add(baseline, current)
            if progress is not None:
                progress(index - warmup + 1)
            if settled is not None and settled(samples):
                break
    return samples
