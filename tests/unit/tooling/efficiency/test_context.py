"""EFF004 (context grown without bound) and EFF005 (whole document in a prompt)."""

from __future__ import annotations

import pytest

from .conftest import Check, expected_lines

ACCUMULATION_POSITIVE = {
    "chat history appended forever and sent each turn": """
        from openai import OpenAI

        client = OpenAI()

        def chat(read_line):
            history = [{"role": "system", "content": "Be brief."}]
            while True:
                history.append({"role": "user", "content": read_line()})
                reply = client.chat.completions.create(  # expect
                    model="m", messages=history, max_tokens=99
                )
                history.append(reply.choices[0].message)
    """,
    "prompt string grown with += then sent": """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model="m", max_tokens=9)

        def ask_about(records):
            prompt = "Answer using these records:\\n"
            for record in records:
                prompt += f"- {record}\\n"
            return llm.invoke(prompt)  # expect
    """,
    "parts joined into the message content": """
        import litellm

        async def answer(question, search):
            parts = []
            async for hit in search(question):
                parts.append(hit.text)
            context = "\\n\\n".join(parts)
            messages = [{"role": "user", "content": f"{context}\\n\\nQ: {question}"}]
            return await litellm.acompletion(model="m", messages=messages, max_tokens=9)  # expect
    """,
}

ACCUMULATION_MORE = {
    "every stored memory, and history handed to a helper that sends it whole": """
        from mem0 import Memory
        from openai import OpenAI

        client = OpenAI()
        memory = Memory()

        def reply(messages):
            return client.chat.completions.create(model="m", messages=messages, max_tokens=9)

        def chat(user_id, read_line):
            context = ""
            for item in memory.get_all(user_id=user_id)["results"]:
                context += item["memory"]
            history = [{"role": "system", "content": context}]
            while True:
                history.append({"role": "user", "content": read_line()})
                answer = reply(history)  # expect
                history.append(answer.choices[0].message)
    """,
}

ACCUMULATION_NEGATIVE = {
    "top-k retrieval, a fixed list, a loop capped by max_tool_calls": """
        import anthropic

        client = anthropic.Anthropic()
        SECTIONS = ("overview", "pricing")

        def answer(q, memory, vectordb, docs, max_tool_calls):
            context = ""
            for m in memory.search(q, limit=5):
                context += m["memory"]
            for hit in vectordb.search(q, 5):
                context += hit["text"]
            for name in SECTIONS:
                context += docs[name]
            for part in map(str.strip, SECTIONS):
                context += part
            messages = [{"role": "user", "content": context}]
            calls = 0
            while True:
                reply = client.messages.create(model="m", max_tokens=9, messages=messages)
                messages.append({"role": "assistant", "content": reply.content})
                calls += 1
                if calls >= max_tool_calls:
                    break
            return reply
    """,
    "a parameter every caller fills with the top 20 results": """
        import anthropic

        client = anthropic.Anthropic()

        def rerank(query, results):
            summaries = []
            for result in results:
                summaries.append(result["text"])
            prompt = query + "\n".join(summaries)
            return client.messages.create(model="m", max_tokens=9, messages=[prompt])

        def retrieve(query, db):
            return rerank(query, db.search(query, k=20))
    """,
    "only the last messages are sent": """
        from openai import OpenAI

        client = OpenAI()

        def chat(read_line):
            history = []
            while True:
                history.append({"role": "user", "content": read_line()})
                reply = client.chat.completions.create(
                    model="m", messages=history[-20:], max_tokens=99
                )
                history.append(reply.choices[0].message)
    """,
    "guarded by len, or a bounded deque": """
        from collections import deque
        import litellm

        def chat(read_line):
            history = []
            recent = deque(maxlen=10)
            while True:
                history.append(read_line())
                recent.append(read_line())
                if len(history) > 40:
                    history = history[-20:]
                litellm.completion(model="m", messages=history, max_tokens=9)
                litellm.completion(model="m", messages=list(recent), max_tokens=9)
    """,
    "retrieved passages added until a token budget": """
        import litellm

        def answer(question, passages, count_tokens, budget):
            context = []
            for passage in passages:
                if count_tokens(context) + count_tokens([passage]) > budget:
                    break
                context.append(passage)
            return litellm.completion(model="m", messages=[*context, question], max_tokens=9)
    """,
    "a loop over a constant range, a reset batch, a truncation helper": """
        import litellm
        from langchain_core.messages import trim_messages

        def run(items, history):
            examples = []
            for n in range(3):
                examples.append(f"example {n}")
            litellm.completion(model="m", messages=examples, max_tokens=9)
            batch = []
            for item in items:
                batch.append(item)
                if item.last:
                    litellm.completion(model="m", messages=batch, max_tokens=9)
                    batch = []
            for item in items:
                history.append(item)
            trimmed = trim_messages(history, max_tokens=500)
            litellm.completion(model="m", messages=trimmed, max_tokens=9)
    """,
}

