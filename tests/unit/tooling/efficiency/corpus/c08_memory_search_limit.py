# Source: mem0ai/mem0, examples/misc/personalized_search.py (Apache-2.0).
# Rewritten to the same shape: a top-5 memory search bounds the context.
from mem0 import MemoryClient
from openai import OpenAI

client = OpenAI()
memory = MemoryClient()


def chat(user_input: str, user_id: str) -> str:
    memories = memory.search(user_input, user_id=user_id, limit=5)
    context = "\n".join(f"- {m['memory']}" for m in memories)
    history = ""
    for m in memories:
        history += f"{m['memory']}\n"
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": f"Known about the user:\n{history}{context}"},
            {"role": "user", "content": user_input},
        ],
        max_tokens=500,
    )
    return response.choices[0].message.content
