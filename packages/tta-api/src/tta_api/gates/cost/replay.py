"""Replay a workload through ``smart-answer`` twice: naive and optimized, then compare.

* naive: every request to the premium model, no cache (``smart-answer`` built
  with a route that always answers premium and without its cache);
* optimized: ``smart-answer`` as the service builds it (the router of
  :mod:`tta_api.routing`, the cache in front) over the service's catalog and
  cache time to live, with a fresh in-memory cache (a shared Redis could hold
  answers from earlier runs and inflate the hit ratio).

Requests run one after another, in file order, so a repeat finds what its
first occurrence cached. Costs are the models' own accounting
(the run's call ledger, as the service reports them); simulated
latency is set to zero for the replay, as it has no effect on cost. A request
whose answer came from the cache counts for the tier of the model that
produced the cached answer. A request that fails (a prompt beyond a model's
context window) costs nothing, and is counted so the gate can fail on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tta_dev_primitives import InMemoryBackend

from tta_api.cache_backend import MEMORY_MAX_ENTRIES
from tta_api.catalog import ModelCatalog, Tier
from tta_api.gates.cost.workload import WorkloadRequest
from tta_api.routing import tier_for
from tta_api.simulated_model import Completion, ContextWindowExceededError, calls_of, run_context
from tta_api.workflows import CACHED_WORKFLOW, build_workflows

__all__ = ["CostComparison", "RunTotals", "replay_workload"]

_TIMEOUT_SECONDS = 300.0
"""``bounded-answer``'s budget; unused by the replay, which only runs ``smart-answer``."""


@dataclass(slots=True)
class RunTotals:
    """What one replay of the workload cost and which tiers answered."""

    name: str
    requests: int = 0
    cost_usd: float = 0.0
    cache_hits: int = 0
    failed: int = 0
    tiers: Counter[str] = field(default_factory=Counter)
    complex_requests: int = 0
    complex_on_premium: int = 0

    @property
    def cost_per_request_usd(self) -> float:
        """Mean cost of a request."""
        return self.cost_usd / self.requests if self.requests else 0.0

    @property
    def cache_hit_ratio(self) -> float:
        """Share of requests answered from the cache."""
        return self.cache_hits / self.requests if self.requests else 0.0

    @property
    def complex_premium_share(self) -> float:
        """Share of complex requests answered by the premium model."""
        return self.complex_on_premium / self.complex_requests if self.complex_requests else 0.0


@dataclass(frozen=True, slots=True)
class CostComparison:
    """The naive and optimized replays of one workload."""

    naive: RunTotals
    optimized: RunTotals

    @property
    def savings(self) -> float:
        """Share of the naive cost the optimized run saved (0 when the naive run cost nothing)."""
        if self.naive.cost_usd <= 0:
            return 0.0
        return 1 - self.optimized.cost_usd / self.naive.cost_usd


async def replay_workload(
    requests: Sequence[WorkloadRequest], catalog: ModelCatalog, *, cache_ttl_seconds: float
) -> CostComparison:
    """Replay ``requests`` naive, then optimized, over ``catalog``'s models."""
    instant = ModelCatalog(
        models=tuple(model.model_copy(update={"latency_ms": 0}) for model in catalog.models)
    )
    naive = await _replay(
        "naive", requests, instant, cache_ttl_seconds, lambda _prompt: Tier.PREMIUM, cached=False
    )
    optimized = await _replay(
        "optimized", requests, instant, cache_ttl_seconds, tier_for, cached=True
    )
    return CostComparison(naive, optimized)


async def _replay(
    name: str,
    requests: Sequence[WorkloadRequest],
    catalog: ModelCatalog,
    cache_ttl_seconds: float,
    route: Callable[[str], Tier],
    *,
    cached: bool,
) -> RunTotals:
    workflow = build_workflows(
        catalog,
        cache_backend=InMemoryBackend(MEMORY_MAX_ENTRIES),
        cache_ttl_seconds=cache_ttl_seconds,
        timeout_seconds=_TIMEOUT_SECONDS,
        route=route,
        cached=cached,
    )[CACHED_WORKFLOW]
    tier_of = {model.name: model.tier for model in catalog.models}
    totals = RunTotals(name)
    for request in requests:
        totals.requests += 1
        complex_request = request.label == "complex"
        totals.complex_requests += complex_request
        context = run_context(CACHED_WORKFLOW)
        prompt = workflow.prompt_of(request.prompt, 0, 0)
        try:
            completion: Completion = await workflow.primitive.execute(prompt, context)
        except ContextWindowExceededError:
            totals.failed += 1
            continue
        calls = calls_of(context)
        totals.cost_usd += sum(call["cost_usd"] for call in calls)
        totals.cache_hits += not calls
        tier = tier_of[completion["model"]]
        totals.tiers[tier.value] += 1
        totals.complex_on_premium += complex_request and tier is Tier.PREMIUM
    return totals