WHOLE_DOCUMENT_POSITIVE = {
    "read_text straight into the messages": """
        from pathlib import Path
        import litellm

        def review(path):
            return litellm.completion(  # expect
                model="m",
                messages=[{"role": "user", "content": Path(path).read_text()}],
                max_tokens=9,
            )
    """,
    "open().read() through a name and an f-string": """
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model="m", max_tokens=9)

        def summarize(path):
            with open(path, encoding="utf-8") as handle:
                document = handle.read()
            text = document.strip()
            return llm.invoke(f"Summarize:\\n{text}")  # expect
    """,
    "readlines joined": """
        import anthropic

        client = anthropic.Anthropic()

        def explain(stream):
            body = "".join(stream.readlines())
            message = {"role": "user", "content": body}
            return client.messages.create(model="m", max_tokens=9, messages=[message])  # expect
    """,
}

WHOLE_DOCUMENT_MORE = {
    "every page gathered, joined, or returned by a helper in the file": """
        import pypdf
        from langchain_community.document_loaders import PyPDFLoader
        from openai import OpenAI

        client = OpenAI()

        def pdf_text(path):
            text = ""
            for page in pypdf.PdfReader(path).pages:
                text += page.extract_text()
            return text

        def ask(path, question):
            client.chat.completions.create(  # expect
                model="m", messages=[pdf_text(path), question], max_tokens=9
            )
            pages = PyPDFLoader(path).load()
            body = "\\n".join(p.page_content for p in pages)
            return client.chat.completions.create(  # expect
                model="m", messages=[body, question], max_tokens=9
            )
    """,
}

WHOLE_DOCUMENT_NEGATIVE = {
    "the first pages only, and a retriever's top k": """
        import pypdf
        from openai import OpenAI

        client = OpenAI()

        def ask(path, question, vectorstore):
            text = ""
            for page in pypdf.PdfReader(path).pages:
                text += page.extract_text()
            docs = vectorstore.similarity_search(question)
            context = ""
            for doc in docs:
                context += doc.page_content
            return client.chat.completions.create(
                model="m", messages=[text[:4000], context, question], max_tokens=9
            )
    """,
    "truncated with a slice": """
        from pathlib import Path
        import litellm

        def review(path):
            text = Path(path).read_text()
            return litellm.completion(model="m", messages=[text[:8000]], max_tokens=9)
    """,
    "a prompt template read from a file and filled in": """
        from pathlib import Path
        import litellm

        def answer(question, template_file):
            template = Path(template_file).read_text(encoding="utf-8")
            prompt = template.format(question=question)
            return litellm.completion(model="m", messages=[prompt], max_tokens=9)
    """,
    "a bounded read": """
        import litellm

        def review(handle):
            head = handle.read(4096)
            return litellm.completion(model="m", messages=[head], max_tokens=9)
    """,
    "chunked, and a file read that never reaches a prompt": """
        import asyncio
        import json
        from pathlib import Path
        import litellm

        def chunks(text, size=4000):
            return [text[i : i + size] for i in range(0, len(text), size)]

        async def summarize(path, settings_file):
            settings = json.loads(Path(settings_file).read_text())
            text = Path(path).read_text()
            return await asyncio.gather(*(
                litellm.acompletion(model=settings["model"], messages=[part], max_tokens=9)
                for part in chunks(text)
            ))
    """,
}


@pytest.mark.parametrize("source", ACCUMULATION_POSITIVE.values(), ids=ACCUMULATION_POSITIVE.keys())
def test_reports_unbounded_accumulation(check: Check, source: str) -> None:
    assert check(source, "EFF004") == expected_lines(source)


@pytest.mark.parametrize("source", ACCUMULATION_MORE.values(), ids=ACCUMULATION_MORE.keys())
def test_reports_unbounded_sources_and_context_passed_to_helpers(check: Check, source: str) -> None:
    assert check(source, "EFF004") == expected_lines(source)


@pytest.mark.parametrize("source", ACCUMULATION_NEGATIVE.values(), ids=ACCUMULATION_NEGATIVE.keys())
def test_accepts_bounded_context(check: Check, source: str) -> None:
    assert check(source, "EFF004") == []


@pytest.mark.parametrize(
    "source", WHOLE_DOCUMENT_POSITIVE.values(), ids=WHOLE_DOCUMENT_POSITIVE.keys()
)
def test_reports_whole_documents_in_prompts(check: Check, source: str) -> None:
    assert check(source, "EFF005") == expected_lines(source)


@pytest.mark.parametrize("source", WHOLE_DOCUMENT_MORE.values(), ids=WHOLE_DOCUMENT_MORE.keys())
def test_reports_documents_gathered_page_by_page(check: Check, source: str) -> None:
    assert check(source, "EFF005") == expected_lines(source)


def test_pages_gathered_are_a_whole_document_not_growing_context(check: Check) -> None:
    assert (
        check(
            WHOLE_DOCUMENT_MORE["every page gathered, joined, or returned by a helper in the file"],
            "EFF004",
        )
        == []
    )


@pytest.mark.parametrize(
    "source", WHOLE_DOCUMENT_NEGATIVE.values(), ids=WHOLE_DOCUMENT_NEGATIVE.keys()
)
def test_accepts_bounded_or_unrelated_reads(check: Check, source: str) -> None:
    assert check(source, "EFF005") == []
