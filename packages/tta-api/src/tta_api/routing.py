"""Which model tier a prompt needs, and what answering it there is estimated to cost.

The rule is deterministic and documented: a prompt's complexity score is its
approximate token count, plus 64 if it asks for reasoning (a word such as
``why``, ``explain``, ``compare``, ``analyze``, ``prove``, ``design``). A score
under 32 goes to the cheap model, under 256 to the balanced one, else premium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tta_api.catalog import ModelCatalog, Tier
from tta_api.simulated_model import answer_text, approximate_tokens

__all__ = ["RouteEstimate", "complexity", "estimate_route", "tier_for"]

_REASONING = re.compile(
    r"\b(why|explain|compare|analy[sz]e|prove|design|derive|evaluate|justify)\b", re.IGNORECASE
)
_REASONING_BONUS = 64
_CHEAP_BELOW = 32
_BALANCED_BELOW = 256


def complexity(prompt: str) -> int:
    """The prompt's complexity score (see the module docstring)."""
    bonus = _REASONING_BONUS if _REASONING.search(prompt) else 0
    return approximate_tokens(prompt) + bonus


def tier_for(prompt: str) -> Tier:
    """The model tier the prompt is routed to."""
    score = complexity(prompt)
    if score < _CHEAP_BELOW:
        return Tier.CHEAP
    if score < _BALANCED_BELOW:
        return Tier.BALANCED
    return Tier.PREMIUM


@dataclass(frozen=True, slots=True)
class RouteEstimate:
    """A routing decision with its estimated token counts and cost, without running a model."""

    tier: Tier
    model: str
    complexity: int
    tokens_in: int
    tokens_out: int
    estimated_cost_usd: float
    premium_cost_usd: float

    @property
    def estimated_saving_usd(self) -> float:
        """Estimated cost saved against sending the prompt to the premium model."""
        return round(self.premium_cost_usd - self.estimated_cost_usd, 10)


def estimate_route(catalog: ModelCatalog, prompt: str) -> RouteEstimate:
    """Route ``prompt`` and price it on the chosen model and on the premium model."""
    tier = tier_for(prompt)
    model = catalog.for_tier(tier)
    premium = catalog.for_tier(Tier.PREMIUM)
    tokens_in = approximate_tokens(prompt)
    tokens_out = approximate_tokens(answer_text(model.name, prompt))
    premium_out = approximate_tokens(answer_text(premium.name, prompt))
    return RouteEstimate(
        tier=tier,
        model=model.name,
        complexity=complexity(prompt),
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        estimated_cost_usd=model.cost(tokens_in, tokens_out),
        premium_cost_usd=premium.cost(tokens_in, premium_out),
    )
