"""EFF003: more than one model name in a module without a routing decision."""

from __future__ import annotations

import pytest

from .conftest import Check, expected_lines

POSITIVE = {
    "two models hard-coded in two functions": """
        from openai import OpenAI

        client = OpenAI()

        def draft(text):
            return client.chat.completions.create(model="gpt-4o-mini", messages=[text])

        def polish(text):
            return client.chat.completions.create(model="gpt-4o", messages=[text])  # expect
    """,
    "two LangChain model objects": """
        from langchain_anthropic import ChatAnthropic

        fast = ChatAnthropic(model="claude-haiku", max_tokens=50)
        smart = ChatAnthropic(model="claude-opus", max_tokens=50)  # expect

        def answer(question, hard):
            return smart.invoke(question) if hard else fast.invoke(question)
    """,
    "model names from module constants": """
        import litellm

        CHEAP = "gpt-4o-mini"
        PREMIUM = "gpt-4o"

        def simple(q):
            return litellm.completion(model=CHEAP, messages=[q], max_tokens=9)

        def complex_(q):
            return litellm.completion(model=PREMIUM, messages=[q], max_tokens=9)  # expect
    """,
}

NEGATIVE = {
    "a RouterPrimitive chooses": """
        import litellm
        from tta_dev_primitives import LambdaPrimitive, RouterPrimitive

        def cheap(q):
            return litellm.completion(model="gpt-4o-mini", messages=[q], max_tokens=9)

        def premium(q):
            return litellm.completion(model="gpt-4o", messages=[q], max_tokens=9)

        router = RouterPrimitive(
            {"cheap": LambdaPrimitive(cheap), "premium": LambdaPrimitive(premium)},
            lambda q, context: "premium" if len(q) > 500 else "cheap",
        )
    """,
    "one model, used twice": """
        import litellm

        def a(q):
            return litellm.completion(model="gpt-4o", messages=[q], max_tokens=9)

        def b(q):
            return litellm.completion(model="gpt-4o", messages=[q], max_tokens=9)
    """,
    "model chosen by an expression and recorded on the context": """
        import litellm

        def answer(q, context, models):
            model = models["premium"] if len(q) > 500 else models["cheap"]
            context.record_route("answer", model, 0.0)
            return litellm.completion(model=model, messages=[q], max_tokens=9)

        def classify(q):
            model = "gpt-4o-mini" if len(q) < 9 else "gpt-4o"
            return litellm.completion(model=model, messages=[q], max_tokens=9)
    """,
    "model= on calls that are not LLM calls": """
        def generate_report(model, rows):
            return [model, rows]

        def export(table, serializer):
            generate_report(model="invoice", rows=[])
            serializer.generate(model="customer")
            table.create(model="order")
    """,
    "a fallback chain to a cheaper model": """
        import litellm
        from tta_dev_primitives import FallbackPrimitive, LambdaPrimitive

        def premium(q):
            return litellm.completion(model="gpt-4o", messages=[q], max_tokens=9)

        def cheap(q):
            return litellm.completion(model="gpt-4o-mini", messages=[q], max_tokens=9)

        answer = FallbackPrimitive(LambdaPrimitive(premium), LambdaPrimitive(cheap))
    """,
}


@pytest.mark.parametrize("source", POSITIVE.values(), ids=POSITIVE.keys())
def test_reports_several_models_without_routing(check: Check, source: str) -> None:
    assert check(source, "EFF003") == expected_lines(source)


@pytest.mark.parametrize("source", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_accepts_routed_single_or_non_llm_models(check: Check, source: str) -> None:
    assert check(source, "EFF003") == []


def test_models_in_the_branches_of_one_choice_are_routed(check: Check) -> None:
    choice = """
        import litellm
        from openai import OpenAI

        client = OpenAI()

        def answer(prompt, llm_choice):
            if llm_choice == "OpenAI GPT-4o":
                return client.chat.completions.create(model="gpt-4o", messages=[prompt])
            elif llm_choice == "Claude Sonnet":
                return litellm.completion(model="claude-3-5-sonnet", messages=[prompt])
            return None
    """
    third = """
        def compare(prompt):
            return client.chat.completions.create(model="gpt-4o-mini", messages=[prompt])
    """
    assert check(choice, "EFF003") == []
    assert check(choice + third, "EFF003") == [11]
