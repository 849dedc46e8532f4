# Source: openai/openai-cookbook, examples/How_to_format_inputs_to_ChatGPT_models.ipynb
# (MIT). Rewritten to the same shape: a multi-turn chat that keeps only the last turns.
from openai import OpenAI

client = OpenAI()
MAX_TURNS = 10


def chat_loop(read_line):
    messages = []
    while True:
        messages.append({"role": "user", "content": read_line()})
        messages = messages[-MAX_TURNS:]
        reply = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, max_tokens=400
        )
        messages.append({"role": "assistant", "content": reply.choices[0].message.content})
