"""Default call patterns: OpenAI, Anthropic, LiteLLM and LangChain client styles, and
the concurrency, cache and routing constructs that make an LLM call efficient.

``[tool.tta.efficiency]`` in pyproject.toml adds to these lists (``llm-calls``,
``concurrency``, ``caches``, ``routers``); see :mod:`tta_tooling.efficiency.patterns`
for the grammar.
"""

from __future__ import annotations

__all__ = [
    "BATCHING_NAMES",
    "CACHES",
    "CONCURRENCY",
    "DEFAULT_LIMITS",
    "LLM_CALLS",
    "ROUTERS",
]

_OPENAI_LIMITS = ("max_tokens", "max_completion_tokens")
_LANGCHAIN_LIMITS = ("max_tokens", "max_output_tokens", "max_tokens_to_sample")
_LANGCHAIN_MODELS = (
    "langchain_openai.ChatOpenAI",
    "langchain_openai.AzureChatOpenAI",
    "langchain_anthropic.ChatAnthropic",
    "langchain_google_genai.ChatGoogleGenerativeAI",
    "langchain_litellm.ChatLiteLLM",
    "langchain_community.chat_models.ChatLiteLLM",
    "langchain_core.language_models.BaseChatModel",
    "langchain.chat_models.init_chat_model",
)
_ANTHROPIC_CLIENTS = (
    "Anthropic",
    "AsyncAnthropic",
    "AnthropicBedrock",
    "AsyncAnthropicBedrock",
    "AnthropicVertex",
    "AsyncAnthropicVertex",
)
_LANGCHAIN_METHODS = ("invoke", "ainvoke", "stream", "astream", "batch", "abatch")

DEFAULT_LIMITS: tuple[str, ...] = ("max_tokens", "max_completion_tokens", "max_output_tokens")
"""Output-token keywords accepted on a configured pattern given as a plain string."""

LLM_CALLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # OpenAI (and OpenAI-compatible clients such as Azure, vLLM, Ollama)
    ("*.chat.completions.create", _OPENAI_LIMITS),
    ("*.chat.completions.parse", _OPENAI_LIMITS),
    ("*.completions.create", _OPENAI_LIMITS),
    *(
        (f"openai.{client}().responses.create", ("max_output_tokens",))
        for client in ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI")
    ),
    # Anthropic: on its clients only (``client.messages.create`` is also Twilio's SMS API)
    *(
        (f"anthropic.{client}().messages.{method}", ("max_tokens",))
        for client in _ANTHROPIC_CLIENTS
        for method in ("create", "stream")
    ),
    # LiteLLM
    *(
        (f"litellm.{name}", _OPENAI_LIMITS)
        for name in (
            "completion",
            "acompletion",
            "text_completion",
            "atext_completion",
            "batch_completion",
        )
    ),
    ("litellm.Router().completion", _OPENAI_LIMITS),
    ("litellm.Router().acompletion", _OPENAI_LIMITS),
    # LangChain chat models (and LCEL chains built from them)
    *(
        (f"{model}().{method}", _LANGCHAIN_LIMITS)
        for model in _LANGCHAIN_MODELS
        for method in _LANGCHAIN_METHODS
    ),
)
"""``(pattern, output-token keywords)`` of every LLM call recognised by default."""

BATCHING_NAMES = frozenset({"batch", "abatch", "batch_completion"})
"""LLM calls with these final names send many inputs at once (a batching primitive)."""

CONCURRENCY: tuple[str, ...] = (
    "asyncio.gather",
    "asyncio.wait",
    "asyncio.as_completed",
    "asyncio.ensure_future",
    "*.create_task",
    "*.start_soon",
    "*.submit",
    "tta_dev_primitives.ParallelPrimitive",
)
"""Calls that run their arguments concurrently."""

CACHES: tuple[str, ...] = (
    "tta_dev_primitives.CachePrimitive",
    "functools.cache",
    "functools.lru_cache",
    "functools.cached_property",
    "cachetools.cached",
    "cachetools.func.lru_cache",
    "cachetools.func.ttl_cache",
    "async_lru.alru_cache",
    "aiocache.cached",
)
"""Cache wrappers and decorators: a call site inside what they wrap is cached."""

ROUTERS: tuple[str, ...] = (
    "tta_dev_primitives.RouterPrimitive",
    "tta_dev_primitives.FallbackPrimitive",
    "litellm.Router",
    "langchain_core.runnables.RunnableBranch",
    "*.record_route",
    "*.with_fallbacks",
)
"""Explicit model-selection decisions: routers, fallback chains, recorded routes."""
