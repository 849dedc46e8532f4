"""Paired-sample verdicts: Hodges-Lehmann ratio with an exact Wilcoxon signed-rank interval.

Each benchmark yields one (baseline, current) pair per round, both measured in
the same round, back to back. The per-round log ratios ``ln(current/baseline)``
cancel the load the machine had in that round. Their Hodges-Lehmann estimate
(the median of all Walsh averages) is the ratio reported, and the confidence
interval comes from the exact null distribution of the signed-rank statistic:
distribution-free, deterministic (no random resampling) and valid for any
continuous distribution of log ratios symmetric about the true shift.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

__all__ = ["Comparison", "Verdict", "compare_pairs", "minimum_pairs", "robust_cv"]


class Verdict(StrEnum):
    """What the interval says about the current tree against the threshold."""

    REGRESSION = "REGRESSION"
    INCONCLUSIVE = "inconclusive"
    OK = "ok"


@dataclass(frozen=True, slots=True)
class Comparison:
    """Ratio current/baseline of one benchmark with its confidence interval and verdict."""

    pairs: int
    baseline: float
    current: float
    ratio: float
    low: float
    high: float
    verdict: Verdict


@cache
def _signed_rank_cdf(n: int) -> tuple[float, ...]:
    """``P(T <= t)`` for t = 0..n(n+1)/2, T the signed-rank statistic of n pairs under H0."""
    top = n * (n + 1) // 2
    counts = [1] + [0] * top
    for rank in range(1, n + 1):
        for total in range(top, rank - 1, -1):
            counts[total] += counts[total - rank]
    cumulative: list[float] = []
    running = 0
    for count in counts:
        running += count
        cumulative.append(running / 2**n)
    return tuple(cumulative)


def _order_index(n: int, confidence: float) -> int:
    """1-based rank C of the Walsh average bounding the interval; 0 when n is too small."""
    tail = (1 - confidence) / 2
    cdf = _signed_rank_cdf(n)
    rank = 0
    while rank < len(cdf) and cdf[rank] <= tail:
        rank += 1
    return rank


def minimum_pairs(confidence: float) -> int:
    """The fewest pairs for which a two-sided interval at ``confidence`` exists."""
    n = 1
    while _order_index(n, confidence) == 0:
        n += 1
    return n


def compare_pairs(
    baseline: Sequence[float], current: Sequence[float], *, threshold: float, confidence: float
) -> Comparison:
    """Compare paired per-round timings; a regression needs the low end above 1+threshold."""
    if len(baseline) != len(current):
        raise ValueError("baseline and current need one value per round each")
    if any(not (math.isfinite(v) and v > 0) for v in (*baseline, *current)):
        raise ValueError("timings must be finite and positive")
    n = len(baseline)
    rank = _order_index(n, confidence)
    if rank == 0:
        raise ValueError(
            f"{n} pairs cannot give a {confidence:.0%} interval; "
            f"at least {minimum_pairs(confidence)} are needed"
        )
    logs = [math.log(c / b) for b, c in zip(baseline, current, strict=True)]
    walsh = sorted((logs[i] + logs[j]) / 2 for i in range(n) for j in range(i, n))
    low, high = math.exp(walsh[rank - 1]), math.exp(walsh[len(walsh) - rank])
    limit = 1 + threshold
    if low > limit:
        verdict = Verdict.REGRESSION
    elif high > limit:
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.OK
    return Comparison(
        pairs=n,
        baseline=statistics.median(baseline),
        current=statistics.median(current),
        ratio=math.exp(statistics.median(walsh)),
        low=low,
        high=high,
        verdict=verdict,
    )


def robust_cv(values: Sequence[float]) -> float | None:
    """1.4826 * MAD / median: the coefficient of variation, unmoved by a few outlier runs."""
    if len(values) < 3:
        return None
    middle = statistics.median(values)
    return 1.4826 * statistics.median(abs(v - middle) for v in values) / middle
