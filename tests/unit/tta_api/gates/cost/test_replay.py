from __future__ import annotations

from collections.abc import Mapping

import pytest
from tta_api import ModelCatalog, load_catalog
from tta_api.catalog import Tier
from tta_api.gates.cost.replay import CostComparison, RunTotals, replay_workload
from tta_api.gates.cost.workload import WorkloadRequest
from tta_api.routing import tier_for
from tta_api.simulated_model import answer_text, approximate_tokens

SHORT = "What is the capital of Peru?"
LONG = "Explain why this design fails: " + "the queue grows without bound. " * 40
HARD_BUT_SHORT = "Prove that P != NP."


def _requests(*items: tuple[str, str]) -> list[WorkloadRequest]:
    return [
        WorkloadRequest(id=str(number), label=label, prompt=prompt)  # type: ignore[arg-type]
        for number, (label, prompt) in enumerate(items)
    ]


def _cost(catalog: ModelCatalog, tier: Tier, prompt: str) -> float:
    model = catalog.for_tier(tier)
    return model.cost(
        approximate_tokens(prompt), approximate_tokens(answer_text(model.name, prompt))
    )


def _catalog(**changes: Mapping[str, object]) -> ModelCatalog:
    shipped = load_catalog()
    return ModelCatalog(
        models=tuple(
            model.model_copy(update=dict(changes.get(model.tier.value, {})))
            for model in shipped.models
        )
    )


async def test_naive_sends_everything_to_premium_and_optimized_routes_and_caches() -> None:
    catalog = load_catalog()
    assert (tier_for(SHORT), tier_for(LONG)) == (Tier.CHEAP, Tier.PREMIUM)
    requests = _requests(("simple", SHORT), ("complex", LONG), ("simple", SHORT), ("complex", LONG))
    result = await replay_workload(requests, catalog, cache_ttl_seconds=60)

    naive, optimized = result.naive, result.optimized
    premium_each = _cost(catalog, Tier.PREMIUM, SHORT) + _cost(catalog, Tier.PREMIUM, LONG)
    assert naive.cost_usd == pytest.approx(2 * premium_each)
    assert (naive.cache_hits, naive.tiers["premium"], naive.complex_premium_share) == (0, 4, 1.0)

    assert optimized.cost_usd == pytest.approx(
        _cost(catalog, Tier.CHEAP, SHORT) + _cost(catalog, Tier.PREMIUM, LONG)
    )
    assert (optimized.cache_hits, optimized.cache_hit_ratio) == (2, 0.5)
    # A cache hit counts for the tier that produced the cached answer.
    assert dict(optimized.tiers) == {"cheap": 2, "premium": 2}
    assert (optimized.complex_on_premium, optimized.complex_requests) == (2, 2)
    assert optimized.cost_per_request_usd == pytest.approx(optimized.cost_usd / 4)
    assert result.savings == pytest.approx(1 - optimized.cost_usd / naive.cost_usd)


async def test_a_short_hard_prompt_the_router_underrates_lowers_the_premium_share() -> None:
    requests = _requests(("complex", LONG), ("complex", HARD_BUT_SHORT))
    result = await replay_workload(requests, load_catalog(), cache_ttl_seconds=60)
    assert result.optimized.complex_premium_share == 0.5
    assert result.naive.complex_premium_share == 1.0


async def test_prompts_beyond_a_context_window_are_counted_as_failed() -> None:
    catalog = _catalog(premium={"context_window": 8})
    requests = _requests(("simple", SHORT), ("complex", LONG))
    result = await replay_workload(requests, catalog, cache_ttl_seconds=60)
    assert (result.naive.failed, result.optimized.failed) == (1, 1)
    assert result.naive.tiers["premium"] == 1


async def test_simulated_latency_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the replay slept {seconds} s")

    monkeypatch.setattr("tta_api.simulated_model.asyncio.sleep", no_sleep)
    catalog = _catalog(**{tier.value: {"latency_ms": 60_000} for tier in Tier})
    result = await replay_workload(_requests(("complex", LONG)), catalog, cache_ttl_seconds=60)
    assert result.naive.requests == result.optimized.requests == 1


def test_savings_are_zero_when_the_naive_run_cost_nothing() -> None:
    assert CostComparison(RunTotals("naive"), RunTotals("optimized")).savings == 0.0
    empty = RunTotals("naive")
    assert (empty.cost_per_request_usd, empty.cache_hit_ratio, empty.complex_premium_share) == (
        0.0,
        0.0,
        0.0,
    )
