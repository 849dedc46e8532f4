# Source: openai/openai-cookbook, examples/How_to_stream_completions.ipynb (MIT).
# Rewritten to the same shape: the request built as a dict and splatted.
from openai import OpenAI

client = OpenAI()


def stream_answer(question: str):
    params = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": question}],
        "stream": True,
    }
    for chunk in client.chat.completions.create(**params):  # expect: EFF006
        print(chunk.choices[0].delta.content or "", end="")
