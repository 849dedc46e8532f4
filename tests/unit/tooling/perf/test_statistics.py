"""Hodges-Lehmann ratio and exact signed-rank interval of paired timings."""

from __future__ import annotations

import math
import random

import pytest
from tta_tooling.perf.statistics import Verdict, compare_pairs, minimum_pairs


def _pairs(seed: int, n: int, shift: float, noise: float = 0.05) -> tuple[list[float], list[float]]:
    draw = random.Random(seed)
    baseline, current = [], []
    for _ in range(n):
        load = draw.lognormvariate(0, 0.3)  # shared by both runs of a round
        baseline.append(1e-6 * load * draw.lognormvariate(0, noise))
        current.append(1e-6 * load * shift * draw.lognormvariate(0, noise))
    return baseline, current


def test_fewest_pairs_match_the_signed_rank_tables() -> None:
    # 2 * 2**-6 = 0.031 <= 0.05 is the first n with a 95% interval; 0.0625 <= 0.1 at n = 5.
    assert minimum_pairs(0.95) == 6
    assert minimum_pairs(0.90) == 5


def test_interval_of_six_pairs_spans_the_extreme_walsh_averages() -> None:
    baseline = [1.0] * 6
    current = [1.1, 1.2, 1.3, 1.4, 1.5, 1.6]
    result = compare_pairs(baseline, current, threshold=0.1, confidence=0.95)
    assert result.low == pytest.approx(1.1)
    assert result.high == pytest.approx(1.6)
    assert result.pairs == 6


def test_a_constant_ratio_is_recovered_exactly() -> None:
    baseline = [1.0, 2.0, 4.0, 3.0, 5.0, 0.5, 7.0, 1.5]
    current = [value * 1.25 for value in baseline]
    result = compare_pairs(baseline, current, threshold=0.1, confidence=0.95)
    assert result.ratio == pytest.approx(1.25)
    assert result.low == pytest.approx(1.25)
    assert result.verdict is Verdict.REGRESSION


def test_shared_load_cancels_in_the_pairs() -> None:
    baseline, current = _pairs(seed=3, n=15, shift=1.2)
    result = compare_pairs(baseline, current, threshold=0.1, confidence=0.95)
    assert result.verdict is Verdict.REGRESSION
    assert result.low > 1.1
    assert result.low < 1.2 < result.high


def test_unchanged_code_is_ok_and_a_small_slowdown_is_not_a_regression() -> None:
    for shift in (1.0, 1.05):
        baseline, current = _pairs(seed=5, n=15, shift=shift)
        result = compare_pairs(baseline, current, threshold=0.1, confidence=0.95)
        assert result.verdict is not Verdict.REGRESSION


def test_an_interval_straddling_the_limit_is_inconclusive() -> None:
    baseline = [1.0] * 6
    current = [1.0, 1.05, 1.08, 1.12, 1.2, 1.3]
    result = compare_pairs(baseline, current, threshold=0.1, confidence=0.95)
    assert result.verdict is Verdict.INCONCLUSIVE


def test_coverage_of_the_interval_holds_on_symmetric_noise() -> None:
    misses = 0
    for seed in range(400):
        baseline, current = _pairs(seed=seed, n=10, shift=1.0, noise=0.1)
        result = compare_pairs(baseline, current, threshold=0.1, confidence=0.90)
        misses += not result.low <= 1.0 <= result.high
    assert misses / 400 <= 0.15  # nominal 10% (exact level 9.8% at n = 10)


@pytest.mark.parametrize(
    ("baseline", "current", "message"),
    [
        ([1.0] * 6, [1.0] * 5, "one value per round"),
        ([1.0] * 6, [1.0] * 5 + [0.0], "finite and positive"),
        ([1.0] * 6, [1.0] * 5 + [math.nan], "finite and positive"),
        ([1.0] * 6, [1.0] * 5 + [-1.0], "finite and positive"),
        ([1.0] * 5, [1.0] * 5, "at least 6 are needed"),
    ],
)
def test_unusable_samples_are_refused(
    baseline: list[float], current: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compare_pairs(baseline, current, threshold=0.1, confidence=0.95)
