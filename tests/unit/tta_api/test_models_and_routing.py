from __future__ import annotations

import pytest
from tta_api import load_catalog
from tta_api.catalog import Tier
from tta_api.routing import complexity, estimate_route, tier_for
from tta_api.simulated_model import (
    CALLS_STATE_KEY,
    ContextWindowExceededError,
    Prompt,
    SimulatedModel,
    SimulatedProviderError,
    answer_text,
    approximate_tokens,
)
from tta_api.workflows import merge_completions
from tta_dev_primitives import WorkflowContext


@pytest.mark.parametrize(
    ("text", "tokens"), [("", 1), ("a", 1), ("abcd", 1), ("abcde", 2), ("é" * 9, 3)]
)
def test_one_token_per_four_characters_rounded_up(text: str, tokens: int) -> None:
    assert approximate_tokens(text) == tokens


@pytest.mark.parametrize(
    ("prompt", "tier"),
    [
        ("hi", Tier.CHEAP),
        ("x" * 124, Tier.CHEAP),
        ("x" * 125, Tier.BALANCED),
        ("Why?", Tier.BALANCED),
        ("EXPLAIN this", Tier.BALANCED),
        ("explanation", Tier.CHEAP),
        ("x" * 1020, Tier.BALANCED),
        ("x" * 1021, Tier.PREMIUM),
        ("analyse " + "x" * 760, Tier.PREMIUM),
    ],
)
def test_routing_thresholds(prompt: str, tier: Tier) -> None:
    assert tier_for(prompt) is tier


def test_complexity_adds_a_bonus_for_reasoning() -> None:
    assert complexity("compare a b") == approximate_tokens("compare a b") + 64


def test_the_estimate_prices_the_chosen_and_the_premium_model() -> None:
    catalog = load_catalog()
    cheap = estimate_route(catalog, "hello")
    assert cheap.model == "cheap"
    assert cheap.premium_cost_usd > cheap.estimated_cost_usd
    assert cheap.estimated_saving_usd == pytest.approx(
        cheap.premium_cost_usd - cheap.estimated_cost_usd
    )


def test_answers_are_deterministic_per_model_and_prompt() -> None:
    assert answer_text("cheap", "a b") == answer_text("cheap", "a b")
    assert answer_text("cheap", "a b") != answer_text("premium", "a b")
    assert answer_text("cheap", "a b") != answer_text("cheap", "a c")
    long_answer = answer_text("cheap", " ".join(["w"] * 50))
    assert "'" + " ".join(["w"] * 12) + " ...'" in long_answer


async def test_a_model_records_its_completion_on_the_context() -> None:
    spec = load_catalog().for_tier(Tier.CHEAP)
    context = WorkflowContext()
    completion = await SimulatedModel(spec).execute(Prompt("hello"), context)
    assert completion["model"] == "cheap"
    assert completion["cost_usd"] == spec.cost(completion["tokens_in"], completion["tokens_out"])
    assert context.state[CALLS_STATE_KEY] == [completion]


async def test_faults_apply_only_to_a_model_built_to_inject_them() -> None:
    spec = load_catalog().for_tier(Tier.CHEAP)
    prompt = Prompt("hello", fail_attempts=2)
    context = WorkflowContext()
    faulty = SimulatedModel(spec, inject_faults=True)
    for _ in range(2):
        with pytest.raises(SimulatedProviderError, match="attempt"):
            await faulty.execute(prompt, context)
    assert (await faulty.execute(prompt, context))["model"] == "cheap"
    assert (await SimulatedModel(spec).execute(prompt, WorkflowContext()))["model"] == "cheap"


async def test_a_prompt_beyond_the_context_window_is_refused() -> None:
    spec = load_catalog().for_tier(Tier.CHEAP).model_copy(update={"context_window": 2})
    with pytest.raises(ContextWindowExceededError, match="about 3 tokens; model 'cheap'"):
        await SimulatedModel(spec).execute(Prompt("x" * 9), WorkflowContext())


def test_merge_sums_tokens_and_cost_in_order() -> None:
    spec = load_catalog().for_tier(Tier.CHEAP)
    parts = [
        {"text": "a", "model": "m1", "tokens_in": 1, "tokens_out": 2, "cost_usd": 0.1},
        {"text": "b", "model": "m2", "tokens_in": 3, "tokens_out": 4, "cost_usd": 0.2},
    ]
    merged = merge_completions(parts)  # type: ignore[arg-type]
    assert merged == {
        "text": "a\nb",
        "model": "m1+m2",
        "tokens_in": 4,
        "tokens_out": 6,
        "cost_usd": pytest.approx(0.3),
    }
    assert spec.cost(0, 0) == 0
