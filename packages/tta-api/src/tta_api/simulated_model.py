"""A deterministic stand-in for an LLM call, as a workflow primitive.

Nothing leaves the process: the answer is derived from a hash of the model
name and the prompt, so one prompt sent to one model always gets the same
answer, token counts and cost (recordings of the service replay exactly).

Token counts use a documented approximation: one token per 4 characters,
rounded up, at least 1 (:func:`approximate_tokens`).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import dataclass
from typing import TypedDict

from tta_dev_primitives import WorkflowContext, WorkflowPrimitive

from tta_api.catalog import ModelSpec

__all__ = [
    "CALLS_STATE_KEY",
    "Completion",
    "ContextWindowExceededError",
    "Prompt",
    "SimulatedModel",
    "SimulatedProviderError",
    "approximate_tokens",
    "calls_of",
    "run_context",
]

CALLS_STATE_KEY = "tta_api.model_calls"
"""``context.state`` key of the list of :class:`Completion` s the models produced in a run."""


def run_context(workflow: str) -> WorkflowContext:
    """A context for one run of ``workflow``, holding the run's call ledger.

    The ledger is one list created here. Parallel branches run in child contexts
    whose ``state`` is a shallow copy of this one, so every branch appends its
    completions to this same list and :func:`calls_of` sees all of them.
    """
    return WorkflowContext(metadata={"workflow": workflow}, state={CALLS_STATE_KEY: []})


def calls_of(context: WorkflowContext) -> list[Completion]:
    """The completions the models produced in the run of ``context`` (see :func:`run_context`)."""
    calls: list[Completion] = context.state[CALLS_STATE_KEY]
    return calls


_ANSWER_WORDS = 12
_CHARS_PER_TOKEN = 4


def approximate_tokens(text: str) -> int:
    """Token count of ``text``: one per 4 characters, rounded up, at least 1."""
    return max(1, math.ceil(len(text) / _CHARS_PER_TOKEN))


@dataclass(frozen=True, slots=True)
class Prompt:
    """A model call's input.

    ``fail_attempts`` makes the first attempts of a call fail as a provider
    error would (to exercise retry and fallback); ``extra_latency_ms`` adds to
    the model's simulated latency (to exercise timeouts). Each applies only to
    a :class:`SimulatedModel` built to honour it.
    """

    text: str
    fail_attempts: int = 0
    extra_latency_ms: int = 0


class Completion(TypedDict):
    """A model's answer: JSON-serializable, so it can be cached in Redis."""

    text: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float


class SimulatedProviderError(RuntimeError):
    """A transient failure of the simulated model provider."""


class ContextWindowExceededError(ValueError):
    """The prompt does not fit the model's context window."""

    def __init__(self, model: ModelSpec, tokens: int) -> None:
        super().__init__(
            f"the prompt needs about {tokens} tokens; model {model.name!r} "
            f"accepts {model.context_window}"
        )
        self.model = model.name
        self.tokens = tokens


def answer_text(model: str, prompt: str) -> str:
    """The deterministic answer of ``model`` to ``prompt``."""
    digest = hashlib.blake2b(f"{model}\0{prompt}".encode(), digest_size=6).hexdigest()
    words = prompt.split()
    gist = " ".join(words[:_ANSWER_WORDS]) + (" ..." if len(words) > _ANSWER_WORDS else "")
    return f"[{model}#{digest}] On {gist!r}: a simulated answer."


class SimulatedModel(WorkflowPrimitive[Prompt, Completion]):
    """Answers a :class:`Prompt` as the catalog model ``spec`` would, after its latency.

    With ``inject_faults`` the first ``prompt.fail_attempts`` attempts of a run
    raise :class:`SimulatedProviderError`; with ``slow_down`` every call takes
    ``prompt.extra_latency_ms`` longer. Otherwise those fields are ignored.
    ``max_tokens`` caps the answer's output tokens (the text is cut to fit);
    ``None`` leaves it whole.
    Every completion is appended to ``context.state[CALLS_STATE_KEY]``, which
    is how the service reports which models ran and what they cost.
    """

    __slots__ = ("_attempts_key", "inject_faults", "max_tokens", "slow_down", "spec")

    def __init__(
        self,
        spec: ModelSpec,
        *,
        inject_faults: bool = False,
        slow_down: bool = False,
        max_tokens: int | None = None,
    ) -> None:
        super().__init__(name=f"model.{spec.name}")
        if max_tokens is not None and max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
        self.spec = spec
        self.max_tokens = max_tokens
        self.inject_faults = inject_faults
        self.slow_down = slow_down
        self._attempts_key = f"tta_api.attempts.{spec.name}"

    async def _execute(self, input_data: Prompt, context: WorkflowContext) -> Completion:
        spec = self.spec
        tokens_in = approximate_tokens(input_data.text)
        if tokens_in > spec.context_window:
            raise ContextWindowExceededError(spec, tokens_in)
        attempts = context.state.get(self._attempts_key, 0) + 1
        context.state[self._attempts_key] = attempts
        latency = spec.latency_ms + (input_data.extra_latency_ms if self.slow_down else 0)
        if latency > 0:
            await asyncio.sleep(latency / 1000)
        if self.inject_faults and attempts <= input_data.fail_attempts:
            raise SimulatedProviderError(
                f"model {spec.name!r}: simulated provider error on attempt {attempts}"
            )
        text = answer_text(spec.name, input_data.text)
        if self.max_tokens is not None:
            text = text[: self.max_tokens * _CHARS_PER_TOKEN]
        tokens_out = approximate_tokens(text)
        completion = Completion(
            text=text,
            model=spec.name,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=spec.cost(tokens_in, tokens_out),
        )
        context.state.setdefault(CALLS_STATE_KEY, []).append(completion)
        return completion
