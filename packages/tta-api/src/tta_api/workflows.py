"""The named workflows the service runs, each composed from the primitives.

* ``smart-answer``: a cache in front of a router that sends simple prompts to
  the cheap model and complex ones to the premium model (:mod:`tta_api.routing`);
  it takes the prompt text only, so the cache key is the text;
* ``resilient-answer``: the premium model retried, then a fallback to the cheap one;
* ``bounded-answer``: the balanced model under a timeout;
* ``panel-answer``: all three models in parallel, their answers merged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tta_dev_primitives import (
    CacheBackend,
    CachePrimitive,
    FallbackPrimitive,
    LambdaPrimitive,
    ParallelPrimitive,
    RetryPrimitive,
    RouterPrimitive,
    SequentialPrimitive,
    TimeoutPrimitive,
    WorkflowPrimitive,
)

from tta_api.catalog import ModelCatalog, Tier
from tta_api.routing import tier_for
from tta_api.simulated_model import Completion, Prompt, SimulatedModel, SimulatedProviderError

__all__ = [
    "CACHED_WORKFLOW",
    "Workflow",
    "build_workflows",
    "full_prompt",
    "merge_completions",
    "text_only",
]

CACHED_WORKFLOW = "smart-answer"
"""The workflow with a cache in front; ``/api/v1/cache/stats`` reports its cache."""

RETRY_ATTEMPTS = 3


def full_prompt(text: str, fail_attempts: int, extra_latency_ms: int) -> Prompt:
    """The workflow input with every knob of the request."""
    return Prompt(text, fail_attempts, extra_latency_ms)


def text_only(text: str, fail_attempts: int, extra_latency_ms: int) -> Prompt:
    """The workflow input with the prompt text alone (the knobs are ignored)."""
    return Prompt(text)


@dataclass(frozen=True, slots=True)
class Workflow:
    """A named workflow: its description, its primitive, how it reads a request, its cache."""

    name: str
    description: str
    primitive: WorkflowPrimitive[Prompt, Completion]
    prompt_of: Callable[[str, int, int], Prompt] = full_prompt
    cache: CachePrimitive[Prompt, Completion] | None = None


def merge_completions(completions: list[Completion]) -> Completion:
    """One completion holding every answer, in order, with summed tokens and cost."""
    return Completion(
        text="\n".join(completion["text"] for completion in completions),
        model="+".join(completion["model"] for completion in completions),
        tokens_in=sum(completion["tokens_in"] for completion in completions),
        tokens_out=sum(completion["tokens_out"] for completion in completions),
        cost_usd=round(sum(completion["cost_usd"] for completion in completions), 10),
    )


def build_workflows(
    catalog: ModelCatalog,
    *,
    cache_backend: CacheBackend,
    cache_ttl_seconds: float,
    timeout_seconds: float,
    route: Callable[[str], Tier] = tier_for,
    cached: bool = True,
) -> Mapping[str, Workflow]:
    """Build every workflow over ``catalog``'s models, by name.

    ``route`` is ``smart-answer``'s routing rule (prompt text to tier) and
    ``cached=False`` leaves its cache out; the service keeps both defaults,
    the workload replay (:mod:`tta_api.gates.cost`) varies them.
    """
    models = {tier: SimulatedModel(catalog.for_tier(tier)) for tier in Tier}
    router: RouterPrimitive[Prompt, Completion] = RouterPrimitive(
        {tier.value: model for tier, model in models.items()},
        lambda prompt, _context: route(prompt.text).value,
        cost_per_route={
            tier.value: model.spec.price_per_1k_input + model.spec.price_per_1k_output
            for tier, model in models.items()
        },
        name="smart-answer.router",
    )
    cache: CachePrimitive[Prompt, Completion] = CachePrimitive(
        router, ttl_seconds=cache_ttl_seconds, backend=cache_backend, name=CACHED_WORKFLOW
    )
    retried = RetryPrimitive(
        SimulatedModel(catalog.for_tier(Tier.PREMIUM), inject_faults=True),
        max_attempts=RETRY_ATTEMPTS,
        base_delay=0.005,
        max_delay=0.05,
        retry_on=_is_provider_error,
        name="resilient-answer.retry",
    )
    panel: ParallelPrimitive[Prompt, Completion] = ParallelPrimitive(
        list(models.values()), name="panel-answer.fan-out"
    )
    merge: LambdaPrimitive[list[Completion], Completion] = LambdaPrimitive(
        merge_completions, name="panel-answer.merge"
    )
    workflows = [
        Workflow(
            CACHED_WORKFLOW,
            "Route the prompt by complexity (cheap model for simple prompts, premium for "
            "complex ones), with a cache in front.",
            cache if cached else router,
            text_only,
            cache if cached else None,
        ),
        Workflow(
            "resilient-answer",
            f"Ask the premium model, retrying provider errors up to {RETRY_ATTEMPTS} attempts, "
            "then fall back to the cheap model. fail_attempts makes the first premium "
            "attempts fail.",
            FallbackPrimitive(
                retried,
                models[Tier.CHEAP],
                fallback_on=_is_provider_error,
                name="resilient-answer.fallback",
            ),
        ),
        Workflow(
            "bounded-answer",
            f"Ask the balanced model within {timeout_seconds:g} s (504 when it takes longer); "
            "extra_latency_ms slows the model down.",
            TimeoutPrimitive(
                SimulatedModel(catalog.for_tier(Tier.BALANCED), slow_down=True),
                timeout_seconds,
                name="bounded-answer.timeout",
            ),
        ),
        Workflow(
            "panel-answer",
            "Ask the cheap, balanced and premium models in parallel and merge their answers.",
            SequentialPrimitive([panel, merge], name="panel-answer"),
        ),
    ]
    return {workflow.name: workflow for workflow in workflows}


def _is_provider_error(error: Exception) -> bool:
    return isinstance(error, SimulatedProviderError)
