"""Default call patterns: OpenAI, Anthropic, Google, Ollama, Mistral, Cohere, LiteLLM and
LangChain client styles, and the concurrency, cache and routing constructs that make an
LLM call efficient.

``[tool.tta.efficiency]`` in pyproject.toml adds to these lists (``llm-calls``,
``concurrency``, ``caches``, ``routers``); see :mod:`tta_tooling.efficiency.patterns`
for the grammar.
"""

from __future__ import annotations

__all__ = [
    "BATCHING_NAMES",
    "CACHES",
    "CALL_LIMIT_PACKAGES",
    "CONCURRENCY",
    "DEFAULT_LIMITS",
    "GLOBAL_CACHES",
    "LLM_CALLS",
    "ROUTERS",
]

# Each SDK's output-limit keyword, from its own signatures: openai-python
# ``resources/chat/completions/completions.py`` ``create(max_tokens, max_completion_tokens)``,
# ``resources/responses/responses.py`` ``create(max_output_tokens)``; anthropic-sdk-python
# ``resources/messages/messages.py`` ``create(max_tokens)`` and the legacy
# ``resources/completions.py`` ``create(max_tokens_to_sample)``; ollama-python
# ``_client.py`` ``chat(options={"num_predict": ...})``; LangChain's ChatOllama
# ``num_predict``, ChatGoogleGenerativeAI ``max_output_tokens``, HuggingFace ``max_new_tokens``.
_OPENAI_LIMITS = ("max_tokens", "max_completion_tokens")
_LEGACY_COMPLETION_LIMITS = ("max_tokens", "max_tokens_to_sample")
_LANGCHAIN_LIMITS = (
    "max_tokens",
    "max_output_tokens",
    "max_tokens_to_sample",
    "num_predict",
    "max_new_tokens",
)
_LANGCHAIN_MODELS = (
    "langchain_openai.ChatOpenAI",
    "langchain_openai.AzureChatOpenAI",
    "langchain_openai.OpenAI",
    "langchain_anthropic.ChatAnthropic",
    "langchain_google_genai.ChatGoogleGenerativeAI",
    "langchain_google_vertexai.ChatVertexAI",
    "langchain_groq.ChatGroq",
    "langchain_ollama.ChatOllama",
    "langchain_ollama.OllamaLLM",
    "langchain_mistralai.ChatMistralAI",
    "langchain_cohere.ChatCohere",
    "langchain_aws.ChatBedrock",
    "langchain_aws.ChatBedrockConverse",
    "langchain_fireworks.ChatFireworks",
    "langchain_together.ChatTogether",
    "langchain_deepseek.ChatDeepSeek",
    "langchain_xai.ChatXAI",
    "langchain_huggingface.ChatHuggingFace",
    "langchain_litellm.ChatLiteLLM",
    "langchain_community.chat_models.ChatLiteLLM",
    "langchain_community.chat_models.ChatOpenAI",
    "langchain_community.chat_models.ChatAnthropic",
    "langchain_community.chat_models.ChatOllama",
    "langchain_community.llms.Ollama",
    "langchain_community.llms.OpenAI",
    "langchain.chat_models.ChatOpenAI",
    "langchain.chat_models.ChatAnthropic",
    "langchain.llms.OpenAI",
    "langchain_core.language_models.BaseChatModel",
    "langchain.chat_models.init_chat_model",
)
_OPENAI_CLIENTS = (
    "OpenAI",
    "AsyncOpenAI",
    "AzureOpenAI",
    "AsyncAzureOpenAI",
    "Client",
    "AsyncClient",
)
# ``anthropic.Client`` is ``Anthropic`` (anthropic-sdk-python ``_client.py``:
# ``Client = Anthropic``).
_ANTHROPIC_CLIENTS = (
    "Anthropic",
    "AsyncAnthropic",
    "Client",
    "AsyncClient",
    "AnthropicBedrock",
    "AsyncAnthropicBedrock",
    "AnthropicVertex",
    "AsyncAnthropicVertex",
)
_ANTHROPIC_MESSAGES = (
    "messages",
    "beta.messages",
    "beta.prompt_caching.messages",
    "beta.tools.messages",
)
_LANGCHAIN_METHODS = ("invoke", "ainvoke", "stream", "astream", "batch", "abatch", "predict")

