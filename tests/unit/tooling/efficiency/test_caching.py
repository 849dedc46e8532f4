"""EFF002: an LLM call site reached with repeated inputs and not behind a cache."""

from __future__ import annotations

import pytest

from .conftest import Check, expected_lines

POSITIVE = {
    "constant prompt in a function called from two places": """
        import litellm

        def greeting():
            return litellm.completion(  # expect
                model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hi"}], max_tokens=9
            )

        def home():
            return greeting()

        def about():
            return greeting()
    """,
    "prompt built from module constants in a request handler": """
        from fastapi import FastAPI
        from langchain_openai import ChatOpenAI

        SYSTEM = "You are terse."
        TOPIC = "tides"
        llm = ChatOpenAI(model="m", max_tokens=50)
        app = FastAPI()

        @app.get("/explain")
        async def explain():
            return await llm.ainvoke(f"{SYSTEM} Explain {TOPIC}.")  # expect
    """,
    "constant prompt in a loop": """
        import litellm

        def jokes(count):
            for _ in range(count):
                yield litellm.completion(model="m", messages=["A joke"], max_tokens=9)  # expect
    """,
    "helper called twice with the same arguments": """
        from openai import OpenAI

        client = OpenAI()

        def summarize(text):
            return client.chat.completions.create(  # expect
                model="m", messages=[{"role": "user", "content": text}], max_tokens=99
            )

        def page(article):
            header = summarize(article)
            footer = summarize(article)
            return header, footer
    """,
    "method called twice through self": """
        import anthropic

        class Reviewer:
            def __init__(self):
                self.client = anthropic.Anthropic()

            def review(self, diff):
                return self.client.messages.create(  # expect
                    model="m", max_tokens=9, messages=[{"role": "user", "content": diff}]
                )

            def both(self, diff):
                return self.review(diff), self.review(diff)
    """,
}

NEGATIVE = {
    "a fixed-prompt demo function called once": """
        import litellm

        def demo():
            return litellm.completion(model="m", messages=["Say hi"], max_tokens=9)

        if __name__ == "__main__":
            print(demo())
    """,
    "a memoising decorator defined in the file, and Streamlit's cache": """
        import functools
        import litellm
        import streamlit as st

        def memoize(fn):
            memo = {}
            @functools.wraps(fn)
            def wrapper(*args):
                if args not in memo:
                    memo[args] = fn(*args)
                return memo[args]
            return wrapper

        @memoize
        def greeting():
            return litellm.completion(model="m", messages=["Say hi"], max_tokens=9)

        @st.cache_data
        def banner():
            return litellm.completion(model="m", messages=["Write a banner"], max_tokens=9)

        def page():
            return greeting(), greeting(), banner(), banner()
    """,
    "a decorator reading its table back with get()": """
        import litellm

        def cache_response(func):
            table = {}
            def wrapper(*args):
                hit = table.get(args)
                if hit is None:
                    hit = table[args] = func(*args)
                return hit
            return wrapper

        @cache_response
        def greeting():
            return litellm.completion(model="m", messages=["Say hi"], max_tokens=9)

        def page():
            return greeting(), greeting()
    """,
    "a function redefined under the same name": """
        import litellm

        def ask(question):
            return litellm.completion(model="m", messages=[question], max_tokens=9)

        def ask(question):
            return litellm.completion(model="m", messages=[question], max_tokens=99)

        def page(a):
            return ask(a), ask(a)
    """,
    "functools cache decorator": """
        import functools
        import litellm

        @functools.lru_cache(maxsize=32)
        def greeting():
            return litellm.completion(model="m", messages=["Say hi"], max_tokens=9)
    """,
    "function wrapped in a CachePrimitive": """
        import litellm
        from tta_dev_primitives import CachePrimitive, LambdaPrimitive

        def greeting(_):
            return litellm.completion(model="m", messages=["Say hi"], max_tokens=9)

        step = LambdaPrimitive(greeting, name="greeting")
        cached = CachePrimitive(step, ttl_seconds=60)
    """,
    "class wrapped in a CachePrimitive in another module": """
        import litellm
        from tta_dev_primitives import WorkflowPrimitive

        class Greeter(WorkflowPrimitive):
            async def _execute(self, input_data, context):
                return await litellm.acompletion(model="m", messages=["Say hi"], max_tokens=9)

            async def twice(self, context):
                return await self._execute(None, context), await self._execute(None, context)
    """,
    "inputs vary, helper calls differ or are rebound, module-level call runs once": """
        import litellm

        BANNER = litellm.completion(model="m", messages=["Write a banner"], max_tokens=9)

        def ask(question):
            return litellm.completion(model="m", messages=[question], max_tokens=9)

        def page(a, b):
            first = ask(a)
            second = ask(b)
            a = a.strip()
            third = ask(a)
            return first, second, third, ask(a.upper()), ask(a.upper())

        def either(a, short):
            if short:
                reply = ask(a)
            else:
                reply = ask(a)
            return reply

        def conditional(a, short):
            return ask(a) if short else ask(a)

        def retried(a):
            try:
                return ask(a)
            except TimeoutError:
                return ask(a)
    """,
}

_WORKFLOW = {
    "pkg/workflow.py": """
        from tta_dev_primitives import CachePrimitive
        from pkg.mod import Greeter

        greeter = CachePrimitive(Greeter(name="greeter"))
    """
}


@pytest.mark.parametrize("source", POSITIVE.values(), ids=POSITIVE.keys())
def test_reports_repeated_uncached_inputs(check: Check, source: str) -> None:
    assert check(source, "EFF002") == expected_lines(source)


@pytest.mark.parametrize("source", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_accepts_cached_or_varying_call_sites(check: Check, source: str) -> None:
    assert check(source, "EFF002", files=_WORKFLOW) == []


def test_cross_module_cache_is_what_makes_the_class_pass(check: Check) -> None:
    assert check(NEGATIVE["class wrapped in a CachePrimitive in another module"], "EFF002") == [7]


def test_a_cache_is_matched_by_what_it_wraps_not_by_a_bare_name(check: Check) -> None:
    other = {
        "pkg/other.py": """
            from tta_dev_primitives import CachePrimitive
            from pkg import elsewhere

            cached = CachePrimitive(elsewhere.greeting)
        """
    }
    assert check(
        POSITIVE["constant prompt in a function called from two places"], "EFF002", files=other
    ) == [5]
