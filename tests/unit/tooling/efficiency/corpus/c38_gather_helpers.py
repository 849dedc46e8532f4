# Source: openai/openai-python, examples/async_demo.py and README "Async usage"
# (Apache-2.0). Rewritten to the same shape: helper coroutines started together.
import asyncio

from openai import AsyncOpenAI

client = AsyncOpenAI()


async def translate(text: str, language: str) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Translate to {language}: {text}"}],
        max_tokens=200,
    )
    return completion.choices[0].message.content


async def translate_all(texts: list[str], language: str) -> list[str]:
    return await asyncio.gather(*(translate(text, language) for text in texts))
