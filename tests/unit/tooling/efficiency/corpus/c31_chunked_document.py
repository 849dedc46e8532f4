# Source: openai/openai-cookbook, examples/Summarizing_long_documents.ipynb (MIT).
# Rewritten to the same shape: the document is split into chunks, each summarised.
import asyncio

from openai import AsyncOpenAI

client = AsyncOpenAI()


def chunk_on_delimiter(text: str, max_chars: int = 8000) -> list[str]:
    return [text[i : i + max_chars] for i in range(0, len(text), max_chars)]


async def summarize(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    chunks = chunk_on_delimiter(text)
    replies = await asyncio.gather(
        *(
            client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": f"Summarize:\n{chunk}"}],
                max_tokens=300,
            )
            for chunk in chunks
        )
    )
    return [r.choices[0].message.content for r in replies]