DEFAULT_LIMITS: tuple[str, ...] = ("max_tokens", "max_completion_tokens", "max_output_tokens")
"""Output-token keywords accepted on a configured pattern given as a plain string."""

CALL_LIMIT_PACKAGES: frozenset[str] = frozenset({"openai", "anthropic", "ollama"})
"""Packages whose clients take the output limit on each call, never on the client:
a client known only by its type annotation is still checked."""

LLM_CALLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Anthropic first: its legacy ``completions.create`` takes ``max_tokens_to_sample``
    *(
        (f"anthropic.{client}().{messages}.{method}", ("max_tokens",))
        for client in _ANTHROPIC_CLIENTS
        for messages in _ANTHROPIC_MESSAGES
        for method in ("create", "stream")
    ),
    *(
        (f"anthropic.{client}().completions.create", ("max_tokens_to_sample",))
        for client in _ANTHROPIC_CLIENTS
    ),
    # anthropic-sdk-python before 0.3: ``anthropic.Client(key).completion(...)``
    ("anthropic.Client().completion", ("max_tokens_to_sample",)),
    ("anthropic.Client().acompletion", ("max_tokens_to_sample",)),
    # OpenAI (and OpenAI-compatible clients such as Azure, vLLM, Groq, Ollama's /v1)
    ("*.chat.completions.create", _OPENAI_LIMITS),
    ("*.chat.completions.parse", _OPENAI_LIMITS),
    ("*.chat.completions.stream", _OPENAI_LIMITS),
    ("*.completions.create", _LEGACY_COMPLETION_LIMITS),
    *(
        (f"openai.{client}().responses.{method}", ("max_output_tokens",))
        for client in _OPENAI_CLIENTS
        for method in ("create", "parse", "stream")
    ),
    # openai-python before 1.0 (``openai/api_resources/chat_completion.py``)
    ("openai.ChatCompletion.create", _OPENAI_LIMITS),
    ("openai.ChatCompletion.acreate", _OPENAI_LIMITS),
    ("openai.Completion.create", _OPENAI_LIMITS),
    ("openai.Completion.acreate", _OPENAI_LIMITS),
    # Ollama's own client (the limit is ``options={"num_predict": n}``)
    ("ollama.chat", ("num_predict",)),
    ("ollama.generate", ("num_predict",)),
    ("ollama.Client().chat", ("num_predict",)),
    ("ollama.AsyncClient().chat", ("num_predict",)),
    # Google: google-genai ``models.generate_content(config=GenerateContentConfig(
    # max_output_tokens=...))``, google-generativeai ``GenerativeModel.generate_content(
    # generation_config={"max_output_tokens": ...})``
    ("google.genai.Client().models.generate_content", ("max_output_tokens",)),
    ("google.generativeai.GenerativeModel().generate_content", ("max_output_tokens",)),
    # Mistral (mistralai ``Mistral().chat.complete(max_tokens=...)``) and Cohere
    # (cohere ``Client().chat(max_tokens=...)``, ``ClientV2().chat``)
    ("mistralai.Mistral().chat.complete", ("max_tokens",)),
    ("mistralai.Mistral().chat.stream", ("max_tokens",)),
    ("cohere.Client().chat", ("max_tokens",)),
    ("cohere.ClientV2().chat", ("max_tokens",)),
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
    "streamlit.cache_data",
    "streamlit.cache_resource",
    "diskcache.Cache().memoize",
    "joblib.Memory().cache",
)
"""Cache wrappers and decorators: a call site inside what they wrap is cached."""

GLOBAL_CACHES: tuple[str, ...] = (
    "langchain_core.globals.set_llm_cache",
    "langchain.globals.set_llm_cache",
    "langchain.set_llm_cache",
    "litellm.Cache",
)
"""Calls that put every LLM call of the process behind a cache."""

ROUTERS: tuple[str, ...] = (
    "tta_dev_primitives.RouterPrimitive",
    "tta_dev_primitives.FallbackPrimitive",
    "litellm.Router",
    "langchain_core.runnables.RunnableBranch",
    "*.record_route",
    "*.with_fallbacks",
)
"""Explicit model-selection decisions: routers, fallback chains, recorded routes."""
