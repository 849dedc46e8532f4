"""EFF006: an LLM call with no output-token limit."""

from __future__ import annotations

import pytest

from .conftest import Check, expected_lines

POSITIVE = {
    "OpenAI chat completion": """
        from openai import OpenAI

        def ask(client: OpenAI, q):
            return client.chat.completions.create(model="m", messages=[q])  # expect
    """,
    "OpenAI Responses API given the chat keyword": """
        from openai import OpenAI

        client = OpenAI()

        def ask(q):
            return client.responses.create(model="m", input=q, max_tokens=100)  # expect
    """,
    "a factory annotated with its class returns a model made without a limit": """
        from langchain_openai import ChatOpenAI

        def get_llm() -> ChatOpenAI:
            return ChatOpenAI(model="gpt-4o", temperature=0)

        def answer(q):
            return get_llm().invoke(q)  # expect
    """,
    "LangChain model made without a limit": """
        from langchain_openai import ChatOpenAI

        class Bot:
            def __init__(self):
                self.llm = ChatOpenAI(model="m", temperature=0)

            def reply(self, q):
                return self.llm.invoke(q)  # expect
    """,
    "Anthropic client injected or made by default": """
        import anthropic

        class Reviewer:
            def __init__(self, client: anthropic.Anthropic | None = None):
                self.client = client or anthropic.Anthropic()

            def review(self, diff):
                return self.client.messages.create(model="m", messages=[diff])  # expect
    """,
    "litellm async, and an LCEL chain": """
        import litellm
        from langchain.chat_models import init_chat_model

        chain = prompt_template | init_chat_model("gpt-4o")

        async def ask(q):
            chain.invoke({"q": q})  # expect
            return await litellm.acompletion(model="m", messages=[q])  # expect
    """,
}

SDK_STYLES = {
    "v0 ChatCompletion, beta parse, an annotated Anthropic client": """
        import anthropic
        import openai
        from openai import OpenAI

        def ask(client: OpenAI, claude: anthropic.Anthropic, q):
            openai.ChatCompletion.create(model="m", messages=[q])  # expect
            client.beta.chat.completions.parse(model="m", messages=[q])  # expect
            claude.messages.create(model="m", messages=[q])  # expect
    """,
    "a request dict built without a limit, Ollama without num_predict, ChatGroq": """
        import ollama
        from langchain_groq import ChatGroq
        from openai import OpenAI

        client = OpenAI()
        llm = ChatGroq(model="m")

        def ask(q):
            request = {"model": "m", "messages": [q]}
            request.update(stream=False)
            client.chat.completions.create(**request)  # expect
            ollama.chat(model="m", messages=[q])  # expect
            return llm.invoke(q)  # expect
    """,
}

NEGATIVE = {
    "a factory annotated with its class returns a model made with a limit": """
        from langchain_openai import ChatOpenAI

        def get_llm() -> ChatOpenAI:
            return ChatOpenAI(model="gpt-4o", max_tokens=512)

        def answer(q):
            return get_llm().invoke(q)
    """,
    "each SDK's own keyword, in a dict, an options map or a config object": """
        import ollama
        from anthropic import Anthropic
        from google import genai
        from google.genai import types
        from openai import OpenAI

        client = OpenAI()

        def ask(q, overrides):
            Anthropic().completions.create(model="claude-2", prompt=q, max_tokens_to_sample=9)
            ollama.chat(model="m", messages=[q], options={"num_predict": 64})
            genai.Client().models.generate_content(
                model="m", contents=q, config=types.GenerateContentConfig(max_output_tokens=9)
            )
            request = {"model": "m", "messages": [q]}
            request["max_tokens"] = 9
            client.chat.completions.create(**request)
            params = {"model": "m", "messages": [q]}
            params.update(overrides)
            return client.chat.completions.create(**params)
    """,
    "embeddings are not model calls": """
        import openai

        def embed(texts):
            return openai.Embedding.create(model="text-embedding-ada-002", input=texts)
    """,
    "each provider's own keyword": """
        import anthropic
        import litellm
        from openai import OpenAI

        def ask(client: OpenAI, claude: anthropic.Anthropic, q):
            client.chat.completions.create(model="m", messages=[q], max_completion_tokens=9)
            client.responses.create(model="m", input=q, max_output_tokens=9)
            claude.messages.create(model="m", messages=[q], max_tokens=9)
            return litellm.completion(model="m", messages=[q], max_tokens=9)
    """,
    "limit set on the model object, a bind, or in model_kwargs": """
        from langchain_openai import ChatOpenAI

        short = ChatOpenAI(model="m", max_tokens=64)
        bound = ChatOpenAI(model="m").bind(max_tokens=64)
        tuned = ChatOpenAI(model="m", model_kwargs={"max_tokens": 64})

        def ask(q):
            return short.invoke(q), bound.invoke(q), tuned.invoke(q)
    """,
    "settings splatted, or a model object configured elsewhere": """
        import litellm
        from langchain_core.language_models import BaseChatModel

        def ask(q, llm: BaseChatModel, settings):
            llm.invoke(q)
            return litellm.completion(messages=[q], **settings)
    """,
    "look-alikes": """
        def generate_report(rows):
            return rows

        def run(rows, db, runner):
            generate_report(rows)
            db.messages.filter(rows)
            runner.invoke(rows)
            completion = rows.completion()
            return completion
    """,
}


@pytest.mark.parametrize("source", POSITIVE.values(), ids=POSITIVE.keys())
def test_reports_calls_without_a_limit(check: Check, source: str) -> None:
    assert check(source, "EFF006") == expected_lines(source)


@pytest.mark.parametrize("source", SDK_STYLES.values(), ids=SDK_STYLES.keys())
def test_knows_each_sdk_call_style(check: Check, source: str) -> None:
    assert check(source, "EFF006") == expected_lines(source)


@pytest.mark.parametrize("source", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_accepts_limited_or_unknown_calls(check: Check, source: str) -> None:
    assert check(source, "EFF006") == []


def test_google_clients_are_checked(check: Check) -> None:
    source = """
        import google.generativeai as genai
        from google import genai as gen

        def ask(q):
            gen.Client().models.generate_content(model="m", contents=q)  # expect
            model = genai.GenerativeModel("gemini-1.5-flash")
            model.generate_content(q, generation_config={"max_output_tokens": 9})
            return model.generate_content(q)  # expect
    """
    assert check(source, "EFF006") == expected_lines(source)


def test_mistral_and_cohere_clients_are_checked(check: Check) -> None:
    source = """
        import cohere
        from mistralai import Mistral

        def ask(q):
            Mistral().chat.complete(model="m", messages=[q])  # expect
            cohere.ClientV2().chat(model="m", messages=[q], max_tokens=9)
            return cohere.Client().chat(message=q)  # expect
    """
    assert check(source, "EFF006") == expected_lines(source)
