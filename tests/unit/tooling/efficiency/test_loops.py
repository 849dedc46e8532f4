"""EFF001: an LLM call repeated sequentially by a loop or comprehension."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.efficiency import load_config, scan

from .conftest import Check, expected_lines

POSITIVE = {
    "awaited in a for loop": """
        from openai import AsyncOpenAI

        client = AsyncOpenAI()

        async def answer_all(questions):
            answers = []
            for question in questions:
                reply = await client.chat.completions.create(  # expect
                    model="gpt-4o-mini", messages=[{"role": "user", "content": question}],
                    max_tokens=200,
                )
                answers.append(reply)
            return answers
    """,
    "LangChain model in a comprehension": """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model="gpt-4o-mini", max_tokens=100)

        def label(texts):
            return [llm.invoke(f"Label: {text}") for text in texts]  # expect
    """,
    "while loop draining a queue, aliased litellm import": """
        from litellm import completion as ask

        def drain(queue):
            while queue:
                item = queue.pop()
                ask(model="gpt-4o", messages=[item], max_tokens=5)  # expect
    """,
    "sequential sampling until N answers": """
        import litellm

        def sample(prompt, wanted, seen):
            answers = []
            while len(answers) < wanted:
                reply = litellm.completion(model="m", messages=[prompt], max_tokens=9)  # expect
                answers.append(reply)
            for item in seen:
                answers.append(litellm.completion(model="m", messages=[item]))  # expect
                if len(answers) > 10:
                    break
            return answers
    """,
    "anthropic client in an async for": """
        import anthropic

        async def review(client: anthropic.AsyncAnthropic, files):
            async for name in files:
                await client.messages.create(  # expect
                    model="claude", max_tokens=300, messages=[{"role": "user", "content": name}]
                )
    """,
}

HELPERS_AND_CLIENTS = {
    "a helper wrapping the call, called in a loop": """
        from openai import OpenAI

        client = OpenAI()

        def ask(prompt):
            return client.chat.completions.create(model="m", messages=[prompt], max_tokens=9)

        def ask_all(prompts):
            return [ask(p) for p in prompts]  # expect
    """,
    "a helper of a helper, through a method on self": """
        import litellm

        def complete(prompt):
            return litellm.completion(model="m", messages=[prompt], max_tokens=9)

        class Grader:
            def grade(self, answer):
                return complete(f"Grade: {answer}")

            def grade_all(self, answers):
                for answer in answers:
                    self.grade(answer)  # expect
    """,
    "anthropic.Client() and a with target": """
        import anthropic

        def review(paths):
            legacy = anthropic.Client()
            with anthropic.Anthropic() as client:
                for path in paths:
                    client.messages.create(model="m", max_tokens=9, messages=[path])  # expect
                    legacy.messages.create(model="m", max_tokens=9, messages=[path])  # expect
    """,
    "a return-annotated factory, and a client every caller passes": """
        import anthropic
        from openai import OpenAI

        def make_client() -> OpenAI:
            return OpenAI()

        def ask(claude, question):
            return claude.messages.create(model="m", max_tokens=9, messages=[question])

        def run(questions):
            client = make_client()
            for q in questions:
                client.responses.create(model="m", input=q, max_output_tokens=9)  # expect
                ask(anthropic.Anthropic(), q)  # expect
    """,
    "v0 ChatCompletion and beta messages": """
        import anthropic
        import openai

        client = anthropic.Anthropic()

        def run(rows):
            for row in rows:
                openai.ChatCompletion.create(model="m", messages=[row], max_tokens=9)  # expect
                client.beta.messages.create(model="m", max_tokens=9, messages=[row])  # expect
    """,
}

NEGATIVE = {
    "helpers run once, terminal chats, a client nobody shows to be Anthropic's": """
        import sys

        import anthropic
        from rich.prompt import Prompt
        from twilio.rest import Client

        claude = anthropic.Anthropic()

        def ask(question):
            return claude.messages.create(model="m", max_tokens=9, messages=[question])

        def notify(client, number):
            return client.messages.create(to=number, body="Shipped")

        def main(numbers):
            print(ask("What changed?"))
            while True:
                line = input("> ")
                if line == "quit":
                    break
                print(ask(line))
            for number in numbers:
                notify(Client("sid", "token"), number)
            while True:
                print(ask(Prompt.ask("You")))
            for line in sys.stdin:
                print(ask(line))
    """,
    "gathered comprehension": """
        import asyncio
        from openai import AsyncOpenAI

        client = AsyncOpenAI()

        async def answer_all(questions):
            return await asyncio.gather(*[
                client.chat.completions.create(model="m", messages=[q], max_tokens=9)
                for q in questions
            ])
    """,
    "coroutines collected then gathered": """
        import asyncio
        import litellm

        async def answer_all(questions):
            pending = []
            for q in questions:
                pending.append(litellm.acompletion(model="m", messages=[q], max_tokens=9))
            named = [litellm.acompletion(model="m", messages=[q], max_tokens=9) for q in questions]
            return await asyncio.gather(*pending), await asyncio.gather(*named)
    """,
    "task group": """
        import asyncio
        import anthropic

        client = anthropic.AsyncAnthropic()

        async def answer_all(questions):
            async with asyncio.TaskGroup() as group:
                for q in questions:
                    group.create_task(client.messages.create(model="m", max_tokens=9, messages=[q]))
    """,
    "agent loop: each call needs the previous answer": """
        import anthropic

        client = anthropic.Anthropic()

        def agent(task, tools):
            messages = [{"role": "user", "content": task}]
            for _ in range(10):
                reply = client.messages.create(model="m", max_tokens=500, messages=messages[-20:])
                messages.append({"role": "assistant", "content": reply.content})
                if reply.stop_reason == "end_turn":
                    return reply
            return None
    """,
    "retry loop that returns the first answer": """
        import litellm

        def robust(prompt):
            for attempt in range(3):
                try:
                    return litellm.completion(model="m", messages=[prompt], max_tokens=9)
                except TimeoutError:
                    continue
            raise RuntimeError(prompt)
    """,
    "batching per chunk, and look-alikes named generate/invoke": """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model="m", max_tokens=9)

        def generate_report(row):
            return str(row)

        def run(chunks, rows, jobs, runner):
            for chunk in chunks:
                llm.batch(chunk)
            for row in rows:
                generate_report(row)
                row.generate()
            for job in jobs:
                runner.invoke(job)
                job.chat.create()
    """,
    "Twilio's client.messages.create is not Anthropic's": """
        from twilio.rest import Client

        sms = Client("sid", "token")

        def notify(numbers, client):
            for number in numbers:
                sms.messages.create(to=number, from_="+15550000", body="Your order shipped")
                client.messages.create(to=number, body="Shipped")
    """,
}


@pytest.mark.parametrize("source", POSITIVE.values(), ids=POSITIVE.keys())
def test_reports_sequential_calls_in_loops(check: Check, source: str) -> None:
    assert check(source, "EFF001") == expected_lines(source)


@pytest.mark.parametrize("source", HELPERS_AND_CLIENTS.values(), ids=HELPERS_AND_CLIENTS.keys())
def test_reports_helpers_and_traced_clients_in_loops(check: Check, source: str) -> None:
    assert check(source, "EFF001") == expected_lines(source)


def test_a_helper_in_another_module_is_followed_and_both_lines_named(repo: Path) -> None:
    (repo / "pkg" / "llm.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        "def ask(prompt):\n"
        '    return client.chat.completions.create(model="m", messages=[prompt], max_tokens=9)\n'
    )
    (repo / "pkg" / "jobs.py").write_text(
        "from pkg.llm import ask\n\n\ndef run(items):\n    for item in items:\n        ask(item)\n"
    )
    (found,) = scan(repo, load_config(repo)).violations
    assert (found.code, found.file, found.line) == ("EFF001", "pkg/jobs.py", 6)
    assert "the loop at line 5; ask() makes the model call at pkg/llm.py:7" in found.message


@pytest.mark.parametrize("source", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_accepts_concurrent_batched_dependent_and_look_alike_calls(
    check: Check, source: str
) -> None:
    assert check(source, "EFF001") == []
