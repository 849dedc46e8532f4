"""False-positive rate and power simulated from a pool of rounds."""

from __future__ import annotations

import random

import pytest
from tta_tooling.perf.error_rates import Plant, Pool, error_rates
from tta_tooling.perf.suite import Measurement

PLANT = Plant("m.py", "f", 0.2, "bench[slow]")


def _pool(rounds: int, slowdown: float) -> Pool:
    draw = random.Random(7)
    pool = Pool([], [], [])
    for _ in range(rounds):
        load = draw.lognormvariate(0, 0.3)

        def arm(factor: float, load: float = load) -> dict[str, Measurement]:
            return {
                name: Measurement(1e-6 * load * factor * draw.lognormvariate(0, 0.03), None, 50)
                for name in ("bench[slow]", "bench[other]")
            }

        pool.a.append(arm(1.0))
        pool.b.append(arm(1.0))
        planted = arm(1.0)
        planted["bench[slow]"] = Measurement(planted["bench[slow]"].per_call * slowdown, None, 50)
        pool.p.append(planted)
    return pool


def test_a_quiet_pool_has_no_false_positives_and_full_power() -> None:
    rates = error_rates(
        _pool(40, 1.2),
        PLANT,
        rounds=12,
        aa_runs=100,
        power_runs=40,
        threshold=0.1,
        confidence=0.95,
        seed=1,
    )
    assert (rates.false_positives, rates.detections) == (0, 40)
    assert rates.realized_slowdown == pytest.approx(1.2, rel=0.05)
    assert set(rates.cv) == {"bench[slow]", "bench[other]"}
    summary = rates.as_dict()
    assert summary["false_positive_rate"] == 0.0
    assert summary["power"] == 1.0


def test_a_slowdown_under_the_threshold_is_not_caught() -> None:
    rates = error_rates(
        _pool(40, 1.03),
        PLANT,
        rounds=12,
        aa_runs=10,
        power_runs=40,
        threshold=0.1,
        confidence=0.95,
        seed=1,
    )
    assert rates.detections == 0


def test_the_pool_must_hold_a_gate_run() -> None:
    with pytest.raises(ValueError, match="pool of 5 rounds"):
        error_rates(
            _pool(5, 1.2),
            PLANT,
            rounds=12,
            aa_runs=1,
            power_runs=1,
            threshold=0.1,
            confidence=0.95,
            seed=1,
        )
