"""When the gate may stop measuring: every paired benchmark has a conclusive verdict."""

from __future__ import annotations

from tta_tooling.perf.results import settled
from tta_tooling.perf.rounds import PairedSamples
from tta_tooling.perf.statistics import minimum_pairs
from tta_tooling.perf.suite import Measurement

DECIDE = {"threshold": 0.10, "confidence": 0.95}


def _samples(ratios: dict[str, list[float]]) -> PairedSamples:
    samples = PairedSamples()
    for index in range(max(len(r) for r in ratios.values())):
        samples.add(
            {name: Measurement(1e-6, None, 10) for name in ratios},
            {name: Measurement(1e-6 * r[index], None, 10) for name, r in ratios.items()},
        )
    return samples


def test_steady_unchanged_benchmarks_settle_at_the_fewest_pairs_an_interval_needs() -> None:
    fewest = minimum_pairs(0.95)
    steady = [1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 1.01]
    assert not settled(_samples({"a": steady[: fewest - 1]}), **DECIDE)
    assert settled(_samples({"a": steady[:fewest]}), **DECIDE)


def test_a_clear_regression_settles_too() -> None:
    assert settled(_samples({"a": [4.0, 4.1, 3.9, 4.2, 3.8, 4.0]}), **DECIDE)


def test_one_inconclusive_benchmark_keeps_the_rounds_going() -> None:
    straddling = [1.0, 1.2, 0.95, 1.25, 1.05, 1.15]
    assert not settled(_samples({"a": [1.0] * 6, "b": straddling}), **DECIDE)


def test_no_paired_benchmark_is_never_settled() -> None:
    assert not settled(PairedSamples(), **DECIDE)
